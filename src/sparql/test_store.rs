//! Small in-memory stores for the unit tests, laid out as the vocabulary contract says.

use oxigraph::io::RdfFormat;
use oxigraph::model::{GraphName, NamedNode, Quad};
use oxigraph::store::Store;

/// Three ontology triples and one paper triple, in their named graphs.
pub const TRIG: &str = r#"
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix tgc: <https://w3id.org/topicgraph/concept/> .
@prefix tgd: <https://w3id.org/topicgraph/data/> .
<https://w3id.org/topicgraph/data/graph/ontology> {
  tgc:transformers a skos:Concept ; skos:prefLabel "Transformers"@en ; skos:broader tgc:deep-learning .
}
<https://w3id.org/topicgraph/data/graph/papers> {
  <https://w3id.org/topicgraph/data/paper/arxiv/2401.00001> dcterms:title "Attention, again" .
}
"#;

pub fn store() -> Store {
    let store = Store::new().unwrap();
    store.load_from_slice(RdfFormat::TriG, TRIG.as_bytes()).unwrap();
    store
}

/// `n` triples in one named graph: cross products over them take very long.
pub fn big(n: usize) -> Store {
    let store = Store::new().unwrap();
    let g = GraphName::from(NamedNode::new("https://w3id.org/topicgraph/data/graph/papers").unwrap());
    let p = NamedNode::new("http://example.org/p").unwrap();
    let node = |i: usize| NamedNode::new(format!("http://example.org/n{i}")).unwrap();
    store.extend((0..n).map(|i| Quad::new(node(i), p.clone(), node(i + 1), g.clone()))).unwrap();
    store
}
