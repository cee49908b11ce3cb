//! The concept scheme papers are linked to: SKOS concepts with labels, acronyms, broader,
//! related and scope notes, from the bundled Turtle file or the user's own files.
//!
//! Entry point: [`Ontology::load`] with a list of [`OntologySpec`]s (`bundled`, a Turtle
//! SKOS file, a CSV or a `.txt` label list; later files extend earlier ones). The bundled
//! ontology is compiled into the binary, so topicgraph runs from any directory.
//! [`check`] validates a file; [`Ontology::stats`] summarises one.

mod check;
mod load;

pub use check::{check, Problem, Severity};

use crate::extract::keyphrase::stopwords::STOPWORDS;
use crate::text::{acronym_key, label_definition, label_key};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::PathBuf;

/// The bundled ontology, embedded at compile time.
pub const BUNDLED_TTL: &str = include_str!("../../ontology/topicgraph.ttl");
/// Namespace of the bundled concepts: concept IRI = this + slug.
pub const CONCEPT_NS: &str = "https://w3id.org/topicgraph/concept/";
/// Namespace of concepts from CSV and text lists, which have no IRIs of their own.
pub const USER_NS: &str = "urn:topicgraph:concept:";
/// Namespace of topicgraph's own vocabulary terms (`tg:acronym`, `tg:core`, `tg:umbrella`).
pub const TG_NS: &str = "https://w3id.org/topicgraph/ontology#";

/// One concept. Indices (`broader`, ...) point into [`Ontology::concepts`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Concept {
    /// The stable slug: the last segment of the IRI (or of the label, for CSV/TXT).
    pub id: String,
    pub iri: String,
    pub pref_label: String,
    pub alt_labels: Vec<String>,
    /// Short forms matched case-sensitively (`tg:acronym`, `skos:notation`, and altLabels
    /// written like acronyms).
    pub acronyms: Vec<String>,
    pub hidden_labels: Vec<String>,
    pub broader: Vec<usize>,
    pub narrower: Vec<usize>,
    pub related: Vec<usize>,
    pub scope_note: Option<String>,
    /// Member of the core collection (`tg:core`).
    pub core: bool,
    /// Member of the umbrella collection (`tg:umbrella`): a root kept for the hierarchy, too
    /// broad to be a paper's subject on its own (`large-language-models`).
    pub umbrella: bool,
}

impl Concept {
    /// Every label with its kind, prefLabel first.
    pub fn labels(&self) -> impl Iterator<Item = (&str, LabelKind)> {
        std::iter::once((self.pref_label.as_str(), LabelKind::Pref))
            .filter(|(l, _)| !l.is_empty())
            .chain(self.alt_labels.iter().map(|l| (l.as_str(), LabelKind::Alt)))
            .chain(self.hidden_labels.iter().map(|l| (l.as_str(), LabelKind::Hidden)))
            .chain(self.acronyms.iter().map(|l| (l.as_str(), LabelKind::Acronym)))
    }
}

/// Which kind of label matched; reported as the evidence `rule`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LabelKind {
    Pref,
    Alt,
    Hidden,
    Acronym,
}

impl LabelKind {
    pub fn rule(self) -> &'static str {
        match self {
            LabelKind::Pref => "prefLabel",
            LabelKind::Alt => "altLabel",
            LabelKind::Hidden => "hiddenLabel",
            LabelKind::Acronym => "acronym",
        }
    }
}

/// Where an ontology comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OntologySpec {
    Bundled,
    File(PathBuf),
}

impl std::str::FromStr for OntologySpec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(if s == "bundled" { OntologySpec::Bundled } else { OntologySpec::File(PathBuf::from(s)) })
    }
}

impl fmt::Display for OntologySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OntologySpec::Bundled => f.write_str("bundled"),
            OntologySpec::File(p) => write!(f, "{}", p.display()),
        }
    }
}

/// The kind of an ontology file, from its extension (Turtle otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OntologyFormat {
    Turtle,
    Csv,
    Text,
}

impl OntologyFormat {
    pub fn from_path(path: &std::path::Path) -> OntologyFormat {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("csv") => OntologyFormat::Csv,
            Some("txt") => OntologyFormat::Text,
            _ => OntologyFormat::Turtle,
        }
    }
}

/// Errors that stop loading an ontology.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OntologyError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: Turtle syntax error: {message}")]
    Syntax { path: String, message: String },
    #[error("{path}: CSV error: {message}")]
    Csv { path: String, message: String },
    #[error("{path}: no concepts found (a Turtle file needs skos:Concept resources with labels; a CSV a header and label rows; a .txt one label per line)")]
    Empty { path: String },
}

/// One loaded source and its version.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceInfo {
    pub name: String,
    /// `owl:versionInfo` when the file has one, else `sha256:` and 12 hex digits of its bytes.
    pub version: String,
    pub concepts: usize,
}

/// A note about loading that is not an error (a slug collision, a duplicate label).
#[derive(Debug, Clone, PartialEq)]
pub struct LoadNote {
    pub source: String,
    pub message: String,
}

/// The loaded concept scheme.
#[derive(Debug, Clone, Default)]
pub struct Ontology {
    pub concepts: Vec<Concept>,
    pub sources: Vec<SourceInfo>,
    pub notes: Vec<LoadNote>,
    by_id: HashMap<String, usize>,
    by_iri: HashMap<String, usize>,
}

impl Ontology {
    /// Load and combine the given sources, in order; an empty list means `bundled`.
    pub fn load(specs: &[OntologySpec]) -> Result<Ontology, OntologyError> {
        let mut o = Ontology::default();
        let bundled = [OntologySpec::Bundled];
        for spec in if specs.is_empty() { &bundled[..] } else { specs } {
            load::load_into(&mut o, spec)?;
        }
        o.finish();
        Ok(o)
    }

    /// The bundled ontology alone.
    pub fn bundled() -> Result<Ontology, OntologyError> {
        Ontology::load(&[OntologySpec::Bundled])
    }

    /// The combined version, written into every link's evidence: `name@version` per source.
    pub fn version(&self) -> String {
        self.sources.iter().map(|s| format!("{}@{}", s.name, s.version)).collect::<Vec<_>>().join("+")
    }

    pub fn get(&self, id: &str) -> Option<&Concept> {
        self.by_id.get(id).map(|&i| &self.concepts[i])
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    pub(crate) fn index_of_iri(&self, iri: &str) -> Option<usize> {
        self.by_iri.get(iri).copied()
    }

    /// Add a concept (or return the existing one with this IRI). Without an IRI (CSV and
    /// text lists), the concept gets `urn:topicgraph:concept:` + its unique id.
    pub(crate) fn intern(&mut self, iri: Option<&str>, slug_hint: &str, source: &str) -> usize {
        if let Some(&i) = iri.and_then(|iri| self.by_iri.get(iri)) {
            return i;
        }
        let mut id = slug_hint.to_string();
        let mut n = 2;
        while self.by_id.contains_key(&id) {
            id = format!("{slug_hint}-{n}");
            n += 1;
        }
        let iri = iri.map(str::to_string).unwrap_or_else(|| format!("{USER_NS}{id}"));
        if id != slug_hint {
            self.notes.push(LoadNote { source: source.to_string(), message: format!("slug {slug_hint:?} is taken by another concept; {iri} gets id {id:?}") });
        }
        let i = self.concepts.len();
        self.concepts.push(Concept { id: id.clone(), iri: iri.clone(), ..Default::default() });
        self.by_id.insert(id, i);
        self.by_iri.insert(iri, i);
        i
    }

    /// Derive `narrower` from `broader`, sort and deduplicate lists.
    fn finish(&mut self) {
        for c in &mut self.concepts {
            c.narrower.clear();
        }
        for i in 0..self.concepts.len() {
            let b = self.concepts[i].broader.clone();
            for p in b {
                self.concepts[p].narrower.push(i);
            }
        }
        for c in &mut self.concepts {
            for v in [&mut c.broader, &mut c.narrower, &mut c.related] {
                v.sort_unstable();
                v.dedup();
            }
            if c.pref_label.is_empty() {
                if let Some(first) = (!c.alt_labels.is_empty()).then(|| c.alt_labels.remove(0)) {
                    c.pref_label = first;
                }
            }
        }
        self.add_defined_forms();
    }

    /// A label that defines its own acronym (`resource description framework (rdf)`,
    /// `qos (quality of service)`: [`label_definition`]) also gives its concept the long
    /// form as an altLabel and the short form as an acronym, matched case-sensitively and
    /// written in capitals when the label is all lowercase (`RDF`). An acronym that labels
    /// define with different long forms (`cbr`: case-based reasoning, constant bit rate) is
    /// left out, with a note; so is one another concept already has, and a lowercase short
    /// form that is an English word (`of`).
    fn add_defined_forms(&mut self) {
        let mut defs: Vec<(usize, String, String)> = Vec::new();
        for (i, c) in self.concepts.iter().enumerate() {
            for (label, kind) in c.labels() {
                if !matches!(kind, LabelKind::Pref | LabelKind::Alt) {
                    continue;
                }
                let Some((long, short)) = label_definition(label) else { continue };
                let lowercase = !short.chars().any(char::is_uppercase);
                if lowercase && STOPWORDS.contains(&short.as_str()) {
                    continue;
                }
                defs.push((i, long, if lowercase { short.to_uppercase() } else { short }));
            }
        }
        let mut expansions: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        for (i, long, short) in &defs {
            expansions.entry(acronym_key(short)).or_default().entry(label_key(long)).or_insert(*i);
        }
        let sources = self.sources.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join("+");
        for (key, longs) in &expansions {
            if longs.len() > 1 {
                let ids: Vec<&str> = longs.values().map(|&i| self.concepts[i].id.as_str()).collect();
                self.notes.push(LoadNote { source: sources.clone(), message: format!("acronym {key} stands for {} different long forms ({}): the long forms are matched, the acronym is not", longs.len(), ids.join(", ")) });
            }
        }
        // An acronym another concept already carries stays that concept's.
        let taken: HashMap<String, usize> = self.concepts.iter().enumerate().flat_map(|(i, c)| c.acronyms.iter().map(move |a| (acronym_key(a), i))).collect();
        for (i, long, short) in defs {
            let c = &mut self.concepts[i];
            let long_key = label_key(&long);
            if !c.labels().any(|(l, _)| label_key(l) == long_key) {
                c.alt_labels.push(long);
            }
            let key = acronym_key(&short);
            if expansions[&key].len() == 1 && taken.get(&key).is_none_or(|&j| j == i) && !c.acronyms.contains(&short) {
                c.acronyms.push(short);
            }
        }
    }

    /// The nearest core ancestors of a concept (itself if core), by breadth-first search up
    /// `broader`; several when paths of equal length reach different core concepts.
    pub fn nearest_core(&self, i: usize) -> Vec<usize> {
        let mut frontier = vec![i];
        let mut seen = vec![false; self.concepts.len()];
        seen[i] = true;
        while !frontier.is_empty() {
            let mut found: Vec<usize> = frontier.iter().copied().filter(|&c| self.concepts[c].core).collect();
            if !found.is_empty() {
                found.sort_unstable();
                return found;
            }
            let mut next = Vec::new();
            for c in frontier {
                for &p in &self.concepts[c].broader {
                    if !seen[p] {
                        seen[p] = true;
                        next.push(p);
                    }
                }
            }
            frontier = next;
        }
        Vec::new()
    }

    /// All ancestors along `broader`, nearest first, without repeats.
    pub fn ancestors(&self, i: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut seen = vec![false; self.concepts.len()];
        let mut frontier = self.concepts[i].broader.clone();
        while !frontier.is_empty() {
            let mut next = Vec::new();
            for c in frontier {
                if !seen[c] {
                    seen[c] = true;
                    out.push(c);
                    next.extend(self.concepts[c].broader.iter().copied());
                }
            }
            frontier = next;
        }
        out
    }

    /// Counts for `topicgraph ontology stats`.
    pub fn stats(&self) -> OntologyStats {
        let c = &self.concepts;
        let depth = |i: usize| {
            let mut d = 0;
            let mut frontier = vec![i];
            let mut guard = 0;
            while frontier.iter().any(|&x| !c[x].broader.is_empty()) && guard < 64 {
                frontier = frontier.iter().flat_map(|&x| c[x].broader.clone()).collect();
                d += 1;
                guard += 1;
            }
            d
        };
        OntologyStats {
            concepts: c.len(),
            core: c.iter().filter(|x| x.core).count(),
            umbrella: c.iter().filter(|x| x.umbrella).count(),
            top: c.iter().filter(|x| x.broader.is_empty()).count(),
            pref_labels: c.iter().filter(|x| !x.pref_label.is_empty()).count(),
            alt_labels: c.iter().map(|x| x.alt_labels.len()).sum(),
            acronyms: c.iter().map(|x| x.acronyms.len()).sum(),
            hidden_labels: c.iter().map(|x| x.hidden_labels.len()).sum(),
            broader_links: c.iter().map(|x| x.broader.len()).sum(),
            related_links: c.iter().map(|x| x.related.len()).sum::<usize>() / 2,
            with_scope_note: c.iter().filter(|x| x.scope_note.is_some()).count(),
            max_depth: (0..c.len()).map(depth).max().unwrap_or(0),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OntologyStats {
    pub concepts: usize,
    pub core: usize,
    pub umbrella: usize,
    pub top: usize,
    pub pref_labels: usize,
    pub alt_labels: usize,
    pub acronyms: usize,
    pub hidden_labels: usize,
    pub broader_links: usize,
    pub related_links: usize,
    pub with_scope_note: usize,
    pub max_depth: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_loads_with_core_concepts() {
        let o = Ontology::bundled().unwrap();
        assert!(o.concepts.len() >= 300, "{}", o.concepts.len());
        let kv = o.get("kv-cache").unwrap();
        assert_eq!(kv.pref_label, "KV cache");
        assert!(kv.core && !kv.umbrella);
        let umbrellas: Vec<&str> = o.concepts.iter().filter(|c| c.umbrella).map(|c| c.id.as_str()).collect();
        assert_eq!(umbrellas, crate::eval::ROOTS, "the bundled umbrella concepts are the annotation guideline's roots");
        assert_eq!(o.concepts[kv.broader[0]].id, "efficient-inference");
        assert!(o.version().starts_with("bundled@1."));
        let paged = o.index_of("kv-cache-compression").unwrap();
        assert_eq!(o.nearest_core(paged), vec![o.index_of("kv-cache").unwrap()]);
        assert_eq!((o.stats().core, o.stats().umbrella), (45, 3));
    }
}
