//! With `--features neural`, let the binary find libtorch at run time without
//! LD_LIBRARY_PATH: an rpath to the real folder of `libtorch_cpu.so` (resolved through the
//! symlinks scripts/setup-neural.sh makes, so that libtorch's own `$ORIGIN/../../nvidia/...`
//! rpath finds the CUDA runtime stubs beside it). The default build does nothing here.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    if std::env::var_os("CARGO_FEATURE_NEURAL").is_none() {
        return;
    }
    let Some(libtorch) = std::env::var_os("LIBTORCH") else {
        println!("cargo:warning=LIBTORCH is not set: run `eval \"$(scripts/setup-neural.sh)\"` before building with --features neural");
        return;
    };
    let lib = std::path::Path::new(&libtorch).join("lib").join("libtorch_cpu.so");
    match std::fs::canonicalize(&lib) {
        Ok(real) => {
            let dir = real.parent().expect("a file has a folder");
            println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.display());
        }
        Err(e) => println!("cargo:warning=cannot resolve {}: {e}; the binary will need LD_LIBRARY_PATH", lib.display()),
    }
}
