//! A supervised named-entity tagger: an averaged structured perceptron over tokens, with
//! BIO or BILOU tags, first-order Viterbi decoding under the scheme's constraints, and
//! hashed sparse features of each word, its shape, affixes, case and neighbours (no
//! embeddings, no pretrained weights: everything is learned by [`train()`] from labelled data).
//!
//! Entry points:
//! - [`Tagger`]: a trained model. [`Tagger::embedded`] gives one shipped in the binary
//!   ([`Embedded::Scierc`]: SciERC's six types; [`Embedded::Gsap`]: GSAP-NER's `MLModel`
//!   and `Dataset`), [`Tagger::load`] reads a model file; [`Tagger::tag`] turns raw text into
//!   [`Span`]s with code-point offsets, [`Tagger::tag_tokens`] tags one tokenised sentence.
//! - [`train()`]: deterministic training (fixed seed, fixed order, integer updates), with
//!   optional early stopping on a development set.
//! - [`data`]: the SciERC (DyGIE JSON Lines) and GSAP-NER (paragraph JSON Lines, fold file)
//!   loaders; [`eval`]: exact-span micro-F1, and GSAP-NER cross-validation.
//!
//! The model file is a gzipped little-endian binary: a JSON header (labels, scheme,
//! feature version, training facts), the transition scores, then the non-zero rows of the
//! feature table as delta-coded bucket numbers and 16-bit quantised weights.

pub mod data;
pub mod eval;
pub mod features;
mod model;
pub mod scheme;
pub mod tokenize;
mod train;
pub mod viterbi;

pub use model::{Embedded, ModelInfo, Span, Tagger, TrainingInfo};
pub use scheme::{Scheme, TokenSpan};
pub use train::{train, EpochReport, Example, TrainConfig, TrainReport};

/// What can go wrong reading data or models, or training.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NerError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: line {line}: {message}")]
    Data { path: String, line: usize, message: String },
    #[error("model {source_name}: {message}")]
    Model { source_name: String, message: String },
    #[error("training: {0}")]
    Train(String),
}

impl NerError {
    pub(crate) fn io(path: &str, source: std::io::Error) -> NerError {
        NerError::Io { path: path.to_string(), source }
    }
}
