//! GEXF 1.3 of a [`ViewGraph`], for Gephi. Entry point: [`write_gexf`].
//!
//! Typed attribute columns (`<attributes class="node">`), the label on each node, `weight`
//! on each edge, and the drawing's colour and size in the `viz` namespace so the graph opens
//! looking like the DOT. Edges have no `id` (optional since GEXF 1.3): ids on edges have made
//! Gephi drop edges on import (gephi/gephi#681), and the view never has two edges between
//! the same nodes, so none are needed. No `lastmodifieddate`: the bytes depend on the
//! graph only.

use super::style::Style;
use super::view::ViewGraph;
use super::xml::{edge_attrs, node_attrs, xml_safe};
use super::{decimal, GraphExportError};
use crate::graph::NodeKind;
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;
use std::io::Write;

/// Write `view` as GEXF 1.3.
pub fn write_gexf(view: &ViewGraph, w: &mut dyn Write) -> Result<(), GraphExportError> {
    let style = Style::new(view, view.trend_threshold);
    let mut xw = Writer::new_with_indent(w, b' ', 2);
    xw.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let node_columns: Vec<_> = view.nodes.first().map(|n| node_attrs(n, &style)).unwrap_or_default();
    let edge_columns: Vec<_> = view.edges.first().map(edge_attrs).unwrap_or_default();
    xw.create_element("gexf")
        .with_attributes([
            ("xmlns", "http://gexf.net/1.3"),
            ("xmlns:viz", "http://gexf.net/1.3/viz"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            ("xsi:schemaLocation", "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"),
            ("version", "1.3"),
        ])
        .write_inner_content(|xw| {
            xw.create_element("meta").write_inner_content(|xw| {
                xw.create_element("creator").write_text_content(BytesText::new(concat!("topicgraph ", env!("CARGO_PKG_VERSION"))))?;
                xw.create_element("description").write_text_content(BytesText::new(&xml_safe(&format!("{} ({} papers)", view.title, view.papers))))?;
                Ok(())
            })?;
            xw.create_element("graph").with_attributes([("mode", "static"), ("defaultedgetype", "undirected")]).write_inner_content(|xw| {
                for (class, columns) in [("node", node_columns.iter().map(|(k, t, _)| (*k, *t)).collect::<Vec<_>>()), ("edge", edge_columns.iter().map(|(k, t, _)| (*k, *t)).collect())] {
                    xw.create_element("attributes").with_attribute(("class", class)).write_inner_content(|xw| {
                        for (name, ty) in columns {
                            xw.create_element("attribute").with_attributes([("id", name), ("title", name), ("type", ty.gexf())]).write_empty()?;
                        }
                        Ok(())
                    })?;
                }
                xw.create_element("nodes").write_inner_content(|xw| {
                    for n in &view.nodes {
                        let (key, label) = (xml_safe(&n.key), xml_safe(&n.label));
                        xw.create_element("node").with_attributes([("id", &*key), ("label", &*label)]).write_inner_content(|xw| {
                            attvalues(xw, node_attrs(n, &style))?;
                            let c = style.fill(n);
                            let (r, g, b) = (c.0.to_string(), c.1.to_string(), c.2.to_string());
                            xw.create_element("viz:color").with_attributes([("r", r.as_str()), ("g", g.as_str()), ("b", b.as_str())]).write_empty()?;
                            let size = match n.kind {
                                NodeKind::Concept => 5.0 + 25.0 * style.size(n),
                                _ => 4.0,
                            };
                            xw.create_element("viz:size").with_attribute(("value", decimal(size).as_str())).write_empty()?;
                            Ok(())
                        })?;
                    }
                    Ok(())
                })?;
                xw.create_element("edges").write_inner_content(|xw| {
                    for e in &view.edges {
                        let (s, t) = (xml_safe(&view.nodes[e.source].key), xml_safe(&view.nodes[e.target].key));
                        let weight = decimal(e.weight);
                        xw.create_element("edge").with_attributes([("source", &*s), ("target", &*t), ("weight", weight.as_str())]).write_inner_content(|xw| attvalues(xw, edge_attrs(e)))?;
                    }
                    Ok(())
                })?;
                Ok(())
            })?;
            Ok(())
        })?;
    let w = xw.into_inner();
    w.write_all(b"\n")?;
    Ok(())
}

fn attvalues<W: Write>(xw: &mut Writer<W>, attrs: Vec<super::xml::Attr>) -> std::io::Result<()> {
    if attrs.iter().all(|(_, _, v)| v.is_none()) {
        return Ok(());
    }
    xw.create_element("attvalues").write_inner_content(|xw| {
        for (name, _, value) in attrs {
            if let Some(v) = value {
                xw.create_element("attvalue").with_attributes([("for", name), ("value", &*xml_safe(&v))]).write_empty()?;
            }
        }
        Ok(())
    })?;
    Ok(())
}
