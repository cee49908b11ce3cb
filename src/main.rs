//! The `topicgraph` binary: a thin command line over the library (see `cli/`).

mod cli;

// Ingestion and tagging allocate many small strings on several threads; mimalloc is
// measurably faster than the system allocator there (see `topicgraph bench`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
