//! topicgraph: research papers in, a knowledge graph of research topics out.
//!
//! Stages, each a module whose doc names its entry point; data flows one way:
//! [`ingest`] (sources -> canonical [`model::Paper`]s) -> [`link`] (papers -> concepts, with
//! evidence, against an [`ontology`]; [`text`] is the tokenizer both share) -> [`rdf`] (the
//! graph in an oxigraph store) -> [`sparql`] (queries over it) -> [`serve`] (over HTTP).

pub mod eval;
pub mod ingest;
pub mod link;
pub mod model;
pub mod ontology;
pub mod rdf;
pub mod serve;
pub mod sparql;
pub mod text;
