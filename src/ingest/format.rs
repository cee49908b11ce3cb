//! The closed set of input formats, how each is recognised, and which parser reads it.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// Every source topicgraph reads. `Auto` detects from the extension, then the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InputFormat {
    Auto,
    /// Our own canonical JSON Lines (`id, title, abstract, ...`), also `seed-papers.jsonl`.
    Canonical,
    /// A Hugging Face daily-papers page saved as text.
    HfListing,
    /// The Hugging Face `daily_papers` API JSON.
    HfApi,
    /// The arXiv API Atom feed.
    ArxivAtom,
    /// arXiv OAI-PMH, metadataPrefix `arXiv` or `arXivRaw`.
    OaiPmh,
    /// The Kaggle/Cornell arXiv metadata snapshot (JSON Lines).
    Kaggle,
    /// The "daily arXiv" crawler JSON Lines (`id, pdf, abs, authors, title, summary, ...`).
    Crawler,
    /// OpenAlex works: a single work, a results page, or JSON Lines of works.
    OpenAlex,
    /// Semantic Scholar Graph API papers: single, batch (with nulls), or search page.
    S2,
    BibTex,
    Ris,
    /// Web of Science tagged plain-text export.
    Wos,
    /// ACL Anthology XML (collection / volume / paper).
    AclXml,
}

/// How a format's records are laid out, which decides how the reader parallelises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One record per line: lines are parsed in parallel.
    Lines,
    /// A whole document: parsed sequentially, cleaning still runs in parallel.
    Document,
}

pub const ALL_FORMATS: &[InputFormat] = &[
    InputFormat::Canonical,
    InputFormat::HfListing,
    InputFormat::HfApi,
    InputFormat::ArxivAtom,
    InputFormat::OaiPmh,
    InputFormat::Kaggle,
    InputFormat::Crawler,
    InputFormat::OpenAlex,
    InputFormat::S2,
    InputFormat::BibTex,
    InputFormat::Ris,
    InputFormat::Wos,
    InputFormat::AclXml,
];

impl InputFormat {
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Auto => "auto",
            InputFormat::Canonical => "canonical",
            InputFormat::HfListing => "hf-listing",
            InputFormat::HfApi => "hf-api",
            InputFormat::ArxivAtom => "arxiv-atom",
            InputFormat::OaiPmh => "oai-pmh",
            InputFormat::Kaggle => "kaggle",
            InputFormat::Crawler => "crawler",
            InputFormat::OpenAlex => "openalex",
            InputFormat::S2 => "s2",
            InputFormat::BibTex => "bibtex",
            InputFormat::Ris => "ris",
            InputFormat::Wos => "wos",
            InputFormat::AclXml => "acl-xml",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            InputFormat::Auto => "detect from extension and content",
            InputFormat::Canonical => "topicgraph JSON Lines (id, title, abstract, ...)",
            InputFormat::HfListing => "Hugging Face daily-papers page saved as text",
            InputFormat::HfApi => "Hugging Face daily_papers API JSON",
            InputFormat::ArxivAtom => "arXiv API Atom feed",
            InputFormat::OaiPmh => "arXiv OAI-PMH (arXiv / arXivRaw)",
            InputFormat::Kaggle => "Kaggle arXiv metadata snapshot JSON Lines",
            InputFormat::Crawler => "daily-arXiv crawler JSON Lines",
            InputFormat::OpenAlex => "OpenAlex work / results page / JSON Lines",
            InputFormat::S2 => "Semantic Scholar Graph API paper JSON",
            InputFormat::BibTex => "BibTeX with abstract fields",
            InputFormat::Ris => "RIS export",
            InputFormat::Wos => "Web of Science tagged export",
            InputFormat::AclXml => "ACL Anthology XML",
        }
    }

    pub fn layout(self) -> Layout {
        match self {
            InputFormat::Canonical | InputFormat::Kaggle | InputFormat::Crawler => Layout::Lines,
            _ => Layout::Document,
        }
    }

    /// Source rank for merging: a lower rank wins title, abstract and other single fields
    /// when arXiv versions do not decide. Fixed, so input order never matters.
    pub fn rank(self) -> u8 {
        match self {
            InputFormat::OaiPmh => 0,
            InputFormat::ArxivAtom => 1,
            InputFormat::Kaggle => 2,
            InputFormat::Crawler => 3,
            InputFormat::S2 => 4,
            InputFormat::OpenAlex => 5,
            InputFormat::AclXml => 6,
            InputFormat::HfApi => 7,
            InputFormat::BibTex => 8,
            InputFormat::Ris => 9,
            InputFormat::Wos => 10,
            InputFormat::Canonical => 11,
            InputFormat::HfListing => 12,
            InputFormat::Auto => 255,
        }
    }

    /// The format an extension implies, when it implies one (`.bib`, `.ris`); `None` for
    /// extensions shared by several formats (`.json`, `.xml`, `.txt`), which need sniffing.
    pub fn from_extension(path: &Path) -> Option<InputFormat> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        let ext = name.rsplit_once('.')?.1;
        match ext {
            "bib" | "bibtex" => Some(InputFormat::BibTex),
            "ris" => Some(InputFormat::Ris),
            "ciw" => Some(InputFormat::Wos),
            _ => None,
        }
    }

    /// Detect the format from the first bytes of a (decompressed) input.
    pub fn sniff(head: &[u8]) -> Option<InputFormat> {
        let text = String::from_utf8_lossy(head);
        let text = text.trim_start_matches('\u{feff}').trim_start();
        if text.starts_with('<') {
            let probe = prefix(text, 4096);
            if probe.contains("<OAI-PMH") {
                return Some(InputFormat::OaiPmh);
            }
            if probe.contains("<feed") {
                return Some(InputFormat::ArxivAtom);
            }
            if probe.contains("<collection") || probe.contains("<volume") {
                return Some(InputFormat::AclXml);
            }
            return None;
        }
        if text.starts_with('{') || text.starts_with('[') {
            return Some(sniff_json(text));
        }
        if text.starts_with('@') {
            return Some(InputFormat::BibTex);
        }
        let first_line = text.lines().next().unwrap_or("");
        if first_line.starts_with("FN ") || first_line.starts_with("PT ") {
            return Some(InputFormat::Wos);
        }
        if text.lines().take(20).any(|l| is_ris_tag_line(l) && l.starts_with("TY  -")) {
            return Some(InputFormat::Ris);
        }
        if text.lines().take(40).any(is_listing_date_header) {
            return Some(InputFormat::HfListing);
        }
        None
    }
}

/// A daily-papers date header: "Mar 14", "March 14".
pub fn is_listing_date_header(line: &str) -> bool {
    let mut parts = line.trim().split(' ');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(d), None) => {
            crate::model::month_from_name(m).is_some() && !d.is_empty() && d.len() <= 2 && d.bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    }
}

/// At most `max` bytes of `s`, cut at a character boundary.
fn prefix(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn is_ris_tag_line(line: &str) -> bool {
    let line = line.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ');
    let b = line.as_bytes();
    b.len() >= 5 && b[0].is_ascii_uppercase() && b[1].is_ascii_alphanumeric() && &b[2..5] == b"  -"
}

/// JSON flavours are told apart by the keys of the first record.
fn sniff_json(text: &str) -> InputFormat {
    let probe = prefix(text, 16 * 1024);
    let has = |k: &str| probe.contains(k);
    if has("\"submittedOnDailyAt\"") || (has("\"paper\"") && has("\"upvotes\"")) {
        InputFormat::HfApi
    } else if has("\"abstract_inverted_index\"") || has("\"https://openalex.org/") {
        InputFormat::OpenAlex
    } else if has("\"paperId\"") || has("\"externalIds\"") {
        InputFormat::S2
    } else if has("\"submitter\"") && has("\"versions\"") {
        InputFormat::Kaggle
    } else if has("\"first_seen\"") || (has("\"summary\"") && has("\"abs\"") && has("\"pdf\"")) {
        InputFormat::Crawler
    } else {
        InputFormat::Canonical
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for InputFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.to_ascii_lowercase();
        std::iter::once(InputFormat::Auto)
            .chain(ALL_FORMATS.iter().copied())
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = ALL_FORMATS.iter().map(|f| f.name()).collect();
                format!("unknown format {s:?}; expected auto or one of: {}", names.join(", "))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in ALL_FORMATS {
            assert_eq!(f.name().parse::<InputFormat>().unwrap(), *f);
        }
        assert!("nope".parse::<InputFormat>().unwrap_err().contains("bibtex"));
    }

    #[test]
    fn sniffs_by_content() {
        assert_eq!(InputFormat::sniff(b"\xef\xbb\xbf<?xml version='1.0'?>\n<OAI-PMH>"), Some(InputFormat::OaiPmh));
        assert_eq!(InputFormat::sniff(b"<?xml?><feed xmlns="), Some(InputFormat::ArxivAtom));
        assert_eq!(InputFormat::sniff(b"<collection id=\"2020.acl\">"), Some(InputFormat::AclXml));
        assert_eq!(InputFormat::sniff(b"@article{x,"), Some(InputFormat::BibTex));
        assert_eq!(InputFormat::sniff(b"FN Clarivate\nVR 1.0"), Some(InputFormat::Wos));
        assert_eq!(InputFormat::sniff(b"1.\nTY  - JOUR\nAU  - X"), Some(InputFormat::Ris));
        assert_eq!(InputFormat::sniff(b"[{\"paper\": {\"id\": \"1\"}, \"submittedOnDailyAt\": \"\"}]"), Some(InputFormat::HfApi));
        assert_eq!(InputFormat::sniff(b"{\"id\": \"seed-001\", \"title\": \"t\"}"), Some(InputFormat::Canonical));
        assert_eq!(InputFormat::sniff(b"{\"id\": \"2505.1\", \"pdf\": \"\", \"abs\": \"\", \"summary\": \"\"}"), Some(InputFormat::Crawler));
        assert_eq!(InputFormat::sniff(b"Mar 14\n\nA title\n\nAn abstract."), Some(InputFormat::HfListing));
        assert_eq!(InputFormat::sniff(b"new\nSubscribe\n\nMarch 3\n\nA title\n\nAn abstract."), Some(InputFormat::HfListing));
        assert_eq!(InputFormat::sniff(b"# Notes\n\nSome markdown."), None);
        let mut xml = b"<collection>".to_vec();
        xml.extend("é".repeat(3000).bytes());
        assert_eq!(InputFormat::sniff(&xml), Some(InputFormat::AclXml), "probe cut inside a character");
    }

    #[test]
    fn extension_decides_only_when_unambiguous() {
        assert_eq!(InputFormat::from_extension(Path::new("a/refs.bib.gz")), Some(InputFormat::BibTex));
        assert_eq!(InputFormat::from_extension(Path::new("x.RIS")), Some(InputFormat::Ris));
        assert_eq!(InputFormat::from_extension(Path::new("x.json")), None);
    }
}
