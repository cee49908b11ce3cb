//! What the server sends back: a status, a Content-Type and a complete body. Bodies are
//! built in full before the status line goes out, so every failure gets its real status.

use crate::sparql::SparqlError;
use oxigraph::sparql::{QueryEvaluationError, UpdateEvaluationError};

#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// More headers: `Allow` for a 405, the CORS ones.
    pub headers: Vec<(&'static str, &'static str)>,
}

const TEXT: &str = "text/plain; charset=utf-8";

impl Reply {
    pub fn new(status: u16, content_type: &'static str, body: Vec<u8>) -> Self {
        Self { status, content_type, body, headers: Vec::new() }
    }

    pub fn text(status: u16, message: String) -> Self {
        Self::new(status, TEXT, message.into_bytes())
    }

    pub fn method_not_allowed(allow: &'static str) -> Self {
        Self::text(405, format!("method not allowed here: use {allow}\n")).with("Allow", allow)
    }

    /// The reply for a failed query or update; `text` is the SPARQL the client sent, quoted
    /// back around a syntax error.
    pub fn error(e: &SparqlError, text: &str) -> Self {
        let status = match e {
            SparqlError::Syntax { .. } | SparqlError::Invalid { .. } | SparqlError::GraphIri { .. } => 400,
            SparqlError::UpdateForbidden => 403,
            SparqlError::UnsupportedFormat { .. } => 406,
            SparqlError::TooLarge { .. } => 413,
            SparqlError::Timeout { .. } => 503,
            SparqlError::Evaluation(QueryEvaluationError::Dataset(_) | QueryEvaluationError::Unexpected(_)) => 500,
            SparqlError::Evaluation(_) => 400,
            SparqlError::Update(UpdateEvaluationError::Storage(_) | UpdateEvaluationError::Unexpected(_)) => 500,
            SparqlError::Update(_) => 400,
            _ => 500,
        };
        let mut message = format!("{e}\n");
        if let Some(explained) = e.explain(text) {
            message.push_str(&explained);
            message.push('\n');
        }
        Self::text(status, message)
    }

    pub fn with(mut self, name: &'static str, value: &'static str) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Readable from pages of any origin (queries only: they change nothing).
    pub fn cors(self) -> Self {
        self.with("Access-Control-Allow-Origin", "*")
    }

    #[cfg(test)]
    pub fn header(&self, name: &str) -> Option<&'static str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| *v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_map_to_statuses() {
        let syntax = SparqlError::Syntax { line: 1, column: 8, message: "unexpected `x`".into(), hint: Some("try y".into()) };
        let reply = Reply::error(&syntax, "SELECT x");
        assert_eq!(reply.status, 400);
        assert_eq!(String::from_utf8(reply.body).unwrap(), "syntax error at line 1, column 8: unexpected `x`\n  1 | SELECT x\n    |        ^\nhint: try y\n");
        assert_eq!(Reply::error(&SparqlError::Timeout { seconds: 2.0 }, "").status, 503);
        assert_eq!(Reply::error(&SparqlError::TooLarge { cap: 10 }, "").status, 413);
        assert_eq!(Reply::error(&SparqlError::UpdateForbidden, "").status, 403);
        assert_eq!(Reply::error(&SparqlError::Evaluation(QueryEvaluationError::UnboundService), "").status, 400);
    }
}
