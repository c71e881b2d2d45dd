//! Splitting a large crate into cargo features by area: which operations
//! form each area, and which types each area needs (transitively). A pure
//! function of the model; `emit/` turns its answer into `#[cfg]`s.
//!
//! An area is an operation's first tag, or, for an operation without tags,
//! the first path segment after the prefix every path shares (`/v1/customers/{id}`
//! is `customers` when every path starts with `/v1`).

use crate::model::{Api, Area, Content, Gate, Operation, Split, TypeKind, TypeRef};
use crate::naming::{self, Scope};
use std::collections::{BTreeMap, HashMap};

/// A crate is split when it has at least this many operations and types
/// together (and more than one area). Below it a crate builds in seconds
/// and features would only add names to learn. Stripe (6,300) and OpenAI
/// (1,560) are split; our specs (under 100), Xero's accounting API (440, one
/// tag) are not.
pub(crate) const SPLIT_FROM: usize = 1_000;

/// Feature names a crate defines besides its areas.
const RESERVED_FEATURES: &[&str] = &["default", "full", "mock"];

/// In a split crate, a field is held as JSON when its type reaches more
/// than this many types and it is either a field of the error body's own
/// objects or a reference that is an id or an object (a union with a
/// string variant: Stripe's expandable fields). See [`hold_fields`]; a
/// variant of a tagged union likewise ([`hold_variants`]).
pub(crate) const HOLD_BOUND: usize = 64;

/// The split of a crate of `api`'s size, or `None` for one plain crate.
/// When it splits, the fields [`hold_fields`] picks become JSON in `api`.
pub(crate) fn plan(api: &mut Api) -> Option<Split> {
    if api.operations.len() + api.types.len() < SPLIT_FROM || areas(&api.operations).len() < 2 {
        return None;
    }
    let held = hold_fields(api, HOLD_BOUND);
    let held_variants = hold_variants(api, HOLD_BOUND);
    split(api).map(|split| Split {
        held,
        held_variants,
        ..split
    })
}

/// Why a field is held as JSON.
#[derive(Clone, Copy)]
enum Hold {
    /// A field of the error body's own types: every build compiles the
    /// error body, so what it names would be in every area's build.
    /// (Stripe's names `PaymentIntent`, `PaymentMethod`, `SetupIntent` and
    /// a payment source: 1,150 types, a fifth of the crate, in every build.)
    ErrorBody,
    /// An id or the object it names (a union with a string variant:
    /// Stripe's expandable fields, `Charge::customer`): an object of
    /// another area, and the areas it names in turn. Stripe's objects are
    /// one graph through these: an area that returns a `Customer` compiled
    /// a quarter of the crate.
    Reference,
}

/// Hold as JSON (`serde_json::Value`, read as any type with the field's
/// `<field>_as` method) each struct field whose type reaches more than
/// `bound` types (counted in the spec) and that is either
/// - a field of the error body's own objects (its type and, through an
///   envelope of one field, the object inside) to another type, or
/// - a reference that is an id or an object (a union with a string
///   variant), wherever it is.
///
/// The types behind such a field stay in the crate, compiled with the
/// areas whose operations name them. Returns how many fields it held.
pub(crate) fn hold_fields(api: &mut Api, bound: usize) -> usize {
    let held: Vec<(usize, usize, usize, Hold)> = {
        let (index, edges) = graph(api);
        // The error body's own objects: its type and, while that is an
        // envelope (one field, `{"error": {...}}`), the type inside.
        let mut own = vec![false; api.types.len()];
        let mut roots = Vec::new();
        if let Some(ty) = &api.error_body {
            named(ty, &index, &mut roots);
        }
        let mut next = roots.first().copied();
        while let Some(at) = next.filter(|&at| !own[at]) {
            own[at] = true;
            next = match &api.types[at].kind {
                TypeKind::Struct { fields, .. } if fields.len() == 1 => {
                    let mut inner = Vec::new();
                    named(&fields[0].ty, &index, &mut inner);
                    inner.first().copied()
                }
                _ => None,
            };
        }
        let mut sizes = HashMap::new();
        let mut size = |target: usize| reach_count(target, &edges, &mut sizes);
        let mut held = Vec::new();
        for (at, def) in api.types.iter().enumerate() {
            let TypeKind::Struct { fields, .. } = &def.kind else {
                continue;
            };
            for (number, field) in fields.iter().enumerate() {
                let mut targets = Vec::new();
                named(&field.ty, &index, &mut targets);
                let Some(&target) = targets.first() else { continue };
                let why = if own[at] && !own[target] {
                    Hold::ErrorBody
                } else if matches!(&api.types[target].kind, TypeKind::Union { variants, .. }
                    if variants.iter().any(|v| v.ty == TypeRef::String))
                {
                    Hold::Reference
                } else {
                    continue;
                };
                let reached = size(target);
                if reached > bound {
                    held.push((at, number, reached, why));
                }
            }
        }
        held
    };
    for &(at, number, reached, why) in &held {
        let TypeKind::Struct { fields, .. } = &mut api.types[at].kind else {
            continue;
        };
        let field = &mut fields[number];
        let inner = match field.ty.unwrap_option() {
            TypeRef::Box(inner) => inner,
            other => other,
        };
        let read = match inner {
            TypeRef::Named(name) if field.ty.is_option() => {
                format!("`{}_as::<Option<types::{name}>>()`", field.name)
            }
            TypeRef::Named(name) => format!("`{}_as::<types::{name}>()`", field.name),
            _ => format!("`{}_as`", field.name),
        };
        let because = match why {
            Hold::ErrorBody => "which every build would compile with the error body",
            Hold::Reference => {
                "which every area that uses this type would compile (it is an id, or the object when expanded)"
            }
        };
        let note = held_note(reached, because, &read);
        field.docs.description = Some(match field.docs.description.take() {
            Some(text) => format!("{text}\n\n{note}"),
            None => note,
        });
        field.ty = match field.ty {
            TypeRef::Option(_) => TypeRef::Option(Box::new(TypeRef::Value)),
            _ => TypeRef::Value,
        };
    }
    held.len()
}

/// Hold as JSON each variant of a tagged union that is an object some
/// operation returns on its own (a resource with its own endpoints) and
/// whose type reaches more than `bound` types once the fields are held.
/// Stripe's one: `PaymentSource`'s `Account` (105 types), which the
/// `customers` area's sources endpoints would compile for the Connect
/// account a source may rarely be, while the `accounts` area returns it.
/// The tag still picks the variant, which keeps the object whole: the
/// caller who meets one reads it as its type (`serde_json::from_value`)
/// where a feature that compiles the type is on. A variant no operation
/// returns (OpenAI's stream events, output items) is what its union's own
/// operations return, and stays typed. Returns how many variants it held.
pub(crate) fn hold_variants(api: &mut Api, bound: usize) -> usize {
    let held: Vec<(usize, usize, usize)> = {
        let (index, edges) = graph(api);
        let mut returned = vec![false; api.types.len()];
        for op in &api.operations {
            for success in &op.successes {
                if let Content::Json(ty) = &success.content
                    && let Some(&at) = ty.model_name().and_then(|name| index.get(name))
                {
                    returned[at] = true;
                }
            }
        }
        let mut sizes = HashMap::new();
        let mut held = Vec::new();
        for (at, def) in api.types.iter().enumerate() {
            let TypeKind::Union {
                variants, tag: Some(_), ..
            } = &def.kind
            else {
                continue;
            };
            for (number, variant) in variants.iter().enumerate() {
                let mut targets = Vec::new();
                named(&variant.ty, &index, &mut targets);
                let Some(&target) = targets.first().filter(|&&t| returned[t]) else {
                    continue;
                };
                let reached = reach_count(target, &edges, &mut sizes);
                if reached > bound {
                    held.push((at, number, reached));
                }
            }
        }
        held
    };
    for &(at, number, reached) in &held {
        let TypeKind::Union { variants, .. } = &mut api.types[at].kind else {
            continue;
        };
        let variant = &mut variants[number];
        let read = match variant.ty.model_name() {
            Some(name) => format!("`serde_json::from_value::<types::{name}>(value)`"),
            None => "`serde_json::from_value`".to_owned(),
        };
        variant.note = Some(held_note(
            reached,
            "which every area that uses this union would compile",
            &read,
        ));
        variant.ty = TypeRef::Value;
    }
    held.len()
}

/// The doc of a field or variant held as JSON: how far its type reaches,
/// why that matters, how to read it.
fn held_note(reached: usize, because: &str, read: &str) -> String {
    format!(
        "Held as JSON in this crate, which is split by area: its type reaches {reached} types, \
         {because}. Read it with {read} where a feature that compiles that type is on."
    )
}

/// How many types `target` reaches, itself included; counted once per
/// type in `sizes`.
fn reach_count(target: usize, edges: &[Vec<usize>], sizes: &mut HashMap<usize, usize>) -> usize {
    *sizes.entry(target).or_insert_with(|| {
        let mut seen = vec![false; edges.len()];
        reach(&[target], edges, &mut seen);
        seen.iter().filter(|&&s| s).count()
    })
}

/// The crate's types by name, and for each type the types it names.
fn graph(api: &Api) -> (HashMap<&str, usize>, Vec<Vec<usize>>) {
    let index: HashMap<&str, usize> = api
        .types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i))
        .collect();
    let edges: Vec<Vec<usize>> = api
        .types
        .iter()
        .map(|def| {
            let mut out = Vec::new();
            for ty in def.kind.refs() {
                named(ty, &index, &mut out);
            }
            out
        })
        .collect();
    (index, edges)
}

/// The split into areas regardless of size; `None` when there is one area.
pub(crate) fn split(api: &Api) -> Option<Split> {
    let areas = areas(&api.operations);
    if areas.len() < 2 {
        return None;
    }
    let (index, edges) = graph(api);
    // What the crate root needs whatever is enabled: the error body.
    let mut always = vec![false; api.types.len()];
    let mut roots = Vec::new();
    if let Some(ty) = &api.error_body {
        named(ty, &index, &mut roots);
    }
    reach(&roots, &edges, &mut always);
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); api.types.len()];
    let mut areas: Vec<Area> = areas
        .into_iter()
        .enumerate()
        .map(|(number, (feature, source, operations))| {
            let mut roots = Vec::new();
            for &op in &operations {
                operation_types(&api.operations[op], &index, &mut roots);
            }
            let mut seen = vec![false; api.types.len()];
            reach(&roots, &edges, &mut seen);
            let mut types = 0;
            for (ty, needed) in seen.into_iter().enumerate() {
                if needed {
                    users[ty].push(number);
                }
                types += usize::from(needed || always[ty]);
            }
            Area {
                feature,
                source,
                operations,
                types,
            }
        })
        .collect();
    areas.shrink_to_fit();
    let gates = users
        .into_iter()
        .zip(always)
        .map(|(users, always)| {
            if always || users.len() == areas.len() {
                Gate::Always
            } else if users.is_empty() {
                Gate::Full
            } else {
                Gate::Any(users)
            }
        })
        .collect();
    Some(Split {
        areas,
        gates,
        held: 0,
        held_variants: 0,
    })
}

/// The areas as (feature, source, operations), sorted by feature.
fn areas(operations: &[Operation]) -> Vec<(String, String, Vec<usize>)> {
    let prefix = common_prefix(operations);
    // Sources that give the same feature name are one area.
    let mut by_name: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for (i, op) in operations.iter().enumerate() {
        let source = match op.tags.first() {
            Some(tag) => tag.clone(),
            None => path_area(&op.path, prefix),
        };
        let name = naming::snake(&source, "other");
        by_name.entry(name).or_insert_with(|| (source, Vec::new())).1.push(i);
    }
    let mut scope = Scope::with_reserved(RESERVED_FEATURES);
    let mut areas: Vec<_> = by_name
        .into_iter()
        .map(|(name, (source, ops))| (scope.claim(&name), source, ops))
        .collect();
    areas.sort_by(|a, b| a.0.cmp(&b.0));
    areas
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

/// How many leading literal segments every path shares.
fn common_prefix(operations: &[Operation]) -> usize {
    let Some(first) = operations.first() else { return 0 };
    let first: Vec<&str> = segments(&first.path).collect();
    let mut len = first.iter().take_while(|s| !s.starts_with('{')).count();
    for op in operations {
        let shared = segments(&op.path).zip(&first).take_while(|(a, b)| a == *b).count();
        len = len.min(shared);
    }
    len
}

/// The segment right after the shared prefix when it is a literal, else the
/// last one of the prefix (`/v1` itself), else `root`.
fn path_area(path: &str, prefix: usize) -> String {
    let all: Vec<&str> = segments(path).collect();
    all.get(prefix)
        .filter(|s| !s.starts_with('{'))
        .or_else(|| all[..prefix.min(all.len())].last())
        .map_or_else(|| "root".to_owned(), |s| (*s).to_owned())
}

/// The crate's types an operation names in its parameters, body and answers.
fn operation_types(op: &Operation, index: &HashMap<&str, usize>, out: &mut Vec<usize>) {
    for param in &op.params {
        named(&param.ty, index, out);
    }
    if let Some(body) = &op.body {
        named(&body.ty, index, out);
    }
    for success in &op.successes {
        if let Content::Json(ty) = &success.content {
            named(ty, index, out);
        }
    }
}

fn named(ty: &TypeRef, index: &HashMap<&str, usize>, out: &mut Vec<usize>) {
    out.extend(ty.model_name().and_then(|name| index.get(name)));
}

/// Mark everything reachable from `roots`.
fn reach(roots: &[usize], edges: &[Vec<usize>], seen: &mut [bool]) {
    let mut stack: Vec<usize> = roots.to_vec();
    while let Some(ty) = stack.pop() {
        if !std::mem::replace(&mut seen[ty], true) {
            stack.extend(edges[ty].iter().copied().filter(|&t| !seen[t]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Warnings;

    fn lowered(spec: &str) -> Api {
        let mut warnings = Warnings::default();
        let limits = crate::Limits::default();
        let document = crate::load::parse(spec, &limits, &mut warnings).expect("the spec parses");
        crate::lower::lower(&document.api, &document.raw, &limits, &mut warnings).expect("the spec lowers")
    }

    const SPEC: &str = r##"
openapi: 3.0.3
info: { title: T, version: "1" }
paths:
  /v1/customers:
    get:
      operationId: listCustomers
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/CustomerList" } } } }
        default: { description: no, content: { application/json: { schema: { $ref: "#/components/schemas/Problem" } } } }
  /v1/customers/{id}/address:
    put:
      operationId: setAddress
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      requestBody: { content: { application/json: { schema: { $ref: "#/components/schemas/Address" } } } }
      responses: { "204": { description: ok } }
  /v1/invoices:
    get:
      operationId: listInvoices
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: array, items: { $ref: "#/components/schemas/Invoice" } } } } }
  /v1/sigma/queries:
    get:
      operationId: runQuery
      tags: [Sigma Reports, Other]
      responses: { "204": { description: ok } }
components:
  schemas:
    Problem: { type: object, properties: { code: { $ref: "#/components/schemas/Code" } } }
    Code: { type: string, enum: [a, b] }
    CustomerList: { type: object, properties: { data: { type: array, items: { $ref: "#/components/schemas/Customer" } } } }
    Customer: { type: object, properties: { address: { $ref: "#/components/schemas/Address" } } }
    Address: { type: object, properties: { city: { type: string } } }
    Invoice: { type: object, properties: { customer: { $ref: "#/components/schemas/Customer" } } }
    Unused: { type: object, properties: { x: { type: string } } }
"##;

    #[test]
    fn areas_come_from_tags_or_the_first_path_segment_after_the_shared_prefix() {
        let api = lowered(SPEC);
        let split = split(&api).expect("three areas");
        let areas: Vec<(&str, &str, usize)> = split
            .areas
            .iter()
            .map(|a| (a.feature.as_str(), a.source.as_str(), a.operations.len()))
            .collect();
        assert_eq!(
            areas,
            [
                ("customers", "customers", 2),
                ("invoices", "invoices", 1),
                ("sigma_reports", "Sigma Reports", 1)
            ]
        );
    }

    #[test]
    fn each_type_is_compiled_by_the_areas_that_reach_it() {
        let api = lowered(SPEC);
        let split = split(&api).expect("three areas");
        let gate = |name: &str| {
            let at = api.types.iter().position(|t| t.name == name).expect(name);
            split.gates[at].clone()
        };
        // The error body and what it names: every build.
        assert_eq!(gate("Problem"), Gate::Always);
        assert_eq!(gate("Code"), Gate::Always);
        // One area's own types.
        assert_eq!(gate("CustomerList"), Gate::Any(vec![0]));
        assert_eq!(gate("Invoice"), Gate::Any(vec![1]));
        // Shared, transitively (`Invoice` → `Customer` → `Address`).
        assert_eq!(gate("Customer"), Gate::Any(vec![0, 1]));
        assert_eq!(gate("Address"), Gate::Any(vec![0, 1]));
        // Named by no operation: only in the full crate.
        assert_eq!(gate("Unused"), Gate::Full);
        assert_eq!(split.areas[2].types, 2, "sigma needs only the error body's types");
    }

    #[test]
    fn the_error_body_holds_as_json_what_would_bring_many_types_into_every_build() {
        let spec = SPEC.replace(
            "Problem: { type: object, properties: { code: { $ref: \"#/components/schemas/Code\" } } }",
            "Problem: { type: object, properties: { code: { $ref: \"#/components/schemas/Code\" }, \
             customer: { $ref: \"#/components/schemas/Customer\" }, address: { $ref: \"#/components/schemas/Address\" } } }",
        );
        let mut api = lowered(&spec);
        let unchanged = api.clone();
        let before = split(&api).expect("areas");
        let names: Vec<String> = api.types.iter().map(|t| t.name.clone()).collect();
        let at = |name: &str| names.iter().position(|t| t == name).expect(name);
        assert_eq!(before.gates[at("Customer")], Gate::Always, "the error body names it");
        // `Customer` reaches two types, `Address` one: with a bound of one,
        // only `customer` is held.
        assert_eq!(hold_fields(&mut api, 1), 1);
        let TypeKind::Struct { fields, .. } = &api.types[at("Problem")].kind else {
            panic!("a struct")
        };
        let ty = |wire: &str| fields.iter().find(|f| f.wire == wire).expect(wire).ty.clone();
        assert_eq!(ty("customer"), TypeRef::Option(Box::new(TypeRef::Value)));
        assert_eq!(
            ty("address"),
            TypeRef::Option(Box::new(TypeRef::Named("Address".into())))
        );
        assert_eq!(ty("code"), TypeRef::Option(Box::new(TypeRef::Named("Code".into()))));
        let docs = fields
            .iter()
            .find(|f| f.wire == "customer")
            .and_then(|f| f.docs.description.clone());
        assert!(
            docs.is_some_and(|d| d.contains("`customer_as::<Option<types::Customer>>()`")),
            "the field says how to read it"
        );
        let after = split(&api).expect("areas");
        assert_eq!(
            after.gates[at("Customer")],
            Gate::Any(vec![0, 1]),
            "now only where operations use it"
        );
        assert_eq!(
            after.gates[at("Address")],
            Gate::Always,
            "still named by the error body"
        );
        assert_eq!(
            after.areas[2].types, 3,
            "sigma: the error body, its code and the address"
        );
        // Only the error body's own types change; and only in a split crate.
        for (old, new) in unchanged.types.iter().zip(&api.types) {
            if new.name != "Problem" {
                assert_eq!(format!("{old:?}"), format!("{new:?}"));
            }
        }
        let mut small = lowered(&spec);
        assert_eq!(plan(&mut small), None);
        assert_eq!(
            format!("{:?}", small.types),
            format!("{:?}", unchanged.types),
            "a small crate is untouched"
        );
    }

    #[test]
    fn an_error_envelope_stays_typed_and_references_to_far_objects_are_held() {
        let spec = SPEC
            .replace(
                "Problem: { type: object, properties: { code: { $ref: \"#/components/schemas/Code\" } } }",
                "Problem: { type: object, properties: { error: { $ref: \"#/components/schemas/Inner\" } } }\n    \
                 Inner: { type: object, properties: { message: { type: string }, \
                 customer: { $ref: \"#/components/schemas/Customer\" } } }",
            )
            .replace(
                "Invoice: { type: object, properties: { customer: { $ref: \"#/components/schemas/Customer\" } } }",
                "Invoice: { type: object, properties: { customer: { anyOf: [{ type: string }, \
                 { $ref: \"#/components/schemas/Customer\" }] } } }",
            );
        let mut api = lowered(&spec);
        // `Customer` reaches two types, the union of an id and a `Customer` three.
        assert_eq!(hold_fields(&mut api, 1), 2);
        let field = |ty: &str, wire: &str| {
            let def = api.types.iter().find(|t| t.name == ty).expect(ty);
            let TypeKind::Struct { fields, .. } = &def.kind else {
                panic!("{ty}: a struct")
            };
            fields.iter().find(|f| f.wire == wire).expect(wire).ty.clone()
        };
        let json = TypeRef::Option(Box::new(TypeRef::Value));
        assert_eq!(
            field("Problem", "error"),
            TypeRef::Option(Box::new(TypeRef::Named("Inner".into())))
        );
        assert_eq!(field("Inner", "message"), TypeRef::Option(Box::new(TypeRef::String)));
        assert_eq!(
            field("Inner", "customer"),
            json,
            "the error body's object names another"
        );
        assert_eq!(field("Invoice", "customer"), json, "an id or a far object");
        let split = split(&api).expect("areas");
        let gate = |name: &str| split.gates[api.types.iter().position(|t| t.name == name).expect(name)].clone();
        assert_eq!(gate("Inner"), Gate::Always);
        assert_eq!(gate("Customer"), Gate::Any(vec![0]), "now only the customers' own");
        // With a bound the types stay under, nothing changes.
        let mut again = lowered(&spec);
        assert_eq!(hold_fields(&mut again, 3), 0);
    }

    #[test]
    fn a_far_variant_of_a_tagged_union_is_held_and_the_rest_stay_typed() {
        let spec = SPEC
            .replace(
                "items: { $ref: \"#/components/schemas/Invoice\" }",
                "items: { $ref: \"#/components/schemas/Source\" }",
            )
            .replace(
                "Unused: { type: object, properties: { x: { type: string } } }",
                "Source: { anyOf: [{ $ref: \"#/components/schemas/Card\" }, { $ref: \"#/components/schemas/Account\" }] }\n    \
                 Card: { type: object, required: [object], properties: { object: { type: string, enum: [card] } } }\n    \
                 Account: { type: object, required: [object], properties: { object: { type: string, enum: [account] }, \
                 customer: { $ref: \"#/components/schemas/Customer\" } } }\n    \
                 Either: { oneOf: [{ $ref: \"#/components/schemas/Account\" }, { $ref: \"#/components/schemas/Customer\" }] }\n    \
                 Wrapped: { anyOf: [{ $ref: \"#/components/schemas/Card\" }, { $ref: \"#/components/schemas/Envelope\" }] }\n    \
                 Envelope: { type: object, required: [object], properties: { object: { type: string, enum: [envelope] }, \
                 customer: { $ref: \"#/components/schemas/Customer\" } } }",
            )
            // The sigma area returns accounts: an account is a resource of its own.
            .replace(
                "tags: [Sigma Reports, Other]\n      responses: { \"204\": { description: ok } }",
                "tags: [Sigma Reports, Other]\n      responses: { \"200\": { description: ok, content: { application/json: \
                 { schema: { $ref: \"#/components/schemas/Account\" } } } } }",
            );
        assert!(spec.contains("Envelope") && spec.contains("schemas/Account\" } } } } }"));
        let mut api = lowered(&spec);
        let variants = |api: &Api, name: &str| {
            let def = api.types.iter().find(|t| t.name == name).expect(name);
            let TypeKind::Union { variants, .. } = &def.kind else {
                panic!("{name}: a union")
            };
            variants.clone()
        };
        let before = split(&api).expect("areas");
        let names: Vec<String> = api.types.iter().map(|t| t.name.clone()).collect();
        let gate = |split: &Split, name: &str| split.gates[names.iter().position(|t| t == name).expect(name)].clone();
        assert_eq!(
            gate(&before, "Customer"),
            Gate::Always,
            "every area: customers, invoices and sigma through the account"
        );
        // `Account` reaches four types (its tag's enum, `Customer`, `Address`),
        // `Card` two: with a bound of three, only the account is held. The
        // envelope reaches as far, but no operation returns it: kept.
        assert_eq!(hold_variants(&mut api, 3), 1);
        assert_eq!(variants(&api, "Wrapped")[1].ty, TypeRef::Named("Envelope".into()));
        let source = variants(&api, "Source");
        assert_eq!(source[0].ty, TypeRef::Named("Card".into()));
        assert_eq!(source[0].note, None);
        assert_eq!(source[1].ty, TypeRef::Value);
        assert_eq!(source[1].tag_values, ["account"], "the tag still picks it");
        assert!(
            source[1]
                .note
                .as_ref()
                .is_some_and(|n| n.contains("reaches 4 types")
                    && n.contains("`serde_json::from_value::<types::Account>(value)`")),
            "the variant says why and how to read it"
        );
        // An untagged union cannot tell which alternative an object is: kept.
        assert_eq!(variants(&api, "Either")[0].ty, TypeRef::Named("Account".into()));
        let after = split(&api).expect("areas");
        assert_eq!(
            gate(&after, "Customer"),
            Gate::Any(vec![0, 2]),
            "now the customers' own and the accounts' area, not invoices"
        );
        // With a bound the types stay under, nothing changes.
        let mut again = lowered(&spec);
        assert_eq!(hold_variants(&mut again, 4), 0);
    }

    #[test]
    fn small_specs_stay_one_crate() {
        let mut api = lowered(SPEC);
        assert_eq!(plan(&mut api), None, "under the threshold");
        let one_area = SPEC
            .replace("/v1/invoices", "/v1/customers/invoices")
            .replace("tags: [Sigma Reports, Other]", "tags: [customers]");
        let api = lowered(&one_area);
        assert_eq!(split(&api), None, "one area is no split");
    }

    #[test]
    fn feature_names_do_not_clash_with_the_crate_s_own() {
        let spec = SPEC
            .replace("/v1/invoices", "/v1/full")
            .replace("/v1/customers", "/v1/default");
        let api = lowered(&spec);
        let features: Vec<String> = split(&api)
            .expect("areas")
            .areas
            .into_iter()
            .map(|a| a.feature)
            .collect();
        assert_eq!(features, ["default2", "full2", "sigma_reports"]);
    }
}
