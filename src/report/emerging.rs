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
use std::collections::{BTreeMap, HashMap, HashSet};

/// The comparison key of a phrase.
pub fn term_key(phrase: &str) -> String {
    let lower = phrase.to_lowercase();
    let words: Vec<String> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
                w[..w.len() - 1].to_string()
            } else {
                w.to_string()
            }
        })
        .collect();
    words.join(" ")
}

#[derive(Default)]
struct Acc {
    counts: Vec<u32>,
    forms: BTreeMap<String, u32>,
    papers: Vec<u32>,
}

/// The emerging terms and how many papers had phrases at all.
pub(crate) fn terms(corpus: &Corpus, placed: &[Option<u32>], totals: &[u32], win: Option<Windows>, config: &TrendConfig) -> (Vec<TermTrend>, u64) {
    let with_terms = corpus.papers.iter().zip(placed).filter(|(p, t)| t.is_some() && !p.phrases.is_empty()).count() as u64;
    let Some(w) = win else { return (Vec::new(), with_terms) };
    if with_terms == 0 {
        return (Vec::new(), 0);
    }
    let known: HashSet<String> = corpus.concepts.iter().flat_map(|c| [term_key(&c.label), term_key(&c.id)].into_iter().chain(c.names.iter().map(|n| term_key(n)))).collect();
    let n = totals.len();
    let mut acc: HashMap<String, Acc> = HashMap::new();
    for (pi, (paper, t)) in corpus.papers.iter().zip(placed).enumerate() {
        let Some(t) = t.map(|t| t as usize) else { continue };
        let mut seen: HashSet<String> = HashSet::new();
        for phrase in &paper.phrases {
            let key = term_key(phrase);
            if key.is_empty() || known.contains(&key) || !seen.insert(key.clone()) {
                continue;
            }
            let e = acc.entry(key).or_default();
            if e.counts.is_empty() {
                e.counts = vec![0; n];
            }
            e.counts[t] += 1;
            *e.forms.entry(phrase.trim().to_string()).or_default() += 1;
            if (w.recent.0..w.recent.1).contains(&t) {
                e.papers.push(pi as u32);
            }
        }
    }
    let sum = |(a, b): (usize, usize), v: &[u32]| -> f64 { v[a..b].iter().map(|&x| f64::from(x)).sum() };
    let (tr, tb) = (sum(w.recent, totals), sum(w.previous, totals));
    let mut out: Vec<TermTrend> = acc
        .into_values()
        .filter_map(|e| {
            let (nr, nb) = (sum(w.recent, &e.counts), sum(w.previous, &e.counts));
            if nr < f64::from(config.min_count) || tr == 0.0 || tb == 0.0 {
                return None;
            }
            let ratio = ((nr + 0.5) / tr) / ((nb + 0.5) / tb);
            let z = z_stat(nr, tr, nb, tb);
            if ratio < config.growth_threshold || z < config.z_threshold {
                return None;
            }
            let term = e.forms.iter().max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0))).map(|(f, _)| f.clone()).unwrap_or_default();
            let mut papers = e.papers;
            papers.sort_by(|&x, &y| corpus.papers[y as usize].date.cmp(&corpus.papers[x as usize].date).then_with(|| corpus.papers[x as usize].id.cmp(&corpus.papers[y as usize].id)));
            Some(TermTrend { term, papers: e.counts.iter().sum(), recent: nr as u32, previous: nb as u32, ratio, z, counts: e.counts, paper_ids: papers })
        })
        .collect();
    out.sort_by(|a, b| b.ratio.total_cmp(&a.ratio).then_with(|| a.term.cmp(&b.term)));
    out.truncate(config.terms);
    (out, with_terms)
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
