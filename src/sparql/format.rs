//! Result formats, which kinds of results each can carry, and HTTP content negotiation.

use std::fmt;
use std::str::FromStr;

/// What a query answers, known once it runs: it decides which formats apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResultKind {
    /// SELECT: a table of bindings.
    Solutions,
    /// ASK: true or false.
    Boolean,
    /// CONSTRUCT or DESCRIBE: RDF triples.
    Graph,
}

impl fmt::Display for ResultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Solutions => "SELECT",
            Self::Boolean => "ASK",
            Self::Graph => "CONSTRUCT/DESCRIBE",
        })
    }
}

/// A serialization of query results. SELECT and ASK use the SPARQL results formats, CONSTRUCT
/// and DESCRIBE the RDF syntaxes; [`ResultFormat::Table`] is for people and fits every kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResultFormat {
    /// Aligned text columns with shortened IRIs (terminals).
    Table,
    Json,
    Xml,
    Csv,
    Tsv,
    Turtle,
    NTriples,
    RdfXml,
    JsonLd,
}

impl ResultFormat {
    pub const ALL: [ResultFormat; 9] = [Self::Table, Self::Json, Self::Xml, Self::Csv, Self::Tsv, Self::Turtle, Self::NTriples, Self::RdfXml, Self::JsonLd];

    /// The name `--format` and `?format=` take.
    pub fn name(self) -> &'static str {
        match self {
            Self::Table => "table",
            Self::Json => "json",
            Self::Xml => "xml",
            Self::Csv => "csv",
            Self::Tsv => "tsv",
            Self::Turtle => "turtle",
            Self::NTriples => "ntriples",
            Self::RdfXml => "rdfxml",
            Self::JsonLd => "jsonld",
        }
    }

    /// The media type sent as Content-Type (no parameters: clients compare it literally).
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Table => "text/plain; charset=utf-8",
            Self::Json => "application/sparql-results+json",
            Self::Xml => "application/sparql-results+xml",
            Self::Csv => "text/csv",
            Self::Tsv => "text/tab-separated-values",
            Self::Turtle => "text/turtle",
            Self::NTriples => "application/n-triples",
            Self::RdfXml => "application/rdf+xml",
            Self::JsonLd => "application/ld+json",
        }
    }

    /// Whether this format can carry results of `kind`.
    pub fn fits(self, kind: ResultKind) -> bool {
        match self {
            Self::Table => true,
            Self::Json | Self::Xml | Self::Csv | Self::Tsv => kind != ResultKind::Graph,
            Self::Turtle | Self::NTriples | Self::RdfXml | Self::JsonLd => kind == ResultKind::Graph,
        }
    }

    /// What a client that accepts anything gets.
    pub fn default_for(kind: ResultKind) -> Self {
        if kind == ResultKind::Graph {
            Self::Turtle
        } else {
            Self::Json
        }
    }

    /// The format a file extension names (`csv`, `ttl`, `srj`, ...).
    pub fn from_extension(extension: &str) -> Option<Self> {
        Some(match extension.to_ascii_lowercase().as_str() {
            "json" | "srj" => Self::Json,
            "xml" | "srx" => Self::Xml,
            "csv" => Self::Csv,
            "tsv" => Self::Tsv,
            "ttl" => Self::Turtle,
            "nt" => Self::NTriples,
            "rdf" | "owl" => Self::RdfXml,
            "jsonld" => Self::JsonLd,
            "txt" => Self::Table,
            _ => return None,
        })
    }

    /// The SPARQL results format behind this one, for SELECT and ASK.
    pub(crate) fn results_format(self) -> Option<oxigraph::sparql::results::QueryResultsFormat> {
        use oxigraph::sparql::results::QueryResultsFormat as F;
        Some(match self {
            Self::Json => F::Json,
            Self::Xml => F::Xml,
            Self::Csv => F::Csv,
            Self::Tsv => F::Tsv,
            _ => return None,
        })
    }

    /// The RDF syntax behind this one, for CONSTRUCT and DESCRIBE.
    pub(crate) fn rdf_format(self) -> Option<oxigraph::io::RdfFormat> {
        use oxigraph::io::{JsonLdProfile, RdfFormat as F};
        Some(match self {
            Self::Turtle => F::Turtle,
            Self::NTriples => F::NTriples,
            Self::RdfXml => F::RdfXml,
            Self::JsonLd => F::JsonLd { profile: JsonLdProfile::Streaming.into() },
            _ => return None,
        })
    }
}

/// Media types a client may ask for, with the format each means. A type may stand for one
/// format per kind (`application/json` is SPARQL JSON for SELECT, JSON-LD for CONSTRUCT).
const MEDIA_TYPES: &[(&str, ResultFormat)] = &[
    ("application/sparql-results+json", ResultFormat::Json),
    ("application/json", ResultFormat::Json),
    ("application/sparql-results+xml", ResultFormat::Xml),
    ("application/xml", ResultFormat::Xml),
    ("text/csv", ResultFormat::Csv),
    ("text/tab-separated-values", ResultFormat::Tsv),
    ("text/turtle", ResultFormat::Turtle),
    ("application/x-turtle", ResultFormat::Turtle),
    ("application/n-triples", ResultFormat::NTriples),
    ("application/rdf+xml", ResultFormat::RdfXml),
    ("application/xml", ResultFormat::RdfXml),
    ("application/ld+json", ResultFormat::JsonLd),
    ("application/json", ResultFormat::JsonLd),
    ("text/plain", ResultFormat::Table),
];

impl fmt::Display for ResultFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ResultFormat {
    type Err = String;

    /// A format name (`json`, `ttl`, `nt`, ...) or one of its media types.
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim().to_ascii_lowercase();
        let alias = match s.as_str() {
            "srj" => Some(Self::Json),
            "srx" => Some(Self::Xml),
            // Turtle is N3 too; SPARQLWrapper asks CONSTRUCT results by these names.
            "ttl" | "n3" => Some(Self::Turtle),
            "nt" | "n-triples" => Some(Self::NTriples),
            "rdf" | "rdf-xml" | "rdf/xml" | "rdf+xml" => Some(Self::RdfXml),
            "json-ld" => Some(Self::JsonLd),
            "text" => Some(Self::Table),
            _ => None,
        };
        alias
            .or_else(|| Self::ALL.into_iter().find(|f| f.name() == s))
            .or_else(|| MEDIA_TYPES.iter().find(|(m, _)| *m == s).map(|(_, f)| *f))
            .ok_or_else(|| format!("unknown format {s:?}: use one of {}", Self::ALL.map(|f| f.name()).join(", ")))
    }
}

/// One media range of an Accept header.
struct Range<'a> {
    kind: &'a str,
    sub: &'a str,
    q: f32,
    /// Position in the header: earlier wins a tie.
    order: usize,
}

fn parse_accept(accept: &str) -> Vec<Range<'_>> {
    accept
        .split(',')
        .enumerate()
        .filter_map(|(order, item)| {
            let mut parts = item.split(';');
            let (kind, sub) = parts.next()?.trim().split_once('/')?;
            let q = parts
                .filter_map(|p| p.split_once('='))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("q"))
                .map_or(1.0, |(_, v)| v.trim().parse::<f32>().unwrap_or(0.0));
            Some(Range { kind: kind.trim(), sub: sub.trim(), q, order })
        })
        .collect()
}

/// How specifically `range` names `media` (2 exact, 1 `type/*`, 0 `*/*`), or `None`.
fn specificity(range: &Range, media: &str) -> Option<u8> {
    let (kind, sub) = media.split_once('/')?;
    match (range.kind, range.sub) {
        ("*", "*") => Some(0),
        (k, "*") if k.eq_ignore_ascii_case(kind) => Some(1),
        (k, s) if k.eq_ignore_ascii_case(kind) && s.eq_ignore_ascii_case(sub) => Some(2),
        _ => None,
    }
}

/// The format to answer `kind` in, from an HTTP Accept header (RFC 9110 q-values; the most
/// specific range decides a type's q). Ties go to the range listed first, then to the usual
/// format. Nothing acceptable, or no header, gives [`ResultFormat::default_for`]: a result
/// in a standard format serves a client better than a 406.
pub fn negotiate(accept: Option<&str>, kind: ResultKind) -> ResultFormat {
    let ranges = accept.map(parse_accept).unwrap_or_default();
    // The usual format first, so that it wins ties among equally good wildcard matches.
    let default = ResultFormat::default_for(kind);
    let candidates = std::iter::once(default).chain(ResultFormat::ALL.into_iter().filter(|f| *f != default && *f != ResultFormat::Table)).chain([ResultFormat::Table]);
    let mut best: Option<(f32, usize, ResultFormat)> = None;
    for (rank, format) in candidates.filter(|f| f.fits(kind)).enumerate() {
        let canonical = format.media_type().split(';').next().unwrap_or_default();
        let medias = MEDIA_TYPES.iter().filter(|(_, f)| *f == format).map(|(m, _)| *m);
        // For each media type of the format, the q of its most specific range. Aliases count
        // only when named exactly: `*/*` admits the type that will be sent, not its aliases.
        let score = medias
            .filter_map(|m| ranges.iter().filter_map(|r| specificity(r, m).filter(|s| *s == 2 || m == canonical).map(|s| (s, r))).max_by_key(|(s, r)| (*s, std::cmp::Reverse(r.order))))
            .map(|(_, r)| (r.q, r.order))
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        let Some((q, order)) = score.filter(|(q, _)| *q > 0.0) else { continue };
        let key = order * ResultFormat::ALL.len() + rank;
        if best.is_none_or(|(bq, bkey, _)| q > bq || (q == bq && key < bkey)) {
            best = Some((q, key, format));
        }
    }
    best.map_or(default, |(_, _, f)| f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ResultFormat::*;
    use ResultKind::*;

    #[test]
    fn names_and_media_types_parse() {
        for f in ResultFormat::ALL {
            assert_eq!(f.name().parse::<ResultFormat>(), Ok(f));
        }
        assert_eq!("ttl".parse(), Ok(Turtle));
        assert_eq!("text/csv".parse(), Ok(Csv));
        assert!("yaml".parse::<ResultFormat>().unwrap_err().contains("table, json"));
        assert_eq!(ResultFormat::from_extension("TTL"), Some(Turtle));
        assert_eq!(ResultFormat::from_extension("rq"), None);
    }

    #[test]
    fn no_or_wildcard_accept_gives_the_standard_format() {
        assert_eq!(negotiate(None, Solutions), Json);
        assert_eq!(negotiate(Some("*/*"), Solutions), Json);
        assert_eq!(negotiate(Some("*/*"), Boolean), Json);
        assert_eq!(negotiate(Some("*/*"), Graph), Turtle);
        assert_eq!(negotiate(Some(""), Graph), Turtle);
    }

    #[test]
    fn exact_types_win() {
        assert_eq!(negotiate(Some("application/sparql-results+xml"), Solutions), Xml);
        assert_eq!(negotiate(Some("text/csv"), Solutions), Csv);
        assert_eq!(negotiate(Some("text/tab-separated-values"), Boolean), Tsv);
        assert_eq!(negotiate(Some("application/n-triples"), Graph), NTriples);
        assert_eq!(negotiate(Some("application/ld+json"), Graph), JsonLd);
        assert_eq!(negotiate(Some("text/plain"), Graph), Table);
    }

    #[test]
    fn q_values_rank_and_zero_refuses() {
        assert_eq!(negotiate(Some("application/sparql-results+json;q=0.5, text/csv"), Solutions), Csv);
        assert_eq!(negotiate(Some("text/csv;q=0.2, application/sparql-results+xml;q=0.9"), Solutions), Xml);
        // `*/*` would allow JSON, but the exact range refuses it.
        assert_eq!(negotiate(Some("application/sparql-results+json;q=0, */*"), Solutions), Xml);
        assert_eq!(negotiate(Some("text/*"), Solutions), Csv);
    }

    #[test]
    fn the_kind_decides_what_a_shared_type_means() {
        assert_eq!(negotiate(Some("application/json"), Solutions), Json);
        assert_eq!(negotiate(Some("application/json"), Graph), JsonLd);
        assert_eq!(negotiate(Some("application/xml"), Graph), RdfXml);
    }

    #[test]
    fn ties_go_to_the_first_listed_and_nothing_acceptable_to_the_default() {
        assert_eq!(negotiate(Some("text/csv, application/sparql-results+json"), Solutions), Csv);
        assert_eq!(negotiate(Some("text/turtle"), Solutions), Json);
        assert_eq!(negotiate(Some("image/png"), Graph), Turtle);
        // A browser's header: XML is the best it names.
        assert_eq!(negotiate(Some("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"), Solutions), Xml);
    }

    #[test]
    fn formats_fit_their_kinds() {
        assert!(Csv.fits(Boolean) && !Csv.fits(Graph));
        assert!(Turtle.fits(Graph) && !Turtle.fits(Solutions));
        assert!(ResultFormat::ALL.iter().all(|f| f.fits(Solutions) || f.fits(Graph)));
        assert!(Table.fits(Solutions) && Table.fits(Boolean) && Table.fits(Graph));
    }
}
