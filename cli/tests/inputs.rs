//! What the library and the command read, given a spec from anyone (a `build.rs` generates from
//! whatever spec a dependency ships): only regular UTF-8 files below the spec's folder, the
//! folders allowed with `allow_dirs` / `--allow-dir` and the overlay named; refusals located,
//! named by their code, never showing the refused file; deep nesting refused quickly even
//! before generation (the crate name is read from `info.title`); terminal escapes in the spec
//! shown escaped.
//!
//! In: a scratch folder with the spec under `spec/` and a "secret" file beside that folder.

use oapi_client_gen::{Error, Options, generate_crate};
use std::path::Path;
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

/// If this shows up in a message, the secret file was read and quoted.
const SECRET: &str = "SECRET-MARKER-7f3a";

/// `spec/pets.yaml` (whose one response schema is `$ref: <reference>`) and `secret.yaml`.
fn scratch(reference: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("spec")).unwrap();
    let secret = format!("{SECRET}:x:0:0:root:/root:/bin/bash\n");
    std::fs::write(dir.path().join("secret.yaml"), secret).unwrap();
    write_spec(dir.path(), reference);
    dir
}

fn write_spec(dir: &Path, reference: &str) {
    let spec = format!(
        "openapi: 3.0.3
info: {{title: Pets, version: '1'}}
paths:
  /pets:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '{reference}'}}
"
    );
    std::fs::write(dir.join("spec/pets.yaml"), spec).unwrap();
}

fn options(dir: &Path) -> Options {
    Options::new(dir.join("spec/pets.yaml"), dir.join("out"))
}

/// The error code, the error's message and the whole rendered error of a failing run.
fn failure(result: Result<oapi_client_gen::Report, Error>) -> (String, String, String) {
    let err = result.expect_err("generation must fail");
    let text = err.to_string();
    let Error::Generation { diagnostics, .. } = &err else {
        panic!("expected diagnostics, got {text}");
    };
    let e = diagnostics
        .iter()
        .find(|d| d.severity == oapi_client_gen_core::Severity::Error)
        .expect("an error");
    (e.code.to_owned(), e.message.clone(), text)
}

/// Runs `f` aside and waits at most 60 s: what must not block or take long.
fn promptly<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(f());
    });
    receive
        .recv_timeout(Duration::from_secs(60))
        .expect("did not finish within 60 s")
}

#[test]
fn refs_out_of_the_spec_folder_are_refused_and_never_shown() {
    let dir = scratch("../secret.yaml");
    let secret = dir.path().join("secret.yaml");
    let secret_abs = secret.to_str().unwrap().to_owned();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&secret, dir.path().join("spec/link.yaml")).unwrap();
    let mut refs = vec![
        "../secret.yaml".to_owned(),
        // As `../../../../etc/passwd` is written: up past the file system's root and down.
        format!("{}{}", "../".repeat(12), secret_abs.trim_start_matches('/')),
        secret_abs.clone(),
    ];
    if cfg!(unix) {
        refs.push("link.yaml".to_owned());
    }
    for reference in &refs {
        write_spec(dir.path(), reference);
        let (code, message, text) = failure(generate_crate(&options(dir.path())));
        assert_eq!(code, "file-outside-root", "{reference}: {text}");
        assert!(
            message.contains("`allow_dirs`"),
            "names the setting: {text}"
        );
        assert!(text.contains("--allow-dir <DIR>"), "{text}");
        assert!(
            !text.contains(SECRET),
            "{reference}: the secret is shown: {text}"
        );
        assert!(!dir.path().join("out").exists(), "nothing written");
    }
}

#[test]
fn allowed_folders_and_the_overlay_are_read() {
    let dir = scratch("../shared/pet.yaml");
    std::fs::create_dir(dir.path().join("shared")).unwrap();
    std::fs::write(dir.path().join("shared/pet.yaml"), "type: object\n").unwrap();
    let (code, ..) = failure(generate_crate(&options(dir.path())));
    assert_eq!(code, "file-outside-root");
    let mut options = options(dir.path());
    options.allow_dirs = vec![dir.path().join("shared")];
    // An overlay outside every allowed folder, named by the caller: read.
    let overlay = dir.path().join("fixes.yaml");
    std::fs::write(
        &overlay,
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.info\n    update: {description: fixed}\n",
    )
    .unwrap();
    options.overlay = Some(overlay.clone());
    let report = generate_crate(&options).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.operations, 1);
    assert!(
        report
            .inputs
            .contains(&dir.path().join("spec/../shared/pet.yaml")),
        "{:?}",
        report.inputs
    );
    assert!(report.inputs.contains(&overlay), "{:?}", report.inputs);
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_blocking() {
    let dir = scratch("fifo.yaml");
    let fifo = std::ffi::CString::new(dir.path().join("spec/fifo.yaml").to_str().unwrap()).unwrap();
    // SAFETY: `fifo` is a NUL-terminated path that outlives the call.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    let options = options(dir.path());
    let (code, message, text) = promptly(move || failure(generate_crate(&options)));
    assert_eq!(code, "file-not-regular", "{text}");
    assert!(message.contains("FIFO"), "{text}");
}

#[cfg(unix)]
#[test]
fn dev_zero_is_refused_not_read() {
    // Read, `/dev/zero` fills memory until the process is killed.
    let dir = scratch("/dev/zero");
    let options = options(dir.path());
    let (code, _, text) = promptly(move || failure(generate_crate(&options)));
    assert_eq!(code, "file-outside-root", "{text}");
}

#[cfg(unix)]
#[test]
fn devices_are_refused_even_in_an_allowed_folder() {
    let dir = scratch("/dev/zero");
    let mut options = options(dir.path());
    options.allow_dirs = vec!["/dev".into()];
    let (code, message, text) = promptly(move || failure(generate_crate(&options)));
    assert_eq!(code, "file-not-regular", "{text}");
    assert!(message.contains("character device"), "{text}");
}

#[test]
fn large_files_are_refused() {
    let dir = scratch("big.yaml");
    // Sparse: above the default cap of 64 MiB without taking disk space.
    let big = std::fs::File::create(dir.path().join("spec/big.yaml")).unwrap();
    big.set_len(oapi_client_gen_core::DEFAULT_MAX_FILE_SIZE + 1)
        .unwrap();
    let options = options(dir.path());
    let (code, _, text) = promptly(move || failure(generate_crate(&options)));
    assert_eq!(code, "file-too-large", "{text}");
}

#[test]
fn the_size_cap_is_an_option() {
    let dir = scratch("pet.yaml");
    std::fs::write(dir.path().join("spec/pet.yaml"), "type: object\n").unwrap();
    let mut options = options(dir.path());
    options.max_file_size = 100;
    let (code, message, text) = failure(generate_crate(&options));
    assert_eq!(code, "file-too-large", "the spec itself is larger: {text}");
    assert!(message.contains("100 bytes"), "{text}");
}

#[test]
fn bytes_that_are_not_utf8_are_reported_as_such() {
    let dir = scratch("latin1.yaml");
    std::fs::write(
        dir.path().join("spec/latin1.yaml"),
        b"type: object\ndescription: caf\xe9\n",
    )
    .unwrap();
    let err = generate_crate(&options(dir.path())).unwrap_err();
    let text = err.to_string();
    let file = dir.path().join("spec/latin1.yaml");
    assert!(
        text.contains(&format!("{}:2:17: error[file-not-utf8]", file.display())),
        "located in the file: {text}"
    );
    assert!(!text.contains("not found"), "{text}");
}

#[test]
fn deep_nesting_is_refused_before_naming_the_crate() {
    // No `--name`: the crate is named from `info.title`, which reads the spec first.
    let dir = scratch("unused.yaml");
    let deep = format!("openapi: 3.0.3\ninfo: {}", "[".repeat(1 << 20));
    std::fs::write(dir.path().join("spec/pets.yaml"), deep).unwrap();
    let options = options(dir.path());
    let (code, _, text) = promptly(move || failure(generate_crate(&options)));
    assert_eq!(code, "yaml-too-deep", "{text}");
    assert!(
        text.contains("pets.yaml:2:135: error[yaml-too-deep]"),
        "at the 129th `[`: {text}"
    );
}

#[test]
fn the_command_allows_folders_and_escapes_terminal_codes() {
    let exe = env!("CARGO_BIN_EXE_oapi-client-gen");
    let dir = scratch("../shared/pet.yaml");
    std::fs::create_dir(dir.path().join("shared")).unwrap();
    std::fs::write(dir.path().join("shared/pet.yaml"), "type: object\n").unwrap();
    // A key with terminal escapes (clear the screen, then red), which a warning quotes.
    let spec = std::fs::read_to_string(dir.path().join("spec/pets.yaml")).unwrap();
    let spec = format!("{spec}\"evil\\e[2J\\e[31m\": x\n");
    std::fs::write(dir.path().join("spec/pets.yaml"), spec).unwrap();
    let run = |args: &[&str]| {
        let o = Command::new(exe)
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (code, stderr) = run(&["spec/pets.yaml", "--out", "out", "--verbose"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("error[file-outside-root]"), "{stderr}");
    assert!(stderr.contains("`allow_dirs`"), "{stderr}");
    let (code, stderr) = run(&[
        "spec/pets.yaml",
        "--out",
        "out",
        "--allow-dir",
        "shared",
        "--verbose",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("warning[non-standard-root-key]"),
        "{stderr}"
    );
    assert!(stderr.contains("`evil\\u{1b}[2J\\u{1b}[31m`"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "a raw escape reaches the terminal: {stderr}"
    );
}
