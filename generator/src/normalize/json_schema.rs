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
//!
//! `items-as-union`: `items: [A, B]` on a schema that is not an array is read as `anyOf: [A,
//! B]`, in every version (Slack's idiom for "A or B").

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

/// The schema dialect a document declares, which says whether 2020-12 forms are defects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Swagger 2.0, converted: its schemas are a JSON Schema draft 4 subset.
    Swagger2,
    /// OpenAPI 3.0.
    OpenApi30,
    /// OpenAPI 3.1 and 3.2: JSON Schema 2020-12 is the standard.
    Modern,
}

/// Rewrites every schema of `doc`.
pub fn apply(doc: &mut Value, dialect: Dialect, diags: &mut Diagnostics) {
    let warn = |ptr: &str, what: String, diags: &mut Diagnostics| {
        let (message, help) = match dialect {
            Dialect::Modern => return,
            Dialect::OpenApi30 => (
                format!(
                    "{what} is OpenAPI 3.1 (JSON Schema 2020-12), not 3.0; read as its 3.0 equivalent"
                ),
                "OpenAPI 3.0 schemas do not have this JSON Schema 2020-12 form; declare `openapi: 3.1.0`, or write the 3.0 form",
            ),
            Dialect::Swagger2 => (
                format!(
                    "{what} is not Swagger 2.0 (it is JSON Schema 2020-12, as OpenAPI 3.1 has it); read as the 2.0 equivalent"
                ),
                "Swagger 2.0 schemas do not have this form; write the 2.0 form (in the spec or its overlay)",
            ),
        };
        diags.push(Diagnostic::warning("json-schema-keyword", at(ptr), message).with_help(help));
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
    items_as_union(doc, &ptrs, diags);
    // The unions moved schemas from `items/N` to `anyOf/N`.
    let ptrs = crate::walk::schema_pointers(doc);
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

/// `items: [A, B]` on a schema that is not an array (Slack: `objs_user`, `{"items": [{type:
/// integer}, {type: null}]}`): written to mean "one of A, B" for the value itself, not a tuple,
/// since nothing says the value is an array. Read as `anyOf: [A, B]`, in every version, since an
/// `items` list is a schema in none of them. Only `type: array` (or array keywords) makes the
/// list a tuple ([`rewrite`]).
fn items_as_union(doc: &mut Value, ptrs: &[String], diags: &mut Diagnostics) {
    // Children before parents, whose move would leave the children's pointers behind.
    for p in ptrs.iter().rev() {
        let Some(Value::Object(s)) = doc.pointer_mut(p) else {
            continue;
        };
        let array = match s.get("type") {
            Some(Value::String(t)) => t == "array",
            Some(Value::Array(ts)) => ts.iter().any(|t| t == "array"),
            _ => ARRAY_KEYWORDS[1..].iter().any(|k| s.contains_key(*k)),
        };
        if array || s.contains_key("anyOf") || s.contains_key("oneOf") {
            continue;
        }
        let Some(Value::Array(mut items)) = s.get("items").cloned() else {
            continue;
        };
        s.remove("items");
        // The entries say their types; an outer `type: object` would hide the union.
        s.remove("type");
        items.dedup();
        // `{type: "null"}` among them (Slack's `[{type: integer}, {type: null}]`) is nullability.
        let before = items.len();
        items.retain(|i| !is_null_schema(i));
        if items.len() < before {
            s.insert("nullable".into(), Value::Bool(true));
        }
        s.insert("anyOf".into(), Value::Array(items));
        diags.push(
            Diagnostic::warning(
                "items-as-union",
                at(&crate::diag::child(p, "items")),
                "`items` is a list on a schema that is not an array; read as one of its entries (`anyOf`, with a `null` entry as `nullable`)",
            )
            .with_help("write `anyOf` (or `oneOf`) for a value of one of several schemas, or `type: array` for a tuple (in the spec or its overlay)"),
        );
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
        let dialect = if modern {
            Dialect::Modern
        } else {
            Dialect::OpenApi30
        };
        apply(&mut doc, dialect, &mut d);
        (doc, d)
    }

    #[test]
    fn an_items_list_on_a_value_that_is_not_an_array_is_a_union() {
        let doc = json!({
            "swagger": "2.0",
            "paths": {},
            "components": { "schemas": {
                "User": { "items": [{ "type": "object", "properties": { "id": { "type": "string" } } }, { "type": "object" }] },
                "Ts": { "type": "object", "properties": { "ts": { "items": [{ "type": "integer" }, { "type": "null" }] } } },
                "Pins": { "type": "array", "items": [{ "type": "string" }, { "type": "integer" }] },
                "Nested": { "items": [{ "type": "object", "properties": { "list": { "type": "array", "items": [{ "type": "string" }] } } }] }
            }}
        });
        let mut doc = doc;
        let mut d = Diagnostics::default();
        apply(&mut doc, Dialect::Swagger2, &mut d);
        let s = &doc["components"]["schemas"];
        assert_eq!(
            s["User"],
            json!({ "anyOf": [{ "type": "object", "properties": { "id": { "type": "string" } } }, { "type": "object" }] })
        );
        assert_eq!(
            s["Ts"]["properties"]["ts"],
            json!({ "anyOf": [{ "type": "integer" }], "nullable": true })
        );
        assert_eq!(
            s["Pins"],
            json!({ "type": "array", "items": { "anyOf": [{ "type": "string" }, { "type": "integer" }] } }),
            "with `type: array` it is a tuple"
        );
        assert_eq!(
            s["Nested"],
            json!({ "anyOf": [{ "type": "object", "properties": { "list": { "type": "array", "items": { "type": "string" } } } }] }),
            "a tuple inside a union's entry is read too"
        );
        let codes: Vec<&str> = d.iter().map(|d| d.code).collect();
        assert_eq!(
            codes.iter().filter(|c| **c == "items-as-union").count(),
            3,
            "{d}"
        );
        let tuple = d
            .iter()
            .find(|d| d.code == "json-schema-keyword")
            .expect("the tuple is a warning");
        assert!(tuple.message.contains("not Swagger 2.0"), "{tuple}");
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
