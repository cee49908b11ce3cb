//! A trained tagger: its file format, the embedded models and decoding.

use super::features::{SentenceFeatures, FEATURES_VERSION};
use super::scheme::{Scheme, TokenSpan};
use super::tokenize;
use super::viterbi::Lattice;
use super::NerError;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::sync::OnceLock;

const MAGIC: &[u8; 6] = b"TGNER\x01";

/// How a model was trained (recorded in its header, shown by `topicgraph ner info`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TrainingInfo {
    /// Training data: file names (no directories, so the file does not depend on where the
    /// data lay) and what was taken from them.
    pub data: String,
    pub sentences: usize,
    pub tokens: usize,
    /// Gold spans left out because they overlap an earlier, longer one (flat tagging).
    pub spans_dropped: usize,
    pub epochs_run: usize,
    /// The epoch whose averaged weights the model holds.
    pub epoch: usize,
    pub seed: u64,
    /// Development-set micro-F1 at that epoch, when a development set was given.
    pub dev_f1: Option<f64>,
}

/// The model file's header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub name: String,
    pub labels: Vec<String>,
    pub scheme: String,
    /// The feature table has `2^bits` buckets.
    pub bits: u32,
    pub features: u32,
    /// Weights are stored as `round(weight * scale)`.
    pub scale: f64,
    pub training: TrainingInfo,
}

/// An entity span found in text: half-open code-point offsets, the text, the label, and a
/// score: how much the span's tags out-score `O` on its tokens, in weight units (a local
/// margin; higher is surer, it is not a probability).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub label: String,
    pub score: f32,
}

/// The models shipped in the binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Embedded {
    /// SciERC train split: Task, Method, Metric, Material, OtherScientificTerm, Generic.
    Scierc,
    /// GSAP-NER, all folds: MLModel and Dataset.
    Gsap,
}

impl Embedded {
    pub const ALL: [Embedded; 2] = [Embedded::Scierc, Embedded::Gsap];

    pub fn name(self) -> &'static str {
        match self {
            Embedded::Scierc => "scierc",
            Embedded::Gsap => "gsap",
        }
    }

    /// Where the model lies in the source tree (and where `ner train` should write it).
    pub fn path(self) -> &'static str {
        match self {
            Embedded::Scierc => "data/ner/scierc.tgner.gz",
            Embedded::Gsap => "data/ner/gsap.tgner.gz",
        }
    }

    fn bytes(self) -> &'static [u8] {
        match self {
            Embedded::Scierc => include_bytes!("../../../data/ner/scierc.tgner.gz"),
            Embedded::Gsap => include_bytes!("../../../data/ner/gsap.tgner.gz"),
        }
    }

    pub fn from_name(name: &str) -> Option<Embedded> {
        Embedded::ALL.into_iter().find(|e| e.name() == name)
    }
}

/// A trained tagger, ready to decode.
#[derive(Debug, Clone)]
pub struct Tagger {
    info: ModelInfo,
    scheme: Scheme,
    lattice: Lattice,
    t: usize,
    mask: u64,
    /// Bucket -> 1 + row number, 0 for a bucket with no weights.
    index: Vec<u32>,
    rows: Vec<i16>,
    trans: Vec<i32>,
    id: String,
}

/// Reusable buffers for decoding one sentence after another.
#[derive(Default)]
struct Scratch {
    features: SentenceFeatures,
    emit: Vec<i32>,
    tags: Vec<u16>,
}

fn model_err(source: &str, message: impl Into<String>) -> NerError {
    NerError::Model { source_name: source.to_string(), message: message.into() }
}

impl Tagger {
    /// Build from quantised parts: `rows` holds, for each `(bucket, weights)` pair sorted by
    /// bucket, the `T` weights of that bucket.
    pub(crate) fn from_parts(info: ModelInfo, buckets: &[u32], rows: Vec<i16>, trans: Vec<i32>) -> Result<Tagger, NerError> {
        let scheme: Scheme = info.scheme.parse().map_err(|e: String| model_err(&info.name, e))?;
        if info.features != FEATURES_VERSION {
            return Err(model_err(&info.name, format!("made with feature set {}, this build computes feature set {FEATURES_VERSION}", info.features)));
        }
        if !(8..=26).contains(&info.bits) || info.labels.is_empty() || info.labels.len() > 1000 {
            return Err(model_err(&info.name, "header out of range (bits 8..=26, 1..=1000 labels)"));
        }
        let t = scheme.n_tags(info.labels.len());
        if rows.len() != buckets.len() * t || trans.len() != (t + 1) * (t + 1) {
            return Err(model_err(&info.name, "table sizes do not match the header"));
        }
        let mut index = vec![0u32; 1 << info.bits];
        for (r, &b) in buckets.iter().enumerate() {
            let slot = index.get_mut(b as usize).ok_or_else(|| model_err(&info.name, format!("bucket {b} outside the table")))?;
            *slot = r as u32 + 1;
        }
        let mut tagger = Tagger { mask: (1u64 << info.bits) - 1, lattice: Lattice::new(scheme, t), scheme, t, index, rows, trans, info, id: String::new() };
        tagger.set_id();
        Ok(tagger)
    }

    fn set_id(&mut self) {
        self.id = format!("{}@{}", self.info.name, hex8(&Sha256::digest(self.raw_bytes())));
    }

    /// Replace the training facts of the header (the weights stay).
    pub(crate) fn set_training(&mut self, training: TrainingInfo) {
        self.info.training = training;
        self.set_id();
    }

    /// A model shipped in the binary, decoded once per process.
    pub fn embedded(which: Embedded) -> Result<&'static Tagger, &'static NerError> {
        static SCIERC: OnceLock<Result<Tagger, NerError>> = OnceLock::new();
        static GSAP: OnceLock<Result<Tagger, NerError>> = OnceLock::new();
        let cell = match which {
            Embedded::Scierc => &SCIERC,
            Embedded::Gsap => &GSAP,
        };
        cell.get_or_init(|| {
            let bytes = which.bytes();
            if bytes.is_empty() {
                return Err(model_err(which.path(), "the embedded model file is empty (regenerate it: scripts/train-ner.sh)"));
            }
            Tagger::from_bytes(bytes, which.path())
        })
        .as_ref()
    }

    /// Read a model file (gzipped, as [`Tagger::to_bytes`] writes it).
    pub fn load(path: &str) -> Result<Tagger, NerError> {
        let bytes = std::fs::read(path).map_err(|e| NerError::io(path, e))?;
        Tagger::from_bytes(&bytes, path)
    }

    /// A model named on the command line: `scierc` or `gsap` for an embedded one, else a
    /// file.
    pub fn resolve(name: &str) -> Result<Tagger, NerError> {
        match Embedded::from_name(name) {
            Some(e) => Tagger::embedded(e).cloned().map_err(|e| model_err(name, e.to_string())),
            None => Tagger::load(name),
        }
    }

    pub fn from_bytes(gz: &[u8], source: &str) -> Result<Tagger, NerError> {
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(gz).read_to_end(&mut raw).map_err(|e| model_err(source, format!("not a gzipped model: {e}")))?;
        let mut r = Reader { b: &raw, at: 0, source };
        if r.take(MAGIC.len())? != MAGIC {
            return Err(model_err(source, "not a topicgraph NER model (bad magic)"));
        }
        let header_len = r.u32()? as usize;
        let info: ModelInfo = serde_json::from_slice(r.take(header_len)?).map_err(|e| model_err(source, format!("header: {e}")))?;
        let scheme: Scheme = info.scheme.parse().map_err(|e: String| model_err(source, e))?;
        let t = scheme.n_tags(info.labels.len());
        let trans = (0..(t + 1) * (t + 1)).map(|_| r.u32().map(|v| v as i32)).collect::<Result<Vec<_>, _>>()?;
        let n = r.u32()? as usize;
        let mut buckets = Vec::with_capacity(n);
        let mut last = 0u64;
        for _ in 0..n {
            last = last.checked_add(r.varint()?).ok_or_else(|| model_err(source, "bucket out of range"))?;
            buckets.push(u32::try_from(last).map_err(|_| model_err(source, "bucket out of range"))?);
        }
        let rows = (0..n * t).map(|_| r.i16()).collect::<Result<Vec<_>, _>>()?;
        if r.at != raw.len() {
            return Err(model_err(source, "trailing bytes after the weights"));
        }
        Tagger::from_parts(info, &buckets, rows, trans)
    }

    /// The uncompressed model: magic, header, transitions, rows.
    fn raw_bytes(&self) -> Vec<u8> {
        let header = serde_json::to_vec(&self.info).expect("header serialises");
        let mut out = Vec::with_capacity(header.len() + self.rows.len() * 2 + self.index.len() / 8);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
        out.extend_from_slice(&header);
        for &v in &self.trans {
            out.extend_from_slice(&v.to_le_bytes());
        }
        let buckets: Vec<(usize, u32)> = self.index.iter().enumerate().filter(|&(_, &r)| r != 0).map(|(b, &r)| (b, r - 1)).collect();
        out.extend_from_slice(&(buckets.len() as u32).to_le_bytes());
        let mut last = 0usize;
        for &(b, _) in &buckets {
            let mut d = (b - last) as u64;
            last = b;
            loop {
                let byte = (d & 0x7f) as u8;
                d >>= 7;
                if d == 0 {
                    out.push(byte);
                    break;
                }
                out.push(byte | 0x80);
            }
        }
        for &(_, r) in &buckets {
            for &w in &self.rows[r as usize * self.t..(r as usize + 1) * self.t] {
                out.extend_from_slice(&w.to_le_bytes());
            }
        }
        out
    }

    /// The model file: the same model gives the same bytes (gzip with a zero timestamp and
    /// no file name).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut gz = flate2::GzBuilder::new().mtime(0).write(Vec::new(), flate2::Compression::best());
        gz.write_all(&self.raw_bytes()).expect("writing to memory");
        gz.finish().expect("writing to memory")
    }

    /// Write the model file (through a temporary file, renamed into place).
    pub fn save(&self, path: &str) -> Result<(), NerError> {
        let p = std::path::Path::new(path);
        let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| NerError::io(path, e))?;
        let mut tmp = crate::output::temp_file_in(dir).map_err(|e| NerError::io(path, e))?;
        tmp.write_all(&self.to_bytes()).map_err(|e| NerError::io(path, e))?;
        tmp.persist(p).map_err(|e| NerError::io(path, e.error))?;
        Ok(())
    }

    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    pub fn labels(&self) -> &[String] {
        &self.info.labels
    }

    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// `name@` and 8 hex digits of SHA-256 over the uncompressed model: the provenance to
    /// record with every span this model finds.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Rows (feature buckets with a non-zero weight).
    pub fn rows(&self) -> usize {
        self.rows.len() / self.t
    }

    fn emissions(&self, f: &SentenceFeatures, emit: &mut Vec<i32>) {
        let t = self.t;
        emit.clear();
        emit.resize(f.len() * t, 0);
        for i in 0..f.len() {
            let e = &mut emit[i * t..(i + 1) * t];
            for &id in f.token(i) {
                let r = self.index[(id & self.mask) as usize];
                if r != 0 {
                    let row = &self.rows[(r as usize - 1) * t..r as usize * t];
                    for (x, &w) in e.iter_mut().zip(row) {
                        *x += w as i32;
                    }
                }
            }
        }
    }

    fn decode_into(&self, tokens: &[&str], s: &mut Scratch) -> Vec<(TokenSpan, f32)> {
        s.features.fill(tokens);
        self.emissions(&s.features, &mut s.emit);
        self.lattice.decode(&s.emit, &self.trans, &mut s.tags);
        let t = self.t;
        self.scheme
            .decode(&s.tags)
            .into_iter()
            .map(|sp| {
                let margin: i64 = (sp.start..sp.end).map(|i| (s.emit[i * t + s.tags[i] as usize] - s.emit[i * t]) as i64).sum();
                (sp, (margin as f64 / self.info.scale) as f32)
            })
            .collect()
    }

    /// Tag one tokenised sentence: spans over token indices.
    pub fn tag_tokens<S: AsRef<str>>(&self, tokens: &[S]) -> Vec<TokenSpan> {
        let words: Vec<&str> = tokens.iter().map(AsRef::as_ref).collect();
        self.decode_into(&words, &mut Scratch::default()).into_iter().map(|(s, _)| s).collect()
    }

    /// Tag raw text (tokenised and split into sentences by [`tokenize`]): spans with
    /// half-open code-point offsets, in text order.
    pub fn tag(&self, text: &str) -> Vec<Span> {
        let toks = tokenize::tokens(text);
        if toks.is_empty() {
            return Vec::new();
        }
        let mut scratch = Scratch::default();
        let mut found = Vec::new();
        for r in tokenize::sentences(&toks) {
            let words: Vec<&str> = toks[r.clone()].iter().map(|t| t.text.as_str()).collect();
            for (sp, score) in self.decode_into(&words, &mut scratch) {
                found.push((toks[r.start + sp.start].start, toks[r.start + sp.end - 1].end, sp.label, score));
            }
        }
        if found.is_empty() {
            return Vec::new();
        }
        // code point -> byte offsets, for the span texts
        let bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).chain(std::iter::once(text.len())).collect();
        found
            .into_iter()
            .map(|(start, end, label, score)| Span { start, end, text: text[bytes[start]..bytes[end]].to_string(), label: self.info.labels[label as usize].clone(), score })
            .collect()
    }
}

fn hex8(d: &[u8]) -> String {
    d.iter().take(4).map(|b| format!("{b:02x}")).collect()
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
    source: &'a str,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], NerError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.b.len()).ok_or_else(|| model_err(self.source, "truncated"))?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u32(&mut self) -> Result<u32, NerError> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("4 bytes")))
    }
    fn i16(&mut self) -> Result<i16, NerError> {
        Ok(i16::from_le_bytes(self.take(2)?.try_into().expect("2 bytes")))
    }
    fn varint(&mut self) -> Result<u64, NerError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.take(1)?[0];
            v |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(model_err(self.source, "bad varint"))
    }
}
