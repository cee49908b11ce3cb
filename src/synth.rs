//! Synthetic corpora for scale benchmarks (`topicgraph bench corpus`): N papers made
//! deterministically from real ones. Entry point: [`generate`].
//!
//! The first papers are the real ones, as they are (so a benchmark on the first 266k papers
//! of a corpus made from the 266k arxiv-daily records is the real corpus). Each paper after
//! them recombines two real papers `a` and `b` of the same primary category: the first half
//! of `a`'s title with the second half of `b`'s, the abstract's sentences taken in turn
//! from `a` and `b`, `b`'s authors, `a`'s date and categories. Titles are kept unique (a
//! repeated title would be merged as a duplicate), ids are `synth-NNNNNNN`. The same input,
//! count and seed give the same bytes.

use crate::ingest::clean::normalize_title;
use crate::rng::SplitMix;
use crate::model::Paper;
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use std::hash::{Hash, Hasher};

/// Sentences of an abstract: split after `.`, `?` or `!` followed by a space and a capital
/// or digit (good enough to recombine; abbreviations such as "e.g. the" stay whole).
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    for i in 1..bytes.len().saturating_sub(1) {
        if matches!(bytes[i - 1], b'.' | b'?' | b'!') && bytes[i] == b' ' && (bytes[i + 1].is_ascii_uppercase() || bytes[i + 1].is_ascii_digit()) {
            out.push(text[start..i].trim());
            start = i + 1;
        }
    }
    if start < text.len() && !text[start..].trim().is_empty() {
        out.push(text[start..].trim());
    }
    out
}

fn title_key(title: &str) -> u64 {
    let mut h = FxHasher::default();
    normalize_title(title).hash(&mut h);
    h.finish()
}

/// Write `count` papers made from `real` to `sink`, in order. `real` must not be empty.
pub fn generate(real: &[Paper], count: u64, seed: u64, sink: &mut dyn FnMut(Paper) -> std::io::Result<()>) -> std::io::Result<()> {
    assert!(!real.is_empty(), "no papers to recombine");
    let mut titles: FxHashSet<u64> = FxHashSet::default();
    // Papers by primary category, so that recombined papers stay on one subject.
    let mut by_category: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (i, p) in real.iter().enumerate() {
        by_category.entry(p.categories.first().map_or("", String::as_str)).or_default().push(i);
        titles.insert(title_key(&p.title));
    }
    for i in 0..count {
        if let Some(p) = real.get(i as usize) {
            let mut p = p.clone();
            p.sources.clear();
            sink(p)?;
            continue;
        }
        let mut rng = SplitMix(seed ^ i.wrapping_mul(0xd1b5_4a32_d192_ed03));
        let a = &real[rng.below(real.len())];
        let peers = &by_category[a.categories.first().map_or("", String::as_str)];
        let mut paper = None;
        for attempt in 0..16 {
            let b = &real[peers[rng.below(peers.len())]];
            let mut title = recombine_title(&a.title, &b.title);
            if attempt >= 8 {
                title = format!("{title} ({})", attempt - 7);
            }
            if titles.insert(title_key(&title)) {
                paper = Some(recombine(a, b, title, i));
                break;
            }
        }
        // Sixteen draws that all repeat a title: keep the real title with a number.
        let p = paper.unwrap_or_else(|| recombine(a, a, format!("{} (synthetic {i})", a.title), i));
        sink(p)?;
    }
    Ok(())
}

/// The first half of `a`'s words and the second half of `b`'s.
fn recombine_title(a: &str, b: &str) -> String {
    let (wa, wb): (Vec<&str>, Vec<&str>) = (a.split_whitespace().collect(), b.split_whitespace().collect());
    let mut words: Vec<&str> = wa[..wa.len().div_ceil(2)].to_vec();
    words.extend_from_slice(&wb[wb.len() / 2..]);
    words.join(" ")
}

fn recombine(a: &Paper, b: &Paper, title: String, i: u64) -> Paper {
    let (sa, sb) = (sentences(&a.abstract_text), sentences(&b.abstract_text));
    let n = sa.len().max(1);
    let abstract_text: Vec<&str> = (0..n).filter_map(|k| if k % 2 == 1 { sb.get(k).or(sa.get(k)) } else { sa.get(k) }).copied().collect();
    Paper {
        id: format!("synth-{i:07}"),
        title,
        abstract_text: abstract_text.join(" "),
        authors: b.authors.clone(),
        published: a.published,
        updated: a.updated,
        categories: a.categories.clone(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Author, PartialDate};

    fn paper(id: &str, title: &str, abs: &str, cat: &str) -> Paper {
        Paper { id: id.into(), title: title.into(), abstract_text: abs.into(), categories: vec![cat.into()], authors: vec![Author::new(format!("Author of {id}"))], published: "2025-03-14".parse::<PartialDate>().ok(), ..Default::default() }
    }

    fn corpus() -> Vec<Paper> {
        vec![
            paper("1", "Sparse attention for long context models", "We study sparse attention. It scales to 1M tokens. Results improve.", "cs.CL"),
            paper("2", "Quantized KV caches for fast decoding", "KV caches dominate memory. We quantize them to 2 bits. Speed doubles.", "cs.CL"),
            paper("3", "Graph neural networks for molecules", "Molecules are graphs. We learn them.", "cs.LG"),
        ]
    }

    #[test]
    fn splits_sentences_but_not_inside_them() {
        assert_eq!(sentences("We do X, e.g. this one. Then Y? 3 more! end"), vec!["We do X, e.g. this one.", "Then Y?", "3 more! end"]);
    }

    #[test]
    fn real_papers_first_then_unique_recombinations_of_one_category() {
        let real = corpus();
        let mut out = Vec::new();
        generate(&real, 40, 7, &mut |p| {
            out.push(p);
            Ok(())
        })
        .unwrap();
        assert_eq!(out.len(), 40);
        assert_eq!(out[..3].iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["1", "2", "3"]);
        let titles: FxHashSet<String> = out.iter().map(|p| normalize_title(&p.title)).collect();
        assert_eq!(titles.len(), 40, "titles repeat");
        for p in &out[3..] {
            assert!(p.id.starts_with("synth-"));
            assert!(!p.abstract_text.is_empty() && !p.authors.is_empty() && p.published.is_some());
            // A cs.LG paper only meets the other cs.LG paper (itself): its sentences are its own.
            if p.categories == ["cs.LG"] {
                assert!(p.abstract_text.starts_with("Molecules are graphs."), "{}", p.abstract_text);
            }
        }
        let mut again = Vec::new();
        generate(&real, 40, 7, &mut |p| {
            again.push(p);
            Ok(())
        })
        .unwrap();
        assert_eq!(out, again, "not deterministic");
    }
}
