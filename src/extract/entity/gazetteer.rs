//! The gazetteer: well-known models, datasets and benchmarks, software and metrics of the
//! field, each with its type, spelling variants and family (`data/gazetteer/entities.tsv`,
//! compiled into the binary), plus the benchmarks of the ontology. Names are matched in
//! their separator-free form over the words of a field, so `Claude-3.5 Sonnet` and
//! `Claude 3.5-Sonnet` both find the entry `Claude 3.5 Sonnet`.

use super::key::{compact, entity_key};
use super::EntityType;
use aho_corasick::automaton::Automaton;
use aho_corasick::nfa::contiguous::NFA;
use aho_corasick::{Anchored, MatchKind};
use rustc_hash::FxHashMap as HashMap;

/// The bundled gazetteer.
pub const BUNDLED: &str = include_str!("../../../data/gazetteer/entities.tsv");

/// One artifact.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub name: String,
    pub key: String,
    pub kind: EntityType,
    pub family: Option<String>,
    /// Matched case-sensitively: the name is also a common word or a short acronym.
    pub case_sensitive: bool,
    /// A metric that counts only next to a number ("accuracy").
    pub needs_number: bool,
    /// Every written form (the name first), as given.
    pub forms: Vec<String>,
    /// The ontology concept this artifact is, when there is one.
    pub concept: Option<String>,
}

/// A bad gazetteer line.
#[derive(Debug, thiserror::Error)]
#[error("gazetteer line {line}: {message}")]
pub struct GazetteerError {
    pub line: usize,
    pub message: String,
}

pub struct Gazetteer {
    pub entries: Vec<Entry>,
    /// Separator-free forms, as an automaton walked anchored from word starts only: pattern i
    /// belongs to entry `owner[i]`.
    automaton: NFA,
    owner: Vec<usize>,
    /// Byte length of each pattern.
    pattern_len: Vec<usize>,
    /// Separator-free form -> entry.
    by_form: HashMap<String, usize>,
    /// Per pattern: the offsets in its separator-free form where the written form has a
    /// word break (`llama 2` -> `[5]`), so `of a` never matches the form `OFA`.
    breaks: Vec<Vec<usize>>,
}

impl Gazetteer {
    /// Parse the TSV (`type, name, variants, family, flags`; `#` comments).
    pub fn parse(text: &str) -> Result<Vec<Entry>, GazetteerError> {
        let mut out = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') || line.starts_with("type\t") {
                continue;
            }
            let cells: Vec<&str> = line.split('\t').collect();
            let err = |message: String| GazetteerError { line: i + 1, message };
            if cells.len() < 2 {
                return Err(err("expected type and name".into()));
            }
            let kind: EntityType = cells[0].parse().map_err(err)?;
            let name = cells[1].trim().to_string();
            if compact(&name).is_empty() {
                return Err(err(format!("name {name:?} has no letters or digits")));
            }
            let mut forms = vec![name.clone()];
            forms.extend(cells.get(2).into_iter().flat_map(|v| v.split(';')).map(str::trim).filter(|v| !v.is_empty()).map(str::to_string));
            let family = cells.get(3).map(|f| f.trim()).filter(|f| !f.is_empty() && *f != entity_key(&name)).map(str::to_string);
            let flags: Vec<&str> = cells.get(4).map(|f| f.split_whitespace().collect()).unwrap_or_default();
            out.push(Entry { key: entity_key(&name), name, kind, family, case_sensitive: flags.contains(&"cs"), needs_number: flags.contains(&"num"), forms, concept: None });
        }
        Ok(out)
    }

    /// Build the matcher. When two entries share a written form, the first keeps it.
    pub fn new(entries: Vec<Entry>) -> Gazetteer {
        let mut by_form: HashMap<String, usize> = HashMap::default();
        let mut patterns = Vec::new();
        let mut owner = Vec::new();
        let mut breaks = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            for f in &e.forms {
                let c = compact(f);
                if c.is_empty() || by_form.contains_key(&c) {
                    continue;
                }
                by_form.insert(c.clone(), i);
                patterns.push(c);
                owner.push(i);
                breaks.push(form_breaks(f));
            }
        }
        let automaton = NFA::builder().match_kind(MatchKind::Standard).prefilter(false).build(&patterns).expect("gazetteer automaton");
        let pattern_len = patterns.iter().map(String::len).collect();
        Gazetteer { entries, automaton, owner, pattern_len, by_form, breaks }
    }

    pub fn bundled() -> Gazetteer {
        Gazetteer::new(Gazetteer::parse(BUNDLED).expect("the bundled gazetteer parses"))
    }

    /// Every form that starts at byte `at` of `haystack`: `f(end byte, entry, word breaks of
    /// the form)`, shortest first. The walk stops where no form continues, so calling it at
    /// each word start costs a few bytes per word.
    pub fn find_at<'a>(&'a self, haystack: &[u8], at: usize, mut f: impl FnMut(usize, usize, &'a [usize])) {
        let Ok(mut sid) = self.automaton.start_state(Anchored::Yes) else { return };
        for (i, &b) in haystack[at..].iter().enumerate() {
            sid = self.automaton.next_state(Anchored::Yes, sid, b);
            if self.automaton.is_dead(sid) {
                return;
            }
            if self.automaton.is_match(sid) {
                let len = i + 1;
                for k in 0..self.automaton.match_len(sid) {
                    let pid = self.automaton.match_pattern(sid, k).as_usize();
                    if self.pattern_len[pid] == len {
                        f(at + len, self.owner[pid], &self.breaks[pid]);
                    }
                }
            }
        }
    }

    /// The entry with this separator-free form, if any.
    pub fn lookup(&self, form: &str) -> Option<&Entry> {
        self.by_form.get(&compact(form)).map(|&i| &self.entries[i])
    }
}

/// Offsets in the separator-free form of `form` where it has a word break.
fn form_breaks(form: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut len = 0;
    let mut gap = false;
    for c in form.chars() {
        if c.is_alphanumeric() || c == '+' {
            if gap && len > 0 {
                out.push(len);
            }
            gap = false;
            len += c.to_lowercase().map(char::len_utf8).sum::<usize>();
        } else {
            gap = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_gazetteer_is_well_formed() {
        let entries = Gazetteer::parse(BUNDLED).unwrap();
        assert!(entries.len() > 600, "{}", entries.len());
        for t in EntityType::ALL {
            assert!(entries.iter().filter(|e| e.kind == t).count() >= 30, "{t}");
        }
        // No written form of one entry is claimed by another with a different type.
        let mut by_form: HashMap<String, &Entry> = HashMap::default();
        for e in &entries {
            for f in &e.forms {
                if let Some(prev) = by_form.insert(compact(f), e) {
                    assert!(prev.key == e.key, "{f:?} is both {} and {}", prev.name, e.name);
                }
            }
        }
        let g = Gazetteer::new(entries);
        assert_eq!(g.lookup("LLaMA-2").unwrap().key, "llama-2");
        assert_eq!(g.lookup("Claude-3.5 Sonnet").unwrap().key, "claude-3.5-sonnet");
        assert_eq!(g.lookup("HumanEval").unwrap().kind, EntityType::Dataset);
        assert!(g.lookup("Llama 3.1 8B").is_none(), "sizes are not entries");
    }

    #[test]
    fn bad_lines_are_reported() {
        assert_eq!(Gazetteer::parse("model\tGPT-4\n").unwrap()[0].key, "gpt-4");
        let e = Gazetteer::parse("# c\nwidget\tFoo\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(Gazetteer::parse("model\t--\n").is_err());
    }
}
