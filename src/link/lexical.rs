//! The lexical matcher: every label of the ontology at once, with one Aho-Corasick
//! automaton over separator-free, lowercase, singular word keys (so hyphen, space and
//! no-space variants and plurals meet), and a case-sensitive table for acronyms.

use crate::link::document::{Document, FieldText};
use crate::link::{Matcher, Mention, Rule};
use crate::ontology::{LabelKind, Ontology};
use crate::text::{acronym_key, is_cased_name, label_key, looks_like_acronym};
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
            for (label, kind) in c.labels() {
                let words = label.split_whitespace().count();
                let t = Target { concept: i, kind, label: label.to_string(), words, bounds: key_bounds(label) };
                if kind == LabelKind::Acronym || looks_like_acronym(label) || is_cased_name(label) {
                    let key = acronym_key(label);
                    let list = acronyms.entry(key).or_default();
                    if !list.iter().any(|x| x.concept == i) {
                        list.push(t);
                    }
                    continue;
                }
                let key = label_key(label);
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
                if !targets[slot].iter().any(|x| x.concept == i) {
                    targets[slot].push(t);
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
                for i in 0..self.automaton.match_len(sid) {
                    let pid = self.automaton.match_pattern(sid, i);
                    if self.pattern_len[pid.as_usize()] != len {
                        continue; // a pattern that ended inside a word
                    }
                    for t in &self.targets[pid.as_usize()] {
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

/// Where, in a label's key, its words after the first start.
fn key_bounds(label: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut len = 0;
    for (i, w) in crate::text::words(&crate::text::tokenize(label)).iter().enumerate() {
        if i > 0 {
            out.push(len);
        }
        len += w.stem.len();
    }
    out
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
