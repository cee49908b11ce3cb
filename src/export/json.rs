//! Node-link JSON of a [`ViewGraph`]: the layout networkx reads with
//! `networkx.node_link_graph(data, edges="edges")` and d3 force layouts use. Entry point:
//! [`write_json`].
//!
//! `{"directed": false, "multigraph": false, "graph": {...}, "nodes": [{"id": key, ...}],
//! "edges": [{"source": key, "target": key, ...}]}`; the `graph` object holds the title,
//! the selection's figures, the trend window and what the budgets cut.

use super::style::Style;
use super::trend::TrendWindow;
use super::view::{Cut, LinkKind, ViewGraph};
use super::GraphExportError;
use crate::graph::NodeKind;
use serde::Serialize;
use std::io::Write;

#[derive(Serialize)]
struct NodeLink<'a> {
    directed: bool,
    multigraph: bool,
    graph: GraphInfo<'a>,
    nodes: Vec<Node<'a>>,
    edges: Vec<Edge<'a>>,
}

#[derive(Serialize)]
struct GraphInfo<'a> {
    title: &'a str,
    view: &'static str,
    papers: u32,
    tagged_papers: u32,
    dates: Option<&'a (String, String)>,
    trend_window: Option<&'a TrendWindow>,
    cut: &'a Cut,
}

#[derive(Serialize)]
struct Node<'a> {
    /// The view's key (`c:kv-cache`): what edges name.
    id: &'a str,
    kind: NodeKind,
    #[serde(rename = "topicgraph_id")]
    tg_id: &'a str,
    label: &'a str,
    iri: &'a str,
    url: &'a str,
    papers: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
    group: &'a str,
    group_label: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    trend: Option<&'a super::trend::Trend>,
    focus: bool,
    color: String,
}

#[derive(Serialize)]
struct Edge<'a> {
    source: &'a str,
    target: &'a str,
    kind: LinkKind,
    weight: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    count: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    npmi: Option<f64>,
    transitive: bool,
}

/// Round for output, so the same value prints the same everywhere.
fn r6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Write `view` as pretty-printed node-link JSON.
pub fn write_json(view: &ViewGraph, w: &mut dyn Write) -> Result<(), GraphExportError> {
    let style = Style::new(view, view.trend_threshold);
    let doc = NodeLink {
        directed: false,
        multigraph: false,
        graph: GraphInfo { title: &view.title, view: view.view.name(), papers: view.papers, tagged_papers: view.tagged_papers, dates: view.dates.as_ref(), trend_window: view.trend_window.as_ref(), cut: &view.cut },
        nodes: view
            .nodes
            .iter()
            .map(|n| Node {
                id: &n.key,
                kind: n.kind,
                tg_id: &n.id,
                label: &n.label,
                iri: &n.iri,
                url: &n.url,
                papers: n.papers,
                date: n.date.as_deref(),
                score: n.score.map(r6),
                group: &n.group,
                group_label: &n.group_label,
                trend: n.trend.as_ref(),
                focus: n.focus,
                color: style.fill(n).hex(),
            })
            .collect(),
        edges: view
            .edges
            .iter()
            .map(|e| Edge { source: &view.nodes[e.source].key, target: &view.nodes[e.target].key, kind: e.kind, weight: r6(e.weight), count: e.count, npmi: e.npmi.map(r6), transitive: e.transitive })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *w, &doc).map_err(std::io::Error::other)?;
    w.write_all(b"\n")?;
    Ok(())
}
