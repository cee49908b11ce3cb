//! Rendering DOT with GraphViz's `dot` program, under a time limit. Entry point: [`render`].
//!
//! topicgraph does not lay graphs out itself: GraphViz does it well. The program runs as a
//! child process fed on stdin; if it has not finished when the time limit passes it is
//! killed, so a graph too large to lay out fails in bounded time instead of running for
//! hours. The budgets of [`super::view`] keep the default drawings to seconds.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How to run GraphViz. `Default`: `dot` from PATH, SVG, 60 seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderConfig {
    pub program: PathBuf,
    /// GraphViz output format (`svg`, `png`, `pdf`).
    pub format: String,
    pub timeout: Duration,
}

impl Default for RenderConfig {
    fn default() -> Self {
        RenderConfig { program: PathBuf::from("dot"), format: "svg".into(), timeout: Duration::from_secs(60) }
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    #[error("GraphViz is not installed: no {program:?} program on PATH (Debian/Ubuntu: apt install graphviz; macOS: brew install graphviz); `topicgraph export dot` writes the DOT source without it")]
    NotInstalled { program: String },
    #[error("{program} did not finish within {secs} s and was stopped; draw fewer nodes (--max-nodes, --max-edges) or raise --timeout")]
    TimedOut { program: String, secs: u64 },
    #[error("{program} failed ({status}): {stderr}")]
    Failed { program: String, status: String, stderr: String },
    #[error("running {program}: {source}")]
    Io { program: String, source: std::io::Error },
}

/// Lay out and draw `dot` (DOT source) with GraphViz; returns the drawing's bytes.
///
/// Errors: [`RenderError::NotInstalled`] when the program is missing,
/// [`RenderError::TimedOut`] after `config.timeout` (the process is killed),
/// [`RenderError::Failed`] with GraphViz's message when it rejects the input.
pub fn render(dot: &[u8], config: &RenderConfig) -> Result<Vec<u8>, RenderError> {
    let program = config.program.display().to_string();
    let io = |source| RenderError::Io { program: program.clone(), source };
    let mut child = match Command::new(&config.program).arg(format!("-T{}", config.format)).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(RenderError::NotInstalled { program }),
        Err(e) => return Err(io(e)),
    };
    // Feed and drain on threads, so a full pipe cannot deadlock the wait below.
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = dot.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        stdout.read_to_end(&mut buf).map(|_| buf)
    });
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let errors = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        buf
    });
    let deadline = Instant::now() + config.timeout;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(io)? {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(RenderError::TimedOut { program, secs: config.timeout.as_secs() });
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // A program that exits without reading all its input breaks the pipe: not our error.
    let _ = writer.join();
    let out = reader.join().expect("reader thread").map_err(io)?;
    let err = String::from_utf8_lossy(&errors.join().expect("stderr thread")).trim().to_string();
    if !status.success() {
        return Err(RenderError::Failed { program, status: status.to_string(), stderr: err });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_program_says_how_to_install_it() {
        let cfg = RenderConfig { program: PathBuf::from("/nonexistent/graphviz/dot"), ..Default::default() };
        let err = render(b"graph { a }", &cfg).unwrap_err();
        assert!(matches!(err, RenderError::NotInstalled { .. }));
        assert!(err.to_string().contains("apt install graphviz"), "{err}");
    }

    #[test]
    fn a_slow_program_is_stopped_at_the_time_limit() {
        // A "GraphViz" that never finishes: a script that ignores its input and sleeps.
        let dir = tempfile::tempdir().unwrap();
        let program = dir.path().join("slow-dot");
        std::fs::write(&program, "#!/bin/sh\nexec sleep 30\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
        let cfg = RenderConfig { program, format: "svg".into(), timeout: Duration::from_millis(300) };
        let err = render(b"graph { a }", &cfg).unwrap_err();
        assert!(matches!(err, RenderError::TimedOut { .. }), "{err:?}");
        assert!(err.to_string().contains("--max-nodes"), "{err}");
    }

    #[test]
    fn graphviz_errors_are_passed_on() {
        // A "GraphViz" that rejects everything, as dot does with a syntax error.
        let dir = tempfile::tempdir().unwrap();
        let program = dir.path().join("bad-dot");
        std::fs::write(&program, "#!/bin/sh\ncat > /dev/null; echo 'Error: syntax error in line 1' >&2; exit 1\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
        let err = render(b"graph {", &RenderConfig { program, ..Default::default() }).unwrap_err();
        assert!(err.to_string().contains("syntax error in line 1"), "{err}");
    }
}
