//! Fuzz target `pipeline`: arbitrary bytes through the whole generator, in memory.
//!
//! In: any bytes, used as the root spec (`openapi.yaml`, also readable as `other.yaml` and
//! `dir/nested.json` for cross-file `$ref`s); only UTF-8 texts get further. Out: nothing; the
//! target fails if `generate` (load, bundle, normalize, lower, emit, locating diagnostics)
//! panics, hangs or runs out of memory, or if a generated crate is not inert: a raw control or
//! bidirectional character in any file (`Cargo.toml` included), or a doc code fence other than
//! `text` (rustdoc would run it as a doctest). Errors in the diagnostics are the expected
//! outcome for most inputs. `package` is set, so `Cargo.toml` emission runs too.
#![no_main]

use oapi_client_gen_core::{Input, MemoryFiles, emit::Package, generate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let files = MemoryFiles::new()
        .with("openapi.yaml", text)
        .with("other.yaml", text)
        .with("dir/nested.json", text);
    let input = Input {
        spec: "openapi.yaml".to_owned(),
        overlay: None,
        display_name: "fuzz".to_owned(),
        settings: Default::default(),
        package: Some(Package {
            name: "fuzz-client".to_owned(),
            version: "0.1.0".to_owned(),
            description: None,
            license: None,
            crate_doc: None,
        }),
        // One thread: libFuzzer runs the target in its own.
        emit_threads: 1,
        ..Default::default()
    };
    let Ok(generated) = generate(&input, &files) else {
        return;
    };
    for file in &generated.files {
        assert_inert(&file.path, &file.contents);
    }
});

/// What SECURITY.md promises of generated files, whatever the spec says.
fn assert_inert(path: &str, contents: &str) {
    let hostile = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if let Some(c) = contents.chars().find(|&c| hostile(c)) {
        panic!("{path}: raw {c:?}");
    }
    // Each item's doc comment, as rustdoc reads it: consecutive `///` (or `//!`) lines.
    let mut doc = String::new();
    for line in contents.lines().chain([""]) {
        let line = line.trim_start();
        match line.strip_prefix("///").or_else(|| line.strip_prefix("//!")) {
            Some(text) => {
                doc.push_str(text.strip_prefix(' ').unwrap_or(text));
                doc.push('\n');
            }
            None if !doc.is_empty() => {
                assert_no_doctest(path, &doc);
                doc.clear();
            }
            None => {}
        }
    }
}

/// Rustdoc runs every code block but a fenced one with another language: only `text` may be.
fn assert_no_doctest(path: &str, doc: &str) {
    use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION;
    for event in Parser::new_ext(doc, options) {
        if let Event::Start(Tag::CodeBlock(kind)) = event {
            let runs = match kind {
                CodeBlockKind::Indented => true,
                CodeBlockKind::Fenced(info) => info.trim() != "text",
            };
            assert!(!runs, "{path}: a code block rustdoc would run:\n{doc}");
        }
    }
}
