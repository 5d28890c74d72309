//! OpenAPI 3.1 and 3.2 schemas (JSON Schema 2020-12) brought to the 3.0 model `openapiv3` reads.
//!
//! In/out: the document, rewritten in place. For a 3.1/3.2 document these keywords are the
//! standard, so the rewrite is silent; in a 3.0 (or converted 2.0) document they are defects
//! that many real specs have anyway, so each rewrite is a `json-schema-keyword` warning.
//!
//! | 2020-12 | 3.0 model |
//! |---|---|
//! | boolean schema `true` / `false` | `{}` / `{not: {}}` |
//! | `type: [T, "null"]` | `type: T, nullable: true` |
//! | `type: [A, B]` | `anyOf: [{type: A, …A's keywords}, {type: B, …}]` |
//! | `type: "null"` | `nullable: true` (any value) |
//! | `const: v` | `enum: [v]` |
//! | `exclusiveMinimum: n` (a number) | `minimum: n, exclusiveMinimum: true` (and `Maximum`) |
//! | `examples: [a, …]` | `example: a` |
//! | `prefixItems: [A, B]` (tuples), `items: [A, B]` (draft 4 tuples) | `items: {anyOf: [A, B]}` (or the one schema when all are equal) |
//! | `contentEncoding: base64` | `format: byte` |
//! | `contentMediaType` (not text or JSON) | `format: binary` |
//! | `$ref` with siblings `nullable`/`type` | `allOf: [{$ref}]` with the siblings |

use super::at;
use crate::diag::{Diagnostic, Diagnostics};
use serde_json::{Map, Value, json};

/// Keywords that belong to one JSON type, moved into that type's branch when a type array
/// becomes an `anyOf`.
const OBJECT_KEYWORDS: [&str; 6] = [
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
    "discriminator",
];
const ARRAY_KEYWORDS: [&str; 4] = ["items", "minItems", "maxItems", "uniqueItems"];
const STRING_KEYWORDS: [&str; 4] = ["minLength", "maxLength", "pattern", "format"];
const NUMBER_KEYWORDS: [&str; 5] = [
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];

/// Rewrites every schema of `doc`. `modern` is true for OpenAPI 3.1 and 3.2 documents.
pub fn apply(doc: &mut Value, modern: bool, diags: &mut Diagnostics) {
    let warn = |ptr: &str, what: String, diags: &mut Diagnostics| {
        if !modern {
            diags.push(
                Diagnostic::warning(
                    "json-schema-keyword",
                    at(ptr),
                    format!("{what} is OpenAPI 3.1 (JSON Schema 2020-12), not 3.0; read as its 3.0 equivalent"),
                )
                .with_help(
                    "OpenAPI 3.0 schemas do not have this JSON Schema 2020-12 form; declare `openapi: 3.1.0`, or write the 3.0 form",
                ),
            );
        }
    };
    for p in crate::walk::boolean_schema_pointers(doc) {
        let Some(slot) = doc.pointer_mut(&p) else {
            continue;
        };
        // `additionalProperties: false` is 3.0 as well, and `openapiv3` models it.
        if p.ends_with("/additionalProperties") {
            continue;
        }
        let b = slot.as_bool().unwrap_or(true);
        *slot = if b { json!({}) } else { json!({ "not": {} }) };
        warn(&p, format!("boolean schema `{b}`"), diags);
    }
    // `boolean_required` only removes keys, so the schemas' places stay valid for the rewrite.
    let ptrs = crate::walk::schema_pointers(doc);
    boolean_required(doc, &ptrs, diags);
    // Children before parents: a parent's rewrite may move its children.
    for p in ptrs.iter().rev() {
        let Some(Value::Object(s)) = doc.pointer_mut(p) else {
            continue;
        };
        for what in rewrite(s) {
            warn(p, what, diags);
        }
    }
}

/// `required: true` on a property (JSON Schema draft 3, still written by hand): the property
/// joins its parent's `required` list. Invalid in every OpenAPI version, so always a warning.
fn boolean_required(doc: &mut Value, ptrs: &[String], diags: &mut Diagnostics) {
    for p in ptrs {
        let Some(Value::Object(s)) = doc.pointer_mut(p) else {
            continue;
        };
        // Not on a property (a request body's schema, say): nothing to join, so dropped.
        if let Some(Value::Bool(b)) = s.get("required").cloned() {
            s.remove("required");
            diags.push(
                Diagnostic::warning(
                    "boolean-required",
                    at(&crate::diag::child(p, "required")),
                    format!("`required: {b}` on a schema is JSON Schema draft 3; OpenAPI lists required properties in the parent's `required`"),
                )
                .with_help("remove it, or list the property in its parent schema's `required` array"),
            );
        }
        let Some(Value::Object(props)) = s.get_mut("properties") else {
            continue;
        };
        let mut names = Vec::new();
        for (name, prop) in props.iter_mut() {
            if let Value::Object(prop) = prop
                && let Some(Value::Bool(b)) = prop.get("required").cloned()
            {
                prop.remove("required");
                diags.push(
                    Diagnostic::warning(
                        "boolean-required",
                        at(&format!("{}/required", crate::diag::child(&crate::diag::child(p, "properties"), name))),
                        format!("`required: {b}` on a property is JSON Schema draft 3; OpenAPI lists required properties in the parent's `required`"),
                    )
                    .with_help("list the property's name in its parent schema's `required` array"),
                );
                if b {
                    names.push(Value::String(name.clone()));
                }
            }
        }
        if names.is_empty() {
            continue;
        }
        match s.get_mut("required") {
            Some(Value::Array(list)) => list.extend(names),
            _ => {
                s.insert("required".into(), Value::Array(names));
            }
        }
    }
}

/// Rewrites one schema object; returns what it changed, for the warnings.
fn rewrite(s: &mut Map<String, Value>) -> Vec<String> {
    let mut done = Vec::new();
    if s.contains_key("$ref") && s.len() > 1 {
        // 3.0 ignores a `$ref`'s siblings, and so does `openapiv3`; keep the ones that shape the
        // type (a nullable reference is common) by wrapping the reference.
        if s.contains_key("nullable") || s.contains_key("type") {
            let reference = s.remove("$ref").unwrap_or(Value::Null);
            // The referenced schema says the type; only its nullability is the sibling's to add.
            if let Some(Value::Array(types)) = s.remove("type")
                && types.iter().any(|t| t == "null")
            {
                s.insert("nullable".into(), Value::Bool(true));
            }
            s.remove("type");
            s.insert("allOf".into(), json!([{ "$ref": reference }]));
            done.push("`$ref` with sibling keywords".to_owned());
        } else {
            return done;
        }
    }
    if let Some(Value::Array(types)) = s.get("type").cloned() {
        let mut names: Vec<String> = types
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect();
        let nullable = names.iter().any(|t| t == "null");
        names.retain(|t| t != "null");
        names.dedup();
        if names.iter().any(|t| t == "integer") && names.iter().any(|t| t == "number") {
            names.retain(|t| t != "integer");
        }
        if nullable {
            s.insert("nullable".into(), Value::Bool(true));
        }
        match names.as_slice() {
            [] => {
                s.remove("type");
            }
            [one] => {
                s.insert("type".into(), Value::String(one.clone()));
            }
            many => {
                s.remove("type");
                if !s.contains_key("anyOf") && !s.contains_key("oneOf") {
                    let branches: Vec<Value> = many.iter().map(|t| branch(s, t)).collect();
                    for t in many {
                        for k in keywords_of(t) {
                            s.remove(*k);
                        }
                    }
                    s.insert("anyOf".into(), Value::Array(branches));
                }
            }
        }
        done.push(format!(
            "`type: {}`",
            crate::diag::clip(&Value::Array(types).to_string())
        ));
    } else if s.get("type").and_then(Value::as_str) == Some("null") {
        s.remove("type");
        s.insert("nullable".into(), Value::Bool(true));
        done.push("`type: null`".to_owned());
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = s.get_mut(key) {
            let before = branches.len();
            branches.retain(|b| !is_null_schema(b));
            if branches.len() < before {
                s.insert("nullable".into(), Value::Bool(true));
                done.push(format!("a `null` branch of `{key}`"));
            }
        }
    }
    if let Some(c) = s.remove("const") {
        if !s.contains_key("enum") {
            s.insert("enum".into(), json!([c]));
        }
        done.push("`const`".to_owned());
    }
    for (key, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(n) = s.get(key).filter(|v| v.is_number()).cloned() {
            s.insert(bound.into(), n);
            s.insert(key.into(), Value::Bool(true));
            done.push(format!("numeric `{key}`"));
        }
    }
    if let Some(Value::Array(examples)) = s.get("examples") {
        let first = examples.first().cloned();
        s.remove("examples");
        if let (Some(first), false) = (first, s.contains_key("example")) {
            s.insert("example".into(), first);
        }
        done.push("`examples` in a schema".to_owned());
    }
    let tuple = match s.get("items") {
        Some(Value::Array(items)) => Some(items.clone()),
        None => match s.get("prefixItems") {
            Some(Value::Array(items)) => Some(items.clone()),
            _ => None,
        },
        _ => None,
    };
    if let Some(mut items) = tuple {
        items.dedup();
        let one = match items.len() {
            0 => json!({}),
            1 => items.remove(0),
            _ => json!({ "anyOf": items }),
        };
        s.insert("items".into(), one);
        s.remove("prefixItems");
        done.push("a tuple (`items` or `prefixItems` as a list)".to_owned());
    }
    if s.get("type").and_then(Value::as_str) == Some("string") && !s.contains_key("format") {
        if s.get("contentEncoding").and_then(Value::as_str) == Some("base64") {
            s.insert("format".into(), json!("byte"));
        } else if let Some(media) = s.get("contentMediaType").and_then(Value::as_str)
            && !media.starts_with("text/")
            && !media.contains("json")
        {
            s.insert("format".into(), json!("binary"));
        }
    }
    done
}

/// `{type: "null"}`, or what it became once rewritten (`{nullable: true}`).
fn is_null_schema(v: &Value) -> bool {
    let Value::Object(m) = v else { return false };
    let null_type = m.get("type").and_then(Value::as_str) == Some("null")
        || (m.get("nullable") == Some(&Value::Bool(true)) && !m.contains_key("type"));
    null_type
        && m.keys().all(|k| {
            matches!(
                k.as_str(),
                "type" | "nullable" | "description" | "title" | "enum"
            )
        })
}

/// The keywords that apply to values of type `t` only.
fn keywords_of(t: &str) -> &'static [&'static str] {
    match t {
        "object" => &OBJECT_KEYWORDS,
        "array" => &ARRAY_KEYWORDS,
        "string" => &STRING_KEYWORDS,
        "integer" | "number" => &NUMBER_KEYWORDS,
        _ => &[],
    }
}

/// The `anyOf` branch of one type of a type array: `{type: t}` with the keywords of `t`.
fn branch(s: &Map<String, Value>, t: &str) -> Value {
    let mut b = Map::new();
    b.insert("type".into(), Value::String(t.to_owned()));
    for k in keywords_of(t) {
        if let Some(v) = s.get(*k) {
            b.insert((*k).to_owned(), v.clone());
        }
    }
    Value::Object(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(doc: Value, modern: bool) -> (Value, Diagnostics) {
        let mut doc = doc;
        let mut d = Diagnostics::default();
        apply(&mut doc, modern, &mut d);
        (doc, d)
    }

    #[test]
    fn type_arrays_const_bounds_examples_and_booleans() {
        let doc = json!({
            "openapi": "3.1.0",
            "paths": {},
            "components": { "schemas": {
                "A": { "type": ["string", "null"], "const": "x", "examples": ["x"] },
                "B": { "type": ["string", "integer"], "minLength": 1, "minimum": 2 },
                "C": { "type": "number", "exclusiveMinimum": 0 },
                "D": { "type": "object", "properties": { "t": { "prefixItems": [{ "type": "string" }, { "type": "integer" }] }, "f": false } },
                "E": true,
                "F": { "$ref": "#/components/schemas/A", "type": ["object", "null"] }
            }}
        });
        let (doc, d) = run(doc, true);
        assert!(d.0.is_empty(), "3.1 is silent");
        let s = &doc["components"]["schemas"];
        assert_eq!(
            s["A"],
            json!({ "type": "string", "nullable": true, "enum": ["x"], "example": "x" })
        );
        assert_eq!(
            s["B"],
            json!({ "anyOf": [{ "type": "string", "minLength": 1 }, { "type": "integer", "minimum": 2 }] })
        );
        assert_eq!(
            s["C"],
            json!({ "type": "number", "minimum": 0, "exclusiveMinimum": true })
        );
        assert_eq!(
            s["D"]["properties"]["t"],
            json!({ "items": { "anyOf": [{ "type": "string" }, { "type": "integer" }] } })
        );
        assert_eq!(s["D"]["properties"]["f"], json!({ "not": {} }));
        assert_eq!(s["E"], json!({}));
        assert_eq!(
            s["F"],
            json!({ "allOf": [{ "$ref": "#/components/schemas/A" }], "nullable": true })
        );
    }

    #[test]
    fn in_a_3_0_document_each_rewrite_is_a_located_warning() {
        let doc = json!({
            "openapi": "3.0.3",
            "paths": {},
            "components": { "schemas": { "A": { "type": ["integer", "null"] } } }
        });
        let (doc, d) = run(doc, false);
        assert_eq!(
            doc["components"]["schemas"]["A"],
            json!({ "type": "integer", "nullable": true })
        );
        assert_eq!(d.0.len(), 1);
        assert_eq!(d.0[0].code, "json-schema-keyword");
        assert_eq!(d.0[0].origin.pointer, "/components/schemas/A");
    }
}
