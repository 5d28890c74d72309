//! Data-driven tests: every minimal case spec under `tests/cases/` goes through [`generate`].
//!
//! In: `bad/` cases, which must fail with located errors, and `ok/` cases, each exercising one
//! tolerated quirk. A case is one file (`bad/<name>.yaml`, `.json`) or a folder whose root is
//! `openapi.yaml`, with its sibling files, an optional `overlay.yaml`, an optional
//! `settings.toml` (the `[settings]` of a `codegen.toml`) and further root documents
//! `merge-*.yaml`, merged in name order (a `codegen.toml`'s `merge`).
//! Out: insta snapshots in `tests/snapshots/`: the rendered diagnostics of a `bad/` case; the IR
//! and, apart from it, the warnings of an `ok/` case, so a diff shows which stage changed.
//! Files are named by their path relative to `tests/cases/`, so snapshots do not depend on the
//! machine. Review changes with `cargo insta review`, or accept them with
//! `INSTA_UPDATE=always cargo test -p oapi-client-gen-core --test cases`.

use oapi_client_gen_core::{Diagnostics, Generated, Input, MemoryFiles, Severity, generate};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One-file cases and the roots of folder cases, relative to `tests/cases/`.
const BAD: &str = "bad/{*.yaml,*.json,*/openapi.yaml}";
const OK: &str = "ok/{*.yaml,*.json,*/openapi.yaml}";

/// The quirk codes of `normalize`, `bundle`, `lower` and `overlay`: each must be produced by at
/// least one `ok/` case (ogen's rule: a tolerance without a test is a tolerance nobody checks).
const QUIRKS: &[&str] = &[
    "date-type",
    "array-without-items",
    "overlapping-one-of",
    "list-declared-as-object",
    "example-undeclared-property",
    "non-standard-root-key",
    "undeclared-path-parameter",
    "overlay-unused-action",
    "non-standard-type",
    "default-type-mismatch",
    "wildcard-path",
    "paginated-object-response",
    "file-in-json-body",
    "enum-name-collision",
    "parameter-name-collision",
    "binary-parameter",
    "json-schema-keyword",
    "incomplete-info",
    "non-string-version",
    "missing-paths",
    "operation-without-responses",
    "response-without-description",
    "external-docs-without-url",
    "unsupported-security-scheme",
    "unknown-type",
    "boolean-required",
    "parameter-ref-as-schema",
    "ref-repaired",
    "no-content-body",
    "undocumented-string",
    "example-type-mismatch",
    "plural-ref-as-list",
    "undeclared-body",
    "path-parameter-type-mismatch",
    "example-schema-mismatch",
    "dangling-ref",
    "invalid-validation-keyword",
    "optional-path-segment",
    "duplicate-enum-value",
    "unused-path-parameter",
    "items-as-union",
    "duplicate-union-branch",
];

#[test]
fn bad_cases_fail_with_located_errors() {
    insta::glob!("cases", BAD, |path| {
        let diags = match check(path) {
            Ok(generated) => panic!(
                "{} must fail, but generated; warnings:\n{}",
                path.display(),
                generated.diagnostics
            ),
            Err(diags) => diags,
        };
        insta::assert_snapshot!("diagnostics", format!("{diags}"));
        assert!(diags.has_errors(), "no error in:\n{diags}");
        for d in diags.iter().filter(|d| d.severity == Severity::Error) {
            assert!(
                d.line_col.is_some(),
                "{}: error without line:col:\n{d}",
                path.display()
            );
        }
    });
}

#[test]
fn ok_cases_generate() {
    insta::glob!("cases", OK, |path| {
        let generated = check(path)
            .unwrap_or_else(|diags| panic!("{} must generate, but:\n{diags}", path.display()));
        insta::assert_yaml_snapshot!("ir", generated.api);
        insta::assert_snapshot!("warnings", format!("{}", generated.diagnostics));
        // Warnings about the settings point into `codegen.toml`, which the generator is not given.
        for d in generated
            .diagnostics
            .iter()
            .filter(|d| d.origin.file != "codegen.toml")
        {
            assert!(d.line_col.is_some(), "warning without line:col: {d}");
        }
    });
}

#[test]
fn every_quirk_has_an_ok_case() {
    let mut seen = BTreeSet::new();
    insta::glob!("cases", OK, |path| {
        // A case that fails is reported by `ok_cases_generate`.
        if let Ok(generated) = check(path) {
            seen.extend(generated.diagnostics.iter().map(|d| d.code));
        }
    });
    let missing: Vec<&str> = QUIRKS
        .iter()
        .copied()
        .filter(|q| !seen.contains(q))
        .collect();
    assert!(
        missing.is_empty(),
        "no ok/ case produces {missing:?}; add a minimal case spec under tests/cases/ok/"
    );
}

/// Loads the case whose root file is `path` and runs the whole pipeline on it; every code it
/// reports must be in `oapi_client_gen_core::diag::CODES` (what `allow` and `deny` accept).
fn check(path: &Path) -> Result<Generated, Diagnostics> {
    let result = run(path);
    let diags = match &result {
        Ok(generated) => &generated.diagnostics,
        Err(diags) => diags,
    };
    for d in diags.iter() {
        assert!(
            oapi_client_gen_core::diag::CODES.contains(&d.code),
            "{}: code `{}` is not in oapi_client_gen_core::diag::CODES",
            path.display(),
            d.code
        );
    }
    result
}

fn run(path: &Path) -> Result<Generated, Diagnostics> {
    let cases = cases_dir();
    let spec = relative(path, &cases);
    let mut files = MemoryFiles::new();
    let mut overlay = None;
    let mut merge = Vec::new();
    let mut settings = oapi_client_gen_core::Settings::default();
    // `bad/x.yaml` is a one-file case; `bad/x/openapi.yaml` roots a folder case.
    if spec.matches('/').count() == 1 {
        files = files.with(&spec, &read(path));
    } else {
        let folder = path.parent().expect("a case file is in a folder");
        add_folder(&mut files, folder, &cases);
        let o = folder.join("overlay.yaml");
        if o.is_file() {
            overlay = Some(relative(&o, &cases));
        }
        let mut others: Vec<PathBuf> = std::fs::read_dir(folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("merge-"))
            })
            .collect();
        others.sort();
        merge = others.iter().map(|p| relative(p, &cases)).collect();
        let s = folder.join("settings.toml");
        if s.is_file() {
            settings = toml::from_str(&read(&s)).unwrap_or_else(|e| panic!("{}: {e}", s.display()));
        }
    }
    let input = Input {
        spec,
        merge,
        overlay,
        display_name: "case".into(),
        settings,
        package: None,
        emit_threads: 0,
        ..Default::default()
    };
    generate(&input, &files)
}

fn cases_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    // `glob!` hands out canonical paths.
    dir.canonicalize().unwrap_or(dir)
}

/// `path` relative to the cases folder, `/`-separated whatever the platform.
fn relative(path: &Path, cases: &Path) -> String {
    let rel = path
        .strip_prefix(cases)
        .unwrap_or_else(|_| panic!("{} is not under {}", path.display(), cases.display()));
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Adds every file under `folder`, sub-folders included.
fn add_folder(files: &mut MemoryFiles, folder: &Path, cases: &Path) {
    let entries = std::fs::read_dir(folder).unwrap_or_else(|e| panic!("{}: {e}", folder.display()));
    for entry in entries {
        let path = entry.expect("a readable folder entry").path();
        if path.is_dir() {
            add_folder(files, &path, cases);
        } else {
            files.0.insert(relative(&path, cases), read(&path));
        }
    }
}
