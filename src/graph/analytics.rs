//! [`KnowledgeGraph::analyze`]: per-concept paper counts, PageRank and communities, and the
//! most significant co-occurring pairs: what `graph stats` reports and `--write` stores.

use super::{louvain, rank_by, weighted_page_rank, Edge, KnowledgeGraph};
use petgraph::graph::{DiGraph, UnGraph};
use petgraph::visit::EdgeRef;
use serde::Serialize;

/// The analytics of a graph, self-contained (ids and IRIs included) so they can be printed
/// or written to a store without the graph.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analytics {
    /// One row per concept, in concept (id) order.
    pub concepts: Vec<ConceptAnalytics>,
    /// The most significant pairs: support reached, NPMI > 0, highest NPMI first (ties by
    /// count, then ids), at most `config.max_pairs`.
    pub pairs: Vec<PairAnalytics>,
    /// Communities found by Louvain (a concept without positive co-occurrence is its own).
    pub communities: usize,
    pub modularity: f64,
    /// Papers the figures are computed over.
    pub papers: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConceptAnalytics {
    pub id: String,
    pub iri: String,
    pub label: String,
    pub papers: u32,
    pub page_rank: f64,
    pub community: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairAnalytics {
    pub a: String,
    pub b: String,
    pub a_iri: String,
    pub b_iri: String,
    pub count: u32,
    pub pmi: f64,
    pub npmi: f64,
}

impl KnowledgeGraph {
    /// Compute the [`Analytics`].
    ///
    /// PageRank ([`weighted_page_rank`]) runs over the concepts with co-occurrence edges in
    /// both directions weighted by their NPMI (support reached, NPMI > 0) and narrower ->
    /// broader edges weighted `config.broader_weight`; the random jump lands on a concept in
    /// proportion to its paper count plus one. Communities ([`louvain`]) use the same
    /// co-occurrence edges and weights, without the SKOS links: they show what papers combine,
    /// not what the ontology says.
    ///
    /// Complexity: O(I · (C + E_c)) for C concepts and E_c concept edges, plus Louvain.
    pub fn analyze(&self) -> Analytics {
        let n = self.concepts.len();
        let mut directed = DiGraph::<(), f64>::with_capacity(n, 0);
        let mut cooc = UnGraph::<(), f64>::with_capacity(n, 0);
        for _ in 0..n {
            directed.add_node(());
            cooc.add_node(());
        }
        let mut pairs = Vec::new();
        for e in self.graph.edge_references() {
            let (a, b) = (e.source(), e.target());
            match e.weight() {
                Edge::Broader => {
                    directed.add_edge(a, b, self.config.broader_weight);
                }
                Edge::Cooccurs(c) if c.npmi > 0.0 => {
                    directed.add_edge(a, b, c.npmi);
                    directed.add_edge(b, a, c.npmi);
                    cooc.add_edge(a, b, c.npmi);
                    pairs.push((a.index(), b.index(), *c));
                }
                _ => {}
            }
        }
        // Surfers start from concepts as often as papers use them (plus one, so an unused
        // concept is not unreachable): usage, not the ontology's shape alone, decides.
        let teleport: Vec<f64> = self.paper_count.iter().map(|&n| f64::from(n) + 1.0).collect();
        let rank = weighted_page_rank(&directed, |e| *e.weight(), Some(&teleport), self.config.page_rank);
        let partition = louvain(&cooc, |e| *e.weight());
        let concepts = (0..n)
            .map(|i| {
                let c = &self.concepts[i];
                ConceptAnalytics { id: c.id.clone(), iri: c.iri(), label: c.label.clone(), papers: self.paper_count[i], page_rank: rank[i], community: partition.community[i] }
            })
            .collect();
        pairs.sort_by(|x, y| y.2.npmi.total_cmp(&x.2.npmi).then(y.2.count.cmp(&x.2.count)).then((x.0, x.1).cmp(&(y.0, y.1))));
        pairs.truncate(self.config.max_pairs);
        let pairs = pairs
            .into_iter()
            .map(|(a, b, c)| {
                let (ca, cb) = (&self.concepts[a], &self.concepts[b]);
                PairAnalytics { a: ca.id.clone(), b: cb.id.clone(), a_iri: ca.iri(), b_iri: cb.iri(), count: c.count, pmi: c.pmi, npmi: c.npmi }
            })
            .collect();
        Analytics { concepts, pairs, communities: partition.count, modularity: partition.modularity, papers: self.papers.len() as u64 }
    }
}

impl Analytics {
    /// The `k` concepts ranked by `score` (highest first, ties by id).
    pub fn top_by(&self, k: usize, score: impl Fn(&ConceptAnalytics) -> f64) -> Vec<&ConceptAnalytics> {
        let mut all: Vec<&ConceptAnalytics> = self.concepts.iter().collect();
        rank_by(&mut all, |c| score(c), |c| &c.id);
        all.truncate(k);
        all
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::two_topics;

    #[test]
    fn communities_follow_cooccurrence_and_ranks_sum_to_one() {
        let a = two_topics().analyze();
        let by_id = |id: &str| a.concepts.iter().find(|c| c.id == id).unwrap();
        let comm: Vec<(&str, usize)> = a.concepts.iter().map(|c| (c.id.as_str(), c.community)).collect();
        assert_eq!(comm, [("a", 0), ("b", 0), ("c", 0), ("top", 2), ("x", 1), ("y", 1)]);
        assert_eq!(a.communities, 3);
        assert!(a.modularity > 0.3, "{}", a.modularity);
        assert!((a.concepts.iter().map(|c| c.page_rank).sum::<f64>() - 1.0).abs() < 1e-9);
        assert!(by_id("top").page_rank > by_id("b").page_rank, "two concepts point up to top");
        assert_eq!(by_id("b").papers, 6);
        assert_eq!(a.top_by(1, |c| f64::from(c.papers))[0].id, "a", "a, b, c tie at 6; a first");
        // Pairs: x-y (NPMI 1: always together) first, then the three pairs of the triangle.
        assert_eq!((a.pairs[0].a.as_str(), a.pairs[0].b.as_str(), a.pairs[0].count), ("x", "y", 6));
        assert_eq!(a.pairs.len(), 4);
    }
}
