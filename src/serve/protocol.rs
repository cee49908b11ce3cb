//! The SPARQL 1.1 Protocol's requests, read from method, URL, Content-Type and body into an
//! [`Operation`] (no sockets here, so every rule is testable on its own).

use super::reply::Reply;
use crate::sparql::ResultFormat;
use std::time::Duration;

/// An HTTP request as the handler needs it.
pub(crate) struct HttpRequest<'a> {
    pub method: &'a str,
    /// Path and query string, as sent.
    pub url: &'a str,
    pub content_type: Option<&'a str>,
    pub body: Vec<u8>,
}

/// What a request asks for.
#[derive(Debug, PartialEq)]
pub(crate) enum Operation {
    Page,
    Health,
    Query(QueryParams),
    Update(String),
    /// A CORS preflight for `/query`.
    Preflight,
}

#[derive(Debug, Default, PartialEq)]
pub(crate) struct QueryParams {
    pub query: String,
    pub default_graphs: Vec<String>,
    pub named_graphs: Vec<String>,
    /// Asked-for limit; the server's own cap still applies.
    pub timeout: Option<Duration>,
    /// `?format=`: overrides the Accept header when it fits the query's kind.
    pub format: Option<ResultFormat>,
}

/// Route and parse a request, or the error reply (404, 405, 415, 400).
pub(crate) fn parse(request: HttpRequest<'_>) -> Result<Operation, Reply> {
    let (path, query_string) = request.url.split_once('?').unwrap_or((request.url, ""));
    let method = request.method;
    let media = request.content_type.map(|c| c.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
    let get = method == "GET" || method == "HEAD";
    match path {
        "/" | "/index.html" if get => Ok(Operation::Page),
        "/health" if get => Ok(Operation::Health),
        "/" | "/index.html" | "/health" => Err(Reply::method_not_allowed("GET, HEAD")),
        "/query" if get => query_params(decode_form(query_string)?),
        "/query" if method == "OPTIONS" => Ok(Operation::Preflight),
        "/query" if method == "POST" => match media.as_deref() {
            Some("application/sparql-query") => {
                let mut params = decode_form(query_string)?;
                params.push(("query".into(), body_text(request.body)?));
                query_params(params)
            }
            Some("application/x-www-form-urlencoded") => {
                let mut params = decode_form(query_string)?;
                params.extend(decode_form(&body_text(request.body)?)?);
                query_params(params)
            }
            other => Err(unsupported(other, "application/sparql-query or application/x-www-form-urlencoded")),
        },
        "/query" => Err(Reply::method_not_allowed("GET, POST, OPTIONS")),
        "/update" if method == "POST" => match media.as_deref() {
            Some("application/sparql-update") => Ok(Operation::Update(body_text(request.body)?)),
            Some("application/x-www-form-urlencoded") => {
                let params = decode_form(&body_text(request.body)?)?;
                Ok(Operation::Update(single(&params, "update")?))
            }
            other => Err(unsupported(other, "application/sparql-update or application/x-www-form-urlencoded")),
        },
        "/update" => Err(Reply::method_not_allowed("POST")),
        _ => Err(Reply::text(404, format!("no such page: {path} (try /, /query, /update, /health)\n"))),
    }
}

fn unsupported(media: Option<&str>, wanted: &str) -> Reply {
    Reply::text(415, format!("unsupported Content-Type {}: send {wanted}\n", media.unwrap_or("(none)")))
}

fn query_params(params: Vec<(String, String)>) -> Result<Operation, Reply> {
    let all = |name: &str| params.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect::<Vec<_>>();
    let timeout = match all("timeout").last() {
        None => None,
        Some(t) => Some(t.trim().parse::<f64>().ok().filter(|s| s.is_finite() && *s > 0.0).map(Duration::from_secs_f64).ok_or_else(|| Reply::text(400, format!("timeout must be a positive number of seconds, got {t:?}\n")))?),
    };
    // Not part of the protocol: clients such as SPARQLWrapper send `format=` (and `output=`)
    // with names of their own for any endpoint, so a name we do not know is left to Accept.
    let format = all("format").last().and_then(|f| f.parse::<ResultFormat>().ok());
    Ok(Operation::Query(QueryParams { query: single(&params, "query")?, default_graphs: all("default-graph-uri"), named_graphs: all("named-graph-uri"), timeout, format }))
}

/// The one value of a parameter that must appear exactly once.
fn single(params: &[(String, String)], name: &str) -> Result<String, Reply> {
    let mut values = params.iter().filter(|(k, _)| k == name);
    match (values.next(), values.next()) {
        (Some((_, v)), None) => Ok(v.clone()),
        (None, _) => Err(Reply::text(400, format!("missing the {name} parameter\n"))),
        (Some(_), Some(_)) => Err(Reply::text(400, format!("the {name} parameter is given more than once\n"))),
    }
}

fn body_text(body: Vec<u8>) -> Result<String, Reply> {
    String::from_utf8(body).map_err(|_| Reply::text(400, "the request body is not UTF-8\n".to_string()))
}

/// `application/x-www-form-urlencoded` pairs (also the URL's query string).
pub(crate) fn decode_form(text: &str) -> Result<Vec<(String, String)>, Reply> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((percent_decode(k)?, percent_decode(v)?))
        })
        .collect()
}

fn percent_decode(text: &str) -> Result<String, Reply> {
    let bad = || Reply::text(400, format!("bad percent-encoding in {text:?}\n"));
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok()).ok_or_else(bad)?;
                out.push(u8::from_str_radix(hex, 16).map_err(|_| bad())?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req<'a>(method: &'a str, url: &'a str, content_type: Option<&'a str>, body: &str) -> Result<Operation, Reply> {
        parse(HttpRequest { method, url, content_type, body: body.as_bytes().to_vec() })
    }

    fn status(r: Result<Operation, Reply>) -> u16 {
        r.expect_err("an error reply").status
    }

    fn query(r: Result<Operation, Reply>) -> QueryParams {
        match r {
            Ok(Operation::Query(q)) => q,
            _ => panic!("not a query"),
        }
    }

    #[test]
    fn get_takes_the_query_and_graphs_from_the_url() {
        let q = query(req("GET", "/query?query=ASK%20%7B%7D&default-graph-uri=http%3A%2F%2Fa&default-graph-uri=http://b&named-graph-uri=http://c&timeout=2.5&format=csv", None, ""));
        assert_eq!(q.query, "ASK {}");
        assert_eq!(q.default_graphs, ["http://a", "http://b"]);
        assert_eq!(q.named_graphs, ["http://c"]);
        assert_eq!(q.timeout, Some(Duration::from_millis(2500)));
        assert_eq!(q.format, Some(ResultFormat::Csv));
    }

    #[test]
    fn post_takes_a_raw_query_or_a_form() {
        let q = query(req("POST", "/query?default-graph-uri=http://a", Some("application/sparql-query; charset=utf-8"), "SELECT * {}"));
        assert_eq!((q.query.as_str(), q.default_graphs.as_slice()), ("SELECT * {}", ["http://a".to_string()].as_slice()));
        let q = query(req("POST", "/query", Some("application/x-www-form-urlencoded"), "query=SELECT+*+%7B%7D&named-graph-uri=http%3A%2F%2Fc"));
        assert_eq!((q.query.as_str(), q.named_graphs.as_slice()), ("SELECT * {}", ["http://c".to_string()].as_slice()));
    }

    #[test]
    fn updates_come_by_post_only() {
        assert_eq!(req("POST", "/update", Some("application/sparql-update"), "CLEAR ALL").unwrap(), Operation::Update("CLEAR ALL".into()));
        assert_eq!(req("POST", "/update", Some("application/x-www-form-urlencoded"), "update=CLEAR+ALL").unwrap(), Operation::Update("CLEAR ALL".into()));
        assert_eq!(status(req("GET", "/update?update=CLEAR+ALL", None, "")), 405);
    }

    #[test]
    fn wrong_methods_types_and_paths_get_their_status() {
        assert_eq!(status(req("PUT", "/query", None, "")), 405);
        assert_eq!(req("PUT", "/query", None, "").unwrap_err().header("allow"), Some("GET, POST, OPTIONS"));
        assert_eq!(status(req("POST", "/", None, "")), 405);
        assert_eq!(status(req("POST", "/query", Some("text/plain"), "ASK {}")), 415);
        assert_eq!(status(req("POST", "/query", None, "ASK {}")), 415);
        assert_eq!(status(req("POST", "/update", Some("application/json"), "{}")), 415);
        assert_eq!(status(req("GET", "/sparql", None, "")), 404);
        assert_eq!(req("GET", "/", None, "").unwrap(), Operation::Page);
        assert_eq!(req("HEAD", "/health", None, "").unwrap(), Operation::Health);
    }

    #[test]
    fn bad_parameters_are_400() {
        assert_eq!(status(req("GET", "/query", None, "")), 400);
        assert_eq!(status(req("GET", "/query?query=a&query=b", None, "")), 400);
        assert_eq!(status(req("GET", "/query?query=ASK{}&timeout=-1", None, "")), 400);
        assert_eq!(status(req("GET", "/query?query=%zz", None, "")), 400);
    }

    #[test]
    fn an_unknown_format_name_is_left_to_accept() {
        assert_eq!(query(req("GET", "/query?query=ASK{}&format=yaml&output=json", None, "")).format, None);
        assert_eq!(query(req("GET", "/query?query=ASK{}&format=n3", None, "")).format, Some(ResultFormat::Turtle));
    }

    #[test]
    fn percent_decoding_handles_utf8_and_plus() {
        assert_eq!(decode_form("a=caf%C3%A9+au+lait&b&=c").unwrap(), [("a".into(), "café au lait".into()), ("b".into(), String::new()), (String::new(), "c".into())]);
        assert!(percent_decode("%").is_err());
        assert!(percent_decode("%FF").is_err());
    }
}
