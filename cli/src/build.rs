//! The client from a `build.rs`: one file in `OUT_DIR` that the application `include!`s.
//!
//! ```no_run
//! // build.rs, the whole of its `fn main`:
//! oapi_client_gen::Build::new("openapi.yaml").name("petstore").run();
//! ```
//!
//! ```ignore
//! // src/main.rs or src/lib.rs: defines `pub mod petstore`.
//! include!(concat!(env!("OUT_DIR"), "/petstore.rs"));
//! ```
//!
//! This is the convention of `tonic-build` and progenitor, and it has the properties a build
//! script needs: nothing generated is checked in or written outside `OUT_DIR`, so a fresh
//! checkout builds; the file is written before the crate that includes it is compiled, so the
//! first build after a spec change compiles the new client; and every file the generator read
//! (the spec, the files its `$ref`s reach, the overlay, the package's `Cargo.toml`) is printed
//! as `cargo:rerun-if-changed`, so a change to any of them regenerates it, and nothing else
//! does.
//!
//! The generated code uses crates that the application must list under `[dependencies]`
//! ([`DEPENDENCIES`]): [`Build::generate`] reads the package's `Cargo.toml` and names the ones
//! missing, with the lines to add, instead of leaving rustc to report unresolved imports.
//!
//! [`Build::overlay`] needs this crate's `overlay` feature (the JSONPath library, and through
//! its macros a second `syn`); without it, naming an overlay is `error[overlay-unsupported]`.

use crate::{Error, Sources, relocate, sources};
use oapi_client_gen_core::{Diagnostics, Input, Settings};
use std::path::{Path, PathBuf};

/// The crates the generated code uses, as `[dependencies]` lines of `Cargo.toml`.
pub use oapi_client_gen_core::emit::DEPENDENCIES;

/// The client generated from a spec into `OUT_DIR`, from a `build.rs`.
#[derive(Debug, Clone)]
pub struct Build {
    spec: PathBuf,
    /// A `codegen.toml` giving the spec and the rest ([`Build::from_config`]).
    config: Option<PathBuf>,
    merge: Vec<PathBuf>,
    overlay: Option<PathBuf>,
    name: Option<String>,
    /// `None`: the config's, else the defaults.
    settings: Option<Settings>,
    allow_dirs: Vec<PathBuf>,
    max_file_size: u64,
    out_dir: Option<PathBuf>,
    manifest: Option<PathBuf>,
}

/// What [`Build::generate`] did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// The module the file defines (`pub mod petstore`).
    pub module: String,
    /// The file written, `$OUT_DIR/<module>.rs`.
    pub file: PathBuf,
    /// Whether the file had other contents (or none) and was written.
    pub written: bool,
    pub operations: usize,
    pub types: usize,
    /// The spec's warnings, located.
    pub warnings: Diagnostics,
    /// Every input file read (the package's `Cargo.toml` last), each printed as
    /// `cargo:rerun-if-changed`.
    pub inputs: Vec<PathBuf>,
}

impl Build {
    /// The client of the spec at `spec` (relative to the package's folder, where `build.rs` runs).
    pub fn new(spec: impl Into<PathBuf>) -> Self {
        Build {
            spec: spec.into(),
            config: None,
            merge: Vec::new(),
            overlay: None,
            name: None,
            settings: None,
            allow_dirs: Vec::new(),
            max_file_size: oapi_client_gen_core::DEFAULT_MAX_FILE_SIZE,
            out_dir: None,
            manifest: None,
        }
    }

    /// The client a `codegen.toml` describes (the file `cargo xtask codegen` and
    /// `oapi-client-gen --config` read, so a command and a build script can share it): its
    /// `spec`, `merge`, `overlay` and `allow_dirs`, relative to its folder, and its
    /// `[settings]`. Its `output` and `[package]` are for a crate and are not used here. Calls
    /// after it add to its lists (`merge`, `allow_dir`) and replace the rest (`overlay`,
    /// `settings`). The file is an input: a change to it regenerates the client.
    ///
    /// ```no_run
    /// // build.rs
    /// oapi_client_gen::Build::from_config("codegen.toml").name("petstore").run();
    /// ```
    pub fn from_config(config: impl Into<PathBuf>) -> Self {
        Build {
            config: Some(config.into()),
            ..Build::new("")
        }
    }

    /// The module's name, and the file's (`<name>.rs`); by default the spec's `info.title` made
    /// an identifier (`Swagger Petstore` → `swagger_petstore`).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// A further root document, merged into the spec's (repeatable, in order): its operations,
    /// components and tags are added; the same operation, or a component of the same name with
    /// other content, in two documents is an error (`merge-conflict`).
    pub fn merge(mut self, document: impl Into<PathBuf>) -> Self {
        self.merge.push(document.into());
        self
    }

    /// An OpenAPI Overlay 1.0 document of corrections, applied to the bundled spec (with the
    /// `overlay` feature; without it generation stops with `error[overlay-unsupported]`).
    pub fn overlay(mut self, overlay: impl Into<PathBuf>) -> Self {
        self.overlay = Some(overlay.into());
        self
    }

    /// The settings a `codegen.toml` or the command's options give (array style,
    /// `id_or_path`, pagination, names, lint levels).
    pub fn settings(mut self, settings: Settings) -> Self {
        self.settings = Some(settings);
        self
    }

    /// A folder besides the spec's own whose files `$ref`s may read (none by default).
    pub fn allow_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.allow_dirs.push(dir.into());
        self
    }

    /// The largest spec file read, in bytes ([`oapi_client_gen_core::DEFAULT_MAX_FILE_SIZE`] by default).
    pub fn max_file_size(mut self, bytes: u64) -> Self {
        self.max_file_size = bytes;
        self
    }

    /// Where the file goes instead of `OUT_DIR` (for tools that are not build scripts).
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// The `Cargo.toml` whose `[dependencies]` are checked instead of
    /// `$CARGO_MANIFEST_DIR/Cargo.toml`.
    pub fn manifest(mut self, manifest: impl Into<PathBuf>) -> Self {
        self.manifest = Some(manifest.into());
        self
    }

    /// Generates the client, writes `$OUT_DIR/<name>.rs` when its contents changed, and prints
    /// the `cargo:` lines: `rerun-if-changed` for every file read (also when generation fails,
    /// so that fixing the spec reruns it), and a `warning` for each of the spec's warnings.
    /// When the spec has errors, or the package lacks a dependency the client needs, nothing is
    /// written and the error says what to change.
    pub fn generate(&self) -> Result<BuildReport, Error> {
        let result = self.generate_quietly();
        let config: Vec<PathBuf> = self.config.iter().cloned().collect();
        let inputs = match &result {
            Ok(report) => &report.inputs,
            Err(Error::Generation { inputs, .. }) => inputs,
            // The config itself could not be read or parsed: fixing it reruns the script.
            Err(_) => &config,
        };
        for input in inputs {
            println!("cargo:rerun-if-changed={}", input.display());
        }
        if let Ok(report) = &result {
            for warning in report.warnings.iter() {
                // One line each: cargo shows a warning per line.
                let text = warning.to_string();
                let text: Vec<&str> = text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect();
                println!("cargo:warning={}", text.join(" "));
            }
        }
        result
    }

    /// [`Build::generate`], or the error on stderr and exit code 1: the whole of a `build.rs`.
    pub fn run(&self) -> BuildReport {
        match self.generate() {
            Ok(report) => report,
            Err(Error::Generation { diagnostics, .. }) => {
                // Cargo shows a failed build script's output as it is: no colors.
                eprint!("{}", diagnostics.render(false));
                eprintln!(
                    "error: generation failed with {} error(s); nothing was written",
                    diagnostics.errors()
                );
                std::process::exit(1);
            }
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(1);
            }
        }
    }

    /// [`Build::generate`] without printing anything.
    pub fn generate_quietly(&self) -> Result<BuildReport, Error> {
        let env_path = |name: &str| std::env::var_os(name).map(PathBuf::from);
        let out_dir = self
            .out_dir
            .clone()
            .or_else(|| env_path("OUT_DIR"))
            .ok_or(Error::NoOutDir)?;
        let resolved = self.resolved()?;
        let Sources {
            folder,
            spec,
            merge,
            fs,
            overlay,
            name,
        } = sources(
            &resolved.spec,
            &resolved.merge,
            &resolved.allow_dirs,
            resolved.overlay.as_deref(),
            self.max_file_size,
            self.name.as_deref(),
        );
        let module =
            oapi_client_gen_core::naming::snake_name(&crate::crate_name(&name).replace('-', "_"));
        let file_name = format!("{}.rs", oapi_client_gen_core::naming::bare(&module));
        let input = Input {
            spec: spec.clone(),
            merge,
            overlay,
            display_name: spec,
            settings: resolved.settings,
            package: None,
            layout: oapi_client_gen_core::emit::Layout::Module {
                name: module.clone(),
            },
            regenerate: "build again: `build.rs` regenerates it".to_owned(),
            emit_threads: 0,
            progress: None,
        };
        let result = oapi_client_gen_core::generate(&input, &fs);
        let mut inputs = fs.paths_read();
        inputs.extend(self.config.iter().cloned());
        let generated = result.map_err(|diagnostics| Error::Generation {
            diagnostics: relocate(diagnostics, &folder),
            inputs: inputs.clone(),
        })?;
        let manifest = self
            .manifest
            .clone()
            .or_else(|| env_path("CARGO_MANIFEST_DIR").map(|d| d.join("Cargo.toml")));
        if let Some(manifest) = manifest {
            check_dependencies(&manifest)?;
            // Read too: a dependency removed later is reported at the next build.
            inputs.push(manifest);
        }
        let contents = generated
            .files
            .into_iter()
            .next()
            .map(|f| f.contents)
            .unwrap_or_default();
        let file = out_dir.join(&file_name);
        let written = write_if_changed(&file, &contents)?;
        Ok(BuildReport {
            module,
            file,
            written,
            operations: generated.api.operations.len(),
            types: generated.api.types.defs.len(),
            warnings: relocate(generated.diagnostics, &folder),
            inputs,
        })
    }
}

/// What [`Build`] generates from: its own calls over its `codegen.toml`'s.
struct Resolved {
    spec: PathBuf,
    merge: Vec<PathBuf>,
    overlay: Option<PathBuf>,
    allow_dirs: Vec<PathBuf>,
    settings: Settings,
}

impl Build {
    fn resolved(&self) -> Result<Resolved, Error> {
        let Some(path) = &self.config else {
            return Ok(Resolved {
                spec: self.spec.clone(),
                merge: self.merge.clone(),
                overlay: self.overlay.clone(),
                allow_dirs: self.allow_dirs.clone(),
                settings: self.settings.clone().unwrap_or_default(),
            });
        };
        let (config, folder) = crate::load_config(path)?;
        let join = |p: &String| folder.join(p);
        Ok(Resolved {
            spec: join(&config.spec),
            merge: config
                .merge
                .iter()
                .map(join)
                .chain(self.merge.iter().cloned())
                .collect(),
            overlay: self.overlay.clone().or(config.overlay.as_ref().map(join)),
            allow_dirs: config
                .allow_dirs
                .iter()
                .map(join)
                .chain(self.allow_dirs.iter().cloned())
                .collect(),
            settings: self.settings.clone().unwrap_or(config.settings),
        })
    }
}

/// The crates of [`DEPENDENCIES`] that `manifest` does not list (under `[dependencies]`, by
/// key or by a renamed entry's `package`), as [`Error::Dependencies`].
fn check_dependencies(manifest: &Path) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: manifest.to_path_buf(),
        source,
    };
    let text = std::fs::read_to_string(manifest).map_err(io)?;
    let doc: toml::Table = toml::from_str(&text).map_err(|e| {
        io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            e.to_string(),
        ))
    })?;
    let mut listed = std::collections::BTreeSet::new();
    let mut add = |deps: Option<&toml::Value>| {
        for (key, value) in deps.and_then(toml::Value::as_table).into_iter().flatten() {
            let package = value.get("package").and_then(toml::Value::as_str);
            listed.insert(package.unwrap_or(key).to_owned());
        }
    };
    add(doc.get("dependencies"));
    for target in doc
        .get("target")
        .and_then(toml::Value::as_table)
        .into_iter()
        .flatten()
    {
        add(target.1.get("dependencies"));
    }
    let needed: toml::Table = toml::from_str(DEPENDENCIES).unwrap_or_default();
    let needed = needed
        .get("dependencies")
        .and_then(toml::Value::as_table)
        .cloned()
        .unwrap_or_default();
    let missing: Vec<String> = needed
        .keys()
        .filter(|k| !listed.contains(k.as_str()))
        .cloned()
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let lines = DEPENDENCIES
        .lines()
        .filter(|l| {
            l.split_once(" =")
                .is_some_and(|(k, _)| missing.iter().any(|m| m == k.trim()))
        })
        .collect::<Vec<_>>()
        .join("\n");
    Err(Error::Dependencies {
        manifest: manifest.to_path_buf(),
        missing,
        lines,
    })
}

/// Writes `contents` to `file` unless it holds them already (its time then stays), through a
/// file beside it renamed into place, so a reader never sees half of it.
fn write_if_changed(file: &Path, contents: &str) -> Result<bool, Error> {
    if std::fs::read(file).is_ok_and(|old| old == contents.as_bytes()) {
        return Ok(false);
    }
    let io = |source| Error::Io {
        path: file.to_path_buf(),
        source,
    };
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    std::io::Write::write_all(&mut temp, contents.as_bytes()).map_err(io)?;
    // Readable as any file the build writes (a temporary file is the owner's only).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let readable = std::fs::Permissions::from_mode(0o644);
        temp.as_file().set_permissions(readable).map_err(io)?;
    }
    temp.persist(file).map_err(|e| io(e.error))?;
    Ok(true)
}
