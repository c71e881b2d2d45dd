//! Snapshots pin the generator's output: a change to the generator shows up
//! as a snapshot diff in review (`cargo insta review`).

use generator::{Options, generate};
use std::path::Path;

fn options(name: &str, spec_path: &str) -> Options {
    Options {
        crate_name: format!("{name}-client"),
        version: "0.1.0".to_owned(),
        spec_path: spec_path.to_owned(),
        runtime_path: "../../generator/runtime".to_owned(),
        limits: generator::Limits::default(),
    }
}

/// One snapshot per fixture spec: every generated file and the warnings.
#[test]
fn fixtures() {
    insta::glob!("fixtures/*.yaml", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_stem().unwrap().to_string_lossy().replace('_', "-");
        let spec_path = format!(
            "generator/tests/fixtures/{}",
            path.file_name().unwrap().to_string_lossy()
        );
        let generated = generate(&text, &options(&name, &spec_path)).unwrap();
        let mut out = String::new();
        for warning in &generated.warnings {
            out.push_str(&format!("warning: {warning}\n"));
        }
        for (file, contents) in generated.files.iter() {
            out.push_str(&format!("=== {file} ===\n{contents}\n"));
        }
        insta::assert_snapshot!(out);
    });
}

/// Every generated file of the project's own specs, one snapshot each.
#[test]
fn project_specs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    for name in ["vrm", "openremote"] {
        let spec_path = format!("specs/{name}.yaml");
        let text = std::fs::read_to_string(root.join(&spec_path)).unwrap();
        let generated = generate(&text, &options(name, &spec_path)).unwrap();
        assert!(generated.warnings.is_empty(), "{name}: {:?}", generated.warnings);
        for (file, contents) in generated.files.iter() {
            insta::assert_snapshot!(format!("{name}__{}", file.replace('/', "_")), contents);
        }
    }
}

/// `generated/` is what the specs give (as rust-analyzer's codegen test does).
#[test]
fn generated_crates_are_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    for name in ["vrm", "openremote"] {
        let spec_path = format!("specs/{name}.yaml");
        let text = std::fs::read_to_string(root.join(&spec_path)).unwrap();
        let generated = generate(&text, &options(name, &spec_path)).unwrap();
        for (file, contents) in &generated.files {
            let on_disk = std::fs::read_to_string(root.join("generated").join(name).join(file)).unwrap_or_default();
            assert!(
                &on_disk == contents,
                "generated/{name}/{file} is stale: run `cargo xtask codegen` and commit the result"
            );
        }
    }
}

/// The same spec gives the same bytes, every time.
#[test]
fn output_is_deterministic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let text = std::fs::read_to_string(root.join("specs/openremote.yaml")).unwrap();
    let first = generate(&text, &options("openremote", "specs/openremote.yaml")).unwrap();
    for _ in 0..3 {
        let again = generate(&text, &options("openremote", "specs/openremote.yaml")).unwrap();
        assert_eq!(first.files, again.files);
    }
}
