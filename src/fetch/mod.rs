//! Fetching from the live sources: the arXiv API and OAI-PMH ([`arxiv`]), Hugging Face daily
//! papers ([`hf`]), OpenAlex ([`openalex`]) and Semantic Scholar ([`s2`]).
//!
//! Each source pages through its service with the polite [`http::Client`] (pacing, retries,
//! `Retry-After`, an on-disk [`cache::Cache`] of every accepted response) and returns the
//! pages it received as a [`Fetched`]; [`read_fetched`] then reads those pages with the same
//! parsers, cleaning and merging as files (`ingest`), with each page's URL as its provenance.

pub mod arxiv;
pub mod cache;
pub mod hf;
pub mod http;
pub mod openalex;
pub mod s2;

use crate::ingest::read::{read_files_to, ReadObserver, Sink};
use crate::ingest::source::InputFile;
use crate::ingest::{IngestError, InputFormat, ReadConfig, ReadSummary};
use crate::model::{date_of_day, days_from_civil, days_in_month, PartialDate};
use http::Page;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    #[error("{request}: HTTP {status}{detail}")]
    Status { request: String, status: u16, detail: String },
    #[error("{request}: gave up after {attempts} attempts: {reason}")]
    GaveUp { request: String, attempts: u32, reason: String },
    #[error("{request}: {reason}")]
    Protocol { request: String, reason: String },
    #[error("{request}: not in the cache, and --offline forbids asking the service")]
    Offline { request: String },
    #[error("{what}: the service announced {expected} result(s) but sent {received}; rerun to resume (pages received are cached), or pass --allow-shortfall")]
    Shortfall { what: String, expected: u64, received: u64 },
    #[error("cache {path}: {source}")]
    Cache { path: String, source: std::io::Error },
}

/// The pages a source answered, in order, and how they add up.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub format: InputFormat,
    pub pages: Vec<Page>,
    /// Records the pages hold (as the service counts them, deleted records included).
    pub received: u64,
    /// What the service announced (total results), when it says.
    pub expected: Option<u64>,
    /// Things the user should know (limits hit, unknown ids).
    pub notes: Vec<String>,
}

impl Fetched {
    pub fn new(format: InputFormat) -> Fetched {
        Fetched { format, pages: Vec::new(), received: 0, expected: None, notes: Vec::new() }
    }

    pub fn cached_pages(&self) -> usize {
        self.pages.iter().filter(|p| p.cached).count()
    }
}

/// Read the fetched pages as papers: the source's parser, then cleaning and (with
/// `cfg.merge`) deduplication. Messages name the page's URL; each record's provenance names
/// the service's endpoint and the record's own id (see [`Fetched::read_config`]).
pub fn read_fetched(fetched: &Fetched, cfg: &ReadConfig, observer: &mut dyn ReadObserver, sink: Sink) -> Result<ReadSummary, IngestError> {
    read_files_to(fetched.files(), &fetched.read_config(cfg), observer, sink)
}

impl Fetched {
    /// The pages as input files, each named by its URL.
    pub fn files(&self) -> Vec<InputFile> {
        self.pages.iter().map(|p| InputFile { name: p.url.clone(), path: Some(p.path.clone()) }).collect()
    }

    /// `cfg` for reading these pages: their format, and records named by id, so that a
    /// record fetched again (another page, another date window, a rerun) is known as the
    /// same source record and an incremental build leaves it unchanged.
    pub fn read_config(&self, cfg: &ReadConfig) -> ReadConfig {
        ReadConfig { format: self.format, records_by_id: true, ..cfg.clone() }
    }
}

/// The first and last day a date stands for (`2025-06` -> 2025-06-01, 2025-06-30).
pub fn day_range(d: PartialDate) -> (PartialDate, PartialDate) {
    let first = PartialDate { year: d.year, month: Some(d.month.unwrap_or(1)), day: Some(d.day.unwrap_or(1)) };
    let month = d.month.unwrap_or(12);
    let last = PartialDate { year: d.year, month: Some(month), day: Some(d.day.unwrap_or_else(|| days_in_month(d.year, month))) };
    (first, last)
}

/// Every day from the first day of `from` to the last day of `until`.
pub fn days(from: PartialDate, until: PartialDate) -> Vec<PartialDate> {
    let (mut d, _) = day_range(from);
    let (_, end) = day_range(until);
    let mut out = Vec::new();
    while d <= end {
        out.push(d);
        let (y, m, day) = (d.year, d.month.unwrap_or(1), d.day.unwrap_or(1));
        d = if day < days_in_month(y, m) {
            PartialDate { day: Some(day + 1), ..d }
        } else if m < 12 {
            PartialDate { year: y, month: Some(m + 1), day: Some(1) }
        } else {
            PartialDate { year: y + 1, month: Some(1), day: Some(1) }
        };
    }
    out
}

/// `2025-W10` -> its Monday and Sunday (ISO 8601 weeks).
pub fn iso_week(s: &str) -> Option<(PartialDate, PartialDate)> {
    let (y, w) = s.split_once("-W").or_else(|| s.split_once("-w"))?;
    let (year, week): (i32, i64) = (y.parse().ok()?, w.parse().ok()?);
    let jan4 = days_from_civil(year, 1, 4);
    let weekday = (jan4 + 3).rem_euclid(7); // 0 = Monday
    let monday = jan4 - weekday + (week - 1) * 7;
    if !(1..=53).contains(&week) || (week == 53 && date_of_day(monday + 3).year != year) {
        return None;
    }
    Some((date_of_day(monday), date_of_day(monday + 6)))
}

/// Today's date (UTC).
pub fn today() -> PartialDate {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    date_of_day((secs / 86_400) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> PartialDate {
        s.parse().unwrap()
    }

    #[test]
    fn ranges_of_partial_dates() {
        assert_eq!(day_range(d("2024-02")), (d("2024-02-01"), d("2024-02-29")));
        assert_eq!(day_range(d("2025")), (d("2025-01-01"), d("2025-12-31")));
        let span = days(d("2024-12-30"), d("2025-01-02"));
        assert_eq!(span.iter().map(|x| x.to_string()).collect::<Vec<_>>(), ["2024-12-30", "2024-12-31", "2025-01-01", "2025-01-02"]);
        assert_eq!(days(d("2025-03"), d("2025-03")).len(), 31);
        assert!(days(d("2025-03-02"), d("2025-03-01")).is_empty());
    }

    #[test]
    fn iso_weeks() {
        assert_eq!(iso_week("2025-W01"), Some((d("2024-12-30"), d("2025-01-05"))));
        assert_eq!(iso_week("2025-W10"), Some((d("2025-03-03"), d("2025-03-09"))));
        assert_eq!(iso_week("2020-W53"), Some((d("2020-12-28"), d("2021-01-03"))));
        assert_eq!(iso_week("2025-W53"), None);
        assert_eq!(iso_week("2025-10"), None);
        for z in [-1000, 0, 19_000, 20_500] {
            let d = date_of_day(z);
            assert_eq!(days_from_civil(d.year, d.month.unwrap(), d.day.unwrap()), z);
        }
    }
}
