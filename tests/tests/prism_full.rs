//! The full GitLab client's effective spec (`generated-client/openapi.json`) against Prism:
//! a deterministic sample of operations — for every tag, its first `GET` in path order (or its
//! first operation when it has no `GET`) — sent through the client's runtime with the
//! credentials, path encoding, array and form encodings the generated operations use, with
//! values drawn from each parameter's schema and examples (required query and header
//! parameters, bodies). Prism validates each request
//! against the spec (`--errors`: any violation is an error) and answers from the spec's
//! examples. Every request must pass: the answer is a 2xx, or Prism's 500 whose violations are
//! all about the *response* it made up from GitLab's examples (GitLab's examples disagree with
//! its schemas in places: `parent_ids: "…"` for an array, and so on) — never about the request.
//!
//! The generated builders themselves are checked on the wire in `gitlab_full.rs`; this test
//! checks that the effective spec, the client's encodings and GitLab's described API agree.

use gitlab_api_client::runtime::{ArrayStyle, Request};
use gitlab_api_client::{Client, File, RetryPolicy};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use support::{Prism, workspace};

mod support;

/// Follows a local `$ref`.
fn resolve<'a>(spec: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => spec
            .pointer(&r[1..].replace("~1", "/"))
            .map(|t| resolve(spec, t))
            .unwrap_or(v),
        None => v,
    }
}

/// A value the schema accepts: its example, first enum value, or one of its type.
fn sample(spec: &Value, schema: &Value, example: Option<&Value>, depth: usize) -> Value {
    let schema = resolve(spec, schema);
    if let Some(e) = example.or_else(|| schema.get("example"))
        && !e.is_null()
        && !e.is_object()
    {
        return e.clone();
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.iter().find(|v| !v.is_null()))
    {
        return first.clone();
    }
    if let Some(branches) = schema
        .get("anyOf")
        .or_else(|| schema.get("oneOf"))
        .and_then(Value::as_array)
    {
        return sample(spec, &branches[0], None, depth + 1);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") => json!(1),
        Some("number") => json!(1.5),
        Some("boolean") => json!(true),
        Some("array") => json!([sample(
            spec,
            schema.get("items").unwrap_or(&json!({"type": "string"})),
            None,
            depth + 1
        )]),
        Some("object") if depth < 4 => {
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let mut out = serde_json::Map::new();
            for (name, prop) in schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if required.contains(&name.as_str()) {
                    out.insert(name.clone(), sample(spec, prop, None, depth + 1));
                }
            }
            Value::Object(out)
        }
        _ => match schema.get("format").and_then(Value::as_str) {
            Some("date") => json!("2024-01-31"),
            Some("date-time") => json!("2024-01-31T12:00:00Z"),
            _ => json!("example"),
        },
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The request the generated operation would send, with sampled values.
fn build(client: &Client, spec: &Value, path: &str, method: &str, op: &Value) -> Request {
    let params: Vec<&Value> = op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| resolve(spec, p))
        .collect();
    let param = |name: &str| {
        params
            .iter()
            .find(|p| p["in"] == "path" && p["name"] == name)
            .copied()
    };
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(
            |seg| match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => param(name)
                    .map(|p| text(&sample(spec, &p["schema"], p.get("example"), 0)))
                    .unwrap_or_else(|| "example".into()),
                None => seg.to_owned(),
            },
        )
        .collect();
    let method = reqwest::Method::from_bytes(method.to_ascii_uppercase().as_bytes()).unwrap();
    let mut request = Request::new(client, method, &segments).unwrap();
    for p in params
        .iter()
        .filter(|p| p["in"] == "query" && p["required"] == true)
    {
        let name = p["name"].as_str().unwrap();
        match sample(spec, &p["schema"], p.get("example"), 0) {
            Value::Array(items) => {
                let items: Vec<String> = items.iter().map(text).collect();
                request.query_array(name, &items, ArrayStyle::Repeat);
            }
            v => request.query(name, &text(&v)),
        }
    }
    for p in params
        .iter()
        .filter(|p| p["in"] == "header" && p["required"] == true)
    {
        // The runtime takes header names as `'static` (the generated code's are literals).
        let name: &'static str = Box::leak(p["name"].as_str().unwrap().to_owned().into_boxed_str());
        let value = sample(spec, &p["schema"], p.get("example"), 0);
        request.header(name, &text(&value));
    }
    if let Some(body) = op.get("requestBody").map(|b| resolve(spec, b)) {
        let content = body["content"].as_object().unwrap();
        let (media, mt) = content.iter().next().unwrap();
        let schema = resolve(spec, &mt["schema"]);
        if media.contains("json") {
            request.json_body(&sample(spec, schema, None, 0)).unwrap();
        } else {
            request.start_form(media.starts_with("multipart"));
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            for (name, prop) in schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if !required.contains(&name.as_str()) {
                    continue;
                }
                if resolve(spec, prop).get("format").and_then(Value::as_str) == Some("binary") {
                    request.form_file(name, &File::new("sample.txt", b"sample".to_vec()));
                } else {
                    match sample(spec, prop, None, 0) {
                        Value::Array(items) => request
                            .form_field_array(name, &items.iter().map(text).collect::<Vec<_>>()),
                        v => request.form_field(name, &text(&v)),
                    }
                }
            }
        }
    }
    request
}

/// Prism's `VIOLATIONS` error whose every violation is located in its own response.
fn only_response_violations(raw: &str) -> bool {
    let Ok(body) = serde_json::from_str::<Value>(raw) else {
        return false;
    };
    let Some(violations) = body.get("validation").and_then(Value::as_array) else {
        return false;
    };
    !violations.is_empty() && violations.iter().all(|v| v["location"][0] == "response")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sample_of_every_tag_passes_prism_validation() {
    let spec_path = workspace().join("generated-client/openapi.json");
    let spec: Value = serde_json::from_str(&std::fs::read_to_string(&spec_path).unwrap()).unwrap();
    // For every tag: its first GET in path order, else its first operation.
    let mut sample_ops: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut paths: Vec<(&String, &Value)> = spec["paths"].as_object().unwrap().iter().collect();
    paths.sort_by_key(|(p, _)| (*p).clone());
    for (path, item) in &paths {
        for (method, op) in item.as_object().unwrap() {
            let Some(tag) = op
                .get("tags")
                .and_then(|t| t.get(0))
                .and_then(Value::as_str)
            else {
                continue;
            };
            let better = match sample_ops.get(tag) {
                None => true,
                Some((_, m)) => m != "get" && method == "get",
            };
            if better {
                sample_ops.insert(tag.to_owned(), ((*path).clone(), method.clone()));
            }
        }
    }
    assert!(
        sample_ops.len() >= 100,
        "expected a sample from every tag, got {}",
        sample_ops.len()
    );

    let prism = Prism::start(&spec_path);
    let client = Client::new(&prism.base_url())
        .unwrap()
        .with_private_token("glpat-test")
        .with_retry_policy(RetryPolicy::none());
    let mut failures = Vec::new();
    let mut example_defects = 0;
    for (tag, (path, method)) in &sample_ops {
        let op = &spec["paths"][path][method];
        let request = build(&client, &spec, path, method, op);
        let url = request.url().to_string();
        match client.send(request).await {
            Ok(response) => {
                let status = response.status();
                let _ = response.bytes().await;
                assert!(status.is_success());
            }
            Err(gitlab_api_client::Error::Api(api)) if only_response_violations(&api.raw) => {
                example_defects += 1
            }
            Err(e) => failures.push(format!("{tag}: {} {url}: {e}", method.to_uppercase())),
        }
    }
    eprintln!(
        "{} operations sampled; {example_defects} answered from examples that violate their own schema",
        sample_ops.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} sampled operations failed Prism's validation:\n{}",
        failures.len(),
        sample_ops.len(),
        failures.join("\n")
    );
}
