//! Example evidence: what the spec's examples say each schema's values look like.
//!
//! In: the document. Out: [`Evidence`] — for each schema pointer, the example values seen for it
//! (walking media-type `example`/`examples` and schema `example`s down through properties, items
//! and local `$ref`s), and for each media type whether its examples are arrays. Quirk fixes use
//! it to decide what a defective schema meant (`type: date` holding date-times, arrays without
//! `items`, lists declared as objects); the example/schema disagreement check reports keys the
//! schema does not declare — the way typos like GitLab's `usename` are found.

use crate::diag::{Diagnostic, Diagnostics, child, tokens};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

use super::at;

#[derive(Debug, Default)]
pub struct Evidence {
    /// schema pointer → example values observed for it.
    pub values: BTreeMap<String, Vec<Value>>,
    /// media type pointer → the media type's own examples (`example`, `examples/*/value`).
    pub media: BTreeMap<String, Vec<Value>>,
}

impl Evidence {
    pub fn for_schema(&self, pointer: &str) -> &[Value] {
        self.values.get(pointer).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// Follows local `$ref`s from `pointer` to the schema they name (at most 32 hops).
pub fn resolve<'d>(doc: &'d Value, pointer: &str) -> Option<(String, &'d Value)> {
    let mut ptr = pointer.to_owned();
    for _ in 0..32 {
        let node = doc.pointer(&ptr)?;
        match node.get("$ref").and_then(Value::as_str) {
            Some(r) if r.starts_with('#') => {
                let frag = &r[1..];
                ptr = tokens(frag).iter().fold(String::new(), |p, t| child(&p, t));
            }
            Some(_) => return None,
            None => return Some((ptr, node)),
        }
    }
    None
}

/// Media-type examples and schema examples, walked down to every schema they describe.
pub fn collect(doc: &Value, schema_ptrs: &[String], diags: &mut Diagnostics) -> Evidence {
    let mut ev = Evidence::default();
    let mut reported = BTreeSet::new();
    // Media types: every `…/content/<type>` whose value has a schema.
    for sp in schema_ptrs {
        let toks = tokens(sp);
        let n = toks.len();
        if n >= 3 && toks[n - 1] == "schema" && toks[n - 3] == "content" {
            let media_ptr = &sp[..sp.len() - "/schema".len()];
            let Some(media) = doc.pointer(media_ptr) else {
                continue;
            };
            let mut samples = Vec::new();
            if let Some(e) = media.get("example") {
                samples.push((child(media_ptr, "example"), e.clone()));
            }
            if let Some(Value::Object(exs)) = media.get("examples") {
                for (name, ex) in exs {
                    if let Some(v) = ex.get("value") {
                        samples.push((
                            child(&child(&child(media_ptr, "examples"), name), "value"),
                            v.clone(),
                        ));
                    }
                }
            }
            if samples.is_empty() {
                continue;
            }
            ev.media.insert(
                media_ptr.to_owned(),
                samples.iter().map(|(_, v)| v.clone()).collect(),
            );
            for (ex_ptr, v) in samples {
                walk(
                    doc,
                    sp,
                    &ex_ptr,
                    &v,
                    &mut ev,
                    diags,
                    &mut reported,
                    0,
                    false,
                );
            }
        } else if let Some(e) = doc.pointer(sp).and_then(|s| s.get("example")) {
            let e = e.clone();
            // An `allOf` member's example shows the whole object (SendGrid's message), so it is
            // checked against the composition, not against the member's share of it.
            let whole = match tokens(sp).as_slice() {
                [.., all, i] if all == "allOf" && i.parse::<usize>().is_ok() => {
                    let cut = sp.len() - "/allOf/".len() - i.len();
                    &sp[..cut]
                }
                _ => sp.as_str(),
            };
            walk(
                doc,
                whole,
                &child(sp, "example"),
                &e,
                &mut ev,
                diags,
                &mut reported,
                0,
                false,
            );
        }
    }
    ev
}

#[allow(clippy::too_many_arguments)]
fn walk(
    doc: &Value,
    schema_ptr: &str,
    example_ptr: &str,
    example: &Value,
    ev: &mut Evidence,
    diags: &mut Diagnostics,
    reported: &mut BTreeSet<(String, String)>,
    depth: usize,
    composed: bool,
) {
    if depth > 64 {
        return;
    }
    let Some((sp, schema)) = resolve(doc, schema_ptr) else {
        return;
    };
    // A whole example written as the JSON text of an object or array (`"{\"message\": …}"`,
    // as converters such as APIs.guru's write them) stands for that value where the schema is
    // no string. (Not a value inside one: `"3"` for an integer is a wrong example.)
    let parsed;
    let example = match example {
        Value::String(text) if depth == 0 && !declares_string(schema) => {
            match serde_json::from_str::<Value>(text) {
                Ok(v) if v.is_object() || v.is_array() => {
                    parsed = v;
                    &parsed
                }
                _ => example,
            }
        }
        _ => example,
    };
    ev.values
        .entry(sp.clone())
        .or_default()
        .push(example.clone());
    let is_array_schema = schema.get("type").and_then(Value::as_str) == Some("array")
        || schema.get("items").is_some();
    // An array where one object is declared is walked element by element below
    // (`list-declared-as-object` decides about it); anything else must be a value of the schema.
    if (!example.is_array() || is_array_schema)
        && let Some(expected) = mismatch(schema, example)
        && reported.insert((example_ptr.to_owned(), String::new()))
    {
        let shown = crate::diag::clip(&example.to_string()).into_owned();
        diags.push(
            Diagnostic::warning(
                "example-schema-mismatch",
                at(example_ptr),
                format!("the example `{shown}` is not a value of its schema ({expected})"),
            )
            .with_help("correct the example or the schema (in the spec or its overlay)"),
        );
    }
    match example {
        // An array example for a non-array schema: each element describes the schema (a list
        // declared as one object; `list-declared-as-object` decides what to do about it).
        Value::Array(items) if !is_array_schema => {
            for (i, item) in items.iter().enumerate() {
                walk(
                    doc,
                    &sp,
                    &child(example_ptr, i.to_string()),
                    item,
                    ev,
                    diags,
                    reported,
                    depth + 1,
                    false,
                );
            }
        }
        Value::Array(items) if schema.get("items").is_some_and(Value::is_object) => {
            let items_ptr = child(&sp, "items");
            for (i, item) in items.iter().enumerate() {
                walk(
                    doc,
                    &items_ptr,
                    &child(example_ptr, i.to_string()),
                    item,
                    ev,
                    diags,
                    reported,
                    depth + 1,
                    false,
                );
            }
        }
        Value::Object(fields) => {
            if let Some(Value::Array(all)) = schema.get("allOf") {
                for i in 0..all.len() {
                    let branch = child(&child(&sp, "allOf"), i.to_string());
                    walk(
                        doc,
                        &branch,
                        example_ptr,
                        example,
                        ev,
                        diags,
                        reported,
                        depth + 1,
                        true,
                    );
                }
            }
            // What the whole composition declares: this schema's properties and those of its
            // `allOf` members (a member alone declares only its share). Members are checked
            // against it here, not one by one.
            if let Some(Value::Object(props)) = schema.get("properties") {
                for (key, value) in fields {
                    if props.contains_key(key) {
                        let prop_ptr = child(&child(&sp, "properties"), key);
                        walk(
                            doc,
                            &prop_ptr,
                            &child(example_ptr, key),
                            value,
                            ev,
                            diags,
                            reported,
                            depth + 1,
                            false,
                        );
                    }
                }
            }
            let (declared, open) = declared_properties(doc, &sp, 0);
            // No properties at all is a free-form object.
            if !open && !composed && !declared.is_empty() {
                report_undeclared(doc, example_ptr, fields, &sp, &declared, reported, diags);
            }
        }
        _ => {}
    }
}

/// The properties a schema and its `allOf` members declare (through local `$ref`s), and
/// whether any of them admits others (`additionalProperties` other than `false`).
fn declared_properties(doc: &Value, pointer: &str, depth: usize) -> (BTreeSet<String>, bool) {
    let mut declared = BTreeSet::new();
    let mut open = false;
    let Some((sp, schema)) = resolve(doc, pointer) else {
        return (declared, true);
    };
    if depth > 16 {
        return (declared, true);
    }
    if let Some(Value::Object(props)) = schema.get("properties") {
        declared.extend(props.keys().cloned());
    }
    open |= schema
        .get("additionalProperties")
        .is_some_and(|a| a != &Value::Bool(false));
    // A union's example fits one branch, which this check does not choose.
    open |= schema.get("oneOf").is_some() || schema.get("anyOf").is_some();
    if let Some(Value::Array(all)) = schema.get("allOf") {
        for i in 0..all.len() {
            let branch = child(&child(&sp, "allOf"), i.to_string());
            let (more, more_open) = declared_properties(doc, &branch, depth + 1);
            declared.extend(more);
            open |= more_open;
        }
    }
    (declared, open)
}

/// The schema of the property `name` that the schema at `pointer` or one of its `allOf` members
/// declares (through local `$ref`s).
fn property_schema<'d>(
    doc: &'d Value,
    pointer: &str,
    name: &str,
    depth: usize,
) -> Option<&'d Value> {
    let (sp, schema) = resolve(doc, pointer)?;
    if depth > 16 {
        return None;
    }
    if schema.get("properties").and_then(|p| p.get(name)).is_some() {
        return resolve(doc, &child(&child(&sp, "properties"), name)).map(|(_, s)| s);
    }
    let all = schema.get("allOf").and_then(Value::as_array)?;
    (0..all.len()).find_map(|i| {
        property_schema(
            doc,
            &child(&child(&sp, "allOf"), i.to_string()),
            name,
            depth + 1,
        )
    })
}

/// `example-undeclared-property` for each key of an example object that the schema at `sp`
/// (with its `allOf` members: `declared`) does not declare, once per schema and key.
fn report_undeclared(
    doc: &Value,
    example_ptr: &str,
    fields: &serde_json::Map<String, Value>,
    sp: &str,
    declared: &BTreeSet<String>,
    reported: &mut BTreeSet<(String, String)>,
    diags: &mut Diagnostics,
) {
    for key in fields.keys() {
        if declared.contains(key) || !reported.insert((sp.to_owned(), key.clone())) {
            continue;
        }
        // A rename is offered only to a property this example leaves out and whose schema
        // takes the example's value (Xero's `Payments`, a list, is not `PaymentID`).
        let value = &fields[key];
        let unused: Vec<&str> = declared
            .iter()
            .filter(|p| !fields.contains_key(*p))
            .filter(|p| {
                property_schema(doc, sp, p, 0)
                    .is_none_or(|schema| mismatch(schema, value).is_none())
            })
            .map(String::as_str)
            .collect();
        let d = Diagnostic::warning(
            "example-undeclared-property",
            at(&child(example_ptr, key)),
            format!(
                "the example has the property `{key}`, which its schema (#{sp}) does not declare"
            ),
        );
        diags.push(match closest(key, &unused) {
            Some(near) => d.with_help(format!(
                "the schema declares `{near}`, which this example does not have: if `{key}` is the same field, rename the property (in the spec's overlay)"
            )),
            None => d.with_help(format!(
                "declare `{key}` in the schema (in the spec's overlay) if the API sends it"
            )),
        });
    }
}

/// Whether a schema's `type` is or includes `string`.
fn declares_string(schema: &Value) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == "string",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "string"),
        // No type: a string unless the schema describes structure.
        _ => ![
            "properties",
            "items",
            "allOf",
            "oneOf",
            "anyOf",
            "additionalProperties",
        ]
        .iter()
        .any(|k| schema.get(k).is_some()),
    }
}

/// The candidate within edit distance 2 of `word`, if any (the nearest one).
fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (levenshtein(word, c), *c))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// What `schema` expects when `example` is not one of its values by `type` (and `nullable`)
/// or `enum`; `None` when it fits, or when the schema says nothing checkable (no `type`).
fn mismatch(schema: &Value, example: &Value) -> Option<String> {
    if let Some(Value::Array(values)) = schema.get("enum")
        && !example.is_null()
        && !values.is_empty()
        && !values.contains(example)
    {
        return Some("not one of its `enum` values".to_owned());
    }
    let types: Vec<&str> = match schema.get("type")? {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => return None,
    };
    // A type OpenAPI does not have (`date`, `text`) is a quirk fix's to read, not a check's.
    const KNOWN: [&str; 7] = [
        "string", "number", "integer", "boolean", "array", "object", "null",
    ];
    if types.is_empty() || types.iter().any(|t| !KNOWN.contains(t)) {
        return None;
    }
    let has = |t: &str| types.contains(&t);
    let fits = match example {
        Value::Null => has("null") || schema.get("nullable").and_then(Value::as_bool) == Some(true),
        Value::Bool(_) => has("boolean"),
        Value::Number(n) => {
            has("number")
                || (has("integer")
                    && (n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)))
        }
        Value::String(_) => has("string"),
        Value::Array(_) => has("array"),
        Value::Object(_) => has("object"),
    };
    (!fits).then(|| format!("`type: {}`", types.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_finds_the_typo() {
        assert_eq!(levenshtein("username", "usename"), 1);
        assert_eq!(closest("username", &["usename", "name"]), Some("usename"));
        assert_eq!(closest("username", &["state"]), None);
    }
}
