//! Quirk fixes: named, documented repairs of defects real specs have.
//!
//! In/out: the document, mended in place; one warning per node a fix changes (and an error where
//! no repair is sound). Each fix is a function here with a minimal case spec under
//! `generator/tests/cases/ok/` that exercises it:
//!
//! | code | defect | repair |
//! |---|---|---|
//! | `non-standard-type` | `type: text`, `type: symbol` (Ruby's names, GitLab's Grape API), `long`, `double`, `bool`, capitalized names (`String`) | the OpenAPI type (and format) they mean |
//! | `date-type` | `type: date` (not an OpenAPI type) | `type: string` + `format: date`, or `date-time` where the examples are date-times |
//! | `array-without-items` | `type: array` without `items` | the items of a request parameter of the same name, else the examples' element type, else any JSON |
//! | `overlapping-one-of` | `oneOf: [integer, string]`: a numeric string matches both, so no value validates | `anyOf` (same values, valid for validators such as Prism) |
//! | `list-declared-as-object` | a response declared as an object whose examples are all arrays | an array of that object |
//! | `default-type-mismatch` | a `default` that is not a value of the schema's type (GitLab: `default: {}` on integers) | dropped |
//! | `optional-path-segment` | a Grape/Rails optional group in a path, `(ref/{ref}/)trigger` or `(*path/){file_name}`, which OpenAPI cannot express and a client would send literally | one path per form, the group left out and put in (each a path item of its own; the group's parameters only where their group is; no `operationId`, since one cannot name two operations) |
//! | `wildcard-path` | a Grape/Rails wildcard segment `*name` in a path (its parameter often declared `in: query`) | `{name}` with an `in: path` parameter marked `x-multi-segment: true`, whose `/`s are kept |
//! | `file-in-json-body` | a JSON request body with a binary (file) property, which JSON cannot carry (GitLab's uploads) | `multipart/form-data`; but for a `PUT` to a path whose last segment is a parameter (the file's name), whose form's one file is required, the file as the whole body (`application/octet-stream`), the form's other fields in the query or dropped where they repeat the path, and the form's schema dropped if nothing else uses it (GitLab's Maven, Conan, Debian, ML-model uploads) |
//! | `no-content-body` | a `204 No Content` response that declares a body (GitLab: 15 `DELETE`s), which HTTP forbids (RFC 9110 §15.3.5), so the client waited for JSON that never comes | the body is dropped |
//! | `path-parameter-type-mismatch` | a path parameter declared `integer` on one operation and `string` on another of the same path (GitLab: `branches/{branch}` is an integer on `GET`, so a branch could not be fetched by name) | `string` on every operation of the path: it takes every value the others take |
//! | `paginated-object-response` | a `GET` that takes `page` and `per_page` but is declared to return one object (GitLab: ~48 list endpoints) | an array of that object |
//!
//! `unknown-type`: a type that is neither OpenAPI's nor a known misspelling cannot be guessed, so
//! the schema is read as any JSON value (`serde_json::Value`, which decodes whatever comes); the
//! warning asks the user to correct it in the overlay.

use super::at;
use super::examples::{self, Evidence};
use crate::diag::{Diagnostic, Diagnostics, child, tokens};
use serde_json::{Value, json};

const TYPES: [&str; 7] = [
    "string", "number", "integer", "boolean", "object", "array", "null",
];

/// Runs every quirk fix in order; structure-changing fixes come last so pointers stay valid.
pub fn apply_all(
    doc: &mut Value,
    pagination: super::Pagination,
    remap: &mut super::swagger2::Remap,
    diags: &mut Diagnostics,
) {
    let ptrs = crate::walk::schema_pointers(doc);
    let ev = examples::collect(doc, &ptrs, diags);
    date_type(doc, &ptrs, &ev, diags);
    array_without_items(doc, &ptrs, &ev, diags);
    overlapping_one_of(doc, &ptrs, diags);
    default_type_mismatch(doc, &ptrs, diags);
    list_declared_as_object(doc, &ptrs, &ev, diags);
    if pagination != super::Pagination::None {
        paginated_object_response(doc, pagination, diags);
    }
    no_content_body(doc, diags);
    path_parameter_type_mismatch(doc, diags);
    optional_path_groups(doc, remap, diags);
    wildcard_path_segments(doc, remap, diags);
    file_in_json_body(doc, diags);
}

pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

pub fn is_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 19
        && is_date(&s[..10])
        && matches!(b[10], b'T' | b't' | b' ')
        && b[11..13]
            .iter()
            .chain(&b[14..16])
            .chain(&b[17..19])
            .all(u8::is_ascii_digit)
        && b[13] == b':'
        && b[16] == b':'
}

/// `type: date` → `type: string` with `format: date` or, where examples hold date-times,
/// `format: date-time` (GitLab's `created_at` is declared a date but is `2021-01-20T14:13:35Z`).
fn date_type(doc: &mut Value, ptrs: &[String], ev: &Evidence, diags: &mut Diagnostics) {
    for p in ptrs {
        let Some(Value::Object(node)) = doc.pointer_mut(p) else {
            continue;
        };
        let Some(ty) = node.get("type") else { continue };
        let Some(ty) = ty.as_str().map(str::to_owned) else {
            if !ty.is_array() {
                let found = crate::diag::clip(&ty.to_string()).into_owned();
                node.remove("type");
                diags.push(
                    Diagnostic::warning(
                        "unknown-type",
                        at(&child(p, "type")),
                        format!("`type` must be a string, found `{found}`; read as any JSON value"),
                    )
                    .with_help("write one of string, number, integer, boolean, object, array"),
                );
            }
            continue;
        };
        if TYPES.contains(&ty.as_str()) || ty == "file" {
            continue;
        }
        let lower = ty.to_ascii_lowercase();
        let ty = crate::diag::clip(&ty);
        if lower == "date" || lower == "datetime" || lower == "date-time" {
            let samples: Vec<&str> = ev.for_schema(p).iter().filter_map(Value::as_str).collect();
            let date_time = lower != "date" || samples.iter().any(|s| is_date_time(s));
            let format = if date_time { "date-time" } else { "date" };
            let why = match samples.iter().find(|s| is_date_time(s) == date_time) {
                Some(s) => format!(
                    " because its example `{}` is a {}",
                    crate::diag::clip(s),
                    if date_time { "date-time" } else { "date" }
                ),
                None if lower == "date" => " (no example says otherwise)".to_owned(),
                None => String::new(),
            };
            node.insert("type".into(), json!("string"));
            node.insert("format".into(), json!(format));
            diags.push(
                Diagnostic::warning(
                    "date-type",
                    at(&child(p, "type")),
                    format!("`type: {ty}` is not an OpenAPI type; read as `type: string, format: {format}`{why}"),
                )
                .with_help(format!("write `type: string` and `format: {format}` (in the spec or its overlay)")),
            );
        } else if let Some((t, format)) = standard_name(&lower) {
            // Ruby's names for strings, as Grape writes them (GitLab); Java's and C's names for
            // numbers; a standard name with capitals (`String`).
            node.insert("type".into(), json!(t));
            let read = match format {
                Some(f) if !node.contains_key("format") => {
                    node.insert("format".into(), json!(f));
                    format!("`type: {t}, format: {f}`")
                }
                _ => format!("`type: {t}`"),
            };
            diags.push(
                Diagnostic::warning(
                    "non-standard-type",
                    at(&child(p, "type")),
                    format!("`type: {ty}` is not an OpenAPI type; read as {read}"),
                )
                .with_help(format!("write {read} (in the spec or its overlay)")),
            );
        } else {
            node.remove("type");
            diags.push(
                Diagnostic::warning("unknown-type", at(&child(p, "type")), format!("`type: {ty}` is not an OpenAPI type; read as any JSON value"))
                    .with_help("use one of string, number, integer, boolean, object, array; correct it in the spec's overlay if you do not own the spec"),
            );
        }
    }
}

/// The OpenAPI type (and format) that a non-standard type name, lowercased, means.
fn standard_name(lower: &str) -> Option<(&'static str, Option<&'static str>)> {
    Some(match lower {
        "text" | "symbol" | "str" | "string" => ("string", None),
        "long" | "int64" => ("integer", Some("int64")),
        "int" | "int32" | "integer" => ("integer", None),
        "float" => ("number", Some("float")),
        "double" => ("number", Some("double")),
        "number" | "decimal" => ("number", None),
        "bool" | "boolean" => ("boolean", None),
        "object" => ("object", None),
        "array" => ("array", None),
        _ => return None,
    })
}

/// `type: array` without `items`: the element schema of a request parameter of the same name
/// (GitLab's token `scopes` response field ↔ the `scopes` query parameter's enum), else the type
/// the examples' elements share, else any JSON value.
fn array_without_items(doc: &mut Value, ptrs: &[String], ev: &Evidence, diags: &mut Diagnostics) {
    for p in ptrs {
        let Some(node) = doc.pointer(p) else { continue };
        if node.get("type").and_then(Value::as_str) != Some("array") || node.get("items").is_some()
        {
            continue;
        }
        let toks = tokens(p);
        let name = match toks.as_slice() {
            [.., parent, name] if parent == "properties" => Some(name.clone()),
            _ => None,
        };
        let (items, why) = if let Some((param_ptr, items)) =
            name.as_deref().and_then(|n| parameter_items(doc, &toks, n))
        {
            (
                items,
                format!("the items of the parameter of the same name (#{param_ptr})"),
            )
        } else if let Some(t) = element_type(ev.for_schema(p)) {
            (
                json!({ "type": t }),
                format!("`{t}`, the type of every element of its examples"),
            )
        } else {
            (json!({}), "any JSON value: neither a parameter of the same name nor an example tells the element type".to_owned())
        };
        if let Some(Value::Object(node)) = doc.pointer_mut(p) {
            node.insert("items".into(), items);
        }
        diags.push(
            Diagnostic::warning(
                "array-without-items",
                at(p),
                format!("`type: array` has no `items`; elements read as {why}"),
            )
            .with_help("declare `items` (in the spec or its overlay)"),
        );
    }
}

/// The `items` of an array parameter named `name`, looked for in the operation `toks` belongs
/// to first, then in every operation, in document order.
fn parameter_items(doc: &Value, toks: &[String], name: &str) -> Option<(String, Value)> {
    let find = |op_ptr: &str| -> Option<(String, Value)> {
        let op = doc.pointer(op_ptr)?;
        let params = op.get("parameters")?.as_array()?;
        params.iter().enumerate().find_map(|(i, prm)| {
            let schema = prm.get("schema")?;
            (prm.get("name")?.as_str()? == name && schema.get("items").is_some()).then(|| {
                (
                    child(
                        &child(
                            &child(&child(op_ptr, "parameters"), i.to_string()),
                            "schema",
                        ),
                        "items",
                    ),
                    schema["items"].clone(),
                )
            })
        })
    };
    if toks.len() >= 3 && toks[0] == "paths" {
        let op_ptr = child(&child(&child("", &toks[0]), &toks[1]), &toks[2]);
        if let Some(found) = find(&op_ptr) {
            return Some(found);
        }
    }
    let paths = doc.get("paths")?.as_object()?;
    paths.iter().find_map(|(path, item)| {
        item.as_object()?
            .keys()
            .find_map(|m| find(&child(&child("/paths", path), m)))
    })
}

fn element_type(samples: &[Value]) -> Option<&'static str> {
    let mut ty = None;
    for v in samples.iter().filter_map(Value::as_array).flatten() {
        let t = match v {
            Value::String(_) => "string",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            _ => return None,
        };
        match ty {
            None => ty = Some(t),
            Some("integer") if t == "number" => ty = Some("number"),
            Some("number") if t == "integer" => {}
            Some(prev) if prev != t => return None,
            _ => {}
        }
    }
    ty
}

/// `oneOf: [integer, string]` of a parameter → `anyOf`. Under `oneOf` a value must match
/// exactly one branch; a parameter arrives as text, so `42` matches both and strict validators
/// reject every numeric id (GitLab's `id` parameters). `anyOf` accepts the same values. In a
/// JSON body the branches do not overlap (`42` is no string, `"42"` no integer): those schemas
/// are left alone, and so are those only bodies refer to.
fn overlapping_one_of(doc: &mut Value, ptrs: &[String], diags: &mut Diagnostics) {
    let params = parameter_schemas(doc);
    for p in ptrs.iter().filter(|p| params.contains(p.as_str())) {
        let Some(Value::Object(node)) = doc.pointer_mut(p) else {
            continue;
        };
        let Some(Value::Array(branches)) = node.get("oneOf") else {
            continue;
        };
        let mut types: Vec<&str> = branches
            .iter()
            .filter_map(|b| b.get("type").and_then(Value::as_str))
            .collect();
        types.sort_unstable();
        if branches.len() != 2 || types != ["integer", "string"] {
            continue;
        }
        let v = node.remove("oneOf").expect("checked above");
        node.insert("anyOf".into(), v);
        diags.push(
            Diagnostic::warning(
                "overlapping-one-of",
                at(&child(p, "oneOf")),
                "`oneOf: [integer, string]`: a numeric value such as `42` matches both branches, which `oneOf` forbids; read as `anyOf`",
            )
            .with_help("write `anyOf` (or `type: string`) in the spec or its overlay"),
        );
    }
}

/// The pointers of parameters' schemas: each `…/parameters/N/schema` (of a path item, an
/// operation or `components/parameters`), and the local schema each of those refers to.
fn parameter_schemas(doc: &Value) -> std::collections::BTreeSet<String> {
    let mut lists: Vec<(String, &Value)> = Vec::new();
    if let Some(Value::Object(paths)) = doc.get("paths") {
        for (path, item) in paths {
            let item_ptr = child("/paths", path);
            let Value::Object(item) = item else { continue };
            for (key, value) in item {
                if key == "parameters" {
                    lists.push((child(&item_ptr, "parameters"), value));
                } else if let Some(list) = value.get("parameters") {
                    lists.push((child(&child(&item_ptr, key), "parameters"), list));
                }
            }
        }
    }
    let mut out = std::collections::BTreeSet::new();
    let mut add = |ptr: String, param: &Value| {
        if let Some(schema) = param.get("schema") {
            if let Some(target) = schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
            {
                out.insert(target.to_owned());
            }
            out.insert(child(&ptr, "schema"));
        }
    };
    for (ptr, list) in lists {
        for (i, param) in list.as_array().into_iter().flatten().enumerate() {
            add(child(&ptr, i.to_string()), param);
        }
    }
    if let Some(Value::Object(components)) = doc.pointer("/components/parameters") {
        for (name, param) in components {
            add(child("/components/parameters", name), param);
        }
    }
    out
}

/// A response declared as an object whose examples are all arrays → an array of that object
/// (GitLab's `GET …/access_requests` lists; the API returns arrays).
fn list_declared_as_object(
    doc: &mut Value,
    ptrs: &[String],
    ev: &Evidence,
    diags: &mut Diagnostics,
) {
    for p in ptrs {
        let toks = tokens(p);
        let n = toks.len();
        if !(n >= 5
            && toks[n - 1] == "schema"
            && toks[n - 3] == "content"
            && toks[n - 5] == "responses")
        {
            continue;
        }
        let media_ptr = &p[..p.len() - "/schema".len()];
        let Some(samples) = ev.media.get(media_ptr) else {
            continue;
        };
        if samples.is_empty() || !samples.iter().all(Value::is_array) {
            continue;
        }
        let Some((_, schema)) = examples::resolve(doc, p) else {
            continue;
        };
        let declared = schema.get("type").and_then(Value::as_str);
        if declared == Some("array")
            || schema.get("items").is_some()
            || !(declared == Some("object") || schema.get("properties").is_some())
        {
            continue;
        }
        let title = schema
            .get("title")
            .and_then(Value::as_str)
            .map(|t| format!(" `{t}`"))
            .unwrap_or_default();
        let Some(node) = doc.pointer_mut(p) else {
            continue;
        };
        let inner = node.take();
        *node = json!({ "type": "array", "items": inner });
        diags.push(
            Diagnostic::warning(
                "list-declared-as-object",
                at(p),
                format!("the response is declared as one object{title}, but its examples are arrays; read as an array of it"),
            )
            .with_help("declare `type: array` with the object as `items` (in the spec or its overlay)"),
        );
    }
}

/// A `GET` with `page` and `per_page` query parameters that pages by headers returns the list
/// itself as its body, whatever its `200` response says: an object response is read as an
/// array of that object. (GitLab's Grape API declares about 48 list endpoints, e.g. `GET
/// /projects/{id}/merge_requests`, with the entity of one item.) Paging by headers is the
/// setting `pagination = "page-headers"`, or, by default, a `200` response that declares
/// `X-Next-Page`, `X-Total` or `X-Total-Pages`. Otherwise an object is what it says: APIs that
/// page in the body (DigitalOcean's `{"droplets": [...], "links": ..., "meta": ...}`) declare
/// that envelope.
fn paginated_object_response(
    doc: &mut Value,
    pagination: super::Pagination,
    diags: &mut Diagnostics,
) {
    let mut targets = Vec::new();
    let Some(Value::Object(paths)) = doc.get("paths") else {
        return;
    };
    for (path, item) in paths {
        let Some(op) = item.get("get") else { continue };
        let names: Vec<&str> = op
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .chain(
                item.get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten(),
            )
            .filter(|p| p.get("in").and_then(Value::as_str) == Some("query"))
            .filter_map(|p| p.get("name").and_then(Value::as_str))
            .collect();
        if !(names.contains(&"page") && names.contains(&"per_page")) {
            continue;
        }
        let Some(Value::Object(content)) = op.pointer("/responses/200/content") else {
            continue;
        };
        let page_headers = op
            .pointer("/responses/200/headers")
            .and_then(Value::as_object)
            .is_some_and(|h| {
                h.keys().any(|k| {
                    ["x-next-page", "x-total", "x-total-pages"]
                        .contains(&k.to_ascii_lowercase().as_str())
                })
            });
        if pagination != super::Pagination::PageHeaders && !page_headers {
            continue;
        }
        let get = child(&child("/paths", path), "get");
        for media in content.keys() {
            let content_ptr = child(&child(&child(&get, "responses"), "200"), "content");
            let schema_ptr = child(&child(&content_ptr, media), "schema");
            targets.push(schema_ptr);
        }
    }
    for p in targets {
        let Some((_, schema)) = examples::resolve(doc, &p) else {
            continue;
        };
        let declared = schema.get("type").and_then(Value::as_str);
        if declared == Some("array") || schema.get("items").is_some() {
            continue;
        }
        let is_object = declared == Some("object")
            || schema.get("properties").is_some()
            || doc.pointer(&p).is_some_and(|n| n.get("$ref").is_some());
        if !is_object {
            continue;
        }
        let name = doc
            .pointer(&p)
            .and_then(|n| n.get("$ref"))
            .and_then(Value::as_str)
            .map(|r| format!(" `{}`", r.rsplit('/').next().unwrap_or(r)))
            .unwrap_or_default();
        let Some(node) = doc.pointer_mut(&p) else {
            continue;
        };
        let inner = node.take();
        *node = json!({ "type": "array", "items": inner });
        diags.push(
            Diagnostic::warning(
                "paginated-object-response",
                at(&p),
                format!("this `GET` pages through a list (`page`, `per_page`) but is declared to return one object{name}; read as an array of it"),
            )
            .with_help("declare `type: array` with the object as `items` (in the spec or its overlay)"),
        );
    }
}

/// A `default` of another JSON type than the schema's `type` is dropped (GitLab writes
/// `default: {}` on integers and strings); a validator would reject it, and the client never
/// sends defaults anyway.
fn default_type_mismatch(doc: &mut Value, ptrs: &[String], diags: &mut Diagnostics) {
    for p in ptrs {
        let Some(Value::Object(node)) = doc.pointer_mut(p) else {
            continue;
        };
        let (Some(ty), Some(default)) = (
            node.get("type").and_then(Value::as_str),
            node.get("default"),
        ) else {
            continue;
        };
        let ty = ty.to_owned();
        let fits = match (ty.as_str(), default) {
            (_, Value::Null) => true,
            ("string", Value::String(_))
            | ("boolean", Value::Bool(_))
            | ("array", Value::Array(_))
            | ("object", Value::Object(_)) => true,
            ("integer", Value::Number(n)) => n.is_i64() || n.is_u64(),
            ("number", Value::Number(_)) => true,
            _ => false,
        };
        if fits {
            continue;
        }
        let shown = crate::diag::clip(&default.to_string()).into_owned();
        node.remove("default");
        diags.push(
            Diagnostic::warning(
                "default-type-mismatch",
                at(&child(p, "default")),
                format!(
                    "`default: {shown}` is not a value of `type: {ty}`; the default is ignored"
                ),
            )
            .with_help(
                "remove the default or give one of the schema's type (in the spec or its overlay)",
            ),
        );
    }
}

/// Path parameters of one path whose operations declare them with different scalar types
/// (`integer` on `GET`, `string` on `DELETE`) become strings everywhere on that path: one
/// segment of one URL names one thing, and a string takes every value the others take.
fn path_parameter_type_mismatch(doc: &mut Value, diags: &mut Diagnostics) {
    let mut targets: Vec<(String, String, String)> = Vec::new();
    let Some(Value::Object(paths)) = doc.get("paths") else {
        return;
    };
    for (path, item) in paths {
        let Value::Object(item) = item else { continue };
        let item_ptr = child("/paths", path);
        // name → (schema pointer, declared type) of each declaration on this path.
        let mut seen: std::collections::BTreeMap<&str, Vec<(String, &str)>> = Default::default();
        for (key, node) in item {
            let list_ptr = if key == "parameters" {
                child(&item_ptr, "parameters")
            } else if crate::bundle::METHODS.contains(&key.as_str()) {
                child(&child(&item_ptr, key), "parameters")
            } else {
                continue;
            };
            let list = if key == "parameters" {
                node.as_array()
            } else {
                node.get("parameters").and_then(Value::as_array)
            };
            for (i, param) in list.into_iter().flatten().enumerate() {
                if param.get("in").and_then(Value::as_str) != Some("path") {
                    continue;
                }
                let (Some(name), Some(ty)) = (
                    param.get("name").and_then(Value::as_str),
                    param.pointer("/schema/type").and_then(Value::as_str),
                ) else {
                    continue;
                };
                if matches!(ty, "string" | "integer" | "number") {
                    let ptr = child(&child(&list_ptr, i.to_string()), "schema");
                    seen.entry(name).or_default().push((ptr, ty));
                }
            }
        }
        for (name, decls) in seen {
            if decls.iter().any(|(_, t)| *t == "string")
                && decls.iter().any(|(_, t)| *t != "string")
            {
                for (ptr, ty) in decls.into_iter().filter(|(_, t)| *t != "string") {
                    targets.push((ptr, name.to_owned(), ty.to_owned()));
                }
            }
        }
    }
    for (ptr, name, ty) in targets {
        if let Some(schema) = doc.pointer_mut(&ptr) {
            *schema = json!({ "type": "string" });
        }
        diags.push(
            Diagnostic::warning(
                "path-parameter-type-mismatch",
                at(&ptr),
                format!("path parameter `{name}` is `{ty}` here and `string` on another operation of the same path; read as `string`"),
            )
            .with_help("declare the parameter with one type on every operation of the path (in the spec or its overlay)"),
        );
    }
}

/// A `204` response's `content` is dropped: a 204 has no body (RFC 9110 §15.3.5), whatever the
/// spec declares (GitLab's `DELETE /projects/{id}/variables/{key}` declares the variable).
fn no_content_body(doc: &mut Value, diags: &mut Diagnostics) {
    let mut targets = Vec::new();
    let Some(Value::Object(paths)) = doc.get("paths") else {
        return;
    };
    for (path, item) in paths {
        let Value::Object(item) = item else { continue };
        for (method, op) in item {
            if !crate::bundle::METHODS.contains(&method.as_str()) {
                continue;
            }
            let content = op.pointer("/responses/204/content");
            if content.is_some_and(|c| c.as_object().is_none_or(|m| !m.is_empty())) {
                let op_ptr = child(&child("/paths", path), method);
                targets.push(child(
                    &child(&child(&op_ptr, "responses"), "204"),
                    "content",
                ));
            }
        }
    }
    for ptr in targets {
        let (parent, _) = ptr.rsplit_once('/').expect("a child pointer has a parent");
        if let Some(Value::Object(response)) = doc.pointer_mut(parent) {
            response.remove("content");
        }
        diags.push(
            Diagnostic::warning(
                "no-content-body",
                at(&ptr),
                "a `204 No Content` response declares a body, which HTTP does not allow; read as no body",
            )
            .with_help("remove the body, or declare the status the server answers with a body (`200`), in the spec or its overlay"),
        );
    }
}

/// A path of Grape/Rails route syntax: literal text and optional groups `(…)`.
#[derive(Debug, Clone, PartialEq)]
enum RoutePart {
    Literal(String),
    Optional(String),
}

/// The most optional groups one path may have: each doubles the paths it becomes.
const MAX_OPTIONAL_GROUPS: usize = 4;

/// `path` as literal text and optional groups, when it has groups (`\(` is a literal
/// parenthesis, as in GitLab's NuGet `Packages\(\)`); `None` without groups, or with nested,
/// unbalanced or too many of them.
fn route_parts(path: &str) -> Option<Vec<RoutePart>> {
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut group: Option<String> = None;
    let mut chars = path.chars();
    while let Some(c) = chars.next() {
        match (c, &mut group) {
            ('\\', _) => {
                let next = chars.next()?;
                let target = group.as_mut().unwrap_or(&mut text);
                target.push(c);
                target.push(next);
            }
            ('(', None) => group = Some(String::new()),
            // A group of path segments (`(ref/{ref}/)`, `(/)`) or a wildcard (`(*path)`) is
            // optional; other parentheses are the path's own text (NuGet's OData
            // `Packages()`, `Packages(Id='{id}')`).
            (')', Some(g)) => {
                let g = std::mem::take(g);
                if g.contains('/') || g.starts_with('*') {
                    parts.push(RoutePart::Literal(std::mem::take(&mut text)));
                    parts.push(RoutePart::Optional(g));
                } else {
                    text.push('(');
                    text.push_str(&g);
                    text.push(')');
                }
                group = None;
            }
            ('(' | ')', _) => return None,
            (c, Some(g)) => g.push(c),
            (c, None) => text.push(c),
        }
    }
    if group.is_some() {
        return None;
    }
    parts.push(RoutePart::Literal(text));
    let groups = parts
        .iter()
        .filter(|p| matches!(p, RoutePart::Optional(_)))
        .count();
    (1..=MAX_OPTIONAL_GROUPS).contains(&groups).then_some(parts)
}

/// Every form of a route, fewest groups first: each group left out or put in, `//` closed up,
/// no trailing `/`, and no form where a wildcard does not start a segment (`latest*suffix`).
fn route_forms(parts: &[RoutePart]) -> Vec<String> {
    let groups: Vec<usize> = (0..parts.len())
        .filter(|i| matches!(parts[*i], RoutePart::Optional(_)))
        .collect();
    let mut masks: Vec<u32> = (0..1u32 << groups.len()).collect();
    masks.sort_by_key(|m| m.count_ones());
    let mut forms: Vec<String> = Vec::new();
    for mask in masks {
        let mut form = String::new();
        for (i, part) in parts.iter().enumerate() {
            match part {
                RoutePart::Literal(t) => form.push_str(t),
                RoutePart::Optional(t) => {
                    let g = groups.iter().position(|j| *j == i).unwrap_or_default();
                    if mask & (1 << g) != 0 {
                        form.push_str(t);
                    }
                }
            }
        }
        while form.contains("//") {
            form = form.replace("//", "/");
        }
        if form.len() > 1 && form.ends_with('/') {
            form.pop();
        }
        let glued = form
            .match_indices('*')
            .any(|(i, _)| i == 0 || form.as_bytes()[i - 1] != b'/');
        if !glued && !forms.contains(&form) {
            forms.push(form);
        }
    }
    forms
}

/// The parameter names a route text holds: `{name}` and `*name`.
fn route_names(text: &str) -> Vec<String> {
    text.split('/')
        .flat_map(|seg| {
            let wildcard = seg.strip_prefix('*').map(str::to_owned);
            let braced = seg
                .split('{')
                .skip(1)
                .filter_map(|rest| rest.split_once('}').map(|(n, _)| n.to_owned()));
            wildcard.into_iter().chain(braced)
        })
        .filter(|n| !n.is_empty())
        .collect()
}

/// `optional-path-segment`: each path with Grape/Rails optional groups becomes one path per
/// form (the group left out first). In each, parameters of a group that form leaves out are
/// removed, and so is `operationId`: one id cannot name two operations, and names come from
/// the paths. A form the spec already has as a path of its own is left to it.
fn optional_path_groups(
    doc: &mut Value,
    remap: &mut super::swagger2::Remap,
    diags: &mut Diagnostics,
) {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return;
    };
    if !paths.keys().any(|k| route_parts(k).is_some()) {
        return;
    }
    let old = std::mem::take(paths);
    let written: std::collections::BTreeSet<String> = old.keys().cloned().collect();
    for (path, item) in old {
        let Some(parts) = route_parts(&path) else {
            paths.insert(path, item);
            continue;
        };
        let optional: Vec<String> = parts
            .iter()
            .filter_map(|p| match p {
                RoutePart::Optional(t) => Some(route_names(t)),
                RoutePart::Literal(_) => None,
            })
            .flatten()
            .collect();
        let forms: Vec<String> = route_forms(&parts)
            .into_iter()
            .filter(|f| !written.contains(f) && !paths.contains_key(f))
            .collect();
        diags.push(
            Diagnostic::warning(
                "optional-path-segment",
                at(&child("/paths", &path)),
                format!(
                    "`{path}` has optional parts (Grape/Rails route syntax), which OpenAPI cannot express; read as the paths `{}`",
                    forms.join("`, `")
                ),
            )
            .with_help("write one path per form (in the spec or its overlay)"),
        );
        for form in forms {
            let present = route_names(&form);
            let absent: Vec<&String> = optional.iter().filter(|n| !present.contains(n)).collect();
            let mut item = item.clone();
            if let Value::Object(map) = &mut item {
                for (key, value) in map.iter_mut() {
                    let (params, op) = if key == "parameters" {
                        (Some(value), None)
                    } else if crate::bundle::METHODS.contains(&key.as_str()) {
                        let Value::Object(op) = value else { continue };
                        op.remove("operationId");
                        (None, Some(op))
                    } else {
                        continue;
                    };
                    let params = match (params, op) {
                        (Some(p), _) => Some(p),
                        (None, Some(op)) => op.get_mut("parameters"),
                        _ => None,
                    };
                    if let Some(Value::Array(params)) = params {
                        params.retain(|p| {
                            !p.get("name")
                                .and_then(Value::as_str)
                                .is_some_and(|n| absent.iter().any(|a| a.as_str() == n))
                        });
                    }
                }
            }
            remap.rewrote(child("/paths", &form), child("/paths", &path));
            paths.insert(form, item);
        }
    }
}

/// Grape/Rails wildcard segments: `/dists/*distribution/Release` matches `distribution` across
/// `/`s. GitLab declares such parameters `in: query` (or not at all). The path becomes
/// `/dists/{distribution}/Release`, the parameter `in: path`, required, and marked
/// `x-multi-segment: true` so the client keeps the `/`s of its value (each segment encoded).
fn wildcard_path_segments(
    doc: &mut Value,
    remap: &mut super::swagger2::Remap,
    diags: &mut Diagnostics,
) {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return;
    };
    if !paths.keys().any(|k| {
        k.split('/')
            .any(|seg| seg.starts_with('*') && seg.len() > 1)
    }) {
        return;
    }
    let old = std::mem::take(paths);
    for (path, mut item) in old {
        let wildcards: Vec<String> = path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('*'))
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .collect();
        if wildcards.is_empty() {
            paths.insert(path, item);
            continue;
        }
        let new_path: String = path
            .split('/')
            .map(|seg| match seg.strip_prefix('*') {
                Some(n) if !n.is_empty() => format!("{{{n}}}"),
                _ => seg.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("/");
        if let Value::Object(ops) = &mut item {
            for (method, op) in ops.iter_mut() {
                if !crate::bundle::METHODS.contains(&method.as_str()) {
                    continue;
                }
                let Value::Object(op) = op else { continue };
                let params = op.entry("parameters").or_insert_with(|| json!([]));
                let Value::Array(params) = params else {
                    continue;
                };
                for name in &wildcards {
                    let found = params
                        .iter_mut()
                        .find(|p| p.get("name").and_then(Value::as_str) == Some(name.as_str()));
                    let mut param = match found {
                        Some(p) => p.take(),
                        None => json!({ "name": name, "schema": { "type": "string" } }),
                    };
                    param["in"] = json!("path");
                    param["required"] = json!(true);
                    param["x-multi-segment"] = json!(true);
                    params.retain(|p| !p.is_null());
                    params.push(param);
                }
                // Path parameters in the order the path has them (a moved wildcard came
                // last), then the others as they were: the method's arguments read as the path.
                let position = |p: &Value| {
                    let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
                    match p.get("in").and_then(Value::as_str) {
                        Some("path") => (
                            0,
                            new_path.find(&format!("{{{name}}}")).unwrap_or(usize::MAX),
                        ),
                        _ => (1, 0),
                    }
                };
                params.sort_by_key(|p| position(p));
            }
        }
        diags.push(
            Diagnostic::warning(
                "wildcard-path",
                at(&child("/paths", &path)),
                format!("`{path}` has a wildcard segment; read as `{new_path}` with `{}` a multi-segment path parameter", wildcards.join("`, `")),
            )
            .with_help("OpenAPI has no wildcard segments: declare the parameter `in: path` and document that it may contain `/`"),
        );
        // `/npm/{package_name}` (PUT) and `/npm/*package_name` (GET) become one path item.
        let (new_item, old_item) = (child("/paths", &new_path), child("/paths", &path));
        match (paths.get_mut(&new_path), item) {
            (Some(Value::Object(existing)), Value::Object(ops)) => {
                for (method, op) in ops {
                    if !existing.contains_key(&method) {
                        remap.rewrote(child(&new_item, &method), child(&old_item, &method));
                        existing.insert(method, op);
                    }
                }
            }
            (_, item) => {
                remap.rewrote(new_item, old_item);
                paths.insert(new_path, item);
            }
        }
    }
}

/// A JSON body whose object schema has a binary property (Swagger's `type: file`) is really an
/// upload: JSON cannot carry a file. Usually a multipart form (GitLab: `POST
/// /projects/{id}/uploads`). But a `PUT` to a path whose last segment is a parameter stores the
/// file at the URL that names it (RFC 9110: a `PUT`'s body is the state of the target resource),
/// so when the file is the body's only binary property, and a required one, it is the whole
/// body, as
/// `application/octet-stream`; the body's other properties repeat path parameters (dropped) or
/// go to the query (GitLab's Maven, Conan, Debian and ML-model uploads: `curl --upload-file`).
fn file_in_json_body(doc: &mut Value, diags: &mut Diagnostics) {
    let mut targets = Vec::new();
    for p in crate::walk::schema_pointers(doc) {
        let toks = tokens(&p);
        let [.., body, content, media, schema] = toks.as_slice() else {
            continue;
        };
        if !(body == "requestBody"
            && content == "content"
            && schema == "schema"
            && media.contains("json"))
        {
            continue;
        }
        let Some((_, resolved)) = examples::resolve(doc, &p) else {
            continue;
        };
        let Some(Value::Object(props)) = resolved.get("properties") else {
            continue;
        };
        let binary = |v: &Value| v.get("format").and_then(Value::as_str) == Some("binary");
        let files: Vec<&String> = props
            .iter()
            .filter(|(_, v)| binary(v) || v.get("items").is_some_and(binary))
            .map(|(name, _)| name)
            .collect();
        let Some(field) = files.first() else {
            continue;
        };
        let content_ptr = p[..p.len() - "/schema".len()]
            .rsplit_once('/')
            .map(|(c, _)| c.to_owned())
            .unwrap_or_default();
        let raw = match toks.as_slice() {
            [paths, path, method, ..] if paths == "paths" && method == "put" && toks.len() == 7 => {
                let last = path.rsplit('/').next().unwrap_or_default();
                let names_file = last.starts_with('{') && last.ends_with('}');
                let required: Vec<&str> = resolved
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let one_required_file = files.len() == 1
                    && props.get(*field).is_some_and(binary)
                    && required.contains(&field.as_str());
                (names_file && one_required_file).then(|| {
                    let query: Vec<Value> = props
                        .iter()
                        .filter(|(name, _)| {
                            *name != *field && !path.contains(&format!("{{{name}}}"))
                        })
                        .map(|(name, schema)| {
                            let mut param = json!({
                                "name": name,
                                "in": "query",
                                "required": required.contains(&name.as_str()),
                                "schema": schema,
                            });
                            if let Some(d) = schema.get("description") {
                                param["description"] = d.clone();
                            }
                            param
                        })
                        .collect();
                    let op_ptr = child(&child("/paths", path), method);
                    (op_ptr, query, props[*field].get("description").cloned())
                })
            }
            _ => None,
        };
        targets.push((content_ptr, media.clone(), (*field).clone(), raw));
    }
    // The component schemas of the forms a raw body replaced, which nothing else may use.
    let mut replaced = Vec::new();
    for (content_ptr, media, field, raw) in targets {
        let Some(Value::Object(content)) = doc.pointer_mut(&content_ptr) else {
            continue;
        };
        let Some(value) = content.remove(&media) else {
            continue;
        };
        if let Some(r) = value
            .pointer("/schema/$ref")
            .and_then(Value::as_str)
            .filter(|_| raw.is_some())
        {
            replaced.push(r.to_owned());
        }
        let Some((op_ptr, query, description)) = raw else {
            content.insert("multipart/form-data".to_owned(), value);
            diags.push(
                Diagnostic::warning(
                    "file-in-json-body",
                    at(&child(&content_ptr, &media)),
                    format!("the `{media}` body has the file `{field}`, which JSON cannot carry; read as `multipart/form-data`"),
                )
                .with_help("declare the body as `multipart/form-data` (Swagger 2.0: `formData` parameters), or as `application/octet-stream` if the server takes the file as the whole body (in the spec or its overlay)"),
            );
            continue;
        };
        content.clear();
        content.insert(
            "application/octet-stream".to_owned(),
            json!({ "schema": { "type": "string", "format": "binary" } }),
        );
        let Some(Value::Object(op)) = doc.pointer_mut(&op_ptr) else {
            continue;
        };
        if let Some(Value::Object(body)) = op.get_mut("requestBody") {
            body.insert("required".to_owned(), json!(true));
            if let Some(d) = description {
                body.insert("description".to_owned(), d);
            }
        }
        let params = op
            .entry("parameters")
            .or_insert_with(|| json!([]))
            .as_array_mut();
        let mut moved = Vec::new();
        if let Some(params) = params {
            for q in query {
                let taken = params.iter().any(|p| {
                    p.get("name") == q.get("name")
                        && p.get("in").and_then(Value::as_str) == Some("query")
                });
                if !taken {
                    moved.push(format!("`{}`", q["name"].as_str().unwrap_or_default()));
                    params.push(q);
                }
            }
        }
        let rest = if moved.is_empty() {
            String::new()
        } else {
            format!(", and {} as query parameters", moved.join(", "))
        };
        diags.push(
            Diagnostic::warning(
                "file-in-json-body",
                at(&child(&content_ptr, &media)),
                format!("the `{media}` body has the file `{field}`, which JSON cannot carry; this `PUT` names the file in its path, so the file is read as the whole body (`application/octet-stream`){rest}"),
            )
            .with_help("declare the body as `application/octet-stream`, or as `multipart/form-data` if the server takes a form (in the spec or its overlay)"),
        );
    }
    drop_unreferenced_schemas(doc, replaced);
}

/// Removes the component schemas that these `$ref`s named and no `$ref` of the document names
/// any more (a Swagger 2.0 body definition whose form was replaced, which would otherwise become
/// a type named after its operation's machine-made id).
fn drop_unreferenced_schemas(doc: &mut Value, mut gone: Vec<String>) {
    fn refs<'a>(v: &'a Value, out: &mut std::collections::BTreeSet<&'a str>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    match (k.as_str(), v) {
                        ("$ref", Value::String(r)) => {
                            out.insert(r.as_str());
                        }
                        _ => refs(v, out),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    if gone.is_empty() {
        return;
    }
    {
        let mut used = std::collections::BTreeSet::new();
        refs(doc, &mut used);
        gone.retain(|r| !used.contains(r.as_str()));
    }
    for r in gone {
        if let [components, schemas, name] = tokens(r.trim_start_matches('#')).as_slice()
            && components == "components"
            && schemas == "schemas"
            && let Some(Value::Object(all)) = doc.pointer_mut("/components/schemas")
        {
            all.remove(name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forms(path: &str) -> Vec<String> {
        route_forms(&route_parts(path).expect("optional groups"))
    }

    #[test]
    fn parentheses_of_the_path_itself_are_no_group() {
        assert!(route_parts("/nuget/v2/Packages()").is_none());
        assert!(route_parts("/nuget/v2/Packages(Id='{package_name}',Version='{v}')").is_none());
        assert_eq!(
            forms("/v2/FindPackagesById()/(*path/){file}"),
            [
                "/v2/FindPackagesById()/{file}",
                "/v2/FindPackagesById()/*path/{file}"
            ]
        );
    }

    #[test]
    fn grape_optional_groups_give_one_path_per_form() {
        assert_eq!(
            forms("/projects/{id}/(ref/{ref}/)trigger/pipeline"),
            [
                "/projects/{id}/trigger/pipeline",
                "/projects/{id}/ref/{ref}/trigger/pipeline"
            ]
        );
        assert_eq!(
            forms("/generic/{name}/*version/(*path/){file_name}"),
            [
                "/generic/{name}/*version/{file_name}",
                "/generic/{name}/*version/*path/{file_name}"
            ]
        );
        // `(/)` alone is the same path; a wildcard glued to a literal is no form.
        assert_eq!(
            forms("/releases/permalink/latest(/)(*suffix_path)"),
            [
                "/releases/permalink/latest",
                "/releases/permalink/latest/*suffix_path"
            ]
        );
        assert_eq!(route_names("ref/{ref}/x{y}z/*rest"), ["ref", "y", "rest"]);
    }

    #[test]
    fn paths_without_well_formed_groups_are_left_alone() {
        assert_eq!(route_parts("/projects/{id}"), None);
        // GitLab's NuGet routes escape their parentheses: literal text.
        assert_eq!(route_parts(r"/nuget/v2/Packages\(Id='*name'\)"), None);
        assert_eq!(route_parts("/a/(b/(c)/)d"), None, "nested");
        assert_eq!(route_parts("/a/(b"), None, "unbalanced");
        assert_eq!(route_parts("/a)/b"), None, "unbalanced");
        assert_eq!(route_parts("/(a/)(b/)(c/)(d/)(e/)"), None, "too many forms");
        assert_eq!(forms("/(a/)(b/)(c/)(d/)").len(), 16);
    }

    #[test]
    fn recognises_dates_and_date_times() {
        assert!(is_date("2022-01-31"));
        assert!(!is_date("2022-01-31T00:00:00Z"));
        assert!(is_date_time("2021-01-20T14:13:35Z"));
        assert!(is_date_time("2021-01-20T14:13:35.123+01:00"));
        assert!(!is_date_time("2021-01-20"));
        assert!(!is_date_time("not a date at all!!"));
    }

    #[test]
    fn element_type_widens_integers_to_numbers_and_rejects_mixtures() {
        assert_eq!(element_type(&[json!(["a", "b"])]), Some("string"));
        assert_eq!(element_type(&[json!([1, 2.5])]), Some("number"));
        assert_eq!(element_type(&[json!([1, "a"])]), None);
        assert_eq!(element_type(&[]), None);
    }
}
