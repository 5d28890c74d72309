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
pub mod json_schema;
pub mod merge;
pub mod plural_refs;
pub mod quirks;
pub mod structure;
pub mod swagger2;
pub mod undocumented;

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

/// Origin "file" of a pointer into the bundled document (as written, before any conversion);
/// the pipeline maps it to the real file through the bundle's provenance.
pub const BUNDLED: &str = "";
/// Origin "file" of a pointer into the normalized document (after Swagger 2.0 conversion);
/// the pipeline maps it back through the conversion's [`swagger2::Remap`], then as [`BUNDLED`].
pub const NORMALIZED: &str = "\u{0}normalized";

/// The origin of a node of the normalized document (every stage after conversion).
pub(crate) fn at(pointer: &str) -> Origin {
    Origin::new(NORMALIZED, pointer)
}

/// The origin of a node of the bundled document, as the Swagger 2.0 converter sees it.
pub(crate) fn at_swagger(pointer: &str) -> Origin {
    Origin::new(BUNDLED, pointer)
}

/// Origin "file" of a pointer into further root document `root`'s bundled form (1 for the
/// first of `merge`); root 0, the spec, is [`BUNDLED`].
pub fn bundled_root(root: usize) -> String {
    match root {
        0 => BUNDLED.to_owned(),
        n => format!("\u{0}bundled{n}"),
    }
}

/// The root document a [`bundled_root`] origin names.
pub fn root_of(file: &str) -> Option<usize> {
    match file {
        BUNDLED => Some(0),
        f => f.strip_prefix("\u{0}bundled")?.parse().ok(),
    }
}

/// One root document converted to OpenAPI 3: its version, the converter's moves and the
/// structure rules it is read by.
fn convert(
    doc: Value,
    diags: &mut Diagnostics,
) -> Option<(Value, Version, swagger2::Remap, structure::Rules)> {
    let version = check_version(&doc, diags)?;
    Some(match version {
        Version::Swagger2 => {
            let (converted, map) = swagger2::convert(doc, diags);
            let rules = structure::Rules {
                v3_1: false,
                v3_2: false,
            };
            (converted, version, map, rules)
        }
        Version::OpenApi3 { minor } => {
            let rules = structure::Rules {
                v3_1: minor >= 1,
                v3_2: minor >= 2,
            };
            (doc, version, swagger2::Remap::default(), rules)
        }
    })
}

/// Normalizes `doc`, with the further root documents `merged` merged into it (each converted
/// first; see [`merge`]). Returns `None` when an error makes a model impossible.
pub fn normalize(
    doc: Value,
    merged: Vec<Value>,
    overlay: Option<(&str, &Overlay)>,
    settings: &Settings,
    remap: &mut swagger2::Remap,
    diags: &mut Diagnostics,
) -> Option<Normalized> {
    let (mut doc, version, map, mut rules) = convert(doc, diags)?;
    *remap = map;
    for (i, other) in merged.into_iter().enumerate() {
        let root = i + 1;
        let mark = diags.0.len();
        let converted = convert(other, diags);
        // What the conversion said is about this document, not the spec's.
        for d in &mut diags.0[mark..] {
            if d.origin.file == BUNDLED {
                d.origin.file = bundled_root(root);
            }
        }
        let Some((other, _, moves, other_rules)) = converted else {
            continue;
        };
        remap.push_root(moves);
        rules.v3_1 |= other_rules.v3_1;
        rules.v3_2 |= other_rules.v3_2;
        merge::merge(&mut doc, other, root, remap, diags);
    }
    if diags.has_errors() {
        return None;
    }
    if let Some((file, ov)) = overlay {
        diags.extend(overlay::apply(&mut doc, ov, file));
    }
    structure::apply(&mut doc, rules, diags);
    let dialect = match version {
        Version::Swagger2 => json_schema::Dialect::Swagger2,
        Version::OpenApi3 { .. } if rules.v3_1 => json_schema::Dialect::Modern,
        Version::OpenApi3 { .. } => json_schema::Dialect::OpenApi30,
    };
    json_schema::apply(&mut doc, dialect, diags);
    quirks::apply_all(&mut doc, settings.pagination, remap, diags);
    if settings.plural_refs_as_lists {
        plural_refs::apply(&mut doc, diags);
    }
    if settings.undocumented_strings == UndocumentedStrings::Infer {
        undocumented::apply(&mut doc, diags);
    }
    if settings.query_array_style == Some(QueryArrayStyle::Brackets) {
        bracket_array_queries(&mut doc);
    }
    id_or_path_parameters(&mut doc, settings);
    if diags.has_errors() {
        return None;
    }
    match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&doc) {
        Ok(model) => Some(Normalized { doc, model }),
        Err(e) => {
            let pointer = path_to_pointer(e.path());
            let (pointer, message) = drill(&doc, pointer, e.into_inner().to_string());
            // serde quotes the wrong value whole; the pointer already says where it is.
            let message = crate::diag::clip_quoted(&message);
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
    /// Path prefixes whose last parameter takes a numeric id or a path, e.g.
    /// `"/api/v4/projects/{id}"` (GitLab: `42` or `group/project`, sent as one encoded segment):
    /// in every path under a prefix, that parameter's schema becomes `anyOf: [integer, string]`.
    #[serde(default)]
    pub id_or_path: Vec<String>,
    /// Where operations' method names come from ([`OperationNames`]); `auto` by default.
    #[serde(default)]
    pub operation_names: OperationNames,
    /// Method names chosen by hand, by operation: the key is `"METHOD /path"` as the spec
    /// writes the path (`"GET /api/v4/user"`) or the operationId; the value the method's name
    /// (`get_current_user`). Wins over every rule, and over `x-rust-name` in the spec.
    #[serde(default)]
    pub rename: std::collections::BTreeMap<String, String>,
    /// Path words that names made from paths leave out where they are not the last segment
    /// (GitLab's `"repository"`: `GET /projects/{id}/repository/commits/{sha}/statuses` is
    /// `list_project_commit_statuses`, as python-gitlab's `project.commits` has it).
    #[serde(default)]
    pub skip_path_words: Vec<String>,
    /// Path prefixes whose operations are not generated, for endpoints the API no longer
    /// serves (GitLab: `"/api/v3/"`, removed in GitLab 11.0); each one dropped is a warning.
    #[serde(default)]
    pub drop_paths: Vec<String>,
    /// Type names chosen by hand: component schema name → Rust type name
    /// (`API_Entities_MergeRequestBasic = "MergeRequestSummary"`).
    #[serde(default)]
    pub rename_types: std::collections::BTreeMap<String, String>,
    /// What a response field declared `type: string` and nothing more is
    /// ([`UndocumentedStrings`]); `trust` by default.
    #[serde(default)]
    pub undocumented_strings: UndocumentedStrings,
    /// A response field with a plural name that refers to one object of a singular-named
    /// schema (`reviewers: {$ref: UserBasic}`) is a list of them ([`plural_refs`]; Grape,
    /// GitLab). Off by default.
    #[serde(default)]
    pub plural_refs_as_lists: bool,
    /// Every struct that responses carry keeps the keys of a JSON object that its schema does
    /// not declare, as sent, in a map field (`extra`, [`crate::ir::TypeDef::unknown_fields`]):
    /// for specs known to under-declare, such as GitLab's. Off by default: such keys are
    /// skipped.
    #[serde(default)]
    pub keep_unknown_fields: bool,
    /// Which list operations the client can page through, and how ([`Pagination`]);
    /// `declared` by default.
    #[serde(default)]
    pub pagination: Pagination,
    /// Pagination by a cursor in the body (`[settings.cursor]`, [`Cursor`]): which query
    /// parameter takes it and where the response has the next one. Without it, only what the
    /// spec declares pages so: a `GET` that takes a query parameter `P` and whose response
    /// object has a field `next_P` (`cursor` and `next_cursor`).
    #[serde(default)]
    pub cursor: Option<Cursor>,
    /// Warning codes not reported (`allow = ["example-undeclared-property"]`), as rustc's
    /// `#[allow]`: for a defect known and accepted. Codes are listed in [`crate::diag::CODES`].
    #[serde(default)]
    pub allow: Vec<String>,
    /// Warning codes that are errors and stop generation (`deny = ["dangling-ref"]`), as
    /// rustc's `#[deny]`.
    #[serde(default)]
    pub deny: Vec<String>,
}

impl Settings {
    /// The path parameter of `path` that setting `id_or_path` makes an id or a path: the last
    /// parameter of the first prefix `path` is under (`/api/v4/projects/{id}` → `id`).
    pub fn id_or_path_param(&self, path: &str) -> Option<&str> {
        self.id_or_path.iter().find_map(|prefix| {
            let under = path == prefix || path.starts_with(&format!("{prefix}/"));
            under
                .then(|| {
                    prefix
                        .rsplit('/')
                        .find_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                })
                .flatten()
        })
    }
}

/// Setting `pagination`: which list operations page, and by what. Whatever the setting, only a
/// `GET` whose success body is a list pages; the client then reads the next page from the
/// `Link: rel="next"` header (RFC 8288) when there is one, else from `X-Next-Page` with the
/// `page` query parameter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pagination {
    /// Only what the spec declares: the success response declares a `Link` header, or an
    /// `X-Next-Page` header and the operation takes a `page` query parameter.
    #[default]
    Declared,
    /// Every list `GET` that takes a `page` query parameter pages, whatever its responses
    /// declare: the server answers with `X-Next-Page` or `Link` headers that the spec leaves
    /// out (GitLab).
    PageHeaders,
    /// No operation pages.
    None,
}

/// Setting `cursor`: list operations that page by a cursor in the response body (Slack's
/// `response_metadata.next_cursor`, sent back as `cursor`). An operation pages so when it is a
/// `GET` taking the query parameter `param` and its response object has the field `next` points
/// at and exactly one list field, whose items the pages hold.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Cursor {
    /// The query parameter that takes the cursor (`cursor`).
    pub param: String,
    /// A JSON pointer to the next page's cursor in the response body
    /// (`/response_metadata/next_cursor`); absent, `null` or empty on the last page.
    pub next: String,
}

/// Setting `undocumented_strings`: what a response field declared `type: string` and nothing
/// more (or with an example of another type) holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UndocumentedStrings {
    /// A string, as declared.
    #[default]
    Trust,
    /// Whatever the evidence shows: its examples, else the same field name documented
    /// elsewhere, else any JSON value (Grape, GitLab: [`undocumented`]).
    Infer,
}

/// Setting `operation_names`: where an operation's method name comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OperationNames {
    /// The operationId when a person wrote it; the method and path (verb and resource:
    /// `list_project_merge_requests`) when a tool made it from them, or there is none. The
    /// rule is [`crate::lower::names`]'s.
    #[default]
    Auto,
    /// Always the operationId (snake case); method and path where there is none.
    OperationId,
    /// Always the method and path.
    Path,
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
/// standard OpenAPI so that the effective spec tells other tools the truth too — and so does
/// every array field of a form body. The Rust name stays `name`.
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
    // Form bodies read their array fields the same way.
    let mut form_arrays = Vec::new();
    let form_only = form_only_refs(doc);
    for p in crate::walk::schema_pointers(doc) {
        let toks = crate::diag::tokens(&p);
        let is_form_schema = matches!(toks.as_slice(), [.., body, content, media, schema]
            if body == "requestBody" && content == "content" && schema == "schema"
                && (media.starts_with("multipart/form-data") || media.starts_with("application/x-www-form-urlencoded")));
        if !is_form_schema {
            continue;
        }
        // A form schema that is a component: renamed where it is, when only form bodies use
        // it; else the form body gets a copy of its own (a form body has no Rust type, so the
        // copy costs no name).
        let mut at = p.clone();
        if let Some(target) = local_schema_ref(doc, &p) {
            if form_only.get(&target).copied().unwrap_or(false) {
                at = target;
            } else if let Some(copy) = doc.pointer(&target).cloned() {
                if let Some(slot) = doc.pointer_mut(&p) {
                    *slot = copy;
                }
            }
        }
        if let Some(Value::Object(props)) = doc.pointer(&at).and_then(|s| s.get("properties")) {
            for (name, prop) in props {
                if prop.get("type").and_then(Value::as_str) == Some("array")
                    && !name.ends_with("[]")
                    && !form_arrays.contains(&(at.clone(), name.clone()))
                {
                    form_arrays.push((at.clone(), name.clone()));
                }
            }
        }
    }
    for (schema_ptr, name) in form_arrays {
        let Some(Value::Object(schema)) = doc.pointer_mut(&schema_ptr) else {
            continue;
        };
        if let Some(Value::Object(props)) = schema.get_mut("properties") {
            // Keep the property's place: rebuild the map with the new key where the old one was.
            let old = std::mem::take(props);
            *props = old
                .into_iter()
                .map(|(k, v)| {
                    if k == name {
                        (format!("{k}[]"), v)
                    } else {
                        (k, v)
                    }
                })
                .collect();
        }
        if let Some(Value::Array(required)) = schema.get_mut("required") {
            for r in required.iter_mut() {
                if r.as_str() == Some(name.as_str()) {
                    *r = Value::String(format!("{name}[]"));
                }
            }
        }
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

/// The pointer of the component schema that the schema at `pointer` is a local `$ref` to.
fn local_schema_ref(doc: &Value, pointer: &str) -> Option<String> {
    let r = doc.pointer(pointer)?.get("$ref")?.as_str()?;
    let target = r.strip_prefix('#')?;
    target
        .starts_with("/components/schemas/")
        .then(|| target.to_owned())
}

/// For each local `$ref` target (a pointer), whether every `$ref` to it is the schema of a
/// form request body.
fn form_only_refs(doc: &Value) -> std::collections::BTreeMap<String, bool> {
    fn walk(v: &Value, at: &mut Vec<String>, out: &mut std::collections::BTreeMap<String, bool>) {
        match v {
            Value::Object(map) => {
                if let Some(target) = map
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix('#'))
                {
                    let form = matches!(at.as_slice(), [.., body, content, media, schema]
                        if body == "requestBody" && content == "content" && schema == "schema"
                            && (media.starts_with("multipart/form-data")
                                || media.starts_with("application/x-www-form-urlencoded")));
                    *out.entry(target.to_owned()).or_insert(true) &= form;
                }
                for (k, child) in map {
                    at.push(k.clone());
                    walk(child, at, out);
                    at.pop();
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    at.push(i.to_string());
                    walk(child, at, out);
                    at.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(doc, &mut Vec::new(), &mut out);
    out
}

enum Version {
    Swagger2,
    /// OpenAPI 3.x with its minor version.
    OpenApi3 {
        minor: u32,
    },
}

/// Setting `id_or_path`, written into the effective spec as standard OpenAPI (so that tools
/// reading it, Prism among them, accept `group%2Fproject`): under each prefix, the prefix's last
/// path parameter is `anyOf: [integer, string]`. Lowering makes it an `IdOrPath` from the
/// setting itself ([`Settings::id_or_path_param`]), not from this shape.
fn id_or_path_parameters(doc: &mut Value, settings: &Settings) {
    let mut targets = Vec::new();
    let Some(Value::Object(paths)) = doc.get("paths") else {
        return;
    };
    for (path, item) in paths {
        let Some(name) = settings.id_or_path_param(path) else {
            continue;
        };
        let item_ptr = crate::diag::child("/paths", path);
        let Value::Object(item) = item else { continue };
        for (key, value) in item {
            let list = if key == "parameters" {
                crate::diag::child(&item_ptr, "parameters")
            } else {
                crate::diag::child(&crate::diag::child(&item_ptr, key), "parameters")
            };
            let params = if key == "parameters" {
                Some(value)
            } else {
                value.get("parameters")
            };
            for (i, p) in params
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                if p.get("in").and_then(Value::as_str) == Some("path")
                    && p.get("name").and_then(Value::as_str) == Some(name)
                {
                    targets.push(crate::diag::child(&list, i.to_string()));
                }
            }
        }
    }
    for t in targets {
        if let Some(Value::Object(p)) = doc.pointer_mut(&t) {
            p.insert(
                "schema".into(),
                serde_json::json!({ "anyOf": [{ "type": "integer" }, { "type": "string" }] }),
            );
        }
    }
}

fn check_version(doc: &Value, diags: &mut Diagnostics) -> Option<Version> {
    let map = doc.as_object()?;
    let text = |v: &Value| {
        let text = v
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| v.to_string());
        crate::diag::clip(&text).into_owned()
    };
    if let Some(v) = map.get("openapi") {
        if let Some(rest) = text(v).strip_prefix("3.") {
            let minor = rest
                .split('.')
                .next()
                .and_then(|m| m.parse().ok())
                .unwrap_or(0);
            return Some(Version::OpenApi3 { minor });
        }
        diags.push(
            Diagnostic::error(
                "unsupported-version",
                at_swagger("/openapi"),
                format!(
                    "`openapi: {}` is not a version this generator reads",
                    text(v)
                ),
            )
            .with_help("supported: OpenAPI 3.0, 3.1, 3.2 and Swagger 2.0"),
        );
        return None;
    }
    if let Some(v) = map.get("swagger") {
        if text(v).starts_with("2.") {
            return Some(Version::Swagger2);
        }
        diags.push(
            Diagnostic::error(
                "unsupported-version",
                at_swagger("/swagger"),
                format!(
                    "`swagger: {}` is not a version this generator reads",
                    text(v)
                ),
            )
            .with_help("supported: OpenAPI 3.0, 3.1, 3.2 and Swagger 2.0"),
        );
        return None;
    }
    diags.push(
        Diagnostic::error(
            "not-openapi",
            at_swagger(""),
            "the document has neither `openapi` nor `swagger`: it is not an OpenAPI document",
        )
        .with_help("add `openapi: 3.0.3` at the top, or point the generator at the right file"),
    );
    None
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
