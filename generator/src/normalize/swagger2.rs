//! Swagger 2.0 → OpenAPI 3.0, natively, on the JSON value (no external converter).
//!
//! In: a bundled Swagger 2.0 document. Out: the same API as an OpenAPI 3.0.3 document, and a
//! [`Remap`] from pointers of the converted document back to the Swagger document, so every
//! later diagnostic still points at what the user wrote.
//!
//! What moves where (OpenAPI 3.0 §4.7, Swagger 2.0 §4):
//! - `host`/`basePath`/`schemes` → `servers`; `definitions` → `components/schemas`;
//!   `parameters` → `components/parameters` (body parameters → `components/requestBodies`);
//!   `responses` → `components/responses`; `securityDefinitions` → `components/securitySchemes`.
//! - a parameter's `type`, `format`, `items`, `enum`, `default`, … → its `schema`;
//!   `collectionFormat` → `style`/`explode` (csv, the default, is `form` without explode;
//!   `multi` is exploded `form`; `ssv`, `pipes` are `spaceDelimited`, `pipeDelimited`).
//! - a `body` parameter → `requestBody` with one media type per `consumes`; `formData`
//!   parameters → a `requestBody` object schema, `multipart/form-data` when a parameter is a
//!   file (`type: file` → `type: string, format: binary`) or `consumes` says so, else
//!   `application/x-www-form-urlencoded`.
//! - a response's `schema` → `content` per `produces`; `examples` → the media type's
//!   `example` (keyed by media type, as the spec says) or named `examples` (as GitLab writes them).
//! - schemas: `type: file` → binary string; `x-nullable` → `nullable`; a string
//!   `discriminator` → `{propertyName}`.

use crate::diag::{Diagnostic, Diagnostics, child, tokens};
use serde_json::{Map, Value, json};

use super::at_swagger;

/// Pointer prefixes of the normalized document → the bundled one (longest prefix wins): the
/// Swagger 2.0 converter's moves (`/components/schemas` → `/definitions`, a `requestBody` → its
/// `in: body` parameter), the paths the quirk fixes rewrote (`…/maven/{path}/{file_name}` →
/// `…/maven/*path/{file_name}`), so a warning on a rewritten path points at the spec's own, and
/// the nodes merged in from further root documents (`merge`), each with its document's moves.
#[derive(Debug, Clone, Default)]
pub struct Remap {
    converted: Vec<(String, String)>,
    rewritten: Vec<(String, String)>,
    /// Normalized prefix → the root document (1, 2, … for `merge`'s) it came from.
    merged: Vec<(String, usize)>,
    /// The conversion moves of root document 1, 2, ….
    others: Vec<Vec<(String, String)>>,
}

impl Remap {
    fn add(&mut self, new: impl Into<String>, old: impl Into<String>) {
        self.converted.push((new.into(), old.into()));
    }

    /// Records that the node at `new` (a path item or operation) was at `old` before a quirk fix
    /// rewrote its path.
    pub(crate) fn rewrote(&mut self, new: impl Into<String>, old: impl Into<String>) {
        self.rewritten.push((new.into(), old.into()));
    }

    /// Records that the node at `prefix` came from root document `root` (1 for the first of
    /// `merge`).
    pub(crate) fn merged(&mut self, prefix: impl Into<String>, root: usize) {
        self.merged.push((prefix.into(), root));
    }

    /// Adds the conversion moves of the next further root document.
    pub(crate) fn push_root(&mut self, moves: Remap) {
        self.others.push(moves.converted);
    }

    /// The pointer in root document `root`'s bundled form that `pointer` (in its converted
    /// form) came from.
    pub(crate) fn moved_back(&self, root: usize, pointer: &str) -> String {
        let moves = match root {
            0 => &self.converted,
            n => match self.others.get(n - 1) {
                Some(m) => m,
                None => return pointer.to_owned(),
            },
        };
        longest_prefix(moves, pointer)
    }

    /// The root document and the pointer in its bundled form that `pointer` (in the normalized
    /// document) came from: path rewrites undone (they chain: an optional group's form with a
    /// wildcard), then the merge, then the conversion's moves.
    pub fn back(&self, pointer: &str) -> (usize, String) {
        let mut p = pointer.to_owned();
        for _ in 0..4 {
            let before = longest_prefix(&self.rewritten, &p);
            if before == p {
                break;
            }
            p = before;
        }
        let root = self
            .merged
            .iter()
            .filter(|(prefix, _)| is_prefix(prefix, &p))
            .max_by_key(|(prefix, _)| prefix.len())
            .map_or(0, |(_, root)| *root);
        let back = self.moved_back(root, &p);
        (root, back)
    }
}

fn is_prefix(prefix: &str, pointer: &str) -> bool {
    pointer == prefix
        || (pointer.starts_with(prefix) && pointer.as_bytes().get(prefix.len()) == Some(&b'/'))
}

fn longest_prefix(map: &[(String, String)], pointer: &str) -> String {
    let best = map
        .iter()
        .filter(|(new, _)| is_prefix(new, pointer))
        .max_by_key(|(new, _)| new.len());
    match best {
        Some((new, old)) => format!("{old}{}", &pointer[new.len()..]),
        None => pointer.to_owned(),
    }
}

/// Schema keywords a Swagger 2.0 non-body parameter (or header, or items) carries inline.
const SCHEMA_KEYS: [&str; 17] = [
    "type",
    "format",
    "items",
    "enum",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "multipleOf",
    "x-nullable",
];

pub fn convert(doc: Value, diags: &mut Diagnostics) -> (Value, Remap) {
    let mut remap = Remap::default();
    let Value::Object(src) = doc else {
        return (doc, remap);
    };
    let global_consumes = strings(src.get("consumes"));
    let global_produces = strings(src.get("produces"));
    let global_params = src
        .get("parameters")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut out = Map::new();
    out.insert("openapi".into(), json!("3.0.3"));
    let mut components = Map::new();
    for (key, value) in &src {
        match key.as_str() {
            "swagger" | "host" | "basePath" | "schemes" | "consumes" | "produces" => {}
            "definitions" => {
                components.insert("schemas".into(), value.clone());
                remap.add("/components/schemas", "/definitions");
            }
            "parameters" => {
                let (mut params, mut bodies) = (Map::new(), Map::new());
                for (name, p) in value.as_object().into_iter().flatten() {
                    let ptr = child("/parameters", name);
                    // Form fields are inlined into the request body of each operation that uses them.
                    if p.get("in").and_then(Value::as_str) == Some("formData") {
                        continue;
                    }
                    if p.get("in").and_then(Value::as_str) == Some("body") {
                        remap.add(child("/components/requestBodies", name), &ptr);
                        bodies.insert(
                            name.clone(),
                            body(
                                p,
                                &global_consumes,
                                &child("/components/requestBodies", name),
                                &ptr,
                                &mut remap,
                            ),
                        );
                    } else {
                        remap.add(child("/components/parameters", name), &ptr);
                        params.insert(
                            name.clone(),
                            parameter(
                                p,
                                &child("/components/parameters", name),
                                &ptr,
                                &mut remap,
                                diags,
                            ),
                        );
                    }
                }
                if !params.is_empty() {
                    components.insert("parameters".into(), Value::Object(params));
                }
                if !bodies.is_empty() {
                    components.insert("requestBodies".into(), Value::Object(bodies));
                }
            }
            "responses" => {
                let mut responses = Map::new();
                for (name, r) in value.as_object().into_iter().flatten() {
                    let (new, old) = (
                        child("/components/responses", name),
                        child("/responses", name),
                    );
                    responses.insert(
                        name.clone(),
                        response(r, &global_produces, &new, &old, &mut remap),
                    );
                }
                components.insert("responses".into(), Value::Object(responses));
            }
            "securityDefinitions" => {
                let mut schemes = Map::new();
                for (name, s) in value.as_object().into_iter().flatten() {
                    schemes.insert(name.clone(), security_scheme(s));
                }
                components.insert("securitySchemes".into(), Value::Object(schemes));
                remap.add("/components/securitySchemes", "/securityDefinitions");
            }
            "paths" => {
                let mut paths = Map::new();
                for (path, item) in value.as_object().into_iter().flatten() {
                    let ptr = child("/paths", path);
                    let ctx = Ctx {
                        consumes: &global_consumes,
                        produces: &global_produces,
                        params: &global_params,
                    };
                    paths.insert(path.clone(), path_item(item, &ptr, &ctx, &mut remap, diags));
                }
                out.insert("paths".into(), Value::Object(paths));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    if let Some(host) = src.get("host").and_then(Value::as_str) {
        let scheme = strings(src.get("schemes"))
            .into_iter()
            .find(|s| s == "https")
            .or_else(|| strings(src.get("schemes")).into_iter().next())
            .unwrap_or_else(|| "https".into());
        let base = src.get("basePath").and_then(Value::as_str).unwrap_or("");
        out.insert(
            "servers".into(),
            json!([{ "url": format!("{scheme}://{host}{}", base.trim_end_matches('/')) }]),
        );
    } else if let Some(base) = src
        .get("basePath")
        .and_then(Value::as_str)
        .filter(|b| *b != "/")
    {
        out.insert("servers".into(), json!([{ "url": base }]));
    }
    if !components.is_empty() {
        out.insert("components".into(), Value::Object(components));
    }
    let mut doc = Value::Object(out);
    rewrite_refs(&mut doc, &global_params, 0, false);
    schemas(&mut doc, diags);
    (doc, remap)
}

struct Ctx<'a> {
    consumes: &'a [String],
    produces: &'a [String],
    params: &'a Map<String, Value>,
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn path_item(
    item: &Value,
    ptr: &str,
    ctx: &Ctx,
    remap: &mut Remap,
    diags: &mut Diagnostics,
) -> Value {
    let Value::Object(item) = item else {
        return item.clone();
    };
    let mut out = Map::new();
    for (key, value) in item {
        match key.as_str() {
            "parameters" => {
                // Path-level body/formData parameters are rare; they join each operation's.
                let list = child(ptr, "parameters");
                let kept: Vec<Value> = value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .enumerate()
                    .filter(|(_, p)| !matches!(param_in(p, ctx.params), Some("body" | "formData")))
                    .map(|(i, p)| {
                        let old = child(&list, i.to_string());
                        parameter(p, &old, &old, remap, diags)
                    })
                    .collect();
                out.insert(key.clone(), Value::Array(kept));
            }
            "get" | "put" | "post" | "delete" | "options" | "head" | "patch" => {
                let shared: Vec<Value> = item
                    .get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter(|p| matches!(param_in(p, ctx.params), Some("body" | "formData")))
                    .cloned()
                    .collect();
                out.insert(
                    key.clone(),
                    operation(value, &shared, &child(ptr, key), ctx, remap, diags),
                );
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    Value::Object(out)
}

/// `in` of a parameter, looking through a `$ref` to a global parameter.
fn param_in<'a>(p: &'a Value, globals: &'a Map<String, Value>) -> Option<&'a str> {
    if let Some(r) = p.get("$ref").and_then(Value::as_str)
        && p.get("in").is_none()
    {
        let name = r.strip_prefix("#/parameters/")?;
        return globals
            .get(&tokens(&format!("/{name}"))[0])?
            .get("in")?
            .as_str();
    }
    p.get("in")?.as_str()
}

fn operation(
    op: &Value,
    shared: &[Value],
    ptr: &str,
    ctx: &Ctx,
    remap: &mut Remap,
    diags: &mut Diagnostics,
) -> Value {
    let Value::Object(op) = op else {
        return op.clone();
    };
    let consumes = op
        .get("consumes")
        .map(|c| strings(Some(c)))
        .unwrap_or_else(|| ctx.consumes.to_vec());
    let produces = op
        .get("produces")
        .map(|p| strings(Some(p)))
        .unwrap_or_else(|| ctx.produces.to_vec());
    let mut out = Map::new();
    let mut params = Vec::new();
    let mut form: Vec<(usize, Value)> = Vec::new();
    let mut request_body = None;
    let list = child(ptr, "parameters");
    for (i, p) in op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(shared)
        .enumerate()
    {
        let old = child(&list, i.to_string());
        match param_in(p, ctx.params) {
            Some("body") => {
                if p.get("$ref").is_some() {
                    // Rewritten to `#/components/requestBodies/…` with the other references.
                    request_body = Some(p.clone());
                } else {
                    request_body =
                        Some(body(p, &consumes, &child(ptr, "requestBody"), &old, remap));
                }
            }
            Some("formData") => {
                let resolved = match p
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/parameters/"))
                {
                    Some(name) => ctx.params.get(name).cloned().unwrap_or(Value::Null),
                    None => p.clone(),
                };
                form.push((i, resolved));
            }
            _ => {
                let new = child(&list, params.len().to_string());
                params.push(parameter(p, &new, &old, remap, diags));
            }
        }
    }
    if !form.is_empty() {
        request_body = Some(form_body(&form, &consumes, ptr, &list, remap));
    }
    for (key, value) in op {
        match key.as_str() {
            "consumes" | "produces" | "schemes" => {}
            "parameters" => {
                if !params.is_empty() {
                    out.insert(
                        "parameters".into(),
                        Value::Array(std::mem::take(&mut params)),
                    );
                }
                if let Some(b) = request_body.take() {
                    out.insert("requestBody".into(), b);
                }
            }
            "responses" => {
                let mut responses = Map::new();
                for (code, r) in value.as_object().into_iter().flatten() {
                    let rptr = child(&child(ptr, "responses"), code);
                    responses.insert(code.clone(), response(r, &produces, &rptr, &rptr, remap));
                }
                out.insert(key.clone(), Value::Object(responses));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    if let Some(b) = request_body {
        out.insert("requestBody".into(), b);
    }
    Value::Object(out)
}

fn media_types(list: &[String]) -> Vec<String> {
    if list.is_empty() {
        vec!["application/json".to_owned()]
    } else {
        list.to_vec()
    }
}

fn body(p: &Value, consumes: &[String], new: &str, old: &str, remap: &mut Remap) -> Value {
    let schema = p.get("schema").cloned().unwrap_or_else(|| json!({}));
    let mut content = Map::new();
    for m in media_types(consumes) {
        remap.add(
            child(&child(&child(new, "content"), &m), "schema"),
            child(old, "schema"),
        );
        content.insert(m, json!({ "schema": schema }));
    }
    remap.add(new, old);
    let mut b = Map::new();
    if let Some(d) = p.get("description") {
        b.insert("description".into(), d.clone());
    }
    b.insert("content".into(), Value::Object(content));
    if p.get("required").and_then(Value::as_bool) == Some(true) {
        b.insert("required".into(), json!(true));
    }
    for (k, v) in p
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.starts_with("x-"))
    {
        b.insert(k.clone(), v.clone());
    }
    Value::Object(b)
}

fn form_body(
    form: &[(usize, Value)],
    consumes: &[String],
    op_ptr: &str,
    list: &str,
    remap: &mut Remap,
) -> Value {
    let has_file = form
        .iter()
        .any(|(_, p)| p.get("type").and_then(Value::as_str) == Some("file"));
    let media = if has_file
        || consumes
            .iter()
            .any(|c| c.starts_with("multipart/form-data"))
    {
        "multipart/form-data"
    } else {
        "application/x-www-form-urlencoded"
    };
    let schema_ptr = child(
        &child(&child(&child(op_ptr, "requestBody"), "content"), media),
        "schema",
    );
    let mut properties = Map::new();
    let mut required = Vec::new();
    for (i, p) in form {
        let Some(name) = p.get("name").and_then(Value::as_str) else {
            continue;
        };
        let mut s = inline_schema(p);
        if let Some(d) = p.get("description") {
            s.insert("description".into(), d.clone());
        }
        remap.add(
            child(&child(&schema_ptr, "properties"), name),
            child(list, i.to_string()),
        );
        properties.insert(name.to_owned(), Value::Object(s));
        if p.get("required").and_then(Value::as_bool) == Some(true) {
            required.push(json!(name));
        }
    }
    remap.add(child(op_ptr, "requestBody"), list);
    let mut schema = json!({ "type": "object", "properties": properties });
    if !required.is_empty() {
        schema["required"] = Value::Array(required);
    }
    json!({ "content": { media: { "schema": schema } } })
}

/// The schema of a non-body parameter, header or `items`.
fn inline_schema(p: &Value) -> Map<String, Value> {
    let mut s = Map::new();
    for k in SCHEMA_KEYS {
        if let Some(v) = p.get(k) {
            let v = match k {
                "items" => Value::Object(inline_schema(v)),
                _ => v.clone(),
            };
            s.insert(k.to_owned(), v);
        }
    }
    if s.get("type").and_then(Value::as_str) == Some("file") {
        s.insert("type".into(), json!("string"));
        s.insert("format".into(), json!("binary"));
    }
    if let Some(r) = p.get("$ref") {
        s.insert("$ref".into(), r.clone());
    }
    s
}

fn parameter(p: &Value, new: &str, old: &str, remap: &mut Remap, diags: &mut Diagnostics) -> Value {
    remap.add(new, old);
    let Value::Object(map) = p else {
        return p.clone();
    };
    if map.contains_key("$ref") && !map.contains_key("in") {
        return p.clone();
    }
    remap.add(child(new, "schema"), old);
    let mut out = Map::new();
    for (k, v) in map {
        if SCHEMA_KEYS.contains(&k.as_str())
            || k == "$ref"
            || k == "collectionFormat"
            || k == "allowEmptyValue" && map.get("in").and_then(Value::as_str) != Some("query")
        {
            continue;
        }
        out.insert(k.clone(), v.clone());
    }
    let location = map.get("in").and_then(Value::as_str).unwrap_or("query");
    if map.get("type").and_then(Value::as_str) == Some("array") {
        let format = map
            .get("collectionFormat")
            .and_then(Value::as_str)
            .unwrap_or("csv");
        let (style, explode) = match (location, format) {
            ("query", "multi") => ("form", true),
            ("query", "ssv") => ("spaceDelimited", false),
            ("query", "pipes") => ("pipeDelimited", false),
            ("query", "csv") => ("form", false),
            (_, "csv") => ("simple", false),
            (_, other) => {
                diags.push(
                    Diagnostic::warning(
                        "unsupported-collection-format",
                        at_swagger(&child(old, "collectionFormat")),
                        format!("`collectionFormat: {other}` has no OpenAPI 3 equivalent for a {location} parameter; values are sent comma-separated"),
                    )
                    .with_help("use csv, ssv, pipes or (in the query) multi"),
                );
                (
                    if location == "query" {
                        "form"
                    } else {
                        "simple"
                    },
                    false,
                )
            }
        };
        out.insert("style".into(), json!(style));
        out.insert("explode".into(), json!(explode));
    }
    let mut schema = inline_schema(p);
    if let Some(r) = map.get("$ref") {
        // A parameter with its own `name` and `in` beside a `$ref` (hey-api's fixtures): the
        // reference can only be its type.
        diags.push(
            Diagnostic::warning(
                "parameter-ref-as-schema",
                at_swagger(&child(old, "$ref")),
                "a non-body parameter has `name` and `in` and also a `$ref`; read the `$ref` as its type",
            )
            .with_help("Swagger 2.0 parameters other than `body` take `type`/`format`/`items`, not a schema `$ref`; use a `body` parameter or a simple type"),
        );
        schema.insert("$ref".into(), r.clone());
    }
    out.insert("schema".into(), Value::Object(schema));
    if location == "path" {
        out.insert("required".into(), json!(true));
    }
    Value::Object(out)
}

fn response(r: &Value, produces: &[String], new: &str, old: &str, remap: &mut Remap) -> Value {
    let Value::Object(map) = r else {
        return r.clone();
    };
    if map.contains_key("$ref") {
        return r.clone();
    }
    let mut out = Map::new();
    out.insert(
        "description".into(),
        map.get("description").cloned().unwrap_or_else(|| json!("")),
    );
    if let Some(Value::Object(headers)) = map.get("headers") {
        let converted: Map<String, Value> = headers
            .iter()
            .map(|(name, h)| {
                let mut header = Map::new();
                if let Some(d) = h.get("description") {
                    header.insert("description".into(), d.clone());
                }
                header.insert("schema".into(), Value::Object(inline_schema(h)));
                (name.clone(), Value::Object(header))
            })
            .collect();
        out.insert("headers".into(), Value::Object(converted));
    }
    if let Some(schema) = map.get("schema") {
        let examples = map.get("examples").and_then(Value::as_object);
        let mut content = Map::new();
        // `content` as a whole (a body HTTP forbids, say) is the response's `schema`.
        remap.add(child(new, "content"), child(old, "schema"));
        for m in media_types(produces) {
            let media_ptr = child(&child(new, "content"), &m);
            remap.add(child(&media_ptr, "schema"), child(old, "schema"));
            remap.add(child(&media_ptr, "example"), child(old, "examples"));
            remap.add(child(&media_ptr, "examples"), child(old, "examples"));
            let mut media = Map::new();
            media.insert("schema".into(), schema.clone());
            if let Some(examples) = examples {
                if let Some(e) = examples.get(&m) {
                    media.insert("example".into(), e.clone());
                    remap.add(
                        child(&media_ptr, "example"),
                        child(&child(old, "examples"), &m),
                    );
                } else if examples.keys().all(|k| !k.contains('/')) && !examples.is_empty() {
                    // GitLab names its examples instead of keying them by media type.
                    let named: Map<String, Value> = examples
                        .iter()
                        .map(|(k, v)| {
                            remap.add(
                                child(&child(&child(&media_ptr, "examples"), k), "value"),
                                child(&child(old, "examples"), k),
                            );
                            (k.clone(), json!({ "value": v }))
                        })
                        .collect();
                    media.insert("examples".into(), Value::Object(named));
                }
            }
            content.insert(m, Value::Object(media));
        }
        out.insert("content".into(), Value::Object(content));
    }
    for (k, v) in map.iter().filter(|(k, _)| k.starts_with("x-")) {
        out.insert(k.clone(), v.clone());
    }
    remap.add(new, old);
    Value::Object(out)
}

fn security_scheme(s: &Value) -> Value {
    match s.get("type").and_then(Value::as_str) {
        Some("basic") => {
            let mut out = json!({ "type": "http", "scheme": "basic" });
            if let Some(d) = s.get("description") {
                out["description"] = d.clone();
            }
            out
        }
        Some("oauth2") => {
            let scopes = s.get("scopes").cloned().unwrap_or_else(|| json!({}));
            let mut flow = json!({ "scopes": scopes });
            if let Some(u) = s.get("authorizationUrl") {
                flow["authorizationUrl"] = u.clone();
            }
            if let Some(u) = s.get("tokenUrl") {
                flow["tokenUrl"] = u.clone();
            }
            let name = match s.get("flow").and_then(Value::as_str) {
                Some("password") => "password",
                Some("application") => "clientCredentials",
                Some("accessCode") => "authorizationCode",
                _ => "implicit",
            };
            let mut out = json!({ "type": "oauth2", "flows": { name: flow } });
            if let Some(d) = s.get("description") {
                out["description"] = d.clone();
            }
            out
        }
        _ => s.clone(),
    }
}

/// `#/definitions/X` → `#/components/schemas/X`, and likewise for parameters (body ones to
/// `requestBodies`) and responses.
/// Keys whose value is a map from names the spec chose to nodes: under them, `default`,
/// `example` or `enum` is a name (Slack's `default` response, a property called `example`), not
/// a literal value whose `$ref`-like keys must stay as written.
const NAMED_MAPS: &[&str] = &[
    "definitions",
    "headers",
    "parameters",
    "paths",
    "patternProperties",
    "properties",
    "responses",
    "schemas",
    "securityDefinitions",
];

/// `names`: `v` is a map of [`NAMED_MAPS`], whose keys are names.
fn rewrite_refs(v: &mut Value, global_params: &Map<String, Value>, depth: usize, names: bool) {
    if depth > 256 {
        return;
    }
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get_mut("$ref") {
                if let Some(rest) = r.strip_prefix("#/definitions/") {
                    *r = format!("#/components/schemas/{rest}");
                } else if let Some(rest) = r.strip_prefix("#/parameters/") {
                    let is_body = global_params
                        .get(rest)
                        .and_then(|p| p.get("in"))
                        .and_then(Value::as_str)
                        == Some("body");
                    *r = format!(
                        "#/components/{}/{rest}",
                        if is_body {
                            "requestBodies"
                        } else {
                            "parameters"
                        }
                    );
                } else if let Some(rest) = r.strip_prefix("#/responses/") {
                    *r = format!("#/components/responses/{rest}");
                }
            }
            for (k, child_v) in m.iter_mut() {
                let literal =
                    !names && matches!(k.as_str(), "example" | "examples" | "default" | "enum");
                if !literal {
                    let map = !names && NAMED_MAPS.contains(&k.as_str());
                    rewrite_refs(child_v, global_params, depth + 1, map);
                }
            }
        }
        Value::Array(a) => {
            for child_v in a {
                rewrite_refs(child_v, global_params, depth + 1, false);
            }
        }
        _ => {}
    }
}

/// Schema keywords that differ between JSON Schema draft 4 as Swagger 2.0 uses it and
/// OpenAPI 3.0.
fn schemas(doc: &mut Value, _diags: &mut Diagnostics) {
    for p in crate::walk::schema_pointers(doc) {
        let Some(Value::Object(s)) = doc.pointer_mut(&p) else {
            continue;
        };
        if s.get("type").and_then(Value::as_str) == Some("file") {
            s.insert("type".into(), json!("string"));
            s.insert("format".into(), json!("binary"));
        }
        if let Some(n) = s.remove("x-nullable") {
            if let Some(reference) = s.remove("$ref") {
                // go-swagger's nullable reference (Docker, Harbor): the 3.0 form wraps it, as
                // 3.0 ignores a `$ref`'s siblings. A `false` says nothing.
                if n == Value::Bool(true) {
                    s.insert("allOf".into(), json!([{ "$ref": reference }]));
                    s.insert("nullable".into(), n);
                } else {
                    s.insert("$ref".into(), reference);
                }
            } else {
                s.insert("nullable".into(), n);
            }
        }
        if let Some(Value::String(d)) = s.get("discriminator").cloned() {
            s.insert("discriminator".into(), json!({ "propertyName": d }));
        }
    }
}
