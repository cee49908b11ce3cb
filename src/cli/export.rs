//! `topicgraph export`: a built graph in other formats.

use crate::cli::papers::with_output;
use crate::cli::EXIT_OK;
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use topicgraph::export::rdf::{default_graphs, export, RdfSyntax};
use topicgraph::rdf::iri::{Graph, Iris};
use topicgraph::rdf::store;
use topicgraph::rdf::vocab::DEFAULT_BASE;

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportKind {
    /// The RDF quads (see --format, --graph).
    Rdf,
}

#[derive(Args)]
#[command(after_help = "Examples:\n  \
    topicgraph export rdf --format turtle --out kg.ttl\n  \
    topicgraph export rdf --format nquads --graph all --with-runs | gzip > kg.nq.gz\n  \
    topicgraph export rdf --graph ontology --format rdfxml\n\n\
    Quad formats (nquads, trig) keep graph names; triple formats (turtle, ntriples, rdfxml,\n\
    jsonld) write the union of the selected graphs. By default every graph but the\n\
    bookkeeping ones (state, runs) is exported.")]
pub struct ExportArgs {
    /// What to export.
    pub kind: ExportKind,
    /// The store to read.
    #[arg(long, default_value = "output/store", value_name = "PATH")]
    pub store: PathBuf,
    /// RDF syntax: turtle, ntriples, nquads, trig, jsonld, rdfxml. Default: from the --out
    /// extension, else nquads.
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<RdfSyntax>,
    /// Graphs to export by name (ontology, papers, annotations, provenance, analytics,
    /// state, runs) or `all`. Repeatable.
    #[arg(long = "graph", value_name = "NAME|all")]
    pub graphs: Vec<String>,
    /// Include the runs graph (build records: times, host, command).
    #[arg(long)]
    pub with_runs: bool,
    /// Base IRI the store was built with.
    #[arg(long, default_value = DEFAULT_BASE, value_name = "IRI")]
    pub base: String,
    /// Where to write (`-` is stdout).
    #[arg(long, short, default_value = "-", value_name = "FILE")]
    pub out: String,
}

pub fn run(args: ExportArgs) -> Result<u8> {
    let ExportKind::Rdf = args.kind;
    let iris = Iris::new(&args.base).map_err(anyhow::Error::msg)?;
    let syntax = match args.format {
        Some(f) => f,
        None => std::path::Path::new(&args.out).extension().and_then(|e| RdfSyntax::from_extension(&e.to_string_lossy())).unwrap_or(RdfSyntax::NQuads),
    };
    let graphs = select_graphs(&args.graphs, args.with_runs)?;
    let kg = store::open_read_only(&args.store)?;
    with_output(&args.out, |w| export(&kg, &iris, &graphs, syntax, w).map(|_| ()).context("exporting"))?;
    Ok(EXIT_OK)
}

fn select_graphs(names: &[String], with_runs: bool) -> Result<Vec<Graph>> {
    if names.is_empty() {
        return Ok(default_graphs(with_runs));
    }
    if names.iter().any(|n| n == "all") {
        return Ok(Graph::ALL.to_vec());
    }
    let mut out: Vec<Graph> = Vec::new();
    for n in names {
        let g: Graph = n.parse().map_err(anyhow::Error::msg)?;
        if !out.contains(&g) {
            out.push(g);
        }
    }
    Ok(out)
}
