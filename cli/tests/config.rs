//! One `codegen.toml` for every way in: `Build::from_config` in a `build.rs` and
//! `oapi-client-gen --config` read the file `cargo xtask codegen` reads, paths relative to it,
//! `[settings]` (renames included) applied, and command-line options over it.

use oapi_client_gen::Error;
use oapi_client_gen::build::{Build, DEPENDENCIES};
use std::path::Path;
use std::process::Command;

const SPEC: &str = "openapi: 3.0.3
info: {title: Tiny Pets, version: '1'}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        '200':
          description: a pet
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
components:
  schemas:
    Pet:
      type: object
      properties:
        name: {type: string}
      example: {name: Rex, legs: 4}
";

const CONFIG: &str = r#"spec = "spec/openapi.yaml"
output = "../crates/pets"

[package]
name = "pets-from-config"
version = "2.1.0"

[settings]
allow = ["example-undeclared-property"]

[settings.rename]
"GET /pets/{id}" = "fetch_pet"
"#;

/// A folder with `conf/codegen.toml` naming `conf/spec/openapi.yaml`, and a package manifest
/// listing the client's dependencies.
fn project(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("conf/spec")).unwrap();
    std::fs::write(dir.path().join("conf/spec/openapi.yaml"), SPEC).unwrap();
    std::fs::write(dir.path().join("conf/codegen.toml"), config).unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        format!("[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n{DEPENDENCIES}"),
    )
    .unwrap();
    dir
}

fn build(dir: &Path) -> Build {
    Build::from_config(dir.join("conf/codegen.toml"))
        .out_dir(dir.join("out"))
        .manifest(dir.join("Cargo.toml"))
}

#[test]
fn build_from_config_applies_its_settings_and_lists_the_file_as_an_input() {
    let dir = project(CONFIG);
    let report = build(dir.path()).generate_quietly().unwrap();
    let code = std::fs::read_to_string(&report.file).unwrap();
    assert!(code.contains("pub fn fetch_pet("), "the config's rename");
    assert!(!code.contains("pub fn get_pet("));
    assert!(
        report.warnings.is_empty(),
        "the config allows the example's warning: {}",
        report.warnings
    );
    assert_eq!(
        report.module, "tiny_pets",
        "named by the title, not by [package]"
    );
    let config = dir.path().join("conf/codegen.toml");
    assert!(report.inputs.contains(&config), "{:?}", report.inputs);
    assert!(
        report
            .inputs
            .iter()
            .any(|p| p.ends_with("conf/spec/openapi.yaml")),
        "the spec, relative to the config: {:?}",
        report.inputs
    );

    // Settings given in build.rs replace the config's: the rename and the allow are gone.
    let report = build(dir.path())
        .settings(Default::default())
        .generate_quietly()
        .unwrap();
    let code = std::fs::read_to_string(&report.file).unwrap();
    assert!(code.contains("pub fn get_pet("));
    assert_eq!(report.warnings.warnings(), 1, "{}", report.warnings);
}

#[test]
fn a_broken_config_is_located() {
    let dir = project("spec = \"spec/openapi.yaml\"\n[settings]\noperation_names = 3\n");
    let err = build(dir.path()).generate_quietly().unwrap_err();
    let Error::Config { path, message } = &err else {
        panic!("{err}")
    };
    assert!(path.ends_with("conf/codegen.toml"));
    assert!(message.contains("line 3"), "{message}");
    assert!(err.to_string().contains("operation_names"), "{err}");

    let dir = project("spec = \"\"\n");
    let err = build(dir.path()).generate_quietly().unwrap_err();
    assert!(err.to_string().contains("`spec` is empty"), "{err}");
}

fn command(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_oapi-client-gen"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_command_reads_a_config_with_options_over_it() {
    let dir = project(CONFIG);
    let out = command(dir.path(), &["--config", "conf/codegen.toml"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // `output` is relative to the config's folder.
    let crate_dir = dir.path().join("crates/pets");
    let manifest = std::fs::read_to_string(crate_dir.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("name = \"pets-from-config\""),
        "{manifest}"
    );
    assert!(manifest.contains("version = \"2.1.0\""), "{manifest}");
    let lib = std::fs::read_to_string(crate_dir.join("src/lib.rs")).unwrap();
    assert!(
        lib.contains("oapi-client-gen --config conf/codegen.toml"),
        "the header's command"
    );
    let code: String = walk(&crate_dir.join("src"));
    assert!(code.contains("pub fn fetch_pet("));

    // Options over it: another folder and name, and a code denied.
    let over = [
        "--config",
        "conf/codegen.toml",
        "--out",
        "other",
        "--name",
        "other-pets",
    ];
    let denied = [&over[..], &["--deny", "example-undeclared-property"]].concat();
    let out = command(dir.path(), &denied);
    // The config allows the code and the command line denies it: deny wins, as with rustc's
    // `-A` before `-D`, and generation stops.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("example-undeclared-property"), "{stderr}");
    assert!(!dir.path().join("other").exists(), "nothing written");

    let out = command(dir.path(), &over);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let manifest = std::fs::read_to_string(dir.path().join("other/Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"other-pets\""), "{manifest}");

    // Neither a spec nor a config: clap says what is missing.
    let out = command(dir.path(), &["--out", "x"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("<SPEC>"));
}

fn walk(dir: &Path) -> String {
    let mut all = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            all.push_str(&std::fs::read_to_string(path).unwrap());
        }
    }
    all
}

/// The command given GitLab's `codegen.toml` writes the client `cargo xtask codegen` checked
/// in, file for file and byte for byte below each file's `@generated` header (which names the
/// spec's path as given and the command that regenerates it): one file drives both.
#[test]
fn the_command_with_gitlabs_config_writes_the_checked_in_client() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gitlab");
    let run = Command::new(env!("CARGO_BIN_EXE_oapi-client-gen"))
        .current_dir(workspace)
        .args(["--config", "specs/gitlab-full/codegen.toml", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join(".oapi-client-gen.json")).unwrap())
            .unwrap();
    let files = manifest["files"].as_array().unwrap();
    assert!(files.len() > 100, "{}", files.len());
    let checked_in = workspace.join("generated-client");
    // Rust and TOML files have two header lines, Markdown one (an HTML comment).
    let below_header = |text: &str| -> String {
        let lines = if text.starts_with("// @generated") || text.starts_with("# @generated") {
            2
        } else if text.starts_with("<!-- @generated") {
            1
        } else {
            0
        };
        text.splitn(lines + 1, '\n')
            .last()
            .unwrap_or_default()
            .to_owned()
    };
    for file in files {
        let file = file.as_str().unwrap();
        let ours = std::fs::read_to_string(out.join(file)).unwrap();
        let theirs = std::fs::read_to_string(checked_in.join(file))
            .unwrap_or_else(|e| panic!("{file} is not in generated-client: {e}"));
        assert!(
            below_header(&ours) == below_header(&theirs),
            "{file} differs from generated-client's"
        );
        // The runtime is copied, not generated from the spec: its header names no command.
        if file.ends_with(".rs") && file != "src/runtime.rs" {
            assert!(ours.contains("oapi-client-gen --config specs/gitlab-full/codegen.toml"));
        }
    }
}
