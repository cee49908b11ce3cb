//! Parsing a user's SPARQL: the vocabulary prefixes come for free, and a syntax error points
//! at a line and column of the user's own text, with a hint where one helps.

use super::SparqlError;
use crate::rdf::vocab::PREFIXES;
use oxigraph::sparql::{SparqlEvaluator, SparqlSyntaxError};

/// Which kind of SPARQL text was expected (the other kind gets a hint).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Operation {
    Query,
    Update,
}

/// An evaluator that knows [`PREFIXES`]. They go to the parser rather than being prepended to
/// the text, so a query may redeclare any of them and error positions stay positions in the
/// user's text.
pub(crate) fn evaluator() -> SparqlEvaluator {
    PREFIXES.iter().fold(SparqlEvaluator::new(), |e, (name, ns)| e.with_prefix(*name, *ns).expect("the vocabulary namespaces are valid IRIs"))
}

/// A typed error for `e`, raised parsing `text` as `op`.
pub(crate) fn syntax_error(text: &str, e: &SparqlSyntaxError, op: Operation) -> SparqlError {
    let message = e.to_string();
    let Some((line, column, expected)) = locate(&message) else {
        return SparqlError::Invalid { message };
    };
    let offset = byte_offset(text, line, column);
    if expected.contains("Prefix not found") {
        // The parser stops after the whole prefixed name: point at its start instead.
        let (start, name) = prefixed_name_at(text, offset);
        return unknown_prefix(line, column - text[start..offset].chars().count(), name);
    }
    let (line, column, offset) = match keyword_start(text, offset, expected) {
        Some(start) => {
            let before = &text[..start];
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1, start)
        }
        None => (line, column, offset),
    };
    let found = token_at(text, offset);
    // A keyword tried at a prefixed name can outrun the prefix check: name the prefix anyway.
    if let Some(name) = undeclared_prefix(text, found) {
        return unknown_prefix(line, column, name);
    }
    let found = if found.is_empty() { "end of text".to_string() } else { format!("`{found}`") };
    SparqlError::Syntax { line, column, message: format!("unexpected {found}, expected {}", shorten_expected(expected)), hint: other_hint(text, offset, op) }
}

fn unknown_prefix(line: usize, column: usize, name: &str) -> SparqlError {
    let known: Vec<&str> = PREFIXES.iter().map(|(p, _)| *p).collect();
    let hint = format!("declare it with `PREFIX {name}: <...>` or use one of: {}", known.join(", "));
    SparqlError::Syntax { line, column, message: format!("unknown prefix `{name}:`"), hint: Some(hint) }
}

/// The prefix of `token` when it is a prefixed name whose prefix is neither pre-declared nor
/// declared by the text.
fn undeclared_prefix<'a>(text: &str, token: &'a str) -> Option<&'a str> {
    let (name, _) = token.split_once(':')?;
    let is_name = !token.starts_with(['<', '"', '\'', '?', '$', '_']) && name.chars().all(|c| c.is_alphanumeric() || "_-.".contains(c));
    let declared = |name: &str| {
        PREFIXES.iter().any(|(p, _)| *p == name)
            || text.split_whitespace().collect::<Vec<_>>().windows(2).any(|w| w[0].eq_ignore_ascii_case("PREFIX") && w[1].strip_suffix(':').unwrap_or(w[1]).split(':').next() == Some(name))
    };
    (is_name && !declared(name)).then_some(name)
}

/// Where a missing keyword was really expected. The parser reads a keyword by taking as many
/// characters as it has and comparing, so it reports the failure that many characters after
/// the word it rejected (`SELEC ?x WHERE` fails "at" `WHERE`, expecting CONSTRUCT). When only
/// keywords were expected, step back by the shortest one to the word that was rejected.
fn keyword_start(text: &str, offset: usize, expected: &str) -> Option<usize> {
    let list = expected.strip_prefix("one of ").unwrap_or(expected);
    let shortest = list.split(", ").map(|k| k.chars().all(|c| c.is_ascii_alphabetic()).then_some(k.len())).collect::<Option<Vec<_>>>()?.into_iter().min()?;
    let start = text[..offset].char_indices().rev().nth(shortest.checked_sub(1)?)?.0;
    // Skip the blanks between the previous word and the rejected one.
    Some(start + text[start..offset].len() - text[start..offset].trim_start().len())
}

/// Line, column and the expected-token list out of the parser's "error at L:C: expected X".
fn locate(message: &str) -> Option<(usize, usize, &str)> {
    let rest = message.strip_prefix("error at ")?;
    let (position, expected) = rest.split_once(": expected ")?;
    let (line, column) = position.split_once(':')?;
    Some((line.parse().ok()?, column.parse().ok()?, expected))
}

/// The byte offset of a 1-based line and character column (the parser counts characters).
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    let rest = &text[start.min(text.len())..];
    start + rest.char_indices().nth(column.saturating_sub(1)).map_or(rest.len(), |(i, _)| i)
}

/// The word at `offset`, as the user sees it (empty at the end of the text).
fn token_at(text: &str, offset: usize) -> &str {
    let rest = &text[offset..];
    let rest = rest.trim_start_matches([' ', '\t']);
    let end = rest.find(|c: char| c.is_whitespace() || "{}().;,".contains(c)).unwrap_or(rest.len());
    let word = &rest[..end];
    if word.is_empty() {
        // A lone punctuation character is the token.
        rest.chars().next().map_or("", |c| &rest[..c.len_utf8()])
    } else {
        word.char_indices().nth(30).map_or(word, |(i, _)| &word[..i])
    }
}

/// Where the prefixed name that ends at or spans `offset` starts, and its prefix (`foo` for
/// `foo:bar`).
fn prefixed_name_at(text: &str, offset: usize) -> (usize, &str) {
    let is_name = |c: char| c.is_alphanumeric() || "_-.:".contains(c);
    let start = text[..offset].rfind(|c: char| !is_name(c)).map_or(0, |i| i + c_len(text, i));
    let end = text[start..].find(|c: char| !is_name(c)).map_or(text.len(), |i| start + i);
    (start, text[start..end].split(':').next().unwrap_or(""))
}

/// The length of the character at byte `i`.
fn c_len(text: &str, i: usize) -> usize {
    text[i..].chars().next().map_or(1, char::len_utf8)
}

/// At most a few of the expected tokens: the full list can run to dozens.
fn shorten_expected(expected: &str) -> String {
    const SHOWN: usize = 6;
    let Some(list) = expected.strip_prefix("one of ") else { return expected.to_string() };
    // The grammar's character classes (`['A' ..= 'Z' | 'a' ..= 'z' | '\u{00C0}'..= ...]`,
    // several lines long) say "a letter or digit of a name" to a user.
    let mut tokens: Vec<&str> = Vec::new();
    for token in list.split(", ") {
        let token = if token.starts_with('[') && token.len() > 16 { "a name character" } else { token };
        if !tokens.contains(&token) {
            tokens.push(token);
        }
    }
    let list = tokens.join(", ");
    if tokens.len() <= SHOWN {
        format!("one of {list}")
    } else {
        format!("one of {}, ...", tokens[..SHOWN].join(", "))
    }
}

fn other_hint(text: &str, offset: usize, op: Operation) -> Option<String> {
    let other_parses = match op {
        Operation::Query => evaluator().parse_update(text).is_ok(),
        Operation::Update => evaluator().parse_query(text).is_ok(),
    };
    if other_parses {
        return Some(match op {
            Operation::Query => "this is a SPARQL update, not a query: POST it to /update of `topicgraph serve --allow-update`".into(),
            Operation::Update => "this is a query, not an update: send it to /query".into(),
        });
    }
    if text[offset..].trim().is_empty() {
        return Some("the text ends too early: check that every `{` and `(` is closed".into());
    }
    None
}

/// The user's line `line` with a caret under `column`, for error messages:
/// ```text
///   2 | SELECT ?x WHERE { ?x foo:bar ?y }
///     |                      ^
/// ```
pub fn excerpt(text: &str, line: usize, column: usize) -> Option<String> {
    let source = text.split('\n').nth(line.checked_sub(1)?)?.trim_end_matches('\r');
    let number = line.to_string();
    let blank = " ".repeat(number.len());
    // Tabs stay tabs under the line so that the caret lines up in any terminal.
    let pad: String = source.chars().take(column.saturating_sub(1)).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
    Some(format!("  {number} | {source}\n  {blank} | {pad}^"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_error(text: &str) -> SparqlError {
        match evaluator().parse_query(text) {
            Ok(_) => panic!("{text:?} parsed"),
            Err(e) => syntax_error(text, &e, Operation::Query),
        }
    }

    #[test]
    fn known_prefixes_need_no_declaration() {
        assert!(evaluator().parse_query("SELECT ?c WHERE { ?c a skos:Concept ; tg:paperCount ?n }").is_ok());
    }

    #[test]
    fn a_query_may_redeclare_a_known_prefix() {
        let q = "PREFIX tg: <http://example.org/other#>\nSELECT * WHERE { ?s tg:p ?o }";
        let parsed = evaluator().parse_query(q);
        assert!(parsed.is_ok());
    }

    #[test]
    fn an_unknown_prefix_points_into_the_users_text() {
        let text = "SELECT ?x\nWHERE { ?x foo:bar ?y }";
        let SparqlError::Syntax { line, column, message, hint } = parse_error(text) else { panic!() };
        assert_eq!(line, 2, "{message}");
        assert_eq!(&text.split('\n').nth(1).unwrap()[column - 1..column + 2], "foo", "column {column}");
        assert_eq!(message, "unknown prefix `foo:`");
        assert!(hint.unwrap().starts_with("declare it with `PREFIX foo: <...>` or use one of: rdf, rdfs,"));
    }

    #[test]
    fn an_unknown_prefix_after_a_semicolon_is_named_too() {
        let SparqlError::Syntax { column, message, .. } = parse_error("SELECT * WHERE { ?c a skos:Concept ; foo:bar ?x }") else { panic!() };
        assert_eq!((column, message.as_str()), (38, "unknown prefix `foo:`"));
        assert_eq!(undeclared_prefix("PREFIX ex: <http://e/> SELECT", "ex:a"), None);
        assert_eq!(undeclared_prefix("", "?x"), None);
        assert_eq!(undeclared_prefix("", "skos:x"), None);
    }

    #[test]
    fn a_misspelt_keyword_is_named() {
        let SparqlError::Syntax { line, column, message, .. } = parse_error("SELECT * WHERE { ?s ?p ?o }\nLIMT 5") else { panic!() };
        assert_eq!((line, column), (2, 1), "{message}");
        assert!(message.starts_with("unexpected `LIMT`, expected one of HAVING"), "{message}");
        let SparqlError::Syntax { column, message, .. } = parse_error("SELEC ?x WHERE { ?x ?p ?o }") else { panic!() };
        assert_eq!((column, message.as_str()), (1, "unexpected `SELEC`, expected CONSTRUCT"));
        let SparqlError::Syntax { column, message, .. } = parse_error("SELECT ?x WHERE { ?x ?p ?o } ORDER ?x") else { panic!() };
        assert_eq!((column, message.as_str()), (36, "unexpected `?x`, expected BY"));
    }

    #[test]
    fn character_classes_are_named_not_listed() {
        let long = "one of \"{\", ['%'], ['-' | '0' ..= '9' | '\\u{00B7}' | '\\u{0300}'..='\\u{036F}'], ['.'], ['A' ..= 'Z' | 'a' ..= 'z' | '\\u{00C0}'..='\\u{00D6}']";
        assert_eq!(shorten_expected(long), "one of \"{\", ['%'], a name character, ['.']");
        // The real parser's message for a `/` in a prefixed name.
        let SparqlError::Syntax { message, .. } = parse_error("SELECT * WHERE { GRAPH tgd:graph/papers { ?s ?p ?o } }") else { panic!() };
        assert!(message.contains("a name character") && message.len() < 200, "{message}");
    }

    #[test]
    fn an_early_end_says_so() {
        let SparqlError::Syntax { message, hint, .. } = parse_error("SELECT * WHERE { ?s ?p ?o ") else { panic!() };
        assert!(message.starts_with("unexpected end of text"), "{message}");
        assert!(hint.unwrap().contains("every `{`"));
    }

    #[test]
    fn an_update_sent_as_a_query_gets_a_hint() {
        let SparqlError::Syntax { hint, .. } = parse_error("INSERT DATA { <http://a> <http://b> <http://c> }") else { panic!() };
        assert!(hint.unwrap().contains("SPARQL update"));
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "SELECT * WHERE { ?s ?p \"é\" . ?s bad:x ?o }";
        let SparqlError::Syntax { column, .. } = parse_error(text) else { panic!() };
        let at: String = text.chars().skip(column - 1).take(3).collect();
        assert_eq!(at, "bad");
    }

    #[test]
    fn the_excerpt_puts_a_caret_under_the_column() {
        assert_eq!(excerpt("a\n\tbc d", 2, 3).unwrap(), "  2 | \tbc d\n    | \t ^");
        assert_eq!(excerpt("a", 3, 1), None);
    }

    #[test]
    fn positions_map_to_bytes() {
        assert_eq!(byte_offset("ab\ncdé f", 2, 3), 5);
        assert_eq!(byte_offset("ab\ncdé f", 2, 4), 7);
        assert_eq!(token_at("x  WHER {", 1), "WHER");
        assert_eq!(token_at("x", 1), "");
        assert_eq!(prefixed_name_at("{ ?x foo:bar ?y", 5), (5, "foo"));
        assert_eq!(prefixed_name_at("{ ?x foo:bar ?y", 12), (5, "foo"));
        assert_eq!(prefixed_name_at("é foo:b", 7), (3, "foo"));
    }
}
