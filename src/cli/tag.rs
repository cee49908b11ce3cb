//! `topicgraph tag` and `topicgraph explain`: link papers to concepts.

use crate::cli::papers::{with_output, InputArgs};
use crate::cli::progress::StderrObserver;
use anyhow::{bail, Context, Result};
use clap::Args;
use rayon::prelude::*;
use std::io::Write;
use std::sync::atomic::Ordering;
use topicgraph::extract::keyphrase::table::KeyphraseTable;
use topicgraph::extract::keyphrase::semantic::KeyBertConfig;
use topicgraph::extract::keyphrase::{KeyphraseConfig, KeyphraseExtractor};
use topicgraph::ingest::{read_inputs, IngestError, ReadConfig, ReadSummary};
use topicgraph::extract::entity::EntityConfig;
use topicgraph::link::profile::{ProfileBuilder, Profiles};
use topicgraph::link::neighbours::Neighbours;
use topicgraph::link::rank::Ranker;
use topicgraph::link::stats::ConceptStats;
use topicgraph::link::{BroaderMode, Decision, LinkConfig, Linker};
use topicgraph::model::Paper;
use topicgraph::embed::cache::{CachedEmbedder, Outcome};
use topicgraph::embed::{self, Embedder, EmbedderKind};
use topicgraph::link::semantic::{SemanticConfig, SemanticMatcher, Units};
use topicgraph::ontology::{Ontology, OntologySpec};
use std::path::PathBuf;
use std::sync::Arc;

/// Which ontology and how to link (shared by every command that tags).
#[derive(Args, Clone)]
pub struct LinkArgs {
    /// Ontology source: `bundled`, a Turtle SKOS file, a CSV (label column) or a .txt label
    /// list. Repeatable; later files extend earlier ones; giving any replaces the bundled
    /// ontology unless `bundled` is also given.
    #[arg(long = "ontology", value_name = "FILE|bundled")]
    pub ontologies: Vec<OntologySpec>,
    /// Tag a concept when its score reaches this (0..1).
    #[arg(long, default_value_t = LinkConfig::default().min_score, value_name = "X")]
    pub min_score: f64,
    /// Also emit broader concepts of each tag: none, parent or all (the nearest core concept
    /// is always added, with rule core-rollup).
    #[arg(long, default_value = "none", value_name = "MODE")]
    pub broader: BroaderMode,
    /// Corpus statistics (from `topicgraph stats`): mentions of concepts that many papers
    /// name weigh less.
    #[arg(long, value_name = "FILE")]
    pub stats: Option<String>,
    /// Which core concepts a paper is about: `bundled` (the ranker trained on both
    /// development sets, see `eval --train-ranker`; with --semantic on, the one trained with
    /// semantic linking), a model file that command wrote, or `off` (every candidate whose
    /// score reaches --min-score). Ontologies without core concepts are not affected.
    #[arg(long, default_value = "bundled", value_name = "bundled|off|FILE")]
    pub ranker: String,
    /// Concept profiles for the ranker (how papers about each core concept read, learnt from
    /// the CC0 arXiv corpus; see `stats --build-profiles`): `bundled`, a table that command
    /// wrote, or `off`.
    #[arg(long, default_value = "bundled", value_name = "bundled|off|FILE")]
    pub profiles: String,
    /// Annotated neighbours for the ranker (the development sets' papers and their gold
    /// concepts; see `eval --train-neighbours`): `bundled`, a memory that command wrote, or
    /// `off`. A ranker trained with them expects them.
    #[arg(long, default_value = "bundled", value_name = "bundled|off|FILE")]
    pub neighbours: String,
    /// Lexical matching only: no weak evidence from the words of concepts' scope notes.
    #[arg(long)]
    pub no_scope: bool,
    /// Leave named entities (models, datasets, methods, software, metrics) out.
    #[arg(long)]
    pub no_entities: bool,
    /// Keep an entity when its score reaches this (0..1).
    #[arg(long, default_value_t = EntityConfig::default().min_score, value_name = "X")]
    pub entity_min_score: f64,
    /// Keyphrases per paper in `keywords` (best first; 0: none).
    #[arg(long, default_value_t = KeyphraseConfig::default().max, value_name = "N")]
    pub max_keywords: usize,
    /// Keyphrase corpus table (from `topicgraph keyphrases table`) instead of the bundled
    /// arXiv one, e.g. for papers of another field.
    #[arg(long, value_name = "FILE.tsv[.gz]")]
    pub keyphrase_table: Option<String>,
    /// Semantic concept linking with sentence embeddings: on, off, or auto (on when the
    /// embedder is available and the input is at most --semantic-max-papers papers; a
    /// sentence-embedding model reads about 15 abstracts/s on 2 cores). Off by default: with
    /// all-MiniLM-L6-v2 it changed concept F1 by less than 0.02 on the development sets.
    /// `build` and `update` on a store tagged with it follow the store unless told otherwise
    /// (`off` re-tags every paper without it).
    #[arg(long, value_name = "on|off|auto")]
    pub semantic: Option<SemanticMode>,
    #[command(flatten)]
    pub embed: EmbedArgs,
    /// With --semantic auto: the largest input (estimated from its size) that is embedded.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub semantic_max_papers: u64,
    /// Semantic linking: the cosine similarity from which a sentence proposes a concept.
    #[arg(long, default_value_t = SemanticConfig::default().min_similarity, value_name = "X")]
    pub semantic_min_similarity: f32,
    /// How keyphrases are ranked: tfidf (the statistical extractor), or keybert (its best 30
    /// candidates re-ranked by closeness to the paper's embedding, with MMR diversity; uses
    /// the --embedder, so the real model needs the neural build).
    #[arg(long, default_value = "tfidf", value_name = "SCORER")]
    pub keyphrase_scorer: KeyphraseScorer,
    /// Semantic linking: the similarity at which a mention has full strength.
    #[arg(long, default_value_t = SemanticConfig::default().full_similarity, value_name = "X")]
    pub semantic_full_similarity: f32,
    /// Semantic linking: how many concepts each title or sentence may propose.
    #[arg(long, default_value_t = SemanticConfig::default().per_unit, value_name = "N")]
    pub semantic_per_unit: usize,
    /// Semantic linking: what of each paper is embedded (sentences: the title and each
    /// abstract sentence; title; paper: title and abstract as one text).
    #[arg(long, default_value = "paper", value_name = "UNITS")]
    pub semantic_units: Units,
}

/// Which sentence embedder, and where its model and cache are (shared by `tag` and
/// `graph similar --by embeddings`).
#[derive(Args, Clone)]
pub struct EmbedArgs {
    /// Which embedder semantic linking, keybert and embedding neighbours use (bert needs a
    /// build with `--features neural`; hashing is a deterministic stand-in for tests).
    #[arg(long = "embedder", default_value = "bert", value_name = "KIND")]
    pub kind: EmbedderKind,
    /// The sentence-transformers model folder [default: $TOPICGRAPH_MODEL, else
    /// ~/.cache/topicgraph/neural/all-MiniLM-L6-v2, where scripts/setup-neural.sh puts it].
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
    /// Where embeddings are cached (concept vectors per ontology, and every text embedded)
    /// [default: $TOPICGRAPH_CACHE/embeddings, else ~/.cache/topicgraph/embeddings]; `none`
    /// to embed every run.
    #[arg(long = "embedding-cache", value_name = "DIR|none")]
    pub cache: Option<String>,
}

impl EmbedArgs {
    /// The cache folder (`None` with `--embedding-cache none`).
    pub fn cache_dir(&self) -> Option<PathBuf> {
        match self.cache.as_deref() {
            Some("none") => None,
            Some(d) => Some(PathBuf::from(d)),
            None => Some(embed::cache::default_dir()),
        }
    }

    /// The model folder.
    pub fn model_dir(&self) -> PathBuf {
        embed::model_dir(self.model.as_deref())
    }

    /// The embedder (one model thread), behind the text cache when there is one.
    pub fn load(&self) -> Result<(Arc<dyn Embedder>, Option<Arc<CachedEmbedder>>)> {
        let embedder: Arc<dyn Embedder> = Arc::from(embed::load(self.kind, &self.model_dir())?);
        Ok(match self.cache_dir() {
            Some(dir) => {
                let c = Arc::new(CachedEmbedder::open(embedder, &dir)?);
                (c.clone(), Some(c))
            }
            None => (embedder, None),
        })
    }
}

/// What `--semantic auto` decides from.
#[derive(Debug, Clone, Copy)]
pub enum Semantic<'a> {
    /// Nothing known: auto is off.
    Unknown,
    /// These inputs will be tagged: auto is on when they are small.
    Inputs(&'a [String]),
    /// A store whose papers were (true) or were not (false) tagged semantically: auto
    /// follows it, so that a small daily update never re-tags a whole store either way.
    Store(bool),
}

/// `--keyphrase-scorer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KeyphraseScorer {
    Tfidf,
    Keybert,
}

/// `--semantic`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SemanticMode {
    On,
    Off,
    Auto,
}

/// Roughly how many papers the inputs hold, from their sizes (a record of title, abstract
/// and metadata is about 1.5 kB; gzip about a third of that). `None` for stdin.
fn estimate_papers(inputs: &[String]) -> Option<u64> {
    // Unreadable inputs count as empty here; reading them reports the error.
    let files = topicgraph::ingest::source::expand_inputs(inputs).unwrap_or_default();
    let mut bytes = 0;
    for f in files {
        let path = f.path?;
        let gz = path.extension().is_some_and(|e| e == "gz");
        let len = std::fs::metadata(&path).map_or(0, |m| m.len());
        bytes += if gz { len * 3 } else { len };
    }
    Some(bytes / 1500)
}

impl LinkArgs {
    /// The table given with --keyphrase-table, if any.
    pub fn keyphrase_table(&self) -> Result<Option<KeyphraseTable>> {
        let Some(path) = &self.keyphrase_table else { return Ok(None) };
        let bytes = std::fs::read(path).with_context(|| format!("reading {path}"))?;
        let table = if bytes.starts_with(&[0x1f, 0x8b]) { KeyphraseTable::from_gz(&bytes) } else { KeyphraseTable::from_tsv(&String::from_utf8_lossy(&bytes)) };
        Ok(Some(table.with_context(|| format!("reading {path}"))?))
    }

    /// The linker, with semantic linking decided as if the input were unknown (`auto` is off).
    pub fn linker(&self) -> Result<Linker> {
        self.linker_for(Semantic::Unknown)
    }

    /// The linker; `hint` tells `--semantic auto` what it is for.
    pub fn linker_for(&self, hint: Semantic) -> Result<Linker> {
        if !(0.0..=1.0).contains(&self.min_score) {
            bail!("--min-score must be between 0 and 1, got {}", self.min_score);
        }
        let ontology = Ontology::load(&self.ontologies).context("loading the ontology")?;
        if !(0.0..=1.0).contains(&self.entity_min_score) {
            bail!("--entity-min-score must be between 0 and 1, got {}", self.entity_min_score);
        }
        let entities = (!self.no_entities).then(|| EntityConfig { min_score: self.entity_min_score });
        let keyphrases = (self.max_keywords > 0).then(|| KeyphraseConfig { max: self.max_keywords, ..Default::default() });
        let config = LinkConfig { min_score: self.min_score, broader: self.broader, scope: !self.no_scope, keyphrases: keyphrases.clone(), entities, ..Default::default() };
        let mut linker = Linker::new(ontology, config);
        if let (Some(table), Some(k)) = (self.keyphrase_table()?, keyphrases) {
            let extractor = KeyphraseExtractor::with_table(table, linker.ontology(), k);
            linker = linker.with_keyphrases(extractor);
        }
        if let Some(path) = &self.stats {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
            let stats = ConceptStats::from_tsv(&text).map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
            linker = linker.with_stats(&stats);
        }
        let semantic = self.semantic_on(hint)?;
        linker = linker.with_ranker(self.load_ranker(semantic)?);
        let profiles = self.load_profiles(linker.ontology())?;
        linker = linker.with_profiles(profiles);
        linker = linker.with_neighbours(self.load_neighbours()?);
        let keybert = self.keyphrase_scorer == KeyphraseScorer::Keybert && self.max_keywords > 0;
        if !(semantic || keybert) {
            return Ok(linker);
        }
        let started = std::time::Instant::now();
        let (embedder, text_cache) = self.embed.load()?;
        if keybert {
            linker = linker.with_keybert(embedder.clone(), KeyBertConfig::default());
        }
        if semantic {
            let config = SemanticConfig { min_similarity: self.semantic_min_similarity, full_similarity: self.semantic_full_similarity, per_unit: self.semantic_per_unit, units: self.semantic_units };
            let (matcher, outcome) = SemanticMatcher::new(linker.ontology(), embedder, config, self.embed.cache_dir().as_deref())?;
            let how = match outcome {
                Outcome::Hit(p) => format!("read from {}", p.display()),
                Outcome::Written(p) => format!("embedded and cached in {}", p.display()),
                Outcome::NotWritten(p, e) => format!("embedded (not cached: {}: {e})", p.display()),
                Outcome::NoCache => "embedded (no cache)".to_string(),
            };
            eprintln!("semantic linking: on ({}); concept vectors {how} in {:.1} s", matcher.embedder().id(), started.elapsed().as_secs_f64());
            linker = linker.with_semantic(matcher);
        }
        if let Some(c) = text_cache {
            // The counts the run reports are of papers' texts, not the concepts'.
            c.hits.store(0, Ordering::Relaxed);
            c.misses.store(0, Ordering::Relaxed);
        }
        Ok(linker)
    }

    /// The ranker `--ranker` names; `bundled` is the model trained for the matchers that run
    /// (with or without semantic linking).
    pub fn load_ranker(&self, semantic: bool) -> Result<Option<Ranker>> {
        Ok(match self.ranker.as_str() {
            "off" => None,
            "bundled" if semantic => Some(Ranker::bundled_semantic()),
            "bundled" => Some(Ranker::bundled()),
            path => {
                let text = std::fs::read_to_string(path).with_context(|| format!("reading the ranker {path}"))?;
                Some(Ranker::parse(&text).map_err(|e| anyhow::anyhow!("{path}: {e}"))?)
            }
        })
    }

    /// The concept profiles `--profiles` names. Semantic linking uses them too: trained on
    /// both development sets, its ranker does better with them (cross-validated 0.711 against
    /// 0.672 without; on the seed set alone they had not helped, 0.780 against 0.799).
    pub fn load_profiles(&self, o: &Ontology) -> Result<Option<Profiles>> {
        Ok(match self.profiles.as_str() {
            "off" => None,
            "bundled" => Some(Profiles::bundled(o)),
            path => {
                let bytes = std::fs::read(path).with_context(|| format!("reading the concept profiles {path}"))?;
                Some(Profiles::from_bytes(&bytes, o).map_err(|e| anyhow::anyhow!("{path}: {e}"))?)
            }
        })
    }

    /// The annotated neighbours `--neighbours` names.
    pub fn load_neighbours(&self) -> Result<Option<Neighbours>> {
        Ok(match self.neighbours.as_str() {
            "off" => None,
            "bundled" => Some(Neighbours::bundled()),
            path => {
                let bytes = std::fs::read(path).with_context(|| format!("reading the annotated neighbours {path}"))?;
                Some(Neighbours::from_bytes(&bytes).map_err(|e| anyhow::anyhow!("{path}: {e}"))?)
            }
        })
    }

    /// Whether semantic linking runs, saying why when `auto` declines a large input.
    fn semantic_on(&self, hint: Semantic) -> Result<bool> {
        if !(0.0..=1.0).contains(&self.semantic_min_similarity) {
            bail!("--semantic-min-similarity must be between 0 and 1, got {}", self.semantic_min_similarity);
        }
        let store_is_semantic = matches!(hint, Semantic::Store(true));
        // Unsaid, a store tagged semantically stays so: a daily update must not re-tag it.
        let mode = self.semantic.unwrap_or(if store_is_semantic { SemanticMode::Auto } else { SemanticMode::Off });
        match mode {
            SemanticMode::On => Ok(true),
            SemanticMode::Off => Ok(false),
            SemanticMode::Auto => {
                // Without the model, auto is lexical linking, as documented; but a store tagged
                // semantically would then be re-tagged, every paper: refuse instead.
                if let Err(e) = embed::available(self.embed.kind, &self.embed.model_dir()) {
                    if store_is_semantic {
                        bail!(
                            "the store was tagged with semantic linking, and this run cannot embed ({e});                              build with `--features neural` and run scripts/setup-neural.sh (or give --model),                              or pass --semantic off to re-tag every stored paper without it"
                        );
                    }
                    return Ok(false);
                }
                let inputs = match hint {
                    Semantic::Store(on) => {
                        if on {
                            eprintln!("semantic linking: on (--semantic auto): the store was tagged with it");
                        }
                        return Ok(on);
                    }
                    Semantic::Inputs(inputs) => inputs,
                    Semantic::Unknown => &[][..],
                };
                match (!inputs.is_empty()).then(|| estimate_papers(inputs)) {
                    Some(Some(n)) if n <= self.semantic_max_papers => Ok(true),
                    Some(Some(n)) => {
                        eprintln!(
                            "semantic linking: off (--semantic auto): the input holds about {n} papers, more than --semantic-max-papers {}; \
                             embedding reads about 15 abstracts/s on 2 cores (about {} min here): pass --semantic on to embed them anyway",
                            self.semantic_max_papers,
                            n / 15 / 60 + 1
                        );
                        Ok(false)
                    }
                    _ => {
                        eprintln!("semantic linking: off (--semantic auto): the input size is not known in advance; pass --semantic on to embed");
                        Ok(false)
                    }
                }
            }
        }
    }
}

/// Tag papers with ontology concepts: one JSON object per input record, in input order.
#[derive(Args)]
#[command(after_help = "Examples:\n  \
    topicgraph tag examples/ > tags.jsonl\n  \
    topicgraph tag papers.jsonl --ontology bundled --ontology mine.ttl --min-score 0.6\n  \
    cat part-00001.jsonl | topicgraph tag - --format canonical   # a stream filter, e.g. under Spark's RDD.pipe\n  \
    topicgraph tag --with-paper papers.jsonl > tags.jsonl && topicgraph build --from-tags tags.jsonl\n\n\
    Output per paper: {\"id\", \"title\", \"concepts\": [{\"id\", \"label\", \"score\", \"core\", \"evidence\": [{\"field\",\n\
    \"start\", \"end\", \"text\", \"rule\", \"label\", \"matcher\", \"weight\"}]}], \"entities\",\n\
    \"keywords\": [{\"text\", \"score\", \"concept\"?, \"field\", \"start\", \"end\"}], \"ontology\"}.\n\
    Keywords are keyphrases, best first (--max-keywords, default 10): noun-phrase-like candidates scored by \
    TF-IDF against the bundled arXiv table, case and digits kept (GPT-4, COVID-19, RL), with the concept \
    id when the phrase is an ontology label; field/start/end give its first occurrence.\n\
    Offsets are half-open code-point offsets into the cleaned text. Records are not merged.")]
pub struct TagArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub link: LinkArgs,
    /// Where to write the JSON Lines (`-` is stdout).
    #[arg(long, short, default_value = "-", value_name = "FILE")]
    pub out: String,
    /// Also write each paper's canonical record (key `paper`), so that `topicgraph build
    /// --from-tags` loads the output without re-reading or re-tagging the inputs.
    #[arg(long)]
    pub with_paper: bool,
}

/// Papers mapped at a time. Semantic linking embeds about 15 papers/s, so its batches are
/// small enough for the progress line (records read) to follow the tagging.
pub const BATCH: usize = 2048;
const SEMANTIC_BATCH: usize = 32;

/// Read every input record (never merged: each record is answered on its own), map batches
/// of papers in parallel with `map`, and hand the results to `consume` in input order.
pub(crate) fn map_records<T: Send>(
    input: &InputArgs,
    batch: usize,
    observer: &mut StderrObserver,
    map: impl Fn(&Paper) -> T + Sync,
    consume: impl FnMut(Vec<T>) -> std::io::Result<()>,
) -> Result<ReadSummary> {
    let cfg = ReadConfig { merge: false, ..input.read_config() };
    map_papers(&input.inputs, &cfg, batch, observer, map, consume)
}

/// Read the inputs with `cfg`, map batches of papers in parallel with `map`, and hand the
/// results to `consume` in input order (`trends` and `topic` read through this too).
pub fn map_papers<T: Send>(
    inputs: &[String],
    cfg: &ReadConfig,
    size: usize,
    observer: &mut StderrObserver,
    map: impl Fn(&Paper) -> T + Sync,
    mut consume: impl FnMut(Vec<T>) -> std::io::Result<()>,
) -> Result<ReadSummary> {
    // Reading runs on a thread of its own and hands over batches through a short queue; this
    // thread maps each batch on the rayon pool and consumes it, in input order. So the serial
    // parts of reading (the merge, and reading merged papers back) overlap the mapping.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Paper>>(2);
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            let mut batch: Vec<Paper> = Vec::with_capacity(size);
            let summary = read_inputs(inputs, cfg, observer, &mut |paper| {
                batch.push(paper);
                if batch.len() >= size {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(size));
                    tx.send(full).map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the consumer stopped"))?;
                }
                Ok(())
            });
            if summary.is_ok() && !batch.is_empty() {
                // A failed send means the consumer stopped, and says why itself.
                let _ = tx.send(batch);
            }
            summary
        });
        let mut failed = None;
        for batch in &rx {
            let out: Vec<T> = batch.par_iter().map(&map).collect();
            if let Err(e) = consume(out) {
                failed = Some(e);
                break;
            }
        }
        drop(rx);
        let summary = reader.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        if let Some(source) = failed {
            return Err(IngestError::Io { path: "output".into(), source }.into());
        }
        Ok(summary?)
    })
}

pub fn run(args: TagArgs) -> Result<u8> {
    let linker = args.link.linker_for(Semantic::Inputs(&args.input.inputs))?;
    let mut observer = StderrObserver::new(args.input.quiet);
    let summary = with_output(&args.out, |w| {
        let line = |p: &Paper| {
            let mut tags = linker.tag(p);
            if args.with_paper {
                tags.paper = Some(Box::new(p.clone()));
            }
            // A line is a few KiB: one allocation up front rather than a chain of regrowths.
            let mut line = Vec::with_capacity(4096);
            topicgraph::model::push_json_line(&mut line, &tags).expect("tags serialise");
            line
        };
        let batch = if linker.semantic_stats().is_some() { SEMANTIC_BATCH } else { BATCH };
        map_records(&args.input, batch, &mut observer, line, |lines| lines.iter().try_for_each(|l| w.write_all(l)))
    })?;
    observer.finish();
    if !args.input.quiet {
        crate::cli::papers::print_summary("tag", &summary, &observer);
    }
    report_semantic(&linker, args.input.quiet);
    Ok(args.input.exit_code(&summary))
}

/// After a run: how much semantic linking embedded, and the papers it could not embed
/// (they keep their lexical tags; counted here, never dropped silently).
pub fn report_semantic(linker: &Linker, quiet: bool) {
    if let Some(k) = linker.keybert_stats() {
        if !quiet {
            eprintln!("keyphrases re-ranked (keybert): papers {}, texts {}", k.papers.load(Ordering::Relaxed), k.units.load(Ordering::Relaxed));
        }
        let failed = k.failed.load(Ordering::Relaxed);
        if failed > 0 {
            let first = k.first_error.lock().unwrap_or_else(|p| p.into_inner()).clone().unwrap_or_default();
            eprintln!("warning: keyphrase re-ranking failed on {failed} papers (they keep their statistical keyphrases); first: {first}");
        }
    }
    let Some(s) = linker.semantic_stats() else { return };
    let failed = s.failed.load(Ordering::Relaxed);
    if !quiet {
        let cached = match linker.semantic_embedder().and_then(|e| e.cache_counts()) {
            Some((hits, misses)) => format!(" ({hits} from the embedding cache, {misses} embedded now)"),
            None => String::new(),
        };
        eprintln!("semantic linking: papers {}, texts {}{cached}", s.papers.load(Ordering::Relaxed), s.units.load(Ordering::Relaxed));
    }
    if let Some(e) = linker.semantic_embedder().and_then(|e| e.cache_error()) {
        eprintln!("warning: the embedding cache could not be written ({e}); the vectors of this run were not kept");
    }
    if failed > 0 {
        let first = s.first_error.lock().unwrap_or_else(|p| p.into_inner()).clone().unwrap_or_default();
        eprintln!("warning: semantic linking failed on {failed} papers (they keep their lexical tags); first: {first}");
    }
}

/// Show, for one paper, its text with the matches marked, every tag with its evidence, and
/// the candidates that were not tagged, with the reason.
#[derive(Args)]
#[command(after_help = "Example:\n  topicgraph explain seed-042 ../shared/seed/seed-papers.jsonl")]
pub struct ExplainArgs {
    /// The paper id, as `papers` gives it.
    pub paper_id: String,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub link: LinkArgs,
}

pub fn explain(mut args: ExplainArgs) -> Result<u8> {
    let linker = args.link.linker_for(Semantic::Inputs(&args.input.inputs))?;
    args.input.quiet = true;
    let cfg = args.input.read_config();
    let mut found: Option<Paper> = None;
    read_inputs(&args.input.inputs, &cfg, &mut StderrObserver::new(true), &mut |p| {
        if found.is_none() && (p.id == args.paper_id || p.ids.other.contains(&args.paper_id) || p.ids.arxiv.as_deref() == Some(args.paper_id.as_str())) {
            found = Some(p);
        }
        Ok(())
    })?;
    let Some(paper) = found else { bail!("no paper with id {:?} in {}", args.paper_id, args.input.inputs.join(" ")) };
    let linked = linker.link(&paper);
    let (tags, candidates) = (&linked.tags, &linked.candidates);
    let o = linker.ontology();
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}  ({})", paper.id, o.version())?;
    for (field, text) in [("title", &paper.title), ("abstract", &paper.abstract_text)] {
        // String matches of every candidate; a scope word only where its concept was tagged
        // (one word of a scope note says little alone: the list below has the others).
        let marks: Vec<(usize, usize, String)> = candidates
            .iter()
            .flat_map(|c| {
                let tagged = c.decision == Decision::Tagged;
                c.evidence.iter().filter(move |e| e.field.name() == field && (tagged || e.matcher != "scope")).map(move |e| (e.start, e.end, o.concepts[c.concept].id.clone()))
            })
            .collect();
        writeln!(out, "\n{field}:\n{}", wrap(&mark(text, &marks), 100))?;
    }
    writeln!(out, "\ntagged (min score {}):", linker.config().min_score)?;
    for t in tags {
        writeln!(out, "  {:<32} {:.3}{}", t.id, t.score, if t.core { "  core" } else { "" })?;
        for e in &t.evidence {
            let via = e.via.as_ref().map(|v| format!(" via {v}")).unwrap_or_default();
            let cue = e.cue.as_ref().map(|c| format!(" [{c}]")).unwrap_or_default();
            writeln!(out, "      {} {}..{} {:?} {} w={}{via}{cue}", e.field.name(), e.start, e.end, e.text, e.rule.name(), e.weight)?;
        }
    }
    if let (Some(r), false) = (linker.ranker(), linked.cores.is_empty()) {
        writeln!(out, "\ncore concepts weighed by the ranker (kept at p >= {}; the features that moved p most):", r.threshold)?;
        let mut cores: Vec<_> = linked.cores.iter().collect();
        cores.sort_by(|a, b| b.probability.unwrap_or(0.0).total_cmp(&a.probability.unwrap_or(0.0)).then(a.concept.cmp(&b.concept)));
        for c in cores {
            let p = c.probability.unwrap_or(0.0);
            if !c.ranked {
                let verdict = if c.decide(r, linker.config().min_score).is_some() { "kept" } else { "not kept" };
                writeln!(out, "  {:<32} score={:.3} {verdict:<8}  seen by the scope matcher alone: decided by the score threshold", o.concepts[c.concept].id, c.score())?;
                continue;
            }
            // The features' contributions to the log-odds, and the concept's own offset.
            let id = &o.concepts[c.concept].id;
            let mut parts: Vec<(f64, String)> = r.contributions(&c.features).iter().enumerate().map(|(k, &v)| (v, format!("{}={:.2} ({v:+.2})", topicgraph::link::rank::FEATURES[k], c.features[k]))).collect();
            parts.push((r.offset(id), format!("concept offset ({:+.2})", r.offset(id))));
            parts.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()));
            let top: Vec<String> = parts.into_iter().take(3).map(|(_, s)| s).collect();
            let verdict = if p >= r.threshold { "kept" } else { "not kept" };
            writeln!(out, "  {:<32} p={p:.3} {verdict:<8}  {}", o.concepts[c.concept].id, top.join(", "))?;
        }
    }
    if let (Some(m), Some(_), false) = (linker.neighbours(), linker.ranker(), linked.cores.is_empty()) {
        let k = topicgraph::link::neighbours::K;
        writeln!(out, "\nnearest annotated papers (feature `neighbours`: a core concept's similarity-weighted share of the {k} nearest; the first 5):")?;
        let terms = topicgraph::link::neighbours::Exemplar::of(&paper, Vec::new()).terms;
        for n in m.neighbours(&terms, 5) {
            let concepts = if n.concepts.is_empty() { "(no concept)".to_string() } else { n.concepts.join(", ") };
            writeln!(out, "  {:.3}  {:<16} {concepts}", n.similarity, n.id)?;
        }
    }
    let rejected: Vec<_> = candidates.iter().filter(|c| c.decision != Decision::Tagged).collect();
    if !rejected.is_empty() {
        writeln!(out, "\nnot tagged:")?;
        for c in rejected {
            let why = match &c.decision {
                Decision::BelowThreshold => format!("score {:.3} below {}", c.score, linker.config().min_score),
                Decision::UnsupportedAcronym => "short acronym with no supporting context".to_string(),
                Decision::BlockedByDefinition(w) => w.clone(),
                Decision::Tagged => unreachable!(),
            };
            let texts: Vec<String> = c.evidence.iter().map(|e| format!("{:?}{}", e.text, e.cue.as_ref().map(|c| format!(" [{c}]")).unwrap_or_default())).collect();
            writeln!(out, "  {:<32} {why}  {}", o.concepts[c.concept].id, texts.join(", "))?;
        }
    }
    Ok(0)
}

/// The text with each marked span written as `[text]{concept}`.
fn mark(text: &str, marks: &[(usize, usize, String)]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut marks: Vec<&(usize, usize, String)> = marks.iter().collect();
    marks.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut out = String::new();
    let mut pos = 0;
    for (s, e, id) in marks {
        if *s < pos {
            continue;
        }
        out.extend(&chars[pos..*s]);
        out.push('[');
        out.extend(&chars[*s..*e]);
        out.push_str("]{");
        out.push_str(id);
        out.push('}');
        pos = *e;
    }
    out.extend(&chars[pos.min(chars.len())..]);
    out
}

fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split(' ') {
        if line + word.len() > width && line > 0 {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.len();
    }
    out
}

/// Count, over a reference corpus, how many papers mention each concept (the table that
/// `--stats` reads), e.g. over the CC0 arXiv records:
/// `topicgraph stats ../shared/corpus/arxiv-daily/ --out arxiv-stats.tsv`.
#[derive(Args)]
#[command(after_help = "Examples:\n  topicgraph stats ../shared/corpus/arxiv-daily/ --ontology mine.ttl --out mine-stats.tsv\n  topicgraph stats ../shared/corpus/arxiv-daily/ --build-profiles data/concept-profiles.tsv.gz   (then rebuild to embed it)")]
pub struct StatsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub link: LinkArgs,
    /// Where to write the table.
    #[arg(long, short, default_value = "-", value_name = "FILE")]
    pub out: String,
    /// Instead of the counts, build the concept-profile table the ranker reads (gzipped when
    /// the name ends in .gz; the bundled one is data/concept-profiles.tsv.gz): each core
    /// concept's profile is the mean TF-IDF vector of up to --exemplars papers whose title
    /// names it, and the background profile that of papers with no core concept.
    #[arg(long, value_name = "FILE")]
    pub build_profiles: Option<String>,
    /// With --build-profiles: exemplar papers per concept (those with the smallest id hash).
    #[arg(long, default_value_t = 300, value_name = "N")]
    pub exemplars: usize,
    /// With --build-profiles: terms kept per profile (the heaviest).
    #[arg(long, default_value_t = 500, value_name = "N")]
    pub profile_terms: usize,
}

/// `stats --build-profiles FILE`: the concept-profile table ([`topicgraph::link::profile`]).
fn profiles(args: &StatsArgs, out: &str) -> Result<u8> {
    let linker = args.link.linker()?.with_ranker(None).with_profiles(None);
    let mut observer = StderrObserver::new(args.input.quiet);
    let mut builder = ProfileBuilder::new(args.exemplars, args.profile_terms);
    let summary = map_records(&args.input, BATCH, &mut observer, |p| (p.id.clone(), linker.profile_example(p)), |batch| {
        for (id, (terms, exemplar_of)) in batch {
            builder.add(&id, terms, &exemplar_of);
        }
        Ok(())
    })?;
    observer.finish();
    let counts = builder.exemplar_counts();
    let notes = [
        "topicgraph concept profiles (src/link/profile.rs): rows idf<TAB>stem<TAB>idf and p<TAB>concept<TAB>stem<TAB>weight.".to_string(),
        format!("Built by `topicgraph stats --build-profiles` over {} papers with {}: up to {} exemplars per concept (tagged without ranker, score >= 0.9, named in the title), {} terms per profile.", summary.accepted, linker.version(), args.exemplars, args.profile_terms),
        format!("Exemplars: {}.", counts.iter().map(|(c, n)| format!("{c} {n}")).collect::<Vec<_>>().join(", ")),
    ];
    let table = builder.finish(&notes);
    with_output(out, |w| Ok(w.write_all(table.as_bytes())?))?;
    if !args.input.quiet {
        crate::cli::papers::print_summary("stats", &summary, &observer);
        eprintln!("  profiles   {} written to {out} (the background, {}, included)", counts.len(), topicgraph::link::profile::BACKGROUND);
    }
    Ok(args.input.exit_code(&summary))
}

pub fn stats(args: StatsArgs) -> Result<u8> {
    if let Some(out) = &args.build_profiles {
        return profiles(&args, out);
    }
    let linker = args.link.linker()?;
    let mut observer = StderrObserver::new(args.input.quiet);
    let mut counts = vec![0u64; linker.ontology().concepts.len()];
    let mut papers = 0u64;
    let summary = map_records(&args.input, BATCH, &mut observer, |p| linker.mentioned(p), |seen| {
        for ids in seen {
            papers += 1;
            for i in ids {
                counts[i] += 1;
            }
        }
        Ok(())
    })?;
    observer.finish();
    let o = linker.ontology();
    let table = ConceptStats { papers, df: counts.iter().enumerate().filter(|(_, &n)| n > 0).map(|(i, &n)| (o.concepts[i].id.clone(), n)).collect() };
    with_output(&args.out, |w| Ok(w.write_all(table.to_tsv().as_bytes())?))?;
    if !args.input.quiet {
        crate::cli::papers::print_summary("stats", &summary, &observer);
    }
    Ok(args.input.exit_code(&summary))
}
