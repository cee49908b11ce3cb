//! `topicgraph trends`: how topics rise and fall over time, from a store or from papers
//! read and tagged in memory.

use crate::cli::papers::{print_summary, with_output};
use crate::cli::progress::StderrObserver;
use crate::cli::tag::{map_papers, LinkArgs};
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use topicgraph::ingest::{InputFormat, ReadConfig};
use topicgraph::model::PartialDate;
use topicgraph::rdf::sidecar::PaperDigest;
use topicgraph::report::corpus::prepare;
use topicgraph::report::{compute, csv, html, json, markdown, store, Corpus, CorpusBuilder, DateBasis, Granularity, ReportFormat, Selection, TrendConfig, TrendReport};

/// Where the papers of a report come from, and which of them count. Shared by `trends` and
/// `topic`.
#[derive(Args, Clone)]
pub struct CorpusArgs {
    /// Papers to read and tag in memory (files, folders, `-`; any supported format). None:
    /// read the store that `build` wrote.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// The store to read when no INPUT is given.
    #[arg(long, default_value = "output/store", value_name = "PATH")]
    pub store: PathBuf,
    /// Keep papers of these arXiv categories (`cs.CL`) or archives (`cs`): any of a paper's
    /// categories may match. Repeatable, or comma-separated.
    #[arg(long = "category", value_name = "C", value_delimiter = ',')]
    pub categories: Vec<String>,
    /// Match --category against each paper's primary category only (the first listed, as
    /// arXiv's listings count it), not any of its cross-lists.
    #[arg(long)]
    pub primary_category: bool,
    /// First day, month or year to count (YYYY, YYYY-MM, YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub since: Option<PartialDate>,
    /// Last day, month or year to count.
    #[arg(long, value_name = "DATE")]
    pub until: Option<PartialDate>,
    /// Which date places a paper: `published` (its own: first version, or the month its
    /// arXiv id encodes) or `listed` (HF daily listing, crawl date).
    #[arg(long, default_value = "published", value_name = "published|listed")]
    pub date: DateBasis,
    /// Input format of INPUT; `auto` detects it per file.
    #[arg(long, default_value = "auto", value_name = "FORMAT")]
    pub input_format: InputFormat,
    /// Date of a saved HF daily-papers listing, when its file name has none.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub listing_date: Option<PartialDate>,
    /// Do not merge duplicate records of INPUT (faster; a paper listed twice counts twice).
    #[arg(long)]
    pub no_merge: bool,
    #[command(flatten)]
    pub link: LinkArgs,
    /// Print only errors.
    #[arg(long, short)]
    pub quiet: bool,
}

impl CorpusArgs {
    pub fn selection(&self) -> Selection {
        Selection { categories: self.categories.clone(), primary: self.primary_category, since: self.since, until: self.until, basis: self.date }
    }

    /// Read the corpus: INPUT read and tagged in memory (in parallel, only the selected
    /// papers are tagged), else the store. `brief` also reads from a store what only the topic
    /// brief shows: each tag's quoted evidence and each paper's entities (papers tagged in
    /// memory always carry both).
    pub fn load(&self, command: &str, brief: bool) -> Result<Corpus> {
        let selection = self.selection();
        if self.inputs.is_empty() {
            let kg = topicgraph::rdf::store::open_read_only(&self.store)?;
            let source = self.store.display().to_string();
            if brief {
                return store::load_corpus(&kg, &selection, true, &source).with_context(|| format!("reading {source}"));
            }
            let (corpus, from) = store::trend_corpus(&kg, &selection, &source).with_context(|| format!("reading {source}"))?;
            if !self.quiet {
                eprintln!("  papers     read {from}");
            }
            return Ok(corpus);
        }
        // Trends read concepts and keyphrases; entities only the brief shows.
        let linker = if brief { self.link.linker()? } else { LinkArgs { no_entities: true, ..self.link.clone() }.linker()? };
        let ontology = linker.ontology();
        let mut builder = CorpusBuilder::from_ontology(ontology, self.inputs.join(" "));
        let cfg = ReadConfig { format: self.input_format, listing_date: self.listing_date, merge: !self.no_merge, ..Default::default() };
        let mut observer = StderrObserver::new(self.quiet);
        let summary = map_papers(&self.inputs, &cfg, crate::cli::tag::BATCH, &mut observer, |p| prepare(p, &selection, ontology, |p| linker.tag(p)), |batch| {
            batch.into_iter().for_each(|p| builder.push(p));
            Ok(())
        })?;
        observer.finish();
        if !self.quiet {
            print_summary(command, &summary, &observer);
        }
        Ok(builder.finish())
    }
}

/// Topic trends over time.
#[derive(Args)]
#[command(after_help = "Examples:\n  \
    topicgraph trends                                      # the built store (output/store), Markdown on stdout\n  \
    topicgraph trends --out trends.html                    # one self-contained HTML file (format from the extension)\n  \
    topicgraph trends --by quarter --format csv --out trends.csv\n  \
    topicgraph trends ../shared/corpus/arxiv-daily/2025-*.jsonl.gz --category cs.CL,cs.LG --out t.html\n  \
    topicgraph trends --concepts kv-cache,mixture-of-experts --since 2025-01 --by week\n\n\
    Shares are papers of a concept over all papers of the period (uneven crawls stay comparable).\n\
    CSV columns: period,concept,label,papers,period_total,share,partial,growth,burst,lifecycle\n\
    (one row per period and concept; share a fraction). --by week counts only day-precise dates\n\
    and says how many papers it left out. Growth: recent window over the previous one, at least\n\
    --min-count papers; bursts: Kleinberg's two-state automaton; lifecycle: emerging, growing,\n\
    stable, declining (or sparse).")]
pub struct TrendsArgs {
    #[command(flatten)]
    pub corpus: CorpusArgs,
    /// Period length: week (ISO weeks), month, quarter or year.
    #[arg(long, default_value = "month", value_name = "week|month|quarter|year")]
    pub by: Granularity,
    /// Concepts to chart and tabulate (ids or labels). Repeatable, or comma-separated.
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    pub concepts: Vec<String>,
    /// Concepts in the tables, most papers first (0: all). Default 25 for md/html, all for
    /// csv/json.
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    /// md, html, csv or json. Default: from the --out extension, else md.
    #[arg(long, value_name = "md|html|csv|json")]
    pub format: Option<ReportFormat>,
    /// Where to write (`-` is stdout).
    #[arg(long, short, default_value = "-", value_name = "FILE")]
    pub out: String,
    /// Papers needed before growth, lifecycle, bursts, pairs and terms are reported.
    #[arg(long, default_value_t = TrendConfig::default().min_count, value_name = "N")]
    pub min_count: u32,
    /// Periods per growth window (default: a third of the complete periods).
    #[arg(long, value_name = "N")]
    pub window: Option<usize>,
    /// The data's date (default: the latest day-precise date in the input); decides whether
    /// the last period is partial.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<PartialDate>,
    /// Title of the report.
    #[arg(long, default_value = "Topic trends")]
    pub title: String,
}

pub fn format_of(format: Option<ReportFormat>, out: &str) -> ReportFormat {
    format.or_else(|| ReportFormat::from_extension(out)).unwrap_or(ReportFormat::Markdown)
}

pub fn config(args: &TrendsArgs, format: ReportFormat) -> TrendConfig {
    let default_top = if matches!(format, ReportFormat::Csv | ReportFormat::Json) { 0 } else { TrendConfig::default().top };
    TrendConfig {
        by: args.by,
        basis: args.corpus.date,
        concepts: args.concepts.clone(),
        top: args.top.unwrap_or(default_top),
        min_count: args.min_count,
        window: args.window,
        as_of: args.as_of,
        since: args.corpus.since,
        until: args.corpus.until,
        ..Default::default()
    }
}

/// The report in `format`, as bytes.
pub fn render(report: &TrendReport, corpus: &Corpus, format: ReportFormat, title: &str) -> Result<Vec<u8>> {
    Ok(match format {
        ReportFormat::Markdown => markdown::write_markdown(report, corpus, title).into_bytes(),
        ReportFormat::Html => html::write_html(report, corpus, title).into_bytes(),
        ReportFormat::Csv => {
            let mut buf = Vec::new();
            csv::write_csv(report, &mut buf)?;
            buf
        }
        ReportFormat::Json => {
            let mut buf = serde_json::to_vec_pretty(&json::to_json(report, corpus))?;
            buf.push(b'\n');
            buf
        }
    })
}

/// One line on stderr: what was counted, what was left out.
pub fn print_counts(report: &TrendReport) {
    let c = &report.coverage;
    let mut line = format!("  counted    {} paper(s) in {} {}(s)", c.counted, report.periods.len(), report.by);
    if let (Some(a), Some(b)) = (report.periods.first(), report.periods.last()) {
        line.push_str(&format!(", {} to {}{}", a.label, b.label, if b.partial { " (partial)" } else { "" }));
    }
    eprintln!("{line}");
    let out = html::left_out(report);
    if !out.is_empty() {
        eprintln!("  left out   {}", out.join("; "));
    }
    if report.by == Granularity::Week && c.imprecise > 0 {
        eprintln!("  note       --by week counts only papers with a day-precise date: {} left out (use --by month, or --date listed)", c.imprecise);
    }
    if !report.unknown_concepts.is_empty() {
        eprintln!("  unknown    {}", report.unknown_concepts.join(", "));
    }
}

pub fn run(args: TrendsArgs) -> Result<u8> {
    let format = format_of(args.format, &args.out);
    let corpus = args.corpus.load("trends", false)?;
    let report = compute(&corpus, &config(&args, format));
    let bytes = render(&report, &corpus, format, &args.title)?;
    with_output(&args.out, |w| Ok(w.write_all(&bytes)?))?;
    if !args.corpus.quiet {
        print_counts(&report);
        if args.out != "-" {
            eprintln!("  wrote      {} ({format})", args.out);
        }
    }
    Ok(crate::cli::EXIT_OK)
}

/// Write `DIR/trends.html` and `DIR/trends.md` from a store (what `build` does after
/// writing it). Returns the paths written.
pub fn write_next_to_store(kg: &oxigraph::store::Store, digests: &[PaperDigest], dir: &std::path::Path, source: &str) -> Result<Vec<PathBuf>> {
    let (infos, _) = topicgraph::graph::load_concepts(kg)?;
    let corpus = store::corpus_from_digests(kg, infos, digests, &Selection::default(), None, source)?;
    let report = compute(&corpus, &TrendConfig::default());
    let mut written = Vec::new();
    for (name, format) in [("trends.html", ReportFormat::Html), ("trends.md", ReportFormat::Markdown)] {
        let path = dir.join(name);
        let bytes = render(&report, &corpus, format, "Topic trends")?;
        with_output(&path.display().to_string(), |w| Ok(w.write_all(&bytes)?))?;
        written.push(path);
    }
    Ok(written)
}
