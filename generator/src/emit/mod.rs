//! Emission: [`ir::Api`] → Rust source files, a mechanical walk of the IR.
//!
//! In: the IR (every name and shape already decided) and the spec's display name. Out: the files
//! of the client's `src/` as formatted text. Tokens are built with `quote!`, std/serde/runtime
//! items are named by absolute path (`Option`, `crate::runtime::…`) so a spec type
//! named `Option` or `Result` cannot shadow them, and files are formatted with prettyplease and
//! marked `@generated`. Nothing here looks at the spec. Text from the spec goes through
//! [`inert`] on its way into a file: documentation keeps no code block rustdoc would run, and no
//! file holds a control or bidirectional character.

mod inert;
mod ops;
mod types;

use crate::ir::{Api, AuthKind, Conventions, TypeRef, TypeSpace};
use crate::naming;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// The runtime every generated client includes (copied verbatim).
pub const RUNTIME: &str = include_str!("../../runtime/runtime.rs");

/// The runtime as a client with `conventions` and `layout` includes it: each
/// `// @section NAME` … `// @end NAME` block of [`RUNTIME`] is kept only when the client calls
/// for it, so a client has no item its API does not use. The markers go with the block.
/// - `id_or_path`: [`IdOrPath`](crate::ir::TypeRef::IdOrPath), for setting `id_or_path`;
/// - `cursor`: `CursorPaginated`, when some operation pages by a cursor in the body;
/// - `blocking` (`send_blocking`, behind the crate's `blocking` feature), `tracing` (events
///   behind its `tracing` feature) and `tests` (the runtime's unit tests): in a
///   [`Layout::Crate`] only, since an application that includes a [`Layout::Module`] has
///   neither those features nor the tests' dev-dependencies; `no_tracing` (the events as
///   nothing) in a [`Layout::Module`] only.
pub fn runtime_source(conventions: &Conventions, layout: &Layout) -> String {
    let enabled = |section: &str| match section {
        "id_or_path" => !conventions.id_or_path.is_empty(),
        "cursor" => conventions.cursor_pages,
        "pages" => conventions.header_pages,
        "lists" => conventions.header_pages || conventions.cursor_pages,
        "blocking" | "tests" | "tracing" => *layout == Layout::Crate,
        "no_tracing" => *layout != Layout::Crate,
        _ => true,
    };
    let mut out = String::with_capacity(RUNTIME.len());
    // The sections the line is in, innermost last, each with whether it is kept: a line is
    // kept when every section around it is (`pages` inside `tests`).
    let mut open: Vec<(&str, bool)> = Vec::new();
    for line in RUNTIME.split_inclusive('\n') {
        let line_start = line.trim_start();
        if let Some(rest) = line_start.strip_prefix("// @section ") {
            let name = rest.split(':').next().unwrap_or_default().trim();
            open.push((name, enabled(name)));
            continue;
        }
        if let Some(rest) = line_start.strip_prefix("// @end ") {
            debug_assert_eq!(open.last().map(|s| s.0), Some(rest.trim()), "sections nest");
            open.pop();
            continue;
        }
        if open.iter().all(|(_, kept)| *kept) {
            out.push_str(line);
        }
    }
    out
}

/// One output file, path relative to the client crate's root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub contents: String,
}

/// The `[package]` of a generated client crate.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    pub name: String,
    #[serde(default = "default_version")]
    pub version: String,
    pub description: Option<String>,
    pub license: Option<String>,
    /// A Markdown file (relative to the spec's folder) appended to the crate's documentation:
    /// a usage example, which `cargo test` then compiles as a doctest.
    pub crate_doc: Option<String>,
    /// The crate's `[dev-dependencies]`, as `Cargo.toml` writes them, for examples and tests
    /// kept beside the generated files (`tokio = { version = "1", features = ["macros"] }`).
    #[serde(default, rename = "dev-dependencies")]
    pub dev_dependencies: Option<toml::Table>,
}

fn default_version() -> String {
    "0.1.0".to_owned()
}

/// Where a generated client lives.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Layout {
    /// A crate of its own (`cargo xtask codegen`, the command line): `src/lib.rs`, a file per
    /// module, one cargo feature per module, and `Cargo.toml` when a [`Package`] is given.
    #[default]
    Crate,
    /// One file, `client.rs`, that a `build.rs` writes into `OUT_DIR` and the application
    /// `include!`s: it defines `pub mod <name>`, with every module inline, no cargo features
    /// (each module is always there), paths relative to the module (`super::runtime`), and the
    /// lints an application may deny about code it did not write allowed.
    Module {
        /// The module's name (a Rust identifier).
        name: String,
    },
}

/// What [`emit`] needs besides the IR.
#[derive(Clone, Default)]
pub struct Options<'a> {
    /// The spec, as the `@generated` header names it.
    pub source: &'a str,
    /// How to regenerate the output, for the `@generated` header: "run `cargo xtask codegen`"
    /// completes "Do not edit: change the spec or its overlay and …"; empty says "regenerate it".
    pub regenerate: &'a str,
    /// The crate's `[package]`; when given (and the layout is a crate), `Cargo.toml` and
    /// `NAMES.md` are emitted too.
    pub package: Option<&'a Package>,
    /// Documentation added to the crate's (a usage example).
    pub crate_doc: Option<&'a str>,
    pub layout: Layout,
    /// Threads that build and format the files (0: as many as the machine has cores).
    pub threads: usize,
    /// Told `(done, total)` as each unit of work (a file or two) is finished, from the thread
    /// that finished it.
    pub progress: Option<&'a (dyn Fn(usize, usize) + Sync)>,
}

/// One unit of emission work: a file or two built from the IR and formatted.
#[derive(Clone, Copy)]
enum Job {
    /// `src/lib.rs` and `src/auth.rs`.
    Lib,
    Types,
    Module(usize),
}

/// Emits the client's files: for a [`Layout::Crate`], `src/*.rs` (and `Cargo.toml` and
/// `NAMES.md` when a package is given); for a [`Layout::Module`], `client.rs`.
///
/// The files are independent, so they are built on `options.threads` threads: each worker takes
/// the next job (types first, the largest) and builds its tokens and formats them itself
/// (`proc_macro2` tokens cannot cross threads); the files come out in the same order and with
/// the same bytes whatever the number of threads.
pub fn emit(api: &Api, options: &Options<'_>) -> Result<Vec<File>, String> {
    let source = inert::one_line(options.source);
    let regenerate = match inert::one_line(options.regenerate) {
        r if r.trim().is_empty() => "regenerate it".to_owned(),
        r => r,
    };
    let header = format!(
        "// @generated by the OpenAPI-to-Rust generator from `{source}`.\n// Do not edit: change the spec or its overlay and {regenerate}.\n\n"
    );
    let features = options.layout == Layout::Crate;
    let mut jobs = vec![Job::Types, Job::Lib];
    jobs.extend((0..api.modules.len()).map(Job::Module));
    let run = |job: Job| -> Result<Vec<File>, String> {
        Ok(match job {
            Job::Lib => {
                let (lib, auth) = lib(api, options.crate_doc, &options.layout);
                vec![
                    File {
                        path: "src/lib.rs".into(),
                        contents: format_file(&header, lib)?,
                    },
                    File {
                        path: "src/auth.rs".into(),
                        contents: format_file(&header, auth)?,
                    },
                ]
            }
            Job::Types => vec![File {
                path: "src/types.rs".into(),
                contents: format_file(&header, short_paths(types::types(api, features), true))?,
            }],
            Job::Module(i) => vec![File {
                path: format!("src/{}.rs", naming::bare(&api.modules[i].name)),
                contents: format_file(&header, short_paths(ops::module(api, i), false))?,
            }],
        })
    };
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    }
    .min(jobs.len())
    .max(1);
    let finished = std::sync::atomic::AtomicUsize::new(0);
    let run = |job: Job| {
        let files = run(job);
        if let Some(progress) = options.progress {
            let n = finished.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(n, jobs.len());
        }
        files
    };
    let mut done: Vec<Option<Result<Vec<File>, String>>> = vec![None; jobs.len()];
    if threads == 1 {
        for (slot, job) in done.iter_mut().zip(&jobs) {
            *slot = Some(run(*job));
        }
    } else {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let results = std::sync::Mutex::new(&mut done);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(job) = jobs.get(i) else { break };
                        let result = run(*job);
                        results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
                    }
                });
            }
        });
    }
    // In the order of the serial path: lib.rs, auth.rs, types.rs, runtime.rs, the modules.
    let mut by_job: Vec<Vec<File>> = Vec::with_capacity(jobs.len());
    for result in done {
        by_job.push(result.unwrap_or_else(|| Err("an emission job did not run".to_owned()))?);
    }
    let mut by_job = by_job.into_iter();
    let types = by_job.next().unwrap_or_default();
    let mut files = by_job.next().unwrap_or_default();
    files.extend(types);
    files.push(File {
        path: "src/runtime.rs".into(),
        contents: format!(
            "// @generated: copied from the generator's `runtime/runtime.rs`. Do not edit.\n\n{}",
            runtime_source(&api.conventions, &options.layout)
        ),
    });
    files.extend(by_job.flatten());
    if let Layout::Module { name } = &options.layout {
        return Ok(vec![File {
            path: "client.rs".into(),
            contents: module_file(api, name, &header, files),
        }]);
    }
    if let Some(package) = options.package {
        files.insert(
            0,
            File {
                path: "Cargo.toml".into(),
                contents: cargo_toml(api, &source, &regenerate, package),
            },
        );
        files.insert(
            1,
            File {
                path: "NAMES.md".into(),
                contents: names_md(api, &source),
            },
        );
    }
    Ok(files)
}

/// The types of `api` as one module's source, every type compiled (no cargo features), naming
/// the runtime `crate::runtime` and each other by name: for tools that compile a client's types
/// without its operations (`cargo xtask corpus-examples` decodes each spec example with them).
pub fn types_module(api: &Api) -> Result<String, String> {
    format_file("", short_paths(types::types(api, false), true))
}

/// The Rust spelling of `t` where the types are under `types` (`crate::types`, or
/// `crate::petstore` for a [`types_module`] compiled as module `petstore`) and the runtime is
/// `crate::runtime`: `Vec<crate::types::Pet>`, `i64`, `::chrono::DateTime<::chrono::Utc>`.
pub fn type_path(t: &TypeRef, api: &Api, types: &str) -> String {
    match t {
        TypeRef::Vec(inner) => format!("Vec<{}>", type_path(inner, api, types)),
        TypeRef::Map(inner) => format!(
            "::std::collections::BTreeMap<String, {}>",
            type_path(inner, api, types)
        ),
        TypeRef::Nullable(inner) => format!("Option<{}>", type_path(inner, api, types)),
        TypeRef::Named(id) => format!("{types}::{}", api.types.get(*id).name),
        other => type_tokens(other, &api.types).to_string().replace(' ', ""),
    }
}

/// The lints an application may deny, and what it cannot fix in code it did not write, allowed
/// in a [`Layout::Module`]: it is compiled as part of the application, under its lints.
const MODULE_ALLOWS: &str = "#![allow(dead_code, unused_imports, unreachable_pub, missing_docs, \
     missing_debug_implementations, clippy::all, clippy::pedantic, clippy::nursery)]\n";

/// A [`Layout::Module`]'s one file from a crate's files: `pub mod <name> { … }` holding what
/// `lib.rs` holds (its crate documentation as the module's) and each other file as an inline
/// module, in the crate's order. Paths are made relative: in lib.rs's items `crate::` is the
/// module itself (`self::`), one level down it is `super::`, and so is the runtime macros'
/// `$crate::` (they expand in those modules). The files are joined as text, not re-formatted,
/// so that the runtime keeps its comments; no file nests modules that name `crate::` (the
/// runtime's tests are left out of this layout).
fn module_file(api: &Api, name: &str, header: &str, files: Vec<File>) -> String {
    let body = |file: &File| -> String {
        // The file's own `@generated` header: the module file has one.
        let text = match file.contents.split_once("\n\n") {
            Some((head, rest)) if head.starts_with("// @generated") => rest,
            _ => file.contents.as_str(),
        };
        text.to_owned()
    };
    let mut out = String::with_capacity(files.iter().map(|f| f.contents.len() + 64).sum());
    out.push_str(header);
    out.push_str(&format!("pub mod {name} {{\n"));
    let mut lib = String::new();
    let mut modules = String::new();
    for file in &files {
        let stem = file
            .path
            .strip_prefix("src/")
            .and_then(|p| p.strip_suffix(".rs"))
            .unwrap_or(&file.path);
        if stem == "lib" {
            lib = body(file).replace("crate::", "self::");
            continue;
        }
        let module = api.modules.iter().find(|m| naming::bare(&m.name) == stem);
        let module_doc: String = module
            .and_then(|m| m.doc.as_deref().or(Some(&m.tag)))
            .map(|d| doc_lines(d).iter().map(|l| format!("///{l}\n")).collect())
            .unwrap_or_default();
        // The module's name as lib.rs spells it (`r#type` for a keyword).
        let name = module.map_or(stem, |m| m.name.as_str());
        let visibility = if stem == "auth" { "" } else { "pub " };
        let text = body(file)
            .replace("$crate::", "super::")
            .replace("crate::", "super::");
        modules.push_str(&format!(
            "{module_doc}{visibility}mod {name} {{\n{text}}}\n"
        ));
    }
    // lib.rs: its inner documentation first (inner attributes lead a module), then the allows,
    // then its items and the modules.
    let split = lib
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| l.len() + 1)
        .sum::<usize>()
        .min(lib.len());
    let (lib_doc, lib_items) = lib.split_at(split);
    out.push_str(lib_doc);
    out.push_str(MODULE_ALLOWS);
    out.push_str(&modules);
    out.push_str(lib_items);
    out.push_str("}\n");
    out
}

/// `NAMES.md`: every operation as the spec writes it (HTTP method and path) beside the method
/// that sends it, by module, so that a user who knows the endpoint finds the method by
/// searching for `POST /api/v4/projects/{id}/issues`.
fn names_md(api: &Api, source: &str) -> String {
    let cell = |text: &str| inert::markdown_cell(text);
    let mut t = format!(
        "<!-- @generated by the OpenAPI-to-Rust generator from `{}`. Do not edit. -->\n\n\
         # Operations\n\nEvery operation of the spec, by module (cargo feature): the HTTP method \
         and path as the spec writes them, and the method of `Client` that sends it.\n",
        cell(source)
    );
    for (i, module) in api.modules.iter().enumerate() {
        let ops: Vec<_> = api.operations.iter().filter(|o| o.module == i).collect();
        if ops.is_empty() {
            continue;
        }
        t.push_str(&format!(
            "\n## `{}`\n\n| HTTP | method |\n|---|---|\n",
            module.name
        ));
        for op in ops {
            t.push_str(&format!(
                "| `{} {}` | [`{}`](src/{}.rs) |\n",
                op.method,
                cell(&op.path),
                naming::bare(&op.name),
                module.name
            ));
        }
    }
    t
}

/// The client's `Cargo.toml`: its dependencies (what the runtime and the emitted code use) and
/// one feature per API module, all on by default (`full`), so an application compiles only the
/// parts it uses: `default-features = false, features = ["projects"]`. Strings are one line
/// ([`inert::one_line`]) written by the `toml` crate; comments are one line. `source` is one
/// line already.
fn cargo_toml(api: &Api, source: &str, regenerate: &str, package: &Package) -> String {
    let quote_toml = |s: &str| toml::Value::String(inert::one_line(s)).to_string();
    let mut t = format!(
        "# @generated by the OpenAPI-to-Rust generator from `{source}`.\n# Do not edit: change the spec or its settings and {regenerate}.\n\n"
    );
    t.push_str("[package]\n");
    t.push_str(&format!(
        "name = {}\nversion = {}\n",
        quote_toml(&package.name),
        quote_toml(&package.version)
    ));
    let description = package.description.clone().unwrap_or_else(|| {
        format!(
            "Typed async client for {}, generated from its OpenAPI description",
            api.title.trim()
        )
    });
    t.push_str(&format!("description = {}\n", quote_toml(&description)));
    if let Some(license) = &package.license {
        t.push_str(&format!("license = {}\n", quote_toml(license)));
    }
    t.push_str("edition = \"2024\"\nrust-version = \"1.85\"\n\n");
    t.push_str(DEPENDENCIES);
    t.push_str(
        "# Events of each request, redirect and retry (the `tracing` feature).\ntracing = { version = \"0.1\", default-features = false, features = [\"std\"], optional = true }\n",
    );
    t.push_str("\n[features]\ndefault = [\"full\"]\n# Every API module.\nfull = [");
    let names: Vec<String> = api
        .modules
        .iter()
        .map(|m| quote_toml(naming::bare(&m.name)))
        .collect();
    t.push_str(&names.join(", "));
    t.push_str("]\n# `send_blocking()` on every request, for callers that are not async.\nblocking = [\"tokio/rt-multi-thread\"]\n# A `tracing` event for each request's answer or failure, redirect and retry.\ntracing = [\"dep:tracing\"]\n");
    for m in &api.modules {
        let doc = m.doc.as_deref().unwrap_or(&m.tag).replace('\r', "\n");
        t.push_str(&format!(
            "# {}\n{} = []\n",
            inert::one_line(doc.lines().next().unwrap_or_default()),
            naming::bare(&m.name)
        ));
    }
    if let Some(dev) = package.dev_dependencies.as_ref().filter(|d| !d.is_empty()) {
        let mut table = toml::Table::new();
        table.insert(
            "dev-dependencies".to_owned(),
            toml::Value::Table(dev.clone()),
        );
        t.push('\n');
        t.push_str(&toml::to_string(&table).unwrap_or_default());
    }
    // docs.rs documents every module, each item with the feature it needs.
    t.push_str(
        "\n[package.metadata.docs.rs]\nall-features = true\nrustdoc-args = [\"--cfg\", \"docsrs\"]\n",
    );
    t
}

/// What the runtime and the emitted code need: the `[dependencies]` of a client crate, and what
/// an application that includes a [`Layout::Module`] lists.
pub const DEPENDENCIES: &str = r#"[dependencies]
bytes = "1"
chrono = { version = "0.4", default-features = false, features = ["serde", "std", "clock"] }
fastrand = "2"
futures-util = { version = "0.3", default-features = false, features = ["alloc"] }
httpdate = "1"
percent-encoding = "2"
reqwest = { version = "0.13", default-features = false, features = ["rustls", "json", "http2", "multipart"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
serde_path_to_error = "0.1"
thiserror = "2"
tokio = { version = "1", features = ["time"] }
url = "2"
uuid = { version = "1", features = ["serde"] }
"#;

/// The crate's own modules by their short names in `types.rs` and the operation modules:
/// `crate::runtime::Call` becomes `runtime::Call` under a `use crate::runtime;` (and
/// `crate::types::Foo` becomes `types::Foo`, or `Foo` in `types.rs` itself). Done on the
/// tokens, macro arguments included, after they are built, so the emitters keep writing
/// absolute paths. Nothing generated can shadow the two names: a file's own items are types
/// (`UpperCamelCase`), and a parameter named `runtime` is a value, which a path's first
/// segment never resolves to.
fn short_paths(tokens: TokenStream, in_types: bool) -> TokenStream {
    use proc_macro2::{Group, TokenTree};
    fn walk(tokens: TokenStream, in_types: bool, used: &mut [bool; 2]) -> TokenStream {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        let mut out = Vec::with_capacity(trees.len());
        let mut i = 0;
        while i < trees.len() {
            // `crate` `::` `runtime|types` `::` (`::` is two joint puncts).
            let module = match (&trees[i], trees.get(i + 3)) {
                (TokenTree::Ident(c), Some(TokenTree::Ident(m)))
                    if c == "crate"
                        && is_colon2(&trees[i + 1..])
                        && is_colon2(&trees[i + 4..])
                        && (m == "runtime" || m == "types") =>
                {
                    Some(m.clone())
                }
                _ => None,
            };
            if let Some(m) = module {
                if m == "types" && in_types {
                    used[1] = true;
                    i += 6;
                } else {
                    used[usize::from(m == "types")] = true;
                    out.push(TokenTree::Ident(m));
                    i += 4;
                }
                continue;
            }
            match &trees[i] {
                TokenTree::Group(g) => {
                    let mut inner = Group::new(g.delimiter(), walk(g.stream(), in_types, used));
                    inner.set_span(g.span());
                    out.push(TokenTree::Group(inner));
                }
                other => out.push(other.clone()),
            }
            i += 1;
        }
        out.into_iter().collect()
    }
    fn is_colon2(trees: &[proc_macro2::TokenTree]) -> bool {
        matches!(trees, [TokenTree::Punct(a), TokenTree::Punct(b), ..]
            if a.as_char() == ':' && a.spacing() == proc_macro2::Spacing::Joint && b.as_char() == ':')
    }
    let mut used = [false; 2];
    let body = walk(tokens, in_types, &mut used);
    // `types.rs` holds each type under the features that use it: with none of them on, the
    // file may use nothing of the runtime.
    let allow = in_types.then(|| quote! { #[allow(unused_imports)] });
    let uses = [
        used[0].then(|| quote! { #allow use crate::runtime; }),
        (used[1] && !in_types).then(|| quote! { use crate::types; }),
    ];
    // After the file's inner doc (`#![doc = …]`), before its items.
    let trees: Vec<TokenTree> = body.into_iter().collect();
    let mut split = 0;
    while let [
        TokenTree::Punct(p),
        TokenTree::Punct(bang),
        TokenTree::Group(_),
        ..,
    ] = &trees[split..]
    {
        if p.as_char() != '#' || bang.as_char() != '!' {
            break;
        }
        split += 3;
    }
    let (inner, items) = trees.split_at(split);
    let (inner, items): (TokenStream, TokenStream) = (
        inner.iter().cloned().collect(),
        items.iter().cloned().collect(),
    );
    quote! { #inner #(#uses)* #items }
}

fn format_file(header: &str, tokens: TokenStream) -> Result<String, String> {
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("emitted tokens do not parse as Rust: {e}"))?;
    Ok(format!("{header}{}", prettyplease::unparse(&file)))
}

/// `src/lib.rs` and `src/auth.rs`.
/// In a [`Layout::Crate`], each module a file behind its cargo feature; in a
/// [`Layout::Module`], no module declarations ([`module_file`] puts the modules inline).
fn lib(api: &Api, extra_doc: Option<&str>, layout: &Layout) -> (TokenStream, TokenStream) {
    let mut crate_doc = vec![
        api.title.clone(),
        String::new(),
        format!("API version `{}`.", api.version),
    ];
    if let Some(d) = &api.description {
        crate_doc.push(String::new());
        crate_doc.push(d.clone());
    }
    // The spec's text made inert; the crate's own documentation (`crate_doc`, the example
    // `cargo test` runs) added as it is.
    let mut crate_doc = inert::doc_text(crate_doc.join("\n").trim());
    if let Some(extra) = extra_doc {
        crate_doc.push_str("\n\n");
        crate_doc.push_str(&extra.replace("\r\n", "\n"));
    }
    if *layout == Layout::Crate {
        crate_doc.push_str("\n\n");
        crate_doc.push_str(&features_doc(api));
    }
    let lines = lines(&crate_doc);
    // docs.rs builds with `--cfg docsrs` on nightly (the crate's `[package.metadata.docs.rs]`):
    // each item then shows the cargo feature it needs.
    let doc_cfg =
        (*layout == Layout::Crate).then(|| quote! { #![cfg_attr(docsrs, feature(doc_cfg))] });
    let crate_doc = quote! { #(#![doc = #lines])* #doc_cfg };
    let mods = api.modules.iter().map(|m| {
        let name = ident(&m.name);
        let doc = doc(m.doc.as_deref().or(Some(&m.tag)));
        let feature = naming::bare(&m.name);
        quote! { #doc #[cfg(feature = #feature)] #[rustfmt::skip] pub mod #name; }
    });
    let crate_mods = quote! {
        #[rustfmt::skip]
        pub mod runtime;
        #[rustfmt::skip]
        pub mod types;
        #[rustfmt::skip]
        mod auth;
        #(#mods)*
    };
    let mods = (*layout == Layout::Crate).then_some(crate_mods);
    let base = api.default_base_url.as_ref().map(|u| {
        let doc = doc(Some("The server URL the spec names first."));
        quote! { #doc pub const DEFAULT_BASE_URL: &str = #u; }
    });
    let auth = api.auth.iter().filter_map(|a| {
        let method = ident(&a.method);
        let mut text = a.doc.clone().unwrap_or_default();
        let body = match &a.kind {
            AuthKind::HeaderKey { header } => {
                add_line(&mut text, &format!("Sends `token` in the `{header}` header (security scheme `{}`).", a.key));
                quote! { self.with_header_credential(#header, token) }
            }
            AuthKind::QueryKey { param } => {
                add_line(&mut text, &format!("Sends `token` as the `{param}` query parameter (security scheme `{}`).", a.key));
                quote! { self.with_query_credential(#param, token) }
            }
            AuthKind::Basic => {
                add_line(&mut text, &format!("HTTP basic authentication (security scheme `{}`); `token` is the base64 of `user:password`.", a.key));
                quote! { self.with_header_credential("Authorization", ::std::format!("Basic {}", token.into())) }
            }
            AuthKind::Bearer => return None,
        };
        let doc = doc(Some(&text));
        Some(quote! {
            #doc
            pub fn #method(self, token: impl Into<String>) -> Self {
                #body
            }
        })
    });
    let auth: Vec<TokenStream> = auth.collect();
    let auth_impl = quote! {
        //! How the client authenticates: one method per security scheme of the spec.
        impl crate::Client { #(#auth)* }
    };
    let id_or_path = if api.conventions.id_or_path.is_empty() {
        TokenStream::new()
    } else {
        quote! { pub use runtime::IdOrPath; }
    };
    let (cursor_use, cursor_prelude) = if api.conventions.cursor_pages {
        (
            quote! { pub use runtime::CursorPaginated; },
            quote! { pub use super::runtime::CursorPaginated as _; },
        )
    } else {
        (TokenStream::new(), TokenStream::new())
    };
    // `Page` and `Paginated` only where some operation pages by headers (the runtime's section
    // `pages`).
    let pages = api.conventions.header_pages;
    let (page, paginated) = if pages {
        (quote! { Page, }, quote! { Paginated, })
    } else {
        (TokenStream::new(), TokenStream::new())
    };
    // A one-name list is written without braces, as rustfmt writes it.
    let operation_prelude = if pages {
        quote! { pub use super::runtime::{Operation as _, Paginated as _}; }
    } else {
        quote! { pub use super::runtime::Operation as _; }
    };
    let list_methods = if pages {
        Some(" `.send_page()`, `.stream()`, `.all()` and `.first(n)` (`.await` needs no import).")
    } else if api.conventions.cursor_pages {
        Some(" `.stream()`, `.all()` and `.first(n)` (`.await` needs no import).")
    } else {
        None
    };
    let prelude_doc: Vec<&str> = match list_methods {
        Some(methods) => vec![
            " The traits that send a request by name: `use <this crate>::prelude::*;` for",
            " `.send()`, `.send_with_response()`, `.send_raw()`, `.send_blocking()`, and for lists",
            methods,
        ],
        None => vec![
            " The trait that sends a request by name: `use <this crate>::prelude::*;` for",
            " `.send()`, `.send_with_response()`, `.send_raw()` and `.send_blocking()` (`.await`",
            " needs no import).",
        ],
    };
    // lib.rs holds only short items, so `cargo fmt` and prettyplease agree on it; everything
    // else sits in modules that `cargo fmt` skips.
    let lib = quote! {
        #crate_doc
        #mods
        // Short items in the order rustfmt sorts them (a plain path before lists, lists by
        // their first name): prettyplease wraps a line past 89 columns and rustfmt past 100,
        // so only lines short for both come out the same from each.
        #cursor_use
        #id_or_path
        pub use runtime::{ApiError, Client, Error, ErrorBody, ErrorMessage};
        pub use runtime::{CrossOrigin, RedirectPolicy};
        pub use runtime::{File, #page RetryPolicy};
        pub use runtime::{Operation, #paginated RawResponse, Response};
        #(#[doc = #prelude_doc])*
        pub mod prelude {
            #cursor_prelude
            #operation_prelude
        }
        #base
    };
    (lib, auth_impl)
}

/// The crate documentation's "Cargo features" section: what each feature turns on, so that a
/// user who meets "no method named …" with a module's feature off finds the feature to name.
fn features_doc(api: &Api) -> String {
    let mut t = String::from(
        "# Cargo features\n\n\
         Each API module is a cargo feature, all on by default (`full`). To compile only the\n\
         modules you use, turn the defaults off and name them: `default-features = false,\n\
         features = [\"…\"]`. A method or type of a module whose feature is off does not exist\n\
         (rustc says \"no method named …\"): the table says which feature brings it, and so do\n\
         the items' pages on docs.rs.\n\n\
         - `full`: every module below.\n\
         - `blocking`: `send_blocking()` on every request, for callers that are not async.\n\
         - `tracing`: a `tracing` event for each request's answer or failure (`debug`),\n  \
         redirect (`debug`) and retry (`info`), with its method, URL (without query) and\n  \
         status; off, they are not compiled.\n\n\
         | feature | operations | what |\n|---|---|---|\n",
    );
    for (i, m) in api.modules.iter().enumerate() {
        let count = api.operations.iter().filter(|o| o.module == i).count();
        let what = m.doc.as_deref().unwrap_or(&m.tag).replace('\r', "\n");
        let what = what.lines().next().unwrap_or_default().trim();
        let bare = naming::bare(&m.name);
        // A link to the module (with its raw name when it is a keyword).
        let link = if bare == m.name {
            format!("[`{bare}`]")
        } else {
            format!("[`{bare}`]({})", m.name)
        };
        t.push_str(&format!(
            "| {link} | {count} | {} |\n",
            inert::markdown_cell(what)
        ));
    }
    t
}

fn add_line(text: &mut String, line: &str) {
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(line);
}

/// An identifier; `r#type` becomes a raw identifier.
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[doc = " …"]` lines for a description (none when empty).
pub(crate) fn doc(text: Option<&str>) -> TokenStream {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return TokenStream::new();
    };
    let lines = doc_lines(text);
    quote! { #(#[doc = #lines])* }
}

pub(crate) fn inner_doc(text: &str) -> TokenStream {
    let lines = doc_lines(text.trim());
    quote! { #(#![doc = #lines])* }
}

/// Text with spec text in it made inert for rustdoc ([`inert::doc_text`]: no code block it
/// would run, no control or bidirectional character), as doc lines.
fn doc_lines(text: &str) -> Vec<String> {
    lines(&inert::doc_text(text))
}

/// Each line prefixed with a space, trailing spaces dropped.
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            let l = l.trim_end();
            if l.is_empty() {
                String::new()
            } else {
                format!(" {l}")
            }
        })
        .collect()
}

/// The Rust type of a [`TypeRef`].
pub(crate) fn type_tokens(t: &TypeRef, space: &TypeSpace) -> TokenStream {
    match t {
        TypeRef::String => quote! { String },
        TypeRef::Bool => quote! { bool },
        TypeRef::I64 => quote! { i64 },
        TypeRef::U64 => quote! { u64 },
        TypeRef::Uuid => quote! { ::uuid::Uuid },
        TypeRef::F64 => quote! { f64 },
        TypeRef::Date => quote! { ::chrono::NaiveDate },
        TypeRef::DateTime => quote! { ::chrono::DateTime<::chrono::Utc> },
        TypeRef::Json => quote! { ::serde_json::Value },
        TypeRef::IdOrPath => quote! { crate::runtime::IdOrPath },
        TypeRef::Bytes => quote! { Vec<u8> },
        TypeRef::File => quote! { crate::runtime::File },
        TypeRef::Vec(inner) => {
            let inner = type_tokens(inner, space);
            quote! { Vec<#inner> }
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(inner, space);
            quote! { ::std::collections::BTreeMap<String, #inner> }
        }
        TypeRef::Nullable(inner) => {
            let inner = type_tokens(inner, space);
            quote! { Option<#inner> }
        }
        TypeRef::Named(id) => {
            let name = ident(&space.get(*id).name);
            quote! { crate::types::#name }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_has_id_or_path_only_when_the_settings_declare_it() {
        let none = runtime_source(&Conventions::default(), &Layout::Crate);
        assert!(!none.contains("IdOrPath"), "IdOrPath without the setting");
        assert!(!none.contains("// @section") && !none.contains("// @end"));
        // What stays is the runtime around the section, whole.
        assert!(none.contains("pub trait ParamValue") && none.contains("pub enum Error {"));
        let declared = runtime_source(
            &Conventions {
                id_or_path: vec!["/projects/{id}".to_owned()],
                ..Conventions::default()
            },
            &Layout::Crate,
        );
        assert!(declared.contains("pub enum IdOrPath {"));
        assert!(declared.contains("impl ParamValue for IdOrPath {"));
        assert!(!declared.contains("// @section"));
        // The difference is the section's lines, whole.
        let start = RUNTIME.find("// @section id_or_path").unwrap();
        let start = start + RUNTIME[start..].find('\n').unwrap() + 1;
        let end = start + RUNTIME[start..].find("// @end id_or_path").unwrap();
        assert_eq!(declared.len() - none.len(), end - start);
    }

    #[test]
    fn an_included_module_has_no_feature_gated_or_test_code() {
        let module = Layout::Module {
            name: "api".to_owned(),
        };
        let runtime = runtime_source(&Conventions::default(), &module);
        assert!(
            !runtime.contains("cfg(feature"),
            "an application has no such feature"
        );
        assert!(!runtime.contains("cfg(test)") && !runtime.contains("fn send_blocking"));
        assert!(!runtime.contains("// @section") && !runtime.contains("// @end"));
        let full = runtime_source(&Conventions::default(), &Layout::Crate);
        assert!(full.contains("fn send_blocking") && full.contains("#[cfg(test)]\nmod tests"));
    }

    #[test]
    fn the_runtime_pages_only_as_the_client_pages() {
        let with = |header_pages: bool, cursor_pages: bool, layout: &Layout| {
            let conventions = Conventions {
                header_pages,
                cursor_pages,
                ..Conventions::default()
            };
            runtime_source(&conventions, layout)
        };
        let has = |r: &str, items: &[&str]| items.iter().all(|i| r.contains(i));
        let has_none = |r: &str, items: &[&str]| !items.iter().any(|i| r.contains(i));
        let headers = [
            "pub trait Paginated",
            "pub struct Paged<T>",
            "pub struct Page<T>",
            "pub fn paginate<",
            "fn parse_links(",
            "\"X-Total\"",
        ];
        let cursor = ["pub trait CursorPaginated", "fn paginate_cursor<"];
        let lists = ["pub async fn collect_all<", "pub async fn collect_first<"];

        // A client whose operations do not page has none of it: not GitLab's headers either.
        let none = with(false, false, &Layout::Crate);
        assert!(has_none(&none, &headers) && has_none(&none, &cursor) && has_none(&none, &lists));
        // Nor its tests (the `pages` section inside `tests`), while the other tests stay.
        assert!(!none.contains("fn next_of(") && none.contains("fn backoff_doubles_up_to_the_cap"));
        assert!(!none.contains("// @section") && !none.contains("// @end"));

        let by_headers = with(true, false, &Layout::Crate);
        assert!(has(&by_headers, &headers) && has(&by_headers, &lists));
        assert!(has_none(&by_headers, &cursor));
        assert!(by_headers.contains("fn next_of("));

        let by_cursor = with(false, true, &Layout::Crate);
        assert!(has(&by_cursor, &cursor) && has(&by_cursor, &lists));
        assert!(has_none(&by_cursor, &headers));

        // In an included module there are no tests, paging or not.
        let module = Layout::Module {
            name: "api".to_owned(),
        };
        let included = with(true, true, &module);
        assert!(has(&included, &headers) && has(&included, &cursor));
        assert!(!included.contains("fn next_of(") && !included.contains("cfg(test)"));
    }
}
