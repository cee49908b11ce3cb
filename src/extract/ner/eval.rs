//! Exact-span scoring: a predicted span counts only when its boundaries and its label both
//! equal a gold span's. Micro-averaged over all spans, and per label.
//!
//! - [`score_sentences`]: token spans of tokenised sentences (SciERC: the gold keeps every
//!   span, also the few that overlap, which a flat tagger cannot all find).
//! - [`score_paragraphs`]: character spans of raw paragraphs tagged with [`Tagger::tag`]
//!   (GSAP-NER: gold spans that fall inside tokens stay in the gold, as misses).
//! - [`cross_validate`]: GSAP-NER's publication-level folds: for each fold, train on the
//!   others and score on it; the counts of all folds add up to one micro-F1.

use super::data::{Paragraph, Sentence};
use super::train::{train, Example, TrainConfig, TrainReport};
use super::{NerError, Tagger};
use crate::eval::Counts;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Micro counts over all spans and per label, with the mistakes for inspection.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Score {
    pub total: Counts,
    pub per_label: BTreeMap<String, Counts>,
    /// `(item, text, label)` of false positives and negatives, in item order.
    #[serde(skip)]
    pub false_positives: Vec<(usize, String, String)>,
    #[serde(skip)]
    pub false_negatives: Vec<(usize, String, String)>,
}

impl Score {
    fn add<K: Ord + Clone>(&mut self, item: usize, gold: &BTreeSet<(K, String)>, pred: &BTreeSet<(K, String)>, text: impl Fn(&K) -> String) {
        for (k, label) in gold.union(pred) {
            let key = (k.clone(), label.clone());
            let c = self.per_label.entry(label.clone()).or_default();
            match (gold.contains(&key), pred.contains(&key)) {
                (true, true) => {
                    c.tp += 1;
                    self.total.tp += 1;
                }
                (false, true) => {
                    c.fp += 1;
                    self.total.fp += 1;
                    self.false_positives.push((item, text(k), label.clone()));
                }
                _ => {
                    c.fn_ += 1;
                    self.total.fn_ += 1;
                    self.false_negatives.push((item, text(k), label.clone()));
                }
            }
        }
    }

    /// Add another score's counts (mistake lists are not merged).
    pub fn merge(&mut self, other: &Score) {
        self.total.tp += other.total.tp;
        self.total.fp += other.total.fp;
        self.total.fn_ += other.total.fn_;
        for (l, c) in &other.per_label {
            let m = self.per_label.entry(l.clone()).or_default();
            m.tp += c.tp;
            m.fp += c.fp;
            m.fn_ += c.fn_;
        }
    }
}

/// Score a tagger on tokenised sentences with gold token spans.
pub fn score_sentences(tagger: &Tagger, sentences: &[Sentence]) -> Score {
    let preds: Vec<Vec<super::TokenSpan>> = sentences.par_iter().map(|s| tagger.tag_tokens(&s.tokens)).collect();
    let mut score = Score::default();
    for (i, (s, pred)) in sentences.iter().zip(&preds).enumerate() {
        let gold: BTreeSet<((usize, usize), String)> = s.spans.iter().map(|(a, b, l)| ((*a, *b), l.clone())).collect();
        let pred: BTreeSet<((usize, usize), String)> = pred.iter().map(|p| ((p.start, p.end), tagger.labels()[p.label as usize].clone())).collect();
        score.add(i, &gold, &pred, |&(a, b)| s.tokens[a..b].join(" "));
    }
    score
}

/// Score a tagger on raw paragraphs against their gold character spans of `labels` (all
/// labels when empty).
pub fn score_paragraphs(tagger: &Tagger, paragraphs: &[&Paragraph], labels: &[String]) -> Score {
    let preds: Vec<Vec<super::Span>> = paragraphs.par_iter().map(|p| tagger.tag(&p.text)).collect();
    let mut score = Score::default();
    for (i, (p, pred)) in paragraphs.iter().zip(&preds).enumerate() {
        let gold: BTreeSet<((usize, usize), String)> = p.gold(labels).map(|e| ((e.start, e.end), e.label.clone())).collect();
        let pred: BTreeSet<((usize, usize), String)> = pred.iter().map(|s| ((s.start, s.end), s.label.clone())).collect();
        score.add(i, &gold, &pred, |&(a, b)| p.text.chars().skip(a).take(b - a).collect());
    }
    score
}

/// Examples of `paragraphs` for `labels`, and how many gold spans could not be placed on
/// token boundaries.
pub fn paragraph_examples(paragraphs: &[&Paragraph], labels: &[String]) -> (Vec<Example>, usize) {
    let mut out = Vec::new();
    let mut misaligned = 0;
    for p in paragraphs {
        let (ex, m) = p.examples(labels);
        out.extend(ex);
        misaligned += m;
    }
    (out, misaligned)
}

/// One fold of a cross-validation.
#[derive(Debug, Clone, Serialize)]
pub struct FoldResult {
    pub fold: usize,
    pub train_paragraphs: usize,
    pub test_paragraphs: usize,
    /// The epoch count chosen on the inner development fold.
    pub epochs: usize,
    pub score: Score,
}

/// Cross-validation settings.
#[derive(Debug, Clone)]
pub struct CvConfig {
    pub train: TrainConfig,
    /// Choose the epoch count per outer fold on an inner development fold (the next fold
    /// in order), then retrain on all training folds with it; without, `train.epochs`.
    pub tune_epochs: bool,
}

/// The paragraphs whose fold passes `keep`.
fn pick<'a>(paragraphs: &'a [Paragraph], folds: &[Option<usize>], keep: impl Fn(usize) -> bool) -> Vec<&'a Paragraph> {
    paragraphs.iter().zip(folds).filter(|(_, f)| f.is_some_and(&keep)).map(|(p, _)| p).collect()
}

/// Cross-validate: `folds[i]` is the fold of `paragraphs[i]` (`None`: left out). Folds are
/// visited in increasing order; `progress` sees each fold's result as it is done.
pub fn cross_validate(paragraphs: &[Paragraph], folds: &[Option<usize>], labels: &[String], cfg: &CvConfig, progress: &mut dyn FnMut(&FoldResult)) -> Result<(Score, Vec<FoldResult>), NerError> {
    if folds.len() != paragraphs.len() {
        return Err(NerError::Train(format!("{} folds for {} paragraphs", folds.len(), paragraphs.len())));
    }
    let ids: Vec<usize> = folds.iter().flatten().copied().collect::<BTreeSet<usize>>().into_iter().collect();
    if ids.len() < 2 {
        return Err(NerError::Train(format!("cross-validation needs at least two folds, found {}", ids.len())));
    }
    let mut total = Score::default();
    let mut results = Vec::new();
    for (i, &k) in ids.iter().enumerate() {
        let test = pick(paragraphs, folds, |f| f == k);
        let rest = pick(paragraphs, folds, |f| f != k);
        let epochs = if cfg.tune_epochs {
            let dev_fold = ids[(i + 1) % ids.len()];
            let dev = pick(paragraphs, folds, |f| f == dev_fold);
            let inner = pick(paragraphs, folds, |f| f != k && f != dev_fold);
            let (ex, _) = paragraph_examples(&inner, labels);
            let mut score_dev = |m: &Tagger| score_paragraphs(m, &dev, labels).total.f1();
            let (_, report): (Tagger, TrainReport) = train(&ex, labels, &cfg.train, Some(&mut score_dev))?;
            report.best_epoch
        } else {
            cfg.train.epochs
        };
        let (ex, _) = paragraph_examples(&rest, labels);
        let (model, _) = train(&ex, labels, &TrainConfig { epochs, ..cfg.train.clone() }, None)?;
        let score = score_paragraphs(&model, &test, labels);
        total.merge(&score);
        let r = FoldResult { fold: k, train_paragraphs: rest.len(), test_paragraphs: test.len(), epochs, score };
        progress(&r);
        results.push(r);
    }
    Ok((total, results))
}
