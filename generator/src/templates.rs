//! The non-Rust files of a generated crate (`Cargo.toml`, `README.md`),
//! rendered from `templates/` with `minijinja`.

use crate::Options;
use crate::error::Error;
use crate::model::{Api, SchemeKind};
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
}

#[derive(Serialize)]
struct Scheme {
    key: String,
    setter: String,
    kind: &'static str,
    token_url: Option<String>,
}

pub(crate) fn render(api: &Api, options: &Options) -> Result<Vec<(String, String)>, Error> {
    let mut env = Environment::new();
    env.set_keep_trailing_newline(true);
    for (_, name, source) in TEMPLATES {
        env.add_template(name, source).map_err(internal)?;
    }
    let operations: Vec<OperationRow> = api
        .operations
        .iter()
        .map(|op| OperationRow {
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
    let first = api
        .operations
        .iter()
        .find(|op| op.params.iter().all(|p| !p.required) && op.body.is_none());
    let ctx = context! {
        crate_name => &options.crate_name,
        crate_ident => options.crate_name.replace('-', "_"),
        version => &options.version,
        spec_path => &options.spec_path,
        runtime_path => &options.runtime_path,
        title => one_line(&api.title),
        api_version => &api.version,
        description => api.description.as_deref().map(|d| d.trim().to_owned()),
        base_url => &api.base_url,
        operations => operations,
        schemes => schemes,
        example_method => first.map(|op| op.method.clone()),
    };
    TEMPLATES
        .iter()
        .map(|(path, name, _)| {
            let text = env.get_template(name).and_then(|t| t.render(&ctx)).map_err(internal)?;
            Ok(((*path).to_owned(), text))
        })
        .collect()
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
