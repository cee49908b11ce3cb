//! `topicgraph bench`: throughput benchmarks that anyone can rerun. Speed is measured here,
//! never in tests.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::io::BufRead;
use std::time::Instant;
use topicgraph::ingest::read::Quiet;
use topicgraph::ingest::source::{expand_inputs, open};
use topicgraph::ingest::{read_inputs, read_inputs_to, ReadConfig, Sink};

#[derive(Args)]
#[command(after_help = "Example:\n  topicgraph bench read ../shared/corpus/arxiv-daily/")]
pub struct BenchArgs {
    #[command(subcommand)]
    what: BenchWhat,
}

#[derive(Subcommand)]
enum BenchWhat {
    /// Reading speed: the gzip + JSON floor on one core, then the full ingest with and
    /// without merging (papers/s, dedup index size, peak memory).
    Read {
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<String>,
        /// Skip the single-core gzip + JSON floor.
        #[arg(long)]
        no_floor: bool,
    },
    /// Tagging speed: ontology load (start-up), then reading and tagging every paper in
    /// parallel (papers/s). For the whole-process figure: `time topicgraph tag -q INPUT > /dev/null`.
    Tag {
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<String>,
        #[command(flatten)]
        link: crate::cli::tag::LinkArgs,
    },
    /// Supervised entity tagger speed (`topicgraph ner`): model load, then reading, then
    /// tagging title and abstract of every paper in parallel (papers/s, spans).
    Ner {
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<String>,
        /// `scierc`, `gsap` (embedded models) or a model file.
        #[arg(long, default_value = "scierc")]
        model: String,
    },
    /// A whole build into a new store: time per stage, papers/s, quads/s, store size,
    /// quads per paper, bytes per quad, peak memory.
    Build {
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<String>,
        /// Where to build (must not exist yet; kept afterwards for `bench query`).
        #[arg(long, value_name = "DIR")]
        out: std::path::PathBuf,
        #[arg(long, default_value_t = topicgraph::build::BuildConfig::default().batch)]
        batch: usize,
        #[command(flatten)]
        link: crate::cli::tag::LinkArgs,
    },
    /// A trend report from INPUT read and tagged in memory: time to read and tag the
    /// selected papers, to compute the report, to write it as html, md and csv; peak memory.
    Trends {
        #[command(flatten)]
        corpus: crate::cli::trends::CorpusArgs,
        #[arg(long, default_value = "month", value_name = "week|month|quarter|year")]
        by: topicgraph::report::Granularity,
    },
    /// Make a synthetic corpus for scale benchmarks: the real papers of INPUT first, then
    /// recombinations of them (titles, abstract sentences, authors, dates, categories) up to
    /// --papers, as canonical JSON Lines (gzipped when --out ends in .gz). Deterministic.
    Corpus {
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<String>,
        /// Papers to write.
        #[arg(long, value_name = "N")]
        papers: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, short, value_name = "FILE")]
        out: String,
    },
    /// Query latency on a built store: each query run --runs times after one warm-up run;
    /// p50, p95 and max per query.
    Query {
        #[arg(long, default_value = "output/store", value_name = "PATH")]
        store: std::path::PathBuf,
        /// Query files (default: examples/queries/*.rq).
        #[arg(value_name = "FILE.rq")]
        queries: Vec<std::path::PathBuf>,
        #[arg(long, default_value_t = 20)]
        runs: usize,
    },
}

pub fn run(args: BenchArgs) -> Result<u8> {
    match args.what {
        BenchWhat::Read { inputs, no_floor } => bench_read(&inputs, no_floor),
        BenchWhat::Tag { inputs, link } => bench_tag(&inputs, &link),
        BenchWhat::Ner { inputs, model } => bench_ner(&inputs, &model),
        BenchWhat::Build { inputs, out, batch, link } => bench_build(&inputs, &out, batch, &link),
        BenchWhat::Query { store, queries, runs } => bench_query(&store, queries, runs),
        BenchWhat::Trends { mut corpus, by } => bench_trends(&mut corpus, by),
        BenchWhat::Corpus { inputs, papers, seed, out } => bench_corpus(&inputs, papers, seed, &out),
    }
}

fn bench_corpus(inputs: &[String], count: u64, seed: u64, out: &str) -> Result<u8> {
    let t = Instant::now();
    let mut real = Vec::new();
    let cfg = ReadConfig { merge: false, ..Default::default() };
    read_inputs(inputs, &cfg, &mut Quiet, &mut |p| {
        real.push(p);
        Ok(())
    })?;
    if real.is_empty() {
        anyhow::bail!("no papers in {}", inputs.join(" "));
    }
    eprintln!("read {} real papers in {:.1}s", real.len(), t.elapsed().as_secs_f64());
    let t = Instant::now();
    crate::cli::papers::with_output(out, |w| {
        let mut line = Vec::new();
        topicgraph::synth::generate(&real, count, seed, &mut |p| {
            line.clear();
            topicgraph::model::push_json_line(&mut line, &p)?;
            w.write_all(&line)
        })
        .context("writing the corpus")
    })?;
    report("corpus", count, t.elapsed().as_secs_f64(), Some(format!("{} real, {} recombined -> {out}", real.len().min(count as usize), count.saturating_sub(real.len() as u64))));
    Ok(0)
}

fn bench_build(inputs: &[String], out: &std::path::Path, batch: usize, link: &crate::cli::tag::LinkArgs) -> Result<u8> {
    use topicgraph::build::{build, BuildConfig};
    if out.exists() {
        anyhow::bail!("{} exists: bench build measures a build from scratch into a new folder", out.display());
    }
    println!("threads: {} (rayon), inputs: {}", rayon::current_num_threads(), inputs.join(" "));
    let t = Instant::now();
    let linker = link.linker()?;
    let iris = topicgraph::rdf::iri::Iris::default();
    let kg = topicgraph::rdf::store::create(&out.join("store"))?;
    let cfg = BuildConfig { batch, ..Default::default() };
    let s = build(&kg, &linker, &iris, inputs, &cfg, &mut Quiet)?;
    kg.flush()?;
    drop(kg);
    let secs = t.elapsed().as_secs_f64();
    let papers = s.added + s.updated;
    report("build (read, tag, map, store)", papers, secs, Some(format!("{} quads, {:.0} quads/s", s.quads_inserted, s.quads_inserted as f64 / secs)));
    for (stage, t) in &s.stages {
        println!("    {stage:<10} {t:>8.2} s");
    }
    let bytes = dir_size(&out.join("store"));
    println!("store: {:.1} MiB on disk, {:.1} quads/paper, {:.1} bytes/quad", bytes as f64 / (1 << 20) as f64, s.quads_inserted as f64 / papers.max(1) as f64, bytes as f64 / s.quads_inserted.max(1) as f64);
    if let Some(kb) = peak_rss_kib() {
        println!("peak RSS: {:.1} MiB", kb as f64 / 1024.0);
    }
    Ok(0)
}

fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir).map(|d| d.filter_map(|e| e.ok()).map(|e| match e.metadata() {
        Ok(m) if m.is_dir() => dir_size(&e.path()),
        Ok(m) => m.len(),
        Err(_) => 0,
    }).sum()).unwrap_or(0)
}

fn bench_query(store: &std::path::Path, mut queries: Vec<std::path::PathBuf>, runs: usize) -> Result<u8> {
    use topicgraph::sparql::{evaluate, QueryOptions};
    if queries.is_empty() {
        queries = std::fs::read_dir("examples/queries").context("examples/queries")?.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|e| e == "rq")).collect();
        queries.sort();
    }
    let kg = topicgraph::rdf::store::open_read_only(store)?;
    println!("store: {}, {} quads; {runs} runs per query after a warm-up", store.display(), kg.len()?);
    println!("{:<44} {:>8} {:>9} {:>9} {:>9}", "query", "results", "p50 ms", "p95 ms", "max ms");
    for path in &queries {
        let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
        let mut times = Vec::with_capacity(runs);
        let mut results = 0u64;
        let runs = runs.max(1);
        for i in 0..=runs {
            let t = Instant::now();
            // What `topicgraph query` does: the vocabulary prefixes, the union default graph.
            results = evaluate(&kg, &text, &QueryOptions::default()).and_then(|e| e.count()).with_context(|| path.display().to_string())?;
            if i > 0 {
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
        }
        times.sort_by(f64::total_cmp);
        let pct = |p: f64| times[((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1];
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        println!("{name:<44} {results:>8} {:>9.1} {:>9.1} {:>9.1}", pct(0.5), pct(0.95), times.last().copied().unwrap_or(0.0));
    }
    Ok(0)
}

fn bench_read(inputs: &[String], no_floor: bool) -> Result<u8> {
    println!("threads: {} (rayon), inputs: {}", rayon::current_num_threads(), inputs.join(" "));
    if !no_floor {
        let t = Instant::now();
        let mut n = 0u64;
        for file in expand_inputs(inputs)? {
            let mut r = open(&file).with_context(|| file.name.clone())?;
            let mut buf = Vec::new();
            loop {
                buf.clear();
                if r.read_until(b'\n', &mut buf)? == 0 {
                    break;
                }
                if serde_json::from_slice::<serde_json::Value>(&buf).is_ok() {
                    n += 1;
                }
            }
        }
        report("floor: gzip + serde_json::Value, 1 core", n, t.elapsed().as_secs_f64(), None);
    }
    // As `papers` reads (lines of JSON to standard output, serialised by the workers), as
    // `build` and `tag` read (papers as values), then as `papers --out FILE` writes (lines into
    // the file, which is the merger's spill); each with and without merging.
    #[derive(Clone, Copy, PartialEq)]
    enum Way {
        Lines,
        Values,
        File,
    }
    let ways = [(true, Way::Lines), (true, Way::Values), (false, Way::Lines), (false, Way::Values), (true, Way::File), (false, Way::File)];
    for (merge, into) in ways {
        let cfg = ReadConfig { merge, ..Default::default() };
        let mut file = if into == Way::File { Some(tempfile::tempfile().context("creating a temporary file")?) } else { None };
        let t = Instant::now();
        let mut touched = 0u64;
        let s = match (into, file.as_mut()) {
            (Way::File, Some(f)) => read_inputs_to(inputs, &cfg, &mut Quiet, Sink::JsonFile(f))?,
            (Way::Lines, _) => read_inputs_to(inputs, &cfg, &mut Quiet, Sink::JsonLines(&mut |line| {
                touched += line.len() as u64; // what `papers` writes
                Ok(())
            }))?,
            _ => read_inputs(inputs, &cfg, &mut Quiet, &mut |p| {
                touched += p.title.len() as u64 & 1; // touch the paper so nothing is optimised away
                Ok(())
            })?,
        };
        let secs = t.elapsed().as_secs_f64();
        let label = match (merge, into) {
            (true, Way::Lines) => "papers → JSON Lines (parse + clean + merge)",
            (true, Way::Values) => "papers as values (parse + clean + merge)",
            (false, Way::Lines) => "papers --no-merge → JSON Lines",
            (false, Way::Values) => "papers --no-merge as values (parse + clean)",
            (true, Way::File) => "papers → a JSON Lines file (merged in place)",
            (false, Way::File) => "papers --no-merge → a JSON Lines file",
        };
        let mib = |bytes: u64| bytes as f64 / (1 << 20) as f64;
        let out = match (into, &file) {
            (Way::Lines, _) => format!(", {:.0} MiB of JSON", mib(touched)),
            (Way::File, Some(f)) => format!(", {:.0} MiB in the file", mib(f.metadata().map(|m| m.len()).unwrap_or(0))),
            _ => String::new(),
        };
        report(label, s.read, secs, Some(format!("accepted {}, written {}, rejected {}, merged {}{out}", s.accepted, s.written, s.rejected, s.duplicates_merged)));
        if merge && into == Way::Lines {
            println!("    dedup index: {} entries, ~{:.1} MiB", s.index_entries, s.index_bytes as f64 / (1 << 20) as f64);
        }
    }
    if let Some(kb) = peak_rss_kib() {
        println!("peak RSS: {:.1} MiB", kb as f64 / 1024.0);
    }
    Ok(0)
}

fn bench_tag(inputs: &[String], link: &crate::cli::tag::LinkArgs) -> Result<u8> {
    use rayon::prelude::*;
    println!("threads: {} (rayon), inputs: {}", rayon::current_num_threads(), inputs.join(" "));
    let t = Instant::now();
    let linker = link.linker()?;
    println!("ontology load + automaton build + keyphrase table: {:.1} ms ({} concepts)", t.elapsed().as_secs_f64() * 1000.0, linker.ontology().concepts.len());
    let t = Instant::now();
    let papers = crate::cli::papers::read_unmerged(inputs)?;
    report("read (parse + clean)", papers.len() as u64, t.elapsed().as_secs_f64(), None);
    let t = Instant::now();
    let (tags, entities, keywords): (u64, u64, u64) = papers.par_iter().map(|p| linker.tag(p)).map(|t| (t.concepts.len() as u64, t.entities.len() as u64, t.keywords.len() as u64)).reduce(|| (0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2));
    let what = if linker.entity_extractor().is_some() { "tag (concepts + entities + keyphrases)" } else { "tag (concepts + keyphrases)" };
    let what = if linker.semantic_stats().is_some() { format!("{what} + semantic") } else { what.to_string() };
    report(&what, papers.len() as u64, t.elapsed().as_secs_f64(), Some(format!("{tags} concept tags, {entities} entities, {keywords} keyphrases")));
    crate::cli::tag::report_semantic(&linker, false);
    if let Some(k) = linker.keyphrases() {
        let t = Instant::now();
        let n: u64 = papers.par_iter().map(|p| k.extract(&topicgraph::link::document::Document::new(p)).len() as u64).sum();
        report("keyphrases alone (with tokenizing)", papers.len() as u64, t.elapsed().as_secs_f64(), Some(format!("{n} keyphrases")));
    }
    Ok(0)
}

fn bench_trends(corpus: &mut crate::cli::trends::CorpusArgs, by: topicgraph::report::Granularity) -> Result<u8> {
    use topicgraph::report::{compute, ReportFormat, TrendConfig};
    if corpus.inputs.is_empty() {
        anyhow::bail!("bench trends needs INPUT (it measures reading and tagging in memory)");
    }
    corpus.quiet = true;
    println!("threads: {} (rayon), inputs: {}", rayon::current_num_threads(), corpus.inputs.join(" "));
    let started = Instant::now();
    let t = Instant::now();
    let c = corpus.load("bench trends", false)?;
    let load = t.elapsed().as_secs_f64();
    println!("read {} records, selected {} papers ({} other categories, {} outside the dates): {load:.2} s (read + tag, {:.0} selected papers/s)", c.read, c.papers.len(), c.skipped.category, c.skipped.range, c.papers.len() as f64 / load);
    let t = Instant::now();
    let config = TrendConfig { by, since: corpus.since, until: corpus.until, basis: corpus.date, ..Default::default() };
    let r = compute(&c, &config);
    println!("compute: {:.2} s ({} concepts, {} periods, {} papers counted)", t.elapsed().as_secs_f64(), r.concepts.len(), r.periods.len(), r.coverage.counted);
    for format in [ReportFormat::Html, ReportFormat::Markdown, ReportFormat::Csv] {
        let t = Instant::now();
        let bytes = crate::cli::trends::render(&r, &c, format, "Topic trends")?;
        println!("write {format}: {:.3} s ({:.1} KiB)", t.elapsed().as_secs_f64(), bytes.len() as f64 / 1024.0);
    }
    println!("total: {:.2} s", started.elapsed().as_secs_f64());
    if let Some(kb) = peak_rss_kib() {
        println!("peak RSS: {:.1} MiB", kb as f64 / 1024.0);
    }
    Ok(0)
}

fn bench_ner(inputs: &[String], model: &str) -> Result<u8> {
    use rayon::prelude::*;
    println!("threads: {} (rayon), inputs: {}", rayon::current_num_threads(), inputs.join(" "));
    let t = Instant::now();
    let tagger = topicgraph::extract::ner::Tagger::resolve(model)?;
    println!("model {} load: {:.1} ms ({} feature rows)", tagger.id(), t.elapsed().as_secs_f64() * 1000.0, tagger.rows());
    let t = Instant::now();
    let papers = crate::cli::papers::read_unmerged(inputs)?;
    report("read (parse + clean)", papers.len() as u64, t.elapsed().as_secs_f64(), None);
    let t = Instant::now();
    let spans: u64 = papers.par_iter().map(|p| (tagger.tag(&p.title).len() + tagger.tag(&p.abstract_text).len()) as u64).sum();
    report("ner tag (title + abstract)", papers.len() as u64, t.elapsed().as_secs_f64(), Some(format!("{spans} spans")));
    Ok(0)
}

fn report(label: &str, n: u64, secs: f64, extra: Option<String>) {
    println!("{label:<44} {n:>9} records in {secs:>7.2} s = {:>9.0} records/s{}", n as f64 / secs, extra.map(|e| format!("  ({e})")).unwrap_or_default());
}

/// Peak resident memory of this process, from /proc (Linux).
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
