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
