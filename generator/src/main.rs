//! `openapi-rust-gen`: an OpenAPI 3.0 spec in, a Rust client crate out.
//!
//! The command line around [`generator::files`], which does the reading,
//! writing and checking (`cargo xtask codegen` goes through it too).

use clap::Parser;
use generator::Runtime;
use generator::files::{self, Job};
use std::path::PathBuf;
use std::process::ExitCode;

/// Generate a typed async Rust client crate from an OpenAPI 3.0 spec.
///
/// Writes the crate (Cargo.toml, README.md, src/) into --out, replacing only
/// files it wrote before (and removing only stale files under src/).
/// Warnings (what was skipped or repaired, with the JSON pointer of its
/// place in the spec) go to stderr.
///
/// Exit status:
///   0  the crate was written (with --check: it is up to date)
///   1  with --check: the crate is stale (the files are listed)
///   2  an error: bad arguments, a spec that cannot be read or generated,
///      or files that cannot be written
#[derive(Debug, Parser)]
#[command(name = "openapi-rust-gen", version, verbatim_doc_comment)]
struct Cli {
    /// The OpenAPI 3.0 document (YAML or JSON).
    spec: PathBuf,

    /// The folder of the crate to write (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,

    /// The crate's package name [default: pet-store.yaml -> pet-store-client]
    #[arg(long, value_name = "NAME", value_parser = package_name)]
    name: Option<String>,

    /// Where the crate gets its runtime (client-runtime: HTTP, credentials, retries, errors)
    ///
    ///   vendored           its source, copied into src/runtime/: the crate then
    ///                      depends only on crates from crates.io (the default
    ///                      outside the generator's repository)
    ///   path=REL           a path relative to the crate (the default inside the
    ///                      generator's repository: the path to generator/runtime)
    ///   git=URL[,rev=REV]  the generator's repository, or a fork, from git
    ///   version=X          a published client-runtime
    #[arg(long, value_name = "RUNTIME", verbatim_doc_comment)]
    runtime: Option<Runtime>,

    /// Write nothing; exit 1, listing the files, if --out is not what the spec gives
    #[arg(long)]
    check: bool,

    /// Refuse a spec longer than this many bytes [default: 64 MiB]
    #[arg(long, value_name = "N")]
    max_spec_bytes: Option<usize>,

    /// Refuse a spec nested deeper than this, schemas inside schemas
    /// included [default: 48]; raising it may need a bigger stack
    #[arg(long, value_name = "N")]
    max_depth: Option<usize>,

    /// Refuse a spec whose `$ref`s take more than this many resolution steps
    /// [default: 1000000]
    #[arg(long, value_name = "N")]
    max_ref_steps: Option<usize>,
}

/// A Cargo package name: letters, digits, `-` and `_`, not starting with a digit.
fn package_name(name: &str) -> Result<String, String> {
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(name.to_owned())
    } else {
        Err("a package name is ASCII letters, digits, `-` and `_`, and starts with a letter".to_owned())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: &Cli) -> Result<ExitCode, files::Error> {
    let mut job = Job::new(&cli.spec, &cli.out)?;
    if let Some(name) = &cli.name {
        job.options.crate_name = name.clone();
    }
    if let Some(runtime) = &cli.runtime {
        job.options.runtime = runtime.clone();
    }
    let limits = &mut job.options.limits;
    limits.max_spec_bytes = cli.max_spec_bytes.unwrap_or(limits.max_spec_bytes);
    limits.max_depth = cli.max_depth.unwrap_or(limits.max_depth);
    limits.max_ref_steps = cli.max_ref_steps.unwrap_or(limits.max_ref_steps);
    let generated = files::generate(&job)?;
    for warning in &generated.warnings {
        eprintln!("warning: {}: {warning}", cli.spec.display());
    }
    if cli.check {
        let stale = files::stale(&cli.out, &generated)?;
        if stale.is_empty() {
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!(
            "{} is not what {} gives; run without --check to regenerate it:",
            cli.out.display(),
            cli.spec.display()
        );
        for file in stale {
            eprintln!("  {file}");
        }
        return Ok(ExitCode::from(1));
    }
    files::write(&cli.out, &generated)?;
    if let Runtime::Path(path) = &job.options.runtime
        && !cli.out.join(path).join("Cargo.toml").is_file()
    {
        eprintln!(
            "warning: --runtime path={path}: no Cargo.toml at {}; the crate will not build until the runtime is there",
            cli.out.join(path).display()
        );
    }
    println!(
        "{}: {} operations, {} types -> {} ({})",
        cli.spec.display(),
        generated.operations,
        generated.types,
        cli.out.display(),
        match &job.options.runtime {
            Runtime::Vendored => "runtime vendored".to_owned(),
            Runtime::Path(path) => format!("runtime at {path}"),
            Runtime::Git { url, .. } => format!("runtime from {url}"),
            Runtime::Version(version) => format!("client-runtime {version}"),
        }
    );
    Ok(ExitCode::SUCCESS)
}
