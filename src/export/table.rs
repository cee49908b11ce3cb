//! Tidy CSV for pandas and R: one row per (paper, item) pair, with its score. Entry points:
//! [`concept_rows`], [`entity_rows`] and [`write_table`].
//!
//! Columns ([`COLUMNS`]): `paper, title, date, categories, kind, id, label, group, score,
//! papers`. `kind` says what the item is: `concept` (a tag) or `entity` (a named model,
//! dataset, method, software or metric the paper mentions). `group` is a concept's top-level
//! concept, an entity's type; `id` a concept's slug, an entity's key; `score` the tag's
//! score in 0..1, or the entity extractor's where the store kept it (`build --evidence full`;
//! empty otherwise); `papers` how many papers of the selection carry the item (to filter rare
//! items without a join). Rows are sorted by paper, kind, item id; the same store gives the
//! same bytes.

use super::view::top_levels;
use super::GraphExportError;
use crate::graph::{EntityRecord, KnowledgeGraph};
use std::collections::HashMap;
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
    /// What the item is: `concept` or `entity`.
    pub kind: &'static str,
    /// The item's id (a concept slug, an entity key).
    pub id: String,
    pub label: String,
    /// A concept's top-level concept; an entity's type.
    pub group: String,
    /// The tag's or the entity's score, 0..1; `None` (an empty cell) when the store has none.
    pub score: Option<f64>,
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
                score: Some(score),
                papers: kg.paper_count(c),
            });
        }
    }
    rows
}

/// One row per (paper, entity) of the papers of `kg`, from `entities` (paper IRI -> its
/// entities, as [`crate::graph::load_entities`] reads them); papers without an IRI or
/// without entities have none.
///
/// Complexity: O(M) for the M mentions of the papers of `kg`.
pub fn entity_rows(kg: &KnowledgeGraph, entities: &HashMap<String, Vec<EntityRecord>>) -> Vec<PairRow> {
    let of = |p: &crate::graph::PaperRecord| entities.get(&p.iri).map_or(&[][..], Vec::as_slice);
    let mut papers: HashMap<&str, u32> = HashMap::new();
    for p in kg.papers() {
        for e in of(p) {
            *papers.entry(e.key.as_str()).or_default() += 1;
        }
    }
    let mut rows = Vec::new();
    for p in kg.papers() {
        for e in of(p) {
            rows.push(PairRow {
                paper: p.id.clone(),
                title: p.title.clone(),
                date: p.date.clone(),
                categories: p.categories.join(" "),
                kind: "entity",
                id: e.key.clone(),
                label: e.label.clone(),
                group: e.kind.clone(),
                score: e.score,
                papers: papers[e.key.as_str()],
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
        let score = r.score.map(super::decimal).unwrap_or_default();
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

    #[test]
    fn entity_rows_follow_the_concepts_with_type_and_known_scores() {
        let (concepts, mut papers) = corpus();
        for p in &mut papers {
            p.iri = format!("https://example.org/{}", p.id);
        }
        let kg = KnowledgeGraph::build(concepts, papers, GraphConfig::default());
        let e = |key: &str, label: &str, kind: &str, score: Option<f64>| EntityRecord { key: key.into(), label: label.into(), kind: kind.into(), score };
        let entities: HashMap<String, Vec<EntityRecord>> = [
            ("https://example.org/a0".to_string(), vec![e("humaneval", "HumanEval", "dataset", Some(0.85)), e("gpt-4", "GPT-4", "model", None)]),
            ("https://example.org/c0".to_string(), vec![e("humaneval", "HumanEval", "dataset", None)]),
            ("https://example.org/not-in-the-selection".to_string(), vec![e("mbpp", "MBPP", "dataset", None)]),
        ]
        .into();
        let mut rows = concept_rows(&kg);
        let ents = entity_rows(&kg, &entities);
        assert_eq!(ents.len(), 3, "only papers of the graph");
        rows.extend(ents);
        let mut out = Vec::new();
        assert_eq!(write_table(rows, &mut out).unwrap(), 29);
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1..5], ["a0,Paper a0,2025-01,,concept,kv,KV cache,ml,0.5,6", "a0,Paper a0,2025-01,,concept,llm,large language model,ml,0.9,7", "a0,Paper a0,2025-01,,entity,gpt-4,GPT-4,model,,1", "a0,Paper a0,2025-01,,entity,humaneval,HumanEval,dataset,0.85,2"]);
        assert!(text.contains("\nc0,Paper c0,2025-06,,entity,humaneval,HumanEval,dataset,,2\n"), "no score: an empty cell\n{text}");
    }
}
