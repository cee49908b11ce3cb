//! The canonical paper: the one record type every stage after ingestion reads.
//!
//! A [`Paper`] is what `topicgraph papers` writes, one JSON object per line. Parsers fill the
//! raw fields; [`crate::ingest::clean::finalize`] cleans the text, derives the id and the
//! implied ids and dates. Empty fields are left out of the JSON to keep lines short.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One paper, after ingestion and cleaning.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Paper {
    /// The input's own id when it has one, else derived (see `ingest::clean::derive_id`).
    pub id: String,
    #[serde(default, skip_serializing_if = "Ids::is_empty")]
    pub ids: Ids,
    #[serde(default)]
    pub title: String,
    #[serde(rename = "abstract", default)]
    pub abstract_text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<Author>,
    /// Publication date as the source states it (arXiv: first version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<PartialDate>,
    /// Date of the latest version or metadata update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<PartialDate>,
    /// Date the paper was listed (HF daily papers, a crawler's first sighting).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed: Option<PartialDate>,
    /// Submission month implied by a new-style arXiv id, when no source gave a date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_date: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// Author or indexer keywords given by the source (not extracted ones).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Links::is_empty")]
    pub links: Links,
    /// TeX math in the cleaned text, as half-open code-point offsets.
    #[serde(default, skip_serializing_if = "MathSpans::is_empty")]
    pub math_spans: MathSpans,
    /// The text as the source gave it, only for fields where cleaning changed it.
    #[serde(default, skip_serializing_if = "Original::is_empty")]
    pub original: Original,
    /// Which source records produced this paper, and what each contributed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Provenance>,
}

impl Paper {
    /// The best date to place the paper in time: published, else the arXiv id's month,
    /// else the listing date, else updated.
    pub fn date(&self) -> Option<PartialDate> {
        self.published.or(self.id_date).or(self.listed).or(self.updated)
    }
}

/// Every known identifier of a paper. Deduplication keys on these.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ids {
    /// arXiv base id without version: `2506.01234`, `hep-th/9711200`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arxiv: Option<String>,
    /// Versions seen, sorted: `[1, 2]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arxiv_versions: Vec<u32>,
    /// Lowercase DOI without `https://doi.org/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    /// OpenAlex work id, `W2741809807`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub openalex: Option<String>,
    /// Semantic Scholar paper id (40 hex digits) or corpus id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s2: Option<String>,
    /// ACL Anthology id, `2020.acl-main.1`, `P19-1001`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acl: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pmid: Option<String>,
    /// Ids from the input that fit none of the above (`seed-001`, a WoS accession number).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other: Vec<String>,
}

impl Ids {
    pub fn is_empty(&self) -> bool {
        *self == Ids::default()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Author {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affiliations: Vec<String>,
}

impl Author {
    pub fn new(name: impl Into<String>) -> Self {
        Author { name: name.into(), affiliations: Vec::new() }
    }
}

/// Authors are written as objects; reading also accepts plain name strings. A visitor
/// rather than an untagged enum: serde buffers an untagged value before trying each shape,
/// which made authors the slowest part of decoding a paper.
impl<'de> Deserialize<'de> for Author {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{Error, IgnoredAny, MapAccess, Visitor};
        #[derive(Deserialize)]
        #[serde(field_identifier, rename_all = "lowercase")]
        enum Field {
            Name,
            Affiliations,
            #[serde(other)]
            Other,
        }
        struct AuthorVisitor;
        impl<'de> Visitor<'de> for AuthorVisitor {
            type Value = Author;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an author: a name, or an object with a name and affiliations")
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<Author, E> {
                Ok(Author::new(v))
            }
            fn visit_string<E: Error>(self, v: String) -> Result<Author, E> {
                Ok(Author::new(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Author, A::Error> {
                let (mut name, mut affiliations) = (None, Vec::new());
                while let Some(key) = map.next_key::<Field>()? {
                    match key {
                        Field::Name => name = Some(map.next_value::<String>()?),
                        Field::Affiliations => affiliations = map.next_value()?,
                        Field::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                let name = name.ok_or_else(|| A::Error::missing_field("name"))?;
                Ok(Author { name, affiliations })
            }
        }
        d.deserialize_any(AuthorVisitor)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Links {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abs: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pdf: Option<String>,
    /// Code repositories (GitHub, GitLab, Hugging Face) found in the record or its text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code: Vec<String>,
    /// Project pages and other URLs found in the text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other: Vec<String>,
}

impl Links {
    pub fn is_empty(&self) -> bool {
        *self == Links::default()
    }
}

/// Math spans per field, as `[start, end)` code-point offsets into the cleaned text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MathSpans {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub title: Vec<[usize; 2]>,
    #[serde(rename = "abstract", default, skip_serializing_if = "Vec::is_empty")]
    pub abstract_text: Vec<[usize; 2]>,
}

impl MathSpans {
    pub fn is_empty(&self) -> bool {
        self.title.is_empty() && self.abstract_text.is_empty()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Original {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(rename = "abstract", default, skip_serializing_if = "Option::is_none")]
    pub abstract_text: Option<String>,
}

impl Original {
    pub fn is_empty(&self) -> bool {
        self.title.is_none() && self.abstract_text.is_none()
    }
}

/// One source record that contributed to a paper.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// The input format (`arxiv-atom`, `openalex`, ...).
    pub format: String,
    /// The file it came from (`-` for stdin).
    pub file: String,
    /// Where in the file: `line 12`, `record 3`.
    pub record: String,
    /// The arXiv version the text of this record belongs to, when the source says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    /// Fields of the merged paper that came from this source.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contributed: Vec<String>,
}

/// A calendar date that keeps its precision: a year, a month or a day. No invented days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

/// How precise a [`PartialDate`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DatePrecision {
    Year,
    Month,
    Day,
}

impl PartialDate {
    pub fn year(year: i32) -> Self {
        PartialDate { year, month: None, day: None }
    }
    pub fn month(year: i32, month: u8) -> Option<Self> {
        (1..=12).contains(&month).then_some(PartialDate { year, month: Some(month), day: None })
    }
    pub fn day(year: i32, month: u8, day: u8) -> Option<Self> {
        let d = PartialDate { year, month: Some(month), day: Some(day) };
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)).then_some(d)
    }
    pub fn precision(&self) -> DatePrecision {
        match (self.month, self.day) {
            (Some(_), Some(_)) => DatePrecision::Day,
            (Some(_), None) => DatePrecision::Month,
            _ => DatePrecision::Year,
        }
    }

    /// Parse the leading date of a timestamp: `2025`, `2025-06`, `2025-06-14`,
    /// `2025-06-14T10:00:00Z`, `2025/06/14`. Anything after the day is ignored.
    pub fn parse_prefix(s: &str) -> Option<Self> {
        let s = s.trim();
        let b = s.as_bytes();
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = b.get(r)?;
            if part.iter().all(u8::is_ascii_digit) {
                std::str::from_utf8(part).ok()?.parse().ok()
            } else {
                None
            }
        };
        let year = num(0..4)? as i32;
        if b.len() == 4 {
            return Some(PartialDate::year(year));
        }
        if !matches!(b.get(4), Some(b'-') | Some(b'/')) {
            return None;
        }
        let month = num(5..7)? as u8;
        if b.len() == 7 {
            return PartialDate::month(year, month);
        }
        if b.get(7) != b.get(4) {
            return None;
        }
        let day = num(8..10)? as u8;
        if b.len() > 10 && !matches!(b[10], b'T' | b' ' | b't') {
            return None;
        }
        PartialDate::day(year, month, day)
    }

    /// Parse the day of an RFC 2822 timestamp, as arXiv writes version dates:
    /// `Mon, 2 Apr 2007 19:18:42 GMT` -> 2007-04-02. The weekday is optional; when given it
    /// is a word of its own ending in `,`. The year must be four characters (`07` is refused).
    /// The time and zone are ignored.
    pub fn parse_rfc2822(s: &str) -> Option<Self> {
        let mut words = s.split_whitespace();
        let mut day = words.next()?;
        if day.ends_with(',') {
            day = words.next()?;
        }
        let day: u8 = day.parse().ok()?;
        let month = month_from_name(words.next()?)?;
        let year = words.next()?;
        if year.len() != 4 {
            return None;
        }
        PartialDate::day(year.parse().ok()?, month, day)
    }

    /// The first day this date can mean, for sorting and range filters.
    pub fn first_day(&self) -> (i32, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }
}

/// Month number from an English month name: any prefix of three letters or more, in any
/// case, with trailing dots allowed: `Apr`, `April`, `MAR`, `janu`, `Sept`, `sept.` -> 4, 4,
/// 3, 1, 9, 9. `None` for shorter words (`ma`) and words that are no month's prefix
/// (`Julyish`, `Monday`).
pub fn month_from_name(s: &str) -> Option<u8> {
    const NAMES: [&str; 12] =
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
    let lower = s.trim().trim_end_matches('.').to_ascii_lowercase();
    if lower.len() < 3 {
        return None;
    }
    NAMES.iter().position(|name| name.starts_with(&lower)).and_then(|i| u8::try_from(i + 1).ok())
}

pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
pub fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The calendar date of a day number (the inverse of [`days_from_civil`]).
pub fn date_of_day(z: i64) -> PartialDate {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    PartialDate { year, month: Some(month), day: Some(day) }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

impl FromStr for PartialDate {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let d = PartialDate::parse_prefix(s).ok_or_else(|| format!("not a date: {s:?} (expected YYYY, YYYY-MM or YYYY-MM-DD)"))?;
        if d.to_string().len() != s.trim().len() {
            return Err(format!("not a date: {s:?} (expected YYYY, YYYY-MM or YYYY-MM-DD)"));
        }
        Ok(d)
    }
}

impl Serialize for PartialDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PartialDate::parse_prefix(&s).ok_or_else(|| serde::de::Error::custom(format!("not a date: {s:?}")))
    }
}

/// Append `value` to `out` as one line of compact JSON, newline included: how papers and
/// tags are written. sonic-rs escapes strings with SIMD, several times faster than
/// serde_json's byte loop over long abstracts; the bytes are serde_json's own (a test holds
/// the two equal, floats included).
pub fn push_json_line<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> std::io::Result<()> {
    sonic_rs::to_writer(&mut *out, value).map_err(std::io::Error::other)?;
    out.push(b'\n');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_are_the_bytes_serde_json_writes() {
        let tricky = "quote \" backslash \\ tab\t nl\n cr\r \u{1} \u{8} \u{c} \u{1f} del\u{7f} ls\u{2028} é 漢字 😀 </script>";
        let mut p = Paper { id: "2501.00001".into(), title: tricky.into(), abstract_text: tricky.repeat(40), ..Default::default() };
        p.keywords = vec![String::new(), tricky.into()];
        p.published = PartialDate::parse_prefix("2025-01");
        let floats = [0.0, -0.0, 1.0, 0.5, 0.9824, 1e-7, 0.1 + 0.2, 123456789.0, 1e21, 1e-300, f64::MAX, f64::MIN_POSITIVE, 2.0f64.powi(53)];
        let values = [serde_json::to_value(&p).unwrap(), serde_json::json!({"scores": floats, "n": [0u64, u64::MAX], "i": i64::MIN, "none": null, "t": true})];
        for v in &values {
            let mut line = Vec::new();
            push_json_line(&mut line, v).unwrap();
            let mut expected = serde_json::to_vec(v).unwrap();
            expected.push(b'\n');
            assert_eq!(String::from_utf8(line).unwrap(), String::from_utf8(expected).unwrap());
        }
        let mut line = Vec::new();
        push_json_line(&mut line, &p).unwrap();
        assert_eq!(line, [serde_json::to_vec(&p).unwrap(), b"\n".to_vec()].concat());
    }

    #[test]
    fn authors_read_as_names_or_objects() {
        let authors: Vec<Author> = serde_json::from_str(r#"["Ada Lovelace", {"name": "Alan Turing", "affiliations": ["Manchester"], "orcid": "x"}, {"name": "Grace Hopper"}]"#).unwrap();
        assert_eq!(authors[0], Author::new("Ada Lovelace"));
        assert_eq!(authors[1], Author { name: "Alan Turing".into(), affiliations: vec!["Manchester".into()] });
        assert_eq!(authors[2], Author::new("Grace Hopper"));
        let err = serde_json::from_str::<Author>(r#"{"affiliations": []}"#).unwrap_err().to_string();
        assert!(err.contains("missing field `name`"), "{err}");
        assert!(serde_json::from_str::<Author>("3").is_err());
        // The merger's spill format reads back what it wrote.
        let bytes = rmp_serde::to_vec_named(&authors).unwrap();
        assert_eq!(rmp_serde::from_slice::<Vec<Author>>(&bytes).unwrap(), authors);
    }

    #[test]
    fn dates_keep_precision() {
        assert_eq!(PartialDate::parse_prefix("2025").unwrap().to_string(), "2025");
        assert_eq!(PartialDate::parse_prefix("2025-06").unwrap().to_string(), "2025-06");
        assert_eq!(PartialDate::parse_prefix("2025-06-14T10:00:00.000Z").unwrap().to_string(), "2025-06-14");
        assert_eq!(PartialDate::parse_prefix("2024/02/29").unwrap().to_string(), "2024-02-29");
        assert!(PartialDate::parse_prefix("2023-02-29").is_none());
        assert!(PartialDate::parse_prefix("2025-13").is_none());
        assert!(PartialDate::parse_prefix("June 2025").is_none());
        assert!("2025-06-14x".parse::<PartialDate>().is_err());
    }

    #[test]
    fn rfc2822_and_month_names() {
        assert_eq!(PartialDate::parse_rfc2822("Mon, 2 Apr 2007 19:18:42 GMT").unwrap().to_string(), "2007-04-02");
        assert_eq!(PartialDate::parse_rfc2822("2 Apr 2007").unwrap().to_string(), "2007-04-02");
        assert!(PartialDate::parse_rfc2822("Mon, 31 Apr 2007").is_none());
        assert_eq!(month_from_name("July"), Some(7));
        assert_eq!(month_from_name("Sept."), Some(9));
        assert_eq!(month_from_name("Julyish"), None);
    }

    /// The version dates of arXiv OAI-PMH (arXivRaw) and the Kaggle snapshot.
    #[test]
    fn oai_version_dates_and_month_names() {
        assert_eq!(PartialDate::parse_rfc2822("Mon, 2 Apr 2007 19:18:42 GMT"), PartialDate::day(2007, 4, 2));
        assert_eq!(PartialDate::parse_rfc2822("Mon, 07 Oct 2024 10:45:05 GMT"), PartialDate::day(2024, 10, 7));
        assert_eq!(PartialDate::parse_rfc2822("2 Apr 2007"), PartialDate::day(2007, 4, 2));
        assert_eq!(PartialDate::parse_rfc2822("Mon, 31 Apr 2007 00:00:00 GMT"), None);
        assert_eq!(PartialDate::parse_rfc2822("2007-04-02"), None);
        assert_eq!(month_from_name("Sept."), Some(9));
        assert_eq!(month_from_name("july"), Some(7));
        assert_eq!(month_from_name("Ma"), None);
        assert_eq!(month_from_name("Monday"), None);
    }

    #[test]
    fn rfc2822_is_strict() {
        assert_eq!(PartialDate::parse_rfc2822("Mon, 2 Apr 07 19:18:42 GMT"), None, "two-digit year");
        assert_eq!(PartialDate::parse_rfc2822("2 Apr 20070"), None, "five-digit year");
        assert_eq!(PartialDate::parse_rfc2822("Mon 2 Apr 2007"), None, "a weekday ends with a comma");
        assert_eq!(PartialDate::parse_rfc2822("Mon,2 Apr 2007"), None, "the weekday is a word of its own");
        assert_eq!(PartialDate::parse_rfc2822("  Tue,  3 April 2007 "), PartialDate::day(2007, 4, 3));
        assert_eq!(PartialDate::parse_rfc2822("Tue, 3 Sept. 2007"), PartialDate::day(2007, 9, 3));
        assert_eq!(PartialDate::parse_rfc2822(""), None);
    }

    #[test]
    fn month_names_are_prefixes_of_three_letters_or_more() {
        for (word, month) in [("Apr", 4), ("April", 4), ("sept.", 9), ("Sept", 9), ("MAR", 3), ("janu", 1), ("May", 5), ("dec.", 12)] {
            assert_eq!(month_from_name(word), Some(month), "{word}");
        }
        for word in ["ma", "Julyish", "", "...", "Sep t", "junio"] {
            assert_eq!(month_from_name(word), None, "{word}");
        }
    }

    #[test]
    fn authors_read_strings_or_objects() {
        let a: Vec<Author> = serde_json::from_str(r#"["Ada", {"name": "Bo", "affiliations": ["X"]}]"#).unwrap();
        assert_eq!(a[0], Author::new("Ada"));
        assert_eq!(a[1].affiliations, vec!["X".to_string()]);
    }
}
