//! Emission of `src/types.rs`: one Rust item per [`TypeDef`], in arena order.

use super::{doc, ident, type_tokens};
use crate::ir::{Api, Field, TypeDef, TypeKind, TypeRef, UnionVariant, Variant};
use proc_macro2::TokenStream;
use quote::quote;

/// `features`: each type behind the cargo features of the modules that use it.
pub fn types(api: &Api, features: bool) -> TokenStream {
    let items = api
        .types
        .defs
        .iter()
        .map(|def| type_def(api, def, features));
    let doc = format!(
        "Types of {}: request and response bodies, enums.",
        api.title
    );
    let doc = super::inner_doc(&doc);
    quote! {
        #doc
        #(#items)*
    }
}

/// The type exists when a feature of a module that uses it is on; a type no operation uses
/// comes with `full`.
fn cfg_attr(api: &Api, def: &TypeDef, features: bool) -> TokenStream {
    if !features || (def.used_by.len() == api.modules.len() && !api.modules.is_empty()) {
        return TokenStream::new();
    }
    if def.used_by.is_empty() {
        return quote! { #[cfg(feature = "full")] };
    }
    let features: Vec<&str> = def
        .used_by
        .iter()
        .map(|m| crate::naming::bare(&api.modules[*m].name))
        .collect();
    match features.as_slice() {
        [one] => quote! { #[cfg(feature = #one)] },
        _ => quote! { #[cfg(any(#(feature = #features),*))] },
    }
}

fn type_def(api: &Api, def: &TypeDef, features: bool) -> TokenStream {
    let name = ident(&def.name);
    let origin = format!("Schema `#{}`.", def.origin);
    let text = match &def.doc {
        Some(d) if !d.trim().is_empty() => format!("{}\n\n{origin}", d.trim()),
        _ => origin,
    };
    let docs = doc(Some(&text));
    let cfg = cfg_attr(api, def, features);
    let serde = serde_derives(def);
    match &def.kind {
        TypeKind::Struct { fields } => {
            let all_optional = fields.iter().all(|f| f.optional);
            let derive_default = all_optional.then(|| quote! { Default, });
            let field_items = fields.iter().map(|f| {
                let fname = ident(&f.name);
                let mut ty = type_tokens(&f.ty, &api.types);
                if f.boxed {
                    ty = quote! { Box<#ty> };
                }
                let mut text = f.doc.clone().unwrap_or_default();
                if f.deprecated {
                    text = if text.is_empty() {
                        "**Deprecated.**".into()
                    } else {
                        format!("**Deprecated.** {text}")
                    };
                }
                let note = if f.read_only {
                    Some("Read-only: the server sets it; requests leave it `None`.")
                } else if f.write_only {
                    Some("Write-only: requests send it; the server never returns it.")
                } else if f.explicit_null {
                    Some("`None` leaves the value as it is (the field is not sent); `Some(None)` sends `null`, which clears it.")
                } else if f.optional && f.required {
                    Some("Required but nullable: `None` is sent as `null`.")
                } else {
                    None
                };
                if let Some(note) = note {
                    if !text.trim().is_empty() {
                        text.push_str("\n\n");
                    }
                    text.push_str(note);
                }
                let fdoc = doc(Some(&text));
                let ty = if f.explicit_null {
                    quote! { Option<Option<#ty>> }
                } else if f.optional {
                    quote! { Option<#ty> }
                } else {
                    ty
                };
                quote! { #fdoc pub #fname: #ty, }
            });
            let unknown = def.unknown_fields.as_deref().map(|f| {
                let fname = ident(f);
                quote! {
                    #[doc = " Keys the schema does not declare, as sent."]
                    pub #fname: crate::runtime::UnknownFields,
                }
            });
            let field_items = field_items.chain(unknown);
            let impls = object_impls(def, &name, &cfg, fields);
            let new = constructor(api, def, &name, &cfg, fields);
            quote! {
                #docs
                #cfg
                #[derive(Debug, Clone, PartialEq, #derive_default)]
                pub struct #name {
                    #(#field_items)*
                }
                #impls
                #new
            }
        }
        TypeKind::Union {
            variants,
            discriminator,
        } => union(
            api,
            def,
            &name,
            &docs,
            &cfg,
            variants,
            discriminator.as_deref(),
        ),
        TypeKind::StringEnum { variants, other } => {
            string_enum(&name, &docs, &cfg, variants, other)
        }
        TypeKind::IntEnum { variants, other } => int_enum(&name, &docs, &cfg, variants, other),
        TypeKind::Newtype { target } => {
            let ty = type_tokens(target, &api.types);
            quote! {
                #docs
                #cfg
                #[derive(Debug, Clone, PartialEq, #serde)]
                #[serde(transparent)]
                pub struct #name(pub #ty);
            }
        }
        TypeKind::Alias { target } => {
            let ty = type_tokens(target, &api.types);
            quote! { #docs #cfg pub type #name = #ty; }
        }
    }
}

/// `new(required…)` for a struct that requests send and that has required fields beside optional
/// ones (one without required fields is `Default`): the smallest value names only what is
/// required, and struct update syntax sets the rest
/// (`Body { labels: Some(…), ..Body::new("title") }`).
fn constructor(
    api: &Api,
    def: &TypeDef,
    name: &proc_macro2::Ident,
    cfg: &TokenStream,
    fields: &[Field],
) -> TokenStream {
    if !def.serde.serialize || fields.iter().all(|f| !f.optional) {
        return TokenStream::new();
    }
    let required: Vec<&Field> = fields.iter().filter(|f| !f.optional).collect();
    if required.is_empty() {
        return TokenStream::new();
    }
    let params = required.iter().map(|f| {
        let fname = ident(&f.name);
        let mut ty = type_tokens(&f.ty, &api.types);
        if f.boxed {
            ty = quote! { Box<#ty> };
        }
        quote! { #fname: impl Into<#ty> }
    });
    let unknown = def.unknown_fields.as_deref().map(|f| {
        let fname = ident(f);
        quote! { #fname: crate::runtime::UnknownFields::new() }
    });
    let inits = fields
        .iter()
        .map(|f| {
            let fname = ident(&f.name);
            if f.optional {
                quote! { #fname: None }
            } else {
                quote! { #fname: #fname.into() }
            }
        })
        .chain(unknown);
    let text = format!(
        " A `{name}` of its required fields, the others `None`: set them with struct update syntax, `{name} {{ field: Some(…), ..{name}::new(…) }}`."
    );
    let many = (required.len() > 7).then(|| quote! { #[allow(clippy::too_many_arguments)] });
    scoped(
        cfg,
        quote! {
            impl #name {
                #[doc = #text]
                #many
                pub fn new(#(#params),*) -> Self {
                    Self { #(#inits),* }
                }
            }
        },
    )
}

/// A struct's serde impls: one `runtime::object!` call, under the type's `cfg`, with its
/// fields, each as `mode(name)` (`mode(name = "wire")` when the JSON key is not the Rust name). `Serialize` writes a JSON object of the
/// fields under their wire names, an optional field that is `None` left out (a required
/// nullable one is sent as `null`; a field where absent and `null` differ is left out when
/// `None` and sent as `null` when `Some(None)`). `Deserialize` reads a JSON object only,
/// matching each key against the wire names; unknown keys are skipped (or, with
/// [`TypeDef::unknown_fields`], kept in that field and written back), a missing required field
/// is an error.
fn object_impls(
    def: &TypeDef,
    name: &proc_macro2::Ident,
    cfg: &TokenStream,
    fields: &[Field],
) -> TokenStream {
    let direction = match (def.serde.serialize, def.serde.deserialize) {
        (false, false) => return TokenStream::new(),
        (true, false) => quote! { write },
        (false, true) => quote! { read },
        (true, true) => quote! { both },
    };
    let entries = fields.iter().map(|f| {
        let fname = ident(&f.name);
        let mode = if f.explicit_null {
            quote! { null }
        } else if !f.optional {
            quote! { req }
        } else if f.required {
            quote! { nullable }
        } else {
            quote! { opt }
        };
        let wire = &f.wire;
        let wire = (fname != wire).then(|| quote! { = #wire });
        // A date-time may arrive as a date only (runtime::Lenient).
        let how = (f.ty == TypeRef::DateTime && !f.boxed).then(|| quote! { , lenient });
        quote! { #mode(#fname #wire #how) }
    });
    // `keep extra`: unknown keys go into that field, not skipped.
    let keep = def.unknown_fields.as_deref().map(|f| {
        let fname = ident(f);
        quote! { keep #fname }
    });
    quote! { #cfg crate::runtime::object!(#direction #name { #(#entries),* } #keep); }
}

/// A union: an enum whose serialized form is the variant's own (`untagged`); decoded by the
/// discriminator property when there is one, else by trying the variants in order, and kept
/// as `Other(serde_json::Value)` when no variant fits.
fn union(
    api: &Api,
    def: &TypeDef,
    name: &proc_macro2::Ident,
    docs: &TokenStream,
    cfg: &TokenStream,
    variants: &[UnionVariant],
    discriminator: Option<&str>,
) -> TokenStream {
    let ty = |v: &UnionVariant| {
        let t = type_tokens(&v.ty, &api.types);
        if v.boxed {
            quote! { Box<#t> }
        } else {
            t
        }
    };
    let items = variants.iter().map(|v| {
        let vname = ident(&v.name);
        let t = ty(v);
        let text = match (&v.doc, v.tags.as_slice()) {
            (Some(d), _) if !d.trim().is_empty() => d.trim().to_owned(),
            (_, []) => format!("The value as `{}`.", v.name),
            (_, tags) => format!(
                "Selected by {}.",
                tags.iter()
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let vdoc = doc(Some(&text));
        quote! { #vdoc #vname(#t), }
    });
    let other_doc = doc(Some(
        "A value that is none of the declared variants, kept as JSON.",
    ));
    let serde = serde_derives(def);
    let Some(property) = discriminator else {
        return quote! {
            #docs
            #cfg
            #[derive(Debug, Clone, PartialEq, #serde)]
            #[serde(untagged)]
            pub enum #name {
                #(#items)*
                #other_doc
                Other(::serde_json::Value),
            }
        };
    };
    let arms = variants.iter().filter(|v| !v.tags.is_empty()).map(|v| {
        let vname = ident(&v.name);
        let tags = &v.tags;
        let wrap = if v.boxed {
            quote! { |v| Self::#vname(Box::new(v)) }
        } else {
            quote! { Self::#vname }
        };
        quote! {
            Some(#(#tags)|*) => ::serde_json::from_value(value).map(#wrap).map_err(::serde::de::Error::custom),
        }
    });
    // Serialized as the variant's own value; decoded by the tag.
    let serialize = def.serde.serialize.then(|| {
        quote! {
            #[derive(::serde::Serialize)]
            #[serde(untagged)]
        }
    });
    let deserialize = def.serde.deserialize.then(|| {
        quote! {
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                    let tag = value.get(#property).and_then(::serde_json::Value::as_str).map(::std::borrow::ToOwned::to_owned);
                    match tag.as_deref() {
                        #(#arms)*
                        _ => Ok(Self::Other(value)),
                    }
                }
            }
        }
    });
    let impls = scoped(cfg, deserialize.unwrap_or_default());
    quote! {
        #docs
        #cfg
        #[derive(Debug, Clone, PartialEq)]
        #serialize
        pub enum #name {
            #(#items)*
            #other_doc
            Other(::serde_json::Value),
        }
        #impls
    }
}

/// The serde derives of a struct, newtype or untagged union: those its use needs.
fn serde_derives(def: &TypeDef) -> TokenStream {
    match (def.serde.serialize, def.serde.deserialize) {
        (true, false) => quote! { ::serde::Serialize },
        (false, true) => quote! { ::serde::Deserialize },
        _ => quote! { ::serde::Serialize, ::serde::Deserialize },
    }
}

/// A type's impls under the type's own `cfg`: one attribute on a `const _` block instead of one
/// per impl (a type used by many modules has a long `cfg(any(feature = …))`).
fn scoped(cfg: &TokenStream, impls: TokenStream) -> TokenStream {
    if impls.is_empty() || cfg.is_empty() {
        impls
    } else {
        quote! { #cfg const _: () = { #impls }; }
    }
}

fn variant_docs<T>(variants: &[Variant<T>], wire: impl Fn(&T) -> String) -> Vec<TokenStream> {
    variants
        .iter()
        .map(|v| {
            let text = match &v.doc {
                Some(d) if !d.trim().is_empty() => format!("`{}`: {}", wire(&v.wire), d.trim()),
                _ => format!("`{}`", wire(&v.wire)),
            };
            doc(Some(&text))
        })
        .collect()
}

fn string_enum(
    name: &proc_macro2::Ident,
    docs: &TokenStream,
    cfg: &TokenStream,
    variants: &[Variant<String>],
    other: &str,
) -> TokenStream {
    let vdocs = variant_docs(variants, |w| w.clone());
    let vnames: Vec<_> = variants.iter().map(|v| ident(&v.name)).collect();
    let wires: Vec<&String> = variants.iter().map(|v| &v.wire).collect();
    let kept = format!(
        " Values this client does not know are kept in [`Self::{other}`], so a new value on the"
    );
    let (other_ident, renamed) = catch_all_tokens(other);
    let item = quote! {
        #docs
        ///
        #[doc = #kept]
        /// server never breaks decoding.
        #cfg
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #( #vdocs #vnames, )*
            /// A value not known when this client was generated.
            #other_ident(String),
        }
    };
    let impls = quote! {
        #cfg
        crate::runtime::string_enum!(#name #renamed { #(#vnames = #wires),* });
    };
    quote! { #item #impls }
}

fn int_enum(
    name: &proc_macro2::Ident,
    docs: &TokenStream,
    cfg: &TokenStream,
    variants: &[Variant<i64>],
    other: &str,
) -> TokenStream {
    let vdocs = variant_docs(variants, |w| w.to_string());
    let vnames: Vec<_> = variants.iter().map(|v| ident(&v.name)).collect();
    let wires: Vec<proc_macro2::Literal> = variants
        .iter()
        .map(|v| proc_macro2::Literal::i64_unsuffixed(v.wire))
        .collect();
    let kept = format!(
        " Sent as an integer. Values this client does not know are kept in [`Self::{other}`]."
    );
    let (other_ident, renamed) = catch_all_tokens(other);
    let item = quote! {
        #docs
        ///
        #[doc = #kept]
        #cfg
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #( #vdocs #vnames, )*
            /// A value not known when this client was generated.
            #other_ident(i64),
        }
    };
    let impls = quote! {
        #cfg
        crate::runtime::int_enum!(#name #renamed { #(#vnames = #wires),* });
    };
    quote! { #item #impls }
}

/// The catch-all variant's identifier, and what the enum macros are told of it: nothing for
/// `Other` (their default), `else Unknown` otherwise.
fn catch_all_tokens(other: &str) -> (proc_macro2::Ident, TokenStream) {
    let id = ident(other);
    let renamed = if other == "Other" {
        TokenStream::new()
    } else {
        quote! { else #id }
    };
    (id, renamed)
}
