//! Sentence embeddings with rust-bert 0.23 (libtorch), built with `--features neural`.
//!
//! [`BertEmbedder::load`] reads a sentence-transformers folder (all-MiniLM-L6-v2 as
//! `scripts/setup-neural.sh` installs it: `model.safetensors`, `config.json`, `vocab.txt`,
//! `modules.json`, `1_Pooling/config.json`, `sentence_bert_config.json`,
//! `tokenizer_config.json`) on the CPU. One thread owns the model (libtorch tensors are not
//! shared between threads); [`Embedder::embed`] sends it a batch and waits for the answer, so
//! any number of rayon workers may call it. libtorch parallelises each batch itself, and
//! rust-bert's tokenizer runs on a rayon pool of the model thread's own: on the global pool
//! it would wait for workers that are themselves waiting for the model thread.

use crate::embed::{check_model_dir, EmbedError, Embedder};
use rust_bert::pipelines::common::ModelType;
use rust_bert::pipelines::sentence_embeddings::{SentenceEmbeddingsConfig, SentenceEmbeddingsModel};
use rust_bert::resources::{LocalResource, ResourceProvider};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

type Reply = mpsc::Sender<Result<Vec<Vec<f32>>, EmbedError>>;

pub struct BertEmbedder {
    requests: mpsc::Sender<(Vec<String>, Reply)>,
    id: String,
    dim: usize,
}

/// Texts per forward pass: larger batches pad more, smaller ones pay more per call.
const BATCH: usize = 32;

fn local(dir: &Path, file: &str) -> Box<dyn ResourceProvider + Send> {
    Box::new(LocalResource { local_path: dir.join(file) })
}

fn config(dir: &Path) -> SentenceEmbeddingsConfig {
    SentenceEmbeddingsConfig {
        modules_config_resource: local(dir, "modules.json"),
        transformer_type: ModelType::Bert,
        transformer_config_resource: local(dir, "config.json"),
        transformer_weights_resource: local(dir, "model.safetensors"),
        pooling_config_resource: local(dir, "1_Pooling/config.json"),
        dense_config_resource: None,
        dense_weights_resource: None,
        sentence_bert_config_resource: local(dir, "sentence_bert_config.json"),
        tokenizer_config_resource: local(dir, "tokenizer_config.json"),
        tokenizer_vocab_resource: local(dir, "vocab.txt"),
        tokenizer_merges_resource: None,
        device: tch::Device::Cpu,
        kind: None,
    }
}

/// The model's id: the folder's name and a hash of its configuration and weights, so that
/// cached vectors of other weights are never reused.
fn model_id(dir: &Path) -> Result<String, EmbedError> {
    let mut h = Sha256::new();
    for f in ["config.json", "model.safetensors", "vocab.txt", "1_Pooling/config.json", "modules.json"] {
        let path = dir.join(f);
        let bytes = std::fs::read(&path).map_err(|e| EmbedError::MissingModel { dir: dir.to_path_buf(), why: format!("reading {f}: {e}") })?;
        h.update(&bytes);
    }
    let hex: String = h.finalize()[..6].iter().map(|b| format!("{b:02x}")).collect();
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "model".into());
    Ok(format!("bert:{name}@{hex}"))
}

impl BertEmbedder {
    /// Load the model in `dir` on its own thread.
    pub fn load(dir: &Path) -> Result<BertEmbedder, EmbedError> {
        check_model_dir(dir)?;
        let id = model_id(dir)?;
        let (requests, inbox) = mpsc::channel::<(Vec<String>, Reply)>();
        let (ready_tx, ready) = mpsc::channel::<Result<usize, EmbedError>>();
        let dir: PathBuf = dir.to_path_buf();

        std::thread::Builder::new()
            .name("topicgraph-bert".into())
            .spawn(move || {
                let pool = match rayon::ThreadPoolBuilder::new().num_threads(2).thread_name(|i| format!("topicgraph-bert-{i}")).build() {
                    Ok(p) => p,
                    Err(e) => {
                        let _ = ready_tx.send(Err(EmbedError::Model(format!("starting the model's thread pool: {e}"))));
                        return;
                    }
                };
                // The model lives and serves on a worker of its own pool, where the
                // tokenizer's parallel iterators run.
                pool.install(move || serve(&dir, inbox, ready_tx));
            })
            .map_err(|e| EmbedError::Model(format!("starting the model thread: {e}")))?;
        let dim = ready.recv().map_err(|_| EmbedError::Stopped)??;
        Ok(BertEmbedder { requests, id, dim })
    }
}

/// Load the model, say so on `ready`, then answer requests until every sender is gone.
fn serve(dir: &Path, inbox: mpsc::Receiver<(Vec<String>, Reply)>, ready: mpsc::Sender<Result<usize, EmbedError>>) {
    let model = match SentenceEmbeddingsModel::new(config(dir)) {
        Ok(m) => m,
        Err(e) => {
            let _ = ready.send(Err(EmbedError::Model(format!("loading {}: {e}", dir.display()))));
            return;
        }
    };
    let _ = ready.send(model.get_embedding_dim().map(|d| d as usize).map_err(|e| EmbedError::Model(e.to_string())));
    for (texts, reply) in inbox {
        // Batches of similar lengths: a batch is padded to its longest text, so a paper's
        // abstract batched with its short phrases would make each phrase cost an abstract.
        // The order depends on the request alone, so the same request gives the same bytes.
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| (texts[i].len(), i));
        let mut batches: Vec<&[usize]> = Vec::new();
        let mut rest = &order[..];
        while let Some(&first) = rest.first() {
            let limit = 2 * texts[first].len() + 32;
            let n = rest.iter().take(BATCH).take_while(|&&i| texts[i].len() <= limit).count().max(1);
            batches.push(&rest[..n]);
            rest = &rest[n..];
        }
        let mut out: Vec<Vec<f32>> = vec![Vec::new(); texts.len()];
        let mut result = Ok(());
        for chunk in batches {
            let batch: Vec<&str> = chunk.iter().map(|&i| texts[i].as_str()).collect();
            match model.encode(&batch) {
                Ok(v) => chunk.iter().zip(v).for_each(|(&i, e)| out[i] = e),
                Err(e) => {
                    result = Err(EmbedError::Model(e.to_string()));
                    break;
                }
            }
        }
        let _ = reply.send(result.map(|()| out));
    }
}

impl Embedder for BertEmbedder {
    fn id(&self) -> &str {
        &self.id
    }

    fn dim(&self) -> usize {
        self.dim
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let (reply, answer) = mpsc::channel();
        self.requests.send((texts.iter().map(|t| t.to_string()).collect(), reply)).map_err(|_| EmbedError::Stopped)?;
        answer.recv().map_err(|_| EmbedError::Stopped)?
    }
}
