//! Finding the schemas of a document by the OpenAPI object model.
//!
//! In: a bundled document. Out: the JSON pointers of every schema object in it, in document
//! order — `schema`, `items`, `properties/*`, `allOf/*`, … reached from paths and components, but
//! never inside examples, defaults or extensions (where a `type` key is data, not a keyword).

use crate::bundle::{Container, Kind, child_kind};
use crate::diag::child;
use serde_json::Value;

/// Pointers of every schema object (including `$ref` schemas) in document order.
pub fn schema_pointers(doc: &Value) -> Vec<String> {
    let swagger2 = doc.get("swagger").is_some() && doc.get("openapi").is_none();
    let mut out = Walk::default();
    visit(doc, "", Container::One(Kind::Root), swagger2, 0, &mut out);
    out.objects
}

/// Pointers of every boolean schema (`true`: anything, `false`: nothing; JSON Schema 2020-12,
/// OpenAPI 3.1) in document order — the places where an object schema is expected but a
/// boolean stands.
pub fn boolean_schema_pointers(doc: &Value) -> Vec<String> {
    let swagger2 = doc.get("swagger").is_some() && doc.get("openapi").is_none();
    let mut out = Walk::default();
    visit(doc, "", Container::One(Kind::Root), swagger2, 0, &mut out);
    out.booleans
}

#[derive(Default)]
struct Walk {
    objects: Vec<String>,
    booleans: Vec<String>,
}

fn visit(v: &Value, ptr: &str, c: Container, swagger2: bool, depth: usize, out: &mut Walk) {
    if depth > 256 {
        return;
    }
    match (c, v) {
        (Container::One(Kind::Schema) | Container::OneOrList(Kind::Schema), Value::Bool(_)) => {
            out.booleans.push(ptr.to_owned());
        }
        (Container::One(kind) | Container::OneOrList(kind), Value::Object(m)) => {
            if kind == Kind::Opaque {
                return;
            }
            if kind == Kind::Schema {
                out.objects.push(ptr.to_owned());
            }
            if m.contains_key("$ref") {
                return;
            }
            for (k, child_v) in m {
                visit(
                    child_v,
                    &child(ptr, k),
                    child_kind(kind, k, swagger2),
                    swagger2,
                    depth + 1,
                    out,
                );
            }
        }
        (Container::Map(kind), Value::Object(m)) => {
            for (k, child_v) in m {
                if k.starts_with("x-") && kind != Kind::Schema {
                    continue;
                }
                visit(
                    child_v,
                    &child(ptr, k),
                    Container::One(kind),
                    swagger2,
                    depth + 1,
                    out,
                );
            }
        }
        (Container::List(kind) | Container::OneOrList(kind), Value::Array(a)) => {
            for (i, child_v) in a.iter().enumerate() {
                visit(
                    child_v,
                    &child(ptr, i.to_string()),
                    Container::One(kind),
                    swagger2,
                    depth + 1,
                    out,
                );
            }
        }
        _ => {}
    }
}

/// What the node at `pointer` is in the OpenAPI object model (`Opaque` for data and unknowns).
pub(crate) fn kind_at(doc: &Value, pointer: &str) -> Kind {
    let swagger2 = doc.get("swagger").is_some() && doc.get("openapi").is_none();
    let mut c = Container::One(Kind::Root);
    for tok in crate::diag::tokens(pointer) {
        c = match c {
            Container::One(k) => child_kind(k, &tok, swagger2),
            // `tok` names a member of the map or list: the member itself is `k`.
            Container::Map(k) | Container::List(k) | Container::OneOrList(k) => Container::One(k),
        };
    }
    match c {
        Container::One(k) => k,
        // A map or list itself (e.g. `properties`) is not one of the model's objects.
        _ => Kind::Opaque,
    }
}
