//! The `bench-generate` task: how long generating the full GitLab client takes, beside how long
//! merely parsing its YAML takes (the floor any generator pays). Figures go to BENCHMARKS.md;
//! run it with `cargo run --release -p xtask -- bench-generate` (and under `/usr/bin/time -v`
//! with `--runs 1` for peak memory). The side-by-side with progenitor, `cargo xtask bench`, is in
//! `bench/compare.rs`; `bench-parse FILE` is its child that only parses a spec file, the floor.

pub mod compare;
mod crates;
mod measure;
mod progenitor;

use oapi_client_gen_core::Config;
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// `xtask bench-parse FILE`: reads and parses one spec file into a JSON value, nothing else.
pub fn parse_only(file: &str) -> ExitCode {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{file}: {e}");
            return ExitCode::FAILURE;
        }
    };
    match oapi_client_gen_core::load::parse(file, &text) {
        Ok(value) => {
            std::hint::black_box(value);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e:?}");
            ExitCode::FAILURE
        }
    }
}

pub fn run(runs: usize) -> ExitCode {
    let root = crate::codegen::workspace_root();
    let dir = "specs/gitlab-full";
    let config = match std::fs::read_to_string(root.join(dir).join("codegen.toml"))
        .map_err(|e| e.to_string())
        .and_then(|t| Config::parse("codegen.toml", &t))
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let input = config.input(dir);
    let fs = config.files(&root, dir);
    let text = std::fs::read_to_string(root.join(&input.spec)).expect("the spec is readable");
    let mut parse = Vec::new();
    let mut generate = Vec::new();
    let mut summary = String::new();
    for _ in 0..runs {
        let t = Instant::now();
        let value = oapi_client_gen_core::load::parse(&input.spec, &text).expect("the spec parses");
        parse.push(t.elapsed());
        drop(value);
        let t = Instant::now();
        let g = oapi_client_gen_core::generate(&input, &fs).expect("the spec generates");
        generate.push(t.elapsed());
        summary = format!(
            "{} operations, {} types, {} files, {} bytes of Rust",
            g.api.operations.len(),
            g.api.types.defs.len(),
            g.files.len(),
            g.files.iter().map(|f| f.contents.len()).sum::<usize>()
        );
    }
    let (p, g) = (median(parse), median(generate));
    println!("{dir}: {summary}");
    println!(
        "parse YAML only: median {:.3} s over {runs} runs",
        p.as_secs_f64()
    );
    println!(
        "generate (load, bundle, convert, overlay, quirks, lower, emit, format): median {:.3} s over {runs} runs",
        g.as_secs_f64()
    );
    println!(
        "ratio generate / parse: {:.2}",
        g.as_secs_f64() / p.as_secs_f64()
    );
    ExitCode::SUCCESS
}
