//! The generator on mutated specs: it returns `Ok` or an `Error`, and never
//! panics or overflows its stack. Every fixture and project spec is mutated
//! structurally (keys removed, values replaced by other types, `$ref`s to
//! real and to missing places) and textually (truncated, bytes changed).
//! OpenAPI 3.1 is covered twice: the 3.1 fixtures are seeds, and any seed
//! may be relabelled `openapi: 3.1.0` and mutated with 3.1 constructs (type
//! lists, `const`, `prefixItems`, boolean schemas, external `$ref`s).
//!
//! The number of cases is bounded (`PROPTEST_CASES`, default 64 per property)
//! so the run fits in CI; raise it for a longer local run.

use generator::{Options, generate};
use proptest::prelude::*;
use serde_json::Value;
use std::path::Path;
use std::sync::OnceLock;

fn options() -> Options {
    Options {
        spec_path: "mutant.json".to_owned(),
        runtime: generator::Runtime::Path("../../generator/runtime".to_owned()),
        ..Options::new("mutant-client")
    }
}

/// The seed specs, as text and as JSON trees.
fn seeds() -> &'static [(String, Value)] {
    static SEEDS: OnceLock<Vec<(String, Value)>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<_> = std::fs::read_dir(root.join("tests/fixtures"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.push(root.join("../specs/vrm.yaml"));
        files.push(root.join("../specs/openremote.yaml"));
        files.sort();
        files
            .iter()
            .map(|path| {
                let text = std::fs::read_to_string(path).unwrap();
                let tree = generator::parse_tree(&text).unwrap();
                (text, tree)
            })
            .collect()
    })
}

/// Every JSON pointer in a tree.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let here = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                out.push(here.clone());
                pointers(child, here, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let here = format!("{at}/{i}");
                out.push(here.clone());
                pointers(child, here, out);
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Remove,
    Replace(Value),
    RefTo(usize),
    RefToNothing,
    CopyFrom(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        Just(Mutation::Remove),
        Just(Mutation::Replace(Value::Null)),
        Just(Mutation::Replace(Value::Bool(true))),
        Just(Mutation::Replace(Value::from(-1))),
        Just(Mutation::Replace(Value::from(1e300))),
        Just(Mutation::Replace(Value::from(""))),
        Just(Mutation::Replace(Value::from("{x}"))),
        Just(Mutation::Replace(Value::Array(vec![]))),
        Just(Mutation::Replace(serde_json::json!({}))),
        Just(Mutation::Replace(
            serde_json::json!({"type": "object", "properties": {"": {}}})
        )),
        Just(Mutation::Replace(serde_json::json!({"oneOf": [{}, {"type": "null"}]}))),
        Just(Mutation::Replace(Value::Bool(false))),
        Just(Mutation::Replace(
            serde_json::json!({"type": ["string", "integer", "null"]})
        )),
        Just(Mutation::Replace(
            serde_json::json!({"type": ["array", "object"], "items": false})
        )),
        Just(Mutation::Replace(serde_json::json!({"const": {"a": [1]}}))),
        Just(Mutation::Replace(
            serde_json::json!({"oneOf": [{"const": 1}, {"const": "x"}]})
        )),
        Just(Mutation::Replace(
            serde_json::json!({"prefixItems": [true, {"type": "null"}], "items": false})
        )),
        Just(Mutation::Replace(
            serde_json::json!({"$ref": "other.yaml#/components/schemas/X"})
        )),
        Just(Mutation::Replace(
            serde_json::json!({"if": {}, "then": {"properties": {"a": false}}, "else": true})
        )),
        Just(Mutation::Replace(
            serde_json::json!({"patternProperties": {"^a": true}, "unevaluatedProperties": {}})
        )),
        Just(Mutation::Replace(
            serde_json::json!({"type": "object", "properties": {"p": {"required": true}}})
        )),
        any::<usize>().prop_map(Mutation::RefTo),
        Just(Mutation::RefToNothing),
        any::<usize>().prop_map(Mutation::CopyFrom),
    ]
}

fn apply(tree: &mut Value, target: usize, mutation: &Mutation) {
    let mut all = Vec::new();
    pointers(tree, String::new(), &mut all);
    if all.is_empty() {
        return;
    }
    let at = all[target % all.len()].clone();
    let pick = |i: usize| all[i % all.len()].clone();
    let replacement = match mutation {
        Mutation::Remove => {
            let (parent, key) = at.rsplit_once('/').unwrap();
            let key = key.replace("~1", "/").replace("~0", "~");
            match tree.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.shift_remove(&key);
                }
                Some(Value::Array(items)) => {
                    if let Ok(i) = key.parse::<usize>()
                        && i < items.len()
                    {
                        items.remove(i);
                    }
                }
                _ => {}
            }
            return;
        }
        Mutation::Replace(value) => value.clone(),
        Mutation::RefTo(i) => serde_json::json!({ "$ref": format!("#{}", pick(*i)) }),
        Mutation::RefToNothing => serde_json::json!({ "$ref": "#/components/schemas/DoesNotExist" }),
        Mutation::CopyFrom(i) => tree.pointer(&pick(*i)).cloned().unwrap_or(Value::Null),
    };
    if let Some(slot) = tree.pointer_mut(&at) {
        *slot = replacement;
    }
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// Structural mutations: up to four at once.
    #[test]
    fn mutated_trees_never_panic(
        seed in 0..64usize,
        as_31 in any::<bool>(),
        mutations in prop::collection::vec((any::<usize>(), mutation()), 1..5),
    ) {
        let seeds = seeds();
        let mut tree = seeds[seed % seeds.len()].1.clone();
        if as_31 && let Some(version) = tree.get_mut("openapi") {
            *version = Value::from("3.1.0");
        }
        for (target, mutation) in &mutations {
            apply(&mut tree, *target, mutation);
        }
        let text = serde_json::to_string(&tree).unwrap();
        let _ = generate(&text, &options());
    }

    /// Textual mutations: the spec cut short, or one byte changed.
    #[test]
    fn mutated_text_never_panics(seed in 0..64usize, at in any::<usize>(), byte in any::<u8>(), cut in any::<bool>()) {
        let seeds = seeds();
        let mut text = seeds[seed % seeds.len()].0.clone().into_bytes();
        let i = at % text.len();
        if cut { text.truncate(i) } else { text[i] = byte }
        let text = String::from_utf8_lossy(&text);
        let _ = generate(&text, &options());
    }
}
