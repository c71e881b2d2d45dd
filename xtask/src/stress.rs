//! `cargo xtask stress [--quick]`: generation time against size, for specs
//! shaped to hurt.
//!
//! Each shape is a spec written here at several sizes n (a chain of n
//! `$ref` aliases, an enum of n values, ...). Each is generated in this
//! process, release build, best of three (one run when a run takes over a
//! second), and the table gives the time per size and the slope of time
//! against n on a log–log scale: 1 is linear, 2 quadratic. Where the crate
//! itself grows faster than n (an `allOf` chain: each type has every
//! property of the ones before), the slope against the output's size is
//! the one to read. A benchmark, not a test: nothing here fails on time.

use generator::Options;
use serde_json::{Map, Value, json};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// A kind of spec, and the sizes it is generated at.
struct Shape {
    name: &'static str,
    what: &'static str,
    sizes: &'static [usize],
    spec: fn(usize) -> Value,
    /// Whether the shape nests n deep, so that `max_depth` is raised to fit.
    deep: bool,
}

const SHAPES: &[Shape] = &[
    Shape {
        name: "ref-chain",
        what: "schemas S0 → S1 → … → Sn, each only a `$ref` to the next",
        sizes: &[1_000, 2_000, 4_000, 8_000, 16_000],
        spec: ref_chain,
        deep: false,
    },
    Shape {
        name: "ref-fan",
        what: "n objects, each with a `$ref` to one schema and one into its properties",
        sizes: &[1_000, 2_000, 4_000, 8_000],
        spec: ref_fan,
        deep: false,
    },
    Shape {
        name: "response-fan",
        what: "n operations, each a `$ref` to one parameter, request body and response, whose schemas have n properties",
        sizes: &[100, 200, 400, 800],
        spec: response_fan,
        deep: false,
    },
    Shape {
        name: "alias-bodies",
        what: "n operations whose required body is S0 of a chain S0 → … → Sn of `$ref` aliases",
        sizes: &[250, 500, 1_000, 2_000],
        spec: alias_bodies,
        deep: false,
    },
    Shape {
        name: "allof-chain",
        what: "Ai = allOf [Ai-1, one property]: type i has i fields (output ~n²); `max_depth` raised to n",
        sizes: &[100, 200, 400, 800],
        spec: all_of_chain,
        deep: true,
    },
    Shape {
        name: "allof-wide",
        what: "one schema, allOf of n objects of one property each",
        sizes: &[1_000, 2_000, 4_000, 8_000],
        spec: all_of_wide,
        deep: false,
    },
    Shape {
        name: "oneof-wide",
        what: "one oneOf of n `$ref`s to objects, with a discriminator",
        sizes: &[1_000, 2_000, 4_000, 8_000],
        spec: one_of_wide,
        deep: false,
    },
    Shape {
        name: "anyof-wide",
        what: "one anyOf of n inline objects",
        sizes: &[1_000, 2_000, 4_000, 8_000],
        spec: any_of_wide,
        deep: false,
    },
    Shape {
        name: "enum",
        what: "one string enum of n values",
        sizes: &[5_000, 10_000, 20_000, 40_000],
        spec: big_enum,
        deep: false,
    },
    Shape {
        name: "long-names",
        what: "a schema, a property and an operation named with n characters, n-character descriptions",
        sizes: &[10_000, 40_000, 160_000, 640_000],
        spec: long_names,
        deep: false,
    },
    Shape {
        name: "operations",
        what: "n paths, each a GET with a path and a shared query parameter and a shared response",
        sizes: &[500, 1_000, 2_000, 4_000],
        spec: operations,
        deep: false,
    },
    Shape {
        name: "parameters",
        what: "one operation with n query parameters",
        sizes: &[1_000, 2_000, 4_000, 8_000],
        spec: parameters,
        deep: false,
    },
    Shape {
        name: "properties",
        what: "one object with n properties",
        sizes: &[1_000, 2_000, 4_000, 8_000],
        spec: properties,
        deep: false,
    },
    Shape {
        name: "same-names",
        what: "one object with n properties whose names all become the field `a` (`a-`, `a.`, `a -`, …)",
        sizes: &[1_000, 2_000, 4_000, 8_000],
        spec: same_names,
        deep: false,
    },
    Shape {
        name: "nesting",
        what: "an object n levels deep in place (2n + 4 levels of document; the parsers stop at 128); `max_depth` raised to fit",
        sizes: &[8, 16, 32, 60],
        spec: nesting,
        deep: true,
    },
];

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    // Numbers come from a release build of the generator.
    if let Some(outcome) = crate::in_release("stress", args) {
        return outcome;
    }
    let mut quick = false;
    let mut only = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => quick = true,
            "--shape" => only = Some(args.next().cloned().ok_or("`--shape` needs a value")?),
            other => return Err(format!("unknown argument `{other}`\n{}", crate::USAGE)),
        }
    }
    let options = Options {
        spec_path: "stress.json".to_owned(),
        runtime: generator::Runtime::Path("../runtime".to_owned()),
        ..Options::new("stress-client")
    };
    let mut table = String::new();
    let _ = writeln!(
        table,
        "| shape | n | spec KB | crate KB | best ms | µs per n | slope vs n | slope vs crate |"
    );
    let _ = writeln!(table, "|---|---:|---:|---:|---:|---:|---:|---:|");
    println!("{}", table.trim_end());
    for shape in SHAPES {
        if only.as_deref().is_some_and(|only| only != shape.name) {
            continue;
        }
        let sizes = if quick { &shape.sizes[..3] } else { shape.sizes };
        let mut first: Option<(usize, usize, f64)> = None;
        for &n in sizes {
            let text = serde_json::to_string(&(shape.spec)(n)).map_err(|e| e.to_string())?;
            let mut options = options.clone();
            if shape.deep {
                options.limits.max_depth = 2 * n + 16;
            }
            let (best, out) = time(&text, &options).map_err(|e| format!("{} at n = {n}: {e}", shape.name))?;
            let ms = best.as_secs_f64() * 1e3;
            let (slope_n, slope_out) = match first {
                Some((n0, out0, ms0)) => (
                    format!("{:.2}", (ms / ms0).ln() / (n as f64 / n0 as f64).ln()),
                    format!("{:.2}", (ms / ms0).ln() / (out as f64 / out0 as f64).ln()),
                ),
                None => {
                    first = Some((n, out, ms));
                    (String::new(), String::new())
                }
            };
            let row = format!(
                "| {} | {n} | {} | {} | {ms:.1} | {:.1} | {slope_n} | {slope_out} |",
                shape.name,
                text.len() / 1024,
                out / 1024,
                ms * 1e3 / n as f64
            );
            println!("{row}");
            let _ = writeln!(table, "{row}");
        }
    }
    println!();
    for shape in SHAPES {
        println!("- {}: {}", shape.name, shape.what);
    }
    Ok(())
}

/// The best time of up to three generations, and the crate's size in bytes.
fn time(text: &str, options: &Options) -> Result<(Duration, usize), String> {
    let mut best = Duration::MAX;
    let mut out = 0;
    for _ in 0..3 {
        let start = Instant::now();
        let generated = generator::generate(text, options).map_err(|e| e.to_string())?;
        best = best.min(start.elapsed());
        out = generated.files.values().map(String::len).sum();
        if best > Duration::from_secs(1) {
            break;
        }
    }
    Ok((best, out))
}

fn document(paths: Value, schemas: Map<String, Value>) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Stress", "version": "1"},
        "servers": [{"url": "http://localhost"}],
        "paths": paths,
        "components": {"schemas": schemas},
    })
}

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// An operation returning `schema` as JSON, so that the types are used.
fn returning(schema: Value) -> Value {
    json!({"/it": {"get": {"operationId": "getIt", "responses": {"200": {
        "description": "ok", "content": {"application/json": {"schema": schema}}
    }}}}})
}

fn ref_chain(n: usize) -> Value {
    let mut schemas = Map::new();
    for i in 0..n {
        schemas.insert(format!("S{i}"), schema_ref(&format!("S{}", i + 1)));
    }
    schemas.insert(
        format!("S{n}"),
        json!({"type": "object", "properties": {"id": {"type": "string"}}}),
    );
    document(returning(schema_ref("S0")), schemas)
}

fn ref_fan(n: usize) -> Value {
    let mut schemas = Map::new();
    schemas.insert(
        "Hub".into(),
        json!({"type": "object", "properties": {
            "inner": {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}}
        }}),
    );
    for i in 0..n {
        schemas.insert(
            format!("T{i}"),
            json!({"type": "object", "properties": {
                "hub": schema_ref("Hub"),
                "inner": {"$ref": "#/components/schemas/Hub/properties/inner"},
            }}),
        );
    }
    document(returning(schema_ref("T0")), schemas)
}

fn all_of_chain(n: usize) -> Value {
    let mut schemas = Map::new();
    schemas.insert(
        "A0".into(),
        json!({"type": "object", "properties": {"f0": {"type": "string"}}}),
    );
    for i in 1..n {
        schemas.insert(
            format!("A{i}"),
            json!({"allOf": [
                schema_ref(&format!("A{}", i - 1)),
                {"type": "object", "properties": {format!("f{i}"): {"type": "string"}}},
            ]}),
        );
    }
    document(returning(schema_ref(&format!("A{}", n - 1))), schemas)
}

fn all_of_wide(n: usize) -> Value {
    let parts: Vec<Value> = (0..n)
        .map(|i| json!({"type": "object", "properties": {format!("f{i}"): {"type": "string"}}}))
        .collect();
    let mut schemas = Map::new();
    schemas.insert("Wide".into(), json!({"allOf": parts}));
    document(returning(schema_ref("Wide")), schemas)
}

fn one_of_wide(n: usize) -> Value {
    let mut schemas = Map::new();
    let mut mapping = Map::new();
    for i in 0..n {
        schemas.insert(
            format!("V{i}"),
            json!({"type": "object", "required": ["kind"], "properties": {
                "kind": {"type": "string"}, format!("v{i}"): {"type": "integer"}
            }}),
        );
        mapping.insert(format!("v{i}"), json!(format!("#/components/schemas/V{i}")));
    }
    let alternatives: Vec<Value> = (0..n).map(|i| schema_ref(&format!("V{i}"))).collect();
    schemas.insert(
        "Choice".into(),
        json!({"oneOf": alternatives, "discriminator": {"propertyName": "kind", "mapping": mapping}}),
    );
    document(returning(schema_ref("Choice")), schemas)
}

fn any_of_wide(n: usize) -> Value {
    let alternatives: Vec<Value> = (0..n)
        .map(|i| json!({"type": "object", "required": [format!("a{i}")], "properties": {format!("a{i}"): {"type": "string"}}}))
        .collect();
    let mut schemas = Map::new();
    schemas.insert("Any".into(), json!({"anyOf": alternatives}));
    document(returning(schema_ref("Any")), schemas)
}

fn big_enum(n: usize) -> Value {
    let values: Vec<Value> = (0..n).map(|i| json!(format!("value-{i}"))).collect();
    let mut schemas = Map::new();
    schemas.insert("Big".into(), json!({"type": "string", "enum": values}));
    document(returning(schema_ref("Big")), schemas)
}

fn long_names(n: usize) -> Value {
    let name: String = "Long".chars().cycle().take(n).collect();
    let words: String = "word ".chars().cycle().take(n).collect();
    let mut schemas = Map::new();
    schemas.insert(
        name.clone(),
        json!({"type": "object", "description": words, "properties": {
            name.to_lowercase(): {"type": "string", "description": words},
        }}),
    );
    let paths = json!({format!("/{}", name.to_lowercase()): {"get": {
        "operationId": name, "summary": words, "description": words,
        "responses": {"200": {"description": words, "content": {"application/json": {"schema": schema_ref(&name)}}}}
    }}});
    document(paths, schemas)
}

fn operations(n: usize) -> Value {
    let mut paths = Map::new();
    for i in 0..n {
        paths.insert(
            format!("/things{i}/{{id}}"),
            json!({"get": {
                "operationId": format!("getThing{i}"),
                "parameters": [
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"$ref": "#/components/parameters/Limit"},
                ],
                "responses": {"200": {"$ref": "#/components/responses/Thing"}},
            }}),
        );
    }
    let mut doc = document(Value::Object(paths), Map::new());
    doc["components"] = json!({
        "schemas": {"Thing": {"type": "object", "properties": {"id": {"type": "string"}, "n": {"type": "integer"}}}},
        "parameters": {"Limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}}},
        "responses": {"Thing": {"description": "a thing", "content": {"application/json": {"schema": schema_ref("Thing")}}}},
    });
    doc
}

fn parameters(n: usize) -> Value {
    let params: Vec<Value> = (0..n)
        .map(|i| json!({"name": format!("p{i}"), "in": "query", "schema": {"type": "string"}}))
        .collect();
    let paths = json!({"/it": {"get": {"operationId": "getIt", "parameters": params, "responses": {"204": {"description": "ok"}}}}});
    document(paths, Map::new())
}

fn properties(n: usize) -> Value {
    let properties: Map<String, Value> = (0..n)
        .map(|i| {
            (
                format!("field{i}"),
                json!({"type": "string", "description": format!("Field {i}.")}),
            )
        })
        .collect();
    let mut schemas = Map::new();
    schemas.insert("Wide".into(), json!({"type": "object", "properties": properties}));
    document(returning(schema_ref("Wide")), schemas)
}

fn nesting(n: usize) -> Value {
    let mut schema = json!({"type": "string"});
    for i in (0..n).rev() {
        schema = json!({"type": "object", "properties": {format!("level{i}"): schema}});
    }
    let mut schemas = Map::new();
    schemas.insert("Deep".into(), schema);
    document(returning(schema_ref("Deep")), schemas)
}

fn same_names(n: usize) -> Value {
    const MARKS: [char; 6] = ['-', '.', ' ', '_', '/', ':'];
    let properties: Map<String, Value> = (0..n)
        .map(|mut i| {
            let mut key = "a".to_owned();
            loop {
                key.push(MARKS[i % MARKS.len()]);
                i /= MARKS.len();
                if i == 0 {
                    break;
                }
            }
            (key, json!({"type": "string"}))
        })
        .collect();
    let mut schemas = Map::new();
    schemas.insert("Same".into(), json!({"type": "object", "properties": properties}));
    document(returning(schema_ref("Same")), schemas)
}

fn response_fan(n: usize) -> Value {
    let big: Map<String, Value> = (0..n)
        .map(|i| {
            (
                format!("field{i}"),
                json!({"type": "string", "description": format!("Field {i}.")}),
            )
        })
        .collect();
    let mut paths = Map::new();
    for i in 0..n {
        paths.insert(
            format!("/things{i}"),
            json!({"post": {
                "operationId": format!("postThing{i}"),
                "parameters": [{"$ref": "#/components/parameters/Filter"}],
                "requestBody": {"$ref": "#/components/requestBodies/Big"},
                "responses": {"200": {"$ref": "#/components/responses/Big"}},
            }}),
        );
    }
    let mut doc = document(Value::Object(paths), Map::new());
    let schema = json!({"type": "object", "properties": big});
    doc["components"] = json!({
        "parameters": {"Filter": {"name": "filter", "in": "query", "style": "deepObject", "schema": schema}},
        "requestBodies": {"Big": {"content": {"application/json": {"schema": schema}}}},
        "responses": {"Big": {"description": "big", "content": {"application/json": {"schema": schema}}}},
    });
    doc
}

fn alias_bodies(n: usize) -> Value {
    let mut doc = ref_chain(n);
    let mut paths = Map::new();
    for i in 0..n {
        paths.insert(
            format!("/things{i}"),
            json!({"post": {
                "operationId": format!("postThing{i}"),
                "requestBody": {"required": true, "content": {"application/json": {"schema": schema_ref("S0")}}},
                "responses": {"204": {"description": "done"}},
            }}),
        );
    }
    doc["paths"] = Value::Object(paths);
    doc
}
