//! The semantic matcher: concepts a paper is about without writing their labels.
//!
//! Each concept is embedded from its texts (prefLabel, altLabels, and the prefLabel with its
//! scope note), once per ontology and model ([`crate::embed::cache`]). A paper's title and
//! each abstract sentence are embedded; for every such unit the concepts whose best text is
//! closest (cosine at least [`SemanticConfig::min_similarity`], at most
//! [`SemanticConfig::per_unit`] of them) become mentions with rule `semantic`, spanning the
//! unit, with a strength that grows with the similarity. They are scored with the lexical
//! mentions ([`crate::link::score`]): a concept both written and meant adds up evidence, and a
//! concept only meant needs a close title or several close sentences to reach the threshold.

use crate::embed::cache::{Outcome, VectorFile};
use crate::embed::{dot, EmbedError, Embedder};
use crate::link::document::{Document, Field};
use crate::link::{Matcher, Mention, Rule};
use crate::ontology::Ontology;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Thresholds of the semantic matcher (`Default` is what `tag --semantic on` uses: the best
/// of the settings measured on the seed development set and the CSO gold standard, see the
/// README's neural section; none of them moved F1 by more than 0.02 either way).
#[derive(Debug, Clone, PartialEq)]
pub struct SemanticConfig {
    /// A unit proposes a concept from this cosine similarity on.
    pub min_similarity: f32,
    /// The similarity at which a mention has full strength.
    pub full_similarity: f32,
    /// Concepts proposed per unit (the closest ones).
    pub per_unit: usize,
    /// What of the paper is embedded.
    pub units: Units,
}

/// The parts of a paper that are embedded and compared with the concepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Units {
    /// The title, and each abstract sentence on its own.
    Sentences,
    /// The title only.
    Title,
    /// Title and abstract as one text (evidence: the title).
    Paper,
    /// The paper's noun-phrase candidates (those of the keyphrase extractor), each compared
    /// with the concepts' labels only: a fuzzy label match ("key-value store compression" and
    /// "KV cache compression"), as the CSO classifier's semantic module does with word2vec.
    Phrases,
}

impl Default for SemanticConfig {
    fn default() -> Self {
        SemanticConfig { min_similarity: 0.5, full_similarity: 0.85, per_unit: 2, units: Units::Paper }
    }
}

/// What the matcher did, shared with the caller (counts for the run's summary, and the
/// first failure: a paper whose text could not be embedded keeps its lexical tags).
#[derive(Debug, Default)]
pub struct SemanticStats {
    pub papers: AtomicUsize,
    pub units: AtomicUsize,
    pub failed: AtomicUsize,
    pub first_error: Mutex<Option<String>>,
}

impl SemanticStats {
    /// Count a paper that could not be embedded, keeping the first reason.
    pub fn record_failure(&self, paper: &str, e: &EmbedError) {
        self.failed.fetch_add(1, Ordering::Relaxed);
        self.first_error.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert_with(|| format!("paper {paper}: {e}"));
    }
}

pub struct SemanticMatcher {
    embedder: Arc<dyn Embedder>,
    /// Concept vectors, `dim` floats per row.
    rows: Vec<f32>,
    dim: usize,
    /// For each row: its concept, the label it embeds (the scope-note row names the
    /// prefLabel), and whether the row is a label (not a scope note).
    owner: Vec<(usize, usize, bool)>,
    /// Candidate phrases for [`Units::Phrases`].
    phrases: Option<crate::extract::keyphrase::KeyphraseExtractor>,
    labels: Vec<String>,
    config: SemanticConfig,
    stats: Arc<SemanticStats>,
}

/// The texts a concept is embedded from, with the label each one stands for.
pub fn concept_texts(o: &Ontology) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    for (i, c) in o.concepts.iter().enumerate() {
        out.push((i, c.pref_label.clone(), c.pref_label.clone()));
        for a in &c.alt_labels {
            out.push((i, a.clone(), a.clone()));
        }
        if let Some(note) = c.scope_note.as_deref().filter(|n| !n.trim().is_empty()) {
            out.push((i, format!("{}: {}", c.pref_label, note.trim()), c.pref_label.clone()));
        }
    }
    out
}

impl SemanticMatcher {
    /// Embed the ontology's concepts with `embedder` (read from `cache_dir` when they were
    /// embedded before). Returns the matcher and how its concept vectors were obtained.
    pub fn new(o: &Ontology, embedder: Arc<dyn Embedder>, config: SemanticConfig, cache_dir: Option<&Path>) -> Result<(SemanticMatcher, Outcome), EmbedError> {
        let texts = concept_texts(o);
        let strings: Vec<String> = texts.iter().map(|(_, t, _)| t.clone()).collect();
        let (vectors, outcome) = VectorFile::load_or_embed(cache_dir, "concepts", embedder.as_ref(), &strings, 64)?;
        let dim = embedder.dim();
        let mut rows = Vec::with_capacity(vectors.len() * dim);
        for v in &vectors {
            if v.len() != dim {
                return Err(EmbedError::Model(format!("the model returned a vector of {} dimensions, expected {dim}", v.len())));
            }
            rows.extend_from_slice(v);
        }
        // Each distinct label once (a CSO-sized ontology has tens of thousands).
        let mut labels: Vec<String> = Vec::new();
        let mut index: rustc_hash::FxHashMap<String, usize> = Default::default();
        let mut owner = Vec::with_capacity(texts.len());
        for (concept, text, label) in texts {
            let is_label = text == label;
            let k = *index.entry(label).or_insert_with_key(|l| {
                labels.push(l.clone());
                labels.len() - 1
            });
            owner.push((concept, k, is_label));
        }
        let phrases = match config.units {
            // The bundled table is compiled in and checked by a unit test.
            Units::Phrases => Some(crate::extract::keyphrase::KeyphraseExtractor::new(o, crate::extract::keyphrase::KeyphraseConfig { max: PHRASES, ..Default::default() }).expect("the bundled keyphrase table parses")),
            _ => None,
        };
        Ok((SemanticMatcher { embedder, rows, dim, owner, labels, phrases, config, stats: Arc::default() }, outcome))
    }

    /// The embedder (its id names the model; a caching one counts its hits).
    pub fn embedder(&self) -> &Arc<dyn Embedder> {
        &self.embedder
    }

    /// The counters this matcher updates (keep a handle before boxing it into a linker).
    pub fn stats(&self) -> Arc<SemanticStats> {
        self.stats.clone()
    }

    /// For one unit vector: the closest concepts (similarity, concept, label index), best first.
    fn closest(&self, v: &[f32], labels_only: bool) -> Vec<(f32, usize, usize)> {
        let mut best: Vec<(f32, usize, usize)> = Vec::new();
        for (r, &(concept, label, is_label)) in self.owner.iter().enumerate() {
            if labels_only && !is_label {
                continue;
            }
            let s = dot(v, &self.rows[r * self.dim..(r + 1) * self.dim]);
            if s < self.config.min_similarity {
                continue;
            }
            match best.iter_mut().find(|b| b.1 == concept) {
                Some(b) if s > b.0 => *b = (s, concept, label),
                Some(_) => {}
                None => best.push((s, concept, label)),
            }
        }
        best.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        best.truncate(self.config.per_unit);
        best
    }

    fn strength(&self, s: f32) -> f64 {
        let c = &self.config;
        let span = (c.full_similarity - c.min_similarity).max(1e-6);
        // Round so that float noise between batch shapes cannot change a score's digits.
        let x = ((s - c.min_similarity) / span).clamp(0.0, 1.0) as f64;
        ((0.25 + 0.75 * x) * 1000.0).round() / 1000.0
    }
}

/// A unit of a paper: a title or one abstract sentence, with its span, and the text that is
/// embedded (the span's text, or title and abstract for [`Units::Paper`]).
struct Unit<'a> {
    field: Field,
    start: usize,
    end: usize,
    words: (usize, usize),
    text: std::borrow::Cow<'a, str>,
}

/// Candidate phrases compared per paper with [`Units::Phrases`].
const PHRASES: usize = 40;

fn phrase_units<'a>(doc: &'a Document, extractor: &crate::extract::keyphrase::KeyphraseExtractor) -> Vec<Unit<'a>> {
    let mut out = Vec::new();
    for k in extractor.extract_top(doc, PHRASES) {
        let Some(f) = doc.field(k.field) else { continue };
        let first = f.words.partition_point(|w| w.end <= k.start);
        let last = f.words.partition_point(|w| w.start < k.end).saturating_sub(1).max(first);
        out.push(Unit { field: k.field, start: k.start, end: k.end, words: (first, last), text: k.text.into() });
    }
    out
}

fn units(doc: &Document, which: Units) -> Vec<Unit<'_>> {
    let mut out: Vec<Unit> = Vec::new();
    for f in &doc.fields {
        if f.words.is_empty() || f.field == Field::Keywords || (f.field == Field::Abstract && which != Units::Sentences) {
            continue;
        }
        let mut first = 0;
        for k in 0..f.words.len() {
            let last_of_sentence = k + 1 == f.words.len() || (f.field == Field::Abstract && f.sentence[k + 1] != f.sentence[k]);
            if last_of_sentence {
                let (start, end) = (f.words[first].start, f.words[k].end);
                out.push(Unit { field: f.field, start, end, words: (first, k), text: f.str(start, end).into() });
                first = k + 1;
            }
        }
    }
    if which == Units::Paper {
        // The text graph::neighbours embeds for a paper, so that either reuses the other's
        // cached vector.
        if let (Some(t), Some(a)) = (out.first_mut(), doc.field(Field::Abstract).filter(|a| !a.words.is_empty())) {
            let title = doc.field(Field::Title).map_or("", |f| f.text.as_str());
            t.text = format!("{title}. {}", a.text).into();
        }
    }
    out
}

impl Matcher for SemanticMatcher {
    fn name(&self) -> &'static str {
        "semantic"
    }

    fn find(&self, doc: &Document, out: &mut Vec<Mention>) {
        let units = match &self.phrases {
            Some(x) => phrase_units(doc, x),
            None => units(doc, self.config.units),
        };
        if units.is_empty() {
            return;
        }
        let texts: Vec<&str> = units.iter().map(|u| u.text.as_ref()).collect();
        // One request per paper: the same batch for the same paper, whatever runs beside it.
        let vectors = match self.embedder.embed(&texts) {
            Ok(v) => v,
            Err(e) => {
                self.stats.record_failure(&doc.id, &e);
                return;
            }
        };
        self.stats.papers.fetch_add(1, Ordering::Relaxed);
        self.stats.units.fetch_add(units.len(), Ordering::Relaxed);
        for (u, v) in units.iter().zip(&vectors) {
            for (s, concept, label) in self.closest(v, self.phrases.is_some()) {
                out.push(Mention {
                    concept,
                    field: u.field,
                    start: u.start,
                    end: u.end,
                    text: doc.field(u.field).map(|f| f.slice(u.start, u.end)).unwrap_or_default(),
                    rule: Rule::Semantic,
                    label: format!("{} (cosine {:.2})", self.labels[label], s),
                    matcher: "semantic",
                    words: u.words,
                    // A phrase is as specific as its words; a sentence's similarity already
                    // says how specific the match is.
                    label_words: if self.phrases.is_some() { u.words.1 + 1 - u.words.0 } else { 2 },
                    strength: self.strength(s),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embed::HashingEmbedder;
    use crate::model::Paper;

    fn ontology() -> Ontology {
        let ttl = r#"@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <http://example.org/> .
ex:kv-cache a skos:Concept ; skos:prefLabel "KV cache" ; skos:scopeNote "Storing and compressing attention keys and values during decoding." .
ex:protein a skos:Concept ; skos:prefLabel "protein structure prediction" ; skos:altLabel "protein folding" .
"#;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("o.ttl");
        std::fs::write(&p, ttl).unwrap();
        Ontology::load(&[crate::ontology::OntologySpec::File(p)]).unwrap()
    }

    #[test]
    fn units_are_the_title_and_each_sentence() {
        let p = Paper { id: "p".into(), title: "A title".into(), abstract_text: "First sentence here. Second one follows.".into(), ..Default::default() };
        let doc = Document::new(&p);
        let text = |w| units(&doc, w).iter().map(|u| u.text.to_string()).collect::<Vec<_>>();
        assert_eq!(text(Units::Sentences), ["A title", "First sentence here", "Second one follows"]);
        assert_eq!(text(Units::Title), ["A title"]);
        assert_eq!(text(Units::Paper), ["A title. First sentence here. Second one follows."]);
    }

    #[test]
    fn a_close_sentence_proposes_its_concept_with_evidence() {
        let o = ontology();
        let e: Arc<dyn Embedder> = Arc::new(HashingEmbedder::new(256));
        let (m, outcome) = SemanticMatcher::new(&o, e, SemanticConfig { min_similarity: 0.3, units: Units::Sentences, ..Default::default() }, None).unwrap();
        assert!(matches!(outcome, Outcome::NoCache));
        let p = Paper { id: "p".into(), title: "Faster decoding".into(), abstract_text: "We compress the keys and values stored during decoding. Results are good.".into(), ..Default::default() };
        let mut out = Vec::new();
        m.find(&Document::new(&p), &mut out);
        let kv = o.index_of("kv-cache").unwrap();
        let hit = out.iter().find(|x| x.concept == kv).expect("the scope note's words are close to the sentence");
        assert_eq!((hit.rule, hit.matcher, hit.field), (Rule::Semantic, "semantic", Field::Abstract));
        assert_eq!(hit.text, "We compress the keys and values stored during decoding");
        assert!(hit.label.starts_with("KV cache (cosine "), "{}", hit.label);
        assert!(hit.strength > 0.25 && hit.strength <= 1.0);
        assert!(!out.iter().any(|x| x.concept == o.index_of("protein").unwrap()));
        assert_eq!(m.stats().papers.load(Ordering::Relaxed), 1);
        assert_eq!(m.stats().units.load(Ordering::Relaxed), 3);
    }

    struct Failing;
    impl Embedder for Failing {
        fn id(&self) -> &str {
            "failing"
        }
        fn dim(&self) -> usize {
            4
        }
        fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
            if texts.iter().any(|t| t.contains("boom")) {
                Err(EmbedError::Model("boom".into()))
            } else {
                Ok(texts.iter().map(|_| vec![0.5; 4]).collect())
            }
        }
    }

    #[test]
    fn a_paper_that_fails_to_embed_is_counted_not_lost() {
        let (m, _) = SemanticMatcher::new(&ontology(), Arc::new(Failing), SemanticConfig::default(), None).unwrap();
        let p = Paper { id: "x1".into(), title: "boom".into(), abstract_text: "Text.".into(), ..Default::default() };
        let mut out = Vec::new();
        m.find(&Document::new(&p), &mut out);
        assert!(out.is_empty());
        let s = m.stats();
        assert_eq!(s.failed.load(Ordering::Relaxed), 1);
        assert!(s.first_error.lock().unwrap().as_deref().unwrap().starts_with("paper x1: "));
    }
}
