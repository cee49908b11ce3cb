//! `topicgraph ontology check`: what is wrong with an ontology, in words a user can act on.

use super::{Ontology, OntologyError, OntologySpec};
use crate::text::label_key;
use std::collections::HashMap;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{s}: {}", self.message)
    }
}

/// Load the sources as `tag` would, then report: references to unknown concepts, cycles in
/// `skos:broader`, concepts without labels (errors); labels shared by several concepts and
/// slug collisions (warnings). Problems come sorted, errors first.
pub fn check(specs: &[OntologySpec]) -> Result<(Ontology, Vec<Problem>), OntologyError> {
    let o = Ontology::load(specs)?;
    let mut out = Vec::new();
    for n in &o.notes {
        let severity = if n.message.contains("is not a concept") { Severity::Error } else { Severity::Warning };
        out.push(Problem { severity, message: format!("{}: {}", n.source, n.message) });
    }
    for c in &o.concepts {
        if c.pref_label.is_empty() && c.alt_labels.is_empty() && c.acronyms.is_empty() {
            out.push(Problem { severity: Severity::Error, message: format!("concept {} ({}) has no label", c.id, c.iri) });
        }
    }
    for cycle in broader_cycles(&o) {
        let names: Vec<&str> = cycle.iter().map(|&i| o.concepts[i].id.as_str()).collect();
        out.push(Problem { severity: Severity::Error, message: format!("skos:broader cycle: {} -> {}", names.join(" -> "), names[0]) });
    }
    let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, c) in o.concepts.iter().enumerate() {
        let mut keys: Vec<String> = c.labels().filter(|(_, k)| *k != super::LabelKind::Acronym).map(|(l, _)| label_key(l)).collect();
        keys.extend(c.acronyms.iter().map(|a| format!("acronym:{a}")));
        keys.sort();
        keys.dedup();
        for k in keys {
            by_key.entry(k).or_default().push(i);
        }
    }
    let mut dups: Vec<(&String, &Vec<usize>)> = by_key.iter().filter(|(_, v)| v.len() > 1).collect();
    dups.sort();
    for (key, concepts) in dups {
        let names: Vec<&str> = concepts.iter().map(|&i| o.concepts[i].id.as_str()).collect();
        let label = concepts.iter().flat_map(|&i| o.concepts[i].labels()).find(|(l, k)| {
            if let Some(a) = key.strip_prefix("acronym:") { *l == a } else { *k != super::LabelKind::Acronym && label_key(l) == *key }
        });
        out.push(Problem {
            severity: Severity::Warning,
            message: format!("label {:?} belongs to several concepts: {}", label.map(|(l, _)| l).unwrap_or(key), names.join(", ")),
        });
    }
    out.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.message.cmp(&b.message)));
    Ok((o, out))
}

/// Every cycle along `skos:broader` (each reported once, from its smallest index).
fn broader_cycles(o: &Ontology) -> Vec<Vec<usize>> {
    // Iterative DFS with colours: 0 new, 1 on stack, 2 done.
    let n = o.concepts.len();
    let mut colour = vec![0u8; n];
    let mut cycles = Vec::new();
    for root in 0..n {
        if colour[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        let mut path: Vec<usize> = vec![root];
        colour[root] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&p) = o.concepts[node].broader.get(*next) {
                *next += 1;
                match colour[p] {
                    0 => {
                        colour[p] = 1;
                        stack.push((p, 0));
                        path.push(p);
                    }
                    1 => {
                        let pos = path.iter().position(|&x| x == p).unwrap_or(0);
                        let mut cyc = path[pos..].to_vec();
                        let min = cyc.iter().enumerate().min_by_key(|(_, &c)| c).map(|(k, _)| k).unwrap_or(0);
                        cyc.rotate_left(min);
                        if !cycles.contains(&cyc) {
                            cycles.push(cyc);
                        }
                    }
                    _ => {}
                }
            } else {
                colour[node] = 2;
                stack.pop();
                path.pop();
            }
        }
    }
    cycles
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_is_clean() {
        let (_, problems) = check(&[OntologySpec::Bundled]).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn finds_each_kind_of_problem() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.ttl");
        std::fs::write(
            &path,
            r#"@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
            @prefix ex: <http://example.org/> .
            ex:a a skos:Concept ; skos:prefLabel "Alpha" ; skos:broader ex:b .
            ex:b a skos:Concept ; skos:prefLabel "Beta" ; skos:broader ex:c .
            ex:c a skos:Concept ; skos:prefLabel "Gamma" ; skos:broader ex:a .
            ex:d a skos:Concept ; skos:altLabel "alphas" ; skos:broader ex:missing .
            ex:e a skos:Concept ."#,
        )
        .unwrap();
        let (_, problems) = check(&[OntologySpec::File(path)]).unwrap();
        let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert!(text.iter().any(|t| t.starts_with("error: skos:broader cycle: a -> b -> c -> a")), "{text:?}");
        assert!(text.iter().any(|t| t.starts_with("error:") && t.contains("ex") && t.contains("missing") && t.contains("not a concept")), "{text:?}");
        assert!(text.iter().any(|t| t == "error: concept e (http://example.org/e) has no label"), "{text:?}");
        assert!(text.iter().any(|t| t.starts_with("warning: label") && t.contains("a, d")), "{text:?}");
        assert_eq!(problems[0].severity, Severity::Error);
    }
}
