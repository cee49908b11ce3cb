//! The core-concept ranker: which of the core concepts a paper touches it is *about*.
//!
//! The matchers propose candidates with scores; whether a core concept is a main subject of
//! the paper (the annotation guideline's test) depends on more than one score: where the
//! concept and its narrower concepts are named (title, first sentence), how often, whether a
//! more specific core concept is also present, how close the closest sentence is (semantic
//! linking). The ranker is a logistic model over such features ([`FEATURES`]), none of which
//! names a concept: it learns how evidence looks for a main subject, so it carries over to
//! papers and concepts it never saw. Beside them, each core concept of the training set has an
//! offset of the log-odds, shrunk towards 0 by a strong L2 penalty ([`CONCEPT_L2`]): how
//! readily the annotators give that concept for the same evidence (a broad scope like AI for
//! science is given on weak evidence; the word "reasoning" is everywhere but the concept is
//! kept for papers about it). A concept the ranker never saw has offset 0. One feature does
//! come from the annotation itself: the concept's share of the paper's nearest annotated
//! papers ([`crate::link::neighbours`]), how the guideline was applied to papers like it.
//!
//! The bundled models (`data/concept-ranker.tsv`, and `data/concept-ranker-semantic.tsv` for
//! semantic linking) are trained on both development sets (the seed, and the arXiv papers of
//! `data/eval/arxiv-dev/`) by `topicgraph eval
//! --train-ranker --train-neighbours`, which also reports the cross-validated score (each fold
//! tagged by a model trained on the other folds, its neighbours' votes from those folds too).
//! Training is Newton's method on the L2 penalised log-loss of standardised features:
//! deterministic, no random state.

use crate::link::neighbours::Neighbours;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The features, in model order. Each is computed per (paper, core concept) from the
/// candidates of the concept and of its branch (the concepts whose nearest core concept it
/// is): see [`crate::link::Linker::core_candidates`]. All measure the evidence for the concept
/// itself: features relative to the paper's other candidates (its rank, its gap to the best,
/// its share of the evidence) scored the same in cross-validation on the seed set but raised
/// the strongest weak candidate of papers outside the field (a PDE paper's "linear space" as
/// model architecture), so they are left out.
pub const FEATURES: [&str; N] = [
    "score",         // the core concept's score before ranking: the best of its own, its branch's best and their noisy-or
    "own",           // the score of the concept's own mentions
    "branch",        // the best score of a narrower concept in its branch
    "title",         // a string match of the concept or its branch in the title
    "title_own",     // a string match of the concept itself in the title
    "mentions",      // ln(1 + string-matched mentions of the concept and its branch)
    "first",         // a string match in the abstract's first sentence
    "scope",         // summed weight of scope-note words (the scope matcher)
    "narrower_core", // the best score of a narrower core concept of the paper
    "broader_core",  // the best score of a broader core concept of the paper
    "depth",         // number of core ancestors in the ontology
    "max_weight",    // the strongest single string-matched mention
    "semantic",      // the best similarity of a semantic-matcher mention (0 when semantic linking is off)
    "profile",       // how much closer the paper is to the concept's profile than to the background profile, in standard deviations (0 without profiles: crate::link::profile)
    "profile_top",   // the concept's profile is the paper's closest
    "neighbours",    // the concept's similarity-weighted share of the paper's nearest annotated papers (0 without them: crate::link::neighbours)
];

/// Number of features.
pub const N: usize = 16;

/// The index of the `neighbours` feature. A model file written before it existed has no row
/// for it: it is read with weight 0.
pub const NEIGHBOURS: usize = 15;

pub type Features = [f64; N];

/// The bundled model, trained by `topicgraph eval --train-ranker` on both development sets.
pub const BUNDLED: &str = include_str!("../../data/concept-ranker.tsv");

/// The bundled model for semantic linking, trained the same way with `--semantic on` (the
/// neural build): its `semantic` feature carries weight.
pub const BUNDLED_SEMANTIC: &str = include_str!("../../data/concept-ranker-semantic.tsv");

/// The column header of a model file (a comment).
const HEADER: &str = "feature\tmean\tscale\tweight";

/// The default L2 penalty on the per-concept offsets (the features' weights get `--l2`, 1 by
/// default). Cross-validated over the 544 papers of both development sets, offsets penalised
/// at 4 raised F1 from 0.712 to 0.725 (1 and 2 scored alike); on 150 arXiv papers drawn and
/// annotated after that choice, the rankers trained on the 544 scored 0.698 without offsets
/// and 0.739 with them.
pub const CONCEPT_L2: f64 = 4.0;

/// A trained ranker: `p = sigmoid(bias + offset(concept) + sum(weight * (x - mean) / scale))`;
/// a core concept is kept when `p >= threshold`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranker {
    pub mean: Features,
    pub scale: Features,
    pub weights: Features,
    pub bias: f64,
    /// Per-concept offsets of the log-odds, by concept id (rows `concept<TAB>id<TAB>offset`).
    pub concepts: BTreeMap<String, f64>,
    pub threshold: f64,
    /// Comment lines of the model file (how it was trained, its cross-validated score).
    pub notes: Vec<String>,
}

impl Ranker {
    /// The model shipped in the binary.
    pub fn bundled() -> Ranker {
        // Compiled in and checked by a unit test: it cannot fail here.
        Ranker::parse(BUNDLED).expect("the bundled concept ranker parses")
    }

    /// The model shipped for semantic linking ([`BUNDLED_SEMANTIC`]).
    pub fn bundled_semantic() -> Ranker {
        Ranker::parse(BUNDLED_SEMANTIC).expect("the bundled semantic concept ranker parses")
    }

    /// Read a model file: `# comments`, then `feature<TAB>mean<TAB>scale<TAB>weight` for every
    /// feature of [`FEATURES`], `concept<TAB>id<TAB>offset` rows (optional), and `bias<TAB>B` and
    /// `threshold<TAB>T`.
    pub fn parse(text: &str) -> Result<Ranker, String> {
        let mut r = Ranker {
            mean: [0.0; N],
            scale: [1.0; N],
            weights: [0.0; N],
            bias: f64::NAN,
            concepts: BTreeMap::new(),
            threshold: f64::NAN,
            notes: Vec::new(),
        };
        let mut seen = [false; N];
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_end();
            if let Some(note) = line.strip_prefix('#') {
                if note.trim() != HEADER {
                    r.notes.push(note.trim().to_string());
                }
                continue;
            }
            if line.is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            let num = |k: usize| -> Result<f64, String> {
                let s = cols
                    .get(k)
                    .ok_or_else(|| format!("line {}: expected {} columns", i + 1, k + 1))?;
                s.parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| format!("line {}: {s:?} is not a number", i + 1))
            };
            match cols[0] {
                "bias" => r.bias = num(1)?,
                "threshold" => r.threshold = num(1)?,
                "concept" => {
                    let id = cols.get(1).filter(|id| !id.is_empty()).ok_or_else(|| format!("line {}: expected concept<TAB>id<TAB>offset", i + 1))?;
                    r.concepts.insert(id.to_string(), num(2)?);
                }
                name => {
                    let k = FEATURES
                        .iter()
                        .position(|f| *f == name)
                        .ok_or_else(|| format!("line {}: unknown feature {name:?}", i + 1))?;
                    r.mean[k] = num(1)?;
                    r.scale[k] = num(2)?;
                    r.weights[k] = num(3)?;
                    if r.scale[k] <= 0.0 {
                        return Err(format!(
                            "line {}: the scale of {name} must be positive",
                            i + 1
                        ));
                    }
                    seen[k] = true;
                }
            }
        }
        seen[NEIGHBOURS] = true;
        if let Some(k) = seen.iter().position(|s| !s) {
            return Err(format!("feature {:?} is missing", FEATURES[k]));
        }
        if r.bias.is_nan() || r.threshold.is_nan() {
            return Err("bias or threshold is missing".to_string());
        }
        Ok(r)
    }

    /// The model file [`Ranker::parse`] reads.
    pub fn to_tsv(&self) -> String {
        let mut s = String::new();
        for n in &self.notes {
            let _ = writeln!(s, "# {n}");
        }
        let _ = writeln!(s, "# {HEADER}");
        for k in 0..N {
            let _ = writeln!(
                s,
                "{}\t{}\t{}\t{}",
                FEATURES[k],
                fmt(self.mean[k]),
                fmt(self.scale[k]),
                fmt(self.weights[k])
            );
        }
        for (id, offset) in &self.concepts {
            let _ = writeln!(s, "concept\t{id}\t{}", fmt(*offset));
        }
        let _ = writeln!(s, "bias\t{}", fmt(self.bias));
        let _ = writeln!(s, "threshold\t{}", fmt(self.threshold));
        s
    }

    /// Each feature's contribution to the log-odds.
    pub fn contributions(&self, x: &Features) -> Features {
        std::array::from_fn(|k| self.weights[k] * (x[k] - self.mean[k]) / self.scale[k])
    }

    /// The concept's offset of the log-odds (0 for a concept the ranker was not trained on).
    pub fn offset(&self, concept: &str) -> f64 {
        self.concepts.get(concept).copied().unwrap_or(0.0)
    }

    /// The probability that the concept (by id) is a main subject of the paper.
    pub fn probability(&self, x: &Features, concept: &str) -> f64 {
        self.probability_with_offset(x, self.offset(concept))
    }

    /// [`Ranker::probability`] with the concept's offset already looked up.
    pub fn probability_with_offset(&self, x: &Features, offset: f64) -> f64 {
        sigmoid(self.bias + offset + self.contributions(x).iter().sum::<f64>())
    }

    /// A short id of the model, for the tagging version (stores re-tag when it changes).
    pub fn id(&self) -> String {
        // The numbers only: editing the notes does not make stores re-tag.
        let numbers = Ranker { notes: Vec::new(), ..self.clone() }.to_tsv();
        let h = crate::embed::fnv1a(numbers.as_bytes());
        format!("{:08x}", h >> 32)
    }
}

fn fmt(x: f64) -> String {
    // Enough digits to round-trip what matters, few enough to read.
    let s = format!("{x:.6}");
    if s == "-0.000000" {
        "0.000000".to_string()
    } else {
        s
    }
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// One training example: a core candidate of a paper and whether the gold standard has it.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub x: Features,
    /// The concept id.
    pub concept: String,
    pub gold: bool,
}

/// The penalties of training: `l2` on the features' weights, `concept_l2` on the per-concept
/// offsets (not finite: no offsets).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Penalty {
    pub l2: f64,
    pub concept_l2: f64,
}

/// Fit the model: standardise the features, minimise `sum(log-loss) + l2/2 * |w|^2 +
/// concept_l2/2 * |offsets|^2` by Newton's method, then choose the threshold that maximises
/// micro-F1 on the training examples, where `missed` gold pairs had no candidate at all (they
/// count as false negatives at any threshold).
pub fn train(examples: &[Example], missed: usize, penalty: Penalty) -> Ranker {
    let n = examples.len().max(1) as f64;
    let mut mean = [0.0; N];
    let mut scale = [1.0; N];
    for k in 0..N {
        mean[k] = examples.iter().map(|e| e.x[k]).sum::<f64>() / n;
        let var = examples
            .iter()
            .map(|e| (e.x[k] - mean[k]).powi(2))
            .sum::<f64>()
            / n;
        scale[k] = if var > 1e-12 { var.sqrt() } else { 1.0 };
    }
    let z: Vec<[f64; N]> = examples
        .iter()
        .map(|e| std::array::from_fn(|k| (e.x[k] - mean[k]) / scale[k]))
        .collect();
    // Parameters: N weights, the bias (not penalised), then one offset per concept.
    let ids: Vec<&str> = if penalty.concept_l2.is_finite() {
        let mut ids: Vec<&str> = examples.iter().map(|e| e.concept.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    } else {
        Vec::new()
    };
    let slot: Vec<Option<usize>> = examples.iter().map(|e| ids.binary_search(&e.concept.as_str()).ok().map(|j| N + 1 + j)).collect();
    let m = N + 1 + ids.len();
    let mut theta = vec![0.0; m];
    for _ in 0..100 {
        let mut grad = vec![0.0; m];
        let mut hess = vec![vec![0.0; m]; m];
        for ((zi, e), slot) in z.iter().zip(examples).zip(&slot) {
            // The example's non-zero inputs: its features, the bias, its concept's offset.
            let mut xi: Vec<(usize, f64)> = (0..N).map(|k| (k, zi[k])).collect();
            xi.push((N, 1.0));
            xi.extend(slot.map(|j| (j, 1.0)));
            let s: f64 = xi.iter().map(|&(k, v)| theta[k] * v).sum();
            let p = sigmoid(s);
            let r = p - if e.gold { 1.0 } else { 0.0 };
            let v = (p * (1.0 - p)).max(1e-12);
            for &(a, xa) in &xi {
                grad[a] += r * xa;
                for &(b, xb) in &xi {
                    hess[a][b] += v * xa * xb;
                }
            }
        }
        for k in (0..m).filter(|&k| k != N) {
            let l2 = if k < N { penalty.l2 } else { penalty.concept_l2 };
            grad[k] += l2 * theta[k];
            hess[k][k] += l2;
        }
        let step = solve(hess, grad);
        let mut largest: f64 = 0.0;
        for k in 0..m {
            theta[k] -= step[k];
            largest = largest.max(step[k].abs());
        }
        if largest < 1e-10 {
            break;
        }
    }
    let mut r = Ranker {
        mean,
        scale,
        weights: std::array::from_fn(|k| theta[k]),
        bias: theta[N],
        concepts: ids.iter().enumerate().map(|(j, id)| (id.to_string(), theta[N + 1 + j])).collect(),
        threshold: 0.5,
        notes: Vec::new(),
    };
    let probs: Vec<f64> = examples.iter().map(|e| r.probability(&e.x, &e.concept)).collect();
    let gold_total = examples.iter().filter(|e| e.gold).count() + missed;
    let f1_at = |t: f64| {
        let tp = examples
            .iter()
            .zip(&probs)
            .filter(|(e, &p)| p >= t && e.gold)
            .count() as f64;
        let fp = examples
            .iter()
            .zip(&probs)
            .filter(|(e, &p)| p >= t && !e.gold)
            .count() as f64;
        if tp == 0.0 {
            0.0
        } else {
            2.0 * tp / (2.0 * tp + fp + (gold_total as f64 - tp))
        }
    };
    // Thresholds 0.20..0.80; ties go to the one nearest 0.5.
    let mut best = (f64::MIN, 0.5);
    for i in 20..=80 {
        let t = i as f64 / 100.0;
        let f = f1_at(t);
        if f > best.0 + 1e-12
            || ((f - best.0).abs() <= 1e-12 && (t - 0.5).abs() < (best.1 - 0.5f64).abs())
        {
            best = (f, t);
        }
    }
    r.threshold = best.1;
    r
}

/// A core candidate of a gold paper: its concept (ontology index and id), features, whether
/// the gold standard has it, and, for one the ranker does not decide, the decision made
/// without it.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldCandidate {
    pub concept: usize,
    pub id: String,
    pub x: Features,
    pub gold: bool,
    pub fixed: Option<bool>,
}

/// One gold paper's core candidates, and how many of its gold concepts had no candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldPaper {
    pub candidates: Vec<GoldCandidate>,
    pub missed: usize,
}

impl GoldPaper {
    /// The concepts a ranker keeps.
    pub fn kept(&self, r: &Ranker) -> Vec<usize> {
        self.candidates
            .iter()
            .filter(|c| {
                c.fixed
                    .unwrap_or_else(|| r.probability(&c.x, &c.id) >= r.threshold)
            })
            .map(|c| c.concept)
            .collect()
    }
}

/// Train on every paper: the ranker's examples are the candidates it decides; the gold
/// concepts among the others that the threshold does not keep count as missed (those it keeps
/// are left out of the choice of the ranker's threshold).
pub fn train_on(papers: &[&GoldPaper], penalty: Penalty) -> Ranker {
    let all = papers.iter().flat_map(|p| p.candidates.iter());
    let examples: Vec<Example> = all
        .clone()
        .filter(|c| c.fixed.is_none())
        .map(|c| Example {
            x: c.x,
            concept: c.id.clone(),
            gold: c.gold,
        })
        .collect();
    let missed = papers.iter().map(|p| p.missed).sum::<usize>()
        + all.filter(|c| c.gold && c.fixed == Some(false)).count();
    train(&examples, missed, penalty)
}

/// The papers with their `neighbours` feature filled from `memory`, whose paper `i` is
/// `papers[i]`: each paper's votes come from the papers `allowed` lets vote, never itself.
pub fn with_votes(papers: &[GoldPaper], memory: &Neighbours, allowed: impl Fn(usize) -> bool + Sync) -> Vec<GoldPaper> {
    use rayon::prelude::*;
    assert_eq!(papers.len(), memory.len(), "the memory holds the gold papers, in order");
    papers
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let votes = memory.member_votes(i, &allowed);
            let mut p = p.clone();
            for c in &mut p.candidates {
                c.x[NEIGHBOURS] = memory.concepts().binary_search(&c.id).map_or(0.0, |s| votes[s]);
            }
            p
        })
        .collect()
}

/// What [`cross_validate`] gives back.
pub struct CrossValidated {
    /// Per paper, the concepts kept.
    pub kept: Vec<Vec<usize>>,
    /// Per paper, its candidates as its fold's ranker saw them (votes from the other folds).
    pub tested: Vec<GoldPaper>,
    /// The folds used (the number asked for, at least 2 and at most one per paper): paper `i`
    /// is in fold `i % folds`.
    pub folds: usize,
}

/// k-fold cross-validation: paper `i` is in fold `i % folds`; each fold's papers are decided
/// by a ranker trained on the other folds. With a `memory` of the same papers, a fold's
/// `neighbours` votes come from the other folds' papers only.
pub fn cross_validate(papers: &[GoldPaper], folds: usize, penalty: Penalty, memory: Option<&Neighbours>) -> CrossValidated {
    let folds = folds.clamp(2, papers.len().max(2));
    let mut kept = vec![Vec::new(); papers.len()];
    let mut tested = vec![None; papers.len()];
    for f in 0..folds {
        let filled = memory.map(|m| with_votes(papers, m, |j| j % folds != f));
        let papers = filled.as_deref().unwrap_or(papers);
        let train: Vec<&GoldPaper> = papers
            .iter()
            .enumerate()
            .filter(|(i, _)| i % folds != f)
            .map(|(_, p)| p)
            .collect();
        let r = train_on(&train, penalty);
        for (i, p) in papers.iter().enumerate().filter(|(i, _)| i % folds == f) {
            kept[i] = p.kept(&r);
            tested[i] = Some(p.clone());
        }
    }
    // Every paper is in exactly one fold.
    CrossValidated { kept, tested: tested.into_iter().flatten().collect(), folds }
}

/// Solve `a x = b` by Gaussian elimination with partial pivoting (`a` is positive definite
/// here: the Hessian plus the L2 term).
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let m = b.len();
    for col in 0..m {
        let pivot = (col..m)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap_or(col);
        a.swap(col, pivot);
        b.swap(col, pivot);
        let d = a[col][col];
        if d.abs() < 1e-300 {
            continue;
        }
        for row in col + 1..m {
            let f = a[row][col] / d;
            if f != 0.0 {
                for k in col..m {
                    let v = a[col][k];
                    a[row][k] -= f * v;
                }
                b[row] -= f * b[col];
            }
        }
    }
    let mut x = vec![0.0; m];
    for row in (0..m).rev() {
        let s: f64 = (row + 1..m).map(|k| a[row][k] * x[k]).sum();
        x[row] = if a[row][row].abs() < 1e-300 {
            0.0
        } else {
            (b[row] - s) / a[row][row]
        };
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(score: f64, title: f64, gold: bool) -> Example {
        let mut x = [0.0; N];
        x[0] = score;
        x[3] = title;
        Example { x, concept: "c".to_string(), gold }
    }

    #[test]
    fn the_bundled_models_parse_and_round_trip() {
        for r in [Ranker::bundled(), Ranker::bundled_semantic()] {
            assert_eq!(Ranker::parse(&r.to_tsv()).unwrap(), r);
            assert!((0.2..=0.8).contains(&r.threshold));
            assert!(r.weights[0] > 0.0, "a higher score makes a main subject more likely");
            assert!(r.concepts.len() >= 40 && r.offset("reasoning") < 0.0, "per-concept offsets: {:?}", r.concepts);
        }
        let semantic = FEATURES.iter().position(|f| *f == "semantic").unwrap();
        assert_eq!(Ranker::bundled().weights[semantic], 0.0, "trained without semantic linking");
        assert!(Ranker::bundled_semantic().weights[semantic] > 0.0, "a closer sentence makes a main subject more likely");
        assert_eq!(FEATURES[NEIGHBOURS], "neighbours");
        for r in [Ranker::bundled(), Ranker::bundled_semantic()] {
            assert!(r.weights[NEIGHBOURS] > 0.0, "annotated neighbours with the concept make it more likely");
        }
    }

    #[test]
    fn a_model_file_from_before_the_neighbours_feature_reads_with_weight_0() {
        let old: String = Ranker::bundled().to_tsv().lines().filter(|l| !l.starts_with("neighbours\t")).map(|l| format!("{l}\n")).collect();
        let r = Ranker::parse(&old).unwrap();
        assert_eq!((r.weights[NEIGHBOURS], r.scale[NEIGHBOURS]), (0.0, 1.0));
    }

    #[test]
    fn votes_are_filled_from_the_allowed_papers_only() {
        use crate::link::neighbours::Exemplar;
        let terms = |t: &[&str]| t.iter().map(|w| (w.to_string(), 1)).collect::<Vec<_>>();
        let memory = Neighbours::build(vec![
            Exemplar { id: "p0".into(), concepts: vec![], terms: terms(&["kv", "cache", "eviction"]) },
            Exemplar { id: "p1".into(), concepts: vec!["kv-cache".into()], terms: terms(&["kv", "cache", "quantization"]) },
            Exemplar { id: "p2".into(), concepts: vec!["quantization".into()], terms: terms(&["eviction", "quantization"]) },
        ]);
        let candidate = |id: &str| GoldCandidate { concept: 0, id: id.to_string(), x: [0.0; N], gold: false, fixed: None };
        let papers: Vec<GoldPaper> = (0..3).map(|_| GoldPaper { candidates: vec![candidate("kv-cache"), candidate("unseen")], missed: 0 }).collect();
        let all = with_votes(&papers, &memory, |_| true);
        // p0's nearest other papers are p1 (kv, cache) and p2 (eviction): a share for kv-cache.
        let v = all[0].candidates[0].x[NEIGHBOURS];
        assert!(v > 0.5 && v < 1.0, "{v}");
        assert_eq!(all[0].candidates[1].x[NEIGHBOURS], 0.0, "a concept no annotated paper has");
        // p1 never votes for itself; with p1 left out (another fold), kv-cache has no vote.
        assert_eq!(all[1].candidates[0].x[NEIGHBOURS], 0.0);
        let fold = with_votes(&papers, &memory, |j| j != 1);
        assert_eq!(fold[0].candidates[0].x[NEIGHBOURS], 0.0);
    }

    #[test]
    fn bad_model_files_say_what_is_wrong() {
        let good = Ranker::bundled().to_tsv();
        assert!(Ranker::parse(&good.replace("\ndepth\t", "\ndepht\t"))
            .unwrap_err()
            .contains("unknown feature \"depht\""));
        let missing: String = good
            .lines()
            .filter(|l| !l.starts_with("branch\t"))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(
            Ranker::parse(&missing).unwrap_err(),
            "feature \"branch\" is missing"
        );
        assert!(Ranker::parse(&good.replace("threshold\t", "threshold\tx"))
            .unwrap_err()
            .contains("is not a number"));
    }

    #[test]
    fn training_separates_what_the_features_separate() {
        // Main subjects: high score or in the title; passing ones: neither.
        let mut ex = Vec::new();
        for i in 0..40 {
            let s = 0.3 + 0.015 * i as f64;
            ex.push(example(s, (i % 3 == 0) as u8 as f64, s > 0.7 || i % 3 == 0));
        }
        let penalty = Penalty { l2: 0.1, concept_l2: f64::INFINITY };
        let r = train(&ex, 0, penalty);
        let right = ex
            .iter()
            .filter(|e| (r.probability(&e.x, &e.concept) >= r.threshold) == e.gold)
            .count();
        assert!(right >= 38, "{right} of 40 right");
        assert!(r.weights[0] > 0.0 && r.weights[3] > 0.0);
        assert!(r.concepts.is_empty());
        assert_eq!(train(&ex, 0, penalty), r, "deterministic");
    }

    #[test]
    fn a_concept_given_on_weaker_evidence_gets_a_positive_offset() {
        // Two concepts with the same evidence; the annotators give "broad" from a score of
        // 0.4, "strict" only from 0.6. Without offsets the model cannot tell them apart.
        let mut ex = Vec::new();
        for i in 0..60 {
            let s = 0.2 + 0.01 * i as f64;
            for (concept, from) in [("broad", 0.4), ("strict", 0.6)] {
                ex.push(Example { concept: concept.to_string(), ..example(s, 0.0, s >= from) });
            }
        }
        let r = train(&ex, 0, Penalty { l2: 0.1, concept_l2: 0.1 });
        assert!(r.offset("broad") > 0.5 && r.offset("strict") < -0.5, "{:?}", r.concepts);
        assert_eq!(r.offset("unseen"), 0.0);
        let right = |r: &Ranker| ex.iter().filter(|e| (r.probability(&e.x, &e.concept) >= r.threshold) == e.gold).count();
        let without = train(&ex, 0, Penalty { l2: 0.1, concept_l2: f64::INFINITY });
        assert!(right(&r) > right(&without) + 10, "{} against {}", right(&r), right(&without));
        assert_eq!(Ranker::parse(&r.to_tsv()).unwrap().to_tsv(), r.to_tsv(), "offsets round-trip");
    }

    #[test]
    fn solves_a_linear_system() {
        let x = solve(vec![vec![4.0, 1.0], vec![1.0, 3.0]], vec![1.0, 2.0]);
        assert!((x[0] - 1.0 / 11.0).abs() < 1e-12 && (x[1] - 7.0 / 11.0).abs() < 1e-12);
    }
}
