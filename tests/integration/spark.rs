//! The cluster route (issue: scale): a real Spark job (`local[2]`) pipes partitions of the
//! bundled arXiv slice through `topicgraph tag -` with scripts/spark-tag.py; every paper's
//! tags equal a single-process run's, and `build --from-tags` loads the job's part files
//! into the store a direct build makes (same tags, nothing re-tagged).

use crate::common::{bin, python_with, run, tool};
use serde_json::Value;
use std::io::Read;
use std::path::Path;
use std::process::Command;

#[test]
fn a_spark_job_tags_like_one_process_and_builds_from_its_output() {
    let Some(python) = python_with("pyspark") else { return };
    if !tool("java") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // A plain (splittable) copy of the example's arXiv slice: Spark reads it in partitions.
    let input = dir.path().join("papers.jsonl");
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(root.join("examples/arxiv-cs-2024-2026.jsonl.gz")).unwrap()).read_to_string(&mut text).unwrap();
    std::fs::write(&input, &text).unwrap();
    let papers = text.lines().count();
    assert!(papers > 2000, "{papers}");

    let out = dir.path().join("tags");
    let job = Command::new(&python)
        .arg(root.join("scripts/spark-tag.py"))
        .args(["--master", "local[2]", "--partitions", "4", "--binary", bin()])
        .arg("--input")
        .arg(&input)
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&job.stderr);
    assert!(job.status.success(), "spark job failed: {stderr}");
    assert!(stderr.contains("4 partition(s)"), "{stderr}");

    // The part files, in partition order.
    let mut parts: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().path()).filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("part-")).collect();
    parts.sort();
    assert!(parts.len() >= 4, "{parts:?}");
    let mut from_spark: Vec<Value> = Vec::new();
    for p in &parts {
        for line in std::fs::read_to_string(p).unwrap().lines() {
            from_spark.push(serde_json::from_str(line).unwrap());
        }
    }

    let single = run(&["tag", "-q", &input.display().to_string()], None);
    assert_eq!(single.code, 0, "{}", single.stderr);
    let single = single.json_lines();
    assert_eq!(single.len(), papers, "every record is tagged");
    assert_eq!(from_spark.len(), papers);
    for (i, (mut s, one)) in from_spark.into_iter().zip(&single).enumerate() {
        let paper = s.as_object_mut().unwrap().remove("paper").expect("--with-paper records");
        assert_eq!(paper["id"], one["id"], "paper {i}");
        assert_eq!(&s, one, "paper {i} ({}) is tagged differently under Spark", one["id"]);
    }

    // The job's output folder loads without re-tagging; the tags in the store are a direct build's.
    let (spark_out, direct_out) = (dir.path().join("kg-spark"), dir.path().join("kg-direct"));
    let r = run(&["build", "--from-tags", &out.display().to_string(), "--out", &spark_out.display().to_string()], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains(&format!("; 0 tagged, {papers} with the input's tags")), "{}", r.stderr);
    let r = run(&["build", "-q", &input.display().to_string(), "--out", &direct_out.display().to_string()], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let annotations = |out: &Path| {
        let r = run(&["export", "rdf", "--store", &out.join("store").display().to_string(), "--format", "nquads", "--graph", "annotations"], None);
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout
    };
    let want = annotations(&direct_out);
    assert!(want.lines().count() > 10_000);
    assert!(annotations(&spark_out) == want, "the annotations of the Spark route differ from a direct build's");
}
