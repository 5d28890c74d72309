//! One request round trip through the generated GitLab client against the same request written
//! by hand with reqwest, on a loopback HTTP/1.1 server that answers at once with a fixed
//! project (2 KB of JSON, as GitLab sends for `GET /projects/:id`), and one page of a listing
//! (`GET /projects`: 20 projects and GitLab's pagination headers, read with `send_page` and by
//! hand). Both sides share one
//! `reqwest::Client` (so one connection pool and the same TLS-free transport) and decode into
//! the same generated type, so the difference is what the generated layer adds: building the
//! URL segment by segment, credentials, the retry loop's bookkeeping, the error mapping.
//!
//! `cargo bench -p e2e --bench round_trip` (figures in BENCHMARKS.md).

mod common;

use common::Setup;
use criterion::{Criterion, criterion_group, criterion_main};

fn round_trip(c: &mut Criterion) {
    let s = Setup::new();
    let mut group = c.benchmark_group("GET /projects/:id round trip");
    group.bench_function("hand-written reqwest", |bench| {
        bench.to_async(&s.rt).iter(|| s.one_by_hand())
    });
    group.bench_function("generated client", |bench| {
        bench.to_async(&s.rt).iter(|| s.one_generated())
    });
    group.finish();
}

fn one_page(c: &mut Criterion) {
    let s = Setup::new();
    let mut group = c.benchmark_group("GET /projects one page (20 projects) round trip");
    group.bench_function("hand-written reqwest", |bench| {
        bench.to_async(&s.rt).iter(|| s.page_by_hand())
    });
    group.bench_function("generated client, send_page", |bench| {
        bench.to_async(&s.rt).iter(|| s.page_generated())
    });
    group.finish();
}

criterion_group!(benches, round_trip, one_page);
criterion_main!(benches);
