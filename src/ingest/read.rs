//! The reading pipeline: inputs -> records -> cleaned papers -> (merged) stream.
//!
//! Entry points: [`read_inputs`] (papers as values), [`read_inputs_to`] (a [`Sink`] of values
//! or of canonical JSON lines, which the workers serialise). A producer thread opens,
//! decompresses, detects and splits the inputs into batches (raw lines for line formats,
//! parsed records for documents); the calling thread cleans each batch in parallel with rayon and then consumes it in input
//! order, so the output is the same bytes on every run. The channel between them is bounded:
//! memory stays flat however large the input.

use crate::ingest::clean::finalize;
use crate::ingest::format::{InputFormat, Layout};
use crate::ingest::formats;
use crate::ingest::merge::{encode, json_line, merge_keys, MergeKeys, Merger, NearDuplicate};
use crate::ingest::source::{expand_inputs, open, peek, InputFile};
use crate::ingest::{IngestError, Loc, ParseCtx, Record};
use crate::model::{Paper, PartialDate, Provenance};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// How to read. `Default` is auto-detection with merging on.
#[derive(Debug, Clone)]
pub struct ReadConfig {
    pub format: InputFormat,
    /// The date of a saved HF listing, whose "Mar 14" header has no year.
    pub listing_date: Option<PartialDate>,
    /// Stop at the first bad record or unreadable file.
    pub strict: bool,
    /// Merge duplicates (by shared ids). Off: constant memory, one paper per record.
    pub merge: bool,
    /// Name each record in its provenance by its own id (`id 2506.01234v2`) and its file by
    /// the URL without its query: for pages of a live service, where the same record comes
    /// again at another position, in another page or date window. Off: by position in the
    /// file (`line 12`), for files.
    pub records_by_id: bool,
}

impl Default for ReadConfig {
    fn default() -> Self {
        ReadConfig { format: InputFormat::Auto, listing_date: None, strict: false, merge: true, records_by_id: false }
    }
}

/// A problem with one record or file, for the user.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub file: String,
    /// `None` when the whole file is concerned.
    pub loc: Option<String>,
    pub reason: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.loc {
            Some(loc) => write!(f, "{}: {}: {}", self.file, loc, self.reason),
            None => write!(f, "{}: {}", self.file, self.reason),
        }
    }
}

/// Receives what the reader reports as it goes (the CLI prints it; tests collect it).
pub trait ReadObserver {
    fn diagnostic(&mut self, _d: &Diagnostic) {}
    /// Called after each batch with the number of records read so far.
    fn progress(&mut self, _records: u64, _file: &str) {}
}

/// An observer that ignores everything.
pub struct Quiet;
impl ReadObserver for Quiet {}

/// What happened, in numbers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadSummary {
    pub files: u64,
    /// Records met, good or bad.
    pub read: u64,
    /// Records that became papers.
    pub accepted: u64,
    /// Accepted papers without an abstract.
    pub no_abstract: u64,
    /// Records merged into an earlier paper.
    pub duplicates_merged: u64,
    /// Of those: records without any id joined to a paper by title and abstract.
    pub merged_by_title: u64,
    /// Bad records skipped.
    pub rejected: u64,
    /// Files that could not be read (or read only in part).
    pub failed_files: u64,
    /// Records the source marks deleted.
    pub deleted: u64,
    /// Papers written.
    pub written: u64,
    pub by_format: BTreeMap<String, u64>,
    /// Rejections by reason (the reason's text up to the first colon or parenthesis).
    pub reasons: BTreeMap<String, u64>,
    pub near_duplicates: Vec<NearDuplicate>,
    pub near_duplicate_count: u64,
    pub index_entries: u64,
    pub index_bytes: u64,
}

/// Where the reader hands the papers on, in order of first appearance.
pub enum Sink<'a> {
    /// Each paper as a value (for tagging and building).
    Papers(&'a mut dyn FnMut(Paper) -> io::Result<()>),
    /// Each paper as one line of canonical JSON, newline included (for `papers`, which writes
    /// them as they are). The worker threads serialise them, and a paper that merged with no
    /// other goes from the merger's spill file to the sink without being decoded again.
    JsonLines(&'a mut dyn FnMut(&[u8]) -> io::Result<()>),
    /// The same lines, written into this file: empty, at its start, and the caller's to
    /// keep or rename (`papers --out FILE`). With merging the file is the merger's spill: it
    /// already holds the output up to the first paper that merged, and only the rest is
    /// written again ([`Merger::finish_in_place`]), instead of spilling every line to a
    /// temporary file and copying it out.
    JsonFile(&'a mut std::fs::File),
}

impl Sink<'_> {
    pub(crate) fn json(&self) -> bool {
        matches!(self, Sink::JsonLines(_) | Sink::JsonFile(_))
    }
}

/// A paper as the merger's spill file takes it, and what the summary counts of it.
struct Encoded {
    id: String,
    no_abstract: bool,
    keys: MergeKeys,
    bytes: Vec<u8>,
}

/// One unit of work: a line of a line format (borrowed from its batch's buffer), or a record
/// a document parser produced.
enum Item<'a> {
    Line { loc: Loc, bytes: &'a [u8] },
    Rec(Record),
}

/// What the producer sends: lines share one buffer (one allocation per batch, not per line).
enum Items {
    Lines { buf: Vec<u8>, lines: Vec<(u64, std::ops::Range<usize>)> },
    Records(Vec<Record>),
}

struct Batch {
    file: usize,
    format: InputFormat,
    items: Items,
}

enum Msg {
    Batch(Batch),
    FileFailed { file: usize, reason: String },
}

enum Outcome {
    /// A cleaned paper with its provenance.
    Paper(Box<Paper>),
    /// A paper for the merger: serialised for its spill file, with its merge keys, by the
    /// worker thread that then dropped it (its memory is freed where it was allocated, and
    /// the one thread that feeds the merger has less to do).
    Encoded(Encoded),
    /// A paper serialised as a line of canonical JSON (for a [`Sink::JsonLines`] without
    /// merging).
    Line { bytes: Vec<u8>, no_abstract: bool },
    Bad(Loc, String),
    Deleted,
    Nothing,
}

const LINE_BATCH: usize = 4096;
const RECORD_BATCH: usize = 512;
/// A line longer than this is rejected without parsing.
const MAX_LINE_BYTES: usize = 8 << 20;

/// The listing date for a file: `--listing-date`, else a `YYYY-MM-DD` in the file's name
/// (`hf-daily-papers-2025-03-14.txt`), as saved listings are usually named.
fn listing_date(cfg: &ReadConfig, file: &str) -> Option<PartialDate> {
    cfg.listing_date.or_else(|| {
        let name = std::path::Path::new(file).file_name()?.to_str()?;
        let b = name.as_bytes();
        (0..b.len().saturating_sub(9)).find_map(|i| {
            let boundary = |j: usize| b.get(j).is_none_or(|c| !c.is_ascii_digit());
            if i > 0 && !boundary(i - 1) || !boundary(i + 10) {
                return None;
            }
            let d = PartialDate::parse_prefix(name.get(i..i + 10)?)?;
            (d.day.is_some()).then_some(d)
        })
    })
}

/// Read every input and pass each paper, cleaned (and merged unless `cfg.merge` is off), to
/// `sink`, in order of first appearance. Bad records go to `observer` and the summary.
pub fn read_inputs(
    inputs: &[String],
    cfg: &ReadConfig,
    observer: &mut dyn ReadObserver,
    sink: &mut dyn FnMut(Paper) -> io::Result<()>,
) -> Result<ReadSummary, IngestError> {
    read_files_to(expand_inputs(inputs)?, cfg, observer, Sink::Papers(sink))
}

/// [`read_inputs`] with the papers handed on as [`Sink`] says.
pub fn read_inputs_to(inputs: &[String], cfg: &ReadConfig, observer: &mut dyn ReadObserver, sink: Sink) -> Result<ReadSummary, IngestError> {
    read_files_to(expand_inputs(inputs)?, cfg, observer, sink)
}

/// [`read_inputs`] over inputs already expanded (each with the name its provenance and
/// messages give it: a path, or the URL a fetched page came from).
pub fn read_files(
    files: Vec<InputFile>,
    cfg: &ReadConfig,
    observer: &mut dyn ReadObserver,
    sink: &mut dyn FnMut(Paper) -> io::Result<()>,
) -> Result<ReadSummary, IngestError> {
    read_files_to(files, cfg, observer, Sink::Papers(sink))
}

/// [`read_files`] with the papers handed on as [`Sink`] says.
pub fn read_files_to(files: Vec<InputFile>, cfg: &ReadConfig, observer: &mut dyn ReadObserver, mut sink: Sink) -> Result<ReadSummary, IngestError> {
    let mut summary = ReadSummary { files: files.len() as u64, ..Default::default() };
    let json = sink.json();
    let sink_err = |source: io::Error| IngestError::Io { path: "output".into(), source };
    // A file sink takes the lines directly, or as the merger's spill.
    let file = match &sink {
        Sink::JsonFile(f) => Some(f.try_clone().map_err(sink_err)?),
        _ => None,
    };
    let (mut merger, mut direct) = match (cfg.merge, file) {
        (true, Some(f)) => (Some(Merger::with_spill(true, f)), None),
        (true, None) => (Some(Merger::new(json).map_err(|source| IngestError::Io { path: "temporary spill file".into(), source })?), None),
        (false, f) => (None, f.map(|f| io::BufWriter::with_capacity(1 << 20, f))),
    };

    // producers (open, decompress, split, parse documents; one file each, several files at
    // once) -> worker (parse lines, clean; in parallel) -> this thread (count, report, merge
    // or sink). Every queue is bounded; files are consumed in input order.
    // Bounded: at most a few files are read ahead of the worker (small files would
    // otherwise all be read into their queues at once).
    let (order_tx, order_rx) = sync_channel::<Receiver<Msg>>(2);
    let next_file = std::sync::Mutex::new((0usize, Some(order_tx)));
    std::thread::scope(|scope| -> Result<(), IngestError> {
        let (done_tx, done_rx) = sync_channel::<Done>(4);
        let producers = rayon::current_num_threads().clamp(1, files.len().max(1));
        for _ in 0..producers {
            let (files, next_file) = (&files, &next_file);
            scope.spawn(move || produce(files, cfg, next_file));
        }
        let rx = order_rx.into_iter().flatten();
        let ctxs: Vec<ParseCtx> = files.iter().map(|f| ParseCtx { file: f.name.clone(), listing_date: listing_date(cfg, &f.name) }).collect();
        let form = Form { merge: cfg.merge, json, by_id: cfg.records_by_id };
        scope.spawn(move || work(rx, &ctxs, form, done_tx));
        consume(done_rx, &files, cfg, &mut summary, observer, &mut |accepted| match (merger.as_mut(), accepted, &mut sink) {
            (Some(m), Accepted::Encoded(e), _) => m.add(&e.id, &e.keys, &e.bytes).map(|_| ()),
            (_, Accepted::Paper(paper), Sink::Papers(sink)) => sink(paper),
            (_, Accepted::Line(bytes), Sink::JsonLines(sink)) => sink(&bytes),
            (_, Accepted::Line(bytes), Sink::JsonFile(_)) => direct.as_mut().expect("a file sink without merging writes directly").write_all(&bytes),
            (m, _, _) => Err(io::Error::other(format!("the reader made a paper of the wrong form (merging: {})", m.is_some()))),
        })
    })?;

    if let Some(mut m) = merger {
        m.join_id_less().map_err(|source| IngestError::Io { path: "temporary spill file".into(), source })?;
        summary.duplicates_merged = m.merged;
        summary.merged_by_title = m.merged_by_title;
        summary.near_duplicate_count = m.near_duplicate_count;
        summary.near_duplicates = m.near_duplicates.clone();
        summary.index_entries = m.index_entries() as u64;
        summary.index_bytes = m.index_bytes() as u64;
        summary.written = match sink {
            Sink::JsonFile(_) => m.finish_in_place(),
            sink => m.finish(sink),
        }
        .map_err(sink_err)?;
    } else {
        if let Some(mut w) = direct {
            w.flush().map_err(sink_err)?;
        }
        summary.written = summary.accepted;
    }
    Ok(summary)
}

/// A processed batch, or a file that failed.
enum Done {
    Batch { file: usize, format: InputFormat, outcomes: Vec<Outcome> },
    FileFailed { file: usize, reason: String },
}

/// What the workers make of each cleaned paper.
#[derive(Clone, Copy)]
struct Form {
    /// Encode it for the merger's spill file.
    merge: bool,
    /// As a line of canonical JSON (else as a [`Paper`], or MessagePack for the spill file).
    json: bool,
    /// See [`ReadConfig::records_by_id`].
    by_id: bool,
}

fn work(rx: impl Iterator<Item = Msg>, ctxs: &[ParseCtx], form: Form, tx: SyncSender<Done>) {
    for msg in rx {
        let done = match msg {
            Msg::FileFailed { file, reason } => Done::FileFailed { file, reason },
            Msg::Batch(batch) => {
                let ctx = &ctxs[batch.file];
                let format = batch.format;
                let outcomes = match batch.items {
                    Items::Lines { buf, lines } => lines
                        .into_par_iter()
                        .map(|(no, range)| process(Item::Line { loc: Loc::Line(no), bytes: &buf[range] }, format, ctx, form))
                        .collect(),
                    Items::Records(records) => records.into_par_iter().map(|r| process(Item::Rec(r), format, ctx, form)).collect(),
                };
                Done::Batch { file: batch.file, format, outcomes }
            }
        };
        if tx.send(done).is_err() {
            return;
        }
    }
}

fn consume(
    rx: Receiver<Done>,
    files: &[InputFile],
    cfg: &ReadConfig,
    summary: &mut ReadSummary,
    observer: &mut dyn ReadObserver,
    accept: &mut dyn FnMut(Accepted) -> io::Result<()>,
) -> Result<(), IngestError> {
    for done in rx {
        let (file, format, outcomes) = match done {
            Done::FileFailed { file, reason } => {
                summary.failed_files += 1;
                *summary.reasons.entry(reason_class(&reason)).or_default() += 1;
                let d = Diagnostic { file: files[file].name.clone(), loc: None, reason };
                if cfg.strict {
                    return Err(IngestError::Strict { file: d.file, loc: "file".into(), reason: d.reason });
                }
                observer.diagnostic(&d);
                continue;
            }
            Done::Batch { file, format, outcomes } => (file, format, outcomes),
        };
        let name = &files[file].name;
        for outcome in outcomes {
            match outcome {
                Outcome::Nothing => continue,
                Outcome::Paper(paper) => {
                    count_accepted(summary, format, paper.abstract_text.is_empty());
                    accept(Accepted::Paper(*paper)).map_err(|source| IngestError::Io { path: "output".into(), source })?;
                }
                Outcome::Encoded(e) => {
                    count_accepted(summary, format, e.no_abstract);
                    accept(Accepted::Encoded(e)).map_err(|source| IngestError::Io { path: "output".into(), source })?;
                }
                Outcome::Line { bytes, no_abstract } => {
                    count_accepted(summary, format, no_abstract);
                    accept(Accepted::Line(bytes)).map_err(|source| IngestError::Io { path: "output".into(), source })?;
                }
                Outcome::Bad(loc, reason) => {
                    summary.read += 1;
                    summary.rejected += 1;
                    *summary.reasons.entry(reason_class(&reason)).or_default() += 1;
                    if cfg.strict {
                        return Err(IngestError::Strict { file: name.clone(), loc: loc.to_string(), reason });
                    }
                    observer.diagnostic(&Diagnostic { file: name.clone(), loc: Some(loc.to_string()), reason });
                }
                Outcome::Deleted => {
                    summary.read += 1;
                    summary.deleted += 1;
                }
            }
        }
        observer.progress(summary.read, name);
    }
    Ok(())
}

/// What `consume` hands on: a paper, one encoded for the merger's spill file, or a line of
/// JSON.
enum Accepted {
    Paper(Paper),
    Encoded(Encoded),
    Line(Vec<u8>),
}

fn count_accepted(summary: &mut ReadSummary, format: InputFormat, no_abstract: bool) {
    summary.read += 1;
    summary.accepted += 1;
    summary.no_abstract += no_abstract as u64;
    *summary.by_format.entry(format.name().to_string()).or_default() += 1;
}

/// The stable head of a reason, for counting by kind.
fn reason_class(reason: &str) -> String {
    let end = reason.find([':', '(', '`', '"']).unwrap_or(reason.len());
    reason[..end]
        .split_whitespace()
        .map(|w| match w.find(|c: char| !c.is_ascii_digit()) {
            Some(0) => w.to_string(),
            Some(i) => format!("N{}", &w[i..]),
            None => "N".to_string(),
        })
        .take(8)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parse (for line formats) and clean one item, and record where it came from. Pure: runs
/// on any thread. When merging, serialises it for the merger's spill file and makes its
/// merge keys.
fn process(item: Item, format: InputFormat, ctx: &ParseCtx, form: Form) -> Outcome {
    let (loc, paper, version) = match item {
        Item::Rec(Record::Bad { loc, reason }) => return Outcome::Bad(loc, reason),
        Item::Rec(Record::Deleted { .. }) => return Outcome::Deleted,
        Item::Rec(Record::Paper { loc, paper, version }) => (loc, *paper, version),
        Item::Line { loc, bytes } => {
            if bytes.len() > MAX_LINE_BYTES {
                return Outcome::Bad(loc, format!("line is {} bytes, over the {MAX_LINE_BYTES}-byte limit", bytes.len()));
            }
            let Ok(line) = std::str::from_utf8(bytes) else {
                return Outcome::Bad(loc, "invalid UTF-8".into());
            };
            let parsed = match format {
                InputFormat::Canonical => formats::canonical::parse_line(line, ctx),
                InputFormat::Kaggle => formats::kaggle::parse_line(line, ctx),
                InputFormat::Crawler => formats::crawler::parse_line(line, ctx),
                other => Err(format!("{other} is not a line format")),
            };
            match parsed {
                Ok(Some(p)) => (loc, p, None),
                Ok(None) => return Outcome::Nothing,
                Err(reason) => return Outcome::Bad(loc, reason),
            }
        }
    };
    let version = version.or_else(|| (format != InputFormat::Canonical).then(|| paper.ids.arxiv_versions.iter().max().copied()).flatten());
    match finalize(paper) {
        Ok(mut p) => {
            let (file, record) = if form.by_id {
                let endpoint = ctx.file.split_once('?').map_or(ctx.file.as_str(), |(e, _)| e);
                (endpoint.to_string(), format!("id {}{}", p.id, version.map_or(String::new(), |v| format!("v{v}"))))
            } else {
                (ctx.file.clone(), loc.to_string())
            };
            p.sources.push(Provenance { format: format.name().into(), file, record, version, contributed: Vec::new() });
            let no_abstract = p.abstract_text.is_empty();
            let bytes = match (form.merge, form.json) {
                (false, false) => return Outcome::Paper(Box::new(p)),
                (_, true) => json_line(&p).map_err(|e| e.to_string()),
                (true, false) => encode(&p).map_err(|e| e.to_string()),
            };
            match bytes {
                Ok(bytes) if form.merge => Outcome::Encoded(Encoded { keys: merge_keys(&p), no_abstract, bytes, id: p.id }),
                Ok(bytes) => Outcome::Line { bytes, no_abstract },
                Err(e) => Outcome::Bad(loc, format!("cannot serialise: {e}")),
            }
        }
        Err(reason) => Outcome::Bad(loc, reason),
    }
}

/// A producer thread: takes the next file, announces its queue to the worker in file order
/// (under the lock, so queues arrive in order whichever thread reads which file), and fills
/// it. Bounded queues keep at most a few batches of each file in flight.
fn produce(files: &[InputFile], cfg: &ReadConfig, next: &std::sync::Mutex<(usize, Option<SyncSender<Receiver<Msg>>>)>) {
    loop {
        let (idx, tx) = {
            let Ok(mut guard) = next.lock() else { return };
            let idx = guard.0;
            if idx >= files.len() {
                guard.1 = None; // no more files: let the worker's iteration end
                return;
            }
            guard.0 += 1;
            let (tx, rx) = sync_channel::<Msg>(4);
            if guard.1.as_ref().is_none_or(|order| order.send(rx).is_err()) {
                return;
            }
            (idx, tx)
        };
        if let Err(reason) = produce_file(idx, &files[idx], cfg, &tx) {
            if tx.send(Msg::FileFailed { file: idx, reason }).is_err() {
                return;
            }
        }
    }
}

/// Split a line format into batches of non-blank lines (numbered from 1, line ends and a
/// leading byte-order mark cut off), each batch sharing one buffer.
fn split_lines(reader: &mut dyn BufRead, send: &mut dyn FnMut(Vec<u8>, LineRanges) -> Result<(), String>) -> Result<(), String> {
    let mut buf = Vec::with_capacity(LINE_BATCH * 2048);
    let mut lines = Vec::with_capacity(LINE_BATCH);
    let mut line_no = 0u64;
    loop {
        let start = buf.len();
        let n = reader.read_until(b'\n', &mut buf).map_err(|e| format!("read error after line {line_no}: {e}"))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let mut from = start;
        if line_no == 1 && buf[start..].starts_with(b"\xef\xbb\xbf") {
            from += 3;
        }
        let mut end = buf.len();
        while end > from && matches!(buf[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        if buf[from..end].iter().all(u8::is_ascii_whitespace) {
            buf.truncate(start);
            continue;
        }
        lines.push((line_no, from..end));
        if lines.len() == LINE_BATCH {
            let full = std::mem::replace(&mut buf, Vec::with_capacity(LINE_BATCH * 2048));
            send(full, std::mem::replace(&mut lines, Vec::with_capacity(LINE_BATCH)))?;
        }
    }
    send(buf, lines)
}

type LineRanges = Vec<(u64, std::ops::Range<usize>)>;

/// Read JSON Lines records of another kind than papers (tagged papers, for `build
/// --from-tags`) with the reporting papers get: files in order, each batch of lines parsed
/// in parallel and handed to `sink` in input order. A bad line is counted in `summary` and
/// reported with its file and line number, or stops the read under `strict`; an unreadable
/// file likewise.
pub fn read_records<T: Send>(
    files: &[InputFile],
    strict: bool,
    summary: &mut ReadSummary,
    observer: &mut dyn ReadObserver,
    parse: impl Fn(&str) -> Result<T, String> + Sync,
    sink: &mut dyn FnMut(T) -> io::Result<()>,
) -> Result<(), IngestError> {
    summary.files += files.len() as u64;
    for file in files {
        let mut stop: Option<IngestError> = None;
        let mut batch = |buf: Vec<u8>, lines: LineRanges| -> Result<(), String> {
            let parsed: Vec<Result<T, String>> = lines
                .par_iter()
                .map(|(_, r)| {
                    let bytes = &buf[r.clone()];
                    if bytes.len() > MAX_LINE_BYTES {
                        return Err(format!("line is {} bytes, over the {MAX_LINE_BYTES}-byte limit", bytes.len()));
                    }
                    std::str::from_utf8(bytes).map_err(|_| "invalid UTF-8".to_string()).and_then(&parse)
                })
                .collect();
            for ((no, _), result) in lines.iter().zip(parsed) {
                summary.read += 1;
                match result {
                    Ok(record) => {
                        summary.accepted += 1;
                        if let Err(source) = sink(record) {
                            stop = Some(IngestError::Io { path: "output".into(), source });
                            return Err("stopped".into());
                        }
                    }
                    Err(reason) => {
                        summary.rejected += 1;
                        *summary.reasons.entry(reason_class(&reason)).or_default() += 1;
                        let loc = Loc::Line(*no).to_string();
                        if strict {
                            stop = Some(IngestError::Strict { file: file.name.clone(), loc, reason });
                            return Err("stopped".into());
                        }
                        observer.diagnostic(&Diagnostic { file: file.name.clone(), loc: Some(loc), reason });
                    }
                }
            }
            observer.progress(summary.read, &file.name);
            Ok(())
        };
        let result = open(file).map_err(|e| format!("cannot open: {e}")).and_then(|mut reader| split_lines(&mut reader, &mut batch));
        if let Some(e) = stop {
            return Err(e);
        }
        if let Err(reason) = result {
            summary.failed_files += 1;
            *summary.reasons.entry(reason_class(&reason)).or_default() += 1;
            if strict {
                return Err(IngestError::Strict { file: file.name.clone(), loc: "file".into(), reason });
            }
            observer.diagnostic(&Diagnostic { file: file.name.clone(), loc: None, reason });
        }
    }
    summary.written = summary.accepted;
    Ok(())
}

/// Detect the format of an opened input: `--format` wins, then the extension, then content.
fn detect(file: &InputFile, forced: InputFormat, head: &[u8]) -> Result<InputFormat, String> {
    if forced != InputFormat::Auto {
        return Ok(forced);
    }
    if let Some(f) = file.path.as_deref().and_then(InputFormat::from_extension) {
        return Ok(f);
    }
    if head.is_empty() {
        return Err("empty input".into());
    }
    InputFormat::sniff(head).ok_or_else(|| "cannot tell the format from the content; pass --format".to_string())
}

/// Read one file into batches. `Err` is a reason for the whole (rest of the) file.
fn produce_file(idx: usize, file: &InputFile, cfg: &ReadConfig, tx: &SyncSender<Msg>) -> Result<(), String> {
    let reader = open(file).map_err(|e| format!("cannot open: {e}"))?;
    let (head, mut reader) = peek(reader, 16 * 1024).map_err(|e| format!("cannot read: {e}"))?;
    let format = detect(file, cfg.format, &head)?;
    let send = |items: Items| -> Result<(), String> {
        tx.send(Msg::Batch(Batch { file: idx, format, items })).map_err(|_| "reader stopped".to_string())
    };
    let ctx = ParseCtx { file: file.name.clone(), listing_date: listing_date(cfg, &file.name) };
    if format.layout() == Layout::Lines {
        return split_lines(&mut reader, &mut |buf, lines| send(Items::Lines { buf, lines }));
    }
    let mut items = Vec::with_capacity(RECORD_BATCH);
    let mut send_failed = false;
    let mut emit = |r: Record| {
        if send_failed {
            return;
        }
        items.push(r);
        if items.len() == RECORD_BATCH && send(Items::Records(std::mem::replace(&mut items, Vec::with_capacity(RECORD_BATCH)))).is_err() {
            send_failed = true;
        }
    };
    let r: &mut dyn BufRead = &mut reader;
    let result = match format {
        InputFormat::HfListing => formats::hf_listing::parse(r, &ctx, &mut emit),
        InputFormat::HfApi => formats::hf_api::parse(r, &ctx, &mut emit),
        InputFormat::ArxivAtom => formats::arxiv_atom::parse(r, &ctx, &mut emit),
        InputFormat::OaiPmh => formats::oai_pmh::parse(r, &ctx, &mut emit),
        InputFormat::OpenAlex => formats::openalex::parse(r, &ctx, &mut emit),
        InputFormat::S2 => formats::s2::parse(r, &ctx, &mut emit),
        InputFormat::BibTex => formats::bibtex::parse(r, &ctx, &mut emit),
        InputFormat::Ris => formats::ris::parse(r, &ctx, &mut emit),
        InputFormat::Wos => formats::ris::parse_wos(r, &ctx, &mut emit),
        InputFormat::AclXml => formats::acl_xml::parse(r, &ctx, &mut emit),
        InputFormat::Canonical | InputFormat::Kaggle | InputFormat::Crawler | InputFormat::Auto => unreachable!("line formats are split above"),
    };
    send(Items::Records(items))?;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_classes_group_alike_reasons() {
        assert_eq!(reason_class("wrong field type: invalid type: integer `5`"), "wrong field type");
        assert_eq!(reason_class("abstract is 1048576 bytes, over the 65536-byte limit"), "abstract is N bytes, over the N-byte limit");
        assert_eq!(reason_class("invalid UTF-8"), "invalid UTF-8");
    }
}
