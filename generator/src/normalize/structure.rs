//! Structural repairs: required fields that real documents leave out, and fields of the wrong
//! scalar type, mended so that one slip does not cost the whole client.
//!
//! In/out: the document, mended in place, with one warning per node changed — except where
//! the document's own version allows the form (`responses` and `paths` are optional in 3.1, a
//! response's `description` in 3.2), where the repair is silent.
//!
//! | code | defect | repair |
//! |---|---|---|
//! | `incomplete-info` | `info`, `info.title` or `info.version` missing | title `API`, version `""` |
//! | `non-string-version` | `version: 1` or `1.0` (YAML reads a number) | the number as written, as a string |
//! | `missing-paths` | no `paths` (3.0); 3.1 documents may have only webhooks or components | `paths: {}` |
//! | `operation-without-responses` | an operation without `responses` (3.0) | no responses: the operation returns nothing typed |
//! | `response-without-description` | a response without `description` (before 3.2) | an empty description |
//! | `external-docs-without-url` | `externalDocs` without `url` | dropped |
//! | `unsupported-security-scheme` | a scheme `openapiv3` cannot model (`mutualTLS`, 3.1) | dropped (configure client certificates on the HTTP client instead) |
//! | `invalid-validation-keyword` | a keyword that only validates values, of the wrong type (`pattern: 0`, `maxLength: "10"`) | dropped: a client does not validate, and the rest of the schema is read |
//!
//! Operations' `callbacks` (requests the server makes, which a client never sends) are dropped
//! silently, before they are read: a callback this generator cannot read costs nothing.

use super::at;
use crate::diag::{Diagnostic, Diagnostics, child};
use serde_json::{Value, json};

/// Which version's rules apply to a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// OpenAPI 3.1 or later: `paths` and `responses` are optional.
    pub v3_1: bool,
    /// OpenAPI 3.2 or later: a response's `description` is optional.
    pub v3_2: bool,
}

pub fn apply(doc: &mut Value, rules: Rules, diags: &mut Diagnostics) {
    let Value::Object(root) = doc else { return };
    info(root, diags);
    if !root.contains_key("paths") {
        root.insert("paths".into(), json!({}));
        if !rules.v3_1 {
            diags.push(
                Diagnostic::warning("missing-paths", at(""), "the document has no `paths`")
                    .with_help("an OpenAPI 3.0 document lists its operations under `paths` (it may be `paths: {}`); read as having none"),
            );
        }
    }
    operations(doc, rules, diags);
    external_docs(doc, diags);
    security_schemes(doc, diags);
    validation_keywords(doc, diags);
}

/// Whether a keyword's value is of the type the specification gives it.
type ValidType = fn(&Value) -> bool;

/// The keywords of a schema that only constrain values, and whether a value is of the type
/// the specification gives each.
const VALIDATION_KEYWORDS: &[(&str, ValidType)] = &[
    ("pattern", Value::is_string),
    ("minLength", is_count),
    ("maxLength", is_count),
    ("minItems", is_count),
    ("maxItems", is_count),
    ("minProperties", is_count),
    ("maxProperties", is_count),
    ("minimum", Value::is_number),
    ("maximum", Value::is_number),
    ("multipleOf", Value::is_number),
    ("uniqueItems", Value::is_boolean),
];

fn is_count(v: &Value) -> bool {
    v.as_u64().is_some()
}

/// `invalid-validation-keyword`: a validation-only keyword of the wrong type is dropped, so that
/// `pattern: 0` (YAML reads `0` as a number) does not reject the whole document.
fn validation_keywords(doc: &mut Value, diags: &mut Diagnostics) {
    for ptr in crate::walk::schema_pointers(doc) {
        let Some(Value::Object(schema)) = doc.pointer_mut(&ptr) else {
            continue;
        };
        for (key, valid) in VALIDATION_KEYWORDS {
            let Some(value) = schema.get(*key) else {
                continue;
            };
            if valid(value) {
                continue;
            }
            let shown = crate::diag::clip(&value.to_string()).into_owned();
            schema.remove(*key);
            diags.push(
                Diagnostic::warning(
                    "invalid-validation-keyword",
                    at(&child(&ptr, key)),
                    format!("`{key}: {shown}` is not a value `{key}` takes; the keyword is left out (a client does not validate)"),
                )
                .with_help(format!("write `{key}` as the specification says (`pattern` a string, lengths and counts non-negative integers, bounds numbers), in the spec or its overlay")),
            );
        }
    }
}

fn info(root: &mut serde_json::Map<String, Value>, diags: &mut Diagnostics) {
    if !root.contains_key("info") {
        root.insert("info".into(), json!({ "title": "API", "version": "" }));
        diags.push(
            Diagnostic::warning(
                "incomplete-info",
                at(""),
                "the document has no `info` object",
            )
            .with_help(
                "add `info` with a `title` and a `version`; read as title `API`, version \"\"",
            ),
        );
    }
    let Some(Value::Object(info)) = root.get_mut("info") else {
        return;
    };
    for (key, default) in [("title", "API"), ("version", "")] {
        match info.get(key) {
            Some(Value::String(_)) => {}
            Some(Value::Number(n)) if key == "version" => {
                let text = n.to_string();
                diags.push(
                    Diagnostic::warning(
                        "non-string-version",
                        at("/info/version"),
                        format!("`version: {text}` is a number; OpenAPI wants a string"),
                    )
                    .with_help(format!("quote it: `version: \"{text}\"`")),
                );
                info.insert(key.into(), Value::String(text));
            }
            other => {
                let what = match other {
                    None => "missing".to_owned(),
                    Some(v) => format!("not a string (`{}`)", crate::diag::clip(&v.to_string())),
                };
                diags.push(
                    Diagnostic::warning(
                        "incomplete-info",
                        at(&format!(
                            "/info{}",
                            if other.is_some() {
                                format!("/{key}")
                            } else {
                                String::new()
                            }
                        )),
                        format!("`info.{key}` is {what}"),
                    )
                    .with_help(format!("give `info` a `{key}`; read as \"{default}\"")),
                );
                info.insert(key.into(), Value::String(default.to_owned()));
            }
        }
    }
}

const METHODS: [&str; 9] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace", "query",
];

fn operations(doc: &mut Value, rules: Rules, diags: &mut Diagnostics) {
    let mut response_ptrs = Vec::new();
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            let Value::Object(item) = item else { continue };
            for m in METHODS {
                let Some(Value::Object(op)) = item.get_mut(m) else {
                    continue;
                };
                let op_ptr = child(&child("/paths", path), m);
                op.remove("callbacks");
                match op.get("responses") {
                    Some(Value::Object(rs)) => {
                        response_ptrs
                            .extend(rs.keys().map(|k| child(&child(&op_ptr, "responses"), k)));
                    }
                    _ => {
                        op.insert("responses".into(), json!({}));
                        if !rules.v3_1 {
                            diags.push(
                                Diagnostic::warning(
                                    "operation-without-responses",
                                    at(&op_ptr),
                                    "the operation has no `responses`",
                                )
                                .with_help("declare at least its success response; read as returning nothing typed"),
                            );
                        }
                    }
                }
            }
        }
    }
    if let Some(Value::Object(rs)) = doc.pointer("/components/responses") {
        response_ptrs.extend(rs.keys().map(|k| child("/components/responses", k)));
    }
    for p in response_ptrs {
        let Some(Value::Object(r)) = doc.pointer_mut(&p) else {
            continue;
        };
        if r.contains_key("$ref") || r.get("description").is_some_and(Value::is_string) {
            continue;
        }
        r.insert("description".into(), Value::String(String::new()));
        if !rules.v3_2 {
            diags.push(
                Diagnostic::warning(
                    "response-without-description",
                    at(&p),
                    "the response has no `description`, which OpenAPI requires before 3.2",
                )
                .with_help("describe the response; read as an empty description"),
            );
        }
    }
}

/// `externalDocs` without its required `url`, anywhere in the document's structure.
fn external_docs(doc: &mut Value, diags: &mut Diagnostics) {
    let mut found = Vec::new();
    find_external_docs(doc, "", 0, &mut found);
    for p in found {
        let (parent, _) = p.rsplit_once('/').unwrap_or(("", ""));
        if let Some(Value::Object(m)) = doc.pointer_mut(parent) {
            m.remove("externalDocs");
            diags.push(
                Diagnostic::warning(
                    "external-docs-without-url",
                    at(&p),
                    "`externalDocs` has no `url`",
                )
                .with_help("give it the `url` of the documentation; dropped"),
            );
        }
    }
}

fn find_external_docs(v: &Value, ptr: &str, depth: usize, out: &mut Vec<String>) {
    if depth > 64 {
        return;
    }
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                if k == "example" || k == "examples" || k == "default" || k.starts_with("x-") {
                    continue;
                }
                let p = child(ptr, k);
                if k == "externalDocs"
                    && c.is_object()
                    && !c.get("url").is_some_and(Value::is_string)
                {
                    out.push(p);
                } else {
                    find_external_docs(c, &p, depth + 1, out);
                }
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                find_external_docs(c, &child(ptr, i.to_string()), depth + 1, out);
            }
        }
        _ => {}
    }
}

fn security_schemes(doc: &mut Value, diags: &mut Diagnostics) {
    let Some(Value::Object(schemes)) = doc.pointer_mut("/components/securitySchemes") else {
        return;
    };
    let unsupported: Vec<String> = schemes
        .iter()
        .filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("mutualTLS"))
        .map(|(k, _)| k.clone())
        .collect();
    for name in unsupported {
        schemes.remove(&name);
        diags.push(
            Diagnostic::warning(
                "unsupported-security-scheme",
                at(&child("/components/securitySchemes", &name)),
                format!("security scheme `{name}` is mutual TLS, which the client does not configure"),
            )
            .with_help("give the HTTP client a client certificate (reqwest's `Identity`) and pass it to `Client::with_http_client`; the scheme is dropped"),
        );
    }
}
