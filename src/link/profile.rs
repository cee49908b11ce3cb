//! Concept profiles: how the papers about a core concept read, learnt from a corpus.
//!
//! A paper can be about a concept without writing its labels ("question synthesis" for
//! synthetic data, "federated full-parameter tuning" for federated learning). The other words
//! of such a paper are those of the papers that do name the concept. A profile is the
//! centroid (Rocchio) of the TF-IDF vectors of exemplar papers: papers of a reference corpus
//! whose title names the concept (distant supervision by the lexical matcher, so a user's own
//! ontology can have profiles built the same way). A paper's closeness to each profile is
//! compared across the profiled concepts (a z-score, and whether the concept is the closest):
//! two features of the core-concept ranker ([`crate::link::rank`]), not mentions, so a
//! profile never tags a concept by itself.
//!
//! The bundled table (`data/concept-profiles.tsv.gz`) is built over the CC0 arXiv corpus by
//! `topicgraph stats --build-profiles FILE` ([`ProfileBuilder`]). Rows: `idf<TAB>stem<TAB>idf` for
//! every stem a profile uses, and `p<TAB>concept<TAB>stem<TAB>weight`; comment lines start
//! with `#`. Sorted: the same corpus gives the same bytes.

use crate::embed::fnv1a;
use crate::extract::keyphrase::stopwords::STOPWORDS;
use crate::link::document::{Document, Field};
use crate::ontology::Ontology;
use rustc_hash::FxHashMap as HashMap;
use std::collections::{BTreeMap, BinaryHeap};
use std::fmt::Write as _;

/// The bundled table, gzipped.
pub const BUNDLED_GZ: &[u8] = include_bytes!("../../data/concept-profiles.tsv.gz");

/// The loaded profiles, resolved against an ontology.
#[derive(Debug, Clone)]
pub struct Profiles {
    /// Stem -> (index into `concepts`, idf * profile weight).
    index: HashMap<String, Vec<(u32, f64)>>,
    /// The ontology concepts that have a profile, in table order.
    concepts: Vec<usize>,
    /// The slot of the background profile (papers about none of the core concepts), after
    /// the concepts' slots, when the table has one.
    background: Option<u32>,
    /// A short hash of the table, for the tagging version.
    id: String,
}

/// The concept id under which the table holds the background profile: papers of the
/// corpus about none of the core concepts (a paper outside the field is closest to it).
pub const BACKGROUND: &str = "-";

/// What a paper's words say of one profiled concept.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Closeness {
    /// How much closer the paper is to this profile than to the background profile (without
    /// one, than to the average profile), in standard deviations of its closeness to all.
    pub z: f64,
    /// The concept's is the paper's closest profile (the background included).
    pub closest: bool,
}

/// A word of the paper that brings it close to a concept's profile.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileWord {
    pub field: Field,
    /// Its first occurrence, in code points.
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub stem: String,
    /// Its share of the paper's similarity to the profile.
    pub share: f64,
}

/// The stems a profile counts: 3+ characters, not numbers, not stopwords.
fn counted(stem: &str) -> bool {
    stem.len() >= 3 && stem.bytes().any(|b| b.is_ascii_alphabetic()) && !STOPWORDS.contains(&stem)
}

/// The words a profile reads: those of the title and the abstract, in order.
pub(crate) fn words(doc: &Document) -> impl Iterator<Item = &crate::text::Word> {
    fields(doc).flat_map(|f| f.words.iter())
}

/// The fields a profile reads: title and abstract.
fn fields(doc: &Document) -> impl Iterator<Item = &crate::link::document::FieldText> {
    doc.fields.iter().filter(|f| f.field != Field::Keywords)
}

/// Term counts of a paper's title and abstract, by stem, sorted.
pub fn terms(doc: &Document) -> Vec<(String, u32)> {
    let mut tf: BTreeMap<&str, u32> = BTreeMap::new();
    for w in words(doc).filter(|w| counted(&w.stem)) {
        *tf.entry(w.stem.as_str()).or_default() += 1;
    }
    tf.into_iter().map(|(s, n)| (s.to_string(), n)).collect()
}

/// Sublinear term weight.
fn tf_weight(n: u32) -> f64 {
    1.0 + (n as f64).ln()
}

impl Profiles {
    /// The bundled table (compiled in and checked by a unit test).
    pub fn bundled(o: &Ontology) -> Profiles {
        Profiles::from_bytes(BUNDLED_GZ, o).expect("the bundled concept profiles parse")
    }

    /// A table file's bytes, gzipped or not.
    pub fn from_bytes(bytes: &[u8], o: &Ontology) -> Result<Profiles, String> {
        Profiles::parse(&crate::link::table_text(bytes)?, o)
    }

    /// Parse a table; concepts the ontology lacks are skipped (a user's ontology keeps the
    /// profiles of the bundled concepts it includes).
    pub fn parse(text: &str, o: &Ontology) -> Result<Profiles, String> {
        let mut idf: HashMap<&str, f64> = HashMap::default();
        let mut rows: Vec<(&str, &str, f64)> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            let num = |s: &str| s.parse::<f64>().map_err(|_| format!("line {}: {s:?} is not a number", n + 1));
            match cols.as_slice() {
                ["idf", stem, v] => {
                    idf.insert(stem, num(v)?);
                }
                ["p", concept, stem, v] => rows.push((concept, stem, num(v)?)),
                _ => return Err(format!("line {}: expected `idf<TAB>stem<TAB>value` or `p<TAB>concept<TAB>stem<TAB>weight`", n + 1)),
            }
        }
        let mut concepts: Vec<usize> = Vec::new();
        let mut slot: HashMap<&str, Option<usize>> = HashMap::default();
        let mut postings: Vec<(&str, usize, f64)> = Vec::new();
        let mut background: Vec<(&str, f64)> = Vec::new();
        for (concept, stem, w) in rows {
            let idf = *idf.get(stem).ok_or_else(|| format!("stem {stem:?} of {concept} has no idf row"))?;
            if concept == BACKGROUND {
                background.push((stem, idf * w));
                continue;
            }
            let s = *slot.entry(concept).or_insert_with(|| {
                o.index_of(concept).map(|i| {
                    concepts.push(i);
                    concepts.len() - 1
                })
            });
            if let Some(s) = s {
                postings.push((stem, s, idf * w));
            }
        }
        // The background's slot follows the concepts'.
        let bg = (!background.is_empty()).then_some(concepts.len());
        let mut index: HashMap<String, Vec<(u32, f64)>> = HashMap::default();
        let all = postings.into_iter().chain(background.into_iter().map(|(t, v)| (t, concepts.len(), v)));
        for (stem, s, v) in all {
            index.entry(stem.to_string()).or_default().push((s as u32, v));
        }
        let id = format!("{:08x}", fnv1a(text.as_bytes()) >> 32);
        Ok(Profiles { index, concepts, background: bg.map(|b| b as u32), id })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Whether fewer than two concepts have a profile: nothing to compare a paper across.
    pub fn is_empty(&self) -> bool {
        self.concepts.len() < 2
    }

    /// The paper's closeness to each profiled concept, by ontology index (`None`: no profile,
    /// or fewer than two profiles, or a paper without counted words).
    pub fn closeness(&self, doc: &Document, concepts: usize) -> Vec<Option<Closeness>> {
        let mut out = vec![None; concepts];
        if self.is_empty() {
            return out;
        }
        // Only stems some profile uses count (the builder kept only [`counted`] ones), in the
        // order they first occur: a fixed order of summation, the same bytes out on every run.
        let mut first: HashMap<&str, usize> = HashMap::default();
        let mut found: Vec<(u32, &[(u32, f64)])> = Vec::new();
        for w in words(doc) {
            if let Some(postings) = self.index.get(w.stem.as_str()) {
                let k = *first.entry(w.stem.as_str()).or_insert_with(|| {
                    found.push((0, postings));
                    found.len() - 1
                });
                found[k].0 += 1;
            }
        }
        let mut sim = vec![0.0f64; self.concepts.len() + usize::from(self.background.is_some())];
        for (n, postings) in found {
            let w = tf_weight(n);
            for &(s, v) in postings {
                sim[s as usize] += w * v;
            }
        }
        // The paper's own norm cancels in the z-score: it is left out.
        let k = sim.len() as f64;
        let mean = sim.iter().sum::<f64>() / k;
        let sd = (sim.iter().map(|s| (s - mean) * (s - mean)).sum::<f64>() / k).sqrt();
        if sd <= 0.0 {
            return out;
        }
        let reference = self.background.map_or(mean, |b| sim[b as usize]);
        let best = sim.iter().copied().fold(f64::MIN, f64::max);
        for (s, &c) in self.concepts.iter().enumerate() {
            out[c] = Some(Closeness { z: (sim[s] - reference) / sd, closest: sim[s] == best });
        }
        out
    }

    /// The paper's words that bring it closest to `concept`'s profile, at most `k`, strongest
    /// first (ties: first in the text): the evidence of a concept the profiles proposed.
    pub fn evidence(&self, doc: &Document, concept: usize, k: usize) -> Vec<ProfileWord> {
        let Some(slot) = self.concepts.iter().position(|&c| c == concept) else { return Vec::new() };
        // (weight in this profile, count, first occurrence), by stem, in order of first use.
        let mut seen: HashMap<&str, usize> = HashMap::default();
        let mut found: Vec<(f64, u32, Field, &crate::text::Word)> = Vec::new();
        for f in fields(doc) {
            for w in &f.words {
                let Some(postings) = self.index.get(w.stem.as_str()) else { continue };
                let Some(&(_, v)) = postings.iter().find(|(s, _)| *s as usize == slot) else { continue };
                let k = *seen.entry(w.stem.as_str()).or_insert_with(|| {
                    found.push((v, 0, f.field, w));
                    found.len() - 1
                });
                found[k].1 += 1;
            }
        }
        let mut scored: Vec<(f64, usize)> = found.iter().enumerate().map(|(i, &(v, n, _, _))| (tf_weight(n) * v, i)).collect();
        let total: f64 = scored.iter().map(|s| s.0).sum();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored
            .into_iter()
            .take(k)
            .map(|(x, i)| {
                let (_, _, field, w) = found[i];
                ProfileWord { field, start: w.start, end: w.end, text: w.text.to_string(), stem: w.stem.to_string(), share: if total > 0.0 { x / total } else { 0.0 } }
            })
            .collect()
    }
}

/// Builds a profile table from a corpus: document frequencies of every counted stem, and for
/// each concept up to `per_concept` exemplars, chosen by the smallest hash of their paper id
/// (the same papers whatever the input order).
pub struct ProfileBuilder {
    per_concept: usize,
    terms_per_profile: usize,
    papers: u64,
    df: HashMap<String, u32>,
    /// Per concept id: a max-heap of (hash, terms) holding the smallest hashes.
    exemplars: BTreeMap<String, BinaryHeap<(u64, Vec<(String, u32)>)>>,
}

impl ProfileBuilder {
    pub fn new(per_concept: usize, terms_per_profile: usize) -> ProfileBuilder {
        ProfileBuilder { per_concept, terms_per_profile, papers: 0, df: HashMap::default(), exemplars: BTreeMap::new() }
    }

    /// Count one paper: its terms, and the concepts it is an exemplar of ([`BACKGROUND`] for a
    /// paper about none of them).
    pub fn add(&mut self, id: &str, terms: Vec<(String, u32)>, exemplar_of: &[String]) {
        self.papers += 1;
        for (t, _) in &terms {
            *self.df.entry(t.clone()).or_default() += 1;
        }
        let hash = fnv1a(id.as_bytes());
        for c in exemplar_of {
            let heap = self.exemplars.entry(c.clone()).or_default();
            if heap.len() < self.per_concept {
                heap.push((hash, terms.clone()));
            } else if heap.peek().is_some_and(|(h, _)| hash < *h) {
                heap.pop();
                heap.push((hash, terms.clone()));
            }
        }
    }

    /// Exemplars per concept.
    pub fn exemplar_counts(&self) -> Vec<(String, usize)> {
        self.exemplars.iter().map(|(c, h)| (c.clone(), h.len())).collect()
    }

    /// The table: each profile is the mean of its exemplars' unit TF-IDF vectors, cut to the
    /// heaviest terms and scaled to unit length.
    pub fn finish(self, notes: &[String]) -> String {
        let n = self.papers.max(1) as f64;
        let idf = |t: &str| (n / self.df.get(t).copied().unwrap_or(1) as f64).ln();
        let mut used: BTreeMap<String, f64> = BTreeMap::new();
        let mut profiles: Vec<(String, Vec<(String, f64)>)> = Vec::new();
        for (concept, heap) in self.exemplars {
            let count = heap.len() as f64;
            let mut sum: BTreeMap<String, f64> = BTreeMap::new();
            for (_, terms) in heap.into_vec() {
                let v: Vec<(String, f64)> = terms.into_iter().map(|(t, c)| (t.clone(), tf_weight(c) * idf(&t))).collect();
                let norm = v.iter().map(|(_, x)| x * x).sum::<f64>().sqrt();
                if norm > 0.0 {
                    for (t, x) in v {
                        *sum.entry(t).or_default() += x / norm / count;
                    }
                }
            }
            let mut top: Vec<(String, f64)> = sum.into_iter().collect();
            top.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            top.truncate(self.terms_per_profile);
            let norm = top.iter().map(|(_, x)| x * x).sum::<f64>().sqrt();
            if norm <= 0.0 {
                continue;
            }
            top.sort_by(|a, b| a.0.cmp(&b.0));
            for (t, _) in &top {
                used.insert(t.clone(), idf(t));
            }
            profiles.push((concept, top.into_iter().map(|(t, x)| (t, x / norm)).collect()));
        }
        let mut out = String::new();
        for note in notes {
            let _ = writeln!(out, "# {note}");
        }
        for (t, v) in &used {
            let _ = writeln!(out, "idf\t{t}\t{v:.4}");
        }
        for (c, terms) in &profiles {
            for (t, w) in terms {
                let _ = writeln!(out, "p\t{c}\t{t}\t{w:.5}");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Paper;

    fn doc(title: &str, text: &str) -> Document {
        Document::new(&Paper { title: title.into(), abstract_text: text.into(), ..Default::default() })
    }

    #[test]
    fn the_bundled_profiles_load_and_rank_a_paraphrase() {
        let o = Ontology::bundled().unwrap();
        let p = Profiles::bundled(&o);
        assert!(p.concepts.len() >= 30, "{} profiles", p.concepts.len());
        // Federated learning without its name: clients, privacy, aggregation.
        let d = doc("Tuning at scale across decentralized clients", "Clients keep their private data local; the server aggregates their model updates each communication round, with low communication overhead and heterogeneous clients.");
        let fl = o.index_of("federated-learning").unwrap();
        let c = p.closeness(&d, o.concepts.len());
        assert_eq!(c[fl].map(|x| x.closest), Some(true), "{:?}", c[fl]);
    }

    #[test]
    fn a_built_table_parses_back_and_skips_unknown_concepts() {
        let o = Ontology::bundled().unwrap();
        let mut b = ProfileBuilder::new(2, 3);
        let papers = [
            ("a", "Caching keys", "We compress the key value cache of attention.", vec!["kv-cache".to_string()]),
            ("b", "Cache eviction", "Evict cache entries of attention heads.", vec!["kv-cache".to_string(), "no-such-concept".to_string()]),
            ("c", "Robots grasp", "A robot arm learns grasping from demonstrations.", vec!["robotics".to_string()]),
            ("d", "Weather", "Rain and wind over the valley.", vec![BACKGROUND.to_string()]),
        ];
        for (id, t, a, ex) in &papers {
            b.add(id, terms(&doc(t, a)), ex);
        }
        let table = b.finish(&["test".to_string()]);
        assert!(table.starts_with("# test\n"));
        let p = Profiles::parse(&table, &o).unwrap();
        assert_eq!(p.concepts.len(), 2, "the unknown concept is skipped: {table}");
        assert!(p.background.is_some());
        let c = p.closeness(&doc("", "The cache of attention keys."), o.concepts.len());
        assert!(c[o.index_of("kv-cache").unwrap()].unwrap().closest);
        assert!(!c[o.index_of("robotics").unwrap()].unwrap().closest);
        // A paper outside the field is closest to the background: no concept is closest, and
        // every concept is further than the background (z below 0).
        let c = p.closeness(&doc("Wind", "Rain and wind over the valley."), o.concepts.len());
        assert!(c.iter().flatten().all(|x| !x.closest && x.z < 0.0), "{c:?}");
        assert!(Profiles::parse("p\tkv-cache\tcach\t1.0\n", &o).unwrap_err().contains("no idf row"));
    }
}
