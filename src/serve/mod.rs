//! `topicgraph serve`: the SPARQL 1.1 Protocol over HTTP, plus a query page for people.
//!
//! Entry point: [`Server::bind`] then [`Server::run`], which answers requests on a pool of
//! worker threads (the store has many concurrent readers) until a shutdown flag is set.
//! Routes: `/` the page, `/query` (GET, POST), `/update` (POST, 403 unless updates are
//! allowed), `/health`. Requests are parsed in `protocol`, answered here, and every reply is
//! complete before it is sent (`reply`).

mod page;
mod protocol;
mod reply;

use crate::sparql::{self, negotiate, QueryOptions, SparqlError};
use oxigraph::store::Store;
use protocol::{HttpRequest, Operation, QueryParams};
use reply::Reply;
use std::io::Read;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How the server runs. `Default`: 127.0.0.1:7878, read-only, 30 s, 64 MiB, 4 threads.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    pub bind: SocketAddr,
    /// Accept SPARQL updates on `/update` (the store must be open read-write).
    pub allow_update: bool,
    /// The longest a query or update may run; a request may ask for less.
    pub timeout: Duration,
    /// The largest result body; larger results get a 413.
    pub max_result_bytes: usize,
    /// Requests answered at the same time.
    pub threads: usize,
    /// The store's folder on disk: an update there deletes the tag sidecar, which follows
    /// only what builds write ([`crate::rdf::sidecar`]).
    pub store_dir: Option<std::path::PathBuf>,
}

impl Default for ServeConfig {
    fn default() -> Self {
        Self { bind: SocketAddr::from(([127, 0, 0, 1], 7878)), allow_update: false, timeout: Duration::from_secs(30), max_result_bytes: 64 << 20, threads: 4, store_dir: None }
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    #[error("cannot listen on {addr}: {message}")]
    Bind { addr: SocketAddr, message: String },
    #[error("cannot start a worker thread: {0}")]
    Thread(#[source] std::io::Error),
}

/// The largest request body read (a query or an update, not a data upload).
const MAX_BODY: u64 = 8 << 20;

pub struct Server {
    http: tiny_http::Server,
    store: Store,
    config: ServeConfig,
}

impl Server {
    /// Listen on `config.bind` (port 0 picks a free port: see [`Server::local_addr`]).
    pub fn bind(store: Store, config: ServeConfig) -> Result<Self, ServeError> {
        let http = tiny_http::Server::http(config.bind).map_err(|e| ServeError::Bind { addr: config.bind, message: e.to_string() })?;
        Ok(Self { http, store, config })
    }

    /// The address actually listened on.
    pub fn local_addr(&self) -> SocketAddr {
        self.http.server_addr().to_ip().unwrap_or(self.config.bind)
    }

    /// Answer requests until `shutdown` becomes true (a signal handler sets it), then let
    /// the requests being answered finish (each within the timeout) and return.
    pub fn run(&self, shutdown: &AtomicBool) -> Result<(), ServeError> {
        let threads = self.config.threads.max(1);
        std::thread::scope(|scope| {
            let mut started = 0;
            let mut result = Ok(());
            for i in 0..threads {
                match std::thread::Builder::new().name(format!("serve-{i}")).spawn_scoped(scope, || self.work()) {
                    Ok(_) => started += 1,
                    Err(e) => {
                        result = Err(ServeError::Thread(e));
                        shutdown.store(true, Ordering::SeqCst);
                        break;
                    }
                }
            }
            while !shutdown.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(50));
            }
            // Each unblock wakes one worker waiting in recv(), which then returns.
            for _ in 0..started {
                self.http.unblock();
            }
            result
        })
    }

    fn work(&self) {
        while let Ok(request) = self.http.recv() {
            self.respond(request);
        }
    }

    fn respond(&self, mut request: tiny_http::Request) {
        let header = |name: &'static str| request.headers().iter().find(|h| h.field.equiv(name)).map(|h| h.value.as_str().to_string());
        let (content_type, accept, origin, host) = (header("Content-Type"), header("Accept"), header("Origin"), header("Host"));
        let mut body = Vec::new();
        let read = request.as_reader().take(MAX_BODY + 1).read_to_end(&mut body);
        let method = request.method().as_str().to_string();
        let url = request.url().to_string();
        let reply = if read.is_err() {
            Reply::text(400, "could not read the request body\n".into())
        } else if body.len() as u64 > MAX_BODY {
            Reply::text(413, format!("request body larger than {MAX_BODY} bytes\n"))
        } else {
            let http = HttpRequest { method: &method, url: &url, content_type: content_type.as_deref(), body };
            let context = Context { accept: accept.as_deref(), origin: origin.as_deref(), host: host.as_deref() };
            // A bug in one request must not take a worker down with it.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.answer(http, &context))).unwrap_or_else(|_| Reply::text(500, "internal error\n".into()))
        };
        let mut response = tiny_http::Response::from_data(reply.body).with_status_code(reply.status);
        let headers = std::iter::once(("Content-Type", reply.content_type)).chain(reply.headers);
        for (name, value) in headers {
            response.add_header(tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("static ASCII headers"));
        }
        // An error here means the client went away: nothing left to tell it.
        let _ = request.respond(response);
    }

    fn answer(&self, request: HttpRequest<'_>, context: &Context<'_>) -> Reply {
        match protocol::parse(request) {
            Err(reply) => reply,
            Ok(Operation::Page) => Reply::new(200, "text/html; charset=utf-8", page::html().into_bytes()),
            Ok(Operation::Health) => Reply::text(200, "ok\n".into()),
            Ok(Operation::Preflight) => Reply::new(204, "text/plain", Vec::new()).cors().with("Access-Control-Allow-Methods", "GET, POST").with("Access-Control-Allow-Headers", "Content-Type, Accept"),
            Ok(Operation::Query(params)) => self.query(params, context.accept).cors(),
            Ok(Operation::Update(text)) => self.update(&text, context),
        }
    }

    fn query(&self, params: QueryParams, accept: Option<&str>) -> Reply {
        let timeout = params.timeout.map_or(self.config.timeout, |t| t.min(self.config.timeout));
        let options = QueryOptions { default_graphs: params.default_graphs, named_graphs: params.named_graphs, timeout: Some(timeout) };
        let text = &params.query;
        let result = sparql::evaluate(&self.store, text, &options).and_then(|evaluation| {
            let kind = evaluation.kind();
            let format = params.format.filter(|f| f.fits(kind)).unwrap_or_else(|| negotiate(accept, kind));
            let (body, _) = evaluation.write(format, Vec::new(), Some(self.config.max_result_bytes))?;
            Ok(Reply::new(200, format.media_type(), body))
        });
        result.unwrap_or_else(|e| Reply::error(&e, text))
    }

    fn update(&self, text: &str, context: &Context<'_>) -> Reply {
        if !self.config.allow_update {
            return Reply::error(&SparqlError::UpdateForbidden, text);
        }
        // A page from another site may POST a form here without asking (no CORS preflight):
        // refuse updates whose Origin is not this server.
        if context.origin.is_some_and(|origin| Some(origin.split_once("://").map_or(origin, |(_, rest)| rest)) != context.host) {
            return Reply::text(403, "cross-origin updates are refused\n".into());
        }
        match sparql::update(&self.store, text, Some(self.config.timeout)) {
            Ok(()) => match self.config.store_dir.as_deref().map(crate::rdf::sidecar::invalidate) {
                Some(Err(e)) => Reply::text(500, format!("the update was applied, but the stale tag sidecar could not be deleted: {e}\n")),
                _ => Reply::new(204, "text/plain", Vec::new()),
            },
            Err(e) => Reply::error(&e, text),
        }
    }
}

/// Request headers that shape the answer but not the operation.
struct Context<'a> {
    accept: Option<&'a str>,
    origin: Option<&'a str>,
    host: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sparql::test_store;

    fn server(allow_update: bool) -> Server {
        let config = ServeConfig { bind: SocketAddr::from(([127, 0, 0, 1], 0)), allow_update, max_result_bytes: 300, ..Default::default() };
        Server::bind(test_store::store(), config).unwrap()
    }

    fn ask(server: &Server, method: &str, url: &str, content_type: Option<&str>, body: &str, accept: Option<&str>) -> Reply {
        let context = Context { accept, origin: None, host: Some("localhost") };
        server.answer(HttpRequest { method, url, content_type, body: body.as_bytes().to_vec() }, &context)
    }

    #[test]
    fn a_query_is_answered_in_the_negotiated_format() {
        let s = server(false);
        let r = ask(&s, "GET", "/query?query=SELECT%20%3Fl%20%7B%20%3Fc%20skos%3AprefLabel%20%3Fl%20%7D", None, "", Some("text/csv"));
        assert_eq!((r.status, r.content_type, r.body.as_slice()), (200, "text/csv", b"l\r\nTransformers\r\n".as_slice()));
        assert_eq!(r.header("Access-Control-Allow-Origin"), Some("*"));
        let r = ask(&s, "POST", "/query?format=tsv", Some("application/sparql-query"), "ASK {}", Some("text/csv"));
        assert_eq!((r.status, r.content_type), (200, "text/tab-separated-values"));
    }

    #[test]
    fn failures_get_their_status() {
        let s = server(false);
        assert_eq!(ask(&s, "GET", "/query?query=SELECT", None, "", None).status, 400);
        assert_eq!(ask(&s, "GET", "/query?query=SELECT%20*%20%7B%3Fs%20%3Fp%20%3Fo%7D", None, "", None).status, 413);
        let r = ask(&s, "GET", "/query?query=ASK%7B%7D&format=turtle", None, "", Some("text/csv"));
        assert_eq!((r.status, r.content_type), (200, "text/csv"), "a format that cannot hold the kind falls back to Accept");
        assert_eq!(ask(&s, "POST", "/update", Some("application/sparql-update"), "CLEAR ALL", None).status, 403);
    }

    #[test]
    fn updates_when_allowed_and_same_origin() {
        let s = server(true);
        let insert = "INSERT DATA { GRAPH <http://g> { <http://s> <http://p> \"new\" } }";
        assert_eq!(ask(&s, "POST", "/update", Some("application/sparql-update"), insert, None).status, 204);
        let r = ask(&s, "GET", "/query?query=ASK%7B%3Fs%20%3Fp%20%22new%22%7D&format=csv", None, "", None);
        assert_eq!(r.body, b"true");
        let context = Context { accept: None, origin: Some("http://evil.example"), host: Some("localhost:7878") };
        let r = s.answer(HttpRequest { method: "POST", url: "/update", content_type: Some("application/sparql-update"), body: b"CLEAR ALL".to_vec() }, &context);
        assert_eq!(r.status, 403);
        let context = Context { accept: None, origin: Some("http://localhost:7878"), host: Some("localhost:7878") };
        let r = s.answer(HttpRequest { method: "POST", url: "/update", content_type: Some("application/sparql-update"), body: b"CLEAR ALL".to_vec() }, &context);
        assert_eq!(r.status, 204);
    }

    #[test]
    fn the_page_and_health() {
        let s = server(false);
        let page = ask(&s, "GET", "/", None, "", None);
        assert_eq!((page.status, page.content_type), (200, "text/html; charset=utf-8"));
        assert!(String::from_utf8(page.body).unwrap().contains("<textarea"));
        assert_eq!(ask(&s, "GET", "/health", None, "", None).body, b"ok\n");
    }

    #[test]
    fn run_returns_when_the_flag_is_set() {
        let s = server(false);
        let flag = AtomicBool::new(false);
        std::thread::scope(|scope| {
            let handle = scope.spawn(|| s.run(&flag));
            std::thread::sleep(Duration::from_millis(100));
            flag.store(true, Ordering::SeqCst);
            assert!(handle.join().unwrap().is_ok());
        });
    }
}
