//! Vectors on disk, so that each text is embedded once per model.
//!
//! A [`VectorFile`] is one file of vectors for a fixed list of texts (the ontology's concept
//! texts): its name carries a hash of the model id and every text, so a changed ontology or
//! model simply misses. Layout: the line `topicgraph-vectors 1`, a JSON header line
//! (`model`, `dim`, `count`), then `count * dim` little-endian f32. Written to a temporary
//! file and renamed, so a killed run never leaves half a file; a file that does not match
//! its header is ignored and rewritten.
//!
//! A [`CachedEmbedder`] wraps any embedder with a per-text store: one append-only file per
//! model (`texts-<hash of the model id>.vec`) of fixed-size records (a 128-bit hash of the
//! text, then its vector), so that a rebuild, or another command over the same papers,
//! embeds only texts it has not seen. A record cut short by a crash is ignored on reading.

use crate::embed::{EmbedError, Embedder};
use sha2::{Digest, Sha256};
use rustc_hash::FxHashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

const MAGIC: &str = "topicgraph-vectors 1\n";

/// The default folder: `embeddings/` under topicgraph's cache folder
/// ([`crate::fetch::cache::default_dir`]).
pub fn default_dir() -> PathBuf {
    crate::fetch::cache::default_dir().join("embeddings")
}

/// How [`VectorFile::load_or_embed`] got its vectors.
#[derive(Debug)]
pub enum Outcome {
    /// Read from the file.
    Hit(PathBuf),
    /// Embedded now and written.
    Written(PathBuf),
    /// Embedded now; the file could not be written (the vectors are still good).
    NotWritten(PathBuf, std::io::Error),
    /// Embedded now; no cache folder was given.
    NoCache,
}

/// The vectors of a fixed list of texts, cached in `dir`.
pub struct VectorFile {
    pub path: PathBuf,
}

impl VectorFile {
    /// The file for `texts` under `embedder` in `dir`; `name` starts the file name.
    pub fn new(dir: &Path, name: &str, embedder: &dyn Embedder, texts: &[String]) -> VectorFile {
        let mut h = Sha256::new();
        h.update(embedder.id().as_bytes());
        for t in texts {
            h.update([0u8]);
            h.update(t.as_bytes());
        }
        let hex: String = h.finalize()[..10].iter().map(|b| format!("{b:02x}")).collect();
        VectorFile { path: dir.join(format!("{name}-{hex}.vec")) }
    }

    /// Read the vectors of `texts`, or embed them (in batches of `batch`) and write the file.
    /// `dir: None` embeds without caching.
    pub fn load_or_embed(dir: Option<&Path>, name: &str, embedder: &dyn Embedder, texts: &[String], batch: usize) -> Result<(Vec<Vec<f32>>, Outcome), EmbedError> {
        let file = dir.map(|d| VectorFile::new(d, name, embedder, texts));
        if let Some(f) = &file {
            if let Some(v) = f.read(embedder, texts.len()) {
                return Ok((v, Outcome::Hit(f.path.clone())));
            }
        }
        let mut vectors = Vec::with_capacity(texts.len());
        for chunk in texts.chunks(batch.max(1)) {
            let refs: Vec<&str> = chunk.iter().map(String::as_str).collect();
            vectors.extend(embedder.embed(&refs)?);
        }
        let outcome = match file {
            None => Outcome::NoCache,
            Some(f) => match f.write(embedder, &vectors) {
                Ok(()) => Outcome::Written(f.path),
                Err(e) => Outcome::NotWritten(f.path, e),
            },
        };
        Ok((vectors, outcome))
    }

    /// The vectors, when the file exists and matches the model, dimension and count.
    fn read(&self, embedder: &dyn Embedder, count: usize) -> Option<Vec<Vec<f32>>> {
        let mut bytes = Vec::new();
        std::fs::File::open(&self.path).ok()?.read_to_end(&mut bytes).ok()?;
        let rest = bytes.strip_prefix(MAGIC.as_bytes())?;
        let nl = rest.iter().position(|&b| b == b'\n')?;
        let header: serde_json::Value = serde_json::from_slice(&rest[..nl]).ok()?;
        let dim = embedder.dim();
        if header["model"] != embedder.id() || header["dim"] != dim || header["count"] != count {
            return None;
        }
        let body = &rest[nl + 1..];
        if body.len() != count * dim * 4 {
            return None;
        }
        let floats = floats_le(body);
        Some(floats.chunks(dim.max(1)).map(<[f32]>::to_vec).take(count).collect())
    }

    fn write(&self, embedder: &dyn Embedder, vectors: &[Vec<f32>]) -> std::io::Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        {
            let mut w = std::io::BufWriter::new(tmp.as_file_mut());
            w.write_all(MAGIC.as_bytes())?;
            let header = serde_json::json!({"model": embedder.id(), "dim": embedder.dim(), "count": vectors.len()});
            writeln!(w, "{header}")?;
            let mut bytes = Vec::with_capacity(vectors.len() * embedder.dim() * 4);
            vectors.iter().for_each(|v| push_floats_le(&mut bytes, v));
            w.write_all(&bytes)?;
            w.flush()?;
        }
        tmp.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}

/// An embedder that remembers every text it embedded, on disk (see the module doc).
pub struct CachedEmbedder {
    inner: Arc<dyn Embedder>,
    path: PathBuf,
    known: RwLock<FxHashMap<u128, Arc<[f32]>>>,
    file: Mutex<Option<std::fs::File>>,
    /// Texts answered from the store, and texts embedded now.
    pub hits: std::sync::atomic::AtomicUsize,
    pub misses: std::sync::atomic::AtomicUsize,
    /// Why the store stopped being written, if it did.
    pub write_error: Mutex<Option<String>>,
}

/// Little-endian f32s, as both files store vectors.
fn floats_le(bytes: &[u8]) -> Vec<f32> {
    bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

fn push_floats_le(out: &mut Vec<u8>, v: &[f32]) {
    v.iter().for_each(|x| out.extend_from_slice(&x.to_le_bytes()));
}

fn text_key(text: &str) -> u128 {
    let h = Sha256::digest(text.as_bytes());
    u128::from_le_bytes(h[..16].try_into().expect("16 bytes"))
}

impl CachedEmbedder {
    /// Open (or start) the store for `inner` in `dir`.
    pub fn open(inner: Arc<dyn Embedder>, dir: &Path) -> Result<CachedEmbedder, EmbedError> {
        let id_hash: String = Sha256::digest(inner.id().as_bytes())[..8].iter().map(|b| format!("{b:02x}")).collect();
        let path = dir.join(format!("texts-{id_hash}.vec"));
        let err = |source| EmbedError::Cache { path: path.clone(), source };
        std::fs::create_dir_all(dir).map_err(err)?;
        let record = 16 + 4 * inner.dim();
        let mut known = FxHashMap::default();
        match std::fs::read(&path) {
            Ok(bytes) => {
                // A torn last record (a killed run) is dropped: cut the file back to whole records.
                for r in bytes.chunks_exact(record) {
                    let key = u128::from_le_bytes(r[..16].try_into().expect("16 bytes"));
                    let v = floats_le(&r[16..]);
                    known.insert(key, Arc::from(v));
                }
                if bytes.len() % record != 0 {
                    let f = std::fs::OpenOptions::new().write(true).open(&path).map_err(err)?;
                    f.set_len((bytes.len() - bytes.len() % record) as u64).map_err(err)?;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(err(e)),
        }
        let file = std::fs::OpenOptions::new().create(true).append(true).open(&path).map_err(err)?;
        Ok(CachedEmbedder { inner, path, known: RwLock::new(known), file: Mutex::new(Some(file)), hits: Default::default(), misses: Default::default(), write_error: Mutex::new(None) })
    }

    /// The store's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Texts in the store.
    pub fn len(&self) -> usize {
        self.known.read().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Embedder for CachedEmbedder {
    fn id(&self) -> &str {
        self.inner.id()
    }

    fn dim(&self) -> usize {
        self.inner.dim()
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        use std::sync::atomic::Ordering::Relaxed;
        let keys: Vec<u128> = texts.iter().map(|t| text_key(t)).collect();
        let mut out: Vec<Option<Vec<f32>>> = {
            let known = self.known.read().unwrap_or_else(|p| p.into_inner());
            keys.iter().map(|k| known.get(k).map(|v| v.to_vec())).collect()
        };
        let missing: Vec<usize> = (0..texts.len()).filter(|&i| out[i].is_none()).collect();
        self.hits.fetch_add(texts.len() - missing.len(), Relaxed);
        if !missing.is_empty() {
            self.misses.fetch_add(missing.len(), Relaxed);
            let batch: Vec<&str> = missing.iter().map(|&i| texts[i]).collect();
            let vectors = self.inner.embed(&batch)?;
            let mut bytes = Vec::with_capacity(missing.len() * (16 + 4 * self.dim()));
            for (&i, v) in missing.iter().zip(&vectors) {
                bytes.extend_from_slice(&keys[i].to_le_bytes());
                push_floats_le(&mut bytes, v);
            }
            {
                let mut known = self.known.write().unwrap_or_else(|p| p.into_inner());
                for (&i, v) in missing.iter().zip(&vectors) {
                    known.insert(keys[i], Arc::from(v.as_slice()));
                }
            }
            // One write per batch of whole records; a store that cannot be written is
            // closed (the error kept for the run's report), and embedding goes on without it.
            let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(f) = file.as_mut() {
                if let Err(e) = f.write_all(&bytes) {
                    *self.write_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(format!("{}: {e}", self.path.display()));
                    *file = None;
                }
            }
            for (i, v) in missing.into_iter().zip(vectors) {
                out[i] = Some(v);
            }
        }
        Ok(out.into_iter().map(|v| v.expect("every text answered")).collect())
    }

    fn cache_counts(&self) -> Option<(usize, usize)> {
        use std::sync::atomic::Ordering::Relaxed;
        Some((self.hits.load(Relaxed), self.misses.load(Relaxed)))
    }

    fn cache_error(&self) -> Option<String> {
        self.write_error.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embed::HashingEmbedder;

    #[test]
    fn vectors_are_written_once_then_read_back_identical() {
        let dir = tempfile::tempdir().unwrap();
        let e = HashingEmbedder::new(16);
        let texts: Vec<String> = vec!["kv cache".into(), "mixture of experts".into()];
        let (a, first) = VectorFile::load_or_embed(Some(dir.path()), "concepts", &e, &texts, 1).unwrap();
        assert!(matches!(first, Outcome::Written(_)), "{first:?}");
        let (b, second) = VectorFile::load_or_embed(Some(dir.path()), "concepts", &e, &texts, 1).unwrap();
        assert!(matches!(second, Outcome::Hit(_)), "{second:?}");
        assert_eq!(a, b);
        // Other texts or another model: another file.
        let other: Vec<String> = vec!["kv cache".into()];
        assert_ne!(VectorFile::new(dir.path(), "concepts", &e, &other).path, VectorFile::new(dir.path(), "concepts", &e, &texts).path);
        assert_ne!(VectorFile::new(dir.path(), "concepts", &HashingEmbedder::new(8), &texts).path, VectorFile::new(dir.path(), "concepts", &e, &texts).path);
    }

    #[test]
    fn texts_are_embedded_once_across_runs_and_a_torn_record_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let inner: Arc<dyn Embedder> = Arc::new(HashingEmbedder::new(8));
        let a = CachedEmbedder::open(inner.clone(), dir.path()).unwrap();
        let first = a.embed(&["one text", "another text"]).unwrap();
        assert_eq!(first, inner.embed(&["one text", "another text"]).unwrap());
        assert_eq!((a.hits.load(std::sync::atomic::Ordering::Relaxed), a.misses.load(std::sync::atomic::Ordering::Relaxed)), (0, 2));
        let path = a.path().to_path_buf();
        drop(a);
        // A killed run left half a record behind.
        let mut f = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(&[1, 2, 3]).unwrap();
        drop(f);
        let b = CachedEmbedder::open(inner.clone(), dir.path()).unwrap();
        assert_eq!(b.len(), 2);
        assert_eq!(b.embed(&["another text", "a third"]).unwrap(), inner.embed(&["another text", "a third"]).unwrap());
        assert_eq!((b.hits.load(std::sync::atomic::Ordering::Relaxed), b.misses.load(std::sync::atomic::Ordering::Relaxed)), (1, 1));
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 3 * (16 + 32));
    }

    #[test]
    fn a_damaged_file_is_ignored_and_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let e = HashingEmbedder::new(16);
        let texts: Vec<String> = vec!["retrieval-augmented generation".into()];
        let f = VectorFile::new(dir.path(), "concepts", &e, &texts);
        std::fs::write(&f.path, b"topicgraph-vectors 1\n{\"model\":\"hashing-v1-16\",\"dim\":16,\"count\":1}\nshort").unwrap();
        let (v, outcome) = VectorFile::load_or_embed(Some(dir.path()), "concepts", &e, &texts, 8).unwrap();
        assert!(matches!(outcome, Outcome::Written(_)), "{outcome:?}");
        assert_eq!(v, e.embed(&["retrieval-augmented generation"]).unwrap());
    }
}
