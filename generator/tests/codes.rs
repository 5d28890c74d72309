//! `oapi_client_gen_core::diag::CODES`, what the settings `allow` and `deny` accept, against the sources:
//! every code a `Diagnostic::warning("…")` or `Diagnostic::error("…")` writes, and every
//! `&'static str` code returned by `code()` helpers and held in constants, is listed; and
//! every listed code is written somewhere. (The case tests check the codes the cases produce.)

use std::collections::BTreeSet;
use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let mut text = std::fs::read_to_string(&path).unwrap();
            // The list itself is not a use of its codes.
            if let Some(start) = text.find("pub const CODES") {
                let end = start + text[start..].find("];").unwrap();
                text.replace_range(start..end, "");
            }
            out.push(text);
        }
    }
}

/// The kebab-case string literals of `text`: `"date-type"`, not `"a b"` nor `"x"`.
fn kebab_literals(text: &str) -> BTreeSet<String> {
    text.split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| {
            s.contains('-')
                && s.starts_with(|c: char| c.is_ascii_lowercase())
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_code_the_sources_report_is_listed_and_every_listed_code_is_reported() {
    let mut texts = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut texts,
    );
    let listed: BTreeSet<&str> = oapi_client_gen_core::diag::CODES.iter().copied().collect();
    let mut sorted: Vec<&str> = oapi_client_gen_core::diag::CODES.to_vec();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        oapi_client_gen_core::diag::CODES,
        "CODES is kept sorted"
    );
    let mut reported = BTreeSet::new();
    for text in &texts {
        for ctor in ["Diagnostic::warning(", "Diagnostic::error("] {
            for (i, _) in text.match_indices(ctor) {
                let rest = text[i + ctor.len()..].trim_start();
                if let Some(lit) = rest.strip_prefix('"') {
                    let code = &lit[..lit.find('"').unwrap()];
                    reported.insert(code.to_owned());
                }
            }
        }
    }
    let unlisted: Vec<&String> = reported
        .iter()
        .filter(|c| !listed.contains(c.as_str()))
        .collect();
    assert!(
        unlisted.is_empty(),
        "reported but not in CODES: {unlisted:?}"
    );
    // Codes passed through a variable (`kind.code()`, `const INVALID`) appear as literals.
    let all_literals: BTreeSet<String> = texts.iter().flat_map(|t| kebab_literals(t)).collect();
    let never: Vec<&&str> = oapi_client_gen_core::diag::CODES
        .iter()
        .filter(|c| !all_literals.contains(**c))
        .collect();
    assert!(never.is_empty(), "in CODES but written nowhere: {never:?}");
}
