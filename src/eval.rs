//! Evaluation against a gold standard: micro-averaged precision, recall and F1 of concepts
//! (flat and hierarchical) and entities (text only, and text with type), as
//! `shared/eval/ANNOTATION.md` defines them, with per-concept counts and the false positives
//! and negatives listed.
//!
//! Entry point: [`evaluate`]. It mirrors the reference scorer `score.py`: only papers in the
//! gold set are scored (a paper missing from the predictions counts as empty); the three
//! root concepts are removed from both sides; with a concept table, predicted concepts
//! outside it are not scored and `broader` comes from it.
//!
//! Gold standards made for another ontology name concepts by label (the CSO classifier's
//! gold standard): [`LabelResolver`] turns labels into concept ids of the loaded ontology
//! ([`Labels::from_json_labels`]), so they are scored exactly like ids.

use serde::Serialize;
use crate::ontology::{LabelKind, Ontology};
use crate::text::label_key;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use unicode_normalization::UnicodeNormalization;

/// Never annotated in the gold standard; removed from both sides.
pub const ROOTS: &[&str] = &["large-language-models", "training-data", "generative-models"];

/// The concept table (`core-concepts.tsv`): ids and their broader concept.
#[derive(Debug, Clone, Default)]
pub struct ConceptTable {
    pub ids: BTreeSet<String>,
    pub broader: HashMap<String, String>,
}

impl ConceptTable {
    /// Read a TSV with a header naming `id` and `broader` columns.
    pub fn from_tsv(text: &str) -> Result<ConceptTable, String> {
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().ok_or("empty concept table")?.split('\t').collect();
        let col = |n: &str| header.iter().position(|h| h.trim() == n).ok_or(format!("concept table has no {n:?} column"));
        let (id, broader) = (col("id")?, col("broader")?);
        let mut t = ConceptTable::default();
        for line in lines.filter(|l| !l.trim().is_empty()) {
            let cells: Vec<&str> = line.split('\t').collect();
            let Some(i) = cells.get(id).map(|s| s.trim()).filter(|s| !s.is_empty()) else { continue };
            t.ids.insert(i.to_string());
            if let Some(b) = cells.get(broader).map(|s| s.trim()).filter(|s| !s.is_empty()) {
                t.broader.insert(i.to_string(), b.to_string());
            }
        }
        Ok(t)
    }

    fn ancestors(&self, id: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut cur = id.to_string();
        while let Some(b) = self.broader.get(&cur) {
            if !out.insert(b.clone()) {
                break;
            }
            cur = b.clone();
        }
        out
    }
}

/// One paper's concepts and entities, from a gold or predicted JSON line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Labels {
    pub concepts: BTreeSet<String>,
    /// (normalised text, type)
    pub entities: BTreeSet<(String, Option<String>)>,
    /// Whether the line has an "entities" field: gold without one was not annotated for
    /// entities, and its papers are left out of the entity scores.
    pub has_entities: bool,
}

impl Labels {
    /// Read `{"concepts": [id | {"id": ..}], "entities": [{"text", "type"}]}`; concept ids
    /// may be IRIs (their last segment counts).
    pub fn from_json(v: &Value) -> Labels {
        let mut l = Labels { entities: entities_of(v), has_entities: v.get("entities").is_some(), ..Default::default() };
        l.concepts.extend(concepts_of(v).filter_map(concept_id));
        l
    }
}

fn concepts_of(v: &Value) -> impl Iterator<Item = &Value> {
    v.get("concepts").and_then(Value::as_array).into_iter().flatten()
}

/// A concept given as `id` or `{"id": ..}` (IRIs count by their last segment); `None` when
/// empty or a root.
fn concept_id(c: &Value) -> Option<String> {
    let id = c.as_str().or_else(|| c.get("id").and_then(Value::as_str)).unwrap_or("");
    let id = id.rsplit('/').next().unwrap_or(id);
    let id = id.rsplit('#').next().unwrap_or(id);
    (!id.is_empty() && !ROOTS.contains(&id)).then(|| id.to_string())
}

fn entities_of(v: &Value) -> BTreeSet<(String, Option<String>)> {
    let mut out = BTreeSet::new();
    for e in v.get("entities").and_then(Value::as_array).into_iter().flatten() {
        if let Some(t) = e.get("text").and_then(Value::as_str) {
            out.insert((normalize_entity(t), e.get("type").and_then(Value::as_str).map(str::to_string)));
        }
    }
    out
}

/// Concept labels to concept ids, by [`label_key`] equality with any label of a concept
/// (prefLabel, altLabels, hiddenLabels, acronyms). When labels of different concepts share a
/// key, a prefLabel wins over the other kinds, then the concept loaded first.
#[derive(Debug, Clone, Default)]
pub struct LabelResolver {
    by_key: HashMap<String, String>,
}

/// Prefix of the pseudo-id of a label that names no concept of the ontology.
pub const UNRESOLVED_PREFIX: &str = "label:";

impl LabelResolver {
    pub fn new(o: &Ontology) -> LabelResolver {
        let mut by_key = HashMap::new();
        for pass in [true, false] {
            for c in &o.concepts {
                for (l, kind) in c.labels() {
                    if (kind == LabelKind::Pref) == pass {
                        let k = label_key(l);
                        if !k.is_empty() {
                            by_key.entry(k).or_insert_with(|| c.id.clone());
                        }
                    }
                }
            }
        }
        LabelResolver { by_key }
    }

    /// The id of the concept with this label; a label that names none becomes the pseudo-id
    /// `label:<key>` (so it still counts, as a false negative in gold); `None` for a label
    /// with no letters or digits.
    pub fn resolve(&self, label: &str) -> Option<String> {
        let key = label_key(label);
        if key.is_empty() {
            return None;
        }
        Some(self.by_key.get(&key).cloned().unwrap_or_else(|| format!("{UNRESOLVED_PREFIX}{key}")))
    }
}

impl Labels {
    /// Like [`Labels::from_json`], but concepts given as strings, or as objects with a
    /// `label` and no `id`, are labels, resolved through `r`. Objects with an `id` (what
    /// `topicgraph tag` writes) stay ids, so tagger output can be scored against label gold.
    pub fn from_json_labels(v: &Value, r: &LabelResolver) -> Labels {
        let mut l = Labels { entities: entities_of(v), has_entities: v.get("entities").is_some(), ..Default::default() };
        for c in concepts_of(v) {
            let id = match (c.as_str(), c.get("id").and_then(Value::as_str), c.get("label").and_then(Value::as_str)) {
                (Some(label), _, _) | (None, None, Some(label)) => r.resolve(label).filter(|id| !ROOTS.contains(&id.as_str())),
                _ => concept_id(c),
            };
            l.concepts.extend(id);
        }
        l
    }
}

/// NFKC, lower case, hyphens, underscores and runs of spaces folded to one space.
pub fn normalize_entity(t: &str) -> String {
    let t: String = t.nfkc().collect::<String>().to_lowercase();
    let mut out = String::with_capacity(t.len());
    let mut gap = false;
    for c in t.chars() {
        if c == '-' || c == '_' || c.is_whitespace() {
            gap = true;
        } else {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(c);
        }
    }
    out
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Counts {
    pub tp: u64,
    pub fp: u64,
    #[serde(rename = "fn")]
    pub fn_: u64,
}

impl Counts {
    fn add<T: Ord>(&mut self, gold: &BTreeSet<T>, pred: &BTreeSet<T>) {
        self.tp += gold.intersection(pred).count() as u64;
        self.fp += pred.difference(gold).count() as u64;
        self.fn_ += gold.difference(pred).count() as u64;
    }
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// The result of an evaluation.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub papers: usize,
    /// Papers whose gold carries entities: only they count for the entity scores.
    pub entity_papers: usize,
    pub concepts: Counts,
    pub concepts_hierarchical: Counts,
    pub entities: Counts,
    pub entities_typed: Counts,
    pub per_concept: BTreeMap<String, Counts>,
    /// (paper, concept) pairs predicted but not in gold.
    pub false_positives: Vec<(String, String)>,
    /// (paper, concept) pairs in gold but not predicted.
    pub false_negatives: Vec<(String, String)>,
    /// (paper, normalised entity text, predicted type) predicted but not in gold.
    pub entity_false_positives: Vec<(String, String, String)>,
    /// (paper, normalised entity text, gold type) in gold but not predicted.
    pub entity_false_negatives: Vec<(String, String, String)>,
    /// (paper, normalised entity text, gold type, predicted type): found, typed otherwise.
    pub entity_type_errors: Vec<(String, String, String, String)>,
}

/// Score predictions against gold. `gold` is in file order; `pred` by paper id.
pub fn evaluate(gold: &[(String, Labels)], pred: &HashMap<String, Labels>, table: Option<&ConceptTable>) -> Report {
    let mut r = Report { papers: gold.len(), ..Default::default() };
    let empty = Labels::default();
    for (id, g) in gold {
        let p = pred.get(id).unwrap_or(&empty);
        let gc = &g.concepts;
        let pc: BTreeSet<String> = match table {
            Some(t) => p.concepts.iter().filter(|c| t.ids.contains(*c)).cloned().collect(),
            None => p.concepts.clone(),
        };
        r.concepts.add(gc, &pc);
        for c in gc.union(&pc) {
            let e = r.per_concept.entry(c.clone()).or_default();
            e.add(&gc.iter().filter(|x| *x == c).cloned().collect(), &pc.iter().filter(|x| *x == c).cloned().collect());
        }
        r.false_positives.extend(pc.difference(gc).map(|c| (id.clone(), c.clone())));
        r.false_negatives.extend(gc.difference(&pc).map(|c| (id.clone(), c.clone())));
        let expand = |s: &BTreeSet<String>| -> BTreeSet<String> {
            let mut out = s.clone();
            if let Some(t) = table {
                for c in s {
                    out.extend(t.ancestors(c));
                }
            }
            out.retain(|c| !ROOTS.contains(&c.as_str()));
            out
        };
        r.concepts_hierarchical.add(&expand(gc), &expand(&pc));
        if !g.has_entities {
            continue;
        }
        r.entity_papers += 1;
        // Text -> one type (the first, in sorted order), for the untyped score and the lists.
        let typed = |l: &Labels| -> BTreeMap<String, String> {
            let mut m = BTreeMap::new();
            for (t, k) in &l.entities {
                m.entry(t.clone()).or_insert_with(|| k.clone().unwrap_or_default());
            }
            m
        };
        let (gt, pt) = (typed(g), typed(p));
        let texts = |m: &BTreeMap<String, String>| -> BTreeSet<String> { m.keys().cloned().collect() };
        r.entities.add(&texts(&gt), &texts(&pt));
        r.entities_typed.add(&g.entities, &p.entities);
        for (t, k) in &pt {
            match gt.get(t) {
                None => r.entity_false_positives.push((id.clone(), t.clone(), k.clone())),
                Some(gk) if gk != k => r.entity_type_errors.push((id.clone(), t.clone(), gk.clone(), k.clone())),
                Some(_) => {}
            }
        }
        r.entity_false_negatives.extend(gt.iter().filter(|(t, _)| !pt.contains_key(*t)).map(|(t, k)| (id.clone(), t.clone(), k.clone())));
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn mirrors_the_reference_scorer() {
        let table = ConceptTable::from_tsv("id\tlabel\tbroader\tscope\nkv-cache\tKV\tefficient-inference\t\nefficient-inference\tEI\t\t\nquantization\tQ\tmodel-compression\t\nmodel-compression\tMC\tefficient-inference\t\n").unwrap();
        let gold = vec![
            ("a".to_string(), Labels::from_json(&json!({"concepts": ["kv-cache", "large-language-models"], "entities": [{"text": "Llama-3 8B", "type": "model"}]}))),
            ("b".to_string(), Labels::from_json(&json!({"concepts": ["quantization"]}))),
            ("c".to_string(), Labels::from_json(&json!({"concepts": []}))),
        ];
        let mut pred = HashMap::new();
        pred.insert("a".to_string(), Labels::from_json(&json!({"concepts": [{"id": "https://w3id.org/topicgraph/concept/kv-cache"}, "not-core", "efficient-inference"], "entities": [{"text": "llama 3  8b", "type": "dataset"}]})));
        pred.insert("b".to_string(), Labels::from_json(&json!({"concepts": ["model-compression"]})));
        let r = evaluate(&gold, &pred, Some(&table));
        assert_eq!(r.concepts, Counts { tp: 1, fp: 2, fn_: 1 }, "not-core is not scored; the root is removed");
        assert_eq!(r.concepts_hierarchical, Counts { tp: 4, fp: 0, fn_: 1 });
        assert_eq!(r.entities, Counts { tp: 1, fp: 0, fn_: 0 });
        assert_eq!(r.entities_typed, Counts { tp: 0, fp: 1, fn_: 1 });
        assert_eq!(r.entity_type_errors, vec![("a".to_string(), "llama 3 8b".to_string(), "model".to_string(), "dataset".to_string())]);
        assert!((r.concepts.f1() - 0.4).abs() < 1e-9);
        assert_eq!(r.false_negatives, vec![("b".to_string(), "quantization".to_string())]);
    }

    #[test]
    fn gold_without_entities_is_not_scored_for_entities() {
        // A set annotated for concepts only: its papers' predicted entities are no false
        // positives; an empty "entities" list still counts.
        let gold = vec![
            ("a".to_string(), Labels::from_json(&json!({"concepts": [], "entities": [{"text": "LoRA", "type": "method"}]}))),
            ("b".to_string(), Labels::from_json(&json!({"concepts": ["quantization"]}))),
            ("c".to_string(), Labels::from_json(&json!({"concepts": [], "entities": []}))),
        ];
        let mut pred = HashMap::new();
        for id in ["a", "b", "c"] {
            pred.insert(id.to_string(), Labels::from_json(&json!({"entities": [{"text": "LoRA", "type": "method"}]})));
        }
        let r = evaluate(&gold, &pred, None);
        assert_eq!((r.papers, r.entity_papers), (3, 2));
        assert_eq!(r.entities, Counts { tp: 1, fp: 1, fn_: 0 });
        assert_eq!(r.entity_false_positives, vec![("c".to_string(), "lora".to_string(), "method".to_string())]);
        assert!(r.entity_false_negatives.is_empty() && r.entity_type_errors.is_empty());
    }

    fn ontology(name: &str, content: &str) -> Ontology {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        Ontology::load(&[crate::ontology::OntologySpec::File(path)]).unwrap()
    }

    #[test]
    fn labels_resolve_to_concept_ids() {
        let o = ontology("flat.csv", "Label\nmatrix factorizations\nMatrix-Factorization\nsocial networks\nrecommender systems\n");
        assert_eq!(o.concepts.len(), 3);
        let r = LabelResolver::new(&o);
        assert_eq!(r.resolve("Matrix factorization").as_deref(), Some("matrix-factorizations"), "any label of the concept, by label_key");
        assert_eq!(r.resolve("social  Networks").as_deref(), Some("social-networks"));
        let unknown = format!("{UNRESOLVED_PREFIX}{}", label_key("computer science"));
        assert_eq!(r.resolve("Computer Science").as_deref(), Some(unknown.as_str()));
        assert_eq!(r.resolve("--"), None);

        let gold = vec![(
            "p".to_string(),
            Labels::from_json_labels(&json!({"concepts": ["matrix factorizations", "matrix factorization", "computer science", "social networks", "recommender systems"]}), &r),
        )];
        assert_eq!(gold[0].1.concepts.len(), 4, "two labels of one concept count once; the unknown label is kept");
        assert!(gold[0].1.concepts.contains(&unknown));
        let mut pred = HashMap::new();
        // A label, a topicgraph id object (kept as an id), a label object, and an unknown label.
        let p = json!({"concepts": ["Matrix-Factorizations", {"id": "social-networks", "label": "ignored"}, {"label": "Recommender System"}, "deep learning"]});
        pred.insert("p".to_string(), Labels::from_json_labels(&p, &r));
        let rep = evaluate(&gold, &pred, None);
        assert_eq!(rep.concepts, Counts { tp: 3, fp: 1, fn_: 1 });
        assert_eq!(rep.false_negatives, vec![("p".to_string(), unknown)]);
        assert_eq!(rep.false_positives, vec![("p".to_string(), format!("{UNRESOLVED_PREFIX}{}", label_key("deep learning")))]);

        // A prefLabel wins over an altLabel of a concept loaded earlier with the same key.
        let ttl = r#"@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
            @prefix ex: <http://example.org/c/> .
            ex:recsys a skos:Concept ; skos:prefLabel "Recommender systems"@en ; skos:altLabel "Web mining"@en .
            ex:web-mining a skos:Concept ; skos:prefLabel "Web-Mining"@en ."#;
        let r = LabelResolver::new(&ontology("s.ttl", ttl));
        assert_eq!(r.resolve("web mining").as_deref(), Some("web-mining"));
        assert_eq!(r.resolve("recommender system").as_deref(), Some("recsys"));
        assert_eq!(Labels::from_json_labels(&json!({"concepts": ["training data"]}), &r).concepts.len(), 1, "a label is not a root id");
    }
}

/// GSAP-NER (Otto et al., 2023): full-text paragraphs of ML papers with exact mention spans.
/// Scored as the shared task asks for topicgraph's types: `MLModel` against `model`,
/// `Dataset` against `dataset`, the generic classes (`MLModelGeneric`, `DatasetGeneric`) and
/// the other labels left out, exact character spans, every paragraph.
pub mod gsap {
    use super::Counts;
    use serde::{Deserialize, Serialize};
    use std::collections::{BTreeMap, BTreeSet};

    /// One paragraph of `gsap_ner_paragraphs.jsonl`.
    #[derive(Debug, Clone, Deserialize)]
    pub struct Paragraph {
        pub id: String,
        pub text: String,
        pub entities: Vec<Span>,
    }

    #[derive(Debug, Clone, Deserialize)]
    pub struct Span {
        pub start: usize,
        pub end: usize,
        pub label: String,
    }

    /// The GSAP labels scored, and the topicgraph type each is compared with.
    pub const LABELS: &[(&str, &str)] = &[("MLModel", "model"), ("Dataset", "dataset")];

    #[derive(Debug, Clone, Default, Serialize)]
    pub struct Report {
        pub paragraphs: usize,
        /// Exact span and label.
        pub typed: Counts,
        /// Exact span, label ignored (over the scored labels only).
        pub untyped: Counts,
        pub per_label: BTreeMap<String, Counts>,
    }

    /// Score `predict` (paragraph text -> (start, end, topicgraph type) mentions, code-point
    /// offsets) against the gold spans.
    pub fn evaluate(paragraphs: &[Paragraph], predictions: &[Vec<(usize, usize, String)>]) -> Report {
        let mut r = Report { paragraphs: paragraphs.len(), ..Default::default() };
        for (p, pred) in paragraphs.iter().zip(predictions) {
            let gold: BTreeSet<(usize, usize, &str)> =
                p.entities.iter().filter_map(|e| LABELS.iter().find(|(g, _)| *g == e.label).map(|(_, t)| (e.start, e.end, *t))).collect();
            let pred: BTreeSet<(usize, usize, &str)> = pred.iter().filter(|(_, _, t)| LABELS.iter().any(|(_, x)| x == t)).map(|(s, e, t)| (*s, *e, t.as_str())).collect();
            r.typed.add(&gold, &pred);
            let span = |s: &BTreeSet<(usize, usize, &str)>| -> BTreeSet<(usize, usize)> { s.iter().map(|(a, b, _)| (*a, *b)).collect() };
            r.untyped.add(&span(&gold), &span(&pred));
            for (label, t) in LABELS {
                let g: BTreeSet<_> = gold.iter().filter(|x| x.2 == *t).collect();
                let q: BTreeSet<_> = pred.iter().filter(|x| x.2 == *t).collect();
                r.per_label.entry(label.to_string()).or_default().add(&g, &q);
            }
        }
        r
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn exact_spans_by_label() {
            let p: Paragraph = serde_json::from_str(r#"{"id": "a", "text": "BERT on GLUE and the model", "entities": [{"start": 0, "end": 4, "label": "MLModel", "text": "BERT"}, {"start": 8, "end": 12, "label": "Dataset", "text": "GLUE"}, {"start": 17, "end": 26, "label": "MLModelGeneric", "text": "the model"}]}"#).unwrap();
            let pred = vec![vec![(0, 4, "model".to_string()), (8, 12, "model".to_string()), (21, 26, "model".to_string())]];
            let r = evaluate(&[p], &pred);
            assert_eq!(r.typed, Counts { tp: 1, fp: 2, fn_: 1 });
            assert_eq!(r.untyped, Counts { tp: 2, fp: 1, fn_: 0 });
            assert_eq!(r.per_label["Dataset"], Counts { tp: 0, fp: 0, fn_: 1 });
        }
    }
}
