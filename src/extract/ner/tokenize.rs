//! Raw text to the tagger's tokens and sentences.
//!
//! The atoms are the project tokenizer's ([`crate::text::tokenize`]: `GPT-4o`,
//! `Llama-3.1-8B`, `HumanEval+` stay whole), and every other non-space character becomes a
//! token of its own, because punctuation is context the tagger learns from (`(` before an
//! acronym, `:` after a system name). This is close to how SciERC was tokenised, so a model
//! trained on its tokens sees the same kind of tokens in raw text.

use crate::text::{tokenize, Token};

/// Tokens of `text` (atoms and single punctuation characters), with half-open code-point
/// offsets, in text order.
pub fn tokens(text: &str) -> Vec<Token> {
    let atoms = tokenize(text);
    let mut out = Vec::with_capacity(atoms.len() + atoms.len() / 4);
    let mut atoms = atoms.into_iter().peekable();
    for (i, (b, c)) in text.char_indices().enumerate() {
        while atoms.peek().is_some_and(|a| a.end <= i) {
            out.push(atoms.next().expect("peeked"));
        }
        let inside = atoms.peek().is_some_and(|a| a.start <= i);
        if !inside && !c.is_whitespace() && !c.is_alphanumeric() && !c.is_control() {
            out.push(Token { text: text[b..b + c.len_utf8()].to_string(), start: i, end: i + 1 });
        }
    }
    out.extend(atoms);
    out
}

/// Abbreviations after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &["al", "cf", "e.g", "eq", "eqs", "etc", "fig", "figs", "i.e", "no", "ref", "refs", "resp", "sec", "vs", "viz", "dr", "mr", "ms", "prof"];

/// Sentence ranges over `tokens`: a sentence ends at `.`, `?` or `!` when the next token
/// starts with an uppercase letter and the stop does not follow a known abbreviation
/// (`et al.`, `Fig.`) or a single lowercase letter (`e.g.`). Every token belongs to exactly one range; an empty input gives none.
pub fn sentences(tokens: &[Token]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..tokens.len() {
        let t = tokens[i].text.as_str();
        if !matches!(t, "." | "?" | "!") || i + 1 >= tokens.len() {
            continue;
        }
        let next_upper = tokens[i + 1].text.chars().next().is_some_and(char::is_uppercase);
        let after_abbrev = i > 0 && t == "." && tokens[i - 1].end == tokens[i].start && {
            let prev = tokens[i - 1].text.to_lowercase();
            ABBREVIATIONS.contains(&prev.as_str()) || prev.chars().count() == 1 && tokens[i - 1].text.chars().all(char::is_lowercase)
        };
        if next_upper && !after_abbrev {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < tokens.len() {
        out.push(start..tokens.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(t: &str) -> Vec<String> {
        tokens(t).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn punctuation_is_tokens_and_atoms_stay_whole() {
        assert_eq!(texts("We fine-tune Llama-3.1-8B (ours), on HumanEval+."), ["We", "fine-tune", "Llama-3.1-8B", "(", "ours", ")", ",", "on", "HumanEval+", "."]);
        let t = tokens("é (x)");
        assert_eq!((t[1].start, t[1].end, t[2].start), (2, 3, 3));
    }

    #[test]
    fn sentence_ends_need_a_capital_and_no_abbreviation() {
        let t = tokens("Smith et al. Proposed X. It works e.g. Here. done. Fig. 3 shows. A");
        let s: Vec<Vec<&str>> = sentences(&t).into_iter().map(|r| t[r].iter().map(|t| t.text.as_str()).collect()).collect();
        assert_eq!(s[0], ["Smith", "et", "al", ".", "Proposed", "X", "."]);
        assert_eq!(s[1], ["It", "works", "e", ".", "g", ".", "Here", ".", "done", "."]);
        assert_eq!(s[2], ["Fig", ".", "3", "shows", "."]);
        assert_eq!(s[3], ["A"]);
        assert!(sentences(&[]).is_empty());
    }
}
