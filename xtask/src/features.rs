//! The `check-features` task: the generated GitLab client compiles with no API feature, with
//! each feature alone, and with all of them, warning-free (`cargo clippy -D warnings`).
//!
//! `cargo xtask check-features` checks every feature (113, about 2.5 minutes on 2 cores; `cargo
//! xtask test` runs it); `cargo xtask check-features --sample N` checks N of them, spread evenly
//! over the list, for a quick look.

use std::path::Path;
use std::process::{Command, ExitCode};

/// The API features of the client crate's generated `Cargo.toml`: every `name = []` line.
pub fn features(manifest: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(manifest).unwrap_or_default();
    let mut in_features = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with('[') {
            in_features = line.trim() == "[features]";
            continue;
        }
        if let Some((name, value)) = line.split_once(" = ")
            && in_features
            && value.trim() == "[]"
        {
            out.push(name.trim().to_owned());
        }
    }
    out
}

/// `cargo clippy` with `-D warnings` for the client alone: a feature subset must not leave an
/// unused import or item behind either. (Lint flags after `--` reach only workspace members, so
/// the dependencies built by the workspace-wide lint step are reused.)
fn check(root: &Path, cargo: &str, package: &str, args: &[&str]) -> bool {
    let status = Command::new(cargo)
        .args(["clippy", "--quiet", "-p", package])
        .args(args)
        .args(["--", "-D", "warnings"])
        .current_dir(root)
        .status();
    matches!(status, Ok(s) if s.success())
}

/// Checks the client with no feature, with `sample` single features (all when `None`), and with
/// every feature.
pub fn run_checks(sample: Option<usize>) -> Result<(), ExitCode> {
    let root = crate::codegen::workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let package = "gitlab-api-client";
    let all = features(&root.join("generated-client/Cargo.toml"));
    if all.is_empty() {
        eprintln!("==> generated-client/Cargo.toml lists no API feature");
        return Err(ExitCode::FAILURE);
    }
    let chosen: Vec<&String> = match sample {
        Some(n) if n < all.len() => (0..n).map(|i| &all[i * all.len() / n.max(1)]).collect(),
        _ => all.iter().collect(),
    };
    println!(
        "==> features: check {package} with none, {} of {} single features, and all",
        chosen.len(),
        all.len()
    );
    let mut failed = Vec::new();
    if !check(&root, &cargo, package, &["--no-default-features"]) {
        failed.push("(none)".to_owned());
    }
    for (i, f) in chosen.iter().enumerate() {
        let started = std::time::Instant::now();
        let ok = check(
            &root,
            &cargo,
            package,
            &["--no-default-features", "--features", f],
        );
        println!(
            "    [{}/{}] {f}: {} ({:.1} s)",
            i + 1,
            chosen.len(),
            if ok { "ok" } else { "FAILED" },
            started.elapsed().as_secs_f64()
        );
        if !ok {
            failed.push((*f).clone());
        }
    }
    if !check(&root, &cargo, package, &["--all-features"]) {
        failed.push("(all)".to_owned());
    }
    if failed.is_empty() {
        println!("==> features: all compile");
        Ok(())
    } else {
        eprintln!("==> features that do not compile: {}", failed.join(", "));
        Err(ExitCode::FAILURE)
    }
}
