//! A split crate's `#[cfg(feature = ...)]`s (see `lower/split.rs` for what
//! an area holds): a gate on each type, and one module of operations per
//! area, `src/builders/<area>.rs`, compiled with its feature.

use super::operations::operations_imports;
use crate::model::{Api, Area, Gate, Operation, Split, TypeDef, TypeRef};
use crate::naming::{escape, ident};
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::quote;

/// The attribute that compiles an item only when its areas are enabled;
/// `None` for an item every build has.
pub(super) fn cfg(split: &Split, gate: &Gate) -> Option<TokenStream> {
    match gate {
        Gate::Always => None,
        Gate::Full => Some(quote!(#[cfg(feature = "full")])),
        Gate::Any(areas) => {
            let features: Vec<&str> = areas.iter().map(|&a| split.areas[a].feature.as_str()).collect();
            Some(match features.as_slice() {
                [one] => quote!(#[cfg(feature = #one)]),
                many => quote!(#[cfg(any(#(feature = #many),*))]),
            })
        }
    }
}

/// `cfg` before each top-level item of `tokens`. Generated items end with
/// a `;` or a `{ ... }` at the top level, and nothing else does there.
pub(super) fn gate_items(tokens: TokenStream, cfg: Option<&TokenStream>) -> TokenStream {
    let Some(cfg) = cfg else { return tokens };
    let mut out = TokenStream::new();
    let mut at_start = true;
    for tree in tokens {
        if at_start {
            out.extend(cfg.clone());
        }
        at_start = match &tree {
            TokenTree::Punct(p) => p.as_char() == ';',
            TokenTree::Group(g) => g.delimiter() == Delimiter::Brace,
            _ => false,
        };
        out.extend([tree]);
    }
    out
}

/// The module file of an area (`src/builders/<file>.rs`): the feature's
/// name, as a module name may spell it.
pub(super) fn module_file(feature: &str) -> String {
    escape(feature).trim_start_matches("r#").to_owned()
}

/// An area's module in the folder `dir` (`builders` or `types`), behind
/// the area's feature, its items re-exported.
fn area_module(dir: &str, area: &Area) -> TokenStream {
    let feature = &area.feature;
    let module = ident(feature);
    let path = format!("{dir}/{}.rs", module_file(feature));
    let path_attr = (module_file(feature) != feature.as_str()).then(|| quote!(#[path = #path]));
    quote! {
        #[cfg(feature = #feature)]
        #path_attr
        mod #module;
        #[cfg(feature = #feature)]
        pub use #module::*;
    }
}

/// `src/builders.rs` of a split crate: one module per area.
pub(super) fn operations_root(split: &Split) -> TokenStream {
    let modules = split.areas.iter().map(|area| area_module("builders", area));
    quote! {
        //! One method per operation on [`Client`](crate::Client), in one module
        //! per area of the API; each area is a cargo feature (see the README).
        #(#modules)*
    }
}

/// The end of `src/types.rs` of a split crate: the module of each area's
/// own types (so every type is `types::Name`, as in a crate that is not
/// split).
pub(super) fn types_root(split: &Split, own_types: &[Vec<&TypeDef>]) -> TokenStream {
    let modules = split
        .areas
        .iter()
        .zip(own_types)
        .filter(|(_, own)| !own.is_empty())
        .map(|(area, _)| area_module("types", area));
    quote! { #(#modules)* }
}

/// The head of an area's module of types: its docs, and the parent's
/// types when its own name any (shared types stay in the parent).
pub(super) fn area_types_head(split: &Split, index: usize, own: &[&TypeDef]) -> TokenStream {
    let area = &split.areas[index];
    let text = format!(
        " The types only the area `{}` (feature `{}`) needs; re-exported by the parent module.",
        area.source, area.feature
    );
    let names: std::collections::HashSet<&str> = own.iter().map(|def| def.name.as_str()).collect();
    let names_shared = own
        .iter()
        .flat_map(|def| def.kind.refs())
        .filter_map(TypeRef::model_name)
        .any(|name| !names.contains(name));
    let import = names_shared.then(|| {
        quote!(
            use super::*;
        )
    });
    let macros = super::types::macro_imports(own.iter().copied(), false);
    quote! {
        #![doc = #text]
        #import
        #macros
    }
}

/// The head of an area's module: its docs and imports.
pub(super) fn area_head(api: &Api, split: &Split, index: usize) -> TokenStream {
    let area = &split.areas[index];
    let operations: Vec<&Operation> = area.operations.iter().map(|&i| &api.operations[i]).collect();
    let imports = operations_imports(&operations);
    let text = format!(
        " The operations of the area `{}` (feature `{}`), each followed by the request builder it returns.",
        area.source, area.feature
    );
    quote! {
        #![doc = #text]
        #imports
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_top_level_item_gets_the_gate() {
        let cfg = quote!(#[cfg(feature = "a")]);
        let items = quote! {
            /// Docs.
            pub struct A { x: i32 }
            pub type B = Vec<A>;
            impl A { fn f() -> Self { Self { x: 1 } } }
        };
        let gated = gate_items(items, Some(&cfg)).to_string();
        assert_eq!(gated.matches("cfg").count(), 3, "{gated}");
        assert!(gated.starts_with("# [cfg"), "{gated}");
        assert!(gated.contains("; # [cfg (feature = \"a\")] impl"), "{gated}");
    }

    #[test]
    fn keyword_areas_get_a_file_name() {
        assert_eq!(module_file("customers"), "customers");
        assert_eq!(module_file("type"), "type");
        assert_eq!(module_file("self"), "self_");
    }
}
