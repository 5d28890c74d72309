//! GitLab's hand-written spec through the whole pipeline: snapshots of the IR, the emitted code
//! and the diagnostics (each apart, so a diff shows which stage changed), and the two layouts of
//! the spec (multi-file and flattened) giving byte-identical output.

use oapi_client_gen_core::{Config, Generated, Input};
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn generate(spec: &str) -> Generated {
    let text = std::fs::read_to_string(root().join("specs/gitlab/codegen.toml")).unwrap();
    let config = Config::parse("codegen.toml", &text).unwrap();
    // Both layouts are generated as the configured spec would be, but from `spec`.
    let input = Input {
        spec: format!("specs/gitlab/{spec}"),
        ..config.input("specs/gitlab")
    };
    let files = config.files(&root(), "specs/gitlab");
    oapi_client_gen_core::generate(&input, &files)
        .unwrap_or_else(|d| panic!("generation failed:\n{d}"))
}

#[test]
fn ir() {
    let g = generate("openapi.yaml");
    assert_eq!(g.api.operations.len(), 13);
    insta::assert_yaml_snapshot!(g.api);
}

#[test]
fn emitted_code() {
    let g = generate("openapi.yaml");
    for f in &g.files {
        if f.path == "src/runtime.rs" {
            // Copied from `generator/runtime/runtime.rs`, with the sections the settings ask
            // for (GitLab's `id_or_path`).
            let runtime = f.contents.split_once("\n\n").unwrap().1;
            assert_eq!(
                runtime,
                oapi_client_gen_core::emit::runtime_source(
                    &g.api.conventions,
                    &oapi_client_gen_core::emit::Layout::Crate
                )
            );
            assert!(runtime.contains("pub enum IdOrPath"));
            continue;
        }
        let name = f.path.trim_start_matches("src/").trim_end_matches(".rs");
        insta::assert_snapshot!(format!("code-{name}"), f.contents);
    }
}

#[test]
fn diagnostics() {
    let g = generate("openapi.yaml");
    assert!(!g.diagnostics.has_errors());
    insta::assert_snapshot!(g.diagnostics.to_string());
}

#[test]
fn both_layouts_generate_identical_code() {
    let multi = generate("openapi.yaml");
    let flat = generate("openapi-flat.yaml");
    assert_eq!(multi.files.len(), flat.files.len());
    for (a, b) in multi.files.iter().zip(&flat.files) {
        assert_eq!(a.path, b.path);
        assert!(
            a.contents == b.contents,
            "{} differs between the layouts",
            a.path
        );
    }
    assert!(
        multi.effective_spec == flat.effective_spec,
        "the effective specs differ"
    );
    // The flattened layout's extra root keys are reported, not silently dropped.
    assert!(
        flat.diagnostics
            .iter()
            .any(|d| d.code == "non-standard-root-key" && d.origin.pointer == "/metadata")
    );
}

#[test]
fn generation_is_deterministic() {
    let a = generate("openapi.yaml");
    let b = generate("openapi.yaml");
    assert_eq!(a.files, b.files);
    assert_eq!(a.effective_spec, b.effective_spec);
}

/// The layout for `build.rs`: one file defining `pub mod gitlab`, valid Rust, every module of
/// the crate layout inline with the same items, paths relative (no `crate::` left, which would
/// name the application's crate), and no cargo feature (an application has none of them).
#[test]
fn the_module_layout_is_the_crate_in_one_file() {
    let text = std::fs::read_to_string(root().join("specs/gitlab/codegen.toml")).unwrap();
    let config = Config::parse("codegen.toml", &text).unwrap();
    let input = Input {
        layout: oapi_client_gen_core::emit::Layout::Module {
            name: "gitlab".to_owned(),
        },
        package: None,
        ..config.input("specs/gitlab")
    };
    let files = config.files(&root(), "specs/gitlab");
    let g = oapi_client_gen_core::generate(&input, &files).unwrap_or_else(|d| panic!("{d}"));
    let [file] = g.files.as_slice() else {
        panic!(
            "one file: {:?}",
            g.files.iter().map(|f| &f.path).collect::<Vec<_>>()
        )
    };
    assert_eq!(file.path, "client.rs");
    let text = &file.contents;
    assert!(
        !text.contains("crate::"),
        "a path names the application's crate"
    );
    assert!(!text.contains("cfg(feature") && !text.contains("cfg(test)"));
    let parsed = syn::parse_file(text).unwrap_or_else(|e| panic!("not Rust: {e}"));
    let [syn::Item::Mod(gitlab)] = parsed.items.as_slice() else {
        panic!("one item, the module")
    };
    assert_eq!(gitlab.ident, "gitlab");
    let inner: Vec<String> = gitlab
        .content
        .as_ref()
        .unwrap()
        .1
        .iter()
        .filter_map(|item| match item {
            syn::Item::Mod(m) => Some(m.ident.to_string()),
            _ => None,
        })
        .collect();
    let crate_layout = generate("openapi.yaml");
    for f in &crate_layout.files {
        if let Some(module) = f
            .path
            .strip_prefix("src/")
            .and_then(|p| p.strip_suffix(".rs"))
        {
            if module != "lib" {
                assert!(
                    inner.iter().any(|m| m == module),
                    "{module} inline: {inner:?}"
                );
            }
        }
        // Every method of the client is there (the runtime's `block_on` and `send_blocking` are
        // a crate's `blocking` feature).
        if f.path == "src/runtime.rs" {
            continue;
        }
        for line in f
            .contents
            .lines()
            .filter(|l| l.trim_start().starts_with("pub fn "))
        {
            assert!(text.contains(line), "{}: {line}", f.path);
        }
    }
    assert!(inner.contains(&"prelude".to_owned()));
}
