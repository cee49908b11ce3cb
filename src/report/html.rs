//! The trend report as one self-contained HTML file: inline CSS and SVG, no script, no
//! external resource. Sections: top concepts with sparklines, rising and declining
//! concepts, a chart and a per-period table for each concept of interest, emerging terms,
//! co-occurrence changes, and the method. Every count opens the list of papers behind it
//! (id linked to the paper's page, title, date and, when known, the evidence of the tag).

use super::corpus::{Corpus, ReportPaper};
use super::svg::{chart, esc, sparkline, Point};
use super::trends::{ConceptTrend, Lifecycle, TrendReport};
use super::{percent, ratio};
use std::collections::BTreeSet;
use std::fmt::Write;

/// How many papers each number lists (the count says how many there are in all).
pub const LISTED: usize = 12;

pub(crate) const STYLE: &str = r#"
:root{--ink:#1d2330;--muted:#5b6475;--line:#e3e7ee;--accent:#2456c7;--burst:#f4a340;--up:#1a7f4b;--down:#b3372f;--bg:#fbfcfe}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:1180px;margin:0 auto;padding:28px 32px 60px}
h1{font-size:28px;margin:0 0 4px}h2{font-size:20px;margin:36px 0 10px;padding-bottom:6px;border-bottom:2px solid var(--line)}
h3{font-size:17px;margin:28px 0 6px}
.meta{color:var(--muted);margin:2px 0}
nav{margin:14px 0 0;display:flex;gap:14px;flex-wrap:wrap;font-size:14px}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line);border-radius:6px}
th,td{padding:6px 10px;text-align:left;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);background:#f4f6fa}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr:last-child td{border-bottom:none}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600}
.emerging{background:#e3f4ea;color:var(--up)}.growing{background:#eef7f1;color:var(--up)}
.stable{background:#eef1f6;color:var(--muted)}.declining{background:#fbecea;color:var(--down)}.sparse{background:#f6f6f6;color:#999}
.up{color:var(--up);font-weight:600}.down{color:var(--down);font-weight:600}
svg .line{fill:none;stroke:var(--accent);stroke-width:1.6}svg .line.partial{stroke-dasharray:3 3}
svg .area{fill:#2456c71a;stroke:none}svg .burst{fill:#f4a34040}svg .window{fill:#2456c70b}
svg .dot{fill:var(--accent)}svg .dot.open{fill:#fff;stroke:var(--accent);stroke-width:1.5}
svg .grid{stroke:var(--line)}svg .axis{stroke:#9aa3b2}
svg .ytick{font-size:11px;fill:var(--muted);text-anchor:end}svg .xtick{font-size:11px;fill:var(--muted);text-anchor:middle}
svg.spark{vertical-align:middle}svg.spark .line{stroke-width:1.3}
details>summary{cursor:pointer;color:var(--accent);list-style:none;font-variant-numeric:tabular-nums}
details>summary::-webkit-details-marker{display:none}
details[open]>summary{font-weight:600}
ol.papers{margin:6px 0 4px;padding-left:22px;font-size:13px}ol.papers li{margin:2px 0}
.date{color:var(--muted);font-size:12px;white-space:nowrap}.ev{color:var(--muted);font-size:12px}
.note{color:var(--muted);font-size:14px}.card{background:#fff;border:1px solid var(--line);border-radius:6px;padding:10px 14px;margin:8px 0}
.legend{font-size:13px;color:var(--muted)}.legend i{display:inline-block;width:12px;height:12px;vertical-align:-1px;margin:0 4px 0 12px}
footer{margin-top:40px;color:var(--muted);font-size:13px}footer li{margin:3px 0}
"#;

/// An HTML anchor id from free text: letters, digits and `-` kept.
pub(crate) fn anchor(parts: &[&str]) -> String {
    parts.iter().map(|p| p.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect::<String>()).collect::<Vec<_>>().join("--")
}

/// One paper as a list item: id (linked), title, date, and the tag's evidence for `concept`.
pub(crate) fn paper_item(p: &ReportPaper, concept: Option<u32>) -> String {
    let mut s = String::from("<li>");
    match &p.url {
        Some(u) => {
            let _ = write!(s, r#"<a href="{}">{}</a> "#, esc(u), esc(&p.id));
        }
        None => {
            let _ = write!(s, "<b>{}</b> ", esc(&p.id));
        }
    }
    s.push_str(&esc(&p.title));
    if let Some(d) = p.date {
        let _ = write!(s, r#" <span class="date">{d}</span>"#);
    }
    if let Some(tag) = concept.and_then(|c| p.tag(c)) {
        match &tag.evidence {
            Some(e) if !e.text.is_empty() && !e.field.is_empty() => {
                let _ = write!(s, r#" <span class="ev">— “{}” ({}, {}, score {:.2})</span>"#, esc(&e.text), esc(&e.field), esc(&e.rule), tag.score);
            }
            Some(e) if !e.text.is_empty() => {
                let _ = write!(s, r#" <span class="ev">— {} from {} (score {:.2})</span>"#, esc(&e.rule), esc(&e.text), tag.score);
            }
            _ => {
                let _ = write!(s, r#" <span class="ev">— score {:.2}</span>"#, tag.score);
            }
        }
    }
    s.push_str("</li>");
    s
}

/// A count that opens the list of (up to [`LISTED`]) papers behind it.
pub(crate) fn count_details(count: u32, papers: &[u32], corpus: &Corpus, concept: Option<u32>, id: Option<&str>) -> String {
    if count == 0 || papers.is_empty() {
        return count.to_string();
    }
    let mut s = String::new();
    let id_attr = id.map(|i| format!(r#" id="{}""#, esc(i))).unwrap_or_default();
    let _ = write!(s, r#"<details{id_attr}><summary>{count}</summary><ol class="papers">"#);
    for &i in papers.iter().take(LISTED) {
        s.push_str(&paper_item(&corpus.papers[i as usize], concept));
    }
    s.push_str("</ol>");
    if papers.len() > LISTED {
        let _ = write!(s, r#"<div class="note">{} of {} shown (highest score first); all in <code>--format json</code></div>"#, LISTED, papers.len());
    }
    s.push_str("</details>");
    s
}

pub(crate) fn badge(l: Lifecycle) -> String {
    format!(r#"<span class="badge {0}">{0}</span>"#, l.name())
}

fn growth_cell(g: Option<f64>) -> String {
    match g {
        Some(x) if x >= 1.25 => format!(r#"<span class="up">{}</span>"#, ratio(g)),
        Some(x) if x <= 0.8 => format!(r#"<span class="down">{}</span>"#, ratio(g)),
        _ => ratio(g),
    }
}

fn bursts_text(c: &ConceptTrend, r: &TrendReport) -> String {
    c.bursts
        .iter()
        .map(|b| if b.start == b.end { r.periods[b.start].label.clone() } else { format!("{}–{}", r.periods[b.start].label, r.periods[b.end].label) })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The header line that says what was counted.
pub(crate) fn summary_line(r: &TrendReport) -> String {
    let (first, last) = match (r.periods.first(), r.periods.last()) {
        (Some(a), Some(b)) => (a.label.as_str(), b.label.as_str()),
        _ => ("–", "–"),
    };
    let partial = r.periods.last().filter(|p| p.partial).map(|p| format!(" ({} partial)", p.label)).unwrap_or_default();
    format!("{} papers by {}, {first} to {last}{partial}; dates: {}{}", r.coverage.counted, r.by, r.date, r.as_of.as_ref().map(|a| format!("; data as of {a}")).unwrap_or_default())
}

/// What was left out, in words (empty when nothing was).
pub fn left_out(r: &TrendReport) -> Vec<String> {
    let c = &r.coverage;
    let mut v = Vec::new();
    if c.skipped.category > 0 {
        v.push(format!("{} outside the categories", c.skipped.category));
    }
    if c.skipped.range > 0 {
        v.push(format!("{} outside the dates", c.skipped.range));
    }
    if c.skipped.undated + c.undated > 0 {
        v.push(format!("{} without a {} date", c.skipped.undated + c.undated, r.date));
    }
    if c.imprecise > 0 {
        v.push(format!("{} dated less precisely than a {}", c.imprecise, r.by));
    }
    if c.sparse_lead > 0 {
        v.push(format!("{} in thinly covered earlier {}s (give --since to keep them)", c.sparse_lead, r.by));
    }
    v
}

fn concept_link(c: &ConceptTrend) -> String {
    format!(r##"<a href="#{}">{}</a>"##, anchor(&["c", &c.id]), esc(&c.label))
}

/// The whole report.
pub fn write_html(r: &TrendReport, corpus: &Corpus, title: &str) -> String {
    let mut s = String::with_capacity(1 << 20);
    let _ = write!(s, r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>{}</title><style>{STYLE}</style></head><body><main>"#, esc(title));
    let _ = write!(s, "<h1>{}</h1><p class=\"meta\">{}</p>", esc(title), esc(&summary_line(r)));
    let out = left_out(r);
    if !out.is_empty() {
        let _ = write!(s, r#"<p class="meta">Left out: {}.</p>"#, esc(&out.join("; ")));
    }
    if let Some(w) = r.windows {
        let _ = write!(s, r#"<p class="meta">Growth compares the recent window {}–{} with the previous {}–{}.</p>"#, r.periods[w.recent.0].label, r.periods[w.recent.1 - 1].label, r.periods[w.previous.0].label, r.periods[w.previous.1 - 1].label);
    }
    if !r.unknown_concepts.is_empty() {
        let _ = write!(s, r#"<p class="meta">Not in the corpus: {}.</p>"#, esc(&r.unknown_concepts.join(", ")));
    }
    s.push_str(r##"<nav><a href="#top">Top concepts</a><a href="#rising">Rising</a><a href="#declining">Declining</a><a href="#charts">Charts</a><a href="#terms">Emerging terms</a><a href="#pairs">Co-occurrence changes</a><a href="#method">Method</a></nav>"##);
    let legend = r#"<p class="legend">Share of all papers of each period.<i style="background:#f4a34060"></i>burst (Kleinberg)<i style="background:#2456c718"></i>recent growth window<i style="border:1.5px dashed #2456c7;height:0;width:14px"></i>partial period</p>"#;

    // Top concepts.
    let _ = write!(s, r#"<h2 id="top">Top concepts</h2>{legend}<table><tr><th class="n">#</th><th>concept</th><th class="n">papers</th><th class="n">recent share</th><th class="n">growth</th><th>lifecycle</th><th>share per {}</th><th>bursts</th></tr>"#, r.by);
    for (rank, &ci) in r.table.iter().enumerate() {
        let c = &r.concepts[ci];
        let _ = write!(
            s,
            r##"<tr><td class="n">{}</td><td>{}</td><td class="n"><a href="#{}">{}</a></td><td class="n">{}</td><td class="n">{}</td><td>{}</td><td>{}</td><td class="note">{}</td></tr>"##,
            rank + 1,
            concept_link(c),
            anchor(&["c", &c.id]),
            c.papers,
            percent(c.recent_share),
            growth_cell(c.growth),
            badge(c.lifecycle),
            sparkline(&c.shares, &c.burst, r.periods.last().is_some_and(|p| p.partial), 180.0, 28.0),
            esc(&bursts_text(c, r))
        );
    }
    s.push_str("</table>");

    // Rising and declining.
    for (id, name, list) in [("rising", "Rising concepts", &r.rising), ("declining", "Declining concepts", &r.declining)] {
        let _ = write!(s, r#"<h2 id="{id}">{name}</h2>"#);
        if list.is_empty() {
            let _ = write!(s, r#"<p class="note">None: no concept's share changed by a factor of 1.25 with significance (z ≥ 3) and enough papers.</p>"#);
            continue;
        }
        let _ = write!(s, r#"<table><tr><th>concept</th><th class="n">previous papers</th><th class="n">recent papers</th><th class="n">previous share</th><th class="n">recent share</th><th class="n">growth</th><th>lifecycle</th><th>share per {}</th></tr>"#, r.by);
        for &ci in list.iter().take(30) {
            let c = &r.concepts[ci];
            let _ = write!(
                s,
                r#"<tr><td>{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td>{}</td><td>{}</td></tr>"#,
                concept_link(c),
                c.previous_papers,
                c.recent_papers,
                percent(c.previous_share),
                percent(c.recent_share),
                growth_cell(c.growth),
                badge(c.lifecycle),
                sparkline(&c.shares, &c.burst, r.periods.last().is_some_and(|p| p.partial), 180.0, 28.0)
            );
        }
        s.push_str("</table>");
        if list.len() > 30 {
            let _ = write!(s, r#"<p class="note">{} more in <code>--format csv</code>.</p>"#, list.len() - 30);
        }
    }

    // A section per concept of interest: chart for the charted ones, per-period table for all.
    s.push_str(r#"<h2 id="charts">Concepts</h2>"#);
    let chart_set: BTreeSet<usize> = r.charts.iter().copied().collect();
    let mut order: Vec<usize> = r.charts.clone();
    for &ci in r.table.iter().chain(r.rising.iter().take(30)).chain(r.declining.iter().take(30)) {
        if !order.contains(&ci) {
            order.push(ci);
        }
    }
    for ci in order {
        concept_section(&mut s, r, corpus, ci, chart_set.contains(&ci));
    }

    // Emerging terms.
    s.push_str(r#"<h2 id="terms">Emerging terms</h2>"#);
    if r.papers_with_terms == 0 {
        s.push_str(r#"<p class="note">No keyphrases in this corpus: emerging terms are drawn from author keywords and extracted keyphrases not linked to a concept, and these papers have none.</p>"#);
    } else if r.terms.is_empty() {
        let _ = write!(s, r#"<p class="note">No term outside the ontology rose significantly ({} papers had keyphrases).</p>"#, r.papers_with_terms);
    } else {
        let _ = write!(s, r#"<p class="note">Keyphrases that are no concept of the ontology, whose share rose: candidates to add. {} papers had keyphrases.</p><table><tr><th>term</th><th class="n">papers</th><th class="n">previous</th><th class="n">recent</th><th class="n">growth</th><th>per {}</th></tr>"#, r.papers_with_terms, r.by);
        let totals: Vec<f64> = r.periods.iter().map(|p| f64::from(p.total)).collect();
        for t in &r.terms {
            let shares: Vec<f64> = t.counts.iter().zip(&totals).map(|(&c, &n)| if n > 0.0 { f64::from(c) / n } else { 0.0 }).collect();
            let _ = write!(
                s,
                r#"<tr><td>{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td>{}</td></tr>"#,
                esc(&t.term),
                t.papers,
                t.previous,
                count_details(t.recent, &t.paper_ids, corpus, None, None),
                growth_cell(Some(t.ratio)),
                sparkline(&shares, &[], r.periods.last().is_some_and(|p| p.partial), 140.0, 24.0)
            );
        }
        s.push_str("</table>");
    }

    // Co-occurrence changes.
    s.push_str(r#"<h2 id="pairs">Co-occurrence changes</h2>"#);
    if r.pairs_rising.is_empty() && r.pairs_falling.is_empty() {
        s.push_str(r#"<p class="note">No concept pair with enough papers changed.</p>"#);
    }
    for (name, list) in [("Pairs seen together more often", &r.pairs_rising), ("Pairs seen together less often", &r.pairs_falling)] {
        if list.is_empty() {
            continue;
        }
        let _ = write!(s, r#"<h3>{name}</h3><table><tr><th>concepts</th><th class="n">previous papers</th><th class="n">recent papers</th><th class="n">share</th><th class="n">change</th><th class="n">NPMI</th></tr>"#);
        for p in list {
            let listed = if p.recent > 0 { p.recent } else { p.previous };
            let (prev_cell, recent_cell) = if p.recent > 0 {
                (p.previous.to_string(), count_details(p.recent, &p.paper_ids, corpus, None, None))
            } else {
                (count_details(listed, &p.paper_ids, corpus, None, None), "0".to_string())
            };
            let _ = write!(
                s,
                r#"<tr><td>{} + {}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{} → {}</td><td class="n">{}</td><td class="n">{:.2} → {:.2}</td></tr>"#,
                esc(&p.a_label),
                esc(&p.b_label),
                prev_cell,
                recent_cell,
                percent(p.previous_share),
                percent(p.recent_share),
                growth_cell(Some(p.ratio)),
                p.previous_npmi,
                p.recent_npmi
            );
        }
        s.push_str("</table>");
    }

    let _ = write!(s, r#"<footer id="method"><h2>Method</h2><ul>{}</ul><p>Made by topicgraph {} from {}.</p></footer></main></body></html>"#, method_items(r), env!("CARGO_PKG_VERSION"), esc(&r.source));
    s
}

pub(crate) fn method_items(r: &TrendReport) -> String {
    let items = [
        "<b>Share</b>: papers of a concept over all papers of the period, so uneven crawls stay comparable.".to_string(),
        "<b>Growth</b>: median share in the recent window over the previous window, shares smoothed toward the concept's long-run share with a prior of 20 papers; only with at least 10 papers in the two windows.".to_string(),
        "<b>Lifecycle</b>: <i>growing</i> when growth and the pooled ratio both reach ×1.25 and the two-proportion z statistic reaches 3; <i>emerging</i> when growing and its share before both windows was under a quarter of its recent share; <i>declining</i> symmetrically; <i>sparse</i> under 10 papers.".to_string(),
        "<b>Bursts</b>: Kleinberg's two-state automaton (KDD 2002) over the batches of each period, burst rate three times the long-run share, entry cost ln(periods).".to_string(),
        format!("<b>Partial period</b>: the last {} is partial when the data end before it does; it is drawn dashed and left out of the growth windows.", r.by),
    ];
    items.iter().map(|i| format!("<li>{i}</li>")).collect()
}

fn concept_section(s: &mut String, r: &TrendReport, corpus: &Corpus, ci: usize, with_chart: bool) {
    let c = &r.concepts[ci];
    let id = anchor(&["c", &c.id]);
    let _ = write!(s, r#"<h3 id="{id}">{} <span class="note">{}</span> {}</h3>"#, esc(&c.label), esc(&c.id), badge(c.lifecycle));
    let bursts = bursts_text(c, r);
    let _ = write!(
        s,
        r#"<p class="meta">{} papers; recent share {} (previous {}), growth {}{}.</p>"#,
        c.papers,
        percent(c.recent_share),
        percent(c.previous_share),
        ratio(c.growth),
        if bursts.is_empty() { String::new() } else { format!("; bursts {}", esc(&bursts)) }
    );
    let partial = r.periods.last().is_some_and(|p| p.partial);
    if with_chart {
        let points: Vec<Point> = r
            .periods
            .iter()
            .enumerate()
            .map(|(t, p)| Point { label: &p.label, share: c.shares[t], papers: c.counts[t], total: p.total, burst: c.burst[t], href: Some(format!("#{}", anchor(&["c", &c.id, &p.label]))) })
            .collect();
        s.push_str(&chart(&points, partial, r.windows.map(|w| w.recent), &c.label));
    }
    let _ = write!(s, r#"<details class="card"><summary>papers per {0}</summary><table><tr><th>{0}</th><th class="n">papers</th><th class="n">of</th><th class="n">share</th><th class="n">vs previous</th><th>burst</th></tr>"#, r.by);
    for (t, p) in r.periods.iter().enumerate().rev() {
        let cell = anchor(&["c", &c.id, &p.label]);
        let _ = write!(
            s,
            r#"<tr><td>{}{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td>{}</td></tr>"#,
            esc(&p.label),
            if p.partial { " <span class=\"note\">partial</span>" } else { "" },
            count_details(c.counts[t], &c.paper_ids[t], corpus, Some(c.concept as u32), Some(&cell)),
            p.total,
            percent(c.shares[t]),
            growth_cell(c.period_growth[t]),
            if c.burst[t] { "burst" } else { "" }
        );
    }
    s.push_str("</table></details>");
}
