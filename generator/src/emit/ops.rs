//! Emission of one API module (`src/<tag>.rs`): a client method and a request builder per
//! operation.
//!
//! `client.op(required…)` returns the builder; optional parameters are builder methods; the
//! request goes out on `.send().await` or simply `.await` (the builder is `IntoFuture`).

use super::{doc, ident, type_tokens};
use crate::ir::{Api, ArrayStyle, BodyKind, Operation, Param, ParamLocation, SegmentPart, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn module(api: &Api, index: usize) -> TokenStream {
    let m = &api.modules[index];
    let module_doc = match &m.doc {
        Some(d) => format!("{}: {}", m.tag, d),
        None => format!("Operations tagged `{}`.", m.tag),
    };
    let ops: Vec<&Operation> = api
        .operations
        .iter()
        .filter(|o| o.module == index)
        .collect();
    let methods = ops.iter().map(|op| method(api, op));
    let builders = ops.iter().map(|op| builder(api, op));
    let module_doc = super::inner_doc(&module_doc);
    quote! {
        #module_doc
        impl crate::Client {
            #(#methods)*
        }
        #(#builders)*
    }
}

fn op_doc(op: &Operation) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(s) = op
        .summary
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        parts.push(s.to_owned());
    }
    if let Some(d) = op
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        if parts.first().map(|s| s.trim_end_matches('.')) != Some(d.trim_end_matches('.')) {
            parts.push(d.to_owned());
        }
    }
    parts.push(format!("`{} {}`", op.method, op.path));
    if op.deprecated {
        parts.push("**Deprecated** by the API.".to_owned());
    }
    parts.join("\n\n")
}

/// Builder fields and method arguments: parameters, then the body.
struct Input<'a> {
    name: proc_macro2::Ident,
    ty: TokenStream,
    required: bool,
    doc: Option<String>,
    param: Option<&'a Param>,
}

fn inputs<'a>(api: &Api, op: &'a Operation) -> Vec<Input<'a>> {
    let mut out: Vec<Input<'a>> = op
        .params
        .iter()
        .map(|p| Input {
            name: ident(&p.name),
            ty: type_tokens(&p.ty, &api.types),
            required: p.required,
            doc: p.doc.clone(),
            param: Some(p),
        })
        .collect();
    if let Some((b, ty)) = op.body.as_ref().and_then(|b| Some((b, b.ty.as_ref()?))) {
        let taken: Vec<String> = op.params.iter().map(|p| p.name.clone()).collect();
        let name = ["body", "request_body", "body_"]
            .into_iter()
            .find(|n| !taken.iter().any(|t| t == n))
            .unwrap_or("body__");
        out.push(Input {
            name: ident(name),
            ty: type_tokens(ty, &api.types),
            required: b.required,
            doc: b
                .doc
                .clone()
                .or_else(|| Some("The request body.".to_owned())),
            param: None,
        });
    }
    out
}

fn method(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    let builder = ident(&op.builder);
    let ins = inputs(api, op);
    let mut text = op_doc(op);
    let required: Vec<&Input> = ins.iter().filter(|i| i.required).collect();
    if !required.is_empty() {
        text.push_str("\n\nArguments:");
        for i in &required {
            let d = i
                .doc
                .as_deref()
                .map(|d| d.trim().replace('\n', " "))
                .unwrap_or_default();
            text.push_str(&format!(
                "\n- `{}`: {d}",
                i.name.to_string().trim_start_matches("r#")
            ));
        }
    }
    if ins.iter().any(|i| !i.required) {
        text.push_str(&format!(
            "\n\nOptional parameters are set on the returned [`{}`].",
            op.builder
        ));
    }
    let docs = doc(Some(&text));
    let args = required.iter().map(|i| {
        let (n, t) = (&i.name, &i.ty);
        quote! { #n: impl ::std::convert::Into<#t> }
    });
    let inits = ins.iter().map(|i| {
        let n = &i.name;
        if i.required {
            quote! { #n: #n.into() }
        } else {
            quote! { #n: ::std::option::Option::None }
        }
    });
    let deprecated = op
        .deprecated
        .then(|| quote! { #[deprecated = "deprecated by the API"] });
    // The method mirrors the operation's required parameters, however many the spec has.
    let many = (required.len() + 1 > 7).then(|| quote! { #[allow(clippy::too_many_arguments)] });
    quote! {
        #docs
        #deprecated
        #many
        pub fn #name(&self, #(#args),*) -> #builder<'_> {
            #builder { client: self, #(#inits),* }
        }
    }
}

fn builder(api: &Api, op: &Operation) -> TokenStream {
    let builder = ident(&op.builder);
    let ins = inputs(api, op);
    let sdoc = doc(Some(&format!(
        "Request builder for [`Client::{}`](crate::Client::{}): `{} {}`.",
        op.name.trim_start_matches("r#"),
        op.name.trim_start_matches("r#"),
        op.method,
        op.path
    )));
    let fields = ins.iter().map(|i| {
        let (n, t) = (&i.name, &i.ty);
        if i.required {
            quote! { #n: #t, }
        } else {
            quote! { #n: ::std::option::Option<#t>, }
        }
    });
    let setters = ins.iter().filter(|i| !i.required).map(|i| {
        let (n, t) = (&i.name, &i.ty);
        let d = doc(i.doc.as_deref());
        quote! {
            #d
            pub fn #n(mut self, value: impl ::std::convert::Into<#t>) -> Self {
                self.#n = ::std::option::Option::Some(value.into());
                self
            }
        }
    });
    // A multi-segment parameter expands into several segments; other segments are one each.
    let has_multi = op.segments.iter().any(|s| multi_segment(op, s).is_some());
    let segment_exprs: Vec<TokenStream> = op
        .segments
        .iter()
        .map(|s| {
            if let Some(n) = multi_segment(op, s) {
                let n = ident(n);
                return quote! { crate::runtime::multi_segment(&crate::runtime::ParamValue::to_param(&self.#n)) };
            }
            let parts: Vec<TokenStream> = s
                .parts
                .iter()
                .map(|p| match p {
                    SegmentPart::Literal(l) => quote! { ::std::string::String::from(#l) },
                    SegmentPart::Param(i) => {
                        let p = &op.params[*i];
                        let n = ident(&p.name);
                        let text = match &p.ty {
                            TypeRef::Vec(inner) => is_scalar(api, inner),
                            t => is_scalar(api, t),
                        };
                        if text {
                            quote! { crate::runtime::ParamValue::to_param(&self.#n) }
                        } else {
                            quote! { crate::runtime::path_value(&self.#n)? }
                        }
                    }
                })
                .collect();
            let expr = if parts.len() == 1 { quote! { #(#parts)* } } else { quote! { [#(#parts),*].concat() } };
            if has_multi { quote! { ::std::vec![#expr] } } else { expr }
        })
        .collect();
    let segments = if has_multi {
        quote! { &[#(#segment_exprs),*].concat() }
    } else {
        quote! { &[#(#segment_exprs),*] }
    };
    let method = format_ident!("{}", op.method);
    let mut statements = Vec::new();
    match op.body.as_ref().map(|b| b.kind) {
        Some(BodyKind::Form) => statements.push(quote! { request.start_form(false); }),
        Some(BodyKind::Multipart) => statements.push(quote! { request.start_form(true); }),
        Some(BodyKind::Json) | None => {}
    }
    for i in &ins {
        let n = &i.name;
        let Some(p) = i.param else {
            let set = |body: TokenStream| match op.body.as_ref().and_then(|b| b.media.as_deref()) {
                Some(media) => quote! { request.json_body_as(#body, #media)?; },
                None => quote! { request.json_body(#body)?; },
            };
            statements.push(if i.required {
                set(quote! { &self.#n })
            } else {
                let set = set(quote! { body });
                quote! { if let ::std::option::Option::Some(body) = &self.#n { #set } }
            });
            continue;
        };
        let wire = &p.wire;
        let call = match (p.location, &p.ty) {
            (ParamLocation::Path, _) => continue,
            (ParamLocation::Query, TypeRef::Vec(inner)) if is_scalar(api, inner) => {
                let style = style_tokens(p.style);
                quote! { request.query_array(#wire, value, crate::runtime::ArrayStyle::#style); }
            }
            (ParamLocation::Query, t) if is_scalar(api, t) => {
                quote! { request.query(#wire, value); }
            }
            (ParamLocation::Query, _) => quote! { request.query_object(#wire, value)?; },
            (ParamLocation::Header, TypeRef::Vec(inner)) if is_scalar(api, inner) => {
                quote! { request.header(#wire, value); }
            }
            (ParamLocation::Header, t) if is_scalar(api, t) => {
                quote! { request.header(#wire, value); }
            }
            (ParamLocation::Header, _) => quote! { request.header_json(#wire, value)?; },
            (ParamLocation::Form, TypeRef::File) => quote! { request.form_file(#wire, value); },
            (ParamLocation::Form, TypeRef::Vec(inner)) if **inner == TypeRef::File => {
                quote! { for file in value { request.form_file(#wire, file); } }
            }
            (ParamLocation::Form, TypeRef::Vec(inner)) if is_scalar(api, inner) => {
                quote! { request.form_field_array(#wire, value); }
            }
            (ParamLocation::Form, t) if is_scalar(api, t) => {
                quote! { request.form_field(#wire, value); }
            }
            (ParamLocation::Form, _) => quote! { request.form_object(#wire, value)?; },
        };
        statements.push(if i.required {
            quote! { { let value = &self.#n; #call } }
        } else {
            quote! { if let ::std::option::Option::Some(value) = &self.#n { #call } }
        });
    }
    let (ret, send, status_enum) = match &op.response.per_status {
        Some(e) => {
            let (ret, finish, def) = status_enum(api, op, e);
            let send = quote! {
                pub async fn send(self) -> ::std::result::Result<#ret, crate::Error> {
                    let request = self.request()?;
                    let response = self.client.send(request).await?;
                    #finish
                }
            };
            (ret, send, def)
        }
        None => {
            // The runtime's generic future, not an `async` block per operation: far less for
            // the compiler to check (BENCHMARKS.md). No `+ Send` in the signature: the future
            // is `Send` all the same (auto traits leak through `impl Trait`, and `IntoFuture`
            // below requires it, so a future that is not fails this crate's build), and proving
            // it once per operation here cost a sixth of the crate's `cargo check`.
            let (ret, name, turbofish) = reader(api, op.response.ty.as_ref());
            let call = format_ident!("send_{name}");
            let send = quote! {
                pub fn send(self) -> impl ::std::future::Future<Output = ::std::result::Result<#ret, crate::Error>> + 'a {
                    crate::runtime::#call #turbofish(self.client, self.request())
                }
            };
            (ret, send, TokenStream::new())
        }
    };
    let ret_doc = match &op.response.doc {
        Some(_) if op.response.per_status.is_some() => format!(
            "Sends the request. On success ({}), the variant of the status the server answered.",
            op.response.statuses.join(", ")
        ),
        Some(d) => format!(
            "Sends the request. On success ({}): {}",
            op.response.statuses.join(", "),
            d.trim()
        ),
        None => "Sends the request.".to_owned(),
    };
    let ret_doc = doc(Some(&ret_doc));
    let mutability = (!statements.is_empty()).then(|| quote! { mut });
    let pagination = match (&op.response.ty, op.paginated) {
        (Some(TypeRef::Vec(item)), true) => {
            let item = type_tokens(item, &api.types);
            quote! {
                /// Sends the request and returns the page with what the server said about the
                /// others (`X-Total`, `X-Total-Pages`, `X-Next-Page`, `Link: rel="next"`).
                pub fn send_page(self) -> impl ::std::future::Future<Output = ::std::result::Result<crate::runtime::Page<#item>, crate::Error>> + 'a {
                    crate::runtime::send_page::<#item>(self.client, self.request())
                }
                /// Every item of every page, from the page the request asks for on. Pages are
                /// fetched as the stream is read: by `page` (offset pagination) or by following
                /// `Link: rel="next"` (keyset pagination), never to another host.
                pub fn stream(self) -> ::futures_util::stream::BoxStream<'a, ::std::result::Result<#item, crate::Error>> {
                    crate::runtime::paginate_from(self.client, self.request())
                }
                /// Every item of every page.
                pub fn all(self) -> impl ::std::future::Future<Output = ::std::result::Result<::std::vec::Vec<#item>, crate::Error>> + 'a {
                    crate::runtime::collect_all(self.stream())
                }
                /// The first `n` items, fetching only the pages they are on.
                pub fn first(self, n: usize) -> impl ::std::future::Future<Output = ::std::result::Result<::std::vec::Vec<#item>, crate::Error>> + 'a {
                    crate::runtime::collect_first(self.stream(), n)
                }
            }
        }
        _ => TokenStream::new(),
    };
    let allow_deprecated = op.deprecated.then(|| quote! { #[allow(deprecated)] });
    quote! {
        #status_enum
        #sdoc
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent or awaited"]
        pub struct #builder<'a> {
            client: &'a crate::Client,
            #(#fields)*
        }
        #allow_deprecated
        impl<'a> #builder<'a> {
            #(#setters)*
            fn request(&self) -> ::std::result::Result<crate::runtime::Request, crate::Error> {
                let #mutability request = crate::runtime::Request::new(
                    self.client,
                    ::reqwest::Method::#method,
                    #segments,
                )?;
                #(#statements)*
                ::std::result::Result::Ok(request)
            }
            #ret_doc
            #send
            /// Sends the request and waits for the answer, for callers that are not async
            /// (must not be called from async code).
            #[cfg(feature = "blocking")]
            pub fn send_blocking(self) -> ::std::result::Result<#ret, crate::Error> {
                crate::runtime::block_on(self.send())
            }
            #pagination
        }
        impl<'a> ::std::future::IntoFuture for #builder<'a> {
            type Output = ::std::result::Result<#ret, crate::Error>;
            type IntoFuture = ::std::pin::Pin<::std::boxed::Box<dyn ::std::future::Future<Output = Self::Output> + ::std::marker::Send + 'a>>;
            fn into_future(self) -> Self::IntoFuture {
                ::std::boxed::Box::pin(self.send())
            }
        }
    }
}

/// How a success body is read: its Rust type, and the runtime function that reads it (`json`,
/// `bytes` or `empty`, with the type for `json`); `send_<reader>` sends and reads in one.
fn reader(api: &Api, ty: Option<&TypeRef>) -> (TokenStream, &'static str, TokenStream) {
    match ty {
        Some(TypeRef::Bytes) => (quote! { ::std::vec::Vec<u8> }, "bytes", TokenStream::new()),
        Some(t) => {
            let t = type_tokens(t, &api.types);
            (t.clone(), "json", quote! { ::<#t> })
        }
        None => (quote! { () }, "empty", TokenStream::new()),
    }
}

/// The return type of a body and the expression (still to be awaited) that decodes it from
/// `response`.
fn decode(api: &Api, ty: Option<&TypeRef>) -> (TokenStream, TokenStream) {
    let (ret, name, turbofish) = reader(api, ty);
    let name = format_ident!("{name}");
    (ret, quote! { crate::runtime::#name #turbofish(response) })
}

/// The enum of an operation's success responses, and the `send` tail that picks the variant
/// by status: `(return type, tail, definition)`.
fn status_enum(
    api: &Api,
    op: &Operation,
    e: &crate::ir::StatusEnum,
) -> (TokenStream, TokenStream, TokenStream) {
    let name = ident(&e.name);
    let mut defs = Vec::new();
    let mut arms = Vec::new();
    let mut catch_all = None;
    for v in &e.variants {
        let vname = ident(&v.name);
        let vdoc = match &v.doc {
            Some(d) => format!("`{}`: {}", v.status, d.trim()),
            None => format!("`{}`", v.status),
        };
        let vdoc = doc(Some(&vdoc));
        let (ty, decode) = decode(api, v.ty.as_ref());
        let (def, value) = match &v.ty {
            Some(_) => (
                quote! { #vdoc #vname(#ty), },
                quote! { #decode.await.map(#name::#vname) },
            ),
            None => (
                quote! { #vdoc #vname, },
                quote! { #decode.await.map(|()| #name::#vname) },
            ),
        };
        defs.push(def);
        match v.code {
            Some(code) => {
                let code = proc_macro2::Literal::u16_unsuffixed(code);
                arms.push(quote! { #code => #value, });
            }
            None => catch_all = Some(quote! { _ => #value, }),
        }
    }
    let catch_all = match catch_all {
        Some(arm) => arm,
        None => {
            defs.push(quote! {
                /// A success status the API does not declare, with the body as received.
                Other {
                    status: ::reqwest::StatusCode,
                    body: ::std::vec::Vec<u8>,
                },
            });
            quote! {
                _ => {
                    let status = response.status();
                    crate::runtime::bytes(response).await.map(|body| #name::Other { status, body })
                }
            }
        }
    };
    let edoc = doc(Some(&format!(
        "What [`{}::send`] returns: one variant per success status of `{} {}`.",
        op.builder, op.method, op.path
    )));
    let def = quote! {
        #edoc
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#defs)*
        }
    };
    let tail = quote! {
        match response.status().as_u16() {
            #(#arms)*
            #catch_all
        }
    };
    (quote! { #name }, tail, def)
}

/// Whether values of `t` are one text (`ParamValue`): scalars and enums, not structures.
fn is_scalar(api: &Api, t: &TypeRef) -> bool {
    match t {
        TypeRef::Vec(_) | TypeRef::Map(_) | TypeRef::File | TypeRef::Bytes => false,
        TypeRef::Named(id) => match &api.types.get(*id).kind {
            crate::ir::TypeKind::StringEnum { .. } | crate::ir::TypeKind::IntEnum { .. } => true,
            crate::ir::TypeKind::Alias { target } => is_scalar(api, target),
            crate::ir::TypeKind::Newtype { .. } => false,
            crate::ir::TypeKind::Struct { .. } | crate::ir::TypeKind::Union { .. } => false,
        },
        _ => true,
    }
}

/// The name of the parameter that is a whole segment by itself and spans several segments.
fn multi_segment<'o>(op: &'o Operation, s: &crate::ir::Segment) -> Option<&'o str> {
    match s.parts.as_slice() {
        [SegmentPart::Param(i)] if op.params[*i].multi_segment => Some(&op.params[*i].name),
        _ => None,
    }
}

fn style_tokens(s: ArrayStyle) -> proc_macro2::Ident {
    format_ident!(
        "{}",
        match s {
            ArrayStyle::Repeat => "Repeat",
            ArrayStyle::Comma => "Comma",
            ArrayStyle::Space => "Space",
            ArrayStyle::Pipe => "Pipe",
        }
    )
}
