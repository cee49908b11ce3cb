//! `topicgraph eval`: precision, recall and F1 against a gold standard.

use crate::cli::tag::{LinkArgs, SemanticMode};
use anyhow::{bail, Context, Result};
use clap::Args;
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::Write;
use topicgraph::extract::keyphrase::eval::{evaluate, GoldFormat};
use topicgraph::eval::{evaluate as evaluate_concepts, ConceptTable, Counts, LabelResolver, Labels, UNRESOLVED_PREFIX};
use topicgraph::ontology::Ontology;

/// Score tags against a gold standard (micro-averaged, as shared/eval/ANNOTATION.md defines).
#[derive(Args)]
#[command(after_help = "Examples:\n  \
    topicgraph eval --gold ../shared/eval/seed-gold.jsonl --concepts-tsv ../shared/eval/core-concepts.tsv tags.jsonl\n  \
    topicgraph eval --gold ../shared/eval/seed-gold.jsonl --concepts-tsv ../shared/eval/core-concepts.tsv --input ../shared/seed/seed-papers.jsonl\n  \
    topicgraph eval --gold-labels --gold gold-labels.jsonl --ontology labels.csv --input papers.jsonl\n  \
    topicgraph eval --gsap-ner ../shared/eval/gsap-ner/gsap_ner_paragraphs.jsonl\n  \
    topicgraph eval --keyphrases inspec ../shared/eval/inspec/Test\n  \
    topicgraph eval --keyphrases openreview ../shared/corpus/iclr2021-openreview/paperlist.tsv\n  \
    topicgraph eval --keyphrases inspec ../shared/eval/inspec/Test tags.jsonl   # predictions from `tag`\n\n\
    Entities are scored as shared/eval/ANNOTATION.md says: micro P/R/F1 over (paper, normalised text), \
    untyped and typed.\n\n\
    With --keyphrases, the gold papers are tagged on the fly (title and abstract) unless PRED.jsonl is \
    given ({\"id\", \"keywords\": [{\"text\"} or strings, best first]}); a paper without predictions \
    counts as predicting nothing.\n\n\
    With --gold-labels (a gold standard made for another ontology, such as the CSO classifier's), gold \
    concepts, and concepts given as strings or {\"label\"} objects in PRED.jsonl, are labels: each resolves \
    to the concept of the --ontology that has a label with the same matching key (case, plurals, \
    hyphens and spacing folded); a label that names no concept is scored as label:<key>.")]
pub struct EvalArgs {
    /// Gold JSON Lines: {"id", "concepts": [...], "entities": [{"text", "type"}]}. Repeat it to
    /// score (or train on) several gold standards as one; their paper ids must differ.
    #[arg(long, value_name = "GOLD.jsonl", action = clap::ArgAction::Append, required_unless_present_any = ["gsap_ner", "keyphrases"])]
    pub gold: Vec<String>,
    /// Score entity mentions on GSAP-NER paragraphs instead (gsap_ner_paragraphs.jsonl):
    /// MLModel against model, Dataset against dataset, exact character spans.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["gold", "pred", "input"])]
    pub gsap_ner: Option<String>,
    /// Score keyphrases instead, against KIND at PATH: `inspec DIR` (the Inspec Test folder:
    /// uncontrolled keys) or `openreview PAPERLIST.tsv` (author keywords). Exact match after
    /// Porter stemming; F1@5 and F1@10 as shared/eval/keyphrase_eval.py computes them.
    #[arg(long, num_args = 2, value_names = ["KIND", "PATH"], conflicts_with_all = ["gold", "concepts_tsv", "input", "gold_labels"])]
    pub keyphrases: Vec<String>,
    /// The scored concept set and its broader links (core-concepts.tsv); without it every
    /// predicted concept is scored and the hierarchical score equals the flat one.
    #[arg(long, value_name = "TSV")]
    pub concepts_tsv: Option<String>,
    /// Predictions as `topicgraph tag` writes them.
    #[arg(value_name = "PRED.jsonl", conflicts_with = "input")]
    pub pred: Option<String>,
    /// Tag these papers on the fly instead of reading predictions.
    #[arg(long, num_args = 1.., value_name = "PAPERS")]
    pub input: Vec<String>,
    /// Gold concepts (and predicted ones given as strings in PRED.jsonl) are labels, resolved
    /// to concept ids through the ontology (--ontology); unknown labels count as label:<key>.
    #[arg(long)]
    pub gold_labels: bool,
    #[command(flatten)]
    pub link: LinkArgs,
    /// Train the core-concept ranker on this gold standard (tagging --input) and write the
    /// model to FILE (what `tag --ranker FILE` reads; data/concept-ranker.tsv is the bundled
    /// one). Prints the cross-validated score first: each fold tagged by a ranker trained on
    /// the other folds.
    #[arg(long, value_name = "FILE", requires = "input", conflicts_with_all = ["pred", "gold_labels"])]
    pub train_ranker: Option<String>,
    /// With --train-ranker: the number of cross-validation folds.
    #[arg(long, default_value_t = 10, value_name = "K")]
    pub folds: usize,
    /// With --train-ranker: write the cross-validated predictions here, one
    /// {"id", "concepts"} line per gold paper (each decided by the ranker of the folds it was
    /// not in), so that `eval --gold GOLD FILE` lists the errors an unseen paper would get.
    #[arg(long, value_name = "FILE", requires = "train_ranker")]
    pub cv_predictions: Option<String>,
    /// With --train-ranker: also build the annotated neighbours from the gold papers (what `tag
    /// --neighbours FILE` reads; data/concept-neighbours.tsv.gz is the bundled memory) and
    /// train the ranker with their feature. In cross-validation, a fold's votes come from the
    /// other folds' papers only. Without it, the ranker trains with that feature at 0.
    #[arg(long, value_name = "FILE", requires = "train_ranker")]
    pub train_neighbours: Option<String>,
    /// With --train-ranker: write the ranker's examples here as TSV, one row per core
    /// candidate (paper, concept, gold, fixed, fold, then the features), for studying other
    /// models (scripts/ranker-study.py). A paper's fold is the one cross-validation puts it in,
    /// and its `neighbours` vote comes from the other folds' papers, as it does there.
    #[arg(long, value_name = "FILE", requires = "train_ranker")]
    pub examples: Option<String>,
    /// With --train-ranker: the L2 penalty on the ranker's weights.
    #[arg(long, default_value_t = 1.0, value_name = "X")]
    pub l2: f64,
    /// With --train-ranker: the L2 penalty on the per-concept offsets of the log-odds (how
    /// readily the annotators give each concept); `off` trains without them.
    #[arg(long, default_value_t = topicgraph::link::rank::CONCEPT_L2, value_name = "X|off", value_parser = parse_concept_l2)]
    pub concept_l2: f64,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// How many false positives and negatives to list (all with --show 0).
    #[arg(long, default_value_t = 30)]
    pub show: usize,
}

fn parse_concept_l2(s: &str) -> Result<f64, String> {
    if s == "off" {
        return Ok(f64::INFINITY);
    }
    s.parse::<f64>().ok().filter(|x| x.is_finite() && *x > 0.0).ok_or_else(|| format!("{s:?} is not a positive number or `off`"))
}

/// `--json`: the whole result, pretty-printed.
fn write_json(out: &mut impl Write, r: &impl serde::Serialize) -> Result<u8> {
    serde_json::to_writer_pretty(&mut *out, r)?;
    writeln!(out)?;
    Ok(0)
}

/// One scored line: precision, recall, F1 and the counts.
fn line(name: &str, c: &Counts) -> String {
    format!("{name:<24} P {:.3}  R {:.3}  F1 {:.3}   (tp {}, fp {}, fn {})", c.precision(), c.recall(), c.f1(), c.tp, c.fp, c.fn_)
}

fn read_jsonl(path: &str) -> Result<Vec<serde_json::Value>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).with_context(|| format!("{path}: line {}: invalid JSON", i + 1)))
        .collect()
}

pub fn run(args: EvalArgs) -> Result<u8> {
    if let Some(path) = &args.gsap_ner {
        return gsap(&args, path);
    }
    if !args.keyphrases.is_empty() {
        return keyphrases(&args);
    }
    if args.pred.is_none() && args.input.is_empty() {
        bail!("give predictions (PRED.jsonl) or --input PAPERS to tag on the fly");
    }
    if let Some(out) = &args.train_ranker {
        return train_ranker(&args, out);
    }
    let linker = if args.input.is_empty() { None } else { Some(args.link.linker_for(crate::cli::tag::Semantic::Inputs(&args.input))?) };
    let resolver = match (&linker, args.gold_labels) {
        (_, false) => None,
        (Some(l), true) => Some(LabelResolver::new(l.ontology())),
        (None, true) => Some(LabelResolver::new(&Ontology::load(&args.link.ontologies).context("loading the ontology")?)),
    };
    let labels = |v: &serde_json::Value| match &resolver {
        Some(r) => Labels::from_json_labels(v, r),
        None => Labels::from_json(v),
    };
    let records = read_gold_files(&args.gold)?;
    let gold = read_gold(&records, labels);
    let table = concept_table(&args)?;
    let pred: HashMap<String, Labels> = if let Some(p) = &args.pred {
        read_jsonl(p)?.iter().filter_map(|v| Some((v.get("id")?.as_str()?.to_string(), labels(v)))).collect()
    } else {
        let linker = linker.as_ref().expect("tagging on the fly");
        crate::cli::papers::read_unmerged(&args.input)?.par_iter().map(|p| (p.id.clone(), Labels::from_json(&serde_json::to_value(linker.tag(p)).expect("tags serialise")))).collect()
    };
    let r = evaluate_concepts(&gold, &pred, table.as_ref());
    let mut out = std::io::stdout().lock();
    if args.json {
        return write_json(&mut out, &r);
    }
    writeln!(out, "{} papers scored", r.papers)?;
    if resolver.is_some() {
        let given: usize = records.iter().map(|(_, _, v)| v.get("concepts").and_then(|c| c.as_array()).map_or(0, Vec::len)).sum();
        let resolved: usize = gold.iter().map(|(_, l)| l.concepts.len()).sum();
        let unknown: usize = gold.iter().map(|(_, l)| l.concepts.iter().filter(|c| c.starts_with(UNRESOLVED_PREFIX)).count()).sum();
        writeln!(out, "gold: {given} labels -> {resolved} (paper, concept) pairs, {unknown} of them labels that name no concept ({UNRESOLVED_PREFIX}<key>)")?;
    }
    writeln!(out, "{}", line("concepts", &r.concepts))?;
    writeln!(out, "{}", line("concepts (hierarchical)", &r.concepts_hierarchical))?;
    if r.entity_papers < r.papers {
        writeln!(out, "entities: scored on the {} of {} papers whose gold has \"entities\"", r.entity_papers, r.papers)?;
    }
    writeln!(out, "{}", line("entities", &r.entities))?;
    writeln!(out, "{}", line("entities (typed)", &r.entities_typed))?;
    writeln!(out, "\nper concept:")?;
    let mut per: Vec<(&String, &Counts)> = r.per_concept.iter().collect();
    per.sort_by(|a, b| (b.1.tp + b.1.fn_).cmp(&(a.1.tp + a.1.fn_)).then(a.0.cmp(b.0)));
    for (c, k) in per {
        writeln!(out, "  {}", line(c, k))?;
    }
    let limit = if args.show == 0 { usize::MAX } else { args.show };
    for (title, list) in [("false positives", &r.false_positives), ("false negatives", &r.false_negatives)] {
        writeln!(out, "\n{title} ({}):", list.len())?;
        for (p, c) in list.iter().take(limit) {
            writeln!(out, "  {p}\t{c}")?;
        }
    }
    if r.entity_papers > 0 {
        for (title, list) in [("entity false positives", &r.entity_false_positives), ("entity false negatives", &r.entity_false_negatives)] {
            writeln!(out, "\n{title} ({}; paper, normalised text, type):", list.len())?;
            for (p, t, k) in list.iter().take(limit) {
                writeln!(out, "  {p}\t{t}\t{k}")?;
            }
        }
        writeln!(out, "\nentity type errors ({}; paper, normalised text, gold type -> predicted):", r.entity_type_errors.len())?;
        for (p, t, g, k) in r.entity_type_errors.iter().take(limit) {
            writeln!(out, "  {p}\t{t}\t{g} -> {k}")?;
        }
    }
    Ok(0)
}

/// A gold record: the index of its `--gold` file, its paper id, the record.
type GoldRecord = (usize, String, serde_json::Value);

/// The records of every `--gold` file; a record without an id, or a paper id given by two
/// records, is an error naming the file and record (the sets would be scored as one).
fn read_gold_files(paths: &[String]) -> Result<Vec<GoldRecord>> {
    if paths.is_empty() {
        bail!("--gold is required");
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for (k, path) in paths.iter().enumerate() {
        for (i, v) in read_jsonl(path)?.into_iter().enumerate() {
            let id = v.get("id").and_then(|x| x.as_str()).with_context(|| format!("{path}: record {}: no \"id\"", i + 1))?.to_string();
            if let Some(prev) = seen.insert(id.clone(), k) {
                bail!("{path}: record {}: paper {id} is also in {}", i + 1, paths[prev]);
            }
            out.push((k, id, v));
        }
    }
    Ok(out)
}

fn read_gold(records: &[GoldRecord], labels: impl Fn(&serde_json::Value) -> Labels) -> Vec<(String, Labels)> {
    records.iter().map(|(_, id, v)| (id.clone(), labels(v))).collect()
}

fn concept_table(args: &EvalArgs) -> Result<Option<ConceptTable>> {
    match &args.concepts_tsv {
        Some(p) => Ok(Some(ConceptTable::from_tsv(&std::fs::read_to_string(p).with_context(|| format!("reading {p}"))?).map_err(anyhow::Error::msg)?)),
        None => Ok(None),
    }
}

/// `--train-ranker`: cross-validate, then train on every gold paper and write the model.
fn train_ranker(args: &EvalArgs, out_path: &str) -> Result<u8> {
    use topicgraph::link::neighbours::{Exemplar, Neighbours};
    use topicgraph::link::rank::{cross_validate, train_on, with_votes, GoldCandidate, GoldPaper, Penalty};
    let penalty = Penalty { l2: args.l2, concept_l2: args.concept_l2 };
    let records = read_gold_files(&args.gold)?;
    let set_of: Vec<usize> = records.iter().map(|(k, _, _)| *k).collect();
    let gold = read_gold(&records, Labels::from_json);
    let table = concept_table(args)?;
    // No memory while the candidates are read (the gold papers are in the bundled one): their
    // votes are filled from the memory trained here, fold by fold. Nor is one loaded.
    let link = crate::cli::tag::LinkArgs { neighbours: "off".to_string(), ..args.link.clone() };
    let linker = link.linker_for(crate::cli::tag::Semantic::Inputs(&args.input))?.with_ranker(None);
    let o = linker.ontology();
    if !o.concepts.iter().any(|c| c.core) {
        bail!("the ontology has no core concepts (tg:core): there is nothing for a ranker to decide");
    }
    let papers: HashMap<String, topicgraph::model::Paper> = crate::cli::papers::read_unmerged(&args.input)?.into_iter().map(|p| (p.id.clone(), p)).collect();
    let min_score = linker.config().min_score;
    let gold_papers: Vec<GoldPaper> = gold
        .par_iter()
        .map(|(id, labels)| {
            let cores = papers.get(id).map(|p| linker.core_candidates(p)).unwrap_or_default();
            let candidates: Vec<GoldCandidate> = cores
                .into_iter()
                .map(|c| {
                    let id = o.concepts[c.concept].id.clone();
                    GoldCandidate { concept: c.concept, gold: labels.concepts.contains(&id), id, x: c.features, fixed: (!c.ranked).then(|| c.score() >= min_score) }
                })
                .collect();
            let missed = labels.concepts.iter().filter(|g| !candidates.iter().any(|c| &c.id == *g)).count();
            GoldPaper { candidates, missed }
        })
        .collect();
    let missing = gold.iter().filter(|(id, _)| !papers.contains_key(id)).count();
    let predicted = |kept: &[Vec<usize>]| -> HashMap<String, Labels> {
        gold.iter().zip(kept).map(|((id, _), k)| (id.clone(), Labels { concepts: k.iter().map(|&c| o.concepts[c].id.clone()).collect(), ..Default::default() })).collect()
    };
    let memory = args.train_neighbours.as_ref().map(|_| {
        let papers = gold.iter().map(|(id, labels)| match papers.get(id) {
            Some(p) => Exemplar::of(p, labels.concepts.iter().cloned().collect()),
            None => Exemplar { id: id.clone(), concepts: labels.concepts.iter().cloned().collect(), terms: Vec::new() },
        });
        Neighbours::build(papers.collect())
    });
    let gold_total: usize = gold.iter().map(|(_, l)| l.concepts.len()).sum();
    let never: usize = gold_papers.iter().map(|p| p.missed).sum();
    let validated = cross_validate(&gold_papers, args.folds, penalty, memory.as_ref());
    let folds = validated.folds;
    if let Some(path) = &args.examples {
        let head = format!("# topicgraph ranker examples: {} gold papers, {gold_total} gold concepts, {never} of them no candidate; {folds} folds", gold.len());
        write_examples(path, &head, &gold, &validated.tested, folds)?;
    }
    let cv_pred = predicted(&validated.kept);
    if let Some(path) = &args.cv_predictions {
        // In gold order, one line per paper.
        let lines: String = gold.iter().map(|(id, _)| format!("{}\n", serde_json::json!({ "id": id, "concepts": cv_pred[id].concepts }))).collect();
        std::fs::write(path, lines).with_context(|| format!("writing {path}"))?;
    }
    let cv = evaluate_concepts(&gold, &cv_pred, table.as_ref());
    let gold_papers = match &memory {
        Some(m) => with_votes(&gold_papers, m, |_| true),
        None => gold_papers,
    };
    let all: Vec<&GoldPaper> = gold_papers.iter().collect();
    let mut ranker = train_on(&all, penalty);
    let fitted: Vec<Vec<usize>> = gold_papers.iter().map(|p| p.kept(&ranker)).collect();
    let fit = evaluate_concepts(&gold, &predicted(&fitted), table.as_ref());
    let candidates: usize = gold_papers.iter().map(|p| p.candidates.iter().filter(|c| c.fixed.is_none()).count()).sum();
    // A gold file by its folder and name (`eval/seed-gold.jsonl`, `arxiv-dev/gold.jsonl`).
    let file_name = |p: &String| {
        let parts: Vec<String> = std::path::Path::new(p).components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        parts[parts.len().saturating_sub(2)..].join("/")
    };
    let name = args.gold.iter().map(file_name).collect::<Vec<_>>().join(" + ");
    ranker.notes = vec![
        "topicgraph core-concept ranker (src/link/rank.rs): logistic model over the features below.".to_string(),
        format!("Trained by `topicgraph eval --train-ranker` on {name}: {} papers, {candidates} core candidates the ranker decides, tagged with {}, L2 {}, concept offsets {}.", gold.len(), linker.version(), args.l2, if args.concept_l2.is_finite() { format!("L2 {}", args.concept_l2) } else { "off".to_string() }),
        format!("Cross-validated ({folds} folds) concept micro P {:.3} R {:.3} F1 {:.3}; on its own training papers F1 {:.3}.", cv.concepts.precision(), cv.concepts.recall(), cv.concepts.f1(), fit.concepts.f1()),
    ];
    if let (Some(m), Some(path)) = (&memory, &args.train_neighbours) {
        ranker.notes.push(format!("Trained with annotated neighbours ({} papers, written to {path}) as feature `neighbours`: tag with `--neighbours` naming that memory (the bundled ranker goes with the bundled memory).", m.len()));
        let notes = vec![
            "topicgraph annotated neighbours (src/link/neighbours.rs): rows paper<TAB>id<TAB>gold concepts<TAB>stem:count ...".to_string(),
            format!("Written by `topicgraph eval --train-neighbours` from {name}: {} papers and their gold concepts.", m.len()),
        ];
        let text = m.to_tsv(&notes);
        crate::cli::papers::with_output(path, |w| Ok(w.write_all(text.as_bytes())?))?;
    }
    std::fs::write(out_path, ranker.to_tsv()).with_context(|| format!("writing {out_path}"))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{} gold papers ({missing} not in the input), {candidates} core candidates the ranker decides (its examples)", gold.len())?;
    writeln!(out, "{never} of {gold_total} gold concepts were no candidate at all: recall at most {:.3}", 1.0 - never as f64 / gold_total.max(1) as f64)?;
    writeln!(out, "{}", line(&format!("cross-validated ({folds} folds)"), &cv.concepts))?;
    writeln!(out, "{}", line("  hierarchical", &cv.concepts_hierarchical))?;
    if args.gold.len() > 1 {
        // Each set's papers, as the folds decided them.
        for (k, path) in args.gold.iter().enumerate() {
            let sub: Vec<(String, Labels)> = gold.iter().zip(&set_of).filter(|(_, &s)| s == k).map(|(g, _)| g.clone()).collect();
            writeln!(out, "{}", line(&format!("  of them {}", file_name(path)), &evaluate_concepts(&sub, &cv_pred, table.as_ref()).concepts))?;
        }
    }
    writeln!(out, "{}", line("training papers (fit)", &fit.concepts))?;
    writeln!(out, "threshold {}; written to {out_path}", ranker.threshold)?;
    Ok(0)
}

/// `--examples`: the ranker's examples as TSV, each paper's candidates as its fold tested them
/// (votes from the other folds), under the `head` comment line.
fn write_examples(path: &str, head: &str, gold: &[(String, Labels)], tested: &[topicgraph::link::rank::GoldPaper], folds: usize) -> Result<()> {
    use std::fmt::Write as _;
    let mut t = format!("{head}\npaper\tconcept\tgold\tfixed\tfold\t{}\n", topicgraph::link::rank::FEATURES.join("\t"));
    // Fold by fold, each in paper order.
    let order = (0..folds).flat_map(|f| (f..tested.len()).step_by(folds));
    for i in order {
        for c in &tested[i].candidates {
            let fixed = match c.fixed {
                None => "-",
                Some(true) => "kept",
                Some(false) => "dropped",
            };
            let _ = write!(t, "{}\t{}\t{}\t{fixed}\t{}", gold[i].0, c.id, u8::from(c.gold), i % folds);
            for x in c.x {
                let _ = write!(t, "\t{x}");
            }
            t.push('\n');
        }
    }
    std::fs::write(path, t).with_context(|| format!("writing {path}"))
}

/// GSAP-NER: every paragraph through the entity extractor, mentions scored by exact span.
fn gsap(args: &EvalArgs, path: &str) -> Result<u8> {
    use topicgraph::eval::gsap::{evaluate, Paragraph};
    use topicgraph::extract::entity::{EntityConfig, EntityExtractor};
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
    let paragraphs: Vec<Paragraph> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).with_context(|| format!("{path}: line {}", i + 1)))
        .collect::<Result<_>>()?;
    let ontology = Ontology::load(&args.link.ontologies).context("loading the ontology")?;
    let x = EntityExtractor::new(&ontology, EntityConfig { min_score: args.link.entity_min_score });
    let predictions: Vec<Vec<(usize, usize, String)>> = paragraphs
        .par_iter()
        .map(|p| {
            let paper = topicgraph::model::Paper { id: p.id.clone(), abstract_text: p.text.clone(), ..Default::default() };
            x.extract_paper(&paper).iter().flat_map(|e| e.mentions.iter().map(move |m| (m.start, m.end, e.kind.name().to_string()))).collect()
        })
        .collect();
    let r = evaluate(&paragraphs, &predictions);
    let mut out = std::io::stdout().lock();
    if args.json {
        return write_json(&mut out, &r);
    }
    writeln!(out, "{} paragraphs scored (GSAP-NER, exact spans; MLModel = model, Dataset = dataset)", r.paragraphs)?;
    writeln!(out, "{}", line("mentions (typed)", &r.typed))?;
    writeln!(out, "{}", line("mentions (untyped)", &r.untyped))?;
    for (label, c) in &r.per_label {
        writeln!(out, "  {}", line(label, c))?;
    }
    Ok(0)
}

/// `eval --keyphrases KIND PATH [PRED.jsonl]`.
fn keyphrases(args: &EvalArgs) -> Result<u8> {
    let [kind, path] = args.keyphrases.as_slice() else { bail!("--keyphrases takes KIND PATH") };
    let format: GoldFormat = kind.parse().map_err(anyhow::Error::msg)?;
    let gold = format.load(std::path::Path::new(path))?;
    let pred: HashMap<String, Vec<String>> = match &args.pred {
        Some(p) => read_jsonl(p)?
            .iter()
            .filter_map(|v| {
                let id = v.get("id")?.as_str()?.to_string();
                let list = v.get("keywords").and_then(|k| k.as_array()).map(|a| a.iter().filter_map(|k| k.get("text").and_then(|t| t.as_str()).or_else(|| k.as_str()).map(str::to_string)).collect()).unwrap_or_default();
                Some((id, list))
            })
            .collect(),
        None => {
            // The linker's keyphrases, as `tag` writes them (statistical, or re-ranked with
            // --keyphrase-scorer keybert); concepts are not scored here.
            let link = LinkArgs { no_entities: true, semantic: Some(SemanticMode::Off), ..args.link.clone() };
            let linker = link.linker()?;
            let pred = gold.par_iter().map(|g| (g.paper.id.clone(), linker.tag(&g.paper).keywords.into_iter().map(|k| k.text).collect())).collect();
            crate::cli::tag::report_semantic(&linker, false);
            pred
        }
    };
    let r = evaluate(&gold, &pred, &[5, 10]);
    let mut out = std::io::stdout().lock();
    if args.json {
        return write_json(&mut out, &r);
    }
    writeln!(out, "{} papers ({format}), {} gold keys, {:.1}% of them in the text after stemming", r.papers, r.gold_keys, 100.0 * r.present_share)?;
    for a in &r.at {
        writeln!(out, "@{:<3} P {:.3}  R {:.3}  F1 {:.3}   (recall of the keys in the text {:.3})", a.k, a.precision, a.recall, a.f1, a.present_recall)?;
    }
    Ok(0)
}
