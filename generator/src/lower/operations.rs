//! Operations: one method per path and HTTP method, with its parameters,
//! request body, success responses and security.

use super::{Context, SchemaRef};
use crate::error::{Error, Pointer};
use crate::model::{
    Body, BodyKind, Content, Docs, Operation, Output, OutputVariant, Param, ParamLocation, ParamStyle, PathPart,
    SecurityScheme, StatusMatch, Success, TypeRef,
};
use crate::naming::{self, Scope};
use openapiv3::{
    MediaType, Parameter, ParameterSchemaOrContent, PathItem, QueryStyle, ReferenceOr, RequestBody, Response,
    StatusCode,
};
use std::collections::HashMap;

/// Method names `Client` already has.
const CLIENT_METHODS: &[&str] = &["builder", "new", "base_url", "clone", "fmt", "http_client"];

pub(super) struct Lowered {
    pub operations: Vec<Operation>,
    /// The type of error bodies when every operation that declares one agrees.
    pub error_body: Option<TypeRef>,
}

pub(super) fn lower_operations(cx: &mut Context<'_>, schemes: &[SecurityScheme]) -> Result<Lowered, Error> {
    let mut methods = Scope::with_reserved(CLIENT_METHODS);
    for scheme in schemes {
        methods.claim(&format!("set_{}", scheme.setter));
    }
    let mut builders = Scope::with_reserved(naming::OPERATION_ITEMS_RESERVED);
    let mut ids: HashMap<String, Pointer> = HashMap::new();
    let mut operations = Vec::new();
    let mut error_types: Vec<TypeRef> = Vec::new();
    let api = cx.api;
    let paths = Pointer::root().push("paths");
    for (path, item) in &api.paths.paths {
        let at_path = paths.push(path);
        let (item, at_item) = cx.resolve(item, &at_path)?;
        let item: &PathItem = &item;
        for (method, operation) in item.iter() {
            let at = at_item.push(method);
            if let Some(id) = &operation.operation_id
                && let Some(first) = ids.insert(id.clone(), at.clone())
            {
                return Err(Error::invalid(
                    &at.push("operationId"),
                    format!("duplicate operationId `{id}` (first used at {first})"),
                ));
            }
            let raw_name = match &operation.operation_id {
                Some(id) => id.clone(),
                None => format!("{method} {path}"),
            };
            let method_name = methods.claim(&naming::snake(&raw_name, "operation"));
            let builder = builders.claim(&naming::pascal(&method_name, "Op", "Operation"));
            let op = OperationInput {
                path,
                method,
                item,
                item_at: &at_item,
                operation,
                at,
            };
            let (lowered, errors) = lower_operation(cx, &op, method_name, builder, &mut builders)?;
            for ty in errors {
                if !error_types.contains(&ty) {
                    error_types.push(ty);
                }
            }
            operations.push(lowered);
        }
    }
    let error_body = match error_types.as_slice() {
        [single] => Some(single.clone()),
        _ => None,
    };
    Ok(Lowered { operations, error_body })
}

struct OperationInput<'a> {
    path: &'a str,
    method: &'a str,
    item: &'a PathItem,
    item_at: &'a Pointer,
    operation: &'a openapiv3::Operation,
    at: Pointer,
}

fn lower_operation(
    cx: &mut Context<'_>,
    input: &OperationInput<'_>,
    method_name: String,
    builder: String,
    builders: &mut Scope,
) -> Result<(Operation, Vec<TypeRef>), Error> {
    let OperationInput {
        path,
        method,
        item,
        item_at,
        operation,
        at,
    } = input;
    let params = lower_params(cx, item, item_at, operation, &builder, at)?;
    let (path_parts, params) = path_parts(cx, path, params, at);
    let body = match &operation.request_body {
        Some(body) => lower_body(cx, body, &builder, &at.push("requestBody"))?,
        None => None,
    };
    let (successes, errors) = lower_responses(cx, operation, &builder, &at.push("responses"))?;
    let error_statuses = operation
        .responses
        .responses
        .keys()
        .filter_map(|code| match code {
            StatusCode::Code(code) if !(200..300).contains(code) => Some(*code),
            _ => None,
        })
        .collect();
    let output = output(&successes, &builder, builders);
    let security = operation
        .security
        .as_ref()
        .or(cx.api.security.as_ref())
        .map(|alternatives| {
            alternatives
                .iter()
                .map(|requirement| requirement.keys().cloned().collect::<Vec<_>>())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let idempotent = match operation.extensions.get("x-idempotent") {
        None => None,
        Some(serde_json::Value::Bool(value)) => Some(*value),
        Some(_) => {
            cx.warnings.warn(
                &at.push("x-idempotent"),
                "`x-idempotent` must be `true` or `false`; the method decides whether a retry is safe",
            );
            None
        }
    };
    let sign_in = operation
        .extensions
        .get("x-sign-in")
        .and_then(|value| sign_in(cx, value, &at.push("x-sign-in")));
    let pagination = operation
        .extensions
        .get("x-pagination")
        .map(|value| super::pagination::read(value, &at.push("x-pagination")))
        .transpose()?;
    Ok((
        Operation {
            // The spec's name for hooks and traces (the method's when it has none).
            operation_id: operation.operation_id.clone().unwrap_or_else(|| method_name.clone()),
            method: method_name,
            builder,
            http_method: method.to_ascii_uppercase(),
            path: (*path).to_owned(),
            path_parts,
            docs: Docs {
                summary: operation.summary.clone(),
                description: operation.description.clone(),
            },
            deprecated: operation.deprecated,
            tags: operation.tags.clone(),
            params,
            body,
            successes,
            error_statuses,
            output,
            security,
            idempotent,
            sign_in,
            pagination,
        },
        errors,
    ))
}

/// `x-sign-in: {scheme, token, prefix}`: the answer's member `token`, after
/// `prefix`, is the credential of the security scheme `scheme`. Anything
/// else is a warning, and no sign-in.
fn sign_in(cx: &mut Context<'_>, value: &serde_json::Value, at: &Pointer) -> Option<crate::model::SignIn> {
    let text = |key: &str| value.get(key).and_then(serde_json::Value::as_str).map(str::to_owned);
    let known = |scheme: &str| {
        cx.api
            .components
            .as_ref()
            .is_some_and(|c| c.security_schemes.contains_key(scheme))
    };
    match (text("scheme"), text("token")) {
        (Some(scheme), Some(token)) if known(&scheme) => Some(crate::model::SignIn {
            scheme,
            token,
            prefix: text("prefix").unwrap_or_default(),
        }),
        _ => {
            cx.warnings.warn(
                at,
                "`x-sign-in` needs `scheme` (a security scheme of this spec) and `token` (a member of the answer); ignored",
            );
            None
        }
    }
}

/// Path-item parameters, overridden by the operation's own (same name and location).
fn lower_params(
    cx: &mut Context<'_>,
    item: &PathItem,
    item_at: &Pointer,
    operation: &openapiv3::Operation,
    builder: &str,
    at: &Pointer,
) -> Result<Vec<Param>, Error> {
    let mut scope = Scope::with_reserved(naming::BUILDER_MEMBERS_RESERVED);
    // Borrowed where they can be: a parameter shared by many operations is not copied for each.
    let mut resolved: Vec<(std::borrow::Cow<'_, Parameter>, Pointer)> = Vec::new();
    // Where each (name, location) is in `resolved`: an operation's parameter replaces the path's.
    let mut positions: HashMap<(String, std::mem::Discriminant<Parameter>), usize> = HashMap::new();
    for (index, param) in item.parameters.iter().enumerate() {
        let (param, here) = cx.resolve(param, &item_at.push("parameters").push(index.to_string()))?;
        let key = (
            param.parameter_data_ref().name.clone(),
            std::mem::discriminant(param.as_ref()),
        );
        positions.entry(key).or_insert(resolved.len());
        resolved.push((param, here));
    }
    for (index, param) in operation.parameters.iter().enumerate() {
        let (param, here) = cx.resolve(param, &at.push("parameters").push(index.to_string()))?;
        let key = (
            param.parameter_data_ref().name.clone(),
            std::mem::discriminant(param.as_ref()),
        );
        match positions.get(&key) {
            Some(&existing) => resolved[existing] = (param, here),
            None => {
                positions.insert(key, resolved.len());
                resolved.push((param, here));
            }
        }
    }
    let mut params = Vec::with_capacity(resolved.len());
    for (param, here) in resolved {
        let (location, style, explode_default) = match param.as_ref() {
            Parameter::Query { style, .. } => {
                let style = match style {
                    QueryStyle::Form => ParamStyle::Form,
                    QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                    QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                    QueryStyle::DeepObject => ParamStyle::DeepObject,
                };
                (ParamLocation::Query, style, style == ParamStyle::Form)
            }
            Parameter::Path { .. } => (ParamLocation::Path, ParamStyle::Simple, false),
            Parameter::Header { .. } => (ParamLocation::Header, ParamStyle::Simple, false),
            Parameter::Cookie { .. } => (ParamLocation::Cookie, ParamStyle::Form, true),
        };
        let data = param.parameter_data_ref();
        let name = scope.claim(&naming::snake(&data.name, "param"));
        let hint = format!("{builder}{}", naming::pascal(&data.name, "", "Param"));
        let (ty, example) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                let ty = cx.wire_type_of(schema.into(), &hint, &here.push("schema"))?;
                let example = match schema {
                    ReferenceOr::Item(s) => s.schema_data.example.clone(),
                    ReferenceOr::Reference { .. } => None,
                };
                (ty, example)
            }
            ParameterSchemaOrContent::Content(content) => {
                cx.warnings.warn(
                    &here.push("content"),
                    "a parameter with `content` is sent as plain text, not serialized per media type",
                );
                let _ = content;
                (TypeRef::String, None)
            }
        };
        params.push(Param {
            wire: data.name.clone(),
            name,
            location,
            required: data.required || location == ParamLocation::Path,
            ty: ty.unwrap_option().clone(),
            style,
            explode: data.explode.unwrap_or(explode_default),
            deprecated: data.deprecated.unwrap_or(false),
            description: data.description.clone(),
            example: data.example.clone().or(example),
        });
    }
    Ok(params)
}

/// A vendor's fault: the path says `{userId}` and the list declares one path
/// parameter `id`. When exactly one name of each side has no partner, they
/// are the same parameter: the declared one takes the path's name (its Rust
/// name stays), with a warning.
fn match_renamed_path_param(cx: &mut Context<'_>, path: &str, params: &mut [Param], at: &Pointer) {
    let template: Vec<&str> = path
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    let undeclared: Vec<&str> = template
        .iter()
        .copied()
        .filter(|name| {
            !params
                .iter()
                .any(|p| p.location == ParamLocation::Path && p.wire == *name)
        })
        .collect();
    let mut unused = params
        .iter_mut()
        .filter(|p| p.location == ParamLocation::Path && !template.contains(&p.wire.as_str()));
    if let ([name], Some(param), None) = (undeclared.as_slice(), unused.next(), unused.next()) {
        cx.warnings.warn(
            at,
            format!(
                "path parameter `{}` is declared, but the path names it `{{{name}}}`; read as one parameter `{name}`",
                param.wire
            ),
        );
        param.wire = (*name).to_owned();
    }
}

/// Split the path template; a `{name}` with no declared parameter gets one
/// (a required string), with a warning; a declared path parameter the
/// template does not use is dropped, with a warning.
fn path_parts(cx: &mut Context<'_>, path: &str, mut params: Vec<Param>, at: &Pointer) -> (Vec<PathPart>, Vec<Param>) {
    match_renamed_path_param(cx, path, &mut params, at);
    let mut parts = Vec::new();
    let mut rest = path;
    let mut used = Vec::new();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        if open > 0 {
            parts.push(PathPart::Literal(rest[..open].to_owned()));
        }
        let name = &rest[open + 1..close];
        let index = match params
            .iter()
            .position(|p| p.location == ParamLocation::Path && p.wire == name)
        {
            Some(index) => index,
            None => {
                cx.warnings.warn(
                    at,
                    format!("path parameter `{name}` is not declared; added as a required string"),
                );
                let taken: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
                let mut scope = Scope::with_reserved(&taken);
                scope.claim("client");
                scope.claim("body");
                params.push(Param {
                    wire: name.to_owned(),
                    name: scope.claim(&naming::snake(name, "param")),
                    location: ParamLocation::Path,
                    required: true,
                    ty: TypeRef::String,
                    style: ParamStyle::Simple,
                    explode: false,
                    deprecated: false,
                    description: None,
                    example: None,
                });
                params.len() - 1
            }
        };
        used.push(index);
        parts.push(PathPart::Param(index));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(PathPart::Literal(rest.to_owned()));
    }
    // Drop path parameters the template does not use, renumbering the parts.
    let unused: Vec<usize> = (0..params.len())
        .filter(|i| params[*i].location == ParamLocation::Path && !used.contains(i))
        .collect();
    for &i in unused.iter().rev() {
        cx.warnings.warn(
            at,
            format!(
                "path parameter `{}` does not occur in the path; ignored",
                params[i].wire
            ),
        );
        params.remove(i);
        for part in &mut parts {
            if let PathPart::Param(j) = part
                && *j > i
            {
                *j -= 1;
            }
        }
    }
    (parts, params)
}

/// What kind of payload a media type carries.
fn media_kind(media: &str) -> BodyKind {
    let essence = media.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if essence == "application/json" || essence.ends_with("+json") || essence == "*/*" || essence == "application/*" {
        BodyKind::Json
    } else if essence == "application/x-www-form-urlencoded" {
        BodyKind::FormUrlEncoded
    } else if essence == "multipart/form-data" || essence.starts_with("multipart/") {
        BodyKind::Multipart
    } else if essence.starts_with("text/") || essence == "application/xml" {
        BodyKind::Text
    } else {
        BodyKind::Bytes
    }
}

fn rank(kind: BodyKind) -> u8 {
    match kind {
        BodyKind::Json => 0,
        BodyKind::FormUrlEncoded => 1,
        BodyKind::Multipart => 2,
        BodyKind::Text => 3,
        BodyKind::Bytes => 4,
    }
}

/// The media type the client uses among those offered: JSON first.
fn pick_media(content: &indexmap::IndexMap<String, MediaType>) -> Option<(&str, &MediaType, BodyKind)> {
    content
        .iter()
        .map(|(name, media)| (name.as_str(), media, media_kind(name)))
        .min_by_key(|(_, _, kind)| rank(*kind))
}

fn lower_body(
    cx: &mut Context<'_>,
    body: &ReferenceOr<RequestBody>,
    builder: &str,
    at: &Pointer,
) -> Result<Option<Body>, Error> {
    let (body, here) = cx.resolve(body, at)?;
    let Some((media_name, media, kind)) = pick_media(&body.content) else {
        return Ok(None);
    };
    let media_at = here.push("content").push(media_name);
    let hint = format!("{builder}Body");
    let ty = match kind {
        BodyKind::Text => TypeRef::String,
        BodyKind::Bytes => TypeRef::Bytes,
        _ => match &media.schema {
            Some(schema) => cx.wire_type_of(schema.into(), &hint, &media_at.push("schema"))?,
            None => TypeRef::Value,
        },
    };
    let content_type = match (kind, media_name) {
        (BodyKind::Json, "*/*" | "application/*") => "application/json".to_owned(),
        (BodyKind::Bytes, name) if name.contains('*') => "application/octet-stream".to_owned(),
        (_, name) => name.to_owned(),
    };
    let example = media.example.clone().or_else(|| {
        media.examples.values().find_map(|example| match example {
            ReferenceOr::Item(example) => example.value.clone(),
            ReferenceOr::Reference { .. } => None,
        })
    });
    Ok(Some(Body {
        kind,
        content_type,
        ty: ty.unwrap_option().clone(),
        required: body.required,
        description: body.description.clone(),
        example,
    }))
}

/// The success responses, and the types of the declared JSON error bodies.
fn lower_responses(
    cx: &mut Context<'_>,
    operation: &openapiv3::Operation,
    builder: &str,
    at: &Pointer,
) -> Result<(Vec<Success>, Vec<TypeRef>), Error> {
    let mut entries: Vec<(StatusMatch, &ReferenceOr<Response>, Pointer)> = Vec::new();
    for (code, response) in &operation.responses.responses {
        let (status, key) = match code {
            StatusCode::Code(code) => (StatusMatch::Code(*code), code.to_string()),
            StatusCode::Range(range) => (StatusMatch::Range(*range), format!("{range}XX")),
        };
        entries.push((status, response, at.push(key)));
    }
    if let Some(default) = &operation.responses.default {
        entries.push((StatusMatch::Default, default, at.push("default")));
    }
    let is_success = |status: &StatusMatch| match status {
        StatusMatch::Code(code) => (200..300).contains(code),
        StatusMatch::Range(range) => *range == 2,
        StatusMatch::Default => false,
    };
    let has_success = entries.iter().any(|(status, _, _)| is_success(status));
    let several = entries.iter().filter(|(s, _, _)| is_success(s)).count() > 1;

    let mut successes = Vec::new();
    let mut errors = Vec::new();
    for (status, response, here) in entries {
        let success = is_success(&status) || (!has_success && status == StatusMatch::Default);
        let (response, here) = cx.resolve(response, &here)?;
        let picked = pick_media(&response.content);
        if success {
            let hint = match status {
                StatusMatch::Code(code) if several => format!("{builder}Response{code}"),
                _ => format!("{builder}Response"),
            };
            let content = match picked {
                None => Content::Empty,
                Some((_, media, BodyKind::Json)) => match &media.schema {
                    Some(schema) => {
                        let media_name = picked.map(|(n, _, _)| n).unwrap_or_default();
                        let ty = cx.wire_type_of(
                            schema.into(),
                            &hint,
                            &here.push("content").push(media_name).push("schema"),
                        )?;
                        Content::Json(ty)
                    }
                    None => Content::Json(TypeRef::Value),
                },
                Some(_) => file_content(&response.content),
            };
            successes.push(Success { status, content });
        } else if let Some((media_name, media, BodyKind::Json)) = picked
            && let Some(schema) = &media.schema
        {
            let ty = match SchemaRef::from(schema) {
                SchemaRef::Ref(_) => cx.wire_type_of(
                    schema.into(),
                    &format!("{builder}Error"),
                    &here.push("content").push(media_name).push("schema"),
                )?,
                // Inline error schemas are not given types of their own.
                SchemaRef::Item(_) => TypeRef::Value,
            };
            errors.push(ty);
        }
    }
    Ok((successes, errors))
}

/// A success answer with no JSON among its media types: text when it can
/// only be `text/plain`, else a file, whose media type the caller is told.
fn file_content(content: &indexmap::IndexMap<String, MediaType>) -> Content {
    let essence = |media: &str| media.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if content.len() == 1 && content.keys().all(|media| essence(media) == "text/plain") {
        Content::Text
    } else {
        Content::Download {
            media_types: content.keys().cloned().collect(),
        }
    }
}

/// The return type of an operation from its success responses.
fn output(successes: &[Success], builder: &str, builders: &mut Scope) -> Output {
    let mut contents: Vec<&Content> = Vec::new();
    for success in successes {
        if !contents.contains(&&success.content) {
            contents.push(&success.content);
        }
    }
    let bodies: Vec<&Content> = contents.iter().copied().filter(|c| **c != Content::Empty).collect();
    match bodies.as_slice() {
        [] => Output::Unit,
        [one] if contents.len() == 1 => Output::One((*one).clone()),
        [one] => Output::Maybe((*one).clone()),
        _ => {
            let mut scope = Scope::new();
            let variants = contents
                .iter()
                .map(|content| OutputVariant {
                    name: scope.claim(&variant_name(content)),
                    content: (*content).clone(),
                })
                .collect();
            Output::Many {
                name: builders.claim(&format!("{builder}Response")),
                variants,
            }
        }
    }
}

fn variant_name(content: &Content) -> String {
    match content {
        Content::Json(TypeRef::Named(name)) => name.clone(),
        Content::Json(TypeRef::Vec(inner)) => match inner.as_ref() {
            TypeRef::Named(name) => format!("{name}List"),
            _ => "List".to_owned(),
        },
        Content::Json(_) => "Json".to_owned(),
        Content::Text => "Text".to_owned(),
        Content::Download { .. } => "Download".to_owned(),
        Content::Empty => "Empty".to_owned(),
    }
}
