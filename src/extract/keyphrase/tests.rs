use super::*;
use crate::model::Paper;
use crate::ontology::OntologySpec;
use std::sync::OnceLock;

fn extractor() -> &'static KeyphraseExtractor {
    static E: OnceLock<KeyphraseExtractor> = OnceLock::new();
    E.get_or_init(|| KeyphraseExtractor::new(&Ontology::load(&[OntologySpec::Bundled]).unwrap(), KeyphraseConfig { max: 30, ..Default::default() }).unwrap())
}

fn paper(title: &str, abs: &str) -> Paper {
    Paper { id: "p".into(), title: title.into(), abstract_text: abs.into(), ..Default::default() }
}

fn texts(title: &str, abs: &str) -> Vec<String> {
    extractor().extract(&Document::new(&paper(title, abs))).into_iter().map(|k| k.text).collect()
}

/// The candidate phrases of a text, before scoring, in order.
fn candidates(abs: &str) -> Vec<String> {
    let doc = Document::new(&paper("", abs));
    let e = extractor();
    let f = doc.field(Field::Abstract).unwrap();
    let list = atoms(f);
    let info = e.classify(f, &list);
    let mut out = Vec::new();
    let mut k = 0;
    while k < list.len() {
        if info[k].kind != Kind::Content {
            k += 1;
            continue;
        }
        let mut j = k + 1;
        while j < list.len() && list[j - 1].joins_next && info[j].kind == Kind::Content {
            j += 1;
        }
        out.push(f.slice(list[k].start, list[j - 1].end));
        k = j;
    }
    out
}

#[test]
fn the_bundled_table_parses_and_is_real() {
    let t = extractor().table();
    assert!(t.docs > 100_000, "built from the 266k arXiv corpus, not a stub: {} docs", t.docs);
    assert!(t.len() > 50_000, "{} stem keys", t.len());
    // Common words have a low IDF, rare ones a high one.
    let idf = |k: &str| t.idf(table::str_hash(k));
    assert!(idf("model") < idf("transform") && idf("transform") < idf("kv-cach"), "{} {} {}", idf("model"), idf("transform"), idf("kv-cach"));
    // The corpus reads "propose" as a verb and "network" as a noun.
    let u = |w: &str| t.usage(lower_hash(w));
    assert!(u("improves").verb > u("improves").det * 2, "{:?}", u("improves"));
    assert!(u("network").det > u("network").verb, "{:?}", u("network"));
}

#[test]
fn candidates_split_at_stopwords_punctuation_and_verbs() {
    let c = candidates("We propose a graph neural network for traffic forecasting, which significantly improves accuracy on real-world road networks.");
    assert_eq!(c, vec!["graph neural network", "traffic forecasting", "accuracy", "real-world road networks"], "{c:?}");
    // Sentence ends and brackets cut; hyphenated atoms stay whole.
    let c = candidates("Mixture-of-experts layers (MoE) scale well. Sparse routing helps.");
    assert!(c.contains(&"Mixture-of-experts layers".to_string()) && c.contains(&"MoE".to_string()) && c.contains(&"Sparse routing".to_string()), "{c:?}");
}

#[test]
fn yake_failure_cases_digits_and_short_acronyms_are_kept() {
    let k = texts("GPT-4 answers COVID-19 questions", "We evaluate GPT-4 on COVID-19 QA with RL fine-tuning. GPT-4 beats GPT-3.5 on COVID-19 QA, and RL helps.");
    for want in ["GPT-4", "COVID-19", "QA", "RL"] {
        assert!(k.iter().any(|t| t.split_whitespace().any(|w| w == want)), "{want} missing from {k:?}");
    }
    assert!(k.iter().any(|t| t.contains("GPT-3.5")), "{k:?}");
}

#[test]
fn acronym_case_is_kept_and_positional_capitals_are_not() {
    let k = texts("Low-Rank Adaptation of Large Language Models", "LoRA adapts LLMs cheaply. Large language models are costly to tune; LoRA freezes the LLM weights.");
    assert!(k.contains(&"LoRA".to_string()), "{k:?}");
    assert!(k.iter().any(|t| t == "LLMs" || t == "LLM weights"), "{k:?}");
    assert!(!k.iter().any(|t| t == "lora" || t == "llms" || t == "Lora"), "acronyms never lowercased: {k:?}");
    // Title case and sentence-initial capitals go; proper names the corpus capitalises stay.
    assert!(k.iter().any(|t| t == "large language models"), "{k:?}");
    let k = texts("Bayesian Optimization of Hyperparameters", "Bayesian optimization tunes hyperparameters of deep networks with Gaussian processes.");
    assert!(k.iter().any(|t| t.starts_with("Bayesian optimization")), "{k:?}");
    assert!(k.iter().any(|t| t == "Gaussian processes"), "{k:?}");
}

#[test]
fn duplicates_by_normalised_form_are_one_keyphrase() {
    let k = texts("KV-Cache Compression", "We compress the KV cache. KV caches grow with context; kv-cache compression saves memory.");
    let norm: Vec<String> = k.iter().map(|t| crate::text::words(&crate::text::tokenize(t)).iter().map(|w| w.stem.clone()).collect::<Vec<_>>().join(" ")).collect();
    let mut uniq = norm.clone();
    uniq.sort();
    uniq.dedup();
    assert_eq!(uniq.len(), norm.len(), "{k:?}");
    assert!(k.iter().filter(|t| t.to_lowercase().replace('-', " ").starts_with("kv cache")).count() <= 2, "{k:?}");
    // The first occurrence is reported, with its offsets (evidence).
    let doc = Document::new(&paper("KV-Cache Compression", "We compress the KV cache."));
    let first = extractor().extract(&doc).into_iter().find(|k| k.text == "KV-Cache compression").expect("title phrase");
    assert_eq!((first.field, first.start, first.end), (Field::Title, 0, 20));
}

#[test]
fn keyphrases_that_are_labels_link_to_their_concept() {
    let k = extractor().extract(&Document::new(&paper("Speculative decoding for fast inference", "We study speculative decoding with proposal networks and a KV cache.")));
    let sd = k.iter().find(|k| k.text.to_lowercase() == "speculative decoding").expect("speculative decoding");
    assert_eq!(sd.concept.as_deref(), Some("speculative-decoding"), "{k:?}");
    let other = k.iter().find(|k| k.text.to_lowercase().contains("proposal networks")).expect("proposal networks");
    assert!(other.concept.is_none() || other.text.to_lowercase() != "proposal networks", "{other:?}");
}

#[test]
fn at_least_ten_keyphrases_when_the_text_has_them_and_none_from_nothing() {
    let e = KeyphraseExtractor::new(&Ontology::load(&[OntologySpec::Bundled]).unwrap(), KeyphraseConfig::default()).unwrap();
    let abs = "Graph neural networks learn node representations by message passing. We study over-smoothing in deep graph convolutional networks, propose residual connections with adaptive gating, and evaluate node classification on citation graphs, protein interaction networks and social networks. Our method reduces over-smoothing and improves accuracy on heterophilous benchmarks.";
    let k = e.extract(&Document::new(&paper("Deep graph neural networks without over-smoothing", abs)));
    assert_eq!(k.len(), 10, "{k:?}");
    assert!(k.windows(2).all(|w| w[0].score >= w[1].score), "best first");
    assert!(e.extract(&Document::new(&paper("", ""))).is_empty());
    assert!(e.extract(&Document::new(&paper("We", "It is what it is."))).is_empty());
}

#[test]
fn extraction_is_deterministic() {
    let p = paper("Retrieval-augmented generation", "Retrieval-augmented generation (RAG) grounds LLM answers in retrieved passages. We benchmark dense retrievers and rerankers on multi-hop QA.");
    let a = serde_json::to_string(&extractor().extract(&Document::new(&p))).unwrap();
    for _ in 0..3 {
        assert_eq!(serde_json::to_string(&extractor().extract(&Document::new(&p))).unwrap(), a);
    }
}

#[test]
fn math_is_not_a_keyphrase() {
    let mut p = paper("Bounds", "We prove $\\mathrm{regret bounds}$ for bandits.");
    p.math_spans.abstract_text = vec![[9, 33]];
    let k: Vec<String> = extractor().extract(&Document::new(&p)).into_iter().map(|k| k.text).collect();
    assert!(!k.iter().any(|t| t.contains("mathrm") || t.contains("regret")), "{k:?}");
}
