//! The cheapest path between two concepts through co-occurrence and SKOS links.

use super::{Cooccurrence, Edge, GraphError, KnowledgeGraph, SkosRelation};
use petgraph::algo::astar;
use petgraph::graph::{EdgeReference, NodeIndex};
use petgraph::visit::{EdgeFiltered, EdgeRef};
use serde::Serialize;

/// A path from one concept to another.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConceptPath {
    pub from: String,
    pub to: String,
    /// Sum of the step costs.
    pub cost: f64,
    pub steps: Vec<PathStep>,
}

/// One step of a [`ConceptPath`] and the link it follows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathStep {
    pub from: String,
    pub to: String,
    /// The co-occurrence followed, or `None` for a SKOS step.
    pub cooccurrence: Option<Cooccurrence>,
    /// The SKOS link followed (`to` is broader, narrower or related), or `None`.
    pub skos: Option<SkosRelation>,
    pub cost: f64,
}

impl KnowledgeGraph {
    /// The cost of walking an edge: `1 - NPMI` for a co-occurrence, `config.skos_cost` for a
    /// broader or related link.
    fn step_cost(&self, e: &Edge) -> f64 {
        match e {
            Edge::Cooccurs(c) => 1.0 - c.npmi,
            _ => self.config.skos_cost,
        }
    }

    /// The cheapest path from concept `a` to concept `b` (slugs, IRIs or labels).
    ///
    /// Walks co-occurrence edges with a positive NPMI (cost `1 - NPMI`, so strong
    /// associations are short) and broader/related links (cost `config.skos_cost`), in either
    /// direction. Between two concepts linked both ways, the cheaper link is the step.
    ///
    /// Returns `None` when no such path exists; errors with [`GraphError::UnknownConcept`].
    ///
    /// Complexity: O((V + E) log V) (Dijkstra, as petgraph's `astar` with a zero estimate).
    ///
    /// Reference: Dijkstra 1959, "A note on two problems in connexion with graphs".
    pub fn path(&self, a: &str, b: &str) -> Result<Option<ConceptPath>, GraphError> {
        let (start, goal) = (NodeIndex::new(self.concept_index(a)?), NodeIndex::new(self.concept_index(b)?));
        let walkable = EdgeFiltered::from_fn(&self.graph, |e: EdgeReference<Edge>| e.weight().links_concepts());
        let Some((cost, nodes)) = astar(&walkable, start, |n| n == goal, |e| self.step_cost(e.weight()), |_| 0.0) else { return Ok(None) };
        let steps = nodes.windows(2).map(|w| self.step(w[0], w[1])).collect();
        Ok(Some(ConceptPath { from: self.concepts[start.index()].id.clone(), to: self.concepts[goal.index()].id.clone(), cost, steps }))
    }

    /// The cheapest walkable edge from `u` to `v` as a step.
    fn step(&self, u: NodeIndex, v: NodeIndex) -> PathStep {
        let e = self
            .graph
            .edges_connecting(u, v)
            .filter(|e| e.weight().links_concepts())
            .min_by(|x, y| self.step_cost(x.weight()).total_cmp(&self.step_cost(y.weight())).then(x.id().cmp(&y.id())))
            .expect("astar steps along an edge");
        let (cooccurrence, skos) = match e.weight() {
            Edge::Cooccurs(c) => (Some(*c), None),
            Edge::Broader if self.graph.edge_endpoints(e.id()).map(|(s, _)| s) == Some(u) => (None, Some(SkosRelation::Broader)),
            Edge::Broader => (None, Some(SkosRelation::Narrower)),
            _ => (None, Some(SkosRelation::Related)),
        };
        PathStep { from: self.concepts[u.index()].id.clone(), to: self.concepts[v.index()].id.clone(), cooccurrence, skos, cost: self.step_cost(e.weight()) }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{concept, paper};
    use super::super::GraphConfig;
    use super::*;

    #[test]
    fn strong_associations_make_short_paths() {
        // 8 papers: a-b and b-c share 2 each, a-c only 1 (below support); c is broader than
        // d; e stands alone.
        let papers = vec![
            paper("1", &[("a", 1.0), ("b", 1.0)]),
            paper("2", &[("a", 1.0), ("b", 1.0)]),
            paper("3", &[("b", 1.0), ("c", 1.0)]),
            paper("4", &[("b", 1.0), ("c", 1.0)]),
            paper("5", &[("a", 1.0), ("c", 1.0)]),
            paper("6", &[("e", 1.0)]),
            paper("7", &[("e", 1.0)]),
            paper("8", &[("e", 1.0)]),
        ];
        let concepts = vec![concept("c", &[], &[]), concept("d", &["c"], &[])];
        let g = KnowledgeGraph::build(concepts, papers, GraphConfig { min_support: 2, ..Default::default() });
        let p = g.path("a", "d").unwrap().unwrap();
        let hops: Vec<(&str, &str)> = p.steps.iter().map(|s| (s.from.as_str(), s.to.as_str())).collect();
        assert_eq!(hops, [("a", "b"), ("b", "c"), ("c", "d")], "a-c is seen once only: below support");
        assert_eq!(p.steps[2].skos, Some(SkosRelation::Narrower));
        // n_a = 3, n_b = 4, n_ab = 2 of 8: NPMI = ln(2·8/12) / ln 4; b-c the same; c-d 0.5.
        let step = 1.0 - (4.0f64 / 3.0).ln() / 4f64.ln();
        assert!((p.steps[0].cost - step).abs() < 1e-12 && p.steps[0].cooccurrence.unwrap().count == 2);
        assert!((p.cost - (2.0 * step + 0.5)).abs() < 1e-12, "{p:?}");
        assert!(g.path("a", "e").unwrap().is_none());
        assert!(matches!(g.path("a", "zzz"), Err(GraphError::UnknownConcept { .. })));
    }
}
