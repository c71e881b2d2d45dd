//! OpenAPI 3.1 read as 3.0: the keywords 3.1 (JSON Schema 2020-12) adds are
//! rewritten, in the raw tree and before the typed parse, into the 3.0 form
//! that means the same to a client, so `openapiv3` stays the one typed model.
//!
//! Two constructs have no 3.0 form and travel as loader extensions the type
//! mapping reads: a fixed-length `prefixItems` ([`TUPLE`]) and `type: "null"`
//! (kept as the type name `"null"`). What cannot change a client's types
//! (conditions on other fields, key patterns with no value type to give) is
//! dropped with a warning naming its place. The 3.0 reader never sees these
//! rewrites: they run only for documents that say `openapi: 3.1.x`.

use super::{Key, Place, tidy};
use crate::error::{Pointer, Warnings};
use serde_json::{Map, Value};

/// An extension on an array schema: the schemas of a tuple's items, in order
/// (3.1's `prefixItems` when the array has exactly that many items).
pub(crate) const TUPLE: &str = "x-generator-tuple";

/// The dialect a 3.1 document has unless it says otherwise.
const DEFAULT_DIALECT: &str = "https://spec.openapis.org/oas/3.1/dialect/base";

/// Whether the document says it is OpenAPI 3.1 (or a later 3.x).
pub(super) fn is_v31(raw: &Value) -> bool {
    raw.get("openapi")
        .and_then(Value::as_str)
        .and_then(|v| v.strip_prefix("3."))
        .and_then(|minor| minor.split('.').next()?.parse::<u32>().ok())
        .is_some_and(|minor| minor >= 1)
}

/// The document-level differences of 3.1: `webhooks`, `jsonSchemaDialect`,
/// `info.summary`, optional `paths` and `responses`.
pub(super) fn document(raw: &mut Value, warnings: &mut Warnings) {
    let root = Pointer::root();
    let Some(doc) = raw.as_object_mut() else {
        return;
    };
    if let Some(webhooks) = doc.remove("webhooks") {
        let count = webhooks.as_object().map_or(0, Map::len);
        warnings.warn(
            &root.push("webhooks"),
            format!("{count} webhook(s): requests the API sends, nothing for a client to call; skipped"),
        );
    }
    if let Some(dialect) = doc.remove("jsonSchemaDialect")
        && dialect.as_str() != Some(DEFAULT_DIALECT)
    {
        warnings.warn(
            &root.push("jsonSchemaDialect"),
            format!("schemas are read as the OpenAPI 3.1 dialect, not {dialect}"),
        );
    }
    // `info.summary` leads the description (the crate's documentation).
    if let Some(Value::Object(info)) = doc.get_mut("info")
        && let Some(Value::String(summary)) = info.remove("summary")
    {
        let description = match info.get("description").and_then(Value::as_str) {
            Some(description) if !description.trim().is_empty() => format!("{summary}\n\n{description}"),
            _ => summary,
        };
        info.insert("description".into(), Value::String(description));
    }
    // 3.1 may leave out `paths`, and an operation's `responses`.
    if !doc.contains_key("paths") {
        doc.insert("paths".into(), Value::Object(Map::new()));
    }
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for (method, operation) in item.iter_mut() {
                if super::repair::METHODS.contains(&method.as_str())
                    && let Value::Object(operation) = operation
                    && !operation.contains_key("responses")
                {
                    operation.insert("responses".into(), Value::Object(Map::new()));
                }
            }
        }
    }
}

/// `true` (any JSON) and `false` (nothing) where a schema belongs, as 3.0
/// writes them: `{}` and `{not: {}}`.
fn boolean_schema(value: &mut Value) {
    if let Value::Bool(flag) = value {
        *value = if *flag {
            Value::Object(Map::new())
        } else {
            let mut not = Map::new();
            not.insert("not".into(), Value::Object(Map::new()));
            Value::Object(not)
        };
    }
}

/// Keywords whose value is one schema.
const SCHEMA_KEYWORDS: &[&str] = &[
    "items",
    "not",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "if",
    "then",
    "else",
];

/// The 3.1 keywords of one schema object, rewritten as 3.0 (before its
/// children are tidied).
pub(super) fn schema(map: &mut Map<String, Value>, place: &Place<'_>, warnings: &mut Warnings) {
    for key in SCHEMA_KEYWORDS {
        if let Some(value) = map.get_mut(*key) {
            boolean_schema(value);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(items)) = map.get_mut(key) {
            items.iter_mut().for_each(boolean_schema);
        }
    }
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        // A property whose schema is `false` can never be present.
        properties.retain(|_, schema| *schema != Value::Bool(false));
        for schema in properties.values_mut() {
            boolean_schema(schema);
            ref_with_siblings(schema);
        }
    }
    for key in ["oneOf", "anyOf"] {
        if map.get(key).is_some_and(all_constants) && !map.contains_key("enum") {
            constants(map, key);
        }
    }
    if map.contains_key("const") && !map.contains_key("enum") {
        constant(map);
    }
    if let Some(Value::Array(examples)) = map.get("examples") {
        // A schema's `examples` is a list in 3.1; 3.0 has one `example`.
        let first = examples.first().cloned();
        map.remove("examples");
        if let Some(first) = first
            && !map.contains_key("example")
        {
            map.insert("example".into(), first);
        }
    }
    if map.contains_key("contentEncoding") || map.contains_key("contentMediaType") {
        content_format(map);
    }
    if map.contains_key("prefixItems") {
        prefix_items(map, place, warnings);
    }
    if map.contains_key("patternProperties") {
        pattern_properties(map, place, warnings);
    }
    if map.contains_key("if") || map.contains_key("then") || map.contains_key("else") {
        conditional(map, place, warnings);
    }
    for key in ["dependentRequired", "dependentSchemas"] {
        if map.remove(key).is_some() {
            warnings.warn(
                &place.pointer().push(key),
                format!("`{key}` only constrains which fields come together; not checked"),
            );
        }
    }
    if let Some(unevaluated) = map.remove("unevaluatedProperties") {
        if unevaluated.is_object() && !map.contains_key("additionalProperties") {
            // The schema of the fields not listed: a map beside them, as 3.0's
            // `additionalProperties` says.
            map.insert("additionalProperties".into(), unevaluated);
        } else {
            warnings.warn(
                &place.pointer().push("unevaluatedProperties"),
                "`unevaluatedProperties` does not change the type here (unknown fields are ignored when decoding); ignored",
            );
        }
    }
}

/// `{$ref, description, ...}`: 3.1 lets a reference carry its own
/// `description`/`summary` (and other keywords); 3.0 has them ignored. The
/// reference becomes the one part of an `allOf`, so the type stays the
/// referenced one and the field keeps its documentation.
fn ref_with_siblings(schema: &mut Value) {
    let Value::Object(map) = schema else {
        return;
    };
    if map.len() < 2 || !map.get("$ref").is_some_and(Value::is_string) {
        return;
    }
    let reference = map.remove("$ref").expect("checked above");
    if let Some(summary) = map.remove("summary")
        && !map.contains_key("title")
    {
        map.insert("title".into(), summary);
    }
    let mut part = Map::new();
    part.insert("$ref".into(), reference);
    map.insert("allOf".into(), Value::Array(vec![Value::Object(part)]));
}

/// Whether `alternatives` are all `{const: v}` (with a title or
/// description): an enum written with a name and documentation per value.
fn all_constants(alternatives: &Value) -> bool {
    let Some(alternatives) = alternatives.as_array() else {
        return false;
    };
    !alternatives.is_empty()
        && alternatives.iter().all(|a| {
            a.get("const").is_some_and(|c| !c.is_null())
                && a.as_object().is_some_and(|a| {
                    a.keys()
                        .all(|k| matches!(k.as_str(), "const" | "title" | "description" | "type" | "format"))
                })
        })
}

/// `oneOf: [{const: a}, {const: b}]` is `enum: [a, b]` (the values' own
/// docs are not kept).
fn constants(map: &mut Map<String, Value>, key: &str) {
    let Some(Value::Array(alternatives)) = map.remove(key) else {
        return;
    };
    let mut values: Vec<Value> = Vec::new();
    for mut alternative in alternatives {
        if let Some(value) = alternative.as_object_mut().and_then(|a| a.remove("const"))
            && !values.contains(&value)
        {
            values.push(value);
        }
    }
    if !map.contains_key("type") {
        let mut probe = Map::new();
        probe.insert("const".into(), values[0].clone());
        constant(&mut probe);
        if let Some(ty) = probe.remove("type") {
            map.insert("type".into(), ty);
        }
    }
    map.insert("enum".into(), Value::Array(values));
}

/// `const: v` is `enum: [v]`, with the type of `v` when none is given.
fn constant(map: &mut Map<String, Value>) {
    let value = map.remove("const").expect("checked by the caller");
    if !map.contains_key("type") {
        let ty = match &value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_f64() => "number",
            Value::Number(_) => "integer",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        map.insert("type".into(), Value::String(ty.into()));
    }
    map.insert("enum".into(), Value::Array(vec![value]));
}

/// `contentEncoding: base64` is 3.0's `format: byte` (bytes, written in the
/// standard alphabet); `base64url` stays text, since the runtime writes the
/// standard alphabet. Any other `contentMediaType` on a string with no
/// encoding is `format: binary`.
fn content_format(map: &mut Map<String, Value>) {
    let encoding = map.remove("contentEncoding");
    let media = map.remove("contentMediaType");
    if map.contains_key("format") {
        return;
    }
    let format = match (
        encoding.as_ref().and_then(Value::as_str),
        media.as_ref().and_then(Value::as_str),
    ) {
        (Some("base64"), _) => "byte",
        (None, Some(media)) if !media.starts_with("text/") && !media.contains("json") => "binary",
        _ => return,
    };
    map.insert("format".into(), Value::String(format.into()));
}

/// `prefixItems`: a tuple when the array has exactly that many items
/// (`items: false`, or `maxItems` no more than the list), else a list of
/// any JSON value.
fn prefix_items(map: &mut Map<String, Value>, place: &Place<'_>, warnings: &mut Warnings) {
    let Some(Value::Array(mut items)) = map.remove("prefixItems") else {
        warnings.warn(
            &place.pointer().push("prefixItems"),
            "`prefixItems` is not a list; ignored",
        );
        return;
    };
    let here = place.child(Key::Name("prefixItems"));
    for (index, item) in items.iter_mut().enumerate() {
        boolean_schema(item);
        tidy(item, &here.child(Key::Index(index)), true, warnings);
    }
    // `items: false` (or `{not: {}}`, as `schema` rewrote it): nothing after
    // the listed items. Read as a tuple of exactly them, as its author meant.
    let no_more = matches!(map.get("items"), Some(Value::Bool(false)))
        || map.get("items") == Some(&serde_json::json!({"not": {}}));
    let closed = no_more
        || map
            .get("maxItems")
            .and_then(Value::as_u64)
            .is_some_and(|max| max <= items.len() as u64);
    let complete = no_more
        || map
            .get("minItems")
            .and_then(Value::as_u64)
            .is_some_and(|min| min >= items.len() as u64);
    if closed && complete && !items.is_empty() {
        map.remove("items");
        map.insert("type".into(), Value::String("array".into()));
        map.insert(TUPLE.into(), Value::Array(items));
    } else {
        warnings.warn(
            &place.pointer().push("prefixItems"),
            "`prefixItems` of an array whose length is not fixed; read as an array of any JSON value",
        );
        if !map.contains_key("items") {
            map.insert("type".into(), Value::String("array".into()));
        }
    }
}

/// `patternProperties`: with one pattern and no `additionalProperties`, the
/// fields not listed are a map of the pattern's schema (the pattern itself
/// is not checked); otherwise ignored with a warning.
fn pattern_properties(map: &mut Map<String, Value>, place: &Place<'_>, warnings: &mut Warnings) {
    let patterns = map.remove("patternProperties");
    let at = place.pointer().push("patternProperties");
    match patterns {
        Some(Value::Object(patterns)) if patterns.len() == 1 && !map.contains_key("additionalProperties") => {
            let (_, mut schema) = patterns.into_iter().next().expect("one pattern");
            boolean_schema(&mut schema);
            map.insert("additionalProperties".into(), schema);
            if !map.contains_key("type") && !map.contains_key("allOf") {
                map.insert("type".into(), Value::String("object".into()));
            }
        }
        _ => warnings.warn(
            &at,
            "`patternProperties` with several patterns, or beside `additionalProperties`, does not give one value type; ignored",
        ),
    }
}

/// `if`/`then`/`else`: the condition is not checked; the properties the
/// branches add become optional fields.
fn conditional(map: &mut Map<String, Value>, place: &Place<'_>, warnings: &mut Warnings) {
    map.remove("if");
    let mut added = false;
    for key in ["then", "else"] {
        let Some(Value::Object(mut branch)) = map.remove(key) else {
            continue;
        };
        let Some(Value::Object(properties)) = branch.remove("properties") else {
            continue;
        };
        let own = map.entry("properties").or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(own) = own {
            for (name, schema) in properties {
                own.entry(name).or_insert(schema);
                added = true;
            }
        }
    }
    if added && !map.contains_key("type") && !map.contains_key("allOf") {
        map.insert("type".into(), Value::String("object".into()));
    }
    warnings.warn(
        &place.pointer().push("if"),
        "`if`/`then`/`else` is not checked; the properties of `then`/`else` are optional fields",
    );
}

/// `type` as a list. `[X, "null"]` is one type with `nullable`; several
/// types are the alternatives of a `oneOf` (an untagged enum), each with the
/// keywords that belong to its type.
pub(super) fn type_list(map: &mut Map<String, Value>, place: &Place<'_>, v31: bool, warnings: &mut Warnings) {
    let Some(Value::Array(types)) = map.remove("type") else {
        return;
    };
    let mut names: Vec<String> = Vec::new();
    for (index, entry) in types.iter().enumerate() {
        let name = match entry {
            Value::String(name) => name.as_str(),
            // `type: [string, false]`: a vendor's way to say the value may
            // be `false` (PHP's "no value"). Read as the boolean type, so
            // such a value decodes.
            Value::Bool(flag) => {
                warnings.warn(
                    &place.pointer().push("type").push(index.to_string()),
                    format!("`{flag}` in a `type` list is a value, not a type name; read as `boolean`"),
                );
                "boolean"
            }
            _ => continue,
        };
        if !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    let nullable = names.iter().any(|t| t == "null");
    names.retain(|t| t != "null");
    if !v31 {
        warnings.warn(
            &place.pointer().push("type"),
            "`type` is a list (OpenAPI 3.1); read as one type with `nullable`, or alternatives",
        );
    }
    match names.as_slice() {
        [] if nullable => {
            map.insert("type".into(), Value::String("null".into()));
        }
        [] => {}
        [single] => {
            map.insert("type".into(), Value::String(single.clone()));
        }
        several if !map.contains_key("oneOf") && !map.contains_key("anyOf") => {
            let alternatives = several.iter().map(|ty| Value::Object(alternative(map, ty))).collect();
            map.insert("oneOf".into(), Value::Array(alternatives));
            map.remove("enum");
            map.remove("format");
        }
        _ => {
            warnings.warn(
                &place.pointer().push("type"),
                "several types beside `oneOf`/`anyOf`; the type is left free",
            );
        }
    }
    if nullable && !names.is_empty() {
        map.insert("nullable".into(), Value::Bool(true));
    }
}

/// One alternative of a `type` list: the type, and the keywords of the
/// schema that belong to it (moved out of the schema).
fn alternative(map: &mut Map<String, Value>, ty: &str) -> Map<String, Value> {
    let keys: &[&str] = match ty {
        "array" => &["items", "minItems", "maxItems", "uniqueItems", TUPLE],
        "object" => &[
            "properties",
            "required",
            "additionalProperties",
            "minProperties",
            "maxProperties",
        ],
        "string" => &["minLength", "maxLength", "pattern"],
        "integer" | "number" => &[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
        ],
        _ => &[],
    };
    let mut out = Map::new();
    out.insert("type".into(), Value::String(ty.into()));
    for key in keys {
        if let Some(value) = map.remove(*key) {
            out.insert((*key).into(), value);
        }
    }
    // An enum keeps the values of this type; a format the type it fits.
    if let Some(Value::Array(values)) = map.get("enum") {
        let fitting: Vec<Value> = values.iter().filter(|v| fits(v, ty)).cloned().collect();
        if !fitting.is_empty() {
            out.insert("enum".into(), Value::Array(fitting));
        }
    }
    if let Some(format) = map.get("format").and_then(Value::as_str) {
        let numeric = matches!(format, "int32" | "int64" | "float" | "double" | "uint32" | "uint64");
        if numeric == matches!(ty, "integer" | "number") && ty != "boolean" {
            out.insert("format".into(), Value::String(format.into()));
        }
    }
    out
}

fn fits(value: &Value, ty: &str) -> bool {
    match ty {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    }
}

/// The value at `pointer` in the tidied tree. A `$ref` is written against the
/// spec as published, and [`type_list`] moves a schema's keywords into the
/// `oneOf` alternative of their type (`items` into the `array` one): where a
/// token is missing from a schema that has `oneOf` alternatives, the one
/// alternative holding it is followed. Returns where the value now is.
pub(crate) fn find<'v>(raw: &'v Value, pointer: &Pointer) -> Option<(Pointer, &'v Value)> {
    if let Some(value) = raw.pointer(pointer.as_str()) {
        return Some((pointer.clone(), value));
    }
    let mut at = Pointer::root();
    let mut value = raw;
    for token in pointer.as_str().split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        let next = match value {
            Value::Object(map) => map.get(&token).map(|v| (at.push(&token), v)).or_else(|| {
                let alternatives = map.get("oneOf")?.as_array()?;
                alternatives.iter().enumerate().find_map(|(index, alternative)| {
                    let moved = alternative.get(&token)?;
                    Some((at.push("oneOf").push(index.to_string()).push(&token), moved))
                })
            }),
            Value::Array(items) => token
                .parse::<usize>()
                .ok()
                .and_then(|index| items.get(index))
                .map(|v| (at.push(&token), v)),
            _ => None,
        };
        (at, value) = next?;
    }
    Some((at, value))
}
