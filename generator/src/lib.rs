//! An OpenAPI 3.0 to Rust client generator: spec text in, files out.
//!
//! ```text
//! spec text ──load──▶ openapiv3::OpenAPI ──lower──▶ model::Api ──emit──▶ tokens ──format──▶ files
//! ```
//!
//! Every stage is a pure function; nothing here reads or writes files. The
//! `xtask` crate is the thin edge that does.

mod emit;
mod error;
mod limits;
mod load;
mod lower;
mod model;
mod naming;
mod templates;

pub use error::{Error, Pointer, Warning};
pub use limits::Limits;
use std::collections::BTreeMap;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// The crate's package name, e.g. `vrm-client`.
    pub crate_name: String,
    /// The crate's version.
    pub version: String,
    /// Where the spec is, relative to the repository root, for the
    /// "generated from" headers (`specs/vrm.yaml`).
    pub spec_path: String,
    /// Where the runtime crate (`generator/runtime`) is, as the generated
    /// `Cargo.toml` names it: relative to the generated crate
    /// (`../../generator/runtime`), or absolute.
    pub runtime_path: String,
    /// The bounds on the work one spec may cause (see [`Limits`]).
    pub limits: Limits,
}

/// A generated crate, in memory.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Path relative to the crate root (`src/lib.rs`) to contents.
    pub files: BTreeMap<String, String>,
    /// What was skipped or repaired, with where.
    pub warnings: Vec<Warning>,
    pub operations: usize,
    pub types: usize,
}

/// A spec (YAML or JSON) as the loader reads it: an untyped JSON tree.
/// For tools and tests that look at specs without depending on a YAML crate.
pub fn parse_tree(spec: &str) -> Result<serde_json::Value, Error> {
    load::parse_tree(spec)
}

/// Generate a client crate from an OpenAPI 3.0 document (YAML or JSON).
pub fn generate(spec: &str, options: &Options) -> Result<Generated, Error> {
    let limits = options.limits;
    if spec.len() > limits.max_spec_bytes {
        return Err(Error::limit(
            &Pointer::root(),
            "max_spec_bytes",
            limits.max_spec_bytes,
            format!("the spec is {} bytes long", spec.len()),
        ));
    }
    let mut warnings = error::Warnings::default();
    let document = load::parse(spec, &limits, &mut warnings)?;
    let api = lower::lower(&document.api, &document.raw, &limits, &mut warnings)?;
    drop(document); // the model holds all emission needs; free the spec first
    let files = emit::emit(&api, options)?;
    Ok(Generated {
        files,
        warnings: warnings.into_vec(),
        operations: api.operations.len(),
        types: api.types.len(),
    })
}
