//! Calendar periods for trend reports: ISO weeks, months, quarters and years, as contiguous
//! integer indices so that empty periods between busy ones are kept (a trend line must not
//! skip a month nobody wrote about).
//!
//! A paper goes into a period only when its date is precise enough for it: a week needs a
//! day, a month or quarter needs a month; [`Period::of`] says `None` otherwise and the report
//! counts the paper as left out, never guessing a day or month.

use crate::model::{DatePrecision, PartialDate};
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// How papers are bucketed in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    /// ISO 8601 weeks, Monday to Sunday, written `2025-W23` (the ISO week-numbering year).
    Week,
    #[default]
    Month,
    Quarter,
    Year,
}

impl Granularity {
    pub fn name(self) -> &'static str {
        match self {
            Granularity::Week => "week",
            Granularity::Month => "month",
            Granularity::Quarter => "quarter",
            Granularity::Year => "year",
        }
    }

    /// The least precise date this granularity can place.
    pub fn needs(self) -> DatePrecision {
        match self {
            Granularity::Week => DatePrecision::Day,
            Granularity::Month | Granularity::Quarter => DatePrecision::Month,
            Granularity::Year => DatePrecision::Year,
        }
    }
}

impl fmt::Display for Granularity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Granularity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "week" | "weekly" | "w" => Ok(Granularity::Week),
            "month" | "monthly" | "m" => Ok(Granularity::Month),
            "quarter" | "quarterly" | "q" => Ok(Granularity::Quarter),
            "year" | "yearly" | "y" => Ok(Granularity::Year),
            _ => Err(format!("unknown period {s:?}: use week, month, quarter or year")),
        }
    }
}

/// One period: a granularity and a running index (years since 0, months since year 0,
/// quarters since year 0, or weeks since the Monday 1969-12-29), so the next period is
/// `index + 1` whatever the calendar does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub by: Granularity,
    pub index: i64,
}

impl Period {
    /// The period holding `date`, or `None` when the date is less precise than the
    /// granularity needs (a month-only date has no week).
    pub fn of(date: PartialDate, by: Granularity) -> Option<Period> {
        if date.precision() < by.needs() {
            return None;
        }
        let y = i64::from(date.year);
        let index = match by {
            Granularity::Year => y,
            Granularity::Month => y * 12 + i64::from(date.month? - 1),
            Granularity::Quarter => y * 4 + i64::from((date.month? - 1) / 3),
            Granularity::Week => (days_from_civil(date.year, date.month?, date.day?) + 3).div_euclid(7),
        };
        Some(Period { by, index })
    }

    pub fn next(self) -> Period {
        Period { by: self.by, index: self.index + 1 }
    }

    /// The first day of the period, as days since 1970-01-01.
    pub fn first_day(self) -> i64 {
        match self.by {
            Granularity::Year => days_from_civil(self.index as i32, 1, 1),
            Granularity::Month => days_from_civil(self.index.div_euclid(12) as i32, (self.index.rem_euclid(12) + 1) as u8, 1),
            Granularity::Quarter => days_from_civil(self.index.div_euclid(4) as i32, (self.index.rem_euclid(4) * 3 + 1) as u8, 1),
            Granularity::Week => self.index * 7 - 3,
        }
    }

    /// The last day of the period, as days since 1970-01-01.
    pub fn last_day(self) -> i64 {
        self.next().first_day() - 1
    }

    /// The first day as a calendar date.
    pub fn start_date(self) -> PartialDate {
        date_of_day(self.first_day())
    }

    /// The last day as a calendar date.
    pub fn end_date(self) -> PartialDate {
        date_of_day(self.last_day())
    }
}

/// `2025`, `2025-06`, `2025-Q2`, `2025-W23`: always the 4-digit year first, so the strings
/// sort in time order within one granularity.
impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.by {
            Granularity::Year => write!(f, "{:04}", self.index),
            Granularity::Month => write!(f, "{:04}-{:02}", self.index.div_euclid(12), self.index.rem_euclid(12) + 1),
            Granularity::Quarter => write!(f, "{:04}-Q{}", self.index.div_euclid(4), self.index.rem_euclid(4) + 1),
            Granularity::Week => {
                // The ISO year and week are those of the week's Thursday.
                let thursday = date_of_day(self.first_day() + 3);
                let jan1 = days_from_civil(thursday.year, 1, 1);
                let ordinal = self.first_day() + 3 - jan1;
                write!(f, "{:04}-W{:02}", thursday.year, ordinal / 7 + 1)
            }
        }
    }
}

/// Every period from `first` to `last` inclusive, in order.
pub fn span(first: Period, last: Period) -> Vec<Period> {
    (first.index..=last.index).map(|index| Period { by: first.by, index }).collect()
}

/// The first and last day (days since 1970-01-01) a partial date can mean.
pub fn day_range(d: PartialDate) -> (i64, i64) {
    match d.precision() {
        DatePrecision::Day => {
            let x = days_from_civil(d.year, d.month.unwrap_or(1), d.day.unwrap_or(1));
            (x, x)
        }
        DatePrecision::Month => {
            let p = Period { by: Granularity::Month, index: i64::from(d.year) * 12 + i64::from(d.month.unwrap_or(1) - 1) };
            (p.first_day(), p.last_day())
        }
        DatePrecision::Year => {
            let p = Period { by: Granularity::Year, index: i64::from(d.year) };
            (p.first_day(), p.last_day())
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> PartialDate {
        s.parse().unwrap()
    }

    fn label(s: &str, by: Granularity) -> Option<String> {
        Period::of(day(s), by).map(|p| p.to_string())
    }

    #[test]
    fn labels_start_with_the_year() {
        assert_eq!(label("2025-06-14", Granularity::Year).as_deref(), Some("2025"));
        assert_eq!(label("2025-06-14", Granularity::Month).as_deref(), Some("2025-06"));
        assert_eq!(label("2025-06", Granularity::Quarter).as_deref(), Some("2025-Q2"));
        assert_eq!(label("2025-12", Granularity::Quarter).as_deref(), Some("2025-Q4"));
        assert_eq!(label("2025-06-04", Granularity::Week).as_deref(), Some("2025-W23"));
    }

    /// ISO weeks at year boundaries: the week belongs to the year of its Thursday.
    #[test]
    fn iso_weeks_at_year_boundaries() {
        for (date, week) in [
            ("2024-12-30", "2025-W01"),
            ("2025-01-01", "2025-W01"),
            ("2021-01-03", "2020-W53"),
            ("2020-12-31", "2020-W53"),
            ("2026-12-31", "2026-W53"),
            ("2027-01-03", "2026-W53"),
            ("2027-01-04", "2027-W01"),
            ("2008-12-29", "2009-W01"),
            ("1970-01-01", "1970-W01"),
            ("1969-12-28", "1969-W52"),
        ] {
            assert_eq!(label(date, Granularity::Week).as_deref(), Some(week), "{date}");
        }
    }

    #[test]
    fn imprecise_dates_have_no_finer_period() {
        assert_eq!(label("2025-06", Granularity::Week), None);
        assert_eq!(label("2025", Granularity::Month), None);
        assert_eq!(label("2025", Granularity::Quarter), None);
        assert_eq!(label("2025", Granularity::Year).as_deref(), Some("2025"));
    }

    #[test]
    fn periods_are_contiguous_and_know_their_days() {
        let dec = Period::of(day("2024-12"), Granularity::Month).unwrap();
        assert_eq!(dec.next().to_string(), "2025-01");
        assert_eq!(dec.start_date().to_string(), "2024-12-01");
        assert_eq!(dec.end_date().to_string(), "2024-12-31");
        let feb = Period::of(day("2024-02"), Granularity::Month).unwrap();
        assert_eq!(feb.end_date().to_string(), "2024-02-29");
        let q = Period::of(day("2025-11"), Granularity::Quarter).unwrap();
        assert_eq!((q.start_date().to_string(), q.end_date().to_string(), q.next().to_string()), ("2025-10-01".into(), "2025-12-31".into(), "2026-Q1".into()));
        let w = Period::of(day("2025-06-04"), Granularity::Week).unwrap();
        assert_eq!((w.start_date().to_string(), w.end_date().to_string()), ("2025-06-02".into(), "2025-06-08".into()));
        let labels: Vec<String> = span(dec, dec.next().next()).iter().map(|p| p.to_string()).collect();
        assert_eq!(labels, ["2024-12", "2025-01", "2025-02"]);
    }

    #[test]
    fn day_numbers_round_trip() {
        for s in ["1970-01-01", "2000-02-29", "2024-12-31", "1969-07-20", "2100-03-01"] {
            let d = day(s);
            let n = days_from_civil(d.year, d.month.unwrap(), d.day.unwrap());
            assert_eq!(date_of_day(n), d, "{s}");
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(day_range(day("2025-02")), (days_from_civil(2025, 2, 1), days_from_civil(2025, 2, 28)));
    }
}
