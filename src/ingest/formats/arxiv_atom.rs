//! The arXiv API Atom feed (`export.arxiv.org/api/query`): one paper per `<entry>`.
//!
//! Also home of [`xml`], the small streaming layer the XML formats (`oai_pmh`, `acl_xml`)
//! share on top of quick-xml.

use crate::ingest::clean::clean_inline;
use crate::ingest::ids::{normalize_doi, parse_arxiv};
use crate::ingest::{Loc, ParseCtx, Record};
use crate::model::{Author, Paper, PartialDate};
use std::io::BufRead;
use xml::{Ev, XmlPull};

pub fn parse(input: &mut dyn BufRead, _ctx: &ParseCtx, emit: &mut dyn FnMut(Record)) -> Result<(), String> {
    let mut xml = XmlPull::new(input);
    let mut n = 0u64;
    loop {
        match xml.next().map_err(|e| xml::after_record(e, n))? {
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

/// The first DOI in a field that may list several, space separated (arXiv does).
pub(crate) fn first_doi(s: &str) -> Option<String> {
    s.split_whitespace().find_map(normalize_doi)
}

pub(crate) fn push_unique(list: &mut Vec<String>, item: &str) {
    if !item.is_empty() && !list.iter().any(|x| x == item) {
        list.push(item.to_string());
    }
}

pub(crate) fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// A thin streaming layer over quick-xml for the XML input formats: local names only
/// (namespaces are matched by local name), text with entity and character references
/// resolved, CDATA as text, and errors that say where the document broke.
pub(crate) mod xml {
    use quick_xml::escape::resolve_xml_entity;
    use quick_xml::events::{BytesRef, BytesStart, Event};
    use quick_xml::{Reader, XmlVersion};
    use std::io::BufRead;

    /// A start tag (or an empty-element tag, which is followed by its [`Ev::End`]).
    #[derive(Debug, Clone, PartialEq)]
    pub struct Element {
        /// Local name, namespace prefix dropped.
        pub name: String,
        /// Attributes by local name, values unescaped.
        attrs: Vec<(String, String)>,
    }

    impl Element {
        pub fn attr(&self, local_name: &str) -> Option<&str> {
            self.attrs.iter().find(|(k, _)| k == local_name).map(|(_, v)| v.as_str())
        }
    }

    #[derive(Debug, Clone, PartialEq)]
    pub enum Ev {
        Start(Element),
        /// End of an element, with its local name.
        End(String),
        /// Character data, references already resolved. Adjacent pieces may arrive separately.
        Text(String),
        Eof,
    }

    pub struct XmlPull<'a> {
        reader: Reader<&'a mut dyn BufRead>,
        buf: Vec<u8>,
        /// Local names of the open elements, outermost first.
        open: Vec<String>,
    }

    impl<'a> XmlPull<'a> {
        pub fn new(input: &'a mut dyn BufRead) -> Self {
            let mut reader = Reader::from_reader(input);
            reader.config_mut().expand_empty_elements = true;
            XmlPull { reader, buf: Vec::with_capacity(4096), open: Vec::new() }
        }

        /// Number of open elements.
        pub fn depth(&self) -> usize {
            self.open.len()
        }

        /// The next event. `Err` when the document is not well-formed, including when it
        /// ends while elements are still open (a truncated file).
        pub fn next(&mut self) -> Result<Ev, String> {
            loop {
                self.buf.clear();
                let event = match self.reader.read_event_into(&mut self.buf) {
                    Ok(event) => event,
                    Err(e) => return Err(format!("broken XML at byte {}: {e}", self.reader.error_position())),
                };
                let ev = match event {
                    Event::Start(start) => {
                        let el = element(&start).map_err(|e| format!("broken XML at byte {}: {e}", self.reader.buffer_position()))?;
                        self.open.push(el.name.clone());
                        Ev::Start(el)
                    }
                    Event::End(_) => match self.open.pop() {
                        Some(name) => Ev::End(name),
                        None => return Err(format!("broken XML at byte {}: unexpected end tag", self.reader.buffer_position())),
                    },
                    Event::Text(text) => Ev::Text(text.xml10_content().into_owned()),
                    Event::CData(text) => Ev::Text(text.xml10_content().into_owned()),
                    Event::GeneralRef(r) => Ev::Text(resolve_ref(&r)),
                    Event::Eof if self.open.is_empty() => Ev::Eof,
                    Event::Eof => {
                        return Err(format!("XML ends early at byte {} inside <{}>", self.reader.buffer_position(), self.open.join("><")))
                    }
                    Event::Empty(_) | Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => continue,
                };
                return Ok(ev);
            }
        }

        /// After a [`Ev::Start`]: everything up to its end tag, as text. The text of nested
        /// elements is kept, their tags dropped.
        pub fn read_text(&mut self) -> Result<String, String> {
            let depth = self.depth();
            let mut text = String::new();
            loop {
                match self.next()? {
                    Ev::Text(t) => text.push_str(&t),
                    Ev::End(_) if self.depth() < depth => return Ok(text),
                    _ => {}
                }
            }
        }

        /// After a [`Ev::Start`]: skip to its end tag.
        pub fn skip(&mut self) -> Result<(), String> {
            let depth = self.depth();
            while self.depth() >= depth {
                self.next()?;
            }
            Ok(())
        }

        /// After a [`Ev::Start`] (or at the top of the document): call `f` for each child
        /// element, then return after the end tag. `f` may read the child or leave it; what
        /// it leaves is skipped. Text directly inside the element is ignored.
        pub fn children(&mut self, mut f: impl FnMut(&mut Self, &Element) -> Result<(), String>) -> Result<(), String> {
            let depth = self.depth();
            loop {
                match self.next()? {
                    Ev::Start(el) => {
                        f(self, &el)?;
                        if self.depth() > depth {
                            self.skip()?;
                        }
                    }
                    Ev::End(_) if self.depth() < depth => return Ok(()),
                    Ev::Eof => return Ok(()),
                    _ => {}
                }
            }
        }
    }

    fn element(start: &BytesStart) -> Result<Element, String> {
        let name = start.local_name().as_ref().to_string();
        let mut attrs = Vec::new();
        for attr in start.attributes() {
            let attr = attr.map_err(|e| e.to_string())?;
            let value = attr.normalized_value(XmlVersion::Implicit1_0).map_err(|e| e.to_string())?;
            attrs.push((attr.key.local_name().as_ref().to_string(), value.into_owned()));
        }
        Ok(Element { name, attrs })
    }

    /// `&amp;` -> `&`, `&#233;` -> `é`. A reference XML does not define (`&nbsp;` without a
    /// DTD) or an invalid character number stays as written rather than losing the record.
    fn resolve_ref(r: &BytesRef) -> String {
        match r.resolve_char_ref() {
            Ok(Some(c)) => return c.to_string(),
            Ok(None) => {}
            Err(_) => return format!("&{};", &**r),
        }
        match resolve_xml_entity(r) {
            Some(s) => s.to_string(),
            None => format!("&{};", &**r),
        }
    }

    /// Adds which record the parser had reached to a top-level error.
    pub fn after_record(e: String, n: u64) -> String {
        if n == 0 {
            format!("{e} (before the first record)")
        } else {
            format!("{e} (after record {n})")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Links;

    fn run(xml: &str) -> (Vec<Record>, Result<(), String>) {
        let ctx = ParseCtx { file: "test.xml".into(), listing_date: None };
        let mut out = Vec::new();
        let res = parse(&mut xml.as_bytes(), &ctx, &mut |r| out.push(r));
        (out, res)
    }

    fn fixture(name: &str) -> String {
        let path = format!("{}/tests/data/formats/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn paper(r: &Record) -> (&Paper, Option<u32>, Loc) {
        match r {
            Record::Paper { paper, version, loc } => (paper, *version, *loc),
            other => panic!("expected a paper, got {other:?}"),
        }
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
        match &recs[2] {
            Record::Bad { loc, reason } => {
                assert_eq!(*loc, Loc::Record(3));
                assert!(reason.contains("no title and no summary"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        match &recs[3] {
            Record::Bad { loc, reason } => {
                assert_eq!(*loc, Loc::Record(4));
                assert!(reason.contains("incorrect id format for 1234.5678"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
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

    #[test]
    fn xml_layer_resolves_references_and_cdata() {
        let src = "<a x=\"1 &amp; 2\">&lt;&#x41;&#66;&unknown;<![CDATA[<c>&amp;]]><b/></a>";
        let mut input = src.as_bytes();
        let mut xml = XmlPull::new(&mut input);
        let Ev::Start(a) = xml.next().unwrap() else { panic!() };
        assert_eq!(a.attr("x"), Some("1 & 2"));
        assert_eq!(xml.read_text().unwrap(), "<AB&unknown;<c>&amp;");
        assert_eq!(xml.next().unwrap(), Ev::Eof);
    }

    /// Reads the shared real samples when present: `cargo test --lib <format> -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn real_samples() {
        let Ok(entries) = std::fs::read_dir("/work/shared/formats") else {
            eprintln!("/work/shared/formats absent, skipped");
            return;
        };
        let ctx = ParseCtx { file: "-".into(), listing_date: None };
        for path in entries.filter_map(|e| Some(e.ok()?.path())) {
            let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            if !name.starts_with("arxiv_api_atom") {
                continue;
            }
            let mut input = std::io::BufReader::new(std::fs::File::open(&path).unwrap());
            let mut recs = Vec::new();
            parse(&mut input, &ctx, &mut |r| recs.push(r)).unwrap_or_else(|e| panic!("{name}: {e}"));
            let papers = recs.iter().filter(|r| matches!(r, Record::Paper { .. })).count();
            eprintln!("{name}: {} records, {papers} papers", recs.len());
            for r in &recs {
                eprintln!("  {r:?}");
            }
            assert!(papers > 0, "{name}");
        }
    }
}
