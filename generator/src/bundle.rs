//! Bundling: a spec spread over files and JSON pointers → one self-contained document.
//!
//! In: the root file name and a [`FileSource`]. Out: [`Bundled`] — one `serde_json::Value` in
//! which every `$ref` is either local to a standard components section
//! (`#/components/schemas/X`, or `#/definitions/X` for Swagger 2.0) or gone, plus the
//! [`Provenance`] that maps each pointer of the bundled document back to the file and pointer it
//! was written at, so later diagnostics can be located.
//!
//! The walk knows the OpenAPI object model, so it knows what each `$ref` stands for:
//! - path items (and anything that has no components section) are inlined — this is how GitLab's
//!   `$ref: 'v4/access_requests.yaml#/accessRequestsProjects'` and the flattened layout's
//!   non-standard `$ref: '#/metadata'` both become ordinary path items;
//! - schemas, parameters, responses, … that live elsewhere (another file, or a non-standard place
//!   in this one) are hoisted into the components section under a unique name and referenced
//!   there, so shared and recursive schemas stay shared and recursion stays finite.
//!
//! Dangling references, files that cannot be read, remote (`http://`) references and cycles of
//! inlined references are reported; nothing loops: hoisted targets are named before they are
//! walked, inlining keeps a stack, and nesting is bounded.

use crate::diag::{Diagnostic, Diagnostics, Origin, child, tokens};
use crate::load::{self, FileErrorKind, FileSource};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::rc::Rc;

/// How deep the walk may nest before the document is declared hostile.
const MAX_DEPTH: usize = 200;

/// The bundled document and where its parts came from.
#[derive(Debug, Clone)]
pub struct Bundled {
    pub doc: Value,
    pub root_file: String,
    pub provenance: Provenance,
    /// Every file that was read, with its text, for locating diagnostics.
    pub files: Vec<(String, String)>,
}

/// Maps pointers of the bundled document back to the file and pointer they were written at.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    /// bundled pointer prefix → origin of that node; longest prefix wins.
    entries: BTreeMap<String, Origin>,
}

impl Provenance {
    fn record(&mut self, bundled: &str, origin: Origin) {
        self.entries.insert(bundled.to_owned(), origin);
    }

    /// The origin of the node at `pointer` of the bundled document.
    pub fn origin(&self, pointer: &str) -> Origin {
        let mut prefix = pointer.to_owned();
        loop {
            if let Some(o) = self.entries.get(&prefix) {
                return Origin::new(
                    o.file.clone(),
                    format!("{}{}", o.pointer, &pointer[prefix.len()..]),
                );
            }
            match prefix.rfind('/') {
                Some(i) => prefix.truncate(i),
                None if prefix.is_empty() => return Origin::new("", pointer),
                None => prefix.clear(),
            }
        }
    }
}

/// What a node of the document is, as far as `$ref` handling cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Root,
    Paths,
    PathItem,
    Operation,
    Components,
    Parameter,
    RequestBody,
    MediaType,
    Encoding,
    Response,
    Header,
    Callback,
    Schema,
    Example,
    Link,
    SecurityScheme,
    /// Data (examples, defaults, extensions): never walked for references.
    Opaque,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Container {
    One(Kind),
    Map(Kind),
    List(Kind),
    /// `items`: one schema, or (JSON Schema draft 4 tuples) a list of them.
    OneOrList(Kind),
}

pub(crate) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

pub(crate) fn child_kind(kind: Kind, key: &str, swagger2: bool) -> Container {
    use Container::*;
    use Kind::*;
    if key.starts_with("x-") {
        return One(Opaque);
    }
    match (kind, key) {
        (Root, "paths") => One(Paths),
        (Root, "webhooks") => Map(PathItem),
        (Root, "components") => One(Components),
        (Root, "definitions") if swagger2 => Map(Schema),
        (Root, "parameters") if swagger2 => Map(Parameter),
        (Root, "responses") if swagger2 => Map(Response),
        (Paths, _) => One(PathItem),
        (Components, "schemas") => Map(Schema),
        (Components, "parameters") => Map(Parameter),
        (Components, "responses") => Map(Response),
        (Components, "requestBodies") => Map(RequestBody),
        (Components, "headers") => Map(Header),
        (Components, "examples") => Map(Example),
        (Components, "links") => Map(Link),
        (Components, "callbacks") => Map(Callback),
        (Components, "securitySchemes") => Map(SecurityScheme),
        (Components, "pathItems") => Map(PathItem),
        (PathItem, "parameters") => List(Parameter),
        (PathItem, m) if METHODS.contains(&m) => One(Operation),
        (Operation, "parameters") => List(Parameter),
        (Operation, "requestBody") => One(RequestBody),
        (Operation, "responses") => Map(Response),
        (Operation, "callbacks") => Map(Callback),
        (Parameter | Header, "schema") => One(Schema),
        (Parameter | Header, "items") => One(Schema),
        (Parameter | Header | RequestBody | Response, "content") => Map(MediaType),
        (Parameter | Header | MediaType, "examples") => Map(Example),
        (MediaType, "schema") => One(Schema),
        (MediaType, "encoding") => Map(Encoding),
        (Encoding | Response, "headers") => Map(Header),
        (Response, "links") => Map(Link),
        (Response, "schema") if swagger2 => One(Schema),
        (Callback, _) => One(PathItem),
        (
            Schema,
            "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas",
        ) => Map(Schema),
        (Schema, "items") => OneOrList(Schema),
        (Schema, "allOf" | "oneOf" | "anyOf" | "prefixItems") => List(Schema),
        (
            Schema,
            "additionalProperties"
            | "not"
            | "if"
            | "then"
            | "else"
            | "contains"
            | "propertyNames"
            | "unevaluatedProperties"
            | "unevaluatedItems"
            | "additionalItems",
        ) => One(Schema),
        _ => One(Opaque),
    }
}

/// The components section a kind is hoisted into (as pointer tokens), if it has one.
fn section(kind: Kind, swagger2: bool) -> Option<&'static [&'static str]> {
    Some(match (kind, swagger2) {
        (Kind::Schema, false) => &["components", "schemas"],
        (Kind::Schema, true) => &["definitions"],
        (Kind::Parameter, false) => &["components", "parameters"],
        (Kind::Parameter, true) => &["parameters"],
        (Kind::Response, false) => &["components", "responses"],
        (Kind::Response, true) => &["responses"],
        (Kind::RequestBody, false) => &["components", "requestBodies"],
        (Kind::Header, false) => &["components", "headers"],
        (Kind::Example, false) => &["components", "examples"],
        (Kind::Link, false) => &["components", "links"],
        (Kind::Callback, false) => &["components", "callbacks"],
        (Kind::SecurityScheme, false) => &["components", "securitySchemes"],
        _ => return None,
    })
}

/// Root keys an OpenAPI/Swagger document may have; others are only kept if `x-` extensions.
const ROOT_KEYS_3: [&str; 11] = [
    "openapi",
    "info",
    "jsonSchemaDialect",
    "servers",
    "paths",
    "webhooks",
    "components",
    "security",
    "tags",
    "externalDocs",
    "$self",
];
const ROOT_KEYS_2: [&str; 15] = [
    "swagger",
    "info",
    "host",
    "basePath",
    "schemes",
    "consumes",
    "produces",
    "paths",
    "definitions",
    "parameters",
    "responses",
    "securityDefinitions",
    "security",
    "tags",
    "externalDocs",
];

struct Bundler<'a> {
    fs: &'a dyn FileSource,
    root_file: String,
    swagger2: bool,
    /// Parsed files, shared: a `$ref` into a file must not copy the whole file.
    docs: BTreeMap<String, Option<Rc<Value>>>,
    texts: Vec<(String, String)>,
    diags: Diagnostics,
    provenance: Provenance,
    /// (file, pointer) of a hoisted target → its name in its section.
    hoisted: BTreeMap<(String, String), String>,
    /// section path → name → bundled value (filled after the walk of the target).
    hoisted_values: BTreeMap<&'static [&'static str], BTreeMap<String, Value>>,
    /// names taken per section (the root's own components and hoisted ones).
    taken: BTreeMap<&'static [&'static str], std::collections::BTreeSet<String>>,
    /// inlined references being walked, for cycle detection.
    stack: Vec<(String, String)>,
}

/// Bundles the spec rooted at `root_file`. Returns `None` when the root cannot be read or parsed;
/// other problems are reported in the diagnostics and leave a `null` where the node would be.
pub fn bundle(root_file: &str, fs: &dyn FileSource) -> (Option<Bundled>, Diagnostics) {
    let mut b = Bundler {
        fs,
        root_file: root_file.to_owned(),
        swagger2: false,
        docs: BTreeMap::new(),
        texts: Vec::new(),
        diags: Diagnostics::default(),
        provenance: Provenance::default(),
        hoisted: BTreeMap::new(),
        hoisted_values: BTreeMap::new(),
        taken: BTreeMap::new(),
        stack: Vec::new(),
    };
    let Some(root) = b.document(root_file, &Origin::new(root_file, "")) else {
        return (None, b.diags);
    };
    let Value::Object(root_map) = root.as_ref() else {
        b.diags.push(
            Diagnostic::error(
                "not-an-object",
                Origin::new(root_file, ""),
                "the document is not a mapping",
            )
            .with_help(
                "an OpenAPI document is a YAML/JSON object with `openapi`, `info` and `paths`",
            ),
        );
        return (None, b.diags);
    };
    b.swagger2 = root_map.contains_key("swagger") && !root_map.contains_key("openapi");
    // Names already used by the root's own components.
    for kind in [
        Kind::Schema,
        Kind::Parameter,
        Kind::Response,
        Kind::RequestBody,
        Kind::Header,
        Kind::Example,
        Kind::Link,
        Kind::Callback,
        Kind::SecurityScheme,
    ] {
        if let Some(sec) = section(kind, b.swagger2) {
            let names = lookup(&root, sec.iter().copied())
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            b.taken.insert(sec, names);
        }
    }
    b.provenance.record("", Origin::new(root_file, ""));
    let allowed: &[&str] = if b.swagger2 {
        &ROOT_KEYS_2
    } else {
        &ROOT_KEYS_3
    };
    let mut out = Map::new();
    for (key, value) in root_map {
        let ptr = child("", key);
        let is_openapi = root_map.contains_key("openapi") || root_map.contains_key("swagger");
        if !allowed.contains(&key.as_str()) && !key.starts_with("x-") {
            if !is_openapi {
                // Not an OpenAPI document at all: normalization says so once, not per key.
                continue;
            }
            b.diags.push(
                Diagnostic::warning(
                    "non-standard-root-key",
                    Origin::new(root_file, ptr),
                    format!("`{}` is not a field of an OpenAPI document; it is left out of the bundled spec", crate::diag::clip(key)),
                )
                .with_help("`$ref`s that point into it still resolve; move it under `components` or an `x-` key to keep it"),
            );
            continue;
        }
        let c = child_kind(Kind::Root, key, b.swagger2);
        let walked = b.walk(value, root_file, &ptr, &ptr, c, 1);
        out.insert(key.clone(), walked);
    }
    // Hoisted components join the root's own.
    let hoisted = std::mem::take(&mut b.hoisted_values);
    for (sec, values) in hoisted {
        let mut node = &mut out;
        for (i, tok) in sec.iter().enumerate() {
            let entry = node
                .entry(tok.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            node = entry.as_object_mut().expect("just made an object");
            if i + 1 == sec.len() {
                for (name, v) in &values {
                    node.insert(name.clone(), v.clone());
                }
            }
        }
    }
    let bundled = Bundled {
        doc: Value::Object(out),
        root_file: root_file.to_owned(),
        provenance: b.provenance,
        files: b.texts,
    };
    (Some(bundled), b.diags)
}

fn lookup(v: &Value, toks: impl IntoIterator<Item = impl AsRef<str>>) -> Option<&Value> {
    let mut cur = v;
    for t in toks {
        cur = match cur {
            Value::Object(m) => m.get(t.as_ref())?,
            Value::Array(a) => a.get(t.as_ref().parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

impl Bundler<'_> {
    /// Two slips in local references that have only one reading, mended with a warning:
    /// `$ref: /definitions/X` (no `#`: read as a file path, which does not exist, while the
    /// document has that pointer) and, in a Swagger 2.0 document, `#/components/schemas/X`
    /// (OpenAPI 3's place) where `#/definitions/X` exists.
    fn repair_reference(&mut self, reference: &str, file: &str, at: &Origin) -> Option<String> {
        let doc = self.docs.get(file).cloned().flatten()?;
        let exists = |pointer: &str| {
            let decoded = percent_encoding::percent_decode_str(pointer).decode_utf8_lossy();
            lookup(&doc, tokens(&decoded)).is_some()
        };
        let (fixed, why) = if reference.starts_with('/')
            && !reference.contains('#')
            && self.fs.read(reference).is_err()
            && exists(reference)
        {
            (
                format!("#{reference}"),
                "has no `#`, so it names a file, which does not exist; read as the pointer into this document it spells",
            )
        } else if let Some(rest) = reference.strip_prefix("#/components/schemas/")
            && self.swagger2
            && !exists(&reference[1..])
            && exists(&format!("/definitions/{rest}"))
        {
            (
                format!("#/definitions/{rest}"),
                "points at OpenAPI 3's `components/schemas` in a Swagger 2.0 document; read as `#/definitions/…`",
            )
        } else {
            return None;
        };
        self.diags.push(
            Diagnostic::warning(
                "ref-repaired",
                at.clone(),
                format!("`$ref: {reference}` {why}"),
            )
            .with_help(format!("write `$ref: '{fixed}'`")),
        );
        Some(fixed)
    }

    /// Reads and parses a file once; `None` (with a diagnostic) when it cannot be had.
    fn document(&mut self, file: &str, referrer: &Origin) -> Option<Rc<Value>> {
        if let Some(d) = self.docs.get(file) {
            return d.clone();
        }
        let parsed = match self.fs.read(file) {
            Ok(text) => {
                let parsed = load::parse(file, &text);
                self.texts.push((file.to_owned(), text));
                match parsed {
                    Ok(v) => Some(Rc::new(v)),
                    Err(d) => {
                        self.diags.push(*d);
                        None
                    }
                }
            }
            Err(why) => {
                let root = referrer.file.is_empty() || file == self.root_file;
                let d = match why.kind {
                    FileErrorKind::NotFound if root => Diagnostic::error(
                        "file-not-found",
                        referrer.clone(),
                        format!("cannot read `{file}`: {why}"),
                    )
                    .with_help(why.help()),
                    FileErrorKind::NotFound => Diagnostic::error(
                        "ref-file-not-found",
                        referrer.clone(),
                        format!("`$ref` names the file `{file}`, which cannot be read: {why}"),
                    )
                    .with_help(why.help()),
                    _ if root => why.diagnostic(
                        file,
                        referrer.clone(),
                        format!("cannot read `{file}`: {why}"),
                    ),
                    _ => why.diagnostic(
                        file,
                        referrer.clone(),
                        format!("`$ref` names the file `{file}`, which is not read: {why}"),
                    ),
                };
                self.diags.push(d);
                None
            }
        };
        self.docs.insert(file.to_owned(), parsed.clone());
        parsed
    }

    #[allow(clippy::too_many_arguments)]
    fn walk(
        &mut self,
        value: &Value,
        file: &str,
        src: &str,
        out: &str,
        container: Container,
        depth: usize,
    ) -> Value {
        if depth > MAX_DEPTH {
            self.diags.push(
                Diagnostic::error(
                    "too-deep",
                    Origin::new(file, src),
                    format!("the document nests deeper than {MAX_DEPTH} levels here"),
                )
                .with_help("flatten the schema with `$ref`s to named components"),
            );
            return Value::Null;
        }
        match container {
            Container::One(kind) => self.node(value, file, src, out, kind, depth),
            Container::Map(kind) => match value {
                Value::Object(m) => Value::Object(
                    m.iter()
                        .map(|(k, v)| {
                            let w = if k.starts_with("x-")
                                && kind != Kind::PathItem
                                && kind != Kind::Schema
                            {
                                v.clone()
                            } else {
                                self.node(v, file, &child(src, k), &child(out, k), kind, depth + 1)
                            };
                            (k.clone(), w)
                        })
                        .collect(),
                ),
                other => other.clone(),
            },
            Container::List(kind) => match value {
                Value::Array(a) => Value::Array(
                    a.iter()
                        .enumerate()
                        .map(|(i, v)| {
                            let i = i.to_string();
                            self.node(v, file, &child(src, &i), &child(out, &i), kind, depth + 1)
                        })
                        .collect(),
                ),
                other => other.clone(),
            },
            Container::OneOrList(kind) => match value {
                Value::Array(_) => self.walk(value, file, src, out, Container::List(kind), depth),
                _ => self.node(value, file, src, out, kind, depth),
            },
        }
    }

    fn node(
        &mut self,
        value: &Value,
        file: &str,
        src: &str,
        out: &str,
        kind: Kind,
        depth: usize,
    ) -> Value {
        if kind == Kind::Opaque {
            return value.clone();
        }
        let Value::Object(map) = value else {
            return value.clone();
        };
        if let Some(r) = map.get("$ref") {
            let Some(r) = r.as_str() else {
                self.diags.push(Diagnostic::error(
                    "invalid-ref",
                    Origin::new(file, child(src, "$ref")),
                    "`$ref` must be a string",
                ));
                return Value::Null;
            };
            // A Swagger 2.0 parameter with `name` and `in` beside a `$ref`: the reference is its
            // type (a schema), which the converter makes its `schema`.
            if kind == Kind::Parameter && self.swagger2 && map.contains_key("in") {
                let only: Map<String, Value> =
                    [("$ref".to_owned(), Value::from(r))].into_iter().collect();
                let resolved = self.reference(&only, r, file, src, out, Kind::Schema, depth);
                let mut result = map.clone();
                match resolved.get("$ref") {
                    Some(new) => {
                        result.insert("$ref".into(), new.clone());
                    }
                    None => {
                        result.remove("$ref");
                    }
                }
                return Value::Object(result);
            }
            return self.reference(map, r, file, src, out, kind, depth);
        }
        let mut result = Map::new();
        for (k, v) in map {
            let c = child_kind(kind, k, self.swagger2);
            let w = self.walk(v, file, &child(src, k), &child(out, k), c, depth + 1);
            result.insert(k.clone(), w);
        }
        Value::Object(result)
    }

    #[allow(clippy::too_many_arguments)]
    fn reference(
        &mut self,
        map: &Map<String, Value>,
        reference: &str,
        file: &str,
        src: &str,
        out: &str,
        kind: Kind,
        depth: usize,
    ) -> Value {
        let at = Origin::new(file, child(src, "$ref"));
        let repaired = self.repair_reference(reference, file, &at);
        let reference = repaired.as_deref().unwrap_or(reference);
        let (path_part, fragment) = match reference.split_once('#') {
            Some((p, f)) => (p, f),
            None => (reference, ""),
        };
        if path_part.contains("://") {
            self.diags.push(
                Diagnostic::error(
                    "remote-ref",
                    at,
                    format!("`$ref: {reference}` points at a remote document; the generator never reads the network"),
                )
                .with_help("download the document next to the spec and refer to it by a relative path"),
            );
            return Value::Null;
        }
        let fragment = percent_encoding::percent_decode_str(fragment)
            .decode_utf8_lossy()
            .into_owned();
        if !fragment.is_empty() && !fragment.starts_with('/') {
            self.diags.push(
                Diagnostic::error(
                    "unsupported-ref",
                    at,
                    format!(
                        "`$ref: {reference}` uses an anchor (`#{fragment}`), not a JSON pointer"
                    ),
                )
                .with_help(
                    "write the reference as a JSON pointer, e.g. `#/components/schemas/Name`",
                ),
            );
            return Value::Null;
        }
        let target_file = if path_part.is_empty() {
            file.to_owned()
        } else {
            load::resolve_path(file, path_part)
        };
        let Some(doc) = self.document(&target_file, &at) else {
            return Value::Null;
        };
        let Some(target) = lookup(&doc, tokens(&fragment)) else {
            // One dangling pointer among a spec's thousands of nodes need not cost the whole
            // client: a schema becomes any JSON value; any other reference stays, and what
            // uses it reports it unresolved (a parameter left out, a response without body).
            let (what, degraded) = if kind == Kind::Schema {
                let rest: Map<String, Value> = map
                    .iter()
                    .filter(|(k, _)| k.as_str() != "$ref")
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                ("read as any JSON value", Value::Object(rest))
            } else {
                ("left unresolved", Value::Object(map.clone()))
            };
            self.diags.push(
                Diagnostic::warning(
                    "dangling-ref",
                    at,
                    format!("`$ref: {reference}` points at nothing: `{target_file}` has no node at `#{fragment}`; {what}"),
                )
                .with_help("correct the pointer or add the missing definition in the spec (an overlay can give the node a schema); `deny = [\"dangling-ref\"]` makes this an error"),
            );
            return degraded;
        };
        let target = target.clone();
        let key = (target_file.clone(), fragment.clone());
        let siblings: Vec<(&String, &Value)> =
            map.iter().filter(|(k, _)| k.as_str() != "$ref").collect();

        // Already a standard component of the root: keep the reference.
        if let Some(sec) = section(kind, self.swagger2) {
            let toks = tokens(&fragment);
            if target_file == self.root_file
                && toks.len() == sec.len() + 1
                && toks.iter().zip(sec.iter()).all(|(a, b)| a == b)
            {
                let mut m = map.clone();
                // The reference as written, or as repaired.
                m.insert("$ref".into(), Value::String(reference.to_owned()));
                return Value::Object(m);
            }
            // Hoist into the section under a unique name.
            let name = match self.hoisted.get(&key) {
                Some(n) => n.clone(),
                None => {
                    let name = self.fresh_name(sec, &target, &target_file, &fragment);
                    self.hoisted.insert(key.clone(), name.clone());
                    let mut ptr = String::new();
                    for t in sec {
                        ptr = child(&ptr, t);
                    }
                    let hoisted_ptr = child(&ptr, &name);
                    self.provenance
                        .record(&hoisted_ptr, Origin::new(&target_file, &fragment));
                    let v = self.node(
                        &target,
                        &target_file,
                        &fragment,
                        &hoisted_ptr,
                        kind,
                        depth + 1,
                    );
                    self.hoisted_values
                        .entry(sec)
                        .or_default()
                        .insert(name.clone(), v);
                    name
                }
            };
            let mut r = Map::new();
            r.insert(
                "$ref".into(),
                Value::String(format!(
                    "#/{}/{}",
                    sec.join("/"),
                    crate::diag::escape_token(&name)
                )),
            );
            for (k, v) in siblings {
                r.insert(k.clone(), v.clone());
            }
            return Value::Object(r);
        }

        // No components section for this kind (path items, …): inline.
        if self.stack.contains(&key) {
            self.diags.push(
                Diagnostic::error(
                    "ref-cycle",
                    at,
                    format!(
                        "`$ref: {reference}` refers back to itself through {} inlined reference(s)",
                        self.stack.len()
                    ),
                )
                .with_help("a path item cannot contain itself; break the cycle"),
            );
            return Value::Null;
        }
        self.stack.push(key);
        self.provenance
            .record(out, Origin::new(&target_file, &fragment));
        let mut v = self.node(&target, &target_file, &fragment, out, kind, depth + 1);
        self.stack.pop();
        // Siblings of a path item `$ref` override the referenced fields (OpenAPI 3.1 §4.8.9).
        if let Value::Object(m) = &mut v {
            for (k, s) in siblings {
                let c = child_kind(kind, k, self.swagger2);
                let w = self.walk(s, file, &child(src, k), &child(out, k), c, depth + 1);
                m.insert(k.clone(), w);
            }
        }
        v
    }

    fn fresh_name(
        &mut self,
        sec: &'static [&'static str],
        target: &Value,
        file: &str,
        fragment: &str,
    ) -> String {
        let base = target
            .get("title")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| {
                tokens(fragment)
                    .into_iter()
                    .rev()
                    .find(|t| !is_structural(t))
            })
            .unwrap_or_else(|| {
                let stem = file.rsplit('/').next().unwrap_or(file);
                stem.split('.').next().unwrap_or(stem).to_owned()
            });
        let base: String = base
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '_' || c == '-' || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let taken = self.taken.entry(sec).or_default();
        let mut name = base.clone();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        taken.insert(name.clone());
        name
    }
}

/// Pointer tokens that name a place in the object model rather than a thing.
fn is_structural(t: &str) -> bool {
    matches!(
        t,
        "schema"
            | "items"
            | "properties"
            | "content"
            | "responses"
            | "parameters"
            | "requestBody"
            | "allOf"
            | "oneOf"
            | "anyOf"
            | "additionalProperties"
            | "components"
            | "schemas"
            | "definitions"
            | "paths"
    ) || t.parse::<usize>().is_ok()
        || t.contains('/')
        || METHODS.contains(&t)
}
