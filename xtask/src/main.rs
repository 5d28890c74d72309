//! `cargo xtask codegen [--check] [--verbose] [--force]`: regenerates every client from the specs
//! in `specs/`.
//! `cargo xtask test`: every check CI makes (see `test.rs`).
//! `cargo xtask check-features [--sample N]`: the GitLab client compiles with each API feature.
//! `cargo xtask coverage [--check]`: GitLab's documented endpoints the GitLab client serves
//! (see `coverage.rs`; writes `COVERAGE.md`).
//! `cargo xtask examples [--check]`: the effective spec's response examples decoded by the
//! GitLab client (see `fixtures.rs`; writes `EXAMPLES.md`).
//! `cargo xtask wire [--check]`: every operation of the GitLab client called against an
//! in-process server answering with its example, the request checked against the spec (see
//! `wire.rs`; writes `WIRE.md`).
//! `cargo xtask fixtures [--check]`: recorded GitLab responses decoded by the generated client
//! (see `fixtures.rs`; writes `FIXTURES.md`).
//! `cargo xtask corpus [--quick | --long] [--limit N] [--no-compile]`: the generator and the
//! compiler over the shared corpus (see `corpus/mod.rs`).
//! `cargo xtask bench [--runs N] [--check-runs N] [--sample N] [--no-check]`: side by side with
//! progenitor (see `bench/compare.rs`).
//!
//! In: `specs/*/codegen.toml` (which spec file, overlay, settings and output crate). Out: the
//! output crate's `src/*.rs`, `openapi.json` (the effective spec) and the writer's manifest
//! (`.oapi-client-gen.json`), written only when changed, and only when every spec generated
//! without error and every output folder is the writer's — a failed run writes nothing
//! (`--force` takes over folders without a manifest). `--check` writes nothing and fails when a
//! checked-in file is stale. `--verbose` lists every warning
//! with its location (by default they are counted by code). This is the only place that touches
//! the file system; the generator itself is pure.

use std::process::ExitCode;

mod bench;
mod codegen;
mod corpus;
mod coverage;
mod features;
mod fixtures;
mod names;
mod test;
mod warnings;
mod wire;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen", rest @ ..]
            if rest
                .iter()
                .all(|a| matches!(*a, "--check" | "--verbose" | "-v" | "--force")) =>
        {
            let mode = if rest.contains(&"--check") {
                codegen::Mode::Check
            } else {
                codegen::Mode::Write
            };
            codegen::run(
                mode,
                rest.iter().any(|a| matches!(*a, "--verbose" | "-v")),
                rest.contains(&"--force"),
            )
        }
        ["test"] => test::run(),
        ["coverage"] => coverage::run(false),
        ["coverage", "--check"] => coverage::run(true),
        ["examples"] => fixtures::examples(false),
        ["examples", "--check"] => fixtures::examples(true),
        ["fixtures"] => fixtures::run(false),
        ["fixtures", "--check"] => fixtures::run(true),
        ["wire"] => wire::run(false),
        ["wire", "--check"] => wire::run(true),
        ["corpus", rest @ ..] => corpus_args(rest).map_or_else(usage, corpus::run),
        ["corpus-one", file] => corpus::one(file, None),
        ["corpus-one", file, name] => corpus::one(file, Some(name)),
        ["corpus-examples"] => corpus::examples::run(false, None),
        ["corpus-examples", "--quick"] => corpus::examples::run(true, None),
        ["corpus-examples", "--limit", n] => n
            .parse()
            .map_or(ExitCode::from(2), |n| corpus::examples::run(false, Some(n))),
        ["corpus-examples-one", file, module] => corpus::examples::one(file, module),
        ["bench", rest @ ..] => {
            bench::compare::Args::parse(rest).map_or_else(usage, bench::compare::run)
        }
        ["bench-parse", file] => bench::parse_only(file),
        ["names"] => names::run(None),
        ["names", "--list", id] => names::run(Some(id)),
        ["warnings", rest @ ..] => warnings::run(rest),
        ["bench-generate"] => bench::run(5),
        ["bench-generate", "--runs", n] => n.parse().map_or(ExitCode::from(2), bench::run),
        ["check-features"] => features::run_checks(None)
            .err()
            .unwrap_or(ExitCode::SUCCESS),
        ["check-features", "--sample", n] => match n.parse() {
            Ok(n) => features::run_checks(Some(n))
                .err()
                .unwrap_or(ExitCode::SUCCESS),
            Err(_) => ExitCode::from(2),
        },
        _ => usage(),
    }
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: cargo xtask codegen [--check] [--verbose] [--force] | cargo xtask test | cargo xtask coverage [--check] | cargo xtask examples [--check] | cargo xtask wire [--check] | cargo xtask fixtures [--check] | cargo xtask check-features [--sample N] | cargo xtask corpus [--quick | --long] [--limit N] [--no-compile] | cargo xtask corpus-examples [--quick | --limit N] | cargo xtask names [--list ID] | cargo xtask warnings [--check] [--list [CODE]] | cargo xtask bench-generate [--runs N] | cargo xtask bench [--runs N] [--check-runs N] [--sample N] [--no-check]"
    );
    ExitCode::from(2)
}

/// `corpus [--quick | --long] [--limit N] [--no-compile]`; `None` for anything else.
fn corpus_args(mut rest: &[&str]) -> Option<corpus::Args> {
    let mut args = corpus::Args {
        mode: corpus::Mode::Long,
        limit: None,
        compile: true,
    };
    while let Some((first, tail)) = rest.split_first() {
        rest = tail;
        match *first {
            "--quick" => args.mode = corpus::Mode::Quick,
            "--long" => args.mode = corpus::Mode::Long,
            "--no-compile" => args.compile = false,
            "--limit" => {
                let (n, tail) = rest.split_first()?;
                args.limit = Some(n.parse().ok()?);
                rest = tail;
            }
            _ => return None,
        }
    }
    Some(args)
}
