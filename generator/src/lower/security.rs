//! Security schemes to credentials the client can carry.
//!
//! | spec                                   | credential                          | builder method         |
//! |----------------------------------------|-------------------------------------|------------------------|
//! | `apiKey` in header, query or cookie    | the key, sent where the spec says   | `api_key`              |
//! | `http` `bearer`                        | `Authorization: Bearer <token>`     | `bearer_token`         |
//! | `http` `basic`                         | `Authorization: Basic ...`          | `basic_auth`           |
//! | `oauth2` with a `clientCredentials` flow | tokens fetched, cached, renewed   | `client_credentials`   |
//! | `oauth2` (other flows), `openIdConnect`| a token the caller obtained         | `bearer_token`         |
//!
//! When two schemes would get the same method name, each is prefixed with
//! its key (`admin_api_key`, `reader_api_key`).
//!
//! A relative URL in a scheme (`tokenUrl: /auth/token`) is resolved against
//! the first server's URL, as OpenAPI says of every relative URL in a spec
//! (RFC 3986 reference resolution): the client gets a URL it can call.

use super::Context;
use crate::error::{Error, Pointer};
use crate::model::{ParamLocation, SchemeKind, SecurityScheme};
use crate::naming;
use openapiv3::{APIKeyLocation, SecurityScheme as Spec};
use url::Url;

pub(super) fn lower_schemes(cx: &mut Context<'_>) -> Result<Vec<SecurityScheme>, Error> {
    let Some(components) = &cx.api.components else {
        return Ok(Vec::new());
    };
    let base = Pointer::root().push("components").push("securitySchemes");
    let server = super::base_url(cx.api).0;
    let mut schemes = Vec::new();
    for (key, scheme) in &components.security_schemes {
        let at = base.push(key);
        let (scheme, _) = cx.resolve(scheme, &at)?;
        let (kind, description) = match scheme.as_ref() {
            Spec::APIKey {
                location,
                name,
                description,
                ..
            } => {
                let location = match location {
                    APIKeyLocation::Query => ParamLocation::Query,
                    APIKeyLocation::Header => ParamLocation::Header,
                    APIKeyLocation::Cookie => ParamLocation::Cookie,
                };
                (
                    SchemeKind::ApiKey {
                        location,
                        name: name.clone(),
                    },
                    description,
                )
            }
            Spec::HTTP {
                scheme, description, ..
            } => match scheme.to_ascii_lowercase().as_str() {
                "bearer" => (SchemeKind::Bearer, description),
                "basic" => (SchemeKind::Basic, description),
                other => {
                    cx.warnings.warn(
                        &at.push("scheme"),
                        format!("HTTP authentication scheme `{other}` is not supported; operations that need it are sent without it"),
                    );
                    continue;
                }
            },
            Spec::OAuth2 { flows, description, .. } => match &flows.client_credentials {
                Some(flow) => (
                    SchemeKind::ClientCredentials {
                        token_url: resolve(
                            &flow.token_url,
                            server.as_deref(),
                            &at.push("flows").push("clientCredentials").push("tokenUrl"),
                            cx,
                        ),
                        scopes: flow.scopes.keys().cloned().collect(),
                    },
                    description,
                ),
                None => (SchemeKind::Bearer, description),
            },
            Spec::OpenIDConnect { description, .. } => (SchemeKind::Bearer, description),
        };
        schemes.push(SecurityScheme {
            key: key.clone(),
            kind,
            description: description.clone(),
            setter: String::new(),
        });
    }
    name_setters(&mut schemes);
    Ok(schemes)
}

/// `url` as an absolute URL: as it is when it is one, else resolved against
/// the server URL. Without an absolute server URL it stays as written, with
/// a warning.
fn resolve(url: &str, server: Option<&str>, at: &Pointer, cx: &mut Context<'_>) -> String {
    if Url::parse(url).is_ok() {
        return url.to_owned();
    }
    match server.map(Url::parse) {
        Some(Ok(server)) => match server.join(url) {
            Ok(resolved) => resolved.to_string(),
            Err(error) => {
                cx.warnings
                    .warn(at, format!("`{url}` is not a URL ({error}); kept as written"));
                url.to_owned()
            }
        },
        _ => {
            cx.warnings.warn(
                at,
                format!(
                    "`{url}` is relative and the spec names no absolute server URL to resolve it against; \
                     kept as written, so pass the full URL to the client"
                ),
            );
            url.to_owned()
        }
    }
}

fn base_setter(kind: &SchemeKind) -> &'static str {
    match kind {
        SchemeKind::ApiKey { .. } => "api_key",
        SchemeKind::Bearer => "bearer_token",
        SchemeKind::Basic => "basic_auth",
        SchemeKind::ClientCredentials { .. } => "client_credentials",
    }
}

fn name_setters(schemes: &mut [SecurityScheme]) {
    let bases: Vec<&str> = schemes.iter().map(|s| base_setter(&s.kind)).collect();
    let mut scope = naming::Scope::new();
    for (i, scheme) in schemes.iter_mut().enumerate() {
        let base = bases[i];
        let shared = bases.iter().filter(|b| **b == base).count() > 1;
        let name = if shared {
            format!("{}_{base}", naming::snake(&scheme.key, "scheme"))
        } else {
            base.to_owned()
        };
        scheme.setter = scope.claim(&name);
    }
}
