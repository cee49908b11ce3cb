//! Louvain community detection by modularity, made deterministic: nodes are visited in index
//! order, a node moves only for a strictly better gain, and ties go to the lowest community.

use petgraph::visit::{EdgeRef, IntoEdgeReferences, NodeIndexable};
use serde::Serialize;
use std::collections::BTreeMap;

/// A division of the nodes into communities.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Partition {
    /// Community of each node by `NodeIndexable::to_index`. Communities are numbered by size,
    /// largest first, ties by their lowest node index.
    pub community: Vec<usize>,
    pub count: usize,
    /// Newman-Girvan modularity of the partition, in [-1/2, 1); 0 for a graph without weight.
    pub modularity: f64,
}

/// Louvain communities of an undirected weighted graph.
///
/// Modularity, with `A` the symmetric weight matrix, `k_i = Σ_j A_ij` and `2m = Σ_i k_i`:
///
/// ```text
/// Q = Σ_c [ in_c / 2m - (tot_c / 2m)² ],   in_c = Σ_{i,j ∈ c} A_ij,   tot_c = Σ_{i ∈ c} k_i
/// ```
///
/// Phase 1 moves each node, in index order, to the neighbouring community with the largest
/// gain `k_{i,c} - tot_c k_i / 2m` (proportional to ΔQ) until no move improves; phase 2
/// merges each community into one node; the two repeat until nothing moves.
///
/// Arguments: `graph` (each edge counted once, whatever its direction; self-loops ignored,
/// parallel edges summed); `weight` of an edge (edges with weight <= 0 are ignored).
///
/// Returns the [`Partition`]. Nodes without edges are communities of their own.
///
/// Complexity: O(L · P · E) for L levels and P passes per level; in practice near linear.
///
/// Reference: Blondel, Guillaume, Lambiotte, Lefebvre 2008, "Fast unfolding of communities in
/// large networks".
///
/// ```
/// use petgraph::graph::UnGraph;
/// use topicgraph::graph::louvain;
/// let g = UnGraph::<(), f64>::from_edges([(0, 1, 1.0), (2, 3, 1.0)]);
/// let p = louvain(&g, |e| *e.weight());
/// assert_eq!(p.community, [0, 0, 1, 1]);
/// assert!((p.modularity - 0.5).abs() < 1e-12);
/// ```
pub fn louvain<G>(graph: G, weight: impl Fn(G::EdgeRef) -> f64) -> Partition
where
    G: IntoEdgeReferences + NodeIndexable,
{
    let n = graph.node_bound();
    let mut sym: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for e in graph.edge_references() {
        let (a, b, w) = (graph.to_index(e.source()), graph.to_index(e.target()), weight(e));
        if a != b && w > 0.0 {
            *sym.entry((a.min(b), a.max(b))).or_default() += w;
        }
    }
    let original = Level::from_pairs(n, sym.into_iter().map(|((a, b), w)| (a, b, w)));
    let mut membership: Vec<usize> = (0..n).collect();
    let mut level = original.clone();
    while let Some(community) = level.local_moves() {
        for m in membership.iter_mut() {
            *m = community[*m];
        }
        level = level.aggregate(&community);
    }
    let community = number_by_size(&membership);
    let count = community.iter().max().map_or(0, |m| m + 1);
    let modularity = original.modularity(&community, count);
    Partition { community, count, modularity }
}

/// One level of the algorithm: a weighted graph whose nodes may be merged communities.
#[derive(Clone)]
struct Level {
    adj: Vec<Vec<(usize, f64)>>,
    /// `A_ii`: the weight inside a merged node (each inner edge counted from both ends).
    inner: Vec<f64>,
}

impl Level {
    fn from_pairs(n: usize, pairs: impl Iterator<Item = (usize, usize, f64)>) -> Self {
        let mut adj = vec![Vec::new(); n];
        for (a, b, w) in pairs {
            adj[a].push((b, w));
            adj[b].push((a, w));
        }
        Level { adj, inner: vec![0.0; n] }
    }

    fn degree(&self, i: usize) -> f64 {
        self.inner[i] + self.adj[i].iter().map(|(_, w)| w).sum::<f64>()
    }

    /// Phase 1. Returns each node's community, numbered 0.. in order of first appearance, or
    /// `None` when no node moved.
    fn local_moves(&self) -> Option<Vec<usize>> {
        let n = self.adj.len();
        let k: Vec<f64> = (0..n).map(|i| self.degree(i)).collect();
        let m2: f64 = k.iter().sum();
        if m2 == 0.0 {
            return None;
        }
        let mut comm: Vec<usize> = (0..n).collect();
        let mut tot = k.clone();
        let mut to_comm = vec![0.0; n];
        let mut touched: Vec<usize> = Vec::new();
        let mut moved_any = false;
        for _pass in 0..1000 {
            let mut moved = false;
            for i in 0..n {
                let home = comm[i];
                tot[home] -= k[i];
                for &(j, w) in &self.adj[i] {
                    if to_comm[comm[j]] == 0.0 {
                        touched.push(comm[j]);
                    }
                    to_comm[comm[j]] += w;
                }
                touched.sort_unstable();
                let gain = |c: usize, w_ic: f64| w_ic - tot[c] * k[i] / m2;
                let (mut best, mut best_gain) = (home, gain(home, to_comm[home]));
                for &c in &touched {
                    let g = gain(c, to_comm[c]);
                    if g > best_gain + 1e-12 {
                        (best, best_gain) = (c, g);
                    }
                }
                for c in touched.drain(..) {
                    to_comm[c] = 0.0;
                }
                tot[best] += k[i];
                if best != home {
                    comm[i] = best;
                    moved = true;
                }
            }
            if !moved {
                break;
            }
            moved_any = true;
        }
        moved_any.then(|| renumber(&comm))
    }

    /// Phase 2: one node per community, weights summed.
    fn aggregate(&self, community: &[usize]) -> Level {
        let count = community.iter().max().map_or(0, |m| m + 1);
        let mut inner = vec![0.0; count];
        let mut between: BTreeMap<(usize, usize), f64> = BTreeMap::new();
        for (i, list) in self.adj.iter().enumerate() {
            let ci = community[i];
            inner[ci] += self.inner[i];
            for &(j, w) in list {
                let cj = community[j];
                if ci == cj {
                    inner[ci] += w;
                } else if ci < cj {
                    *between.entry((ci, cj)).or_default() += w;
                }
            }
        }
        let mut level = Level::from_pairs(count, between.into_iter().map(|((a, b), w)| (a, b, w)));
        level.inner = inner;
        level
    }

    fn modularity(&self, community: &[usize], count: usize) -> f64 {
        let mut inside = vec![0.0; count];
        let mut tot = vec![0.0; count];
        let mut m2 = 0.0;
        for (i, list) in self.adj.iter().enumerate() {
            let k = self.degree(i);
            tot[community[i]] += k;
            m2 += k;
            inside[community[i]] += self.inner[i] + list.iter().filter(|(j, _)| community[*j] == community[i]).map(|(_, w)| w).sum::<f64>();
        }
        if m2 == 0.0 {
            return 0.0;
        }
        inside.iter().zip(&tot).map(|(i, t)| i / m2 - (t / m2) * (t / m2)).sum()
    }
}

/// Community labels 0.. in order of first appearance.
fn renumber(labels: &[usize]) -> Vec<usize> {
    let mut map: BTreeMap<usize, usize> = BTreeMap::new();
    labels
        .iter()
        .map(|l| {
            let next = map.len();
            *map.entry(*l).or_insert(next)
        })
        .collect()
}

/// Community labels by size, largest first, ties by lowest member (labels from [`renumber`]
/// are already in lowest-member order).
fn number_by_size(labels: &[usize]) -> Vec<usize> {
    let labels = renumber(labels);
    let count = labels.iter().max().map_or(0, |m| m + 1);
    let mut size = vec![0usize; count];
    for &l in &labels {
        size[l] += 1;
    }
    let mut order: Vec<usize> = (0..count).collect();
    order.sort_by_key(|&c| (std::cmp::Reverse(size[c]), c));
    let mut rank = vec![0; count];
    for (r, c) in order.into_iter().enumerate() {
        rank[c] = r;
    }
    labels.into_iter().map(|l| rank[l]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use petgraph::graph::UnGraph;

    fn partition(n: usize, edges: &[(u32, u32, f64)]) -> Partition {
        let mut g = UnGraph::<(), f64>::with_capacity(n, edges.len());
        for _ in 0..n {
            g.add_node(());
        }
        g.extend_with_edges(edges.iter().copied());
        louvain(&g, |e| *e.weight())
    }

    #[test]
    fn two_triangles_joined_by_one_edge_split_in_two() {
        // 7 edges, 2m = 14; each triangle has in = 6, tot = 7: Q = 2 (6/14 - (7/14)²) = 5/14.
        let p = partition(6, &[(0, 1, 1.0), (1, 2, 1.0), (0, 2, 1.0), (3, 4, 1.0), (4, 5, 1.0), (3, 5, 1.0), (2, 3, 1.0)]);
        assert_eq!(p.community, [0, 0, 0, 1, 1, 1]);
        assert_eq!(p.count, 2);
        assert!((p.modularity - 5.0 / 14.0).abs() < 1e-12, "{}", p.modularity);
    }

    #[test]
    fn larger_community_first_and_isolated_nodes_alone() {
        // Node 0 alone; a triangle 1-2-3; a 4-clique 4..7 (weights 2).
        let mut edges = vec![(1, 2, 1.0), (2, 3, 1.0), (1, 3, 1.0)];
        for a in 4..8 {
            for b in a + 1..8 {
                edges.push((a, b, 2.0));
            }
        }
        let p = partition(8, &edges);
        assert_eq!(p.community, [2, 1, 1, 1, 0, 0, 0, 0]);
        // 2m = 6 + 24 = 30: Q = 6/30 - (6/30)² + 24/30 - (24/30)² = 1 - 0.04 - 0.64 = 0.32.
        assert!((p.modularity - 0.32).abs() < 1e-12, "{}", p.modularity);
    }

    #[test]
    fn no_edges_no_communities_to_find() {
        let p = partition(3, &[]);
        assert_eq!((p.community, p.count, p.modularity), (vec![0, 1, 2], 3, 0.0));
    }
}
