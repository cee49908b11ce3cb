//! Ingestion: every supported source in, one clean, deduplicated stream of [`Paper`]s out.
//!
//! Entry point: [`read::read_inputs`] (files, folders, stdin, `.gz`) with a [`ReadConfig`].
//! Flow: `source` opens and decompresses, `format` detects, `formats::*` parse records,
//! `clean` normalises text and derives ids, `merge` deduplicates.

pub mod clean;
pub mod format;
pub mod formats;
pub mod ids;
pub mod merge;
pub mod read;
pub mod source;

pub use format::InputFormat;
pub use read::{read_inputs, read_inputs_to, ReadConfig, ReadSummary, Sink};

use crate::model::{Paper, PartialDate};
use std::fmt;

/// Where a record sits in its file, for error messages and provenance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loc {
    /// 1-based line number (line formats, and document formats that track lines).
    Line(u64),
    /// 1-based record number within the file.
    Record(u64),
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Loc::Line(n) => write!(f, "line {n}"),
            Loc::Record(n) => write!(f, "record {n}"),
        }
    }
}

/// What a parser emits for each record it meets.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// A paper with raw text. `version` is the arXiv version its text belongs to, if known.
    Paper { loc: Loc, paper: Box<Paper>, version: Option<u32> },
    /// A record that cannot become a paper, with the reason.
    Bad { loc: Loc, reason: String },
    /// A record the source marks deleted (OAI-PMH `status="deleted"`), with its identifier.
    Deleted { loc: Loc, id: String },
}

/// What a parser knows about its input beyond the bytes.
#[derive(Debug, Clone)]
pub struct ParseCtx {
    /// The file name as the user gave it (`-` for stdin), for messages and provenance.
    pub file: String,
    /// The date of a saved listing whose header has no year (`--listing-date`).
    pub listing_date: Option<PartialDate>,
}

/// Errors that stop reading an input altogether.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: cannot tell the format ({reason}); pass --format")]
    UnknownFormat { path: String, reason: String },
    #[error("{file}: {loc}: {reason} (stopped by --strict)")]
    Strict { file: String, loc: String, reason: String },
}
