//! How a view looks, shared by every writer so DOT, GEXF and GraphML agree: fill colours by
//! trend and by group, node sizes by paper count, edge widths by strength.

use super::trend::{Trend, TrendClass};
use super::view::{ViewGraph, ViewNode};
use crate::graph::NodeKind;
use std::collections::BTreeMap;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb`.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// A trend band: the class split by how strong the change is (ratio beyond the square of the
/// threshold), for a diverging palette (ColorBrewer RdBu, red for rising).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Band {
    StrongRise,
    Rise,
    Steady,
    Fall,
    StrongFall,
    Unknown,
}

impl Band {
    pub const ALL: [Band; 6] = [Band::StrongRise, Band::Rise, Band::Steady, Band::Fall, Band::StrongFall, Band::Unknown];

    pub fn of(trend: Option<&Trend>, threshold: f64) -> Band {
        let Some(t) = trend else { return Band::Unknown };
        match t.class {
            TrendClass::Rising if t.ratio >= threshold * threshold => Band::StrongRise,
            TrendClass::Rising => Band::Rise,
            TrendClass::Steady => Band::Steady,
            TrendClass::Falling if t.ratio <= 1.0 / (threshold * threshold) => Band::StrongFall,
            TrendClass::Falling => Band::Fall,
            TrendClass::Unknown => Band::Unknown,
        }
    }

    pub fn fill(self) -> Rgb {
        match self {
            Band::StrongRise => Rgb(0xf4, 0xa5, 0x82),
            Band::Rise => Rgb(0xfd, 0xdb, 0xc7),
            Band::Steady => Rgb(0xf7, 0xf7, 0xf7),
            Band::Fall => Rgb(0xd1, 0xe5, 0xf0),
            Band::StrongFall => Rgb(0x92, 0xc5, 0xde),
            Band::Unknown => Rgb(0xff, 0xff, 0xff),
        }
    }

    /// The legend's words for the band, given the threshold.
    pub fn describe(self, threshold: f64) -> String {
        let t2 = threshold * threshold;
        match self {
            Band::StrongRise => format!("rising, share \u{d7}{t2:.2} or more"),
            Band::Rise => format!("rising, share \u{d7}{threshold:.2} or more"),
            Band::Steady => "steady".into(),
            Band::Fall => format!("falling, share \u{f7}{threshold:.2} or more"),
            Band::StrongFall => format!("falling, share \u{f7}{t2:.2} or more"),
            Band::Unknown => "too few dated papers".into(),
        }
    }
}

/// Outline colour of every node.
pub const OUTLINE: Rgb = Rgb(0x6b, 0x6b, 0x6b);
/// Outline of the focus node.
pub const FOCUS: Rgb = Rgb(0x1a, 0x1a, 0x1a);

/// Twelve pale, distinct colours (ColorBrewer Set3) for groups of papers.
const GROUP_PALETTE: [Rgb; 12] = [
    Rgb(0x8d, 0xd3, 0xc7),
    Rgb(0xff, 0xff, 0xb3),
    Rgb(0xbe, 0xba, 0xda),
    Rgb(0xfb, 0x80, 0x72),
    Rgb(0x80, 0xb1, 0xd3),
    Rgb(0xfd, 0xb4, 0x62),
    Rgb(0xb3, 0xde, 0x69),
    Rgb(0xfc, 0xcd, 0xe5),
    Rgb(0xd9, 0xd9, 0xd9),
    Rgb(0xbc, 0x80, 0xbd),
    Rgb(0xcc, 0xeb, 0xc5),
    Rgb(0xff, 0xed, 0x6f),
];

/// The colours and sizes of one view.
#[derive(Debug, Clone)]
pub struct Style {
    /// Trend threshold the bands use.
    pub threshold: f64,
    /// Paper groups (top-level concepts of papers) by size, largest first: their colour is
    /// the palette entry of their rank; groups beyond the palette are grey.
    group_rank: BTreeMap<String, usize>,
    max_papers: u32,
}

impl Style {
    pub fn new(view: &ViewGraph, threshold: f64) -> Style {
        let mut sizes: BTreeMap<&str, usize> = BTreeMap::new();
        for n in view.nodes.iter().filter(|n| n.kind == NodeKind::Paper) {
            *sizes.entry(n.group.as_str()).or_default() += 1;
        }
        let mut groups: Vec<(&str, usize)> = sizes.into_iter().collect();
        groups.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let group_rank = groups.into_iter().enumerate().map(|(i, (g, _))| (g.to_string(), i)).collect();
        let max_papers = view.nodes.iter().filter(|n| n.kind == NodeKind::Concept).map(|n| n.papers).max().unwrap_or(1).max(1);
        Style { threshold, group_rank, max_papers }
    }

    /// A node's fill: concepts by trend band, papers by group.
    pub fn fill(&self, n: &ViewNode) -> Rgb {
        match n.kind {
            NodeKind::Paper => self.group_colour(&n.group),
            _ => Band::of(n.trend.as_ref(), self.threshold).fill(),
        }
    }

    pub fn group_colour(&self, group: &str) -> Rgb {
        self.group_rank.get(group).and_then(|&i| GROUP_PALETTE.get(i)).copied().unwrap_or(Rgb(0xee, 0xee, 0xee))
    }

    /// Paper groups in legend order (largest first) with their colours, at most the palette.
    pub fn groups(&self) -> Vec<(&str, Rgb)> {
        let mut g: Vec<(&str, usize)> = self.group_rank.iter().map(|(k, &i)| (k.as_str(), i)).collect();
        g.sort_by_key(|x| x.1);
        g.into_iter().filter(|(_, i)| *i < GROUP_PALETTE.len()).map(|(k, i)| (k, GROUP_PALETTE[i])).collect()
    }

    /// A concept's relative size in [0, 1]: the square root of its papers over the most any
    /// shown concept has (area, not width, grows with the count).
    pub fn size(&self, n: &ViewNode) -> f64 {
        (f64::from(n.papers) / f64::from(self.max_papers)).sqrt().min(1.0)
    }

    /// Font size in points of a node's label.
    pub fn font_size(&self, n: &ViewNode) -> f64 {
        match n.kind {
            NodeKind::Concept => 10.0 + 14.0 * self.size(n),
            _ => 9.0,
        }
    }

    pub fn max_papers(&self) -> u32 {
        self.max_papers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_split_the_classes_by_strength() {
        let t = |class, ratio| Trend { class, recent: 10, before: 10, share_recent: 0.1, share_before: 0.1, ratio };
        assert_eq!(Band::of(Some(&t(TrendClass::Rising, 3.0)), 1.5), Band::StrongRise);
        assert_eq!(Band::of(Some(&t(TrendClass::Rising, 1.6)), 1.5), Band::Rise);
        assert_eq!(Band::of(Some(&t(TrendClass::Falling, 0.3)), 1.5), Band::StrongFall);
        assert_eq!(Band::of(Some(&t(TrendClass::Falling, 0.6)), 1.5), Band::Fall);
        assert_eq!(Band::of(None, 1.5), Band::Unknown);
        assert_eq!(Rgb(0xf4, 0xa5, 0x82).hex(), "#f4a582");
        assert_eq!(Band::Rise.describe(1.5), "rising, share \u{d7}1.50 or more");
    }
}
