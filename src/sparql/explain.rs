//! [`explain`]: run a query for its plan, the way oxigraph evaluates it, with the rows each
//! step produced and the time it took: what `topicgraph query --explain` prints, to see why a
//! query is slow (a pattern read over the whole store before a join, an OPTIONAL evaluated
//! for every paper) and which rewrite helps.

use super::{start, Evaluation, QueryOptions, SparqlError};
use oxigraph::store::Store;
use serde::Serialize;
use std::fmt::Write as _;
use std::time::Instant;

/// One step of the plan: oxigraph's label for it, the rows it produced and its time
/// (cumulative: a step's time includes its children's).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanNode {
    pub step: String,
    pub rows: u64,
    pub seconds: Option<f64>,
    pub children: Vec<PlanNode>,
}

/// A query's plan after running it to the end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// Results (rows, triples, or 1 for ASK), computed and dropped.
    pub results: u64,
    /// Wall time of the whole run, results included.
    pub seconds: f64,
    pub planning_seconds: Option<f64>,
    pub plan: PlanNode,
}

/// Evaluate `text` on `store` to the end with statistics on, and return its plan. The
/// results are counted, not kept. Errors as [`super::evaluate`] (syntax, timeout, evaluation).
pub fn explain(store: &Store, text: &str, options: &QueryOptions) -> Result<Explanation, SparqlError> {
    let t = Instant::now();
    let (bound, deadline) = start(store, text, options)?;
    let (results, explanation) = bound.compute_statistics().explain();
    let results = Evaluation::new(results.map_err(|e| deadline.error(e))?, deadline).count()?;
    let seconds = t.elapsed().as_secs_f64();
    let mut json = Vec::new();
    explanation.write_in_json(&mut json).map_err(SparqlError::Io)?;
    let value: serde_json::Value = serde_json::from_slice(&json).map_err(|e| SparqlError::Io(e.into()))?;
    let plan = value.get("plan").map(node).unwrap_or_else(|| PlanNode { step: "(no plan)".into(), rows: 0, seconds: None, children: Vec::new() });
    let planning_seconds = value.get("planning duration in seconds").and_then(serde_json::Value::as_f64);
    Ok(Explanation { results, seconds, planning_seconds, plan })
}

fn node(v: &serde_json::Value) -> PlanNode {
    PlanNode {
        step: v.get("name").and_then(|n| n.as_str()).unwrap_or("?").to_string(),
        rows: v.get("number of results").and_then(serde_json::Value::as_u64).unwrap_or(0),
        seconds: v.get("duration in seconds").and_then(serde_json::Value::as_f64),
        children: v.get("children").and_then(|c| c.as_array()).map(|c| c.iter().map(node).collect()).unwrap_or_default(),
    }
}

impl Explanation {
    /// The plan as an indented tree, one step a line: rows and milliseconds on the left so
    /// the expensive steps line up, the step's label indented by its depth.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{} result(s) in {:.1} ms", self.results, self.seconds * 1e3);
        if let Some(p) = self.planning_seconds {
            let _ = writeln!(out, "planning {:.2} ms", p * 1e3);
        }
        let _ = writeln!(out, "{:>10} {:>10}  step", "rows", "ms");
        fn walk(n: &PlanNode, depth: usize, out: &mut String) {
            let ms = n.seconds.map_or_else(|| "-".to_string(), |s| format!("{:.1}", s * 1e3));
            let _ = writeln!(out, "{:>10} {:>10}  {}{}", n.rows, ms, "  ".repeat(depth), n.step);
            for c in &n.children {
                walk(c, depth + 1, out);
            }
        }
        walk(&self.plan, 0, &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_store::store;
    use super::*;

    #[test]
    fn explains_a_join_with_the_rows_of_each_step() {
        let q = "SELECT ?c ?l WHERE { ?c skos:broader ?b ; skos:prefLabel ?l }";
        let e = explain(&store(), q, &QueryOptions::default()).unwrap();
        let rows = super::super::evaluate(&store(), q, &QueryOptions::default()).unwrap().count().unwrap();
        assert_eq!(e.results, rows);
        assert!(rows > 0);
        let text = e.to_text();
        assert!(text.starts_with(&format!("{rows} result(s)")), "{text}");
        // The two triple patterns appear as steps, under the join, with rows counted.
        fn all(n: &PlanNode) -> Vec<&PlanNode> {
            std::iter::once(n).chain(n.children.iter().flat_map(all)).collect()
        }
        let steps = all(&e.plan);
        assert!(steps.iter().any(|n| n.step.contains("broader") && n.rows == 1), "{text}");
        assert!(steps.iter().any(|n| n.step.contains("prefLabel")), "{text}");
        assert!(steps.len() >= 3, "{text}");
    }

    #[test]
    fn syntax_errors_are_reported_as_for_evaluate() {
        assert!(matches!(explain(&store(), "SELECT WHERE {", &QueryOptions::default()), Err(SparqlError::Syntax { .. })));
    }
}
