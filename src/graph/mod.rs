//! The knowledge graph as a petgraph graph, and the analytics SPARQL is poor at: concept
//! co-occurrence with significance (NPMI), weighted PageRank, Louvain communities, related
//! concepts, similar papers and shortest concept paths.
//!
//! Entry point: [`KnowledgeGraph::build`] from [`ConceptInfo`]s and [`PaperRecord`]s, which
//! [`load_from_store`] reads from an oxigraph store that follows the RDF contract. Then
//! [`KnowledgeGraph::analyze`] (PageRank, communities, paper counts; written back to the
//! store by [`write_analytics`]), [`KnowledgeGraph::stats`], [`KnowledgeGraph::related`],
//! [`KnowledgeGraph::similar`] and [`KnowledgeGraph::path`].
//!
//! Everything is deterministic: inputs are sorted by id before nodes are added, and every
//! ranking breaks ties by id, so the same input gives byte-identical output.

mod analytics;
mod build;
mod centrality;
mod community;
mod cooccur;
mod load;
mod lookup;
pub mod neighbours;
mod path;
mod related;
mod similar;
mod stats;
mod write;

pub use analytics::{Analytics, ConceptAnalytics, PairAnalytics};
pub use build::{Edge, EdgeKind, KnowledgeGraph, Node, NodeKind};
pub use centrality::{weighted_page_rank, PageRankConfig};
pub use community::{louvain, Partition};
pub use cooccur::{npmi, pmi, Cooccurrence};
pub(crate) use cooccur::count_pairs;
pub use load::{concept_id, load_concepts, load_entities, load_from_store, load_graph_inputs, records_from_digests};
pub use path::{ConceptPath, PathStep};
pub use related::{Related, SkosRelation};
pub use similar::{SharedConcept, Similar};
pub use stats::{ConceptRank, GraphStats};
pub use write::{note_changes, staleness, write_analytics, Staleness, WriteSummary};

use serde::Serialize;

/// One paper as the graph sees it: its concepts with scores and its authors.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PaperRecord {
    /// The topicgraph id (`arxiv:2401.00001`, `seed-001`).
    pub id: String,
    /// The paper's IRI when it was read from a store (else empty).
    pub iri: String,
    /// Other identifiers the paper can be found by (`doi:10.1/x`).
    pub other_ids: Vec<String>,
    pub title: String,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Concept id (slug) and the tag's score in 0..1.
    pub concepts: Vec<(String, f64)>,
    /// Person IRIs or names, in author order.
    pub authors: Vec<String>,
    /// arXiv (or other source) categories, sorted (`cs.CL`).
    pub categories: Vec<String>,
}

/// A named entity (model, dataset, method, software, metric) a paper mentions, as a store
/// records it ([`load_entities`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityRecord {
    /// The normalised key (`tg:key`, else the last segment of the entity's IRI).
    pub key: String,
    /// One `rdfs:label` of the entity node, chosen the same way for every paper.
    pub label: String,
    /// Lowercase type: `model`, `dataset`, `method`, `software` or `metric`.
    pub kind: String,
    /// The extractor's score for this paper; only stores built with `--evidence full` have it.
    pub score: Option<f64>,
}

/// One concept of the ontology: its links are concept ids (slugs).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ConceptInfo {
    /// The slug: the last segment of the IRI.
    pub id: String,
    /// The concept's IRI; empty means the bundled namespace plus the slug (see [`ConceptInfo::iri`]).
    pub iri: String,
    pub label: String,
    pub broader: Vec<String>,
    pub related: Vec<String>,
}

impl ConceptInfo {
    /// The concept's IRI: its own, else the bundled namespace plus the slug.
    pub fn iri(&self) -> String {
        if self.iri.is_empty() {
            format!("{}{}", crate::rdf::vocab::CONCEPT_NS, self.id)
        } else {
            self.iri.clone()
        }
    }
}

/// How the graph is built and analysed. `Default` gives the documented values.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphConfig {
    /// A concept pair co-occurs significantly only when at least this many papers carry both
    /// (below it, PMI of rare pairs is noise). Only such pairs become edges.
    pub min_support: u32,
    pub page_rank: PageRankConfig,
    /// Weight of a narrower -> broader edge in PageRank, next to co-occurrence edges weighted
    /// by their NPMI (in 0..1).
    pub broader_weight: f64,
    /// Cost of a broader or related step in [`KnowledgeGraph::path`]; a co-occurrence step
    /// costs 1 - NPMI.
    pub skos_cost: f64,
    /// At most this many co-occurrence pairs (by NPMI) are kept in [`Analytics::pairs`].
    pub max_pairs: usize,
}

impl Default for GraphConfig {
    fn default() -> Self {
        GraphConfig { min_support: 3, page_rank: PageRankConfig::default(), broader_weight: 0.5, skos_cost: 0.5, max_pairs: 1000 }
    }
}

/// What can go wrong building, querying, loading or writing the graph.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GraphError {
    #[error("no concept {given:?} in the graph{}", did_you_mean(suggestions))]
    UnknownConcept { given: String, suggestions: Vec<String> },
    #[error("no paper {given:?} in the graph{}", did_you_mean(suggestions))]
    UnknownPaper { given: String, suggestions: Vec<String> },
    #[error("reading the store: {0}")]
    Storage(#[from] oxigraph::store::StorageError),
    #[error("writing the analytics graph: {0}")]
    Write(oxigraph::store::StorageError),
    #[error("not a valid base IRI {base:?}: {message}")]
    BadBase { base: String, message: String },
}

fn did_you_mean(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", suggestions.join(", "))
    }
}

/// Sort by a score, highest first, ties by `key` ascending: the one ranking order of this
/// module, so every list is reproducible.
pub(crate) fn rank_by<T>(items: &mut [T], score: impl Fn(&T) -> f64, key: impl Fn(&T) -> &str) {
    items.sort_by(|a, b| score(b).total_cmp(&score(a)).then_with(|| key(a).cmp(key(b))));
}

#[cfg(test)]
pub(crate) mod test_util {
    use super::{ConceptInfo, GraphConfig, KnowledgeGraph, PaperRecord};

    pub fn concept(id: &str, broader: &[&str], related: &[&str]) -> ConceptInfo {
        ConceptInfo { id: id.into(), label: id.replace('-', " "), broader: broader.iter().map(|s| s.to_string()).collect(), related: related.iter().map(|s| s.to_string()).collect(), ..Default::default() }
    }

    pub fn paper(id: &str, concepts: &[(&str, f64)]) -> PaperRecord {
        PaperRecord { id: id.into(), title: format!("Paper {id}"), concepts: concepts.iter().map(|(c, s)| (c.to_string(), *s)).collect(), ..Default::default() }
    }

    /// Two topics that papers never mix: {a, b, c} (each pair in 3 of 15 papers,
    /// NPMI ln 1.25 / ln 5) and {x, y} (always together); `top` is broader than a and x.
    pub fn two_topics() -> KnowledgeGraph {
        let mut papers = Vec::new();
        for i in 0..6 {
            papers.push(paper(&format!("xy{i}"), &[("x", 1.0), ("y", 0.5)]));
        }
        for i in 0..3 {
            papers.push(paper(&format!("ab{i}"), &[("a", 1.0), ("b", 1.0)]));
            papers.push(paper(&format!("bc{i}"), &[("b", 1.0), ("c", 1.0)]));
            papers.push(paper(&format!("ac{i}"), &[("a", 1.0), ("c", 1.0)]));
        }
        let concepts = vec![concept("a", &["top"], &[]), concept("x", &["top"], &[]), concept("top", &[], &[])];
        KnowledgeGraph::build(concepts, papers, GraphConfig { min_support: 2, ..Default::default() })
    }
}
