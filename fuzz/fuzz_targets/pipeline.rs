//! Fuzz target `pipeline`: arbitrary bytes through the whole generator, in memory.
//!
//! In: any bytes, used as the root spec (`openapi.yaml`, also readable as `other.yaml` and
//! `dir/nested.json` for cross-file `$ref`s); only UTF-8 texts get further. Out: nothing; the
//! target fails only if `generate` (load, bundle, normalize, lower, emit, locating diagnostics)
//! panics, hangs or runs out of memory. Errors in the diagnostics are the expected outcome for
//! most inputs. `package` is set, so `Cargo.toml` emission runs too.
#![no_main]

use generator::{Input, MemoryFiles, emit::Package, generate};
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
    };
    let _ = generate(&input, &files);
});
