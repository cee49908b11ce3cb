//! `topicgraph build`: the whole pipeline into an output folder.

use crate::cli::papers::print_summary;
use crate::cli::progress::StderrObserver;
use crate::cli::tag::{LinkArgs, Semantic};
use crate::cli::{EXIT_OK, EXIT_REJECTED};
use anyhow::{bail, Context, Result};
use clap::Args;
use std::path::{Path, PathBuf};
use std::time::Instant;
use topicgraph::build::{build, build_tagged, stored_tagging_version, BuildConfig, BuildError, BuildSummary, Compact};
use topicgraph::ingest::source::expand_inputs;
use topicgraph::graph::{load_concepts, records_from_digests, write_analytics, GraphConfig, KnowledgeGraph};
use topicgraph::rdf::iri::Graph;
use topicgraph::report::store::{current_digests, DigestSource};
use topicgraph::ingest::{InputFormat, ReadConfig};
use topicgraph::model::PartialDate;
use topicgraph::rdf::iri::Iris;
use topicgraph::rdf::mapping::EvidenceMode;
use topicgraph::rdf::store;
use topicgraph::rdf::vocab::DEFAULT_BASE;

/// The bundled example, built when no INPUT is given.
pub const EXAMPLE_DIR: &str = "examples";

#[derive(Args)]
#[command(after_help = "Examples:\n  \
    topicgraph build                                  # the bundled example (examples/) into output/\n  \
    topicgraph build papers/ --out kg                 # your files into kg/ (store: kg/store)\n  \
    topicgraph build new-listing.txt                  # add to output/store: only new or changed papers are written\n  \
    topicgraph build --ontology bundled --ontology mine.ttl   # re-tags every paper (new ontology version)\n  \
    topicgraph build --from-tags part-*.jsonl.gz      # load `tag --with-paper` output (e.g. a Spark job's) without re-tagging\n\n\
    Re-running with inputs already loaded changes nothing. A killed build leaves whole papers\n\
    only; run it again to finish. While `serve` or `query` has the store open, `build` waits\n\
    for nothing: it refuses and names the holder (build into another --out and swap instead).")]
pub struct BuildArgs {
    /// Files or folders to add (any supported format; `.gz` is fine). None: the bundled
    /// example in ./examples.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// Output folder; the store is DIR/store.
    #[arg(long, default_value = "output", value_name = "DIR")]
    pub out: PathBuf,
    /// Keep only papers of these arXiv categories (`cs.LG`) or archives (`cs`). Repeatable.
    #[arg(long = "category", value_name = "CAT")]
    pub categories: Vec<String>,
    /// Base IRI of papers, people and graph names.
    #[arg(long, default_value = DEFAULT_BASE, value_name = "IRI")]
    pub base: String,
    /// Evidence kept in the store: compact (the strongest mention of each tag) or full
    /// (every mention, with position selectors).
    #[arg(long, default_value = "compact", value_name = "MODE")]
    pub evidence: EvidenceMode,
    /// Papers per atomic write.
    #[arg(long, default_value_t = BuildConfig::default().batch, value_name = "N")]
    pub batch: usize,
    /// Compact the store at the end (a full RocksDB compaction: a smaller store and faster
    /// queries; 48 s for 266k papers): auto does it for a new store and for runs that wrote
    /// at least 50,000 papers, always and never say it.
    #[arg(long, default_value = "auto", value_name = "WHEN")]
    pub compact: Compact,
    /// Input format; `auto` detects it per file.
    #[arg(long, default_value = "auto", value_name = "FORMAT")]
    pub format: InputFormat,
    /// Date of a saved HF daily-papers listing, when its file name has none.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub listing_date: Option<PartialDate>,
    /// INPUT is tagged papers, as `topicgraph tag --with-paper` writes them (e.g. the output
    /// of a Spark job): load them without tagging. Lines tagged with another ontology version
    /// than this build's (--ontology) are tagged here.
    #[arg(long)]
    pub from_tags: bool,
    /// Stop at the first bad record (exit code 2).
    #[arg(long)]
    pub strict: bool,
    /// Exit with code 3 when any record was rejected.
    #[arg(long)]
    pub fail_on_reject: bool,
    #[command(flatten)]
    pub link: LinkArgs,
    #[command(flatten)]
    pub analytics: AnalyticsArgs,
    /// Print only errors.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: BuildArgs) -> Result<u8> {
    let started = Instant::now();
    if args.from_tags && args.inputs.is_empty() {
        bail!("--from-tags needs the tagged files as INPUT (from `topicgraph tag --with-paper`)");
    }
    let inputs = if args.inputs.is_empty() {
        if !Path::new(EXAMPLE_DIR).is_dir() {
            bail!("no INPUT given and no ./{EXAMPLE_DIR} folder here: run from the topicgraph checkout or name the files to build");
        }
        vec![EXAMPLE_DIR.to_string()]
    } else {
        args.inputs.clone()
    };
    if args.batch == 0 {
        bail!("--batch must be at least 1");
    }
    let iris = Iris::new(&args.base).map_err(anyhow::Error::msg)?;
    let store_path = args.out.join("store");
    let kg = store::create(&store_path)?;
    // --semantic auto: a store follows how it was tagged; a new one is semantic when the
    // input is small (tagged inputs are loaded, not tagged: their size says nothing).
    let hint = match stored_tagging_version(&kg, &iris).with_context(|| format!("reading {}", store_path.display()))? {
        Some(v) => Semantic::Store(v.contains("+semantic:")),
        None if args.from_tags => Semantic::Unknown,
        None => Semantic::Inputs(&inputs),
    };
    let linker = args.link.linker_for(hint)?;
    let cfg = BuildConfig {
        read: ReadConfig { format: args.format, listing_date: args.listing_date, strict: args.strict, ..Default::default() },
        categories: args.categories.clone(),
        evidence: args.evidence,
        batch: args.batch,
        command: std::env::args().collect::<Vec<_>>().join(" "),
        compact: args.compact,
    };
    let mut observer = StderrObserver::new(args.quiet);
    let result = if args.from_tags {
        expand_inputs(&inputs).map_err(BuildError::from).and_then(|files| build_tagged(&kg, &linker, &iris, &files, &cfg, &mut observer))
    } else {
        build(&kg, &linker, &iris, &inputs, &cfg, &mut observer)
    };
    observer.finish();
    let summary = result.with_context(|| format!("building {}", store_path.display()))?;
    let changed = summary.added + summary.updated + summary.retagged_for_ontology;
    // What the build did first: the corpus-wide steps after it can take long on a large store.
    if !args.quiet {
        print_summary("build", &summary.read, &observer);
        print_build(&summary, &store_path, started);
    }
    crate::cli::tag::report_semantic(&linker, args.quiet);
    let after = after_build(&kg, &iris, &args.out, changed, args.analytics, summary.run.as_deref())?;
    if !args.quiet {
        after.print_analytics();
        after.print_trends();
    }
    let rejected = summary.read.rejected > 0 || summary.read.failed_files > 0;
    Ok(if args.fail_on_reject && rejected { EXIT_REJECTED } else { EXIT_OK })
}

/// When `build` and `update` recompute the corpus-wide analytics.
#[derive(Args, Clone, Copy)]
pub struct AnalyticsArgs {
    /// Recompute the corpus-wide analytics (PageRank, co-occurrence, communities) now,
    /// however few papers changed.
    #[arg(long)]
    pub analytics: bool,
    /// Otherwise recompute them (and the trend report next to the store) when the papers
    /// changed since they were last computed exceed this share of the papers they cover (on
    /// a large store, reading every paper back takes longer than a daily update).
    #[arg(long, default_value_t = 0.02, value_name = "X")]
    pub analytics_share: f64,
    /// Below this many papers, the analytics and the report are cheap: recompute them after
    /// every build that changed something.
    #[arg(long, default_value_t = 50_000, value_name = "N")]
    pub analytics_min_papers: u64,
}

/// What follows a build into `out`: analytics and reports.
pub struct AfterBuild {
    analytics: Analytics,
    trends: Option<(Vec<PathBuf>, f64)>,
    /// Where the papers were read from for both, and how long that took.
    read: Option<(DigestSource, f64)>,
}

enum Analytics {
    /// Nothing changed.
    Current,
    Refreshed(topicgraph::graph::WriteSummary, f64),
    /// Left as they were: papers changed since, papers they cover, the share that refreshes.
    Kept(u64, u64, f64),
}

/// Corpus-wide analytics (PageRank, communities, co-occurrence) from the stored tags,
/// written back to their graph when `changed` papers (with those of earlier builds that
/// left them) make them due (see [`AnalyticsArgs`]); then the trend report next to the
/// store, with the analytics or when it is missing. Both read every paper once, from the tag
/// sidecar when it is valid, else from the store; then, knowing the build's `run`, the
/// sidecar is written anew.
pub fn after_build(kg: &store::KgStore, iris: &Iris, out: &Path, changed: u64, policy: AnalyticsArgs, run: Option<&str>) -> Result<AfterBuild> {
    let staleness = topicgraph::graph::staleness(kg, iris.base()).context("reading the analytics graph")?;
    let due = policy.analytics || (changed > 0 && staleness.due(changed, policy.analytics_share, policy.analytics_min_papers));
    let report_due = due || !out.join("trends.html").exists();
    let t = Instant::now();
    let runs = iris.graph(Graph::Runs);
    let read = if due || report_due {
        let (digests, from) = current_digests(kg, run.map(|r| (r, runs.as_str()))).context("reading the papers back")?;
        Some((digests, from, t.elapsed().as_secs_f64()))
    } else {
        None
    };
    let analytics = match &read {
        Some((digests, _, _)) if due => {
            let t = Instant::now();
            let (concepts, ids) = load_concepts(kg).context("reading the ontology graph")?;
            let graph = KnowledgeGraph::build(concepts, records_from_digests(digests, &ids), GraphConfig::default());
            let a = graph.analyze();
            Analytics::Refreshed(write_analytics(kg, iris.base(), &a).context("writing analytics")?, t.elapsed().as_secs_f64())
        }
        _ if changed > 0 => {
            topicgraph::graph::note_changes(kg, iris.base(), changed).context("writing the analytics graph")?;
            Analytics::Kept(staleness.changed_since + changed, staleness.analysed.unwrap_or(0), policy.analytics_share)
        }
        _ => Analytics::Current,
    };
    kg.flush().context("flushing the store")?;
    let t = Instant::now();
    let trends = match &read {
        Some((digests, _, _)) => {
            let paths = crate::cli::trends::write_next_to_store(kg, digests, out, &out.join("store").display().to_string()).context("writing the trend report")?;
            Some((paths, t.elapsed().as_secs_f64()))
        }
        None => None,
    };
    Ok(AfterBuild { analytics, trends, read: read.map(|(_, from, secs)| (from, secs)) })
}

impl AfterBuild {
    pub fn print_analytics(&self) {
        if let Some((from, secs)) = &self.read {
            eprintln!("  papers     read back {from} in {secs:.2}s");
        }
        match &self.analytics {
            Analytics::Current => {}
            Analytics::Refreshed(a, secs) => eprintln!("  analytics  {} concepts, {} co-occurring pairs ({} triples) in {secs:.2}s", a.concepts, a.pairs, a.triples),
            Analytics::Kept(changed, covered, share) => eprintln!(
                "  analytics  kept: {changed} paper(s) changed since they were computed over {covered}, not over {:.0}% (--analytics recomputes them now)",
                share * 100.0
            ),
        }
    }

    pub fn print_trends(&self) {
        if let Some((paths, secs)) = &self.trends {
            let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            eprintln!("  trends     {} in {secs:.2}s  (more: topicgraph trends --help)", names.join(", "));
        }
    }
}

pub fn print_build(s: &BuildSummary, store: &Path, started: Instant) {
    let mut lines = Vec::new();
    if s.filtered > 0 {
        lines.push(format!("  filtered   {} paper(s) outside --category", s.filtered));
    }
    let from_tags = if s.from_tags > 0 { format!(", {} with the input's tags", s.from_tags) } else { String::new() };
    let joined = if s.joined > 0 { format!(" ({} more record(s) of those papers)", s.joined) } else { String::new() };
    lines.push(format!("  store      {} added, {} updated{joined}, {} unchanged; {} tagged{from_tags}", s.added, s.updated, s.unchanged, s.tagged));
    if s.retagged_for_ontology > 0 {
        lines.push(format!("             {} re-tagged for the new ontology version", s.retagged_for_ontology));
    }
    if s.ontology_loaded {
        lines.push("             ontology (re)loaded into its graph".to_string());
    }
    let compacted = if s.compacted { "; store compacted" } else { "" };
    lines.push(format!("  quads      {} inserted, {} removed{compacted}", s.quads_inserted, s.quads_removed));
    let stages: Vec<String> = s.stages.iter().map(|(n, t)| format!("{n} {t:.2}s")).collect();
    lines.push(format!("  time       {:.2}s ({})", started.elapsed().as_secs_f64(), stages.join(", ")));
    lines.push(format!("  wrote      {}  (query it: topicgraph query --store {} 'SELECT ...')", store.display(), store.display()));
    for l in lines {
        eprintln!("{l}");
    }
}
