//! What the XML writers share: text XML 1.0 can carry, and typed attribute declarations.

use std::borrow::Cow;

/// `s` without the characters XML 1.0 cannot carry (control characters but tab, line feed
/// and carriage return; U+FFFE and U+FFFF). Escaping `<`, `&` and quotes is the writer's job.
pub(crate) fn xml_safe(s: &str) -> Cow<'_, str> {
    let bad = |c: char| (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{fffe}' || c == '\u{ffff}';
    if s.chars().any(bad) {
        Cow::Owned(s.chars().filter(|&c| !bad(c)).collect())
    } else {
        Cow::Borrowed(s)
    }
}

/// The type of an attribute column, named as GraphML and GEXF name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AttrType {
    String,
    Int,
    Double,
    Boolean,
}

impl AttrType {
    pub(crate) fn graphml(self) -> &'static str {
        match self {
            AttrType::String => "string",
            AttrType::Int => "int",
            AttrType::Double => "double",
            AttrType::Boolean => "boolean",
        }
    }

    pub(crate) fn gexf(self) -> &'static str {
        match self {
            AttrType::String => "string",
            AttrType::Int => "integer",
            AttrType::Double => "double",
            AttrType::Boolean => "boolean",
        }
    }
}

/// A node or edge attribute: its name, type and value, or `None` where it does not apply.
pub(crate) type Attr = (&'static str, AttrType, Option<String>);

/// The node attributes every XML format writes, in column order.
pub(crate) fn node_attrs(n: &super::view::ViewNode, style: &super::style::Style) -> Vec<Attr> {
    use super::decimal;
    use AttrType::*;
    vec![
        ("kind", String, Some(n.kind.name().to_string())),
        ("id", String, Some(n.id.clone())),
        ("iri", String, Some(n.iri.clone()).filter(|s| !s.is_empty())),
        ("url", String, Some(n.url.clone()).filter(|s| !s.is_empty())),
        ("papers", Int, Some(n.papers.to_string())),
        ("date", String, n.date.clone()),
        ("score", Double, n.score.map(decimal)),
        ("group", String, Some(n.group.clone()).filter(|s| !s.is_empty())),
        ("group_label", String, Some(n.group_label.clone()).filter(|s| !s.is_empty())),
        ("trend", String, n.trend.map(|t| t.class.name().to_string())),
        ("trend_ratio", Double, n.trend.map(|t| decimal(t.ratio))),
        ("share_recent", Double, n.trend.map(|t| decimal(t.share_recent))),
        ("share_before", Double, n.trend.map(|t| decimal(t.share_before))),
        ("focus", Boolean, Some(n.focus.to_string())),
        ("color", String, Some(style.fill(n).hex())),
    ]
}

/// The edge attributes every XML format writes (the weight is written apart), in column order.
pub(crate) fn edge_attrs(e: &super::view::ViewEdge) -> Vec<Attr> {
    use super::decimal;
    use AttrType::*;
    vec![
        ("kind", String, Some(e.kind.name().to_string())),
        ("count", Int, e.count.map(|c| c.to_string())),
        ("npmi", Double, e.npmi.map(decimal)),
        ("transitive", Boolean, Some(e.transitive.to_string())),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_go_and_the_rest_stays() {
        assert_eq!(xml_safe("a\u{0}b\u{1b}[0mc\td\ne"), "ab[0mc\td\ne");
        assert!(matches!(xml_safe("Kähler <&> \"x\""), Cow::Borrowed(_)));
        assert_eq!(xml_safe("x\u{ffff}"), "x");
    }
}
