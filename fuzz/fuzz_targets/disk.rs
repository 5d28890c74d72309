//! Fuzz target `disk`: `DiskFiles` name resolution over arbitrary names.
//!
//! In: any bytes, used as a name (only UTF-8 ones get further), read through a `DiskFiles`
//! rooted at a scratch folder made once per process, `<tmp>/generator-fuzz-disk-<pid>/`:
//!
//! - `root/`: the root, with `a.yaml`, `sub/b.yaml`, `sub/up` (a link to `..`, so
//!   `sub/up/a.yaml` is inside), `out` (a link to the scratch folder, outside the root) and
//!   `fifo` (a FIFO, which a plain `open` would block on);
//! - `allowed/c.yaml`, in the one folder allowed besides the root;
//! - `secret.yaml`, outside both.
//!
//! Out: fails if a read returns anything but the text of a regular file below the root or the
//! allowed folder, if a name read successfully does not resolve (canonically) below one of them,
//! or if a read panics, blocks or runs out of memory (`/dev/zero` and the like).
#![no_main]

use oapi_client_gen_core::{DiskFiles, FileSource};
use libfuzzer_sys::fuzz_target;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The file contents, each recognizable: which file a read returned.
const INSIDE: [&str; 3] = ["A-INSIDE\n", "B-INSIDE\n", "C-ALLOWED\n"];
const SECRET: &str = "SECRET-OUTSIDE\n";

fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("generator-fuzz-disk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("root/sub")).unwrap();
        std::fs::create_dir_all(dir.join("allowed")).unwrap();
        std::fs::write(dir.join("root/a.yaml"), INSIDE[0]).unwrap();
        std::fs::write(dir.join("root/sub/b.yaml"), INSIDE[1]).unwrap();
        std::fs::write(dir.join("allowed/c.yaml"), INSIDE[2]).unwrap();
        std::fs::write(dir.join("secret.yaml"), SECRET).unwrap();
        std::os::unix::fs::symlink("..", dir.join("root/sub/up")).unwrap();
        std::os::unix::fs::symlink(&dir, dir.join("root/out")).unwrap();
        let status = std::process::Command::new("mkfifo")
            .arg(dir.join("root/fifo"))
            .status()
            .unwrap();
        assert!(status.success());
        dir.canonicalize().unwrap()
    })
}

fn below(path: &Path, dir: &Path) -> bool {
    path.canonicalize().is_ok_and(|p| p.starts_with(dir))
}

fuzz_target!(|data: &[u8]| {
    let Ok(name) = std::str::from_utf8(data) else {
        return;
    };
    let dir = scratch();
    let root = dir.join("root");
    let allowed = dir.join("allowed");
    let files = DiskFiles::new(&root).allow_dir(&allowed);
    match files.read(name) {
        Ok(text) => {
            assert!(INSIDE.contains(&text.as_str()), "{name:?} read {text:?}");
            assert!(
                below(&root.join(name), &root) || below(&root.join(name), &allowed),
                "{name:?} was read from outside"
            );
            assert_eq!(files.files_read(), [name]);
        }
        Err(e) => {
            assert!(!e.message.contains(SECRET.trim()), "{name:?}: {e}");
            assert!(files.files_read().is_empty());
        }
    }
});
