//! Exports of a built graph. [`rdf`]: the store's quads in the standard RDF syntaxes.

pub mod rdf;
