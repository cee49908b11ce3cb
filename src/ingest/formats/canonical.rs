//! topicgraph's own canonical JSON Lines: one [`Paper`] per line, as `topicgraph papers`
//! writes it. The minimum is `{"id", "title"}` or `{"title"}`; unknown fields are ignored,
//! so tagged output and `seed-papers.jsonl` read as well.

use crate::ingest::formats::json_util::json_reason;
use crate::ingest::ParseCtx;
use crate::model::Paper;

pub fn parse_line(line: &str, _ctx: &ParseCtx) -> Result<Option<Paper>, String> {
    if line.trim().is_empty() {
        return Ok(None);
    }
    serde_json::from_str::<Paper>(line).map(Some).map_err(|e| json_reason(&e, line.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> ParseCtx {
        ParseCtx { file: "t".into(), listing_date: None }
    }

    #[test]
    fn minimal_and_full() {
        let p = parse_line(r#"{"id": "seed-001", "title": "T", "abstract": "A", "extra": 1}"#, &ctx()).unwrap().unwrap();
        assert_eq!((p.id.as_str(), p.title.as_str(), p.abstract_text.as_str()), ("seed-001", "T", "A"));
        let p = parse_line(r#"{"id": "x", "title": "T", "authors": ["A B"], "published": "2024-05"}"#, &ctx()).unwrap().unwrap();
        assert_eq!(p.published.unwrap().to_string(), "2024-05");
        assert_eq!(p.authors[0].name, "A B");
        assert_eq!(parse_line("  ", &ctx()).unwrap(), None);
    }

    #[test]
    fn bad_lines_say_why() {
        assert!(parse_line(r#"{"id": "x", "title": "T"#, &ctx()).unwrap_err().contains("truncated"));
        assert!(parse_line(r#"{"id": "x", "title": 5}"#, &ctx()).unwrap_err().contains("wrong field type"));
    }
}
