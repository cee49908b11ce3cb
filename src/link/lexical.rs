//! The lexical matcher: every label of the ontology at once, with one Aho-Corasick
//! automaton over separator-free, lowercase, singular word keys (so hyphen, space and
//! no-space variants and plurals meet), and a case-sensitive table for acronyms.

use crate::link::document::{Document, FieldText};
use crate::link::{Matcher, Mention, Rule};
use crate::ontology::{LabelKind, Ontology};
use crate::text::{acronym_key, is_cased_name, is_verb_form, label_key, looks_like_acronym};
use aho_corasick::automaton::Automaton;
use aho_corasick::nfa::contiguous::NFA;
use aho_corasick::{Anchored, MatchKind};
use rustc_hash::FxHashMap as HashMap;

/// A label that a key stands for.
#[derive(Debug, Clone)]
struct Target {
    concept: usize,
    kind: LabelKind,
    label: String,
    /// Words in the label (longer labels are more specific).
    words: usize,
    /// Offsets in the key where the label's words start (after the first).
    bounds: Vec<usize>,
    /// The label is one word, a gerund or participle (`machining`, `layered`): the text's
    /// word must be one too, not the base noun that stems alike (`machine`, `layer`). In a
    /// longer label, hyphenated ones included, the other words give the context
    /// (`function calling` is met by `function calls`, `pseudo-labeling` by `pseudo-labels`).
    verb_only: bool,
}

pub struct LexicalMatcher {
    /// Automaton over label keys, walked anchored from each word start only.
    automaton: NFA,
    targets: Vec<Vec<Target>>,
    /// Byte length of each pattern (key).
    pattern_len: Vec<usize>,
    acronyms: HashMap<String, Vec<Target>>,
    /// Label key -> concepts, for resolving the long forms of defined acronyms.
    by_key: HashMap<String, Vec<usize>>,
}

impl LexicalMatcher {
    pub fn new(o: &Ontology) -> LexicalMatcher {
        let mut keys: HashMap<String, usize> = HashMap::default();
        let mut patterns: Vec<String> = Vec::new();
        let mut targets: Vec<Vec<Target>> = Vec::new();
        let mut acronyms: HashMap<String, Vec<Target>> = HashMap::default();
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::default();
        for (i, c) in o.concepts.iter().enumerate() {
            let labels = c.labels().flat_map(|(label, kind)| std::iter::once((label.to_string(), label, kind)).chain(uninverted(label).map(|form| (form, label, kind))));
            for (form, label, kind) in labels {
                let form = form.as_str();
                let words = form.split_whitespace().count();
                let (bounds, verb_head) = key_bounds(form);
                let t = Target { concept: i, kind, label: label.to_string(), words, verb_only: verb_head && bounds.is_empty(), bounds };
                if kind == LabelKind::Acronym || looks_like_acronym(label) || is_cased_name(label) {
                    let key = acronym_key(label);
                    let list = acronyms.entry(key).or_default();
                    if !list.iter().any(|x| x.concept == i) {
                        list.push(t);
                    }
                    continue;
                }
                let key = label_key(form);
                if key.chars().count() < 2 {
                    continue;
                }
                let list = by_key.entry(key.clone()).or_default();
                if !list.contains(&i) {
                    list.push(i);
                }
                let slot = *keys.entry(key.clone()).or_insert_with(|| {
                    patterns.push(key);
                    targets.push(Vec::new());
                    patterns.len() - 1
                });
                // One target per concept and key, its first label's; a concept with the base
                // noun among its labels (`blog` beside `blogging`) is met by the base noun.
                match targets[slot].iter_mut().find(|x| x.concept == i) {
                    Some(x) => x.verb_only &= t.verb_only,
                    None => targets[slot].push(t),
                }
            }
        }
        // Anchored: a match must start where a word starts, so the automaton is
        // walked from word starts only, over the stems that follow, and stops when it dies.
        let automaton = NFA::builder().match_kind(MatchKind::Standard).prefilter(false).build(&patterns).expect("label automaton builds");
        let pattern_len = patterns.iter().map(String::len).collect();
        LexicalMatcher { automaton, targets, pattern_len, acronyms, by_key }
    }

    /// Concepts whose label key equals this text's key (for defined long forms).
    pub fn concepts_for_text(&self, text: &str) -> Vec<usize> {
        self.by_key.get(&label_key(text)).cloned().unwrap_or_default()
    }

    /// Concepts whose acronym is written exactly like this word.
    pub fn acronym_concepts(&self, word: &str) -> Vec<usize> {
        self.acronyms.get(&acronym_key(word)).map(|v| v.iter().map(|t| t.concept).collect()).unwrap_or_default()
    }

    fn match_field(&self, f: &FieldText, out: &mut Vec<Mention>) {
        if f.words.is_empty() {
            return;
        }
        let start_state = match self.automaton.start_state(Anchored::Yes) {
            Ok(s) => s,
            Err(_) => return,
        };
        for ws in 0..f.words.len() {
            let mut sid = start_state;
            let mut len = 0usize;
            'walk: for we in ws..f.words.len() {
                if we > ws && !f.joins_next[we - 1] {
                    break;
                }
                for &b in f.words[we].stem.as_bytes() {
                    sid = self.automaton.next_state(Anchored::Yes, sid, b);
                    if self.automaton.is_dead(sid) {
                        break 'walk;
                    }
                }
                len += f.words[we].stem.len();
                if !self.automaton.is_match(sid) {
                    continue;
                }
                let (start, end) = (f.words[ws].start, f.words[we].end);
                let text = f.slice(start, end);
                let mut last_is_verb = None;
                for i in 0..self.automaton.match_len(sid) {
                    let pid = self.automaton.match_pattern(sid, i);
                    if self.pattern_len[pid.as_usize()] != len {
                        continue; // a pattern that ended inside a word
                    }
                    for t in &self.targets[pid.as_usize()] {
                        if t.verb_only && !*last_is_verb.get_or_insert_with(|| is_verb_form(&f.words[we].text)) {
                            continue;
                        }
                        // A label word may span several text words ("pre training" for
                        // "pretraining") only when they are hyphenated or each is a real
                        // word part (3+ letters): "in as" is not "INAS".
                        let mut inner = 0;
                        let split_ok = (ws..we).all(|k| {
                            inner += f.words[k].stem.len();
                            t.bounds.contains(&inner) || f.chars.get(f.words[k].end) == Some(&'-') || (f.words[k].stem.len() >= 3 && f.words[k + 1].stem.len() >= 3)
                        });
                        if split_ok {
                            out.push(Mention::new(t.concept, f.field, start, end, text.clone(), rule_for(t.kind), t.label.clone(), (ws, we), t.words));
                        }
                    }
                }
            }
        }
        // Case-sensitive names: per word ("MoE" in "MoE-based"), and per whole atom when it
        // has several words ("MultiPL-E", "GPT-4").
        for (k, w) in f.words.iter().enumerate() {
            // Every case-sensitive label has a capital: words without one cannot match.
            if w.text.chars().any(char::is_uppercase) {
                if let Some(ts) = self.acronyms.get(&acronym_key(&w.text)) {
                    for t in ts {
                        out.push(Mention::new(t.concept, f.field, w.start, w.end, w.text.to_string(), Rule::Acronym, t.label.clone(), (k, k), 1));
                    }
                }
            }
            let last_of_atom = f.words.get(k + 1).is_none_or(|n| n.atom != w.atom);
            let first = (0..=k).rev().take_while(|&j| f.words[j].atom == w.atom).last().unwrap_or(k);
            if last_of_atom && first < k && f.words[first..=k].iter().any(|x| x.text.chars().any(char::is_uppercase)) {
                let (start, end) = (f.words[first].start, w.end);
                let atom = f.slice(start, end);
                if let Some(ts) = self.acronyms.get(&acronym_key(&atom)) {
                    for t in ts {
                        out.push(Mention::new(t.concept, f.field, start, end, atom.clone(), Rule::Acronym, t.label.clone(), (first, k), 1));
                    }
                }
            }
        }
    }
}

/// The natural order of an inverted thesaurus heading (`models, statistical` ->
/// `statistical models`, as in MeSH and the CSO): one comma, words on both sides, and after
/// it a short modifier rather than a list (`infrastructure, hardware and energy` is not one).
fn uninverted(label: &str) -> Option<String> {
    let (head, modifier) = label.split_once(", ")?;
    let plain = |s: &str| !s.trim().is_empty() && !s.contains([',', '(', ')']) && s.chars().any(char::is_alphabetic);
    let words: Vec<&str> = modifier.split_whitespace().collect();
    let short = words.len() <= 3 && !words.iter().any(|w| matches!(w.to_lowercase().as_str(), "and" | "or" | "&" | "and/or"));
    (plain(head) && plain(modifier) && short).then(|| format!("{} {}", modifier.trim(), head.trim()))
}

/// Where, in a label's key, its words after the first start; and whether its last word is
/// a verb form ([`is_verb_form`]).
fn key_bounds(label: &str) -> (Vec<usize>, bool) {
    let mut out = Vec::new();
    let mut len = 0;
    let words = crate::text::words(&crate::text::tokenize(label));
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push(len);
        }
        len += w.stem.len();
    }
    (out, words.last().is_some_and(|w| is_verb_form(&w.text)))
}

fn rule_for(kind: LabelKind) -> Rule {
    match kind {
        LabelKind::Pref => Rule::PrefLabel,
        LabelKind::Alt => Rule::AltLabel,
        LabelKind::Hidden => Rule::HiddenLabel,
        LabelKind::Acronym => Rule::Acronym,
    }
}

impl Matcher for LexicalMatcher {
    fn name(&self) -> &'static str {
        "lexical"
    }

    fn find(&self, doc: &Document, out: &mut Vec<Mention>) {
        for f in &doc.fields {
            self.match_field(f, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Paper;
    use crate::ontology::OntologySpec;

    fn ontology(csv: &str) -> Ontology {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("labels.csv");
        std::fs::write(&path, csv).unwrap();
        Ontology::load(&[OntologySpec::File(path)]).unwrap()
    }

    /// The labels the matcher finds in an abstract.
    fn found(o: &Ontology, text: &str) -> Vec<String> {
        let m = LexicalMatcher::new(o);
        let p = Paper { abstract_text: text.into(), ..Default::default() };
        let mut out = Vec::new();
        m.find(&Document::new(&p), &mut out);
        let mut labels: Vec<String> = out.iter().map(|x| o.concepts[x.concept].pref_label.clone()).collect();
        labels.dedup();
        labels
    }

    #[test]
    fn a_one_word_gerund_label_is_not_met_by_its_base_noun() {
        let o = ontology("label\nmachining\nlayered\nfunction calling\npseudo-labeling\n");
        assert!(found(&o, "A machine with one layer.").is_empty());
        assert_eq!(found(&o, "Machining of parts, layered on top."), ["machining", "layered"]);
        // Longer labels keep their inflected variants: the other words give the context.
        assert_eq!(found(&o, "It makes function calls with pseudo-labels."), ["function calling", "pseudo-labeling"]);
    }

    #[test]
    fn a_concept_with_the_base_noun_among_its_labels_is_met_by_it() {
        // "blogging" and "blog" normalise alike: one concept, first label preferred.
        let o = ontology("label\nblogging\nblog\n");
        assert_eq!(o.concepts.len(), 1);
        assert_eq!(found(&o, "Posts on blogs."), ["blogging"]);
    }

    #[test]
    fn an_inverted_heading_is_met_in_natural_order() {
        let o = ontology("label\n\"models, statistical\"\n\"chromosomes, human, pair 13\"\n");
        assert_eq!(found(&o, "We fit statistical models."), ["models, statistical"]);
        assert_eq!(uninverted("chromosomes, human, pair 13"), None);
        assert_eq!(uninverted("gm (1 , 1)"), None);
        assert_eq!(uninverted("ML infrastructure, hardware and energy"), None);
        assert_eq!(uninverted("multiplexing, time division").as_deref(), Some("time division multiplexing"));
    }
}
