//! What to do with each incoming paper: add it, replace a stored paper with the merge of
//! both, or nothing.

use super::{literal, tg, BuildError, Ctx};
use crate::ingest::merge::merge_papers;
use crate::model::{Paper, Provenance};
use crate::rdf::iri::{prefixed_ids, Graph};
use crate::rdf::vocab::DCTERMS;
use oxigraph::model::{GraphNameRef, NamedNode, NamedOrBlankNode, Term};
use rayon::prelude::*;
use std::collections::HashMap;

/// The decision for one incoming paper.
pub enum Plan {
    /// Not in the store.
    New(Paper),
    /// Stored as `old` (one IRI, or several that this paper now joins); write `paper` in
    /// their place, re-tagging when `retag`.
    Replace { old: Vec<NamedNode>, paper: Paper, retag: bool },
    /// Every source record of it is loaded already.
    Unchanged,
    /// Matched a stored paper that an earlier record of this batch matched too: the two
    /// records were planned as one paper (see [`plan`]), written by the earlier one's plan.
    Joined,
}

impl Plan {
    /// The paper this plan writes, if any.
    pub fn paper(&self) -> Option<&Paper> {
        match self {
            Plan::New(paper) | Plan::Replace { paper, .. } => Some(paper),
            Plan::Unchanged | Plan::Joined => None,
        }
    }

    /// Whether the paper must be (re)tagged.
    pub fn needs_tags(&self) -> bool {
        matches!(self, Plan::New(_) | Plan::Replace { retag: true, .. })
    }
}

/// A stored paper as the state graph keeps it.
pub struct Stored {
    pub iri: NamedNode,
    pub record: Paper,
    pub tagged_with: Option<String>,
}

/// Plan each incoming paper. Records that match one stored paper in common (each by a
/// different id, so reading did not merge them: an arXiv record and a BibTeX entry with
/// only the DOI the stored paper also has) are merged and planned as one paper; planned
/// apart, the second's write would drop what the first added.
pub fn plan(ctx: &Ctx, papers: Vec<Paper>) -> Result<Vec<Plan>, BuildError> {
    let found: Vec<Vec<NamedNode>> = papers.par_iter().map(|p| find_stored(ctx, p)).collect::<Result<_, _>>()?;
    let lead = group_by_stored(&found);
    // Each record alone, or its group's records at the group's first (the others join it).
    let mut work: Vec<Work> = papers.into_iter().zip(found).map(|(paper, old)| Work::Alone(paper, old)).collect();
    for i in 0..work.len() {
        if lead[i] != i {
            let Work::Alone(paper, _) = std::mem::replace(&mut work[i], Work::Joined) else { unreachable!("a record joins one group") };
            match &mut work[lead[i]] {
                Work::Group(members) => members.push(paper),
                first => {
                    let Work::Alone(head, _) = std::mem::replace(first, Work::Joined) else { unreachable!("a group's first stays first") };
                    *first = Work::Group(vec![head, paper]);
                }
            }
        }
    }
    work.into_par_iter()
        .map(|w| match w {
            Work::Alone(paper, old) => plan_one(ctx, paper, old),
            // Merged, the group's records are matched again as one.
            Work::Group(members) => {
                let paper = merge_papers(members);
                let old = find_stored(ctx, &paper)?;
                plan_one(ctx, paper, old)
            }
            Work::Joined => Ok(Plan::Joined),
        })
        .collect()
}

/// What [`plan`] does with each incoming record.
enum Work {
    Alone(Paper, Vec<NamedNode>),
    Group(Vec<Paper>),
    Joined,
}

/// For each incoming record, the first record of its group: records are grouped when
/// they match a stored paper in common (directly or through another record).
fn group_by_stored(found: &[Vec<NamedNode>]) -> Vec<usize> {
    let mut lead: Vec<usize> = (0..found.len()).collect();
    fn root(lead: &mut [usize], mut i: usize) -> usize {
        while lead[i] != i {
            lead[i] = lead[lead[i]];
            i = lead[i];
        }
        i
    }
    let mut first: HashMap<&NamedNode, usize> = HashMap::new();
    for (i, old) in found.iter().enumerate() {
        for iri in old {
            match first.get(iri) {
                Some(&j) => {
                    let (a, b) = (root(&mut lead, i), root(&mut lead, j));
                    lead[a.max(b)] = a.min(b);
                }
                None => {
                    first.insert(iri, i);
                }
            }
        }
    }
    (0..found.len()).map(|i| root(&mut lead, i)).collect()
}

fn plan_one(ctx: &Ctx, paper: Paper, old: Vec<NamedNode>) -> Result<Plan, BuildError> {
    if old.is_empty() {
        return Ok(Plan::New(paper));
    }
    let stored: Vec<Stored> = old.iter().map(|iri| load_stored(ctx, iri)).collect::<Result<_, _>>()?;
    let known = |s: &Provenance| stored.iter().any(|st| st.record.sources.iter().any(|k| same_source(k, s)));
    if stored.len() == 1 && paper.sources.iter().all(known) {
        return Ok(Plan::Unchanged);
    }
    let first = &stored[0];
    let same_text = |p: &Paper| p.title == first.record.title && p.abstract_text == first.record.abstract_text && p.keywords == first.record.keywords;
    let mut members: Vec<Paper> = stored.iter().map(|s| s.record.clone()).collect();
    members.push(paper);
    let mut merged = merge_papers(members);
    dedup_sources(&mut merged.sources);
    let retag = stored.len() > 1
        || ctx.iris().paper(&merged) != first.iri
        || !same_text(&merged)
        || first.tagged_with.as_deref() != Some(ctx.version.as_str());
    Ok(Plan::Replace { old, paper: merged, retag })
}

/// A source record is identified by format, file and position.
fn same_source(a: &Provenance, b: &Provenance) -> bool {
    a.format == b.format && a.file == b.file && a.record == b.record
}

fn dedup_sources(sources: &mut Vec<Provenance>) {
    let mut kept: Vec<Provenance> = Vec::with_capacity(sources.len());
    for s in sources.drain(..) {
        if !kept.iter().any(|k| same_source(k, &s)) {
            kept.push(s);
        }
    }
    *sources = kept;
}

/// Stored papers sharing any id with `paper`, in a fixed order.
fn find_stored(ctx: &Ctx, paper: &Paper) -> Result<Vec<NamedNode>, BuildError> {
    let identifier = NamedNode::new_unchecked(format!("{DCTERMS}identifier"));
    let papers = ctx.graph(Graph::Papers);
    let mut found: Vec<NamedNode> = Vec::new();
    for id in prefixed_ids(paper) {
        let lit = literal(&id);
        for q in ctx.store.quads_for_pattern(None, Some(identifier.as_ref()), Some(lit.as_ref().into()), Some(GraphNameRef::NamedNode(papers.as_ref()))) {
            if let NamedOrBlankNode::NamedNode(n) = q?.subject {
                if !found.contains(&n) {
                    found.push(n);
                }
            }
        }
    }
    // The paper's own IRI first when stored, then by IRI: the merge order is fixed.
    let own = ctx.iris().paper(paper);
    found.sort_by(|a, b| (a != &own).cmp(&(b != &own)).then_with(|| a.as_str().cmp(b.as_str())));
    Ok(found)
}

/// The canonical record and tagging version of a stored paper.
pub fn load_stored(ctx: &Ctx, iri: &NamedNode) -> Result<Stored, BuildError> {
    let state = ctx.graph(Graph::State);
    let g = Some(GraphNameRef::NamedNode(state.as_ref()));
    let (record_p, tagged_p) = (tg("record"), tg("taggedWith"));
    let mut record = None;
    let mut tagged_with = None;
    for q in ctx.store.quads_for_pattern(Some(iri.as_ref().into()), None, None, g) {
        let q = q?;
        if let Term::Literal(l) = q.object {
            if q.predicate == record_p {
                record = Some(serde_json::from_str::<Paper>(l.value()).map_err(|source| BuildError::Record { iri: iri.to_string(), source })?);
            } else if q.predicate == tagged_p {
                tagged_with = Some(l.value().to_string());
            }
        }
    }
    let record = record.ok_or_else(|| BuildError::Record { iri: iri.to_string(), source: serde::de::Error::custom("no tg:record in the state graph") })?;
    Ok(Stored { iri: iri.clone(), record, tagged_with })
}
