//! [`write_analytics`]: the analytics into the store's analytics graph, atomically.

use super::{Analytics, GraphError};
use crate::rdf::vocab::TG_NS;
use oxigraph::model::{GraphName, Literal, NamedNode, Quad, QuadRef};
use oxigraph::store::Store;

/// What [`write_analytics`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct WriteSummary {
    pub concepts: usize,
    pub pairs: usize,
    pub triples: usize,
}

/// Replace the analytics graph (`base` + `graph/analytics`) with `analytics`:
///
/// ```text
/// <concept> tg:paperCount n ; tg:pageRank x ; tg:community n .
/// <base>cooccurrence/<a>--<b> tg:concept <a>, <b> ; tg:count n ; tg:npmi x .
/// ```
///
/// (`xsd:integer` counts, `xsd:double` ranks and NPMI; one node per pair of
/// [`Analytics::pairs`].) The old graph is cleared and the new one written in one
/// transaction, so a reader sees either the old analytics or the new ones.
///
/// Errors: [`GraphError::BadBase`] when `base` or a derived IRI is not an IRI;
/// [`GraphError::Write`] when the store refuses the transaction.
pub fn write_analytics(store: &Store, base: &str, analytics: &Analytics) -> Result<WriteSummary, GraphError> {
    let iri = |s: String| NamedNode::new(&s).map_err(|e| GraphError::BadBase { base: base.to_string(), message: format!("{s}: {e}") });
    let graph_node = iri(format!("{base}graph/analytics"))?;
    let graph = GraphName::NamedNode(graph_node.clone());
    let tg = |local: &str| NamedNode::new_unchecked(format!("{TG_NS}{local}"));
    let (paper_count, page_rank, community, concept, count, npmi) = (tg("paperCount"), tg("pageRank"), tg("community"), tg("concept"), tg("count"), tg("npmi"));
    let mut quads: Vec<Quad> = Vec::with_capacity(analytics.concepts.len() * 3 + analytics.pairs.len() * 4 + 1);
    // How many papers these figures cover: the measure of how stale later builds make them.
    quads.push(Quad::new(graph_node, tg(PAPERS_ANALYSED), Literal::from(analytics.papers as i64), graph.clone()));
    for c in &analytics.concepts {
        let s = iri(c.iri.clone())?;
        quads.push(Quad::new(s.clone(), paper_count.clone(), Literal::from(i64::from(c.papers)), graph.clone()));
        quads.push(Quad::new(s.clone(), page_rank.clone(), Literal::from(c.page_rank), graph.clone()));
        quads.push(Quad::new(s, community.clone(), Literal::from(c.community as i64), graph.clone()));
    }
    for p in &analytics.pairs {
        let s = iri(format!("{base}cooccurrence/{}--{}", p.a, p.b))?;
        quads.push(Quad::new(s.clone(), concept.clone(), iri(p.a_iri.clone())?, graph.clone()));
        quads.push(Quad::new(s.clone(), concept.clone(), iri(p.b_iri.clone())?, graph.clone()));
        quads.push(Quad::new(s.clone(), count.clone(), Literal::from(i64::from(p.count)), graph.clone()));
        quads.push(Quad::new(s, npmi.clone(), Literal::from(p.npmi), graph.clone()));
    }
    let mut tx = store.start_transaction().map_err(GraphError::Write)?;
    tx.clear_graph(&graph).map_err(GraphError::Write)?;
    tx.extend(&quads);
    tx.commit().map_err(GraphError::Write)?;
    Ok(WriteSummary { concepts: analytics.concepts.len(), pairs: analytics.pairs.len(), triples: quads.len() })
}

const PAPERS_ANALYSED: &str = "papersAnalysed";
const CHANGED_SINCE: &str = "papersChangedSince";

/// How current the stored analytics are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Staleness {
    /// Papers the analytics were computed over; `None` when there are none yet.
    pub analysed: Option<u64>,
    /// Papers added or changed by builds since then.
    pub changed_since: u64,
}

impl Staleness {
    /// Whether `changed` more papers make the analytics due: there are none yet, they
    /// cover fewer than `min_papers` (cheap to recompute), or the papers changed since they
    /// were computed exceed `share` of the papers they cover.
    pub fn due(&self, changed: u64, share: f64, min_papers: u64) -> bool {
        match self.analysed {
            None => true,
            Some(n) => n < min_papers || (self.changed_since + changed) as f64 > share * n as f64,
        }
    }
}

/// Read how current the analytics graph is (see [`Staleness`]).
pub fn staleness(store: &Store, base: &str) -> Result<Staleness, GraphError> {
    let graph = NamedNode::new(format!("{base}graph/analytics")).map_err(|e| GraphError::BadBase { base: base.to_string(), message: e.to_string() })?;
    let number = |local: &str| -> Result<Option<u64>, GraphError> {
        let p = NamedNode::new_unchecked(format!("{TG_NS}{local}"));
        for q in store.quads_for_pattern(Some(graph.as_ref().into()), Some(p.as_ref()), None, Some(graph.as_ref().into())) {
            if let oxigraph::model::Term::Literal(l) = q.map_err(GraphError::Storage)?.object {
                return Ok(l.value().parse().ok());
            }
        }
        Ok(None)
    };
    Ok(Staleness { analysed: number(PAPERS_ANALYSED)?, changed_since: number(CHANGED_SINCE)?.unwrap_or(0) })
}

/// Count `changed` papers against analytics that a build left as they were.
pub fn note_changes(store: &Store, base: &str, changed: u64) -> Result<(), GraphError> {
    let before = staleness(store, base)?;
    let graph = NamedNode::new(format!("{base}graph/analytics")).map_err(|e| GraphError::BadBase { base: base.to_string(), message: e.to_string() })?;
    let p = NamedNode::new_unchecked(format!("{TG_NS}{CHANGED_SINCE}"));
    let g = GraphName::NamedNode(graph.clone());
    let mut tx = store.start_transaction().map_err(GraphError::Write)?;
    tx.remove(QuadRef::new(&graph, &p, &Literal::from(before.changed_since as i64), &g));
    tx.insert(QuadRef::new(&graph, &p, &Literal::from((before.changed_since + changed) as i64), &g));
    tx.commit().map_err(GraphError::Write)
}

#[cfg(test)]
mod tests {
    use super::super::test_util::two_topics;
    use super::*;
    use oxigraph::model::{NamedNodeRef, Term};

    #[test]
    fn replaces_the_analytics_graph_in_one_go() {
        let store = Store::new().unwrap();
        let base = "https://w3id.org/topicgraph/data/";
        let analytics = two_topics().analyze();
        let first = write_analytics(&store, base, &analytics).unwrap();
        assert_eq!(first, WriteSummary { concepts: 6, pairs: 4, triples: 6 * 3 + 4 * 4 + 1 });
        write_analytics(&store, base, &analytics).unwrap();
        assert_eq!(store.len().unwrap(), first.triples, "written again, not added to");
        let pair = NamedNodeRef::new(&format!("{base}cooccurrence/x--y")).unwrap().into_owned();
        let npmi = NamedNode::new_unchecked(format!("{TG_NS}npmi"));
        let got: Vec<Term> = store.quads_for_pattern(Some(pair.as_ref().into()), Some(npmi.as_ref()), None, None).map(|q| q.unwrap().object).collect();
        assert_eq!(got, [Term::Literal(Literal::from(1.0))]);
        assert!(matches!(write_analytics(&store, "not an iri ", &analytics), Err(GraphError::BadBase { .. })));
    }
}
