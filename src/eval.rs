//! Evaluation against a gold standard: micro-averaged precision, recall and F1 of concepts
//! (flat and hierarchical) and entities (text only, and text with type), as
//! `shared/eval/ANNOTATION.md` defines them, with per-concept counts and the false positives
//! and negatives listed.
//!
//! Entry point: [`evaluate`]. It mirrors the reference scorer `score.py`: only papers in the
//! gold set are scored (a paper missing from the predictions counts as empty); the three
//! root concepts are removed from both sides; with a concept table, predicted concepts
//! outside it are not scored and `broader` comes from it.

use serde::Serialize;
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
}

impl Labels {
    /// Read `{"concepts": [id | {"id": ..}], "entities": [{"text", "type"}]}`; concept ids
    /// may be IRIs (their last segment counts).
    pub fn from_json(v: &Value) -> Labels {
        let mut l = Labels::default();
        for c in v.get("concepts").and_then(Value::as_array).into_iter().flatten() {
            let id = c.as_str().or_else(|| c.get("id").and_then(Value::as_str)).unwrap_or("");
            let id = id.rsplit('/').next().unwrap_or(id);
            let id = id.rsplit('#').next().unwrap_or(id);
            if !id.is_empty() && !ROOTS.contains(&id) {
                l.concepts.insert(id.to_string());
            }
        }
        for e in v.get("entities").and_then(Value::as_array).into_iter().flatten() {
            if let Some(t) = e.get("text").and_then(Value::as_str) {
                l.entities.insert((normalize_entity(t), e.get("type").and_then(Value::as_str).map(str::to_string)));
            }
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
    pub concepts: Counts,
    pub concepts_hierarchical: Counts,
    pub entities: Counts,
    pub entities_typed: Counts,
    pub per_concept: BTreeMap<String, Counts>,
    /// (paper, concept) pairs predicted but not in gold.
    pub false_positives: Vec<(String, String)>,
    /// (paper, concept) pairs in gold but not predicted.
    pub false_negatives: Vec<(String, String)>,
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
        let untyped = |l: &Labels| -> BTreeSet<String> { l.entities.iter().map(|(t, _)| t.clone()).collect() };
        r.entities.add(&untyped(g), &untyped(p));
        r.entities_typed.add(&g.entities, &p.entities);
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
        assert!((r.concepts.f1() - 0.4).abs() < 1e-9);
        assert_eq!(r.false_negatives, vec![("b".to_string(), "quantization".to_string())]);
    }
}
