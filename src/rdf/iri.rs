//! Stable IRIs for everything topicgraph writes: no blank nodes, so a rebuild gives the same
//! quads. A paper owns the nodes whose IRI is its own plus a fragment (`#author-1`,
//! `#tag-kv-cache`); replacing a paper replaces exactly those.

use crate::model::Paper;
use oxigraph::model::NamedNode;
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

/// The named graphs, one per purpose (see `docs/rdf.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Graph {
    /// The SKOS concept scheme the papers were tagged with.
    Ontology,
    /// Papers, their authors (as roles) and people.
    Papers,
    /// Tags: `dcterms:subject` links and the Web Annotations that explain them.
    Annotations,
    /// Which source records produced each paper (PROV-O).
    Provenance,
    /// Corpus-wide analytics written back by the graph stage (PageRank, communities ...).
    Analytics,
    /// Bookkeeping for incremental builds (canonical records, tagging versions).
    State,
    /// One record per run (time, host, command); left out of exports unless asked for.
    Runs,
}

impl Graph {
    pub const ALL: [Graph; 7] = [Graph::Ontology, Graph::Papers, Graph::Annotations, Graph::Provenance, Graph::Analytics, Graph::State, Graph::Runs];

    pub fn name(self) -> &'static str {
        match self {
            Graph::Ontology => "ontology",
            Graph::Papers => "papers",
            Graph::Annotations => "annotations",
            Graph::Provenance => "provenance",
            Graph::Analytics => "analytics",
            Graph::State => "state",
            Graph::Runs => "runs",
        }
    }

    /// Graphs exports include unless asked otherwise: the knowledge, not the bookkeeping.
    pub fn exported_by_default(self) -> bool {
        !matches!(self, Graph::State | Graph::Runs)
    }
}

impl std::str::FromStr for Graph {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Graph::ALL.into_iter().find(|g| g.name() == s).ok_or_else(|| {
            let names: Vec<&str> = Graph::ALL.iter().map(|g| g.name()).collect();
            format!("unknown graph {s:?}; graphs are {}", names.join(", "))
        })
    }
}

/// IRI factory for one base.
#[derive(Debug, Clone)]
pub struct Iris {
    base: String,
}

impl Default for Iris {
    fn default() -> Self {
        Iris { base: crate::rdf::vocab::DEFAULT_BASE.to_string() }
    }
}

impl Iris {
    /// `base` must be an absolute IRI ending in `/` or `#`.
    pub fn new(base: &str) -> Result<Iris, String> {
        if !(base.ends_with('/') || base.ends_with('#')) {
            return Err(format!("base IRI {base:?} must end with '/' or '#'"));
        }
        NamedNode::new(base).map_err(|e| format!("base IRI {base:?}: {e}"))?;
        Ok(Iris { base: base.to_string() })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn node(&self, path: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{}{path}", self.base))
    }

    pub fn graph(&self, g: Graph) -> NamedNode {
        self.node(&format!("graph/{}", g.name()))
    }

    /// The concept scheme node of the loaded ontology (carries its version).
    pub fn scheme(&self) -> NamedNode {
        self.node("scheme")
    }

    /// `paper/arxiv/2401.00001`, `paper/doi/10.1145%2F3580305`, `paper/title/t-0123...`.
    pub fn paper(&self, p: &Paper) -> NamedNode {
        self.node(&format!("paper/{}/{}", id_kind(p), escape(&p.id)))
    }

    /// A node the paper owns: the paper IRI plus `#fragment`.
    pub fn owned(paper: &NamedNode, fragment: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{}#{}", paper.as_str(), escape(fragment)))
    }

    /// A person, from the NFKC case-folded full name with whitespace collapsed, so
    /// "Yann LeCun" and "YANN  LECUN" are one person. (Names alone cannot tell namesakes
    /// apart; an ORCID, when a source gives one, is recorded as `schema:identifier`.)
    pub fn person(&self, name: &str) -> NamedNode {
        self.node(&format!("person/{}", hash16(&person_key(name))))
    }

    pub fn venue(&self, name: &str) -> NamedNode {
        self.node(&format!("venue/{}", hash16(&person_key(name))))
    }

    /// A source record (PROV entity): format, file and position.
    pub fn source_record(&self, paper: &NamedNode, n: usize) -> NamedNode {
        Iris::owned(paper, &format!("source-{n}"))
    }

    /// A named entity, one node for every paper that names it: `entity/llama-3.1-8b` (the
    /// entity's normalised key).
    pub fn entity(&self, key: &str) -> NamedNode {
        self.node(&format!("entity/{}", escape(key)))
    }

    pub fn run(&self, started: &str, pid: u32) -> NamedNode {
        self.node(&format!("run/{}-{pid}", escape(started)))
    }
}

/// The kind of id a paper's IRI is filed under.
pub fn id_kind(p: &Paper) -> &'static str {
    let id = Some(p.id.as_str());
    if p.ids.arxiv.as_deref() == id {
        "arxiv"
    } else if p.ids.doi.as_deref() == id {
        "doi"
    } else if p.ids.acl.as_deref() == id {
        "acl"
    } else if p.ids.openalex.as_deref() == id {
        "openalex"
    } else if p.ids.s2.as_deref() == id {
        "s2"
    } else if p.id.starts_with("t-") {
        "title"
    } else {
        "id"
    }
}

/// Every id of a paper in topicgraph's prefixed form (`arxiv:2401.00001`, `doi:10.1/x`):
/// written as `dcterms:identifier` and used to find a stored paper again.
pub fn prefixed_ids(p: &Paper) -> Vec<String> {
    let ids = &p.ids;
    let mut out = Vec::new();
    for (kind, v) in [("arxiv", &ids.arxiv), ("doi", &ids.doi), ("acl", &ids.acl), ("openalex", &ids.openalex), ("s2", &ids.s2), ("pmid", &ids.pmid)] {
        if let Some(v) = v {
            out.push(format!("{kind}:{v}"));
        }
    }
    for o in &ids.other {
        out.push(format!("id:{o}"));
    }
    let own = format!("{}:{}", id_kind(p), p.id);
    if !out.contains(&own) {
        out.push(own);
    }
    out
}

fn person_key(name: &str) -> String {
    let folded: String = name.nfkc().flat_map(char::to_lowercase).collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn hash16(s: &str) -> String {
    Sha256::digest(s.as_bytes()).iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Percent-encode everything but unreserved characters and `/` (kept so DOIs read well;
/// `#`, `?`, `%` and spaces are encoded).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/' | b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Ids;

    fn paper(id: &str, ids: Ids) -> Paper {
        Paper { id: id.into(), ids, ..Default::default() }
    }

    #[test]
    fn paper_iris_by_id_kind_and_escaped() {
        let iris = Iris::default();
        let p = paper("2401.00001", Ids { arxiv: Some("2401.00001".into()), ..Default::default() });
        assert_eq!(iris.paper(&p).as_str(), "https://w3id.org/topicgraph/data/paper/arxiv/2401.00001");
        let p = paper("10.1000/a b#c", Ids { doi: Some("10.1000/a b#c".into()), ..Default::default() });
        assert_eq!(iris.paper(&p).as_str(), "https://w3id.org/topicgraph/data/paper/doi/10.1000/a%20b%23c");
        let p = paper("t-0123456789abcdef", Ids::default());
        assert!(iris.paper(&p).as_str().ends_with("paper/title/t-0123456789abcdef"));
        assert_eq!(prefixed_ids(&p), vec!["title:t-0123456789abcdef"]);
    }

    #[test]
    fn people_fold_case_width_and_spacing() {
        let iris = Iris::default();
        assert_eq!(iris.person("Yann LeCun"), iris.person("YANN  LECUN"));
        assert_eq!(iris.person("Ｙann LeCun"), iris.person("yann lecun"));
        assert_ne!(iris.person("Yann LeCun"), iris.person("Yan LeCun"));
    }

    #[test]
    fn base_must_end_with_separator() {
        assert!(Iris::new("https://example.org/kg").is_err());
        assert!(Iris::new("https://example.org/kg/").is_ok());
        assert!(Iris::new("not an iri/").is_err());
    }
}
