//! (placeholder, being written)
use crate::ingest::ParseCtx;
use crate::model::Paper;

pub fn parse_line(_line: &str, _ctx: &ParseCtx) -> Result<Option<Paper>, String> {
    Err("not written yet".into())
}
