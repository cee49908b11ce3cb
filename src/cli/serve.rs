//! `topicgraph serve`: a SPARQL endpoint and query page over the store, until SIGINT/SIGTERM.

use crate::cli::EXIT_OK;
use anyhow::{bail, Context, Result};
use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;
use topicgraph::rdf::store::{open_read_only, open_read_write};
use topicgraph::serve::{ServeConfig, Server};

/// Serve the knowledge graph over the SPARQL 1.1 Protocol, with a query page at `/`.
#[derive(Args)]
#[command(after_help = "Examples:\n  \
    topicgraph serve                          # http://127.0.0.1:7878/ , read-only\n  \
    topicgraph serve --bind 0.0.0.0:8080      # reachable from other machines: say so explicitly\n  \
    curl -H 'Accept: text/csv' 'http://127.0.0.1:7878/query' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 5'\n\n\
    Routes: / (query page), /query (GET ?query=, POST application/sparql-query or a form;\n\
    default-graph-uri, named-graph-uri, timeout and format parameters), /update (POST;\n\
    403 unless --allow-update), /health. Results follow the Accept header (SPARQL JSON by\n\
    default; XML, CSV, TSV; Turtle, N-Triples, RDF/XML, JSON-LD for graphs). A result is\n\
    built in full before it is sent: 400 syntax error, 503 timeout, 413 larger than\n\
    --max-result-bytes. Stops cleanly on Ctrl-C or SIGTERM.")]
pub struct ServeArgs {
    /// The store `topicgraph build` wrote.
    #[arg(long, default_value = "output/store", value_name = "PATH")]
    pub store: PathBuf,
    /// Address and port to listen on (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:7878", value_name = "ADDR:PORT")]
    pub bind: SocketAddr,
    /// Accept SPARQL updates on /update (opens the store read-write).
    #[arg(long)]
    pub allow_update: bool,
    /// The longest a query may run, in seconds; requests may ask for less.
    #[arg(long, default_value_t = 30.0, value_name = "SECS")]
    pub timeout: f64,
    /// Larger results get a 413 asking for a LIMIT.
    #[arg(long, default_value_t = ServeConfig::default().max_result_bytes, value_name = "N")]
    pub max_result_bytes: usize,
    /// Requests answered at the same time.
    #[arg(long, default_value_t = ServeConfig::default().threads, value_name = "N")]
    pub threads: usize,
}

pub fn run(args: ServeArgs) -> Result<u8> {
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        bail!("--timeout must be a positive number of seconds, got {}", args.timeout);
    }
    // The opened store holds the lock (shared for reading, exclusive with updates) until
    // the server stops; the server works on a handle to the same database.
    let opened = if args.allow_update { open_read_write(&args.store)? } else { open_read_only(&args.store)? };
    let store = opened.store().clone();
    let config = ServeConfig { bind: args.bind, allow_update: args.allow_update, timeout: Duration::from_secs_f64(args.timeout), max_result_bytes: args.max_result_bytes, threads: args.threads, store_dir: Some(args.store.clone()) };
    let server = Server::bind(store, config)?;
    let shutdown = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        // A second signal while shutting down ends the process at once.
        signal_hook::flag::register_conditional_shutdown(signal, 1, Arc::clone(&shutdown)).context("installing the signal handler")?;
        signal_hook::flag::register(signal, Arc::clone(&shutdown)).context("installing the signal handler")?;
    }
    let mode = if args.allow_update { "read-write, updates allowed" } else { "read-only" };
    eprintln!("serving {} at http://{}/ ({mode})", args.store.display(), server.local_addr());
    server.run(&shutdown)?;
    drop(opened);
    eprintln!("topicgraph serve: stopped");
    Ok(EXIT_OK)
}
