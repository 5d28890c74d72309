//! The spec's files on disk, read so that a spec cannot make the generator read anything else.
//!
//! In: a root folder (the spec's), optionally more folders and single files the user allows,
//! and the names the pipeline asks for (`/`-separated, relative to the root, or absolute, as
//! `$ref`s resolve them). Out: each file's text, or a typed [`FileError`] saying why not. A
//! spec is input from anyone, and a `build.rs` generates from whatever spec a dependency ships,
//! so a name is only read when all of these hold:
//!
//! - it lies below the root or an allowed folder (`allow_dirs`), or is an allowed file: first
//!   by its path with `.` and `..` removed, without touching the file system, then by its
//!   canonical path (symbolic links followed), so neither `../../etc/passwd`, nor `/etc/passwd`,
//!   nor a link inside the root that leads out of it is read;
//! - it is a regular file: checked before opening and again on the opened file, which on unix is
//!   opened non-blocking and without following a last symbolic link, so a FIFO never blocks and
//!   a device is never read;
//! - it is at most [`DEFAULT_MAX_FILE_SIZE`] bytes (or the cap set), read through a bounded
//!   reader, so a file that grows or lies about its size (`/dev/zero`-like) cannot fill memory;
//! - it is UTF-8 ([`FileErrorKind::NotUtf8`] gives the first invalid byte's position).
//!
//! Every file read is recorded ([`DiskFiles::files_read`]), for `cargo:rerun-if-changed`.

use crate::load::{FileError, FileErrorKind, FileSource};
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// The largest file [`DiskFiles`] reads unless told otherwise: 64 MiB (the largest spec of the
/// corpus is 3.7 MB).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// A [`FileSource`] over the files below one root folder (see the module documentation).
#[derive(Debug)]
pub struct DiskFiles {
    /// Names are paths relative to this folder.
    base: PathBuf,
    /// The root first, then the folders allowed besides it.
    dirs: Vec<Allowed>,
    /// Single files allowed wherever they are (named by the user, like an overlay).
    files: Vec<Allowed>,
    max_size: u64,
    read: Mutex<BTreeSet<String>>,
}

/// A folder or file that may be read, by two paths: absolute with `.` and `..` removed (how
/// names are checked before the file system is asked) and canonical (how the opened path is
/// checked; None when it does not exist).
#[derive(Debug, Clone)]
struct Allowed {
    lexical: PathBuf,
    canonical: Option<PathBuf>,
}

impl Allowed {
    fn new(path: &Path) -> Allowed {
        let path = if path.as_os_str().is_empty() {
            Path::new(".")
        } else {
            path
        };
        Allowed {
            lexical: lexical(path),
            canonical: std::fs::canonicalize(path).ok(),
        }
    }
}

/// `path` made absolute (against the current folder) with `.` and `..` removed, without asking
/// the file system what any part is.
fn lexical(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in absolute.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

impl DiskFiles {
    /// Reads the files below `root`, named relative to it.
    pub fn new(root: impl AsRef<Path>) -> DiskFiles {
        let root = root.as_ref();
        DiskFiles {
            base: root.to_path_buf(),
            dirs: vec![Allowed::new(root)],
            files: Vec::new(),
            max_size: DEFAULT_MAX_FILE_SIZE,
            read: Mutex::default(),
        }
    }

    /// Names are relative to `base` instead of the root (which still bounds what is read):
    /// `cargo xtask codegen` names `specs/gitlab/openapi.yaml` from the workspace but reads only
    /// below `specs/gitlab`.
    pub fn names_relative_to(mut self, base: impl AsRef<Path>) -> DiskFiles {
        self.base = base.as_ref().to_path_buf();
        self
    }

    /// Also reads the files below `dir` (relative to the current folder, or absolute): the
    /// `allow_dirs` setting.
    pub fn allow_dir(mut self, dir: impl AsRef<Path>) -> DiskFiles {
        self.dirs.push(Allowed::new(dir.as_ref()));
        self
    }

    /// Also reads `file` (relative to the current folder, or absolute), wherever it is: for the
    /// files the user names, like an overlay given on the command line.
    pub fn allow_file(mut self, file: impl AsRef<Path>) -> DiskFiles {
        self.files.push(Allowed::new(file.as_ref()));
        self
    }

    /// Refuses files larger than `bytes` ([`DEFAULT_MAX_FILE_SIZE`] by default).
    pub fn max_file_size(mut self, bytes: u64) -> DiskFiles {
        self.max_size = bytes;
        self
    }

    /// The names read so far, sorted.
    pub fn files_read(&self) -> Vec<String> {
        self.read().iter().cloned().collect()
    }

    /// The paths read so far (each name joined to the folder names are relative to), sorted by
    /// name: what `cargo:rerun-if-changed=` wants.
    pub fn paths_read(&self) -> Vec<PathBuf> {
        self.read().iter().map(|n| self.base.join(n)).collect()
    }

    fn read(&self) -> std::sync::MutexGuard<'_, BTreeSet<String>> {
        // The set is only ever inserted into, so a panic elsewhere cannot leave it broken.
        self.read
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The root's path as the messages show it.
    fn root(&self) -> String {
        let root = &self.dirs[0];
        root.canonical
            .as_ref()
            .unwrap_or(&root.lexical)
            .display()
            .to_string()
    }

    fn outside(&self, what: String) -> FileError {
        FileError::new(
            FileErrorKind::OutsideRoot,
            format!(
                "{what}, outside the spec's folder `{}` and any folder allowed with `allow_dirs`",
                self.root()
            ),
        )
    }

    /// Where `name` may be read from: its canonical path, once both checks pass.
    fn check(&self, name: &str) -> Result<PathBuf, FileError> {
        let path = self.base.join(name);
        let lexical = lexical(&path);
        let below = |p: &Path, a: &Allowed, dir: bool| {
            let matches = |q: &Path| if dir { p.starts_with(q) } else { p == q };
            matches(&a.lexical) || a.canonical.as_deref().is_some_and(matches)
        };
        let allowed = |p: &Path| {
            self.dirs.iter().any(|a| below(p, a, true))
                || self.files.iter().any(|a| below(p, a, false))
        };
        if !allowed(&lexical) {
            return Err(self.outside(format!("it is `{}`", lexical.display())));
        }
        let canonical = std::fs::canonicalize(&path)
            .map_err(|e| FileError::not_found(format!("{}: {e}", path.display())))?;
        let inside = self.dirs.iter().any(|a| {
            a.canonical
                .as_deref()
                .is_some_and(|d| canonical.starts_with(d))
        }) || self
            .files
            .iter()
            .any(|a| a.canonical.as_deref() == Some(canonical.as_path()));
        if !inside {
            return Err(self.outside(format!(
                "a symbolic link makes it `{}`",
                canonical.display()
            )));
        }
        Ok(canonical)
    }

    fn not_regular(&self, path: &Path, meta: &std::fs::Metadata) -> Result<(), FileError> {
        if meta.is_file() {
            return Ok(());
        }
        let what = file_type(meta.file_type());
        Err(FileError::new(
            FileErrorKind::NotRegular,
            format!("`{}` is {what}, not a regular file", path.display()),
        ))
    }

    fn too_large(&self, path: &Path, size: u64) -> Result<(), FileError> {
        if size <= self.max_size {
            return Ok(());
        }
        Err(FileError::new(
            FileErrorKind::TooLarge,
            format!(
                "`{}` is larger than the {} bytes a spec file may have (`max_file_size`)",
                path.display(),
                self.max_size
            ),
        ))
    }
}

/// What a file that is not a regular file is, for messages.
fn file_type(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a folder"
    } else if t.is_symlink() {
        "a symbolic link"
    } else {
        "something else"
    }
}

/// Opens `path` for reading without blocking (a FIFO without a writer would block `open`
/// forever) and without following a symbolic link in its last component (the path is canonical,
/// so one there was put in place after the check).
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    }
    options.open(path)
}

impl FileSource for DiskFiles {
    fn read(&self, name: &str) -> Result<String, FileError> {
        let path = self.check(name)?;
        let unreadable =
            |e: std::io::Error| FileError::not_found(format!("{}: {e}", path.display()));
        // Before opening: opening some devices does something (a tape rewinds).
        let meta = std::fs::metadata(&path).map_err(unreadable)?;
        self.not_regular(&path, &meta)?;
        self.too_large(&path, meta.len())?;
        // And on the opened file, which is the one read, whatever was renamed in between.
        let file = open(&path).map_err(unreadable)?;
        let meta = file.metadata().map_err(unreadable)?;
        self.not_regular(&path, &meta)?;
        self.too_large(&path, meta.len())?;
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        // One byte more than allowed tells a file that grew past the cap from one at it.
        file.take(self.max_size.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(unreadable)?;
        self.too_large(&path, bytes.len() as u64)?;
        let text = FileError::utf8(bytes)?;
        self.read().insert(name.to_owned());
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_paths_drop_dots_without_asking_the_file_system() {
        assert_eq!(lexical(Path::new("/a/b/../c/./d")), Path::new("/a/c/d"));
        assert_eq!(lexical(Path::new("/a/../../../etc")), Path::new("/etc"));
        assert!(lexical(Path::new("x")).is_absolute());
    }
}
