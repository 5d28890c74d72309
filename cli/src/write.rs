//! Writing a generated crate into its folder: only into a folder the generator owns, only when
//! something changed, and never half a crate.
//!
//! **Ownership.** The writer records what it wrote in a manifest at the crate's root,
//! [`MANIFEST`] (`.oapi-client-gen.json`: the generator's name and the sorted list of the
//! files it generated). It writes into a missing or empty folder, or one whose manifest it
//! wrote; a non-empty folder without a manifest, an unreadable manifest, or a planned file
//! where a file the manifest does not list already sits, is [`Error::NotOwned`] and nothing is
//! written — unless `force`, which takes the folder over (planned files replace what is there;
//! every other file is kept). Files of the previous manifest that the plan no longer produces
//! are removed; no other file is ever deleted or replaced.
//!
//! **Steps of [`write`]** (a crash between any two leaves the output path holding the complete
//! previous folder, the complete new one, or — between the two renames — nothing, with the
//! previous folder in a backup sibling that the next run puts back):
//! 1. refuse when the folder is the current directory or contains it ([`Error::CurrentDir`]);
//! 2. recover: if the folder is missing and one backup sibling is present (a run was
//!    interrupted between its renames), rename the backup back (several: [`Error::Interrupted`]);
//!    a backup beside an existing folder is cleaned as in step 6;
//! 3. compare the plan (with its manifest) with the folder; if equal, stop: nothing is written;
//! 4. build the complete new folder as a sibling staging folder with a unique name
//!    (`.<name>.oapi-client-gen-staging-<random>`): the folder's subfolders recreated, every
//!    file that is not generated (the user's) and every unchanged generated file hard-linked
//!    (copied when linking fails, with its modification time), changed files written (and
//!    synced); files of the previous manifest that are no longer planned are left out;
//! 5. swap: rename the folder to `.<name>.oapi-client-gen-backup-<same random>`, check that
//!    the folder moved away is the one read in step 3 (else another run replaced it meanwhile:
//!    put it back, [`Error::Concurrent`]), rename the staging folder to the output path (if that
//!    fails, put the backup back);
//! 6. remove the backup, file by file: a file is deleted only when it was generated (listed in
//!    the manifest, or replaced under `force`) or when the new folder holds the same file (the
//!    same inode, or the same bytes); anything else — a file the user added while this ran — is
//!    kept, and the backup with it, reported in [`Changes::leftovers`].
//!
//! Concurrent runs on one folder never leave a mix: each builds its own staging folder, only
//! complete folders are ever renamed to the output path, and a swap whose folder changed since
//! it was read fails with [`Error::Concurrent`] (the other run's crate stays whole).
//!
//! **For tests only:** when the environment variable [`ABORT_AFTER_ENV`] holds a number N, the
//! writer calls [`std::process::abort`] right after its N-th change to the file system
//! (creating, linking, writing, renaming or removing one thing), to test crash safety.

use crate::Error;
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::{OsStr, OsString};
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};

/// The manifest's file name, at the crate's root.
pub const MANIFEST: &str = ".oapi-client-gen.json";
/// The generator's name in the manifest.
const GENERATOR: &str = "oapi-client-gen";
/// Test-only fault injection: abort the process after this many file-system changes.
pub const ABORT_AFTER_ENV: &str = "OAPI_CLIENT_GEN_TEST_ABORT_AFTER";
/// Random characters in staging and backup names.
const RANDOM_LEN: usize = 10;

/// How a folder differs from the planned files (paths relative to the folder, `/`-separated,
/// sorted). The plan includes the [`MANIFEST`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Planned files missing from the folder or with other contents.
    pub changed: Vec<String>,
    /// Planned files already on disk as planned.
    pub unchanged: Vec<String>,
    /// Files the previous manifest lists that the plan no longer produces.
    pub stale: Vec<String>,
    /// Folders beside the output folder left by interrupted or concurrent runs (a staging
    /// folder: generated files and links to the folder's; a backup that still holds files the
    /// new folder does not). Nothing in them was deleted: check them, then remove them.
    pub leftovers: Vec<PathBuf>,
}

impl Changes {
    /// Whether the folder already holds exactly the plan.
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.stale.is_empty()
    }
}

/// Why the writer does not own a folder (see [`Error::NotOwned`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotOwned {
    /// The folder is not empty and has no manifest: the files where the plan puts its own
    /// (else the folder's first entries).
    NoManifest { files: Vec<String> },
    /// The manifest is not one this generator wrote, or does not parse.
    BadManifest { reason: String },
    /// Files the manifest does not list sit where the plan puts files.
    Collisions { files: Vec<String> },
}

/// The manifest: which generator wrote the folder and which files it wrote (itself excluded).
#[derive(serde::Serialize, serde::Deserialize)]
struct Manifest {
    generator: String,
    #[serde(default)]
    note: String,
    files: Vec<String>,
}

/// The manifest's text for a plan: deterministic (sorted files), one file per line.
fn manifest_text(files: &BTreeMap<String, String>) -> String {
    let manifest = Manifest {
        generator: GENERATOR.to_owned(),
        note: "The files oapi-client-gen generated in this folder: it replaces or removes \
               only these. Every other file here is kept."
            .to_owned(),
        files: files.keys().filter(|p| *p != MANIFEST).cloned().collect(),
    };
    let mut text = serde_json::to_string_pretty(&manifest).expect("a manifest serializes");
    text.push('\n');
    text
}

/// The files a manifest lists, when this generator wrote it and every path is a plain relative
/// path (a manifest naming `../x` or `/x` is not trusted).
fn parse_manifest(text: &str) -> Result<BTreeSet<String>, String> {
    let manifest: Manifest = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if manifest.generator != GENERATOR {
        return Err(format!("written by `{}`", manifest.generator));
    }
    for file in &manifest.files {
        let plain = !file.is_empty()
            && Path::new(file)
                .components()
                .all(|c| matches!(c, Component::Normal(_)));
        if !plain || file == MANIFEST {
            return Err(format!("it lists `{file}`"));
        }
    }
    Ok(manifest.files.into_iter().collect())
}

/// The plan with its manifest.
fn with_manifest(files: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut plan = files.clone();
    plan.insert(MANIFEST.to_owned(), manifest_text(files));
    plan
}

/// What [`scan`] learned about a folder.
struct Scan {
    changes: Changes,
    /// The plan, manifest included.
    plan: BTreeMap<String, String>,
    /// Whether the folder exists.
    exists: bool,
    /// The manifest's text as read (to recognise the same folder at the swap).
    manifest_text: Option<String>,
    /// Files of the folder the generator may replace or delete: the manifest's, the manifest
    /// itself, and under `force` the files the plan replaces.
    disposable: BTreeSet<String>,
}

/// Compares the planned files with what `dir` holds and checks that the writer owns it; reads,
/// never writes. `Err` when writing would be refused ([`Error::NotOwned`]) or `dir` cannot be
/// read.
pub fn changes(
    dir: &Path,
    files: &BTreeMap<String, String>,
    force: bool,
) -> Result<Changes, Error> {
    let dir = resolve(dir)?;
    let mut scan = scan(&dir, files, force)?;
    scan.changes.leftovers = leftovers(&dir);
    Ok(scan.changes)
}

/// [`scan_once`] until the folder's manifest is the same before and after (another run may swap
/// the folder meanwhile, and a view half of one folder and half of another decides nothing).
fn scan(dir: &Path, files: &BTreeMap<String, String>, force: bool) -> Result<Scan, Error> {
    let manifest = || std::fs::read(dir.join(MANIFEST)).ok();
    for _ in 0..5 {
        let before = manifest();
        let result = scan_once(dir, files, force);
        if manifest() == before && !matches!(result, Err(Error::Concurrent { .. })) {
            return result;
        }
    }
    Err(Error::Concurrent {
        dir: dir.to_path_buf(),
        backup: None,
    })
}

fn scan_once(dir: &Path, files: &BTreeMap<String, String>, force: bool) -> Result<Scan, Error> {
    let plan = with_manifest(files);
    let exists = match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => true,
        Ok(_) => {
            return Err(io_error(
                dir,
                io::Error::other("exists and is not a folder"),
            ));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => return Err(io_error(dir, e)),
    };
    let mut manifest_text = None;
    let mut owned = BTreeSet::new();
    if exists {
        let path = dir.join(MANIFEST);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                match parse_manifest(&text) {
                    Ok(files) => owned = files,
                    Err(reason) if !force => {
                        return Err(not_owned(dir, NotOwned::BadManifest { reason }));
                    }
                    Err(_) => {}
                }
                manifest_text = Some(text);
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) if e.kind() == io::ErrorKind::InvalidData && force => {}
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                let reason = e.to_string();
                return Err(not_owned(dir, NotOwned::BadManifest { reason }));
            }
            Err(e) => return Err(io_error(&path, e)),
        }
    }
    let collisions: Vec<String> = plan
        .keys()
        .filter(|p| *p != MANIFEST && !owned.contains(*p))
        .filter(|p| exists && std::fs::symlink_metadata(dir.join(p)).is_ok())
        .cloned()
        .collect();
    if exists && manifest_text.is_none() && !force {
        let entries = entries(dir)?;
        if !entries.is_empty() {
            let files = if collisions.is_empty() {
                entries
            } else {
                collisions
            };
            return Err(not_owned(dir, NotOwned::NoManifest { files }));
        }
    }
    if !collisions.is_empty() && !force {
        return Err(not_owned(dir, NotOwned::Collisions { files: collisions }));
    }
    let mut changes = Changes::default();
    for (path, contents) in &plan {
        let same =
            exists && std::fs::read(dir.join(path)).ok().as_deref() == Some(contents.as_bytes());
        if same {
            changes.unchanged.push(path.clone());
        } else {
            changes.changed.push(path.clone());
        }
    }
    changes.stale = owned
        .iter()
        .filter(|p| !plan.contains_key(*p))
        .filter(|p| std::fs::symlink_metadata(dir.join(p)).is_ok_and(|m| !m.is_dir()))
        .cloned()
        .collect();
    let mut disposable = owned;
    disposable.insert(MANIFEST.to_owned());
    if force {
        disposable.extend(collisions);
    }
    Ok(Scan {
        changes,
        plan,
        exists,
        manifest_text,
        disposable,
    })
}

/// Writes the plan into `dir` (created when missing) as the module documentation describes, and
/// returns what changed: files written, unchanged, removed, and folders left beside it. Nothing
/// is written when the folder already holds the plan; `force` takes over a folder the writer
/// does not own.
pub fn write(dir: &Path, files: &BTreeMap<String, String>, force: bool) -> Result<Changes, Error> {
    let mut steps = Steps::from_env();
    let dir = resolve(dir)?;
    refuse_current_dir(&dir)?;
    let (parent, name) = split(&dir)?;
    recover(&dir, &parent, &name, &mut steps)?;
    let scan = scan(&dir, files, force)?;
    if scan.changes.is_empty() {
        let mut changes = scan.changes;
        changes.leftovers = leftovers(&dir);
        return Ok(changes);
    }

    // 4. The complete new folder, beside the output folder (so renames stay on one file system).
    std::fs::create_dir_all(&parent).map_err(|e| io_error(&parent, e))?;
    let mut staging = tempfile::Builder::new()
        .prefix(&sibling_prefix(&name, "staging"))
        .rand_bytes(RANDOM_LEN)
        .tempdir_in(&parent)
        .map_err(|e| io_error(&parent, e))?;
    steps.step();
    if let Ok(meta) = std::fs::metadata(&dir) {
        let _ = std::fs::set_permissions(staging.path(), meta.permissions());
    }
    let (written, unchanged) = build(&dir, staging.path(), &scan, &mut steps)?;

    // 5. The swap.
    let backup = backup_path(&parent, &name, staging.path());
    if scan.exists {
        match std::fs::rename(&dir, &backup) {
            Ok(()) => steps.step(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(Error::Concurrent { dir, backup: None });
            }
            Err(e) => return Err(io_error(&dir, e)),
        }
        // The folder moved away must be the one the staging folder was built from.
        let moved = std::fs::read_to_string(backup.join(MANIFEST)).ok();
        if moved != scan.manifest_text {
            let _ = std::fs::rename(&backup, &dir);
            let backup = backup.exists().then_some(backup);
            return Err(Error::Concurrent { dir, backup });
        }
    }
    if let Err(e) = std::fs::rename(staging.path(), &dir) {
        let exists = std::fs::symlink_metadata(&dir).is_ok();
        if !scan.exists {
            return Err(if exists {
                Error::Concurrent { dir, backup: None }
            } else {
                io_error(&dir, e)
            });
        }
        // Put the previous folder back where it was.
        return Err(match std::fs::rename(&backup, &dir) {
            Ok(()) if !exists => io_error(&dir, e),
            // Put back, or restored by another run (step 2 of its own).
            _ => Error::Concurrent {
                backup: backup.exists().then_some(backup),
                dir,
            },
        });
    }
    staging.disable_cleanup(true);
    steps.step();
    sync_dir(&parent);

    // 6. The previous folder, minus what the new one holds.
    if scan.exists {
        remove_backup(&backup, &dir, &scan.disposable, &mut steps);
    }
    Ok(Changes {
        changed: written,
        unchanged,
        stale: scan.changes.stale,
        leftovers: leftovers(&dir),
    })
}

/// Fills `staging` with the new folder: `dir`'s subfolders and files kept (linked), the plan's
/// files linked when unchanged or written. Returns the files written and those linked.
fn build(
    dir: &Path,
    staging: &Path,
    scan: &Scan,
    steps: &mut Steps,
) -> Result<(Vec<String>, Vec<String>), Error> {
    if scan.exists {
        for entry in walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name() {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(dir).to_path_buf();
                match vanished(dir, e.into()) {
                    Error::Io { source, .. } => io_error(&path, source),
                    concurrent => concurrent,
                }
            })?;
            let rel_path = entry.path().strip_prefix(dir).expect("below the folder");
            let target = staging.join(rel_path);
            if entry.file_type().is_dir() {
                std::fs::create_dir(&target).map_err(|e| io_error(&target, e))?;
                if let Ok(meta) = entry.metadata() {
                    let _ = std::fs::set_permissions(&target, meta.permissions());
                }
                steps.step();
                continue;
            }
            let rel = relative(rel_path);
            if scan.plan.contains_key(&rel) || scan.disposable.contains(&rel) {
                continue;
            }
            link_or_copy(entry.path(), &target).map_err(|e| match vanished(dir, e) {
                Error::Io { source, .. } => io_error(entry.path(), source),
                concurrent => concurrent,
            })?;
            steps.step();
        }
    }
    let (mut written, mut unchanged) = (Vec::new(), Vec::new());
    for (rel, contents) in &scan.plan {
        let target = staging.join(rel);
        let folder = target.parent().expect("a file has a folder");
        if !folder.exists() {
            std::fs::create_dir_all(folder).map_err(|e| io_error(folder, e))?;
            steps.step();
        }
        // Linked, then compared: what the staging folder holds is what was compared, even if
        // the file at the old path is replaced meanwhile.
        if scan.exists
            && link_or_copy(&dir.join(rel), &target).is_ok()
            && std::fs::read(&target).ok().as_deref() == Some(contents.as_bytes())
        {
            unchanged.push(rel.clone());
        } else {
            let _ = std::fs::remove_file(&target);
            write_synced(&target, contents.as_bytes()).map_err(|e| io_error(&target, e))?;
            written.push(rel.clone());
        }
        steps.step();
    }
    Ok((written, unchanged))
}

/// Step 2: a folder missing with one backup beside it gets the backup back; backups beside an
/// existing folder are cleaned (what they hold that the folder does not is kept).
fn recover(dir: &Path, parent: &Path, name: &OsStr, steps: &mut Steps) -> Result<(), Error> {
    let backups = siblings(parent, &sibling_prefix(name, "backup"));
    if std::fs::symlink_metadata(dir).is_ok() {
        for backup in backups {
            let mut disposable = std::fs::read_to_string(backup.join(MANIFEST))
                .ok()
                .and_then(|text| parse_manifest(&text).ok())
                .unwrap_or_default();
            disposable.insert(MANIFEST.to_owned());
            remove_backup(&backup, dir, &disposable, steps);
        }
        return Ok(());
    }
    match backups.as_slice() {
        [] => Ok(()),
        [backup] => match std::fs::rename(backup, dir) {
            Ok(()) => {
                steps.step();
                Ok(())
            }
            // Put back meanwhile by another run, or the interrupted one finished.
            Err(_) if std::fs::symlink_metadata(dir).is_ok() => Ok(()),
            Err(e) => Err(io_error(backup, e)),
        },
        _ => Err(Error::Interrupted {
            dir: dir.to_path_buf(),
            backups,
        }),
    }
}

/// Deletes the backup's files that are generated (`disposable`) or that `dir` holds as well,
/// then its manifest (last, so that an interrupted removal still knows which files are
/// generated), then its emptied folders. Keeps anything else (the user's files only the backup
/// holds; the backup is then reported among the leftovers).
fn remove_backup(backup: &Path, dir: &Path, disposable: &BTreeSet<String>, steps: &mut Steps) {
    // Whether a file to delete could not be (or was not seen).
    let mut failed = false;
    let mut remove = |result: io::Result<()>, failed: &mut bool| match result {
        Ok(()) => steps.step(),
        // Another run cleaning the same backup.
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(_) => *failed = true,
    };
    let mut folders = Vec::new();
    for entry in walkdir::WalkDir::new(backup).contents_first(true) {
        let Ok(entry) = entry else {
            failed = true;
            continue;
        };
        let rel_path = entry.path().strip_prefix(backup).expect("below the backup");
        if entry.file_type().is_dir() {
            folders.push(entry.into_path());
        } else if rel_path == Path::new(MANIFEST) {
            // Removed last, below.
        } else if disposable.contains(&relative(rel_path))
            || same_entry(entry.path(), &dir.join(rel_path))
        {
            remove(std::fs::remove_file(entry.path()), &mut failed);
        }
    }
    if failed {
        return;
    }
    let manifest = backup.join(MANIFEST);
    remove(std::fs::remove_file(&manifest), &mut failed);
    for folder in folders {
        // Folders that still hold a kept file stay.
        let _ = std::fs::remove_dir(&folder).map(|()| steps.step());
    }
}

/// Whether `b` holds what `a` holds: the same file (hard link), the same symbolic link, or a
/// regular file with the same bytes.
fn same_entry(a: &Path, b: &Path) -> bool {
    let (Ok(ma), Ok(mb)) = (std::fs::symlink_metadata(a), std::fs::symlink_metadata(b)) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if (ma.dev(), ma.ino()) == (mb.dev(), mb.ino()) {
            return true;
        }
    }
    if ma.file_type().is_symlink() || mb.file_type().is_symlink() {
        return ma.file_type() == mb.file_type()
            && std::fs::read_link(a)
                .ok()
                .is_some_and(|t| std::fs::read_link(b).ok() == Some(t));
    }
    ma.is_file()
        && mb.is_file()
        && ma.len() == mb.len()
        && matches!((std::fs::read(a), std::fs::read(b)), (Ok(x), Ok(y)) if x == y)
}

/// A hard link to `from` at `to`, else a copy with `from`'s modification time (a symbolic link
/// is copied as a link).
fn link_or_copy(from: &Path, to: &Path) -> io::Result<()> {
    if std::fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    let meta = std::fs::symlink_metadata(from)?;
    #[cfg(unix)]
    if meta.file_type().is_symlink() {
        return std::os::unix::fs::symlink(std::fs::read_link(from)?, to);
    }
    std::fs::copy(from, to)?;
    let modified = meta.modified()?;
    std::fs::File::options()
        .write(true)
        .open(to)?
        .set_modified(modified)
}

/// Writes a new file and waits until its bytes are on disk (renamed into place afterwards).
fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = std::fs::File::create_new(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Makes a rename in `dir` durable where the platform allows syncing a folder.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// The output folder as an absolute path; an existing one canonical (a symbolic link to a
/// folder is followed, so the folder it points to is replaced, not the link).
fn resolve(dir: &Path) -> Result<PathBuf, Error> {
    match dir.canonicalize() {
        Ok(path) => Ok(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            std::path::absolute(dir).map_err(|e| io_error(dir, e))
        }
        Err(e) => Err(io_error(dir, e)),
    }
}

/// The folder's parent and name (`/` or a path ending in `..` has none).
fn split(dir: &Path) -> Result<(PathBuf, OsString), Error> {
    match (dir.parent(), dir.file_name()) {
        (Some(parent), Some(name)) => Ok((parent.to_path_buf(), name.to_owned())),
        _ => Err(io_error(
            dir,
            io::Error::other("the output folder needs a parent folder and a name"),
        )),
    }
}

/// Step 1: the folder is renamed away and back, which would leave a shell inside it in a
/// deleted folder.
fn refuse_current_dir(dir: &Path) -> Result<(), Error> {
    let cwd = std::env::current_dir().and_then(|d| d.canonicalize());
    match cwd {
        Ok(cwd) if cwd.starts_with(dir) => Err(Error::CurrentDir {
            dir: dir.to_path_buf(),
        }),
        _ => Ok(()),
    }
}

/// `.<name>.oapi-client-gen-<kind>-`: how staging and backup siblings of `<name>` begin.
fn sibling_prefix(name: &OsStr, kind: &str) -> OsString {
    let mut prefix = OsString::from(".");
    prefix.push(name);
    prefix.push(format!(".oapi-client-gen-{kind}-"));
    prefix
}

/// The backup's name: the staging folder's random part after the backup prefix (unique as
/// long as the staging folder exists, which is until the backup exists).
fn backup_path(parent: &Path, name: &OsStr, staging: &Path) -> PathBuf {
    let staging_name = staging
        .file_name()
        .expect("a temporary folder has a name")
        .to_string_lossy();
    let random = &staging_name[staging_name.len() - RANDOM_LEN..];
    let mut backup = sibling_prefix(name, "backup");
    backup.push(random);
    parent.join(backup)
}

/// The entries of `parent` whose names begin with `prefix`, sorted.
fn siblings(parent: &Path, prefix: &OsStr) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .as_encoded_bytes()
                .starts_with(prefix.as_encoded_bytes())
        })
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

/// Staging and backup folders of `dir` left beside it.
fn leftovers(dir: &Path) -> Vec<PathBuf> {
    let Ok((parent, name)) = split(dir) else {
        return Vec::new();
    };
    let mut prefix = OsString::from(".");
    prefix.push(&name);
    prefix.push(".oapi-client-gen-");
    siblings(&parent, &prefix)
}

/// The names in `dir`, sorted.
fn entries(dir: &Path) -> Result<Vec<String>, Error> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| vanished(dir, e))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    Ok(names)
}

/// A path below the folder as the plan and the manifest spell it.
fn relative(path: &Path) -> String {
    let parts: Vec<_> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    parts.join("/")
}

/// An error reading the output folder `dir`: when something in it is no longer found, the
/// folder was swapped or removed meanwhile.
fn vanished(dir: &Path, source: io::Error) -> Error {
    if source.kind() == io::ErrorKind::NotFound {
        Error::Concurrent {
            dir: dir.to_path_buf(),
            backup: None,
        }
    } else {
        io_error(dir, source)
    }
}

fn io_error(path: &Path, source: io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn not_owned(dir: &Path, why: NotOwned) -> Error {
    Error::NotOwned {
        dir: dir.to_path_buf(),
        why,
    }
}

/// Counts the writer's changes to the file system, for the test-only fault injection
/// ([`ABORT_AFTER_ENV`]).
struct Steps {
    done: usize,
    abort_after: Option<usize>,
}

impl Steps {
    fn from_env() -> Steps {
        let abort_after = std::env::var(ABORT_AFTER_ENV)
            .ok()
            .and_then(|n| n.parse().ok());
        Steps {
            done: 0,
            abort_after,
        }
    }

    /// One change made; aborts the process when the fault injection says so.
    fn step(&mut self) {
        self.done += 1;
        if self.abort_after == Some(self.done) {
            eprintln!("{ABORT_AFTER_ENV}: aborting after step {}", self.done);
            std::process::abort();
        }
    }
}
