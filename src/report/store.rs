//! [`load_corpus`]: a report corpus from a store that follows the RDF contract
//! (`docs/rdf.md`). Concepts, papers, tags and authors come from [`crate::graph::load_from_store`];
//! what reports need beyond it (listing dates, categories, links, author names, keywords and,
//! for briefs, the quoted evidence of each tag) is read here, one predicate scan each; for
//! briefs, the named entities of each paper come from [`crate::graph::load_entities`].

use super::corpus::{ConceptMeta, Corpus, EntityMention, ReportPaper, ReportTag, Selection, Skip, TagEvidence};
use super::ReportError;
use crate::graph::{load_entities, load_from_store};
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

fn date(t: &Term) -> Option<PartialDate> {
    text(t).and_then(PartialDate::parse_prefix)
}

/// The concept slug of a tag annotation IRI (`PAPER#tag-SLUG`).
fn tag_slug(iri: &str) -> Option<&str> {
    iri.rsplit_once("#tag-").map(|(_, s)| s)
}

/// Read a report corpus from `store`, keeping the papers `selection` keeps. With `brief`,
/// also what only the topic brief shows: each tag's strongest quoted mention, and each
/// paper's named entities (type and label; trends read neither, so they skip those scans).
///
/// Entities differ from those of papers tagged in memory in two ways: an entity is named by
/// its node's label, one for every paper (see [`load_entities`]), where a tagged paper gives
/// the spelling it wrote; and a compact store has no entity scores (reports do not show
/// them).
///
/// A paper's date is its `dcterms:issued` (first version or arXiv id month), else its
/// listing date, else its modification date, as [`crate::model::Paper::date`] chooses.
pub fn load_corpus(store: &Store, selection: &Selection, brief: bool, source: &str) -> Result<Corpus, ReportError> {
    let (infos, records) = load_from_store(store)?;
    let mut index: HashMap<String, usize> = infos.iter().enumerate().map(|(i, c)| (c.id.clone(), i)).collect();
    let mut concepts: Vec<ConceptMeta> = infos.iter().map(|c| ConceptMeta { id: c.id.clone(), label: c.label.clone(), ..Default::default() }).collect();
    for (i, c) in infos.iter().enumerate() {
        concepts[i].broader = c.broader.iter().filter_map(|b| index.get(b).copied()).collect();
    }
    let mut listed: HashMap<String, PartialDate> = HashMap::new();
    for (s, o) in pairs(store, TG_NS, "listed")? {
        if let Some(d) = date(&o) {
            listed.insert(s, d);
        }
    }
    let mut modified: HashMap<String, PartialDate> = HashMap::new();
    for (s, o) in pairs(store, DCTERMS, "modified")? {
        if let Some(d) = date(&o) {
            modified.insert(s, d);
        }
    }
    let many = |ns: &str, local: &str| -> Result<HashMap<String, Vec<String>>, ReportError> {
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
    };
    let categories = many(TG_NS, "category")?;
    let primaries: HashMap<String, String> = pairs(store, TG_NS, "primaryCategory")?.into_iter().filter_map(|(s, o)| text(&o).map(|t| (s, t.to_string()))).collect();
    if selection.primary && !selection.categories.is_empty() && primaries.is_empty() && !records.is_empty() {
        return Err(ReportError::NoPrimaryCategories);
    }
    let keywords = many(SCHEMA, "keywords")?;
    let urls = many(SCHEMA, "url")?;
    let names = many(SCHEMA, "name")?;
    let iri_of: HashMap<&str, usize> = infos.iter().enumerate().map(|(i, c)| (c.iri.as_str(), i)).collect();
    for local in ["altLabel", "hiddenLabel"] {
        for (s, o) in pairs(store, crate::rdf::vocab::SKOS, local)? {
            if let (Some(&i), Some(l)) = (iri_of.get(s.as_str()), text(&o)) {
                concepts[i].names.push(l.to_string());
            }
        }
    }
    for (s, o) in pairs(store, TG_NS, "acronym")? {
        if let (Some(&i), Some(l)) = (iri_of.get(s.as_str()), text(&o)) {
            concepts[i].names.push(l.to_string());
        }
    }
    for c in &mut concepts {
        c.names.sort();
        c.names.dedup();
    }
    let quotes = if brief { Some(load_evidence(store)?) } else { None };
    let mut entities = if brief { load_entities(store)? } else { HashMap::new() };

    let mut corpus = Corpus { source: source.to_string(), ..Default::default() };
    for r in records {
        corpus.read += 1;
        let own = r.date.as_deref().and_then(PartialDate::parse_prefix);
        let list = listed.get(&r.iri).copied();
        let upd = modified.get(&r.iri).copied();
        let latest = [own, list, upd].into_iter().flatten().filter(|d| d.precision() == DatePrecision::Day).max();
        if let Some(d) = latest {
            if corpus.as_of.is_none_or(|a| d > a) {
                corpus.as_of = Some(d);
            }
        }
        let paper_date = own.or(list).or(upd);
        let mut cats = categories.get(&r.iri).cloned().unwrap_or_default();
        let primary = primaries.get(&r.iri);
        if let Some(p) = primary {
            cats.retain(|c| c != p);
            cats.insert(0, p.clone());
        }
        let basis_date = match selection.basis {
            super::DateBasis::Published => paper_date,
            super::DateBasis::Listed => list,
        };
        // A paper whose primary category the store does not know has none to match.
        let check_cats: &[String] = if selection.primary && primary.is_none() { &[] } else { &cats };
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
        let mut tags = Vec::with_capacity(r.concepts.len());
        for (id, score) in &r.concepts {
            let i = *index.entry(id.clone()).or_insert_with(|| {
                concepts.push(ConceptMeta { id: id.clone(), label: id.clone(), ..Default::default() });
                concepts.len() - 1
            });
            let ev = quotes.as_ref().and_then(|q| q.get(&(r.iri.clone(), id.clone()))).cloned().map(Box::new);
            tags.push(ReportTag { concept: i as u32, score: *score as f32, evidence: ev });
        }
        tags.sort_by_key(|t| t.concept);
        tags.dedup_by_key(|t| t.concept);
        let authors = r.authors.iter().map(|a| names.get(a).and_then(|n| n.first()).cloned().unwrap_or_else(|| a.clone())).collect();
        corpus.papers.push(ReportPaper {
            id: r.id.clone(),
            title: r.title.clone(),
            url: urls.get(&r.iri).and_then(|u| u.first()).cloned(),
            date: paper_date,
            listed: list,
            categories: cats,
            authors,
            tags,
            phrases: keywords.get(&r.iri).cloned().unwrap_or_default(),
            entities: {
                let mut e: Vec<EntityMention> = entities.remove(&r.iri).unwrap_or_default().into_iter().map(|e| EntityMention { kind: e.kind, name: e.label }).collect();
                e.sort();
                e.dedup();
                e
            },
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
