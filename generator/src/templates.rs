//! The non-Rust files of a generated crate (`Cargo.toml`, `README.md`),
//! rendered from `templates/` with `minijinja`.

use crate::emit::spec_display;
use crate::error::Error;
use crate::model::{Api, BodyKind, Content, Gate, Output, SchemeKind, Split, TypeKind, TypeRef};
use crate::{Options, Runtime, vendor};
use minijinja::{Environment, context};
use serde::Serialize;

const TEMPLATES: &[(&str, &str, &str)] = &[
    (
        "Cargo.toml",
        "Cargo.toml.j2",
        include_str!("../../templates/Cargo.toml.j2"),
    ),
    (
        "README.md",
        "README.md.j2",
        include_str!("../../templates/README.md.j2"),
    ),
];

/// The oldest Rust a generated crate builds with (its `rust-version`): the
/// runtime it builds or vendors uses `let` chains (1.88), and the crate is
/// edition 2024 (1.85). The workspace's `rust-version` is the same (a test
/// checks it).
pub(crate) const RUST_VERSION: &str = "1.88";

#[derive(Serialize)]
pub(crate) struct OperationRow {
    pub(crate) method: String,
    pub(crate) http: String,
    pub(crate) summary: String,
    /// The feature that compiles it, in a split crate.
    pub(crate) feature: Option<String>,
}

/// One feature of a split crate.
#[derive(Serialize)]
struct FeatureRow {
    feature: String,
    source: String,
    operations: usize,
    types: usize,
}

#[derive(Serialize)]
struct Scheme {
    key: String,
    setter: String,
    /// Every setter of the scheme, the main one first.
    setters: Vec<String>,
    kind: &'static str,
    token_url: Option<String>,
}

/// The quick start's sign-in (`x-sign-in`): call the operation with its
/// body from environment variables, then set the answer's token.
#[derive(Serialize)]
struct SignInStep {
    method: String,
    body_type: String,
    /// The environment variables the constructor's arguments (the body's
    /// required fields) are read from, in order.
    fields: Vec<String>,
    token_field: String,
    token_optional: bool,
    scheme: String,
    setter: String,
    /// The credential as a Rust expression of `token`.
    credential: String,
}

/// The sign-in step, when an operation says it signs in and the quick
/// start can write its call: a JSON body whose required fields are all
/// strings, no required parameter, an answer whose token is a string.
fn sign_in_step(api: &Api, env_prefix: &str) -> Option<SignInStep> {
    let (op, sign_in) = api.operations.iter().find_map(|op| Some((op, op.sign_in.as_ref()?)))?;
    let struct_fields = |ty: &TypeRef| {
        let TypeRef::Named(name) = ty else { return None };
        match &api.types.iter().find(|d| &d.name == name)?.kind {
            TypeKind::Struct {
                fields,
                additional: None,
                unknown_fields: false,
            } => Some((name.clone(), fields)),
            _ => None,
        }
    };
    if op.params.iter().any(|p| p.required) {
        return None;
    }
    let body = op.body.as_ref().filter(|b| b.kind == BodyKind::Json && b.required)?;
    let (body_type, body_fields) = struct_fields(&body.ty)?;
    let mut fields = Vec::new();
    for field in body_fields {
        match &field.ty {
            TypeRef::Option(_) => {}
            TypeRef::String => {
                let name: String = field
                    .wire
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() {
                            c.to_ascii_uppercase()
                        } else {
                            '_'
                        }
                    })
                    .collect();
                fields.push(format!("{env_prefix}_{name}"));
            }
            _ => return None,
        }
    }
    let Output::One(Content::Json(answer)) = &op.output else {
        return None;
    };
    let TypeRef::Named(answer) = answer else { return None };
    let TypeKind::Struct {
        fields: answer_fields, ..
    } = &api.types.iter().find(|d| &d.name == answer)?.kind
    else {
        return None;
    };
    let token = answer_fields.iter().find(|f| f.wire == sign_in.token)?;
    if token.ty.unwrap_option() != &TypeRef::String {
        return None;
    }
    let scheme = api.security_schemes.iter().find(|s| s.key == sign_in.scheme)?;
    if !matches!(scheme.kind, SchemeKind::ApiKey { .. } | SchemeKind::Bearer) {
        return None;
    }
    let template = format!("{}{{token}}", sign_in.prefix.replace('{', "{{").replace('}', "}}"));
    Some(SignInStep {
        method: op.method.clone(),
        body_type,
        fields,
        token_field: token.name.clone(),
        token_optional: token.ty.is_option(),
        scheme: scheme.key.clone(),
        setter: scheme.setter.clone(),
        credential: format!("format!({template:?})"),
    })
}

/// Templates other templates include, and the crate root's docs render
/// (`quick_start`): (name, source).
const PARTIALS: &[(&str, &str)] = &[("quick_start.rs.j2", include_str!("../../templates/quick_start.rs.j2"))];

/// An environment of the crate's templates and their partials.
fn environment() -> Result<Environment<'static>, Error> {
    let templates = TEMPLATES.iter().map(|(_, name, source)| (*name, *source));
    environment_of(templates.chain(PARTIALS.iter().copied()))
}

/// An environment of these templates: (name, source).
fn environment_of(
    templates: impl Iterator<Item = (&'static str, &'static str)>,
) -> Result<Environment<'static>, Error> {
    let mut env = Environment::new();
    env.set_keep_trailing_newline(true);
    for (name, source) in templates {
        env.add_template(name, source).map_err(internal)?;
    }
    Ok(env)
}

/// The crate's files from `templates/`.
/// `quick_start`: the quick start as `quick_start` rendered it.
pub(crate) fn render(
    api: &Api,
    split: Option<&Split>,
    options: &Options,
    quick_start: &str,
) -> Result<Vec<(String, String)>, Error> {
    let env = environment()?;
    let ctx = context(api, split, options)?;
    let ctx = context! { quick_start => quick_start, ..ctx };
    TEMPLATES
        .iter()
        .map(|(path, name, _)| {
            let text = env.get_template(name).and_then(|t| t.render(&ctx)).map_err(internal)?;
            Ok(((*path).to_owned(), text))
        })
        .collect()
}

/// The quick start (the code of a `no_run` doctest, with its hidden
/// `async fn` around it), as the README and the crate's front page show it.
pub(crate) fn quick_start(api: &Api, options: &Options) -> Result<String, Error> {
    // Only its own template: the others are the README's and `Cargo.toml`'s.
    let env = environment_of(PARTIALS.iter().copied())?;
    let ctx = quick_start_context(api, options);
    env.get_template("quick_start.rs.j2")
        .and_then(|t| t.render(&ctx))
        .map_err(internal)
}

/// What the quick start (`quick_start.rs.j2`) reads, and the other templates
/// with it: the crate's name, the credentials and how to sign in, the call
/// it makes.
fn quick_start_context(api: &Api, options: &Options) -> minijinja::Value {
    let schemes: Vec<Scheme> = api
        .security_schemes
        .iter()
        .map(|s| Scheme {
            key: s.key.clone(),
            setter: s.setter.clone(),
            setters: std::iter::once(s.setter.clone())
                .chain(s.token_setters.iter().map(|t| t.name.clone()))
                .collect(),
            kind: match s.kind {
                SchemeKind::ApiKey { .. } => "api_key",
                SchemeKind::Bearer => "bearer",
                SchemeKind::Basic => "basic",
                SchemeKind::ClientCredentials { .. } => "client_credentials",
            },
            token_url: match &s.kind {
                SchemeKind::ClientCredentials { token_url, .. } => Some(token_url.clone()),
                _ => None,
            },
        })
        .collect();
    // The quick start's call: one that needs nothing but the client, and
    // that uses the credentials when the API has any (a GET, if there is one).
    let simple = |op: &&crate::model::Operation| {
        op.params.iter().all(|p| !p.required) && op.body.is_none() && op.idempotent != Some(false)
    };
    let authenticated = |op: &&crate::model::Operation| api.security_schemes.is_empty() || !op.security.is_empty();
    let first = api
        .operations
        .iter()
        .filter(simple)
        .filter(authenticated)
        .find(|op| op.http_method == "GET")
        .or_else(|| api.operations.iter().filter(simple).find(authenticated))
        .or_else(|| api.operations.iter().find(simple));
    let env_prefix = options.crate_name.replace('-', "_").to_ascii_uppercase();
    let sign_in = sign_in_step(api, &env_prefix);
    // A URL made only of server variables' defaults is no default.
    let base_url_required = api.base_url.is_none() || !api.server_variables.is_empty();
    context! {
        crate_ident => options.crate_name.replace('-', "_"),
        schemes => schemes,
        example_method => first.map(|op| op.method.clone()),
        sign_in => sign_in,
        base_url_required => base_url_required,
        env_prefix => env_prefix,
    }
}

/// One row per operation of the operation tables (the README's, the
/// crate's front page's): its method, HTTP method and path, and summary on
/// one line; in a split crate, the feature that compiles it.
pub(crate) fn operation_rows(api: &Api, split: Option<&Split>) -> Vec<OperationRow> {
    let mut area_of = vec![None; api.operations.len()];
    for area in split.iter().flat_map(|s| &s.areas) {
        for &op in &area.operations {
            area_of[op] = Some(area.feature.clone());
        }
    }
    api.operations
        .iter()
        .zip(area_of)
        .map(|(op, feature)| OperationRow {
            feature,
            method: op.method.clone(),
            http: format!("{} {}", op.http_method, op.path),
            summary: one_line(
                op.docs
                    .summary
                    .as_deref()
                    .or(op.docs.description.as_deref())
                    .unwrap_or_default(),
            ),
        })
        .collect()
}

fn context(api: &Api, split: Option<&Split>, options: &Options) -> Result<minijinja::Value, Error> {
    let operations = operation_rows(api, split);
    let features: Vec<FeatureRow> = split
        .iter()
        .flat_map(|s| &s.areas)
        .map(|area| FeatureRow {
            feature: area.feature.clone(),
            source: one_line(&area.source).replace('`', "'"),
            operations: area.operations.len(),
            types: area.types,
        })
        .collect();
    let count = |wanted: fn(&Gate) -> bool| split.map_or(0, |s| s.gates.iter().filter(|g| wanted(g)).count());
    let always_types = count(|g| *g == Gate::Always);
    let full_types = count(|g| *g == Gate::Full);
    // The runtime as a dependency line, or (vendored) the runtime's own
    // dependencies beside the crate's.
    // reqwest comes from the runtime (re-exported as `crate::reqwest`), so
    // that its features are the runtime's and no version must match.
    let mut dependencies: Vec<(String, String)> = vec![
        (
            "serde".to_owned(),
            r#"{ version = "1.0.181", features = ["derive"] }"#.to_owned(),
        ),
        ("serde_json".to_owned(), r#""1""#.to_owned()),
    ];
    let runtime = match &options.runtime {
        Runtime::Vendored => {
            for (name, requirement) in vendor::dependencies()? {
                match dependencies.iter_mut().find(|(n, _)| *n == name) {
                    // The runtime's requirement, so that the code it was written for builds.
                    Some(existing) => existing.1 = requirement,
                    None => dependencies.push((name, requirement)),
                }
            }
            dependencies.sort();
            None
        }
        // Without its default features: this crate's pass them on.
        Runtime::Path(path) => Some(format!("{{ path = {}, default-features = false }}", toml_string(path))),
        Runtime::Git { url, rev: None } => Some(format!("{{ git = {}, default-features = false }}", toml_string(url))),
        Runtime::Git { url, rev: Some(rev) } => Some(format!(
            "{{ git = {}, rev = {}, default-features = false }}",
            toml_string(url),
            toml_string(rev)
        )),
        Runtime::Version(version) => Some(format!(
            "{{ version = {}, default-features = false }}",
            toml_string(version)
        )),
    };
    let (runtime_kind, runtime_source) = match &options.runtime {
        Runtime::Vendored => ("vendored", String::new()),
        Runtime::Path(path) => ("path", path.clone()),
        Runtime::Git { url, rev: None } => ("git", url.clone()),
        Runtime::Git { url, rev: Some(rev) } => ("git", format!("{url} (revision {rev})")),
        Runtime::Version(version) => ("version", version.clone()),
    };
    let dependencies: Vec<String> = dependencies
        .iter()
        .map(|(name, requirement)| format!("{name} = {requirement}"))
        .collect();
    // The runtime's features under the same names (its code, vendored,
    // reads them as this crate's): what they turn on in the runtime's own
    // dependencies (vendored), or the runtime's feature of that name.
    let runtime_features = vendor::features();
    let feature = |name: &str| {
        runtime_features
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, value)| match &options.runtime {
                Runtime::Vendored => value.clone(),
                _ if name == "default" => value.clone(),
                _ => vec![format!("client-runtime/{name}")],
            })
            .ok_or_else(|| Error::Internal {
                message: format!("runtime Cargo.toml: no `{name}` feature"),
            })
    };
    // In a split crate `full` is on by default, and `mock` turns it on too:
    // the mock server knows every operation.
    let with_full = |mut items: Vec<String>| {
        if split.is_some() {
            items.insert(0, "full".to_owned());
        }
        items
    };
    let toml_list = |items: Vec<String>| {
        let items: Vec<String> = items.iter().map(|item| toml_string(item)).collect();
        format!("[{}]", items.join(", "))
    };
    let mock_feature = toml_list(with_full(feature("mock")?));
    let tracing_feature = toml_list(feature("tracing")?);
    let transport_features = ["default", "native-roots", "webpki-roots", "native-tls", "gzip", "http2"]
        .iter()
        .map(|&name| {
            let value = feature(name)?;
            let value = if name == "default" { with_full(value) } else { value };
            Ok(format!("{name} = {}", toml_list(value)))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let crate_ident = options.crate_name.replace('-', "_");
    let spec_path = spec_display(&options.spec_path);
    let ctx = context! {
        crate_name => &options.crate_name,
        crate_dir => crate_dir(&options.crate_dir),
        version => &options.version,
        rust_version => RUST_VERSION,
        generated_by => &options.generated_by,
        spec_path => spec_path,
        spec_link => spec_link(&options.crate_dir, &options.spec_path),
        runtime => runtime,
        runtime_kind => runtime_kind,
        runtime_source => runtime_source,
        runtime_version => vendor::package_version()?,
        dependencies => dependencies,
        title => one_line(&api.title),
        api_name => api_name(&one_line(&api.title)),
        toml_description => toml_string(&format!(
            "A typed async client for the {}, generated from its OpenAPI spec.",
            api_name(&one_line(&api.title))
        )),
        api_version => &api.version,
        // Fenced as `text` and unindented, as in doc comments: the README
        // is compiled by the doctests, and spec prose must not become one.
        description => api.description.as_deref().map(|d| {
            crate::emit::doc_lines(d)
                .iter()
                .map(|line| line.strip_prefix(' ').unwrap_or(line))
                .collect::<Vec<_>>()
                .join("\n")
        }),
        base_url => &api.base_url,
        operations => operations,
        features => features,
        always_types => always_types,
        full_types => full_types,
        held_fields => split.map_or(0, |s| s.held),
        held_variants => split.map_or(0, |s| s.held_variants),
        server_variables => api.server_variables.iter().map(|v| format!("`{}` = `{}`", v.name, v.default)).collect::<Vec<_>>().join(", "),
        keeps_unknown_fields => api.types.iter().any(|def| matches!(
            def.kind,
            TypeKind::Struct { unknown_fields: true, .. }
        )),
        mock_feature => mock_feature,
        transport_features => transport_features,
        tracing_feature => tracing_feature,
        testing_example => crate::emit::mock::example(api, &crate_ident),
        ..quick_start_context(api, options)
    };
    Ok(ctx)
}

/// "the Pet Store API", not "the Pet Store API API": the title as it is when
/// it already names itself an API, else with "API" after it. The README,
/// `Cargo.toml` and the crate's front page name the API by it.
pub(crate) fn api_name(title: &str) -> String {
    let names_api = title
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| word.eq_ignore_ascii_case("api") || word.eq_ignore_ascii_case("apis"));
    if title.is_empty() {
        "API".to_owned()
    } else if names_api {
        title.to_owned()
    } else {
        format!("{title} API")
    }
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The crate's folder as the README's example names it: as given when
/// relative, its last component when absolute.
fn crate_dir(dir: &str) -> String {
    let dir = dir.trim_end_matches(['/', '\\']);
    if crate::is_absolute(dir) {
        dir.rsplit(['/', '\\']).next().unwrap_or(dir).to_owned()
    } else {
        dir.replace('\\', "/")
    }
}

/// The spec relative to the crate's folder, when both are given relative to
/// one place and the crate's folder does not climb out of it
/// (`generated/vrm`, `specs/vrm.yaml` → `../../specs/vrm.yaml`); `None`
/// when no link can be known to resolve.
fn spec_link(crate_dir: &str, spec_path: &str) -> Option<String> {
    if crate::is_absolute(crate_dir) || crate::is_absolute(spec_path) {
        return None;
    }
    let mut depth = 0usize;
    for part in crate_dir.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => depth = depth.checked_sub(1)?,
            _ => depth += 1,
        }
    }
    let spec: Vec<&str> = spec_path
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if spec.is_empty() {
        return None;
    }
    let mut link = "../".repeat(depth);
    link.push_str(&spec.join("/"));
    Some(link)
}

/// Spec prose on one line, safe in a Markdown table cell.
pub(crate) fn one_line(text: &str) -> String {
    let first = text.trim().split("\n\n").next().unwrap_or_default();
    first
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

fn internal(err: minijinja::Error) -> Error {
    Error::Internal {
        message: format!("template: {err}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README is compiled by the doctests: code in the spec's prose
    /// must stay text.
    #[test]
    fn spec_prose_in_the_readme_cannot_become_a_doctest() {
        let spec = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\n  description: |\n    Intro.\n\n    ```rust\n    panic!()\n    ```\n\n        indented code\npaths: {}\n";
        let generated = crate::generate(spec, &crate::Options::new("t-client")).unwrap();
        let readme = &generated.files["README.md"];
        assert!(readme.contains("```text\npanic!()\n```"), "{readme}");
        assert!(
            !readme.contains("```rust\npanic") && !readme.contains("    indented code"),
            "{readme}"
        );
    }

    #[test]
    fn api_is_said_once() {
        assert_eq!(api_name("HTTP API"), "HTTP API");
        assert_eq!(api_name("VRM API (users)"), "VRM API (users)");
        assert_eq!(api_name("Swagger Petstore"), "Swagger Petstore API");
        assert_eq!(api_name("Rapid"), "Rapid API");
        assert_eq!(api_name(""), "API");
    }

    /// The front page (the crate root's docs) names the API once, then
    /// shows the README's quick start as a doctest and the operation table.
    #[test]
    fn the_front_page_opens_with_the_quick_start() {
        let spec = r"
openapi: 3.0.3
info:
  title: Pet Store API (pets only)
  version: '1'
  description: About pets.
servers: [{url: 'https://pets.example.org'}]
paths:
  /pets:
    get:
      operationId: listPets
      summary: All pets
      responses:
        '200': {description: ok}
";
        let generated = crate::generate(spec, &crate::Options::new("pets-client")).unwrap();
        let lib = &generated.files["src/lib.rs"];
        let docs: Vec<&str> = lib
            .lines()
            .filter_map(|l| l.strip_prefix("//!"))
            .map(str::trim)
            .collect();
        assert_eq!(
            docs[0], "A client for the Pet Store API (pets only) (version 1).",
            "{lib}"
        );
        let at = |text: &str| {
            docs.iter()
                .position(|l| *l == text)
                .unwrap_or_else(|| panic!("{text}: {lib}"))
        };
        assert!(at("# Quick start") < at("```no_run"));
        assert!(at("```no_run") < at("let response = client.list_pets().await?;"));
        assert!(at("let response = client.list_pets().await?;") < at("# Operations"));
        assert!(at("# Operations") < at("| [`list_pets`](Client::list_pets) | `GET /pets` | All pets |"));
        assert!(at("| [`list_pets`](Client::list_pets) | `GET /pets` | All pets |") < at("About pets."));
        // The README's quick start is the same code.
        let readme = &generated.files["README.md"];
        assert!(
            readme.contains(
                "let client = pets_client::Client::builder()\n    .build()?;\nlet response = client.list_pets().await?;"
            ),
            "{readme}"
        );
    }

    #[test]
    fn spec_links_resolve_or_are_absent() {
        assert_eq!(
            spec_link("generated/vrm", "specs/vrm.yaml").as_deref(),
            Some("../../specs/vrm.yaml")
        );
        assert_eq!(spec_link("./client/", "api.yaml").as_deref(), Some("../api.yaml"));
        assert_eq!(
            spec_link("client", "../specs/api.yaml").as_deref(),
            Some("../../specs/api.yaml")
        );
        assert_eq!(spec_link("a/../b", "api.yaml").as_deref(), Some("../api.yaml"));
        assert_eq!(spec_link("../client", "api.yaml"), None);
        assert_eq!(spec_link("/tmp/client", "api.yaml"), None);
        assert_eq!(spec_link("client", "/home/me/api.yaml"), None);
        assert_eq!(crate_dir("/tmp/x/petstore/"), "petstore");
        assert_eq!(crate_dir("clients/petstore"), "clients/petstore");
    }

    /// Generated crates and this workspace (the runtime they build on)
    /// claim the same oldest Rust.
    #[test]
    fn rust_version_is_the_workspace_s() {
        let workspace = include_str!("../../Cargo.toml");
        assert!(
            workspace.contains(&format!("rust-version = \"{RUST_VERSION}\"")),
            "the workspace's rust-version is not {RUST_VERSION}"
        );
        let generated = crate::generate(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n",
            &crate::Options::new("t-client"),
        )
        .unwrap();
        assert!(generated.files["Cargo.toml"].contains(&format!("\nrust-version = \"{RUST_VERSION}\"\n")));
    }

    #[test]
    fn toml_strings_escape() {
        assert_eq!(toml_string(r#"a "b" \ c"#), r#""a \"b\" \\ c""#);
    }
}
