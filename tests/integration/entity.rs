//! Named entities in `topicgraph tag` output, and their evaluation (`eval` on the seed gold
//! and on GSAP-NER).

use crate::common::{data, run, shared, tag};
use serde_json::Value;

/// Golden output for a few abstracts: every entity with its key, type, score, mentions and
/// evidence. Regenerate after a deliberate change with
/// `topicgraph tag -q tests/data/entity/abstracts.jsonl | jq -c '{id, entities}' > tests/data/entity/golden.jsonl`
/// and read the diff.
#[test]
fn entities_match_the_golden_file() {
    let got: Vec<String> = tag(&[&data("entity/abstracts.jsonl")]).iter().map(|p| serde_json::json!({"id": p["id"], "entities": p["entities"]}).to_string()).collect();
    let golden = std::fs::read_to_string(data("entity/golden.jsonl")).unwrap();
    let want: Vec<String> = golden.lines().map(|l| serde_json::from_str::<Value>(l).unwrap().to_string()).collect();
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g, w, "entities differ from the golden file");
    }
}

#[test]
fn mentions_point_into_the_text_and_keys_link_papers() {
    let papers: Vec<Value> = std::fs::read_to_string(data("entity/abstracts.jsonl")).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let out = tag(&[&data("entity/abstracts.jsonl")]);
    for (p, t) in papers.iter().zip(&out) {
        for e in t["entities"].as_array().unwrap() {
            for m in e["mentions"].as_array().unwrap() {
                let text: Vec<char> = p[m["field"].as_str().unwrap()].as_str().unwrap().chars().collect();
                let (s, x) = (m["start"].as_u64().unwrap() as usize, m["end"].as_u64().unwrap() as usize);
                assert_eq!(text[s..x].iter().collect::<String>(), m["text"].as_str().unwrap(), "{e}");
            }
            assert!(["model", "dataset", "method", "software", "metric"].contains(&e["type"].as_str().unwrap()));
            assert!(!e["evidence"].as_array().unwrap().is_empty());
        }
    }
    let keys = |i: usize| -> Vec<String> { out[i]["entities"].as_array().unwrap().iter().map(|e| e["key"].as_str().unwrap().to_string()).collect() };
    assert!(keys(0).contains(&"llama-3.1-8b".to_string()) && keys(0).contains(&"vllm".to_string()), "{:?}", keys(0));
    // Off: no entities at all.
    let off = tag(&["--no-entities", &data("entity/abstracts.jsonl")]);
    assert!(off.iter().all(|p| p["entities"].as_array().unwrap().is_empty()));
}

/// The floors on the seed development set, as regression guards.
#[test]
fn seed_entities_reach_the_floors() {
    let (Some(seed), Some(gold)) = (shared("seed/seed-papers.jsonl"), shared("eval/seed-gold.jsonl")) else { return };
    let r = run(&["eval", "--gold", gold.to_str().unwrap(), "--input", seed.to_str().unwrap(), "--json"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let f1 = |c: &Value| {
        let (tp, fp, fn_) = (c["tp"].as_f64().unwrap(), c["fp"].as_f64().unwrap(), c["fn"].as_f64().unwrap());
        2.0 * tp / (2.0 * tp + fp + fn_)
    };
    assert!(f1(&v["entities"]) >= 0.80, "untyped entity F1 {:.3}", f1(&v["entities"]));
    assert!(f1(&v["entities_typed"]) >= 0.70, "typed entity F1 {:.3}", f1(&v["entities_typed"]));
}

#[test]
fn gsap_ner_is_scored_by_exact_span() {
    let r = run(&["eval", "--gsap-ner", &data("entity/gsap-sample.jsonl")], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("3 paragraphs scored"), "{}", r.stdout);
    assert!(r.stdout.contains("MLModel") && r.stdout.contains("Dataset"), "{}", r.stdout);
    let j = run(&["eval", "--gsap-ner", &data("entity/gsap-sample.jsonl"), "--json"], None);
    let v: Value = serde_json::from_str(&j.stdout).unwrap();
    assert!(v["typed"]["tp"].as_u64().unwrap() > 0, "{v}");
}
