//! Serializing a running query's results, within its deadline and a byte cap.

use super::deadline::Deadline;
use super::{table, ResultFormat, ResultKind, SparqlError};
use crate::rdf::vocab::PREFIXES;
use oxigraph::io::RdfSerializer;
use oxigraph::sparql::results::QueryResultsSerializer;
use oxigraph::sparql::QueryResults;
use std::io::{self, Write};

/// A started query: its rows are computed as [`Evaluation::write`] pulls them.
pub struct Evaluation {
    results: QueryResults<'static>,
    deadline: Deadline,
}

impl std::fmt::Debug for Evaluation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Evaluation").field("kind", &self.kind()).finish_non_exhaustive()
    }
}

impl Evaluation {
    pub(crate) fn new(results: QueryResults<'static>, deadline: Deadline) -> Self {
        Self { results, deadline }
    }

    /// SELECT, ASK or CONSTRUCT/DESCRIBE: which formats apply.
    pub fn kind(&self) -> ResultKind {
        match self.results {
            QueryResults::Solutions(_) => ResultKind::Solutions,
            QueryResults::Boolean(_) => ResultKind::Boolean,
            QueryResults::Graph(_) => ResultKind::Graph,
        }
    }

    /// Compute every result without writing it; returns the number of rows (triples for a
    /// graph, 1 for ASK). For `bench query`.
    pub fn count(self) -> Result<u64, SparqlError> {
        match self.results {
            QueryResults::Boolean(_) => Ok(1),
            QueryResults::Solutions(solutions) => self.deadline.pull(solutions, |_| Ok(())),
            QueryResults::Graph(triples) => self.deadline.pull(triples, |_| Ok(())),
        }
    }

    /// Write every result to `out` in `format`; returns `out` and the number of rows (triples
    /// for a graph, 1 for ASK). Past `cap` bytes it stops with [`SparqlError::TooLarge`]; past
    /// the deadline with [`SparqlError::Timeout`]. On error, part of the output may have been
    /// written: buffer it (as the server does) when that matters.
    pub fn write<W: Write>(self, format: ResultFormat, out: W, cap: Option<usize>) -> Result<(W, u64), SparqlError> {
        let kind = self.kind();
        if !format.fits(kind) {
            return Err(SparqlError::UnsupportedFormat { format, kind });
        }
        let cap = cap.unwrap_or(usize::MAX);
        let mut w = Capped { inner: out, left: cap };
        let deadline = &self.deadline;
        let io = |e: io::Error| io_error(e, cap);
        let rows = match (self.results, format) {
            (results, ResultFormat::Table) => table::write(results, deadline, &mut w, cap)?,
            (QueryResults::Boolean(value), format) => {
                let serializer = QueryResultsSerializer::from_format(format.results_format().expect("fits"));
                serializer.serialize_boolean_to_writer(&mut w, value).map_err(io)?;
                1
            }
            (QueryResults::Solutions(solutions), format) => {
                let serializer = QueryResultsSerializer::from_format(format.results_format().expect("fits"));
                let mut out = serializer.serialize_solutions_to_writer(&mut w, solutions.variables().to_vec()).map_err(io)?;
                let rows = deadline.pull(solutions, |solution| out.serialize(&solution).map_err(io))?;
                out.finish().map_err(io)?;
                rows
            }
            (QueryResults::Graph(triples), format) => {
                let serializer = PREFIXES.iter().fold(RdfSerializer::from_format(format.rdf_format().expect("fits")), |s, (p, ns)| s.with_prefix(*p, *ns).expect("the vocabulary namespaces are valid IRIs"));
                let mut out = serializer.for_writer(&mut w);
                let rows = deadline.pull(triples, |triple| out.serialize_triple(&triple).map_err(io))?;
                out.finish().map_err(io)?;
                rows
            }
        };
        w.flush().map_err(io)?;
        Ok((w.inner, rows))
    }
}

/// Marks the I/O error [`Capped`] raises, to tell it from a real one.
#[derive(Debug)]
struct CapReached;

impl std::fmt::Display for CapReached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("result size cap reached")
    }
}

impl std::error::Error for CapReached {}

/// A writer that refuses to take more than `left` bytes in total.
struct Capped<W> {
    inner: W,
    left: usize,
}

impl<W: Write> Write for Capped<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.len() > self.left {
            return Err(io::Error::other(CapReached));
        }
        let n = self.inner.write(buf)?;
        self.left -= n;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

pub(crate) fn io_error(e: io::Error, cap: usize) -> SparqlError {
    if e.get_ref().is_some_and(|inner| inner.is::<CapReached>()) {
        SparqlError::TooLarge { cap }
    } else {
        SparqlError::Io(e)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_store::store;
    use super::super::{evaluate, QueryOptions};
    use super::*;

    fn run(text: &str, format: ResultFormat, cap: Option<usize>) -> Result<(String, u64), SparqlError> {
        let (out, rows) = evaluate(&store(), text, &QueryOptions::default())?.write(format, Vec::new(), cap)?;
        Ok((String::from_utf8(out).unwrap(), rows))
    }

    const LABEL: &str = "SELECT ?l WHERE { ?c skos:prefLabel ?l }";

    #[test]
    fn select_in_every_results_format() {
        assert_eq!(run(LABEL, ResultFormat::Json, None).unwrap().0, r#"{"head":{"vars":["l"]},"results":{"bindings":[{"l":{"type":"literal","value":"Transformers","xml:lang":"en"}}]}}"#);
        assert!(run(LABEL, ResultFormat::Xml, None).unwrap().0.contains(r#"<literal xml:lang="en">Transformers</literal>"#));
        assert_eq!(run(LABEL, ResultFormat::Csv, None).unwrap(), ("l\r\nTransformers\r\n".into(), 1));
        assert_eq!(run(LABEL, ResultFormat::Tsv, None).unwrap().0, "?l\n\"Transformers\"@en\n");
    }

    #[test]
    fn ask_is_one_row() {
        assert_eq!(run("ASK { ?c a skos:Concept }", ResultFormat::Json, None).unwrap(), (r#"{"head":{},"boolean":true}"#.into(), 1));
    }

    #[test]
    fn construct_in_rdf_syntaxes() {
        let q = "CONSTRUCT { ?c skos:prefLabel ?l } WHERE { ?c skos:prefLabel ?l }";
        let (nt, rows) = run(q, ResultFormat::NTriples, None).unwrap();
        assert_eq!(nt, "<https://w3id.org/topicgraph/concept/transformers> <http://www.w3.org/2004/02/skos/core#prefLabel> \"Transformers\"@en .\n");
        assert_eq!(rows, 1);
        let ttl = run(q, ResultFormat::Turtle, None).unwrap().0;
        assert!(ttl.contains("tgc:transformers skos:prefLabel \"Transformers\"@en"), "{ttl}");
        assert!(run(q, ResultFormat::RdfXml, None).unwrap().0.contains("Transformers"));
        assert!(run(q, ResultFormat::JsonLd, None).unwrap().0.contains("Transformers"));
    }

    #[test]
    fn a_format_that_cannot_hold_the_kind_is_refused() {
        let err = run("CONSTRUCT WHERE { ?s ?p ?o }", ResultFormat::Csv, None).unwrap_err();
        assert_eq!(err.to_string(), "csv cannot hold CONSTRUCT/DESCRIBE results");
        assert!(matches!(run(LABEL, ResultFormat::Turtle, None), Err(SparqlError::UnsupportedFormat { .. })));
    }

    #[test]
    fn the_cap_stops_a_large_result() {
        let err = run("SELECT * WHERE { ?s ?p ?o }", ResultFormat::Json, Some(100)).unwrap_err();
        assert!(matches!(err, SparqlError::TooLarge { cap: 100 }), "{err}");
        assert_eq!(err.to_string(), "result larger than 100 bytes: add LIMIT");
        let err = run("SELECT * WHERE { ?s ?p ?o }", ResultFormat::Table, Some(100)).unwrap_err();
        assert!(matches!(err, SparqlError::TooLarge { cap: 100 }), "{err}");
        assert!(run("SELECT * WHERE { ?s ?p ?o }", ResultFormat::Json, Some(100_000)).is_ok());
    }
}
