//! The scope matcher: weak evidence from the words of a concept's scope note (its SKOS
//! definition). A paper that never writes "food computing" but speaks of recipes,
//! ingredients and calories is near the concept whose scope note lists them. Each scope
//! word is weighted by how few scope notes use it (inverse document frequency over the
//! ontology), and a concept is proposed when the paper uses enough of its distinctive scope
//! words; the mention's strength says how much of the note the paper covers.

use crate::link::document::{Document, Field};
use crate::link::{Matcher, Mention, Rule};
use crate::ontology::Ontology;
use crate::text::{tokenize, words};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// Words of scope notes that name no topic.
const STOP: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "by", "from", "as", "at", "that", "which", "their", "its", "it", "is", "are", "be", "not", "no",
    "this", "these", "other", "such", "into", "over", "under", "between", "more", "less", "than", "e", "g", "i", "also", "see", "use", "using", "used", "model", "data", "method",
    "approach", "system", "task", "learn", "train", "languag", "larg", "neural", "network", "annot", "concept", "narrow", "work", "whose", "subject", "main", "where", "fit",
    "general", "specif", "includ", "paper", "about", "how", "when", "what", "both", "each", "any", "all", "one", "two", "them", "they", "those", "without", "within", "via",
];

pub struct ScopeMatcher {
    /// Stem -> (concept, weight of that stem in the concept's scope note).
    index: HashMap<String, Vec<(usize, f64)>>,
    /// Per concept: the summed weight of its scope words.
    totals: Vec<f64>,
    /// Minimum summed weight of the scope words a paper must use.
    pub min_weight: f64,
    /// Minimum number of distinct scope words.
    pub min_words: usize,
}

impl ScopeMatcher {
    pub fn new(o: &Ontology) -> ScopeMatcher {
        let stems_of = |text: &str| -> HashSet<String> {
            words(&tokenize(text)).iter().map(|w| w.stem.to_string()).filter(|s| s.len() >= 3 && !STOP.contains(&s.as_str()) && !s.bytes().all(|b| b.is_ascii_digit())).collect()
        };
        let notes: Vec<HashSet<String>> = o.concepts.iter().map(|c| c.scope_note.as_deref().map(stems_of).unwrap_or_default()).collect();
        let mut df: HashMap<&str, usize> = HashMap::default();
        for n in &notes {
            for w in n {
                *df.entry(w.as_str()).or_default() += 1;
            }
        }
        let total = notes.iter().filter(|n| !n.is_empty()).count().max(1) as f64;
        let mut index: HashMap<String, Vec<(usize, f64)>> = HashMap::default();
        let mut totals = vec![0.0; notes.len()];
        for (i, n) in notes.iter().enumerate() {
            let mut ws: Vec<(&String, f64)> = n.iter().map(|w| (w, (total / df[w.as_str()] as f64).ln())).filter(|(_, idf)| *idf > 1.0).collect();
            ws.sort_by(|a, b| a.0.cmp(b.0));
            for (w, idf) in ws {
                index.entry(w.clone()).or_default().push((i, idf));
                totals[i] += idf;
            }
        }
        ScopeMatcher { index, totals, min_weight: 16.0, min_words: 4 }
    }
}

impl Matcher for ScopeMatcher {
    fn name(&self) -> &'static str {
        "scope"
    }

    fn find(&self, doc: &Document, out: &mut Vec<Mention>) {
        // Distinct scope stems of title and abstract, at their first occurrence.
        let mut seen: HashSet<&str> = HashSet::default();
        let mut firsts: Vec<(&str, &[(usize, f64)], Field, usize)> = Vec::new();
        for f in doc.fields.iter().filter(|f| f.field != Field::Keywords) {
            for (k, w) in f.words.iter().enumerate() {
                if let Some(postings) = self.index.get(w.stem.as_str()) {
                    if seen.insert(w.stem.as_str()) {
                        firsts.push((w.stem.as_str(), postings, f.field, k));
                    }
                }
            }
        }
        // Accumulate per concept (dense, with the list of concepts touched).
        let mut weight = vec![0.0f64; self.totals.len()];
        let mut count = vec![0u32; self.totals.len()];
        let mut touched: Vec<usize> = Vec::new();
        for (_, postings, _, _) in &firsts {
            for &(c, w) in *postings {
                if count[c] == 0 {
                    touched.push(c);
                }
                weight[c] += w;
                count[c] += 1;
            }
        }
        touched.sort_unstable();
        for c in touched {
            if (count[c] as usize) < self.min_words || weight[c] < self.min_weight {
                continue;
            }
            // The words share one piece of evidence: together they weigh about as much as
            // one mention, scaled by how much of the note the paper covers.
            let strength = (weight[c] / self.totals[c]).min(1.0) / count[c] as f64;
            for &(stem, _, field, k) in firsts.iter().filter(|(_, postings, _, _)| postings.iter().any(|&(x, _)| x == c)) {
                let Some(f) = doc.field(field) else { continue };
                let w = &f.words[k];
                out.push(Mention { concept: c, field, start: w.start, end: w.end, text: w.text.to_string(), rule: Rule::Semantic, label: format!("scope: {stem}"), matcher: "scope", words: (k, k), label_words: 2, strength });
            }
        }
    }
}

/// Stems of a phrase, for tests.
#[cfg(test)]
fn stems(s: &str) -> Vec<String> {
    s.split_whitespace().map(|w| crate::text::stem(w).into_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Paper;

    #[test]
    fn scope_words_propose_a_concept() {
        let o = Ontology::bundled().unwrap();
        let m = ScopeMatcher::new(&o);
        let p = Paper { title: "Meal planning from photos".into(), abstract_text: "We estimate calories and nutrition of cooking recipes from their ingredients.".into(), ..Default::default() };
        let mut out = Vec::new();
        m.find(&Document::new(&p), &mut out);
        let food = o.index_of("food-computing").unwrap();
        assert!(out.iter().any(|x| x.concept == food), "{:?}", out.iter().map(|x| &o.concepts[x.concept].id).collect::<Vec<_>>());
        assert_eq!(stems("recipes ingredients"), stems("recipe ingredient"));
    }
}
