//! RDF: the knowledge graph as quads, in a persistent oxigraph store.
//!
//! [`vocab`] names the terms and prefixes.

pub mod vocab;
pub mod iri;
pub mod mapping;
pub mod store;
