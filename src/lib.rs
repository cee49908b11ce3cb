//! topicgraph: research papers in, a knowledge graph of research topics out.
//!
//! Stages, each a module whose doc names its entry point; data flows one way:
//! [`ingest`] (sources -> canonical [`model::Paper`]s).

pub mod ingest;
pub mod model;
