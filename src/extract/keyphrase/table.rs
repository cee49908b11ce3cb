//! The corpus table the extractor reads: for each word form, how many papers of a reference
//! corpus use it (document frequency, for IDF) and how the corpus uses it (after a
//! determiner, as nouns and adjectives are, or after "we", "to", a modal, as verbs and
//! adverbs are; capitalised mid-sentence, as proper names are).
//!
//! Built by `topicgraph keyphrases table CORPUS... --out data/keyphrase-df.tsv.gz` (a
//! [`TableBuilder`] over the corpus), shipped gzipped in `data/` and compiled into the
//! binary ([`KeyphraseTable::bundled`]), so tagging stays a pure function of each record.
//!
//! The file is TSV: `#` comment lines, a `docs<TAB>N` line, then rows sorted by kind and key:
//! `s<TAB>stem-key<TAB>df` (an atom's words' [`crate::text::stem`]s joined by `-`: `kv-cach`,
//! `gpt-4`) and `w<TAB>form<TAB>det<TAB>verb<TAB>cap<TAB>lower` (an atom's lowercase form;
//! counts of occurrences after a determiner, after a verb context, and, mid-sentence in
//! abstracts, written Capitalised or lowercase).

use crate::extract::keyphrase::{atoms, Atom};
use crate::link::document::{Document, Field};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{Read, Write};

/// The bundled table (`data/keyphrase-df.tsv.gz`).
pub const BUNDLED_GZ: &[u8] = include_bytes!("../../../data/keyphrase-df.tsv.gz");

/// Errors reading a table.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TableError {
    #[error("reading the keyphrase table: {0}")]
    Io(#[from] std::io::Error),
    #[error("keyphrase table line {line}: {why}")]
    Format { line: usize, why: String },
}

/// FNV-1a, 64 bits: the keys of both maps, computed the same way when the table is read and
/// when a paper is scanned (so scanning allocates nothing).
#[derive(Clone, Copy)]
pub struct Fnv(u64);

impl Fnv {
    pub fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    pub fn bytes(&mut self, b: &[u8]) {
        for &x in b {
            self.0 ^= x as u64;
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
    pub fn char(&mut self, c: char) {
        let mut buf = [0u8; 4];
        self.bytes(c.encode_utf8(&mut buf).as_bytes());
    }
    pub fn finish(self) -> u64 {
        self.0
    }
}

impl Default for Fnv {
    fn default() -> Self {
        Fnv::new()
    }
}

/// The hash of a string's lowercase form.
pub fn lower_hash(s: &str) -> u64 {
    let mut h = Fnv::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        h.char(c);
    }
    h.finish()
}

/// The hash of a string as it is.
pub fn str_hash(s: &str) -> u64 {
    let mut h = Fnv::new();
    h.bytes(s.as_bytes());
    h.finish()
}

/// A hasher for keys that are already hashes.
#[derive(Default)]
pub struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ b as u64;
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub type HashedMap<V> = HashMap<u64, V, BuildHasherDefault<PreHashed>>;

/// How the corpus uses one word form.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Occurrences right after a determiner ("the", "a", "our", ...).
    pub det: u32,
    /// Occurrences right after a verb context ("we", "to", "can", "which", ...).
    pub verb: u32,
    /// Mid-sentence occurrences in abstracts written Capitalised.
    pub cap: u32,
    /// Mid-sentence occurrences in abstracts written in lowercase.
    pub lower: u32,
}

impl Usage {
    fn add(&mut self, o: &Usage) {
        self.det += o.det;
        self.verb += o.verb;
        self.cap += o.cap;
        self.lower += o.lower;
    }
    fn is_empty(&self) -> bool {
        self.det + self.verb + self.cap + self.lower == 0
    }
}

/// Words that precede nouns and adjectives.
pub const DETERMINERS: &[&str] = &["the", "a", "an", "this", "these", "those", "its", "their", "our", "his", "her", "each", "every", "any", "such", "no"];
/// Words that precede verbs and adverbs.
pub const VERB_CONTEXTS: &[&str] = &["we", "to", "can", "could", "will", "would", "may", "might", "must", "should", "shall", "cannot", "they", "it", "which", "also", "does", "do", "did"];

/// Document frequencies and usage counts, loaded for lookups.
#[derive(Debug, Clone, Default)]
pub struct KeyphraseTable {
    /// Papers in the corpus the table was built from.
    pub docs: u64,
    df: HashedMap<u32>,
    usage: HashedMap<Usage>,
}

impl KeyphraseTable {
    /// The table shipped with topicgraph.
    pub fn bundled() -> Result<KeyphraseTable, TableError> {
        KeyphraseTable::from_gz(BUNDLED_GZ)
    }

    pub fn from_gz(bytes: &[u8]) -> Result<KeyphraseTable, TableError> {
        let mut text = String::new();
        flate2::read::MultiGzDecoder::new(bytes).read_to_string(&mut text)?;
        KeyphraseTable::from_tsv(&text)
    }

    pub fn from_tsv(text: &str) -> Result<KeyphraseTable, TableError> {
        let mut t = KeyphraseTable::default();
        let bad = |line: usize, why: &str| TableError::Format { line, why: why.to_string() };
        for (i, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let mut cols = line.split('\t');
            let kind = cols.next().unwrap_or("");
            let key = cols.next().ok_or_else(|| bad(i + 1, "missing key"))?;
            let mut num = || -> Result<u32, TableError> { cols.next().and_then(|c| c.parse().ok()).ok_or_else(|| bad(i + 1, "missing or bad count")) };
            match kind {
                "docs" => t.docs = key.parse().map_err(|_| bad(i + 1, "bad document count"))?,
                "s" => {
                    let df = num()?;
                    t.df.insert(str_hash(key), df);
                }
                "w" => {
                    let u = Usage { det: num()?, verb: num()?, cap: num()?, lower: num()? };
                    t.usage.insert(lower_hash(key), u);
                }
                _ => return Err(bad(i + 1, "expected a docs, s or w row")),
            }
        }
        if t.docs == 0 {
            return Err(bad(0, "no docs<TAB>N line"));
        }
        Ok(t)
    }

    /// Document frequency of a stem key (by its hash); 0 when the corpus never used it, or
    /// too rarely to be kept.
    pub fn df(&self, stem_hash: u64) -> u32 {
        self.df.get(&stem_hash).copied().unwrap_or(0)
    }

    /// Inverse document frequency, `ln((N + 1) / (df + 1))`.
    pub fn idf(&self, stem_hash: u64) -> f64 {
        ((self.docs as f64 + 1.0) / (self.df(stem_hash) as f64 + 1.0)).ln()
    }

    /// How the corpus uses a word form (by the hash of its lowercase form).
    pub fn usage(&self, lower_hash: u64) -> Usage {
        self.usage.get(&lower_hash).copied().unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.df.len()
    }

    pub fn is_empty(&self) -> bool {
        self.df.is_empty()
    }
}

/// Counts a corpus into a table. Add papers (in any order, in parallel builders that are
/// merged), then write.
#[derive(Debug, Default, Clone)]
pub struct TableBuilder {
    pub docs: u64,
    df: HashMap<String, u32>,
    usage: HashMap<String, Usage>,
}

impl TableBuilder {
    pub fn new() -> TableBuilder {
        TableBuilder::default()
    }

    /// Add one paper's counts (from [`count`]).
    pub fn add(&mut self, counts: PaperCounts) {
        self.docs += 1;
        for s in counts.stems {
            *self.df.entry(s).or_insert(0) += 1;
        }
        for (w, u) in counts.usage {
            self.usage.entry(w).or_default().add(&u);
        }
    }

    pub fn merge(&mut self, other: TableBuilder) {
        self.docs += other.docs;
        for (k, v) in other.df {
            *self.df.entry(k).or_insert(0) += v;
        }
        for (k, v) in other.usage {
            self.usage.entry(k).or_default().add(&v);
        }
    }

    /// Write the table: stems used by at least `min_df` papers, word forms seen at least
    /// `min_usage` times in the contexts counted. Sorted, so the same corpus gives the
    /// same bytes.
    pub fn write(&self, out: &mut dyn Write, min_df: u32, min_usage: u32, source: &str) -> std::io::Result<(usize, usize)> {
        writeln!(out, "# topicgraph keyphrase table: document frequencies and word usage")?;
        writeln!(out, "# built from {source} with min-df {min_df}, min-usage {min_usage}")?;
        writeln!(out, "docs\t{}", self.docs)?;
        let mut stems: Vec<(&String, &u32)> = self.df.iter().filter(|(k, &v)| v >= min_df && !k.contains('\t')).collect();
        stems.sort_unstable();
        for (k, v) in &stems {
            writeln!(out, "s\t{k}\t{v}")?;
        }
        let mut words: Vec<(&String, &Usage)> = self.usage.iter().filter(|(k, u)| u.det + u.verb + u.cap + u.lower >= min_usage && !k.contains('\t')).collect();
        words.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (k, u) in &words {
            writeln!(out, "w\t{k}\t{}\t{}\t{}\t{}", u.det, u.verb, u.cap, u.lower)?;
        }
        Ok((stems.len(), words.len()))
    }
}

/// What one paper adds to the table: its distinct stem keys, and the contexts of its word
/// forms.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PaperCounts {
    pub stems: Vec<String>,
    pub usage: Vec<(String, Usage)>,
}

/// Count one paper (title and abstract): a pure function, so papers are counted in parallel
/// and added in any order.
pub fn count(doc: &Document) -> PaperCounts {
    let mut c = PaperCounts::default();
    for f in doc.fields.iter().filter(|f| matches!(f.field, Field::Title | Field::Abstract)) {
        let list = atoms(f);
        for (k, a) in list.iter().enumerate() {
            c.stems.push(stem_key(f, a));
            let same_sentence = k > 0 && list[k - 1].sentence == a.sentence;
            let mut u = Usage::default();
            if same_sentence && list[k - 1].joins_next {
                let prev = lower_text(f, &list[k - 1]);
                if DETERMINERS.contains(&prev.as_str()) {
                    u.det = 1;
                } else if VERB_CONTEXTS.contains(&prev.as_str()) {
                    u.verb = 1;
                }
            }
            if f.field == Field::Abstract && same_sentence && a.letters {
                let chars = &f.chars[a.start..a.end];
                let first_upper = chars[0].is_uppercase();
                let rest_lower = chars[1..].iter().all(|c| !c.is_uppercase());
                if first_upper && rest_lower {
                    u.cap = 1;
                } else if !first_upper && rest_lower {
                    u.lower = 1;
                }
            }
            if !u.is_empty() {
                c.usage.push((lower_text(f, a), u));
            }
        }
    }
    c.stems.sort_unstable();
    c.stems.dedup();
    c
}

/// An atom's lowercase form.
fn lower_text(f: &crate::link::document::FieldText, a: &Atom) -> String {
    f.chars[a.start..a.end].iter().flat_map(|c| c.to_lowercase()).collect()
}

/// An atom's stem key: its words' stems joined by `-`.
fn stem_key(f: &crate::link::document::FieldText, a: &Atom) -> String {
    f.words[a.words.clone()].iter().map(|w| w.stem.as_str()).collect::<Vec<_>>().join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_agree_between_file_and_text() {
        assert_eq!(lower_hash("KV-Cache"), lower_hash("kv-cache"));
        let mut h = Fnv::new();
        h.bytes(b"kv");
        h.bytes(b"-");
        h.bytes(b"cach");
        assert_eq!(h.finish(), str_hash("kv-cach"));
    }

    #[test]
    fn build_write_read() {
        let mut b = TableBuilder::new();
        let p = |t: &str, a: &str| crate::model::Paper { id: "x".into(), title: t.into(), abstract_text: a.into(), ..Default::default() };
        b.add(count(&Document::new(&p("KV-cache compression", "We compress the KV cache. We compress caches to save memory."))));
        b.add(count(&Document::new(&p("Caches", "The cache of Bayesian models."))));
        let mut out = Vec::new();
        b.write(&mut out, 1, 1, "test").unwrap();
        let t = KeyphraseTable::from_tsv(std::str::from_utf8(&out).unwrap()).unwrap();
        assert_eq!(t.docs, 2);
        assert_eq!(t.df(str_hash("cach")), 2, "cache and caches in two papers");
        assert_eq!(t.df(str_hash("kv-cach")), 1);
        let compress = t.usage(lower_hash("compress"));
        assert_eq!(compress.verb, 2, "after 'we' twice");
        assert_eq!(t.usage(lower_hash("bayesian")).cap, 1);
        assert!(t.idf(str_hash("kv-cach")) > t.idf(str_hash("cach")));
    }
}
