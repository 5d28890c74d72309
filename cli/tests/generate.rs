//! The library and the command on small specs in a scratch folder: what is written, what a
//! second run leaves alone, that a failing spec writes nothing, that `--check` sees staleness,
//! and that the written crate compiles.

use openapi_client_gen::{Error, Options, check_crate, generate_crate};
use std::path::Path;
use std::process::Command;

const PETSTORE: &str = "openapi: 3.0.3
info: {title: Tiny Pets, version: '1'}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      tags: [pets]
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        '200':
          description: a pet
          content:
            application/json:
              schema: {$ref: 'schemas.yaml#/Pet'}
";

const SCHEMAS: &str = "Pet:
  type: object
  required: [name]
  properties:
    name: {type: string}
    tag: {type: string}
";

const DANGLING: &str = "openapi: 3.0.3
info: {title: Broken, version: '1'}
paths:
  /x:
    get:
      responses:
        '200': {$ref: '#/components/responses/Nowhere'}
";

/// The pet spec with a second tag, `owners`: `src/owners.rs` more, `lib.rs`, `types.rs` and
/// `Cargo.toml` different.
fn with_owners() -> String {
    format!(
        "{PETSTORE}  /owners:
    get:
      operationId: listOwners
      tags: [owners]
      responses:
        '200':
          description: owners
          content:
            application/json:
              schema: {{type: array, items: {{type: object, properties: {{name: {{type: string}}}}}}}}
"
    )
}

const MANIFEST: &str = ".openapi-client-gen.json";

/// The files the manifest in `dir` lists.
fn manifest_files(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join(MANIFEST)).expect("the folder has a manifest");
    let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(manifest["generator"], "openapi-client-gen");
    manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_owned())
        .collect()
}

/// A scratch folder with the two-file pet spec under `spec/`.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("spec")).unwrap();
    std::fs::write(dir.path().join("spec/pets.yaml"), PETSTORE).unwrap();
    std::fs::write(dir.path().join("spec/schemas.yaml"), SCHEMAS).unwrap();
    dir
}

fn options(dir: &Path) -> Options {
    Options::new(dir.join("spec/pets.yaml"), dir.join("out"))
}

#[test]
fn writes_the_crate_then_leaves_it_alone() {
    let dir = scratch();
    let report = generate_crate(&options(dir.path())).unwrap();
    assert_eq!(report.crate_name, "tiny-pets", "named after info.title");
    assert_eq!(report.operations, 1);
    for file in [
        "Cargo.toml",
        "src/lib.rs",
        "src/pets.rs",
        "src/types.rs",
        "openapi.json",
    ] {
        assert!(dir.path().join("out").join(file).is_file(), "{file}");
        assert!(
            report.written.iter().any(|w| w == file),
            "{file} reported written"
        );
    }
    let cargo = std::fs::read_to_string(dir.path().join("out/Cargo.toml")).unwrap();
    assert!(cargo.contains("name = \"tiny-pets\""), "{cargo}");
    assert_eq!(
        report.inputs,
        [
            dir.path().join("spec/pets.yaml"),
            dir.path().join("spec/schemas.yaml")
        ],
        "both files of the spec are inputs (for cargo:rerun-if-changed)"
    );
    assert!(report.unchanged.is_empty() && report.removed.is_empty());

    let again = generate_crate(&options(dir.path())).unwrap();
    assert!(again.written.is_empty(), "{:?}", again.written);
    assert_eq!(again.unchanged, report.written);
    assert!(check_crate(&options(dir.path())).unwrap().is_fresh());
}

#[test]
fn a_failing_spec_writes_nothing_and_says_where() {
    let dir = scratch();
    std::fs::write(dir.path().join("spec/pets.yaml"), DANGLING).unwrap();
    let err = generate_crate(&options(dir.path())).unwrap_err();
    let Error::Generation {
        diagnostics,
        inputs,
    } = &err
    else {
        panic!("expected diagnostics, got {err}");
    };
    assert!(!dir.path().join("out").exists(), "nothing written");
    assert_eq!(inputs, &[dir.path().join("spec/pets.yaml")]);
    let error = diagnostics.iter().next().unwrap();
    assert_eq!(error.code, "dangling-ref");
    assert_eq!(error.line_col, Some((7, 17)));
    let text = err.to_string();
    let spec = dir.path().join("spec/pets.yaml");
    assert!(
        text.contains(&format!("{}:7:17: error[dangling-ref]", spec.display())),
        "file:line:col as the caller names the file: {text}"
    );
    assert!(
        text.contains("at #/paths/~1x/get/responses/200/$ref"),
        "{text}"
    );
    assert!(text.contains("help: "), "{text}");
    assert!(text.ends_with("nothing was written"), "{text}");
}

#[test]
fn check_sees_changed_and_stale_files() {
    let dir = scratch();
    assert!(!check_crate(&options(dir.path())).unwrap().is_fresh());
    assert!(!dir.path().join("out").exists(), "check writes nothing");
    // An earlier spec had an `owners` tag: the manifest lists its file.
    std::fs::write(dir.path().join("spec/pets.yaml"), with_owners()).unwrap();
    generate_crate(&options(dir.path())).unwrap();
    std::fs::write(dir.path().join("spec/pets.yaml"), PETSTORE).unwrap();
    let out = dir.path().join("out");
    assert!(manifest_files(&out).contains(&"src/owners.rs".to_owned()));
    generate_crate(&options(dir.path())).unwrap();
    assert!(!out.join("src/owners.rs").exists(), "no longer generated");
    std::fs::write(dir.path().join("spec/pets.yaml"), with_owners()).unwrap();
    generate_crate(&options(dir.path())).unwrap();
    std::fs::write(dir.path().join("spec/pets.yaml"), PETSTORE).unwrap();

    std::fs::write(out.join("src/types.rs"), "// @generated\n// edited\n").unwrap();
    std::fs::write(out.join("src/hand.rs"), "// mine\n").unwrap();
    let report = check_crate(&options(dir.path())).unwrap();
    assert_eq!(
        report.written,
        [
            MANIFEST,
            "Cargo.toml",
            "openapi.json",
            "src/lib.rs",
            "src/types.rs"
        ]
    );
    assert_eq!(report.removed, ["src/owners.rs"]);
    let fixed = generate_crate(&options(dir.path())).unwrap();
    assert_eq!(fixed.written, report.written);
    assert_eq!(fixed.removed, ["src/owners.rs"]);
    assert!(!out.join("src/owners.rs").exists());
    assert!(out.join("src/hand.rs").exists(), "hand-written files stay");
    assert!(check_crate(&options(dir.path())).unwrap().is_fresh());
}

#[test]
fn the_command_reports_and_fails_as_documented() {
    let exe = env!("CARGO_BIN_EXE_openapi-client-gen");
    let dir = scratch();
    let run = |args: &[&str]| {
        let o = Command::new(exe)
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (code, _, stderr) = run(&["spec/pets.yaml", "--out", "out", "--check"]);
    assert_eq!(code, Some(1), "nothing generated yet: stale");
    assert!(stderr.contains("stale: src/lib.rs"), "{stderr}");

    let (code, stdout, _) = run(&["spec/pets.yaml", "--out", "out", "--name", "pets"]);
    assert_eq!(code, Some(0));
    assert!(
        stdout
            .starts_with("spec/pets.yaml: 1 operations, 1 types, 0 warnings -> out (crate `pets`:"),
        "{stdout}"
    );
    let (code, ..) = run(&[
        "spec/pets.yaml",
        "--out",
        "out",
        "--name",
        "pets",
        "--check",
    ]);
    assert_eq!(code, Some(0), "fresh");

    std::fs::write(dir.path().join("spec/pets.yaml"), DANGLING).unwrap();
    let (code, stdout, stderr) = run(&["spec/pets.yaml", "--out", "elsewhere"]);
    assert_eq!(code, Some(1));
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("spec/pets.yaml:7:17: error[dangling-ref]"),
        "{stderr}"
    );
    assert!(!dir.path().join("elsewhere").exists());
}

/// The written crate builds standalone. Cheap: the workspace's target folder already holds
/// the client dependencies, so only the scratch crate itself is checked.
#[test]
fn the_written_crate_compiles() {
    let dir = scratch();
    generate_crate(&options(dir.path())).unwrap();
    let out = dir.path().join("out");
    // A workspace of its own, so cargo does not look for one above the scratch folder, and
    // the workspace's lock file, so dependency versions match those already built.
    let cargo_toml = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    std::fs::write(
        out.join("Cargo.toml"),
        format!("{cargo_toml}\n[workspace]\n\n[profile.dev.package.\"*\"]\ndebug = false\n"),
    )
    .unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), Into::into);
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["check", "--quiet", "--offline"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .unwrap();
    assert!(status.success());
}
