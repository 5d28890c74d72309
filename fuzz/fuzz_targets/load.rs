//! Fuzz target `load`: arbitrary bytes through the loading stage.
//!
//! In: any bytes; only UTF-8 texts get further, since a `FileSource` hands out `String`s.
//! Out: nothing; the target fails only if loading panics, hangs or runs out of memory. The text
//! goes through `load::parse`, the `PositionIndex` that locates diagnostics (libyaml's event
//! parser), and `bundle::bundle`, with the same text also readable as `other.yaml` and
//! `dir/nested.json`, so `$ref`s to other files (and cycles through them) are reachable.
#![no_main]

use oapi_client_gen_core::{MemoryFiles, bundle, load, source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = load::parse("openapi.yaml", text);
    let index = source::PositionIndex::new(text);
    let _ = index.locate("/paths");
    let files = MemoryFiles::new()
        .with("openapi.yaml", text)
        .with("other.yaml", text)
        .with("dir/nested.json", text);
    let _ = bundle::bundle("openapi.yaml", &files);
});
