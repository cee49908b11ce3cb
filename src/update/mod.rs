//! `update`: follow live sources into a store, for a daily cron job.
//!
//! A config file ([`Config`], TOML) names the sources to follow. Each source has a cursor in
//! the store's state graph: the last day it was fetched up to ([`cursor`], [`set_cursor`]).
//! A run fetches each source from its cursor (that day again, since a service may add
//! papers to a day after it was fetched) or from the config's `since` to today, builds what
//! came in (`build::build_files`: records already loaded change nothing), and moves the
//! cursor only when both succeeded. Running it twice in a row adds nothing the second time.

use crate::fetch::http::Client;
use crate::fetch::{arxiv, hf, openalex, FetchError, Fetched};
use crate::model::PartialDate;
use crate::rdf::iri::{Graph, Iris};
use crate::rdf::store::KgStore;
use crate::rdf::vocab::{TG_NS, XSD};
use oxigraph::model::{GraphNameRef, Literal, NamedNode, Quad, Term};
use oxigraph::store::StorageError;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    #[error("{path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path}: {reason}")]
    Invalid { path: String, reason: String },
}

/// What `topicgraph.toml` says. Relative paths are relative to the file's folder.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Output folder (the store is `out/store`).
    #[serde(default)]
    pub out: Option<PathBuf>,
    /// First day to fetch for a source that has no cursor yet.
    #[serde(default)]
    pub since: Option<String>,
    /// Keep only papers of these categories or archives (`cs.CL`, `cs`).
    #[serde(default)]
    pub categories: Vec<String>,
    /// Ontology sources, as `--ontology` takes them (`bundled`, files).
    #[serde(default)]
    pub ontology: Vec<String>,
    /// Cache folder for raw responses.
    #[serde(default)]
    pub cache: Option<PathBuf>,
    #[serde(rename = "source", default)]
    pub sources: Vec<SourceConfig>,
}

/// One source to follow.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    pub kind: SourceKind,
    /// The name of its cursor (default: the kind, numbered when a kind repeats).
    #[serde(default)]
    pub name: Option<String>,
    /// arXiv API: categories or archives, OR-ed.
    #[serde(default)]
    pub categories: Vec<String>,
    /// arXiv API: a search query (`abs:"KV cache"`).
    #[serde(default)]
    pub query: Option<String>,
    /// arXiv OAI-PMH: the set (`cs`).
    #[serde(default)]
    pub set: Option<String>,
    /// arXiv OAI-PMH: metadata format, `arXiv` (default) or `arXivRaw`.
    #[serde(default)]
    pub prefix: Option<String>,
    /// OpenAlex filter expression.
    #[serde(default)]
    pub filter: Option<String>,
    /// OpenAlex full-text search.
    #[serde(default)]
    pub search: Option<String>,
    /// OpenAlex polite-pool e-mail (else `$OPENALEX_MAILTO`).
    #[serde(default)]
    pub mailto: Option<String>,
    /// At most this many results a run.
    #[serde(default)]
    pub max: Option<u64>,
    /// The service's endpoint (a mirror, a test server).
    #[serde(default)]
    pub base_url: Option<String>,
    /// First day for this source when it has no cursor (else the config's `since`).
    #[serde(default)]
    pub since: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// The arXiv search API, by submission date.
    Arxiv,
    /// arXiv OAI-PMH, by datestamp.
    ArxivOai,
    /// Hugging Face daily papers, a request per day.
    HfDaily,
    /// OpenAlex works, by publication date.
    Openalex,
}

impl SourceKind {
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Arxiv => "arxiv",
            SourceKind::ArxivOai => "arxiv-oai",
            SourceKind::HfDaily => "hf-daily",
            SourceKind::Openalex => "openalex",
        }
    }
}

/// A source ready to run: its cursor name and first day.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub since: Option<PartialDate>,
    pub config: SourceConfig,
}

impl Config {
    /// Read and check a config file; relative paths become relative to its folder.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: shown.clone(), source })?;
        let mut cfg: Config = toml::from_str(&text).map_err(|e| ConfigError::Invalid { path: shown.clone(), reason: e.to_string() })?;
        let dir = path.parent().unwrap_or(Path::new(""));
        let rel = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = dir.join(&*p);
            }
        };
        cfg.out.as_mut().map(rel);
        cfg.cache.as_mut().map(rel);
        for o in &mut cfg.ontology {
            if o != "bundled" && Path::new(o.as_str()).is_relative() {
                *o = dir.join(&*o).display().to_string();
            }
        }
        cfg.sources().map_err(|reason| ConfigError::Invalid { path: shown, reason })?;
        Ok(cfg)
    }

    /// The sources with their cursor names (unique, IRI-safe) and first days, checked.
    pub fn sources(&self) -> Result<Vec<Source>, String> {
        if self.sources.is_empty() {
            return Err("no [[source]] to follow (see `topicgraph update --help` for an example)".into());
        }
        let date = |s: &Option<String>, what: &str| -> Result<Option<PartialDate>, String> { s.as_deref().map(|d| d.parse().map_err(|e| format!("{what} = {d:?}: {e}"))).transpose() };
        let since = date(&self.since, "since")?;
        let mut out: Vec<Source> = Vec::new();
        for (i, s) in self.sources.iter().enumerate() {
            let at = format!("source {} ({})", i + 1, s.kind.name());
            match s.kind {
                SourceKind::Arxiv if s.categories.is_empty() && s.query.is_none() => return Err(format!("{at}: give `categories` or `query`")),
                SourceKind::Openalex if s.filter.is_none() && s.search.is_none() => return Err(format!("{at}: give `filter` or `search`")),
                _ => {}
            }
            let name = match &s.name {
                Some(n) if !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) => n.clone(),
                Some(n) => return Err(format!("{at}: name {n:?} must be letters, digits, '-', '_' or '.'")),
                None => {
                    let same = self.sources[..i].iter().filter(|o| o.kind == s.kind && o.name.is_none()).count();
                    if same == 0 { s.kind.name().to_string() } else { format!("{}-{}", s.kind.name(), same + 1) }
                }
            };
            if out.iter().any(|o| o.name == name) {
                return Err(format!("{at}: two sources are named {name:?}"));
            }
            let own = date(&s.since, &format!("{at}: since"))?;
            out.push(Source { name, since: own.or(since), config: s.clone() });
        }
        Ok(out)
    }
}

/// Fetch one source for the days `from..=until`.
pub fn fetch_source(client: &Client, s: &SourceConfig, from: PartialDate, until: PartialDate) -> Result<Fetched, FetchError> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    match s.kind {
        SourceKind::Arxiv => {
            let q = arxiv::ApiQuery { search: s.query.clone(), categories: s.categories.clone(), from: Some(from), until: Some(until), ids: Vec::new(), max: s.max, page_size: 200 };
            arxiv::fetch_api(client, s.base_url.as_deref().unwrap_or(arxiv::API_URL), &q, false)
        }
        SourceKind::ArxivOai => {
            let q = arxiv::OaiQuery { prefix: s.prefix.clone().unwrap_or_else(|| "arXiv".into()), set: s.set.clone(), from: Some(from), until: Some(until) };
            arxiv::fetch_oai(client, s.base_url.as_deref().unwrap_or(arxiv::OAI_URL), &q, false)
        }
        SourceKind::HfDaily => hf::fetch(client, s.base_url.as_deref().unwrap_or(hf::URL), from, until),
        SourceKind::Openalex => {
            let q = openalex::Query { filter: s.filter.clone(), search: s.search.clone(), from: Some(from), until: Some(until), max: s.max, mailto: s.mailto.clone().or_else(|| env("OPENALEX_MAILTO")), api_key: env("OPENALEX_API_KEY") };
            openalex::fetch(client, s.base_url.as_deref().unwrap_or(openalex::URL), &q, false)
        }
    }
}

fn cursor_node(iris: &Iris, name: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{}state/update/{name}", iris.base()))
}

fn fetched_until() -> NamedNode {
    NamedNode::new_unchecked(format!("{TG_NS}fetchedUntil"))
}

/// The last day source `name` was fetched up to, if it ever was.
pub fn cursor(store: &KgStore, iris: &Iris, name: &str) -> Result<Option<PartialDate>, StorageError> {
    let (node, g) = (cursor_node(iris, name), iris.graph(Graph::State));
    for q in store.quads_for_pattern(Some(node.as_ref().into()), Some(fetched_until().as_ref()), None, Some(GraphNameRef::NamedNode(g.as_ref()))) {
        if let Term::Literal(l) = q?.object {
            if let Ok(d) = l.value().parse() {
                return Ok(Some(d));
            }
        }
    }
    Ok(None)
}

/// Move source `name`'s cursor to `day` (one atomic replacement).
pub fn set_cursor(store: &KgStore, iris: &Iris, name: &str, day: PartialDate) -> Result<(), StorageError> {
    let (node, g) = (cursor_node(iris, name), iris.graph(Graph::State));
    let mut tx = store.start_transaction()?;
    let old: Vec<Quad> = tx.quads_for_pattern(Some(node.as_ref().into()), Some(fetched_until().as_ref()), None, Some(GraphNameRef::NamedNode(g.as_ref()))).collect::<Result<_, _>>()?;
    for q in &old {
        tx.remove(q);
    }
    let value = Literal::new_typed_literal(day.to_string(), NamedNode::new_unchecked(format!("{XSD}date")));
    tx.insert(&Quad::new(node, fetched_until(), value, g));
    tx.commit()
}

/// The window a run fetches: from the cursor (that day again) or the first day, to `until`.
/// `None` when the source has nothing to fetch (its cursor is past `until`).
pub fn window(cursor: Option<PartialDate>, since: Option<PartialDate>, until: PartialDate) -> Option<(PartialDate, PartialDate)> {
    let from = cursor.or(since).unwrap_or(until);
    (from <= until).then_some((from, until))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> PartialDate {
        s.parse().unwrap()
    }

    #[test]
    fn windows_start_at_the_cursor_day() {
        assert_eq!(window(Some(d("2025-06-03")), Some(d("2025-01-01")), d("2025-06-05")), Some((d("2025-06-03"), d("2025-06-05"))));
        assert_eq!(window(None, Some(d("2025-06-01")), d("2025-06-05")), Some((d("2025-06-01"), d("2025-06-05"))));
        assert_eq!(window(None, None, d("2025-06-05")), Some((d("2025-06-05"), d("2025-06-05"))));
        assert_eq!(window(Some(d("2025-06-06")), None, d("2025-06-05")), None);
    }

    #[test]
    fn config_names_sources_and_resolves_paths() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("topicgraph.toml");
        std::fs::write(&path, "out = \"kg\"\nsince = \"2025-06-01\"\nontology = [\"bundled\", \"mine.ttl\"]\n[[source]]\nkind = \"arxiv\"\ncategories = [\"cs.CL\"]\n[[source]]\nkind = \"hf-daily\"\n[[source]]\nkind = \"hf-daily\"\nsince = \"2025-05-01\"\n").unwrap();
        let cfg = Config::load(&path).unwrap();
        assert_eq!(cfg.out.as_deref(), Some(dir.path().join("kg").as_path()));
        assert_eq!(cfg.ontology, ["bundled".to_string(), dir.path().join("mine.ttl").display().to_string()]);
        let s = cfg.sources().unwrap();
        assert_eq!(s.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["arxiv", "hf-daily", "hf-daily-2"]);
        assert_eq!(s[0].since, Some(d("2025-06-01")));
        assert_eq!(s[2].since, Some(d("2025-05-01")));
    }

    #[test]
    fn the_documented_config_loads() {
        let cfg = Config::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/topicgraph.toml")).unwrap();
        let names: Vec<String> = cfg.sources().unwrap().into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["arxiv", "hf-daily"]);
    }

    #[test]
    fn bad_configs_say_what_is_wrong() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.toml");
        for (text, says) in [
            ("[[source]]\nkind = \"arxiv\"\n", "give `categories` or `query`"),
            ("[[source]]\nkind = \"gopher\"\n", "unknown variant"),
            ("", "no [[source]]"),
            ("since = \"June\"\n[[source]]\nkind = \"hf-daily\"\n", "since = \"June\""),
            ("[[source]]\nkind = \"hf-daily\"\nname = \"a b\"\n", "must be letters"),
            ("[[source]]\nkind = \"hf-daily\"\ncategory = \"cs\"\n", "unknown field"),
        ] {
            std::fs::write(&path, text).unwrap();
            let e = Config::load(&path).unwrap_err().to_string();
            assert!(e.contains(says) && e.contains("t.toml"), "{text:?}: {e}");
        }
    }

    #[test]
    fn cursors_live_in_the_state_graph() {
        let store = KgStore::in_memory();
        let iris = Iris::default();
        assert_eq!(cursor(&store, &iris, "arxiv").unwrap(), None);
        set_cursor(&store, &iris, "arxiv", d("2025-06-03")).unwrap();
        set_cursor(&store, &iris, "arxiv", d("2025-06-04")).unwrap();
        assert_eq!(cursor(&store, &iris, "arxiv").unwrap(), Some(d("2025-06-04")));
        assert_eq!(cursor(&store, &iris, "hf-daily").unwrap(), None);
        assert_eq!(store.len().unwrap(), 1);
    }
}
