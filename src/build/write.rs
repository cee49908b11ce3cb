//! Writing plans to the store: bulk loads for new papers, transactions for replaced ones.

use super::plan::{load_stored, Plan};
use super::{literal, stored_ontology_version, tg, BuildError, BuildSummary, Ctx};
use crate::link::Tagged;
use crate::model::Paper;
use crate::rdf::iri::Graph;
use crate::rdf::sidecar::PaperDigest;
use oxigraph::model::{GraphName, GraphNameRef, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term};
use oxigraph::store::{StorageError, Store};
use rayon::prelude::*;
use std::collections::HashSet;
use std::time::Instant;

/// Load the ontology into its graph when the store has another version (or none).
/// Returns whether it was (re)loaded.
pub fn sync_ontology(ctx: &Ctx) -> Result<bool, BuildError> {
    if stored_ontology_version(ctx.store, ctx.iris())?.as_deref() == Some(ctx.linker.ontology().version().as_str()) {
        return Ok(false);
    }
    let mut quads = Vec::new();
    ctx.mapper.ontology(ctx.linker.ontology(), &mut quads);
    let g = ctx.graph(Graph::Ontology);
    let mut tx = ctx.store.start_transaction()?;
    tx.clear_graph(g.as_ref())?;
    tx.extend(quads.iter());
    tx.commit()?;
    Ok(true)
}

/// The quads of a paper in the graphs `build` writes for it; returns the paper's IRI.
fn paper_quads(ctx: &Ctx, paper: &Paper, tagged: Option<&Tagged>, out: &mut Vec<Quad>) -> Result<NamedNode, BuildError> {
    let iri = ctx.iris().paper(paper);
    ctx.mapper.paper(paper, out);
    ctx.mapper.provenance(paper, out);
    let state: GraphName = ctx.graph(Graph::State).into();
    let record = serde_json::to_string(paper).map_err(|source| BuildError::Record { iri: iri.to_string(), source })?;
    out.push(Quad::new(iri.clone(), tg("record"), literal(&record), state.clone()));
    if let Some(t) = tagged {
        ctx.mapper.annotations(&iri, t, ctx.linker.ontology(), out);
        out.push(Quad::new(iri.clone(), tg("taggedWith"), literal(&ctx.version), state));
    }
    Ok(iri)
}

/// Replaced papers per transaction (see [`write_replaced`]).
const REPLACE_PER_TRANSACTION: usize = 500;

pub fn write_plans(ctx: &Ctx, plans: Vec<Plan>, summary: &mut BuildSummary) -> Result<(), BuildError> {
    let none = (0..plans.len()).map(|_| None).collect();
    write_plans_with(ctx, plans, none, summary)
}

/// [`write_plans`] with tags made elsewhere (`given[i]` for `plans[i]`, `build --from-tags`):
/// a plan that needs tags and has none given is tagged here.
pub fn write_plans_with(ctx: &Ctx, plans: Vec<Plan>, given: Vec<Option<Tagged>>, summary: &mut BuildSummary) -> Result<(), BuildError> {
    let t = Instant::now();
    let reused = plans.iter().zip(&given).filter(|(p, g)| p.needs_tags() && g.is_some()).count() as u64;
    // Tag in parallel, in plan order.
    let tagged: Vec<Option<Tagged>> = plans
        .par_iter()
        .zip(given)
        .map(|(p, given)| match p {
            Plan::New(paper) | Plan::Replace { paper, retag: true, .. } => Some(given.unwrap_or_else(|| ctx.linker.tag(paper))),
            _ => None,
        })
        .collect();
    summary.time("tag", t);

    let t = Instant::now();
    let mut new_quads = Vec::new();
    let mut replaced: Vec<Replaced> = Vec::new();
    // What the sidecar learns of this batch, when it follows the store.
    let follow = ctx.follows_sidecar();
    let (mut digests, mut removed) = (Vec::new(), Vec::new());
    for (plan, tags) in plans.iter().zip(&tagged) {
        let (paper, iri) = match plan {
            Plan::New(paper) => {
                summary.added += 1;
                (paper, paper_quads(ctx, paper, tags.as_ref(), &mut new_quads)?)
            }
            Plan::Replace { old, paper, retag } => {
                let mut quads = Vec::new();
                let iri = paper_quads(ctx, paper, tags.as_ref(), &mut quads)?;
                replaced.push(Replaced { old, iri: iri.clone(), retag: *retag, quads });
                summary.updated += 1;
                if follow {
                    removed.extend(old.iter().map(|n| n.as_str().to_string()));
                }
                (paper, iri)
            }
            Plan::Unchanged => {
                summary.unchanged += 1;
                continue;
            }
            Plan::Joined => {
                summary.joined += 1;
                continue;
            }
        };
        if follow {
            digests.push(PaperDigest::of(&iri, paper, tags.as_ref(), ctx.linker.ontology(), ctx.iris()));
        }
    }
    summary.tagged += tagged.iter().filter(|t| t.is_some()).count() as u64 - reused;
    summary.from_tags += reused;
    summary.time("map", t);

    let t = Instant::now();
    write_replaced(ctx, &replaced, summary)?;
    if !new_quads.is_empty() {
        summary.quads_inserted += new_quads.len() as u64;
        let mut loader = ctx.store.bulk_loader();
        loader.load_quads(new_quads)?;
        loader.commit()?;
    }
    ctx.sidecar_batch(removed, digests)?;
    summary.time("store", t);
    Ok(())
}

/// A stored paper (one IRI or several) to be replaced by `quads`, written under `iri`.
struct Replaced<'a> {
    old: &'a [NamedNode],
    iri: NamedNode,
    retag: bool,
    quads: Vec<Quad>,
}

/// Write replaced papers, changing only the quads that differ: a re-tag with the same tags,
/// or a paper that gains one id, touches a few quads of its sixty.
///
/// A transaction each at most REPLACE_PER_TRANSACTION papers, each paper whole in one.
/// RocksDB keeps a transaction's writes in an indexed batch that every later write and read
/// of it searches: 20,000 papers in one transaction wrote about 100 papers/s. What changes is
/// worked out before the transaction, in parallel, from the committed store; so the papers
/// of one transaction share no IRI (a plan that shares one with an earlier plan of the
/// chunk starts the next), and each transaction sees the ones before it.
fn write_replaced(ctx: &Ctx, replaced: &[Replaced], summary: &mut BuildSummary) -> Result<(), BuildError> {
    let mut start = 0;
    while start < replaced.len() {
        let mut iris: HashSet<&NamedNode> = HashSet::new();
        let mut end = start;
        while end < replaced.len() && end - start < REPLACE_PER_TRANSACTION {
            let r = &replaced[end];
            let mine: Vec<&NamedNode> = r.old.iter().chain(std::iter::once(&r.iri)).collect();
            if mine.iter().any(|i| iris.contains(i)) {
                break;
            }
            iris.extend(mine);
            end += 1;
        }
        let changes: Vec<(Vec<Quad>, Vec<Quad>)> = replaced[start..end].par_iter().map(|r| changes(ctx, r)).collect::<Result<_, _>>()?;
        let mut tx = ctx.store.start_transaction()?;
        for (remove, insert) in &changes {
            for q in remove {
                tx.remove(q);
            }
            for q in insert {
                tx.insert(q);
            }
            summary.quads_removed += remove.len() as u64;
            summary.quads_inserted += insert.len() as u64;
        }
        tx.commit()?;
        start = end;
    }
    Ok(())
}

/// The quads to remove and to insert to turn the stored paper(s) into `r.quads`.
fn changes(ctx: &Ctx, r: &Replaced) -> Result<(Vec<Quad>, Vec<Quad>), BuildError> {
    let mut graphs = vec![Graph::Papers, Graph::Provenance, Graph::State];
    if r.retag {
        graphs.push(Graph::Annotations);
    }
    let graphs: Vec<NamedNode> = graphs.iter().map(|g| ctx.graph(*g)).collect();
    let mut had: Vec<Quad> = Vec::new();
    for iri in r.old {
        had.extend(owned_quads(ctx.store, iri.as_ref(), &graphs)?);
    }
    let new: HashSet<&Quad> = r.quads.iter().collect();
    // Without re-tagging, the tagging version stays with the annotations.
    let remove: Vec<Quad> = had.iter().filter(|q| (r.retag || q.predicate != tg("taggedWith")) && !new.contains(q)).cloned().collect();
    let had: HashSet<&Quad> = had.iter().collect();
    let mut insert = Vec::new();
    for q in r.quads.iter().filter(|q| !had.contains(q)) {
        // Shared nodes (people, entities) are not the paper's own: they are there already
        // unless this paper is the first to name them. The paper's own quads are written
        // even when the store holds an equal value: it stores some literals in another
        // form (a `xsd:nonNegativeInteger` comes back as `xsd:integer`), and the removal
        // above took that form out.
        let shared = match &q.subject {
            NamedOrBlankNode::NamedNode(s) => s != &r.iri && !owns(r.iri.as_ref(), s),
            _ => true,
        };
        if !shared || !ctx.store.contains(q)? {
            insert.push(q.clone());
        }
    }
    Ok((remove, insert))
}

/// The quads of `paper` in `graphs` and of every node it owns (its IRI plus a fragment),
/// found in both directions: annotations point at the paper (or at a resource that points
/// at it), the paper at its roles. Each node is looked up once a direction over all graphs,
/// filtered, rather than once a graph.
fn owned_quads(store: &Store, paper: NamedNodeRef, graphs: &[NamedNode]) -> Result<Vec<Quad>, StorageError> {
    let owned = |n: &NamedNode| owns(paper, n);
    let wanted = |g: &GraphName| matches!(g, GraphName::NamedNode(n) if graphs.contains(n));
    let mut seen: HashSet<NamedNode> = HashSet::from([paper.into_owned()]);
    let mut todo = vec![paper.into_owned()];
    let mut out: Vec<Quad> = Vec::new();
    while let Some(n) = todo.pop() {
        for q in store.quads_for_pattern(Some(n.as_ref().into()), None, None, None) {
            let q = q?;
            if !wanted(&q.graph_name) {
                continue;
            }
            if let Term::NamedNode(o) = &q.object {
                if owned(o) && seen.insert(o.clone()) {
                    todo.push(o.clone());
                }
            }
            out.push(q);
        }
        for q in store.quads_for_pattern(None, None, Some(n.as_ref().into()), None) {
            let q = q?;
            if let NamedOrBlankNode::NamedNode(s) = &q.subject {
                if wanted(&q.graph_name) && owned(s) && seen.insert(s.clone()) {
                    todo.push(s.clone());
                }
            }
        }
    }
    Ok(out)
}

/// Whether `node` is one of `paper`'s own nodes: its IRI plus a fragment (`#author-1`,
/// `#tag-kv-cache`, `#source-2`).
fn owns(paper: NamedNodeRef, node: &NamedNode) -> bool {
    node.as_str().strip_prefix(paper.as_str()).is_some_and(|rest| rest.starts_with('#'))
}

/// Whether the store holds no tagged paper yet (checked before a build writes any).
pub fn no_tagged_papers(ctx: &Ctx) -> Result<bool, BuildError> {
    let state = ctx.graph(Graph::State);
    Ok(ctx.store.quads_for_pattern(None, Some(tg("taggedWith").as_ref()), None, Some(GraphNameRef::NamedNode(state.as_ref()))).next().is_none())
}

/// Re-tag stored papers tagged with another ontology version, a batch at a time. `fresh`:
/// the store had no tagged paper before this build, so every paper was just tagged with the
/// current version and the scan is skipped.
pub fn retag_stale(ctx: &Ctx, batch: usize, summary: &mut BuildSummary, fresh: bool) -> Result<u64, BuildError> {
    let state = ctx.graph(Graph::State);
    let current = literal(&ctx.version);
    let tagged_with = tg("taggedWith");
    // A completed pass leaves a marker: with it, no paper can be stale and the scan of every
    // paper's version is skipped. It is written only after the last batch, so a pass that
    // was killed is redone.
    let marker = Quad::new(ctx.iris().scheme(), tg("allTaggedWith"), current.clone(), state.clone());
    if ctx.store.contains(&marker)? {
        return Ok(0);
    }
    if fresh {
        let mut tx = ctx.store.start_transaction()?;
        tx.insert(&marker);
        tx.commit()?;
        return Ok(0);
    }
    let mut stale: Vec<NamedNode> = Vec::new();
    for q in ctx.store.quads_for_pattern(None, Some(tagged_with.as_ref()), None, Some(GraphNameRef::NamedNode(state.as_ref()))) {
        let q = q?;
        if q.object != Term::Literal(current.clone()) {
            if let NamedOrBlankNode::NamedNode(n) = q.subject {
                stale.push(n);
            }
        }
    }
    stale.sort();
    let count = stale.len() as u64;
    for chunk in stale.chunks(batch.max(1)) {
        let plans: Vec<Plan> = chunk
            .par_iter()
            .map(|iri| {
                // A record stored by an older version gets the author cleaning of this one
                // (the only cleaning that is safe to repeat on a canonical record).
                load_stored(ctx, iri).map(|mut s| {
                    crate::ingest::clean::clean_authors(&mut s.record.authors);
                    Plan::Replace { old: vec![iri.clone()], paper: s.record, retag: true }
                })
            })
            .collect::<Result<_, _>>()?;
        let before = summary.updated;
        write_plans(ctx, plans, summary)?;
        summary.updated = before;
    }
    let mut tx = ctx.store.start_transaction()?;
    let old: Vec<Quad> = tx.quads_for_pattern(Some(ctx.iris().scheme().as_ref().into()), Some(tg("allTaggedWith").as_ref()), None, Some(GraphNameRef::NamedNode(state.as_ref()))).collect::<Result<_, _>>()?;
    for q in &old {
        tx.remove(q);
    }
    tx.insert(&marker);
    tx.commit()?;
    Ok(count)
}

/// One `prov:Activity` in the runs graph: when, where, what it did. Only this graph holds
/// times and hosts, so the rest of the store stays byte-identical across rebuilds.
pub fn record_run(ctx: &Ctx, started: std::time::SystemTime, command: &str, summary: &BuildSummary) -> Result<NamedNode, BuildError> {
    use crate::rdf::vocab::{PROV, RDF, RDFS, XSD};
    use oxigraph::model::Literal;
    let start = utc_timestamp(started);
    let run = ctx.iris().run(&start, std::process::id());
    let g: GraphName = ctx.graph(Graph::Runs).into();
    let node = |ns: &str, l: &str| NamedNode::new_unchecked(format!("{ns}{l}"));
    let time = |t: String| Literal::new_typed_literal(t, node(XSD, "dateTime"));
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").map(|h| h.trim().to_string()).unwrap_or_else(|_| "unknown".into());
    let quads = vec![
        Quad::new(run.clone(), node(RDF, "type"), node(PROV, "Activity"), g.clone()),
        Quad::new(run.clone(), node(PROV, "startedAtTime"), time(start), g.clone()),
        Quad::new(run.clone(), node(PROV, "endedAtTime"), time(utc_timestamp(std::time::SystemTime::now())), g.clone()),
        Quad::new(run.clone(), node(RDFS, "label"), literal(command), g.clone()),
        Quad::new(run.clone(), tg("host"), literal(&host), g.clone()),
        Quad::new(run.clone(), tg("ontologyVersion"), literal(&ctx.version), g.clone()),
        Quad::new(run.clone(), tg("papersAdded"), Literal::from(summary.added as i64), g.clone()),
        Quad::new(run.clone(), tg("papersUpdated"), Literal::from(summary.updated as i64), g.clone()),
        Quad::new(run.clone(), tg("papersUnchanged"), Literal::from(summary.unchanged as i64), g.clone()),
        Quad::new(run.clone(), tg("recordsRejected"), Literal::from(summary.read.rejected as i64), g),
    ];
    let mut tx = ctx.store.start_transaction()?;
    tx.extend(quads.iter());
    tx.commit()?;
    Ok(run)
}

/// `2026-11-28T13:05:09Z` (UTC, seconds).
pub fn utc_timestamp(t: std::time::SystemTime) -> String {
    let secs = t.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let date = crate::model::date_of_day(days);
    format!("{date}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod time_tests {
    #[test]
    fn timestamps_are_utc_iso() {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_780_000_000);
        assert_eq!(super::utc_timestamp(t), "2026-05-28T20:26:40Z");
        assert_eq!(super::utc_timestamp(std::time::UNIX_EPOCH), "1970-01-01T00:00:00Z");
    }
}
