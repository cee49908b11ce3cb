//! Identifier parsing: arXiv ids (new and old style, prefixes, URLs, versions) and DOIs.

/// An arXiv identifier split into its base and optional version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArxivId {
    /// `2506.01234` or `hep-th/9711200` (old style keeps its archive, subject class dropped).
    pub base: String,
    pub version: Option<u32>,
}

impl ArxivId {
    /// The submission month a new-style id encodes (`2506.01234` -> 2025-06).
    pub fn month(&self) -> Option<(i32, u8)> {
        let b = self.base.as_bytes();
        if b.len() >= 9 && b[4] == b'.' && b[..4].iter().all(u8::is_ascii_digit) {
            let yy: i32 = self.base[..2].parse().ok()?;
            let mm: u8 = self.base[2..4].parse().ok()?;
            return (1..=12).contains(&mm).then_some((2000 + yy, mm));
        }
        // Old style: archive/YYMMNNN
        let (_, num) = self.base.split_once('/')?;
        let yy: i32 = num.get(..2)?.parse().ok()?;
        let mm: u8 = num.get(2..4)?.parse().ok()?;
        let year = if yy >= 91 { 1900 + yy } else { 2000 + yy };
        (1..=12).contains(&mm).then_some((year, mm))
    }
}

/// Parse an arXiv id in any of the forms people write it: `2506.01234`, `2506.01234v2`,
/// `arXiv:2506.01234`, `https://arxiv.org/abs/2506.01234v1`, `.../pdf/2506.01234.pdf`,
/// `hep-th/9711200`, `math.AG/0309136`, `10.48550/arXiv.2506.01234`, `oai:arXiv.org:2506.01234`.
pub fn parse_arxiv(s: &str) -> Option<ArxivId> {
    let mut s = s.trim();
    for prefix in ["https://", "http://"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest;
        }
    }
    for host in ["export.arxiv.org/", "www.arxiv.org/", "arxiv.org/"] {
        if let Some(rest) = s.strip_prefix(host) {
            s = rest;
            for kind in ["abs/", "pdf/", "html/", "format/"] {
                if let Some(rest) = s.strip_prefix(kind) {
                    s = rest;
                    break;
                }
            }
        }
    }
    let lower_prefixes = ["10.48550/arxiv.", "oai:arxiv.org:", "arxiv:", "arxiv."];
    for p in lower_prefixes {
        if s.len() >= p.len() && s[..p.len()].eq_ignore_ascii_case(p) {
            s = &s[p.len()..];
            break;
        }
    }
    let s = s.strip_suffix(".pdf").unwrap_or(s);
    let s = s.trim_end_matches('/');
    let (body, version) = split_version(s);
    if is_new_style(body) {
        return Some(ArxivId { base: body.to_string(), version });
    }
    // Old style: archive(.SUBJ)?/YYMMNNN
    let (archive, num) = body.split_once('/')?;
    if num.len() == 7 && num.bytes().all(|b| b.is_ascii_digit()) {
        let arch = archive.split('.').next()?;
        if !arch.is_empty() && arch.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
            return Some(ArxivId { base: format!("{arch}/{num}"), version });
        }
    }
    None
}

fn split_version(s: &str) -> (&str, Option<u32>) {
    if let Some(pos) = s.rfind('v') {
        let digits = &s[pos + 1..];
        if !digits.is_empty() && digits.len() <= 3 && digits.bytes().all(|b| b.is_ascii_digit()) && pos > 0 {
            return (&s[..pos], digits.parse().ok());
        }
    }
    (s, None)
}

fn is_new_style(s: &str) -> bool {
    let b = s.as_bytes();
    (b.len() == 9 || b.len() == 10)
        && b[4] == b'.'
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[5..].iter().all(u8::is_ascii_digit)
        && (1..=12).contains(&((b[2] - b'0') * 10 + (b[3] - b'0')))
        // 4-digit numbers before 2015 (yymm < 1501), 5 digits from 1501 on
        && (b.len() == 10) == (&s[..4] >= "1501")
}

/// Normalise a DOI: strip `doi:` and resolver URLs, lowercase (DOIs are case-insensitive).
/// Returns `None` when the string is not a DOI (`10.` prefix, a slash, a suffix).
pub fn normalize_doi(s: &str) -> Option<String> {
    let mut s = s.trim();
    for p in ["https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi.org/", "doi:", "DOI:", "DOI "] {
        if s.len() >= p.len() && s[..p.len()].eq_ignore_ascii_case(p) {
            s = s[p.len()..].trim();
        }
    }
    let (prefix, suffix) = s.split_once('/')?;
    if !prefix.starts_with("10.") || prefix.len() < 4 || suffix.is_empty() || s.contains(char::is_whitespace) {
        return None;
    }
    Some(s.to_lowercase())
}

/// The arXiv id an arXiv DOI (`10.48550/arXiv.2506.01234`) stands for.
pub fn arxiv_from_doi(doi: &str) -> Option<ArxivId> {
    let d = doi.to_ascii_lowercase();
    d.strip_prefix("10.48550/arxiv.").and_then(parse_arxiv)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(s: &str) -> Option<(String, Option<u32>)> {
        parse_arxiv(s).map(|a| (a.base, a.version))
    }

    #[test]
    fn arxiv_forms() {
        assert_eq!(base("2506.01234"), Some(("2506.01234".into(), None)));
        assert_eq!(base("2506.01234v3"), Some(("2506.01234".into(), Some(3))));
        assert_eq!(base("arXiv:1911.12281v1"), Some(("1911.12281".into(), Some(1))));
        assert_eq!(base("http://arxiv.org/abs/1911.12281v1"), Some(("1911.12281".into(), Some(1))));
        assert_eq!(base("https://arxiv.org/pdf/2505.23969.pdf"), Some(("2505.23969".into(), None)));
        assert_eq!(base("0704.0001"), Some(("0704.0001".into(), None)));
        assert_eq!(base("hep-th/9711200v2"), Some(("hep-th/9711200".into(), Some(2))));
        assert_eq!(base("math.AG/0309136"), Some(("math/0309136".into(), None)));
        assert_eq!(base("oai:arXiv.org:1304.4214"), Some(("1304.4214".into(), None)));
        assert_eq!(base("10.48550/arXiv.2506.01234"), Some(("2506.01234".into(), None)));
        assert_eq!(base("2506.1234"), None, "5 digits after 2015");
        assert_eq!(base("1401.12345"), None, "4 digits before 2015");
        assert_eq!(base("2513.01234"), None, "month 13");
        assert_eq!(base("seed-001"), None);
    }

    #[test]
    fn arxiv_months() {
        assert_eq!(parse_arxiv("2506.01234").unwrap().month(), Some((2025, 6)));
        assert_eq!(parse_arxiv("hep-th/9711200").unwrap().month(), Some((1997, 11)));
        assert_eq!(parse_arxiv("0704.0001").unwrap().month(), Some((2007, 4)));
    }

    #[test]
    fn dois() {
        assert_eq!(normalize_doi("https://doi.org/10.18653/V1/2020.ACL-main.1").as_deref(), Some("10.18653/v1/2020.acl-main.1"));
        assert_eq!(normalize_doi("doi:10.1000/XYZ").as_deref(), Some("10.1000/xyz"));
        assert_eq!(normalize_doi("not a doi"), None);
        assert_eq!(arxiv_from_doi("10.48550/ARXIV.2506.01234").unwrap().base, "2506.01234");
    }
}
