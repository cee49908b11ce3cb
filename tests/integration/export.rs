//! `topicgraph export dot|svg|graphml|gexf|json|table` on a RocksDB store built from the
//! `graph` fixture plus `tests/data/export/tricky.ttl` (categories, and labels that try every
//! escaping mistake), and on the bundled example.

use crate::common::{data, python_with, run, tool, Run};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::NamedNode;
use oxigraph::store::Store;
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};
use tempfile::TempDir;

const BASE: &str = "https://w3id.org/topicgraph/data/";
/// The tricky concept's label as the Turtle spells it, unescaped.
const TRICKY: &str = "\"Quoted\" <b>bold</b> & Kähler–数学 \\N back\\slash\\";

fn fixture_store() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    for (file, graph) in [("graph/ontology.ttl", "ontology"), ("graph/papers.ttl", "papers"), ("graph/annotations.ttl", "annotations"), ("export/tricky.ttl", "papers")] {
        let graph = NamedNode::new(format!("{BASE}graph/{graph}")).unwrap();
        let text = std::fs::read(data(file)).unwrap();
        store.load_from_slice(RdfParser::from_format(RdfFormat::Turtle).with_default_graph(graph), &text).unwrap();
    }
    dir
}

fn export(dir: &TempDir, what: &str, extra: &[&str]) -> Run {
    let store = dir.path().to_str().unwrap();
    let mut args = vec!["export", what, "--store", store];
    args.extend_from_slice(extra);
    run(&args, None)
}

fn ok(dir: &TempDir, what: &str, extra: &[&str]) -> Run {
    let r = export(dir, what, extra);
    assert_eq!(r.code, 0, "export {what} {extra:?}: {}", r.stderr);
    r
}

fn json(dir: &TempDir, extra: &[&str]) -> Value {
    serde_json::from_str(&ok(dir, "json", extra).stdout).unwrap()
}

fn ids(v: &Value, list: &str, field: &str) -> Vec<String> {
    v[list].as_array().unwrap().iter().map(|n| n[field].as_str().unwrap().to_string()).collect()
}

/// Lay DOT out with GraphViz; the SVG.
fn graphviz(dot: &str) -> String {
    let mut child = Command::new("dot").arg("-Tsvg").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(dot.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "dot rejects the export: {}\n{dot}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("Error") && !stderr.contains("syntax"), "{stderr}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_concept_map_has_every_used_concept_and_its_links() {
    let dir = fixture_store();
    let v = json(&dir, &[]);
    let nodes = ids(&v, "nodes", "topicgraph_id");
    assert_eq!(nodes.len(), 8, "the 8 concepts with papers (machine-learning, deep-learning and quantum-computing have none): {nodes:?}");
    assert!(nodes.contains(&"tricky".to_string()));
    let edges = v["edges"].as_array().unwrap();
    let pair = |a: &str, b: &str| edges.iter().find(|e| (e["source"] == a && e["target"] == b) || (e["source"] == b && e["target"] == a));
    let kv = pair("c:kv-cache", "c:large-language-model").expect("kv-cache is narrower than large-language-model");
    assert_eq!((kv["kind"].as_str(), kv["source"].as_str()), (Some("broader"), Some("c:kv-cache")));
    let rl = pair("c:reinforcement-learning", "c:robotics").expect("3 papers together");
    assert_eq!((rl["kind"].as_str(), rl["count"].as_u64()), (Some("cooccurs"), Some(3)));
    assert_eq!(pair("c:tricky", "c:large-language-model").unwrap()["count"], 2, "no count floor: two papers draw an edge");
    let node = |id: &str| v["nodes"].as_array().unwrap().iter().find(|n| n["topicgraph_id"] == id).unwrap().clone();
    assert_eq!(node("kv-cache")["group"], "machine-learning", "top-level concept");
    assert_eq!(node("tricky")["label"], TRICKY);
    assert_eq!(v["graph"]["papers"], 11);
    assert_eq!(v["graph"]["cut"]["edges_kept"], edges.len());
}

#[test]
fn every_format_is_byte_identical_run_to_run() {
    let dir = fixture_store();
    for (what, extra) in [("dot", vec![]), ("graphml", vec![]), ("gexf", vec!["--view", "bipartite"]), ("json", vec!["--view", "papers"]), ("table", vec![]), ("dot", vec!["--view", "ego", "--concept", "large-language-model"])] {
        let a = ok(&dir, what, &extra).stdout;
        let b = ok(&dir, what, &extra).stdout;
        assert!(!a.is_empty());
        assert_eq!(a, b, "{what} {extra:?}");
    }
}

#[test]
fn dot_escapes_labels_and_clusters_by_top_level_concept() {
    let dir = fixture_store();
    let dot = ok(&dir, "dot", &[]).stdout;
    assert!(dot.starts_with("// topicgraph export dot --view concepts"), "{dot}");
    assert!(dot.contains("subgraph \"cluster_machine-learning\""), "{dot}");
    assert!(dot.contains("layout=\"dot\""));
    // The HTML-like label has the markup as entities; the tooltip escapes quotes and backslashes.
    assert!(dot.contains("label=<&quot;Quoted&quot; &lt;b&gt;bold&lt;/b&gt; &amp;<br/>Kähler–数学 \\\\N<br/>back\\\\slash\\\\<br/>"), "{dot}");
    assert!(dot.contains("tooltip=\"\\\"Quoted\\\" <b>bold</b> & Kähler–数学 \\\\\\\\N back\\\\\\\\slash\\\\\\\\ (tricky)"), "{dot}");
    assert!(!dot.contains('\u{7}'), "control characters are dropped");
    let papers = ok(&dir, "dot", &["--view", "bipartite"]).stdout;
    assert!(papers.contains("A &quot;quoted&quot; &lt;title&gt; with a"), "{papers}");
    assert!(papers.contains("Ends with a backslash \\\\<br/>"), "{papers}");
}

#[test]
fn every_view_renders_with_graphviz() {
    if !tool("dot") {
        return;
    }
    let dir = fixture_store();
    for view in [vec!["--view", "concepts"], vec!["--view", "papers"], vec!["--view", "bipartite"], vec!["--view", "ego", "--concept", "tricky", "--depth", "2"]] {
        let dot = ok(&dir, "dot", &view).stdout;
        let svg = graphviz(&dot);
        assert!(svg.contains("<svg"), "{view:?}");
        if view[1] != "papers" {
            // GraphViz shows the label as written (markup as text, one backslash), line by
            // line, and the whole label in the tooltip.
            assert!(svg.contains(">back\\slash\\</text>"), "{view:?}: {svg}");
            assert!(svg.contains(">Kähler–数学 \\N</text>"), "{view:?}: {svg}");
            assert!(svg.contains("&quot;Quoted&quot; &lt;b&gt;bold&lt;/b&gt; &amp; Kähler–数学 \\N back\\slash\\ (tricky)"), "{view:?}: {svg}");
        }
        if view[1] == "bipartite" {
            assert!(svg.contains(">Ends with a backslash \\</text>"), "{svg}");
        }
    }
    // `export svg` runs dot itself and writes the same drawing.
    let svg = ok(&dir, "svg", &[]).stdout;
    assert!(svg.starts_with("<?xml") && svg.contains("</svg>"));
    assert_eq!(svg, graphviz(&ok(&dir, "dot", &[]).stdout));
}

#[test]
fn svg_without_graphviz_says_how_to_get_it() {
    let dir = fixture_store();
    let out = dir.path().join("map.svg");
    let r = export(&dir, "svg", &["--graphviz", "/nonexistent/bin/dot", "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("GraphViz is not installed") && r.stderr.contains("apt install graphviz") && r.stderr.contains("export dot"), "{}", r.stderr);
    assert!(!out.exists(), "a failed render leaves no file");
}

#[test]
fn budgets_cut_and_say_so() {
    let dir = fixture_store();
    let r = ok(&dir, "json", &["--max-nodes", "4", "--max-edges", "2"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["nodes"].as_array().unwrap().len(), 4);
    assert_eq!(v["edges"].as_array().unwrap().len(), 2);
    let nodes = ids(&v, "nodes", "topicgraph_id");
    assert!(nodes.contains(&"large-language-model".to_string()), "the concept with the most papers stays: {nodes:?}");
    assert!(r.stderr.contains("drawn: 4 of 8 concepts, the 2 strongest of 3 links"), "{}", r.stderr);
    assert!(r.stderr.contains("cut by the budget (--max-nodes 4, --max-edges 2)"), "{}", r.stderr);
    // dot and svg stay drawable whatever is asked.
    let r = ok(&dir, "dot", &["--max-nodes", "100000"]);
    assert!(r.stderr.contains("dot draws at most 150 nodes"), "{}", r.stderr);
    let r = ok(&dir, "json", &["--min-weight", "0.99"]);
    assert!(r.stderr.contains("at or below --min-weight left out"), "{}", r.stderr);
}

#[test]
fn selections_by_date_category_and_concept() {
    let dir = fixture_store();
    let v = json(&dir, &["--since", "2024-02", "--until", "2024-03-01"]);
    assert_eq!(v["graph"]["papers"], 5, "00005 (2024-02), 00006, 00009 (2024-03-01), and by overlap 00007 (2024) and 2402.00011 (2024-03); not 2402.00010 (2024-03-02)");
    let r = ok(&dir, "json", &["--category", "cs.RO"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["graph"]["papers"], 2);
    assert!(r.stderr.contains("(2 of 11 selected: cs.RO)"), "{}", r.stderr);
    let v = json(&dir, &["--view", "papers", "--concept", "large-language-model"]);
    let papers = ids(&v, "nodes", "topicgraph_id");
    assert_eq!(papers.len(), 8, "the papers tagged large-language-model or a narrower concept (kv-cache, llm-serving): {papers:?}");
    let r = export(&dir, "json", &["--since", "March"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("not a date \"March\""), "{}", r.stderr);
}

#[test]
fn the_ego_view_centres_on_a_concept() {
    let dir = fixture_store();
    let v = json(&dir, &["--view", "ego", "--concept", "KV cache"]);
    let nodes = v["nodes"].as_array().unwrap();
    let centre: Vec<&Value> = nodes.iter().filter(|n| n["focus"] == true).collect();
    assert_eq!((centre.len(), centre[0]["topicgraph_id"].as_str()), (1, Some("kv-cache")));
    let concepts = ids(&v, "nodes", "topicgraph_id");
    assert!(concepts.contains(&"llm-serving".to_string()) && concepts.contains(&"large-language-model".to_string()), "{concepts:?}");
    let papers: Vec<&Value> = nodes.iter().filter(|n| n["kind"] == "paper").collect();
    assert_eq!(papers.len(), 3, "the three kv-cache papers");
    assert!(v["edges"].as_array().unwrap().iter().any(|e| e["kind"] == "tagged" && e["target"] == "c:kv-cache"));
    let r = export(&dir, "json", &["--view", "ego"]);
    assert!(r.code == 1 && r.stderr.contains("the ego view needs a concept (--concept ID)"), "{}", r.stderr);
    let r = export(&dir, "json", &["--view", "ego", "--concept", "kv-caches"]);
    assert!(r.code == 1 && r.stderr.contains("did you mean kv-cache"), "{}", r.stderr);
}

#[test]
fn the_table_has_one_row_per_tag() {
    let dir = fixture_store();
    let r = ok(&dir, "table", &[]);
    let mut reader = csv::Reader::from_reader(r.stdout.as_bytes());
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), ["paper", "title", "date", "categories", "kind", "id", "label", "group", "score", "papers"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 24, "20 tags of the graph fixture and 4 of tricky.ttl");
    let first = &rows[0];
    assert_eq!((&first[0], &first[3], &first[5], &first[8]), ("arxiv:2401.00001", "cs.CL cs.LG", "kv-cache", "0.9"));
    let tricky: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[5] == "tricky").collect();
    assert_eq!(tricky.len(), 2);
    assert_eq!(&tricky[0][6], TRICKY, "CSV quoting round-trips the label");
    assert!(r.stderr.contains("24 (paper, concept) and 0 (paper, entity) rows from 11 papers"), "{}", r.stderr);
    let narrowed = ok(&dir, "table", &["--concept", "robotics"]).stdout;
    assert_eq!(narrowed.lines().count(), 1 + 7, "three robotics papers with all their tags: {narrowed}");
    assert_eq!(export(&dir, "table", &["--view", "ego"]).code, 1);
}

/// A store built by the CLI from `tests/data/rdf/papers.jsonl` (one paper evaluates on
/// HumanEval and MBPP with PagedAttention), with `build` options `extra`.
fn built_store(extra: &[&str]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let mut args = vec!["build", "--out", out.as_str(), "-q"];
    args.extend_from_slice(extra);
    let input = data("rdf/papers.jsonl");
    args.push(&input);
    let r = run(&args, None);
    assert_eq!(r.code, 0, "build: {}", r.stderr);
    dir
}

/// The (kind, id, label, group, score, papers) of a table's rows of `paper` and `kind`.
fn pairs_of(csv_text: &str, paper: &str, kind: &str) -> Vec<[String; 6]> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    reader.records().map(|r| r.unwrap()).filter(|r| &r[0] == paper && &r[4] == kind).map(|r| [4, 5, 6, 7, 8, 9].map(|i| r[i].to_string())).collect()
}

#[test]
fn the_table_has_entity_rows_from_a_built_store() {
    let compact = built_store(&[]);
    let table = |dir: &TempDir| {
        let store = dir.path().join("store").display().to_string();
        let r = run(&["export", "table", "--store", &store], None);
        assert_eq!(r.code, 0, "export table: {}", r.stderr);
        r
    };
    let r = table(&compact);
    let row = |id: &str, label: &str, group: &str, score: &str| ["entity", id, label, group, score, "1"].map(String::from);
    assert_eq!(
        pairs_of(&r.stdout, "arxiv:2401.00001", "entity"),
        [row("humaneval", "HumanEval", "dataset", ""), row("mbpp", "MBPP", "dataset", ""), row("pagedattention", "PagedAttention", "method", "")],
        "a compact store has the links and no scores:\n{}",
        r.stdout
    );
    assert!(!pairs_of(&r.stdout, "arxiv:2401.00001", "concept").is_empty(), "the concepts stay");
    assert!(pairs_of(&r.stdout, "doi:10.1000/xyz-123", "entity").is_empty(), "a paper that names nothing has no entity rows");
    let kinds: Vec<String> = csv::Reader::from_reader(r.stdout.as_bytes()).records().map(|r| {
        let r = r.unwrap();
        format!("{} {}", &r[0], &r[4])
    }).collect();
    let mut sorted = kinds.clone();
    sorted.sort();
    assert_eq!(kinds, sorted, "rows sorted by paper, then concepts before entities");
    assert!(r.stderr.contains("(paper, concept) and 3 (paper, entity) rows from 3 papers"), "{}", r.stderr);
    assert_eq!(table(&compact).stdout, r.stdout, "byte-identical run to run");

    let full = table(&built_store(&["--evidence", "full"]));
    let scored = pairs_of(&full.stdout, "arxiv:2401.00001", "entity");
    assert_eq!(scored.iter().map(|r| r[1].as_str()).collect::<Vec<_>>(), ["humaneval", "mbpp", "pagedattention"]);
    for r in &scored {
        let score: f64 = r[4].parse().unwrap_or_else(|_| panic!("--evidence full keeps the entity's score: {r:?}"));
        assert!(score > 0.0 && score <= 1.0, "{r:?}");
    }
}

#[test]
fn graphml_gexf_and_json_read_back_in_networkx() {
    let Some(python) = python_with("networkx") else { return };
    let dir = fixture_store();
    let script = r#"
import json, sys, networkx as nx
g = nx.read_graphml(sys.argv[1])
x = nx.read_gexf(sys.argv[2])
j = nx.node_link_graph(json.load(open(sys.argv[3], encoding="utf-8")), edges="edges")
out = {name: {"nodes": G.number_of_nodes(), "edges": G.number_of_edges(), "multi": G.is_multigraph(), "directed": G.is_directed()} for name, G in [("graphml", g), ("gexf", x), ("json", j)]}
types = lambda G, where: sorted({f"{k}:{type(v).__name__}" for k, v in where(G) if k in ("papers", "weight", "focus", "npmi", "count", "label")})
out["graphml_types"] = types(g, lambda G: [kv for _, d in G.nodes(data=True) for kv in d.items()] + [kv for _, _, d in G.edges(data=True) for kv in d.items()])
out["gexf_types"] = types(x, lambda G: [kv for _, d in G.nodes(data=True) for kv in d.items()] + [kv for _, _, d in G.edges(data=True) for kv in d.items()])
out["graphml_labels"] = sorted(d["label"] for _, d in g.nodes(data=True))
out["gexf_labels"] = sorted(d["label"] for _, d in x.nodes(data=True))
print(json.dumps(out))
"#;
    for view in [vec!["--view", "concepts"], vec!["--view", "bipartite"], vec!["--view", "papers"], vec!["--view", "ego", "--concept", "large-language-model", "--depth", "2"]] {
        let mut paths = Vec::new();
        for (what, ext) in [("graphml", "graphml"), ("gexf", "gexf"), ("json", "json")] {
            let path = dir.path().join(format!("view.{ext}"));
            let mut args = view.clone();
            args.extend_from_slice(&["--out", path.to_str().unwrap()]);
            ok(&dir, what, &args);
            paths.push(path.display().to_string());
        }
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&paths[2]).unwrap()).unwrap();
        let (nodes, edges) = (v["nodes"].as_array().unwrap().len(), v["edges"].as_array().unwrap().len());
        assert!(nodes > 2 && edges > 1, "{view:?}: {nodes} nodes, {edges} edges");
        let out = Command::new(&python).arg("-c").arg(script).args(&paths).output().unwrap();
        assert!(out.status.success(), "networkx rejects {view:?}: {}", String::from_utf8_lossy(&out.stderr));
        let got: Value = serde_json::from_slice(&out.stdout).unwrap();
        for format in ["graphml", "gexf", "json"] {
            assert_eq!(got[format]["nodes"], nodes, "{format} {view:?}: {got}");
            assert_eq!(got[format]["edges"], edges, "{format} {view:?}: every edge survives: {got}");
            assert_eq!((got[format]["multi"].as_bool(), got[format]["directed"].as_bool()), (Some(false), Some(false)), "{format}");
        }
        for types in ["graphml_types", "gexf_types"] {
            let t: Vec<&str> = got[types].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
            assert!(t.contains(&"papers:int") && t.contains(&"weight:float") && t.contains(&"focus:bool") && t.contains(&"label:str"), "{types} {view:?}: {t:?}");
            assert!(!t.contains(&"papers:str"), "typed, not strings: {t:?}");
        }
        if view[1] != "papers" {
            let labels: Vec<&str> = got["graphml_labels"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
            assert!(labels.contains(&TRICKY), "GraphML carries the label exactly: {labels:?}");
            assert_eq!(got["graphml_labels"], got["gexf_labels"]);
        }
    }
}

#[test]
fn the_bundled_example_draws_a_connected_map() {
    let store = crate::kg::example_store();
    let store = store.to_str().unwrap();
    let r = run(&["export", "json", "--store", store], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let (nodes, edges) = (v["nodes"].as_array().unwrap().len(), v["edges"].as_array().unwrap().len());
    assert!(nodes >= 20 && edges >= 20, "{nodes} nodes, {edges} edges");
    let cooccurs = v["edges"].as_array().unwrap().iter().filter(|e| e["count"].as_u64().is_some()).count();
    assert!(cooccurs >= 20, "co-occurrence drawn: {cooccurs}");
    let trends: std::collections::BTreeSet<&str> = v["nodes"].as_array().unwrap().iter().filter_map(|n| n["trend"]["class"].as_str()).collect();
    assert!(trends.contains("rising") || trends.contains("falling"), "trend colours over 2024-2026: {trends:?}");
    let r = run(&["export", "dot", "--store", store], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let clusters = r.stdout.matches("subgraph \"cluster_").count();
    assert!(clusters >= 3, "{clusters} clusters");
    if tool("dot") {
        graphviz(&r.stdout);
    }
}
