//! Concept co-occurrence and its significance: pointwise mutual information (PMI) and its
//! normalised form (NPMI), Bouma 2009, "Normalized (pointwise) mutual information in
//! collocation extraction".
//!
//! Over the N papers that have at least one concept, with n_a papers tagged `a`, n_b tagged
//! `b` and n_ab tagged both, and p(x) = n_x / N:
//!
//! ```text
//! PMI(a, b)  = ln( p(a,b) / (p(a) p(b)) ) = ln( n_ab N / (n_a n_b) )
//! NPMI(a, b) = PMI(a, b) / -ln p(a,b)          in [-1, 1]
//! ```
//!
//! NPMI is 1 when the two concepts only ever occur together, 0 when they are independent and
//! -1 when they never meet. Raw counts favour frequent concepts and PMI favours rare ones;
//! NPMI with a minimum support (a pair counts only when n_ab reaches it) is the measure the
//! graph uses. Counts are of papers, not of tag scores.

use serde::Serialize;
use std::collections::HashMap;

/// How often a concept pair occurs together, and how significant that is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Cooccurrence {
    /// Papers tagged with both concepts.
    pub count: u32,
    pub pmi: f64,
    pub npmi: f64,
}

impl Cooccurrence {
    /// The statistics of a pair seen together in `n_ab` of `n` papers, the concepts alone in
    /// `n_a` and `n_b`.
    pub fn new(n_ab: u32, n_a: u32, n_b: u32, n: u32) -> Self {
        Cooccurrence { count: n_ab, pmi: pmi(n_ab, n_a, n_b, n), npmi: npmi(n_ab, n_a, n_b, n) }
    }
}

/// PMI of a pair: `ln(n_ab N / (n_a n_b))`; negative infinity when `n_ab` is 0.
///
/// Arguments: `n_ab` papers with both concepts, `n_a` and `n_b` with each, `n` in all.
/// Complexity: O(1).
pub fn pmi(n_ab: u32, n_a: u32, n_b: u32, n: u32) -> f64 {
    if n_ab == 0 {
        return f64::NEG_INFINITY;
    }
    (f64::from(n_ab) * f64::from(n) / (f64::from(n_a) * f64::from(n_b))).ln()
}

/// NPMI of a pair: `PMI / -ln p(a,b)`, clamped to [-1, 1]; -1 when the pair never occurs,
/// 1 when it occurs in every paper (where `-ln p(a,b)` is 0).
///
/// Arguments and complexity as [`pmi`].
pub fn npmi(n_ab: u32, n_a: u32, n_b: u32, n: u32) -> f64 {
    if n_ab == 0 {
        return -1.0;
    }
    let h = -(f64::from(n_ab) / f64::from(n)).ln();
    if h <= 0.0 {
        return 1.0;
    }
    (pmi(n_ab, n_a, n_b, n) / h).clamp(-1.0, 1.0)
}

/// Count, for every pair of concept indices `(a, b)` with `a < b`, the papers that carry
/// both. `papers` holds each paper's concept indices without repeats.
///
/// Returns the pairs sorted by `(a, b)`.
///
/// Complexity: O(Σ k² + P log P) for k concepts per paper and P distinct pairs.
pub(crate) fn count_pairs(papers: &[Vec<u32>]) -> Vec<((u32, u32), u32)> {
    let mut counts: HashMap<(u32, u32), u32> = HashMap::new();
    for concepts in papers {
        for (i, &a) in concepts.iter().enumerate() {
            for &b in &concepts[i + 1..] {
                *counts.entry((a.min(b), a.max(b))).or_default() += 1;
            }
        }
    }
    let mut pairs: Vec<((u32, u32), u32)> = counts.into_iter().collect();
    pairs.sort_unstable();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn pmi_and_npmi_by_hand() {
        // 8 papers, a in 2, b in 2, both in 1: PMI = ln(1*8/(2*2)) = ln 2, NPMI = ln 2 / ln 8 = 1/3.
        assert!(close(pmi(1, 2, 2, 8), 2f64.ln()));
        assert!(close(npmi(1, 2, 2, 8), 1.0 / 3.0));
        // Independent: 8 papers, a in 4, b in 2, both in 1: PMI = ln(8/8) = 0.
        assert!(close(pmi(1, 4, 2, 8), 0.0));
        assert!(close(npmi(1, 4, 2, 8), 0.0));
        // Always together: NPMI 1; never together: -1; in every paper: 1.
        assert!(close(npmi(3, 3, 3, 10), 1.0));
        assert_eq!(npmi(0, 3, 3, 10), -1.0);
        assert_eq!(npmi(5, 5, 5, 5), 1.0);
        // Avoidance: 10 papers, a in 5, b in 5, both in 1: PMI = ln(10/25) < 0.
        assert!(close(npmi(1, 5, 5, 10), (0.4f64).ln() / 10f64.ln()));
    }

    #[test]
    fn pairs_are_counted_once_per_paper_and_sorted() {
        let papers = vec![vec![2, 0, 1], vec![1, 2], vec![0]];
        assert_eq!(count_pairs(&papers), vec![((0, 1), 1), ((0, 2), 1), ((1, 2), 2)]);
    }
}
