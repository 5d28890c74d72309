//! The minimal fixes that make our effective GitLab spec (`generated-client/openapi.json`,
//! OpenAPI 3.0) acceptable to progenitor, on the JSON value, one function each. Each says what
//! progenitor does without it; `cargo xtask bench` lists them, with counts, in BENCHMARKS.md.

use serde_json::Value;

/// One kind of change, how many places it touched, and why progenitor needs it.
pub struct Fix {
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
            what: "`multipart/form-data` request bodies declared as `application/x-www-form-urlencoded` (same schema, `encoding` dropped)",
            why: "progenitor 0.15 has no multipart support: `gen fail: UnexpectedFormat(\"unexpected content type: multipart/form-data\")`. The operations and their body types stay, so progenitor still generates them.",
            count: multipart_as_form(spec),
        },
        Fix {
            what: "string enum values that differ only in case or punctuation merged into one (the schema's `default` if it is one of them, else the first)",
            why: "typify panics when two values make the same Rust variant: `Failed to make unique variant names for [created-by-me,assigned-to-me,created_by_me,assigned_to_me]`.",
            count: colliding_enum_values(spec),
        },
        Fix {
            what: "object properties whose names differ only in case or punctuation: the later ones removed (and from `required`)",
            why: "progenitor generates but its crate does not compile: both become one field, `error[E0124]: field `id` is already declared` (`API_Entities_NugetDependency` has `@id` and `id`).",
            count: colliding_properties(spec),
        },
        Fix {
            what: "query and header parameters whose names collide with a path parameter's or an earlier one's (case and punctuation aside) removed",
            why: "progenitor generates but its crate does not compile: both become one argument, `error[E0415]: identifier `id` is bound more than once in this parameter list` (the Terraform state operations take a path `id` and a query `ID`).",
            count: colliding_parameters(spec),
        },
    ];
    fixes.into_iter().filter(|f| f.count > 0).collect()
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

fn colliding_parameters(spec: &mut Value) -> usize {
    let name = |p: &Value| p.get("name").and_then(Value::as_str).map(key);
    let is_path = |p: &Value| p.get("in").and_then(Value::as_str) == Some("path");
    let mut count = 0;
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else {
        return 0;
    };
    for item in paths.values_mut().filter_map(Value::as_object_mut) {
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
