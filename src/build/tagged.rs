//! `build --from-tags`: load papers tagged elsewhere into the store without tagging them
//! again. The input is what `topicgraph tag --with-paper` writes (one object per line: the
//! tags and the paper's canonical record), e.g. the output of a Spark job that piped
//! partitions of a large corpus through `topicgraph tag`.
//!
//! A line's tags are used as they are when they were made with the ontology version this
//! build loads and the paper that goes into the store has the text they were made from.
//! Otherwise (another ontology, or a merge with a stored record changed the text) the paper
//! is tagged here, so the store never holds tags of another text or ontology.

use super::{finish, keep, plan, start, write, BuildConfig, BuildError, BuildSummary, Ctx};
use crate::ingest::clean::finalize;
use crate::ingest::formats::json_util::json_reason;
use crate::ingest::read::{read_records, ReadObserver};
use crate::ingest::source::InputFile;
use crate::link::{Linker, Tagged};
use crate::model::Paper;
use crate::rdf::iri::{prefixed_ids, Iris};
use crate::rdf::store::KgStore;
use rustc_hash::{FxHashSet, FxHasher};
use std::hash::{Hash, Hasher};
use std::time::Instant;

/// A paper and the tags that came with it.
pub(crate) struct Pretagged {
    pub paper: Paper,
    pub tags: Tagged,
    /// Hash of the text the tags were made from.
    pub text: u64,
}

/// The text tags are made from: title, abstract and author keywords.
pub(crate) fn text_hash(p: &Paper) -> u64 {
    let mut h = FxHasher::default();
    (&p.title, &p.abstract_text, &p.keywords).hash(&mut h);
    h.finish()
}

/// Parse one line of `tag --with-paper` output.
fn parse(line: &str) -> Result<Pretagged, String> {
    let mut tags: Tagged = serde_json::from_str(line).map_err(|e| json_reason(&e, line.as_bytes()))?;
    let paper = tags.paper.take().ok_or("no `paper` record: write the tags with `topicgraph tag --with-paper`")?;
    let paper = finalize(*paper)?;
    if paper.id != tags.id {
        return Err(format!("the tags are of {:?} but the record is of {:?}", tags.id, paper.id));
    }
    Ok(Pretagged { text: text_hash(&paper), paper, tags })
}

/// Load tagged papers from `files` into `store`: the same matching, merging, provenance and
/// atomic batches as [`super::build_files`], without the tagging.
pub fn build_tagged(
    store: &KgStore,
    linker: &Linker,
    iris: &Iris,
    files: &[InputFile],
    cfg: &BuildConfig,
    observer: &mut dyn ReadObserver,
) -> Result<BuildSummary, BuildError> {
    let ctx = Ctx::new(store, linker, iris, cfg.evidence);
    let (mut summary, run) = start(&ctx)?;

    // A batch holds no two papers that share an id: the second waits for the next batch,
    // where the first is in the store and the two are merged as in any build.
    let mut batch: Vec<Pretagged> = Vec::new();
    let mut ids: FxHashSet<String> = FxHashSet::default();
    let mut failure: Option<BuildError> = None;
    let mut read = crate::ingest::ReadSummary::default();
    let t_read = Instant::now();
    let mut busy = 0.0;
    let flush = |batch: &mut Vec<Pretagged>, ids: &mut FxHashSet<String>, summary: &mut BuildSummary| -> Result<(), BuildError> {
        ids.clear();
        process(&ctx, std::mem::take(batch), summary)
    };
    let result = read_records(files, cfg.read.strict, &mut read, observer, parse, &mut |p: Pretagged| {
        if !keep(&p.paper, &cfg.categories) {
            summary.filtered += 1;
            return Ok(());
        }
        let paper_ids = prefixed_ids(&p.paper);
        if batch.len() >= cfg.batch || paper_ids.iter().any(|id| ids.contains(id)) {
            let t = Instant::now();
            let r = flush(&mut batch, &mut ids, &mut summary);
            busy += t.elapsed().as_secs_f64();
            if let Err(e) = r {
                failure = Some(e);
                return Err(std::io::Error::other("build stopped"));
            }
        }
        ids.extend(paper_ids);
        batch.push(p);
        Ok(())
    });
    if let Some(e) = failure {
        return Err(e);
    }
    result?;
    summary.read = read;
    summary.stages.push(("read", (t_read.elapsed().as_secs_f64() - busy).max(0.0)));
    flush(&mut batch, &mut ids, &mut summary)?;
    finish(&ctx, cfg, summary, run)
}

fn process(ctx: &Ctx, batch: Vec<Pretagged>, summary: &mut BuildSummary) -> Result<(), BuildError> {
    if batch.is_empty() {
        return Ok(());
    }
    let (papers, given): (Vec<Paper>, Vec<(Tagged, u64)>) = batch.into_iter().map(|p| (p.paper, (p.tags, p.text))).unzip();
    let t = Instant::now();
    let plans = plan::plan(ctx, papers)?;
    summary.time("match", t);
    // Keep a line's tags only where they fit the paper the plan writes.
    let given: Vec<Option<Tagged>> = plans
        .iter()
        .zip(given)
        .map(|(plan, (tags, text))| {
            let paper = plan.paper()?;
            (tags.ontology == ctx.linker.version() && text_hash(paper) == text).then_some(tags)
        })
        .collect();
    write::write_plans_with(ctx, plans, given, summary)
}
