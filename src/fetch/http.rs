//! A polite HTTP client: per-host pacing, `Retry-After`, jittered exponential backoff on
//! 429/5xx and broken transfers, a bounded number of retries, timeouts, and the response
//! cache in front of it all. A response counts only once its source's validator accepts it.

use crate::fetch::cache::Cache;
use crate::fetch::FetchError;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

/// How the client behaves.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Time limit of one request, from connecting to the last byte.
    pub timeout: Duration,
    /// Retries after the first attempt, for 429, 5xx, broken or invalid bodies.
    pub retries: u32,
    /// First backoff delay; doubled each retry, with jitter (x0.5 to x1.5).
    pub backoff: Duration,
    /// The longest single wait accepted (a longer `Retry-After` gives up at once).
    pub max_wait: Duration,
    pub user_agent: String,
    /// Ask the service again even for cached requests.
    pub refresh: bool,
    /// Never ask the service: cached responses only.
    pub offline: bool,
    /// Cached responses older than this are asked again (`None`: cached responses never
    /// expire). `update` sets it so that a rerun soon after an interruption resumes from the
    /// cache while tomorrow's run sees what is new.
    pub max_age: Option<Duration>,
    /// Overrides every source's own minimum interval between requests to a host.
    pub interval: Option<Duration>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            timeout: Duration::from_secs(60),
            retries: 5,
            backoff: Duration::from_secs(2),
            max_wait: Duration::from_secs(600),
            user_agent: format!("topicgraph/{} (+https://github.com/topicgraph/topicgraph)", env!("CARGO_PKG_VERSION")),
            refresh: false,
            offline: false,
            max_age: None,
            interval: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    fn name(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// One request. `secret_query` and `headers` are sent but are not part of the cache key and
/// are never written to disk (API keys).
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub url: String,
    pub body: Option<Vec<u8>>,
    pub headers: Vec<(String, String)>,
    pub secret_query: Vec<(String, String)>,
    /// The source's minimum interval between two requests to this host.
    pub interval: Duration,
}

impl Request {
    pub fn get(url: impl Into<String>, interval: Duration) -> Request {
        Request { method: Method::Get, url: url.into(), body: None, headers: Vec::new(), secret_query: Vec::new(), interval }
    }

    pub fn post_json(url: impl Into<String>, body: Vec<u8>, interval: Duration) -> Request {
        let headers = vec![("Content-Type".to_string(), "application/json".to_string())];
        Request { method: Method::Post, url: url.into(), body: Some(body), headers, secret_query: Vec::new(), interval }
    }

    /// `GET https://…` (and the body's size for a POST): how the request is named to people.
    pub fn describe(&self) -> String {
        match &self.body {
            Some(b) => format!("{} {} ({} byte body)", self.method.name(), self.url, b.len()),
            None => format!("{} {}", self.method.name(), self.url),
        }
    }
}

/// A response that passed validation, on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub url: String,
    pub path: PathBuf,
    /// Answered from the cache, without asking the service.
    pub cached: bool,
}

/// What a validator says of a response body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageError {
    /// Broken or incomplete: worth asking again.
    Retry(String),
    /// The service answered, and the answer is an error: asking again will not help.
    Fatal(String),
}

/// Counts of what the client did, for the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpStats {
    pub requests: u64,
    pub cached: u64,
    pub retries: u64,
    pub bytes: u64,
}

pub struct Client {
    agent: ureq::Agent,
    cache: Cache,
    cfg: HttpConfig,
    next_slot: Mutex<HashMap<String, Instant>>,
    stats: Mutex<HttpStats>,
    log: Box<dyn Fn(&str) + Send + Sync>,
}

/// Bodies larger than this are refused (no API page comes near it).
const MAX_BODY: u64 = 512 << 20;

impl Client {
    pub fn new(cfg: HttpConfig, cache: Cache) -> Client {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(cfg.timeout))
            .http_status_as_error(false)
            .user_agent(cfg.user_agent.as_str())
            .build()
            .into();
        Client { agent, cache, cfg, next_slot: Mutex::new(HashMap::new()), stats: Mutex::new(HttpStats::default()), log: Box::new(|_| {}) }
    }

    /// Where retries, waits and give-ups are told (stderr in the CLI).
    pub fn with_log(mut self, log: impl Fn(&str) + Send + Sync + 'static) -> Client {
        self.log = Box::new(log);
        self
    }

    pub fn stats(&self) -> HttpStats {
        self.stats.lock().expect("stats lock").clone()
    }

    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    /// The response to `req`, from the cache or the service, accepted by `validate` (whose
    /// result is returned with the page). Only accepted responses are cached.
    pub fn fetch<T>(&self, req: &Request, validate: &dyn Fn(&[u8]) -> Result<T, PageError>) -> Result<(Page, T), FetchError> {
        let described = req.describe();
        let key = Cache::key(req.method.name(), &req.url, req.body.as_deref());
        if !self.cfg.refresh {
            if let Some(path) = self.cache.get(&key).filter(|p| self.cfg.offline || Cache::fresh(p, self.cfg.max_age)) {
                let bytes = std::fs::read(&path).map_err(|source| FetchError::Cache { path: path.display().to_string(), source })?;
                match validate(&bytes) {
                    Ok(v) => {
                        self.stats.lock().expect("stats lock").cached += 1;
                        return Ok((Page { url: req.url.clone(), path, cached: true }, v));
                    }
                    Err(PageError::Retry(why) | PageError::Fatal(why)) => {
                        (self.log)(&format!("{described}: cached response is invalid ({why}); asking again"));
                        self.cache.remove(&key);
                    }
                }
            }
        }
        if self.cfg.offline {
            return Err(FetchError::Offline { request: described });
        }
        let mut attempt = 0u32;
        loop {
            self.pace(&req.url, self.cfg.interval.unwrap_or(req.interval));
            self.stats.lock().expect("stats lock").requests += 1;
            let (reason, retry_after) = match self.send(req) {
                Ok(resp) if (200..300).contains(&resp.status) => {
                    self.stats.lock().expect("stats lock").bytes += resp.body.len() as u64;
                    match validate(&resp.body) {
                        Ok(v) => {
                            let path = self.cache.put(&key, &described, &resp.body).map_err(|source| FetchError::Cache { path: self.cache.path(&key).display().to_string(), source })?;
                            return Ok((Page { url: req.url.clone(), path, cached: false }, v));
                        }
                        Err(PageError::Fatal(reason)) => return Err(FetchError::Protocol { request: described, reason }),
                        Err(PageError::Retry(reason)) => (reason, None),
                    }
                }
                Ok(resp) if resp.status == 429 || resp.status >= 500 => (format!("HTTP {}", resp.status), resp.retry_after),
                Ok(resp) => return Err(FetchError::Status { request: described, status: resp.status, detail: snippet(&resp.body) }),
                Err(e) => (e, None),
            };
            attempt += 1;
            if attempt > self.cfg.retries {
                return Err(FetchError::GaveUp { request: described, attempts: attempt, reason });
            }
            let wait = match retry_after {
                Some(w) if w > self.cfg.max_wait => {
                    return Err(FetchError::GaveUp { request: described, attempts: attempt, reason: format!("{reason}, and the service asks to wait {} s (more than --max-wait)", w.as_secs()) });
                }
                Some(w) => w,
                None => backoff(self.cfg.backoff, attempt).min(self.cfg.max_wait),
            };
            self.stats.lock().expect("stats lock").retries += 1;
            (self.log)(&format!("{described}: {reason}; retry {attempt}/{} in {:.1} s", self.cfg.retries, wait.as_secs_f64()));
            std::thread::sleep(wait);
        }
    }

    /// Wait until this host may be asked again, and book the next slot.
    fn pace(&self, url: &str, interval: Duration) {
        let host = host_of(url);
        let wait = {
            let mut slots = self.next_slot.lock().expect("pacing lock");
            let now = Instant::now();
            let at = slots.get(&host).copied().unwrap_or(now).max(now);
            slots.insert(host, at + interval);
            at - now
        };
        if !wait.is_zero() {
            std::thread::sleep(wait);
        }
    }

    fn send(&self, req: &Request) -> Result<Response, String> {
        let mut url = req.url.clone();
        for (k, v) in &req.secret_query {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&format!("{}={}", encode(k), encode(v)));
        }
        let result = match req.method {
            Method::Get => {
                let mut b = self.agent.get(&url);
                for (k, v) in &req.headers {
                    b = b.header(k.as_str(), v.as_str());
                }
                b.call()
            }
            Method::Post => {
                let mut b = self.agent.post(&url);
                for (k, v) in &req.headers {
                    b = b.header(k.as_str(), v.as_str());
                }
                b.send(req.body.as_deref().unwrap_or_default())
            }
        };
        let mut resp = result.map_err(|e| e.to_string())?;
        let status = resp.status().as_u16();
        let retry_after = resp.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| parse_retry_after(v, SystemTime::now()));
        let body = resp.body_mut().with_config().limit(MAX_BODY).read_to_vec().map_err(|e| format!("reading the body: {e}"))?;
        Ok(Response { status, retry_after, body })
    }
}

struct Response {
    status: u16,
    retry_after: Option<Duration>,
    body: Vec<u8>,
}

/// Percent-encode a query component (everything but RFC 3986's unreserved characters).
pub fn encode(s: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
    const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
    utf8_percent_encode(s, COMPONENT).to_string()
}

/// `scheme://host[:port]/…` -> `host[:port]`.
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or(rest).to_ascii_lowercase()
}

/// `Retry-After`: delay seconds or an HTTP date.
pub fn parse_retry_after(v: &str, now: SystemTime) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// `base * 2^(attempt-1)`, times a random factor in [0.5, 1.5) so that clients do not retry
/// in lockstep.
fn backoff(base: Duration, attempt: u32) -> Duration {
    let exp = base.saturating_mul(1u32 << (attempt - 1).min(16));
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(attempt);
    let unit = (h.finish() >> 11) as f64 / (1u64 << 53) as f64;
    exp.mul_f64(0.5 + unit)
}

/// The start of an error body, on one line, for messages.
fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(300)]);
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.is_empty() {
        String::new()
    } else {
        format!(": {one_line}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_takes_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(parse_retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now), Some(Duration::from_secs(10)));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn backoff_doubles_with_jitter() {
        for attempt in 1..6 {
            let d = backoff(Duration::from_secs(2), attempt);
            let nominal = 2.0 * f64::from(1u32 << (attempt - 1));
            assert!(d.as_secs_f64() >= nominal * 0.5 && d.as_secs_f64() < nominal * 1.5, "{attempt}: {d:?}");
        }
    }

    #[test]
    fn hosts_and_encoding() {
        assert_eq!(host_of("https://Export.arxiv.org/api/query?x=1"), "export.arxiv.org");
        assert_eq!(host_of("http://127.0.0.1:8080/oai"), "127.0.0.1:8080");
        assert_eq!(encode("cat:cs.CL AND submittedDate:[2025 TO 2026]"), "cat%3Acs.CL%20AND%20submittedDate%3A%5B2025%20TO%202026%5D");
        assert_eq!(encode("a-b_c.d~é"), "a-b_c.d~%C3%A9");
    }

    #[test]
    fn offline_without_cache_names_the_request() {
        let dir = tempfile::tempdir().unwrap();
        let client = Client::new(HttpConfig { offline: true, ..Default::default() }, Cache::new(dir.path()));
        let err = client.fetch(&Request::get("http://127.0.0.1:9/x", Duration::ZERO), &|_| Ok(())).unwrap_err();
        assert!(err.to_string().contains("GET http://127.0.0.1:9/x"), "{err}");
    }
}
