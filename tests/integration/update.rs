//! `topicgraph update` against the scripted server: cursors in the store, a second run that
//! changes nothing, and a run after the services added papers that adds exactly those.

use crate::common::run;
use crate::mock::{atom_page, hf_item, ok, status, Mock};
use std::path::Path;

const DAY1: &str = "/api/daily_papers?date=2025-06-02";
const DAY2: &str = "/api/daily_papers?date=2025-06-03";
const ARXIV: &str = "/api/query?*";

fn write_config(dir: &Path, mock: &Mock) -> String {
    let config = dir.join("topicgraph.toml");
    let text = format!(
        "# followed by the update tests\nout = \"kg\"\nsince = \"2025-06-02\"\n\n\
         [[source]]\nkind = \"hf-daily\"\nbase_url = \"{base}/api/daily_papers\"\n\n\
         [[source]]\nkind = \"arxiv\"\ncategories = [\"cs.CL\"]\nbase_url = \"{base}/api/query\"\n",
        base = mock.base
    );
    std::fs::write(&config, text).unwrap();
    config.display().to_string()
}

fn update(config: &str, cache: &Path, extra: &[&str]) -> crate::common::Run {
    let cache = cache.display().to_string();
    let mut args = vec!["update", "--config", config, "--until", "2025-06-03", "--cache", &cache, "--delay", "0", "--backoff", "0.05"];
    args.extend_from_slice(extra);
    let r = run(&args, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r
}

/// The papers and provenance graphs, sorted: what an update must not disturb.
fn dump(store: &Path) -> Vec<String> {
    let store = store.display().to_string();
    let r = run(&["export", "rdf", "--store", &store, "--format", "nquads", "--graph", "papers", "--graph", "provenance", "--graph", "annotations"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut lines: Vec<String> = r.stdout.lines().map(str::to_string).collect();
    lines.sort();
    lines
}

fn papers(lines: &[String]) -> Vec<String> {
    let mut p: Vec<String> = lines.iter().filter(|l| l.contains("schema.org/ScholarlyArticle")).map(|l| l.split(' ').next().unwrap().to_string()).collect();
    p.dedup();
    p
}

#[test]
fn update_twice_changes_nothing_then_adds_exactly_the_new_papers() {
    let mock = Mock::start();
    mock.on(DAY1, vec![ok(format!("[{},{}]", hf_item("2506.00001", "CodeArena"), hf_item("2506.00011", "MathArena")))]);
    mock.on(DAY2, vec![ok(format!("[{}]", hf_item("2506.00012", "KVPress")))]);
    mock.on(ARXIV, vec![ok(atom_page(2, &["2506.00001", "2506.00002"]))]);
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let config = write_config(dir.path(), &mock);
    let store = dir.path().join("kg/store");

    let first = update(&config, &cache, &[]);
    assert!(first.stderr.contains("hf-daily: 2025-06-02 to 2025-06-03: 2 page(s)") && first.stderr.contains("3 new paper(s)"), "{}", first.stderr);
    assert!(first.stderr.contains("arxiv: 2025-06-02 to 2025-06-03") && first.stderr.contains("1 new paper(s), 1 updated"), "the paper on both services is one paper: {}", first.stderr);
    assert!(dir.path().join("kg/trends.html").is_file(), "the reports are written");
    let one = dump(&store);
    assert_eq!(papers(&one).len(), 4, "{:#?}", papers(&one));
    let asked = mock.seen().len();
    assert_eq!(asked, 3);

    // At once again: each source starts at its cursor day, 2025-06-03; the cache answers
    // the HF request (the same URL, younger than --max-age), arXiv is asked for the new
    // window; nothing changes.
    let second = update(&config, &cache, &[]);
    assert_eq!(mock.seen().len(), asked + 1, "only the new arXiv window is asked for");
    let asked = asked + 1;
    assert!(second.stderr.contains("hf-daily: 2025-06-03 to 2025-06-03: 1 page(s) (1 from the cache)") && second.stderr.contains("0 new paper(s), 0 updated"), "{}", second.stderr);
    assert_eq!(dump(&store), one, "a second update changes nothing");

    // Asked again (--max-age 0), the services send the same: still nothing changes, though
    // the arXiv page now lists its papers in another order.
    mock.on(ARXIV, vec![ok(atom_page(2, &["2506.00002", "2506.00001"]))]);
    update(&config, &cache, &["--max-age", "0"]);
    assert_eq!(mock.seen().len(), asked + 2, "only the cursor day is asked again, and arXiv once");
    assert!(mock.seen()[asked..].iter().all(|s| s.target != DAY1), "the day before the cursor is not asked again");
    assert_eq!(dump(&store), one, "the same records from the services change nothing");

    // The services add a paper each: the next update adds exactly those two.
    mock.on(DAY2, vec![ok(format!("[{},{}]", hf_item("2506.00012", "KVPress"), hf_item("2506.00013", "LoRAHub")))]);
    mock.on(ARXIV, vec![ok(atom_page(3, &["2506.00003", "2506.00001", "2506.00002"]))]);
    let fourth = update(&config, &cache, &["--max-age", "0"]);
    let four = dump(&store);
    let added: Vec<String> = papers(&four).into_iter().filter(|p| !papers(&one).contains(p)).collect();
    assert_eq!(added.len(), 2, "{added:#?}\n{}", fourth.stderr);
    assert!(added.iter().any(|p| p.contains("2506.00013")) && added.iter().any(|p| p.contains("2506.00003")), "{added:#?}");
    assert!(one.iter().all(|l| four.contains(l)), "nothing already loaded changed");
}

#[test]
fn a_failing_source_keeps_its_cursor_and_the_others_go_on() {
    let mock = Mock::start();
    mock.on(DAY1, vec![ok(format!("[{}]", hf_item("2506.00001", "CodeArena")))]);
    mock.on(DAY2, vec![ok("[]")]);
    mock.on(ARXIV, vec![status(400)]);
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &mock);
    let cache = dir.path().join("cache").display().to_string();
    let r = run(&["update", "--config", &config, "--until", "2025-06-03", "--cache", &cache, "--delay", "0"], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("arxiv: ") && r.stderr.contains("HTTP 400") && r.stderr.contains("the next run retries"), "{}", r.stderr);
    assert!(r.stderr.contains("hf-daily: 2025-06-02 to 2025-06-03") && r.stderr.contains("1 new paper(s)"), "{}", r.stderr);

    // Fixed: the arXiv source starts again from `since`; the HF source from its cursor.
    mock.on(ARXIV, vec![ok(atom_page(1, &["2506.00002"]))]);
    let r = run(&["update", "--config", &config, "--until", "2025-06-03", "--cache", &cache, "--delay", "0", "--max-age", "0"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("arxiv: 2025-06-02 to 2025-06-03") && r.stderr.contains("hf-daily: 2025-06-03 to 2025-06-03"), "{}", r.stderr);
}

#[test]
fn a_missing_or_bad_config_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.toml").display().to_string();
    let r = run(&["update", "--config", &missing], None);
    assert!(r.code == 1 && r.stderr.contains("nope.toml: no such config file"), "{}", r.stderr);
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[[source]]\nkind = \"arxiv\"\n").unwrap();
    let r = run(&["update", "--config", &bad.display().to_string()], None);
    assert!(r.code == 1 && r.stderr.contains("bad.toml") && r.stderr.contains("give `categories` or `query`"), "{}", r.stderr);
}
