//! Setting `plural_refs_as_lists = true`: a response field with a plural name that refers to
//! one object of a singular-named schema is a list of them.
//!
//! Grape writes `expose :reviewers, using: UserBasic` as `reviewers: {$ref: UserBasic}` unless
//! the entity also documents `is_array: true`, which most do not; GitLab sends an array there
//! (`"reviewers": []` on most merge requests). The name tells: `reviewers` is plural and
//! `UserBasic` is one user. A schema whose own name ends with the field's plural word
//! (`statistics: ProjectStatistics`, `time_stats: IssuableTimeStats`, `diff_refs: DiffRefs`) is
//! one object that holds several things, and stays as declared.
//!
//! In/out: the document, mended in place; one `plural-ref-as-list` warning per field. Request
//! bodies are not touched. Off by default: a spec may well mean one object.

use super::at;
use super::examples;
use super::undocumented::Reachable;
use crate::diag::{Diagnostic, Diagnostics, tokens};
use crate::naming::Singular;
use heck::ToSnakeCase;
use serde_json::{Map, Value};

/// Reads every plural-named response field that refers to one singular-named object as a list.
pub fn apply(doc: &mut Value, diags: &mut Diagnostics) {
    let ptrs = crate::walk::schema_pointers(doc);
    let reachable = Reachable::new(doc, &ptrs);
    let mut singular = Singular::default();
    let mut targets = Vec::new();
    for p in &ptrs {
        let toks = tokens(p);
        let n = toks.len();
        if n < 2 || toks[n - 2] != "properties" || !reachable.covers(p) {
            continue;
        }
        let Some(reference) = doc
            .pointer(p)
            .and_then(|node| node.get("$ref"))
            .and_then(Value::as_str)
        else {
            continue;
        };
        let field = toks[n - 1].to_snake_case();
        let last = field.rsplit('_').next().unwrap_or(&field).to_owned();
        if singular.of(&last) == last {
            continue;
        }
        let schema_name = reference.rsplit('/').next().unwrap_or(reference);
        if schema_name.to_snake_case().ends_with(&last) {
            continue;
        }
        let Some((_, target)) = examples::resolve(doc, p) else {
            continue;
        };
        let is_object = target.get("properties").is_some()
            || target.get("type").and_then(Value::as_str) == Some("object");
        if is_object && target.get("items").is_none() {
            targets.push((p.clone(), toks[n - 1].clone(), schema_name.to_owned()));
        }
    }
    for (p, field, schema_name) in targets {
        let Some(Value::Object(node)) = doc.pointer_mut(&p) else {
            continue;
        };
        // The reference becomes the items; what else the field says stays on the field.
        let mut items = Map::new();
        if let Some(r) = node.remove("$ref") {
            items.insert("$ref".into(), r);
        }
        node.insert("type".into(), Value::from("array"));
        node.insert("items".into(), Value::Object(items));
        diags.push(
            Diagnostic::warning(
                "plural-ref-as-list",
                at(&p),
                format!(
                    "`{field}` names several things but refers to one `{schema_name}` (Grape's `expose … using:` without `is_array`); read as an array of it"
                ),
            )
            .with_help("declare `type: array` with the reference as `items` (in the spec or its overlay); if the server really sends one object, correct the field name's rule with an overlay action"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_plural_field_of_one_singular_object_becomes_a_list() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/mrs": {
                "get": {"responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/MergeRequest"}
                }}}}},
                "post": {
                    "requestBody": {"content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Input"}
                    }}},
                    "responses": {"204": {"description": "done"}}
                }
            }},
            "components": {"schemas": {
                "MergeRequest": {"type": "object", "properties": {
                    "reviewers": {"$ref": "#/components/schemas/UserBasic", "description": "Who reviews"},
                    "author": {"$ref": "#/components/schemas/UserBasic"},
                    "time_stats": {"$ref": "#/components/schemas/IssuableTimeStats"},
                    "statistics": {"$ref": "#/components/schemas/ProjectStatistics"},
                    "detailed_status": {"$ref": "#/components/schemas/DetailedStatusEntity"}
                }},
                "UserBasic": {"type": "object", "properties": {"id": {"type": "integer"}}},
                "IssuableTimeStats": {"type": "object", "properties": {"total": {"type": "integer"}}},
                "ProjectStatistics": {"type": "object", "properties": {"size": {"type": "integer"}}},
                "DetailedStatusEntity": {"type": "object", "properties": {"icon": {"type": "string"}}},
                "Input": {"type": "object", "properties": {
                    "reviewers": {"$ref": "#/components/schemas/UserBasic"}
                }}
            }}
        });
        let mut diags = Diagnostics::default();
        apply(&mut doc, &mut diags);
        let mr = &doc["components"]["schemas"]["MergeRequest"]["properties"];
        assert_eq!(
            mr["reviewers"],
            json!({"type": "array", "items": {"$ref": "#/components/schemas/UserBasic"}, "description": "Who reviews"})
        );
        for one in ["author", "time_stats", "statistics", "detailed_status"] {
            assert!(mr[one].get("$ref").is_some(), "{one} stays one object");
        }
        assert_eq!(
            doc["components"]["schemas"]["Input"]["properties"]["reviewers"],
            json!({"$ref": "#/components/schemas/UserBasic"}),
            "request bodies are the caller's"
        );
        let warnings: Vec<String> = diags
            .iter()
            .map(|d| format!("{} {}: {}", d.code, d.origin.pointer, d.message))
            .collect();
        assert_eq!(
            warnings,
            [
                "plural-ref-as-list /components/schemas/MergeRequest/properties/reviewers: `reviewers` names several things but refers to one `UserBasic` (Grape's `expose … using:` without `is_array`); read as an array of it"
            ]
        );
    }
}
