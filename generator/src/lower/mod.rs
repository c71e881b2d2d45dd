//! Lowering: `openapiv3::OpenAPI` to the intermediate [`model::Api`].
//!
//! - `types.rs`: schemas to Rust types (the type mapping).
//! - `operations.rs`: paths and operations to methods, parameters, bodies, responses.
//! - `security.rs`: security schemes to credentials.
//!
//! This module holds what they share: the context, and `$ref` resolution.

mod operations;
mod security;
pub(crate) mod split;
mod types;

use crate::error::{Error, Pointer, Warnings};
use crate::model::{self, Api};
use openapiv3::{OpenAPI, ReferenceOr, Schema};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::borrow::Cow;

/// Lower a parsed document. `raw` is the same document as a JSON tree, used
/// to resolve `$ref`s that point anywhere other than `#/components/schemas`.
pub(crate) fn lower(api: &OpenAPI, raw: &Value, warnings: &mut Warnings) -> Result<Api, Error> {
    let mut cx = Context {
        api,
        raw,
        warnings,
        types: types::Registry::default(),
    };
    cx.declare_component_schemas()?;
    let security_schemes = security::lower_schemes(&mut cx)?;
    cx.define_component_schemas()?;
    let operations::Lowered { operations, error_body } = operations::lower_operations(&mut cx, &security_schemes)?;
    let types = cx.types.finish(cx.warnings);

    let (base_url, server_variables) = base_url(api);
    Ok(Api {
        title: api.info.title.clone(),
        version: api.info.version.clone(),
        description: api.info.description.clone(),
        base_url,
        server_variables,
        types,
        operations,
        security_schemes,
        error_body,
    })
}

/// The first server's URL with each `{variable}` at its default.
fn base_url(api: &OpenAPI) -> (Option<String>, Vec<model::ServerVariable>) {
    let Some(server) = api.servers.first() else {
        return (None, Vec::new());
    };
    let mut url = server.url.clone();
    let mut variables = Vec::new();
    for (name, variable) in server.variables.iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), &variable.default);
        variables.push(model::ServerVariable {
            name: name.clone(),
            default: variable.default.clone(),
        });
    }
    (Some(url), variables)
}

/// What the lowering stages share.
pub(crate) struct Context<'a> {
    pub api: &'a OpenAPI,
    pub raw: &'a Value,
    pub warnings: &'a mut Warnings,
    pub types: types::Registry,
}

/// A schema or a reference to one, whichever box it came in.
#[derive(Clone, Copy)]
pub(crate) enum SchemaRef<'a> {
    Ref(&'a str),
    Item(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaRef<'a> {
    fn from(value: &'a ReferenceOr<Schema>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Item(schema),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaRef<'a> {
    fn from(value: &'a ReferenceOr<Box<Schema>>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Item(schema),
        }
    }
}

/// The JSON pointer of a local `$ref`, percent-decoded.
pub(crate) fn ref_pointer(reference: &str, at: &Pointer) -> Result<Pointer, Error> {
    let decoded = percent_encoding::percent_decode_str(reference).decode_utf8_lossy();
    Pointer::from_ref(&decoded).ok_or_else(|| {
        Error::invalid(
            at,
            format!("`$ref: {reference}` points outside this document; only local references (`#/...`) are supported"),
        )
    })
}

impl Context<'_> {
    /// Follow a `$ref` (and any chain of them) to the value it names.
    fn follow(&self, reference: &str, at: &Pointer) -> Result<(Pointer, &Value), Error> {
        let mut seen: Vec<Pointer> = Vec::new();
        let mut pointer = ref_pointer(reference, at)?;
        loop {
            let value = self.raw.pointer(pointer.as_str()).ok_or_else(|| {
                Error::invalid(
                    seen.last().unwrap_or(at),
                    format!("`$ref: {reference}` points to nothing"),
                )
            })?;
            match value.get("$ref").and_then(Value::as_str) {
                Some(next) => {
                    if seen.contains(&pointer) {
                        return Err(Error::invalid(
                            at,
                            format!("`$ref: {reference}` is part of a cycle made only of `$ref`s"),
                        ));
                    }
                    seen.push(pointer.clone());
                    pointer = ref_pointer(next, &pointer)?;
                }
                None => return Ok((pointer, value)),
            }
        }
    }

    /// The item behind a `ReferenceOr`, and where it is.
    pub fn resolve<'v, T>(&self, item: &'v ReferenceOr<T>, at: &Pointer) -> Result<(Cow<'v, T>, Pointer), Error>
    where
        T: DeserializeOwned + Clone,
    {
        match item {
            ReferenceOr::Item(item) => Ok((Cow::Borrowed(item), at.clone())),
            ReferenceOr::Reference { reference } => {
                let (pointer, value) = self.follow(reference, at)?;
                let item = T::deserialize(value).map_err(|err| Error::invalid(&pointer, err.to_string()))?;
                Ok((Cow::Owned(item), pointer))
            }
        }
    }

    /// The schema a `$ref` names, and where it is.
    pub fn resolve_schema(&self, reference: &str, at: &Pointer) -> Result<(Cow<'_, Schema>, Pointer), Error> {
        let (pointer, _) = self.follow(reference, at)?;
        if let Some(name) = pointer.as_str().strip_prefix("/components/schemas/")
            && let Some(ReferenceOr::Item(schema)) = self
                .api
                .components
                .as_ref()
                .and_then(|c| c.schemas.get(&unescape(name)))
        {
            return Ok((Cow::Borrowed(schema), pointer));
        }
        let value = self.raw.pointer(pointer.as_str()).expect("follow checked the pointer");
        let schema = Schema::deserialize(value).map_err(|err| Error::invalid(&pointer, err.to_string()))?;
        Ok((Cow::Owned(schema), pointer))
    }
}

/// Undo RFC 6901 escaping of one reference token.
pub(crate) fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}
