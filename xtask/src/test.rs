//! The `test` task: every check CI makes, in the order that fails fastest.
//!
//! 1. Node tools the end-to-end tests need (`npm ci`, when `node_modules` is missing or older
//!    than `package-lock.json`).
//! 2. `cargo fmt --all -- --check`.
//! 3. `cargo clippy --workspace --all-targets -- -D warnings` (the generated client included).
//! 4. `cargo test --workspace`: unit tests, snapshot tests (insta never writes snapshots when
//!    `CI` is set; locally it leaves `.snap.new` files for `cargo insta review`), the freshness
//!    check of the generated client, wire tests and the Prism end-to-end tests.

use std::path::Path;
use std::process::{Command, ExitCode};

fn step(root: &Path, what: &str, program: &str, args: &[&str]) -> Result<(), ExitCode> {
    println!("==> {what}: {program} {}", args.join(" "));
    let status = Command::new(program).args(args).current_dir(root).status();
    match status {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => {
            eprintln!("==> {what} failed ({s})");
            Err(ExitCode::FAILURE)
        }
        Err(e) => {
            eprintln!("==> cannot run `{program}`: {e}");
            Err(ExitCode::FAILURE)
        }
    }
}

fn node_tools_fresh(root: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (
        modified(&root.join("node_modules/.package-lock.json")),
        modified(&root.join("package-lock.json")),
    ) {
        (Some(installed), Some(lock)) => {
            installed >= lock && root.join("node_modules/.bin/prism").exists()
        }
        _ => false,
    }
}

pub fn run() -> ExitCode {
    let root = crate::codegen::workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let steps = || -> Result<(), ExitCode> {
        if !node_tools_fresh(&root) {
            step(
                &root,
                "install the Node tools the tests use (Prism)",
                "npm",
                &["ci", "--no-audit", "--no-fund"],
            )?;
        }
        step(
            &root,
            "formatting",
            &cargo,
            &["fmt", "--all", "--", "--check"],
        )?;
        step(
            &root,
            "lints",
            &cargo,
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        )?;
        step(&root, "tests", &cargo, &["test", "--workspace"])
    };
    match steps() {
        Ok(()) => {
            println!("==> all checks passed");
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}
