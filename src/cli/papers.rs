//! `topicgraph papers`: read any supported source and write canonical papers as JSON Lines.

use crate::cli::progress::StderrObserver;
use crate::cli::{EXIT_OK, EXIT_REJECTED};
use anyhow::{Context, Result};
use clap::Args;
use std::io::{BufWriter, Write};
use topicgraph::ingest::{read_inputs_to, IngestError, InputFormat, ReadConfig, ReadSummary, Sink};
use topicgraph::model::PartialDate;

/// Read papers from any supported source and write them as canonical JSON Lines.
#[derive(Args)]
#[command(after_help = "Examples:\n  \
    topicgraph papers examples/ > papers.jsonl\n  \
    topicgraph papers listing.txt --listing-date 2025-03-14\n  \
    zcat dump.jsonl.gz | topicgraph papers - --format kaggle --no-merge\n  \
    topicgraph papers refs.bib works.json --out papers.jsonl\n\n\
    Formats (detected from extension and content unless --format is given):\n  \
    canonical, hf-listing, hf-api, arxiv-atom, oai-pmh, kaggle, crawler, openalex, s2, bibtex, ris, wos, acl-xml")]
pub struct InputArgs {
    /// Files, folders (read recursively) or `-` for stdin; `.gz` is read transparently.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// Input format; `auto` detects it per file.
    #[arg(long, default_value = "auto", value_name = "FORMAT")]
    pub format: InputFormat,
    /// Date of a saved HF daily-papers listing (its "Mar 14" header has no year).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub listing_date: Option<PartialDate>,
    /// Stop at the first bad record (exit code 2) instead of counting and skipping it.
    #[arg(long)]
    pub strict: bool,
    /// Exit with code 3 when any record was rejected.
    #[arg(long)]
    pub fail_on_reject: bool,
    /// Do not merge duplicates: one paper per record, constant memory.
    #[arg(long)]
    pub no_merge: bool,
    /// Print only errors, no progress or summary.
    #[arg(long, short)]
    pub quiet: bool,
}

impl InputArgs {
    pub fn read_config(&self) -> ReadConfig {
        ReadConfig { format: self.format, listing_date: self.listing_date, strict: self.strict, merge: !self.no_merge, records_by_id: false }
    }

    /// The exit code a completed run gets.
    pub fn exit_code(&self, summary: &ReadSummary) -> u8 {
        if self.fail_on_reject && (summary.rejected > 0 || summary.failed_files > 0) {
            EXIT_REJECTED
        } else {
            EXIT_OK
        }
    }
}

#[derive(Args)]
pub struct PapersArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Where to write the JSON Lines (`-` is stdout).
    #[arg(long, short, default_value = "-", value_name = "FILE")]
    pub out: String,
}

pub fn run(args: PapersArgs) -> Result<u8> {
    let cfg = args.input.read_config();
    let mut observer = StderrObserver::new(args.input.quiet);
    let summary = write_papers(&args.out, |sink| read_inputs_to(&args.input.inputs, &cfg, &mut observer, sink))?;
    observer.finish();
    if !args.input.quiet {
        print_summary("papers", &summary, &observer);
    }
    Ok(args.input.exit_code(&summary))
}

/// Write the papers `read` yields to `out` as JSON Lines, one paper a line (see
/// [`with_output`]); returns what the reader counted. The reader serialises them
/// ([`Sink::JsonLines`]).
/// Every paper of the inputs in memory, as read: not merged, so each keeps its own id (gold
/// standards, benchmarks).
pub fn read_unmerged(inputs: &[String]) -> Result<Vec<topicgraph::model::Paper>> {
    let mut papers = Vec::new();
    let cfg = ReadConfig { merge: false, ..Default::default() };
    topicgraph::ingest::read_inputs(inputs, &cfg, &mut topicgraph::ingest::read::Quiet, &mut |p| {
        papers.push(p);
        Ok(())
    })?;
    Ok(papers)
}

pub fn write_papers(out: &str, read: impl FnOnce(Sink) -> Result<ReadSummary, IngestError>) -> Result<ReadSummary> {
    // Standard output redirected to a new file (`> papers.jsonl`) is filled in place like
    // `--out`: merging then needs no spill of its own.
    if out == "-" {
        if let Some(mut file) = stdout_as_new_file() {
            return Ok(read(Sink::JsonFile(&mut file))?);
        }
    }
    let mut w = Output::open(out)?;
    // An uncompressed file takes the lines directly (and is the merger's spill).
    let summary = match w.plain_file() {
        Some(file) => read(Sink::JsonFile(file)),
        None => read(Sink::JsonLines(&mut |line| w.write_all(line))),
    }?;
    w.finish()?;
    Ok(summary)
}

/// Standard output as a file, when it is a regular file that is still empty and written
/// from its start (a shell's `>`; with `>>` too, the file being empty): the in-place writer
/// may then seek, truncate and read back what it wrote. A shell opens that file write-only,
/// so it is opened again, for reading and writing, through `/proc/self/fd/1`. A pipe, a
/// terminal, a file that already holds something (`{ echo; topicgraph papers ...; } > f`),
/// or a file that cannot be opened again gets `None`: the buffered stream, as before.
fn stdout_as_new_file() -> Option<std::fs::File> {
    use std::io::Seek;
    use std::os::fd::AsFd;
    use std::os::unix::fs::MetadataExt;
    let mut stdout = std::fs::File::from(std::io::stdout().as_fd().try_clone_to_owned().ok()?);
    let meta = stdout.metadata().ok()?;
    if !(meta.is_file() && meta.len() == 0 && stdout.stream_position().ok()? == 0) {
        return None;
    }
    let file = std::fs::OpenOptions::new().read(true).write(true).open("/proc/self/fd/1").ok()?;
    // The same file, not one that replaced it under that name since.
    let again = file.metadata().ok()?;
    (again.dev() == meta.dev() && again.ino() == meta.ino()).then_some(file)
}

/// Run `f` with a buffered writer on `out` (`-` is stdout). A file is written under a
/// temporary name and renamed when complete, so a failed run never leaves half a file.
pub fn with_output<T>(out: &str, f: impl FnOnce(&mut dyn Write) -> Result<T>) -> Result<T> {
    let mut w = Output::open(out)?;
    let r = f(&mut w)?;
    w.finish()?;
    Ok(r)
}

/// Standard output (`-`) or a file (see [`OutputFile`]); the non-generic part of
/// [`with_output`].
enum Output {
    Stdout(BufWriter<std::io::StdoutLock<'static>>),
    File(OutputFile),
}

impl Output {
    fn open(out: &str) -> Result<Output> {
        Ok(if out == "-" { Output::Stdout(BufWriter::with_capacity(1 << 20, std::io::stdout().lock())) } else { Output::File(OutputFile::create(out)?) })
    }

    /// An uncompressed output file itself ([`OutputFile::plain_file`]); `None` for stdout.
    fn plain_file(&mut self) -> Option<&mut std::fs::File> {
        match self {
            Output::File(f) => f.plain_file(),
            Output::Stdout(_) => None,
        }
    }

    fn finish(self) -> Result<()> {
        match self {
            Output::Stdout(mut w) => w.flush().context("writing stdout"),
            Output::File(f) => f.finish(),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(buf),
            Output::File(w) => w.write(buf),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match self {
            Output::Stdout(w) => w.write_all(buf),
            Output::File(w) => w.write_all(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::File(w) => w.flush(),
        }
    }
}

/// A file being written: under a temporary name in its folder until [`OutputFile::finish`]
/// renames it into place, so a failed or killed run never leaves half a file; gzipped when
/// the name ends in `.gz`.
pub struct OutputFile {
    path: std::path::PathBuf,
    w: OutputWriter,
}

enum OutputWriter {
    Plain(BufWriter<tempfile::NamedTempFile>),
    Gz(flate2::write::GzEncoder<BufWriter<tempfile::NamedTempFile>>),
}

impl OutputFile {
    pub fn create(out: &str) -> Result<OutputFile> {
        let path = std::path::Path::new(out);
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let tmp = topicgraph::output::temp_file_in(dir).with_context(|| format!("creating a temporary file in {}", dir.display()))?;
        let buf = BufWriter::with_capacity(1 << 20, tmp);
        let w = if out.ends_with(".gz") { OutputWriter::Gz(flate2::write::GzEncoder::new(buf, flate2::Compression::default())) } else { OutputWriter::Plain(buf) };
        Ok(OutputFile { path: path.to_path_buf(), w })
    }

    /// The temporary file itself, for a writer that fills it directly (nothing has gone
    /// through the buffer yet); `None` when compressed.
    pub fn plain_file(&mut self) -> Option<&mut std::fs::File> {
        match &mut self.w {
            OutputWriter::Plain(b) if b.buffer().is_empty() => Some(b.get_mut().as_file_mut()),
            _ => None,
        }
    }

    pub fn finish(self) -> Result<()> {
        let name = self.path.display().to_string();
        let buf = match self.w {
            OutputWriter::Plain(b) => b,
            OutputWriter::Gz(gz) => gz.finish().with_context(|| format!("writing {name}"))?,
        };
        let tmp = buf.into_inner().map_err(|e| e.into_error()).with_context(|| format!("writing {name}"))?;
        tmp.persist(&self.path).with_context(|| format!("writing {name}"))?;
        Ok(())
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.w {
            OutputWriter::Plain(w) => w.write(buf),
            OutputWriter::Gz(w) => w.write(buf),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match &mut self.w {
            OutputWriter::Plain(w) => w.write_all(buf),
            OutputWriter::Gz(w) => w.write_all(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.w {
            OutputWriter::Plain(w) => w.flush(),
            OutputWriter::Gz(w) => w.flush(),
        }
    }
}

pub fn print_summary(command: &str, s: &ReadSummary, observer: &StderrObserver) {
    let mut lines = vec![format!("topicgraph {command}: {} file(s), {} record(s) read", s.files, s.read)];
    let formats: Vec<String> = s.by_format.iter().map(|(f, n)| format!("{f} {n}")).collect();
    lines.push(format!("  accepted   {} ({} without abstract){}", s.accepted, s.no_abstract, if formats.is_empty() { String::new() } else { format!("  [{}]", formats.join(", ")) }));
    let by_title = if s.merged_by_title > 0 { format!(" ({} without any id, by title and abstract)", s.merged_by_title) } else { String::new() };
    lines.push(format!("  merged     {} duplicate record(s){by_title}", s.duplicates_merged));
    let reasons: Vec<String> = s.reasons.iter().map(|(r, n)| format!("{r}: {n}")).collect();
    lines.push(format!("  rejected   {} record(s){}", s.rejected, if reasons.is_empty() { String::new() } else { format!("  ({})", reasons.join("; ")) }));
    if s.failed_files > 0 {
        lines.push(format!("  failed     {} file(s) could not be read in full", s.failed_files));
    }
    if s.deleted > 0 {
        lines.push(format!("  deleted    {} record(s) marked deleted by the source", s.deleted));
    }
    if observer.hidden_diagnostics() > 0 {
        lines.push(format!("  ({} more skipped records not shown)", observer.hidden_diagnostics()));
    }
    if s.near_duplicate_count > 0 {
        let examples: Vec<String> = s.near_duplicates.iter().take(3).map(|d| format!("{} ~ {}", d.first, d.second)).collect();
        lines.push(format!("  near-duplicate titles without a shared id (not merged): {}, e.g. {}", s.near_duplicate_count, examples.join(", ")));
    }
    lines.push(format!("  written    {} paper(s)", s.written));
    for l in lines {
        eprintln!("{l}");
    }
}
