//! The `table` format: results as aligned text columns for a terminal. IRIs are shortened
//! with the vocabulary prefixes for reading (`tgd:paper/arxiv/2401.00001` is not valid SPARQL:
//! paste full IRIs into queries), long cells are cut with an ellipsis, and a count of rows
//! closes the table. Columns are as wide as their widest cell in characters.

use super::deadline::Deadline;
use super::write::io_error;
use super::SparqlError;
use crate::rdf::vocab::{PREFIXES, XSD};
use oxigraph::model::{LiteralRef, TermRef};
use oxigraph::sparql::QueryResults;
use std::io::Write;

/// Longest cell, in characters, before it is cut.
pub const MAX_CELL: usize = 60;

/// Datatypes whose lexical form reads well on its own.
const PLAIN: &[&str] = &["string", "integer", "decimal", "double", "float", "boolean", "date", "dateTime", "gYear", "gYearMonth", "int", "long", "nonNegativeInteger"];

pub(crate) fn write(results: QueryResults<'static>, deadline: &Deadline, w: &mut impl Write, cap: usize) -> Result<u64, SparqlError> {
    let io = |e| io_error(e, cap);
    // The whole table is held to size the columns: bound it by the cap too.
    let mut size = 0usize;
    let mut keep = |row: Vec<String>| {
        size += row.iter().map(|c| c.len() + 2).sum::<usize>();
        if size > cap {
            return Err(SparqlError::TooLarge { cap });
        }
        Ok(row)
    };
    let (header, rows, noun) = match results {
        QueryResults::Boolean(value) => {
            writeln!(w, "{value}").map_err(io)?;
            return Ok(1);
        }
        QueryResults::Solutions(solutions) => {
            let header: Vec<String> = solutions.variables().iter().map(|v| v.as_str().to_string()).collect();
            let mut rows = Vec::new();
            deadline.pull(solutions, |solution| {
                rows.push(keep(solution.values().iter().map(|t| t.as_ref().map(|t| cell(t.as_ref())).unwrap_or_default()).collect())?);
                Ok(())
            })?;
            (header, rows, "row")
        }
        QueryResults::Graph(triples) => {
            let mut rows = Vec::new();
            deadline.pull(triples, |triple| {
                rows.push(keep(vec![cell(triple.subject.as_ref().into()), cell(triple.predicate.as_ref().into()), cell(triple.object.as_ref())])?);
                Ok(())
            })?;
            (["subject", "predicate", "object"].map(String::from).to_vec(), rows, "triple")
        }
    };
    render(&header, &rows, noun, w).map_err(io)?;
    Ok(rows.len() as u64)
}

fn render(header: &[String], rows: &[Vec<String>], noun: &str, w: &mut impl Write) -> std::io::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| -> String {
        let padded: Vec<String> = cells.zip(&widths).map(|(c, &w)| format!("{c:<w$}")).collect();
        padded.join("  ").trim_end().to_string()
    };
    writeln!(w, "{}", line(&mut header.iter().map(String::as_str)))?;
    let dashes: Vec<String> = widths.iter().map(|n| "-".repeat(*n)).collect();
    writeln!(w, "{}", line(&mut dashes.iter().map(String::as_str)))?;
    for row in rows {
        writeln!(w, "{}", line(&mut row.iter().map(String::as_str)))?;
    }
    let n = rows.len();
    writeln!(w, "{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// How a term reads in a cell: a prefixed name, a bare literal, `_:b0`.
pub(crate) fn cell(term: TermRef<'_>) -> String {
    #[allow(unreachable_patterns)] // triple terms exist only with oxrdf's rdf-12 feature
    let text = match term {
        TermRef::NamedNode(n) => shorten(n.as_str()),
        TermRef::BlankNode(b) => format!("_:{}", b.as_str()),
        TermRef::Literal(l) => literal(l),
        other => other.to_string(),
    };
    let text: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    truncate(&text, MAX_CELL)
}

fn literal(l: LiteralRef<'_>) -> String {
    if let Some(language) = l.language() {
        return format!("{}@{language}", l.value());
    }
    let datatype = l.datatype().as_str();
    if datatype.strip_prefix(XSD).is_some_and(|local| PLAIN.contains(&local)) {
        l.value().to_string()
    } else {
        format!("{}^^{}", l.value(), shorten(datatype))
    }
}

/// `prefix:local` with the longest matching vocabulary namespace, else `<iri>`.
pub(crate) fn shorten(iri: &str) -> String {
    PREFIXES
        .iter()
        .filter(|(_, ns)| iri.len() > ns.len() && iri.starts_with(ns))
        .max_by_key(|(_, ns)| ns.len())
        .map_or_else(|| format!("<{iri}>"), |(p, ns)| format!("{p}:{}", &iri[ns.len()..]))
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some(_) => {
            let cut = text.char_indices().nth(max - 1).map_or(text.len(), |(i, _)| i);
            format!("{}…", &text[..cut])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_store::store;
    use super::super::{evaluate, QueryOptions, ResultFormat};
    use super::*;
    use oxigraph::model::{BlankNode, Literal, NamedNode};

    fn table(text: &str) -> String {
        let (out, _) = evaluate(&store(), text, &QueryOptions::default()).unwrap().write(ResultFormat::Table, Vec::new(), None).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_select_renders_as_aligned_columns_with_a_count() {
        let got = table("SELECT ?c ?p ?o WHERE { ?c ?p ?o } ORDER BY ?p");
        let expected = "\
c                           p               o
--------------------------  --------------  -----------------
tgd:paper/arxiv/2401.00001  dcterms:title   Attention, again
tgc:transformers            rdf:type        skos:Concept
tgc:transformers            skos:broader    tgc:deep-learning
tgc:transformers            skos:prefLabel  Transformers@en
4 rows
";
        assert_eq!(got, expected);
    }

    #[test]
    fn unbound_cells_are_empty_and_one_row_is_singular() {
        assert_eq!(table("SELECT ?x ?y WHERE { BIND(1 AS ?x) }"), "x  y\n-  -\n1\n1 row\n");
    }

    #[test]
    fn ask_and_construct() {
        assert_eq!(table("ASK { ?s ?p ?o }"), "true\n");
        assert_eq!(
            table("CONSTRUCT { ?c skos:broader ?b } WHERE { ?c skos:broader ?b }"),
            "subject           predicate     object\n----------------  ------------  -----------------\ntgc:transformers  skos:broader  tgc:deep-learning\n1 triple\n"
        );
    }

    #[test]
    fn cells_shorten_iris_and_keep_literals_readable() {
        assert_eq!(cell(NamedNode::new_unchecked("http://example.org/x").as_ref().into()), "<http://example.org/x>");
        assert_eq!(cell(NamedNode::new_unchecked("https://w3id.org/topicgraph/ontology#score").as_ref().into()), "tg:score");
        assert_eq!(cell(Literal::from(0.5).as_ref().into()), "0.5");
        assert_eq!(cell(Literal::new_typed_literal("P1D", NamedNode::new_unchecked(format!("{XSD}duration"))).as_ref().into()), "P1D^^xsd:duration");
        assert_eq!(cell(Literal::new_simple_literal("two\nlines").as_ref().into()), "two lines");
        assert_eq!(cell(BlankNode::new_unchecked("b0").as_ref().into()), "_:b0");
    }

    #[test]
    fn long_cells_end_with_an_ellipsis() {
        let long = "é".repeat(100);
        let got = cell(Literal::new_simple_literal(long).as_ref().into());
        assert_eq!(got.chars().count(), MAX_CELL);
        assert!(got.ends_with("é…"));
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 3), "ab…");
    }
}
