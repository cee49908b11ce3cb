//! Corpus statistics for scoring: how many papers of a reference corpus mention each
//! concept. A concept named in a large share of all papers ("classification", "inference")
//! says less about any one paper than a rare one ("PagedAttention"), so its mentions weigh
//! less. Built by `topicgraph stats` from a corpus (the CC0 arXiv records), read by
//! `--stats FILE`.

use std::collections::HashMap;

/// Document frequency per concept id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConceptStats {
    pub papers: u64,
    pub df: HashMap<String, u64>,
}

/// Below this share of papers a concept counts as specific (factor 1).
const SPECIFIC_SHARE: f64 = 0.005;
/// The lowest factor, for concepts named by most papers.
const MIN_FACTOR: f64 = 0.3;

impl ConceptStats {
    /// Read the TSV written by [`ConceptStats::to_tsv`]: a `# papers N` line, a header, then
    /// `concept<TAB>papers` rows.
    pub fn from_tsv(text: &str) -> Result<ConceptStats, String> {
        let mut s = ConceptStats::default();
        for (i, line) in text.lines().enumerate() {
            if let Some(n) = line.strip_prefix("# papers ") {
                s.papers = n.trim().parse().map_err(|_| format!("line {}: bad paper count {n:?}", i + 1))?;
                continue;
            }
            if line.starts_with('#') || line.starts_with("concept\t") || line.trim().is_empty() {
                continue;
            }
            let (id, df) = line.split_once('\t').ok_or(format!("line {}: expected concept<TAB>papers", i + 1))?;
            s.df.insert(id.to_string(), df.trim().parse().map_err(|_| format!("line {}: bad count {df:?}", i + 1))?);
        }
        if s.papers == 0 {
            return Err("no '# papers N' line".into());
        }
        Ok(s)
    }

    pub fn to_tsv(&self) -> String {
        let mut rows: Vec<(&String, &u64)> = self.df.iter().collect();
        rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let mut out = format!("# papers {}\nconcept\tpapers\n", self.papers);
        for (id, n) in rows {
            out.push_str(&format!("{id}\t{n}\n"));
        }
        out
    }

    /// The weight factor of a concept's mentions: 1 for concepts in at most 0.5% of papers,
    /// falling with the logarithm of the share (0.5 at about 7%) to 0.3.
    pub fn factor(&self, id: &str) -> f64 {
        let df = self.df.get(id).copied().unwrap_or(0) as f64;
        let share = (df + 1.0) / (self.papers as f64 + 1.0);
        if share <= SPECIFIC_SHARE {
            return 1.0;
        }
        (share.ln() / SPECIFIC_SHARE.ln()).clamp(MIN_FACTOR, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_factors() {
        let mut s = ConceptStats { papers: 1000, ..Default::default() };
        s.df.insert("rare".into(), 2);
        s.df.insert("common".into(), 300);
        let back = ConceptStats::from_tsv(&s.to_tsv()).unwrap();
        assert_eq!(back, s);
        assert_eq!(s.factor("rare"), 1.0);
        assert_eq!(s.factor("unknown"), 1.0);
        let c = s.factor("common");
        assert!(c > 0.2 && c < 0.3 + 1e-9, "{c}");
        assert!(ConceptStats::from_tsv("concept\tpapers\nx\t1\n").is_err());
    }
}
