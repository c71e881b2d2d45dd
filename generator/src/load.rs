//! The loader: spec text (YAML or JSON) to an `openapiv3::OpenAPI` document.
//!
//! This is the only module that knows about `serde_yaml` (archived upstream):
//! replacing it with a maintained fork is a change to this file alone.
//!
//! Real specs are often not quite OpenAPI 3.0. Before the typed parse, the
//! raw tree is tidied in the few ways that keep the meaning obvious (a string
//! `"false"` where a boolean belongs, 3.1's `type: [X, "null"]`, a numeric
//! `exclusiveMinimum`, integer bounds beyond `i64`); each repair is a warning
//! naming its place.
//!
//! OpenAPI 3.1 is read by mapping it onto 3.0 here (`oas31.rs`), and the
//! faults vendors' specs commonly have are repaired here (`repair.rs`); see
//! ARCHITECTURE.md for why, and for what of 3.1 is mapped and what skipped.

mod halves;
mod oas31;
mod repair;

pub(crate) use oas31::{TUPLE, find};

use crate::error::{Error, Pointer, Warnings};
use serde_json::{Map, Value};

/// An extension the loader adds to integer schemas whose bounds do not fit
/// `i64`, so the type mapping can pick a wider type: `"u64"` or `"i128"`.
pub(crate) const WIDE_INTEGER: &str = "x-generator-wide-integer";

/// A parsed spec: the typed document, and the same document as a JSON tree
/// (for `$ref`s that point outside `components`).
pub(crate) struct Document {
    pub api: openapiv3::OpenAPI,
    pub raw: Value,
}

/// Parse a spec. JSON is recognised by its first non-blank character.
pub(crate) fn parse(text: &str, limits: &crate::Limits, warnings: &mut Warnings) -> Result<Document, Error> {
    let mut raw = parse_tree(text)?;
    crate::limits::check_document_depth(&raw, limits)?;
    check_version(&raw)?;
    let v31 = oas31::is_v31(&raw);
    if v31 {
        oas31::document(&mut raw, warnings);
    }
    repair::document(&mut raw, warnings);
    tidy(&mut raw, &Place::ROOT, v31, warnings);
    // Only a document that fails is read again, tracking the path.
    let api = match typed(&mut raw, limits) {
        Some(api) => api,
        None => {
            let err = serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&raw).err();
            // `openapiv3` flattens maps and uses untagged enums, which hide the
            // position of an error; look for the innermost part that fails.
            return Err(match (locate(&raw, &Pointer::root(), Part::Document), err) {
                (Some((at, message)), _) => Error::invalid(&at, message),
                (None, Some(err)) => Error::invalid(&path_to_pointer(err.path()), err.into_inner().to_string()),
                (None, None) => Error::invalid(&Pointer::root(), "not an OpenAPI document"),
            });
        }
    };
    Ok(Document { api, raw })
}

/// The typed document, or `None` when it does not deserialize. Read
/// without tracking the path (tracking it costs about a third of the typed
/// read); a large document is read on two threads (`read_beside`), its
/// `components` and the items of its `paths` taken out of the tree for the
/// read and put back after (lowering reads the tree too).
///
/// The second thread has the standard library's stack (2 MiB), which the
/// default `max_depth` fits (as a test thread does); a caller who raises
/// the limit gives its own thread the stack for it, so then all is read here.
fn typed(raw: &mut Value, limits: &crate::Limits) -> Option<openapiv3::OpenAPI> {
    use serde::Deserialize;
    const SPLIT_FROM: usize = 16;
    let large = raw
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_object)
        .is_some_and(|schemas| schemas.len() >= SPLIT_FROM)
        && crate::threads::cores() > 1
        && limits.max_depth <= crate::Limits::default().max_depth;
    let components = match raw.get_mut("components") {
        Some(components) if large => std::mem::take(components),
        _ => return openapiv3::OpenAPI::deserialize(&*raw).ok(),
    };
    let paths = match raw.get_mut("paths") {
        Some(Value::Object(paths)) => std::mem::take(paths),
        _ => Map::new(),
    };
    let api = read_beside(raw, &components, &paths);
    if let Some(Value::Object(slot)) = raw.get_mut("paths") {
        *slot = paths;
    }
    if let Some(slot) = raw.get_mut("components") {
        *slot = components;
    }
    api
}

/// A document read on two threads: here the document without its
/// `components` and the items of its `paths` (`rest`: little to read), on
/// the other thread `components`; then each thread reads the path items, one
/// at a time, each taking the next one not yet taken, so that neither waits
/// for the other at the end. The paths are the same as `openapiv3::Paths`
/// reads them: the items of the keys that start with `/`, in order, and the
/// extensions (`x-`); any other key is left out.
fn read_beside(rest: &Value, components: &Value, paths: &Map<String, Value>) -> Option<openapiv3::OpenAPI> {
    use openapiv3::{PathItem, ReferenceOr};
    use serde::Deserialize;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let items: Vec<(&String, &Value)> = paths.iter().filter(|(key, _)| key.starts_with('/')).collect();
    let next = AtomicUsize::new(0);
    let read_items = || -> Option<Vec<(usize, ReferenceOr<PathItem>)>> {
        let mut read = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some((_, item)) = items.get(index) else {
                break Some(read);
            };
            read.push((index, ReferenceOr::<PathItem>::deserialize(*item).ok()?));
        }
    };
    let (here, beside) = std::thread::scope(|scope| {
        let beside = crate::threads::spawn_beside(scope, || {
            let components = openapiv3::Components::deserialize(components).ok();
            (components, read_items())
        });
        let api = openapiv3::OpenAPI::deserialize(rest).ok();
        let here = api.zip(read_items());
        (here, crate::threads::join(beside).ok())
    });
    let (mut api, mut read) = here?;
    let (components, more) = beside?;
    api.components = Some(components?);
    read.extend(more?);
    read.sort_unstable_by_key(|(index, _)| *index);
    api.paths.paths = read
        .into_iter()
        .map(|(index, item)| (items[index].0.clone(), item))
        .collect();
    api.paths.extensions = paths
        .iter()
        .filter(|(key, _)| key.starts_with("x-"))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    Some(api)
}

/// The parts of an OpenAPI document that `locate` knows how to descend.
#[derive(Clone, Copy)]
enum Part {
    Document,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    Schema,
    SecurityScheme,
}

/// The innermost part of `value` (a `part`) that does not deserialize, and why.
fn locate(value: &Value, at: &Pointer, part: Part) -> Option<(Pointer, String)> {
    if value.get("$ref").is_some_and(Value::is_string) {
        return None;
    }
    let child = |key: &str, part: Part| value.get(key).and_then(|v| locate(v, &at.push(key), part));
    let each = |key: &str, part: Part| -> Option<(Pointer, String)> {
        let here = at.push(key);
        // Lists are lists, maps are maps; a wrong container is the part's own error.
        let list = matches!(key, "parameters" | "allOf" | "oneOf" | "anyOf");
        match value.get(key)? {
            Value::Object(map) if !list => map.iter().find_map(|(k, v)| locate(v, &here.push(k), part)),
            Value::Array(items) if list => items
                .iter()
                .enumerate()
                .find_map(|(i, v)| locate(v, &here.push(i.to_string()), part)),
            _ => None,
        }
    };
    let content_schemas = || -> Option<(Pointer, String)> {
        let here = at.push("content");
        value.get("content")?.as_object()?.iter().find_map(|(media, v)| {
            v.get("schema")
                .and_then(|s| locate(s, &here.push(media).push("schema"), Part::Schema))
        })
    };
    let inner = match part {
        Part::Document => each("paths", Part::PathItem).or_else(|| {
            let components = value.get("components")?;
            let here = at.push("components");
            let kinds = [
                ("schemas", Part::Schema),
                ("parameters", Part::Parameter),
                ("requestBodies", Part::RequestBody),
                ("responses", Part::Response),
                ("securitySchemes", Part::SecurityScheme),
            ];
            kinds.iter().find_map(|(key, part)| {
                let map = components.get(*key)?.as_object()?;
                map.iter().find_map(|(k, v)| locate(v, &here.push(key).push(k), *part))
            })
        }),
        Part::PathItem => ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
            .iter()
            .find_map(|m| child(m, Part::Operation))
            .or_else(|| each("parameters", Part::Parameter)),
        Part::Operation => each("parameters", Part::Parameter)
            .or_else(|| child("requestBody", Part::RequestBody))
            .or_else(|| each("responses", Part::Response)),
        Part::Parameter => child("schema", Part::Schema),
        Part::RequestBody | Part::Response => content_schemas(),
        Part::Schema => ["items", "additionalProperties", "not"]
            .iter()
            .find_map(|k| child(k, Part::Schema).filter(|_| value.get(*k).is_some_and(Value::is_object)))
            .or_else(|| each("properties", Part::Schema))
            .or_else(|| each("allOf", Part::Schema))
            .or_else(|| each("oneOf", Part::Schema))
            .or_else(|| each("anyOf", Part::Schema)),
        Part::SecurityScheme => None,
    };
    if inner.is_some() {
        return inner;
    }
    match part {
        Part::Document => check::<openapiv3::OpenAPI>(value, at),
        Part::PathItem => check::<openapiv3::PathItem>(value, at),
        Part::Operation => check::<openapiv3::Operation>(value, at),
        Part::Parameter => check::<openapiv3::Parameter>(value, at),
        Part::RequestBody => check::<openapiv3::RequestBody>(value, at),
        Part::Response => check::<openapiv3::Response>(value, at),
        Part::Schema => check::<openapiv3::Schema>(value, at),
        Part::SecurityScheme => check::<openapiv3::SecurityScheme>(value, at),
    }
}

/// Whether `value` is a `T`; if not, the innermost field serde can name.
fn check<T: serde::de::DeserializeOwned>(value: &Value, at: &Pointer) -> Option<(Pointer, String)> {
    let err = serde_path_to_error::deserialize::<_, T>(value).err()?;
    let inner = path_to_pointer(err.path());
    let at = Pointer::from_ref(&format!("#{}{}", at.as_str(), inner.as_str())).unwrap_or_default();
    Some((at, err.into_inner().to_string()))
}

/// YAML or JSON text to an untyped tree.
pub(crate) fn parse_tree(text: &str) -> Result<Value, Error> {
    if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|err| Error::Syntax {
            line: Some(err.line()),
            column: Some(err.column()),
            message: format!("invalid JSON: {err}"),
        })
    } else {
        if let Some(tree) = halves::read(text, read_yaml) {
            return Ok(tree);
        }
        read_yaml(text).map_err(|err| {
            let location = err.location();
            Error::Syntax {
                line: location.as_ref().map(|l| l.line()),
                column: location.as_ref().map(|l| l.column()),
                message: format!("invalid YAML: {err}"),
            }
        })
    }
}

/// A YAML document as a JSON tree (see [`Tree`]).
fn read_yaml(text: &str) -> Result<Value, serde_yaml::Error> {
    serde_yaml::from_str::<Tree>(text).map(|tree| tree.0)
}

fn check_version(raw: &Value) -> Result<(), Error> {
    let root = Pointer::root();
    let Some(object) = raw.as_object() else {
        return Err(Error::invalid(&root, "the document is not a mapping"));
    };
    if object.contains_key("swagger") {
        return Err(Error::invalid(
            &root.push("swagger"),
            "Swagger 2.0 documents are not supported; convert to OpenAPI 3.0 first",
        ));
    }
    match object.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.") => Ok(()),
        Some(other) => Err(Error::invalid(
            &root.push("openapi"),
            format!("expected an OpenAPI 3.x version string, found {other}"),
        )),
        None => Err(Error::invalid(&root, "missing the `openapi` version field")),
    }
}

/// A JSON tree read from YAML, leniently: integers beyond 64 bits become
/// floats (JSON numbers cannot hold them), non-string keys (`200:`) become
/// strings, and non-finite floats become `null`.
struct Tree(Value);

impl<'de> serde::Deserialize<'de> for Tree {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TreeVisitor).map(Tree)
    }
}

struct TreeVisitor;

impl<'de> serde::de::Visitor<'de> for TreeVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map(Value::from).unwrap_or_else(|_| float(v as f64)))
    }

    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(u64::try_from(v).map(Value::from).unwrap_or_else(|_| float(v as f64)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(Tree(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(Tree(key)) = map.next_key()? {
            let key = match key {
                Value::String(key) => key,
                Value::Null => "null".to_owned(),
                other => other.to_string(),
            };
            let Tree(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

fn float(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// Keys whose value is a boolean in OpenAPI 3.0 wherever they are keywords.
const BOOLEAN_KEYWORDS: &[&str] = &[
    "nullable",
    "readOnly",
    "writeOnly",
    "deprecated",
    "explode",
    "allowReserved",
    "allowEmptyValue",
    "uniqueItems",
    "required",
    "exclusiveMinimum",
    "exclusiveMaximum",
];

/// Keys whose values are data or vendor extensions, not spec structure.
fn is_data_key(key: &str) -> bool {
    matches!(key, "example" | "examples" | "default" | "enum" | "const") || key.starts_with("x-")
}

/// Where `tidy` is in the tree: a chain of keys on the stack, turned into a
/// [`Pointer`] only when there is something to say (most nodes need none).
struct Place<'a> {
    parent: Option<&'a Place<'a>>,
    key: Key<'a>,
}

enum Key<'a> {
    Root,
    Name(&'a str),
    Index(usize),
}

impl<'a> Place<'a> {
    const ROOT: Place<'static> = Place {
        parent: None,
        key: Key::Root,
    };

    fn child(&'a self, key: Key<'a>) -> Place<'a> {
        Place {
            parent: Some(self),
            key,
        }
    }

    fn pointer(&self) -> Pointer {
        let parent = self.parent.map_or_else(Pointer::root, Place::pointer);
        match self.key {
            Key::Root => parent,
            Key::Name(name) => parent.push(name),
            Key::Index(index) => parent.push(index.to_string()),
        }
    }

    /// Whether the keys of the map here are names (of properties, schemas),
    /// not keywords: a property called `default` is a schema, not data.
    fn holds_names(&self) -> bool {
        matches!(
            self.key,
            Key::Name("properties" | "patternProperties" | "$defs" | "definitions" | "schemas" | "dependentSchemas")
        ) && !self.parent.is_some_and(Place::holds_names)
    }

    /// The name of the key here, if it is one.
    fn name(&self) -> Option<&str> {
        match self.key {
            Key::Name(name) => Some(name),
            _ => None,
        }
    }
}

/// Tidy the tree in place; `v31`: the document says it is OpenAPI 3.1.
fn tidy(value: &mut Value, at: &Place<'_>, v31: bool, warnings: &mut Warnings) {
    if let Value::Array(items) = value {
        for (index, item) in items.iter_mut().enumerate() {
            tidy(item, &at.child(Key::Index(index)), v31, warnings);
        }
        // A parameter behind an unreadable external `$ref` was left out.
        if at.name() == Some("parameters") {
            items.retain(|item| !item.is_null());
        }
        return;
    }
    // A map of names (`properties`) is no schema: its keys are not keywords.
    let names = at.holds_names();
    if !names {
        let Some(map) = value.as_object() else {
            return;
        };
        let keys = Keys::scan(map);
        if keys.reference && repair::external_ref(value, at, warnings) {
            return;
        }
        if let Value::Object(map) = value {
            tidy_object(map, keys, at, v31, warnings);
        }
    }
    if let Value::Object(map) = value {
        for (key, child) in map.iter_mut() {
            if names || !is_data_key(key) {
                tidy(child, &at.child(Key::Name(key)), v31, warnings);
            }
        }
    }
}

/// Which of the keys the tidy steps read an object has: one pass over its
/// (few) keys rather than a lookup per step, since most objects need none.
#[derive(Clone, Copy, Default)]
struct Keys {
    boolean: bool,
    type_: bool,
    properties: bool,
    required: bool,
    exclusive: bool,
    reference: bool,
}

impl Keys {
    fn scan(map: &Map<String, Value>) -> Keys {
        let mut keys = Keys::default();
        for key in map.keys() {
            match key.as_str() {
                "type" => keys.type_ = true,
                "properties" => keys.properties = true,
                "$ref" => keys.reference = true,
                "required" => {
                    keys.required = true;
                    keys.boolean = true;
                }
                "exclusiveMinimum" | "exclusiveMaximum" => {
                    keys.exclusive = true;
                    keys.boolean = true;
                }
                "nullable" | "readOnly" | "writeOnly" | "deprecated" | "explode" | "allowReserved"
                | "allowEmptyValue" | "uniqueItems" => keys.boolean = true,
                _ => {}
            }
        }
        keys
    }
}

fn tidy_object(map: &mut Map<String, Value>, mut keys: Keys, place: &Place<'_>, v31: bool, warnings: &mut Warnings) {
    if keys.boolean {
        string_booleans(map, place, warnings);
    }
    if keys.properties || keys.required {
        repair::property_required(map, place, warnings);
    }
    if v31 {
        oas31::schema(map, place, warnings);
        keys = Keys::scan(map);
    }
    if !keys.type_ && !keys.exclusive {
        return;
    }
    repair::type_name(map, place, warnings);
    // OpenAPI 3.1 / JSON Schema: `type: [X, "null"]`, `type: [X, Y]`.
    if matches!(map.get("type"), Some(Value::Array(_))) {
        oas31::type_list(map, place, v31, warnings);
    }

    // OpenAPI 3.1 / JSON Schema: numeric `exclusiveMinimum`/`exclusiveMaximum`.
    for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(Value::Number(n)) = map.get(exclusive) {
            let n = n.clone();
            if !v31 {
                warnings.warn(
                    &place.pointer().push(exclusive),
                    format!("`{exclusive}` is a number (OpenAPI 3.1); read as `{bound}` with `{exclusive}: true`"),
                );
            }
            map.insert(bound.into(), Value::Number(n));
            map.insert(exclusive.into(), Value::Bool(true));
        }
    }

    if map.get("type").and_then(Value::as_str) == Some("integer") {
        tidy_integer_bounds(map, place, warnings);
    }
}

/// `"true"`/`"false"` where a boolean keyword belongs.
fn string_booleans(map: &mut Map<String, Value>, place: &Place<'_>, warnings: &mut Warnings) {
    for key in BOOLEAN_KEYWORDS {
        let Some(Value::String(text)) = map.get(*key) else {
            continue;
        };
        let flag = match text.trim() {
            "true" => true,
            "false" => false,
            _ => continue,
        };
        warnings.warn(
            &place.pointer().push(key),
            format!("`{key}` is the string \"{text}\"; read as the boolean {flag}"),
        );
        map.insert((*key).to_owned(), Value::Bool(flag));
    }
}

/// `openapiv3` keeps integer bounds as `i64`; wider or fractional bounds are
/// moved out of its way, and a wide bound is remembered in [`WIDE_INTEGER`].
fn tidy_integer_bounds(map: &mut Map<String, Value>, place: &Place<'_>, warnings: &mut Warnings) {
    let mut wide = None;
    for key in ["minimum", "maximum", "multipleOf"] {
        let Some(Value::Number(n)) = map.get(key) else {
            continue;
        };
        if n.is_i64() {
            continue;
        }
        if n.is_u64() {
            wide = Some("u64");
        } else if n.as_f64().is_some_and(|f| f.fract() == 0.0 && f.abs() >= 9.2e18) {
            wide = Some("i128");
        } else {
            warnings.warn(
                &place.pointer().push(key),
                format!("`{key}` of an integer is not an integer; ignored"),
            );
        }
        map.remove(key);
    }
    if let Some(kind) = wide {
        if kind == "u64" && map.get("minimum").and_then(Value::as_i64).is_some_and(|m| m < 0) {
            map.insert(WIDE_INTEGER.into(), Value::String("i128".into()));
        } else {
            map.insert(WIDE_INTEGER.into(), Value::String(kind.into()));
        }
    }
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> Pointer {
    use serde_path_to_error::Segment;
    path.iter().fold(Pointer::root(), |at, segment| match segment {
        Segment::Seq { index } => at.push(index.to_string()),
        Segment::Map { key } => at.push(key),
        Segment::Enum { variant } => at.push(variant),
        Segment::Unknown => at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> (Result<openapiv3::OpenAPI, Error>, Vec<String>) {
        let mut warnings = Warnings::default();
        let result = parse(text, &crate::Limits::default(), &mut warnings).map(|doc| doc.api);
        let warnings = warnings.into_vec().iter().map(ToString::to_string).collect();
        (result, warnings)
    }

    #[test]
    fn components_read_apart_give_the_same_document() {
        for spec in [
            include_str!("../../specs/openremote.yaml"),
            include_str!("../../specs/vrm.yaml"),
        ] {
            let mut raw = parse_tree(spec).expect("our spec reads");
            let whole = <openapiv3::OpenAPI as serde::Deserialize>::deserialize(&raw).expect("a document");
            let before = raw.clone();
            assert_eq!(typed(&mut raw, &crate::Limits::default()), Some(whole));
            assert_eq!(raw, before, "the tree is put back as it was");
        }
        // The paths as `openapiv3::Paths` reads them: extensions kept, other
        // keys left out, and one path item that fails fails the document.
        let mut raw = parse_tree(include_str!("../../specs/openremote.yaml")).expect("our spec reads");
        let paths = raw["paths"].as_object_mut().expect("paths");
        paths.insert("x-note".into(), serde_json::json!({"a": [1]}));
        paths.insert("not-a-path".into(), serde_json::json!(1));
        let whole = <openapiv3::OpenAPI as serde::Deserialize>::deserialize(&raw).expect("a document");
        assert_eq!(whole.paths.extensions.len(), 1);
        assert_eq!(typed(&mut raw, &crate::Limits::default()), Some(whole));
        raw["paths"]["/bad"] = serde_json::json!({"get": 5});
        assert!(<openapiv3::OpenAPI as serde::Deserialize>::deserialize(&raw).is_err());
        assert_eq!(typed(&mut raw, &crate::Limits::default()), None);
    }

    #[test]
    fn yaml_syntax_error_names_the_line() {
        let (result, _) = load("openapi: 3.0.0\ninfo: [unclosed\n");
        let err = result.unwrap_err();
        assert!(matches!(err, Error::Syntax { line: Some(_), .. }), "{err:?}");
        assert!(err.to_string().contains("line"), "{err}");
    }

    #[test]
    fn json_syntax_error_names_line_and_column() {
        let (result, _) = load("{\n  \"openapi\": \"3.0.0\",\n  \"info\": }\n");
        let err = result.unwrap_err();
        assert!(
            matches!(
                err,
                Error::Syntax {
                    line: Some(3),
                    column: Some(_),
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn wrong_type_names_the_pointer() {
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 7\n";
        let (result, _) = load(spec);
        let err = result.unwrap_err();
        assert_eq!(
            err.pointer().map(Pointer::as_str),
            Some("/paths/~1a/get/responses"),
            "{err}"
        );
    }

    #[test]
    fn swagger_two_is_refused_by_name() {
        let (result, _) = load("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n");
        assert!(result.unwrap_err().to_string().contains("Swagger 2.0"));
    }

    #[test]
    fn string_booleans_are_read_as_booleans_with_a_warning() {
        let spec = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        x: {type: string, readOnly: 'false'}\n";
        let (result, warnings) = load(spec);
        assert!(result.is_ok(), "{result:?}");
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].starts_with("at #/components/schemas/A/properties/x/readOnly"));
    }

    #[test]
    fn wide_integer_bounds_are_kept_as_an_extension() {
        let spec = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Big: {type: integer, minimum: 0, maximum: 18446744073709551615}\n";
        let (result, _) = load(spec);
        let doc = result.unwrap();
        let schema = doc.components.unwrap().schemas["Big"].clone().into_item().unwrap();
        assert_eq!(schema.schema_data.extensions[WIDE_INTEGER], "u64");
    }
}
