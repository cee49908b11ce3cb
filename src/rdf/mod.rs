//! RDF: the knowledge graph as quads, in a persistent oxigraph store.
//!
//! [`vocab`] names the terms and prefixes; [`store`] opens the store.

pub mod store;
pub mod vocab;
pub mod iri;
pub mod mapping;
pub mod sidecar;
