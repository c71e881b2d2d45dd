//! `cargo xtask codegen`: specs in, crates out, or a list of stale files.

use generator::{Generated, Options};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// One spec to generate, and where.
pub(crate) struct Job {
    pub spec: PathBuf,
    pub out: PathBuf,
    pub options: Options,
}

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let mut check = false;
    let mut spec = None;
    let mut out = None;
    let mut name = None;
    let mut limits = generator::Limits::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().cloned().ok_or(format!("`{arg}` needs a value"));
        match arg.as_str() {
            "--check" => check = true,
            "--spec" => spec = Some(PathBuf::from(value()?)),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--name" => name = Some(value()?),
            "--max-spec-bytes" => limits.max_spec_bytes = number(arg, &value()?)?,
            "--max-depth" => limits.max_depth = number(arg, &value()?)?,
            "--max-ref-steps" => limits.max_ref_steps = number(arg, &value()?)?,
            other => return Err(format!("unknown argument `{other}`\n{}", crate::USAGE)),
        }
    }
    let mut jobs = match (spec, out) {
        (Some(spec), Some(out)) => {
            let stem = stem(&spec)?;
            let crate_name = name.unwrap_or_else(|| format!("{stem}-client"));
            vec![Job {
                options: options(&crate_name, &spec.display().to_string(), &out),
                spec,
                out,
            }]
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
            stale.extend(stale_files(&job.out, &generated)?);
        } else {
            write(&job.out, &generated)?;
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

fn stem(spec: &Path) -> Result<String, String> {
    spec.file_stem()
        .and_then(|s| s.to_str())
        .map(str::to_owned)
        .ok_or_else(|| format!("{}: not a file name", spec.display()))
}

/// The options of a crate generated into `out`.
pub(crate) fn options(crate_name: &str, spec_path: &str, out: &Path) -> Options {
    Options {
        crate_name: crate_name.to_owned(),
        version: "0.1.0".to_owned(),
        spec_path: spec_path.to_owned(),
        runtime_path: runtime_path(out),
        limits: generator::Limits::default(),
    }
}

/// The runtime crate as a crate in `out` names it in its `Cargo.toml`:
/// relative when both are on one tree (`../../generator/runtime`), so that
/// the repository can move; absolute otherwise.
fn runtime_path(out: &Path) -> String {
    let runtime = crate::root().join("generator/runtime");
    let (Ok(out), Ok(runtime)) = (std::path::absolute(out), std::path::absolute(&runtime)) else {
        return runtime.display().to_string();
    };
    let (out, runtime) = (normalize(&out), normalize(&runtime));
    let common = out
        .components()
        .zip(runtime.components())
        .take_while(|(a, b)| a == b)
        .count();
    if common <= 1 {
        return runtime.display().to_string();
    }
    let mut relative = PathBuf::new();
    for _ in out.components().skip(common) {
        relative.push("..");
    }
    for part in runtime.components().skip(common) {
        relative.push(part);
    }
    // Forward slashes on every platform: the path goes into a TOML file.
    relative.to_string_lossy().replace('\\', "/")
}

/// `a/b/../c` → `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
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
            let stem = stem(&spec)?;
            Ok(Job {
                options: options(
                    &format!("{stem}-client"),
                    &format!("specs/{}", spec.file_name().unwrap().to_string_lossy()),
                    &root.join("generated").join(&stem),
                ),
                out: root.join("generated").join(&stem),
                spec,
            })
        })
        .collect()
}

/// Read and generate one spec; print its warnings.
pub(crate) fn generate(job: &Job) -> Result<Generated, String> {
    let text = fs::read_to_string(&job.spec).map_err(|e| format!("{}: {e}", job.spec.display()))?;
    let generated = generator::generate(&text, &job.options).map_err(|e| format!("{}: {e}", job.spec.display()))?;
    for warning in &generated.warnings {
        eprintln!("warning: {}: {warning}", job.spec.display());
    }
    Ok(generated)
}

/// The files of `out` that differ from `generated`, are missing or are extra.
fn stale_files(out: &Path, generated: &Generated) -> Result<Vec<String>, String> {
    let mut stale = Vec::new();
    for (path, contents) in &generated.files {
        let file = out.join(path);
        match fs::read_to_string(&file) {
            Ok(existing) if &existing == contents => {}
            Ok(_) => stale.push(format!("{} (differs)", file.display())),
            Err(_) => stale.push(format!("{} (missing)", file.display())),
        }
    }
    let expected: BTreeSet<PathBuf> = generated.files.keys().map(|p| out.join(p)).collect();
    for file in existing_files(out) {
        if !expected.contains(&file) {
            stale.push(format!("{} (not generated)", file.display()));
        }
    }
    Ok(stale)
}

fn write(out: &Path, generated: &Generated) -> Result<(), String> {
    let expected: BTreeSet<PathBuf> = generated.files.keys().map(|p| out.join(p)).collect();
    for file in existing_files(out) {
        if !expected.contains(&file) {
            fs::remove_file(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        }
    }
    for (path, contents) in &generated.files {
        let file = out.join(path);
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        if fs::read_to_string(&file).ok().as_deref() != Some(contents) {
            fs::write(&file, contents).map_err(|e| format!("{}: {e}", file.display()))?;
        }
    }
    Ok(())
}

/// Every file under `dir` (none if it does not exist).
fn existing_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}
