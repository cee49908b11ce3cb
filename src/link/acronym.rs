//! Acronym definitions in the text: "Mixture of Shards (MoS)", found with the
//! Schwartz-Hearst algorithm (Schwartz & Hearst, "A simple algorithm for identifying
//! abbreviation definitions in biomedical text", PSB 2003).

use crate::link::document::{Field, FieldText};
use crate::text::long_form_start;

/// A short form the paper defines, with its long form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    pub field: Field,
    pub short: String,
    pub long: String,
    /// Code-point span of the long form.
    pub long_start: usize,
    pub long_end: usize,
    /// Code-point span of the short form (inside the parentheses).
    pub short_start: usize,
    pub short_end: usize,
}

/// Find "long form (SHORT)" definitions in one field.
///
/// The short form is the first term inside parentheses (up to a comma or semicolon): 2 to
/// 10 characters, no spaces, starting with a letter or digit, with at least one capital.
/// The long form is searched among the at most `min(|S| + 5, 2|S|)` words before the
/// parenthesis in the same sentence: every letter and digit of the short form must appear in
/// it in order, right to left, and its first character must start a word.
pub fn find_definitions(f: &FieldText) -> Vec<Definition> {
    let chars = &f.chars;
    let mut out = Vec::new();
    for (open, _) in chars.iter().enumerate().filter(|(_, c)| **c == '(') {
        let Some(close_rel) = chars[open + 1..].iter().take(40).position(|c| *c == ')') else { continue };
        let inner_end = open + 1 + close_rel;
        let inner: String = chars[open + 1..inner_end].iter().collect();
        let short = inner.split([',', ';']).next().unwrap_or("").trim();
        let n = short.chars().count();
        if !(2..=10).contains(&n)
            || short.contains(' ')
            || !short.chars().next().is_some_and(char::is_alphanumeric)
            || !short.chars().any(char::is_uppercase)
        {
            continue;
        }
        let lead = inner.len() - inner.trim_start().len();
        let short_start = open + 1 + inner[..lead].chars().count();
        // Candidate long form: words before the parenthesis, same sentence, and after any
        // parenthesis before it ("... of X by metrics (e.g., Zero-(X) ..." defines nothing;
        // "Mixture of Experts (MoE) based Retrieval Augmented Generation (RAG)" starts after
        // "(MoE)").
        let floor = chars[..open].iter().rposition(|c| matches!(c, '(' | ')')).map_or(0, |p| p + 1);
        let before: Vec<usize> = (0..f.words.len()).filter(|&k| f.words[k].start >= floor && f.words[k].end <= open).collect();
        let Some(&last) = before.last() else { continue };
        let sentence = f.sentence[last];
        let max_words = (n + 5).min(2 * n);
        let first = before.iter().rev().take(max_words).take_while(|&&k| f.sentence[k] == sentence).last().copied().unwrap_or(last);
        let cand_start = f.words[first].start;
        let cand_end = f.words[last].end;
        // "A2PO" spells "AAPO", "R3" "RRR": a digit after a letter repeats it, when the
        // digit itself is not in the long form.
        let found = long_form_start(short, &chars[cand_start..cand_end]).or_else(|| repeated_letters(short).and_then(|s| long_form_start(&s, &chars[cand_start..cand_end])));
        if let Some(start) = found {
            let long_start = cand_start + start;
            let long: String = chars[long_start..cand_end].iter().collect();
            if long.split_whitespace().count() >= 1 && long.chars().count() > n {
                out.push(Definition { field: f.field, short: short.to_string(), long, long_start, long_end: cand_end, short_start, short_end: short_start + n });
            }
        }
    }
    out
}

/// Whether two long forms name the same thing up to word endings: as many words, and each
/// pair of words sharing most of its letters from the start ("electroencephalogram" and
/// "electroencephalography", "vision-language model" and "vision language models"). A
/// paper that defines EEG as the first still means the concept named by the second.
pub fn same_long_form(a: &str, b: &str) -> bool {
    let split = |s: &str| -> Vec<String> { s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect() };
    let (a, b) = (split(a), split(b));
    a.len() == b.len()
        && !a.is_empty()
        && a.iter().zip(&b).all(|(x, y)| {
            let common = x.chars().zip(y.chars()).take_while(|(p, q)| p == q).count();
            let shorter = x.chars().count().min(y.chars().count());
            common == shorter || (common >= 4 && common * 4 >= shorter * 3)
        })
}

/// The short form with each letter followed by a digit 2-9 written that many times
/// ("A2PO" -> "AAPO"); None when there is no such digit.
fn repeated_letters(short: &str) -> Option<String> {
    let chars: Vec<char> = short.chars().collect();
    let mut out = String::new();
    let mut changed = false;
    for (i, &c) in chars.iter().enumerate() {
        match c.to_digit(10) {
            Some(n @ 2..=9) if i > 0 && chars[i - 1].is_alphabetic() => {
                for _ in 1..n {
                    out.push(chars[i - 1]);
                }
                changed = true;
            }
            _ => out.push(c),
        }
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defs(text: &str) -> Vec<(String, String)> {
        let f = FieldText::new(Field::Abstract, text, &[]);
        find_definitions(&f).into_iter().map(|d| (d.short, d.long)).collect()
    }

    #[test]
    fn schwartz_hearst() {
        assert_eq!(defs("We propose Mixture of Shards (MoS), a method."), vec![("MoS".into(), "Mixture of Shards".into())]);
        assert_eq!(defs("Sparse mixture-of-experts (MoE) layers"), vec![("MoE".into(), "mixture-of-experts".into())]);
        assert_eq!(defs("using retrieval-augmented generation (RAG; Lewis et al.) now"), vec![("RAG".into(), "retrieval-augmented generation".into())]);
        assert_eq!(defs("large language models (LLMs) are"), vec![("LLMs".into(), "large language models".into())]);
        assert!(defs("results (see Table 2) and (a)").is_empty());
        assert!(defs("the cat (XYZ) sat").is_empty(), "letters must match");
        // A long form never spans a parenthesis.
        assert!(defs("the gain of LaF-GRPO by quantitative metrics (e.g., Zero-(LaF-GRPO) boosts BLEU").is_empty());
        assert_eq!(defs("a Mixture of Experts (MoE) based Retrieval Augmented Generation (RAG) system")[1], ("RAG".into(), "Retrieval Augmented Generation".into()));
        // Initials one for one beat the letter-by-letter match that stops at "Advantage".
        assert_eq!(defs("then Asymmetric Advantage Policy Optimization (AAPO) anchors"), vec![("AAPO".into(), "Asymmetric Advantage Policy Optimization".into())]);
        assert_eq!(defs("then Reward-guided Reinforced Refinement (RRR) anchors"), vec![("RRR".into(), "Reward-guided Reinforced Refinement".into())]);
        // A digit after a letter repeats it.
        assert_eq!(defs("then Asymmetric Advantage Policy Optimization (A2PO) anchors"), vec![("A2PO".into(), "Asymmetric Advantage Policy Optimization".into())]);
        assert_eq!(defs("with Reward-guided Reinforced Refinement (R3) that"), vec![("R3".into(), "Reward-guided Reinforced Refinement".into())]);
        let f = FieldText::new(Field::Abstract, "low-rank adaptation (LoRA)", &[]);
        assert!(same_long_form("electroencephalogram", "electroencephalography"));
        assert!(same_long_form("Vision-Language Models", "vision language model"));
        assert!(!same_long_form("region adjacency graph", "retrieval-augmented generation"));
        assert!(!same_long_form("speech recognition", "super-resolution"));
        assert!(!same_long_form("graph neural network", "graph network"));
        assert!(!same_long_form("contrastive learning", "continual learning"), "cont- is too short a share");
        let d = &find_definitions(&f)[0];
        assert_eq!(d.long, "low-rank adaptation");
        assert_eq!((d.long_start, d.long_end, d.short_start, d.short_end), (0, 19, 21, 25));
    }
}
