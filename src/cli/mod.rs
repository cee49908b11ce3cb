//! Command-line interface: clap types, argument resolution, and everything that prints.
//! The work itself is done by the library; each subcommand lives in its own file.
//!
//! Exit codes, the same for every command: 0 the run completed (rejected records are counted
//! in the summary, not an error); 1 a fatal error; 2 `--strict` stopped at a bad record;
//! 3 records were rejected and `--fail-on-reject` was given.

mod bench;
mod build;
mod eval;
mod export;
mod fetch;
mod graph;
mod keyphrases;
mod ner;
mod ontology;
mod papers;
mod progress;
mod query;
mod serve;
mod tag;
mod topic;
mod trends;
mod update;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

pub const EXIT_OK: u8 = 0;
pub const EXIT_FATAL: u8 = 1;
pub const EXIT_STRICT: u8 = 2;
pub const EXIT_REJECTED: u8 = 3;

#[derive(Parser)]
#[command(
    name = "topicgraph",
    version,
    about = "Turn research papers into a knowledge graph of research topics",
    long_about = "Turn research papers into a knowledge graph of research topics.\n\n\
        Reads paper metadata from the sources people have (Hugging Face daily papers, arXiv \
        API / OAI-PMH / snapshots, OpenAlex, Semantic Scholar, BibTeX, RIS, Web of Science, \
        ACL Anthology XML) and turns it into one clean, deduplicated stream of papers.",
    after_help = "Exit codes: 0 completed (rejected records are counted, not fatal), 1 fatal error, \
        2 --strict stopped at a bad record, 3 records rejected with --fail-on-reject."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read papers from any supported source; write canonical JSON Lines.
    Papers(papers::PapersArgs),
    /// Fetch papers from a live service (arXiv, HF daily papers, OpenAlex, Semantic Scholar).
    Fetch(fetch::FetchArgs),
    /// Build the knowledge graph (ingest, tag, store): the bundled example by default.
    Build(build::BuildArgs),
    /// Follow live sources: fetch what is new since the last run, build it, refresh reports.
    Update(update::UpdateArgs),
    /// Link papers to ontology concepts, with evidence.
    Tag(tag::TagArgs),
    /// Show how one paper was tagged: marked text, evidence, rejected candidates.
    Explain(tag::ExplainArgs),
    /// Export a built graph: RDF, or drawings and tables (DOT, SVG, GraphML, GEXF, JSON, CSV).
    Export(export::ExportArgs),
    /// Precision, recall and F1 against a gold standard.
    Eval(eval::EvalArgs),
    /// Count how many papers of a corpus mention each concept (for --stats).
    Stats(tag::StatsArgs),
    /// Keyphrase tooling: build the corpus table keyphrase extraction reads.
    Keyphrases(keyphrases::KeyphrasesArgs),
    /// Validate or summarise an ontology.
    Ontology(ontology::OntologyArgs),
    /// Speed benchmarks.
    Bench(bench::BenchArgs),
    /// The supervised entity tagger: train, evaluate, cross-validate, tag.
    Ner(ner::NerArgs),
    /// Knowledge-graph analytics over the store: stats, related concepts, similar papers, paths.
    Graph(graph::GraphArgs),
    /// Run a SPARQL query on the knowledge graph.
    Query(query::QueryArgs),
    /// Serve the knowledge graph: a SPARQL endpoint and a query page.
    Serve(serve::ServeArgs),
    /// Topic trends over time: shares, growth, bursts, lifecycle (md, html, csv, json).
    Trends(trends::TrendsArgs),
    /// The brief on one topic: trend, key papers, authors, neighbours, entities.
    Topic(topic::TopicArgs),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Papers(args) => papers::run(args),
        Command::Fetch(args) => fetch::run(args),
        Command::Build(args) => build::run(args),
        Command::Update(args) => update::run(args),
        Command::Tag(args) => tag::run(args),
        Command::Explain(args) => tag::explain(args),
        Command::Export(args) => export::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Stats(args) => tag::stats(args),
        Command::Keyphrases(args) => keyphrases::run(args),
        Command::Ontology(args) => ontology::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Ner(args) => ner::run(args),
        Command::Graph(args) => graph::run(args),
        Command::Query(args) => query::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Trends(args) => trends::run(args),
        Command::Topic(args) => topic::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) if is_broken_pipe(&e) => ExitCode::from(EXIT_OK), // `| head` closed the pipe
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(if stopped_by_strict(&e) { EXIT_STRICT } else { EXIT_FATAL })
        }
    }
}

/// Whether `--strict` stopped the run at a bad record (exit code 2), wherever the read ran.
fn stopped_by_strict(e: &anyhow::Error) -> bool {
    use topicgraph::build::BuildError;
    use topicgraph::ingest::IngestError;
    e.chain().any(|c| {
        let ingest = c.downcast_ref::<IngestError>().or_else(|| match c.downcast_ref::<BuildError>() {
            Some(BuildError::Ingest(i)) => Some(i),
            _ => None,
        });
        matches!(ingest, Some(IngestError::Strict { .. }))
    })
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<topicgraph::ingest::IngestError>().is_some_and(|ie| matches!(ie, topicgraph::ingest::IngestError::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe))
    })
}
