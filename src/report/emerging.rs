//! Emerging terms: keyphrases that are not concepts of the ontology and whose share of papers
//! rises, as candidates for the user to add.
//!
//! Input: per paper, a list of phrase strings not linked to a concept ([`ReportPaper::phrases`]:
//! author keywords from the source, and the keyphrases of tag output not linked to a concept,
//! see `corpus.rs`). Phrases are compared by a key (lowercase, words of letters and digits, a plural `s` dropped), so `Test-time compute` and `test time
//! computes` are one term; a term whose key is the key of any label of a concept is left out.
//!
//! A term is listed when it has `min_count` papers in the recent window, its smoothed share
//! (half a paper added) grew by `growth_threshold` over the previous window, and the
//! two-proportion z statistic reaches `z_threshold`; highest ratio first.
//!
//! [`ReportPaper::phrases`]: super::corpus::ReportPaper::phrases

use super::corpus::Corpus;
use super::trends::{z_stat, TermTrend, TrendConfig, Windows};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;

/// The comparison key of a phrase.
pub fn term_key(phrase: &str) -> String {
    let lower = phrase.to_lowercase();
    let mut key = String::with_capacity(lower.len());
    for w in lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if !key.is_empty() {
            key.push(' ');
        }
        let plural = w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is");
        key.push_str(if plural { &w[..w.len() - 1] } else { w });
    }
    key
}

/// The emerging terms and how many papers had phrases at all.
///
/// Three passes, so that only terms that can be listed cost more than a count: the keys of
/// each paper's phrases (in parallel), the papers of each key in the two windows, then counts
/// per period, written forms and papers for the terms that pass the tests.
pub(crate) fn terms(corpus: &Corpus, placed: &[Option<u32>], totals: &[u32], win: Option<Windows>, config: &TrendConfig) -> (Vec<TermTrend>, u64) {
    let with_terms = corpus.papers.iter().zip(placed).filter(|(p, t)| t.is_some() && !p.phrases.is_empty()).count() as u64;
    let Some(w) = win else { return (Vec::new(), with_terms) };
    if with_terms == 0 {
        return (Vec::new(), 0);
    }
    let known: FxHashSet<String> = corpus.concepts.iter().flat_map(|c| [term_key(&c.label), term_key(&c.id)].into_iter().chain(c.names.iter().map(|n| term_key(n)))).collect();
    // Per placed paper: its index, its period, and each distinct key with the phrase first
    // written so.
    let keyed: Vec<(u32, usize, Vec<(String, &str)>)> = corpus
        .papers
        .par_iter()
        .zip(placed)
        .enumerate()
        .filter_map(|(pi, (paper, t))| {
            let t = (*t)? as usize;
            let mut keys: Vec<(String, &str)> = Vec::with_capacity(paper.phrases.len());
            for phrase in &paper.phrases {
                let key = term_key(phrase);
                if !key.is_empty() && !known.contains(&key) && !keys.iter().any(|(k, _)| *k == key) {
                    keys.push((key, phrase.trim()));
                }
            }
            Some((pi as u32, t, keys))
        })
        .collect();
    let in_window = |(a, b): (usize, usize), t: usize| (a..b).contains(&t);
    let mut windows: FxHashMap<&str, [u32; 2]> = FxHashMap::default();
    for (_, t, keys) in &keyed {
        let slot = if in_window(w.recent, *t) {
            0
        } else if in_window(w.previous, *t) {
            1
        } else {
            continue;
        };
        for (key, _) in keys {
            windows.entry(key.as_str()).or_default()[slot] += 1;
        }
    }
    let sum = |(a, b): (usize, usize), v: &[u32]| -> f64 { v[a..b].iter().map(|&x| f64::from(x)).sum() };
    let (tr, tb) = (sum(w.recent, totals), sum(w.previous, totals));
    if tr == 0.0 || tb == 0.0 {
        return (Vec::new(), with_terms);
    }
    // The tests need only the two windows' counts.
    let listed: FxHashMap<&str, (f64, f64)> = windows
        .into_iter()
        .filter_map(|(key, [nr, nb])| {
            let (nr, nb) = (f64::from(nr), f64::from(nb));
            let ratio = ((nr + 0.5) / tr) / ((nb + 0.5) / tb);
            let z = z_stat(nr, tr, nb, tb);
            (nr >= f64::from(config.min_count) && ratio >= config.growth_threshold && z >= config.z_threshold).then_some((key, (ratio, z)))
        })
        .collect();
    let n = totals.len();
    let mut acc: FxHashMap<&str, Acc> = FxHashMap::default();
    for &(pi, t, ref keys) in &keyed {
        for (key, form) in keys {
            if !listed.contains_key(key.as_str()) {
                continue;
            }
            let e = acc.entry(key.as_str()).or_insert_with(|| Acc { counts: vec![0; n], ..Default::default() });
            e.counts[t] += 1;
            *e.forms.entry(form).or_default() += 1;
            if in_window(w.recent, t) {
                e.papers.push(pi);
            }
        }
    }
    let mut out: Vec<TermTrend> = acc
        .into_iter()
        .map(|(key, e)| {
            let (ratio, z) = listed[key];
            let (nr, nb) = (sum(w.recent, &e.counts), sum(w.previous, &e.counts));
            let term = e.forms.iter().max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0))).map(|(f, _)| f.to_string()).unwrap_or_default();
            let mut papers = e.papers;
            papers.sort_by(|&x, &y| corpus.papers[y as usize].date.cmp(&corpus.papers[x as usize].date).then_with(|| corpus.papers[x as usize].id.cmp(&corpus.papers[y as usize].id)));
            TermTrend { term, papers: e.counts.iter().sum(), recent: nr as u32, previous: nb as u32, ratio, z, counts: e.counts, paper_ids: papers }
        })
        .collect();
    out.sort_by(|a, b| b.ratio.total_cmp(&a.ratio).then_with(|| a.term.cmp(&b.term)));
    out.truncate(config.terms);
    (out, with_terms)
}

#[derive(Default)]
struct Acc<'a> {
    counts: Vec<u32>,
    forms: BTreeMap<&'a str, u32>,
    papers: Vec<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_case_separators_and_plurals() {
        assert_eq!(term_key("Test-time compute"), "test time compute");
        assert_eq!(term_key("test time computes"), "test time compute");
        assert_eq!(term_key("KV caches"), "kv cache");
        assert_eq!(term_key("GPT-4o"), "gpt 4o");
        assert_eq!(term_key("loss"), "loss");
        assert_eq!(term_key("corpus"), "corpus");
        assert_eq!(term_key("  "), "");
    }
}
