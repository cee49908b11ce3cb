//! First-order Viterbi decoding over integer scores, with the tag scheme's constraints
//! built into the lattice (a forbidden transition is never considered, so no decoded
//! sequence is invalid).
//!
//! Complexity: O(n · A) for a sentence of n tokens, where A is the number of allowed tag
//! pairs (at most T², far fewer under BILOU). Ties go to the lower tag index, so decoding is
//! deterministic.

use super::scheme::Scheme;

/// Which transitions a scheme allows, for `t` tags.
#[derive(Debug, Clone)]
pub struct Lattice {
    pub t: usize,
    /// For each tag, the tags allowed before it.
    prev: Vec<Vec<u16>>,
    start: Vec<bool>,
    end: Vec<bool>,
}

impl Lattice {
    pub fn new(scheme: Scheme, t: usize) -> Lattice {
        let tags = 0..t as u16;
        Lattice {
            t,
            prev: tags.clone().map(|q| tags.clone().filter(|&p| scheme.allowed(Some(p), Some(q))).collect()).collect(),
            start: tags.clone().map(|q| scheme.allowed(None, Some(q))).collect(),
            end: tags.map(|p| scheme.allowed(Some(p), None)).collect(),
        }
    }

    /// The best tag sequence for emission scores `emit` (`n × t`, row-major) and
    /// transition scores `trans` (`(t + 1) × (t + 1)`: row `p` = previous tag, with row `t`
    /// the sentence start; column `q` = next tag, with column `t` the sentence end).
    /// Returns the tags and the path's score.
    pub fn decode(&self, emit: &[i32], trans: &[i32], out: &mut Vec<u16>) -> i64 {
        let t = self.t;
        let n = emit.len() / t;
        out.clear();
        if n == 0 {
            return 0;
        }
        debug_assert_eq!(trans.len(), (t + 1) * (t + 1));
        const NONE: i64 = i64::MIN / 4;
        let mut score = vec![NONE; n * t];
        let mut back = vec![0u16; n * t];
        for q in 0..t {
            if self.start[q] {
                score[q] = trans[t * (t + 1) + q] as i64 + emit[q] as i64;
            }
        }
        for i in 1..n {
            let (done, rest) = score.split_at_mut(i * t);
            let last = &done[(i - 1) * t..];
            for q in 0..t {
                let mut best = NONE;
                let mut arg = 0u16;
                for &p in &self.prev[q] {
                    let s = last[p as usize];
                    if s == NONE {
                        continue;
                    }
                    let s = s + trans[p as usize * (t + 1) + q] as i64;
                    if s > best {
                        best = s;
                        arg = p;
                    }
                }
                if best != NONE {
                    rest[q] = best + emit[i * t + q] as i64;
                    back[i * t + q] = arg;
                }
            }
        }
        let mut best = NONE;
        let mut arg = 0usize;
        for p in 0..t {
            let s = score[(n - 1) * t + p];
            if self.end[p] && s != NONE {
                let s = s + trans[p * (t + 1) + t] as i64;
                if s > best {
                    best = s;
                    arg = p;
                }
            }
        }
        out.resize(n, 0);
        out[n - 1] = arg as u16;
        for i in (1..n).rev() {
            out[i - 1] = back[i * t + out[i] as usize];
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every allowed tag sequence of length n, scored by brute force.
    /// Returns the best sequence, its score and how many sequences reach that score.
    fn brute(lat: &Lattice, scheme: Scheme, emit: &[i32], trans: &[i32]) -> (Vec<u16>, i64, usize) {
        let t = lat.t;
        let n = emit.len() / t;
        let mut best: Option<(Vec<u16>, i64, usize)> = None;
        let total = t.pow(n as u32);
        for code in 0..total {
            let seq: Vec<u16> = (0..n).map(|i| ((code / t.pow((n - 1 - i) as u32)) % t) as u16).collect();
            let mut prev = None;
            let mut ok = true;
            let mut s = 0i64;
            for (i, &q) in seq.iter().enumerate() {
                ok &= scheme.allowed(prev, Some(q));
                s += trans[prev.map_or(t, |p: u16| p as usize) * (t + 1) + q as usize] as i64 + emit[i * t + q as usize] as i64;
                prev = Some(q);
            }
            ok &= scheme.allowed(prev, None);
            s += trans[prev.map_or(t, |p| p as usize) * (t + 1) + t] as i64;
            if !ok {
                continue;
            }
            let top = best.as_ref().map(|b| b.1);
            if top.is_none_or(|b| s > b) {
                best = Some((seq, s, 1));
            } else if top == Some(s) {
                best.as_mut().expect("top").2 += 1;
            }
        }
        best.expect("some sequence is allowed")
    }

    #[test]
    fn hand_made_model() {
        // labels: one (X); BIO tags O=0, B=1, I=2. Emissions favour I at token 0, which is
        // forbidden at a sentence start, so the decoder must pick B there.
        let lat = Lattice::new(Scheme::Bio, 3);
        let emit = vec![0, 4, 5, /**/ 0, 1, 3, /**/ 2, 0, 1];
        let trans = vec![0; 16];
        let mut out = Vec::new();
        let s = lat.decode(&emit, &trans, &mut out);
        assert_eq!(out, [1, 2, 0]);
        assert_eq!(s, 4 + 3 + 2);
        // a transition penalty on B->I makes two single-token spans (B B) better
        let mut trans = vec![0; 16];
        trans[1 * 4 + 2] = -10;
        lat.decode(&emit, &trans, &mut out);
        assert_eq!(out, [1, 1, 0]);
        // an end bonus for I flips the last token
        trans[2 * 4 + 3] = 5;
        trans[1 * 4 + 2] = 0;
        lat.decode(&emit, &trans, &mut out);
        assert_eq!(out, [1, 2, 2]);
        assert_eq!(lat.decode(&[], &trans, &mut out), 0);
        assert!(out.is_empty());
    }

    #[test]
    fn matches_brute_force_on_pseudo_random_scores() {
        let mut x: u64 = 42;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 21) as i32 - 10
        };
        for scheme in [Scheme::Bio, Scheme::Bilou] {
            let t = scheme.n_tags(2);
            let lat = Lattice::new(scheme, t);
            for n in 1..=4 {
                for _ in 0..25 {
                    let emit: Vec<i32> = (0..n * t).map(|_| next()).collect();
                    let trans: Vec<i32> = (0..(t + 1) * (t + 1)).map(|_| next()).collect();
                    let mut out = Vec::new();
                    let s = lat.decode(&emit, &trans, &mut out);
                    let (seq, bs, ties) = brute(&lat, scheme, &emit, &trans);
                    assert_eq!(s, bs, "{scheme} n={n}");
                    if ties == 1 {
                        assert_eq!(out, seq, "{scheme} n={n}");
                    }
                    assert!(scheme.encode(n, &scheme.decode(&out)).is_some_and(|t| t == out), "decoded tags are valid");
                }
            }
        }
    }
}
