//! Co-occurrence changes: concept pairs whose share of papers (papers tagged with both, over
//! all papers of the window) rose or fell most from the previous growth window to the recent
//! one. Pairs where one concept is the other's ancestor are left out (a paper on KV cache is
//! about LLMs by construction), and so are pairs with fewer than `min_count` papers in their
//! busier window. The NPMI of each window (see [`crate::graph::npmi`]) tells whether the
//! association itself changed or only the volume.

use super::corpus::Corpus;
use super::trends::{ConceptTrend, PairChange, TrendConfig, Windows};
use crate::graph::npmi;
use std::collections::HashMap;

#[derive(Default)]
struct Acc {
    recent: u32,
    previous: u32,
    papers: Vec<u32>,
}

/// Rising and falling pairs, `config.pairs` of each, by share ratio (ties by ids).
pub(crate) fn changes(corpus: &Corpus, placed: &[Option<u32>], totals: &[u32], concepts: &[ConceptTrend], w: Windows, config: &TrendConfig) -> (Vec<PairChange>, Vec<PairChange>) {
    let sum = |(a, b): (usize, usize), v: &[u32]| -> u32 { v[a..b].iter().sum() };
    let (tr, tb) = (sum(w.recent, totals), sum(w.previous, totals));
    if tr == 0 || tb == 0 {
        return (Vec::new(), Vec::new());
    }
    // Window counts per concept, for NPMI; only concepts with enough papers take part.
    let mut by_concept: HashMap<u32, (u32, u32)> = HashMap::new();
    for c in concepts.iter().filter(|c| c.papers >= config.min_count) {
        by_concept.insert(c.concept as u32, (sum(w.recent, &c.counts), sum(w.previous, &c.counts)));
    }
    let mut acc: HashMap<(u32, u32), Acc> = HashMap::new();
    let mut ids: Vec<u32> = Vec::new();
    for (pi, (paper, t)) in corpus.papers.iter().zip(placed).enumerate() {
        let Some(t) = t.map(|t| t as usize) else { continue };
        let recent = (w.recent.0..w.recent.1).contains(&t);
        if !recent && !(w.previous.0..w.previous.1).contains(&t) {
            continue;
        }
        ids.clear();
        ids.extend(paper.tags.iter().map(|t| t.concept).filter(|c| by_concept.contains_key(c)));
        ids.sort_unstable();
        ids.dedup();
        for (i, &a) in ids.iter().enumerate() {
            for &b in &ids[i + 1..] {
                let e = acc.entry((a, b)).or_default();
                if recent {
                    e.recent += 1;
                } else {
                    e.previous += 1;
                }
                e.papers.push(pi as u32);
            }
        }
    }
    let mut out: Vec<PairChange> = acc
        .into_iter()
        .filter(|(_, e)| e.recent.max(e.previous) >= config.min_count)
        .filter(|((a, b), _)| !corpus.is_ancestor_or_self(*a as usize, *b as usize) && !corpus.is_ancestor_or_self(*b as usize, *a as usize))
        .map(|((a, b), e)| {
            let (ca, cb) = (&corpus.concepts[a as usize], &corpus.concepts[b as usize]);
            let (na, nb) = (by_concept[&a], by_concept[&b]);
            let recent_share = f64::from(e.recent) / f64::from(tr);
            let previous_share = f64::from(e.previous) / f64::from(tb);
            let ratio = ((f64::from(e.recent) + 0.5) / f64::from(tr)) / ((f64::from(e.previous) + 0.5) / f64::from(tb));
            let mut papers = e.papers;
            let in_recent = e.recent > 0;
            papers.retain(|&p| placed[p as usize].is_some_and(|t| (w.recent.0..w.recent.1).contains(&(t as usize)) == in_recent));
            papers.sort_by(|&x, &y| corpus.papers[y as usize].date.cmp(&corpus.papers[x as usize].date).then_with(|| corpus.papers[x as usize].id.cmp(&corpus.papers[y as usize].id)));
            PairChange {
                a: ca.id.clone(),
                b: cb.id.clone(),
                a_label: ca.label.clone(),
                b_label: cb.label.clone(),
                recent: e.recent,
                previous: e.previous,
                recent_share,
                previous_share,
                ratio,
                recent_npmi: npmi(e.recent, na.0, nb.0, tr),
                previous_npmi: npmi(e.previous, na.1, nb.1, tb),
                paper_ids: papers,
            }
        })
        .collect();
    out.sort_by(|x, y| y.ratio.total_cmp(&x.ratio).then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b))));
    let rising: Vec<PairChange> = out.iter().filter(|p| p.ratio > 1.0).take(config.pairs).cloned().collect();
    let falling: Vec<PairChange> = out.iter().rev().filter(|p| p.ratio < 1.0).take(config.pairs).cloned().collect();
    (rising, falling)
}
