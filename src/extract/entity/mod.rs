//! Named entities: the models, datasets and benchmarks, methods, software and metrics a
//! paper names, each with a normalised key (so the same artifact in many papers is one
//! node), a type, a score, every mention and the evidence that made it an entity.
//!
//! Entry point: [`EntityExtractor::new`] (once: the gazetteer automaton, the lexicon and the
//! ontology's topic labels), then [`EntityExtractor::extract`] per paper, a pure function of
//! the paper's [`Document`] (the same tokenised fields concept linking uses).
//!
//! No trained model: names are proposed by
//! - the gazetteer of well-known artifacts ([`gazetteer`]), with version and size suffixes
//!   (`Llama-3.1` + `-8B` is `llama-3.1-8b`, family `llama-3.1`);
//! - the paper's own naming ("we present SOLO", "X: A ..." titles, "dubbed X", "called X",
//!   "Mixture of Shards (MoS)");
//! - typing cues in context ("X benchmark", "the dataset X", "X, a serving system",
//!   "benchmarks such as X, Y and Z", "evaluate ... on X and Y", "X score", "pass@k");
//! - name shapes (CamelCase, letters with digits, capitals), never generic words of the field
//!   or the ontology's topics (`LLM`, `MoE`, `RAG`);
//! - repository links (GitHub, Hugging Face).
//!
//! Evidence is weighed into a score (noisy-or over the rules that fired), and the type is
//! the one the strongest cues vote for: the paper's own wording first ("a system named X"),
//! then the gazetteer, then weaker cues and the name's shape.

pub mod gazetteer;
pub mod key;
pub mod lexicon;
pub mod urls;

use crate::link::document::{Document, Field, FieldText};
use crate::model::Paper;
use crate::ontology::Ontology;
use crate::text::label_key;
use gazetteer::{Entry, Gazetteer};
use key::{compact, entity_key, is_size, size_family};
use lexicon::{is_hardware, Lexicon};
use serde::{Deserialize, Serialize};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// The five entity types of the annotation guideline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityType {
    Model,
    Dataset,
    Method,
    Software,
    Metric,
}

impl EntityType {
    pub const ALL: [EntityType; 5] = [EntityType::Model, EntityType::Dataset, EntityType::Method, EntityType::Software, EntityType::Metric];

    pub fn name(self) -> &'static str {
        match self {
            EntityType::Model => "model",
            EntityType::Dataset => "dataset",
            EntityType::Method => "method",
            EntityType::Software => "software",
            EntityType::Metric => "metric",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl FromStr for EntityType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        EntityType::ALL.into_iter().find(|t| t.name() == s).ok_or_else(|| format!("unknown entity type {s:?}; expected model, dataset, method, software or metric"))
    }
}

impl fmt::Display for EntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which rule proposed a name or gave it a type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntityRule {
    /// A gazetteer entry (or one with a version or size suffix).
    Gazetteer,
    /// What the paper introduces: "we present X", "we propose a benchmark, X".
    Introduced,
    /// "a system named X", "called X", "dubbed X", "we call ... X".
    Named,
    /// "X, a serving system ...": the head noun after the name.
    Apposition,
    /// "the X benchmark", "the dataset X", "X score".
    TypeHead,
    /// "benchmarks such as X, Y and Z", "(e.g., X)".
    List,
    /// "evaluate ... on X and Y".
    EvaluatedOn,
    /// "Mixture of Shards (MoS)": a defined short form and its long form.
    Definition,
    /// "X: A ..." titles.
    Title,
    /// A name's shape alone (CamelCase, letters with digits, capitals).
    Shape,
    /// Metric patterns: `pass@k`, `eff@k`.
    Pattern,
    /// A name used several times.
    Repeated,
    /// A GitHub or Hugging Face repository.
    Url,
}

impl EntityRule {
    pub fn name(self) -> &'static str {
        match self {
            EntityRule::Gazetteer => "gazetteer",
            EntityRule::Introduced => "introduced",
            EntityRule::Named => "named",
            EntityRule::Apposition => "apposition",
            EntityRule::TypeHead => "type-head",
            EntityRule::List => "list",
            EntityRule::EvaluatedOn => "evaluated-on",
            EntityRule::Definition => "definition",
            EntityRule::Title => "title",
            EntityRule::Shape => "shape",
            EntityRule::Pattern => "pattern",
            EntityRule::Repeated => "repeated",
            EntityRule::Url => "url",
        }
    }
}

/// Where an entity is named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityMention {
    pub field: Field,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Why a name is an entity or has its type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityEvidence {
    pub rule: EntityRule,
    pub field: Field,
    /// Span of the name the rule saw.
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// The word that triggered the rule ("benchmark", "such as", "we present").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cue: Option<String>,
    /// The type the rule voted for.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<EntityType>,
    pub weight: f64,
}

/// One distinct entity of a paper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// The fullest form the paper writes.
    pub text: String,
    /// The normalised key: the node shared by every paper naming this artifact.
    pub key: String,
    /// The gazetteer's name of a known artifact (`GPT-4o` however the paper writes it): the
    /// label of the shared node.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: EntityType,
    pub score: f64,
    /// The family of a variant (`llama-3.1` for `llama-3.1-8b`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    /// The ontology concept this artifact is (`humaneval`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub concept: Option<String>,
    /// Repositories of the artifact linked in the text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<String>,
    pub mentions: Vec<EntityMention>,
    pub evidence: Vec<EntityEvidence>,
}

/// Extraction settings. `Default` is what `topicgraph tag` uses.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityConfig {
    /// An entity is kept when its score reaches this.
    pub min_score: f64,
}

impl Default for EntityConfig {
    fn default() -> Self {
        EntityConfig { min_score: 0.5 }
    }
}

/// The extractor: built once, used for every paper.
pub struct EntityExtractor {
    gaz: Gazetteer,
    lex: Lexicon,
    /// Matching keys of ontology labels that name topics, not artifacts ("LLM", "MoE").
    topics: HashSet<String>,
    /// Matching key of any ontology label -> concept id.
    concepts: HashMap<String, String>,
    config: EntityConfig,
}

/// A proposed name or type, before proposals of one key are weighed together.
#[derive(Debug, Clone)]
struct Proposal {
    field: Field,
    start: usize,
    end: usize,
    text: String,
    key: String,
    family: Option<String>,
    entry: Option<usize>,
    rule: EntityRule,
    weight: f64,
    kind: Option<(EntityType, f64)>,
    cue: Option<String>,
    url: Option<String>,
    /// For an alias in parentheses: the key of the name it stands for.
    alias_of: Option<String>,
}

/// An atom of a field (a token such as `GPT-4o` or `Llama-3.1-8B`) with its place.
#[derive(Debug, Clone)]
struct Atom<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    sentence: usize,
    /// The stem of an atom that is one word (most are), from the field's words.
    stem: Option<&'a str>,
}

/// A field seen as atoms, with URL runs left out.
struct View<'a> {
    f: &'a FieldText,
    atoms: Vec<Atom<'a>>,
    urls: Vec<(usize, usize)>,
    /// `gaps[i]`: the text between atom `i - 1` and atom `i`; the last is the text after
    /// the last atom.
    gaps: Vec<&'a str>,
    /// The head-noun type of each atom, looked up when first asked (`None`: not yet).
    heads: Vec<Cell<Option<Option<EntityType>>>>,
}

impl<'a> View<'a> {
    fn new(f: &'a FieldText) -> View<'a> {
        let urls = urls::url_spans(&f.chars);
        let mut atoms: Vec<Atom> = Vec::with_capacity(f.words.len());
        let mut last_atom = usize::MAX;
        for (k, w) in f.words.iter().enumerate() {
            if urls.iter().any(|&(s, e)| w.start < e && w.end > s) {
                last_atom = usize::MAX;
                continue;
            }
            if w.atom == last_atom {
                let a = atoms.last_mut().expect("atom started");
                a.end = w.end;
                a.stem = None;
            } else {
                atoms.push(Atom { start: w.start, end: w.end, text: "", sentence: f.sentence[k], stem: Some(w.stem.as_str()) });
                last_atom = w.atom;
            }
        }
        for a in &mut atoms {
            a.text = f.str(a.start, a.end);
        }
        // "EfficientNet-based", "MPI-related", "GPT-style": the name is the part before the
        // modifier, which becomes an atom of its own.
        let mut split = Vec::with_capacity(atoms.len());
        for a in atoms {
            match a.text.bytes().rposition(|b| b == b'-').map(|p| (&a.text[..p], &a.text[p + 1..])).filter(|(head, tail)| MODIFIERS.contains(tail) && head.chars().any(|c| c.is_uppercase() || c.is_ascii_digit())) {
                Some((head, tail)) => {
                    let hl = head.chars().count();
                    split.push(Atom { start: a.start, end: a.start + hl, text: head, sentence: a.sentence, stem: None });
                    split.push(Atom { start: a.start + hl + 1, end: a.end, text: tail, sentence: a.sentence, stem: None });
                }
                None => split.push(a),
            }
        }
        // The text between atoms, computed once: the cues read it many times.
        let mut gaps = Vec::with_capacity(split.len() + 1);
        let mut prev_end = 0;
        for a in &split {
            gaps.push(f.str(prev_end, a.start.max(prev_end)));
            prev_end = a.end;
        }
        gaps.push(f.str(prev_end, f.chars.len().max(prev_end)));
        let heads = vec![Cell::new(None); split.len()];
        View { f, atoms: split, urls, gaps, heads }
    }

    /// The characters between atom `i - 1` and atom `i` (after the last atom for `i` past
    /// the end).
    fn gap(&self, i: usize) -> &str {
        self.gaps.get(i).or(self.gaps.last()).copied().unwrap_or("")
    }

    fn text(&self, i: usize) -> &str {
        self.atoms.get(i).map_or("", |a| a.text)
    }

    fn same_sentence(&self, i: usize, j: usize) -> bool {
        j < self.atoms.len() && i < self.atoms.len() && self.atoms[i].sentence == self.atoms[j].sentence
    }

    fn span(&self, a: usize, b: usize) -> (usize, usize, String) {
        let (s, e) = (self.atoms[a].start, self.atoms[b].end);
        (s, e, self.f.slice(s, e))
    }
}

/// How a word is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Capitals inside a word, or more than one capital with lower case (`MultiCodeBench`, `vLLM`, `LLMTune`).
    Camel,
    /// Letters and digits in one word (`Recipe1M`, `YouCook2`, `GSM8K`).
    AlnumMix,
    /// Capitals only (`SURGE`, `STABLE-RPS`).
    Caps,
    /// Hyphenated capitalised parts (`Cache-Craft`, `Read-ME`).
    CapHyphen,
    /// One capital first (`Explorer`).
    Capitalized,
    Lower,
    Number,
}

fn shape(text: &str) -> Shape {
    if text.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return Shape::Number;
    }
    // Most words: ASCII without capitals or digits.
    if text.is_ascii() && !text.bytes().any(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
        return if text.bytes().any(|b| b.is_ascii_lowercase()) { Shape::Lower } else { Shape::Number };
    }
    let (mut letters, mut upper, mut first_letter) = (0usize, 0usize, None);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        upper += usize::from(c.is_uppercase());
        first_letter.get_or_insert(c);
    }
    let Some(first_letter) = first_letter else {
        return Shape::Number;
    };
    let parts = || text.split(['-', '_']).filter(|p| !p.is_empty());
    let mixed_word = parts().any(|p| p.chars().any(char::is_alphabetic) && p.chars().any(|c| c.is_ascii_digit()));
    let camel_word = parts().any(|p| {
        // A capital after a digit is a unit or suffix ("Recipe1M"), not camel case.
        let (mut up, mut low, mut lower_then_upper, mut prev, mut first) = (0usize, 0usize, false, None::<char>, None::<char>);
        for c in p.chars() {
            first.get_or_insert(c);
            if c.is_uppercase() && !prev.is_some_and(|q| q.is_ascii_digit()) {
                up += 1;
            }
            low += usize::from(c.is_lowercase());
            lower_then_upper |= prev.is_some_and(char::is_lowercase) && c.is_uppercase();
            prev = Some(c);
        }
        let inner = (up >= 2 && low >= 1) || lower_then_upper;
        // "vLLM", "eBPF" yes; "mOdeling", "COmunication" no.
        inner && (first.is_some_and(char::is_uppercase) || up >= 2) && !acronym_spelled_word(p)
    });
    if camel_word {
        Shape::Camel
    } else if mixed_word {
        Shape::AlnumMix
    } else if upper == letters && letters >= 2 {
        Shape::Caps
    } else if parts().nth(1).is_some() && parts().filter(|p| p.chars().next().is_some_and(char::is_uppercase)).count() >= 2 {
        Shape::CapHyphen
    } else if first_letter.is_uppercase() && text.starts_with(first_letter) {
        Shape::Capitalized
    } else {
        Shape::Lower
    }
}

/// A name that is a gazetteer match: the match's proposal under another rule.
fn gazetteer_name(g: &Proposal, rule: EntityRule, weight: f64) -> Proposal {
    Proposal { rule, weight, kind: None, cue: None, url: None, alias_of: None, ..g.clone() }
}

/// A proposal for a name not in the gazetteer, under its own key.
fn own_name(field: Field, start: usize, end: usize, text: String, key: String, rule: EntityRule, weight: f64) -> Proposal {
    let family = size_family(&key);
    Proposal { field, start, end, text, key, family, entry: None, rule, weight, kind: None, cue: None, url: None, alias_of: None }
}

/// Function words that may sit inside a title-case name ("Art of Problem Solving").
const INNER: &[&str] = &["of", "for", "in", "on", "with", "to", "via", "the", "a", "an", "from", "and"];

/// Prepositions that front an adverbial phrase ("On X, our method ...", "Unlike X, the ...").
const FRONTING: &[&str] = &["on", "in", "for", "with", "across", "from", "over", "under", "at", "by", "using", "via", "against", "beyond", "unlike", "like", "after", "before", "besides", "compared", "than", "to", "through", "within", "without"];

/// Function words a name chunk may bridge ("Mixture of Shards", "Router for Mixture-of-Experts").
const BRIDGE: &[&str] = &["of", "for", "the", "a", "an"];

/// Modifiers hyphenated to a name that are not part of it ("EfficientNet-based").
const MODIFIERS: &[&str] = &[
    "based", "related", "like", "style", "aware", "free", "level", "specific", "driven", "oriented", "guided", "powered", "enabled", "augmented", "generated", "only",
    "scale", "sized", "wise", "centric", "friendly", "compatible", "inspired", "initialized", "tuned", "trained", "finetuned", "pretrained", "distilled", "derived",
    "produced", "supervised", "type", "family", "series", "format", "compliant", "specific", "focused", "native", "backed", "hosted", "served", "labeled", "annotated",
];

/// A plain capitalised word or capitalised words joined by hyphens (`Explorer`,
/// `Navier-Stokes`): a name only with a strong cue.
fn plain_capitalized(t: &str) -> bool {
    matches!(shape(t), Shape::Capitalized) || (shape(t) == Shape::CapHyphen && t.split('-').all(|p| p.is_empty() || matches!(shape(p), Shape::Capitalized | Shape::Lower)))
}

/// Task and field names written in title case ("Semantic Scene Completion", "Table Structure
/// Recognition"): research tasks are not one of the entity types.
fn is_task_phrase(text: &str) -> bool {
    const TASK: &[&str] = &[
        "recognition", "detection", "segmentation", "estimation", "completion", "discovery", "analysis", "classification", "prediction", "tracking", "localization",
        "localisation", "understanding", "re-identification", "reidentification", "odometry", "captioning", "answering", "translation", "summarization", "retrieval",
        "reconstruction", "registration", "forecasting", "imaging", "tomography", "image", "images", "learning", "processing", "vision", "intelligence", "mining",
        "parsing", "grounding", "navigation", "planning", "control", "manipulation", "synthesis", "editing", "inpainting", "restoration", "enhancement", "compression",
    ];
    let last = text.rsplit([' ', '-']).next().unwrap_or("").to_lowercase();
    text.contains(' ') && TASK.contains(&last.as_str()) && text.split(' ').all(|w| !matches!(shape(w), Shape::Camel | Shape::AlnumMix | Shape::Caps))
}

/// Ordinary words capitalised inside to spell an acronym ("COmunication", "QuaLity").
fn acronym_spelled_word(t: &str) -> bool {
    let lower = t.to_lowercase();
    let upper = t.chars().filter(|c| c.is_uppercase()).count();
    t.chars().all(char::is_alphabetic) && lower.len() >= 6 && upper <= 3 && ["tion", "ing", "ity", "ness", "ment", "ance", "ence", "ism", "ous", "ive", "able", "ible", "ency", "ual", "ation", "ator"].iter().any(|x| lower.ends_with(x))
        && t.chars().skip(1).any(char::is_lowercase)
}

/// Words that end a scan for the name a cue introduces.
const SCAN_STOP: &[&str] = &[
    "that", "which", "to", "for", "by", "with", "from", "where", "whose", "when", "while", "using", "based", "because", "if", "than", "and", "or", "but", "who",
    // "a paradigm built on Qwen2.5-VL-7B": what it rests on is not what is introduced.
    "on", "upon", "atop", "via", "built",
];

/// The key a name is looked up by among the ontology's topics: its label key, except that an
/// acronym's final capital S is one of its letters, not a plural ("SMoES" is not "SMoE"s).
fn topic_key(text: &str) -> String {
    let caps = text.chars().filter(|c| c.is_uppercase()).count();
    if text.ends_with('S') && caps >= 2 && !text.contains(' ') {
        text.to_lowercase()
    } else {
        label_key(text)
    }
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn is_lower_word(t: &str) -> bool {
    t.chars().next().is_some_and(char::is_lowercase)
}

fn is_capitalized(t: &str) -> bool {
    t.chars().next().is_some_and(char::is_uppercase)
}

/// A number next to which a metric is reported (`83.8`, `22%`, `0.9`).
fn is_number(t: &str) -> bool {
    !t.ends_with(['x', 'X', '×']) && t.chars().next().is_some_and(|c| c.is_ascii_digit()) && t.chars().filter(|c| c.is_ascii_digit()).count() * 2 >= t.chars().filter(|c| c.is_alphanumeric()).count()
}

impl EntityExtractor {
    /// The bundled gazetteer, the benchmarks of `ontology` as further dataset entries, and
    /// the ontology's other labels as topics that are never names on their own.
    pub fn new(ontology: &Ontology, config: EntityConfig) -> EntityExtractor {
        let mut entries = Gazetteer::parse(gazetteer::BUNDLED).expect("the bundled gazetteer parses");
        let mut concepts: HashMap<String, String> = HashMap::default();
        for c in &ontology.concepts {
            for (l, _) in c.labels() {
                let k = label_key(l);
                if !k.is_empty() {
                    concepts.entry(k).or_insert_with(|| c.id.clone());
                }
            }
        }
        // Benchmarks of the ontology: concepts below a concept whose id names benchmarks.
        let is_benchmark = |i: usize| ontology.ancestors(i).iter().any(|&a| ontology.concepts[a].id.contains("benchmark")) && !ontology.concepts[i].id.ends_with("benchmarks");
        let mut artifact = vec![false; ontology.concepts.len()];
        let known: HashSet<String> = entries.iter().flat_map(|e| e.forms.iter().map(|f| compact(f))).collect();
        for (i, c) in ontology.concepts.iter().enumerate() {
            if !is_benchmark(i) {
                continue;
            }
            artifact[i] = true;
            let strip = |l: &str| -> String { l.strip_suffix(" benchmark").or_else(|| l.strip_suffix(" Benchmark")).unwrap_or(l).to_string() };
            let forms: Vec<String> = c.labels().map(|(l, _)| strip(l)).filter(|f| !compact(f).is_empty() && !known.contains(&compact(f))).collect();
            let Some(name) = forms.first().cloned() else { continue };
            let case_sensitive = crate::text::looks_like_acronym(&name) || !name.contains(' ');
            entries.push(Entry { key: entity_key(&name), name, kind: EntityType::Dataset, family: None, case_sensitive, needs_number: false, forms, concept: Some(c.id.clone()) });
        }
        for e in &mut entries {
            if e.concept.is_none() {
                e.concept = e.forms.iter().find_map(|f| concepts.get(&label_key(f)).cloned());
            }
        }
        let gaz_keys: HashSet<String> = entries.iter().flat_map(|e| e.forms.iter().map(|f| label_key(f))).collect();
        let mut topics = HashSet::default();
        for (i, c) in ontology.concepts.iter().enumerate() {
            if artifact[i] {
                continue;
            }
            for (l, _) in c.labels() {
                let k = label_key(l);
                if !k.is_empty() && !gaz_keys.contains(&k) {
                    topics.insert(k);
                }
            }
        }
        EntityExtractor { gaz: Gazetteer::new(entries), lex: Lexicon::default(), topics, concepts, config }
    }

    pub fn config(&self) -> &EntityConfig {
        &self.config
    }

    /// The entities of one paper.
    pub fn extract_paper(&self, p: &Paper) -> Vec<Entity> {
        self.extract(&Document::new(p))
    }

    /// The entities of a prepared document, in order of first mention.
    pub fn extract(&self, doc: &Document) -> Vec<Entity> {
        let views: Vec<View> = doc.fields.iter().map(View::new).collect();
        let mut props: Vec<Proposal> = Vec::new();
        for v in &views {
            self.gazetteer_matches(v, &mut props);
        }
        let gaz_spans: HashMap<(Field, usize, usize), usize> = props.iter().enumerate().map(|(i, p)| ((p.field, p.start, p.end), i)).collect();
        let (generic, mut links) = self.definitions(doc, &views, &gaz_spans, &mut props);
        for v in &views {
            self.cues(v, &views, &gaz_spans, &generic, &mut props, &mut links);
        }
        for v in &views {
            self.repo_links(v, &mut props);
        }
        self.resolve(doc, &views, props, &generic, &links)
    }

    /// A proposal for the name at `start..end` of a field: a gazetteer entry's key when the
    /// span is one, else the name's own key.
    fn name(&self, v: &View, start: usize, end: usize, gaz: &HashMap<(Field, usize, usize), usize>, props: &[Proposal], rule: EntityRule, weight: f64) -> Proposal {
        if let Some(&i) = gaz.get(&(v.f.field, start, end)) {
            return gazetteer_name(&props[i], rule, weight);
        }
        let text = v.f.slice(start, end);
        let key = entity_key(&text);
        own_name(v.f.field, start, end, text, key, rule, weight)
    }


    /// Whether a proposed name (not from the gazetteer) may be an entity.
    fn acceptable(&self, text: &str, generic: &HashSet<String>) -> bool {
        self.acceptable_as(text, generic, false)
    }

    /// `strong`: the paper itself names it ("we introduce Distilling step-by-step"), so a
    /// written name that is also a label of an ontology topic is still the paper's artifact.
    fn acceptable_as(&self, text: &str, generic: &HashSet<String>, strong: bool) -> bool {
        self.acceptable_key(text, &entity_key(text), generic, strong)
    }

    /// [`EntityExtractor::acceptable_as`] with the name's key already made.
    fn acceptable_key(&self, text: &str, key: &str, generic: &HashSet<String>, strong: bool) -> bool {
        let lower = text.to_lowercase();
        if key.chars().filter(|c| c.is_alphanumeric()).count() < 2 || self.lex.is_generic(&lower) || self.lex.is_generic(key) || generic.contains(key) {
            return false;
        }
        if text.chars().next().is_some_and(|c| c.is_ascii_digit()) || is_hardware(text) || lexicon::is_venue(text) {
            return false;
        }
        // Plural acronyms name classes ("LLMs", "TSFMs").
        let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
        if text.ends_with('s') && letters.len() >= 3 && !text.contains(' ') {
            let base = &letters[..letters.len() - 1];
            let up = base.iter().filter(|c| c.is_uppercase()).count();
            if up >= 2 && up >= base.len() - up {
                return false;
            }
        }
        let written_as_name = text.contains(' ') && text.chars().any(char::is_uppercase) || matches!(shape(text), Shape::Camel | Shape::AlnumMix);
        if self.gaz.lookup(text).is_none() && self.topics.contains(&topic_key(text)) && !(strong && written_as_name) {
            return false;
        }
        // Several words ending in a modifier ("Physics-Informed", "Pareto Envelope Augmented"):
        // the name, if any, goes on after it.
        let words: Vec<&str> = text.split([' ', '-']).filter(|w| !w.is_empty()).collect();
        if words.len() >= 2 && words.last().is_some_and(|w| modifier_word(w)) {
            return false;
        }
        // Every word a sentence starter or function word: not a name.
        !words.iter().all(|w| self.lex.is_cap_stop(w) || self.lex.is_generic(&w.to_lowercase()))
    }

    /// A word that can start a name.
    fn namelike(&self, t: &str) -> bool {
        !matches!(shape(t), Shape::Lower | Shape::Number) && !self.lex.is_cap_stop(t) && !self.lex.is_generic(&t.to_lowercase())
    }

    /// Gazetteer names in a field, with version and size suffixes.
    fn gazetteer_matches(&self, v: &View, out: &mut Vec<Proposal>) {
        let f = v.f;
        if f.words.is_empty() {
            return;
        }
        // The separator-free text, one word after another; a separator byte where words do
        // not join (punctuation, URLs).
        let mut hay = String::with_capacity(f.text.len());
        let mut word_at: Vec<(usize, usize)> = Vec::with_capacity(f.words.len());
        let in_url = |s: usize, e: usize| v.urls.iter().any(|&(a, b)| s < b && e > a);
        for (k, w) in f.words.iter().enumerate() {
            if in_url(w.start, w.end) {
                hay.push('\u{1}');
                word_at.push((hay.len(), hay.len()));
                continue;
            }
            let s = hay.len();
            if w.text.is_ascii() {
                hay.extend(w.text.bytes().filter(|b| b.is_ascii_alphanumeric() || *b == b'+').map(|b| b.to_ascii_lowercase() as char));
            } else {
                for c in w.text.chars() {
                    if c.is_alphanumeric() || c == '+' {
                        hay.extend(c.to_lowercase());
                    }
                }
            }
            word_at.push((s, hay.len()));
            let joins = f.words.get(k + 1).is_some_and(|n| {
                let gap = &f.chars[w.end..n.start];
                (gap.len() <= 1 || gap == ['-', '-']) && gap.iter().all(|&c| matches!(c, ' ' | '-' | '_' | '@' | '.')) && f.sentence[k] == f.sentence[k + 1]
            });
            if !joins {
                hay.push('\u{1}');
            }
        }
        let ends: HashMap<usize, usize> = word_at.iter().enumerate().filter(|(_, (s, e))| e > s).map(|(k, (_, e))| (*e, k)).collect();
        // Longest valid match per start word.
        let mut best: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
        let hb = hay.as_bytes();
        let mut found: Vec<(usize, usize, usize, &[usize])> = Vec::new();
        for (w0, &(s, e)) in word_at.iter().enumerate() {
            // A match starts at a word's first byte (words in URLs have none).
            if e > s {
                self.gaz.find_at(hb, s, |end, entry, breaks| found.push((w0, end, entry, breaks)));
            }
        }
        for (w0, e, entry, breaks) in found {
            let s = word_at[w0].0;
            let Some(&w1) = ends.get(&e) else { continue };
            // Every word break inside the match is one of the form's, or falls between a
            // letter and a digit ("Llama 2" for "LLaMA2").
            let consistent = (w0..w1).all(|k| {
                let at = word_at[k].1;
                breaks.contains(&(at - s)) || (at > 0 && at < hb.len() && hb[at - 1].is_ascii_digit() != hb[at].is_ascii_digit())
            });
            if !consistent {
                continue;
            }
            // Not in the middle of an atom ("SEED-LLaMA" is not "LLaMA").
            if w0 > 0 && f.words[w0 - 1].atom == f.words[w0].atom {
                continue;
            }
            if !self.case_ok(&self.gaz.entries[entry], &f.slice(f.words[w0].start, f.words[w1].end)) {
                continue;
            }
            let b = best.entry(w0).or_insert((w1, entry));
            if w1 > b.0 {
                *b = (w1, entry);
            }
        }
        let mut next_free = 0;
        for (&w0, &(w1, entry)) in &best {
            if w0 < next_free {
                continue;
            }
            let e = &self.gaz.entries[entry];
            if e.needs_number && !self.number_near(f, w0, w1) {
                continue;
            }
            // Suffixes joined to the name in the same atom: versions, sizes, variants
            // ("-8B", "-Instruct", "-Live"); not "-based", "-style".
            let mut last = w1;
            while last + 1 < f.words.len() && f.words[last + 1].atom == f.words[w1].atom && suffix_word(&f.words[last + 1].text) {
                last += 1;
            }
            // Versions, sizes and variants written apart, as model releases are named:
            // "Mixtral 8x7B", "PaLM 540B", "Gemini 3.6 Flash", "Claude Opus 5", "Llama 4 Scout".
            // Each a whole atom one space after the last, in the same sentence; a variant word
            // only with a version or size after it or already in the name.
            if e.kind == EntityType::Model {
                let mut numbered = last > w1 || f.words[w0..=w1].iter().any(|w| w.text.chars().any(|c| c.is_ascii_digit()));
                let mut k = last;
                while k + 1 < f.words.len() && f.words[k + 1].atom != f.words[k].atom && f.sentence[k + 1] == f.sentence[k] {
                    let (n, gap) = (&f.words[k + 1], &f.chars[f.words[k].end..f.words[k + 1].start]);
                    let whole = f.words.get(k + 2).is_none_or(|x| x.atom != n.atom);
                    let number = is_size(&n.text) || release_number(&n.text);
                    if gap != [' '] || !whole || !(number || release_variant(&n.text)) {
                        break;
                    }
                    k += 1;
                    numbered |= number;
                    if numbered {
                        last = k;
                    }
                }
            }
            next_free = last + 1;
            let (start, end) = (f.words[w0].start, f.words[last].end);
            let text = f.slice(start, end);
            let (key, family, weight, kind_w) = if last == w1 {
                (e.key.clone(), e.family.clone(), 0.85, 0.8)
            } else {
                let ext = f.slice(f.words[w1].end, end);
                let ext_key = entity_key(&ext);
                (format!("{}-{}", e.key, ext_key), Some(e.key.clone()), 0.8, 0.5)
            };
            out.push(Proposal { field: f.field, start, end, text, key, family, entry: Some(entry), rule: EntityRule::Gazetteer, weight, kind: Some((e.kind, kind_w)), cue: None, url: None, alias_of: None });
        }
    }

    fn case_ok(&self, e: &Entry, surface: &str) -> bool {
        if e.case_sensitive {
            let strip = |s: &str| -> String { s.chars().filter(|c| c.is_alphanumeric() || *c == '+').collect() };
            let s = strip(surface);
            // Plural of a listed form ("ResNets") counts.
            return e.forms.iter().any(|f| strip(f) == s || format!("{}s", strip(f)) == s);
        }
        let canonical_cased = e.name.chars().any(char::is_uppercase);
        if !surface.contains(' ') && canonical_cased {
            return surface.chars().any(|c| c.is_uppercase() || c.is_ascii_digit());
        }
        true
    }

    /// A number within six words in the same sentence (`83.8 percent accuracy`).
    fn number_near(&self, f: &FieldText, w0: usize, w1: usize) -> bool {
        let lo = w0.saturating_sub(6);
        let hi = (w1 + 6).min(f.words.len() - 1);
        (lo..=hi).filter(|&k| k < w0 || k > w1).any(|k| f.sentence[k] == f.sentence[w0] && is_number(&f.words[k].text))
    }

    /// Acronym definitions: named long and short forms, and the generic ones, which are then
    /// never names in this paper. Returns the generic keys and the (long, short) key pairs.
    fn definitions(&self, doc: &Document, views: &[View], gaz: &HashMap<(Field, usize, usize), usize>, props: &mut Vec<Proposal>) -> (HashSet<String>, Vec<(String, String)>) {
        let mut generic = HashSet::default();
        let mut links = Vec::new();
        for d in &doc.definitions {
            let Some(v) = views.iter().find(|v| v.f.field == d.field) else { continue };
            let short_gaz = self.gaz.lookup(&d.short).is_some();
            let long_gaz = self.gaz.lookup(&d.long).is_some();
            let long_words: Vec<&str> = d.long.split([' ', '-']).filter(|w| !w.is_empty()).collect();
            // The head noun: the last word before a preposition ("tuning at scale for LLMs").
            let last = long_words.iter().take_while(|w| !ends_head(w)).last().copied().unwrap_or("");
            let plural_long = last.len() > 3 && last.ends_with('s') && !last.ends_with("ss") && !last.ends_with("us") && !last.ends_with("is") && crate::text::stem(last) != last.to_lowercase();
            let plural_short = d.short.ends_with('s') && d.short.chars().filter(|c| c.is_uppercase()).count() >= 2;
            let first_atom = v.atoms.iter().position(|a| a.start == d.long_start);
            // A plural long form is a class of things ("graph neural networks (GNN)"), unless
            // it is written as a name ("Lookahead Tree-Based Rollouts (LATR)").
            let content: Vec<&&str> = long_words.iter().filter(|w| !INNER.contains(&w.to_lowercase().as_str())).collect();
            let title_case = !content.is_empty() && content.iter().all(|w| is_capitalized(w) || w.chars().any(|c| c.is_ascii_digit()));
            let plural_long = plural_long && !(title_case && self.presented(v, d, first_atom));
            let topic = self.topics.contains(&label_key(&d.long)) || (self.topics.contains(&topic_key(&d.short)) && !short_gaz) || is_task_phrase(&d.long);
            let two_letters = d.short.chars().filter(|c| c.is_alphabetic()).count() <= 2;
            let short_generic = (self.lex.is_generic(&d.short.to_lowercase()) || two_letters) && !short_gaz;
            if (plural_long || plural_short || topic || short_generic) && !(short_gaz || long_gaz) {
                generic.insert(entity_key(&d.short));
                generic.insert(entity_key(d.short.trim_end_matches('s')));
                generic.insert(entity_key(&d.long));
                continue;
            }
            let reused = views.iter().any(|w| w.atoms.iter().any(|a| (w.f.field != d.field || a.start != d.short_start) && a.text == d.short));
            if short_gaz && long_gaz {
                // "Model FLOPs Utilization (MFU)", both forms of one entry: the long form is an
                // entity of its own when the short one is used again as the name.
                let (ls, ss) = (self.gaz.lookup(&d.long).map(|e| e.key.clone()), self.gaz.lookup(&d.short).map(|e| e.key.clone()));
                if reused && ls == ss {
                    if let Some(&i) = gaz.get(&(d.field, d.long_start, d.long_end)) {
                        let own = entity_key(&d.long);
                        props[i].family = Some(props[i].key.clone());
                        props[i].key = own;
                    }
                }
                continue;
            }
            // The long form is a name when written as one: it starts with a capital that is
            // not a sentence start, or every content word is capitalised.
            let sentence_start = first_atom.is_none_or(|i| i == 0 || v.atoms[i - 1].sentence != v.atoms[i].sentence);
            let long_named = long_gaz || title_case || (is_capitalized(&d.long) && !sentence_start);
            // The short form is a name of its own when the paper uses it again.
            let short_named = !short_gaz && reused && self.acceptable(&d.short, &generic);
            let long = self.name(v, d.long_start, d.long_end, gaz, props, EntityRule::Definition, 0.75);
            let short = self.name(v, d.short_start, d.short_end, gaz, props, EntityRule::Definition, 0.75);
            // A metric defined with its acronym is named, written in lower case or not:
            // "attack success rate (ASR)", "clean accuracy (ACC)".
            let metric = (self.name_head(&d.long) == Some(EntityType::Metric)).then_some((EntityType::Metric, 0.6));
            // So is one the paper presents as its own and then calls by its acronym ("we
            // propose reinforced online-policy distillation (ROPD) ... ROPD improves"); not a
            // list of qualities ("general, powerful, scalable (GPS)") or a gloss of a word
            // name ("federated full-parameter tuning at scale for LLMs (Ferret)").
            let acronym = d.short.chars().filter(|c| c.is_uppercase()).count() >= 2;
            let own = reused && acronym && !d.long.contains(',') && self.presented(v, d, first_atom);
            let long_named = long_named || metric.is_some() || own;
            let short = Proposal { kind: short.kind.or(metric), ..short };
            if long_named && !long_gaz && self.acceptable(&d.long, &generic) {
                links.push((long.key.clone(), short.key.clone()));
                let kind = long.kind.or_else(|| self.name_head(&d.long).map(|t| (t, 0.3)));
                props.push(Proposal { kind, cue: Some(format!("({})", d.short)), ..long });
            } else {
                links.push((long.key.clone(), short.key.clone()));
            }
            if short_named {
                props.push(Proposal { cue: Some(format!("{} ({})", d.long, d.short)), ..short });
            } else if !short_gaz {
                // Only a gloss of the long form: not a name of its own, whatever its shape.
                generic.insert(short.key.clone());
            }
        }
        (generic, links)
    }

    /// A definition the paper presents as its own: an introducing verb right before the long
    /// form ("we propose X (Y)") or an apposition right after it ("X (Y), a novel ...").
    /// `first_atom` is the long form's first atom.
    fn presented(&self, v: &View, d: &crate::link::acronym::Definition, first_atom: Option<usize>) -> bool {
        let after: String = v.f.chars.iter().skip(d.short_end).take(5).collect();
        let apposition = after.starts_with("), a ") || after.starts_with("), an ");
        let Some(i) = first_atom else { return apposition };
        apposition || (i.saturating_sub(3)..i).any(|k| v.same_sentence(k, i) && self.lex.is_intro_verb_stemmed(v.text(k), v.atoms[k].stem))
    }

    /// The name chunk starting at atom `i`: the atom and what joins it (`Claude 3.5 Sonnet`,
    /// `Needle In A Haystack`, `Art of Problem Solving`, `Sieve-&-Swap`). Returns the last
    /// atom. `allow_lower` accepts one lower-case word after an explicit naming cue.
    fn chunk_fwd(&self, v: &View, i: usize, allow_lower: bool) -> Option<usize> {
        let a = v.atoms.get(i)?;
        let lower_ok = allow_lower && !self.lex.is_cap_stop(&a.text) && a.text.chars().any(char::is_alphabetic) && !INNER.contains(&a.text);
        if !self.namelike(&a.text) && !lower_ok {
            return None;
        }
        if lower_ok && !self.namelike(&a.text) {
            return Some(i);
        }
        let title = v.f.field == Field::Title;
        let mut j = i;
        while j + 1 < v.atoms.len() && j - i < 7 && v.same_sentence(i, j + 1) {
            let gap = v.gap(j + 1);
            let nx = v.text(j + 1);
            if !gap.is_empty() && gap.len() <= 3 && gap.chars().all(|c| matches!(c, '-' | '&' | '@' | '+')) && !MODIFIERS.contains(&nx) {
                j += 1;
                continue;
            }
            if gap == "/" && nx.chars().all(|c| c.is_ascii_digit()) {
                j += 1;
                continue;
            }
            if gap != " " || title {
                break;
            }
            if is_size(nx) || (nx.starts_with(|c: char| c.is_ascii_digit()) && nx.contains('.') && nx.chars().all(|c| c.is_ascii_digit() || c == '.')) {
                j += 1;
                continue;
            }
            let generic_acronym = self.lex.is_generic(&nx.to_lowercase()) && shape(nx) != Shape::Capitalized;
            if is_capitalized(nx) && !INNER.contains(&nx.to_lowercase().as_str()) && !self.lex.is_cap_stop(nx) && !generic_acronym {
                j += 1;
                continue;
            }
            // Function words inside a title-case name, then a capitalised content word.
            let mut k = j + 1;
            while k < v.atoms.len() && k - j <= 2 && (BRIDGE.contains(&v.text(k)) || (is_capitalized(v.text(k)) && INNER.contains(&v.text(k).to_lowercase().as_str()))) && v.gap(k) == " " {
                k += 1;
            }
            if k > j + 1 && k < v.atoms.len() && v.gap(k) == " " && is_capitalized(v.text(k)) && !self.lex.is_cap_stop(v.text(k)) && v.same_sentence(i, k) {
                j = k;
                continue;
            }
            break;
        }
        Some(j)
    }

    /// The name chunk ending at atom `i`; returns its first atom.
    fn chunk_bwd(&self, v: &View, i: usize) -> Option<usize> {
        let a = v.atoms.get(i)?;
        // "Procedure Transformer", "Granite Code": a capitalised common word ends a name
        // when a name-like word precedes it.
        let tail_ok = is_capitalized(&a.text) && !INNER.contains(&a.text.to_lowercase().as_str()) && i > 0 && v.gap(i) == " " && v.same_sentence(i - 1, i) && self.namelike(v.text(i - 1));
        if !self.namelike(&a.text) && !tail_ok {
            return None;
        }
        let title = v.f.field == Field::Title;
        let mut s = i;
        while s > 0 && v.same_sentence(s - 1, i) && i - s < 7 {
            let gap = v.gap(s);
            let pv = v.text(s - 1);
            if !gap.is_empty() && gap.len() <= 3 && gap.chars().all(|c| matches!(c, '-' | '&')) {
                s -= 1;
                continue;
            }
            if gap != " " || title {
                break;
            }
            if is_capitalized(pv) && !self.lex.is_cap_stop(pv) && !self.lex.is_generic(&pv.to_lowercase()) && !(s - 1 == 0 || v.atoms[s - 2].sentence != v.atoms[s - 1].sentence) {
                s -= 1;
                continue;
            }
            if (pv == "of" || pv == "for") && s >= 2 && v.gap(s - 1) == " " && is_capitalized(v.text(s - 2)) && !self.lex.is_cap_stop(v.text(s - 2)) {
                s -= 2;
                continue;
            }
            break;
        }
        Some(s)
    }

    /// The head noun (and its type) among atoms `from..to` of a sentence, scanning forward
    /// until a clause boundary.
    fn head_after(&self, v: &View, from: usize, max: usize) -> Option<(usize, EntityType)> {
        let mut k = from;
        let mut found: Option<(usize, EntityType)> = None;
        while k < v.atoms.len() && k < from + max && v.same_sentence(from, k) {
            let gap = v.gap(k);
            let t = v.text(k);
            if k > from && gap.chars().any(|c| matches!(c, '.' | ';' | ':' | '(' | ')' | '"')) {
                break;
            }
            // After a head, a comma, a verb form or a preposition ends the noun phrase; in a
            // compound the last head counts ("an LLM inference system").
            let compound_ing = t.ends_with("ing") && self.head_at(v, k + 1).is_some() && v.gap(k + 1) == " ";
            if found.is_some() && (gap.contains(',') || t.ends_with("ed") || (t.ends_with("ing") && !compound_ing) || SCAN_STOP.contains(&t) || matches!(t, "of" | "on" | "in" | "at" | "as" | "is" | "are")) {
                break;
            }
            if let Some(h) = self.lex.head2(t, v.text(k + 1)).filter(|_| v.gap(k + 1) == " ") {
                found = Some((k + 1, h));
                k += 2;
                continue;
            }
            if let Some(h) = self.head_at(v, k).filter(|_| is_lower_word(t) || k > from) {
                found = Some((k, h));
            } else if is_lower_word(t) && (SCAN_STOP.contains(&t) && !matches!(t, "and" | "or") || matches!(t, "of" | "on" | "in")) {
                break;
            }
            k += 1;
        }
        found
    }

    /// The type the head noun at atom `k` gives ([`Lexicon::head`]), memoised in the view.
    fn head_at(&self, v: &View, k: usize) -> Option<EntityType> {
        let cell = v.heads.get(k)?;
        cell.get().unwrap_or_else(|| {
            let h = self.lex.head_stemmed(v.atoms[k].text, v.atoms[k].stem);
            cell.set(Some(h));
            h
        })
    }

    /// The head noun just before atom `i` ("pruning strategies, such as"): up to three atoms back.
    fn head_before(&self, v: &View, i: usize) -> Option<EntityType> {
        (i.saturating_sub(3)..i).rev().filter(|&k| v.same_sentence(k, i)).find_map(|k| self.head_at(v, k).filter(|_| !is_capitalized(v.text(k)) || v.text(k) == "LLMs"))
    }

    #[allow(clippy::too_many_arguments)]
    fn push(&self, v: &View, a: usize, b: usize, gaz: &HashMap<(Field, usize, usize), usize>, props: &mut Vec<Proposal>, generic: &HashSet<String>, rule: EntityRule, weight: f64, kind: Option<(EntityType, f64)>, cue: &str) -> bool {
        let (s, e, text) = v.span(a, b);
        let strong = matches!(rule, EntityRule::Introduced | EntityRule::Named | EntityRule::Apposition);
        // One plain capitalised word (or surnames joined, "Keller-Segel") at a sentence start,
        // or for a weak cue, is no name ("Subsequently, the ...", "on Hardy spaces").
        let p = if let Some(&g) = gaz.get(&(v.f.field, s, e)) {
            gazetteer_name(&props[g], rule, weight)
        } else {
            let plain = a == b && plain_capitalized(v.text(a));
            let at_start = a == 0 || v.atoms[a - 1].sentence != v.atoms[a].sentence;
            if plain && (at_start || matches!(rule, EntityRule::TypeHead | EntityRule::EvaluatedOn)) {
                return false;
            }
            if a < b && is_task_phrase(&text) {
                return false;
            }
            let key = entity_key(&text);
            if !self.acceptable_key(&text, &key, generic, strong) {
                return false;
            }
            own_name(v.f.field, s, e, text, key, rule, weight)
        };
        // A name of several words typed by none of the cues is typed by its own last word
        // ("Chicago Face Database", "Metadata-Leakage Score", "Text-Aligned Tokenizer").
        let kind = kind.or_else(|| self.name_head(&p.text).map(|t| (t, 0.3)));
        props.push(Proposal { kind, cue: Some(cue.to_string()), ..p });
        true
    }

    /// The type a multi-word name's head word gives it: a head noun of the lexicon, a metric's
    /// word (a named "... Coefficient", "... Divergence"), or data for a named "... Database".
    /// Not a component's word ("... Encoder", "... Module", "... Layer"): annotators type
    /// those by what they do.
    fn name_head(&self, name: &str) -> Option<EntityType> {
        // The head is the last word before a preposition ("Local Ordinance Corpus for the
        // United States", "Data Processing Framework for Chinese Medical LLMs").
        let words: Vec<&str> = name.split([' ', '-']).filter(|w| !w.is_empty()).take_while(|w| !ends_head(w)).collect();
        let last = *words.last()?;
        if words.len() < 2 || !is_capitalized(last) && !is_lower_word(last) {
            return None;
        }
        let lower = last.to_lowercase();
        if matches!(lower.as_str(), "coefficient" | "index" | "rate" | "error" | "accuracy" | "distance" | "divergence" | "ratio" | "similarity" | "score" | "metric" | "measure") {
            return Some(EntityType::Metric);
        }
        let singular = lower.strip_suffix('s').unwrap_or(&lower);
        // A named "... Database" is data ("Chicago Face Database"), whatever a database
        // system is elsewhere.
        if singular == "database" {
            return Some(EntityType::Dataset);
        }
        if matches!(singular, "encoder" | "decoder" | "module" | "layer") {
            return None;
        }
        self.lex.head(&lower)
    }

    /// List items from atom `i`: `X, Y, and Z`. Returns the item spans.
    fn list_items(&self, v: &View, mut k: usize) -> Vec<(usize, usize)> {
        let mut items = Vec::new();
        let mut after_comma = false;
        while k < v.atoms.len() && items.len() < 12 {
            if matches!(v.text(k), "the" | "both") {
                k += 1;
            }
            let Some(end) = self.chunk_fwd(v, k, false) else { break };
            // An item reached by a bare comma must itself be followed by the list's
            // punctuation ("on MwpBench, MathScale-7B achieves": MathScale-7B is no item).
            let g = v.gap(end + 1);
            if after_comma && !(g.starts_with([',', '.', ';', ')', ':']) || matches!(v.text(end + 1), "and" | "or") || end + 1 >= v.atoms.len()) {
                break;
            }
            items.push((k, end));
            after_comma = false;
            let g = v.gap(end + 1);
            let nx = v.text(end + 1);
            if (g == ", " || g == " ") && matches!(nx, "and" | "or") && end + 2 < v.atoms.len() {
                k = end + 2;
            } else if g == ", " && end + 1 < v.atoms.len() {
                k = end + 1;
                after_comma = true;
            } else {
                break;
            }
        }
        items
    }

    fn cues(&self, v: &View, views: &[View], gaz: &HashMap<(Field, usize, usize), usize>, generic: &HashSet<String>, props: &mut Vec<Proposal>, links: &mut Vec<(String, String)>) {
        let n = v.atoms.len();
        let title = v.f.field == Field::Title;
        if title {
            self.title_name(v, views, gaz, generic, props);
        }
        for i in 0..n {
            let t = v.text(i);
            // "we propose X", "this paper introduces a new benchmark, X".
            if !title && self.lex.is_intro_verb_stemmed(t, v.atoms[i].stem) && (i.saturating_sub(4)..i).any(|k| v.same_sentence(k, i) && self.lex.is_own(v.text(k))) {
                self.introduced(v, i, gaz, generic, props);
            }
            // "a system named X", "called X", "namely X".
            if self.lex.is_naming(&t) {
                let head = (i.saturating_sub(3)..i).rev().filter(|&k| v.same_sentence(k, i)).find_map(|k| self.head_at(v, k));
                let mut start = if v.text(i + 1) == "as" { i + 2 } else { i + 1 };
                // "a method called the Spectral Contrastive Loss": the article before a
                // capitalised name is not part of it.
                if v.text(start) == "the" && is_capitalized(v.text(start + 1)) {
                    start += 1;
                }
                if v.same_sentence(i, start) {
                    let lower_ok = matches!(t, "called" | "dubbed" | "termed" | "coined") && !matches!(v.text(i.wrapping_sub(1)), "the" | "a" | "an" | "our" | "this");
                    if let Some(end) = self.chunk_fwd(v, start, lower_ok) {
                        self.push(v, start, end, gaz, props, generic, EntityRule::Named, 0.9, head.map(|h| (h, 1.0)), &t);
                    }
                }
            }
            // "we call the resulting model as X", "which we call X".
            if (t == "call" || t == "refer") && i > 0 && matches!(v.text(i - 1), "we" | "We") {
                let mut head = None;
                let as_at = (i + 1..(i + 14).min(n)).take_while(|&k| v.same_sentence(i, k)).find(|&k| v.text(k) == "as");
                for k in i + 1..as_at.unwrap_or(i + 1) {
                    head = self.head_at(v, k).or(head);
                }
                let start = as_at.map_or(i + 1, |k| k + 1);
                if v.same_sentence(i, start) {
                    if let Some(end) = self.chunk_fwd(v, start, false) {
                        self.push(v, start, end, gaz, props, generic, EntityRule::Named, 0.9, head.map(|h| (h, 1.0)), &t);
                    }
                }
            }
            // "X, a lightweight serving system": apposition with a head noun.
            let g = v.gap(i + 1);
            // "SER (one word), a technique": the word in parentheses; "MAPLE (Multi-agent
            // Adaptive Planning ...), a novel framework": the name before the parenthesis.
            let named = match g {
                ", " => Some(i),
                "), " if v.gap(i).ends_with('(') => Some(i),
                "), " => (i.saturating_sub(12)..i).rev().take_while(|&k| v.same_sentence(k, i)).find(|&k| v.gap(k).ends_with('(')).and_then(|k| k.checked_sub(1)),
                _ => None,
            };
            if let Some(n) = named.filter(|_| !title && matches!(v.text(i + 1), "a" | "an" | "the" | "our")) {
                if let Some((hk, h)) = self.head_after(v, i + 2, 12) {
                    // "On LongBench, our method ...": a fronted prepositional phrase, not an
                    // apposition.
                    let fronted = |s: usize| s > 0 && v.same_sentence(s - 1, s) && FRONTING.contains(&v.text(s - 1).to_lowercase().as_str());
                    if let Some(s) = self.chunk_bwd(v, n).filter(|&s| !fronted(s)) {
                        self.push(v, s, n, gaz, props, generic, EntityRule::Apposition, 0.8, Some((h, 1.0)), v.text(hk));
                    }
                }
            }
            // "the X benchmark", "InCoder LLM", "IFD score" (head after the name).
            // "X is a lightweight tool".
            if !title && matches!(v.text(i + 1), "is" | "was") && matches!(v.text(i + 2), "a" | "an") && v.gap(i + 1) == " " && v.same_sentence(i, i + 2) {
                if let Some((hk, h)) = self.head_after(v, i + 3, 10) {
                    if let Some(s) = self.chunk_bwd(v, i) {
                        self.push(v, s, i, gaz, props, generic, EntityRule::Apposition, 0.7, Some((h, 1.0)), v.text(hk));
                    }
                }
            }
            if let Some(h) = self.head_at(v, i).filter(|_| !title && i > 0 && v.gap(i) == " " && v.same_sentence(i - 1, i)) {
                let lower_head = is_lower_word(&t) || t == "LLM" || t == "LLMs";
                let mut end = i - 1;
                if matches!(v.text(end), "base" | "backbone" | "language" | "code" | "foundation" | "reward" | "chat" | "instruct") && end > 0 && v.gap(end) == " " {
                    end -= 1;
                }
                if lower_head {
                    // A single capitalised common word before a head ("Quantitative metrics")
                    // is no name.
                    if let Some(s) = self.chunk_bwd(v, end).filter(|&s| s < end || shape(v.text(end)) != Shape::Capitalized || gaz.contains_key(&(v.f.field, v.atoms[s].start, v.atoms[end].end))) {
                        self.push(v, s, end, gaz, props, generic, EntityRule::TypeHead, 0.6, Some((h, 0.6)), &t);
                    }
                } else if !title && matches!(h, EntityType::Dataset) && !self.lex.is_generic(&v.text(i - 1).to_lowercase()) {
                    // "ASIMOV Benchmark": a capitalised head is part of the name.
                    if let Some(s) = self.chunk_bwd(v, i - 1) {
                        self.push(v, s, i, gaz, props, generic, EntityRule::TypeHead, 0.6, Some((h, 0.6)), &t);
                    }
                }
            }
            // "the dataset RecipeDB", "RPS technique ROAST" (head before the name).
            if let Some(h) = self.head_at(v, i).filter(|_| !title && is_lower_word(&t) && v.same_sentence(i, i + 1)) {
                let nx = v.text(i + 1);
                let g = v.gap(i + 1);
                if g == " " && (self.namelike(nx) && !matches!(shape(nx), Shape::Capitalized) || matches!(v.text(i.wrapping_sub(1)), "the" | "a" | "an" | "our") && self.namelike(nx)) {
                    if let Some(end) = self.chunk_fwd(v, i + 1, false) {
                        self.push(v, i + 1, end, gaz, props, generic, EntityRule::TypeHead, 0.6, Some((h, 0.6)), &t);
                    }
                }
                // "a task planning dataset, T-Eval." (a name closing the clause after a comma,
                // or followed by its expansion: "our resulting model, Open-Vision-Reasoner (OVR)").
                if g == ", " && self.namelike(nx) {
                    if let Some(end) = self.chunk_fwd(v, i + 1, false) {
                        let after = v.gap(end + 1);
                        if after.starts_with(['.', ';', ')']) || after == " (" || after.is_empty() && end + 1 >= v.atoms.len() || (after == ", " && !matches!(v.text(end + 2), "and" | "or") && !self.namelike(v.text(end + 2))) {
                            self.push(v, i + 1, end, gaz, props, generic, EntityRule::TypeHead, 0.6, Some((h, 0.6)), &t);
                        } else if t.ends_with('s') {
                            // "two popular benchmarks, AMC23 and AIME24, into ...".
                            let items = self.list_items(v, i + 1);
                            if items.len() >= 2 {
                                for (a, b) in items {
                                    self.push(v, a, b, gaz, props, generic, EntityRule::TypeHead, 0.55, Some((h, 0.6)), &t);
                                }
                            }
                        }
                    }
                }
                // "a widely used dataset (Vul4J)", "three backbone models (LLaMA 3.1 8B,
                // Meditron3 8B, ...)": a parenthesised name, or list, after its head noun.
                if g == " (" && self.namelike(nx) {
                    let items = self.list_items(v, i + 1);
                    if items.last().is_some_and(|&(_, e)| v.gap(e + 1).starts_with(')')) && (items.len() == 1 || t.ends_with('s')) {
                        for (a, b) in items {
                            self.push(v, a, b, gaz, props, generic, EntityRule::TypeHead, 0.6, Some((h, 0.6)), &t);
                        }
                    }
                }
            }
            // Lists: "such as", "like", "including", "e.g.", "i.e.".
            let list_start = match t {
                _ if title => None,
                "such" if v.text(i + 1) == "as" => Some(i + 2),
                "like" | "including" | "include" | "includes" => Some(i + 1),
                "e" if v.text(i + 1) == "g" && v.gap(i + 1) == "." => Some(i + 2),
                // "three new benchmarks: A, B, and C".
                _ if v.gap(i + 1) == ": " && is_lower_word(&t) && self.head_at(v, i).is_some() => Some(i + 1),
                _ => None,
            };
            if let Some(start) = list_start.filter(|&s| v.same_sentence(i, s) || v.gap(i + 1) == ": ") {
                let head = if v.gap(i + 1) == ": " { self.head_at(v, i) } else { self.head_before(v, i) };
                let items = self.list_items(v, start);
                let cue = if t == "e" { "e.g.".to_string() } else if t == "such" { "such as".to_string() } else { t.to_string() };
                for (a, b) in items {
                    // A lone capitalised word needs the list's head noun to be a name.
                    let weight = if a == b && shape(v.text(a)) == Shape::Capitalized && head.is_none() { 0.4 } else { 0.55 };
                    self.push(v, a, b, gaz, props, generic, EntityRule::List, weight, head.map(|h| (h, 0.5)), &cue);
                }
            }
            // "evaluate ... on X and Y", "95.3% on MATH500", and a clause that opens with
            // the data a result was measured on ("On AgentDojo, X reduces ...", "; on Y, it").
            let fronted_on = (t == "On" && (i == 0 || !v.same_sentence(i - 1, i))) || (t == "on" && v.gap(i) == "; ");
            let score_on = i > 0 && v.same_sentence(i - 1, i) && is_number(v.text(i - 1));
            if !title && (t == "on" || t == "On") && (score_on || fronted_on || (i.saturating_sub(6)..i).any(|k| v.same_sentence(k, i) && self.lex.is_eval_stemmed(v.text(k), v.atoms[k].stem))) {
                let items = self.list_items(v, i + 1);
                // A plain capitalised word alone is too weak after "on" ("on Hardy spaces"),
                // but coordinated with a name-shaped item it is that item's sibling ("on
                // YouCook2 and Tasty").
                let named_sibling = items.iter().any(|&(a, b)| a < b || !plain_capitalized(v.text(a)) || gaz.contains_key(&(v.f.field, v.atoms[a].start, v.atoms[b].end)));
                for (a, b) in items {
                    let rule = if named_sibling && a == b && plain_capitalized(v.text(a)) { EntityRule::List } else { EntityRule::EvaluatedOn };
                    self.push(v, a, b, gaz, props, generic, rule, 0.5, Some((EntityType::Dataset, 0.35)), "on");
                }
            }
            // "pass@200", "eff@k".
            if i > 0 && v.gap(i) == "@" && (t.chars().all(|c| c.is_ascii_digit()) || t == "k" || t == "K" || t == "n") {
                let (s, e, text) = v.span(i - 1, i);
                if !gaz.contains_key(&(v.f.field, s, e)) {
                    props.push(Proposal { field: v.f.field, start: s, end: e, key: entity_key(&text), text, family: None, entry: None, rule: EntityRule::Pattern, weight: 0.85, kind: Some((EntityType::Metric, 0.9)), cue: Some("@".into()), url: None, alias_of: None });
                }
            }
            // "NAME (Long Title Form)": the expansion given after a name.
            if v.gap(i + 1) == " (" && !title {
                self.reverse_definition(v, i, gaz, generic, props, links);
            }
            // Name shapes.
            self.shape_name(v, i, gaz, generic, props);
            if !title {
                self.title_case_name(v, i, gaz, generic, props);
            }
        }
    }

    /// A run of capitalised words inside a sentence ("the Perception Field Mask that ...",
    /// "a Generalized Motion Adaptation Module"): writers capitalise the names of their
    /// components and methods mid-sentence, not common phrases. Topics the ontology names
    /// ("Mixture of Experts") and runs that open on a sentence word ("Large", "Deep") are not.
    fn title_case_name(&self, v: &View, i: usize, gaz: &HashMap<(Field, usize, usize), usize>, generic: &HashSet<String>, props: &mut Vec<Proposal>) {
        let t = v.text(i);
        let starts_run = i > 0 && v.same_sentence(i - 1, i) && v.gap(i) == " " && !is_capitalized(v.text(i - 1));
        if !starts_run || !matches!(shape(t), Shape::Capitalized | Shape::CapHyphen) || !self.namelike(t) {
            return;
        }
        let Some(end) = self.chunk_fwd(v, i, false) else { return };
        let capitalised = (i..=end).filter(|&k| is_capitalized(v.text(k)) && !INNER.contains(&v.text(k).to_lowercase().as_str())).count();
        // Two capitalised words are a name when the second is a component's word
        // ("Energy Encoder"); else a capitalised phrase ("Convex Optimization") is as likely.
        let component = matches!(v.text(end), "Encoder" | "Decoder" | "Module" | "Block" | "Layer" | "Mask" | "Generator" | "Loss" | "Head" | "Unit" | "Router" | "Tokenizer");
        if capitalised < 2 || (capitalised == 2 && !component) || (i..=end).any(|k| !matches!(shape(v.text(k)), Shape::Capitalized | Shape::CapHyphen | Shape::Lower)) {
            return; // a shaped word in the run is the shape rules' (and the gazetteer's) to judge
        }
        let (s, e, text) = v.span(i, end);
        if self.topics.contains(&label_key(&text)) || gaz.keys().any(|&(f, gs, ge)| f == v.f.field && gs < e && ge > s) {
            return;
        }
        self.push(v, i, end, gaz, props, generic, EntityRule::Shape, 0.55, None, "title case");
    }

    fn introduced(&self, v: &View, i: usize, gaz: &HashMap<(Field, usize, usize), usize>, generic: &HashSet<String>, props: &mut Vec<Proposal>) {
        let verb = v.text(i).to_string();
        let mut head = None;
        let mut k = i + 1;
        while k < v.atoms.len() && k < i + 16 && v.same_sentence(i, k) {
            let gap = v.gap(k);
            if k > i + 1 && gap.chars().any(|c| matches!(c, '.' | ';' | ':' | '(' | ')')) {
                return;
            }
            let t = v.text(k);
            if self.lex.is_naming(t) {
                return; // the naming cue proposes it
            }
            if self.namelike(t) {
                if let Some(mut end) = self.chunk_fwd(v, k, false) {
                    // "Distilling step-by-step, a new mechanism": lower-case words up to an
                    // apposition with a head noun belong to the name.
                    for m in end + 1..(end + 3).min(v.atoms.len()) {
                        if v.gap(m) != " " || !is_lower_word(v.text(m)) || SCAN_STOP.contains(&v.text(m)) || INNER.contains(&v.text(m)) || self.head_at(v, m).is_some() {
                            break;
                        }
                        if v.gap(m + 1) == ", " && matches!(v.text(m + 1), "a" | "an") && self.head_after(v, m + 2, 8).is_some() {
                            end = m;
                            break;
                        }
                    }
                    // A lone capitalised word is a weak name until the paper uses it again.
                    let weight = if end == k && shape(t) == Shape::Capitalized { 0.45 } else { 0.9 };
                    // "a new benchmark, X": the head before the name types it.
                    self.push(v, k, end, gaz, props, generic, EntityRule::Introduced, weight, head.map(|h| (h, 1.0)), &verb);
                }
                return;
            }
            if is_lower_word(t) {
                if let Some(h) = self.head_at(v, k) {
                    head = Some(h);
                }
                // "we propose quality scaling, a multi-stage training recipe".
                if k == i + 1 && !matches!(t, "a" | "an" | "the" | "our" | "two" | "three" | "several" | "new" | "novel") {
                    for m in k..(k + 3).min(v.atoms.len()) {
                        if v.gap(m + 1) == ", " && matches!(v.text(m + 1), "a" | "an") {
                            if let Some((hk, h)) = self.head_after(v, m + 2, 8) {
                                let (s, e, text) = v.span(k, m);
                                if (k..=m).all(|x| is_lower_word(v.text(x))) && self.acceptable(&text, generic) && !self.lex.is_cap_stop(v.text(k)) {
                                    let p = self.name(v, s, e, gaz, props, EntityRule::Introduced, 0.8);
                                    props.push(Proposal { kind: Some((h, 1.0)), cue: Some(format!("{verb} ... {}", v.text(hk))), ..p });
                                }
                            }
                            return;
                        }
                        if v.gap(m + 1) != " " {
                            break;
                        }
                    }
                }
                if SCAN_STOP.contains(&t) {
                    return;
                }
            }
            k += 1;
        }
    }

    /// "X: A ..." titles: the name before the colon is the paper's own.
    fn title_name(&self, v: &View, views: &[View], gaz: &HashMap<(Field, usize, usize), usize>, generic: &HashSet<String>, props: &mut Vec<Proposal>) {
        let Some(c) = (0..v.atoms.len().min(6)).find(|&c| {
            let g = v.gap(c + 1);
            let g = g.trim();
            g.starts_with(':') || g == "--" || g == "-" || g == "—" || g == "–"
        }) else {
            return;
        };
        let mut s = 0;
        if matches!(v.text(0), "The" | "A" | "An") {
            s = 1;
        }
        if s > c {
            return;
        }
        // "HumanEval Pro and MBPP Pro: ...": each part is a name.
        if let Some(and) = (s..=c).find(|&k| v.text(k) == "and") {
            if and > s && and < c {
                for (a, b) in [(s, and - 1), (and + 1, c)] {
                    let (start, end, text) = v.span(a, b);
                    if (a..=b).any(|k| matches!(shape(v.text(k)), Shape::Camel | Shape::AlnumMix | Shape::Caps)) && (gaz.contains_key(&(v.f.field, start, end)) || self.acceptable(&text, generic)) {
                        let p = self.name(v, start, end, gaz, props, EntityRule::Title, 0.9);
                        props.push(Proposal { cue: Some(":".into()), ..p });
                    }
                }
            }
            return;
        }
        // "Freeing the Law with LOCUS: ...": a phrase that ends in the name it uses; the name
        // is what follows the preposition, when it is shaped as one.
        // A name before the preposition makes the whole a name ("UNet with Axial Transformer").
        let shaped_at = |k: usize| matches!(shape(v.text(k)), Shape::Camel | Shape::AlnumMix | Shape::Caps | Shape::CapHyphen);
        let plain_start = !shaped_at(s);
        if let Some(p) = (s + 1..c).rev().find(|&k| plain_start && matches!(v.text(k), "with" | "via" | "using" | "through" | "by")) {
            if (p + 1..=c).all(shaped_at) {
                s = p + 1;
            } else {
                return;
            }
        }
        let (start, end, text) = v.span(s, c);
        if !self.acceptable(&text, generic) && !gaz.contains_key(&(v.f.field, start, end)) {
            return;
        }
        let strong_part = |t: &str| t.split('-').any(|p| matches!(shape(p), Shape::Camel | Shape::AlnumMix | Shape::Caps) && !self.lex.is_generic(&p.to_lowercase()));
        let shaped = (s..=c).any(|k| {
            let t = v.text(k);
            match shape(t) {
                Shape::Camel | Shape::AlnumMix | Shape::Caps => !self.lex.is_generic(&t.to_lowercase()),
                Shape::CapHyphen => strong_part(t),
                _ => false,
            }
        });
        let words_ok = (s..=c).all(|k| is_capitalized(v.text(k)) || INNER.contains(&v.text(k)) || shape(v.text(k)) != Shape::Lower);
        // A plain title-case phrase is a name only when the abstract writes it so too, not
        // at a sentence start ("The Languini Kitchen serves ...", "Granite Code models").
        let in_abstract = views.iter().filter(|w| w.f.field != Field::Title).any(|w| {
            let chars = &w.f.chars;
            let needle: Vec<char> = text.chars().collect();
            (0..chars.len().saturating_sub(needle.len() - 1)).any(|p| {
                chars[p..].starts_with(&needle)
                    && (p == 0 || !chars[p - 1].is_alphanumeric())
                    && chars.get(p + needle.len()).is_none_or(|c| !c.is_alphanumeric())
                    && w.atoms.iter().position(|a| a.start == p).is_some_and(|ai| ai > 0 && w.atoms[ai - 1].sentence == w.atoms[ai].sentence && !is_capitalized(&w.atoms[ai - 1].text) || text.contains(' '))
            })
        });
        if !words_ok || !(shaped || in_abstract) {
            return;
        }
        // The first head noun after the colon types it ("Redco: A Lightweight Tool").
        let head = (c + 1..v.atoms.len()).find_map(|k| {
            let t = v.text(k);
            let generic_phrase = v.text(k.wrapping_sub(1)).eq_ignore_ascii_case("language") || self.lex.is_generic(&t.to_lowercase());
            self.head_at(v, k).filter(|_| !generic_phrase)
        });
        let p = self.name(v, start, end, gaz, props, EntityRule::Title, 0.9);
        props.push(Proposal { kind: head.map(|h| (h, 0.5)), cue: Some(":".into()), ..p });
    }

    /// "ENAMEL (EfficeNcy AutoMatic EvaLuator)": a name followed by its title-case expansion.
    fn reverse_definition(&self, v: &View, i: usize, gaz: &HashMap<(Field, usize, usize), usize>, generic: &HashSet<String>, props: &mut Vec<Proposal>, links: &mut Vec<(String, String)>) {
        let Some(s) = self.chunk_bwd(v, i) else { return };
        // "Procedure Transformer (ProcX)": an alias that is not a definition. Typed like the
        // name, and a name of its own only when the paper uses it again.
        if v.gap(i + 2).starts_with(')') && i + 1 < v.atoms.len() && self.namelike(v.text(i + 1)) && !v.text(i + 1).contains(' ') {
            let alias = v.text(i + 1).to_string();
            let used_again = v.atoms.iter().enumerate().any(|(k, a)| k != i + 1 && a.text == alias);
            let (ns, ne, name) = v.span(s, i);
            if !used_again && self.gaz.lookup(&alias).is_none() && self.gaz.lookup(&name).is_none() {
                let (as_, ae, _) = v.span(i + 1, i + 1);
                let of = self.name(v, ns, ne, gaz, props, EntityRule::Definition, 0.0).key;
                let p = self.name(v, as_, ae, gaz, props, EntityRule::Definition, 0.0);
                props.push(Proposal { cue: Some(format!("alias of {name}")), alias_of: Some(of), ..p });
            }
            return;
        }
        let mut m = i + 1;
        while m < v.atoms.len() && m <= i + 5 && v.gap(m + 1) == " " {
            m += 1;
        }
        if m >= v.atoms.len() || !v.gap(m + 1).starts_with(')') || m < i + 2 {
            return;
        }
        let words: Vec<&str> = (i + 1..=m).map(|k| v.text(k)).collect();
        if !words.iter().all(|w| is_capitalized(w) || INNER.contains(w)) || !is_capitalized(words[0]) {
            return;
        }
        let first = |t: &str| t.chars().next().map(|c| c.to_ascii_lowercase());
        if first(v.text(s)) != first(words[0]) {
            return;
        }
        let (ls, le, long) = v.span(i + 1, m);
        if self.gaz.lookup(&long).is_some() || !self.acceptable(&long, generic) {
            return;
        }
        let (ns, ne, name) = v.span(s, i);
        let p = self.name(v, ls, le, gaz, props, EntityRule::Definition, 0.7);
        links.push((p.key.clone(), self.name(v, ns, ne, gaz, props, EntityRule::Definition, 0.0).key));
        props.push(Proposal { cue: Some(format!("{name} (...)")), ..p });
    }

    fn shape_name(&self, v: &View, i: usize, gaz: &HashMap<(Field, usize, usize), usize>, generic: &HashSet<String>, props: &mut Vec<Proposal>) {
        let a = &v.atoms[i];
        let sh = shape(&a.text);
        let (weight, ok) = match sh {
            Shape::Camel | Shape::AlnumMix => {
                let letters = a.text.chars().filter(|c| c.is_alphabetic()).count();
                // "Top-1", "Stage-2": a word and a small number.
                let word_number = {
                    let parts: Vec<&str> = a.text.split('-').collect();
                    parts.len() == 2 && shape(parts[0]) == Shape::Capitalized && parts[1].len() <= 2 && parts[1].chars().all(|c| c.is_ascii_digit())
                };
                (0.55, letters >= 2 && a.text.chars().count() >= 3 && !word_number && (is_capitalized(&a.text) || sh == Shape::Camel))
            }
            Shape::Caps => {
                let letters = a.text.chars().filter(|c| c.is_alphabetic()).count();
                (if letters >= 4 { 0.4 } else { 0.3 }, letters >= 3)
            }
            Shape::CapHyphen => {
                let mid = i > 0 && v.atoms[i - 1].sentence == a.sentence && v.f.field != Field::Title;
                let strong = a.text.split('-').any(|p| matches!(shape(p), Shape::Camel | Shape::Caps | Shape::AlnumMix));
                (if strong { 0.5 } else { 0.3 }, mid)
            }
            _ => (0.0, false),
        };
        // An author cited as "HaoChen et al." is no artifact.
        let cited_author = v.text(i + 1) == "et" && v.text(i + 2).starts_with("al");
        if !ok || cited_author || gaz.keys().any(|&(f, s, e)| f == v.f.field && s <= a.start && e >= a.end) {
            return;
        }
        // A new version of a listed artifact ("DINOv3", "SAM2", "YOLOv11"): its type and
        // family, with a gazetteer vote.
        if let Some(e) = version_of(&a.text).and_then(|stem| self.gaz.lookup(stem).filter(|e| e.forms.iter().any(|f| f == stem))) {
            let cue = format!("version of {}", e.name);
            if self.push(v, i, i, gaz, props, generic, EntityRule::Gazetteer, 0.75, Some((e.kind, 0.6)), &cue) {
                if let Some(p) = props.last_mut() {
                    p.family = Some(e.family.clone().unwrap_or_else(|| e.key.clone()));
                }
                return;
            }
        }
        let vote = shape_type(&a.text);
        self.push(v, i, i, gaz, props, generic, EntityRule::Shape, weight, vote.map(|t| (t, 0.3)), "shape");
    }

    fn repo_links(&self, v: &View, props: &mut Vec<Proposal>) {
        for l in urls::repo_links_in(&v.f.chars, &v.urls) {
            let key = entity_key(&l.name);
            // Matched to a name of the paper in `resolve`; a Hugging Face repository is an
            // artifact of its own.
            let weight = if l.host == urls::Host::HuggingFace { 0.6 } else { 0.0 };
            props.push(Proposal {
                field: v.f.field,
                start: l.name_span.0,
                end: l.name_span.1,
                text: l.name.clone(),
                family: size_family(&key),
                key,
                entry: None,
                rule: EntityRule::Url,
                weight,
                kind: Some((l.kind(), 0.4)),
                cue: Some(l.url.clone()),
                url: Some(l.url),
                alias_of: None,
            });
        }
    }

    /// Weigh the proposals of each key into entities.
    fn resolve(&self, doc: &Document, views: &[View], mut props: Vec<Proposal>, generic: &HashSet<String>, links: &[(String, String)]) -> Vec<Entity> {
        // A cue's chunk inside a longer named span (a definition's long form, a list item)
        // gives way to it; its type vote goes to the longer name.
        let spans: Vec<(Field, usize, usize, EntityRule, bool)> = props.iter().map(|p| (p.field, p.start, p.end, p.rule, p.entry.is_some())).collect();
        let mut moved: Vec<(usize, usize)> = Vec::new();
        for (i, p) in props.iter().enumerate() {
            if p.entry.is_some() || p.rule == EntityRule::Url {
                continue;
            }
            if let Some(j) = spans.iter().position(|&(f, s, e, r, g)| f == p.field && s <= p.start && e >= p.end && e - s > p.end - p.start && r != EntityRule::Shape && r != EntityRule::Url && !g) {
                moved.push((i, j));
            }
        }
        let mut drop = vec![false; props.len()];
        for &(i, j) in &moved {
            drop[i] = true;
            if props[j].kind.is_none() {
                props[j].kind = props[i].kind;
            }
        }
        // URLs attach to the name they spell.
        let mut urls: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (i, p) in props.iter().enumerate() {
            if p.rule != EntityRule::Url {
                continue;
            }
            let c = compact(&p.text);
            if let Some(other) = props.iter().find(|o| o.rule != EntityRule::Url && (compact(&o.text) == c || compact(&o.key) == c)) {
                urls.entry(other.key.clone()).or_default().push(p.url.clone().unwrap_or_default());
                drop[i] = true;
            } else if p.weight == 0.0 {
                drop[i] = true;
            }
        }
        struct Agg {
            key: String,
            family: Option<String>,
            entry: Option<usize>,
            rules: BTreeMap<EntityRule, f64>,
            votes: [f64; 5],
            /// Strongest vote of each rule for each type: a rule counts once per entity,
            /// however often it fired.
            rule_votes: BTreeMap<(EntityRule, usize), f64>,
            spans: Vec<(Field, usize, usize, String)>,
            evidence: Vec<EntityEvidence>,
        }
        // Aliases given once in parentheses are not names of their own; what types them
        // types the name they stand for.
        let alias_of: HashMap<String, String> = props.iter().filter_map(|p| p.alias_of.clone().map(|o| (p.key.clone(), o))).collect();
        let aliases: HashSet<String> = alias_of.keys().cloned().collect();
        for p in props.iter_mut() {
            if let (Some(of), Some(_)) = (alias_of.get(&p.key), p.kind) {
                if p.rule != EntityRule::Definition {
                    p.key = of.clone();
                    p.weight = 0.0;
                    p.rule = EntityRule::TypeHead;
                }
            }
        }
        let mut aggs: BTreeMap<String, Agg> = BTreeMap::new();
        for (p, _) in props.iter().zip(&drop).filter(|(_, d)| !**d) {
            if p.entry.is_none() && (generic.contains(&p.key) || aliases.contains(&p.key)) {
                continue;
            }
            let a = aggs.entry(p.key.clone()).or_insert_with(|| Agg { key: p.key.clone(), family: None, entry: None, rules: BTreeMap::new(), votes: [0.0; 5], rule_votes: BTreeMap::new(), spans: Vec::new(), evidence: Vec::new() });
            a.family = a.family.take().or(p.family.clone());
            a.entry = a.entry.or(p.entry);
            let w = a.rules.entry(p.rule).or_insert(0.0);
            *w = w.max(p.weight);
            if let Some((t, s)) = p.kind {
                let v = a.rule_votes.entry((p.rule, t.index())).or_insert(0.0);
                *v = v.max(s);
            }
            if !a.spans.iter().any(|(f, s, e, _)| *f == p.field && *s == p.start && *e == p.end) {
                a.spans.push((p.field, p.start, p.end, p.text.clone()));
            }
            if !a.evidence.iter().any(|e| e.rule == p.rule && e.field == p.field && e.start == p.start) {
                a.evidence.push(EntityEvidence { rule: p.rule, field: p.field, start: p.start, end: p.end, text: p.text.clone(), cue: p.cue.clone(), kind: p.kind.map(|k| k.0), weight: p.weight });
            }
        }
        // Types in tiers: the paper's own wording ("X, a system"; "a benchmark named X";
        // pass@k) decides; else the gazetteer; else the weaker cues, summed.
        let tier = |r: EntityRule| match r {
            EntityRule::Apposition | EntityRule::Named | EntityRule::Introduced | EntityRule::Pattern => 0,
            EntityRule::Gazetteer | EntityRule::Url => 1,
            _ => 2,
        };
        for a in aggs.values_mut() {
            let mut tiers = [[0.0f64; 5]; 3];
            for (&(r, t), &w) in &a.rule_votes {
                tiers[tier(r)][t] += w;
            }
            a.votes = tiers.into_iter().find(|v| v.iter().any(|x| *x > 0.0)).unwrap_or([0.0; 5]);
        }
        // A long form and its short form type each other; so do a name and its versions
        // ("LOCUS" and "LOCUS-v1").
        let versions: Vec<(String, String)> = aggs.keys().filter_map(|k| version_of(k).filter(|b| aggs.contains_key(*b)).map(|b| (b.to_string(), k.clone()))).collect();
        for (l, s) in links.iter().chain(&versions) {
            let (lv, sv) = (aggs.get(l).map(|a| a.votes), aggs.get(s).map(|a| a.votes));
            if let (Some(a), Some(sv)) = (aggs.get_mut(l), sv) {
                for t in 0..5 {
                    a.votes[t] += 0.5 * sv[t];
                }
            }
            if let (Some(a), Some(lv)) = (aggs.get_mut(s), lv) {
                for t in 0..5 {
                    a.votes[t] += 0.5 * lv[t];
                }
            }
        }
        // Every further use of a name the paper has made an entity (case-sensitive).
        for a in aggs.values_mut() {
            let forms: Vec<String> = {
                let mut f: Vec<String> = a.spans.iter().map(|s| s.3.clone()).collect();
                f.sort();
                f.dedup();
                f
            };
            if a.entry.is_some() && a.rules.len() == 1 {
                continue; // the gazetteer already found every use
            }
            let finders: Vec<(&String, memchr::memmem::Finder)> = forms.iter().map(|f| (f, memchr::memmem::Finder::new(f.as_bytes()))).collect();
            for v in views {
                for (form, finder) in &finders {
                    for (s, e) in find_word(v.f, finder, form.chars().count()) {
                        if v.urls.iter().any(|&(us, ue)| s < ue && e > us) {
                            continue;
                        }
                        if !a.spans.iter().any(|(f, ss, ee, _)| *f == v.f.field && *ss == s && *ee == e) {
                            a.spans.push((v.f.field, s, e, form.to_string()));
                        }
                    }
                }
            }
        }
        // Scores: noisy-or over the strongest weight of each rule, with a bonus for a name
        // used again.
        let every: Vec<(Field, usize, usize)> = aggs.values().flat_map(|a| a.spans.iter().map(|s| (s.0, s.1, s.2))).collect();
        let inside = |f: Field, s: usize, e: usize| every.iter().any(|&(g, a, b)| g == f && a <= s && b >= e && b - a > e - s);
        let score_of = |a: &Agg| -> f64 {
            let mut rules = a.rules.clone();
            let free = a.spans.iter().filter(|x| !inside(x.0, x.1, x.2)).count();
            if free >= 2 {
                rules.insert(EntityRule::Repeated, (0.2 * (free - 1) as f64).min(0.4));
            }
            1.0 - rules.values().map(|w| 1.0 - w).product::<f64>()
        };
        let kept: Vec<(Agg, f64)> = aggs.into_values().map(|a| {
            let s = score_of(&a);
            (a, s)
        }).filter(|(_, s)| *s >= self.config.min_score).collect();
        // Mentions nested in another entity's mention do not stand on their own.
        let all: Vec<(Field, usize, usize)> = kept.iter().flat_map(|(a, _)| a.spans.iter().map(|s| (s.0, s.1, s.2))).collect();
        let nested = |f: Field, s: usize, e: usize| all.iter().any(|&(g, a, b)| g == f && a <= s && b >= e && b - a > e - s);
        let mut out = Vec::new();
        for (a, score) in kept {
            if a.spans.iter().all(|(f, s, e, _)| nested(*f, *s, *e)) {
                continue;
            }
            let entry = a.entry.map(|i| &self.gaz.entries[i]);
            let mut best = 0;
            for t in 1..5 {
                if a.votes[t] > a.votes[best] + 1e-9 {
                    best = t;
                }
            }
            let kind = if a.votes[best] > 0.0 { EntityType::ALL[best] } else { EntityType::Method };
            let mut spans = a.spans.clone();
            spans.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
            let text = spans
                .iter()
                .max_by(|x, y| {
                    let len = |s: &str| s.chars().count();
                    let up = |s: &str| s.chars().filter(|c| c.is_uppercase()).count();
                    len(&x.3).cmp(&len(&y.3)).then(up(&x.3).cmp(&up(&y.3))).then((y.0, y.1).cmp(&(x.0, x.1)))
                })
                .map(|s| s.3.clone())
                .unwrap_or_default();
            let concept = entry.and_then(|e| e.concept.clone()).or_else(|| self.concepts.get(&label_key(&text)).cloned());
            let family = a.family.clone().or_else(|| entry.and_then(|e| e.family.clone())).filter(|f| *f != a.key);
            let mut evidence = a.evidence;
            evidence.sort_by(|x, y| y.weight.total_cmp(&x.weight).then((x.field, x.start).cmp(&(y.field, y.start))).then(x.rule.cmp(&y.rule)));
            evidence.truncate(6);
            let mentions = spans.into_iter().map(|(field, start, end, text)| EntityMention { field, start, end, text }).collect();
            let name = entry.filter(|e| e.key == a.key).map(|e| e.name.clone());
            out.push(Entity { text, key: a.key.clone(), name, kind, score: round(score), family, concept, urls: urls.get(&a.key).cloned().unwrap_or_default(), mentions, evidence });
        }
        let _ = doc;
        out.sort_by(|x, y| {
            let first = |e: &Entity| e.mentions.first().map(|m| (m.field, m.start)).unwrap_or((Field::Keywords, usize::MAX));
            first(x).cmp(&first(y)).then(x.key.cmp(&y.key))
        });
        out
    }
}

/// A word after a name's head ("Tuning at Scale for LLMs", "Corpus of Port Records",
/// "Retrieval based on Graphs"): a preposition, or `based`.
fn ends_head(w: &str) -> bool {
    matches!(w, "for" | "of" | "at" | "with" | "in" | "on" | "via" | "from" | "by" | "based")
}

/// The variant words of model releases, lower case: `-instruct`, `-mini`, `Gemini 3.6 Flash`,
/// `Claude Opus 5`.
const RELEASE_VARIANTS: &[&str] = &[
    "chat", "instruct", "base", "it", "hf", "mini", "small", "medium", "large", "xl", "xxl", "tiny", "turbo", "pro", "plus", "max", "lite", "coder", "math", "vision", "preview", "distill",
    "uncased", "cased", "flash", "ultra", "nano", "sonnet", "opus", "haiku", "scout", "maverick", "thinking", "omni", "exp", "reasoner",
];

/// Suffixes that stay part of a gazetteer name in the same atom: versions, sizes and
/// variants (`-8B`, `-v1.5`, `-Instruct`, `-Live`), not `-based` or `-style`.
fn suffix_word(w: &str) -> bool {
    w.chars().any(|c| c.is_ascii_digit()) || (is_capitalized(w) && !modifier_word(w)) || RELEASE_VARIANTS.contains(&w)
}

/// A word that makes what it ends into a modifier, not a name: a participle or an adverb
/// (`LoRA-adapted`, `NeRF-Supervised`, `Physics-Informed`, `CoT-consistently`) or an adjective
/// suffix word (`-based`, `-aware`, `-free`, `-like`).
fn modifier_word(w: &str) -> bool {
    let lower = w.to_lowercase();
    let participle = lower.len() > 4 && lower.ends_with("ed") && crate::text::is_verb_form(&lower);
    let adverb = lower.len() > 4 && lower.ends_with("ly");
    participle
        || adverb
        || matches!(lower.as_str(), "based" | "like" | "style" | "aware" | "free" | "driven" | "guided" | "specific" | "level" | "only" | "centric" | "oriented" | "agnostic" | "friendly" | "powered" | "enabled")
}

/// A release number written apart from a model's name: `3.6`, `5`, `4o`, `v2`, `V3.2`, `R1`,
/// `K2`; not a year or a count (`2024`, `100`).
fn release_number(w: &str) -> bool {
    let b = w.as_bytes();
    let body = match b.first() {
        Some(b'v' | b'V' | b'R' | b'K') if b.len() > 1 => &b[1..],
        _ => b,
    };
    let body = match body.split_last() {
        Some((c, rest)) if c.is_ascii_lowercase() && !rest.is_empty() => rest,
        _ => body,
    };
    // One or two digits, then at most two groups of one or two (not a score: `0.8246`).
    let mut groups = body.split(|c| *c == b'.');
    groups.next().is_some_and(|g| (1..=2).contains(&g.len()) && g.iter().all(u8::is_ascii_digit))
        && groups.enumerate().all(|(i, g)| i < 2 && (1..=2).contains(&g.len()) && g.iter().all(u8::is_ascii_digit))
}

/// A variant word of a model release written apart, capitalised: `Gemini 3.6 Flash`,
/// `Claude Opus 5`, `Qwen2.5 Math 7B`.
fn release_variant(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase) && RELEASE_VARIANTS.contains(&w.to_ascii_lowercase().as_str())
}

/// The name part of a versioned name: "DINOv3" -> "DINO", "SAM2" -> "SAM", "YOLOv11" ->
/// "YOLO", "Foo-v1.5" -> "Foo"; with a size letter after the number, "YOLOv8n" -> "YOLO". The
/// name part ends in a letter and has three or more letters.
fn version_of(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    let last_part = text.rsplit(['-', ' ', '_']).next().unwrap_or(text);
    let text = match b {
        [.., d, l] if d.is_ascii_digit() && l.is_ascii_lowercase() && !is_size(last_part) => &text[..text.len() - 1],
        _ => text,
    };
    let t = text.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    if t.len() == text.len() || text.ends_with('.') {
        return None;
    }
    let t = t.strip_suffix(['v', 'V']).unwrap_or(t);
    let t = t.strip_suffix('-').unwrap_or(t);
    (t.chars().last().is_some_and(char::is_alphabetic) && t.chars().filter(|c| c.is_alphabetic()).count() >= 3).then_some(t)
}

/// The type a name's own shape suggests: a size suffix is a model, `-Bench` a dataset.
fn shape_type(text: &str) -> Option<EntityType> {
    let key = entity_key(text);
    let lower = key.replace('-', "");
    // A count in thousands names a collection ("GOT-10k", "Fishbone-136K"); billions and
    // millions of parameters a model.
    if let Some(size) = key.split('-').find(|p| is_size(p)) {
        return Some(if size.ends_with('k') { EntityType::Dataset } else { EntityType::Model });
    }
    if text.contains('@') {
        return Some(EntityType::Metric);
    }
    let ends = |s: &[&str]| s.iter().any(|x| lower.ends_with(x));
    if ends(&["bench", "eval", "qa", "corpus", "db", "set", "data", "1k", "instruct", "mpi"]) {
        return Some(EntityType::Dataset);
    }
    if ends(&["gpt", "bert", "coder", "llama", "net", "former", "vl", "diffusion", "vit"]) {
        return Some(EntityType::Model);
    }
    if ends(&["hub", "kit", "lib"]) {
        return Some(EntityType::Software);
    }
    None
}

/// Code-point spans where a name occurs in a field as a whole name, not inside a longer
/// atom (`n`: the name's length in code points).
fn find_word(f: &FieldText, form: &memchr::memmem::Finder, n: usize) -> Vec<(usize, usize)> {
    let chars = &f.chars;
    if n == 0 {
        return Vec::new();
    }
    let joins = |c: char| c.is_alphanumeric() || c == '+';
    let whole = |p: usize| {
        let before_ok = p == 0 || (!joins(chars[p - 1]) && !(matches!(chars[p - 1], '-' | '_' | '.' | '@') && p >= 2 && chars[p - 2].is_alphanumeric()));
        let after_ok = match chars.get(p + n).copied() {
            None => true,
            Some(c) if joins(c) => false,
            Some('-' | '_' | '@') => !chars.get(p + n + 1).is_some_and(|c| c.is_alphanumeric()),
            Some('.') => !chars.get(p + n + 1).is_some_and(|c| c.is_ascii_digit()),
            _ => true,
        };
        before_ok && after_ok
    };
    f.find_all(form).into_iter().filter(|&p| whole(p)).map(|p| (p, p + n)).collect()
}

#[cfg(test)]
mod tests;
