//! The round trips of `round_trip.rs`, measured so that a busy machine cannot tilt them:
//! hand-written and generated requests take turns, a block of each per round (which goes
//! first alternates, so neither side always runs on a warmer cache), and the figure
//! is the median over rounds of each round's ratio (generated / hand-written), with the
//! quartiles. Criterion measures one side for seconds, then the other; on a shared machine
//! whose speed drifts by a fifth within a minute, that difference is the drift.
//!
//! `cargo bench -p e2e --bench round_trip_ab` (figures in BENCHMARKS.md).

mod common;

use common::Setup;
use std::future::Future;
use std::time::{Duration, Instant};

const ROUNDS: usize = 400;
/// `ROUND_TRIP_SIDE=hand` or `=generated` runs one side only (to profile it alone); the
/// figures printed are then not a comparison.
fn runs(side: &str) -> bool {
    std::env::var("ROUND_TRIP_SIDE").map_or(true, |s| s == side)
}

/// `ROUND_TRIP_ROUNDS` overrides [`ROUNDS`] (a short run under a profiler).
fn rounds() -> usize {
    std::env::var("ROUND_TRIP_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(ROUNDS)
}
const BLOCK: usize = 40;

/// `BLOCK` requests' time.
async fn block<F: Future>(one: impl Fn() -> F) -> Duration {
    let start = Instant::now();
    for _ in 0..BLOCK {
        std::hint::black_box(one().await);
    }
    start.elapsed()
}

/// The time of a side's block, or zero for a side not run.
async fn timed(block: Option<impl Future<Output = Duration>>) -> Duration {
    match block {
        Some(block) => block.await,
        None => Duration::ZERO,
    }
}

fn quartiles(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    (at(0.25), at(0.5), at(0.75))
}

fn report(what: &str, hand: &[Duration], generated: &[Duration]) {
    let ratios = hand
        .iter()
        .zip(generated)
        .map(|(h, g)| g.as_secs_f64() / h.as_secs_f64())
        .collect();
    let (q1, median, q3) = quartiles(ratios);
    let per = |d: &[Duration]| {
        quartiles(
            d.iter()
                .map(|d| d.as_secs_f64() * 1e6 / BLOCK as f64)
                .collect(),
        )
        .1
    };
    println!(
        "{what}: hand-written {:.2} µs, generated {:.2} µs (medians of {} rounds of {BLOCK}); \
         generated / hand-written per round: median {:+.1} %, quartiles [{:+.1} %, {:+.1} %]",
        per(hand),
        per(generated),
        hand.len(),
        (median - 1.0) * 100.0,
        (q1 - 1.0) * 100.0,
        (q3 - 1.0) * 100.0
    );
}

/// Blocks of `hand` and of `generated` in turns, for [`rounds`] rounds; the times of each.
async fn compare<H: Future, G: Future>(
    hand: impl Fn() -> H,
    generated: impl Fn() -> G,
) -> (Vec<Duration>, Vec<Duration>) {
    let (mut h, mut g) = (Vec::new(), Vec::new());
    for round in 0..rounds() {
        let hand = runs("hand").then(|| block(&hand));
        let generated = runs("generated").then(|| block(&generated));
        if round % 2 == 0 {
            h.push(timed(hand).await);
            g.push(timed(generated).await);
        } else {
            g.push(timed(generated).await);
            h.push(timed(hand).await);
        }
    }
    (h, g)
}

fn main() {
    let s = Setup::new();
    s.rt.block_on(async {
        let (hand, generated) = compare(|| s.one_by_hand(), || s.one_generated()).await;
        report("GET /projects/:id", &hand, &generated);
        let (hand, generated) = compare(|| s.page_by_hand(), || s.page_generated()).await;
        report(
            "GET /projects, one page of 20, send_page",
            &hand,
            &generated,
        );
    });
}
