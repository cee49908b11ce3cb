//! One parser per input format. Each turns raw records into [`crate::model::Paper`]s with
//! raw (uncleaned) title and abstract; cleaning, id derivation and merging happen later.
//!
//! Contract: a *document* parser is `parse(input, ctx, emit) -> Result<(), String>`; it calls
//! `emit` once per record (a paper, a bad record with its reason, or a deleted record) and
//! returns `Err` only when the rest of the file cannot be read (the reason names where).
//! A *line* parser is `parse_line(line, ctx) -> Result<Option<Paper>, String>`, `Ok(None)`
//! for lines that hold no record.
//!
//! Helpers the parsers share live in `util` (line reader, months and dates, DOIs, arXiv ids
//! and links), `xml_util` (the streaming XML layer) and `json_util` (JSON reading).

pub mod acl_xml;
pub mod arxiv_atom;
pub mod bibtex;
pub mod canonical;
pub mod crawler;
pub mod hf_api;
pub mod hf_listing;
pub mod kaggle;
pub mod oai_pmh;
pub mod openalex;
pub mod ris;
pub mod s2;

pub(crate) mod json_util;
#[cfg(test)]
mod test_util;
mod util;
pub(crate) mod xml_util;
