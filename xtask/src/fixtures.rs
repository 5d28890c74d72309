//! The `fixtures` task: responses a real GitLab sent, read by the generated client
//! (`FIXTURES.md`).
//!
//! In: `../shared/gitlab-fixtures/responses.jsonl` (506 responses recorded in python-gitlab's
//! unit tests; the folder can be moved with `FIXTURES_DIR`) and the GitLab spec as `cargo xtask
//! codegen` generates it (`specs/gitlab-full`). Each record is matched to the operation whose
//! method and path template fit its method and path (the template with the most literal
//! segments wins). Every matched success is then served to the client as GitLab would serve
//! it: `cargo xtask wire`'s checking crate calls the operation's generated method (its
//! arguments as the wire check builds them) against an in-process HTTP server that answers
//! with the recorded status, content type and body, and reports what `send()` returned, with
//! the field path of a decode failure (`Error::Decode`'s `path`).
//!
//! Records that are not what GitLab answers (test scaffolding of python-gitlab: a list
//! endpoint mocked with one object, a date written `"sometime"`) are listed, each with the
//! evidence that says so, in `specs/gitlab-full/fixtures-not-gitlab.toml`; they are reported
//! apart and not counted against the client.
//!
//! Out: `FIXTURES.md`: the counts (decoded, failed, no operation, not a success), each failure
//! with its operation, field path and message, and the method-and-path of each record no
//! operation serves. `--check` writes nothing and fails when a record that `FIXTURES.md` counts
//! as decoded no longer decodes (a regression); the run is skipped (exit 0) when the records
//! are not there.

use oapi_client_gen_core::diag::child;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

/// One recorded response, as `responses.jsonl` has it.
#[derive(Debug, Clone, serde::Deserialize)]
struct Record {
    source_file: String,
    line: u64,
    method: String,
    path: String,
    status: u16,
    #[serde(default)]
    body: Option<serde_json::Value>,
    body_kind: String,
    #[serde(default)]
    content_type: Option<String>,
}

/// An operation of the generated client, as the check needs it.
#[derive(Debug, Clone)]
struct Op {
    method: String,
    path: String,
    /// The Rust type whose `Decode` reads its responses:
    /// `<gitlab_api_client::projects::GetProject<'static> as Operation<'static>>::Response`.
    decoder: String,
    /// The client method, for the report.
    name: String,
}

/// What became of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Decoded,
    Failed {
        path: String,
        message: String,
    },
    /// No operation's method and path template fit.
    NoOperation,
    /// Not a 2xx: the client reads it as an `Error::Api`, not through the operation's decoder.
    NotSuccess,
    /// Listed in `fixtures-not-gitlab.toml`: not what GitLab answers, for the reason given.
    NotGitLab(String),
}

/// `specs/gitlab-full/fixtures-not-gitlab.toml`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NotGitLab {
    #[serde(default)]
    record: Vec<NotGitLabRecord>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NotGitLabRecord {
    /// `tests/unit/<file>.py:<line>`, as python-gitlab's tests register it.
    at: String,
    /// Only the records of that line with (`true`) or without (`false`) a body.
    #[serde(default)]
    body: Option<bool>,
    /// Why GitLab does not send this, with the evidence.
    reason: String,
}

impl NotGitLabRecord {
    fn covers(&self, r: &Record) -> bool {
        // Only successes: any other status is the client's `Error::Api`, whatever its body.
        (200..300).contains(&r.status)
            && record_at(r) == self.at
            && self.body.is_none_or(|b| b == (r.body_kind != "none"))
    }
}

/// The records listed as not GitLab's answer (empty without the file).
fn not_gitlab(root: &Path) -> Result<Vec<NotGitLabRecord>, String> {
    let file = root.join("specs/gitlab-full/fixtures-not-gitlab.toml");
    let text = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("cannot read {}: {e}", file.display())),
    };
    let list: NotGitLab = toml::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(list.record)
}

pub fn run(check: bool) -> ExitCode {
    match run_inner(check) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("fixtures: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_inner(check: bool) -> Result<ExitCode, String> {
    let root = crate::codegen::workspace_root();
    let dir = std::env::var_os("FIXTURES_DIR")
        .map_or_else(|| root.join("../shared/gitlab-fixtures"), PathBuf::from);
    let file = dir.join("responses.jsonl");
    if !file.is_file() {
        println!(
            "fixtures: {} is not there; skipped (set FIXTURES_DIR to its folder)",
            file.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let records = read_records(&file)?;
    let generated = gitlab_generated(&root)?;
    let ops = operations_of(&generated);
    let not_gitlab = not_gitlab(&root)?;
    let unused: Vec<&str> = not_gitlab
        .iter()
        .filter(|n| !records.iter().any(|r| n.covers(r)))
        .map(|n| n.at.as_str())
        .collect();
    let reason = |r: &Record| {
        not_gitlab
            .iter()
            .find(|n| n.covers(r))
            .map(|n| n.reason.clone())
    };
    if !unused.is_empty() {
        return Err(format!(
            "fixtures-not-gitlab.toml lists records that responses.jsonl does not have: {unused:?}"
        ));
    }
    let matched: Vec<Option<usize>> = records.iter().map(|r| match_op(&ops, r)).collect();
    // Only successes go through the decoder, and only GitLab's.
    let to_decode: Vec<(usize, usize)> = records
        .iter()
        .zip(&matched)
        .enumerate()
        .filter(|(_, (r, _))| reason(r).is_none())
        .filter_map(|(i, (r, m))| Some((i, (*m)?)).filter(|_| (200..300).contains(&r.status)))
        .collect();
    let decoded = serve_all(&root, &generated, &records, &to_decode)?;
    let mut outcomes: Vec<Outcome> = records
        .iter()
        .zip(&matched)
        .map(|(r, m)| match (reason(r), m) {
            (Some(why), _) => Outcome::NotGitLab(why),
            (None, None) => Outcome::NoOperation,
            (None, Some(_)) if !(200..300).contains(&r.status) => Outcome::NotSuccess,
            (None, Some(_)) => Outcome::Decoded,
        })
        .collect();
    for ((i, _), outcome) in to_decode.iter().zip(decoded) {
        outcomes[*i] = outcome;
    }
    let report = report(&records, &ops, &matched, &outcomes);
    let out = root.join("FIXTURES.md");
    let decoded_now: Vec<String> = records
        .iter()
        .zip(&outcomes)
        .filter(|(_, o)| **o == Outcome::Decoded)
        .map(|(r, _)| record_id(r))
        .collect();
    print!("{}", summary_lines(&records, &outcomes));
    if check {
        let previous = std::fs::read_to_string(&out).unwrap_or_default();
        let lost: Vec<&str> = previous_decoded(&previous)
            .into_iter()
            .filter(|id| !decoded_now.iter().any(|d| d == id))
            .collect();
        if !lost.is_empty() {
            eprintln!(
                "fixtures: {} record(s) that FIXTURES.md counts as decoded no longer decode:",
                lost.len()
            );
            for id in lost {
                eprintln!("  {id}");
            }
            return Ok(ExitCode::FAILURE);
        }
        if previous != report {
            println!(
                "fixtures: FIXTURES.md differs from this run (no regression); `cargo xtask fixtures` rewrites it"
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    std::fs::write(&out, report).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    println!("fixtures: wrote {}", out.display());
    Ok(ExitCode::SUCCESS)
}

fn read_records(file: &Path) -> Result<Vec<Record>, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| {
            serde_json::from_str(l).map_err(|e| format!("{}:{}: {e}", file.display(), n + 1))
        })
        .collect()
}

/// The GitLab client as `cargo xtask codegen` generates it (`specs/gitlab-full/codegen.toml`).
pub fn gitlab_generated(root: &Path) -> Result<oapi_client_gen_core::Generated, String> {
    let rel_dir = "specs/gitlab-full";
    let text = std::fs::read_to_string(root.join(rel_dir).join("codegen.toml"))
        .map_err(|e| format!("{rel_dir}/codegen.toml: {e}"))?;
    let config = oapi_client_gen_core::Config::parse(&format!("{rel_dir}/codegen.toml"), &text)?;
    let input = config.input(rel_dir);
    let fs = config.files(root, rel_dir);
    oapi_client_gen_core::generate(&input, &fs)
        .map_err(|d| format!("{rel_dir} does not generate:\n{d}"))
}

/// The operations of the GitLab client, the component schemas whose types it reads (pointer,
/// Rust name), and its effective spec.
type Schemas = Vec<(String, String)>;
fn operations_schemas_and_spec(root: &Path) -> Result<(Vec<Op>, String, Schemas), String> {
    let generated = gitlab_generated(root)?;
    let api = &generated.api;
    let schemas = api
        .types
        .defs
        .iter()
        .filter(|d| {
            d.serde.deserialize
                && d.origin.starts_with("/components/schemas/")
                && d.origin.matches('/').count() == 3
        })
        .map(|d| (d.origin.clone(), d.name.clone()))
        .collect();
    let ops = operations_of(&generated);
    Ok((ops, generated.effective_spec, schemas))
}

/// The operations of the generated GitLab client, in spec order.
fn operations_of(generated: &oapi_client_gen_core::Generated) -> Vec<Op> {
    let api = &generated.api;
    api.operations
        .iter()
        .map(|o| Op {
            method: o.method.clone(),
            path: o.path.clone(),
            decoder: format!(
                "<gitlab_api_client::{}::{}<'static> as Operation<'static>>::Response",
                api.modules[o.module].name, o.builder
            ),
            name: oapi_client_gen_core::naming::bare(&o.name).to_owned(),
        })
        .collect()
}

/// The operation serving `record`: same method, and a path template whose literal segments
/// equal the record's and whose `{param}` segments take one non-empty segment each; of several,
/// the one with the most literal segments, then the first in spec order.
fn match_op(ops: &[Op], record: &Record) -> Option<usize> {
    let path = record.path.split('?').next().unwrap_or_default();
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let mut best: Option<(usize, usize)> = None;
    for (i, op) in ops.iter().enumerate() {
        if !op.method.eq_ignore_ascii_case(&record.method) {
            continue;
        }
        let template: Vec<&str> = op.path.trim_end_matches('/').split('/').collect();
        if template.len() != segments.len() {
            continue;
        }
        let mut literal = 0;
        let fits = template.iter().zip(&segments).all(|(t, s)| {
            if t.starts_with('{') && t.ends_with('}') {
                !s.is_empty()
            } else {
                literal += 1;
                t == s
            }
        });
        if fits && best.is_none_or(|(_, l)| literal > l) {
            best = Some((i, literal));
        }
    }
    best.map(|(i, _)| i)
}

/// Serves each `(record, operation)` from an in-process HTTP server to the operation's
/// generated method, with the record's status, content type and body, and says what `send()`
/// made of it (`cargo xtask wire`'s checking crate, given these answers).
fn serve_all(
    root: &Path,
    generated: &oapi_client_gen_core::Generated,
    records: &[Record],
    jobs: &[(usize, usize)],
) -> Result<Vec<Outcome>, String> {
    let answers = jobs
        .iter()
        .map(|(record, op)| {
            let r = &records[*record];
            let body = match (&r.body, r.body_kind.as_str()) {
                (Some(b), "json") => serde_json::to_string(b).map_err(|e| e.to_string())?,
                (Some(serde_json::Value::String(s)), _) => s.clone(),
                _ => String::new(),
            };
            let media = match (&r.content_type, r.body_kind.as_str()) {
                (Some(t), _) => Some(t.clone()),
                (None, "json") => Some("application/json".to_owned()),
                (None, _) if !body.is_empty() => Some("text/plain".to_owned()),
                (None, _) => None,
            };
            Ok((*op, r.status, media, body))
        })
        .collect::<Result<Vec<_>, String>>()?;
    println!(
        "fixtures: serving the records to the client's methods (cargo xtask wire's checking crate)"
    );
    Ok(crate::wire::serve(root, generated, &answers)?
        .into_iter()
        .map(|served| match served {
            Ok(()) => Outcome::Decoded,
            Err((path, message)) => Outcome::Failed { path, message },
        })
        .collect())
}

/// Decodes each `(record, operation)` by the operation's decoder in the generated client, in
/// one run of the checking crate.
fn decode_all(
    root: &Path,
    ops: &[Op],
    records: &[Record],
    jobs: &[(usize, usize)],
) -> Result<Vec<Outcome>, String> {
    if jobs.is_empty() {
        return Ok(Vec::new());
    }
    // The table holds the operations used, in spec order.
    let mut used: Vec<usize> = jobs.iter().map(|(_, op)| *op).collect();
    used.sort_unstable();
    used.dedup();
    let dir = root.join("target/fixtures/check");
    write_checker(root, &dir, ops, &used)?;
    let mut input = String::new();
    for (record, op) in jobs {
        let r = &records[*record];
        let body = match (&r.body, r.body_kind.as_str()) {
            (Some(b), "json") => serde_json::to_string(b).map_err(|e| e.to_string())?,
            (Some(serde_json::Value::String(s)), _) => s.clone(),
            _ => String::new(),
        };
        let line = serde_json::json!({
            "op": used.binary_search(op).map_err(|_| "an operation is missing from the table")?,
            "status": r.status,
            "content_type": r.content_type,
            "body": body,
        });
        input.push_str(&line.to_string());
        input.push('\n');
    }
    println!("fixtures: building the checking crate (gitlab-api-client, every feature)");
    let stdout = run_checking_crate(root, &dir, input)?;
    let outcomes: Vec<Outcome> = stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value =
                serde_json::from_str(l).map_err(|e| format!("checker output `{l}`: {e}"))?;
            Ok(match v["result"].as_str() {
                Some("decoded") => Outcome::Decoded,
                _ => Outcome::Failed {
                    path: v["path"].as_str().unwrap_or_default().to_owned(),
                    message: v["message"].as_str().unwrap_or_default().to_owned(),
                },
            })
        })
        .collect::<Result<_, String>>()?;
    if outcomes.len() != jobs.len() {
        return Err(format!(
            "the checking crate answered {} of {} records",
            outcomes.len(),
            jobs.len()
        ));
    }
    Ok(outcomes)
}

/// The `[dependencies]` of the checking crates (this one, and `cargo xtask wire`'s): one list,
/// so that both resolve the client's dependencies alike and build `gitlab-api-client` once.
pub fn checker_dependencies(client: &Path) -> String {
    format!(
        r#"[dependencies]
gitlab-api-client = {{ path = {client:?} }}
bytes = "1"
chrono = {{ version = "0.4", default-features = false }}
percent-encoding = "2"
reqwest = {{ version = "0.13", default-features = false }}
serde_json = "1"
tokio = {{ version = "1", features = ["macros", "rt-multi-thread"] }}
url = "2"
uuid = "1"
wiremock = "0.6"
"#,
        client = client.display().to_string()
    )
}

/// The checking crate: a workspace of its own (so cargo does not take it for a member of this
/// one) with this workspace's `Cargo.lock`, depending on `generated-client` by path.
fn write_checker(root: &Path, dir: &Path, ops: &[Op], used: &[usize]) -> Result<(), String> {
    let client = root.join("generated-client");
    let manifest = format!(
        r#"# @generated by `cargo xtask fixtures`: decodes recorded GitLab responses.
[package]
name = "fixtures-check"
version = "0.0.0"
edition = "2024"
publish = false

{dependencies}
[workspace]
"#,
        dependencies = checker_dependencies(&client)
    );
    let table: Vec<String> = used
        .iter()
        .map(|i| format!("    check::<{}>,", ops[*i].decoder))
        .collect();
    let main = format!(
        r#"// @generated by `cargo xtask fixtures`.
//! Reads records (`{{"op", "status", "content_type", "body"}}` per line) from stdin, decodes each
//! body by its operation's decoder and prints `{{"result": "decoded"}}` or
//! `{{"result": "failed", "path", "message"}}` per line.

use gitlab_api_client::runtime::{{Decode, Error, Operation, RawResponse}};
use std::io::BufRead as _;

type Check = fn(RawResponse) -> Result<(), Error>;

fn check<D: Decode>(raw: RawResponse) -> Result<(), Error> {{
    D::decode(raw).map(drop)
}}

static TABLE: &[Check] = &[
{table}
];

fn main() {{
    let url = url::Url::parse("http://gitlab.example/").expect("a URL");
    for line in std::io::stdin().lock().lines() {{
        let line = line.expect("stdin");
        let record: serde_json::Value = serde_json::from_str(&line).expect("a record");
        let op = record["op"].as_u64().expect("op") as usize;
        let status = record["status"].as_u64().expect("status") as u16;
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(t) = record["content_type"].as_str() {{
            headers.insert(
                reqwest::header::CONTENT_TYPE,
                t.parse().expect("a content type"),
            );
        }}
        let raw = RawResponse {{
            status: reqwest::StatusCode::from_u16(status).expect("a status"),
            headers,
            url: url.clone(),
            body: bytes::Bytes::from(record["body"].as_str().unwrap_or_default().to_owned()),
        }};
        let out = match TABLE[op](raw) {{
            Ok(()) => serde_json::json!({{"result": "decoded"}}),
            Err(Error::Decode {{ path, source, .. }}) => {{
                serde_json::json!({{"result": "failed", "path": path, "message": source.to_string()}})
            }}
            Err(other) => serde_json::json!({{"result": "failed", "path": "", "message": other.to_string()}}),
        }};
        println!("{{out}}");
    }}
}}
"#,
        table = table.join("\n")
    );
    write_checking_crate(root, dir, &manifest, &main)
}

/// Writes a checking crate: its manifest, `src/main.rs` and this workspace's `Cargo.lock`.
pub fn write_checking_crate(
    root: &Path,
    dir: &Path,
    manifest: &str,
    main: &str,
) -> Result<(), String> {
    std::fs::create_dir_all(dir.join("src")).map_err(|e| format!("{}: {e}", dir.display()))?;
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("src/main.rs"), main).map_err(|e| e.to_string())?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    Ok(())
}

/// Builds and runs the checking crate in `dir` (in this workspace's `target/`) with `input` on
/// its stdin; its stdout.
pub fn run_checking_crate(root: &Path, dir: &Path, input: String) -> Result<String, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut child = Command::new(&cargo)
        .args(["run", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run `{cargo}`: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|e| format!("the checking crate: {e}"))?;
    writer
        .join()
        .map_err(|_| "writing the input failed")?
        .map_err(|e| format!("writing the input: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "the checking crate failed ({}); its source is in {}",
            output.status,
            dir.display()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// How a record is named in the report: where python-gitlab's tests register it, and what.
fn record_id(r: &Record) -> String {
    format!("{}:{} {} {}", r.source_file, r.line, r.method, r.path)
}

/// Where python-gitlab's tests register a record: `tests/unit/<file>.py:<line>`.
fn record_at(r: &Record) -> String {
    format!("{}:{}", r.source_file, r.line)
}

/// The record ids the report lists as decoded (its "Decoded" section).
fn previous_decoded(report: &str) -> Vec<&str> {
    let Some((_, rest)) = report.split_once("\n## Decoded\n") else {
        return Vec::new();
    };
    rest.lines()
        .take_while(|l| !l.starts_with("## "))
        .filter_map(|l| l.strip_prefix("- `")?.strip_suffix('`'))
        .collect()
}

fn summary_lines(records: &[Record], outcomes: &[Outcome]) -> String {
    let count = |f: &dyn Fn(&Record, &Outcome) -> bool| {
        records
            .iter()
            .zip(outcomes)
            .filter(|(r, o)| f(r, o))
            .count()
    };
    let json = |r: &Record| r.body_kind == "json";
    let matched_json =
        count(&|r, o| json(r) && matches!(o, Outcome::Decoded | Outcome::Failed { .. }));
    let decoded_json = count(&|r, o| json(r) && *o == Outcome::Decoded);
    let share = if matched_json == 0 {
        0.0
    } else {
        100.0 * decoded_json as f64 / matched_json as f64
    };
    format!(
        "- records: {}; successes with a JSON body matched to an operation: {matched_json}, decoded {decoded_json} ({share:.1}%)\n\
         - every record: decoded {}, failed {}, no operation {}, not a success {}, not GitLab's answer {}\n",
        records.len(),
        count(&|_, o| *o == Outcome::Decoded),
        count(&|_, o| matches!(o, Outcome::Failed { .. })),
        count(&|_, o| *o == Outcome::NoOperation),
        count(&|_, o| *o == Outcome::NotSuccess),
        count(&|_, o| matches!(o, Outcome::NotGitLab(_))),
    )
}

fn report(
    records: &[Record],
    ops: &[Op],
    matched: &[Option<usize>],
    outcomes: &[Outcome],
) -> String {
    let mut out = String::new();
    out.push_str("# Recorded GitLab responses, read by the generated client\n\n");
    out.push_str(
        "The 506 responses of `../shared/gitlab-fixtures/responses.jsonl` (recorded in python-gitlab's unit tests; its README gives provenance and license), each matched to the operation of `gitlab-api-client` whose method and path template fit, and each success served by an in-process HTTP server, with its recorded status, content type and body, to that operation's generated method, whose `send()` must return `Ok` (`cargo xtask fixtures`, `xtask/src/fixtures.rs`; the calls are `cargo xtask wire`'s). Records are named by the python-gitlab test file and line that register them.\n\n",
    );
    out.push_str("## Summary\n\n");
    out.push_str(&summary_lines(records, outcomes));
    // Failures, grouped by operation.
    let mut failures: BTreeMap<(usize, String, String), Vec<&Record>> = BTreeMap::new();
    for ((r, m), o) in records.iter().zip(matched).zip(outcomes) {
        if let (Some(op), Outcome::Failed { path, message }) = (m, o) {
            failures
                .entry((*op, path.clone(), message.clone()))
                .or_default()
                .push(r);
        }
    }
    out.push_str(&format!(
        "\n## Failed ({})\n\nBy operation, the field where decoding stopped and why (only the first failure of a body is known).\n\n| operation | method and path | field | error | records |\n|---|---|---|---|---|\n",
        failures.values().map(Vec::len).sum::<usize>()
    ));
    for ((op, path, message), rs) in &failures {
        let o = &ops[*op];
        let field = if path.is_empty() {
            "(top level)".to_owned()
        } else {
            format!("`{path}`")
        };
        out.push_str(&format!(
            "| `{}` | `{} {}` | {field} | {} | {} |\n",
            o.name,
            o.method,
            o.path,
            cell(message),
            rs.iter()
                .map(|r| format!("{}:{}", short_file(&r.source_file), r.line))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    // No operation, grouped by method and path.
    let mut missing: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (r, o) in records.iter().zip(outcomes) {
        if *o == Outcome::NoOperation {
            *missing
                .entry((r.method.clone(), r.path.clone()))
                .or_default() += 1;
        }
    }
    out.push_str(&format!(
        "\n## No operation ({} records)\n\nNo operation of the GitLab client (GitLab's `openapi_v2.yaml` with the documents of `specs/gitlab-full/docs/` merged in) serves these: most are stand-in paths of python-gitlab's HTTP-layer tests (`/tests`, `/not_there`, `/others`), the rest endpoints that the documentation pages read for `docs-endpoints.tsv` do not list (project service accounts, service accounts' tokens) or methods GitLab does not route (`PUT /projects`).\n\n",
        missing.values().sum::<usize>()
    ));
    for ((method, path), n) in &missing {
        let times = if *n > 1 {
            format!(" ({n} records)")
        } else {
            String::new()
        };
        out.push_str(&format!("- `{method} {path}`{times}\n"));
    }
    out.push_str("\n## Not GitLab's answer\n\nRecords of python-gitlab's tests that GitLab would not send for their request (`specs/gitlab-full/fixtures-not-gitlab.toml` gives the evidence); not decoded, not counted.\n\n| record | reason |\n|---|---|\n");
    for (r, o) in records.iter().zip(outcomes) {
        if let Outcome::NotGitLab(reason) = o {
            out.push_str(&format!(
                "| `{}:{} {} {}` | {} |\n",
                short_file(&r.source_file),
                r.line,
                r.method,
                r.path,
                cell(reason)
            ));
        }
    }
    out.push_str("\n## Decoded\n\n");
    for (r, o) in records.iter().zip(outcomes) {
        if *o == Outcome::Decoded {
            out.push_str(&format!("- `{}`\n", record_id(r)));
        }
    }
    out
}

fn short_file(path: &str) -> &str {
    path.strip_prefix("tests/unit/").unwrap_or(path)
}

/// Text for a Markdown table cell: one line, pipes escaped, at most 200 characters.
pub fn cell(text: &str) -> String {
    let one: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut clipped: String = one.chars().take(200).collect();
    if one.chars().count() > 200 {
        clipped.push('…');
    }
    clipped.replace('|', "\\|")
}

/// `cargo xtask examples [--check]`: every example of a success response in the GitLab
/// client's effective spec (`openapi.json`: GitLab's description, the documents of
/// `specs/gitlab-full/docs/` merged into it, the overlay) decoded by its operation's decoder, as
/// the fixtures are. Writes `EXAMPLES.md`: the count and each failure with its pointer, field
/// and error. `--check` fails when `EXAMPLES.md` is not what this run finds. Needs nothing
/// outside the repository, so CI runs it.
pub fn examples(check: bool) -> ExitCode {
    match examples_inner(check) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("examples: {e}");
            ExitCode::FAILURE
        }
    }
}

fn examples_inner(check: bool) -> Result<ExitCode, String> {
    let root = crate::codegen::workspace_root();
    let (mut ops, spec, schemas) = operations_schemas_and_spec(&root)?;
    let doc: serde_json::Value = serde_json::from_str(&spec).map_err(|e| e.to_string())?;
    let mut records = Vec::new();
    let mut jobs = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        let op_ptr = child(&child("/paths", &op.path), op.method.to_ascii_lowercase());
        let Some(serde_json::Value::Object(responses)) =
            doc.pointer(&format!("{op_ptr}/responses"))
        else {
            continue;
        };
        for (code, response) in responses {
            let Ok(status) = code.parse::<u16>() else {
                continue;
            };
            if !(200..300).contains(&status) {
                continue;
            }
            let Some(serde_json::Value::Object(content)) = response.get("content") else {
                continue;
            };
            for (media, body) in content.iter().filter(|(m, _)| m.contains("json")) {
                let media_ptr = child(&child(&child(&op_ptr, "responses"), code), "content");
                let media_ptr = child(&media_ptr, media);
                let mut found: Vec<(String, &serde_json::Value)> = Vec::new();
                if let Some(example) = body.get("example") {
                    found.push((child(&media_ptr, "example"), example));
                }
                if let Some(serde_json::Value::Object(named)) = body.get("examples") {
                    for (name, e) in named {
                        if let Some(value) = e.get("value") {
                            let at = child(&child(&media_ptr, "examples"), name);
                            found.push((child(&at, "value"), value));
                        }
                    }
                }
                for (pointer, value) in found {
                    jobs.push((records.len(), i));
                    records.push(Record {
                        source_file: format!("openapi.json#{pointer}"),
                        line: 0,
                        method: op.method.clone(),
                        path: op.path.clone(),
                        status,
                        body: Some(value.clone()),
                        body_kind: "json".to_owned(),
                        content_type: Some(media.clone()),
                    });
                }
            }
        }
    }
    // A component schema's own `example`, read as its type (for the types the client reads).
    for (pointer, name) in schemas {
        let Some(value) = doc.pointer(&format!("{pointer}/example")) else {
            continue;
        };
        jobs.push((records.len(), ops.len()));
        ops.push(Op {
            method: String::new(),
            path: pointer.clone(),
            decoder: format!("gitlab_api_client::runtime::Json<gitlab_api_client::types::{name}>"),
            name: format!("types::{name}"),
        });
        records.push(Record {
            source_file: format!("openapi.json#{}", child(&pointer, "example")),
            line: 0,
            method: String::new(),
            path: pointer,
            status: 200,
            body: Some(value.clone()),
            body_kind: "json".to_owned(),
            content_type: Some("application/json".to_owned()),
        });
    }
    let outcomes = decode_all(&root, &ops, &records, &jobs)?;
    let failed: Vec<(&Record, &Op, &Outcome)> = jobs
        .iter()
        .zip(&outcomes)
        .filter(|(_, o)| matches!(o, Outcome::Failed { .. }))
        .map(|((r, op), o)| (&records[*r], &ops[*op], o))
        .collect();
    let mut text = String::from(
        "# Examples of the GitLab client's effective spec, read by the client

",
    );
    text.push_str("Every example of a success response in `generated-client/openapi.json` (GitLab's `openapi_v2.yaml`, the documents of `specs/gitlab-full/docs/` merged into it, the overlay), decoded by its operation's decoder as the client decodes a response, and every `example` of a component schema whose type the client reads, decoded as that type (`cargo xtask examples`, `xtask/src/fixtures.rs`). `--check`, part of `cargo xtask test`, fails when this file is not what a run finds.

");
    text.push_str(&format!(
        "- examples: {}; decoded {}; failed {}
",
        records.len(),
        records.len() - failed.len(),
        failed.len()
    ));
    text.push_str(&format!(
        "
## Failed ({})

| operation or type | example | field | error |
|---|---|---|---|
",
        failed.len()
    ));
    for (r, op, o) in &failed {
        if let Outcome::Failed { path, message } = o {
            let field = if path.is_empty() {
                "(top level)".to_owned()
            } else {
                format!("`{path}`")
            };
            text.push_str(&format!(
                "| `{}` | `{}` | {field} | {} |\n",
                op.name,
                r.source_file.trim_start_matches("openapi.json"),
                cell(message)
            ));
        }
    }
    let summary = text
        .lines()
        .find(|l| l.starts_with("- examples"))
        .unwrap_or_default()
        .to_owned();
    let out = root.join("EXAMPLES.md");
    if check {
        let previous = std::fs::read_to_string(&out).unwrap_or_default();
        if previous == text {
            println!("examples: EXAMPLES.md is fresh {summary}");
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!(
            "examples: EXAMPLES.md is not what this run finds ({summary}); run `cargo xtask examples`"
        );
        return Ok(ExitCode::FAILURE);
    }
    std::fs::write(&out, text).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    println!("examples: wrote {} {summary}", out.display());
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(method: &str, path: &str) -> Op {
        Op {
            method: method.into(),
            path: path.into(),
            decoder: "m::B".into(),
            name: "b".into(),
        }
    }

    fn record(method: &str, path: &str, status: u16) -> Record {
        Record {
            source_file: "tests/unit/objects/test_x.py".into(),
            line: 7,
            method: method.into(),
            path: path.into(),
            status,
            body: Some(serde_json::json!({"id": 1})),
            body_kind: "json".into(),
            content_type: Some("application/json".into()),
        }
    }

    #[test]
    fn a_record_takes_the_template_with_the_most_literal_segments() {
        let ops = [
            op(
                "POST",
                "/api/v4/projects/{id}/access_tokens/{token_id}/rotate",
            ),
            op("POST", "/api/v4/projects/{id}/access_tokens/self/rotate"),
            op("GET", "/api/v4/projects/{id}/access_tokens/{token_id}"),
        ];
        let r = |m, p| match_op(&ops, &record(m, p, 200));
        assert_eq!(
            r("POST", "/api/v4/projects/1/access_tokens/self/rotate"),
            Some(1)
        );
        assert_eq!(
            r("POST", "/api/v4/projects/1/access_tokens/42/rotate"),
            Some(0)
        );
        assert_eq!(
            r("get", "/api/v4/projects/group%2Fp/access_tokens/42"),
            Some(2)
        );
        assert_eq!(r("DELETE", "/api/v4/projects/1/access_tokens/42"), None);
        assert_eq!(r("GET", "/api/v4/projects/1/access_tokens"), None);
        assert_eq!(r("GET", "/api/v4/projects/1/access_tokens/42/extra"), None);
    }

    #[test]
    fn the_report_lists_what_decoded_so_check_can_find_regressions() {
        let ops = [op("GET", "/api/v4/x/{id}")];
        let records = [
            record("GET", "/api/v4/x/1", 200),
            record("GET", "/api/v4/x/2", 200),
            record("GET", "/api/v4/y", 200),
            record("GET", "/api/v4/x/3", 404),
            record("GET", "/api/v4/x/4", 200),
        ];
        let matched = [Some(0), Some(0), None, Some(0), Some(0)];
        let outcomes = [
            Outcome::Decoded,
            Outcome::Failed {
                path: "a.b".into(),
                message: "invalid | type".into(),
            },
            Outcome::NoOperation,
            Outcome::NotSuccess,
            Outcome::NotGitLab("a stand-in body".into()),
        ];
        let text = report(&records, &ops, &matched, &outcomes);
        assert_eq!(
            previous_decoded(&text),
            ["objects/test_x.py:7 GET /api/v4/x/1".replace("objects/", "tests/unit/objects/")]
        );
        assert!(text.contains(
            "| `b` | `GET /api/v4/x/{id}` | `a.b` | invalid \\| type | objects/test_x.py:7 |"
        ));
        assert!(text.contains("- `GET /api/v4/y`\n"));
        assert!(
            text.contains(
                "successes with a JSON body matched to an operation: 2, decoded 1 (50.0%)"
            )
        );
        assert!(text.contains(
            "decoded 1, failed 1, no operation 1, not a success 1, not GitLab's answer 1"
        ));
        assert!(text.contains("| `objects/test_x.py:7 GET /api/v4/x/4` | a stand-in body |"));
    }
}
