//! SPARQL over the knowledge graph, for `topicgraph query` and `topicgraph serve`.
//!
//! Entry points: [`evaluate`] parses and starts a query and returns an [`Evaluation`], whose
//! [`Evaluation::write`] serializes the results in a [`ResultFormat`] (pick one with
//! [`negotiate`] for HTTP); [`explain`] runs a query for its plan, with the rows and time of
//! each step; [`update`] runs a SPARQL update. Nothing here prints.
//!
//! Every query gets the vocabulary prefixes ([`crate::rdf::vocab::PREFIXES`]) and sees the
//! union of all named graphs as its default graph, unless it names graphs itself (FROM, FROM
//! NAMED) or the caller does ([`QueryOptions::default_graphs`], `named_graphs`, which is how
//! the SPARQL protocol's `default-graph-uri` and `named-graph-uri` arrive): then exactly those.
//! A time limit really stops the work (see `deadline`), and a byte cap bounds what is written,
//! so an HTTP server can still answer with an error status when either is hit.

mod deadline;
mod explain;
mod format;
mod prepare;
mod table;
mod write;

pub use explain::{explain, Explanation, PlanNode};
pub use format::{negotiate, ResultFormat, ResultKind};
pub use prepare::excerpt;
pub use write::Evaluation;

use deadline::Deadline;
use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode};
use oxigraph::sparql::{BoundPreparedSparqlQuery, QueryEvaluationError, UpdateEvaluationError};
use oxigraph::store::Store;
use prepare::{evaluator, syntax_error, Operation};
use std::time::Duration;

/// Why a query or update failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SparqlError {
    /// The text does not parse; `line` and `column` (1-based, in characters) point into the
    /// user's text, never into the pre-declared prefixes.
    #[error("syntax error at line {line}, column {column}: {message}")]
    Syntax { line: usize, column: usize, message: String, hint: Option<String> },
    /// Parsed, but not acceptable (a blank node shared between blocks, a bad base IRI).
    #[error("invalid SPARQL: {message}")]
    Invalid { message: String },
    /// A graph IRI given by the caller (`default-graph-uri`, `named-graph-uri`) is not an IRI.
    #[error("invalid graph IRI {iri:?}: {message}")]
    GraphIri { iri: String, message: String },
    #[error("the query ran longer than {seconds} s and was stopped: narrow it, add LIMIT, or raise the timeout")]
    Timeout { seconds: f64 },
    #[error("result larger than {cap} bytes: add LIMIT")]
    TooLarge { cap: usize },
    #[error("{format} cannot hold {kind} results")]
    UnsupportedFormat { format: ResultFormat, kind: ResultKind },
    // The inner error is in the message, not a `source`: `{:#}` chains would repeat it.
    #[error("query evaluation failed: {0}")]
    Evaluation(QueryEvaluationError),
    #[error("update failed: {0}")]
    Update(UpdateEvaluationError),
    /// Updates are switched off (a read-only server).
    #[error("updates are disabled: start the server with --allow-update")]
    UpdateForbidden,
    #[error("writing the results")]
    Io(#[source] std::io::Error),
}

impl SparqlError {
    /// The user's text around a syntax error, with a caret under the column, then the hint.
    pub fn explain(&self, text: &str) -> Option<String> {
        let SparqlError::Syntax { line, column, hint, .. } = self else { return None };
        let mut out = excerpt(text, *line, *column)?;
        if let Some(hint) = hint {
            out.push_str("\nhint: ");
            out.push_str(hint);
        }
        Some(out)
    }
}

/// How to run a query. `Default` is: the union default graph, no time limit.
#[derive(Clone, Debug, Default)]
pub struct QueryOptions {
    /// Graphs merged into the default graph. With `named_graphs`, when either is non-empty,
    /// they replace the query's own FROM / FROM NAMED (the SPARQL protocol's rule).
    pub default_graphs: Vec<String>,
    /// The graphs `GRAPH ?g` may range over.
    pub named_graphs: Vec<String>,
    /// Stop the query (and its serialization) after this long.
    pub timeout: Option<Duration>,
}

/// Parse `text` with the vocabulary prefixes and start it on `store`. Rows are computed as
/// [`Evaluation::write`] pulls them, so the time limit covers that too.
pub fn evaluate(store: &Store, text: &str, options: &QueryOptions) -> Result<Evaluation, SparqlError> {
    let (bound, deadline) = start(store, text, options)?;
    let results = bound.execute().map_err(|e| deadline.error(e))?;
    Ok(Evaluation::new(results, deadline))
}

/// Parse `text`, set up its dataset and bind it to `store`, with the clock started.
fn start(store: &Store, text: &str, options: &QueryOptions) -> Result<(BoundPreparedSparqlQuery<'static>, Deadline), SparqlError> {
    let deadline = Deadline::start(options.timeout);
    let mut prepared = evaluator().with_cancellation_token(deadline.token()).parse_query(text).map_err(|e| syntax_error(text, &e, Operation::Query))?;
    let dataset = prepared.dataset_mut();
    if !options.default_graphs.is_empty() || !options.named_graphs.is_empty() {
        dataset.set_default_graph(options.default_graphs.iter().map(|g| graph_iri(g).map(GraphName::from)).collect::<Result<_, _>>()?);
        dataset.set_available_named_graphs(options.named_graphs.iter().map(|g| graph_iri(g).map(NamedOrBlankNode::from)).collect::<Result<_, _>>()?);
    } else if dataset.is_default_dataset() {
        // The query names no graphs: the data lives in named graphs, so show all of it.
        dataset.set_default_graph_as_union();
    }
    Ok((prepared.on_store(store), deadline))
}

/// Run a SPARQL update (with the vocabulary prefixes) on `store`, within `timeout`. The update
/// is one transaction: a timeout leaves the store unchanged.
pub fn update(store: &Store, text: &str, timeout: Option<Duration>) -> Result<(), SparqlError> {
    let deadline = Deadline::start(timeout);
    let prepared = evaluator().with_cancellation_token(deadline.token()).parse_update(text).map_err(|e| syntax_error(text, &e, Operation::Update))?;
    prepared.on_store(store).execute().map_err(|e| match e {
        UpdateEvaluationError::Unexpected(inner) if inner.downcast_ref::<QueryEvaluationError>().is_some_and(|q| matches!(q, QueryEvaluationError::Cancelled)) => deadline.timeout(),
        e => SparqlError::Update(e),
    })
}

fn graph_iri(iri: &str) -> Result<NamedNode, SparqlError> {
    NamedNode::new(iri).map_err(|e| SparqlError::GraphIri { iri: iri.to_string(), message: e.to_string() })
}

#[cfg(test)]
pub(crate) mod test_store;

#[cfg(test)]
mod tests {
    use super::test_store::store;
    use super::*;

    fn select(text: &str, options: &QueryOptions) -> String {
        let out = evaluate(&store(), text, options).unwrap().write(ResultFormat::Csv, Vec::new(), None).unwrap();
        String::from_utf8(out.0).unwrap()
    }

    #[test]
    fn the_default_graph_is_the_union_of_the_named_graphs() {
        let csv = select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", &QueryOptions::default());
        assert_eq!(csv, "n\r\n4\r\n");
    }

    #[test]
    fn from_in_the_query_limits_the_default_graph() {
        let csv = select("SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/topicgraph/data/graph/ontology> WHERE { ?s ?p ?o }", &QueryOptions::default());
        assert_eq!(csv, "n\r\n3\r\n");
        let csv = select("SELECT (COUNT(*) AS ?n) FROM NAMED <https://w3id.org/topicgraph/data/graph/ontology> WHERE { ?s ?p ?o }", &QueryOptions::default());
        assert_eq!(csv, "n\r\n0\r\n", "FROM NAMED alone leaves the default graph empty");
    }

    #[test]
    fn protocol_graphs_replace_the_querys() {
        let options = QueryOptions { default_graphs: vec![format!("{}graph/papers", crate::rdf::vocab::DEFAULT_BASE)], ..Default::default() };
        let csv = select("SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/topicgraph/data/graph/ontology> WHERE { ?s ?p ?o }", &options);
        assert_eq!(csv, "n\r\n1\r\n");
        let options = QueryOptions { named_graphs: vec![format!("{}graph/papers", crate::rdf::vocab::DEFAULT_BASE)], ..Default::default() };
        let csv = select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", &options);
        assert_eq!(csv, "g\r\nhttps://w3id.org/topicgraph/data/graph/papers\r\n");
    }

    #[test]
    fn a_bad_graph_iri_is_reported() {
        let options = QueryOptions { default_graphs: vec!["not an iri".into()], ..Default::default() };
        let err = evaluate(&store(), "ASK {}", &options).unwrap_err();
        assert!(matches!(err, SparqlError::GraphIri { ref iri, .. } if iri == "not an iri"), "{err}");
    }

    #[test]
    fn a_syntax_error_explains_itself_with_a_caret() {
        let text = "SELECT ?x\nWHERE { ?x nope:y ?z }";
        let err = evaluate(&store(), text, &QueryOptions::default()).unwrap_err();
        let explained = err.explain(text).unwrap();
        assert_eq!(explained.lines().next(), Some("  2 | WHERE { ?x nope:y ?z }"));
        assert_eq!(explained.lines().nth(1), Some("    |            ^"));
        assert!(explained.lines().nth(2).unwrap().starts_with("hint: declare it with `PREFIX nope:"));
    }

    #[test]
    fn an_expensive_query_stops_at_its_timeout() {
        let big = test_store::big(500);
        let started = std::time::Instant::now();
        let options = QueryOptions { timeout: Some(Duration::from_millis(300)), ..Default::default() };
        let err = evaluate(&big, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", &options).and_then(|e| e.write(ResultFormat::Json, Vec::new(), None)).unwrap_err();
        assert!(matches!(err, SparqlError::Timeout { .. }), "{err}");
        assert!(started.elapsed() < Duration::from_secs(5), "stopped after {:?}", started.elapsed());
    }

    #[test]
    fn updates_run_and_then_show() {
        let store = store();
        update(&store, "INSERT DATA { GRAPH <https://w3id.org/topicgraph/data/graph/papers> { tgd:x dcterms:title \"New\" } }", None).unwrap();
        let n = evaluate(&store, "ASK { ?p dcterms:title \"New\" }", &QueryOptions::default()).unwrap().write(ResultFormat::Csv, Vec::new(), None).unwrap();
        assert_eq!(n.0, b"true");
        let err = update(&store, "SELECT * WHERE { ?s ?p ?o }", None).unwrap_err();
        let SparqlError::Syntax { hint, .. } = err else { panic!("{err}") };
        assert!(hint.unwrap().contains("not an update"));
    }
}
