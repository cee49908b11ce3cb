//! Keyphrase evaluation against gold keyphrases, by the standard protocol: exact match
//! after Porter stemming ([`super::porter`]), F1@k from macro-averaged precision (matches
//! over k, whatever the number predicted) and recall (matches over the paper's gold keys,
//! including keys the text never states), as `shared/eval/keyphrase_eval.py` computes it.
//!
//! Gold sets: the Inspec test split ([`load_inspec`]: `N.abstr` title and abstract,
//! `N.uncontr` the uncontrolled keys, Hulth 2003) and author keywords of an OpenReview
//! paper list ([`load_openreview`]: `paper_id, title, link, keywords, abstract` TSV).

use super::porter::stem_phrase;
use crate::model::Paper;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// Errors reading a gold set.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: {why}")]
    Format { path: String, why: String },
}

/// The kinds of keyphrase gold standard that can be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoldFormat {
    /// The Inspec folder of `N.abstr` and `N.uncontr` files ([`load_inspec`]).
    Inspec,
    /// An OpenReview paper list with author keywords ([`load_openreview`]).
    OpenReview,
}

impl std::str::FromStr for GoldFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "inspec" => Ok(GoldFormat::Inspec),
            "openreview" => Ok(GoldFormat::OpenReview),
            _ => Err(format!("unknown keyphrase gold {s:?}; expected inspec or openreview")),
        }
    }
}

impl std::fmt::Display for GoldFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            GoldFormat::Inspec => "inspec",
            GoldFormat::OpenReview => "openreview",
        })
    }
}

impl GoldFormat {
    pub fn load(self, path: &Path) -> Result<Vec<GoldPaper>, EvalError> {
        match self {
            GoldFormat::Inspec => load_inspec(path),
            GoldFormat::OpenReview => load_openreview(path),
        }
    }
}

/// One gold paper: its text and its stemmed gold keys.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldPaper {
    pub paper: Paper,
    /// Gold keys as the protocol stems them (an empty string is kept if a key had no
    /// letters or digits, as the reference script keeps it).
    pub keys: BTreeSet<String>,
}

fn read(path: &Path) -> Result<String, EvalError> {
    let bytes = std::fs::read(path).map_err(|source| EvalError::Io { path: path.display().to_string(), source })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A gold paper's text cleaned as `topicgraph papers` cleans it (TeX, HTML, math spans), so
/// that scoring on the fly and scoring what `tag` wrote for the same records agree.
fn paper(id: String, title: &str, abs: &str) -> Paper {
    let t = crate::ingest::clean::clean_text(title);
    let a = crate::ingest::clean::clean_text(abs);
    let mut p = Paper { id, title: t.text, abstract_text: a.text, ..Default::default() };
    p.math_spans.title = t.math;
    p.math_spans.abstract_text = a.math;
    p
}

/// Collapse every run of whitespace to one space and trim.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The Inspec split in `dir`: papers `inspec-N`, in the order of their file names.
pub fn load_inspec(dir: &Path) -> Result<Vec<GoldPaper>, EvalError> {
    let entries = std::fs::read_dir(dir).map_err(|source| EvalError::Io { path: dir.display().to_string(), source })?;
    let mut names: Vec<String> = entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.ends_with(".abstr")).collect();
    if names.is_empty() {
        return Err(EvalError::Format { path: dir.display().to_string(), why: "no .abstr files (give the Inspec Test folder)".into() });
    }
    names.sort();
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let id = name.trim_end_matches(".abstr");
        let text = read(&dir.join(&name))?;
        let (title, abs) = text.split_once('\n').unwrap_or((&text, ""));
        let keys_text = read(&dir.join(format!("{id}.uncontr")))?;
        let keys = collapse_keep_edges(&keys_text).split(';').filter(|k| !k.trim().is_empty()).map(stem_phrase).collect();
        let paper = paper(format!("inspec-{id}"), &collapse(title), &collapse(abs));
        out.push(GoldPaper { paper, keys });
    }
    Ok(out)
}

/// `re.sub(r"\s+", " ", s)` without the trim (keys are split on `;` after it).
fn collapse_keep_edges(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

/// An OpenReview paper list (TSV with a header: `paper_id, title, link, keywords,
/// abstract`; keywords comma-separated). Papers without keywords are left out.
pub fn load_openreview(path: &Path) -> Result<Vec<GoldPaper>, EvalError> {
    let text = read(path)?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).ok_or_else(|| EvalError::Format { path: path.display().to_string(), why: format!("no {name} column") });
    let (id_c, title_c, kw_c, abs_c) = (col("paper_id")?, col("title")?, col("keywords")?, col("abstract")?);
    let mut out = Vec::new();
    for line in lines {
        let cols: Vec<&str> = line.split('\t').collect();
        let get = |i: usize| cols.get(i).copied().unwrap_or("");
        let keys: BTreeSet<String> = get(kw_c).split(',').filter(|k| !k.trim().is_empty()).map(stem_phrase).filter(|k| !k.is_empty()).collect();
        if keys.is_empty() {
            continue;
        }
        let paper = paper(get(id_c).to_string(), &collapse(get(title_c)), &collapse(get(abs_c)));
        out.push(GoldPaper { paper, keys });
    }
    Ok(out)
}

/// The first `k` distinct stemmed predictions (empty stems skipped), as the protocol takes
/// them.
fn top_k(pred: &[String], k: usize) -> Vec<String> {
    let mut top: Vec<String> = Vec::with_capacity(k);
    for p in pred {
        let s = stem_phrase(p);
        if !s.is_empty() && !top.contains(&s) {
            top.push(s);
        }
        if top.len() == k {
            break;
        }
    }
    top
}

/// Scores at one cut-off.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AtK {
    pub k: usize,
    /// Macro precision: matches over k.
    pub precision: f64,
    /// Macro recall: matches over the paper's gold keys.
    pub recall: f64,
    /// Harmonic mean of the macro precision and recall.
    pub f1: f64,
    /// Macro recall over only the gold keys whose stems occur in the paper's text.
    pub present_recall: f64,
}

/// A keyphrase evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyphraseReport {
    pub papers: usize,
    pub gold_keys: usize,
    /// Share of gold keys that occur in the text (after stemming): the ceiling of recall for
    /// any extractor.
    pub present_share: f64,
    pub at: Vec<AtK>,
}

/// Score ranked predictions (by paper id) at each k. Papers without predictions count
/// with none.
pub fn evaluate(gold: &[GoldPaper], pred: &HashMap<String, Vec<String>>, ks: &[usize]) -> KeyphraseReport {
    let empty = Vec::new();
    let present: Vec<BTreeSet<&String>> = gold
        .iter()
        .map(|g| {
            let text = format!(" {} {} ", stem_phrase(&g.paper.title), stem_phrase(&g.paper.abstract_text));
            g.keys.iter().filter(|k| !k.is_empty() && text.contains(&format!(" {k} "))).collect()
        })
        .collect();
    let gold_keys: usize = gold.iter().map(|g| g.keys.len()).sum();
    let present_keys: usize = present.iter().map(|p| p.len()).sum();
    let mut at = Vec::new();
    for &k in ks {
        let (mut p, mut r, mut pr, mut with_present) = (0.0, 0.0, 0.0, 0usize);
        for (g, pres) in gold.iter().zip(&present) {
            let top = top_k(pred.get(&g.paper.id).unwrap_or(&empty), k);
            let tp = top.iter().filter(|s| g.keys.contains(*s)).count();
            p += tp as f64 / k as f64;
            if !g.keys.is_empty() {
                r += tp as f64 / g.keys.len() as f64;
            }
            if !pres.is_empty() {
                pr += top.iter().filter(|s| pres.contains(s)).count() as f64 / pres.len() as f64;
                with_present += 1;
            }
        }
        let n = gold.len().max(1) as f64;
        let (p, r) = (p / n, r / n);
        let f1 = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
        at.push(AtK { k, precision: p, recall: r, f1, present_recall: pr / with_present.max(1) as f64 });
    }
    KeyphraseReport { papers: gold.len(), gold_keys, present_share: present_keys as f64 / gold_keys.max(1) as f64, at }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold(id: &str, keys: &[&str]) -> GoldPaper {
        GoldPaper { paper: Paper { id: id.into(), title: "Neural networks".into(), abstract_text: "We train neural networks for image segmentation.".into(), ..Default::default() }, keys: keys.iter().map(|k| stem_phrase(k)).collect() }
    }

    #[test]
    fn f1_follows_the_protocol() {
        let g = vec![gold("a", &["neural networks", "image segmentation", "optimizer"]), gold("b", &["graphs"])];
        let mut pred = HashMap::new();
        // Duplicates after stemming count once; precision divides by k whatever was predicted.
        pred.insert("a".to_string(), vec!["Neural Network".to_string(), "neural networks".into(), "image segmentations".into(), "training".into()]);
        let r = evaluate(&g, &pred, &[2, 5]);
        let at2 = r.at[0];
        assert!((at2.precision - (2.0 / 2.0) / 2.0).abs() < 1e-12, "{at2:?}");
        assert!((at2.recall - (2.0 / 3.0) / 2.0).abs() < 1e-12);
        let at5 = r.at[1];
        assert!((at5.precision - (2.0 / 5.0) / 2.0).abs() < 1e-12);
        assert!((at5.f1 - 2.0 * at5.precision * at5.recall / (at5.precision + at5.recall)).abs() < 1e-12);
        assert_eq!(r.gold_keys, 4);
        assert!((r.present_share - 0.5).abs() < 1e-12, "neural network and image segmentation occur: {}", r.present_share);
    }
}
