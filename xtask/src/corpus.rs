//! `cargo xtask corpus [DIR] [--every-feature]`: generate a crate for every
//! spec in DIR, check them all with one `cargo check` through the shared
//! target directory, then again with their `mock` feature, and print a table.
//! A spec passes when its crate compiles with no warnings, with and without
//! the feature: with its default features (for a crate split by area,
//! `full`), and, for a split crate, with each area's feature on its own:
//! every area with `--every-feature`, else the sample [`sample`] picks.

use crate::codegen;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

struct Row {
    spec: String,
    package: String,
    operations: usize,
    types: usize,
    lines: usize,
    millis: f64,
    warnings: usize,
    /// The areas of a split crate, and how many of them were checked alone.
    features: Vec<String>,
    checked_alone: usize,
    /// The first problem: a generator error, or the first compiler error or warning.
    problem: Option<String>,
}

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let root = crate::root();
    let every_feature = args.iter().any(|a| a == "--every-feature");
    let dir = match args.iter().find(|a| !a.starts_with("--")) {
        Some(dir) => PathBuf::from(dir),
        None => root.join("../shared/corpus"),
    };
    let scratch = root
        .join("target/corpus")
        .join(dir.file_name().and_then(|n| n.to_str()).unwrap_or("specs"));
    let mut specs: Vec<PathBuf> = fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")))
        .collect();
    specs.sort();
    if specs.is_empty() {
        return Err(format!("{}: no specs (*.yaml, *.yml, *.json)", dir.display()));
    }
    let _ = fs::remove_dir_all(&scratch);
    let mut rows = Vec::new();
    for spec in &specs {
        let stem = spec
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .to_lowercase()
            .replace(['.', '_', ' '], "-");
        let package = format!("corpus-{stem}");
        let job = codegen::job(&package, spec, &scratch.join(&stem))?;
        let started = Instant::now();
        let result = codegen::generate(&job);
        let millis = started.elapsed().as_secs_f64() * 1000.0;
        let name = spec.file_name().unwrap().to_string_lossy().into_owned();
        match result {
            Ok(generated) => {
                let lines = generated
                    .files
                    .iter()
                    .filter(|(p, _)| p.ends_with(".rs"))
                    .map(|(_, c)| c.lines().count())
                    .sum();
                for (path, contents) in &generated.files {
                    let file = job.out.join(path);
                    fs::create_dir_all(file.parent().unwrap()).map_err(|e| e.to_string())?;
                    fs::write(&file, contents).map_err(|e| e.to_string())?;
                }
                rows.push(Row {
                    spec: name,
                    package,
                    operations: generated.operations,
                    types: generated.types,
                    lines,
                    millis,
                    warnings: generated.warnings.len(),
                    features: generated.features.clone(),
                    checked_alone: 0,
                    problem: None,
                });
            }
            Err(error) => rows.push(Row {
                spec: name,
                package,
                operations: 0,
                types: 0,
                lines: 0,
                millis,
                warnings: 0,
                features: Vec::new(),
                checked_alone: 0,
                problem: Some(format!("generator: {}", first_line(&error))),
            }),
        }
    }
    let members: Vec<String> = rows
        .iter()
        .filter(|r| r.problem.is_none())
        .map(|r| format!("    \"{}\",", r.package.trim_start_matches("corpus-")))
        .collect();
    let manifest = format!(
        "# Written by `cargo xtask corpus`.\n[workspace]\nresolver = \"3\"\nmembers = [\n{}\n]\n\n[profile.dev]\ndebug = false\n",
        members.join("\n")
    );
    fs::write(scratch.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    for features in [&["--workspace"][..], &["--workspace", "--features", "mock"][..]] {
        let problems = check(&scratch, &root.join("target"), features)?;
        for row in &mut rows {
            if row.problem.is_none()
                && let Some(problem) = problems.get(&row.package)
            {
                let with = if features.len() == 1 { "" } else { "with `mock`: " };
                row.problem = Some(format!("{with}{problem}"));
            }
        }
    }
    // A split crate: each area on its own (no other feature) compiles too.
    for row in rows
        .iter_mut()
        .filter(|r| r.problem.is_none() && !r.features.is_empty())
    {
        let areas = if every_feature {
            row.features.clone()
        } else {
            sample(&row.features)
        };
        for area in &areas {
            let args = ["-p", &row.package, "--no-default-features", "--features", area];
            let problems = check(&scratch, &root.join("target"), &args)?;
            row.checked_alone += 1;
            if let Some(problem) = problems.get(&row.package) {
                row.problem = Some(format!("feature `{area}` alone: {problem}"));
                break;
            }
        }
    }
    print_table(&rows);
    let failed = rows.iter().filter(|r| r.problem.is_some()).count();
    println!("{} passed, {failed} failed", rows.len() - failed);
    if failed > 0 {
        Err(format!("{failed} of {} specs failed", rows.len()))
    } else {
        Ok(())
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().chars().take(160).collect()
}

/// Which areas of a split crate CI checks alone, to keep its time in bounds:
/// four evenly spaced in name order from the first, and the last. Each
/// check parses the whole crate and compiles one area (Stripe's: 1 to 4 s
/// on the shared 2-core machine; 62 of them would add minutes per corpus).
/// `--every-feature` checks them all.
pub(crate) fn sample(features: &[String]) -> Vec<String> {
    let step = features.len().div_ceil(4).max(1);
    let mut picked: Vec<String> = features.iter().step_by(step).cloned().collect();
    if let Some(last) = features.last()
        && !picked.contains(last)
    {
        picked.push(last.clone());
    }
    picked
}

/// `cargo check` in the scratch workspace with `args` (which packages, which
/// features); the first error or warning per package.
fn check(scratch: &Path, target: &Path, args: &[&str]) -> Result<BTreeMap<String, String>, String> {
    eprintln!(
        "checking the generated crates (cargo check {}, target {}) ...",
        args.join(" "),
        target.display()
    );
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["check", "--quiet", "--message-format", "json"])
        .args(args)
        .current_dir(scratch)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let mut problems = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-message" {
            continue;
        }
        let level = message["message"]["level"].as_str().unwrap_or_default();
        if !matches!(level, "error" | "warning") {
            continue;
        }
        let package = message["package_id"].as_str().unwrap_or_default();
        let Some(name) = package_name(package) else { continue };
        let text = message["message"]["message"].as_str().unwrap_or_default();
        let place = message["message"]["spans"][0]["file_name"].as_str().unwrap_or_default();
        let line_no = message["message"]["spans"][0]["line_start"]
            .as_u64()
            .unwrap_or_default();
        problems
            .entry(name)
            .or_insert_with(|| format!("{level}: {} ({place}:{line_no})", first_line(text)));
    }
    if !output.status.success() && problems.is_empty() {
        return Err(format!(
            "cargo check failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(problems)
}

/// `path+file:///.../corpus-x#0.1.0` or `corpus-x 0.1.0 (...)` → `corpus-x`.
fn package_name(id: &str) -> Option<String> {
    if let Some((_, rest)) = id.rsplit_once('/') {
        let name = rest.split(['#', '@']).next()?;
        return name.starts_with("corpus-").then(|| name.to_owned()).or_else(|| {
            // `.../corpus/<dir>/<stem>#corpus-x@0.1.0`
            id.split('#')
                .nth(1)
                .map(|n| n.split('@').next().unwrap_or(n).to_owned())
        });
    }
    id.split_whitespace().next().map(str::to_owned)
}

fn print_table(rows: &[Row]) {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<42} {:>5} {:>6} {:>8} {:>9} {:>5}  result",
        "spec", "ops", "types", "lines", "gen ms", "warn"
    );
    for row in rows {
        let result = match &row.problem {
            None if !row.features.is_empty() => format!(
                "ok (split: {} features, {} checked alone)",
                row.features.len(),
                row.checked_alone
            ),
            None => "ok".to_owned(),
            Some(problem) => format!("FAIL {problem}"),
        };
        let _ = writeln!(
            out,
            "{:<42} {:>5} {:>6} {:>8} {:>9.1} {:>5}  {result}",
            row.spec, row.operations, row.types, row.lines, row.millis, row.warnings
        );
    }
    print!("{out}");
}
