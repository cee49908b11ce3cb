//! `topicgraph tag` and `topicgraph explain`: link papers to concepts.

use crate::cli::papers::{with_output, InputArgs};
use crate::cli::progress::StderrObserver;
use anyhow::{bail, Context, Result};
use clap::Args;
use rayon::prelude::*;
use std::io::Write;
use topicgraph::extract::keyphrase::table::KeyphraseTable;
use topicgraph::extract::keyphrase::{KeyphraseConfig, KeyphraseExtractor};
use topicgraph::ingest::{read_inputs, IngestError, ReadConfig, ReadSummary};
use topicgraph::extract::entity::EntityConfig;
use topicgraph::link::stats::ConceptStats;
use topicgraph::link::{BroaderMode, Decision, LinkConfig, Linker};
use topicgraph::model::Paper;
use topicgraph::ontology::{Ontology, OntologySpec};

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
}

impl LinkArgs {
    /// The table given with --keyphrase-table, if any.
    pub fn keyphrase_table(&self) -> Result<Option<KeyphraseTable>> {
        let Some(path) = &self.keyphrase_table else { return Ok(None) };
        let bytes = std::fs::read(path).with_context(|| format!("reading {path}"))?;
        let table = if bytes.starts_with(&[0x1f, 0x8b]) { KeyphraseTable::from_gz(&bytes) } else { KeyphraseTable::from_tsv(&String::from_utf8_lossy(&bytes)) };
        Ok(Some(table.with_context(|| format!("reading {path}"))?))
    }

    pub fn linker(&self) -> Result<Linker> {
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
        Ok(match &self.stats {
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
                let stats = ConceptStats::from_tsv(&text).map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
                linker.with_stats(&stats)
            }
            None => linker,
        })
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

const BATCH: usize = 2048;

/// Read every input record (never merged: each record is answered on its own), map batches
/// of papers in parallel with `map`, and hand the results to `consume` in input order.
pub(crate) fn map_records<T: Send>(
    input: &InputArgs,
    observer: &mut StderrObserver,
    map: impl Fn(&Paper) -> T + Sync,
    consume: impl FnMut(Vec<T>) -> std::io::Result<()>,
) -> Result<ReadSummary> {
    let cfg = ReadConfig { merge: false, ..input.read_config() };
    map_papers(&input.inputs, &cfg, observer, map, consume)
}

/// Read the inputs with `cfg`, map batches of papers in parallel with `map`, and hand the
/// results to `consume` in input order (`trends` and `topic` read through this too).
pub fn map_papers<T: Send>(
    inputs: &[String],
    cfg: &ReadConfig,
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
            let mut batch: Vec<Paper> = Vec::with_capacity(BATCH);
            let summary = read_inputs(inputs, cfg, observer, &mut |paper| {
                batch.push(paper);
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
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
    let linker = args.link.linker()?;
    let mut observer = StderrObserver::new(args.input.quiet);
    let summary = with_output(&args.out, |w| {
        let line = |p: &Paper| {
            let mut tags = linker.tag(p);
            if args.with_paper {
                tags.paper = Some(Box::new(p.clone()));
            }
            let mut line = serde_json::to_vec(&tags).expect("tags serialise");
            line.push(b'\n');
            line
        };
        map_records(&args.input, &mut observer, line, |lines| lines.iter().try_for_each(|l| w.write_all(l)))
    })?;
    observer.finish();
    if !args.input.quiet {
        crate::cli::papers::print_summary("tag", &summary, &observer);
    }
    Ok(args.input.exit_code(&summary))
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
    let linker = args.link.linker()?;
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
    let (tags, candidates) = linker.link(&paper);
    let o = linker.ontology();
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}  ({})", paper.id, o.version())?;
    for (field, text) in [("title", &paper.title), ("abstract", &paper.abstract_text)] {
        let marks: Vec<(usize, usize, String)> = candidates
            .iter()
            .flat_map(|c| c.evidence.iter().filter(|e| e.field.name() == field).map(move |e| (e.start, e.end, o.concepts[c.concept].id.clone())))
            .collect();
        writeln!(out, "\n{field}:\n{}", wrap(&mark(text, &marks), 100))?;
    }
    writeln!(out, "\ntagged (min score {}):", linker.config().min_score)?;
    for t in &tags {
        writeln!(out, "  {:<32} {:.3}{}", t.id, t.score, if t.core { "  core" } else { "" })?;
        for e in &t.evidence {
            let via = e.via.as_ref().map(|v| format!(" via {v}")).unwrap_or_default();
            let cue = e.cue.as_ref().map(|c| format!(" [{c}]")).unwrap_or_default();
            writeln!(out, "      {} {}..{} {:?} {} w={}{via}{cue}", e.field.name(), e.start, e.end, e.text, e.rule.name(), e.weight)?;
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
#[command(after_help = "Example:\n  topicgraph stats ../shared/corpus/arxiv-daily/ --ontology mine.ttl --out mine-stats.tsv")]
pub struct StatsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub link: LinkArgs,
    /// Where to write the table.
    #[arg(long, short, default_value = "-", value_name = "FILE")]
    pub out: String,
}

pub fn stats(args: StatsArgs) -> Result<u8> {
    let linker = args.link.linker()?;
    let mut observer = StderrObserver::new(args.input.quiet);
    let mut counts = vec![0u64; linker.ontology().concepts.len()];
    let mut papers = 0u64;
    let summary = map_records(&args.input, &mut observer, |p| linker.mentioned(p), |seen| {
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
