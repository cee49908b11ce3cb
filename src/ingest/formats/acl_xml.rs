//! ACL Anthology XML: `<collection>` / `<volume>` (with `<meta>`) / `<paper>`.
//!
//! Every `<paper>` is a record; `<frontmatter>` is not. Titles and abstracts keep the text
//! of their inline markup (`<fixed-case>`, `<i>`, `<url>`, ...); `<tex-math>` becomes `$...$`.

use super::util::{best_date, non_empty, push_unique};
use super::xml_util::{after_record, Ev, XmlPull};
use crate::ingest::clean::clean_inline;
use crate::ingest::ids::normalize_doi;
use crate::ingest::{Loc, ParseCtx, Record};
use crate::model::{month_from_name, Author, Paper};
use std::io::BufRead;

pub fn parse(input: &mut dyn BufRead, _ctx: &ParseCtx, emit: &mut dyn FnMut(Record)) -> Result<(), String> {
    let mut xml = XmlPull::new(input);
    let mut n = 0u64;
    let mut collection = String::new();
    // The volume being read; `None` outside volumes (e.g. in a collection's `<event>`).
    let mut volume: Option<Volume> = None;
    loop {
        match xml.next().map_err(|e| after_record(e, n))? {
            Ev::Start(el) => match (el.name.as_str(), volume.as_mut()) {
                ("collection", _) => collection = el.attr("id").unwrap_or_default().trim().to_string(),
                ("volume", _) => volume = Some(Volume { id: el.attr("id").unwrap_or_default().trim().to_string(), ..Volume::default() }),
                ("meta", Some(v)) => read_meta(&mut xml, v).map_err(|e| after_record(e, n))?,
                ("frontmatter", _) => xml.skip().map_err(|e| after_record(e, n))?,
                ("paper", v) => {
                    n += 1;
                    let number = el.attr("id").unwrap_or_default().trim().to_string();
                    let paper = read_paper(&mut xml).map_err(|e| format!("record {n}: {e}"))?;
                    let ctx = PaperCtx { collection: &collection, volume: v.map(|v| &*v), number: &number };
                    emit(paper.into_record(Loc::Record(n), &ctx));
                }
                _ => {}
            },
            Ev::End(name) if name == "volume" => volume = None,
            Ev::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// What a volume's `<meta>` gives its papers.
#[derive(Debug, Default)]
struct Volume {
    id: String,
    booktitle: Option<String>,
    year: Option<i32>,
    month: Option<u8>,
}

fn read_meta(xml: &mut XmlPull, volume: &mut Volume) -> Result<(), String> {
    xml.children(|xml, el| {
        match el.name.as_str() {
            "booktitle" => volume.booktitle = non_empty(clean_inline(&read_inline(xml)?)),
            "year" => volume.year = parse_year(&xml.read_text()?),
            "month" => volume.month = parse_month(&xml.read_text()?),
            // editors, publisher, address, url: nothing a paper needs
            _ => {}
        }
        Ok(())
    })
}

/// One `<paper>` as read.
#[derive(Debug, Default)]
struct AclPaper {
    title: String,
    abstract_text: String,
    authors: Vec<Author>,
    doi: Option<String>,
    url: Option<String>,
    bibkey: Option<String>,
    journal: Option<String>,
    year: Option<i32>,
    month: Option<u8>,
    /// Code repositories (`<pwccode url="...">`, Papers with Code links in newer files).
    code: Vec<String>,
    notes: Vec<String>,
}

fn read_paper(xml: &mut XmlPull) -> Result<AclPaper, String> {
    let mut p = AclPaper::default();
    xml.children(|xml, el| {
        match el.name.as_str() {
            "title" => p.title = read_inline(xml)?.trim().to_string(),
            "abstract" => p.abstract_text = read_inline(xml)?.trim().to_string(),
            "author" => {
                if let Some(author) = read_author(xml)? {
                    p.authors.push(author);
                }
            }
            "doi" => p.doi = normalize_doi(&xml.read_text()?),
            "url" => p.url = non_empty(xml.read_text()?.trim().to_string()),
            "bibkey" => p.bibkey = non_empty(xml.read_text()?.trim().to_string()),
            "journal" => p.journal = non_empty(clean_inline(&read_inline(xml)?)),
            "year" => p.year = parse_year(&xml.read_text()?),
            "month" => p.month = parse_month(&xml.read_text()?),
            "pwccode" => push_unique(&mut p.code, el.attr("url").unwrap_or_default().trim()),
            kind @ ("removed" | "retracted") => {
                let date = el.attr("date").map(|d| format!(" {}", d.trim())).unwrap_or_default();
                let reason = clean_inline(&xml.read_text()?);
                let reason = if reason.is_empty() { String::new() } else { format!(": {reason}") };
                p.notes.push(format!("{kind}{date}{reason}"));
            }
            _ => {}
        }
        Ok(())
    })?;
    Ok(p)
}

/// `<author><first>Ana</first><last>Souza</last></author>`; `<variant>` spellings and
/// other children are skipped.
fn read_author(xml: &mut XmlPull) -> Result<Option<Author>, String> {
    let (mut first, mut last) = (String::new(), String::new());
    let mut affiliations = Vec::new();
    xml.children(|xml, el| {
        match el.name.as_str() {
            "first" => first = read_inline(xml)?,
            "last" => last = read_inline(xml)?,
            "affiliation" => push_unique(&mut affiliations, &clean_inline(&xml.read_text()?)),
            _ => {}
        }
        Ok(())
    })?;
    let name = clean_inline(&format!("{first} {last}"));
    Ok((!name.is_empty()).then_some(Author { name, affiliations }))
}

/// After a start tag: its text up to the end tag, inline markup dropped except that
/// `<tex-math>` content is wrapped in `$...$`.
fn read_inline(xml: &mut XmlPull) -> Result<String, String> {
    let depth = xml.depth();
    let mut text = String::new();
    loop {
        match xml.next()? {
            Ev::Text(t) => text.push_str(&t),
            Ev::Start(el) if el.name == "tex-math" => text.push('$'),
            Ev::End(_) if xml.depth() < depth => return Ok(text),
            Ev::End(name) if name == "tex-math" => text.push('$'),
            _ => {}
        }
    }
}

/// Where a paper sits, for building its id.
struct PaperCtx<'a> {
    collection: &'a str,
    volume: Option<&'a Volume>,
    /// The paper's `id` attribute.
    number: &'a str,
}

impl AclPaper {
    fn into_record(self, loc: Loc, ctx: &PaperCtx) -> Record {
        if self.title.is_empty() && self.abstract_text.is_empty() {
            return Record::Bad { loc, reason: "paper has no title and no abstract".into() };
        }
        let volume = ctx.volume;
        let mut paper = Paper { title: self.title, abstract_text: self.abstract_text, authors: self.authors, ..Paper::default() };
        // A paper's <url> is its Anthology id, or for a few old volumes an external link.
        let (url_id, external) = match self.url {
            Some(url) if is_anthology_id(&url) => (Some(url), None),
            other => (None, other),
        };
        let acl = url_id.or_else(|| build_id(ctx.collection, volume.map_or("", |v| v.id.as_str()), ctx.number));
        paper.ids.doi = self.doi;
        if let Some(url) = external {
            if url.to_ascii_lowercase().ends_with(".pdf") {
                paper.links.pdf = Some(url);
            } else if paper.ids.doi.is_none() {
                paper.ids.doi = normalize_doi(&url);
            }
        }
        if let Some(acl) = &acl {
            paper.links.abs = Some(format!("https://aclanthology.org/{acl}/"));
            if paper.links.pdf.is_none() {
                paper.links.pdf = Some(format!("https://aclanthology.org/{acl}.pdf"));
            }
        }
        paper.ids.acl = acl;
        paper.links.code = self.code;
        paper.ids.other.extend(self.bibkey);
        paper.venue = self.journal.or_else(|| volume.and_then(|v| v.booktitle.clone()));
        let year = self.year.or(volume.and_then(|v| v.year));
        let month = if self.year.is_some() { self.month } else { self.month.or(volume.and_then(|v| v.month)) };
        paper.published = year.map(|y| best_date(y, month, None));
        paper.comment = non_empty(self.notes.join("; "));
        Record::Paper { loc, paper: Box::new(paper), version: None }
    }
}

/// `2020.acl-main.1` (new style) or `P19-1001` (old style).
pub fn is_anthology_id(s: &str) -> bool {
    let b = s.as_bytes();
    let old = b.len() == 8
        && b[0].is_ascii_uppercase()
        && b[1..3].iter().all(u8::is_ascii_digit)
        && b[3] == b'-'
        && b[4..].iter().all(u8::is_ascii_digit);
    old || is_new_style_id(s)
}

fn is_new_style_id(s: &str) -> bool {
    let word = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    let mut parts = s.split('.');
    let (Some(year), Some(venue_volume), Some(number), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let venue_volume_ok = venue_volume.split_once('-').is_some_and(|(v, vol)| word(v) && word(vol));
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && venue_volume_ok
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// The Anthology id from the collection, volume and paper ids: `2020.acl` + `main` + `1`
/// -> `2020.acl-main.1`; old-style `P19` + `1` + `1` -> `P19-1001`.
fn build_id(collection: &str, volume: &str, number: &str) -> Option<String> {
    if collection.is_empty() || volume.is_empty() || number.is_empty() {
        return None;
    }
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let cb = collection.as_bytes();
    let old_style = cb.len() == 3 && cb[0].is_ascii_uppercase() && digits(&collection[1..]);
    if old_style {
        let width = 4usize.checked_sub(volume.len())?;
        let number = number.trim_start_matches('0');
        if !digits(volume) || !digits(number) || number.len() > width {
            return None;
        }
        return Some(format!("{collection}-{volume}{number:0>width$}"));
    }
    Some(format!("{collection}-{volume}.{number}"))
}

/// The leading four-digit year of `2020` or `2020 (published 2021)`.
fn parse_year(s: &str) -> Option<i32> {
    let s = s.trim();
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 4 {
        s[..4].parse().ok()
    } else {
        None
    }
}

/// `July`, `Sept`, `7`, `August 28th`, `1–3 December`, `May–June` -> the (first) month.
fn parse_month(s: &str) -> Option<u8> {
    let s = s.trim();
    if let Ok(m) = s.parse::<u8>() {
        return (1..=12).contains(&m).then_some(m);
    }
    s.split(|c: char| !c.is_alphabetic()).find_map(month_from_name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::formats::test_util;
    use crate::model::PartialDate;

    fn run(xml: &str) -> (Vec<Record>, Result<(), String>) {
        test_util::run_parser(parse, xml.as_bytes())
    }

    fn fixture(name: &str) -> String {
        String::from_utf8(test_util::fixture_bytes(name)).expect("UTF-8 fixture")
    }

    fn paper(r: &Record) -> (&Paper, Loc) {
        let (p, version, loc) = test_util::paper_of(r);
        assert_eq!(version, None);
        (p, loc)
    }

    #[test]
    fn new_style_collection() {
        let (recs, res) = run(&fixture("acl_xml_2099.tiny.xml"));
        res.unwrap();
        assert_eq!(recs.len(), 4, "frontmatter is not a record");
        let (p, loc) = paper(&recs[0]);
        assert_eq!(loc, Loc::Record(1));
        assert_eq!(p.id, "");
        assert_eq!(p.ids.acl.as_deref(), Some("2099.tiny-main.1"));
        assert_eq!(p.ids.doi.as_deref(), Some("10.18653/v1/2099.tiny-main.1"));
        assert_eq!(p.ids.other, vec!["souza-etal-2099-learning"]);
        assert_eq!(p.title, "Learning $\\alpha$-Rules for BERT and Caf\u{e9} Talk");
        assert_eq!(p.abstract_text, "We use <b> and bold ideas & $O(n^2)$ time.\n        Code: https://example.org/code.");
        let names: Vec<&str> = p.authors.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, vec!["Ana Souza", "Jean Fox Tree", "Plato"], "editors and variants are not authors");
        assert_eq!(p.authors[0].affiliations, vec!["Univ. A"]);
        assert_eq!(p.venue.as_deref(), Some("Proceedings of the Tiny NLP Conference"));
        assert_eq!(p.published, PartialDate::month(2099, 7));
        assert_eq!(p.links.pdf.as_deref(), Some("https://aclanthology.org/2099.tiny-main.1.pdf"));
        assert_eq!(p.links.abs.as_deref(), Some("https://aclanthology.org/2099.tiny-main.1/"));
        assert_eq!(p.links.code, vec!["https://github.com/example/tiny"]);
        assert_eq!(p.comment, None);
        assert!(p.sources.is_empty());
    }

    #[test]
    fn title_only_retracted_and_built_ids() {
        let (recs, _) = run(&fixture("acl_xml_2099.tiny.xml"));
        // No <url>: the id is built from collection, volume and paper ids.
        let (p, _) = paper(&recs[1]);
        assert_eq!(p.title, "A Title Without an Abstract");
        assert_eq!(p.abstract_text, "");
        assert_eq!(p.ids.acl.as_deref(), Some("2099.tiny-main.2"));
        assert_eq!(p.comment.as_deref(), Some("retracted 2099-09-01: Data leak."));
        assert_eq!(p.ids.doi, None);
        // Second volume: its own meta (numeric month, journal override).
        let (p, loc) = paper(&recs[3]);
        assert_eq!(loc, Loc::Record(4));
        assert_eq!(p.ids.acl.as_deref(), Some("2099.tiny-demo.7"));
        assert_eq!(p.published, PartialDate::month(2099, 12));
        assert_eq!(p.venue.as_deref(), Some("Journal of Tiny Things"));
    }

    #[test]
    fn paper_without_title_or_abstract_is_bad() {
        let (recs, _) = run(&fixture("acl_xml_2099.tiny.xml"));
        let (loc, reason) = test_util::bad_of(&recs[2]);
        assert_eq!(loc, Loc::Record(3));
        assert!(reason.contains("no title and no abstract"), "{reason}");
    }

    #[test]
    fn old_style_collection() {
        let (recs, res) = run(&fixture("acl_xml_X98.xml"));
        res.unwrap();
        assert_eq!(recs.len(), 3);
        let (p, _) = paper(&recs[0]);
        assert_eq!(p.ids.acl.as_deref(), Some("X98-1001"), "from <url>");
        assert_eq!(p.published, Some(PartialDate::year(1998)), "no month given");
        assert_eq!(p.title, "Parsing with Unification Grammars");
        let (p, _) = paper(&recs[1]);
        assert_eq!(p.ids.acl.as_deref(), Some("X98-2012"), "built, zero-padded");
        assert_eq!(p.venue.as_deref(), Some("Workshop Two"));
        let (p, _) = paper(&recs[2]);
        assert_eq!(p.ids.acl.as_deref(), Some("X98-2013"));
        assert_eq!(p.links.pdf.as_deref(), Some("http://www.example.org/proc/13.pdf"), "external PDF kept");
        assert_eq!(p.published, PartialDate::month(1998, 8));
    }

    #[test]
    fn truncated_collection_keeps_earlier_papers() {
        let full = fixture("acl_xml_2099.tiny.xml");
        let cut = full.find("<title>A Title Without").expect("fixture has a second paper");
        let (recs, res) = run(&full[..cut + 12]);
        assert_eq!(recs.len(), 1);
        assert_eq!(paper(&recs[0]).0.ids.acl.as_deref(), Some("2099.tiny-main.1"));
        let err = res.unwrap_err();
        assert!(err.starts_with("record 2: ") && err.contains("byte"), "{err}");
    }

    #[test]
    fn ids_and_months() {
        assert!(is_anthology_id("2020.acl-main.1"));
        assert!(is_anthology_id("P19-1001"));
        assert!(!is_anthology_id("2020.acl-main"));
        assert!(!is_anthology_id("P19-1"));
        assert!(!is_anthology_id("http://www.example.org/1.pdf"));
        assert_eq!(build_id("W19", "36", "1").as_deref(), Some("W19-3601"));
        assert_eq!(build_id("W19", "36", "100"), None, "does not fit");
        assert_eq!(build_id("2020.acl", "main", "12").as_deref(), Some("2020.acl-main.12"));
        assert_eq!(build_id("", "main", "12"), None);
        assert_eq!(parse_month("July"), Some(7));
        assert_eq!(parse_month("7"), Some(7));
        assert_eq!(parse_month("13"), None);
        assert_eq!(parse_month("1\u{2013}3 December"), Some(12));
        assert_eq!(parse_month("August 28th and 29th"), Some(8));
        assert_eq!(parse_month("Sept"), Some(9));
        assert_eq!(parse_month("Summer"), None);
        assert_eq!(parse_year(" 2020 "), Some(2020));
        assert_eq!(parse_year("20201"), None);
    }

}
