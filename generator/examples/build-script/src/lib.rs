//! A client of the Plant Shop API, generated at build time from
//! `plant-shop.yaml` by this package's `build.rs`.
//!
//! The generated crate root is this crate's root: the client's `Client`,
//! `types` and `Error` are `build_script_example::Client` and so on.

include!(concat!(env!("OUT_DIR"), "/plant_shop/lib.rs"));
