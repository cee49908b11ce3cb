//! `topicgraph export`: a built graph in other formats: RDF, or a view of it as DOT, SVG,
//! GraphML, GEXF, node-link JSON, or a tidy CSV table.

use crate::cli::papers::{with_output, OutputFile};
use crate::cli::EXIT_OK;
use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;
use topicgraph::export::dot::{summary_line, write_dot};
use topicgraph::export::gexf::write_gexf;
use topicgraph::export::graphml::write_graphml;
use topicgraph::export::json::write_json;
use topicgraph::export::rdf::{default_graphs, export, export_chunks, RdfSyntax};
use topicgraph::export::select::{SelectSummary, Selection};
use topicgraph::export::svg::{render, RenderConfig};
use topicgraph::export::table::{concept_rows, entity_rows, write_table};
use topicgraph::export::trend::TrendConfig;
use topicgraph::export::view::{build_view, selection_graph, View, ViewConfig, ViewGraph, DRAWABLE_MAX_EDGES, DRAWABLE_MAX_NODES};
use topicgraph::export::GraphFormat;
use topicgraph::graph::{load_entities, load_graph_inputs};
use topicgraph::rdf::iri::{Graph, Iris};
use topicgraph::rdf::store;
use topicgraph::rdf::vocab::DEFAULT_BASE;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportKind {
    /// The RDF quads (see --format, --graph).
    Rdf,
    /// GraphViz DOT source of a view (render it with `dot -Tpng FILE`).
    Dot,
    /// SVG of a view, drawn by GraphViz's `dot` program (must be installed).
    Svg,
    /// GraphML with typed attributes (yEd, Cytoscape, Gephi, networkx).
    Graphml,
    /// GEXF 1.3 with typed attributes, colours and sizes (Gephi).
    Gexf,
    /// Node-link JSON (networkx `node_link_graph`, d3).
    Json,
    /// Tidy CSV for pandas/R: one row per (paper, concept) and per (paper, entity), with scores.
    Table,
}

impl ExportKind {
    fn graph_format(self) -> Option<GraphFormat> {
        match self {
            ExportKind::Rdf => None,
            ExportKind::Dot => Some(GraphFormat::Dot),
            ExportKind::Svg => Some(GraphFormat::Svg),
            ExportKind::Graphml => Some(GraphFormat::GraphMl),
            ExportKind::Gexf => Some(GraphFormat::Gexf),
            ExportKind::Json => Some(GraphFormat::Json),
            ExportKind::Table => Some(GraphFormat::Table),
        }
    }
}

#[derive(Args)]
#[command(after_help = "Examples:\n  \
    topicgraph export rdf --format turtle --out kg.ttl\n  \
    topicgraph export rdf --format nquads --graph all --with-runs | gzip > kg.nq.gz\n  \
    topicgraph export rdf --out dump/kg.nq.gz --chunk-quads 50000000   # dump/kg-00001.nq.gz, ... for QLever or Virtuoso\n  \
    topicgraph export dot --out map.dot && dot -Tpng map.dot -o map.png\n  \
    topicgraph export svg --since 2025-01 --category cs.CL --out map.svg\n  \
    topicgraph export svg --view ego --concept kv-cache --depth 2 --out kv-cache.svg\n  \
    topicgraph export gexf --max-nodes 300 --max-edges 2000 --out map.gexf   # open in Gephi\n  \
    topicgraph export graphml --view papers --concept mixture-of-experts --out moe.graphml\n  \
    topicgraph export table --since 2025 --out pairs.csv   # pandas.read_csv('pairs.csv')\n\n\
    Views: concepts (the concept map: concepts with the most papers, lines for co-occurrence\n\
    and skos:broader/related, boxes for top-level concepts, colour for trend), ego (one\n\
    --concept with its narrower, related, broader and co-occurring concepts and its top\n\
    papers), papers (papers linked by shared concepts), bipartite (a few papers and their\n\
    concepts). --concept narrows the other views to the papers of that concept and its\n\
    narrower ones.\n\n\
    Budgets: nodes are ranked (papers per concept; tag score, then newest paper) and cut at\n\
    --max-nodes; edges keep each node's strongest first, then the strongest overall, up to\n\
    --max-edges. What was cut is reported on stderr. dot and svg draw at most 150 nodes and\n\
    400 edges, whatever is asked, so GraphViz finishes; use graphml or gexf for more.\n\n\
    RDF: quad formats (nquads, trig) keep graph names; triple formats (turtle, ntriples,\n\
    rdfxml, jsonld) write the union of the selected graphs. By default every graph but the\n\
    bookkeeping ones (state, runs) is exported.")]
pub struct ExportArgs {
    /// What to export.
    pub kind: ExportKind,
    /// The store to read.
    #[arg(long, default_value = "output/store", value_name = "PATH")]
    pub store: PathBuf,
    /// Where to write (`-` is stdout).
    #[arg(long, short, default_value = "-", value_name = "FILE")]
    pub out: String,

    /// rdf: RDF syntax: turtle, ntriples, nquads, trig, jsonld, rdfxml. Default: from the
    /// --out extension, else nquads.
    #[arg(long, value_name = "FORMAT", help_heading = "RDF")]
    pub format: Option<RdfSyntax>,
    /// rdf: graphs to export by name (ontology, papers, annotations, provenance, analytics,
    /// state, runs) or `all`. Repeatable.
    #[arg(long = "graph", value_name = "NAME|all", help_heading = "RDF")]
    pub graphs: Vec<String>,
    /// rdf: include the runs graph (build records: times, host, command).
    #[arg(long, help_heading = "RDF")]
    pub with_runs: bool,
    /// rdf: write files of at most N quads each, every one a complete document: --out
    /// kg.nq.gz gives kg-00001.nq.gz, kg-00002.nq.gz, ... (for bulk loaders of very large
    /// datasets).
    #[arg(long, value_name = "N", help_heading = "RDF")]
    pub chunk_quads: Option<u64>,
    /// rdf: base IRI the store was built with.
    #[arg(long, default_value = DEFAULT_BASE, value_name = "IRI", help_heading = "RDF")]
    pub base: String,

    /// What to show: concepts, papers, bipartite, ego. Default: concepts.
    #[arg(long, value_name = "VIEW", help_heading = "Views")]
    pub view: Option<View>,
    /// The ego view's centre; other views keep only its papers (slug, IRI or label).
    #[arg(long, value_name = "ID", help_heading = "Views")]
    pub concept: Option<String>,
    /// Levels of narrower concepts under --concept (and co-occurrence hops in the ego view).
    #[arg(long, default_value_t = 1, value_name = "N", help_heading = "Views")]
    pub depth: u32,
    /// Keep papers dated on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE", help_heading = "Views")]
    pub since: Option<String>,
    /// Keep papers dated on or before DATE.
    #[arg(long, value_name = "DATE", help_heading = "Views")]
    pub until: Option<String>,
    /// Keep papers of this arXiv category, or of a whole archive (`cs`). Repeatable.
    #[arg(long = "category", value_name = "C", value_delimiter = ',', help_heading = "Views")]
    pub categories: Vec<String>,
    /// Node budget. Default per view: concepts 50, ego 40, papers 60, bipartite 60.
    #[arg(long, value_name = "N", help_heading = "Views")]
    pub max_nodes: Option<usize>,
    /// Edge budget. Default per view: concepts 120, ego 100, papers 150, bipartite 150.
    #[arg(long, value_name = "N", help_heading = "Views")]
    pub max_edges: Option<usize>,
    /// Drop edges not stronger than W: NPMI of co-occurring concepts, cosine of papers, tag
    /// score of paper-concept edges (SKOS links stay).
    #[arg(long, default_value_t = 0.0, value_name = "W", help_heading = "Views")]
    pub min_weight: f64,
    /// Papers the ego view shows at most.
    #[arg(long, default_value_t = 8, value_name = "N", help_heading = "Views")]
    pub top_papers: usize,
    /// Months of the recent window trend colours compare against the months before.
    #[arg(long, default_value_t = TrendConfig::default().window_months, value_name = "MONTHS", help_heading = "Views")]
    pub trend_window: u32,
    /// svg: stop GraphViz after this many seconds.
    #[arg(long, default_value_t = 60, value_name = "SECS", help_heading = "Views")]
    pub timeout: u64,
    /// svg: the GraphViz program to run.
    #[arg(long, default_value = "dot", value_name = "PROGRAM", help_heading = "Views")]
    pub graphviz: PathBuf,
}

pub fn run(args: ExportArgs) -> Result<u8> {
    match args.kind.graph_format() {
        None => run_rdf(args),
        Some(format) => run_graph(args, format),
    }
}

fn run_rdf(args: ExportArgs) -> Result<u8> {
    let iris = Iris::new(&args.base).map_err(anyhow::Error::msg)?;
    let syntax = match args.format {
        Some(f) => f,
        None => std::path::Path::new(args.out.strip_suffix(".gz").unwrap_or(&args.out)).extension().and_then(|e| RdfSyntax::from_extension(&e.to_string_lossy())).unwrap_or(RdfSyntax::NQuads),
    };
    let graphs = select_graphs(&args.graphs, args.with_runs)?;
    let kg = store::open_read_only(&args.store)?;
    let Some(per_chunk) = args.chunk_quads else {
        with_output(&args.out, |w| export(&kg, &iris, &graphs, syntax, w).map(|_| ()).context("exporting"))?;
        return Ok(EXIT_OK);
    };
    if args.out == "-" || per_chunk == 0 {
        bail!("--chunk-quads needs a positive N and a file name (--out kg.nq.gz names kg-00001.nq.gz, ...)");
    }
    let name = |i: u32| chunk_name(&args.out, i);
    let (quads, chunks) = export_chunks(&kg, &iris, &graphs, syntax, per_chunk, |i| OutputFile::create(&name(i)).map_err(std::io::Error::other), |f| f.finish().map_err(std::io::Error::other))
        .context("exporting")?;
    eprintln!("topicgraph export: {quads} quads in {chunks} file(s): {} .. {}", name(1), name(chunks));
    Ok(EXIT_OK)
}

/// `kg.nq.gz`, chunk 3 -> `kg-00003.nq.gz`: the number goes before the extensions.
fn chunk_name(out: &str, i: u32) -> String {
    let path = std::path::Path::new(out);
    let file = path.file_name().map_or(String::new(), |f| f.to_string_lossy().into_owned());
    let (stem, ext) = match file.find('.') {
        Some(0) | None => (file.as_str(), ""),
        Some(dot) => file.split_at(dot),
    };
    path.with_file_name(format!("{stem}-{i:05}{ext}")).display().to_string()
}

fn run_graph(args: ExportArgs, format: GraphFormat) -> Result<u8> {
    if args.format.is_some() || !args.graphs.is_empty() || args.with_runs {
        bail!("--format, --graph and --with-runs are options of `export rdf`; `export {format}` writes {format}");
    }
    if format == GraphFormat::Table && args.view.is_some() {
        bail!("`export table` has no views: it writes every (paper, concept) and (paper, entity) pair of the selection (narrow it with --concept, --since, --until, --category)");
    }
    let selection = Selection::new(args.since.as_deref(), args.until.as_deref(), args.categories.clone())?;
    let kg = store::open_read_only(&args.store)?;
    let (concepts, papers) = load_graph_inputs(&kg).with_context(|| format!("reading {}", args.store.display()))?;
    // Only the table has entity rows; the drawings and network files are of concepts.
    let entities = if format == GraphFormat::Table { load_entities(&kg).with_context(|| format!("reading the entities of {}", args.store.display()))? } else { Default::default() };
    drop(kg);
    let (papers, selected) = selection.apply(papers);
    let config = ViewConfig {
        view: args.view.unwrap_or(View::Concepts),
        concept: args.concept.clone(),
        depth: args.depth,
        max_nodes: args.max_nodes,
        max_edges: args.max_edges,
        min_weight: args.min_weight,
        top_papers: args.top_papers,
        drawable: format.drawn_by_graphviz(),
        trend: TrendConfig { window_months: args.trend_window.max(1), ..TrendConfig::default() },
        ..ViewConfig::default()
    };
    if format == GraphFormat::Table {
        let (graph, _) = selection_graph(concepts, papers, &config)?;
        let mut rows = concept_rows(&graph);
        let concept_pairs = rows.len();
        rows.extend(entity_rows(&graph, &entities));
        let entity_pairs = rows.len() - concept_pairs;
        with_output(&args.out, |w| write_table(rows, w).map(|_| ()).context("writing the table"))?;
        eprintln!("export table: {concept_pairs} (paper, concept) and {entity_pairs} (paper, entity) rows from {} papers{}", graph.papers().len(), selection_note(&selection, &selected));
        return Ok(EXIT_OK);
    }
    let view = build_view(concepts, papers, &config)?;
    match format {
        GraphFormat::Dot => with_output(&args.out, |w| write_dot(&view, w).context("writing DOT"))?,
        GraphFormat::Svg => {
            let mut dot = Vec::new();
            write_dot(&view, &mut dot)?;
            let svg = render(&dot, &RenderConfig { program: args.graphviz.clone(), format: "svg".into(), timeout: Duration::from_secs(args.timeout) })?;
            with_output(&args.out, |w| w.write_all(&svg).context("writing SVG"))?
        }
        GraphFormat::GraphMl => with_output(&args.out, |w| write_graphml(&view, w).context("writing GraphML"))?,
        GraphFormat::Gexf => with_output(&args.out, |w| write_gexf(&view, w).context("writing GEXF"))?,
        GraphFormat::Json => with_output(&args.out, |w| write_json(&view, w).context("writing JSON"))?,
        GraphFormat::Table => unreachable!("handled above"),
    }
    report(format, &view, &selection, &selected);
    Ok(EXIT_OK)
}

/// What the selection left out, for the stderr summary.
fn selection_note(selection: &Selection, s: &SelectSummary) -> String {
    if selection.is_everything() {
        return String::new();
    }
    let mut out = format!(" ({} of {} selected: {}", s.kept, s.read, selection.describe());
    if s.undated > 0 {
        out.push_str(&format!("; {} without a date left out", s.undated));
    }
    out.push(')');
    out
}

/// The summary on stderr: what is drawn and what the budgets cut.
fn report(format: GraphFormat, view: &ViewGraph, selection: &Selection, selected: &SelectSummary) {
    eprintln!("export {format} --view {}: {} papers{}", view.view, view.papers, selection_note(selection, selected));
    eprintln!("  drawn: {}", summary_line(view));
    if view.cut.is_cut() {
        let mut how = Vec::new();
        if view.cut.nodes.iter().any(|(_, kept, all)| kept < all) {
            how.push(format!("--max-nodes {}", view.cut.max_nodes));
        }
        if view.cut.edges_kept < view.cut.edge_candidates {
            how.push(format!("--max-edges {}", view.cut.max_edges));
        }
        eprintln!("  cut by the budget ({}); raise it to keep more", how.join(", "));
    }
    if view.cut.below_min_weight > 0 {
        eprintln!("  {} edge(s) at or below --min-weight left out", view.cut.below_min_weight);
    }
    if view.cut.clamped {
        eprintln!("  {format} draws at most {DRAWABLE_MAX_NODES} nodes and {DRAWABLE_MAX_EDGES} edges so GraphViz finishes; use graphml or gexf for larger graphs");
    }
    if let Some(w) = &view.trend_window {
        eprintln!("  trend colours: share of papers in {}..{} ({} papers) against before ({} papers)", w.from, w.to, w.recent_papers, w.before_papers);
    }
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
