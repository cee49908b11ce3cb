//! The trend report on a generated corpus with planted trends: over 24 months whose paper
//! totals grow fourfold, one concept's share rises from 1% to 9%, one bursts to 15% for two
//! months, one stays at 5% (so its counts grow with the total), five background concepts
//! stay flat, and one keyphrase outside the ontology rises. The report must find exactly
//! those.

use super::corpus::{ConceptMeta, Corpus, ReportPaper, ReportTag};
use super::trends::{compute, Lifecycle, TrendConfig};
use crate::model::PartialDate;

const MONTHS: usize = 24;

/// A deterministic hash for choosing which papers carry a concept.
fn mix(a: u64, b: u64) -> u64 {
    let mut x = a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_add(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 31;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 29)
}

/// Concept ids and their planted share per month.
fn plan() -> Vec<(&'static str, Box<dyn Fn(usize) -> f64>)> {
    vec![
        ("rising", Box::new(|m| 0.01 + 0.08 * m as f64 / (MONTHS - 1) as f64)),
        ("bursting", Box::new(|m| if m == 14 || m == 15 { 0.15 } else { 0.03 })),
        ("flat", Box::new(|_| 0.05)),
        ("bg-a", Box::new(|_| 0.20)),
        ("bg-b", Box::new(|_| 0.10)),
        ("bg-c", Box::new(|_| 0.08)),
        ("bg-d", Box::new(|_| 0.04)),
        ("bg-e", Box::new(|_| 0.02)),
        ("parent", Box::new(|_| 0.0)),
    ]
}

pub(crate) fn planted() -> Corpus {
    let plan = plan();
    let mut concepts: Vec<ConceptMeta> = plan.iter().map(|(id, _)| ConceptMeta { id: id.to_string(), label: id.replace('-', " "), ..Default::default() }).collect();
    let parent = concepts.len() - 1;
    concepts[0].broader = vec![parent]; // the rising concept rolls up to `parent`
    concepts[2].names = vec!["flat thing".into()];
    let mut papers = Vec::new();
    for m in 0..MONTHS {
        let total = 200 + 600 * m / (MONTHS - 1);
        let date = PartialDate::month(2024 + (m / 12) as i32, (m % 12 + 1) as u8).unwrap();
        let first = papers.len();
        for j in 0..total {
            papers.push(ReportPaper { id: format!("p{m:02}-{j:04}"), title: format!("Paper {j} of month {m}"), date: Some(date), authors: vec![format!("Author {}", j % 37)], ..Default::default() });
        }
        for (ci, (_, share)) in plan.iter().enumerate() {
            let k = (share(m) * total as f64).round() as usize;
            let mut order: Vec<usize> = (0..total).collect();
            order.sort_by_key(|&j| mix(ci as u64, (m * 10_000 + j) as u64));
            for &j in order.iter().take(k) {
                papers[first + j].tags.push(ReportTag { concept: ci as u32, score: 0.9, evidence: None });
                if ci == 0 {
                    papers[first + j].tags.push(ReportTag { concept: parent as u32, score: 0.6, evidence: None });
                }
            }
        }
        // Keyphrases: a new term rising from nothing, a steady one, and one that is a label.
        for j in 0..total {
            let p = &mut papers[first + j];
            if m >= 12 && j % 50 < (m - 11) {
                p.phrases.push(if j % 2 == 0 { "Test-time training".into() } else { "test time trainings".into() });
            }
            if j % 20 == 0 {
                p.phrases.push("benchmark suite".into());
            }
            if m >= 12 && j % 25 == 0 {
                p.phrases.push("Flat thing".into());
            }
        }
    }
    Corpus { concepts, read: papers.len() as u64, papers, source: "planted".into(), ..Default::default() }
}

#[test]
fn the_report_finds_exactly_the_planted_trends() {
    let corpus = planted();
    let r = compute(&corpus, &TrendConfig::default());
    assert_eq!(r.periods.len(), MONTHS);
    assert_eq!(r.periods[0].label, "2024-01");
    assert_eq!(r.periods[23].label, "2025-12");
    assert!(r.periods.iter().all(|p| !p.partial), "month-precise dates and no as-of date: nothing is known to be partial");
    let lc = |id: &str| r.concept(id).unwrap().lifecycle;
    let mut rising: Vec<&str> = r.rising.iter().map(|&i| r.concepts[i].id.as_str()).collect();
    rising.sort_unstable();
    // The parent rises with its only child: a roll-up is a real signal of the broader topic.
    assert_eq!(rising, ["parent", "rising"], "{:?}", r.concepts.iter().map(|c| (&c.id, c.lifecycle, c.growth)).collect::<Vec<_>>());
    assert!(matches!(lc("rising"), Lifecycle::Growing | Lifecycle::Emerging));
    for id in ["bursting", "flat", "bg-a", "bg-b", "bg-c", "bg-d", "bg-e"] {
        assert_eq!(lc(id), Lifecycle::Stable, "{id}: {:?}", r.concept(id));
    }
    assert!(r.declining.is_empty());
    // Bursts: exactly the two planted months of the bursting concept.
    let bursty: Vec<(&str, Vec<&str>)> = r
        .concepts
        .iter()
        .filter(|c| !c.bursts.is_empty())
        .map(|c| (c.id.as_str(), (0..MONTHS).filter(|&t| c.burst[t]).map(|t| r.periods[t].label.as_str()).collect()))
        .collect();
    assert_eq!(bursty, [("bursting", vec!["2025-03", "2025-04"])]);
    // The flat concept's counts grow fourfold while its share stays put.
    let flat = r.concept("flat").unwrap();
    assert!(flat.counts[23] >= 3 * flat.counts[0], "{:?}", flat.counts);
    assert!(flat.growth.is_some_and(|g| (0.9..1.1).contains(&g)), "{:?}", flat.growth);
    // Emerging terms: the new keyphrase (two spellings, one term), not the steady one, not
    // the one that is a concept's label.
    let terms: Vec<&str> = r.terms.iter().map(|t| t.term.as_str()).collect();
    assert_eq!(terms, ["Test-time training"]);
    assert!(r.papers_with_terms > 0);
}

#[test]
fn growth_needs_the_minimum_count() {
    // A concept going from 1 to 3 papers is sparse, not the top riser.
    let mut corpus = planted();
    corpus.concepts.push(ConceptMeta { id: "tiny".into(), label: "tiny".into(), ..Default::default() });
    let tiny = (corpus.concepts.len() - 1) as u32;
    for (i, p) in corpus.papers.iter_mut().enumerate() {
        if [10, 5000, 9000, 9500].contains(&i) {
            p.tags.push(ReportTag { concept: tiny, score: 0.9, evidence: None });
        }
    }
    let r = compute(&corpus, &TrendConfig::default());
    let t = r.concept("tiny").unwrap();
    assert_eq!((t.lifecycle, t.growth), (Lifecycle::Sparse, None));
    assert!(t.bursts.is_empty());
    assert!(!r.rising.iter().any(|&i| r.concepts[i].id == "tiny"));
}

#[test]
fn the_last_period_is_partial_when_the_data_end_inside_it() {
    let corpus = planted();
    let config = TrendConfig { as_of: "2025-12-14".parse().ok(), ..Default::default() };
    let r = compute(&corpus, &config);
    assert!(r.periods[23].partial);
    assert!(r.periods[..23].iter().all(|p| !p.partial));
    let w = r.windows.unwrap();
    assert_eq!(w.recent.1, 23, "the partial month is left out of the growth windows");
    let full = compute(&corpus, &TrendConfig { as_of: "2025-12-31".parse().ok(), ..Default::default() });
    assert!(!full.periods[23].partial);
}

#[test]
fn weeks_count_only_day_precise_dates() {
    let mut corpus = planted();
    for (i, p) in corpus.papers.iter_mut().enumerate().take(100) {
        p.date = PartialDate::day(2024, 1, 1 + (i % 28) as u8);
    }
    let r = compute(&corpus, &TrendConfig { by: super::Granularity::Week, ..Default::default() });
    assert_eq!(r.coverage.counted, 100);
    assert_eq!(r.coverage.imprecise, corpus.papers.len() as u64 - 100);
    assert_eq!(r.periods.first().unwrap().label, "2024-W01");
    assert_eq!(r.periods.last().unwrap().label, "2024-W04");
}

#[test]
fn quarters_and_years_and_csv_shape() {
    let corpus = planted();
    let r = compute(&corpus, &TrendConfig { by: super::Granularity::Quarter, top: 0, ..Default::default() });
    let labels: Vec<&str> = r.periods.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels, ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]);
    let mut buf = Vec::new();
    super::csv::write_csv(&r, &mut buf).unwrap();
    let text = String::from_utf8(buf).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("period,concept,label,papers,period_total,share,partial,growth,burst,lifecycle"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 8 * 9, "every concept with papers, every period");
    for row in &rows {
        assert_eq!(row.len(), 10);
        let (papers, total, share): (f64, f64, f64) = (row[3].parse().unwrap(), row[4].parse().unwrap(), row[5].parse().unwrap());
        assert!((share - papers / total).abs() < 1e-6, "{row:?}");
        assert!(row[0].starts_with("202"));
    }
    let y = compute(&corpus, &TrendConfig { by: super::Granularity::Year, ..Default::default() });
    assert_eq!(y.periods.iter().map(|p| p.label.as_str()).collect::<Vec<_>>(), ["2024", "2025"]);
}

#[test]
fn writers_are_deterministic_and_link_numbers_to_papers() {
    let corpus = planted();
    let r = compute(&corpus, &TrendConfig::default());
    let html = super::html::write_html(&r, &corpus, "Planted");
    assert_eq!(html, super::html::write_html(&compute(&corpus, &TrendConfig::default()), &corpus, "Planted"));
    assert!(html.starts_with("<!doctype html>") && html.ends_with("</html>"));
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"), "self-contained");
    assert!(html.contains(r#"id="c--rising""#) && html.contains(r##"href="#c--rising--2025-12""##), "chart dots link to the period's papers");
    assert!(html.contains(r#"id="c--rising--2025-12""#));
    assert!(html.contains("Paper ") && html.contains("<svg class=\"chart\""));
    let md = super::markdown::write_markdown(&r, &corpus, "Planted");
    assert!(md.contains("| rising (`rising`) |"));
    assert!(md.contains("## Emerging terms") && md.contains("Test-time training"));
    let json = super::json::to_json(&r, &corpus);
    assert!(json["rising"].as_array().unwrap().iter().any(|c| c == "rising"));
    assert!(json["papers"].as_object().unwrap().len() > 100);
}

#[test]
fn the_brief_on_the_rising_concept() {
    let corpus = planted();
    let b = super::topic::brief(&corpus, "rising", &super::TopicConfig::default()).unwrap();
    assert!(matches!(b.trend.lifecycle, Lifecycle::Growing | Lifecycle::Emerging));
    assert_eq!(b.newest.len(), 10);
    assert!(corpus.papers[b.newest[0] as usize].id.starts_with("p23-"), "newest first");
    assert_eq!(b.authors.len(), 10);
    assert!(b.authors.windows(2).all(|w| w[0].papers >= w[1].papers));
    assert!(!b.neighbours.iter().any(|n| n.id == "parent" || n.id == "rising"), "the topic and its ancestors are no neighbours");
    assert!(!b.entities_available);
    let md = super::topic::write_markdown(&b, &corpus);
    assert!(md.contains("# Topic brief: rising (`rising`)"));
    let err = super::topic::brief(&corpus, "risng", &super::TopicConfig::default()).unwrap_err().to_string();
    assert!(err.contains("did you mean rising"), "{err}");
}
