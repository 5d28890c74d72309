//! Overlays: corrections to a spec that the user keeps beside it (OpenAPI Overlay 1.0.0).
//!
//! In: the text of an overlay document (YAML or JSON) and an OpenAPI document held as a
//! [`serde_json::Value`]. An overlay is an ordered list of actions; each names its nodes with an
//! RFC 9535 JSONPath `target` and either merges an `update` into them or removes them.
//! Out: the document, modified in place, and [`Diagnostics`] about the overlay itself — a bad
//! overlay document (`overlay-invalid`), a target that does not parse (`overlay-invalid-target`),
//! an action that is neither an update nor a removal (`overlay-invalid-action`), and, as a
//! warning, an action whose target selects nothing (`overlay-unused-action`): a correction that no
//! longer matches is stale, most likely because the upstream spec changed or fixed the defect.
//!
//! Semantics (<https://spec.openapis.org/overlay/v1.0.0>): actions apply in order, each to the
//! document as the previous ones left it. `remove: true` removes every selected node from its
//! parent. Otherwise `update` is merged into every selected node: object into object merges
//! member by member (objects recursively, anything else replaced), a value into an array is
//! appended (the items of an array are appended one by one), and any other node is replaced.
//!
//! Diagnostics point into the overlay file: `/actions/{i}` or `/actions/{i}/target`.

use serde_json::{Map, Value};

use crate::diag::{Diagnostic, Diagnostics, Origin, child};

/// An overlay document.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Overlay {
    /// The Overlay Specification version, `1.x.y`.
    pub overlay: String,
    pub info: OverlayInfo,
    /// URI of the document the overlay was written for (informational).
    #[serde(default)]
    pub extends: Option<String>,
    pub actions: Vec<Action>,
}

/// The overlay's `info` object.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct OverlayInfo {
    pub title: String,
    pub version: String,
}

/// One action: `target` selects nodes, which are either updated or removed.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Action {
    /// An RFC 9535 JSONPath query.
    pub target: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub update: Option<Value>,
    #[serde(default)]
    pub remove: bool,
}

const INVALID: &str = "overlay-invalid";

/// Parses an overlay document (YAML or JSON text). `file` is the name used in diagnostics.
///
/// Syntax errors carry the line and column the YAML parser reports; structural errors (a
/// missing or mistyped field, an `overlay` version other than 1.x) carry the JSON pointer of the
/// offending node. All structural problems are reported at once.
pub fn parse(file: &str, text: &str) -> Result<Overlay, Diagnostics> {
    let mut diags = Diagnostics::default();
    // Deep flow nesting costs serde_yaml quadratic time before its recursion limit stops it.
    if let Err(d) = crate::load::check_flow_depth(file, text) {
        diags.push(*d);
        return Err(diags);
    }
    let yaml: serde_yaml::Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let mut d = Diagnostic::error(
                INVALID,
                Origin::new(file, ""),
                crate::diag::clip_quoted(&format!("overlay is not valid YAML or JSON: {e}")),
            );
            if let Some(loc) = e.location() {
                // The position goes in `line_col`; drop its copy from the message.
                let (line, col) = (loc.line(), loc.column());
                d.message = d
                    .message
                    .replacen(&format!(" at line {line} column {col}"), "", 1);
                d = d.at(line, col);
            }
            diags.push(d);
            return Err(diags);
        }
    };
    let mut value = match yaml_to_json(yaml, "") {
        Ok(v) => v,
        Err((pointer, message)) => {
            diags.push(Diagnostic::error(
                INVALID,
                Origin::new(file, pointer),
                message,
            ));
            return Err(diags);
        }
    };
    check_structure(file, &mut value, &mut diags);
    if diags.has_errors() {
        return Err(diags);
    }
    // The checks above cover every field; this is a backstop for anything they miss.
    serde_json::from_value(value).map_err(|e| {
        let mut diags = Diagnostics::default();
        diags.push(Diagnostic::error(
            INVALID,
            Origin::new(file, ""),
            crate::diag::clip_quoted(&format!("overlay is not a valid Overlay 1.0 document: {e}")),
        ));
        diags
    })
}

/// Converts parsed YAML into JSON. Mapping keys that are scalars become strings (`200:` is the
/// key `"200"`, as OpenAPI means it); merge keys (`<<`) are applied; tags are dropped.
fn yaml_to_json(yaml: serde_yaml::Value, pointer: &str) -> Result<Value, (String, String)> {
    use serde_yaml::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                match serde_json::Number::from_f64(f) {
                    Some(n) => Value::Number(n),
                    None => {
                        return Err((
                            pointer.to_string(),
                            format!("number {f} cannot be represented in JSON"),
                        ));
                    }
                }
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| yaml_to_json(item, &child(pointer, i.to_string())))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(_) => {
            let mut merged = yaml;
            merged
                .apply_merge()
                .map_err(|e| (pointer.to_string(), e.to_string()))?;
            let Y::Mapping(mapping) = merged else {
                return Err((
                    pointer.to_string(),
                    "merge key produced a non-mapping".into(),
                ));
            };
            let mut map = Map::new();
            for (key, item) in mapping {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_string(),
                    _ => {
                        return Err((
                            pointer.to_string(),
                            "mapping keys must be strings or scalars".to_string(),
                        ));
                    }
                };
                let item = yaml_to_json(item, &child(pointer, &key))?;
                map.insert(key, item);
            }
            Value::Object(map)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value, pointer)?,
    })
}

/// The JSON type name used in messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Checks the shape of an overlay document, reporting every problem with its pointer. Lenient
/// only where nothing depends on the value: a numeric `info.version` is turned into a string.
fn check_structure(file: &str, value: &mut Value, diags: &mut Diagnostics) {
    let mut error = |pointer: &str, message: String| {
        diags.push(Diagnostic::error(
            INVALID,
            Origin::new(file, pointer),
            message,
        ));
    };
    let Value::Object(root) = value else {
        error(
            "",
            format!("an overlay must be an object, found {}", kind(value)),
        );
        return;
    };

    match root.get("overlay") {
        None => error(
            "",
            "missing required field `overlay` (the version, `1.0.0`)".into(),
        ),
        Some(Value::String(v)) => {
            if v.split('.').next() != Some("1") {
                error(
                    "/overlay",
                    format!(
                        "unsupported overlay version `{}`; expected 1.x",
                        crate::diag::clip(v)
                    ),
                );
            }
        }
        Some(v) => error(
            "/overlay",
            format!(
                "`overlay` must be a string such as \"1.0.0\", found {}",
                kind(v)
            ),
        ),
    }

    match root.get_mut("info") {
        None => error(
            "",
            "missing required field `info` (with `title` and `version`)".into(),
        ),
        Some(Value::Object(info)) => {
            for field in ["title", "version"] {
                match info.get_mut(field) {
                    None => error("/info", format!("missing required field `{field}`")),
                    Some(Value::String(_)) => {}
                    Some(Value::Number(n)) if field == "version" => {
                        let s = n.to_string();
                        info.insert(field.to_string(), Value::String(s));
                    }
                    Some(v) => error(
                        &child("/info", field),
                        format!("`{field}` must be a string, found {}", kind(v)),
                    ),
                }
            }
        }
        Some(v) => error(
            "/info",
            format!("`info` must be an object, found {}", kind(v)),
        ),
    }

    match root.get("extends") {
        None | Some(Value::String(_)) => {}
        Some(v) => error(
            "/extends",
            format!("`extends` must be a URI string, found {}", kind(v)),
        ),
    }

    match root.get("actions") {
        None => error("", "missing required field `actions`".into()),
        Some(Value::Array(actions)) => {
            for (i, action) in actions.iter().enumerate() {
                let at = format!("/actions/{i}");
                let Value::Object(action) = action else {
                    error(
                        &at,
                        format!("an action must be an object, found {}", kind(action)),
                    );
                    continue;
                };
                match action.get("target") {
                    None => error(&at, "missing required field `target`".into()),
                    Some(Value::String(_)) => {}
                    Some(v) => error(
                        &child(&at, "target"),
                        format!("`target` must be a JSONPath string, found {}", kind(v)),
                    ),
                }
                match action.get("description") {
                    None | Some(Value::String(_) | Value::Null) => {}
                    Some(v) => error(
                        &child(&at, "description"),
                        format!("`description` must be a string, found {}", kind(v)),
                    ),
                }
                match action.get("remove") {
                    None | Some(Value::Bool(_)) => {}
                    Some(v) => error(
                        &child(&at, "remove"),
                        format!("`remove` must be a boolean, found {}", kind(v)),
                    ),
                }
            }
        }
        Some(v) => error(
            "/actions",
            format!("`actions` must be an array, found {}", kind(v)),
        ),
    }
}

/// One step of a node's location, owned so the document can be mutated after the query.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(not(feature = "overlay"), allow(dead_code))]
enum Step {
    Name(String),
    Index(usize),
}

fn pointer_of(steps: &[Step]) -> String {
    steps.iter().fold(String::new(), |acc, step| match step {
        Step::Name(name) => child(&acc, name),
        Step::Index(i) => child(&acc, i.to_string()),
    })
}

/// Applies `overlay` to `doc` in place and returns what it found. `overlay_file` names the
/// overlay in diagnostics. An action that cannot be applied is skipped; the others still apply.
pub fn apply(doc: &mut Value, overlay: &Overlay, overlay_file: &str) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for (i, action) in overlay.actions.iter().enumerate() {
        let at = format!("/actions/{i}");
        let at_target = child(&at, "target");

        let update = match (&action.update, action.remove) {
            (Some(_), true) => {
                diags.push(
                    Diagnostic::error(
                        "overlay-invalid-action",
                        Origin::new(overlay_file, &at),
                        format!(
                            "action on `{}` has both `update` and `remove: true`",
                            action.target
                        ),
                    )
                    .with_help("split it into two actions, or drop one of the two fields"),
                );
                continue;
            }
            (None, false) => {
                diags.push(
                    Diagnostic::error(
                        "overlay-invalid-action",
                        Origin::new(overlay_file, &at),
                        format!(
                            "action on `{}` has neither `update` nor `remove: true`",
                            action.target
                        ),
                    )
                    .with_help("add an `update` value to merge, or `remove: true`"),
                );
                continue;
            }
            (update, _) => update.as_ref(),
        };

        let locations = match select(doc, &action.target) {
            Ok(locations) => locations,
            Err(Unselectable::Invalid(e)) => {
                diags.push(
                    Diagnostic::error(
                        "overlay-invalid-target",
                        Origin::new(overlay_file, &at_target),
                        format!("target `{}` is not a valid JSONPath: {e}", action.target),
                    )
                    .with_help(
                        "targets are RFC 9535 JSONPath: start with `$`, quote names with \
                         special characters (`$.paths['/users/{id}']`), filter with `[?@.x]`",
                    ),
                );
                continue;
            }
            Err(Unselectable::NoJsonPath) => {
                diags.push(
                    Diagnostic::error(
                        "overlay-unsupported",
                        Origin::new(overlay_file, ""),
                        "this build of the generator cannot apply overlays: its `overlay` \
                         feature is off",
                    )
                    .with_help(
                        "turn the feature on where the generator is a dependency: \
                         `oapi-client-gen = { …, features = [\"overlay\"] }` under \
                         [build-dependencies]",
                    ),
                );
                return diags;
            }
        };

        if locations.is_empty() {
            diags.push(
                Diagnostic::warning(
                    "overlay-unused-action",
                    Origin::new(overlay_file, &at_target),
                    format!(
                        "target `{}` selects no node; the action did nothing",
                        action.target
                    ),
                )
                .with_help(
                    "the spec may have changed or fixed the defect: update the target, or \
                     delete the action if the correction is no longer needed",
                ),
            );
            continue;
        }

        match update {
            None => remove_all(doc, locations, overlay_file, &at_target, &mut diags),
            Some(update) => {
                for steps in &locations {
                    // An earlier node of the same action may have replaced an ancestor.
                    if let Some(node) = doc.pointer_mut(&pointer_of(steps)) {
                        apply_update(node, update);
                    }
                }
            }
        }
    }
    diags
}

/// Why a target selects nothing it could name.
enum Unselectable {
    /// Not RFC 9535 JSONPath.
    #[cfg_attr(not(feature = "overlay"), allow(dead_code))]
    Invalid(String),
    /// The generator was built without its `overlay` feature (no JSONPath library).
    #[cfg_attr(feature = "overlay", allow(dead_code))]
    NoJsonPath,
}

/// The nodes `target` selects in `doc`, each as its steps from the root, each once (RFC 9535
/// allows a node to be selected more than once: `$..x`, `$['a','a']`).
#[cfg(feature = "overlay")]
fn select(doc: &Value, target: &str) -> Result<Vec<Vec<Step>>, Unselectable> {
    use serde_json_path::{JsonPath, PathElement};
    let path = JsonPath::parse(target).map_err(|e| Unselectable::Invalid(e.to_string()))?;
    let mut locations: Vec<Vec<Step>> = Vec::new();
    for location in path.query_located(doc).locations() {
        let steps: Vec<Step> = location
            .iter()
            .map(|element| match element {
                PathElement::Name(name) => Step::Name((*name).to_string()),
                PathElement::Index(i) => Step::Index(*i),
            })
            .collect();
        if !locations.contains(&steps) {
            locations.push(steps);
        }
    }
    Ok(locations)
}

#[cfg(not(feature = "overlay"))]
fn select(_doc: &Value, _target: &str) -> Result<Vec<Vec<Step>>, Unselectable> {
    Err(Unselectable::NoJsonPath)
}

/// Removes every located node from its parent. Locations are visited in descending order, so
/// children go before their ancestors and higher array indices before lower ones: every location
/// still names the node it named when the query ran.
fn remove_all(
    doc: &mut Value,
    mut locations: Vec<Vec<Step>>,
    overlay_file: &str,
    at_target: &str,
    diags: &mut Diagnostics,
) {
    locations.sort_by(|a, b| b.cmp(a));
    for steps in locations {
        let Some((last, parent)) = steps.split_last() else {
            diags.push(Diagnostic::error(
                "overlay-invalid-action",
                Origin::new(overlay_file, at_target),
                "the target selects the document root, which cannot be removed",
            ));
            continue;
        };
        match (doc.pointer_mut(&pointer_of(parent)), last) {
            (Some(Value::Object(map)), Step::Name(name)) => {
                map.shift_remove(name);
            }
            (Some(Value::Array(items)), Step::Index(i)) if *i < items.len() => {
                items.remove(*i);
            }
            _ => {}
        }
    }
}

/// Merges `update` into one selected node.
fn apply_update(node: &mut Value, update: &Value) {
    match (node, update) {
        (Value::Array(items), Value::Array(more)) => items.extend(more.iter().cloned()),
        (Value::Array(items), item) => items.push(item.clone()),
        (Value::Object(target), Value::Object(update)) => merge_objects(target, update),
        (node, update) => *node = update.clone(),
    }
}

/// Object members merge recursively; any other member of `update` replaces (or adds) its
/// counterpart. Existing members keep their position; new ones are appended.
fn merge_objects(target: &mut Map<String, Value>, update: &Map<String, Value>) {
    for (key, value) in update {
        match (target.get_mut(key), value) {
            (Some(Value::Object(existing)), Value::Object(more)) => merge_objects(existing, more),
            _ => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;
    use serde_json::json;

    fn overlay(actions: &str) -> Overlay {
        let text = format!("overlay: 1.0.0\ninfo:\n  title: test\n  version: 1.0.0\n{actions}");
        match parse("overlay.yaml", &text) {
            Ok(o) => o,
            Err(d) => panic!("overlay does not parse:\n{d}"),
        }
    }

    /// Applies `actions` to `doc` and returns the document and the diagnostics.
    fn run(mut doc: Value, actions: &str) -> (Value, Diagnostics) {
        let diags = apply(&mut doc, &overlay(actions), "overlay.yaml");
        (doc, diags)
    }

    /// Compares serialized text: `Value`'s `==` ignores member order, the generator does not.
    fn assert_json(actual: &Value, expected: &Value) {
        let actual = serde_json::to_string_pretty(actual).unwrap();
        let expected = serde_json::to_string_pretty(expected).unwrap();
        assert!(actual == expected, "got:\n{actual}\nexpected:\n{expected}");
    }

    fn codes(diags: &Diagnostics) -> Vec<(Severity, &'static str, String)> {
        diags
            .iter()
            .map(|d| (d.severity, d.code, d.origin.pointer.clone()))
            .collect()
    }

    #[test]
    fn update_merges_objects_recursively() {
        let doc = json!({
            "info": {"title": "API", "contact": {"name": "a", "email": "a@x"}, "tags": ["x"]},
            "paths": {}
        });
        let (doc, diags) = run(
            doc,
            r#"actions:
  - target: $.info
    update:
      description: added
      contact: {email: b@x, url: "https://x"}
      tags: [y]
"#,
        );
        assert!(diags.is_empty(), "{diags}");
        assert_json(
            &doc,
            &json!({
                "info": {
                    "title": "API",
                    "contact": {"name": "a", "email": "b@x", "url": "https://x"},
                    "tags": ["y"],
                    "description": "added"
                },
                "paths": {}
            }),
        );
    }

    #[test]
    fn update_replaces_a_scalar() {
        let (doc, diags) = run(
            json!({"components": {"schemas": {"Id": {"type": "string", "format": "int"}}}}),
            "actions:\n  - target: $.components.schemas.Id.format\n    update: int64\n",
        );
        assert!(diags.is_empty(), "{diags}");
        assert_json(
            &doc,
            &json!({"components": {"schemas": {"Id": {"type": "string", "format": "int64"}}}}),
        );
    }

    #[test]
    fn update_appends_to_an_array() {
        let (doc, diags) = run(
            json!({"tags": [{"name": "a"}], "servers": []}),
            r#"actions:
  - target: $.tags
    update: {name: b}
  - target: $.tags
    update: [{name: c}, {name: d}]
"#,
        );
        assert!(diags.is_empty(), "{diags}");
        assert_eq!(
            doc,
            json!({"tags": [{"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": "d"}], "servers": []})
        );
    }

    #[test]
    fn remove_an_object_member() {
        let (doc, diags) = run(
            json!({"a": 1, "b": {"c": 2, "d": 3}, "e": 4}),
            "actions:\n  - target: $.b.c\n    remove: true\n",
        );
        assert!(diags.is_empty(), "{diags}");
        assert_json(&doc, &json!({"a": 1, "b": {"d": 3}, "e": 4}));
    }

    #[test]
    fn remove_array_elements_selected_by_a_filter() {
        let (doc, diags) = run(
            json!({"items": [
                {"id": 0, "drop": true},
                {"id": 1},
                {"id": 2, "drop": true},
                {"id": 3, "drop": false},
                {"id": 4, "drop": true}
            ]}),
            "actions:\n  - target: $.items[?@.drop == true]\n    remove: true\n",
        );
        assert!(diags.is_empty(), "{diags}");
        assert_json(
            &doc,
            &json!({"items": [{"id": 1}, {"id": 3, "drop": false}]}),
        );
    }

    #[test]
    fn remove_nested_selections_children_first() {
        // `$..[?@.drop]` selects an element and one of its descendants.
        let (doc, diags) = run(
            json!({"a": [{"drop": 1, "b": [{"drop": 2}, 3]}, 4]}),
            "actions:\n  - target: $..[?@.drop]\n    remove: true\n",
        );
        assert!(diags.is_empty(), "{diags}");
        assert_json(&doc, &json!({"a": [4]}));
    }

    fn user_doc() -> Value {
        json!({"paths": {
            "/users": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"type": "object", "properties": {
                    "id": {"type": "integer"},
                    "usename": {"type": "string"}
                }}
            }}}}}},
            "/projects": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"type": "object", "properties": {"id": {"type": "integer"}}}
            }}}}}}
        }})
    }

    fn fixed_user_doc() -> Value {
        json!({"paths": {
            "/users": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"type": "object", "properties": {
                    "id": {"type": "integer"},
                    "username": {"type": "string"}
                }}
            }}}}}},
            "/projects": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"type": "object", "properties": {"id": {"type": "integer"}}}
            }}}}}}
        }})
    }

    #[test]
    fn filter_selects_objects_having_a_member() {
        // RFC 9535: `x[?@.m]` tests the *children* of `x`. To select the `properties` objects
        // that have a member `usename`, filter the children of `schema`.
        let (doc, diags) = run(
            user_doc(),
            r#"actions:
  - target: $.paths.*.*.responses.*.content.*.schema[?@.usename]
    update:
      username: {type: string}
  - target: $.paths.*.*.responses.*.content.*.schema.properties.usename
    remove: true
"#,
        );
        assert!(diags.is_empty(), "{diags}");
        assert_json(&doc, &fixed_user_doc());
    }

    #[test]
    fn filter_on_properties_tests_the_property_schemas() {
        // `properties[?@.usename]` selects property schemas that have a member `usename`
        // (Jayway-style implementations test `properties` itself): none here, so the update is
        // unused, and only the removal applies.
        let (doc, diags) = run(
            user_doc(),
            r#"actions:
  - target: $.paths.*.*.responses.*.content.*.schema.properties[?@.usename]
    update:
      username: {type: string}
  - target: $.paths.*.*.responses.*.content.*.schema.properties.usename
    remove: true
"#,
        );
        assert_eq!(
            codes(&diags),
            [(
                Severity::Warning,
                "overlay-unused-action",
                "/actions/0/target".to_string()
            )]
        );
        let mut expected = fixed_user_doc();
        expected["paths"]["/users"]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"]["properties"]
            .as_object_mut()
            .unwrap()
            .shift_remove("username");
        assert_json(&doc, &expected);
    }

    #[test]
    fn actions_apply_in_order() {
        let (doc, diags) = run(
            json!({"a": {"x": 1}}),
            r#"actions:
  - target: $.a
    update: {y: 2}
  - target: $.a.x
    remove: true
  - target: $.a[?@ == 2]
    update: 3
  - target: $.a
    update: {z: [1]}
"#,
        );
        assert!(diags.is_empty(), "{diags}");
        assert_json(&doc, &json!({"a": {"y": 3, "z": [1]}}));
    }

    #[test]
    fn unused_target_warns() {
        let (doc, diags) = run(
            json!({"a": 1}),
            "actions:\n  - target: $.b\n    remove: true\n  - target: $.a\n    update: 2\n",
        );
        assert_json(&doc, &json!({"a": 2}));
        assert_eq!(
            codes(&diags),
            [(
                Severity::Warning,
                "overlay-unused-action",
                "/actions/0/target".to_string()
            )]
        );
        assert!(
            diags.0[0].message.contains("`$.b`"),
            "{}",
            diags.0[0].message
        );
        assert!(!diags.has_errors());
    }

    #[test]
    fn invalid_jsonpath_is_an_error() {
        let (doc, diags) = run(
            json!({"a": 1}),
            "actions:\n  - target: a.b\n    remove: true\n  - target: $.a\n    update: 2\n",
        );
        assert_json(&doc, &json!({"a": 2}));
        assert_eq!(
            codes(&diags),
            [(
                Severity::Error,
                "overlay-invalid-target",
                "/actions/0/target".to_string()
            )]
        );
        assert!(
            diags.0[0].message.contains("at position"),
            "{}",
            diags.0[0].message
        );
    }

    #[test]
    fn update_and_remove_together_is_an_error() {
        let (doc, diags) = run(
            json!({"a": 1}),
            "actions:\n  - target: $.a\n    update: 2\n    remove: true\n  - target: $.a\n",
        );
        assert_json(&doc, &json!({"a": 1}));
        assert_eq!(
            codes(&diags),
            [
                (
                    Severity::Error,
                    "overlay-invalid-action",
                    "/actions/0".to_string()
                ),
                (
                    Severity::Error,
                    "overlay-invalid-action",
                    "/actions/1".to_string()
                ),
            ]
        );
    }

    #[test]
    fn removing_the_root_is_an_error() {
        let (doc, diags) = run(
            json!({"a": 1}),
            "actions:\n  - target: $\n    remove: true\n",
        );
        assert_json(&doc, &json!({"a": 1}));
        assert_eq!(
            codes(&diags),
            [(
                Severity::Error,
                "overlay-invalid-action",
                "/actions/0/target".to_string()
            )]
        );
    }

    #[test]
    fn parse_error_has_line_and_column() {
        let text = "overlay: 1.0.0\ninfo:\n  title: t\n  version: 1\nactions:\n  - target: [\n";
        let diags = parse("fix.yaml", text).unwrap_err();
        assert_eq!(diags.0.len(), 1);
        let d = &diags.0[0];
        assert_eq!(
            (d.code, d.origin.file.as_str()),
            ("overlay-invalid", "fix.yaml")
        );
        assert_eq!(d.line_col, Some((7, 1)));
        assert!(!d.message.contains("at line 7"), "{}", d.message);

        let text = "overlay: 1.0.0\ninfo:\n  title: t\n   version: 1\nactions: []\n";
        let d = &parse("fix.yaml", text).unwrap_err().0[0];
        assert_eq!(d.line_col, Some((4, 11)));
        assert_eq!(
            d.to_string(),
            "fix.yaml:4:11: error[overlay-invalid]: overlay is not valid YAML or JSON: mapping values are not allowed in this context\n  at #/"
        );
    }

    #[test]
    fn parse_reports_structure_with_pointers() {
        let text =
            "overlay: 2.0.0\ninfo: {title: t}\nactions:\n  - remove: true\n  - {target: 1}\n";
        let diags = parse("fix.yaml", text).unwrap_err();
        let got: Vec<_> = diags
            .iter()
            .map(|d| (d.code, d.origin.pointer.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("overlay-invalid", "/overlay"),
                ("overlay-invalid", "/info"),
                ("overlay-invalid", "/actions/0"),
                ("overlay-invalid", "/actions/1/target"),
            ]
        );
    }

    #[test]
    fn parse_accepts_json_and_numeric_keys() {
        let text = r#"{"overlay": "1.0.0", "info": {"title": "t", "version": "1"},
            "extends": "gitlab.yaml",
            "actions": [{"target": "$.a", "description": "d", "update": {"200": {"x": 1}}}]}"#;
        let o = parse("fix.json", text).unwrap();
        assert_eq!(o.extends.as_deref(), Some("gitlab.yaml"));
        assert_eq!(o.actions[0].update, Some(json!({"200": {"x": 1}})));
        let o = overlay("actions:\n  - target: $.a\n    update:\n      200: {x: 1}\n");
        assert_eq!(o.actions[0].update, Some(json!({"200": {"x": 1}})));
        assert_eq!(o.info.version, "1.0.0");
    }
}
