//! `topicgraph fetch SOURCE`: papers from a live service, as canonical JSON Lines.

use crate::cli::papers::{print_summary, write_papers};
use crate::cli::progress::StderrObserver;
use crate::cli::{EXIT_OK, EXIT_REJECTED};
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::time::Duration;
use topicgraph::fetch::cache::{self, Cache};
use topicgraph::fetch::http::{Client, HttpConfig};
use topicgraph::fetch::{arxiv, hf, iso_week, openalex, read_fetched, s2, today, Fetched};
use topicgraph::ingest::ReadConfig;
use topicgraph::model::PartialDate;

#[derive(Args)]
#[command(after_help = "Examples:\n  \
    topicgraph fetch arxiv --category cs.CL --category cs.LG --from 2025-06-01 --until 2025-06-07 --out week.jsonl\n  \
    topicgraph fetch arxiv --query 'ti:\"KV cache\"' --max 500\n  \
    topicgraph fetch arxiv --oai --set cs --from 2025-06-01          # OAI-PMH harvest (no 30,000-result cap)\n  \
    topicgraph fetch hf-daily --week 2025-W10\n  \
    OPENALEX_MAILTO=me@example.org topicgraph fetch openalex --search 'mixture of experts' --from 2023\n  \
    S2_API_KEY=... topicgraph fetch s2 --id arXiv:2106.15928 --id 10.18653/v1/2020.acl-main.1\n\n\
    Every accepted response is cached (--cache, default ~/.cache/topicgraph): an interrupted \
    fetch resumes where it stopped, and a rerun asks the service nothing new. Requests are \
    paced per host as each service asks (arXiv: one every 3 s), 429 and 5xx are retried with \
    Retry-After or jittered exponential backoff, and a fetch that gives up names the URL and \
    status.")]
pub struct FetchArgs {
    #[command(subcommand)]
    pub source: Source,
}

#[derive(Subcommand)]
pub enum Source {
    /// arXiv: the search API (default) or OAI-PMH (--oai).
    Arxiv(ArxivArgs),
    /// Hugging Face daily papers, by day, week or month.
    HfDaily(HfArgs),
    /// OpenAlex works by filter or search.
    Openalex(OpenAlexArgs),
    /// Semantic Scholar papers by id (arXiv ids, DOIs).
    S2(S2Args),
}

/// How to talk to a service: the cache, pacing, retries, time limits (`fetch` and `update`).
#[derive(Args, Clone)]
pub struct HttpArgs {
    /// Cache folder for raw responses [default: $TOPICGRAPH_CACHE, $XDG_CACHE_HOME/topicgraph or ~/.cache/topicgraph].
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// Ask the service again even for requests answered in the cache.
    #[arg(long, conflicts_with = "offline")]
    pub refresh: bool,
    /// Use cached responses only; never ask the service.
    #[arg(long)]
    pub offline: bool,
    /// Ask again for cached responses older than this [default: never, for `fetch`; an
    /// hour, for `update`].
    #[arg(long, value_name = "SECONDS", conflicts_with = "offline")]
    pub max_age: Option<f64>,
    /// Seconds between two requests to one host [default: what the service asks].
    #[arg(long, value_name = "SECONDS")]
    pub delay: Option<f64>,
    /// Retries after a failed request (429, 5xx, broken or invalid body).
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub retries: u32,
    /// First backoff delay in seconds (doubled each retry, with jitter).
    #[arg(long, default_value_t = 2.0, value_name = "SECONDS")]
    pub backoff: f64,
    /// Time limit of one request, in seconds.
    #[arg(long, default_value_t = 60.0, value_name = "SECONDS")]
    pub timeout: f64,
    /// Give up when the service asks to wait longer than this (Retry-After), in seconds.
    #[arg(long, default_value_t = 600.0, value_name = "SECONDS")]
    pub max_wait: f64,
}

/// Options every source takes.
#[derive(Args, Clone)]
pub struct CommonArgs {
    /// Where to write the papers (`-` is stdout).
    #[arg(long, short, default_value = "-", value_name = "FILE")]
    pub out: String,
    /// The service's endpoint (a mirror, or a test server).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    #[command(flatten)]
    pub http: HttpArgs,
    /// Keep going when the service sends fewer results than it announced.
    #[arg(long)]
    pub allow_shortfall: bool,
    /// Do not merge duplicates.
    #[arg(long)]
    pub no_merge: bool,
    /// Exit with code 3 when any record was rejected.
    #[arg(long)]
    pub fail_on_reject: bool,
    /// Print only errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args)]
pub struct ArxivArgs {
    /// A raw arXiv search query (`ti:"mixture of experts" AND abs:routing`).
    #[arg(long, value_name = "QUERY")]
    pub query: Option<String>,
    /// Category (`cs.CL`) or archive (`cs`); repeatable, OR-ed. With --oai: use --set.
    #[arg(long = "category", value_name = "CAT")]
    pub categories: Vec<String>,
    /// arXiv ids to fetch (API only); repeatable.
    #[arg(long = "id", value_name = "ID")]
    pub ids: Vec<String>,
    /// First submission date (API) or datestamp (OAI-PMH): YYYY, YYYY-MM or YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub from: Option<PartialDate>,
    /// Last date, inclusive.
    #[arg(long, value_name = "DATE")]
    pub until: Option<PartialDate>,
    /// At most this many results (API).
    #[arg(long, value_name = "N")]
    pub max: Option<u64>,
    /// Results per API request.
    #[arg(long, default_value_t = 200, value_name = "N")]
    pub page_size: u64,
    /// Harvest with OAI-PMH ListRecords instead of the search API.
    #[arg(long)]
    pub oai: bool,
    /// OAI-PMH set (`cs`, `physics:astro-ph`).
    #[arg(long, value_name = "SET", requires = "oai")]
    pub set: Option<String>,
    /// OAI-PMH metadata format: arXiv or arXivRaw.
    #[arg(long, default_value = "arXiv", value_name = "PREFIX", requires = "oai")]
    pub prefix: String,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Args)]
pub struct HfArgs {
    /// One day (YYYY-MM-DD), a month (YYYY-MM) or a year.
    #[arg(long, value_name = "DATE", conflicts_with_all = ["week", "from"])]
    pub date: Option<PartialDate>,
    /// An ISO week: 2025-W10.
    #[arg(long, value_name = "YYYY-Www", conflicts_with = "from")]
    pub week: Option<String>,
    /// First day of a range (with --until; default today).
    #[arg(long, value_name = "DATE")]
    pub from: Option<PartialDate>,
    #[arg(long, value_name = "DATE", requires = "from")]
    pub until: Option<PartialDate>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Args)]
pub struct OpenAlexArgs {
    /// OpenAlex filter expression (`concepts.id:C154945302,type:article`).
    #[arg(long, value_name = "FILTER")]
    pub filter: Option<String>,
    /// Full-text search.
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// First publication date.
    #[arg(long, value_name = "DATE")]
    pub from: Option<PartialDate>,
    /// Last publication date.
    #[arg(long, value_name = "DATE")]
    pub until: Option<PartialDate>,
    /// At most about this many works (whole pages of 200).
    #[arg(long, value_name = "N")]
    pub max: Option<u64>,
    /// Your e-mail for OpenAlex's polite pool [default: $OPENALEX_MAILTO].
    #[arg(long, value_name = "EMAIL")]
    pub mailto: Option<String>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Args)]
pub struct S2Args {
    /// arXiv id, DOI or Semantic Scholar id; repeatable. The key comes from $S2_API_KEY.
    #[arg(long = "id", value_name = "ID")]
    pub ids: Vec<String>,
    /// A file with one id per line (`-` for stdin).
    #[arg(long, value_name = "FILE")]
    pub ids_from: Option<String>,
    #[command(flatten)]
    pub common: CommonArgs,
}

fn secs(s: f64, what: &str) -> Result<Duration> {
    Duration::try_from_secs_f64(s).map_err(|_| anyhow::anyhow!("{what} must be a number of seconds >= 0, got {s}"))
}

impl HttpArgs {
    /// The polite client these options describe; it logs retries as `topicgraph COMMAND: ...`
    /// unless `quiet`. `max_age` is used when `--max-age` is not given.
    pub fn client(&self, command: &'static str, quiet: bool, max_age: Option<f64>) -> Result<Client> {
        let cfg = HttpConfig {
            timeout: secs(self.timeout, "--timeout")?,
            retries: self.retries,
            backoff: secs(self.backoff, "--backoff")?,
            max_wait: secs(self.max_wait, "--max-wait")?,
            refresh: self.refresh,
            offline: self.offline,
            interval: self.delay.map(|d| secs(d, "--delay")).transpose()?,
            max_age: self.max_age.or(max_age).map(|d| secs(d, "--max-age")).transpose()?,
            ..Default::default()
        };
        let dir = self.cache.clone().unwrap_or_else(cache::default_dir);
        Ok(Client::new(cfg, Cache::new(dir)).with_log(move |m| {
            if !quiet {
                eprintln!("topicgraph {command}: {m}");
            }
        }))
    }
}

fn client(c: &CommonArgs) -> Result<Client> {
    c.http.client("fetch", c.quiet, None)
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

pub fn run(args: FetchArgs) -> Result<u8> {
    let (fetched, common, client) = match args.source {
        Source::Arxiv(a) => {
            let client = client(&a.common)?;
            let f = if a.oai {
                if !a.categories.is_empty() || a.query.is_some() || !a.ids.is_empty() {
                    bail!("--oai harvests by --set and dates; --category, --query and --id are for the search API");
                }
                let q = arxiv::OaiQuery { prefix: a.prefix.clone(), set: a.set.clone(), from: a.from, until: a.until };
                arxiv::fetch_oai(&client, a.common.base_url.as_deref().unwrap_or(arxiv::OAI_URL), &q, a.common.allow_shortfall)?
            } else {
                if a.query.is_none() && a.categories.is_empty() && a.ids.is_empty() {
                    bail!("say what to fetch: --query, --category or --id (or --oai --set for a harvest)");
                }
                let q = arxiv::ApiQuery { search: a.query.clone(), categories: a.categories.clone(), from: a.from, until: a.until, ids: a.ids.clone(), max: a.max, page_size: a.page_size };
                arxiv::fetch_api(&client, a.common.base_url.as_deref().unwrap_or(arxiv::API_URL), &q, a.common.allow_shortfall)?
            };
            (f, a.common, client)
        }
        Source::HfDaily(h) => {
            let client = client(&h.common)?;
            let (from, until) = match (&h.week, h.date, h.from) {
                (Some(w), _, _) => iso_week(w).with_context(|| format!("--week {w:?}: expected an ISO week such as 2025-W10"))?,
                (None, Some(d), _) => (d, d),
                (None, None, Some(f)) => (f, h.until.unwrap_or_else(today)),
                (None, None, None) => (today(), today()),
            };
            let f = hf::fetch(&client, h.common.base_url.as_deref().unwrap_or(hf::URL), from, until)?;
            (f, h.common, client)
        }
        Source::Openalex(o) => {
            let client = client(&o.common)?;
            if o.filter.is_none() && o.search.is_none() && o.from.is_none() {
                bail!("say what to fetch: --filter, --search or --from (all of OpenAlex is 250 million works)");
            }
            let q = openalex::Query { filter: o.filter.clone(), search: o.search.clone(), from: o.from, until: o.until, max: o.max, mailto: o.mailto.clone().or_else(|| env("OPENALEX_MAILTO")), api_key: env("OPENALEX_API_KEY") };
            let f = openalex::fetch(&client, o.common.base_url.as_deref().unwrap_or(openalex::URL), &q, o.common.allow_shortfall)?;
            (f, o.common, client)
        }
        Source::S2(s) => {
            let client = client(&s.common)?;
            let mut ids = s.ids.clone();
            if let Some(path) = &s.ids_from {
                let text = if path == "-" { std::io::read_to_string(std::io::stdin()).context("reading ids from stdin")? } else { std::fs::read_to_string(path).with_context(|| format!("reading {path}"))? };
                ids.extend(text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_string));
            }
            if ids.is_empty() {
                bail!("give ids: --id ID (repeatable) or --ids-from FILE");
            }
            let f = s2::fetch(&client, s.common.base_url.as_deref().unwrap_or(s2::URL), &ids, env("S2_API_KEY").as_deref())?;
            (f, s.common, client)
        }
    };
    write(&fetched, &common, &client)
}

/// Read the fetched pages and write the papers, then the summary.
fn write(fetched: &Fetched, common: &CommonArgs, client: &Client) -> Result<u8> {
    let cfg = ReadConfig { merge: !common.no_merge, ..Default::default() };
    let mut observer = StderrObserver::new(common.quiet);
    let summary = write_papers(&common.out, |sink| read_fetched(fetched, &cfg, &mut observer, sink))?;
    observer.finish();
    if !common.quiet {
        let stats = client.stats();
        let expected = fetched.expected.map_or(String::new(), |e| format!(" of {e} announced"));
        eprintln!(
            "topicgraph fetch: {} page(s) ({} from the cache, {} request(s), {} retr{}, {:.1} MiB), {} record(s){expected}",
            fetched.pages.len(),
            fetched.cached_pages(),
            stats.requests,
            stats.retries,
            if stats.retries == 1 { "y" } else { "ies" },
            stats.bytes as f64 / (1 << 20) as f64,
            fetched.received
        );
        for n in &fetched.notes {
            eprintln!("  note: {n}");
        }
        print_summary("fetch", &summary, &observer);
    }
    Ok(if common.fail_on_reject && summary.rejected > 0 { EXIT_REJECTED } else { EXIT_OK })
}
