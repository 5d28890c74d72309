//! Lowering schemas into the [`TypeSpace`].
//!
//! In: `openapiv3` schemas with a context name (`AccessTokensPostScopes`) and the pointer they
//! sit at. Out: [`TypeRef`]s; named types interned in the arena. Component schemas are named by
//! their key and lowered once; inline schemas are named by `title`, else by context, and two
//! inline schemas with the same name and the same content are one type (so a schema copied to
//! several places stays one Rust type). Fields whose type contains the struct itself are boxed.

use crate::diag::{Diagnostic, Diagnostics, child};
use crate::ir::{Field, TypeDef, TypeId, TypeKind, TypeRef, TypeSpace, UnionVariant, Variant};
use crate::naming::{self, Names};
use crate::normalize::at;
use openapiv3::{
    AdditionalProperties, OpenAPI, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use std::collections::{BTreeMap, BTreeSet};

/// How deep schemas may nest inside one another before lowering gives up.
const MAX_DEPTH: usize = 100;

pub struct Types<'m> {
    model: &'m OpenAPI,
    space: TypeSpace,
    names: Names,
    /// component schema name → its lowered type.
    components: BTreeMap<String, TypeRef>,
    /// component schemas being lowered (for `$ref` chains that never reach a type).
    resolving: BTreeSet<String>,
    /// canonical schema JSON → interned inline type. Keyed by content alone, so the same inline
    /// schema met again — elsewhere, or inside itself through a `$ref` — is the same type (the
    /// first place names it), and recursion through inline schemas ends.
    interned: BTreeMap<String, TypeId>,
    /// How deep schema lowering is nested right now (bounded against hostile specs).
    depth: usize,
    /// Rust names chosen for component schemas (by the `rename_types` setting, or by the
    /// operation whose body a schema is), by schema name; the others are named after the schema.
    preferred: BTreeMap<String, String>,
}

impl<'m> Types<'m> {
    pub fn new(model: &'m OpenAPI, preferred: BTreeMap<String, String>) -> Self {
        // Types live in the `types` module, apart from the crate root's `Client`, `Error` and
        // the runtime's names (always written with their path), so a schema named `Error` or
        // `Client` keeps its name; only the prelude's names are kept off ([`naming::type_name`]).
        let names = Names::new();
        Types {
            model,
            space: TypeSpace::default(),
            names,
            components: BTreeMap::new(),
            resolving: BTreeSet::new(),
            interned: BTreeMap::new(),
            depth: 0,
            preferred,
        }
    }

    /// Lowers every component schema, in spec order, so each becomes a type even if unused.
    pub fn lower_components(&mut self, diags: &mut Diagnostics) {
        let Some(c) = &self.model.components else {
            return;
        };
        for name in c.schemas.keys() {
            self.component(name, &child("/components/schemas", name), diags);
        }
    }

    /// Whether lowering is nested past [`MAX_DEPTH`] (reported as an error at `ptr`).
    fn too_deep(&self, ptr: &str, diags: &mut Diagnostics) -> bool {
        if self.depth <= MAX_DEPTH {
            return false;
        }
        diags.push(
            Diagnostic::error(
                "schema-too-deep",
                at(ptr),
                format!("schemas nest deeper than {MAX_DEPTH} levels here"),
            )
            .with_help("name deeply nested schemas as components and `$ref` them"),
        );
        true
    }

    pub fn lower(
        &mut self,
        s: &ReferenceOr<Schema>,
        ctx: &str,
        ptr: &str,
        diags: &mut Diagnostics,
    ) -> TypeRef {
        if self.too_deep(ptr, diags) {
            return TypeRef::Json;
        }
        self.depth += 1;
        let t = self.lower_inner(s, ctx, ptr, diags);
        self.depth -= 1;
        t
    }

    fn lower_inner(
        &mut self,
        s: &ReferenceOr<Schema>,
        ctx: &str,
        ptr: &str,
        diags: &mut Diagnostics,
    ) -> TypeRef {
        match s {
            ReferenceOr::Reference { reference } => self.reference(reference, ptr, diags),
            ReferenceOr::Item(s) => self.schema(s, ctx, ptr, diags),
        }
    }

    /// [`Types::lower`] for a property schema.
    pub fn lower_boxed_pub(
        &mut self,
        s: &ReferenceOr<Box<Schema>>,
        ctx: &str,
        ptr: &str,
        diags: &mut Diagnostics,
    ) -> TypeRef {
        self.lower_boxed(s, ctx, ptr, diags)
    }

    /// The properties and required names of an object schema (through `$ref`s and `allOf`), for
    /// form bodies whose fields become parameters.
    pub fn properties_of(
        &self,
        s: &ReferenceOr<Schema>,
    ) -> (
        indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        Vec<String>,
    ) {
        let mut props = indexmap::IndexMap::new();
        let mut required = Vec::new();
        self.collect_all_of(std::slice::from_ref(s), &mut props, &mut required, 0);
        (props, required)
    }

    fn lower_boxed(
        &mut self,
        s: &ReferenceOr<Box<Schema>>,
        ctx: &str,
        ptr: &str,
        diags: &mut Diagnostics,
    ) -> TypeRef {
        match s {
            ReferenceOr::Reference { reference } => self.reference(reference, ptr, diags),
            ReferenceOr::Item(s) => self.schema(s, ctx, ptr, diags),
        }
    }

    fn reference(&mut self, reference: &str, ptr: &str, diags: &mut Diagnostics) -> TypeRef {
        match reference.strip_prefix("#/components/schemas/") {
            Some(name) => {
                let name = name.replace("~1", "/").replace("~0", "~");
                self.component(&name, ptr, diags)
            }
            None => {
                diags.push(Diagnostic::warning(
                    "unresolved-ref",
                    at(ptr),
                    format!(
                        "`$ref: {reference}` is not a component schema; read as any JSON value"
                    ),
                ));
                TypeRef::Json
            }
        }
    }

    /// Whether the component schema `reference` names (through `$ref`s to `$ref`s, at most
    /// 32) is `nullable`.
    fn nullable_target(&self, reference: &str) -> bool {
        let mut reference = reference;
        for _ in 0..32 {
            let Some(found) = reference
                .strip_prefix("#/components/schemas/")
                .map(|n| n.replace("~1", "/").replace("~0", "~"))
                .and_then(|n| self.model.components.as_ref()?.schemas.get(&n))
            else {
                return false;
            };
            match found {
                ReferenceOr::Item(s) => return s.schema_data.nullable,
                ReferenceOr::Reference { reference: next } => reference = next,
            }
        }
        false
    }

    fn component(&mut self, name: &str, referrer: &str, diags: &mut Diagnostics) -> TypeRef {
        if let Some(t) = self.components.get(name) {
            return t.clone();
        }
        let Some(schema) = self
            .model
            .components
            .as_ref()
            .and_then(|c| c.schemas.get(name))
        else {
            diags.push(Diagnostic::error(
                "dangling-ref",
                at(referrer),
                format!("`#/components/schemas/{name}` does not exist"),
            ));
            return TypeRef::Json;
        };
        let ptr = child("/components/schemas", name);
        match schema {
            ReferenceOr::Reference { reference } => {
                if !self.resolving.insert(name.to_owned()) {
                    diags.push(
                        Diagnostic::error("ref-cycle", at(&ptr), format!("`{name}` is a `$ref` that leads back to itself without reaching a schema"))
                            .with_help("one schema in the chain must be a real schema"),
                    );
                    return TypeRef::Json;
                }
                let t = self.reference(reference, &ptr, diags);
                self.resolving.remove(name);
                self.components.insert(name.to_owned(), t.clone());
                t
            }
            ReferenceOr::Item(s) => {
                // Reserve the id first so recursive references resolve to it.
                let id = TypeId(self.space.defs.len());
                let base = match self.preferred.get(name) {
                    Some(rust) => naming::type_name(rust),
                    None => naming::type_name(name),
                };
                let rust = self.names.unique(&base);
                self.space.defs.push(TypeDef {
                    name: rust.clone(),
                    origin: ptr.clone(),
                    doc: s.schema_data.description.clone(),
                    kind: TypeKind::Alias {
                        target: TypeRef::Json,
                    },
                    used_by: Vec::new(),
                    serde: crate::ir::SerdeUse::default(),
                    unknown_fields: None,
                });
                self.components.insert(name.to_owned(), TypeRef::Named(id));
                if let Some(kind) = self.inheritance(name, s, &rust, &ptr, diags) {
                    self.space.defs[id.0].kind = kind;
                    return TypeRef::Named(id);
                }
                let kind = self.kind_of(s, &rust, &ptr, diags);
                self.space.defs[id.0].kind = match kind {
                    Ok(kind) => kind,
                    Err(TypeRef::Named(other)) if other == id => {
                        diags.push(Diagnostic::error(
                            "ref-cycle",
                            at(&ptr),
                            format!("`{name}` is defined as itself"),
                        ));
                        TypeKind::Alias {
                            target: TypeRef::Json,
                        }
                    }
                    Err(target) => TypeKind::Alias { target },
                };
                TypeRef::Named(id)
            }
        }
    }

    /// A component with a `discriminator` but no `oneOf`, which other components extend with
    /// `allOf` (inheritance, Swagger 2.0's polymorphism): a tagged union of those components,
    /// and of the component itself as `<Name>Base` for values tagged with its own name.
    /// `None` when the schema is not such a base.
    fn inheritance(
        &mut self,
        name: &str,
        s: &Schema,
        rust: &str,
        ptr: &str,
        diags: &mut Diagnostics,
    ) -> Option<TypeKind> {
        let d = s.schema_data.discriminator.as_ref()?;
        if matches!(
            s.schema_kind,
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. }
        ) {
            return None;
        }
        let schemas = &self.model.components.as_ref()?.schemas;
        let own = format!(
            "#/components/schemas/{}",
            name.replace('~', "~0").replace('/', "~1")
        );
        let target_name = |target: &str| -> String {
            target
                .strip_prefix("#/components/schemas/")
                .unwrap_or(target)
                .replace("~1", "/")
                .replace("~0", "~")
        };
        let mut children: Vec<String> = schemas
            .iter()
            .filter(|(_, c)| match c {
                ReferenceOr::Item(c) => match &c.schema_kind {
                    SchemaKind::AllOf { all_of } => {
                        all_of.len() > 1
                            && all_of.iter().any(|b| {
                                matches!(b, ReferenceOr::Reference { reference } if *reference == own)
                            })
                    }
                    _ => false,
                },
                ReferenceOr::Reference { .. } => false,
            })
            .map(|(k, _)| k.clone())
            .collect();
        for target in d.mapping.values() {
            let t = target_name(target);
            if t != name && schemas.contains_key(&t) && !children.contains(&t) {
                children.push(t);
            }
        }
        if children.is_empty() {
            return None;
        }
        let tags_of = |component: &str| -> Vec<String> {
            let mut tags: Vec<String> = d
                .mapping
                .iter()
                .filter(|(_, target)| target_name(target) == component)
                .map(|(value, _)| value.clone())
                .collect();
            if tags.is_empty() {
                tags.push(component.to_owned());
            }
            tags
        };
        // The base itself, for values tagged with its own name.
        let base_id = TypeId(self.space.defs.len());
        let base_name = self.names.unique(&format!("{rust}Base"));
        self.space.defs.push(TypeDef {
            name: base_name.clone(),
            origin: ptr.to_owned(),
            doc: s.schema_data.description.clone(),
            kind: TypeKind::Alias {
                target: TypeRef::Json,
            },
            used_by: Vec::new(),
            serde: crate::ir::SerdeUse::default(),
            unknown_fields: None,
        });
        self.space.defs[base_id.0].kind = match self.kind_of(s, &base_name, ptr, diags) {
            Ok(k) => k,
            Err(t) => TypeKind::Alias { target: t },
        };
        let mut names = Names::new();
        names.reserve(&["Other"]);
        let mut variants = Vec::new();
        for c in &children {
            let ty = self.component(c, ptr, diags);
            variants.push(UnionVariant {
                name: names.unique(&naming::type_name(c)),
                ty,
                tags: tags_of(c),
                doc: None,
                boxed: false,
            });
        }
        variants.push(UnionVariant {
            name: names.unique(&base_name),
            ty: TypeRef::Named(base_id),
            tags: tags_of(name),
            doc: None,
            boxed: false,
        });
        Some(TypeKind::Union {
            variants,
            discriminator: Some(d.property_name.clone()),
        })
    }

    /// An inline schema: a plain type, or a named type interned by name and content.
    fn schema(&mut self, s: &Schema, ctx: &str, ptr: &str, diags: &mut Diagnostics) -> TypeRef {
        let base = s
            .schema_data
            .title
            .as_deref()
            .map(naming::type_name)
            .unwrap_or_else(|| ctx.to_owned());
        if !needs_name(s) {
            return match self.kind_of(s, &base, ptr, diags) {
                // `needs_name` is false exactly when `kind_of` yields a plain type.
                Ok(_) => TypeRef::Json,
                Err(t) => t,
            };
        }
        let canonical = canonical_key(s);
        if let Some(id) = self.interned.get(&canonical) {
            return TypeRef::Named(*id);
        }
        let id = TypeId(self.space.defs.len());
        let rust = self.names.unique(&base);
        self.space.defs.push(TypeDef {
            name: rust.clone(),
            origin: ptr.to_owned(),
            doc: s.schema_data.description.clone(),
            kind: TypeKind::Alias {
                target: TypeRef::Json,
            },
            used_by: Vec::new(),
            serde: crate::ir::SerdeUse::default(),
            unknown_fields: None,
        });
        self.interned.insert(canonical, id);
        self.space.defs[id.0].kind = match self.kind_of(s, &rust, ptr, diags) {
            Ok(k) => k,
            Err(t) => TypeKind::Alias { target: t },
        };
        TypeRef::Named(id)
    }

    /// What a schema is: a named kind (`Ok`) or a plain type (`Err`).
    fn kind_of(
        &mut self,
        s: &Schema,
        name: &str,
        ptr: &str,
        diags: &mut Diagnostics,
    ) -> Result<TypeKind, TypeRef> {
        if self.too_deep(ptr, diags) {
            return Err(TypeRef::Json);
        }
        self.depth += 1;
        let kind = self.kind_of_inner(s, name, ptr, diags);
        self.depth -= 1;
        kind
    }

    fn kind_of_inner(
        &mut self,
        s: &Schema,
        name: &str,
        ptr: &str,
        diags: &mut Diagnostics,
    ) -> Result<TypeKind, TypeRef> {
        match &s.schema_kind {
            SchemaKind::Type(Type::String(st)) => {
                let values: Vec<&String> = st.enumeration.iter().flatten().collect();
                if !values.is_empty() {
                    return Ok(string_enum(&values, s, ptr, diags));
                }
                Err(match &st.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::Date) => TypeRef::Date,
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
                    VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => TypeRef::Bytes,
                    VariantOrUnknownOrEmpty::Unknown(f) if f.eq_ignore_ascii_case("uuid") => {
                        TypeRef::Uuid
                    }
                    _ => TypeRef::String,
                })
            }
            SchemaKind::Type(Type::Integer(it)) => {
                let values: Vec<i64> = it.enumeration.iter().flatten().copied().collect();
                if !values.is_empty() {
                    return Ok(int_enum(&values, s, ptr, diags));
                }
                // Always 64-bit: ids declared `int32` exceed 2^31 on large instances.
                Err(match &it.format {
                    VariantOrUnknownOrEmpty::Unknown(f)
                        if f.to_ascii_lowercase().starts_with("uint") =>
                    {
                        TypeRef::U64
                    }
                    _ => TypeRef::I64,
                })
            }
            SchemaKind::Type(Type::Number(_)) => Err(TypeRef::F64),
            SchemaKind::Type(Type::Boolean(_)) => Err(TypeRef::Bool),
            SchemaKind::Type(Type::Array(at_)) => Err(match &at_.items {
                Some(items) => TypeRef::Vec(Box::new(self.lower_boxed(
                    items,
                    &format!("{}Item", stem(name)),
                    &child(ptr, "items"),
                    diags,
                ))),
                None => TypeRef::Vec(Box::new(TypeRef::Json)),
            }),
            SchemaKind::Type(Type::Object(ot)) => {
                if ot.properties.is_empty() {
                    return Err(self.additional(
                        ot.additional_properties.as_ref(),
                        name,
                        ptr,
                        diags,
                    ));
                }
                Ok(self.structure(&ot.properties, &ot.required, name, ptr, diags))
            }
            SchemaKind::AllOf { all_of } => {
                if let [only] = all_of.as_slice() {
                    return Err(self.lower(only, name, &child(&child(ptr, "allOf"), "0"), diags));
                }
                let mut props = indexmap::IndexMap::new();
                let mut required = Vec::new();
                self.collect_all_of(all_of, &mut props, &mut required, 0);
                if props.is_empty() {
                    return Err(TypeRef::Json);
                }
                Ok(self.structure(&props, &required, name, ptr, diags))
            }
            SchemaKind::OneOf { one_of: branches } | SchemaKind::AnyOf { any_of: branches } => {
                let key = if matches!(s.schema_kind, SchemaKind::OneOf { .. }) {
                    "oneOf"
                } else {
                    "anyOf"
                };
                match branches.as_slice() {
                    [] => Err(TypeRef::Json),
                    [only] => Err(self.lower(only, name, &child(&child(ptr, key), "0"), diags)),
                    _ => Ok(self.union(branches, s, key, name, ptr, diags)),
                }
            }
            SchemaKind::Not { .. } => Err(TypeRef::Json),
            SchemaKind::Any(any) => {
                if !any.properties.is_empty() {
                    return Ok(self.structure(&any.properties, &any.required, name, ptr, diags));
                }
                if let Some(items) = &any.items {
                    return Err(TypeRef::Vec(Box::new(self.lower_boxed(
                        items,
                        &format!("{}Item", stem(name)),
                        &child(ptr, "items"),
                        diags,
                    ))));
                }
                let values: Vec<String> = any
                    .enumeration
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect();
                if !values.is_empty()
                    && values.len() == any.enumeration.iter().filter(|v| !v.is_null()).count()
                {
                    let refs: Vec<&String> = values.iter().collect();
                    return Ok(string_enum(&refs, s, ptr, diags));
                }
                // `additionalProperties` beside a `type` that is not `object` (GitHub's
                // `payload: {type: string, additionalProperties: true}`) says nothing: the type
                // decides.
                match any.typ.as_deref() {
                    Some("string") => {
                        return Err(match any.format.as_deref() {
                            Some("date-time") => TypeRef::DateTime,
                            Some("date") => TypeRef::Date,
                            _ => TypeRef::String,
                        });
                    }
                    Some("integer") => return Err(TypeRef::I64),
                    Some("number") => return Err(TypeRef::F64),
                    Some("boolean") => return Err(TypeRef::Bool),
                    _ => {}
                }
                if any.additional_properties.is_some() {
                    return Err(self.additional(
                        any.additional_properties.as_ref(),
                        name,
                        ptr,
                        diags,
                    ));
                }
                Err(TypeRef::Json)
            }
        }
    }

    /// A union of `branches` (at `ptr/key/i`): one variant per branch, named after the branch's
    /// type; tagged by the schema's discriminator when every branch is a reference.
    fn union(
        &mut self,
        branches: &[ReferenceOr<Schema>],
        s: &Schema,
        key: &str,
        name: &str,
        ptr: &str,
        diags: &mut Diagnostics,
    ) -> TypeKind {
        let mut names = Names::new();
        names.reserve(&["Other"]);
        let discriminator = s.schema_data.discriminator.as_ref().filter(|_| {
            branches
                .iter()
                .all(|b| matches!(b, ReferenceOr::Reference { .. }))
        });
        let mut variants = Vec::new();
        for (i, b) in branches.iter().enumerate() {
            let bptr = child(&child(ptr, key), i.to_string());
            // The same `$ref` listed twice (Stream's `ChatEvent` lists `AnyEvent` twice): one
            // variant, since the second could never be chosen.
            if let ReferenceOr::Reference { reference } = b
                && branches[..i]
                    .iter()
                    .any(|e| matches!(e, ReferenceOr::Reference { reference: r } if r == reference))
            {
                diags.push(
                    Diagnostic::warning(
                        "duplicate-union-branch",
                        at(&bptr),
                        format!(
                            "`$ref: {reference}` is listed twice in `{key}`; it is one variant"
                        ),
                    )
                    .with_help(format!(
                        "remove the repeated branch from `{key}` (in the spec or its overlay)"
                    )),
                );
                continue;
            }
            let (base, tags, doc) = match b {
                ReferenceOr::Reference { reference } => {
                    let component = reference.rsplit('/').next().unwrap_or(reference);
                    let tags = match discriminator {
                        Some(d) => {
                            let mut tags: Vec<String> = d
                                .mapping
                                .iter()
                                .filter(|(_, target)| {
                                    *target == reference || target.as_str() == component
                                })
                                .map(|(value, _)| value.clone())
                                .collect();
                            if tags.is_empty() {
                                tags.push(component.to_owned());
                            }
                            tags
                        }
                        None => Vec::new(),
                    };
                    (naming::type_name(component), tags, None)
                }
                ReferenceOr::Item(item) => (
                    item.schema_data
                        .title
                        .as_deref()
                        .map(naming::type_name)
                        .unwrap_or_default(),
                    Vec::new(),
                    item.schema_data.description.clone(),
                ),
            };
            let ty = self.lower(b, &format!("{}Variant{i}", stem(name)), &bptr, diags);
            let base = if base.is_empty() {
                variant_base(&ty, &self.space, i)
            } else {
                base
            };
            variants.push(UnionVariant {
                name: names.unique(&base),
                ty,
                tags,
                doc,
                boxed: false,
            });
        }
        TypeKind::Union {
            variants,
            discriminator: discriminator.map(|d| d.property_name.clone()),
        }
    }

    fn additional(
        &mut self,
        ap: Option<&AdditionalProperties>,
        name: &str,
        ptr: &str,
        diags: &mut Diagnostics,
    ) -> TypeRef {
        match ap {
            Some(AdditionalProperties::Schema(s)) => {
                let value = self.lower(
                    s,
                    &format!("{}Value", stem(name)),
                    &child(ptr, "additionalProperties"),
                    diags,
                );
                let nullable = match s.as_ref() {
                    ReferenceOr::Item(s) => s.schema_data.nullable,
                    ReferenceOr::Reference { reference } => self.nullable_target(reference),
                };
                TypeRef::Map(Box::new(if nullable && value != TypeRef::Json {
                    TypeRef::Nullable(Box::new(value))
                } else {
                    value
                }))
            }
            Some(AdditionalProperties::Any(true)) => TypeRef::Map(Box::new(TypeRef::Json)),
            _ => TypeRef::Json,
        }
    }

    fn collect_all_of(
        &self,
        branches: &[ReferenceOr<Schema>],
        props: &mut indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &mut Vec<String>,
        depth: usize,
    ) {
        if depth > 32 {
            return;
        }
        for b in branches {
            let s = match b {
                ReferenceOr::Item(s) => s,
                ReferenceOr::Reference { reference } => {
                    let found = reference
                        .strip_prefix("#/components/schemas/")
                        .and_then(|n| self.model.components.as_ref()?.schemas.get(n));
                    match found {
                        Some(ReferenceOr::Item(s)) => s,
                        _ => continue,
                    }
                }
            };
            match &s.schema_kind {
                SchemaKind::Type(Type::Object(o)) => {
                    props.extend(o.properties.iter().map(|(k, v)| (k.clone(), v.clone())));
                    required.extend(o.required.iter().cloned());
                }
                SchemaKind::Any(a) => {
                    props.extend(a.properties.iter().map(|(k, v)| (k.clone(), v.clone())));
                    required.extend(a.required.iter().cloned());
                }
                SchemaKind::AllOf { all_of } => {
                    self.collect_all_of(all_of, props, required, depth + 1)
                }
                _ => {}
            }
        }
    }

    fn structure(
        &mut self,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        name: &str,
        ptr: &str,
        diags: &mut Diagnostics,
    ) -> TypeKind {
        let mut names = Names::new();
        let mut fields = Vec::new();
        for (wire, prop) in properties {
            let fname = names.unique(&naming::snake_name(wire));
            let pctx = format!("{}{}", stem(name), naming::type_name_part(wire));
            let pptr = child(&child(ptr, "properties"), wire);
            let ty = self.lower_boxed(prop, &pctx, &pptr, diags);
            let (doc, nullable, deprecated, read_only, write_only) = match prop {
                ReferenceOr::Item(p) => (
                    super::with_default(
                        p.schema_data.description.clone(),
                        p.schema_data.default.as_ref(),
                    ),
                    p.schema_data.nullable,
                    p.schema_data.deprecated,
                    p.schema_data.read_only,
                    p.schema_data.write_only,
                ),
                // A reference to a nullable schema (GitHub's `nullable-simple-user`) takes
                // `null` too.
                ReferenceOr::Reference { reference } => {
                    (None, self.nullable_target(reference), false, false, false)
                }
            };
            let required = required.contains(wire);
            fields.push(Field {
                name: fname,
                wire: wire.clone(),
                ty,
                // A required read-only field is missing from requests, a required write-only
                // one from responses: both are optional in the one type that serves both.
                optional: !required || nullable || read_only || write_only,
                required: required && !read_only && !write_only,
                nullable,
                explicit_null: false,
                read_only,
                write_only,
                doc,
                deprecated,
                boxed: false,
            });
        }
        TypeKind::Struct { fields }
    }

    /// The arena, with recursive fields boxed.
    pub fn finish(mut self, _diags: &mut Diagnostics) -> TypeSpace {
        let n = self.space.defs.len();
        for i in 0..n {
            if let TypeKind::Union { variants, .. } = &self.space.defs[i].kind {
                let flags: Vec<bool> = variants
                    .iter()
                    .map(|v| match &v.ty {
                        TypeRef::Named(t) => {
                            reaches(&self.space, *t, TypeId(i), &mut BTreeSet::new())
                        }
                        _ => false,
                    })
                    .collect();
                if let TypeKind::Union { variants, .. } = &mut self.space.defs[i].kind {
                    for (v, b) in variants.iter_mut().zip(flags) {
                        v.boxed = b;
                    }
                }
            }
        }
        // An alias that expands back to itself: through a list or map it becomes a newtype;
        // through aliases alone it stands for nothing but itself, so any JSON value.
        for i in 0..n {
            let TypeKind::Alias { target } = &self.space.defs[i].kind else {
                continue;
            };
            match alias_cycle(&self.space, target, TypeId(i), false, &mut BTreeSet::new()) {
                Some(true) => {
                    let target = target.clone();
                    self.space.defs[i].kind = TypeKind::Newtype { target };
                }
                Some(false) => {
                    self.space.defs[i].kind = TypeKind::Alias {
                        target: TypeRef::Json,
                    }
                }
                None => {}
            }
        }
        // Untagged unions are tried in order, and serde takes the first variant that fits:
        // the narrower variants go first (an integer before a number, an object with more
        // required fields before one with fewer, a map or any JSON last), spec order otherwise.
        for i in 0..n {
            if let TypeKind::Union {
                variants,
                discriminator: None,
            } = &self.space.defs[i].kind
            {
                let mut keyed: Vec<(u32, UnionVariant)> = variants
                    .iter()
                    .map(|v| (breadth(&self.space, &v.ty, 0), v.clone()))
                    .collect();
                keyed.sort_by_key(|(k, _)| *k);
                if let TypeKind::Union { variants, .. } = &mut self.space.defs[i].kind {
                    *variants = keyed.into_iter().map(|(_, v)| v).collect();
                }
            }
        }
        for i in 0..n {
            let TypeKind::Struct { fields } = &self.space.defs[i].kind else {
                continue;
            };
            let flags: Vec<bool> = fields
                .iter()
                .map(|f| match &f.ty {
                    TypeRef::Named(t) => reaches(&self.space, *t, TypeId(i), &mut BTreeSet::new()),
                    _ => false,
                })
                .collect();
            if let TypeKind::Struct { fields } = &mut self.space.defs[i].kind {
                for (f, b) in fields.iter_mut().zip(flags) {
                    f.boxed = b;
                }
            }
        }
        self.space
    }
}

/// How many JSON values of their kind a union variant of type `ty` accepts, as a rank: lower
/// is narrower and is tried first.
fn breadth(space: &TypeSpace, ty: &TypeRef, depth: usize) -> u32 {
    if depth > MAX_DEPTH {
        return 0;
    }
    match ty {
        TypeRef::F64 => 1,
        TypeRef::String => 1,
        TypeRef::Map(_) => 30,
        TypeRef::Json => 40,
        TypeRef::Named(id) => match &space.get(*id).kind {
            // 10 for an object with ten or more required fields … 19 for one with none.
            TypeKind::Struct { fields } => {
                let required = fields.iter().filter(|f| !f.optional).count();
                19 - required.min(9) as u32
            }
            TypeKind::Alias { target } | TypeKind::Newtype { target } => {
                breadth(space, target, depth + 1)
            }
            _ => 0,
        },
        _ => 0,
    }
}

/// Whether expanding the alias `ty` (the target of alias `start`) leads back to `start`
/// without passing a struct, enum or union: `Some(true)` through a list or map, `Some(false)`
/// through aliases only.
fn alias_cycle(
    space: &TypeSpace,
    ty: &TypeRef,
    start: TypeId,
    contained: bool,
    seen: &mut BTreeSet<TypeId>,
) -> Option<bool> {
    match ty {
        TypeRef::Vec(inner) | TypeRef::Map(inner) => alias_cycle(space, inner, start, true, seen),
        TypeRef::Nullable(inner) => alias_cycle(space, inner, start, contained, seen),
        TypeRef::Named(id) if *id == start => Some(contained),
        TypeRef::Named(id) => match &space.get(*id).kind {
            TypeKind::Alias { target } if seen.insert(*id) => {
                alias_cycle(space, target, start, contained, seen)
            }
            _ => None,
        },
        _ => None,
    }
}

/// Whether `from` contains `to` by value (not behind a `Vec` or map).
fn reaches(space: &TypeSpace, from: TypeId, to: TypeId, seen: &mut BTreeSet<TypeId>) -> bool {
    if from == to {
        return true;
    }
    if !seen.insert(from) {
        return false;
    }
    match &space.get(from).kind {
        TypeKind::Struct { fields } => fields.iter().any(|f| match &f.ty {
            TypeRef::Named(t) => reaches(space, *t, to, seen),
            _ => false,
        }),
        TypeKind::Union { variants, .. } => variants.iter().any(|v| match &v.ty {
            TypeRef::Named(t) => reaches(space, *t, to, seen),
            _ => false,
        }),
        TypeKind::Alias {
            target: TypeRef::Named(t),
        }
        | TypeKind::Newtype {
            target: TypeRef::Named(t),
        } => reaches(space, *t, to, seen),
        _ => false,
    }
}

/// A variant name for a union branch of type `ty` with neither reference nor title.
fn variant_base(ty: &TypeRef, space: &TypeSpace, i: usize) -> String {
    match ty {
        TypeRef::String => "String".to_owned(),
        TypeRef::Bool => "Boolean".to_owned(),
        TypeRef::I64 => "Integer".to_owned(),
        TypeRef::U64 => "Unsigned".to_owned(),
        TypeRef::Uuid => "Uuid".to_owned(),
        TypeRef::F64 => "Number".to_owned(),
        TypeRef::Date => "Date".to_owned(),
        TypeRef::DateTime => "DateTime".to_owned(),
        TypeRef::IdOrPath => "IdOrPath".to_owned(),
        TypeRef::Bytes => "Bytes".to_owned(),
        TypeRef::File => "File".to_owned(),
        TypeRef::Vec(inner) => format!("{}List", variant_base(inner, space, i)),
        TypeRef::Map(inner) => format!("{}Map", variant_base(inner, space, i)),
        TypeRef::Nullable(inner) => variant_base(inner, space, i),
        TypeRef::Named(id) => space.get(*id).name.clone(),
        TypeRef::Json => format!("Variant{i}"),
    }
}

/// Whether an inline schema becomes a named type (struct or enum) rather than a plain one.
/// The key an inline schema is interned by: its JSON, and for an enum its JSON without the
/// annotations that do not change the type (`description`, `default`, `example`,
/// `deprecated`, `externalDocs`): `sort: {enum: [asc, desc], default: desc}` on one operation
/// and `{enum: [asc, desc]}` on another are one Rust enum.
fn canonical_key(s: &Schema) -> String {
    let is_enum = match &s.schema_kind {
        SchemaKind::Type(Type::String(st)) => st.enumeration.iter().any(Option::is_some),
        SchemaKind::Type(Type::Integer(it)) => it.enumeration.iter().any(Option::is_some),
        SchemaKind::Any(a) => a.properties.is_empty() && !a.enumeration.is_empty(),
        _ => false,
    };
    let mut value = serde_json::to_value(s).unwrap_or_default();
    if is_enum && let serde_json::Value::Object(map) = &mut value {
        for key in [
            "description",
            "default",
            "example",
            "deprecated",
            "externalDocs",
        ] {
            map.remove(key);
        }
        // One content, one key: `{type, enum}` and `{enum, type}` (a schema without a
        // `type` model keeps the order it was written in) are the same enum, and so are
        // `[asc, desc]` and `[desc, asc]` (the first met gives the variants' order).
        map.sort_keys();
        if let Some(serde_json::Value::Array(values)) = map.get_mut("enum") {
            values.sort_by_key(|v| v.to_string());
        }
    }
    value.to_string()
}

fn needs_name(s: &Schema) -> bool {
    match &s.schema_kind {
        SchemaKind::OneOf { one_of: b } | SchemaKind::AnyOf { any_of: b } => b.len() > 1,
        SchemaKind::Type(Type::String(st)) => st.enumeration.iter().any(Option::is_some),
        SchemaKind::Type(Type::Integer(it)) => it.enumeration.iter().any(Option::is_some),
        SchemaKind::Type(Type::Object(o)) => !o.properties.is_empty(),
        SchemaKind::AllOf { all_of } => all_of.len() > 1,
        SchemaKind::Any(a) => {
            !a.properties.is_empty()
                || (a.items.is_none()
                    && a.enumeration.iter().any(|v| v.is_string())
                    && a.enumeration.iter().all(|v| v.is_string() || v.is_null()))
        }
        _ => false,
    }
}

/// The name of an enum's catch-all variant, which keeps the values the client does not know:
/// `Other`, unless a value took it (`other` → `Other`).
fn catch_all(names: &mut Names, taken: bool) -> String {
    if taken {
        names.unique("Unknown")
    } else {
        "Other".to_owned()
    }
}

fn string_enum(values: &[&String], s: &Schema, ptr: &str, diags: &mut Diagnostics) -> TypeKind {
    let mut names = Names::new();
    let docs = descriptions(s);
    // `x-enum-varnames`: the spec's own variant names, one per value.
    let given: Vec<String> = var_names(s)
        .filter(|n| n.len() == values.len())
        .unwrap_or_default();
    // Values that the plain rule would not tell apart (`name`, `+name`, `-name`) get their signs
    // spelled, when that does tell them apart.
    let mut plain: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for v in values {
        plain
            .entry(naming::variant_name(v))
            .or_default()
            .insert(v.as_str());
    }
    let signed = |v: &str| -> bool {
        let group = &plain[&naming::variant_name(v)];
        let spelled: BTreeSet<String> = group
            .iter()
            .map(|g| naming::variant_name_signed(g))
            .collect();
        group.len() > 1 && spelled.len() == group.len()
    };
    let mut variants: Vec<Variant<String>> = Vec::new();
    for (i, v) in values.iter().enumerate() {
        if variants.iter().any(|o| o.wire == **v) {
            diags.push(duplicate_value(
                ptr,
                &format!("\"{}\"", crate::diag::clip(v)),
            ));
            continue;
        }
        let base = match given.get(i) {
            Some(name) => naming::variant_name(name),
            None if signed(v) => naming::variant_name_signed(v),
            None => naming::variant_name(v),
        };
        let name = names.unique(&base);
        if name != base {
            // GitLab: `created_by_me` and `created-by-me` in one enum.
            let clash = variants
                .iter()
                .find(|o| o.name == base)
                .map(|o| o.wire.clone())
                .unwrap_or_default();
            diags.push(
                Diagnostic::warning(
                    "enum-name-collision",
                    at(&child(ptr, "enum")),
                    format!(
                        "the values `{}` and `{}` make the same Rust name `{base}`; `{}` becomes `{name}`",
                        crate::diag::clip(&clash),
                        crate::diag::clip(v),
                        crate::diag::clip(v)
                    ),
                )
                .with_help("name the variants with `x-enum-varnames` (in the spec or its overlay)"),
            );
        }
        variants.push(Variant {
            name,
            wire: (*v).clone(),
            doc: docs.get(i).cloned(),
        });
    }
    let other = catch_all(&mut names, variants.iter().any(|v| v.name == "Other"));
    TypeKind::StringEnum { variants, other }
}

/// An enum value listed twice (cloudrf's `kml`): one variant, since a second could never be
/// matched.
fn duplicate_value(ptr: &str, value: &str) -> Diagnostic {
    Diagnostic::warning(
        "duplicate-enum-value",
        at(&child(ptr, "enum")),
        format!("the value {value} is listed more than once; it is one variant"),
    )
    .with_help("remove the repeated value from `enum` (in the spec or its overlay)")
}

/// `x-enum-varnames` (or `x-enumNames`): the variant names a spec gives its enum values.
fn var_names(s: &Schema) -> Option<Vec<String>> {
    let ext = &s.schema_data.extensions;
    ext.get("x-enum-varnames")
        .or_else(|| ext.get("x-enumNames"))
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|n| n.as_str().map(str::to_owned))
                .collect()
        })
}

fn int_enum(values: &[i64], s: &Schema, ptr: &str, diags: &mut Diagnostics) -> TypeKind {
    let var_names: Vec<String> = var_names(s)
        .filter(|n: &Vec<String>| n.len() == values.len())
        .unwrap_or_default();
    let docs = descriptions(s);
    let mut names = Names::new();
    let mut seen = std::collections::BTreeSet::new();
    let variants: Vec<Variant<i64>> = values
        .iter()
        .enumerate()
        .filter(|(_, v)| {
            let first = seen.insert(**v);
            if !first {
                diags.push(duplicate_value(ptr, &v.to_string()));
            }
            first
        })
        .map(|(i, v)| {
            let raw = var_names.get(i).cloned().unwrap_or_else(|| {
                if *v < 0 {
                    format!("Minus{}", v.unsigned_abs())
                } else {
                    format!("V{v}")
                }
            });
            Variant {
                name: names.unique(&naming::variant_name(&raw)),
                wire: *v,
                doc: docs.get(i).cloned(),
            }
        })
        .collect();
    let other = catch_all(&mut names, variants.iter().any(|v| v.name == "Other"));
    TypeKind::IntEnum { variants, other }
}

/// `x-enum-descriptions`: one description per enum value (a common extension).
fn descriptions(s: &Schema) -> Vec<String> {
    s.schema_data
        .extensions
        .get("x-enum-descriptions")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .map(|d| d.as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A type's name as the start of its inline types' names: without the `_` that keeps a name
/// off the prelude's (`Result_` → `ResultCode`, not `Result_Code`, which is not UpperCamelCase).
fn stem(name: &str) -> &str {
    name.trim_end_matches('_')
}
