//! `cargo xtask bench-split [SPEC] [AREA] [--rounds N]`: the cold debug
//! build of a crate split by area (default: Stripe, `customers`) in full,
//! with one area alone, and the same spec's crate unsplit (as before
//! the split), in turns in one run, so that a busy moment of a shared
//! machine falls on all alike; with each build's peak memory (the largest
//! process, `/usr/bin/time -v`). With `--baseline`, the unsplit crate is
//! the one already in `target/bench/split/unsplit-bench` (written there by
//! the generator of another commit, to compare with the crate as it was). `--time-passes` then builds the split
//! crate in full and with the area once more with `rustc -Z time-passes`
//! (nightly flags on the stable compiler through `RUSTC_BOOTSTRAP=1`, for
//! this one crate only) and writes where the time goes to
//! `target/bench/split/time-passes-*.txt`.

use crate::codegen;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let root = crate::root();
    let mut positional = args
        .iter()
        .enumerate()
        .filter(|(i, a)| !a.starts_with("--") && (*i == 0 || args[i - 1] != "--rounds"))
        .map(|(_, a)| a);
    let spec = positional
        .next()
        .map_or_else(|| root.join("../shared/corpus/stripe.yaml"), |s| root.join(s));
    let area = positional.next().cloned().unwrap_or_else(|| "customers".to_owned());
    let rounds: usize = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|i| args.get(i + 1))
        .map_or(Ok(3), |n| n.parse())
        .map_err(|e| format!("--rounds: {e}"))?;
    let time_passes = args.iter().any(|a| a == "--time-passes");
    let baseline = args.iter().any(|a| a == "--baseline");

    let work = root.join("target/bench/split");
    let target = work.join("target");
    let write = |package: &str, split: bool| -> Result<generator::Generated, String> {
        let dir = work.join(package);
        let mut job = codegen::job(package, &spec, &dir)?;
        job.options.split = split;
        let generated = codegen::generate(&job)?;
        let _ = fs::remove_dir_all(&dir);
        for (path, contents) in &generated.files {
            let file = dir.join(path);
            fs::create_dir_all(file.parent().unwrap()).map_err(|e| e.to_string())?;
            fs::write(&file, contents).map_err(|e| e.to_string())?;
        }
        Ok(generated)
    };
    let generated = write("split-bench", true)?;
    if !baseline {
        write("unsplit-bench", false)?;
    }
    if !generated.features.contains(&area) {
        return Err(format!(
            "{}: no feature `{area}` (features: {})",
            spec.display(),
            generated.features.join(", ")
        ));
    }
    fs::write(
        work.join("Cargo.toml"),
        "# Written by `cargo xtask bench-split`.\n[workspace]\nresolver = \"3\"\nmembers = [\"split-bench\", \"unsplit-bench\"]\n\n[profile.dev]\ndebug = false\n",
    )
    .map_err(|e| e.to_string())?;
    let lines: usize = generated
        .files
        .iter()
        .filter(|(p, _)| p.ends_with(".rs"))
        .map(|(_, c)| c.lines().count())
        .sum();
    println!(
        "{}: {} operations, {} types, {lines} lines, {} features",
        spec.display(),
        generated.operations,
        generated.types,
        generated.features.len()
    );

    let one_area = format!("split, `{area}` alone");
    let one = [
        "-p",
        "split-bench",
        "--no-default-features",
        "--features",
        area.as_str(),
    ];
    let variants: [(&str, &[&str]); 3] = [
        ("unsplit (as before)", &["-p", "unsplit-bench"]),
        ("split, full (default features)", &["-p", "split-bench"]),
        (one_area.as_str(), &one),
    ];
    eprintln!("building the dependencies (not timed) ...");
    cargo(&work, &target, &["build"], &one)?;
    let mut results: Vec<Vec<Build>> = vec![Vec::new(); variants.len()];
    for round in 0..rounds {
        for (i, (name, package)) in variants.iter().enumerate() {
            eprintln!("cold build, {name}, {}/{rounds} ...", round + 1);
            cargo(&work, &target, &["clean"], &package[..2])?;
            results[i].push(cargo(&work, &target, &["build"], package)?);
        }
    }
    println!("\n| build | cold s, median | best | CPU s, median | peak RSS MB (largest) | builds |");
    println!("|---|---:|---:|---:|---:|---:|");
    let mut medians = Vec::new();
    for ((name, _), builds) in variants.iter().zip(&mut results) {
        builds.sort_by_key(|b| b.wall);
        let median = builds[(builds.len() - 1) / 2].wall.as_secs_f64();
        let mut cpu: Vec<f64> = builds.iter().map(|b| b.cpu).collect();
        cpu.sort_by(f64::total_cmp);
        let cpu = cpu[(cpu.len() - 1) / 2];
        medians.push((median, cpu));
        let peak = builds.iter().map(|b| b.peak_kb).max().unwrap_or(0);
        println!(
            "| {name} | {median:.1} | {:.1} | {cpu:.1} | {} | {} |",
            builds[0].wall.as_secs_f64(),
            peak / 1024,
            builds.len()
        );
    }
    println!(
        "\n`{area}` alone takes {:.1}% of the full crate's cold build ({:.1}% of its CPU time), the split full crate {:.1}% of the unsplit one's ({:.1}% of its CPU time; medians).",
        100.0 * medians[2].0 / medians[1].0,
        100.0 * medians[2].1 / medians[1].1,
        100.0 * medians[1].0 / medians[0].0,
        100.0 * medians[1].1 / medians[0].1
    );
    if time_passes {
        for (file, (name, package)) in ["full", "area"].iter().zip(&variants[1..]) {
            eprintln!("rustc -Z time-passes, {name} ...");
            cargo(&work, &target, &["clean"], &package[..2])?;
            let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
                .arg("rustc")
                .args(*package)
                .args(["--", "-Ztime-passes"])
                .current_dir(&work)
                .env("CARGO_TARGET_DIR", &target)
                .env("RUSTC_BOOTSTRAP", "1")
                .output()
                .map_err(|e| e.to_string())?;
            let path = work.join(format!("time-passes-{file}.txt"));
            fs::write(&path, &output.stderr).map_err(|e| e.to_string())?;
            println!("time passes ({name}): {}", path.display());
        }
    }
    Ok(())
}

/// One timed build.
#[derive(Clone, Copy)]
struct Build {
    wall: Duration,
    /// User and system time of cargo and what it ran, in seconds: on a
    /// shared machine it moves less with the others' load than wall time.
    cpu: f64,
    /// Peak RSS of the largest process (`rustc`), in KB.
    peak_kb: u64,
}

/// Run cargo under `/usr/bin/time -v`: the wall and CPU time, and the peak
/// RSS of the largest process it waited for (`rustc`).
fn cargo(work: &Path, target: &Path, args: &[&str], extra: &[&str]) -> Result<Build, String> {
    let started = Instant::now();
    let output = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .args(extra)
        .current_dir(work)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|e| format!("cannot run /usr/bin/time: {e}"))?;
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("cargo {} failed:\n{stderr}", args.join(" ")));
    }
    let field = |name: &str| {
        stderr
            .lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .and_then(|value| value.trim().parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    Ok(Build {
        wall: elapsed,
        cpu: field("User time (seconds):") + field("System time (seconds):"),
        peak_kb: field("Maximum resident set size (kbytes):") as u64,
    })
}
