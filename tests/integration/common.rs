//! Helpers shared by the integration tests.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Parse stdout as JSON Lines.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}"))).collect()
    }
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_topicgraph")
}

/// Run the binary with arguments and optional stdin.
pub fn run(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn topicgraph");
    if let Some(input) = stdin {
        let mut s = child.stdin.take().expect("stdin");
        s.write_all(input).expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait");
    Run { code: out.status.code().unwrap_or(-1), stdout: String::from_utf8_lossy(&out.stdout).into_owned(), stderr: String::from_utf8_lossy(&out.stderr).into_owned() }
}

/// A fixture under `tests/data/`.
pub fn data(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(rel).display().to_string()
}

/// `../shared` if present. Absent: `None` with a printed reason, or a panic under `CI=true`.
pub fn shared(what: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let path = dir.join(what);
    if path.exists() {
        return Some(path);
    }
    skip(&format!("{} is absent (the shared data folder is not here)", path.display()));
    None
}

/// A Python interpreter that can import `module`. Absent: `None` with a printed reason, or
/// a panic under `CI=true` (`.ci/run` installs what the tests need).
pub fn python_with(module: &str) -> Option<String> {
    let ok = Command::new("python3").args(["-c", &format!("import {module}")]).output().is_ok_and(|o| o.status.success());
    if ok {
        return Some("python3".into());
    }
    skip(&format!("python3 cannot import {module} (pip install {module})"));
    None
}

/// Whether the program `name` is on PATH. Absent: false with a printed reason, or a panic
/// under `CI=true` (where .ci/run installs it).
pub fn tool(name: &str) -> bool {
    let found = std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(name).is_file()));
    if !found {
        skip(&format!("{name} is not installed"));
    }
    found
}

/// Print why a test does not run, or fail it under `CI=true`, where nothing may be missing.
pub fn skip(reason: &str) {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true but {reason}");
    }
    eprintln!("SKIP: {reason}");
}

/// `topicgraph tag -q ARGS...`: the tagged papers (the run must succeed).
pub fn tag(args: &[&str]) -> Vec<serde_json::Value> {
    let mut full = vec!["tag", "-q"];
    full.extend_from_slice(args);
    let r = run(&full, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json_lines()
}
