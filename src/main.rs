//! The `topicgraph` binary: a thin command line over the library (see `cli/`).

mod cli;

// Ingestion and tagging allocate many small strings on several threads; mimalloc is
// measurably faster than the system allocator there (see `topicgraph bench`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc 3's `mi_option_t` (the Rust bindings name only
/// some options).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    // Tagging frees and reallocates the same few hundred MiB batch after batch. With
    // mimalloc's default 10 ms purge delay that memory went back to the OS and was faulted
    // in again, each fault zeroing a 2 MiB huge page: 10-22k page faults over the 2025-01..09
    // slice, about 900 without the purge (`perf stat -e page-faults`). The memory stays
    // with the process instead; the environment variable MIMALLOC_PURGE_DELAY still decides
    // when set.
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets an integer option of the allocator; called before any other thread.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    }
    cli::main()
}
