//! `topicgraph trends` and `topicgraph topic` on the real binary: a generated corpus with
//! planted trends read and tagged in memory, the same corpus built into a store, and the HTML
//! report looked at in headless Chromium.

use crate::common::{data, run, tool};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

const MONTHS: usize = 24;

fn mix(a: u64, b: u64) -> u64 {
    let mut x = a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_add(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 31;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 29)
}

/// Canonical JSON Lines over 24 months (2024-01 .. 2025-12) whose totals grow from `start` to
/// `4 * start` papers a month: "mixture of experts" rises from 1% to 9% of papers,
/// "speculative decoding" bursts from 3% to 15% in 2025-03 and 2025-04, "knowledge
/// distillation" stays at 5%. Titles name the planted concepts; the rest is filler.
fn planted_jsonl(start: usize) -> String {
    let plan: [(&str, Box<dyn Fn(usize) -> f64>); 3] = [
        ("mixture of experts", Box::new(|m| 0.01 + 0.08 * m as f64 / (MONTHS - 1) as f64)),
        ("speculative decoding", Box::new(|m| if m == 14 || m == 15 { 0.15 } else { 0.03 })),
        ("knowledge distillation", Box::new(|_| 0.05)),
    ];
    let mut out = String::new();
    for m in 0..MONTHS {
        let total = start + 3 * start * m / (MONTHS - 1);
        let mut topics: Vec<Vec<&str>> = vec![Vec::new(); total];
        for (ci, (label, share)) in plan.iter().enumerate() {
            let k = (share(m) * total as f64).round() as usize;
            let mut order: Vec<usize> = (0..total).collect();
            order.sort_by_key(|&j| mix(ci as u64, (m * 10_000 + j) as u64));
            for &j in order.iter().take(k) {
                topics[j].push(label);
            }
        }
        for (j, t) in topics.iter().enumerate() {
            let title = if t.is_empty() { format!("Notes on system {j}") } else { format!("A study of {} in system {j}", t.join(" and ")) };
            let author = format!("Author {}", j % 41);
            let _ = writeln!(
                out,
                r#"{{"id": "syn-{m:02}-{j:04}", "title": "{title}", "abstract": "We report measurements of system {j}.", "authors": ["{author}"], "published": "{}-{:02}"}}"#,
                2024 + m / 12,
                m % 12 + 1
            );
        }
    }
    out
}

fn write_corpus(dir: &Path, start: usize) -> String {
    let path = dir.join("planted.jsonl");
    std::fs::write(&path, planted_jsonl(start)).unwrap();
    path.display().to_string()
}

/// CSV rows per concept id: (period, papers, burst, lifecycle).
fn rows(csv_text: &str) -> BTreeMap<String, Vec<(String, u32, bool, String)>> {
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(header, ["period", "concept", "label", "papers", "period_total", "share", "partial", "growth", "burst", "lifecycle"]);
    let mut out: BTreeMap<String, Vec<(String, u32, bool, String)>> = BTreeMap::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        out.entry(rec[1].to_string()).or_default().push((rec[0].to_string(), rec[3].parse().unwrap(), &rec[8] == "true", rec[9].to_string()));
    }
    out
}

#[test]
fn trends_in_memory_find_the_planted_trends() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_corpus(dir.path(), 200);
    let r = run(&["trends", &input, "--format", "csv", "--quiet"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = rows(&r.stdout);
    let lifecycle = |id: &str| rows[id][0].3.clone();
    let bursts = |id: &str| rows[id].iter().filter(|x| x.2).map(|x| x.0.clone()).collect::<Vec<_>>();
    assert!(["growing", "emerging"].contains(&lifecycle("mixture-of-experts").as_str()), "{:?}", rows["mixture-of-experts"]);
    assert_eq!(lifecycle("speculative-decoding"), "stable");
    assert_eq!(lifecycle("knowledge-distillation"), "stable");
    assert_eq!(bursts("speculative-decoding"), ["2025-03", "2025-04"]);
    assert!(bursts("mixture-of-experts").is_empty() && bursts("knowledge-distillation").is_empty());
    let kd = &rows["knowledge-distillation"];
    assert_eq!(kd.len(), MONTHS);
    assert!(kd[MONTHS - 1].1 >= 3 * kd[0].1, "counts grow with the total: {kd:?}");
    // Of the planted concepts only the riser rises; any other riser is a broader concept it
    // rolls up to, whose counts follow it.
    for (id, r) in &rows {
        if ["growing", "emerging"].contains(&r[0].3.as_str()) && id != "mixture-of-experts" {
            let moe: Vec<u32> = rows["mixture-of-experts"].iter().map(|x| x.1).collect();
            assert!(r.iter().zip(&moe).all(|(x, m)| x.1 >= *m), "{id} rises without containing the riser: {r:?}");
        }
    }
}

#[test]
fn trends_by_week_say_what_they_leave_out() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_corpus(dir.path(), 20);
    let r = run(&["trends", &input, "--by", "week", "--format", "csv"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("--by week counts only papers with a day-precise date"), "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 1, "month-precise dates give no weekly rows: {}", r.stdout);
    let bad = run(&["trends", &input, "--by", "fortnight"], None);
    assert_ne!(bad.code, 0);
    assert!(bad.stderr.contains("use week, month, quarter or year"), "{}", bad.stderr);
}

#[test]
fn build_writes_the_report_and_the_store_answers_trends_and_topic() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_corpus(dir.path(), 30);
    let out = dir.path().join("kg");
    let b = run(&["build", &input, "--out", out.to_str().unwrap(), "--quiet"], None);
    assert_eq!(b.code, 0, "{}", b.stderr);
    let html = std::fs::read_to_string(out.join("trends.html")).unwrap();
    let md = std::fs::read_to_string(out.join("trends.md")).unwrap();
    assert!(html.contains("Top concepts") && html.contains("Mixture of experts"));
    assert!(md.starts_with("# Topic trends") && md.contains("| Mixture of experts (`mixture-of-experts`) |"));
    let store = out.join("store");
    let store = store.to_str().unwrap();
    let j = run(&["trends", "--store", store, "--format", "json", "--quiet"], None);
    assert_eq!(j.code, 0, "{}", j.stderr);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).unwrap();
    assert_eq!(v["periods"].as_array().unwrap().len(), MONTHS);
    let moe = v["concepts"].as_array().unwrap().iter().find(|c| c["id"] == "mixture-of-experts").unwrap();
    let ids: Vec<&str> = moe["paper_ids"][MONTHS - 1].as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect();
    assert_eq!(ids.len() as u64, moe["counts"][MONTHS - 1].as_u64().unwrap());
    assert!(v["papers"][ids[0]]["title"].as_str().unwrap().contains("mixture of experts"));
    // The same counts from memory and from the store.
    let mem = run(&["trends", &input, "--format", "json", "--quiet"], None);
    let m: serde_json::Value = serde_json::from_str(&mem.stdout).unwrap();
    let mem_moe = m["concepts"].as_array().unwrap().iter().find(|c| c["id"] == "mixture-of-experts").unwrap();
    assert_eq!(mem_moe["counts"], moe["counts"]);

    let t = run(&["topic", "Mixture of experts", "--store", store, "--quiet"], None);
    assert_eq!(t.code, 0, "{}", t.stderr);
    assert!(t.stdout.starts_with("# Topic brief: Mixture of experts (`mixture-of-experts`)"), "{}", t.stdout);
    assert!(t.stdout.contains("“mixture of experts” (title"), "evidence from the store: {}", t.stdout);
    assert!(t.stdout.contains("## Most active authors") && t.stdout.contains("Author "));
    assert!(t.stdout.contains("No entities in this corpus yet"));
    let th = run(&["topic", "mixture-of-experts", "--store", store, "--since", "2025-01", "--format", "html", "--quiet"], None);
    assert_eq!(th.code, 0, "{}", th.stderr);
    assert!(th.stdout.contains("<svg class=\"chart\"") && th.stdout.contains("2025-01") && !th.stdout.contains(">2024-12<"));
    let unknown = run(&["topic", "mixture-of-expert", "--store", store], None);
    assert_eq!(unknown.code, 1);
    assert!(unknown.stderr.contains("did you mean mixture-of-experts"), "{}", unknown.stderr);
}

/// The brief from a store lists the entities its papers mention, as the brief from the same
/// papers tagged in memory does.
#[test]
fn the_topic_brief_from_a_store_has_the_entities() {
    let dir = tempfile::tempdir().unwrap();
    let input = data("rdf/papers.jsonl");
    let b = run(&["build", &input, "--out", dir.path().to_str().unwrap(), "--quiet"], None);
    assert_eq!(b.code, 0, "{}", b.stderr);
    let store = dir.path().join("store");
    let store = store.to_str().unwrap();
    let section = |md: &str| md.split("## Datasets, models, metrics and methods").nth(1).unwrap_or_else(|| panic!("no entities section: {md}")).trim().to_string();
    let t = run(&["topic", "kv-cache", "--store", store, "--quiet"], None);
    assert_eq!(t.code, 0, "{}", t.stderr);
    assert_eq!(section(&t.stdout), "**dataset**: HumanEval (1), MBPP (1)\n**method**: PagedAttention (1)", "{}", t.stdout);
    let mem = run(&["topic", "kv-cache", &input, "--quiet"], None);
    assert_eq!(section(&mem.stdout), section(&t.stdout), "the store and memory agree");
    let j = run(&["topic", "kv-cache", "--store", store, "--format", "json", "--quiet"], None);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).unwrap();
    assert_eq!(v["entities_available"], true);
    assert_eq!(v["entities"]["dataset"][0]["name"], "HumanEval");
    let other = run(&["topic", "speculative-decoding", "--store", store, "--quiet"], None);
    assert_eq!(section(&other.stdout), "None of this topic's papers names an entity.", "{}", other.stdout);
}

/// The HTML report in headless Chromium: it renders, and the screenshot is a real picture.
#[test]
fn html_report_renders_in_chromium() {
    if !tool("chromium") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let input = write_corpus(dir.path(), 50);
    let html = dir.path().join("trends.html");
    let r = run(&["trends", &input, "--out", html.to_str().unwrap(), "--concepts", "mixture-of-experts,speculative-decoding", "--quiet"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let png = dir.path().join("trends.png");
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--window-size=1400,2000"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("no screenshot ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    assert!(bytes.starts_with(b"\x89PNG"), "not a PNG");
    assert!(bytes.len() > 30_000, "a blank page compresses to a few KB; got {} bytes", bytes.len());
    let dom = Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--dump-dom"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("<h2 id=\"top\">Top concepts</h2>") && dom.contains("class=\"chart\""), "{dom}");
    if let Some(keep) = std::env::var_os("TOPICGRAPH_KEEP_SCREENSHOT") {
        std::fs::copy(&png, keep).unwrap();
    }
}

/// `--primary-category` counts a paper under its first-listed category only, from INPUT and
/// from a store alike; without it any listed category matches.
#[test]
fn primary_category_counts_a_paper_once() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("papers.jsonl");
    let mut text = String::new();
    for (id, cats) in [("p-cl", r#"["cs.CL", "cs.LG"]"#), ("p-lg", r#"["cs.LG", "cs.CL"]"#), ("p-lg2", r#"["cs.LG"]"#)] {
        let _ = writeln!(
            text,
            r#"{{"id": "{id}", "title": "Sparse mixture of experts for {id}", "abstract": "We train a mixture of experts model.", "authors": ["A. Author"], "published": "2025-03", "categories": {cats}}}"#
        );
    }
    std::fs::write(&input, text).unwrap();
    let input = input.to_str().unwrap();
    let papers = |args: &[&str]| -> usize {
        let r = run(&[&["trends", "--format", "json", "--quiet", "--category", "cs.LG"], args].concat(), None);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        v["papers"].as_object().unwrap().len()
    };
    assert_eq!(papers(&[input]), 3);
    assert_eq!(papers(&[input, "--primary-category"]), 2);
    let out = dir.path().join("kg");
    let b = run(&["build", input, "--out", out.to_str().unwrap(), "--quiet"], None);
    assert_eq!(b.code, 0, "{}", b.stderr);
    let store = out.join("store");
    let store = store.to_str().unwrap();
    assert_eq!(papers(&["--store", store]), 3);
    assert_eq!(papers(&["--store", store, "--primary-category"]), 2);
}
