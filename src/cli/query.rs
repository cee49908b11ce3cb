//! `topicgraph query`: run one SPARQL query against the store and print the results.

use crate::cli::papers::with_output;
use crate::cli::{EXIT_FATAL, EXIT_OK};
use anyhow::{bail, Context, Result};
use clap::Args;
use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::time::Duration;
use topicgraph::rdf::store::open_read_only;
use topicgraph::sparql::{self, QueryOptions, ResultFormat, ResultKind, SparqlError};

/// Run a SPARQL query on the knowledge graph.
#[derive(Args)]
#[command(after_help = "Examples:\n  \
    topicgraph query 'SELECT ?c ?label WHERE { ?c a skos:Concept ; skos:prefLabel ?label } LIMIT 10'\n  \
    topicgraph query -f queries/top-concepts.rq --format csv --out top.csv\n  \
    topicgraph query 'CONSTRUCT WHERE { ?c skos:broader ?b }' --format turtle\n  \
    echo 'ASK { ?p a schema:ScholarlyArticle }' | topicgraph query -f -\n  \
    topicgraph query -f examples/queries/06-authors-most-active-on-moe.rq --explain\n\n\
    Prefixes declared for every query: rdf rdfs xsd owl skos dcterms schema prov oa dcat tg tgc tgd\n\
    (a query may redeclare them). The default graph is the union of all named graphs, unless\n\
    the query names graphs with FROM / FROM NAMED.\n\n\
    Formats: table (the default on a terminal: aligned columns, shortened IRIs, a row count);\n\
    json, xml, csv, tsv for SELECT and ASK (tsv is the default when the output is not a\n\
    terminal: one row per line, for pipes); turtle, ntriples, rdfxml, jsonld for CONSTRUCT and\n\
    DESCRIBE (ntriples is the default when the output is not a terminal). With --out, a known\n\
    extension (.json .xml .csv .tsv .ttl .nt .rdf .jsonld .txt) picks the format.")]
pub struct QueryArgs {
    /// The SPARQL query.
    #[arg(value_name = "QUERY", required_unless_present = "file", conflicts_with = "file")]
    pub query: Option<String>,
    /// Read the query from a file (`-` is stdin).
    #[arg(long, short = 'f', value_name = "FILE.rq")]
    pub file: Option<String>,
    /// The store `topicgraph build` wrote.
    #[arg(long, default_value = "output/store", value_name = "PATH")]
    pub store: PathBuf,
    /// Result format (see below); the default depends on where the output goes.
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<ResultFormat>,
    /// Stop the query after this many seconds (default: no limit).
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
    /// Where to write the results (`-` is stdout).
    #[arg(long, short, default_value = "-", value_name = "FILE")]
    pub out: String,
    /// Instead of the results, print how the query ran: each step of oxigraph's plan with
    /// the rows it produced and its time (the query runs to the end; results are counted,
    /// not written). `--format json` gives the plan as JSON.
    #[arg(long)]
    pub explain: bool,
}

pub fn run(args: QueryArgs) -> Result<u8> {
    let text = match (&args.query, args.file.as_deref()) {
        (Some(q), _) => q.clone(),
        (None, Some("-")) => {
            let mut q = String::new();
            std::io::stdin().read_to_string(&mut q).context("reading the query from stdin")?;
            q
        }
        (None, Some(path)) => std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?,
        (None, None) => bail!("give a query or -f FILE"),
    };
    let timeout = match args.timeout {
        Some(s) if s.is_finite() && s > 0.0 => Some(Duration::from_secs_f64(s)),
        Some(s) => bail!("--timeout must be a positive number of seconds, got {s}"),
        None => None,
    };
    let store = open_read_only(&args.store)?;
    let options = QueryOptions { timeout, ..Default::default() };
    if args.explain {
        return explain(&store, &text, &options, &args);
    }
    let terminal = args.out == "-" && std::io::stdout().is_terminal();
    let written = sparql::evaluate(&store, &text, &options).map_err(anyhow::Error::from).and_then(|evaluation| {
        let format = args.format.unwrap_or_else(|| default_format(evaluation.kind(), &args.out, terminal));
        with_output(&args.out, |w| Ok(evaluation.write(format, w, None)?.1))
    });
    finish(written.map(|_| ()), &text)
}

/// `--explain`: the plan as a tree (or JSON with `--format json`).
fn explain(store: &oxigraph::store::Store, text: &str, options: &QueryOptions, args: &QueryArgs) -> Result<u8> {
    let json = match args.format {
        Some(ResultFormat::Json) => true,
        None | Some(ResultFormat::Table) => false,
        Some(other) => bail!("--explain writes a text tree, or JSON with --format json, not {other}"),
    };
    let plan = sparql::explain(store, text, options).map_err(anyhow::Error::from).and_then(|e| {
        with_output(&args.out, |w| {
            if json {
                serde_json::to_writer_pretty(&mut *w, &e).map_err(std::io::Error::from)?;
                writeln!(w)?;
            } else {
                w.write_all(e.to_text().as_bytes())?;
            }
            Ok(())
        })
    });
    finish(plan, text)
}

fn finish(done: Result<()>, text: &str) -> Result<u8> {
    match done {
        Ok(()) => Ok(EXIT_OK),
        Err(e) => match e.downcast_ref::<SparqlError>() {
            // A syntax error shows the user's line with a caret, then the hint.
            Some(syntax @ SparqlError::Syntax { .. }) => {
                eprintln!("error: {syntax}");
                if let Some(explained) = syntax.explain(text) {
                    eprintln!("{explained}");
                }
                Ok(EXIT_FATAL)
            }
            _ => Err(e),
        },
    }
}

/// Table for people; for files the format their extension names; line-based formats for
/// pipes.
fn default_format(kind: ResultKind, out: &str, terminal: bool) -> ResultFormat {
    let by_extension = std::path::Path::new(out).extension().and_then(|e| ResultFormat::from_extension(&e.to_string_lossy()));
    match (terminal, kind) {
        _ if by_extension.is_some_and(|f| f.fits(kind)) => by_extension.expect("checked"),
        (true, _) => ResultFormat::Table,
        (false, ResultKind::Graph) => ResultFormat::NTriples,
        (false, _) => ResultFormat::Tsv,
    }
}
