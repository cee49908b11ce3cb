//! The Kaggle/Cornell arXiv metadata snapshot (`arxiv-metadata-oai-snapshot.json`): JSON
//! Lines, several GB in real life, read line by line in constant memory.

use crate::ingest::formats::json_util::json_reason;
use crate::ingest::formats::util::first_doi;
use crate::ingest::ids::parse_arxiv;
use crate::ingest::ParseCtx;
use crate::model::{Author, Paper, PartialDate};
use serde::Deserialize;

#[derive(Deserialize)]
struct Line {
    id: String,
    #[serde(default)]
    authors: Option<String>,
    #[serde(default)]
    authors_parsed: Vec<Vec<String>>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    comments: Option<String>,
    #[serde(rename = "journal-ref", default)]
    journal_ref: Option<String>,
    #[serde(default)]
    doi: Option<String>,
    #[serde(default)]
    categories: Option<String>,
    #[serde(rename = "abstract", default)]
    abstract_text: Option<String>,
    #[serde(default)]
    versions: Vec<Version>,
    #[serde(default)]
    update_date: Option<String>,
}

#[derive(Deserialize)]
struct Version {
    version: String,
    #[serde(default)]
    created: Option<String>,
}

/// The number of a version label (`v2` -> 2).
fn version_number(v: &str) -> Option<u32> {
    v.trim().strip_prefix('v')?.parse().ok()
}

pub fn parse_line(line: &str, _ctx: &ParseCtx) -> Result<Option<Paper>, String> {
    if line.trim().is_empty() {
        return Ok(None);
    }
    let l: Line = serde_json::from_str(line).map_err(|e| json_reason(&e, line.as_bytes()))?;
    let ax = parse_arxiv(&l.id).ok_or_else(|| format!("`id` {:?} is not an arXiv id", l.id))?;
    let mut p = Paper {
        title: l.title.unwrap_or_default(),
        abstract_text: l.abstract_text.unwrap_or_default(),
        comment: l.comments,
        venue: l.journal_ref,
        categories: l.categories.unwrap_or_default().split_whitespace().map(str::to_string).collect(),
        ..Default::default()
    };
    p.ids.arxiv = Some(ax.base);
    p.ids.doi = l.doi.as_deref().and_then(first_doi);
    p.authors = if l.authors_parsed.is_empty() {
        split_author_list(l.authors.as_deref().unwrap_or(""))
    } else {
        l.authors_parsed
            .iter()
            .map(|parts| {
                // [last, first, suffix]
                let name = [parts.get(1), parts.first(), parts.get(2)]
                    .into_iter()
                    .flatten()
                    .map(|s| s.trim())
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                Author::new(name)
            })
            .collect()
    };
    let mut dated: Vec<(u32, Option<PartialDate>)> = l
        .versions
        .iter()
        .filter_map(|v| Some((version_number(&v.version)?, v.created.as_deref().and_then(PartialDate::parse_rfc2822))))
        .collect();
    dated.sort_by_key(|(n, _)| *n);
    p.ids.arxiv_versions = dated.iter().map(|(n, _)| *n).collect();
    p.published = dated.first().and_then(|(_, d)| *d);
    p.updated = dated.last().and_then(|(_, d)| *d).filter(|_| dated.len() > 1).or_else(|| l.update_date.as_deref().and_then(PartialDate::parse_prefix));
    Ok(Some(p))
}

/// Split arXiv's free-text author list: "A, B, and C" / "A and B".
pub fn split_author_list(s: &str) -> Vec<Author> {
    s.split(',')
        .flat_map(|part| part.split(" and "))
        .map(|n| n.trim().trim_start_matches("and ").trim())
        .filter(|n| !n.is_empty())
        .map(Author::new)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_snapshot_line() {
        let ctx = ParseCtx { file: "t".into(), listing_date: None };
        let line = r#"{"id":"0704.0001","submitter":"P","authors":"C. Bal\\'azs, E. L. Berger","title":"Calculation of\n  cross sections","comments":"37 pages","journal-ref":"Phys.Rev.D76:013009,2007","doi":"10.1103/PhysRevD.76.013009","report-no":null,"categories":"hep-ph hep-ex","license":null,"abstract":"  A calc.\n","versions":[{"version":"v2","created":"Tue, 24 Jul 2007 20:10:27 GMT"},{"version":"v1","created":"Mon, 2 Apr 2007 19:18:42 GMT"}],"update_date":"2008-11-13","authors_parsed":[["Balázs","C.",""],["Berger","E. L.",""]]}"#;
        let p = parse_line(line, &ctx).unwrap().unwrap();
        assert_eq!(p.ids.arxiv.as_deref(), Some("0704.0001"));
        assert_eq!(p.ids.arxiv_versions, vec![1, 2]);
        assert_eq!(p.published.unwrap().to_string(), "2007-04-02");
        assert_eq!(p.updated.unwrap().to_string(), "2007-07-24");
        assert_eq!(p.authors[0].name, "C. Balázs");
        assert_eq!(p.categories, vec!["hep-ph", "hep-ex"]);
        assert_eq!(p.venue.as_deref(), Some("Phys.Rev.D76:013009,2007"));
    }

    #[test]
    fn author_lists() {
        let a: Vec<String> = split_author_list("A B, C D, and E F").into_iter().map(|a| a.name).collect();
        assert_eq!(a, vec!["A B", "C D", "E F"]);
    }
}
