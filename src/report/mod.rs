//! Reports: topic trends over time and the brief on one topic.
//!
//! Entry points: [`trends::compute`] (a [`TrendReport`] from a [`Corpus`] and a
//! [`TrendConfig`]) and [`topic::brief`] (a [`TopicBrief`] on one concept). A corpus comes
//! from tagged papers in memory ([`corpus::prepare`] + [`CorpusBuilder`]) or from a built
//! store ([`store::load_corpus`]). Writers turn reports into CSV ([`csv`]), JSON ([`json`]),
//! Markdown ([`markdown`]) and one self-contained HTML file with inline SVG charts ([`html`]).
//!
//! Everything is deterministic: papers keep their input (or store) order, every ranking
//! breaks ties by id, and no hash-map order reaches the output.

pub mod burst;
mod cooccur;
pub mod corpus;
pub mod csv;
pub mod emerging;
pub mod html;
pub mod json;
pub mod markdown;
pub mod period;
pub mod store;
mod svg;
pub mod topic;
pub mod trends;

#[cfg(test)]
mod tests;

pub use corpus::{ConceptMeta, Corpus, CorpusBuilder, DateBasis, ReportPaper, Selection};
pub use period::{Granularity, Period};
pub use topic::{TopicBrief, TopicConfig};
pub use trends::{compute, Lifecycle, TrendConfig, TrendReport};

/// What can go wrong making a report.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    #[error("reading the store: {0}")]
    Storage(#[from] oxigraph::store::StorageError),
    #[error(transparent)]
    Graph(#[from] crate::graph::GraphError),
    #[error("no concept {given:?} in the corpus{}", did_you_mean(suggestions))]
    UnknownConcept { given: String, suggestions: Vec<String> },
    #[error("--primary-category: this store records no primary categories (it was built by an older topicgraph); rebuild it with `topicgraph build`")]
    NoPrimaryCategories,
    #[error("writing the report: {0}")]
    Io(#[from] std::io::Error),
}

fn did_you_mean(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", suggestions.join(", "))
    }
}

/// Output formats of reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Markdown,
    Html,
    Csv,
    Json,
}

impl ReportFormat {
    /// From a file name's extension (`.md`, `.html`, `.csv`, `.json`).
    pub fn from_extension(path: &str) -> Option<ReportFormat> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        ext.parse().ok()
    }
}

impl std::str::FromStr for ReportFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "md" | "markdown" => Ok(ReportFormat::Markdown),
            "html" | "htm" => Ok(ReportFormat::Html),
            "csv" => Ok(ReportFormat::Csv),
            "json" => Ok(ReportFormat::Json),
            _ => Err(format!("unknown report format {s:?}: use md, html, csv or json")),
        }
    }
}

impl std::fmt::Display for ReportFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ReportFormat::Markdown => "md",
            ReportFormat::Html => "html",
            ReportFormat::Csv => "csv",
            ReportFormat::Json => "json",
        })
    }
}

/// A share as a percentage with a precision that suits its size: `12.3%`, `0.42%`.
pub(crate) fn percent(x: f64) -> String {
    let p = x * 100.0;
    if p == 0.0 {
        "0%".to_string()
    } else if p >= 10.0 {
        format!("{p:.1}%")
    } else if p >= 1.0 {
        format!("{p:.2}%")
    } else {
        format!("{p:.3}%")
    }
}

/// A ratio as `×1.84`, or `–` when absent.
pub(crate) fn ratio(x: Option<f64>) -> String {
    match x {
        Some(g) if g >= 10.0 => format!("×{g:.0}"),
        Some(g) => format!("×{g:.2}"),
        None => "–".to_string(),
    }
}
