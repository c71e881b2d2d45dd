//! Values in doc examples, written as Rust: a model through its constructor
//! and `with_` setters (see `types::struct_methods`), an enum by its
//! variant, a list as `vec![..]`, from the spec's example where it has one
//! and from placeholders where it does not. Method docs, the README's
//! "Testing your code" example and the crate's front page use them, so no
//! example builds a body from a JSON string.

use crate::model::{Api, TypeKind, TypeRef};
use crate::naming;
use serde_json::Value;

/// How deep an example follows nested models before it stops at an empty
/// value (a recursive schema would otherwise never end).
const MAX_DEPTH: usize = 6;

/// The Rust expression of a value of type `ty`: `example` where the spec
/// gives one, else a placeholder (`placeholder` for text). `into` is true
/// where the expression is passed as `impl Into<String>`, so text can be a
/// bare literal.
pub(crate) fn value(api: &Api, ty: &TypeRef, example: Option<&Value>, placeholder: &str, crate_ident: &str) -> String {
    Writer { api, crate_ident }.value(ty, example, placeholder, true, 0)
}

/// As [`value`], laid out over several lines as rustfmt would when long
/// (a chain of `with_` calls one a line, long argument lists one a line),
/// for a `let` statement.
pub(crate) fn statement_value(
    api: &Api,
    ty: &TypeRef,
    example: Option<&Value>,
    placeholder: &str,
    crate_ident: &str,
) -> String {
    layout(&value(api, ty, example, placeholder, crate_ident), 0)
}

/// The widest line [`layout`] leaves on one line (from its indent on).
const WIDTH: usize = 80;

/// `text`, an expression, broken over lines where it is wider than
/// [`WIDTH`] at `indent`.
fn layout(text: &str, indent: usize) -> String {
    if indent + text.len() <= WIDTH {
        return text.to_owned();
    }
    let pad = " ".repeat(indent + 4);
    // A chain of setters: one call a line.
    let calls = split_top_level(text, |rest| rest.starts_with(".with_"));
    if calls.len() > 1 {
        let mut out = layout(calls[0], indent);
        for call in &calls[1..] {
            out.push('\n');
            out.push_str(&pad);
            out.push_str(&layout(call, indent + 4));
        }
        return out;
    }
    // A call or `vec![..]` whose arguments are too long: one a line.
    let Some(close) = text.chars().last().filter(|c| matches!(c, ')' | ']')) else {
        return text.to_owned();
    };
    let Some(open) = matching_open(text) else {
        return text.to_owned();
    };
    let inner = &text[open + 1..text.len() - 1];
    let args = split_top_level(inner, |rest| rest.starts_with(','));
    let mut out = text[..=open].to_owned();
    for arg in args {
        let arg = arg.trim_start_matches(',').trim();
        if arg.is_empty() {
            continue;
        }
        out.push('\n');
        out.push_str(&pad);
        out.push_str(&layout(arg, indent + 4));
        out.push(',');
    }
    out.push('\n');
    out.push_str(&" ".repeat(indent));
    out.push(close);
    out
}

/// `text` cut before every place at bracket depth 0, outside string
/// literals, where `at` holds for the rest of the text.
fn split_top_level(text: &str, at: impl Fn(&str) -> bool) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut depth = 0usize;
    for (index, c) in code_chars(text) {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ if depth == 0 && index > start && at(&text[index..]) => {
                parts.push(&text[start..index]);
                start = index;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Where the bracket that the last character of `text` closes opens.
fn matching_open(text: &str) -> Option<usize> {
    let mut stack = Vec::new();
    for (index, c) in code_chars(text) {
        match c {
            '(' | '[' | '{' => stack.push(index),
            ')' | ']' | '}' => {
                let open = stack.pop()?;
                if index + c.len_utf8() == text.len() {
                    return Some(open);
                }
            }
            _ => {}
        }
    }
    None
}

/// The characters of `text` (with their byte index) outside its string
/// literals, quotes included in the literal.
fn code_chars(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut in_string = false;
    let mut escaped = false;
    text.char_indices().filter(move |&(_, c)| {
        if in_string {
            in_string = c != '"' || escaped;
            escaped = c == '\\' && !escaped;
            return false;
        }
        in_string = c == '"';
        !in_string
    })
}

struct Writer<'a> {
    api: &'a Api,
    crate_ident: &'a str,
}

impl Writer<'_> {
    fn value(&self, ty: &TypeRef, example: Option<&Value>, placeholder: &str, into: bool, depth: usize) -> String {
        let example = example.filter(|e| !e.is_null());
        // Only a field or argument of type `String` itself takes `impl Into<String>`.
        let into = into && *ty == TypeRef::String;
        match self.api.unalias(ty) {
            TypeRef::String => {
                let text = match example {
                    Some(Value::String(text)) => text.clone(),
                    Some(other) => other.to_string(),
                    None => placeholder.to_owned(),
                };
                if into {
                    format!("{text:?}")
                } else {
                    format!("{text:?}.to_owned()")
                }
            }
            TypeRef::Bool => example.and_then(Value::as_bool).unwrap_or(true).to_string(),
            TypeRef::I32 | TypeRef::I64 | TypeRef::I128 => example
                .and_then(Value::as_i64)
                .map_or_else(|| "1".to_owned(), |n| n.to_string()),
            TypeRef::U32 | TypeRef::U64 => example
                .and_then(Value::as_u64)
                .map_or_else(|| "1".to_owned(), |n| n.to_string()),
            TypeRef::F32 | TypeRef::F64 => {
                let n = example.and_then(Value::as_f64).unwrap_or(1.0);
                if n.fract() == 0.0 && n.abs() < 1e15 {
                    format!("{n:.1}")
                } else {
                    n.to_string()
                }
            }
            TypeRef::Bytes | TypeRef::Base64 => "b\"...\".to_vec()".to_owned(),
            TypeRef::Value => match example {
                Some(example) => json_value(example),
                None => "serde_json::Value::Null".to_owned(),
            },
            TypeRef::Object => match example {
                Some(example @ Value::Object(_)) => {
                    format!("{}.as_object().cloned().unwrap_or_default()", json_value(example))
                }
                _ => "serde_json::Map::new()".to_owned(),
            },
            TypeRef::Vec(inner) => match example {
                Some(Value::Array(items)) if !items.is_empty() && depth < MAX_DEPTH => {
                    let items: Vec<String> = items
                        .iter()
                        .take(2)
                        .map(|item| self.value(inner, Some(item), placeholder, false, depth + 1))
                        .collect();
                    format!("vec![{}]", items.join(", "))
                }
                _ => "Vec::new()".to_owned(),
            },
            TypeRef::Map(inner) => match example {
                Some(Value::Object(members)) if !members.is_empty() && depth < MAX_DEPTH => {
                    let entries: Vec<String> = members
                        .iter()
                        .take(2)
                        .map(|(key, item)| {
                            format!(
                                "({key:?}.to_owned(), {})",
                                self.value(inner, Some(item), key, false, depth + 1)
                            )
                        })
                        .collect();
                    format!("std::collections::BTreeMap::from([{}])", entries.join(", "))
                }
                _ => "std::collections::BTreeMap::new()".to_owned(),
            },
            TypeRef::Option(inner) => format!("Some({})", self.value(inner, example, placeholder, false, depth)),
            TypeRef::Box(inner) => format!("Box::new({})", self.value(inner, example, placeholder, false, depth)),
            TypeRef::Tuple(items) => {
                let values: Vec<String> = items
                    .iter()
                    .enumerate()
                    .map(|(at, item)| {
                        let example = example.and_then(|e| e.get(at));
                        self.value(item, example, placeholder, false, depth + 1)
                    })
                    .collect();
                format!("({},)", values.join(", "))
            }
            TypeRef::Unit => "()".to_owned(),
            TypeRef::Named(name) => self.named(name, example, placeholder, depth),
        }
    }

    fn named(&self, name: &str, example: Option<&Value>, placeholder: &str, depth: usize) -> String {
        let path = format!("{}::types::{name}", self.crate_ident);
        let Some(def) = self.api.type_def(name) else {
            return "Default::default()".to_owned();
        };
        match &def.kind {
            TypeKind::Alias(target) => self.value(target, example, placeholder, false, depth),
            TypeKind::Enum { variants, unknown } => {
                let wire = example.and_then(Value::as_str);
                match variants
                    .iter()
                    .find(|v| Some(v.wire.as_str()) == wire)
                    .or(variants.first())
                {
                    Some(variant) => format!("{path}::{}", naming::escape(&variant.name)),
                    None => format!("{path}::{}(String::new())", naming::escape(unknown)),
                }
            }
            TypeKind::Struct { fields, .. } => {
                if depth >= MAX_DEPTH && fields.iter().any(|f| !f.ty.is_option()) {
                    // Deep enough (a recursive schema): a value read from JSON.
                    return "serde_json::from_str(\"{}\")?".to_owned();
                }
                let members = example.and_then(Value::as_object);
                let mut args = Vec::new();
                let mut setters = String::new();
                for field in fields {
                    let given = members.and_then(|m| m.get(&field.wire));
                    // Constructors and setters box a boxed field themselves.
                    let unboxed = |ty: &'_ TypeRef| match ty {
                        TypeRef::Box(inner) => inner.as_ref().clone(),
                        other => other.clone(),
                    };
                    match &field.ty {
                        TypeRef::Option(inner) => {
                            let inner = &unboxed(inner);
                            if let Some(given) = given.filter(|g| !g.is_null()) {
                                let value = self.value(inner, Some(given), &field.wire, true, depth + 1);
                                setters.push_str(&format!(".{}({value})", naming::setter(&field.name)));
                            }
                        }
                        ty => args.push(self.value(&unboxed(ty), given, &field.wire, true, depth + 1)),
                    }
                }
                format!("{path}::new({}){setters}", args.join(", "))
            }
            TypeKind::Union { variants, tag, .. } => {
                let chosen = match tag {
                    Some(tag) => {
                        let value = example.and_then(|e| e.get(tag)).and_then(Value::as_str);
                        variants
                            .iter()
                            .find(|v| v.tag_values.iter().any(|t| Some(t.as_str()) == value))
                    }
                    None => example.and_then(|e| variants.iter().find(|v| self.fits(&v.ty, e))),
                };
                let Some(variant) = chosen.or(variants.first()) else {
                    return "Default::default()".to_owned();
                };
                // No example: one that selects the variant by its tag.
                let synthesized;
                let example = match (example, tag, variant.tag_values.first()) {
                    (None, Some(tag), Some(value)) => {
                        synthesized = serde_json::json!({ tag.as_str(): value });
                        Some(&synthesized)
                    }
                    _ => example,
                };
                let inner = self.value(&variant.ty, example, placeholder, false, depth + 1);
                format!("{path}::{}({inner})", naming::escape(&variant.name))
            }
        }
    }

    /// Whether a JSON value could be of type `ty` (to pick the variant of
    /// an untagged union an example is written for).
    fn fits(&self, ty: &TypeRef, value: &Value) -> bool {
        match (self.api.unalias(ty), value) {
            (TypeRef::String, Value::String(_)) | (TypeRef::Bool, Value::Bool(_)) | (TypeRef::Value, _) => true,
            (TypeRef::I32 | TypeRef::I64 | TypeRef::I128, Value::Number(n)) => n.is_i64(),
            (TypeRef::U32 | TypeRef::U64, Value::Number(n)) => n.is_u64(),
            (TypeRef::F32 | TypeRef::F64, Value::Number(_)) => true,
            (TypeRef::Vec(_) | TypeRef::Tuple(_), Value::Array(_)) => true,
            (TypeRef::Map(_) | TypeRef::Object, Value::Object(_)) => true,
            (TypeRef::Box(inner), value) => self.fits(inner, value),
            (TypeRef::Named(name), value) => match self.api.type_def(name).map(|d| &d.kind) {
                Some(TypeKind::Enum { .. }) => value.is_string(),
                Some(TypeKind::Struct { .. }) => value.is_object(),
                Some(TypeKind::Union { variants, .. }) => variants.iter().any(|v| self.fits(&v.ty, value)),
                Some(TypeKind::Alias(target)) => self.fits(target, value),
                None => false,
            },
            _ => false,
        }
    }
}

/// A free JSON value as `serde_json::json!(..)`: its JSON text is the
/// macro's input, but for escapes JSON and Rust write differently
/// (`\u0001`), read from a raw string instead.
fn json_value(value: &Value) -> String {
    let text = value.to_string();
    if text.contains("\\u") {
        let mut hashes = String::from("#");
        while text.contains(&format!("\"{hashes}")) {
            hashes.push('#');
        }
        format!("serde_json::from_str::<serde_json::Value>(r{hashes}\"{text}\"{hashes})?")
    } else {
        format!("serde_json::json!({text})")
    }
}
