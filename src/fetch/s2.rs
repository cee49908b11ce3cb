//! Semantic Scholar: `POST /graph/v1/paper/batch` with up to 500 ids a request (arXiv ids and
//! DOIs). Without a key the Graph API shares a small pool among all anonymous users; with
//! `S2_API_KEY` (header `x-api-key`) it allows one request a second
//! (<https://www.semanticscholar.org/product/api>).

use crate::fetch::http::{Client, PageError, Request};
use crate::fetch::{FetchError, Fetched};
use crate::ingest::ids::{normalize_doi, parse_arxiv};
use crate::ingest::InputFormat;
use std::time::Duration;

pub const URL: &str = "https://api.semanticscholar.org/graph/v1/paper/batch";
pub const INTERVAL: Duration = Duration::from_secs(1);
pub const BATCH: usize = 500;
pub const FIELDS: &str = "externalIds,title,abstract,authors,year,publicationDate,venue,url";

/// `arXiv:2106.15928`, `2106.15928`, `10.18653/v1/…`, `doi:…` -> S2's `ARXIV:…` / `DOI:…`;
/// S2's own forms (`CorpusId:…`, 40-hex paper ids) pass through.
pub fn s2_id(id: &str) -> Result<String, String> {
    let id = id.trim();
    let lower = id.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("arxiv:") {
        return parse_arxiv(rest).map(|a| format!("ARXIV:{}", a.base)).ok_or_else(|| format!("{id:?} is not an arXiv id"));
    }
    if let Some(a) = parse_arxiv(id) {
        return Ok(format!("ARXIV:{}", a.base));
    }
    if let Some(d) = normalize_doi(id) {
        return Ok(format!("DOI:{d}"));
    }
    if lower.starts_with("corpusid:") || (id.len() == 40 && id.bytes().all(|b| b.is_ascii_hexdigit())) {
        return Ok(id.to_string());
    }
    Err(format!("{id:?} is neither an arXiv id, a DOI nor a Semantic Scholar id"))
}

/// A batch answer: one entry per id, `null` for ids S2 does not know.
pub fn validate(body: &[u8]) -> Result<(u64, u64), PageError> {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Array(items)) => Ok((items.iter().filter(|i| !i.is_null()).count() as u64, items.iter().filter(|i| i.is_null()).count() as u64)),
        Ok(v) => Err(PageError::Fatal(format!("Semantic Scholar error: {}", v.get("error").or(v.get("message")).unwrap_or(&v)))),
        Err(e) => Err(PageError::Retry(format!("broken JSON: {e}"))),
    }
}

pub fn fetch(client: &Client, base: &str, ids: &[String], api_key: Option<&str>) -> Result<Fetched, FetchError> {
    let mut out = Fetched::new(InputFormat::S2);
    let ids: Vec<String> = ids.iter().map(|i| s2_id(i)).collect::<Result<_, _>>().map_err(|reason| FetchError::Protocol { request: "the id list".into(), reason })?;
    let mut unknown = 0;
    for chunk in ids.chunks(BATCH) {
        let body = serde_json::to_vec(&serde_json::json!({ "ids": chunk })).expect("ids serialise");
        let mut req = Request::post_json(format!("{base}?fields={FIELDS}"), body, INTERVAL);
        if let Some(k) = api_key {
            req.headers.push(("x-api-key".into(), k.to_string()));
        }
        let (page, (found, missing)) = client.fetch(&req, &validate)?;
        out.pages.push(page);
        out.received += found;
        unknown += missing;
    }
    out.expected = Some(ids.len() as u64);
    if unknown > 0 {
        out.notes.push(format!("{unknown} of {} id(s) are unknown to Semantic Scholar", ids.len()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_take_s2_forms() {
        assert_eq!(s2_id("arXiv:2106.15928v2").unwrap(), "ARXIV:2106.15928");
        assert_eq!(s2_id("2106.15928").unwrap(), "ARXIV:2106.15928");
        assert_eq!(s2_id("https://doi.org/10.18653/V1/2020.ACL-MAIN.1").unwrap(), "DOI:10.18653/v1/2020.acl-main.1");
        assert_eq!(s2_id("CorpusId:215416146").unwrap(), "CorpusId:215416146");
        assert!(s2_id("hello").is_err());
        assert_eq!(validate(b"[{\"paperId\":\"x\"},null]"), Ok((1, 1)));
    }
}
