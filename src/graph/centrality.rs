//! Weighted PageRank by power iteration (petgraph's `page_rank` ignores edge weights).

use petgraph::visit::{EdgeRef, IntoEdges, NodeCount, NodeIndexable};

/// PageRank parameters. `Default`: damping 0.85, stop when the L1 change of the rank vector
/// falls below 1e-10, at most 100 iterations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageRankConfig {
    /// Probability of following an edge rather than jumping to a random node.
    pub damping: f64,
    /// Stop when `Σ |rank_new - rank_old|` falls below this.
    pub tolerance: f64,
    pub max_iterations: usize,
}

impl Default for PageRankConfig {
    fn default() -> Self {
        PageRankConfig { damping: 0.85, tolerance: 1e-10, max_iterations: 100 }
    }
}

/// Weighted (and optionally personalised) PageRank of every node of a directed graph (an
/// undirected graph counts each edge in both directions).
///
/// A random surfer at `u` follows an out-edge `u -> v` with probability `d · w(u,v) / W(u)`
/// (`W(u)` the sum of `u`'s positive out-weights) and otherwise jumps to a node drawn from
/// the teleport distribution `t` (uniform `1/N` unless given); a node without out-weight
/// (dangling) always jumps. So
///
/// ```text
/// PR(v) = (1 - d) t(v)  +  d · ( Σ_{u -> v} PR(u) w(u,v) / W(u)  +  t(v) Σ_{dangling u} PR(u) )
/// ```
///
/// Arguments: `graph`; `weight` of an edge (edges with weight <= 0 are ignored); `teleport`,
/// one non-negative weight per node by `NodeIndexable::to_index` (normalised here; `None`
/// or all zero is uniform); `config`.
///
/// Returns the rank of each node by `NodeIndexable::to_index`, summing to 1 (empty for an
/// empty graph).
///
/// Complexity: O(I · (V + E)) for I iterations (at most `config.max_iterations`).
///
/// Reference: Page, Brin, Motwani, Winograd 1999, "The PageRank citation ranking: bringing
/// order to the web"; personalisation as in Haveliwala 2002, "Topic-sensitive PageRank".
///
/// ```
/// use petgraph::graph::DiGraph;
/// use topicgraph::graph::{weighted_page_rank, PageRankConfig};
/// let g = DiGraph::<(), f64>::from_edges([(0, 1, 1.0), (1, 0, 1.0)]);
/// let pr = weighted_page_rank(&g, |e| *e.weight(), None, PageRankConfig::default());
/// assert!((pr[0] - 0.5).abs() < 1e-9 && (pr[1] - 0.5).abs() < 1e-9);
/// ```
pub fn weighted_page_rank<G>(graph: G, weight: impl Fn(G::EdgeRef) -> f64, teleport: Option<&[f64]>, config: PageRankConfig) -> Vec<f64>
where
    G: IntoEdges + NodeIndexable + NodeCount,
{
    let n = graph.node_bound();
    if graph.node_count() == 0 {
        return Vec::new();
    }
    // Out-edges once, as (target, weight) per node, so each iteration is a plain loop.
    let mut out: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for (i, list) in out.iter_mut().enumerate() {
        for e in graph.edges(graph.from_index(i)) {
            let w = weight(e);
            if w > 0.0 {
                list.push((graph.to_index(e.target()), w));
            }
        }
    }
    let total: Vec<f64> = out.iter().map(|l| l.iter().map(|(_, w)| w).sum()).collect();
    let d = config.damping;
    let t = teleport_distribution(teleport, n);
    let mut rank = t.clone();
    for _ in 0..config.max_iterations {
        let dangling: f64 = (0..n).filter(|&u| total[u] == 0.0).map(|u| rank[u]).sum();
        let mut next: Vec<f64> = t.iter().map(|t| ((1.0 - d) + d * dangling) * t).collect();
        for u in 0..n {
            for &(v, w) in &out[u] {
                next[v] += d * rank[u] * w / total[u];
            }
        }
        let change: f64 = rank.iter().zip(&next).map(|(a, b)| (a - b).abs()).sum();
        rank = next;
        if change < config.tolerance {
            break;
        }
    }
    rank
}

/// `teleport` normalised to sum to 1; uniform when absent, of the wrong length or all zero.
fn teleport_distribution(teleport: Option<&[f64]>, n: usize) -> Vec<f64> {
    let sum: f64 = teleport.map_or(0.0, |t| t.iter().filter(|x| **x > 0.0).sum());
    match teleport {
        Some(t) if t.len() == n && sum > 0.0 => t.iter().map(|x| x.max(0.0) / sum).collect(),
        _ => vec![1.0 / n as f64; n],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use petgraph::graph::DiGraph;

    fn rank(edges: &[(u32, u32, f64)]) -> Vec<f64> {
        let g = DiGraph::<(), f64>::from_edges(edges.iter().copied());
        weighted_page_rank(&g, |e| *e.weight(), None, PageRankConfig::default())
    }

    fn assert_close(got: &[f64], want: &[f64]) {
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-6, "got {got:?}, want {want:?}");
        }
        assert!((got.iter().sum::<f64>() - 1.0).abs() < 1e-9, "ranks sum to 1: {got:?}");
    }

    #[test]
    fn weights_split_the_rank() {
        // a -> b (3), a -> c (1), b -> a, c -> a. With (1-d)/N = 0.05:
        // r_b = 0.05 + 0.85·0.75·r_a, r_c = 0.05 + 0.85·0.25·r_a, r_a = 0.05 + 0.85(r_b + r_c)
        // => r_a = 0.135 / 0.2775 = 0.486486..., r_b = 0.360135..., r_c = 0.153378...
        let r_a = 0.135 / 0.2775;
        assert_close(&rank(&[(0, 1, 3.0), (0, 2, 1.0), (1, 0, 1.0), (2, 0, 1.0)]), &[r_a, 0.05 + 0.6375 * r_a, 0.05 + 0.2125 * r_a]);
    }

    #[test]
    fn dangling_nodes_jump_anywhere() {
        // a -> b, b dangling: r_a = 0.075 + 0.425 r_b, r_a + r_b = 1 => r_a = 0.5 / 1.425.
        let r_a = 0.5 / 1.425;
        assert_close(&rank(&[(0, 1, 1.0)]), &[r_a, 1.0 - r_a]);
    }

    #[test]
    fn a_cycle_is_uniform_and_zero_weights_are_ignored() {
        let third = 1.0 / 3.0;
        assert_close(&rank(&[(0, 1, 2.0), (1, 2, 2.0), (2, 0, 2.0), (0, 2, 0.0)]), &[third, third, third]);
        assert!(rank(&[]).is_empty());
    }

    #[test]
    fn teleport_weights_personalise() {
        // Without edges every surfer jumps: the rank is the teleport distribution.
        let mut g = DiGraph::<(), f64>::new();
        g.add_node(());
        g.add_node(());
        assert_close(&weighted_page_rank(&g, |e| *e.weight(), Some(&[3.0, 1.0]), PageRankConfig::default()), &[0.75, 0.25]);
        // a -> b with teleport only to a: r_a = 0.15 + 0.85 r_b, r_b = 0.85 r_a => r_a = 0.15 / (1 - 0.7225).
        let g = DiGraph::<(), f64>::from_edges([(0, 1, 1.0)]);
        let r_a = 0.15 / (1.0 - 0.7225);
        assert_close(&weighted_page_rank(&g, |e| *e.weight(), Some(&[1.0, 0.0]), PageRankConfig::default()), &[r_a, 1.0 - r_a]);
    }
}
