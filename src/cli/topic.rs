//! `topicgraph topic`: the brief on one concept.

use crate::cli::papers::with_output;
use crate::cli::trends::{format_of, CorpusArgs};
use anyhow::{bail, Result};
use clap::Args;
use topicgraph::model::PartialDate;
use topicgraph::report::topic::{brief, write_html, write_markdown};
use topicgraph::report::{Granularity, ReportFormat, TopicConfig, TrendConfig};

/// Everything about one topic: trend and share, newest and most central papers, most active
/// authors, co-occurring and rising neighbours, the entities its papers use.
#[derive(Args)]
#[command(after_help = "Examples:\n  \
    topicgraph topic kv-cache                               # from the built store, Markdown on stdout\n  \
    topicgraph topic kv-cache --since 2025-10 --out kv-cache.html\n  \
    topicgraph topic \"mixture of experts\" ../shared/corpus/arxiv-daily/ --category cs.LG --format md\n\n\
    Each count in the HTML opens the papers behind it, with the tag's evidence (the quoted\n\
    mention, its field and rule, and the score).")]
pub struct TopicArgs {
    /// The concept: id (`kv-cache`), label (`KV cache`) or IRI.
    pub concept: String,
    #[command(flatten)]
    pub corpus: CorpusArgs,
    /// Period length of the trend: week, month, quarter or year.
    #[arg(long, default_value = "month", value_name = "week|month|quarter|year")]
    pub by: Granularity,
    /// md, html or json. Default: from the --out extension, else md.
    #[arg(long, value_name = "md|html|json")]
    pub format: Option<ReportFormat>,
    /// Where to write (`-` is stdout).
    #[arg(long, short, default_value = "-", value_name = "FILE")]
    pub out: String,
    /// Papers needed before growth, lifecycle and bursts are reported.
    #[arg(long, default_value_t = TrendConfig::default().min_count, value_name = "N")]
    pub min_count: u32,
    /// Periods per growth window (default: a third of the complete periods).
    #[arg(long, value_name = "N")]
    pub window: Option<usize>,
    /// The data's date (default: the latest day-precise date in the input).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<PartialDate>,
}

pub fn run(args: TopicArgs) -> Result<u8> {
    let format = format_of(args.format, &args.out);
    if format == ReportFormat::Csv {
        bail!("the topic brief is md, html or json (for CSV: topicgraph trends --concepts {} --format csv)", args.concept);
    }
    let corpus = args.corpus.load("topic", true)?;
    let config = TopicConfig {
        trend: TrendConfig { by: args.by, basis: args.corpus.date, min_count: args.min_count, window: args.window, as_of: args.as_of, since: args.corpus.since, until: args.corpus.until, ..Default::default() },
        ..Default::default()
    };
    let b = brief(&corpus, &args.concept, &config)?;
    let bytes = match format {
        ReportFormat::Html => write_html(&b, &corpus).into_bytes(),
        ReportFormat::Json => {
            let mut v = serde_json::to_vec_pretty(&b)?;
            v.push(b'\n');
            v
        }
        _ => write_markdown(&b, &corpus).into_bytes(),
    };
    with_output(&args.out, |w| Ok(w.write_all(&bytes)?))?;
    if !args.corpus.quiet {
        eprintln!("  topic      {} ({}): {} papers of {} counted", b.label, b.id, b.papers, b.coverage.counted);
        if args.out != "-" {
            eprintln!("  wrote      {} ({format})", args.out);
        }
    }
    Ok(crate::cli::EXIT_OK)
}
