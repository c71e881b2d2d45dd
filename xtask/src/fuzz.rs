//! `cargo xtask fuzz [--seconds N]`: a bounded coverage-guided run (libFuzzer,
//! through `cargo fuzz`) of `generator/fuzz`'s target: any text as a spec
//! → `generate`, which must not panic, hang or overflow its stack.
//!
//! Seeds: the fixture specs, `specs/`, and the real-world corpus beside the
//! repository (`../shared/corpus`, `../shared/corpus-3.1`) when it is there,
//! each up to 256 KiB (the larger ones make every run slow). What the fuzzer
//! learns stays in `generator/fuzz/corpus/generate/` (not committed); a
//! crash or hang is written to `generator/fuzz/artifacts/generate/` and
//! ends the run with an error. A crash found becomes a test in
//! `generator/tests/errors.rs`.
//!
//! Needs `cargo-fuzz` (`cargo install cargo-fuzz`). libFuzzer's
//! instrumentation takes nightly flags; on a stable toolchain they are
//! allowed with `RUSTC_BOOTSTRAP=1`, which this command sets for the build.

use std::fs;
use std::path::Path;
use std::process::Command;

const MAX_SEED_BYTES: u64 = 256 * 1024;

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let mut seconds: u64 = 60;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => {
                let value = args.next().ok_or("`--seconds` needs a value")?;
                seconds = value
                    .parse()
                    .map_err(|_| format!("`--seconds {value}`: not a number"))?;
            }
            other => return Err(format!("unknown argument `{other}`\n{}", crate::USAGE)),
        }
    }
    let root = crate::root();
    let found = Command::new("cargo").args(["fuzz", "--version"]).output();
    if !found.is_ok_and(|out| out.status.success()) {
        return Err("`cargo fuzz` is not installed; run `cargo install cargo-fuzz`".to_owned());
    }

    let seeds = root.join("target/fuzz-seeds");
    let _ = fs::remove_dir_all(&seeds);
    fs::create_dir_all(&seeds).map_err(|e| e.to_string())?;
    let mut count = 0;
    for dir in [
        "generator/tests/fixtures",
        "specs",
        "../shared/corpus",
        "../shared/corpus-3.1",
    ] {
        count += copy_seeds(&root.join(dir), &seeds)?;
    }
    let corpus = root.join("generator/fuzz/corpus/generate");
    fs::create_dir_all(&corpus).map_err(|e| e.to_string())?;
    println!("fuzzing `generate` for {seconds} s from {count} seed specs");

    let status = Command::new("cargo")
        .env("RUSTC_BOOTSTRAP", "1")
        .current_dir(&root)
        .args([
            "fuzz",
            "run",
            "--fuzz-dir",
            "generator/fuzz",
            "--release",
            "--sanitizer",
            "none",
        ])
        .arg("generate")
        .arg(&corpus)
        .arg(&seeds)
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        // One input taking 10 s is a hang; 2 GiB of memory is a leak or a bomb.
        .args([
            "-timeout=10",
            "-rss_limit_mb=2048",
            "-max_len=262144",
            "-print_final_stats=1",
        ])
        .status()
        .map_err(|e| format!("cargo fuzz: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("the fuzzer found a crash or a hang: see generator/fuzz/artifacts/generate/".to_owned())
    }
}

/// Copy the specs in `dir` (YAML or JSON, not too large) into `seeds`.
fn copy_seeds(dir: &Path, seeds: &Path) -> Result<usize, String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(0);
    };
    let mut count = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        let spec = path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json");
        let small = entry.metadata().is_ok_and(|m| m.len() <= MAX_SEED_BYTES);
        if spec && small {
            let name = format!(
                "{}-{}",
                dir.file_name().and_then(|n| n.to_str()).unwrap_or("seed"),
                path.file_name().and_then(|n| n.to_str()).unwrap_or("spec")
            );
            fs::copy(&path, seeds.join(name)).map_err(|e| format!("{}: {e}", path.display()))?;
            count += 1;
        }
    }
    Ok(count)
}
