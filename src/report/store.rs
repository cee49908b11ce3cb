//! [`load_corpus`]: a report corpus from a store that follows the RDF contract
//! (`docs/rdf.md`). Concepts, papers, tags and authors come from [`crate::graph::load_from_store`];
//! what reports need beyond it (listing dates, categories, links, author names, keywords and,
//! for briefs, the quoted evidence of each tag) is read here, one predicate scan each; for
//! briefs, the named entities of each paper come from [`crate::graph::load_entities`].

use super::corpus::{ConceptMeta, Corpus, EntityMention, ReportPaper, ReportTag, Selection, Skip, TagEvidence};
use super::ReportError;
use crate::graph::{concept_id, load_concepts, load_entities, load_from_store, ConceptInfo};
use crate::rdf::sidecar::{person_key, short_concept, sort_concepts, PaperDigest, Sidecar, Stale};
use crate::rdf::store::KgStore;
use crate::model::{DatePrecision, PartialDate};
use crate::rdf::vocab::{DCTERMS, OA, PROV, SCHEMA, TG_NS};
use oxigraph::model::{NamedNode, NamedOrBlankNode, Term};
use oxigraph::store::Store;
use std::collections::HashMap;

/// Every `(subject IRI, object)` of a predicate, in any graph.
fn pairs(store: &Store, ns: &str, local: &str) -> Result<Vec<(String, Term)>, ReportError> {
    let predicate = NamedNode::new_unchecked(format!("{ns}{local}"));
    let mut out = Vec::new();
    for q in store.quads_for_pattern(None, Some(predicate.as_ref()), None, None) {
        let q = q.map_err(ReportError::Storage)?;
        if let NamedOrBlankNode::NamedNode(s) = q.subject {
            out.push((s.into_string(), q.object));
        }
    }
    Ok(out)
}

fn text(t: &Term) -> Option<&str> {
    match t {
        Term::Literal(l) => Some(l.value()),
        Term::NamedNode(n) => Some(n.as_str()),
        _ => None,
    }
}

/// The concept slug of a tag annotation IRI (`PAPER#tag-SLUG`).
fn tag_slug(iri: &str) -> Option<&str> {
    iri.rsplit_once("#tag-").map(|(_, s)| s)
}

/// Read a report corpus from `store`, keeping the papers `selection` keeps. With `brief`,
/// also what only the topic brief shows: each paper's authors, each tag's strongest quoted
/// mention, and each paper's named entities (type and label; trends read none of these, so
/// they skip those scans).
///
/// Entities differ from those of papers tagged in memory in two ways: an entity is named by
/// its node's label, one for every paper (see [`load_entities`]), where a tagged paper gives
/// the spelling it wrote; and a compact store has no entity scores (reports do not show
/// them).
///
/// A paper's date is its `dcterms:issued` (first version or arXiv id month), else its
/// listing date, else its modification date, as [`crate::model::Paper::date`] chooses.
///
/// Trends read the same papers faster from the tag sidecar when it is valid
/// ([`corpus_from_digests`] with [`crate::rdf::sidecar::Sidecar::read`]); this reads the store.
pub fn load_corpus(store: &Store, selection: &Selection, brief: bool, source: &str) -> Result<Corpus, ReportError> {
    let (infos, records) = load_from_store(store)?;
    let authors = if brief {
        let names = many(store, SCHEMA, "name")?;
        records.iter().map(|r| (r.iri.clone(), r.authors.iter().map(|a| names.get(a).and_then(|n| n.first()).cloned().unwrap_or_else(|| a.clone())).collect())).collect()
    } else {
        HashMap::new()
    };
    let digests = digests_of(store, &infos, records)?;
    let brief = if brief { Some(Brief { authors, quotes: load_evidence(store)?, entities: load_entities(store)? }) } else { None };
    corpus_from_digests(store, infos, &digests, selection, brief, source)
}

/// Where [`current_digests`] found the papers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DigestSource {
    /// The tag sidecar, valid.
    Sidecar,
    /// The store, because the sidecar was not valid; `rewritten`: a new sidecar was written.
    Store { stale: Stale, rewritten: bool },
}

impl std::fmt::Display for DigestSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DigestSource::Sidecar => write!(f, "from the tag sidecar"),
            DigestSource::Store { stale, rewritten: true } => write!(f, "from the store ({stale}; rebuilt it)"),
            DigestSource::Store { stale, rewritten: false } => write!(f, "from the store ({stale})"),
        }
    }
}

/// Every paper of `kg` as a digest, in IRI order: from its tag sidecar when that is valid,
/// else from the store ([`store_digests`]). A writer that knows the store's last run
/// (`rewrite_as_of`: the run's IRI and its graph) writes the sidecar anew from what it read;
/// it also rewrites a valid sidecar that superseded entries have doubled.
pub fn current_digests(kg: &KgStore, rewrite_as_of: Option<(&str, &str)>) -> Result<(Vec<PaperDigest>, DigestSource), ReportError> {
    let io = |e: std::io::Error| ReportError::Io(e);
    let stale = match kg.path().map(|dir| Sidecar::read(dir, kg)) {
        Some(Ok(s)) => {
            if let (true, Some(dir), true) = (kg.writable(), kg.path(), s.worth_rewriting()) {
                Sidecar::rewrite(dir, s.papers.values().cloned().collect(), &s.run.0, &s.run.1).map_err(io)?;
            }
            return Ok((s.papers.into_values().collect(), DigestSource::Sidecar));
        }
        Some(Err(stale)) => stale,
        None => Stale::Missing,
    };
    let (_, digests) = store_digests(kg)?;
    let rewritten = match (kg.path(), rewrite_as_of) {
        (Some(dir), Some((run, graph))) if kg.writable() => {
            Sidecar::rewrite(dir, digests.clone(), run, graph).map_err(io)?;
            true
        }
        _ => false,
    };
    Ok((digests, DigestSource::Store { stale, rewritten }))
}

/// The corpus of a trend report (no brief) from the store `kg`: its papers as
/// [`current_digests`] finds them (read-only: a stale sidecar is not rewritten).
pub fn trend_corpus(kg: &KgStore, selection: &Selection, source: &str) -> Result<(Corpus, DigestSource), ReportError> {
    let (digests, from) = current_digests(kg, None)?;
    let (infos, _) = load_concepts(kg)?;
    Ok((corpus_from_digests(kg, infos, &digests, selection, None, source)?, from))
}

/// Every paper of `store` as the tag sidecar keeps it, with the ontology's concepts: what a
/// stale sidecar is rebuilt from. Reads the store as [`load_corpus`] does.
pub fn store_digests(store: &Store) -> Result<(Vec<ConceptInfo>, Vec<PaperDigest>), ReportError> {
    let (infos, records) = load_from_store(store)?;
    let digests = digests_of(store, &infos, records)?;
    Ok((infos, digests))
}

/// What only a topic brief reads from the store, by paper IRI.
pub struct Brief {
    authors: HashMap<String, Vec<String>>,
    quotes: HashMap<(String, String), TagEvidence>,
    entities: HashMap<String, Vec<crate::graph::EntityRecord>>,
}

/// Every `(subject IRI, text)` of a predicate, grouped by subject, sorted, without repeats.
fn many(store: &Store, ns: &str, local: &str) -> Result<HashMap<String, Vec<String>>, ReportError> {
    let mut m: HashMap<String, Vec<String>> = HashMap::new();
    for (s, o) in pairs(store, ns, local)? {
        if let Some(t) = text(&o) {
            m.entry(s).or_default().push(t.to_string());
        }
    }
    for v in m.values_mut() {
        v.sort();
        v.dedup();
    }
    Ok(m)
}

/// The graph's paper records completed with what reports read beyond them (listing and
/// modification dates, primary category, keywords, URL), one predicate scan each.
fn digests_of(store: &Store, infos: &[ConceptInfo], records: Vec<crate::graph::PaperRecord>) -> Result<Vec<PaperDigest>, ReportError> {
    let iri_of_id: HashMap<&str, &str> = infos.iter().map(|c| (c.id.as_str(), c.iri.as_str())).collect();
    let single = |ns: &str, local: &str| -> Result<HashMap<String, String>, ReportError> {
        Ok(many(store, ns, local)?.into_iter().filter_map(|(s, mut v)| if v.is_empty() { None } else { Some((s, v.swap_remove(0))) }).collect())
    };
    let mut listed = single(TG_NS, "listed")?;
    let mut modified = single(DCTERMS, "modified")?;
    let mut primaries = single(TG_NS, "primaryCategory")?;
    let mut keywords = many(store, SCHEMA, "keywords")?;
    let mut urls = single(SCHEMA, "url")?;
    Ok(records
        .into_iter()
        .map(|r| {
            let mut concepts: Vec<(String, f64)> = r.concepts.iter().map(|(id, score)| (short_concept(iri_of_id.get(id.as_str()).copied().unwrap_or(id)), *score)).collect();
            sort_concepts(&mut concepts);
            PaperDigest {
                listed: listed.remove(&r.iri),
                modified: modified.remove(&r.iri),
                primary: primaries.remove(&r.iri),
                keywords: keywords.remove(&r.iri).unwrap_or_default(),
                url: urls.remove(&r.iri),
                authors: r.authors.iter().map(|a| person_key(a).to_string()).collect(),
                id: r.id,
                other_ids: r.other_ids,
                title: r.title,
                issued: r.date,
                categories: r.categories,
                concepts,
                keep_tags: false,
                iri: r.iri,
            }
        })
        .collect())
}

/// The concepts as reports show them (labels, broader links, every other name), and the
/// index of each by id.
fn concept_metas(store: &Store, infos: &[ConceptInfo]) -> Result<(Vec<ConceptMeta>, HashMap<String, usize>), ReportError> {
    let index: HashMap<String, usize> = infos.iter().enumerate().map(|(i, c)| (c.id.clone(), i)).collect();
    let mut concepts: Vec<ConceptMeta> = infos.iter().map(|c| ConceptMeta { id: c.id.clone(), label: c.label.clone(), ..Default::default() }).collect();
    for (i, c) in infos.iter().enumerate() {
        concepts[i].broader = c.broader.iter().filter_map(|b| index.get(b).copied()).collect();
    }
    let iri_of: HashMap<&str, usize> = infos.iter().enumerate().map(|(i, c)| (c.iri.as_str(), i)).collect();
    for (ns, local) in [(crate::rdf::vocab::SKOS, "altLabel"), (crate::rdf::vocab::SKOS, "hiddenLabel"), (TG_NS, "acronym")] {
        for (s, o) in pairs(store, ns, local)? {
            if let (Some(&i), Some(l)) = (iri_of.get(s.as_str()), text(&o)) {
                concepts[i].names.push(l.to_string());
            }
        }
    }
    for c in &mut concepts {
        c.names.sort();
        c.names.dedup();
    }
    Ok((concepts, index))
}

/// A report corpus from paper digests (the tag sidecar's, or [`store_digests`]), with the
/// concepts `infos` of `store`'s ontology graph; `brief` adds what a topic brief shows.
pub fn corpus_from_digests(store: &Store, infos: Vec<ConceptInfo>, digests: &[PaperDigest], selection: &Selection, mut brief: Option<Brief>, source: &str) -> Result<Corpus, ReportError> {
    let (mut concepts, mut index) = concept_metas(store, &infos)?;
    let ids: HashMap<String, String> = infos.iter().map(|c| (c.iri(), c.id.clone())).collect();
    if selection.primary && !selection.categories.is_empty() && !digests.is_empty() && digests.iter().all(|d| d.primary.is_none()) {
        return Err(ReportError::NoPrimaryCategories);
    }
    let mut corpus = Corpus { source: source.to_string(), ..Default::default() };
    for d in digests {
        corpus.read += 1;
        let parse = |s: &Option<String>| s.as_deref().and_then(PartialDate::parse_prefix);
        let (own, list, upd) = (parse(&d.issued), parse(&d.listed), parse(&d.modified));
        let latest = [own, list, upd].into_iter().flatten().filter(|d| d.precision() == DatePrecision::Day).max();
        if let Some(day) = latest {
            if corpus.as_of.is_none_or(|a| day > a) {
                corpus.as_of = Some(day);
            }
        }
        let paper_date = own.or(list).or(upd);
        let mut cats = d.categories.clone();
        if let Some(p) = &d.primary {
            cats.retain(|c| c != p);
            cats.insert(0, p.clone());
        }
        let basis_date = match selection.basis {
            super::DateBasis::Published => paper_date,
            super::DateBasis::Listed => list,
        };
        // A paper whose primary category the store does not know has none to match.
        let check_cats: &[String] = if selection.primary && d.primary.is_none() { &[] } else { &cats };
        match selection.check(check_cats, basis_date) {
            Err(Skip::Category) => {
                corpus.skipped.category += 1;
                continue;
            }
            Err(Skip::Range) => {
                corpus.skipped.range += 1;
                continue;
            }
            Err(Skip::Undated) => {
                corpus.skipped.undated += 1;
                continue;
            }
            Ok(()) => {}
        }
        let mut tags = Vec::with_capacity(d.concepts.len());
        for (short, score) in &d.concepts {
            let id = concept_id(&PaperDigest::concept_iri(short), &ids);
            let ev = brief.as_ref().and_then(|b| b.quotes.get(&(d.iri.clone(), id.clone()))).cloned().map(Box::new);
            let i = *index.entry(id).or_insert_with_key(|id| {
                concepts.push(ConceptMeta { id: id.clone(), label: id.clone(), ..Default::default() });
                concepts.len() - 1
            });
            tags.push(ReportTag { concept: i as u32, score: *score as f32, evidence: ev });
        }
        tags.sort_by_key(|t| t.concept);
        tags.dedup_by_key(|t| t.concept);
        let (authors, mut entities) = match brief.as_mut() {
            Some(b) => (
                b.authors.remove(&d.iri).unwrap_or_default(),
                b.entities.remove(&d.iri).unwrap_or_default().into_iter().map(|e| EntityMention { kind: e.kind, name: e.label }).collect::<Vec<_>>(),
            ),
            None => (Vec::new(), Vec::new()),
        };
        entities.sort();
        entities.dedup();
        corpus.papers.push(ReportPaper {
            id: d.id.clone(),
            title: d.title.clone(),
            url: d.url.clone(),
            date: paper_date,
            listed: list,
            categories: cats,
            authors,
            tags,
            phrases: d.keywords.clone(),
            entities,
        });
    }
    corpus.concepts = concepts;
    Ok(corpus)
}

/// (paper IRI, concept slug) -> the strongest evidence the store kept: the rule, and the
/// quoted text with its field, or for a roll-up the tag it was derived from.
fn load_evidence(store: &Store) -> Result<HashMap<(String, String), TagEvidence>, ReportError> {
    let rules: HashMap<String, String> = pairs(store, TG_NS, "rule")?.into_iter().filter_map(|(s, o)| Some((s, text(&o)?.to_string()))).collect();
    let mut targets: HashMap<String, Vec<String>> = HashMap::new();
    for (s, o) in pairs(store, OA, "hasTarget")? {
        if let Some(t) = text(&o) {
            targets.entry(s).or_default().push(t.to_string());
        }
    }
    let fields: HashMap<String, String> = pairs(store, TG_NS, "field")?.into_iter().filter_map(|(s, o)| Some((s, text(&o)?.to_string()))).collect();
    let selectors: HashMap<String, Vec<String>> = {
        let mut m: HashMap<String, Vec<String>> = HashMap::new();
        for (s, o) in pairs(store, OA, "hasSelector")? {
            if let Some(t) = text(&o) {
                m.entry(s).or_default().push(t.to_string());
            }
        }
        m
    };
    let exact: HashMap<String, String> = pairs(store, OA, "exact")?.into_iter().filter_map(|(s, o)| Some((s, text(&o)?.to_string()))).collect();
    let mut derived: HashMap<String, String> = HashMap::new();
    for (s, o) in pairs(store, PROV, "wasDerivedFrom")? {
        if let (Some(_), Some(via)) = (tag_slug(&s), text(&o).and_then(tag_slug)) {
            let e = derived.entry(s).or_insert_with(|| via.to_string());
            if via < e.as_str() {
                *e = via.to_string();
            }
        }
    }
    let mut out = HashMap::new();
    for (ann, rule) in rules {
        let Some((paper, slug)) = ann.rsplit_once("#tag-") else { continue };
        let mut ev = TagEvidence { field: String::new(), text: String::new(), rule };
        let mut ts = targets.get(&ann).cloned().unwrap_or_default();
        ts.sort();
        if let Some(t) = ts.iter().find(|t| fields.contains_key(*t)) {
            ev.field = fields[t].clone();
            let mut quotes: Vec<&String> = selectors.get(t).into_iter().flatten().filter_map(|s| exact.get(s)).collect();
            quotes.sort();
            if let Some(q) = quotes.first() {
                ev.text = (*q).clone();
            }
        } else if let Some(via) = derived.get(&ann) {
            ev.text = via.clone();
        }
        out.insert((paper.to_string(), slug.to_string()), ev);
    }
    Ok(out)
}
