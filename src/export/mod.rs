//! Exports of a built graph.
//!
//! - [`rdf`]: the store's quads in the standard RDF syntaxes (entry point [`rdf::export`]).
//! - Drawings and network files: [`select::Selection`] picks the papers (dates, categories),
//!   [`view::build_view`] turns them, through the petgraph [`crate::graph::KnowledgeGraph`],
//!   into a [`view::ViewGraph`] within a node and edge budget, and one module per format
//!   writes it: [`dot`] (GraphViz), [`svg`] (the DOT rendered by GraphViz's `dot` program),
//!   [`graphml`], [`gexf`] (Gephi, yEd, Cytoscape) and [`json`] (node-link JSON).
//! - [`table`]: papers x concepts and papers x entities as tidy CSV for pandas and R.
//!
//! [`trend`] holds the small rising/falling signal drawings are coloured by. Every writer
//! is deterministic: the same store and options give the same bytes.

pub mod dot;
pub mod gexf;
pub mod graphml;
pub mod json;
pub mod rdf;
pub mod select;
pub mod style;
pub mod svg;
pub mod table;
pub mod trend;
pub mod view;
mod xml;

use crate::graph::GraphError;

/// The non-RDF export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum GraphFormat {
    /// GraphViz DOT source.
    Dot,
    /// SVG drawn by GraphViz's `dot` program.
    Svg,
    /// GraphML with typed keys (yEd, Cytoscape, Gephi, networkx).
    GraphMl,
    /// GEXF 1.3 with typed attributes and viz colours and sizes (Gephi).
    Gexf,
    /// Node-link JSON (networkx `node_link_graph`, d3).
    Json,
    /// Tidy CSV: one row per (paper, concept).
    Table,
}

impl GraphFormat {
    pub const ALL: [GraphFormat; 6] = [GraphFormat::Dot, GraphFormat::Svg, GraphFormat::GraphMl, GraphFormat::Gexf, GraphFormat::Json, GraphFormat::Table];

    pub fn name(self) -> &'static str {
        match self {
            GraphFormat::Dot => "dot",
            GraphFormat::Svg => "svg",
            GraphFormat::GraphMl => "graphml",
            GraphFormat::Gexf => "gexf",
            GraphFormat::Json => "json",
            GraphFormat::Table => "table",
        }
    }

    /// Whether GraphViz lays the output out, so the drawable limits apply
    /// ([`view::DRAWABLE_MAX_NODES`], [`view::DRAWABLE_MAX_EDGES`]).
    pub fn drawn_by_graphviz(self) -> bool {
        matches!(self, GraphFormat::Dot | GraphFormat::Svg)
    }
}

impl std::fmt::Display for GraphFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for GraphFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.to_ascii_lowercase();
        GraphFormat::ALL.into_iter().find(|f| f.name() == s || (s == "csv" && *f == GraphFormat::Table) || (s == "gv" && *f == GraphFormat::Dot)).ok_or_else(|| {
            let names: Vec<&str> = GraphFormat::ALL.iter().map(|f| f.name()).collect();
            format!("unknown export format {s:?}; formats are rdf, {}", names.join(", "))
        })
    }
}

/// A number for a file: at most six decimals, trailing zeros removed (`0.5`, `1`, `0.333333`),
/// so the same value always prints the same.
pub(crate) fn decimal(x: f64) -> String {
    if !x.is_finite() {
        return "0".into();
    }
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// What can go wrong selecting, building or writing a drawing or table.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GraphExportError {
    #[error(transparent)]
    Graph(#[from] GraphError),
    #[error("not a date {given:?}: use YYYY, YYYY-MM or YYYY-MM-DD")]
    BadDate { given: String },
    #[error("the {view} view needs a concept (--concept ID)")]
    NeedsConcept { view: &'static str },
    #[error("writing: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Render(#[from] svg::RenderError),
}
