//! Concepts related to a concept: by co-occurrence (NPMI with support) and by SKOS links.

use super::{Cooccurrence, Edge, GraphError, KnowledgeGraph};
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use serde::Serialize;

/// How a neighbour is linked in the ontology, seen from the query concept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SkosRelation {
    /// The neighbour is broader than the query concept.
    Broader,
    /// The neighbour is narrower.
    Narrower,
    Related,
}

impl SkosRelation {
    pub fn name(self) -> &'static str {
        match self {
            SkosRelation::Broader => "broader",
            SkosRelation::Narrower => "narrower",
            SkosRelation::Related => "related",
        }
    }
}

/// A concept associated with the query concept.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Related {
    pub id: String,
    pub label: String,
    /// Papers tagged with this concept.
    pub papers: u32,
    /// Co-occurrence with the query concept, when the pair reaches the minimum support.
    pub cooccurrence: Option<Cooccurrence>,
    /// The SKOS link to the query concept, if any.
    pub skos: Option<SkosRelation>,
}

impl KnowledgeGraph {
    /// Concepts related to `concept` (a slug, IRI or label).
    ///
    /// Arguments: `concept`; `k` how many co-occurrence associates to return.
    ///
    /// Returns first the `k` concepts with the highest positive NPMI among pairs that reach
    /// the minimum support (ties by count, then id), each flagged with its SKOS link if it has
    /// one; then every SKOS neighbour not among them (broader, narrower, related; by id).
    /// Errors with [`GraphError::UnknownConcept`] and close names.
    ///
    /// Complexity: O(d log d) for the concept's d edges.
    pub fn related(&self, concept: &str, k: usize) -> Result<Vec<Related>, GraphError> {
        let c = self.concept_index(concept)?;
        let node = NodeIndex::new(c);
        let mut associates: Vec<Related> = Vec::new();
        let mut skos: Vec<(usize, SkosRelation)> = Vec::new();
        for e in self.graph.edges(node) {
            let other = if e.source() == node { e.target() } else { e.source() };
            let o = other.index();
            match e.weight() {
                Edge::Cooccurs(co) if co.npmi > 0.0 => associates.push(self.related_entry(o, Some(*co))),
                Edge::Broader => skos.push((o, if self.graph.edge_endpoints(e.id()).map(|(s, _)| s) == Some(node) { SkosRelation::Broader } else { SkosRelation::Narrower })),
                Edge::Related => skos.push((o, SkosRelation::Related)),
                _ => {}
            }
        }
        associates.sort_by(|a, b| {
            let (x, y) = (a.cooccurrence.unwrap(), b.cooccurrence.unwrap());
            y.npmi.total_cmp(&x.npmi).then(y.count.cmp(&x.count)).then_with(|| a.id.cmp(&b.id))
        });
        associates.truncate(k);
        skos.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| self.concepts[a.0].id.cmp(&self.concepts[b.0].id)));
        for (o, rel) in skos {
            match associates.iter_mut().find(|r| r.id == self.concepts[o].id) {
                Some(r) => r.skos = r.skos.or(Some(rel)),
                None => {
                    let co = self.cooccurrence(c, o);
                    associates.push(Related { skos: Some(rel), ..self.related_entry(o, co) });
                }
            }
        }
        Ok(associates)
    }

    fn related_entry(&self, concept: usize, cooccurrence: Option<Cooccurrence>) -> Related {
        let c = &self.concepts[concept];
        Related { id: c.id.clone(), label: c.label.clone(), papers: self.paper_count[concept], cooccurrence, skos: None }
    }

    /// The co-occurrence edge between two concepts, if the pair reached the minimum support.
    pub fn cooccurrence(&self, a: usize, b: usize) -> Option<Cooccurrence> {
        self.graph.edges_connecting(NodeIndex::new(a), NodeIndex::new(b)).find_map(|e| if let Edge::Cooccurs(c) = e.weight() { Some(*c) } else { None })
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{concept, paper};
    use super::super::GraphConfig;
    use super::*;

    #[test]
    fn associates_by_npmi_then_skos_neighbours() {
        // 8 papers. a with b in 2 (b only with a): strong; a with c in 2 of c's 4: weaker;
        // d is a's broader concept and never co-occurs with it.
        let papers = vec![
            paper("1", &[("a", 1.0), ("b", 1.0)]),
            paper("2", &[("a", 1.0), ("b", 1.0), ("c", 1.0)]),
            paper("3", &[("a", 1.0), ("c", 1.0)]),
            paper("4", &[("c", 1.0)]),
            paper("5", &[("c", 1.0)]),
            paper("6", &[("d", 1.0)]),
            paper("7", &[("d", 1.0)]),
            paper("8", &[("e", 1.0)]),
        ];
        let concepts = vec![concept("a", &["d"], &[]), concept("b", &[], &[]), concept("c", &[], &[]), concept("d", &[], &[]), concept("e", &[], &["a"])];
        let g = KnowledgeGraph::build(concepts, papers, GraphConfig { min_support: 2, ..Default::default() });
        let got = g.related("a", 5).unwrap();
        let rows: Vec<(&str, Option<SkosRelation>)> = got.iter().map(|r| (r.id.as_str(), r.skos)).collect();
        assert_eq!(rows, [("b", None), ("c", None), ("d", Some(SkosRelation::Broader)), ("e", Some(SkosRelation::Related))]);
        // a: 3 papers, b: 2, both 2 of 8: PMI = ln(2·8/6), NPMI = PMI / ln 4.
        let ab = got[0].cooccurrence.unwrap();
        assert_eq!(ab.count, 2);
        assert!((ab.npmi - (16.0f64 / 6.0).ln() / 4f64.ln()).abs() < 1e-12);
        assert!(got[2].cooccurrence.is_none());
        let d = g.related("d", 5).unwrap();
        assert_eq!((d[0].id.as_str(), d[0].skos), ("a", Some(SkosRelation::Narrower)));
        assert_eq!(g.related("a", 1).unwrap().len(), 3, "k limits associates, not SKOS neighbours");
    }
}
