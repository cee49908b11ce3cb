//! The JSON Lines of the "daily arXiv" crawlers: `id, pdf, abs, authors[], title,
//! categories[], comment, summary`, plus `first_seen` (the crawl date that first listed the
//! paper), and in the AI-enhanced variant an `AI` object that is not the authors' text and
//! is ignored.

use crate::ingest::formats::json_util::json_reason;
use crate::ingest::ids::parse_arxiv;
use crate::ingest::ParseCtx;
use crate::model::{Author, Paper, PartialDate};
use serde::Deserialize;

#[derive(Deserialize)]
struct Line<'a> {
    #[serde(borrow, default)]
    id: Option<std::borrow::Cow<'a, str>>,
    #[serde(default)]
    pdf: Option<String>,
    #[serde(default)]
    abs: Option<String>,
    #[serde(default)]
    authors: Vec<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    comment: Option<String>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(borrow, default)]
    first_seen: Option<std::borrow::Cow<'a, str>>,
}

pub fn parse_line(line: &str, _ctx: &ParseCtx) -> Result<Option<Paper>, String> {
    if line.trim().is_empty() {
        return Ok(None);
    }
    let l: Line = serde_json::from_str(line).map_err(|e| json_reason(&e, line.as_bytes()))?;
    let mut p = Paper {
        title: l.title.unwrap_or_default(),
        abstract_text: l.summary.unwrap_or_default(),
        authors: l.authors.into_iter().map(Author::new).collect(),
        categories: l.categories,
        comment: l.comment,
        ..Default::default()
    };
    p.links.abs = l.abs.filter(|s| !s.is_empty());
    p.links.pdf = l.pdf.filter(|s| !s.is_empty());
    if let Some(id) = l.id.as_deref() {
        match parse_arxiv(id) {
            Some(ax) => {
                p.ids.arxiv = Some(ax.base);
                p.ids.arxiv_versions.extend(ax.version);
            }
            None => return Err(format!("`id` {id:?} is not an arXiv id")),
        }
    }
    if let Some(d) = l.first_seen.as_deref() {
        p.listed = Some(PartialDate::parse_prefix(d).ok_or_else(|| format!("`first_seen` {d:?} is not a date"))?);
    }
    Ok(Some(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_crawler_line() {
        let ctx = ParseCtx { file: "t".into(), listing_date: None };
        let line = r#"{"id": "2505.23969", "pdf": "https://arxiv.org/pdf/2505.23969", "abs": "https://arxiv.org/abs/2505.23969", "authors": ["A B", "C D"], "title": "T", "categories": ["cs.GR"], "comment": null, "summary": "Line one\nline two", "first_seen": "2025-06-02", "AI": {"tldr": "x"}}"#;
        let p = parse_line(line, &ctx).unwrap().unwrap();
        assert_eq!(p.ids.arxiv.as_deref(), Some("2505.23969"));
        assert_eq!(p.listed.unwrap().to_string(), "2025-06-02");
        assert_eq!(p.authors.len(), 2);
        assert_eq!(p.categories, vec!["cs.GR"]);
        assert!(parse_line(r#"{"id": "nope", "title": "T"}"#, &ctx).unwrap_err().contains("arXiv id"));
        assert!(parse_line(r#"{"id": "2505.23969", "authors": "A"}"#, &ctx).unwrap_err().contains("wrong field type"));
    }
}
