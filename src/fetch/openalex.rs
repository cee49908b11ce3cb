//! OpenAlex works: `GET /works?filter=…&search=…&per-page=200&cursor=…`, cursor paging to the
//! end, reconciled against `meta.count`. OpenAlex asks for a `mailto` (the "polite pool") or
//! an API key, allows 10 requests a second and 100,000 a day
//! (<https://docs.openalex.org/how-to-use-the-api/rate-limits-and-authentication>).
//! Abstracts come as inverted indexes; the `openalex` reader rebuilds them.

use crate::fetch::http::{encode, Client, PageError, Request};
use crate::fetch::{FetchError, Fetched};
use crate::ingest::InputFormat;
use crate::model::PartialDate;
use std::time::Duration;

pub const URL: &str = "https://api.openalex.org/works";
pub const INTERVAL: Duration = Duration::from_millis(100);

#[derive(Debug, Clone, Default)]
pub struct Query {
    /// OpenAlex filters (`concepts.id:C41008148,type:article`).
    pub filter: Option<String>,
    /// Full-text search.
    pub search: Option<String>,
    /// `from_publication_date` / `to_publication_date`.
    pub from: Option<PartialDate>,
    pub until: Option<PartialDate>,
    pub max: Option<u64>,
    /// Sent as `mailto=` (the polite pool); part of the URL.
    pub mailto: Option<String>,
    /// Sent as `api_key=`; never cached or written.
    pub api_key: Option<String>,
}

impl Query {
    pub fn url(&self, base: &str, cursor: &str) -> String {
        let mut filters: Vec<String> = self.filter.iter().filter(|f| !f.is_empty()).cloned().collect();
        if let Some(d) = self.from {
            filters.push(format!("from_publication_date:{}", crate::fetch::day_range(d).0));
        }
        if let Some(d) = self.until {
            filters.push(format!("to_publication_date:{}", crate::fetch::day_range(d).1));
        }
        let mut url = format!("{base}?per-page=200&cursor={}", encode(cursor));
        if !filters.is_empty() {
            url.push_str(&format!("&filter={}", encode(&filters.join(","))));
        }
        if let Some(s) = &self.search {
            url.push_str(&format!("&search={}", encode(s)));
        }
        if let Some(m) = &self.mailto {
            url.push_str(&format!("&mailto={}", encode(m)));
        }
        url
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorksPage {
    pub results: u64,
    pub count: Option<u64>,
    pub next_cursor: Option<String>,
}

pub fn validate(body: &[u8]) -> Result<WorksPage, PageError> {
    let v: serde_json::Value = serde_json::from_slice(body).map_err(|e| PageError::Retry(format!("broken JSON: {e}")))?;
    if let Some(err) = v.get("error") {
        let msg = v.get("message").and_then(|m| m.as_str()).unwrap_or("");
        return Err(PageError::Fatal(format!("OpenAlex error: {err} {msg}")));
    }
    let results = v.get("results").and_then(|r| r.as_array()).ok_or_else(|| PageError::Fatal("not a works page (no results list)".into()))?;
    let meta = v.get("meta");
    Ok(WorksPage {
        results: results.len() as u64,
        count: meta.and_then(|m| m.get("count")).and_then(|c| c.as_u64()),
        next_cursor: meta.and_then(|m| m.get("next_cursor")).and_then(|c| c.as_str()).map(str::to_string),
    })
}

pub fn fetch(client: &Client, base: &str, q: &Query, allow_shortfall: bool) -> Result<Fetched, FetchError> {
    let mut out = Fetched::new(InputFormat::OpenAlex);
    let mut cursor = "*".to_string();
    let mut announced = None;
    loop {
        let mut req = Request::get(q.url(base, &cursor), INTERVAL);
        if let Some(k) = &q.api_key {
            req.secret_query.push(("api_key".into(), k.clone()));
        }
        let (page, info) = client.fetch(&req, &validate)?;
        out.pages.push(page);
        out.received += info.results;
        announced = announced.or(info.count);
        match info.next_cursor {
            Some(next) if info.results > 0 && q.max.is_none_or(|m| out.received < m) => cursor = next,
            _ => break,
        }
    }
    let expected = announced.map(|n| n.min(q.max.unwrap_or(u64::MAX)));
    out.expected = expected;
    if let Some(expected) = expected {
        if out.received < expected && !allow_shortfall {
            return Err(FetchError::Shortfall { what: q.url(base, "*"), expected, received: out.received });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_pages() {
        let q = Query { search: Some("mixture of experts".into()), from: "2023".parse().ok(), mailto: Some("me@example.org".into()), ..Default::default() };
        assert_eq!(q.url(URL, "*"), "https://api.openalex.org/works?per-page=200&cursor=%2A&filter=from_publication_date%3A2023-01-01&search=mixture%20of%20experts&mailto=me%40example.org");
        let p = validate(br#"{"meta":{"count":3,"next_cursor":"abc"},"results":[{},{}]}"#).unwrap();
        assert_eq!(p, WorksPage { results: 2, count: Some(3), next_cursor: Some("abc".into()) });
        assert!(matches!(validate(br#"{"error":"Invalid query","message":"bad filter"}"#), Err(PageError::Fatal(_))));
        assert!(matches!(validate(br#"{"meta":{"count":3},"res"#), Err(PageError::Retry(_))));
    }
}
