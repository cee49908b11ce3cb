//! The words that type and delimit names: head nouns ("X benchmark", "a system named X"),
//! the verbs of a paper introducing its own artifact, and the generic words that are never
//! names (units, hardware, field acronyms, organisations, languages, sentence starters).

use super::EntityType;
use crate::text::stem;
use rustc_hash::{FxHashMap, FxHashSet as HashSet};

/// Head nouns and the type they give the name they belong to. Per the annotation guideline,
/// the paper's own wording decides: "system", "framework", "library" -> software; "method",
/// "technique", "algorithm", "architecture" -> method; "model" -> model.
const HEADS: &[(EntityType, &[&str])] = &[
    (
        EntityType::Software,
        &[
            "system", "framework", "library", "toolkit", "tool", "toolbox", "toolchain", "platform", "engine", "package", "codebase", "compiler", "service", "simulator",
            "runtime", "supercomputer", "software", "plugin", "database", "scheduler", "middleware", "infrastructure", "assistant", "app", "website", "forum", "hub", "product",
        ],
    ),
    (
        EntityType::Dataset,
        &["dataset", "benchmark", "corpus", "corpora", "suite", "testbed", "datastore", "leaderboard", "collection", "bank", "treebank", "workload", "environment", "arena", "evaluation set", "test set"],
    ),
    (
        EntityType::Model,
        &[
            "model", "llm", "lm", "vlm", "lvlm", "mllm", "lmm", "slm", "agent", "tokenizer", "encoder", "decoder", "classifier", "detector", "chatbot", "generator", "family", "series",
            "checkpoint", "backbone", "retriever", "reranker", "embedder", "network", "transformer", "predictor", "policy model", "reward model", "foundation model", "language model",
        ],
    ),
    (
        EntityType::Method,
        &[
            "method", "approach", "technique", "algorithm", "strategy", "mechanism", "recipe", "architecture", "objective", "loss", "procedure", "pipeline", "scheme", "paradigm",
            "optimizer", "estimator", "regularizer", "attack", "defense", "heuristic", "protocol", "prompting", "parallelism", "router", "module", "layer", "formulation", "solver",
        ],
    ),
    (EntityType::Metric, &["metric", "measure", "score"]),
];

/// First-person verbs of introduction: "we propose X", "this paper introduces X".
const INTRO_VERBS: &[&str] = &[
    "propose", "present", "introduce", "develop", "release", "build", "create", "construct", "design", "curate", "contribute", "unveil", "open-source", "devise",
];

/// Words after which the next name is the name of what precedes: "a system named X".
const NAMING: &[&str] = &["named", "called", "dubbed", "termed", "coined", "namely", "denoted", "nicknamed"];

/// Subjects that make an introduction verb the paper's own.
const OWN: &[&str] = &["we", "paper", "work", "study", "article", "here", "this", "authors", "report", "our"];

/// Words that, before "on", make what follows the data something was measured on.
const EVAL: &[&str] = &[
    "evaluate", "evaluation", "test", "benchmark", "experiment", "result", "performance", "accuracy", "achieve", "outperform", "train", "pretrain", "pre-train", "fine-tune",
    "finetune", "score", "improvement", "gain", "state-of-the-art", "sota", "validate", "surpass", "measure", "assess", "study", "analysis",
];

/// Never a name on their own: the field's generic acronyms and words, units, organisations,
/// programming and natural languages, and capitalised words that start sentences.
const GENERIC: &[&str] = &[
    // generic acronyms of the field
    "ai", "agi", "ml", "dl", "nlp", "nlu", "nlg", "cv", "rl", "llm", "llms", "lm", "lms", "slm", "slms", "vlm", "vlms", "lvlm", "lvlms", "mllm", "mllms", "lmm", "lmms", "api", "apis", "sota",
    "qa", "vqa", "ood", "id", "iid", "i/o", "io", "gpu", "gpus", "cpu", "cpus", "tpu", "tpus", "npu", "npus", "ram", "hbm", "dram", "sram", "ssd", "nvme", "flop", "flops",
    "tflops", "pflops", "mlp", "mlps", "cnn", "cnns", "rnn", "rnns", "gnn", "gnns", "gan", "gans", "vae", "vaes", "sql", "json", "html", "xml", "csv", "tsv", "pdf", "url",
    "urls", "http", "https", "usd", "gb", "tb", "mb", "kb", "ghz", "fps", "slo", "slos", "sla", "qos", "kv", "moe", "moes", "rag", "sft", "peft", "rlhf", "dbms", "dba",
    "dbas", "hpc", "asic", "fpga", "soc", "iot", "ar", "vr", "xr", "ui", "ux", "os", "ner", "pos", "asr", "tts", "ocr", "mt", "nmt", "ir", "ie", "kg", "kgs", "fl",
    "nas", "dnn", "dnns", "cot", "icl", "ppo", "dp", "tp", "pp", "ep", "sp", "e2e", "t2i", "t2v", "i2v", "ti2v", "v2v", "3d", "2d", "1d", "4d", "rgb", "rgbd", "lidar",
    "gpt", "bert", "transformer", "transformers", "llama", "api", "cuda", "gpu-hours", "tokens", "token", "ms", "sec", "dof", "mdp", "pomdp", "ode", "odes", "pde", "pdes",
    "sgd", "ci", "cd", "ide", "ides", "cli", "gui", "sdk", "eos", "bos", "fp8", "fp16", "fp32", "bf16", "int8", "int4", "fp4", "ucb", "ppl", "mcq", "tl", "dr", "etc",
    "et", "al", "ie", "eg", "vs", "viz", "wrt", "w.r.t", "aka", "nb", "ok", "mllm", "rlvr", "prm", "orm", "rm", "kl", "mle", "map", "em",
    // generic architecture parts and model classes written as names
    "feed-forward network", "feedforward network", "feed-forward-network", "multi-layer perceptron", "multilayer perceptron", "neural network", "neural networks",
    "convolutional neural network", "recurrent neural network", "graph neural network", "large language model", "large language models", "language model",
    "vision transformer", "vision language model", "vision-language model", "diffusion model", "diffusion models", "mixture-of-experts", "mixture of experts",
    // organisations, places, languages
    "openai", "google", "deepmind", "meta", "facebook", "microsoft", "apple", "amazon", "aws", "nvidia", "amd", "intel", "ibm", "anthropic", "alibaba", "baidu", "bytedance",
    "tencent", "huawei", "samsung", "qualcomm", "arm", "mistral-ai", "cohere", "stanford", "mit", "berkeley", "cmu", "tsinghua", "eth", "epfl", "oxford", "cambridge",
    "english", "chinese", "french", "german", "spanish", "japanese", "korean", "arabic", "hindi", "russian", "python", "java", "javascript", "typescript", "c", "c++", "c#",
    "rust", "go", "golang", "ruby", "php", "scala", "kotlin", "swift", "haskell", "julia", "fortran", "verilog", "bash", "latex", "markdown", "yaml", "europe", "china",
    "usa", "us", "uk", "eu", "africa", "asia", "india", "america",
];

/// Capitalised words that begin sentences or titles and name nothing.
const CAP_STOP: &[&str] = &[
    "a", "an", "the", "we", "our", "ours", "us", "this", "these", "those", "that", "it", "its", "they", "their", "in", "on", "for", "with", "to", "of", "by", "from", "at",
    "as", "and", "or", "but", "however", "moreover", "furthermore", "additionally", "finally", "first", "second", "third", "firstly", "secondly", "lastly", "notably",
    "specifically", "besides", "further", "also", "then", "thus", "hence", "therefore", "overall", "here", "there", "recent", "recently", "existing", "current",
    "currently", "while", "although", "though", "despite", "unlike", "since", "because", "when", "where", "which", "what", "how", "why", "who", "all", "each", "both",
    "many", "most", "some", "such", "based", "using", "given", "extensive", "experimental", "experiments", "results", "result", "code", "data", "large", "small",
    "new", "novel", "to", "if", "can", "do", "does", "is", "are", "be", "not", "no", "yes", "one", "two", "three", "four", "five", "via", "towards", "toward", "beyond",
    "through", "over", "under", "into", "between", "among", "across", "after", "before", "during", "without", "within", "about", "against", "learning", "model",
    "models", "language", "languages", "large-scale", "inspired", "motivated", "evaluation", "comprehensive", "efficient", "scalable", "simple", "effective",
    "table", "figure", "section", "appendix", "equation", "theorem", "lemma", "definition", "proposition", "corollary", "algorithm", "step", "stage", "phase", "part",
    "i", "ii", "iii", "iv", "v", "vi", "extensive", "empirical", "empirically", "theoretical", "theoretically", "importantly", "interestingly", "surprisingly", "similarly",
    "consequently", "accordingly", "meanwhile", "nevertheless", "nonetheless", "instead", "rather", "yet", "still", "even", "only", "just", "more", "less", "other",
    "another", "every", "any", "few", "several", "various", "different", "same", "previous", "prior", "traditional", "conventional", "standard", "typical", "modern",
    "state-of-the-art", "open-source", "proprietary", "closed-source", "deep", "neural", "machine", "artificial", "intelligence", "research", "paper", "work", "study",
    "approach", "method", "methods", "framework", "system", "systems", "benchmark", "benchmarks", "dataset", "datasets", "task", "tasks", "training", "inference",
    "scaling", "laws", "law", "towards", "toward", "unified", "general", "generalized", "improving", "improved", "enhancing", "enabling", "learning-based", "abstract",
    "introduction", "conclusion", "conclusions", "background", "related", "method", "discussion", "limitations", "acknowledgements", "note", "notes", "equal", "contribution",
    "case", "cases", "example", "examples", "evaluating", "understanding", "rethinking", "revisiting", "exploring", "investigating", "analyzing", "analysing", "measuring",
    "leveraging", "learning", "building", "making", "generating", "training", "scaling", "boosting", "unlocking", "unleashing", "bridging", "beating", "breaking",
    "fine-tuning", "pre-training", "pretraining", "post-training", "instruction", "reasoning", "generation", "retrieval", "agents", "agent", "vision", "video", "image",
    "images", "text", "speech", "audio", "graph", "graphs", "time", "series", "real-world", "open", "closed", "human", "humans", "user", "users", "online", "offline",
    "multi-modal", "multimodal", "cross-modal", "zero-shot", "few-shot", "one-shot", "self-supervised", "supervised", "unsupervised", "reinforcement", "distributed",
    "parallel", "federated", "sparse", "dense", "low-rank", "high-quality", "long-context", "long", "short", "fast", "faster", "better", "best", "optimal", "robust",
    "reliable", "safe", "secure", "private", "fair", "accurate", "lightweight", "practical", "automatic", "automated", "adaptive", "dynamic", "static", "hierarchical",
    "foundation", "foundational", "pre-trained", "pretrained", "fine-tuned", "finetuned", "vs", "versus", "part", "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december", "monday", "sunday", "north", "south", "east", "west", "et", "al", "fig", "eq", "sec", "tab", "ref",
];

/// Words looked up by stem, with a cheap first test: the first two letters of every word
/// and stem it holds, so that most words of a text are turned away without being stemmed.
struct StemTable<T> {
    by_stem: FxHashMap<String, T>,
    /// Bit `a << 8 | b` is set when some entry starts with the lower-case ASCII bytes `a b`.
    starts: Vec<u64>,
}

/// The first-two-bytes key of a word; `None` when the test cannot decide (short or
/// non-ASCII words, apostrophes), and the word is stemmed.
fn start_key(word: &str) -> Option<usize> {
    match word.as_bytes() {
        [a, b, ..] if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() => Some(usize::from(a.to_ascii_lowercase()) << 8 | usize::from(b.to_ascii_lowercase())),
        _ => None,
    }
}

impl<T: Copy> StemTable<T> {
    fn new(words: impl IntoIterator<Item = (String, T)>) -> StemTable<T> {
        let mut t = StemTable { by_stem: FxHashMap::default(), starts: vec![0; 1024] };
        for (word, value) in words {
            for key in [start_key(&word), start_key(&stem_phrase(&word))].into_iter().flatten() {
                t.starts[key / 64] |= 1 << (key % 64);
            }
            t.by_stem.insert(stem_phrase(&word), value);
        }
        t
    }

    fn may_hold(&self, word: &str) -> bool {
        start_key(word).is_none_or(|k| self.starts[k / 64] & (1 << (k % 64)) != 0)
    }

    /// The value of a word, by its stem (`stemmed`, when the caller has it already).
    fn get_stemmed(&self, word: &str, stemmed: Option<&str>) -> Option<T> {
        if !self.may_hold(word) {
            return None;
        }
        match stemmed {
            Some(s) => self.by_stem.get(s).copied(),
            None => self.by_stem.get(stem(word).as_str()).copied(),
        }
    }
}

/// The lexicon, with words keyed by their matching stems.
pub struct Lexicon {
    heads: StemTable<EntityType>,
    intro: StemTable<()>,
    naming: HashSet<&'static str>,
    own: HashSet<&'static str>,
    eval: StemTable<()>,
    generic: HashSet<&'static str>,
    cap_stop: HashSet<&'static str>,
}

impl Default for Lexicon {
    fn default() -> Self {
        let heads = HEADS.iter().flat_map(|(t, words)| words.iter().map(move |w| (w.to_string(), *t)));
        Lexicon {
            heads: StemTable::new(heads),
            intro: StemTable::new(INTRO_VERBS.iter().map(|w| (w.to_string(), ()))),
            naming: NAMING.iter().copied().collect(),
            own: OWN.iter().copied().collect(),
            eval: StemTable::new(EVAL.iter().map(|w| (w.to_string(), ()))),
            generic: GENERIC.iter().copied().collect(),
            cap_stop: CAP_STOP.iter().copied().collect(),
        }
    }
}

fn stem_phrase(p: &str) -> String {
    p.split(' ').map(stem).collect::<Vec<_>>().join(" ")
}

impl Lexicon {
    /// The type a head noun gives (`benchmarks` -> dataset, `LLM` -> model).
    pub fn head(&self, word: &str) -> Option<EntityType> {
        self.head_stemmed(word, None)
    }
    /// [`Lexicon::head`] with the word's stem (`crate::text::stem`) when known.
    pub fn head_stemmed(&self, word: &str, stemmed: Option<&str>) -> Option<EntityType> {
        // Nouns only: "benchmarked", "modeling" are verbs.
        if word.ends_with("ed") || word.ends_with("ing") {
            return None;
        }
        self.heads.get_stemmed(word, stemmed)
    }
    /// A two-word head ("reward model", "test set").
    pub fn head2(&self, a: &str, b: &str) -> Option<EntityType> {
        if !self.heads.may_hold(a) {
            return None;
        }
        self.heads.by_stem.get(&format!("{} {}", stem(a), stem(b))).copied()
    }
    pub fn is_intro_verb(&self, word: &str) -> bool {
        self.is_intro_verb_stemmed(word, None)
    }
    /// [`Lexicon::is_intro_verb`] with the word's stem when known.
    pub fn is_intro_verb_stemmed(&self, word: &str, stemmed: Option<&str>) -> bool {
        word.chars().next().is_some_and(char::is_lowercase) && self.intro.get_stemmed(word, stemmed).is_some()
    }
    pub fn is_naming(&self, word: &str) -> bool {
        self.naming.contains(word)
    }
    pub fn is_own(&self, word: &str) -> bool {
        with_lower(word, |w| self.own.contains(w))
    }
    pub fn is_eval(&self, word: &str) -> bool {
        self.is_eval_stemmed(word, None)
    }
    /// [`Lexicon::is_eval`] with the word's stem when known.
    pub fn is_eval_stemmed(&self, word: &str, stemmed: Option<&str>) -> bool {
        self.eval.get_stemmed(word, stemmed).is_some()
    }
    /// Generic by its lower-case form (acronyms of the field, units, organisations ...).
    pub fn is_generic(&self, lower: &str) -> bool {
        self.generic.contains(lower)
    }
    /// A capitalised word that starts sentences and names nothing.
    pub fn is_cap_stop(&self, word: &str) -> bool {
        with_lower(word, |w| self.cap_stop.contains(w))
    }
}

/// `f` of the word in lower case; short ASCII words (nearly all) without an allocation.
fn with_lower<R>(word: &str, f: impl FnOnce(&str) -> R) -> R {
    let mut buf = [0u8; 32];
    if word.is_ascii() && word.len() <= buf.len() {
        let b = &mut buf[..word.len()];
        b.copy_from_slice(word.as_bytes());
        b.make_ascii_lowercase();
        f(std::str::from_utf8(b).expect("ASCII"))
    } else {
        f(&word.to_lowercase())
    }
}

/// Accelerators and chips (`A100`, `H800`, `V100s`, `MI250X`, `TPUv4`, `RTX`): hardware is
/// not one of the entity types.
pub fn is_hardware(word: &str) -> bool {
    let w = word.trim_end_matches('s');
    let b = w.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    let digits = b[letters..].iter().take_while(|c| c.is_ascii_digit()).count();
    let rest = &b[letters + digits..];
    (1..=2).contains(&letters) && (2..=4).contains(&digits) && (rest.is_empty() || rest == b"X" || rest == b"S")
        || w.starts_with("TPUv")
        || w.starts_with("RTX")
        || w.starts_with("GTX")
}

/// Conference and journal names, with or without a year (`CVPR2025`, `NeurIPS 2024`).
pub fn is_venue(text: &str) -> bool {
    const VENUES: &[&str] = &[
        "cvpr", "iccv", "eccv", "neurips", "nips", "icml", "iclr", "acl", "emnlp", "naacl", "eacl", "coling", "aaai", "ijcai", "kdd", "www", "sigir", "sigmod", "vldb", "icra",
        "iros", "corl", "rss", "miccai", "interspeech", "icassp", "wacv", "bmvc", "tpami", "jmlr", "tmlr", "arxiv", "osdi", "sosp", "nsdi", "eurosys", "asplos", "isca", "micro",
    ];
    if text.is_ascii() {
        // The same test without building strings: most names are ASCII.
        let n = text.bytes().take_while(u8::is_ascii_alphabetic).count();
        let mut rest = text[n..].bytes().filter(|&b| !char::from(b).is_whitespace() && b != b'-' && b != b'\'').peekable();
        return VENUES.iter().any(|v| v.eq_ignore_ascii_case(&text[..n])) && rest.peek().is_some() && rest.all(|b| b.is_ascii_digit());
    }
    let letters: String = text.chars().take_while(|c| c.is_alphabetic()).collect::<String>().to_lowercase();
    let rest: String = text.chars().skip_while(|c| c.is_alphabetic()).filter(|c| !c.is_whitespace() && *c != '-' && *c != '\'').collect();
    VENUES.contains(&letters.as_str()) && !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn venues_with_a_year_are_no_names() {
        for t in ["NeurIPS 2024", "ICML-2023", "CVPR'24", "iclr2025", "NeurIPS\u{a0}2024"] {
            assert!(is_venue(t), "{t}");
        }
        for t in ["NeurIPS", "NeurIPSx 2024", "ICML 2023b", "CVPR ’24", "Llama 3", "ÉCCV 2024"] {
            assert!(!is_venue(t), "{t}");
        }
    }

    #[test]
    fn heads_type_names_by_the_papers_wording() {
        let l = Lexicon::default();
        assert_eq!(l.head("benchmarks"), Some(EntityType::Dataset));
        assert_eq!(l.head("framework"), Some(EntityType::Software));
        assert_eq!(l.head("LLMs"), Some(EntityType::Model));
        assert_eq!(l.head("strategies"), Some(EntityType::Method));
        assert_eq!(l.head("score"), Some(EntityType::Metric));
        assert_eq!(l.head2("test", "sets"), Some(EntityType::Dataset));
        assert_eq!(l.head("results"), None);
        assert!(l.is_intro_verb("proposes") && l.is_intro_verb("introduced") && !l.is_intro_verb("Present"));
        assert!(l.is_eval("evaluated") && l.is_eval("outperforms"));
        // The extractor passes the stems its words already have: the same answers.
        for w in ["benchmarks", "framework", "LLMs", "results", "proposes", "introduced", "Present", "evaluated", "outperforms", "cats"] {
            let s = stem(w);
            assert_eq!(l.head_stemmed(w, Some(&s)), l.head(w), "{w}");
            assert_eq!(l.is_intro_verb_stemmed(w, Some(&s)), l.is_intro_verb(w), "{w}");
            assert_eq!(l.is_eval_stemmed(w, Some(&s)), l.is_eval(w), "{w}");
        }
    }

    #[test]
    fn hardware_is_not_a_name() {
        for h in ["A100", "H100s", "V100", "H800", "MI250X", "TPUv4", "L40S"] {
            assert!(is_hardware(h), "{h}");
        }
        for n in ["T5", "C4", "GPT-4", "Recipe1M", "YouCook2", "CO2", "GSM8K"] {
            assert!(!is_hardware(n), "{n}");
        }
    }
}
