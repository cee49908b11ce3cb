//! Deduplication: papers that share any id become one, whatever file or source they came from.
//!
//! Entry point: [`Merger`]. Memory grows only with the number of distinct papers: the index
//! holds 64-bit hashes of id keys and title fingerprints, and accepted paper bodies are
//! spilled to an anonymous temporary file (MessagePack when the reader hands on values, the
//! JSON lines themselves when it hands on lines) until [`Merger::finish`] writes each merged
//! paper, in order of first appearance. JSON lines bound for a file are spilled into that file
//! itself, which [`Merger::finish_in_place`] rewrites from the first merged paper on. Merging
//! ([`merge_papers`]) is by a fixed priority (latest arXiv version, then source rank), never
//! by input order.

use crate::ingest::clean::{normalize_title, title_id};
use crate::ingest::read::Sink;
use crate::ingest::InputFormat;
use crate::model::Paper;
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{self, BufWriter, Read, Seek, Write};
use std::os::unix::fs::FileExt;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// Where a spilled paper sits in the spill file.
type SpillLoc = (u64, u32);

/// Two papers with the same normalised title but no shared id: reported, not merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NearDuplicate {
    pub first: String,
    pub second: String,
}

pub struct Merger {
    /// id-key hash -> group (the keys are SipHashes already: Fx only mixes them)
    index: FxHashMap<u64, u32>,
    /// title fingerprint -> group that first had it
    fingerprints: FxHashMap<u64, u32>,
    /// union-find parent per group
    parent: Vec<u32>,
    first: Vec<SpillLoc>,
    extra: HashMap<u32, Vec<SpillLoc>>,
    group_id: Vec<Box<str>>,
    spill: BufWriter<File>,
    spill_len: u64,
    /// The spill holds lines of canonical JSON ([`json_line`]), else MessagePack ([`encode`]).
    json: bool,
    pub merged: u64,
    /// Of `merged`: records without any id joined to a paper by title and abstract.
    pub merged_by_title: u64,
    pub near_duplicates: Vec<NearDuplicate>,
    pub near_duplicate_count: u64,
    /// Per group: every record in it came without any id ([`MergeKeys::id_less`]).
    id_less: Vec<bool>,
    /// Title collisions (first group with the title, later group): the candidates of
    /// [`Merger::join_id_less`], and the near-duplicate report it makes.
    title_pairs: Vec<(u32, u32)>,
}

/// How many near-duplicate pairs are kept for the report (all are counted).
const MAX_NEAR_DUPLICATES: usize = 1000;

/// The share of distinct abstract words (Jaccard) from which an id-less record with a
/// paper's title is taken for that paper ([`Merger::join_id_less`]). Two versions of one
/// abstract share most of their words (a rewritten v2 in the bundled example: 0.49); different
/// abstracts share few (at most 0.19 in 2,000 random pairs of the example, and 0.40 for its
/// closest pair: two versions of one work under different titles).
pub const SAME_ABSTRACT: f64 = 0.4;

impl Merger {
    /// `json`: the papers [`Merger::add`] gets are [`json_line`]s (else [`encode`]d). They
    /// are spilled to an anonymous temporary file.
    pub fn new(json: bool) -> io::Result<Self> {
        Ok(Merger::with_spill(json, tempfile::tempfile()?))
    }

    /// Spill into `file`, an empty file at its start: for JSON lines, the output file itself,
    /// which [`Merger::finish_in_place`] then turns into the output.
    pub fn with_spill(json: bool, file: File) -> Self {
        Merger {
            index: FxHashMap::default(),
            fingerprints: FxHashMap::default(),
            parent: Vec::new(),
            first: Vec::new(),
            extra: HashMap::new(),
            group_id: Vec::new(),
            spill: BufWriter::with_capacity(1 << 20, file),
            spill_len: 0,
            json,
            merged: 0,
            merged_by_title: 0,
            near_duplicates: Vec::new(),
            near_duplicate_count: 0,
            id_less: Vec::new(),
            title_pairs: Vec::new(),
        }
    }

    /// Entries in the dedup index (id keys and title fingerprints).
    pub fn index_entries(&self) -> usize {
        self.index.len() + self.fingerprints.len()
    }

    /// Approximate bytes the index holds in memory.
    pub fn index_bytes(&self) -> usize {
        let table = |cap: usize, entry: usize| cap * (entry + 1);
        table(self.index.capacity(), 12)
            + table(self.fingerprints.capacity(), 12)
            + self.parent.capacity() * 4
            + self.first.capacity() * 16
            + self.group_id.iter().map(|s| s.len() + 16).sum::<usize>()
            + self.extra.values().map(|v| v.capacity() * 16 + 40).sum::<usize>()
            + self.id_less.capacity()
            + self.title_pairs.capacity() * 8
    }

    fn find(&mut self, mut g: u32) -> u32 {
        while self.parent[g as usize] != g {
            let up = self.parent[self.parent[g as usize] as usize];
            self.parent[g as usize] = up;
            g = up;
        }
        g
    }

    /// Add an accepted paper by its [`MergeKeys`] and its bytes ([`encode`]d, or a
    /// [`json_line`]; both made by the caller, which can do it in parallel). Returns true
    /// when it merged into an earlier one.
    pub fn add(&mut self, id: &str, keys: &MergeKeys, json: &[u8]) -> io::Result<bool> {
        let mut roots: Vec<u32> = Vec::new();
        for k in &keys.ids {
            if let Some(&g) = self.index.get(k) {
                let r = self.find(g);
                if !roots.contains(&r) {
                    roots.push(r);
                }
            }
        }
        let loc = self.write_spill(json)?;
        let group = match roots.iter().min() {
            None => {
                let g = self.parent.len() as u32;
                self.parent.push(g);
                self.first.push(loc);
                self.group_id.push(id.into());
                self.id_less.push(keys.id_less);
                if let Some(fp) = keys.title {
                    self.check_near_duplicate(fp, g);
                }
                g
            }
            Some(&target) => {
                for &r in roots.iter().filter(|&&r| r != target) {
                    self.join(r, target);
                }
                self.extra.entry(target).or_default().push(loc);
                // This record, and every other group it joined, stop being separate papers.
                self.merged += roots.len() as u64;
                target
            }
        };
        for &k in &keys.ids {
            self.index.entry(k).or_insert(group);
        }
        Ok(!roots.is_empty())
    }

    /// Make group `r` (a root) part of group `target` (a root before it).
    fn join(&mut self, r: u32, target: u32) {
        self.parent[r as usize] = target;
        let mut moved = vec![self.first[r as usize]];
        moved.extend(self.extra.remove(&r).unwrap_or_default());
        self.extra.entry(target).or_default().extend(moved);
        self.id_less[target as usize] &= self.id_less[r as usize];
    }

    fn check_near_duplicate(&mut self, fp: u64, group: u32) {
        match self.fingerprints.get(&fp) {
            Some(&other) => self.title_pairs.push((other, group)),
            None => {
                self.fingerprints.insert(fp, group);
            }
        }
    }

    /// Settle what shared titles mean, once every record is in: join each paper that came
    /// without any id (a saved HF listing names none) to the paper
    /// with ids that has its normalised title, if their abstracts share at least
    /// [`SAME_ABSTRACT`] of their words (or one has no abstract and the title names one
    /// paper with ids only). An id-less record's title is all that identifies it (its id is a
    /// hash of the title), so this is the same rule that already makes id-less records with
    /// one title one paper, checked against the abstract; two papers with ids are never
    /// joined this way. Then fill the near-duplicate report with the papers that still share
    /// a title. Called after the last [`Merger::add`] (the finish calls do, if the caller has not).
    pub fn join_id_less(&mut self) -> io::Result<()> {
        let pairs = std::mem::take(&mut self.title_pairs);
        if pairs.is_empty() {
            return Ok(());
        }
        self.spill.flush()?;
        let mut by_first: std::collections::BTreeMap<u32, Vec<u32>> = std::collections::BTreeMap::new();
        for &(a, b) in &pairs {
            by_first.entry(a).or_default().push(b);
        }
        for (first, later) in by_first {
            let mut roots: Vec<u32> = Vec::new();
            for g in std::iter::once(first).chain(later) {
                let r = self.find(g);
                if !roots.contains(&r) {
                    roots.push(r);
                }
            }
            let (id_less, named): (Vec<u32>, Vec<u32>) = roots.into_iter().partition(|&r| self.id_less[r as usize]);
            let [anon] = id_less[..] else { continue };
            let words = self.abstract_words(anon)?;
            let mut best: Option<(f64, u32)> = None;
            for &g in &named {
                let other = self.abstract_words(g)?;
                let share = if words.is_empty() || other.is_empty() {
                    if named.len() == 1 { 1.0 } else { 0.0 }
                } else {
                    words.intersection(&other).count() as f64 / words.union(&other).count() as f64
                };
                if share >= SAME_ABSTRACT && best.is_none_or(|(s, _)| share > s) {
                    best = Some((share, g));
                }
            }
            if let Some((_, g)) = best {
                self.join(anon.max(g), anon.min(g));
                // Reported by the id it gets from the record with ids.
                self.group_id[anon.min(g) as usize] = self.group_id[g as usize].clone();
                self.merged += 1;
                self.merged_by_title += 1;
            }
        }
        // The near-duplicate report: papers that still share a title, each pair once.
        let mut seen = rustc_hash::FxHashSet::default();
        for (a, b) in pairs {
            let (a, b) = (self.find(a), self.find(b));
            if a != b && seen.insert((a, b)) {
                self.near_duplicate_count += 1;
                if self.near_duplicates.len() < MAX_NEAR_DUPLICATES {
                    self.near_duplicates.push(NearDuplicate { first: self.group_id[a as usize].to_string(), second: self.group_id[b as usize].to_string() });
                }
            }
        }
        Ok(())
    }

    /// The distinct words of the abstract of a group's first record.
    fn abstract_words(&self, g: u32) -> io::Result<std::collections::HashSet<String>> {
        let (at, len) = self.first[g as usize];
        let mut buf = vec![0; len as usize];
        self.spill.get_ref().read_exact_at(&mut buf, at)?;
        let paper: Paper = if self.json { serde_json::from_slice(&buf).map_err(io::Error::other)? } else { decode(&buf)? };
        Ok(normalize_title(&paper.abstract_text).split(' ').filter(|w| !w.is_empty()).map(str::to_string).collect())
    }

    fn write_spill(&mut self, bytes: &[u8]) -> io::Result<SpillLoc> {
        let loc = (self.spill_len, bytes.len() as u32);
        self.spill.write_all(bytes)?;
        self.spill_len += bytes.len() as u64;
        Ok(loc)
    }

    /// Write every distinct paper, merged, in order of first appearance; returns how many.
    /// Spilled records are read back in order and decoded and merged in parallel, a batch
    /// at a time. A JSON line of a paper that merged with none goes to a
    /// [`Sink::JsonLines`] as it was spilled.
    pub fn finish(mut self, sink: Sink) -> io::Result<u64> {
        self.join_id_less()?;
        self.write_groups(0, sink)
    }

    /// Finish a JSON-lines merger whose spill is the output file ([`Merger::with_spill`]):
    /// its lines up to the first paper that merged with another are already the output, in
    /// order (every record before that one was a paper of its own). Only the rest is written
    /// again, through a temporary file; with no duplicates at all, nothing is. Returns how
    /// many papers the file holds.
    pub fn finish_in_place(mut self) -> io::Result<u64> {
        assert!(self.json, "only a spill of JSON lines is the output");
        self.join_id_less()?;
        self.spill.flush()?;
        // A merged group's first record comes before its other members, and a group that
        // joined another comes after that one: the first group with members marks the start.
        let Some(&from) = self.extra.keys().min() else { return Ok(self.parent.len() as u64) };
        let mut file = self.spill.get_ref().try_clone()?;
        let keep = self.first[from as usize].0;
        let mut tail = BufWriter::with_capacity(1 << 20, tempfile::tempfile()?);
        let rewritten = self.write_groups(from, Sink::JsonLines(&mut |line| tail.write_all(line)))?;
        let mut tail = tail.into_inner().map_err(|e| e.into_error())?;
        tail.rewind()?;
        file.set_len(keep)?;
        file.seek(io::SeekFrom::Start(keep))?;
        io::copy(&mut tail, &mut file)?;
        Ok(from as u64 + rewritten)
    }

    /// Write the distinct papers from group `from` on (see [`Merger::finish`]).
    fn write_groups(mut self, from: u32, mut sink: Sink) -> io::Result<u64> {
        self.spill.flush()?;
        let file = self.spill.get_ref().try_clone()?;
        // First members come in file order: read them with one forward pass; later members
        // of merged papers are read where they are.
        let mut seq = io::BufReader::with_capacity(1 << 20, file.try_clone()?);
        seq.rewind()?;
        let mut pos = 0u64;
        let mut read_into = |loc: SpillLoc, buf: &mut Vec<u8>| -> io::Result<()> {
            buf.resize(loc.1 as usize, 0);
            if loc.0 >= pos {
                seq.seek_relative((loc.0 - pos) as i64)?;
                seq.read_exact(buf)?;
                pos = loc.0 + loc.1 as u64;
            } else {
                file.read_exact_at(buf, loc.0)?;
            }
            Ok(())
        };
        const BATCH: usize = 4096;
        let mut batch: Vec<Vec<Vec<u8>>> = Vec::with_capacity(BATCH);
        // The spill's encoding, and whether the sink takes lines.
        let (json, to_json) = (self.json, sink.json());
        let mut written = 0u64;
        let flush = |batch: &mut Vec<Vec<Vec<u8>>>, sink: &mut Sink| -> io::Result<u64> {
            let merged = |mut members: Vec<Vec<u8>>| -> io::Result<Merged> {
                if members.len() == 1 && json && to_json {
                    return Ok(Merged::Line(members.pop().expect("one")));
                }
                let mut papers = Vec::with_capacity(members.len());
                for m in members {
                    papers.push(if json { serde_json::from_slice(&m).map_err(io::Error::other)? } else { decode(&m)? });
                }
                let paper = if papers.len() == 1 { papers.pop().expect("one") } else { merge_papers(papers) };
                Ok(if to_json { Merged::Line(json_line(&paper)?) } else { Merged::Paper(paper) })
            };
            let done: Vec<io::Result<Merged>> = batch.par_drain(..).map(merged).collect();
            let n = done.len() as u64;
            for m in done {
                match (m?, &mut *sink) {
                    (Merged::Line(bytes), Sink::JsonLines(sink)) => sink(&bytes)?,
                    (Merged::Paper(paper), Sink::Papers(sink)) => sink(paper)?,
                    _ => unreachable!("merged as the sink takes it"),
                }
            }
            Ok(n)
        };
        let mut line = Vec::new();
        for g in from..self.parent.len() as u32 {
            if self.parent[g as usize] != g {
                continue;
            }
            // A paper that merged with none, spilled as the line the sink takes, and nothing
            // waiting before it: straight through, from one reused buffer.
            if json && batch.is_empty() && !self.extra.contains_key(&g) {
                if let Sink::JsonLines(sink) = &mut sink {
                    read_into(self.first[g as usize], &mut line)?;
                    sink(&line)?;
                    written += 1;
                    continue;
                }
            }
            let mut locs = vec![self.first[g as usize]];
            if let Some(mut extra) = self.extra.remove(&g) {
                extra.sort_unstable();
                locs.extend(extra);
            }
            let mut members = Vec::with_capacity(locs.len());
            for loc in locs {
                let mut bytes = Vec::new();
                read_into(loc, &mut bytes)?;
                members.push(bytes);
            }
            batch.push(members);
            if batch.len() == BATCH {
                written += flush(&mut batch, &mut sink)?;
            }
        }
        written += flush(&mut batch, &mut sink)?;
        Ok(written)
    }
}

/// A distinct paper as [`Merger::finish`] hands it on.
enum Merged {
    Paper(Paper),
    Line(Vec<u8>),
}

/// A paper as one line of canonical JSON, newline included: what `papers` writes.
pub fn json_line(p: &Paper) -> io::Result<Vec<u8>> {
    let mut line = Vec::with_capacity(2048);
    crate::model::push_json_line(&mut line, p)?;
    Ok(line)
}

/// A paper as the spill file keeps it: MessagePack with field names (self-describing, so the
/// model's optional and untagged fields read back as they were), which encodes and decodes
/// faster than JSON: strings are copied, not escaped and unescaped.
pub fn encode(p: &Paper) -> Result<Vec<u8>, rmp_serde::encode::Error> {
    rmp_serde::to_vec_named(p)
}

fn decode(bytes: &[u8]) -> io::Result<Paper> {
    rmp_serde::from_slice(bytes).map_err(io::Error::other)
}

fn hash_key(kind: &str, value: &str) -> u64 {
    // SipHash with fixed keys: the same on every run and machine.
    let mut h = DefaultHasher::new();
    kind.hash(&mut h);
    value.hash(&mut h);
    h.finish()
}

/// What the merger needs of a paper: hashes of its ids, and of its normalised title for
/// near-duplicate reports (none for short titles, which collide by chance).
#[derive(Debug, Clone, PartialEq)]
pub struct MergeKeys {
    pub ids: Vec<u64>,
    pub title: Option<u64>,
    /// The source gave no id at all: the paper's id is its title's hash ([`title_id`]).
    pub id_less: bool,
}

/// Compute a paper's [`MergeKeys`]. Pure: callers run it in parallel.
pub fn merge_keys(p: &Paper) -> MergeKeys {
    let norm = normalize_title(&p.title);
    let title = (norm.len() >= 16 && norm.split(' ').count() >= 3).then(|| hash_key("title", &norm));
    let ids = &p.ids;
    let typed = [&ids.arxiv, &ids.doi, &ids.openalex, &ids.s2, &ids.acl, &ids.pmid].iter().any(|v| v.is_some()) || !ids.other.is_empty();
    let id_less = !typed && p.id.starts_with("t-") && p.id == title_id(&p.title);
    MergeKeys { ids: id_keys(p), title, id_less }
}

/// The dedup keys of a paper: its id and every typed id.
fn id_keys(p: &Paper) -> Vec<u64> {
    let mut keys = vec![hash_key("id", &p.id)];
    let ids = &p.ids;
    for (kind, v) in [("arxiv", &ids.arxiv), ("doi", &ids.doi), ("openalex", &ids.openalex), ("s2", &ids.s2), ("acl", &ids.acl), ("pmid", &ids.pmid)] {
        if let Some(v) = v {
            keys.push(hash_key(kind, v));
        }
    }
    for o in &ids.other {
        keys.push(hash_key("other", o));
    }
    // A plain id that is an arXiv id or DOI meets the typed key of another source.
    if ids.arxiv.as_deref() == Some(p.id.as_str()) || ids.doi.as_deref() == Some(p.id.as_str()) {
        keys.remove(0);
    }
    keys
}

/// Priority of a member: latest arXiv version first, then the best source rank.
fn priority(p: &Paper) -> (std::cmp::Reverse<u32>, u8) {
    let version = p.sources.iter().filter_map(|s| s.version).max().unwrap_or(0);
    let rank = p.sources.iter().filter_map(|s| s.format.parse::<InputFormat>().ok()).map(InputFormat::rank).min().unwrap_or(u8::MAX);
    (std::cmp::Reverse(version), rank)
}

/// Merge records of one paper. The first by priority gives every field it has; the others
/// fill only fields it lacks, and their ids, categories, keywords and links are added.
/// Each source's `contributed` lists the fields of the result it supplied.
pub fn merge_papers(mut members: Vec<Paper>) -> Paper {
    // Stable sort: among equals, first appearance wins.
    members.sort_by_key(priority);
    let mut it = members.into_iter();
    let mut out = it.next().expect("merge of at least one paper");
    let winner_fields = filled_fields(&out);
    for s in &mut out.sources {
        s.contributed = winner_fields.iter().map(|f| f.to_string()).collect();
    }
    let mut sources = std::mem::take(&mut out.sources);
    for mut m in it {
        let mut gave: Vec<&'static str> = Vec::new();
        macro_rules! fill {
            ($field:ident, $name:literal, $empty:expr) => {
                if $empty(&out.$field) && !$empty(&m.$field) {
                    out.$field = std::mem::take(&mut m.$field);
                    gave.push($name);
                }
            };
        }
        if out.title.is_empty() && !m.title.is_empty() {
            out.title = std::mem::take(&mut m.title);
            out.math_spans.title = std::mem::take(&mut m.math_spans.title);
            out.original.title = m.original.title.take();
            gave.push("title");
        }
        if out.abstract_text.is_empty() && !m.abstract_text.is_empty() {
            out.abstract_text = std::mem::take(&mut m.abstract_text);
            out.math_spans.abstract_text = std::mem::take(&mut m.math_spans.abstract_text);
            out.original.abstract_text = m.original.abstract_text.take();
            gave.push("abstract");
        }
        fill!(authors, "authors", |v: &Vec<_>| v.is_empty());
        fill!(published, "published", |v: &Option<_>| v.is_none());
        fill!(updated, "updated", |v: &Option<_>| v.is_none());
        fill!(listed, "listed", |v: &Option<_>| v.is_none());
        fill!(id_date, "id_date", |v: &Option<_>| v.is_none());
        fill!(venue, "venue", |v: &Option<_>| v.is_none());
        fill!(comment, "comment", |v: &Option<_>| v.is_none());
        let ids = &mut out.ids;
        for (mine, theirs, name) in [
            (&mut ids.arxiv, m.ids.arxiv.take(), "ids.arxiv"),
            (&mut ids.doi, m.ids.doi.take(), "ids.doi"),
            (&mut ids.openalex, m.ids.openalex.take(), "ids.openalex"),
            (&mut ids.s2, m.ids.s2.take(), "ids.s2"),
            (&mut ids.acl, m.ids.acl.take(), "ids.acl"),
            (&mut ids.pmid, m.ids.pmid.take(), "ids.pmid"),
        ] {
            if mine.is_none() && theirs.is_some() {
                *mine = theirs;
                gave.push(name);
            }
        }
        gave.extend(union_into(&mut ids.other, m.ids.other, "ids.other"));
        let before = ids.arxiv_versions.len();
        ids.arxiv_versions.extend(m.ids.arxiv_versions);
        ids.arxiv_versions.sort_unstable();
        ids.arxiv_versions.dedup();
        if ids.arxiv_versions.len() > before {
            gave.push("ids.arxiv_versions");
        }
        gave.extend(union_into(&mut out.categories, m.categories, "categories"));
        gave.extend(union_into(&mut out.keywords, m.keywords, "keywords"));
        if out.links.abs.is_none() && m.links.abs.is_some() {
            out.links.abs = m.links.abs.take();
            gave.push("links.abs");
        }
        if out.links.pdf.is_none() && m.links.pdf.is_some() {
            out.links.pdf = m.links.pdf.take();
            gave.push("links.pdf");
        }
        gave.extend(union_into(&mut out.links.code, m.links.code, "links.code"));
        gave.extend(union_into(&mut out.links.other, m.links.other, "links.other"));
        for s in &mut m.sources {
            s.contributed = gave.iter().map(|f| f.to_string()).collect();
        }
        sources.extend(m.sources);
    }
    out.sources = sources;
    out
}

/// Append the values of `theirs` missing from `mine`; `Some(name)` when any were added.
fn union_into(mine: &mut Vec<String>, theirs: Vec<String>, name: &'static str) -> Option<&'static str> {
    let before = mine.len();
    for t in theirs {
        if !mine.contains(&t) {
            mine.push(t);
        }
    }
    (mine.len() > before).then_some(name)
}

/// The fields a paper has, by the names `contributed` uses.
fn filled_fields(p: &Paper) -> Vec<&'static str> {
    let mut f = Vec::new();
    let checks: [(&'static str, bool); 16] = [
        ("title", !p.title.is_empty()),
        ("abstract", !p.abstract_text.is_empty()),
        ("authors", !p.authors.is_empty()),
        ("published", p.published.is_some()),
        ("updated", p.updated.is_some()),
        ("listed", p.listed.is_some()),
        ("id_date", p.id_date.is_some()),
        ("venue", p.venue.is_some()),
        ("comment", p.comment.is_some()),
        ("ids.arxiv", p.ids.arxiv.is_some()),
        ("ids.doi", p.ids.doi.is_some()),
        ("ids.openalex", p.ids.openalex.is_some()),
        ("ids.s2", p.ids.s2.is_some()),
        ("ids.acl", p.ids.acl.is_some()),
        ("categories", !p.categories.is_empty()),
        ("keywords", !p.keywords.is_empty()),
    ];
    for (name, has) in checks {
        if has {
            f.push(name);
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Provenance;

    fn paper(id: &str, format: &str, version: Option<u32>, title: &str) -> Paper {
        let mut p = Paper { id: id.into(), title: title.into(), ..Default::default() };
        p.sources.push(Provenance { format: format.into(), file: "f".into(), record: "line 1".into(), version, contributed: vec![] });
        p
    }

    /// Merge as `build` does (MessagePack spill, papers out); checks that the JSON spill
    /// and lines `papers` uses give the same papers, byte for byte.
    fn run(papers: Vec<Paper>) -> (Vec<Paper>, Merger) {
        let mut m = Merger::new(false).unwrap();
        let mut mj = Merger::new(true).unwrap();
        for p in &papers {
            m.add(&p.id, &merge_keys(p), &encode(p).unwrap()).unwrap();
            mj.add(&p.id, &merge_keys(p), &json_line(p).unwrap()).unwrap();
        }
        let mut out = Vec::new();
        m.join_id_less().unwrap();
        let merged = m.merged;
        let near = m.near_duplicates.clone();
        let n = m
            .finish(Sink::Papers(&mut |p| {
                out.push(p);
                Ok(())
            }))
            .unwrap();
        assert_eq!(n, out.len() as u64);
        let mut lines = Vec::new();
        mj.finish(Sink::JsonLines(&mut |l| {
            lines.extend_from_slice(l);
            Ok(())
        }))
        .unwrap();
        let expected: Vec<u8> = out.iter().flat_map(|p| json_line(p).unwrap()).collect();
        assert_eq!(String::from_utf8(lines).unwrap(), String::from_utf8(expected.clone()).unwrap());
        // The output file as the spill, finished in place: the same bytes.
        let mut file = tempfile::tempfile().unwrap();
        let mut mf = Merger::with_spill(true, file.try_clone().unwrap());
        for p in &papers {
            mf.add(&p.id, &merge_keys(p), &json_line(p).unwrap()).unwrap();
        }
        assert_eq!(mf.finish_in_place().unwrap(), n);
        let mut in_place = String::new();
        file.rewind().unwrap();
        file.read_to_string(&mut in_place).unwrap();
        assert_eq!(in_place, String::from_utf8(expected).unwrap());
        let mut m2 = Merger::new(false).unwrap();
        m2.merged = merged;
        m2.near_duplicates = near;
        (out, m2)
    }

    /// A record of the saved HF listing (no id: its id is its title's hash) and the arXiv
    /// record of the same paper.
    fn listing_and_arxiv(abstract_listing: &str, abstract_arxiv: &str) -> (Paper, Paper) {
        let title = "ShadowKV: KV Cache in Shadows for High-Throughput Inference";
        let mut l = paper(&crate::ingest::clean::title_id(title), "hf-listing", None, title);
        l.abstract_text = abstract_listing.into();
        l.listed = crate::model::PartialDate::parse_prefix("2025-03-14");
        let mut a = paper("2410.21465", "crawler", None, "ShadowKV: KV cache in shadows for high-throughput inference.");
        a.ids.arxiv = Some("2410.21465".into());
        a.abstract_text = abstract_arxiv.into();
        (l, a)
    }

    const SHADOW: &str = "We present ShadowKV, a high-throughput long-context LLM inference system that stores the low-rank key cache and offloads the value cache to reduce the memory footprint, for larger batch sizes and longer sequences.";

    #[test]
    fn an_id_less_record_joins_the_paper_with_its_title_and_abstract() {
        let edited = SHADOW.replace("larger batch sizes", "6\\times larger batch sizes");
        for order in [false, true] {
            let (l, a) = listing_and_arxiv(SHADOW, &edited);
            let (out, m) = run(if order { vec![l, a] } else { vec![a, l] });
            assert_eq!(out.len(), 1, "order {order}");
            assert_eq!((m.merged, m.near_duplicates.len()), (1, 0));
            let p = &out[0];
            assert_eq!(p.id, "2410.21465", "the id a source gave wins");
            assert_eq!(p.abstract_text, edited, "and so does its text");
            assert_eq!(p.listed.unwrap().to_string(), "2025-03-14", "the listing adds its date");
            assert_eq!(p.sources.len(), 2);
        }
    }

    #[test]
    fn an_id_less_record_with_another_abstract_stays_apart() {
        let other = "We study scaling laws of mixture-of-experts models across compute budgets and data sizes, and fit a joint law.";
        let (l, a) = listing_and_arxiv(SHADOW, other);
        let (out, m) = run(vec![l, a]);
        assert_eq!((out.len(), m.merged, m.near_duplicates.len()), (2, 0, 1));
        // Two papers with ids and one title: the id-less record joins the one with its abstract,
        // and the two papers with ids stay apart.
        let (l, a) = listing_and_arxiv(SHADOW, other);
        let (_, mut b) = listing_and_arxiv(SHADOW, SHADOW);
        b.id = "2410.99999".into();
        b.ids.arxiv = Some("2410.99999".into());
        let (out, m) = run(vec![a, l, b.clone()]);
        let ids: Vec<&str> = out.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["2410.21465", "2410.99999"], "the listing record went into the second, where it appeared");
        assert_eq!((m.merged, m.near_duplicates.len()), (1, 1));
        // Records that name ids are never joined by title, abstract or not.
        let (_, a) = listing_and_arxiv(SHADOW, SHADOW);
        let (out, _) = run(vec![a, b]);
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn shared_ids_merge_and_latest_version_wins() {
        let mut a = paper("2401.00001", "crawler", None, "Old title");
        a.ids.arxiv = Some("2401.00001".into());
        a.listed = crate::model::PartialDate::parse_prefix("2024-01-03");
        let mut b = paper("10.1/x", "bibtex", None, "Bib title");
        b.ids.doi = Some("10.1/x".into());
        b.keywords = vec!["k".into()];
        let mut c = paper("2401.00001", "arxiv-atom", Some(2), "New title");
        c.ids.arxiv = Some("2401.00001".into());
        c.ids.doi = Some("10.1/x".into());
        let (out, m) = run(vec![a, b, c]);
        assert_eq!(out.len(), 1, "c links a and b through arXiv id and DOI");
        assert_eq!(m.merged, 2);
        let p = &out[0];
        assert_eq!(p.title, "New title");
        assert_eq!(p.id, "2401.00001");
        assert_eq!(p.listed.unwrap().to_string(), "2024-01-03");
        assert_eq!(p.keywords, vec!["k"]);
        assert_eq!(p.sources.len(), 3);
        assert_eq!(p.sources[0].format, "arxiv-atom");
        assert!(p.sources[1].contributed.contains(&"listed".to_string()) || p.sources[2].contributed.contains(&"listed".to_string()));
    }

    #[test]
    fn merge_does_not_depend_on_input_order() {
        let mk = || {
            let mut a = paper("2401.00001", "crawler", None, "Crawler title");
            a.ids.arxiv = Some("2401.00001".into());
            let mut b = paper("2401.00001", "kaggle", Some(3), "Kaggle title");
            b.ids.arxiv = Some("2401.00001".into());
            (a, b)
        };
        let (a, b) = mk();
        let (x, _) = run(vec![a, b]);
        let (a, b) = mk();
        let (y, _) = run(vec![b, a]);
        assert_eq!(x[0].title, "Kaggle title");
        assert_eq!(y[0].title, "Kaggle title");
    }

    #[test]
    fn same_title_without_shared_id_is_reported_not_merged() {
        let (out, m) = run(vec![paper("t-1", "hf-listing", None, "Scaling Laws for Everything Ever"), paper("2401.1", "crawler", None, "Scaling laws for everything, ever!")]);
        assert_eq!(out.len(), 2);
        assert_eq!(m.near_duplicates, vec![NearDuplicate { first: "t-1".into(), second: "2401.1".into() }]);
    }

    #[test]
    fn order_of_first_appearance() {
        let (out, _) = run(vec![paper("b", "canonical", None, "B"), paper("a", "canonical", None, "A"), paper("b", "canonical", None, "B2")]);
        let ids: Vec<&str> = out.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, vec!["b", "a"]);
    }
}
