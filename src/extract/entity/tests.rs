use super::*;
use crate::ontology::OntologySpec;
use std::sync::OnceLock;

fn x() -> &'static EntityExtractor {
    static X: OnceLock<EntityExtractor> = OnceLock::new();
    X.get_or_init(|| EntityExtractor::new(&Ontology::load(&[OntologySpec::Bundled]).unwrap(), EntityConfig::default()))
}

fn paper(title: &str, abs: &str) -> Paper {
    Paper { id: "p".into(), title: title.into(), abstract_text: abs.into(), ..Default::default() }
}

fn all(title: &str, abs: &str) -> Vec<Entity> {
    x().extract_paper(&paper(title, abs))
}

/// (text, type) of every entity.
fn ents(title: &str, abs: &str) -> Vec<(String, &'static str)> {
    all(title, abs).into_iter().map(|e| (e.text, e.kind.name())).collect()
}

fn has(v: &[(String, &'static str)], text: &str, kind: &str) -> bool {
    v.iter().any(|(t, k)| t == text && *k == kind)
}

fn find<'a>(v: &'a [Entity], text: &str) -> &'a Entity {
    v.iter().find(|e| e.text == text).unwrap_or_else(|| panic!("no {text:?} in {:?}", v.iter().map(|e| &e.text).collect::<Vec<_>>()))
}

#[test]
fn the_gazetteer_finds_artifacts_with_their_suffixes() {
    let e = all("", "We fine-tune Llama-3.1-8B, compare with LLaMA 3.1 8B and Mixtral 8x7B, and evaluate on SWE-bench Lite with GPT-4o.");
    let llama: Vec<&Entity> = e.iter().filter(|x| x.key == "llama-3.1-8b").collect();
    assert_eq!(llama.len(), 1, "two spellings, one entity: {e:#?}");
    assert_eq!(llama[0].mentions.len(), 2);
    assert_eq!(llama[0].family.as_deref(), Some("llama-3.1"));
    assert_eq!(llama[0].kind, EntityType::Model);
    assert_eq!(find(&e, "Mixtral 8x7B").key, "mixtral-8x7b");
    assert_eq!(find(&e, "SWE-bench Lite").kind, EntityType::Dataset);
    assert_eq!(find(&e, "GPT-4o").key, "gpt-4o");
    assert!(!e.iter().any(|x| x.key == "gpt-4"), "GPT-4 is not inside GPT-4o");
    // "-based" is not a suffix; a name inside another atom is not matched.
    let e = ents("", "An EfficientNet-based detector and SEED-LLaMA.");
    assert!(has(&e, "EfficientNet", "model"), "{e:?}");
    assert!(!e.iter().any(|(t, _)| t == "LLaMA"), "{e:?}");
}

#[test]
fn common_words_in_the_gazetteer_need_their_case() {
    let e = ents("", "We study math word problems and the MATH benchmark; OPT and opt for T5.");
    assert!(has(&e, "MATH", "dataset") && has(&e, "OPT", "model") && has(&e, "T5", "model"), "{e:?}");
    assert_eq!(e.iter().filter(|(t, _)| t.eq_ignore_ascii_case("math")).count(), 1, "{e:?}");
}

#[test]
fn the_papers_own_name_is_introduced() {
    let e = ents("", "In this work, we introduce a new benchmark, MultiCodeBench, to fill this gap. We present LIFL, a lightweight and elastic serverless cloud platform.");
    assert!(has(&e, "MultiCodeBench", "dataset"), "{e:?}");
    assert!(has(&e, "LIFL", "software"), "{e:?}");
    let e = ents("", "To address this, we propose PLANSEARCH, a novel search algorithm which shows strong results.");
    assert!(has(&e, "PLANSEARCH", "method"), "{e:?}");
    // A lower-case name, given a type by its apposition.
    let e = ents("", "To further improve it, we propose quality scaling, a multi-stage training recipe with curriculum learning.");
    assert!(has(&e, "quality scaling", "method"), "{e:?}");
}

#[test]
fn naming_words_name_what_precedes() {
    let e = ents("", "We propose a user-friendly LLM data processing system named Data-Juicer. We propose a new approach called CO2 that overlaps communication. We propose a new efficiency metric called eff@k.");
    assert!(has(&e, "Data-Juicer", "software"), "{e:?}");
    assert!(has(&e, "CO2", "method"), "{e:?}");
    assert!(has(&e, "eff@k", "metric"), "{e:?}");
    let e = ents("", "We call the resulting model as MPIrigen. It works.");
    assert!(has(&e, "MPIrigen", "model"), "{e:?}");
}

#[test]
fn titles_name_the_papers_artifact() {
    let e = ents("Redco: A Lightweight Tool to Automate Distributed Training", "The design of Redco emphasizes two aspects.");
    let redco = e.iter().find(|(t, _)| t == "Redco").expect("Redco");
    assert_eq!(redco.1, "software");
    let t = all("Redco: A Lightweight Tool to Automate Distributed Training", "The design of Redco emphasizes two aspects.");
    assert!(find(&t, "Redco").evidence.iter().any(|x| x.rule == EntityRule::Title));
    // A title-case phrase before a colon is a name only when the abstract writes it so.
    assert!(ents("Scaling Laws for Data Filtering: Data Curation cannot be Agnostic", "We study data filtering.").is_empty());
}

#[test]
fn definitions_give_long_and_short_forms() {
    let e = ents("", "Guided by this, we propose Mixture of Shards (MoS), incorporating sharing schemes. MoS retains the advantages of LoRA.");
    assert!(has(&e, "Mixture of Shards", "method") && has(&e, "MoS", "method") && has(&e, "LoRA", "method"), "{e:?}");
    // A short form used only in its parentheses is not a name of its own.
    let e = ents("", "Our proposed Dual-stage Mixed Fine-tuning (DMT) strategy learns abilities.");
    assert!(has(&e, "Dual-stage Mixed Fine-tuning", "method") && !e.iter().any(|(t, _)| t == "DMT"), "{e:?}");
    // Class nouns and topics defined as acronyms are never names.
    let e = ents("", "Large language models (LLMs) and masked diffusion models (MDMs) use retrieval-augmented generation (RAG). LLMs and MDMs and RAG and the 1.1B MDM.");
    assert!(e.is_empty(), "{e:?}");
}

#[test]
fn type_heads_type_the_name_next_to_them() {
    let e = ents("", "To evaluate the pipeline, the large scale dataset Recipe1M is used, and we test on the SciKnowEval benchmark with the IFD score and the InCoder LLM.");
    assert!(has(&e, "Recipe1M", "dataset") && has(&e, "SciKnowEval", "dataset") && has(&e, "IFD", "metric") && has(&e, "InCoder", "model"), "{e:?}");
    let e = ents("", "We release the ASIMOV Benchmark for robots.");
    assert!(has(&e, "ASIMOV Benchmark", "dataset"), "{e:?}");
}

#[test]
fn lists_share_the_head_before_them() {
    let e = ents("", "RPS outperforms moderately informed pruning strategies, such as MAG, SNIP, SYNFLOW, and GRASP, across the range.");
    for n in ["MAG", "SNIP", "SYNFLOW", "GRASP"] {
        assert!(has(&e, n, "method"), "{n}: {e:?}");
    }
    let e = ents("", "We show strong performance on web agent benchmarks such as Mind2Web-Live, Multimodal-Mind2Web, and MiniWob++.");
    for n in ["Mind2Web-Live", "Multimodal-Mind2Web", "MiniWob++"] {
        assert!(has(&e, n, "dataset"), "{n}: {e:?}");
    }
    let e = ents("", "Existing model parallel tools, such as Megatron-LM, DeepSpeed, and Alpa, need expertise.");
    assert!(has(&e, "Alpa", "software") && has(&e, "Megatron-LM", "software"), "{e:?}");
}

#[test]
fn fronted_phrase_is_no_apposition() {
    let e = ents("", "On LongBench, our method cuts memory by 4x.");
    assert!(has(&e, "LongBench", "dataset"), "{e:?}");
    let e = all("", "Unlike FooServe, the system keeps every page.");
    assert!(e.iter().flat_map(|x| &x.evidence).all(|ev| ev.rule != EntityRule::Apposition), "{e:?}");
    let e = ents("", "We present Atlas, our system for serving long prompts.");
    assert!(has(&e, "Atlas", "software"), "{e:?}");
}

#[test]
fn evaluated_on_names_the_data() {
    let e = ents("", "This model achieves state-of-the-art performance on YouCook2 and Tasty while using less data.");
    assert!(has(&e, "YouCook2", "dataset") && has(&e, "Tasty", "dataset"), "{e:?}");
}

#[test]
fn metrics_by_pattern_and_next_to_numbers() {
    let e = ents("", "It reaches a pass@200 of 77.0% and pass@1 = 41.4%. The model reaches 83.8 percent accuracy.");
    assert!(has(&e, "pass@200", "metric") && has(&e, "pass@1", "metric") && has(&e, "accuracy", "metric"), "{e:?}");
    let e = ents("", "We study the trade-off between memory and accuracy.");
    assert!(e.is_empty(), "accuracy without a result is no metric: {e:?}");
}

#[test]
fn name_shapes_and_generic_words() {
    let e = ents("", "Our HPCorpusMPI corpus and the WorkflowLlama agent run on 128 A100 GPUs with FP8, MoE, RAG and LLMs at 7B scale; see Top-1 and O(N).");
    assert!(e.iter().any(|(t, _)| t == "HPCorpusMPI") && e.iter().any(|(t, _)| t == "WorkflowLlama"), "{e:?}");
    for generic in ["A100", "GPUs", "FP8", "MoE", "RAG", "LLMs", "7B", "Top-1", "O"] {
        assert!(!e.iter().any(|(t, _)| t == generic), "{generic} is no entity: {e:?}");
    }
    assert_eq!(shape("MultiCodeBench"), Shape::Camel);
    assert_eq!(shape("vLLM"), Shape::Camel);
    assert_eq!(shape("Recipe1M"), Shape::AlnumMix);
    assert_eq!(shape("SURGE"), Shape::Caps);
    assert_eq!(shape("Cache-Craft"), Shape::CapHyphen);
    assert_eq!(shape("Explorer"), Shape::Capitalized);
    assert_eq!(shape_type("MathScale-7B"), Some(EntityType::Model));
    assert_eq!(shape_type("LiveAoPSBench"), Some(EntityType::Dataset));
}

#[test]
fn repository_links_attach_to_names() {
    let e = all("", "We present ShadowKV, a high-throughput inference system. The code is available at https://github.com/bytedance/ShadowKV. Weights: https://huggingface.co/org/Tiny-Model-1B.");
    let s = find(&e, "ShadowKV");
    assert_eq!(s.kind, EntityType::Software);
    assert_eq!(s.urls, vec!["https://github.com/bytedance/ShadowKV".to_string()]);
    assert_eq!(s.mentions.len(), 1, "the URL is not a mention of the name: {:?}", s.mentions);
    let m = find(&e, "Tiny-Model-1B");
    assert_eq!((m.kind, m.family.as_deref()), (EntityType::Model, Some("tiny-model")));
    assert!(!e.iter().any(|x| x.text == "bytedance"), "{e:#?}");
}

#[test]
fn artifacts_of_the_ontology_are_its_concepts() {
    let e = all("", "We evaluate on HumanEval and LiveCodeBench with LoRA.");
    assert_eq!(find(&e, "HumanEval").concept.as_deref(), Some("humaneval"));
    assert_eq!(find(&e, "LoRA").concept.as_deref(), Some("lora"));
}

#[test]
fn offsets_are_code_points_and_output_is_deterministic() {
    let p = paper("Kähler: ÜberNet für GPT-4", "Wir nutzen GPT-4 und ÜberNet.");
    let a = x().extract_paper(&p);
    let b = x().extract_paper(&p);
    assert_eq!(a, b);
    let g = a.iter().find(|e| e.key == "gpt-4").expect("GPT-4");
    let m = &g.mentions[0];
    assert_eq!(p.title.chars().skip(m.start).take(m.end - m.start).collect::<String>(), "GPT-4");
}

#[test]
fn where_a_result_was_measured_types_the_data() {
    // A score right before "on", and a clause that opens with the data.
    let v = ents("", "Our agent reaches 71.2% on TerraQA and 40.5% on PolyVerse. On FinDojo, it halves the error; on MedArena, it matches experts.");
    for name in ["TerraQA", "PolyVerse", "FinDojo", "MedArena"] {
        assert!(has(&v, name, "dataset"), "{name}: {v:?}");
    }
    // A plural head before a list, and a head before a parenthesised name.
    let v = ents("", "We convert two standard suites, GeoSet12 and ChemQ7, into harder variants, and test on a public corpus (CodeNet9).");
    assert!(has(&v, "GeoSet12", "dataset") && has(&v, "ChemQ7", "dataset") && has(&v, "CodeNet9", "dataset"), "{v:?}");
}

#[test]
fn what_an_introduced_artifact_rests_on_keeps_its_own_type() {
    // "a pipeline built on X": X is not the pipeline.
    let v = ents("", "We introduce a two-stage pipeline built on Qwen2.5-VL-7B that first distills and then reinforces.");
    assert!(has(&v, "Qwen2.5-VL-7B", "model"), "{v:?}");
    // "our resulting model, X (Y)".
    let v = ents("", "Our final model, LumenReasoner (LRX), surpasses open baselines.");
    assert!(has(&v, "LumenReasoner", "model"), "{v:?}");
}

#[test]
fn a_multi_word_name_is_typed_by_its_last_word() {
    let v = ents("", "Agreement is measured with the Weighted Overlap Coefficient (WOC) and the Kullback-Leibler Divergence, on the Harbor Speech Corpus (HSC).");
    assert!(has(&v, "Weighted Overlap Coefficient", "metric"), "{v:?}");
    assert!(has(&v, "Harbor Speech Corpus", "dataset"), "{v:?}");
}

#[test]
fn an_acronyms_final_capital_s_is_a_letter_not_a_plural() {
    // "RAGS" is not the plural of the topic RAG: it names the paper's method.
    let v = ents("RAGS: Retrieval-Augmented Graph Search", "We present Retrieval-Augmented Graph Search (RAGS), which walks a citation graph. RAGS beats dense retrieval.");
    assert!(v.iter().any(|(t, _)| t == "RAGS"), "{v:?}");
    assert!(v.iter().any(|(t, _)| t == "Retrieval-Augmented Graph Search"), "{v:?}");
    // Plural acronyms written with a small s stay classes, not names.
    assert!(!ents("", "We compare several RAGs and LLMs on open questions.").iter().any(|(t, _)| t == "RAGs"));
}

#[test]
fn a_parenthesised_list_after_a_plural_head_takes_its_type() {
    let v = ents("", "We fine-tune three backbone models (Orca7X, BetaLM-2 and QuillNet) on clinical notes.");
    for name in ["Orca7X", "BetaLM-2", "QuillNet"] {
        assert!(has(&v, name, "model"), "{name}: {v:?}");
    }
}

#[test]
fn a_metric_defined_with_its_acronym_is_named_in_lower_case_too() {
    let v = ents("", "We report the hit coverage rate (HCR) of each retriever. HCR rises by 4 points over the baseline.");
    assert!(has(&v, "hit coverage rate", "metric"), "{v:?}");
    assert!(has(&v, "HCR", "metric"), "{v:?}");
}

#[test]
fn a_plural_long_form_the_paper_presents_is_a_name() {
    // Presented as the paper's own: a name, though its head is plural.
    let v = ents("", "To close this gap, we propose Lookahead Branch Rollouts (LBR), a rollout strategy for policy learning. LBR doubles the diversity of sampled paths.");
    assert!(v.iter().any(|(t, _)| t == "Lookahead Branch Rollouts"), "{v:?}");
    assert!(v.iter().any(|(t, _)| t == "LBR"), "{v:?}");
    // Written in title case but only cited as a class of things: no name.
    let v = ents("", "Our synthesis is inspired by Abstract Syntax Trees (AST). Unlike AST, it captures semantics.");
    assert!(!v.iter().any(|(t, _)| t == "Abstract Syntax Trees" || t == "AST"), "{v:?}");
}

#[test]
fn an_acronym_spelling_every_initial_defines_the_whole_long_form() {
    let v = ents("", "To stay on target, Asymmetric Advantage Policy Optimization (A2PO) anchors the updates on business rewards. A2PO is stable.");
    assert!(v.iter().any(|(t, _)| t == "Asymmetric Advantage Policy Optimization"), "{v:?}");
}

#[test]
fn a_new_version_of_a_listed_artifact_takes_its_type_and_family() {
    let e = all("", "We use DINOv3 features, prompt SAM2 and detect with YOLOv11.");
    for (name, family) in [("DINOv3", "dino"), ("SAM2", "sam"), ("YOLOv11", "yolo")] {
        let x = find(&e, name);
        assert_eq!((x.kind, x.family.as_deref()), (EntityType::Model, Some(family)), "{name}");
    }
    assert_eq!(version_of("Foo-v1.5"), Some("Foo"));
    assert_eq!(version_of("YOLOv8n"), Some("YOLO"), "a size letter after the number");
    assert_eq!(version_of("mathscale-7b"), None, "a parameter count is not a version");
    assert_eq!(version_of("T5"), None, "three letters at least");
    // The paper's own name and its versions type each other.
    let v = ents("", "We release HarborText, a corpus of port records. HarborText-v2 adds 2,000 records.");
    assert!(has(&v, "HarborText-v2", "dataset"), "{v:?}");
}

#[test]
fn a_title_phrase_before_the_colon_names_what_follows_its_preposition() {
    let v = ents("Charting the Sea with HARBORA: A Corpus of Port Records", "We introduce HARBORA, a corpus of 9,000 port records.");
    assert!(v.iter().any(|(t, _)| t == "HARBORA"), "{v:?}");
    assert!(!v.iter().any(|(t, _)| t.starts_with("Charting")), "{v:?}");
    // A name before the preposition keeps the whole ("UNet with Axial Transformer").
    let v = ents("QNet with Axial Mixing: A Model for Nowcasting", "We train QNet with Axial Mixing on radar maps.");
    assert!(v.iter().any(|(t, _)| t == "QNet with Axial Mixing"), "{v:?}");
}

#[test]
fn a_name_called_with_an_article_is_found_and_cited_authors_are_not_names() {
    let v = ents("", "We start from a contrastive method called the Spectral Anchor Loss (DeVries et al., 2021; Lu et al., 2024) and extend it.");
    assert!(v.iter().any(|(t, _)| t == "Spectral Anchor Loss"), "{v:?}");
    assert!(!v.iter().any(|(t, _)| t == "DeVries"), "{v:?}");
}

#[test]
fn a_named_database_is_data() {
    let v = ents("", "Faces were drawn from the Harbor Face Database (HFD), and HFD photos were cropped.");
    assert!(has(&v, "Harbor Face Database", "dataset"), "{v:?}");
}

#[test]
fn a_capitalised_run_inside_a_sentence_names_a_component() {
    let v = ents("", "The encoder feeds the Harbor Field Mask that limits attention, and a Tidal Energy Encoder scores each patch.");
    assert!(v.iter().any(|(t, _)| t == "Harbor Field Mask"), "{v:?}");
    assert!(v.iter().any(|(t, _)| t == "Tidal Energy Encoder"), "{v:?}");
    // Two capitalised words without a component's word are as likely a phrase; a topic of
    // the ontology is never a name.
    let v = ents("", "We solve it by Convex Optimization and study Mixture of Experts routing.");
    assert!(v.is_empty(), "{v:?}");
}

#[test]
fn a_names_head_is_the_word_before_its_preposition() {
    let v = ents("", "Codes in the Harbor Ordinance Corpus for the United States are long and old.");
    assert!(has(&v, "Harbor Ordinance Corpus for the United States", "dataset"), "{v:?}");
}

#[test]
fn an_apposition_after_a_parenthesised_expansion_types_the_name_before_it() {
    let v = ents("", "We propose HARP (Hierarchical Agent for Retrieval Planning), a modular framework that plans searches. HARP beats baselines.");
    assert!(has(&v, "HARP", "software"), "{v:?}");
}

#[test]
fn a_model_release_named_with_words_apart_is_one_name() {
    let v = ents("", "Two releases (Claude Opus 5, Gemini 3.6 Flash) land on the trend; Llama 4 Scout and DeepSeek V4 follow, and Claude Code edits files.");
    for name in ["Claude Opus 5", "Gemini 3.6 Flash", "Llama 4 Scout", "DeepSeek V4"] {
        assert!(has(&v, name, "model"), "{name}: {v:?}");
    }
    assert!(has(&v, "Claude Code", "software"), "{v:?}");
    // A variant word needs a number; a year or a count is not one.
    let v = ents("", "We ask Claude Sonnet, then GPT-4 2024 times.");
    assert!(v.iter().all(|(t, _)| t != "Claude Sonnet" && t != "GPT-4 2024"), "{v:?}");
    for (w, ok) in [("3.6", true), ("5", true), ("4o", true), ("v2", true), ("V3.2", true), ("R1", true), ("2024", false), ("100", false), ("3..1", false), ("0.8246", false), ("3.1.2", true), ("Pro", false)] {
        assert_eq!(release_number(w), ok, "{w}");
    }
}

#[test]
fn a_name_ending_in_a_modifier_is_no_name() {
    let v = ents("LoRA-Adapted Encoders for NeRF-Supervised Stereo", "We use CoT-consistently prompts and Physics-Informed priors. LoRA helps.");
    for bad in ["LoRA-Adapted", "NeRF-Supervised", "CoT-consistently", "Physics-Informed"] {
        assert!(v.iter().all(|(t, _)| t != bad), "{bad}: {v:?}");
    }
    assert!(has(&v, "LoRA", "method"), "{v:?}");
    for (w, m) in [("Based", true), ("adapted", true), ("consistently", true), ("aware", true), ("Instruct", false), ("Verified", true), ("Bench", false)] {
        assert_eq!(modifier_word(w), m, "{w}");
    }
}

#[test]
fn a_count_in_thousands_names_data_and_a_parameter_count_a_model() {
    assert_eq!(shape_type("Quayside-20K"), Some(EntityType::Dataset));
    assert_eq!(shape_type("Quayside-136k"), Some(EntityType::Dataset));
    assert_eq!(shape_type("Quayside-7B"), Some(EntityType::Model));
    assert_eq!(shape_type("Quayside-770M"), Some(EntityType::Model));
}

#[test]
fn a_lower_case_long_form_the_paper_presents_and_calls_by_its_acronym_is_a_name() {
    let v = ents("", "We propose harbor-aware quay scheduling (HAQS) for ports. HAQS halves waiting times.");
    assert!(v.iter().any(|(t, _)| t == "harbor-aware quay scheduling"), "{v:?}");
    assert!(v.iter().any(|(t, _)| t == "HAQS"), "{v:?}");
    // Not a list of qualities, nor a gloss of a word name, nor one never called by its acronym.
    let v = ents("", "We propose general, powerful, scalable (GPS) quays. GPS quays work.");
    assert!(v.iter().all(|(t, _)| !t.starts_with("general")), "{v:?}");
    let v = ents("", "We propose federated full-parameter tuning at scale (Ferret) for ports. Ferret halves waiting times.");
    assert!(v.iter().all(|(t, _)| !t.starts_with("federated")), "{v:?}");
    let v = ents("", "We propose harbor-aware quay scheduling (HAQS) for ports, which halves waiting times.");
    assert!(v.iter().all(|(t, _)| t != "harbor-aware quay scheduling"), "{v:?}");
}
