//! The intermediate representation: everything emission needs, every decision already made.
//!
//! In: built by [`crate::lower`]. Out: walked by [`crate::emit`], snapshotted by tests.
//! Types refer to each other only through [`TypeId`]s into the [`TypeSpace`] arena (typify's
//! model), operations keep spec order, and every Rust name sits beside the wire name it stands
//! for (progenitor's `name` / `api_name`). Every node carries the JSON pointer it came from.

use serde::Serialize;

/// The names a generated crate's root exports from its runtime (`lib.rs`'s `pub use runtime::…`).
/// Request builders, which live in the API modules that users glob-import beside the root,
/// never take one; the spec's own types, in the `types` module, may (`types::Error`).
pub const ROOT_NAMES: &[&str] = &[
    "ApiError",
    "Client",
    "CrossOrigin",
    "CursorPaginated",
    "Error",
    "ErrorBody",
    "ErrorMessage",
    "File",
    "IdOrPath",
    "Operation",
    "Page",
    "Paginated",
    "RawResponse",
    "RedirectPolicy",
    "Response",
    "RetryPolicy",
];

/// A whole API, ready to emit.
#[derive(Debug, Clone, Serialize)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    /// The first server URL, if the spec has one: the client's default base URL.
    pub default_base_url: Option<String>,
    pub auth: Vec<AuthScheme>,
    pub types: TypeSpace,
    /// API modules (one per tag) in the order of the spec's `tags`, then first use.
    pub modules: Vec<Module>,
    pub operations: Vec<Operation>,
    /// What the settings declared about the server, beyond what the spec says.
    pub conventions: Conventions,
}

/// The conventions of the API's server that its settings (`codegen.toml`) declare and
/// lowering applied: nothing here is inferred from the spec's shapes, so one API's habits
/// (GitLab's) never reach another's client.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Conventions {
    /// Path prefixes whose last parameter takes a numeric id or a path (setting `id_or_path`):
    /// those parameters are [`TypeRef::IdOrPath`], and the client crate has the type.
    pub id_or_path: Vec<String>,
    /// Array query parameters are sent `name[]=a&name[]=b` (setting `query_array_style`).
    pub query_brackets: bool,
    /// Which list operations page ([`Operation::paginated`]; setting `pagination`).
    pub pagination: crate::normalize::Pagination,
    /// Pagination by a cursor in the body (setting `cursor`), if declared.
    pub cursor: Option<crate::normalize::Cursor>,
    /// Some operation pages by a cursor ([`Operation::cursor`]), so the client has the
    /// runtime's `CursorPaginated`.
    pub cursor_pages: bool,
    /// Some operation pages by `page` or `Link` headers ([`Operation::paginated`]), or the
    /// setting `pagination` says the API pages so (`page-headers`): the client has the
    /// runtime's `Paginated`, `Page` and `paginate`; a client without has none of them.
    pub header_pages: bool,
    /// Structs read from responses keep the keys their schemas do not declare (setting
    /// `keep_unknown_fields`; [`TypeDef::unknown_fields`]).
    pub keep_unknown_fields: bool,
}

/// A group of operations emitted as one Rust module (one spec tag).
#[derive(Debug, Clone, Serialize)]
pub struct Module {
    /// Rust module name (snake case).
    pub name: String,
    /// The tag as written in the spec.
    pub tag: String,
    pub doc: Option<String>,
}

/// How the client authenticates, as the spec's security schemes declare it.
#[derive(Debug, Clone, Serialize)]
pub struct AuthScheme {
    /// The scheme's key in `components.securitySchemes`.
    pub key: String,
    /// Rust name of the client method that sets it (`with_private_token`).
    pub method: String,
    pub doc: Option<String>,
    pub kind: AuthKind,
}

#[derive(Debug, Clone, Serialize)]
pub enum AuthKind {
    /// An API key sent in a header of this (wire) name.
    HeaderKey { header: String },
    /// An API key sent as a query parameter of this (wire) name.
    QueryKey { param: String },
    /// `Authorization: Bearer …` (HTTP bearer, OAuth2, OpenID Connect).
    Bearer,
    /// `Authorization: Basic …`.
    Basic,
}

/// The arena of named types.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TypeSpace {
    pub defs: Vec<TypeDef>,
}

/// Index of a [`TypeDef`] in the [`TypeSpace`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TypeId(pub usize);

impl TypeSpace {
    pub fn get(&self, id: TypeId) -> &TypeDef {
        &self.defs[id.0]
    }
}

/// A named Rust type.
#[derive(Debug, Clone, Serialize)]
pub struct TypeDef {
    /// Rust name (UpperCamelCase, unique).
    pub name: String,
    /// Pointer (into the effective spec) of the schema it was made from.
    pub origin: String,
    pub doc: Option<String>,
    pub kind: TypeKind,
    /// Indices of the [`Api::modules`] whose operations use this type (directly or through
    /// other types): the client compiles the type only when one of their features is on.
    pub used_by: Vec<usize>,
    /// Which way the type travels, which decides its serde impls: `Serialize` when a request
    /// sends it (parameters and bodies, through other types too), `Deserialize` when a
    /// response carries it (any status). A type no operation reaches gets both. Leaving out the
    /// impls no operation needs cuts the client's `cargo check` time by about a third.
    pub serde: SerdeUse,
    /// For a struct that responses carry, under setting `keep_unknown_fields`: the Rust name of
    /// its field (`extra`) that keeps the JSON object's keys its schema does not declare,
    /// with their values as sent (`runtime::UnknownFields`); encoding writes them back.
    pub unknown_fields: Option<String>,
}

/// The serde impls a type gets (see [`TypeDef::serde`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct SerdeUse {
    pub serialize: bool,
    pub deserialize: bool,
}

#[derive(Debug, Clone, Serialize)]
pub enum TypeKind {
    Struct {
        fields: Vec<Field>,
    },
    /// String enum; unknown wire values are kept in the variant named `other` (`Other(String)`,
    /// or `Unknown(String)` when a value is `other`).
    StringEnum {
        variants: Vec<Variant<String>>,
        other: String,
    },
    /// Integer enum; unknown wire values are kept in the variant named `other` (`Other(i64)`).
    IntEnum {
        variants: Vec<Variant<i64>>,
        other: String,
    },
    /// A named alias of another type (a component schema that is an array, a scalar, …).
    Alias {
        target: TypeRef,
    },
    /// A tuple struct around the target, for a schema that contains itself through a list or
    /// map only (`RecursiveArray: {type: array, items: {$ref: RecursiveArray}}`), which a type
    /// alias cannot express.
    Newtype {
        target: TypeRef,
    },
    /// `oneOf` / `anyOf`: a value of one of several types, and an `Other(serde_json::Value)`
    /// variant for a value that is none of them, so decoding never fails on the union itself.
    Union {
        variants: Vec<UnionVariant>,
        /// The property whose value names the variant (an OpenAPI `discriminator` whose
        /// branches are all references); without one, variants are tried in order.
        discriminator: Option<String>,
    },
}

/// One branch of a [`TypeKind::Union`].
#[derive(Debug, Clone, Serialize)]
pub struct UnionVariant {
    pub name: String,
    pub ty: TypeRef,
    /// The discriminator values that select this variant (with a discriminator).
    pub tags: Vec<String>,
    pub doc: Option<String>,
    /// Boxed because the variant's type contains the union itself (recursion).
    pub boxed: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Variant<T> {
    pub name: String,
    pub wire: T,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub name: String,
    pub wire: String,
    pub ty: TypeRef,
    /// `Option`: absent from the JSON object allowed (not required, or read-only or
    /// write-only, so missing in one direction), or `null` allowed.
    pub optional: bool,
    /// The schema lists the property as required: an `Option` that is `None` is still sent,
    /// as `null`.
    pub required: bool,
    /// `null` is a value of the property (`nullable: true`, or `"null"` among 3.1 types).
    pub nullable: bool,
    /// Absent and `null` mean different things (an optional nullable field of a `PATCH`
    /// body: absent leaves the value, `null` clears it): `Option<Option<T>>`.
    pub explicit_null: bool,
    /// `readOnly`: the server sends it, requests should not.
    pub read_only: bool,
    /// `writeOnly`: requests send it, the server does not (a password).
    pub write_only: bool,
    pub doc: Option<String>,
    pub deprecated: bool,
    /// Boxed because the field's type contains the struct itself (recursion).
    pub boxed: bool,
}

/// A type as used in a field, parameter or response.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum TypeRef {
    String,
    Bool,
    I64,
    /// `format: uint64` (or `uint`, `uint32`, …): values up to 2^64-1.
    U64,
    F64,
    /// `format: uuid`.
    Uuid,
    Date,
    DateTime,
    /// Any JSON value.
    Json,
    /// A numeric id or a path (`42` or `group/project`); sent as one path segment.
    IdOrPath,
    /// Raw bytes (`format: binary`).
    Bytes,
    /// A file to upload in a multipart body: name, content type and bytes.
    File,
    Vec(Box<TypeRef>),
    Map(Box<TypeRef>),
    /// A map's value that may be `null` (`additionalProperties: {nullable: true, …}`, Docker's
    /// `PortMap`): `Option<T>`. Fields say so by [`Field::optional`] instead.
    Nullable(Box<TypeRef>),
    Named(TypeId),
}

/// Where an operation's method name came from ([`crate::lower::names`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum NameSource {
    /// The `rename` setting.
    Rename,
    /// `x-rust-name` on the operation.
    Extension,
    /// The operationId, written by a person.
    OperationId,
    /// The method and path (verb and resource).
    Path,
    /// The method and path, lengthened because another operation's came out the same: this
    /// name can change when that operation goes.
    Settled,
}

/// One API operation.
#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// Rust method name on the client (snake case, unique).
    pub name: String,
    /// Where the name came from.
    pub name_from: NameSource,
    /// Rust name of the request builder struct (UpperCamelCase, unique).
    pub builder: String,
    /// `operationId` as written, if any.
    pub operation_id: Option<String>,
    /// Index into [`Api::modules`].
    pub module: usize,
    /// HTTP method, upper case.
    pub method: String,
    /// The path template as written (`/v4/projects/{id}/access_requests`).
    pub path: String,
    pub segments: Vec<Segment>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    pub response: Response,
    /// A `GET` returning a list whose pages the client can walk, as [`Conventions::pagination`]
    /// decides (offset pagination by `page` and `X-Next-Page`, keyset pagination by the
    /// `Link: rel="next"` header).
    pub paginated: bool,
    /// A `GET` whose response object holds one page of a list and the cursor of the next
    /// ([`Conventions::cursor`], or a `next_P` field for its query parameter `P`).
    pub cursor: Option<CursorPaging>,
    /// Pointer of the operation in the effective spec.
    pub origin: String,
}

/// How a cursor-paged operation's response holds its page: the items' field and the path of
/// fields to the next cursor, each by its Rust name and whether it is an `Option`.
#[derive(Debug, Clone, Serialize)]
pub struct CursorPaging {
    /// The query parameter (wire name) that takes the cursor.
    pub param: String,
    /// The response's list field: Rust name, `Option`, item type.
    pub items: (String, bool),
    pub item: TypeRef,
    /// The fields from the response to the cursor (Rust name, `Option`), outermost first.
    pub next: Vec<(String, bool)>,
    /// The cursor's type ([`TypeRef::String`] or an integer), sent back as its text.
    pub next_ty: TypeRef,
}

/// One path segment: literal text and parameter values, concatenated and sent as one
/// percent-encoded segment.
#[derive(Debug, Clone, Serialize)]
pub struct Segment {
    pub parts: Vec<SegmentPart>,
}

#[derive(Debug, Clone, Serialize)]
pub enum SegmentPart {
    Literal(String),
    /// Index into [`Operation::params`].
    Param(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    /// A field of a form body (`application/x-www-form-urlencoded` or `multipart/form-data`).
    Form,
}

/// How an array query parameter goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ArrayStyle {
    /// `a=1&a=2` (OpenAPI's default: `style: form`, `explode: true`).
    Repeat,
    /// `a=1,2` (`style: form`, `explode: false`).
    Comma,
    /// `a=1 2` (`spaceDelimited`).
    Space,
    /// `a=1|2` (`pipeDelimited`).
    Pipe,
}

#[derive(Debug, Clone, Serialize)]
pub struct Param {
    pub name: String,
    pub wire: String,
    pub location: ParamLocation,
    pub ty: TypeRef,
    pub required: bool,
    pub doc: Option<String>,
    pub deprecated: bool,
    /// For arrays in the query.
    pub style: ArrayStyle,
    /// An object in the query sent as `name[key]=value` (`style: deepObject`), not as its
    /// members' own pairs (`style: form`, OpenAPI's default).
    pub deep_object: bool,
    /// A path parameter whose value may span several segments (`x-multi-segment`): its `/`s
    /// are kept, each segment encoded.
    pub multi_segment: bool,
}

/// A request body. Form bodies have no type of their own: their fields are parameters with
/// [`ParamLocation::Form`], so they get builder methods like any parameter.
#[derive(Debug, Clone, Serialize)]
pub struct Body {
    pub kind: BodyKind,
    /// The JSON body's type (`None` for form bodies).
    pub ty: Option<TypeRef>,
    /// The JSON body's media type when it is a specific one other than `application/json`
    /// (`application/merge-patch+json`): sent as the `Content-Type`.
    pub media: Option<String>,
    pub required: bool,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BodyKind {
    Json,
    /// `application/x-www-form-urlencoded`
    Form,
    /// `multipart/form-data`
    Multipart,
    /// Bytes sent as they are, with [`Body::media`] as their type (`application/octet-stream`,
    /// `text/plain`): an upload.
    Raw,
}

/// What a successful call returns.
#[derive(Debug, Clone, Serialize)]
pub struct Response {
    /// Status codes counted as success (`200`, `2XX`, …), as written.
    pub statuses: Vec<String>,
    /// The body type when every success status declares the same one; `None` when they
    /// declare no body (or differ: see `per_status`).
    pub ty: Option<TypeRef>,
    pub doc: Option<String>,
    /// When the success statuses declare different bodies (`200` with a body and `204`
    /// without, `200` and `201` with different types), `send` returns this enum instead.
    pub per_status: Option<StatusEnum>,
    /// The JSON bodies the spec declares for statuses outside 2xx, in the spec's order: what
    /// an `ApiError`'s body can be read as (`ApiError::json`).
    pub errors: Vec<ErrorResponse>,
}

/// A JSON body the spec declares for a status outside 2xx.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorResponse {
    /// The status as written: `404`, `4XX` or `default`.
    pub status: String,
    pub ty: TypeRef,
}

/// The per-operation enum of success responses, one variant per declared status.
#[derive(Debug, Clone, Serialize)]
pub struct StatusEnum {
    /// Rust name (UpperCamelCase), unique among the builders.
    pub name: String,
    pub variants: Vec<StatusVariant>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusVariant {
    /// Rust variant name (`Ok`, `Created`, `NoContent`, `Status299`; `Success` for `2XX` or
    /// `default`).
    pub name: String,
    /// The status as written: `201`, `2XX`, `default`.
    pub status: String,
    /// A numeric status; `None` for `2XX` and `default`, which take every other success status.
    pub code: Option<u16>,
    /// The body type; `None` when the status declares no body.
    pub ty: Option<TypeRef>,
    pub doc: Option<String>,
}
