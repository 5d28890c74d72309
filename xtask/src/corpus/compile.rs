//! Compiling the generated corpus crates: one `cargo check` over all of them.
//!
//! In: the folder holding the crates (`target/corpus/crates`) and the names of those to check.
//! Out: per crate, compiled (with its warning count) or failed with its first error (code and
//! message); and whether the dependencies were reused from the main workspace's target folder.
//!
//! The folder becomes a workspace of its own (`Cargo.toml` listing the crates, which also stops
//! cargo from finding `/work/main`'s workspace above it) with the main workspace's `Cargo.lock`
//! and profiles, so the dependency versions and build settings — hence the artifacts — are
//! those already built in the main `target` folder. `cargo check --keep-going
//! --message-format=json` reports every crate; each JSON message is attributed to its crate by
//! `package_id` (or its target's name). A crate whose manifest cargo cannot load would stop the
//! whole workspace: it is found (TOML first, then from cargo's own error), recorded as failed
//! and left out.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How one crate fared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Compiled {
    Ok {
        warnings: u64,
    },
    Failed {
        /// The first error's code (`E0412`), or what failed (`manifest`, `no-code`).
        code: String,
        message: String,
        warnings: u64,
    },
}

/// The run as a whole.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub crates: usize,
    /// Dependencies that cargo had to build (not fresh in the shared target folder).
    pub deps_built: Vec<String>,
    /// Dependencies found fresh, i.e. reused.
    pub deps_fresh: usize,
    pub elapsed: Duration,
    /// Compiler warnings by lint (`unused_variables`): the crates with it, how many, and the
    /// first one's crate and message.
    pub lints: BTreeMap<String, Lint>,
}

/// One compiler lint's warnings over the checked crates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lint {
    pub crates: BTreeSet<String>,
    pub warnings: u64,
    /// The first: `crate`, `file:line`, message.
    pub example: (String, String, String),
}

/// Every checked crate's result, and the run's summary.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    pub crates: BTreeMap<String, Compiled>,
    pub summary: Summary,
}

/// Checks the crates `names` of `dir` in one `cargo check`.
pub fn check(dir: &Path, names: &[String]) -> Result<Checked, String> {
    let started = Instant::now();
    let mut out = Checked::default();
    out.summary.crates = names.len();
    let mut members: Vec<String> = Vec::new();
    for name in names {
        let manifest = dir.join(name).join("Cargo.toml");
        let parsed = std::fs::read_to_string(&manifest)
            .map_err(|e| e.to_string())
            .and_then(|t| {
                t.parse::<toml::Table>()
                    .map_err(|e| toml_error(&e.to_string()))
            });
        match parsed {
            Ok(_) => members.push(name.clone()),
            Err(e) => {
                out.crates
                    .insert(name.clone(), failed("manifest", &one_line(&e), 0));
            }
        }
    }
    let root = crate::codegen::workspace_root();
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy Cargo.lock into {}: {e}", dir.display()))?;
    // Each manifest cargo cannot load is left out and the check run again (at most 20 times).
    for _ in 0..20 {
        if members.is_empty() {
            break;
        }
        std::fs::write(dir.join("Cargo.toml"), workspace_manifest(&root, &members)?)
            .map_err(|e| format!("cannot write {}: {e}", dir.join("Cargo.toml").display()))?;
        let run = cargo_check(dir, &root.join("target"), members.len())?;
        if run.finished {
            let mut parsed = attribute(&run.stdout, &members);
            out.crates.append(&mut parsed.crates);
            out.summary.deps_built = parsed.summary.deps_built;
            out.summary.deps_fresh = parsed.summary.deps_fresh;
            out.summary.lints = parsed.summary.lints;
            out.summary.elapsed = started.elapsed();
            return Ok(out);
        }
        let broken = unloadable(&run.stderr, dir, &members);
        if broken.is_empty() {
            return Err(format!(
                "cargo check failed before compiling:\n{}",
                run.stderr
            ));
        }
        let why = cargo_error(&run.stderr);
        for name in &broken {
            out.crates.insert(name.clone(), failed("manifest", &why, 0));
        }
        members.retain(|m| !broken.contains(m));
    }
    out.summary.elapsed = started.elapsed();
    Ok(out)
}

fn failed(code: &str, message: &str, warnings: u64) -> Compiled {
    Compiled::Failed {
        code: code.to_owned(),
        message: message.chars().take(200).collect(),
        warnings,
    }
}

/// A TOML error on one line: `duplicate key at line 30, column 1: `default = []``.
fn toml_error(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let at = lines
        .first()
        .map_or("", |l| l.trim_start_matches("TOML parse error "));
    let source = lines
        .iter()
        .filter_map(|l| l.split_once(" | "))
        .map(|(_, code)| code.trim())
        .find(|code| !code.starts_with('^'));
    match (lines.last(), source) {
        (Some(what), Some(source)) if lines.len() > 1 => format!("{what} {at}: `{source}`"),
        _ => one_line(text),
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The folder's `Cargo.toml`: a workspace of `members`, with the main workspace's profiles
/// (its `[profile]` table), since build settings are part of what makes an artifact reusable.
pub(super) fn workspace_manifest(root: &Path, members: &[String]) -> Result<String, String> {
    let main = std::fs::read_to_string(root.join("Cargo.toml"))
        .map_err(|e| format!("cannot read the workspace's Cargo.toml: {e}"))?
        .parse::<toml::Table>()
        .map_err(|e| format!("the workspace's Cargo.toml: {e}"))?;
    let mut workspace = toml::Table::new();
    workspace.insert("resolver".into(), "3".into());
    workspace.insert(
        "members".into(),
        toml::Value::Array(members.iter().map(|m| m.as_str().into()).collect()),
    );
    let mut manifest = toml::Table::new();
    manifest.insert("workspace".into(), workspace.into());
    if let Some(profile) = main.get("profile") {
        manifest.insert("profile".into(), profile.clone());
    }
    let text = toml::to_string(&manifest).map_err(|e| e.to_string())?;
    Ok(format!(
        "# @generated by `cargo xtask corpus`: the generated corpus crates, checked together.\n\n{text}"
    ))
}

/// What one `cargo check` printed.
struct Run {
    stdout: Vec<String>,
    stderr: String,
    /// Whether cargo got as far as building (a `build-finished` message).
    finished: bool,
}

/// `cargo check --workspace --keep-going --message-format=json` in `dir`, with `target` as the
/// target folder and no incremental state; a progress bar counts the member crates as they are done.
fn cargo_check(dir: &Path, target: &Path, members: usize) -> Result<Run, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut child = Command::new(&cargo)
        .args([
            "check",
            "--workspace",
            "--keep-going",
            "--message-format=json",
        ])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        // Incremental state for 1,321 throwaway crates filled 48 GB of disk; each is checked
        // once, so it buys nothing.
        .env("CARGO_INCREMENTAL", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run `{cargo}`: {e}"))?;
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let stderr = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let bar = super::progress(members, "crates checked");
    let mut stdout = Vec::new();
    let mut finished = false;
    let mut done = BTreeSet::new();
    for line in BufReader::new(child.stdout.take().expect("stdout is piped"))
        .lines()
        .map_while(Result::ok)
    {
        if line.contains("\"reason\":\"build-finished\"") {
            finished = true;
        }
        if let Ok(v) = serde_json::from_str::<Value>(&line)
            && let Some(name) = member_of(&v)
            && done.insert(name.clone())
        {
            bar.inc(1);
            bar.set_message(name);
            super::tick_line(&bar, done.len(), members);
        }
        stdout.push(line);
    }
    bar.finish_and_clear();
    let _ = child.wait();
    Ok(Run {
        stdout,
        stderr: stderr.join().unwrap_or_default(),
        finished,
    })
}

/// The crate a cargo JSON message is about, if a path package (a generated crate): from its
/// `package_id` (`path+file:///…/corpus-x#0.1.0`, `path+file:///…/dir#name@0.1.0`, or before
/// cargo 1.77 `name 0.1.0 (path+file:///…)`), else its target's name.
fn member_of(message: &Value) -> Option<String> {
    let id = message.get("package_id")?.as_str()?;
    if let Some(rest) = id.strip_prefix("path+file://") {
        let (path, fragment) = rest.split_once('#').unwrap_or((rest, ""));
        let name = match fragment.split_once('@') {
            Some((name, _)) => name,
            None => path.trim_end_matches('/').rsplit('/').next()?,
        };
        return Some(name.to_owned());
    }
    if id.contains("(path+file://") {
        return id.split(' ').next().map(str::to_owned);
    }
    if id.contains("registry+") || id.contains("git+") {
        return None;
    }
    let target = message.get("target")?.get("name")?.as_str()?;
    Some(target.replace('_', "-"))
}

/// Reads cargo's JSON messages: each crate's first error and its warnings, and which
/// dependencies were fresh.
fn attribute(lines: &[String], members: &[String]) -> Checked {
    let members: BTreeSet<&str> = members.iter().map(String::as_str).collect();
    let mut first_error: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut warnings: BTreeMap<String, u64> = BTreeMap::new();
    let mut built: BTreeSet<String> = BTreeSet::new();
    let mut out = Checked::default();
    for line in lines {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let member = member_of(&v).filter(|m| members.contains(m.as_str()));
        match (v["reason"].as_str(), member) {
            (Some("compiler-message"), Some(name)) => {
                let msg = &v["message"];
                let text = msg["message"].as_str().unwrap_or("");
                let summary_line = msg["spans"].as_array().is_none_or(Vec::is_empty)
                    && (text.starts_with("aborting due to") || text.ends_with("emitted"));
                if summary_line {
                    continue;
                }
                match msg["level"].as_str() {
                    Some("error") => {
                        first_error.entry(name).or_insert_with(|| {
                            (
                                msg["code"]["code"].as_str().unwrap_or("no-code").to_owned(),
                                one_line(text),
                            )
                        });
                    }
                    Some("warning") => {
                        let lint = msg["code"]["code"].as_str().unwrap_or("no-code");
                        let entry = out.summary.lints.entry(lint.to_owned()).or_default();
                        if entry.warnings == 0 {
                            let span = &msg["spans"][0];
                            let at = format!(
                                "{}:{}",
                                span["file_name"].as_str().unwrap_or("?"),
                                span["line_start"].as_u64().unwrap_or(0)
                            );
                            entry.example = (name.clone(), at, one_line(text));
                        }
                        entry.warnings += 1;
                        entry.crates.insert(name.clone());
                        *warnings.entry(name).or_default() += 1;
                    }
                    _ => {}
                }
            }
            (Some("compiler-artifact"), Some(name)) => {
                built.insert(name);
            }
            (Some("compiler-artifact"), None) => {
                if v["fresh"].as_bool() == Some(true) {
                    out.summary.deps_fresh += 1;
                } else {
                    let id = v["package_id"].as_str().unwrap_or("?");
                    out.summary.deps_built.push(id.to_owned());
                }
            }
            _ => {}
        }
    }
    for name in members {
        let w = warnings.get(name).copied().unwrap_or(0);
        let result = match first_error.get(name) {
            Some((code, message)) => failed(code, message, w),
            None if built.contains(name) => Compiled::Ok { warnings: w },
            None => failed("not-built", "no error and no artifact", w),
        };
        out.crates.insert(name.to_owned(), result);
    }
    out
}

/// The members that cargo's error output names by their folder (`failed to load manifest for
/// workspace member `…/crates/<name>``).
fn unloadable(stderr: &str, dir: &Path, members: &[String]) -> Vec<String> {
    let prefix = format!("{}/", dir.display());
    let named: BTreeSet<&str> = stderr
        .match_indices(&prefix)
        .filter_map(|(at, _)| {
            stderr[at + prefix.len()..]
                .split(['/', '`', '\n', ' '])
                .next()
        })
        .collect();
    members
        .iter()
        .filter(|m| named.contains(m.as_str()))
        .cloned()
        .collect()
}

/// Cargo's error, its `Caused by:` chain on one line.
fn cargo_error(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && *l != "Caused by:" && !l.starts_with("Updating"))
        .skip_while(|l| !l.starts_with("error"))
        .collect();
    one_line(&lines.join(": "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(package_id: &str, level: &str, code: Option<&str>, text: &str) -> String {
        serde_json::json!({
            "reason": "compiler-message",
            "package_id": package_id,
            "target": {"name": "whatever", "kind": ["lib"]},
            "message": {
                "level": level,
                "code": code.map(|c| serde_json::json!({"code": c})),
                "message": text,
                "spans": [{"file_name": "src/types.rs"}],
            },
        })
        .to_string()
    }

    fn artifact(package_id: &str, fresh: bool) -> String {
        serde_json::json!({"reason": "compiler-artifact", "package_id": package_id, "fresh": fresh})
            .to_string()
    }

    #[test]
    fn messages_are_attributed_to_their_crates() {
        let a = "path+file:///t/corpus/crates/corpus-a#0.1.0";
        let b = "path+file:///t/corpus/crates/corpus-b#corpus-b@0.1.0";
        let c = "corpus-c 0.1.0 (path+file:///t/corpus/crates/corpus-c)";
        let lines = vec![
            artifact(
                "registry+https://github.com/rust-lang/crates.io-index#serde@1.0.0",
                true,
            ),
            artifact(
                "registry+https://github.com/rust-lang/crates.io-index#reqwest@0.13.0",
                false,
            ),
            message(a, "warning", Some("unused_imports"), "unused import"),
            artifact(a, false),
            message(
                b,
                "error",
                Some("E0412"),
                "cannot find type `Foo` in this scope",
            ),
            message(b, "error", Some("E0425"), "a later error"),
            message(c, "warning", None, "2 warnings emitted")
                .replace("[{\"file_name\":\"src/types.rs\"}]", "[]"),
            message(c, "error", None, "expected one of `,` or `}`,\n found `x`"),
            "not json".to_owned(),
            serde_json::json!({"reason": "build-finished", "success": false}).to_string(),
        ];
        let names: Vec<String> = ["corpus-a", "corpus-b", "corpus-c", "corpus-d"]
            .map(String::from)
            .to_vec();
        let checked = attribute(&lines, &names);
        assert_eq!(checked.crates["corpus-a"], Compiled::Ok { warnings: 1 });
        assert_eq!(
            checked.crates["corpus-b"],
            failed("E0412", "cannot find type `Foo` in this scope", 0)
        );
        assert_eq!(
            checked.crates["corpus-c"],
            failed("no-code", "expected one of `,` or `}`, found `x`", 0),
            "the summary line is no warning; a message without code is kept on one line"
        );
        assert_eq!(
            checked.crates["corpus-d"],
            failed("not-built", "no error and no artifact", 0)
        );
        assert_eq!(checked.summary.deps_fresh, 1);
        assert_eq!(checked.summary.deps_built.len(), 1);
        let lint = &checked.summary.lints["unused_imports"];
        assert_eq!((lint.warnings, lint.crates.len()), (1, 1));
        assert_eq!(lint.example.0, "corpus-a");
        assert_eq!(
            checked.summary.lints.len(),
            1,
            "{:?}",
            checked.summary.lints
        );
    }

    #[test]
    fn toml_errors_fit_on_one_line() {
        let e = "TOML parse error at line 30, column 1\n   |\n30 | default = []\n   | ^^^^^^^\nduplicate key\n";
        assert_eq!(
            toml_error(e),
            "duplicate key at line 30, column 1: `default = []`"
        );
        let real = "a = 1\na = 2\n"
            .parse::<toml::Table>()
            .unwrap_err()
            .to_string();
        assert!(
            toml_error(&real).starts_with("duplicate key at line 2"),
            "{real}"
        );
    }

    #[test]
    fn unloadable_members_are_found_in_cargo_errors() {
        let dir = Path::new("/t/corpus/crates");
        let stderr = "error: failed to load manifest for workspace member `/t/corpus/crates/corpus-b`\nreferenced by workspace at `/t/corpus/crates/Cargo.toml`\n\nCaused by:\n  feature `x` includes `y`, which is neither a dependency nor another feature\n";
        let members: Vec<String> = ["corpus-a", "corpus-b"].map(String::from).to_vec();
        assert_eq!(unloadable(stderr, dir, &members), ["corpus-b"]);
        assert_eq!(
            cargo_error(stderr),
            "error: failed to load manifest for workspace member `/t/corpus/crates/corpus-b`: referenced by workspace at `/t/corpus/crates/Cargo.toml`: feature `x` includes `y`, which is neither a dependency nor another feature"
        );
    }
}
