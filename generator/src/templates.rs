//! The non-Rust files of a generated crate (`Cargo.toml`, `README.md`),
//! rendered from `templates/` with `minijinja`.

use crate::emit::spec_display;
use crate::error::Error;
use crate::model::{Api, Gate, SchemeKind, Split};
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

#[derive(Serialize)]
struct OperationRow {
    method: String,
    http: String,
    summary: String,
    /// The feature that compiles it, in a split crate.
    feature: Option<String>,
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
    kind: &'static str,
    token_url: Option<String>,
}

pub(crate) fn render(api: &Api, split: Option<&Split>, options: &Options) -> Result<Vec<(String, String)>, Error> {
    let mut env = Environment::new();
    env.set_keep_trailing_newline(true);
    for (_, name, source) in TEMPLATES {
        env.add_template(name, source).map_err(internal)?;
    }
    let mut area_of = vec![None; api.operations.len()];
    for area in split.iter().flat_map(|s| &s.areas) {
        for &op in &area.operations {
            area_of[op] = Some(area.feature.clone());
        }
    }
    let operations: Vec<OperationRow> = api
        .operations
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
        .collect();
    let schemes: Vec<Scheme> = api
        .security_schemes
        .iter()
        .map(|s| Scheme {
            key: s.key.clone(),
            setter: s.setter.clone(),
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
    let first = api
        .operations
        .iter()
        .find(|op| op.params.iter().all(|p| !p.required) && op.body.is_none());
    // The runtime as a dependency line, or (vendored) the runtime's own
    // dependencies beside the crate's.
    let mut dependencies: Vec<(String, String)> = vec![
        (
            "reqwest".to_owned(),
            r#"{ version = "0.12", default-features = false, features = ["rustls-tls"] }"#.to_owned(),
        ),
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
        Runtime::Path(path) => Some(format!("{{ path = {} }}", toml_string(path))),
        Runtime::Git { url, rev: None } => Some(format!("{{ git = {} }}", toml_string(url))),
        Runtime::Git { url, rev: Some(rev) } => {
            Some(format!("{{ git = {}, rev = {} }}", toml_string(url), toml_string(rev)))
        }
        Runtime::Version(version) => Some(toml_string(version)),
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
    let spec_path = spec_display(&options.spec_path);
    let ctx = context! {
        crate_name => &options.crate_name,
        crate_ident => options.crate_name.replace('-', "_"),
        crate_dir => crate_dir(&options.crate_dir),
        version => &options.version,
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
        description => api.description.as_deref().map(|d| d.trim().to_owned()),
        base_url => &api.base_url,
        operations => operations,
        schemes => schemes,
        example_method => first.map(|op| op.method.clone()),
        features => features,
        always_types => always_types,
        full_types => full_types,
    };
    TEMPLATES
        .iter()
        .map(|(path, name, _)| {
            let text = env.get_template(name).and_then(|t| t.render(&ctx)).map_err(internal)?;
            Ok(((*path).to_owned(), text))
        })
        .collect()
}

/// "the Pet Store API", not "the Pet Store API API": the title as it is when
/// it already names itself an API, else with "API" after it.
fn api_name(title: &str) -> String {
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
fn one_line(text: &str) -> String {
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

    #[test]
    fn api_is_said_once() {
        assert_eq!(api_name("HTTP API"), "HTTP API");
        assert_eq!(api_name("VRM API (users)"), "VRM API (users)");
        assert_eq!(api_name("Swagger Petstore"), "Swagger Petstore API");
        assert_eq!(api_name("Rapid"), "Rapid API");
        assert_eq!(api_name(""), "API");
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

    #[test]
    fn toml_strings_escape() {
        assert_eq!(toml_string(r#"a "b" \ c"#), r#""a \"b\" \\ c""#);
    }
}
