//! Papers, tags and the ontology as quads. Pure functions of their inputs: the same paper
//! and tags give the same quads, in the same order.
//!
//! Vocabulary (documented in `docs/rdf.md`): DCTERMS and schema.org for papers and people
//! (authors as `schema:Role`s carrying `schema:position`, and a direct `dcterms:creator` link
//! to each person), SKOS for the ontology, PROV-O for
//! sources, the W3C Web Annotation vocabulary for the evidence of each tag.

use crate::extract::entity::{Entity, EntityType};
use crate::link::{ConceptTag, Evidence, Rule, Tagged};
use crate::model::{DatePrecision, PartialDate, Paper};
use crate::ontology::Ontology;
use crate::rdf::iri::{prefixed_ids, Graph, Iris};
use crate::rdf::vocab::{DCAT, DCTERMS, OA, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, TG_NS, XSD};
use oxigraph::model::{GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term};

/// The version of the quads a paper maps to. Bump it when they change: a store whose papers
/// were written by another version has them rewritten by its next `build` (the version is part
/// of each paper's `tg:taggedWith`), so old and new papers never mix in one store.
/// 2: `dcterms:creator` from a paper to each of its authors.
/// 3: compact evidence quotes a roll-up's mention when the roll-up is the tag's strongest
///    evidence (a KV-cache tag rolled up from "Prefix Sharing" quoted a weak scope word).
pub const MAPPING_VERSION: u32 = 3;

/// How much of a tag's evidence becomes quads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EvidenceMode {
    /// One annotation per tag with its strongest mention (a roll-up's: the finer concept's
    /// mention) as a quote selector; types that
    /// the properties imply (`schema:Person`, `prov:Entity`) and `oa:motivatedBy` are left
    /// out, to stay near 60 quads per paper.
    #[default]
    Compact,
    /// Every mention, each with a quote and a position selector, and every type.
    Full,
}

impl std::str::FromStr for EvidenceMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "compact" => Ok(EvidenceMode::Compact),
            "full" => Ok(EvidenceMode::Full),
            _ => Err(format!("unknown evidence mode {s:?}: use compact or full")),
        }
    }
}

fn term(ns: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{ns}{local}"))
}

/// Collects quads for one graph.
struct Sink<'a> {
    graph: GraphName,
    out: &'a mut Vec<Quad>,
}

impl Sink<'_> {
    fn add(&mut self, s: &NamedNode, p: (&str, &str), o: impl Into<Term>) {
        self.out.push(Quad::new(NamedOrBlankNode::from(s.clone()), term(p.0, p.1), o, self.graph.clone()));
    }
    fn literal(&mut self, s: &NamedNode, p: (&str, &str), value: &str) {
        self.add(s, p, Literal::new_simple_literal(value));
    }
    fn english(&mut self, s: &NamedNode, p: (&str, &str), value: &str) {
        self.add(s, p, Literal::new_language_tagged_literal_unchecked(value, "en"));
    }
    /// A link when the value is a valid IRI, else nothing (a broken URL is no link).
    fn link(&mut self, s: &NamedNode, p: (&str, &str), url: &str) {
        if let Ok(n) = NamedNode::new(url) {
            self.add(s, p, n);
        }
    }
    fn a(&mut self, s: &NamedNode, class: (&str, &str)) {
        self.add(s, (RDF, "type"), term(class.0, class.1));
    }
}

/// A date with its precision: `xsd:date`, `xsd:gYearMonth` or `xsd:gYear`.
pub fn date_literal(d: PartialDate) -> Literal {
    let (text, dt) = match d.precision() {
        DatePrecision::Day => (format!("{:04}-{:02}-{:02}", d.year, d.month.unwrap_or(1), d.day.unwrap_or(1)), "date"),
        DatePrecision::Month => (format!("{:04}-{:02}", d.year, d.month.unwrap_or(1)), "gYearMonth"),
        DatePrecision::Year => (format!("{:04}", d.year), "gYear"),
    };
    Literal::new_typed_literal(text, term(XSD, dt))
}

/// The `tg:` class of an entity type.
pub fn entity_class(t: EntityType) -> &'static str {
    match t {
        EntityType::Model => "Model",
        EntityType::Dataset => "Dataset",
        EntityType::Method => "Method",
        EntityType::Software => "Software",
        EntityType::Metric => "Metric",
    }
}

/// A score rounded to three decimals, as `xsd:double`.
fn score_literal(x: f64) -> Literal {
    Literal::from(score_value(x))
}

/// A tag's score as stored: three decimals.
pub fn score_value(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The quads of one paper and its tags. Holds the IRI factory and the evidence mode.
pub struct Mapper<'a> {
    pub iris: &'a Iris,
    pub evidence: EvidenceMode,
}

impl Mapper<'_> {
    fn sink<'o>(&self, g: Graph, out: &'o mut Vec<Quad>) -> Sink<'o> {
        Sink { graph: self.iris.graph(g).into(), out }
    }

    /// The bibliographic record (papers graph).
    pub fn paper(&self, p: &Paper, out: &mut Vec<Quad>) {
        let iri = self.iris.paper(p);
        let mut g = self.sink(Graph::Papers, out);
        g.a(&iri, (SCHEMA, "ScholarlyArticle"));
        if !p.title.is_empty() {
            g.literal(&iri, (DCTERMS, "title"), &p.title);
        }
        if !p.abstract_text.is_empty() {
            g.literal(&iri, (DCTERMS, "abstract"), &p.abstract_text);
        }
        if let Some(d) = p.published.or(p.id_date) {
            g.add(&iri, (DCTERMS, "issued"), date_literal(d));
        }
        if let Some(d) = p.updated {
            g.add(&iri, (DCTERMS, "modified"), date_literal(d));
        }
        if let Some(d) = p.listed {
            g.add(&iri, (TG_NS, "listed"), date_literal(d));
        }
        for id in prefixed_ids(p) {
            g.literal(&iri, (DCTERMS, "identifier"), &id);
        }
        for c in &p.categories {
            g.literal(&iri, (TG_NS, "category"), c);
        }
        // The first category is the primary one (arXiv lists it first).
        if let Some(c) = p.categories.first() {
            g.literal(&iri, (TG_NS, "primaryCategory"), c);
        }
        for k in &p.keywords {
            g.literal(&iri, (SCHEMA, "keywords"), k);
        }
        if let Some(v) = &p.venue {
            let venue = self.iris.venue(v);
            g.add(&iri, (SCHEMA, "isPartOf"), venue.clone());
            g.literal(&venue, (SCHEMA, "name"), v);
        }
        if let Some(u) = &p.links.abs {
            g.link(&iri, (SCHEMA, "url"), u);
        }
        if let Some(u) = &p.links.pdf {
            g.link(&iri, (DCAT, "downloadURL"), u);
        }
        for u in &p.links.code {
            g.link(&iri, (SCHEMA, "codeRepository"), u);
        }
        for u in &p.links.other {
            g.link(&iri, (RDFS, "seeAlso"), u);
        }
        for (i, a) in p.authors.iter().enumerate() {
            let role = Iris::owned(&iri, &format!("author-{}", i + 1));
            let person = self.iris.person(&a.name);
            g.add(&iri, (SCHEMA, "author"), role.clone());
            g.add(&iri, (DCTERMS, "creator"), person.clone());
            g.add(&role, (SCHEMA, "author"), person.clone());
            g.add(&role, (SCHEMA, "position"), Literal::from(i as i64 + 1));
            for aff in &a.affiliations {
                g.literal(&role, (SCHEMA, "affiliation"), aff);
            }
            if self.evidence == EvidenceMode::Full {
                g.a(&person, (SCHEMA, "Person"));
            }
            g.literal(&person, (SCHEMA, "name"), &a.name);
        }
    }

    /// Which source records the paper came from (provenance graph).
    pub fn provenance(&self, p: &Paper, out: &mut Vec<Quad>) {
        let iri = self.iris.paper(p);
        let mut g = self.sink(Graph::Provenance, out);
        for (i, s) in p.sources.iter().enumerate() {
            let src = self.iris.source_record(&iri, i + 1);
            g.add(&iri, (PROV, "wasDerivedFrom"), src.clone());
            if self.evidence == EvidenceMode::Full {
                g.a(&src, (PROV, "Entity"));
            }
            g.literal(&src, (DCTERMS, "format"), &s.format);
            g.literal(&src, (RDFS, "label"), &format!("{} {}", s.file, s.record));
        }
    }

    /// The tags: a `dcterms:subject` link per concept and a Web Annotation with its score,
    /// rule and evidence (annotations graph).
    pub fn annotations(&self, paper: &NamedNode, tagged: &Tagged, ontology: &Ontology, out: &mut Vec<Quad>) {
        let mut g = self.sink(Graph::Annotations, out);
        let tagged_ids: Vec<&str> = tagged.concepts.iter().map(|t| t.id.as_str()).collect();
        for tag in &tagged.concepts {
            let Some(concept) = ontology.get(&tag.id) else { continue };
            let concept = NamedNode::new_unchecked(concept.iri.clone());
            g.add(paper, (DCTERMS, "subject"), concept.clone());
            self.annotation(&mut g, paper, &concept, tag, &tagged_ids);
        }
        for e in &tagged.entities {
            self.entity(&mut g, paper, e, ontology);
        }
    }

    /// A named entity of a paper: the shared entity node (typed, labelled, with its key,
    /// family, ontology concept and repositories), the paper's `schema:mentions` link, and a
    /// Web Annotation with score, rule and quote selectors, like a concept tag's.
    fn entity(&self, g: &mut Sink, paper: &NamedNode, e: &Entity, ontology: &Ontology) {
        let node = self.iris.entity(&e.key);
        g.a(&node, (TG_NS, entity_class(e.kind)));
        g.literal(&node, (RDFS, "label"), e.name.as_deref().unwrap_or(&e.text));
        g.literal(&node, (TG_NS, "key"), &e.key);
        if let Some(f) = &e.family {
            g.add(&node, (TG_NS, "family"), self.iris.entity(f));
        }
        if let Some(c) = e.concept.as_deref().and_then(|c| ontology.get(c)) {
            g.add(&node, (SKOS, "exactMatch"), NamedNode::new_unchecked(c.iri.clone()));
        }
        for u in &e.urls {
            g.link(&node, (SCHEMA, "codeRepository"), u);
        }
        g.add(paper, (SCHEMA, "mentions"), node.clone());
        // The compact graph keeps the link; the annotation with its evidence (score, rule,
        // quote and position selectors) comes with --evidence full, so a paper stays near
        // 60 quads by default.
        if self.evidence == EvidenceMode::Compact {
            return;
        }
        let id = format!("entity-{}", e.key);
        let ann = Iris::owned(paper, &id);
        g.a(&ann, (OA, "Annotation"));
        g.add(&ann, (OA, "motivatedBy"), term(OA, "identifying"));
        g.add(&ann, (OA, "hasBody"), node.clone());
        g.add(&ann, (TG_NS, "score"), score_literal(e.score));
        g.literal(&ann, (TG_NS, "rule"), e.evidence.first().map_or("gazetteer", |x| x.rule.name()));
        g.literal(&ann, (TG_NS, "entityType"), e.kind.name());
        for (i, m) in e.mentions.iter().enumerate() {
            let target = Iris::owned(paper, &format!("{id}-{}", i + 1));
            g.add(&ann, (OA, "hasTarget"), target.clone());
            g.add(&target, (OA, "hasSource"), paper.clone());
            g.literal(&target, (TG_NS, "field"), m.field.name());
            let quote = Iris::owned(paper, &format!("{id}-{}-quote", i + 1));
            g.add(&target, (OA, "hasSelector"), quote.clone());
            g.a(&quote, (OA, "TextQuoteSelector"));
            g.literal(&quote, (OA, "exact"), &m.text);
            let pos = Iris::owned(paper, &format!("{id}-{}-position", i + 1));
            g.add(&target, (OA, "hasSelector"), pos.clone());
            g.a(&pos, (OA, "TextPositionSelector"));
            g.add(&pos, (OA, "start"), Literal::new_typed_literal(m.start.to_string(), term(XSD, "nonNegativeInteger")));
            g.add(&pos, (OA, "end"), Literal::new_typed_literal(m.end.to_string(), term(XSD, "nonNegativeInteger")));
        }
    }

    fn annotation(&self, g: &mut Sink, paper: &NamedNode, concept: &NamedNode, tag: &ConceptTag, tagged_ids: &[&str]) {
        let ann = Iris::owned(paper, &format!("tag-{}", tag.id));
        g.a(&ann, (OA, "Annotation"));
        if self.evidence == EvidenceMode::Full {
            g.add(&ann, (OA, "motivatedBy"), term(OA, "classifying"));
        }
        g.add(&ann, (OA, "hasBody"), concept.clone());
        g.add(&ann, (TG_NS, "score"), score_literal(tag.score));
        let principal = principal_evidence(tag);
        g.literal(&ann, (TG_NS, "rule"), principal.map_or("semantic", |e| e.rule.name()));
        // A roll-up names the tags it comes from (those below the threshold have no
        // annotation to point at).
        for via in tag.evidence.iter().filter_map(|e| e.via.as_deref()).filter(|v| tagged_ids.contains(v)) {
            g.add(&ann, (PROV, "wasDerivedFrom"), Iris::owned(paper, &format!("tag-{via}")));
        }
        let chosen: Vec<&Evidence> = match self.evidence {
            EvidenceMode::Compact => principal.filter(|e| !e.text.is_empty()).into_iter().collect(),
            // Every mention of the concept's own; roll-ups' mentions belong to the finer tags.
            EvidenceMode::Full => tag.evidence.iter().filter(|e| !matches!(e.rule, Rule::CoreRollup | Rule::Broader)).collect(),
        };
        if chosen.is_empty() {
            g.add(&ann, (OA, "hasTarget"), paper.clone());
        }
        for (i, e) in chosen.iter().enumerate() {
            let target = Iris::owned(paper, &format!("tag-{}-{}", tag.id, i + 1));
            g.add(&ann, (OA, "hasTarget"), target.clone());
            g.add(&target, (OA, "hasSource"), paper.clone());
            g.literal(&target, (TG_NS, "field"), e.field.name());
            let quote = Iris::owned(paper, &format!("tag-{}-{}-quote", tag.id, i + 1));
            g.add(&target, (OA, "hasSelector"), quote.clone());
            g.a(&quote, (OA, "TextQuoteSelector"));
            g.literal(&quote, (OA, "exact"), &e.text);
            if self.evidence == EvidenceMode::Full {
                let pos = Iris::owned(paper, &format!("tag-{}-{}-position", tag.id, i + 1));
                g.add(&target, (OA, "hasSelector"), pos.clone());
                g.a(&pos, (OA, "TextPositionSelector"));
                g.add(&pos, (OA, "start"), Literal::new_typed_literal(e.start.to_string(), term(XSD, "nonNegativeInteger")));
                g.add(&pos, (OA, "end"), Literal::new_typed_literal(e.end.to_string(), term(XSD, "nonNegativeInteger")));
                if let Some(label) = &e.label {
                    g.literal(&target, (TG_NS, "label"), label);
                }
            }
        }
    }

    /// The ontology as SKOS (ontology graph): exactly the concepts and labels the linker
    /// used, whatever files they came from, with the combined version on the scheme.
    pub fn ontology(&self, ontology: &Ontology, out: &mut Vec<Quad>) {
        let scheme = self.iris.scheme();
        let mut g = self.sink(Graph::Ontology, out);
        g.a(&scheme, (SKOS, "ConceptScheme"));
        g.literal(&scheme, (OWL, "versionInfo"), &ontology.version());
        for s in &ontology.sources {
            g.literal(&scheme, (DCTERMS, "source"), &format!("{} {}", s.name, s.version));
        }
        let (core, umbrella) = (term(TG_NS, "core"), term(TG_NS, "umbrella"));
        let iri = |i: usize| NamedNode::new_unchecked(ontology.concepts[i].iri.clone());
        for (i, c) in ontology.concepts.iter().enumerate() {
            let node = iri(i);
            g.a(&node, (SKOS, "Concept"));
            g.add(&node, (SKOS, "inScheme"), scheme.clone());
            g.english(&node, (SKOS, "prefLabel"), &c.pref_label);
            for l in &c.alt_labels {
                g.english(&node, (SKOS, "altLabel"), l);
            }
            for l in &c.hidden_labels {
                g.english(&node, (SKOS, "hiddenLabel"), l);
            }
            for a in &c.acronyms {
                g.literal(&node, (TG_NS, "acronym"), a);
            }
            if let Some(n) = &c.scope_note {
                g.english(&node, (SKOS, "scopeNote"), n);
            }
            if c.broader.is_empty() {
                g.add(&node, (SKOS, "topConceptOf"), scheme.clone());
            }
            for &b in &c.broader {
                g.add(&node, (SKOS, "broader"), iri(b));
            }
            for &n in &c.narrower {
                g.add(&node, (SKOS, "narrower"), iri(n));
            }
            for &r in &c.related {
                g.add(&node, (SKOS, "related"), iri(r));
            }
            if c.core {
                g.add(&core, (SKOS, "member"), node.clone());
            }
            if c.umbrella {
                g.add(&umbrella, (SKOS, "member"), node.clone());
            }
        }
    }
}

/// The evidence a tag's annotation names (its `tg:rule`, and in compact mode its one quote):
/// the strongest mention of one of the concept's own labels; else the strongest roll-up (the
/// mention of the finer concept it comes from: "Prefix Sharing" for KV cache via prefix
/// caching); else the strongest weak evidence (scope words, semantic, profile).
fn principal_evidence(tag: &ConceptTag) -> Option<&Evidence> {
    let class = |r: Rule| match r {
        Rule::PrefLabel | Rule::AltLabel | Rule::HiddenLabel | Rule::Acronym | Rule::AcronymDefinition => 2,
        Rule::CoreRollup | Rule::Broader => 1,
        Rule::Semantic | Rule::Profile => 0,
    };
    tag.evidence.iter().max_by(|a, b| class(a.rule).cmp(&class(b.rule)).then(a.weight.total_cmp(&b.weight)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_keep_their_precision() {
        let d = |s| date_literal(PartialDate::parse_prefix(s).unwrap()).to_string();
        assert_eq!(d("2024-01-05"), "\"2024-01-05\"^^<http://www.w3.org/2001/XMLSchema#date>");
        assert_eq!(d("2024-01"), "\"2024-01\"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>");
        assert_eq!(d("2024"), "\"2024\"^^<http://www.w3.org/2001/XMLSchema#gYear>");
    }

    #[test]
    fn the_principal_evidence_is_an_own_label_then_a_roll_up_then_weak_evidence() {
        let ev = |rule: Rule, text: &str, weight: f64| Evidence { field: crate::link::document::Field::Title, start: 0, end: text.chars().count(), text: text.into(), rule, label: None, matcher: "lexical", weight, cue: None, via: None };
        let mut tag = ConceptTag { id: "kv-cache".into(), label: "KV cache".into(), score: 0.9, core: true, evidence: vec![ev(Rule::Semantic, "Inference", 0.06), ev(Rule::CoreRollup, "Prefix Sharing", 0.8)] };
        assert_eq!(principal_evidence(&tag).unwrap().text, "Prefix Sharing", "not the weak scope word");
        tag.evidence.push(ev(Rule::AltLabel, "key-value cache", 0.3));
        assert_eq!(principal_evidence(&tag).unwrap().text, "key-value cache", "the concept's own label first, though weaker");
        tag.evidence.clear();
        assert!(principal_evidence(&tag).is_none());
    }

    #[test]
    fn scores_are_rounded_doubles() {
        assert_eq!(score_literal(0.83333).to_string(), "\"0.833\"^^<http://www.w3.org/2001/XMLSchema#double>");
    }
}
