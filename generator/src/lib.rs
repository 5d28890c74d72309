//! OpenAPI to Rust client generator that works on the specs people really have.
//!
//! The pipeline, one direction, every stage a pure function over owned data:
//!
//! ```text
//! spec files ─load/bundle─▶ Value ─normalize─▶ openapiv3::OpenAPI ─lower─▶ ir::Api ─emit─▶ files
//! ```
//!
//! [`generate`] runs it all. Files are read through a [`load::FileSource`]; nothing here writes
//! any. Every problem is a [`diag::Diagnostic`] with file, line:column and JSON pointer; warnings
//! never stop generation, errors stop it at the end of the stage that found them.

pub mod bundle;
pub mod diag;
pub mod disk;
pub mod emit;
pub mod ir;
pub mod load;
pub mod lower;
pub mod naming;
pub mod normalize;
pub mod overlay;
pub mod source;
pub mod walk;

pub use diag::{Diagnostic, Diagnostics, Severity};
pub use disk::{DEFAULT_MAX_FILE_SIZE, DiskFiles};
pub use emit::File;
pub use load::{FileError, FileErrorKind, FileSource, MemoryFiles};
pub use normalize::{
    Cursor, OperationNames, Pagination, QueryArrayStyle, Settings, UndocumentedStrings,
};

/// What to generate from.
#[derive(Debug, Clone, Default)]
pub struct Input {
    /// The root file of the spec, as the [`FileSource`] names it.
    pub spec: String,
    /// Further root documents, merged into the spec's in this order (`normalize::merge`): its
    /// `info`, `servers` and `security` stand; the same operation or a component of the same
    /// name with other content in two of them is an error.
    pub merge: Vec<String>,
    /// An OpenAPI Overlay 1.0 document applied after bundling, if any.
    pub overlay: Option<String>,
    /// How the spec is named in the `@generated` header of the output.
    pub display_name: String,
    pub settings: Settings,
    /// The client crate's package; when given, a `Cargo.toml` is emitted too.
    pub package: Option<emit::Package>,
    /// A crate of its own, or one file for a `build.rs` to `include!`.
    pub layout: emit::Layout,
    /// How to regenerate the output, named in its `@generated` header ([`emit::Options`]):
    /// "run `cargo xtask codegen`".
    pub regenerate: String,
    /// Threads that emit and format the files; 0 (the default) uses every core. The output is
    /// the same whatever the number.
    pub emit_threads: usize,
    /// Told where generation is, for a progress line ([`Stage`]); none by default.
    pub progress: Option<Progress>,
}

/// Where a generation is, told to [`Input::progress`] as each stage starts, and as each file
/// is emitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading the spec's files and bundling their `$ref`s.
    Loading,
    /// Applying the overlay and the quirk fixes, converting to OpenAPI 3.0.
    Normalizing,
    /// Deciding types, operations and names.
    Lowering,
    /// Building and formatting the files: `done` of `total`.
    Emitting { done: usize, total: usize },
}

/// A function told each [`Stage`]; called from emission's worker threads too.
#[derive(Clone)]
pub struct Progress(pub std::sync::Arc<dyn Fn(Stage) + Send + Sync>);

impl Progress {
    pub fn new(f: impl Fn(Stage) + Send + Sync + 'static) -> Self {
        Progress(std::sync::Arc::new(f))
    }

    fn tell(progress: Option<&Progress>, stage: Stage) {
        if let Some(p) = progress {
            (p.0)(stage);
        }
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress(..)")
    }
}

/// A successful generation.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The client's source files (`src/…`), formatted.
    pub files: Vec<File>,
    /// The effective spec: bundled into one file, overlay applied, quirks fixed (pretty JSON).
    pub effective_spec: String,
    pub api: ir::Api,
    /// Warnings, located and sorted.
    pub diagnostics: Diagnostics,
}

/// Runs the whole pipeline. On error, returns every diagnostic found up to the failing stage.
pub fn generate(input: &Input, fs: &dyn FileSource) -> Result<Generated, Diagnostics> {
    let mut run = Run {
        sources: source::SourceMap::new(),
        provenance: Vec::new(),
        remap: normalize::swagger2::Remap::default(),
        diags: Diagnostics::default(),
    };
    let outcome = run.stages(input, fs);
    run.diags
        .apply_levels(&input.settings.allow, &input.settings.deny);
    let roots: Vec<&str> = std::iter::once(input.spec.as_str())
        .chain(input.merge.iter().map(String::as_str))
        .collect();
    let diagnostics = locate(
        run.diags,
        &run.provenance,
        &run.remap,
        &run.sources,
        fs,
        &roots,
    );
    match outcome {
        Some((files, effective_spec, api)) if !diagnostics.has_errors() => Ok(Generated {
            files,
            effective_spec,
            api,
            diagnostics,
        }),
        _ => Err(diagnostics),
    }
}

/// What one generation gathers besides its result: sources and provenance for locating
/// diagnostics, and the diagnostics themselves.
struct Run {
    sources: source::SourceMap,
    /// Of each root document: the spec's, then `merge`'s.
    provenance: Vec<bundle::Provenance>,
    remap: normalize::swagger2::Remap,
    diags: Diagnostics,
}

impl Run {
    /// The stages in order; `None` as soon as one ends with an error.
    fn stages(
        &mut self,
        input: &Input,
        fs: &dyn FileSource,
    ) -> Option<(Vec<File>, String, ir::Api)> {
        self.check_codes(&input.settings);
        let progress = input.progress.as_ref();
        Progress::tell(progress, Stage::Loading);
        let (bundled, diags) = bundle::bundle(&input.spec, fs);
        self.diags.extend(diags);
        let bundled = bundled?;
        for (file, text) in &bundled.files {
            self.sources.add(file.clone(), text.clone());
        }
        self.provenance.push(bundled.provenance);
        let mut merged = Vec::new();
        for file in &input.merge {
            let (other, diags) = bundle::bundle(file, fs);
            self.diags.extend(diags);
            let Some(other) = other else { continue };
            for (file, text) in &other.files {
                self.sources.add(file.clone(), text.clone());
            }
            self.provenance.push(other.provenance);
            merged.push(other.doc);
        }
        if self.failed(&input.settings) {
            return None;
        }
        Progress::tell(progress, Stage::Normalizing);
        let overlay = match &input.overlay {
            Some(file) => Some((file.as_str(), self.overlay(file, fs)?)),
            None => None,
        };
        let normalized = normalize::normalize(
            bundled.doc,
            merged,
            overlay.as_ref().map(|(f, o)| (*f, o)),
            &input.settings,
            &mut self.remap,
            &mut self.diags,
        );
        let normalized = normalized.filter(|_| !self.failed(&input.settings))?;
        Progress::tell(progress, Stage::Lowering);
        let api = lower::lower(&normalized.model, &input.settings, &mut self.diags);
        if self.failed(&input.settings) {
            return None;
        }
        let crate_doc = match input.package.as_ref().and_then(|p| p.crate_doc.as_ref()) {
            Some(file) => match fs.read(file) {
                Ok(text) => Some(text),
                Err(why) => {
                    self.diags.push(unreadable(
                        file,
                        "the crate documentation",
                        &why,
                        "check `crate_doc` in the spec's codegen.toml",
                    ));
                    return None;
                }
            },
            None => None,
        };
        let emit_progress = |done, total| Progress::tell(progress, Stage::Emitting { done, total });
        let options = emit::Options {
            source: &input.display_name,
            regenerate: &input.regenerate,
            package: input.package.as_ref(),
            crate_doc: crate_doc.as_deref(),
            layout: input.layout.clone(),
            threads: input.emit_threads,
            progress: Some(&emit_progress),
        };
        let files = match emit::emit(&api, &options) {
            Ok(f) => f,
            Err(e) => {
                self.diags.push(
                    Diagnostic::error(
                        "internal-emit",
                        diag::Origin::new(input.spec.clone(), ""),
                        e,
                    )
                    .with_help("this is a bug in the generator: please report it with the spec"),
                );
                return None;
            }
        };
        let mut effective_spec = serde_json::to_string_pretty(&normalized.doc).unwrap_or_default();
        effective_spec.push('\n');
        Some((files, effective_spec, api))
    }

    /// Applies the settings' lint levels to what the stages so far reported; whether there is
    /// an error now.
    fn failed(&mut self, settings: &Settings) -> bool {
        self.diags.apply_levels(&settings.allow, &settings.deny);
        self.diags.has_errors()
    }

    /// A warning for each code `allow` or `deny` names that the generator does not report.
    fn check_codes(&mut self, settings: &Settings) {
        for (key, list) in [("allow", &settings.allow), ("deny", &settings.deny)] {
            for (i, code) in list.iter().enumerate() {
                if diag::CODES.contains(&code.as_str()) {
                    continue;
                }
                self.diags.push(
                    Diagnostic::warning(
                        "unknown-code",
                        diag::Origin::new("codegen.toml", format!("/settings/{key}/{i}")),
                        format!(
                            "the setting `{key}` names `{}`, which is no diagnostic code",
                            diag::clip(code)
                        ),
                    )
                    .with_help("write a code as warnings show it in brackets: `warning[date-type]` is `date-type`"),
                );
            }
        }
    }

    fn overlay(&mut self, file: &str, fs: &dyn FileSource) -> Option<overlay::Overlay> {
        let text = match fs.read(file) {
            Ok(text) => text,
            Err(why) => {
                self.diags.push(unreadable(
                    file,
                    "the overlay",
                    &why,
                    "check the `overlay` path in the spec's codegen.toml",
                ));
                return None;
            }
        };
        self.sources.add(file, text.clone());
        match overlay::parse(file, &text) {
            Ok(o) => Some(o),
            Err(d) => {
                self.diags.extend(d);
                None
            }
        }
    }
}

/// The error for a file the run needs besides the spec's own (the overlay, the crate
/// documentation) that `why` says cannot be had; `not_found_help` says where its path is set.
fn unreadable(file: &str, what: &str, why: &FileError, not_found_help: &str) -> Diagnostic {
    let message = format!("cannot read {what} `{file}`: {why}");
    match why.kind {
        load::FileErrorKind::NotFound => {
            Diagnostic::error("file-not-found", diag::Origin::new(file, ""), message)
                .with_help(not_found_help)
        }
        _ => why.diagnostic(file, diag::Origin::new(file, ""), message),
    }
}

/// Maps bundled pointers back to their files and adds line:column; sorts. `roots` names the
/// root documents, the spec's first.
fn locate(
    diags: Diagnostics,
    provenance: &[bundle::Provenance],
    remap: &normalize::swagger2::Remap,
    sources: &source::SourceMap,
    fs: &dyn FileSource,
    roots: &[&str],
) -> Diagnostics {
    let mut sources_extra = source::SourceMap::new();
    let out = diags
        .0
        .into_iter()
        .map(|mut d| {
            if d.origin.file == normalize::NORMALIZED {
                let (root, pointer) = remap.back(&d.origin.pointer);
                d.origin = diag::Origin::new(normalize::bundled_root(root), pointer);
            }
            if let Some(root) = normalize::root_of(&d.origin.file) {
                d.origin = match provenance.get(root) {
                    Some(p) => p.origin(&d.origin.pointer),
                    None => diag::Origin::new(
                        roots.get(root).copied().unwrap_or_default(),
                        d.origin.pointer.clone(),
                    ),
                };
                if d.origin.file.is_empty() {
                    d.origin.file = roots.get(root).copied().unwrap_or_default().to_owned();
                }
            }
            if d.line_col.is_none() {
                d.line_col = sources
                    .locate(&d.origin.file, &d.origin.pointer)
                    .or_else(|| {
                        if sources_extra.text(&d.origin.file).is_none() {
                            if let Ok(text) = fs.read(&d.origin.file) {
                                sources_extra.add(d.origin.file.clone(), text);
                            }
                        }
                        sources_extra.locate(&d.origin.file, &d.origin.pointer)
                    });
            }
            if let Some((line, col)) = d.line_col {
                if sources.text(&d.origin.file).is_none()
                    && sources_extra.text(&d.origin.file).is_none()
                {
                    if let Ok(text) = fs.read(&d.origin.file) {
                        sources_extra.add(d.origin.file.clone(), text);
                    }
                }
                d.source_line = sources
                    .line(&d.origin.file, line)
                    .or_else(|| sources_extra.line(&d.origin.file, line))
                    .map(|text| diag::SourceLine::new(text, col));
            }
            d
        })
        .collect();
    Diagnostics(out).sorted()
}

/// `specs/<name>/codegen.toml`: how `cargo xtask codegen` generates one spec.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The spec's root file, relative to the config's folder.
    pub spec: String,
    /// Further root documents merged into the spec's, relative to the config's folder.
    #[serde(default)]
    pub merge: Vec<String>,
    /// An OpenAPI Overlay applied to the bundled spec, relative to the config's folder.
    pub overlay: Option<String>,
    /// The client crate's folder, relative to the config's folder, as every path here is
    /// (`"../../generated-client"`). `cargo xtask codegen` requires it, `oapi-client-gen
    /// --config` writes there unless given `--out`, and `Build::from_config` ignores it (it
    /// writes into `OUT_DIR`).
    #[serde(default)]
    pub output: String,
    #[serde(default)]
    pub settings: Settings,
    /// The client crate's `[package]`.
    pub package: Option<emit::Package>,
    /// Folders besides the config's own whose files the spec's `$ref`s may read, relative to
    /// the config's folder (`allow_dirs = ["../shared"]`); none by default.
    #[serde(default)]
    pub allow_dirs: Vec<String>,
}

impl Config {
    /// Parses a `codegen.toml`; `name` labels errors.
    pub fn parse(name: &str, text: &str) -> Result<Config, String> {
        Config::from_toml(text).map_err(|e| format!("{name}: {e}"))
    }

    /// Parses a `codegen.toml`: TOML's error (with its line and column), or the key that is
    /// wrong. Every reader of the file (`cargo xtask codegen`, `oapi-client-gen --config`,
    /// `Build::from_config`) parses it here.
    pub fn from_toml(text: &str) -> Result<Config, String> {
        let config: Config =
            toml::from_str(text).map_err(|e| e.to_string().trim_end().to_owned())?;
        if config.spec.is_empty() {
            return Err("`spec` is empty: name the spec's root file, relative to this file".into());
        }
        Ok(config)
    }

    /// The files of this config's spec, whose folder is `dir` (relative to `workspace`, where
    /// names start): only files below `dir` and the folders of [`Config::allow_dirs`] are read.
    pub fn files(&self, workspace: &std::path::Path, dir: &str) -> DiskFiles {
        let folder = workspace.join(dir);
        let mut files = DiskFiles::new(&folder).names_relative_to(workspace);
        for allowed in &self.allow_dirs {
            files = files.allow_dir(folder.join(allowed));
        }
        files
    }

    /// The generator input for this config, whose folder is `dir` (as the file source names it).
    pub fn input(&self, dir: &str) -> Input {
        Input {
            spec: format!("{dir}/{}", self.spec),
            merge: self.merge.iter().map(|m| format!("{dir}/{m}")).collect(),
            overlay: self.overlay.as_ref().map(|o| format!("{dir}/{o}")),
            display_name: format!("{dir}/{}", self.spec),
            settings: self.settings.clone(),
            // The crate documentation file is named relative to the config's folder.
            package: self.package.clone().map(|mut p| {
                p.crate_doc = p.crate_doc.map(|f| format!("{dir}/{f}"));
                p
            }),
            layout: emit::Layout::Crate,
            regenerate: "run `cargo xtask codegen`".to_owned(),
            emit_threads: 0,
            progress: None,
        }
    }
}
