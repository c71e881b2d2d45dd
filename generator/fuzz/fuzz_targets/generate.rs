//! Any text as a spec: `generate` returns a crate or an error, and never
//! panics, hangs, or overflows its stack.
//!
//! It runs on a thread with a 1 MiB stack (a release build's frames are
//! smaller than a debug build's, and the default limits are meant to be
//! safe on a debug build's 2 MiB test thread), so that nesting the limits
//! let through and the stack cannot take is found here.

#![no_main]

use generator::Options;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let text = text.to_owned();
    let options = Options {
        spec_path: "fuzz.yaml".to_owned(),
        runtime: generator::Runtime::Path("../runtime".to_owned()),
        ..Options::new("fuzz-client")
    };
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            let _ = generator::generate(&text, &options);
        })
        .expect("a thread")
        .join()
        .expect("generate panicked");
});
