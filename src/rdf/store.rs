//! Opening the persistent oxigraph store, with errors that name the path.

use oxigraph::store::{StorageError, Store};
use std::path::{Path, PathBuf};

/// Opening a store failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("no store at {path} (a RocksDB folder with a CURRENT file)")]
    Missing { path: PathBuf },
    #[error("cannot open the store at {path}: {source}")]
    Open { path: PathBuf, source: StorageError },
}

/// Open the store at `path` for reading only (it must exist; several readers may share it).
///
/// A folder that is not a store is refused before RocksDB sees it: oxigraph 0.5.13's failed
/// read-only open crashes the process at exit (segmentation fault after the error).
pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
    if !path.join("CURRENT").is_file() {
        return Err(StoreError::Missing { path: path.to_path_buf() });
    }
    Store::open_read_only(path).map_err(|source| StoreError::Open { path: path.to_path_buf(), source })
}

/// Open the store at `path` for reading and writing, creating it when absent (one writer at a
/// time).
pub fn open(path: &Path) -> Result<Store, StoreError> {
    Store::open(path).map_err(|source| StoreError::Open { path: path.to_path_buf(), source })
}
