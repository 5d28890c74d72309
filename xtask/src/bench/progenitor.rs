//! The minimal fixes that make our effective GitLab spec (`generated-client/openapi.json`,
//! OpenAPI 3.0) acceptable to progenitor ([`fix`]), and those the largest corpus documents need
//! besides ([`fix_more`]), on the JSON value, one function each. Each says what progenitor does
//! without it; `cargo xtask bench` lists them, with counts, in BENCHMARKS.md.

use serde_json::Value;

/// One kind of change, how many places it touched, and why progenitor needs it.
pub struct Fix {
    /// A few words, for a list of counts.
    pub short: &'static str,
    pub what: &'static str,
    pub why: &'static str,
    pub count: usize,
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Applies every fix to `spec`; the fixes that changed something, in order.
pub fn fix(spec: &mut Value) -> Vec<Fix> {
    let fixes = [
        Fix {
            short: "multipart bodies as form",
            what: "`multipart/form-data` request bodies declared as `application/x-www-form-urlencoded` (same schema, `encoding` dropped)",
            why: "progenitor 0.15 has no multipart support: `gen fail: UnexpectedFormat(\"unexpected content type: multipart/form-data\")`. The operations and their body types stay, so progenitor still generates them.",
            count: multipart_as_form(spec),
        },
        Fix {
            short: "enum values merged",
            what: "string enum values that differ only in case or punctuation merged into one (the schema's `default` if it is one of them, else the first)",
            why: "typify panics when two values make the same Rust variant: `Failed to make unique variant names for [created-by-me,assigned-to-me,created_by_me,assigned_to_me]`.",
            count: colliding_enum_values(spec),
        },
        Fix {
            short: "properties removed",
            what: "object properties whose names differ only in case or punctuation: the later ones removed (and from `required`)",
            why: "progenitor generates but its crate does not compile: both become one field, `error[E0124]: field `id` is already declared` (`API_Entities_NugetDependency` has `@id` and `id`).",
            count: colliding_properties(spec),
        },
        Fix {
            short: "parameters removed",
            what: "query and header parameters whose names collide with a path parameter's or an earlier one's (case and punctuation aside) removed (those of the path item too)",
            why: "progenitor generates but its crate does not compile: both become one argument, `error[E0415]: identifier `id` is bound more than once in this parameter list` (the Terraform state operations take a path `id` and a query `ID`).",
            count: colliding_parameters(spec),
        },
    ];
    fixes.into_iter().filter(|f| f.count > 0).collect()
}

/// [`fix`], then the fixes the largest corpus documents (GitHub, Stripe, Kubernetes) need
/// besides; the fixes that changed something, in order.
pub fn fix_more(spec: &mut Value) -> Vec<Fix> {
    let mut fixes = fix(spec);
    let more = [
        Fix {
            short: "one media type",
            what: "a request body or response with several media types, or one progenitor does not take, reduced to one: a JSON one (`+json` too) as `application/json`, else form, else `text/*` as `text/plain`, else `application/octet-stream`",
            why: "`panic: not yet implemented: more media types than expected for markdown/render-raw: 2`, `gen fail: UnexpectedFormat(\"unexpected content type: */*\")`.",
            count: one_media_type(spec),
        },
        Fix {
            short: "responses removed",
            what: "responses whose body differs from the first's of its kind (success `2xx`, or error) removed, and `default` unless its body is the same as both",
            why: "progenitor has one success type and one error type per operation: `panic: assertion failed: response_types.len() <= 1`.",
            count: one_response_type(spec),
        },
        Fix {
            short: "binary bodies",
            what: "`application/octet-stream` request bodies given the schema `{type: string, format: binary}`",
            why: "`gen fail: UnexpectedFormat(\"invalid schema for application/octet-stream: …\")` for a plain string schema.",
            count: binary_bodies(spec),
        },
        Fix {
            short: "encodings dropped",
            what: "`encoding` dropped from request bodies' media types",
            why: "`panic: not yet implemented: media type encoding not empty`.",
            count: no_encoding(spec),
        },
        Fix {
            short: "deepObject as form",
            what: "`style: deepObject` query parameters made `style: form`",
            why: "`gen fail: UnexpectedFormat(\"unsupported style of query parameter DeepObject\")`.",
            count: deep_object_as_form(spec),
        },
        Fix {
            short: "defaults removed",
            what: "`default` values typify cannot check removed: `{}` on an `allOf`/`$ref`/object schema, a value outside the schema's `enum`",
            why: "`gen fail: TypeError(InvalidValue)`.",
            count: uncheckable_defaults(spec),
        },
    ];
    fixes.extend(more.into_iter().filter(|f| f.count > 0));
    fixes
}

/// Every operation object of the document.
fn operations_mut(spec: &mut Value) -> impl Iterator<Item = &mut serde_json::Map<String, Value>> {
    spec.get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.iter_mut())
        .filter(|(method, _)| METHODS.contains(&method.as_str()))
        .filter_map(|(_, op)| op.as_object_mut())
}

fn multipart_as_form(spec: &mut Value) -> usize {
    let mut count = 0;
    for op in operations_mut(spec) {
        let Some(content) = op
            .get_mut("requestBody")
            .and_then(|b| b.get_mut("content"))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        if let Some(mut media) = content.shift_remove("multipart/form-data") {
            if let Some(media) = media.as_object_mut() {
                media.remove("encoding");
            }
            content
                .entry("application/x-www-form-urlencoded")
                .or_insert(media);
            count += 1;
        }
    }
    count
}

/// Every object node of the document, depth first.
fn each_object(value: &mut Value, f: &mut dyn FnMut(&mut serde_json::Map<String, Value>)) {
    match value {
        Value::Object(map) => {
            f(map);
            for v in map.values_mut() {
                each_object(v, f);
            }
        }
        Value::Array(items) => {
            for v in items {
                each_object(v, f);
            }
        }
        _ => {}
    }
}

/// What progenitor's Rust names cannot tell apart: case and punctuation.
fn key(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn colliding_enum_values(spec: &mut Value) -> usize {
    let mut count = 0;
    each_object(spec, &mut |schema| {
        let default = schema.get("default").cloned();
        let Some(values) = schema.get_mut("enum").and_then(Value::as_array_mut) else {
            return;
        };
        if !values.iter().all(Value::is_string) {
            return;
        }
        let mut kept: Vec<Value> = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        for value in values.drain(..) {
            let k = key(value.as_str().unwrap_or_default());
            match keys.iter().position(|seen| *seen == k) {
                Some(i) => {
                    count += 1;
                    if Some(&value) == default.as_ref() {
                        kept[i] = value;
                    }
                }
                None => {
                    keys.push(k);
                    kept.push(value);
                }
            }
        }
        *values = kept;
    });
    count
}

fn colliding_properties(spec: &mut Value) -> usize {
    let mut count = 0;
    each_object(spec, &mut |schema| {
        let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
            return;
        };
        if !properties.values().all(Value::is_object) {
            return;
        }
        let mut keys = Vec::new();
        let mut removed = Vec::new();
        properties.retain(|name, _| {
            let k = key(name);
            if keys.contains(&k) {
                removed.push(name.clone());
                false
            } else {
                keys.push(k);
                true
            }
        });
        count += removed.len();
        if let Some(required) = schema.get_mut("required").and_then(Value::as_array_mut) {
            required.retain(|r| !removed.iter().any(|name| r == name));
        }
    });
    count
}

/// Every request body's and response's `content` map.
fn contents_mut(spec: &mut Value) -> Vec<&mut serde_json::Map<String, Value>> {
    let mut out = Vec::new();
    for op in operations_mut(spec) {
        for (key, value) in op.iter_mut() {
            match key.as_str() {
                "requestBody" => {
                    out.extend(value.get_mut("content").and_then(Value::as_object_mut))
                }
                "responses" => out.extend(
                    value
                        .as_object_mut()
                        .into_iter()
                        .flat_map(|r| r.values_mut())
                        .filter_map(|r| r.get_mut("content"))
                        .filter_map(Value::as_object_mut),
                ),
                _ => {}
            }
        }
    }
    out
}

fn one_media_type(spec: &mut Value) -> usize {
    const TAKEN: [&str; 4] = [
        "application/json",
        "application/x-www-form-urlencoded",
        "application/octet-stream",
        "text/plain",
    ];
    let json = |k: &str| {
        let k = k.split(';').next().unwrap_or_default();
        k == "application/json" || k.ends_with("+json")
    };
    let mut count = 0;
    for content in contents_mut(spec) {
        if content.len() == 1 && content.keys().all(|k| TAKEN.contains(&k.as_str())) {
            continue;
        }
        let keys: Vec<String> = content.keys().cloned().collect();
        let pick = |f: &dyn Fn(&str) -> bool| keys.iter().find(|k| f(k)).cloned();
        let (from, to) = if let Some(k) = pick(&|k| json(k)) {
            (k, "application/json")
        } else if let Some(k) = pick(&|k| k == "application/x-www-form-urlencoded") {
            (k, "application/x-www-form-urlencoded")
        } else if let Some(k) = pick(&|k| k == "multipart/form-data") {
            (k, "application/x-www-form-urlencoded")
        } else if let Some(k) = pick(&|k| k.starts_with("text/")) {
            (k, "text/plain")
        } else if let Some(k) = keys.first().cloned() {
            (k, "application/octet-stream")
        } else {
            continue;
        };
        let media = content.get(&from).cloned().unwrap_or(Value::Null);
        content.clear();
        content.insert(to.to_string(), media);
        count += 1;
    }
    count
}

fn one_response_type(spec: &mut Value) -> usize {
    let components = spec
        .pointer("/components/responses")
        .cloned()
        .unwrap_or(Value::Null);
    // What progenitor makes a type of: the response's content, through one `$ref`.
    let body = |r: &Value| {
        let r = match r.get("$ref").and_then(Value::as_str) {
            Some(target) => target
                .strip_prefix("#/components/responses/")
                .and_then(|name| components.get(name))
                .unwrap_or(r),
            None => r,
        };
        r.get("content").cloned().unwrap_or(Value::Null)
    };
    let mut count = 0;
    for op in operations_mut(spec) {
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            continue;
        };
        let mut statuses: Vec<String> = responses.keys().cloned().collect();
        statuses.sort();
        let mut first: [Option<Value>; 2] = [None, None];
        for status in statuses.iter().filter(|s| *s != "default") {
            let kind = usize::from(!status.starts_with('2'));
            let this = body(&responses[status]);
            match &first[kind] {
                None => first[kind] = Some(this),
                Some(seen) if *seen == this => {}
                Some(_) => {
                    responses.shift_remove(status);
                    count += 1;
                }
            }
        }
        // `default` is both a success and an error to progenitor.
        if let Some(default) = responses.get("default").map(body)
            && first.iter().flatten().any(|seen| *seen != default)
        {
            responses.shift_remove("default");
            count += 1;
        }
    }
    count
}

fn binary_bodies(spec: &mut Value) -> usize {
    let binary = serde_json::json!({"type": "string", "format": "binary"});
    let mut count = 0;
    for op in operations_mut(spec) {
        let Some(media) = op
            .get_mut("requestBody")
            .and_then(|b| b.get_mut("content"))
            .and_then(|c| c.get_mut("application/octet-stream"))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        if media.get("schema") != Some(&binary) {
            media.insert("schema".into(), binary.clone());
            count += 1;
        }
    }
    count
}

fn no_encoding(spec: &mut Value) -> usize {
    let mut count = 0;
    for op in operations_mut(spec) {
        let Some(content) = op
            .get_mut("requestBody")
            .and_then(|b| b.get_mut("content"))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        for media in content.values_mut().filter_map(Value::as_object_mut) {
            count += usize::from(media.remove("encoding").is_some());
        }
    }
    count
}

fn deep_object_as_form(spec: &mut Value) -> usize {
    let mut count = 0;
    let deep = Value::from("deepObject");
    let paths = spec.get_mut("paths").and_then(Value::as_object_mut);
    for item in paths.into_iter().flat_map(|p| p.values_mut()) {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (key, value) in item.iter_mut() {
            let params = if key == "parameters" {
                value.as_array_mut()
            } else if METHODS.contains(&key.as_str()) {
                value.get_mut("parameters").and_then(Value::as_array_mut)
            } else {
                None
            };
            for p in params.into_iter().flatten() {
                if p.get("style") == Some(&deep) {
                    p["style"] = Value::from("form");
                    count += 1;
                }
            }
        }
    }
    count
}

/// Schemas only: not the names under `properties`, nor example values.
fn each_schema(value: &mut Value, f: &mut dyn FnMut(&mut serde_json::Map<String, Value>)) {
    match value {
        Value::Object(map) => {
            f(map);
            for (key, v) in map.iter_mut() {
                match key.as_str() {
                    "example" | "examples" | "default" | "enum" => {}
                    "properties" => {
                        for p in v.as_object_mut().into_iter().flat_map(|p| p.values_mut()) {
                            each_schema(p, f);
                        }
                    }
                    _ => each_schema(v, f),
                }
            }
        }
        Value::Array(items) => {
            for v in items {
                each_schema(v, f);
            }
        }
        _ => {}
    }
}

fn uncheckable_defaults(spec: &mut Value) -> usize {
    let mut count = 0;
    each_schema(spec, &mut |schema| {
        let Some(default) = schema.get("default") else {
            return;
        };
        let empty_object = default.as_object().is_some_and(serde_json::Map::is_empty)
            && (schema.contains_key("allOf")
                || schema.contains_key("$ref")
                || schema.get("type") == Some(&Value::from("object")));
        let outside_enum = schema
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| !values.contains(default));
        if empty_object || outside_enum {
            schema.remove("default");
            count += 1;
        }
    });
    count
}

fn colliding_parameters(spec: &mut Value) -> usize {
    let name = |p: &Value| p.get("name").and_then(Value::as_str).map(key);
    let is_path = |p: &Value| p.get("in").and_then(Value::as_str) == Some("path");
    let mut count = 0;
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else {
        return 0;
    };
    for item in paths.values_mut().filter_map(Value::as_object_mut) {
        // The path item's own parameters first (Kubernetes' proxy paths take a path `path` and
        // a query `path`).
        if let Some(shared) = item.get_mut("parameters").and_then(Value::as_array_mut) {
            let mut seen: Vec<String> = shared
                .iter()
                .filter(|p| is_path(p))
                .filter_map(name)
                .collect();
            shared.retain(|p| match name(p) {
                Some(k) if !is_path(p) => {
                    if seen.contains(&k) {
                        count += 1;
                        return false;
                    }
                    seen.push(k);
                    true
                }
                _ => true,
            });
        }
        let shared: Vec<Value> = item
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (method, op) in item.iter_mut() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
                continue;
            };
            // Path parameters keep their names (the path template needs them).
            let mut seen: Vec<String> = shared
                .iter()
                .chain(params.iter())
                .filter(|p| is_path(p))
                .filter_map(name)
                .collect();
            seen.extend(shared.iter().filter(|p| !is_path(p)).filter_map(name));
            params.retain(|p| match name(p) {
                Some(k) if !is_path(p) => {
                    if seen.contains(&k) {
                        count += 1;
                        return false;
                    }
                    seen.push(k);
                    true
                }
                _ => true,
            });
        }
    }
    count
}

/// The operations of a document.
pub fn operations(spec: &Value) -> usize {
    spec.get("paths")
        .and_then(Value::as_object)
        .map_or(0, |paths| {
            paths
                .values()
                .filter_map(Value::as_object)
                .map(|item| {
                    item.keys()
                        .filter(|k| METHODS.contains(&k.as_str()))
                        .count()
                })
                .sum()
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_fix_on_a_minimal_document() {
        let scope = json!({"type": "string", "enum": ["created-by-me", "all", "created_by_me"], "default": "created_by_me"});
        let media = json!({
            "schema": {"type": "object", "properties": {"scope": scope, "@id": {}, "id": {}}, "required": ["id"]},
            "encoding": {"scope": {"style": "form"}}
        });
        let op = json!({
            "parameters": [
                {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                {"name": "ID", "in": "query", "schema": {"type": "string"}},
                {"name": "page", "in": "query", "schema": {"type": "integer"}}
            ],
            "requestBody": {"content": {"multipart/form-data": media}},
            "responses": {"200": {"description": "ok"}}
        });
        let mut spec = json!({"openapi": "3.0.3", "paths": {"/a/{id}": {"post": op}}});
        let counts: Vec<usize> = fix(&mut spec).iter().map(|f| f.count).collect();
        assert_eq!(counts, [1, 1, 1, 1]);
        let body = &spec["paths"]["/a/{id}"]["post"]["requestBody"]["content"];
        let props = &body["application/x-www-form-urlencoded"]["schema"]["properties"];
        assert_eq!(props["scope"]["enum"], json!(["created_by_me", "all"]));
        assert!(body.get("multipart/form-data").is_none());
        let schema = &body["application/x-www-form-urlencoded"]["schema"];
        assert_eq!(schema["required"], json!([]));
        assert!(props.get("@id").is_some() && props.get("id").is_none());
        let params = spec["paths"]["/a/{id}"]["post"]["parameters"]
            .as_array()
            .unwrap();
        let names: Vec<&str> = params.iter().filter_map(|p| p["name"].as_str()).collect();
        assert_eq!(names, ["id", "page"]);
        assert_eq!(operations(&spec), 1);
    }
}
