//! GraphViz DOT of a [`ViewGraph`]. Entry point: [`write_dot`].
//!
//! Labels are HTML-like (`label=<...>`) so any text is safe once `&`, `<`, `>` and quotes
//! are entities ([`html_text`]); identifiers, tooltips and URLs are quoted strings with
//! backslashes and quotes escaped ([`quoted`]). Control characters are dropped. The layout
//! engine is named in the file (`layout=...`), so `dot -Tsvg FILE` draws it as intended:
//! `dot` with clusters for the concept and paper maps (compact, and the clusters stay
//! tight; `fdp` spread the same maps over twice the area), `twopi` around the centre for the ego
//! view, `dot` left to right for the bipartite view.

use super::style::{Band, Style, FOCUS, OUTLINE};
use super::view::{LinkKind, View, ViewEdge, ViewGraph};
use crate::graph::NodeKind;
use std::collections::BTreeMap;
use std::io::{self, Write};

const FONT: &str = "DejaVu Sans";

/// A DOT quoted string: `"` and `\` escaped, line breaks as `\n` (GraphViz's escString line
/// break), other control characters dropped.
///
/// ```
/// assert_eq!(topicgraph::export::dot::quoted(r#"a "b" \c"#), r#""a \"b\" \\c""#);
/// ```
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text for an HTML-like label: `&`, `<`, `>`, `"` and `'` as entities, whitespace (line
/// breaks included) collapsed to single spaces, control characters dropped.
///
/// ```
/// assert_eq!(topicgraph::export::dot::html_text("<b>&\n\"x\""), "&lt;b&gt;&amp; &quot;x&quot;");
/// ```
pub fn html_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for ch in s.chars() {
        if ch.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if ch.is_control() {
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // GraphViz expands `\N`, `\G`, ... even in HTML-like labels; `\\` is one backslash.
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out
}

/// Split `text` into at most `lines` lines of about `width` characters at spaces; what does
/// not fit ends with `…`. A word longer than `width` is cut.
pub fn wrap(text: &str, width: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        let len = line.chars().count();
        if len == 0 || len + 1 + w.chars().count() <= width {
            if len > 0 {
                line.push(' ');
            }
            line.push_str(w);
            i += 1;
            if line.chars().count() > width {
                line = line.chars().take(width.saturating_sub(1)).collect::<String>() + "…";
            }
        } else {
            out.push(std::mem::take(&mut line));
        }
        if out.len() == lines {
            break;
        }
    }
    if !line.is_empty() && out.len() < lines {
        out.push(line);
    }
    if i < words.len() {
        if let Some(last) = out.last_mut() {
            let keep = width.saturating_sub(1).min(last.chars().count());
            *last = last.chars().take(keep).collect::<String>().trim_end().to_string() + "…";
        }
    }
    out
}

fn thousands(n: u32) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An escString attribute value (tooltip, URL): [`quoted`] after doubling backslashes,
/// because GraphViz expands `\N` (node name), `\G`, `\L` ... in these even when the
/// backslash is escaped once; four backslashes in the file show one.
pub fn esc_string(s: &str) -> String {
    quoted(&s.replace('\\', "\\\\"))
}

/// Write `view` as DOT.
pub fn write_dot(view: &ViewGraph, w: &mut dyn Write) -> io::Result<()> {
    let style = Style::new(view, view.trend_threshold);
    writeln!(w, "// topicgraph export dot --view {}: {}", view.view, html_free(&summary_line(view)))?;
    writeln!(w, "graph \"topicgraph\" {{")?;
    let layout = match view.view {
        View::Concepts | View::Papers => "layout=\"dot\", newrank=\"true\", ranksep=\"0.9\", nodesep=\"0.25\"",
        View::Ego => "layout=\"twopi\", ranksep=\"2.2\"",
        View::Bipartite => "layout=\"dot\", rankdir=\"LR\", ranksep=\"2.5\", nodesep=\"0.12\"",
    };
    writeln!(w, "  graph [{layout}, overlap=\"false\", splines=\"true\", outputorder=\"edgesfirst\", pad=\"0.3\", fontname={}, fontsize=\"14\", labelloc=\"t\", labeljust=\"l\",\n    label=<{}>];", quoted(FONT), legend(view, &style))?;
    if let (View::Ego, Some(centre)) = (view.view, view.nodes.iter().find(|n| n.focus)) {
        writeln!(w, "  graph [root={}];", quoted(&centre.key))?;
    }
    writeln!(w, "  node [fontname={}, shape=\"box\", style=\"rounded,filled\", color=\"{}\", penwidth=\"0.8\", margin=\"0.08,0.04\"];", quoted(FONT), OUTLINE.hex())?;
    writeln!(w, "  edge [color=\"#4d4d4d80\", penwidth=\"1\"];")?;

    // Clusters: nodes under their top-level concept, for the maps; a group of one is no cluster.
    let clustered = matches!(view.view, View::Concepts | View::Papers);
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, n) in view.nodes.iter().enumerate() {
        groups.entry(if clustered { n.group.as_str() } else { "" }).or_default().push(i);
    }
    for (group, members) in &groups {
        if group.is_empty() || members.len() < 2 {
            for &i in members {
                write_node(w, view, &style, i, "  ")?;
            }
            continue;
        }
        let label = &view.nodes[members[0]].group_label;
        let fill = if view.view == View::Papers { lighten(style.group_colour(group).hex()) } else { "#f2f2f2".to_string() };
        writeln!(w, "  subgraph {} {{", quoted(&format!("cluster_{group}")))?;
        writeln!(w, "    graph [label=<<b>{}</b>>, style=\"rounded,filled\", fillcolor=\"{fill}\", color=\"#cccccc\", fontsize=\"12\", fontcolor=\"#444444\", margin=\"10\"];", html_text(label))?;
        for &i in members {
            write_node(w, view, &style, i, "    ")?;
        }
        writeln!(w, "  }}")?;
    }
    if view.view == View::Bipartite {
        for kind in [NodeKind::Paper, NodeKind::Concept] {
            let keys: Vec<String> = view.nodes.iter().filter(|n| n.kind == kind).map(|n| quoted(&n.key)).collect();
            if !keys.is_empty() {
                writeln!(w, "  {{ rank=\"same\"; {}; }}", keys.join("; "))?;
            }
        }
    }
    for e in &view.edges {
        write_edge(w, view, e)?;
    }
    writeln!(w, "}}")
}

/// A pale version of a `#rrggbb` colour (mixed 3:1 with white), for cluster backgrounds.
fn lighten(hex: String) -> String {
    let c = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(255);
    let mix = |v: u8| (u16::from(v) + 3 * 255) / 4;
    format!("#{:02x}{:02x}{:02x}", mix(c(1)), mix(c(3)), mix(c(5)))
}

fn write_node(w: &mut dyn Write, view: &ViewGraph, style: &Style, i: usize, indent: &str) -> io::Result<()> {
    let n = &view.nodes[i];
    let (label, tooltip) = match n.kind {
        NodeKind::Paper => {
            let lines: Vec<String> = wrap(&n.label, 34, 3).iter().map(|l| html_text(l)).collect();
            let mut label = lines.join("<br/>");
            let meta: Vec<&str> = [Some(n.id.as_str()), n.date.as_deref()].into_iter().flatten().collect();
            label.push_str(&format!("<br/><font point-size=\"7\" color=\"#555555\">{}</font>", html_text(&meta.join(" \u{b7} "))));
            let tooltip = format!("{}\n{}{}", n.label, n.id, n.date.as_deref().map(|d| format!(", {d}")).unwrap_or_default());
            (label, tooltip)
        }
        _ => {
            let lines: Vec<String> = wrap(&n.label, 22, 3).iter().map(|l| html_text(l)).collect();
            let name = if n.focus { format!("<b>{}</b>", lines.join("<br/>")) } else { lines.join("<br/>") };
            let trend = n.trend.filter(|t| t.class != super::trend::TrendClass::Unknown).map(|t| format!(" \u{b7} {}", arrow(t.ratio, view.trend_threshold))).unwrap_or_default();
            let label = format!("{name}<br/><font point-size=\"8\" color=\"#555555\">{} papers{}</font>", thousands(n.papers), trend);
            let mut tooltip = format!("{} ({}): {} papers", n.label, n.id, n.papers);
            if let (Some(t), Some(win)) = (n.trend, &view.trend_window) {
                tooltip.push_str(&format!("\n{:.1}% of papers in {}..{} ({}), {:.1}% before ({}): {}", 100.0 * t.share_recent, win.from, win.to, t.recent, 100.0 * t.share_before, t.before, t.class.name()));
            }
            (label, tooltip)
        }
    };
    let mut attrs = vec![format!("label=<{label}>"), format!("fillcolor=\"{}\"", style.fill(n).hex()), format!("fontsize=\"{:.1}\"", style.font_size(n)), format!("tooltip={}", esc_string(&tooltip))];
    if !n.url.is_empty() {
        attrs.push(format!("URL={}", esc_string(&n.url)));
    }
    if n.focus {
        attrs.push(format!("color=\"{}\", penwidth=\"2.5\"", FOCUS.hex()));
    }
    if n.kind == NodeKind::Paper && view.view != View::Papers {
        attrs.push("shape=\"note\", style=\"filled\", fillcolor=\"#ffffff\"".into());
    }
    writeln!(w, "{indent}{} [{}];", quoted(&n.key), attrs.join(", "))
}

/// `▲ ×2.1` or `▼ ÷1.8`: the share ratio, for labels.
fn arrow(ratio: f64, threshold: f64) -> String {
    if ratio >= threshold {
        format!("\u{25b2}\u{d7}{ratio:.1}")
    } else if ratio <= 1.0 / threshold {
        format!("\u{25bc}\u{f7}{:.1}", 1.0 / ratio)
    } else {
        "\u{25c6}".into()
    }
}

fn write_edge(w: &mut dyn Write, view: &ViewGraph, e: &ViewEdge) -> io::Result<()> {
    let (a, b) = (&view.nodes[e.source], &view.nodes[e.target]);
    let mut attrs: Vec<String> = Vec::new();
    let together = e.count.map(|c| format!("{c} papers together")).unwrap_or_default();
    let npmi = e.npmi.map(|x| format!(", NPMI {x:.2}")).unwrap_or_default();
    let tooltip = match e.kind {
        LinkKind::Broader => format!("{} is narrower than {}{}{}{}", a.label, b.label, if e.transitive { " (through concepts not shown)" } else { "" }, if together.is_empty() { String::new() } else { format!("; {together}") }, npmi),
        LinkKind::Related => format!("{} is related to {}{}", a.label, b.label, if together.is_empty() { String::new() } else { format!("; {together}{npmi}") }),
        LinkKind::Cooccurs => format!("{} \u{2013} {}: {together}{npmi}", a.label, b.label),
        LinkKind::Tagged => format!("{} is tagged {} (score {:.2})", a.id, b.label, e.weight),
        LinkKind::Similar => format!("{} \u{2013} {}: cosine {:.2}, {} concepts shared", a.id, b.id, e.weight, e.count.unwrap_or(0)),
    };
    let width = 0.6 + 3.4 * e.weight.clamp(0.0, 1.0);
    match e.kind {
        LinkKind::Broader => {
            attrs.push(format!("style=\"{}\", dir=\"forward\", arrowhead=\"onormal\", arrowsize=\"0.7\", color=\"#7b3294a0\"", if e.transitive { "dotted" } else { "dashed" }));
            attrs.push(format!("penwidth=\"{:.2}\"", if e.npmi.is_some() { width } else { 1.0 }));
        }
        LinkKind::Related => attrs.push("style=\"dotted\", color=\"#008837a0\", penwidth=\"1.2\"".into()),
        _ => attrs.push(format!("penwidth=\"{width:.2}\"")),
    }
    attrs.push(format!("tooltip={}", esc_string(&tooltip)));
    writeln!(w, "  {} -- {} [{}];", quoted(&a.key), quoted(&b.key), attrs.join(", "))
}

/// One line on what the view shows and what was cut.
pub fn summary_line(view: &ViewGraph) -> String {
    let mut parts = Vec::new();
    for (kind, kept, all) in &view.cut.nodes {
        let what = match kind {
            NodeKind::Concept => "concepts",
            NodeKind::Paper => "papers",
            _ => "nodes",
        };
        parts.push(if kept < all { format!("{kept} of {all} {what}") } else { format!("{kept} {what}") });
    }
    let links = if view.cut.edges_kept < view.cut.edge_candidates { format!("the {} strongest of {} links", view.cut.edges_kept, view.cut.edge_candidates) } else { format!("{} links", view.cut.edges_kept) };
    parts.push(links);
    parts.join(", ")
}

fn html_free(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// The title and legend, as an HTML-like table for the graph label.
fn legend(view: &ViewGraph, style: &Style) -> String {
    let mut rows: Vec<String> = Vec::new();
    rows.push(format!("<tr><td align=\"left\" colspan=\"7\"><font point-size=\"26\"><b>{}</b></font></td></tr>", html_text(&view.title)));
    let mut facts = format!("{} papers", thousands(view.papers));
    if let Some((a, b)) = &view.dates {
        facts.push_str(&format!(", {} .. {}", a, b));
    }
    facts.push_str(&format!(" \u{b7} {}", summary_line(view)));
    rows.push(format!("<tr><td align=\"left\" colspan=\"7\">{}</td></tr>", html_text(&facts)));
    let concepts = view.nodes.iter().any(|n| n.kind == NodeKind::Concept);
    if concepts {
        if let Some(win) = &view.trend_window {
            let mut cells = vec![format!("<td align=\"left\">Colour: share of papers in {}..{} against before</td>", html_text(&win.from), html_text(&win.to))];
            for band in Band::ALL {
                cells.push(format!("<td bgcolor=\"{}\" border=\"1\" color=\"#999999\"><font point-size=\"11\">{}</font></td>", band.fill().hex(), html_text(&band.describe(view.trend_threshold))));
            }
            rows.push(format!("<tr>{}</tr>", cells.join("")));
        }
        rows.push(format!("<tr><td align=\"left\" colspan=\"7\">Size: papers per concept (largest {}). Hover for figures; click to open.</td></tr>", thousands(style.max_papers())));
    }
    let edges = match view.view {
        View::Concepts | View::Ego => "Lines: grey = papers tagged with both (width: NPMI); purple dashed arrow = narrower \u{2192} broader (dotted: via concepts not shown); green dotted = related; grey to a paper = tagged (width: score)",
        View::Papers => "Lines: concepts in common (width: cosine of IDF-weighted concepts). Colour and box: top-level concept of the paper's strongest concept",
        View::Bipartite => "Lines: paper tagged with concept (width: tag score)",
    };
    rows.push(format!("<tr><td align=\"left\" colspan=\"7\"><font color=\"#555555\">{}</font></td></tr>", html_text(edges)));
    format!("<table border=\"0\" cellborder=\"0\" cellspacing=\"3\" cellpadding=\"2\">{}</table>", rows.join(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_strings_escape_quotes_backslashes_and_breaks() {
        assert_eq!(quoted("plain"), "\"plain\"");
        assert_eq!(quoted("ends with \\"), "\"ends with \\\\\"");
        assert_eq!(quoted("say \"hi\"\nthen\tgo\u{7}"), "\"say \\\"hi\\\"\\nthengo\"");
        assert_eq!(quoted("Kähler – 数学 \\N"), "\"Kähler – 数学 \\\\N\"", "escString sequences like \\N stay literal");
    }

    #[test]
    fn html_text_escapes_markup() {
        assert_eq!(html_text("<i>x</i> & y"), "&lt;i&gt;x&lt;/i&gt; &amp; y");
        assert_eq!(html_text("it's \"q\""), "it&#39;s &quot;q&quot;");
        assert_eq!(html_text("  a \n\n b\u{0}c "), "a bc");
        assert_eq!(html_text("&amp;"), "&amp;amp;", "text is text, not markup");
        assert_eq!(html_text("a\\N"), "a\\\\N", "a backslash is doubled so GraphViz shows it, not the node name");
        assert_eq!(esc_string("a\\N"), "\"a\\\\\\\\N\"");
    }

    #[test]
    fn wrapping_keeps_words_and_marks_cuts() {
        assert_eq!(wrap("a short title", 20, 2), ["a short title"]);
        assert_eq!(wrap("one two three four five six", 9, 2), ["one two", "three…"]);
        assert_eq!(wrap("Supercalifragilistic", 8, 2), ["Superca…"]);
        assert_eq!(wrap("", 8, 2), Vec::<String>::new());
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(12), "12");
    }
}
