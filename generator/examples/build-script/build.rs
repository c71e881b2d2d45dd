//! Generates the client from `plant-shop.yaml` into `$OUT_DIR/plant_shop/`
//! on every build where the spec changed (the generator prints
//! `cargo:rerun-if-changed` for it); `src/lib.rs` includes it.

fn main() {
    let vendored = false; // this package depends on `client-runtime` itself
    if let Err(error) = generator::files::build_script("plant-shop.yaml", "plant_shop", vendored) {
        panic!("{error}");
    }
}
