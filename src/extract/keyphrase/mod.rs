//! Keyphrases: the phrases that say what a paper is about, ranked, with the ontology concept
//! each one names when it names one.
//!
//! Entry point: [`KeyphraseExtractor::new`] (the bundled corpus table, an ontology, a
//! [`KeyphraseConfig`]), once; then [`KeyphraseExtractor::extract`] per paper (a
//! [`Document`], the tokenised paper concept linking also reads) — a pure function of the
//! paper.
//!
//! How:
//! 1. **Atoms** ([`atoms`]): the tokenizer's atoms (`GPT-4`, `COVID-19`, `KV-cache`,
//!    `Llama-3.1-8B` stay whole), with sentence and punctuation boundaries.
//! 2. **Candidates**: maximal runs of content atoms inside a sentence with only spaces (or a
//!    hyphen or slash) between them, cut at stopwords ([`stopwords`]), numbers, single
//!    letters, and words the corpus uses mostly as verbs or adverbs ([`table`]: how often a
//!    word follows "the"/"a" versus "we"/"to"/"can"); a trailing participle is dropped
//!    ("the model used" -> "model"). Acronyms and cased names are never stopwords, so `RL`,
//!    `QA`, `IT`, `GPT-4` are candidates as written.
//! 3. **Scores**: each atom weighs `sqrt(tf) x idf` over the title and abstract, with the document
//!    frequency of its stem in a reference corpus (266k arXiv abstracts; an atom the corpus
//!    never used has the largest IDF); a phrase scores the sum of its atoms' weights (so
//!    longer specific phrases beat their single words, as in SingleRank and Hasan and Ng's
//!    TF-IDF), times a bonus for phrases that appear in the title or the first sentence.
//! 4. **Dedup** by normalised form (the words' stems: `KV-cache`, `KV caches` and `kv cache`
//!    are one keyphrase), keeping the best score and the first occurrence as written, with
//!    case kept (acronyms, cased names, proper names the corpus capitalises) and lowercase
//!    only for words capitalised by position (sentence start, title case).
//! 5. **Concepts**: a keyphrase whose normalised form is a label of an ontology concept is
//!    linked to it (`concept` = concept id); the others are new terms.

pub mod eval;
pub mod semantic;
pub mod porter;
pub mod stopwords;
pub mod table;

use crate::link::document::{Document, Field, FieldText};
use crate::ontology::Ontology;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::ops::Range;
use table::{lower_hash, Fnv, HashedMap, KeyphraseTable, PreHashed};


/// Extraction settings; `Default` is what `topicgraph tag` uses.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyphraseConfig {
    /// Keyphrases kept per paper (fewer when the text has fewer candidates).
    pub max: usize,
    /// Longest candidate, in atoms.
    pub max_atoms: usize,
    /// An atom weighs `tf^tf_exponent x idf`: below 1, repeating a word helps less and less.
    pub tf_exponent: f64,
    /// Score factor for a phrase that occurs in the title.
    pub title_bonus: f64,
    /// Score factor for a phrase that occurs in the first sentence of the abstract.
    pub lead_bonus: f64,
    /// A word the corpus saw after a verb context at least this many times more often than
    /// after a determiner (with both counts + 1) is read as a verb or adverb.
    pub verb_ratio: f64,
}

impl Default for KeyphraseConfig {
    fn default() -> Self {
        KeyphraseConfig { max: 10, max_atoms: 5, tf_exponent: 0.5, title_bonus: 1.3, lead_bonus: 1.1, verb_ratio: 2.0 }
    }
}

/// One keyphrase of a paper, best first in [`crate::link::Tagged::keywords`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Keyphrase {
    /// As first written in the paper (case kept, except capitals due only to position).
    pub text: String,
    /// Summed TF-IDF of its words, with the title and lead bonuses (comparable within a
    /// paper and, roughly, across papers).
    pub score: f64,
    /// The ontology concept whose label this phrase is, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub concept: Option<String>,
    /// Evidence: where it first occurs (half-open code-point offsets into that field).
    pub field: Field,
    pub start: usize,
    pub end: usize,
}

/// An atom of a field: a token such as `GPT-4o` or `state-of-the-art`, as a range of the
/// field's words.
#[derive(Debug, Clone, PartialEq)]
pub struct Atom {
    pub words: Range<usize>,
    pub start: usize,
    pub end: usize,
    pub sentence: usize,
    /// Only spaces, or a single hyphen or slash, before the next atom of the same sentence.
    pub joins_next: bool,
    /// Has a letter.
    pub letters: bool,
}

/// The atoms of a field, in order (math spans were masked by the [`Document`]).
pub fn atoms(f: &FieldText) -> Vec<Atom> {
    let mut out: Vec<Atom> = Vec::with_capacity(f.words.len());
    let mut k = 0;
    while k < f.words.len() {
        let atom = f.words[k].atom;
        let mut j = k + 1;
        while j < f.words.len() && f.words[j].atom == atom {
            j += 1;
        }
        let (start, end) = (f.words[k].start, f.words[j - 1].end);
        let letters = f.words[k..j].iter().any(|w| w.text.chars().any(char::is_alphabetic));
        let joins_next = j < f.words.len() && f.sentence[j] == f.sentence[k] && {
            let gap = &f.chars[end..f.words[j].start];
            let spaces = gap.iter().filter(|c| **c == ' ').count();
            spaces == gap.len() || (gap.len() - spaces == 1 && gap.iter().any(|c| matches!(c, '-' | '/' | '–')))
        };
        out.push(Atom { words: k..j, start, end, sentence: f.sentence[k], joins_next, letters });
        k = j;
    }
    out
}

/// What an atom can be in a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Content,
    /// Ends a candidate.
    Break,
}

/// Per-atom facts for one field.
struct AtomInfo {
    kind: Kind,
    /// Hash of the stem key (document frequency, term frequency).
    stem: u64,
    /// A participle or adverb form: not the last word of a phrase.
    weak_end: bool,
    /// An -ing form mostly used as a verb: after a preposition it takes an object ("by
    /// employing RLHF") and is not part of the phrase.
    gerund: bool,
    /// Hash of the lowercase form.
    lower: u64,
}

/// Builds keyphrases for papers; holds the corpus table and the concept labels.
pub struct KeyphraseExtractor {
    table: KeyphraseTable,
    stop: HashSet<u64, std::hash::BuildHasherDefault<PreHashed>>,
    prepositions: HashSet<u64, std::hash::BuildHasherDefault<PreHashed>>,
    /// Normalised label key -> concept id (labels matched case-insensitively).
    labels: rustc_hash::FxHashMap<String, usize>,
    /// Acronym key -> concept id (matched as written).
    acronyms: rustc_hash::FxHashMap<String, usize>,
    concept_ids: Vec<String>,
    config: KeyphraseConfig,
}

impl KeyphraseExtractor {
    /// An extractor over the bundled corpus table.
    pub fn new(ontology: &Ontology, config: KeyphraseConfig) -> Result<KeyphraseExtractor, table::TableError> {
        Ok(KeyphraseExtractor::with_table(KeyphraseTable::bundled()?, ontology, config))
    }

    pub fn with_table(table: KeyphraseTable, ontology: &Ontology, config: KeyphraseConfig) -> KeyphraseExtractor {
        let stop = stopwords::STOPWORDS.iter().map(|w| lower_hash(w)).collect();
        let prepositions = stopwords::GERUND_PREPOSITIONS.iter().map(|w| lower_hash(w)).collect();
        let mut labels = rustc_hash::FxHashMap::default();
        let mut acronyms = rustc_hash::FxHashMap::default();
        for (i, c) in ontology.concepts.iter().enumerate() {
            for (label, kind) in c.labels() {
                if kind == crate::ontology::LabelKind::Acronym || crate::text::looks_like_acronym(label) {
                    acronyms.entry(crate::text::acronym_key(label)).or_insert(i);
                } else {
                    let key = crate::text::label_key(label);
                    if !key.is_empty() {
                        labels.entry(key).or_insert(i);
                    }
                }
            }
        }
        let concept_ids = ontology.concepts.iter().map(|c| c.id.clone()).collect();
        KeyphraseExtractor { table, stop, prepositions, labels, acronyms, concept_ids, config }
    }

    pub fn table(&self) -> &KeyphraseTable {
        &self.table
    }

    pub fn config(&self) -> &KeyphraseConfig {
        &self.config
    }

    /// Classify the atoms of a field.
    fn classify(&self, f: &FieldText, list: &[Atom]) -> Vec<AtomInfo> {
        list.iter()
            .map(|a| {
                let words = &f.words[a.words.clone()];
                let mut stem = Fnv::new();
                for (i, w) in words.iter().enumerate() {
                    if i > 0 {
                        stem.bytes(b"-");
                    }
                    stem.bytes(w.stem.as_bytes());
                }
                let stem = stem.finish();
                let chars = &f.chars[a.start..a.end];
                // Acronyms and cased names (a capital after the first letter, or letters
                // with digits) are content as written: never stopwords, never verbs.
                let cased = chars.iter().skip(1).any(|c| c.is_uppercase()) || (a.letters && chars.iter().any(char::is_ascii_digit));
                let lower = lower_hash_chars(chars);
                let letters = chars.iter().filter(|c| c.is_alphabetic()).count();
                // The table is large and a lookup is a cache miss: at most one per atom, and
                // only for the words that need it.
                let mut cached = None;
                let mut usage = || *cached.get_or_insert_with(|| self.table.usage(lower));
                let kind = if !a.letters || (letters < 2 && !cased) {
                    Kind::Break
                } else if cased {
                    Kind::Content
                } else if self.stop.contains(&lower) {
                    Kind::Break
                } else {
                    let u = usage();
                    // An -ly word is an adverb unless the corpus puts a determiner before at
                    // least one in twenty of its uses, as it does for nouns ("a family").
                    let adverb = words.len() == 1 && ends_with(chars, "ly") && chars.len() > 4 && (u.det as u64) * 20 < u.lower as u64;
                    let verbish = u.verb as f64 + 1.0 >= self.config.verb_ratio * (u.det as f64 + 1.0) && u.verb >= 3;
                    if verbish || adverb {
                        Kind::Break
                    } else {
                        Kind::Content
                    }
                };
                let weak_end = !cased && words.len() == 1 && chars.len() > 4 && ends_with(chars, "ed") && !ends_with(chars, "eed");
                // A gerund: an -ing word the corpus rarely puts after a determiner (under 2%
                // of its uses: "employing", "generating", not "training" or "learning").
                let gerund = !cased && words.len() == 1 && chars.len() > 5 && ends_with(chars, "ing") && {
                    let u = usage();
                    u.lower >= 20 && (u.det as u64) * 50 < u.lower as u64
                };
                AtomInfo { kind, stem, weak_end, gerund, lower }
            })
            .collect()
    }

    /// The keyphrases of one paper, best first.
    pub fn extract(&self, doc: &Document) -> Vec<Keyphrase> {
        self.extract_top(doc, self.config.max)
    }

    /// The `max` best keyphrases of one paper (e.g. a larger pool for [`semantic::rerank`]).
    pub fn extract_top(&self, doc: &Document, max: usize) -> Vec<Keyphrase> {
        struct Scan<'a> {
            f: &'a FieldText,
            atoms: Vec<Atom>,
            info: Vec<AtomInfo>,
        }
        let fields: Vec<Scan> = doc
            .fields
            .iter()
            .filter(|f| matches!(f.field, Field::Title | Field::Abstract))
            .map(|f| {
                let atoms = atoms(f);
                let info = self.classify(f, &atoms);
                Scan { f, atoms, info }
            })
            .collect();
        // Term frequency per stem over the content atoms of title and abstract.
        let mut tf: HashedMap<u32> = HashedMap::default();
        for fd in &fields {
            for i in fd.info.iter().filter(|i| i.kind == Kind::Content) {
                *tf.entry(i.stem).or_insert(0) += 1;
            }
        }
        // Each distinct stem's weight, once: a table lookup is a cache miss.
        let weight: HashedMap<f64> = tf.iter().map(|(&stem, &n)| (stem, (n as f64).powf(self.config.tf_exponent) * self.table.idf(stem))).collect();
        // Each content atom's weight, once (candidate windows overlap).
        let weights: Vec<Vec<f64>> = fields.iter().map(|fd| fd.info.iter().map(|i| if i.kind == Kind::Content { weight[&i.stem] } else { 0.0 }).collect()).collect();

        // Candidates, merged by normalised form.
        struct Cand {
            key: u64,
            score: f64,
            field: Field,
            start: usize,
            end: usize,
            range: Range<usize>,
            fi: usize,
            in_title: bool,
            in_lead: bool,
        }
        let mut cands: Vec<Cand> = Vec::new();
        for (fi, fd) in fields.iter().enumerate() {
            let n = fd.atoms.len();
            let mut k = 0;
            while k < n {
                if fd.info[k].kind != Kind::Content {
                    k += 1;
                    continue;
                }
                let mut j = k + 1;
                while j < n && fd.atoms[j - 1].joins_next && fd.info[j].kind == Kind::Content {
                    j += 1;
                }
                // Drop trailing participles ("the data collected" -> "data").
                let mut end = j;
                while end > k + 1 && fd.info[end - 1].weak_end {
                    end -= 1;
                }
                if end == k + 1 && fd.info[k].weak_end {
                    k = j;
                    continue;
                }
                // A gerund after a preposition takes an object: "by employing RLHF" -> "RLHF".
                let mut start = k;
                if start > 0 && fd.atoms[start - 1].joins_next && self.prepositions.contains(&fd.info[start - 1].lower) {
                    while start < end && fd.info[start].gerund {
                        start += 1;
                    }
                }
                if start == end {
                    k = j;
                    continue;
                }
                // Long runs: every window of max_atoms.
                let windows: Vec<Range<usize>> =
                    if end - start <= self.config.max_atoms { vec![start..end] } else { (start..=end - self.config.max_atoms).map(|s| s..s + self.config.max_atoms).collect() };
                for r in windows {
                    let mut key = Fnv::new();
                    let mut score = 0.0;
                    for a in r.clone() {
                        for w in &fd.f.words[fd.atoms[a].words.clone()] {
                            key.bytes(w.stem.as_bytes());
                            key.bytes(b" ");
                        }
                        score += weights[fi][a];
                    }
                    let key = key.finish();
                    let in_title = fd.f.field == Field::Title;
                    let in_lead = fd.f.field == Field::Abstract && fd.atoms[r.start].sentence == 0;
                    cands.push(Cand { key, score, field: fd.f.field, start: fd.atoms[r.start].start, end: fd.atoms[r.end - 1].end, range: r, fi, in_title, in_lead });
                }
                k = j;
            }
        }
        // Merge by key: first occurrence (title before abstract) is the one reported.
        let mut order: Vec<usize> = (0..cands.len()).collect();
        order.sort_by_key(|&i| (cands[i].key, i));
        let mut merged: Vec<(usize, bool, bool)> = Vec::new();
        for &i in &order {
            match merged.last_mut() {
                Some((first, t, l)) if cands[*first].key == cands[i].key => {
                    *t |= cands[i].in_title;
                    *l |= cands[i].in_lead;
                }
                _ => merged.push((i, cands[i].in_title, cands[i].in_lead)),
            }
        }
        let mut scored: Vec<(f64, usize)> = merged
            .into_iter()
            .map(|(i, t, l)| {
                let mut s = cands[i].score;
                if t {
                    s *= self.config.title_bonus;
                }
                if l {
                    s *= self.config.lead_bonus;
                }
                (s, i)
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.truncate(max);
        scored
            .into_iter()
            .map(|(s, i)| {
                let c = &cands[i];
                let fd = &fields[c.fi];
                let text = self.surface(fd.f, &fd.atoms[c.range.clone()], fd.f.field == Field::Title);
                let concept = self.concept_of(&text, c.range.len() == 1).map(|i| self.concept_ids[i].clone());
                Keyphrase { text, score: (s * 1000.0).round() / 1000.0, concept, field: c.field, start: c.start, end: c.end }
            })
            .collect()
    }

    /// The phrase as written, with capitals due only to position lowered: a word written
    /// Capitalised at a sentence start or in a title is lowercased unless the corpus
    /// mostly capitalises it mid-sentence (`Bayesian`, `Markov`).
    fn surface(&self, f: &FieldText, atoms: &[Atom], title: bool) -> String {
        let mut out = String::new();
        for (n, a) in atoms.iter().enumerate() {
            if n > 0 {
                let gap = &f.chars[atoms[n - 1].end..a.start];
                if gap.iter().all(|c| *c == ' ') {
                    out.push(' ');
                } else {
                    out.extend(gap.iter().filter(|c| **c != ' '));
                }
            }
            let chars = &f.chars[a.start..a.end];
            let wi = a.words.start;
            let by_position = title || wi == 0 || f.sentence[wi] != f.sentence[wi - 1];
            // Each word of the atom ("Self-Evolved") Capitalised: title or sentence case.
            let words = &f.words[a.words.clone()];
            let capitalised = words.iter().all(|w| {
                let mut cs = w.text.chars();
                cs.next().is_some_and(char::is_uppercase) && cs.all(char::is_lowercase)
            });
            let lower = capitalised && by_position && {
                let u = self.table.usage(lower_hash_chars(chars));
                u.cap <= u.lower
            };
            if lower {
                out.extend(chars.iter().flat_map(|c| c.to_lowercase()));
            } else {
                out.extend(chars.iter());
            }
        }
        out
    }

    /// The ontology concept a phrase names: its normalised key is a label's, or, for one
    /// atom written like an acronym, an acronym of the ontology as written.
    fn concept_of(&self, text: &str, single: bool) -> Option<usize> {
        if single && crate::text::looks_like_acronym(text) {
            if let Some(&c) = self.acronyms.get(&crate::text::acronym_key(text)) {
                return Some(c);
            }
        }
        self.labels.get(&crate::text::label_key(text)).copied()
    }
}

/// [`table::lower_hash`] of a slice of characters.
fn lower_hash_chars(chars: &[char]) -> u64 {
    let mut h = Fnv::new();
    for &c in chars {
        if c.is_ascii() {
            h.bytes(&[c.to_ascii_lowercase() as u8]);
        } else {
            c.to_lowercase().for_each(|l| h.char(l));
        }
    }
    h.finish()
}

fn ends_with(chars: &[char], suffix: &str) -> bool {
    let n = suffix.chars().count();
    chars.len() >= n && chars[chars.len() - n..].iter().map(|c| c.to_ascii_lowercase()).eq(suffix.chars())
}

#[cfg(test)]
mod tests;
