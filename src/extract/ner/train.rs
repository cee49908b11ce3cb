//! Averaged structured perceptron training (Collins 2002), with the averaging trick of
//! Daumé (2006): besides the weights `w`, an accumulator `u` of `c · Δ` gives the average
//! `w - u / c` at any time without touching every weight after every sentence.
//!
//! Deterministic by construction: the sentence order of each epoch is a Fisher–Yates shuffle
//! from a fixed seed (SplitMix64), updates are integers, and the averaged weights are
//! quantised with one rounding rule, so the same data and settings give the same model file
//! byte for byte.

use crate::rng::SplitMix;
use super::features::{SentenceFeatures, FEATURES_VERSION};
use super::model::{ModelInfo, Tagger, TrainingInfo};
use super::scheme::{Scheme, TokenSpan};
use super::viterbi::Lattice;
use super::NerError;
use serde::Serialize;

/// A labelled sentence: tokens and spans over them (label indices into the label list).
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub tokens: Vec<String>,
    pub spans: Vec<TokenSpan>,
}

/// Training settings.
#[derive(Debug, Clone)]
pub struct TrainConfig {
    pub name: String,
    pub scheme: Scheme,
    /// The feature table has `2^bits` buckets.
    pub bits: u32,
    /// Epochs to run (with a development set, the best of them is kept).
    pub epochs: usize,
    pub seed: u64,
    /// What the training data was, for the model header.
    pub data: String,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig { name: "ner".into(), scheme: Scheme::Bilou, bits: 18, epochs: 30, seed: 1, data: String::new() }
    }
}

/// One epoch: how many training sentences were decoded wrongly, and the development score.
#[derive(Debug, Clone, Serialize)]
pub struct EpochReport {
    pub epoch: usize,
    pub mistakes: usize,
    pub dev_f1: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrainReport {
    pub epochs: Vec<EpochReport>,
    /// The epoch the returned model comes from.
    pub best_epoch: usize,
    pub spans_dropped: usize,
}

/// Keep spans that do not overlap: by start, the longer first. Returns how many were dropped.
fn flatten(spans: &[TokenSpan]) -> (Vec<TokenSpan>, usize) {
    let mut s = spans.to_vec();
    s.sort_by_key(|x| (x.start, std::cmp::Reverse(x.end), x.label));
    s.dedup();
    let mut out: Vec<TokenSpan> = Vec::with_capacity(s.len());
    let mut dropped = 0;
    for x in s {
        if out.last().is_some_and(|l| x.start < l.end) {
            dropped += 1;
        } else {
            out.push(x);
        }
    }
    (out, dropped)
}

/// A sentence ready for training: bucket numbers of its features and its gold tags.
struct Prepared {
    buckets: Vec<u32>,
    offsets: Vec<usize>,
    gold: Vec<u16>,
}

struct Weights {
    t: usize,
    w: Vec<i32>,
    u: Vec<i64>,
    tw: Vec<i32>,
    tu: Vec<i64>,
}

impl Weights {
    fn emissions(&self, p: &Prepared, emit: &mut Vec<i32>) {
        let t = self.t;
        let n = p.gold.len();
        emit.clear();
        emit.resize(n * t, 0);
        for i in 0..n {
            let e = &mut emit[i * t..(i + 1) * t];
            for &b in &p.buckets[p.offsets[i]..p.offsets[i + 1]] {
                for (x, &w) in e.iter_mut().zip(&self.w[b as usize * t..(b as usize + 1) * t]) {
                    *x += w;
                }
            }
        }
    }

    fn bump(&mut self, p: &Prepared, i: usize, tag: u16, delta: i32, c: i64) {
        let t = self.t;
        for &b in &p.buckets[p.offsets[i]..p.offsets[i + 1]] {
            let k = b as usize * t + tag as usize;
            self.w[k] += delta;
            self.u[k] += c * delta as i64;
        }
    }

    fn bump_trans(&mut self, p: usize, q: usize, delta: i32, c: i64) {
        let k = p * (self.t + 1) + q;
        self.tw[k] += delta;
        self.tu[k] += c * delta as i64;
    }

    /// The averaged weights, quantised to 16 bits with one scale for the whole model.
    fn average(&self, c: i64, info: ModelInfo) -> Result<Tagger, NerError> {
        let t = self.t;
        let avg = |w: i32, u: i64| w as f64 - u as f64 / c as f64;
        let mut max = 0f64;
        for (&w, &u) in self.w.iter().zip(&self.u).chain(self.tw.iter().zip(&self.tu)) {
            max = max.max(avg(w, u).abs());
        }
        let scale = if max > 0.0 { 32767.0 / max } else { 1.0 };
        let q = |w: i32, u: i64| (avg(w, u) * scale).round();
        let mut buckets = Vec::new();
        let mut rows = Vec::new();
        let mut row = vec![0i16; t];
        for b in 0..self.w.len() / t {
            let mut any = false;
            for (k, r) in row.iter_mut().enumerate() {
                *r = q(self.w[b * t + k], self.u[b * t + k]) as i16;
                any |= *r != 0;
            }
            if any {
                buckets.push(b as u32);
                rows.extend_from_slice(&row);
            }
        }
        let trans = self.tw.iter().zip(&self.tu).map(|(&w, &u)| q(w, u) as i32).collect();
        Tagger::from_parts(ModelInfo { scale, ..info }, &buckets, rows, trans)
    }
}

/// Train a tagger on `examples` (spans index into `labels`). With `dev`, the averaged model
/// is scored after every epoch and the best epoch's model is returned (the earliest among
/// equals); without, the last epoch's.
pub fn train(examples: &[Example], labels: &[String], cfg: &TrainConfig, mut dev: Option<&mut dyn FnMut(&Tagger) -> f64>) -> Result<(Tagger, TrainReport), NerError> {
    if labels.is_empty() {
        return Err(NerError::Train("no labels".into()));
    }
    if !(8..=24).contains(&cfg.bits) {
        return Err(NerError::Train(format!("bits must be 8..=24, not {}", cfg.bits)));
    }
    if cfg.epochs == 0 {
        return Err(NerError::Train("epochs must be at least 1".into()));
    }
    let t = cfg.scheme.n_tags(labels.len());
    let mask = (1u64 << cfg.bits) - 1;
    let mut spans_dropped = 0;
    let mut tokens = 0;
    let mut data = Vec::with_capacity(examples.len());
    let mut f = SentenceFeatures::default();
    for ex in examples {
        if ex.tokens.is_empty() {
            continue;
        }
        if let Some(bad) = ex.spans.iter().find(|s| s.label as usize >= labels.len()) {
            return Err(NerError::Train(format!("span label {} but only {} labels", bad.label, labels.len())));
        }
        let (spans, dropped) = flatten(&ex.spans);
        spans_dropped += dropped;
        let gold = cfg.scheme.encode(ex.tokens.len(), &spans).ok_or_else(|| NerError::Train(format!("a span lies outside its sentence of {} tokens", ex.tokens.len())))?;
        f.fill(&ex.tokens);
        tokens += ex.tokens.len();
        data.push(Prepared { buckets: f.ids.iter().map(|&id| (id & mask) as u32).collect(), offsets: f.offsets.clone(), gold });
    }
    if data.is_empty() {
        return Err(NerError::Train("no training sentences".into()));
    }
    let lattice = Lattice::new(cfg.scheme, t);
    let mut wts = Weights { t, w: vec![0; (1 << cfg.bits) * t], u: vec![0; (1 << cfg.bits) * t], tw: vec![0; (t + 1) * (t + 1)], tu: vec![0; (t + 1) * (t + 1)] };
    let info = |epoch: usize, epochs_run: usize, dev_f1: Option<f64>| ModelInfo {
        name: cfg.name.clone(),
        labels: labels.to_vec(),
        scheme: cfg.scheme.to_string(),
        bits: cfg.bits,
        features: FEATURES_VERSION,
        scale: 1.0,
        training: TrainingInfo { data: cfg.data.clone(), sentences: data.len(), tokens, spans_dropped, epochs_run, epoch, seed: cfg.seed, dev_f1 },
    };
    let mut rng = SplitMix(cfg.seed);
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut c: i64 = 1;
    let (mut emit, mut pred) = (Vec::new(), Vec::new());
    let mut report = TrainReport { epochs: Vec::new(), best_epoch: 0, spans_dropped };
    let mut best: Option<(f64, Tagger)> = None;
    for epoch in 1..=cfg.epochs {
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i + 1));
        }
        let mut mistakes = 0;
        for &k in &order {
            let p = &data[k];
            wts.emissions(p, &mut emit);
            lattice.decode(&emit, &wts.tw, &mut pred);
            if pred != p.gold {
                mistakes += 1;
                let n = p.gold.len();
                for i in 0..n {
                    if pred[i] != p.gold[i] {
                        wts.bump(p, i, p.gold[i], 1, c);
                        wts.bump(p, i, pred[i], -1, c);
                    }
                }
                for i in 0..=n {
                    let prev = |s: &[u16]| if i == 0 { t } else { s[i - 1] as usize };
                    let next = |s: &[u16]| if i == n { t } else { s[i] as usize };
                    let (gp, gq, pp, pq) = (prev(&p.gold), next(&p.gold), prev(&pred), next(&pred));
                    if (gp, gq) != (pp, pq) {
                        wts.bump_trans(gp, gq, 1, c);
                        wts.bump_trans(pp, pq, -1, c);
                    }
                }
            }
            c += 1;
        }
        let dev_f1 = match dev.as_mut() {
            Some(score) => {
                let model = wts.average(c, info(epoch, epoch, None))?;
                let f1 = score(&model);
                if best.as_ref().is_none_or(|(b, _)| f1 > *b) {
                    best = Some((f1, model));
                    report.best_epoch = epoch;
                }
                Some(f1)
            }
            None => None,
        };
        report.epochs.push(EpochReport { epoch, mistakes, dev_f1 });
    }
    let model = match best {
        Some((f1, mut m)) => {
            // the header records the whole run and the chosen epoch's dev score
            let mut training = m.info().training.clone();
            training.epochs_run = cfg.epochs;
            training.dev_f1 = Some((f1 * 1e6).round() / 1e6);
            m.set_training(training);
            m
        }
        None => {
            report.best_epoch = cfg.epochs;
            wts.average(c, info(cfg.epochs, cfg.epochs, None))?
        }
    };
    Ok((model, report))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A tiny language: systems are capitalised names after "use"/"with", data sets are
    /// all-caps names after "on"/"from"; other words are lowercase filler.
    pub(crate) fn toy(n: usize, seed: u64) -> Vec<Example> {
        let mut rng = SplitMix(seed);
        let systems = ["Falcon", "Orca", "Heron", "Lynx", "Otter", "Puffin", "Raven", "Wren"];
        let sets = ["ALPHA", "BRAVO", "DELTA", "ECHO", "KILO", "LIMA", "OSCAR", "TANGO"];
        let filler = ["results", "improve", "we", "the", "model", "strongly", "and", "then"];
        (0..n)
            .map(|_| {
                let mut tokens: Vec<String> = Vec::new();
                let mut spans = Vec::new();
                if rng.below(2) == 0 {
                    // capitalised sentence starts that are not names
                    tokens.push(["Then", "We", "And"][rng.below(3)].into());
                }
                for _ in 0..3 {
                    match rng.below(3) {
                        0 => {
                            tokens.push(["use", "with"][rng.below(2)].into());
                            let s = tokens.len();
                            tokens.push(systems[rng.below(systems.len())].into());
                            if rng.below(2) == 0 {
                                tokens.push("Large".into());
                            }
                            spans.push(TokenSpan { start: s, end: tokens.len(), label: 0 });
                        }
                        1 => {
                            tokens.push(["on", "from"][rng.below(2)].into());
                            spans.push(TokenSpan { start: tokens.len(), end: tokens.len() + 1, label: 1 });
                            tokens.push(sets[rng.below(sets.len())].into());
                        }
                        _ => tokens.push(filler[rng.below(filler.len())].into()),
                    }
                }
                tokens.push(".".into());
                Example { tokens, spans }
            })
            .collect()
    }

    pub(crate) fn labels() -> Vec<String> {
        vec!["System".into(), "Data".into()]
    }

    #[test]
    fn learns_a_tiny_language_and_generalises_to_new_names() {
        let data = toy(200, 7);
        for scheme in [Scheme::Bio, Scheme::Bilou] {
            let cfg = TrainConfig { scheme, bits: 14, epochs: 5, ..Default::default() };
            let (m, report) = train(&data, &labels(), &cfg, None).unwrap();
            assert_eq!(report.epochs.len(), 5);
            assert!(report.epochs[4].mistakes < report.epochs[0].mistakes, "{:?}", report.epochs);
            for ex in data.iter().take(50) {
                assert_eq!(m.tag_tokens(&ex.tokens), ex.spans, "{scheme}: {:?}", ex.tokens);
            }
            // names never seen in training, placed by context and shape
            let s = m.tag_tokens(&["we", "use", "Pelican", "Large", "on", "ZULU", "."]);
            assert_eq!(s, vec![TokenSpan { start: 2, end: 4, label: 0 }, TokenSpan { start: 5, end: 6, label: 1 }], "{scheme}");
            let spans = m.tag("Then we use Pelican on ZULU. And with Condor from YANKEE.");
            let got: Vec<(&str, &str)> = spans.iter().map(|s| (s.text.as_str(), s.label.as_str())).collect();
            assert_eq!(got, [("Pelican", "System"), ("ZULU", "Data"), ("Condor", "System"), ("YANKEE", "Data")], "{scheme}");
            assert!(spans.iter().all(|s| s.score > 0.0));
            assert_eq!((spans[1].start, spans[1].end), (23, 27));
        }
    }

    #[test]
    fn training_is_deterministic_and_files_round_trip() {
        let data = toy(60, 3);
        let cfg = TrainConfig { bits: 12, epochs: 3, seed: 9, ..Default::default() };
        let (a, _) = train(&data, &labels(), &cfg, None).unwrap();
        let (b, _) = train(&data, &labels(), &cfg, None).unwrap();
        assert_eq!(a.to_bytes(), b.to_bytes());
        assert_eq!(a.id(), b.id());
        let back = Tagger::from_bytes(&a.to_bytes(), "mem").unwrap();
        assert_eq!(back.to_bytes(), a.to_bytes());
        assert_eq!(back.info(), a.info());
        for ex in &data {
            assert_eq!(back.tag_tokens(&ex.tokens), a.tag_tokens(&ex.tokens));
        }
        // another seed visits sentences in another order: other weights
        let (c, _) = train(&data, &labels(), &TrainConfig { seed: 10, ..cfg.clone() }, None).unwrap();
        assert_ne!(c.to_bytes(), a.to_bytes());
    }

    #[test]
    fn development_set_keeps_the_best_epoch() {
        let data = toy(40, 5);
        let mut scores = vec![0.2, 0.9, 0.5, 0.9].into_iter();
        let mut dev = |_: &Tagger| scores.next().unwrap();
        let cfg = TrainConfig { bits: 12, epochs: 4, ..Default::default() };
        let (m, r) = train(&data, &labels(), &cfg, Some(&mut dev)).unwrap();
        assert_eq!(r.best_epoch, 2, "the earliest of equal scores");
        assert_eq!((m.info().training.epoch, m.info().training.epochs_run, m.info().training.dev_f1), (2, 4, Some(0.9)));
        let (two, _) = train(&data, &labels(), &TrainConfig { epochs: 2, ..cfg }, None).unwrap();
        assert_eq!(two.tag_tokens(&data[0].tokens), m.tag_tokens(&data[0].tokens));
    }

    #[test]
    fn bad_input_is_an_error_and_overlaps_are_dropped() {
        let ex = vec![Example { tokens: vec!["a".into(), "b".into(), "c".into()], spans: vec![TokenSpan { start: 0, end: 2, label: 0 }, TokenSpan { start: 1, end: 3, label: 1 }] }];
        let cfg = TrainConfig { bits: 10, epochs: 1, ..Default::default() };
        let (_, r) = train(&ex, &labels(), &cfg, None).unwrap();
        assert_eq!(r.spans_dropped, 1);
        assert!(train(&ex, &[], &cfg, None).is_err());
        assert!(train(&ex, &labels()[..1], &cfg, None).is_err(), "label 1 of one label");
        let out = vec![Example { tokens: vec!["a".into()], spans: vec![TokenSpan { start: 0, end: 2, label: 0 }] }];
        assert!(train(&out, &labels(), &cfg, None).is_err());
        assert!(train(&[], &labels(), &cfg, None).is_err());
        assert!(train(&ex, &labels(), &TrainConfig { epochs: 0, ..cfg }, None).is_err());
    }
}
