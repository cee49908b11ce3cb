//! `topicgraph keyphrases table`: build the corpus table keyphrase extraction reads.

use crate::cli::papers::InputArgs;
use crate::cli::progress::StderrObserver;
use crate::cli::tag::map_records;
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::io::Write;
use topicgraph::extract::keyphrase::table::{count, TableBuilder};
use topicgraph::link::document::Document;

/// Keyphrase tooling (extraction itself runs in `tag`; its evaluation in `eval --keyphrases`).
#[derive(Args)]
pub struct KeyphrasesArgs {
    #[command(subcommand)]
    pub command: KeyphrasesCommand,
}

#[derive(Subcommand)]
pub enum KeyphrasesCommand {
    /// Count a corpus into the document-frequency and word-usage table (gzipped TSV) that
    /// keyphrase extraction reads; the bundled one is data/keyphrase-df.tsv.gz.
    Table(TableArgs),
}

#[derive(Args)]
#[command(after_help = "Example (regenerates the bundled table; rebuild afterwards to embed it):\n  \
    topicgraph keyphrases table ../shared/corpus/arxiv-daily/ --out data/keyphrase-df.tsv.gz\n\n\
    Rows: `s<TAB>stem-key<TAB>papers` for every atom stem key used by at least --min-df papers, and \
    `w<TAB>form<TAB>det<TAB>verb<TAB>cap<TAB>lower` for word forms seen at least --min-usage times \
    after a determiner, after a verb context (we, to, can, which, ...), or mid-sentence. Sorted: \
    the same corpus gives the same bytes.")]
pub struct TableArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Where to write the table (gzipped when the name ends in .gz).
    #[arg(long, short, value_name = "FILE")]
    pub out: String,
    /// Keep stem keys used by at least this many papers (rarer ones get the largest IDF).
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub min_df: u32,
    /// Keep word forms seen at least this many times in a counted context.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub min_usage: u32,
}

pub fn run(args: KeyphrasesArgs) -> Result<u8> {
    match args.command {
        KeyphrasesCommand::Table(a) => table(a),
    }
}

fn table(args: TableArgs) -> Result<u8> {
    let mut observer = StderrObserver::new(args.input.quiet);
    let mut builder = TableBuilder::new();
    let summary = map_records(&args.input, crate::cli::tag::BATCH, &mut observer, |p| count(&Document::new(p)), |batch| {
        for c in batch {
            builder.add(c);
        }
        Ok(())
    })?;
    observer.finish();
    let source = args.input.inputs.join(" ");
    let tmp = format!("{}.tmp", args.out);
    let file = std::fs::File::create(&tmp).with_context(|| format!("creating {tmp}"))?;
    let mut w: Box<dyn Write> = if args.out.ends_with(".gz") {
        Box::new(flate2::write::GzEncoder::new(std::io::BufWriter::new(file), flate2::Compression::best()))
    } else {
        Box::new(std::io::BufWriter::new(file))
    };
    let (stems, words) = builder.write(&mut w, args.min_df, args.min_usage, &source)?;
    drop(w);
    std::fs::rename(&tmp, &args.out).with_context(|| format!("writing {}", args.out))?;
    if !args.input.quiet {
        crate::cli::papers::print_summary("keyphrases table", &summary, &observer);
        eprintln!("{}: {} papers, {stems} stem keys (min-df {}), {words} word forms (min-usage {})", args.out, builder.docs, args.min_df, args.min_usage);
    }
    Ok(args.input.exit_code(&summary))
}
