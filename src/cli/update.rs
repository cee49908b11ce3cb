//! `topicgraph update`: fetch what is new from the sources a config file names, build it
//! into the store, refresh the reports. For a daily cron job.

use crate::cli::build::{after_build, print_build, AnalyticsArgs};
use crate::cli::fetch::HttpArgs;
use crate::cli::papers::print_summary;
use crate::cli::progress::StderrObserver;
use crate::cli::tag::{LinkArgs, Semantic};
use crate::cli::{EXIT_FATAL, EXIT_OK};
use anyhow::{bail, Context, Result};
use clap::Args;
use std::path::PathBuf;
use std::time::Instant;
use topicgraph::build::{build_files, BuildConfig};
use topicgraph::fetch::today;
use topicgraph::model::PartialDate;
use topicgraph::rdf::iri::Iris;
use topicgraph::rdf::store;
use topicgraph::rdf::vocab::DEFAULT_BASE;
use topicgraph::update::{cursor, fetch_source, set_cursor, window, Config};

#[derive(Args)]
#[command(after_help = "A config file (topicgraph.toml):\n\n  \
    out = \"kg\"                        # the store is kg/store; reports kg/trends.html\n  \
    since = \"2026-11-01\"              # first day for a source that was never fetched\n  \
    categories = [\"cs.CL\", \"cs.LG\"]     # keep only these (optional)\n  \
    ontology = [\"bundled\", \"mine.ttl\"]  # optional; as --ontology\n\n  \
    [[source]]\n  \
    kind = \"arxiv\"                    # the arXiv API, by submission date\n  \
    categories = [\"cs.CL\", \"cs.LG\"]\n\n  \
    [[source]]\n  \
    kind = \"hf-daily\"                 # Hugging Face daily papers\n\n  \
    [[source]]\n  \
    kind = \"openalex\"                 # also: arxiv-oai (set = \"cs\")\n  \
    search = \"mixture of experts\"\n\n\
    Each source resumes from the last day it was fetched up to (kept in the store), that day\n\
    included, so papers a service adds late are not missed; records already loaded change\n\
    nothing, so a second run in a row adds nothing. A source that fails keeps its cursor and\n\
    is retried next time; the others go on (exit code 1).\n\n\
    Every day at 06:30 (crontab -e):\n  \
    30 6 * * * cd /srv/kg && topicgraph update -q >> update.log 2>&1")]
pub struct UpdateArgs {
    /// The config file.
    #[arg(long, default_value = "topicgraph.toml", value_name = "FILE")]
    pub config: PathBuf,
    /// Output folder; the store is DIR/store [default: the config's `out`, else output].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Fetch up to this day [default: today, UTC].
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub until: Option<PartialDate>,
    #[command(flatten)]
    pub http: HttpArgs,
    #[command(flatten)]
    pub link: LinkArgs,
    #[command(flatten)]
    pub analytics: AnalyticsArgs,
    /// Print only errors.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(mut args: UpdateArgs) -> Result<u8> {
    let started = Instant::now();
    if !args.config.is_file() {
        bail!("{}: no such config file (write one: see `topicgraph update --help`)", args.config.display());
    }
    let config = Config::load(&args.config)?;
    let sources = config.sources().map_err(anyhow::Error::msg)?;
    let out = args.out.clone().or_else(|| config.out.clone()).unwrap_or_else(|| PathBuf::from("output"));
    if args.link.ontologies.is_empty() {
        args.link.ontologies = config.ontology.iter().map(|o| o.parse()).collect::<Result<_, _>>().map_err(|e| anyhow::anyhow!("{}: ontology: {e}", args.config.display()))?;
    }
    let iris = Iris::new(DEFAULT_BASE).map_err(anyhow::Error::msg)?;
    let store_path = out.join("store");
    let kg = store::create(&store_path)?;
    // --semantic auto follows the store (a new one: lexical, daily inputs are unknown ahead).
    let tagged_with = topicgraph::build::stored_tagging_version(&kg, &iris).with_context(|| format!("reading {}", store_path.display()))?;
    let hint = tagged_with.map_or(Semantic::Unknown, |v| Semantic::Store(v.contains("+semantic:")));
    let linker = args.link.linker_for(hint)?;
    if args.http.cache.is_none() {
        args.http.cache = config.cache.clone();
    }
    // Cached responses younger than an hour are used as they are: an interrupted run
    // resumes without asking again; tomorrow's run asks.
    let client = args.http.client("update", args.quiet, Some(3600.0))?;
    let quiet = args.quiet;
    let until = args.until.unwrap_or_else(today);
    let cfg = BuildConfig { categories: config.categories.clone(), command: std::env::args().collect::<Vec<_>>().join(" "), ..Default::default() };

    let (mut changed, mut failed) = (0u64, 0usize);
    let mut last_run: Option<String> = None;
    for s in &sources {
        let last = cursor(&kg, &iris, &s.name)?;
        let Some((from, to)) = window(last, s.since, until) else {
            if !quiet {
                eprintln!("{}: fetched up to {} already, after {until}; nothing to do", s.name, last.map_or(String::new(), |d| d.to_string()));
            }
            continue;
        };
        let t = Instant::now();
        let fetched = match fetch_source(&client, &s.config, from, to) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("topicgraph update: {}: {e}; its cursor stays, the next run retries", s.name);
                failed += 1;
                continue;
            }
        };
        let fetch_secs = t.elapsed().as_secs_f64();
        let mut observer = StderrObserver::new(quiet);
        let cfg = BuildConfig { read: fetched.read_config(&cfg.read), ..cfg.clone() };
        let result = build_files(&kg, &linker, &iris, fetched.files(), &cfg, &mut observer);
        observer.finish();
        let summary = result.with_context(|| format!("{}: building {}", s.name, store_path.display()))?;
        set_cursor(&kg, &iris, &s.name, to).with_context(|| format!("{}: saving its cursor", s.name))?;
        changed += summary.added + summary.updated + summary.retagged_for_ontology;
        last_run = summary.run.clone().or(last_run);
        if !quiet {
            eprintln!(
                "{}: {from} to {to}: {} page(s) ({} from the cache), {} record(s) in {fetch_secs:.1}s; {} new paper(s), {} updated, {} unchanged",
                s.name,
                fetched.pages.len(),
                fetched.cached_pages(),
                fetched.received,
                summary.added,
                summary.updated,
                summary.unchanged
            );
            print_summary(&format!("update {}", s.name), &summary.read, &observer);
            print_build(&summary, &store_path, t);
        }
    }
    let after = after_build(&kg, &iris, &out, changed, args.analytics, last_run.as_deref())?;
    if !quiet {
        after.print_analytics();
        after.print_trends();
        eprintln!("update: {} source(s), {} failed, in {:.1}s", sources.len(), failed, started.elapsed().as_secs_f64());
    }
    Ok(if failed > 0 { EXIT_FATAL } else { EXIT_OK })
}
