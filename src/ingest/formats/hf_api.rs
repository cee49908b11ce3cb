//! The Hugging Face `daily_papers` API: a JSON array of `{paper: {id, title, summary,
//! authors, publishedAt, submittedOnDailyAt, githubRepo, projectPage, ...}, publishedAt,
//! title, ...}`. `published` is `paper.publishedAt`; `listed` is `paper.submittedOnDailyAt`,
//! else the item's own `publishedAt`: two fields, never mixed.

use crate::ingest::formats::json_util::{date_field, read_values, str_at, str_field};
use crate::ingest::ids::parse_arxiv;
use crate::ingest::{ParseCtx, Record};
use crate::model::{Author, Paper};
use serde_json::Value;
use std::io::BufRead;

pub fn parse(input: &mut dyn BufRead, _ctx: &ParseCtx, emit: &mut dyn FnMut(Record)) -> Result<(), String> {
    read_values(input, emit, &|v| match v {
        Value::Array(items) => items,
        other => vec![other],
    }, &convert)
}

fn convert(item: &Value) -> Result<Paper, String> {
    let paper = item.get("paper").filter(|p| p.is_object()).unwrap_or(item);
    let mut p = Paper {
        title: str_field(paper, "title")?.or(str_field(item, "title")?).unwrap_or_default().to_string(),
        abstract_text: str_field(paper, "summary")?.or(str_field(item, "summary")?).unwrap_or_default().to_string(),
        ..Default::default()
    };
    if let Some(id) = str_field(paper, "id")? {
        let ax = parse_arxiv(id).ok_or_else(|| format!("`paper.id` {id:?} is not an arXiv id"))?;
        p.ids.arxiv = Some(ax.base);
    }
    if let Some(authors) = paper.get("authors").and_then(Value::as_array) {
        p.authors = authors.iter().filter_map(|a| a.get("name").and_then(Value::as_str)).map(Author::new).collect();
    }
    p.published = date_field(paper, "publishedAt")?;
    p.listed = date_field(paper, "submittedOnDailyAt")?.or(if item.get("paper").is_some() { date_field(item, "publishedAt")? } else { None });
    if let Some(repo) = str_at(paper, &["githubRepo"]) {
        p.links.code.push(repo.to_string());
    }
    if let Some(page) = str_at(paper, &["projectPage"]) {
        p.links.other.push(page.to_string());
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(json: &str) -> Vec<Record> {
        let ctx = ParseCtx { file: "t".into(), listing_date: None };
        let mut out = Vec::new();
        parse(&mut json.as_bytes(), &ctx, &mut |r| out.push(r)).unwrap();
        out
    }

    #[test]
    fn published_and_listed_stay_apart() {
        let recs = run(r#"[{"paper": {"id": "2602.23229", "title": "T", "summary": "S", "authors": [{"name": "A B"}], "publishedAt": "2026-02-26T17:08:18.000Z", "submittedOnDailyAt": "2026-03-06T03:55:12.777Z", "githubRepo": "https://github.com/x/y"}, "publishedAt": "2026-02-26T12:08:18.000Z", "title": "T"},
            {"paper": {"id": "2602.00001", "title": "U", "publishedAt": "2026-02-01T00:00:00Z"}, "publishedAt": "2026-02-03T00:00:00Z"}]"#);
        let Record::Paper { paper, .. } = &recs[0] else { panic!() };
        assert_eq!(paper.published.unwrap().to_string(), "2026-02-26");
        assert_eq!(paper.listed.unwrap().to_string(), "2026-03-06");
        assert_eq!(paper.links.code, vec!["https://github.com/x/y"]);
        let Record::Paper { paper, .. } = &recs[1] else { panic!() };
        assert_eq!(paper.listed.unwrap().to_string(), "2026-02-03");
    }

    #[test]
    fn wrong_types_are_bad_records() {
        let recs = run(r#"[{"paper": {"id": "2602.23229", "title": 7}}, {"paper": {"id": "2602.23230", "title": "ok"}}]"#);
        assert!(matches!(&recs[0], Record::Bad { reason, .. } if reason.contains("title")));
        assert!(matches!(&recs[1], Record::Paper { .. }));
    }
}
