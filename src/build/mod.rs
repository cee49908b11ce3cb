//! `build`: papers in, knowledge graph out. Entry point: [`build`].
//!
//! ingest (the [`crate::ingest`] pipeline, merged within the run) -> match each paper with
//! what the store already holds (by any shared id) -> merge -> tag what is new or changed
//! ([`crate::link`]) -> quads ([`crate::rdf::mapping`]) -> store, a batch at a time.
//!
//! Incremental and idempotent: a source record already loaded (same format, file and
//! position) changes nothing; the same paper from a new source is merged with the stored
//! record (ids, provenance and the fields it lacked); a paper is re-tagged only when its text,
//! its IRI or the ontology version changed. Every write is atomic per batch (a transaction
//! for replaced papers, an atomic bulk load for new ones), so a killed build leaves whole
//! papers only and the next run completes the work.

mod plan;
mod tagged;
mod write;

use crate::ingest::read::read_files;
use crate::ingest::source::{expand_inputs, InputFile};
use crate::ingest::{IngestError, ReadConfig, ReadSummary};
use crate::link::Linker;
use crate::model::Paper;
use crate::rdf::iri::{Graph, Iris};
use crate::rdf::mapping::{EvidenceMode, Mapper, MAPPING_VERSION};
use crate::rdf::sidecar;
use crate::rdf::store::KgStore;
use crate::rdf::vocab::{OWL, TG_NS};
use oxigraph::model::{GraphNameRef, Literal, NamedNode, NamedOrBlankNode, Term};
use oxigraph::store::StorageError;
use std::time::Instant;

pub use plan::Plan;
pub use tagged::build_tagged;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error("store: {0}")]
    Storage(#[from] StorageError),
    #[error("the stored record of {iri} is unreadable: {source}")]
    Record { iri: String, source: serde_json::Error },
    #[error("writing the tag sidecar {}: {source}", path.display())]
    Sidecar { path: std::path::PathBuf, source: std::io::Error },
}

/// How to build.
#[derive(Debug, Clone)]
pub struct BuildConfig {
    pub read: ReadConfig,
    /// Keep only papers with one of these arXiv categories (`cs.LG`), or of one of these
    /// archives (`cs`). Empty: keep all.
    pub categories: Vec<String>,
    pub evidence: EvidenceMode,
    /// Papers per atomic write.
    pub batch: usize,
    /// The command line, for the run record.
    pub command: String,
    /// Whether the store is compacted at the end ([`Compact`]).
    pub compact: Compact,
}

impl Default for BuildConfig {
    fn default() -> Self {
        BuildConfig { read: ReadConfig::default(), categories: Vec::new(), evidence: EvidenceMode::Compact, batch: 20_000, command: String::new(), compact: Compact::Auto }
    }
}

/// Whether a build ends with a full compaction of the store (RocksDB's, through oxigraph's
/// `Store::optimize`).
///
/// Each batch is bulk-loaded as sorted files of its own, and the files of different batches
/// overlap, so until they are merged every index lookup seeks in each of them. Compacting
/// after the 266k-paper build took 48 s and made the store 5.0 -> 3.1 GB and the selective
/// example queries 2-5x faster (README, Measured). A daily update of a few thousand papers
/// leaves the rest to RocksDB's background compactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compact {
    /// When the store had no tagged paper before this run, or the run wrote at least
    /// [`Compact::AUTO_MIN_PAPERS`] papers.
    #[default]
    Auto,
    Always,
    Never,
}

impl Compact {
    /// Papers written (added, updated or re-tagged) from which `Auto` compacts a store that
    /// already had papers.
    pub const AUTO_MIN_PAPERS: u64 = 50_000;

    fn due(self, fresh: bool, written: u64) -> bool {
        match self {
            Compact::Always => true,
            Compact::Never => false,
            Compact::Auto => written > 0 && (fresh || written >= Self::AUTO_MIN_PAPERS),
        }
    }
}

impl std::str::FromStr for Compact {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(Compact::Auto),
            "always" => Ok(Compact::Always),
            "never" => Ok(Compact::Never),
            other => Err(format!("expected auto, always or never, got {other:?}")),
        }
    }
}

/// What a build did, stage by stage.
#[derive(Debug, Clone, Default)]
pub struct BuildSummary {
    pub read: ReadSummary,
    /// Papers left out by `--category`.
    pub filtered: u64,
    /// Papers the store did not have.
    pub added: u64,
    /// Stored papers that a new source changed (ids, provenance or fields).
    pub updated: u64,
    /// Papers whose every source record was already loaded.
    pub unchanged: u64,
    /// Records merged into another record of the same batch because both matched one
    /// stored paper (each by another id); the paper is counted once, by that record's plan.
    pub joined: u64,
    /// Papers tagged in this run (new, changed text, or a new ontology version).
    pub tagged: u64,
    /// Papers whose tags came with the input (`--from-tags`), used as they were.
    pub from_tags: u64,
    /// Stored papers re-tagged only because the ontology changed.
    pub retagged_for_ontology: u64,
    pub ontology_loaded: bool,
    pub quads_inserted: u64,
    pub quads_removed: u64,
    /// Seconds per stage, in the order they ran.
    pub stages: Vec<(&'static str, f64)>,
    /// Whether the store was compacted at the end ([`Compact`]).
    pub compacted: bool,
    /// The run recorded in the store's runs graph (its IRI).
    pub run: Option<String>,
}

impl BuildSummary {
    fn time(&mut self, stage: &'static str, since: Instant) {
        let secs = since.elapsed().as_secs_f64();
        match self.stages.iter_mut().find(|(s, _)| *s == stage) {
            Some((_, t)) => *t += secs,
            None => self.stages.push((stage, secs)),
        }
    }
}

/// Everything a batch needs to be written.
pub(crate) struct Ctx<'a> {
    pub store: &'a KgStore,
    pub linker: &'a Linker,
    pub mapper: Mapper<'a>,
    /// What a paper's quads are made with: the linker's version (ontology, semantic model)
    /// and the mapping's, written as each paper's `tg:taggedWith`.
    pub version: String,
    /// Follows every write of the store, when the store is on disk and its sidecar was
    /// valid (or the store new): see [`crate::rdf::sidecar`]. Set by [`start`].
    sidecar: std::sync::Mutex<Option<sidecar::Writer>>,
}

impl<'a> Ctx<'a> {
    pub fn new(store: &'a KgStore, linker: &'a Linker, iris: &'a Iris, evidence: EvidenceMode) -> Self {
        Ctx { store, linker, mapper: Mapper { iris, evidence }, version: format!("{}+rdf:{MAPPING_VERSION}", linker.version()), sidecar: std::sync::Mutex::new(None) }
    }

    fn sidecar_error(&self, source: std::io::Error) -> BuildError {
        BuildError::Sidecar { path: self.store.path().map(sidecar::path).unwrap_or_default(), source }
    }

    /// Whether writes are followed by the sidecar (digests are worth computing).
    pub fn follows_sidecar(&self) -> bool {
        self.sidecar.lock().expect("the sidecar lock is never poisoned").is_some()
    }

    /// After an atomic write of the store: what it wrote, for the sidecar.
    pub fn sidecar_batch(&self, removed: Vec<String>, papers: Vec<sidecar::PaperDigest>) -> Result<(), BuildError> {
        match self.sidecar.lock().expect("the sidecar lock is never poisoned").as_mut() {
            Some(w) => w.batch(removed, papers).map_err(|e| self.sidecar_error(e)),
            None => Ok(()),
        }
    }

    pub fn iris(&self) -> &Iris {
        self.mapper.iris
    }
    pub fn graph(&self, g: Graph) -> NamedNode {
        self.iris().graph(g)
    }
}

/// Run the pipeline on `inputs` into `store`. Read problems go to `observer` (and the
/// summary), as in `topicgraph papers`.
pub fn build(
    store: &KgStore,
    linker: &Linker,
    iris: &Iris,
    inputs: &[String],
    cfg: &BuildConfig,
    observer: &mut dyn crate::ingest::read::ReadObserver,
) -> Result<BuildSummary, BuildError> {
    build_files(store, linker, iris, expand_inputs(inputs)?, cfg, observer)
}

/// [`build`] from inputs already expanded: files, or the pages of a fetch
/// ([`crate::fetch::Fetched::files`], read with its `read_config`).
pub fn build_files(
    store: &KgStore,
    linker: &Linker,
    iris: &Iris,
    files: Vec<InputFile>,
    cfg: &BuildConfig,
    observer: &mut dyn crate::ingest::read::ReadObserver,
) -> Result<BuildSummary, BuildError> {
    let ctx = Ctx::new(store, linker, iris, cfg.evidence);
    let (mut summary, run) = start(&ctx)?;

    // The reader calls back with merged papers; batches are written as they fill. A store
    // error inside the callback is kept here and the read is stopped with a marker error.
    let mut batch: Vec<Paper> = Vec::with_capacity(cfg.batch.min(100_000));
    let mut failure: Option<BuildError> = None;
    let t_read = Instant::now();
    let mut busy = 0.0;
    let read = read_files(files, &cfg.read, observer, &mut |paper| {
        if !keep(&paper, &cfg.categories) {
            summary.filtered += 1;
            return Ok(());
        }
        batch.push(paper);
        if batch.len() >= cfg.batch {
            let t = Instant::now();
            let r = process(&ctx, std::mem::take(&mut batch), &mut summary);
            busy += t.elapsed().as_secs_f64();
            if let Err(e) = r {
                failure = Some(e);
                return Err(std::io::Error::other("build stopped"));
            }
        }
        Ok(())
    });
    if let Some(e) = failure {
        return Err(e);
    }
    summary.read = read?;
    summary.stages.push(("read", (t_read.elapsed().as_secs_f64() - busy).max(0.0)));
    process(&ctx, batch, &mut summary)?;
    finish(&ctx, cfg, summary, run)
}

/// When a build started and whether the store had no tagged paper then.
pub(crate) struct Run {
    started: std::time::SystemTime,
    fresh: bool,
}

/// The start of every build: the ontology graph brought up to date.
pub(crate) fn start(ctx: &Ctx) -> Result<(BuildSummary, Run), BuildError> {
    let mut summary = BuildSummary::default();
    let started = std::time::SystemTime::now();
    let t = Instant::now();
    summary.ontology_loaded = write::sync_ontology(ctx)?;
    let fresh = write::no_tagged_papers(ctx)?;
    summary.time("ontology", t);
    if let Some(dir) = ctx.store.path() {
        let writer = sidecar::Writer::start(dir, ctx.store, fresh).map_err(|e| ctx.sidecar_error(e))?;
        *ctx.sidecar.lock().expect("the sidecar lock is never poisoned") = writer;
    }
    Ok((summary, Run { started, fresh }))
}

/// The end of every build: papers of an older ontology re-tagged, the run recorded.
pub(crate) fn finish(ctx: &Ctx, cfg: &BuildConfig, mut summary: BuildSummary, run: Run) -> Result<BuildSummary, BuildError> {
    let t = Instant::now();
    summary.retagged_for_ontology = write::retag_stale(ctx, cfg.batch, &mut summary, run.fresh)?;
    summary.time("retag", t);
    let run_iri = write::record_run(ctx, run.started, &cfg.command, &summary)?;
    if let Some(w) = ctx.sidecar.lock().expect("the sidecar lock is never poisoned").take() {
        w.commit(run_iri.as_str(), ctx.graph(Graph::Runs).as_str()).map_err(|e| ctx.sidecar_error(e))?;
    }
    summary.run = Some(run_iri.into_string());
    let written = summary.added + summary.updated + summary.tagged + summary.from_tags + summary.retagged_for_ontology;
    if cfg.compact.due(run.fresh, written) {
        let t = Instant::now();
        ctx.store.optimize()?;
        summary.compacted = true;
        summary.time("compact", t);
    }
    Ok(summary)
}

/// Match, merge, tag and write one batch.
fn process(ctx: &Ctx, papers: Vec<Paper>, summary: &mut BuildSummary) -> Result<(), BuildError> {
    if papers.is_empty() {
        return Ok(());
    }
    let t = Instant::now();
    let plans = plan::plan(ctx, papers)?;
    summary.time("match", t);
    write::write_plans(ctx, plans, summary)
}

/// `--category` filter: exact category or whole archive (`cs` keeps `cs.LG`).
fn keep(p: &Paper, categories: &[String]) -> bool {
    in_categories(&p.categories, categories)
}

/// Whether a paper with categories `have` passes a `--category` filter `wanted`: no filter,
/// or one of its categories is wanted exactly or by archive (`cs` keeps `cs.LG`).
pub fn in_categories(have: &[String], wanted: &[String]) -> bool {
    wanted.is_empty() || have.iter().any(|c| wanted.iter().any(|want| c == want || c.split('.').next() == Some(want.as_str())))
}

/// The ontology version the store was last built with (`None` for a new store).
pub fn stored_ontology_version(store: &KgStore, iris: &Iris) -> Result<Option<String>, StorageError> {
    let scheme = iris.scheme();
    let g = iris.graph(Graph::Ontology);
    let version = NamedNode::new_unchecked(format!("{OWL}versionInfo"));
    for q in store.quads_for_pattern(Some(scheme.as_ref().into()), Some(version.as_ref()), None, Some(GraphNameRef::NamedNode(g.as_ref()))) {
        if let Term::Literal(l) = q?.object {
            return Ok(Some(l.value().to_string()));
        }
    }
    Ok(None)
}

/// Every paper the store holds, as its IRI and canonical record (the state graph's
/// `tg:record`), in store order.
pub fn stored_records(store: &KgStore, iris: &Iris) -> Result<Vec<(String, Paper)>, BuildError> {
    let state = iris.graph(Graph::State);
    let mut out = Vec::new();
    for q in store.quads_for_pattern(None, Some(tg("record").as_ref()), None, Some(GraphNameRef::NamedNode(state.as_ref()))) {
        let q = q?;
        if let (Term::Literal(l), NamedOrBlankNode::NamedNode(iri)) = (q.object, q.subject) {
            let paper = serde_json::from_str::<Paper>(l.value()).map_err(|source| BuildError::Record { iri: iri.to_string(), source })?;
            out.push((iri.into_string(), paper));
        }
    }
    Ok(out)
}

/// What every stored paper was last tagged with (the ontology version, and the semantic
/// model when it was on): the marker a completed build leaves. `None` for a new store.
pub fn stored_tagging_version(store: &KgStore, iris: &Iris) -> Result<Option<String>, StorageError> {
    let state = iris.graph(Graph::State);
    for q in store.quads_for_pattern(Some(iris.scheme().as_ref().into()), Some(tg("allTaggedWith").as_ref()), None, Some(GraphNameRef::NamedNode(state.as_ref()))) {
        if let Term::Literal(l) = q?.object {
            return Ok(Some(l.value().to_string()));
        }
    }
    Ok(None)
}

pub(crate) fn tg(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{TG_NS}{local}"))
}

pub(crate) fn literal(s: &str) -> Literal {
    Literal::new_simple_literal(s)
}

#[cfg(test)]
mod tests;
