//! `export rdf`: the selected named graphs in any RDF syntax oxigraph writes. Entry point:
//! [`export`].
//!
//! Quad formats (N-Quads, TriG) keep graph names; triple formats (Turtle, N-Triples,
//! RDF/XML, JSON-LD) get the union of the selected graphs. Output order is the store's key
//! order, so the same store gives the same bytes.

use crate::rdf::iri::{Graph, Iris};
use crate::rdf::vocab::PREFIXES;
use oxigraph::io::{JsonLdProfileSet, RdfFormat, RdfSerializer};
use oxigraph::model::{GraphNameRef, QuadRef};
use oxigraph::store::{StorageError, Store};
use std::io::Write;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    #[error("store: {0}")]
    Storage(#[from] StorageError),
    #[error("writing: {0}")]
    Io(#[from] std::io::Error),
}

/// The RDF syntaxes `export rdf` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RdfSyntax {
    Turtle,
    NTriples,
    NQuads,
    TriG,
    JsonLd,
    RdfXml,
}

impl RdfSyntax {
    pub const ALL: [RdfSyntax; 6] = [RdfSyntax::Turtle, RdfSyntax::NTriples, RdfSyntax::NQuads, RdfSyntax::TriG, RdfSyntax::JsonLd, RdfSyntax::RdfXml];

    pub fn name(self) -> &'static str {
        match self {
            RdfSyntax::Turtle => "turtle",
            RdfSyntax::NTriples => "ntriples",
            RdfSyntax::NQuads => "nquads",
            RdfSyntax::TriG => "trig",
            RdfSyntax::JsonLd => "jsonld",
            RdfSyntax::RdfXml => "rdfxml",
        }
    }

    pub fn format(self) -> RdfFormat {
        match self {
            RdfSyntax::Turtle => RdfFormat::Turtle,
            RdfSyntax::NTriples => RdfFormat::NTriples,
            RdfSyntax::NQuads => RdfFormat::NQuads,
            RdfSyntax::TriG => RdfFormat::TriG,
            RdfSyntax::JsonLd => RdfFormat::JsonLd { profile: JsonLdProfileSet::empty() },
            RdfSyntax::RdfXml => RdfFormat::RdfXml,
        }
    }

    /// From a file extension (`out.ttl` -> Turtle).
    pub fn from_extension(ext: &str) -> Option<RdfSyntax> {
        RdfSyntax::ALL.into_iter().find(|s| s.format().file_extension() == ext || s.name() == ext)
    }
}

impl std::str::FromStr for RdfSyntax {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.to_ascii_lowercase();
        RdfSyntax::ALL.into_iter().find(|f| f.name() == s || f.format().file_extension() == s).ok_or_else(|| {
            let names: Vec<&str> = RdfSyntax::ALL.iter().map(|f| f.name()).collect();
            format!("unknown RDF format {s:?}; formats are {}", names.join(", "))
        })
    }
}

/// Write the quads of `graphs` to `out` in `syntax`; returns the number of quads written.
pub fn export(store: &Store, iris: &Iris, graphs: &[Graph], syntax: RdfSyntax, out: impl Write) -> Result<u64, ExportError> {
    let mut out = Some(out);
    let (quads, _) = export_chunks(store, iris, graphs, syntax, u64::MAX, |_| Ok(out.take().expect("one chunk")), |_| Ok(()))?;
    Ok(quads)
}

/// [`export`] in chunks of at most `per_chunk` quads, each a complete document of its own
/// (for loaders of very large datasets, QLever or Virtuoso, that take many files at once):
/// `open(i)` gives the writer of chunk `i` (from 1), `close` takes it back when the chunk is
/// written. Returns the quads and chunks written (at least one chunk, maybe empty).
pub fn export_chunks<W: Write>(
    store: &Store,
    iris: &Iris,
    graphs: &[Graph],
    syntax: RdfSyntax,
    per_chunk: u64,
    mut open: impl FnMut(u32) -> std::io::Result<W>,
    mut close: impl FnMut(W) -> std::io::Result<()>,
) -> Result<(u64, u32), ExportError> {
    let mut serializer = RdfSerializer::from_format(syntax.format());
    if !matches!(syntax, RdfSyntax::NTriples | RdfSyntax::NQuads) {
        for (prefix, ns) in PREFIXES.iter().filter(|(p, _)| !matches!(*p, "tgd" | "tgg")).chain([&("tgd", iris.base())]) {
            serializer = serializer.with_prefix(*prefix, *ns).expect("the namespaces are valid IRIs");
        }
    }
    let keep_graphs = syntax.format().supports_datasets();
    let mut chunks = 1u32;
    let mut writer = serializer.clone().for_writer(open(chunks)?);
    let (mut n, mut in_chunk) = (0u64, 0u64);
    for g in graphs {
        let name = iris.graph(*g);
        for q in store.quads_for_pattern(None, None, None, Some(GraphNameRef::NamedNode(name.as_ref()))) {
            let q = q?;
            if in_chunk == per_chunk.max(1) {
                let mut done = writer.finish()?;
                done.flush()?;
                close(done)?;
                chunks += 1;
                writer = serializer.clone().for_writer(open(chunks)?);
                in_chunk = 0;
            }
            let graph_name = if keep_graphs { q.graph_name.as_ref() } else { GraphNameRef::DefaultGraph };
            writer.serialize_quad(QuadRef::new(q.subject.as_ref(), q.predicate.as_ref(), q.object.as_ref(), graph_name))?;
            n += 1;
            in_chunk += 1;
        }
    }
    let mut done = writer.finish()?;
    done.flush()?;
    close(done)?;
    Ok((n, chunks))
}

/// The graphs exported when none are named: all but state, and runs only when asked.
pub fn default_graphs(with_runs: bool) -> Vec<Graph> {
    Graph::ALL.into_iter().filter(|g| g.exported_by_default() || (with_runs && *g == Graph::Runs)).collect()
}
