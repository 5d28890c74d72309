//! `cargo xtask codegen [--check]`: regenerates every client from the specs in `specs/`.
//!
//! In: `specs/*/codegen.toml` (which spec file, overlay, settings and output crate). Out: the
//! output crate's `src/*.rs` and `openapi.json` (the effective spec), written only when changed,
//! and only when every spec generated without error — a failed run writes nothing. `--check`
//! writes nothing and fails when a checked-in file is stale. This is the only place that touches
//! the file system; the generator itself is pure.

use std::process::ExitCode;

mod codegen;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => codegen::run(codegen::Mode::Write),
        ["codegen", "--check"] => codegen::run(codegen::Mode::Check),
        _ => {
            eprintln!("usage: cargo xtask codegen [--check]");
            ExitCode::from(2)
        }
    }
}
