//! RDF: the knowledge graph as quads, in a persistent oxigraph store.
//!
//! [`vocab`] names the terms and prefixes.

pub mod vocab;
