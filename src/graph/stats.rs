//! [`KnowledgeGraph::stats`]: the size and shape of the graph in one summary.

use super::{Analytics, ConceptAnalytics, EdgeKind, KnowledgeGraph, NodeKind};
use petgraph::algo::connected_components;
use petgraph::unionfind::UnionFind;
use petgraph::visit::EdgeRef;
use serde::Serialize;

/// Counts, density, components, top concepts and communities.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GraphStats {
    /// Nodes by kind, in [`NodeKind::ALL`] order.
    #[serde(serialize_with = "as_map")]
    pub nodes: Vec<(NodeKind, usize)>,
    /// Edges by kind, in [`EdgeKind::ALL`] order.
    #[serde(serialize_with = "as_map")]
    pub edges: Vec<(EdgeKind, usize)>,
    /// Papers with at least one concept.
    pub tagged_papers: u32,
    /// Concepts with at least one paper.
    pub used_concepts: usize,
    /// The minimum support a co-occurring pair needs to be an edge.
    pub min_support: u32,
    /// Co-occurrence edges over possible concept pairs: `2E / (C (C - 1))`.
    pub cooccurrence_density: f64,
    /// Connected components of the whole graph (isolated nodes count).
    pub components: usize,
    /// Connected components of the concepts through co-occurrence (NPMI > 0) and SKOS links.
    pub concept_components: usize,
    /// Earliest and latest paper date.
    pub dates: Option<(String, String)>,
    pub top_by_page_rank: Vec<ConceptRank>,
    pub top_by_papers: Vec<ConceptRank>,
    pub communities: usize,
    pub modularity: f64,
    /// The largest communities with more than one concept: size and top members by PageRank.
    pub largest_communities: Vec<CommunitySummary>,
}

/// A concept in a top list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConceptRank {
    pub id: String,
    pub label: String,
    pub papers: u32,
    pub page_rank: f64,
    pub community: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommunitySummary {
    pub community: usize,
    pub size: usize,
    pub top: Vec<String>,
}

impl From<&ConceptAnalytics> for ConceptRank {
    fn from(c: &ConceptAnalytics) -> Self {
        ConceptRank { id: c.id.clone(), label: c.label.clone(), papers: c.papers, page_rank: c.page_rank, community: c.community }
    }
}

impl KnowledgeGraph {
    /// The [`GraphStats`] of this graph with its `analytics`, top lists `k` long.
    ///
    /// Complexity: O(V + E) plus sorting the concepts.
    pub fn stats(&self, analytics: &Analytics, k: usize) -> GraphStats {
        let nodes = NodeKind::ALL.iter().map(|&kind| (kind, self.graph.node_weights().filter(|n| n.kind == kind).count())).collect();
        let edges: Vec<(EdgeKind, usize)> = EdgeKind::ALL.iter().map(|&kind| (kind, self.graph.edge_weights().filter(|e| e.kind() == kind).count())).collect();
        let c = self.concepts.len() as f64;
        let cooc = edges.iter().find(|(kind, _)| *kind == EdgeKind::Cooccurs).map_or(0, |e| e.1) as f64;
        let mut dates = self.papers.iter().filter_map(|p| p.date.as_deref());
        let first = dates.next().map(|d| dates.fold((d, d), |(lo, hi), d| (lo.min(d), hi.max(d))));
        let by_rank = analytics.top_by(usize::MAX, |c| c.page_rank);
        let communities: Vec<CommunitySummary> = (0..analytics.communities)
            .map(|community| {
                let members: Vec<&&ConceptAnalytics> = by_rank.iter().filter(|c| c.community == community).collect();
                CommunitySummary { community, size: members.len(), top: members.iter().take(5).map(|c| c.id.clone()).collect() }
            })
            .take_while(|s| s.size > 1)
            .take(k)
            .collect();
        GraphStats {
            nodes,
            edges,
            tagged_papers: self.tagged_papers,
            used_concepts: self.paper_count.iter().filter(|&&n| n > 0).count(),
            min_support: self.config.min_support,
            cooccurrence_density: if c > 1.0 { 2.0 * cooc / (c * (c - 1.0)) } else { 0.0 },
            components: connected_components(&self.graph),
            concept_components: self.concept_components(),
            dates: first.map(|(lo, hi)| (lo.to_string(), hi.to_string())),
            top_by_page_rank: analytics.top_by(k, |c| c.page_rank).into_iter().map(ConceptRank::from).collect(),
            top_by_papers: analytics.top_by(k, |c| f64::from(c.papers)).into_iter().map(ConceptRank::from).collect(),
            communities: analytics.communities,
            modularity: analytics.modularity,
            largest_communities: communities,
        }
    }
}

/// Counts by kind as a JSON object (`{"concept": 6, ...}`), in kind order.
fn as_map<S: serde::Serializer, K: Serialize>(counts: &[(K, usize)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(counts.iter().map(|(k, n)| (k, n)))
}

impl KnowledgeGraph {
    /// Connected components of the concepts through the edges analytics walk (co-occurrence
    /// with NPMI > 0, SKOS links), by union-find; they join concepts only.
    fn concept_components(&self) -> usize {
        let n = self.concepts.len();
        let mut sets = UnionFind::<usize>::new(n);
        for e in self.graph.edge_references().filter(|e| e.weight().links_concepts()) {
            sets.union(e.source().index(), e.target().index());
        }
        (0..n).filter(|&i| sets.find(i) == i).count()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::two_topics;
    use super::*;

    #[test]
    fn counts_components_and_communities() {
        let g = two_topics();
        let s = g.stats(&g.analyze(), 2);
        assert_eq!(s.nodes, [(NodeKind::Concept, 6), (NodeKind::Paper, 15), (NodeKind::Author, 0), (NodeKind::Entity, 0)]);
        assert_eq!(s.edges, [(EdgeKind::Tagged, 30), (EdgeKind::Authored, 0), (EdgeKind::Broader, 2), (EdgeKind::Related, 0), (EdgeKind::Cooccurs, 4)]);
        assert_eq!(s.tagged_papers, 15);
        // 4 co-occurrence edges of 6·5/2 = 15 pairs.
        assert!((s.cooccurrence_density - 4.0 / 15.0).abs() < 1e-12);
        assert_eq!((s.components, s.concept_components), (1, 1), "top joins both topics");
        let largest: Vec<(usize, usize)> = s.largest_communities.iter().map(|c| (c.community, c.size)).collect();
        assert_eq!(largest, [(0, 3), (1, 2)], "the singleton {{top}} is left out");
        assert_eq!(s.top_by_papers.len(), 2);
    }
}
