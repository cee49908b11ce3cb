use super::*;
use crate::ingest::read::Quiet;
use crate::model::Ids;
use crate::ontology::Ontology;
use crate::link::LinkConfig;
use oxigraph::model::Quad;
use std::io::Write;

fn linker() -> Linker {
    Linker::new(Ontology::bundled().unwrap(), LinkConfig::default())
}

fn write_jsonl(dir: &std::path::Path, name: &str, papers: &[Paper]) -> String {
    let path = dir.join(name);
    let mut f = std::fs::File::create(&path).unwrap();
    for p in papers {
        writeln!(f, "{}", serde_json::to_string(p).unwrap()).unwrap();
    }
    path.display().to_string()
}

fn paper(arxiv: &str, title: &str, abstract_text: &str) -> Paper {
    Paper {
        id: arxiv.into(),
        ids: Ids { arxiv: Some(arxiv.into()), ..Default::default() },
        title: title.into(),
        abstract_text: abstract_text.into(),
        ..Default::default()
    }
}

fn dump(store: &KgStore) -> Vec<String> {
    let mut quads: Vec<String> = store.iter().map(|q| q.unwrap().to_string()).filter(|q| !q.contains("/graph/runs>")).collect();
    quads.sort();
    quads
}

fn run(store: &KgStore, linker: &Linker, inputs: &[String]) -> BuildSummary {
    build(store, linker, &Iris::default(), inputs, &BuildConfig::default(), &mut Quiet).unwrap()
}

#[test]
fn rebuilding_the_same_input_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let a = write_jsonl(dir.path(), "a.jsonl", &[
        paper("2401.00001", "Mixture of experts for KV cache compression", "We compress the KV cache of large language models."),
        paper("2401.00002", "Scaling laws for code generation", "We fit scaling laws on HumanEval."),
    ]);
    let store = KgStore::in_memory();
    let l = linker();
    let first = run(&store, &l, std::slice::from_ref(&a));
    assert_eq!((first.added, first.updated, first.unchanged), (2, 0, 0));
    assert!(first.ontology_loaded);
    let before = dump(&store);
    let second = run(&store, &l, &[a]);
    assert_eq!((second.added, second.updated, second.unchanged, second.tagged), (0, 0, 2, 0));
    assert!(!second.ontology_loaded);
    assert_eq!(before, dump(&store));
}

#[test]
fn a_new_source_adds_ids_and_provenance_without_retagging() {
    let dir = tempfile::tempdir().unwrap();
    let p = paper("2401.00001", "Mixture of experts for KV cache compression", "We compress the KV cache.");
    let a = write_jsonl(dir.path(), "a.jsonl", std::slice::from_ref(&p));
    let mut with_doi = p.clone();
    with_doi.ids.doi = Some("10.1000/xyz".into());
    with_doi.abstract_text.clear();
    let b = write_jsonl(dir.path(), "b.jsonl", &[with_doi]);
    let store = KgStore::in_memory();
    let l = linker();
    run(&store, &l, &[a]);
    let tags_before: Vec<String> = dump(&store).into_iter().filter(|q| q.contains("/graph/annotations>")).collect();
    let s = run(&store, &l, &[b]);
    assert_eq!((s.added, s.updated, s.tagged), (0, 1, 0));
    let after = dump(&store);
    assert!(after.iter().any(|q| q.contains("\"doi:10.1000/xyz\"")), "new id stored");
    assert!(after.iter().any(|q| q.contains("dc/terms/abstract") && q.contains("We compress")), "abstract kept");
    assert_eq!(after.iter().filter(|q| q.contains("prov#wasDerivedFrom") && q.contains("#source-")).count(), 2, "two sources");
    let tags_after: Vec<String> = after.into_iter().filter(|q| q.contains("/graph/annotations>")).collect();
    assert_eq!(tags_before, tags_after);
}

#[test]
fn a_paper_that_gains_text_is_retagged() {
    let dir = tempfile::tempdir().unwrap();
    let v1 = paper("2401.00001", "Mixture of experts routing", "");
    let v2 = paper("2401.00001", "Mixture of experts routing", "We propose speculative decoding for mixture-of-experts models. Speculative decoding speeds up their inference.");
    let a = write_jsonl(dir.path(), "a.jsonl", &[v1]);
    let b = write_jsonl(dir.path(), "b.jsonl", &[v2]);
    let store = KgStore::in_memory();
    let l = linker();
    run(&store, &l, &[a]);
    assert!(!dump(&store).iter().any(|q| q.contains("#tag-speculative-decoding")));
    let s = run(&store, &l, &[b]);
    assert_eq!((s.updated, s.tagged), (1, 1));
    let after = dump(&store);
    assert!(after.iter().any(|q| q.contains("#tag-speculative-decoding>")), "new tag");
    assert!(after.iter().any(|q| q.contains("#tag-mixture-of-experts>")), "title tag kept");
}

#[test]
fn a_new_ontology_retags_every_paper_and_drops_old_tags() {
    let dir = tempfile::tempdir().unwrap();
    let a = write_jsonl(dir.path(), "a.jsonl", &[
        paper("2401.00001", "Mixture of experts with speculative decoding", "We use speculative decoding."),
        paper("2401.00002", "Scaling laws", "Loss follows a power law."),
    ]);
    let store = KgStore::in_memory();
    run(&store, &linker(), std::slice::from_ref(&a));
    let mine = dir.path().join("mine.txt");
    std::fs::write(&mine, "speculative decoding\npower law\n").unwrap();
    let other = Linker::new(Ontology::load(&[crate::ontology::OntologySpec::File(mine)]).unwrap(), LinkConfig::default());
    let s = run(&store, &other, &[a]);
    assert!(s.ontology_loaded);
    assert_eq!((s.unchanged, s.retagged_for_ontology), (2, 2));
    let after = dump(&store);
    assert!(!after.iter().any(|q| q.contains("#tag-mixture-of-experts")), "old tags gone");
    assert!(!after.iter().any(|q| q.contains("w3id.org/topicgraph/concept/")), "old ontology gone");
    assert!(after.iter().any(|q| q.contains("#tag-speculative-decoding>")), "new tags");
}

/// A store written by an older mapping (simulated: its papers' version says `rdf:1`, and the
/// quads the current mapping added are missing) has every paper rewritten by the next build,
/// to exactly what a new store holds; with either evidence mode (full writes more nodes
/// that a paper owns: annotations of entities, position selectors).
#[test]
fn papers_written_by_an_older_mapping_are_rewritten() {
    for evidence in [EvidenceMode::Compact, EvidenceMode::Full] {
        let dir = tempfile::tempdir().unwrap();
        let mut p = paper("2401.00001", "Mixture of experts routing on SWE-bench", "We route tokens to experts of Llama-3.1-8B and evaluate on HumanEval.");
        p.authors = vec![crate::model::Author::new("Ada Lovelace"), crate::model::Author::new("Alan Turing")];
        let a = write_jsonl(dir.path(), "a.jsonl", &[p, paper("2401.00002", "Scaling laws", "Loss follows a power law.")]);
        let (store, l) = (KgStore::in_memory(), linker());
        let cfg = BuildConfig { evidence, ..Default::default() };
        let run = |store: &KgStore| build(store, &l, &Iris::default(), std::slice::from_ref(&a), &cfg, &mut Quiet).unwrap();
        run(&store);
        let fresh = dump(&store);
        let current = format!("+rdf:{MAPPING_VERSION}");
        assert!(fresh.iter().any(|q| q.contains("taggedWith") && q.contains(&current)), "the version names the mapping");
        assert_eq!(fresh.iter().filter(|q| q.contains("/dc/terms/creator>")).count(), 2);

        let old: Vec<Quad> = store.iter().map(|q| q.unwrap()).filter(|q| q.predicate.as_str().ends_with("/dc/terms/creator") || q.to_string().contains(&current)).collect();
        let mut tx = store.start_transaction().unwrap();
        for q in &old {
            tx.remove(q);
            if let Term::Literal(v) = &q.object {
                let older = literal(&v.value().replace(&current, "+rdf:1"));
                tx.insert(&Quad::new(q.subject.clone(), q.predicate.clone(), older, q.graph_name.clone()));
            }
        }
        tx.commit().unwrap();
        // The older version also kept arXiv's ':' after a collaboration as an author.
        let records: Vec<Quad> = store.iter().map(|q| q.unwrap()).filter(|q| q.predicate == tg("record") && q.to_string().contains("Ada Lovelace")).collect();
        assert_eq!(records.len(), 1);
        let Term::Literal(v) = &records[0].object else { panic!("a record is a literal") };
        let mut older: Paper = serde_json::from_str(v.value()).unwrap();
        older.authors.insert(1, crate::model::Author::new(":"));
        let mut tx = store.start_transaction().unwrap();
        tx.remove(&records[0]);
        tx.insert(&Quad::new(records[0].subject.clone(), records[0].predicate.clone(), literal(&serde_json::to_string(&older).unwrap()), records[0].graph_name.clone()));
        tx.commit().unwrap();
        assert_ne!(dump(&store), fresh);

        let s = run(&store);
        assert_eq!((s.unchanged, s.retagged_for_ontology), (2, 2));
        let after = dump(&store);
        let missing: Vec<&String> = fresh.iter().filter(|q| !after.contains(q)).collect();
        let extra: Vec<&String> = after.iter().filter(|q| !fresh.contains(q)).collect();
        assert!(missing.is_empty() && extra.is_empty(), "{evidence:?}: missing {missing:#?}\nextra {extra:#?}");
    }
}

#[test]
fn category_filter_keeps_archives_and_exact_categories() {
    let mut p = paper("1", "t", "a");
    p.categories = vec!["cs.LG".into(), "stat.ML".into()];
    assert!(keep(&p, &[]));
    assert!(keep(&p, &["cs".into()]));
    assert!(keep(&p, &["stat.ML".into()]));
    assert!(!keep(&p, &["cs.CL".into()]));
}

/// Two new records that each share a different id with one stored paper (and none with
/// each other, so reading does not merge them) both join it: neither's source is lost.
#[test]
fn two_records_joining_one_stored_paper_in_one_batch_both_stay() {
    let dir = tempfile::tempdir().unwrap();
    let mut stored = paper("2401.00001", "Mixture of experts routing", "We route tokens.");
    stored.ids.doi = Some("10.1000/moe".into());
    let a = write_jsonl(dir.path(), "a.jsonl", &[stored]);
    let by_arxiv = paper("2401.00001", "Mixture of experts routing", "We route tokens.");
    let mut by_doi = paper("", "Mixture of experts routing", "");
    by_doi.id = "10.1000/moe".into();
    by_doi.ids = Ids { doi: Some("10.1000/moe".into()), ..Default::default() };
    let b = write_jsonl(dir.path(), "b.jsonl", &[by_arxiv, by_doi]);
    let (store, l) = (KgStore::in_memory(), linker());
    run(&store, &l, std::slice::from_ref(&a));
    let s = run(&store, &l, std::slice::from_ref(&b));
    assert_eq!((s.added, s.updated, s.joined, s.unchanged), (0, 1, 1, 0));
    let sources: Vec<String> = dump(&store).into_iter().filter(|q| q.contains("prov#wasDerivedFrom") && q.contains("/graph/provenance>")).collect();
    assert_eq!(sources.len(), 3, "{sources:#?}");
    // Read again, nothing changes.
    let before = dump(&store);
    let again = run(&store, &l, &[b]);
    assert_eq!((again.updated, again.joined, again.unchanged), (0, 1, 1));
    assert_eq!(dump(&store), before);
}
