//! The type mapping: JSON Schema (as OpenAPI 3.0 has it) to Rust types.
//!
//! | schema                                   | Rust                                        |
//! |------------------------------------------|---------------------------------------------|
//! | `string` (any format but enums)          | `String`                                    |
//! | `string` + `format: byte` (base64)       | `Vec<u8>` in fields and variants, else `String` |
//! | `string` + `enum`                        | enum with an `Unknown(String)` catch-all    |
//! | `integer` (`int32`, `int64`, `uint64`)   | `i32`, `i64`, `u64`; wider bounds: `i128`   |
//! | `number` (`float`, `double`)             | `f32`, `f64`                                |
//! | `boolean`                                | `bool`                                      |
//! | `array`                                  | `Vec<T>`                                    |
//! | `object` + `properties`                  | struct; optional fields `Option<T>`         |
//! | `object` + `additionalProperties: T`     | `BTreeMap<String, T>` (flattened in structs)|
//! | `object` alone, `{}`                     | `serde_json::Map` / `serde_json::Value`     |
//! | `allOf`                                  | one struct with the parts' properties merged|
//! | `oneOf`/`anyOf`                          | enum: tagged by the discriminator (or a property each alternative fixes), else untagged |
//! | `nullable: true`                         | `Option<T>`                                 |
//! | `type: "null"` (3.1)                     | `()`                                        |
//! | `prefixItems`, fixed length (3.1)        | a tuple `(A, B)`                            |
//!
//! A struct read from responses also keeps the members the spec does not
//! name (`unknown_fields`, flattened), unless its schema says
//! `additionalProperties: false`.
//!
//! Inline schemas that become types are named from where they stand
//! (`UserQuerySelect` for `UserQuery.select`). Types that contain themselves
//! get a `Box` where the cycle closes.

use super::{Context, SchemaRef, ref_pointer, unescape};
use crate::error::{Error, Pointer};
use crate::load::{TUPLE, WIDE_INTEGER};
use crate::model::{Content, Docs, EnumVariant, Field, Operation, TypeDef, TypeKind, TypeRef, UnionVariant};
use crate::naming::{self, Scope};
use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use std::collections::{HashMap, HashSet};

/// The named types found so far.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    names: Scope,
    /// The type that stands for the schema at a pointer, once known.
    by_pointer: HashMap<Pointer, TypeRef>,
    defs: Vec<TypeDef>,
    /// Component schemas that have a name but no definition yet.
    pending: Vec<(Pointer, String)>,
    /// `$ref` targets being lowered right now (a guard against a schema
    /// that contains itself with no named type in between).
    resolving: HashSet<Pointer>,
}

impl Registry {
    /// All definitions, recursive ones boxed, sorted by name.
    pub fn finish(self, warnings: &mut crate::error::Warnings) -> Vec<TypeDef> {
        let mut defs = self.defs;
        infer_tags(&mut defs);
        place_base64(&mut defs);
        break_alias_cycles(&mut defs, warnings);
        box_cycles(&mut defs);
        defs.sort_by(|a, b| a.name.cmp(&b.name));
        defs
    }
}

/// What a schema turns into, before any name is chosen.
enum Shape {
    /// A type that needs no definition of its own.
    Ref(TypeRef),
    Struct,
    Enum,
    Union,
}

impl Context<'_> {
    /// Give every component schema its name, before anything refers to it.
    pub(super) fn declare_component_schemas(&mut self) -> Result<(), Error> {
        let Some(components) = &self.api.components else {
            return Ok(());
        };
        let base = Pointer::root().push("components").push("schemas");
        for (key, schema) in &components.schemas {
            let at = base.push(key);
            let name = self.types.names.claim(&naming::type_name(key));
            let named = TypeRef::Named(name.clone());
            let nullable = matches!(schema, ReferenceOr::Item(s) if is_nullable(s));
            let ty = if nullable { named.option() } else { named };
            self.types.by_pointer.insert(at.clone(), ty);
            self.types.pending.push((at, name));
        }
        Ok(())
    }

    pub(super) fn define_component_schemas(&mut self) -> Result<(), Error> {
        let Some(components) = &self.api.components else {
            return Ok(());
        };
        let pending = std::mem::take(&mut self.types.pending);
        for (at, name) in pending {
            let key = unescape(at.as_str().rsplit('/').next().unwrap_or_default());
            let schema = &components.schemas[&key];
            match schema {
                ReferenceOr::Reference { reference } => {
                    self.follow(reference, &at)?; // a dangling ref or a cycle of refs is an error
                    let target = self.named_ref(reference, &at)?;
                    self.push_def(name, Docs::default(), at, TypeKind::Alias(target));
                }
                ReferenceOr::Item(schema) => self.define(name, schema, &at)?,
            }
        }
        Ok(())
    }

    /// The Rust type of a schema that stands at `at`; `hint` names it if it
    /// needs a definition of its own.
    pub fn type_of(&mut self, schema: SchemaRef<'_>, hint: &str, at: &Pointer) -> Result<TypeRef, Error> {
        self.nested(at, |cx| match schema {
            SchemaRef::Ref(reference) => cx.named_ref(reference, at),
            SchemaRef::Item(schema) => cx.inline(schema, hint, at),
        })
    }

    /// The Rust type of a parameter, a body or a response: serialized on
    /// its own, with no field to carry the base64 adapter, so base64 bytes
    /// stay text there ([`place_base64`]).
    pub fn wire_type_of(&mut self, schema: SchemaRef<'_>, hint: &str, at: &Pointer) -> Result<TypeRef, Error> {
        let mut ty = self.type_of(schema, hint, at)?;
        base64_as_text(&mut ty);
        Ok(ty)
    }

    /// The type a `$ref` stands for.
    fn named_ref(&mut self, reference: &str, at: &Pointer) -> Result<TypeRef, Error> {
        let pointer = ref_pointer(reference, at)?;
        if let Some(ty) = self.types.by_pointer.get(&pointer) {
            return Ok(ty.clone());
        }
        let (schema, target) = self.resolve_schema(reference, at)?;
        let schema = schema.into_owned();
        if let Some(ty) = self.types.by_pointer.get(&target) {
            let ty = ty.clone();
            self.types.by_pointer.insert(pointer, ty.clone());
            return Ok(ty);
        }
        if !self.types.resolving.insert(target.clone()) {
            self.warnings.warn(
                at,
                "a schema that contains itself with no object in between; typed as any JSON value",
            );
            return Ok(TypeRef::Value);
        }
        let hint = hint_from_pointer(&target);
        let ty = self.inline(&schema, &hint, &target);
        self.types.resolving.remove(&target);
        let ty = ty?;
        self.types.by_pointer.insert(pointer, ty.clone());
        Ok(ty)
    }

    /// The type of a schema written in place.
    fn inline(&mut self, schema: &Schema, hint: &str, at: &Pointer) -> Result<TypeRef, Error> {
        let ty = match self.shape(schema, hint, at)? {
            Shape::Ref(ty) => ty,
            _ => {
                if let Some(ty) = self.types.by_pointer.get(at) {
                    return Ok(ty.clone());
                }
                let name = self.types.names.claim(&naming::type_name(hint));
                let named = TypeRef::Named(name.clone());
                let ty = if is_nullable(schema) { named.option() } else { named };
                self.types.by_pointer.insert(at.clone(), ty.clone());
                self.define(name, schema, at)?;
                return Ok(ty);
            }
        };
        Ok(if is_nullable(schema) { ty.option() } else { ty })
    }

    /// Define the type `name` from `schema`.
    fn define(&mut self, name: String, schema: &Schema, at: &Pointer) -> Result<(), Error> {
        let docs = schema_docs(schema);
        let kind = match self.shape(schema, &name, at)? {
            Shape::Ref(ty) => TypeKind::Alias(ty),
            Shape::Struct => self.struct_kind(schema, &name, at)?,
            Shape::Enum => enum_kind(schema),
            Shape::Union => self.union_kind(schema, &name, at)?,
        };
        self.push_def(name, docs, at.clone(), kind);
        Ok(())
    }

    fn push_def(&mut self, name: String, docs: Docs, at: Pointer, kind: TypeKind) {
        self.types.defs.push(TypeDef { name, docs, at, kind });
    }

    fn shape(&mut self, schema: &Schema, hint: &str, at: &Pointer) -> Result<Shape, Error> {
        if !schema.schema_data.extensions.is_empty()
            && let Some(items) = schema.schema_data.extensions.get(TUPLE)
        {
            return Ok(Shape::Ref(self.tuple_type(items, hint, at)?));
        }
        let shape = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                if s.enumeration.iter().any(Option::is_some) {
                    Shape::Enum
                } else if matches!(s.format, VariantOrUnknownOrEmpty::Item(StringFormat::Byte)) {
                    Shape::Ref(TypeRef::Base64)
                } else {
                    Shape::Ref(TypeRef::String)
                }
            }
            SchemaKind::Type(Type::Number(n)) => Shape::Ref(match n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            }),
            SchemaKind::Type(Type::Integer(i)) => Shape::Ref(integer_type(schema, &i.format)),
            SchemaKind::Type(Type::Boolean(_)) => Shape::Ref(TypeRef::Bool),
            SchemaKind::Type(Type::Object(o)) => {
                if o.properties.is_empty() {
                    Shape::Ref(self.map_type(o.additional_properties.as_ref(), hint, at)?)
                } else {
                    Shape::Struct
                }
            }
            SchemaKind::Type(Type::Array(a)) => Shape::Ref(self.array_type(a.items.as_ref(), hint, at)?),
            SchemaKind::OneOf { one_of: alternatives } | SchemaKind::AnyOf { any_of: alternatives } => {
                let keyword = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) {
                    "oneOf"
                } else {
                    "anyOf"
                };
                self.union_shape(alternatives, keyword, hint, at)?
            }
            SchemaKind::AllOf { all_of } => match all_of.as_slice() {
                [] => Shape::Ref(TypeRef::Value),
                [single] => {
                    let single = self.type_of(single.into(), hint, &at.push("allOf").push("0"))?;
                    Shape::Ref(single)
                }
                parts => {
                    if self.all_objects(parts, at)? {
                        Shape::Struct
                    } else {
                        // Parts that are not objects (constraints on one
                        // primitive): the first part's type stands for all.
                        Shape::Ref(self.type_of((&parts[0]).into(), hint, &at.push("allOf").push("0"))?)
                    }
                }
            },
            SchemaKind::Not { .. } => Shape::Ref(TypeRef::Value),
            SchemaKind::Any(any) => {
                if !any.one_of.is_empty() {
                    self.union_shape(&any.one_of, "oneOf", hint, at)?
                } else if !any.any_of.is_empty() {
                    self.union_shape(&any.any_of, "anyOf", hint, at)?
                } else if !any.properties.is_empty() || (!any.all_of.is_empty() && !is_primitive(any.typ.as_deref())) {
                    Shape::Struct
                } else if let [single] = any.all_of.as_slice() {
                    // A primitive `type` beside one `allOf` part (an enum, say): that part's type.
                    Shape::Ref(self.type_of(single.into(), hint, &at.push("allOf").push("0"))?)
                } else if any.items.is_some() || any.typ.as_deref() == Some("array") {
                    Shape::Ref(self.array_type(any.items.as_ref(), hint, at)?)
                } else {
                    match any.typ.as_deref() {
                        Some("object") => Shape::Ref(self.map_type(any.additional_properties.as_ref(), hint, at)?),
                        Some("string") if any.enumeration.iter().any(|v| v.is_string()) => Shape::Enum,
                        Some("string") => Shape::Ref(TypeRef::String),
                        Some("integer") => Shape::Ref(TypeRef::I64),
                        Some("number") => Shape::Ref(TypeRef::F64),
                        Some("boolean") => Shape::Ref(TypeRef::Bool),
                        Some("null") => Shape::Ref(TypeRef::Unit),
                        None if any.additional_properties.is_some() => {
                            Shape::Ref(self.map_type(any.additional_properties.as_ref(), hint, at)?)
                        }
                        _ => Shape::Ref(TypeRef::Value),
                    }
                }
            }
        };
        Ok(shape)
    }

    fn union_shape(
        &mut self,
        alternatives: &[ReferenceOr<Schema>],
        keyword: &str,
        hint: &str,
        at: &Pointer,
    ) -> Result<Shape, Error> {
        let real: Vec<(usize, &ReferenceOr<Schema>)> = alternatives
            .iter()
            .enumerate()
            .filter(|(_, s)| !is_null_type(s))
            .collect();
        Ok(match real.as_slice() {
            [] => Shape::Ref(TypeRef::Value),
            [(index, single)] => {
                let ty = self.type_of((*single).into(), hint, &at.push(keyword).push(index.to_string()))?;
                Shape::Ref(ty)
            }
            _ => Shape::Union,
        })
    }

    fn array_type(
        &mut self,
        items: Option<&ReferenceOr<Box<Schema>>>,
        hint: &str,
        at: &Pointer,
    ) -> Result<TypeRef, Error> {
        let item = match items {
            Some(items) => self.type_of(items.into(), &format!("{hint}Item"), &at.push("items"))?,
            None => TypeRef::Value,
        };
        Ok(TypeRef::Vec(Box::new(item)))
    }

    /// A tuple: each item typed from its own schema (the loader's [`TUPLE`]).
    fn tuple_type(&mut self, items: &serde_json::Value, hint: &str, at: &Pointer) -> Result<TypeRef, Error> {
        let here = at.push("prefixItems");
        let list = items.as_array().map(Vec::as_slice).unwrap_or_default();
        let mut types = Vec::with_capacity(list.len());
        for (index, item) in list.iter().enumerate() {
            let place = here.push(index.to_string());
            let item: ReferenceOr<Schema> =
                serde::Deserialize::deserialize(item).map_err(|err| Error::invalid(&place, err.to_string()))?;
            types.push(self.type_of((&item).into(), &format!("{hint}Item{index}"), &place)?);
        }
        Ok(TypeRef::Tuple(types))
    }

    fn map_type(
        &mut self,
        additional: Option<&AdditionalProperties>,
        hint: &str,
        at: &Pointer,
    ) -> Result<TypeRef, Error> {
        Ok(match additional {
            Some(AdditionalProperties::Schema(schema)) => {
                let value = self.type_of(
                    schema.as_ref().into(),
                    &format!("{hint}Value"),
                    &at.push("additionalProperties"),
                )?;
                TypeRef::Map(Box::new(value))
            }
            _ => TypeRef::Object,
        })
    }

    /// Whether every `allOf` part is an object (or itself a merge of objects).
    fn all_objects(&self, parts: &[ReferenceOr<Schema>], at: &Pointer) -> Result<bool, Error> {
        for (index, part) in parts.iter().enumerate() {
            let here = at.push("allOf").push(index.to_string());
            let (schema, _) = match part {
                ReferenceOr::Reference { reference } => self.resolve_schema(reference, &here)?,
                ReferenceOr::Item(schema) => (std::borrow::Cow::Borrowed(schema), here),
            };
            let object = match &schema.schema_kind {
                SchemaKind::Type(Type::Object(_)) | SchemaKind::AllOf { .. } => true,
                SchemaKind::Any(any) => {
                    !any.properties.is_empty()
                        || !any.all_of.is_empty()
                        || any.typ.as_deref() == Some("object")
                        || (any.typ.is_none() && any.one_of.is_empty() && any.any_of.is_empty())
                }
                SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => true,
                _ => false,
            };
            if !object {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn struct_kind(&mut self, schema: &Schema, name: &str, at: &Pointer) -> Result<TypeKind, Error> {
        let mut parts = ObjectParts::default();
        let mut visited = HashSet::new();
        self.collect_object(schema, at, &mut parts, &mut visited)?;

        let mut scope = Scope::new();
        let mut fields = Vec::with_capacity(parts.properties.len());
        for (wire, (property, here)) in &parts.properties {
            let field_name = scope.claim(&naming::snake(wire, "field"));
            let hint = format!("{name}{}", naming::pascal(wire, "", "Field"));
            let ty = self.type_of(property.as_ref(), &hint, here)?;
            let data = match property {
                Property::Item(schema) => Some(&schema.schema_data),
                Property::Ref(_) => None,
            };
            // A read-only property is never in a request, so the caller
            // cannot be made to give it; a write-only one is required in
            // the requests it belongs to.
            let read_only = data.is_some_and(|d| d.read_only);
            let required = parts.required.contains(wire.as_str()) && !read_only;
            let (ty, skip_if_none) = if required { (ty, false) } else { (ty.option(), true) };
            let secret = is_secret(wire, property, &ty);
            let docs = match property {
                Property::Item(schema) => schema_docs(schema),
                Property::Ref(_) => Docs::default(),
            };
            fields.push(Field {
                name: field_name,
                wire: wire.clone(),
                ty,
                skip_if_none,
                secret,
                deprecated: data.is_some_and(|d| d.deprecated),
                docs,
            });
        }
        let closed = matches!(parts.additional, Some((AdditionalProperties::Any(false), _)));
        let additional = match parts.additional {
            Some((AdditionalProperties::Schema(schema), here)) => Some(self.type_of(
                schema.as_ref().into(),
                &format!("{name}Value"),
                &here.push("additionalProperties"),
            )?),
            Some((AdditionalProperties::Any(true), _)) => Some(TypeRef::Value),
            _ => None,
        };
        // Whether the type is read from a response is known only once every
        // operation is lowered: see `keep_unknown_fields_where_read`.
        let unknown_fields = !closed && additional.is_none();
        Ok(TypeKind::Struct {
            fields,
            additional,
            unknown_fields,
        })
    }

    /// Gather the properties of an object schema, following `allOf`.
    fn collect_object(
        &mut self,
        schema: &Schema,
        at: &Pointer,
        parts: &mut ObjectParts,
        visited: &mut HashSet<Pointer>,
    ) -> Result<(), Error> {
        if !visited.insert(at.clone()) {
            return Ok(());
        }
        let (properties, required, additional, all_of, unions) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => (
                Some(&o.properties),
                &o.required[..],
                o.additional_properties.as_ref(),
                &[][..],
                false,
            ),
            SchemaKind::AllOf { all_of } => (None, &[][..], None, &all_of[..], false),
            SchemaKind::Any(any) => (
                Some(&any.properties),
                &any.required[..],
                any.additional_properties.as_ref(),
                &any.all_of[..],
                !any.one_of.is_empty() || !any.any_of.is_empty(),
            ),
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => (None, &[][..], None, &[][..], true),
            _ => (None, &[][..], None, &[][..], false),
        };
        if unions {
            self.warnings.warn(
                at,
                "the alternatives (`oneOf`/`anyOf`) of a merged object are not merged; their properties are left out",
            );
        }
        for (index, part) in all_of.iter().enumerate() {
            let here = at.push("allOf").push(index.to_string());
            match part {
                ReferenceOr::Reference { reference } => {
                    let (target, pointer) = self.resolve_schema(reference, &here)?;
                    let target = target.into_owned();
                    self.nested(&here, |cx| cx.collect_object(&target, &pointer, parts, visited))?;
                }
                ReferenceOr::Item(item) => self.nested(&here, |cx| cx.collect_object(item, &here, parts, visited))?,
            }
        }
        if let Some(properties) = properties {
            for (key, property) in properties {
                let here = at.push("properties").push(key);
                let property = match property {
                    ReferenceOr::Reference { reference } => Property::Ref(reference.clone()),
                    ReferenceOr::Item(schema) => Property::Item(schema.clone()),
                };
                parts.properties.insert(key.clone(), (property, here));
            }
        }
        parts.required.extend(required.iter().cloned());
        if let Some(additional) = additional {
            parts.additional = Some((additional.clone(), at.clone()));
        }
        Ok(())
    }

    fn union_kind(&mut self, schema: &Schema, name: &str, at: &Pointer) -> Result<TypeKind, Error> {
        let (keyword, alternatives) = match &schema.schema_kind {
            SchemaKind::OneOf { one_of } => ("oneOf", one_of),
            SchemaKind::AnyOf { any_of } => ("anyOf", any_of),
            SchemaKind::Any(any) if !any.one_of.is_empty() => ("oneOf", &any.one_of),
            SchemaKind::Any(any) => ("anyOf", &any.any_of),
            _ => unreachable!("union_kind is only called for unions"),
        };
        let discriminator = schema.schema_data.discriminator.as_ref();
        let tag_values_by_target = discriminator.map(|d| mapping_by_target(&d.mapping)).unwrap_or_default();
        let mut scope = Scope::new();
        let mut variants: Vec<UnionVariant> = Vec::new();
        let mut types_seen = HashSet::new();
        for (index, alternative) in alternatives.iter().enumerate() {
            if is_null_type(alternative) {
                continue;
            }
            let here = at.push(keyword).push(index.to_string());
            let (base, target) = match alternative {
                ReferenceOr::Reference { reference } => {
                    let target = ref_pointer(reference, &here)?;
                    (hint_from_pointer(&target), Some(target))
                }
                ReferenceOr::Item(item) => (variant_base_name(item, index), None),
            };
            let variant_name = scope.claim(&naming::pascal(&base, "V", "Variant"));
            let ty = self.type_of(alternative.into(), &format!("{name}{variant_name}"), &here)?;
            if !types_seen.insert(ty.clone()) {
                continue; // the same Rust type twice adds nothing
            }
            let tag_values = match (discriminator, &target) {
                (Some(_), Some(target)) => {
                    let mut values = tag_values_by_target.get(target).cloned().unwrap_or_default();
                    if values.is_empty() {
                        values.push(unescape(target.as_str().rsplit('/').next().unwrap_or_default()));
                    }
                    values
                }
                _ => Vec::new(),
            };
            variants.push(UnionVariant {
                name: variant_name,
                ty,
                tag_values,
                note: None,
            });
        }
        let unknown = scope.claim("Unknown");
        Ok(TypeKind::Union {
            variants,
            tag: discriminator.map(|d| d.property_name.clone()),
            unknown,
        })
    }
}

#[derive(Default)]
struct ObjectParts {
    properties: IndexMap<String, (Property, Pointer)>,
    required: HashSet<String>,
    additional: Option<(AdditionalProperties, Pointer)>,
}

/// A property's schema, owned (it may come from a resolved `$ref`).
enum Property {
    Ref(String),
    Item(Box<Schema>),
}

impl Property {
    fn as_ref(&self) -> SchemaRef<'_> {
        match self {
            Property::Ref(reference) => SchemaRef::Ref(reference),
            Property::Item(schema) => SchemaRef::Item(schema),
        }
    }
}

fn enum_kind(schema: &Schema) -> TypeKind {
    let values: Vec<String> = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => s.enumeration.iter().flatten().cloned().collect(),
        SchemaKind::Any(any) => any
            .enumeration
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    let mut scope = Scope::new();
    let mut variants = Vec::new();
    let mut seen = HashSet::new();
    for value in values {
        if !seen.insert(value.clone()) {
            continue;
        }
        variants.push(EnumVariant {
            name: scope.claim(&naming::pascal(&value, "V", "Empty")),
            wire: value,
        });
    }
    let unknown = if scope.contains("Unknown") {
        scope.claim("UnknownValue")
    } else {
        scope.claim("Unknown")
    };
    TypeKind::Enum { variants, unknown }
}

fn integer_type(schema: &Schema, format: &VariantOrUnknownOrEmpty<IntegerFormat>) -> TypeRef {
    match schema.schema_data.extensions.get(WIDE_INTEGER).and_then(|v| v.as_str()) {
        Some("u64") => return TypeRef::U64,
        Some("i128") => return TypeRef::I128,
        _ => {}
    }
    match format {
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
        VariantOrUnknownOrEmpty::Unknown(f) if f == "uint32" => TypeRef::U32,
        VariantOrUnknownOrEmpty::Unknown(f) if f == "uint64" || f == "uint" => TypeRef::U64,
        _ => TypeRef::I64,
    }
}

fn is_primitive(typ: Option<&str>) -> bool {
    matches!(typ, Some("string" | "integer" | "number" | "boolean"))
}

pub(super) fn is_nullable(schema: &Schema) -> bool {
    if schema.schema_data.nullable {
        return true;
    }
    match &schema.schema_kind {
        SchemaKind::OneOf { one_of: alternatives } | SchemaKind::AnyOf { any_of: alternatives } => {
            alternatives.iter().any(is_null_type)
        }
        SchemaKind::Any(any) => any.one_of.iter().chain(&any.any_of).any(is_null_type),
        _ => false,
    }
}

/// `{type: "null"}` (JSON Schema / OpenAPI 3.1), found among alternatives.
fn is_null_type(schema: &ReferenceOr<Schema>) -> bool {
    matches!(schema, ReferenceOr::Item(Schema { schema_kind: SchemaKind::Any(any), .. }) if any.typ.as_deref() == Some("null"))
}

pub(super) fn schema_docs(schema: &Schema) -> Docs {
    Docs {
        summary: schema.schema_data.title.clone(),
        description: schema.schema_data.description.clone(),
    }
}

/// Whether a property holds a secret that must stay out of `Debug` output:
/// `format: password`, or a string whose name says so.
fn is_secret(wire: &str, property: &Property, ty: &TypeRef) -> bool {
    if let Property::Item(schema) = property {
        let password_format = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                matches!(s.format, VariantOrUnknownOrEmpty::Item(StringFormat::Password))
            }
            SchemaKind::Any(any) => any.format.as_deref() == Some("password"),
            _ => false,
        };
        if password_format {
            return true;
        }
    }
    matches!(ty.unwrap_option(), TypeRef::String) && naming::is_secret_name(wire)
}

/// A type-name hint from where a schema stands (`/components/schemas/Pet` → `Pet`).
fn hint_from_pointer(at: &Pointer) -> String {
    let tokens: Vec<String> = at.as_str().split('/').skip(1).map(unescape).collect();
    let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
    match tokens.as_slice() {
        [.., "components", "schemas", name] => (*name).to_owned(),
        [.., parent, last] if last.chars().all(|c| c.is_ascii_digit()) || *last == "schema" => {
            format!("{parent} {last}")
        }
        [.., last] => (*last).to_owned(),
        [] => "Root".to_owned(),
    }
}

fn variant_base_name(schema: &Schema, index: usize) -> String {
    if let Some(title) = &schema.schema_data.title {
        return title.clone();
    }
    let kind = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if s.enumeration.iter().any(Option::is_some) => "Enum",
        SchemaKind::Type(Type::String(s)) if matches!(s.format, VariantOrUnknownOrEmpty::Item(StringFormat::Byte)) => {
            "Bytes"
        }
        SchemaKind::Type(Type::String(_)) => "String",
        SchemaKind::Type(Type::Integer(_)) => "Integer",
        SchemaKind::Type(Type::Number(_)) => "Number",
        SchemaKind::Type(Type::Boolean(_)) => "Boolean",
        SchemaKind::Type(Type::Array(_)) => "Array",
        SchemaKind::Type(Type::Object(o)) if o.properties.is_empty() => "Map",
        SchemaKind::Any(any) => match any.typ.as_deref() {
            Some("string") => "String",
            Some("integer") => "Integer",
            Some("number") => "Number",
            Some("boolean") => "Boolean",
            Some("array") => "Array",
            _ => return format!("Variant{index}"),
        },
        _ => return format!("Variant{index}"),
    };
    kind.to_owned()
}

/// The discriminator values of each mapping target, in the mapping's order
/// (looked up once per alternative, not searched: a wide `oneOf` stays linear).
fn mapping_by_target(mapping: &IndexMap<String, String>) -> HashMap<Pointer, Vec<String>> {
    let mut by_target: HashMap<Pointer, Vec<String>> = HashMap::new();
    for (value, to) in mapping {
        by_target.entry(mapping_target(to)).or_default().push(value.clone());
    }
    by_target
}

/// Tags from what the alternatives' objects say of themselves.
///
/// - A union the spec gives no discriminator, whose alternatives are
///   objects that each require a property of one fixed string value, the
///   same property in all and a different value in each (Stripe's `object`:
///   `"card"`, `"bank_account"`, ...), is tagged by that property, as if the
///   spec named it the discriminator. Untagged, such a union read every
///   object as its first alternative whose required fields it had: a string
///   enum keeps values it does not know, so a card was read as an account.
///   The property chosen is the first such one of the first alternative.
/// - A union with a discriminator also takes, for each alternative whose
///   object fixes the discriminator's property to a value no alternative
///   is mapped from, that value (first: it is what the server sends).
///   OpenAI names `role` the discriminator of its chat messages with no
///   mapping, so by the letter of OpenAPI the values are the schemas' names
///   (`ChatCompletionRequestUserMessage`), while each message says
///   `"role": "user"`, the one value its object allows.
fn infer_tags(defs: &mut [TypeDef]) {
    let index: HashMap<&str, usize> = defs.iter().enumerate().map(|(i, d)| (d.name.as_str(), i)).collect();
    // The definition a type names, through aliases (a few steps: an alias
    // chain that long is not worth following).
    let definition = |ty: &TypeRef| -> Option<usize> {
        let mut ty = match ty {
            TypeRef::Box(inner) => &**inner,
            other => other,
        };
        for _ in 0..4 {
            let TypeRef::Named(name) = ty else { return None };
            let at = *index.get(name.as_str())?;
            match &defs[at].kind {
                TypeKind::Alias(target) => ty = target,
                _ => return Some(at),
            }
        }
        None
    };
    // Each object's required properties of one fixed string value, in
    // order and by name; once per object, however many unions name it.
    type Fixed<'d> = (Vec<(&'d str, &'d str)>, HashMap<&'d str, &'d str>);
    let fixed_of = |at: usize| -> Option<Fixed<'_>> {
        let TypeKind::Struct { fields, .. } = &defs[at].kind else {
            return None;
        };
        let list: Vec<(&str, &str)> = fields
            .iter()
            .filter_map(|field| match definition(&field.ty).map(|at| &defs[at].kind) {
                Some(TypeKind::Enum { variants, .. }) if variants.len() == 1 => {
                    Some((field.wire.as_str(), variants[0].wire.as_str()))
                }
                _ => None,
            })
            .collect();
        let by_name = list.iter().copied().collect();
        Some((list, by_name))
    };
    fn union(def: &TypeDef) -> Option<(&[UnionVariant], Option<&str>)> {
        match &def.kind {
            TypeKind::Union { variants, tag, .. } => Some((variants, tag.as_deref())),
            _ => None,
        }
    }
    let mut fixed: HashMap<usize, Option<Fixed<'_>>> = HashMap::new();
    for (variants, _) in defs.iter().filter_map(union) {
        for at in variants.iter().filter_map(|v| definition(&v.ty)) {
            fixed.entry(at).or_insert_with(|| fixed_of(at));
        }
    }
    let fixed_of_variant = |v: &UnionVariant| fixed.get(&definition(&v.ty)?)?.as_ref();
    // (union, its property, each variant's values), and (union, variant, a
    // value it also takes).
    let mut tags: Vec<(usize, String, Vec<String>)> = Vec::new();
    let mut more: Vec<(usize, usize, String)> = Vec::new();
    for (at, def) in defs.iter().enumerate() {
        match union(def) {
            Some((variants, Some(tag))) => {
                let mut taken: HashSet<&str> = variants
                    .iter()
                    .flat_map(|v| &v.tag_values)
                    .map(String::as_str)
                    .collect();
                for (number, variant) in variants.iter().enumerate() {
                    if let Some(&value) = fixed_of_variant(variant).and_then(|(_, by_name)| by_name.get(tag))
                        && taken.insert(value)
                    {
                        more.push((at, number, value.to_owned()));
                    }
                }
            }
            Some((variants, None)) if variants.len() >= 2 => {
                let Some(each) = variants
                    .iter()
                    .map(fixed_of_variant)
                    .collect::<Option<Vec<&Fixed<'_>>>>()
                else {
                    continue;
                };
                // The first property of the first alternative that every
                // alternative fixes, to a value of its own.
                let tag = each[0].0.iter().map(|&(wire, _)| wire).find(|&wire| {
                    let mut values = HashSet::new();
                    each.iter()
                        .all(|(_, by_name)| by_name.get(wire).is_some_and(|value| values.insert(*value)))
                });
                if let Some(tag) = tag {
                    let values = each.iter().map(|(_, by_name)| by_name[tag].to_owned()).collect();
                    tags.push((at, tag.to_owned(), values));
                }
            }
            _ => {}
        }
    }
    for (at, property, values) in tags {
        if let TypeKind::Union { variants, tag, .. } = &mut defs[at].kind {
            *tag = Some(property);
            for (variant, value) in variants.iter_mut().zip(values) {
                variant.tag_values = vec![value];
            }
        }
    }
    for (at, number, value) in more {
        if let TypeKind::Union { variants, .. } = &mut defs[at].kind {
            variants[number].tag_values.insert(0, value);
        }
    }
}

/// Base64 bytes (`format: byte`) are `Vec<u8>` only where a serde attribute
/// can name the runtime's adapter: a struct field or a union variant, with
/// `Option`, `Vec` and `BTreeMap` around the bytes in any nesting (one
/// adapter reads them all). Elsewhere the base64 text is kept as a `String`:
/// an alias (a `$ref` to it gives a field no sign of the bytes), a tuple's
/// items, the flattened `additionalProperties` of a struct, and (by
/// `wire_type_of`) parameters, bodies and responses.
fn place_base64(defs: &mut [TypeDef]) {
    for def in defs.iter_mut() {
        match &mut def.kind {
            TypeKind::Struct { fields, additional, .. } => {
                for field in fields.iter_mut() {
                    if !adaptable(&field.ty) {
                        base64_as_text(&mut field.ty);
                    }
                }
                if let Some(additional) = additional {
                    base64_as_text(additional);
                }
            }
            TypeKind::Union { variants, tag, .. } => {
                // A tagged union decodes its variants from a JSON value, with
                // no field attributes: text there.
                let tagged = tag.is_some();
                for variant in variants.iter_mut() {
                    if tagged || !adaptable(&variant.ty) {
                        base64_as_text(&mut variant.ty);
                    }
                }
                // Text that was bytes may now repeat another variant.
                let mut seen: Vec<TypeRef> = Vec::new();
                variants.retain(|v| {
                    let repeat = seen.contains(&v.ty);
                    seen.push(v.ty.clone());
                    !repeat
                });
            }
            TypeKind::Alias(target) => base64_as_text(target),
            TypeKind::Enum { .. } => {}
        }
    }
}

/// Whether the runtime's base64 adapter reads and writes `ty`: the bytes,
/// or an `Option`, `Vec` or map of such a type.
fn adaptable(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Base64 => true,
        TypeRef::Option(inner) | TypeRef::Vec(inner) | TypeRef::Map(inner) => adaptable(inner),
        _ => false,
    }
}

/// Every base64 value in `ty` kept as its text.
fn base64_as_text(ty: &mut TypeRef) {
    match ty {
        TypeRef::Base64 => *ty = TypeRef::String,
        TypeRef::Option(inner) | TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Box(inner) => {
            base64_as_text(inner);
        }
        TypeRef::Tuple(items) => items.iter_mut().for_each(base64_as_text),
        _ => {}
    }
}

/// A discriminator mapping value: a `$ref` string or a bare schema name.
fn mapping_target(to: &str) -> Pointer {
    if to.starts_with('#') {
        Pointer::from_ref(to).unwrap_or_default()
    } else {
        Pointer::root().push("components").push("schemas").push(to)
    }
}

/// Only types read from a success response keep unknown fields: a type that
/// is only ever sent has nothing to keep, and its users need not name the
/// field when they write one.
pub(super) fn keep_unknown_fields_where_read(defs: &mut [TypeDef], operations: &[Operation]) {
    let index: HashMap<&str, usize> = defs.iter().enumerate().map(|(i, d)| (d.name.as_str(), i)).collect();
    let mut read = vec![false; defs.len()];
    let mut stack: Vec<&TypeRef> = operations
        .iter()
        .flat_map(|op| &op.successes)
        .filter_map(|success| match &success.content {
            Content::Json(ty) => Some(ty),
            _ => None,
        })
        .collect();
    while let Some(ty) = stack.pop() {
        match ty {
            TypeRef::Named(name) => {
                if let Some(&i) = index.get(name.as_str())
                    && !read[i]
                {
                    read[i] = true;
                    stack.extend(defs[i].kind.refs());
                }
            }
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) | TypeRef::Box(inner) => {
                stack.push(inner)
            }
            _ => {}
        }
    }
    for (def, read) in defs.iter_mut().zip(read) {
        if let TypeKind::Struct { unknown_fields, .. } = &mut def.kind {
            *unknown_fields &= read;
        }
    }
}

/// Box the fields and variants through which a type contains itself.
///
/// A type is "contained by value" through fields, `Option`, aliases and
/// variants, not through `Vec` or maps. The strongly connected components of
/// that graph are the recursive groups; an edge inside a group is boxed.
fn box_cycles(defs: &mut [TypeDef]) {
    let index: HashMap<&str, usize> = defs.iter().enumerate().map(|(i, d)| (d.name.as_str(), i)).collect();
    let edges: Vec<Vec<usize>> = defs
        .iter()
        .map(|def| {
            let mut out = Vec::new();
            let mut add = |ty: &TypeRef| {
                if let Some(name) = by_value_name(ty)
                    && let Some(&i) = index.get(name)
                {
                    out.push(i);
                }
            };
            match &def.kind {
                TypeKind::Struct { fields, .. } => fields.iter().for_each(|f| add(&f.ty)),
                TypeKind::Union { variants, .. } => variants.iter().for_each(|v| add(&v.ty)),
                TypeKind::Alias(ty) => add(ty),
                TypeKind::Enum { .. } => {}
            }
            out
        })
        .collect();
    let component = strongly_connected(&edges);
    let mut sizes: HashMap<usize, usize> = HashMap::new();
    for &c in &component {
        *sizes.entry(c).or_default() += 1;
    }
    let group_size = |c: usize| sizes.get(&c).copied().unwrap_or(0);
    let index: HashMap<String, usize> = defs.iter().enumerate().map(|(i, d)| (d.name.clone(), i)).collect();
    for (i, def) in defs.iter_mut().enumerate() {
        let recursive = |ty: &TypeRef| -> bool {
            let Some(name) = by_value_name(ty) else { return false };
            let Some(&j) = index.get(name) else {
                return false;
            };
            component[j] == component[i] && (i == j || group_size(component[i]) > 1)
        };
        match &mut def.kind {
            TypeKind::Struct { fields, .. } => {
                for field in fields.iter_mut() {
                    if recursive(&field.ty) {
                        field.ty = boxed(field.ty.clone());
                    }
                }
            }
            TypeKind::Union { variants, .. } => {
                for variant in variants.iter_mut() {
                    if recursive(&variant.ty) {
                        variant.ty = boxed(variant.ty.clone());
                    }
                }
            }
            _ => {}
        }
    }
}

/// `type A = Vec<A>` is not Rust: an alias that reaches itself through
/// other aliases (whatever the wrappers) becomes `serde_json::Value`.
fn break_alias_cycles(defs: &mut [TypeDef], warnings: &mut crate::error::Warnings) {
    let index: HashMap<String, usize> = defs.iter().enumerate().map(|(i, d)| (d.name.clone(), i)).collect();
    let edges: Vec<Vec<usize>> = defs
        .iter()
        .map(|def| match &def.kind {
            TypeKind::Alias(target) => target
                .model_name()
                .and_then(|name| index.get(name).copied())
                .filter(|&j| matches!(defs[j].kind, TypeKind::Alias(_)))
                .into_iter()
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    let component = strongly_connected(&edges);
    for i in 0..defs.len() {
        let in_cycle = edges[i].contains(&i) || edges[i].iter().any(|&j| j != i && component[j] == component[i]);
        if in_cycle {
            warnings.warn(
                &defs[i].at,
                "a type that is only itself (through arrays or maps); typed as any JSON value",
            );
            defs[i].kind = TypeKind::Alias(TypeRef::Value);
        }
    }
}

/// The named type a field holds by value, if any.
fn by_value_name(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(name) => Some(name),
        TypeRef::Option(inner) => by_value_name(inner),
        _ => None,
    }
}

fn boxed(ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::Option(inner) => TypeRef::Option(Box::new(boxed(*inner))),
        other => TypeRef::Box(Box::new(other)),
    }
}

/// Tarjan's algorithm, iterative: the component number of each node.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![usize::MAX; n];
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some((node, edge)) = work.pop() {
            if edge == 0 {
                index[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&next) = edges[node].get(edge) {
                work.push((node, edge + 1));
                if index[next] == usize::MAX {
                    work.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
                continue;
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::strongly_connected;
    use crate::model::{Api, TypeKind};

    fn lowered(spec: &str) -> Api {
        let mut warnings = crate::error::Warnings::default();
        let limits = crate::Limits::default();
        let document = crate::load::parse(spec, &limits, &mut warnings).expect("the spec parses");
        crate::lower::lower(&document.api, &document.raw, &limits, &mut warnings).expect("the spec lowers")
    }

    /// The union's tag property and each variant's values.
    fn tag_of(api: &Api, name: &str) -> (Option<String>, Vec<Vec<String>>) {
        let def = api.types.iter().find(|d| d.name == name).expect("the union");
        let TypeKind::Union { variants, tag, .. } = &def.kind else {
            panic!("{name} is not a union")
        };
        (tag.clone(), variants.iter().map(|v| v.tag_values.clone()).collect())
    }

    #[test]
    fn tags_come_from_the_property_each_object_fixes() {
        let api = lowered(
            r##"
openapi: 3.0.3
info: { title: T, version: "1" }
paths: {}
components:
  schemas:
    Source: { anyOf: [{ $ref: "#/components/schemas/Card" }, { $ref: "#/components/schemas/Bank" }, { $ref: "#/components/schemas/Named" }] }
    Card:
      type: object
      required: [kind, object]
      properties: { kind: { type: string, enum: [x] }, object: { type: string, enum: [card] } }
    Bank:
      type: object
      required: [object, kind]
      properties: { object: { type: string, enum: [bank_account] }, kind: { type: string, enum: [x] } }
    Named: { $ref: "#/components/schemas/Account" }
    Account:
      type: object
      required: [object, kind]
      properties: { object: { $ref: "#/components/schemas/AccountObject" }, kind: { type: string, enum: [x] } }
    AccountObject: { type: string, enum: [account] }
    SameValue: { oneOf: [{ $ref: "#/components/schemas/Card" }, { $ref: "#/components/schemas/Card2" }] }
    Card2:
      type: object
      required: [object]
      properties: { object: { type: string, enum: [card] }, deleted: { type: boolean } }
    Optional: { oneOf: [{ $ref: "#/components/schemas/Card" }, { $ref: "#/components/schemas/Loose" }] }
    Loose:
      type: object
      properties: { object: { type: string, enum: [loose] } }
    WithString: { anyOf: [{ type: string }, { $ref: "#/components/schemas/Card" }, { $ref: "#/components/schemas/Bank" }] }
    Declared:
      oneOf: [{ $ref: "#/components/schemas/Card" }, { $ref: "#/components/schemas/Bank" }]
      discriminator: { propertyName: kind }
    Message:
      oneOf: [{ $ref: "#/components/schemas/User" }, { $ref: "#/components/schemas/System" }, { $ref: "#/components/schemas/Loose" }]
      discriminator: { propertyName: role, mapping: { sys: "#/components/schemas/System" } }
    User:
      type: object
      required: [role]
      properties: { role: { type: string, enum: [user] }, content: { type: string } }
    System:
      type: object
      required: [role]
      properties: { role: { type: string, enum: [system] } }
"##,
        );
        // `kind` has one value in all three, so `object` it is; through a
        // `$ref` to a `$ref`, and to a named enum of one value.
        let values = |v: &[&str]| v.iter().map(|s| vec![(*s).to_owned()]).collect::<Vec<_>>();
        assert_eq!(
            tag_of(&api, "Source"),
            (Some("object".into()), values(&["card", "bank_account", "account"]))
        );
        // The same value twice, an optional property, a variant that is not
        // an object: untagged, as before.
        for name in ["SameValue", "Optional", "WithString"] {
            assert_eq!(tag_of(&api, name).0, None, "{name}");
        }
        // The spec's own discriminator is kept; each alternative also takes
        // the value its object fixes the property to, first, where no
        // alternative is mapped from it (`x` went to the first).
        let kind = |values: &[&[&str]]| {
            values
                .iter()
                .map(|v| v.iter().map(|s| (*s).to_owned()).collect())
                .collect::<Vec<Vec<String>>>()
        };
        assert_eq!(
            tag_of(&api, "Declared"),
            (Some("kind".into()), kind(&[&["x", "Card"], &["Bank"]]))
        );
        // Without a mapping the value was the schema's name; the mapping's
        // values stay; an object that does not fix it keeps its name only.
        assert_eq!(
            tag_of(&api, "Message"),
            (
                Some("role".into()),
                kind(&[&["user", "User"], &["system", "sys"], &["Loose"]])
            )
        );
    }

    #[test]
    fn tarjan_finds_cycles_and_self_loops() {
        // 0 -> 1 -> 2 -> 0, 3 -> 3, 4 alone
        let c = strongly_connected(&[vec![1], vec![2], vec![0], vec![3], vec![]]);
        assert_eq!(c[0], c[1]);
        assert_eq!(c[1], c[2]);
        assert_ne!(c[0], c[3]);
        assert_ne!(c[3], c[4]);
    }
}
