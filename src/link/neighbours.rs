//! Annotated neighbours: which core concepts the annotators gave the papers that read most
//! like this one.
//!
//! The ranker's other features describe the evidence for a concept inside the paper. What
//! they cannot say is how the annotation guideline was applied to papers like it: whether a
//! vision-language benchmark paper was given LLM evaluation, whether a paper that trains on
//! generated question-answer pairs was given synthetic data. A memory of annotated papers
//! answers that by example: for each core concept, its share of the paper's [`K`] nearest
//! annotated papers, each weighted by its similarity (a similarity-weighted k-nearest-neighbour
//! vote). It is one feature of the ranker (`neighbours`), never a tag by itself: a concept
//! must still be a candidate of the paper.
//!
//! Papers are compared by the cosine of their TF-IDF vectors over the stems of title and
//! abstract ([`crate::link::profile::terms`]: sublinear term frequency; idf
//! `ln((1 + n) / (1 + df)) + 1` over the memory's `n` papers). Stems found in fewer than two
//! of its papers are left out: they cannot make the paper close to more than one.
//!
//! The bundled memory (`data/concept-neighbours.tsv.gz`) holds both development sets (the
//! seed and `data/eval/arxiv-dev/`) with their gold concepts. It is written by `topicgraph eval
//! --train-ranker R --train-neighbours FILE`, whose cross-validation computes each fold's
//! votes from the other folds' papers only (and a training paper's vote without itself), so
//! the score it reports is that of papers the memory never held. Rows:
//! `paper<TAB>id<TAB>concept,concept<TAB>stem:count stem:count ...`; comment lines start with
//! `#`. The same papers give the same bytes.

use crate::embed::fnv1a;
use crate::link::document::Document;
use crate::link::profile;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The bundled memory, gzipped.
pub const BUNDLED_GZ: &[u8] = include_bytes!("../../data/concept-neighbours.tsv.gz");

/// Neighbours that vote. Chosen by cross-validation over the 844 papers of both development
/// sets then (25 and 50 scored alike; 10 lower), before any blind check.
pub const K: usize = 25;

/// A paper of the memory this close (cosine) is the same paper (another version of its
/// text, or the paper itself): it does not vote. The memory shows how the guideline was
/// applied to papers like this one; it is not a list of answers to look up, and a paper of the
/// development sets is tagged as any other paper would be.
pub const SAME_PAPER: f64 = 0.95;

/// One annotated paper: its id, gold core concepts and term counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Exemplar {
    pub id: String,
    pub concepts: Vec<String>,
    pub terms: Vec<(String, u32)>,
}

/// The memory, indexed for votes.
#[derive(Debug, Clone)]
pub struct Neighbours {
    papers: Vec<Exemplar>,
    /// Concept slot -> concept id, sorted.
    concepts: Vec<String>,
    /// Per paper, the slots of its concepts.
    labels: Vec<Vec<u32>>,
    /// Stem -> term number (the stems of two or more papers), and each term's idf.
    vocabulary: HashMap<String, u32>,
    idf: Vec<f64>,
    /// Per term, (paper, weight in the paper's unit vector). Single precision: half the
    /// memory to walk for every paper tagged; votes are summed in double.
    postings: Vec<Vec<(u32, f32)>>,
    /// Per paper, its unit vector (term, weight), by term number.
    vectors: Vec<Vec<(u32, f64)>>,
    id: String,
}

/// A paper of the memory near the one asked about.
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbour<'a> {
    pub id: &'a str,
    pub similarity: f64,
    pub concepts: &'a [String],
}

impl Exemplar {
    /// A paper and its gold concepts, as the memory holds them.
    pub fn of(paper: &crate::model::Paper, concepts: Vec<String>) -> Exemplar {
        let terms = profile::terms(&Document::new(paper));
        Exemplar { id: paper.id.clone(), concepts, terms }
    }
}

fn tf_weight(n: u32) -> f64 {
    1.0 + (n as f64).ln()
}

impl Neighbours {
    /// Index the papers (kept in the given order: a paper's position is its index in
    /// [`Neighbours::member_votes`]).
    pub fn build(papers: Vec<Exemplar>) -> Neighbours {
        let mut df: BTreeMap<&str, u32> = BTreeMap::new();
        for p in &papers {
            for (t, _) in &p.terms {
                *df.entry(t.as_str()).or_default() += 1;
            }
        }
        let n = papers.len() as f64;
        // Terms numbered in stem order: the same papers, the same numbers.
        let kept: Vec<(&str, u32)> = df.into_iter().filter(|&(_, d)| d >= 2).collect();
        let vocabulary: HashMap<String, u32> = kept.iter().enumerate().map(|(k, (t, _))| (t.to_string(), k as u32)).collect();
        let idf: Vec<f64> = kept.iter().map(|&(_, d)| ((1.0 + n) / (1.0 + d as f64)).ln() + 1.0).collect();
        let mut concepts: Vec<String> = papers.iter().flat_map(|p| p.concepts.iter().cloned()).collect();
        concepts.sort_unstable();
        concepts.dedup();
        let labels = papers.iter().map(|p| p.concepts.iter().filter_map(|c| concepts.binary_search(c).ok().map(|s| s as u32)).collect()).collect();
        let mut m = Neighbours { papers: Vec::new(), concepts, labels, vocabulary, idf, postings: Vec::new(), vectors: Vec::new(), id: String::new() };
        m.vectors = papers.iter().map(|p| m.vector(p.terms.iter().map(|(t, c)| (t.as_str(), *c)))).collect();
        m.postings = vec![Vec::new(); m.idf.len()];
        for (i, v) in m.vectors.iter().enumerate() {
            for &(t, w) in v {
                m.postings[t as usize].push((i as u32, w as f32));
            }
        }
        m.papers = papers;
        m.id = format!("{:08x}", fnv1a(m.to_tsv(&[]).as_bytes()) >> 32);
        m
    }

    /// The unit TF-IDF vector of term counts over the memory's terms, by term number (a fixed
    /// order of summation: the same bytes out on every run). Stems it lacks are left out.
    fn vector<'a>(&self, terms: impl Iterator<Item = (&'a str, u32)>) -> Vec<(u32, f64)> {
        let mut counts: Vec<(u32, u32)> = terms.filter_map(|(t, n)| self.vocabulary.get(t).map(|&k| (k, n))).collect();
        counts.sort_unstable_by_key(|&(k, _)| k);
        // The same stem more than once (counts given per occurrence): one term, counts added.
        counts.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 += later.1;
            }
            same
        });
        let mut v: Vec<(u32, f64)> = counts.into_iter().map(|(k, n)| (k, tf_weight(n) * self.idf[k as usize])).collect();
        let norm = v.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
        if norm > 0.0 {
            v.iter_mut().for_each(|(_, w)| *w /= norm);
        }
        v
    }

    /// Each concept's vote (by slot) for a prepared paper (its title and abstract, as
    /// [`crate::link::profile::terms`] counts them): what tagging calls.
    pub fn doc_votes(&self, doc: &Document) -> Vec<f64> {
        // The vocabulary holds counted stems only: the others fall out there.
        let stems = profile::words(doc).map(|w| (w.stem.as_str(), 1));
        let v = self.vector(stems);
        self.votes_of(&v, |_| true)
    }

    /// The bundled memory (compiled in and checked by a unit test).
    pub fn bundled() -> Neighbours {
        Neighbours::from_bytes(BUNDLED_GZ).expect("the bundled annotated neighbours parse")
    }

    /// A memory file's bytes, gzipped or not.
    pub fn from_bytes(bytes: &[u8]) -> Result<Neighbours, String> {
        Neighbours::parse(&crate::link::table_text(bytes)?)
    }

    /// Read a memory file (see the module documentation for its rows).
    pub fn parse(text: &str) -> Result<Neighbours, String> {
        let mut papers = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let bad = |why: &str| format!("line {}: {why}", n + 1);
            let cols: Vec<&str> = line.split('\t').collect();
            let ["paper", id, concepts, terms] = cols.as_slice() else {
                return Err(bad("expected paper<TAB>id<TAB>concepts<TAB>terms"));
            };
            if id.is_empty() {
                return Err(bad("the paper id is empty"));
            }
            let concepts = concepts.split(',').filter(|c| !c.is_empty()).map(str::to_string).collect();
            let terms = terms
                .split(' ')
                .filter(|t| !t.is_empty())
                .map(|t| {
                    let (stem, count) = t.rsplit_once(':').ok_or_else(|| bad(&format!("term {t:?} is not stem:count")))?;
                    let count = count.parse::<u32>().ok().filter(|&c| c > 0).ok_or_else(|| bad(&format!("term {t:?}: the count is not a positive integer")))?;
                    Ok((stem.to_string(), count))
                })
                .collect::<Result<Vec<_>, String>>()?;
            papers.push(Exemplar { id: id.to_string(), concepts, terms });
        }
        if papers.is_empty() {
            return Err("no paper rows".to_string());
        }
        Ok(Neighbours::build(papers))
    }

    /// The file [`Neighbours::parse`] reads, `notes` as its first comment lines.
    pub fn to_tsv(&self, notes: &[String]) -> String {
        let mut s = String::new();
        for n in notes {
            let _ = writeln!(s, "# {n}");
        }
        for p in &self.papers {
            let terms: Vec<String> = p.terms.iter().map(|(t, c)| format!("{t}:{c}")).collect();
            let _ = writeln!(s, "paper\t{}\t{}\t{}", p.id, p.concepts.join(","), terms.join(" "));
        }
        s
    }

    /// A short hash of the memory, for the tagging version.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn len(&self) -> usize {
        self.papers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.papers.is_empty()
    }

    /// The concepts the memory's papers carry, by slot (the order of [`Neighbours::votes`]).
    pub fn concepts(&self) -> &[String] {
        &self.concepts
    }

    /// Each concept's vote (by slot) for a paper with these term counts, from the papers
    /// `allowed` lets vote.
    pub fn votes(&self, terms: &[(String, u32)], allowed: impl Fn(usize) -> bool) -> Vec<f64> {
        let v = self.vector(terms.iter().map(|(t, c)| (t.as_str(), *c)));
        self.votes_of(&v, allowed)
    }

    fn votes_of(&self, v: &[(u32, f64)], allowed: impl Fn(usize) -> bool) -> Vec<f64> {
        let near = self.nearest(v, K, allowed);
        let mut votes = vec![0.0; self.concepts.len()];
        let total: f64 = near.iter().map(|&(_, s)| s).sum();
        if total <= 0.0 {
            return votes;
        }
        for &(i, s) in &near {
            for &c in &self.labels[i] {
                votes[c as usize] += s / total;
            }
        }
        votes
    }

    /// The votes for the memory's own paper `i`, from the papers `allowed` lets vote, never
    /// itself (for cross-validation and training).
    pub fn member_votes(&self, i: usize, allowed: impl Fn(usize) -> bool) -> Vec<f64> {
        self.votes_of(&self.vectors[i], |j| j != i && allowed(j))
    }

    /// The `k` papers nearest a paper with these term counts, nearest first.
    pub fn neighbours(&self, terms: &[(String, u32)], k: usize) -> Vec<Neighbour<'_>> {
        let v = self.vector(terms.iter().map(|(t, c)| (t.as_str(), *c)));
        self.nearest(&v, k, |_| true).into_iter().map(|(i, similarity)| Neighbour { id: &self.papers[i].id, similarity, concepts: &self.papers[i].concepts }).collect()
    }

    /// (paper, cosine) of the `k` nearest allowed papers with a positive cosine below
    /// [`SAME_PAPER`], nearest first; ties go to the earlier paper.
    fn nearest(&self, v: &[(u32, f64)], k: usize, allowed: impl Fn(usize) -> bool) -> Vec<(usize, f64)> {
        let mut sim = vec![0.0f32; self.vectors.len()];
        for &(t, w) in v {
            let w = w as f32;
            for &(i, x) in &self.postings[t as usize] {
                sim[i as usize] += w * x;
            }
        }
        let mut near: Vec<(usize, f64)> = sim.into_iter().enumerate().map(|(i, s)| (i, s as f64)).filter(|&(i, s)| s > 0.0 && s < SAME_PAPER && allowed(i)).collect();
        // A total order (cosine, then paper): the k nearest, then only those sorted.
        let order = |a: &(usize, f64), b: &(usize, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if near.len() > k && k > 0 {
            near.select_nth_unstable_by(k - 1, order);
        }
        near.truncate(k);
        near.sort_unstable_by(order);
        near
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(id: &str, concepts: &[&str], text: &str) -> Exemplar {
        let mut terms: std::collections::BTreeMap<String, u32> = Default::default();
        for w in text.split_whitespace() {
            *terms.entry(w.to_string()).or_default() += 1;
        }
        Exemplar { id: id.into(), concepts: concepts.iter().map(|c| c.to_string()).collect(), terms: terms.into_iter().collect() }
    }

    fn memory() -> Neighbours {
        Neighbours::build(vec![
            ex("a", &["synthetic-data"], "generated question answer pairs train model"),
            ex("b", &["synthetic-data", "reasoning"], "generated math question pairs train model"),
            ex("c", &["computer-vision"], "image segmentation pixels model"),
            ex("d", &["computer-vision"], "image detection pixels boxes model"),
            ex("e", &[], "protein folding segmentation answer model"),
        ])
    }

    #[test]
    fn the_nearest_papers_vote_for_their_concepts() {
        let m = memory();
        let q = ex("q", &[], "we train on generated question").terms;
        let v = m.votes(&q, |_| true);
        let slot = |c: &str| m.concepts().iter().position(|x| x == c).unwrap();
        // Only a and b share counted stems (those in two or more papers) with the query.
        assert!((v[slot("synthetic-data")] - 1.0).abs() < 1e-9, "{v:?}");
        assert!(v[slot("reasoning")] > 0.3 && v[slot("reasoning")] < 0.7, "{v:?}");
        assert_eq!(v[slot("computer-vision")], 0.0);
        // Papers with no counted stem in common do not appear at all.
        let near = m.neighbours(&ex("q", &[], "image pixels").terms, 3);
        assert_eq!(near.iter().map(|n| n.id).collect::<Vec<_>>(), ["d", "c"]);
        assert!(near[0].similarity > near[1].similarity && near[1].similarity > 0.0);
    }

    #[test]
    fn a_member_never_votes_for_itself_and_the_filter_holds() {
        let m = memory();
        let slot = |c: &str| m.concepts().iter().position(|x| x == c).unwrap();
        // Paper a's nearest other paper is b: synthetic data, and reasoning by b alone.
        let v = m.member_votes(0, |_| true);
        assert!(v[slot("synthetic-data")] > 0.5 && v[slot("reasoning")] > 0.0, "{v:?}");
        // With b left out (another fold), reasoning has no vote.
        let v = m.member_votes(0, |j| j != 1);
        assert_eq!(v[slot("reasoning")], 0.0);
        // Nothing allowed: no votes at all.
        assert!(m.member_votes(0, |_| false).iter().all(|&x| x == 0.0));
    }

    #[test]
    fn the_same_paper_does_not_vote_for_itself() {
        let m = memory();
        let slot = |c: &str| m.concepts().iter().position(|x| x == c).unwrap();
        // Paper c's own text: c is the same paper, so d (its nearest other) decides.
        let own = ex("c", &[], "image segmentation pixels model").terms;
        let near = m.neighbours(&own, 2);
        assert_eq!(near[0].id, "d");
        assert!(m.votes(&own, |_| true)[slot("computer-vision")] > 0.5);
    }

    #[test]
    fn the_file_round_trips_and_bad_rows_are_named() {
        let m = memory();
        let text = m.to_tsv(&["a note".to_string()]);
        assert!(text.starts_with("# a note\npaper\ta\tsynthetic-data\t"));
        let back = Neighbours::parse(&text).unwrap();
        assert_eq!(back.to_tsv(&[]), m.to_tsv(&[]));
        assert_eq!(back.id(), m.id());
        let err = Neighbours::parse("paper\tx\tc\tstem:zero").unwrap_err();
        assert!(err.contains("line 1") && err.contains("stem:zero"), "{err}");
        assert!(Neighbours::parse("paper\tx\tc").unwrap_err().contains("expected paper"));
        assert!(Neighbours::parse("# only a comment\n").is_err());
    }

    #[test]
    fn the_bundled_memory_loads() {
        let m = Neighbours::bundled();
        assert!(m.len() >= 800, "{} papers", m.len());
        assert!(m.concepts().iter().any(|c| c == "kv-cache"));
    }
}
