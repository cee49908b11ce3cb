//! Scoring a concept's mentions in one paper: where (title counts more), how often,
//! whether the mention is central or passing, and how specific the label is.
//!
//! Each mention gets a weight in (0, 1): the field's base weight, raised in a sentence that
//! states the paper's contribution ("we propose", "this paper", "our"), lowered after a
//! passing cue ("unlike", "in contrast to", "instead of", ...) or a prior-work modifier
//! ("existing", "conventional", ...), and scaled by label specificity. The concept's score is
//! the noisy-or of its mention weights: 1 - prod(1 - w). The threshold is
//! [`crate::link::LinkConfig::min_score`].

use crate::link::document::{Document, Field, FieldText};
use crate::link::{Evidence, Mention, Rule};
use crate::text::Word;

/// The weights, documented in the README; `Default` is what `tag` uses.
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    pub title: f64,
    pub keywords: f64,
    pub abstract_base: f64,
    /// Added in a contribution sentence or the first sentence.
    pub contribution_bonus: f64,
    /// Multiplier after a passing cue.
    pub passing: f64,
    /// Multiplier after a prior-work modifier.
    pub prior_work: f64,
    /// Multiplier for one-word labels (less specific than multi-word ones).
    pub single_word: f64,
    /// Added to an abstract mention that shares a content word with the title.
    pub title_echo: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights { title: 0.8, keywords: 0.6, abstract_base: 0.3, contribution_bonus: 0.15, passing: 0.25, prior_work: 0.6, single_word: 0.85, title_echo: 0.15 }
    }
}

/// Phrases that make the following mention a passing one.
const PASSING_CUES: &[&[&str]] = &[
    &["unlike"],
    &["in", "contrast", "to"],
    &["contrary", "to"],
    &["as", "opposed", "to"],
    &["rather", "than"],
    &["instead", "of"],
    &["other", "than"],
    &["apart", "from"],
    &["beyond"],
    &["without"],
    &["compared", "to"],
    &["compared", "with"],
    &["besides"],
    &["except"],
    &["alternative", "to"],
    &["alternatives", "to"],
];

/// Modifiers that mark a mention as someone else's prior work.
const PRIOR_WORK: &[&str] = &["existing", "prior", "previous", "traditional", "conventional", "classical", "standard", "vanilla", "earlier"];

/// Verbs that, after "we", announce the paper's own contribution.
const CONTRIBUTION_VERBS: &[&str] = &[
    "propose", "introduce", "present", "develop", "design", "build", "study", "investigate", "explore", "analyze", "analyse", "examine", "address", "tackle", "focus", "train",
    "release", "construct", "curate", "create", "evaluate", "benchmark", "demonstrate", "show", "apply", "leverage", "use", "extend", "scale",
];

/// Score a concept from its mentions; also returns the evidence, strongest first.
/// `specificity` scales every mention (corpus statistics; 1 without them).
pub fn score(doc: &Document, mentions: &[&Mention], w: &Weights, specificity: f64) -> (f64, Vec<Evidence>) {
    let mut ev: Vec<Evidence> = Vec::with_capacity(mentions.len());
    let mut miss = 1.0;
    for m in mentions {
        let (weight, cue) = match doc.field(m.field) {
            Some(f) => mention_weight(doc.field(Field::Title), f, m, w),
            None => (0.0, None),
        };
        let weight = weight * specificity;
        miss *= 1.0 - weight;
        ev.push(Evidence {
            field: m.field,
            start: m.start,
            end: m.end,
            text: m.text.clone(),
            rule: m.rule,
            label: Some(m.label.clone()),
            matcher: m.matcher,
            weight: (weight * 1000.0).round() / 1000.0,
            cue,
            via: None,
        });
    }
    ev.sort_by(|a, b| a.field.cmp(&b.field).then(a.start.cmp(&b.start)).then(a.rule.cmp(&b.rule)));
    ev.dedup_by(|a, b| a.field == b.field && a.start == b.start && a.end == b.end);
    (1.0 - miss, ev)
}

/// Words too common in ML titles to say anything about a topic.
const COMMON: &[&str] = &["model", "language", "larg", "learn", "data", "neural", "network", "method", "approach", "system", "via", "with", "for", "the", "and", "of", "a", "an", "in", "on", "to", "llm", "ai", "deep", "base", "efficient", "scal", "task", "train", "toward", "towards", "new", "study"];

/// Whether a content word of the mention also occurs in the title: an abstract mention of
/// what the title is about is central.
fn echoes_title(title: Option<&FieldText>, f: &FieldText, m: &Mention) -> bool {
    let Some(t) = title else { return false };
    (m.words.0..=m.words.1.min(f.words.len().saturating_sub(1)))
        .map(|k| f.words[k].stem.as_str())
        .filter(|s| s.len() > 2 && !COMMON.contains(s))
        .any(|s| t.words.iter().any(|tw| tw.stem == s))
}

fn mention_weight(title: Option<&FieldText>, f: &FieldText, m: &Mention, w: &Weights) -> (f64, Option<String>) {
    let mut weight = match f.field {
        Field::Title => w.title,
        Field::Keywords => w.keywords,
        Field::Abstract => {
            let sentence = f.sentence.get(m.words.0).copied().unwrap_or(0);
            let bonus = if sentence == 0 || is_contribution_sentence(f, sentence) { w.contribution_bonus } else { 0.0 };
            let echo = if echoes_title(title, f, m) { w.title_echo } else { 0.0 };
            w.abstract_base + bonus + echo
        }
    };
    let mut cue = None;
    if let Some(c) = passing_cue(f, m.words.0) {
        weight *= w.passing;
        cue = Some(format!("passing: {c}"));
    } else if let Some(c) = prior_work(f, m.words.0) {
        weight *= w.prior_work;
        cue = Some(format!("prior work: {c}"));
    }
    let specific = m.label_words >= 2 || matches!(m.rule, Rule::Acronym | Rule::AcronymDefinition) || m.label.chars().any(|c| c.is_ascii_digit() || c.is_uppercase());
    if !specific {
        weight *= w.single_word;
    }
    (weight * m.strength, cue)
}

/// The passing cue ending within the six words before word `k`, in the same clause (no
/// punctuation between the cue and the mention).
fn passing_cue(f: &FieldText, k: usize) -> Option<String> {
    let sentence = f.sentence[k];
    let lo = k.saturating_sub(6);
    for cue in PASSING_CUES {
        for end in (lo..k).rev() {
            if f.sentence[end] != sentence || !f.joins_next[end] {
                break;
            }
            let n = cue.len();
            if end + 1 < n {
                continue;
            }
            let start = end + 1 - n;
            if f.sentence[start] == sentence && (0..n).all(|i| f.words[start + i].text.eq_ignore_ascii_case(cue[i])) {
                return Some(cue.join(" "));
            }
        }
    }
    None
}

/// A prior-work modifier one or two words before word `k`.
fn prior_work(f: &FieldText, k: usize) -> Option<String> {
    (k.saturating_sub(2)..k).find_map(|i| {
        let t = &f.words[i].text;
        PRIOR_WORK.iter().find(|p| f.sentence[i] == f.sentence[k] && t.eq_ignore_ascii_case(p)).map(|p| p.to_string())
    })
}

/// "we propose ...", "this paper/work", "our ...", "in this paper".
fn is_contribution_sentence(f: &FieldText, sentence: usize) -> bool {
    // Sentence numbers never decrease along the words: the sentence is one run of them.
    let words = &f.words[f.sentence.partition_point(|&s| s < sentence)..f.sentence.partition_point(|&s| s <= sentence)];
    let is = |w: &Word, x: &str| w.text.eq_ignore_ascii_case(x);
    let verb = |w: &Word| CONTRIBUTION_VERBS.iter().any(|v| w.text.len() >= v.len() && w.text.as_bytes()[..v.len()].eq_ignore_ascii_case(v.as_bytes()));
    words.windows(2).any(|p| (is(&p[0], "this") && (is(&p[1], "paper") || is(&p[1], "work"))) || (is(&p[0], "we") && verb(&p[1])))
        || words.windows(3).any(|p| is(&p[0], "we") && verb(&p[2]))
        || words.iter().any(|w| is(w, "our"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cues() {
        let f = FieldText::new(Field::Abstract, "Unlike dense transformers, we use mixture of experts. Existing retrievers fail.", &[]);
        let k = f.words.iter().position(|w| w.text == "dense").unwrap();
        assert_eq!(passing_cue(&f, k).as_deref(), Some("unlike"));
        let k = f.words.iter().position(|w| w.text == "mixture").unwrap();
        assert_eq!(passing_cue(&f, k), None, "the comma ends the cue's clause");
        let k = f.words.iter().position(|w| w.text == "retrievers").unwrap();
        assert_eq!(prior_work(&f, k).as_deref(), Some("existing"));
        assert!(is_contribution_sentence(&f, 0));
        assert!(!is_contribution_sentence(&f, 1));
    }
}
