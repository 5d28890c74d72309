//! The library and the command on small specs in a scratch folder: what is written, what a
//! second run leaves alone, that a failing spec writes nothing, that `--check` sees staleness,
//! and that the written crate compiles. Then what the writer promises about the folder: it
//! never overwrites or deletes what a user wrote (a hand-written crate, another tool's
//! `@generated` file, files added inside a generated crate) without `--force`, refuses the
//! current folder, writes nothing when nothing changed, and leaves a whole crate — the old
//! one, the new one, or none with the old one put back by the next run — after a crash at any
//! step or two runs at once.
//!
//! These tests use only the library API and the command line that existed before the
//! manifest, so that they can be run against the older writer to see them fail.

use oapi_client_gen::{Error, Options, check_crate, generate_crate};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

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

/// A spec generation refuses: a `$ref` to a remote document (never fetched).
const BROKEN: &str = "openapi: 3.0.3
info: {title: Broken, version: '1'}
paths:
  /x:
    get:
      responses:
        '200': {$ref: 'https://example.com/r.yaml#/Nowhere'}
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

const MANIFEST: &str = ".oapi-client-gen.json";

/// Every file below `dir` (path with `/` → bytes); empty when `dir` is missing.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    if !dir.exists() {
        return files;
    }
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap();
            let rel = rel.to_string_lossy().replace('\\', "/");
            files.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    files
}

/// Every file's modification time below `dir`.
fn mtimes(dir: &Path) -> BTreeMap<String, SystemTime> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy();
            (
                rel.replace('\\', "/"),
                e.metadata().unwrap().modified().unwrap(),
            )
        })
        .collect()
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The files the manifest in `dir` lists.
fn manifest_files(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join(MANIFEST)).expect("the folder has a manifest");
    let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(manifest["generator"], "oapi-client-gen");
    manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_owned())
        .collect()
}

/// Writes `text` at `dir/rel` (folders created) with a modification time an hour ago, so that
/// a rewrite or a copy would show.
fn user_file(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    let past = SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(past)
        .unwrap();
}

/// Runs the command in `cwd`: exit code (`None` when killed by a signal), stdout, stderr.
fn run_in(cwd: &Path, args: &[&str], env: &[(&str, String)]) -> (Option<i32>, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_oapi-client-gen"))
        .args(args)
        .current_dir(cwd)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// A scratch folder with the two-file pet spec under `spec/`.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("spec")).unwrap();
    std::fs::write(dir.path().join("spec/pets.yaml"), PETSTORE).unwrap();
    std::fs::write(dir.path().join("spec/schemas.yaml"), SCHEMAS).unwrap();
    dir
}

/// The library's options for what the command `oapi-client-gen spec/pets.yaml --out out`
/// does (run in `dir`), so that the two write the same files: the command names itself, as it
/// was run, in the `@generated` headers.
fn options(dir: &Path) -> Options {
    let mut options = Options::new(dir.join("spec/pets.yaml"), dir.join("out"));
    options.command = Some("oapi-client-gen spec/pets.yaml --out out".to_owned());
    options
}

#[test]
fn writes_the_crate_then_leaves_it_alone() {
    let dir = scratch();
    let report = generate_crate(&options(dir.path())).unwrap();
    assert_eq!(report.crate_name, "tiny-pets", "named after info.title");
    assert_eq!(report.operations, 1);
    for file in [
        "Cargo.toml",
        "NAMES.md",
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
    let names = std::fs::read_to_string(dir.path().join("out/NAMES.md")).unwrap();
    assert!(
        names.contains("\n## `pets`\n\n| HTTP | method |\n|---|---|\n| `GET /pets/{id}` | [`get_pet`](src/pets.rs) |\n"),
        "{names}"
    );
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

/// `--merge`: a second root document adds its operations to the spec's, each in its tag's
/// module; its file is an input; an operation both documents describe is refused, located in
/// the merged document, and nothing is written.
#[test]
fn a_merged_document_adds_its_operations() {
    let dir = scratch();
    user_file(
        dir.path(),
        "spec/owners.yaml",
        "openapi: 3.0.3
info: {title: Owners, version: '1'}
paths:
  /owners/{id}:
    get:
      operationId: getOwner
      tags: [owners]
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        '200':
          description: an owner
          content:
            application/json:
              schema: {$ref: 'schemas.yaml#/Pet'}
",
    );
    let mut options = options(dir.path());
    options.merge = vec![dir.path().join("spec/owners.yaml")];
    let report = generate_crate(&options).unwrap();
    assert_eq!(report.operations, 2);
    let owners = std::fs::read_to_string(dir.path().join("out/src/owners.rs")).unwrap();
    assert!(owners.contains("pub fn get_owner("), "{owners}");
    assert!(report.inputs.contains(&dir.path().join("spec/owners.yaml")));

    user_file(
        dir.path(),
        "spec/again.yaml",
        &PETSTORE.replace("title: Tiny Pets", "title: Again"),
    );
    options.merge.push(dir.path().join("spec/again.yaml"));
    let before = tree(&dir.path().join("out"));
    let err = generate_crate(&options).unwrap_err().to_string();
    assert!(
        err.contains("again.yaml:5:5: error[merge-conflict]: `GET /pets/{id}`"),
        "{err}"
    );
    assert_eq!(tree(&dir.path().join("out")), before, "nothing written");
}

#[test]
fn a_failing_spec_writes_nothing_and_says_where() {
    let dir = scratch();
    std::fs::write(dir.path().join("spec/pets.yaml"), BROKEN).unwrap();
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
    assert_eq!(error.code, "remote-ref");
    assert_eq!(error.line_col, Some((7, 17)));
    let text = err.to_string();
    let spec = dir.path().join("spec/pets.yaml");
    assert!(
        text.contains(&format!("{}:7:17: error[remote-ref]", spec.display())),
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
            "NAMES.md",
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
    let exe = env!("CARGO_BIN_EXE_oapi-client-gen");
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
    // Each file names the command that regenerates it, as it was run.
    let lib = std::fs::read_to_string(dir.path().join("out/src/lib.rs")).unwrap();
    assert!(
        lib.contains("and run `oapi-client-gen spec/pets.yaml --out out --name pets`.\n"),
        "{lib}"
    );
    // Options that do not change the output are not part of it: still fresh.
    let (code, ..) = run(&[
        "spec/pets.yaml",
        "--out",
        "out",
        "--name",
        "pets",
        "--check",
        "--verbose",
    ]);
    assert_eq!(code, Some(0), "fresh");

    std::fs::write(dir.path().join("spec/pets.yaml"), BROKEN).unwrap();
    let (code, stdout, stderr) = run(&["spec/pets.yaml", "--out", "elsewhere"]);
    assert_eq!(code, Some(1));
    assert!(stdout.is_empty(), "{stdout}");
    // Rendered as rustc renders a diagnostic: the source line, the token underlined.
    assert!(
        stderr.contains("error[remote-ref]: `$ref: https://example.com/r.yaml#/Nowhere`")
            && stderr.contains(" --> spec/pets.yaml:7:17\n")
            && stderr.contains(
                "7 |         '200': {$ref: 'https://example.com/r.yaml#/Nowhere'}\n  \
                 |                 ^^^^^ at #/paths/~1x/get/responses/200/$ref\n"
            )
            && stderr
                .contains("spec/pets.yaml: generation failed with 1 error(s); nothing was written"),
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
    let output = cargo_in_scratch_crate(&dir.path().join("out"), &["check", "--quiet"]);
    assert!(output.status.success(), "{output:?}");
}

/// Runs `cargo <args> --offline` in a generated crate under a scratch folder: made a
/// workspace of its own, so cargo does not look for one above the scratch folder, with the
/// workspace's lock file and target folder, so the client's dependencies are already built.
fn cargo_in_scratch_crate(out: &Path, args: &[&str]) -> std::process::Output {
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
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .arg("--offline")
        .current_dir(out)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap()
}

/// A hand-written crate given as `--out` is refused: exit code 1, an error naming the files it
/// would have replaced and `--force`, every file byte-identical with its modification time.
#[test]
fn a_hand_written_crate_is_not_overwritten() {
    let dir = scratch();
    let out = dir.path().join("out");
    user_file(&out, "Cargo.toml", "[package]\nname = \"mine\"\n");
    user_file(&out, "src/lib.rs", "pub mod types;\n");
    user_file(&out, "src/types.rs", "pub struct Mine;\n");
    let (before, times) = (tree(&out), mtimes(&out));

    let (code, stdout, stderr) = run_in(dir.path(), &["spec/pets.yaml", "--out", "out"], &[]);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    for named in [
        "Cargo.toml",
        "src/lib.rs",
        "src/types.rs",
        "--force",
        MANIFEST,
    ] {
        assert!(stderr.contains(named), "the error names {named}: {stderr}");
    }
    let (code, _, stderr) = run_in(
        dir.path(),
        &["spec/pets.yaml", "--out", "out", "--check"],
        &[],
    );
    assert_eq!(code, Some(1), "--check refuses too: {stderr}");
    assert!(
        generate_crate(&options(dir.path())).is_err(),
        "the library too"
    );
    assert_eq!(tree(&out), before, "every file byte-identical");
    assert_eq!(mtimes(&out), times, "and untouched");
    assert_eq!(names(dir.path()), ["out", "spec"], "nothing beside it");
}

/// A folder the previous version generated (`@generated` files, no manifest) is refused with a
/// hint that `--force` is needed once; `--force` takes it over, keeps what it does not
/// generate, and the next run needs no `--force`.
#[test]
fn force_takes_a_folder_over_once() {
    let dir = scratch();
    let out = dir.path().join("out");
    user_file(&out, "src/lib.rs", "// @generated by an older version\n");
    user_file(
        &out,
        "src/old_tag.rs",
        "// @generated by an older version\n",
    );
    user_file(&out, "README.md", "# mine\n");
    let args = ["spec/pets.yaml", "--out", "out"];
    let (code, _, stderr) = run_in(dir.path(), &args, &[]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("--force once"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(out.join("src/lib.rs")).unwrap(),
        "// @generated by an older version\n"
    );

    let (code, _, stderr) = run_in(dir.path(), &[&args[..], &["--force"]].concat(), &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    assert!(lib.contains("pub mod pets"), "{lib}");
    assert_eq!(
        std::fs::read_to_string(out.join("README.md")).unwrap(),
        "# mine\n"
    );
    assert!(
        out.join("src/old_tag.rs").exists(),
        "not in any manifest: never deleted, even with --force"
    );
    let listed = manifest_files(&out);
    assert!(listed.contains(&"src/lib.rs".to_owned()), "{listed:?}");
    assert!(
        !listed
            .iter()
            .any(|f| f == "README.md" || f == "src/old_tag.rs")
    );
    let (code, _, stderr) = run_in(dir.path(), &args, &[]);
    assert_eq!(code, Some(0), "owned now: {stderr}");
}

/// In a folder it generated, the writer keeps another tool's `// @generated` file (not in its
/// manifest) through changes, and refuses to put a planned file where a file of the user's is.
#[test]
fn files_the_manifest_does_not_list_are_kept() {
    let dir = scratch();
    let out = dir.path().join("out");
    generate_crate(&options(dir.path())).unwrap();
    user_file(&out, "src/other.rs", "// @generated by another tool\n");
    let other = || std::fs::read_to_string(out.join("src/other.rs")).unwrap();
    generate_crate(&options(dir.path())).unwrap();
    assert_eq!(other(), "// @generated by another tool\n", "unchanged run");
    std::fs::write(dir.path().join("spec/pets.yaml"), with_owners()).unwrap();
    generate_crate(&options(dir.path())).unwrap();
    std::fs::write(dir.path().join("spec/pets.yaml"), PETSTORE).unwrap();
    let report = generate_crate(&options(dir.path())).unwrap();
    assert_eq!(report.removed, ["src/owners.rs"]);
    assert_eq!(other(), "// @generated by another tool\n", "after changes");

    // A file of the user's where the spec now puts one.
    user_file(&out, "src/owners.rs", "// mine\n");
    std::fs::write(dir.path().join("spec/pets.yaml"), with_owners()).unwrap();
    let before = tree(&out);
    let err = generate_crate(&options(dir.path())).unwrap_err();
    assert!(
        err.to_string().contains("src/owners.rs") && err.to_string().contains("--force"),
        "{err}"
    );
    assert_eq!(tree(&out), before, "nothing written");
}

/// A manifest naming a path outside the folder is not trusted.
#[test]
fn a_tampered_manifest_deletes_nothing_outside() {
    let dir = scratch();
    let out = dir.path().join("out");
    generate_crate(&options(dir.path())).unwrap();
    std::fs::write(dir.path().join("victim.txt"), "mine\n").unwrap();
    let manifest = std::fs::read_to_string(out.join(MANIFEST)).unwrap();
    let tampered = manifest.replace("\"files\": [", "\"files\": [\n    \"../victim.txt\",");
    assert_ne!(manifest, tampered);
    std::fs::write(out.join(MANIFEST), tampered).unwrap();
    let err = generate_crate(&options(dir.path())).unwrap_err();
    assert!(err.to_string().contains("../victim.txt"), "{err}");
    let (code, _, stderr) = run_in(
        dir.path(),
        &["spec/pets.yaml", "--out", "out", "--force"],
        &[],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("victim.txt")).unwrap(),
        "mine\n"
    );
}

/// `--out .` from inside the folder (or `--out ..` from below it) is refused: the folder is
/// replaced by renames, which would leave the shell in a deleted folder.
#[test]
fn the_current_folder_is_refused() {
    let dir = scratch();
    let out = dir.path().join("out");
    generate_crate(&options(dir.path())).unwrap();
    std::fs::write(dir.path().join("spec/pets.yaml"), with_owners()).unwrap();
    let spec = dir.path().join("spec/pets.yaml");
    let spec = spec.to_str().unwrap();
    let before = tree(&out);
    for (cwd, arg) in [(out.clone(), "."), (out.join("src"), "..")] {
        let (code, _, stderr) = run_in(&cwd, &[spec, "--out", arg], &[]);
        assert_eq!(code, Some(1), "{stderr}");
        assert!(stderr.contains("current directory"), "{stderr}");
        assert_eq!(tree(&out), before, "nothing written");
    }
    assert_eq!(names(dir.path()), ["out", "spec"]);
}

/// Files a user adds inside a generated crate survive regenerations (changed, then back) with
/// their contents and modification times, unchanged generated files keep theirs, and the
/// manifest lists only generated files.
#[test]
fn user_files_in_a_generated_crate_survive() {
    let dir = scratch();
    let out = dir.path().join("out");
    generate_crate(&options(dir.path())).unwrap();
    let generated: Vec<String> = tree(&out).into_keys().filter(|f| f != MANIFEST).collect();
    assert_eq!(manifest_files(&out), generated);
    let mine = [
        ("examples/x.rs", "fn main() {}\n"),
        ("src/extra.rs", "// mine\n"),
        ("README.md", "# mine\n"),
    ];
    for (rel, text) in mine {
        user_file(&out, rel, text);
    }
    let times = mtimes(&out);
    for spec in [with_owners(), PETSTORE.to_owned()] {
        std::fs::write(dir.path().join("spec/pets.yaml"), spec).unwrap();
        let report = generate_crate(&options(dir.path())).unwrap();
        assert!(!report.is_fresh());
        for (rel, text) in mine {
            assert_eq!(std::fs::read_to_string(out.join(rel)).unwrap(), text);
            assert_eq!(mtimes(&out)[rel], times[rel], "{rel} untouched");
        }
        assert_eq!(
            mtimes(&out)["src/runtime.rs"],
            times["src/runtime.rs"],
            "an unchanged generated file keeps its time"
        );
        assert!(
            !manifest_files(&out)
                .iter()
                .any(|f| mine.iter().any(|(m, _)| m == f)),
            "the user's files are not claimed"
        );
    }
    assert_eq!(names(dir.path()), ["out", "spec"], "nothing left beside it");
}

/// A second run with the same spec changes nothing at all: every file keeps its time, the
/// manifest included, and no folder is created beside it (nor, on Unix, is the folder
/// replaced).
#[test]
fn an_unchanged_regeneration_writes_nothing() {
    let dir = scratch();
    let out = dir.path().join("out");
    generate_crate(&options(dir.path())).unwrap();
    user_file(&out, "README.md", "# mine\n");
    let (before, times) = (tree(&out), mtimes(&out));
    assert!(times.contains_key(MANIFEST));
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&out).unwrap());
    let report = generate_crate(&options(dir.path())).unwrap();
    assert!(report.written.is_empty() && report.removed.is_empty());
    assert_eq!(tree(&out), before);
    assert_eq!(mtimes(&out), times);
    #[cfg(unix)]
    assert_eq!(
        std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&out).unwrap()),
        inode,
        "the same folder"
    );
    assert_eq!(names(dir.path()), ["out", "spec"]);
}

/// Two runs with different specs on one folder at once, many times over (the folder missing,
/// or generated from a third plan): each ends in success or a clear error, and the folder
/// then holds one of the two plans exactly, with the user's file.
#[test]
fn two_runs_at_once_leave_one_whole_crate() {
    let dir = scratch();
    std::fs::create_dir(dir.path().join("spec2")).unwrap();
    std::fs::write(dir.path().join("spec2/pets.yaml"), with_owners()).unwrap();
    std::fs::write(dir.path().join("spec2/schemas.yaml"), SCHEMAS).unwrap();
    let a = |out: &Path| Options::new(dir.path().join("spec/pets.yaml"), out);
    let b = |out: &Path| Options::new(dir.path().join("spec2/pets.yaml"), out);
    let zero = |out: &Path| {
        let mut o = a(out);
        o.name = Some("zero".into());
        o
    };
    generate_crate(&a(&dir.path().join("ref-a"))).unwrap();
    generate_crate(&b(&dir.path().join("ref-b"))).unwrap();
    let (ref_a, ref_b) = (
        tree(&dir.path().join("ref-a")),
        tree(&dir.path().join("ref-b")),
    );
    assert_ne!(ref_a, ref_b);
    for i in 0..24 {
        let out = dir.path().join(format!("out-{i}"));
        let mine = i % 2 == 1;
        if mine {
            generate_crate(&zero(&out)).unwrap();
            user_file(&out, "README.md", "# mine\n");
        }
        let barrier = std::sync::Barrier::new(2);
        let results: Vec<Result<_, Error>> = std::thread::scope(|s| {
            let runs = [a(&out), b(&out)].map(|o| {
                let barrier = &barrier;
                s.spawn(move || {
                    barrier.wait();
                    generate_crate(&o)
                })
            });
            runs.map(|r| r.join().unwrap()).into_iter().collect()
        });
        for r in &results {
            if let Err(e) = r {
                assert!(
                    e.to_string().contains("another run at the same time"),
                    "run {i}: {e}"
                );
            }
        }
        assert!(results.iter().any(Result::is_ok), "run {i}: {results:?}");
        let mut got = tree(&out);
        if mine {
            assert_eq!(got.remove("README.md").as_deref(), Some(&b"# mine\n"[..]));
        }
        assert!(got == ref_a || got == ref_b, "run {i}: a mix of both plans");
    }
}

/// A crash after any step of the writer (the test-only hook aborts the process after its N-th
/// change to the file system, for every N) leaves the output path holding the complete old
/// crate, the complete new one, or nothing with the old one whole in a backup beside it; the
/// next run then ends with the complete new crate, and no file of the user's is lost.
#[test]
fn a_crash_at_any_step_leaves_a_whole_crate() {
    const HOOK: &str = "OAPI_CLIENT_GEN_TEST_ABORT_AFTER";
    let mine = [
        ("examples/x.rs", "fn main() {}\n"),
        ("src/extra.rs", "// mine\n"),
        ("README.md", "# mine\n"),
    ];
    // The old crate (with the `owners` tag and the user's files), and the new one.
    let setup = |old: bool| {
        let dir = scratch();
        if old {
            std::fs::write(dir.path().join("spec/pets.yaml"), with_owners()).unwrap();
            generate_crate(&options(dir.path())).unwrap();
            for (rel, text) in mine {
                user_file(&dir.path().join("out"), rel, text);
            }
            std::fs::write(dir.path().join("spec/pets.yaml"), PETSTORE).unwrap();
        }
        dir
    };
    for old in [true, false] {
        let reference = setup(old);
        let old_tree = tree(&reference.path().join("out"));
        generate_crate(&options(reference.path())).unwrap();
        let new_tree = tree(&reference.path().join("out"));
        assert_ne!(old_tree, new_tree);

        let mut n = 1;
        loop {
            let dir = setup(old);
            let out = dir.path().join("out");
            let args = ["spec/pets.yaml", "--out", "out"];
            let (code, _, stderr) = run_in(dir.path(), &args, &[(HOOK, n.to_string())]);
            if code == Some(0) {
                assert_eq!(tree(&out), new_tree, "the run after the last step");
                assert!(n > 10, "only {n} steps: is the hook called?");
                break;
            }
            assert!(
                stderr.contains("aborting after step"),
                "step {n}: {code:?} {stderr}"
            );
            let backups: Vec<PathBuf> = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.to_string_lossy().contains(".out.oapi-client-gen-backup-"))
                .collect();
            if out.exists() {
                let now = tree(&out);
                assert!(
                    now == old_tree || now == new_tree,
                    "step {n}: a mix in the output folder"
                );
            } else if old {
                assert!(
                    backups.iter().any(|b| tree(b) == old_tree),
                    "step {n}: no output folder and no whole backup of it"
                );
            }
            let (code, _, stderr) = run_in(dir.path(), &args, &[]);
            assert_eq!(code, Some(0), "step {n}: the next run: {stderr}");
            assert_eq!(tree(&out), new_tree, "step {n}: the next run's crate");
            let left: Vec<String> = names(dir.path())
                .into_iter()
                .filter(|n| n != "out" && n != "spec")
                .collect();
            assert!(
                left.iter()
                    .all(|l| l.starts_with(".out.oapi-client-gen-staging-")),
                "step {n}: only staging copies may be left: {left:?}"
            );
            if !left.is_empty() {
                assert!(stderr.contains("note: "), "step {n}: reported: {stderr}");
            }
            n += 1;
            assert!(n < 500, "the run never completes");
        }
    }
}

/// A run interrupted between its renames leaves no output folder and its backup beside it:
/// with several such backups the next run refuses and names them (deleting nothing); once the
/// user has picked one, a backup left beside the folder is emptied of what the folder holds
/// too, keeps what only it holds, and is reported.
#[test]
fn interrupted_runs_are_recovered_or_reported() {
    let dir = scratch();
    let out = dir.path().join("out");
    generate_crate(&options(dir.path())).unwrap();
    user_file(&out, "README.md", "# mine\n");
    let crate_tree = tree(&out);
    let backup = |suffix: &str| {
        dir.path()
            .join(format!(".out.oapi-client-gen-backup-{suffix}"))
    };
    std::fs::rename(&out, backup("aaaaaaaaaa")).unwrap();
    for (rel, bytes) in &crate_tree {
        let path = backup("bbbbbbbbbb").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    user_file(&backup("aaaaaaaaaa"), "notes.txt", "only here\n");

    let args = ["spec/pets.yaml", "--out", "out"];
    let (code, _, stderr) = run_in(dir.path(), &args, &[]);
    assert_eq!(code, Some(1), "{stderr}");
    for suffix in ["aaaaaaaaaa", "bbbbbbbbbb"] {
        assert!(stderr.contains(&format!("backup-{suffix}")), "{stderr}");
    }
    assert!(!out.exists());
    assert_eq!(tree(&backup("bbbbbbbbbb")), crate_tree, "nothing deleted");

    std::fs::rename(backup("bbbbbbbbbb"), &out).unwrap();
    let (code, _, stderr) = run_in(dir.path(), &args, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(tree(&out), crate_tree);
    assert_eq!(
        tree(&backup("aaaaaaaaaa")).into_keys().collect::<Vec<_>>(),
        ["notes.txt"],
        "what the folder holds too is removed from the backup, the rest kept"
    );
    assert!(
        stderr.contains("note: ") && stderr.contains("backup-aaaaaaaaaa"),
        "{stderr}"
    );
}

/// Characters the generated sources and `Cargo.toml` must never hold raw: controls other than
/// line ends and tabs, and the bidirectional marks and overrides that can make code read other
/// than it compiles (rustc's `text_direction_codepoint_*` lints).
fn is_hostile(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A crate generated from a hostile spec (`generator/tests/cases/ok/inert-text.yaml`, under a
/// file name with a newline, code and a bidi override, since the name is in every `@generated`
/// header) builds and tests without a warning; rustdoc finds no doctest in the spec's text, so
/// none of its code blocks ran (each would have written a marker file); and `Client` and the
/// request builders are still `Clone` through `.clone()`, beside an operation `clone` and
/// setters `clone` and `fmt`, which got other names.
#[test]
fn spec_text_stays_inert_in_the_built_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let case = root.join("generator/tests/cases/ok/inert-text.yaml");
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("spec")).unwrap();
    let spec = dir
        .path()
        .join("spec/inert\u{202e}\ncompile_error!(\"file name\");.yaml");
    std::fs::copy(&case, &spec).unwrap();
    let out = dir.path().join("out");
    let mut options = Options::new(&spec, &out);
    options.name = Some("inert".to_owned());
    generate_crate(&options).unwrap();

    let mut files = vec![out.join("Cargo.toml")];
    for entry in std::fs::read_dir(out.join("src")).unwrap() {
        files.push(entry.unwrap().path());
    }
    let hostile: Vec<(PathBuf, Vec<char>)> = files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).unwrap();
            let bad = text.chars().filter(|c| is_hostile(*c)).collect();
            (file, bad)
        })
        .filter(|(_, bad): &(PathBuf, Vec<char>)| !bad.is_empty())
        .collect();

    // Cloning still reaches `Clone::clone`: the operation `clone` and the setters `clone` and
    // `fmt` took other names.
    std::fs::create_dir(out.join("tests")).unwrap();
    std::fs::write(
        out.join("tests/clone.rs"),
        r#"
#[test]
fn client_and_builders_are_clone() {
    let client = inert::Client::new("http://127.0.0.1:9/").unwrap();
    let copy: inert::Client = client.clone();
    let builder = copy.clone_("h").fmt_("f").clone_(true);
    let again: inert::things::Clone_<'_> = builder.clone();
    assert_eq!(format!("{again:?}"), format!("{builder:?}"));
    let _ = copy.with_api_key2();
}
"#,
    )
    .unwrap();
    let output = cargo_in_scratch_crate(&out, &["test"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let ran: Vec<&str> = [
        "VERSION",
        "FENCE",
        "RUST",
        "INDENTED",
        "LIST",
        "UNCLOSED",
        "OPERATION",
        "ARGUMENT",
        "SETTER",
        "RESPONSE",
        "AUTH",
        "TYPE",
        "FIELD",
    ]
    .into_iter()
    .filter(|m| out.join(format!("SPEC_CODE_RAN_{m}")).exists())
    .collect();
    assert!(
        ran.is_empty(),
        "spec code ran as doctests: {ran:?}\n{stdout}"
    );
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        !stderr.contains("warning"),
        "the crate builds without a warning:\n{stderr}"
    );
    // Cargo names each test binary on stderr and runs the doctests last.
    assert!(stderr.contains("Doc-tests inert"), "{stderr}");
    let doc_tests = stdout.rsplit("\nrunning ").next().unwrap_or_default();
    assert!(
        doc_tests.starts_with("0 tests"),
        "rustdoc found no doctest in spec text:\n{doc_tests}"
    );
    assert!(
        stdout.contains("test client_and_builders_are_clone ... ok"),
        "{stdout}"
    );
    assert!(hostile.is_empty(), "raw hostile characters: {hostile:?}");
}

/// Schemas named `Error` and `Client` keep their names in `types`, beside the crate root's
/// `Error` and `Client`; `Result`, `Option` and `String` are kept off the prelude's names; the
/// operations `error` and `client` are built by `Error2` and `Client2`, not by names of the
/// root's. The crate builds and its test, which names each of them, passes without a warning.
#[test]
fn schemas_named_like_the_crate_root_keep_their_names() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("root-names.yaml");
    std::fs::copy(root.join("generator/tests/cases/ok/root-names.yaml"), &spec).unwrap();
    let out = dir.path().join("out");
    let mut options = Options::new(&spec, &out);
    options.name = Some("root-names".to_owned());
    generate_crate(&options).unwrap();
    std::fs::create_dir(out.join("tests")).unwrap();
    std::fs::write(
        out.join("tests/names.rs"),
        r#"
use root_names::types;

#[test]
fn the_spec_names_are_the_type_names() {
    let stored = types::Error {
        code: 7,
        message: Some("later".to_owned()),
        kind: Some(types::ErrorKind::Transient),
    };
    let record = types::Client { name: Some("ci".to_owned()) };
    let result = types::Result_ {
        option: Some(types::Option_ { x: None }),
        value: Some(types::String_::One),
    };
    let client: root_names::Client = root_names::Client::new("http://127.0.0.1:9/").unwrap();
    let post: root_names::things::Error2<'_> = client.error().body(stored);
    let get: root_names::things::Client2<'_> = client.client();
    let failure: Option<root_names::Error> = None;
    assert!(failure.is_none() && record.name.is_some() && result.option.is_some());
    assert!(format!("{post:?}{get:?}").contains("error"));
}
"#,
    )
    .unwrap();
    let output = cargo_in_scratch_crate(&out, &["test"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(!stderr.contains("warning"), "no warning:\n{stderr}");
    assert!(
        stdout.contains("test the_spec_names_are_the_type_names ... ok"),
        "{stdout}"
    );
}

/// A spec with one warning: `type: date`, read as a date.
const DATE_TYPE: &str = "openapi: 3.0.3
info: {title: Dates, version: '1'}
paths:
  /due:
    get:
      operationId: getDue
      responses:
        '200':
          description: When.
          content:
            application/json:
              schema: {type: object, properties: {due: {type: date}}}
";

#[test]
fn allow_drops_a_warning_and_deny_makes_it_an_error() {
    let dir = scratch();
    std::fs::create_dir_all(dir.path().join("spec")).unwrap();
    std::fs::write(dir.path().join("spec/dates.yaml"), DATE_TYPE).unwrap();
    let (code, stdout, _) = run_in(
        dir.path(),
        &["spec/dates.yaml", "--out", "warned", "--check"],
        &[],
    );
    assert_eq!(code, Some(1), "stale");
    let (code, stdout2, _) = run_in(dir.path(), &["spec/dates.yaml", "--out", "warned"], &[]);
    assert_eq!(code, Some(0));
    assert!(stdout2.contains("1 warnings"), "{stdout}{stdout2}");

    let (code, stdout, _) = run_in(
        dir.path(),
        &[
            "spec/dates.yaml",
            "--out",
            "allowed",
            "--allow",
            "date-type",
        ],
        &[],
    );
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains(": 1 operations, 1 types, 0 warnings"),
        "{stdout}"
    );

    let (code, stdout, stderr) = run_in(
        dir.path(),
        &["spec/dates.yaml", "--out", "denied", "--deny", "date-type"],
        &[],
    );
    assert_eq!(code, Some(1));
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("error[date-type]") && stderr.contains(" --> spec/dates.yaml:12:57\n"),
        "{stderr}"
    );
    assert!(stderr.contains("denied by the setting"), "{stderr}");
    assert!(
        !dir.path().join("denied").exists(),
        "a failed generation writes nothing"
    );
}
