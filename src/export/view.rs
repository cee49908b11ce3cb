//! [`build_view`]: the part of the knowledge graph a drawing shows, within a node and edge
//! budget. The writers ([`super::dot`], [`super::graphml`], ...) only format a [`ViewGraph`].
//!
//! Views:
//! - [`View::Concepts`]: the concept map. The concepts with the most papers; edges for
//!   co-occurrence (NPMI over the selection, any positive association, no count floor) and
//!   for SKOS links (`skos:broader` to the nearest shown ancestor, `skos:related`); every
//!   concept grouped under its top-level concept and coloured by [`super::trend`].
//! - [`View::Ego`]: one concept with its narrower, related, broader and co-occurring
//!   concepts (to `depth` hops) and its top papers.
//! - [`View::Papers`]: papers linked by the cosine of their IDF-weighted concept vectors.
//! - [`View::Bipartite`]: a few papers and the concepts they are tagged with.
//!
//! Budgets: the nodes are ranked (papers per concept, tag score, date) and cut at
//! `max_nodes`; the candidate edges are ranked and cut at `max_edges`, after a backbone that
//! gives every node its strongest edge first, so the kept graph stays connected where the
//! data is. What was cut is reported in [`Cut`].

use super::trend::{concept_trends, Trend, TrendConfig, TrendWindow};
use super::GraphExportError;
use crate::graph::{count_pairs, ConceptInfo, Cooccurrence, GraphConfig, KnowledgeGraph, NodeKind, PaperRecord, SkosRelation};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

/// The most nodes a DOT or SVG export draws, whatever `--max-nodes` asks: GraphViz's `dot`
/// layout with clusters grows much faster than linearly (on the bundled example 150 concepts
/// and 400 links took 1 s, 250 and 700 took 55 s, 400 and 1,200 did not finish in 300 s;
/// README); larger graphs belong in GraphML or GEXF, for Gephi.
pub const DRAWABLE_MAX_NODES: usize = 150;
/// The most edges a DOT or SVG export draws.
pub const DRAWABLE_MAX_EDGES: usize = 400;

/// Which part of the graph to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum View {
    Concepts,
    Papers,
    Bipartite,
    Ego,
}

impl View {
    pub const ALL: [View; 4] = [View::Concepts, View::Papers, View::Bipartite, View::Ego];

    pub fn name(self) -> &'static str {
        match self {
            View::Concepts => "concepts",
            View::Papers => "papers",
            View::Bipartite => "bipartite",
            View::Ego => "ego",
        }
    }

    /// The default (nodes, edges) budget: small enough that `dot` lays it out in seconds.
    pub fn default_budget(self) -> (usize, usize) {
        match self {
            View::Concepts => (50, 120),
            View::Ego => (40, 100),
            View::Papers => (60, 150),
            View::Bipartite => (60, 150),
        }
    }
}

impl std::fmt::Display for View {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for View {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        View::ALL.into_iter().find(|v| v.name().eq_ignore_ascii_case(s)).ok_or_else(|| format!("unknown view {s:?}; views are concepts, papers, bipartite, ego"))
    }
}

/// How a view is built. `Default` gives the documented values.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewConfig {
    pub view: View,
    /// The ego view's centre; in the other views, keep only papers tagged with this concept
    /// or a narrower one (to `depth` levels).
    pub concept: Option<String>,
    /// Levels of narrower concepts, and in the ego view hops of co-occurrence, from `concept`.
    pub depth: u32,
    /// Node budget (`None`: the view's [`View::default_budget`]).
    pub max_nodes: Option<usize>,
    /// Edge budget (`None`: the view's default).
    pub max_edges: Option<usize>,
    /// Edges must be stronger than this: NPMI for co-occurrence, cosine for paper
    /// similarity, the tag score for paper-concept edges. SKOS links have no weight and are
    /// never dropped by it.
    pub min_weight: f64,
    /// Papers the ego view shows at most.
    pub top_papers: usize,
    /// Apply [`DRAWABLE_MAX_NODES`] and [`DRAWABLE_MAX_EDGES`] (for DOT and SVG).
    pub drawable: bool,
    pub trend: TrendConfig,
    /// Minimum support of co-occurrence edges in the ego view (lowered for selections of
    /// fewer than 1,000 tagged papers, see [`build_view`]) and the layout weight of SKOS
    /// links (`broader_weight`).
    pub graph: GraphConfig,
}

impl Default for ViewConfig {
    fn default() -> Self {
        ViewConfig { view: View::Concepts, concept: None, depth: 1, max_nodes: None, max_edges: None, min_weight: 0.0, top_papers: 8, drawable: false, trend: TrendConfig::default(), graph: GraphConfig::default() }
    }
}

/// A node of a view.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ViewNode {
    /// Unique within the view: `c:` + concept id, `p:` + paper id.
    pub key: String,
    pub kind: NodeKind,
    /// The concept or paper id.
    pub id: String,
    /// The concept's label or the paper's title.
    pub label: String,
    pub iri: String,
    /// Where a reader can look it up: the arXiv or DOI page of a paper, a concept's IRI.
    pub url: String,
    /// Concepts: papers of the selection tagged with it. Papers: their number of concepts.
    pub papers: u32,
    /// Papers: the date.
    pub date: Option<String>,
    /// Papers in the ego view: the tag score on the centre concept.
    pub score: Option<f64>,
    /// The top-level concept the node belongs under (a paper: that of its strongest concept).
    pub group: String,
    pub group_label: String,
    /// Concepts: their trend.
    pub trend: Option<Trend>,
    /// The ego view's centre, or the `--concept` of another view.
    pub focus: bool,
}

/// What an edge of a view stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkKind {
    /// narrower -> broader (`skos:broader`, perhaps through concepts the view does not show).
    Broader,
    /// `skos:related`.
    Related,
    /// Papers tagged with both concepts.
    Cooccurs,
    /// paper -> concept.
    Tagged,
    /// Two papers with similar concepts.
    Similar,
}

impl LinkKind {
    pub fn name(self) -> &'static str {
        match self {
            LinkKind::Broader => "broader",
            LinkKind::Related => "related",
            LinkKind::Cooccurs => "cooccurs",
            LinkKind::Tagged => "tagged",
            LinkKind::Similar => "similar",
        }
    }
}

/// An edge of a view. One edge per node pair: a SKOS link between concepts that also
/// co-occur is one edge of the SKOS kind carrying the co-occurrence figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ViewEdge {
    /// Node indices; for [`LinkKind::Broader`] narrower -> broader, for
    /// [`LinkKind::Tagged`] paper -> concept.
    pub source: usize,
    pub target: usize,
    pub kind: LinkKind,
    /// Layout strength in (0, 1]: NPMI of co-occurring concepts, the tag score, the cosine of
    /// two papers; `GraphConfig::broader_weight` for a SKOS link without co-occurrence.
    pub weight: f64,
    /// Papers behind the edge: tagged with both concepts, or the concepts two papers share.
    pub count: Option<u32>,
    pub npmi: Option<f64>,
    /// A broader link through concepts the view leaves out.
    pub transitive: bool,
}

/// What the budgets and filters left out.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Cut {
    /// Per node kind: (kind, kept, candidates).
    pub nodes: Vec<(NodeKind, usize, usize)>,
    pub edges_kept: usize,
    /// Candidate edges among the kept nodes, after `min_weight`.
    pub edge_candidates: usize,
    /// Edges dropped by `min_weight`.
    pub below_min_weight: usize,
    /// The node and edge budgets applied.
    pub max_nodes: usize,
    pub max_edges: usize,
    /// The budgets asked for were lowered to the drawable limits.
    pub clamped: bool,
}

impl Cut {
    /// Whether anything was left out.
    pub fn is_cut(&self) -> bool {
        self.nodes.iter().any(|(_, kept, all)| kept < all) || self.edges_kept < self.edge_candidates
    }
}

/// The part of the graph one export shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ViewGraph {
    pub view: View,
    /// One line saying what is drawn.
    pub title: String,
    pub nodes: Vec<ViewNode>,
    pub edges: Vec<ViewEdge>,
    pub cut: Cut,
    /// Papers in the selection (after `--concept`), and those with at least one concept.
    pub papers: u32,
    pub tagged_papers: u32,
    /// Earliest and latest paper date of the selection.
    pub dates: Option<(String, String)>,
    /// The window the trend colours compare, and the ratio that counts as a trend.
    pub trend_window: Option<TrendWindow>,
    pub trend_threshold: f64,
}

/// The [`KnowledgeGraph`] of `papers` (already selected by date and category) over
/// `concepts`, narrowed to the papers of `config.concept` (and its narrower concepts to
/// `config.depth` levels) unless the view is the ego view; and that concept's index.
///
/// The graph is built from the selection, so paper counts, NPMI and trends are of the
/// selection. Co-occurrence edges of the graph (used by the ego view, as by `graph
/// related`) need `config.graph.min_support` papers in common, lowered to
/// `max(1, tagged papers / 1000)` when that is smaller, so small corpora still draw.
///
/// Errors: an unknown concept ([`GraphExportError::Graph`] with close names).
pub fn selection_graph(concepts: Vec<ConceptInfo>, papers: Vec<PaperRecord>, config: &ViewConfig) -> Result<(KnowledgeGraph, Option<usize>), GraphExportError> {
    let tagged = papers.iter().filter(|p| !p.concepts.is_empty()).count();
    let min_support = config.graph.min_support.min((tagged / 1000).max(1) as u32);
    let graph_config = GraphConfig { min_support, ..config.graph.clone() };
    let kg = KnowledgeGraph::build(concepts, papers, graph_config.clone());
    let Some(name) = &config.concept else { return Ok((kg, None)) };
    let c = kg.concept_index(name)?;
    if config.view == View::Ego {
        return Ok((kg, Some(c)));
    }
    let wanted: BTreeSet<&str> = descendants(&kg, c, config.depth).into_iter().map(|(d, _)| kg.concepts()[d].id.as_str()).collect();
    let papers: Vec<PaperRecord> = kg.papers().iter().filter(|p| p.concepts.iter().any(|(id, _)| wanted.contains(id.as_str()))).cloned().collect();
    let id = kg.concepts()[c].id.clone();
    let kg = KnowledgeGraph::build(kg.concepts().to_vec(), papers, graph_config);
    let focus = kg.concept_index(&id)?;
    Ok((kg, Some(focus)))
}

/// Build a view of `papers` (already selected by date and category) over `concepts`: the
/// graph of [`selection_graph`], cut to the view and its budgets.
///
/// Errors: those of [`selection_graph`]; the ego view without a concept.
pub fn build_view(concepts: Vec<ConceptInfo>, papers: Vec<PaperRecord>, config: &ViewConfig) -> Result<ViewGraph, GraphExportError> {
    let (kg, focus) = selection_graph(concepts, papers, config)?;
    let (max_nodes, max_edges) = {
        let (n, e) = config.view.default_budget();
        (config.max_nodes.unwrap_or(n), config.max_edges.unwrap_or(e))
    };
    let clamped = config.drawable && (max_nodes > DRAWABLE_MAX_NODES || max_edges > DRAWABLE_MAX_EDGES);
    let (max_nodes, max_edges) = if config.drawable { (max_nodes.min(DRAWABLE_MAX_NODES), max_edges.min(DRAWABLE_MAX_EDGES)) } else { (max_nodes, max_edges) };
    let trends = concept_trends(&kg, &config.trend);
    let ctx = Ctx { kg: &kg, groups: top_levels(kg.concepts()), trends: trends.as_ref().map(|(_, t)| t.as_slice()), config, max_nodes, max_edges, focus };
    let mut out = match config.view {
        View::Concepts => ctx.concepts(),
        View::Ego => ctx.ego(focus.ok_or(GraphExportError::NeedsConcept { view: "ego" })?),
        View::Papers => ctx.papers(),
        View::Bipartite => ctx.bipartite(),
    };
    out.cut.max_nodes = max_nodes;
    out.cut.max_edges = max_edges;
    out.cut.clamped = clamped;
    out.papers = kg.papers().len() as u32;
    out.tagged_papers = kg.tagged_papers();
    out.dates = date_range(&kg);
    out.trend_window = trends.map(|(w, _)| w);
    Ok(out)
}

/// Concept `c` and its narrower concepts to `depth` levels, with their level, in BFS order
/// (each level by id).
pub fn descendants(kg: &KnowledgeGraph, c: usize, depth: u32) -> Vec<(usize, u32)> {
    let children = children(kg);
    let mut seen = BTreeSet::from([c]);
    let mut out = vec![(c, 0)];
    let mut queue = VecDeque::from([(c, 0u32)]);
    while let Some((x, level)) = queue.pop_front() {
        if level == depth {
            continue;
        }
        for &y in &children[x] {
            if seen.insert(y) {
                out.push((y, level + 1));
                queue.push_back((y, level + 1));
            }
        }
    }
    out
}

/// Narrower concepts of each concept, by index (sorted, as concepts are).
fn children(kg: &KnowledgeGraph) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); kg.concepts().len()];
    for (i, c) in kg.concepts().iter().enumerate() {
        for b in &c.broader {
            if let Ok(p) = kg.concept_index(b) {
                out[p].push(i);
            }
        }
    }
    out
}

/// The top-level concept of every concept: the root (a concept without broader) fewest
/// broader steps away, ties by id; a root is its own. Cycles end at the concept itself.
pub fn top_levels(concepts: &[ConceptInfo]) -> Vec<usize> {
    let index: HashMap<&str, usize> = concepts.iter().enumerate().map(|(i, c)| (c.id.as_str(), i)).collect();
    let parents: Vec<Vec<usize>> = concepts.iter().map(|c| c.broader.iter().filter_map(|b| index.get(b.as_str()).copied()).collect()).collect();
    (0..concepts.len())
        .map(|start| {
            let mut seen = BTreeSet::from([start]);
            let mut level = vec![start];
            loop {
                let roots: Vec<usize> = level.iter().copied().filter(|&x| parents[x].is_empty()).collect();
                if let Some(&r) = roots.iter().min() {
                    return r; // concepts are sorted by id, so the smallest index is the smallest id
                }
                let next: Vec<usize> = level.iter().flat_map(|&x| parents[x].iter().copied()).filter(|&p| seen.insert(p)).collect();
                if next.is_empty() {
                    return start;
                }
                level = next;
            }
        })
        .collect()
}

fn date_range(kg: &KnowledgeGraph) -> Option<(String, String)> {
    let mut dates = kg.papers().iter().filter_map(|p| p.date.as_deref());
    let first = dates.next()?;
    let (lo, hi) = dates.fold((first, first), |(lo, hi), d| (lo.min(d), hi.max(d)));
    Some((lo.to_string(), hi.to_string()))
}

/// A link a reader can open for a paper: its arXiv or DOI page, else its IRI.
pub fn paper_url(p: &PaperRecord) -> String {
    let all = std::iter::once(&p.id).chain(&p.other_ids);
    for id in all.clone() {
        if let Some(a) = id.strip_prefix("arxiv:") {
            return format!("https://arxiv.org/abs/{a}");
        }
    }
    for id in all {
        if let Some(d) = id.strip_prefix("doi:") {
            return format!("https://doi.org/{d}");
        }
    }
    p.iri.clone()
}

/// A candidate edge while budgets are applied.
#[derive(Debug, Clone)]
struct Candidate {
    edge: ViewEdge,
    /// Lower tiers are kept first.
    tier: u8,
    /// Whether the edge may serve as a node's backbone edge (its strongest association).
    backbone: bool,
}

/// Sort candidates into the kept order: the backbone (each node's strongest backbone-able
/// edge, nodes in index order) at tier 1 unless already lower, then by tier, weight, count,
/// endpoints. Keep `max_edges`; return them sorted by endpoints.
fn choose_edges(mut candidates: Vec<Candidate>, nodes: usize, max_edges: usize) -> (Vec<ViewEdge>, usize) {
    let strength = |a: &Candidate, b: &Candidate| b.edge.weight.total_cmp(&a.edge.weight).then(b.edge.count.cmp(&a.edge.count)).then((a.edge.source, a.edge.target).cmp(&(b.edge.source, b.edge.target)));
    let mut best: Vec<Option<usize>> = vec![None; nodes];
    for (i, c) in candidates.iter().enumerate() {
        if !c.backbone {
            continue;
        }
        for end in [c.edge.source, c.edge.target] {
            if best[end].is_none_or(|j| strength(c, &candidates[j]).is_lt()) {
                best[end] = Some(i);
            }
        }
    }
    for i in best.into_iter().flatten() {
        candidates[i].tier = candidates[i].tier.min(1);
    }
    candidates.sort_by(|a, b| a.tier.cmp(&b.tier).then_with(|| strength(a, b)));
    let total = candidates.len();
    let mut kept: Vec<ViewEdge> = candidates.into_iter().take(max_edges).map(|c| c.edge).collect();
    kept.sort_by_key(|e| (e.source, e.target));
    (kept, total)
}

/// What every view needs.
struct Ctx<'a> {
    kg: &'a KnowledgeGraph,
    groups: Vec<usize>,
    trends: Option<&'a [Trend]>,
    config: &'a ViewConfig,
    max_nodes: usize,
    max_edges: usize,
    focus: Option<usize>,
}

impl Ctx<'_> {
    fn concept_node(&self, c: usize) -> ViewNode {
        let info = &self.kg.concepts()[c];
        let g = &self.kg.concepts()[self.groups[c]];
        ViewNode {
            key: format!("c:{}", info.id),
            kind: NodeKind::Concept,
            id: info.id.clone(),
            label: info.label.clone(),
            iri: info.iri(),
            url: info.iri(),
            papers: self.kg.paper_count(c),
            date: None,
            score: None,
            group: g.id.clone(),
            group_label: g.label.clone(),
            trend: self.trends.map(|t| t[c]),
            focus: self.focus == Some(c),
        }
    }

    fn paper_node(&self, j: usize) -> ViewNode {
        let p = &self.kg.papers()[j];
        // The group of the paper's strongest concept (ties: the more common concept, then id).
        let strongest = self.kg.paper_concepts(j).max_by(|a, b| a.1.total_cmp(&b.1).then(self.kg.paper_count(a.0).cmp(&self.kg.paper_count(b.0))).then(b.0.cmp(&a.0)));
        let (group, group_label) = match strongest {
            Some((c, _)) => {
                let g = &self.kg.concepts()[self.groups[c]];
                (g.id.clone(), g.label.clone())
            }
            None => (String::new(), String::new()),
        };
        ViewNode {
            key: format!("p:{}", p.id),
            kind: NodeKind::Paper,
            id: p.id.clone(),
            label: if p.title.is_empty() { p.id.clone() } else { p.title.clone() },
            iri: p.iri.clone(),
            url: paper_url(p),
            papers: p.concepts.len() as u32,
            date: p.date.clone(),
            score: None,
            group,
            group_label,
            trend: None,
            focus: false,
        }
    }

    fn view(&self, nodes: Vec<ViewNode>, edges: Vec<ViewEdge>, cut: Cut, title: String) -> ViewGraph {
        ViewGraph { view: self.config.view, title, nodes, edges, cut, papers: 0, tagged_papers: 0, dates: None, trend_window: None, trend_threshold: self.config.trend.threshold }
    }

    /// Concepts by papers (most first, ties by id), only those with papers.
    fn concepts_by_papers(&self) -> Vec<usize> {
        let mut all: Vec<usize> = (0..self.kg.concepts().len()).filter(|&c| self.kg.paper_count(c) > 0).collect();
        all.sort_by(|&a, &b| self.kg.paper_count(b).cmp(&self.kg.paper_count(a)).then(a.cmp(&b)));
        all
    }

    /// SKOS candidates among `shown` concepts (concept index -> node index): each concept's
    /// nearest shown ancestors along broader paths, and related pairs.
    fn skos_links(&self, shown: &BTreeMap<usize, usize>) -> BTreeMap<(usize, usize), (LinkKind, bool)> {
        let mut out = BTreeMap::new();
        for (&c, &node) in shown {
            let mut seen = BTreeSet::from([c]);
            // Breadth first, so a direct parent is found before any longer path to it.
            let mut frontier: VecDeque<(usize, bool)> = self.parents(c).into_iter().map(|p| (p, false)).collect();
            while let Some((p, transitive)) = frontier.pop_front() {
                if !seen.insert(p) {
                    continue;
                }
                match shown.get(&p) {
                    Some(&target) => {
                        out.entry((node, target)).or_insert((LinkKind::Broader, transitive));
                    }
                    None => frontier.extend(self.parents(p).into_iter().map(|q| (q, true))),
                }
            }
            for r in &self.kg.concepts()[c].related {
                if let Some(&other) = self.kg.concept_index(r).ok().and_then(|r| shown.get(&r)) {
                    let key = (node.min(other), node.max(other));
                    if !out.contains_key(&(key.1, key.0)) {
                        out.entry(key).or_insert((LinkKind::Related, false));
                    }
                }
            }
        }
        out
    }

    fn parents(&self, c: usize) -> Vec<usize> {
        self.kg.concepts()[c].broader.iter().filter_map(|b| self.kg.concept_index(b).ok()).collect()
    }

    /// Co-occurrence of every pair of `shown` concepts (by node index) over all papers.
    fn cooccurrences(&self, shown: &BTreeMap<usize, usize>) -> Vec<((usize, usize), Cooccurrence)> {
        let lists: Vec<Vec<u32>> = (0..self.kg.papers().len()).map(|j| self.kg.paper_concepts(j).filter_map(|(c, _)| shown.get(&c).map(|&n| n as u32)).collect()).collect();
        let concept_of: BTreeMap<usize, usize> = shown.iter().map(|(&c, &n)| (n, c)).collect();
        count_pairs(&lists)
            .into_iter()
            .map(|((a, b), n)| {
                let (a, b) = (a as usize, b as usize);
                let co = Cooccurrence::new(n, self.kg.paper_count(concept_of[&a]), self.kg.paper_count(concept_of[&b]), self.kg.tagged_papers());
                ((a, b), co)
            })
            .collect()
    }

    /// Merge SKOS links and co-occurrence into candidates (one per node pair). Returns the
    /// candidates and how many co-occurring pairs `min_weight` dropped.
    fn concept_candidates(&self, shown: &BTreeMap<usize, usize>, skos_tier: u8) -> (Vec<Candidate>, usize) {
        let skos = self.skos_links(shown);
        let mut co: HashMap<(usize, usize), Cooccurrence> = self.cooccurrences(shown).into_iter().collect();
        let mut below = 0;
        let mut out = Vec::new();
        for (&(s, t), &(kind, transitive)) in &skos {
            let c = co.remove(&(s.min(t), s.max(t)));
            let c = c.filter(|c| c.npmi > 0.0);
            let edge = ViewEdge { source: s, target: t, kind, weight: c.map_or(self.config.graph.broader_weight, |c| c.npmi), count: c.map(|c| c.count), npmi: c.map(|c| c.npmi), transitive };
            out.push(Candidate { edge, tier: if transitive { skos_tier + 1 } else { skos_tier }, backbone: false });
        }
        let mut rest: Vec<((usize, usize), Cooccurrence)> = co.into_iter().collect();
        rest.sort_by_key(|(k, _)| *k);
        for ((a, b), c) in rest {
            if c.npmi <= 0.0 {
                continue;
            }
            if c.npmi <= self.config.min_weight {
                below += 1;
                continue;
            }
            let edge = ViewEdge { source: a, target: b, kind: LinkKind::Cooccurs, weight: c.npmi, count: Some(c.count), npmi: Some(c.npmi), transitive: false };
            out.push(Candidate { edge, tier: 3, backbone: true });
        }
        (out, below)
    }

    fn concepts(&self) -> ViewGraph {
        let ranked = self.concepts_by_papers();
        let candidates = ranked.len();
        let mut kept: Vec<usize> = ranked.into_iter().take(self.max_nodes).collect();
        if let Some(f) = self.focus {
            if !kept.contains(&f) && self.max_nodes > 0 {
                kept.pop();
                kept.push(f);
            }
        }
        kept.sort_unstable();
        let shown: BTreeMap<usize, usize> = kept.iter().enumerate().map(|(n, &c)| (c, n)).collect();
        let nodes: Vec<ViewNode> = kept.iter().map(|&c| self.concept_node(c)).collect();
        let (cands, below) = self.concept_candidates(&shown, 0);
        let (edges, total) = choose_edges(cands, nodes.len(), self.max_edges);
        let cut = Cut { nodes: vec![(NodeKind::Concept, nodes.len(), candidates)], edges_kept: edges.len(), edge_candidates: total, below_min_weight: below, ..Default::default() };
        let title = match self.focus {
            Some(f) => format!("Concept map of the papers on {}", self.kg.concepts()[f].label),
            None => "Concept map".to_string(),
        };
        self.view(nodes, edges, cut, title)
    }

    fn ego(&self, centre: usize) -> ViewGraph {
        let kg = self.kg;
        let paper_budget = self.config.top_papers.min(self.max_nodes / 3);
        let concept_budget = self.max_nodes.saturating_sub(paper_budget).max(1);
        // Concepts: the centre, then hop by hop its narrower, related, broader (first hop
        // only) and co-occurring neighbours.
        let mut order = vec![centre];
        let mut seen = BTreeSet::from([centre]);
        let mut frontier = vec![centre];
        for hop in 1..=self.config.depth.max(1) {
            let mut next = Vec::new();
            let mut groups: [Vec<usize>; 4] = Default::default();
            for &f in &frontier {
                let Ok(related) = kg.related(&kg.concepts()[f].id, self.max_nodes) else { continue };
                for r in related {
                    let Ok(o) = kg.concept_index(&r.id) else { continue };
                    let slot = match r.skos {
                        Some(SkosRelation::Narrower) => 0,
                        Some(SkosRelation::Related) => 1,
                        Some(SkosRelation::Broader) if hop == 1 => 2,
                        Some(SkosRelation::Broader) => continue,
                        None if r.cooccurrence.is_some_and(|c| c.npmi > self.config.min_weight) => 3,
                        None => continue,
                    };
                    if !groups.iter().any(|g| g.contains(&o)) {
                        groups[slot].push(o);
                    }
                }
            }
            for (slot, g) in groups.iter_mut().enumerate() {
                if slot != 3 {
                    g.sort_by(|&a, &b| kg.paper_count(b).cmp(&kg.paper_count(a)).then(a.cmp(&b)));
                }
            }
            for o in groups.into_iter().flatten() {
                if seen.insert(o) {
                    order.push(o);
                    next.push(o);
                }
            }
            frontier = next;
        }
        let concept_candidates = order.len();
        order.truncate(concept_budget);
        // Papers: the centre's, by tag score, newest first, then id.
        let centre_id = &kg.concepts()[centre].id;
        let mut papers: Vec<(usize, f64)> = kg.papers().iter().enumerate().filter_map(|(j, p)| p.concepts.iter().find(|(c, _)| c == centre_id).map(|(_, s)| (j, *s))).collect();
        papers.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| kg.papers()[b.0].date.cmp(&kg.papers()[a.0].date)).then(a.0.cmp(&b.0)));
        let paper_candidates = papers.len();
        papers.truncate(paper_budget);

        let mut concepts = order.clone();
        concepts.sort_unstable();
        let shown: BTreeMap<usize, usize> = concepts.iter().enumerate().map(|(n, &c)| (c, n)).collect();
        let mut nodes: Vec<ViewNode> = concepts.iter().map(|&c| self.concept_node(c)).collect();
        for n in &mut nodes {
            n.focus = n.id == *centre_id;
        }
        papers.sort_by_key(|(j, _)| *j);
        for &(j, s) in &papers {
            nodes.push(ViewNode { score: Some(s), ..self.paper_node(j) });
        }
        let centre_node = shown[&centre];
        let (mut cands, below) = self.concept_candidates(&shown, 0);
        // Co-occurrence in the ego view needs the graph's support, as `graph related` does.
        cands.retain(|c| c.edge.kind != LinkKind::Cooccurs || c.edge.count.unwrap_or(0) >= kg.config().min_support);
        for c in &mut cands {
            if c.edge.source == centre_node || c.edge.target == centre_node {
                c.tier = 0;
            }
        }
        for (k, &(j, _)) in papers.iter().enumerate() {
            let node = concepts.len() + k;
            for (c, score) in kg.paper_concepts(j) {
                let Some(&target) = shown.get(&c) else { continue };
                let edge = ViewEdge { source: node, target, kind: LinkKind::Tagged, weight: score, count: None, npmi: None, transitive: false };
                cands.push(Candidate { edge, tier: if target == centre_node { 0 } else { 2 }, backbone: false });
            }
        }
        let (edges, total) = choose_edges(cands, nodes.len(), self.max_edges);
        let cut = Cut {
            nodes: vec![(NodeKind::Concept, concepts.len(), concept_candidates), (NodeKind::Paper, papers.len(), paper_candidates)],
            edges_kept: edges.len(),
            edge_candidates: total,
            below_min_weight: below,
            ..Default::default()
        };
        let title = format!("{} and its neighbourhood", kg.concepts()[centre].label);
        self.view(nodes, edges, cut, title)
    }

    /// Papers ranked for the paper views: by their best tag score on the focus concept and
    /// its narrower ones, newest first, then id; without a focus, newest first.
    fn papers_ranked(&self) -> Vec<usize> {
        let kg = self.kg;
        let focus: BTreeSet<usize> = self.focus.map(|f| descendants(kg, f, self.config.depth).into_iter().map(|(c, _)| c).collect()).unwrap_or_default();
        let score = |j: usize| kg.paper_concepts(j).filter(|(c, _)| focus.contains(c)).map(|(_, s)| s).fold(0.0, f64::max);
        let mut all: Vec<(usize, f64)> = (0..kg.papers().len()).filter(|&j| !kg.papers()[j].concepts.is_empty()).map(|j| (j, score(j))).collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| kg.papers()[b.0].date.cmp(&kg.papers()[a.0].date)).then(a.0.cmp(&b.0)));
        all.into_iter().map(|(j, _)| j).collect()
    }

    fn papers(&self) -> ViewGraph {
        let kg = self.kg;
        let ranked = self.papers_ranked();
        let candidates = ranked.len();
        let mut kept: Vec<usize> = ranked.into_iter().take(self.max_nodes).collect();
        kept.sort_unstable();
        let nodes: Vec<ViewNode> = kept.iter().map(|&j| self.paper_node(j)).collect();
        // Cosine of IDF-weighted concept vectors (`graph similar`), through an inverted index.
        let vectors: Vec<Vec<(usize, f64)>> = kept.iter().map(|&j| kg.paper_vector(j).collect()).collect();
        let norms: Vec<f64> = kept.iter().map(|&j| kg.norms[j]).collect();
        let mut postings: BTreeMap<usize, Vec<(usize, f64)>> = BTreeMap::new();
        for (n, v) in vectors.iter().enumerate() {
            for &(c, w) in v {
                postings.entry(c).or_default().push((n, w));
            }
        }
        let mut dots: BTreeMap<(usize, usize), (f64, u32)> = BTreeMap::new();
        for list in postings.values() {
            for (i, &(a, wa)) in list.iter().enumerate() {
                for &(b, wb) in &list[i + 1..] {
                    let e = dots.entry((a, b)).or_insert((0.0, 0));
                    e.0 += wa * wb;
                    e.1 += 1;
                }
            }
        }
        let mut below = 0;
        let mut cands = Vec::new();
        for ((a, b), (dot, shared)) in dots {
            if norms[a] == 0.0 || norms[b] == 0.0 {
                continue;
            }
            let cos = dot / (norms[a] * norms[b]);
            if cos <= self.config.min_weight {
                below += 1;
                continue;
            }
            let edge = ViewEdge { source: a, target: b, kind: LinkKind::Similar, weight: cos, count: Some(shared), npmi: None, transitive: false };
            cands.push(Candidate { edge, tier: 3, backbone: true });
        }
        let (edges, total) = choose_edges(cands, nodes.len(), self.max_edges);
        let cut = Cut { nodes: vec![(NodeKind::Paper, nodes.len(), candidates)], edges_kept: edges.len(), edge_candidates: total, below_min_weight: below, ..Default::default() };
        let title = match self.focus {
            Some(f) => format!("Papers on {} by shared concepts", kg.concepts()[f].label),
            None => "Papers by shared concepts".to_string(),
        };
        self.view(nodes, edges, cut, title)
    }

    fn bipartite(&self) -> ViewGraph {
        let kg = self.kg;
        let ranked = self.papers_ranked();
        let paper_candidates = ranked.len();
        let paper_budget = (self.max_nodes / 3).max(1);
        let mut papers: Vec<usize> = ranked.into_iter().take(paper_budget).collect();
        papers.sort_unstable();
        // Concepts of those papers: carried by the most of them first, then papers, then id.
        let mut carried: BTreeMap<usize, u32> = BTreeMap::new();
        for &j in &papers {
            for (c, _) in kg.paper_concepts(j) {
                *carried.entry(c).or_default() += 1;
            }
        }
        let mut concepts: Vec<usize> = carried.keys().copied().collect();
        concepts.sort_by(|&a, &b| carried[&b].cmp(&carried[&a]).then(kg.paper_count(b).cmp(&kg.paper_count(a))).then(a.cmp(&b)));
        let concept_candidates = concepts.len();
        concepts.truncate(self.max_nodes.saturating_sub(papers.len()));
        concepts.sort_unstable();
        let shown: BTreeMap<usize, usize> = concepts.iter().enumerate().map(|(n, &c)| (c, n)).collect();
        let mut nodes: Vec<ViewNode> = concepts.iter().map(|&c| self.concept_node(c)).collect();
        nodes.extend(papers.iter().map(|&j| self.paper_node(j)));
        let mut below = 0;
        let mut cands = Vec::new();
        for (k, &j) in papers.iter().enumerate() {
            for (c, score) in kg.paper_concepts(j) {
                let Some(&target) = shown.get(&c) else { continue };
                if score <= self.config.min_weight {
                    below += 1;
                    continue;
                }
                let edge = ViewEdge { source: concepts.len() + k, target, kind: LinkKind::Tagged, weight: score, count: None, npmi: None, transitive: false };
                cands.push(Candidate { edge, tier: 3, backbone: true });
            }
        }
        let (edges, total) = choose_edges(cands, nodes.len(), self.max_edges);
        let cut = Cut {
            nodes: vec![(NodeKind::Paper, papers.len(), paper_candidates), (NodeKind::Concept, concepts.len(), concept_candidates)],
            edges_kept: edges.len(),
            edge_candidates: total,
            below_min_weight: below,
            ..Default::default()
        };
        let title = match self.focus {
            Some(f) => format!("Papers on {} and their concepts", kg.concepts()[f].label),
            None => "Papers and their concepts".to_string(),
        };
        self.view(nodes, edges, cut, title)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn concept(id: &str, label: &str, broader: &[&str]) -> ConceptInfo {
        ConceptInfo { id: id.into(), label: label.into(), broader: broader.iter().map(|s| s.to_string()).collect(), ..Default::default() }
    }

    pub fn paper(id: &str, date: &str, concepts: &[(&str, f64)]) -> PaperRecord {
        PaperRecord { id: id.into(), title: format!("Paper {id}"), date: Some(date.into()), concepts: concepts.iter().map(|(c, s)| (c.to_string(), *s)).collect(), ..Default::default() }
    }

    /// Two topics under two roots: ml > {dl > {llm, kv}, rl}; robo alone. llm and kv go
    /// together, rl and robo go together.
    pub fn corpus() -> (Vec<ConceptInfo>, Vec<PaperRecord>) {
        let concepts = vec![
            concept("ml", "machine learning", &[]),
            concept("dl", "deep learning", &["ml"]),
            concept("llm", "large language model", &["dl"]),
            concept("kv", "KV cache", &["llm"]),
            concept("rl", "reinforcement learning", &["ml"]),
            concept("robo", "robotics", &[]),
        ];
        let mut papers = Vec::new();
        for i in 0..6 {
            papers.push(paper(&format!("a{i}"), &format!("2025-{:02}", i + 1), &[("llm", 0.9), ("kv", 0.5 + 0.05 * i as f64)]));
            papers.push(paper(&format!("b{i}"), &format!("2025-{:02}", i + 1), &[("rl", 0.8), ("robo", 0.7)]));
        }
        papers.push(paper("c0", "2025-06", &[("llm", 0.6), ("rl", 0.6)]));
        (concepts, papers)
    }

    #[test]
    fn top_levels_take_the_nearest_root() {
        let (concepts, _) = corpus();
        let tops: Vec<&str> = top_levels(&concepts).into_iter().map(|i| concepts[i].id.as_str()).collect();
        assert_eq!(tops, ["ml", "ml", "ml", "ml", "ml", "robo"]);
        let cyclic = vec![concept("a", "a", &["b"]), concept("b", "b", &["a"])];
        assert_eq!(top_levels(&cyclic), [0, 1], "a cycle ends at the concept itself");
    }

    #[test]
    fn the_concept_map_keeps_frequent_concepts_and_their_links() {
        let (concepts, papers) = corpus();
        let v = build_view(concepts, papers, &ViewConfig::default()).unwrap();
        let ids: Vec<&str> = v.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["kv", "llm", "rl", "robo"], "concepts without papers are left out");
        let edges: Vec<(&str, &str, LinkKind, bool)> = v.edges.iter().map(|e| (v.nodes[e.source].id.as_str(), v.nodes[e.target].id.as_str(), e.kind, e.transitive)).collect();
        assert!(edges.contains(&("kv", "llm", LinkKind::Broader, false)), "{edges:?}");
        assert!(edges.contains(&("rl", "robo", LinkKind::Cooccurs, false)), "{edges:?}");
        assert!(!edges.iter().any(|e| e.0 == "llm" && e.1 == "rl"), "one paper of 13 in common is a negative association: {edges:?}");
        let kv_llm = v.edges.iter().find(|e| e.kind == LinkKind::Broader).unwrap();
        assert_eq!(kv_llm.count, Some(6), "the broader link carries the co-occurrence");
        assert_eq!(v.nodes[1].group, "ml");
        assert_eq!(v.nodes[1].papers, 7);
        assert_eq!((v.papers, v.tagged_papers), (13, 13));
        assert!(!v.cut.is_cut(), "{:?}", v.cut);
    }

    #[test]
    fn budgets_cut_nodes_then_edges_and_report_it() {
        let (concepts, papers) = corpus();
        let v = build_view(concepts.clone(), papers.clone(), &ViewConfig { max_nodes: Some(3), ..Default::default() }).unwrap();
        assert_eq!(v.cut.nodes, vec![(NodeKind::Concept, 3, 4)]);
        let ids: Vec<&str> = v.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["kv", "llm", "rl"], "7, 7 and 6 papers; robo (6) loses the tie by id");
        assert!(v.cut.is_cut());
        let v = build_view(concepts.clone(), papers.clone(), &ViewConfig { max_edges: Some(1), ..Default::default() }).unwrap();
        assert_eq!((v.edges.len(), v.cut.edges_kept, v.cut.edge_candidates), (1, 1, 2));
        // Drawable limits lower what is asked for.
        let big = ViewConfig { max_nodes: Some(100_000), drawable: true, ..Default::default() };
        let v = build_view(concepts.clone(), papers.clone(), &big).unwrap();
        assert!(v.cut.clamped);
        assert_eq!(v.cut.max_nodes, DRAWABLE_MAX_NODES);
        // min_weight drops weak co-occurrence and says how many.
        let strict = ViewConfig { min_weight: 0.99, ..Default::default() };
        let v = build_view(concepts, papers, &strict).unwrap();
        assert!(v.edges.iter().all(|e| e.kind != LinkKind::Cooccurs || e.npmi.unwrap() > 0.99));
        assert!(v.cut.below_min_weight >= 1, "{:?}", v.cut);
    }

    #[test]
    fn every_node_gets_its_strongest_edge_before_the_rest() {
        // Node 0..3 by index; a star of strong edges around 0 and one weak edge 2-3.
        let e = |s, t, w| Candidate { edge: ViewEdge { source: s, target: t, kind: LinkKind::Similar, weight: w, count: None, npmi: None, transitive: false }, tier: 3, backbone: true };
        let cands = vec![e(0, 1, 0.9), e(0, 2, 0.8), e(0, 4, 0.85), e(3, 5, 0.1), e(1, 2, 0.7)];
        let (kept, total) = choose_edges(cands, 6, 4);
        assert_eq!(total, 5);
        let pairs: Vec<(usize, usize)> = kept.iter().map(|e| (e.source, e.target)).collect();
        assert_eq!(pairs, [(0, 1), (0, 2), (0, 4), (3, 5)], "3 and 5 keep their only, weak edge; 1-2 is no node's best");
    }

    #[test]
    fn the_ego_view_has_the_neighbourhood_and_top_papers() {
        let (concepts, papers) = corpus();
        let cfg = ViewConfig { view: View::Ego, concept: Some("llm".into()), top_papers: 3, ..Default::default() };
        let v = build_view(concepts.clone(), papers.clone(), &cfg).unwrap();
        let concepts_shown: Vec<&str> = v.nodes.iter().filter(|n| n.kind == NodeKind::Concept).map(|n| n.id.as_str()).collect();
        assert_eq!(concepts_shown, ["dl", "kv", "llm"], "narrower kv, broader dl; rl's one shared paper is a negative association");
        assert!(v.nodes.iter().find(|n| n.id == "llm").unwrap().focus);
        let papers_shown: Vec<(&str, Option<f64>)> = v.nodes.iter().filter(|n| n.kind == NodeKind::Paper).map(|n| (n.id.as_str(), n.score)).collect();
        assert_eq!(papers_shown.len(), 3);
        assert!(papers_shown.iter().all(|(_, s)| *s == Some(0.9)), "the highest scores: {papers_shown:?}");
        assert_eq!(papers_shown[0].0, "a3", "ties by newest date first (a5, a4, a3), shown in id order: {papers_shown:?}");
        assert!(v.edges.iter().any(|e| e.kind == LinkKind::Tagged && v.nodes[e.target].id == "llm"));
        let depth2 = build_view(concepts.clone(), papers.clone(), &ViewConfig { depth: 2, ..cfg.clone() }).unwrap();
        assert!(depth2.nodes.len() >= v.nodes.len());
        let err = build_view(concepts.clone(), papers.clone(), &ViewConfig { view: View::Ego, ..Default::default() }).unwrap_err();
        assert!(matches!(err, GraphExportError::NeedsConcept { .. }));
        let err = build_view(concepts, papers, &ViewConfig { concept: Some("kv-cache".into()), ..cfg }).unwrap_err();
        assert!(err.to_string().contains("no concept \"kv-cache\""), "{err}");
    }

    #[test]
    fn a_concept_narrows_the_other_views_to_its_papers() {
        let (concepts, papers) = corpus();
        let cfg = ViewConfig { view: View::Papers, concept: Some("dl".into()), depth: 2, ..Default::default() };
        let v = build_view(concepts.clone(), papers.clone(), &cfg).unwrap();
        assert_eq!(v.papers, 7, "papers on llm or kv (narrower than dl within two levels)");
        assert!(v.nodes.iter().all(|n| n.id.starts_with('a') || n.id == "c0"));
        assert!(v.edges.iter().all(|e| e.kind == LinkKind::Similar && e.weight > 0.0 && e.weight <= 1.0 + 1e-9));
        let shallow = build_view(concepts.clone(), papers.clone(), &ViewConfig { depth: 0, ..cfg }).unwrap();
        assert_eq!(shallow.papers, 0, "no paper is tagged dl itself");
        let b = build_view(concepts, papers, &ViewConfig { view: View::Bipartite, max_nodes: Some(9), ..Default::default() }).unwrap();
        let kinds: Vec<(NodeKind, usize, usize)> = b.cut.nodes.clone();
        assert_eq!(kinds[0], (NodeKind::Paper, 3, 13));
        assert!(b.edges.iter().all(|e| b.nodes[e.source].kind == NodeKind::Paper && b.nodes[e.target].kind == NodeKind::Concept));
    }
}
