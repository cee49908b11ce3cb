//! Burst detection: Kleinberg's two-state automaton for batched arrivals.
//!
//! Reference: J. Kleinberg, "Bursty and Hierarchical Structure in Streams", KDD 2002 /
//! Data Mining and Knowledge Discovery 7 (2003), section 4 ("enumerating bursty topics"),
//! where a stream arrives in batches: in period t, r_t of the d_t papers carry the concept.
//!
//! The automaton has a base state q0, emitting relevant papers at the concept's long-run
//! rate p0 = Σr / Σd, and a burst state q1 at rate p1 = s·p0 (capped below 1). Being in
//! state i at t costs the negative log-likelihood of the batch,
//! σ_i(t) = -ln( C(d_t, r_t) p_i^r_t (1 - p_i)^(d_t - r_t) ), and entering the burst state
//! costs γ·ln(n) for n periods (leaving it is free). The cheapest state sequence (Viterbi,
//! O(n)) marks the burst periods. The binomial coefficient is the same in both states, so it
//! is dropped. A burst's weight is Σ(σ_0 - σ_1) over its periods: how much better the burst
//! state explains them.
//!
//! Because the cost is a likelihood, a period with few papers cannot flip the state on noise,
//! and a burst needs the share to come near s times the long-run share for long enough to
//! pay the entry cost. With s = 3 (the default) a steady rise from 1% to 9% is a trend, not a
//! burst, while a few periods at four times the usual share are one.

use serde::Serialize;

/// Parameters of the automaton. `Default`: s = 3, γ = 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BurstConfig {
    /// Burst rate as a multiple of the long-run rate (Kleinberg's s > 1).
    pub s: f64,
    /// Cost of entering the burst state, in units of ln(n) (Kleinberg's γ > 0).
    pub gamma: f64,
}

impl Default for BurstConfig {
    fn default() -> Self {
        BurstConfig { s: 3.0, gamma: 1.0 }
    }
}

/// One maximal run of burst periods.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Burst {
    /// Index of the first and last period of the run (inclusive).
    pub start: usize,
    pub end: usize,
    /// Σ(σ_0 - σ_1) over the run.
    pub weight: f64,
}

/// The burst state of each period and the bursts as runs. `relevant[t]` of `total[t]`
/// papers carry the concept. Periods with no papers at all cost nothing in either state.
/// No bursts when the concept never occurs or is in every paper.
///
/// Complexity: O(n) for n periods.
pub fn detect(relevant: &[u32], total: &[u32], config: BurstConfig) -> (Vec<bool>, Vec<Burst>) {
    let n = relevant.len().min(total.len());
    let (r_sum, d_sum): (f64, f64) = (0..n).fold((0.0, 0.0), |(r, d), t| (r + f64::from(relevant[t]), d + f64::from(total[t])));
    if n == 0 || r_sum == 0.0 || r_sum >= d_sum {
        return (vec![false; n], Vec::new());
    }
    let p0 = r_sum / d_sum;
    let p1 = (config.s * p0).min(0.9999);
    if p1 <= p0 {
        return (vec![false; n], Vec::new());
    }
    let cost = |p: f64, t: usize| {
        let (r, d) = (f64::from(relevant[t]), f64::from(total[t]));
        -(r * p.ln() + (d - r) * (1.0 - p).ln())
    };
    let enter = config.gamma * (n as f64).ln();
    // Viterbi over two states; back pointers say which state the best path came from.
    let mut best = [0.0f64, f64::INFINITY];
    let mut from: Vec<[u8; 2]> = Vec::with_capacity(n);
    for t in 0..n {
        let (c0, c1) = (cost(p0, t), cost(p1, t));
        let to0 = if best[0] <= best[1] { (best[0], 0) } else { (best[1], 1) };
        let to1 = if best[1] <= best[0] + enter { (best[1], 1) } else { (best[0] + enter, 0) };
        from.push([to0.1, to1.1]);
        best = [to0.0 + c0, to1.0 + c1];
    }
    let mut state = usize::from(best[1] < best[0]);
    let mut states = vec![false; n];
    for t in (0..n).rev() {
        states[t] = state == 1;
        state = usize::from(from[t][state]);
    }
    let mut bursts = Vec::new();
    let mut t = 0;
    while t < n {
        if states[t] {
            let start = t;
            let mut weight = 0.0;
            while t < n && states[t] {
                weight += cost(p0, t) - cost(p1, t);
                t += 1;
            }
            bursts.push(Burst { start, end: t - 1, weight });
        } else {
            t += 1;
        }
    }
    (states, bursts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spike_is_a_burst_and_only_the_spike() {
        let total = vec![1000; 24];
        let mut relevant = vec![30; 24];
        relevant[10] = 150;
        relevant[11] = 140;
        let (states, bursts) = detect(&relevant, &total, BurstConfig::default());
        let flagged: Vec<usize> = (0..24).filter(|&t| states[t]).collect();
        assert_eq!(flagged, [10, 11]);
        assert_eq!(bursts.len(), 1);
        assert_eq!((bursts[0].start, bursts[0].end), (10, 11));
        assert!(bursts[0].weight > 0.0);
    }

    #[test]
    fn flat_noise_and_steady_rise_are_no_bursts() {
        let total = vec![1000; 24];
        let flat: Vec<u32> = (0..24).map(|t| 50 + (t % 3) * 4).collect();
        assert!(detect(&flat, &total, BurstConfig::default()).1.is_empty());
        let rise: Vec<u32> = (0..24).map(|t| 10 + t * 80 / 23).collect();
        assert!(detect(&rise, &total, BurstConfig::default()).1.is_empty(), "1% to 9% is a trend");
    }

    /// One paper out of 5 (ten times the usual share) is not enough evidence to enter the
    /// burst state, while a fifth of 1000 papers is.
    #[test]
    fn small_batches_do_not_flip_the_state() {
        let mut total = vec![1000; 12];
        let mut relevant = vec![20; 12];
        total[6] = 5;
        relevant[6] = 1;
        assert!(detect(&relevant, &total, BurstConfig::default()).1.is_empty());
        total[6] = 1000;
        relevant[6] = 200;
        assert_eq!(detect(&relevant, &total, BurstConfig::default()).1.len(), 1);
    }

    #[test]
    fn degenerate_inputs() {
        assert_eq!(detect(&[], &[], BurstConfig::default()), (vec![], vec![]));
        assert!(detect(&[0, 0], &[10, 10], BurstConfig::default()).1.is_empty());
        assert!(detect(&[10, 10], &[10, 10], BurstConfig::default()).1.is_empty());
        assert_eq!(detect(&[0, 5], &[0, 10], BurstConfig::default()).0, [false, false], "an empty period costs nothing");
    }
}
