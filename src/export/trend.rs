//! A simple rising/falling signal per concept, to colour drawings by. Entry point:
//! [`concept_trends`].
//!
//! A concept's share of the papers in the most recent window (default the last 12 months
//! with papers) against its share of the papers before it. Shares, not counts, so a crawl
//! that grew over time does not make everything "rising". This is deliberately small: the
//! trend reports have their own per-period analysis (bursts, lifecycles), which can replace
//! this function; the drawings only need [`Trend::class`] and [`Trend::ratio`].

use super::select::PartialDate;
use crate::graph::KnowledgeGraph;
use serde::Serialize;

/// How the window is chosen and what counts as a trend. `Default` gives the documented values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrendConfig {
    /// Months in the recent window, ending with the latest month that has a paper. When the
    /// dated papers span no more than this, the window is half their span.
    pub window_months: u32,
    /// A concept needs this many dated papers (recent and before together) for a trend.
    pub min_papers: u32,
    /// Rising when the share ratio is at least this, falling at most its inverse.
    pub threshold: f64,
}

impl Default for TrendConfig {
    fn default() -> Self {
        TrendConfig { window_months: 12, min_papers: 5, threshold: 1.5 }
    }
}

/// The direction of a concept's share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TrendClass {
    Rising,
    Steady,
    Falling,
    /// Too few dated papers, or no papers on one side of the window.
    Unknown,
}

impl TrendClass {
    pub const ALL: [TrendClass; 4] = [TrendClass::Rising, TrendClass::Steady, TrendClass::Falling, TrendClass::Unknown];

    pub fn name(self) -> &'static str {
        match self {
            TrendClass::Rising => "rising",
            TrendClass::Steady => "steady",
            TrendClass::Falling => "falling",
            TrendClass::Unknown => "unknown",
        }
    }
}

/// One concept's trend.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Trend {
    pub class: TrendClass,
    /// Papers with the concept in the recent window, and before it.
    pub recent: u32,
    pub before: u32,
    /// Those counts over all dated papers in the window, and before it.
    pub share_recent: f64,
    pub share_before: f64,
    /// `share_recent / share_before`, with one paper added to each count so that a concept
    /// absent before has a finite ratio (0 papers of 900 before, 3 of 300 since: 12).
    pub ratio: f64,
}

/// The window the trends compare, as months (`YYYY-MM`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrendWindow {
    /// First month of the recent window.
    pub from: String,
    /// Last month with a paper.
    pub to: String,
    pub months: u32,
    /// Dated papers (with at least one concept) in the window, and before it.
    pub recent_papers: u32,
    pub before_papers: u32,
    /// Papers without a month (no date, or a year only): not counted either side.
    pub undated_papers: u32,
}

fn month_name(index: u32) -> String {
    format!("{:04}-{:02}", index / 12, index % 12 + 1)
}

/// The trend of every concept of `kg` (indexed like [`KnowledgeGraph::concepts`]) and the
/// window compared; `None` when no tagged paper has a month.
///
/// Only papers with at least one concept count (the same N as co-occurrence). A concept is
/// [`TrendClass::Unknown`] with fewer than `min_papers` dated papers or when either side of
/// the window holds no paper.
///
/// Complexity: O(P + T) for P papers and T tags.
pub fn concept_trends(kg: &KnowledgeGraph, config: &TrendConfig) -> Option<(TrendWindow, Vec<Trend>)> {
    let months: Vec<Option<u32>> = kg.papers().iter().map(|p| if p.concepts.is_empty() { None } else { p.date.as_deref().and_then(PartialDate::parse).and_then(PartialDate::month_index) }).collect();
    let tagged = kg.papers().iter().filter(|p| !p.concepts.is_empty()).count() as u32;
    let first = months.iter().flatten().min().copied()?;
    let last = months.iter().flatten().max().copied()?;
    let span = last - first + 1;
    let window = if span > config.window_months { config.window_months } else { (span / 2).max(1) };
    let start = last + 1 - window;
    let (mut recent_total, mut before_total) = (0u32, 0u32);
    let n = kg.concepts().len();
    let (mut recent, mut before) = (vec![0u32; n], vec![0u32; n]);
    for (j, m) in months.iter().enumerate() {
        let Some(m) = *m else { continue };
        let (total, counts) = if m >= start { (&mut recent_total, &mut recent) } else { (&mut before_total, &mut before) };
        *total += 1;
        for (c, _) in kg.paper_concepts(j) {
            counts[c] += 1;
        }
    }
    let trends = (0..n)
        .map(|c| {
            let (r, b) = (recent[c], before[c]);
            let share = |k: u32, total: u32| if total == 0 { 0.0 } else { f64::from(k) / f64::from(total) };
            let ratio = if recent_total == 0 || before_total == 0 { 1.0 } else { (f64::from(r + 1) / f64::from(recent_total + 1)) / (f64::from(b + 1) / f64::from(before_total + 1)) };
            let class = if r + b < config.min_papers || recent_total == 0 || before_total == 0 {
                TrendClass::Unknown
            } else if ratio >= config.threshold {
                TrendClass::Rising
            } else if ratio <= 1.0 / config.threshold {
                TrendClass::Falling
            } else {
                TrendClass::Steady
            };
            Trend { class, recent: r, before: b, share_recent: share(r, recent_total), share_before: share(b, before_total), ratio }
        })
        .collect();
    let window = TrendWindow { from: month_name(start), to: month_name(last), months: window, recent_papers: recent_total, before_papers: before_total, undated_papers: tagged - recent_total - before_total };
    Some((window, trends))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{GraphConfig, PaperRecord};

    fn paper(id: &str, date: &str, concepts: &[&str]) -> PaperRecord {
        PaperRecord { id: id.into(), date: Some(date.into()), concepts: concepts.iter().map(|c| (c.to_string(), 1.0)).collect(), ..Default::default() }
    }

    /// 24 months, 10 papers a month, all tagged `base`; `new` only in the last 6 months,
    /// `old` only in the first 12, `flat` in every second paper throughout.
    fn corpus() -> KnowledgeGraph {
        let mut papers = Vec::new();
        for m in 0..24u32 {
            for k in 0..10 {
                let date = format!("{}-{:02}-01", 2024 + m / 12, m % 12 + 1);
                let mut cs = vec!["base"];
                if m >= 18 && k < 3 {
                    cs.push("new");
                }
                if m < 12 && k < 3 {
                    cs.push("old");
                }
                if k % 2 == 0 {
                    cs.push("flat");
                }
                papers.push(paper(&format!("p{m:02}-{k}"), &date, &cs));
            }
        }
        papers.push(paper("rare", "2025-12", &["rare"]));
        papers.push(PaperRecord { id: "undated".into(), concepts: vec![("base".into(), 1.0)], ..Default::default() });
        KnowledgeGraph::build(vec![], papers, GraphConfig::default())
    }

    #[test]
    fn shares_before_and_after_the_window() {
        let kg = corpus();
        let (window, trends) = concept_trends(&kg, &TrendConfig::default()).unwrap();
        assert_eq!((window.from.as_str(), window.to.as_str(), window.months), ("2025-01", "2025-12", 12));
        assert_eq!((window.recent_papers, window.before_papers, window.undated_papers), (121, 120, 1));
        let of = |id: &str| trends[kg.concept_index(id).unwrap()];
        assert_eq!(of("new").class, TrendClass::Rising);
        assert_eq!((of("new").recent, of("new").before), (18, 0));
        assert_eq!(of("old").class, TrendClass::Falling);
        assert_eq!(of("flat").class, TrendClass::Steady);
        assert_eq!(of("base").class, TrendClass::Steady);
        assert_eq!(of("rare").class, TrendClass::Unknown, "one paper is no trend");
        assert!((of("flat").share_recent - 60.0 / 121.0).abs() < 1e-12);
    }

    #[test]
    fn a_short_span_halves_the_window() {
        let papers = vec![paper("a", "2025-01", &["x"]), paper("b", "2025-02", &["x"]), paper("c", "2025-03", &["y"]), paper("d", "2025-04", &["y"])];
        let kg = KnowledgeGraph::build(vec![], papers, GraphConfig::default());
        let (window, _) = concept_trends(&kg, &TrendConfig::default()).unwrap();
        assert_eq!((window.from.as_str(), window.months, window.recent_papers, window.before_papers), ("2025-03", 2, 2, 2));
        let none = KnowledgeGraph::build(vec![], vec![PaperRecord { id: "a".into(), concepts: vec![("x".into(), 1.0)], ..Default::default() }], GraphConfig::default());
        assert!(concept_trends(&none, &TrendConfig::default()).is_none());
    }
}
