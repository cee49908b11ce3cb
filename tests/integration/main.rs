//! The integration tests: one binary, one module per command or stage. Tests run the real
//! `topicgraph` binary (`CARGO_BIN_EXE_topicgraph`). Tests that need `../shared` skip with a
//! printed reason when it is absent, except under `CI=true`, where they fail.

mod common;
mod cso;
mod graph;
mod ingest;
mod kg;
mod link;
