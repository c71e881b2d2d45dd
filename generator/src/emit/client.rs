//! The crate root (`lib.rs`) and `client.rs`: the default server and one
//! credential setter per security scheme.

use super::{doc, doc_lines, inner_docs, rust_type};
use crate::model::{Api, ParamLocation, SchemeKind, SecurityScheme, Split, TokenSetterKind};
use crate::naming::{self, ident};
use crate::{Layout, Options, Runtime, templates};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The crate's `lib.rs`; `split`: its areas when it is split into features;
/// `quick_start`: the README's quick start (`templates::quick_start`, empty
/// for a build script's module).
pub(super) fn lib_rs(api: &Api, split: Option<&Split>, options: &Options, quick_start: &str) -> TokenStream {
    let api_name = templates::api_name(&templates::one_line(&api.title));
    let opening = format!(
        "A client for the {api_name} (version {}).\n\n\
         Every operation is a method on [`Client`] that returns a request builder (the types are in \
         [`builders`]), sent by `.await`; the request and response models are in [`types`].\n\n\
         # Quick start",
        api.version.trim()
    );
    // The quick start is code, kept as it is (not spec prose, whose fences
    // become `text`): a `no_run` doctest, the README's own.
    let quick_start = ["", "```no_run"]
        .into_iter()
        .chain(quick_start.lines())
        .chain(["```", ""])
        .map(|line| format!(" {line}").trim_end().to_owned());
    let mut text = String::new();
    if !api.operations.is_empty() {
        text.push_str("# Operations\n\n| method | HTTP request | description |\n|---|---|---|\n");
        for row in templates::operation_rows(api, split) {
            let method = naming::escape(&row.method);
            text.push_str(&format!(
                "| [`{}`](Client::{method}) | `{}` | {} |\n",
                row.method, row.http, row.summary
            ));
        }
    }
    if let Some(description) = api.description.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        text.push_str("\n# About the API\n\n");
        text.push_str(description);
    }
    text.push_str(&format!(
        "\n\nGenerated from `{}` by `{}`.",
        super::spec_display(&options.spec_path),
        options.generated_by
    ));
    if let Some(split) = split {
        text.push_str(&format!(
            "\n\nThe API is large, so its operations are split into {} cargo features by area, \
             each with the types it needs: `full` (the default) is all of them; with \
             `default-features = false` and the features of the areas you call, only those compile. \
             The crate's `README.md` lists the features.",
            split.areas.len()
        ));
    }
    // A crate's root documents the crate and allows the lints below for all
    // of it. Included by a build script, it can hold neither inner docs nor
    // inner attributes: the allows go on each module instead.
    let allow = quote!(
        clippy::doc_lazy_continuation,
        clippy::doc_overindented_list_items,
        clippy::large_enum_variant,
        clippy::too_many_arguments
    );
    let (docs, crate_allow, module_allow) = match options.layout {
        Layout::Crate => (
            {
                let mut lines = doc_lines(&opening);
                lines.extend(quick_start);
                lines.extend(doc_lines(&text));
                inner_docs(&lines)
            },
            quote! {
                // Spec prose becomes doc comments as written; rustdoc and clippy
                // style lints on it are about the spec, not about this code. A
                // `oneOf` of a large object and a small value is as large as the
                // object: boxing it would cost an allocation per decoded value.
                #![allow(#allow)]
            },
            quote!(),
        ),
        Layout::BuildScript => (quote!(), quote!(), quote!(#[allow(#allow)])),
    };
    // The README's quick start, compiled by the doctests (a crate's only:
    // a build script's output has no README beside it).
    let readme_doctests = matches!(options.layout, Layout::Crate).then(|| {
        quote! {
            /// The README's examples, compiled as doctests.
            #[cfg(doctest)]
            #[doc = include_str!("../README.md")]
            pub struct ReadmeDoctests;
        }
    });
    let runtime = match options.runtime {
        Runtime::Vendored => quote! {
            // The runtime every generated client is built on, vendored:
            // client-runtime's source, in `src/runtime/`.
            #[doc(hidden)]
            pub mod runtime;
        },
        _ => quote! {
            // The runtime every generated client is built on.
            use client_runtime as runtime;
        },
    };
    let error_body = match &api.error_body {
        Some(ty) => {
            let ty = rust_type(ty, false);
            quote!(#ty)
        }
        None => quote!(serde_json::Value),
    };
    let error_doc = match &api.error_body {
        Some(_) => " The error of every operation; [`ApiError::parsed`] holds the error body the spec declares.",
        None => " The error of every operation; [`ApiError::parsed`] holds the body when it is JSON.",
    };
    let base_url = match &api.base_url {
        Some(url) if !api.server_variables.is_empty() => {
            let text = " The first server the spec names, with its variables at their defaults. Not a default: \
                        a client connects here only when given it with [`ClientBuilder::base_url`]."
                .to_owned();
            quote! {
                #[doc = #text]
                pub const DEFAULT_BASE_URL: &str = #url;
            }
        }
        Some(url) => {
            let text = " The first server the spec names; [`ClientBuilder::base_url`] picks another.".to_owned();
            quote! {
                #[doc = #text]
                pub const DEFAULT_BASE_URL: &str = #url;
            }
        }
        None => quote!(),
    };
    let paged = paged_alias(api, &error_body);
    // What the token setters take.
    let token_exports = has_token_setters(api).then(|| {
        quote! {
            pub use runtime::{AccessToken, PasswordGrant, TokenRequest, TokenSource};
        }
    });
    // Test doubles, for the crates that depend on this one (its `mock` feature).
    let mock = (options.layout == Layout::Crate).then(|| {
        quote! {
            #[cfg(feature = "mock")]
            pub mod mock;
        }
    });
    quote! {
        #docs
        #crate_allow

        #module_allow
        mod client;
        #mock
        #module_allow
        pub mod builders;
        #module_allow
        pub mod types;

        #runtime

        pub use client::{Client, ClientBuilder};
        pub use runtime::{ApiError, AuthError, BuildError, DecodeError, Download, HeaderMap, Response, Secret, StatusCode, UnknownFields};
        /// The `reqwest` this crate is built on: its `Certificate` and `Proxy` for
        /// [`ClientBuilder`], its `Client` for [`ClientBuilder::http_client`],
        /// with no dependency of your own that must match this one's version.
        pub use runtime::reqwest;
        #token_exports
        /// Hooks: code that sees each request before it is sent and each answer after ([`ClientBuilder::hook`]).
        pub use runtime::hooks;

        #[doc = #error_doc]
        pub type Error = runtime::Error<#error_body>;

        /// The future of a call: what `.await` on a request (or its `send`) runs; its output is `Result<T, Error>`.
        pub type Call<'a, T> = runtime::Call<'a, T, #error_body>;

        /// The future of a request's `send_with_response`: its output is
        /// `Result<Response<T>, Error>`, the decoded body with the answer's status and headers.
        pub type CallWithResponse<'a, T> = runtime::CallWithResponse<'a, T, #error_body>;

        #paged

        #base_url

        #readme_doctests
    }
}

/// `Paged`, the stream of a paged operation's pages or items, when the
/// spec has one (`x-pagination`).
fn paged_alias(api: &Api, error_body: &TokenStream) -> Option<TokenStream> {
    api.operations.iter().any(|op| op.pagination.is_some()).then(|| {
        quote! {
            /// The pages (or items) of a paged operation, one call per page: a
            /// `Stream` of `Result<T, Error>`, read with its `try_next`.
            pub type Paged<'a, T> = runtime::Paged<'a, T, #error_body>;
        }
    })
}

pub(super) fn client_rs(api: &Api) -> TokenStream {
    // A URL made of server variables' defaults is no default: the client
    // needs `base_url` (see the runtime's `templated_server`).
    let templated = api.base_url.is_some() && !api.server_variables.is_empty();
    let default_url = if api.base_url.is_some() && !templated {
        quote!(Some(crate::DEFAULT_BASE_URL))
    } else {
        quote!(None)
    };
    let templated_server = templated.then(|| quote!(.templated_server(crate::DEFAULT_BASE_URL)));
    let setters: Vec<Setter> = api.security_schemes.iter().flat_map(setters).collect();
    let builder_setters = setters.iter().map(builder_setter);
    let client_setters = setters.iter().map(client_setter);
    let with_setters = setters.iter().map(with_setter);
    let uses = |pred: fn(&SchemeKind) -> bool| api.security_schemes.iter().any(|s| pred(&s.kind));
    let mut imports = vec![quote!(self)];
    if !api.security_schemes.is_empty() {
        imports.push(quote!(Credential));
    }
    if uses(|k| matches!(k, SchemeKind::ApiKey { .. })) {
        imports.push(quote!(Location));
    }
    if setters.iter().any(|s| s.takes_secret) {
        imports.push(quote!(Secret));
    }
    let token_kinds = || {
        api.security_schemes
            .iter()
            .flat_map(|s| &s.token_setters)
            .map(|t| &t.kind)
    };
    if token_kinds().any(|k| matches!(k, TokenSetterKind::PasswordGrant { .. })) {
        imports.push(quote!(PasswordGrant));
    }
    if token_kinds().any(|k| matches!(k, TokenSetterKind::TokenSource)) {
        imports.push(quote!(TokenSource));
    }
    let variables = if api.server_variables.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = api
            .server_variables
            .iter()
            .map(|v| format!("`{}` = `{}`", v.name, v.default))
            .collect();
        format!(" (server variables at their defaults: {})", list.join(", "))
    };
    let builder_doc = match &api.base_url {
        Some(url) if templated => format!(
            " A builder for a client. Set [`base_url`](ClientBuilder::base_url): the spec's server URL has \
             variables, so there is no default (`{url}`{variables} is used only when passed to it). Then set \
             credentials and [`build`](ClientBuilder::build)."
        ),
        Some(url) => format!(" A builder for a client of `{url}`{variables}; set credentials, then [`build`](ClientBuilder::build)."),
        None => " A builder for a client; set [`base_url`](ClientBuilder::base_url) and credentials, then [`build`](ClientBuilder::build).".to_owned(),
    };
    quote! {
        //! Creating a [`Client`]: where it connects and which credentials it sends.
        use crate::runtime::{#(#imports),*};

        /// A client of the API: cheap to clone (clones share connections and
        /// credentials), and usable from many tasks at once. Every operation is
        /// a method on it.
        #[derive(Clone)]
        pub struct Client {
            pub(crate) runtime: runtime::Client,
        }

        // What the runtime shows: settings, and credentials without their secrets.
        impl std::fmt::Debug for Client {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.runtime.fmt(f)
            }
        }

        impl Client {
            #[doc = #builder_doc]
            pub fn builder() -> ClientBuilder {
                ClientBuilder {
                    runtime: runtime::ClientBuilder::new(
                        #default_url,
                        concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
                    )
                    #templated_server,
                }
            }

            /// The URL every request path is appended to.
            pub fn base_url(&self) -> &str {
                self.runtime.base_url()
            }

            #(#client_setters)*

            #(#with_setters)*
        }

        /// Configures a [`Client`]: where it connects, how long it waits, how it
        /// retries, and its credentials.
        #[must_use = "a builder does nothing until `build` is called"]
        pub struct ClientBuilder {
            runtime: runtime::ClientBuilder,
        }

        impl std::fmt::Debug for ClientBuilder {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.runtime.fmt(f)
            }
        }

        impl ClientBuilder {
            runtime::builder_settings!();

            #(#builder_setters)*
        }
    }
}

/// A setter's docs: what it sets, and the scheme's description (on the
/// scheme's main setters only; the others point to the builder's).
fn scheme_docs(scheme: &SecurityScheme, main: bool, what: &str) -> TokenStream {
    let mut text = format!("{what} (security scheme `{}`).", scheme.key);
    let description = scheme.description.as_deref().map(str::trim).filter(|d| !d.is_empty());
    match description {
        Some(description) if main => {
            text.push_str("\n\n");
            text.push_str(description);
        }
        Some(_) => text.push_str(&format!(
            " The scheme is described at [`ClientBuilder::{}`].",
            scheme.setter
        )),
        None => {}
    }
    doc(&text)
}

/// Whether a scheme takes tokens from the user (the crate then re-exports
/// what its setters take).
fn has_token_setters(api: &Api) -> bool {
    api.security_schemes.iter().any(|s| !s.token_setters.is_empty())
}

/// One way to set a scheme's credential: the method's name, its
/// parameters, the credential expression, and what it is (for its docs).
struct Setter<'a> {
    scheme: &'a SecurityScheme,
    name: &'a str,
    params: TokenStream,
    credential: TokenStream,
    what: String,
    /// Whether its parameters name `Secret`.
    takes_secret: bool,
    /// The scheme's main setter (`client_credentials`), not a token setter.
    main: bool,
}

/// Every setter of a scheme: its main one, then its token setters.
fn setters(scheme: &SecurityScheme) -> Vec<Setter<'_>> {
    let (params, credential, what) = credential(scheme);
    let mut out = vec![Setter {
        scheme,
        name: &scheme.setter,
        params,
        credential,
        what,
        takes_secret: true,
        main: true,
    }];
    for token_setter in &scheme.token_setters {
        let (params, credential, what, takes_secret) = match &token_setter.kind {
            TokenSetterKind::BearerToken => (
                quote!(token: impl Into<Secret>),
                quote!(Credential::bearer(token.into())),
                "An access token obtained elsewhere, sent as `Authorization: Bearer <token>` as it is \
                 (nothing renews it)"
                    .to_owned(),
                true,
            ),
            TokenSetterKind::PasswordGrant { token_url } => {
                let named = token_url
                    .as_deref()
                    .map(|url| format!(" (the spec names `{url}`)"))
                    .unwrap_or_default();
                (
                    quote!(grant: PasswordGrant),
                    quote!(Credential::password_grant(grant)),
                    format!(
                        "The OAuth2 password grant: the client signs in with a user's name and password at \
                         the grant's token URL{named}, sends the access token as `Authorization: Bearer <token>`, \
                         renews it with the refresh token before it expires or when the server refuses it, and \
                         signs in again when the refresh token has expired"
                    ),
                    false,
                )
            }
            TokenSetterKind::TokenSource => (
                quote!(source: impl TokenSource),
                quote!(Credential::token_source(source)),
                "Access tokens from a source of your own (an `async` closure or a [`TokenSource`]), sent as \
                 `Authorization: Bearer <token>`: asked when the client needs a token, when it expires, and \
                 again when the server refuses it; many calls at once wait for one answer"
                    .to_owned(),
                false,
            ),
        };
        out.push(Setter {
            scheme,
            name: &token_setter.name,
            params,
            credential,
            what,
            takes_secret,
            main: false,
        });
    }
    out
}

/// The credential expression, and the setter's parameters.
fn credential(scheme: &SecurityScheme) -> (TokenStream, TokenStream, String) {
    match &scheme.kind {
        SchemeKind::ApiKey { location, name } => {
            let location_ident = format_ident!(
                "{}",
                match location {
                    ParamLocation::Query => "Query",
                    ParamLocation::Cookie => "Cookie",
                    _ => "Header",
                }
            );
            let place = match location {
                ParamLocation::Query => "query parameter",
                ParamLocation::Cookie => "cookie",
                _ => "header",
            };
            (
                quote!(key: impl Into<Secret>),
                quote!(Credential::api_key(Location::#location_ident, #name, key.into())),
                format!("The API key, sent in the `{name}` {place}"),
            )
        }
        SchemeKind::Bearer => (
            quote!(token: impl Into<Secret>),
            quote!(Credential::bearer(token.into())),
            "The token, sent as `Authorization: Bearer <token>`".to_owned(),
        ),
        SchemeKind::Basic => (
            quote!(username: impl Into<String>, password: Option<impl Into<Secret>>),
            quote!(Credential::Basic {
                username: username.into(),
                password: password.map(Into::into)
            }),
            "The user name and password, sent as `Authorization: Basic ...`".to_owned(),
        ),
        SchemeKind::ClientCredentials { token_url, .. } => (
            quote!(token_url: impl Into<String>, client_id: impl Into<String>, client_secret: impl Into<Secret>),
            quote!(Credential::client_credentials(token_url, client_id, client_secret, &[])),
            format!(
                "OAuth2 client credentials: the client fetches an access token from `token_url` \
                 (the spec names `{token_url}`), sends it as `Authorization: Bearer <token>`, \
                 and fetches a new one before it expires or when the server refuses it"
            ),
        ),
    }
}

fn builder_setter(setter: &Setter<'_>) -> TokenStream {
    let name = ident(setter.name);
    let key = &setter.scheme.key;
    let Setter { params, credential, .. } = setter;
    let docs = scheme_docs(setter.scheme, setter.main, &setter.what);
    quote! {
        #docs
        pub fn #name(self, #params) -> Self {
            Self { runtime: self.runtime.credential(#key, #credential) }
        }
    }
}

fn client_setter(setter: &Setter<'_>) -> TokenStream {
    let name = format_ident!("set_{}", setter.name);
    let key = &setter.scheme.key;
    let Setter { params, credential, .. } = setter;
    let docs = scheme_docs(
        setter.scheme,
        setter.main,
        &format!(
            "Replace: {}, for the requests sent from now on by this client and its clones",
            lowercase_first(&setter.what)
        ),
    );
    quote! {
        #docs
        pub fn #name(&self, #params) {
            self.runtime.set_credential(#key, #credential);
        }
    }
}

/// `with_<setter>`: a client of its own credentials on the same connections.
fn with_setter(setter: &Setter<'_>) -> TokenStream {
    let name = format_ident!("with_{}", setter.name);
    let key = &setter.scheme.key;
    let Setter { params, credential, .. } = setter;
    let docs = scheme_docs(
        setter.scheme,
        false,
        &format!(
            "A new client on this one's connections and settings, with credentials of its own \
             (one client per user of a service, one connection pool): this client's, but for this \
             scheme {}. Setting a credential on either client later does not change the other",
            lowercase_first(&setter.what)
        ),
    );
    quote! {
        #docs
        pub fn #name(&self, #params) -> Client {
            Client { runtime: self.runtime.with_credential(#key, #credential) }
        }
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if !text.starts_with("OAuth") => first.to_lowercase().chain(chars).collect(),
        _ => text.to_owned(),
    }
}
