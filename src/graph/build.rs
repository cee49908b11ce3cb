//! [`KnowledgeGraph::build`]: typed nodes and weighted, typed edges in one petgraph graph.

use super::cooccur::{count_pairs, Cooccurrence};
use super::{ConceptInfo, GraphConfig, PaperRecord};
use petgraph::graph::{NodeIndex, UnGraph};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum NodeKind {
    Concept,
    Paper,
    Author,
    /// Reserved for named entities (models, data sets); not built yet.
    Entity,
}

impl NodeKind {
    pub const ALL: [NodeKind; 4] = [NodeKind::Concept, NodeKind::Paper, NodeKind::Author, NodeKind::Entity];

    pub fn name(self) -> &'static str {
        match self {
            NodeKind::Concept => "concept",
            NodeKind::Paper => "paper",
            NodeKind::Author => "author",
            NodeKind::Entity => "entity",
        }
    }
}

/// A node: its kind and its index in that kind's table ([`KnowledgeGraph::concepts`], ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Node {
    pub kind: NodeKind,
    pub index: u32,
}

/// An edge and its weight. Edges are stored once, in the direction given here.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "lowercase", tag = "kind")]
pub enum Edge {
    /// paper -> concept, with the tag's score.
    Tagged { score: f64 },
    /// paper -> author, with the 1-based author position.
    Authored { position: u32 },
    /// narrower -> broader concept (skos:broader).
    Broader,
    /// concept -- concept (skos:related), lower index first.
    Related,
    /// concept -- concept carried by at least `min_support` papers, lower index first.
    Cooccurs(Cooccurrence),
}

/// The kind of an [`Edge`], without its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EdgeKind {
    Tagged,
    Authored,
    Broader,
    Related,
    Cooccurs,
}

impl EdgeKind {
    pub const ALL: [EdgeKind; 5] = [EdgeKind::Tagged, EdgeKind::Authored, EdgeKind::Broader, EdgeKind::Related, EdgeKind::Cooccurs];

    pub fn name(self) -> &'static str {
        match self {
            EdgeKind::Tagged => "tagged",
            EdgeKind::Authored => "authored",
            EdgeKind::Broader => "broader",
            EdgeKind::Related => "related",
            EdgeKind::Cooccurs => "cooccurs",
        }
    }
}

impl Edge {
    pub fn kind(&self) -> EdgeKind {
        match self {
            Edge::Tagged { .. } => EdgeKind::Tagged,
            Edge::Authored { .. } => EdgeKind::Authored,
            Edge::Broader => EdgeKind::Broader,
            Edge::Related => EdgeKind::Related,
            Edge::Cooccurs(_) => EdgeKind::Cooccurs,
        }
    }

    /// A concept-to-concept edge that analytics walk: SKOS links, and co-occurrence with a
    /// positive association (NPMI > 0).
    pub(crate) fn links_concepts(&self) -> bool {
        match self {
            Edge::Broader | Edge::Related => true,
            Edge::Cooccurs(c) => c.npmi > 0.0,
            Edge::Tagged { .. } | Edge::Authored { .. } => false,
        }
    }
}

/// Papers, concepts and authors as one undirected petgraph graph (edge direction is kept as
/// stored, see [`Edge`]). Node indices: concepts first (sorted by id), then papers (sorted
/// by id), then authors (sorted), so node `i < concepts().len()` is concept `i`.
#[derive(Debug, Clone)]
pub struct KnowledgeGraph {
    pub(crate) graph: UnGraph<Node, Edge>,
    pub(crate) concepts: Vec<ConceptInfo>,
    pub(crate) papers: Vec<PaperRecord>,
    pub(crate) authors: Vec<String>,
    pub(crate) concept_ids: HashMap<String, u32>,
    pub(crate) paper_ids: HashMap<String, u32>,
    /// Papers tagged with each concept.
    pub(crate) paper_count: Vec<u32>,
    /// Papers with at least one concept: the N of PMI and IDF.
    pub(crate) tagged_papers: u32,
    /// Euclidean norm of each paper's IDF-weighted concept vector.
    pub(crate) norms: Vec<f64>,
    pub(crate) config: GraphConfig,
}

impl KnowledgeGraph {
    /// Build the graph. Concepts and papers are sorted by id and merged when an id repeats
    /// (a paper's concept keeps its highest score); a concept id that a paper or a SKOS link
    /// names but `concepts` lacks gets a node labelled with its id. Co-occurrence edges are
    /// added for pairs carried by at least `config.min_support` papers.
    ///
    /// Complexity: O(V log V + E + Σ k²) for k concepts per paper.
    pub fn build(concepts: Vec<ConceptInfo>, papers: Vec<PaperRecord>, config: GraphConfig) -> Self {
        let papers = merge_papers(papers);
        let concepts = merge_concepts(concepts, &papers);
        let concept_ids: HashMap<String, u32> = concepts.iter().enumerate().map(|(i, c)| (c.id.clone(), i as u32)).collect();
        let paper_ids: HashMap<String, u32> = papers.iter().enumerate().map(|(i, p)| (p.id.clone(), i as u32)).collect();
        let authors: Vec<String> = papers.iter().flat_map(|p| p.authors.iter().cloned()).collect::<BTreeSet<_>>().into_iter().collect();
        let author_ids: HashMap<&str, u32> = authors.iter().enumerate().map(|(i, a)| (a.as_str(), i as u32)).collect();

        let mut graph = UnGraph::with_capacity(concepts.len() + papers.len() + authors.len(), 0);
        for (kind, n) in [(NodeKind::Concept, concepts.len()), (NodeKind::Paper, papers.len()), (NodeKind::Author, authors.len())] {
            for index in 0..n as u32 {
                graph.add_node(Node { kind, index });
            }
        }
        let c_node = |id: &str| NodeIndex::new(concept_ids[id] as usize);
        let mut related = BTreeSet::new();
        for (i, c) in concepts.iter().enumerate() {
            for b in &c.broader {
                graph.add_edge(NodeIndex::new(i), c_node(b), Edge::Broader);
            }
            for r in &c.related {
                let (a, b) = (i as u32, concept_ids[r.as_str()]);
                if a != b {
                    related.insert((a.min(b), a.max(b)));
                }
            }
        }
        for (a, b) in related {
            graph.add_edge(NodeIndex::new(a as usize), NodeIndex::new(b as usize), Edge::Related);
        }
        let p_base = concepts.len();
        let a_base = p_base + papers.len();
        let mut paper_count = vec![0u32; concepts.len()];
        let mut tagged: Vec<Vec<u32>> = Vec::with_capacity(papers.len());
        for (j, p) in papers.iter().enumerate() {
            let ids: Vec<u32> = p.concepts.iter().map(|(c, _)| concept_ids[c.as_str()]).collect();
            for ((_, score), &c) in p.concepts.iter().zip(&ids) {
                graph.add_edge(NodeIndex::new(p_base + j), NodeIndex::new(c as usize), Edge::Tagged { score: *score });
                paper_count[c as usize] += 1;
            }
            for (pos, a) in p.authors.iter().enumerate() {
                graph.add_edge(NodeIndex::new(p_base + j), NodeIndex::new(a_base + author_ids[a.as_str()] as usize), Edge::Authored { position: pos as u32 + 1 });
            }
            tagged.push(ids);
        }
        let tagged_papers = tagged.iter().filter(|t| !t.is_empty()).count() as u32;
        for ((a, b), n) in count_pairs(&tagged) {
            if n >= config.min_support {
                let c = Cooccurrence::new(n, paper_count[a as usize], paper_count[b as usize], tagged_papers);
                graph.add_edge(NodeIndex::new(a as usize), NodeIndex::new(b as usize), Edge::Cooccurs(c));
            }
        }
        let mut kg = KnowledgeGraph { graph, concepts, papers, authors, concept_ids, paper_ids, paper_count, tagged_papers, norms: Vec::new(), config };
        kg.norms = (0..kg.papers.len()).map(|j| kg.paper_vector(j).map(|(_, w)| w * w).sum::<f64>().sqrt()).collect();
        kg
    }

    /// The underlying petgraph graph.
    pub fn graph(&self) -> &UnGraph<Node, Edge> {
        &self.graph
    }

    /// Concepts, sorted by id; concept `i` is node `i`.
    pub fn concepts(&self) -> &[ConceptInfo] {
        &self.concepts
    }

    /// Papers, sorted by id, with their concepts sorted and merged.
    pub fn papers(&self) -> &[PaperRecord] {
        &self.papers
    }

    /// Authors (person IRIs or names), sorted.
    pub fn authors(&self) -> &[String] {
        &self.authors
    }

    pub fn config(&self) -> &GraphConfig {
        &self.config
    }

    /// How many papers carry concept `i`.
    pub fn paper_count(&self, concept: usize) -> u32 {
        self.paper_count[concept]
    }

    /// Papers with at least one concept.
    pub fn tagged_papers(&self) -> u32 {
        self.tagged_papers
    }

    /// The concept ids of paper `j` as concept indices, in the paper's (sorted) order.
    pub(crate) fn paper_concepts(&self, paper: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.papers[paper].concepts.iter().map(|(c, s)| (self.concept_ids[c.as_str()] as usize, *s))
    }
}

/// Sort papers by id; merge repeated ids; sort each paper's concepts by id, keeping the
/// highest score of a repeated concept.
fn merge_papers(mut papers: Vec<PaperRecord>) -> Vec<PaperRecord> {
    papers.sort_by(|a, b| a.id.cmp(&b.id));
    let mut out: Vec<PaperRecord> = Vec::with_capacity(papers.len());
    for p in papers {
        match out.last_mut() {
            Some(last) if last.id == p.id => {
                last.concepts.extend(p.concepts);
                last.categories.extend(p.categories);
                for a in p.authors {
                    if !last.authors.contains(&a) {
                        last.authors.push(a);
                    }
                }
            }
            _ => out.push(p),
        }
    }
    for p in &mut out {
        let mut best: BTreeMap<String, f64> = BTreeMap::new();
        for (c, s) in p.concepts.drain(..) {
            let e = best.entry(c).or_insert(s);
            *e = e.max(s);
        }
        p.concepts = best.into_iter().collect();
        p.other_ids.sort();
        p.other_ids.dedup();
        p.categories.sort();
        p.categories.dedup();
    }
    out
}

/// Sort concepts by id, merge repeated ids, add the ids papers and links name but the list
/// lacks, and sort and deduplicate every link list.
fn merge_concepts(concepts: Vec<ConceptInfo>, papers: &[PaperRecord]) -> Vec<ConceptInfo> {
    let mut by_id: BTreeMap<String, ConceptInfo> = BTreeMap::new();
    for c in concepts {
        match by_id.get_mut(&c.id) {
            Some(known) => {
                known.broader.extend(c.broader);
                known.related.extend(c.related);
            }
            None => {
                by_id.insert(c.id.clone(), c);
            }
        }
    }
    let named: BTreeSet<String> = by_id.values().flat_map(|c| c.broader.iter().chain(&c.related).cloned()).chain(papers.iter().flat_map(|p| p.concepts.iter().map(|(c, _)| c.clone()))).collect();
    for id in named {
        by_id.entry(id.clone()).or_insert_with(|| ConceptInfo { label: id.clone(), id, ..Default::default() });
    }
    let mut out: Vec<ConceptInfo> = by_id.into_values().collect();
    for c in &mut out {
        for list in [&mut c.broader, &mut c.related] {
            list.sort();
            list.dedup();
            list.retain(|x| *x != c.id);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{concept, paper};
    use super::*;

    #[test]
    fn nodes_are_sorted_and_merged_whatever_the_input_order() {
        let concepts = vec![concept("b", &["a"], &[]), concept("a", &[], &["b"])];
        let papers = vec![paper("p2", &[("b", 0.5), ("x", 0.9)]), paper("p1", &[("a", 0.7), ("a", 0.9)])];
        let g = KnowledgeGraph::build(concepts.clone(), papers.clone(), GraphConfig::default());
        let ids: Vec<&str> = g.concepts().iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "x"], "x is named by a paper only");
        assert_eq!(g.papers()[0].concepts, vec![("a".to_string(), 0.9)], "a repeated concept keeps its best score");
        assert_eq!(g.paper_count(2), 1);
        let mut rev_c = concepts;
        rev_c.reverse();
        let mut rev_p = papers;
        rev_p.reverse();
        let h = KnowledgeGraph::build(rev_c, rev_p, GraphConfig::default());
        assert_eq!(format!("{:?}", g.graph()), format!("{:?}", h.graph()));
    }

    #[test]
    fn edges_have_kinds_and_weights() {
        let concepts = vec![concept("a", &[], &["b"]), concept("b", &["a"], &["a"])];
        let mut p = paper("p1", &[("a", 0.8), ("b", 0.6)]);
        p.authors = vec!["Ada".into(), "Bob".into()];
        let g = KnowledgeGraph::build(concepts, vec![p, paper("p2", &[("a", 1.0), ("b", 1.0)])], GraphConfig { min_support: 2, ..Default::default() });
        let mut kinds: BTreeMap<EdgeKind, usize> = BTreeMap::new();
        for e in g.graph().edge_weights() {
            *kinds.entry(e.kind()).or_default() += 1;
        }
        let want: BTreeMap<EdgeKind, usize> = [(EdgeKind::Tagged, 4), (EdgeKind::Authored, 2), (EdgeKind::Broader, 1), (EdgeKind::Related, 1), (EdgeKind::Cooccurs, 1)].into();
        assert_eq!(kinds, want, "related a-b is stored once");
        let tagged: Vec<f64> = g.graph().edge_weights().filter_map(|e| if let Edge::Tagged { score } = e { Some(*score) } else { None }).collect();
        assert_eq!(tagged, [0.8, 0.6, 1.0, 1.0]);
    }
}
