//! The page at `/`: a query box and a results table, one self-contained HTML file (inline CSS
//! and JS, nothing fetched from elsewhere) so it works offline and behind firewalls. It posts
//! to `/query` asking for SPARQL JSON. `/?query=...` fills the box and runs it at once, so a
//! link can share a query.

use crate::rdf::vocab::PREFIXES;

const TEMPLATE: &str = include_str!("page.html");

/// The query the box starts with: the concepts with the most papers.
pub const EXAMPLE: &str = "SELECT ?concept ?label (COUNT(?paper) AS ?papers)
WHERE {
  ?concept a skos:Concept ; skos:prefLabel ?label .
  OPTIONAL { ?paper dcterms:subject ?concept }
}
GROUP BY ?concept ?label
ORDER BY DESC(?papers) ?label
LIMIT 20";

pub(crate) fn html() -> String {
    let prefixes: Vec<String> = PREFIXES.iter().map(|(p, ns)| format!("[{p:?},{ns:?}]")).collect();
    TEMPLATE.replace("/*PREFIXES*/", &prefixes.join(",")).replace("{{EXAMPLE}}", &escape(EXAMPLE)).replace("{{PREFIX_NAMES}}", &PREFIXES.iter().map(|(p, _)| *p).collect::<Vec<_>>().join(" "))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_page_is_filled_in() {
        let page = super::html();
        assert!(page.contains(r#"["skos","http://www.w3.org/2004/02/skos/core#"]"#));
        assert!(page.contains("GROUP BY ?concept ?label"));
        assert!(!page.contains("{{") && !page.contains("/*PREFIXES*/"));
        assert!(!page.contains("<script src") && !page.contains("<link "), "nothing is loaded from elsewhere");
    }
}
