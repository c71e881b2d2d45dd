//! `cargo xtask codegen`: specs in, crates out, or a list of stale files.
//!
//! Reading, writing and checking are `generator::files`, the same code
//! `openapi-rust-gen` runs; this file only knows this repository's layout.

use generator::files::{self, Job};
use generator::{Generated, Options, Runtime};
use std::fs;
use std::path::{Path, PathBuf};

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let mut check = false;
    let mut spec = None;
    let mut out = None;
    let mut name = None;
    let mut runtime = None;
    let mut limits = generator::Limits::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().cloned().ok_or(format!("`{arg}` needs a value"));
        match arg.as_str() {
            "--check" => check = true,
            "--spec" => spec = Some(PathBuf::from(value()?)),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--name" => name = Some(value()?),
            "--runtime" => runtime = Some(value()?.parse::<Runtime>()?),
            "--max-spec-bytes" => limits.max_spec_bytes = number(arg, &value()?)?,
            "--max-depth" => limits.max_depth = number(arg, &value()?)?,
            "--max-ref-steps" => limits.max_ref_steps = number(arg, &value()?)?,
            other => return Err(format!("unknown argument `{other}`\n{}", crate::USAGE)),
        }
    }
    let mut jobs = match (spec, out) {
        (Some(spec), Some(out)) => {
            let mut job = Job::new(&spec, &out).map_err(|e| e.to_string())?;
            if let Some(name) = name {
                job.options.crate_name = name;
            }
            if let Some(runtime) = runtime {
                job.options.runtime = runtime;
            }
            vec![job]
        }
        (None, None) => workspace_jobs()?,
        _ => return Err("`--spec` and `--out` go together".to_owned()),
    };
    for job in &mut jobs {
        job.options.limits = limits;
    }
    let mut stale = Vec::new();
    for job in &jobs {
        let generated = generate(job)?;
        if check {
            stale.extend(files::stale(&job.out, &generated).map_err(|e| e.to_string())?);
        } else {
            files::write(&job.out, &generated).map_err(|e| e.to_string())?;
            println!(
                "{}: {} operations, {} types -> {}",
                job.spec.display(),
                generated.operations,
                generated.types,
                job.out.display()
            );
        }
    }
    if stale.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = stale.iter().map(|s| format!("  {s}")).collect();
    Err(format!(
        "generated code is stale; run `cargo xtask codegen` and commit the result:\n{}",
        list.join("\n")
    ))
}

/// A limit's value: digits, with `_` allowed between them (`4_000_000`).
fn number(flag: &str, value: &str) -> Result<usize, String> {
    value
        .replace('_', "")
        .parse()
        .map_err(|_| format!("`{flag} {value}`: not a number"))
}

/// A job of this repository's: the spec and crate folder named relative to
/// the repository root in the generated files, the runtime by its relative
/// path (`generated/` is the same wherever the repository is).
pub(crate) fn job(crate_name: &str, spec: &Path, out: &Path) -> Result<Job, String> {
    let root = crate::root();
    let relative = |path: &Path| {
        path.strip_prefix(&root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    };
    let mut options = Options::new(crate_name);
    options.spec_path = relative(spec);
    options.crate_dir = relative(out);
    options.generated_by = "cargo xtask codegen".to_owned();
    // Inside the repository: the shared runtime crate, by its relative path.
    options.runtime = files::default_runtime(out);
    if !matches!(options.runtime, Runtime::Path(_)) {
        return Err(format!("{}: not inside this repository", out.display()));
    }
    Ok(Job {
        spec: spec.to_path_buf(),
        out: out.to_path_buf(),
        options,
    })
}

/// `specs/<name>.yaml` → `generated/<name>`, crate `<name>-client`.
fn workspace_jobs() -> Result<Vec<Job>, String> {
    let root = crate::root();
    let specs = root.join("specs");
    let mut entries: Vec<PathBuf> = fs::read_dir(&specs)
        .map_err(|e| format!("{}: {e}", specs.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")))
        .collect();
    entries.sort();
    entries
        .into_iter()
        .map(|spec| {
            let stem = spec
                .file_stem()
                .and_then(|s| s.to_str())
                .ok_or_else(|| format!("{}: not a file name", spec.display()))?
                .to_owned();
            job(&format!("{stem}-client"), &spec, &root.join("generated").join(&stem))
        })
        .collect()
}

/// Read and generate one spec; print its warnings.
pub(crate) fn generate(job: &Job) -> Result<Generated, String> {
    let generated = files::generate(job).map_err(|e| e.to_string())?;
    for warning in &generated.warnings {
        eprintln!("warning: {}: {warning}", job.spec.display());
    }
    Ok(generated)
}
