//! `build.rs` as the README shows it (its `Cargo.toml`, `build.rs` and `include!`, taken from the
//! README), in a fresh package: it builds on a fresh checkout (nothing
//! generated exists yet), writes only into `OUT_DIR`, compiles warning-free under the
//! application's own strict lints, the first build after a spec change compiles the new client
//! (a change to a file that a `$ref` reaches, then a new operation used at once), a build with
//! nothing changed does not run the generator again, an overlay asks for the `overlay` feature
//! and applies once it is on, and a package missing a dependency the client needs is told
//! which, with the lines to add.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SPEC: &str = "openapi: 3.0.3
info: {title: Tiny Pets, version: '1'}
servers: [{url: 'https://pets.example.com/v1'}]
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
              schema: {$ref: 'schemas/pet.yaml#/Pet'}
";

/// The spec with a second operation in a second module.
const SPEC_WITH_OWNERS: &str = "  /owners:
    get:
      operationId: listOwners
      tags: [owners]
      responses:
        '200':
          description: the owners
          content:
            application/json:
              schema: {type: array, items: {type: string}}
";

fn schemas(statuses: &str) -> String {
    format!(
        "Pet:
  type: object
  required: [name]
  properties:
    name: {{type: string}}
    status: {{type: string, enum: [{statuses}]}}
"
    )
}

/// The README's code block that starts with `first_line`, without its fence.
fn readme_block(first_line: &str) -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let start = readme
        .find(&format!("\n{first_line}\n"))
        .unwrap_or_else(|| panic!("the README has a block starting `{first_line}`"));
    let block = &readme[start + 1..];
    block[..block.find("```").unwrap()].to_owned()
}

/// The application: the README's `include!` and function, with a `main` that uses the
/// client's module, its types and a method, and reads a value through the generated decoder
/// (which changes when the `$ref`'d schema does).
fn main_rs(extra: &str) -> String {
    let readme = readme_block("// src/main.rs or src/lib.rs: defines `pub mod petstore`.");
    format!(
        r#"#![deny(warnings, missing_docs, unreachable_pub)]
//! An application with strict lints of its own.
{readme}
fn main() {{
    let client = petstore::Client::new(petstore::DEFAULT_BASE_URL).unwrap();
    let _request = client.get_pet(7);
    let _name = pet_name(7);
    let status: petstore::types::PetStatus = serde_json::from_str("\"sold\"").unwrap();
    println!("{{status:?}} {{}}", petstore::DEFAULT_BASE_URL);
    {extra}
}}
"#
    )
}

struct App {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl App {
    /// A package as a user writes it: the README's dependencies and build.rs.
    fn new() -> App {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("app");
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let app = App { _dir: dir, root };
        let manifest = readme_block("# Cargo.toml").replace(
            "path = \"../cli\"",
            &format!("path = {:?}", workspace.join("cli")),
        );
        assert!(
            manifest.contains(oapi_client_gen::build::DEPENDENCIES),
            "the README lists the dependencies the client uses:\n{manifest}"
        );
        app.write(
            "Cargo.toml",
            &format!(
                "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n{manifest}\n\
                 [workspace]\n\n[profile.dev.package.\"*\"]\ndebug = false\n"
            ),
        );
        // The workspace's lock file, so that dependency versions match those already built.
        std::fs::copy(workspace.join("Cargo.lock"), app.root.join("Cargo.lock")).unwrap();
        app.write("build.rs", &readme_block("// build.rs"));
        app.write("openapi.yaml", SPEC);
        app.write("schemas/pet.yaml", &schemas("available, pending"));
        app.write("src/main.rs", &main_rs(""));
        app
    }

    fn write(&self, path: &str, text: &str) {
        let path = self.root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.root.join(path)).unwrap()
    }

    /// `cargo run`, verbose (cargo says which units are fresh); stdout, stderr.
    fn cargo_run(&self) -> (bool, String, String) {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map_or_else(|| workspace.join("target"), Into::into);
        let Output {
            status,
            stdout,
            stderr,
        } = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["run", "--offline", "--verbose"])
            .current_dir(&self.root)
            .env("CARGO_TARGET_DIR", target)
            .env_remove("RUSTFLAGS")
            .output()
            .unwrap();
        (
            status.success(),
            String::from_utf8_lossy(&stdout).into_owned(),
            String::from_utf8_lossy(&stderr).into_owned(),
        )
    }

    /// The package's files (what a build may have added: only `Cargo.lock` is allowed).
    fn files(&self) -> Vec<String> {
        let mut files: Vec<String> = walk(&self.root)
            .into_iter()
            .map(|p| {
                p.strip_prefix(&self.root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        files.sort();
        files
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Lines of cargo's and rustc's output that are warnings.
fn warnings(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("warning"))
        .collect()
}

#[test]
fn build_rs_builds_fresh_then_after_each_spec_change() {
    let app = App::new();
    let before = app.files();

    // A fresh checkout: nothing generated exists; one build compiles and runs the client.
    let (ok, stdout, stderr) = app.cargo_run();
    assert!(ok, "{stderr}");
    assert_eq!(
        stdout, "Other(\"sold\") https://pets.example.com/v1\n",
        "{stderr}"
    );
    assert!(warnings(&stderr).is_empty(), "{stderr}");
    let mut after = before.clone();
    after.push("Cargo.lock".to_owned());
    after.sort();
    after.dedup();
    assert_eq!(
        app.files(),
        after,
        "a build writes nothing into the package"
    );

    // A file that only a `$ref` reaches changes: the next build reruns the generator.
    app.write("schemas/pet.yaml", &schemas("available, pending, sold"));
    let (ok, stdout, stderr) = app.cargo_run();
    assert!(ok, "{stderr}");
    assert_eq!(
        stdout, "Sold https://pets.example.com/v1\n",
        "the client of the changed schema: {stderr}"
    );

    // A new operation, used by the application in the same change: the first build compiles.
    app.write("openapi.yaml", &format!("{SPEC}{SPEC_WITH_OWNERS}"));
    app.write(
        "src/main.rs",
        &main_rs("let _owners = client.list_owners();"),
    );
    let (ok, _, stderr) = app.cargo_run();
    assert!(ok, "the first build after the change: {stderr}");
    assert!(warnings(&stderr).is_empty(), "{stderr}");

    // Nothing changed: the build script does not run again, the application is not rebuilt.
    let (ok, _, stderr) = app.cargo_run();
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains("Fresh app") && !stderr.contains("Compiling app"),
        "{stderr}"
    );

    // A spec error stops the build with the located error; nothing else changes.
    app.write(
        "schemas/pet.yaml",
        "Pet: {type: object, properties: {name: [",
    );
    let (ok, _, stderr) = app.cargo_run();
    assert!(!ok);
    assert!(
        stderr.contains("error[malformed-yaml]") && stderr.contains("in schemas/pet.yaml:2:1"),
        "{stderr}"
    );
    app.write("schemas/pet.yaml", &schemas("available, pending, sold"));

    // An overlay needs the `overlay` feature, which `default-features = false` leaves off: the
    // build says so; with the feature on, the overlay applies.
    app.write(
        "fixes.yaml",
        "overlay: 1.0.0\ninfo: {title: fixes, version: '1'}\nactions:\n  - target: $.servers[0]\n    update: {url: 'https://overlaid.example.com'}\n",
    );
    let build_rs = app.read("build.rs");
    app.write(
        "build.rs",
        &build_rs.replace(
            ".name(\"petstore\")",
            ".name(\"petstore\").overlay(\"fixes.yaml\")",
        ),
    );
    let (ok, _, stderr) = app.cargo_run();
    assert!(!ok);
    assert!(
        stderr.contains("error[overlay-unsupported]")
            && stderr.contains("features = [\"overlay\"]"),
        "{stderr}"
    );
    let manifest = app.read("Cargo.toml");
    app.write(
        "Cargo.toml",
        &manifest.replace(
            "default-features = false }",
            "default-features = false, features = [\"overlay\"] }",
        ),
    );
    let (ok, stdout, stderr) = app.cargo_run();
    assert!(ok, "{stderr}");
    assert_eq!(stdout, "Sold https://overlaid.example.com\n", "{stderr}");

    // A dependency the client needs is missing: the build says which, and the line to add.
    let manifest = app.read("Cargo.toml");
    app.write(
        "Cargo.toml",
        &manifest.replace("uuid = { version = \"1\", features = [\"serde\"] }\n", ""),
    );
    let (ok, _, stderr) = app.cargo_run();
    assert!(!ok);
    assert!(
        stderr.contains("does not list: uuid.")
            && stderr.contains("uuid = { version = \"1\", features = [\"serde\"] }"),
        "{stderr}"
    );
}
