//! [`write_analytics`]: the analytics into the store's analytics graph, atomically.

use super::{Analytics, GraphError};
use crate::rdf::vocab::TG_NS;
use oxigraph::model::{GraphName, Literal, NamedNode, Quad};
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
    let graph = GraphName::NamedNode(iri(format!("{base}graph/analytics"))?);
    let tg = |local: &str| NamedNode::new_unchecked(format!("{TG_NS}{local}"));
    let (paper_count, page_rank, community, concept, count, npmi) = (tg("paperCount"), tg("pageRank"), tg("community"), tg("concept"), tg("count"), tg("npmi"));
    let mut quads: Vec<Quad> = Vec::with_capacity(analytics.concepts.len() * 3 + analytics.pairs.len() * 4);
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
        assert_eq!(first, WriteSummary { concepts: 6, pairs: 4, triples: 6 * 3 + 4 * 4 });
        write_analytics(&store, base, &analytics).unwrap();
        assert_eq!(store.len().unwrap(), first.triples, "written again, not added to");
        let pair = NamedNodeRef::new(&format!("{base}cooccurrence/x--y")).unwrap().into_owned();
        let npmi = NamedNode::new_unchecked(format!("{TG_NS}npmi"));
        let got: Vec<Term> = store.quads_for_pattern(Some(pair.as_ref().into()), Some(npmi.as_ref()), None, None).map(|q| q.unwrap().object).collect();
        assert_eq!(got, [Term::Literal(Literal::from(1.0))]);
        assert!(matches!(write_analytics(&store, "not an iri ", &analytics), Err(GraphError::BadBase { .. })));
    }
}
