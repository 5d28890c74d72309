//! `cargo xtask corpus-examples [--quick] [--limit N]`: every example of each corpus document,
//! decoded by the generated type it belongs to (issue 13's correctness measure, beyond
//! compiling).
//!
//! 1. Each document is generated in a child process (`xtask corpus-examples-one`, time-bound
//!    as the corpus run's) that writes, under `target/corpus/examples/docs/`, the client's types
//!    as one module (`<m>.rs`, [`oapi_client_gen_core::emit::types_module`]), the effective
//!    spec (`<m>.spec.json`) and its examples (`<m>.json`): each with its pointer, the pointer
//!    of its schema, the Rust type that reads it and the shape of that type (which JSON keys are
//!    its fields, which values are numbers or date-times), for the round trip.
//!    Examples: a component schema's `example`, a property's `example` (read as its field's
//!    type), and each response's `example` and `examples` (success and error statuses, JSON
//!    media types, read as the type the client decodes that status into). Request bodies and
//!    parameters are not read by the client, so they are not counted.
//! 2. The modules are compiled in chunks (`target/corpus/examples/chunk-N`, one binary each,
//!    one shared runtime), and each binary decodes its examples with `serde_json` through
//!    `serde_path_to_error` (the field path of a failure). A type that requests also send is
//!    encoded again and compared with the example: every declared field must come back with its
//!    value (numbers by value, date-times by instant; `null` and absent alike).
//! 3. A failure is the spec's when the example is not a value of its schema: a JSON Schema
//!    validator (`jsonschema`, draft 4, OpenAPI's `nullable` as a `null` type) says so. Else it
//!    is the generator's.
//!
//! Out: the section "Examples decoded by their types" of `CORPUS.md` (the corpus run keeps it):
//! the share of documents whose examples all decode, the failures by cause, and each
//! generator-caused failure. `--quick` takes the corpus run's quick sample and writes nothing.

use super::{Row, corpus_root, manifest, sample};
use oapi_client_gen_core::diag::child;
use oapi_client_gen_core::ir::{Api, TypeKind, TypeRef};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Documents per checking binary.
const CHUNK: usize = 40;
/// How long one document may take to generate and write its examples.
const TIME_BOUND: Duration = Duration::from_secs(60);
/// The `CORPUS.md` section this task writes.
pub const SECTION: &str = "## Examples decoded by their types";

/// Where the task works: `target/corpus/examples`.
fn work_dir() -> PathBuf {
    crate::codegen::workspace_root().join("target/corpus/examples")
}

/// What a JSON value of a type must keep through a round trip.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// A struct, by name in [`Doc::structs`].
    Struct(String),
    Vec(Box<Shape>),
    Map(Box<Shape>),
    Number,
    DateTime,
    /// A union: the value must come back as one of its variants would give it.
    Union(Vec<Shape>),
    /// Compared as JSON, `null` and absent alike (strings, enums, any value).
    Other,
}

/// One example and what reads it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Example {
    pub pointer: String,
    /// The pointer of the schema it is an example of.
    pub schema: String,
    /// The Rust type that decodes it, as the checking binary names it.
    pub ty: String,
    /// Encoded again and compared (the type is also sent).
    pub both: bool,
    pub shape: Shape,
    pub value: Value,
}

/// A document's examples (`<m>.json`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Doc {
    pub examples: Vec<Example>,
    /// Each struct's fields: JSON key → shape.
    pub structs: BTreeMap<String, BTreeMap<String, Shape>>,
}

/// Child mode: generates `file` (relative to the corpus root) and writes its module, spec and
/// examples as module `module`; prints `examples N` or `rejected`.
pub fn one(file: &str, module: &str) -> ExitCode {
    let mut options = oapi_client_gen::Options::new(corpus_root().join(file), work_dir());
    options.name = Some("corpus-document".to_owned());
    options.allow_dirs = vec![corpus_root()];
    let generated = match oapi_client_gen::generate_in_memory(&options) {
        Ok(g) => g,
        Err(_) => {
            println!("rejected");
            return ExitCode::SUCCESS;
        }
    };
    let spec: Value = match serde_json::from_str(&generated.effective_spec) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("the effective spec does not parse: {e}");
            return ExitCode::FAILURE;
        }
    };
    let doc = collect(&generated.api, &spec, &format!("crate::{module}"));
    let docs = work_dir().join("docs");
    let written = (|| -> Result<(), String> {
        std::fs::create_dir_all(&docs).map_err(|e| e.to_string())?;
        if !doc.examples.is_empty() {
            let types = oapi_client_gen_core::emit::types_module(&generated.api)?;
            std::fs::write(docs.join(format!("{module}.rs")), types).map_err(|e| e.to_string())?;
            std::fs::write(
                docs.join(format!("{module}.spec.json")),
                &generated.effective_spec,
            )
            .map_err(|e| e.to_string())?;
        }
        let text = serde_json::to_string(&doc).map_err(|e| e.to_string())?;
        std::fs::write(docs.join(format!("{module}.json")), text).map_err(|e| e.to_string())
    })();
    match written {
        Ok(()) => {
            println!("examples {}", doc.examples.len());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot write {module}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Every example of `spec` that a type of `api` reads, the types named under `types`.
pub fn collect(api: &Api, spec: &Value, types: &str) -> Doc {
    let mut doc = Doc::default();
    let add = |doc: &mut Doc, pointer: String, schema: String, ty: &TypeRef, value: &Value| {
        if !decodable(api, ty) {
            return;
        }
        // A whole example written as the JSON text of an object or array (Jira's, APIs.guru's
        // conversions) stands for that value where the type is not text, as the generator's
        // own example evidence reads it: its content is what is decoded.
        let parsed = match value {
            Value::String(text) if !texty(api, ty) => serde_json::from_str::<Value>(text)
                .ok()
                .filter(|v| v.is_object() || v.is_array()),
            _ => None,
        };
        let value = parsed.as_ref().unwrap_or(value);
        doc.examples.push(Example {
            pointer,
            schema,
            ty: oapi_client_gen_core::emit::type_path(ty, api, types),
            both: encodable(api, ty),
            shape: shape(api, ty, &mut doc.structs, 0),
            value: value.clone(),
        });
    };
    // A component schema's own example, and its properties' (read as the field's type).
    for (i, def) in api.types.defs.iter().enumerate() {
        let id = TypeRef::Named(oapi_client_gen_core::ir::TypeId(i));
        // `null` for a nullable schema is what every field of it reads as `None`.
        let nullable = spec
            .pointer(&child(&def.origin, "nullable"))
            .is_some_and(|n| *n == Value::Bool(true));
        if def.origin.starts_with("/components/schemas/")
            && def.origin.matches('/').count() == 3
            && let Some(value) = spec.pointer(&child(&def.origin, "example"))
            && !(value.is_null() && nullable)
        {
            add(
                &mut doc,
                child(&def.origin, "example"),
                def.origin.clone(),
                &id,
                value,
            );
        }
        if let TypeKind::Struct { fields } = &def.kind {
            for f in fields {
                let at = child(&child(&def.origin, "properties"), &f.wire);
                let Some(value) = spec.pointer(&child(&at, "example")) else {
                    continue;
                };
                // An optional field reads `null` as `None`.
                if value.is_null() && f.optional {
                    continue;
                }
                add(&mut doc, child(&at, "example"), at, &f.ty, value);
            }
        }
    }
    // Each response's examples, read as the type the client decodes that status into.
    for op in &api.operations {
        let Some(Value::Object(responses)) = spec.pointer(&child(&op.origin, "responses")) else {
            continue;
        };
        for (status, response) in responses {
            let ty = response_type(op, status);
            let Some(ty) = ty else { continue };
            let Some(Value::Object(content)) = response.get("content") else {
                continue;
            };
            // The client's type is made from the first JSON media type (as lowering picks it);
            // another one (GitHub's `application/vnd.github.v3.star+json`) has its own shape.
            if let Some((media, body)) = content
                .iter()
                .find(|(m, _)| oapi_client_gen_core::lower::is_json(m))
            {
                let at = child(
                    &child(&child(&child(&op.origin, "responses"), status), "content"),
                    media,
                );
                if let Some(value) = body.get("example") {
                    add(
                        &mut doc,
                        child(&at, "example"),
                        child(&at, "schema"),
                        &ty,
                        value,
                    );
                }
                for (name, e) in body
                    .get("examples")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    let (e, _) = follow(spec, e);
                    if let Some(value) = e.get("value") {
                        let pointer = child(&child(&child(&at, "examples"), name), "value");
                        add(&mut doc, pointer, child(&at, "schema"), &ty, value);
                    }
                }
            }
        }
    }
    doc
}

/// Whether `t` reads a JSON string (text, a date, an enum, …) rather than an object or array.
fn texty(api: &Api, t: &TypeRef) -> bool {
    match t {
        TypeRef::Vec(_) | TypeRef::Map(_) | TypeRef::Json => false,
        TypeRef::Nullable(inner) => texty(api, inner),
        TypeRef::Named(_) => named(api, t).is_some_and(|i| match &api.types.defs[i].kind {
            TypeKind::Struct { .. } | TypeKind::Union { .. } => false,
            TypeKind::Alias { target } | TypeKind::Newtype { target } => texty(api, target),
            _ => true,
        }),
        _ => true,
    }
}

/// An `examples` entry, through a local `$ref` (`#/components/examples/…`) when it is one.
fn follow<'a>(spec: &'a Value, e: &'a Value) -> (&'a Value, bool) {
    match e.get("$ref").and_then(Value::as_str) {
        Some(r) if r.starts_with("#/") => match spec.pointer(&r[1..]) {
            Some(target) => (target, true),
            None => (e, false),
        },
        _ => (e, false),
    }
}

/// The type the client decodes `status`'s body into, if it decodes one.
fn response_type(op: &oapi_client_gen_core::ir::Operation, status: &str) -> Option<TypeRef> {
    let r = &op.response;
    if let Some(e) = r.errors.iter().find(|e| e.status == status) {
        return Some(e.ty.clone());
    }
    if !r.statuses.iter().any(|s| s == status) {
        return None;
    }
    match &r.per_status {
        Some(per) => per
            .variants
            .iter()
            .find(|v| v.status == status)
            .and_then(|v| v.ty.clone()),
        None => r.ty.clone(),
    }
}

fn named(api: &Api, t: &TypeRef) -> Option<usize> {
    match t {
        TypeRef::Named(id) => Some(id.0).filter(|i| *i < api.types.defs.len()),
        _ => None,
    }
}

/// Whether the generated code can decode a JSON value as `t`: a type responses carry, with
/// no binary field anywhere in it (a struct with a `format: binary` field is an upload's
/// multipart body, not JSON the client reads).
fn decodable(api: &Api, t: &TypeRef) -> bool {
    fn go(api: &Api, t: &TypeRef, seen: &mut Vec<usize>) -> bool {
        match t {
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                go(api, inner, seen)
            }
            TypeRef::Named(_) => {
                let Some(i) = named(api, t) else { return false };
                if seen.contains(&i) {
                    return true;
                }
                seen.push(i);
                let def = &api.types.defs[i];
                def.serde.deserialize
                    && match &def.kind {
                        TypeKind::Struct { fields } => fields.iter().all(|f| go(api, &f.ty, seen)),
                        TypeKind::Alias { target } | TypeKind::Newtype { target } => {
                            go(api, target, seen)
                        }
                        TypeKind::Union { variants, .. } => {
                            variants.iter().all(|v| go(api, &v.ty, seen))
                        }
                        _ => true,
                    }
            }
            TypeRef::File | TypeRef::Bytes => false,
            _ => true,
        }
    }
    go(api, t, &mut Vec::new())
}

/// Whether the generated code can also encode `t` (so the example is read and written back).
fn encodable(api: &Api, t: &TypeRef) -> bool {
    match t {
        TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
            encodable(api, inner)
        }
        TypeRef::Named(_) => named(api, t).is_some_and(|i| api.types.defs[i].serde.serialize),
        TypeRef::File | TypeRef::Bytes => false,
        _ => true,
    }
}

/// `t`'s shape, its structs' fields recorded in `structs` (once each; deep aliases end as
/// [`Shape::Other`]).
fn shape(
    api: &Api,
    t: &TypeRef,
    structs: &mut BTreeMap<String, BTreeMap<String, Shape>>,
    depth: usize,
) -> Shape {
    if depth > 64 {
        return Shape::Other;
    }
    match t {
        TypeRef::Vec(inner) => Shape::Vec(Box::new(shape(api, inner, structs, depth + 1))),
        TypeRef::Map(inner) => Shape::Map(Box::new(shape(api, inner, structs, depth + 1))),
        TypeRef::Nullable(inner) => shape(api, inner, structs, depth + 1),
        TypeRef::I64 | TypeRef::U64 | TypeRef::F64 => Shape::Number,
        TypeRef::DateTime => Shape::DateTime,
        TypeRef::Named(_) => {
            let Some(i) = named(api, t) else {
                return Shape::Other;
            };
            let def = &api.types.defs[i];
            match &def.kind {
                TypeKind::Struct { fields } => {
                    if !structs.contains_key(&def.name) {
                        // Reserved first: a struct that contains itself refers to its name.
                        structs.insert(def.name.clone(), BTreeMap::new());
                        let shapes: BTreeMap<String, Shape> = fields
                            .iter()
                            .map(|f| (f.wire.clone(), shape(api, &f.ty, structs, depth + 1)))
                            .collect();
                        structs.insert(def.name.clone(), shapes);
                    }
                    Shape::Struct(def.name.clone())
                }
                TypeKind::Alias { target } | TypeKind::Newtype { target } => {
                    shape(api, target, structs, depth + 1)
                }
                TypeKind::Union { variants, .. } => Shape::Union(
                    variants
                        .iter()
                        .map(|v| shape(api, &v.ty, structs, depth + 1))
                        .collect(),
                ),
                _ => Shape::Other,
            }
        }
        _ => Shape::Other,
    }
}

/// Where a round trip lost or changed the example: the first JSON path that differs.
pub fn round_trip_difference(
    doc: &Doc,
    shape: &Shape,
    sent: &Value,
    back: &Value,
    path: &str,
) -> Option<String> {
    let absent = |v: &Value| v.is_null();
    match (shape, sent, back) {
        (_, s, b) if absent(s) && absent(b) => None,
        (Shape::Struct(name), Value::Object(s), Value::Object(b)) => {
            let fields = doc.structs.get(name)?;
            for (key, field) in fields {
                let s = s.get(key).unwrap_or(&Value::Null);
                let b = b.get(key).unwrap_or(&Value::Null);
                let at = format!("{path}.{key}");
                if let Some(d) = round_trip_difference(doc, field, s, b, &at) {
                    return Some(d);
                }
            }
            None
        }
        (Shape::Vec(item), Value::Array(s), Value::Array(b)) if s.len() == b.len() => {
            s.iter().zip(b).enumerate().find_map(|(i, (s, b))| {
                round_trip_difference(doc, item, s, b, &format!("{path}[{i}]"))
            })
        }
        (Shape::Map(item), Value::Object(s), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = s.keys().chain(b.keys()).collect();
            keys.into_iter().find_map(|k| {
                round_trip_difference(
                    doc,
                    item,
                    s.get(k).unwrap_or(&Value::Null),
                    b.get(k).unwrap_or(&Value::Null),
                    &format!("{path}.{k}"),
                )
            })
        }
        // The variant the value was read as is not known: one of them must explain it.
        (Shape::Union(variants), s, b) => {
            let mut first = None;
            for v in variants {
                match round_trip_difference(doc, v, s, b, path) {
                    None => return None,
                    Some(d) => {
                        first.get_or_insert(d);
                    }
                }
            }
            first.or_else(|| {
                (!same_json(s, b))
                    .then(|| format!("{path}: `{}` came back as `{}`", clip(s), clip(b)))
            })
        }
        (Shape::Number, Value::Number(s), Value::Number(b)) => {
            (!same_number(s, b)).then(|| format!("{path}: {s} came back as {b}"))
        }
        (Shape::DateTime, Value::String(s), Value::String(b)) => {
            let instant = |t: &str| {
                t.parse::<chrono::DateTime<chrono::Utc>>().ok().or_else(|| {
                    chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
                        .ok()
                        .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
                })
            };
            (instant(s) != instant(b)).then(|| format!("{path}: `{s}` came back as `{b}`"))
        }
        (_, s, b) if same_json(s, b) => None,
        (_, s, b) => Some(format!(
            "{path}: `{}` came back as `{}`",
            crate::fixtures::cell(&clip(s)),
            crate::fixtures::cell(&clip(b))
        )),
    }
}

/// Two numbers equal as the decoder sees them: integers exactly, others within the last bits of
/// an `f64` (serde_json's default float parsing may round the last bit either way).
fn same_number(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    match (a.as_i64(), b.as_i64()) {
        (Some(x), Some(y)) => x == y,
        _ => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => x == y || (x - y).abs() <= 1e-12 * x.abs().max(y.abs()),
            _ => a == b,
        },
    }
}

/// Equal as JSON, numbers by value, `null` members and absent ones alike.
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => same_number(x, y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => x.keys().chain(y.keys()).all(|k| {
            same_json(
                x.get(k).unwrap_or(&Value::Null),
                y.get(k).unwrap_or(&Value::Null),
            )
        }),
        (x, y) => x == y,
    }
}

fn clip(v: &Value) -> String {
    clip_text(&v.to_string())
}

fn clip_text(text: &str) -> String {
    if text.chars().count() > 80 {
        format!("{}…", text.chars().take(80).collect::<String>())
    } else {
        text.to_owned()
    }
}

/// A way `value` is not a value of its schema: the keyword that says so (`type`,
/// `required`, `format`, …), where in the value (its JSON path's segments) and the message.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub keyword: String,
    pub at: Vec<String>,
    pub message: String,
}

/// How `value` is not a value of the schema at `schema` in `spec` (empty when it is one); `Err`
/// when the schema cannot be compiled as JSON Schema (draft 4, with OpenAPI's `nullable`).
#[cfg(test)]
fn schema_says(spec: &Value, schema: &str, value: &Value) -> Result<Vec<Finding>, String> {
    schema_says_in(&as_json_schema(spec), schema, value)
}

/// `spec` as the validator reads it: OpenAPI's `nullable` as a `null` type. Made once per
/// document, and only for a document with a failure.
fn as_json_schema(spec: &Value) -> Value {
    let mut root = spec.clone();
    nullable_as_type(&mut root, 0);
    root
}

/// [`schema_says`] in a spec already made JSON Schema ([`as_json_schema`]).
fn schema_says_in(root: &Value, schema: &str, value: &Value) -> Result<Vec<Finding>, String> {
    let mut root = root.clone();
    let Value::Object(map) = &mut root else {
        return Err("the spec is not an object".to_owned());
    };
    // The fragment of a URI: a JSON pointer with what a URI fragment cannot hold escaped.
    const FRAGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'~')
        .remove(b'-')
        .remove(b'.')
        .remove(b'_');
    let fragment = percent_encoding::utf8_percent_encode(schema, FRAGMENT).to_string();
    map.insert("$ref".to_owned(), Value::String(format!("#{fragment}")));
    let validator = std::panic::catch_unwind(|| {
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .should_validate_formats(true)
            // OpenAPI's `uuid` (not a draft-4 format), as the generated code reads it.
            .with_format("uuid", |s: &str| uuid::Uuid::parse_str(s).is_ok())
            .build(&root)
    })
    .map_err(|_| "the validator panicked".to_owned())?
    .map_err(|e| e.to_string())?;
    Ok(validator
        .iter_errors(value)
        .take(100_000)
        .map(|e| Finding {
            keyword: e.kind().keyword().to_owned(),
            at: e
                .instance_path()
                .to_string()
                .split('/')
                .skip(1)
                .map(|t| t.replace("~1", "/").replace("~0", "~"))
                .collect(),
            message: e.to_string(),
        })
        .collect())
}

/// The segments of a field path as `serde_path_to_error` and the round trip write it
/// (`items[0].name`, `.a.b`).
fn segments(path: &str) -> Vec<String> {
    path.replace('[', ".")
        .replace(']', "")
        .split('.')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether a finding explains a failure at `failed`: one is where the other is, or inside it.
fn explains(finding: &Finding, failed: &[String]) -> bool {
    finding.at.starts_with(failed) || failed.starts_with(&finding.at)
}

/// Whether `value` is of the kind draft 4 requires for keyword `key` (true for other keys).
fn well_formed(key: &str, value: &Value) -> bool {
    let count = |v: &Value| v.as_u64().is_some();
    let schemas = |v: &Value| {
        v.as_array()
            .is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_object))
    };
    match key {
        "additionalProperties" | "additionalItems" => value.is_boolean() || value.is_object(),
        "items" => value.is_object() || schemas(value),
        "properties" | "patternProperties" | "definitions" => value
            .as_object()
            .is_some_and(|m| m.values().all(Value::is_object)),
        "dependencies" | "not" => value.is_object(),
        "required" => value
            .as_array()
            .is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_string)),
        "type" => {
            value.is_string()
                || value
                    .as_array()
                    .is_some_and(|a| a.iter().all(Value::is_string))
        }
        "enum" => value.as_array().is_some_and(|a| !a.is_empty()),
        "pattern" | "format" => value.is_string(),
        "minimum" | "maximum" => value.is_number(),
        "multipleOf" => value.as_f64().is_some_and(|f| f > 0.0),
        "exclusiveMinimum" | "exclusiveMaximum" | "uniqueItems" => value.is_boolean(),
        "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties" => {
            count(value)
        }
        "allOf" | "anyOf" | "oneOf" => schemas(value),
        _ => true,
    }
}

/// OpenAPI 3.0's schemas in JSON Schema, as the generator reads them: `nullable: true` puts
/// `null` among the `type`s (and the `enum`); a schema with `properties` or
/// `additionalProperties` and no `type` is an object, `type: object` with `items` (and no
/// `properties`) an array; `format: int64` bounds an integer to 64 bits.
/// Only schema positions are read so: the members of a map of names (`properties`,
/// `components/schemas`, `paths`, …) are schemas or objects holding them, and values that are
/// data (`example`, `default`, `enum`, `x-…`) are left as they are.
fn nullable_as_type(v: &mut Value, depth: usize) {
    convert(v, depth, false);
}

/// Keys whose value maps names to schemas (or to objects that hold schemas).
const NAME_MAPS: [&str; 16] = [
    "properties",
    "patternProperties",
    "definitions",
    "schemas",
    "responses",
    "parameters",
    "paths",
    "headers",
    "content",
    "securitySchemes",
    "callbacks",
    "links",
    "requestBodies",
    "variables",
    "mapping",
    "encoding",
];

fn convert(v: &mut Value, depth: usize, names: bool) {
    if depth > 256 {
        return;
    }
    match v {
        Value::Object(map) if names => {
            for (_, child) in map.iter_mut() {
                convert(child, depth + 1, false);
            }
        }
        Value::Object(map) => {
            let composed = ["allOf", "oneOf", "anyOf", "$ref"]
                .iter()
                .any(|k| map.contains_key(*k));
            if !map.contains_key("type")
                && !composed
                && (map.get("properties").is_some_and(Value::is_object)
                    || map
                        .get("additionalProperties")
                        .is_some_and(Value::is_object))
            {
                map.insert("type".into(), Value::from("object"));
            }
            if map.get("type") == Some(&Value::from("object"))
                && map.get("items").is_some_and(Value::is_object)
                && !map.contains_key("properties")
            {
                map.insert("type".into(), Value::from("array"));
            }
            // Integers are 64-bit (`i64`; `u64` for a `uint…` format), as the generator reads
            // them.
            if map.get("type") == Some(&Value::from("integer")) {
                let unsigned = map
                    .get("format")
                    .and_then(Value::as_str)
                    .is_some_and(|f| f.to_ascii_lowercase().starts_with("uint"));
                let (low, high) = if unsigned {
                    (0.0, u64::MAX as f64)
                } else {
                    (i64::MIN as f64, i64::MAX as f64)
                };
                // The tighter of the spec's bound and the type's.
                let high_ok = map
                    .get("maximum")
                    .and_then(Value::as_f64)
                    .is_some_and(|m| m < high);
                if !high_ok {
                    map.insert(
                        "maximum".into(),
                        if unsigned {
                            Value::from(u64::MAX)
                        } else {
                            Value::from(i64::MAX)
                        },
                    );
                }
                let low_ok = map
                    .get("minimum")
                    .and_then(Value::as_f64)
                    .is_some_and(|m| m > low);
                if !low_ok && !unsigned {
                    map.insert("minimum".into(), Value::from(i64::MIN));
                }
            }
            // A keyword whose value is not of the kind JSON Schema requires says nothing (the
            // generator drops it too, `invalid-validation-keyword`); left in, it would stop the
            // validator from compiling any schema near it.
            map.retain(|key, value| well_formed(key, value));
            if map.get("nullable") == Some(&Value::Bool(true)) {
                match map.get_mut("type") {
                    Some(Value::String(t)) => {
                        let t = t.clone();
                        map.insert("type".into(), serde_json::json!([t, "null"]));
                    }
                    Some(Value::Array(ts)) if !ts.contains(&Value::from("null")) => {
                        ts.push(Value::from("null"));
                    }
                    _ => {}
                }
                if let Some(Value::Array(values)) = map.get_mut("enum")
                    && !values.contains(&Value::Null)
                {
                    values.push(Value::Null);
                }
            }
            for (key, child) in map.iter_mut() {
                let data = ["example", "examples", "default", "enum", "const"]
                    .contains(&key.as_str())
                    || key.starts_with("x-");
                if !data {
                    convert(child, depth + 1, NAME_MAPS.contains(&key.as_str()));
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| convert(i, depth + 1, false)),
        _ => {}
    }
}

/// What became of one example.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Decoded,
    /// It does not decode, or does not come back; the spec's fault (`Some(why)`: the example is
    /// not a value of its schema) or the generator's (`None`).
    Failed {
        what: String,
        spec: Option<Finding>,
    },
}

/// `cargo xtask corpus-examples`.
pub fn run(quick: bool, limit: Option<usize>) -> ExitCode {
    match run_inner(quick, limit) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("corpus-examples: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_inner(quick: bool, limit: Option<usize>) -> Result<ExitCode, String> {
    let root = corpus_root();
    if !root.join("MANIFEST.tsv").is_file() {
        println!("corpus-examples: no corpus at {}; skipped", root.display());
        return Ok(ExitCode::SUCCESS);
    }
    let rows = manifest(&root)?;
    let mut selected: Vec<usize> = if quick {
        sample(&rows, super::QUICK_SAMPLE, super::QUICK_MAX_BYTES)
    } else {
        (0..rows.len())
            .filter(|&i| !rows[i].expected_invalid)
            .collect()
    };
    selected.truncate(limit.unwrap_or(usize::MAX));
    let work = work_dir();
    let _ = std::fs::remove_dir_all(work.join("docs"));
    let started = Instant::now();
    eprintln!("corpus-examples: generating {} documents", selected.len());
    let generated = generate(&rows, &selected);
    // The documents with examples, each as a module `d<index>`.
    let mut docs: Vec<(usize, String, Doc)> = Vec::new();
    let mut rejected = 0;
    for (i, ok) in &generated {
        if !ok {
            rejected += 1;
            continue;
        }
        let module = module_name(*i);
        let text = std::fs::read_to_string(work.join("docs").join(format!("{module}.json")))
            .map_err(|e| format!("{module}.json: {e}"))?;
        let doc: Doc = serde_json::from_str(&text).map_err(|e| format!("{module}.json: {e}"))?;
        docs.push((*i, module, doc));
    }
    let with_examples: Vec<&(usize, String, Doc)> = docs
        .iter()
        .filter(|(_, _, d)| !d.examples.is_empty())
        .collect();
    let examples: usize = with_examples.iter().map(|(_, _, d)| d.examples.len()).sum();
    eprintln!(
        "corpus-examples: {} of {} generated documents have {examples} examples; building the checkers",
        with_examples.len(),
        docs.len()
    );
    let chunks: Vec<Vec<&(usize, String, Doc)>> =
        with_examples.chunks(CHUNK).map(<[_]>::to_vec).collect();
    write_checkers(&work, &chunks)?;
    let built = build_checkers(&work, chunks.len())?;
    let mut verdicts: BTreeMap<usize, Vec<Verdict>> = BTreeMap::new();
    let mut not_compiled: Vec<(usize, String)> = Vec::new();
    for (n, chunk) in chunks.iter().enumerate() {
        if let Some(error) = built.get(&n) {
            for (i, _, _) in chunk {
                not_compiled.push((*i, error.clone()));
            }
            continue;
        }
        let results = run_checker(&work, n, chunk)?;
        for ((i, module, doc), results) in chunk.iter().zip(results) {
            // The spec is read, and made JSON Schema, only for a document with a failure.
            let spec: std::cell::OnceCell<Option<Value>> = std::cell::OnceCell::new();
            let spec = || {
                spec.get_or_init(|| {
                    std::fs::read_to_string(work.join("docs").join(format!("{module}.spec.json")))
                        .ok()
                        .and_then(|t| serde_json::from_str(&t).ok())
                        .map(|spec: Value| as_json_schema(&spec))
                })
                .as_ref()
            };
            let v = doc
                .examples
                .iter()
                .zip(results)
                .map(|(e, r)| judge(doc, e, r, &spec))
                .collect();
            verdicts.insert(*i, v);
        }
    }
    // Every failure, for a reader who wants to check a verdict.
    let mut failures = String::new();
    for (i, vs) in &verdicts {
        let (_, _, doc) = docs
            .iter()
            .find(|(j, _, _)| j == i)
            .ok_or("a verdict's document")?;
        for (v, e) in vs.iter().zip(&doc.examples) {
            if let Verdict::Failed { what, spec } = v {
                let line = serde_json::json!({
                    "document": rows[*i].id,
                    "example": e.pointer,
                    "type": e.ty,
                    "failed": what,
                    "spec": spec.as_ref().map(|f| serde_json::json!({
                        "keyword": f.keyword, "at": f.at, "message": f.message
                    })),
                });
                failures.push_str(&line.to_string());
                failures.push('\n');
            }
        }
    }
    std::fs::write(work.join("failures.jsonl"), failures).map_err(|e| e.to_string())?;
    let report = section(
        &rows,
        &docs,
        &verdicts,
        &not_compiled,
        rejected,
        started.elapsed(),
    );
    print!("{report}");
    let generator_failures = verdicts
        .values()
        .flatten()
        .filter(|v| matches!(v, Verdict::Failed { spec: None, .. }))
        .count()
        + not_compiled.len();
    if !quick && limit.is_none() {
        let path = crate::codegen::workspace_root().join("CORPUS.md");
        let previous = std::fs::read_to_string(&path).unwrap_or_default();
        std::fs::write(&path, with_section(&previous, &report))
            .map_err(|e| format!("CORPUS.md: {e}"))?;
        eprintln!("corpus-examples: wrote CORPUS.md");
    }
    Ok(if generator_failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `previous` (a `CORPUS.md`) with its examples section replaced by `section` (or added).
pub fn with_section(previous: &str, section: &str) -> String {
    let kept = match kept_section(previous) {
        Some(old) => previous.replacen(old, "", 1),
        None => previous.to_owned(),
    };
    let kept = kept.trim_end();
    format!("{kept}\n\n{}", section.trim_end()) + "\n"
}

/// The examples section of a previous `CORPUS.md`, for the corpus run to keep: from its
/// heading to the next `## ` heading or the end.
pub fn kept_section(previous: &str) -> Option<&str> {
    let start = previous.find(SECTION)?;
    let rest = &previous[start + SECTION.len()..];
    let end = rest
        .find("\n## ")
        .map_or(previous.len(), |e| start + SECTION.len() + e + 1);
    Some(&previous[start..end])
}

fn module_name(i: usize) -> String {
    format!("d{i:04}")
}

/// Generates each selected document in a child process, two at a time per core; whether it
/// generated.
fn generate(rows: &[Row], selected: &[usize]) -> Vec<(usize, bool)> {
    let exe = std::env::current_exe().expect("the running xtask");
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, bool)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&i) = selected.get(k) else { break };
                    let ok = run_child(&exe, &rows[i].file, &module_name(i));
                    results.lock().expect("no worker panics").push((i, ok));
                }
            });
        }
    });
    let mut out = results.into_inner().expect("no worker panics");
    out.sort_unstable();
    out
}

/// One `corpus-examples-one` child within [`TIME_BOUND`]: whether it wrote its examples.
fn run_child(exe: &Path, file: &str, module: &str) -> bool {
    let Ok(child) = Command::new(exe)
        .args(["corpus-examples-one", file, module])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    else {
        return false;
    };
    match super::wait_within(child, TIME_BOUND) {
        super::Waited::Exited(status, output) => {
            status.success() && output.stdout.starts_with(b"examples")
        }
        super::Waited::TimedOut | super::Waited::Failed(_) => false,
    }
}

/// The checking crates: `chunk-N/` each with its documents' modules (by `#[path]`), the shared
/// runtime (every section) and a table of one decoder per distinct type.
fn write_checkers(work: &Path, chunks: &[Vec<&(usize, String, Doc)>]) -> Result<(), String> {
    let root = crate::codegen::workspace_root();
    let _ = std::fs::remove_dir_all(work.join("chunks"));
    let conventions = oapi_client_gen_core::ir::Conventions {
        id_or_path: vec!["/{id}".to_owned()],
        cursor_pages: true,
        ..Default::default()
    };
    let runtime = oapi_client_gen_core::emit::runtime_source(
        &conventions,
        &oapi_client_gen_core::emit::Layout::Module {
            name: "runtime".to_owned(),
        },
    );
    std::fs::create_dir_all(work.join("chunks")).map_err(|e| e.to_string())?;
    std::fs::write(work.join("runtime.rs"), runtime).map_err(|e| e.to_string())?;
    let mut members = Vec::new();
    for (n, chunk) in chunks.iter().enumerate() {
        let name = format!("chunk-{n}");
        let dir = work.join("chunks").join(&name);
        std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
        let manifest = format!(
            "[package]\nname = \"corpus-examples-{n}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n{}",
            oapi_client_gen_core::emit::DEPENDENCIES
        );
        std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
        let mut main = String::from(
            "// @generated by `cargo xtask corpus-examples`.\n#![allow(warnings, clippy::all)]\n\n#[path = \"../../../runtime.rs\"]\nmod runtime;\n",
        );
        let mut table = Vec::new();
        for (_, module, doc) in chunk {
            main.push_str(&format!(
                "#[path = \"../../../docs/{module}.rs\"]\nmod {module};\n"
            ));
            for e in &doc.examples {
                let entry = format!("{}::<{}>", if e.both { "both" } else { "read" }, e.ty);
                if !table.contains(&entry) {
                    table.push(entry);
                }
            }
        }
        main.push_str(CHECKER_MAIN);
        main.push_str("static TABLE: &[Check] = &[\n");
        for entry in &table {
            main.push_str(&format!("    {entry},\n"));
        }
        main.push_str("];\n");
        std::fs::write(dir.join("src/main.rs"), main).map_err(|e| e.to_string())?;
        std::fs::write(
            dir.join("table.json"),
            serde_json::to_string(&table).map_err(|e| e.to_string())?,
        )
        .map_err(|e| e.to_string())?;
        members.push(format!("chunks/{name}"));
    }
    std::fs::copy(root.join("Cargo.lock"), work.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    let manifest = super::compile::workspace_manifest(&root, &members)?;
    std::fs::write(work.join("Cargo.toml"), manifest).map_err(|e| e.to_string())
}

/// The checking binary's code after its modules: reads `{"check", "value"}` lines, decodes each
/// value as its table entry's type (and encodes it again for a type that requests also send),
/// and prints `{"ok"}` or `{"path", "message"}`, with `"back"` for the encoded value.
const CHECKER_MAIN: &str = r#"
type Check = fn(&str) -> serde_json::Value;

fn decode<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, serde_json::Value> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| {
        serde_json::json!({"path": e.path().to_string(), "message": e.inner().to_string()})
    })
}

fn read<T: serde::de::DeserializeOwned>(text: &str) -> serde_json::Value {
    match decode::<T>(text) {
        Ok(_) => serde_json::json!({"ok": true}),
        Err(e) => e,
    }
}

fn both<T: serde::de::DeserializeOwned + serde::Serialize>(text: &str) -> serde_json::Value {
    match decode::<T>(text) {
        Ok(v) => match serde_json::to_value(&v) {
            Ok(back) => serde_json::json!({"ok": true, "back": back}),
            Err(e) => serde_json::json!({"path": "", "message": format!("cannot encode: {e}")}),
        },
        Err(e) => e,
    }
}

fn main() {
    use std::io::BufRead as _;
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("stdin");
        let job: serde_json::Value = serde_json::from_str(&line).expect("a job");
        let check = TABLE[job["check"].as_u64().expect("check") as usize];
        let out = check(job["value"].as_str().expect("value"));
        println!("{out}");
    }
}

"#;

/// Builds every checking binary in one `cargo build --keep-going`; the first error of each
/// chunk that did not build.
fn build_checkers(work: &Path, chunks: usize) -> Result<BTreeMap<usize, String>, String> {
    let root = crate::codegen::workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let started = Instant::now();
    let output = Command::new(&cargo)
        .args([
            "build",
            "--workspace",
            "--keep-going",
            "--message-format=json",
        ])
        .current_dir(work)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env("CARGO_INCREMENTAL", "0")
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    eprintln!(
        "corpus-examples: built {chunks} checking binaries in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    let mut failed = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if msg["reason"] != "compiler-message" || msg["message"]["level"] != "error" {
            continue;
        }
        let package = msg["package_id"].as_str().unwrap_or_default();
        let Some(n) = package.split("corpus-examples-").nth(1).and_then(|rest| {
            rest.split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse::<usize>()
                .ok()
        }) else {
            continue;
        };
        failed.entry(n).or_insert_with(|| {
            msg["message"]["rendered"]
                .as_str()
                .unwrap_or_default()
                .lines()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        });
    }
    if !output.status.success() && failed.is_empty() {
        return Err("cargo build failed before compiling the checkers".to_owned());
    }
    Ok(failed)
}

/// What one chunk's binary said of each example of each of its documents.
fn run_checker(
    work: &Path,
    n: usize,
    chunk: &[&(usize, String, Doc)],
) -> Result<Vec<Vec<Value>>, String> {
    let root = crate::codegen::workspace_root();
    let table: Vec<String> = serde_json::from_str(
        &std::fs::read_to_string(work.join("chunks").join(format!("chunk-{n}/table.json")))
            .map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let mut input = String::new();
    for (_, _, doc) in chunk {
        for e in &doc.examples {
            let entry = format!("{}::<{}>", if e.both { "both" } else { "read" }, e.ty);
            let check = table
                .iter()
                .position(|t| *t == entry)
                .ok_or("an example's type is missing from its table")?;
            input.push_str(
                &serde_json::json!({"check": check, "value": e.value.to_string()}).to_string(),
            );
            input.push('\n');
        }
    }
    let exe = root
        .join("target/debug")
        .join(format!("corpus-examples-{n}"));
    let mut child = Command::new(&exe)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{}: {e}", exe.display()))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    let _ = writer.join();
    let mut lines = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap_or(Value::Null))
        .collect::<Vec<_>>()
        .into_iter();
    Ok(chunk
        .iter()
        .map(|(_, _, doc)| {
            doc.examples
                .iter()
                .map(|_| {
                    lines.next().unwrap_or_else(|| {
                        serde_json::json!({"path": "", "message": "the checker stopped (a panic or a stack overflow)"})
                    })
                })
                .collect()
        })
        .collect())
}

/// One example's verdict from the checker's answer `r`.
fn judge<'s>(doc: &Doc, e: &Example, r: Value, spec: &dyn Fn() -> Option<&'s Value>) -> Verdict {
    let (what, failed_at) = if r["ok"] == true {
        match r.get("back") {
            Some(back) if e.both => {
                match round_trip_difference(doc, &e.shape, &e.value, back, "") {
                    None => return Verdict::Decoded,
                    Some(d) => {
                        let at = segments(d.split(':').next().unwrap_or_default());
                        (format!("round trip: {d}"), at)
                    }
                }
            }
            _ => return Verdict::Decoded,
        }
    } else {
        let path = r["path"].as_str().unwrap_or_default();
        let message = r["message"].as_str().unwrap_or_default();
        let what = if path.is_empty() || path == "." {
            message.to_owned()
        } else {
            format!("at `{path}`: {message}")
        };
        (what, segments(path))
    };
    // The spec's fault only when the validator finds the example wrong where decoding failed
    // (or around it): a defect elsewhere in the example does not explain this failure.
    let spec_verdict = match spec() {
        Some(spec) => match schema_says_in(spec, &e.schema, &e.value) {
            Ok(findings) => findings.into_iter().find(|f| explains(f, &failed_at)),
            Err(err) => Some(Finding {
                keyword: "(schema not valid JSON Schema)".to_owned(),
                at: Vec::new(),
                message: err,
            }),
        },
        None => None,
    };
    Verdict::Failed {
        what,
        spec: spec_verdict,
    }
}

/// The `CORPUS.md` section.
fn section(
    rows: &[Row],
    docs: &[(usize, String, Doc)],
    verdicts: &BTreeMap<usize, Vec<Verdict>>,
    not_compiled: &[(usize, String)],
    rejected: usize,
    elapsed: Duration,
) -> String {
    let with_examples = docs
        .iter()
        .filter(|(_, _, d)| !d.examples.is_empty())
        .count();
    let all_decode = verdicts
        .values()
        .filter(|v| v.iter().all(|v| *v == Verdict::Decoded))
        .count();
    let examples: usize = verdicts.values().map(Vec::len).sum();
    let decoded = verdicts
        .values()
        .flatten()
        .filter(|v| **v == Verdict::Decoded)
        .count();
    let spec_wrong = verdicts
        .values()
        .flatten()
        .filter(|v| matches!(v, Verdict::Failed { spec: Some(_), .. }))
        .count();
    let generator_wrong = examples - decoded - spec_wrong;
    let pct = |a: usize, b: usize| {
        if b == 0 {
            0.0
        } else {
            a as f64 * 100.0 / b as f64
        }
    };
    let mut out = format!("{SECTION}\n\n");
    out.push_str("Every example of each generated document that the client reads (a component schema's `example`, a property's, a response's `example` and `examples`, error statuses too), decoded by the generated type it belongs to; a type that requests also send is encoded again and must give back every declared field (`cargo xtask corpus-examples`, `xtask/src/corpus/examples.rs`). A failure is the spec's when a JSON Schema validator (`jsonschema`, draft 4) finds the example is not a value of its schema at or around the field where decoding failed; else the generator's. The validator reads the schema as the generator does: `nullable` as a `null` type, `uuid` as a format, integers as 64-bit, a schema with `properties` and no `type` as an object, `type: object` with `items` as an array, a keyword whose value is not of its kind as absent. Request bodies and parameters are not counted (the client sends them, it does not read them), nor types with a binary field (upload bodies). Every failure is in `target/corpus/examples/failures.jsonl` after a run.\n\n");
    out.push_str(&format!(
        "- documents generated: {}; with examples the client reads: {with_examples}; not generated: {rejected}\n",
        docs.len()
    ));
    out.push_str(&format!(
        "- **documents whose examples all decode: {all_decode} of {} ({:.1} %)**\n",
        verdicts.len(),
        pct(all_decode, verdicts.len())
    ));
    out.push_str(&format!(
        "- examples: {examples}; decoded (and round-tripped where sent too): {decoded} ({:.1} %); the spec is wrong: {spec_wrong}; **the generator is wrong: {generator_wrong}**\n",
        pct(decoded, examples)
    ));
    if !not_compiled.is_empty() {
        out.push_str(&format!(
            "- documents whose types did not compile in the checker: {}\n",
            not_compiled.len()
        ));
    }
    out.push_str(&format!(
        "- run: {:.0} s on this machine (2 cores)\n",
        elapsed.as_secs_f64()
    ));
    // Spec-caused failures, by the keyword the example breaks.
    let mut causes: BTreeMap<String, (usize, usize, String)> = BTreeMap::new();
    for (i, vs) in verdicts {
        let mut seen = std::collections::BTreeSet::new();
        for v in vs {
            if let Verdict::Failed { spec: Some(f), .. } = v {
                let entry = causes.entry(f.keyword.clone()).or_insert((
                    0,
                    0,
                    format!("{}: {}", rows[*i].id, clip_text(&f.message)),
                ));
                entry.0 += 1;
                if seen.insert(f.keyword.clone()) {
                    entry.1 += 1;
                }
            }
        }
    }
    if !causes.is_empty() {
        let mut causes: Vec<(String, (usize, usize, String))> = causes.into_iter().collect();
        causes.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(&b.0)));
        out.push_str("\n### The spec is wrong: the keyword each example breaks (most common first)\n\n| keyword | examples | documents | first |\n|---|---:|---:|---|\n");
        for (kind, (n, d, first)) in &causes {
            out.push_str(&format!(
                "| `{kind}` | {n} | {d} | {} |\n",
                crate::fixtures::cell(first)
            ));
        }
    }
    out.push_str("\n### The generator is wrong\n\n");
    let mut any = false;
    for (i, vs) in verdicts {
        let (_, _, doc) = docs
            .iter()
            .find(|(j, _, _)| j == i)
            .expect("a verdict's document");
        for (v, e) in vs.iter().zip(&doc.examples) {
            if let Verdict::Failed { what, spec: None } = v {
                if !any {
                    out.push_str(
                        "| document | example | type | what happened |\n|---|---|---|---|\n",
                    );
                    any = true;
                }
                out.push_str(&format!(
                    "| {} | `{}` | `{}` | {} |\n",
                    rows[*i].id,
                    crate::fixtures::cell(&e.pointer),
                    crate::fixtures::cell(&e.ty),
                    crate::fixtures::cell(what)
                ));
            }
        }
    }
    for (i, error) in not_compiled {
        if !any {
            out.push_str("| document | example | type | what happened |\n|---|---|---|---|\n");
            any = true;
        }
        out.push_str(&format!(
            "| {} | (all) | | its types did not compile: {} |\n",
            rows[*i].id,
            crate::fixtures::cell(error)
        ));
    }
    if !any {
        out.push_str("None.\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Doc {
        let mut structs = BTreeMap::new();
        structs.insert(
            "Pet".to_owned(),
            BTreeMap::from([
                ("id".to_owned(), Shape::Number),
                ("born".to_owned(), Shape::DateTime),
                ("tags".to_owned(), Shape::Vec(Box::new(Shape::Other))),
            ]),
        );
        Doc {
            examples: Vec::new(),
            structs,
        }
    }

    #[test]
    fn a_round_trip_keeps_declared_fields_by_value() {
        let d = doc();
        let pet = Shape::Struct("Pet".into());
        let sent = json!({"id": 1, "born": "2020-01-01T00:00:00.000Z", "tags": null, "x": 1});
        let back = json!({"id": 1.0, "born": "2020-01-01T00:00:00Z"});
        assert_eq!(round_trip_difference(&d, &pet, &sent, &back, ""), None);
        let lost = json!({"born": "2020-01-01T00:00:00Z"});
        assert_eq!(
            round_trip_difference(&d, &pet, &sent, &lost, ""),
            Some(".id: `1` came back as `null`".to_owned())
        );
        let moved = json!({"id": 1, "born": "2020-01-02T00:00:00Z"});
        assert!(
            round_trip_difference(&d, &pet, &sent, &moved, "")
                .unwrap()
                .starts_with(".born:")
        );
    }

    #[test]
    fn the_validator_reads_openapi_nullable_and_refs() {
        let spec = json!({
            "openapi": "3.0.3",
            "components": {"schemas": {
                "Pet": {"type": "object", "required": ["id"], "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string", "nullable": true},
                    "owner": {"$ref": "#/components/schemas/Owner"}
                }},
                "Owner": {"type": "object", "properties": {"since": {"type": "string", "format": "date-time"}}}
            }}
        });
        let at = "/components/schemas/Pet";
        let says = |v: Value| schema_says(&spec, at, &v).unwrap();
        // A property named after a keyword is a property, not a keyword.
        let keywords = json!({"components": {"schemas": {"T": {"type": "object", "properties": {
            "type": {"type": "string"}, "properties": {"$ref": "#/components/schemas/T"}
        }}}}});
        let found = schema_says(&keywords, "/components/schemas/T", &json!({"type": 1})).unwrap();
        assert_eq!(
            (found[0].keyword.as_str(), found[0].at.clone()),
            ("type", vec!["type".to_owned()])
        );
        assert_eq!(says(json!({"id": 1, "name": null})), Vec::new());
        assert_eq!(says(json!({"name": "x"}))[0].keyword, "required");
        let date = says(json!({"id": 1, "owner": {"since": "yesterday"}}));
        assert_eq!(
            (date[0].keyword.as_str(), date[0].at.clone()),
            ("format", vec!["owner".to_owned(), "since".to_owned()])
        );
        assert_eq!(says(json!({"id": "1"}))[0].keyword, "type");
        // A finding explains a failure where it is or around it, not elsewhere.
        assert!(explains(&date[0], &segments("owner.since")));
        assert!(explains(&date[0], &segments("owner")));
        assert!(!explains(&date[0], &segments("id")));
    }

    #[test]
    fn the_section_replaces_its_old_self() {
        let old = format!("# Corpus\n\n## Summary\n\nx\n\n{SECTION}\n\nold\n\n## Later\n\ny\n");
        let new = with_section(&old, &format!("{SECTION}\n\nnew\n"));
        assert!(new.contains("new") && !new.contains("old") && new.contains("## Later"));
        assert_eq!(
            kept_section(&new).map(str::trim),
            Some(format!("{SECTION}\n\nnew").as_str())
        );
    }
}
