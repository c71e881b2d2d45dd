//! The `builders` module of a generated crate (`src/builders.rs`): for each
//! operation, a method on `Client` that takes the required parameters, and
//! a request builder that takes the optional ones and is sent by `.await`
//! (or `.send()`). The builders live in that module, not at the crate root.

use super::{doc, doc_lines, examples, outer_docs, rust_type};
use crate::model::{
    Api, Body, BodyKind, Content, NextCursor, Operation, Output, PageIn, PageKind, PagePlace, Param, ParamLocation,
    ParamStyle, PathPart, StatusMatch, TypeRef,
};
use crate::naming::ident;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The module's docs and imports; each operation's items follow (see
/// [`operation_items`]).
pub(super) fn operations_head(operations: &[&Operation]) -> TokenStream {
    if operations.is_empty() {
        return quote! {
            //! The request builders, one per operation on [`Client`](crate::Client): the spec has none.
        };
    }
    let imports = operations_imports(operations);
    quote! {
        //! The request builders: each method of [`Client`] returns one, which takes
        //! the operation's optional parameters and is sent by `.await` (or `send`).
        #imports
    }
}

/// The imports a module of these operations needs, and no more.
pub(super) fn operations_imports(operations: &[&Operation]) -> TokenStream {
    let uses_style = operations
        .iter()
        .any(|op| op.params.iter().any(|p| p.location == ParamLocation::Query));
    let style_import = uses_style.then(|| {
        quote!(
            use crate::runtime::Style;
        )
    });
    let types_import = operations.iter().any(|op| mentions_types(op)).then(|| {
        quote!(
            use crate::types;
        )
    });
    // `runtime::` is named by every builder (its `CallOptions`).
    let runtime_import = quote!(
        use crate::runtime::{self, Failure, Received, Request};
    );
    let crate_import = if operations.iter().any(|op| answers_file(op)) {
        quote!(
            use crate::{Call, CallWithResponse, Client, Download, Error};
        )
    } else {
        quote!(
            use crate::{Call, CallWithResponse, Client, Error};
        )
    };
    let paging_import = paging_import(operations);
    quote! {
        #runtime_import
        #style_import
        #types_import
        #crate_import
        #paging_import
        use crate::runtime::reqwest::Method;
    }
}

/// One operation: its method on `Client`, its return enum (when its
/// successes differ), and its request builder.
pub(super) fn operation_items(api: &Api, op: &Operation, crate_ident: &str) -> TokenStream {
    let method = client_method(api, op, crate_ident);
    let output = output_enum(op);
    let builder = builder(op);
    let mut items = quote! {
        impl Client {
            #method
        }
    };
    // Moved in, not copied as `quote!` would.
    items.extend(output);
    items.extend([builder]);
    items.extend(paging_methods(api, op, crate_ident));
    items
}

fn answers_file(op: &Operation) -> bool {
    op.successes
        .iter()
        .any(|s| matches!(s.content, Content::Download { .. }))
}

/// Whether the operation's items name a model of `types`.
pub(super) fn mentions_types(op: &Operation) -> bool {
    op.params.iter().any(|p| p.ty.names_a_model())
        || op.body.as_ref().is_some_and(|b| b.ty.names_a_model())
        || op
            .successes
            .iter()
            .any(|s| matches!(&s.content, Content::Json(ty) if ty.names_a_model()))
}

/// How a value is held by the builder and taken by its setter.
pub(super) struct Arg {
    /// The setter's parameter type.
    pub(super) input: TokenStream,
    /// The builder field's type.
    pub(super) stored: TokenStream,
    /// The expression turning `input` into `stored`.
    pub(super) convert: TokenStream,
}

pub(super) fn arg(ty: &TypeRef, value: &TokenStream) -> Arg {
    match ty {
        TypeRef::String => Arg {
            input: quote!(impl Into<String>),
            stored: quote!(String),
            convert: quote!(#value.into()),
        },
        other => {
            let ty = rust_type(other, false);
            Arg {
                input: ty.clone(),
                stored: ty,
                convert: value.clone(),
            }
        }
    }
}

/// A JSON body the spec leaves free (any JSON): the caller passes any
/// serializable value, written when the request is built.
fn is_any_json(body: &Body) -> bool {
    body.kind == BodyKind::Json && body.ty == TypeRef::Value
}

fn body_arg(body: &Body) -> Arg {
    let value = quote!(body);
    if is_any_json(body) {
        return Arg {
            input: quote!(&(impl serde::Serialize + ?Sized)),
            stored: quote!(runtime::AnyJson),
            convert: quote!(runtime::AnyJson::new(body)),
        };
    }
    match (&body.kind, &body.ty) {
        (BodyKind::Text, _) | (_, TypeRef::String) => arg(&TypeRef::String, &value),
        (BodyKind::Bytes, _) => Arg {
            input: quote!(impl Into<Vec<u8>>),
            stored: quote!(Vec<u8>),
            convert: quote!(body.into()),
        },
        (_, ty) => {
            let ty = rust_type(ty, false);
            Arg {
                input: quote!(&'a #ty),
                stored: quote!(&'a #ty),
                convert: value,
            }
        }
    }
}

fn body_is_borrowed(body: &Body) -> bool {
    !matches!(body.kind, BodyKind::Text | BodyKind::Bytes) && body.ty != TypeRef::String && !is_any_json(body)
}

fn output_type(op: &Operation) -> TokenStream {
    match &op.output {
        Output::Unit => quote!(()),
        Output::One(content) => content_type(content),
        Output::Maybe(content) => {
            let inner = content_type(content);
            quote!(Option<#inner>)
        }
        Output::Many { name, .. } => {
            let name = ident(name);
            quote!(#name)
        }
    }
}

fn content_type(content: &Content) -> TokenStream {
    match content {
        Content::Json(ty) => rust_type(ty, false),
        Content::Text => quote!(String),
        Content::Download { .. } => quote!(Download),
        Content::Empty => quote!(()),
    }
}

fn location_name(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

fn client_method(api: &Api, op: &Operation, crate_ident: &str) -> TokenStream {
    let method = ident(&op.method);
    let builder = ident(&op.builder);
    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    let mut inputs = Vec::new();
    let mut inits = Vec::new();
    for param in &required {
        let name = ident(&param.name);
        let Arg { input, convert, .. } = arg(&param.ty, &quote!(#name));
        inputs.push(quote!(#name: #input));
        inits.push(field_init(&name, convert));
    }
    for param in op.params.iter().filter(|p| !p.required) {
        let name = ident(&param.name);
        inits.push(quote!(#name: None,));
    }
    let borrowed_body = op.body.as_ref().is_some_and(body_is_borrowed);
    let lifetime = if borrowed_body && op.body.as_ref().is_some_and(|b| b.required) {
        quote!('a)
    } else {
        quote!('_)
    };
    let generics = (lifetime.to_string() == "'a").then(|| quote!(<'a>));
    let self_ref = if generics.is_some() {
        quote!(&'a self)
    } else {
        quote!(&self)
    };
    match &op.body {
        Some(body) if body.required => {
            let Arg { input, convert, .. } = body_arg(body);
            inputs.push(quote!(body: #input));
            inits.push(field_init(&quote::format_ident!("body"), convert));
        }
        Some(_) => inits.push(quote!(body: None,)),
        None => {}
    }
    let (prose, example) = method_docs(api, op, crate_ident);
    let mut lines = doc_lines(&prose);
    lines.extend(example.lines().map(|line| format!(" {line}").trim_end().to_owned()));
    let docs = outer_docs(&lines);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #docs
        #deprecated
        pub fn #method #generics (#self_ref, #(#inputs),*) -> #builder<#lifetime> {
            #builder { client: self, #(#inits)* options: runtime::CallOptions::new() }
        }
    }
}

/// `name,` when the value is the variable of that name, else `name: value,`.
fn field_init(name: &proc_macro2::Ident, value: TokenStream) -> TokenStream {
    if *name == value.to_string() {
        quote!(#name,)
    } else {
        quote!(#name: #value,)
    }
}

/// The method's documentation: prose from the spec (to be sanitized), and
/// the generated example (kept as it is, a `no_run` doctest).
fn method_docs(api: &Api, op: &Operation, crate_ident: &str) -> (String, String) {
    let mut text = String::new();
    let summary = op.docs.summary.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let description = op.docs.description.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if let Some(summary) = summary {
        text.push_str(summary);
        text.push_str("\n\n");
    }
    if let Some(description) = description
        && Some(description) != summary
    {
        text.push_str(description);
        text.push_str("\n\n");
    }
    text.push_str(&format!("`{} {}`\n", op.http_method, op.path));
    let files: Vec<&[String]> = op
        .successes
        .iter()
        .filter_map(|s| match &s.content {
            Content::Download { media_types } => Some(media_types.as_slice()),
            _ => None,
        })
        .collect();
    if !files.is_empty() {
        let mut listed: Vec<String> = Vec::new();
        for media in files.into_iter().flatten() {
            let media = format!("`{media}`");
            if !listed.contains(&media) {
                listed.push(media);
            }
        }
        text.push_str(&format!(
            "\nAnswers a file ({}): [`Download`](crate::Download) holds its bytes and the media type the server names.\n",
            listed.join(", ")
        ));
    }
    if !op.params.is_empty() || op.body.is_some() {
        text.push_str("\n# Parameters\n\n");
        for param in &op.params {
            let how = if param.required {
                "required".to_owned()
            } else {
                format!("optional: `.{}(..)`", crate::naming::escape(&param.name))
            };
            text.push_str(&format!(
                "- `{}` ({}, {how})",
                param.name,
                location_name(param.location)
            ));
            if param.wire != param.name {
                text.push_str(&format!(", sent as `{}`", param.wire));
            }
            if let Some(description) = param.description.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
                text.push_str(": ");
                text.push_str(&description.replace('\n', " "));
            }
            text.push('\n');
        }
        if let Some(body) = &op.body {
            let how = if body.required {
                "required"
            } else {
                "optional: `.body(..)`"
            };
            text.push_str(&format!("- `body` ({}, {how})", body.content_type));
            if let Some(description) = body.description.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
                text.push_str(": ");
                text.push_str(&description.replace('\n', " "));
            }
            text.push('\n');
        }
    }
    if op.pagination.is_some() {
        text.push_str(&format!(
            "\nPaged: [`items`]({builder}::items) and [`pages`]({builder}::pages) give the answers of every page.\n",
            builder = op.builder
        ));
    }
    let mut example = String::from("\n# Example\n\n```no_run\n");
    example.push_str(&format!(
        "# async fn example(client: {crate_ident}::Client) -> Result<(), Box<dyn std::error::Error>> {{\n"
    ));
    example.push_str(&example_call(api, op, crate_ident));
    example.push_str("# Ok(())\n# }\n```");
    (text, example)
}

/// The example call: required arguments from the spec's examples where it
/// has them, the request body from the body example.
fn example_call(api: &Api, op: &Operation, crate_ident: &str) -> String {
    let (mut lines, request) = example_request(api, op, crate_ident);
    let result = if matches!(op.output, Output::Unit) {
        ""
    } else {
        "let response = "
    };
    lines.push_str(&format!("{result}{request}.await?;\n"));
    if !result.is_empty() {
        lines.push_str("println!(\"{response:?}\");\n");
    }
    lines
}

/// The lines that prepare the example's request, and the request
/// (`client.op(args)`).
fn example_request(api: &Api, op: &Operation, crate_ident: &str) -> (String, String) {
    let mut lines = String::new();
    let mut args: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| example_value(api, &p.ty, p.example.as_ref(), &p.wire, crate_ident))
        .collect();
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        let value = match (&body.example, &body.kind) {
            (_, BodyKind::Bytes) => "b\"...\".to_vec()".to_owned(),
            (Some(serde_json::Value::String(text)), _) if body.ty == TypeRef::String || body.kind == BodyKind::Text => {
                format!("{text:?}")
            }
            _ if body.ty == TypeRef::String || body.kind == BodyKind::Text => "\"...\"".to_owned(),
            (Some(scalar @ (serde_json::Value::Bool(_) | serde_json::Value::Number(_))), _) if is_any_json(body) => {
                format!("&{scalar}")
            }
            (example, _) => {
                let value = examples::statement_value(api, &body.ty, example.as_ref(), "...", crate_ident);
                lines.push_str(&format!("let body = {value};\n"));
                "&body".to_owned()
            }
        };
        args.push(value);
    }
    (lines, format!("client.{}({})", op.method, args.join(", ")))
}

pub(super) fn type_text(ty: &TypeRef, crate_ident: &str) -> String {
    rust_type(ty, false)
        .to_string()
        .replace(' ', "")
        .replace("types::", &format!("{crate_ident}::types::"))
}

fn example_value(
    api: &Api,
    ty: &TypeRef,
    example: Option<&serde_json::Value>,
    wire: &str,
    crate_ident: &str,
) -> String {
    examples::value(api, ty, example, wire, crate_ident)
}

fn builder(op: &Operation) -> TokenStream {
    let builder = ident(&op.builder);
    let method = &op.method;
    let output = output_type(op);
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    for param in &op.params {
        let name = ident(&param.name);
        let Arg { input, stored, convert } = arg(&param.ty, &quote!(value));
        if param.required {
            fields.push(quote!(#name: #stored,));
        } else {
            fields.push(quote!(#name: Option<#stored>,));
            let mut text = param.description.clone().unwrap_or_default().trim().to_owned();
            if text.is_empty() {
                text = format!("The `{}` {} parameter.", param.wire, location_name(param.location));
            }
            let docs = doc(&text);
            let deprecated = param.deprecated.then(|| quote!(#[deprecated]));
            setters.push(quote! {
                #docs
                #deprecated
                pub fn #name(mut self, value: #input) -> Self {
                    self.#name = Some(#convert);
                    self
                }
            });
        }
    }
    if let Some(body) = &op.body {
        let Arg { input, stored, convert } = body_arg(body);
        if body.required {
            fields.push(quote!(body: #stored,));
        } else {
            fields.push(quote!(body: Option<#stored>,));
            let convert = if convert.to_string() == "body" {
                quote!(body)
            } else {
                convert
            };
            setters.push(quote! {
                /// The request body.
                pub fn body(mut self, body: #input) -> Self {
                    self.body = Some(#convert);
                    self
                }
            });
        }
    }
    // Every function of a builder is `#[inline]`: an operation's code is
    // generated in the crate that uses it, not in every build of this one,
    // and unused operations cost nothing. The only `async` code of a call
    // is the runtime's `Call`.
    let request_body = request_body(op);
    // Every success read alike: `decode` is `request_call!`'s, which reads
    // any 2xx as the one content: a 201 or a 204 where the spec says 200
    // (no body where one is declared is an error that says so), and an
    // operation with no result accepts any empty 2xx, as servers answer 200
    // where the spec says 204 (and the other way round).
    let read = match &op.output {
        Output::Unit | Output::One(Content::Empty) => Some(quote!(empty)),
        Output::One(Content::Json(_)) => Some(quote!(json)),
        Output::One(Content::Text) => Some(quote!(text)),
        Output::One(Content::Download { .. }) => Some(quote!(download)),
        Output::Maybe(_) | Output::Many { .. } => None,
    };
    let decode = read.is_none().then(|| {
        let arms = response_arms(op);
        quote! {
            #[inline]
            fn decode(response: Received) -> Result<#output, Error> {
                match response.status() {
                    #(#arms)*
                    _ => Err(response.into_error()),
                }
            }
        }
    });
    let read = read.map(|read| quote!(, #read));
    let text = if setters.is_empty() {
        format!(" The request of [`Client::{method}`]: `.await` it (or call [`send`](Self::send)).")
    } else {
        format!(
            " The request of [`Client::{method}`]: set optional parameters, then `.await` it (or call [`send`](Self::send))."
        )
    };
    quote! {
        #[doc = #text]
        #[must_use = "a request does nothing until it is awaited"]
        pub struct #builder<'a> {
            client: &'a Client,
            #(#fields)*
            options: runtime::CallOptions,
        }

        impl<'a> #builder<'a> {
            #(#setters)*

            runtime::request_options!();

            #[inline]
            fn into_request(self) -> Result<Request, Failure> {
                #request_body
            }

            #decode
        }

        runtime::request_call!(#builder, #output #read);
    }
}

fn request_body(op: &Operation) -> TokenStream {
    // The spec's path template, each `{name}` filled by `request.path`
    // with its parameter encoded as one segment (the template's names are
    // the path parameters' wire names: lowering matched them).
    let mut steps = Vec::new();
    for part in &op.path_parts {
        if let PathPart::Param(index) = part {
            let param = &op.params[*index];
            let field = ident(&param.name);
            let wire = &param.wire;
            steps.push(quote!(request.path(#wire, &self.#field)?;));
        }
    }
    let http_method = format_ident!("{}", op.http_method);
    let method = match op.http_method.as_str() {
        "GET" | "PUT" | "POST" | "DELETE" | "HEAD" | "OPTIONS" | "PATCH" | "TRACE" => quote!(Method::#http_method),
        other => quote!(Method::from_bytes(#other.as_bytes()).expect("a valid method")),
    };
    let alternatives = op.security.iter().map(|alternative| quote!(&[#(#alternative),*]));
    let security = quote!(&[#(#alternatives),*]);

    let (operation_id, path_template) = (&op.operation_id, &op.path);

    // A parameter that is `None` is not sent (the runtime skips it).
    for param in op.params.iter().filter(|p| p.location != ParamLocation::Path) {
        let name = ident(&param.name);
        let wire = &param.wire;
        steps.push(match param.location {
            ParamLocation::Query => {
                let style = query_style(param.style);
                let explode = param.explode;
                quote!(request.query(#wire, &self.#name, #style, #explode)?;)
            }
            ParamLocation::Header => quote!(request.header(#wire, &self.#name)?;),
            ParamLocation::Cookie => quote!(request.cookie(#wire, &self.#name)?;),
            ParamLocation::Path => unreachable!("filtered out above"),
        });
    }
    if let Some(body) = op.body.as_ref().filter(|b| is_any_json(b)) {
        let content_type = &body.content_type;
        steps.push(if body.required {
            quote!(request.bytes(#content_type, self.body.into_bytes()?);)
        } else {
            quote!(if let Some(body) = self.body { request.bytes(#content_type, body.into_bytes()?); })
        });
    } else if let Some(body) = &op.body {
        let content_type = &body.content_type;
        let set = |value: TokenStream| match (&body.kind, &body.ty) {
            (BodyKind::Json, _) => quote!(request.json(#content_type, #value)?;),
            (BodyKind::FormUrlEncoded, _) => quote!(request.form(#value)?;),
            (BodyKind::Multipart, _) => quote!(request.multipart(#value)?;),
            (BodyKind::Text | BodyKind::Bytes, _) => quote!(request.bytes(#content_type, #value);),
        };
        let owned = !body_is_borrowed(body);
        let is_raw = matches!(body.kind, BodyKind::Text | BodyKind::Bytes);
        steps.push(match (body.required, owned, is_raw) {
            (true, _, true) => set(quote!(self.body)),
            (true, true, false) => set(quote!(&self.body)),
            (true, false, false) => set(quote!(self.body)),
            (false, _, true) => {
                let call = set(quote!(body));
                quote!(if let Some(body) = self.body { #call })
            }
            (false, _, false) => {
                let call = set(quote!(body));
                quote!(if let Some(body) = &self.body { #call })
            }
        });
    }

    if let Some(idempotent) = op.idempotent {
        steps.push(quote!(request.idempotent(#idempotent);));
    }
    quote! {
        let mut request = Request::for_operation(#method, #path_template, #operation_id, #security);
        #(#steps)*
        request.options(self.options)?;
        Ok(request)
    }
}

/// One match arm per success status, most specific first.
/// (An output of one content, or none, is read by `request_call!`.)
fn response_arms(op: &Operation) -> Vec<TokenStream> {
    // One content, or none (a 200 with a body, a 204 without): any 2xx is
    // read by whether it has a body.
    if let Output::Maybe(content) = &op.output {
        let read = read_content(content);
        return vec![
            quote!(200..=299 if response.is_empty() => Ok(None),),
            quote!(200..=299 => Ok(Some(#read)),),
        ];
    }
    let mut successes: Vec<_> = op.successes.iter().collect();
    successes.sort_by_key(|s| s.status);
    let mut arms = Vec::new();
    let mut covered_2xx = false;
    for success in successes {
        let pattern = match success.status {
            StatusMatch::Code(code) => {
                let code = proc_macro2::Literal::u16_unsuffixed(code);
                quote!(#code)
            }
            StatusMatch::Range(_) | StatusMatch::Default if covered_2xx => continue,
            StatusMatch::Range(_) | StatusMatch::Default => {
                covered_2xx = true;
                quote!(200..=299)
            }
        };
        let read = read_content(&success.content);
        let value = match &op.output {
            Output::Unit => quote!(Ok(())),
            Output::One(_) => quote!(Ok(#read)),
            Output::Maybe(_) if success.content == Content::Empty => quote!(Ok(None)),
            Output::Maybe(_) => quote!(Ok(Some(#read))),
            Output::Many { name, variants } => {
                let name = ident(name);
                let variant = variants
                    .iter()
                    .find(|v| v.content == success.content)
                    .map(|v| ident(&v.name));
                if success.content == Content::Empty {
                    quote!(Ok(#name::#variant))
                } else {
                    quote!(Ok(#name::#variant(#read)))
                }
            }
        };
        arms.push(quote!(#pattern => #value,));
    }
    arms
}

fn read_content(content: &Content) -> TokenStream {
    match content {
        Content::Json(_) => quote!(response.json()?),
        Content::Text => quote!(response.text()),
        Content::Download { .. } => quote!(response.download()),
        Content::Empty => quote!(()),
    }
}

/// The return type of an operation whose successes differ.
fn output_enum(op: &Operation) -> Option<TokenStream> {
    let Output::Many { name, variants } = &op.output else {
        return None;
    };
    let name = ident(name);
    let method = &op.method;
    let text = format!(" What [`Client::{method}`] can answer.");
    let items = variants.iter().map(|v| {
        let variant = ident(&v.name);
        match &v.content {
            Content::Empty => quote!(#variant,),
            content => {
                let ty = content_type(content);
                quote!(#variant(#ty),)
            }
        }
    });
    Some(quote! {
        #[doc = #text]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name { #(#items)* }
    })
}

/// How the runtime writes a query parameter of this `style` (`Style::Form`, ...).
pub(super) fn query_style(style: ParamStyle) -> TokenStream {
    let name = query_style_name(style);
    quote!(Style::#name)
}

/// The runtime's `Style` variant for a query parameter's `style`.
pub(super) fn query_style_name(style: ParamStyle) -> proc_macro2::Ident {
    let name = match style {
        ParamStyle::Form | ParamStyle::Simple => "Form",
        ParamStyle::SpaceDelimited => "SpaceDelimited",
        ParamStyle::PipeDelimited => "PipeDelimited",
        ParamStyle::DeepObject => "DeepObject",
    };
    proc_macro2::Ident::new(name, proc_macro2::Span::call_site())
}

/// The imports of paged operations' streams, when there are any.
fn paging_import(operations: &[&Operation]) -> Option<TokenStream> {
    let paged = || operations.iter().filter_map(|op| op.pagination.as_ref());
    paged().next()?;
    let next = paged()
        .any(|p| matches!(p.kind, PageKind::Cursor { .. }))
        .then(|| quote!(NextCursor,));
    Some(quote! {
        use crate::Paged;
        use crate::runtime::{#next Paging, Place};
    })
}

/// A paged operation's streams on its request builder (`x-pagination`):
/// `pages()` and `items()`, over the runtime's `pages` and `items`.
fn paging_methods(api: &Api, op: &Operation, crate_ident: &str) -> Option<TokenStream> {
    let pagination = op.pagination.as_ref()?;
    let found = api.page_items(op)?;
    let builder = ident(&op.builder);
    let page = output_type(op);
    let item = rust_type(found.item, false);
    let (take, count) = match found.field {
        None => (quote!(std::convert::identity), quote!(Vec::len)),
        Some(field) if field.ty.is_option() => {
            let name = ident(&field.name);
            (
                quote!(|page| page.#name.unwrap_or_default()),
                quote!(|page| page.#name.as_ref().map_or(0, Vec::len)),
            )
        }
        Some(field) => {
            let name = ident(&field.name);
            (quote!(|page| page.#name), quote!(|page| page.#name.len()))
        }
    };
    let place = |place: &PagePlace| {
        let name = &place.name;
        match place.location {
            PageIn::Query => quote!(Place::Query(#name)),
            PageIn::Body => quote!(Place::Body(#name)),
        }
    };
    let (paging, ends) = match &pagination.kind {
        PageKind::Offset { offset } => {
            let wire = &offset.name;
            let offset = place(offset);
            let (limit, ends) = match &pagination.limit {
                Some(limit) => {
                    let ends = format!(
                        "a page with fewer items than `{}` asks for, or with none, is the last",
                        limit.name
                    );
                    let limit = place(limit);
                    (quote!(Some(#limit)), ends)
                }
                None => (quote!(None), "a page with no items is the last".to_owned()),
            };
            let ends = format!(
                "Each page starts at `{wire}` past the items before it (from the request's own `{wire}`, else 0); {ends}."
            );
            (quote!(Paging::Offset { offset: #offset, limit: #limit }), ends)
        }
        PageKind::Cursor { cursor, next } => {
            let (next, from) = match next {
                NextCursor::Member(pointer) => (
                    quote!(NextCursor::Member(#pointer)),
                    format!("at `{pointer}` of the answer"),
                ),
                NextCursor::Header(name) => (quote!(NextCursor::Header(#name)), format!("in the `{name}` header")),
            };
            let ends = format!(
                "Each page sends back as `{}` the cursor the answer before names {from}; an answer without one, or with no items, is the last.",
                cursor.name
            );
            let cursor = place(cursor);
            (quote!(Paging::Cursor { cursor: #cursor, next: #next }), ends)
        }
    };
    let (setup, request) = example_request(api, op, crate_ident);
    let pages_docs = paging_docs(
        &format!(
            "The answers page by page, one call each, as `.await` makes it.\n\n{ends} An error is the stream's last item."
        ),
        &format!(
            "{setup}let mut pages = {request}.pages();\nwhile let Some(page) = pages.try_next().await? {{\n    println!(\"{{page:?}}\");\n}}\n"
        ),
        crate_ident,
    );
    let items_docs = paging_docs(
        "The items of every page, one after another (see [`pages`](Self::pages) for how the pages follow each other).",
        &format!(
            "{setup}let mut items = {request}.items();\nwhile let Some(item) = items.try_next().await? {{\n    println!(\"{{item:?}}\");\n}}\n"
        ),
        crate_ident,
    );
    Some(quote! {
        impl<'a> #builder<'a> {
            const PAGING: Paging = #paging;

            #pages_docs
            #[inline]
            pub fn pages(self) -> Paged<'a, #page> {
                let client = self.client;
                client.runtime.pages(self.into_request(), Self::PAGING, Self::decode, #count)
            }

            #items_docs
            #[inline]
            pub fn items(self) -> Paged<'a, #item> {
                let client = self.client;
                client.runtime.items(self.into_request(), Self::PAGING, Self::decode, #take)
            }
        }
    })
}

/// A stream method's docs: prose, and an example (a `no_run` doctest).
fn paging_docs(prose: &str, example: &str, crate_ident: &str) -> TokenStream {
    let mut lines = doc_lines(prose);
    let head =
        format!("# async fn example(client: {crate_ident}::Client) -> Result<(), Box<dyn std::error::Error>> {{");
    let code = ["", "# Example", "", "```no_run", &head]
        .into_iter()
        .chain(example.lines())
        .chain(["# Ok(())", "# }", "```"]);
    lines.extend(code.map(|line| format!(" {line}").trim_end().to_owned()));
    outer_docs(&lines)
}
