//! `topicgraph papers`: every format, bad input, exit codes, merging, determinism.

use crate::common::{data, run, shared};
use serde_json::Value;
use std::path::Path;

fn papers(args: &[&str]) -> (Vec<Value>, String) {
    let mut full = vec!["papers"];
    full.extend_from_slice(args);
    let r = run(&full, None);
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    (r.json_lines(), r.stderr)
}

fn by_id<'a>(ps: &'a [Value], id: &str) -> &'a Value {
    ps.iter().find(|p| p["id"] == id).unwrap_or_else(|| panic!("no paper {id} in {ps:?}"))
}

#[test]
fn every_fixture_format_reads() {
    // (fixture, format it must be detected as, papers it holds)
    let cases = [
        ("formats/crawler_sample.jsonl", "crawler", 2),
        ("formats/kaggle_sample.jsonl", "kaggle", 1),
        ("formats/hf_api_sample.json", "hf-api", 1),
        ("formats/openalex_page.json", "openalex", 1),
        ("formats/s2_batch.json", "s2", 1),
        ("formats/arxiv_atom_feed.xml", "arxiv-atom", 0),
        ("formats/oai_pmh_listrecords_arXivRaw.xml", "oai-pmh", 0),
        ("formats/acl_xml_2099.tiny.xml", "acl-xml", 0),
        ("formats/bibtex_mixed.bib", "bibtex", 0),
        ("formats/ris_mixed.ris", "ris", 0),
        ("formats/wos_sample.txt", "wos", 0),
        ("formats/hf_listing_week.txt", "hf-listing", 0),
    ];
    for (file, format, min) in cases {
        let r = run(&["papers", "--no-merge", &data(file)], None);
        assert_eq!(r.code, 0, "{file}: {}", r.stderr);
        let ps = r.json_lines();
        assert!(ps.len() >= min.max(1), "{file}: {} papers", ps.len());
        assert!(ps.iter().all(|p| p["sources"][0]["format"] == format), "{file} not read as {format}: {}", r.stdout);
        assert!(r.stderr.contains(&format!("{format} ")), "{file}: summary names the format: {}", r.stderr);
    }
}

#[test]
fn crawler_text_is_cleaned_with_math_spans_and_links() {
    let (ps, _) = papers(&["--no-merge", &data("formats/crawler_sample.jsonl")]);
    let p = by_id(&ps, "2506.01234");
    assert_eq!(p["title"], "Paged KV Cache Eviction for Long-Context Serving");
    assert_eq!(p["abstract"], "We study the key-value cache of transformer inference and propose an eviction policy with $O(n \\log n)$ cost.");
    let abs: Vec<char> = p["abstract"].as_str().unwrap().chars().collect();
    let span = &p["math_spans"]["abstract"][0];
    let (s, e) = (span[0].as_u64().unwrap() as usize, span[1].as_u64().unwrap() as usize);
    assert_eq!(abs[s..e].iter().collect::<String>(), "$O(n \\log n)$");
    assert_eq!(p["listed"], "2025-06-03");
    assert_eq!(p["id_date"], "2025-06");
    assert_eq!(p["links"]["code"][0], "https://github.com/example/pagedkv");
    assert!(p.get("original").is_none(), "line wraps alone are not worth keeping the source text");
    let moe = by_id(&ps, "2506.05678");
    assert_eq!(moe["abstract"], "Sparse mixture-of-experts (MoE) layers route tokens to experts.");
    assert_eq!(moe["original"]["abstract"], "Sparse mixture-of-experts (MoE) layers route tokens to \\emph{experts}.", "TeX removed: source kept");
}

#[test]
fn sources_merge_by_shared_ids_and_latest_version_wins() {
    let (ps, stderr) = papers(&[&data("formats/crawler_sample.jsonl"), &data("formats/kaggle_sample.jsonl"), &data("formats/hf_api_sample.json"), &data("formats/openalex_page.json"), &data("formats/s2_batch.json")]);
    assert_eq!(ps.len(), 3, "{stderr}");
    let kv = by_id(&ps, "2506.01234");
    assert_eq!(kv["title"], "Paged KV Cache Eviction for Long-Context Serving (v2)", "kaggle knows v2");
    assert_eq!(kv["ids"]["arxiv_versions"], serde_json::json!([1, 2]));
    assert_eq!(kv["published"], "2025-06-02");
    assert_eq!(kv["listed"], "2025-06-03", "the crawler's listing date fills the gap");
    assert_eq!(kv["sources"].as_array().unwrap().len(), 2);
    let moe = by_id(&ps, "2506.05678");
    assert_eq!(moe["published"], "2025-06-06");
    assert_eq!(moe["listed"], "2025-06-09", "crawler outranks the HF API for listed");
    let sl = by_id(&ps, "2405.00042");
    assert_eq!(sl["ids"]["doi"], "10.1000/example.42");
    assert_eq!(sl["ids"]["openalex"], "W4000000001");
    assert_eq!(sl["ids"]["s2"], "0123456789abcdef0123456789abcdef01234567");
    assert_eq!(sl["abstract"], "Loss falls as a power law in compute.", "S2 outranks OpenAlex");
    assert!(stderr.contains("merged     3 duplicate"), "{stderr}");
}

#[test]
fn an_out_file_holds_what_stdout_gets() {
    // `--out FILE` is filled in place (the file is the merger's spill, rewritten from the
    // first merged paper on): the same bytes as standard output, with duplicates at the
    // start, in the middle and none, merged and not.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("papers.jsonl");
    let (crawler, kaggle, hf, seed) = (data("formats/crawler_sample.jsonl"), data("formats/kaggle_sample.jsonl"), data("formats/hf_api_sample.json"), data("formats/hf_listing_week.txt"));
    for inputs in [vec![&crawler, &kaggle, &hf], vec![&seed, &crawler, &hf, &kaggle], vec![&seed], vec![&crawler, &crawler]] {
        for merge in [true, false] {
            let mut args: Vec<&str> = vec!["papers", "-q"];
            if !merge {
                args.push("--no-merge");
            }
            args.extend(inputs.iter().map(|s| s.as_str()));
            let stdout = run(&args, None);
            args.extend(["--out", out.to_str().unwrap()]);
            let file = run(&args, None);
            assert_eq!((stdout.code, file.code), (0, 0), "{}", file.stderr);
            assert!(!stdout.stdout.is_empty());
            assert_eq!(std::fs::read_to_string(&out).unwrap(), stdout.stdout, "{args:?}");
            // Standard output redirected to a file (`>`, and `>>` onto an empty file) is
            // filled in place the same way; onto a file that holds something, it appends.
            args.truncate(args.len() - 2);
            for (append, before) in [(false, ""), (true, ""), (true, "earlier\n")] {
                std::fs::write(&out, before).unwrap();
                let f = std::fs::OpenOptions::new().write(true).append(append).open(&out).unwrap();
                let status = std::process::Command::new(crate::common::bin()).args(&args).stdout(f).status().unwrap();
                assert!(status.success(), "{args:?}");
                assert_eq!(std::fs::read_to_string(&out).unwrap(), format!("{before}{}", stdout.stdout), "{args:?} append {append}");
            }
        }
    }
}

#[test]
fn merging_does_not_depend_on_input_order() {
    let a = run(&["papers", &data("formats/crawler_sample.jsonl"), &data("formats/kaggle_sample.jsonl")], None);
    let b = run(&["papers", &data("formats/kaggle_sample.jsonl"), &data("formats/crawler_sample.jsonl")], None);
    let title = |r: &crate::common::Run, id: &str| by_id(&r.json_lines(), id)["title"].clone();
    assert_eq!(title(&a, "2506.01234"), title(&b, "2506.01234"));
}

#[test]
fn the_listing_joins_its_arxiv_records_in_the_bundled_example() {
    // The saved HF listing names no ids; six of its papers are also in the arXiv slice, one
    // with a rewritten (v2) abstract. Each becomes one paper with the arXiv id, in either
    // input order, and the same papers come out.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let (listing, arxiv) = (root.join("hf-daily-papers-2025-03-14.txt"), root.join("arxiv-cs-2024-2026.jsonl.gz"));
    let (listing, arxiv) = (listing.to_str().unwrap(), arxiv.to_str().unwrap());
    let mut outputs = Vec::new();
    for order in [[listing, arxiv], [arxiv, listing]] {
        let r = run(&["papers", order[0], order[1]], None);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stderr.contains("merged     6 duplicate record(s) (6 without any id, by title and abstract)"), "{}", r.stderr);
        assert!(!r.stderr.contains("near-duplicate"), "{}", r.stderr);
        let papers = r.json_lines();
        assert_eq!(papers.len(), 3085);
        let joined: Vec<&Value> = papers.iter().filter(|p| p["sources"].as_array().unwrap().len() == 2).collect();
        assert_eq!(joined.len(), 6);
        for p in &joined {
            assert_eq!(p["ids"]["arxiv"], p["id"], "{p}");
            assert!(p["sources"].as_array().unwrap().iter().any(|s| s["format"] == "hf-listing"), "{p}");
        }
        let mut lines: Vec<String> = r.stdout.lines().map(str::to_string).collect();
        lines.sort();
        outputs.push(lines);
    }
    // The record numbers in `sources` are the same in either order; so is every line.
    assert!(outputs[0] == outputs[1], "the same papers in either order");
}

#[test]
fn bad_records_are_reported_counted_and_skipped() {
    let r = run(&["papers", &data("bad/canonical_mixed.jsonl")], None);
    assert_eq!(r.code, 0, "rejections are not an error: {}", r.stderr);
    let ids: Vec<String> = r.json_lines().iter().map(|p| p["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids, vec!["ok-1", "title-only", "ok-2"], "BOM stripped, order kept");
    let err = &r.stderr;
    for (line, why) in [(2, "truncated JSON"), (3, "wrong field type"), (4, "invalid UTF-8"), (5, "record has neither title nor abstract")] {
        assert!(err.contains(&format!("canonical_mixed.jsonl: line {line}: {why}")), "line {line}: {err}");
    }
    assert!(err.contains("rejected   4 record(s)"), "{err}");
    assert!(err.contains("(1 without abstract)"), "{err}");
}

#[test]
fn huge_abstract_and_brace_bomb_are_rejected_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.jsonl");
    let bomb = format!("{}x{}", "{".repeat(5000), "}".repeat(5000));
    let lines = [
        serde_json::json!({"id": "huge", "title": "T", "abstract": "word ".repeat(210_000)}).to_string(),
        serde_json::json!({"id": "bomb", "title": "T", "abstract": bomb}).to_string(),
        serde_json::json!({"id": "fine", "title": "T"}).to_string(),
    ];
    std::fs::write(&big, lines.join("\n")).unwrap();
    let r = run(&["papers", big.to_str().unwrap()], None);
    assert_eq!(r.code, 0);
    assert_eq!(r.json_lines().len(), 1);
    assert!(r.stderr.contains("line 1: abstract is 1050000 bytes"), "{}", r.stderr);
    assert!(r.stderr.contains("line 2: abstract nests braces 5000 deep"), "{}", r.stderr);
}

#[test]
fn exit_codes() {
    let bad = data("bad/canonical_mixed.jsonl");
    assert_eq!(run(&["papers", "--strict", &bad], None).code, 2);
    let strict = run(&["papers", "--strict", &bad], None);
    assert!(strict.stderr.contains("line 2") && strict.stderr.contains("--strict"), "{}", strict.stderr);
    assert_eq!(run(&["papers", "--fail-on-reject", &bad], None).code, 3);
    let missing = run(&["papers", "no/such/file.jsonl"], None);
    assert_eq!(missing.code, 1);
    assert!(missing.stderr.contains("no/such/file.jsonl"), "{}", missing.stderr);
    assert_eq!(run(&["papers", "--format", "nope", &bad], None).code, 2, "clap usage errors exit 2");
}

#[test]
fn stdin_gzip_and_sniffing_without_extension() {
    let raw = std::fs::read(data("formats/crawler_sample.jsonl")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &raw).unwrap();
    let gz = gz.finish().unwrap();
    let r = run(&["papers", "-"], Some(&gz));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json_lines().len(), 2);
    assert_eq!(r.json_lines()[0]["sources"][0]["file"], "-");
}

#[test]
fn forced_format_and_out_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sub/papers.jsonl");
    let r = run(&["papers", "--format", "canonical", &data("formats/crawler_sample.jsonl"), "--out", out.to_str().unwrap()], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), 2, "canonical reads crawler lines as papers with their own ids");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644, "written like any file, not owner-only");
    }
    // `.gz` names are gzipped.
    let gz = dir.path().join("papers.jsonl.gz");
    let r = run(&["papers", "--format", "canonical", &data("formats/crawler_sample.jsonl"), "--out", gz.to_str().unwrap()], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut unzipped = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(std::fs::File::open(&gz).unwrap()), &mut unzipped).unwrap();
    assert_eq!(unzipped, text);
}

#[test]
fn output_is_deterministic() {
    let args = ["papers", &data("formats/"), &data("bad/")];
    let a = run(&args, None);
    let b = run(&args, None);
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert!(!a.stdout.is_empty());
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn listing_date_is_an_option_never_a_guess() {
    let (ps, _) = papers(&[&data("formats/hf_listing_week.txt")]);
    assert!(ps.iter().all(|p| p.get("listed").is_none()), "no year given: listed stays unknown");
    let (ps, _) = papers(&["--listing-date", "2025-03-14", &data("formats/hf_listing_week.txt")]);
    assert!(ps.iter().all(|p| p["listed"].as_str().unwrap().starts_with("2025-")), "{ps:?}");
    assert!(ps.iter().all(|p| p["id"].as_str().unwrap().starts_with("t-")), "title-derived ids");
}

#[test]
fn help_and_version() {
    let r = run(&["--help"], None);
    assert!(r.stdout.contains("papers") && r.stdout.contains("Exit codes"), "{}", r.stdout);
    let r = run(&["papers", "--help"], None);
    assert!(r.stdout.contains("Examples:") && r.stdout.contains("--listing-date"), "{}", r.stdout);
    assert!(run(&["--version"], None).stdout.starts_with("topicgraph "));
}

// ---- against ../shared (skipped with a reason when absent) ----

#[test]
fn shared_format_samples_all_read() {
    let Some(dir) = shared("formats") else { return };
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".md") {
            continue;
        }
        let r = run(&["papers", "--no-merge", path.to_str().unwrap()], None);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        assert!(!r.stdout.is_empty(), "{name}: no paper: {}", r.stderr);
        assert!(!r.stderr.contains("failed"), "{name}: {}", r.stderr);
    }
}

#[test]
fn shared_seed_listing_matches_seed_jsonl() {
    let (Some(listing), Some(seed)) = (shared("seed/hf-daily-papers-listing.txt"), shared("seed/seed-papers.jsonl")) else { return };
    let (ps, _) = papers(&["--listing-date", "2025-03-14", listing.to_str().unwrap()]);
    let (want, _) = papers(&[seed.to_str().unwrap()]);
    assert_eq!(ps.len(), 94);
    for (got, want) in ps.iter().zip(&want) {
        assert_eq!(got["title"], want["title"]);
        assert_eq!(got["abstract"], want["abstract"]);
        assert_eq!(got["listed"], "2025-03-14");
    }
}

#[test]
fn shared_corpora_read_in_full() {
    let (Some(arxiv), Some(acl)) = (shared("corpus/arxiv-daily"), shared("corpus/acl-anthology-2021")) else { return };
    let r = run(&["papers", "-q", "--no-merge", arxiv.to_str().unwrap()], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 266_168);
    let r = run(&["papers", acl.to_str().unwrap()], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("61686 record(s) read"), "{}", r.stderr);
    assert!(r.stderr.contains("rejected   0"), "{}", r.stderr);
}
