//! The `mock` module of a generated crate (its `mock` feature): a mock
//! server with one typed method per operation, and the table of what the
//! spec allows, which the runtime's `mock` module checks every request
//! against. The example of the README's "Testing your code" section is
//! made here too, and compiled as the module's doctest.

use super::operations::{arg, query_style_name, type_text};
use super::types::has_default;
use super::{inner_docs, rust_type};
use crate::model::{Api, BodyKind, Content, Operation, ParamLocation, SchemeKind, StatusMatch, TypeKind, TypeRef};
use crate::naming::{Scope, ident, mock_matcher, status_method};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

/// The module's docs, imports, the server and the route table; one mock
/// per operation follows (see [`mock_item`]), formatted apart.
pub(super) fn mock_head(api: &Api, crate_ident: &str) -> TokenStream {
    let mut text = String::from(
        "Test doubles for code that uses this client (the `mock` feature): a mock server \
         with one method per operation, which checks every call against the spec.\n\n\
         A mock matches the calls of its operation (narrowed by the parameters and body \
         given to it), answers with typed bodies named after the statuses the spec declares \
         (`ok`, `created`, `not_found`, ...) or with any [`ResponseTemplate`], in order \
         (the last answer again and again), and checks the number of calls when its \
         [`MockGuard`] is dropped. A call the spec does not allow (no operation with its \
         method and path, a required parameter or body missing, a body that does not \
         decode into the operation's type, no credential) is answered `400` with a \
         message naming the operation and what is wrong, and fails the test when the \
         server is dropped.",
    );
    if let Some(example) = example(api, crate_ident) {
        text.push_str("\n\n# Example\n\n");
        text.push_str(&example);
    }
    // The example is generated, not spec prose: it is kept as a doctest.
    let docs: Vec<String> = text
        .lines()
        .map(|line| format!(" {line}").trim_end().to_owned())
        .collect();
    let docs = inner_docs(&docs);
    let types_import = mentions_types(api).then(|| {
        quote!(
            use crate::types;
        )
    });
    // The runtime's macros the module calls, by their names: each call is
    // one line that reads as the method it writes.
    let mut macros = Vec::new();
    if !api.operations.is_empty() {
        macros.extend([quote!(mock_method), quote!(mock_route), quote!(operation_mock)]);
    }
    if api
        .operations
        .iter()
        .any(|op| !op.params.is_empty() || op.body.is_some())
    {
        macros.push(quote!(mock_matcher));
    }
    if api
        .operations
        .iter()
        .any(|op| op.successes.iter().any(|s| matches!(s.status, StatusMatch::Code(_))))
    {
        macros.push(quote!(mock_answer));
    }
    macros.sort_by_key(ToString::to_string);
    let macros_import = (!macros.is_empty()).then(|| {
        quote!(
            use crate::runtime::{#(#macros),*};
        )
    });
    let routes: Vec<TokenStream> = api.operations.iter().map(|op| route(api, op)).collect();
    let count = Literal::usize_unsuffixed(routes.len());
    let methods = api
        .operations
        .iter()
        .enumerate()
        .map(|(index, op)| server_method(op, index));
    // The paths of the token URLs, where the server hands out tokens.
    let mut token_paths: Vec<String> = Vec::new();
    for scheme in &api.security_schemes {
        if let SchemeKind::ClientCredentials { token_url, .. } = &scheme.kind
            && let Ok(url) = url::Url::parse(token_url)
            && !token_paths.iter().any(|p| p == url.path())
        {
            token_paths.push(url.path().to_owned());
        }
    }
    let token_url = token_paths.first().map(|path| {
        quote! {
            /// The token URL to give `client_credentials`: the server hands
            /// out access tokens there, as the spec's token endpoint would.
            pub fn token_url(&self) -> String {
                format!("{}{}", self.inner.url(), #path)
            }
        }
    });
    quote! {
        #docs

        use crate::runtime::mock as support;
        #macros_import
        #types_import

        pub use support::{MockGuard, ReceivedRequest, ResponseTemplate, Times};

        /// A mock server for this API on a free loopback port: give
        /// [`url`](Self::url) to `ClientBuilder::base_url`, then mount mocks
        /// with its methods, one per operation.
        #[derive(Debug)]
        pub struct MockServer {
            inner: support::MockServer,
        }

        impl MockServer {
            /// Start a server (in a tokio runtime, as `#[tokio::test]` gives).
            pub async fn start() -> Self {
                MockServer { inner: support::MockServer::start(&ROUTES, &[#(#token_paths),*]).await }
            }

            /// The base URL to give the client.
            pub fn url(&self) -> String {
                self.inner.url()
            }

            /// Every request the server got, in order.
            pub async fn received_requests(&self) -> Vec<ReceivedRequest> {
                self.inner.received_requests().await
            }

            #token_url

            #(#methods)*
        }

        /// What the spec allows, one entry per operation, in the order of the methods above.
        static ROUTES: [support::Route; #count] = [#(#routes),*];
    }
}

/// One operation's mock: its builder type, matchers and answers.
pub(super) fn mock_item(api: &Api, op: &Operation) -> TokenStream {
    let error_body = match &api.error_body {
        Some(ty) => rust_type(ty, false),
        None => quote!(serde_json::Value),
    };
    operation_mock(op, &error_body)
}

fn mentions_types(api: &Api) -> bool {
    api.error_body.as_ref().is_some_and(TypeRef::names_a_model)
        || api.operations.iter().any(super::operations::mentions_types)
}

fn mock_name(op: &Operation) -> proc_macro2::Ident {
    ident(&format!("{}Mock", op.builder))
}

/// The server's method for an operation's mock (the runtime's `mock_method!`).
fn server_method(op: &Operation, index: usize) -> TokenStream {
    let method = ident(&op.method);
    let mock = mock_name(op);
    let index = Literal::usize_unsuffixed(index);
    let request = format!("{} {}", op.http_method, op.path);
    quote!(mock_method!(#method -> #mock, #index, #request);)
}

/// Whether a query parameter of this type is written as `name=...`, so
/// that its presence can be checked by name.
fn is_scalar(api: &Api, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::String
        | TypeRef::Bool
        | TypeRef::I32
        | TypeRef::I64
        | TypeRef::U32
        | TypeRef::U64
        | TypeRef::I128
        | TypeRef::F32
        | TypeRef::F64 => true,
        TypeRef::Named(name) => match api.types.iter().find(|d| &d.name == name).map(|d| &d.kind) {
            Some(TypeKind::Enum { .. }) => true,
            Some(TypeKind::Alias(target)) => is_scalar(api, target),
            _ => false,
        },
        _ => false,
    }
}

fn route(api: &Api, op: &Operation) -> TokenStream {
    let operation = &op.method;
    let method = format_ident!("{}", op.http_method);
    let path = &op.path;
    let required = |location: ParamLocation| -> Vec<String> {
        op.params
            .iter()
            .filter(|p| p.required && p.location == location && is_scalar(api, &p.ty))
            .map(|p| match location {
                ParamLocation::Header => p.wire.to_ascii_lowercase(),
                _ => p.wire.clone(),
            })
            .collect()
    };
    // Only what differs from `Route::new`'s defaults is written.
    let mut parts = Vec::new();
    for (part, location) in [
        ("query", ParamLocation::Query),
        ("headers", ParamLocation::Header),
        ("cookies", ParamLocation::Cookie),
    ] {
        let names = required(location);
        if !names.is_empty() {
            let part = format_ident!("{part}");
            parts.push(quote!(#part: [#(#names),*]));
        }
    }
    if let Some(body) = &op.body {
        let required = format_ident!("{}", if body.required { "required" } else { "optional" });
        // Only JSON of a known type is checked by decoding it.
        parts.push(match &body.ty {
            ty if body.kind == BodyKind::Json && *ty != TypeRef::Value => {
                let ty = rust_type(ty, false);
                quote!(body: #required #ty)
            }
            _ => quote!(body: #required),
        });
    }
    // Each alternative of credentials; one naming a scheme the crate does
    // not know leaves the credentials unchecked.
    let mut alternatives = Vec::new();
    let mut known = true;
    for alternative in &op.security {
        let mut sent = Vec::new();
        for key in alternative {
            match api.security_schemes.iter().find(|s| &s.key == key).map(|s| &s.kind) {
                Some(SchemeKind::ApiKey { location, name }) => sent.push(match location {
                    ParamLocation::Query => quote!(Query(#name)),
                    ParamLocation::Cookie => quote!(Cookie(#name)),
                    _ => {
                        let name = name.to_ascii_lowercase();
                        quote!(Header(#name))
                    }
                }),
                Some(_) => sent.push(quote!(Header("authorization"))),
                None => known = false,
            }
        }
        alternatives.push(quote!([#(#sent),*]));
    }
    if known && !op.security.iter().any(Vec::is_empty) && !alternatives.is_empty() {
        parts.push(quote!(security: [#(#alternatives),*]));
    }
    quote!(mock_route!(#operation, #method #path #(, #parts)*))
}

/// A borrowed parameter type that clippy accepts (`&str`, `&[T]`).
fn borrowed(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(&str),
        TypeRef::Vec(inner) => {
            let inner = rust_type(inner, false);
            quote!(&[#inner])
        }
        other => {
            let ty = rust_type(other, false);
            quote!(&#ty)
        }
    }
}

/// The status a mock answers when a test gives it no answer: the first
/// success the spec declares by code.
fn default_status(op: &Operation) -> u16 {
    op.successes
        .iter()
        .find_map(|s| match s.status {
            StatusMatch::Code(code) => Some(code),
            _ => None,
        })
        .unwrap_or(200)
}

fn operation_mock(op: &Operation, error_body: &TokenStream) -> TokenStream {
    let mock = mock_name(op);
    // Answer methods first: they keep their names; a parameter with the
    // same name gets `with_`.
    let mut taken = Scope::with_reserved(&["respond", "expect", "body"]);
    let mut answers = Vec::new();
    let mut answered: Vec<u16> = Vec::new();
    for success in &op.successes {
        let StatusMatch::Code(code) = success.status else {
            continue;
        };
        if answered.contains(&code) {
            continue;
        }
        answered.push(code);
        let name = status_method(code);
        taken.claim(&name);
        let name = ident(&name);
        let status = Literal::u16_unsuffixed(code);
        let signature = match &success.content {
            Content::Json(ty) => {
                let input = borrowed(ty);
                quote!(#name(body: #input))
            }
            Content::Text => quote!(#name(text: impl Into<String>)),
            Content::Download { .. } => quote!(#name(media_type: &str, data: impl Into<Vec<u8>>)),
            Content::Empty => quote!(#name()),
        };
        answers.push(quote!(mock_answer!(#signature, #status);));
    }
    // Answers with the error body: generated by the runtime's `operation_mock!`.
    let mut errors = Vec::new();
    for &code in &op.error_statuses {
        if answered.contains(&code) {
            continue;
        }
        answered.push(code);
        let name = status_method(code);
        taken.claim(&name);
        let name = ident(&name);
        let status = Literal::u16_unsuffixed(code);
        errors.push(quote!(#name(#status)));
    }

    // Matchers and typed answers by the runtime's `mock_matcher!` and
    // `mock_answer!`, each written as its signature.
    let mut matchers = Vec::new();
    for param in &op.params {
        let name = ident(&mock_matcher(&param.name, &taken));
        let wire = &param.wire;
        let input = arg(&param.ty, &quote!(value)).input;
        let at = match param.location {
            ParamLocation::Path => quote!(path #wire),
            ParamLocation::Query => {
                let style = query_style_name(param.style);
                let explode = param.explode;
                quote!(query #wire, #style, #explode)
            }
            ParamLocation::Header => quote!(header #wire),
            ParamLocation::Cookie => quote!(cookie #wire),
        };
        matchers.push(quote!(mock_matcher!(#name(value: #input), #at);));
    }
    if let Some(body) = &op.body {
        let (input, how) = match (&body.kind, &body.ty) {
            (BodyKind::Text, _) | (BodyKind::Bytes, _) => (quote!(impl Into<Vec<u8>>), quote!(bytes)),
            (kind, ty) => {
                let input = borrowed(ty);
                let how = match kind {
                    BodyKind::FormUrlEncoded => quote!(form),
                    BodyKind::Multipart => quote!(multipart),
                    _ => quote!(json),
                };
                (input, how)
            }
        };
        matchers.push(quote!(mock_matcher!(body(body: #input), #how);));
    }
    let default_status = Literal::u16_unsuffixed(default_status(op));
    // Its own methods: matchers and typed answers (the rest are the macro's).
    let own = (!matchers.is_empty() || !answers.is_empty()).then(|| {
        quote! {
            impl #mock<'_> {
                #(#matchers)*
                #(#answers)*
            }
        }
    });
    let method = ident(&op.method);
    quote! {
        operation_mock!(#mock for #method, #default_status, #error_body #(, #errors)*);

        #own
    }
}

/// The example of the README's "Testing your code" section: an operation
/// with no required parameter and no body, mocked, then called. `None`
/// when the spec has no such operation the example can sign in to.
pub(crate) fn example(api: &Api, crate_ident: &str) -> Option<String> {
    let usable = |op: &&Operation| {
        op.params.iter().all(|p| !p.required)
            && op.body.is_none()
            && op.security.first().is_none_or(|alternative| {
                alternative
                    .iter()
                    .all(|key| api.security_schemes.iter().any(|s| &s.key == key))
            })
    };
    let op = api
        .operations
        .iter()
        .find(|op| usable(op) && op.security.is_empty())
        .or_else(|| api.operations.iter().find(usable))?;
    let mut lines = String::from("```rust,no_run\n");
    lines.push_str("# async fn example() -> Result<(), Box<dyn std::error::Error>> {\n");
    lines.push_str(&format!("use {crate_ident}::mock::MockServer;\n\n"));
    lines.push_str("let server = MockServer::start().await;\n");
    let answer = op.successes.iter().find_map(|s| match (&s.status, &s.content) {
        (StatusMatch::Code(code), Content::Json(ty)) => Some((*code, Some(ty))),
        (StatusMatch::Code(code), Content::Empty) => Some((*code, None)),
        _ => None,
    });
    let mut mock = format!("let _mock = server\n    .{}()\n", op.method);
    match answer {
        Some((code, Some(ty))) => {
            let value = match ty {
                TypeRef::Vec(_) => "&[]".to_owned(),
                ty if has_default(api, ty) => format!("&{}::default()", type_text(ty, crate_ident)),
                ty => {
                    let answer = super::examples::statement_value(api, ty, None, "...", crate_ident);
                    lines.push_str(&format!("let answer = {answer};\n"));
                    "&answer".to_owned()
                }
            };
            mock.push_str(&format!("    .{}({value})\n", status_method(code)));
        }
        Some((code, None)) => mock.push_str(&format!("    .{}()\n", status_method(code))),
        None => {}
    }
    mock.push_str("    .expect(1)\n    .await;\n");
    lines.push_str(&mock);
    lines.push_str(&format!(
        "let client = {crate_ident}::Client::builder()\n    .base_url(server.url())\n"
    ));
    if let Some(alternative) = op.security.first() {
        for key in alternative {
            if let Some(scheme) = api.security_schemes.iter().find(|s| &s.key == key) {
                let args = match scheme.kind {
                    SchemeKind::Basic => "\"user\", Some(\"password\")",
                    // The mock server hands out tokens itself.
                    SchemeKind::ClientCredentials { .. } => "server.token_url(), \"client-id\", \"client-secret\"",
                    _ => "\"example\"",
                };
                lines.push_str(&format!("    .{}({args})\n", scheme.setter));
            }
        }
    }
    lines.push_str("    .build()?;\n");
    lines.push_str(&format!("let response = client.{}().await?;\n", op.method));
    lines.push_str("println!(\"{response:?}\");\n");
    lines.push_str("# Ok(())\n# }\n```");
    Some(lines)
}
