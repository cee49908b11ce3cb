//! The on-disk cache of raw responses, keyed by request (method, URL, body).
//!
//! A response is stored only once it is complete and valid for its source, under a temporary
//! name renamed into place: an interrupted fetch leaves whole pages only, and the next run
//! resumes from them without asking the service again.

use sha2::{Digest, Sha256};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A folder of cached responses: `DIR/ab/abcdef….body`, and beside it `….url` naming the
/// request, for people looking into the cache.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    pub fn new(dir: impl Into<PathBuf>) -> Cache {
        Cache { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key of a request: SHA-256 of method, URL and body.
    pub fn key(method: &str, url: &str, body: Option<&[u8]>) -> String {
        let mut h = Sha256::new();
        h.update(method.as_bytes());
        h.update(b"\n");
        h.update(url.as_bytes());
        h.update(b"\n");
        if let Some(b) = body {
            h.update(b);
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn path(&self, key: &str) -> PathBuf {
        self.dir.join(&key[..2]).join(format!("{key}.body"))
    }

    /// The cached body's path, if this request was answered before.
    pub fn get(&self, key: &str) -> Option<PathBuf> {
        let p = self.path(key);
        p.is_file().then_some(p)
    }

    /// Whether a cached body is younger than `max_age` (always, without a limit).
    pub fn fresh(path: &Path, max_age: Option<std::time::Duration>) -> bool {
        let Some(max) = max_age else { return true };
        let age = std::fs::metadata(path).and_then(|m| m.modified()).map(|t| t.elapsed().unwrap_or_default());
        age.is_ok_and(|a| a <= max)
    }

    /// Store a complete response; returns its path.
    pub fn put(&self, key: &str, request: &str, body: &[u8]) -> io::Result<PathBuf> {
        let path = self.path(key);
        let dir = path.parent().expect("cache paths have a parent");
        std::fs::create_dir_all(dir)?;
        let mut tmp = crate::output::temp_file_in(dir)?;
        tmp.write_all(body)?;
        tmp.as_file().sync_data()?;
        tmp.persist(&path).map_err(|e| e.error)?;
        std::fs::write(path.with_extension("url"), format!("{request}\n"))?;
        Ok(path)
    }

    /// Forget a cached response (one found invalid on reading).
    pub fn remove(&self, key: &str) {
        let path = self.path(key);
        let _ = std::fs::remove_file(path.with_extension("url"));
        let _ = std::fs::remove_file(path);
    }
}

/// The default cache folder: `$TOPICGRAPH_CACHE`, else `$XDG_CACHE_HOME/topicgraph`, else
/// `~/.cache/topicgraph`, else `./.topicgraph-cache`.
pub fn default_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("TOPICGRAPH_CACHE").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(d).join("topicgraph");
    }
    if let Some(h) = std::env::var_os("HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(h).join(".cache").join("topicgraph");
    }
    PathBuf::from(".topicgraph-cache")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_separate_method_url_and_body() {
        let a = Cache::key("GET", "http://x/a", None);
        assert_eq!(a.len(), 64);
        assert_ne!(a, Cache::key("POST", "http://x/a", None));
        assert_ne!(a, Cache::key("GET", "http://x/b", None));
        assert_ne!(Cache::key("POST", "http://x/a", Some(b"1")), Cache::key("POST", "http://x/a", Some(b"2")));
        assert_eq!(a, Cache::key("GET", "http://x/a", None));
    }

    #[test]
    fn put_get_remove() {
        let dir = tempfile::tempdir().unwrap();
        let c = Cache::new(dir.path());
        let k = Cache::key("GET", "http://x/a", None);
        assert!(c.get(&k).is_none());
        let p = c.put(&k, "GET http://x/a", b"hello").unwrap();
        assert_eq!(c.get(&k).as_deref(), Some(p.as_path()));
        assert_eq!(std::fs::read(&p).unwrap(), b"hello");
        assert_eq!(std::fs::read_to_string(p.with_extension("url")).unwrap(), "GET http://x/a\n");
        c.remove(&k);
        assert!(c.get(&k).is_none());
    }
}
