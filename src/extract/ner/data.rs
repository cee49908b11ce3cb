//! Labelled data for the tagger.
//!
//! - SciERC in the DyGIE JSON Lines layout: one document per line, `sentences` (lists of
//!   tokens) and `ner` (per sentence, `[start, end, label]` with document-level, inclusive
//!   token offsets). [`read_scierc`] turns the offsets into half-open, sentence-level ones.
//! - GSAP-NER paragraphs: one paragraph per line, `{id, doc, fold, text, entities: [{start,
//!   end, label, text}]}` with half-open code-point offsets; the fold file maps each fold
//!   number to publication file names (`<doc>.json`). [`Paragraph::examples`] tokenises a
//!   paragraph the way [`super::Tagger::tag`] does and maps the character spans to tokens.

use super::scheme::TokenSpan;
use super::tokenize;
use super::train::Example;
use super::NerError;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A sentence with gold spans (half-open token offsets) and their label names.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub tokens: Vec<String>,
    pub spans: Vec<(usize, usize, String)>,
}

/// A SciERC document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub id: String,
    pub sentences: Vec<Sentence>,
}

#[derive(Deserialize)]
struct DygieLine {
    doc_key: serde_json::Value,
    sentences: Vec<Vec<String>>,
    #[serde(default)]
    ner: Vec<Vec<(i64, i64, String)>>,
}

fn read(path: &str) -> Result<String, NerError> {
    std::fs::read_to_string(path).map_err(|e| NerError::io(path, e))
}

fn data_err(path: &str, line: usize, message: impl Into<String>) -> NerError {
    NerError::Data { path: path.to_string(), line, message: message.into() }
}

/// Read a SciERC (DyGIE) file.
pub fn read_scierc(path: &str) -> Result<Vec<Document>, NerError> {
    parse_scierc(&read(path)?, path)
}

/// Parse SciERC (DyGIE) JSON Lines; `source` names the input in errors.
pub fn parse_scierc(text: &str, source: &str) -> Result<Vec<Document>, NerError> {
    let mut docs = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let d: DygieLine = serde_json::from_str(line).map_err(|e| data_err(source, i + 1, format!("invalid DyGIE JSON: {e}")))?;
        if d.ner.len() > d.sentences.len() {
            return Err(data_err(source, i + 1, format!("{} ner lists for {} sentences", d.ner.len(), d.sentences.len())));
        }
        let id = match d.doc_key {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        };
        let mut offset = 0i64;
        let mut sentences = Vec::with_capacity(d.sentences.len());
        for (k, tokens) in d.sentences.into_iter().enumerate() {
            let n = tokens.len() as i64;
            let mut spans = Vec::new();
            for (s, e, label) in d.ner.get(k).into_iter().flatten() {
                let (s, e) = (s - offset, e - offset + 1);
                if s < 0 || e > n || s >= e {
                    return Err(data_err(source, i + 1, format!("span [{}, {}] {label} is not inside sentence {k} (tokens {offset}..{})", s + offset, e + offset - 1, offset + n)));
                }
                spans.push((s as usize, e as usize, label.clone()));
            }
            offset += n;
            sentences.push(Sentence { tokens, spans });
        }
        docs.push(Document { id, sentences });
    }
    Ok(docs)
}

/// A GSAP-NER entity: half-open code-point offsets.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CharSpan {
    pub start: usize,
    pub end: usize,
    pub label: String,
}

/// A GSAP-NER paragraph.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Paragraph {
    pub id: String,
    pub doc: String,
    #[serde(default)]
    pub fold: Option<usize>,
    pub text: String,
    pub entities: Vec<CharSpan>,
}

/// Read GSAP-NER paragraphs. Empty entities (start = end) are left out; an entity past the
/// end of its text is an error.
pub fn read_gsap(path: &str) -> Result<Vec<Paragraph>, NerError> {
    parse_gsap(&read(path)?, path)
}

pub fn parse_gsap(text: &str, source: &str) -> Result<Vec<Paragraph>, NerError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut p: Paragraph = serde_json::from_str(line).map_err(|e| data_err(source, i + 1, format!("invalid paragraph JSON: {e}")))?;
        let n = p.text.chars().count();
        // an empty span names nothing (GSAP-NER has a few, all of generic classes)
        p.entities.retain(|e| e.start < e.end);
        if let Some(e) = p.entities.iter().find(|e| e.end > n) {
            return Err(data_err(source, i + 1, format!("entity {}..{} {} outside the text of {n} characters", e.start, e.end, e.label)));
        }
        out.push(p);
    }
    Ok(out)
}

/// Read a fold file (`{"0": ["<doc>.json", ...], ...}`): document -> fold.
pub fn read_folds(path: &str) -> Result<BTreeMap<String, usize>, NerError> {
    parse_folds(&read(path)?, path)
}

pub fn parse_folds(text: &str, source: &str) -> Result<BTreeMap<String, usize>, NerError> {
    let raw: BTreeMap<String, Vec<String>> = serde_json::from_str(text).map_err(|e| data_err(source, 1, format!("expected {{\"fold\": [file names]}}: {e}")))?;
    let mut out = BTreeMap::new();
    for (fold, files) in raw {
        let k: usize = fold.parse().map_err(|_| data_err(source, 1, format!("fold {fold:?} is not a number")))?;
        for f in files {
            let doc = f.strip_suffix(".json").unwrap_or(&f).to_string();
            if let Some(prev) = out.insert(doc.clone(), k) {
                return Err(data_err(source, 1, format!("{doc} is in folds {prev} and {k}")));
            }
        }
    }
    Ok(out)
}

impl Paragraph {
    /// The gold entities of the given labels (all labels when `labels` is empty).
    pub fn gold<'a>(&'a self, labels: &'a [String]) -> impl Iterator<Item = &'a CharSpan> + 'a {
        self.entities.iter().filter(move |e| labels.is_empty() || labels.contains(&e.label))
    }

    /// The paragraph as tagger examples, one per sentence, keeping entities of `labels` (their
    /// index in `labels` is the span label). Returns the examples and how many entities could
    /// not be placed on token boundaries (they start or end inside a token).
    pub fn examples(&self, labels: &[String]) -> (Vec<Example>, usize) {
        let toks = tokenize::tokens(&self.text);
        let mut misaligned = 0;
        let mut out: Vec<Example> = Vec::new();
        let ranges = tokenize::sentences(&toks);
        for r in &ranges {
            out.push(Example { tokens: toks[r.clone()].iter().map(|t| t.text.clone()).collect(), spans: Vec::new() });
        }
        for e in &self.entities {
            let Some(label) = labels.iter().position(|l| *l == e.label) else { continue };
            let first = toks.iter().position(|t| t.start == e.start);
            let last = toks.iter().position(|t| t.end == e.end);
            let (Some(a), Some(b)) = (first, last) else {
                misaligned += 1;
                continue;
            };
            // an entity across a sentence break cannot be one span of one sentence
            match ranges.iter().position(|r| r.contains(&a)) {
                Some(k) if ranges[k].contains(&b) && a <= b => {
                    let s = ranges[k].start;
                    out[k].spans.push(TokenSpan { start: a - s, end: b + 1 - s, label: label as u16 });
                }
                _ => misaligned += 1,
            }
        }
        (out, misaligned)
    }
}

/// SciERC sentences as tagger examples, with the label list (sorted label names).
pub fn scierc_examples(docs: &[Document]) -> (Vec<Example>, Vec<String>) {
    let mut labels: Vec<String> = docs.iter().flat_map(|d| &d.sentences).flat_map(|s| s.spans.iter().map(|x| x.2.clone())).collect();
    labels.sort();
    labels.dedup();
    let examples = docs
        .iter()
        .flat_map(|d| &d.sentences)
        .map(|s| Example {
            tokens: s.tokens.clone(),
            spans: s.spans.iter().map(|(a, b, l)| TokenSpan { start: *a, end: *b, label: labels.binary_search(l).expect("collected") as u16 }).collect(),
        })
        .collect();
    (examples, labels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scierc_offsets_become_sentence_level_and_half_open() {
        let line = r#"{"doc_key": "X1", "sentences": [["We", "use", "CRFs", "."], ["They", "parse", "text", "."]], "ner": [[[2, 2, "Method"]], [[4, 4, "Generic"], [6, 6, "Material"]]]}"#;
        let docs = parse_scierc(line, "t").unwrap();
        assert_eq!(docs[0].id, "X1");
        assert_eq!(docs[0].sentences[0].spans, vec![(2, 3, "Method".to_string())]);
        assert_eq!(docs[0].sentences[1].spans, vec![(0, 1, "Generic".to_string()), (2, 3, "Material".to_string())]);
        let (ex, labels) = scierc_examples(&docs);
        assert_eq!(labels, ["Generic", "Material", "Method"]);
        assert_eq!(ex[1].spans[1], TokenSpan { start: 2, end: 3, label: 1 });
    }

    #[test]
    fn scierc_bad_input_names_the_line() {
        let bad = "\n{\"doc_key\": 1, \"sentences\": [[\"a\"]], \"ner\": [[[0, 1, \"Task\"]]]}";
        let e = parse_scierc(bad, "f.json").unwrap_err().to_string();
        assert!(e.starts_with("f.json: line 2: span [0, 1] Task is not inside sentence 0"), "{e}");
        assert!(parse_scierc("{", "f").unwrap_err().to_string().contains("line 1"));
    }

    #[test]
    fn gsap_spans_map_to_tokens_per_sentence() {
        let line = r#"{"id": "p1", "doc": "d1", "fold": 3, "text": "We train BERT-base. Results on SQuAD v1.1 improve.", "entities": [{"start": 9, "end": 18, "label": "MLModel", "text": "BERT-base"}, {"start": 31, "end": 41, "label": "Dataset", "text": "SQuAD v1.1"}, {"start": 9, "end": 13, "label": "MLModel", "text": "BERT"}, {"start": 0, "end": 2, "label": "Task", "text": "We"}]}"#;
        let ps = parse_gsap(line, "g").unwrap();
        assert_eq!(ps[0].fold, Some(3));
        let labels = vec!["MLModel".to_string(), "Dataset".to_string()];
        assert_eq!(ps[0].gold(&labels).count(), 3);
        let (ex, misaligned) = ps[0].examples(&labels);
        assert_eq!(misaligned, 1, "BERT ends inside the token BERT-base");
        assert_eq!(ex.len(), 2);
        assert_eq!(ex[0].tokens, ["We", "train", "BERT-base", "."]);
        assert_eq!(ex[0].spans, vec![TokenSpan { start: 2, end: 3, label: 0 }]);
        assert_eq!(ex[1].spans, vec![TokenSpan { start: 2, end: 4, label: 1 }]);
        let empty = r#"{"id": "p", "doc": "d", "text": "abc", "entities": [{"start": 2, "end": 2, "label": "X"}]}"#;
        assert!(parse_gsap(empty, "g").unwrap()[0].entities.is_empty());
        let bad = r#"{"id": "p", "doc": "d", "text": "abc", "entities": [{"start": 2, "end": 4, "label": "X"}]}"#;
        assert!(parse_gsap(bad, "g").unwrap_err().to_string().contains("outside the text"));
    }

    #[test]
    fn folds_map_documents() {
        let f = parse_folds(r#"{"0": ["a.json", "b.json"], "1": ["c.json"]}"#, "f").unwrap();
        assert_eq!(f.get("b"), Some(&0));
        assert_eq!(f.get("c"), Some(&1));
        assert!(parse_folds(r#"{"0": ["a.json"], "1": ["a.json"]}"#, "f").is_err());
        assert!(parse_folds(r#"{"x": []}"#, "f").is_err());
    }
}
