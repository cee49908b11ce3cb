//! Progress and diagnostics on stderr. The bar hides itself when stderr is not a terminal.

use indicatif::{ProgressBar, ProgressStyle};
use std::time::Duration;
use topicgraph::ingest::read::{Diagnostic, ReadObserver};

/// Prints bad records as they come (up to a limit, then only counts) and a spinner.
pub struct StderrObserver {
    bar: ProgressBar,
    shown: u64,
    limit: u64,
    quiet: bool,
}

impl StderrObserver {
    pub fn new(quiet: bool) -> Self {
        let bar = if quiet { ProgressBar::hidden() } else { ProgressBar::new_spinner() };
        bar.set_style(ProgressStyle::with_template("{spinner} {pos} records read  {per_sec}  {msg}").expect("valid template"));
        bar.enable_steady_tick(Duration::from_millis(200));
        StderrObserver { bar, shown: 0, limit: 50, quiet }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }

    pub fn hidden_diagnostics(&self) -> u64 {
        self.shown.saturating_sub(self.limit)
    }

    pub fn println(&self, line: &str) {
        self.bar.suspend(|| eprintln!("{line}"));
    }
}

impl ReadObserver for StderrObserver {
    fn diagnostic(&mut self, d: &Diagnostic) {
        self.shown += 1;
        if !self.quiet && self.shown <= self.limit {
            self.println(&format!("skipped: {d}"));
        }
    }

    fn progress(&mut self, records: u64, file: &str) {
        self.bar.set_position(records);
        self.bar.set_message(file.to_string());
    }
}
