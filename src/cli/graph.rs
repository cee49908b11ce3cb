//! `topicgraph graph stats|related|similar|path`: analytics over the store's knowledge graph.

use crate::cli::papers::with_output;
use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use topicgraph::graph::{load_graph_inputs, write_analytics, ConceptPath, GraphConfig, GraphStats, KnowledgeGraph, Related, Similar};
use crate::cli::tag::EmbedArgs;
use topicgraph::build::stored_records;
use topicgraph::embed::Embedder;
use topicgraph::graph::neighbours::{ConceptVectors, PaperVectors};
use topicgraph::rdf::iri::Iris;
use topicgraph::rdf::{store, vocab::DEFAULT_BASE};

#[derive(Args)]
#[command(after_help = "Examples:\n  \
    topicgraph graph stats --store output/store --write\n  \
    topicgraph graph related kv-cache --top 15\n  \
    topicgraph graph similar arxiv:2401.00001 --format json\n  \
    topicgraph graph path kv-cache reinforcement-learning\n\n\
    Co-occurrence significance is NPMI = ln(n_ab N / (n_a n_b)) / -ln(n_ab / N) over the N tagged \
    papers, counted only for pairs in at least --min-support papers.")]
pub struct GraphArgs {
    #[command(subcommand)]
    what: GraphCommand,
}

#[derive(Subcommand)]
enum GraphCommand {
    /// Node and edge counts, density, components, top concepts by PageRank and by papers,
    /// communities (Louvain) and their modularity. `--write` stores the analytics.
    Stats {
        #[command(flatten)]
        common: Common,
        /// Replace the store's analytics graph with paper counts, PageRank, communities and
        /// the top co-occurring pairs (opens the store for writing).
        #[arg(long)]
        write: bool,
        /// Base IRI of the data, for the analytics graph and pair nodes.
        #[arg(long, default_value = DEFAULT_BASE, value_name = "IRI")]
        base: String,
    },
    /// Concepts most associated with a concept (NPMI, with support), and its SKOS neighbours.
    Related {
        /// Slug, IRI or label.
        concept: String,
        #[command(flatten)]
        common: Common,
        /// What concepts are compared by: their papers (co-occurrence), or their embeddings
        /// (label, altLabels and scope note: concepts that mean alike, tagged together or not).
        #[arg(long, default_value = "papers", value_name = "WHAT")]
        by: RelatedBy,
        /// With `--by embeddings`: the ontology whose concepts are embedded (as for `tag`;
        /// default the bundled one).
        #[arg(long = "ontology", value_name = "FILE|bundled")]
        ontologies: Vec<topicgraph::ontology::OntologySpec>,
        #[command(flatten)]
        embed: EmbedArgs,
    },
    /// Papers most like a paper: cosine of IDF-weighted concept vectors, with the shared
    /// concepts that explain it; or, with `--by embeddings`, cosine of the papers' sentence
    /// embeddings (title and abstract), which needs no shared concept.
    Similar {
        /// topicgraph id (arxiv:2401.00001), bare arXiv id, other identifier or IRI.
        paper: String,
        #[command(flatten)]
        common: Common,
        /// What papers are compared by: their concepts, or their embeddings (every stored
        /// paper is embedded once; the text cache keeps the vectors for later runs).
        #[arg(long, default_value = "concepts", value_name = "WHAT")]
        by: SimilarBy,
        #[command(flatten)]
        embed: EmbedArgs,
    },
    /// The cheapest chain of concepts from one to another through co-occurrence (cost
    /// 1 - NPMI) and broader/related links.
    Path {
        from: String,
        to: String,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Args)]
struct Common {
    /// The oxigraph store to read.
    #[arg(long, default_value = "output/store", value_name = "PATH")]
    store: PathBuf,
    /// How many rows a ranking shows.
    #[arg(long, default_value_t = 10, value_name = "N")]
    top: usize,
    /// A table to read, or JSON to process.
    #[arg(long, default_value = "table", value_name = "FORMAT")]
    format: Format,
    /// Where to write (`-` is stdout).
    #[arg(long, short, default_value = "-", value_name = "FILE")]
    out: String,
    /// Papers a concept pair needs in common to count as co-occurring.
    #[arg(long, default_value_t = GraphConfig::default().min_support, value_name = "N")]
    min_support: u32,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum RelatedBy {
    Papers,
    Embeddings,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SimilarBy {
    Concepts,
    Embeddings,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Table,
    Json,
}

impl Common {
    /// Load the store's graph (read-only unless `write`), and the store when it is writable.
    fn graph(&self, write: bool) -> Result<(KnowledgeGraph, Option<store::KgStore>)> {
        let store = if write { store::open_read_write(&self.store)? } else { store::open_read_only(&self.store)? };
        let (concepts, papers) = load_graph_inputs(&store).with_context(|| format!("reading {}", self.store.display()))?;
        let graph = KnowledgeGraph::build(concepts, papers, GraphConfig { min_support: self.min_support, ..Default::default() });
        Ok((graph, write.then_some(store)))
    }

    /// Write `value` as JSON, or as the table `table` prints.
    fn emit<T: Serialize>(&self, value: &T, table: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<u8> {
        with_output(&self.out, |w| {
            match self.format {
                Format::Json => {
                    serde_json::to_writer_pretty(&mut *w, value)?;
                    writeln!(w)?;
                }
                Format::Table => table(w)?,
            }
            Ok(0)
        })
    }
}

pub fn run(args: GraphArgs) -> Result<u8> {
    match args.what {
        GraphCommand::Stats { common, write, base } => {
            let (graph, store) = common.graph(write)?;
            let analytics = graph.analyze();
            let stats = graph.stats(&analytics, common.top);
            if let Some(store) = store {
                let s = write_analytics(&store, &base, &analytics)?;
                eprintln!("wrote {} triples ({} concepts, {} pairs) to <{base}graph/analytics>", s.triples, s.concepts, s.pairs);
            }
            common.emit(&stats, |w| print_stats(w, &stats))
        }
        GraphCommand::Related { concept, common, by: RelatedBy::Embeddings, ontologies, embed } => related_by_embeddings(&concept, &common, &ontologies, &embed),
        GraphCommand::Related { concept, common, by: RelatedBy::Papers, .. } => {
            let (graph, _) = common.graph(false)?;
            let c = &graph.concepts()[graph.concept_index(&concept)?];
            let related = graph.related(&concept, common.top)?;
            let out = serde_json::json!({ "concept": c.id, "label": c.label, "related": related });
            common.emit(&out, |w| print_related(w, &c.id, &c.label, &related))
        }
        GraphCommand::Similar { paper, common, by: SimilarBy::Embeddings, embed } => similar_by_embeddings(&paper, &common, &embed),
        GraphCommand::Similar { paper, common, by: SimilarBy::Concepts, .. } => {
            let (graph, _) = common.graph(false)?;
            let p = &graph.papers()[graph.paper_index(&paper)?];
            let similar = graph.similar(&paper, common.top)?;
            let out = serde_json::json!({ "paper": p.id, "title": p.title, "similar": similar });
            common.emit(&out, |w| print_similar(w, &p.id, &p.title, &similar))
        }
        GraphCommand::Path { from, to, common } => {
            let (graph, _) = common.graph(false)?;
            let path = graph.path(&from, &to)?;
            common.emit(&path, |w| print_path(w, &from, &to, path.as_ref()))
        }
    }
}

fn print_stats(w: &mut dyn Write, s: &GraphStats) -> std::io::Result<()> {
    let counts = |v: &[(String, usize)]| v.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(", ");
    let nodes: Vec<(String, usize)> = s.nodes.iter().map(|(k, n)| (k.name().to_string(), *n)).collect();
    let edges: Vec<(String, usize)> = s.edges.iter().map(|(k, n)| (k.name().to_string(), *n)).collect();
    writeln!(w, "nodes            {}", counts(&nodes))?;
    writeln!(w, "edges            {}", counts(&edges))?;
    writeln!(w, "tagged papers    {}", s.tagged_papers)?;
    writeln!(w, "concepts used    {}", s.used_concepts)?;
    writeln!(w, "min support      {} papers", s.min_support)?;
    writeln!(w, "density          {:.6} (co-occurrence edges over concept pairs)", s.cooccurrence_density)?;
    writeln!(w, "components       {} (whole graph), {} (concepts via co-occurrence and SKOS)", s.components, s.concept_components)?;
    if let Some((first, last)) = &s.dates {
        writeln!(w, "dates            {first} .. {last}")?;
    }
    writeln!(w, "communities      {}, modularity {:.4}", s.communities, s.modularity)?;
    for (title, list) in [("top concepts by PageRank", &s.top_by_page_rank), ("top concepts by papers", &s.top_by_papers)] {
        writeln!(w, "\n{title}\n  {:<36} {:>7} {:>9} {:>9}", "concept", "papers", "pagerank", "community")?;
        for c in list {
            writeln!(w, "  {:<36} {:>7} {:>9.5} {:>9}", c.id, c.papers, c.page_rank, c.community)?;
        }
    }
    writeln!(w, "\nlargest communities")?;
    for c in &s.largest_communities {
        writeln!(w, "  {:>4}  {:>5} concepts  {}", c.community, c.size, c.top.join(", "))?;
    }
    Ok(())
}

fn print_related(w: &mut dyn Write, id: &str, label: &str, related: &[Related]) -> std::io::Result<()> {
    writeln!(w, "related to {id} ({label})\n  {:<36} {:>7} {:>8} {:>7}  skos", "concept", "papers", "together", "npmi")?;
    for r in related {
        let (n, npmi) = r.cooccurrence.map_or(("-".to_string(), "-".to_string()), |c| (c.count.to_string(), format!("{:.3}", c.npmi)));
        let row = format!("  {:<36} {:>7} {:>8} {:>7}  {}", r.id, r.papers, n, npmi, r.skos.map_or("", |s| s.name()));
        writeln!(w, "{}", row.trim_end())?;
    }
    Ok(())
}

/// `graph related --by embeddings`: the concept's nearest concepts of the ontology by their
/// mean embedding (the concept is found in the store's graph first, as without the flag).
fn related_by_embeddings(concept: &str, common: &Common, ontologies: &[topicgraph::ontology::OntologySpec], embed: &EmbedArgs) -> Result<u8> {
    let (graph, _) = common.graph(false)?;
    let id = graph.concepts()[graph.concept_index(concept)?].id.clone();
    let o = topicgraph::ontology::Ontology::load(ontologies).context("loading the ontology")?;
    let i = o.index_of(&id).with_context(|| format!("{id} is not a concept of {}", o.version()))?;
    let (embedder, _) = embed.load()?;
    let (vectors, _) = ConceptVectors::new(&o, embedder.as_ref(), embed.cache_dir().as_deref())?;
    let near = vectors.nearest(&o, i, common.top);
    let label = o.concepts[i].pref_label.clone();
    let out = serde_json::json!({ "concept": id, "label": label, "by": "embeddings", "model": embedder.id(), "related": near });
    common.emit(&out, |w| {
        writeln!(w, "nearest to {id} ({label}) by embedding\n  {:>6}  concept", "cosine")?;
        for n in &near {
            writeln!(w, "  {:>6.3}  {:<32} {}", n.score, n.id, n.label)?;
        }
        Ok(())
    })
}

/// `graph similar --by embeddings`: every stored paper embedded (from the cache when it was
/// before), then the query paper's nearest.
fn similar_by_embeddings(paper: &str, common: &Common, embed: &EmbedArgs) -> Result<u8> {
    let (graph, _) = common.graph(false)?;
    let query = graph.papers()[graph.paper_index(paper)?].id.clone();
    let store = store::open_read_only(&common.store)?;
    let iris = Iris::new(DEFAULT_BASE).map_err(anyhow::Error::msg)?;
    // Records carry their source's id; the graph's ids (`arxiv:...`) are the ones shown.
    let ids: std::collections::HashMap<&str, &str> = graph.papers().iter().map(|p| (p.iri.as_str(), p.id.as_str())).collect();
    let mut papers: Vec<_> = stored_records(&store, &iris)
        .with_context(|| format!("reading {}", common.store.display()))?
        .into_iter()
        .map(|(iri, mut p)| {
            if let Some(id) = ids.get(iri.as_str()) {
                p.id = id.to_string();
            }
            p
        })
        .collect();
    papers.sort_by(|a, b| a.id.cmp(&b.id));
    let (embedder, cache) = embed.load()?;
    let started = std::time::Instant::now();
    let bar = indicatif::ProgressBar::new(papers.len() as u64);
    bar.set_style(indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} papers embedded  {per_sec}  eta {eta}").expect("valid template"));
    let vectors = PaperVectors::embed(&papers, embedder.as_ref(), 64, |n| bar.set_position(n as u64))?;
    bar.finish_and_clear();
    if let Some((hits, misses)) = cache.as_ref().and_then(|c| c.cache_counts()) {
        eprintln!("{} papers embedded in {:.1} s ({hits} from the embedding cache, {misses} embedded now; {})", papers.len(), started.elapsed().as_secs_f64(), embedder.id());
    }
    let i = vectors.index_of(&query).with_context(|| format!("{query} has no stored record"))?;
    let near = vectors.nearest(i, common.top);
    let title = papers[i].title.clone();
    let out = serde_json::json!({ "paper": query, "title": title, "by": "embeddings", "model": embedder.id(), "similar": near });
    common.emit(&out, |w| {
        writeln!(w, "nearest to {query} by embedding: {title}\n  {:>6}  paper", "cosine")?;
        for n in &near {
            writeln!(w, "  {:>6.3}  {:<24} {}", n.score, n.id, n.title)?;
        }
        Ok(())
    })
}

fn print_similar(w: &mut dyn Write, id: &str, title: &str, similar: &[Similar]) -> std::io::Result<()> {
    writeln!(w, "similar to {id}: {title}\n  {:>6}  {:<24} shared concepts", "score", "paper")?;
    for s in similar {
        let shared: Vec<String> = s.shared.iter().map(|c| format!("{} ({:.2})", c.id, c.contribution)).collect();
        writeln!(w, "  {:>6.3}  {:<24} {}\n          {}", s.score, s.id, shared.join(", "), s.title)?;
    }
    Ok(())
}

fn print_path(w: &mut dyn Write, from: &str, to: &str, path: Option<&ConceptPath>) -> std::io::Result<()> {
    let Some(p) = path else { return writeln!(w, "no path from {from} to {to} through co-occurrence or SKOS links") };
    writeln!(w, "{} -> {}: {} step(s), cost {:.3}", p.from, p.to, p.steps.len(), p.cost)?;
    for s in &p.steps {
        let via = match (s.cooccurrence, s.skos) {
            (Some(c), _) => format!("co-occurs in {} papers, npmi {:.3}", c.count, c.npmi),
            (None, Some(rel)) => format!("skos {}", rel.name()),
            (None, None) => String::new(),
        };
        writeln!(w, "  {} -> {}  ({via}; cost {:.3})", s.from, s.to, s.cost)?;
    }
    Ok(())
}
