//! Small helpers shared by the format parsers: reading text input line by line
//! ([`LineReader`]), list and string odds and ends ([`push_unique`], [`non_empty`]), months,
//! years and dates ([`month_number`], [`first_year`], [`best_date`]), and filing DOIs, arXiv
//! ids and URLs into a [`Paper`] ([`first_doi`], [`set_doi`], [`set_arxiv`], [`add_link`]).
//!
//! The XML formats' streaming layer is in `xml_util`, the JSON formats' helpers in `json_util`.

use crate::ingest::ids::{arxiv_from_doi, normalize_doi, parse_arxiv};
use crate::model::{month_from_name, Paper, PartialDate};
use std::io::BufRead;

// ---------------------------------------------------------------------------------------------
// Reading lines

/// Reads an input line by line as bytes (so invalid UTF-8 can be reported per record), without
/// line terminators, a leading BOM stripped.
pub(super) struct LineReader<'a> {
    input: &'a mut dyn BufRead,
    buf: Vec<u8>,
    number: u64,
}

impl<'a> LineReader<'a> {
    pub(super) fn new(input: &'a mut dyn BufRead) -> Self {
        LineReader { input, buf: Vec::new(), number: 0 }
    }

    /// The next line and its 1-based number; `None` at the end of the input.
    pub(super) fn next_line(&mut self) -> Result<Option<(u64, &[u8])>, String> {
        self.buf.clear();
        let n = self.number + 1;
        match self.input.read_until(b'\n', &mut self.buf) {
            Ok(0) => return Ok(None),
            Ok(_) => {}
            Err(e) => return Err(format!("line {n}: {e}")),
        }
        self.number = n;
        if self.buf.last() == Some(&b'\n') {
            self.buf.pop();
        }
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        let line = if n == 1 { self.buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&self.buf) } else { &self.buf };
        Ok(Some((n, line)))
    }
}

// ---------------------------------------------------------------------------------------------
// Lists and strings

/// Append `item` unless it is empty or already in `list`.
pub(super) fn push_unique(list: &mut Vec<String>, item: &str) {
    if !item.is_empty() && !list.iter().any(|x| x == item) {
        list.push(item.to_string());
    }
}

/// `None` for an empty string.
pub(super) fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

// ---------------------------------------------------------------------------------------------
// Months, years and dates

/// Month number from `3`, `03`, `mar`, `Mar.`, `March`, `MAR`, `sept`; `None` otherwise.
/// Names are read by [`month_from_name`].
pub(super) fn month_number(s: &str) -> Option<u8> {
    if let Ok(n) = s.trim().trim_end_matches('.').parse::<u8>() {
        return (1..=12).contains(&n).then_some(n);
    }
    month_from_name(s)
}

/// The first run of exactly four digits, as a year (`2020`, `{2020}`, `2020a`, `1948/07//`).
pub(super) fn first_year(s: &str) -> Option<i32> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let run = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if run == 4 {
            return s[i..i + 4].parse().ok();
        }
        i += run.max(1);
    }
    None
}

/// The most precise valid date from a year and an optional month and day: the day when it
/// exists, else the month when it is 1..=12, else the year.
pub(super) fn best_date(year: i32, month: Option<u8>, day: Option<u8>) -> PartialDate {
    let date = match (month, day) {
        (Some(m), Some(d)) => PartialDate::day(year, m, d).or_else(|| PartialDate::month(year, m)),
        (Some(m), None) => PartialDate::month(year, m),
        _ => None,
    };
    date.unwrap_or(PartialDate::year(year))
}

// ---------------------------------------------------------------------------------------------
// Ids and links

/// The first DOI in a field that may list several, space separated (arXiv does).
pub(super) fn first_doi(s: &str) -> Option<String> {
    s.split_whitespace().find_map(normalize_doi)
}

/// Record a DOI (normalised); an arXiv DOI also gives the arXiv id, an ACL Anthology DOI the
/// ACL id. The first DOI seen wins.
pub(super) fn set_doi(p: &mut Paper, raw: &str) {
    let Some(doi) = normalize_doi(raw) else { return };
    if p.ids.arxiv.is_none() {
        p.ids.arxiv = arxiv_from_doi(&doi).map(|a| a.base);
    }
    if p.ids.acl.is_none() {
        p.ids.acl = doi.strip_prefix("10.18653/v1/").and_then(acl_id);
    }
    if p.ids.doi.is_none() {
        p.ids.doi = Some(doi);
    }
}

/// Record the arXiv id in `s` (an id or an arXiv URL), unless the paper already has one.
pub(super) fn set_arxiv(p: &mut Paper, s: &str) {
    if p.ids.arxiv.is_none() {
        p.ids.arxiv = parse_arxiv(s).map(|a| a.base);
    }
}

/// File a URL: arXiv abstract page -> `links.abs`, a PDF -> `links.pdf`, a code host ->
/// `links.code`, anything else -> `links.other`. arXiv, DOI and ACL Anthology URLs also give
/// the id. Only `http(s)` URLs are taken (not local files).
pub(super) fn add_link(p: &mut Paper, url: &str) {
    let url = url.trim().trim_end_matches([',', ';']);
    let lower = url.to_ascii_lowercase();
    let Some(rest) = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://")) else { return };
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.strip_prefix("www.").unwrap_or(host);
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let is_arxiv = host == "arxiv.org" || host == "export.arxiv.org";
    if is_arxiv {
        set_arxiv(p, url);
    }
    if host == "doi.org" || host == "dx.doi.org" {
        set_doi(p, url);
    }
    if (host == "aclanthology.org" || (host == "aclweb.org" && path.starts_with("anthology/"))) && p.ids.acl.is_none() {
        let last = url.split(['?', '#']).next().unwrap_or_default().trim_end_matches('/').rsplit('/').next();
        p.ids.acl = last.and_then(acl_id);
    }
    if path.ends_with(".pdf") || (is_arxiv && path.starts_with("pdf/")) {
        if p.links.pdf.is_none() {
            p.links.pdf = Some(url.to_string());
            return;
        }
    } else if is_arxiv && path.starts_with("abs/") {
        if p.links.abs.is_none() {
            p.links.abs = Some(url.to_string());
            return;
        }
    } else if is_code_host(host, path) {
        return push_unique(&mut p.links.code, url);
    }
    if p.links.pdf.as_deref() != Some(url) && p.links.abs.as_deref() != Some(url) {
        push_unique(&mut p.links.other, url);
    }
}

fn is_code_host(host: &str, path: &str) -> bool {
    match host {
        "github.com" | "gitlab.com" | "bitbucket.org" | "codeberg.org" => true,
        "huggingface.co" => !path.starts_with("papers"),
        _ => false,
    }
}

/// An ACL Anthology id (`2020.acl-main.1`, `P19-1001`), from a URL's last segment or a DOI suffix.
fn acl_id(s: &str) -> Option<String> {
    let s = s.strip_suffix(".pdf").or_else(|| s.strip_suffix(".bib")).unwrap_or(s);
    let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = s.split('.').collect();
    if let [year, venue, num] = parts.as_slice() {
        let venue_ok = !venue.is_empty() && venue.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if digits(year, 4) && venue_ok && !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()) {
            return Some(s.to_ascii_lowercase());
        }
    }
    match s.as_bytes() {
        [letter, y1, y2, b'-', n @ ..]
            if letter.is_ascii_alphabetic()
                && y1.is_ascii_digit()
                && y2.is_ascii_digit()
                && n.len() == 4
                && n.iter().all(u8::is_ascii_digit) =>
        {
            Some(s.to_ascii_uppercase())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_reader_strips_terminators_and_a_leading_bom() {
        let mut input = &b"\xEF\xBB\xBFone\r\ntwo\n\n\xEF\xBB\xBFthree"[..];
        let mut lines = LineReader::new(&mut input);
        let mut got = Vec::new();
        while let Some((n, line)) = lines.next_line().unwrap() {
            got.push((n, line.to_vec()));
        }
        let expected: Vec<(u64, Vec<u8>)> =
            vec![(1, b"one".to_vec()), (2, b"two".to_vec()), (3, Vec::new()), (4, b"\xEF\xBB\xBFthree".to_vec())];
        assert_eq!(got, expected, "only the first line's BOM is dropped");
    }

    #[test]
    fn push_unique_skips_empty_and_repeated_items() {
        let mut list = Vec::new();
        for item in ["a", "", "b", "a"] {
            push_unique(&mut list, item);
        }
        assert_eq!(list, ["a", "b"]);
        assert_eq!((non_empty(String::new()), non_empty("x".into())), (None, Some("x".to_string())));
    }

    #[test]
    fn months_years_and_dates() {
        assert_eq!(first_year("12345 and 1999b"), Some(1999));
        assert_eq!((month_number("MAR"), month_number("ma"), month_number("0")), (Some(3), None, None));
        assert_eq!((month_number(" 03 "), month_number("12."), month_number("13")), (Some(3), Some(12), None));
        assert_eq!((month_number("Sept."), month_number("janu")), (Some(9), Some(1)));
        assert_eq!(best_date(2019, Some(2), Some(30)), PartialDate::month(2019, 2).unwrap());
        assert_eq!(best_date(2019, Some(13), Some(1)), PartialDate::year(2019));
        assert_eq!(best_date(2019, None, Some(1)), PartialDate::year(2019));
        assert_eq!(Some(best_date(2019, Some(5), Some(12))), PartialDate::day(2019, 5, 12));
        assert_eq!(first_doi("junk 10.1000/ABC 10.1000/def").as_deref(), Some("10.1000/abc"));
    }

    #[test]
    fn links_and_ids_from_urls() {
        let mut p = Paper::default();
        for url in [
            "https://arxiv.org/abs/2401.01234v3",
            "https://gitlab.com/a/b",
            "https://huggingface.co/papers/2401.01234",
            "https://www.aclweb.org/anthology/P19-1001",
            "https://doi.org/10.1000/ABC",
            "file:///home/me/paper.pdf",
            "https://example.org/x.pdf",
        ] {
            add_link(&mut p, url);
        }
        assert_eq!(p.ids.arxiv.as_deref(), Some("2401.01234"));
        assert_eq!(p.links.abs.as_deref(), Some("https://arxiv.org/abs/2401.01234v3"));
        assert_eq!(p.links.code, ["https://gitlab.com/a/b"]);
        assert_eq!(p.ids.acl.as_deref(), Some("P19-1001"));
        assert_eq!(p.ids.doi.as_deref(), Some("10.1000/abc"));
        assert_eq!(p.links.pdf.as_deref(), Some("https://example.org/x.pdf"));
        assert_eq!(
            p.links.other,
            ["https://huggingface.co/papers/2401.01234", "https://www.aclweb.org/anthology/P19-1001", "https://doi.org/10.1000/ABC"]
        );
        assert_eq!(acl_id("2020.acl-main.1"), Some("2020.acl-main.1".into()));
        assert_eq!(acl_id("p19-1001.pdf"), Some("P19-1001".into()));
        assert_eq!((acl_id("events"), acl_id("2020.acl"), acl_id("é19-1001")), (None, None, None));
    }
}
