//! [`load_from_store`]: concepts and tagged papers from an oxigraph store that follows the
//! RDF contract (`docs/rdf.md`).
//!
//! Reads by predicate with `quads_for_pattern` across all graphs (the union the contract's
//! queries see), one index scan per predicate, and joins in memory: on a generated store of
//! 266k papers this is several times faster than the equivalent SPARQL SELECT with OPTIONALs.

use super::{ConceptInfo, EntityRecord, GraphError, PaperRecord};
use crate::extract::entity::EntityType;
use crate::rdf::mapping::entity_class;
use crate::rdf::sidecar::{PaperDigest, Sidecar};
use crate::rdf::store::KgStore;
use crate::rdf::vocab::{CONCEPT_NS, DCTERMS, OA, RDF, RDFS, SCHEMA, SKOS, TG_NS};
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

/// The concepts of the ontology graph, and concept IRI -> id (see [`load_from_store`]).
pub fn load_concepts(store: &Store) -> Result<(Vec<ConceptInfo>, HashMap<String, String>), GraphError> {
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
            p.concepts.push((concept_id(c, slugs), score));
        }
    }
    Ok(papers.into_values().collect())
}

/// The paper's id: the identifier its IRI ends with (see [`crate::rdf::sidecar::choose_id`]).
fn choose_id(p: &mut PaperRecord) {
    (p.id, p.other_ids) = crate::rdf::sidecar::choose_id(&p.iri, std::mem::take(&mut p.other_ids));
}

/// The papers of a tag sidecar as the graph sees them. Authors are known by their person
/// key (the IRI's last segment), not their IRI: as many nodes, linked alike. `ids`: concept IRI -> id, from [`load_concepts`].
pub fn records_from_digests<'a>(digests: impl IntoIterator<Item = &'a PaperDigest>, ids: &HashMap<String, String>) -> Vec<PaperRecord> {
    digests
        .into_iter()
        .map(|d| PaperRecord {
            id: d.id.clone(),
            iri: d.iri.clone(),
            other_ids: d.other_ids.clone(),
            title: d.title.clone(),
            date: d.issued.as_ref().map(|s| s.chars().take(10).collect()),
            concepts: d.concepts.iter().map(|(c, score)| (concept_id(&PaperDigest::concept_iri(c), ids), *score)).collect(),
            categories: d.categories.clone(),
            authors: d.authors.clone(),
        })
        .collect()
}

/// The graph's inputs from the store at `kg`: from its tag sidecar when that is valid
/// (seconds on a large store), else [`load_from_store`] (which names authors by IRI).
pub fn load_graph_inputs(kg: &KgStore) -> Result<(Vec<ConceptInfo>, Vec<PaperRecord>), GraphError> {
    match kg.path().map(|dir| Sidecar::read(dir, kg)) {
        Some(Ok(sidecar)) => {
            let (concepts, ids) = load_concepts(kg)?;
            let papers = records_from_digests(sidecar.papers.values(), &ids);
            Ok((concepts, papers))
        }
        _ => load_from_store(kg),
    }
}

/// A concept's id: its slug from the ontology graph, else its IRI's last segment.
pub fn concept_id(iri: &str, ids: &HashMap<String, String>) -> String {
    ids.get(iri).map_or_else(|| slug(iri).to_string(), String::clone)
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

/// The named entities each paper mentions: paper IRI -> its entities, sorted by key.
///
/// Reads the `schema:mentions` links and the entity nodes they point at (docs/rdf.md, "Named
/// entities"): the key (`tg:key`), a label and a type. A node keeps one `rdfs:label` per
/// spelling papers wrote; the one whose lower case is the key is chosen (the gazetteer's
/// spelling, `HumanEval` for `humaneval`), else the smallest, so every paper names an entity
/// alike. The type is the one the paper's own annotation gives (`tg:entityType`), else the
/// node's class (in the order model, dataset, method, software, metric when a node has
/// several), else `entity`. The score exists only where the annotations do
/// (`build --evidence full`); a compact store has the links and no scores.
///
/// Complexity: O(Q) for the Q quads of the predicates read; the annotations are read only
/// when the store has entity annotations.
pub fn load_entities(store: &Store) -> Result<HashMap<String, Vec<EntityRecord>>, GraphError> {
    let mut mentions: BTreeSet<(String, String)> = BTreeSet::new();
    for (s, o) in pairs(store, SCHEMA, "mentions")? {
        if let Some((paper, node)) = link(&s, &o) {
            mentions.insert((paper.to_string(), node.to_string()));
        }
    }
    if mentions.is_empty() {
        return Ok(HashMap::new());
    }
    let nodes: BTreeSet<&str> = mentions.iter().map(|(_, n)| n.as_str()).collect();
    let mut class: HashMap<String, &'static str> = HashMap::new();
    for t in EntityType::ALL {
        for n in typed(store, TG_NS, entity_class(t))? {
            class.entry(n).or_insert(t.name());
        }
    }
    let mut keys: HashMap<&str, String> = HashMap::new();
    for (s, o) in pairs(store, TG_NS, "key")? {
        if let (Some(&n), Some(k)) = (subject_iri(&s).and_then(|s| nodes.get(s)), literal(&o)) {
            let e = keys.entry(n).or_insert_with(|| k.to_string());
            if k < e.as_str() {
                *e = k.to_string();
            }
        }
    }
    let mut labels: HashMap<&str, Vec<String>> = HashMap::new();
    for (s, o) in pairs(store, RDFS, "label")? {
        if let (Some(&n), Some(l)) = (subject_iri(&s).and_then(|s| nodes.get(s)), literal(&o)) {
            labels.entry(n).or_default().push(l.to_string());
        }
    }
    let annotated = entity_annotations(store, &nodes)?;
    let mut out: HashMap<String, Vec<EntityRecord>> = HashMap::new();
    for (paper, node) in &mentions {
        let key = keys.get(node.as_str()).cloned().unwrap_or_else(|| slug(node).to_string());
        let label = labels.get(node.as_str()).and_then(|ls| choose_label(ls, &key)).unwrap_or(&key).to_string();
        let ann = annotated.get(&(paper.clone(), node.clone()));
        let kind = ann.and_then(|a| a.kind.clone()).or_else(|| class.get(node).map(|c| c.to_string())).unwrap_or_else(|| "entity".to_string());
        out.entry(paper.clone()).or_default().push(EntityRecord { key, label, kind, score: ann.and_then(|a| a.score) });
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| a.key.cmp(&b.key));
        list.dedup_by(|a, b| a.key == b.key);
    }
    Ok(out)
}

/// The label whose lower case is `key`, else the smallest.
fn choose_label<'a>(labels: &'a [String], key: &str) -> Option<&'a String> {
    labels.iter().min_by_key(|l| (l.to_lowercase() != key, l.as_str()))
}

/// What one paper's annotation of an entity says.
#[derive(Debug, Default)]
struct Annotated {
    score: Option<f64>,
    /// `tg:entityType`: the type this paper's wording gives.
    kind: Option<String>,
}

/// (paper IRI, entity IRI) -> the score and type of the entity annotations (`--evidence
/// full`) whose body is one of `nodes`; the paper is the source of a target, else the
/// annotation IRI before its `#`. Empty at once when no annotation has a `tg:entityType`.
fn entity_annotations(store: &Store, nodes: &BTreeSet<&str>) -> Result<HashMap<(String, String), Annotated>, GraphError> {
    let types = pairs(store, TG_NS, "entityType")?;
    if types.is_empty() {
        return Ok(HashMap::new());
    }
    let body: HashMap<NamedOrBlankNode, String> = pairs(store, OA, "hasBody")?.into_iter().filter_map(|(a, o)| Some((a, iri_of(&o).filter(|n| nodes.contains(n))?.to_string()))).collect();
    let source: HashMap<NamedOrBlankNode, Term> = pairs(store, OA, "hasSource")?.into_iter().collect();
    let mut paper_of: HashMap<NamedOrBlankNode, String> = HashMap::new();
    for (a, t) in pairs(store, OA, "hasTarget")? {
        if !body.contains_key(&a) {
            continue;
        }
        if let Some(p) = as_subject(&t).and_then(|t| source.get(&t)).and_then(iri_of) {
            let e = paper_of.entry(a).or_insert_with(|| p.to_string());
            if p < e.as_str() {
                *e = p.to_string();
            }
        }
    }
    let paper = |a: &NamedOrBlankNode| paper_of.get(a).cloned().or_else(|| subject_iri(a).and_then(|i| i.split_once('#')).map(|(p, _)| p.to_string()));
    let mut out: HashMap<(String, String), Annotated> = HashMap::new();
    for (a, o) in pairs(store, TG_NS, "score")? {
        let (Some(node), Some(p), Some(score)) = (body.get(&a), paper(&a), literal(&o).and_then(|v| v.parse::<f64>().ok())) else { continue };
        let e = &mut out.entry((p, node.clone())).or_default().score;
        *e = Some(e.map_or(score, |s| s.max(score)));
    }
    for (a, o) in types {
        let (Some(node), Some(p), Some(t)) = (body.get(&a), paper(&a), literal(&o)) else { continue };
        let e = &mut out.entry((p, node.clone())).or_default().kind;
        if e.as_deref().is_none_or(|old| t < old) {
            *e = Some(t.to_string());
        }
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
    fn entities_with_one_label_their_type_and_scores_where_annotated() {
        let ttl = r#"
            @prefix tg: <https://w3id.org/topicgraph/ontology#> .
            @prefix e: <https://w3id.org/topicgraph/data/entity/> .
            @prefix p: <https://w3id.org/topicgraph/data/paper/> .
            @prefix schema: <http://schema.org/> .
            @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
            @prefix oa: <http://www.w3.org/ns/oa#> .
            e:llama-3.1-8b a tg:Model, tg:Method ; rdfs:label "LLaMA 3.1 8B", "Llama-3.1-8B", "llama 3.1-8B" ; tg:key "llama-3.1-8b" .
            e:humaneval a tg:Dataset ; rdfs:label "HumanEval" ; tg:key "humaneval" .
            e:untyped rdfs:label "Zeta", "Alpha" .
            p:a schema:mentions e:llama-3.1-8b, e:humaneval, e:untyped .
            p:b schema:mentions e:llama-3.1-8b .
            <https://w3id.org/topicgraph/data/paper/b#entity-llama-3.1-8b> a oa:Annotation ; oa:hasBody e:llama-3.1-8b ;
                tg:score 0.85 ; tg:entityType "method" ; oa:hasTarget <https://w3id.org/topicgraph/data/paper/b#entity-llama-3.1-8b-1> .
            <https://w3id.org/topicgraph/data/paper/b#entity-llama-3.1-8b-1> oa:hasSource p:b .
            p:c schema:mentions e:humaneval .
            <https://w3id.org/topicgraph/data/paper/c#entity-humaneval> oa:hasBody e:humaneval ; tg:score 0.6 .
            <https://w3id.org/topicgraph/data/paper/b#tag-x> oa:hasBody <https://w3id.org/topicgraph/concept/x> ; tg:score 0.3 .
        "#;
        let store = Store::new().unwrap();
        store.load_from_slice(RdfParser::from_format(RdfFormat::Turtle), ttl.as_bytes()).unwrap();
        let got = load_entities(&store).unwrap();
        let row = |e: &EntityRecord| (e.key.clone(), e.label.clone(), e.kind.clone(), e.score);
        let a: Vec<_> = got["https://w3id.org/topicgraph/data/paper/a"].iter().map(row).collect();
        assert_eq!(
            a,
            [
                ("humaneval".to_string(), "HumanEval".to_string(), "dataset".to_string(), None),
                ("llama-3.1-8b".to_string(), "Llama-3.1-8B".to_string(), "model".to_string(), None),
                ("untyped".to_string(), "Alpha".to_string(), "entity".to_string(), None),
            ],
            "the label equal to the key in lower case; the first class in model, dataset, ... order; the smallest label; no annotation, no score"
        );
        let b: Vec<_> = got["https://w3id.org/topicgraph/data/paper/b"].iter().map(row).collect();
        assert_eq!(b, [("llama-3.1-8b".to_string(), "Llama-3.1-8B".to_string(), "method".to_string(), Some(0.85))], "the paper's own annotation gives type and score");
        let c: Vec<_> = got["https://w3id.org/topicgraph/data/paper/c"].iter().map(row).collect();
        assert_eq!(c, [("humaneval".to_string(), "HumanEval".to_string(), "dataset".to_string(), Some(0.6))], "no target: the paper is the annotation IRI before its #");
        assert_eq!(got.len(), 3);
        assert!(load_entities(&fixture()).unwrap().is_empty(), "no mentions, no entities");
    }

    #[test]
    fn colliding_slugs_keep_the_bundled_one() {
        let iris: BTreeSet<String> = ["http://example.org/x/kv-cache", "https://w3id.org/topicgraph/concept/kv-cache"].map(String::from).into();
        let slugs = assign_slugs(&iris);
        assert_eq!(slugs["https://w3id.org/topicgraph/concept/kv-cache"], "kv-cache");
        assert_eq!(slugs["http://example.org/x/kv-cache"], "http://example.org/x/kv-cache");
    }
}
