//! KeyBERT-style keyphrases: the statistical extractor's candidates, re-ranked by how close
//! each is to the whole paper in a sentence-embedding space, and chosen with Maximal
//! Marginal Relevance so that the list is not ten variants of one phrase.
//!
//! KeyBERT (Grootendorst, 2020) embeds the document and every n-gram and keeps the n-grams
//! closest to the document; MMR (Carbonell and Goldstein, 1998) picks, one at a time, the
//! candidate maximising `(1 - diversity) * sim(doc, c) - diversity * max sim(c, chosen)`. The
//! candidates here are the noun-phrase-like ones of [`super::KeyphraseExtractor`] (a pool of
//! [`KeyBertConfig::pool`] best by TF-IDF), not every n-gram: fewer to embed, and no
//! "propose a" fragments.

use super::Keyphrase;
use crate::embed::{dot, EmbedError, Embedder};
use crate::link::document::{Document, Field};

/// Settings of the re-ranker.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyBertConfig {
    /// Statistical candidates embedded per paper.
    pub pool: usize,
    /// MMR's diversity: 0 ranks by similarity to the paper alone.
    pub diversity: f32,
}

impl Default for KeyBertConfig {
    fn default() -> Self {
        KeyBertConfig { pool: 30, diversity: 0.3 }
    }
}

/// The paper as one text: title and abstract.
fn paper_text(doc: &Document) -> String {
    let field = |f| doc.field(f).map(|x| x.text.as_str()).unwrap_or("");
    format!("{}. {}", field(Field::Title), field(Field::Abstract))
}

/// Choose `max` of `candidates` (best first by TF-IDF) by MMR over their embeddings; each
/// keeps its evidence, and its score becomes its cosine similarity to the paper.
pub fn rerank(doc: &Document, candidates: Vec<Keyphrase>, embedder: &dyn Embedder, max: usize, config: &KeyBertConfig) -> Result<Vec<Keyphrase>, EmbedError> {
    if candidates.is_empty() || max == 0 {
        return Ok(Vec::new());
    }
    let text = paper_text(doc);
    let mut texts: Vec<&str> = vec![text.as_str()];
    texts.extend(candidates.iter().map(|k| k.text.as_str()));
    let v = embedder.embed(&texts)?;
    let (paper, cands) = (&v[0], &v[1..]);
    let relevance: Vec<f32> = cands.iter().map(|c| dot(paper, c)).collect();
    let mut chosen: Vec<usize> = Vec::with_capacity(max);
    let mut left: Vec<usize> = (0..candidates.len()).collect();
    while chosen.len() < max && !left.is_empty() {
        let mmr = |i: usize| {
            let redundancy = chosen.iter().map(|&j| dot(&cands[i], &cands[j])).fold(f32::MIN, f32::max);
            let redundancy = if chosen.is_empty() { 0.0 } else { redundancy };
            (1.0 - config.diversity) * relevance[i] - config.diversity * redundancy
        };
        // Ties go to the better statistical rank (the lower index): deterministic.
        let (pos, _) = left.iter().enumerate().map(|(p, &i)| (p, mmr(i))).fold((0, f32::MIN), |best, (p, s)| if s > best.1 { (p, s) } else { best });
        chosen.push(left.remove(pos));
    }
    let mut slots: Vec<Option<Keyphrase>> = candidates.into_iter().map(Some).collect();
    Ok(chosen
        .into_iter()
        .map(|i| {
            let mut k = slots[i].take().expect("chosen once");
            k.score = (relevance[i] as f64 * 10_000.0).round() / 10_000.0;
            k
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embed::HashingEmbedder;
    use crate::model::Paper;

    fn kp(text: &str) -> Keyphrase {
        Keyphrase { text: text.into(), score: 1.0, concept: None, field: Field::Abstract, start: 0, end: text.chars().count() }
    }

    #[test]
    fn mmr_prefers_phrases_close_to_the_paper_and_avoids_repeats() {
        let p = Paper { id: "p".into(), title: "KV cache compression".into(), abstract_text: "We compress the KV cache of long-context models by quantization of the cache.".into(), ..Default::default() };
        let doc = Document::new(&p);
        let e = HashingEmbedder::new(512);
        let cands = vec![kp("weather forecasting"), kp("KV cache compression"), kp("KV cache compression method"), kp("quantization")];
        let only_relevance = rerank(&doc, cands.clone(), &e, 4, &KeyBertConfig { pool: 30, diversity: 0.0 }).unwrap();
        assert_eq!(only_relevance[0].text, "KV cache compression");
        assert_eq!(only_relevance.last().unwrap().text, "weather forecasting");
        let diverse = rerank(&doc, cands, &e, 2, &KeyBertConfig { pool: 30, diversity: 0.7 }).unwrap();
        assert_eq!(diverse[0].text, "KV cache compression");
        assert_ne!(diverse[1].text, "KV cache compression method", "a near-duplicate of the first is not second");
        assert!(diverse.iter().all(|k| k.score <= 1.0));
    }
}
