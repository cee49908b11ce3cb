//! The trend report as one JSON document: the [`TrendReport`] fields, with concept lists as
//! ids, and the papers behind each number as id lists (`paper_ids` per concept and period,
//! per pair and per term) plus a `papers` table (id -> title, date, url) for every paper
//! named.

use super::corpus::Corpus;
use super::trends::TrendReport;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

pub fn to_json(report: &TrendReport, corpus: &Corpus) -> Value {
    let mut named: BTreeSet<u32> = BTreeSet::new();
    let shown: BTreeSet<usize> = report.table.iter().chain(&report.rising).chain(&report.declining).chain(&report.charts).copied().collect();
    let ids = |list: &[u32], named: &mut BTreeSet<u32>| -> Vec<String> {
        named.extend(list.iter().copied());
        list.iter().map(|&i| corpus.papers[i as usize].id.clone()).collect()
    };
    let concepts: Vec<Value> = shown
        .iter()
        .map(|&i| {
            let c = &report.concepts[i];
            let mut v = serde_json::to_value(c).expect("concept trends serialise");
            let per: Vec<Vec<String>> = c.paper_ids.iter().map(|l| ids(l, &mut named)).collect();
            v["paper_ids"] = json!(per);
            v
        })
        .collect();
    let with_papers = |items: Vec<Value>, lists: Vec<&Vec<u32>>, named: &mut BTreeSet<u32>| -> Vec<Value> {
        items.into_iter().zip(lists).map(|(mut v, l)| {
            v["paper_ids"] = json!(ids(l, named));
            v
        }).collect()
    };
    let pairs_rising = with_papers(report.pairs_rising.iter().map(|p| serde_json::to_value(p).expect("pairs serialise")).collect(), report.pairs_rising.iter().map(|p| &p.paper_ids).collect(), &mut named);
    let pairs_falling = with_papers(report.pairs_falling.iter().map(|p| serde_json::to_value(p).expect("pairs serialise")).collect(), report.pairs_falling.iter().map(|p| &p.paper_ids).collect(), &mut named);
    let terms = with_papers(report.terms.iter().map(|t| serde_json::to_value(t).expect("terms serialise")).collect(), report.terms.iter().map(|t| &t.paper_ids).collect(), &mut named);
    let cid = |list: &[usize]| -> Vec<&str> { list.iter().map(|&i| report.concepts[i].id.as_str()).collect() };
    let mut papers = Map::new();
    for &i in &named {
        let p = &corpus.papers[i as usize];
        papers.insert(p.id.clone(), json!({"title": p.title, "date": p.date.map(|d| d.to_string()), "url": p.url}));
    }
    json!({
        "by": report.by,
        "date": report.date,
        "source": report.source,
        "as_of": report.as_of,
        "periods": report.periods,
        "coverage": report.coverage,
        "windows": report.windows.map(|w| json!({
            "recent": [report.periods[w.recent.0].label, report.periods[w.recent.1 - 1].label],
            "previous": [report.periods[w.previous.0].label, report.periods[w.previous.1 - 1].label],
        })),
        "table": cid(&report.table),
        "rising": cid(&report.rising),
        "declining": cid(&report.declining),
        "charts": cid(&report.charts),
        "concepts": concepts,
        "pairs_rising": pairs_rising,
        "pairs_falling": pairs_falling,
        "terms": terms,
        "papers_with_terms": report.papers_with_terms,
        "unknown_concepts": report.unknown_concepts,
        "papers": papers,
    })
}
