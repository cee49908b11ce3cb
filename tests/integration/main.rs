//! The integration tests: one binary, one module per command or stage. Tests run the real
//! `topicgraph` binary (`CARGO_BIN_EXE_topicgraph`). Tests that need `../shared` skip with a
//! printed reason when it is absent, and so do tests that need a missing tool (curl, chromium,
//! Python's SPARQLWrapper), except under `CI=true`, where they fail.

mod common;
mod cso;
mod entity;
mod export;
mod fetch;
mod graph;
mod ingest;
mod keyphrase;
mod kg;
mod link;
mod mock;
mod ner;
mod spark;
mod semantic;
mod sparql;
mod trends;
mod update;
