//! Opening the persistent oxigraph store (RocksDB) that `build` writes and `query` / `serve`
//! read. Entry points: [`open_read_only`], [`open_read_write`].

use oxigraph::store::{StorageError, Store};
use std::path::{Path, PathBuf};

/// Why a store could not be opened; every variant names the path.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Nothing at the path: the graph has not been built (or `--store` points elsewhere).
    #[error("no store at {}: run `topicgraph build` first (or pass --store)", path.display())]
    Missing { path: PathBuf },
    /// RocksDB refused to open it (corrupt, not a store, locked by a writer, ...).
    #[error("cannot open the store at {}: {source}", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: StorageError,
    },
}

/// Open an existing store for reading; many readers may share it.
pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
    if !path.exists() {
        return Err(StoreError::Missing { path: path.to_path_buf() });
    }
    Store::open_read_only(path).map_err(|source| StoreError::Open { path: path.to_path_buf(), source })
}

/// Open a store for writing, creating it when absent; RocksDB allows one writer at a time.
pub fn open_read_write(path: &Path) -> Result<Store, StoreError> {
    Store::open(path).map_err(|source| StoreError::Open { path: path.to_path_buf(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_store_says_to_build_first() {
        let dir = tempfile::tempdir().unwrap();
        let Err(err) = open_read_only(&dir.path().join("nope")) else { panic!("opened a missing store") };
        assert!(matches!(err, StoreError::Missing { .. }));
        assert!(err.to_string().contains("run `topicgraph build` first"), "{err}");
    }

    #[test]
    fn a_written_store_reopens_read_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store");
        drop(open_read_write(&path).unwrap());
        let store = open_read_only(&path).unwrap();
        assert!(store.is_empty().unwrap());
    }
}
