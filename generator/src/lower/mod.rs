//! Lowering: `openapiv3::OpenAPI` to the intermediate [`model::Api`].
//!
//! - `types.rs`: schemas to Rust types (the type mapping).
//! - `operations.rs`: paths and operations to methods, parameters, bodies, responses.
//! - `pagination.rs`: `x-pagination`, read and checked against the types.
//! - `security.rs`: security schemes to credentials.
//!
//! This module holds what they share: the context, `$ref` resolution, and
//! the bounds on nesting and resolution work ([`crate::Limits`]).

mod operations;
mod pagination;
mod security;
pub(crate) mod split;
mod types;

use crate::Limits;
use crate::error::{Error, Pointer, Warnings};
use crate::model::{self, Api};
use openapiv3::{Components, OpenAPI, Parameter, PathItem, ReferenceOr, RequestBody, Response, Schema};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Lower a parsed document. `raw` is the same document as a JSON tree, used
/// to resolve `$ref`s that point anywhere other than `#/components/schemas`.
pub(crate) fn lower(api: &OpenAPI, raw: &Value, limits: &Limits, warnings: &mut Warnings) -> Result<Api, Error> {
    let mut cx = Context {
        api,
        raw,
        warnings,
        types: types::Registry::default(),
        limits: *limits,
        depth: 0,
        refs: RefCell::default(),
    };
    cx.declare_component_schemas()?;
    let security_schemes = security::lower_schemes(&mut cx)?;
    cx.define_component_schemas()?;
    let operations::Lowered { operations, error_body } = operations::lower_operations(&mut cx, &security_schemes)?;
    let mut types = cx.types.finish(cx.warnings);
    types::keep_unknown_fields_where_read(&mut types, &operations);
    let alias_ends = alias_ends(&types);

    let (base_url, server_variables) = base_url(api);
    let lowered = Api {
        title: api.info.title.clone(),
        version: api.info.version.clone(),
        description: api.info.description.clone(),
        base_url,
        server_variables,
        types,
        operations,
        security_schemes,
        error_body,
        alias_ends,
    };
    pagination::check(&lowered)?;
    Ok(lowered)
}

/// Each alias's type, its chain of aliases followed to the end: each alias
/// once, however long the chains (`types` are sorted by name, and no alias
/// reaches itself: `Registry::finish` broke such cycles).
fn alias_ends(types: &[model::TypeDef]) -> BTreeMap<String, model::TypeRef> {
    use model::{TypeKind, TypeRef};
    let alias = |name: &str| match types.binary_search_by(|def| def.name.as_str().cmp(name)) {
        Ok(index) => match &types[index].kind {
            TypeKind::Alias(target) => Some(target),
            _ => None,
        },
        Err(_) => None,
    };
    let mut ends: BTreeMap<String, TypeRef> = BTreeMap::new();
    for def in types {
        let TypeKind::Alias(first) = &def.kind else { continue };
        if ends.contains_key(&def.name) {
            continue;
        }
        let mut chain = vec![def.name.as_str()];
        let mut on_chain: HashSet<&str> = chain.iter().copied().collect();
        let mut ty = first;
        let end = loop {
            let TypeRef::Named(name) = ty else { break ty.clone() };
            if let Some(end) = ends.get(name) {
                break end.clone();
            }
            match alias(name) {
                Some(next) if on_chain.insert(name) => {
                    chain.push(name);
                    ty = next;
                }
                _ => break ty.clone(),
            }
        };
        for name in chain {
            ends.insert(name.to_owned(), end.clone());
        }
    }
    ends
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
    limits: Limits,
    /// How many schemas deep lowering is right now (see [`Context::nested`]).
    depth: usize,
    /// Where `$ref` chains end, and the work spent finding out.
    refs: RefCell<Resolved<'a>>,
}

/// What `$ref` resolution has learnt so far. Each place a `$ref` names is
/// followed to the end of its chain once; later `$ref`s to it, or to any
/// place along the chain, take one step. (Following a chain afresh each
/// time made a chain of n aliases cost n³.)
#[derive(Default)]
struct Resolved<'a> {
    /// A place named by a `$ref`, or holding one → the place its chain ends
    /// at, and what is there.
    ends: HashMap<Pointer, (Pointer, &'a Value)>,
    /// Steps taken in all, against `Limits::max_ref_steps`.
    steps: usize,
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
    // Most references have nothing to decode (and this runs for each one).
    let decoded = match reference.contains('%') {
        true => percent_encoding::percent_decode_str(reference).decode_utf8_lossy(),
        false => std::borrow::Cow::Borrowed(reference),
    };
    Pointer::from_ref(&decoded).ok_or_else(|| {
        Error::invalid(
            at,
            format!("`$ref: {reference}` points outside this document; only local references (`#/...`) are supported"),
        )
    })
}

/// A kind of thing a `$ref` names, and where `components` keeps it typed,
/// so that a `$ref` to it borrows it rather than building it again each
/// time (a response shared by n operations would cost n times its size).
pub(crate) trait Component: DeserializeOwned + Clone {
    /// Its key in `components` (`parameters`), if it has one.
    const KIND: &'static str;
    fn named<'c>(components: &'c Components, name: &str) -> Option<&'c ReferenceOr<Self>>;
}

impl Component for Parameter {
    const KIND: &'static str = "parameters";
    fn named<'c>(components: &'c Components, name: &str) -> Option<&'c ReferenceOr<Self>> {
        components.parameters.get(name)
    }
}

impl Component for RequestBody {
    const KIND: &'static str = "requestBodies";
    fn named<'c>(components: &'c Components, name: &str) -> Option<&'c ReferenceOr<Self>> {
        components.request_bodies.get(name)
    }
}

impl Component for Response {
    const KIND: &'static str = "responses";
    fn named<'c>(components: &'c Components, name: &str) -> Option<&'c ReferenceOr<Self>> {
        components.responses.get(name)
    }
}

impl Component for openapiv3::SecurityScheme {
    const KIND: &'static str = "securitySchemes";
    fn named<'c>(components: &'c Components, name: &str) -> Option<&'c ReferenceOr<Self>> {
        components.security_schemes.get(name)
    }
}

impl Component for PathItem {
    // OpenAPI 3.0 has no `components/pathItems`.
    const KIND: &'static str = "";
    fn named<'c>(_: &'c Components, _: &str) -> Option<&'c ReferenceOr<Self>> {
        None
    }
}

impl<'a> Context<'a> {
    /// Follow a `$ref` (and any chain of them) to the value it names.
    fn follow(&self, reference: &str, at: &Pointer) -> Result<(Pointer, &Value), Error> {
        let start = ref_pointer(reference, at)?;
        let mut refs = self.refs.borrow_mut();
        // The places of this chain that hold a `$ref`, in order.
        let mut chain: Vec<Pointer> = Vec::new();
        let mut on_chain: HashSet<Pointer> = HashSet::new();
        let mut pointer = start.clone();
        let (end, found) = loop {
            refs.steps += 1;
            if refs.steps > self.limits.max_ref_steps {
                return Err(Error::limit(
                    at,
                    "max_ref_steps",
                    self.limits.max_ref_steps,
                    format!("resolving `$ref: {reference}` takes more `$ref` steps than allowed in all"),
                ));
            }
            if let Some((end, value)) = refs.ends.get(&pointer) {
                break (end.clone(), *value);
            }
            let (found, value) = crate::load::find(self.raw, &pointer).ok_or_else(|| {
                Error::invalid(
                    chain.last().unwrap_or(at),
                    format!("`$ref: {reference}` points to nothing"),
                )
            })?;
            pointer = found;
            match value.get("$ref").and_then(Value::as_str) {
                Some(next) => {
                    if !on_chain.insert(pointer.clone()) {
                        return Err(Error::invalid(
                            at,
                            format!("`$ref: {reference}` is part of a cycle made only of `$ref`s"),
                        ));
                    }
                    let next = ref_pointer(next, &pointer)?;
                    chain.push(std::mem::replace(&mut pointer, next));
                }
                None => break (pointer, value),
            }
        };
        // The place named (most `$ref`s name the same few schemas) and each
        // place of the chain: the next `$ref` to any of them takes one step.
        for place in chain.into_iter().chain([start]) {
            refs.ends.insert(place, (end.clone(), found));
        }
        Ok((end, found))
    }

    /// Lower something one level deeper, within `Limits::max_depth`.
    pub(crate) fn nested<T>(
        &mut self,
        at: &Pointer,
        lower: impl FnOnce(&mut Self) -> Result<T, Error>,
    ) -> Result<T, Error> {
        if self.depth >= self.limits.max_depth {
            return Err(Error::limit(
                at,
                "max_depth",
                self.limits.max_depth,
                "schemas nest (through `$ref`s or in place) deeper than allowed",
            ));
        }
        self.depth += 1;
        let result = lower(self);
        self.depth -= 1;
        result
    }

    /// The item behind a `ReferenceOr`, and where it is.
    pub fn resolve<'v, T>(&self, item: &'v ReferenceOr<T>, at: &Pointer) -> Result<(Cow<'v, T>, Pointer), Error>
    where
        T: Component,
        'a: 'v,
    {
        match item {
            ReferenceOr::Item(item) => Ok((Cow::Borrowed(item), at.clone())),
            ReferenceOr::Reference { reference } => {
                let (pointer, value) = self.follow(reference, at)?;
                let name = pointer
                    .as_str()
                    .strip_prefix("/components/")
                    .and_then(|rest| rest.strip_prefix(T::KIND))
                    .and_then(|rest| rest.strip_prefix('/'))
                    .filter(|name| !T::KIND.is_empty() && !name.contains('/'));
                if let Some(name) = name
                    && let Some(ReferenceOr::Item(item)) =
                        self.api.components.as_ref().and_then(|c| T::named(c, &unescape(name)))
                {
                    return Ok((Cow::Borrowed(item), pointer));
                }
                let item = T::deserialize(value).map_err(|err| Error::invalid(&pointer, err.to_string()))?;
                Ok((Cow::Owned(item), pointer))
            }
        }
    }

    /// The schema a `$ref` names, and where it is.
    pub fn resolve_schema(&self, reference: &str, at: &Pointer) -> Result<(Cow<'_, Schema>, Pointer), Error> {
        let (pointer, value) = self.follow(reference, at)?;
        if let Some(name) = pointer.as_str().strip_prefix("/components/schemas/")
            && let Some(ReferenceOr::Item(schema)) = self
                .api
                .components
                .as_ref()
                .and_then(|c| c.schemas.get(&unescape(name)))
        {
            return Ok((Cow::Borrowed(schema), pointer));
        }
        let schema = Schema::deserialize(value).map_err(|err| Error::invalid(&pointer, err.to_string()))?;
        Ok((Cow::Owned(schema), pointer))
    }
}

/// Undo RFC 6901 escaping of one reference token.
pub(crate) fn unescape(token: &str) -> String {
    if !token.contains('~') {
        return token.to_owned();
    }
    token.replace("~1", "/").replace("~0", "~")
}
