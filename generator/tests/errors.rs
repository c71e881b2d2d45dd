//! A bad spec gets an error naming the place in the spec, never a panic.

use generator::{Error, Limits, Options, generate};

fn try_generate(spec: &str) -> Result<generator::Generated, Error> {
    try_generate_within(spec, Limits::default())
}

fn try_generate_within(spec: &str, limits: Limits) -> Result<generator::Generated, Error> {
    let options = Options {
        spec_path: "t.yaml".to_owned(),
        runtime: generator::Runtime::Path("../../generator/runtime".to_owned()),
        limits,
        ..Options::new("t-client")
    };
    generate(spec, &options)
}

fn pointer_of(spec: &str) -> String {
    let err = try_generate(spec).unwrap_err();
    err.pointer()
        .map(|p| p.to_string())
        .unwrap_or_else(|| panic!("no pointer in {err}"))
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

#[test]
fn dangling_ref_names_where_it_is() {
    let spec = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b: {{$ref: '#/components/schemas/Nope'}}\n"
    );
    let err = try_generate(&spec).unwrap_err();
    assert_eq!(
        err.pointer().unwrap().to_string(),
        "#/components/schemas/A/properties/b"
    );
    assert!(err.to_string().contains("points to nothing"), "{err}");
}

#[test]
fn dangling_ref_in_an_operation() {
    let spec = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      parameters:\n        - $ref: '#/components/parameters/Missing'\n      responses:\n        '204': {{description: ok}}\n"
    );
    assert_eq!(pointer_of(&spec), "#/paths/~1a/get/parameters/0");
}

#[test]
fn cycle_of_refs_is_an_error() {
    let spec = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n    B: {{$ref: '#/components/schemas/A'}}\n"
    );
    let err = try_generate(&spec).unwrap_err();
    assert!(err.to_string().contains("cycle"), "{err}");
    assert!(err.pointer().unwrap().to_string().starts_with("#/components/schemas/"));
}

#[test]
fn wrong_type_names_the_place() {
    let spec = format!("{HEAD}paths:\n  /a:\n    get:\n      responses: [1, 2]\n");
    assert_eq!(pointer_of(&spec), "#/paths/~1a/get/responses");
}

#[test]
fn duplicate_operation_ids_name_both() {
    let spec = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      operationId: same\n      responses: {{'204': {{description: ok}}}}\n  /b:\n    get:\n      operationId: same\n      responses: {{'204': {{description: ok}}}}\n"
    );
    let err = try_generate(&spec).unwrap_err();
    assert_eq!(err.pointer().unwrap().to_string(), "#/paths/~1b/get/operationId");
    assert!(err.to_string().contains("#/paths/~1a/get"), "{err}");
}

#[test]
fn yaml_syntax_error_gives_line() {
    let err = try_generate("openapi: 3.0.3\ninfo: {title: t\n").unwrap_err();
    assert!(matches!(err, Error::Syntax { line: Some(_), .. }), "{err:?}");
}

#[test]
fn json_syntax_error_gives_line_and_column() {
    let err = try_generate("{\"openapi\": \"3.0.3\",\n \"info\": {]}").unwrap_err();
    assert!(
        matches!(
            err,
            Error::Syntax {
                line: Some(2),
                column: Some(_),
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn an_external_schema_ref_is_any_json_with_a_warning() {
    let spec = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b: {{$ref: 'other.yaml#/B'}}\n"
    );
    let generated = try_generate(&spec).unwrap();
    let warnings: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with("at #/components/schemas/A/properties/b: `$ref: other.yaml#/B` is in another document"),
        "{warnings:?}"
    );
    assert!(generated.files["src/types.rs"].contains("pub b: Option<serde_json::Value>"));
}

#[test]
fn not_a_mapping() {
    assert!(try_generate("- 1\n- 2\n").is_err());
    assert!(try_generate("").is_err());
    assert!(try_generate("openapi: 3.0.3\n").is_err());
}

const HEAD_31: &str = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n";

fn warnings_of(spec: &str) -> Vec<String> {
    let generated = try_generate(spec).unwrap_or_else(|err| panic!("{err}"));
    generated.warnings.iter().map(ToString::to_string).collect()
}

#[test]
fn an_unreadable_external_ref_is_skipped_with_a_warning_naming_it() {
    let spec = format!(
        "{HEAD_31}paths:\n  /a:\n    get:\n      parameters:\n        - $ref: 'common.yaml#/Page'\n        - {{name: q, in: query, schema: {{type: string}}}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: 'other.yaml#/components/schemas/Thing'}}\n"
    );
    let warnings = warnings_of(&spec);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].starts_with("at #/paths/~1a/get/parameters/0: `$ref: common.yaml#/Page`"));
    assert!(warnings[0].contains("left out"), "{warnings:?}");
    assert!(
        warnings[1].contains("other.yaml#/components/schemas/Thing"),
        "{warnings:?}"
    );
}

#[test]
fn an_external_security_scheme_is_an_error_with_its_place() {
    let spec = format!("{HEAD_31}paths: {{}}\ncomponents:\n  securitySchemes:\n    key: {{$ref: 'auth.yaml#/key'}}\n");
    let err = try_generate(&spec).unwrap_err();
    assert_eq!(
        err.pointer().unwrap().to_string(),
        "#/components/securitySchemes/key",
        "{err}"
    );
}

#[test]
fn each_vendor_fault_is_one_warning_naming_its_place() {
    let spec = format!(
        "{HEAD_31}paths:\n  /s/{{idSite}}:\n    get:\n      parameters:\n        - {{name: siteId, in: path, required: true, schema: {{type: integer}}}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  ok: {{type: boolean, required: true}}\n        4xx: {{description: bad}}\n"
    );
    let warnings = warnings_of(&spec);
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("at #/paths/~1s~1{idSite}/get/responses/4xx: "))
    );
    assert!(warnings.iter().any(|w| w.starts_with(
        "at #/paths/~1s~1{idSite}/get/responses/200/content/application~1json/schema/properties/ok/required: "
    )));
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("at #/paths/~1s~1{idSite}/get: ") && w.contains("`siteId`"))
    );
}

#[test]
fn a_31_document_without_paths_or_responses_generates() {
    try_generate(&format!("{HEAD_31}components: {{}}\n")).unwrap();
    try_generate(&format!("{HEAD_31}paths:\n  /a:\n    get: {{operationId: a}}\n")).unwrap();
}

// Limits: a spec beyond one is refused with the place and the bound, never
// a hang or a stack overflow; each bound can be raised.

/// The limit an error names, and where.
fn limit_of(result: Result<generator::Generated, Error>) -> (&'static str, usize, String) {
    match result {
        Err(Error::Limit { at, limit, value, .. }) => (limit, value, at.to_string()),
        Err(other) => panic!("expected a limit error, got {other}"),
        Ok(_) => panic!("expected a limit error, got a crate"),
    }
}

/// `S0 → S1 → … → Sn`, each only a `$ref` to the next (once cubic in n).
fn ref_chain(n: usize) -> String {
    let mut spec = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n");
    for i in 0..n {
        spec.push_str(&format!("    S{i}: {{$ref: '#/components/schemas/S{}'}}\n", i + 1));
    }
    spec.push_str(&format!(
        "    S{n}: {{type: object, properties: {{id: {{type: string}}}}}}\n"
    ));
    spec
}

#[test]
fn a_long_chain_of_ref_aliases_is_generated() {
    let generated = try_generate(&ref_chain(2_000)).unwrap();
    assert_eq!(generated.types, 2_001);
    let types = &generated.files["src/types.rs"];
    assert!(types.contains("pub type S0 = S1;"), "{}", &types[..500]);
}

#[test]
fn a_spec_longer_than_the_limit_is_refused_at_the_root() {
    let spec = ref_chain(10);
    let limits = Limits {
        max_spec_bytes: 100,
        ..Limits::default()
    };
    let (limit, value, at) = limit_of(try_generate_within(&spec, limits));
    assert_eq!((limit, value, at.as_str()), ("max_spec_bytes", 100, "#"));
    let raised = Limits {
        max_spec_bytes: spec.len(),
        ..Limits::default()
    };
    assert!(try_generate_within(&spec, raised).is_ok());
}

#[test]
fn ref_steps_beyond_the_limit_are_refused_where_the_ref_is() {
    let spec = ref_chain(50);
    let limits = Limits {
        max_ref_steps: 20,
        ..Limits::default()
    };
    let result = try_generate_within(&spec, limits);
    let message = result.as_ref().err().map(ToString::to_string).unwrap_or_default();
    let (limit, value, at) = limit_of(result);
    assert_eq!((limit, value), ("max_ref_steps", 20));
    assert!(at.starts_with("#/components/schemas/S"), "{at}");
    assert!(
        message.contains("max_ref_steps") && message.contains("raise"),
        "{message}"
    );
    let raised = Limits {
        max_ref_steps: 1_000,
        ..Limits::default()
    };
    assert!(try_generate_within(&spec, raised).is_ok());
}

/// Each schema's property is an array of the next schema's property, by a
/// `$ref` into it: every `$ref` is one level deeper, with no named type
/// between (once a stack overflow at a few thousand).
fn ref_nesting(n: usize) -> String {
    let mut spec = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n");
    for i in 0..n {
        spec.push_str(&format!(
            "    S{i}: {{type: object, properties: {{next: {{type: array, items: {{$ref: '#/components/schemas/S{}/properties/next'}}}}}}}}\n",
            i + 1
        ));
    }
    spec.push_str(&format!(
        "    S{n}: {{type: object, properties: {{next: {{type: string}}}}}}\n"
    ));
    spec
}

#[test]
fn nesting_through_refs_beyond_the_limit_is_refused_not_a_stack_overflow() {
    let (limit, value, at) = limit_of(try_generate(&ref_nesting(20_000)));
    assert_eq!((limit, value), ("max_depth", Limits::default().max_depth));
    assert!(at.starts_with("#/components/schemas/S"), "{at}");
    // Within the limit, the same shape is fine.
    assert!(try_generate(&ref_nesting(20)).is_ok());
}

#[test]
fn nesting_in_place_beyond_the_limit_names_the_place() {
    // 100 levels of `items`: the parser takes it (under 128), the limit does
    // not, before anything recurses through the document.
    let mut schema = "{type: string}".to_owned();
    for _ in 0..100 {
        schema = format!("{{type: array, items: {schema}}}");
    }
    let spec = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    Deep: {schema}\n");
    let (limit, value, at) = limit_of(try_generate(&spec));
    assert_eq!((limit, value), ("max_depth", 48));
    assert!(at.starts_with("#/components/schemas/Deep/items/items/"), "{at}");
    // Raised, on a thread with the stack for it.
    let raised = Limits {
        max_depth: 128,
        ..Limits::default()
    };
    let generated = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || try_generate_within(&spec, raised).map(|g| g.files["src/types.rs"].clone()))
        .unwrap()
        .join()
        .unwrap()
        .unwrap();
    assert!(generated.contains("Vec<Vec<Vec<"));
}

#[test]
fn nesting_just_within_the_default_limit_fits_a_test_threads_stack() {
    // Objects in place, 22 deep (the document 48 deep): each a struct of
    // its own. On a test thread (2 MiB of stack), debug build.
    let mut schema = "{type: string}".to_owned();
    for i in 0..22 {
        schema = format!("{{type: object, properties: {{level{i}: {schema}}}}}");
    }
    let spec = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    Deep: {schema}\n");
    let generated = try_generate(&spec).unwrap();
    assert_eq!(generated.types, 22);
}

#[test]
fn a_long_allof_chain_beyond_the_depth_limit_is_refused() {
    let mut spec = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A0: {{type: object, properties: {{f0: {{type: string}}}}}}\n"
    );
    for i in 1..5_000 {
        spec.push_str(&format!(
            "    A{i}: {{allOf: [{{$ref: '#/components/schemas/A{}'}}, {{type: object, properties: {{f{i}: {{type: string}}}}}}]}}\n",
            i - 1
        ));
    }
    let (limit, _, at) = limit_of(try_generate(&spec));
    assert_eq!(limit, "max_depth");
    assert!(at.contains("/allOf/0"), "{at}");
}

/// `x-idempotent` and `x-sign-in` of the wrong shape are warnings naming
/// the place, not errors; of the right shape they reach the crate.
#[test]
fn operation_extensions_are_read_or_warned_about() {
    let spec = |idempotent: &str, sign_in: &str| {
        format!(
            "{HEAD}components:\n  securitySchemes:\n    key: {{type: apiKey, in: header, name: X-Key}}\n\
             paths:\n  /a:\n    get:\n      operationId: a\n      x-idempotent: {idempotent}\n\
             \x20     responses: {{'204': {{description: ok}}}}\n  /login:\n    post:\n      operationId: login\n\
             \x20     x-sign-in: {sign_in}\n      responses: {{'204': {{description: ok}}}}\n"
        )
    };
    let generated = try_generate(&spec("maybe", "{scheme: nowhere, token: token}")).expect("warnings only");
    let places: Vec<&str> = generated.warnings.iter().map(|w| w.at.as_str()).collect();
    assert_eq!(places, ["/paths/~1a/get/x-idempotent", "/paths/~1login/post/x-sign-in"]);
    assert!(!generated.files["src/operations.rs"].contains("request.idempotent("));

    let generated = try_generate(&spec("false", "{scheme: key, token: token}")).expect("generates");
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    assert!(generated.files["src/operations.rs"].contains("request.idempotent(false);"));
}
