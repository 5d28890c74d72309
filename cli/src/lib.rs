//! Generates a Rust client crate from any OpenAPI document, on disk: the library behind the
//! `oapi-client-gen` command, and what a `build.rs` calls.
//!
//! In: [`Options`] (the spec's path, an optional overlay, the output folder, the crate's name
//! and version, [`oapi_client_gen_core::Settings`], the folders besides the spec's that may be read). The
//! spec's files are read through a [`oapi_client_gen_core::DiskFiles`] rooted at the spec's folder: `$ref`s
//! are relative to the spec, and only regular UTF-8 files below its folder (or below
//! [`Options::allow_dirs`], or the overlay named) are read, up to [`Options::max_file_size`].
//! Out: the output folder holds `Cargo.toml`, `src/*.rs`, `openapi.json` (the effective
//! spec) and `.oapi-client-gen.json` (the manifest of the files generated there), and a
//! [`Report`] says what was written, what was already up to date, what was removed, which
//! warnings the spec raised and which input files were read.
//!
//! Everything is generated in memory first: when generation fails nothing is written, and the
//! [`Error`] carries every located diagnostic. The writer ([`write`]) writes only into a
//! missing or empty folder or one it generated before (its manifest says so), never deletes or
//! replaces a file it did not write ([`Error::NotOwned`]; [`Options::force`] takes a folder
//! over), writes nothing when the folder is up to date, and otherwise builds the complete new
//! folder beside the old one (the user's files linked in) and swaps it in with renames, so no
//! reader and no crash ever sees half a crate. Generated files the spec no longer produces are
//! removed.
//!
//! ```no_run
//! // build.rs
//! let options = oapi_client_gen::Options::new("openapi.yaml", "petstore-client");
//! match oapi_client_gen::generate_crate(&options) {
//!     Ok(report) => {
//!         for input in &report.inputs {
//!             println!("cargo:rerun-if-changed={}", input.display());
//!         }
//!     }
//!     Err(e) => panic!("{e}"),
//! }
//! ```

pub mod build;
pub mod write;

pub use build::{Build, BuildReport};

use oapi_client_gen_core::{DiskFiles, FileSource, Input};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The settings and diagnostics of the generator, so that a `build.rs` needs no other
/// dependency.
pub use oapi_client_gen_core::{
    Diagnostic, Diagnostics, OperationNames, Pagination, Progress, QueryArrayStyle, Settings,
    Severity, Stage, UndocumentedStrings,
};
pub use write::Changes;

/// What to generate, and where.
#[derive(Debug, Clone)]
pub struct Options {
    /// The spec's root file (YAML or JSON; OpenAPI 3.x or Swagger 2.0).
    pub spec: PathBuf,
    /// Further root documents merged into the spec's (`--merge`), in order: the same operation,
    /// or a component of the same name with other content, in two of them is an error.
    pub merge: Vec<PathBuf>,
    /// An OpenAPI Overlay 1.0 document applied to the bundled spec, if any.
    pub overlay: Option<PathBuf>,
    /// The crate's folder; created when missing.
    pub out_dir: PathBuf,
    /// The crate's package name; `None` derives it from the spec's `info.title`, else from the
    /// spec's file name ([`crate_name`]).
    pub name: Option<String>,
    /// The crate's version.
    pub version: String,
    /// The rest of the crate's `[package]` (`description`, `license`, `crate_doc`,
    /// `dev-dependencies`), as a `codegen.toml` gives it (`--config`); its `name` and `version`
    /// are replaced by [`Options::name`] and [`Options::version`].
    pub package: Option<oapi_client_gen_core::emit::Package>,
    /// Choices the spec itself does not express (array query style, id-or-path parameters).
    pub settings: Settings,
    /// Write into `out_dir` even when the generator does not own it (no manifest, or files the
    /// manifest does not list where generated files go): planned files replace what is there,
    /// every other file is kept. Needed once for a folder generated before the manifest existed.
    pub force: bool,
    /// Folders besides the spec's own whose files `$ref`s may read (`--allow-dir`); none by
    /// default, so a spec cannot make a build read `../../etc/passwd`.
    pub allow_dirs: Vec<PathBuf>,
    /// The largest spec file read, in bytes ([`oapi_client_gen_core::DEFAULT_MAX_FILE_SIZE`] by default).
    pub max_file_size: u64,
    /// The command that regenerates the crate, named in its files' `@generated` headers
    /// (`oapi-client-gen openapi.yaml --out petstore`); `None` names `oapi-client-gen`.
    pub command: Option<String>,
    /// Told where generation is ([`Stage`]), for a progress line.
    pub progress: Option<Progress>,
}

impl Options {
    /// Options for `spec` → `out_dir`, everything else by default (derived name, `0.1.0`).
    pub fn new(spec: impl Into<PathBuf>, out_dir: impl Into<PathBuf>) -> Self {
        Options {
            spec: spec.into(),
            merge: Vec::new(),
            overlay: None,
            out_dir: out_dir.into(),
            name: None,
            version: "0.1.0".to_owned(),
            package: None,
            settings: Settings::default(),
            force: false,
            allow_dirs: Vec::new(),
            max_file_size: oapi_client_gen_core::DEFAULT_MAX_FILE_SIZE,
            command: None,
            progress: None,
        }
    }
}

/// What a run did (or, from [`check_crate`], would do).
#[derive(Debug, Clone)]
pub struct Report {
    /// The crate's package name.
    pub crate_name: String,
    /// How many operations and types the client has.
    pub operations: usize,
    pub types: usize,
    /// Files written because they were missing or different (paths relative to the output
    /// folder); from [`check_crate`], the files that are stale.
    pub written: Vec<String>,
    /// Files that already had the generated contents.
    pub unchanged: Vec<String>,
    /// Generated files removed because the spec no longer produces them; from
    /// [`check_crate`], the ones that would be removed.
    pub removed: Vec<String>,
    /// The spec's warnings, located (file paths as the caller named the spec's folder).
    pub warnings: Diagnostics,
    /// Every input file read (for `cargo:rerun-if-changed=`).
    pub inputs: Vec<PathBuf>,
    /// Folders beside the output folder left by interrupted or concurrent runs
    /// ([`Changes::leftovers`]): nothing in them was deleted; check them, then remove them.
    pub leftovers: Vec<PathBuf>,
}

impl Report {
    /// Whether the output folder already held exactly what the spec generates.
    pub fn is_fresh(&self) -> bool {
        self.written.is_empty() && self.removed.is_empty()
    }
}

/// Why a run failed. Nothing was written.
#[derive(Debug)]
pub enum Error {
    /// The spec (or overlay) has errors: every diagnostic, located, warnings included.
    Generation {
        diagnostics: Diagnostics,
        /// The input files read before generation stopped.
        inputs: Vec<PathBuf>,
    },
    /// A file could not be read, written or removed.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The output folder holds files the generator did not write: nothing was written.
    /// [`Options::force`] (`--force`) takes it over.
    NotOwned { dir: PathBuf, why: write::NotOwned },
    /// The output folder is the current directory or contains it: replacing it would leave the
    /// process (and the shell that started it) in a deleted folder. Nothing was written.
    CurrentDir { dir: PathBuf },
    /// Another run replaced the output folder while this one wrote it: this run's files were not
    /// put in place (the folder holds the other run's, whole). `backup`: where the previous
    /// folder is when it could not be put back.
    Concurrent {
        dir: PathBuf,
        backup: Option<PathBuf>,
    },
    /// The output folder is missing and several backups of it, left by interrupted runs, are
    /// beside it: which to restore is the user's choice. Nothing was written.
    Interrupted { dir: PathBuf, backups: Vec<PathBuf> },
    /// [`Build`] ran outside a build script (no `OUT_DIR`) and was given no folder.
    NoOutDir,
    /// A `codegen.toml` ([`Build::from_config`], `--config`) could not be read or is not one:
    /// the TOML error, located, or the key that is wrong.
    Config { path: PathBuf, message: String },
    /// The package that includes the client does not list crates the client uses. Nothing was
    /// written.
    Dependencies {
        /// Its `Cargo.toml`.
        manifest: PathBuf,
        /// The crates missing.
        missing: Vec<String>,
        /// Their `[dependencies]` lines.
        lines: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Generation { diagnostics, .. } => {
                write!(
                    f,
                    "generation failed with {} error(s):\n{diagnostics}",
                    diagnostics.errors()
                )?;
                f.write_str("nothing was written")
            }
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::NotOwned { dir, why } => {
                let dir = dir.display();
                let list = |files: &[String]| {
                    let mut list = files
                        .iter()
                        .take(10)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ");
                    if files.len() > 10 {
                        list.push_str(&format!(" and {} more", files.len() - 10));
                    }
                    list
                };
                match why {
                    write::NotOwned::NoManifest { files } => write!(
                        f,
                        "{dir} is not empty and oapi-client-gen did not generate it (it has no \
                         {manifest}); it holds {}.\nNothing was written. Choose a new or empty \
                         folder, or take this one over with --force (`Options::force`): the \
                         generated files replace what is at their paths, every other file is \
                         kept. A folder generated by a version before the manifest needs \
                         --force once.",
                        list(files),
                        manifest = write::MANIFEST,
                    ),
                    write::NotOwned::BadManifest { reason } => write!(
                        f,
                        "{dir}/{manifest} is not oapi-client-gen's manifest ({reason}).\n\
                         Nothing was written. To let oapi-client-gen take the folder over, \
                         run again with --force (`Options::force`).",
                        manifest = write::MANIFEST,
                    ),
                    write::NotOwned::Collisions { files } => write!(
                        f,
                        "{dir}: oapi-client-gen would replace files it did not write: {}.\n\
                         Nothing was written. Move them away, or replace them with --force \
                         (`Options::force`).",
                        list(files),
                    ),
                }
            }
            Error::CurrentDir { dir } => write!(
                f,
                "{} is the current directory or contains it: the folder is replaced by a new \
                 one, which would leave this shell in a deleted folder. Nothing was written; \
                 run from outside it (`cd ..`).",
                dir.display()
            ),
            Error::Concurrent { dir, backup: None } => write!(
                f,
                "{} changed while this run wrote it (another run at the same time?): this \
                 run's files were not put in place; the folder is whole as the other left it. \
                 Run again.",
                dir.display()
            ),
            Error::Concurrent {
                dir,
                backup: Some(backup),
            } => write!(
                f,
                "{} changed while this run wrote it (another run at the same time?): this \
                 run's files were not put in place, and the previous folder could not be put \
                 back: it is at {}.",
                dir.display(),
                backup.display()
            ),
            Error::Interrupted { dir, backups } => {
                write!(
                    f,
                    "{} is missing and interrupted runs left several backups of it:",
                    dir.display()
                )?;
                for backup in backups {
                    write!(f, "\n  {}", backup.display())?;
                }
                write!(
                    f,
                    "\nNothing was written. Rename the one to keep to {} and run again.",
                    dir.display()
                )
            }
            Error::Config { path, message } => {
                write!(f, "{}: {message}", path.display())
            }
            Error::NoOutDir => f.write_str(
                "OUT_DIR is not set: `Build` writes into the folder cargo gives a build script. \
                 Call it from `build.rs`, or name a folder with `Build::out_dir`.",
            ),
            Error::Dependencies {
                manifest,
                missing,
                lines,
            } => write!(
                f,
                "the generated client uses crates that {} does not list: {}.\nNothing was \
                 written. Add them under [dependencies]:\n\n{lines}",
                manifest.display(),
                missing.join(", ")
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Generates the crate and writes what changed into `options.out_dir` ([`write::write`]).
pub fn generate_crate(options: &Options) -> Result<Report, Error> {
    let (planned, mut report) = plan(options)?;
    let changes = write::write(&options.out_dir, &planned, options.force)?;
    fill(&mut report, changes);
    Ok(report)
}

/// Generates the crate in memory and compares it with `options.out_dir`, writing nothing:
/// [`Report::is_fresh`] says whether the folder is up to date. Fails as [`generate_crate`]
/// would when the generator does not own the folder.
pub fn check_crate(options: &Options) -> Result<Report, Error> {
    let (planned, mut report) = plan(options)?;
    let changes = write::changes(&options.out_dir, &planned, options.force)?;
    fill(&mut report, changes);
    Ok(report)
}

fn fill(report: &mut Report, changes: Changes) {
    report.written = changes.changed;
    report.unchanged = changes.unchanged;
    report.removed = changes.stale;
    report.leftovers = changes.leftovers;
}

/// Runs the generator: the crate's files (path relative to the crate → contents) and a report
/// without file lists yet.
fn plan(options: &Options) -> Result<(BTreeMap<String, String>, Report), Error> {
    let (generated, name, folder, inputs) = run(options)?;
    let report = Report {
        crate_name: name,
        operations: generated.api.operations.len(),
        types: generated.api.types.defs.len(),
        written: Vec::new(),
        unchanged: Vec::new(),
        removed: Vec::new(),
        warnings: relocate(generated.diagnostics.clone(), &folder),
        inputs,
        leftovers: Vec::new(),
    };
    Ok((crate_files(generated), report))
}

/// Generates in memory and writes nothing: the IR, the effective spec, the files and the
/// diagnostics, for tools that look at more than the files (`cargo xtask corpus-examples`).
pub fn generate_in_memory(options: &Options) -> Result<oapi_client_gen_core::Generated, Error> {
    run(options).map(|(generated, ..)| generated)
}

/// One generation: what it gave, the client's name, the spec's folder and the files read.
fn run(
    options: &Options,
) -> Result<
    (
        oapi_client_gen_core::Generated,
        String,
        PathBuf,
        Vec<PathBuf>,
    ),
    Error,
> {
    let Sources {
        folder,
        spec,
        merge,
        fs,
        overlay,
        name,
    } = sources(
        &options.spec,
        &options.merge,
        &options.allow_dirs,
        options.overlay.as_deref(),
        options.max_file_size,
        options.name.as_deref(),
    );
    let input = Input {
        spec: spec.clone(),
        merge,
        overlay,
        display_name: spec,
        settings: options.settings.clone(),
        package: Some(oapi_client_gen_core::emit::Package {
            name: name.clone(),
            version: options.version.clone(),
            ..options.package.clone().unwrap_or_default()
        }),
        layout: oapi_client_gen_core::emit::Layout::Crate,
        regenerate: format!(
            "run `{}`",
            options.command.as_deref().unwrap_or("oapi-client-gen")
        ),
        emit_threads: 0,
        progress: options.progress.clone(),
    };
    let result = oapi_client_gen_core::generate(&input, &fs);
    let inputs = fs.paths_read();
    match result {
        Ok(generated) => Ok((generated, name, folder, inputs)),
        Err(diagnostics) => Err(Error::Generation {
            diagnostics: relocate(diagnostics, &folder),
            inputs,
        }),
    }
}

/// What a generation reads from: the spec's folder, its file name there, the files it may read
/// (only the spec's folder, the folders the caller allows, and the files the caller names), the
/// overlay as generation names it, and the client's name (the caller's, else the spec's).
struct Sources {
    folder: PathBuf,
    spec: String,
    merge: Vec<String>,
    fs: DiskFiles,
    overlay: Option<String>,
    name: String,
}

fn sources(
    spec: &Path,
    merge: &[PathBuf],
    allow_dirs: &[PathBuf],
    overlay: Option<&Path>,
    max_file_size: u64,
    name: Option<&str>,
) -> Sources {
    let folder = spec.parent().map(Path::to_path_buf).unwrap_or_default();
    let file = spec
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let mut fs = DiskFiles::new(&folder)
        .max_file_size(max_file_size)
        .allow_file(spec);
    for dir in allow_dirs {
        fs = fs.allow_dir(dir);
    }
    if let Some(overlay) = overlay {
        fs = fs.allow_file(overlay);
    }
    for file in merge {
        fs = fs.allow_file(file);
    }
    let name = match name {
        Some(name) => name.to_owned(),
        None => default_name(&fs, &folder, &file),
    };
    Sources {
        overlay: overlay_name(overlay, &folder),
        merge: merge
            .iter()
            .filter_map(|m| overlay_name(Some(m), &folder))
            .collect(),
        folder,
        spec: file,
        fs,
        name,
    }
}

/// The overlay (or a merged document) as generation names it: relative to the spec's folder when it lies below it, so
/// that diagnostics name it as the caller does; otherwise by its absolute path.
fn overlay_name(overlay: Option<&Path>, folder: &Path) -> Option<String> {
    overlay.map(|o| match o.strip_prefix(folder) {
        Ok(rel) if !folder.as_os_str().is_empty() => rel.to_string_lossy().replace('\\', "/"),
        _ => std::path::absolute(o)
            .unwrap_or_else(|_| o.to_path_buf())
            .to_string_lossy()
            .into_owned(),
    })
}

/// A generation's files as a crate folder holds them: the generator's (`Cargo.toml`,
/// `src/*.rs`) and the effective spec as `openapi.json`; path relative to the crate → contents.
pub fn crate_files(generated: oapi_client_gen_core::Generated) -> BTreeMap<String, String> {
    let mut files: BTreeMap<String, String> = generated
        .files
        .into_iter()
        .map(|f| (f.path, f.contents))
        .collect();
    files.insert("openapi.json".to_owned(), generated.effective_spec);
    files
}

/// Diagnostics name files relative to the spec's folder; the caller knows that folder by the
/// path it gave, so prefix it and the locations can be opened from where the caller stands.
fn relocate(mut diagnostics: Diagnostics, folder: &Path) -> Diagnostics {
    if !folder.as_os_str().is_empty() {
        for d in &mut diagnostics.0 {
            d.origin.file = folder.join(&d.origin.file).to_string_lossy().into_owned();
        }
    }
    diagnostics
}

/// A `codegen.toml` read and parsed: the settings and inputs of a client, the same file
/// `cargo xtask codegen`, `oapi-client-gen --config` and [`Build::from_config`] read. Its paths
/// are relative to its folder, which is returned with it.
pub fn load_config(path: &Path) -> Result<(oapi_client_gen_core::Config, PathBuf), Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let config =
        oapi_client_gen_core::Config::from_toml(&text).map_err(|message| Error::Config {
            path: path.to_path_buf(),
            message,
        })?;
    let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok((config, folder))
}

/// The spec's `info.title` made a crate name, its letters spelled in ASCII (`Ünïcode` →
/// `unicode`, `用户` → `yong-hu`); without a title that has a letter or digit, its file name's
/// (`ipinfodb.com.json` → `ipinfodb-com`), unless that is a name every spec could have
/// (`openapi.yaml`, `swagger.json`, `spec.yaml`, `openapi_v2.yaml`): then its folder's
/// (`petstore/openapi.yaml` → `petstore`). A spec that cannot be read or parsed gets the same
/// fallback (generation then reports why). Read and parsed as generation reads them, with the
/// same bounds on size, kind of file and nesting.
fn default_name(fs: &DiskFiles, folder: &Path, spec: &str) -> String {
    let title = fs
        .read(spec)
        .ok()
        .and_then(|text| oapi_client_gen_core::load::parse(spec, &text).ok())
        .and_then(|doc| {
            doc.get("info")?
                .get("title")?
                .as_str()
                .map(deunicode::deunicode)
        })
        .filter(|t| t.chars().any(|c| c.is_ascii_alphanumeric()));
    if let Some(title) = title {
        return crate_name(&title);
    }
    let file = Path::new(spec);
    let stem = file
        .file_stem()
        .map_or(spec.into(), |s| s.to_string_lossy());
    let from_file = crate_name(&deunicode::deunicode(&stem));
    if !generic_name(&from_file) {
        return from_file;
    }
    // The folder's name, as the path names it or, for `.` and the like, as it is on disk.
    let named = folder.join(file).parent().map(Path::to_path_buf);
    let folder_name = named
        .as_deref()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| n != "." && n != "..")
        .or_else(|| {
            let absolute = std::path::absolute(named.as_deref().unwrap_or(folder)).ok()?;
            let canonical = absolute.canonicalize().unwrap_or(absolute);
            Some(canonical.file_name()?.to_string_lossy().into_owned())
        })
        .map(|n| crate_name(&deunicode::deunicode(&n)));
    match folder_name {
        Some(name) if !generic_name(&name) && name != "api" => name,
        _ => from_file,
    }
}

/// A crate name every spec could have: `openapi`, `swagger`, `spec`, `schema`, `api-docs`, …,
/// with or without a version (`openapi-v2`, `swagger2`, `spec3`).
fn generic_name(name: &str) -> bool {
    const GENERIC: &[&str] = &[
        "api",
        "apis",
        "api-docs",
        "api-spec",
        "definition",
        "doc",
        "docs",
        "index",
        "main",
        "oas",
        "openapi",
        "openapi-spec",
        "root",
        "schema",
        "spec",
        "specification",
        "specs",
        "swagger",
        "swagger-spec",
    ];
    let bare = name.trim_end_matches(|c: char| c.is_ascii_digit());
    let bare = bare
        .strip_suffix("-v")
        .unwrap_or(bare)
        .trim_end_matches(['-', '.']);
    let bare = bare.strip_suffix("-client").unwrap_or(bare);
    GENERIC.contains(&bare)
}

/// Makes any text a valid, conventional crate name: lowercase ASCII letters, digits and single
/// dashes, starting with a letter, at most 64 characters, and not a name cargo reserves
/// (`Swagger Petstore` → `swagger-petstore`, `3D API` → `api-3d-api`, `test` → `test-client`).
pub fn crate_name(text: &str) -> String {
    let mut name = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let mut name = name.trim_end_matches('-').to_owned();
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        name = if name.is_empty() {
            "api".to_owned()
        } else {
            format!("api-{name}")
        };
    }
    name.truncate(64);
    let mut name = name.trim_end_matches('-').to_owned();
    // Keywords and the names of the standard crates make `cargo` refuse or warn.
    const RESERVED: &[&str] = &[
        "alloc",
        "as",
        "async",
        "await",
        "build",
        "core",
        "crate",
        "deps",
        "examples",
        "fn",
        "for",
        "if",
        "impl",
        "in",
        "let",
        "loop",
        "match",
        "mod",
        "move",
        "proc-macro",
        "self",
        "std",
        "super",
        "test",
        "trait",
        "type",
        "use",
        "where",
        "while",
    ];
    if RESERVED.contains(&name.as_str()) {
        name.push_str("-client");
    }
    name
}

#[cfg(test)]
mod tests {
    use super::{crate_name, default_name, generic_name};
    use oapi_client_gen_core::DiskFiles;
    use std::path::Path;

    #[test]
    fn generic_file_names_are_known() {
        for generic in [
            "openapi",
            "openapi-v2",
            "swagger",
            "swagger2",
            "spec3",
            "api-docs",
            "api",
        ] {
            assert!(generic_name(generic), "{generic}");
        }
        for own in [
            "petstore",
            "ipinfodb-com",
            "openapi-petstore",
            "gitlab-full",
        ] {
            assert!(!generic_name(own), "{own}");
        }
    }

    #[test]
    fn default_names_come_from_the_title_else_the_file_else_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let write = |path: &str, text: &str| {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        let name = |folder: &str, file: &str| {
            let folder = dir.path().join(folder);
            default_name(&DiskFiles::new(&folder), &folder, file)
        };
        write(
            "a/petstore/openapi.yaml",
            "openapi: 3.0.0\ninfo: {title: 'Пример API', version: '1'}\npaths: {}\n",
        );
        assert_eq!(name("a/petstore", "openapi.yaml"), "primer-api");
        write(
            "b/petstore/openapi.yaml",
            "openapi: 3.0.0\ninfo: {title: '', version: '1'}\npaths: {}\n",
        );
        assert_eq!(name("b/petstore", "openapi.yaml"), "petstore");
        write(
            "c/petstore/ipinfodb.com.json",
            r#"{"openapi": "3.0.0", "info": {"title": "", "version": "1"}, "paths": {}}"#,
        );
        assert_eq!(name("c/petstore", "ipinfodb.com.json"), "ipinfodb-com");
        // No title at all, and a YAML `true` where the title goes.
        write(
            "d/billing/swagger_v2.yaml",
            "swagger: '2.0'\ninfo: {title: true}\npaths: {}\n",
        );
        assert_eq!(name("d/billing", "swagger_v2.yaml"), "billing");
        // A folder whose name is as generic keeps the file's.
        write("e/specs/openapi.yaml", "openapi: 3.0.0\npaths: {}\n");
        assert_eq!(name("e/specs", "openapi.yaml"), "openapi");
        // Unreadable: the same fallback.
        assert_eq!(name("f/shop", "openapi.yaml"), "shop");
        assert!(Path::new(&dir.path().join("f")).read_dir().is_err());
    }

    #[test]
    fn crate_names_are_valid() {
        assert_eq!(crate_name("Swagger Petstore"), "swagger-petstore");
        assert_eq!(crate_name("  GitLab API v4 (beta) "), "gitlab-api-v4-beta");
        assert_eq!(crate_name("3D printing"), "api-3d-printing");
        assert_eq!(crate_name("Ünïcode only ✓"), "n-code-only");
        assert_eq!(
            crate_name(&deunicode::deunicode("Ünïcode only")),
            "unicode-only"
        );
        assert_eq!(crate_name("✓✓"), "api");
        assert_eq!(crate_name("test"), "test-client");
        assert_eq!(crate_name("std"), "std-client");
        assert_eq!(crate_name(&"a".repeat(100)).len(), 64);
        assert_eq!(crate_name(&format!("{}-b", "a".repeat(63))), "a".repeat(63));
    }
}
