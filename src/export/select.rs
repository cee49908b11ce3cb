//! Which papers an export covers: a date range and arXiv categories. Entry point:
//! [`Selection::apply`].
//!
//! Dates are compared as intervals, at the precision each side has: a paper dated `2025-06`
//! is inside `--since 2025-06-15` (part of its month is) and inside `--until 2025-06-01`.

use super::GraphExportError;
use crate::build::in_categories;
use crate::graph::PaperRecord;

/// A calendar date at the precision it was given (`2025`, `2025-06`, `2025-06-14`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PartialDate {
    pub year: u16,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl PartialDate {
    /// Parse `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a longer timestamp is cut to its date).
    pub fn parse(s: &str) -> Option<PartialDate> {
        let s = s.trim();
        let s = s.split('T').next().unwrap_or(s);
        let mut parts = s.splitn(3, '-');
        let year = parts.next().filter(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))?.parse().ok()?;
        let number = |p: Option<&str>, max: u8| -> Result<Option<u8>, ()> {
            match p {
                None => Ok(None),
                Some(t) if t.len() == 2 && t.bytes().all(|b| b.is_ascii_digit()) => match t.parse::<u8>() {
                    Ok(n) if (1..=max).contains(&n) => Ok(Some(n)),
                    _ => Err(()),
                },
                Some(_) => Err(()),
            }
        };
        let month = number(parts.next(), 12).ok()?;
        let day = number(parts.next(), 31).ok()?;
        Some(PartialDate { year, month, day })
    }

    /// The first day the date covers, as (year, month, day).
    pub fn first_day(self) -> (u16, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The last day the date covers (day 31 stands for "the end of the month"; only
    /// comparisons use it).
    pub fn last_day(self) -> (u16, u8, u8) {
        (self.year, self.month.unwrap_or(12), self.day.unwrap_or(31))
    }

    /// Months since year 0 (`year * 12 + month - 1`), when the month is known.
    pub fn month_index(self) -> Option<u32> {
        self.month.map(|m| u32::from(self.year) * 12 + u32::from(m) - 1)
    }
}

/// Which papers an export covers. `Default` keeps every paper.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    /// Keep papers dated on or after this date (papers without a date are left out).
    pub since: Option<PartialDate>,
    /// Keep papers dated on or before this date (papers without a date are left out).
    pub until: Option<PartialDate>,
    /// Keep papers in one of these categories, exactly or by archive (`cs` keeps `cs.LG`),
    /// as `build --category` does.
    pub categories: Vec<String>,
}

/// What [`Selection::apply`] kept and why it left papers out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SelectSummary {
    pub read: usize,
    pub kept: usize,
    /// Left out because a date bound was given and the paper has no readable date.
    pub undated: usize,
    pub outside_dates: usize,
    pub outside_categories: usize,
}

impl Selection {
    /// A selection from the command line's strings; errors on a malformed date.
    pub fn new(since: Option<&str>, until: Option<&str>, categories: Vec<String>) -> Result<Selection, GraphExportError> {
        let date = |s: Option<&str>| -> Result<Option<PartialDate>, GraphExportError> {
            s.map(|s| PartialDate::parse(s).ok_or_else(|| GraphExportError::BadDate { given: s.to_string() })).transpose()
        };
        Ok(Selection { since: date(since)?, until: date(until)?, categories })
    }

    /// Whether the selection keeps every paper.
    pub fn is_everything(&self) -> bool {
        self.since.is_none() && self.until.is_none() && self.categories.is_empty()
    }

    /// The papers the selection keeps, in input order, and the counts of the rest.
    pub fn apply(&self, papers: Vec<PaperRecord>) -> (Vec<PaperRecord>, SelectSummary) {
        let mut s = SelectSummary { read: papers.len(), ..Default::default() };
        let kept: Vec<PaperRecord> = papers
            .into_iter()
            .filter(|p| {
                if !in_categories(&p.categories, &self.categories) {
                    s.outside_categories += 1;
                    return false;
                }
                if self.since.is_none() && self.until.is_none() {
                    return true;
                }
                let Some(d) = p.date.as_deref().and_then(PartialDate::parse) else {
                    s.undated += 1;
                    return false;
                };
                let inside = self.since.is_none_or(|since| d.last_day() >= since.first_day()) && self.until.is_none_or(|until| d.first_day() <= until.last_day());
                if !inside {
                    s.outside_dates += 1;
                }
                inside
            })
            .collect();
        s.kept = kept.len();
        (kept, s)
    }

    /// A short description for titles: `2025-01 .. 2025-12, cs.CL cs.LG`.
    pub fn describe(&self) -> String {
        let show = |d: &PartialDate| match (d.month, d.day) {
            (Some(m), Some(day)) => format!("{:04}-{m:02}-{day:02}", d.year),
            (Some(m), None) => format!("{:04}-{m:02}", d.year),
            _ => format!("{:04}", d.year),
        };
        let mut parts = Vec::new();
        match (&self.since, &self.until) {
            (None, None) => {}
            (Some(a), None) => parts.push(format!("since {}", show(a))),
            (None, Some(b)) => parts.push(format!("until {}", show(b))),
            (Some(a), Some(b)) => parts.push(format!("{} .. {}", show(a), show(b))),
        }
        if !self.categories.is_empty() {
            parts.push(self.categories.join(" "));
        }
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paper(id: &str, date: Option<&str>, cats: &[&str]) -> PaperRecord {
        PaperRecord { id: id.into(), date: date.map(str::to_string), categories: cats.iter().map(|c| c.to_string()).collect(), ..Default::default() }
    }

    #[test]
    fn dates_parse_at_their_precision() {
        assert_eq!(PartialDate::parse("2025"), Some(PartialDate { year: 2025, month: None, day: None }));
        assert_eq!(PartialDate::parse("2025-06-14T10:00:00Z"), Some(PartialDate { year: 2025, month: Some(6), day: Some(14) }));
        for bad in ["25", "2025-13", "2025-6", "2025-06-32", "june", "2025-06-1x", ""] {
            assert_eq!(PartialDate::parse(bad), None, "{bad}");
        }
        assert_eq!(PartialDate::parse("2025-02").unwrap().month_index(), Some(2025 * 12 + 1));
    }

    #[test]
    fn date_bounds_overlap_at_the_coarser_precision() {
        let papers = vec![paper("a", Some("2025-06"), &[]), paper("b", Some("2025-05-31"), &[]), paper("c", Some("2025"), &[]), paper("d", None, &[]), paper("e", Some("2025-07-01"), &[])];
        let sel = Selection::new(Some("2025-06-15"), Some("2025-06-30"), vec![]).unwrap();
        let (kept, s) = sel.apply(papers.clone());
        let ids: Vec<&str> = kept.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["a", "c"], "a's month and c's year overlap the range");
        assert_eq!((s.read, s.kept, s.undated, s.outside_dates), (5, 2, 1, 2));
        let (kept, _) = Selection::new(Some("2025-07"), None, vec![]).unwrap().apply(papers.clone());
        assert_eq!(kept.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["c", "e"]);
        let (kept, s) = Selection::default().apply(papers);
        assert_eq!((kept.len(), s.undated), (5, 0), "no bound keeps undated papers");
        assert!(matches!(Selection::new(Some("last week"), None, vec![]), Err(GraphExportError::BadDate { .. })));
    }

    #[test]
    fn categories_match_exactly_or_by_archive() {
        let papers = vec![paper("a", None, &["cs.CL"]), paper("b", None, &["stat.ML", "cs.LG"]), paper("c", None, &["math.OC"]), paper("d", None, &[])];
        let (kept, s) = Selection::new(None, None, vec!["cs.LG".into(), "math".into()]).unwrap().apply(papers.clone());
        assert_eq!(kept.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["b", "c"]);
        assert_eq!(s.outside_categories, 2);
        let (kept, _) = Selection::new(None, None, vec!["cs".into()]).unwrap().apply(papers);
        assert_eq!(kept.len(), 2);
        assert_eq!(Selection::new(Some("2025-01"), Some("2025-12"), vec!["cs.CL".into()]).unwrap().describe(), "2025-01 .. 2025-12, cs.CL");
    }
}
