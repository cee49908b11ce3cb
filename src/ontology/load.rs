//! Reading ontology sources: Turtle SKOS (with oxttl), CSV label tables, plain label lists.

use super::{Concept, LoadNote, Ontology, OntologyError, OntologyFormat, OntologySpec, SourceInfo, BUNDLED_TTL, TG_NS};
use crate::text::{label_definition, label_key, slugify};
use oxrdf::{NamedOrBlankNode, Term};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const OWL_VERSION: &str = "http://www.w3.org/2002/07/owl#versionInfo";

pub(super) fn load_into(o: &mut Ontology, spec: &OntologySpec) -> Result<(), OntologyError> {
    let (name, bytes) = match spec {
        OntologySpec::Bundled => ("bundled".to_string(), BUNDLED_TTL.as_bytes().to_vec()),
        OntologySpec::File(p) => {
            let name = p.display().to_string();
            let bytes = std::fs::read(p).map_err(|source| OntologyError::Io { path: name.clone(), source })?;
            (name, bytes)
        }
    };
    let format = match spec {
        OntologySpec::Bundled => OntologyFormat::Turtle,
        OntologySpec::File(p) => OntologyFormat::from_path(p),
    };
    let before = o.concepts.len();
    let touched = match format {
        OntologyFormat::Turtle => load_turtle(o, &name, &bytes)?,
        OntologyFormat::Csv => load_csv(o, &name, &bytes)?,
        OntologyFormat::Text => {
            let text = String::from_utf8_lossy(&bytes);
            let labels: Vec<Row> = text
                .lines()
                .map(|l| l.trim_start_matches('\u{feff}').trim())
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(|l| Row { label: l.to_string(), ..Default::default() })
                .collect();
            add_rows(o, &name, labels)
        }
    };
    if touched == 0 {
        return Err(OntologyError::Empty { path: name });
    }
    let version = match (format, turtle_version(&bytes, format)) {
        (_, Some(v)) => v,
        _ => {
            let d = Sha256::digest(&bytes);
            format!("sha256:{}", d.iter().take(6).map(|b| format!("{b:02x}")).collect::<String>())
        }
    };
    let short = if matches!(spec, OntologySpec::Bundled) {
        name
    } else {
        std::path::Path::new(&name).file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or(name)
    };
    o.sources.push(SourceInfo { name: short, version, concepts: o.concepts.len() - before });
    Ok(())
}

/// `owl:versionInfo` of a Turtle file, found by a cheap parse of that triple only.
fn turtle_version(bytes: &[u8], format: OntologyFormat) -> Option<String> {
    if format != OntologyFormat::Turtle {
        return None;
    }
    oxttl::TurtleParser::new().for_slice(bytes).filter_map(Result::ok).find_map(|t| {
        (t.predicate.as_str() == OWL_VERSION).then(|| match t.object {
            Term::Literal(l) => Some(l.value().to_string()),
            _ => None,
        })?
    })
}

fn english(lang: Option<&str>) -> bool {
    lang.is_none_or(|l| l.eq_ignore_ascii_case("en") || l.to_ascii_lowercase().starts_with("en-"))
}

/// The slug of an IRI: its last path segment or fragment.
fn iri_slug(iri: &str) -> String {
    let tail = iri.rsplit(['/', '#', ':']).find(|s| !s.is_empty()).unwrap_or(iri);
    let slug: String = tail.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')).collect();
    if slug.is_empty() {
        slugify(tail)
    } else {
        slug
    }
}

/// Load Turtle SKOS: every subject typed `skos:Concept` or carrying a SKOS label becomes a
/// concept (or extends the concept already loaded under that IRI).
fn load_turtle(o: &mut Ontology, name: &str, bytes: &[u8]) -> Result<usize, OntologyError> {
    let mut triples = Vec::new();
    for t in oxttl::TurtleParser::new().for_slice(bytes) {
        triples.push(t.map_err(|e| OntologyError::Syntax { path: name.to_string(), message: e.to_string() })?);
    }
    let skos = |local: &str| format!("{SKOS}{local}");
    let (pref, alt, hidden, notation, broader, narrower, related, scope, definition, member, concept_type) = (
        skos("prefLabel"),
        skos("altLabel"),
        skos("hiddenLabel"),
        skos("notation"),
        skos("broader"),
        skos("narrower"),
        skos("related"),
        skos("scopeNote"),
        skos("definition"),
        skos("member"),
        skos("Concept"),
    );
    let acronym = format!("{TG_NS}acronym");
    let core = format!("{TG_NS}core");
    let umbrella = format!("{TG_NS}umbrella");
    let subject_iri = |s: &NamedOrBlankNode| match s {
        NamedOrBlankNode::NamedNode(n) => Some(n.as_str().to_string()),
        _ => None,
    };
    // Pass 1: which subjects are concepts.
    let mut is_concept: Vec<String> = Vec::new();
    for t in &triples {
        let p = t.predicate.as_str();
        let typed = p == RDF_TYPE && matches!(&t.object, Term::NamedNode(n) if n.as_str() == concept_type);
        if typed || p == pref || p == alt || p == acronym {
            if let Some(s) = subject_iri(&t.subject) {
                if s != core && s != umbrella {
                    is_concept.push(s);
                }
            }
        }
    }
    let mut touched = 0;
    for iri in &is_concept {
        if o.index_of_iri(iri).is_none() {
            touched += 1;
        }
        o.intern(Some(iri), &iri_slug(iri), name);
    }
    touched += is_concept.len().min(1); // extending existing concepts counts as content
    // Pass 2: properties.
    let mut unknown: Vec<String> = Vec::new();
    for t in &triples {
        let Some(s) = subject_iri(&t.subject) else { continue };
        let p = t.predicate.as_str();
        if (s == core || s == umbrella) && p == member {
            if let Term::NamedNode(n) = &t.object {
                match o.index_of_iri(n.as_str()) {
                    Some(i) if s == core => o.concepts[i].core = true,
                    Some(i) => o.concepts[i].umbrella = true,
                    None => unknown.push(format!("tg:{} member {} is not a concept", if s == core { "core" } else { "umbrella" }, n.as_str())),
                }
            }
            continue;
        }
        let Some(i) = o.index_of_iri(&s) else { continue };
        match &t.object {
            Term::Literal(l) => {
                if !english(l.language()) {
                    continue;
                }
                let v = l.value().trim().to_string();
                if v.is_empty() {
                    continue;
                }
                let c: &mut Concept = &mut o.concepts[i];
                if p == pref {
                    if c.pref_label.is_empty() {
                        c.pref_label = v;
                    } else if c.pref_label != v {
                        push_new(&mut c.alt_labels, v);
                    }
                } else if p == alt {
                    push_new(&mut c.alt_labels, v);
                } else if p == hidden {
                    push_new(&mut c.hidden_labels, v);
                } else if p == acronym || p == notation {
                    push_new(&mut c.acronyms, v);
                } else if (p == scope || p == definition) && c.scope_note.is_none() {
                    c.scope_note = Some(v);
                }
            }
            Term::NamedNode(n) => {
                let target = n.as_str();
                let rel = if p == broader {
                    1
                } else if p == narrower {
                    2
                } else if p == related {
                    3
                } else {
                    continue;
                };
                let Some(j) = o.index_of_iri(target) else {
                    unknown.push(format!("{s} {} {target}: the target is not a concept", if rel == 1 { "skos:broader" } else if rel == 2 { "skos:narrower" } else { "skos:related" }));
                    continue;
                };
                match rel {
                    1 => o.concepts[i].broader.push(j),
                    2 => o.concepts[j].broader.push(i),
                    _ => {
                        o.concepts[i].related.push(j);
                        o.concepts[j].related.push(i);
                    }
                }
            }
            _ => {}
        }
    }
    for m in unknown {
        o.notes.push(LoadNote { source: name.to_string(), message: m });
    }
    Ok(touched)
}

/// One row of a CSV or text list.
#[derive(Debug, Default)]
struct Row {
    label: String,
    id: Option<String>,
    alt: Vec<String>,
    broader: Vec<String>,
}

/// Load a CSV: a header row; labels from the `label` column (else the first); optional
/// columns `id`, `altLabels` and `broader` (ids or labels; several separated by `;` or `|`).
fn load_csv(o: &mut Ontology, name: &str, bytes: &[u8]) -> Result<usize, OntologyError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let err = |e: csv::Error| OntologyError::Csv { path: name.to_string(), message: e.to_string() };
    let headers: Vec<String> = reader.headers().map_err(err)?.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
    let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let label_col = col(&["label", "preflabel", "name"]).unwrap_or(0);
    let (id_col, alt_col, broader_col) = (col(&["id", "slug"]), col(&["altlabels", "altlabel", "synonyms"]), col(&["broader", "parent"]));
    let split = |s: &str| s.split([';', '|']).map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect::<Vec<_>>();
    let mut rows = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(err)?;
        let Some(label) = rec.get(label_col).map(str::trim).filter(|l| !l.is_empty()) else { continue };
        rows.push(Row {
            label: label.to_string(),
            id: id_col.and_then(|c| rec.get(c)).map(str::trim).filter(|x| !x.is_empty()).map(str::to_string),
            alt: alt_col.and_then(|c| rec.get(c)).map(split).unwrap_or_default(),
            broader: broader_col.and_then(|c| rec.get(c)).map(split).unwrap_or_default(),
        });
    }
    Ok(add_rows(o, name, rows))
}

/// Add label rows: labels that normalise alike become one concept (first label is the
/// prefLabel, the others altLabels); a label already in the ontology extends that concept.
fn add_rows(o: &mut Ontology, name: &str, rows: Vec<Row>) -> usize {
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for (i, c) in o.concepts.iter().enumerate() {
        for (l, _) in c.labels() {
            by_key.entry(label_key(l)).or_insert(i);
        }
    }
    let mut touched = 0;
    let mut pending_broader: Vec<(usize, Vec<String>)> = Vec::new();
    for row in rows {
        let key = label_key(&row.label);
        if key.is_empty() {
            o.notes.push(LoadNote { source: name.to_string(), message: format!("label {:?} has no letters or digits; skipped", row.label) });
            continue;
        }
        touched += 1;
        // A label that defines its acronym (`resource description framework (rdf)`) is one
        // concept with its long form's label, if the list has it.
        let long_key = label_definition(&row.label).map(|(long, _)| label_key(&long)).filter(|k| !k.is_empty());
        let i = match by_key.get(&key).or_else(|| long_key.as_ref().and_then(|k| by_key.get(k))) {
            Some(&i) => {
                if o.concepts[i].pref_label != row.label {
                    push_new(&mut o.concepts[i].alt_labels, row.label.clone());
                }
                i
            }
            None => {
                let slug = row.id.clone().unwrap_or_else(|| slugify(&row.label));
                let i = o.intern(None, &slug, name);
                o.concepts[i].pref_label = row.label.clone();
                i
            }
        };
        by_key.entry(key).or_insert(i);
        if let Some(k) = long_key {
            by_key.entry(k).or_insert(i);
        }
        for a in row.alt {
            by_key.entry(label_key(&a)).or_insert(i);
            push_new(&mut o.concepts[i].alt_labels, a);
        }
        if !row.broader.is_empty() {
            pending_broader.push((i, row.broader));
        }
    }
    for (i, parents) in pending_broader {
        for p in parents {
            let j = o.index_of(&p).or_else(|| by_key.get(&label_key(&p)).copied());
            match j {
                Some(j) if j != i => o.concepts[i].broader.push(j),
                _ => o.notes.push(LoadNote { source: name.to_string(), message: format!("{}: broader {p:?} is not a concept", o.concepts[i].id) }),
            }
        }
    }
    touched
}

fn push_new(v: &mut Vec<String>, s: String) {
    if !v.contains(&s) {
        v.push(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file(name: &str, content: &str) -> (tempfile::TempDir, OntologySpec) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::File::create(&path).unwrap().write_all(content.as_bytes()).unwrap();
        (dir, OntologySpec::File(path))
    }

    #[test]
    fn user_turtle_extends_bundled() {
        let ttl = r#"@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
            @prefix tgc: <https://w3id.org/topicgraph/concept/> .
            @prefix ex: <http://example.org/c/> .
            ex:radix-attention a skos:Concept ; skos:prefLabel "RadixAttention"@en ; skos:broader tgc:kv-cache .
            tgc:kv-cache skos:altLabel "K/V cache"@en ; skos:prefLabel "Cache clé-valeur"@fr ."#;
        let (_d, spec) = file("mine.ttl", ttl);
        let o = Ontology::load(&[OntologySpec::Bundled, spec]).unwrap();
        let r = o.get("radix-attention").unwrap();
        assert_eq!(o.concepts[r.broader[0]].id, "kv-cache");
        let kv = o.get("kv-cache").unwrap();
        assert!(kv.alt_labels.contains(&"K/V cache".to_string()));
        assert_eq!(kv.pref_label, "KV cache", "French label ignored");
        assert!(o.version().starts_with("bundled@1.") && o.version().contains("+mine.ttl@sha256:"));
    }

    #[test]
    fn core_and_umbrella_collections_mark_their_members() {
        let ttl = r#"@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
            @prefix tg: <https://w3id.org/topicgraph/ontology#> .
            @prefix ex: <http://example.org/c/> .
            ex:ml skos:prefLabel "Machine learning"@en .
            ex:gnn skos:prefLabel "Graph neural networks"@en ; skos:broader ex:ml .
            tg:core skos:member ex:ml , ex:gnn .
            tg:umbrella skos:member ex:ml ."#;
        let (_d, spec) = file("mine.ttl", ttl);
        let o = Ontology::load(&[spec]).unwrap();
        assert_eq!(o.concepts.len(), 2, "the collections are not concepts");
        let (ml, gnn) = (o.get("ml").unwrap(), o.get("gnn").unwrap());
        assert!(ml.core && ml.umbrella && gnn.core && !gnn.umbrella);
        let (_d, spec) = file("bad.ttl", "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<https://w3id.org/topicgraph/ontology#umbrella> skos:member <http://example.org/nothing> .\n<http://example.org/a> skos:prefLabel \"A\"@en .");
        let o = Ontology::load(&[spec]).unwrap();
        assert!(o.notes.iter().any(|n| n.message == "tg:umbrella member http://example.org/nothing is not a concept"), "{:?}", o.notes);
    }

    #[test]
    fn replacing_the_bundled_ontology() {
        let (_d, spec) = file("list.txt", "# my topics\nGraph neural networks\ngraph neural network\nSpeculative decoding\n");
        let o = Ontology::load(&[spec]).unwrap();
        assert_eq!(o.concepts.len(), 2, "labels that normalise alike are one concept");
        assert_eq!(o.concepts[0].pref_label, "Graph neural networks");
        assert_eq!(o.concepts[0].alt_labels, vec!["graph neural network"]);
        assert_eq!(o.concepts[0].id, "graph-neural-networks");
    }

    #[test]
    fn labels_that_define_their_acronym() {
        let list = "label\nrdf\nresource description framework (rdf)\nresource description framework\nqos (quality of service)\n\
                    case-based reasoning (cbr)\nconstant bit rate (cbr)\nobjective function (of)\nwireless mesh networks (wmns)\nlinkage (genetics)\n";
        let (_d, spec) = file("l.csv", list);
        let o = Ontology::load(&[spec]).unwrap();
        let get = |id: &str| o.get(id).unwrap_or_else(|| panic!("{id}: {:?}", o.concepts.iter().map(|c| &c.id).collect::<Vec<_>>()));
        // The long form joins the concept; the acronym is matched case-sensitively, in
        // capitals; the plain `rdf` label stays its own concept, as the list has it.
        let rdf = get("resource-description-framework-rdf");
        assert_eq!(rdf.alt_labels, vec!["resource description framework"]);
        assert_eq!(rdf.acronyms, vec!["RDF"]);
        assert!(get("rdf").acronyms.is_empty());
        let qos = get("qos-quality-of-service");
        assert_eq!((qos.alt_labels.as_slice(), qos.acronyms.as_slice()), (&["quality of service".to_string()][..], &["QOS".to_string()][..]));
        // Two long forms for one acronym: the long forms match, the acronym does not.
        assert!(get("case-based-reasoning-cbr").acronyms.is_empty() && get("constant-bit-rate-cbr").acronyms.is_empty());
        assert!(o.notes.iter().any(|n| n.message.contains("acronym CBR stands for 2 different long forms")), "{:?}", o.notes);
        assert!(get("objective-function-of").acronyms.is_empty(), "a lowercase English word is no acronym");
        assert_eq!(get("wireless-mesh-networks-wmns").acronyms, vec!["WMN"]);
        let linkage = get("linkage-genetics");
        assert!(linkage.alt_labels.is_empty() && linkage.acronyms.is_empty(), "a qualifier is no definition");
        // In Turtle too; an acronym another concept carries stays with it.
        let ttl = "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n@prefix tg: <https://w3id.org/topicgraph/ontology#> .\n\
                   <urn:x:rag> a skos:Concept ; skos:prefLabel \"Retrieval-augmented generation (RAG)\"@en .\n\
                   <urn:x:moe> a skos:Concept ; skos:prefLabel \"Mixture of experts\"@en ; tg:acronym \"MoE\" .\n\
                   <urn:x:moe2> a skos:Concept ; skos:prefLabel \"Mixture of encoders (MoE)\"@en .\n";
        let (_d, spec) = file("d.ttl", ttl);
        let o = Ontology::load(&[spec]).unwrap();
        assert_eq!((o.concepts[0].alt_labels.clone(), o.concepts[0].acronyms.clone()), (vec!["Retrieval-augmented generation".to_string()], vec!["RAG".to_string()]));
        assert_eq!(o.concepts[1].acronyms, vec!["MoE"]);
        assert!(o.concepts[2].acronyms.is_empty(), "{:?}", o.concepts[2]);
    }

    #[test]
    fn csv_label_column_and_slug_collisions() {
        let (_d, spec) = file("t.csv", "\u{feff}id,label,broader\n,Deep learning,\n,Deep-Learning!,\nx,Deep learning?,\n,Deep  learning at scale,Deep learning\n,deep learning at scale 2,\n");
        let o = Ontology::load(&[spec]).unwrap();
        let labels: Vec<&str> = o.concepts.iter().map(|c| c.pref_label.as_str()).collect();
        assert_eq!(labels, vec!["Deep learning", "Deep  learning at scale", "deep learning at scale 2"]);
        assert_eq!(o.concepts[1].broader, vec![0]);
        let (_d, spec) = file("u.csv", "name\nA B\nA-B\nA_B c\nA b c!\n");
        let o = Ontology::load(&[spec]).unwrap();
        assert_eq!(o.concepts.len(), 2);
        let (_d, spec) = file("v.csv", "label\nC++\nC plus plus\n");
        let o = Ontology::load(&[spec]).unwrap();
        assert_eq!(o.concepts.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), vec!["c-plus-plus", "c-plus-plus-2"]);
        assert!(o.notes.iter().any(|n| n.message.contains("c-plus-plus-2")), "collision reported: {:?}", o.notes);
    }

    #[test]
    fn errors_name_the_file() {
        let (_d, spec) = file("bad.ttl", "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<x> skos:prefLabel \"unterminated .");
        let e = Ontology::load(&[spec]).unwrap_err().to_string();
        assert!(e.contains("bad.ttl") && e.contains("syntax"), "{e}");
        let (_d, spec) = file("empty.txt", "\n# nothing\n");
        assert!(Ontology::load(&[spec]).unwrap_err().to_string().contains("no concepts"));
        let e = Ontology::load(&[OntologySpec::File("/no/such.ttl".into())]).unwrap_err().to_string();
        assert!(e.contains("/no/such.ttl"), "{e}");
    }
}
