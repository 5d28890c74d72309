//! The `codegen` task: specs → checked-in clients, through `cli`'s writer: only into folders it
//! generated (each keeps the writer's manifest, `.oapi-client-gen.json`; `--force` takes a
//! folder over), only when changed, each folder swapped in whole.

use oapi_client_gen::write;
use oapi_client_gen_core::Config;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

/// One spec's planned output: the crate's folder (relative to the workspace root) and its files
/// (path relative to that folder → contents).
pub struct Planned {
    pub output: String,
    pub files: BTreeMap<String, String>,
}

/// Generates every spec in memory. Err carries the rendered diagnostics of every failing spec.
pub fn plan(root: &Path, verbose: bool) -> Result<Vec<Planned>, String> {
    let mut configs: Vec<PathBuf> = std::fs::read_dir(root.join("specs"))
        .map_err(|e| format!("cannot list specs/: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path().join("codegen.toml")))
        .filter(|p| p.is_file())
        .collect();
    configs.sort();
    let mut planned = Vec::new();
    let mut failures = String::new();
    for config_path in configs {
        let dir = config_path.parent().expect("a file has a folder");
        let rel_dir = dir
            .strip_prefix(root)
            .unwrap_or(dir)
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&config_path)
            .map_err(|e| format!("{}: {e}", config_path.display()))?;
        let config = Config::parse(&format!("{rel_dir}/codegen.toml"), &text)?;
        if config.output.is_empty() {
            return Err(format!(
                "{rel_dir}/codegen.toml: `output` is missing: name the client crate's folder, \
                 relative to this file's (`output = \"../../my-client\"`)"
            ));
        }
        let output = within(&rel_dir, &config.output).ok_or_else(|| {
            format!(
                "{rel_dir}/codegen.toml: `output = {:?}` is outside the workspace",
                config.output
            )
        })?;
        let input = config.input(&rel_dir);
        // Each spec reads only below its own folder (and the folders its config allows).
        let fs = config.files(root, &rel_dir);
        match oapi_client_gen_core::generate(&input, &fs) {
            Ok(generated) => {
                let d = &generated.diagnostics;
                println!(
                    "{rel_dir}: {} operations, {} types, {} warnings -> {}",
                    generated.api.operations.len(),
                    generated.api.types.defs.len(),
                    d.warnings(),
                    output
                );
                if let Some(line) = name_lengths(&generated.api) {
                    println!("  {line}");
                }
                if verbose {
                    eprint!("{}", d.render(styled()));
                } else if !d.is_empty() {
                    let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
                    for w in d.iter() {
                        *by_code.entry(w.code).or_default() += 1;
                    }
                    let counts: Vec<String> =
                        by_code.iter().map(|(c, n)| format!("{c} x{n}")).collect();
                    println!(
                        "  warnings: {} (`cargo xtask codegen --verbose` lists them)",
                        counts.join(", ")
                    );
                }
                planned.push(Planned {
                    output,
                    files: oapi_client_gen::crate_files(generated),
                });
            }
            Err(diags) => {
                failures.push_str(&format!(
                    "{}{rel_dir}: generation failed with {} error(s)\n",
                    diags.render(styled()),
                    diags.errors()
                ));
            }
        }
    }
    if failures.is_empty() {
        Ok(planned)
    } else {
        Err(failures)
    }
}

/// The files whose contents on disk differ from the plan (missing ones included; the writer's
/// manifest too), and the files the manifest lists that are no longer produced; paths relative
/// to the workspace root. Err when the writer would refuse a folder (it does not own it and not
/// `force`).
pub fn changed(
    root: &Path,
    planned: &[Planned],
    force: bool,
) -> Result<(Vec<String>, Vec<String>), String> {
    let mut changed = Vec::new();
    let mut stale = Vec::new();
    for p in planned {
        let c =
            write::changes(&root.join(&p.output), &p.files, force).map_err(|e| e.to_string())?;
        changed.extend(c.changed.iter().map(|f| format!("{}/{f}", p.output)));
        stale.extend(c.stale.iter().map(|f| format!("{}/{f}", p.output)));
    }
    Ok((changed, stale))
}

pub fn run(mode: Mode, verbose: bool, force: bool) -> ExitCode {
    run_in(&workspace_root(), mode, verbose, force)
}

/// `run` for the workspace at `root`.
pub fn run_in(root: &Path, mode: Mode, verbose: bool, force: bool) -> ExitCode {
    let root = root.to_path_buf();
    let planned = match plan(&root, verbose) {
        Ok(p) => p,
        Err(e) => {
            eprint!("{e}");
            eprintln!("nothing was written");
            return ExitCode::FAILURE;
        }
    };
    // Every folder's ownership is checked before any is written.
    let (changed, stale) = match changed(&root, &planned, force) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            if mode == Mode::Write {
                eprintln!(
                    "(no client was written; `cargo xtask codegen --force` takes the folders over)"
                );
            }
            return ExitCode::FAILURE;
        }
    };
    match mode {
        Mode::Check => {
            if changed.is_empty() && stale.is_empty() {
                println!("generated code is fresh");
                return ExitCode::SUCCESS;
            }
            for c in &changed {
                eprintln!("stale: {c}");
            }
            for s in &stale {
                eprintln!("no longer generated: {s}");
            }
            eprintln!("generated code is stale: run `cargo xtask codegen` and commit the result");
            ExitCode::FAILURE
        }
        Mode::Write => {
            for p in &planned {
                let c = match write::write(&root.join(&p.output), &p.files, force) {
                    Ok(c) => c,
                    Err(e) => {
                        eprintln!("{e}");
                        return ExitCode::FAILURE;
                    }
                };
                for f in &c.changed {
                    println!("wrote {}/{f}", p.output);
                }
                for f in &c.stale {
                    println!("removed {}/{f}", p.output);
                }
                for l in &c.leftovers {
                    eprintln!(
                        "note: {} was left by an interrupted run; nothing in it was deleted: check it, then remove it",
                        l.display()
                    );
                }
            }
            if changed.is_empty() && stale.is_empty() {
                println!("generated code was already fresh");
            }
            ExitCode::SUCCESS
        }
    }
}

/// The method names' lengths: `method names: median 24 characters, longest 52 (`name`)`.
pub fn name_lengths(api: &oapi_client_gen_core::ir::Api) -> Option<String> {
    let mut names: Vec<&str> = api
        .operations
        .iter()
        .map(|o| oapi_client_gen_core::naming::bare(&o.name))
        .collect();
    names.sort_by_key(|n| n.len());
    let longest = names.last()?;
    let n = names.len();
    let median = if n % 2 == 1 {
        names[n / 2].len() as f64
    } else {
        (names[n / 2 - 1].len() + names[n / 2].len()) as f64 / 2.0
    };
    Some(format!(
        "method names: median {median} characters, longest {} (`{longest}`)",
        longest.len()
    ))
}

/// Whether diagnostics go to a terminal, and so get colors.
fn styled() -> bool {
    std::io::IsTerminal::is_terminal(&std::io::stderr())
}

/// `path` (a config's `output`, relative to the config's folder `dir`) as a path relative to
/// the workspace root, `..` resolved by its text: `specs/x` + `../../client` → `client`;
/// `None` when it leaves the workspace or names the root itself.
fn within(dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in dir.split('/').chain(path.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_are_relative_to_their_config() {
        assert_eq!(
            within("specs/gitlab-full", "../../generated-client").as_deref(),
            Some("generated-client")
        );
        assert_eq!(
            within("specs/x", "client").as_deref(),
            Some("specs/x/client")
        );
        assert_eq!(within("specs/x", "../../.."), None);
        assert_eq!(within("specs/x", "../.."), None);
    }

    const GOOD: &str = "openapi: 3.0.3\ninfo: {title: Good, version: '1'}\npaths:\n  /ping:\n    get:\n      operationId: ping\n      responses:\n        '204': {description: pong}\n";

    /// A scratch workspace with one spec per (name, spec text).
    fn scratch(name: &str, specs: &[(&str, &str)]) -> PathBuf {
        let root = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (spec, text) in specs {
            let dir = root.join("specs").join(spec);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("openapi.yaml"), text).unwrap();
            std::fs::write(
                dir.join("codegen.toml"),
                format!("spec = \"openapi.yaml\"\noutput = \"../../out-{spec}\"\n"),
            )
            .unwrap();
        }
        root
    }

    #[test]
    fn a_failing_spec_means_nothing_is_written() {
        let root = scratch(
            "fail",
            &[
                ("a", GOOD),
                (
                    "b",
                    "openapi: 3.0.3\ninfo: {title: Bad, version: '1'}\npaths: {/x: {get: {responses: {'200': {$ref: 'https://example.com/r.yaml#/x'}}}}}\n",
                ),
            ],
        );
        assert_eq!(run_in(&root, Mode::Write, false, false), ExitCode::FAILURE);
        assert!(
            !root.join("out-a").exists(),
            "the good spec's client must not be written either"
        );
        assert!(!root.join("out-b").exists());
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn writes_then_checks_fresh_then_detects_staleness() {
        let root = scratch("fresh", &[("a", GOOD)]);
        assert_eq!(
            run_in(&root, Mode::Check, false, false),
            ExitCode::FAILURE,
            "nothing written yet: stale"
        );
        assert_eq!(run_in(&root, Mode::Write, false, false), ExitCode::SUCCESS);
        let lib = root.join("out-a/src/lib.rs");
        assert!(
            std::fs::read_to_string(&lib)
                .unwrap()
                .starts_with("// @generated")
        );
        assert!(root.join("out-a/openapi.json").is_file());
        assert_eq!(run_in(&root, Mode::Check, false, false), ExitCode::SUCCESS);
        // A hand edit makes it stale; a file the manifest lists but the spec no longer
        // produces is found too; another tool's `@generated` file is neither.
        std::fs::write(&lib, "// @generated\n// edited\n").unwrap();
        let manifest_path = root.join("out-a").join(write::MANIFEST);
        let manifest = std::fs::read_to_string(&manifest_path).unwrap();
        std::fs::write(
            &manifest_path,
            manifest.replace("\"src/lib.rs\"", "\"src/lib.rs\",\n    \"src/old_tag.rs\""),
        )
        .unwrap();
        std::fs::write(
            root.join("out-a/src/old_tag.rs"),
            "// @generated by an older spec\n",
        )
        .unwrap();
        let other = root.join("out-a/src/other_tool.rs");
        std::fs::write(&other, "// @generated by another tool\n").unwrap();
        let planned = plan(&root, false).unwrap();
        let (changed, stale) = changed(&root, &planned, false).unwrap();
        assert_eq!(changed, ["out-a/.oapi-client-gen.json", "out-a/src/lib.rs"]);
        assert_eq!(stale, ["out-a/src/old_tag.rs"]);
        assert_eq!(run_in(&root, Mode::Check, false, false), ExitCode::FAILURE);
        assert_eq!(run_in(&root, Mode::Write, false, false), ExitCode::SUCCESS);
        assert!(!root.join("out-a/src/old_tag.rs").exists());
        assert_eq!(
            std::fs::read_to_string(&other).unwrap(),
            "// @generated by another tool\n",
            "a file the manifest does not list is kept"
        );
        assert_eq!(run_in(&root, Mode::Check, false, false), ExitCode::SUCCESS);
        std::fs::remove_dir_all(&root).unwrap();
    }

    /// A folder without the writer's manifest (a hand-written crate, or one generated before
    /// the manifest existed) is refused, every folder checked before any is written; `--force`
    /// takes it over and keeps the files the plan does not replace.
    #[test]
    fn folders_without_a_manifest_need_force() {
        let root = scratch("owned", &[("a", GOOD), ("b", GOOD)]);
        std::fs::create_dir_all(root.join("out-b/src")).unwrap();
        std::fs::write(root.join("out-b/src/lib.rs"), "// mine\n").unwrap();
        std::fs::write(root.join("out-b/notes.md"), "mine\n").unwrap();
        assert_eq!(run_in(&root, Mode::Write, false, false), ExitCode::FAILURE);
        assert!(!root.join("out-a").exists(), "nothing written for any spec");
        assert_eq!(
            std::fs::read_to_string(root.join("out-b/src/lib.rs")).unwrap(),
            "// mine\n"
        );
        assert_eq!(run_in(&root, Mode::Check, false, false), ExitCode::FAILURE);
        assert_eq!(run_in(&root, Mode::Write, false, true), ExitCode::SUCCESS);
        assert!(
            std::fs::read_to_string(root.join("out-b/src/lib.rs"))
                .unwrap()
                .starts_with("// @generated")
        );
        assert_eq!(
            std::fs::read_to_string(root.join("out-b/notes.md")).unwrap(),
            "mine\n"
        );
        assert!(root.join("out-b").join(write::MANIFEST).is_file());
        assert_eq!(run_in(&root, Mode::Check, false, false), ExitCode::SUCCESS);
        std::fs::remove_dir_all(&root).unwrap();
    }

    /// The checked-in clients are what the generator makes of the checked-in specs.
    #[test]
    fn generated_code_is_fresh() {
        let root = workspace_root();
        let planned = plan(&root, false).unwrap_or_else(|e| panic!("generation failed:\n{e}"));
        assert!(
            !planned.is_empty(),
            "no spec found under specs/*/codegen.toml"
        );
        let (changed, stale) = changed(&root, &planned, false)
            .unwrap_or_else(|e| panic!("{e}\nrun `cargo xtask codegen` and commit"));
        assert!(
            changed.is_empty() && stale.is_empty(),
            "generated code is stale ({changed:?}, no longer generated: {stale:?}): run `cargo xtask codegen` and commit"
        );
    }
}
