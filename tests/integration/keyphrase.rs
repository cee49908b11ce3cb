//! Keyphrases: `tag` output, the golden file, `eval --keyphrases` against the reference
//! script, and the table command.

use crate::common::{data, python_with, run, shared};
use serde_json::Value;

#[test]
fn tag_writes_typed_keywords_best_first() {
    let r = run(&["tag", "-q", "--no-scope", &data("keyphrase/papers.jsonl")], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for v in r.json_lines() {
        let kw = v["keywords"].as_array().expect("keywords array");
        assert_eq!(kw.len(), 10, "{}: ten keyphrases by default from a real abstract: {kw:?}", v["id"]);
        let scores: Vec<f64> = kw.iter().map(|k| k["score"].as_f64().unwrap()).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first: {scores:?}");
        for k in kw {
            assert!(k["text"].as_str().is_some_and(|t| !t.is_empty()));
            assert!(["title", "abstract"].contains(&k["field"].as_str().unwrap()));
            assert!(k["end"].as_u64().unwrap() > k["start"].as_u64().unwrap());
            assert!(k.get("concept").is_none_or(|c| c.as_str().is_some_and(|c| !c.is_empty())));
        }
    }
    let none = run(&["tag", "-q", "--max-keywords", "0", &data("keyphrase/papers.jsonl")], None);
    assert!(none.json_lines().iter().all(|v| v["keywords"].as_array().unwrap().is_empty()));
}

#[test]
fn golden_keywords() {
    // The exact keyphrases of the fixture papers. After an intended change, regenerate with
    // `cargo run --release -- tag -q --no-scope tests/data/keyphrase/papers.jsonl | jq -c '{id, keywords}' > tests/data/keyphrase/golden-keywords.jsonl`.
    let r = run(&["tag", "-q", "--no-scope", &data("keyphrase/papers.jsonl")], None);
    let got: Vec<String> = r.json_lines().iter().map(|v| serde_json::json!({"id": v["id"], "keywords": v["keywords"]}).to_string()).collect();
    let want = std::fs::read_to_string(data("keyphrase/golden-keywords.jsonl")).unwrap();
    let want: Vec<String> = want.lines().map(|l| serde_json::from_str::<Value>(l).unwrap().to_string()).collect();
    assert_eq!(got, want);
}

#[test]
fn table_command_counts_a_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.tsv.gz");
    let r = run(&["keyphrases", "table", "-q", &data("keyphrase/papers.jsonl"), "--out", out.to_str().unwrap(), "--min-df", "1", "--min-usage", "1"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(std::fs::File::open(&out).unwrap()), &mut text).unwrap();
    let n = std::fs::read_to_string(data("keyphrase/papers.jsonl")).unwrap().lines().count();
    assert!(text.lines().any(|l| l == format!("docs\t{n}")), "{text:.300}");
    assert!(text.lines().any(|l| l.starts_with("s\tlanguag\t")), "stem rows");
    assert!(text.lines().any(|l| l.starts_with("w\t")), "usage rows");
    // Same corpus, same bytes.
    let again = dir.path().join("t2.tsv.gz");
    run(&["keyphrases", "table", "-q", &data("keyphrase/papers.jsonl"), "--out", again.to_str().unwrap(), "--min-df", "1", "--min-usage", "1"], None);
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&again).unwrap());
}

/// F1@5 and F1@10 on the Inspec test split, by `topicgraph eval` and by the reference script
/// on the same predictions, agree to three decimals; and the extractor reaches the floor.
#[test]
fn inspec_eval_agrees_with_the_reference_script() {
    let (Some(dir), Some(script)) = (shared("eval/inspec/Test"), shared("eval/keyphrase_eval.py")) else { return };
    let Some(python) = python_with("nltk") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let papers = tmp.path().join("inspec.jsonl");
    let o = std::process::Command::new(&python).args([script.to_str().unwrap(), dir.to_str().unwrap(), "--write-papers", papers.to_str().unwrap()]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pred = tmp.path().join("pred.jsonl");
    let r = run(&["tag", "-q", "--no-scope", papers.to_str().unwrap(), "--out", pred.to_str().unwrap()], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let o = std::process::Command::new(&python).args([script.to_str().unwrap(), dir.to_str().unwrap(), "--pred", pred.to_str().unwrap()]).output().unwrap();
    let theirs: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
    let ours = run(&["eval", "--keyphrases", "inspec", dir.to_str().unwrap(), pred.to_str().unwrap(), "--json"], None);
    let ours: Value = serde_json::from_str(&ours.stdout).unwrap_or_else(|e| panic!("{e}: {}", ours.stderr));
    for (i, k) in ["f1@5", "f1@10"].iter().enumerate() {
        let (a, b) = (ours["at"][i]["f1"].as_f64().unwrap(), theirs["pred"][k].as_f64().unwrap());
        assert!((a - b).abs() < 0.0005 + 1e-9, "{k}: ours {a:.4} vs keyphrase_eval.py {b:.3}");
    }
    // On the fly gives the same numbers as through `tag`, and stays above the floor.
    let fly = run(&["eval", "--keyphrases", "inspec", dir.to_str().unwrap(), "--json"], None);
    let fly: Value = serde_json::from_str(&fly.stdout).unwrap();
    assert_eq!(fly["at"], ours["at"]);
    assert!(fly["at"][1]["f1"].as_f64().unwrap() >= 0.30, "F1@10 {}", fly["at"][1]["f1"]);
}

#[test]
fn openreview_author_keywords_recall() {
    let Some(list) = shared("corpus/iclr2021-openreview/paperlist.tsv") else { return };
    let r = run(&["eval", "--keyphrases", "openreview", list.to_str().unwrap(), "--json"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(v["papers"].as_u64().unwrap() > 2000, "{v}");
    let at10 = &v["at"][1];
    assert!(at10["recall"].as_f64().unwrap() > 0.05, "{v}");
}

#[test]
fn eval_needs_a_gold_or_keyphrases() {
    let r = run(&["eval", "--input", "x.jsonl"], None);
    assert_ne!(r.code, 0);
    let r = run(&["eval", "--keyphrases", "semeval", "x"], None);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("expected inspec or openreview"), "{}", r.stderr);
}
