//! Merging root documents: a spec whose description is spread over several whole documents
//! (GitLab's own Swagger 2.0 file, and OpenAPI 3 documents of the API areas it lacks), each
//! converted to OpenAPI 3 first, becomes one document.
//!
//! In: the document so far (the spec, with any earlier further documents merged) and the next
//! root document. Out: the document with the other's operations, components and tags added;
//! [`Remap`] records what came from which document, so diagnostics point into its own file.
//!
//! Rules:
//! - `info`, `servers`, `security` and root extensions are the spec's; the others' are ignored.
//! - Paths: a path the document lacks is added whole. On a path it has, the other's operations
//!   are added, each taking the other's path-level parameters. The same method and path in both
//!   is a located error (`merge-conflict`): one of the two must go.
//! - Components (schemas, parameters, responses, …): a name the document lacks is added; the
//!   same name with the same content is one component (documents may share files of schemas);
//!   the same name with other content is a located error, since the other document's `$ref`s
//!   would silently mean the first one's.
//! - Tags: the other's tags whose names are new are appended, in its order.

use super::bundled_root;
use super::swagger2::Remap;
use crate::diag::{Diagnostic, Diagnostics, Origin, child};
use serde_json::{Map, Value};

/// Merges root document number `root` (1 for the first of `merge`) into `doc`.
pub fn merge(
    doc: &mut Value,
    other: Value,
    root: usize,
    remap: &mut Remap,
    diags: &mut Diagnostics,
) {
    let Value::Object(mut other) = other else {
        return;
    };
    let Some(doc) = doc.as_object_mut() else {
        return;
    };
    let at = |remap: &Remap, pointer: &str| {
        Origin::new(bundled_root(root), remap.moved_back(root, pointer))
    };
    if let Some(Value::Object(paths)) = other.remove("paths") {
        let mine = doc
            .entry("paths")
            .or_insert_with(|| Value::Object(Map::new()));
        let Some(mine) = mine.as_object_mut() else {
            return;
        };
        for (path, item) in paths {
            let item_ptr = child("/paths", &path);
            let Some(existing) = mine.get_mut(&path).and_then(Value::as_object_mut) else {
                remap.merged(item_ptr, root);
                mine.insert(path, item);
                continue;
            };
            let Value::Object(mut item) = item else {
                continue;
            };
            let shared = item.remove("parameters");
            for (key, op) in item {
                if !crate::bundle::METHODS.contains(&key.as_str()) {
                    continue;
                }
                let op_ptr = child(&item_ptr, &key);
                if existing.contains_key(&key) {
                    diags.push(
                        Diagnostic::error(
                            "merge-conflict",
                            at(remap, &op_ptr),
                            format!(
                                "`{} {path}` is also described by an earlier root document (the spec, or an earlier `merge` document)",
                                key.to_ascii_uppercase()
                            ),
                        )
                        .with_help("describe each operation in one document only: remove one of the two"),
                    );
                    continue;
                }
                let op = with_parameters(op, shared.as_ref());
                remap.merged(op_ptr, root);
                existing.insert(key, op);
            }
        }
    }
    if let Some(Value::Object(components)) = other.remove("components") {
        let mine = doc
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()));
        let Some(mine) = mine.as_object_mut() else {
            return;
        };
        for (kind, entries) in components {
            let Value::Object(entries) = entries else {
                continue;
            };
            let Some(section) = mine
                .entry(kind.clone())
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
            else {
                continue;
            };
            for (name, value) in entries {
                let ptr = child(&child("/components", &kind), &name);
                match section.get(&name) {
                    None => {
                        remap.merged(ptr, root);
                        section.insert(name, value);
                    }
                    Some(same) if *same == value => {}
                    Some(_) => diags.push(
                        Diagnostic::error(
                            "merge-conflict",
                            at(remap, &ptr),
                            format!(
                                "the component `{name}` ({kind}) is also in an earlier root document, with other content; this document's `$ref`s to it would read that one"
                            ),
                        )
                        .with_help("give one of the two another name, or make them the same"),
                    ),
                }
            }
        }
    }
    if let Some(Value::Array(tags)) = other.remove("tags") {
        let mine = doc
            .entry("tags")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Some(mine) = mine.as_array_mut() {
            for tag in tags {
                let name = tag.get("name");
                if !mine.iter().any(|t| t.get("name") == name) {
                    mine.push(tag);
                }
            }
        }
    }
}

/// `op` with the path item's `parameters` that it does not declare itself (by name and place),
/// since it moves to a path item whose own parameters are another document's.
fn with_parameters(mut op: Value, shared: Option<&Value>) -> Value {
    let Some(Value::Array(shared)) = shared else {
        return op;
    };
    let Some(map) = op.as_object_mut() else {
        return op;
    };
    let params = map
        .entry("parameters")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(params) = params {
        for p in shared {
            let key = |v: &Value| (v.get("name").cloned(), v.get("in").cloned());
            if !params.iter().any(|q| key(q) == key(p)) {
                params.push(p.clone());
            }
        }
    }
    op
}
