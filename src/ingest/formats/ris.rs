//! Tagged-line reference formats: RIS (`TY  - JOUR` ... `ER  - `) and the Web of Science
//! plain-text export (`PT J` ... `ER`, file framed by `FN`/`VR` and `EF`).
//!
//! Both are read line by line, one record at a time. A line without a tag continues the
//! previous tag's value; the value's lines are kept joined with `\n` (the cleaner joins them
//! later). A record holding invalid UTF-8 is reported bad and the next one still parses.

use super::util::{add_link, best_date, first_year, month_number, push_unique, set_doi, LineReader};
use crate::ingest::clean::clean_inline;
use crate::ingest::{Loc, ParseCtx, Record};
use crate::model::{Author, Paper, PartialDate};
use std::io::BufRead;

type Tag = [u8; 2];

/// One record: its tags in order, each with its value (continuation lines joined by `\n`).
struct Tagged {
    line: u64,
    fields: Vec<(Tag, String)>,
    invalid_utf8: bool,
}

impl Tagged {
    fn new(line: u64) -> Self {
        Tagged { line, fields: Vec::new(), invalid_utf8: false }
    }

    fn text(&mut self, bytes: &[u8]) -> String {
        match std::str::from_utf8(bytes) {
            Ok(s) => s.trim().to_string(),
            Err(_) => {
                self.invalid_utf8 = true;
                String::new()
            }
        }
    }

    fn push(&mut self, tag: Tag, value: &[u8]) {
        let value = self.text(value);
        self.fields.push((tag, value));
    }

    /// Add a continuation line to the last tag's value.
    fn continue_last(&mut self, line: &[u8]) {
        let text = self.text(line);
        if let Some((_, value)) = self.fields.last_mut() {
            if !value.is_empty() {
                value.push('\n');
            }
            value.push_str(&text);
        }
    }

    /// Non-empty values of any of `tags`, in record order.
    fn values(&self, tags: &[&Tag]) -> Vec<&str> {
        self.fields.iter().filter(|(t, v)| tags.contains(&t) && !v.is_empty()).map(|(_, v)| v.as_str()).collect()
    }

    fn first(&self, tags: &[&Tag]) -> Option<&str> {
        self.fields.iter().find(|(t, v)| tags.contains(&t) && !v.is_empty()).map(|(_, v)| v.as_str())
    }

    /// The first non-empty value, trying each group of tags in turn.
    fn first_of(&self, groups: &[&[&Tag]]) -> Option<&str> {
        groups.iter().find_map(|tags| self.first(tags))
    }

    fn into_record(self, build: fn(&Tagged) -> Paper) -> Record {
        let loc = Loc::Line(self.line);
        if self.invalid_utf8 {
            return Record::Bad { loc, reason: "invalid UTF-8".into() };
        }
        let paper = build(&self);
        if paper.title.is_empty() && paper.abstract_text.is_empty() {
            return Record::Bad { loc, reason: "record has neither title nor abstract".into() };
        }
        Record::Paper { loc, paper: Box::new(paper), version: None }
    }
}

// ---------------------------------------------------------------------------------------------
// RIS

pub fn parse(input: &mut dyn BufRead, _ctx: &ParseCtx, emit: &mut dyn FnMut(Record)) -> Result<(), String> {
    let mut lines = LineReader::new(input);
    let mut record: Option<Tagged> = None;
    while let Some((n, line)) = lines.next_line()? {
        // Some exports number their records: `1.` on its own line, or before `TY` on the same line.
        let tagged = ris_tag(line).or_else(|| ris_tag(strip_number(line)).filter(|(tag, _)| tag == b"TY"));
        match tagged {
            Some((tag, value)) => match &tag {
                b"TY" => {
                    if let Some(done) = record.replace(Tagged::new(n)) {
                        emit(done.into_record(ris_paper));
                    }
                }
                b"ER" => {
                    if let Some(done) = record.take() {
                        emit(done.into_record(ris_paper));
                    }
                }
                _ => record.get_or_insert_with(|| Tagged::new(n)).push(tag, value),
            },
            None if line.trim_ascii().is_empty() || strip_number(line).trim_ascii().is_empty() => {}
            None => {
                if let Some(r) = record.as_mut() {
                    r.continue_last(line);
                }
            }
        }
    }
    // A last record without `ER` is still a record.
    if let Some(done) = record.take() {
        emit(done.into_record(ris_paper));
    }
    Ok(())
}

/// `XX  - value`: a capital, a capital or digit, two or more spaces, a hyphen, then a space
/// and the value (or nothing).
fn ris_tag(line: &[u8]) -> Option<(Tag, &[u8])> {
    let [a, b, rest @ ..] = line else { return None };
    if !a.is_ascii_uppercase() || !(b.is_ascii_uppercase() || b.is_ascii_digit()) {
        return None;
    }
    let spaces = rest.iter().take_while(|c| **c == b' ').count();
    let value = rest[spaces..].strip_prefix(b"-")?;
    if spaces < 2 || value.first().is_some_and(|c| *c != b' ') {
        return None;
    }
    Some(([*a, *b], value))
}

/// Drop a record number (`12.`) from the start of a line.
fn strip_number(line: &[u8]) -> &[u8] {
    let digits = line.iter().take_while(|c| c.is_ascii_digit()).count();
    match line[digits..].strip_prefix(b".") {
        Some(rest) if digits > 0 => rest.trim_ascii_start(),
        _ => line,
    }
}

fn ris_paper(r: &Tagged) -> Paper {
    let mut p = Paper {
        title: r.first_of(&[&[b"TI", b"T1"], &[b"CT"], &[b"BT"], &[b"ST"]]).unwrap_or_default().to_string(),
        abstract_text: r.first_of(&[&[b"AB"], &[b"N2"]]).unwrap_or_default().to_string(),
        ..Paper::default()
    };
    // AU and A1 are authors; A2 (editors) and A3 are not.
    p.authors = r.values(&[b"AU", b"A1"]).into_iter().map(display_name).filter(|n| !n.is_empty()).map(Author::new).collect();
    // PY / Y1 give the publication date; DA may say the same more precisely.
    let primary = r.first(&[b"PY", b"Y1"]).and_then(ris_date);
    let da = r.first(&[b"DA"]).and_then(ris_date);
    p.published = match (primary, da) {
        (Some(py), Some(da)) if da.year == py.year && da.precision() > py.precision() => Some(da),
        (Some(py), _) => Some(py),
        (None, da) => da,
    };
    for doi in r.values(&[b"DO"]) {
        set_doi(&mut p, doi);
    }
    for urls in r.values(&[b"UR", b"L1", b"L2", b"L4", b"LK"]) {
        for url in urls.split_whitespace() {
            add_link(&mut p, url);
        }
    }
    for kws in r.values(&[b"KW"]) {
        for kw in kws.split(';').map(clean_inline).filter(|k| !k.is_empty()) {
            push_unique(&mut p.keywords, &kw);
        }
    }
    p.venue = r.first_of(&[&[b"JF"], &[b"JO"], &[b"T2"], &[b"J2"]]).map(clean_inline);
    // Accession numbers are database-specific; only Web of Science ones are unambiguous.
    for an in r.values(&[b"AN"]) {
        if an.len() > 4 && an[..4].eq_ignore_ascii_case("WOS:") {
            push_unique(&mut p.ids.other, an);
        }
    }
    p
}

/// RIS dates: `2019/05/12/`, `1948/07//`, `2019///`, `2019`, or ISO `2019-05-12`.
/// Precision is what the date states: a missing month or day is not invented.
fn ris_date(s: &str) -> Option<PartialDate> {
    let s = s.trim();
    let mut parts = s.split('/');
    let year = parts.next().unwrap_or_default().trim();
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return PartialDate::parse_prefix(s).or_else(|| first_year(s).map(PartialDate::year));
    }
    let year: i32 = year.parse().ok()?;
    let mut number = || parts.next().and_then(|x| x.trim().parse::<u8>().ok());
    let (month, day) = (number(), number());
    Some(best_date(year, month, day))
}

/// `Last, First` -> `First Last`; `Last, First, Suffix` -> `First Last Suffix`; anything
/// else (`World Health Organization`) as it is.
fn display_name(name: &str) -> String {
    let parts: Vec<&str> = name.splitn(3, ',').map(str::trim).collect();
    let ordered = match parts.as_slice() {
        [last, first] => format!("{first} {last}"),
        [last, first, suffix] => format!("{first} {last} {suffix}"),
        _ => name.to_string(),
    };
    clean_inline(&ordered)
}

// ---------------------------------------------------------------------------------------------
// Web of Science

pub fn parse_wos(input: &mut dyn BufRead, _ctx: &ParseCtx, emit: &mut dyn FnMut(Record)) -> Result<(), String> {
    let mut lines = LineReader::new(input);
    let mut record: Option<Tagged> = None;
    while let Some((n, line)) = lines.next_line()? {
        if line.trim_ascii().is_empty() {
            continue;
        }
        match wos_tag(line) {
            Some((tag, value)) => match &tag {
                b"FN" | b"VR" => {}
                b"PT" => {
                    if let Some(done) = record.replace(Tagged::new(n)) {
                        emit(done.into_record(wos_paper));
                    }
                    if let Some(r) = record.as_mut() {
                        r.push(tag, value);
                    }
                }
                b"ER" | b"EF" => {
                    if let Some(done) = record.take() {
                        emit(done.into_record(wos_paper));
                    }
                }
                _ => record.get_or_insert_with(|| Tagged::new(n)).push(tag, value),
            },
            // Continuation lines are indented (three spaces).
            None => {
                if let Some(r) = record.as_mut() {
                    r.continue_last(line);
                }
            }
        }
    }
    if let Some(done) = record.take() {
        emit(done.into_record(wos_paper));
    }
    Ok(())
}

/// `XX value` at column 0: a capital, a capital or digit, then a space or the end of the line.
fn wos_tag(line: &[u8]) -> Option<(Tag, &[u8])> {
    let [a, b, rest @ ..] = line else { return None };
    let ok = a.is_ascii_uppercase() && (b.is_ascii_uppercase() || b.is_ascii_digit());
    match rest.split_first() {
        None if ok => Some(([*a, *b], rest)),
        Some((b' ', value)) if ok => Some(([*a, *b], value)),
        _ => None,
    }
}

fn wos_paper(r: &Tagged) -> Paper {
    let mut p = Paper {
        title: r.first(&[b"TI"]).unwrap_or_default().to_string(),
        abstract_text: r.first(&[b"AB"]).unwrap_or_default().to_string(),
        ..Paper::default()
    };
    // AF has full names; AU only initials. One author per line.
    let names = r.first(&[b"AF"]).or_else(|| r.first(&[b"AU"])).unwrap_or_default();
    p.authors = names.lines().map(display_name).filter(|n| !n.is_empty()).map(Author::new).collect();
    p.published = wos_date(r.first(&[b"PY"]), r.first(&[b"PD"]));
    if let Some(doi) = r.first(&[b"DI"]) {
        set_doi(&mut p, doi);
    }
    p.venue = r.first(&[b"SO"]).map(clean_inline);
    for list in r.values(&[b"DE", b"ID"]) {
        for kw in list.split(';').map(clean_inline).filter(|k| !k.is_empty()) {
            push_unique(&mut p.keywords, &kw);
        }
    }
    if let Some(ut) = r.first(&[b"UT"]) {
        p.ids.other.push(ut.to_string());
    }
    p.ids.pmid = r.first(&[b"PM"]).filter(|pm| pm.bytes().all(|b| b.is_ascii_digit())).map(str::to_string);
    p
}

/// `PY 2004` with `PD JUN 8` (day), `PD MAY` (month), `PD SPR` or `PD JAN-FEB` (year only).
fn wos_date(py: Option<&str>, pd: Option<&str>) -> Option<PartialDate> {
    let mut year = py.and_then(first_year);
    let (mut month, mut day) = (None, None);
    for token in pd.unwrap_or_default().split_whitespace() {
        if token.len() == 4 && token.bytes().all(|b| b.is_ascii_digit()) {
            year = year.or(token.parse().ok());
        } else if let Ok(n) = token.parse::<u8>() {
            day = month.and(Some(n));
        } else if token.bytes().all(|b| b.is_ascii_alphabetic()) {
            month = month_number(token);
        }
    }
    Some(best_date(year?, month, day))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    use crate::ingest::formats::test_util::{self, Parser};

    fn run(parser: Parser, input: &[u8]) -> Vec<Record> {
        let (out, res) = test_util::run_parser(parser, input);
        res.expect("in-memory input reads");
        out
    }

    fn fixture(parser: Parser, name: &str) -> Vec<Record> {
        run(parser, &test_util::fixture_bytes(name))
    }

    fn paper(r: &Record) -> (&Paper, Loc) {
        let (p, version, loc) = test_util::paper_of(r);
        assert_eq!(version, None);
        (p, loc)
    }

    fn bad(r: &Record) -> (Loc, &str) {
        test_util::bad_of(r)
    }

    fn names(p: &Paper) -> Vec<&str> {
        p.authors.iter().map(|a| a.name.as_str()).collect()
    }

    #[test]
    fn ris_fixture_maps_every_field() {
        let out = fixture(parse, "ris_mixed.ris");
        assert_eq!(out.len(), 4, "{out:#?}");
        let (p, loc) = paper(&out[0]);
        assert_eq!(loc, Loc::Line(2), "the TY line, after a BOM and a `1.` line");
        assert_eq!(p.title, "Counting Moths with Cameras");
        assert_eq!(names(p), ["Eszter Varga", "Chidi N. Okafor"], "A2 (editor) is not an author");
        assert_eq!(p.published, PartialDate::day(2019, 5, 12));
        assert_eq!(
            p.abstract_text,
            "Light traps photograph moths every night.\nWe count them with a small detector.\nThe counts match manual ones."
        );
        assert_eq!(p.keywords, ["entomology", "computer vision", "monitoring"]);
        assert_eq!(p.venue.as_deref(), Some("Journal of Invented Ecology"), "JF before T2");
        assert_eq!(p.ids.doi.as_deref(), Some("10.1234/jie.2019.042"));
        assert_eq!(p.links.other, ["https://example.org/moths"]);
        assert_eq!(p.links.pdf.as_deref(), Some("https://example.org/moths.pdf"), "file:// links are skipped");
        assert!(p.id.is_empty() && p.sources.is_empty());
    }

    #[test]
    fn ris_fixture_utf8_n2_da_missing_er() {
        let out = fixture(parse, "ris_mixed.ris");
        let (p, loc) = paper(&out[1]);
        assert_eq!(loc, Loc::Line(23));
        assert_eq!(p.title, "Жизнь насекомых: a bilingual title");
        assert_eq!(names(p), ["Мария Иванова"]);
        assert_eq!(p.abstract_text, "Краткое описание на русском языке.", "N2 is the abstract");
        assert_eq!(p.published, PartialDate::day(2021, 3, 4), "DA refines Y1 of the same year");
        assert_eq!(p.venue.as_deref(), Some("Труды конференции"));

        assert_eq!(bad(&out[2]), (Loc::Line(32), "record has neither title nor abstract"));

        let (p, loc) = paper(&out[3]);
        assert_eq!(loc, Loc::Line(39), "the last record has no ER");
        assert_eq!(p.title, "A Caption Title Only", "CT when there is no TI/T1");
        assert_eq!(names(p), ["First Last III"]);
        assert_eq!(p.published, PartialDate::month(1948, 7));
    }

    #[test]
    fn ris_tags_numbering_and_continuations() {
        let input = b"12. TY  - JOUR\nTI  - One\nAB  - First line\n\n   second line\nER  -\n13.\nTY - JOUR\nTI  - Not a tag: TY - JOUR\nER  - \nTY  - BOOK\nBT  - Book Title\nPY  - 2001-02\nER  - ";
        let out = run(parse, input);
        assert_eq!(out.len(), 3, "{out:#?}");
        let (p, loc) = paper(&out[0]);
        assert_eq!(loc, Loc::Line(1));
        assert_eq!(p.abstract_text, "First line\nsecond line");
        // `TY - JOUR` (one space) is not a tag line: the record starts at the TI line after it.
        let (p, loc) = paper(&out[1]);
        assert_eq!((p.title.as_str(), loc), ("Not a tag: TY - JOUR", Loc::Line(9)));
        let (p, loc) = paper(&out[2]);
        assert_eq!((p.title.as_str(), loc), ("Book Title", Loc::Line(11)));
        assert_eq!(p.published, PartialDate::month(2001, 2));
        assert_eq!(ris_tag(b"ER  -"), Some((*b"ER", &b""[..])));
        assert_eq!(ris_tag(b"T1  - x"), Some((*b"T1", &b" x"[..])));
        assert_eq!((ris_tag(b"ab  - x"), ris_tag(b"AB  -x"), ris_tag(b"AB - x")), (None, None, None));
    }

    #[test]
    fn ris_dates_keep_their_precision() {
        assert_eq!(ris_date("2019/05/12/"), PartialDate::day(2019, 5, 12));
        assert_eq!(ris_date("2019/05/12/Spring conference"), PartialDate::day(2019, 5, 12));
        assert_eq!(ris_date("2019///"), Some(PartialDate::year(2019)));
        assert_eq!(ris_date("2019/13//"), Some(PartialDate::year(2019)));
        assert_eq!(ris_date("2019/02/30/"), PartialDate::month(2019, 2));
        assert_eq!(ris_date("2019"), Some(PartialDate::year(2019)));
        assert_eq!(ris_date("2019-05-12"), PartialDate::day(2019, 5, 12));
        assert_eq!(ris_date("Spring 2019"), Some(PartialDate::year(2019)));
        assert_eq!(ris_date("n.d."), None);
        let r = run(parse, b"TY  - JOUR\nTI  - T\nPY  - 2019\nDA  - 2018/05/01/\nER  - ");
        assert_eq!(paper(&r[0]).0.published, Some(PartialDate::year(2019)), "DA of another year does not override PY");
    }

    #[test]
    fn invalid_utf8_spoils_only_its_record() {
        let input = b"TY  - JOUR\nTI  - One\nER  - \nTY  - JOUR\nTI  - T\xC3\x28wo\nER  - \nTY  - JOUR\nTI  - Three\nER  - \n";
        let out = run(parse, input);
        assert_eq!(out.len(), 3);
        assert_eq!(paper(&out[0]).0.title, "One");
        assert_eq!(bad(&out[1]), (Loc::Line(4), "invalid UTF-8"));
        assert_eq!(paper(&out[2]).0.title, "Three");

        let input = b"PT J\nTI One\nER\nPT J\nTI Two\n   \xFF continued\nER\nPT J\nTI Three\nER\nEF\n";
        let out = run(parse_wos, input);
        assert_eq!(out.len(), 3);
        assert_eq!(bad(&out[1]), (Loc::Line(4), "invalid UTF-8"));
        assert_eq!(paper(&out[2]).0.title, "Three");
    }

    #[test]
    fn names_in_display_order() {
        assert_eq!(display_name("Shannon,Claude E."), "Claude E. Shannon");
        assert_eq!(display_name("King, Martin Luther, Jr."), "Martin Luther King Jr.");
        assert_eq!(display_name("  World Health  Organization "), "World Health Organization");
    }

    #[test]
    fn wos_fixture_maps_every_field() {
        let out = fixture(parse_wos, "wos_sample.txt");
        assert_eq!(out.len(), 3, "{out:#?}");
        let (p, loc) = paper(&out[0]);
        assert_eq!(loc, Loc::Line(3));
        assert_eq!(names(p), ["Jan Kowalski", "Thandi Mbeki"], "AF (full names) preferred over AU");
        assert_eq!(p.title, "Slow light in invented crystals: a study of very long titles that wrap\nonto a second line");
        assert_eq!(p.abstract_text, "We slow light down in crystals that do not exist. The group velocity\ndrops by a factor of ten.");
        assert_eq!(p.venue.as_deref(), Some("JOURNAL OF INVENTED PHYSICS"));
        assert_eq!(p.keywords, ["slow light", "invented crystals", "GROUP-VELOCITY", "PHOTONIC BAND-GAP", "DISPERSION"]);
        assert_eq!(p.published, PartialDate::day(2015, 5, 12));
        assert_eq!(p.ids.doi.as_deref(), Some("10.9999/jip.2015.001"));
        assert_eq!(p.ids.other, ["WOS:000123456700001"]);
        assert_eq!(p.ids.pmid.as_deref(), Some("26000001"));

        let (p, loc) = paper(&out[1]);
        assert_eq!(loc, Loc::Line(26));
        assert_eq!(names(p), ["H Ito"], "AU when there is no AF");
        assert_eq!(p.published, Some(PartialDate::year(2016)), "a season is not a month");

        let (p, _) = paper(&out[2]);
        assert_eq!(p.published, PartialDate::month(2017, 12));
        assert!(p.abstract_text.is_empty());
    }

    #[test]
    fn wos_dates() {
        assert_eq!(wos_date(Some("2004"), Some("JUN 8")), PartialDate::day(2004, 6, 8));
        assert_eq!(wos_date(Some("2004"), Some("JAN-FEB")), Some(PartialDate::year(2004)));
        assert_eq!(wos_date(None, Some("2004 NOV 31")), PartialDate::month(2004, 11));
        assert_eq!(wos_date(Some("2004"), Some("12")), Some(PartialDate::year(2004)), "a day without a month");
        assert_eq!(wos_date(None, Some("MAY")), None);
    }

    #[test]
    fn wos_without_header_or_closing_tags() {
        let out = run(parse_wos, b"\xEF\xBB\xBFPT J\nTI Alone\nPY 2001\n\nPT B\nAB Only an abstract\n");
        assert_eq!(out.len(), 2);
        assert_eq!(paper(&out[0]).0.title, "Alone");
        assert_eq!(paper(&out[1]).0.abstract_text, "Only an abstract");
        assert_eq!(bad(&run(parse_wos, b"FN x\nVR 1.0\nPT J\nPY 2001\nER\nEF")[0]).1, "record has neither title nor abstract");
    }

    /// The real exports in /work/shared/formats (not part of the repository).
    #[test]
    fn real_samples() {
        let dir = Path::new("/work/shared/formats");
        if !dir.is_dir() {
            eprintln!("skipped: {} is absent", dir.display());
            return;
        }
        let read = |name: &str| std::fs::read(dir.join(name)).expect("readable");
        let basic = run(parse, &read("ris_rispy_example_basic.ris"));
        let (p, _) = paper(&basic[0]);
        assert_eq!(p.title, "A Mathematical Theory of Communication");
        assert_eq!(names(p), ["Claude E. Shannon"]);
        assert_eq!(p.published, PartialDate::month(1948, 7));
        assert_eq!(p.venue.as_deref(), Some("Bell System Technical Journal"));

        let full = run(parse, &read("ris_rispy_example_full_synthetic.ris"));
        assert_eq!(full.len(), 2);
        let expected = [("Title of reference", 2014, "http://example.com"), ("The title of the reference", 2006, "http://example2.com")];
        for (r, (title, year, l2)) in full.iter().zip(expected) {
            let (p, _) = paper(r);
            assert_eq!((p.title.as_str(), p.published), (title, Some(PartialDate::year(year))));
            assert!(p.abstract_text.starts_with("BACKGROUND: Lorem"));
            assert_eq!(p.authors.len(), 2, "A2 is not an author");
            assert_eq!(p.keywords.len(), 3);
            assert_eq!(p.links.other, [l2, "http://example_url.com"]);
        }

        let utf = run(parse, &read("ris_rispy_example_utf_chars_with_abstract.ris"));
        let (p, loc) = paper(&utf[0]);
        assert_eq!(loc, Loc::Line(1));
        assert_eq!(p.authors.len(), 5);
        assert_eq!(p.authors[0].name, "Yu E. Dobrokhotova");
        assert!(p.abstract_text.starts_with("Состояние рецепторного"));
        assert!(p.abstract_text.ends_with("\nThe state of the receptor apparatus of the endometrium and estrogen metabolism in endometrial hyperplasia in the late reproductive period"));
        assert!(p.title.starts_with("Состояние"), "ST (short title) as the last resort");
        assert_eq!(p.published, Some(PartialDate::year(2009)));

        let wos = run(parse_wos, &read("wos_plaintext_rispy_example.txt"));
        assert_eq!(wos.len(), 2, "{wos:#?}");
        let (p, loc) = paper(&wos[0]);
        assert_eq!(loc, Loc::Line(3));
        assert_eq!(p.authors.len(), 4);
        assert_eq!(p.authors[0].name, "PS Parkes-Loach");
        assert!(p.title.starts_with("Interactions stabilizing the structure of the core light-harvesting\ncomplex"));
        assert_eq!(p.published, PartialDate::day(2004, 6, 8));
        assert_eq!(p.ids.doi.as_deref(), Some("10.1021/bi049798f"));
        assert_eq!(p.ids.other, ["WOS:000221807500019"]);
        assert_eq!(p.ids.pmid.as_deref(), Some("15170338"));
        assert!(p.keywords.contains(&"AMINO-ACID-SEQUENCE".to_string()));
        assert_eq!(p.venue.as_deref(), Some("BIOCHEMISTRY"));
        let (p, loc) = paper(&wos[1]);
        assert_eq!(loc, Loc::Line(112));
        assert_eq!(p.authors.len(), 9);
        assert_eq!(p.ids.other, ["WOS:000221807500020"]);
        assert!(p.abstract_text.starts_with("We use laser flash photolysis"));
    }
}
