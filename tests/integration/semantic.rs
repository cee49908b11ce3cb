//! The semantic layer in the default build: every code path of `--semantic` and
//! `--keyphrase-scorer keybert` with the deterministic hashing embedder (the BERT embedder
//! has its own suite, tests/neural, with `--features neural`).

use crate::common::{data, run};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("semantic").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn tag_hashing(cache: &Path, extra: &[&str]) -> (Vec<Value>, String) {
    let cache = cache.display().to_string();
    let papers = data("link/papers.jsonl");
    let mut args = vec!["tag", "--embedder", "hashing", "--embedding-cache", cache.as_str()];
    args.extend_from_slice(extra);
    args.push(papers.as_str());
    let r = run(&args, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    (r.json_lines(), r.stderr)
}

#[test]
fn semantic_on_adds_semantic_evidence_names_the_model_and_is_deterministic() {
    let dir = scratch("on");
    let (off, _) = tag_hashing(&dir, &["--semantic", "off"]);
    let (on, stderr) = tag_hashing(&dir, &["--semantic", "on", "--semantic-units", "sentences", "--semantic-min-similarity", "0.2"]);
    assert!(stderr.contains("semantic linking: on (hashing-v1-384)"), "{stderr}");
    assert!(stderr.contains("concept vectors embedded and cached in"), "{stderr}");
    assert_eq!(on.len(), off.len());
    assert!(off[0]["ontology"].as_str().unwrap().starts_with("bundled@") && !off[0]["ontology"].as_str().unwrap().contains("semantic"));
    assert!(on[0]["ontology"].as_str().unwrap().ends_with("+semantic:hashing-v1-384"), "{}", on[0]["ontology"]);
    let semantic: Vec<&Value> = on.iter().flat_map(|p| p["concepts"].as_array().unwrap()).flat_map(|c| c["evidence"].as_array().unwrap()).filter(|e| e["matcher"] == "semantic").collect();
    assert!(!semantic.is_empty(), "some sentence shares enough words with a concept's texts");
    for e in &semantic {
        // A semantic mention, or a core concept rolled up from one.
        match e["rule"].as_str().unwrap() {
            "semantic" => assert!(e["label"].as_str().unwrap().contains("(cosine 0."), "{e}"),
            rule => assert_eq!((rule, e["via"].is_string()), ("core-rollup", true), "{e}"),
        }
    }
    // A second run reads the concept vectors and every sentence from the cache: same bytes.
    let (again, stderr) = tag_hashing(&dir, &["--semantic", "on", "--semantic-units", "sentences", "--semantic-min-similarity", "0.2"]);
    assert!(stderr.contains("concept vectors read from"), "{stderr}");
    assert!(stderr.contains("0 embedded now"), "{stderr}");
    assert_eq!(again, on);
}

#[test]
fn the_bert_embedder_without_the_neural_build_is_a_clear_error() {
    if cfg!(feature = "neural") {
        return;
    }
    let r = run(&["tag", "--semantic", "on", &data("link/papers.jsonl")], None);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("built without the `neural` feature") && r.stderr.contains("setup-neural.sh"), "{}", r.stderr);
    // Auto without the model is lexical linking, silently.
    let r = run(&["tag", "-q", "--semantic", "auto", &data("link/papers.jsonl")], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("\"matcher\":\"semantic\""));
}

#[test]
fn keybert_reranks_keyphrases_from_the_same_candidates() {
    let dir = scratch("keybert");
    let (tfidf, _) = tag_hashing(&dir, &[]);
    let (keybert, stderr) = tag_hashing(&dir, &["--keyphrase-scorer", "keybert"]);
    assert!(stderr.contains("keyphrases re-ranked (keybert): papers 5"), "{stderr}");
    for (a, b) in tfidf.iter().zip(&keybert) {
        let (ka, kb) = (a["keywords"].as_array().unwrap(), b["keywords"].as_array().unwrap());
        assert_eq!(ka.len(), kb.len(), "as many keyphrases");
        for k in kb {
            let s = k["score"].as_f64().unwrap();
            assert!((-1.0..=1.0).contains(&s), "a cosine: {k}");
        }
    }
    assert_ne!(tfidf, keybert, "the order or the choice changes");
}

#[test]
fn a_store_follows_how_it_was_tagged_unless_told_otherwise() {
    let dir = scratch("store");
    let out = dir.join("out").display().to_string();
    let cache = dir.join("cache").display().to_string();
    let input = data("link/papers.jsonl");
    let attempt = |extra: &[&str]| {
        let mut args = vec!["build", "--out", out.as_str(), "--embedding-cache", cache.as_str()];
        args.extend_from_slice(extra);
        args.push(input.as_str());
        run(&args, None)
    };
    let build = |extra: &[&str]| {
        let r = attempt(&[&["--embedder", "hashing"], extra].concat());
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stderr
    };
    build(&["--semantic", "on"]);
    // auto on a store tagged semantically stays semantic: nothing re-tagged; and so does a
    // build that does not say (the daily update).
    for extra in [&["--semantic", "auto"][..], &[]] {
        let stderr = build(extra);
        assert!(stderr.contains("the store was tagged with it"), "{stderr}");
        assert!(!stderr.contains("re-tagged"), "{stderr}");
    }
    // A run that cannot embed refuses rather than re-tag the store without it.
    let r = attempt(&["--model", "/nonexistent/model"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("the store was tagged with semantic linking") && r.stderr.contains("--semantic off"), "{}", r.stderr);
    assert!(!r.stderr.contains("re-tagged"), "{}", r.stderr);
    // Switching it off re-tags every stored paper.
    let stderr = build(&["--semantic", "off"]);
    assert!(stderr.contains("re-tagged for the new ontology version"), "{stderr}");
}

#[test]
fn graph_similar_by_embeddings_ranks_every_stored_paper_and_caches_their_vectors() {
    let dir = scratch("neighbours");
    let out = dir.join("out");
    let (store, cache) = (out.join("store").display().to_string(), dir.join("cache").display().to_string());
    let r = run(&["build", "-q", "--out", &out.display().to_string(), &data("link/papers.jsonl")], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let similar = |paper: &str| {
        let r = run(&["graph", "similar", paper, "--by", "embeddings", "--embedder", "hashing", "--embedding-cache", &cache, "--store", &store, "--format", "json"], None);
        assert_eq!(r.code, 0, "{}", r.stderr);
        (serde_json::from_str::<Value>(&r.stdout).unwrap(), r.stderr)
    };
    let (first, stderr) = similar("id:kv-1");
    assert!(stderr.contains("4 from the embedding cache") || stderr.contains("0 from the embedding cache, 4 embedded now"), "{stderr}");
    assert_eq!((first["paper"].as_str(), first["by"].as_str(), first["model"].as_str()), (Some("id:kv-1"), Some("embeddings"), Some("hashing-v1-384")));
    let rows = first["similar"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "every other stored paper: {first}");
    assert!(rows.iter().all(|r| r["id"] != "id:kv-1"));
    let scores: Vec<f64> = rows.iter().map(|r| r["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "nearest first: {scores:?}");
    let (again, stderr) = similar("id:kv-1");
    assert!(stderr.contains("4 from the embedding cache, 0 embedded now"), "{stderr}");
    assert_eq!(again, first);

    // Concepts by their mean embedding: the ontology's, whether or not papers tag them together.
    let r = run(&["graph", "related", "kv-cache-quantization", "--by", "embeddings", "--embedder", "hashing", "--embedding-cache", &cache, "--store", &store, "--format", "json", "--top", "5"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let related: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!((related["concept"].as_str(), related["by"].as_str()), (Some("kv-cache-quantization"), Some("embeddings")));
    let rows = related["related"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|r| r["id"] != "kv-cache-quantization" && r["label"].is_string()));
    assert!(rows.iter().any(|r| r["id"].as_str().unwrap().starts_with("kv-cache")), "{related}");
}
