//! Papers similar to a paper: cosine of IDF-weighted concept vectors.
//!
//! A paper's weight for concept `c` is `score(p, c) · idf(c)` with the smoothed
//! `idf(c) = ln((1 + N) / (1 + n_c)) + 1` (N papers with concepts, n_c with `c`), so a concept
//! that every paper has still counts, but less than a rare one.

use super::{rank_by, Edge, KnowledgeGraph};
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use serde::Serialize;

/// A paper like the query paper, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Similar {
    pub id: String,
    pub title: String,
    /// Cosine similarity in (0, 1].
    pub score: f64,
    /// The concepts both papers have, largest share of the score first.
    pub shared: Vec<SharedConcept>,
}

/// A concept two papers share, and its share of their similarity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SharedConcept {
    pub id: String,
    pub label: String,
    /// `w(p, c) · w(q, c) / (|p| |q|)`: the shares sum to the score.
    pub contribution: f64,
}

impl KnowledgeGraph {
    /// The smoothed IDF of concept `c` (see the module doc).
    pub fn idf(&self, concept: usize) -> f64 {
        ((1.0 + f64::from(self.tagged_papers)) / (1.0 + f64::from(self.paper_count[concept]))).ln() + 1.0
    }

    /// Paper `j`'s weighted concept vector as (concept index, weight).
    pub(crate) fn paper_vector(&self, paper: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.paper_concepts(paper).map(|(c, s)| (c, s * self.idf(c)))
    }

    /// The `k` papers most similar to `paper` (a paper id, IRI or other identifier).
    ///
    /// Arguments: `paper`; `k` how many to return.
    ///
    /// Returns papers with a positive cosine, highest first, ties by id; the query paper is
    /// left out. Errors with [`super::GraphError::UnknownPaper`] and close ids.
    ///
    /// Complexity: O(Σ_{c ∈ paper} n_c + R log R) for R candidates: each concept node's
    /// tagged edges are the inverted index, so only papers sharing a concept are scored.
    pub fn similar(&self, paper: &str, k: usize) -> Result<Vec<Similar>, super::GraphError> {
        let p = self.paper_index(paper)?;
        let query: Vec<(usize, f64)> = self.paper_vector(p).collect();
        let mut dot = vec![0.0; self.papers.len()];
        let mut candidates: Vec<usize> = Vec::new();
        for &(c, wp) in &query {
            let concept = NodeIndex::new(c);
            for e in self.graph.edges(concept) {
                let Edge::Tagged { score } = e.weight() else { continue };
                let other = if e.source() == concept { e.target() } else { e.source() };
                let q = self.graph[other].index as usize;
                if q == p {
                    continue;
                }
                if dot[q] == 0.0 {
                    candidates.push(q);
                }
                dot[q] += wp * score * self.idf(c);
            }
        }
        let mut out: Vec<(usize, f64)> = candidates.into_iter().filter(|&q| self.norms[q] > 0.0 && self.norms[p] > 0.0).map(|q| (q, dot[q] / (self.norms[p] * self.norms[q]))).collect();
        // Papers are sorted by id, so the index breaks ties by id.
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out.truncate(k);
        Ok(out.into_iter().map(|(q, score)| self.explain_similar(p, q, score)).collect())
    }

    fn explain_similar(&self, p: usize, q: usize, score: f64) -> Similar {
        let norm = self.norms[p] * self.norms[q];
        let theirs: Vec<(usize, f64)> = self.paper_vector(q).collect();
        let mut shared: Vec<SharedConcept> = self
            .paper_vector(p)
            .filter_map(|(c, wp)| theirs.iter().find(|(d, _)| *d == c).map(|(_, wq)| (c, wp * wq / norm)))
            .map(|(c, contribution)| SharedConcept { id: self.concepts[c].id.clone(), label: self.concepts[c].label.clone(), contribution })
            .collect();
        rank_by(&mut shared, |s| s.contribution, |s| &s.id);
        Similar { id: self.papers[q].id.clone(), title: self.papers[q].title.clone(), score, shared }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::paper;
    use super::super::GraphConfig;
    use super::*;

    #[test]
    fn identical_papers_first_then_partial_overlap_and_no_stranger() {
        let papers = vec![
            paper("p1", &[("a", 1.0), ("b", 1.0)]),
            paper("p2", &[("a", 1.0), ("b", 1.0)]),
            paper("p3", &[("a", 1.0)]),
            paper("p4", &[("c", 1.0)]),
        ];
        let g = KnowledgeGraph::build(Vec::new(), papers, GraphConfig::default());
        // N = 4, n_a = 3, n_b = 2: idf_a = ln(5/4) + 1, idf_b = ln(5/3) + 1.
        let (ia, ib) = ((1.25f64).ln() + 1.0, (5.0f64 / 3.0).ln() + 1.0);
        assert!((g.idf(0) - ia).abs() < 1e-12 && (g.idf(1) - ib).abs() < 1e-12);
        let got = g.similar("p1", 10).unwrap();
        let ids: Vec<&str> = got.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["p2", "p3"], "p4 shares nothing");
        assert!((got[0].score - 1.0).abs() < 1e-12);
        // cos(p1, p3) = ia / sqrt(ia² + ib²) = 0.629229...
        assert!((got[1].score - ia / (ia * ia + ib * ib).sqrt()).abs() < 1e-12);
        let shared: Vec<&str> = got[0].shared.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(shared, ["b", "a"], "the rarer concept explains more");
        assert!((got[0].shared.iter().map(|s| s.contribution).sum::<f64>() - got[0].score).abs() < 1e-12);
        assert_eq!(g.similar("p1", 1).unwrap().len(), 1);
    }

    #[test]
    fn scores_weigh_in() {
        let papers = vec![paper("q", &[("a", 1.0), ("b", 1.0)]), paper("x", &[("a", 0.9), ("b", 0.2)]), paper("y", &[("a", 0.2), ("b", 0.9)]), paper("z", &[("a", 1.0)])];
        let g = KnowledgeGraph::build(Vec::new(), papers, GraphConfig::default());
        let got = g.similar("x", 3).unwrap();
        assert_eq!(got[0].id, "z", "x is mostly about a: {got:?}");
    }
}
