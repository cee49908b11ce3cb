//! Opening the persistent store (oxigraph on RocksDB) with a lock that says who holds it.
//!
//! Writers (`build`, `serve --allow-update`) take an exclusive lock, readers (`query`,
//! `serve`, `export`, `graph`) a shared one, on `STORE/topicgraph.lock`. RocksDB allows one
//! writing process, and opening a store read-only while another process writes it is
//! undefined behaviour in oxigraph, so a reader and a writer never overlap: the second one
//! is refused with the holder's pid and command.

use oxigraph::store::{StorageError, Store};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::ops::Deref;
use std::path::{Path, PathBuf};

const LOCK_FILE: &str = "topicgraph.lock";

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("no store at {}: build one first with `topicgraph build` (or pass --store)", path.display())]
    Missing { path: PathBuf },
    #[error("the store {} is in use by {holder}; wait for it to finish (or stop it) and retry", path.display())]
    Locked { path: PathBuf, holder: String },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("opening the store {}: {source}", path.display())]
    Open { path: PathBuf, source: StorageError },
}

/// An open store and the lock that guards it (released on drop). Derefs to oxigraph's
/// [`Store`].
pub struct KgStore {
    store: Store,
    path: Option<PathBuf>,
    writable: bool,
    _lock: Option<File>,
}

impl Deref for KgStore {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.store
    }
}

impl KgStore {
    /// A store in memory, for tests and for commands that build a graph and throw it away.
    pub fn in_memory() -> KgStore {
        KgStore { store: Store::new().expect("an in-memory store always opens"), path: None, writable: true, _lock: None }
    }

    /// Where the store lives (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn writable(&self) -> bool {
        self.writable
    }

    pub fn store(&self) -> &Store {
        &self.store
    }
}

/// Open an existing store for reading, sharing it with other readers.
pub fn open_read_only(path: &Path) -> Result<KgStore, StoreError> {
    require_existing(path)?;
    let lock = lock(path, false)?;
    let store = Store::open_read_only(path).map_err(|source| StoreError::Open { path: path.into(), source })?;
    Ok(KgStore { store, path: Some(path.into()), writable: false, _lock: Some(lock) })
}

/// Open an existing store for writing, alone.
pub fn open_read_write(path: &Path) -> Result<KgStore, StoreError> {
    require_existing(path)?;
    create(path)
}

/// Open a store for writing, creating it when absent.
pub fn create(path: &Path) -> Result<KgStore, StoreError> {
    std::fs::create_dir_all(path).map_err(|source| StoreError::Io { path: path.into(), source })?;
    let lock = lock(path, true)?;
    let store = Store::open(path).map_err(|source| StoreError::Open { path: path.into(), source })?;
    Ok(KgStore { store, path: Some(path.into()), writable: true, _lock: Some(lock) })
}

fn require_existing(path: &Path) -> Result<(), StoreError> {
    // RocksDB's CURRENT file marks a database that was created completely.
    if path.join("CURRENT").is_file() {
        Ok(())
    } else {
        Err(StoreError::Missing { path: path.into() })
    }
}

/// Take the lock (exclusive for writers) and record who holds it.
fn lock(store: &Path, exclusive: bool) -> Result<File, StoreError> {
    let path = store.join(LOCK_FILE);
    let io = |source| StoreError::Io { path: path.clone(), source };
    let mut file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(io)?;
    let taken = if exclusive { file.try_lock() } else { file.try_lock_shared() };
    match taken {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim();
            let holder = if holder.is_empty() { "another process".to_string() } else { holder.to_string() };
            return Err(StoreError::Locked { path: store.into(), holder });
        }
        Err(TryLockError::Error(e)) => return Err(io(e)),
    }
    // Readers share the file: the last one to arrive names itself, which is enough for the
    // message a refused writer prints.
    let me = format!("pid {} ({}{})", std::process::id(), command_line(), if exclusive { ", writing" } else { ", reading" });
    file.set_len(0).and_then(|_| file.rewind()).and_then(|_| file.write_all(me.as_bytes())).map_err(io)?;
    Ok(file)
}

fn command_line() -> String {
    let args: Vec<String> = std::env::args().collect();
    let name = args.first().and_then(|a| Path::new(a).file_name()).map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let rest: Vec<&str> = args.iter().skip(1).take(3).map(String::as_str).collect();
    format!("{name} {}", rest.join(" ")).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_with_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store");
        let first = create(&path).unwrap();
        let err = create(&path).err().expect("second writer refused");
        let msg = err.to_string();
        assert!(msg.contains(&format!("pid {}", std::process::id())), "{msg}");
        assert!(msg.contains("writing"), "{msg}");
        drop(first);
        create(&path).expect("free again after the first closed");
    }

    #[test]
    fn missing_store_says_how_to_build_one() {
        let dir = tempfile::tempdir().unwrap();
        let err = open_read_only(&dir.path().join("nope")).err().unwrap();
        assert!(err.to_string().contains("topicgraph build"), "{err}");
    }
}
