//! The tag sidecar: a compact file next to the store, `STORE/tags.tgs`, with one
//! [`PaperDigest`] per paper (its dates, categories, keywords, title, URL and concept tags
//! with their scores): what the corpus-wide analytics and the trend report read. One
//! sequential read of about 300 bytes a paper replaces a dozen predicate scans of the store,
//! each of which decodes every literal through an index lookup; on a large store those scans
//! take longer than the daily update they follow.
//!
//! The store is the truth; the sidecar is a cache of it that knows when it is valid. It is a
//! log of frames, each `[u32 length][u32 CRC-32][JSON]` (little-endian), appended as a build
//! writes:
//!
//! - `Open` before the build writes anything to the store;
//! - `Batch` after each atomic write of the store, with the papers written (digests) and the
//!   papers they replaced (removed);
//! - `Commit` at the end, naming the build's run (its `prov:Activity` in the runs graph).
//!
//! [`Sidecar::read`] accepts the log only when it parses to the end, its last frame is a
//! `Commit`, and the store holds that run: a build killed at any point leaves an `Open` or a
//! `Batch` last (or a torn frame), so the sidecar is known stale and the store is read
//! instead; the next analytics refresh rebuilds it from the store ([`Sidecar::rewrite`]). A
//! build that finds the sidecar stale deletes it and does not write one. A SPARQL update
//! through `serve --allow-update` deletes it too ([`invalidate`]).

use crate::link::Tagged;
use crate::model::Paper;
use crate::ontology::Ontology;
use crate::rdf::iri::{prefixed_ids, Iris};
use crate::rdf::mapping::{date_literal, score_value};
use crate::rdf::vocab::{CONCEPT_NS, PROV, RDF};
use oxigraph::model::{GraphNameRef, NamedNode, NamedNodeRef, QuadRef};
use oxigraph::store::Store;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// The file name, inside the store's folder.
pub const FILE_NAME: &str = "tags.tgs";

/// What the analytics and reports know of a paper without reading the store.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PaperDigest {
    /// The paper's IRI: the key.
    pub iri: String,
    /// The topicgraph id (`arxiv:2401.00001`): the identifier the IRI was made from, as
    /// [`choose_id`] picks it.
    pub id: String,
    /// Its other identifiers (`doi:10.1/x`), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// `dcterms:issued`, `tg:listed`, `dcterms:modified` as stored (`YYYY`, `YYYY-MM` or
    /// `YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// Sorted, without repeats.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// The first category the source listed (arXiv's primary one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<String>,
    /// The authors in order, each by the last segment of its person IRI (`person/<key>`):
    /// enough for the graph to count and link people, a sixth of the IRI's length.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// Author or indexer keywords, sorted, without repeats.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// The concept tags: the concept's IRI (without the bundled namespace, see
    /// [`PaperDigest::concept_iri`]) and the score as stored, sorted by IRI.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub concepts: Vec<(String, f64)>,
    /// The paper was rewritten without re-tagging (a new source of the same text): its tags
    /// are those of the paper it replaced. Only in a `Batch` frame.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub keep_tags: bool,
}

impl PaperDigest {
    /// The digest of `paper` as the build maps it to `iri`, with its tags (`None`: the tags
    /// stay those already stored).
    pub fn of(iri: &NamedNode, paper: &Paper, tagged: Option<&Tagged>, ontology: &Ontology, iris: &Iris) -> PaperDigest {
        let (id, other_ids) = choose_id(iri.as_str(), prefixed_ids(paper));
        let mut categories = paper.categories.clone();
        categories.sort();
        categories.dedup();
        let mut keywords = paper.keywords.clone();
        keywords.sort();
        keywords.dedup();
        let date = |d: Option<crate::model::PartialDate>| d.map(|d| date_literal(d).value().to_string());
        let mut concepts: Vec<(String, f64)> = tagged
            .map(|t| t.concepts.iter().filter_map(|tag| Some((short_concept(&ontology.get(&tag.id)?.iri), score_value(tag.score)))).collect())
            .unwrap_or_default();
        sort_concepts(&mut concepts);
        PaperDigest {
            iri: iri.as_str().to_string(),
            id,
            other_ids,
            title: paper.title.clone(),
            url: paper.links.abs.clone(),
            issued: date(paper.published.or(paper.id_date)),
            listed: date(paper.listed),
            modified: date(paper.updated),
            categories,
            primary: paper.categories.first().cloned(),
            authors: paper.authors.iter().map(|a| person_key(iris.person(&a.name).as_str()).to_string()).collect(),
            keywords,
            concepts,
            keep_tags: tagged.is_none(),
        }
    }

    /// The full IRI of a concept of [`PaperDigest::concepts`].
    pub fn concept_iri(short: &str) -> String {
        if short.contains(':') {
            short.to_string()
        } else {
            format!("{CONCEPT_NS}{short}")
        }
    }
}

/// A person as a digest keeps it: the last segment of the IRI.
pub fn person_key(iri: &str) -> &str {
    iri.rsplit('/').next().unwrap_or(iri)
}

/// A concept IRI as a digest keeps it: the slug alone when it is in the bundled namespace
/// (a slug has no `:`, an IRI always has one).
pub fn short_concept(iri: &str) -> String {
    match iri.strip_prefix(CONCEPT_NS) {
        Some(slug) if !slug.contains(':') => slug.to_string(),
        _ => iri.to_string(),
    }
}

/// Concepts by IRI; a concept twice keeps its highest score.
pub fn sort_concepts(concepts: &mut Vec<(String, f64)>) {
    concepts.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
    concepts.dedup_by(|later, first| later.0 == first.0);
}

/// A paper's id among its identifiers: the one its IRI ends with (with `:` written as `/`),
/// else the first in sort order, else the IRI; and the others, sorted.
pub fn choose_id(iri: &str, mut ids: Vec<String>) -> (String, Vec<String>) {
    ids.sort();
    ids.dedup();
    let from_iri = ids.iter().position(|id| iri.ends_with(&format!("/{}", id.replacen(':', "/", 1))) || iri.ends_with(&format!("/{id}")));
    match from_iri.or(if ids.is_empty() { None } else { Some(0) }) {
        Some(i) => {
            let id = ids.remove(i);
            (id, ids)
        }
        None => (iri.to_string(), ids),
    }
}

#[derive(Debug, Serialize, Deserialize)]
enum Frame {
    Open,
    Batch { removed: Vec<String>, papers: Vec<PaperDigest> },
    /// The run and the graph it is recorded in (the store's runs graph), and the digests'
    /// [`FORMAT`] (absent: an older one).
    Commit {
        run: String,
        graph: String,
        #[serde(default)]
        format: u32,
    },
}

/// The digests' format: a sidecar committed with another is stale (its digests may lack a
/// field readers need, as the authors before format 2).
pub const FORMAT: u32 = 2;

/// Why a sidecar was not used (for the user: the store is read instead).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    Missing,
    /// A build did not finish (killed, or failed) after it began writing.
    Unfinished,
    /// A frame is cut short or does not match its checksum.
    Damaged(String),
    /// The run it ends with is not in the store (a sidecar of another store, or a store
    /// restored from elsewhere).
    UnknownRun(String),
}

impl std::fmt::Display for Stale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stale::Missing => write!(f, "no tag sidecar"),
            Stale::Unfinished => write!(f, "the tag sidecar is of a build that did not finish"),
            Stale::Damaged(why) => write!(f, "the tag sidecar is damaged ({why})"),
            Stale::UnknownRun(run) => write!(f, "the tag sidecar ends with a run the store does not have ({run})"),
        }
    }
}

/// The digests a valid sidecar holds, by IRI, and how many frames' worth of entries were
/// read (to tell when rewriting it would make it much smaller).
#[derive(Debug, Clone, Default)]
pub struct Sidecar {
    pub papers: BTreeMap<String, PaperDigest>,
    /// Digests read, superseded ones included.
    pub entries: u64,
    /// The run it is valid as of, and the graph that records it.
    pub run: (String, String),
}

/// The sidecar's path for the store at `store_dir`.
pub fn path(store_dir: &Path) -> PathBuf {
    store_dir.join(FILE_NAME)
}

/// Delete the sidecar: the store changed in a way it does not follow.
pub fn invalidate(store_dir: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path(store_dir)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Whether `store` records `run` (a `prov:Activity` in `graph`).
fn run_known(store: &Store, run: &str, graph: &str) -> bool {
    let (Ok(node), Ok(graph)) = (NamedNodeRef::new(run), NamedNodeRef::new(graph)) else { return false };
    let rdf_type = NamedNode::new_unchecked(format!("{RDF}type"));
    let activity = NamedNode::new_unchecked(format!("{PROV}Activity"));
    store.contains(QuadRef::new(node, rdf_type.as_ref(), activity.as_ref(), GraphNameRef::NamedNode(graph))).unwrap_or(false)
}

/// Whether the frames end with a commit of a run `store` records.
fn check_end(last: Option<&Frame>, store: &Store) -> Result<(), Stale> {
    match last {
        Some(Frame::Commit { format, .. }) if *format != FORMAT => Err(Stale::Damaged(format!("format {format}, this topicgraph reads {FORMAT}"))),
        Some(Frame::Commit { run, graph, .. }) if run_known(store, run, graph) => Ok(()),
        Some(Frame::Commit { run, .. }) => Err(Stale::UnknownRun(run.clone())),
        Some(_) => Err(Stale::Unfinished),
        None => Err(Stale::Damaged("empty".into())),
    }
}

fn open(file: &Path) -> Result<File, Stale> {
    match File::open(file) {
        Ok(f) => Ok(f),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Stale::Missing),
        Err(e) => Err(Stale::Damaged(e.to_string())),
    }
}

/// The next frame's length and checksum, `None` at the end of the file.
fn header(r: &mut impl Read) -> Result<Option<(usize, u32)>, Stale> {
    let mut header = [0u8; 8];
    match r.read_exact(&mut header) {
        Ok(()) => Ok(Some((u32::from_le_bytes(header[..4].try_into().expect("4 bytes")) as usize, u32::from_le_bytes(header[4..].try_into().expect("4 bytes"))))),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(None),
        Err(e) => Err(Stale::Damaged(e.to_string())),
    }
}

/// Frame `n` (1-based, for messages) from its payload, checked against its checksum.
fn frame(r: &mut impl Read, len: usize, crc: u32, n: usize, payload: &mut Vec<u8>) -> Result<Frame, Stale> {
    payload.resize(len, 0);
    r.read_exact(payload).map_err(|_| Stale::Damaged(format!("frame {n} is cut short")))?;
    let mut check = flate2::Crc::new();
    check.update(payload);
    if check.sum() != crc {
        return Err(Stale::Damaged(format!("frame {n} does not match its checksum")));
    }
    serde_json::from_slice(payload).map_err(|e| Stale::Damaged(format!("frame {n}: {e}")))
}

/// Every frame of the file, in order; the error names the first bad one.
fn read_frames(file: &Path) -> Result<Vec<Frame>, Stale> {
    let mut r = BufReader::with_capacity(1 << 20, open(file)?);
    let (mut frames, mut payload) = (Vec::new(), Vec::new());
    while let Some((len, crc)) = header(&mut r)? {
        frames.push(frame(&mut r, len, crc, frames.len() + 1, &mut payload)?);
    }
    Ok(frames)
}

/// The last frame alone, skipping over the others (a build checks only how the log ends
/// before it appends; readers check every frame).
fn last_frame(file: &Path) -> Result<Option<Frame>, Stale> {
    use std::io::{Seek, SeekFrom};
    let mut f = open(file)?;
    let size = f.metadata().map_err(|e| Stale::Damaged(e.to_string()))?.len();
    let (mut at, mut last, mut n) = (0u64, None, 0usize);
    while let Some((len, crc)) = header(&mut f)? {
        n += 1;
        let start = at + 8;
        if start + len as u64 > size {
            return Err(Stale::Damaged(format!("frame {n} is cut short")));
        }
        last = Some((start, len, crc, n));
        at = f.seek(SeekFrom::Start(start + len as u64)).map_err(|e| Stale::Damaged(e.to_string()))?;
    }
    let Some((start, len, crc, n)) = last else { return Ok(None) };
    f.seek(SeekFrom::Start(start)).map_err(|e| Stale::Damaged(e.to_string()))?;
    frame(&mut f, len, crc, n, &mut Vec::new()).map(Some)
}

impl Sidecar {
    /// The sidecar of the store at `store_dir`, when it is valid for `store` (see the module
    /// documentation); else why not.
    pub fn read(store_dir: &Path, store: &Store) -> Result<Sidecar, Stale> {
        let frames = read_frames(&path(store_dir))?;
        check_end(frames.last(), store)?;
        let mut out = Sidecar::default();
        if let Some(Frame::Commit { run, graph, .. }) = frames.last() {
            out.run = (run.clone(), graph.clone());
        }
        for frame in frames {
            let Frame::Batch { removed, papers } = frame else { continue };
            let mut old: Vec<PaperDigest> = removed.iter().filter_map(|iri| out.papers.remove(iri)).collect();
            for mut p in papers {
                out.entries += 1;
                if p.keep_tags {
                    // The tags of the paper it replaced: the one with its IRI, else the first.
                    let from = old.iter().position(|o| o.iri == p.iri).or(if old.is_empty() { None } else { Some(0) });
                    p.concepts = from.map(|i| std::mem::take(&mut old[i].concepts)).unwrap_or_default();
                    p.keep_tags = false;
                }
                out.papers.insert(p.iri.clone(), p);
            }
        }
        Ok(out)
    }

    /// Replace the sidecar of `store_dir` with `papers` (read from the store), valid as of
    /// `run` (recorded in the graph `runs`), atomically.
    pub fn rewrite(store_dir: &Path, papers: Vec<PaperDigest>, run: &str, runs: &str) -> std::io::Result<()> {
        let mut tmp = crate::output::temp_file_in(store_dir)?;
        {
            let mut w = BufWriter::with_capacity(1 << 20, tmp.as_file_mut());
            write_frame(&mut w, &Frame::Batch { removed: Vec::new(), papers })?;
            write_frame(&mut w, &Frame::Commit { run: run.to_string(), graph: runs.to_string(), format: FORMAT })?;
            w.flush()?;
        }
        tmp.as_file().sync_all()?;
        tmp.persist(path(store_dir)).map_err(|e| e.error)?;
        Ok(())
    }
}

fn write_frame(w: &mut impl Write, frame: &Frame) -> std::io::Result<()> {
    let payload = serde_json::to_vec(frame).map_err(std::io::Error::from)?;
    let len = u32::try_from(payload.len()).map_err(|_| std::io::Error::other("a sidecar frame over 4 GiB: use smaller batches"))?;
    let mut crc = flate2::Crc::new();
    crc.update(&payload);
    w.write_all(&len.to_le_bytes())?;
    w.write_all(&crc.sum().to_le_bytes())?;
    w.write_all(&payload)
}

impl Sidecar {
    /// Whether rewriting it would at least halve it (papers re-tagged or re-read since it
    /// was written whole).
    pub fn worth_rewriting(&self) -> bool {
        self.entries > 2 * self.papers.len() as u64
    }
}

/// Appends a build's frames to the sidecar. Opened by a build that found the sidecar valid
/// (or a new store, which starts an empty one): `Open` is written and synced before the
/// build writes anything to the store.
#[derive(Debug)]
pub struct Writer {
    file: File,
}

impl Writer {
    /// Start writing for a build of the store at `store_dir`. `fresh`: the store has no paper
    /// yet, so a new sidecar starts empty. Otherwise the existing sidecar is appended to when
    /// it is valid; when it is not, it is deleted and `None` returned (the analytics rebuild
    /// it from the store).
    pub fn start(store_dir: &Path, store: &Store, fresh: bool) -> std::io::Result<Option<Writer>> {
        let file = path(store_dir);
        let append = if fresh {
            false
        } else {
            match last_frame(&file).and_then(|last| check_end(last.as_ref(), store)) {
                Ok(()) => true,
                Err(_) => {
                    invalidate(store_dir)?;
                    return Ok(None);
                }
            }
        };
        let f = OpenOptions::new().create(true).write(true).append(append).truncate(!append).open(&file)?;
        let mut w = Writer { file: f };
        w.frame(&Frame::Open)?;
        Ok(Some(w))
    }

    fn frame(&mut self, frame: &Frame) -> std::io::Result<()> {
        let mut buf = Vec::new();
        write_frame(&mut buf, frame)?;
        self.file.write_all(&buf)?;
        self.file.sync_data()
    }

    /// After an atomic write of the store: the papers it wrote and those it replaced.
    pub fn batch(&mut self, removed: Vec<String>, papers: Vec<PaperDigest>) -> std::io::Result<()> {
        if removed.is_empty() && papers.is_empty() {
            return Ok(());
        }
        self.frame(&Frame::Batch { removed, papers })
    }

    /// The build finished and recorded `run` in the graph `runs`: the sidecar is valid again.
    pub fn commit(mut self, run: &str, runs: &str) -> std::io::Result<()> {
        self.frame(&Frame::Commit { run: run.to_string(), graph: runs.to_string(), format: FORMAT })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdf::iri::Graph;
    use oxigraph::model::Quad;

    fn digest(iri: &str, concepts: &[(&str, f64)]) -> PaperDigest {
        PaperDigest { iri: iri.into(), id: iri.rsplit('/').next().unwrap().into(), concepts: concepts.iter().map(|(c, s)| (c.to_string(), *s)).collect(), ..Default::default() }
    }

    fn store_with_run(iris: &Iris, run: &str) -> Store {
        let store = Store::new().unwrap();
        let g = iris.graph(Graph::Runs);
        assert_eq!(g.as_str(), RUNS);
        store.insert(&Quad::new(NamedNode::new(run).unwrap(), NamedNode::new(format!("{RDF}type")).unwrap(), NamedNode::new(format!("{PROV}Activity")).unwrap(), g)).unwrap();
        store
    }

    const RUN: &str = "https://w3id.org/topicgraph/data/run/1";
    const RUNS: &str = "https://w3id.org/topicgraph/data/graph/runs";

    #[test]
    fn a_committed_log_reads_back_with_replacements_applied() {
        let dir = tempfile::tempdir().unwrap();
        let iris = Iris::default();
        let store = store_with_run(&iris, RUN);
        let mut w = Writer::start(dir.path(), &store, true).unwrap().unwrap();
        w.batch(vec![], vec![digest("http://x/p/1", &[("kv-cache", 0.9)]), digest("http://x/p/2", &[("moe", 0.5)])]).unwrap();
        // p/1 gets a new source without re-tagging: its tags stay; p/2 is re-tagged.
        let mut kept = digest("http://x/p/1", &[]);
        kept.keep_tags = true;
        kept.title = "New title".into();
        w.batch(vec!["http://x/p/1".into(), "http://x/p/2".into()], vec![kept, digest("http://x/p/2", &[("scaling-laws", 0.7)])]).unwrap();
        w.commit(RUN, RUNS).unwrap();
        let s = Sidecar::read(dir.path(), &store).unwrap();
        assert_eq!(s.entries, 4);
        let p1 = &s.papers["http://x/p/1"];
        assert_eq!((p1.title.as_str(), p1.concepts.clone(), p1.keep_tags), ("New title", vec![("kv-cache".to_string(), 0.9)], false));
        assert_eq!(s.papers["http://x/p/2"].concepts, vec![("scaling-laws".to_string(), 0.7)]);
        // Appending: a second build adds to it and commits again.
        let mut w = Writer::start(dir.path(), &store, false).unwrap().expect("a valid sidecar is appended to");
        w.batch(vec![], vec![digest("http://x/p/3", &[])]).unwrap();
        w.commit(RUN, RUNS).unwrap();
        assert_eq!(Sidecar::read(dir.path(), &store).unwrap().papers.len(), 3);
    }

    #[test]
    fn an_unfinished_damaged_or_foreign_log_is_stale_and_a_build_deletes_it() {
        let dir = tempfile::tempdir().unwrap();
        let iris = Iris::default();
        let store = store_with_run(&iris, RUN);
        assert_eq!(Sidecar::read(dir.path(), &store).unwrap_err(), Stale::Missing);
        // Killed after a batch: no commit.
        let mut w = Writer::start(dir.path(), &store, true).unwrap().unwrap();
        w.batch(vec![], vec![digest("http://x/p/1", &[])]).unwrap();
        drop(w);
        assert_eq!(Sidecar::read(dir.path(), &store).unwrap_err(), Stale::Unfinished);
        // A build that finds it stale deletes it and writes none.
        assert!(Writer::start(dir.path(), &store, false).unwrap().is_none());
        assert!(!path(dir.path()).exists());
        // Committed, then the last frame torn.
        let w = Writer::start(dir.path(), &store, true).unwrap().unwrap();
        w.commit(RUN, RUNS).unwrap();
        assert!(Sidecar::read(dir.path(), &store).is_ok());
        let bytes = std::fs::read(path(dir.path())).unwrap();
        std::fs::write(path(dir.path()), &bytes[..bytes.len() - 3]).unwrap();
        assert!(matches!(Sidecar::read(dir.path(), &store).unwrap_err(), Stale::Damaged(_)));
        // A flipped byte fails the checksum.
        let mut flipped = bytes.clone();
        let last = flipped.len() - 2;
        flipped[last] ^= 1;
        std::fs::write(path(dir.path()), &flipped).unwrap();
        assert!(matches!(Sidecar::read(dir.path(), &store).unwrap_err(), Stale::Damaged(m) if m.contains("checksum")));
        // A build checks the last frame only, and finds that too.
        assert!(matches!(last_frame(&path(dir.path())), Err(Stale::Damaged(m)) if m.contains("frame 2 does not match")));
        std::fs::write(path(dir.path()), &bytes[..bytes.len() - 3]).unwrap();
        assert!(matches!(last_frame(&path(dir.path())), Err(Stale::Damaged(m)) if m.contains("frame 2 is cut short")));
        assert!(Writer::start(dir.path(), &store, false).unwrap().is_none());
        assert!(!path(dir.path()).exists());
        std::fs::write(path(dir.path()), &bytes).unwrap();
        assert!(matches!(last_frame(&path(dir.path())), Ok(Some(Frame::Commit { .. }))));
        // A run the store does not have.
        Sidecar::rewrite(dir.path(), vec![digest("http://x/p/1", &[])], "https://w3id.org/topicgraph/data/run/other", RUNS).unwrap();
        assert!(matches!(Sidecar::read(dir.path(), &store).unwrap_err(), Stale::UnknownRun(_)));
        Sidecar::rewrite(dir.path(), vec![digest("http://x/p/1", &[])], RUN, RUNS).unwrap();
        assert_eq!(Sidecar::read(dir.path(), &store).unwrap().papers.len(), 1);
        // A sidecar of an older format (its commit says none) is stale too.
        let mut old = Vec::new();
        write_frame(&mut old, &Frame::Batch { removed: vec![], papers: vec![digest("http://x/p/1", &[])] }).unwrap();
        let payload = format!(r#"{{"Commit":{{"run":"{RUN}","graph":"{RUNS}"}}}}"#);
        let mut crc = flate2::Crc::new();
        crc.update(payload.as_bytes());
        old.extend((payload.len() as u32).to_le_bytes());
        old.extend(crc.sum().to_le_bytes());
        old.extend(payload.as_bytes());
        std::fs::write(path(dir.path()), &old).unwrap();
        assert!(matches!(Sidecar::read(dir.path(), &store).unwrap_err(), Stale::Damaged(m) if m.contains("format 0")));
    }

    #[test]
    fn ids_and_concepts_are_normalised_as_the_store_reader_does() {
        assert_eq!(choose_id("https://w3id.org/topicgraph/data/paper/arxiv/2401.00001", vec!["doi:10.1/x".into(), "arxiv:2401.00001".into()]), ("arxiv:2401.00001".to_string(), vec!["doi:10.1/x".to_string()]));
        assert_eq!(choose_id("http://x/p", vec![]).0, "http://x/p");
        assert_eq!(short_concept(&format!("{CONCEPT_NS}kv-cache")), "kv-cache");
        assert_eq!(short_concept("http://example.org/c/x"), "http://example.org/c/x");
        assert_eq!(PaperDigest::concept_iri("kv-cache"), format!("{CONCEPT_NS}kv-cache"));
        let mut c = vec![("b".to_string(), 0.2), ("a".to_string(), 0.1), ("b".to_string(), 0.9)];
        sort_concepts(&mut c);
        assert_eq!(c, vec![("a".to_string(), 0.1), ("b".to_string(), 0.9)]);
    }
}
