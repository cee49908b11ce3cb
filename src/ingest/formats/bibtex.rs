//! BibTeX / BibLaTeX: `@type{key, field = value, ...}` entries as Zotero, the ACL Anthology,
//! Google Scholar or arXiv export them.
//!
//! The input is read line by line and one entry at a time is held in memory. A light scanner
//! (`Splitter`) finds where each entry ends by counting braces; `parse_entry` then reads its
//! fields. Neither recurses, so deeply nested braces cannot overflow the stack: nesting deeper
//! than [`MAX_DEPTH`] makes the entry bad (a "LaTeX bomb").
//!
//! Values: `{...}`, `"..."`, numbers and `@string` macros (month macros `jan`..`dec` built in),
//! joined with `#`. Title and abstract are kept raw, inner braces and TeX included (only the
//! outer delimiters go): the cleaner turns TeX into text later. Names, venue and keywords go
//! through [`clean_inline`].
//!
//! Recovery: an entry still open when a line starting with `@type{` appears is reported bad
//! (unbalanced braces) and parsing restarts at that line.
//!
//! The line reader and the date, DOI and URL helpers it shares with the other text formats
//! (`ris`, `hf_listing`) live in `super::util`.

use super::util::{add_link, best_date, first_year, month_number, push_unique, set_arxiv, set_doi, LineReader};
use crate::ingest::clean::clean_inline;
use crate::ingest::{Loc, ParseCtx, Record};
use crate::model::{Author, Paper, PartialDate};
use std::collections::HashMap;
use std::io::BufRead;

/// Deepest brace nesting accepted inside an entry.
pub const MAX_DEPTH: usize = 64;
/// Longest entry held in memory; a longer one is reported bad and skipped.
const MAX_ENTRY_BYTES: usize = 16 << 20;

pub fn parse(input: &mut dyn BufRead, _ctx: &ParseCtx, emit: &mut dyn FnMut(Record)) -> Result<(), String> {
    let mut lines = LineReader::new(input);
    let mut splitter = Splitter::default();
    let mut macros = builtin_macros();
    let mut on_chunk = |chunk: Chunk| {
        if let Some(record) = chunk_record(chunk, &mut macros) {
            emit(record);
        }
    };
    while let Some((n, line)) = lines.next_line()? {
        splitter.feed(n, line, &mut on_chunk);
    }
    splitter.finish(&mut on_chunk);
    Ok(())
}

/// What the splitter hands on: a delimited entry, or the reason one could not be delimited.
enum Chunk {
    /// The entry's bytes, from `@` to its closing delimiter.
    Entry {
        line: u64,
        text: Vec<u8>,
    },
    Broken {
        line: u64,
        reason: String,
    },
}

fn chunk_record(chunk: Chunk, macros: &mut HashMap<String, String>) -> Option<Record> {
    let (line, text) = match chunk {
        Chunk::Entry { line, text } => (line, text),
        Chunk::Broken { line, reason } => return Some(Record::Bad { loc: Loc::Line(line), reason }),
    };
    let loc = Loc::Line(line);
    let Ok(text) = std::str::from_utf8(&text) else {
        return Some(Record::Bad { loc, reason: "invalid UTF-8".into() });
    };
    match parse_entry(text, macros) {
        Ok(None) => None,
        Ok(Some(fields)) => {
            let paper = fields_to_paper(&fields);
            if paper.title.trim().is_empty() && paper.abstract_text.trim().is_empty() {
                Some(Record::Bad { loc, reason: "entry has neither title nor abstract".into() })
            } else {
                Some(Record::Paper { loc, paper: Box::new(paper), version: None })
            }
        }
        Err(reason) => Some(Record::Bad { loc, reason }),
    }
}

// ---------------------------------------------------------------------------------------------
// Splitting the stream into entries

/// Finds entry boundaries in a stream of lines, holding only the current entry.
#[derive(Default)]
struct Splitter {
    open: Option<OpenEntry>,
}

/// An entry whose closing delimiter has not been seen yet.
struct OpenEntry {
    line: u64,
    text: Vec<u8>,
    /// `}` or `)`, matching the opening delimiter.
    close: u8,
    /// Brace depth inside the entry (0 = between fields).
    depth: usize,
    max_depth: usize,
    /// Inside a `"..."` value at depth 0.
    in_quote: bool,
    prev: u8,
    /// A `}` with no `{` to close in a `(...)` entry.
    stray_close: bool,
    too_long: bool,
}

impl Splitter {
    fn feed(&mut self, n: u64, line: &[u8], out: &mut dyn FnMut(Chunk)) {
        if self.open.is_some() && entry_header(line.trim_ascii_start()).is_some() {
            if let Some(open) = self.open.take() {
                out(open.unterminated("before the next entry"));
            }
        }
        let mut rest = line;
        loop {
            match self.open.as_mut() {
                None => {
                    let Some((start, len, close)) = find_header(rest) else { return };
                    self.open = Some(OpenEntry::new(n, &rest[start..start + len], close));
                    rest = &rest[start + len..];
                }
                Some(open) => match open.scan(rest) {
                    Some(end) => {
                        open.push(&rest[..end]);
                        rest = &rest[end..];
                        if let Some(done) = self.open.take() {
                            out(done.complete());
                        }
                    }
                    None => {
                        open.push(rest);
                        open.push(b"\n");
                        return;
                    }
                },
            }
        }
    }

    fn finish(&mut self, out: &mut dyn FnMut(Chunk)) {
        if let Some(open) = self.open.take() {
            out(open.unterminated("at the end of the input"));
        }
    }
}

impl OpenEntry {
    fn new(line: u64, header: &[u8], close: u8) -> Self {
        OpenEntry {
            line,
            text: header.to_vec(),
            close,
            depth: 0,
            max_depth: 0,
            in_quote: false,
            prev: b' ',
            stray_close: false,
            too_long: false,
        }
    }

    /// Scan bytes of the entry's body; returns the offset just past the closing delimiter.
    fn scan(&mut self, s: &[u8]) -> Option<usize> {
        for (i, &b) in s.iter().enumerate() {
            match b {
                b'{' => {
                    self.depth += 1;
                    self.max_depth = self.max_depth.max(self.depth);
                }
                b'}' if self.depth > 0 => self.depth -= 1,
                b'}' if self.close == b'}' => return Some(i + 1),
                b'}' => self.stray_close = true,
                b')' if self.depth == 0 && !self.in_quote && self.close == b')' => return Some(i + 1),
                // `\"` does not end a quoted value (lenient: BibTeX itself would end it).
                b'"' if self.depth == 0 && !(self.in_quote && self.prev == b'\\') => self.in_quote = !self.in_quote,
                _ => {}
            }
            self.prev = b;
        }
        self.prev = b'\n';
        None
    }

    fn push(&mut self, bytes: &[u8]) {
        if self.too_long {
            return;
        }
        if self.text.len() + bytes.len() > MAX_ENTRY_BYTES {
            self.too_long = true;
            self.text = Vec::new();
        } else {
            self.text.extend_from_slice(bytes);
        }
    }

    fn complete(self) -> Chunk {
        let line = self.line;
        let reason = if self.max_depth > MAX_DEPTH {
            format!("braces nested deeper than {MAX_DEPTH}")
        } else if self.stray_close {
            "unbalanced braces: '}' without '{'".to_string()
        } else if self.too_long {
            format!("entry longer than {} MiB", MAX_ENTRY_BYTES >> 20)
        } else {
            return Chunk::Entry { line, text: self.text };
        };
        Chunk::Broken { line, reason }
    }

    fn unterminated(self, where_: &str) -> Chunk {
        let reason = if self.max_depth > MAX_DEPTH {
            format!("braces nested deeper than {MAX_DEPTH}")
        } else if self.in_quote && self.depth == 0 {
            format!("unterminated quoted value: entry not closed {where_}")
        } else if self.close == b'}' || self.depth > 0 {
            format!("unbalanced braces: entry not closed {where_}")
        } else {
            format!("unterminated entry: no ')' {where_}")
        };
        Chunk::Broken { line: self.line, reason }
    }
}

/// `@type{` or `@type (` at the start of `s`: the header's length and the closing delimiter.
fn entry_header(s: &[u8]) -> Option<(usize, u8)> {
    let rest = s.strip_prefix(b"@")?;
    let name = rest.iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'_' || **b == b'-').count();
    if name == 0 || !rest[0].is_ascii_alphabetic() {
        return None;
    }
    let ws = rest[name..].iter().take_while(|b| **b == b' ' || **b == b'\t').count();
    let close = match rest.get(name + ws)? {
        b'{' => b'}',
        b'(' => b')',
        _ => return None,
    };
    Some((1 + name + ws + 1, close))
}

/// The first entry header in `s`: its offset, length and closing delimiter. Text outside
/// entries is a comment in BibTeX, so anything before it is ignored.
fn find_header(s: &[u8]) -> Option<(usize, usize, u8)> {
    s.iter().enumerate().filter(|(_, b)| **b == b'@').find_map(|(i, _)| entry_header(&s[i..]).map(|(len, close)| (i, len, close)))
}

// ---------------------------------------------------------------------------------------------
// Parsing one entry

/// Field names (lowercase) to values, delimiters removed, macros expanded; first value wins.
type Fields = HashMap<String, String>;

/// For the built-in month macros (`jan` -> `January`). Month fields are read by
/// [`month_number`].
const MONTH_NAMES: [&str; 12] =
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

fn builtin_macros() -> HashMap<String, String> {
    MONTH_NAMES
        .iter()
        .map(|m| {
            let mut full = m.to_string();
            full[..1].make_ascii_uppercase();
            (m[..3].to_string(), full)
        })
        .collect()
}

/// Parse a delimited entry. `Ok(None)` for `@string` (the macro is recorded), `@comment`
/// and `@preamble`.
fn parse_entry(text: &str, macros: &mut HashMap<String, String>) -> Result<Option<Fields>, String> {
    let mut c = Cursor { text, pos: 0 };
    c.eat(b'@');
    let kind = c.take_while(is_name_byte).to_ascii_lowercase();
    c.skip_ws();
    let close = match c.bump() {
        Some(b'{') => b'}',
        Some(b'(') => b')',
        _ => return Err(format!("expected '{{' after @{kind}")),
    };
    match kind.as_str() {
        "comment" | "preamble" => return Ok(None),
        "string" => {
            c.skip_ws();
            let name = c.take_while(is_name_byte).to_ascii_lowercase();
            c.skip_ws();
            if name.is_empty() || !c.eat(b'=') {
                return Err("@string without `name = value`".into());
            }
            let value = c.value(macros).map_err(|e| format!("@string {name}: {e}"))?;
            macros.insert(name, value);
            return Ok(None);
        }
        _ => {}
    }
    c.skip_ws();
    c.take_while(|b| b != b',' && b != close && !b.is_ascii_whitespace());
    let mut fields = Fields::new();
    loop {
        c.skip_ws();
        match c.peek() {
            None => return Err("unterminated entry".into()),
            Some(b) if b == close => return Ok(Some(fields)),
            Some(b',') => {
                c.bump();
                continue;
            }
            Some(_) => {}
        }
        let name = c.take_while(is_name_byte).to_ascii_lowercase();
        c.skip_ws();
        if name.is_empty() || !c.eat(b'=') {
            let at = c.peek().map_or("the end".to_string(), |b| format!("'{}'", char::from(b)));
            return Err(format!("expected `field = value`, found {at}"));
        }
        let value = c.value(macros).map_err(|e| format!("field {name}: {e}"))?;
        fields.entry(name).or_insert(value);
        c.skip_ws();
        match c.peek() {
            Some(b',') => {
                c.bump();
            }
            Some(b) if b == close => {}
            _ => return Err("expected ',' or the end of the entry after a field value".into()),
        }
    }
}

/// Bytes allowed in entry types, field names and macro names. Non-ASCII bytes count as name
/// bytes, so a name always ends at an ASCII byte (a char boundary).
fn is_name_byte(b: u8) -> bool {
    !b.is_ascii_whitespace() && !b"\"#%'(),={}".contains(&b)
}

struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    /// Advance over bytes matching `f`, which must stop only at ASCII bytes.
    fn take_while(&mut self, f: impl Fn(u8) -> bool) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(&f) {
            self.pos += 1;
        }
        &self.text[start..self.pos]
    }

    /// A field value: parts joined with `#`, delimiters removed, macros expanded.
    fn value(&mut self, macros: &HashMap<String, String>) -> Result<String, String> {
        let mut out = String::new();
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'{') => out.push_str(self.braced()?),
                Some(b'"') => out.push_str(self.quoted()?),
                Some(b) if b.is_ascii_digit() => out.push_str(self.take_while(|b| b.is_ascii_digit())),
                Some(b) if is_name_byte(b) => {
                    // An undefined macro expands to nothing, as in BibTeX.
                    let name = self.take_while(is_name_byte).to_ascii_lowercase();
                    if let Some(v) = macros.get(&name) {
                        out.push_str(v);
                    }
                }
                _ => return Err("missing value".into()),
            }
            self.skip_ws();
            if !self.eat(b'#') {
                return Ok(out);
            }
        }
    }

    /// `{...}` at the cursor: the text inside the outer braces.
    fn braced(&mut self) -> Result<&'a str, String> {
        let start = self.pos + 1;
        let mut depth = 0usize;
        for (i, &b) in self.text.as_bytes()[self.pos..].iter().enumerate() {
            match b {
                b'{' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(format!("braces nested deeper than {MAX_DEPTH}"));
                    }
                }
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        let end = self.pos + i;
                        self.pos = end + 1;
                        return Ok(&self.text[start..end]);
                    }
                }
                _ => {}
            }
        }
        Err("unbalanced braces".into())
    }

    /// `"..."` at the cursor: the text inside the quotes. Braces inside must balance; a quote
    /// inside braces or after a backslash does not end the value.
    fn quoted(&mut self) -> Result<&'a str, String> {
        let start = self.pos + 1;
        let mut depth = 0usize;
        let mut prev = b'"';
        for (i, &b) in self.text.as_bytes()[start..].iter().enumerate() {
            match b {
                b'{' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(format!("braces nested deeper than {MAX_DEPTH}"));
                    }
                }
                b'}' if depth == 0 => return Err("unbalanced braces in a quoted value".into()),
                b'}' => depth -= 1,
                b'"' if depth == 0 && prev != b'\\' => {
                    let end = start + i;
                    self.pos = end + 1;
                    return Ok(&self.text[start..end]);
                }
                _ => {}
            }
            prev = b;
        }
        Err("unterminated quoted value".into())
    }
}

// ---------------------------------------------------------------------------------------------
// Fields to paper

fn fields_to_paper(f: &Fields) -> Paper {
    let get = |k: &str| f.get(k).map(String::as_str).filter(|v| !v.trim().is_empty());
    let mut p = Paper::default();
    if let Some(t) = get("title") {
        p.title = t.to_string();
    }
    if let Some(a) = get("abstract") {
        p.abstract_text = a.to_string();
    }
    if let Some(a) = get("author") {
        p.authors = split_authors(a);
    }
    p.published = entry_date(get("date"), get("year"), get("month"));
    if let Some(d) = get("doi") {
        set_doi(&mut p, d);
    }
    // arXiv: an explicit eprint first, then the other places exports put the id.
    let archive = get("archiveprefix").or(get("eprinttype"));
    if let Some(e) = get("eprint") {
        if archive.is_none_or(|a| a.trim().eq_ignore_ascii_case("arxiv")) {
            set_arxiv(&mut p, e);
        }
    }
    for key in ["arxiv", "arxivid"] {
        if let Some(v) = get(key) {
            set_arxiv(&mut p, v);
        }
    }
    if let Some(urls) = get("url") {
        for url in urls.split_whitespace() {
            add_link(&mut p, url);
        }
    }
    let journal = get("journal").or(get("journaltitle"));
    for text in [journal, get("note")].into_iter().flatten() {
        if let Some(id) = arxiv_in_text(text) {
            set_arxiv(&mut p, id);
        }
    }
    // Semantic Scholar style: `journal = {ArXiv}, volume = {abs/2103.06268}`.
    if let (Some(j), Some(v)) = (journal, get("volume")) {
        if j.trim().eq_ignore_ascii_case("arxiv") {
            if let Some(id) = v.trim().strip_prefix("abs/") {
                set_arxiv(&mut p, id);
            }
        }
    }
    if let Some(class) = get("primaryclass").or(get("eprintclass")) {
        p.categories.push(class.trim().to_string());
    }
    if let Some(k) = get("keywords") {
        for kw in k.split([',', ';']).map(clean_inline).filter(|k| !k.is_empty()) {
            push_unique(&mut p.keywords, &kw);
        }
    }
    p.venue = journal.or(get("booktitle")).map(clean_inline).filter(|v| !v.is_empty());
    if let Some(pmid) = get("pmid").map(str::trim) {
        if pmid.bytes().all(|b| b.is_ascii_digit()) {
            p.ids.pmid = Some(pmid.to_string());
        }
    }
    p
}

/// `date` (BibLaTeX, may give the day), else `year` with `month` (a name or a number).
fn entry_date(date: Option<&str>, year: Option<&str>, month: Option<&str>) -> Option<PartialDate> {
    let from_date = date.and_then(|d| {
        let d = d.trim();
        // BibLaTeX ranges: `2024-05-01/2024-05-03`.
        let start = if d.contains('-') { d.split('/').next().unwrap_or(d) } else { d };
        PartialDate::parse_prefix(start)
    });
    if from_date.is_some() {
        return from_date;
    }
    let y = year.and_then(first_year)?;
    Some(best_date(y, month.and_then(month_number), None))
}

/// The id after `arXiv:` in free text (`arXiv preprint arXiv:2103.06268`, `arXiv:2203.07687 [cs]`).
fn arxiv_in_text(s: &str) -> Option<&str> {
    let at = s.to_ascii_lowercase().find("arxiv:")? + "arxiv:".len();
    let rest = s[at..].trim_start();
    let end = rest.find(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ']' | ')' | '}')).unwrap_or(rest.len());
    Some(&rest[..end])
}

/// Split an `author` field on `and` at brace depth 0; `others` (et al.) is dropped.
fn split_authors(field: &str) -> Vec<Author> {
    let mut names: Vec<Vec<&str>> = vec![Vec::new()];
    for word in top_level_words(field) {
        if word.eq_ignore_ascii_case("and") {
            names.push(Vec::new());
        } else if let Some(current) = names.last_mut() {
            current.push(word);
        }
    }
    names
        .into_iter()
        .map(|words| words.join(" "))
        .filter(|n| !n.is_empty() && n != "others")
        .map(|n| bibtex_name(&n))
        .filter(|n| !n.is_empty())
        .map(Author::new)
        .collect()
}

/// Words separated by whitespace outside braces: `{Google DeepMind}` is one word.
fn top_level_words(s: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut depth = 0usize;
    let mut start = None;
    for (i, b) in s.bytes().enumerate() {
        match b {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if b.is_ascii_whitespace() && depth == 0 {
            if let Some(st) = start.take() {
                words.push(&s[st..i]);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(st) = start {
        words.push(&s[st..]);
    }
    words
}

/// A BibTeX name in display order: `Last, First` -> `First Last`, `Last, Jr, First` ->
/// `First Last Jr`; a name wholly in braces (`{Google DeepMind}`) is kept as one.
fn bibtex_name(name: &str) -> String {
    let parts: Vec<&str> = split_top_level(name, b',').into_iter().map(str::trim).collect();
    let ordered = match parts.as_slice() {
        [last, first] => format!("{first} {last}"),
        [last, jr, first @ ..] => format!("{} {last} {jr}", first.join(", ")),
        _ => name.to_string(),
    };
    clean_inline(strip_group(ordered.trim()))
}

/// Split at `sep` outside braces.
fn split_top_level(s: &str, sep: u8) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, b) in s.bytes().enumerate() {
        match b {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            _ if b == sep && depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

/// Drop one pair of braces around the whole of `s` (`{Google DeepMind}`), but not a TeX group
/// like `{\L}` nor `{A} {B}` where the first brace closes early.
fn strip_group(s: &str) -> &str {
    let Some(inner) = s.strip_prefix('{').and_then(|r| r.strip_suffix('}')) else { return s };
    if inner.starts_with('\\') {
        return s;
    }
    let mut depth = 0usize;
    for b in inner.bytes() {
        match b {
            b'{' => depth += 1,
            b'}' if depth == 0 => return s,
            b'}' => depth -= 1,
            _ => {}
        }
    }
    inner
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::formats::test_util;
    use std::path::Path;

    fn run(input: &[u8]) -> Vec<Record> {
        let (out, res) = test_util::run_parser(parse, input);
        res.expect("in-memory input reads");
        out
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

    fn fixture() -> Vec<Record> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/formats/bibtex_mixed.bib");
        run(&std::fs::read(path).expect("fixture exists"))
    }

    #[test]
    fn fixture_arxiv_entry_maps_every_field() {
        let out = fixture();
        assert_eq!(out.len(), 5, "@string, @comment and @preamble emit nothing: {out:#?}");
        let (p, loc) = paper(&out[0]);
        assert_eq!(loc, Loc::Line(10));
        assert_eq!(p.title, r#"Sparse {Mixture}-of-{Experts} for {\"U}ber-long {Contexts}: $O(n \log n)$ Routing"#);
        assert_eq!(
            p.abstract_text,
            "We route tokens with {\\em sparse} experts.\n\t\tThe cost is $O(n \\log n)$ instead of $O(n^2)$; \
             see {Table~1} for \\{braces\\}."
        );
        assert_eq!(names(p), ["Jane Doe", "Piet van der Berg", "Google DeepMind", "John Smith Jr"]);
        assert_eq!(p.published, PartialDate::month(2024, 3));
        assert_eq!(p.ids.arxiv.as_deref(), Some("2401.01234"));
        assert_eq!(p.ids.doi.as_deref(), Some("10.48550/arxiv.2401.01234"));
        assert_eq!(p.links.abs.as_deref(), Some("http://arxiv.org/abs/2401.01234"));
        assert_eq!(p.keywords, ["Computer Science - Machine Learning", "sparse models", "routing"]);
        assert_eq!(p.categories, ["cs.LG"]);
        assert_eq!(p.venue, None);
        assert!(p.id.is_empty() && p.sources.is_empty(), "the pipeline fills id and sources");
    }

    #[test]
    fn fixture_acl_entry_with_macros_and_quotes() {
        let out = fixture();
        let (p, loc) = paper(&out[1]);
        assert_eq!(loc, Loc::Line(24));
        assert_eq!(p.title, r#"Toy Corpora: A Study with {``quoted''} Words and a {\"O}zt{\"u}rk Umlaut"#);
        assert_eq!(p.abstract_text, "We study {``}toy{''} corpora {--} small ones.");
        let expected = ["Richard Roe", r#"Ay{\c{s}}e {\"O}zt{\"u}rk"#, "Ken Nakamura"].map(clean_inline);
        assert_eq!(names(p), expected);
        assert_eq!(p.venue, Some(clean_inline("Proceedings of the Workshop on Toy Corpora, 2023")));
        assert_eq!(p.published, PartialDate::month(2020, 11));
        assert_eq!(p.ids.acl.as_deref(), Some("2020.toy-main.7"));
        assert_eq!(p.ids.doi.as_deref(), Some("10.18653/v1/2020.toy-main.7"));
        assert_eq!(p.ids.arxiv, None);
        assert_eq!(p.links.pdf.as_deref(), Some("https://aclanthology.org/2020.toy-main.7.pdf"));
        assert!(p.links.other.is_empty() && p.links.abs.is_none());
    }

    #[test]
    fn fixture_paren_entry_uppercase_fields_and_date() {
        let out = fixture();
        let (p, loc) = paper(&out[2]);
        assert_eq!(loc, Loc::Line(39));
        assert_eq!(p.title, "Probing Without Labels");
        assert_eq!(names(p), ["Wei Lee", "Ana Lima"], "`others` is dropped");
        assert_eq!(p.venue.as_deref(), Some("arXiv preprint arXiv:2105.04321"));
        assert_eq!(p.ids.arxiv.as_deref(), Some("2105.04321"), "from the journal text");
        assert_eq!(p.published, PartialDate::day(2021, 5, 10), "date field gives the day");
        assert_eq!(p.links.code, ["https://github.com/example/probe"]);
        assert_eq!(p.ids.pmid.as_deref(), Some("12345678"));
        assert!(p.abstract_text.is_empty());

        assert_eq!(bad(&out[3]), (Loc::Line(49), "entry has neither title nor abstract"));

        let (p, _) = paper(&out[4]);
        assert_eq!(p.title, "Pages and {Margins}");
        assert_eq!(p.published, PartialDate::month(2018, 6), "numeric month");
        assert_eq!(p.links.other, ["https://example.org/pages"]);
        assert_eq!(p.links.pdf.as_deref(), Some("https://arxiv.org/pdf/1806.01234v2"));
        assert_eq!(p.ids.arxiv.as_deref(), Some("1806.01234"));
    }

    #[test]
    fn string_macros_and_concatenation() {
        let out = run(br#"@string{a = "X"}
@String{b = a # { Y}}
@string{feb = "Feb."}
@article{k, title = b # {Z} # "W" # 2024 # undefined, month = feb, year = 1999}
@article{l, title = {L}, month = dec, year = 1999}"#);
        assert_eq!(out.len(), 2);
        let (p, loc) = paper(&out[0]);
        assert_eq!(p.title, "X YZW2024", "undefined macros expand to nothing");
        assert_eq!(p.published, PartialDate::month(1999, 2), "a redefined month macro");
        assert_eq!(loc, Loc::Line(4));
        assert_eq!(paper(&out[1]).0.published, PartialDate::month(1999, 12), "a built-in month macro");
    }

    #[test]
    fn bom_crlf_and_entries_on_one_line() {
        let out = run(b"\xEF\xBB\xBF@article{k,\r\n  title = {T},\r\n  abstract = {A\r\n B}\r\n}@misc{m, title={Next}}\r\n");
        assert_eq!(out.len(), 2);
        let (p, loc) = paper(&out[0]);
        assert_eq!((p.title.as_str(), p.abstract_text.as_str(), loc), ("T", "A\n B", Loc::Line(1)));
        let (p, loc) = paper(&out[1]);
        assert_eq!((p.title.as_str(), loc), ("Next", Loc::Line(5)), "starts on the line of its `@`");
    }

    #[test]
    fn quoted_values_with_braces_and_escaped_quotes() {
        let out = run(br#"@article{k, title = "A {"quoted"} word, {Schr\"odinger} and \"lenient\"", author = "Doe, J."}"#);
        let (p, _) = paper(&out[0]);
        assert_eq!(p.title, r#"A {"quoted"} word, {Schr\"odinger} and \"lenient\""#);
        assert_eq!(names(p), ["J. Doe"]);
    }

    #[test]
    fn latex_bomb_is_bad_without_stack_overflow() {
        for depth in [65, 1_000, 200_000] {
            let mut input = format!("@article{{bomb, title = {}{}}}\n", "{".repeat(depth), "}".repeat(depth)).into_bytes();
            input.extend_from_slice(b"@article{ok, title = {Fine}}\n");
            let out = run(&input);
            assert_eq!(out.len(), 2, "depth {depth}");
            assert_eq!(bad(&out[0]), (Loc::Line(1), "braces nested deeper than 64"));
            assert_eq!(paper(&out[1]).0.title, "Fine");
        }
        // 64 levels is the limit, not past it.
        let ok = format!("@article{{k, title = {}x{}}}", "{".repeat(64), "}".repeat(64));
        assert_eq!(paper(&run(ok.as_bytes())[0]).0.title, format!("{}x{}", "{".repeat(63), "}".repeat(63)));
        // Never closed at all: still bad, and the next entry (on its own line) parses.
        let open = format!("@article{{bomb, title = {}\n@article{{ok, title = {{Fine}}}}", "{".repeat(1_000));
        let out = run(open.as_bytes());
        assert_eq!(bad(&out[0]), (Loc::Line(1), "braces nested deeper than 64"));
        assert_eq!(paper(&out[1]).0.title, "Fine");
    }

    #[test]
    fn unbalanced_braces_then_the_next_entry_parses() {
        let out = run(b"@article{a, title = {Broken {title}, year = 2020}\n\n@article{b, title = {Good}}\n");
        assert_eq!(out.len(), 2);
        let (loc, reason) = bad(&out[0]);
        assert_eq!(loc, Loc::Line(1));
        assert!(reason.starts_with("unbalanced braces"), "{reason}");
        let (p, loc) = paper(&out[1]);
        assert_eq!((p.title.as_str(), loc), ("Good", Loc::Line(3)));

        let out = run(b"@article(p, title = {x}})\n@article{q, title = \"open, year = 2020}\n@article{r, title={R}}");
        assert_eq!(out.len(), 3);
        assert_eq!(bad(&out[0]).1, "unbalanced braces: '}' without '{'");
        assert_eq!(bad(&out[1]), (Loc::Line(2), "field title: unbalanced braces in a quoted value"));
        assert_eq!(paper(&out[2]).0.title, "R");
    }

    #[test]
    fn unterminated_entry_at_end_of_input_is_bad() {
        let out = run(b"@article{a, title = {Fine}}\n@article{b, title = {Cut off}");
        assert_eq!(paper(&out[0]).0.title, "Fine");
        assert_eq!(bad(&out[1]), (Loc::Line(2), "unbalanced braces: entry not closed at the end of the input"));
        assert_eq!(out.len(), 2);
        let out = run(b"@article(a, title = {A}\n@article(b, title = \"B\")");
        assert_eq!(bad(&out[0]), (Loc::Line(1), "unterminated entry: no ')' before the next entry"));
        assert_eq!(paper(&out[1]).0.title, "B");
    }

    #[test]
    fn syntax_errors_inside_an_entry_are_bad() {
        let out = run(b"@article{a, title {x}}\n@article{b, title = {x} {y}}\n@article{c, title = }\n@article{d, title=D}");
        let reasons: Vec<&str> = out[..3].iter().map(|r| bad(r).1).collect();
        assert_eq!(
            reasons,
            [
                "expected `field = value`, found '{'",
                "expected ',' or the end of the entry after a field value",
                "field title: missing value"
            ]
        );
        // `D` is an undefined macro: an empty title, so no paper.
        assert_eq!(bad(&out[3]).1, "entry has neither title nor abstract");
    }

    #[test]
    fn invalid_utf8_spoils_only_its_entry() {
        let out = run(b"@article{a, title = {One}}\n@article{b, title = {Tw\xFF\xFEo}}\n@article{c, title = {Three}}\n");
        assert_eq!(out.len(), 3);
        assert_eq!(paper(&out[0]).0.title, "One");
        assert_eq!(bad(&out[1]), (Loc::Line(2), "invalid UTF-8"));
        assert_eq!(paper(&out[2]).0.title, "Three");
    }

    #[test]
    fn io_error_stops_with_err_after_earlier_records() {
        struct Failing;
        impl std::io::Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk on fire"))
            }
        }
        let mut input = std::io::BufReader::new(std::io::Read::chain(&b"@article{a, title = {A}}\n"[..], Failing));
        let ctx = ParseCtx { file: "x.bib".into(), listing_date: None };
        let mut out = Vec::new();
        let err = parse(&mut input, &ctx, &mut |r| out.push(r)).expect_err("the read error surfaces");
        assert_eq!(err, "line 2: disk on fire");
        assert_eq!(paper(&out[0]).0.title, "A");
    }

    #[test]
    fn author_names() {
        let authors = split_authors("Doe, Jane and {Barnes and Noble} and de la Fontaine, Jean and Ludwig van Beethoven\n  and {\\L}ukasiewicz, Jan and Ford, Jr., Henry");
        let got: Vec<&str> = authors.iter().map(|a| a.name.as_str()).collect();
        let expected =
            ["Jane Doe", "Barnes and Noble", "Jean de la Fontaine", "Ludwig van Beethoven", "Jan {\\L}ukasiewicz", "Henry Ford Jr."]
                .map(clean_inline);
        assert_eq!(got, expected);
        assert_eq!(bibtex_name("{\\AA}berg"), clean_inline("{\\AA}berg"), "a TeX group is not a wrapper");
        assert_eq!(bibtex_name("{Ab} {Cd}"), "Ab Cd");
    }

    #[test]
    fn dates_months_and_years() {
        assert_eq!(entry_date(None, Some("2020"), Some("Sept.")), PartialDate::month(2020, 9));
        assert_eq!(entry_date(None, Some("2020"), Some("13")), Some(PartialDate::year(2020)));
        assert_eq!(entry_date(None, Some("2020"), None), Some(PartialDate::year(2020)));
        assert_eq!(entry_date(Some("2024-05-01/2024-05-03"), Some("2023"), None), PartialDate::day(2024, 5, 1));
        assert_eq!(entry_date(Some("garbage"), Some("2023"), Some("feb")), PartialDate::month(2023, 2));
        assert_eq!(entry_date(None, Some("in press"), Some("may")), None);
    }

    /// The real exports in /work/shared/formats (not part of the repository).
    #[test]
    fn real_samples() {
        let dir = Path::new("/work/shared/formats");
        if !dir.is_dir() {
            eprintln!("skipped: {} is absent", dir.display());
            return;
        }
        let zotero = run(&std::fs::read(dir.join("bibtex_zotero_arxiv_with_abstracts.bib")).expect("readable"));
        let papers: Vec<&Paper> = zotero.iter().map(|r| paper(r).0).collect();
        let arxiv: Vec<_> = papers.iter().map(|p| p.ids.arxiv.as_deref()).collect();
        assert_eq!(arxiv, [Some("2203.07687"), Some("2208.09684"), Some("2009.14167")]);
        assert!(papers[0].title.starts_with("Compressing {Sentence} {Representation}"));
        assert!(papers[0].abstract_text.contains("(8.2\\${\\textbackslash}times\\$)"));
        assert_eq!(papers.iter().map(|p| p.authors.len()).collect::<Vec<_>>(), [4, 5, 6]);
        assert_eq!(papers[0].authors[0].name, "Xuandong Zhao");
        assert_eq!(papers[0].published, PartialDate::month(2022, 3));
        assert_eq!(papers[2].ids.doi.as_deref(), Some("10.48550/arxiv.2009.14167"));
        assert_eq!(papers[1].keywords, ["Computer Science - Computation and Language", "I.2.7"]);

        let acl = run(&std::fs::read(dir.join("bibtex_acl_anthology_style.bib")).expect("readable"));
        assert_eq!(acl.len(), 2);
        let (p, _) = paper(&acl[0]);
        assert_eq!(p.authors.len(), 10);
        assert_eq!(p.authors[1].name, "Dawid Wisniewski");
        assert_eq!(p.authors[0].name, clean_inline("{\\L}ukasz Borchmann"));
        assert_eq!(p.ids.acl.as_deref(), Some("2020.findings-emnlp.380"));
        assert_eq!(p.venue.as_deref(), Some("Findings of the Association for Computational Linguistics: EMNLP 2020"));
        assert_eq!(p.published, PartialDate::month(2020, 11));
        assert!(p.abstract_text.contains("contract discovery is to be performed {--} where"));
        let (p, _) = paper(&acl[1]);
        assert_eq!(p.title, "CUAD: An Expert-Annotated NLP Dataset for Legal Contract Review");
        assert_eq!(p.ids.arxiv.as_deref(), Some("2103.06268"));
        assert_eq!(p.published, Some(PartialDate::year(2021)));
        assert_eq!(p.authors.len(), 4);
    }
}
