//! `topicgraph graph stats|related|similar|path` on a RocksDB store built from the Turtle
//! fixtures in `tests/data/graph/` (one file per named graph of the RDF contract).

use crate::common::{data, run};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphNameRef, Literal, NamedNode, NamedNodeRef, QuadRef};
use oxigraph::store::Store;
use serde_json::Value;
use tempfile::TempDir;

const BASE: &str = "https://w3id.org/topicgraph/data/";
const TG: &str = "https://w3id.org/topicgraph/ontology#";

/// A store with the fixture's ontology, papers and annotations graphs, closed again.
fn fixture_store() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    for name in ["ontology", "papers", "annotations"] {
        let graph = NamedNode::new(format!("{BASE}graph/{name}")).unwrap();
        let text = std::fs::read(data(&format!("graph/{name}.ttl"))).unwrap();
        store.load_from_slice(RdfParser::from_format(RdfFormat::Turtle).with_default_graph(graph), &text).unwrap();
    }
    dir
}

fn graph(dir: &TempDir, args: &[&str]) -> String {
    let store = dir.path().to_str().unwrap();
    let mut full = vec!["graph"];
    full.extend_from_slice(args);
    full.extend_from_slice(&["--store", store, "--min-support", "2"]);
    let r = run(&full, None);
    assert_eq!(r.code, 0, "{full:?}: {}", r.stderr);
    r.stdout
}

fn json(dir: &TempDir, args: &[&str]) -> Value {
    let mut full = args.to_vec();
    full.extend_from_slice(&["--format", "json"]);
    serde_json::from_str(&graph(dir, &full)).unwrap()
}

#[test]
fn stats_counts_the_fixture() {
    let dir = fixture_store();
    let s = json(&dir, &["stats"]);
    assert_eq!(s["nodes"], serde_json::json!({"concept": 10, "paper": 9, "author": 6, "entity": 0}));
    assert_eq!(s["edges"]["tagged"], 20);
    assert_eq!(s["edges"]["authored"], 12);
    assert_eq!(s["edges"]["broader"], 7, "skos:narrower counts as broader the other way");
    assert_eq!(s["edges"]["cooccurs"], 3, "kv-cache/llm-serving, large-language-model/transformer, reinforcement-learning/robotics");
    assert_eq!(s["tagged_papers"], 9);
    assert_eq!(s["dates"], serde_json::json!(["2023-12-30", "2024-03-01"]));
    let sizes: Vec<u64> = s["largest_communities"].as_array().unwrap().iter().map(|c| c["size"].as_u64().unwrap()).collect();
    assert_eq!(sizes, [2, 2, 2]);
    assert_eq!(s["top_by_papers"][0]["id"], "large-language-model");
    let table = graph(&dir, &["stats"]);
    assert!(table.contains("nodes            concept 10, paper 9, author 6, entity 0"), "{table}");
    assert!(table.contains("top concepts by PageRank"), "{table}");
    assert_eq!(table, graph(&dir, &["stats"]), "the same store gives the same output");
}

#[test]
fn related_lists_associates_then_skos_neighbours() {
    let dir = fixture_store();
    let r = json(&dir, &["related", "kv-cache"]);
    let rows: Vec<(&str, &Value)> = r["related"].as_array().unwrap().iter().map(|x| (x["id"].as_str().unwrap(), &x["skos"])).collect();
    assert_eq!(rows, [("llm-serving", &Value::Null), ("large-language-model", &Value::from("broader"))]);
    let first = &r["related"][0]["cooccurrence"];
    assert_eq!((first["count"].as_u64(), first["npmi"].as_f64()), (Some(3), Some(1.0)), "always together");
    let table = graph(&dir, &["related", "https://w3id.org/topicgraph/concept/kv-cache"]);
    assert!(table.starts_with("related to kv-cache (KV cache)"), "{table}");
}

#[test]
fn similar_papers_share_concepts() {
    let dir = fixture_store();
    let s = json(&dir, &["similar", "arxiv:2401.00001"]);
    let ids: Vec<&str> = s["similar"].as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap()).collect();
    assert_eq!(ids[..2], ["arxiv:2401.00002", "arxiv:2401.00003"], "{ids:?}");
    assert!(!ids.contains(&"arxiv:2401.00006") && !ids.contains(&"arxiv:2401.00009"), "nothing in common: {ids:?}");
    let shared: Vec<&str> = s["similar"][0]["shared"].as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap()).collect();
    assert_eq!(shared.len(), 2);
    // By another identifier, and a bare arXiv id.
    assert_eq!(json(&dir, &["similar", "doi:10.1234/seed.8"])["paper"], "seed-008");
    assert_eq!(json(&dir, &["similar", "2401.00006"])["similar"][0]["id"], "arxiv:2401.00007");
}

#[test]
fn path_walks_cooccurrence_and_skos_links() {
    let dir = fixture_store();
    let p = json(&dir, &["path", "kv-cache", "robotics"]);
    let hops: Vec<String> = p["steps"].as_array().unwrap().iter().map(|s| format!("{}>{}", s["from"].as_str().unwrap(), s["to"].as_str().unwrap())).collect();
    assert!(hops.first().unwrap().starts_with("kv-cache>"), "{hops:?}");
    assert!(hops.contains(&"machine-learning>reinforcement-learning".to_string()), "{hops:?}");
    assert_eq!(hops.last().unwrap(), "reinforcement-learning>robotics");
    assert_eq!(p["steps"].as_array().unwrap().last().unwrap()["cooccurrence"]["count"], 3);
    assert!((p["cost"].as_f64().unwrap() - 2.0).abs() < 1e-9, "four SKOS steps of 0.5 and one of NPMI 1: {p}");
    let none = graph(&dir, &["path", "kv-cache", "quantum-computing"]);
    assert!(none.starts_with("no path from kv-cache to quantum-computing"), "{none}");
}

#[test]
fn unknown_ids_suggest_close_matches() {
    let dir = fixture_store();
    let store = dir.path().to_str().unwrap();
    let r = run(&["graph", "related", "kv-caches", "--store", store], None);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no concept \"kv-caches\"") && r.stderr.contains("did you mean kv-cache"), "{}", r.stderr);
    let r = run(&["graph", "similar", "arxiv:2401.00011", "--store", store], None);
    assert!(r.stderr.contains("no paper \"arxiv:2401.00011\"") && r.stderr.contains("arxiv:2401.00001"), "{}", r.stderr);
    // Regression: a folder that is no store is an error (oxigraph's failed open crashed at exit).
    for missing in ["/nonexistent/store", env!("CARGO_MANIFEST_DIR")] {
        let r = run(&["graph", "stats", "--store", missing], None);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(r.stderr.contains(&format!("no store at {missing}")), "{}", r.stderr);
    }
}

#[test]
fn stats_write_replaces_the_analytics_graph() {
    let dir = fixture_store();
    let store_path = dir.path().to_str().unwrap();
    graph(&dir, &["stats"]);
    assert_eq!(Store::open_read_only(dir.path()).unwrap().named_graphs().count(), 3, "read-only by default");
    for _ in 0..2 {
        let r = run(&["graph", "stats", "--write", "--store", store_path, "--min-support", "2"], None);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stderr.contains("wrote 43 triples (10 concepts, 3 pairs)"), "{}", r.stderr);
    }
    let store = Store::open_read_only(dir.path()).unwrap();
    let analytics = NamedNode::new(format!("{BASE}graph/analytics")).unwrap();
    let g = GraphNameRef::NamedNode(analytics.as_ref());
    let tg = |l: &str| NamedNode::new(format!("{TG}{l}")).unwrap();
    let kv = NamedNodeRef::new("https://w3id.org/topicgraph/concept/kv-cache").unwrap();
    assert!(store.contains(QuadRef::new(kv, tg("paperCount").as_ref(), &Literal::from(3i64), g)).unwrap());
    let pair = NamedNode::new(format!("{BASE}cooccurrence/kv-cache--llm-serving")).unwrap();
    assert!(store.contains(QuadRef::new(pair.as_ref(), tg("count").as_ref(), &Literal::from(3i64), g)).unwrap());
    assert!(store.contains(QuadRef::new(pair.as_ref(), tg("concept").as_ref(), kv, g)).unwrap());
    assert_eq!(store.quads_for_pattern(None, None, None, Some(g)).count(), 43, "written twice, stored once");
}
