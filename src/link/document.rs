//! A paper prepared for matching: its fields tokenised once, with sentences, math masked,
//! and the acronyms it defines.

use crate::link::acronym::{find_definitions, Definition};
use crate::model::Paper;
use crate::text::{char_index, text_words, Word};
use serde::{Deserialize, Serialize};

/// The text fields that are matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    Title,
    Abstract,
    /// The source's author keywords, joined with "; " (offsets point into that string).
    Keywords,
}

impl Field {
    pub fn name(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Abstract => "abstract",
            Field::Keywords => "keywords",
        }
    }
}

/// One field's text and its words.
#[derive(Debug, Clone)]
pub struct FieldText {
    pub field: Field,
    pub text: String,
    /// The text as code points, for slicing by offsets.
    pub chars: Vec<char>,
    /// The byte offset of each code point, and the text's length last.
    bytes: Vec<usize>,
    /// Words outside math spans.
    pub words: Vec<Word>,
    /// For each word, the index of its sentence.
    pub sentence: Vec<usize>,
    /// For each word, whether it may be joined to the next one in a multi-word match (only
    /// spaces or a hyphen between them, no punctuation).
    pub joins_next: Vec<bool>,
    /// Number of sentences.
    pub sentences: usize,
}

impl FieldText {
    pub fn new(field: Field, text: &str, math: &[[usize; 2]]) -> FieldText {
        let (chars, bytes) = char_index(text);
        let all = text_words(text, &chars, &bytes);
        let in_math = |w: &Word| math.iter().any(|[s, e]| w.start < *e && w.end > *s);
        let words: Vec<Word> = all.into_iter().filter(|w| !in_math(w)).collect();
        let mut sentence = Vec::with_capacity(words.len());
        let mut joins_next = Vec::with_capacity(words.len());
        let mut current = 0;
        for (k, w) in words.iter().enumerate() {
            sentence.push(current);
            let next = words.get(k + 1);
            let gap: &[char] = match next {
                Some(n) => &chars[w.end..n.start],
                None => &[],
            };
            joins_next.push(next.is_some() && gap.iter().all(|&c| c == ' ' || c == '-' || c == '_'));
            if ends_sentence(gap, next.map(|n| n.text.as_str())) {
                current += 1;
            }
        }
        FieldText { field, text: text.to_string(), chars, bytes, words, sentence, joins_next, sentences: current + 1 }
    }

    /// The text between two code-point offsets.
    pub fn slice(&self, start: usize, end: usize) -> String {
        self.str(start, end).to_string()
    }

    /// The code-point offset of every occurrence of `needle` in the text, overlapping ones
    /// included (a fast byte search: UTF-8 matches start on code-point boundaries).
    pub fn find_all(&self, needle: &memchr::memmem::Finder) -> Vec<usize> {
        let hay = self.text.as_bytes();
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(p) = needle.find(&hay[from..]) {
            let b = from + p;
            out.push(self.bytes.partition_point(|&x| x < b));
            from = b + 1;
        }
        out
    }

    /// [`FieldText::slice`], borrowed.
    pub fn str(&self, start: usize, end: usize) -> &str {
        let n = self.chars.len();
        let (s, e) = (start.min(n), end.min(n));
        if s >= e {
            return "";
        }
        &self.text[self.bytes[s]..self.bytes[e]]
    }
}

/// A sentence ends at `.`, `?`, `!` or `;` followed by a space and a capital, digit or
/// bracket (not after abbreviations such as "e.g.", which have no space before the next
/// lowercase word).
fn ends_sentence(gap: &[char], next: Option<&str>) -> bool {
    let end = gap.iter().rposition(|c| !c.is_whitespace()).map_or(0, |i| i + 1);
    let gap = &gap[..end];
    let Some(&last) = gap.last() else { return false };
    if !matches!(last, '.' | '?' | '!' | ';' | ':') {
        return false;
    }
    if gap == ['.'] && next.is_some_and(|n| n.chars().next().is_some_and(char::is_lowercase)) {
        return false;
    }
    next.is_none_or(|n| n.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()))
}

/// A paper ready for matchers.
#[derive(Debug, Clone)]
pub struct Document {
    pub id: String,
    pub fields: Vec<FieldText>,
    /// Acronyms the paper defines ("Mixture of Shards (MoS)").
    pub definitions: Vec<Definition>,
}

impl Document {
    pub fn new(p: &Paper) -> Document {
        let mut fields = vec![
            FieldText::new(Field::Title, &p.title, &p.math_spans.title),
            FieldText::new(Field::Abstract, &p.abstract_text, &p.math_spans.abstract_text),
        ];
        if !p.keywords.is_empty() {
            fields.push(FieldText::new(Field::Keywords, &p.keywords.join("; "), &[]));
        }
        let mut definitions = Vec::new();
        for f in &fields[..2] {
            definitions.extend(find_definitions(f));
        }
        Document { id: p.id.clone(), fields, definitions }
    }

    pub fn field(&self, f: Field) -> Option<&FieldText> {
        self.fields.iter().find(|x| x.field == f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_and_joins() {
        let f = FieldText::new(Field::Abstract, "We study KV-cache, e.g. eviction. Results show gains; Next one", &[]);
        let w: Vec<(&str, usize, bool)> = f.words.iter().enumerate().map(|(k, w)| (w.text.as_str(), f.sentence[k], f.joins_next[k])).collect();
        assert_eq!(
            w,
            vec![
                ("We", 0, true),
                ("study", 0, true),
                ("KV", 0, true),
                ("cache", 0, false),
                ("e", 0, false),
                ("g", 0, false),
                ("eviction", 0, false),
                ("Results", 1, true),
                ("show", 1, true),
                ("gains", 1, false),
                ("Next", 2, true),
                ("one", 2, false)
            ]
        );
    }

    #[test]
    fn math_is_masked() {
        let f = FieldText::new(Field::Abstract, "a $MoE$ b", &[[2, 7]]);
        assert_eq!(f.words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(), vec!["a", "b"]);
    }
}
