//! arXiv OAI-PMH responses (`ListRecords`, `GetRecord`) with metadataPrefix `arXiv` or
//! `arXivRaw`: one paper per `<record>`, `Record::Deleted` for deleted headers.
//!
//! Elements are matched by local name, so namespace prefixes do not matter.

use super::util::{first_doi, non_empty, push_unique};
use super::xml_util::{after_record, Element, Ev, XmlPull};
use crate::ingest::clean::clean_inline;
use crate::ingest::ids::parse_arxiv;
use crate::ingest::{Loc, ParseCtx, Record};
use crate::model::{Author, Paper, PartialDate};
use std::collections::BTreeMap;
use std::io::BufRead;

pub fn parse(input: &mut dyn BufRead, _ctx: &ParseCtx, emit: &mut dyn FnMut(Record)) -> Result<(), String> {
    let mut xml = XmlPull::new(input);
    let mut n = 0u64;
    loop {
        match xml.next().map_err(|e| after_record(e, n))? {
            Ev::Start(el) if el.name == "record" => {
                n += 1;
                let record = read_record(&mut xml).map_err(|e| format!("record {n}: {e}"))?;
                emit(record.into_record(Loc::Record(n)));
            }
            Ev::Start(el) if el.name == "error" => {
                let code = el.attr("code").unwrap_or("unknown").to_string();
                let message = clean_inline(&xml.read_text().map_err(|e| after_record(e, n))?);
                // An empty harvest (nothing changed since `from`) is not a failure.
                if code != "noRecordsMatch" {
                    return Err(format!("OAI-PMH error {code}: {message}"));
                }
            }
            Ev::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// The resumption token of a `ListRecords` page, `None` on the last page (the element is
/// then empty or absent) or when the page cannot be read that far.
pub fn resumption_token(xml: &str) -> Option<String> {
    let mut input = xml.as_bytes();
    let mut pull = XmlPull::new(&mut input);
    loop {
        match pull.next().ok()? {
            Ev::Start(el) if el.name == "resumptionToken" => {
                let token = pull.read_text().ok()?;
                let token = token.trim();
                return (!token.is_empty()).then(|| token.to_string());
            }
            Ev::Eof => return None,
            _ => {}
        }
    }
}

/// One `<record>` as read.
#[derive(Default)]
struct OaiRecord {
    identifier: String,
    datestamp: Option<PartialDate>,
    deleted: bool,
    /// Local name of the element inside `<metadata>` (`arXiv`, `arXivRaw`, ...).
    format: Option<String>,
    /// `<id>` of the metadata.
    id: String,
    /// arXivRaw versions: number -> date.
    versions: BTreeMap<u32, Option<PartialDate>>,
    paper: Paper,
}

fn read_record(xml: &mut XmlPull) -> Result<OaiRecord, String> {
    let mut rec = OaiRecord::default();
    xml.children(|xml, el| {
        match el.name.as_str() {
            "header" => {
                rec.deleted = el.attr("status") == Some("deleted");
                xml.children(|xml, el| {
                    match el.name.as_str() {
                        "identifier" => rec.identifier = xml.read_text()?.trim().to_string(),
                        "datestamp" => rec.datestamp = PartialDate::parse_prefix(&xml.read_text()?),
                        _ => {}
                    }
                    Ok(())
                })?;
            }
            "metadata" => xml.children(|xml, el| {
                if rec.format.is_none() {
                    rec.format = Some(el.name.clone());
                    match el.name.as_str() {
                        "arXiv" | "arXivRaw" => read_metadata(xml, &mut rec)?,
                        _ => {}
                    }
                }
                Ok(())
            })?,
            _ => {}
        }
        Ok(())
    })?;
    Ok(rec)
}

/// The children of `<arXiv>` or `<arXivRaw>`; the two share most element names.
fn read_metadata(xml: &mut XmlPull, rec: &mut OaiRecord) -> Result<(), String> {
    xml.children(|xml, el| {
        let p = &mut rec.paper;
        match el.name.as_str() {
            "id" => rec.id = xml.read_text()?.trim().to_string(),
            "title" => p.title = xml.read_text()?.trim().to_string(),
            "abstract" => p.abstract_text = xml.read_text()?.trim().to_string(),
            "categories" => {
                for cat in xml.read_text()?.split_whitespace() {
                    push_unique(&mut p.categories, cat);
                }
            }
            "doi" => p.ids.doi = first_doi(&xml.read_text()?),
            "journal-ref" => p.venue = non_empty(clean_inline(&xml.read_text()?)),
            "comments" => p.comment = non_empty(clean_inline(&xml.read_text()?)),
            // arXiv
            "created" => p.published = PartialDate::parse_prefix(&xml.read_text()?),
            "updated" => p.updated = PartialDate::parse_prefix(&xml.read_text()?),
            "authors" => read_authors(xml, p)?,
            // arXivRaw
            "version" => read_version(xml, el, &mut rec.versions)?,
            _ => {}
        }
        Ok(())
    })
}

/// `<authors>`: structured `<author>` children (arXiv) or one string (arXivRaw).
fn read_authors(xml: &mut XmlPull, paper: &mut Paper) -> Result<(), String> {
    let mut text = String::new();
    let mut structured = Vec::new();
    let depth = xml.depth();
    loop {
        match xml.next()? {
            Ev::Start(el) if el.name == "author" => structured.push(read_author(xml)?),
            Ev::Start(_) => xml.skip()?,
            Ev::Text(t) => text.push_str(&t),
            Ev::End(_) if xml.depth() < depth => break,
            _ => {}
        }
    }
    if structured.is_empty() {
        paper.authors.extend(split_authors(&text));
    } else {
        paper.authors.extend(structured.into_iter().filter(|a| !a.name.is_empty()));
    }
    Ok(())
}

/// arXiv `<author>`: `<keyname>`, `<forenames>`, `<suffix>`, `<affiliation>`*.
fn read_author(xml: &mut XmlPull) -> Result<Author, String> {
    let (mut keyname, mut forenames, mut suffix) = (String::new(), String::new(), String::new());
    let mut affiliations = Vec::new();
    xml.children(|xml, el| {
        match el.name.as_str() {
            "keyname" => keyname = xml.read_text()?,
            "forenames" => forenames = xml.read_text()?,
            "suffix" => suffix = xml.read_text()?,
            "affiliation" => push_unique(&mut affiliations, &clean_inline(&xml.read_text()?)),
            _ => {}
        }
        Ok(())
    })?;
    let name = clean_inline(&format!("{forenames} {keyname} {suffix}"));
    Ok(Author { name, affiliations })
}

/// arXivRaw `<version version="v2"><date>Tue, 3 Apr 2007 10:00:00 GMT</date>...`.
fn read_version(xml: &mut XmlPull, el: &Element, versions: &mut BTreeMap<u32, Option<PartialDate>>) -> Result<(), String> {
    let number = el.attr("version").and_then(|v| v.trim().trim_start_matches(['v', 'V']).parse::<u32>().ok());
    let mut date = None;
    xml.children(|xml, el| {
        if el.name == "date" {
            date = PartialDate::parse_rfc2822(&xml.read_text()?);
        }
        Ok(())
    })?;
    if let Some(number) = number {
        versions.insert(number, date);
    }
    Ok(())
}

impl OaiRecord {
    fn into_record(self, loc: Loc) -> Record {
        let OaiRecord { identifier, datestamp, deleted, format, id, versions, mut paper } = self;
        if deleted {
            let id = parse_arxiv(&identifier).map(|a| a.base).unwrap_or(identifier);
            return Record::Deleted { loc, id };
        }
        match format.as_deref() {
            Some("arXiv" | "arXivRaw") => {}
            Some(other) => {
                return Record::Bad { loc, reason: format!("unsupported metadata format <{other}> (expected arXiv or arXivRaw)") }
            }
            None => return Record::Bad { loc, reason: "record has no metadata".into() },
        }
        if paper.title.is_empty() && paper.abstract_text.is_empty() {
            return Record::Bad { loc, reason: "record has no title and no abstract".into() };
        }
        match parse_arxiv(&id).or_else(|| parse_arxiv(&identifier)) {
            Some(arxiv) => paper.ids.arxiv = Some(arxiv.base),
            None => {
                let other = if id.is_empty() { identifier } else { id };
                if !other.is_empty() {
                    paper.ids.other.push(other);
                }
            }
        }
        let version = versions.keys().next_back().copied();
        if !versions.is_empty() {
            paper.ids.arxiv_versions = versions.keys().copied().collect();
            let first = versions.get(&1).or_else(|| versions.values().next()).copied().flatten();
            paper.published = paper.published.or(first);
            paper.updated = versions.values().next_back().copied().flatten().or(paper.updated);
        }
        // The datestamp is when the metadata last changed: only a stand-in for `updated`.
        paper.updated = paper.updated.or(datestamp);
        Record::Paper { loc, paper: Box::new(paper), version }
    }
}

/// Split an arXivRaw author string, `A. One (MIT), B. Two and C. Three`, into authors.
/// Separators inside parentheses do not split; a trailing parenthesised group is the
/// author's affiliation; numbered affiliations, `A (1), B (2) ((1) MIT, (2) CERN)`,
/// are resolved; `Jr.`-style suffixes stay with the name before them.
pub fn split_authors(s: &str) -> Vec<Author> {
    let s = clean_inline(s);
    let (names, legend) = split_legend(&s);
    let mut authors: Vec<Author> = Vec::new();
    for piece in split_top_level(names) {
        let (name, groups) = strip_trailing_groups(piece);
        let name = clean_inline(name);
        if name.is_empty() {
            continue;
        }
        let suffix = matches!(name.trim_end_matches('.'), "Jr" | "Sr" | "II" | "III" | "IV");
        if let (true, Some(prev)) = (suffix && groups.is_empty(), authors.last_mut()) {
            prev.name = format!("{} {name}", prev.name);
            continue;
        }
        let mut author = Author::new(name);
        for group in groups {
            match affiliation_refs(group) {
                Some(refs) => {
                    for r in refs {
                        if let Some(aff) = legend.get(&r) {
                            push_unique(&mut author.affiliations, aff);
                        }
                    }
                }
                None => push_unique(&mut author.affiliations, &clean_inline(group)),
            }
        }
        authors.push(author);
    }
    authors
}

/// Cut a trailing numbered-affiliation legend, `((1) MIT, (2) CERN)`, off an author string.
fn split_legend(s: &str) -> (&str, BTreeMap<u32, String>) {
    let mut legend = BTreeMap::new();
    let trimmed = s.trim_end();
    let Some(open) = matching_open(trimmed).filter(|_| trimmed.ends_with(')')) else { return (s, legend) };
    let body = &trimmed[open + 1..trimmed.len() - 1];
    if !body.trim_start().starts_with('(') {
        return (s, legend);
    }
    // body: "(1) MIT, (2) CERN"
    let mut rest = body.trim_start();
    while let Some(after_open) = rest.strip_prefix('(') {
        let Some(close) = after_open.find(')') else { break };
        let Ok(num) = after_open[..close].trim().parse::<u32>() else { break };
        let tail = &after_open[close + 1..];
        let end = next_numbered(tail).unwrap_or(tail.len());
        let aff = clean_inline(tail[..end].trim().trim_end_matches([',', ';']));
        if !aff.is_empty() {
            legend.insert(num, aff);
        }
        rest = tail[end..].trim_start();
    }
    if legend.is_empty() {
        return (s, legend);
    }
    (&trimmed[..open], legend)
}

/// Byte offset of the next `(digits)` in `s`.
fn next_numbered(s: &str) -> Option<usize> {
    s.match_indices('(').map(|(i, _)| i).find(|&i| {
        let after = &s[i + 1..];
        after.find(')').is_some_and(|close| close > 0 && after[..close].trim().bytes().all(|b| b.is_ascii_digit()))
    })
}

/// Byte offset of the `(` matching the `)` that ends `s`.
fn matching_open(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Split on `,`, `;` and the word `and`, outside parentheses.
fn split_top_level(s: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b',' | b';' if depth == 0 => {
                pieces.push(&s[start..i]);
                start = i + 1;
            }
            b' ' if depth == 0 && s[i..].starts_with(" and ") => {
                pieces.push(&s[start..i]);
                start = i + 5;
                i += 4;
            }
            _ => {}
        }
        i += 1;
    }
    pieces.push(&s[start..]);
    pieces
        .into_iter()
        .map(|p| {
            let p = p.trim();
            p.strip_prefix("and ").unwrap_or(p)
        })
        .collect()
}

/// `Name (Aff 1) (Aff 2)` -> (`Name`, [`Aff 1`, `Aff 2`]).
fn strip_trailing_groups(mut s: &str) -> (&str, Vec<&str>) {
    let mut groups = Vec::new();
    loop {
        s = s.trim_end();
        match (s.ends_with(')'), matching_open(s)) {
            (true, Some(open)) if open > 0 => {
                groups.insert(0, &s[open + 1..s.len() - 1]);
                s = &s[..open];
            }
            _ => return (s, groups),
        }
    }
}

/// `1, 2` or `1 and 3` -> the numbers; `None` when the group is not only numbers.
fn affiliation_refs(group: &str) -> Option<Vec<u32>> {
    let refs: Vec<&str> = group.split([',', ' ']).filter(|t| !t.is_empty() && *t != "and").collect();
    if refs.is_empty() {
        return None;
    }
    refs.iter().map(|t| t.parse().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::formats::test_util;

    fn run(xml: &str) -> (Vec<Record>, Result<(), String>) {
        test_util::run_parser(parse, xml.as_bytes())
    }

    fn fixture(name: &str) -> String {
        String::from_utf8(test_util::fixture_bytes(name)).expect("UTF-8 fixture")
    }

    fn paper(r: &Record) -> (&Paper, Option<u32>, Loc) {
        test_util::paper_of(r)
    }

    fn names(authors: &[Author]) -> Vec<&str> {
        authors.iter().map(|a| a.name.as_str()).collect()
    }

    #[test]
    fn arxiv_raw_fields_versions_and_dates() {
        let (recs, res) = run(&fixture("oai_pmh_listrecords_arXivRaw.xml"));
        res.unwrap();
        assert_eq!(recs.len(), 4);
        let (p, version, loc) = paper(&recs[0]);
        assert_eq!(loc, Loc::Record(1));
        assert_eq!(p.id, "");
        assert_eq!(p.ids.arxiv.as_deref(), Some("0704.0099"));
        assert_eq!(p.ids.arxiv_versions, vec![1, 2, 3]);
        assert_eq!(version, Some(3));
        assert_eq!(p.published, PartialDate::day(2007, 4, 2), "v1 date");
        assert_eq!(p.updated, PartialDate::day(2008, 1, 15), "latest version date");
        assert_eq!(p.title, "Caf\u{e9} physics & the\n  $\\beta$-function");
        assert_eq!(p.abstract_text, "We compute things.\nSecond line with <tags> & \"quotes\".");
        assert_eq!(names(&p.authors), vec!["A. Dupont", "B. van der Berg", "C. O'Hara Jr."]);
        assert_eq!(p.authors[0].affiliations, vec!["Univ. of X, Dept. of Physics and Astronomy"]);
        assert_eq!(p.categories, vec!["hep-ph", "hep-th"]);
        assert_eq!(p.ids.doi.as_deref(), Some("10.1103/physrevd.76.013009"));
        assert_eq!(p.venue.as_deref(), Some("Phys. Rev. D 76 (2007) 013009"));
        assert_eq!(p.comment.as_deref(), Some("10 pages, \"quoted\" remark"));
        assert!(p.sources.is_empty() && p.links.is_empty());
    }

    #[test]
    fn deleted_records_and_header_fallbacks() {
        let (recs, _) = run(&fixture("oai_pmh_listrecords_arXivRaw.xml"));
        assert_eq!(recs[1], Record::Deleted { loc: Loc::Record(2), id: "2501.99999".into() });
        // No <id> in the metadata: the header identifier gives it; the datestamp stands in for `updated`.
        let (p, version, _) = paper(&recs[2]);
        assert_eq!(p.ids.arxiv.as_deref(), Some("math/0309136"));
        assert_eq!(version, None);
        assert!(p.ids.arxiv_versions.is_empty());
        assert_eq!(p.published, None);
        assert_eq!(p.updated, PartialDate::day(2003, 9, 20));
        assert_eq!(p.abstract_text, "Only an abstract.");
        assert_eq!(p.title, "");
    }

    #[test]
    fn record_without_title_or_abstract_is_bad() {
        let (recs, _) = run(&fixture("oai_pmh_listrecords_arXivRaw.xml"));
        let (loc, reason) = test_util::bad_of(&recs[3]);
        assert_eq!(loc, Loc::Record(4));
        assert!(reason.contains("no title and no abstract"), "{reason}");
    }

    #[test]
    fn resumption_token_is_read_not_emitted() {
        let xml = fixture("oai_pmh_listrecords_arXivRaw.xml");
        assert_eq!(resumption_token(&xml).as_deref(), Some("6043231|1001&x"));
        let last = "<OAI-PMH><ListRecords><record/><resumptionToken cursor=\"1000\" completeListSize=\"1001\"/></ListRecords></OAI-PMH>";
        assert_eq!(resumption_token(last), None);
        assert_eq!(resumption_token(&fixture("oai_pmh_getrecord_arXiv.xml")), None);
    }

    #[test]
    fn arxiv_format_structured_authors() {
        let (recs, res) = run(&fixture("oai_pmh_getrecord_arXiv.xml"));
        res.unwrap();
        assert_eq!(recs.len(), 1);
        let (p, version, _) = paper(&recs[0]);
        assert_eq!(version, None);
        assert_eq!(p.ids.arxiv.as_deref(), Some("1501.00001"));
        assert_eq!(p.published, PartialDate::day(2014, 12, 30));
        assert_eq!(p.updated, PartialDate::day(2015, 2, 11));
        assert_eq!(names(&p.authors), vec!["Mar\u{ed}a Jos\u{e9} Garc\u{ed}a", "Wei Zhang Jr", "Collab"]);
        assert_eq!(p.authors[0].affiliations, vec!["Inst. A", "Inst. B"]);
        assert!(p.authors[1].affiliations.is_empty());
        assert_eq!(p.title, "Stars & Dust");
        assert_eq!(p.abstract_text, "A $\\Lambda$CDM study.");
        assert_eq!(p.categories, vec!["astro-ph.GA", "astro-ph.CO"]);
        assert_eq!(p.ids.doi.as_deref(), Some("10.1000/abc"), "first of two DOIs");
        assert_eq!(p.venue.as_deref(), Some("Astro. J. 1 (2015)"));
        assert_eq!(p.comment, None);
    }

    #[test]
    fn oai_error_is_err_but_no_records_is_empty() {
        let err = r#"<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><error code="badResumptionToken">The token &amp; is bad</error></OAI-PMH>"#;
        let (recs, res) = run(err);
        assert!(recs.is_empty());
        assert_eq!(res.unwrap_err(), "OAI-PMH error badResumptionToken: The token & is bad");
        let none = r#"<OAI-PMH><error code="noRecordsMatch">nothing</error></OAI-PMH>"#;
        let (recs, res) = run(none);
        assert!(recs.is_empty() && res.is_ok());
    }

    #[test]
    fn truncated_harvest_keeps_earlier_records() {
        let full = fixture("oai_pmh_listrecords_arXivRaw.xml");
        let cut = full.find("Only an abstract").expect("fixture has a third record");
        let (recs, res) = run(&full[..cut + 4]);
        assert_eq!(recs.len(), 2);
        assert!(matches!(recs[0], Record::Paper { .. }));
        assert!(matches!(recs[1], Record::Deleted { .. }));
        let err = res.unwrap_err();
        assert!(err.starts_with("record 3: ") && err.contains("byte"), "{err}");
    }

    #[test]
    fn other_metadata_formats_and_missing_metadata_are_bad() {
        let xml = r#"<OAI-PMH><ListRecords>
            <record><header><identifier>oai:arXiv.org:0704.0001</identifier></header>
              <metadata><oai_dc:dc xmlns:oai_dc="x"><dc:title xmlns:dc="y">T</dc:title></oai_dc:dc></metadata></record>
            <record><header><identifier>oai:arXiv.org:0704.0002</identifier></header></record>
            </ListRecords></OAI-PMH>"#;
        let (recs, res) = run(xml);
        res.unwrap();
        assert!(matches!(&recs[0], Record::Bad { reason, .. } if reason.contains("<dc>")), "{:?}", recs[0]);
        assert!(matches!(&recs[1], Record::Bad { reason, loc: Loc::Record(2) } if reason.contains("no metadata")));
    }

    #[test]
    fn author_strings() {
        let a = split_authors("A. Cabrera-Codony, A. Valverde");
        assert_eq!(names(&a), vec!["A. Cabrera-Codony", "A. Valverde"]);
        let a = split_authors("Igor A. Zaliznyak and John M.\n Tranquada");
        assert_eq!(names(&a), vec!["Igor A. Zaliznyak", "John M. Tranquada"]);
        let a = split_authors("A. One, B. Two, and C. Three");
        assert_eq!(names(&a), vec!["A. One", "B. Two", "C. Three"]);
        let a = split_authors("A. One (1 and 2), B. Two (2) ((1) MIT, Cambridge (2) CERN)");
        assert_eq!(names(&a), vec!["A. One", "B. Two"]);
        assert_eq!(a[0].affiliations, vec!["MIT, Cambridge", "CERN"]);
        assert_eq!(a[1].affiliations, vec!["CERN"]);
        let a = split_authors("The ATLAS Collaboration");
        assert_eq!(names(&a), vec!["The ATLAS Collaboration"]);
        assert!(split_authors("  ").is_empty());
    }

}
