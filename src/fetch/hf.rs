//! Hugging Face daily papers: `GET /api/daily_papers?date=YYYY-MM-DD`, one request a day of
//! the range (a week or a month is its days). The API states no rate limit for anonymous
//! reads; one request a second keeps well clear of Hugging Face's hub-wide limits.

use crate::fetch::http::{Client, PageError, Request};
use crate::fetch::{days, FetchError, Fetched};
use crate::ingest::InputFormat;
use crate::model::PartialDate;
use std::time::Duration;

pub const URL: &str = "https://huggingface.co/api/daily_papers";
pub const INTERVAL: Duration = Duration::from_secs(1);

/// Check a response: a JSON array (of daily-paper items); returns its length.
pub fn validate(body: &[u8]) -> Result<u64, PageError> {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Array(items)) => Ok(items.len() as u64),
        Ok(serde_json::Value::Object(m)) if m.contains_key("error") => Err(PageError::Fatal(format!("Hugging Face API error: {}", m["error"]))),
        Ok(_) => Err(PageError::Fatal("not a daily_papers list (expected a JSON array)".into())),
        Err(e) => Err(PageError::Retry(format!("broken JSON: {e}"))),
    }
}

/// Every day from `from` to `until` (inclusive; a month or year stands for its days).
pub fn fetch(client: &Client, base: &str, from: PartialDate, until: PartialDate) -> Result<Fetched, FetchError> {
    let mut out = Fetched::new(InputFormat::HfApi);
    for day in days(from, until) {
        let (page, n) = client.fetch(&Request::get(format!("{base}?date={day}"), INTERVAL), &validate)?;
        out.pages.push(page);
        out.received += n;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_lists() {
        assert_eq!(validate(b"[{\"paper\":{}},{}]"), Ok(2));
        assert_eq!(validate(b"[]"), Ok(0));
        assert!(matches!(validate(b"[{\"paper\":"), Err(PageError::Retry(_))));
        assert!(matches!(validate(b"{\"error\":\"Invalid date\"}"), Err(PageError::Fatal(_))));
    }
}
