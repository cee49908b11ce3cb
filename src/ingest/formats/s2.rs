//! Semantic Scholar Graph API papers: a single paper, a batch response (a list that holds
//! `null` for ids S2 does not know), a search page (`{total, data}`), or JSON Lines.

use crate::ingest::formats::json_util::{read_values, str_at, str_field};
use crate::ingest::ids::{normalize_doi, parse_arxiv};
use crate::ingest::{ParseCtx, Record};
use crate::model::{Author, Paper, PartialDate};
use serde_json::Value;
use std::io::BufRead;

pub fn parse(input: &mut dyn BufRead, _ctx: &ParseCtx, emit: &mut dyn FnMut(Record)) -> Result<(), String> {
    read_values(input, emit, &|v| match v {
        Value::Object(mut m) if m.contains_key("data") && !m.contains_key("paperId") => match m.remove("data") {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        },
        Value::Array(items) => items,
        other => vec![other],
    }, &convert)
}

fn convert(v: &Value) -> Result<Paper, String> {
    let mut p = Paper {
        title: str_field(v, "title")?.unwrap_or_default().to_string(),
        abstract_text: str_field(v, "abstract")?.unwrap_or_default().to_string(),
        ..Default::default()
    };
    p.ids.s2 = str_field(v, "paperId")?.map(str::to_string);
    if let Some(ext) = v.get("externalIds").filter(|e| e.is_object()) {
        p.ids.arxiv = str_at(ext, &["ArXiv"]).and_then(parse_arxiv).map(|a| a.base);
        p.ids.doi = str_at(ext, &["DOI"]).and_then(normalize_doi);
        p.ids.acl = str_at(ext, &["ACL"]).map(str::to_string);
        p.ids.pmid = str_at(ext, &["PubMed"]).map(str::to_string);
        if let Some(corpus) = ext.get("CorpusId").and_then(Value::as_i64) {
            p.ids.other.push(format!("CorpusId:{corpus}"));
        }
    }
    p.published = match str_field(v, "publicationDate")? {
        Some(d) => PartialDate::parse_prefix(d),
        None => v.get("year").and_then(Value::as_i64).map(|y| PartialDate::year(y as i32)),
    };
    if let Some(authors) = v.get("authors").and_then(Value::as_array) {
        p.authors = authors
            .iter()
            .filter_map(|a| {
                let mut author = Author::new(str_at(a, &["name"])?);
                if let Some(affs) = a.get("affiliations").and_then(Value::as_array) {
                    author.affiliations = affs.iter().filter_map(Value::as_str).map(str::to_string).collect();
                }
                Some(author)
            })
            .collect();
    }
    p.venue = str_at(v, &["venue"]).or_else(|| str_at(v, &["journal", "name"])).map(str::to_string);
    p.links.pdf = str_at(v, &["openAccessPdf", "url"]).map(str::to_string);
    if let Some(fields) = v.get("fieldsOfStudy").and_then(Value::as_array) {
        p.categories = fields.iter().filter_map(Value::as_str).map(str::to_string).collect();
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_with_nulls() {
        let json = r#"[null, {"paperId": "c31c", "externalIds": {"DOI": "10.2139/SSRN.288970", "ArXiv": "2106.09685", "CorpusId": 470667},
            "title": "T", "abstract": null, "year": 2001, "authors": [{"authorId": "1", "name": "A B"}], "journal": {"name": "J"}}]"#;
        let ctx = ParseCtx { file: "t".into(), listing_date: None };
        let mut out = Vec::new();
        parse(&mut json.as_bytes(), &ctx, &mut |r| out.push(r)).unwrap();
        assert!(matches!(&out[0], Record::Bad { reason, .. } if reason.contains("null")));
        let Record::Paper { paper, .. } = &out[1] else { panic!() };
        assert_eq!(paper.ids.s2.as_deref(), Some("c31c"));
        assert_eq!(paper.ids.arxiv.as_deref(), Some("2106.09685"));
        assert_eq!(paper.ids.doi.as_deref(), Some("10.2139/ssrn.288970"));
        assert_eq!(paper.ids.other, vec!["CorpusId:470667"]);
        assert_eq!(paper.published.unwrap().to_string(), "2001");
        assert_eq!(paper.venue.as_deref(), Some("J"));
    }
}
