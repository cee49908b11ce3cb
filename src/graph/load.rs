//! [`load_from_store`]: concepts and tagged papers from an oxigraph store that follows the
//! RDF contract (`docs/rdf.md`).
//!
//! Reads by predicate with `quads_for_pattern` across all graphs (the union the contract's
//! queries see), one index scan per predicate, and joins in memory: on a generated store of
//! 266k papers this is several times faster than the equivalent SPARQL SELECT with OPTIONALs.

use super::{ConceptInfo, GraphError, PaperRecord};
use crate::rdf::vocab::{CONCEPT_NS, DCTERMS, OA, RDF, SCHEMA, SKOS, TG_NS};
use oxigraph::model::{NamedNode, NamedOrBlankNode, Quad, Term};
use oxigraph::store::Store;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Every `(subject, object)` of a predicate, in any graph (a triple in two graphs comes
/// twice; the readers below do not mind).
fn pairs(store: &Store, ns: &str, local: &str) -> Result<Vec<(NamedOrBlankNode, Term)>, GraphError> {
    let predicate = NamedNode::new_unchecked(format!("{ns}{local}"));
    let mut out: Vec<(NamedOrBlankNode, Term)> = Vec::new();
    for q in store.quads_for_pattern(None, Some(predicate.as_ref()), None, None) {
        let Quad { subject, object, .. } = q?;
        out.push((subject, object));
    }
    Ok(out)
}

/// Subjects typed `rdf:type <ns local>`.
fn typed(store: &Store, ns: &str, local: &str) -> Result<BTreeSet<String>, GraphError> {
    let class = Term::NamedNode(NamedNode::new_unchecked(format!("{ns}{local}")));
    let rdf_type = NamedNode::new_unchecked(format!("{RDF}type"));
    let mut out = BTreeSet::new();
    for q in store.quads_for_pattern(None, Some(rdf_type.as_ref()), Some(class.as_ref()), None) {
        if let NamedOrBlankNode::NamedNode(n) = q?.subject {
            out.insert(n.into_string());
        }
    }
    Ok(out)
}

fn iri_of(t: &Term) -> Option<&str> {
    match t {
        Term::NamedNode(n) => Some(n.as_str()),
        _ => None,
    }
}

fn subject_iri(s: &NamedOrBlankNode) -> Option<&str> {
    match s {
        NamedOrBlankNode::NamedNode(n) => Some(n.as_str()),
        NamedOrBlankNode::BlankNode(_) => None,
    }
}

/// An object that can be a subject in turn (a role, a target).
fn as_subject(t: &Term) -> Option<NamedOrBlankNode> {
    match t {
        Term::NamedNode(n) => Some(n.clone().into()),
        Term::BlankNode(b) => Some(b.clone().into()),
        _ => None,
    }
}

/// A triple between two IRIs.
fn link<'a>(s: &'a NamedOrBlankNode, o: &'a Term) -> Option<(&'a str, &'a str)> {
    Some((subject_iri(s)?, iri_of(o)?))
}

fn literal(t: &Term) -> Option<&str> {
    match t {
        Term::Literal(l) => Some(l.value()),
        _ => None,
    }
}

/// Read the concepts (ontology graph) and the papers with their concepts, scores and authors
/// (papers and annotations graphs) from `store`.
///
/// A concept's id is the last segment of its IRI; when two IRIs share it, the one in the
/// bundled namespace (else the first in IRI order) keeps it and the others use their full
/// IRI. A paper's id is the `dcterms:identifier` its IRI was made from (else the first one,
/// else the IRI); its other identifiers are kept. A tag's score is the highest `tg:score`
/// of the annotations whose body is the concept and whose target (or target's source) is the
/// paper; 1.0 when there is none.
///
/// Complexity: O(Q log Q) for the Q quads of the predicates read.
pub fn load_from_store(store: &Store) -> Result<(Vec<ConceptInfo>, Vec<PaperRecord>), GraphError> {
    let (concepts, slugs) = load_concepts(store)?;
    let papers = load_papers(store, &slugs)?;
    Ok((concepts, papers))
}

fn load_concepts(store: &Store) -> Result<(Vec<ConceptInfo>, HashMap<String, String>), GraphError> {
    let mut iris = typed(store, SKOS, "Concept")?;
    let labels = pairs(store, SKOS, "prefLabel")?;
    let broader = pairs(store, SKOS, "broader")?;
    let narrower = pairs(store, SKOS, "narrower")?;
    let related = pairs(store, SKOS, "related")?;
    iris.extend(labels.iter().filter_map(|(s, _)| subject_iri(s)).map(str::to_string));
    let slugs = assign_slugs(&iris);
    let mut by_iri: BTreeMap<&str, ConceptInfo> = iris.iter().map(|i| (i.as_str(), ConceptInfo { id: slugs[i].clone(), iri: i.clone(), ..Default::default() })).collect();
    // One label per concept, deterministic: English first, then no language, then any.
    let mut best: HashMap<&str, (u8, &str)> = HashMap::new();
    for (s, o) in &labels {
        let (Some(s), Term::Literal(l)) = (subject_iri(s), o) else { continue };
        let rank = match l.language() {
            Some(lang) if lang.eq_ignore_ascii_case("en") || lang.to_ascii_lowercase().starts_with("en-") => 0,
            None => 1,
            Some(_) => 2,
        };
        let e = best.entry(s).or_insert((rank, l.value()));
        if (rank, l.value()) < *e {
            *e = (rank, l.value());
        }
    }
    let mut add = |from: &str, to: &str, broader: bool| {
        if let (Some(c), Some(target)) = (by_iri.get_mut(from), slugs.get(to)) {
            if broader { c.broader.push(target.clone()) } else { c.related.push(target.clone()) }
        }
    };
    for (s, o) in &broader {
        if let Some((a, b)) = link(s, o) {
            add(a, b, true);
        }
    }
    for (s, o) in &narrower {
        if let Some((a, b)) = link(s, o) {
            add(b, a, true);
        }
    }
    for (s, o) in &related {
        if let Some((a, b)) = link(s, o) {
            add(a, b, false);
        }
    }
    for (iri, c) in by_iri.iter_mut() {
        c.label = best.get(iri).map_or_else(|| c.id.clone(), |(_, l)| l.to_string());
    }
    Ok((by_iri.into_values().collect(), slugs))
}

/// Concept IRI -> id (see [`load_from_store`]).
fn assign_slugs(iris: &BTreeSet<String>) -> HashMap<String, String> {
    let mut order: Vec<&String> = iris.iter().collect();
    order.sort_by_key(|i| (!i.starts_with(CONCEPT_NS), i.as_str()));
    let mut taken: BTreeSet<&str> = BTreeSet::new();
    let mut out = HashMap::new();
    for iri in order {
        let slug = slug(iri);
        let id = if taken.insert(slug) { slug.to_string() } else { iri.clone() };
        out.insert(iri.clone(), id);
    }
    out
}

/// The last segment of an IRI (after `/` or `#`), or the IRI when that is empty.
fn slug(iri: &str) -> &str {
    iri.rsplit(['/', '#']).next().filter(|s| !s.is_empty()).unwrap_or(iri)
}

fn load_papers(store: &Store, slugs: &HashMap<String, String>) -> Result<Vec<PaperRecord>, GraphError> {
    let iris = typed(store, SCHEMA, "ScholarlyArticle")?;
    let mut papers: BTreeMap<&str, PaperRecord> = iris.iter().map(|i| (i.as_str(), PaperRecord { iri: i.clone(), ..Default::default() })).collect();
    for (s, o) in pairs(store, DCTERMS, "title")? {
        if let (Some(p), Some(t)) = (subject_iri(&s).and_then(|s| papers.get_mut(s)), literal(&o)) {
            p.title = t.to_string();
        }
    }
    for (s, o) in pairs(store, DCTERMS, "issued")? {
        if let (Some(p), Some(d)) = (subject_iri(&s).and_then(|s| papers.get_mut(s)), literal(&o)) {
            p.date = Some(d.split('T').next().unwrap_or(d).chars().take(10).collect());
        }
    }
    for (s, o) in pairs(store, DCTERMS, "identifier")? {
        if let (Some(p), Some(id)) = (subject_iri(&s).and_then(|s| papers.get_mut(s)), literal(&o)) {
            p.other_ids.push(id.to_string());
        }
    }
    for (s, o) in pairs(store, TG_NS, "category")? {
        if let (Some(p), Some(c)) = (subject_iri(&s).and_then(|s| papers.get_mut(s)), literal(&o)) {
            p.categories.push(c.to_string());
        }
    }
    for p in papers.values_mut() {
        choose_id(p);
        p.categories.sort();
        p.categories.dedup();
    }
    load_authors(store, &mut papers)?;
    let scores = load_scores(store)?;
    for (s, o) in pairs(store, DCTERMS, "subject")? {
        let (Some(iri), Some(c)) = (subject_iri(&s), iri_of(&o)) else { continue };
        if let Some(p) = papers.get_mut(iri) {
            let score = scores.get(iri).and_then(|m| m.get(c)).copied().unwrap_or(1.0);
            // A concept outside the ontology graph is known by its last segment.
            p.concepts.push((slugs.get(c).map_or_else(|| slug(c).to_string(), String::clone), score));
        }
    }
    Ok(papers.into_values().collect())
}

/// The paper's id: the identifier its IRI ends with (with `:` written as `/`), else the first
/// in sort order, else the IRI.
fn choose_id(p: &mut PaperRecord) {
    p.other_ids.sort();
    p.other_ids.dedup();
    let from_iri = p.other_ids.iter().position(|id| p.iri.ends_with(&format!("/{}", id.replacen(':', "/", 1))) || p.iri.ends_with(&format!("/{id}")));
    match from_iri.or(if p.other_ids.is_empty() { None } else { Some(0) }) {
        Some(i) => p.id = p.other_ids.remove(i),
        None => p.id = p.iri.clone(),
    }
}

/// Authors in position order: `P schema:author <role>`, `<role> schema:author <person>;
/// schema:position n`, or `P schema:author <person>` directly.
fn load_authors(store: &Store, papers: &mut BTreeMap<&str, PaperRecord>) -> Result<(), GraphError> {
    let mut author_of: HashMap<NamedOrBlankNode, Vec<Term>> = HashMap::new();
    for (s, o) in pairs(store, SCHEMA, "author")? {
        author_of.entry(s).or_default().push(o);
    }
    let mut position: HashMap<NamedOrBlankNode, u32> = HashMap::new();
    for (s, o) in pairs(store, SCHEMA, "position")? {
        if let Some(n) = literal(&o).and_then(|v| v.parse().ok()) {
            position.insert(s, n);
        }
    }
    for (iri, p) in papers.iter_mut() {
        let Some(objects) = author_of.get(&NamedOrBlankNode::NamedNode(NamedNode::new_unchecked(*iri))) else { continue };
        let mut ranked: Vec<(u32, String)> = Vec::new();
        for o in objects {
            let Some(role) = as_subject(o) else { continue };
            let pos = position.get(&role).copied().unwrap_or(u32::MAX);
            match author_of.get(&role) {
                Some(persons) => ranked.extend(persons.iter().filter_map(|t| iri_of(t).or(literal(t))).map(|a| (pos, a.to_string()))),
                None => ranked.extend(iri_of(o).map(|a| (pos, a.to_string()))),
            }
        }
        ranked.sort();
        ranked.dedup();
        p.authors = ranked.into_iter().map(|(_, a)| a).collect();
    }
    Ok(())
}

/// paper IRI -> concept IRI -> highest `tg:score` of the annotations linking them.
fn load_scores(store: &Store) -> Result<HashMap<String, HashMap<String, f64>>, GraphError> {
    let body: HashMap<NamedOrBlankNode, Term> = pairs(store, OA, "hasBody")?.into_iter().collect();
    let source: HashMap<NamedOrBlankNode, Term> = pairs(store, OA, "hasSource")?.into_iter().collect();
    let target: HashMap<NamedOrBlankNode, Term> = pairs(store, OA, "hasTarget")?.into_iter().collect();
    let mut out: HashMap<String, HashMap<String, f64>> = HashMap::new();
    for (a, o) in pairs(store, TG_NS, "score")? {
        let Some(score) = literal(&o).and_then(|v| v.parse::<f64>().ok()) else { continue };
        let (Some(Term::NamedNode(concept)), Some(t)) = (body.get(&a), target.get(&a)) else { continue };
        let Some(paper) = as_subject(t).and_then(|via| source.get(&via)).or(Some(t)).and_then(iri_of) else { continue };
        let e = out.entry(paper.to_string()).or_default().entry(concept.as_str().to_string()).or_insert(score);
        *e = e.max(score);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::io::{RdfFormat, RdfParser};

    /// The integration tests' fixture (tests/data/graph), in an in-memory store.
    fn fixture() -> Store {
        let store = Store::new().unwrap();
        for name in ["ontology", "papers", "annotations"] {
            let graph = NamedNode::new(format!("{}graph/{name}", crate::rdf::vocab::DEFAULT_BASE)).unwrap();
            let text = std::fs::read(format!("{}/tests/data/graph/{name}.ttl", env!("CARGO_MANIFEST_DIR"))).unwrap();
            store.load_from_slice(RdfParser::from_format(RdfFormat::Turtle).with_default_graph(graph), &text).unwrap();
        }
        store
    }

    #[test]
    fn reads_concepts_papers_scores_and_authors() {
        let (concepts, papers) = load_from_store(&fixture()).unwrap();
        assert_eq!(concepts.len(), 10);
        let ml = concepts.iter().find(|c| c.id == "machine-learning").unwrap();
        assert_eq!((ml.label.as_str(), ml.iri.as_str()), ("machine learning", "https://w3id.org/topicgraph/concept/machine-learning"));
        let rl = concepts.iter().find(|c| c.id == "reinforcement-learning").unwrap();
        assert_eq!(rl.broader, ["machine-learning"], "from skos:narrower");
        let llm = concepts.iter().find(|c| c.id == "large-language-model").unwrap();
        assert_eq!((llm.broader.as_slice(), llm.related.as_slice()), (&["deep-learning".to_string()][..], &["transformer".to_string()][..]));

        let ids: Vec<&str> = papers.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids.len(), 9);
        assert!(ids.contains(&"seed-008"));
        let p1 = papers.iter().find(|p| p.id == "arxiv:2401.00001").unwrap();
        assert_eq!(p1.title, "Paged KV caches for LLM serving");
        assert_eq!(p1.date.as_deref(), Some("2024-01-02"));
        assert_eq!(p1.authors, ["https://w3id.org/topicgraph/data/person/ada", "https://w3id.org/topicgraph/data/person/bo"]);
        let mut tags = p1.concepts.clone();
        tags.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(tags, [("kv-cache".to_string(), 0.9), ("large-language-model".to_string(), 0.7), ("llm-serving".to_string(), 0.8)]);
        let p3 = papers.iter().find(|p| p.id == "arxiv:2401.00003").unwrap();
        assert!(p3.concepts.contains(&("transformer".to_string(), 0.5)), "score through a SpecificResource: {:?}", p3.concepts);
        let p9 = papers.iter().find(|p| p.id == "arxiv:2401.00009").unwrap();
        assert_eq!(p9.concepts, [("graph-neural-network".to_string(), 1.0)], "no annotation: score 1");
        let p8 = papers.iter().find(|p| p.id == "seed-008").unwrap();
        assert_eq!(p8.other_ids, ["doi:10.1234/seed.8"]);
    }

    #[test]
    fn colliding_slugs_keep_the_bundled_one() {
        let iris: BTreeSet<String> = ["http://example.org/x/kv-cache", "https://w3id.org/topicgraph/concept/kv-cache"].map(String::from).into();
        let slugs = assign_slugs(&iris);
        assert_eq!(slugs["https://w3id.org/topicgraph/concept/kv-cache"], "kv-cache");
        assert_eq!(slugs["http://example.org/x/kv-cache"], "http://example.org/x/kv-cache");
    }
}
