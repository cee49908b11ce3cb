//! arXiv: the search API (Atom pages, `start`/`max_results` paging, reconciled against
//! `opensearch:totalResults`) and OAI-PMH (`ListRecords` with resumption tokens).
//!
//! arXiv asks API clients for at least 3 seconds between calls and one connection at a time
//! (<https://info.arxiv.org/help/api/tou.html>); OAI-PMH answers 503 with `Retry-After` when a
//! harvester goes too fast, which the client honours.

use crate::fetch::http::{encode, Client, PageError, Request};
use crate::fetch::{day_range, FetchError, Fetched};
use crate::ingest::formats::xml_util::{Ev, XmlPull};
use crate::ingest::InputFormat;
use crate::model::PartialDate;
use std::time::Duration;

pub const API_URL: &str = "https://export.arxiv.org/api/query";
pub const OAI_URL: &str = "https://oaipmh.arxiv.org/oai";
/// arXiv's terms of use: no more than one request every three seconds.
pub const INTERVAL: Duration = Duration::from_secs(3);
/// The API serves at most this many results of one query; OAI-PMH has no such limit.
pub const API_RESULT_LIMIT: u64 = 30_000;

/// A search of the arXiv API.
#[derive(Debug, Clone, Default)]
pub struct ApiQuery {
    /// A raw `search_query` (`ti:"mixture of experts" AND cat:cs.LG`).
    pub search: Option<String>,
    /// Categories, OR-ed (`cs.CL`, or an archive such as `cs`... as `cat:cs.*`).
    pub categories: Vec<String>,
    /// Submission dates, inclusive.
    pub from: Option<PartialDate>,
    pub until: Option<PartialDate>,
    /// Explicit ids (`id_list`).
    pub ids: Vec<String>,
    /// Stop after this many results.
    pub max: Option<u64>,
    /// Results per request (arXiv allows up to 2000; 100 to 1000 is kind).
    pub page_size: u64,
}

impl ApiQuery {
    /// The `search_query` parameter: the user's query, the categories and the date range,
    /// AND-ed.
    pub fn search_query(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(s) = self.search.as_deref().filter(|s| !s.trim().is_empty()) {
            parts.push(format!("({})", s.trim()));
        }
        if !self.categories.is_empty() {
            let cats: Vec<String> = self.categories.iter().map(|c| if c.contains('.') { format!("cat:{c}") } else { format!("cat:{c}.*") }).collect();
            parts.push(if cats.len() == 1 { cats[0].clone() } else { format!("({})", cats.join(" OR ")) });
        }
        if self.from.is_some() || self.until.is_some() {
            let (from, _) = day_range(self.from.unwrap_or(PartialDate::year(1991)));
            let (_, until) = day_range(self.until.unwrap_or(PartialDate::year(9999)));
            parts.push(format!("submittedDate:[{}0000 TO {}2359]", compact(from), compact(until)));
        }
        (!parts.is_empty()).then(|| parts.join(" AND "))
    }

    pub fn url(&self, base: &str, start: u64, size: u64) -> String {
        let mut url = format!("{base}?");
        if let Some(q) = self.search_query() {
            url.push_str(&format!("search_query={}&", encode(&q)));
        }
        if !self.ids.is_empty() {
            url.push_str(&format!("id_list={}&", encode(&self.ids.join(","))));
        }
        url.push_str(&format!("start={start}&max_results={size}"));
        if self.search_query().is_some() {
            url.push_str("&sortBy=submittedDate&sortOrder=ascending");
        }
        url
    }
}

/// `2025-06-01` -> `20250601`.
fn compact(d: PartialDate) -> String {
    d.to_string().replace('-', "")
}

/// What one API page holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiPage {
    pub entries: u64,
    pub total: Option<u64>,
}

/// Check an API response: well-formed Atom to the end, not arXiv's error feed; count entries.
pub fn validate_api(body: &[u8]) -> Result<ApiPage, PageError> {
    let mut input: &[u8] = body;
    let mut xml = XmlPull::new(&mut input);
    let (mut entries, mut total, mut path, mut text) = (0u64, None, Vec::<String>::new(), String::new());
    let mut error: Option<String> = None;
    loop {
        match xml.next().map_err(|e| PageError::Retry(format!("broken Atom: {e}")))? {
            Ev::Start(el) => {
                path.push(el.name.clone());
                text.clear();
                if el.name == "entry" && path.len() == 2 {
                    entries += 1;
                }
            }
            Ev::Text(t) => text.push_str(&t),
            Ev::End(name) => {
                match (name.as_str(), path.len()) {
                    ("totalResults", 2) => total = text.trim().parse().ok(),
                    ("id", 3) if path[1] == "entry" && text.contains("/api/errors") => error = Some(String::new()),
                    ("summary", 3) if path[1] == "entry" && error.is_some() => error = Some(text.trim().to_string()),
                    _ => {}
                }
                path.pop();
                text.clear();
            }
            Ev::Eof => break,
        }
    }
    if let Some(e) = error {
        return Err(PageError::Fatal(format!("arXiv API error: {e}")));
    }
    if total.is_none() {
        return Err(PageError::Retry("no opensearch:totalResults: not an arXiv API feed".into()));
    }
    Ok(ApiPage { entries, total })
}

/// Page through an API search. Fails on a shortfall (fewer results than announced) unless
/// `allow_shortfall`; the pages fetched stay cached, so a rerun resumes.
pub fn fetch_api(client: &Client, base: &str, q: &ApiQuery, allow_shortfall: bool) -> Result<Fetched, FetchError> {
    let size = q.page_size.clamp(1, 2000);
    let mut out = Fetched::new(InputFormat::ArxivAtom);
    let (mut start, mut announced) = (0u64, None::<u64>);
    loop {
        let want = match (q.max, announced) {
            (Some(m), _) => size.min(m.saturating_sub(start)),
            _ => size,
        };
        let url = q.url(base, start, want.max(1));
        let before_end = |total: Option<u64>| total.is_some_and(|t| start < t.min(API_RESULT_LIMIT));
        let validate = |b: &[u8]| {
            let page = validate_api(b)?;
            // arXiv's API sometimes answers a page in the middle with no entries: ask again.
            if page.entries == 0 && before_end(page.total.or(announced)) && start > 0 {
                return Err(PageError::Retry(format!("empty page at start={start} of {} results", page.total.or(announced).unwrap_or(0))));
            }
            Ok(page)
        };
        let (page, info) = client.fetch(&Request::get(url, INTERVAL), &validate)?;
        announced = announced.or(info.total);
        out.pages.push(page);
        out.received += info.entries;
        start += info.entries;
        let end = announced.unwrap_or(0).min(API_RESULT_LIMIT).min(q.max.unwrap_or(u64::MAX));
        if info.entries == 0 || start >= end {
            break;
        }
    }
    let total = announced.unwrap_or(0);
    let expected = total.min(API_RESULT_LIMIT).min(q.max.unwrap_or(u64::MAX));
    out.expected = Some(expected);
    if total > API_RESULT_LIMIT && q.max.is_none_or(|m| m > API_RESULT_LIMIT) {
        out.notes.push(format!("the query matches {total} papers but the arXiv API serves at most {API_RESULT_LIMIT}: narrow the dates, or use --oai"));
    }
    if out.received < expected && !allow_shortfall {
        return Err(FetchError::Shortfall { what: q.url(base, 0, size), expected, received: out.received });
    }
    Ok(out)
}

/// An OAI-PMH harvest.
#[derive(Debug, Clone)]
pub struct OaiQuery {
    /// `arXiv` (structured authors) or `arXivRaw` (versions with dates).
    pub prefix: String,
    /// A set such as `cs` or `physics:astro-ph`.
    pub set: Option<String>,
    /// Datestamps (last change in arXiv's records), inclusive.
    pub from: Option<PartialDate>,
    pub until: Option<PartialDate>,
}

impl OaiQuery {
    pub fn first_url(&self, base: &str) -> String {
        let mut url = format!("{base}?verb=ListRecords&metadataPrefix={}", encode(&self.prefix));
        if let Some(d) = self.from {
            url.push_str(&format!("&from={}", day_range(d).0));
        }
        if let Some(d) = self.until {
            url.push_str(&format!("&until={}", day_range(d).1));
        }
        if let Some(s) = &self.set {
            url.push_str(&format!("&set={}", encode(s)));
        }
        url
    }
}

/// What one OAI-PMH page holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OaiPage {
    pub records: u64,
    /// The resumption token; empty or absent on the last page.
    pub token: Option<String>,
    pub complete_list_size: Option<u64>,
}

/// Check an OAI-PMH response: well-formed to the end; OAI errors are fatal except
/// `noRecordsMatch` (an empty harvest).
pub fn validate_oai(body: &[u8]) -> Result<OaiPage, PageError> {
    let mut input: &[u8] = body;
    let mut xml = XmlPull::new(&mut input);
    let mut page = OaiPage { records: 0, token: None, complete_list_size: None };
    let (mut text, mut in_token, mut error, mut seen_root) = (String::new(), false, None::<(String, String)>, false);
    let mut error_code = String::new();
    loop {
        match xml.next().map_err(|e| PageError::Retry(format!("broken OAI-PMH XML: {e}")))? {
            Ev::Start(el) => {
                text.clear();
                match el.name.as_str() {
                    "OAI-PMH" => seen_root = true,
                    "record" if xml.depth() == 3 => page.records += 1,
                    "resumptionToken" => {
                        in_token = true;
                        page.complete_list_size = el.attr("completeListSize").and_then(|v| v.parse().ok());
                    }
                    "error" if xml.depth() == 2 => error_code = el.attr("code").unwrap_or("").to_string(),
                    _ => {}
                }
            }
            Ev::Text(t) => text.push_str(&t),
            Ev::End(name) => {
                match name.as_str() {
                    "resumptionToken" if in_token => {
                        in_token = false;
                        let t = text.trim();
                        page.token = (!t.is_empty()).then(|| t.to_string());
                    }
                    "error" if !error_code.is_empty() => error = Some((std::mem::take(&mut error_code), text.trim().to_string())),
                    _ => {}
                }
                text.clear();
            }
            Ev::Eof => break,
        }
    }
    if !seen_root {
        return Err(PageError::Retry("not an OAI-PMH response".into()));
    }
    match error {
        Some((code, _)) if code == "noRecordsMatch" => Ok(page),
        Some((code, msg)) if code == "badResumptionToken" => Err(PageError::Fatal(format!("OAI-PMH error badResumptionToken: {msg} (the harvest's token expired: rerun with --refresh)"))),
        Some((code, msg)) => Err(PageError::Fatal(format!("OAI-PMH error {code}: {msg}"))),
        None => Ok(page),
    }
}

/// Harvest every page of a `ListRecords` request, following resumption tokens.
pub fn fetch_oai(client: &Client, base: &str, q: &OaiQuery, allow_shortfall: bool) -> Result<Fetched, FetchError> {
    let mut out = Fetched::new(InputFormat::OaiPmh);
    let mut url = q.first_url(base);
    let mut announced = None;
    loop {
        let (page, info) = client.fetch(&Request::get(url.clone(), INTERVAL), &validate_oai)?;
        out.pages.push(page);
        out.received += info.records;
        announced = announced.or(info.complete_list_size);
        match info.token {
            Some(token) => url = format!("{base}?verb=ListRecords&resumptionToken={}", encode(&token)),
            None => break,
        }
    }
    out.expected = announced;
    if let Some(expected) = announced {
        if out.received < expected && !allow_shortfall {
            return Err(FetchError::Shortfall { what: q.first_url(base), expected, received: out.received });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_query_ands_query_categories_and_dates() {
        let q = ApiQuery {
            search: Some("ti:\"mixture of experts\"".into()),
            categories: vec!["cs.CL".into(), "cs".into()],
            from: "2025-06".parse().ok(),
            until: "2025-06-15".parse().ok(),
            page_size: 100,
            ..Default::default()
        };
        assert_eq!(q.search_query().unwrap(), "(ti:\"mixture of experts\") AND (cat:cs.CL OR cat:cs.*) AND submittedDate:[202506010000 TO 202506152359]");
        let url = q.url(API_URL, 200, 100);
        assert!(url.starts_with("https://export.arxiv.org/api/query?search_query=%28ti%3A%22mixture"), "{url}");
        assert!(url.ends_with("&start=200&max_results=100&sortBy=submittedDate&sortOrder=ascending"), "{url}");
        let ids = ApiQuery { ids: vec!["2501.00001".into(), "2501.00002".into()], page_size: 10, ..Default::default() };
        assert_eq!(ids.url("http://h/q", 0, 10), "http://h/q?id_list=2501.00001%2C2501.00002&start=0&max_results=10");
    }

    #[test]
    fn api_pages_are_counted_and_errors_are_fatal() {
        let feed = br#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"><opensearch:totalResults>7</opensearch:totalResults><entry><id>http://arxiv.org/abs/1</id></entry><entry><id>http://arxiv.org/abs/2</id></entry></feed>"#;
        assert_eq!(validate_api(feed).unwrap(), ApiPage { entries: 2, total: Some(7) });
        let truncated = &feed[..feed.len() - 30];
        assert!(matches!(validate_api(truncated), Err(PageError::Retry(_))));
        let error = br#"<feed xmlns="http://www.w3.org/2005/Atom"><opensearch:totalResults xmlns:opensearch="x">1</opensearch:totalResults><entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_1</id><title>Error</title><summary>incorrect id format for 1</summary></entry></feed>"#;
        assert_eq!(validate_api(error), Err(PageError::Fatal("arXiv API error: incorrect id format for 1".into())));
    }

    #[test]
    fn oai_pages_tokens_and_errors() {
        let page = br#"<OAI-PMH><ListRecords><record><header/></record><record><header status="deleted"/></record><resumptionToken cursor="0" completeListSize="3">tok|1001</resumptionToken></ListRecords></OAI-PMH>"#;
        assert_eq!(validate_oai(page).unwrap(), OaiPage { records: 2, token: Some("tok|1001".into()), complete_list_size: Some(3) });
        let last = br#"<OAI-PMH><ListRecords><record/><resumptionToken completeListSize="3" cursor="2"/></ListRecords></OAI-PMH>"#;
        assert_eq!(validate_oai(last).unwrap().token, None);
        let none = br#"<OAI-PMH><error code="noRecordsMatch">nothing</error></OAI-PMH>"#;
        assert_eq!(validate_oai(none).unwrap().records, 0);
        let bad = br#"<OAI-PMH><error code="badArgument">from is not a date</error></OAI-PMH>"#;
        assert_eq!(validate_oai(bad), Err(PageError::Fatal("OAI-PMH error badArgument: from is not a date".into())));
        assert!(matches!(validate_oai(b"<OAI-PMH><ListRecords><record>"), Err(PageError::Retry(_))));
        let q = OaiQuery { prefix: "arXiv".into(), set: Some("cs".into()), from: "2025-06".parse().ok(), until: None };
        assert_eq!(q.first_url(OAI_URL), "https://oaipmh.arxiv.org/oai?verb=ListRecords&metadataPrefix=arXiv&from=2025-06-01&set=cs");
    }
}
