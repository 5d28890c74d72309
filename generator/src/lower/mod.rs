//! Lowering: `openapiv3::OpenAPI` → [`ir::Api`], every naming and shape decision made.
//!
//! In: the normalized model and the per-spec [`Settings`]. Out: the IR and diagnostics (pointers
//! into the effective spec). Operations are lowered in spec order (paths in document order,
//! methods in OpenAPI's fixed order); types are interned into the [`TypeSpace`] as operations
//! reach them ([`types`]); names come from [`crate::naming`]. Nothing here knows about tokens.

pub mod names;
pub mod types;

use crate::diag::{Diagnostic, Diagnostics, child};
use crate::ir::{
    Api, ArrayStyle, AuthKind, AuthScheme, Body, BodyKind, Module, Operation, Param, ParamLocation,
    Response, Segment, SegmentPart, StatusEnum, StatusVariant, TypeRef,
};
use crate::naming::{self, Names};
use crate::normalize::{Pagination, Settings, at};
use openapiv3::{
    OpenAPI, Parameter, ParameterSchemaOrContent, QueryStyle, ReferenceOr, StatusCode,
};
use types::Types;

/// Methods every request builder has through the runtime's `Operation` and `Paginated` traits
/// (and `IntoFuture`); no parameter may take their names, since a setter of the same name
/// would hide the trait's method.
const RESERVED_BUILDER_NAMES: &[&str] = &[
    "send",
    "send_with_response",
    "send_raw",
    "send_blocking",
    "send_page",
    "stream",
    "all",
    "first",
    "into_call",
    "into_future",
];

/// Lowers the model. Problems are reported; operations that cannot be lowered are skipped with
/// a located warning naming why.
pub fn lower(model: &OpenAPI, settings: &Settings, diags: &mut Diagnostics) -> Api {
    let mut singular = names::Singular::default();
    let chosen = operation_names(model, settings, &mut singular, diags);
    let mut preferred = body_names(model, settings, &chosen);
    // `x-rust-name` on a component schema names its type, over the names made for request
    // bodies; the `rename_types` setting wins over both.
    for (name, schema) in model.components.iter().flat_map(|c| &c.schemas) {
        let named = schema
            .as_item()
            .and_then(|s| s.schema_data.extensions.get("x-rust-name"))
            .and_then(|v| v.as_str());
        if let Some(rust) = named {
            preferred.insert(name.clone(), rust.to_owned());
        }
    }
    preferred.extend(settings.rename_types.clone());
    for key in settings.rename_types.keys() {
        let known = model
            .components
            .as_ref()
            .is_some_and(|c| c.schemas.contains_key(key));
        if !known {
            diags.push(
                Diagnostic::warning(
                    "rename-unmatched",
                    crate::diag::Origin::new("codegen.toml", child("/settings/rename_types", key)),
                    format!("the setting `rename_types` names `{key}`, which is no schema in `components/schemas`"),
                )
                .with_help("write the key as the schema's name in `components/schemas`"),
            );
        }
    }
    for prefix in &settings.drop_paths {
        if !model
            .paths
            .paths
            .keys()
            .any(|p| p.starts_with(prefix.as_str()))
        {
            diags.push(
                Diagnostic::warning(
                    "setting-unmatched",
                    crate::diag::Origin::new("codegen.toml", "/settings/drop_paths"),
                    format!("the setting `drop_paths` names `{prefix}`, which no path of the spec starts with"),
                )
                .with_help("write the prefix as the spec writes its paths (`/api/v3/`)"),
            );
        }
    }
    for prefix in &settings.id_or_path {
        let has_param = prefix
            .rsplit('/')
            .any(|s| s.starts_with('{') && s.ends_with('}'));
        let matched = model
            .paths
            .paths
            .keys()
            .any(|p| settings.id_or_path_param(p).is_some() && p.starts_with(prefix.as_str()));
        if !has_param || !matched {
            diags.push(
                Diagnostic::warning(
                    "setting-unmatched",
                    crate::diag::Origin::new("codegen.toml", "/settings/id_or_path"),
                    if has_param {
                        format!("the setting `id_or_path` names `{prefix}`, which no path of the spec is under")
                    } else {
                        format!("the setting `id_or_path` names `{prefix}`, which has no `{{parameter}}` to make an id or a path")
                    },
                )
                .with_help("write the prefix as the spec writes its paths, ending with the parameter (`/api/v4/projects/{id}`)"),
            );
        }
    }
    let mut types = Types::new(model, preferred);
    types.lower_components(diags);
    let mut modules: Vec<Module> = Vec::new();
    let mut module_names = Names::new();
    module_names.reserve(MODULES_RESERVED);
    for tag in &model.tags {
        let name = module_names.unique(&module_base(&tag.name));
        modules.push(Module {
            name,
            tag: tag.name.clone(),
            doc: tag.description.clone(),
        });
    }
    let auth = lower_auth(model);
    let mut op_names = Names::new();
    // Methods every client has (runtime.rs, and `auth.rs`'s `with_…` per security scheme); an
    // operation may not take their names.
    for a in &auth {
        op_names.reserve(&[a.method.as_str()]);
    }
    op_names.reserve(&[
        "new",
        "with_http_client",
        "with_bearer_token",
        "with_header_credential",
        "with_query_credential",
        "with_retry_policy",
        "retry_policy",
        "with_redirect_policy",
        "redirect_policy",
        "with_max_response_bytes",
        "max_response_bytes",
        "with_max_pages",
        "max_pages",
        "base_url",
        "http_client",
        "send",
        "url",
        "execute",
    ]);
    // Request builders live in the API modules, which a user may glob-import beside the crate
    // root: they keep off the root's names.
    let mut builder_names = Names::new();
    builder_names.reserve(crate::ir::ROOT_NAMES);
    let mut operations = Vec::new();
    for (path, item) in &model.paths.paths {
        let item_ptr = child("/paths", path);
        match (dropped_by(settings, path), item) {
            (Some(prefix), ReferenceOr::Item(item)) => {
                for (method, _) in item.iter() {
                    diags.push(
                        Diagnostic::warning(
                            "operation-dropped",
                            at(&child(&item_ptr, method)),
                            format!(
                                "`{} {path}` is not generated: the setting `drop_paths` names `{prefix}`",
                                method.to_ascii_uppercase()
                            ),
                        )
                        .with_help("take the prefix out of `drop_paths` to generate it"),
                    );
                }
            }
            (None, ReferenceOr::Reference { .. }) => diags.push(Diagnostic::warning(
                "unresolved-path-item",
                at(&item_ptr),
                "the path item is still a `$ref` after bundling; skipped",
            )),
            _ => {}
        }
    }
    for ((path, item, method, op), (raw_name, name_from)) in
        kept_operations(model, settings).zip(chosen)
    {
        let item_ptr = child("/paths", path);
        let op_ptr = child(&item_ptr, method);
        let tag = op
            .tags
            .first()
            .cloned()
            .unwrap_or_else(|| "default".to_owned());
        let module = match modules.iter().position(|m| m.tag == tag) {
            Some(i) => i,
            None => {
                let name = module_names.unique(&module_base(&tag));
                modules.push(Module {
                    name,
                    tag: tag.clone(),
                    doc: None,
                });
                modules.len() - 1
            }
        };
        let name = op_names.unique(&naming::method_name(&raw_name));
        let builder = builder_names.unique(&naming::type_name(naming::bare(&name)));
        let ctx = naming::type_name(naming::bare(&name));
        let mut lowered = Operation {
            name,
            name_from,
            builder,
            operation_id: op.operation_id.clone(),
            module,
            method: method.to_ascii_uppercase(),
            path: path.clone(),
            segments: Vec::new(),
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
            params: Vec::new(),
            body: None,
            response: Response {
                statuses: Vec::new(),
                ty: None,
                doc: None,
                per_status: None,
                errors: Vec::new(),
            },
            paginated: false,
            cursor: None,
            origin: op_ptr.clone(),
        };
        lower_params(
            model,
            &mut types,
            &item.parameters,
            &op.parameters,
            (&item_ptr, &op_ptr),
            &ctx,
            settings.id_or_path_param(path),
            &mut lowered,
            diags,
        );
        lower_segments(path, &op_ptr, &mut lowered, diags);
        lower_body(model, &mut types, op, &op_ptr, &ctx, &mut lowered, diags);
        let declared = lower_response(
            model,
            &mut types,
            op,
            &op_ptr,
            &ctx,
            &mut builder_names,
            &mut lowered,
            diags,
        );
        lowered.paginated = pages(settings.pagination, &lowered, declared);
        operations.push(lowered);
    }
    // A tag no kept operation has makes no module (nor a cargo feature with nothing in it).
    let modules = drop_empty_modules(modules, &mut operations);
    let mut types = types.finish(diags);
    name_parameter_enums(&mut types, &operations, &mut singular);
    mark_usage(&mut types, &operations);
    mark_explicit_null(&mut types, &operations);
    // After `mark_explicit_null`: a field that can be sent as `null` on purpose is not a cursor.
    if settings.pagination != Pagination::None {
        for op in &mut operations {
            op.cursor = cursor_paging(&types, op, settings.cursor.as_ref());
        }
    }
    let received = mark_serde(&mut types, &operations);
    if settings.keep_unknown_fields {
        name_unknown_fields(&mut types, &received);
    }
    let cursor_pages = operations.iter().any(|o| o.cursor.is_some());
    // Also wherever the setting names header pagination: the runtime's `paginate` then serves
    // the lists a user sends through `Client::send` that the spec does not describe.
    let header_pages =
        operations.iter().any(|o| o.paginated) || settings.pagination == Pagination::PageHeaders;
    Api {
        title: model.info.title.clone(),
        version: model.info.version.clone(),
        description: model.info.description.clone(),
        default_base_url: model.servers.first().map(|s| s.url.clone()),
        auth,
        types,
        modules,
        operations,
        conventions: crate::ir::Conventions {
            id_or_path: settings.id_or_path.clone(),
            query_brackets: settings.query_array_style
                == Some(crate::normalize::QueryArrayStyle::Brackets),
            pagination: settings.pagination,
            cursor: settings.cursor.clone(),
            cursor_pages,
            header_pages,
            keep_unknown_fields: settings.keep_unknown_fields,
        },
    }
}

/// How `op` pages by a cursor in its response body, if it does: a `GET` that takes the cursor's
/// query parameter and returns an object (a struct) with exactly one list field and the next
/// cursor where the setting's pointer says (or, without the setting, in a top-level field
/// `next_P` for a query parameter `P`: what the spec itself declares).
/// `modules` without those no operation is in, named again so that an empty one takes no name
/// from another (`protected_environments2`); the operations' module indices follow.
/// Module names the crate's own files and re-exports take.
const MODULES_RESERVED: &[&str] = &["runtime", "types", "client", "error", "prelude"];

fn drop_empty_modules(modules: Vec<Module>, operations: &mut [Operation]) -> Vec<Module> {
    let used: std::collections::BTreeSet<usize> = operations.iter().map(|o| o.module).collect();
    let mut index = vec![usize::MAX; modules.len()];
    let mut kept = Vec::new();
    let mut names = Names::new();
    names.reserve(MODULES_RESERVED);
    for (i, mut m) in modules.into_iter().enumerate() {
        if used.contains(&i) {
            index[i] = kept.len();
            m.name = names.unique(&module_base(&m.tag));
            kept.push(m);
        }
    }
    for op in operations {
        op.module = index[op.module];
    }
    kept
}

fn cursor_paging(
    types: &crate::ir::TypeSpace,
    op: &Operation,
    setting: Option<&crate::normalize::Cursor>,
) -> Option<crate::ir::CursorPaging> {
    use crate::ir::TypeKind;
    if op.method != "GET" || op.paginated {
        return None;
    }
    let Some(TypeRef::Named(id)) = &op.response.ty else {
        return None;
    };
    let TypeKind::Struct { fields } = &types.get(*id).kind else {
        return None;
    };
    let queries = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
        .map(|p| p.wire.as_str());
    let (param, path): (String, Vec<String>) = match setting {
        Some(c) => {
            let takes = queries.clone().any(|q| q == c.param);
            let path: Vec<String> = crate::diag::tokens(&c.next);
            (takes && !path.is_empty()).then(|| (c.param.clone(), path))?
        }
        None => queries
            .map(|q| (q.to_owned(), vec![format!("next_{q}")]))
            .find(|(_, path)| fields.iter().any(|f| f.wire == path[0]))?,
    };
    // The path to the cursor, field by field through structs.
    let mut next = Vec::new();
    let mut current = fields;
    let mut next_ty = None;
    for (i, key) in path.iter().enumerate() {
        let f = current
            .iter()
            .find(|f| &f.wire == key && !f.explicit_null)?;
        next.push((f.name.clone(), f.optional));
        if i + 1 == path.len() {
            next_ty = Some(f.ty.clone());
        } else if let TypeRef::Named(inner) = &f.ty
            && let TypeKind::Struct { fields } = &types.get(*inner).kind
            && !f.boxed
        {
            current = fields;
        } else {
            return None;
        }
    }
    let next_ty = next_ty.filter(|t| matches!(t, TypeRef::String | TypeRef::I64))?;
    let mut lists = fields
        .iter()
        .filter(|f| matches!(f.ty, TypeRef::Vec(_)) && !f.boxed && !f.explicit_null);
    let list = lists.next()?;
    if lists.next().is_some() {
        return None;
    }
    let TypeRef::Vec(item) = &list.ty else {
        return None;
    };
    Some(crate::ir::CursorPaging {
        param,
        items: (list.name.clone(), list.optional),
        item: (**item).clone(),
        next,
        next_ty,
    })
}

/// The paging headers an operation's success responses declare.
#[derive(Debug, Clone, Copy, Default)]
struct PageHeaders {
    /// `Link` (RFC 8288), whose `rel="next"` the client follows.
    link: bool,
    /// `X-Next-Page`, the number of the next page for the `page` query parameter.
    next_page: bool,
}

/// Whether `op` pages under the setting `pagination`, its success responses declaring
/// `declared`: only a `GET` whose body is a list ever does.
fn pages(setting: Pagination, op: &Operation, declared: PageHeaders) -> bool {
    let takes_page = op
        .params
        .iter()
        .any(|p| p.location == ParamLocation::Query && p.wire == "page");
    let list = op.method == "GET" && matches!(op.response.ty, Some(TypeRef::Vec(_)));
    list && match setting {
        Pagination::None => false,
        Pagination::PageHeaders => takes_page,
        Pagination::Declared => declared.link || (declared.next_page && takes_page),
    }
}

/// Every operation's base method name, in the order [`lower`] meets them ([`names`]); a
/// `rename` setting that names no operation is reported.
fn operation_names(
    model: &OpenAPI,
    settings: &Settings,
    singular: &mut names::Singular,
    diags: &mut Diagnostics,
) -> Vec<(String, crate::ir::NameSource)> {
    let candidates: Vec<names::Candidate> = kept_operations(model, settings)
        .map(|(path, _, method, op)| names::Candidate {
            method: method.to_owned(),
            path: path.clone(),
            operation_id: op.operation_id.clone(),
            extension: op
                .extensions
                .get("x-rust-name")
                .and_then(|v| v.as_str())
                .map(str::to_owned),
            lists: if returns_list(model, op) {
                names::Lists::Array
            } else if method == "get" && returns_envelope(model, path, op) {
                names::Lists::Envelope
            } else {
                names::Lists::No
            },
            has_body: op.request_body.is_some(),
        })
        .collect();
    let (named, unused) = names::operation_names(
        &candidates,
        settings.operation_names,
        &settings.rename,
        &settings.skip_path_words,
        singular,
    );
    for key in unused {
        diags.push(
            Diagnostic::warning(
                "rename-unmatched",
                crate::diag::Origin::new("codegen.toml", child("/settings/rename", &key)),
                format!("the setting `rename` names `{key}`, which is no operation of the spec"),
            )
            .with_help(
                "write the key as `\"METHOD /path\"` with the path as the spec writes it, or as the operationId",
            ),
        );
    }
    named
}

/// Names for the component schemas that a tool named after an operation it made the
/// operationId of, and that are that operation's request body (Grape's, all of GitLab's 414:
/// `postApiV4ProjectsIdIssues`): `<Operation>Body` after the operation's method name
/// (`CreateProjectIssueBody`), so that no type keeps the path in its name or takes its request
/// builder's.
fn body_names(
    model: &OpenAPI,
    settings: &Settings,
    chosen: &[(String, crate::ir::NameSource)],
) -> std::collections::BTreeMap<String, String> {
    use crate::ir::NameSource;
    let mut out = std::collections::BTreeMap::new();
    for ((_, _, _, op), (name, from)) in kept_operations(model, settings).zip(chosen) {
        if !matches!(from, NameSource::Path | NameSource::Settled) {
            continue;
        }
        let (Some(id), Some(ReferenceOr::Item(body))) = (&op.operation_id, &op.request_body) else {
            continue;
        };
        for media in body.content.values() {
            if let Some(ReferenceOr::Reference { reference }) = &media.schema {
                if let Some(schema) = reference.strip_prefix("#/components/schemas/") {
                    if names::squash(schema) == names::squash(id) {
                        out.insert(
                            schema.to_owned(),
                            format!("{}Body", naming::type_name(naming::bare(name))),
                        );
                    }
                }
            }
        }
    }
    out
}

/// One operation lowering generates: its path, path item, method and operation.
type Kept<'m> = (
    &'m String,
    &'m openapiv3::PathItem,
    &'m str,
    &'m openapiv3::Operation,
);

/// The operations lowering generates, in spec order: those of path items that are not `$ref`s
/// (reported by [`lower`]) and not under a `drop_paths` prefix. Method names
/// ([`operation_names`]) are chosen in this order, and [`lower`] and [`body_names`] take them
/// in it.
fn kept_operations<'m>(
    model: &'m OpenAPI,
    settings: &'m Settings,
) -> impl Iterator<Item = Kept<'m>> + 'm {
    model
        .paths
        .paths
        .iter()
        .filter_map(move |(path, item)| match item {
            ReferenceOr::Item(item) if dropped_by(settings, path).is_none() => Some((path, item)),
            _ => None,
        })
        .flat_map(|(path, item)| {
            item.iter()
                .map(move |(method, op)| (path, item, method, op))
        })
}

/// The prefix of the `drop_paths` setting that `path` is under, if any.
fn dropped_by<'s>(settings: &'s Settings, path: &str) -> Option<&'s str> {
    settings
        .drop_paths
        .iter()
        .find(|prefix| path.starts_with(prefix.as_str()))
        .map(String::as_str)
}

/// Whether the operation's first success response with a body is a JSON array.
fn returns_list(model: &OpenAPI, op: &openapiv3::Operation) -> bool {
    success_schema(model, op).is_some_and(|schema| {
        matches!(
            schema.schema_kind,
            openapiv3::SchemaKind::Type(openapiv3::Type::Array(_))
        )
    })
}

/// Whether `op`'s first success response is a list in an envelope, for its name ([`names`]):
/// an object with exactly one array property, named as lists in envelopes are (`data`,
/// `items`, `results`, …: Stripe's, Adyen's) or as the path's last segment (DigitalOcean's
/// `droplets` of `GET /v2/droplets`). An object with one array among settings
/// (`terminalSettings`) is no list.
fn returns_envelope(model: &OpenAPI, path: &str, op: &openapiv3::Operation) -> bool {
    const LIST_FIELDS: &[&str] = &[
        "data", "items", "results", "records", "values", "entries", "elements", "content", "list",
    ];
    let last = path
        .rsplit('/')
        .find(|s| !s.is_empty())
        .map(names::squash)
        .unwrap_or_default();
    let Some(schema) = success_schema(model, op) else {
        return false;
    };
    let openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) = &schema.schema_kind else {
        return false;
    };
    let arrays: Vec<&String> = object
        .properties
        .iter()
        .filter(|(_, p)| {
            let p = match p {
                ReferenceOr::Item(b) => Some(&**b),
                ReferenceOr::Reference { reference } => reference
                    .strip_prefix("#/components/schemas/")
                    .and_then(|name| model.components.as_ref()?.schemas.get(name))
                    .and_then(|s| s.as_item()),
            };
            p.is_some_and(|p| {
                matches!(
                    p.schema_kind,
                    openapiv3::SchemaKind::Type(openapiv3::Type::Array(_))
                )
            })
        })
        .map(|(name, _)| name)
        .collect();
    match arrays[..] {
        [name] => LIST_FIELDS.contains(&name.as_str()) || names::squash(name) == last,
        _ => false,
    }
}

/// `op`'s first success response's schema, its `$ref`s followed.
fn success_schema<'a>(
    model: &'a OpenAPI,
    op: &'a openapiv3::Operation,
) -> Option<&'a openapiv3::Schema> {
    let response = op.responses.responses.iter().find_map(|(code, r)| {
        let success = match code {
            StatusCode::Code(c) => (200..300).contains(c),
            StatusCode::Range(r) => *r == 2,
        };
        success.then_some(r)
    })?;
    resolve(response, "responses", |c| &c.responses, model)
        .and_then(|r| r.content.values().find_map(|m| m.schema.as_ref()))
        .and_then(|s| resolve(s, "schemas", |c| &c.schemas, model))
}

/// A module's name (also its cargo feature) for a tag: the tag in snake case, with `_api`
/// added where that is a name the crate already uses — a file of its own (`auth`, `types`,
/// `runtime`, `lib`; `main.rs` would make cargo build a binary) or a cargo feature
/// (`default`, `full`, `blocking`).
fn module_base(tag: &str) -> String {
    let snake = naming::snake_name(tag);
    match naming::bare(&snake) {
        "auth" | "types" | "runtime" | "lib" | "main" | "client" | "error" | "prelude"
        | "default" | "full" | "blocking" => format!("{}_api", naming::bare(&snake)),
        _ => snake,
    }
}

/// The types an operation's request carries: its parameters and its body.
fn sent_roots(op: &Operation) -> impl Iterator<Item = &TypeRef> {
    op.params
        .iter()
        .map(|p| &p.ty)
        .chain(op.body.iter().filter_map(|b| b.ty.as_ref()))
}

/// The types an operation's responses carry, at any status.
fn received_roots(op: &Operation) -> impl Iterator<Item = &TypeRef> {
    op.response
        .ty
        .iter()
        .chain(
            op.response
                .per_status
                .iter()
                .flat_map(|e| e.variants.iter().filter_map(|v| v.ty.as_ref())),
        )
        .chain(op.response.errors.iter().map(|e| &e.ty))
}

/// Records which modules use each type, following fields, aliases, arrays and maps.
fn mark_usage(types: &mut crate::ir::TypeSpace, operations: &[Operation]) {
    let modules: std::collections::BTreeSet<usize> = operations.iter().map(|o| o.module).collect();
    for module in modules {
        let roots = operations
            .iter()
            .filter(|o| o.module == module)
            .flat_map(|o| sent_roots(o).chain(received_roots(o)));
        for i in reachable(types, roots) {
            types.defs[i].used_by.push(module);
        }
    }
}

/// The named types reachable from `roots`, through fields, aliases, newtypes, union variants,
/// lists and maps (indices into the type space).
fn reachable<'t>(
    types: &crate::ir::TypeSpace,
    roots: impl IntoIterator<Item = &'t TypeRef>,
) -> std::collections::BTreeSet<usize> {
    fn visit(
        types: &crate::ir::TypeSpace,
        t: &TypeRef,
        seen: &mut std::collections::BTreeSet<usize>,
    ) {
        match t {
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                visit(types, inner, seen)
            }
            TypeRef::Named(id) => {
                if !seen.insert(id.0) {
                    return;
                }
                match &types.get(*id).kind {
                    crate::ir::TypeKind::Struct { fields } => {
                        for f in fields {
                            visit(types, &f.ty, seen);
                        }
                    }
                    crate::ir::TypeKind::Alias { target }
                    | crate::ir::TypeKind::Newtype { target } => visit(types, target, seen),
                    crate::ir::TypeKind::Union { variants, .. } => {
                        for v in variants {
                            visit(types, &v.ty, seen);
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for t in roots {
        visit(types, t, &mut seen);
    }
    seen
}

/// Names the enums that operations' parameters and bodies use for what they are, instead of
/// after the first operation that met them: `MergeRequestState` for the `state` of every merge
/// request listing (`ListProjectMergeRequestsState` before), `SortOrder` for an enum of `asc`
/// and `desc` whatever its parameter is called, `Visibility` for the field of every project
/// and group body.
///
/// The name comes from the parameters and body fields that take the enum (an item of a list
/// named in the singular): their name when they share one, else the words their names end
/// with (`wiki_access_level`, `pages_access_level` → `access_level`). It is
/// `<Resource><Name>` when every use lists one resource ([`names::resource`]: the path's, for
/// a parameter; for a body field, the paths of the operations whose body it is), and `<Name>`
/// when they list several — unless the name is one of `type`, `status`, `state`, `scope`,
/// `kind`, which say too little alone, or two enums would take it: then `<Resource><Name>`,
/// of the resource most of the uses list (`IssueState` for the `state` of the issue listings
/// and of the epic listing, which take the same values). An enum keeps its name when it is named by its `title`, when
/// a type other than an operation's body reaches it, or when the new name is taken. Component
/// schemas keep theirs (but the enums inside a component that is an operation's body, as
/// Swagger 2.0's bodies are, are the body's).
fn name_parameter_enums(
    types: &mut crate::ir::TypeSpace,
    operations: &[Operation],
    singular: &mut names::Singular,
) {
    use crate::ir::TypeKind;
    use std::collections::{BTreeMap, BTreeSet};
    /// The enum a type names (directly or as a list's items), and whether through a list.
    fn enum_of(types: &crate::ir::TypeSpace, t: &TypeRef) -> Option<(usize, bool)> {
        let (id, list) = match t {
            TypeRef::Vec(inner) => match inner.as_ref() {
                TypeRef::Named(id) => (id.0, true),
                _ => return None,
            },
            TypeRef::Named(id) => (id.0, false),
            _ => return None,
        };
        matches!(
            types.defs[id].kind,
            TypeKind::StringEnum { .. } | TypeKind::IntEnum { .. }
        )
        .then_some((id, list))
    }
    /// One parameter or body field taking an enum: the resource it is about, its name (the
    /// singular for a list's items), and the name of the operation or body type it belongs to.
    struct Use {
        resource: Option<String>,
        name: String,
        context: String,
    }
    // The resources of the operations whose body each body type is.
    // The resources and the names (as type names) of the operations whose body each body
    // type is.
    let mut bodies: BTreeMap<usize, (BTreeSet<Option<String>>, String)> = BTreeMap::new();
    for op in operations {
        if let Some(TypeRef::Named(id)) = op.body.as_ref().and_then(|b| b.ty.as_ref()) {
            let entry = bodies
                .entry(id.0)
                .or_insert_with(|| (BTreeSet::new(), naming::type_name(naming::bare(&op.name))));
            entry.0.insert(names::resource(&op.path, singular));
        }
    }
    let mut uses: BTreeMap<usize, Vec<Use>> = BTreeMap::new();
    let use_of = |name: &str, list: bool, singular: &mut names::Singular| {
        let bare = naming::bare(name);
        if list {
            singular.of(bare)
        } else {
            bare.to_owned()
        }
    };
    // Each body's pointer as a prefix (`…/postApiV4Projects/`), with its operation's name.
    let body_prefixes: Vec<(String, &String)> = bodies
        .iter()
        .map(|(b, (_, op))| (format!("{}/", types.defs[*b].origin), op))
        .collect();
    for (sid, def) in types.defs.iter().enumerate() {
        let TypeKind::Struct { fields } = &def.kind else {
            continue;
        };
        // A body, or a structure inside a body's schema (an item of one of its lists): its
        // fields' enums are the operation's.
        let within = || {
            body_prefixes
                .iter()
                .find(|(prefix, _)| def.origin.starts_with(prefix.as_str()))
        };
        let (resource, context) = match bodies.get(&sid) {
            Some((resources, op)) if resources.len() == 1 => {
                (resources.first().cloned().flatten(), op.clone())
            }
            Some((_, op)) => (None, op.clone()),
            None => match within() {
                Some((_, op)) => (None, (*op).clone()),
                None => continue,
            },
        };
        for f in fields {
            if let Some((id, list)) = enum_of(types, &f.ty) {
                let name = use_of(&f.name, list, singular);
                uses.entry(id).or_default().push(Use {
                    resource: resource.clone(),
                    name,
                    context: context.clone(),
                });
            }
        }
    }
    for op in operations {
        for p in &op.params {
            let Some((id, list)) = enum_of(types, &p.ty) else {
                continue;
            };
            let name = use_of(&p.name, list, singular);
            uses.entry(id).or_default().push(Use {
                resource: names::resource(&op.path, singular),
                name,
                context: naming::type_name(naming::bare(&op.name)),
            });
        }
    }
    // How many enums each name would fit, renamed or not: a name that fits two is neither's.
    let mut fits: BTreeMap<String, usize> = BTreeMap::new();
    for uses in uses.values() {
        if let Some(name) = common_suffix(uses.iter().map(|u| u.name.as_str())) {
            *fits.entry(naming::type_name(&name)).or_default() += 1;
        }
    }
    // Each enum's name from its uses, and the `<Resource><Name>` it takes if two want one name.
    let mut wanted: Vec<(usize, String, Option<String>)> = Vec::new();
    for (id, uses) in &uses {
        let def = &types.defs[*id];
        // Only names made from an operation's or its body's: a `title` in the spec, a
        // component schema's name and the names made from them are kept.
        let from_operation = uses.iter().any(|u| def.name.starts_with(&u.context));
        if !from_operation {
            continue;
        }
        if is_sort_order(&def.kind) {
            wanted.push((*id, "SortOrder".to_owned(), None));
            continue;
        }
        let Some(name) = common_suffix(uses.iter().map(|u| u.name.as_str())) else {
            continue;
        };
        let resource = &uses[0].resource;
        let one_resource = resource.is_some() && uses.iter().all(|u| &u.resource == resource);
        let qualified = resource
            .as_ref()
            .filter(|r| one_resource && !name.starts_with(r.as_str()))
            .map(|r| naming::type_name(&format!("{r}_{name}")));
        let general = matches!(
            name.as_str(),
            "type" | "status" | "state" | "scope" | "kind"
        );
        // The resource most of the uses list (the first of a tie): the name's qualifier when
        // the name alone says too little or another enum wants it too.
        let mut tally: Vec<(&String, usize)> = Vec::new();
        for r in uses.iter().filter_map(|u| u.resource.as_ref()) {
            match tally.iter_mut().find(|(t, _)| *t == r) {
                Some((_, n)) => *n += 1,
                None => tally.push((r, 1)),
            }
        }
        let most = tally
            .iter()
            .fold(None::<(&String, usize)>, |best, &(r, n)| match best {
                Some((_, b)) if b >= n => best,
                _ => Some((r, n)),
            })
            .map(|(r, _)| r)
            .map(|r| {
                if name.starts_with(r.as_str()) {
                    naming::type_name(&name)
                } else {
                    naming::type_name(&format!("{r}_{name}"))
                }
            });
        match qualified {
            Some(q) => wanted.push((*id, q, None)),
            None if general => {
                if let Some(m) = most {
                    wanted.push((*id, m, None));
                }
            }
            None => wanted.push((*id, naming::type_name(&name), most)),
        }
    }
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, name, _) in &wanted {
        *count.entry(name.as_str()).or_default() += 1;
    }
    let choices: Vec<(usize, Option<String>)> = wanted
        .iter()
        .map(|(id, name, fallback)| {
            let shared = count.get(name.as_str()).copied().unwrap_or(0) > 1
                || fits.get(name).copied().unwrap_or(0) > 1;
            (
                *id,
                if shared {
                    fallback.clone()
                } else {
                    Some(name.clone())
                },
            )
        })
        .collect();
    let mut taken: BTreeSet<String> = types.defs.iter().map(|d| d.name.clone()).collect();
    for (id, name) in choices {
        if let Some(name) = name
            && taken.insert(name.clone())
        {
            types.defs[id].name = name;
        }
    }
}

/// An enum of exactly `asc` and `desc` (in any case and order): a sort order, whatever the
/// parameter taking it is called.
fn is_sort_order(kind: &crate::ir::TypeKind) -> bool {
    let crate::ir::TypeKind::StringEnum { variants, .. } = kind else {
        return false;
    };
    let mut wires: Vec<String> = variants
        .iter()
        .map(|v| v.wire.to_ascii_lowercase())
        .collect();
    wires.sort();
    wires == ["asc", "desc"]
}

/// The words (`_`-separated) that every name ends with, as one snake-case name; `None` when
/// they share no last word.
fn common_suffix<'a>(mut names: impl Iterator<Item = &'a str>) -> Option<String> {
    let first: Vec<&str> = names.next()?.split('_').collect();
    let mut keep = first.len();
    for n in names {
        let words: Vec<&str> = n.split('_').collect();
        let shared = first
            .iter()
            .rev()
            .zip(words.iter().rev())
            .take_while(|(a, b)| a == b)
            .count();
        keep = keep.min(shared);
    }
    (keep > 0).then(|| first[first.len() - keep..].join("_"))
}

/// In the types a `PATCH` body reaches, an optional nullable field distinguishes absent
/// (leave the value as it is) from `null` (clear it), as JSON Merge Patch (RFC 7396) and most
/// `PATCH` endpoints read them: such fields become `Option<Option<T>>`.
fn mark_explicit_null(types: &mut crate::ir::TypeSpace, operations: &[Operation]) {
    let roots = operations
        .iter()
        .filter(|o| o.method == "PATCH")
        .filter_map(|o| o.body.as_ref().and_then(|b| b.ty.as_ref()));
    for i in reachable(types, roots) {
        if let crate::ir::TypeKind::Struct { fields } = &mut types.defs[i].kind {
            for f in fields {
                f.explicit_null = f.nullable && !f.required && !f.read_only;
            }
        }
    }
}

/// Decides each type's serde impls ([`crate::ir::TypeDef::serde`]): `Serialize` for what
/// requests send, `Deserialize` for what responses carry, both for what no operation reaches
/// and for the types inside it. Returns the types that responses carry (not counting those
/// `Deserialize` only for being unreached).
fn mark_serde(
    types: &mut crate::ir::TypeSpace,
    operations: &[Operation],
) -> std::collections::BTreeSet<usize> {
    let mut sent = reachable(types, operations.iter().flat_map(sent_roots));
    let mut received = reachable(types, operations.iter().flat_map(received_roots));
    let carried = received.clone();
    // A type no operation reaches (a component only other such types use, or none) gets both,
    // and so does everything it contains.
    let orphans: Vec<TypeRef> = (0..types.defs.len())
        .filter(|i| !sent.contains(i) && !received.contains(i))
        .map(|i| TypeRef::Named(crate::ir::TypeId(i)))
        .collect();
    let both = reachable(types, &orphans);
    sent.extend(&both);
    received.extend(&both);
    for (i, def) in types.defs.iter_mut().enumerate() {
        def.serde = crate::ir::SerdeUse {
            serialize: sent.contains(&i),
            deserialize: received.contains(&i),
        };
    }
    carried
}

/// Setting `keep_unknown_fields`: each struct that responses carry (`received`) gets a field
/// for the keys its schema does not declare ([`crate::ir::TypeDef::unknown_fields`]), named
/// `extra` unless a declared field already has that name.
fn name_unknown_fields(
    types: &mut crate::ir::TypeSpace,
    received: &std::collections::BTreeSet<usize>,
) {
    for (i, def) in types.defs.iter_mut().enumerate() {
        let crate::ir::TypeKind::Struct { fields } = &def.kind else {
            continue;
        };
        if !received.contains(&i) {
            continue;
        }
        let taken = |name: &str| fields.iter().any(|f| f.name == name);
        let name = ["extra", "extra_fields", "unknown_fields"]
            .into_iter()
            .map(str::to_owned)
            .chain((2..).map(|n| format!("extra{n}")))
            .find(|n| !taken(n))
            .unwrap_or_default();
        def.unknown_fields = Some(name);
    }
}

/// Resolves a reference into one of `components`' maps (`#/components/<section>/<name>`).
/// References to references and to other places are not followed (bundling made every
/// reference local to a components section).
fn resolve<'m, T>(
    item: &'m ReferenceOr<T>,
    section: &str,
    map: impl FnOnce(&'m openapiv3::Components) -> &'m indexmap::IndexMap<String, ReferenceOr<T>>,
    model: &'m OpenAPI,
) -> Option<&'m T> {
    match item {
        ReferenceOr::Item(t) => Some(t),
        ReferenceOr::Reference { reference } => {
            let name = reference
                .strip_prefix("#/components/")?
                .strip_prefix(section)?
                .strip_prefix('/')?;
            match map(model.components.as_ref()?).get(name)? {
                ReferenceOr::Item(t) => Some(t),
                ReferenceOr::Reference { .. } => None,
            }
        }
    }
}

fn resolve_param<'m>(model: &'m OpenAPI, p: &'m ReferenceOr<Parameter>) -> Option<&'m Parameter> {
    resolve(p, "parameters", |c| &c.parameters, model)
}

#[allow(clippy::too_many_arguments)]
fn lower_params(
    model: &OpenAPI,
    types: &mut Types,
    item_params: &[ReferenceOr<Parameter>],
    op_params: &[ReferenceOr<Parameter>],
    (item_ptr, op_ptr): (&str, &str),
    ctx: &str,
    id_or_path: Option<&str>,
    op: &mut Operation,
    diags: &mut Diagnostics,
) {
    // Path-level parameters apply unless the operation redefines the same name and location.
    let mut all: Vec<(String, &Parameter)> = Vec::new();
    let ptrs = item_params
        .iter()
        .enumerate()
        .map(|(i, p)| (child(&child(item_ptr, "parameters"), i.to_string()), p))
        .chain(
            op_params
                .iter()
                .enumerate()
                .map(|(i, p)| (child(&child(op_ptr, "parameters"), i.to_string()), p)),
        );
    for (ptr, p) in ptrs {
        let Some(p) = resolve_param(model, p) else {
            diags.push(Diagnostic::warning("unresolved-parameter", at(&ptr), "the parameter `$ref` does not name a parameter in `components/parameters`; it is left out"));
            continue;
        };
        // OpenAPI 3 (Parameter Object, `name`): header parameters named `Accept`,
        // `Content-Type` or `Authorization` "SHALL be ignored"; the media types and the
        // security schemes say those. Not a defect, so no warning.
        if matches!(p, Parameter::Header { .. })
            && ["accept", "content-type", "authorization"]
                .iter()
                .any(|h| p.parameter_data_ref().name.eq_ignore_ascii_case(h))
        {
            continue;
        }
        let key = |q: &Parameter| {
            (
                std::mem::discriminant(q),
                q.parameter_data_ref().name.clone(),
            )
        };
        all.retain(|(_, q)| key(q) != key(p));
        all.push((ptr, p));
    }
    let mut names = Names::new();
    names.reserve(RESERVED_BUILDER_NAMES);
    for (ptr, p) in all {
        let data = p.parameter_data_ref();
        let (location, style) = match p {
            Parameter::Path { .. } => (ParamLocation::Path, ArrayStyle::Comma),
            Parameter::Header { .. } => (ParamLocation::Header, ArrayStyle::Comma),
            Parameter::Query { style, .. } => {
                let explode = data.explode.unwrap_or(matches!(style, QueryStyle::Form));
                let s = match style {
                    QueryStyle::Form if explode => ArrayStyle::Repeat,
                    QueryStyle::Form => ArrayStyle::Comma,
                    QueryStyle::SpaceDelimited => ArrayStyle::Space,
                    QueryStyle::PipeDelimited => ArrayStyle::Pipe,
                    QueryStyle::DeepObject => ArrayStyle::Repeat,
                };
                (ParamLocation::Query, s)
            }
            Parameter::Cookie { .. } => {
                diags.push(Diagnostic::warning(
                    "cookie-parameter",
                    at(&ptr),
                    format!(
                        "cookie parameter `{}` is not supported; it is left out of the client",
                        data.name
                    ),
                ));
                continue;
            }
        };
        let ty = match &data.format {
            // Setting `id_or_path`: whatever the spec declares (GitLab: an integer here, a
            // string there), the parameter takes an id or a path.
            _ if location == ParamLocation::Path && id_or_path == Some(data.name.as_str()) => {
                TypeRef::IdOrPath
            }
            ParameterSchemaOrContent::Schema(s) => {
                let pctx = format!("{ctx}{}", naming::type_name_part(&data.name));
                let t = types.lower(s, &pctx, &child(&ptr, "schema"), diags);
                if t == TypeRef::Bytes {
                    // GitLab declares some path parameters `type: file` (a file *name*).
                    diags.push(
                        Diagnostic::warning(
                            "binary-parameter",
                            at(&child(&ptr, "schema")),
                            format!("parameter `{}` is declared binary (a file), which only a form body can carry; read as a string", data.name),
                        )
                        .with_help("declare it `type: string` (in the spec or its overlay)"),
                    );
                    TypeRef::String
                } else {
                    t
                }
            }
            ParameterSchemaOrContent::Content(_) => TypeRef::String,
        };
        let required = data.required || location == ParamLocation::Path;
        op.params.push(crate::ir::Param {
            name: {
                // `x-rust-name` on the parameter: the argument's name, chosen by the spec.
                let given = data
                    .extensions
                    .get("x-rust-name")
                    .and_then(serde_json::Value::as_str);
                // A setter (optional) or an argument (required), spelled alike: not `clone`,
                // nor `fmt`, and a keyword with a trailing `_` (`in_`).
                let mut base = naming::method_name(given.unwrap_or(&data.name));
                if RESERVED_BUILDER_NAMES.contains(&naming::bare(&base)) {
                    // `all` (GitLab's commits) beside the builder's own `all()`: not a defect.
                    base = format!("{}_param", naming::bare(&base));
                }
                // Names that the plain rule does not tell apart but the spec does: the signs
                // spelled (`DateCreated<`: `date_created_lt`), else the place (SendGrid's
                // `list_id` in the path and in the query: `list_id_query`). Legal OpenAPI, so
                // no warning.
                if names.contains(&base) {
                    let place = match location {
                        ParamLocation::Path => "path",
                        ParamLocation::Query => "query",
                        ParamLocation::Header => "header",
                        ParamLocation::Form => "form",
                    };
                    let spelled = naming::snake_name_spelled(&data.name);
                    let placed = format!("{}_{place}", naming::bare(&base));
                    if let Some(free) = [spelled, placed].into_iter().find(|n| !names.contains(n)) {
                        base = free;
                    }
                }
                let name = names.unique(&base);
                if name != base {
                    // GitLab's Terraform state operations take `id` (path) and `ID` (query).
                    diags.push(
                        Diagnostic::warning(
                            "parameter-name-collision",
                            at(&ptr),
                            format!("parameter `{}` makes the same Rust name as another parameter, `{base}`; it becomes `{name}`", data.name),
                        )
                        .with_help("name the parameter's Rust argument with `x-rust-name` on the parameter (in the spec or its overlay); its name on the wire stays"),
                    );
                }
                name
            },
            wire: data.name.clone(),
            location,
            ty,
            required,
            doc: with_default(
                data.description.clone(),
                match &data.format {
                    ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) => {
                        s.schema_data.default.as_ref()
                    }
                    _ => None,
                },
            ),
            deprecated: data.deprecated.unwrap_or(false),
            style,
            deep_object: matches!(
                p,
                Parameter::Query {
                    style: QueryStyle::DeepObject,
                    ..
                }
            ),
            multi_segment: location == ParamLocation::Path
                && data
                    .extensions
                    .get("x-multi-segment")
                    .and_then(serde_json::Value::as_bool)
                    == Some(true),
        });
    }
}

fn lower_segments(path: &str, op_ptr: &str, op: &mut Operation, diags: &mut Diagnostics) {
    // Declared path parameters that the template does not use: an argument that is never sent
    // would mislead, and would be an unused variable in the method.
    op.params.retain(|p| {
        let used = p.location != ParamLocation::Path || path.contains(&format!("{{{}}}", p.wire));
        if !used {
            diags.push(
                Diagnostic::warning(
                    "unused-path-parameter",
                    at(op_ptr),
                    format!(
                        "path parameter `{}` does not appear in the path `{path}`; the method does not take it",
                        p.wire
                    ),
                )
                .with_help(format!(
                    "put `{{{}}}` in the path, or remove the parameter (in the spec or its overlay)",
                    p.wire
                )),
            );
        }
        used
    });
    for raw in path.split('/').filter(|s| !s.is_empty()) {
        let mut parts = Vec::new();
        let mut rest = raw;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                break;
            };
            if open > 0 {
                parts.push(SegmentPart::Literal(rest[..open].to_owned()));
            }
            let name = &rest[open + 1..close];
            let idx = match op
                .params
                .iter()
                .position(|p| p.location == ParamLocation::Path && p.wire == name)
            {
                Some(i) => i,
                None => {
                    diags.push(
                        Diagnostic::warning(
                            "undeclared-path-parameter",
                            at(op_ptr),
                            format!("the path has `{{{name}}}`, which the operation does not declare as a parameter; it becomes a required string argument"),
                        )
                        .with_help(format!("declare `{name}` with `in: path` (in the spec or its overlay)")),
                    );
                    let mut taken = Names::new();
                    taken.reserve(RESERVED_BUILDER_NAMES);
                    for p in &op.params {
                        taken.reserve(&[p.name.as_str()]);
                    }
                    op.params.push(Param {
                        name: taken.unique(&naming::snake_name(name)),
                        wire: name.to_owned(),
                        location: ParamLocation::Path,
                        ty: TypeRef::String,
                        required: true,
                        doc: None,
                        deprecated: false,
                        style: ArrayStyle::Comma,
                        deep_object: false,
                        multi_segment: false,
                    });
                    op.params.len() - 1
                }
            };
            parts.push(SegmentPart::Param(idx));
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(SegmentPart::Literal(rest.to_owned()));
        }
        op.segments.push(Segment { parts });
    }
    // Arguments follow the URL: the path's parameters in the order the path names them, then
    // the others in the order they are declared (`retry_project_job(id, job_id)` for
    // `/projects/{id}/jobs/{job_id}/retry`, whatever order the spec lists them in).
    let first_use = |p: &Param| {
        (p.location == ParamLocation::Path)
            .then(|| path.find(&format!("{{{}}}", p.wire)))
            .flatten()
    };
    let mut order: Vec<usize> = (0..op.params.len()).collect();
    order.sort_by_key(|&i| match first_use(&op.params[i]) {
        Some(at) => (0, at, i),
        None => (1, 0, i),
    });
    let mut moved_to = vec![0; order.len()];
    for (new, old) in order.iter().enumerate() {
        moved_to[*old] = new;
    }
    let mut params: Vec<Option<Param>> = std::mem::take(&mut op.params)
        .into_iter()
        .map(Some)
        .collect();
    op.params = order.iter().filter_map(|i| params[*i].take()).collect();
    for part in op.segments.iter_mut().flat_map(|s| s.parts.iter_mut()) {
        if let SegmentPart::Param(i) = part {
            *i = moved_to[*i];
        }
    }
}

/// A description with the schema's `default` added (`Default: \`20\`.`): the server applies it
/// when the value is not sent, so the reader of the docs should know it.
pub(crate) fn with_default(
    doc: Option<String>,
    default: Option<&serde_json::Value>,
) -> Option<String> {
    let Some(default) = default.filter(|d| !d.is_null()) else {
        return doc;
    };
    let mut text = doc.unwrap_or_default().trim_end().to_owned();
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!("Default: `{default}`."));
    Some(text)
}

/// A JSON media type (`application/json`, `…+json`, or a wildcard): the first of a body's or a
/// response's is the one its type is made from.
pub fn is_json(media: &str) -> bool {
    let m = media
        .split(';')
        .next()
        .unwrap_or(media)
        .trim()
        .to_ascii_lowercase();
    m == "application/json" || m.ends_with("+json") || m == "*/*" || m == "application/*"
}

fn lower_body(
    model: &OpenAPI,
    types: &mut Types,
    op: &openapiv3::Operation,
    op_ptr: &str,
    ctx: &str,
    out: &mut Operation,
    diags: &mut Diagnostics,
) {
    let Some(body) = &op.request_body else { return };
    let body_ptr = child(op_ptr, "requestBody");
    let Some(body) = resolve(body, "requestBodies", |c| &c.request_bodies, model) else {
        diags.push(Diagnostic::warning(
            "unresolved-request-body",
            at(&body_ptr),
            "the `$ref` does not name a request body in `components/requestBodies`; the operation is generated without one",
        ));
        return;
    };
    if let Some((media, mt)) = body.content.iter().find(|(m, _)| is_json(m)) {
        let ty = match &mt.schema {
            Some(s) => types.lower(
                s,
                &format!("{ctx}Body"),
                &child(&child(&child(&body_ptr, "content"), media), "schema"),
                diags,
            ),
            None => TypeRef::Json,
        };
        let essence = media.split(';').next().unwrap_or(media).trim();
        let specific = essence.ends_with("+json") && !essence.contains('*');
        out.body = Some(Body {
            kind: BodyKind::Json,
            ty: Some(ty),
            media: specific.then(|| essence.to_ascii_lowercase()),
            required: body.required,
            doc: body.description.clone(),
        });
        return;
    }
    let form = body.content.iter().find_map(|(m, mt)| {
        let m_lower = m.to_ascii_lowercase();
        let kind = if m_lower.starts_with("multipart/form-data") {
            BodyKind::Multipart
        } else if m_lower.starts_with("application/x-www-form-urlencoded") {
            BodyKind::Form
        } else {
            return None;
        };
        Some((m, mt, kind))
    });
    let Some((media, mt, kind)) = form else {
        // Any other media type is bytes sent as they are: an upload (`application/octet-stream`,
        // `image/png`), or text. A wildcard (`image/*`) says only that it is some file.
        let Some(media) = body.content.keys().next() else {
            return;
        };
        let essence = media
            .split(';')
            .next()
            .unwrap_or(media)
            .trim()
            .to_ascii_lowercase();
        out.body = Some(Body {
            kind: BodyKind::Raw,
            ty: Some(TypeRef::Bytes),
            media: Some(if essence.contains('*') {
                "application/octet-stream".to_owned()
            } else {
                essence
            }),
            required: body.required,
            doc: body.description.clone(),
        });
        return;
    };
    let schema_ptr = child(&child(&child(&body_ptr, "content"), media), "schema");
    let (properties, required) = match &mt.schema {
        Some(s) => types.properties_of(s),
        None => Default::default(),
    };
    let mut names = Names::new();
    names.reserve(RESERVED_BUILDER_NAMES);
    for p in &out.params {
        names.reserve(&[p.name.as_str()]);
    }
    for (wire, prop) in &properties {
        let pptr = child(&child(&schema_ptr, "properties"), wire);
        let mut ty = types.lower_boxed_pub(
            prop,
            &format!("{ctx}{}", naming::type_name_part(wire)),
            &pptr,
            diags,
        );
        if kind == BodyKind::Multipart {
            ty = match ty {
                TypeRef::Bytes => TypeRef::File,
                TypeRef::Vec(inner) if *inner == TypeRef::Bytes => {
                    TypeRef::Vec(Box::new(TypeRef::File))
                }
                other => other,
            };
        } else if ty == TypeRef::Bytes {
            ty = TypeRef::String;
        }
        let doc = match prop {
            ReferenceOr::Item(s) => with_default(
                s.schema_data.description.clone(),
                s.schema_data.default.as_ref(),
            ),
            ReferenceOr::Reference { .. } => None,
        };
        let is_required = required.contains(wire);
        // A setter or an argument: not `clone`, nor `fmt`, and `in_` for a keyword.
        let base = naming::method_name(wire);
        out.params.push(Param {
            name: names.unique(&base),
            wire: wire.to_string(),
            location: ParamLocation::Form,
            ty,
            required: is_required,
            doc,
            deprecated: false,
            style: ArrayStyle::Repeat,
            deep_object: false,
            multi_segment: false,
        });
    }
    out.body = Some(Body {
        kind,
        ty: None,
        media: None,
        required: body.required,
        doc: body.description.clone(),
    });
}

#[allow(clippy::too_many_arguments)]
fn lower_response(
    model: &OpenAPI,
    types: &mut Types,
    op: &openapiv3::Operation,
    op_ptr: &str,
    ctx: &str,
    builder_names: &mut Names,
    out: &mut Operation,
    diags: &mut Diagnostics,
) -> PageHeaders {
    let resp_ptr = child(op_ptr, "responses");
    let mut success: Vec<(String, Option<u16>, &ReferenceOr<openapiv3::Response>)> = op
        .responses
        .responses
        .iter()
        .filter_map(|(code, r)| match code {
            StatusCode::Code(c @ 200..=299) => Some((code.to_string(), Some(*c), r)),
            StatusCode::Range(2) => Some((code.to_string(), None, r)),
            _ => None,
        })
        .collect();
    success.sort_by_key(|(status, code, _)| (code.is_none(), status.clone()));
    // An operation that declares no 2xx response but a `default` one: the default describes
    // its success (many hand-written specs answer everything with `default`).
    if success.is_empty()
        && let Some(r) = &op.responses.default
    {
        success.push(("default".to_owned(), None, r));
    }
    let default_is_success = success.iter().any(|(s, _, _)| s == "default");
    out.response.statuses = success.iter().map(|(s, _, _)| s.clone()).collect();
    let mut variant_names = Names::new();
    variant_names.reserve(&["Other"]);
    let mut variants = Vec::new();
    let mut declared = PageHeaders::default();
    for (i, (status, code, r)) in success.iter().enumerate() {
        let ptr = child(&resp_ptr, status);
        let name = variant_names.unique(&status_variant(*code));
        let Some(r) = resolve(r, "responses", |c| &c.responses, model) else {
            diags.push(Diagnostic::warning(
                "unresolved-response",
                at(&ptr),
                "the `$ref` does not name a response in `components/responses`; it is read as having no body",
            ));
            variants.push(StatusVariant {
                name,
                status: status.clone(),
                code: *code,
                ty: None,
                doc: None,
            });
            continue;
        };
        for header in r.headers.keys() {
            declared.link |= header.eq_ignore_ascii_case("link");
            declared.next_page |= header.eq_ignore_ascii_case("x-next-page");
        }
        let doc = (!r.description.trim().is_empty()).then(|| r.description.clone());
        if out.response.doc.is_none() {
            out.response.doc = doc.clone();
        }
        // Inline body types: `{Op}Response` for the first status, as when there is one, and
        // `{Op}{Variant}Response` for the others.
        let type_ctx = if i == 0 {
            format!("{ctx}Response")
        } else {
            format!("{ctx}{name}Response")
        };
        let ty = if let Some((media, mt)) = r.content.iter().find(|(m, _)| is_json(m)) {
            Some(match &mt.schema {
                Some(s) => types.lower(
                    s,
                    &type_ctx,
                    &child(&child(&child(&ptr, "content"), media), "schema"),
                    diags,
                ),
                None => TypeRef::Json,
            })
        } else if !r.content.is_empty() {
            // A body that is not JSON (a file, an image, plain text): its bytes.
            Some(TypeRef::Bytes)
        } else {
            None
        };
        variants.push(StatusVariant {
            name,
            status: status.clone(),
            code: *code,
            ty,
            doc,
        });
    }
    // A `GET` answers with something even when its spec declares no body (GitLab: file
    // contents, blame, package files, 121 GETs): the body as bytes, rather than nothing.
    if out.method == "GET"
        && !variants.is_empty()
        && variants
            .iter()
            .all(|v| v.ty.is_none() && v.code != Some(204))
    {
        for v in &mut variants {
            v.ty = Some(TypeRef::Bytes);
        }
        diags.push(
            Diagnostic::warning(
                "undeclared-body",
                at(&resp_ptr),
                "the `GET` declares no response body; the body is returned as bytes (`Vec<u8>`)",
            )
            .with_help("declare the body's media type and schema (in the spec or its overlay)"),
        );
    }
    out.response.errors =
        error_responses(model, types, op, &resp_ptr, ctx, default_is_success, diags);
    let Some(first) = variants.first() else {
        return declared;
    };
    if variants.iter().all(|v| v.ty == first.ty) {
        out.response.ty = first.ty.clone();
    } else {
        out.response.per_status = Some(StatusEnum {
            name: builder_names.unique(&format!("{}Response", out.builder)),
            variants,
        });
    }
    declared
}

/// The JSON bodies `op` declares for statuses outside 2xx (and for `default`, unless it
/// stands for the success): each lowered to a type, inline ones named `{Op}{Status}Error`.
/// Bodies that are not JSON, or whose `$ref` names no response, have no type to read them as.
fn error_responses(
    model: &OpenAPI,
    types: &mut Types,
    op: &openapiv3::Operation,
    resp_ptr: &str,
    ctx: &str,
    default_is_success: bool,
    diags: &mut Diagnostics,
) -> Vec<crate::ir::ErrorResponse> {
    let statuses = op
        .responses
        .responses
        .iter()
        .filter_map(|(code, r)| {
            let name = match code {
                StatusCode::Code(c @ 400..=599) => error_status_name(*c),
                StatusCode::Range(4) => "ClientError".to_owned(),
                StatusCode::Range(5) => "ServerError".to_owned(),
                _ => return None,
            };
            Some((code.to_string(), name, r))
        })
        .chain(
            op.responses
                .default
                .iter()
                .filter(|_| !default_is_success)
                .map(|r| ("default".to_owned(), "Default".to_owned(), r)),
        );
    let mut out = Vec::new();
    for (status, name, r) in statuses {
        let Some(r) = resolve(r, "responses", |c| &c.responses, model) else {
            continue;
        };
        let Some((media, mt)) = r.content.iter().find(|(m, _)| is_json(m)) else {
            continue;
        };
        let Some(schema) = &mt.schema else { continue };
        let ptr = child(
            &child(&child(&child(resp_ptr, &status), "content"), media),
            "schema",
        );
        let ty = types.lower(schema, &format!("{ctx}{name}Error"), &ptr, diags);
        out.push(crate::ir::ErrorResponse { status, ty });
    }
    out
}

/// An error status's name part: `NotFound` for 404, `Status418` for one without a common name.
fn error_status_name(code: u16) -> String {
    match code {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        410 => "Gone",
        412 => "PreconditionFailed",
        415 => "UnsupportedMediaType",
        422 => "UnprocessableContent",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        _ => return format!("Status{code}"),
    }
    .to_owned()
}

/// The variant name for a success status: its reason phrase (RFC 9110) in UpperCamelCase.
fn status_variant(code: Option<u16>) -> String {
    match code {
        None => "Success".to_owned(),
        Some(200) => "Ok".to_owned(),
        Some(201) => "Created".to_owned(),
        Some(202) => "Accepted".to_owned(),
        Some(203) => "NonAuthoritativeInformation".to_owned(),
        Some(204) => "NoContent".to_owned(),
        Some(205) => "ResetContent".to_owned(),
        Some(206) => "PartialContent".to_owned(),
        Some(207) => "MultiStatus".to_owned(),
        Some(208) => "AlreadyReported".to_owned(),
        Some(226) => "ImUsed".to_owned(),
        Some(c) => format!("Status{c}"),
    }
}

fn lower_auth(model: &OpenAPI) -> Vec<AuthScheme> {
    let Some(components) = &model.components else {
        return Vec::new();
    };
    let mut names = Names::new();
    names.reserve(&["with_bearer_token", "with_http_client", "new"]);
    let mut out = Vec::new();
    for (key, scheme) in &components.security_schemes {
        let ReferenceOr::Item(scheme) = scheme else {
            continue;
        };
        let (kind, base, doc) = match scheme {
            openapiv3::SecurityScheme::APIKey {
                location,
                name,
                description,
                ..
            } => {
                let kind = match location {
                    openapiv3::APIKeyLocation::Header => AuthKind::HeaderKey {
                        header: name.clone(),
                    },
                    openapiv3::APIKeyLocation::Query => AuthKind::QueryKey {
                        param: name.clone(),
                    },
                    openapiv3::APIKeyLocation::Cookie => continue,
                };
                (
                    kind,
                    format!("with_{}", naming::bare(&naming::snake_name(name))),
                    description.clone(),
                )
            }
            openapiv3::SecurityScheme::HTTP {
                scheme,
                description,
                ..
            } if scheme.eq_ignore_ascii_case("basic") => (
                AuthKind::Basic,
                "with_basic_auth".to_owned(),
                description.clone(),
            ),
            openapiv3::SecurityScheme::HTTP { description, .. }
            | openapiv3::SecurityScheme::OAuth2 { description, .. }
            | openapiv3::SecurityScheme::OpenIDConnect { description, .. } => (
                AuthKind::Bearer,
                "with_bearer_token".to_owned(),
                description.clone(),
            ),
        };
        if matches!(kind, AuthKind::Bearer) {
            // The runtime's `with_bearer_token` serves every bearer scheme.
            out.push(AuthScheme {
                key: key.clone(),
                method: base,
                doc,
                kind,
            });
            continue;
        }
        // A key sent in the query beside one in a header of the same name (GitLab's
        // `private_token` / `PRIVATE-TOKEN`) gets a method saying so.
        let base = if matches!(kind, AuthKind::QueryKey { .. }) && names.contains(&base) {
            format!("{base}_in_query")
        } else {
            base
        };
        let method = names.unique(&base);
        out.push(AuthScheme {
            key: key.clone(),
            method,
            doc,
            kind,
        });
    }
    out
}
