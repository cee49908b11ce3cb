//! The arXiv API Atom feed (`export.arxiv.org/api/query`): one paper per `<entry>`.

use super::util::{first_doi, non_empty, push_unique};
use super::xml_util::{after_record, Ev, XmlPull};
use crate::ingest::clean::clean_inline;
use crate::ingest::ids::{normalize_doi, parse_arxiv};
use crate::ingest::{Loc, ParseCtx, Record};
use crate::model::{Author, Paper, PartialDate};
use std::io::BufRead;

pub fn parse(input: &mut dyn BufRead, _ctx: &ParseCtx, emit: &mut dyn FnMut(Record)) -> Result<(), String> {
    let mut xml = XmlPull::new(input);
    let mut n = 0u64;
    loop {
        match xml.next().map_err(|e| after_record(e, n))? {
            Ev::Start(el) if el.name == "entry" => {
                n += 1;
                let entry = read_entry(&mut xml).map_err(|e| format!("record {n}: {e}"))?;
                emit(entry.into_record(Loc::Record(n)));
            }
            Ev::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// The fields of one `<entry>`, as read.
#[derive(Default)]
struct Entry {
    id: String,
    paper: Paper,
    primary_category: Option<String>,
}

fn read_entry(xml: &mut XmlPull) -> Result<Entry, String> {
    let mut entry = Entry::default();
    xml.children(|xml, el| {
        let p = &mut entry.paper;
        match el.name.as_str() {
            "id" => entry.id = xml.read_text()?.trim().to_string(),
            "title" => p.title = xml.read_text()?.trim().to_string(),
            "summary" => p.abstract_text = xml.read_text()?.trim().to_string(),
            "published" => p.published = PartialDate::parse_prefix(&xml.read_text()?),
            "updated" => p.updated = PartialDate::parse_prefix(&xml.read_text()?),
            "author" => {
                if let Some(author) = read_author(xml)? {
                    p.authors.push(author);
                }
            }
            "doi" => p.ids.doi = first_doi(&xml.read_text()?).or(p.ids.doi.take()),
            "journal_ref" => p.venue = non_empty(clean_inline(&xml.read_text()?)),
            "comment" => p.comment = non_empty(clean_inline(&xml.read_text()?)),
            "primary_category" => entry.primary_category = el.attr("term").map(str::to_string),
            "category" => {
                if let Some(term) = el.attr("term") {
                    push_unique(&mut p.categories, term.trim());
                }
            }
            "link" => {
                let href = el.attr("href").map(str::trim).filter(|h| !h.is_empty());
                match (el.attr("rel"), el.attr("title"), href) {
                    (_, Some("pdf"), Some(href)) => p.links.pdf = Some(href.to_string()),
                    (_, Some("doi"), Some(href)) if p.ids.doi.is_none() => p.ids.doi = normalize_doi(href),
                    (Some("alternate"), _, Some(href)) => p.links.abs = Some(href.to_string()),
                    _ => {}
                }
            }
            _ => {}
        }
        Ok(())
    })?;
    Ok(entry)
}

fn read_author(xml: &mut XmlPull) -> Result<Option<Author>, String> {
    let mut author = Author::default();
    xml.children(|xml, el| {
        match el.name.as_str() {
            "name" => author.name = clean_inline(&xml.read_text()?),
            "affiliation" => push_unique(&mut author.affiliations, &clean_inline(&xml.read_text()?)),
            _ => {}
        }
        Ok(())
    })?;
    Ok((!author.name.is_empty()).then_some(author))
}

impl Entry {
    fn into_record(self, loc: Loc) -> Record {
        let Entry { id, mut paper, primary_category } = self;
        if id.contains("api/errors") {
            let reason = match paper.abstract_text.trim() {
                "" => format!("arXiv API error {id}"),
                summary => format!("arXiv API error: {}", clean_inline(summary)),
            };
            return Record::Bad { loc, reason };
        }
        if paper.title.is_empty() && paper.abstract_text.is_empty() {
            return Record::Bad { loc, reason: "entry has no title and no summary".into() };
        }
        if let Some(primary) = primary_category.map(|c| c.trim().to_string()).filter(|c| !c.is_empty()) {
            paper.categories.retain(|c| *c != primary);
            paper.categories.insert(0, primary);
        }
        let mut version = None;
        match parse_arxiv(&id) {
            Some(arxiv) => {
                version = arxiv.version;
                paper.ids.arxiv_versions.extend(arxiv.version);
                paper.ids.arxiv = Some(arxiv.base);
            }
            None if !id.is_empty() => paper.ids.other.push(id),
            None => {}
        }
        Record::Paper { loc, paper: Box::new(paper), version }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::formats::test_util;
    use crate::model::Links;

    fn run(xml: &str) -> (Vec<Record>, Result<(), String>) {
        test_util::run_parser(parse, xml.as_bytes())
    }

    fn fixture(name: &str) -> String {
        String::from_utf8(test_util::fixture_bytes(name)).expect("UTF-8 fixture")
    }

    fn paper(r: &Record) -> (&Paper, Option<u32>, Loc) {
        test_util::paper_of(r)
    }

    #[test]
    fn maps_every_field() {
        let (recs, res) = run(&fixture("arxiv_atom_feed.xml"));
        res.unwrap();
        assert_eq!(recs.len(), 4);
        let (p, version, loc) = paper(&recs[0]);
        assert_eq!(loc, Loc::Record(1));
        assert_eq!(version, Some(3));
        assert_eq!(p.id, "");
        assert_eq!(p.ids.arxiv.as_deref(), Some("2401.01234"));
        assert_eq!(p.ids.arxiv_versions, vec![3]);
        assert_eq!(p.ids.doi.as_deref(), Some("10.1000/xyz.123"));
        assert_eq!(p.title, "Sparse Mixtures of\n      Tiny Experts");
        assert!(p.abstract_text.starts_with("We study $O(n^2)$ routing"), "{}", p.abstract_text);
        assert!(p.abstract_text.ends_with("experts.\n      Second line."));
        assert_eq!(p.authors.len(), 2);
        assert_eq!(p.authors[0].name, "Ana Souza");
        assert_eq!(p.authors[0].affiliations, vec!["Univ. A".to_string(), "Lab B".to_string()]);
        assert_eq!(p.authors[1].name, "Bo Li");
        assert!(p.authors[1].affiliations.is_empty());
        assert_eq!(p.published, PartialDate::day(2024, 1, 5));
        assert_eq!(p.updated, PartialDate::day(2024, 3, 2));
        assert_eq!(p.venue.as_deref(), Some("J. Tiny Models 3 (2024) 1-9"));
        assert_eq!(p.comment.as_deref(), Some("12 pages, 3 figures"));
        assert_eq!(p.categories, vec!["cs.LG", "cs.AI", "stat.ML"]);
        assert_eq!(
            p.links,
            Links {
                abs: Some("http://arxiv.org/abs/2401.01234v3".into()),
                pdf: Some("http://arxiv.org/pdf/2401.01234v3".into()),
                ..Links::default()
            }
        );
        assert!(p.sources.is_empty());
    }

    #[test]
    fn entities_old_ids_and_doi_links() {
        let (recs, _) = run(&fixture("arxiv_atom_feed.xml"));
        let (p, version, _) = paper(&recs[1]);
        assert_eq!(p.title, "Caf\u{e9} & Cr\u{e8}me: <b> is not a tag");
        assert_eq!(p.authors[0].name, "J\u{e9}r\u{f4}me O'Neil");
        assert_eq!(p.ids.arxiv.as_deref(), Some("hep-th/9901001"));
        assert_eq!(version, Some(1));
        assert_eq!(p.ids.doi.as_deref(), Some("10.1103/physrevd.60.1"), "doi from the doi link");
        assert_eq!(p.categories, vec!["hep-th"], "primary listed once");
        assert_eq!(p.venue, None);
        assert_eq!(p.comment, None);
    }

    #[test]
    fn api_error_and_empty_entries_are_bad() {
        let (recs, _) = run(&fixture("arxiv_atom_feed.xml"));
        let (loc, reason) = test_util::bad_of(&recs[2]);
        assert_eq!(loc, Loc::Record(3));
        assert!(reason.contains("no title and no summary"), "{reason}");
        let (loc, reason) = test_util::bad_of(&recs[3]);
        assert_eq!(loc, Loc::Record(4));
        assert!(reason.contains("incorrect id format for 1234.5678"), "{reason}");
    }

    #[test]
    fn truncated_feed_keeps_earlier_entries() {
        let xml = r#"<feed xmlns="http://www.w3.org/2005/Atom">
            <entry><id>http://arxiv.org/abs/2401.00001v1</id><title>First</title></entry>
            <entry><id>http://arxiv.org/abs/2401.00002v1</id><title>Sec"#;
        let (recs, res) = run(xml);
        assert_eq!(recs.len(), 1);
        assert_eq!(paper(&recs[0]).0.title, "First");
        let err = res.unwrap_err();
        assert!(err.contains("record 2") && err.contains("byte"), "{err}");
    }

    #[test]
    fn mismatched_tags_are_an_error() {
        let xml = "<feed><entry><title>A</summary></entry></feed>";
        let (recs, res) = run(xml);
        assert!(recs.is_empty());
        assert!(res.unwrap_err().contains("record 1"));
    }

    #[test]
    fn feed_without_entries_is_empty() {
        let xml = r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"
            xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"><title>ArXiv Query</title>
            <opensearch:totalResults>0</opensearch:totalResults></feed>"#;
        let (recs, res) = run(xml);
        res.unwrap();
        assert!(recs.is_empty());
    }

}
