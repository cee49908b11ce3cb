//! Bring-your-own ontology: the CSO classifier's gold standard (70 papers, majority vote of
//! three experts) tagged with the 14,612 CSO labels as a flat CSV ontology, scored with
//! `eval --gold-labels` beside the CSO classifier's own string-matching module, read from
//! the same file and scored the same way (`scripts/cso-eval.py` prints the full table).

use crate::common::{run, shared};
use serde_json::{json, Value};
use std::path::Path;

fn write_jsonl(path: &Path, rows: &[Value]) {
    let text: String = rows.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(path, text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
}

/// `eval --gold-labels --json` with the CSO labels as ontology; returns (P, R, F1, tp).
fn eval(ontology: &Path, gold: &Path, what: &[&str]) -> (f64, f64, f64, u64) {
    let (ontology, gold) = (ontology.display().to_string(), gold.display().to_string());
    let mut args = vec!["eval", "--gold-labels", "--gold", &gold, "--ontology", &ontology, "--json"];
    args.extend_from_slice(what);
    let r = run(&args, None);
    assert_eq!(r.code, 0, "eval {what:?}: {}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).expect("eval --json prints JSON");
    let c = &v["concepts"];
    let (tp, fp, fn_) = (c["tp"].as_u64().unwrap(), c["fp"].as_u64().unwrap(), c["fn"].as_u64().unwrap());
    let p = if tp + fp == 0 { 0.0 } else { tp as f64 / (tp + fp) as f64 };
    let rec = if tp + fn_ == 0 { 0.0 } else { tp as f64 / (tp + fn_) as f64 };
    let f1 = if p + rec == 0.0 { 0.0 } else { 2.0 * p * rec / (p + rec) };
    (p, rec, f1, tp)
}

/// Papers, gold and the CSO syntactic module's output as JSON Lines in a temporary folder.
struct Files {
    _tmp: tempfile::TempDir,
    ontology: std::path::PathBuf,
    papers: String,
    gold: std::path::PathBuf,
    syntactic: String,
}

fn files() -> Option<Files> {
    let dir = shared("eval/cso-gold")?;
    let text = std::fs::read_to_string(dir.join("GoldStandard.json")).expect("reading GoldStandard.json");
    let gs: serde_json::Map<String, Value> = serde_json::from_str(&text).expect("GoldStandard.json is an object of papers");
    assert_eq!(gs.len(), 70);
    let (mut papers, mut gold, mut syntactic) = (Vec::new(), Vec::new(), Vec::new());
    for (id, p) in &gs {
        papers.push(json!({"id": id, "title": p["title"], "abstract": p["abstract"], "keywords": p["keywords"]}));
        gold.push(json!({"id": id, "concepts": p["gold_standard"]["majority_vote"]}));
        syntactic.push(json!({"id": id, "concepts": p["cso_output"]["syntactic"]}));
    }
    let tmp = tempfile::tempdir().unwrap();
    let (papers_path, gold_path, syn_path) = (tmp.path().join("papers.jsonl"), tmp.path().join("gold.jsonl"), tmp.path().join("cso-syntactic.jsonl"));
    write_jsonl(&papers_path, &papers);
    write_jsonl(&gold_path, &gold);
    write_jsonl(&syn_path, &syntactic);
    Some(Files { _tmp: tmp, ontology: dir.join("concepts.csv"), papers: papers_path.display().to_string(), gold: gold_path, syntactic: syn_path.display().to_string() })
}

#[test]
fn cso_syntactic_module_scores_as_published() {
    let Some(f) = files() else { return };
    // The figures for the CSO syntactic module (P 0.77, R 0.37, F1 0.50): label
    // resolution through the CSO labels and the scorer reproduce them.
    let syn = eval(&f.ontology, &f.gold, &[&f.syntactic]);
    assert!((syn.0 - 0.77).abs() < 0.01 && (syn.1 - 0.37).abs() < 0.01 && (syn.2 - 0.50).abs() < 0.01, "CSO syntactic scored {syn:?}");
}

#[test]
#[ignore = "topicgraph's micro-F1 on the CSO gold standard (0.31-0.34 when written, default min-score) does not beat the CSO syntactic module's (0.50) yet; run with --ignored"]
fn cso_gold_beats_the_cso_syntactic_module() {
    let Some(f) = files() else { return };
    let syn = eval(&f.ontology, &f.gold, &[&f.syntactic]);
    let ours = eval(&f.ontology, &f.gold, &["--input", &f.papers]);
    eprintln!("CSO gold: topicgraph P {:.3} R {:.3} F1 {:.3}; CSO syntactic P {:.3} R {:.3} F1 {:.3}", ours.0, ours.1, ours.2, syn.0, syn.1, syn.2);
    assert!(ours.2 > syn.2, "topicgraph micro-F1 {:.3} (P {:.3}, R {:.3}) does not beat the CSO syntactic module's {:.3}", ours.2, ours.0, ours.1, syn.2);
}
