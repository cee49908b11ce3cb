//! Tidy CSV for pandas and R: one row per (paper, item) pair, with its score. Entry points:
//! [`concept_rows`] and [`write_table`].
//!
//! Columns ([`COLUMNS`]): `paper, title, date, categories, kind, id, label, group, score,
//! papers`. `kind` says what the item is (`concept` today); `group` is a concept's
//! top-level concept; `score` the tag's score in 0..1; `papers` how many papers of the
//! selection carry the item (to filter rare items without a join). Rows are sorted by paper,
//! kind, item id; the same store gives the same bytes.
//!
//! Extension point: papers x entities. Once the store holds entity annotations, a function
//! beside [`concept_rows`] returns their [`PairRow`]s with `kind` `entity`, `group` the
//! entity type (model, dataset, metric, method) and the extractor's score, and the caller
//! passes both lists to [`write_table`]; the columns stay the same.

use super::view::top_levels;
use super::GraphExportError;
use crate::graph::KnowledgeGraph;
use std::io::Write;

/// The table's header.
pub const COLUMNS: [&str; 10] = ["paper", "title", "date", "categories", "kind", "id", "label", "group", "score", "papers"];

/// One (paper, item) pair.
#[derive(Debug, Clone, PartialEq)]
pub struct PairRow {
    /// The paper's topicgraph id.
    pub paper: String,
    pub title: String,
    pub date: Option<String>,
    /// The paper's categories, space-separated.
    pub categories: String,
    /// What the item is: `concept` (later `entity`).
    pub kind: &'static str,
    /// The item's id (a concept slug).
    pub id: String,
    pub label: String,
    /// A concept's top-level concept; an entity's type.
    pub group: String,
    /// The tag's score, 0..1.
    pub score: f64,
    /// Papers of the selection with this item.
    pub papers: u32,
}

/// One row per (paper, concept) tag of `kg`.
///
/// Complexity: O(T) for T tags, plus the top-level concepts (O(C · depth)).
pub fn concept_rows(kg: &KnowledgeGraph) -> Vec<PairRow> {
    let tops = top_levels(kg.concepts());
    let mut rows = Vec::new();
    for (j, p) in kg.papers().iter().enumerate() {
        for (c, score) in kg.paper_concepts(j) {
            let concept = &kg.concepts()[c];
            rows.push(PairRow {
                paper: p.id.clone(),
                title: p.title.clone(),
                date: p.date.clone(),
                categories: p.categories.join(" "),
                kind: "concept",
                id: concept.id.clone(),
                label: concept.label.clone(),
                group: kg.concepts()[tops[c]].id.clone(),
                score,
                papers: kg.paper_count(c),
            });
        }
    }
    rows
}

/// Write `rows` as CSV with a header (RFC 4180 quoting), sorted by paper, kind and id.
/// Returns the number of rows written.
pub fn write_table(mut rows: Vec<PairRow>, w: &mut dyn Write) -> Result<usize, GraphExportError> {
    rows.sort_by(|a, b| (&a.paper, a.kind, &a.id).cmp(&(&b.paper, b.kind, &b.id)));
    let mut csv = csv::Writer::from_writer(w);
    let io = |e: csv::Error| GraphExportError::Io(std::io::Error::other(e));
    csv.write_record(COLUMNS).map_err(io)?;
    for r in &rows {
        let score = super::decimal(r.score);
        let papers = r.papers.to_string();
        csv.write_record([r.paper.as_str(), r.title.as_str(), r.date.as_deref().unwrap_or(""), r.categories.as_str(), r.kind, r.id.as_str(), r.label.as_str(), r.group.as_str(), score.as_str(), papers.as_str()]).map_err(io)?;
    }
    csv.flush()?;
    Ok(rows.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::view::tests::corpus;
    use crate::graph::GraphConfig;

    #[test]
    fn one_row_per_tag_with_scores_and_quoting() {
        let (concepts, mut papers) = corpus();
        papers[0].title = "Quotes \"here\", commas, and\nnewlines".into();
        papers[0].categories = vec!["cs.CL".into(), "cs.LG".into()];
        let kg = KnowledgeGraph::build(concepts, papers, GraphConfig::default());
        let rows = concept_rows(&kg);
        assert_eq!(rows.len(), 26, "13 papers with two tags each");
        let mut out = Vec::new();
        assert_eq!(write_table(rows, &mut out).unwrap(), 26);
        let text = String::from_utf8(out).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), COLUMNS);
        let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert_eq!(records.len(), 26);
        assert_eq!(&records[0][0], "a0");
        assert_eq!(&records[0][1], "Quotes \"here\", commas, and\nnewlines", "CSV quoting round-trips");
        assert_eq!(&records[0][3], "cs.CL cs.LG");
        let kv: Vec<&str> = records[0].iter().skip(4).collect();
        assert_eq!(kv, ["concept", "kv", "KV cache", "ml", "0.5", "6"]);
        assert_eq!(&records[1][5], "llm");
    }
}
