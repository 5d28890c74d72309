//! Normalization: the bundled document → a document `openapiv3` can model, defects mended.
//!
//! In: the bundled `serde_json::Value`, an optional overlay. Out: the effective spec (the same
//! value after the overlay and every quirk fix, written next to the client for other tools) and
//! the `openapiv3::OpenAPI` model of it, plus diagnostics whose pointers are into the bundled
//! document.
//!
//! Order: version check → overlay (the spec owner's corrections come first, so heuristics only
//! see what the overlay left) → quirk fixes, each a named function in [`quirks`] with a warning
//! per node it changes → structural checks → `openapiv3` deserialization (a wrong field type is
//! reported with the pointer of the field, via `serde_path_to_error`).

pub mod examples;
pub mod quirks;

use crate::diag::{Diagnostic, Diagnostics, Origin};
use crate::overlay::{self, Overlay};
use serde_json::Value;

/// The outcome of normalization.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// The effective spec: bundled, overlay applied, quirks fixed.
    pub doc: Value,
    pub model: openapiv3::OpenAPI,
}

/// Diagnostics of this stage speak of the bundled document; `BUNDLED` marks their origin file
/// until the pipeline maps them back through the bundle's provenance.
pub const BUNDLED: &str = "";

pub(crate) fn at(pointer: &str) -> Origin {
    Origin::new(BUNDLED, pointer)
}

/// Normalizes `doc`. Returns `None` when an error makes a model impossible.
pub fn normalize(
    mut doc: Value,
    overlay: Option<(&str, &Overlay)>,
    settings: &Settings,
    diags: &mut Diagnostics,
) -> Option<Normalized> {
    if !check_version(&doc, diags) {
        return None;
    }
    if let Some((file, ov)) = overlay {
        diags.extend(overlay::apply(&mut doc, ov, file));
    }
    quirks::apply_all(&mut doc, diags);
    if settings.query_array_style == Some(QueryArrayStyle::Brackets) {
        bracket_array_queries(&mut doc);
    }
    if doc.get("paths").is_none() {
        diags.push(
            Diagnostic::error("missing-paths", at(""), "the document has no `paths`")
                .with_help("an OpenAPI 3.0 document must list its operations under `paths` (it may be `paths: {}`)"),
        );
    }
    if diags.has_errors() {
        return None;
    }
    match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&doc) {
        Ok(model) => Some(Normalized { doc, model }),
        Err(e) => {
            let pointer = path_to_pointer(e.path());
            let (pointer, message) = drill(&doc, pointer, e.into_inner().to_string());
            diags.push(
                Diagnostic::error("invalid-field", at(&pointer), message)
                    .with_help("correct the field to the type the OpenAPI specification gives it, or fix it in the overlay"),
            );
            None
        }
    }
}

/// `openapiv3` flattens some objects (`paths`, a schema's data), and below a flattened object
/// `serde_path_to_error` loses the path. So from the node it blames, try each child as the type
/// its place in the document gives it, and descend into the first that fails, as deep as that
/// goes. Returns the pointer and message of the deepest failure.
fn drill(doc: &Value, mut pointer: String, mut message: String) -> (String, String) {
    for _ in 0..128 {
        let children: Vec<(String, &Value)> = match doc.pointer(&pointer) {
            Some(Value::Object(m)) => m
                .iter()
                .map(|(k, v)| (crate::diag::child(&pointer, k), v))
                .collect(),
            Some(Value::Array(a)) => a
                .iter()
                .enumerate()
                .map(|(i, v)| (crate::diag::child(&pointer, i.to_string()), v))
                .collect(),
            _ => break,
        };
        let deeper = children.into_iter().find_map(|(ptr, v)| {
            check_as(crate::walk::kind_at(doc, &ptr), v).map(|(rel, m)| (format!("{ptr}{rel}"), m))
        });
        match deeper {
            Some((p, m)) if p != pointer => (pointer, message) = (p, m),
            _ => {
                // Internally tagged objects (a parameter's `in`) lose the path too: when exactly
                // one member holds the value the message names, that member is the culprit.
                if let Some(p) = member_named_by(doc, &pointer, &message) {
                    pointer = p;
                }
                break;
            }
        }
    }
    if message.contains("did not match any variant") {
        message = "this node has neither the shape of the object expected here nor of a `$ref`"
            .to_owned();
    }
    (pointer, message)
}

/// The one member of the object at `pointer` whose value is the one a serde message
/// (`invalid type: string "maybe", expected a boolean`) calls unexpected.
fn member_named_by(doc: &Value, pointer: &str, message: &str) -> Option<String> {
    let unexpected = message
        .strip_prefix("invalid type: ")?
        .split(", expected")
        .next()?;
    let Some(Value::Object(m)) = doc.pointer(pointer) else {
        return None;
    };
    let describe = |v: &Value| match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) if n.is_f64() => format!("floating point `{n}`"),
        Value::Number(n) => format!("integer `{n}`"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "sequence".to_owned(),
        Value::Object(_) => "map".to_owned(),
    };
    let mut hits = m.iter().filter(|(_, v)| describe(v) == unexpected);
    let (key, _) = hits.next()?;
    hits.next()
        .is_none()
        .then(|| crate::diag::child(pointer, key))
}

/// Deserializes `v` as the `openapiv3` type of `kind`; the error's relative pointer and message.
fn check_as(kind: crate::bundle::Kind, v: &Value) -> Option<(String, String)> {
    use crate::bundle::Kind;
    use openapiv3::ReferenceOr;
    fn try_as<T: serde::de::DeserializeOwned>(v: &Value) -> Option<(String, String)> {
        serde_path_to_error::deserialize::<_, T>(v)
            .err()
            .map(|e| (path_to_pointer(e.path()), e.into_inner().to_string()))
    }
    match kind {
        Kind::PathItem => try_as::<openapiv3::PathItem>(v),
        Kind::Operation => try_as::<openapiv3::Operation>(v),
        Kind::Parameter => try_as::<ReferenceOr<openapiv3::Parameter>>(v),
        Kind::RequestBody => try_as::<ReferenceOr<openapiv3::RequestBody>>(v),
        Kind::MediaType => try_as::<openapiv3::MediaType>(v),
        Kind::Response => try_as::<ReferenceOr<openapiv3::Response>>(v),
        Kind::Header => try_as::<ReferenceOr<openapiv3::Header>>(v),
        Kind::Schema => try_as::<ReferenceOr<openapiv3::Schema>>(v),
        Kind::Components => try_as::<openapiv3::Components>(v),
        Kind::SecurityScheme => try_as::<ReferenceOr<openapiv3::SecurityScheme>>(v),
        Kind::Example => try_as::<ReferenceOr<openapiv3::Example>>(v),
        _ => None,
    }
}

/// Per-spec choices that the spec itself does not express (`[settings]` in `codegen.toml`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// How the server reads array query parameters, when not as OpenAPI's styles say.
    #[serde(default)]
    pub query_array_style: Option<QueryArrayStyle>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QueryArrayStyle {
    /// `name[]=a&name[]=b`: Rails, Grape (GitLab), PHP. A repeated `name=a&name=b` keeps only
    /// the last value there.
    Brackets,
}

/// Setting `query_array_style = "brackets"`: every array query parameter `name` becomes
/// `name[]` with `style: form, explode: true` — exactly how such a server reads it, written in
/// standard OpenAPI so that the effective spec tells other tools the truth too. The Rust name
/// stays `name`.
fn bracket_array_queries(doc: &mut Value) {
    let mut targets = Vec::new();
    if let Some(Value::Object(paths)) = doc.get("paths") {
        for (path, item) in paths {
            let item_ptr = crate::diag::child("/paths", path);
            let Value::Object(item) = item else { continue };
            for (key, op) in item {
                let list_ptr = if key == "parameters" {
                    crate::diag::child(&item_ptr, "parameters")
                } else if let Some(Value::Array(_)) = op.get("parameters") {
                    crate::diag::child(&crate::diag::child(&item_ptr, key), "parameters")
                } else {
                    continue;
                };
                targets.push(list_ptr);
            }
        }
    }
    let mut params: Vec<String> = Vec::new();
    for list in targets {
        if let Some(Value::Array(a)) = doc.pointer(&list) {
            params.extend((0..a.len()).map(|i| crate::diag::child(&list, i.to_string())));
        }
    }
    if let Some(Value::Object(c)) = doc.pointer("/components/parameters") {
        params.extend(
            c.keys()
                .map(|k| crate::diag::child("/components/parameters", k)),
        );
    }
    for p in params {
        let Some(Value::Object(param)) = doc.pointer_mut(&p) else {
            continue;
        };
        let is_array = param
            .get("schema")
            .and_then(|s| s.get("type"))
            .and_then(Value::as_str)
            == Some("array");
        let Some(name) = param.get("name").and_then(Value::as_str).map(str::to_owned) else {
            continue;
        };
        if param.get("in").and_then(Value::as_str) != Some("query")
            || !is_array
            || name.ends_with("[]")
        {
            continue;
        }
        param.insert("name".into(), Value::String(format!("{name}[]")));
        param.insert("style".into(), Value::String("form".into()));
        param.insert("explode".into(), Value::Bool(true));
    }
}

fn check_version(doc: &Value, diags: &mut Diagnostics) -> bool {
    let Some(map) = doc.as_object() else {
        return false;
    };
    if let Some(v) = map.get("openapi") {
        let v = v
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| v.to_string());
        if v.starts_with("3.") {
            return true;
        }
        diags.push(
            Diagnostic::error(
                "unsupported-version",
                at("/openapi"),
                format!("`openapi: {v}` is not a version this generator reads"),
            )
            .with_help("supported: OpenAPI 3.0"),
        );
        return false;
    }
    if let Some(v) = map.get("swagger") {
        diags.push(
            Diagnostic::error(
                "unsupported-version",
                at("/swagger"),
                format!(
                    "Swagger {} input is not supported yet",
                    v.as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| v.to_string())
                ),
            )
            .with_help("convert the document to OpenAPI 3.0 for now"),
        );
        return false;
    }
    diags.push(
        Diagnostic::error(
            "not-openapi",
            at(""),
            "the document has neither `openapi` nor `swagger`: it is not an OpenAPI document",
        )
        .with_help("add `openapi: 3.0.3` at the top, or point the generator at the right file"),
    );
    false
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut p = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => p = crate::diag::child(&p, index.to_string()),
            Segment::Map { key } => p = crate::diag::child(&p, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    p
}
