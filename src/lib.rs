//! topicgraph: research papers in, a knowledge graph of research topics out.
//!
//! Stages, each a module whose doc names its entry point; data flows one way:
//! [`fetch`] (the live services, paged politely and cached) and files -> [`ingest`] (sources
//! -> canonical [`model::Paper`]s) -> [`link`] (papers -> concepts, with evidence, against an
//! [`ontology`]; [`text`] is the tokenizer every stage shares) and [`extract`] (named
//! entities and keyphrases) -> [`build`] (the pipeline into the store) -> [`rdf`] (the
//! knowledge graph as quads in an oxigraph store) -> [`graph`] (the same knowledge in
//! petgraph, and its analytics), [`sparql`] (queries over the store), [`serve`] (over HTTP),
//! [`export`] (other formats), [`report`] (topic trends over time and the brief on one
//! topic); [`update`] follows live sources into a store (fetch, build, reports) day by day.
//! [`embed`] holds the sentence embedders (a hashing one, and rust-bert with the `neural`
//! feature) that semantic linking uses.
//! [`synth`] makes large synthetic corpora from real ones for the scale benchmarks.

pub mod build;
pub mod embed;
pub mod eval;
pub mod export;
pub mod extract;
pub mod fetch;
pub mod graph;
pub mod ingest;
pub mod link;
pub mod model;
pub mod output;
pub mod ontology;
pub mod rdf;
pub mod report;
pub mod rng;
pub mod serve;
pub mod sparql;
pub mod synth;
pub mod text;
pub mod update;
