//! (placeholder, being written)
use crate::ingest::{ParseCtx, Record};
use std::io::BufRead;

pub fn parse(_input: &mut dyn BufRead, _ctx: &ParseCtx, _emit: &mut dyn FnMut(Record)) -> Result<(), String> {
    Err("this format's parser is not written yet".into())
}
