//! Span labels as token tags (BIO or BILOU), the transitions each scheme allows, and the
//! way back from tags to spans.
//!
//! Tag 0 is always `O`. With `n` labels, BIO has `1 + 2n` tags (`B-x = 1 + 2k`,
//! `I-x = 2 + 2k`), BILOU `1 + 4n` (`B, I, L, U = 1 + 4k ..= 4 + 4k`).

use std::fmt;
use std::str::FromStr;

/// A span over tokens: `start..end` (half-open) with a label index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TokenSpan {
    pub start: usize,
    pub end: usize,
    pub label: u16,
}

/// The tagging scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scheme {
    Bio,
    #[default]
    Bilou,
}

impl FromStr for Scheme {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "bio" => Ok(Scheme::Bio),
            "bilou" => Ok(Scheme::Bilou),
            other => Err(format!("unknown tag scheme {other:?} (bio or bilou)")),
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scheme::Bio => "bio",
            Scheme::Bilou => "bilou",
        })
    }
}

/// What a tag says about its token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Outside,
    Begin,
    Inside,
    Last,
    Unit,
}

impl Scheme {
    fn width(self) -> usize {
        match self {
            Scheme::Bio => 2,
            Scheme::Bilou => 4,
        }
    }

    /// Number of tags for `labels` labels.
    pub fn n_tags(self, labels: usize) -> usize {
        1 + self.width() * labels
    }

    fn part(self, tag: u16) -> (Part, u16) {
        if tag == 0 {
            return (Part::Outside, 0);
        }
        let w = self.width() as u16;
        let (k, r) = ((tag - 1) / w, (tag - 1) % w);
        let part = match (self, r) {
            (_, 0) => Part::Begin,
            (_, 1) => Part::Inside,
            (Scheme::Bilou, 2) => Part::Last,
            _ => Part::Unit,
        };
        (part, k)
    }

    fn tag(self, part: Part, label: u16) -> u16 {
        let base = 1 + label * self.width() as u16;
        match part {
            Part::Outside => 0,
            Part::Begin => base,
            Part::Inside => base + 1,
            Part::Last => base + 2,
            Part::Unit => base + 3,
        }
    }

    /// The tag's name for reports: `O`, `B-Task`, `U-Method`.
    pub fn tag_name(self, tag: u16, labels: &[String]) -> String {
        let (part, k) = self.part(tag);
        let p = match part {
            Part::Outside => return "O".into(),
            Part::Begin => "B",
            Part::Inside => "I",
            Part::Last => "L",
            Part::Unit => "U",
        };
        format!("{p}-{}", labels.get(k as usize).map_or("?", String::as_str))
    }

    /// Whether `next` may follow `prev` (`None` for the sentence start or end). BIO: `I-x`
    /// only after `B-x` or `I-x`. BILOU: after `B-x`/`I-x` only `I-x`/`L-x`; elsewhere
    /// never `I`/`L`; the sentence cannot end inside a span.
    pub fn allowed(self, prev: Option<u16>, next: Option<u16>) -> bool {
        let p = prev.map(|t| self.part(t));
        let n = next.map(|t| self.part(t));
        match self {
            Scheme::Bio => match n {
                Some((Part::Inside, k)) => matches!(p, Some((Part::Begin | Part::Inside, j)) if j == k),
                _ => true,
            },
            Scheme::Bilou => {
                let open = matches!(p, Some((Part::Begin | Part::Inside, _)));
                match (open, n) {
                    (true, Some((Part::Inside | Part::Last, k))) => matches!(p, Some((_, j)) if j == k),
                    (true, _) => false,
                    (false, Some((Part::Inside | Part::Last, _))) => false,
                    (false, _) => true,
                }
            }
        }
    }

    /// Tags for a sentence of `n` tokens with non-overlapping `spans` (sorted or not).
    /// Returns `None` when two spans overlap or one is empty or out of range.
    pub fn encode(self, n: usize, spans: &[TokenSpan]) -> Option<Vec<u16>> {
        let mut tags = vec![0u16; n];
        for s in spans {
            if s.start >= s.end || s.end > n || tags[s.start..s.end].iter().any(|&t| t != 0) {
                return None;
            }
            let len = s.end - s.start;
            for (i, t) in tags[s.start..s.end].iter_mut().enumerate() {
                *t = match (self, len, i) {
                    (Scheme::Bilou, 1, _) => self.tag(Part::Unit, s.label),
                    (_, _, 0) => self.tag(Part::Begin, s.label),
                    (Scheme::Bilou, _, i) if i == len - 1 => self.tag(Part::Last, s.label),
                    _ => self.tag(Part::Inside, s.label),
                };
            }
        }
        Some(tags)
    }

    /// Spans from tags, forgiving sequences the scheme forbids (a model trained without
    /// constraints, or hand-written tags): an `I`/`L` with no open span of its label opens
    /// one, a label change closes the open span and opens another, and a span still open at
    /// the end is closed there.
    pub fn decode(self, tags: &[u16]) -> Vec<TokenSpan> {
        let mut out = Vec::new();
        let mut open: Option<(usize, u16)> = None;
        for (i, &t) in tags.iter().enumerate() {
            let (part, k) = self.part(t);
            let continues = matches!(open, Some((_, j)) if j == k) && matches!(part, Part::Inside | Part::Last);
            if !continues {
                if let Some((s, j)) = open.take() {
                    out.push(TokenSpan { start: s, end: i, label: j });
                }
                if part != Part::Outside {
                    open = Some((i, k));
                }
            }
            if matches!(part, Part::Last | Part::Unit) {
                if let Some((s, j)) = open.take() {
                    out.push(TokenSpan { start: s, end: i + 1, label: j });
                }
            }
        }
        if let Some((s, j)) = open {
            out.push(TokenSpan { start: s, end: tags.len(), label: j });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(start: usize, end: usize, label: u16) -> TokenSpan {
        TokenSpan { start, end, label }
    }

    #[test]
    fn encode_decode_round_trip_both_schemes() {
        let spans = vec![sp(0, 1, 1), sp(2, 5, 0), sp(5, 7, 1)];
        for scheme in [Scheme::Bio, Scheme::Bilou] {
            let tags = scheme.encode(8, &spans).expect("no overlap");
            assert_eq!(scheme.decode(&tags), spans, "{scheme}");
            let mut prev = None;
            for &t in &tags {
                assert!(scheme.allowed(prev, Some(t)), "{scheme} {prev:?} -> {t}");
                prev = Some(t);
            }
            assert!(scheme.allowed(prev, None));
        }
        let labels = vec!["Task".to_string(), "Method".to_string()];
        let bilou = Scheme::Bilou.encode(8, &spans).unwrap();
        let names: Vec<String> = bilou.iter().map(|&t| Scheme::Bilou.tag_name(t, &labels)).collect();
        assert_eq!(names, ["U-Method", "O", "B-Task", "I-Task", "L-Task", "B-Method", "L-Method", "O"]);
    }

    #[test]
    fn encode_rejects_overlap_and_bad_ranges() {
        assert!(Scheme::Bio.encode(5, &[sp(0, 3, 0), sp(2, 4, 1)]).is_none());
        assert!(Scheme::Bio.encode(5, &[sp(3, 3, 0)]).is_none());
        assert!(Scheme::Bio.encode(5, &[sp(3, 6, 0)]).is_none());
        assert_eq!(Scheme::Bio.encode(0, &[]), Some(vec![]));
    }

    #[test]
    fn decode_forgives_invalid_sequences() {
        let bio = Scheme::Bio;
        // I-x at the start, I-y after I-x, B-x right after B-x, span open at the end
        let (bx, ix, by, iy) = (1, 2, 3, 4);
        assert_eq!(bio.decode(&[ix, ix, 0]), vec![sp(0, 2, 0)]);
        assert_eq!(bio.decode(&[bx, iy, iy]), vec![sp(0, 1, 0), sp(1, 3, 1)]);
        assert_eq!(bio.decode(&[bx, bx, ix]), vec![sp(0, 1, 0), sp(1, 3, 0)]);
        assert_eq!(bio.decode(&[0, by]), vec![sp(1, 2, 1)]);
        assert!(bio.decode(&[]).is_empty());
        // BILOU: L without B, B then O, U inside an open span
        let b = Scheme::Bilou;
        let (bx, ix, lx, ux) = (1, 2, 3, 4);
        assert_eq!(b.decode(&[lx, 0]), vec![sp(0, 1, 0)]);
        assert_eq!(b.decode(&[bx, 0, ix]), vec![sp(0, 1, 0), sp(2, 3, 0)]);
        assert_eq!(b.decode(&[bx, ux, bx, lx]), vec![sp(0, 1, 0), sp(1, 2, 0), sp(2, 4, 0)]);
    }

    #[test]
    fn transitions() {
        let bio = Scheme::Bio;
        assert!(!bio.allowed(None, Some(2)));
        assert!(!bio.allowed(Some(3), Some(2)));
        assert!(bio.allowed(Some(1), Some(2)) && bio.allowed(Some(2), Some(2)) && bio.allowed(Some(2), None));
        let b = Scheme::Bilou;
        assert!(!b.allowed(Some(1), None) && !b.allowed(Some(1), Some(0)) && !b.allowed(Some(1), Some(6)));
        assert!(b.allowed(Some(1), Some(3)) && b.allowed(Some(3), Some(0)) && b.allowed(None, Some(4)));
        assert!(!b.allowed(None, Some(2)) && !b.allowed(Some(4), Some(3)));
        assert_eq!(b.n_tags(6), 25);
        assert_eq!(bio.n_tags(6), 13);
    }
}
