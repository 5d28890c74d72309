//! `DiskFiles`, the file source that `cli`, `xtask` and `build.rs` users read specs through,
//! against what a hostile spec can name: files outside its folder (by `..`, by an absolute
//! path, through a symbolic link), a FIFO, a device, a huge file, bytes that are not UTF-8.
//!
//! In: a scratch folder holding a spec folder (the root), a "secret" file beside it with a
//! marker, and whatever each test adds. Out: pass/fail. Each refusal must carry its diagnostic
//! code, name what to do, and never show the refused file's contents; a FIFO must not block.

use oapi_client_gen_core::{
    Config, DEFAULT_MAX_FILE_SIZE, Diagnostic, Diagnostics, DiskFiles, FileErrorKind, FileSource,
    Generated, Input, Severity,
};
use std::path::PathBuf;

/// What the secret file holds: if it shows up in a message, the file was read and quoted.
const SECRET: &str = "SECRET-MARKER-7f3a";

struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    /// `<tmp>/spec/` (the root) and `<tmp>/secret.yaml`, a passwd-like file with the marker.
    fn new() -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("spec")).unwrap();
        let secret = format!("{SECRET}:x:0:0:root:/root:/bin/bash\n");
        std::fs::write(dir.path().join("secret.yaml"), secret).unwrap();
        Scratch { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn root(&self) -> PathBuf {
        self.path("spec")
    }

    fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        std::fs::write(self.path(rel), bytes).unwrap();
    }

    /// `spec/openapi.yaml` whose one response schema is `$ref: <reference>`.
    fn spec_with_ref(&self, reference: &str) {
        self.write(
            "spec/openapi.yaml",
            format!(
                "openapi: 3.0.3
info: {{title: T, version: '1'}}
paths:
  /x:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '{reference}'}}
"
            ),
        );
    }
}

fn generate(files: &DiskFiles) -> Result<Generated, Diagnostics> {
    let input = Input {
        spec: "openapi.yaml".into(),
        display_name: "openapi.yaml".into(),
        ..Input::default()
    };
    oapi_client_gen_core::generate(&input, files)
}

/// The one error of a generation that must fail.
fn error(result: Result<Generated, Diagnostics>) -> (Diagnostic, String) {
    let diags = result.expect_err("generation must fail");
    let errors: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{diags}");
    (errors[0].clone(), diags.to_string())
}

#[test]
fn refs_out_of_the_root_are_refused_and_never_quoted() {
    let s = Scratch::new();
    let secret = s.path("secret.yaml");
    let secret_abs = secret.to_str().unwrap().to_owned();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&secret, s.path("spec/link.yaml")).unwrap();
    std::fs::create_dir(s.path("spec/sub")).unwrap();
    let passwd_style = format!("{}{}", "../".repeat(12), secret_abs.trim_start_matches('/'));
    let mut refs = vec![
        "../secret.yaml".to_owned(),
        "sub/../../secret.yaml".to_owned(),
        passwd_style,
        secret_abs.clone(),
    ];
    if cfg!(unix) {
        refs.push("link.yaml".to_owned());
    }
    for reference in &refs {
        s.spec_with_ref(reference);
        let files = DiskFiles::new(s.root());
        let (e, shown) = error(generate(&files));
        assert_eq!(e.code, "file-outside-root", "{reference}: {shown}");
        assert!(
            e.message.contains("`allow_dirs`"),
            "names the setting: {shown}"
        );
        assert!(
            e.help.as_deref().unwrap().contains("--allow-dir"),
            "{shown}"
        );
        assert_eq!(e.line_col, Some((11, 24)), "at the `$ref`: {shown}");
        assert!(
            !shown.contains(SECRET),
            "{reference}: contents shown: {shown}"
        );
        assert_eq!(files.files_read(), ["openapi.yaml"], "{reference}");
    }
    // Directly, too: the error is typed.
    let files = DiskFiles::new(s.root());
    let e = files.read("../secret.yaml").unwrap_err();
    assert_eq!(e.kind, FileErrorKind::OutsideRoot);
    assert!(!e.message.contains(SECRET));
    // A name outside the root is refused before the file system is asked: a missing file
    // there is not told apart from an existing one.
    let e = files.read("../no-such-file.yaml").unwrap_err();
    assert_eq!(e.kind, FileErrorKind::OutsideRoot);
}

#[test]
fn allowed_folders_and_named_files_are_read() {
    let s = Scratch::new();
    std::fs::create_dir(s.path("shared")).unwrap();
    s.write("shared/pet.yaml", "type: object\n");
    s.write("shared/other.yaml", "type: string\n");
    s.spec_with_ref("../shared/pet.yaml");
    // Refused by default, read once the folder is allowed.
    let (e, _) = error(generate(&DiskFiles::new(s.root())));
    assert_eq!(e.code, "file-outside-root");
    let files = DiskFiles::new(s.root()).allow_dir(s.path("shared"));
    generate(&files).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(files.files_read(), ["../shared/pet.yaml", "openapi.yaml"]);
    assert_eq!(
        files.paths_read(),
        [
            s.root().join("../shared/pet.yaml"),
            s.root().join("openapi.yaml")
        ]
    );
    // A file allowed by name is that file only.
    let files = DiskFiles::new(s.root()).allow_file(s.path("shared/pet.yaml"));
    assert!(files.read("../shared/pet.yaml").is_ok());
    let e = files.read("../shared/other.yaml").unwrap_err();
    assert_eq!(e.kind, FileErrorKind::OutsideRoot);
    // `allow_dirs` in codegen.toml, relative to the config's folder.
    let config = Config::parse(
        "codegen.toml",
        "spec = \"openapi.yaml\"\noutput = \"out\"\nallow_dirs = [\"../shared\"]\n",
    )
    .unwrap();
    let files = config.files(s.dir.path(), "spec");
    assert!(files.read("spec/openapi.yaml").is_ok());
    assert!(files.read("shared/pet.yaml").is_ok());
    let e = files.read("secret.yaml").unwrap_err();
    assert_eq!(
        e.kind,
        FileErrorKind::OutsideRoot,
        "names start at the workspace, reads do not"
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_blocking() {
    let s = Scratch::new();
    let fifo = std::ffi::CString::new(s.path("spec/fifo.yaml").to_str().unwrap()).unwrap();
    // SAFETY: `fifo` is a NUL-terminated path that outlives the call.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    s.spec_with_ref("fifo.yaml");
    let root = s.root();
    // Opening a FIFO that has no writer blocks a plain `open` forever: run it aside.
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let result = generate(&DiskFiles::new(root));
        let _ = send.send(result.err().map(|d| d.to_string()));
    });
    let shown = receive
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("reading a FIFO must not block")
        .expect("generation must fail");
    assert!(shown.contains("error[file-not-regular]"), "{shown}");
    assert!(shown.contains("is a FIFO"), "{shown}");
}

#[cfg(unix)]
#[test]
fn devices_and_folders_are_refused_even_where_allowed() {
    let s = Scratch::new();
    s.spec_with_ref("/dev/zero");
    let (e, shown) = error(generate(&DiskFiles::new(s.root())));
    assert_eq!(e.code, "file-outside-root", "{shown}");
    // `/dev/zero` never ends: read, it would fill memory.
    let (e, shown) = error(generate(&DiskFiles::new(s.root()).allow_dir("/dev")));
    assert_eq!(e.code, "file-not-regular", "{shown}");
    assert!(e.message.contains("character device"), "{shown}");
    std::fs::create_dir(s.path("spec/sub")).unwrap();
    s.spec_with_ref("sub");
    let (e, shown) = error(generate(&DiskFiles::new(s.root())));
    assert_eq!(e.code, "file-not-regular", "{shown}");
    assert!(e.message.contains("a folder"), "{shown}");
}

#[test]
fn files_over_the_size_cap_are_refused() {
    let s = Scratch::new();
    s.write(
        "spec/big.yaml",
        format!("description: {}\n", "x".repeat(200)),
    );
    s.spec_with_ref("big.yaml");
    let files = DiskFiles::new(s.root()).max_file_size(1000);
    assert!(generate(&files).is_ok(), "under the cap");
    let (e, shown) = error(generate(&DiskFiles::new(s.root()).max_file_size(100)));
    assert_eq!(e.code, "file-too-large", "{shown}");
    assert!(e.message.contains("100 bytes"), "{shown}");
    assert!(
        e.help.as_deref().unwrap().contains("max_file_size"),
        "{shown}"
    );
    // The default cap, against a sparse file just above it (no disk space, no reading).
    let huge = std::fs::File::create(s.path("spec/huge.yaml")).unwrap();
    huge.set_len(DEFAULT_MAX_FILE_SIZE + 1).unwrap();
    s.spec_with_ref("huge.yaml");
    let (e, shown) = error(generate(&DiskFiles::new(s.root())));
    assert_eq!(e.code, "file-too-large", "{shown}");
}

#[test]
fn bytes_that_are_not_utf8_are_located() {
    let s = Scratch::new();
    s.write("spec/latin1.yaml", b"type: object\ndescription: caf\xe9\n");
    s.spec_with_ref("latin1.yaml");
    let (e, shown) = error(generate(&DiskFiles::new(s.root())));
    assert_eq!(e.code, "file-not-utf8", "{shown}");
    assert_eq!(
        e.origin.file, "latin1.yaml",
        "in the file that is not UTF-8"
    );
    assert_eq!(e.line_col, Some((2, 17)), "{shown}");
    assert!(e.message.contains("byte 0xe9 at byte offset 29"), "{shown}");
    // The root spec itself.
    s.write("spec/openapi.yaml", b"openapi: 3.0.3\xff\n");
    let (e, shown) = error(generate(&DiskFiles::new(s.root())));
    assert_eq!(e.code, "file-not-utf8", "{shown}");
    assert_eq!(e.line_col, Some((1, 15)), "{shown}");
    assert!(!shown.contains("not found"), "{shown}");
}

#[test]
fn names_can_start_above_the_root() {
    // xtask: names like `specs/a/openapi.yaml` from the workspace, reads only below `specs/a`.
    let s = Scratch::new();
    s.write("spec/openapi.yaml", "a: 1\n");
    let files = DiskFiles::new(s.root()).names_relative_to(s.dir.path());
    assert_eq!(files.read("spec/openapi.yaml").unwrap(), "a: 1\n");
    let e = files.read("secret.yaml").unwrap_err();
    assert_eq!(e.kind, FileErrorKind::OutsideRoot);
    let e = files.read("spec/missing.yaml").unwrap_err();
    assert_eq!(e.kind, FileErrorKind::NotFound);
    assert_eq!(files.files_read(), ["spec/openapi.yaml"]);
}
