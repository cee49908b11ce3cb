//! [`compute`]: per concept and period, papers and share of all papers, growth, bursts and a
//! lifecycle label; then the co-occurrence changes and the emerging terms.
//!
//! # Method
//! - **Share.** Crawls are uneven (a month with twice the papers is not twice the interest),
//!   so every figure is the share of the period's papers: `papers / period_total`.
//! - **Thin leading periods.** Without `--since`, leading periods with under a twentieth of
//!   the median period's papers are left out (a crawl of recent papers meets a few old ones);
//!   the medians of the growth windows skip periods under a tenth of the median total.
//! - **Partial period.** The last period is partial when the data's "as of" date (the latest
//!   day-precision date in the input, or `--until`) falls before its last day. A partial
//!   period is shown, flagged, and left out of the growth windows.
//! - **Growth.** The full periods are split into a *recent* window (the last `w` periods,
//!   `w` a third of them unless set) and the *previous* window of the same length. A share is
//!   smoothed toward the concept's long-run share with a prior of `m` papers,
//!   `(n + m p̄) / (N + m)`, so a period of 12 papers cannot swing it. `growth` is the median
//!   smoothed share of the recent window over that of the previous one (a median, so one
//!   burst does not make a concept look like it grows or declines), and needs at least
//!   `min_count` papers in the two windows together (so 1 -> 3 papers never tops a list).
//!   The per-period `growth` of the CSV is the smoothed share over the previous period's,
//!   under the same minimum.
//! - **Lifecycle.** `growing` when the median ratio and the pooled ratio both reach
//!   `growth_threshold` (1.25), the two-proportion z statistic of the pooled windows
//!   reaches `z_threshold` (3) and the recent window has `min_count` papers; `emerging` when growing and its share before both windows
//!   was under a quarter of its recent share (it was barely there); `declining`
//!   symmetrically; `stable` otherwise; `sparse` under `min_count` papers.
//! - **Bursts.** Kleinberg's two-state automaton over every period ([`super::burst`]).

use rayon::prelude::*;
use super::burst::{detect, Burst, BurstConfig};
use super::corpus::{Corpus, DateBasis, Skipped};
use super::period::{day_range, span, Granularity, Period};
use crate::model::PartialDate;
use serde::Serialize;

/// How a trend report is computed. `Default` gives the documented values.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendConfig {
    pub by: Granularity,
    pub basis: DateBasis,
    /// Concepts (ids or labels) to chart and to limit the tables to; empty: chosen by rank.
    pub concepts: Vec<String>,
    /// Concepts in the tables (0: all).
    pub top: usize,
    /// Papers needed before growth, lifecycle, bursts, pairs or terms are reported.
    pub min_count: u32,
    /// Periods per growth window; `None`: a third of the full periods.
    pub window: Option<usize>,
    pub burst: BurstConfig,
    /// Strength of the smoothing prior, in papers.
    pub prior_papers: f64,
    pub growth_threshold: f64,
    pub z_threshold: f64,
    /// Emerging: the share before both windows is under recent share / this.
    pub emerging_factor: f64,
    /// The data's date, overriding the corpus's own (latest day-precision date).
    pub as_of: Option<PartialDate>,
    /// `--since`: the first period starts here even when it has no paper.
    pub since: Option<PartialDate>,
    /// `--until`: a period past it is partial.
    pub until: Option<PartialDate>,
    /// Rows of the co-occurrence change table (each direction).
    pub pairs: usize,
    /// Rows of the emerging terms table.
    pub terms: usize,
    /// Charts when no concept is named.
    pub charts: usize,
}

impl Default for TrendConfig {
    fn default() -> Self {
        TrendConfig {
            by: Granularity::Month,
            basis: DateBasis::Published,
            concepts: Vec::new(),
            top: 25,
            min_count: 10,
            window: None,
            burst: BurstConfig::default(),
            prior_papers: 20.0,
            growth_threshold: 1.25,
            z_threshold: 3.0,
            emerging_factor: 4.0,
            as_of: None,
            since: None,
            until: None,
            pairs: 12,
            terms: 25,
            charts: 8,
        }
    }
}

/// Lifecycle of a concept over the report's span (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lifecycle {
    Emerging,
    Growing,
    Stable,
    Declining,
    /// Under `min_count` papers in the two windows: too little to say.
    Sparse,
}

impl Lifecycle {
    pub fn name(self) -> &'static str {
        match self {
            Lifecycle::Emerging => "emerging",
            Lifecycle::Growing => "growing",
            Lifecycle::Stable => "stable",
            Lifecycle::Declining => "declining",
            Lifecycle::Sparse => "sparse",
        }
    }
}

/// One period of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodRow {
    pub label: String,
    pub start: String,
    pub end: String,
    /// Papers counted in the period (the share's denominator).
    pub total: u32,
    pub partial: bool,
}

/// What was counted and what was left out, and why.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Coverage {
    /// Papers read (before any filter).
    pub read: u64,
    /// Left out while loading: other categories, dated outside the range, undated while a
    /// range was asked for.
    pub skipped: Skipped,
    /// Selected papers without a date of the chosen basis.
    pub undated: u64,
    /// Selected papers whose date is less precise than the period (a month-only date under
    /// `--by week`).
    pub imprecise: u64,
    /// Papers in thinly covered leading periods (under a twentieth of the median period's
    /// papers, e.g. old arXiv ids a recent crawl met): left out unless `--since` is given.
    pub sparse_lead: u64,
    /// Papers in the periods (the totals).
    pub counted: u64,
    /// Counted papers without any concept.
    pub untagged: u64,
}

/// The two growth windows, as period indices `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Windows {
    pub recent: (usize, usize),
    pub previous: (usize, usize),
    /// Periods before `previous` (for the emerging test); empty when there are none.
    pub early: (usize, usize),
}

/// One concept's trend.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConceptTrend {
    /// Index in [`Corpus::concepts`].
    #[serde(skip)]
    pub concept: usize,
    pub id: String,
    pub label: String,
    pub papers: u32,
    pub counts: Vec<u32>,
    pub shares: Vec<f64>,
    /// Smoothed share over the previous period's (see the module doc); `None` under the
    /// minimum count or next to an empty period.
    pub period_growth: Vec<Option<f64>>,
    pub burst: Vec<bool>,
    pub bursts: Vec<Burst>,
    /// Recent over previous window (median smoothed shares); `None` under the minimum.
    pub growth: Option<f64>,
    pub recent_papers: u32,
    pub previous_papers: u32,
    /// Pooled shares of the windows.
    pub recent_share: f64,
    pub previous_share: f64,
    /// Two-proportion z statistic, recent against previous window.
    pub z: f64,
    pub lifecycle: Lifecycle,
    /// Paper indices (into [`Corpus::papers`]) per period, highest tag score first.
    #[serde(skip)]
    pub paper_ids: Vec<Vec<u32>>,
}

/// A concept pair whose co-occurrence changed between the windows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairChange {
    pub a: String,
    pub b: String,
    pub a_label: String,
    pub b_label: String,
    pub recent: u32,
    pub previous: u32,
    pub recent_share: f64,
    pub previous_share: f64,
    /// Recent over previous share (with half a paper added to each count).
    pub ratio: f64,
    /// NPMI of the pair within each window.
    pub recent_npmi: f64,
    pub previous_npmi: f64,
    /// Papers with both in the recent window (else the previous one), newest first.
    #[serde(skip)]
    pub paper_ids: Vec<u32>,
}

/// A keyphrase outside the ontology whose share rises.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermTrend {
    /// The most frequent surface form.
    pub term: String,
    pub papers: u32,
    pub recent: u32,
    pub previous: u32,
    pub ratio: f64,
    pub z: f64,
    pub counts: Vec<u32>,
    /// Papers with the term in the recent window, newest first.
    #[serde(skip)]
    pub paper_ids: Vec<u32>,
}

/// A whole trend report: what every writer prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendReport {
    pub by: Granularity,
    pub date: DateBasis,
    pub source: String,
    pub as_of: Option<String>,
    pub periods: Vec<PeriodRow>,
    pub coverage: Coverage,
    pub windows: Option<Windows>,
    /// Every concept with a paper in the periods, most papers first (ties by id).
    pub concepts: Vec<ConceptTrend>,
    /// Indices into `concepts`: the tables' concepts (named ones, else the top N).
    pub table: Vec<usize>,
    /// Indices into `concepts`: growing or emerging with `min_count` recent papers, by growth.
    pub rising: Vec<usize>,
    pub declining: Vec<usize>,
    /// Indices into `concepts` that get a chart.
    pub charts: Vec<usize>,
    pub pairs_rising: Vec<PairChange>,
    pub pairs_falling: Vec<PairChange>,
    pub terms: Vec<TermTrend>,
    /// Papers that had keyphrases at all (0: no keyphrase source; the terms table is empty).
    pub papers_with_terms: u64,
    /// Concepts named with `--concepts` that the corpus does not know.
    pub unknown_concepts: Vec<String>,
}

impl TrendReport {
    pub fn concept(&self, id: &str) -> Option<&ConceptTrend> {
        self.concepts.iter().find(|c| c.id == id)
    }
}

/// Pooled share with a prior of `m` papers at rate `p`.
pub(crate) fn smooth(n: f64, total: f64, p: f64, m: f64) -> f64 {
    (n + m * p) / (total + m)
}

/// Two-proportion z statistic (pooled standard error); 0 when undefined.
pub(crate) fn z_stat(n1: f64, t1: f64, n2: f64, t2: f64) -> f64 {
    if t1 <= 0.0 || t2 <= 0.0 {
        return 0.0;
    }
    let p = (n1 + n2) / (t1 + t2);
    let se = (p * (1.0 - p) * (1.0 / t1 + 1.0 / t2)).sqrt();
    if se > 0.0 {
        (n1 / t1 - n2 / t2) / se
    } else {
        0.0
    }
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len() % 2 == 1 { v[m] } else { (v[m - 1] + v[m]) / 2.0 })
}

/// Where each paper falls: its period index in the report, or why it has none.
pub(crate) struct Placement {
    pub periods: Vec<Period>,
    /// Per paper: the report period index.
    pub of: Vec<Option<u32>>,
    pub totals: Vec<u32>,
    pub partial: bool,
    pub coverage: Coverage,
    pub as_of: Option<PartialDate>,
}

pub(crate) fn place(corpus: &Corpus, config: &TrendConfig) -> Placement {
    let mut coverage = Coverage { read: corpus.read, skipped: corpus.skipped, ..Default::default() };
    let raw: Vec<Option<Period>> = corpus
        .papers
        .iter()
        .map(|p| match p.date_for(config.basis) {
            None => {
                coverage.undated += 1;
                None
            }
            Some(d) => {
                let period = Period::of(d, config.by);
                if period.is_none() {
                    coverage.imprecise += 1;
                }
                period
            }
        })
        .collect();
    let last = raw.iter().flatten().max().copied();
    let mut first = raw.iter().flatten().min().copied();
    if let (Some(f), Some(l), None) = (first, last, config.since) {
        // Trim thinly covered leading periods: a crawl of recent papers also meets a few
        // old ones, and months of one paper each would make every share and window noise.
        let mut totals = vec![0u32; (l.index - f.index + 1) as usize];
        for p in raw.iter().flatten() {
            totals[(p.index - f.index) as usize] += 1;
        }
        let mut busy: Vec<u32> = totals.iter().copied().filter(|&t| t > 0).collect();
        busy.sort_unstable();
        let floor = busy[busy.len() / 2] / 20;
        if let Some(k) = totals.iter().position(|&t| t > 0 && t >= floor) {
            first = Some(Period { by: f.by, index: f.index + k as i64 });
        }
    }
    let as_of = match (config.as_of.or(corpus.as_of), config.until) {
        (Some(a), Some(u)) => Some(if day_range(u).1 < day_range(a).0 { u } else { a }),
        (a, u) => a.or(u),
    };
    let (Some(mut first), Some(last)) = (first, last) else {
        return Placement { periods: Vec::new(), of: vec![None; raw.len()], totals: Vec::new(), partial: false, coverage, as_of };
    };
    if let Some(since) = config.since.and_then(|s| Period::of(s, config.by).or_else(|| Period::of(PartialDate { month: Some(s.month.unwrap_or(1)), day: Some(s.day.unwrap_or(1)), ..s }, config.by))) {
        first = first.min(since);
    }
    let periods = span(first, last);
    let mut totals = vec![0u32; periods.len()];
    let mut sparse_lead = 0;
    let of: Vec<Option<u32>> = raw
        .iter()
        .map(|p| {
            let p = (*p)?;
            if p.index < first.index {
                sparse_lead += 1;
                return None;
            }
            let i = (p.index - first.index) as usize;
            totals[i] += 1;
            Some(i as u32)
        })
        .collect();
    coverage.sparse_lead = sparse_lead;
    coverage.counted = totals.iter().map(|&t| u64::from(t)).sum();
    coverage.untagged = corpus.papers.iter().zip(&of).filter(|(p, o)| o.is_some() && p.tags.is_empty()).count() as u64;
    let partial = as_of.is_some_and(|a| day_range(a).1 < last.last_day());
    Placement { periods, of, totals, partial, coverage, as_of }
}

/// The growth windows over `full` complete periods.
pub(crate) fn windows(full: usize, window: Option<usize>) -> Option<Windows> {
    if full < 2 {
        return None;
    }
    let w = window.unwrap_or(full / 3).clamp(1, full / 2);
    Some(Windows { recent: (full - w, full), previous: (full - 2 * w, full - w), early: (0, full - 2 * w) })
}

/// Compute the trend report of `corpus`.
pub fn compute(corpus: &Corpus, config: &TrendConfig) -> TrendReport {
    let placed = place(corpus, config);
    let n = placed.periods.len();
    let full = if placed.partial { n.saturating_sub(1) } else { n };
    let win = windows(full, config.window);
    let totals = &placed.totals;

    // Counts and paper lists per concept and period.
    let mut per: Vec<Vec<Vec<u32>>> = vec![Vec::new(); corpus.concepts.len()];
    for (pi, (paper, period)) in corpus.papers.iter().zip(&placed.of).enumerate() {
        let Some(t) = period else { continue };
        for tag in &paper.tags {
            let lists = &mut per[tag.concept as usize];
            if lists.is_empty() {
                *lists = vec![Vec::new(); n];
            }
            lists[*t as usize].push(pi as u32);
        }
    }
    let mut concepts: Vec<ConceptTrend> = per
        .into_par_iter()
        .enumerate()
        .filter(|(_, lists)| !lists.is_empty())
        .map(|(ci, mut lists)| {
            for l in &mut lists {
                let score = |i: &u32| corpus.papers[*i as usize].tag(ci as u32).map_or(0.0, |t| t.score);
                l.sort_by(|a, b| score(b).total_cmp(&score(a)).then_with(|| corpus.papers[*a as usize].id.cmp(&corpus.papers[*b as usize].id)));
            }
            concept_trend(corpus, ci, lists, totals, win, config)
        })
        .collect();
    concepts.sort_by(|a, b| b.papers.cmp(&a.papers).then_with(|| a.id.cmp(&b.id)));

    let mut unknown = Vec::new();
    let mut named = Vec::new();
    for name in &config.concepts {
        match corpus.concept_index(name).and_then(|ci| concepts.iter().position(|c| c.concept == ci)) {
            Some(i) if !named.contains(&i) => named.push(i),
            Some(_) => {}
            None => unknown.push(name.clone()),
        }
    }
    let table: Vec<usize> = if config.concepts.is_empty() {
        (0..concepts.len()).take(if config.top == 0 { usize::MAX } else { config.top }).collect()
    } else {
        named.clone()
    };
    let mut rising: Vec<usize> = (0..concepts.len()).filter(|&i| matches!(concepts[i].lifecycle, Lifecycle::Growing | Lifecycle::Emerging) && concepts[i].recent_papers >= config.min_count).collect();
    rising.sort_by(|&a, &b| concepts[b].growth.unwrap_or(0.0).total_cmp(&concepts[a].growth.unwrap_or(0.0)).then_with(|| concepts[a].id.cmp(&concepts[b].id)));
    let mut declining: Vec<usize> = (0..concepts.len()).filter(|&i| concepts[i].lifecycle == Lifecycle::Declining).collect();
    declining.sort_by(|&a, &b| concepts[a].growth.unwrap_or(1.0).total_cmp(&concepts[b].growth.unwrap_or(1.0)).then_with(|| concepts[a].id.cmp(&concepts[b].id)));
    let charts: Vec<usize> = if !named.is_empty() {
        named
    } else if !rising.is_empty() {
        rising.iter().copied().take(config.charts).collect()
    } else {
        (0..concepts.len()).take(config.charts).collect()
    };

    // Pair changes and emerging terms are independent: computed side by side.
    let ((pairs_rising, pairs_falling), (terms, papers_with_terms)) = rayon::join(
        || match win {
            Some(w) => super::cooccur::changes(corpus, &placed.of, totals, &concepts, w, config),
            None => (Vec::new(), Vec::new()),
        },
        || super::emerging::terms(corpus, &placed.of, totals, win, config),
    );

    TrendReport {
        by: config.by,
        date: config.basis,
        source: corpus.source.clone(),
        as_of: placed.as_of.map(|d| d.to_string()),
        periods: placed
            .periods
            .iter()
            .enumerate()
            .map(|(i, p)| PeriodRow { label: p.to_string(), start: p.start_date().to_string(), end: p.end_date().to_string(), total: totals[i], partial: placed.partial && i + 1 == n })
            .collect(),
        coverage: placed.coverage,
        windows: win,
        concepts,
        table,
        rising,
        declining,
        charts,
        pairs_rising,
        pairs_falling,
        terms,
        papers_with_terms,
        unknown_concepts: unknown,
    }
}

fn concept_trend(corpus: &Corpus, ci: usize, lists: Vec<Vec<u32>>, totals: &[u32], win: Option<Windows>, config: &TrendConfig) -> ConceptTrend {
    let counts: Vec<u32> = lists.iter().map(|l| l.len() as u32).collect();
    let papers: u32 = counts.iter().sum();
    let shares: Vec<f64> = counts.iter().zip(totals).map(|(&c, &t)| if t > 0 { f64::from(c) / f64::from(t) } else { 0.0 }).collect();
    let all: f64 = totals.iter().map(|&t| f64::from(t)).sum();
    let p_bar = if all > 0.0 { f64::from(papers) / all } else { 0.0 };
    let m = config.prior_papers;
    let smoothed: Vec<f64> = counts.iter().zip(totals).map(|(&c, &t)| smooth(f64::from(c), f64::from(t), p_bar, m)).collect();
    let period_growth: Vec<Option<f64>> = (0..counts.len())
        .map(|t| {
            (t > 0 && totals[t] > 0 && totals[t - 1] > 0 && counts[t] + counts[t - 1] >= config.min_count && smoothed[t - 1] > 0.0).then(|| smoothed[t] / smoothed[t - 1])
        })
        .collect();
    let (burst, bursts) = if papers >= config.min_count { detect(&counts, totals, config.burst) } else { (vec![false; counts.len()], Vec::new()) };
    let sum = |(a, b): (usize, usize), v: &[u32]| -> f64 { v[a..b].iter().map(|&x| f64::from(x)).sum() };
    let (mut growth, mut recent_papers, mut previous_papers, mut recent_share, mut previous_share, mut z, mut lifecycle) = (None, 0, 0, 0.0, 0.0, 0.0, Lifecycle::Sparse);
    if let Some(w) = win {
        let (nr, tr, nb, tb) = (sum(w.recent, &counts), sum(w.recent, totals), sum(w.previous, &counts), sum(w.previous, totals));
        recent_papers = nr as u32;
        previous_papers = nb as u32;
        recent_share = if tr > 0.0 { nr / tr } else { 0.0 };
        previous_share = if tb > 0.0 { nb / tb } else { 0.0 };
        z = z_stat(nr, tr, nb, tb);
        if nr + nb >= f64::from(config.min_count) {
            // Periods far thinner than usual (a tenth of the median total) do not vote.
            let mut busy: Vec<u32> = totals.iter().copied().filter(|&t| t > 0).collect();
            busy.sort_unstable();
            let floor = busy.get(busy.len() / 2).map_or(1, |m| (m / 10).max(1));
            let med = |(a, b): (usize, usize)| median((a..b).filter(|&t| totals[t] >= floor).map(|t| smoothed[t]).collect());
            let g = match (med(w.recent), med(w.previous)) {
                (Some(r), Some(b)) if b > 0.0 => Some(r / b),
                _ => None,
            };
            growth = g;
            let pooled = smooth(nr, tr, p_bar, m) / smooth(nb, tb, p_bar, m).max(f64::MIN_POSITIVE);
            let th = config.growth_threshold;
            lifecycle = match g {
                Some(g) if g >= th && pooled >= th && z >= config.z_threshold && nr >= f64::from(config.min_count) => {
                    let early = if w.early.1 > w.early.0 { w.early } else { w.previous };
                    let (ne, te) = (sum(early, &counts), sum(early, totals));
                    let early_share = if te > 0.0 { ne / te } else { 0.0 };
                    if early_share * config.emerging_factor < recent_share {
                        Lifecycle::Emerging
                    } else {
                        Lifecycle::Growing
                    }
                }
                Some(g) if g <= 1.0 / th && pooled <= 1.0 / th && z <= -config.z_threshold && nb >= f64::from(config.min_count) => Lifecycle::Declining,
                _ => Lifecycle::Stable,
            };
        }
    }
    let c = &corpus.concepts[ci];
    ConceptTrend {
        concept: ci,
        id: c.id.clone(),
        label: c.label.clone(),
        papers,
        counts,
        shares,
        period_growth,
        burst,
        bursts,
        growth,
        recent_papers,
        previous_papers,
        recent_share,
        previous_share,
        z,
        lifecycle,
        paper_ids: lists,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_split_the_full_periods() {
        assert_eq!(windows(1, None), None);
        assert_eq!(windows(24, None), Some(Windows { recent: (16, 24), previous: (8, 16), early: (0, 8) }));
        assert_eq!(windows(5, None), Some(Windows { recent: (4, 5), previous: (3, 4), early: (0, 3) }));
        assert_eq!(windows(4, Some(10)), Some(Windows { recent: (2, 4), previous: (0, 2), early: (0, 0) }));
    }

    #[test]
    fn z_and_smoothing() {
        assert!(z_stat(100.0, 1000.0, 50.0, 1000.0) > 3.0);
        assert!(z_stat(3.0, 10.0, 1.0, 10.0) < 3.0, "1 -> 3 papers is not significant");
        assert_eq!(z_stat(1.0, 0.0, 1.0, 10.0), 0.0);
        assert!((smooth(0.0, 10.0, 0.1, 20.0) - 2.0 / 30.0).abs() < 1e-12);
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }
}
