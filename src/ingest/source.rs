//! Opening inputs: files, folders (walked in sorted order), `-` for stdin, gzip detected
//! from its magic bytes whatever the extension.

use crate::ingest::IngestError;
use flate2::read::MultiGzDecoder;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// One input to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// As shown in messages and provenance: the path as given, or `-`.
    pub name: String,
    /// `None` for stdin.
    pub path: Option<PathBuf>,
}

/// Expand the user's inputs: folders become their files (recursively, sorted, hidden files
/// skipped), `-` is stdin.
pub fn expand_inputs(inputs: &[String]) -> Result<Vec<InputFile>, IngestError> {
    let mut out = Vec::new();
    for input in inputs {
        if input == "-" {
            out.push(InputFile { name: "-".into(), path: None });
            continue;
        }
        let path = PathBuf::from(input);
        let meta = std::fs::metadata(&path).map_err(|source| IngestError::Io { path: input.clone(), source })?;
        if meta.is_dir() {
            let mut files = Vec::new();
            walk(&path, &mut files).map_err(|source| IngestError::Io { path: input.clone(), source })?;
            files.sort();
            out.extend(files.into_iter().map(|p| InputFile { name: p.display().to_string(), path: Some(p) }));
        } else {
            out.push(InputFile { name: input.clone(), path: Some(path) });
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let ft = entry.file_type()?;
        if ft.is_dir() {
            walk(&entry.path(), out)?;
        } else if ft.is_file() && !is_companion(&entry.path()) {
            out.push(entry.path());
        }
    }
    Ok(())
}

/// Files that live beside data but are not papers: documentation, queries, scripts. Skipped
/// when a folder is read; named explicitly, they are read (and rejected if unreadable).
fn is_companion(path: &Path) -> bool {
    const EXTENSIONS: [&str; 8] = ["md", "rq", "sparql", "py", "sh", "toml", "yml", "yaml"];
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

const BUF: usize = 256 * 1024;

/// Open an input for reading, decompressing gzip when the content is gzip.
pub fn open(input: &InputFile) -> io::Result<Box<dyn BufRead + Send>> {
    let raw: Box<dyn Read + Send> = match &input.path {
        None => Box::new(io::stdin()),
        Some(p) => Box::new(File::open(p)?),
    };
    let mut reader = BufReader::with_capacity(BUF, raw);
    let head = reader.fill_buf()?;
    if head.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(BufReader::with_capacity(BUF, MultiGzDecoder::new(reader))))
    } else {
        Ok(Box::new(reader))
    }
}

/// Read up to `n` bytes from the start of `reader` for sniffing, and give back a reader that
/// still yields them.
pub fn peek(mut reader: Box<dyn BufRead + Send>, n: usize) -> io::Result<(Vec<u8>, Box<dyn BufRead + Send>)> {
    let mut head = Vec::with_capacity(n);
    (&mut reader).take(n as u64).read_to_end(&mut head)?;
    let chained = BufReader::with_capacity(BUF, io::Cursor::new(head.clone()).chain(reader));
    Ok((head, Box::new(chained)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn gzip_is_detected_by_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("papers.data");
        let mut gz = flate2::write::GzEncoder::new(File::create(&path).unwrap(), flate2::Compression::fast());
        gz.write_all(b"{\"title\": \"x\"}\n").unwrap();
        gz.finish().unwrap();
        let input = InputFile { name: "p".into(), path: Some(path) };
        let (head, mut rest) = peek(open(&input).unwrap(), 4).unwrap();
        assert_eq!(head, b"{\"ti");
        let mut all = String::new();
        rest.read_to_string(&mut all).unwrap();
        assert_eq!(all, "{\"title\": \"x\"}\n");
    }

    #[test]
    fn folders_expand_sorted_without_hidden_files() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.jsonl", "a.jsonl", ".hidden", "sub/c.bib"] {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        let files = expand_inputs(&[dir.path().display().to_string()]).unwrap();
        let names: Vec<String> = files.iter().map(|f| f.path.as_ref().unwrap().file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(names, vec!["a.jsonl", "b.jsonl", "c.bib"]);
        assert!(matches!(expand_inputs(&["/nonexistent/x".into()]), Err(IngestError::Io { .. })));
    }
}
