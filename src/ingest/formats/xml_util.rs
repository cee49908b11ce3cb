//! A thin streaming layer over quick-xml for the XML input formats (`arxiv_atom`, `oai_pmh`,
//! `acl_xml`): local names only (namespaces are matched by local name), text with entity and
//! character references resolved, CDATA as text, and errors that say where the document broke.

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
