//! The vocabularies topicgraph writes, and the prefixes every query gets for free.
//!
//! Standard terms wherever one exists (SKOS, DCTERMS, schema.org, PROV-O, Web Annotation,
//! DCAT); the few topicgraph terms (`tg:`) are documented in `docs/rdf.md`.

/// Namespace of the bundled ontology's concepts: a concept's IRI is this plus its slug.
pub const CONCEPT_NS: &str = "https://w3id.org/topicgraph/concept/";
/// topicgraph's own terms (score, rule, bookkeeping).
pub const TG_NS: &str = "https://w3id.org/topicgraph/ontology#";
/// Default base IRI of the data (papers, people, annotations, graph names).
pub const DEFAULT_BASE: &str = "https://w3id.org/topicgraph/data/";

pub const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
pub const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
pub const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
pub const OWL: &str = "http://www.w3.org/2002/07/owl#";
pub const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
pub const DCTERMS: &str = "http://purl.org/dc/terms/";
pub const SCHEMA: &str = "http://schema.org/";
pub const PROV: &str = "http://www.w3.org/ns/prov#";
pub const OA: &str = "http://www.w3.org/ns/oa#";
pub const DCAT: &str = "http://www.w3.org/ns/dcat#";

/// Prefixes declared for every query run by `query`, `serve` and the example queries (a
/// query may redeclare any of them). `tgc:` is the bundled concepts, `tgd:` the default data
/// base, `tgg:` its named graphs.
pub const PREFIXES: &[(&str, &str)] = &[
    ("rdf", RDF),
    ("rdfs", RDFS),
    ("xsd", XSD),
    ("owl", OWL),
    ("skos", SKOS),
    ("dcterms", DCTERMS),
    ("schema", SCHEMA),
    ("prov", PROV),
    ("oa", OA),
    ("dcat", DCAT),
    ("tg", TG_NS),
    ("tgc", CONCEPT_NS),
    ("tgd", DEFAULT_BASE),
    ("tgg", DEFAULT_GRAPHS),
];

/// The named graphs under the default base: `FROM tgg:papers`, `GRAPH tgg:annotations`.
pub const DEFAULT_GRAPHS: &str = "https://w3id.org/topicgraph/data/graph/";

/// The SPARQL prologue for [`PREFIXES`].
pub fn sparql_prologue() -> String {
    PREFIXES.iter().map(|(p, ns)| format!("PREFIX {p}: <{ns}>\n")).collect()
}
