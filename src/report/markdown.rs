//! The trend report as Markdown, for terminals and READMEs: the HTML report's tables, with
//! Unicode sparklines (`▁▂▃▅▇`) and, under each charted concept, the papers behind its
//! latest full period.

use super::corpus::{Corpus, ReportPaper};
use super::html::left_out;
use super::html::summary_line;
use super::trends::{ConceptTrend, TrendReport};
use super::{percent, ratio};
use std::fmt::Write;

const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Papers listed under each charted concept.
const LISTED: usize = 5;

/// `▁▃▅█`: each value scaled to the largest.
pub fn spark(values: &[f64]) -> String {
    let max = values.iter().copied().fold(0.0f64, f64::max);
    values
        .iter()
        .map(|&v| if max <= 0.0 { BLOCKS[0] } else { BLOCKS[((v / max) * 7.0).round().clamp(0.0, 7.0) as usize] })
        .collect()
}

/// Text for a table cell: pipes and line breaks would break the table.
pub(crate) fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

pub(crate) fn paper_line(p: &ReportPaper, concept: Option<u32>) -> String {
    let id = match &p.url {
        Some(u) => format!("[{}]({})", p.id, u),
        None => p.id.clone(),
    };
    let date = p.date.map(|d| format!(" ({d})")).unwrap_or_default();
    let ev = concept.and_then(|c| p.tag(c)).and_then(|t| t.evidence.as_ref().filter(|e| !e.text.is_empty() && !e.field.is_empty()).map(|e| format!(" — “{}” ({}, score {:.2})", e.text, e.field, t.score))).unwrap_or_default();
    format!("- {id} {}{date}{ev}", p.title.replace('\n', " "))
}

fn bursts_text(c: &ConceptTrend, r: &TrendReport) -> String {
    c.bursts.iter().map(|b| if b.start == b.end { r.periods[b.start].label.clone() } else { format!("{}–{}", r.periods[b.start].label, r.periods[b.end].label) }).collect::<Vec<_>>().join(", ")
}

pub fn write_markdown(r: &TrendReport, corpus: &Corpus, title: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# {title}\n\n{}.", summary_line(r));
    let out = left_out(r);
    if !out.is_empty() {
        let _ = writeln!(s, "Left out: {}.", out.join("; "));
    }
    if let Some(w) = r.windows {
        let _ = writeln!(s, "Growth compares the recent window {}–{} with the previous {}–{}.", r.periods[w.recent.0].label, r.periods[w.recent.1 - 1].label, r.periods[w.previous.0].label, r.periods[w.previous.1 - 1].label);
    }
    if !r.unknown_concepts.is_empty() {
        let _ = writeln!(s, "Not in the corpus: {}.", r.unknown_concepts.join(", "));
    }
    let _ = writeln!(s, "\n## Top concepts\n\n| # | concept | papers | recent share | growth | lifecycle | share per {} | bursts |\n|---:|---|---:|---:|---:|---|---|---|", r.by);
    for (rank, &ci) in r.table.iter().enumerate() {
        let c = &r.concepts[ci];
        let _ = writeln!(s, "| {} | {} (`{}`) | {} | {} | {} | {} | {} | {} |", rank + 1, cell(&c.label), c.id, c.papers, percent(c.recent_share), ratio(c.growth), c.lifecycle.name(), spark(&c.shares), bursts_text(c, r));
    }
    for (name, list) in [("Rising concepts", &r.rising), ("Declining concepts", &r.declining)] {
        let _ = writeln!(s, "\n## {name}\n");
        if list.is_empty() {
            let _ = writeln!(s, "None: no concept's share changed by a factor of 1.25 with significance (z ≥ 3) and enough papers.");
            continue;
        }
        let _ = writeln!(s, "| concept | previous papers | recent papers | previous share | recent share | growth | lifecycle | share per {} |\n|---|---:|---:|---:|---:|---:|---|---|", r.by);
        for &ci in list.iter().take(30) {
            let c = &r.concepts[ci];
            let _ = writeln!(s, "| {} (`{}`) | {} | {} | {} | {} | {} | {} | {} |", cell(&c.label), c.id, c.previous_papers, c.recent_papers, percent(c.previous_share), percent(c.recent_share), ratio(c.growth), c.lifecycle.name(), spark(&c.shares));
        }
    }
    let _ = writeln!(s, "\n## Concepts");
    let last_full = r.periods.iter().rposition(|p| !p.partial);
    for &ci in &r.charts {
        let c = &r.concepts[ci];
        let _ = writeln!(s, "\n### {} (`{}`): {}\n\n{} papers; recent share {} (previous {}), growth {}.\n", c.label, c.id, c.lifecycle.name(), c.papers, percent(c.recent_share), percent(c.previous_share), ratio(c.growth));
        let _ = writeln!(s, "| {} | papers | of | share | vs previous | burst |\n|---|---:|---:|---:|---:|---|", r.by);
        for (t, p) in r.periods.iter().enumerate() {
            let _ = writeln!(s, "| {}{} | {} | {} | {} | {} | {} |", p.label, if p.partial { " (partial)" } else { "" }, c.counts[t], p.total, percent(c.shares[t]), ratio(c.period_growth[t]), if c.burst[t] { "burst" } else { "" });
        }
        if let Some(t) = last_full.filter(|&t| !c.paper_ids[t].is_empty()) {
            let _ = writeln!(s, "\nPapers of {} ({} of {}, highest score first):\n", r.periods[t].label, c.paper_ids[t].len().min(LISTED), c.counts[t]);
            for &i in c.paper_ids[t].iter().take(LISTED) {
                let _ = writeln!(s, "{}", paper_line(&corpus.papers[i as usize], Some(c.concept as u32)));
            }
        }
    }
    let _ = writeln!(s, "\n## Emerging terms\n");
    if r.papers_with_terms == 0 {
        let _ = writeln!(s, "No keyphrases in this corpus: emerging terms are drawn from author keywords and extracted keyphrases not linked to a concept, and these papers have none.");
    } else if r.terms.is_empty() {
        let _ = writeln!(s, "No term outside the ontology rose significantly ({} papers had keyphrases).", r.papers_with_terms);
    } else {
        let _ = writeln!(s, "| term | papers | previous | recent | growth | per {} | newest |\n|---|---:|---:|---:|---:|---|---|", r.by);
        for t in &r.terms {
            let newest = t.paper_ids.first().map(|&i| corpus.papers[i as usize].id.clone()).unwrap_or_default();
            let _ = writeln!(s, "| {} | {} | {} | {} | {} | {} | {} |", cell(&t.term), t.papers, t.previous, t.recent, ratio(Some(t.ratio)), spark(&t.counts.iter().map(|&c| f64::from(c)).collect::<Vec<_>>()), newest);
        }
    }
    let _ = writeln!(s, "\n## Co-occurrence changes\n");
    if r.pairs_rising.is_empty() && r.pairs_falling.is_empty() {
        let _ = writeln!(s, "No concept pair with enough papers changed.");
    } else {
        let _ = writeln!(s, "| concepts | previous papers | recent papers | share | change | NPMI |\n|---|---:|---:|---:|---:|---:|");
        for p in r.pairs_rising.iter().chain(&r.pairs_falling) {
            let _ = writeln!(s, "| {} + {} | {} | {} | {} → {} | {} | {:.2} → {:.2} |", cell(&p.a_label), cell(&p.b_label), p.previous, p.recent, percent(p.previous_share), percent(p.recent_share), ratio(Some(p.ratio)), p.previous_npmi, p.recent_npmi);
        }
    }
    let _ = writeln!(s, "\n## Method\n");
    for item in super::html::method_items(r).split("<li>").filter(|i| !i.is_empty()) {
        let text = item.replace("</li>", "").replace("<b>", "**").replace("</b>", "**").replace("<i>", "*").replace("</i>", "*");
        let _ = writeln!(s, "- {text}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparks_scale_to_the_largest() {
        assert_eq!(spark(&[0.0, 0.5, 1.0]), "▁▅█");
        assert_eq!(spark(&[0.0, 0.0]), "▁▁");
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }
}
