//! The topic brief ([`brief`]): everything about one concept on one page. Its trend and
//! share, its newest and most central papers, its most active authors, the concepts it
//! co-occurs with and those rising beside it, and the entities (datasets, models, metrics,
//! methods) its papers use, each number with the papers (and the tag's evidence) behind it.
//!
//! - **Central papers**: the papers most typical of the topic. The topic's profile is how
//!   often each other concept occurs among its papers, weighted by that concept's IDF over
//!   the corpus; a paper's centrality is its tag score for the topic times the cosine between
//!   its (IDF-weighted) concepts and that profile. The concepts that contribute most are
//!   named. The topic itself, its ancestors and descendants are left out of the profile.
//! - **Neighbours**: concepts in at least `min_support` of the topic's papers, by NPMI
//!   ([`crate::graph::npmi`]) over the counted papers; **rising neighbours** are those whose
//!   share of the topic's papers grew from the previous growth window to the recent one
//!   (×1.25, half a paper added to each count), by that ratio.
//! - **Entities**: read from [`ReportPaper::entities`](super::ReportPaper) (the extraction
//!   stage's output for papers tagged in memory, the `schema:mentions` links of a store, see
//!   [`super::store::load_corpus`]); grouped by type.

use super::corpus::Corpus;
use super::html::{anchor, badge, count_details, paper_item, STYLE};
use super::markdown::{cell, paper_line, spark};
use super::svg::{chart, esc, Point};
use super::trends::{compute, ConceptTrend, Coverage, PeriodRow, TrendConfig, Windows};
use super::{percent, ratio, ReportError};
use crate::graph::npmi;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// How a brief is made. `Default` gives the documented values.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicConfig {
    pub trend: TrendConfig,
    pub newest: usize,
    pub central: usize,
    pub authors: usize,
    pub neighbours: usize,
    /// Papers a neighbour must share with the topic.
    pub min_support: u32,
    /// Entities listed per type.
    pub entities: usize,
}

impl Default for TopicConfig {
    fn default() -> Self {
        TopicConfig { trend: TrendConfig::default(), newest: 10, central: 10, authors: 10, neighbours: 12, min_support: 3, entities: 10 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CentralPaper {
    #[serde(skip)]
    pub paper: u32,
    pub id: String,
    pub centrality: f64,
    /// Labels of the concepts that make it typical, strongest first.
    pub because: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuthorRow {
    pub name: String,
    pub papers: u32,
    #[serde(skip)]
    pub paper_ids: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Neighbour {
    pub id: String,
    pub label: String,
    /// Topic papers that also carry this concept.
    pub papers: u32,
    pub npmi: f64,
    /// Of the topic's papers in each growth window, how many carry it.
    pub recent: u32,
    pub previous: u32,
    /// Recent over previous share of the topic's papers (half a paper added to each count).
    pub ratio: Option<f64>,
    #[serde(skip)]
    pub paper_ids: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityRow {
    pub name: String,
    pub papers: u32,
    #[serde(skip)]
    pub paper_ids: Vec<u32>,
}

/// Everything the brief shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicBrief {
    pub id: String,
    pub label: String,
    #[serde(skip)]
    pub concept: usize,
    pub source: String,
    pub as_of: Option<String>,
    pub periods: Vec<PeriodRow>,
    pub windows: Option<Windows>,
    pub coverage: Coverage,
    pub trend: ConceptTrend,
    /// Share of all counted papers.
    pub share: f64,
    #[serde(skip)]
    pub newest: Vec<u32>,
    pub central: Vec<CentralPaper>,
    pub authors: Vec<AuthorRow>,
    pub neighbours: Vec<Neighbour>,
    pub rising_neighbours: Vec<Neighbour>,
    /// Entity type -> most used entities.
    pub entities: BTreeMap<String, Vec<EntityRow>>,
    /// Whether any paper of the corpus has entities (false: the extraction stage did not run).
    pub entities_available: bool,
    /// Papers of the topic without a period (undated or imprecise) are not counted.
    pub papers: u32,
}

/// The brief on `concept` (id, label or IRI).
pub fn brief(corpus: &Corpus, concept: &str, config: &TopicConfig) -> Result<TopicBrief, ReportError> {
    let ci = corpus.concept_index(concept).ok_or_else(|| ReportError::UnknownConcept { given: concept.to_string(), suggestions: corpus.suggest(concept) })?;
    let meta = &corpus.concepts[ci];
    let mut tc = config.trend.clone();
    tc.concepts = vec![meta.id.clone()];
    tc.pairs = 0;
    tc.terms = 0;
    let report = compute(corpus, &tc);
    let placed = super::trends::place(corpus, &tc);
    let n_periods = report.periods.len();
    let trend = report.concept(&meta.id).cloned().unwrap_or_else(|| empty_trend(ci, &meta.id, &meta.label, n_periods));
    let mut topic: Vec<u32> = (0..corpus.papers.len() as u32).filter(|&i| placed.of[i as usize].is_some() && corpus.papers[i as usize].tag(ci as u32).is_some()).collect();
    let counted = report.coverage.counted.max(1) as f64;
    let share = topic.len() as f64 / counted;

    // Concept document frequencies over the counted papers.
    let mut df: HashMap<u32, u32> = HashMap::new();
    for (p, t) in corpus.papers.iter().zip(&placed.of) {
        if t.is_some() {
            for tag in &p.tags {
                *df.entry(tag.concept).or_default() += 1;
            }
        }
    }
    let related = |c: u32| c as usize == ci || corpus.is_ancestor_or_self(c as usize, ci) || corpus.is_ancestor_or_self(ci, c as usize);
    let idf = |c: u32| (counted / f64::from(df.get(&c).copied().unwrap_or(1).max(1))).ln().max(0.0);

    // Neighbours: co-occurrence counts within the topic.
    let mut with: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for &pi in &topic {
        for tag in &corpus.papers[pi as usize].tags {
            if !related(tag.concept) {
                with.entry(tag.concept).or_default().push(pi);
            }
        }
    }
    let in_window = |pi: u32, w: (usize, usize)| placed.of[pi as usize].is_some_and(|t| (w.0..w.1).contains(&(t as usize)));
    let (topic_recent, topic_previous) = match report.windows {
        Some(w) => (topic.iter().filter(|&&p| in_window(p, w.recent)).count(), topic.iter().filter(|&&p| in_window(p, w.previous)).count()),
        None => (0, 0),
    };
    let mut neighbours: Vec<Neighbour> = with
        .iter()
        .filter(|(_, ps)| ps.len() as u32 >= config.min_support)
        .map(|(&c, ps)| {
            let (recent, previous) = match report.windows {
                Some(w) => (ps.iter().filter(|&&p| in_window(p, w.recent)).count() as u32, ps.iter().filter(|&&p| in_window(p, w.previous)).count() as u32),
                None => (0, 0),
            };
            let ratio = (topic_recent > 0 && topic_previous > 0).then(|| ((f64::from(recent) + 0.5) / topic_recent as f64) / ((f64::from(previous) + 0.5) / topic_previous as f64));
            let mut paper_ids = ps.clone();
            newest_first(corpus, &mut paper_ids);
            Neighbour {
                id: corpus.concepts[c as usize].id.clone(),
                label: corpus.concepts[c as usize].label.clone(),
                papers: ps.len() as u32,
                npmi: npmi(ps.len() as u32, topic.len() as u32, df[&c], counted as u32),
                recent,
                previous,
                ratio,
                paper_ids,
            }
        })
        .collect();
    let mut rising: Vec<Neighbour> = neighbours.iter().filter(|n| n.recent >= config.min_support && n.ratio.is_some_and(|r| r >= config.trend.growth_threshold)).cloned().collect();
    rising.sort_by(|a, b| b.ratio.unwrap_or(0.0).total_cmp(&a.ratio.unwrap_or(0.0)).then_with(|| a.id.cmp(&b.id)));
    rising.truncate(config.neighbours);
    neighbours.sort_by(|a, b| b.npmi.total_cmp(&a.npmi).then_with(|| b.papers.cmp(&a.papers)).then_with(|| a.id.cmp(&b.id)));
    neighbours.truncate(config.neighbours);

    // Central papers: cosine to the topic's IDF-weighted concept profile.
    let profile: HashMap<u32, f64> = with.iter().map(|(&c, ps)| (c, ps.len() as f64 / topic.len().max(1) as f64 * idf(c))).collect();
    let profile_norm = profile.values().map(|v| v * v).sum::<f64>().sqrt();
    let mut central: Vec<CentralPaper> = topic
        .iter()
        .map(|&pi| {
            let p = &corpus.papers[pi as usize];
            let mut parts: Vec<(f64, u32)> = p.tags.iter().filter(|t| !related(t.concept)).map(|t| (idf(t.concept) * profile.get(&t.concept).copied().unwrap_or(0.0), t.concept)).collect();
            let norm = p.tags.iter().filter(|t| !related(t.concept)).map(|t| idf(t.concept).powi(2)).sum::<f64>().sqrt();
            let dot: f64 = parts.iter().map(|x| x.0).sum();
            let cos = if norm > 0.0 && profile_norm > 0.0 { dot / (norm * profile_norm) } else { 0.0 };
            let score = p.tag(ci as u32).map_or(0.0, |t| f64::from(t.score));
            parts.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            CentralPaper { paper: pi, id: p.id.clone(), centrality: score * cos, because: parts.iter().take(3).filter(|x| x.0 > 0.0).map(|x| corpus.concepts[x.1 as usize].label.clone()).collect() }
        })
        .collect();
    central.sort_by(|a, b| b.centrality.total_cmp(&a.centrality).then_with(|| a.id.cmp(&b.id)));
    central.truncate(config.central);

    // Authors.
    let mut by_author: HashMap<&str, Vec<u32>> = HashMap::new();
    for &pi in &topic {
        let mut names: Vec<&str> = corpus.papers[pi as usize].authors.iter().map(String::as_str).collect();
        names.sort_unstable();
        names.dedup();
        for a in names {
            by_author.entry(a).or_default().push(pi);
        }
    }
    let mut authors: Vec<AuthorRow> = by_author.into_iter().map(|(name, mut ids)| {
        newest_first(corpus, &mut ids);
        AuthorRow { name: name.to_string(), papers: ids.len() as u32, paper_ids: ids }
    }).collect();
    authors.sort_by(|a, b| b.papers.cmp(&a.papers).then_with(|| a.name.cmp(&b.name)));
    authors.truncate(config.authors);

    // Entities, by type.
    let entities_available = corpus.papers.iter().any(|p| !p.entities.is_empty());
    let mut ents: BTreeMap<String, BTreeMap<String, Vec<u32>>> = BTreeMap::new();
    for &pi in &topic {
        for e in &corpus.papers[pi as usize].entities {
            ents.entry(e.kind.clone()).or_default().entry(e.name.clone()).or_default().push(pi);
        }
    }
    let entities = ents
        .into_iter()
        .map(|(kind, names)| {
            let mut rows: Vec<EntityRow> = names.into_iter().map(|(name, mut ids)| {
                newest_first(corpus, &mut ids);
                EntityRow { name, papers: ids.len() as u32, paper_ids: ids }
            }).collect();
            rows.sort_by(|a, b| b.papers.cmp(&a.papers).then_with(|| a.name.cmp(&b.name)));
            rows.truncate(config.entities);
            (kind, rows)
        })
        .collect();

    newest_first(corpus, &mut topic);
    let papers = topic.len() as u32;
    topic.truncate(config.newest);
    Ok(TopicBrief {
        id: meta.id.clone(),
        label: meta.label.clone(),
        concept: ci,
        source: corpus.source.clone(),
        as_of: report.as_of.clone(),
        periods: report.periods.clone(),
        windows: report.windows,
        coverage: report.coverage,
        trend,
        share,
        newest: topic,
        central,
        authors,
        neighbours,
        rising_neighbours: rising,
        entities,
        entities_available,
        papers,
    })
}

fn newest_first(corpus: &Corpus, ids: &mut [u32]) {
    ids.sort_by(|&a, &b| {
        let (pa, pb) = (&corpus.papers[a as usize], &corpus.papers[b as usize]);
        pb.date.cmp(&pa.date).then_with(|| pa.id.cmp(&pb.id))
    });
}

fn empty_trend(ci: usize, id: &str, label: &str, n: usize) -> ConceptTrend {
    ConceptTrend {
        concept: ci,
        id: id.to_string(),
        label: label.to_string(),
        papers: 0,
        counts: vec![0; n],
        shares: vec![0.0; n],
        period_growth: vec![None; n],
        burst: vec![false; n],
        bursts: Vec::new(),
        growth: None,
        recent_papers: 0,
        previous_papers: 0,
        recent_share: 0.0,
        previous_share: 0.0,
        z: 0.0,
        lifecycle: super::Lifecycle::Sparse,
        paper_ids: vec![Vec::new(); n],
    }
}

fn bursts_text(b: &TopicBrief) -> String {
    b.trend.bursts.iter().map(|x| if x.start == x.end { b.periods[x.start].label.clone() } else { format!("{}–{}", b.periods[x.start].label, b.periods[x.end].label) }).collect::<Vec<_>>().join(", ")
}

fn headline(b: &TopicBrief) -> String {
    let t = &b.trend;
    let span = match (b.periods.first(), b.periods.last()) {
        (Some(a), Some(z)) => format!("{} to {}{}", a.label, z.label, if z.partial { " (partial)" } else { "" }),
        _ => "no dated papers".to_string(),
    };
    let bursts = bursts_text(b);
    format!(
        "{} papers, {} of all {} counted ({span}); recent share {} (previous {}), growth {}, {}{}",
        b.papers,
        percent(b.share),
        b.coverage.counted,
        percent(t.recent_share),
        percent(t.previous_share),
        ratio(t.growth),
        t.lifecycle.name(),
        if bursts.is_empty() { String::new() } else { format!("; bursts {bursts}") }
    )
}

const NO_ENTITIES: &str = "No entities in this corpus yet: the datasets, models, metrics and methods a topic's papers use appear here once the extraction stage fills the `entities` of tag output (or the store).";

/// The brief as Markdown.
pub fn write_markdown(b: &TopicBrief, corpus: &Corpus) -> String {
    let c = b.concept as u32;
    let mut s = String::new();
    let _ = writeln!(s, "# Topic brief: {} (`{}`)\n\n{}.", b.label, b.id, headline(b));
    if let Some(a) = &b.as_of {
        let _ = writeln!(s, "Data as of {a}; source {}.", b.source);
    }
    let _ = writeln!(s, "\n## Trend\n\nShare of all papers per period: {}\n", spark(&b.trend.shares));
    let _ = writeln!(s, "| period | papers | of | share | vs previous | burst |\n|---|---:|---:|---:|---:|---|");
    for (t, p) in b.periods.iter().enumerate() {
        let _ = writeln!(s, "| {}{} | {} | {} | {} | {} | {} |", p.label, if p.partial { " (partial)" } else { "" }, b.trend.counts[t], p.total, percent(b.trend.shares[t]), ratio(b.trend.period_growth[t]), if b.trend.burst[t] { "burst" } else { "" });
    }
    let _ = writeln!(s, "\n## Newest papers\n");
    for &i in &b.newest {
        let _ = writeln!(s, "{}", paper_line(&corpus.papers[i as usize], Some(c)));
    }
    let _ = writeln!(s, "\n## Most central papers\n\nClosest to the topic's concept profile (tag score × cosine), with the concepts that make them typical.\n");
    for cp in &b.central {
        let _ = writeln!(s, "{} — centrality {:.3}{}", paper_line(&corpus.papers[cp.paper as usize], Some(c)), cp.centrality, if cp.because.is_empty() { String::new() } else { format!("; via {}", cp.because.join(", ")) });
    }
    let _ = writeln!(s, "\n## Most active authors\n\n| author | papers | newest |\n|---|---:|---|");
    for a in &b.authors {
        let newest: Vec<String> = a.paper_ids.iter().take(3).map(|&i| corpus.papers[i as usize].id.clone()).collect();
        let _ = writeln!(s, "| {} | {} | {} |", cell(&a.name), a.papers, newest.join(", "));
    }
    for (name, list) in [("Co-occurring concepts", &b.neighbours), ("Rising neighbours", &b.rising_neighbours)] {
        let _ = writeln!(s, "\n## {name}\n");
        if list.is_empty() {
            let _ = writeln!(s, "None with enough shared papers.");
            continue;
        }
        let _ = writeln!(s, "| concept | papers together | NPMI | previous | recent | change | e.g. |\n|---|---:|---:|---:|---:|---:|---|");
        for n in list {
            let eg: Vec<String> = n.paper_ids.iter().take(3).map(|&i| corpus.papers[i as usize].id.clone()).collect();
            let _ = writeln!(s, "| {} (`{}`) | {} | {:.2} | {} | {} | {} | {} |", cell(&n.label), n.id, n.papers, n.npmi, n.previous, n.recent, ratio(n.ratio), eg.join(", "));
        }
    }
    let _ = writeln!(s, "\n## Datasets, models, metrics and methods\n");
    if !b.entities_available {
        let _ = writeln!(s, "{NO_ENTITIES}");
    } else if b.entities.is_empty() {
        let _ = writeln!(s, "None of this topic's papers names an entity.");
    }
    for (kind, rows) in &b.entities {
        let _ = writeln!(s, "**{kind}**: {}", rows.iter().map(|r| format!("{} ({})", r.name, r.papers)).collect::<Vec<_>>().join(", "));
    }
    s
}

/// The brief as one self-contained HTML page.
pub fn write_html(b: &TopicBrief, corpus: &Corpus) -> String {
    let c = b.concept as u32;
    let mut s = String::with_capacity(1 << 18);
    let title = format!("Topic brief: {}", b.label);
    let _ = write!(s, r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>{}</title><style>{STYLE}</style></head><body><main>"#, esc(&title));
    let _ = write!(s, r#"<h1>{} {}</h1><p class="meta"><code>{}</code> · {}.</p>"#, esc(&title), badge(b.trend.lifecycle), esc(&b.id), esc(&headline(b)));
    if let Some(a) = &b.as_of {
        let _ = write!(s, r#"<p class="meta">Data as of {}; source {}.</p>"#, esc(a), esc(&b.source));
    }
    s.push_str(r##"<nav><a href="#trend">Trend</a><a href="#newest">Newest</a><a href="#central">Central</a><a href="#authors">Authors</a><a href="#neighbours">Neighbours</a><a href="#entities">Entities</a></nav>"##);
    let partial = b.periods.last().is_some_and(|p| p.partial);
    let points: Vec<Point> = b
        .periods
        .iter()
        .enumerate()
        .map(|(t, p)| Point { label: &p.label, share: b.trend.shares[t], papers: b.trend.counts[t], total: p.total, burst: b.trend.burst[t], href: Some(format!("#{}", anchor(&["t", &p.label]))) })
        .collect();
    let _ = write!(s, r#"<h2 id="trend">Trend</h2><p class="legend">Share of all papers of each period.<i style="background:#f4a34060"></i>burst<i style="background:#2456c718"></i>recent growth window<i style="border:1.5px dashed #2456c7;height:0;width:14px"></i>partial period</p>{}"#, chart(&points, partial, b.windows.map(|w| w.recent), &b.label));
    s.push_str(r#"<details class="card"><summary>papers per period</summary><table><tr><th>period</th><th class="n">papers</th><th class="n">of</th><th class="n">share</th><th class="n">vs previous</th><th>burst</th></tr>"#);
    for (t, p) in b.periods.iter().enumerate().rev() {
        let id = anchor(&["t", &p.label]);
        let _ = write!(
            s,
            r#"<tr><td>{}{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td>{}</td></tr>"#,
            esc(&p.label),
            if p.partial { " <span class=\"note\">partial</span>" } else { "" },
            count_details(b.trend.counts[t], &b.trend.paper_ids[t], corpus, Some(c), Some(&id)),
            p.total,
            percent(b.trend.shares[t]),
            ratio(b.trend.period_growth[t]),
            if b.trend.burst[t] { "burst" } else { "" }
        );
    }
    s.push_str("</table></details>");
    let _ = write!(s, r#"<h2 id="newest">Newest papers</h2><ol class="papers">"#);
    for &i in &b.newest {
        s.push_str(&paper_item(&corpus.papers[i as usize], Some(c)));
    }
    s.push_str("</ol>");
    s.push_str(r#"<h2 id="central">Most central papers</h2><p class="note">Closest to the topic's concept profile (tag score × cosine to the IDF-weighted concepts of its papers), with the concepts that make them typical.</p><table><tr><th class="n">centrality</th><th>paper</th><th>typical through</th></tr>"#);
    for cp in &b.central {
        let item = paper_item(&corpus.papers[cp.paper as usize], Some(c));
        let _ = write!(s, r#"<tr><td class="n">{:.3}</td><td><ol class="papers" style="list-style:none;padding:0;margin:0">{item}</ol></td><td class="note">{}</td></tr>"#, cp.centrality, esc(&cp.because.join(", ")));
    }
    s.push_str("</table>");
    s.push_str(r#"<h2 id="authors">Most active authors</h2><table><tr><th>author</th><th class="n">papers</th></tr>"#);
    for a in &b.authors {
        let _ = write!(s, r#"<tr><td>{}</td><td class="n">{}</td></tr>"#, esc(&a.name), count_details(a.papers, &a.paper_ids, corpus, Some(c), None));
    }
    s.push_str("</table>");
    s.push_str(r#"<h2 id="neighbours">Co-occurring concepts</h2>"#);
    for (name, list) in [("", &b.neighbours), ("Rising neighbours", &b.rising_neighbours)] {
        if !name.is_empty() {
            let _ = write!(s, "<h3>{name}</h3>");
        }
        if list.is_empty() {
            s.push_str(r#"<p class="note">None with enough shared papers.</p>"#);
            continue;
        }
        s.push_str(r#"<table><tr><th>concept</th><th class="n">papers together</th><th class="n">NPMI</th><th class="n">previous</th><th class="n">recent</th><th class="n">change</th></tr>"#);
        for n in list {
            let _ = write!(
                s,
                r#"<tr><td>{} <span class="note">{}</span></td><td class="n">{}</td><td class="n">{:.2}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td></tr>"#,
                esc(&n.label),
                esc(&n.id),
                count_details(n.papers, &n.paper_ids, corpus, Some(c), None),
                n.npmi,
                n.previous,
                n.recent,
                ratio(n.ratio)
            );
        }
        s.push_str("</table>");
    }
    s.push_str(r#"<h2 id="entities">Datasets, models, metrics and methods</h2>"#);
    if !b.entities_available {
        let _ = write!(s, r#"<p class="note">{}</p>"#, esc(NO_ENTITIES).replace("`entities`", "<code>entities</code>"));
    } else if b.entities.is_empty() {
        s.push_str(r#"<p class="note">None of this topic's papers names an entity.</p>"#);
    }
    for (kind, rows) in &b.entities {
        let _ = write!(s, r#"<h3>{}</h3><table><tr><th>{}</th><th class="n">papers</th></tr>"#, esc(kind), esc(kind));
        for r in rows {
            let _ = write!(s, r#"<tr><td>{}</td><td class="n">{}</td></tr>"#, esc(&r.name), count_details(r.papers, &r.paper_ids, corpus, Some(c), None));
        }
        s.push_str("</table>");
    }
    let _ = write!(s, r#"<footer><p>Made by topicgraph {} from {}.</p></footer></main></body></html>"#, env!("CARGO_PKG_VERSION"), esc(&b.source));
    s
}
