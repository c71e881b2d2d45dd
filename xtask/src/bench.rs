//! `cargo xtask bench [--quick]`: the numbers behind BENCHMARKS.md.
//!
//! 1. Generation, release build: best-of-5 time and peak memory (RSS) for
//!    every spec in `specs/` and the corpus, each in its own process; the
//!    scaling of time with spec size (least squares, and a text plot).
//! 2. The same specs through `cargo-progenitor` (crates.io) and OpenAPI
//!    Generator's `rust` generator (`openapi-generator-cli`, PyPI), installed
//!    under `target/bench/` when missing. A failure is a result, not an error.
//! 3. `cargo build` of each generated crate in one scratch workspace with a
//!    shared target directory: dependencies built first (not timed), then
//!    "cold" = the crate alone after `cargo clean -p` (the crates of a spec
//!    in turns, seven times each when small; median and best), "warm" = the
//!    crate again after touching its `src/lib.rs`.
//! 4. The generated client against a hand-written `reqwest` call
//!    (`cargo bench -p generator --bench client`).
//!
//! The report goes to stdout and `target/bench/report.md`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Specs compared with the other generators and built (`--quick`: the first three).
const COMPARED: &[&str] = &[
    "specs/vrm.yaml",
    "specs/openremote.yaml",
    "../shared/corpus/petstore-expanded.yaml",
    "../shared/corpus/xero-accounting.yaml",
    "../shared/corpus/openai.yaml",
    "../shared/corpus/stripe.yaml",
];

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    // Numbers come from a release build of the generator.
    if let Some(outcome) = crate::in_release("bench", args) {
        return outcome;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let root = crate::root();
    let work = root.join("target/bench");
    fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let mut report = String::new();
    let _ = writeln!(report, "# Benchmark report\n\n{}\n", machine());

    let specs = all_specs(&root);
    let rows = generation(&specs, &mut report)?;
    scaling(&rows, &mut report);

    // Every spec goes through the other generators (their failures are
    // results); the crates of the `COMPARED` specs are built.
    let built: Vec<PathBuf> = COMPARED
        .iter()
        .take(if quick { 3 } else { COMPARED.len() })
        .map(|p| root.join(p))
        .filter(|p| p.exists())
        .collect();
    let compared = if quick { built.clone() } else { specs };
    let crates = others(&work, &compared, &mut report)?;
    // Built: the `COMPARED` specs, and every spec progenitor can generate
    // (it fails on most), so that its output's build time has a comparison.
    let progenitor_ok: Vec<PathBuf> = crates
        .iter()
        .filter(|c| c.tool == "progenitor")
        .map(|c| c.spec_path.clone())
        .collect();
    let crates: Vec<Built> = crates
        .into_iter()
        .filter(|c| built.contains(&c.spec_path) || progenitor_ok.contains(&c.spec_path))
        .collect();
    builds(&work, &crates, &mut report)?;
    client(&root, &mut report)?;

    fs::write(work.join("report.md"), &report).map_err(|e| e.to_string())?;
    println!("{report}");
    println!("(written to {})", work.join("report.md").display());
    Ok(())
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn machine() -> String {
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    format!("Machine: {cpu}, {cores} cores; {rustc}.")
}

/// `xtask measure SPEC`, in a child process: best-of-5 generation time and
/// the process's peak RSS.
pub(crate) fn measure(args: &[String]) -> Result<(), String> {
    let spec = args.first().ok_or("measure SPEC")?;
    let text = fs::read_to_string(spec).map_err(|e| format!("{spec}: {e}"))?;
    let options = crate::codegen::job(
        "bench-client",
        std::path::Path::new(spec),
        &crate::root().join("target/bench/measure"),
    )?
    .options;
    let mut times = Vec::new();
    for _ in 0..4 {
        // Each result is dropped before the next run: the peak is one run's.
        let started = Instant::now();
        generator::generate(&text, &options).map_err(|e| e.to_string())?;
        times.push(started.elapsed());
    }
    let started = Instant::now();
    let generated = generator::generate(&text, &options).map_err(|e| e.to_string())?;
    times.push(started.elapsed());
    times.sort();
    let schemas = generator::parse_tree(&text)
        .ok()
        .and_then(|t| {
            t.pointer("/components/schemas")
                .and_then(|s| s.as_object())
                .map(|m| m.len())
        })
        .unwrap_or(0);
    let peak_kb = fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .unwrap_or(0);
    println!(
        "{} {} {} {} {} {} {}",
        times[0].as_secs_f64() * 1000.0,
        times[2].as_secs_f64() * 1000.0,
        peak_kb,
        generated.operations,
        schemas,
        generated.types,
        text.len()
    );
    Ok(())
}

struct GenRow {
    name: String,
    bytes: f64,
    operations: f64,
    schemas: f64,
    best_ms: f64,
}

/// The specs in `specs/`, then those of the corpus, each sorted by name.
fn all_specs(root: &Path) -> Vec<PathBuf> {
    let mut specs: Vec<PathBuf> = Vec::new();
    for dir in [root.join("specs"), root.join("../shared/corpus")] {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")))
            .collect();
        found.sort();
        specs.extend(found);
    }
    specs
}

fn generation(specs: &[PathBuf], report: &mut String) -> Result<Vec<GenRow>, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let _ = writeln!(report, "## Generation (release, best of 5, one process per spec)\n");
    let _ = writeln!(
        report,
        "| spec | KB | operations | schemas | Rust types | best ms | median ms | peak MB |"
    );
    let _ = writeln!(report, "|---|---:|---:|---:|---:|---:|---:|---:|");
    let mut rows = Vec::new();
    for spec in specs {
        let name = spec.file_name().unwrap().to_string_lossy().into_owned();
        eprintln!("generating {name} ...");
        let output = Command::new(&exe)
            .arg("measure")
            .arg(spec)
            .output()
            .map_err(|e| e.to_string())?;
        let text = String::from_utf8_lossy(&output.stdout);
        let fields: Vec<f64> = text.split_whitespace().filter_map(|f| f.parse().ok()).collect();
        let [best, median, peak, ops, schemas, types, bytes] = fields[..] else {
            let _ = writeln!(
                report,
                "| {name} | | | | | failed: {} | | |",
                String::from_utf8_lossy(&output.stderr).trim()
            );
            continue;
        };
        let _ = writeln!(
            report,
            "| {name} | {:.0} | {ops} | {schemas} | {types} | {best:.1} | {median:.1} | {:.0} |",
            bytes / 1024.0,
            peak / 1024.0
        );
        rows.push(GenRow {
            name,
            bytes,
            operations: ops,
            schemas,
            best_ms: best,
        });
    }
    Ok(rows)
}

/// Least squares of time against size, and a text plot (log–log).
fn scaling(rows: &[GenRow], report: &mut String) {
    let fit = |xs: &[f64], ys: &[f64]| -> (f64, f64, f64) {
        let n = xs.len() as f64;
        let (mx, my) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
        let sxy: f64 = xs.iter().zip(ys).map(|(x, y)| (x - mx) * (y - my)).sum();
        let sxx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
        let syy: f64 = ys.iter().map(|y| (y - my).powi(2)).sum();
        let slope = sxy / sxx;
        (slope, my - slope * mx, sxy * sxy / (sxx * syy))
    };
    let ms: Vec<f64> = rows.iter().map(|r| r.best_ms).collect();
    let kb: Vec<f64> = rows.iter().map(|r| r.bytes / 1024.0).collect();
    let ops: Vec<f64> = rows.iter().map(|r| r.operations + r.schemas).collect();
    let (per_kb, base, r2) = fit(&kb, &ms);
    let (per_item, _, r2_items) = fit(&ops, &ms);
    let (log_slope, _, _) = fit(
        &kb.iter().map(|x| x.ln()).collect::<Vec<_>>(),
        &ms.iter().map(|y| y.ln()).collect::<Vec<_>>(),
    );
    let _ = writeln!(report, "\n## Scaling with spec size ({} specs)\n", rows.len());
    let _ = writeln!(
        report,
        "- time ≈ {base:.2} ms + {per_kb:.3} ms/KB × size (r² = {r2:.3})\n\
         - time ≈ {per_item:.3} ms per (operation + schema) (r² = {r2_items:.3})\n\
         - log–log slope {log_slope:.2} (1.0 is linear)\n"
    );
    plot(report, &kb, &ms, "spec size", "KB");
    plot(report, &ops, &ms, "operations + schemas", "");
    let slowest = rows
        .iter()
        .max_by(|a, b| (a.best_ms / a.bytes).total_cmp(&(b.best_ms / b.bytes)));
    if let Some(row) = slowest {
        let _ = writeln!(
            report,
            "\nSlowest per byte: {} ({:.2} ms/KB).",
            row.name,
            row.best_ms / (row.bytes / 1024.0)
        );
    }
}

/// A text scatter plot, log–log: x against generation time.
fn plot(report: &mut String, xs: &[f64], ms: &[f64], x_name: &str, x_unit: &str) {
    let (w, h) = (60usize, 14usize);
    let min = |v: &[f64]| v.iter().cloned().filter(|x| *x > 0.0).fold(f64::MAX, f64::min);
    let max = |v: &[f64]| v.iter().cloned().fold(0.0, f64::max);
    let (x0, x1) = (min(xs).ln(), max(xs).ln());
    let (y0, y1) = (min(ms).ln(), max(ms).ln());
    let mut grid = vec![vec![' '; w + 1]; h + 1];
    for (x, y) in xs.iter().zip(ms).filter(|(x, _)| **x > 0.0) {
        let col = ((x.ln() - x0) / (x1 - x0) * w as f64).round() as usize;
        let row = h - ((y.ln() - y0) / (y1 - y0) * h as f64).round() as usize;
        grid[row.min(h)][col.min(w)] = '●';
    }
    let _ = writeln!(
        report,
        "```text\ngeneration time (log scale, {:.1} – {:.0} ms)",
        min(ms),
        max(ms)
    );
    for line in grid {
        let _ = writeln!(report, "│{}", line.into_iter().collect::<String>().trim_end());
    }
    let _ = writeln!(
        report,
        "└{}\n {x_name} (log scale, {:.0} – {:.0} {x_unit})\n```\n",
        "─".repeat(w),
        min(xs),
        max(xs)
    );
}

/// A crate to build: which tool made it, for which spec, where.
struct Built {
    tool: &'static str,
    spec: String,
    spec_path: PathBuf,
    package: String,
    dir: PathBuf,
}

fn timed(command: &mut Command) -> (Duration, bool, String) {
    let started = Instant::now();
    match command.stdout(Stdio::null()).stderr(Stdio::piped()).output() {
        Ok(output) => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            // The first error line; for a panic, the message on the line after it.
            let lines: Vec<&str> = stderr.lines().collect();
            let first = match lines
                .iter()
                .position(|l| l.contains("error") || l.contains("Error") || l.contains("panicked"))
            {
                Some(i) if lines[i].contains("panicked") => {
                    format!("panicked: {}", lines.get(i + 1).unwrap_or(&"").trim())
                }
                Some(i) => lines[i].trim().to_owned(),
                None => lines.last().unwrap_or(&"").trim().to_owned(),
            };
            let first: String = first.chars().take(160).collect();
            (started.elapsed(), output.status.success(), first)
        }
        Err(e) => (started.elapsed(), false, e.to_string()),
    }
}

fn ensure_tools(work: &Path) -> (Option<PathBuf>, Option<PathBuf>) {
    let progenitor = work.join("tools/bin/cargo-progenitor");
    if !progenitor.exists() {
        eprintln!("installing cargo-progenitor (crates.io) into target/bench/tools ...");
        let _ = Command::new(cargo())
            .args(["install", "cargo-progenitor", "--locked", "--root"])
            .arg(work.join("tools"))
            .status();
    }
    let venv = work.join("venv");
    let oag = venv.join("bin/openapi-generator-cli");
    if !oag.exists() {
        eprintln!("installing openapi-generator-cli (PyPI) into target/bench/venv ...");
        let _ = Command::new("python3").arg("-m").arg("venv").arg(&venv).status();
        let _ = Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "openapi-generator-cli"])
            .status();
    }
    (progenitor.exists().then_some(progenitor), oag.exists().then_some(oag))
}

fn others(work: &Path, specs: &[PathBuf], report: &mut String) -> Result<Vec<Built>, String> {
    let (progenitor, oag) = ensure_tools(work);
    let out = work.join("build");
    let _ = fs::remove_dir_all(&out);
    fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let _ = writeln!(
        report,
        "\n## Generation beside other generators (wall clock, one run, includes process start)\n"
    );
    let _ = writeln!(
        report,
        "| spec | ours ms | cargo-progenitor ms | openapi-generator rust ms | ratio OAG/ours | ratio progenitor/ours |"
    );
    let _ = writeln!(report, "|---|---:|---:|---:|---:|---:|");
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut crates = Vec::new();
    let mut notes = Vec::new();
    for spec in specs {
        let stem = spec.file_stem().unwrap().to_string_lossy().replace('_', "-");
        // The other tools get the spec as JSON (both read it; one format for all).
        let json_path = out.join(format!("{stem}.json"));
        let text = fs::read_to_string(spec).map_err(|e| e.to_string())?;
        let tree = generator::parse_tree(&text).map_err(|e| e.to_string())?;
        fs::write(&json_path, serde_json::to_string(&tree).unwrap()).map_err(|e| e.to_string())?;

        let ours_dir = out.join(format!("ours-{stem}"));
        let (ours, ok, err) = timed(
            Command::new(&exe)
                .args(["codegen", "--spec"])
                .arg(spec)
                .arg("--out")
                .arg(&ours_dir)
                .args(["--name", &format!("ours-{stem}")]),
        );
        if ok {
            crates.push(Built {
                tool: "ours",
                spec: stem.clone(),
                spec_path: spec.clone(),
                package: format!("ours-{stem}"),
                dir: ours_dir,
            });
        } else {
            notes.push(format!("ours on {stem}: {err}"));
        }
        let mut cell = |tool: &'static str,
                        result: Option<(Duration, bool, String)>,
                        dir: PathBuf,
                        package: String|
         -> (String, Option<f64>) {
            match result {
                None => ("not installed".into(), None),
                Some((time, true, _)) => {
                    crates.push(Built {
                        tool,
                        spec: stem.clone(),
                        spec_path: spec.clone(),
                        package,
                        dir,
                    });
                    (
                        format!("{:.0}", time.as_secs_f64() * 1000.0),
                        Some(time.as_secs_f64() / ours.as_secs_f64()),
                    )
                }
                Some((_, false, err)) => {
                    notes.push(format!("{tool} on {stem}: {err}"));
                    ("failed".into(), None)
                }
            }
        };
        let prog_dir = out.join(format!("progenitor-{stem}"));
        let prog = progenitor.as_ref().map(|bin| {
            timed(
                Command::new(bin)
                    .arg("progenitor")
                    .arg("-i")
                    .arg(&json_path)
                    .arg("-o")
                    .arg(&prog_dir)
                    .args(["-n", &format!("progenitor-{stem}"), "-v", "0.1.0"]),
            )
        });
        let (prog_cell, prog_ratio) = cell("progenitor", prog, prog_dir, format!("progenitor-{stem}"));
        let oag_dir = out.join(format!("oag-{stem}"));
        let oag_result = oag.as_ref().map(|bin| {
            timed(
                Command::new(bin)
                    .arg("generate")
                    .arg("-i")
                    .arg(&json_path)
                    .args(["-g", "rust", "-o"])
                    .arg(&oag_dir)
                    .args([
                        "--package-name",
                        &format!("oag_{}", stem.replace('-', "_")),
                        "--skip-validate-spec",
                        // Its default version is the spec's `info.version`,
                        // which Cargo refuses when it is a date (Stripe's).
                        "--additional-properties",
                        "packageVersion=0.1.0",
                    ]),
            )
        });
        let (oag_cell, oag_ratio) = cell(
            "openapi-generator",
            oag_result,
            oag_dir,
            format!("oag_{}", stem.replace('-', "_")),
        );
        let ratio = |r: Option<f64>| r.map_or("–".to_owned(), |r| format!("{r:.1}×"));
        let _ = writeln!(
            report,
            "| {stem} | {:.0} | {prog_cell} | {oag_cell} | {} | {} |",
            ours.as_secs_f64() * 1000.0,
            ratio(oag_ratio),
            ratio(prog_ratio)
        );
    }
    for note in notes {
        let _ = writeln!(report, "\n- {note}");
    }
    Ok(crates)
}

fn builds(work: &Path, crates: &[Built], report: &mut String) -> Result<(), String> {
    let dir = work.join("build");
    let target = work.join("build-target");
    // Each crate's manifest must name its own package; OpenAPI Generator's
    // `package-name` is also its crate name.
    let members: Vec<String> = crates
        .iter()
        .map(|c| format!("    \"{}\",", c.dir.file_name().unwrap().to_string_lossy()))
        .collect();
    fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [\n{}\n]\n\n[profile.dev]\ndebug = false\n",
            members.join("\n")
        ),
    )
    .map_err(|e| e.to_string())?;
    let cargo_in = |args: &[&str]| {
        let mut command = Command::new(cargo());
        command.args(args).current_dir(&dir).env("CARGO_TARGET_DIR", &target);
        command
    };
    eprintln!("building every generated crate once (dependencies) ...");
    let (deps, _, _) = timed(&mut cargo_in(&["build", "--workspace", "--keep-going"]));
    let _ = writeln!(
        report,
        "\n## `cargo build` of the generated crates (debug; dependencies prebuilt, {:.0} s)\n",
        deps.as_secs_f64()
    );
    let _ = writeln!(
        report,
        "| spec | generator | cold s, median (crate alone, after `cargo clean -p`) | best | builds | warm s (after touching `src/lib.rs`) | result |"
    );
    let _ = writeln!(report, "|---|---|---:|---:|---:|---:|---|");
    // The crates of one spec are built in turns (ours, progenitor's,
    // OpenAPI Generator's, ours again, ...), so that a slow moment of the
    // machine falls on all of them alike. Small crates are built seven
    // times each, large ones twice.
    for group in crates.chunk_by(|a, b| a.spec == b.spec) {
        let mut times: Vec<Vec<Duration>> = vec![Vec::new(); group.len()];
        let mut outcome: Vec<(bool, String)> = vec![(true, String::new()); group.len()];
        let mut rounds = 7;
        let mut round = 0;
        while round < rounds {
            for (i, krate) in group.iter().enumerate() {
                eprintln!("building {} (cold, {}/{rounds}) ...", krate.package, round + 1);
                let _ = cargo_in(&["clean", "-p", &krate.package]).output();
                let (time, success, message) = timed(&mut cargo_in(&["build", "-p", &krate.package]));
                times[i].push(time);
                if !success {
                    outcome[i] = (false, message);
                }
                if time > Duration::from_secs(5) {
                    rounds = 2;
                }
            }
            round += 1;
        }
        for (i, krate) in group.iter().enumerate() {
            let lib = krate.dir.join("src/lib.rs");
            let _ = fs::read(&lib).and_then(|bytes| fs::write(&lib, bytes));
            let (warm, warm_ok, _) = timed(&mut cargo_in(&["build", "-p", &krate.package]));
            let (ok, err) = &outcome[i];
            let result = if *ok && warm_ok {
                "ok".to_owned()
            } else {
                format!("fails: {err}")
            };
            let mut cold = times[i].clone();
            cold.sort();
            let _ = writeln!(
                report,
                "| {} | {} | {:.2} | {:.2} | {} | {:.1} | {result} |",
                krate.spec,
                krate.tool,
                cold[(cold.len() - 1) / 2].as_secs_f64(),
                cold[0].as_secs_f64(),
                cold.len(),
                warm.as_secs_f64()
            );
        }
    }
    Ok(())
}

fn client(root: &Path, report: &mut String) -> Result<(), String> {
    eprintln!("client overhead (cargo bench -p generator --bench client) ...");
    let output = Command::new(cargo())
        .args(["bench", "--quiet", "-p", "generator", "--bench", "client"])
        .current_dir(root)
        .output()
        .map_err(|e| e.to_string())?;
    let _ = writeln!(
        report,
        "\n## The generated client beside a hand-written reqwest call\n\n```text\n{}```",
        String::from_utf8_lossy(&output.stdout)
    );
    instructions(root, report);
    Ok(())
}

/// Instructions per request of each side, counted by callgrind (the same
/// count on every run, whatever else the machine does): the difference of
/// a 2,000- and a 1,000-request run, so that start-up cancels out. Skipped
/// when valgrind is missing.
fn instructions(root: &Path, report: &mut String) {
    let built = Command::new(cargo())
        .args(["bench", "-p", "generator", "--bench", "client", "--no-run"])
        .current_dir(root)
        .output();
    let Some(binary) = built.ok().and_then(|o| {
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        let line = stderr
            .lines()
            .find(|l| l.contains("Executable") && l.contains("client"))?
            .to_owned();
        let path = line.rsplit_once('(')?.1.trim_end_matches(')').to_owned();
        Some(root.join(path))
    }) else {
        return;
    };
    let count = |side: &str, requests: u32| -> Option<f64> {
        let out = std::env::temp_dir().join(format!("xtask-callgrind-{side}-{requests}"));
        let output = Command::new("valgrind")
            .arg("--tool=callgrind")
            .arg(format!("--callgrind-out-file={}", out.display()))
            .arg(&binary)
            .args(["--only", side, &requests.to_string()])
            .output()
            .ok()?;
        let _ = fs::remove_file(&out);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let refs = stderr.lines().find(|l| l.contains("I   refs:"))?;
        refs.rsplit(':').next()?.trim().replace(',', "").parse().ok()
    };
    eprintln!("client instructions (valgrind --tool=callgrind) ...");
    let per_request = |side: &str| Some((count(side, 2000)? - count(side, 1000)?) / 1000.0);
    let (Some(ours), Some(theirs)) = (per_request("generated"), per_request("hand-written")) else {
        let _ = writeln!(report, "\n(valgrind not found: no instruction counts)");
        return;
    };
    let _ = writeln!(
        report,
        "\nInstructions per request (callgrind, client and loopback server in one process): \
         generated {ours:.0}, hand-written {theirs:.0}, ratio {:.3}.",
        ours / theirs
    );
}
