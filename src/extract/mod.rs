//! Extraction of what a paper names beyond the ontology's concepts: named artifacts (models,
//! datasets, methods, software, metrics) and keyphrases.
//!
//! Both read the cleaned title and abstract through the tokenizer in [`crate::text`] that
//! concept linking uses, and both are pure functions of one record: corpus statistics come
//! from tables shipped inside the crate, so `tag` stays a stream filter.

pub mod entity;
pub mod keyphrase;
pub mod ner;
