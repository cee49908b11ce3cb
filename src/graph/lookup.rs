//! Finding a concept or a paper by what a user types, with close matches when nothing fits.

use super::{GraphError, KnowledgeGraph};
use crate::rdf::vocab::CONCEPT_NS;

/// How many close matches an unknown name gets.
const SUGGESTIONS: usize = 3;

impl KnowledgeGraph {
    /// The index of a concept given by slug, IRI, `tgc:` name or label (case-insensitive).
    pub fn concept_index(&self, name: &str) -> Result<usize, GraphError> {
        let name = name.trim();
        let slug = name.strip_prefix(CONCEPT_NS).or_else(|| name.strip_prefix("tgc:")).unwrap_or(name);
        if let Some(&i) = self.concept_ids.get(slug) {
            return Ok(i as usize);
        }
        let lower = name.to_lowercase();
        let found = self.concepts.iter().position(|c| c.iri() == name || c.id.to_lowercase() == lower || c.label.to_lowercase() == lower);
        found.ok_or_else(|| GraphError::UnknownConcept {
            given: name.to_string(),
            suggestions: close_matches(&lower, self.concepts.iter().flat_map(|c| [(c.id.as_str(), c.id.as_str()), (c.label.as_str(), c.id.as_str())])),
        })
    }

    /// The index of a paper given by topicgraph id, IRI, another identifier, or a bare arXiv
    /// id (`2401.00001` for `arxiv:2401.00001`).
    pub fn paper_index(&self, name: &str) -> Result<usize, GraphError> {
        let name = name.trim();
        for key in [name.to_string(), format!("arxiv:{name}")] {
            if let Some(&j) = self.paper_ids.get(&key) {
                return Ok(j as usize);
            }
        }
        let found = self.papers.iter().position(|p| p.iri == name || p.other_ids.iter().any(|o| o == name));
        found.ok_or_else(|| GraphError::UnknownPaper { given: name.to_string(), suggestions: close_matches(&name.to_lowercase(), self.papers.iter().map(|p| (p.id.as_str(), p.id.as_str()))) })
    }
}

/// The names most like `wanted` as (text compared, what to suggest): a containing name scores
/// above any other, then Jaro-Winkler similarity (at least 0.8), ties by name.
fn close_matches<'a>(wanted: &str, names: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<String> {
    let mut scored: Vec<(f64, &str)> = names
        .filter_map(|(text, id)| {
            let text = text.to_lowercase();
            let s = if !wanted.is_empty() && text.contains(wanted) { 2.0 } else { strsim::jaro_winkler(wanted, &text) };
            (s >= 0.8).then_some((s, id))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let mut out: Vec<String> = Vec::new();
    for (_, id) in scored {
        if !out.iter().any(|o| o == id) {
            out.push(id.to_string());
        }
        if out.len() == SUGGESTIONS {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{concept, paper};
    use super::super::GraphConfig;
    use super::*;

    fn graph() -> KnowledgeGraph {
        let mut p = paper("arxiv:2401.00001", &[("kv-cache", 1.0)]);
        p.iri = "https://w3id.org/topicgraph/data/paper/arxiv/2401.00001".into();
        p.other_ids = vec!["doi:10.1/x".into()];
        KnowledgeGraph::build(vec![concept("kv-cache", &[], &[]), concept("large-language-model", &[], &[])], vec![p], GraphConfig::default())
    }

    #[test]
    fn concepts_by_slug_iri_or_label() {
        let g = graph();
        for name in ["kv-cache", "https://w3id.org/topicgraph/concept/kv-cache", "tgc:kv-cache", "KV cache", "KV-Cache"] {
            assert_eq!(g.concept_index(name).unwrap(), 0, "{name}");
        }
        let err = g.concept_index("large-language-models").unwrap_err();
        assert_eq!(err.to_string(), "no concept \"large-language-models\" in the graph; did you mean large-language-model?");
        let GraphError::UnknownConcept { suggestions, .. } = g.concept_index("language").unwrap_err() else { panic!() };
        assert_eq!(suggestions, ["large-language-model"], "a containing name is suggested");
    }

    #[test]
    fn papers_by_id_iri_other_id_or_bare_arxiv_id() {
        let g = graph();
        for name in ["arxiv:2401.00001", "2401.00001", "https://w3id.org/topicgraph/data/paper/arxiv/2401.00001", "doi:10.1/x"] {
            assert_eq!(g.paper_index(name).unwrap(), 0, "{name}");
        }
        let GraphError::UnknownPaper { suggestions, .. } = g.paper_index("arxiv:2401.00002").unwrap_err() else { panic!() };
        assert_eq!(suggestions, ["arxiv:2401.00001"]);
    }
}
