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
//! Every scheme that sends an access token (`http` `bearer`, `oauth2`,
//! `openIdConnect`) also takes one from a token source of the user's
//! (`token_source`), and every OAuth2 or OpenID Connect scheme a user's
//! name and password (`password_grant`, the OAuth2 password grant; the
//! spec's `password` flow names its token URL, when it has one); a scheme
//! whose main setter is `client_credentials` also takes a token as it is
//! (`bearer_token`).
//!
//! When two schemes would get the same method name, each is prefixed with
//! its key (`admin_api_key`, `reader_api_key`).
//!
//! A relative URL in a scheme (`tokenUrl: /auth/token`) is resolved against
//! the first server's URL, as OpenAPI says of every relative URL in a spec
//! (RFC 3986 reference resolution): the client gets a URL it can call.

use super::Context;
use crate::error::{Error, Pointer};
use crate::model::{ParamLocation, SchemeKind, SecurityScheme, TokenSetter, TokenSetterKind};
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
        // The token setters beside the main one.
        let mut token_setters = Vec::new();
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
                "bearer" => {
                    token_setters.push(TokenSetterKind::TokenSource);
                    (SchemeKind::Bearer, description)
                }
                "basic" => (SchemeKind::Basic, description),
                other => {
                    cx.warnings.warn(
                        &at.push("scheme"),
                        format!("HTTP authentication scheme `{other}` is not supported; operations that need it are sent without it"),
                    );
                    continue;
                }
            },
            Spec::OAuth2 { flows, description, .. } => {
                let password_url = flows.password.as_ref().map(|flow| {
                    resolve(
                        &flow.token_url,
                        server.as_deref(),
                        &at.push("flows").push("password").push("tokenUrl"),
                        cx,
                    )
                });
                if flows.client_credentials.is_some() {
                    token_setters.push(TokenSetterKind::BearerToken);
                }
                token_setters.push(TokenSetterKind::PasswordGrant {
                    token_url: password_url,
                });
                token_setters.push(TokenSetterKind::TokenSource);
                match &flows.client_credentials {
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
                }
            }
            Spec::OpenIDConnect { description, .. } => {
                token_setters.push(TokenSetterKind::PasswordGrant { token_url: None });
                token_setters.push(TokenSetterKind::TokenSource);
                (SchemeKind::Bearer, description)
            }
        };
        schemes.push(SecurityScheme {
            key: key.clone(),
            kind,
            description: description.clone(),
            setter: String::new(),
            token_setters: token_setters
                .into_iter()
                .map(|kind| TokenSetter {
                    kind,
                    name: String::new(),
                })
                .collect(),
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

fn token_setter_base(kind: &TokenSetterKind) -> &'static str {
    match kind {
        TokenSetterKind::BearerToken => "bearer_token",
        TokenSetterKind::PasswordGrant { .. } => "password_grant",
        TokenSetterKind::TokenSource => "token_source",
    }
}

/// Each setter named by its base (`api_key`), or prefixed with its scheme's
/// key when schemes share the base (`admin_api_key`).
fn name_setters(schemes: &mut [SecurityScheme]) {
    let bases: Vec<&str> = schemes
        .iter()
        .flat_map(|s| {
            std::iter::once(base_setter(&s.kind)).chain(s.token_setters.iter().map(|t| token_setter_base(&t.kind)))
        })
        .collect();
    let mut scope = naming::Scope::new();
    let mut name = |key: &str, base: &str| {
        let shared = bases.iter().filter(|b| **b == base).count() > 1;
        let name = if shared {
            format!("{}_{base}", naming::snake(key, "scheme"))
        } else {
            base.to_owned()
        };
        scope.claim(&name)
    };
    for scheme in schemes.iter_mut() {
        scheme.setter = name(&scheme.key, base_setter(&scheme.kind));
        for setter in &mut scheme.token_setters {
            setter.name = name(&scheme.key, token_setter_base(&setter.kind));
        }
    }
}
