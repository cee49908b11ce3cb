//! Features of a token in its sentence, hashed to 64-bit ids (the model folds them into
//! its table). No strings are built: each token's forms (as written, lowercase, shape,
//! prefixes and suffixes) are hashed character by character once, and the templates
//! combine those hashes.
//!
//! Templates (for token `i`): bias; word; lowercase; shape (`Xxxx-dd`); short shape (runs
//! collapsed, `Xx-d`); lowercase prefixes and suffixes of 1-4 characters; case class
//! (lower, initial capital, all capitals, mixed like `mBERT`, no letters) with and without
//! the sentence start; digits / hyphen / length class; lowercase words at `i±1`, `i±2`;
//! short shapes and case classes at `i±1`; the bigrams `i-1,i` and `i,i+1` and the pair
//! `i-1,i+1`; "inside parentheses" (`( X )`, where papers define acronyms); the case class
//! with the previous word.
//!
//! The hash is FNV-1a over code points followed by a 64-bit finaliser: fixed, so feature
//! ids and therefore model files are the same on every platform and run.

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Version of the feature set: a model records it, and loading a model made with another
/// version fails instead of silently scoring garbage.
pub const FEATURES_VERSION: u32 = 1;

#[inline]
fn step(h: u64, v: u64) -> u64 {
    (h ^ v).wrapping_mul(FNV_PRIME)
}

/// The murmur3 64-bit finaliser: spreads every input bit over the low bits the table uses.
#[inline]
pub fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

#[inline]
fn feat(template: u64, v: u64) -> u64 {
    mix(step(step(FNV_OFFSET, template), v))
}

#[inline]
fn feat2(template: u64, a: u64, b: u64) -> u64 {
    mix(step(step(step(FNV_OFFSET, template), a), b))
}

/// Case class of a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    Lower = 1,
    Initial = 2,
    Upper = 3,
    Mixed = 4,
    NoLetters = 5,
}

/// What the templates need from one token, computed once per token.
#[derive(Debug, Clone, Copy)]
pub struct Obs {
    word: u64,
    lower: u64,
    shape: u64,
    short: u64,
    prefix: [u64; 4],
    suffix: [u64; 4],
    /// How many of `prefix`/`suffix` exist (the word's length, at most 4).
    affixes: usize,
    case: Case,
    /// digits (0 none, 1 some, 2 all), hyphen, length class.
    form: u64,
    open_paren: bool,
    close_paren: bool,
}

fn shape_char(c: char) -> u64 {
    if c.is_uppercase() {
        'X' as u64
    } else if c.is_lowercase() {
        'x' as u64
    } else if c.is_numeric() {
        'd' as u64
    } else {
        c as u64
    }
}

impl Obs {
    pub fn new(word: &str) -> Obs {
        let (mut w, mut lower, mut shape, mut short) = (FNV_OFFSET, FNV_OFFSET, FNV_OFFSET, FNV_OFFSET);
        let mut prefix = [0u64; 4];
        let (mut n, mut upper, mut lowers, mut digits, mut hyphen) = (0usize, 0usize, 0usize, 0usize, false);
        let mut first_upper = false;
        let mut last_shape = 0u64;
        let mut shape_len = 0;
        let mut lower_chars = [0u64; 4]; // ring of the last four lowercase code points
        for c in word.chars() {
            w = step(w, c as u64);
            let lc = if c.is_uppercase() { c.to_lowercase().next().unwrap_or(c) } else { c };
            lower = step(lower, lc as u64);
            let s = shape_char(c);
            if shape_len < 16 {
                shape = step(shape, s);
                shape_len += 1;
            }
            if s != last_shape {
                short = step(short, s);
                last_shape = s;
            }
            if n < 4 {
                prefix[n] = lower;
            }
            lower_chars[n % 4] = lc as u64;
            if c.is_uppercase() {
                upper += 1;
                if n == 0 {
                    first_upper = true;
                }
            } else if c.is_lowercase() {
                lowers += 1;
            } else if c.is_numeric() {
                digits += 1;
            } else if c == '-' {
                hyphen = true;
            }
            n += 1;
        }
        let affixes = n.min(4);
        let mut suffix = [0u64; 4];
        let mut h = FNV_OFFSET;
        for k in 0..affixes {
            // the k+1 last characters, read backwards: a fixed, distinct hash per suffix
            h = step(h, lower_chars[(n - 1 - k) % 4]);
            suffix[k] = h;
        }
        let case = match (upper, lowers) {
            (0, 0) => Case::NoLetters,
            (0, _) => Case::Lower,
            (_, 0) => Case::Upper,
            (1, _) if first_upper => Case::Initial,
            _ => Case::Mixed,
        };
        let len_class = match n {
            0..=3 => n as u64,
            4..=6 => 4,
            7..=10 => 5,
            _ => 6,
        };
        let digit_class = if digits == 0 { 0 } else if digits == n { 2 } else { 1 };
        let form = digit_class | (hyphen as u64) << 2 | len_class << 3;
        Obs { word: w, lower, shape, short, prefix, suffix, affixes, case, form, open_paren: word == "(" || word == "[", close_paren: word == ")" || word == "]" }
    }
}

const BOS: u64 = 0x0b05;
const EOS: u64 = 0x0e05;

/// Feature ids of token `i` of a sentence whose tokens are `obs`, appended to `out`.
pub fn token_features(obs: &[Obs], i: usize, out: &mut Vec<u64>) {
    let o = &obs[i];
    let lower_at = |j: isize| -> u64 {
        let k = i as isize + j;
        if k < 0 {
            BOS
        } else if k as usize >= obs.len() {
            EOS
        } else {
            obs[k as usize].lower
        }
    };
    let at = |j: isize| -> Option<&Obs> {
        let k = i as isize + j;
        if k < 0 {
            None
        } else {
            obs.get(k as usize)
        }
    };
    out.push(feat(0, 0));
    out.push(feat(1, o.word));
    out.push(feat(2, o.lower));
    out.push(feat(3, o.shape));
    out.push(feat(4, o.short));
    for k in 0..o.affixes {
        out.push(feat(10 + k as u64, o.prefix[k]));
        out.push(feat(20 + k as u64, o.suffix[k]));
    }
    out.push(feat(5, o.case as u64));
    out.push(feat(6, o.case as u64 | ((i == 0) as u64) << 8));
    out.push(feat(7, o.form));
    let (p1, n1, p2, n2) = (lower_at(-1), lower_at(1), lower_at(-2), lower_at(2));
    out.push(feat(30, p1));
    out.push(feat(31, n1));
    out.push(feat(32, p2));
    out.push(feat(33, n2));
    out.push(feat2(34, p1, o.lower));
    out.push(feat2(35, o.lower, n1));
    out.push(feat2(36, p1, n1));
    out.push(feat2(37, p1, o.case as u64));
    let (prev, next) = (at(-1), at(1));
    out.push(feat(40, prev.map_or(BOS, |p| p.short)));
    out.push(feat(41, next.map_or(EOS, |n| n.short)));
    out.push(feat(42, prev.map_or(BOS, |p| p.case as u64)));
    out.push(feat(43, next.map_or(EOS, |n| n.case as u64)));
    if prev.is_some_and(|p| p.open_paren) && next.is_some_and(|n| n.close_paren) {
        out.push(feat(44, o.case as u64));
    }
}

/// Feature ids of every token of a sentence: `offsets[i]..offsets[i + 1]` index token
/// `i`'s ids in `ids`.
#[derive(Debug, Default, Clone)]
pub struct SentenceFeatures {
    pub ids: Vec<u64>,
    pub offsets: Vec<usize>,
}

impl SentenceFeatures {
    pub fn new<S: AsRef<str>>(tokens: &[S]) -> SentenceFeatures {
        let mut f = SentenceFeatures::default();
        f.fill(tokens);
        f
    }

    /// Recompute for `tokens`, reusing the buffers.
    pub fn fill<S: AsRef<str>>(&mut self, tokens: &[S]) {
        let obs: Vec<Obs> = tokens.iter().map(|t| Obs::new(t.as_ref())).collect();
        self.ids.clear();
        self.offsets.clear();
        self.offsets.push(0);
        for i in 0..obs.len() {
            token_features(&obs, i, &mut self.ids);
            self.offsets.push(self.ids.len());
        }
    }

    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn token(&self, i: usize) -> &[u64] {
        &self.ids[self.offsets[i]..self.offsets[i + 1]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_case_and_shape_aware() {
        let a = Obs::new("BERT");
        let b = Obs::new("bert");
        assert_ne!(a.word, b.word);
        assert_eq!(a.lower, b.lower);
        assert_eq!(a.prefix, b.prefix);
        assert_eq!(a.suffix, b.suffix);
        assert_eq!((a.case, b.case), (Case::Upper, Case::Lower));
        assert_eq!(Obs::new("mBERT").case, Case::Mixed);
        assert_eq!(Obs::new("Transformer").case, Case::Initial);
        assert_eq!(Obs::new("3.5").case, Case::NoLetters);
        // shapes: GPT-4 and BLT-7 share one; short shapes fold run lengths
        assert_eq!(Obs::new("GPT-4").shape, Obs::new("BLT-7").shape);
        assert_ne!(Obs::new("GPT-4").shape, Obs::new("GP-4").shape);
        assert_eq!(Obs::new("GPT-4").short, Obs::new("GP-47").short);
        assert_eq!(Obs::new("GPT-4").form & 3, 1);
        assert_eq!(Obs::new("2024").form & 3, 2);
        assert_eq!(Obs::new("GPT-4").form >> 2 & 1, 1);
    }

    #[test]
    fn affixes_stop_at_the_word_length() {
        let x = Obs::new("ab");
        assert_eq!(x.affixes, 2);
        assert_eq!(Obs::new("networks").suffix[0], Obs::new("models").suffix[0]);
        assert_ne!(Obs::new("networks").suffix[1], Obs::new("models").suffix[1]);
        assert_eq!(Obs::new("transformers").prefix[3], Obs::new("translation").prefix[3]);
    }

    #[test]
    fn context_changes_features_and_templates_do_not_collide() {
        let s1 = SentenceFeatures::new(&["We", "use", "BERT", "."]);
        let s2 = SentenceFeatures::new(&["We", "train", "BERT", "."]);
        assert_eq!(s1.len(), 4);
        let (a, b) = (s1.token(2), s2.token(2));
        assert_eq!(a.len(), b.len());
        let differ = a.iter().zip(b).filter(|(x, y)| x != y).count();
        // previous word, bigram with it, pair around it, previous word with case
        assert_eq!(differ, 4);
        let mut all: Vec<u64> = s1.token(2).to_vec();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), s1.token(2).len(), "no two templates give the same id");
        // parentheses template only inside ( X )
        let p = SentenceFeatures::new(&["(", "KV", ")"]);
        assert_eq!(p.token(1).len(), SentenceFeatures::new(&["[", "KV", "."]).token(1).len() + 1);
        assert!(SentenceFeatures::new::<&str>(&[]).is_empty());
    }

    #[test]
    fn ids_are_stable_across_runs_and_platforms() {
        // a pinned value: changing the hash or a template changes every model file
        assert_eq!(feat(2, Obs::new("Model").lower), feat(2, Obs::new("model").lower));
        assert_eq!(mix(0), 0);
        assert_eq!(feat(0, 0), 0xdb01_c310_4e99_566d_u64, "bias id {:#x}", feat(0, 0));
    }
}
