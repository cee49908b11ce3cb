//! `topicgraph query` and `topicgraph serve` on a RocksDB store built from the Turtle fixture
//! in tests/data/rdf/ (one file per named graph, as the vocabulary contract lays them out).
//! The server is driven by curl, Python's SPARQLWrapper and a headless Chromium.

use crate::common;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphName, NamedNode, Quad};
use oxigraph::store::Store;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::time::{Duration, Instant};

const BASE: &str = "https://w3id.org/topicgraph/data/";

/// Bookkeeping triples in the `state` graph: enough for a cross product that runs for minutes.
const FILLER: usize = 500;

/// A 3-way cross product over every triple: ~10^8 rows to count, far past any timeout here.
const EXPENSIVE: &str = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }";

const LABELS: &str = "SELECT ?label WHERE { ?c a skos:Concept ; skos:prefLabel ?label } ORDER BY ?label";

/// The fixture store, written and closed, in a temporary folder that lives as long as it.
struct Fixture {
    _dir: tempfile::TempDir,
    store: PathBuf,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store");
        let store = Store::open(&path).unwrap();
        for name in ["ontology", "papers", "annotations", "analytics"] {
            let graph = NamedNode::new(format!("{BASE}graph/{name}")).unwrap();
            let file = std::fs::File::open(common::data(&format!("rdf/{name}.ttl"))).unwrap();
            store.load_from_reader(RdfParser::from_format(RdfFormat::Turtle).with_default_graph(graph), file).unwrap();
        }
        let state = GraphName::from(NamedNode::new(format!("{BASE}graph/state")).unwrap());
        let node = |i: usize| NamedNode::new(format!("{BASE}state/{i}")).unwrap();
        let next = NamedNode::new("https://w3id.org/topicgraph/ontology#next").unwrap();
        store.extend((0..FILLER).map(|i| Quad::new(node(i), next.clone(), node(i + 1), state.clone()))).unwrap();
        store.flush().unwrap();
        drop(store); // the binary opens it next
        Self { _dir: dir, store: path }
    }

    fn path(&self) -> &str {
        self.store.to_str().unwrap()
    }

    fn query(&self, args: &[&str]) -> common::Run {
        common::run(&[&["query", "--store", self.path()], args].concat(), None)
    }
}

#[test]
fn query_writes_every_format() {
    let f = Fixture::new();
    let csv = f.query(&[LABELS, "--format", "csv"]);
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    assert_eq!(csv.stdout, "label\r\nAttention mechanism\r\nDeep learning\r\nMachine learning\r\nReinforcement learning\r\nTransformers\r\n");
    // Not a terminal: TSV by default.
    assert_eq!(f.query(&[LABELS]).stdout.lines().take(2).collect::<Vec<_>>(), ["?label", "\"Attention mechanism\""]);
    let json: serde_json::Value = serde_json::from_str(&f.query(&[LABELS, "--format", "json"]).stdout).unwrap();
    assert_eq!(json["results"]["bindings"][4]["label"]["value"], "Transformers");
    assert!(f.query(&[LABELS, "--format", "xml"]).stdout.contains("<literal>Deep learning</literal>"));
    let table = f.query(&["SELECT ?c ?n WHERE { ?c tg:paperCount ?n } ORDER BY DESC(?n) ?c LIMIT 2", "--format", "table"]);
    assert_eq!(table.stdout, "c                 n\n----------------  -\ntgc:transformers  2\ntgc:attention     1\n2 rows\n");
    let broader = "CONSTRUCT WHERE { tgc:transformers skos:broader ?b }";
    let nt = f.query(&[broader]);
    assert_eq!(nt.stdout, "<https://w3id.org/topicgraph/concept/transformers> <http://www.w3.org/2004/02/skos/core#broader> <https://w3id.org/topicgraph/concept/deep-learning> .\n");
    assert!(f.query(&[broader, "--format", "turtle"]).stdout.contains("tgc:transformers skos:broader tgc:deep-learning ."));
    let wrong = f.query(&[broader, "--format", "csv"]);
    assert_eq!((wrong.code, wrong.stderr.trim()), (1, "error: csv cannot hold CONSTRUCT/DESCRIBE results"));
}

#[test]
fn query_reads_files_and_stdin_and_writes_by_extension() {
    let f = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    let rq = dir.path().join("ask.rq");
    std::fs::write(&rq, "ASK { ?p a schema:ScholarlyArticle ; dcterms:subject tgc:transformers }").unwrap();
    let out = dir.path().join("answer.json");
    let run = f.query(&["-f", rq.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), r#"{"head":{},"boolean":true}"#);
    let stdin = common::run(&["query", "--store", f.path(), "-f", "-", "--format", "csv"], Some(b"SELECT (COUNT(*) AS ?n) WHERE { ?p a schema:ScholarlyArticle }"));
    assert_eq!(stdin.stdout, "n\r\n3\r\n");
}

#[test]
fn query_default_graph_is_the_union_unless_from_names_graphs() {
    let f = Fixture::new();
    // Titles live in the papers graph, subjects in the annotations graph: one join spans both.
    let q = "SELECT ?title WHERE { ?p dcterms:title ?title ; dcterms:subject tgc:reinforcement-learning }";
    assert_eq!(f.query(&[q, "--format", "csv"]).stdout, "title\r\nScaling Transformers for Reinforcement Learning\r\n");
    let from = "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/topicgraph/data/graph/analytics> WHERE { ?s ?p ?o }";
    assert_eq!(f.query(&[from, "--format", "csv"]).stdout, "n\r\n15\r\n");
}

#[test]
fn query_syntax_error_points_at_the_users_text() {
    let f = Fixture::new();
    let run = f.query(&["SELECT ?c\nWHERE { ?c a skos:Concept ; foo:bar ?x }"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr.lines().take(3).collect::<Vec<_>>(),
        ["error: syntax error at line 2, column 29: unknown prefix `foo:`", "  2 | WHERE { ?c a skos:Concept ; foo:bar ?x }", "    |                             ^"]
    );
    assert!(run.stderr.contains("hint: declare it with `PREFIX foo: <...>` or use one of: rdf, rdfs"), "{}", run.stderr);
    // A redeclared known prefix is the query's own.
    let own = f.query(&["PREFIX skos: <http://example.org/> ASK { ?c a skos:Concept }", "--format", "csv"]);
    assert_eq!(own.stdout, "false");
}

#[test]
fn query_timeout_stops_an_expensive_query() {
    let f = Fixture::new();
    let started = Instant::now();
    let run = f.query(&[EXPENSIVE, "--timeout", "0.5"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stderr.contains("ran longer than 0.5 s"), "{}", run.stderr);
    assert!(started.elapsed() < Duration::from_secs(20), "took {:?}", started.elapsed());
}

#[test]
fn query_without_a_store_says_to_build_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nothing");
    let run = common::run(&["query", "--store", missing.to_str().unwrap(), "ASK {}"], None);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("build one first with `topicgraph build`"), "{}", run.stderr);
}

/// A running `topicgraph serve`, killed if a test fails before stopping it.
struct Served {
    child: Child,
    stderr: BufReader<ChildStderr>,
    url: String,
}

impl Served {
    fn start(store: &str, args: &[&str]) -> Self {
        let mut child = Command::new(common::bin())
            .args([&["serve", "--store", store, "--bind", "127.0.0.1:0"], args].concat())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn topicgraph serve");
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        // serving <store> at http://127.0.0.1:PORT/ (read-only)
        let url = line.split(" at ").nth(1).and_then(|rest| rest.split(' ').next()).unwrap_or_else(|| panic!("no URL in {line:?}")).to_string();
        assert!(line.starts_with(&format!("serving {store} at http://127.0.0.1:")), "{line}");
        Self { child, stderr, url }
    }

    /// Send `signal`, wait for the exit; the exit code and what was printed after the URL.
    fn stop(&mut self, signal: &str) -> (Option<i32>, String) {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill").args([&format!("-{signal}"), &pid]).status().unwrap().success());
        let deadline = Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "serve did not stop on {signal}");
            std::thread::sleep(Duration::from_millis(50));
        };
        let mut rest = String::new();
        self.stderr.read_to_string(&mut rest).unwrap();
        (status.code(), rest)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Http {
    status: u16,
    content_type: String,
    headers: String,
    body: String,
}

/// Run curl with `args`; status, Content-Type, headers and body.
fn curl(args: &[&str]) -> Http {
    let dir = tempfile::tempdir().unwrap();
    let (body, headers) = (dir.path().join("body"), dir.path().join("headers"));
    let out = Command::new("curl")
        .args(["-sS", "--max-time", "60", "-o", body.to_str().unwrap(), "-D", headers.to_str().unwrap(), "-w", "%{http_code}\n%{content_type}"])
        .args(args)
        .output()
        .expect("run curl");
    assert!(out.status.success(), "curl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    let written = String::from_utf8(out.stdout).unwrap();
    let (status, content_type) = written.split_once('\n').unwrap();
    let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
    Http { status: status.parse().unwrap(), content_type: content_type.to_string(), headers: read(&headers), body: read(&body) }
}

/// GET /query?query=... with an Accept header.
fn get(url: &str, query: &str, accept: &str) -> Http {
    curl(&["-G", &format!("{url}query"), "--data-urlencode", &format!("query={query}"), "-H", &format!("Accept: {accept}")])
}

#[test]
fn serve_speaks_the_sparql_protocol() {
    if !common::tool("curl") {
        return;
    }
    let f = Fixture::new();
    let mut s = Served::start(f.path(), &["--timeout", "1", "--max-result-bytes", "4000"]);
    let url = s.url.clone();

    let health = curl(&[&format!("{url}health")]);
    assert_eq!((health.status, health.body.as_str()), (200, "ok\n"));

    let construct = "CONSTRUCT WHERE { tgc:transformers skos:broader ?b }";
    for (query, accept, media) in [
        (LABELS, "application/sparql-results+json", "application/sparql-results+json"),
        (LABELS, "application/sparql-results+xml", "application/sparql-results+xml"),
        (LABELS, "text/csv", "text/csv"),
        (LABELS, "text/tab-separated-values", "text/tab-separated-values"),
        (LABELS, "*/*", "application/sparql-results+json"),
        (LABELS, "text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        (construct, "text/turtle", "text/turtle"),
        (construct, "application/n-triples", "application/n-triples"),
        (construct, "*/*", "text/turtle"),
    ] {
        let r = get(&url, query, accept);
        assert_eq!((r.status, r.content_type.as_str()), (200, media), "Accept: {accept}\n{}", r.body);
    }
    let csv = get(&url, LABELS, "text/csv");
    assert_eq!(csv.body.lines().nth(5), Some("Transformers"));
    assert!(csv.headers.to_ascii_lowercase().contains("access-control-allow-origin: *"), "{}", csv.headers);
    let nt = get(&url, construct, "application/n-triples");
    assert!(nt.body.ends_with("<https://w3id.org/topicgraph/concept/deep-learning> .\n"), "{}", nt.body);

    // POST, both kinds, and the graph parameters.
    let count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }";
    let direct = curl(&["-H", "Content-Type: application/sparql-query", "-H", "Accept: text/csv", "--data-binary", count, &format!("{url}query?default-graph-uri={BASE}graph/analytics")]);
    assert_eq!((direct.status, direct.body.as_str()), (200, "n\r\n15\r\n"));
    let form = curl(&["-H", "Accept: text/csv", "--data-urlencode", &format!("query={count}"), "--data-urlencode", &format!("default-graph-uri={BASE}graph/ontology"), &format!("{url}query")]);
    assert_eq!((form.status, form.body.as_str()), (200, "n\r\n24\r\n"));

    // Failures, each with its status.
    let syntax = get(&url, "SELECT ?x WHERE { ?x nope:y ?z }", "*/*");
    assert_eq!(syntax.status, 400);
    assert!(syntax.body.starts_with("syntax error at line 1, column 22: unknown prefix `nope:`"), "{}", syntax.body);
    let slow = get(&url, EXPENSIVE, "*/*");
    assert_eq!(slow.status, 503, "{}", slow.body);
    assert!(slow.body.contains("ran longer than 1 s"), "{}", slow.body);
    let slower = curl(&["-G", &format!("{url}query"), "--data-urlencode", &format!("query={EXPENSIVE}"), "--data-urlencode", "timeout=0.2"]);
    assert!(slower.status == 503 && slower.body.contains("ran longer than 0.2 s"), "{}", slower.body);
    let big = get(&url, "SELECT * WHERE { ?s ?p ?o }", "*/*");
    assert_eq!((big.status, big.body.as_str()), (413, "result larger than 4000 bytes: add LIMIT\n"));
    assert_eq!(curl(&[&format!("{url}nowhere")]).status, 404);
    let put = curl(&["-X", "PUT", &format!("{url}query")]);
    assert_eq!(put.status, 405);
    assert!(put.headers.to_ascii_lowercase().contains("allow: get, post, options"), "{}", put.headers);
    assert_eq!(curl(&["-H", "Content-Type: text/plain", "--data-binary", "ASK {}", &format!("{url}query")]).status, 415);
    let update = curl(&["-H", "Content-Type: application/sparql-update", "--data-binary", "CLEAR ALL", &format!("{url}update")]);
    assert_eq!((update.status, update.body.as_str()), (403, "updates are disabled: start the server with --allow-update\n"));

    // The store is untouched and the server still answers after all that.
    assert_eq!(get(&url, "ASK { tgc:transformers a skos:Concept }", "text/csv").body, "true");
    let (code, said) = s.stop("TERM");
    assert_eq!(code, Some(0), "{said}");
    assert_eq!(said, "topicgraph serve: stopped\n");
}

#[test]
fn serve_updates_only_when_allowed() {
    if !common::tool("curl") {
        return;
    }
    let f = Fixture::new();
    // The tag sidecar follows builds only: an update makes it stale, so it goes.
    let sidecar = f.store.join("tags.tgs");
    std::fs::write(&sidecar, b"a sidecar").unwrap();
    let mut s = Served::start(f.path(), &["--allow-update"]);
    let url = s.url.clone();
    let insert = format!("INSERT DATA {{ GRAPH <{BASE}graph/papers> {{ <{BASE}paper/arxiv/2403.00003> dcterms:title \"Added\" }} }}");
    assert!(sidecar.exists());
    let r = curl(&["-H", "Content-Type: application/sparql-update", "--data-binary", &insert, &format!("{url}update")]);
    assert_eq!(r.status, 204, "{}", r.body);
    assert!(!sidecar.exists(), "an update leaves the stale tag sidecar");
    // Updates see the store's own default graph, as SPARQL says: the data is in named graphs.
    let r = curl(&["--data-urlencode", "update=DELETE WHERE { GRAPH ?g { ?p tg:category \"cs.CL\" } }", &format!("{url}update")]);
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(get(&url, "SELECT ?t WHERE { ?p dcterms:title ?t FILTER(?t = \"Added\") }", "text/csv").body, "t\r\nAdded\r\n");
    assert_eq!(get(&url, "ASK { ?p tg:category \"cs.CL\" }", "text/csv").body, "false");
    let bad = curl(&["-H", "Content-Type: application/sparql-update", "--data-binary", "INSERT DATA { oops }", &format!("{url}update")]);
    assert_eq!(bad.status, 400);
    let (code, _) = s.stop("INT");
    assert_eq!(code, Some(0));
    // The update is in the store for the next reader.
    assert_eq!(f.query(&["ASK { ?p dcterms:title \"Added\" }", "--format", "csv"]).stdout, "true");
}

/// Python's SPARQLWrapper, as data people would use it, against the endpoint.
const SPARQLWRAPPER: &str = r#"
import sys
from SPARQLWrapper import SPARQLWrapper, JSON, XML, CSV, TURTLE, POST, POSTDIRECTLY
s = SPARQLWrapper(sys.argv[1] + "query")
s.setQuery("SELECT ?label WHERE { ?c a skos:Concept ; skos:prefLabel ?label } ORDER BY ?label")
s.setReturnFormat(JSON)
print("get-json", [b["label"]["value"] for b in s.query().convert()["results"]["bindings"]][-1])
s.setMethod(POST)
print("post-form", len(s.query().convert()["results"]["bindings"]))
s.setRequestMethod(POSTDIRECTLY)
print("post-direct", len(s.query().convert()["results"]["bindings"]))
s.setReturnFormat(XML)
print("xml", len(s.query().convert().getElementsByTagName("result")))
s.setReturnFormat(CSV)
print("csv", s.query().convert().decode().splitlines()[1])
s.setQuery("ASK { ?p a schema:ScholarlyArticle }")
s.setReturnFormat(JSON)
print("ask", s.query().convert()["boolean"])
s.setQuery("CONSTRUCT WHERE { ?c skos:broader tgc:deep-learning }")
s.setReturnFormat(TURTLE)
print("construct", s.query().convert().decode().count("skos:broader"))
"#;

#[test]
fn serve_answers_sparqlwrapper() {
    if !common::tool("python3") {
        return;
    }
    let has_module = Command::new("python3").args(["-c", "import SPARQLWrapper"]).output().is_ok_and(|o| o.status.success());
    if !has_module {
        common::skip("the Python module SPARQLWrapper is not installed");
        return;
    }
    let f = Fixture::new();
    let s = Served::start(f.path(), &[]);
    let out = Command::new("python3").args(["-c", SPARQLWRAPPER, &s.url]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "get-json Transformers\npost-form 5\npost-direct 5\nxml 5\ncsv Attention mechanism\nask True\nconstruct 2\n",
        "{stderr}"
    );
}

#[test]
fn serve_page_shows_results_in_a_browser() {
    if !common::tool("chromium") {
        return;
    }
    let f = Fixture::new();
    let s = Served::start(f.path(), &[]);
    let profile = tempfile::tempdir().unwrap();
    // The page runs a query given in its URL at once; the dumped DOM holds the table.
    let query = "SELECT ?label ?papers WHERE { tgc:transformers skos:prefLabel ?label ; tg:paperCount ?papers }";
    let page = format!("{}?query={}", s.url, query.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect::<String>());
    let out = Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--virtual-time-budget=5000", "--dump-dom"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(&page)
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(dom.contains("<th>label</th><th>papers</th>"), "{dom}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(dom.contains("<td>Transformers</td><td>2</td>"), "{dom}");
    assert!(dom.contains("1 row in"), "{dom}");
}
