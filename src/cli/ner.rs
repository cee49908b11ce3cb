//! `topicgraph ner`: train, evaluate, cross-validate and run the supervised entity tagger.

use crate::cli::papers::{with_output, InputArgs};
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use rayon::prelude::*;
use topicgraph::extract::ner::data::{read_folds, read_gsap, read_scierc, scierc_examples, Paragraph};
use topicgraph::extract::ner::eval::{cross_validate, paragraph_examples, score_paragraphs, score_sentences, CvConfig, Score};
use topicgraph::extract::ner::{train, Scheme, Tagger, TrainConfig};
use topicgraph::ingest::read::Quiet;
use topicgraph::ingest::read_inputs;
use topicgraph::model::Paper;

#[derive(Args)]
#[command(after_help = "Examples (the commands that make the shipped models, byte for byte, are in scripts/train-ner.sh):\n  \
    topicgraph ner train --scierc ../shared/eval/scierc/train.json --dev ../shared/eval/scierc/dev.json --out data/ner/scierc.tgner.gz\n  \
    topicgraph ner eval --scierc ../shared/eval/scierc/test.json                # the embedded SciERC model\n  \
    topicgraph ner cv --gsap ../shared/eval/gsap-ner/gsap_ner_paragraphs.jsonl --folds ../shared/eval/gsap-ner/10-fold-publication-filenames.json\n  \
    topicgraph ner tag examples/ --model gsap\n  \
    topicgraph ner info --model scierc")]
pub struct NerArgs {
    #[command(subcommand)]
    what: NerWhat,
}

#[derive(Subcommand)]
enum NerWhat {
    /// Train a tagger (averaged perceptron, deterministic) and write the model file.
    Train(TrainArgs),
    /// Exact-span micro-F1 of a model on SciERC or GSAP-NER data.
    Eval(EvalArgs),
    /// GSAP-NER cross-validation over its publication-level folds.
    Cv(CvArgs),
    /// Tag papers: one JSON object per record with the spans of title and abstract.
    Tag(TagArgs),
    /// Show a model's header: labels, scheme, training data and settings, size.
    Info {
        /// `scierc`, `gsap` (embedded models) or a model file.
        #[arg(long, default_value = "scierc")]
        model: String,
    },
}

/// Where labelled data comes from.
#[derive(Args, Clone)]
#[group(required = true, multiple = false)]
struct DataArgs {
    /// SciERC split (DyGIE JSON Lines): its six types.
    #[arg(long, value_name = "FILE.json")]
    scierc: Option<String>,
    /// GSAP-NER paragraphs (JSON Lines).
    #[arg(long, value_name = "FILE.jsonl")]
    gsap: Option<String>,
}

/// Training settings shared by `train` and `cv`.
#[derive(Args, Clone)]
struct Settings {
    /// Tag scheme: bilou or bio.
    #[arg(long, default_value = "bilou")]
    scheme: Scheme,
    /// Epochs (with a development set: at most this many, the best one is kept).
    #[arg(long, default_value_t = 30)]
    epochs: usize,
    /// Feature table of 2^BITS buckets.
    #[arg(long, default_value_t = 18)]
    bits: u32,
    /// Seed of the sentence order.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// GSAP-NER types to learn and score (generic classes are left out by default).
    #[arg(long, value_delimiter = ',', default_value = "MLModel,Dataset")]
    types: Vec<String>,
}

#[derive(Args)]
struct TrainArgs {
    #[command(flatten)]
    data: DataArgs,
    /// SciERC development split: score every epoch on it and keep the best.
    #[arg(long, value_name = "FILE.json", requires = "scierc")]
    dev: Option<String>,
    /// GSAP-NER fold file; with --dev-fold, choose the epoch count on that fold, then train
    /// on every paragraph for that many epochs.
    #[arg(long, value_name = "FILE.json", requires = "gsap")]
    folds: Option<String>,
    #[arg(long, value_name = "K", requires = "folds")]
    dev_fold: Option<usize>,
    #[command(flatten)]
    settings: Settings,
    /// Model name (recorded in the file and in the provenance of its spans).
    #[arg(long)]
    name: Option<String>,
    /// The model file to write (gzipped).
    #[arg(long, value_name = "MODEL")]
    out: String,
}

#[derive(Args)]
struct EvalArgs {
    #[command(flatten)]
    data: DataArgs,
    /// `scierc`, `gsap` (embedded models) or a model file; default: the embedded model of
    /// the data set.
    #[arg(long)]
    model: Option<String>,
    /// GSAP-NER: score only the paragraphs of this fold (needs --folds).
    #[arg(long, value_name = "K", requires = "folds")]
    fold: Option<usize>,
    #[arg(long, value_name = "FILE.json", requires = "gsap")]
    folds: Option<String>,
    /// How many false positives and negatives to list.
    #[arg(long, default_value_t = 0)]
    show: usize,
    /// Print the scores as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct CvArgs {
    /// GSAP-NER paragraphs (JSON Lines).
    #[arg(long, value_name = "FILE.jsonl")]
    gsap: String,
    /// The fold file (fold -> publication file names); without it, each paragraph's `fold`.
    #[arg(long, value_name = "FILE.json")]
    folds: Option<String>,
    #[command(flatten)]
    settings: Settings,
    /// Use --epochs for every fold instead of choosing the epoch count on an inner
    /// development fold (the next fold) and retraining.
    #[arg(long)]
    no_tune: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct TagArgs {
    #[command(flatten)]
    input: InputArgs,
    /// `scierc`, `gsap` (embedded models) or a model file.
    #[arg(long, default_value = "scierc")]
    model: String,
    #[arg(long, short, default_value = "-", value_name = "FILE")]
    out: String,
}

pub fn run(args: NerArgs) -> Result<u8> {
    match args.what {
        NerWhat::Train(a) => run_train(a),
        NerWhat::Eval(a) => run_eval(a),
        NerWhat::Cv(a) => run_cv(a),
        NerWhat::Tag(a) => run_tag(a),
        NerWhat::Info { model } => {
            let m = Tagger::resolve(&model)?;
            println!("{}  ({} feature rows, {} labels)", m.id(), m.rows(), m.labels().len());
            println!("{}", serde_json::to_string_pretty(m.info())?);
            Ok(0)
        }
    }
}

fn file_name(path: &str) -> String {
    std::path::Path::new(path).file_name().map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

fn config(s: &Settings, name: String, data: String) -> TrainConfig {
    TrainConfig { name, scheme: s.scheme, bits: s.bits, epochs: s.epochs, seed: s.seed, data }
}

/// The paragraphs' folds: from the fold file when given (it must cover every paragraph's
/// document), else each paragraph's own `fold`.
fn fold_map(paragraphs: &[Paragraph], folds: Option<&str>) -> Result<Vec<Option<usize>>> {
    let Some(path) = folds else { return Ok(paragraphs.iter().map(|p| p.fold).collect()) };
    let map = read_folds(path)?;
    paragraphs.iter().map(|p| map.get(&p.doc).copied().map(Some).with_context(|| format!("{path}: no fold for document {}", p.doc))).collect()
}

fn print_score(title: &str, s: &Score) {
    let c = &s.total;
    println!("{title:<24} P {:.4}  R {:.4}  F1 {:.4}   (tp {}, fp {}, fn {})", c.precision(), c.recall(), c.f1(), c.tp, c.fp, c.fn_);
    for (l, c) in &s.per_label {
        println!("  {l:<22} P {:.4}  R {:.4}  F1 {:.4}   (tp {}, fp {}, fn {})", c.precision(), c.recall(), c.f1(), c.tp, c.fp, c.fn_);
    }
}

fn run_train(a: TrainArgs) -> Result<u8> {
    let t0 = std::time::Instant::now();
    let (model, report) = if let Some(path) = &a.data.scierc {
        let docs = read_scierc(path)?;
        let (examples, labels) = scierc_examples(&docs);
        let mut data = file_name(path);
        let dev = match &a.dev {
            Some(d) => {
                data.push_str(&format!(" (dev {})", file_name(d)));
                Some(read_scierc(d)?.into_iter().flat_map(|d| d.sentences).collect::<Vec<_>>())
            }
            None => None,
        };
        let cfg = config(&a.settings, a.name.clone().unwrap_or_else(|| "scierc".into()), data);
        eprintln!("training on {} sentences of {path}, labels {}", examples.len(), labels.join(", "));
        match &dev {
            Some(dev) => {
                let mut score = |m: &Tagger| score_sentences(m, dev).total.f1();
                train(&examples, &labels, &cfg, Some(&mut score))?
            }
            None => train(&examples, &labels, &cfg, None)?,
        }
    } else {
        let path = a.data.gsap.as_deref().expect("clap requires one source");
        let paragraphs = read_gsap(path)?;
        let labels = a.settings.types.clone();
        let all: Vec<&Paragraph> = paragraphs.iter().collect();
        let (examples, misaligned) = paragraph_examples(&all, &labels);
        eprintln!("training on {} paragraphs ({} sentences) of {path}, labels {}; {misaligned} gold spans do not fall on token boundaries", paragraphs.len(), examples.len(), labels.join(", "));
        let mut data = format!("{} [{}]", file_name(path), labels.join(","));
        let mut settings = a.settings.clone();
        if let Some(k) = a.dev_fold {
            let folds = fold_map(&paragraphs, a.folds.as_deref())?;
            let (dev, inner): (Vec<(&Paragraph, _)>, Vec<_>) = paragraphs.iter().zip(&folds).partition(|(_, f)| **f == Some(k));
            if dev.is_empty() {
                bail!("no paragraph is in fold {k}");
            }
            let dev: Vec<&Paragraph> = dev.into_iter().map(|(p, _)| p).collect();
            let inner: Vec<&Paragraph> = inner.into_iter().map(|(p, _)| p).collect();
            let (ex, _) = paragraph_examples(&inner, &labels);
            let mut score = |m: &Tagger| score_paragraphs(m, &dev, &labels).total.f1();
            let cfg = config(&a.settings, "gsap-tune".into(), String::new());
            let (_, r) = train(&ex, &labels, &cfg, Some(&mut score))?;
            for e in &r.epochs {
                eprintln!("  tuning epoch {:>2}: {} mistakes, dev F1 {:.4}", e.epoch, e.mistakes, e.dev_f1.unwrap_or(0.0));
            }
            eprintln!("epochs chosen on fold {k}: {}", r.best_epoch);
            settings.epochs = r.best_epoch;
            data.push_str(&format!(" (epochs chosen on fold {k} of {})", file_name(a.folds.as_deref().unwrap_or_default())));
        }
        let cfg = config(&settings, a.name.clone().unwrap_or_else(|| "gsap".into()), data);
        train(&examples, &labels, &cfg, None)?
    };
    for e in &report.epochs {
        match e.dev_f1 {
            Some(f) => eprintln!("  epoch {:>2}: {} mistakes, dev F1 {f:.4}", e.epoch, e.mistakes),
            None => eprintln!("  epoch {:>2}: {} mistakes", e.epoch, e.mistakes),
        }
    }
    model.save(&a.out)?;
    let size = std::fs::metadata(&a.out).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "kept epoch {} of {}; {} spans dropped as overlapping; wrote {} ({}, {} feature rows, {:.1} KiB) in {:.1} s",
        report.best_epoch,
        a.settings.epochs,
        report.spans_dropped,
        a.out,
        model.id(),
        model.rows(),
        size as f64 / 1024.0,
        t0.elapsed().as_secs_f64()
    );
    Ok(0)
}

fn run_eval(a: EvalArgs) -> Result<u8> {
    let default = if a.data.scierc.is_some() { "scierc" } else { "gsap" };
    let model = Tagger::resolve(a.model.as_deref().unwrap_or(default))?;
    let (score, what) = if let Some(path) = &a.data.scierc {
        let sentences: Vec<_> = read_scierc(path)?.into_iter().flat_map(|d| d.sentences).collect();
        (score_sentences(&model, &sentences), format!("{} sentences of {path}", sentences.len()))
    } else {
        let path = a.data.gsap.as_deref().expect("clap requires one source");
        let paragraphs = read_gsap(path)?;
        let folds = fold_map(&paragraphs, a.folds.as_deref())?;
        let chosen: Vec<&Paragraph> = paragraphs.iter().zip(&folds).filter(|(_, f)| a.fold.is_none() || **f == a.fold).map(|(p, _)| p).collect();
        let labels: Vec<String> = model.labels().to_vec();
        (score_paragraphs(&model, &chosen, &labels), format!("{} paragraphs of {path}", chosen.len()))
    };
    if a.json {
        println!("{}", serde_json::to_string_pretty(&serde_json::json!({"model": model.id(), "data": what, "score": score}))?);
        return Ok(0);
    }
    println!("model {} on {what}: exact spans, micro-averaged", model.id());
    print_score("all", &score);
    for (title, list) in [("false positives", &score.false_positives), ("false negatives", &score.false_negatives)] {
        if a.show > 0 {
            println!("\n{title} ({}):", list.len());
            for (i, text, label) in list.iter().take(a.show) {
                println!("  {i}\t{label}\t{text}");
            }
        }
    }
    Ok(0)
}

fn run_cv(a: CvArgs) -> Result<u8> {
    let paragraphs = read_gsap(&a.gsap)?;
    let folds = fold_map(&paragraphs, a.folds.as_deref())?;
    let labels = a.settings.types.clone();
    let cfg = CvConfig { train: config(&a.settings, "gsap-cv".into(), file_name(&a.gsap)), tune_epochs: !a.no_tune };
    let t0 = std::time::Instant::now();
    let (total, results) = cross_validate(&paragraphs, &folds, &labels, &cfg, &mut |r| {
        eprintln!("fold {}: train {} paragraphs, test {}, {} epochs: F1 {:.4} (tp {}, fp {}, fn {})", r.fold, r.train_paragraphs, r.test_paragraphs, r.epochs, r.score.total.f1(), r.score.total.tp, r.score.total.fp, r.score.total.fn_);
    })?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&serde_json::json!({"labels": labels, "total": total, "folds": results}))?);
        return Ok(0);
    }
    println!("GSAP-NER {}-fold cross-validation ({}), exact character spans, {:.0} s", results.len(), labels.join(", "), t0.elapsed().as_secs_f64());
    print_score("micro (all folds)", &total);
    Ok(0)
}

fn run_tag(a: TagArgs) -> Result<u8> {
    let model = Tagger::resolve(&a.model)?;
    let cfg = topicgraph::ingest::ReadConfig { merge: false, ..a.input.read_config() };
    let mut papers: Vec<Paper> = Vec::new();
    let line = |p: &Paper| {
        let mut spans = Vec::new();
        for (field, text) in [("title", &p.title), ("abstract", &p.abstract_text)] {
            for s in model.tag(text) {
                spans.push(serde_json::json!({"field": field, "start": s.start, "end": s.end, "text": s.text, "label": s.label, "score": (s.score as f64 * 1000.0).round() / 1000.0}));
            }
        }
        let mut l = serde_json::to_vec(&serde_json::json!({"id": p.id, "spans": spans, "model": model.id()})).expect("serialises");
        l.push(b'\n');
        l
    };
    let summary = with_output(&a.out, |w| {
        let mut flush = |papers: &mut Vec<Paper>| -> std::io::Result<()> {
            let lines: Vec<Vec<u8>> = papers.par_iter().map(&line).collect();
            papers.clear();
            lines.iter().try_for_each(|l| w.write_all(l))
        };
        let s = read_inputs(&a.input.inputs, &cfg, &mut Quiet, &mut |p| {
            papers.push(p);
            if papers.len() == 2048 {
                flush(&mut papers)?;
            }
            Ok(())
        })?;
        flush(&mut papers)?;
        Ok(s)
    })?;
    Ok(a.input.exit_code(&summary))
}
