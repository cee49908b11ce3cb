//! Concept linking: each paper to the ontology concepts it is about, with evidence.
//!
//! Entry point: [`Linker::new`] (an [`Ontology`] and a [`LinkConfig`]), then
//! [`Linker::tag`] per paper: a pure function of the paper, the ontology and the config, so
//! it gives the same answer in any batch or partition. Stages: [`document`] prepares the
//! text, matchers ([`lexical`], and any other [`Matcher`]) propose [`Mention`]s, acronym
//! definitions confirm or block short forms ([`acronym`]), [`score`] weighs mentions into a
//! score per concept, and a separate step adds each tag's nearest core concept
//! (`core-rollup`) and, on request, its broader concepts. With a [`rank::Ranker`] (the
//! default), which core concepts a paper is about is decided by the ranker over features of
//! all candidates ([`CoreCandidate`]), two of them from [`profile`]s learnt from a corpus and
//! one from the annotated papers nearest the paper ([`neighbours`]).

pub mod acronym;
pub mod document;
pub mod lexical;
pub mod neighbours;
pub mod profile;
pub mod rank;
pub mod scope;
pub mod score;
pub mod semantic;
pub mod stats;

use crate::extract::entity::{Entity, EntityConfig, EntityExtractor};
use crate::extract::keyphrase::{Keyphrase, KeyphraseConfig, KeyphraseExtractor};
use crate::model::Paper;
use crate::ontology::{LabelKind, Ontology};
use document::{Document, Field};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::str::FromStr;

/// How far tags climb `skos:broader` beyond the nearest core concept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BroaderMode {
    #[default]
    None,
    Parent,
    All,
}

impl FromStr for BroaderMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "none" => Ok(BroaderMode::None),
            "parent" => Ok(BroaderMode::Parent),
            "all" => Ok(BroaderMode::All),
            _ => Err(format!("unknown --broader {s:?}; expected none, parent or all")),
        }
    }
}

impl fmt::Display for BroaderMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BroaderMode::None => "none",
            BroaderMode::Parent => "parent",
            BroaderMode::All => "all",
        })
    }
}

/// Linking settings. `Default` is what `topicgraph tag` uses.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkConfig {
    /// A concept is tagged when its score reaches this.
    pub min_score: f64,
    pub broader: BroaderMode,
    pub weights: score::Weights,
    /// Let a core concept's score add up the mentions of everything in its branch.
    pub aggregate: bool,
    /// A core concept above a tagged narrower core concept is kept only when its own
    /// mentions reach this score (the annotation rule: the most specific concept, the
    /// broader one only when the paper is also about it in general).
    pub general_score: f64,
    /// Also propose concepts from the words of their scope notes ([`scope`]).
    pub scope: bool,
    /// Also extract named entities ([`crate::extract::entity`]); `None` leaves them out.
    pub entities: Option<EntityConfig>,
    /// Keyphrase extraction settings; `None` leaves `keywords` empty.
    pub keyphrases: Option<KeyphraseConfig>,
    /// With concept profiles and a ranker: a core concept the paper's words are at least this
    /// close to ([`profile::Closeness::z`]) is a ranker candidate even when no matcher saw it.
    /// `None`: profiles only weigh candidates the matchers found.
    pub profile_candidates: Option<f64>,
}

impl Default for LinkConfig {
    fn default() -> Self {
        LinkConfig { min_score: 0.55, broader: BroaderMode::None, weights: score::Weights::default(), aggregate: true, general_score: 0.8, scope: true, keyphrases: Some(KeyphraseConfig::default()), entities: Some(EntityConfig::default()), profile_candidates: Some(PROFILE_CANDIDATES) }
    }
}

/// The default [`LinkConfig::profile_candidates`]: three standard deviations closer to the
/// concept's profile than to the background.
pub const PROFILE_CANDIDATES: f64 = 3.0;

/// Which rule produced a mention or tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Rule {
    #[serde(rename = "prefLabel")]
    PrefLabel,
    #[serde(rename = "altLabel")]
    AltLabel,
    #[serde(rename = "hiddenLabel")]
    HiddenLabel,
    /// An acronym of the ontology, written as the ontology writes it.
    #[serde(rename = "acronym")]
    Acronym,
    /// A short form the paper defines whose long form is a label of the concept.
    #[serde(rename = "acronym-definition")]
    AcronymDefinition,
    /// The nearest core concept of a tagged concept.
    #[serde(rename = "core-rollup")]
    CoreRollup,
    /// A broader concept added by `--broader`.
    #[serde(rename = "broader")]
    Broader,
    /// Proposed by a semantic matcher.
    #[serde(rename = "semantic")]
    Semantic,
    /// A core concept the paper's words are close to ([`profile`]), with no mention: the
    /// evidence is the words that bring it closest.
    #[serde(rename = "profile")]
    Profile,
}

impl Rule {
    pub fn name(self) -> &'static str {
        match self {
            Rule::PrefLabel => "prefLabel",
            Rule::AltLabel => "altLabel",
            Rule::HiddenLabel => "hiddenLabel",
            Rule::Acronym => "acronym",
            Rule::AcronymDefinition => "acronym-definition",
            Rule::CoreRollup => "core-rollup",
            Rule::Broader => "broader",
            Rule::Semantic => "semantic",
            Rule::Profile => "profile",
        }
    }
}

/// A place in the text where a matcher saw a concept.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub concept: usize,
    pub field: Field,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub rule: Rule,
    /// The ontology label that matched.
    pub label: String,
    pub matcher: &'static str,
    /// First and last word index in the field.
    pub words: (usize, usize),
    /// Words in the matched label.
    pub label_words: usize,
    /// Matcher confidence in (0, 1]; 1 for exact lexical matches.
    pub strength: f64,
}

impl Mention {
    #[allow(clippy::too_many_arguments)]
    pub fn new(concept: usize, field: Field, start: usize, end: usize, text: String, rule: Rule, label: String, words: (usize, usize), label_words: usize) -> Mention {
        Mention { concept, field, start, end, text, rule, label, matcher: "lexical", words, label_words, strength: 1.0 }
    }
}

/// A source of mentions. The lexical matcher is one; a semantic matcher plugs in the same
/// way and its mentions are scored with the others.
pub trait Matcher: Send + Sync {
    fn name(&self) -> &'static str;
    fn find(&self, doc: &Document, out: &mut Vec<Mention>);
}

/// Why a link exists: one mention, or the tag it was rolled up from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub field: Field,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub rule: Rule,
    /// The ontology label that matched (absent for roll-ups).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(deserialize_with = "matcher_name")]
    pub matcher: MatcherName,
    /// The weight this mention added to the score.
    pub weight: f64,
    /// Why the mention counted less ("passing: unlike", "prior work: existing").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cue: Option<String>,
    /// For roll-ups: the tagged concept this one comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

/// A matcher's name, one of [`MATCHERS`] (an alias, so that serde reads it with
/// [`matcher_name`] instead of borrowing it from the input).
pub type MatcherName = &'static str;

/// The matchers whose names evidence can carry (read back by `build --from-tags`).
pub const MATCHERS: [&str; 4] = ["lexical", "scope", "semantic", "profile"];

fn matcher_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    let name = String::deserialize(d)?;
    MATCHERS.iter().find(|m| **m == name).copied().ok_or_else(|| serde::de::Error::custom(format!("unknown matcher {name:?}; expected one of {}", MATCHERS.join(", "))))
}

/// One concept of a paper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConceptTag {
    pub id: String,
    pub label: String,
    pub score: f64,
    pub core: bool,
    pub evidence: Vec<Evidence>,
}

/// What `tag` writes for a paper (and `build --from-tags` reads back).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tagged {
    pub id: String,
    pub title: String,
    pub concepts: Vec<ConceptTag>,
    /// Named entities (models, datasets, methods, software, metrics), in order of first mention.
    pub entities: Vec<Entity>,
    /// Keyphrases, best first ([`crate::extract::keyphrase`]).
    pub keywords: Vec<Keyphrase>,
    /// The ontology version the links were made with, and the semantic model when semantic
    /// linking was on (`bundled@1.3.1+semantic:bert:all-MiniLM-L6-v2@…`): see
    /// [`Linker::version`].
    pub ontology: String,
    /// The paper's canonical record (`tag --with-paper`), so that `build --from-tags` can
    /// load tagged output without the inputs it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paper: Option<Box<Paper>>,
}

/// A concept that had mentions, with what was decided, for `explain`.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub concept: usize,
    pub score: f64,
    pub decision: Decision,
    pub evidence: Vec<Evidence>,
}

impl Candidate {
    /// Whether its mentions count as evidence: tagged or below the threshold, not an
    /// unsupported or blocked acronym.
    pub fn counts(&self) -> bool {
        matches!(self.decision, Decision::Tagged | Decision::BelowThreshold)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Tagged,
    BelowThreshold,
    /// A short ambiguous acronym with nothing in the paper to support it.
    UnsupportedAcronym,
    /// The paper defines this short form as something else.
    BlockedByDefinition(String),
}

/// The text of a table file (profiles, annotated neighbours): gzipped or not, by its first
/// bytes.
pub(crate) fn table_text(bytes: &[u8]) -> Result<String, String> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut flate2::read::MultiGzDecoder::new(bytes), &mut text).map_err(|e| format!("gzip: {e}"))?;
        Ok(text)
    } else {
        String::from_utf8(bytes.to_vec()).map_err(|_| "not UTF-8 text".to_string())
    }
}

pub struct Linker {
    ontology: Ontology,
    version: String,
    lexical: lexical::LexicalMatcher,
    extra: Vec<Box<dyn Matcher>>,
    config: LinkConfig,
    /// For each concept, its nearest core concepts (precomputed).
    core_of: Vec<Vec<usize>>,
    /// For each concept, its core ancestors (precomputed for the most-specific rule).
    core_ancestors: Vec<Vec<usize>>,
    /// For each concept, the weight factor from corpus statistics (1 without them).
    specificity: Vec<f64>,
    /// Named entities, on the same prepared text (built once with the linker).
    entities: Option<EntityExtractor>,
    keyphrases: Option<KeyphraseExtractor>,
    /// KeyBERT-style keyphrase re-ranking ([`crate::extract::keyphrase::semantic`]), when on.
    keybert: Option<(std::sync::Arc<dyn crate::embed::Embedder>, crate::extract::keyphrase::semantic::KeyBertConfig, std::sync::Arc<semantic::SemanticStats>)>,
    /// The semantic matcher's counters and embedder, when it is one of the matchers.
    semantic: Option<(std::sync::Arc<semantic::SemanticStats>, std::sync::Arc<dyn crate::embed::Embedder>)>,
    /// Decides the core concepts ([`Linker::with_ranker`]); without it, the score threshold.
    ranker: Option<rank::Ranker>,
    /// The ranker's per-concept offsets by ontology index (looked up once, not per candidate).
    offsets: Vec<f64>,
    /// Core concepts that are umbrellas (`tg:umbrella`: roots kept for the hierarchy, never a
    /// subject on their own); the ranker leaves them to the score threshold.
    roots: Vec<bool>,
    /// Concept profiles ([`profile`]): two features of the ranker.
    profiles: Option<profile::Profiles>,
    /// Annotated neighbours ([`neighbours`]): one feature of the ranker; with, per ontology
    /// concept, its slot among the memory's concepts.
    neighbours: Option<(neighbours::Neighbours, Vec<Option<usize>>)>,
}

/// A core concept with evidence in the paper (its own or its branch's), with the features the
/// ranker reads and, with a ranker, its probability of being a main subject.
#[derive(Debug, Clone, PartialEq)]
pub struct CoreCandidate {
    pub concept: usize,
    pub features: rank::Features,
    /// Whether the ranker decides it: the paper names the concept or its branch (a string
    /// match), the semantic matcher proposed it (its cosine is a feature), or the concept has
    /// a profile ([`profile`]: how close the paper's words are is a feature). The others, seen
    /// by the scope matcher alone, are decided by the score threshold as without a ranker:
    /// scope words alone are too weak a sign for the ranker's other features to lift. So are
    /// concepts named only in passing ("unlike RAG pipelines"), whatever else they have.
    pub ranked: bool,
    pub probability: Option<f64>,
    /// For a concept only its profile proposed: the paper's words closest to the profile.
    pub evidence: Vec<Evidence>,
}

impl CoreCandidate {
    /// The concept's score before ranking.
    pub fn score(&self) -> f64 {
        self.features[0]
    }

    /// Whether the concept is kept, and with what score: the ranker's probability for a ranked
    /// concept, the score threshold for the others.
    pub fn decide(&self, ranker: &rank::Ranker, min_score: f64) -> Option<f64> {
        match (self.ranked, self.probability) {
            (true, Some(p)) => (p >= ranker.threshold).then_some(p),
            _ => (self.score() >= min_score).then_some(self.score()),
        }
    }
}

/// What [`Linker::link`] found in a paper, for `explain`.
#[derive(Debug, Clone, PartialEq)]
pub struct Linked {
    pub tags: Vec<ConceptTag>,
    /// Every concept that had mentions, with what was decided.
    pub candidates: Vec<Candidate>,
    /// The core concepts the ranker weighed (empty without core concepts).
    pub cores: Vec<CoreCandidate>,
}

impl Linker {
    pub fn new(ontology: Ontology, config: LinkConfig) -> Linker {
        let lexical = lexical::LexicalMatcher::new(&ontology);
        let core_of = (0..ontology.concepts.len()).map(|i| ontology.nearest_core(i)).collect();
        let core_ancestors = (0..ontology.concepts.len()).map(|i| ontology.ancestors(i).into_iter().filter(|&a| ontology.concepts[a].core).collect()).collect();
        let specificity = vec![1.0; ontology.concepts.len()];
        let extra: Vec<Box<dyn Matcher>> = if config.scope { vec![Box::new(scope::ScopeMatcher::new(&ontology))] } else { Vec::new() };
        let entities = config.entities.clone().map(|c| EntityExtractor::new(&ontology, c));
        // The bundled table is compiled in and checked by a unit test: it cannot fail here.
        let keyphrases = config.keyphrases.clone().map(|k| KeyphraseExtractor::new(&ontology, k).expect("the bundled keyphrase table parses"));
        let roots = ontology.concepts.iter().map(|c| c.core && c.umbrella).collect();
        Linker { version: ontology.version(), ontology, lexical, extra, config, core_of, core_ancestors, specificity, keyphrases, entities, semantic: None, keybert: None, ranker: None, offsets: Vec::new(), roots, profiles: None, neighbours: None }
    }

    /// Concept profiles for the ranker ([`profile`]); `None` leaves their features at 0. Part
    /// of the tagging version: stores re-tag when the table changes.
    pub fn with_profiles(mut self, profiles: Option<profile::Profiles>) -> Linker {
        if let Some(old) = &self.profiles {
            self.version = self.version.replace(&format!("+profiles:{}", old.id()), "");
        }
        let profiles = profiles.filter(|p| !p.is_empty());
        if let Some(p) = &profiles {
            self.version = format!("{}+profiles:{}", self.version, p.id());
        }
        self.profiles = profiles;
        self
    }

    /// Annotated neighbours for the ranker ([`neighbours`]); `None` leaves their feature at 0.
    /// Part of the tagging version: stores re-tag when the memory changes.
    pub fn with_neighbours(mut self, memory: Option<neighbours::Neighbours>) -> Linker {
        if let Some((old, _)) = &self.neighbours {
            self.version = self.version.replace(&format!("+neighbours:{}", old.id()), "");
        }
        self.neighbours = memory.filter(|m| !m.is_empty()).map(|m| {
            self.version = format!("{}+neighbours:{}", self.version, m.id());
            let slots = self.ontology.concepts.iter().map(|c| m.concepts().binary_search(&c.id).ok()).collect();
            (m, slots)
        });
        self
    }

    /// The annotated neighbours, when attached.
    pub fn neighbours(&self) -> Option<&neighbours::Neighbours> {
        self.neighbours.as_ref().map(|(m, _)| m)
    }

    /// Let a ranker decide which core concepts each paper is about ([`rank`]); `None` keeps
    /// the score threshold. A ranker is part of the tagging version: stores re-tag when it
    /// changes.
    pub fn with_ranker(mut self, ranker: Option<rank::Ranker>) -> Linker {
        if let Some(old) = &self.ranker {
            self.version = self.version.replace(&format!("+ranker:{}", old.id()), "");
        }
        // An ontology without core concepts leaves the ranker nothing to decide.
        let ranker = ranker.filter(|_| self.ontology.concepts.iter().any(|c| c.core));
        if let Some(r) = &ranker {
            self.version = format!("{}+ranker:{}", self.version, r.id());
        }
        self.offsets = ranker.as_ref().map(|r| self.ontology.concepts.iter().map(|c| r.offset(&c.id)).collect()).unwrap_or_default();
        self.ranker = ranker;
        self
    }

    pub fn ranker(&self) -> Option<&rank::Ranker> {
        self.ranker.as_ref()
    }

    /// Weigh mentions of common concepts less, by their share of a reference corpus.
    pub fn with_stats(mut self, stats: &stats::ConceptStats) -> Linker {
        self.specificity = self.ontology.concepts.iter().map(|c| stats.factor(&c.id)).collect();
        self
    }

    /// The concepts a paper mentions at all (lexical matcher, before scoring): what
    /// `topicgraph stats` counts.
    pub fn mentioned(&self, paper: &Paper) -> Vec<usize> {
        let doc = Document::new(paper);
        let mut mentions = Vec::new();
        self.lexical.find(&doc, &mut mentions);
        let mut ids: Vec<usize> = mentions.iter().map(|m| m.concept).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Add another matcher (e.g. a semantic one); its mentions are scored with the rest.
    pub fn with_matcher(mut self, m: Box<dyn Matcher>) -> Linker {
        self.extra.push(m);
        self
    }

    /// Add the semantic matcher ([`semantic`]); its counters stay readable through
    /// [`Linker::semantic_stats`].
    pub fn with_semantic(mut self, m: semantic::SemanticMatcher) -> Linker {
        // Tags now depend on the model too: stores and `--from-tags` see a new tagging version
        // and re-tag (or refuse to reuse) what other settings tagged.
        self.version = format!("{}+semantic:{}", self.version, m.embedder().id());
        self.semantic = Some((m.stats(), m.embedder().clone()));
        self.extra.push(Box::new(m));
        self
    }

    /// What the semantic matcher did so far, when it is on.
    pub fn semantic_stats(&self) -> Option<&semantic::SemanticStats> {
        self.semantic.as_ref().map(|(s, _)| s.as_ref())
    }

    /// The semantic matcher's embedder, when it is on.
    pub fn semantic_embedder(&self) -> Option<&dyn crate::embed::Embedder> {
        self.semantic.as_ref().map(|(_, e)| e.as_ref())
    }

    pub fn ontology(&self) -> &Ontology {
        &self.ontology
    }

    /// What the tags are made with: the ontology version, and the semantic model when on
    /// (`Tagged::ontology`; stores re-tag papers when it changes).
    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn config(&self) -> &LinkConfig {
        &self.config
    }

    /// The entity extractor, when entities are on.
    pub fn entity_extractor(&self) -> Option<&EntityExtractor> {
        self.entities.as_ref()
    }

    /// Re-rank keyphrases by their embedding's closeness to the paper, with MMR diversity
    /// (KeyBERT-style); failures are counted in the returned stats, and such a paper keeps its
    /// statistical keyphrases.
    pub fn with_keybert(mut self, embedder: std::sync::Arc<dyn crate::embed::Embedder>, config: crate::extract::keyphrase::semantic::KeyBertConfig) -> Linker {
        self.keybert = Some((embedder, config, Default::default()));
        self
    }

    /// What keyphrase re-ranking did, when it is on (papers, texts embedded, failures).
    pub fn keybert_stats(&self) -> Option<&semantic::SemanticStats> {
        self.keybert.as_ref().map(|(_, _, s)| s.as_ref())
    }

    /// The keyphrases of a prepared paper: statistical, re-ranked when KeyBERT is on.
    fn keywords(&self, doc: &Document) -> Vec<Keyphrase> {
        let Some(k) = &self.keyphrases else { return Vec::new() };
        let Some((embedder, config, stats)) = &self.keybert else { return k.extract(doc) };
        let max = k.config().max;
        let pool = k.extract_top(doc, config.pool.max(max));
        let n = pool.len();
        match crate::extract::keyphrase::semantic::rerank(doc, pool.clone(), embedder.as_ref(), max, config) {
            Ok(v) => {
                stats.papers.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                stats.units.fetch_add(n + 1, std::sync::atomic::Ordering::Relaxed);
                v
            }
            Err(e) => {
                stats.record_failure(&doc.id, &e);
                pool.into_iter().take(max).collect()
            }
        }
    }

    /// Extract keyphrases with this extractor (e.g. over another corpus table).
    pub fn with_keyphrases(mut self, k: KeyphraseExtractor) -> Linker {
        self.keyphrases = Some(k);
        self
    }

    /// The keyphrase extractor `tag` runs, if keyphrases are on.
    pub fn keyphrases(&self) -> Option<&KeyphraseExtractor> {
        self.keyphrases.as_ref()
    }

    /// Tag one paper: its concepts, keyphrases and, when on, named entities (all read the same
    /// prepared text).
    pub fn tag(&self, paper: &Paper) -> Tagged {
        let doc = Document::new(paper);
        let tags = self.link_doc(&doc).tags;
        let keywords = self.keywords(&doc);
        let entities = self.entities.as_ref().map(|x| x.extract(&doc)).unwrap_or_default();
        Tagged { id: paper.id.clone(), title: paper.title.clone(), concepts: tags, entities, keywords, ontology: self.version.clone(), paper: None }
    }

    /// What [`profile::ProfileBuilder`] counts of a paper: its terms, and the core concepts it
    /// is an exemplar of (tagged, not an umbrella, with score 0.9 or more and a string match
    /// in the title), or [`profile::BACKGROUND`] when it has no core concept at all. Run with
    /// neither ranker nor profiles, so that profiles do not learn from their own decisions.
    pub fn profile_example(&self, paper: &Paper) -> (Vec<(String, u32)>, Vec<String>) {
        let doc = Document::new(paper);
        let tags = self.link_doc(&doc).tags;
        let mut exemplar_of: Vec<String> = tags
            .iter()
            .filter(|t| t.core && t.score >= 0.9 && t.evidence.iter().any(|e| e.field == Field::Title && e.matcher == "lexical"))
            .filter(|t| self.ontology.index_of(&t.id).is_some_and(|i| !self.roots[i]))
            .map(|t| t.id.clone())
            .collect();
        if !tags.iter().any(|t| t.core) {
            exemplar_of.push(profile::BACKGROUND.to_string());
        }
        (profile::terms(&doc), exemplar_of)
    }

    /// Tag one paper and also return every candidate with its decision (for `explain`).
    pub fn link(&self, paper: &Paper) -> Linked {
        self.link_doc(&Document::new(paper))
    }

    /// The paper's core candidates with their ranker features, before any ranker decides:
    /// what `eval --train-ranker` learns from.
    pub fn core_candidates(&self, paper: &Paper) -> Vec<CoreCandidate> {
        let doc = Document::new(paper);
        let candidates = self.candidates(&doc);
        self.cores(&doc, &candidates, None)
    }

    /// [`Linker::link`] on a paper already prepared (tokenised once for every stage).
    fn link_doc(&self, doc: &Document) -> Linked {
        let candidates = self.candidates(doc);
        let cores = if self.ranker.is_some() { self.cores(doc, &candidates, self.ranker.as_ref()) } else { Vec::new() };
        let tags = self.tags_from(&candidates, &cores);
        Linked { tags, candidates, cores }
    }

    /// Every concept with mentions in the paper, scored, with its decision.
    fn candidates(&self, doc: &Document) -> Vec<Candidate> {
        let mut mentions = Vec::new();
        self.lexical.find(doc, &mut mentions);
        for m in &self.extra {
            m.find(doc, &mut mentions);
        }
        let blocked = self.apply_definitions(doc, &mut mentions);
        drop_echoes(&mut mentions);
        weaken_contained(&mut mentions);
        let unsupported = self.unsupported_acronyms(&mentions);

        // Group by concept, in a fixed order.
        let mut by_concept: BTreeMap<usize, Vec<&Mention>> = BTreeMap::new();
        for m in &mentions {
            by_concept.entry(m.concept).or_default().push(m);
        }
        let mut candidates = Vec::new();
        for (&concept, ms) in &by_concept {
            let (score, evidence) = score::score(doc, ms, &self.config.weights, self.specificity[concept]);
            let decision = if let Some(why) = blocked.iter().find(|(c, _)| *c == concept).map(|(_, w)| w.clone()) {
                Decision::BlockedByDefinition(why)
            } else if unsupported.contains(&concept) {
                Decision::UnsupportedAcronym
            } else if score >= self.config.min_score {
                Decision::Tagged
            } else {
                Decision::BelowThreshold
            };
            candidates.push(Candidate { concept, score, decision, evidence });
        }
        for (concept, why) in &blocked {
            if !by_concept.contains_key(concept) {
                candidates.push(Candidate { concept: *concept, score: 0.0, decision: Decision::BlockedByDefinition(why.clone()), evidence: Vec::new() });
            }
        }
        candidates
    }

    /// The core candidates of a paper and their features ([`rank::FEATURES`]), with the
    /// ranker's probability when one is given. Roots of the hierarchy are left out.
    fn cores(&self, doc: &Document, candidates: &[Candidate], ranker: Option<&rank::Ranker>) -> Vec<CoreCandidate> {
        let live: Vec<&Candidate> = candidates.iter().filter(|c| c.counts()).collect();
        let first_sentence_end = doc.field(Field::Abstract).map_or(0, |f| f.sentence.iter().position(|&s| s > 0).map_or(usize::MAX, |k| f.words[k].start));
        struct Raw<'a> {
            concept: usize,
            score: f64,
            own: f64,
            branch: f64,
            lexical: Vec<&'a Evidence>,
            own_lexical: Vec<&'a Evidence>,
            scope: f64,
            semantic: f64,
        }
        let mut cores: Vec<usize> = live.iter().flat_map(|c| self.core_of[c.concept].iter().copied()).filter(|&c| !self.roots[c]).collect();
        cores.sort_unstable();
        cores.dedup();
        let closeness = match &self.profiles {
            Some(p) if !cores.is_empty() || self.config.profile_candidates.is_some() => p.closeness(doc, self.ontology.concepts.len()),
            _ => Vec::new(),
        };
        // Core concepts no matcher saw, proposed by how close the paper reads to them.
        let proposed: Vec<usize> = match self.config.profile_candidates {
            Some(z) => (0..closeness.len()).filter(|&c| closeness[c].is_some_and(|x| x.z >= z) && !self.roots[c] && cores.binary_search(&c).is_err()).collect(),
            None => Vec::new(),
        };
        cores.extend(&proposed);
        cores.sort_unstable();
        let votes = match &self.neighbours {
            Some((m, _)) if !cores.is_empty() => m.doc_votes(doc),
            _ => Vec::new(),
        };
        let mut raw: Vec<Raw> = Vec::new();
        for &core in &cores {
            let members: Vec<&&Candidate> = live.iter().filter(|c| self.core_of[c.concept].contains(&core)).collect();
            let own_c = members.iter().find(|c| c.concept == core);
            let own = own_c.map_or(0.0, |c| c.score);
            let branch = members.iter().filter(|c| c.concept != core).map(|c| c.score).fold(0.0, f64::max);
            let or = noisy_or(members.iter().map(|c| c.score));
            let mut lexical: Vec<&Evidence> = members.iter().flat_map(|c| c.evidence.iter()).filter(|e| e.matcher == "lexical").collect();
            lexical.sort_by(|a, b| a.field.cmp(&b.field).then(a.start.cmp(&b.start)).then(a.end.cmp(&b.end)));
            lexical.dedup_by(|a, b| a.field == b.field && a.start == b.start && a.end == b.end);
            let own_lexical: Vec<&Evidence> = own_c.map(|c| c.evidence.iter().filter(|e| e.matcher == "lexical").collect()).unwrap_or_default();
            let of = |matcher: &'static str| members.iter().flat_map(|c| c.evidence.iter()).filter(move |e| e.matcher == matcher);
            let scope = of("scope").map(|e| e.weight).sum();
            let semantic = of("semantic").map(|e| e.weight).fold(0.0, f64::max);
            raw.push(Raw { concept: core, score: own.max(branch).max(or), own, branch, lexical, own_lexical, scope, semantic });
        }
        raw.iter()
            .map(|r| {
                let c = r.concept;
                let profile = closeness.get(c).copied().flatten();
                let narrower = raw.iter().filter(|o| o.concept != c && self.core_ancestors[o.concept].contains(&c)).map(|o| o.score).fold(0.0, f64::max);
                let broader = raw.iter().filter(|o| self.core_ancestors[c].contains(&o.concept)).map(|o| o.score).fold(0.0, f64::max);
                let flag = |b: bool| if b { 1.0 } else { 0.0 };
                let features: rank::Features = [
                    r.score,
                    r.own,
                    r.branch,
                    flag(r.lexical.iter().any(|e| e.field == Field::Title)),
                    flag(r.own_lexical.iter().any(|e| e.field == Field::Title)),
                    (1.0 + r.lexical.len() as f64).ln(),
                    flag(r.lexical.iter().any(|e| e.field == Field::Abstract && e.start < first_sentence_end)),
                    r.scope,
                    narrower,
                    broader,
                    self.core_ancestors[c].len() as f64,
                    r.lexical.iter().map(|e| e.weight).fold(0.0, f64::max),
                    r.semantic,
                    profile.map_or(0.0, |p| p.z),
                    flag(profile.is_some_and(|p| p.closest)),
                    self.neighbours.as_ref().and_then(|(_, slots)| slots[c]).and_then(|s| votes.get(s)).copied().unwrap_or(0.0),
                ];
                // Named only in passing ("unlike RAG pipelines, ..."): left to the score
                // threshold, which passing mentions do not reach, however close the profile.
                let passing_only = !r.lexical.is_empty() && r.lexical.iter().all(|e| e.cue.as_deref().is_some_and(|c| c.starts_with("passing")));
                let ranked = !passing_only && (!r.lexical.is_empty() || r.semantic > 0.0 || profile.is_some());
                let evidence = match &self.profiles {
                    Some(p) if proposed.contains(&c) => p.evidence(doc, c, PROFILE_WORDS).into_iter().map(|w| profile_evidence(w, &self.ontology.concepts[c].pref_label)).collect(),
                    _ => Vec::new(),
                };
                // The offsets were resolved for the linker's own ranker, the only one passed here.
                let probability = ranker.map(|k| k.probability_with_offset(&features, self.offsets.get(c).copied().unwrap_or(0.0)));
                CoreCandidate { concept: c, probability, ranked, features, evidence }
            })
            .collect()
    }

    /// Acronyms the paper defines: a short form whose long form is a label of concept C
    /// becomes a mention of C wherever it is used; an ontology acronym that the paper defines
    /// as something else is blocked for this paper. Returns the blocked (concept, reason).
    fn apply_definitions(&self, doc: &Document, mentions: &mut Vec<Mention>) -> Vec<(usize, String)> {
        let mut blocked = Vec::new();
        for d in &doc.definitions {
            let meant = self.lexical.concepts_for_text(&d.long);
            // Ontology concepts that own this acronym but are not what the paper means: a
            // long form that spells none of their labels, even up to word endings
            // ("electroencephalogram" is what "electroencephalography" names).
            let key = crate::text::acronym_key(&d.short);
            for c in self.lexical.acronym_concepts(&d.short) {
                let spelled = || self.ontology.concepts[c].labels().any(|(l, kind)| kind != LabelKind::Acronym && acronym::same_long_form(l, &d.long));
                if meant.contains(&c) || spelled() {
                    continue;
                }
                // Its mentions through the short form go ("EEG", "EEG signals"); the concept
                // is blocked unless the paper also names it otherwise.
                mentions.retain(|m| m.concept != c || !m.text.split(|ch: char| !ch.is_alphanumeric()).any(|w| crate::text::has_acronym_key(w, &key)));
                if !mentions.iter().any(|m| m.concept == c) && !blocked.iter().any(|(b, _)| *b == c) {
                    blocked.push((c, format!("the paper defines {} as \"{}\"", d.short, d.long)));
                }
            }
            if meant.is_empty() {
                continue;
            }
            for f in &doc.fields {
                for (k, w) in f.words.iter().enumerate() {
                    // The short form inside the definition's parentheses is the same mention as
                    // its long form: not counted twice.
                    if !crate::text::has_acronym_key(&w.text, &key) || (f.field == d.field && w.start == d.short_start) {
                        continue;
                    }
                    for &c in &meant {
                        let exists = mentions.iter().any(|m| m.concept == c && m.field == f.field && m.start == w.start);
                        if !exists {
                            mentions.push(Mention {
                                concept: c,
                                field: f.field,
                                start: w.start,
                                end: w.end,
                                text: w.text.to_string(),
                                rule: Rule::AcronymDefinition,
                                label: d.long.clone(),
                                matcher: "lexical",
                                words: (k, k),
                                label_words: d.long.split_whitespace().count(),
                                strength: 1.0,
                            });
                        }
                    }
                }
            }
        }
        blocked
    }

    /// Concepts seen only through a short, all-capital acronym (`RAG`, `NAS`, `GPS`) with
    /// nothing else in the paper from the same core branch to support that reading.
    fn unsupported_acronyms(&self, mentions: &[Mention]) -> HashSet<usize> {
        let ambiguous = |m: &Mention| m.rule == Rule::Acronym && is_ambiguous_acronym(&m.text);
        let mut out = HashSet::new();
        let concepts: HashSet<usize> = mentions.iter().map(|m| m.concept).collect();
        for &c in &concepts {
            let own: Vec<&Mention> = mentions.iter().filter(|m| m.concept == c).collect();
            if !own.iter().all(|m| ambiguous(m)) {
                continue;
            }
            let branch = &self.core_of[c];
            let related = &self.ontology.concepts[c].related;
            // Support: a concept of the same branch or a related one, or (where a flat label
            // list has neither) another name that contains the acronym as a word ("RDF
            // graphs" for "RDF"), written elsewhere in the paper.
            // (The acronym alone, as another concept's label, is no support.)
            let keys: Vec<String> = own.iter().map(|a| crate::text::acronym_key(&a.text)).collect();
            let names_it = |m: &Mention| {
                let words: Vec<&str> = m.label.split(|ch: char| !ch.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
                words.len() >= 2
                    && own.iter().any(|a| m.field != a.field || m.end <= a.start || m.start >= a.end)
                    && words.iter().any(|w| keys.iter().any(|k| w.eq_ignore_ascii_case(k)))
            };
            let supported = mentions.iter().any(|m| {
                m.concept != c
                    && !ambiguous(m)
                    && (self.core_of[m.concept].iter().any(|x| branch.contains(x)) || related.contains(&m.concept) || self.ontology.concepts[m.concept].related.contains(&c) || names_it(m))
            });
            if !supported {
                out.insert(c);
            }
        }
        out
    }

    /// The tags: tagged candidates, their nearest core concepts (`core-rollup`) and, with
    /// `--broader`, their broader concepts. Sorted by score, then id.
    fn tags_from(&self, candidates: &[Candidate], cores: &[CoreCandidate]) -> Vec<ConceptTag> {
        if let Some(r) = &self.ranker {
            return self.ranked_tags(candidates, cores, r);
        }
        let o = &self.ontology;
        let mut tags: BTreeMap<usize, ConceptTag> = BTreeMap::new();
        let tagged: Vec<&Candidate> = candidates.iter().filter(|c| c.decision == Decision::Tagged).collect();
        for c in &tagged {
            let concept = &o.concepts[c.concept];
            tags.insert(c.concept, ConceptTag { id: concept.id.clone(), label: concept.pref_label.clone(), score: round(c.score), core: concept.core, evidence: c.evidence.clone() });
        }
        for c in &tagged {
            for &core in &self.core_of[c.concept] {
                if core != c.concept {
                    add_derived(o, &mut tags, core, c, Rule::CoreRollup);
                }
            }
        }
        // A core concept is also supported by everything the paper says under it: the
        // noisy-or of the scores of all candidates in its branch (tagged or not), so that
        // several weak mentions of one topic (speculative decoding, early exit) add up.
        if self.config.aggregate {
            let mut branch: BTreeMap<usize, Vec<&Candidate>> = BTreeMap::new();
            for c in candidates.iter().filter(|c| c.counts()) {
                for &core in &self.core_of[c.concept] {
                    branch.entry(core).or_default().push(c);
                }
            }
            for (core, members) in branch {
                if members.len() < 2 {
                    continue;
                }
                let score = noisy_or(members.iter().map(|c| c.score));
                if score < self.config.min_score {
                    continue;
                }
                let t = &o.concepts[core];
                let entry = tags.entry(core).or_insert_with(|| ConceptTag { id: t.id.clone(), label: t.pref_label.clone(), score: 0.0, core: t.core, evidence: Vec::new() });
                if score > entry.score {
                    entry.score = round(score);
                    for m in &members {
                        let via = o.concepts[m.concept].id.clone();
                        for e in m.evidence.iter().take(2) {
                            if entry.evidence.len() < 8 && !entry.evidence.iter().any(|x| x.start == e.start && x.field == e.field) {
                                let rule = if m.concept == core { e.rule } else { Rule::CoreRollup };
                                let via = (m.concept != core).then(|| via.clone());
                                entry.evidence.push(Evidence { rule, via, ..e.clone() });
                            }
                        }
                    }
                }
            }
        }
        // Most specific core concept: a core concept whose narrower core concept is also
        // tagged (reasoning above mathematical-reasoning) stays only when the paper is about it
        // in general too: its own mentions alone reach `general_score`.
        let tagged_cores: Vec<usize> = tags.iter().filter(|(_, t)| t.core).map(|(&i, _)| i).collect();
        for &c in &tagged_cores {
            let has_narrower_core = tagged_cores.iter().any(|&d| d != c && self.core_ancestors[d].contains(&c));
            let own = candidates.iter().find(|x| x.concept == c).map_or(0.0, |x| x.score);
            if has_narrower_core && own < self.config.general_score {
                tags.remove(&c);
            }
        }
        // Broader concepts on request, after the most-specific rule: asked for, they stay.
        self.add_broader(&mut tags, &tagged);
        sorted(tags)
    }

    /// `--broader parent|all`: the broader concepts of each tagged candidate.
    fn add_broader(&self, tags: &mut BTreeMap<usize, ConceptTag>, tagged: &[&Candidate]) {
        let o = &self.ontology;
        for c in tagged {
            let up: Vec<usize> = match self.config.broader {
                BroaderMode::None => Vec::new(),
                BroaderMode::Parent => o.concepts[c.concept].broader.clone(),
                BroaderMode::All => o.ancestors(c.concept),
            };
            for p in up {
                add_derived(o, tags, p, c, Rule::Broader);
            }
        }
    }

    /// The tags when a ranker decides the core concepts: each core concept the ranker keeps,
    /// scored with its probability, with its own evidence and its branch's (`core-rollup`);
    /// every other tagged candidate with a kept core ancestor (or a root one, or none); roots
    /// of the hierarchy by the score threshold as without a ranker.
    fn ranked_tags(&self, candidates: &[Candidate], cores: &[CoreCandidate], r: &rank::Ranker) -> Vec<ConceptTag> {
        let o = &self.ontology;
        let kept: BTreeMap<usize, f64> = cores.iter().filter_map(|c| c.decide(r, self.config.min_score).map(|p| (c.concept, p))).collect();
        // A root above a kept core concept stays only when the paper is about it in general
        // too: its own mentions reach `general_score` (the most-specific rule of
        // [`Linker::tags_from`]).
        let root_stays = |root: usize| {
            let own = candidates.iter().find(|c| c.concept == root).map_or(0.0, |c| c.score);
            own >= self.config.general_score || !kept.keys().any(|&k| self.core_ancestors[k].contains(&root))
        };
        let mut tags: BTreeMap<usize, ConceptTag> = BTreeMap::new();
        let mut tagged: Vec<&Candidate> = Vec::new();
        for c in candidates.iter().filter(|c| c.decision == Decision::Tagged) {
            let concept = &o.concepts[c.concept];
            if concept.core && !self.roots[c.concept] {
                continue;
            }
            let under = &self.core_ancestors[c.concept];
            if !(under.is_empty() || under.iter().any(|k| self.roots[*k] || kept.contains_key(k))) || (self.roots[c.concept] && !root_stays(c.concept)) {
                continue;
            }
            tags.insert(c.concept, ConceptTag { id: concept.id.clone(), label: concept.pref_label.clone(), score: round(c.score), core: concept.core, evidence: c.evidence.clone() });
            tagged.push(c);
        }
        for c in &tagged {
            for &root in self.core_of[c.concept].iter().filter(|&&k| self.roots[k] && k != c.concept && root_stays(k)) {
                add_derived(o, &mut tags, root, c, Rule::CoreRollup);
            }
        }
        for (&core, &p) in &kept {
            let t = &o.concepts[core];
            let mut evidence: Vec<Evidence> = candidates.iter().filter(|c| c.counts()).find(|c| c.concept == core).map(|c| c.evidence.clone()).unwrap_or_default();
            if let Some(k) = cores.iter().find(|k| k.concept == core) {
                evidence.extend(k.evidence.iter().cloned());
            }
            // Every tagged concept of the branch says where the core concept comes from (its
            // provenance); weaker ones while there is room.
            let mut members: Vec<&Candidate> = candidates.iter().filter(|c| c.counts() && c.concept != core && self.core_of[c.concept].contains(&core)).collect();
            members.sort_by_key(|c| c.decision != Decision::Tagged);
            for m in members {
                let via = o.concepts[m.concept].id.as_str();
                for e in m.evidence.iter().take(2) {
                    if m.decision == Decision::Tagged || evidence.len() < 8 {
                        push_via(&mut evidence, e, Rule::CoreRollup, via);
                    }
                }
            }
            tags.insert(core, ConceptTag { id: t.id.clone(), label: t.pref_label.clone(), score: round(p), core: true, evidence });
            if let Some(c) = candidates.iter().find(|c| c.concept == core) {
                tagged.push(c);
            }
        }
        self.add_broader(&mut tags, &tagged);
        sorted(tags)
    }
}

/// How many of the paper's words a profile-proposed concept cites as evidence.
const PROFILE_WORDS: usize = 3;

fn profile_evidence(w: profile::ProfileWord, label: &str) -> Evidence {
    Evidence {
        field: w.field,
        start: w.start,
        end: w.end,
        text: w.text,
        rule: Rule::Profile,
        label: Some(format!("{label} profile: {}", w.stem)),
        matcher: "profile",
        weight: (w.share * 1000.0).round() / 1000.0,
        cue: None,
        via: None,
    }
}

/// The probability that at least one of independent pieces of evidence holds: `1 - prod(1 - w)`.
fn noisy_or(weights: impl Iterator<Item = f64>) -> f64 {
    1.0 - weights.map(|w| 1.0 - w).product::<f64>()
}

/// The tags, best first, then by id.
fn sorted(tags: BTreeMap<usize, ConceptTag>) -> Vec<ConceptTag> {
    let mut out: Vec<ConceptTag> = tags.into_values().collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    out
}

/// Add (or raise) a concept reached from a tagged one: it is at least as present as its
/// descendant, so its score is the best of its own and theirs, and the evidence says where
/// it came from.
fn add_derived(o: &Ontology, tags: &mut BTreeMap<usize, ConceptTag>, target: usize, from: &Candidate, rule: Rule) {
    let src = &o.concepts[from.concept];
    let entry = tags.entry(target).or_insert_with(|| {
        let t = &o.concepts[target];
        ConceptTag { id: t.id.clone(), label: t.pref_label.clone(), score: 0.0, core: t.core, evidence: Vec::new() }
    });
    entry.score = entry.score.max(round(from.score));
    for e in from.evidence.iter().take(3) {
        if entry.evidence.len() < 8 {
            push_via(&mut entry.evidence, e, rule, &src.id);
        }
    }
}

/// Add evidence `e` of concept `via` to a derived tag's evidence (rule `rule`), unless that
/// mention already came through `via`.
fn push_via(evidence: &mut Vec<Evidence>, e: &Evidence, rule: Rule, via: &str) {
    if !evidence.iter().any(|x| x.start == e.start && x.field == e.field && x.via.as_deref() == Some(via)) {
        evidence.push(Evidence { rule, label: None, cue: None, via: Some(via.to_string()), ..e.clone() });
    }
}

/// Short all-capital acronyms are read as a concept only with support from the paper.
pub fn is_ambiguous_acronym(text: &str) -> bool {
    let key = crate::text::acronym_key(text);
    key.chars().count() <= 3 && key.chars().all(|c| c.is_ascii_uppercase())
}

/// A semantic mention adds what string matching did not see: one whose span holds a
/// string-matched mention of the same concept (a phrase or sentence that writes the label)
/// would count that evidence twice, and is dropped.
fn drop_echoes(mentions: &mut Vec<Mention>) {
    let written: Vec<(usize, Field, usize, usize)> = mentions.iter().filter(|m| m.matcher == "lexical").map(|m| (m.concept, m.field, m.start, m.end)).collect();
    mentions.retain(|m| m.matcher != "semantic" || !written.iter().any(|&(c, f, s, e)| c == m.concept && f == m.field && s >= m.start && e <= m.end));
}

/// A mention inside a longer mention in the same field ("KV cache" inside "KV cache
/// quantization") still names its concept, but less: the longer, more specific label
/// carries the phrase. Its strength is halved.
fn weaken_contained(mentions: &mut [Mention]) {
    // A semantic mention spans a whole sentence: it contains the words, it does not read them
    // as part of a longer name.
    let spans: Vec<(Field, usize, usize)> = mentions.iter().filter(|m| m.matcher != "semantic").map(|m| (m.field, m.start, m.end)).collect();
    for m in mentions.iter_mut() {
        if spans.iter().any(|&(f, s, e)| f == m.field && s <= m.start && e >= m.end && e - s > m.end - m.start) {
            m.strength *= 0.5;
        }
    }
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ontology::OntologySpec;

    fn linker() -> Linker {
        Linker::new(Ontology::load(&[OntologySpec::Bundled]).unwrap(), LinkConfig::default())
    }

    #[test]
    fn a_semantic_mention_over_a_string_match_of_its_concept_is_dropped() {
        let m = |concept, field, start, end, matcher| Mention { matcher, ..Mention::new(concept, field, start, end, String::new(), Rule::Semantic, String::new(), (0, 0), 2) };
        let mut ms = vec![
            m(1, Field::Abstract, 10, 18, "lexical"),
            m(1, Field::Abstract, 0, 40, "semantic"),
            m(2, Field::Abstract, 0, 40, "semantic"),
            m(1, Field::Title, 0, 40, "semantic"),
            m(1, Field::Abstract, 20, 40, "semantic"),
        ];
        drop_echoes(&mut ms);
        let kept: Vec<(usize, Field, usize)> = ms.iter().map(|x| (x.concept, x.field, x.start)).collect();
        assert_eq!(kept, [(1, Field::Abstract, 10), (2, Field::Abstract, 0), (1, Field::Title, 0), (1, Field::Abstract, 20)]);
    }

    fn paper(title: &str, abs: &str) -> Paper {
        Paper { id: "p".into(), title: title.into(), abstract_text: abs.into(), ..Default::default() }
    }

    fn ids(t: &Tagged) -> Vec<&str> {
        let mut v: Vec<&str> = t.concepts.iter().map(|c| c.id.as_str()).collect();
        v.sort();
        v
    }

    /// The linker `tag` runs: the bundled ranker, with the bundled profiles it was trained with.
    fn ranked() -> Linker {
        let l = linker().with_ranker(Some(rank::Ranker::bundled()));
        let profiles = profile::Profiles::bundled(l.ontology());
        l.with_profiles(Some(profiles))
    }

    #[test]
    fn the_ranker_decides_named_core_concepts_and_explains_them() {
        let l = ranked();
        assert!(l.version().contains(&format!("+ranker:{}+profiles:", rank::Ranker::bundled().id())), "{}", l.version());
        let p = paper("PagedAttention for KV Cache Serving", "We propose a KV cache manager. We evaluate it on HumanEval.");
        let linked = l.link(&p);
        let core = |id: &str| linked.cores.iter().find(|c| l.ontology().concepts[c.concept].id == id);
        let kv = core("kv-cache").expect("a core candidate");
        assert!(kv.ranked && kv.probability.unwrap() >= l.ranker().unwrap().threshold);
        let tag = linked.tags.iter().find(|t| t.id == "kv-cache").expect("kept");
        assert_eq!(tag.score, round(kv.probability.unwrap()), "a kept core concept is scored with its probability");
        assert!(tag.evidence.iter().any(|e| e.via.as_deref() == Some("paged-attention")), "its branch is its provenance");
        // A benchmark the paper only evaluates on is named, weighed, and not its subject.
        let bench = core("code-benchmarks").expect("weighed");
        assert!(bench.probability.unwrap() < l.ranker().unwrap().threshold);
        assert!(!linked.tags.iter().any(|t| t.id == "code-benchmarks" || t.id == "humaneval"), "{:?}", ids(&l.tag(&p)));
        // The same paper without a ranker: every candidate at the threshold.
        let plain = linker().link(&p);
        assert!(!plain.tags.is_empty() && plain.cores.is_empty());
    }

    #[test]
    fn concepts_seen_only_by_the_scope_matcher_are_left_to_the_threshold() {
        // Without profiles (with them, their closeness is a sign the ranker weighs).
        let l = linker().with_ranker(Some(rank::Ranker::bundled()));
        let p = paper("Critical quasilinear equations on Riemannian manifolds", "We solve partial differential equations on compact spaces with linear and nonlinear terms.");
        let linked = l.link(&p);
        for c in &linked.cores {
            assert!(!c.ranked, "{}", l.ontology().concepts[c.concept].id);
            assert_eq!(c.decide(l.ranker().unwrap(), l.config().min_score).is_some(), c.score() >= l.config().min_score);
        }
        assert!(linked.tags.iter().all(|t| !t.core || t.score >= l.config().min_score), "{:?}", linked.tags);
    }

    #[test]
    fn an_ontology_without_core_concepts_ignores_the_ranker() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("labels.txt");
        std::fs::write(&path, "key-value cache\nmixture of experts\n").unwrap();
        let o = Ontology::load(&[OntologySpec::File(path)]).unwrap();
        let plain = Linker::new(o.clone(), LinkConfig::default());
        let with = Linker::new(o, LinkConfig::default()).with_ranker(Some(rank::Ranker::bundled()));
        assert!(with.ranker().is_none());
        assert_eq!(with.version(), plain.version());
        let p = paper("Key-value cache eviction", "We evict entries of the key-value cache.");
        assert_eq!(with.tag(&p), plain.tag(&p));
    }

    #[test]
    fn variants_of_a_label_meet() {
        let l = linker();
        for title in ["Compressing the KV cache", "Compressing key-value caches", "Compressing the KV-Cache", "Compressing Key Value Cache"] {
            let t = l.tag(&paper(title, ""));
            assert!(ids(&t).contains(&"kv-cache") || ids(&t).contains(&"kv-cache-compression"), "{title}: {:?}", ids(&t));
        }
    }

    #[test]
    fn finer_concepts_roll_up_to_their_core_concept() {
        let l = linker();
        let t = l.tag(&paper("PagedAttention for serving", "We build on PagedAttention."));
        let kv = t.concepts.iter().find(|c| c.id == "kv-cache").expect("kv-cache rolled up");
        assert_eq!(kv.evidence[0].rule, Rule::CoreRollup);
        assert_eq!(kv.evidence[0].via.as_deref(), Some("paged-attention"));
    }

    #[test]
    fn defined_acronym_is_not_another_concepts_acronym() {
        let l = linker();
        // MoS defined as Mixture of Shards: no mixture-of-experts from "MoS".
        let t = l.tag(&paper("Mixture of Shards", "We propose Mixture of Shards (MoS). MoS shares parameters. MoS is efficient."));
        assert!(!ids(&t).contains(&"mixture-of-experts"), "{:?}", ids(&t));
        // A short form the ontology does not know, defined by a label: later uses count.
        let t = l.tag(&paper("Adapters", "We revisit low-rank adaptation (LRA). LRA adapters are small."));
        let lora = t.concepts.iter().find(|c| c.evidence.iter().any(|e| e.rule == Rule::AcronymDefinition)).expect("tagged via the definition");
        assert!(lora.evidence.iter().any(|e| e.text == "LRA" && e.start == 38), "{:?}", lora.evidence);
        assert!(!lora.evidence.iter().any(|e| e.start == 32), "the definition itself is not a second mention");
    }

    #[test]
    fn a_definition_that_spells_a_label_up_to_word_endings_blocks_nothing() {
        let l = linker();
        // EEG defined as "electroencephalogram", a label written "electroencephalography":
        // the same thing, so "EEG signals" still names physiological signals.
        let t = l.tag(&paper("Sleep apnea classification from EEG signals", "Apnea shows in electroencephalogram (EEG) signals. We classify EEG recordings."));
        assert!(ids(&t).contains(&"physiological-signals"), "{:?}", ids(&t));
        // A long form that is something else still blocks the concept's short-form mentions,
        // "EEG signals" among them ...
        let t = l.tag(&paper("Sleep apnea classification from EEG signals", "We use the extended event graph (EEG). EEG signals flow along its edges."));
        assert!(!ids(&t).contains(&"physiological-signals"), "{:?}", ids(&t));
        // ... and none of its other acronyms ("ECG").
        let t = l.tag(&paper("ECG arrhythmia detection with time series models", "We use the extended event graph (EEG) over ECG recordings, a physiological time series."));
        assert!(ids(&t).contains(&"physiological-signals"), "{:?}", ids(&t));
        // ... nor a mention that names the concept in full.
        let t = l.tag(&paper("Electroencephalography for sleep apnea", "We use the extended event graph (EEG) over electroencephalography recordings."));
        assert!(ids(&t).contains(&"physiological-signals"), "{:?}", ids(&t));
    }

    #[test]
    fn short_acronyms_need_support() {
        let l = linker();
        let cands = l.link(&paper("A GPS tracker for hikers", "GPS data from phones.")).candidates;
        assert!(cands.iter().all(|c| c.decision != Decision::Tagged || !is_ambiguous_acronym(&c.evidence[0].text)), "{cands:?}");
    }

    #[test]
    fn a_name_that_contains_a_short_acronym_supports_it() {
        // A flat label list has no branches or related concepts to support "RDF": another
        // name written with it does ("RDF graphs"), at another place in the paper.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("labels.csv");
        std::fs::write(&path, "label\nresource description framework (rdf)\nrdf graphs\nsparql\nrdf\n").unwrap();
        let l = Linker::new(Ontology::load(&[OntologySpec::File(path)]).unwrap(), LinkConfig::default());
        let rdf = |t: &Tagged| t.concepts.iter().any(|c| c.id == "resource-description-framework-rdf");
        assert!(rdf(&l.tag(&paper("Querying RDF graphs", "We store RDF in a column store."))));
        assert!(!rdf(&l.tag(&paper("Querying RDF at scale", "We answer SPARQL queries over RDF."))), "SPARQL names no RDF, nor does the label `rdf`");
        let cands = l.link(&paper("Querying RDF at scale", "We answer SPARQL queries over RDF.")).candidates;
        assert!(cands.iter().any(|c| c.decision == Decision::UnsupportedAcronym), "{cands:?}");
    }

    #[test]
    fn passing_mentions_count_less() {
        let l = linker();
        let central = l.tag(&paper("Efficient routing", "We study mixture of experts models. Our mixture of experts router is fast."));
        let passing = l.tag(&paper("Efficient routing", "Unlike mixture of experts models, our dense model is simple."));
        assert!(ids(&central).contains(&"mixture-of-experts"));
        assert!(!ids(&passing).contains(&"mixture-of-experts"), "{:?}", passing.concepts);
    }

    #[test]
    fn math_is_not_mined() {
        let l = linker();
        let mut p = paper("Bounds", "We prove $\\mathrm{KV cache}$ bounds.");
        p.math_spans.abstract_text = vec![[9, 31]];
        assert!(l.tag(&p).concepts.is_empty());
    }

    #[test]
    fn the_most_specific_core_concept_wins() {
        let l = linker();
        let t = l.tag(&paper("Mathematical reasoning with small models", "We improve mathematical reasoning of small models on GSM8K word problems."));
        let ids = ids(&t);
        assert!(ids.contains(&"mathematical-reasoning"), "{ids:?}");
        assert!(!ids.contains(&"reasoning"), "reasoning only inside 'mathematical reasoning': {ids:?}");
    }

    #[test]
    fn cased_names_match_case_sensitively() {
        let l = linker();
        let mentioned = |abs: &str| -> Vec<String> { l.mentioned(&paper("T", abs)).iter().map(|&i| l.ontology().concepts[i].id.clone()).collect() };
        assert!(mentioned("We evaluate on MultiPL-E and HumanEval.").contains(&"multipl-e".to_string()));
        assert!(!mentioned("We evaluate on multiple benchmarks.").contains(&"multipl-e".to_string()));
    }

    #[test]
    fn label_words_span_text_words_only_when_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.txt");
        std::fs::write(&path, "inas\npretraining\n").unwrap();
        let l = Linker::new(Ontology::load(&[OntologySpec::File(path)]).unwrap(), LinkConfig { scope: false, ..Default::default() });
        let found = |abs: &str| l.mentioned(&paper("T", abs)).len();
        assert_eq!(found("results in as few steps"), 0, "'in as' is not 'inas'");
        assert_eq!(found("the INAS method"), 1);
        assert_eq!(found("large-scale pre training"), 1, "'pre training' is 'pretraining'");
    }

    #[test]
    fn tagging_is_deterministic_and_carries_the_version() {
        let l = linker();
        let p = paper("Speculative decoding with draft models", "We study speculative decoding and KV cache reuse.");
        let a = serde_json::to_string(&l.tag(&p)).unwrap();
        let b = serde_json::to_string(&l.tag(&p)).unwrap();
        assert_eq!(a, b);
        assert!(a.contains("\"ontology\":\"bundled@1."));
    }
}
