//! `cargo xtask`: the commands people type. The I/O edge of the generator.
//!
//! - `cargo xtask codegen`: regenerate `generated/<name>/` from each `specs/<name>.yaml`.
//! - `cargo xtask codegen --check`: write nothing; fail, listing stale files, when
//!   `generated/` is not what the specs give.
//! - `cargo xtask codegen --spec FILE --out DIR [--name CRATE] [--runtime R]`: any one
//!   spec, as `openapi-rust-gen FILE --out DIR` does it (the same `generator::files` code).
//! - `cargo xtask corpus [DIR]`: generate and `cargo check` every spec in DIR.
//! - `cargo xtask docs`: document `generated/` and fail on a link that does not resolve.
//! - `cargo xtask bench [--quick]`: generation, build and client benchmarks.
//! - `cargo xtask stress [--quick] [--shape NAME]`: generation time against size for specs shaped to hurt.
//! - `cargo xtask fuzz [--seconds N]`: a bounded fuzzing run of `generate` (needs cargo-fuzz).
//! - `cargo xtask bench-split [SPEC] [AREA] [--rounds N] [--time-passes] [--baseline]`: a split
//!   crate's cold build in full and with one area, beside the unsplit crate.

mod bench;
mod codegen;
mod corpus;
mod docs;
mod fuzz;
mod split;
mod stress;
mod threads;

use std::path::PathBuf;
use std::process::ExitCode;

/// The allocator `openapi-rust-gen` has, so that `measure`, `bench` and
/// `codegen` time what the command does (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: generator::allocator::Allocator = generator::allocator::Allocator;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen::run(&args[1..]),
        Some("corpus") => corpus::run(&args[1..]),
        Some("docs") => docs::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("bench-split") => split::run(&args[1..]),
        Some("stress") => stress::run(&args[1..]),
        Some("bench-threads") => threads::run(&args[1..]),
        Some("fuzz") => fuzz::run(&args[1..]),
        // Internal: one spec's generation time and peak memory, in its own process.
        Some("measure") => bench::measure(&args[1..]),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage:
  cargo xtask codegen [--check]
  cargo xtask codegen --spec FILE --out DIR [--name CRATE] [--runtime R] [--check]
    R: vendored | path=REL | git=URL[,rev=REV] | version=X (see openapi-rust-gen --help)
    (either form) [--max-spec-bytes N] [--max-depth N] [--max-ref-steps N]: raise the generator's limits
  cargo xtask corpus [DIR] [--every-feature]
  cargo xtask docs
  cargo xtask bench [--quick]
  cargo xtask bench-split [SPEC] [AREA] [--rounds N] [--time-passes] [--baseline]
  cargo xtask bench-threads [--rounds N]
  cargo xtask stress [--quick] [--shape NAME]
  cargo xtask fuzz [--seconds N]";

/// The workspace root (the parent of `xtask/`).
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace root")
        .to_path_buf()
}

/// In a debug build, run `cargo xtask <command> ARGS` again as a release
/// build and give its outcome (timings come from an optimised generator);
/// in a release build, `None`: the caller does the work itself.
pub(crate) fn in_release(command: &str, args: &[String]) -> Option<Result<(), String>> {
    if !cfg!(debug_assertions) {
        return None;
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(cargo)
        .args(["run", "--quiet", "--release", "--package", "xtask", "--", command])
        .args(args)
        .current_dir(root())
        .status();
    Some(match status {
        Ok(status) if status.success() => Ok(()),
        Ok(_) => Err(format!("{command} failed")),
        Err(error) => Err(error.to_string()),
    })
}
