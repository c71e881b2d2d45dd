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

/// The split of a crate of `api`'s size, or `None` for one plain crate.
pub(crate) fn plan(api: &Api) -> Option<Split> {
    if api.operations.len() + api.types.len() < SPLIT_FROM {
        return None;
    }
    split(api)
}

/// The split into areas regardless of size; `None` when there is one area.
pub(crate) fn split(api: &Api) -> Option<Split> {
    let areas = areas(&api.operations);
    if areas.len() < 2 {
        return None;
    }
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
            match &def.kind {
                TypeKind::Struct { fields, additional, .. } => {
                    for field in fields {
                        named(&field.ty, &index, &mut out);
                    }
                    if let Some(ty) = additional {
                        named(ty, &index, &mut out);
                    }
                }
                TypeKind::Union { variants, .. } => {
                    for variant in variants {
                        named(&variant.ty, &index, &mut out);
                    }
                }
                TypeKind::Alias(target) => named(target, &index, &mut out),
                TypeKind::Enum { .. } => {}
            }
            out
        })
        .collect();
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
    Some(Split { areas, gates })
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
    match ty {
        TypeRef::Named(name) => out.extend(index.get(name.as_str())),
        TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) | TypeRef::Box(inner) => {
            named(inner, index, out)
        }
        _ => {}
    }
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
    fn small_specs_stay_one_crate() {
        let api = lowered(SPEC);
        assert_eq!(plan(&api), None, "under the threshold");
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
