//! Emission of one API module (`src/<tag>.rs`): a client method and a request builder per
//! operation.
//!
//! `client.op(required…)` returns the builder, a newtype of the runtime's `Call` (the request
//! being built); required parameters are put into the request there, optional ones by the
//! builder's setters, each one call of `Call`. Per operation there is the struct, its setters,
//! its `Operation` impl (how the answer is decoded) and an `IntoFuture` that calls
//! `Operation::send`; every way of sending (`send`, `send_raw`, `send_with_response`,
//! `send_blocking`, and `Paginated`'s `send_page`, `stream`, `all`, `first`) is the runtime's,
//! compiled once.

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
    if let Some(returns) = returns_doc(op) {
        text.push_str(&format!("\n\n{returns}"));
    }
    if let Some(errors) = errors_doc(api, op) {
        text.push_str(&format!("\n\n{errors}"));
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
        quote! { #n: impl Into<#t> }
    });
    // Path parameters that are structures (`simple` style) may fail to encode; one that the
    // path names twice is converted once.
    let structured = op
        .params
        .iter()
        .enumerate()
        .filter(|(_, p)| p.location == ParamLocation::Path)
        .filter_map(|(i, p)| {
            let n = ident(&p.name);
            let t = type_tokens(&p.ty, &api.types);
            if !is_text(api, &p.ty) {
                Some(quote! {
                    let #n = match crate::runtime::path_value(&Into::<#t>::into(#n)) {
                        Ok(text) => text,
                        Err(e) => return #builder(crate::runtime::Call::failed(self, e)),
                    };
                })
            } else if repeated(op, i) {
                Some(quote! { let #n: #t = #n.into(); })
            } else {
                None
            }
        });
    let method = format_ident!("{}", op.method);
    let (template, path_params) = path_template(api, op);
    let mut call = quote! {
        crate::runtime::Call::new(self, ::reqwest::Method::#method, #template, &[#(#path_params),*])
    };
    match op.body.as_ref().map(|b| b.kind) {
        Some(BodyKind::Form) => call = quote! { #call.form(false) },
        Some(BodyKind::Multipart) => call = quote! { #call.form(true) },
        Some(BodyKind::Json | BodyKind::Raw) | None => {}
    }
    for i in required
        .iter()
        .filter(|i| i.param.is_none_or(|p| p.location != ParamLocation::Path))
    {
        let (n, t) = (&i.name, &i.ty);
        let set = setter_call(api, op, i, quote! { Into::<#t>::into(#n) });
        call = quote! { #call #set };
    }
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
            #(#structured)*
            #builder(#call)
        }
    }
}

/// What the method's doc says the request returns; nothing when the response's description
/// only repeats the operation's summary (Grape's specs copy one into the other: GitLab's
/// "List an awardable's emoji reactions" is both).
fn returns_doc(op: &Operation) -> Option<String> {
    let statuses = op.response.statuses.join(", ");
    let d = op
        .response
        .doc
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())?;
    let plain = |s: &str| s.trim().trim_end_matches(['.', '!', ':']).to_lowercase();
    if op.response.per_status.is_none() && op.summary.as_deref().map(plain) == Some(plain(d)) {
        return None;
    }
    Some(if op.response.per_status.is_some() {
        format!("Returns the variant of the success status the server answered ({statuses}).")
    } else if d.ends_with(['.', '!', '?', ':']) {
        format!("Returns, on success ({statuses}): {d}")
    } else {
        format!("Returns, on success ({statuses}): {d}.")
    })
}

/// What the spec says an error's body is, by status: statuses sharing a type on one line.
fn errors_doc(api: &Api, op: &Operation) -> Option<String> {
    let mut lines: Vec<(Vec<&str>, &TypeRef)> = Vec::new();
    for e in &op.response.errors {
        match lines.iter_mut().find(|(_, t)| **t == e.ty) {
            Some((statuses, _)) => statuses.push(&e.status),
            None => lines.push((vec![&e.status], &e.ty)),
        }
    }
    if lines.is_empty() {
        return None;
    }
    let mut text = "Errors: a status outside 2xx is [`Error::Api`](crate::Error::Api), whose body \
                    [`ApiError::json`](crate::ApiError::json) reads as the spec declares it:"
        .to_owned();
    for (statuses, ty) in lines {
        let statuses: Vec<String> = statuses.iter().map(|s| format!("`{s}`")).collect();
        text.push_str(&format!(
            "\n- {}: {}",
            statuses.join(", "),
            type_text(api, ty)
        ));
    }
    Some(text)
}

/// A type as documentation names it: a link for a named type, else its Rust spelling.
fn type_text(api: &Api, t: &TypeRef) -> String {
    match t {
        TypeRef::Named(id) => {
            let name = &api.types.get(*id).name;
            format!("[`{name}`](crate::types::{name})")
        }
        TypeRef::Vec(inner) => format!("a list of {}", type_text(api, inner)),
        TypeRef::Map(inner) => format!("a map of {}", type_text(api, inner)),
        TypeRef::Nullable(inner) => format!("{} or null", type_text(api, inner)),
        other => format!(
            "`{}`",
            type_tokens(other, &api.types)
                .to_string()
                .replace(' ', "")
                .trim_start_matches("::")
        ),
    }
}

/// The path as `Call::new` takes it: a template whose `{}` are the parameters' texts and whose
/// `{*}` is a multi-segment parameter, and the parameters in order (`&dyn ParamValue`s).
fn path_template(api: &Api, op: &Operation) -> (String, Vec<TokenStream>) {
    let mut template = Vec::new();
    let mut params = Vec::new();
    for s in &op.segments {
        if let Some(n) = multi_segment(op, s) {
            let p = op
                .params
                .iter()
                .find(|p| p.name == n)
                .expect("the segment's parameter");
            let (n, t) = (ident(n), type_tokens(&p.ty, &api.types));
            template.push("{*}".to_owned());
            params.push(quote! { &Into::<#t>::into(#n) });
            continue;
        }
        let mut text = String::new();
        for part in &s.parts {
            match part {
                SegmentPart::Literal(l) => text.push_str(l),
                SegmentPart::Param(i) => {
                    let p = &op.params[*i];
                    let n = ident(&p.name);
                    text.push_str("{}");
                    params.push(if is_text(api, &p.ty) && !repeated(op, *i) {
                        let t = type_tokens(&p.ty, &api.types);
                        quote! { &Into::<#t>::into(#n) }
                    } else {
                        // Made text by `path_value`, or converted once (see `method`).
                        quote! { &#n }
                    });
                }
            }
        }
        template.push(text);
    }
    (template.join("/"), params)
}

/// Whether parameter `i` appears in more than one place of the path (converted once first).
fn repeated(op: &Operation, i: usize) -> bool {
    op.segments
        .iter()
        .flat_map(|s| &s.parts)
        .filter(|p| matches!(p, SegmentPart::Param(j) if *j == i))
        .count()
        > 1
}

/// Whether a path parameter of type `t` is written as its `ParamValue` text.
fn is_text(api: &Api, t: &TypeRef) -> bool {
    match t {
        TypeRef::Vec(inner) => is_scalar(api, inner),
        t => is_scalar(api, t),
    }
}

/// The `Call` method (`.query(…)`, `.form_field(…)`, `.json_body(…)`) that puts input `i`,
/// whose value is `value` (a place of its Rust type), into the request.
fn setter_call(api: &Api, op: &Operation, i: &Input, value: TokenStream) -> TokenStream {
    let Some(p) = i.param else {
        return match op.body.as_ref().map(|b| (b.kind, b.media.as_deref())) {
            Some((BodyKind::Raw, media)) => {
                let media = media.unwrap_or("application/octet-stream");
                quote! { .bytes_body(&#value, #media) }
            }
            Some((_, Some(media))) => quote! { .json_body_as(&#value, #media) },
            _ => quote! { .json_body(&#value) },
        };
    };
    let wire = &p.wire;
    match (p.location, &p.ty) {
        (ParamLocation::Path, _) => TokenStream::new(),
        (ParamLocation::Query, TypeRef::Vec(inner)) if is_scalar(api, inner) => {
            let style = style_tokens(p.style);
            quote! { .query_array(#wire, &#value, crate::runtime::ArrayStyle::#style) }
        }
        (ParamLocation::Query, t) if is_scalar(api, t) => quote! { .query(#wire, &#value) },
        (ParamLocation::Query, _) if p.deep_object => {
            quote! { .query_deep_object(#wire, &#value) }
        }
        (ParamLocation::Query, _) => quote! { .query_object(#wire, &#value) },
        (ParamLocation::Header, TypeRef::Vec(inner)) if is_scalar(api, inner) => {
            quote! { .header(#wire, &#value) }
        }
        (ParamLocation::Header, t) if is_scalar(api, t) => quote! { .header(#wire, &#value) },
        (ParamLocation::Header, _) => quote! { .header_json(#wire, &#value) },
        (ParamLocation::Form, TypeRef::File) => quote! { .form_file(#wire, &#value) },
        (ParamLocation::Form, TypeRef::Vec(inner)) if **inner == TypeRef::File => {
            quote! { .form_files(#wire, &#value) }
        }
        (ParamLocation::Form, TypeRef::Vec(inner)) if is_scalar(api, inner) => {
            quote! { .form_field_array(#wire, &#value) }
        }
        (ParamLocation::Form, t) if is_scalar(api, t) => quote! { .form_field(#wire, &#value) },
        (ParamLocation::Form, _) => quote! { .form_object(#wire, &#value) },
    }
}

fn builder(api: &Api, op: &Operation) -> TokenStream {
    let builder = ident(&op.builder);
    let ins = inputs(api, op);
    let list = op.paginated && matches!(op.response.ty, Some(TypeRef::Vec(_)));
    // The method and path are on the method's documentation, one link away.
    let sdoc = doc(Some(&format!(
        "Request builder of [`crate::Client::{}`]. Send it with `.await`{}.",
        op.name.trim_start_matches("r#"),
        if list {
            " or read its pages ([`Paginated`](crate::Paginated))"
        } else if op.cursor.is_some() {
            " or read its pages ([`CursorPaginated`](crate::CursorPaginated))"
        } else {
            ""
        },
    )));
    let setters: Vec<TokenStream> = ins
        .iter()
        .filter(|i| !i.required)
        .map(|i| {
            let (n, t) = (&i.name, &i.ty);
            let d = doc(i.doc.as_deref());
            let set = setter_call(api, op, i, quote! { Into::<#t>::into(value) });
            quote! {
                #d
                pub fn #n(self, value: impl Into<#t>) -> Self {
                    Self(self.0 #set)
                }
            }
        })
        .collect();
    let allow_deprecated = op.deprecated.then(|| quote! { #[allow(deprecated)] });
    let setters = (!setters.is_empty()).then(|| {
        quote! {
            #allow_deprecated
            impl #builder<'_> {
                #(#setters)*
            }
        }
    });
    let (response, status_enum) = match &op.response.per_status {
        Some(e) => {
            let (name, def) = status_enum(api, op, e);
            (quote! { #name }, def)
        }
        None => (
            decoder(api, op.response.ty.as_ref(), list),
            TokenStream::new(),
        ),
    };
    let cursor = op
        .cursor
        .as_ref()
        .zip(op.response.ty.as_ref())
        .map(|(c, page)| cursor_paginated(api, &builder, c, page));
    quote! {
        #status_enum
        crate::runtime::operation!(#sdoc #builder, #response);
        #setters
        #cursor
    }
}

/// The runtime's [`Decode`] marker of a body: `Json<T>`, `Paged<T>` for a list read page by
/// page, `Bytes`, or `Empty`.
/// `CursorPaginated` for a builder whose response holds a page and the next page's cursor: its
/// items are the list field (empty when absent), the cursor is read through the fields to it.
fn cursor_paginated(
    api: &Api,
    builder: &proc_macro2::Ident,
    c: &crate::ir::CursorPaging,
    page: &TypeRef,
) -> TokenStream {
    let page = type_tokens(page, &api.types);
    let item = type_tokens(&c.item, &api.types);
    let param = &c.param;
    let steps = c.next.iter().map(|(name, optional)| {
        let f = ident(name);
        if *optional {
            quote! { .and_then(|v| v.#f.as_ref()) }
        } else {
            quote! { .map(|v| &v.#f) }
        }
    });
    let items = ident(&c.items.0);
    let items = if c.items.1 {
        quote! { page.#items.unwrap_or_default() }
    } else {
        quote! { page.#items }
    };
    quote! {
        impl<'a> crate::runtime::CursorPaginated<'a> for #builder<'a> {
            type Page = #page;
            type Item = #item;
            const PARAM: &'static str = #param;
            fn split(page: #page) -> (Vec<#item>, Option<String>) {
                let next = Some(&page) #(#steps)* .map(|v| v.to_string());
                (#items, next)
            }
        }
    }
}

fn decoder(api: &Api, ty: Option<&TypeRef>, list: bool) -> TokenStream {
    match ty {
        Some(TypeRef::Bytes) => quote! { crate::runtime::Bytes },
        Some(TypeRef::Vec(item)) if list => {
            let item = type_tokens(item, &api.types);
            quote! { crate::runtime::Paged<#item> }
        }
        Some(t) => {
            let t = type_tokens(t, &api.types);
            quote! { crate::runtime::Json<#t> }
        }
        None => quote! { crate::runtime::Empty },
    }
}

/// The enum of an operation's success responses and its `Decode`, which picks the variant by
/// status: `(name, definition)`.
fn status_enum(
    api: &Api,
    op: &Operation,
    e: &crate::ir::StatusEnum,
) -> (proc_macro2::Ident, TokenStream) {
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
        let (def, value) = match v.ty.as_ref() {
            Some(TypeRef::Bytes) => (
                quote! { #vdoc #vname(Vec<u8>), },
                quote! { Ok(Self::#vname(response.body.into())) },
            ),
            Some(t) => {
                let ty = type_tokens(t, &api.types);
                (
                    quote! { #vdoc #vname(#ty), },
                    quote! { response.json().map(Self::#vname) },
                )
            }
            None => (quote! { #vdoc #vname, }, quote! { Ok(Self::#vname) }),
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
                    body: Vec<u8>,
                },
            });
            quote! {
                _ => Ok(Self::Other { status: response.status, body: response.body.into() }),
            }
        }
    };
    let edoc = doc(Some(&format!(
        "What [`{}`] answers: one variant per success status of `{} {}`.",
        op.builder, op.method, op.path
    )));
    let def = quote! {
        #edoc
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#defs)*
        }
        impl crate::runtime::Decode for #name {
            type Output = Self;
            fn decode(response: crate::runtime::RawResponse) -> Result<Self, crate::Error> {
                match response.status.as_u16() {
                    #(#arms)*
                    #catch_all
                }
            }
        }
    };
    (name, def)
}

/// Whether values of `t` are one text (`ParamValue`): scalars and enums, not structures.
fn is_scalar(api: &Api, t: &TypeRef) -> bool {
    match t {
        TypeRef::Vec(_)
        | TypeRef::Map(_)
        | TypeRef::Nullable(_)
        | TypeRef::File
        | TypeRef::Bytes => false,
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
