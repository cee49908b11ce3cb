//! The neural suite (`cargo test --release --features neural --test neural`, run by
//! scripts/test.sh after scripts/setup-neural.sh). Two kinds of tests:
//! - with a tiny randomly initialised BERT, generated here with tch (no weights needed):
//!   the code path of loading, embedding, caching and `tag --semantic on`;
//! - with the real all-MiniLM-L6-v2 weights (found as the binary finds them: $TOPICGRAPH_MODEL
//!   or the setup script's folder): embeddings that mean something, and a link string
//!   matching cannot make. Without the weights they skip with a reason, or fail under CI=true.

#[allow(dead_code)]
#[path = "../integration/common.rs"]
mod common;

use common::{run, skip};
use rust_bert::pipelines::common::{ConfigOption, ModelType};
use rust_bert::pipelines::sentence_embeddings::SentenceEmbeddingsOption;
use std::path::{Path, PathBuf};
use topicgraph::embed::bert::BertEmbedder;
use topicgraph::embed::{dot, model_dir, EmbedError, Embedder};

/// Write a sentence-transformers folder holding a tiny random BERT (hidden size 32, two
/// layers) with a small WordPiece vocabulary.
fn tiny_model(dir: &Path) {
    let mut vocab: Vec<String> = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].iter().map(|s| s.to_string()).collect();
    for w in "the a of and to in for with on we our is are this paper model models language large attention cache key value keys values memory compress compression decoding inference training data experts mixture retrieval generation code benchmark protein folding"
        .split(' ')
    {
        vocab.push(w.to_string());
    }
    for c in 'a'..='z' {
        vocab.push(c.to_string());
        vocab.push(format!("##{c}"));
    }
    std::fs::write(dir.join("vocab.txt"), vocab.join("\n") + "\n").unwrap();
    let config = serde_json::json!({
        "architectures": ["BertModel"], "model_type": "bert", "hidden_act": "gelu",
        "attention_probs_dropout_prob": 0.0, "hidden_dropout_prob": 0.0, "hidden_size": 32,
        "initializer_range": 0.02, "intermediate_size": 64, "layer_norm_eps": 1e-12,
        "max_position_embeddings": 128, "num_attention_heads": 2, "num_hidden_layers": 2,
        "pad_token_id": 0, "type_vocab_size": 2, "vocab_size": vocab.len()
    });
    std::fs::write(dir.join("config.json"), config.to_string()).unwrap();
    std::fs::create_dir_all(dir.join("1_Pooling")).unwrap();
    std::fs::write(dir.join("1_Pooling/config.json"), r#"{"word_embedding_dimension": 32, "pooling_mode_cls_token": false, "pooling_mode_mean_tokens": true, "pooling_mode_max_tokens": false, "pooling_mode_mean_sqrt_len_tokens": false}"#).unwrap();
    std::fs::write(
        dir.join("modules.json"),
        r#"[{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"}, {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}, {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]"#,
    )
    .unwrap();
    std::fs::write(dir.join("sentence_bert_config.json"), r#"{"max_seq_length": 64, "do_lower_case": false}"#).unwrap();
    std::fs::write(dir.join("tokenizer_config.json"), r#"{"do_lower_case": true, "strip_accents": null}"#).unwrap();
    tch::manual_seed(7);
    let vs = tch::nn::VarStore::new(tch::Device::Cpu);
    let cfg = ConfigOption::from_file(ModelType::Bert, dir.join("config.json"));
    SentenceEmbeddingsOption::new(ModelType::Bert, vs.root(), &cfg).unwrap();
    vs.save(dir.join("model.safetensors")).unwrap();
}

#[test]
fn a_tiny_random_bert_gives_unit_vectors_the_same_alone_or_in_a_batch() {
    let dir = tempfile::tempdir().unwrap();
    tiny_model(dir.path());
    let e = BertEmbedder::load(dir.path()).unwrap();
    assert_eq!(e.dim(), 32);
    assert!(e.id().starts_with("bert:"), "{}", e.id());
    let texts = ["we compress the key value cache", "mixture of experts", "protein folding with a large model of language and code"];
    let batch = e.embed(&texts).unwrap();
    assert_eq!(batch.len(), 3);
    for (t, v) in texts.iter().zip(&batch) {
        assert_eq!(v.len(), 32);
        assert!((dot(v, v) - 1.0).abs() < 1e-4, "unit length");
        let alone = &e.embed(&[t]).unwrap()[0];
        assert!(dot(v, alone) > 0.9999, "padding in a batch must not change a text's vector");
    }
    // Any number of threads may ask the one model thread.
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4).map(|_| s.spawn(|| e.embed(&texts).unwrap())).collect();
        for h in handles {
            let v = h.join().unwrap();
            assert!(v.iter().zip(&batch).all(|(a, b)| dot(a, b) > 0.9999));
        }
    });
}

#[test]
fn a_model_folder_without_weights_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    tiny_model(dir.path());
    std::fs::remove_file(dir.path().join("model.safetensors")).unwrap();
    match BertEmbedder::load(dir.path()) {
        Err(e @ EmbedError::MissingModel { .. }) => assert!(e.to_string().contains("model.safetensors is missing") && e.to_string().contains("setup-neural.sh"), "{e}"),
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("loaded a model without weights"),
    }
    let r = run(&["tag", "-q", "--semantic", "on", "--model", &dir.path().display().to_string(), "-"], Some(b"{\"id\":\"x\",\"title\":\"t\",\"abstract\":\"a\"}\n"));
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("model.safetensors is missing"), "{}", r.stderr);
}

#[test]
fn tag_semantic_on_with_the_tiny_model_adds_semantic_evidence_and_caches_concepts() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("tiny");
    std::fs::create_dir(&model).unwrap();
    tiny_model(&model);
    let cache = dir.path().join("cache");
    let paper = b"{\"id\":\"p1\",\"title\":\"Compressing the attention memory\",\"abstract\":\"We compress keys and values during decoding. Our method is fast.\"}\n";
    let args = |extra: &[&str]| -> Vec<String> {
        let mut a: Vec<String> = ["tag", "--semantic", "on", "--model"].iter().map(|s| s.to_string()).collect();
        a.push(model.display().to_string());
        a.extend(["--embedding-cache".to_string(), cache.display().to_string(), "--semantic-min-similarity".into(), "0".into(), "--semantic-units".into(), "sentences".into()]);
        a.extend(extra.iter().map(|s| s.to_string()));
        a.push("-".into());
        a
    };
    let a = args(&[]);
    let first = run(&a.iter().map(String::as_str).collect::<Vec<_>>(), Some(paper));
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(first.stderr.contains("concept vectors embedded and cached"), "{}", first.stderr);
    assert!(first.stderr.contains("semantic linking: papers 1, texts 3 (0 from the embedding cache, 3 embedded now)"), "{}", first.stderr);
    let tagged = first.json_lines();
    // With semantic linking, `--ranker bundled` is the model trained with it.
    let version = tagged[0]["ontology"].as_str().unwrap();
    assert!(version.contains("+semantic:") && version.contains(&format!("+ranker:{}+", topicgraph::link::rank::Ranker::bundled_semantic().id())), "{version}");
    let semantic: Vec<&serde_json::Value> = tagged[0]["concepts"].as_array().unwrap().iter().flat_map(|c| c["evidence"].as_array().unwrap()).filter(|e| e["matcher"] == "semantic").collect();
    assert!(!semantic.is_empty(), "with similarity floor 0 every unit proposes its closest concepts: {}", first.stdout);
    // Semantic mentions, and core concepts rolled up from them.
    assert!(semantic.iter().all(|e| (e["rule"] == "semantic" && e["label"].as_str().unwrap().contains("(cosine ")) || (e["rule"] == "core-rollup" && e["via"].is_string())), "{semantic:?}");
    let second = run(&a.iter().map(String::as_str).collect::<Vec<_>>(), Some(paper));
    assert!(second.stderr.contains("concept vectors read from"), "{}", second.stderr);
    assert!(second.stderr.contains("(3 from the embedding cache, 0 embedded now)"), "{}", second.stderr);
    assert_eq!(first.stdout, second.stdout, "cached vectors give the same tags");
}

/// The real all-MiniLM-L6-v2 folder, or a skip (a failure under CI=true).
fn real_model() -> Option<PathBuf> {
    let dir = model_dir(None);
    match topicgraph::embed::check_model_dir(&dir) {
        Ok(()) => Some(dir),
        Err(e) => {
            skip(&format!("the real model is not installed ({e})"));
            None
        }
    }
}

#[test]
fn real_model_embeddings_match_the_published_similarities() {
    let Some(dir) = real_model() else { return };
    let e = BertEmbedder::load(&dir).unwrap();
    assert_eq!(e.dim(), 384);
    let v = e.embed(&["The new movie is awesome", "The new movie is so great", "The cat sits outside", "The cat plays in the garden", "We compress the key-value cache of large language models.", "Protein structure prediction with deep learning."]).unwrap();
    // The similarities sentence-transformers documents for this model (sbert.net, "Semantic
    // Textual Similarity"): the same weights through rust-bert give the same numbers.
    assert!((dot(&v[0], &v[1]) - 0.8939).abs() < 2e-3, "{}", dot(&v[0], &v[1]));
    assert!((dot(&v[2], &v[3]) - 0.6788).abs() < 2e-3, "{}", dot(&v[2], &v[3]));
    assert!(dot(&v[0], &v[2]).abs() < 0.1, "unrelated sentences: {}", dot(&v[0], &v[2]));
    assert!(dot(&v[4], &v[5]) < 0.3, "other topics: {}", dot(&v[4], &v[5]));
}

/// A paper that never writes a label of the concept it is about: string matching cannot tag
/// it; the semantic matcher does, with the sentence as evidence.
#[test]
fn real_model_links_a_concept_the_text_never_names() {
    let Some(dir) = real_model() else { return };
    let cache = tempfile::tempdir().unwrap();
    let paper = br#"{"id":"sem-1","title":"Forgetting what attention no longer needs: evicting stored keys and values during long generation","abstract":"Autoregressive decoding keeps the key and value vectors of every past token, and this memory grows linearly with the output length. We score each stored token by the attention it received and drop the least useful ones, keeping memory constant. On long-document summarisation the method matches full attention with a fifth of the memory."}
"#;
    let base = ["tag", "-q", "--no-entities", "--max-keywords", "0", "--model", &dir.display().to_string(), "--embedding-cache", &cache.path().display().to_string()];
    let ids = |r: &common::Run| -> Vec<String> { r.json_lines()[0]["concepts"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()).collect() };
    // String matching alone (the concept profiles, which find this paper lexically too, are
    // off: tests/integration/link.rs covers them).
    let lexical = run(&[&base[..], &["--semantic", "off", "--profiles", "off", "-"]].concat(), Some(paper));
    assert_eq!(lexical.code, 0, "{}", lexical.stderr);
    assert!(!ids(&lexical).iter().any(|c| c.starts_with("kv-")), "string matching alone: {:?}", ids(&lexical));
    let semantic = run(&[&base[..], &["--semantic", "on", "-"]].concat(), Some(paper));
    assert_eq!(semantic.code, 0, "{}", semantic.stderr);
    let got = ids(&semantic);
    assert!(got.iter().any(|c| c.starts_with("kv-")), "semantic linking: {got:?}\n{}", semantic.stdout);
}
