//! `cargo xtask wire [--check]`: every operation of the GitLab client called once, through its
//! generated method, against an in-process HTTP server (wiremock) that answers with the
//! operation's documented example; what reached the server checked against the effective spec.
//!
//! For each operation: the method is called with a value for every required argument and
//! every optional parameter set on its builder (values drawn from each type: `1`, `"x"`, an
//! enum's first value, a list of one, a struct of its required fields), and `send()` is
//! awaited. The server records the request and answers with the first
//! success status the spec declares, with that status's JSON example as the body (GitLab's
//! documented example, for the operations of `specs/gitlab-full/docs/`). Checked:
//! - the HTTP method, and the path: the spec's template with each parameter's value, segment by
//!   segment after percent-decoding;
//! - each query parameter and header, by name (and value, for scalars and lists of them);
//! - the body's encoding: the `Content-Type` (JSON, form, multipart, raw media type), a JSON
//!   body that parses and holds every required field of its type, each form field;
//! - the answer: with an example, `send()` returns `Ok` (the example decoded); without one, the
//!   request alone is checked (the server answers with an empty body, and only a decode error
//!   is allowed).
//!
//! Out: `WIRE.md`, the counts per API module and each failure. `--check` fails when an
//! operation fails or `WIRE.md` is not what the run finds. The checking crate is written to
//! `target/wire/check` and built against `generated-client` with every feature.

use oapi_client_gen_core::diag::child;
use oapi_client_gen_core::ir::{Api, BodyKind, Operation, ParamLocation, TypeKind, TypeRef};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

/// A value for one argument: its Rust expression and, for a scalar, its text on the wire.
#[derive(Debug, Clone)]
struct Sample {
    expr: String,
    text: Option<String>,
}

impl Sample {
    fn new(expr: impl Into<String>, text: Option<&str>) -> Self {
        Sample {
            expr: expr.into(),
            text: text.map(str::to_owned),
        }
    }
}

/// How deep a sample's structs may nest (required fields only) before it is given up.
const MAX_DEPTH: usize = 12;

/// A value of type `t`: `Err` names the type that cannot be built (a cycle of required fields).
fn sample(api: &Api, t: &TypeRef, depth: usize) -> Result<Sample, String> {
    if depth > MAX_DEPTH {
        return Err(format!("required fields nest deeper than {MAX_DEPTH}"));
    }
    Ok(match t {
        TypeRef::String => Sample::new("\"x\".to_owned()", Some("x")),
        TypeRef::Bool => Sample::new("true", Some("true")),
        TypeRef::I64 => Sample::new("1i64", Some("1")),
        TypeRef::U64 => Sample::new("1u64", Some("1")),
        TypeRef::F64 => Sample::new("1.5f64", Some("1.5")),
        TypeRef::Uuid => Sample::new(
            "::uuid::Uuid::nil()",
            Some("00000000-0000-0000-0000-000000000000"),
        ),
        TypeRef::Date => Sample::new(
            "::chrono::NaiveDate::from_ymd_opt(2024, 1, 2).expect(\"a date\")",
            Some("2024-01-02"),
        ),
        // RFC 3339 allows several spellings of one instant: checked by presence.
        TypeRef::DateTime => Sample::new(
            "\"2024-01-02T03:04:05Z\".parse::<::chrono::DateTime<::chrono::Utc>>().expect(\"a time\")",
            None,
        ),
        TypeRef::Json => Sample::new("::serde_json::json!(\"x\")", None),
        TypeRef::IdOrPath => Sample::new("gitlab_api_client::IdOrPath::from(1i64)", Some("1")),
        TypeRef::Bytes => Sample::new("b\"x\".to_vec()", Some("x")),
        TypeRef::File => Sample::new(
            "gitlab_api_client::File::new(\"x.txt\", b\"x\".to_vec())",
            None,
        ),
        TypeRef::Vec(inner) => {
            let s = sample(api, inner, depth + 1)?;
            Sample {
                expr: format!("vec![{}]", s.expr),
                text: None,
            }
        }
        TypeRef::Map(_) => Sample::new("::std::collections::BTreeMap::new()", None),
        TypeRef::Nullable(_) => Sample::new("None", None),
        TypeRef::Named(id) => {
            let def = api.types.get(*id);
            let path = format!("gitlab_api_client::types::{}", def.name);
            match &def.kind {
                TypeKind::StringEnum { variants, other } => match variants.first() {
                    Some(v) => Sample::new(format!("{path}::{}", v.name), Some(&v.wire)),
                    None => Sample::new(format!("{path}::{other}(\"x\".to_owned())"), Some("x")),
                },
                TypeKind::IntEnum { variants, other } => match variants.first() {
                    Some(v) => {
                        Sample::new(format!("{path}::{}", v.name), Some(&v.wire.to_string()))
                    }
                    None => Sample::new(format!("{path}::{other}(1)"), Some("1")),
                },
                TypeKind::Alias { target } => sample(api, target, depth + 1)?,
                TypeKind::Newtype { target } => {
                    let s = sample(api, target, depth + 1)?;
                    Sample {
                        expr: format!("{path}({})", s.expr),
                        text: s.text,
                    }
                }
                TypeKind::Union { variants, .. } => {
                    let mut last = String::from("a union without variants");
                    let mut found = None;
                    for v in variants {
                        match sample(api, &v.ty, depth + 1) {
                            Ok(s) => {
                                let inner = if v.boxed {
                                    format!("Box::new({})", s.expr)
                                } else {
                                    s.expr
                                };
                                found = Some(Sample {
                                    expr: format!("{path}::{}({inner})", v.name),
                                    text: s.text,
                                });
                                break;
                            }
                            Err(e) => last = e,
                        }
                    }
                    found.ok_or(last)?
                }
                TypeKind::Struct { fields } => {
                    let unknown = api.types.get(*id).unknown_fields.as_deref();
                    struct_literal(api, &path, fields, unknown, depth, false)?
                }
            }
        }
    })
}

/// A value of `t` with every field of its outermost struct set (an object parameter of the
/// query or a form, whose members are sent one by one: an object of required fields only
/// may send nothing).
fn sample_full(api: &Api, t: &TypeRef) -> Result<Sample, String> {
    match resolve(api, t) {
        TypeRef::Named(id) => match &api.types.get(*id).kind {
            TypeKind::Struct { fields } => {
                let def = api.types.get(*id);
                let path = format!("gitlab_api_client::types::{}", def.name);
                struct_literal(api, &path, fields, def.unknown_fields.as_deref(), 0, true)
            }
            _ => sample(api, t, 0),
        },
        _ => sample(api, t, 0),
    }
}

/// A struct literal of `path`: its required fields sampled, and the optional ones too when
/// `every` (else `None`); its field of unknown keys, if it has one, empty.
fn struct_literal(
    api: &Api,
    path: &str,
    fields: &[oapi_client_gen_core::ir::Field],
    unknown: Option<&str>,
    depth: usize,
    every: bool,
) -> Result<Sample, String> {
    let mut inits = Vec::new();
    for f in fields {
        let value = if f.optional && !every {
            "None".to_owned()
        } else {
            let s = sample(api, &f.ty, depth + 1)?;
            let mut value = if f.boxed {
                format!("Box::new({})", s.expr)
            } else {
                s.expr
            };
            // `Option<T>`, and `Option<Option<T>>` where absent and `null` differ.
            for _ in 0..usize::from(f.optional) + usize::from(f.explicit_null) {
                value = format!("Some({value})");
            }
            value
        };
        inits.push(format!("{}: {value}", f.name));
    }
    inits.extend(unknown.map(|f| format!("{f}: Default::default()")));
    Ok(Sample::new(
        format!("{path} {{ {} }}", inits.join(", ")),
        None,
    ))
}

/// What the server should see for one operation, and what it answers.
#[derive(Debug, Clone)]
struct Case {
    /// The client method (`list_project_issues`) and its module, for the report.
    method_name: String,
    module: String,
    http_method: String,
    template: String,
    /// The path's segments, each a list of literal text and `None` for a value not known
    /// exactly (matched as any non-empty text).
    segments: Vec<Vec<Option<String>>>,
    /// Query parameters: name (as sent, `name[]` for bracketed arrays) and value.
    query: Vec<(String, Option<String>)>,
    /// Headers: name and value.
    headers: Vec<(String, Option<String>)>,
    body: Option<BodyCheck>,
    /// The answer: status, and the example (content type, body) when the spec has one.
    status: u16,
    example: Option<(String, Value)>,
    /// The Rust call, `client.op(args…)`; `Err` when an argument cannot be built.
    call: Result<String, String>,
    /// Described by one of the documents merged into GitLab's own (`specs/gitlab-full/docs/`).
    documented: bool,
}

#[derive(Debug, Clone)]
struct BodyCheck {
    kind: BodyKind,
    /// `Content-Type` as sent (its media type, before any parameter).
    media: String,
    /// JSON object keys, or form field names, that must be present.
    fields: Vec<String>,
}

fn case(api: &Api, op: &Operation, spec: &Value) -> Case {
    let mut args = Vec::new();
    let mut setters = Vec::new();
    let mut values: BTreeMap<String, Sample> = BTreeMap::new();
    let mut failure = None;
    let mut query = Vec::new();
    let mut headers = Vec::new();
    let mut form_fields = Vec::new();
    // Every parameter is given: the required ones as the method's arguments, the others by
    // the builder's setters.
    for p in &op.params {
        let value = if p.location == ParamLocation::Path {
            sample(api, &p.ty, 0)
        } else {
            sample_full(api, &p.ty)
        };
        match value {
            Ok(s) => {
                if p.required {
                    args.push(s.expr.clone());
                } else {
                    setters.push(format!(".{}({})", p.name, s.expr));
                }
                let is_array = matches!(resolve(api, &p.ty), TypeRef::Vec(_));
                // Bracketed arrays (`query_array_style`) are already `name[]` in the spec.
                let wire = p.wire.clone();
                let text = if is_array {
                    match resolve(api, &p.ty) {
                        TypeRef::Vec(inner) => sample(api, inner, 1).ok().and_then(|s| s.text),
                        _ => None,
                    }
                } else {
                    s.text.clone()
                };
                match p.location {
                    ParamLocation::Path => {
                        values.insert(p.wire.clone(), s);
                    }
                    ParamLocation::Query => query.push((wire, text)),
                    ParamLocation::Header => headers.push((p.wire.to_ascii_lowercase(), text)),
                    ParamLocation::Form => form_fields.push(wire),
                }
            }
            Err(e) => failure = Some(format!("parameter `{}`: {e}", p.name)),
        }
    }
    let mut body = None;
    if let Some(b) = &op.body {
        let mut fields = form_fields.clone();
        if let Some(ty) = b.ty.as_ref() {
            match sample(api, ty, 0) {
                Ok(s) if b.required => args.push(s.expr),
                Ok(s) => {
                    // The body's argument is named as the generated method names it.
                    let name = ["body", "request_body", "body_"]
                        .into_iter()
                        .find(|n| !op.params.iter().any(|p| p.name == *n))
                        .unwrap_or("body__");
                    setters.push(format!(".{name}({})", s.expr));
                }
                Err(e) => failure = Some(format!("the body: {e}")),
            }
            if let TypeRef::Named(id) = resolve(api, ty)
                && let TypeKind::Struct { fields: fs } = &api.types.get(*id).kind
            {
                fields.extend(
                    fs.iter()
                        .filter(|f| f.required || !f.optional)
                        .map(|f| f.wire.clone()),
                );
            }
        }
        let media = match b.kind {
            BodyKind::Json => b
                .media
                .clone()
                .unwrap_or_else(|| "application/json".to_owned()),
            BodyKind::Form => "application/x-www-form-urlencoded".to_owned(),
            BodyKind::Multipart => "multipart/form-data".to_owned(),
            BodyKind::Raw => b
                .media
                .clone()
                .unwrap_or_else(|| "application/octet-stream".to_owned()),
        };
        // Every input is given, so the body is sent whenever the operation has one.
        {
            body = Some(BodyCheck {
                kind: b.kind,
                media,
                fields,
            });
        }
    }
    let segments = op
        .path
        .trim_start_matches('/')
        .split('/')
        .map(|segment| {
            let mut parts = Vec::new();
            let mut rest = segment;
            while let Some(open) = rest.find('{') {
                let Some(close) = rest[open..].find('}') else {
                    break;
                };
                if open > 0 {
                    parts.push(Some(rest[..open].to_owned()));
                }
                let name = &rest[open + 1..open + close];
                parts.push(values.get(name).and_then(|s| s.text.clone()));
                rest = &rest[open + close + 1..];
            }
            if !rest.is_empty() {
                parts.push(Some(rest.to_owned()));
            }
            parts
        })
        .collect();
    let (status, example) = answer(spec, op);
    Case {
        method_name: op.name.clone(),
        module: api.modules[op.module].name.clone(),
        http_method: op.method.clone(),
        template: op.path.clone(),
        segments,
        query,
        headers,
        body,
        status,
        example,
        documented: false,
        call: match failure {
            Some(e) => Err(e),
            None => Ok(format!(
                "client.{}({}){}",
                op.name,
                args.join(", "),
                setters.join("")
            )),
        },
    }
}

/// The type an alias stands for.
fn resolve<'a>(api: &'a Api, t: &'a TypeRef) -> &'a TypeRef {
    match t {
        TypeRef::Named(id) => match &api.types.get(*id).kind {
            TypeKind::Alias { target } => resolve(api, target),
            _ => t,
        },
        _ => t,
    }
}

/// The first success status the spec declares for `op` and, of the statuses, the first JSON
/// example (status, media type, value) — the example's own status when there is one.
fn answer(spec: &Value, op: &Operation) -> (u16, Option<(String, Value)>) {
    let at = child(&child("/paths", &op.path), op.method.to_ascii_lowercase());
    let responses = spec
        .pointer(&format!("{at}/responses"))
        .and_then(Value::as_object);
    let mut first = None;
    for (code, response) in responses.into_iter().flatten() {
        let status = match code.as_str() {
            "2XX" | "2xx" | "default" => 200,
            c => match c.parse::<u16>() {
                Ok(s) if (200..300).contains(&s) => s,
                _ => continue,
            },
        };
        first.get_or_insert(status);
        let content = response.get("content").and_then(Value::as_object);
        for (media, body) in content.into_iter().flatten() {
            if !media.contains("json") {
                continue;
            }
            let example = body.get("example").cloned().or_else(|| {
                body.get("examples")
                    .and_then(Value::as_object)
                    .and_then(|named| named.values().find_map(|e| e.get("value").cloned()))
            });
            if let Some(example) = example {
                return (status, Some((media.clone(), example)));
            }
        }
    }
    (first.unwrap_or(200), None)
}

/// What the checking crate saw for one case.
#[derive(Debug, serde::Deserialize)]
struct Seen {
    requests: Vec<SeenRequest>,
    /// `ok`, or the error `send()` returned.
    result: String,
    decode_error: bool,
    /// For a decode error: where in the body it stopped (`Error::Decode`'s `path`) and why.
    #[serde(default)]
    decode_path: String,
    #[serde(default)]
    decode_message: String,
}

#[derive(Debug, Clone, serde::Deserialize)]
struct SeenRequest {
    method: String,
    segments: Vec<String>,
    query: Vec<(String, String)>,
    headers: BTreeMap<String, String>,
    body: String,
}

/// What was wrong with one case's request or answer, if anything.
fn verdict(case: &Case, seen: &Seen) -> Vec<String> {
    let mut wrong = Vec::new();
    let [request] = seen.requests.as_slice() else {
        return vec![format!(
            "{} request(s) reached the server (send: {})",
            seen.requests.len(),
            seen.result
        )];
    };
    if request.method != case.http_method {
        wrong.push(format!(
            "method {} (the spec: {})",
            request.method, case.http_method
        ));
    }
    let fits = request.segments.len() == case.segments.len()
        && request
            .segments
            .iter()
            .zip(&case.segments)
            .all(|(s, parts)| fits_segment(s, parts));
    if !fits {
        wrong.push(format!(
            "path /{} (the spec: {})",
            request.segments.join("/"),
            case.template
        ));
    }
    for (name, value) in &case.query {
        let sent: Vec<&str> = request
            .query
            .iter()
            .filter(|(k, _)| k == name || k.starts_with(&format!("{name}[")))
            .map(|(_, v)| v.as_str())
            .collect();
        match (sent.as_slice(), value) {
            ([], _) => wrong.push(format!("query parameter `{name}` not sent")),
            (_, Some(v)) if !sent.contains(&v.as_str()) => wrong.push(format!(
                "query parameter `{name}` sent as {sent:?}, not `{v}`"
            )),
            _ => {}
        }
    }
    for (name, value) in &case.headers {
        match (request.headers.get(name), value) {
            (None, _) => wrong.push(format!("header `{name}` not sent")),
            (Some(sent), Some(v)) if sent != v => {
                wrong.push(format!("header `{name}` sent as `{sent}`, not `{v}`"))
            }
            _ => {}
        }
    }
    if let Some(body) = &case.body {
        let media = request
            .headers
            .get("content-type")
            .map(|t| t.split(';').next().unwrap_or_default().trim().to_owned())
            .unwrap_or_default();
        if !media.eq_ignore_ascii_case(&body.media) {
            wrong.push(format!(
                "body sent as `{media}` (the spec: `{}`)",
                body.media
            ));
        } else {
            match body.kind {
                BodyKind::Json => match serde_json::from_str::<Value>(&request.body) {
                    Ok(Value::Object(o)) => {
                        for f in body.fields.iter().filter(|f| !o.contains_key(*f)) {
                            wrong.push(format!("JSON body without its required field `{f}`"));
                        }
                    }
                    Ok(_) if body.fields.is_empty() => {}
                    Ok(other) => wrong.push(format!("JSON body `{other}` is not an object")),
                    Err(e) => wrong.push(format!("JSON body does not parse: {e}")),
                },
                BodyKind::Form => {
                    let keys: Vec<String> = request
                        .body
                        .split('&')
                        .filter_map(|pair| pair.split('=').next())
                        .map(|k| k.replace("%5B", "[").replace("%5D", "]"))
                        .collect();
                    for f in &body.fields {
                        if !keys
                            .iter()
                            .any(|k| k == f || k.starts_with(&format!("{f}[")))
                        {
                            wrong.push(format!("form body without its required field `{f}`"));
                        }
                    }
                }
                BodyKind::Multipart => {
                    for f in &body.fields {
                        if !request.body.contains(&format!("name=\"{f}\""))
                            && !request.body.contains(&format!("name=\"{f}["))
                        {
                            wrong.push(format!("multipart body without its required part `{f}`"));
                        }
                    }
                }
                BodyKind::Raw => {
                    if request.body != "x" {
                        wrong.push(format!("raw body `{}`, not the bytes given", request.body));
                    }
                }
            }
        }
    }
    match (&case.example, seen.result.as_str()) {
        (_, "ok") => {}
        (None, _) if seen.decode_error => {}
        (Some(_), error) => wrong.push(format!("the example does not decode: {error}")),
        (None, error) => wrong.push(format!("send failed: {error}")),
    }
    wrong
}

/// Whether a decoded segment is the template segment's parts: literal text where known, any
/// non-empty text for a value not known exactly.
fn fits_segment(segment: &str, parts: &[Option<String>]) -> bool {
    fn go(s: &str, parts: &[Option<String>]) -> bool {
        match parts.split_first() {
            None => s.is_empty(),
            Some((Some(lit), rest)) => s.strip_prefix(lit.as_str()).is_some_and(|t| go(t, rest)),
            Some((None, rest)) => (1..=s.len())
                .filter(|i| s.is_char_boundary(*i))
                .any(|i| go(&s[i..], rest)),
        }
    }
    go(segment, parts)
}

pub fn run(check: bool) -> ExitCode {
    match run_inner(check) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("wire: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_inner(check: bool) -> Result<ExitCode, String> {
    let root = crate::codegen::workspace_root();
    let generated = crate::fixtures::gitlab_generated(&root)?;
    let merged = merged_operations(&root)?;
    let cases: Vec<Case> = cases(&generated)?
        .into_iter()
        .map(|c| Case {
            documented: merged.contains(&(c.http_method.clone(), c.template.clone())),
            ..c
        })
        .collect();
    let runnable: Vec<usize> = (0..cases.len())
        .filter(|i| cases[*i].call.is_ok())
        .collect();
    let answers: Vec<Answer> = runnable
        .iter()
        .enumerate()
        .map(|(n, i)| Answer {
            call: n,
            status: cases[*i].status,
            media: cases[*i].example.as_ref().map(|(m, _)| m.clone()),
            body: cases[*i]
                .example
                .as_ref()
                .map(|(_, v)| v.to_string())
                .unwrap_or_default(),
        })
        .collect();
    println!(
        "wire: building the checking crate ({} calls of gitlab-api-client, every feature)",
        runnable.len()
    );
    let seen = run_calls(&root, &cases, &runnable, &answers)?;
    let mut outcomes: Vec<Result<bool, Vec<String>>> = cases
        .iter()
        .map(|c| match &c.call {
            Ok(_) => Ok(false),
            Err(e) => Err(vec![format!("not called: {e}")]),
        })
        .collect();
    for (i, s) in runnable.iter().zip(&seen) {
        let wrong = verdict(&cases[*i], s);
        outcomes[*i] = if wrong.is_empty() {
            Ok(cases[*i].example.is_some())
        } else {
            Err(wrong)
        };
    }
    let report = report(&cases, &outcomes);
    let path = root.join("WIRE.md");
    let failed = outcomes.iter().filter(|o| o.is_err()).count();
    let previous = std::fs::read_to_string(&path).unwrap_or_default();
    if check {
        if previous != report {
            eprintln!("wire: WIRE.md is stale; run `cargo xtask wire`");
            return Ok(ExitCode::FAILURE);
        }
    } else if previous != report {
        std::fs::write(&path, &report).map_err(|e| format!("WIRE.md: {e}"))?;
        println!("wire: wrote WIRE.md");
    }
    let decoded = outcomes.iter().filter(|o| matches!(o, Ok(true))).count();
    println!(
        "wire: {} operations, {} as the spec says ({decoded} with their example decoded), {failed} failed",
        cases.len(),
        cases.len() - failed
    );
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// One call of the checking crate: which call (its index in the crate's table) and what the
/// server answers it with.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Answer {
    pub call: usize,
    pub status: u16,
    /// The answer's `Content-Type`; `None` answers without a body.
    pub media: Option<String>,
    pub body: String,
}

/// A case per operation of the generated GitLab client, in spec order.
fn cases(generated: &oapi_client_gen_core::Generated) -> Result<Vec<Case>, String> {
    let spec: Value = serde_json::from_str(&generated.effective_spec).map_err(|e| e.to_string())?;
    Ok(generated
        .api
        .operations
        .iter()
        .map(|op| case(&generated.api, op, &spec))
        .collect())
}

/// Writes the checking crate (one call per runnable case) and runs it with `answers` on its
/// stdin: what the server saw and what `send()` returned, one per answer. The crate's source
/// depends only on the calls, so `cargo xtask fixtures` runs the binary `cargo xtask wire`
/// built, with other answers.
fn run_calls(
    root: &Path,
    cases: &[Case],
    runnable: &[usize],
    answers: &[Answer],
) -> Result<Vec<Seen>, String> {
    let dir = root.join("target/wire/check");
    write_checker(root, &dir, cases, runnable)?;
    let mut input = String::new();
    for a in answers {
        input.push_str(&serde_json::to_string(a).map_err(|e| e.to_string())?);
        input.push('\n');
    }
    let stdout = crate::fixtures::run_checking_crate(root, &dir, input)?;
    // Kept for a reader who wants to see a request whole.
    std::fs::write(dir.join("seen.jsonl"), stdout.as_bytes()).map_err(|e| e.to_string())?;
    let seen: Vec<Seen> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).map_err(|e| format!("checker output `{l}`: {e}")))
        .collect::<Result<_, String>>()?;
    if seen.len() != answers.len() {
        return Err(format!(
            "the checking crate answered {} of {} calls",
            seen.len(),
            answers.len()
        ));
    }
    Ok(seen)
}

/// What became of an answer that the generated method was given, through the whole client
/// (`send()`): `Ok` when it decoded, else the field path where decoding stopped (empty when
/// the error is not a decode error) and the message.
pub type Served = Result<(), (String, String)>;

/// Calls operation `op` of the GitLab client (its index in spec order) through its generated
/// method once per `(op, status, content type, body)`, against an in-process server answering
/// with that status, content type and body, and says whether `send()` decoded it.
pub fn serve(
    root: &Path,
    generated: &oapi_client_gen_core::Generated,
    jobs: &[(usize, u16, Option<String>, String)],
) -> Result<Vec<Served>, String> {
    let cases = cases(generated)?;
    let runnable: Vec<usize> = (0..cases.len())
        .filter(|i| cases[*i].call.is_ok())
        .collect();
    let answers: Vec<Answer> = jobs
        .iter()
        .map(|(op, status, media, body)| {
            let call = runnable.binary_search(op).map_err(|_| {
                format!(
                    "operation `{}` cannot be called: {}",
                    cases[*op].method_name,
                    cases[*op].call.as_ref().err().cloned().unwrap_or_default()
                )
            })?;
            Ok(Answer {
                call,
                status: *status,
                media: media.clone(),
                body: body.clone(),
            })
        })
        .collect::<Result<_, String>>()?;
    let seen = run_calls(root, &cases, &runnable, &answers)?;
    Ok(seen
        .into_iter()
        .map(|s| match (s.result.as_str(), s.decode_error) {
            ("ok", _) => Ok(()),
            (_, true) => Err((s.decode_path, s.decode_message)),
            (other, false) => Err((String::new(), other.to_owned())),
        })
        .collect())
}

/// The operations (method, path) of the documents `specs/gitlab-full/codegen.toml` merges
/// into GitLab's own description.
fn merged_operations(root: &Path) -> Result<std::collections::BTreeSet<(String, String)>, String> {
    let dir = root.join("specs/gitlab-full");
    let text = std::fs::read_to_string(dir.join("codegen.toml"))
        .map_err(|e| format!("specs/gitlab-full/codegen.toml: {e}"))?;
    let config = oapi_client_gen_core::Config::parse("specs/gitlab-full/codegen.toml", &text)?;
    let mut out = std::collections::BTreeSet::new();
    for file in &config.merge {
        let text = std::fs::read_to_string(dir.join(file))
            .map_err(|e| format!("specs/gitlab-full/{file}: {e}"))?;
        let doc: Value =
            serde_yaml::from_str(&text).map_err(|e| format!("specs/gitlab-full/{file}: {e}"))?;
        for (path, item) in doc
            .get("paths")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            for method in item.as_object().into_iter().flatten().map(|(k, _)| k) {
                if ["get", "put", "post", "delete", "patch", "head", "options"]
                    .contains(&method.as_str())
                {
                    out.insert((method.to_ascii_uppercase(), path.clone()));
                }
            }
        }
    }
    Ok(out)
}

fn report(cases: &[Case], outcomes: &[Result<bool, Vec<String>>]) -> String {
    let total = cases.len();
    let failed = outcomes.iter().filter(|o| o.is_err()).count();
    let decoded = outcomes.iter().filter(|o| matches!(o, Ok(true))).count();
    let mut out = String::from("# Every operation of the GitLab client, on the wire\n\n");
    out.push_str(
        "Each operation of `gitlab-api-client` called once through its generated method, with a value for every required argument and every optional parameter set on its builder, against an in-process HTTP server (wiremock) that answers with the operation's first success status and that status's JSON example from the effective spec (GitLab's documented examples, for the operations of `specs/gitlab-full/docs/`). Checked: the method; the path, segment by segment, against the spec's template with the arguments' values; each query parameter and header; the body's content type, its required fields and each form field; and, with an example, that `send()` decodes it (`cargo xtask wire`, `xtask/src/wire.rs`). `--check`, part of `cargo xtask test`, fails on any failure or when this file is not what a run finds.\n\n",
    );
    out.push_str(&format!(
        "- operations: {total}; as the spec says: {}, of which {decoded} answered with their example and decoded it; failed: {failed}\n",
        total - failed
    ));
    let documented: Vec<usize> = (0..total).filter(|i| cases[*i].documented).collect();
    out.push_str(&format!(
        "- of them, described from GitLab's documentation (`specs/gitlab-full/docs/`): {}; as the spec says: {}, of which {} decoded their documented example; failed: {}\n\n",
        documented.len(),
        documented.iter().filter(|i| outcomes[**i].is_ok()).count(),
        documented.iter().filter(|i| matches!(outcomes[**i], Ok(true))).count(),
        documented.iter().filter(|i| outcomes[**i].is_err()).count(),
    ));
    out.push_str("| module | operations | as the spec says | example decoded | failed |\n|---|---:|---:|---:|---:|\n");
    let mut modules: Vec<(&str, [usize; 4])> = Vec::new();
    for (c, o) in cases.iter().zip(outcomes) {
        let at = match modules.iter().position(|(m, _)| *m == c.module) {
            Some(at) => at,
            None => {
                modules.push((&c.module, [0; 4]));
                modules.len() - 1
            }
        };
        let counts = &mut modules[at].1;
        counts[0] += 1;
        match o {
            Ok(decoded) => {
                counts[1] += 1;
                counts[2] += usize::from(*decoded);
            }
            Err(_) => counts[3] += 1,
        }
    }
    for (m, [n, ok, decoded, failed]) in &modules {
        out.push_str(&format!("| `{m}` | {n} | {ok} | {decoded} | {failed} |\n"));
    }
    if failed > 0 {
        out.push_str("\n## Failures\n\n| method | operation | what was wrong |\n|---|---|---|\n");
        for (c, o) in cases.iter().zip(outcomes) {
            if let Err(wrong) = o {
                out.push_str(&format!(
                    "| `{}` | `{} {}` | {} |\n",
                    c.method_name,
                    c.http_method,
                    c.template,
                    crate::fixtures::cell(&wrong.join("; "))
                ));
            }
        }
    }
    out
}

/// The checking crate: one async function per call, run in spec order against one wiremock
/// server, printing what the server received and what `send()` returned, one JSON line each.
fn write_checker(
    root: &Path,
    dir: &Path,
    cases: &[Case],
    runnable: &[usize],
) -> Result<(), String> {
    let client = root.join("generated-client");
    let manifest = format!(
        r#"# @generated by `cargo xtask wire`: every operation of the GitLab client on the wire.
[package]
name = "wire-check"
version = "0.0.0"
edition = "2024"
publish = false

{dependencies}
[workspace]
"#,
        dependencies = crate::fixtures::checker_dependencies(&client)
    );
    let mut calls = String::new();
    for (n, i) in runnable.iter().enumerate() {
        let call = cases[*i].call.as_ref().map_err(Clone::clone)?;
        calls.push_str(&format!(
            "fn call_{n}(client: &Client) -> Pending<'_> {{\n    Box::pin(async move {{ {call}.send().await.map(drop) }})\n}}\n"
        ));
    }
    let table: Vec<String> = (0..runnable.len())
        .map(|n| format!("    call_{n},"))
        .collect();
    let main = format!(
        r#"// @generated by `cargo xtask wire`.
//! Reads answers from stdin (`{{"call", "status", "media", "body"}}` per line), calls operation
//! `call` of the GitLab client through its generated method against a wiremock server that
//! answers with that status, media type and body, and prints per answer what the server
//! received and what `send()` returned, one JSON line each.
#![allow(deprecated, clippy::all)]

use gitlab_api_client::prelude::*;
use gitlab_api_client::{{Client, Error, RetryPolicy}};
use std::future::Future;
use std::io::BufRead as _;
use std::pin::Pin;

type Pending<'a> = Pin<Box<dyn Future<Output = Result<(), Error>> + 'a>>;
type Call = for<'a> fn(&'a Client) -> Pending<'a>;

{calls}
static TABLE: &[Call] = &[
{table}
];

#[tokio::main]
async fn main() {{
    let server = wiremock::MockServer::start().await;
    let client = Client::new(&server.uri())
        .expect("a client")
        .with_private_token("glpat-wire")
        .with_retry_policy(RetryPolicy::none());
    for line in std::io::stdin().lock().lines() {{
        let line = line.expect("stdin");
        let answer: serde_json::Value = serde_json::from_str(&line).expect("an answer");
        let call = TABLE[answer["call"].as_u64().expect("call") as usize];
        let status = answer["status"].as_u64().expect("status") as u16;
        let body = answer["body"].as_str().unwrap_or_default().to_owned();
        server.reset().await;
        let answer = match answer["media"].as_str() {{
            Some(media) => wiremock::ResponseTemplate::new(status).set_body_raw(body.into_bytes(), media),
            None => wiremock::ResponseTemplate::new(status),
        }};
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(answer)
            .mount(&server)
            .await;
        let result = call(&client).await;
        let requests: Vec<serde_json::Value> = server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .map(|r| {{
                let segments: Vec<String> = r
                    .url
                    .path()
                    .trim_start_matches('/')
                    .split('/')
                    .map(|s| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned())
                    .collect();
                let query: Vec<(String, String)> = r.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
                let headers: serde_json::Map<String, serde_json::Value> = r
                    .headers
                    .iter()
                    .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned().into()))
                    .collect();
                serde_json::json!({{
                    "method": r.method.as_str(),
                    "segments": segments,
                    "query": query,
                    "headers": headers,
                    "body": String::from_utf8_lossy(&r.body),
                }})
            }})
            .collect();
        let (result, decode) = match &result {{
            Ok(()) => ("ok".to_owned(), None),
            Err(e) => (e.to_string(), match e {{
                Error::Decode {{ path, source, .. }} => Some((path.clone(), source.to_string())),
                _ => None,
            }}),
        }};
        let (decode_path, decode_message) = decode.clone().unwrap_or_default();
        println!("{{}}", serde_json::json!({{
            "requests": requests,
            "result": result,
            "decode_error": decode.is_some(),
            "decode_path": decode_path,
            "decode_message": decode_message,
        }}));
    }}
}}
"#,
        table = table.join("\n")
    );
    crate::fixtures::write_checking_crate(root, dir, &manifest, &main)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lit(s: &str) -> Option<String> {
        Some(s.to_owned())
    }

    /// `POST /api/v4/projects/{id}/issues` with a required query `confirm` and a JSON body
    /// whose required field is `title`, answered with an example.
    fn create_issue() -> Case {
        Case {
            method_name: "create_project_issue".to_owned(),
            module: "issues".to_owned(),
            http_method: "POST".to_owned(),
            template: "/api/v4/projects/{id}/issues".to_owned(),
            segments: vec![
                vec![lit("api")],
                vec![lit("v4")],
                vec![lit("projects")],
                vec![lit("1")],
                vec![lit("issues")],
            ],
            query: vec![("confirm".to_owned(), lit("true"))],
            headers: vec![],
            body: Some(BodyCheck {
                kind: BodyKind::Json,
                media: "application/json".to_owned(),
                fields: vec!["title".to_owned()],
            }),
            status: 201,
            example: Some(("application/json".to_owned(), json!({"id": 1}))),
            call: Ok("client.create_project_issue(1i64, body)".to_owned()),
            documented: true,
        }
    }

    fn sent() -> Seen {
        Seen {
            requests: vec![SeenRequest {
                method: "POST".to_owned(),
                segments: ["api", "v4", "projects", "1", "issues"]
                    .map(str::to_owned)
                    .to_vec(),
                query: vec![("confirm".to_owned(), "true".to_owned())],
                headers: [(
                    "content-type".to_owned(),
                    "application/json; charset=utf-8".to_owned(),
                )]
                .into(),
                body: r#"{"title":"x"}"#.to_owned(),
            }],
            result: "ok".to_owned(),
            decode_error: false,
            decode_path: String::new(),
            decode_message: String::new(),
        }
    }

    #[test]
    fn a_request_as_the_spec_says_passes() {
        assert_eq!(verdict(&create_issue(), &sent()), Vec::<String>::new());
    }

    #[test]
    fn each_difference_from_the_spec_is_named() {
        let mut seen = sent();
        let r = &mut seen.requests[0];
        r.method = "PUT".to_owned();
        r.segments[4] = "issuez".to_owned();
        r.query.clear();
        r.body = r#"{"description":"x"}"#.to_owned();
        seen.result = "decoding the body: expected a string at `.id`".to_owned();
        seen.decode_error = true;
        assert_eq!(
            verdict(&create_issue(), &seen),
            [
                "method PUT (the spec: POST)",
                "path /api/v4/projects/1/issuez (the spec: /api/v4/projects/{id}/issues)",
                "query parameter `confirm` not sent",
                "JSON body without its required field `title`",
                "the example does not decode: decoding the body: expected a string at `.id`",
            ]
        );
    }

    #[test]
    fn a_body_of_another_media_type_is_wrong() {
        let mut seen = sent();
        seen.requests[0].headers.insert(
            "content-type".to_owned(),
            "multipart/form-data; boundary=x".to_owned(),
        );
        assert_eq!(
            verdict(&create_issue(), &seen),
            ["body sent as `multipart/form-data` (the spec: `application/json`)"]
        );
    }

    #[test]
    fn without_an_example_only_a_decode_error_is_allowed() {
        let mut case = create_issue();
        case.example = None;
        let mut seen = sent();
        seen.result = "decoding the body: EOF".to_owned();
        seen.decode_error = true;
        assert!(verdict(&case, &seen).is_empty());
        seen.decode_error = false;
        seen.result = "connection refused".to_owned();
        assert_eq!(verdict(&case, &seen), ["send failed: connection refused"]);
    }

    #[test]
    fn a_segment_matches_its_literals_and_any_value_where_unknown() {
        // `archive.{format}` with the format known, and not known.
        assert!(fits_segment("archive.zip", &[lit("archive."), lit("zip")]));
        assert!(!fits_segment("archive.tar", &[lit("archive."), lit("zip")]));
        assert!(fits_segment("archive.tar", &[lit("archive."), None]));
        assert!(!fits_segment("archive.", &[lit("archive."), None]));
        assert!(fits_segment("x.json", &[None, lit(".json")]));
        assert!(!fits_segment("x.yaml", &[None, lit(".json")]));
    }

    #[test]
    fn two_requests_are_a_failure() {
        let mut seen = sent();
        seen.requests.push(seen.requests[0].clone());
        assert_eq!(
            verdict(&create_issue(), &seen),
            ["2 request(s) reached the server (send: ok)"]
        );
    }
}
