//! `cargo bench -p generator`: parse + generate, per spec.
//!
//! The project's specs, and the largest real-world specs of the corpus
//! (`../shared/corpus`, skipped when absent). `cargo xtask bench` adds peak
//! memory, build times, the comparison with other generators and the
//! scaling over the whole corpus.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use generator::{Options, generate};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

fn options() -> Options {
    Options {
        crate_name: "bench-client".to_owned(),
        version: "0.1.0".to_owned(),
        spec_path: "bench.yaml".to_owned(),
        runtime_path: "../../generator/runtime".to_owned(),
        limits: generator::Limits::default(),
    }
}

fn specs() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut specs = Vec::new();
    for path in ["specs/vrm.yaml", "specs/openremote.yaml"] {
        specs.push((path.to_owned(), std::fs::read_to_string(root.join(path)).unwrap()));
    }
    for name in ["xero-accounting.yaml", "openai.yaml", "stripe.yaml"] {
        let path = root.join("../shared/corpus").join(name);
        if let Ok(text) = std::fs::read_to_string(&path) {
            specs.push((format!("corpus/{name}"), text));
        }
    }
    specs
}

fn parse_and_generate(c: &mut Criterion) {
    let mut group = c.benchmark_group("generate");
    for (name, text) in specs() {
        let large = text.len() > 500_000;
        group.sample_size(if large { 10 } else { 50 });
        group.measurement_time(Duration::from_secs(if large { 10 } else { 3 }));
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(&name, |b| b.iter(|| generate(black_box(&text), &options()).unwrap()));
    }
    group.finish();
}

criterion_group!(benches, parse_and_generate);
criterion_main!(benches);
