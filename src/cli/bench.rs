//! `topicgraph bench`: throughput benchmarks that anyone can rerun. Speed is measured here,
//! never in tests.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::io::BufRead;
use std::time::Instant;
use topicgraph::ingest::read::Quiet;
use topicgraph::ingest::source::{expand_inputs, open};
use topicgraph::ingest::{read_inputs, ReadConfig};

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
}

pub fn run(args: BenchArgs) -> Result<u8> {
    match args.what {
        BenchWhat::Read { inputs, no_floor } => bench_read(&inputs, no_floor),
        BenchWhat::Tag { inputs, link } => bench_tag(&inputs, &link),
    }
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
    for merge in [true, false] {
        let cfg = ReadConfig { merge, ..Default::default() };
        let t = Instant::now();
        let mut written = 0u64;
        let s = read_inputs(inputs, &cfg, &mut Quiet, &mut |p| {
            written += p.title.len() as u64 & 1; // touch the paper so nothing is optimised away
            Ok(())
        })?;
        let secs = t.elapsed().as_secs_f64();
        let label = if merge { "papers (parse + clean + merge)" } else { "papers --no-merge (parse + clean)" };
        report(label, s.read, secs, Some(format!("accepted {}, written {}, rejected {}, merged {}", s.accepted, s.written, s.rejected, s.duplicates_merged)));
        if merge {
            println!("    dedup index: {} entries, ~{:.1} MiB", s.index_entries, s.index_bytes as f64 / (1 << 20) as f64);
        }
        let _ = written;
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
    println!("ontology load + automaton build: {:.1} ms ({} concepts)", t.elapsed().as_secs_f64() * 1000.0, linker.ontology().concepts.len());
    let mut papers = Vec::new();
    let cfg = ReadConfig { merge: false, ..Default::default() };
    let t = Instant::now();
    read_inputs(inputs, &cfg, &mut Quiet, &mut |p| {
        papers.push(p);
        Ok(())
    })?;
    report("read (parse + clean)", papers.len() as u64, t.elapsed().as_secs_f64(), None);
    let t = Instant::now();
    let tags: u64 = papers.par_iter().map(|p| linker.tag(p).concepts.len() as u64).sum();
    report("tag (lexical linker)", papers.len() as u64, t.elapsed().as_secs_f64(), Some(format!("{tags} concept tags")));
    Ok(0)
}

fn report(label: &str, n: u64, secs: f64, extra: Option<String>) {
    println!("{label:<40} {n:>9} records in {secs:>7.2} s = {:>9.0} records/s{}", n as f64 / secs, extra.map(|e| format!("  ({e})")).unwrap_or_default());
}

/// Peak resident memory of this process, from /proc (Linux).
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
