//! A bad spec gets an error naming the place in the spec, never a panic.

use generator::{Error, Options, generate};

fn try_generate(spec: &str) -> Result<generator::Generated, Error> {
    let options = Options {
        spec_path: "t.yaml".to_owned(),
        runtime: generator::Runtime::Path("../../generator/runtime".to_owned()),
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
fn external_refs_are_refused_by_place() {
    let spec = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b: {{$ref: 'other.yaml#/B'}}\n"
    );
    let err = try_generate(&spec).unwrap_err();
    assert!(err.to_string().contains("outside this document"), "{err}");
}

#[test]
fn not_a_mapping() {
    assert!(try_generate("- 1\n- 2\n").is_err());
    assert!(try_generate("").is_err());
    assert!(try_generate("openapi: 3.0.3\n").is_err());
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
