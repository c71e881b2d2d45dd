//! The `types` module: one Rust item per [`TypeDef`].

use super::{doc, rust_type};
use crate::model::{Api, Docs, EnumVariant, Field, TypeDef, TypeKind, TypeRef, UnionVariant};
use crate::naming::{self, Scope, ident};
use proc_macro2::TokenStream;
use quote::quote;

/// The module's docs and imports; the items follow (see [`type_item`]).
pub(super) fn types_head(api: &Api) -> TokenStream {
    if api.types.is_empty() {
        return quote! {
            //! The request and response types of the API, one per schema: the spec has none.
        };
    }
    quote! {
        //! The request and response types of the API, one per schema.
    }
}

/// The imports of the runtime's macros that `defs` call (`serde_struct!`,
/// `setter!`, `string_enum!`), so that each call is one line that reads as
/// what it writes. `gated`: the items are behind features, so a build may
/// leave a macro unused.
pub(super) fn macro_imports<'d>(defs: impl IntoIterator<Item = &'d TypeDef>, gated: bool) -> TokenStream {
    let (mut structs, mut setters, mut enums, mut values) = (false, false, false, false);
    for def in defs {
        match &def.kind {
            TypeKind::Struct { fields, .. } => {
                structs = true;
                setters = setters || fields.iter().any(|f| f.ty.is_option());
                values = values || fields.iter().any(|f| matches!(f.ty.unwrap_option(), TypeRef::Value));
            }
            TypeKind::Enum { .. } => enums = true,
            _ => {}
        }
    }
    let names: Vec<proc_macro2::Ident> = [
        ("serde_struct", structs),
        ("setter", setters),
        ("string_enum", enums),
        ("read_as", values),
    ]
    .into_iter()
    .filter(|(_, used)| *used)
    .map(|(name, _)| ident(name))
    .collect();
    if names.is_empty() {
        return TokenStream::new();
    }
    let allow = gated.then(|| quote!(#[allow(unused_imports)]));
    quote! {
        #allow
        use crate::runtime::{#(#names),*};
    }
}

fn docs_text(docs: &Docs) -> String {
    let mut parts = Vec::new();
    if let Some(summary) = &docs.summary {
        parts.push(summary.trim().to_owned());
    }
    if let Some(description) = &docs.description
        && Some(description.trim()) != docs.summary.as_deref().map(str::trim)
    {
        parts.push(description.trim().to_owned());
    }
    parts.retain(|p| !p.is_empty());
    parts.join("\n\n")
}

pub(super) fn type_item(api: &Api, def: &TypeDef) -> TokenStream {
    let mut text = docs_text(&def.docs);
    if text.is_empty() {
        text = format!("`{}` in the spec.", def.at);
    }
    let docs = doc(&text);
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Alias(target) => {
            let target = rust_type(target, true);
            quote! { #docs pub type #name = #target; }
        }
        TypeKind::Struct {
            fields,
            additional,
            unknown_fields,
        } => struct_item(api, def, docs, fields, additional.as_ref(), *unknown_fields),
        TypeKind::Enum { variants, unknown } => enum_item(def, docs, variants, unknown),
        TypeKind::Union {
            variants, tag: None, ..
        } => {
            let variants = variants.iter().map(|v| {
                let name = ident(&v.name);
                let ty = rust_type(&v.ty, true);
                let with = holds_base64(&v.ty).then(|| quote!(#[serde(with = "crate::runtime::base64")]));
                quote! { #name(#with #ty), }
            });
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
                #[serde(untagged)]
                pub enum #name { #(#variants)* }
            }
        }
        TypeKind::Union {
            variants,
            tag: Some(tag),
            unknown,
        } => tagged_union(def, docs, variants, tag, unknown),
    }
}

/// Whether a field of this type reads `[]` as the type's default: a struct
/// of optional fields only that keeps unknown fields (PHP writes an empty
/// map as `[]`; see the runtime's `de::ObjectOrEmptyList`). Only in a
/// field: where a union has a list variant, `[]` stays a list.
fn reads_empty_list(api: &Api, ty: &TypeRef) -> bool {
    let TypeRef::Named(name) = ty else { return false };
    api.type_def(name).is_some_and(|def| {
        matches!(
            &def.kind,
            TypeKind::Struct {
                fields,
                additional: None,
                unknown_fields: true,
            } if fields.iter().all(|f| f.ty.is_option())
        )
    })
}

/// Whether `Default::default()` exists for a type.
/// Whether `ty` holds base64 bytes, which the runtime's adapter reads and
/// writes as text (the lowering leaves them only where it can).
fn holds_base64(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Base64 => true,
        TypeRef::Option(inner) | TypeRef::Vec(inner) | TypeRef::Map(inner) => holds_base64(inner),
        _ => false,
    }
}

pub(crate) fn has_default(api: &Api, ty: &TypeRef) -> bool {
    match api.unalias(ty) {
        TypeRef::Named(name) => api.type_def(name).is_some_and(|def| match &def.kind {
            TypeKind::Struct { fields, .. } => fields.iter().all(|f| f.ty.is_option()),
            TypeKind::Alias(target) => has_default(api, target),
            _ => false,
        }),
        TypeRef::Box(inner) => has_default(api, inner),
        _ => true,
    }
}

fn struct_item(
    api: &Api,
    def: &TypeDef,
    docs: TokenStream,
    fields: &[Field],
    additional: Option<&TypeRef>,
    unknown_fields: bool,
) -> TokenStream {
    let name = ident(&def.name);
    let mut scope = Scope::with_reserved(&fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>());
    let additional_name = additional.map(|_| scope.claim("additional_properties"));
    let unknown_name = (unknown_fields && additional.is_none()).then(|| scope.claim("unknown_fields"));
    let field_items = fields.iter().map(|field| {
        let mut text = docs_text(&field.docs);
        if field.deprecated {
            text = if text.is_empty() {
                "**Deprecated.**".to_owned()
            } else {
                format!("**Deprecated.** {text}")
            };
        }
        let docs = doc(&text);
        let field_ident = ident(&field.name);
        let ty = rust_type(&field.ty, true);
        quote! { #docs pub #field_ident: #ty, }
    });
    let additional_field = additional.zip(additional_name.as_ref()).map(|(ty, field)| {
        let ty = match ty {
            TypeRef::Value => quote!(serde_json::Map<String, serde_json::Value>),
            other => {
                let other = rust_type(other, true);
                quote!(std::collections::BTreeMap<String, #other>)
            }
        };
        let field = ident(field);
        quote! {
            /// Properties beyond those named above.
            pub #field: #ty,
        }
    });
    let unknown_field = unknown_name.as_ref().map(|field| {
        let field = ident(field);
        quote! {
            /// Members the spec does not name, kept as received and sent
            /// back unchanged (so that writing back what was read loses nothing).
            pub #field: crate::runtime::UnknownFields,
        }
    });
    let secret = fields.iter().any(|f| f.secret);
    let default = fields.iter().all(|f| f.ty.is_option()).then(|| quote!(Default,));
    let derive_debug = (!secret).then(|| quote!(Debug,));
    let debug_impl = secret.then(|| {
        let type_name = &def.name;
        let entries = fields.iter().map(|field| {
            let wire = &field.name;
            let field_ident = ident(&field.name);
            if !field.secret {
                quote!(.field(#wire, &self.#field_ident))
            } else if field.ty.is_option() {
                quote!(.field(#wire, &self.#field_ident.as_ref().map(|_| "<redacted>")))
            } else {
                quote!(.field(#wire, &"<redacted>"))
            }
        });
        let additional_entry = additional_name.as_ref().or(unknown_name.as_ref()).map(|field| {
            let field_ident = ident(field);
            quote!(.field(#field, &self.#field_ident))
        });
        quote! {
            impl std::fmt::Debug for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.debug_struct(#type_name) #(#entries)* #additional_entry .finish()
                }
            }
        }
    });
    let methods = struct_methods(&name, fields, additional_name.as_deref(), unknown_name.as_deref());
    let serde = serde_struct(api, &name, fields, additional_name.as_ref().or(unknown_name.as_ref()));
    quote! {
        #docs
        #[derive(#derive_debug Clone, #default PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #(#field_items)*
            #additional_field
            #unknown_field
        }
        #serde
        #debug_impl
        #methods
    }
}

/// The struct's `Serialize` and `Deserialize`, by the runtime's
/// `serde_struct!` rather than serde's derives: the same JSON in a fraction
/// of the code the compiler must check (see the runtime's `de` module and
/// BENCHMARKS.md). A field's wire name is in parentheses where it is not
/// the field's own; `?field` is left out when `None`; `..rest` takes the
/// members the struct does not name. Each field is one unbroken word
/// (`?created_on("createdOn")`), so the layout breaks only between fields.
fn serde_struct(api: &Api, name: &proc_macro2::Ident, fields: &[Field], rest: Option<&String>) -> TokenStream {
    let fields = fields.iter().map(|field| {
        let field_ident = ident(&field.name);
        let wire = &field.wire;
        let wire = (field_ident != wire).then(|| quote!(#wire));
        let how = if holds_base64(&field.ty) {
            Some(quote!(as Base64))
        } else if reads_empty_list(api, field.ty.unwrap_option()) {
            Some(if field.ty.is_option() {
                quote!(as OptionalObjectOrEmptyList)
            } else {
                quote!(as ObjectOrEmptyList)
            })
        } else {
            None
        };
        let detail = (wire.is_some() || how.is_some()).then(|| quote!((#wire #how)));
        // Joint, so that it is printed against the name: `?title`.
        let omit = field
            .skip_if_none
            .then(|| proc_macro2::TokenTree::Punct(proc_macro2::Punct::new('?', proc_macro2::Spacing::Joint)));
        quote!(#omit #field_ident #detail)
    });
    let rest = rest.map(|rest| {
        let rest = ident(rest);
        quote!(..#rest)
    });
    quote! {
        serde_struct!(#name { #(#fields),* } #rest);
    }
}

/// A constructor argument for a value of type `ty` (what the caller
/// passes), and the expression that stores it.
fn constructor_arg(ty: &TypeRef, value: &proc_macro2::Ident) -> (TokenStream, TokenStream) {
    match ty {
        TypeRef::String => (quote!(impl Into<String>), quote!(#value.into())),
        TypeRef::Box(inner) => {
            let (input, convert) = constructor_arg(inner, value);
            (input, quote!(Box::new(#convert)))
        }
        other => (rust_type(other, true), quote!(#value)),
    }
}

/// An optional field's setter, by the runtime's `setter!`, written as its
/// signature: `with_title(title: impl Into<String>)`, the JSON name after
/// `=` where it differs. A boxed value is taken as `impl Into<Box<T>>`, so a
/// plain `T` does.
fn setter(setter: &str, field: &Field, inner: &TypeRef) -> TokenStream {
    let setter = ident(setter);
    let field_ident = ident(&field.name);
    let input = match inner {
        TypeRef::String => quote!(impl Into<String>),
        TypeRef::Box(_) => {
            let ty = rust_type(inner, true);
            quote!(impl Into<#ty>)
        }
        other => rust_type(other, true),
    };
    let wire = (field.name != field.wire).then(|| {
        let wire = &field.wire;
        quote!(= #wire)
    });
    quote! {
        setter!(#setter(#field_ident: #input) #wire);
    }
}

/// A struct's methods: `new` with the fields that have no `None` (the
/// required ones), a `with_` setter for each optional field (the runtime's
/// `setter!`), and for each field whose schema is any JSON a method that
/// reads it as a Rust type.
///
/// The struct is `#[non_exhaustive]`: outside the crate, values are built
/// with these methods, so a field the spec adds later breaks no caller.
fn struct_methods(
    name: &proc_macro2::Ident,
    fields: &[Field],
    additional: Option<&str>,
    unknown: Option<&str>,
) -> TokenStream {
    let mut scope = Scope::with_reserved(&["new"]);
    let mut params = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    for field in fields {
        let field_ident = ident(&field.name);
        if let TypeRef::Option(inner) = &field.ty {
            inits.push(quote!(#field_ident: None,));
            setters.push(setter(&scope.claim(&naming::setter(&field.name)), field, inner));
        } else {
            let (input, convert) = constructor_arg(&field.ty, &field_ident);
            params.push(quote!(#field_ident: #input));
            inits.push(if field_ident == convert.to_string() {
                quote!(#field_ident,)
            } else {
                quote!(#field_ident: #convert,)
            });
        }
    }
    for extra in additional.into_iter().chain(unknown) {
        let extra = ident(extra);
        inits.push(quote!(#extra: Default::default(),));
    }
    let new_doc = if params.is_empty() && setters.is_empty() {
        " An empty value.".to_owned()
    } else if params.is_empty() {
        " A value with every field empty; set them with the `with_` methods.".to_owned()
    } else if setters.is_empty() {
        " A value of its fields.".to_owned()
    } else {
        " A value of its required fields; the optional ones start empty (set them with the `with_` methods).".to_owned()
    };
    // With no required field the struct derives `Default`, which is that value.
    let body = if params.is_empty() {
        quote!(Self::default())
    } else {
        quote!(Self { #(#inits)* })
    };
    let accessors = value_accessors(fields, &mut scope);
    quote! {
        impl #name {
            #[doc = #new_doc]
            pub fn new(#(#params),*) -> Self {
                #body
            }

            #(#setters)*
            #(#accessors)*
        }
    }
}

/// For each field whose schema is any JSON, a method that reads it as a
/// Rust type in one step (`attr.value_as::<f64>()`).
fn value_accessors(fields: &[Field], scope: &mut Scope) -> Vec<TokenStream> {
    fields
        .iter()
        .filter(|f| matches!(f.ty.unwrap_option(), TypeRef::Value))
        .map(|field| {
            let method = ident(&scope.claim(&naming::value_accessor(&field.name)));
            let field_ident = ident(&field.name);
            let ty = if field.ty.is_option() {
                quote!(Option<serde_json::Value>)
            } else {
                quote!(serde_json::Value)
            };
            let wire = &field.wire;
            quote!(read_as!(#method(#field_ident: #ty) = #wire);)
        })
        .collect()
}

/// A string enum: its variants here, its methods and serde impls from the
/// runtime's `string_enum!` (a listed value is its variant, any other
/// string is kept in `unknown`). Each variant is one unbroken word
/// (`Low("LOW")`), so the layout breaks only between variants.
fn enum_item(def: &TypeDef, docs: TokenStream, variants: &[EnumVariant], unknown: &str) -> TokenStream {
    let name = ident(&def.name);
    let unknown = ident(unknown);
    let items = variants.iter().map(|v| ident(&v.name));
    let values = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let wire = &v.wire;
        quote!(#variant(#wire))
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#items,)*
            /// A value this version of the client does not know, kept as sent.
            #unknown(String),
        }

        string_enum!(#name { #(#values),* } #unknown);
    }
}

/// A union with a discriminator: decoded by the tag's value, encoded as the
/// variant's own object (which carries the tag).
fn tagged_union(def: &TypeDef, docs: TokenStream, variants: &[UnionVariant], tag: &str, unknown: &str) -> TokenStream {
    let name = ident(&def.name);
    let unknown = ident(unknown);
    let items = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let ty = rust_type(&v.ty, true);
        let values = v
            .tag_values
            .iter()
            .map(|value| format!("`{value}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut text = if v.tag_values.is_empty() {
            String::new()
        } else {
            format!("`{tag}`: {values}")
        };
        if let Some(note) = &v.note {
            text = if text.is_empty() {
                note.clone()
            } else {
                format!("{text}\n\n{note}")
            };
        }
        let docs = (!text.is_empty()).then(|| doc(&text));
        quote! { #docs #variant(#ty), }
    });
    let mut seen = std::collections::HashSet::new();
    let arms = variants.iter().filter_map(|v| {
        let variant = ident(&v.name);
        let values: Vec<&String> = v
            .tag_values
            .iter()
            .filter(|value| seen.insert(value.as_str()))
            .collect();
        if values.is_empty() {
            return None;
        }
        Some(quote! {
            #(Some(#values))|* => serde_json::from_value(value).map(Self::#variant).map_err(serde::de::Error::custom),
        })
    });
    let unknown_doc = format!(" An object whose `{tag}` this version of the client does not know, kept as sent.");
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#items)*
            #[doc = #unknown_doc]
            #unknown(serde_json::Value),
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                match value.get(#tag).and_then(serde_json::Value::as_str) {
                    #(#arms)*
                    _ => Ok(Self::#unknown(value)),
                }
            }
        }
    }
}
