//! The Porter stemmer as NLTK's `PorterStemmer()` runs it by default (mode
//! `NLTK_EXTENSIONS`): the stemmer of the standard keyphrase evaluation protocol ("exact
//! match after Porter stemming", `shared/eval/keyphrase_eval.py`). Used only to score
//! keyphrases, so that `topicgraph eval` agrees with the reference script; the extractor
//! itself folds words with [`crate::text::stem`].
//!
//! Reference: M.F. Porter, "An algorithm for suffix stripping", Program 14(3), 1980, with
//! NLTK's documented departures (irregular forms, `ies`/`ied` on four-letter words, `y -> i`
//! only after a consonant, `alli`, `fulli`, `logi`, two-letter `*o`). The word is expected
//! in lowercase ASCII letters and digits, which is what the protocol's tokenizer
//! (`[a-z0-9]+` over the lowercased phrase) produces; other input is returned lowercased.

/// Porter-stem one token (NLTK_EXTENSIONS mode).
pub fn porter_stem(word: &str) -> String {
    let lower = word.to_lowercase();
    if let Some(irregular) = irregular(&lower) {
        return irregular.to_string();
    }
    if word.chars().count() <= 2 || !lower.is_ascii() {
        return lower;
    }
    let mut w = lower.into_bytes();
    w = step1a(w);
    w = step1b(w);
    w = step1c(w);
    w = step2(w);
    w = step3(w);
    w = step4(w);
    w = step5a(w);
    w = step5b(w);
    String::from_utf8(w).expect("ASCII in, ASCII out")
}

/// Stem a phrase as the protocol does: lowercase, split into `[a-z0-9]+` runs, stem each,
/// join with spaces.
pub fn stem_phrase(phrase: &str) -> String {
    let lower = phrase.to_lowercase();
    let mut out = String::with_capacity(lower.len());
    for tok in lower.split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit())).filter(|t| !t.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&porter_stem(tok));
    }
    out
}

fn irregular(w: &str) -> Option<&'static str> {
    Some(match w {
        "sky" | "skies" => "sky",
        "dying" => "die",
        "lying" => "lie",
        "tying" => "tie",
        "news" => "news",
        "innings" | "inning" => "inning",
        "outings" | "outing" => "outing",
        "cannings" | "canning" => "canning",
        "howe" => "howe",
        "proceed" => "proceed",
        "exceed" => "exceed",
        "succeed" => "succeed",
        _ => return None,
    })
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// NLTK's `_is_consonant`: a `y` is a consonant or not by the parity of the run of `y`s
/// that ends at `i` and what precedes that run.
fn is_consonant(w: &[u8], mut i: usize) -> bool {
    if is_vowel(w[i]) {
        return false;
    }
    if w[i] == b'y' {
        let mut negate = false;
        while i > 0 && w[i] == b'y' {
            negate = !negate;
            i -= 1;
        }
        return !is_vowel(w[i]) != negate;
    }
    true
}

/// NLTK's `_consonant_flags` (one left-to-right pass; used by measure and contains-vowel).
fn consonant_flags(w: &[u8]) -> Vec<bool> {
    let mut flags: Vec<bool> = Vec::with_capacity(w.len());
    for (i, &b) in w.iter().enumerate() {
        let f = if is_vowel(b) {
            false
        } else if b == b'y' {
            i == 0 || !flags[i - 1]
        } else {
            true
        };
        flags.push(f);
    }
    flags
}

/// The number of vowel-consonant transitions (m in [C](VC)^m[V]).
fn measure(stem: &[u8]) -> usize {
    let f = consonant_flags(stem);
    f.windows(2).filter(|p| !p[0] && p[1]).count()
}

fn contains_vowel(stem: &[u8]) -> bool {
    !consonant_flags(stem).iter().all(|&c| c)
}

fn ends_double_consonant(w: &[u8]) -> bool {
    let n = w.len();
    n >= 2 && w[n - 1] == w[n - 2] && is_consonant(w, n - 1)
}

fn ends_cvc(w: &[u8]) -> bool {
    let n = w.len();
    (n >= 3 && is_consonant(w, n - 3) && !is_consonant(w, n - 2) && is_consonant(w, n - 1) && !matches!(w[n - 1], b'w' | b'x' | b'y')) || (n == 2 && !is_consonant(w, 0) && is_consonant(w, 1))
}

fn ends_with(w: &[u8], s: &str) -> bool {
    w.ends_with(s.as_bytes())
}

fn replace(w: &[u8], suffix_len: usize, rep: &str) -> Vec<u8> {
    let mut v = w[..w.len() - suffix_len].to_vec();
    v.extend_from_slice(rep.as_bytes());
    v
}

/// NLTK's `_apply_rule_list` for rules with a condition on the stem: the first rule whose
/// suffix matches decides (replaced, or the word unchanged when its condition fails).
fn apply(w: Vec<u8>, rules: &[(&str, &str, &dyn Fn(&[u8]) -> bool)]) -> Vec<u8> {
    for (suffix, rep, cond) in rules {
        if ends_with(&w, suffix) {
            let stem = &w[..w.len() - suffix.len()];
            return if cond(stem) { replace(&w, suffix.len(), rep) } else { w };
        }
    }
    w
}

fn step1a(w: Vec<u8>) -> Vec<u8> {
    if ends_with(&w, "ies") && w.len() == 4 {
        return replace(&w, 3, "ie");
    }
    let yes = |_: &[u8]| true;
    apply(w, &[("sses", "ss", &yes), ("ies", "i", &yes), ("ss", "ss", &yes), ("s", "", &yes)])
}

fn step1b(w: Vec<u8>) -> Vec<u8> {
    if ends_with(&w, "ied") {
        return if w.len() == 4 { replace(&w, 3, "ie") } else { replace(&w, 3, "i") };
    }
    if ends_with(&w, "eed") {
        let stem = &w[..w.len() - 3];
        return if measure(stem) > 0 { replace(&w, 3, "ee") } else { w };
    }
    let mut inter: Option<Vec<u8>> = None;
    for suffix in ["ed", "ing"] {
        if ends_with(&w, suffix) {
            let stem = &w[..w.len() - suffix.len()];
            if contains_vowel(stem) {
                inter = Some(stem.to_vec());
                break;
            }
        }
    }
    let Some(s) = inter else { return w };
    // The rule list of step 1b, in order: at, bl, iz, a double consonant, then the empty
    // suffix (always matches).
    for (suffix, rep) in [("at", "ate"), ("bl", "ble"), ("iz", "ize")] {
        if ends_with(&s, suffix) {
            return replace(&s, suffix.len(), rep);
        }
    }
    if ends_double_consonant(&s) {
        let last = s[s.len() - 1];
        return if !matches!(last, b'l' | b's' | b'z') {
            let mut v = s[..s.len() - 2].to_vec();
            v.push(last);
            v
        } else {
            s
        };
    }
    if measure(&s) == 1 && ends_cvc(&s) {
        let mut v = s;
        v.push(b'e');
        return v;
    }
    s
}

fn step1c(w: Vec<u8>) -> Vec<u8> {
    if ends_with(&w, "y") {
        let stem = &w[..w.len() - 1];
        return if stem.len() > 1 && is_consonant(stem, stem.len() - 1) { replace(&w, 1, "i") } else { w };
    }
    w
}

fn step2(w: Vec<u8>) -> Vec<u8> {
    let pos = |s: &[u8]| measure(s) > 0;
    if ends_with(&w, "alli") && pos(&w[..w.len() - 4]) {
        return step2(replace(&w, 4, "al"));
    }
    apply(
        w,
        &[
            ("ational", "ate", &pos),
            ("tional", "tion", &pos),
            ("enci", "ence", &pos),
            ("anci", "ance", &pos),
            ("izer", "ize", &pos),
            ("bli", "ble", &pos),
            ("alli", "al", &pos),
            ("entli", "ent", &pos),
            ("eli", "e", &pos),
            ("ousli", "ous", &pos),
            ("ization", "ize", &pos),
            ("ation", "ate", &pos),
            ("ator", "ate", &pos),
            ("alism", "al", &pos),
            ("iveness", "ive", &pos),
            ("fulness", "ful", &pos),
            ("ousness", "ous", &pos),
            ("aliti", "al", &pos),
            ("iviti", "ive", &pos),
            ("biliti", "ble", &pos),
            ("fulli", "ful", &pos),
            // NLTK conditions "logi" on the word minus three letters (its "l" kept).
            ("logi", "log", &|s: &[u8]| {
                let mut v = s.to_vec();
                v.push(b'l');
                measure(&v) > 0
            }),
        ],
    )
}

fn step3(w: Vec<u8>) -> Vec<u8> {
    let pos = |s: &[u8]| measure(s) > 0;
    apply(w, &[("icate", "ic", &pos), ("ative", "", &pos), ("alize", "al", &pos), ("iciti", "ic", &pos), ("ical", "ic", &pos), ("ful", "", &pos), ("ness", "", &pos)])
}

fn step4(w: Vec<u8>) -> Vec<u8> {
    let gt1 = |s: &[u8]| measure(s) > 1;
    let ion = |s: &[u8]| measure(s) > 1 && s.last().is_some_and(|&c| c == b's' || c == b't');
    apply(
        w,
        &[
            ("al", "", &gt1),
            ("ance", "", &gt1),
            ("ence", "", &gt1),
            ("er", "", &gt1),
            ("ic", "", &gt1),
            ("able", "", &gt1),
            ("ible", "", &gt1),
            ("ant", "", &gt1),
            ("ement", "", &gt1),
            ("ment", "", &gt1),
            ("ent", "", &gt1),
            ("ion", "", &ion),
            ("ou", "", &gt1),
            ("ism", "", &gt1),
            ("ate", "", &gt1),
            ("iti", "", &gt1),
            ("ous", "", &gt1),
            ("ive", "", &gt1),
            ("ize", "", &gt1),
        ],
    )
}

fn step5a(w: Vec<u8>) -> Vec<u8> {
    if ends_with(&w, "e") {
        let stem = &w[..w.len() - 1];
        let m = measure(stem);
        if m > 1 || (m == 1 && !ends_cvc(stem)) {
            return stem.to_vec();
        }
    }
    w
}

fn step5b(w: Vec<u8>) -> Vec<u8> {
    if ends_with(&w, "ll") && measure(&w[..w.len() - 1]) > 1 {
        return w[..w.len() - 1].to_vec();
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_papers_examples() {
        for (w, s) in [
            ("caresses", "caress"),
            ("ponies", "poni"),
            ("ties", "tie"),
            ("cats", "cat"),
            ("feed", "feed"),
            ("agreed", "agre"),
            ("plastered", "plaster"),
            ("motoring", "motor"),
            ("sing", "sing"),
            ("hopping", "hop"),
            ("falling", "fall"),
            ("filing", "file"),
            ("happy", "happi"),
            ("enjoy", "enjoy"),
            ("relational", "relat"),
            ("conditional", "condit"),
            ("generalization", "gener"),
            ("effective", "effect"),
            ("controlling", "control"),
            ("dying", "die"),
            ("analogy", "analog"),
            ("networks", "network"),
        ] {
            assert_eq!(porter_stem(w), s, "{w}");
        }
        assert_eq!(stem_phrase("Neural-Network models"), "neural network model");
        assert_eq!(stem_phrase("GPT-4"), "gpt 4");
    }

    /// Every word of the Inspec test split (and edge cases), stemmed by NLTK
    /// (`scripts/porter-fixture.py`): the stemmers must agree on each.
    #[test]
    fn agrees_with_nltk() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/keyphrase/porter-nltk.tsv");
        let text = std::fs::read_to_string(path).unwrap();
        let mut wrong = Vec::new();
        let mut n = 0;
        for line in text.lines() {
            let (w, s) = line.split_once('\t').unwrap();
            n += 1;
            if porter_stem(w) != s {
                wrong.push(format!("{w}: {} vs nltk {s}", porter_stem(w)));
            }
        }
        assert!(n > 5000);
        assert!(wrong.is_empty(), "{} of {n} differ: {:?}", wrong.len(), &wrong[..wrong.len().min(20)]);
    }
}
