//! Sentence embeddings behind one small trait, so that the stages that use them (semantic
//! concept linking in [`crate::link::semantic`]) never see the model runtime.
//!
//! Entry points: [`Embedder`] (embed a batch of texts into unit vectors), [`HashingEmbedder`]
//! (deterministic, dependency-free, always built: tests and a lexical baseline), and with the
//! cargo feature `neural`, [`bert::BertEmbedder`] (rust-bert's sentence-embedding pipeline
//! over all-MiniLM-L6-v2, owned by one thread). [`load`] picks one from the command line's
//! settings; [`cache`] keeps vectors on disk so that they are computed once.

pub mod cache;
#[cfg(feature = "neural")]
pub mod bert;

use crate::text::{tokenize, words};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why embedding failed or an embedder could not be made.
#[derive(Debug, Error)]
pub enum EmbedError {
    #[error("no sentence-embedding model in {dir}: {why}. Get all-MiniLM-L6-v2 with `eval \"$(scripts/setup-neural.sh)\"` (it sets TOPICGRAPH_MODEL), or pass --model DIR (a sentence-transformers folder)")]
    MissingModel { dir: PathBuf, why: String },
    #[error("this topicgraph was built without the `neural` feature, so it has no BERT embedder: build with `eval \"$(scripts/setup-neural.sh)\" && cargo build --release --features neural`, or use --embedder hashing")]
    NotBuilt,
    #[error("the embedding model failed: {0}")]
    Model(String),
    #[error("the model thread has stopped")]
    Stopped,
    #[error("embedding cache {path}: {source}")]
    Cache { path: PathBuf, source: std::io::Error },
}

/// Embeds texts into vectors of one dimension. Implementations return unit vectors (so a
/// dot product is the cosine similarity), one per text, in order, and the same vector for
/// the same text whatever else is in the batch up to float rounding.
pub trait Embedder: Send + Sync {
    /// Names the model and its settings: vectors with different ids are not comparable, and
    /// caches are keyed by it.
    fn id(&self) -> &str;
    fn dim(&self) -> usize;
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError>;
    /// For a caching embedder: texts answered from the cache and texts embedded, so far.
    fn cache_counts(&self) -> Option<(usize, usize)> {
        None
    }
    /// For a caching embedder: why its store stopped being written, if it did.
    fn cache_error(&self) -> Option<String> {
        None
    }
}

/// Which embedder a command uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EmbedderKind {
    /// all-MiniLM-L6-v2 through rust-bert (needs the `neural` build and the model files).
    Bert,
    /// Signed feature hashing of word stems and stem bigrams: deterministic, instant, and
    /// only as semantic as shared words are (for tests and as a baseline).
    Hashing,
}

/// Where the model files are looked for: the flag, then `$TOPICGRAPH_MODEL`, then the folder
/// `scripts/setup-neural.sh` installs into.
pub fn model_dir(flag: Option<&Path>) -> PathBuf {
    if let Some(p) = flag {
        return p.to_path_buf();
    }
    if let Some(p) = std::env::var_os("TOPICGRAPH_MODEL").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let home = std::env::var_os("TOPICGRAPH_NEURAL_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/topicgraph/neural"));
    home.join("all-MiniLM-L6-v2")
}

/// The files a sentence-transformers folder must have for [`bert::BertEmbedder`].
pub const MODEL_FILES: [&str; 7] = ["config.json", "vocab.txt", "model.safetensors", "modules.json", "1_Pooling/config.json", "sentence_bert_config.json", "tokenizer_config.json"];

/// Whether `dir` holds a loadable model; `Err` says what is missing.
pub fn check_model_dir(dir: &Path) -> Result<(), EmbedError> {
    if !dir.is_dir() {
        return Err(EmbedError::MissingModel { dir: dir.to_path_buf(), why: "the folder does not exist".into() });
    }
    match MODEL_FILES.iter().find(|f| !dir.join(f).is_file()) {
        Some(f) => Err(EmbedError::MissingModel { dir: dir.to_path_buf(), why: format!("{f} is missing") }),
        None => Ok(()),
    }
}

/// Whether this binary can run `kind` with the model in `dir` (for `--semantic auto`).
pub fn available(kind: EmbedderKind, dir: &Path) -> Result<(), EmbedError> {
    match kind {
        EmbedderKind::Hashing => Ok(()),
        EmbedderKind::Bert if !cfg!(feature = "neural") => Err(EmbedError::NotBuilt),
        EmbedderKind::Bert => check_model_dir(dir),
    }
}

/// Make the embedder `kind` (the BERT one loads its model from `dir`).
pub fn load(kind: EmbedderKind, dir: &Path) -> Result<Box<dyn Embedder>, EmbedError> {
    match kind {
        EmbedderKind::Hashing => Ok(Box::new(HashingEmbedder::new(HashingEmbedder::DEFAULT_DIM))),
        #[cfg(feature = "neural")]
        EmbedderKind::Bert => Ok(Box::new(bert::BertEmbedder::load(dir)?)),
        #[cfg(not(feature = "neural"))]
        EmbedderKind::Bert => {
            let _ = dir;
            Err(EmbedError::NotBuilt)
        }
    }
}

/// The dot product of two vectors of the same length (the cosine of unit vectors).
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Scale `v` to unit length (a zero vector stays zero).
pub fn normalize(v: &mut [f32]) {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|x| *x /= n);
    }
}

/// Signed feature hashing of a text's word stems and stem bigrams, weighted `1 + ln(tf)`,
/// then unit length. Two texts are close when they share stems; no model, no state, the same
/// bytes on every machine (FNV-1a, not the process's random hasher).
pub struct HashingEmbedder {
    dim: usize,
    id: String,
}

impl HashingEmbedder {
    pub const DEFAULT_DIM: usize = 384;

    pub fn new(dim: usize) -> HashingEmbedder {
        assert!(dim > 0, "an embedding has at least one dimension");
        HashingEmbedder { dim, id: format!("hashing-v1-{dim}") }
    }

    fn one(&self, text: &str) -> Vec<f32> {
        let stems: Vec<String> = words(&tokenize(text)).into_iter().map(|w| w.stem.into_string()).filter(|s| s.chars().any(char::is_alphanumeric)).collect();
        let mut counts: std::collections::BTreeMap<u64, f32> = std::collections::BTreeMap::new();
        for (i, s) in stems.iter().enumerate() {
            *counts.entry(fnv1a(s.as_bytes())).or_default() += 1.0;
            if let Some(next) = stems.get(i + 1) {
                // Bigrams weigh half: word order says less than the words.
                *counts.entry(fnv1a(format!("{s} {next}").as_bytes())).or_default() += 0.5;
            }
        }
        let mut v = vec![0f32; self.dim];
        for (h, tf) in counts {
            let sign = if h >> 63 == 1 { -1.0 } else { 1.0 };
            v[(h % self.dim as u64) as usize] += sign * (1.0 + tf.ln().max(0.0));
        }
        normalize(&mut v);
        v
    }
}

impl Embedder for HashingEmbedder {
    fn id(&self) -> &str {
        &self.id
    }
    fn dim(&self) -> usize {
        self.dim
    }
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        Ok(texts.iter().map(|t| self.one(t)).collect())
    }
}

/// 64-bit FNV-1a: a stable hash for feature hashing and cache keys.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashing_vectors_are_unit_deterministic_and_closer_for_shared_words() {
        let e = HashingEmbedder::new(256);
        let v = e.embed(&["KV cache compression for long contexts", "compressing the key-value cache of long-context models", "protein folding with diffusion"]).unwrap();
        assert_eq!(v.len(), 3);
        for x in &v {
            assert_eq!(x.len(), 256);
            assert!((dot(x, x) - 1.0).abs() < 1e-5);
        }
        assert!(dot(&v[0], &v[1]) > dot(&v[0], &v[2]) + 0.2, "{} vs {}", dot(&v[0], &v[1]), dot(&v[0], &v[2]));
        // Alone or in a batch, the same vector.
        assert_eq!(e.embed(&["KV cache compression for long contexts"]).unwrap()[0], v[0]);
        assert_eq!(e.id(), "hashing-v1-256");
    }

    #[test]
    fn empty_text_is_a_zero_vector_not_an_error() {
        let v = HashingEmbedder::new(8).embed(&[""]).unwrap();
        assert_eq!(v[0], vec![0.0; 8]);
    }

    #[test]
    fn a_missing_model_says_what_is_missing_and_how_to_get_it() {
        let dir = tempfile::tempdir().unwrap();
        let err = check_model_dir(dir.path()).unwrap_err().to_string();
        assert!(err.contains("config.json is missing") && err.contains("setup-neural.sh"), "{err}");
        let err = check_model_dir(&dir.path().join("nope")).unwrap_err().to_string();
        assert!(err.contains("does not exist"), "{err}");
        assert!(available(EmbedderKind::Hashing, dir.path()).is_ok());
    }

    #[test]
    fn model_dir_prefers_the_flag() {
        assert_eq!(model_dir(Some(Path::new("/m"))), PathBuf::from("/m"));
    }
}
