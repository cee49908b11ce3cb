//! `topicgraph fetch` against a scripted HTTP server on 127.0.0.1: paging, resumption
//! tokens, 429 with Retry-After, 503 then success, truncated bodies, shortfalls, the cache.
//! Nothing here touches the network beyond loopback.

use crate::common::run;
use crate::mock::{atom_page, hf_item, ok, status, Mock, Reply};

const QUERY: &str = "search_query=cat%3Acs.CL&start={start}&max_results=2&sortBy=submittedDate&sortOrder=ascending";

fn api_target(start: u64) -> String {
    format!("/api/query?{}", QUERY.replace("{start}", &start.to_string()))
}

fn fetch(mock: &Mock, cache: &std::path::Path, source: &[&str], extra: &[&str]) -> crate::common::Run {
    let mut args = vec!["fetch"];
    args.extend_from_slice(source);
    let base = format!("{}{}", mock.base, extra.first().copied().unwrap_or(""));
    let cache = cache.display().to_string();
    args.extend_from_slice(&["--base-url", &base, "--cache", &cache, "--delay", "0", "--backoff", "0.05"]);
    args.extend_from_slice(&extra[1.min(extra.len())..]);
    run(&args, None)
}

#[test]
fn arxiv_api_pages_through_results_and_reruns_from_the_cache() {
    let mock = Mock::start();
    mock.on(&api_target(0), vec![ok(atom_page(5, &["2506.00001", "2506.00002"]))]);
    mock.on(&api_target(2), vec![status(503), ok(atom_page(5, &["2506.00003", "2506.00004"]))]);
    mock.on(&api_target(4), vec![ok(atom_page(5, &["2506.00005"]))]);
    let cache = tempfile::tempdir().unwrap();
    let first = fetch(&mock, cache.path(), &["arxiv", "--category", "cs.CL", "--page-size", "2"], &["/api/query"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let papers = first.json_lines();
    let ids: Vec<&str> = papers.iter().map(|p| p["ids"]["arxiv"].as_str().unwrap()).collect();
    assert_eq!(ids, ["2506.00001", "2506.00002", "2506.00003", "2506.00004", "2506.00005"]);
    assert!(first.stderr.contains("HTTP 503; retry 1/5"), "{}", first.stderr);
    assert!(first.stderr.contains("3 page(s) (0 from the cache, 4 request(s), 1 retry"), "{}", first.stderr);
    // Provenance names the endpoint and the record's own id: the same record fetched again
    // (another page, another window) is known as the same source record.
    assert_eq!(papers[0]["sources"][0]["file"].as_str().unwrap(), format!("{}/api/query", mock.base));
    assert_eq!(papers[0]["sources"][0]["record"].as_str().unwrap(), "id 2506.00001v1");
    let user_agent = &mock.seen()[0].headers["user-agent"];
    assert!(user_agent.starts_with("topicgraph/"), "{user_agent}");

    // A rerun asks the service nothing and writes the same bytes.
    let before = mock.seen().len();
    let second = fetch(&mock, cache.path(), &["arxiv", "--category", "cs.CL", "--page-size", "2"], &["/api/query"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(mock.seen().len(), before, "the rerun must be answered from the cache");
    assert_eq!(second.stdout, first.stdout);
    assert!(second.stderr.contains("3 page(s) (3 from the cache, 0 request(s)"), "{}", second.stderr);
}

#[test]
fn retry_after_and_truncated_bodies_are_retried() {
    let mock = Mock::start();
    let page = atom_page(1, &["2506.00009"]);
    let truncated = Reply { truncate_at: Some(page.len() / 2), ..ok(page.clone()) };
    let busy = Reply { headers: vec![("Retry-After".into(), "1".into())], ..status(429) };
    mock.on(&api_target(0), vec![busy, truncated, ok(page)]);
    let cache = tempfile::tempdir().unwrap();
    let r = fetch(&mock, cache.path(), &["arxiv", "--category", "cs.CL", "--page-size", "2"], &["/api/query"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json_lines().len(), 1);
    assert!(r.stderr.contains("HTTP 429; retry 1/5 in 1.0 s"), "the Retry-After is honoured: {}", r.stderr);
    assert!(r.stderr.contains("retry 2/5"), "the truncated body is asked again: {}", r.stderr);
    assert_eq!(mock.seen().len(), 3);
}

#[test]
fn a_shortfall_fails_loudly_and_giving_up_names_the_url() {
    let mock = Mock::start();
    mock.on(&api_target(0), vec![ok(atom_page(5, &["2506.00001", "2506.00002"]))]);
    mock.on(&api_target(2), vec![ok(atom_page(5, &["2506.00003"]))]);
    mock.on(&api_target(3), vec![ok(atom_page(5, &[]))]);
    let cache = tempfile::tempdir().unwrap();
    let r = fetch(&mock, cache.path(), &["arxiv", "--category", "cs.CL", "--page-size", "2", "--retries", "1"], &["/api/query"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("empty page at start=3 of 5 results"), "{}", r.stderr);
    assert!(r.stderr.contains("gave up after 2 attempts"), "{}", r.stderr);

    let mock = Mock::start();
    mock.on(&api_target(0), vec![ok(atom_page(4, &["2506.00001", "2506.00002"]))]);
    mock.on(&api_target(2), vec![ok(atom_page(4, &["2506.00003"]))]);
    mock.on(&api_target(3), vec![ok(atom_page(3, &[]))]);
    let cache = tempfile::tempdir().unwrap();
    let r = fetch(&mock, cache.path(), &["arxiv", "--category", "cs.CL", "--page-size", "2"], &["/api/query"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("the service announced 4 result(s) but sent 3"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    let r = fetch(&mock, cache.path(), &["arxiv", "--category", "cs.CL", "--page-size", "2", "--allow-shortfall"], &["/api/query"]);
    assert_eq!((r.code, r.json_lines().len()), (0, 3), "{}", r.stderr);

    let mock = Mock::start();
    mock.on(&api_target(0), vec![status(503)]);
    let r = fetch(&mock, cache.path(), &["arxiv", "--category", "cs.CL", "--page-size", "2", "--retries", "2"], &["/api/query"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains(&format!("GET {}{}: gave up after 3 attempts: HTTP 503", mock.base, api_target(0))), "{}", r.stderr);

    mock.on(&api_target(0), vec![status(400)]);
    let r = fetch(&mock, cache.path(), &["arxiv", "--category", "cs.CL", "--page-size", "2"], &["/api/query"]);
    assert!(r.code == 1 && r.stderr.contains(": HTTP 400: status 400"), "a client error is not retried: {}", r.stderr);
    assert_eq!(mock.seen().len(), 4);
}

fn oai_record(id: &str, deleted: bool) -> String {
    if deleted {
        return format!("<record><header status=\"deleted\"><identifier>oai:arXiv.org:{id}</identifier><datestamp>2025-06-03</datestamp></header></record>");
    }
    format!(
        "<record><header><identifier>oai:arXiv.org:{id}</identifier><datestamp>2025-06-03</datestamp><setSpec>cs</setSpec></header>\
         <metadata><arXiv xmlns=\"http://arxiv.org/OAI/arXiv/\"><id>{id}</id><created>2025-06-02</created>\
         <authors><author><keyname>Hopper</keyname><forenames>Grace</forenames></author></authors>\
         <title>KV cache compression {id}</title><categories>cs.CL cs.LG</categories>\
         <abstract>We compress the key-value cache of transformers ({id}).</abstract></arXiv></metadata></record>"
    )
}

fn oai_page(records: &str, token: Option<&str>) -> String {
    let token = match token {
        Some(t) => format!("<resumptionToken cursor=\"0\" completeListSize=\"3\">{t}</resumptionToken>"),
        None => "<resumptionToken cursor=\"2\" completeListSize=\"3\"/>".into(),
    };
    format!("<?xml version=\"1.0\"?>\n<OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\"><responseDate>2025-06-04T00:00:00Z</responseDate><ListRecords>{records}{token}</ListRecords></OAI-PMH>\n")
}

#[test]
fn oai_pmh_follows_resumption_tokens() {
    let mock = Mock::start();
    mock.on("/oai?verb=ListRecords&metadataPrefix=arXiv&from=2025-06-01&set=cs", vec![ok(oai_page(&(oai_record("2506.00011", false) + &oai_record("2506.00012", true)), Some("t|2")))]);
    let retry = Reply { headers: vec![("Retry-After".into(), "0".into())], ..status(503) };
    mock.on("/oai?verb=ListRecords&resumptionToken=t%7C2", vec![retry, ok(oai_page(&oai_record("2506.00013", false), None))]);
    let cache = tempfile::tempdir().unwrap();
    let r = fetch(&mock, cache.path(), &["arxiv", "--oai", "--set", "cs", "--from", "2025-06-01"], &["/oai"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ids: Vec<String> = r.json_lines().iter().map(|p| p["ids"]["arxiv"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids, ["2506.00011", "2506.00013"]);
    assert!(r.stderr.contains("deleted    1 record(s)"), "{}", r.stderr);
    assert!(r.stderr.contains("3 record(s) of 3 announced"), "{}", r.stderr);

    let bad = Mock::start();
    bad.on("/oai?verb=ListRecords&metadataPrefix=arXiv&set=cs", vec![ok("<OAI-PMH><error code=\"badArgument\">bad set</error></OAI-PMH>")]);
    let r = fetch(&bad, cache.path(), &["arxiv", "--oai", "--set", "cs"], &["/oai"]);
    assert!(r.code == 1 && r.stderr.contains("OAI-PMH error badArgument: bad set"), "{}", r.stderr);
    assert_eq!(bad.seen().len(), 1, "an OAI error is not retried");
}

#[test]
fn hf_daily_fetches_each_day_of_a_week() {
    let mock = Mock::start();
    for day in 3..=9 {
        mock.on(&format!("/api/daily_papers?date=2025-03-{day:02}"), vec![ok("[]")]);
    }
    mock.on("/api/daily_papers?date=2025-03-04", vec![ok(format!("[{},{}]", hf_item("2503.01111", "CodeArena"), hf_item("2503.02222", "MathArena")))]);
    mock.on("/api/daily_papers?date=2025-03-05", vec![ok(format!("[{}]", hf_item("2503.01111", "CodeArena")))]);
    let cache = tempfile::tempdir().unwrap();
    let r = fetch(&mock, cache.path(), &["hf-daily", "--week", "2025-W10"], &["/api/daily_papers"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(mock.seen().len(), 7);
    let papers = r.json_lines();
    assert_eq!(papers.len(), 2, "the paper listed twice is merged: {}", r.stdout);
    assert!(r.stderr.contains("merged     1 duplicate"), "{}", r.stderr);
}

#[test]
fn openalex_follows_cursors_and_keeps_the_key_out_of_the_cache() {
    let mock = Mock::start();
    let work = |id: &str, title: &str| format!("{{\"id\":\"https://openalex.org/{id}\",\"title\":\"{title}\",\"publication_date\":\"2024-05-01\",\"abstract_inverted_index\":{{\"Sparse\":[0],\"experts\":[1]}},\"authorships\":[]}}");
    mock.on("/works?per-page=200&cursor=%2A&search=experts&mailto=me%40example.org&api_key=sekrit", vec![ok(format!("{{\"meta\":{{\"count\":3,\"next_cursor\":\"c2\"}},\"results\":[{},{}]}}", work("W1", "One"), work("W2", "Two")))]);
    mock.on("/works?per-page=200&cursor=c2&search=experts&mailto=me%40example.org&api_key=sekrit", vec![ok(format!("{{\"meta\":{{\"count\":3,\"next_cursor\":\"c3\"}},\"results\":[{}]}}", work("W3", "Three")))]);
    mock.on("/works?per-page=200&cursor=c3&search=experts&mailto=me%40example.org&api_key=sekrit", vec![ok("{\"meta\":{\"count\":3,\"next_cursor\":null},\"results\":[]}")]);
    let cache = tempfile::tempdir().unwrap();
    let base = format!("{}/works", mock.base);
    let c = cache.path().display().to_string();
    let out = std::process::Command::new(crate::common::bin())
        .args(["fetch", "openalex", "--search", "experts", "--mailto", "me@example.org", "--base-url", &base, "--cache", &c, "--delay", "0"])
        .env("OPENALEX_API_KEY", "sekrit")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    assert!(stdout.contains("\"abstract\":\"Sparse experts\""), "the abstract is rebuilt: {stdout}");
    // The mock saw the key; the cache never did.
    assert!(mock.seen().iter().all(|s| s.target.ends_with("&api_key=sekrit")));
    let mut cached = String::new();
    for entry in walk(cache.path()) {
        cached.push_str(&String::from_utf8_lossy(&std::fs::read(entry).unwrap()));
    }
    assert!(cached.contains("cursor=c2") && !cached.contains("sekrit"));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[test]
fn s2_posts_batches_of_ids() {
    let mock = Mock::start();
    let target = "/graph/v1/paper/batch?fields=externalIds,title,abstract,authors,year,publicationDate,venue,url";
    mock.on(target, vec![status(429), ok("[{\"paperId\":\"abc\",\"externalIds\":{\"ArXiv\":\"2106.15928\"},\"title\":\"A paper\",\"abstract\":\"On experts.\",\"year\":2021,\"authors\":[{\"name\":\"Kurt Gödel\"}]},null]")]);
    let cache = tempfile::tempdir().unwrap();
    let r = fetch(&mock, cache.path(), &["s2", "--id", "arXiv:2106.15928", "--id", "10.1000/xyz"], &["/graph/v1/paper/batch"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json_lines().len(), 1);
    assert!(r.stderr.contains("1 of 2 id(s) are unknown to Semantic Scholar"), "{}", r.stderr);
    let seen = mock.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].method, "POST");
    assert_eq!(seen[1].body, "{\"ids\":[\"ARXIV:2106.15928\",\"DOI:10.1000/xyz\"]}");
}

#[test]
fn offline_uses_only_the_cache() {
    let mock = Mock::start();
    mock.on(&api_target(0), vec![ok(atom_page(1, &["2506.00001"]))]);
    let cache = tempfile::tempdir().unwrap();
    let args = ["arxiv", "--category", "cs.CL", "--page-size", "2", "--offline"];
    let r = fetch(&mock, cache.path(), &args, &["/api/query"]);
    assert!(r.code == 1 && r.stderr.contains("not in the cache, and --offline forbids asking the service"), "{}", r.stderr);
    assert!(mock.seen().is_empty());
    assert_eq!(fetch(&mock, cache.path(), &args[..5], &["/api/query"]).code, 0);
    let r = fetch(&mock, cache.path(), &args, &["/api/query"]);
    assert_eq!((r.code, r.json_lines().len()), (0, 1), "{}", r.stderr);
    assert_eq!(mock.seen().len(), 1);
}
