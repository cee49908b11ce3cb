//! Helpers shared by the parsers' unit tests.

use crate::ingest::{Loc, ParseCtx, Record};
use crate::model::Paper;
use std::io::BufRead;

/// A document parser's signature.
pub type Parser = fn(&mut dyn BufRead, &ParseCtx, &mut dyn FnMut(Record)) -> Result<(), String>;

/// Run a parser over bytes; the records it emitted and its result.
pub fn run_parser(parser: Parser, input: &[u8]) -> (Vec<Record>, Result<(), String>) {
    let ctx = ParseCtx { file: "test".into(), listing_date: None };
    let mut out = Vec::new();
    let res = parser(&mut &input[..], &ctx, &mut |r| out.push(r));
    (out, res)
}

/// The bytes of a fixture under `tests/data/formats/`.
pub fn fixture_bytes(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/formats/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The paper of a record, with its version and location; panics on other records.
pub fn paper_of(r: &Record) -> (&Paper, Option<u32>, Loc) {
    match r {
        Record::Paper { paper, version, loc } => (paper, *version, *loc),
        other => panic!("expected a paper, got {other:?}"),
    }
}

/// The location and reason of a bad record; panics on other records.
pub fn bad_of(r: &Record) -> (Loc, &str) {
    match r {
        Record::Bad { loc, reason } => (*loc, reason),
        other => panic!("expected a bad record, got {other:?}"),
    }
}
