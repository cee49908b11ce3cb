//! The report's view of a corpus: per paper only what trends and briefs read (dates,
//! categories, authors, concept tags with their strongest evidence, keyphrases, entities),
//! from tagged papers in memory ([`prepare`] + [`CorpusBuilder`]) or from a store
//! ([`super::store::load_corpus`]).

use super::period::day_range;
use crate::link::Tagged;
use crate::model::{DatePrecision, PartialDate, Paper};
use crate::ontology::Ontology;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// Which date places a paper in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DateBasis {
    /// The paper's own date ([`Paper::date`]: published, or the month its arXiv id encodes,
    /// else the listing date, else the update date).
    #[default]
    Published,
    /// The date it was listed (Hugging Face daily papers, a crawler's first sighting).
    Listed,
}

impl FromStr for DateBasis {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "published" | "paper" | "own" => Ok(DateBasis::Published),
            "listed" | "listing" | "crawl" => Ok(DateBasis::Listed),
            _ => Err(format!("unknown date basis {s:?}: use published or listed")),
        }
    }
}

impl fmt::Display for DateBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DateBasis::Published => "published",
            DateBasis::Listed => "listed",
        })
    }
}

/// One concept as reports name it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ConceptMeta {
    pub id: String,
    pub label: String,
    /// Indices of broader concepts in [`Corpus::concepts`].
    #[serde(skip)]
    pub broader: Vec<usize>,
    /// Every other label (alt, hidden, acronyms): a keyphrase equal to one is no new term.
    #[serde(skip)]
    pub names: Vec<String>,
}

/// Why a paper has a concept: the strongest mention, as the linker or the store gives it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TagEvidence {
    /// `title`, `abstract` or `keywords` (empty for roll-ups to a broader concept).
    pub field: String,
    /// The quoted text, or for roll-ups the concept it was rolled up from.
    pub text: String,
    /// The linker's rule: `prefLabel`, `altLabel`, `acronym`, `core-rollup`, ...
    pub rule: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportTag {
    /// Index in [`Corpus::concepts`].
    pub concept: u32,
    pub score: f32,
    pub evidence: Option<Box<TagEvidence>>,
}

/// A named artifact a paper uses (dataset, model, metric, method), from the extraction stage.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EntityMention {
    /// Lowercase type: `dataset`, `model`, `metric`, `method`, ...
    pub kind: String,
    pub name: String,
}

/// One paper as reports see it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportPaper {
    pub id: String,
    pub title: String,
    /// Where a reader finds it (the arXiv abstract page, a DOI link).
    pub url: Option<String>,
    /// The paper's own date ([`Paper::date`]).
    pub date: Option<PartialDate>,
    pub listed: Option<PartialDate>,
    pub categories: Vec<String>,
    /// Author names in order.
    pub authors: Vec<String>,
    pub tags: Vec<ReportTag>,
    /// Keyphrases not linked to a concept (author keywords, extracted keyphrases).
    pub phrases: Vec<String>,
    pub entities: Vec<EntityMention>,
}

impl ReportPaper {
    pub fn date_for(&self, basis: DateBasis) -> Option<PartialDate> {
        match basis {
            DateBasis::Published => self.date,
            DateBasis::Listed => self.listed,
        }
    }

    pub fn tag(&self, concept: u32) -> Option<&ReportTag> {
        self.tags.iter().find(|t| t.concept == concept)
    }
}

/// Which papers a report covers, applied as papers are loaded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    /// arXiv categories (`cs.CL`) or archives (`cs`): a paper is kept when any of its
    /// categories matches. Empty: every paper.
    pub categories: Vec<String>,
    /// Match `categories` against each paper's primary category only (the first listed, as
    /// arXiv's own listings count a paper), not any of its categories.
    pub primary: bool,
    /// A paper is in range when all of its (possibly partial) date is: `--since 2025-10`
    /// keeps `2025-10` and `2025-10-03`; `--since 2025-10-15` leaves out a month-only
    /// `2025-10`.
    pub since: Option<PartialDate>,
    pub until: Option<PartialDate>,
    pub basis: DateBasis,
}

/// Why a paper was left out at loading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    Category,
    /// Dated outside `--since`/`--until`.
    Range,
    /// No date of the chosen basis while a range was asked for.
    Undated,
}

impl Selection {
    /// `categories`: the paper's, its primary category first.
    pub fn check(&self, categories: &[String], date: Option<PartialDate>) -> Result<(), Skip> {
        let categories = if self.primary { &categories[..categories.len().min(1)] } else { categories };
        if !self.categories.is_empty() && !categories.iter().any(|c| self.categories.iter().any(|want| c == want || c.split('.').next() == Some(want.as_str()))) {
            return Err(Skip::Category);
        }
        if self.since.is_none() && self.until.is_none() {
            return Ok(());
        }
        let Some(d) = date else { return Err(Skip::Undated) };
        let (first, last) = day_range(d);
        if self.since.is_some_and(|s| first < day_range(s).0) || self.until.is_some_and(|u| last > day_range(u).1) {
            return Err(Skip::Range);
        }
        Ok(())
    }
}

/// Counts of papers left out at loading.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub category: u64,
    pub range: u64,
    pub undated: u64,
}

/// The papers and concepts a report is made from.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub concepts: Vec<ConceptMeta>,
    pub papers: Vec<ReportPaper>,
    /// The latest day-precision date seen in the input (any kind, before selection): the
    /// data's "as of" date, which tells whether the last period is complete.
    pub as_of: Option<PartialDate>,
    /// Papers read, before the selection.
    pub read: u64,
    pub skipped: Skipped,
    /// Where the papers came from, for the report header (`output/store`, input paths).
    pub source: String,
}

impl Corpus {
    /// The index of a concept by id, or by label (case-insensitive), or `None`.
    pub fn concept_index(&self, name: &str) -> Option<usize> {
        let slug = name.rsplit(['/', '#']).next().unwrap_or(name);
        self.concepts
            .iter()
            .position(|c| c.id == name || c.id == slug)
            .or_else(|| self.concepts.iter().position(|c| c.label.eq_ignore_ascii_case(name.trim())))
            .or_else(|| {
                let normal = |s: &str| s.to_lowercase().replace(['-', '_'], " ");
                self.concepts.iter().position(|c| normal(&c.id) == normal(name) || normal(&c.label) == normal(name))
            })
    }

    /// Up to five concept ids close to `name` (prefix, substring or edit distance), for
    /// "did you mean".
    pub fn suggest(&self, name: &str) -> Vec<String> {
        let want = name.to_lowercase();
        let mut scored: Vec<(f64, &str)> = self
            .concepts
            .iter()
            .map(|c| {
                let id = c.id.to_lowercase();
                let label = c.label.to_lowercase();
                let contains = id.contains(&want) || label.contains(&want) || want.contains(&id);
                let sim = strsim::jaro_winkler(&want, &id).max(strsim::jaro_winkler(&want, &label));
                (if contains { sim + 1.0 } else { sim }, c.id.as_str())
            })
            .filter(|(s, _)| *s >= 0.85)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        scored.into_iter().take(5).map(|(_, id)| id.to_string()).collect()
    }

    /// Whether `a` is `b` or one of its ancestors along `broader`.
    pub fn is_ancestor_or_self(&self, a: usize, b: usize) -> bool {
        let mut stack = vec![b];
        let mut seen = vec![false; self.concepts.len()];
        while let Some(c) = stack.pop() {
            if c == a {
                return true;
            }
            if !std::mem::replace(&mut seen[c], true) {
                stack.extend(self.concepts[c].broader.iter().copied());
            }
        }
        false
    }
}

/// What [`prepare`] made of one input paper.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The paper's latest day-precision date of any kind, for [`Corpus::as_of`].
    pub latest: Option<PartialDate>,
    pub outcome: Result<ReportPaper, Skip>,
}

/// The latest day-precision date a paper carries (published, listed, updated, id month).
pub fn latest_day(p: &Paper) -> Option<PartialDate> {
    [p.published, p.listed, p.updated].into_iter().flatten().filter(|d| d.precision() == DatePrecision::Day).max()
}

/// Check `paper` against the selection and, when kept, tag it with `tag` and keep what
/// reports read. Pure per paper, so the CLI runs it in parallel; `tag` is only called for
/// kept papers.
pub fn prepare(paper: &Paper, selection: &Selection, ontology: &Ontology, tag: impl FnOnce(&Paper) -> Tagged) -> Prepared {
    let latest = latest_day(paper);
    let date = match selection.basis {
        DateBasis::Published => paper.date(),
        DateBasis::Listed => paper.listed,
    };
    if let Err(skip) = selection.check(&paper.categories, date) {
        return Prepared { latest, outcome: Err(skip) };
    }
    let tagged = tag(paper);
    Prepared { latest, outcome: Ok(from_tagged(paper, &tagged, ontology)) }
}

/// The report's record of a paper and its tags (concept ids resolved in `ontology`; tags of
/// unknown concepts are dropped).
pub fn from_tagged(paper: &Paper, tagged: &Tagged, ontology: &Ontology) -> ReportPaper {
    let tags = tagged
        .concepts
        .iter()
        .filter_map(|t| {
            let concept = u32::try_from(ontology.index_of(&t.id)?).ok()?;
            let best = t.evidence.iter().max_by(|a, b| a.weight.total_cmp(&b.weight));
            let evidence = best.map(|e| {
                let text = if e.text.is_empty() { e.via.clone().unwrap_or_default() } else { e.text.clone() };
                Box::new(TagEvidence { field: e.field.name().to_string(), text, rule: e.rule.name().to_string() })
            });
            Some(ReportTag { concept, score: t.score as f32, evidence })
        })
        .collect();
    let mut phrases = paper.keywords.clone();
    // Emerging terms are the phrases the ontology does not have: linked keyphrases are left out.
    phrases.extend(tagged.keywords.iter().filter(|k| k.concept.is_none()).map(|k| k.text.clone()));
    let url = paper.links.abs.clone().or_else(|| paper.ids.arxiv.as_ref().map(|a| format!("https://arxiv.org/abs/{a}"))).or_else(|| paper.ids.doi.as_ref().map(|d| format!("https://doi.org/{d}")));
    ReportPaper {
        id: paper.id.clone(),
        title: paper.title.clone(),
        url,
        date: paper.date(),
        listed: paper.listed,
        categories: paper.categories.clone(),
        authors: paper.authors.iter().map(|a| a.name.clone()).collect(),
        tags,
        phrases,
        entities: {
            let mut e: Vec<EntityMention> = tagged.entities.iter().map(|e| EntityMention { kind: e.kind.name().to_string(), name: e.text.clone() }).collect();
            e.sort();
            e.dedup();
            e
        },
    }
}

/// Entities from the `entities` of tag output: objects with a type under `type`, `kind` or
/// `label` and a name under `canonical`, `name` or `text`.
///
/// This is the one place the entity extractor's output enters reports.
pub fn entities_from_values(values: &[serde_json::Value]) -> Vec<EntityMention> {
    let mut out: Vec<EntityMention> = values
        .iter()
        .filter_map(|v| {
            let o = v.as_object()?;
            let kind = ["type", "kind", "label"].iter().find_map(|k| o.get(*k).and_then(|t| t.as_str()))?;
            let name = ["canonical", "name", "text"].iter().find_map(|k| o.get(*k).and_then(|t| t.as_str()))?;
            Some(EntityMention { kind: kind.to_lowercase(), name: name.to_string() })
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Collects prepared papers into a [`Corpus`], in the order they are pushed.
pub struct CorpusBuilder {
    corpus: Corpus,
}

impl CorpusBuilder {
    pub fn new(concepts: Vec<ConceptMeta>, source: impl Into<String>) -> Self {
        CorpusBuilder { corpus: Corpus { concepts, source: source.into(), ..Default::default() } }
    }

    /// The concepts of an ontology, in its order (so tag indices are ontology indices).
    pub fn from_ontology(ontology: &Ontology, source: impl Into<String>) -> Self {
        let concepts = ontology
            .concepts
            .iter()
            .map(|c| ConceptMeta {
                id: c.id.clone(),
                label: if c.pref_label.is_empty() { c.id.clone() } else { c.pref_label.clone() },
                broader: c.broader.clone(),
                names: c.labels().map(|(l, _)| l.to_string()).collect(),
            })
            .collect();
        Self::new(concepts, source)
    }

    pub fn push(&mut self, p: Prepared) {
        self.corpus.read += 1;
        if let Some(d) = p.latest {
            if self.corpus.as_of.is_none_or(|a| d > a) {
                self.corpus.as_of = Some(d);
            }
        }
        match p.outcome {
            Ok(paper) => self.corpus.papers.push(paper),
            Err(Skip::Category) => self.corpus.skipped.category += 1,
            Err(Skip::Range) => self.corpus.skipped.range += 1,
            Err(Skip::Undated) => self.corpus.skipped.undated += 1,
        }
    }

    pub fn finish(self) -> Corpus {
        self.corpus
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_by_category_and_whole_date() {
        let sel = Selection { categories: vec!["cs.CL".into(), "stat".into()], since: "2025-10".parse().ok(), until: "2026-03".parse().ok(), basis: DateBasis::Published, ..Default::default() };
        let d = |s: &str| s.parse::<PartialDate>().ok();
        assert_eq!(sel.check(&["cs.CL".into()], d("2025-10")), Ok(()));
        assert_eq!(sel.check(&["stat.ML".into()], d("2026-03-31")), Ok(()));
        assert_eq!(sel.check(&["cs.LG".into()], d("2025-10")), Err(Skip::Category));
        assert_eq!(sel.check(&["cs.CL".into()], d("2025-09-30")), Err(Skip::Range));
        assert_eq!(sel.check(&["cs.CL".into()], d("2026")), Err(Skip::Range), "a year-only date is not wholly in range");
        assert_eq!(sel.check(&["cs.CL".into()], None), Err(Skip::Undated));
        assert_eq!(Selection::default().check(&[], None), Ok(()));
        // Primary only: a cs.CL paper cross-listed in cs.LG is not a cs.LG paper.
        let sel = Selection { categories: vec!["cs.LG".into()], primary: true, ..Default::default() };
        assert_eq!(sel.check(&["cs.CL".into(), "cs.LG".into()], None), Err(Skip::Category));
        assert_eq!(sel.check(&["cs.LG".into(), "cs.CL".into()], None), Ok(()));
        assert_eq!(sel.check(&[], None), Err(Skip::Category));
        assert_eq!(Selection { primary: true, ..Default::default() }.check(&["math.AP".into()], None), Ok(()));
    }

    #[test]
    fn entities_from_tag_output() {
        let ents: Vec<serde_json::Value> = serde_json::from_str(r#"[{"type": "Dataset", "text": "GSM8K"}, {"kind": "model", "canonical": "Llama-3-8B", "text": "LLaMA 3 8B"}, {"type": "dataset", "text": "GSM8K"}, {"text": "no type"}]"#).unwrap();
        let got: Vec<(String, String)> = entities_from_values(&ents).into_iter().map(|e| (e.kind, e.name)).collect();
        assert_eq!(got, [("dataset".to_string(), "GSM8K".to_string()), ("model".to_string(), "Llama-3-8B".to_string())]);
    }
}
