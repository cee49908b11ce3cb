//! GraphML of a [`ViewGraph`]. Entry point: [`write_graphml`].
//!
//! Typed keys (`attr.name`, `attr.type`) for every node and edge attribute, `label` on
//! nodes and `weight` on edges (the names Gephi and Cytoscape pick up), an undirected graph
//! whose edges keep their meaning in `source` -> `target` (narrower -> broader, paper ->
//! concept). Node ids are the view's keys where they are XML name tokens, else `n` and the index;
//! the topicgraph id is the `id` attribute. Edges carry no `id`: GraphML does not need one, and ids that repeat or clash
//! with node ids make Gephi drop edges (gephi/gephi#681). A value that does not apply is
//! left out rather than written empty.

use super::style::Style;
use super::view::ViewGraph;
use super::xml::{edge_attrs, node_attrs, xml_safe, AttrType};
use super::{decimal, GraphExportError};
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;
use std::io::Write;

const NS: &str = "http://graphml.graphdrawing.org/xmlns";

/// Write `view` as GraphML.
pub fn write_graphml(view: &ViewGraph, w: &mut dyn Write) -> Result<(), GraphExportError> {
    let style = Style::new(view, view.trend_threshold);
    let mut xw = Writer::new_with_indent(w, b' ', 2);
    xw.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let graph_attrs: Vec<(&str, AttrType, Option<String>)> = vec![
        ("title", AttrType::String, Some(view.title.clone())),
        ("view", AttrType::String, Some(view.view.name().to_string())),
        ("papers", AttrType::Int, Some(view.papers.to_string())),
        ("first_date", AttrType::String, view.dates.as_ref().map(|d| d.0.clone())),
        ("last_date", AttrType::String, view.dates.as_ref().map(|d| d.1.clone())),
        ("trend_from", AttrType::String, view.trend_window.as_ref().map(|t| t.from.clone())),
        ("trend_to", AttrType::String, view.trend_window.as_ref().map(|t| t.to.clone())),
    ];
    let node_columns: Vec<(&str, AttrType)> = std::iter::once(("label", AttrType::String)).chain(view.nodes.first().map(|n| node_attrs(n, &style)).unwrap_or_default().into_iter().map(|(k, t, _)| (k, t))).collect();
    let edge_columns: Vec<(&str, AttrType)> = std::iter::once(("weight", AttrType::Double)).chain(view.edges.first().map(edge_attrs).unwrap_or_default().into_iter().map(|(k, t, _)| (k, t))).collect();
    xw.create_element("graphml")
        .with_attributes([("xmlns", NS), ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"), ("xsi:schemaLocation", "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd")])
        .write_inner_content(|xw| {
            for (prefix, domain, columns) in [("g", "graph", graph_attrs.iter().map(|(k, t, _)| (*k, *t)).collect::<Vec<_>>()), ("n", "node", node_columns.clone()), ("e", "edge", edge_columns.clone())] {
                for (name, ty) in columns {
                    let id = format!("{prefix}_{name}");
                    xw.create_element("key").with_attributes([("id", id.as_str()), ("for", domain), ("attr.name", name), ("attr.type", ty.graphml())]).write_empty()?;
                }
            }
            xw.create_element("graph").with_attributes([("id", "topicgraph"), ("edgedefault", "undirected")]).write_inner_content(|xw| {
                for (name, _, value) in &graph_attrs {
                    data(xw, "g", name, value.as_deref())?;
                }
                for (i, n) in view.nodes.iter().enumerate() {
                    xw.create_element("node").with_attribute(("id", node_id(&n.key, i).as_str())).write_inner_content(|xw| {
                        data(xw, "n", "label", Some(n.label.as_str()))?;
                        for (name, _, value) in node_attrs(n, &style) {
                            data(xw, "n", name, value.as_deref())?;
                        }
                        Ok(())
                    })?;
                }
                for e in &view.edges {
                    let (s, t) = (node_id(&view.nodes[e.source].key, e.source), node_id(&view.nodes[e.target].key, e.target));
                    xw.create_element("edge").with_attributes([("source", s.as_str()), ("target", t.as_str())]).write_inner_content(|xw| {
                        data(xw, "e", "weight", Some(decimal(e.weight).as_str()))?;
                        for (name, _, value) in edge_attrs(e) {
                            data(xw, "e", name, value.as_deref())?;
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
            Ok(())
        })?;
    let w = xw.into_inner();
    w.write_all(b"\n")?;
    Ok(())
}

/// The node's GraphML id: its key when that is an XML name token (GraphML's type for ids:
/// `c:kv-cache`), else `n` and its index (a DOI's `/` is not allowed). Keys start with `c:`
/// or `p:`, so the two kinds never collide.
fn node_id(key: &str, index: usize) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ':')) {
        key.to_string()
    } else {
        format!("n{index}")
    }
}

fn data<W: Write>(xw: &mut Writer<W>, prefix: &str, name: &str, value: Option<&str>) -> std::io::Result<()> {
    let Some(v) = value else { return Ok(()) };
    let key = format!("{prefix}_{name}");
    xw.create_element("data").with_attribute(("key", key.as_str())).write_text_content(BytesText::new(&xml_safe(v)))?;
    Ok(())
}
