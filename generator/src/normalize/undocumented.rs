//! Setting `undocumented_strings = "infer"`: a response field declared `type: string` and
//! nothing more is of undocumented type.
//!
//! Grape (GitLab's API framework) writes `type: string` for every entity field exposed without
//! documentation (`expose :id`), whatever the field holds; GitLab then sends integers, booleans,
//! arrays and objects there, and a client that believes the spec cannot read the response. Grape
//! also writes `type: string` beside an `example` of another JSON type (`id`, `example: 1`).
//!
//! In/out: the document, mended in place; one warning per field retyped. Each such field of a
//! schema that a response reaches takes the type of its evidence, in this order:
//!
//! 1. its examples (its own, or its parent's walked down to it), when they agree on a JSON type;
//! 2. the fields of the same name documented elsewhere (in responses or request bodies), when at
//!    least nine in ten of them (and two or more) agree on one scalar type (`id`: 96 integers
//!    and 10 strings in GitLab's description);
//! 3. none: the field is read as any JSON value (`serde_json::Value`), which keeps what was
//!    sent, whatever it is.
//!
//! Evidence that it is a string leaves the field as it is, without a warning. Request bodies are
//! not touched: what the client sends is the caller's to choose. Off by default (`"trust"`): a
//! spec that means `type: string` gets strings.

use super::at;
use super::examples;
use crate::diag::{Diagnostic, Diagnostics, child, tokens};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// What the evidence says a field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    String,
    DateTime,
    Date,
    Integer,
    Number,
    Boolean,
    /// An array, an object, a reference, or disagreeing values.
    Other,
}

impl Kind {
    fn of_schema(node: &Value) -> Kind {
        if node.get("$ref").is_some() {
            return Kind::Other;
        }
        match (
            node.get("type").and_then(Value::as_str),
            node.get("format").and_then(Value::as_str),
        ) {
            (Some("string"), Some("date-time")) => Kind::DateTime,
            (Some("string"), Some("date")) => Kind::Date,
            (Some("string"), _) => Kind::String,
            (Some("integer"), _) => Kind::Integer,
            (Some("number"), _) => Kind::Number,
            (Some("boolean"), _) => Kind::Boolean,
            _ => Kind::Other,
        }
    }

    fn of_value(v: &Value) -> Kind {
        match v {
            Value::String(_) => Kind::String,
            Value::Number(n) if n.is_i64() || n.is_u64() => Kind::Integer,
            Value::Number(_) => Kind::Number,
            Value::Bool(_) => Kind::Boolean,
            _ => Kind::Other,
        }
    }

    /// The kind all of `samples` share (nulls aside): integers and other numbers together are
    /// numbers. `None` without a sample.
    fn of_samples(samples: &[Value]) -> Option<Kind> {
        let mut kinds = samples.iter().filter(|v| !v.is_null()).map(Kind::of_value);
        let first = kinds.next()?;
        Some(kinds.fold(first, |a, b| match (a, b) {
            _ if a == b => a,
            (Kind::Integer | Kind::Number, Kind::Integer | Kind::Number) => Kind::Number,
            _ => Kind::Other,
        }))
    }

    fn schema(self) -> Value {
        match self {
            Kind::String => json!({ "type": "string" }),
            Kind::DateTime => json!({ "type": "string", "format": "date-time" }),
            Kind::Date => json!({ "type": "string", "format": "date" }),
            Kind::Integer => json!({ "type": "integer" }),
            Kind::Number => json!({ "type": "number" }),
            Kind::Boolean => json!({ "type": "boolean" }),
            // Any JSON value; the type (`serde_json::Value`) says so, without a line of rustdoc
            // on each of GitLab's 660 such fields.
            Kind::Other => json!({}),
        }
    }

    fn shown(self) -> &'static str {
        match self {
            Kind::String => "`type: string`",
            Kind::DateTime => "`type: string, format: date-time`",
            Kind::Date => "`type: string, format: date`",
            Kind::Integer => "`type: integer`",
            Kind::Number => "`type: number`",
            Kind::Boolean => "`type: boolean`",
            Kind::Other => "any JSON value (`serde_json::Value`)",
        }
    }
}

/// Which defect a field has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Defect {
    /// `{type: string}` and nothing more.
    Bare,
    /// A scalar `type` whose own `example` is of another JSON type: `type: string` with
    /// `example: 1`, `type: integer` with `example: jenkins` or `example: 0.5`.
    ExampleOfAnotherType(Kind),
}

fn defect(node: &Value) -> Option<Defect> {
    let Value::Object(m) = node else { return None };
    if m.len() == 1 && m.get("type").and_then(Value::as_str) == Some("string") {
        return Some(Defect::Bare);
    }
    let plain = m.keys().all(|k| {
        matches!(
            k.as_str(),
            "type" | "format" | "example" | "description" | "nullable"
        )
    });
    let declared = Kind::of_schema(node);
    let example = m.get("example")?;
    if !plain || example.is_null() || matches!(declared, Kind::Other) {
        return None;
    }
    let differs = match (declared, Kind::of_value(example)) {
        // A string example of a number may be the number written as text (`example: '1'`).
        (Kind::Integer | Kind::Number, Kind::String) => example
            .as_str()
            .is_some_and(|s| s.trim().parse::<f64>().is_err()),
        (Kind::Number, Kind::Integer) => false,
        (Kind::String | Kind::DateTime | Kind::Date, Kind::String) => false,
        (d, e) => d != e,
    };
    differs.then_some(Defect::ExampleOfAnotherType(declared))
}

/// Retypes every response field of undocumented type (module docs).
pub fn apply(doc: &mut Value, diags: &mut Diagnostics) {
    let ptrs = crate::walk::schema_pointers(doc);
    // The examples' own warnings were reported when the quirk fixes collected them.
    let ev = examples::collect(doc, &ptrs, &mut Diagnostics::default());
    let reachable = Reachable::new(doc, &ptrs);
    // The defective fields of responses to mend, and what the documented fields say, by name.
    let mut defective: Vec<(String, String, Defect)> = Vec::new();
    let mut documented: BTreeMap<String, BTreeMap<Kind, usize>> = BTreeMap::new();
    for p in &ptrs {
        let toks = tokens(p);
        let n = toks.len();
        if n < 2 || toks[n - 2] != "properties" {
            continue;
        }
        let Some(node) = doc.pointer(p) else { continue };
        let name = toks[n - 1].clone();
        match defect(node) {
            Some(d) if reachable.covers(p) => defective.push((p.clone(), name, d)),
            Some(_) => {}
            // Request bodies document fields too (`share_with_group_lock: boolean`).
            None => {
                let kind = examples::resolve(doc, p).map_or(Kind::Other, |(_, s)| {
                    if s.get("properties").is_some() || s.get("items").is_some() {
                        Kind::Other
                    } else {
                        Kind::of_schema(s)
                    }
                });
                *documented.entry(name).or_default().entry(kind).or_default() += 1;
            }
        }
    }
    for (p, name, d) in defective {
        let (kind, evidence) = if let Some(k) = Kind::of_samples(ev.for_schema(&p)) {
            (k, "its examples".to_owned())
        } else if let Some((k, agree, total)) = documented.get(&name).and_then(consensus) {
            (
                k,
                format!("{agree} of the {total} documented fields named `{name}`"),
            )
        } else {
            (Kind::Other, String::new())
        };
        let unchanged = match d {
            Defect::Bare => kind == Kind::String,
            Defect::ExampleOfAnotherType(declared) => kind == declared,
        };
        if unchanged {
            continue;
        }
        let Some(node) = doc.pointer_mut(&p) else {
            continue;
        };
        let mut new = kind.schema();
        if let (Some(example), Value::Object(m)) = (node.get("example").cloned(), &mut new) {
            let fits = match kind {
                Kind::String | Kind::DateTime | Kind::Date => example.is_string(),
                Kind::Integer => example.is_i64() || example.is_u64(),
                Kind::Number => example.is_number(),
                Kind::Boolean => example.is_boolean(),
                Kind::Other => true,
            };
            if fits {
                m.insert("example".into(), example);
            }
        }
        if let Value::Object(m) = &mut new {
            for key in ["description", "nullable"] {
                if let Some(v) = node.get(key) {
                    m.insert(key.into(), v.clone());
                }
            }
        }
        *node = new;
        let (code, declared) = match d {
            Defect::Bare => (
                "undocumented-string",
                "declared `type: string` and nothing more (an undocumented Grape entity field)",
            ),
            Defect::ExampleOfAnotherType(declared) => (
                "example-type-mismatch",
                match declared {
                    Kind::String | Kind::DateTime | Kind::Date => {
                        "declared `type: string` with an example of another type"
                    }
                    Kind::Integer => "declared `type: integer` with an example of another type",
                    Kind::Number => "declared `type: number` with an example of another type",
                    _ => "declared `type: boolean` with an example of another type",
                },
            ),
        };
        let message = if evidence.is_empty() {
            format!(
                "{declared}, and nothing in the spec shows its type; read as {}",
                kind.shown()
            )
        } else {
            format!("{declared}; read as {}, from {evidence}", kind.shown())
        };
        diags.push(
            Diagnostic::warning(code, at(&p), message).with_help(
                "declare the field's type in the overlay (`update` its schema), citing the evidence (a recorded response, the API's documentation)",
            ),
        );
    }
}

/// The scalar kind that at least nine in ten of the documented fields (and two or more) agree
/// on: `(kind, agreeing, total)`.
fn consensus(counts: &BTreeMap<Kind, usize>) -> Option<(Kind, usize, usize)> {
    let total: usize = counts.values().sum();
    let (&kind, &agree) = counts
        .iter()
        .max_by_key(|(k, n)| (**n, std::cmp::Reverse(**k)))?;
    (kind != Kind::Other && agree >= 2 && agree * 10 >= total * 9).then_some((kind, agree, total))
}

/// The schemas a response reaches: response schemas and every component they refer to, directly
/// or through other components, with everything below them.
pub(super) struct Reachable(BTreeSet<String>);

impl Reachable {
    pub(super) fn new(doc: &Value, ptrs: &[String]) -> Reachable {
        Reachable(response_roots(doc, ptrs))
    }

    /// Whether the schema at `p` is, or is inside, one a response reaches.
    pub(super) fn covers(&self, p: &str) -> bool {
        let mut end = p.len();
        loop {
            if self.0.contains(&p[..end]) {
                return true;
            }
            match p[..end].rfind('/') {
                Some(i) if i > 0 => end = i,
                _ => return false,
            }
        }
    }
}

/// The pointers of response schemas and of every component they refer to.
fn response_roots(doc: &Value, ptrs: &[String]) -> BTreeSet<String> {
    let all: BTreeSet<&str> = ptrs.iter().map(String::as_str).collect();
    let mut roots = BTreeSet::new();
    let mut queue = Vec::new();
    for p in ptrs {
        let toks = tokens(p);
        let n = toks.len();
        if n >= 5
            && toks[n - 1] == "schema"
            && toks[n - 3] == "content"
            && toks[n - 5] == "responses"
            && roots.insert(p.clone())
        {
            queue.push(p.clone());
        }
    }
    while let Some(root) = queue.pop() {
        let below = format!("{root}/");
        let refs: Vec<String> = all
            .range(root.as_str()..)
            .take_while(|q| q.starts_with(root.as_str()))
            .filter(|q| **q == root || q.starts_with(&below))
            .filter_map(|q| doc.pointer(q)?.get("$ref")?.as_str())
            .filter_map(|r| r.strip_prefix('#'))
            .map(|frag| tokens(frag).iter().fold(String::new(), |p, t| child(&p, t)))
            .collect();
        for target in refs {
            if roots.insert(target.clone()) {
                queue.push(target);
            }
        }
    }
    roots
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(doc: Value) -> (Value, Vec<String>) {
        let mut doc = doc;
        let mut diags = Diagnostics::default();
        apply(&mut doc, &mut diags);
        let messages = diags
            .iter()
            .map(|d| format!("{} {}: {}", d.code, d.origin.pointer, d.message))
            .collect();
        (doc, messages)
    }

    fn spec(schemas: Value) -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/badges/{id}": {
                    "get": {
                        "responses": {"200": {"description": "ok", "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Badge"}
                        }}}}
                    },
                    "put": {
                        "requestBody": {"content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/BadgeInput"}
                        }}},
                        "responses": {"204": {"description": "done"}}
                    }
                }
            },
            "components": {"schemas": schemas}
        })
    }

    #[test]
    fn a_bare_string_takes_the_type_its_name_has_elsewhere_or_any_json() {
        let (doc, warnings) = run(spec(json!({
            "Badge": {"type": "object", "properties": {
                "id": {"type": "string"},
                "name": {"type": "string"},
                "upvotes": {"type": "string"},
                "owner": {"$ref": "#/components/schemas/Owner"}
            }},
            "Owner": {"type": "object", "properties": {
                "id": {"type": "integer", "description": "The owner's id"},
                "name": {"type": "string", "description": "The owner's name"},
                "group": {"$ref": "#/components/schemas/Group"}
            }},
            "Group": {"type": "object", "properties": {
                "id": {"type": "integer", "description": "The group's id"},
                "name": {"type": "string", "description": "Its name"}
            }},
            "BadgeInput": {"type": "object", "properties": {"id": {"type": "string"}}}
        })));
        let badge = &doc["components"]["schemas"]["Badge"]["properties"];
        assert_eq!(badge["id"], json!({"type": "integer"}));
        assert_eq!(
            badge["name"],
            json!({"type": "string"}),
            "strings stay strings"
        );
        assert_eq!(badge["upvotes"], json!({}));
        // A request body's field is the caller's to choose: untouched.
        assert_eq!(
            doc["components"]["schemas"]["BadgeInput"]["properties"]["id"],
            json!({"type": "string"})
        );
        assert_eq!(
            warnings,
            [
                "undocumented-string /components/schemas/Badge/properties/id: declared `type: string` and nothing more (an undocumented Grape entity field); read as `type: integer`, from 2 of the 2 documented fields named `id`",
                "undocumented-string /components/schemas/Badge/properties/upvotes: declared `type: string` and nothing more (an undocumented Grape entity field), and nothing in the spec shows its type; read as any JSON value (`serde_json::Value`)",
            ]
        );
    }

    #[test]
    fn examples_win_over_names_and_an_example_of_another_type_retypes_its_field() {
        let (doc, warnings) = run(spec(json!({
            "Badge": {"type": "object", "example": {"id": true, "kind": 3}, "properties": {
                "id": {"type": "string"},
                "kind": {"type": "string"},
                "hook_id": {"type": "string", "example": 1},
                "owner": {"$ref": "#/components/schemas/Owner"}
            }},
            "Owner": {"type": "object", "properties": {
                "id": {"type": "integer", "description": "one"},
                "kind": {"type": "integer", "description": "two"}
            }},
            "BadgeInput": {"type": "object"}
        })));
        let badge = &doc["components"]["schemas"]["Badge"]["properties"];
        assert_eq!(badge["id"], json!({"type": "boolean"}));
        assert_eq!(badge["kind"], json!({"type": "integer"}));
        assert_eq!(badge["hook_id"], json!({"type": "integer", "example": 1}));
        assert_eq!(warnings.len(), 3, "{warnings:#?}");
        assert!(
            warnings[2].starts_with("example-type-mismatch /components/schemas/Badge/properties/hook_id: declared `type: string` with an example of another type; read as `type: integer`, from its examples"),
            "{warnings:#?}"
        );
    }

    #[test]
    fn an_integer_whose_example_is_a_word_is_a_string_and_one_whose_example_is_a_fraction_a_number()
    {
        let (doc, warnings) = run(spec(json!({
            "Badge": {"type": "object", "properties": {
                "slug": {"type": "integer", "format": "int32", "example": "jenkins"},
                "count": {"type": "integer", "example": "12"},
                "queued": {"type": "integer", "example": 0.5, "description": "Seconds"}
            }},
            "BadgeInput": {"type": "object"}
        })));
        let badge = &doc["components"]["schemas"]["Badge"]["properties"];
        assert_eq!(
            badge["slug"],
            json!({"type": "string", "example": "jenkins"})
        );
        assert_eq!(
            badge["count"],
            json!({"type": "integer", "example": "12"}),
            "a number written as text"
        );
        assert_eq!(
            badge["queued"],
            json!({"type": "number", "example": 0.5, "description": "Seconds"})
        );
        assert_eq!(warnings.len(), 2, "{warnings:#?}");
        assert!(warnings[0].contains("declared `type: integer` with an example of another type; read as `type: string`, from its examples"), "{warnings:#?}");
    }

    #[test]
    fn names_that_disagree_give_any_json() {
        let (doc, _) = run(spec(json!({
            "Badge": {"type": "object", "properties": {
                "access_level": {"type": "string"},
                "a": {"$ref": "#/components/schemas/A"}
            }},
            "A": {"type": "object", "properties": {
                "access_level": {"type": "integer", "description": "x"},
                "b": {"$ref": "#/components/schemas/B"}
            }},
            "B": {"type": "object", "properties": {
                "access_level": {"type": "string", "description": "y"}
            }},
            "BadgeInput": {"type": "object"}
        })));
        assert_eq!(
            doc["components"]["schemas"]["Badge"]["properties"]["access_level"],
            json!({})
        );
    }
}
