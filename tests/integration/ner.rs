//! `topicgraph ner`: training on the fixtures, determinism, evaluation, cross-validation,
//! tagging, and (with ../shared) the SciERC test score of the shipped model and its
//! byte-identical regeneration.

use crate::common::{data, run, shared};

fn tmp(name: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join(name).display().to_string();
    (dir, p)
}

/// The micro F1 of a `ner eval`/`ner cv` report (the first line that starts with the title).
fn f1(stdout: &str, title: &str) -> f64 {
    let line = stdout.lines().find(|l| l.starts_with(title)).unwrap_or_else(|| panic!("no {title:?} line in {stdout}"));
    line.split("F1 ").nth(1).and_then(|r| r.split_whitespace().next()).and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("no F1 in {line}"))
}

#[test]
fn ner_train_learns_the_scierc_fixture_and_is_deterministic() {
    let (_d, a) = tmp("a.tgner.gz");
    let (_e, b) = tmp("b.tgner.gz");
    let fixture = data("ner/scierc-mini.json");
    for out in [&a, &b] {
        let r = run(&["ner", "train", "--scierc", &fixture, "--out", out, "--epochs", "8", "--bits", "16"], None);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stderr.contains("training on 11 sentences"), "{}", r.stderr);
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap(), "same data and settings, same bytes");
    let r = run(&["ner", "eval", "--scierc", &fixture, "--model", &a], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(f1(&r.stdout, "all") >= 0.95, "the training set is learned: {}", r.stdout);
    assert!(r.stdout.contains("OtherScientificTerm"), "{}", r.stdout);
    let info = run(&["ner", "info", "--model", &a], None);
    assert!(info.stdout.contains("\"data\": \"scierc-mini.json\""), "{}", info.stdout);
    // a different seed, a different model file
    let (_f, c) = tmp("c.tgner.gz");
    assert_eq!(run(&["ner", "train", "--scierc", &fixture, "--out", &c, "--epochs", "8", "--bits", "16", "--seed", "2"], None).code, 0);
    assert_ne!(std::fs::read(&a).unwrap(), std::fs::read(&c).unwrap());
}

#[test]
fn ner_gsap_train_eval_and_cross_validation_on_the_fixture() {
    let (paras, folds) = (data("ner/gsap-mini.jsonl"), data("ner/gsap-mini-folds.json"));
    let (_d, m) = tmp("g.tgner.gz");
    let r = run(&["ner", "train", "--gsap", &paras, "--out", &m, "--epochs", "10", "--bits", "16"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&["ner", "eval", "--gsap", &paras, "--model", &m, "--show", "5"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(f1(&r.stdout, "all") >= 0.95, "{}", r.stdout);
    assert!(r.stdout.contains("MLModel") && r.stdout.contains("Dataset") && !r.stdout.contains("MLModelGeneric"), "{}", r.stdout);
    let r = run(&["ner", "eval", "--gsap", &paras, "--model", &m, "--folds", &folds, "--fold", "1"], None);
    assert!(r.stdout.contains("on 4 paragraphs"), "{}", r.stdout);
    let r = run(&["ner", "cv", "--gsap", &paras, "--folds", &folds, "--epochs", "5", "--bits", "16", "--json"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["folds"].as_array().unwrap().len(), 2);
    let gold: u64 = ["tp", "fn"].iter().map(|k| v["total"]["total"][k].as_u64().unwrap()).sum();
    assert_eq!(gold, 26, "every MLModel and Dataset span of the fixture is scored once");
    // a fold file that misses a document is an error, not a silent skip
    let (_e, bad) = tmp("folds.json");
    std::fs::write(&bad, r#"{"0": ["p01.json"], "1": ["p02.json"]}"#).unwrap();
    let r = run(&["ner", "cv", "--gsap", &paras, "--folds", &bad], None);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no fold for document p03"), "{}", r.stderr);
}

#[test]
fn ner_tag_writes_spans_with_offsets_into_the_text() {
    let r = run(&["ner", "tag", &data("link/papers.jsonl"), "--model", "scierc"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines = r.json_lines();
    assert!(!lines.is_empty());
    let input: Vec<serde_json::Value> = std::fs::read_to_string(data("link/papers.jsonl")).unwrap().lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).unwrap()).collect();
    let mut spans = 0;
    for (out, paper) in lines.iter().zip(&input) {
        assert!(out["model"].as_str().unwrap().starts_with("scierc@"));
        for s in out["spans"].as_array().unwrap() {
            let field = s["field"].as_str().unwrap();
            let text: Vec<char> = paper[field].as_str().unwrap().chars().collect();
            let (a, b) = (s["start"].as_u64().unwrap() as usize, s["end"].as_u64().unwrap() as usize);
            assert_eq!(text[a..b].iter().collect::<String>(), s["text"].as_str().unwrap());
            spans += 1;
        }
    }
    assert!(spans > 0, "the SciERC model finds something in ML abstracts");
}

#[test]
fn ner_bad_inputs_fail_with_a_message() {
    let r = run(&["ner", "eval", "--scierc", &data("ner/gsap-mini.jsonl")], None);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("line 1: invalid DyGIE JSON"), "{}", r.stderr);
    let r = run(&["ner", "info", "--model", &data("ner/scierc-mini.json")], None);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("not a gzipped model"), "{}", r.stderr);
}

/// The shipped SciERC model on the test split: the score the README reports.
#[test]
fn ner_scierc_test_score_of_the_shipped_model() {
    let Some(test) = shared("eval/scierc/test.json") else { return };
    let r = run(&["ner", "eval", "--scierc", &test.display().to_string()], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let f = f1(&r.stdout, "all");
    assert!(f > 0.45, "SciERC test F1 {f}: {}", r.stdout);
}

/// `scripts/train-ner.sh`'s SciERC command gives the shipped file byte for byte.
#[test]
fn ner_shipped_scierc_model_regenerates_byte_identically() {
    let (Some(train), Some(dev)) = (shared("eval/scierc/train.json"), shared("eval/scierc/dev.json")) else { return };
    let (_d, out) = tmp("scierc.tgner.gz");
    let script = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/train-ner.sh")).unwrap();
    let line = script.lines().find(|l| l.contains("ner train --scierc")).expect("the script trains the SciERC model");
    // the script's own arguments, with the data and output paths of this checkout
    let args: Vec<String> = line.split_whitespace().skip_while(|w| *w != "ner").map(|w| match w {
        w if w.ends_with("/train.json") => train.display().to_string(),
        w if w.ends_with("/dev.json") => dev.display().to_string(),
        w if w.ends_with(".tgner.gz") => out.clone(),
        w => w.to_string(),
    }).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = run(&args, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let shipped = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/data/ner/scierc.tgner.gz")).unwrap();
    assert!(std::fs::read(&out).unwrap() == shipped, "retraining gave other bytes than data/ner/scierc.tgner.gz: {}", r.stderr);
}
