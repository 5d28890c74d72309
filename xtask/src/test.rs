//! The `test` task: every check CI makes, in the order that fails fastest.
//!
//! 1. Node tools the end-to-end tests need (`npm ci`, when `node_modules` is missing or older
//!    than `package-lock.json`).
//! 2. `cargo fmt --all -- --check`.
//! 3. `cargo clippy --workspace --all-targets -- -D warnings` (the generated client included),
//!    and the GitLab client checked with no API feature, each single feature and all of them
//!    (`cargo xtask check-features`, about 2.5 minutes on 2 cores).
//! 4. `cargo test --workspace`: unit tests, snapshot tests (insta never writes snapshots when
//!    `CI` is set; locally it leaves `.snap.new` files for `cargo insta review`), the freshness
//!    check of the generated client, wire tests and the Prism end-to-end tests.
//! 5. `cargo package` of the two published crates (`oapi-client-gen-core`, `oapi-client-gen`),
//!    each verified by a build of its packaged sources, and `cargo install --path cli` (into
//!    `target/install`) with the installed command run.
//! 6. `cargo xtask coverage --check`: `COVERAGE.md` (GitLab's documented endpoints the client
//!    serves) is what the checked-in endpoint lists and `NAMES.md` give.
//!    `cargo xtask examples --check`: every example of a success response in the GitLab
//!    client's effective spec decoded by its operation's decoder (`EXAMPLES.md`).
//!    `cargo xtask wire --check`: every operation of the GitLab client called through its
//!    generated method against an in-process server answering with its example, the request
//!    checked against the spec (`WIRE.md`).
//! 7. `cargo xtask fixtures --check`: the recorded GitLab responses of the shared fixtures
//!    decoded by the GitLab client; fails when one that `FIXTURES.md` counts as decoded no longer
//!    decodes; skipped when the fixtures are not there.
//! 8. `cargo xtask warnings --check`: every warning on the corpus's famous specs matches its
//!    review in `xtask/warnings-review.toml` (`WARNINGS.md`); skipped when the corpus is not
//!    there.
//! 9. `cargo xtask corpus --quick`: about 40 documents of the shared corpus generated and their
//!    crates compiled (one `cargo check` reusing the dependencies built above; under a minute on
//!    2 cores); fails on a panic, a timeout or a crate that does not compile; skipped when the
//!    corpus is not there.
//! 10. `cargo xtask corpus-examples --quick`: the same sample's examples decoded by their
//!     generated types; fails on a failure the generator causes; skipped when the corpus is not
//!     there.

use std::path::Path;
use std::process::{Command, ExitCode};

/// The crates' sources that an earlier `cargo package` of the same version unpacked into
/// `$CARGO_HOME/registry/src/<local registry>/`, removed. Cargo verifies a package against the
/// other packaged crate through a local registry at `target/package/`, and unpacks it once per
/// path: a later run from a checkout at the same path (a CI clone in the same folder) would
/// build against the stale sources of the earlier one. Only our crates' folders are removed;
/// their names are not on crates.io.
fn forget_packaged_sources() {
    let home = std::env::var_os("CARGO_HOME").map_or_else(
        || std::env::home_dir().unwrap_or_default().join(".cargo"),
        std::path::PathBuf::from,
    );
    let Ok(registries) = std::fs::read_dir(home.join("registry/src")) else {
        return;
    };
    for registry in registries.flatten() {
        let Ok(crates) = std::fs::read_dir(registry.path()) else {
            continue;
        };
        for krate in crates.flatten() {
            let name = krate.file_name().to_string_lossy().into_owned();
            let ours = ["oapi-client-gen-core-", "oapi-client-gen-"]
                .iter()
                .any(|p| {
                    name.strip_prefix(p)
                        .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()))
                });
            if ours {
                let _ = std::fs::remove_dir_all(krate.path());
            }
        }
    }
}

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

/// `cargo test --workspace`, its output passed through, ending with the totals of every test
/// binary on one line (`tests: N passed, N failed`), so a reader — or CI — sees at the end how
/// many tests ran, not only the count of the last binary (often a doctest run of 0).
fn tests(root: &Path, cargo: &str) -> Result<(), ExitCode> {
    use std::io::{BufRead, BufReader};
    println!("==> tests: {cargo} test --workspace");
    let mut child = Command::new(cargo)
        .args(["test", "--workspace"])
        .current_dir(root)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| {
            eprintln!("==> cannot run `{cargo}`: {e}");
            ExitCode::FAILURE
        })?;
    let (mut passed, mut failed) = (0u64, 0u64);
    let stdout = child.stdout.take().expect("stdout is piped");
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        println!("{line}");
        if let Some(rest) = line.strip_prefix("test result: ") {
            let count = |label: &str| {
                rest.split(';')
                    .find_map(|part| {
                        part.trim()
                            .trim_start_matches("ok. ")
                            .trim_start_matches("FAILED. ")
                            .strip_suffix(label)
                    })
                    .and_then(|n| n.trim().parse::<u64>().ok())
                    .unwrap_or(0)
            };
            passed += count(" passed");
            failed += count(" failed");
        }
    }
    let status = child.wait().map_err(|_| ExitCode::FAILURE)?;
    println!("tests: {passed} passed, {failed} failed");
    if status.success() && failed == 0 {
        Ok(())
    } else {
        eprintln!("==> tests failed ({status})");
        Err(ExitCode::FAILURE)
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
        crate::features::run_checks(None)?;
        tests(&root, &cargo)?;
        // What a publisher and a user of the command run: each crate packages (its files, its
        // manifest, and a build of the packaged sources against the other packaged crate), and
        // `cargo install --path cli` gives the command.
        forget_packaged_sources();
        step(
            &root,
            "the crates package",
            &cargo,
            &[
                "package",
                "-p",
                "oapi-client-gen-core",
                "-p",
                "oapi-client-gen",
                "--allow-dirty",
            ],
        )?;
        step(
            &root,
            "the command installs",
            &cargo,
            &[
                "install",
                "--path",
                "cli",
                "--locked",
                "--debug",
                "--force",
                "--target-dir",
                "target",
                "--root",
                "target/install",
            ],
        )?;
        step(
            &root,
            "the installed command runs",
            "target/install/bin/oapi-client-gen",
            &["--version"],
        )?;
        println!("==> GitLab's documented endpoints (cargo xtask coverage --check)");
        match crate::coverage::run(true) {
            code if code == ExitCode::SUCCESS => {}
            code => return Err(code),
        }
        println!("==> the effective spec's examples, decoded (cargo xtask examples --check)");
        match crate::fixtures::examples(true) {
            code if code == ExitCode::SUCCESS => {}
            code => return Err(code),
        }
        println!("==> every GitLab operation on the wire (cargo xtask wire --check)");
        match crate::wire::run(true) {
            code if code == ExitCode::SUCCESS => {}
            code => return Err(code),
        }
        println!("==> recorded GitLab responses (cargo xtask fixtures --check)");
        match crate::fixtures::run(true) {
            code if code == ExitCode::SUCCESS => {}
            code => return Err(code),
        }
        println!(
            "==> warnings on the famous specs, against their review (cargo xtask warnings --check)"
        );
        match crate::warnings::run(&["--check"]) {
            code if code == ExitCode::SUCCESS => {}
            code => return Err(code),
        }
        println!("==> corpus sample: generate and compile (cargo xtask corpus --quick)");
        let quick = crate::corpus::Args {
            mode: crate::corpus::Mode::Quick,
            limit: None,
            compile: true,
        };
        match crate::corpus::run(quick) {
            code if code == ExitCode::SUCCESS => {}
            code => return Err(code),
        }
        println!(
            "==> corpus sample's examples, decoded by their types (cargo xtask corpus-examples --quick)"
        );
        match crate::corpus::examples::run(true, None) {
            code if code == ExitCode::SUCCESS => Ok(()),
            code => Err(code),
        }
    };
    match steps() {
        Ok(()) => {
            println!("==> all checks passed");
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}
