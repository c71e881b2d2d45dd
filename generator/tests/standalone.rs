//! `openapi-rust-gen` as a user outside this repository runs it: its exit
//! codes and `--check`, and crates generated into a temporary folder with
//! each `--runtime` choice (but `version`, which needs a published runtime),
//! moved, then checked by Cargo on their own; the vendored one is packaged.
//!
//! The crates are checked with one shared target directory
//! (`target/standalone`), so their dependencies compile once, and with the
//! workspace's `Cargo.lock`, so they get the versions already downloaded.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_openapi-rust-gen");

/// A small spec of its own: a type, operations with and without
/// parameters, a relative token URL.
const SPEC: &str = r#"openapi: 3.0.3
info:
  title: Plant Shop
  version: "2.1"
  description: Plants, and the orders for them.
servers:
  - url: https://shop.example.com/api/v2
paths:
  /plants:
    get:
      operationId: listPlants
      summary: Every plant in stock.
      parameters:
        - {name: limit, in: query, schema: {type: integer, format: int32}}
      responses:
        '200':
          description: The plants.
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Plant'}}
  /plants/{id}:
    get:
      operationId: getPlant
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: One plant.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Plant'}
security:
  - oauth: []
components:
  schemas:
    Plant:
      type: object
      required: [id, name]
      properties:
        id: {type: string}
        name: {type: string}
        height_cm: {type: number}
  securitySchemes:
    oauth:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: /auth/token
          scopes: {}
"#;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// A fresh folder outside the workspace, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("openapi-rust-gen-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN).args(args).current_dir(dir).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

/// Every file under `dir`, relative, with `/`.
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

fn assert_no_machine_paths(dir: &Path, machine: &[&Path]) {
    for file in files(dir) {
        let contents = read(dir.join(&file));
        for path in machine {
            let path = path.to_string_lossy();
            assert!(!contents.contains(path.as_ref()), "{file} holds the path {path}");
        }
    }
}

#[test]
fn help_documents_every_flag() {
    let output = Command::new(BIN).arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = text(&output.stdout);
    for flag in [
        "--out",
        "--name",
        "--runtime",
        "--check",
        "vendored",
        "path=REL",
        "git=URL",
        "version=X",
        "Exit status",
    ] {
        assert!(help.contains(flag), "--help does not mention {flag}:\n{help}");
    }
}

#[test]
fn exit_codes_and_check() {
    let tmp = TempDir::new("check");
    let dir = &tmp.0;
    std::fs::write(dir.join("plant-shop.yaml"), SPEC).unwrap();

    // Bad command lines: status 2, nothing written.
    for args in [
        &["plant-shop.yaml"][..],
        &["plant-shop.yaml", "--out", "c", "--runtime", "somewhere"],
        &["plant-shop.yaml", "--out", "c", "--runtime", "path=/abs/runtime"],
        &["plant-shop.yaml", "--out", "c", "--name", "9 lives"],
        &["missing.yaml", "--out", "c"],
    ] {
        let output = run(dir, args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", text(&output.stderr));
        assert!(!dir.join("c").exists(), "{args:?} wrote files");
    }

    // A spec that does not parse: status 2, the place named.
    std::fs::write(dir.join("broken.yaml"), "openapi: 3.0.3\ninfo: [\n").unwrap();
    let output = run(dir, &["broken.yaml", "--out", "b"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("broken.yaml: syntax error"),
        "{}",
        text(&output.stderr)
    );

    // Warnings go to stderr with their JSON pointer, and the crate is written.
    let warned = SPEC.replace(
        "type: oauth2\n      flows:",
        "type: http\n      scheme: digest\n      x-flows:",
    );
    std::fs::write(dir.join("warned.yaml"), warned).unwrap();
    let output = run(dir, &["warned.yaml", "--out", "w"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("warning: warned.yaml: at #/components/securitySchemes/oauth/scheme: "),
        "{stderr}"
    );

    // Generate, then --check: up to date.
    let output = run(dir, &["plant-shop.yaml", "--out", "client"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("2 operations"),
        "{}",
        text(&output.stdout)
    );
    let check = |expect: i32| {
        let output = run(dir, &["plant-shop.yaml", "--out", "client", "--check"]);
        assert_eq!(output.status.code(), Some(expect), "{}", text(&output.stderr));
        text(&output.stderr)
    };
    check(0);

    // Stale in each way: status 1, every file listed, nothing written.
    let client = dir.join("client");
    std::fs::write(client.join("src/lib.rs"), "// Generated by hand. Do not edit.\n").unwrap();
    std::fs::remove_file(client.join("README.md")).unwrap();
    std::fs::write(
        client.join("src/old.rs"),
        "// Generated by `openapi-rust-gen`. Do not edit.\n",
    )
    .unwrap();
    std::fs::write(client.join("notes.txt"), "mine\n").unwrap();
    let stderr = check(1);
    for line in ["lib.rs (differs)", "README.md (missing)", "old.rs (not generated)"] {
        assert!(stderr.contains(line), "--check does not list {line}:\n{stderr}");
    }
    assert!(!stderr.contains("notes.txt"), "{stderr}");
    assert!(!client.join("README.md").exists());

    // Regenerating mends it, and leaves files outside src/ alone.
    assert_eq!(run(dir, &["plant-shop.yaml", "--out", "client"]).status.code(), Some(0));
    check(0);
    assert!(!client.join("src/old.rs").exists());
    assert_eq!(read(client.join("notes.txt")), "mine\n");

    // A folder with files the generator did not write is refused, untouched.
    let mine = dir.join("mine");
    std::fs::create_dir_all(mine.join("src")).unwrap();
    std::fs::write(mine.join("Cargo.toml"), "[package]\nname = \"mine\"\n").unwrap();
    let output = run(dir, &["plant-shop.yaml", "--out", "mine"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("not written by the generator"),
        "{}",
        text(&output.stderr)
    );
    assert_eq!(read(mine.join("Cargo.toml")), "[package]\nname = \"mine\"\n");
    assert!(!mine.join("src/lib.rs").exists());

    // Outside this repository the runtime is vendored; no file names a path
    // of the machine, even when the spec is given by its absolute path.
    let absolute = dir.join("plant-shop.yaml");
    let output = run(dir, &[absolute.to_str().unwrap(), "--out", "abs", "--name", "shop"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(dir.join("abs/src/runtime/mod.rs").exists());
    assert_no_machine_paths(&dir.join("abs"), &[dir, &workspace()]);
    let readme = read(dir.join("abs/README.md"));
    assert!(readme.contains("from `plant-shop.yaml` by"), "{readme}");
    assert!(readme.contains("shop = { path = \"abs\" }"), "{readme}");

    // Relative spec and crate folder: the README links the spec, and it resolves.
    let readme = read(client.join("README.md"));
    assert!(readme.contains("[`plant-shop.yaml`](../plant-shop.yaml)"), "{readme}");
    assert!(readme.contains("the **Plant Shop API** (version 2.1)"), "{readme}");
    assert!(client.join("../plant-shop.yaml").exists());
}

/// The relative `tokenUrl` is resolved against the server URL, in the code
/// and in the README's quick start.
#[test]
fn relative_token_url_is_resolved_against_the_server() {
    let generated = generator::generate(SPEC, &generator::Options::new("plant-shop-client")).unwrap();
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    let readme = &generated.files["README.md"];
    assert!(
        readme.contains(r#".client_credentials("https://shop.example.com/auth/token""#),
        "{readme}"
    );
    assert!(generated.files["src/client.rs"].contains("`https://shop.example.com/auth/token`"));

    // No absolute server to resolve against: kept, with a warning saying where.
    let spec = SPEC.replace("servers:\n  - url: https://shop.example.com/api/v2\n", "");
    let generated = generator::generate(&spec, &generator::Options::new("plant-shop-client")).unwrap();
    let warning = &generated.warnings[0];
    assert_eq!(
        warning.at.as_str(),
        "/components/securitySchemes/oauth/flows/clientCredentials/tokenUrl"
    );
}

/// The vendored runtime is all of the runtime's source: a new file in
/// `generator/runtime/src` must be added to `vendor::SOURCES`.
#[test]
fn vendoring_takes_every_runtime_file() {
    let generated = generator::generate(SPEC, &generator::Options::new("plant-shop-client")).unwrap();
    let mut vendored: Vec<String> = generated
        .files
        .keys()
        .filter_map(|p| p.strip_prefix("src/runtime/"))
        .map(|p| {
            if p == "mod.rs" {
                "lib.rs".to_owned()
            } else {
                p.to_owned()
            }
        })
        .collect();
    vendored.sort();
    assert_eq!(vendored, files(&workspace().join("generator/runtime/src")));
}

/// Inside a clone of this repository the default stays the shared runtime,
/// by its relative path.
#[test]
fn inside_the_repository_the_runtime_is_shared() {
    let scratch = workspace().join("target/standalone-inside");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    std::fs::write(scratch.join("shop.yaml"), SPEC).unwrap();
    let output = run(&scratch, &["shop.yaml", "--out", "client"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let manifest = read(scratch.join("client/Cargo.toml"));
    assert!(
        manifest.contains(r#"client-runtime = { path = "../../../generator/runtime" }"#),
        "{manifest}"
    );
    assert!(!scratch.join("client/src/runtime").exists());
    let _ = std::fs::remove_dir_all(&scratch);
}

/// `cargo` on a crate of its own: the shared target directory, the
/// workspace's lock file (versions already downloaded).
fn cargo(crate_dir: &Path, args: &[&str], offline: bool) -> String {
    std::fs::copy(workspace().join("Cargo.lock"), crate_dir.join("Cargo.lock")).unwrap();
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .args(args)
        .current_dir(crate_dir)
        .env("CARGO_TARGET_DIR", workspace().join("target/standalone"))
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("RUSTFLAGS");
    if offline {
        command.env("CARGO_NET_OFFLINE", "true");
    }
    let output = command.output().unwrap();
    let stderr = text(&output.stderr);
    assert!(
        output.status.success(),
        "cargo {args:?} in {}:\n{stderr}",
        crate_dir.display()
    );
    stderr
}

/// `cargo check`: the crate compiles with no warnings (Cargo shows none of
/// its dependencies').
fn check(crate_dir: &Path, offline: bool) {
    let stderr = cargo(crate_dir, &["check", "--quiet"], offline);
    assert!(!stderr.contains("warning"), "{stderr}");
}

/// Generate the spec into `<tmp>/<from>/client`, move `<from>` to `<to>`.
fn generate_and_move(tmp: &Path, from: &str, to: &str, runtime: &str) -> PathBuf {
    std::fs::create_dir_all(tmp.join(from)).unwrap();
    std::fs::write(tmp.join(from).join("plant-shop.yaml"), SPEC).unwrap();
    let output = run(
        &tmp.join(from),
        &["plant-shop.yaml", "--out", "client", "--runtime", runtime],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    std::fs::rename(tmp.join(from), tmp.join(to)).unwrap();
    tmp.join(to).join("client")
}

#[test]
fn vendored_crate_builds_after_a_move_and_packages() {
    let tmp = TempDir::new("vendored");
    let client = generate_and_move(&tmp.0, "before", "after", "vendored");
    assert_no_machine_paths(&client, &[&tmp.0, &workspace()]);
    let manifest = read(client.join("Cargo.toml"));
    assert!(!manifest.contains("client-runtime ="), "{manifest}");
    check(&client, true);
    // The `mock` feature, with the vendored runtime's `mock` module.
    let stderr = cargo(&client, &["check", "--quiet", "--features", "mock"], true);
    assert!(!stderr.contains("warning"), "{stderr}");
    // Clippy-clean, the vendored runtime's own unit tests included.
    cargo(
        &client,
        &["clippy", "--all-targets", "--quiet", "--", "-D", "warnings"],
        true,
    );
    cargo(&client, &["package", "--no-verify", "--quiet", "--allow-dirty"], true);
    let package = std::fs::read_dir(std::path::Path::new(&workspace().join("target/standalone/package")))
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().starts_with("plant-shop-client-0.1.0"));
    assert!(package, "no .crate written");
}

/// A copy of the runtime crate in a workspace of its own, as a user's
/// checkout (or fork) of the generator's repository has it.
fn runtime_checkout(dir: &Path) {
    let root = read(workspace().join("Cargo.toml"));
    let package = root
        .split("\n[")
        .find(|section| section.starts_with("workspace.package]"))
        .expect("[workspace.package] in the workspace Cargo.toml");
    let manifest = format!("[workspace]\nresolver = \"3\"\nmembers = [\"generator/runtime\"]\n\n[{package}\n");
    std::fs::create_dir_all(dir.join("generator/runtime/src")).unwrap();
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    let runtime = workspace().join("generator/runtime");
    std::fs::copy(runtime.join("Cargo.toml"), dir.join("generator/runtime/Cargo.toml")).unwrap();
    for file in files(&runtime.join("src")) {
        std::fs::copy(
            runtime.join("src").join(&file),
            dir.join("generator/runtime/src").join(&file),
        )
        .unwrap();
    }
}

#[test]
fn path_runtime_crate_builds_after_a_move() {
    let tmp = TempDir::new("path");
    runtime_checkout(&tmp.0.join("generator-checkout"));
    let client = generate_and_move(
        &tmp.0,
        "before",
        "after",
        "path=../../generator-checkout/generator/runtime",
    );
    assert_no_machine_paths(&client, &[&tmp.0, &workspace()]);
    check(&client, true);
}

#[test]
fn git_runtime_crate_builds_after_a_move() {
    let tmp = TempDir::new("git");
    let repo = tmp.0.join("generator-repo");
    runtime_checkout(&repo);
    let git = |args: &[&str]| {
        let output = Command::new("git")
            .args(["-c", "user.name=test", "-c", "user.email=test@example.org"])
            .args(args)
            .current_dir(&repo)
            .output()
            .unwrap();
        assert!(output.status.success(), "git {args:?}: {}", text(&output.stderr));
        text(&output.stdout).trim().to_owned()
    };
    git(&["init", "--quiet"]);
    git(&["add", "."]);
    git(&["commit", "--quiet", "-m", "runtime"]);
    let rev = git(&["rev-parse", "HEAD"]);
    let url = format!("file://{}", repo.display());
    let client = generate_and_move(&tmp.0, "before", "after", &format!("git={url},rev={rev}"));
    let manifest = read(client.join("Cargo.toml"));
    assert!(
        manifest.contains(&format!(r#"client-runtime = {{ git = "{url}", rev = "{rev}" }}"#)),
        "{manifest}"
    );
    // Cargo does not fetch git dependencies offline, even from a local folder.
    check(&client, false);
}

/// `git=` without a revision and `version=`: what `Cargo.toml` says.
#[test]
fn runtime_choices_in_the_manifest() {
    let manifest = |runtime: &str| {
        let options = generator::Options {
            runtime: runtime.parse().unwrap(),
            ..generator::Options::new("plant-shop-client")
        };
        let generated = generator::generate(SPEC, &options).unwrap();
        assert!(!generated.files.contains_key("src/runtime/mod.rs"), "{runtime}");
        generated.files["Cargo.toml"].clone()
    };
    let git = manifest("git=https://example.org/generator.git");
    assert!(
        git.contains("client-runtime = { git = \"https://example.org/generator.git\" }\n"),
        "{git}"
    );
    assert!(git.contains("publish = false"), "{git}");
    let version = manifest("version=0.3");
    assert!(version.contains("client-runtime = \"0.3\"\n"), "{version}");
    assert!(!version.contains("publish = false"), "{version}");
    for bad in ["", "vendor", "path=", "git=", "git=u,rev=", "version=", "path=C:\\rt"] {
        assert!(bad.parse::<generator::Runtime>().is_err(), "{bad:?} parsed");
    }
}

/// The core of the library reads and writes no files: only the edge
/// (`files.rs`) and the command (`main.rs`) do.
#[test]
fn the_core_does_no_file_io() {
    let src = workspace().join("generator/src");
    for file in files(&src) {
        if file == "files.rs" || file == "main.rs" {
            continue;
        }
        let text = read(src.join(&file));
        for io in ["std::fs", "fs::", "File::", "std::env", "std::process"] {
            assert!(
                !text.contains(io),
                "generator/src/{file} uses {io}: only files.rs and main.rs touch the system"
            );
        }
    }
}

/// The build-script layout with the runtime vendored: the files a build
/// script writes into `OUT_DIR`, included by a crate's `lib.rs`, compile
/// with no warnings (the runtime module found beside the included root).
#[test]
fn build_script_layout_with_vendored_runtime_compiles() {
    let tmp = TempDir::new("build-layout");
    let package = tmp.0.join("shop");
    let options = generator::Options {
        layout: generator::Layout::BuildScript,
        generated_by: "build.rs".to_owned(),
        ..generator::Options::new("shop")
    };
    let generated = generator::generate(SPEC, &options).unwrap();
    assert!(!generated.files.contains_key("Cargo.toml"));
    for (path, text) in &generated.files {
        let file = package.join("generated").join(path.strip_prefix("src/").unwrap());
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    // As a package that vendors the runtime lists its dependencies.
    let vendored = generator::generate(SPEC, &generator::Options::new("shop")).unwrap();
    let dependencies = vendored.files["Cargo.toml"]
        .split("[dependencies]")
        .nth(1)
        .unwrap()
        .to_owned();
    std::fs::write(
        package.join("Cargo.toml"),
        format!("[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]{dependencies}"),
    )
    .unwrap();
    std::fs::create_dir_all(package.join("src")).unwrap();
    std::fs::write(
        package.join("src/lib.rs"),
        "//! A crate around an included client.\ninclude!(\"../generated/lib.rs\");\n",
    )
    .unwrap();
    check(&package, true);
}
