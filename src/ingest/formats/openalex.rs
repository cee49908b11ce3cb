//! OpenAlex works: a single work, a `/works` results page (`{meta, results}`), or JSON Lines
//! of works (the snapshot). Abstracts come as `abstract_inverted_index` (word -> positions)
//! and are rebuilt exactly, repeated words included.

use crate::ingest::formats::json_util::{last_segment, read_values, str_at, str_field};
use crate::ingest::ids::{normalize_doi, parse_arxiv};
use crate::ingest::{ParseCtx, Record};
use crate::model::{Author, Paper, PartialDate};
use serde_json::Value;
use std::io::BufRead;

pub fn parse(input: &mut dyn BufRead, _ctx: &ParseCtx, emit: &mut dyn FnMut(Record)) -> Result<(), String> {
    read_values(input, emit, &|v| match v {
        Value::Object(mut m) if m.contains_key("results") && !m.contains_key("title") => match m.remove("results") {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        },
        Value::Array(items) => items,
        other => vec![other],
    }, &convert)
}

/// Rebuild the abstract from OpenAlex's inverted index: each word at each of its positions.
pub fn rebuild_abstract(index: &serde_json::Map<String, Value>) -> Result<String, String> {
    let mut slots: Vec<(u64, &str)> = Vec::new();
    for (word, positions) in index {
        let positions = positions.as_array().ok_or_else(|| format!("abstract_inverted_index[{word:?}] is not an array"))?;
        for pos in positions {
            let pos = pos.as_u64().ok_or_else(|| format!("abstract_inverted_index[{word:?}] holds a non-integer position"))?;
            slots.push((pos, word));
        }
    }
    if slots.len() > 100_000 {
        return Err(format!("abstract_inverted_index has {} positions, too many for an abstract", slots.len()));
    }
    slots.sort_unstable();
    Ok(slots.iter().map(|(_, w)| *w).collect::<Vec<_>>().join(" "))
}

fn convert(w: &Value) -> Result<Paper, String> {
    let mut p = Paper {
        title: str_field(w, "title")?.or(str_field(w, "display_name")?).unwrap_or_default().to_string(),
        ..Default::default()
    };
    if let Some(index) = w.get("abstract_inverted_index").filter(|v| !v.is_null()) {
        let index = index.as_object().ok_or("abstract_inverted_index is not an object")?;
        p.abstract_text = rebuild_abstract(index)?;
    }
    if let Some(id) = str_field(w, "id")? {
        p.ids.openalex = Some(last_segment(id).to_string());
    }
    p.ids.doi = str_field(w, "doi")?.and_then(normalize_doi);
    if let Some(pmid) = str_at(w, &["ids", "pmid"]) {
        p.ids.pmid = Some(last_segment(pmid).to_string());
    }
    p.published = match str_field(w, "publication_date")? {
        Some(d) => PartialDate::parse_prefix(d),
        None => w.get("publication_year").and_then(Value::as_i64).map(|y| PartialDate::year(y as i32)),
    };
    if let Some(authorships) = w.get("authorships").and_then(Value::as_array) {
        for a in authorships {
            let Some(name) = str_at(a, &["author", "display_name"]).or_else(|| str_at(a, &["raw_author_name"])) else { continue };
            let mut author = Author::new(name);
            if let Some(insts) = a.get("institutions").and_then(Value::as_array) {
                author.affiliations = insts.iter().filter_map(|i| str_at(i, &["display_name"])).map(str::to_string).collect();
            }
            p.authors.push(author);
        }
    }
    p.venue = str_at(w, &["primary_location", "source", "display_name"]).map(str::to_string);
    p.links.pdf = str_at(w, &["primary_location", "pdf_url"]).map(str::to_string);
    let locations = w.get("locations").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    for loc in locations.iter().chain(w.get("primary_location")) {
        for url in [str_at(loc, &["landing_page_url"]), str_at(loc, &["pdf_url"])].into_iter().flatten() {
            if url.contains("arxiv.org/") {
                if let Some(ax) = parse_arxiv(url) {
                    p.ids.arxiv.get_or_insert(ax.base);
                }
            }
        }
    }
    if let Some(kws) = w.get("keywords").and_then(Value::as_array) {
        p.keywords = kws.iter().filter_map(|k| k.as_str().or_else(|| str_at(k, &["display_name"]))).map(str::to_string).collect();
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rebuilds_abstract_with_repeats() {
        let v: Value = serde_json::from_str(r#"{"the": [0, 3], "cat": [1], "saw": [2], "dog": [4]}"#).unwrap();
        assert_eq!(rebuild_abstract(v.as_object().unwrap()).unwrap(), "the cat saw the dog");
    }

    #[test]
    fn reads_results_page() {
        let json = r#"{"meta": {"count": 2}, "results": [
            {"id": "https://openalex.org/W1", "doi": "https://doi.org/10.1/ABC", "title": "T", "publication_date": "2018-02-13",
             "authorships": [{"author": {"display_name": "H P"}, "institutions": [{"display_name": "Inst"}]}],
             "primary_location": {"source": {"display_name": "PeerJ"}, "pdf_url": "https://x/y.pdf"},
             "locations": [{"landing_page_url": "https://arxiv.org/abs/2401.00001v2"}],
             "abstract_inverted_index": {"Hello": [0], "world": [1]}},
            {"id": "https://openalex.org/W2", "display_name": "U", "publication_year": 2020, "abstract_inverted_index": null}]}"#;
        let ctx = ParseCtx { file: "t".into(), listing_date: None };
        let mut out = Vec::new();
        parse(&mut json.as_bytes(), &ctx, &mut |r| out.push(r)).unwrap();
        let Record::Paper { paper, loc, .. } = &out[0] else { panic!("{out:?}") };
        assert_eq!(*loc, crate::ingest::Loc::Record(1));
        assert_eq!(paper.ids.openalex.as_deref(), Some("W1"));
        assert_eq!(paper.ids.doi.as_deref(), Some("10.1/abc"));
        assert_eq!(paper.ids.arxiv.as_deref(), Some("2401.00001"));
        assert_eq!(paper.abstract_text, "Hello world");
        assert_eq!(paper.authors[0].affiliations, vec!["Inst"]);
        assert_eq!(paper.venue.as_deref(), Some("PeerJ"));
        let Record::Paper { paper, .. } = &out[1] else { panic!() };
        assert_eq!(paper.published.unwrap().to_string(), "2020");
        assert_eq!(paper.title, "U");
    }
}
