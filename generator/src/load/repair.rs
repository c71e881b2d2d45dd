//! Faults that vendors' specs commonly have, repaired where the intent is
//! plain, each with one warning naming its place: `required: true` on a
//! property (Swagger 2's habit), lower-case status ranges (`4xx`), responses
//! with no `description`, type names that are no JSON Schema type (`int`), and
//! `$ref`s into other files (which a generator with no file I/O cannot read:
//! the part is left out or typed as any JSON value). Path parameters named
//! differently in the path and in the list are matched up in
//! `lower/operations.rs`, where both are known.

use super::{Key, Place};
use crate::error::{Pointer, Warnings};
use serde_json::{Map, Value, json};

/// The keys of a path item that are operations.
pub(super) const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Repairs that need to know where in the document they are.
pub(super) fn document(raw: &mut Value, warnings: &mut Warnings) {
    let Some(Value::Object(paths)) = raw.get_mut("paths") else {
        return;
    };
    let at_paths = Pointer::root().push("paths");
    for (path, item) in paths.iter_mut() {
        let Value::Object(item) = item else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            if let Some(Value::Object(responses)) = operation.get_mut("responses") {
                let at = at_paths.push(path).push(method).push("responses");
                status_ranges(responses, &at, warnings);
                missing_descriptions(responses, &at, warnings);
            }
        }
    }
}

/// `4xx` is `4XX`: OpenAPI spells ranges in capitals, and `openapiv3` reads
/// only those.
fn status_ranges(responses: &mut Map<String, Value>, at: &Pointer, warnings: &mut Warnings) {
    let lower = is_lower_range;
    if !responses.keys().any(|k| lower(k)) {
        return;
    }
    let old = std::mem::take(responses);
    for (key, response) in old {
        let key = if lower(&key) {
            let upper = key.to_ascii_uppercase();
            warnings.warn(
                &at.push(&key),
                format!("the status range `{key}` is read as `{upper}` (OpenAPI writes ranges in capitals)"),
            );
            upper
        } else {
            key
        };
        // A spec with both `4xx` and `4XX` keeps the capital one.
        responses.entry(key).or_insert(response);
    }
}

/// A status range not in capitals (`4xx`, `5Xx`).
fn is_lower_range(key: &str) -> bool {
    let bytes = key.as_bytes();
    bytes.len() == 3
        && (b'1'..=b'5').contains(&bytes[0])
        && bytes[1..].iter().all(|b| matches!(b, b'x' | b'X'))
        && key != key.to_ascii_uppercase()
}

/// A local `$ref` to a response under a range key that [`status_ranges`]
/// renamed (`.../responses/4xx`) follows the new name.
fn ref_to_renamed_range(reference: &str) -> Option<String> {
    let (_, rest) = reference.split_once("/responses/")?;
    let segment = rest.split('/').next()?;
    if !is_lower_range(segment) {
        return None;
    }
    let fixed = reference
        .split('/')
        .map(|s| {
            if is_lower_range(s) {
                s.to_ascii_uppercase()
            } else {
                s.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/");
    Some(fixed)
}

/// A response with no `description` (which OpenAPI requires, and no client
/// needs): an empty one.
fn missing_descriptions(responses: &mut Map<String, Value>, at: &Pointer, warnings: &mut Warnings) {
    for (key, response) in responses.iter_mut() {
        if let Value::Object(response) = response
            && !response.get("description").is_some_and(Value::is_string)
            && !response.contains_key("$ref")
        {
            warnings.warn(&at.push(key), "a response with no `description`; read as an empty one");
            response.insert("description".into(), Value::String(String::new()));
        }
    }
}

/// `required: true` (or `false`) on a property's own schema, as Swagger 2
/// wrote it: the property's name joins (or stays out of) the object's
/// `required` list. A flag on a schema with no object around it is dropped.
pub(super) fn property_required(map: &mut Map<String, Value>, place: &Place<'_>, warnings: &mut Warnings) {
    let mut add = Vec::new();
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        for (name, schema) in properties.iter_mut() {
            let Value::Object(schema) = schema else {
                continue;
            };
            let Some(flag) = schema.get("required").and_then(flag) else {
                continue;
            };
            schema.remove("required");
            let at = place.pointer().push("properties").push(name).push("required");
            let reading = if flag {
                format!("`{name}` is listed in the object's `required`")
            } else {
                format!("`{name}` is optional")
            };
            warnings.warn(
                &at,
                format!("`required: {flag}` on a property (a Swagger 2 habit); read as: {reading}"),
            );
            if flag {
                add.push(Value::String(name.clone()));
            }
        }
    }
    if !add.is_empty() {
        let required = map.entry("required").or_insert_with(|| Value::Array(Vec::new()));
        if !required.is_array() {
            *required = Value::Array(Vec::new());
        }
        if let Value::Array(list) = required {
            for name in add {
                if !list.contains(&name) {
                    list.push(name);
                }
            }
        }
    }
    // The flag on a schema that is no object's property (an item, a
    // component): nothing to make required.
    let looks_like_schema = |map: &Map<String, Value>| {
        ["type", "properties", "allOf", "oneOf", "anyOf", "items", "enum"]
            .iter()
            .any(|k| map.contains_key(*k))
            && !["in", "content", "schema"].iter().any(|k| map.contains_key(*k))
    };
    if let Some(flag) = map.get("required").and_then(flag)
        && looks_like_schema(map)
    {
        map.remove("required");
        warnings.warn(
            &place.pointer().push("required"),
            format!("`required: {flag}` on a schema that is no object's property; ignored"),
        );
    }
}

/// A boolean, or the string of one.
fn flag(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(flag) => Some(*flag),
        Value::String(text) => match text.trim() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A `$ref` into another file (`other.yaml#/...`, a URL): the generator
/// reads no files, so the part is left out (a parameter, a path) or stands
/// as any JSON value (a schema, a body), with a warning naming it. Returns
/// whether `value` was such a reference.
pub(super) fn external_ref(value: &mut Value, at: &Place<'_>, warnings: &mut Warnings) -> bool {
    let Value::Object(map) = value else {
        return false;
    };
    let Some(Value::String(reference)) = map.get("$ref") else {
        return false;
    };
    if reference.starts_with('#') {
        if let Some(fixed) = ref_to_renamed_range(reference) {
            map.insert("$ref".into(), Value::String(fixed));
        }
        return false;
    }
    let reference = reference.clone();
    let parent = at.parent.and_then(Place::name);
    let (replacement, what) = match (parent, &at.key) {
        (Some("parameters"), Key::Index(_)) => (Value::Null, "the parameter is left out"),
        (Some("paths"), _) => (json!({}), "the path is left out"),
        (Some("responses"), _) => (
            json!({"description": "", "content": {"application/json": {"schema": {}}}}),
            "the response's body is any JSON value",
        ),
        (_, Key::Name("requestBody")) => (
            json!({"content": {"application/json": {"schema": {}}}}),
            "the body is any JSON value",
        ),
        (Some("headers"), _) => (json!({"schema": {}}), "the header is any JSON value"),
        (Some("securitySchemes"), _) => return false, // no stand-in: lowering names it in an error
        _ => (json!({}), "typed as any JSON value"),
    };
    warnings.warn(
        &at.pointer(),
        format!("`$ref: {reference}` is in another document, which is not read; {what}"),
    );
    *value = replacement;
    true
}

/// A `type` that is no JSON Schema type but plainly means one (`int`,
/// `list`, `bool`, `positive number or null`): read as that type.
pub(super) fn type_name(map: &mut Map<String, Value>, place: &Place<'_>, warnings: &mut Warnings) {
    let Some(Value::String(name)) = map.get("type") else {
        return;
    };
    if matches!(
        name.as_str(),
        "string" | "integer" | "number" | "boolean" | "array" | "object" | "null"
    ) {
        return;
    }
    let at = place.pointer().push("type");
    if let Some(meant) = type_word(name) {
        warnings.warn(
            &at,
            format!("`type: {name}` is not a JSON Schema type; read as `{meant}`"),
        );
        map.insert("type".into(), Value::String(meant.into()));
        return;
    }
    // A phrase (`positive number or null`): the one type it names, nullable
    // if it names `null` too. (A single unknown word is left alone: it may be
    // a security scheme's `type`, as `apiKey` is.)
    if name.chars().all(|c| c.is_ascii_alphanumeric()) {
        return;
    }
    let words: Vec<&str> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut types: Vec<&str> = words.iter().filter_map(|w| type_word(w)).collect();
    types.dedup();
    let nullable = words.iter().any(|w| w.eq_ignore_ascii_case("null"));
    let name = name.clone();
    if let [meant] = types.as_slice() {
        let reading = if nullable {
            format!("`{meant}` or null")
        } else {
            format!("`{meant}`")
        };
        warnings.warn(
            &at,
            format!("`type: {name}` is not a JSON Schema type; read as {reading}"),
        );
        map.insert("type".into(), Value::String((*meant).into()));
        if nullable {
            map.insert("nullable".into(), Value::Bool(true));
        }
    } else {
        warnings.warn(
            &at,
            format!("`type: {name}` is not a JSON Schema type; the value is any JSON value"),
        );
        map.remove("type");
    }
}

/// The JSON Schema type a word names (`int`, `list`, `Number`), if any.
fn type_word(word: &str) -> Option<&'static str> {
    Some(match word.to_ascii_lowercase().as_str() {
        "string" | "str" | "text" => "string",
        "integer" | "int" | "long" | "int32" | "int64" => "integer",
        "number" | "float" | "double" | "decimal" => "number",
        "boolean" | "bool" => "boolean",
        "array" | "list" => "array",
        "object" | "dict" | "map" => "object",
        _ => return None,
    })
}
