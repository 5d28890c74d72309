//! `oapi-client-gen <SPEC> --out <DIR> [--name NAME] [--overlay FILE] [--allow-dir DIR]
//! [--allow CODE] [--deny CODE] [--force] [--check] [--verbose]`: a client crate from any OpenAPI document.
//!
//! Prints one summary line (operations, types, warnings, files written); `--verbose` lists the
//! warnings with their locations. On errors the located diagnostics go to stderr, nothing is
//! written and the exit code is 1. `--check` writes nothing and exits 1 when the folder is stale.
//! A folder the command did not generate (no `.oapi-client-gen.json`, or files it does not
//! list where generated files go) is refused with exit code 1 unless `--force`.

use clap::Parser;
use oapi_client_gen::{Options, Report};
use oapi_client_gen_core::{
    Config, Cursor, OperationNames, Pagination, QueryArrayStyle, Settings, UndocumentedStrings,
};
use std::path::PathBuf;
use std::process::ExitCode;

/// Generates a typed async Rust client crate from an OpenAPI (3.x) or Swagger 2.0 document.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// The spec's root file (YAML or JSON); `$ref`s are read relative to it. Optional with
    /// `--config`, which names it.
    #[arg(required_unless_present = "config")]
    spec: Option<PathBuf>,
    /// The crate's folder: created when missing; else one this command generated (its
    /// `.oapi-client-gen.json` lists the generated files) or an empty one. Other files in it
    /// are kept. Optional with `--config`, whose `output` names it.
    #[arg(long, short, required_unless_present = "config")]
    out: Option<PathBuf>,
    /// A `codegen.toml` (the file `cargo xtask codegen` and `Build::from_config` read): its
    /// `spec`, `merge`, `overlay`, `allow_dirs` and `output`, relative to its folder, its
    /// `[settings]` (renames of operations and types included) and its `[package]`. Options
    /// given here too add to its lists or replace its values.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The crate's package name [default: from the spec's info.title, else its file name, or
    /// its folder's name for a file named like any spec's (openapi.yaml)].
    #[arg(long)]
    name: Option<String>,
    /// The crate's version [default: 0.1.0].
    #[arg(long)]
    crate_version: Option<String>,
    /// A further root document merged into the spec's: its operations, components and tags are added (repeatable)
    #[arg(long, value_name = "FILE")]
    merge: Vec<PathBuf>,
    /// An OpenAPI Overlay 1.0 document of corrections, applied to the bundled spec.
    #[arg(long)]
    overlay: Option<PathBuf>,
    /// Send array query parameters Rails/PHP-style: `name[]=a&name[]=b`.
    #[arg(long)]
    brackets_arrays: bool,
    /// A path prefix whose last parameter takes a numeric id or a path (repeatable).
    #[arg(long, value_name = "PREFIX")]
    id_or_path: Vec<String>,
    /// Where method names come from: `auto` (the operationId when a person wrote it, else the
    /// method and path: `list_project_merge_requests`), `operation-id` or `path` [default: auto].
    #[arg(long, value_name = "FROM", value_parser = ["auto", "operation-id", "path"])]
    operation_names: Option<String>,
    /// A path word that names made from paths leave out where it is not the last segment
    /// (GitLab: `repository`; repeatable).
    #[arg(long, value_name = "WORD")]
    skip_path_word: Vec<String>,
    /// A response field declared only `type: string` (Grape's undocumented entity field, as in
    /// GitLab's description) takes the type its examples or same-named documented fields show,
    /// else any JSON value.
    #[arg(long)]
    infer_undocumented_strings: bool,
    /// A response field with a plural name that refers to one singular-named object
    /// (`reviewers: {$ref: UserBasic}`, Grape's) is read as a list of it.
    #[arg(long)]
    plural_refs_as_lists: bool,
    /// Every struct read from responses keeps the JSON object's keys that its schema does not
    /// declare, with their values, in a field `extra` (for specs that under-declare).
    #[arg(long)]
    keep_unknown_fields: bool,
    /// Which list operations page: `declared` (those whose responses declare a `Link` header,
    /// or `X-Next-Page` with a `page` parameter), `page-headers` (every list taking `page`:
    /// GitLab) or `none` [default: declared].
    #[arg(long, value_name = "WHICH", value_parser = ["declared", "page-headers", "none"])]
    pagination: Option<String>,
    /// Lists paged by a cursor in the response body: the query parameter that takes it and a
    /// JSON pointer to the next one in the body (`cursor=/response_metadata/next_cursor`).
    /// Without it, a `GET` taking `P` whose response has a field `next_P` pages so.
    #[arg(long, value_name = "PARAM=POINTER", value_parser = parse_cursor)]
    cursor: Option<Cursor>,
    /// A warning code not to report, as in `warning[CODE]` (repeatable).
    #[arg(long, value_name = "CODE")]
    allow: Vec<String>,
    /// A warning code to treat as an error, which stops generation (repeatable).
    #[arg(long, value_name = "CODE")]
    deny: Vec<String>,
    /// Take over a folder this command did not generate (or generated before it wrote
    /// `.oapi-client-gen.json`): generated files replace what is at their paths, every other
    /// file is kept.
    #[arg(long)]
    force: bool,
    /// A folder besides the spec's own whose files `$ref`s may read (repeatable); by default
    /// only files below the spec's folder are read.
    #[arg(long, value_name = "DIR")]
    allow_dir: Vec<PathBuf>,
    /// Write nothing; exit 1 when the folder is not what the spec generates.
    #[arg(long)]
    check: bool,
    /// List every warning with its location.
    #[arg(long, short)]
    verbose: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let options = match options(&args) {
        Ok(options) => options,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (spec, out) = (options.spec.clone(), options.out_dir.clone());
    // Colors only for a person at a terminal.
    let styled = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let bar = progress_line(styled);
    let options = Options {
        progress: Some(bar.1),
        ..options
    };
    let result = if args.check {
        oapi_client_gen::check_crate(&options)
    } else {
        oapi_client_gen::generate_crate(&options)
    };
    bar.0.finish_and_clear();
    let report = match result {
        Ok(report) => report,
        Err(oapi_client_gen::Error::Generation { diagnostics, .. }) => {
            eprint!("{}", diagnostics.render(styled));
            eprintln!(
                "{}: generation failed with {} error(s); nothing was written",
                spec.display(),
                diagnostics.errors()
            );
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    summary(&spec, &out, &report, args.check, args.verbose, styled);
    for leftover in &report.leftovers {
        eprintln!(
            "note: {} was left by an interrupted or concurrent run (a staging copy, or a backup \
             holding files the new folder does not); nothing in it was deleted: check it, then \
             remove it",
            leftover.display()
        );
    }
    if args.check && !report.is_fresh() {
        for path in &report.written {
            eprintln!("stale: {path}");
        }
        for path in &report.removed {
            eprintln!("no longer generated: {path}");
        }
        eprintln!(
            "{} is stale: run `oapi-client-gen` without --check",
            out.display()
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// The run's [`Options`]: the `--config` file's, with the command line's options over them
/// (lists added to, values replaced, switches turned on); without `--config`, the command
/// line's alone.
fn options(args: &Args) -> Result<Options, oapi_client_gen::Error> {
    let (config, folder) = match &args.config {
        Some(path) => {
            let (config, folder) = oapi_client_gen::load_config(path)?;
            (Some(config), folder)
        }
        None => (None, PathBuf::new()),
    };
    let join = |p: &String| folder.join(p);
    let missing = |what: &str| oapi_client_gen::Error::Config {
        path: args.config.clone().unwrap_or_default(),
        message: format!("{what} is missing: give it here or on the command line"),
    };
    let spec = match (&args.spec, &config) {
        (Some(spec), _) => spec.clone(),
        (None, Some(c)) => join(&c.spec),
        (None, None) => return Err(missing("the spec")),
    };
    let out_dir = match (&args.out, &config) {
        (Some(out), _) => out.clone(),
        (None, Some(c)) if !c.output.is_empty() => join(&c.output),
        _ => return Err(missing("`output`, the crate's folder,")),
    };
    let base = config
        .as_ref()
        .map(|c| c.settings.clone())
        .unwrap_or_default();
    let package = config.as_ref().and_then(|c| c.package.as_ref());
    let settings = Settings {
        query_array_style: if args.brackets_arrays {
            Some(QueryArrayStyle::Brackets)
        } else {
            base.query_array_style
        },
        id_or_path: [&base.id_or_path[..], &args.id_or_path].concat(),
        operation_names: match args.operation_names.as_deref() {
            Some("operation-id") => OperationNames::OperationId,
            Some("path") => OperationNames::Path,
            Some(_) => OperationNames::Auto,
            None => base.operation_names,
        },
        skip_path_words: [&base.skip_path_words[..], &args.skip_path_word].concat(),
        undocumented_strings: if args.infer_undocumented_strings {
            UndocumentedStrings::Infer
        } else {
            base.undocumented_strings
        },
        plural_refs_as_lists: args.plural_refs_as_lists || base.plural_refs_as_lists,
        keep_unknown_fields: args.keep_unknown_fields || base.keep_unknown_fields,
        pagination: match args.pagination.as_deref() {
            Some("page-headers") => Pagination::PageHeaders,
            Some("none") => Pagination::None,
            Some(_) => Pagination::Declared,
            None => base.pagination,
        },
        cursor: args.cursor.clone().or(base.cursor.clone()),
        allow: [&base.allow[..], &args.allow].concat(),
        deny: [&base.deny[..], &args.deny].concat(),
        ..base
    };
    // The config's paths (relative to its folder), then the command line's.
    let paths = |of: fn(&Config) -> &Vec<String>, given: &[PathBuf]| -> Vec<PathBuf> {
        config
            .iter()
            .flat_map(|c| of(c).iter().map(join))
            .chain(given.iter().cloned())
            .collect()
    };
    let merge = paths(|c| &c.merge, &args.merge);
    let allow_dirs = paths(|c| &c.allow_dirs, &args.allow_dir);
    Ok(Options {
        spec,
        merge,
        overlay: args
            .overlay
            .clone()
            .or_else(|| config.as_ref()?.overlay.as_ref().map(join)),
        out_dir,
        name: args
            .name
            .clone()
            .or_else(|| package.map(|p| p.name.clone())),
        version: args
            .crate_version
            .clone()
            .or_else(|| package.map(|p| p.version.clone()))
            .unwrap_or_else(|| "0.1.0".to_owned()),
        package: package.cloned(),
        settings,
        force: args.force,
        allow_dirs,
        max_file_size: oapi_client_gen_core::DEFAULT_MAX_FILE_SIZE,
        command: Some(command_line()),
        progress: None,
    })
}

/// A line on stderr that says which stage generation is in (and how many files are emitted),
/// shown only on a terminal and cleared at the end: a large spec takes seconds (tens in a debug
/// build).
fn progress_line(terminal: bool) -> (indicatif::ProgressBar, oapi_client_gen::Progress) {
    use oapi_client_gen::Stage;
    let bar = if terminal {
        indicatif::ProgressBar::new_spinner()
    } else {
        indicatif::ProgressBar::hidden()
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {elapsed} {wide_msg}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let line = bar.clone();
    let progress = oapi_client_gen::Progress::new(move |stage| match stage {
        Stage::Loading => line.set_message("reading the spec and its references"),
        Stage::Normalizing => line.set_message("correcting and converting the spec"),
        Stage::Lowering => line.set_message("deciding types, operations and names"),
        Stage::Emitting { done, total } if done < total => {
            line.set_message(format!("writing Rust: {done} of {total} files"));
        }
        Stage::Emitting { .. } => line.set_message("writing the crate's folder"),
    });
    // The spec is read once before generation starts, for the crate's name.
    bar.set_message("reading the spec");
    (bar, progress)
}

/// This command as the user ran it, for the `@generated` headers, without the options that
/// do not change what is generated (`--check`, `--force`, `--verbose`), quoted for a shell.
fn command_line() -> String {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .filter(|a| !matches!(a.as_str(), "--check" | "--force" | "--verbose" | "-v"))
        .collect();
    let words = std::iter::once("oapi-client-gen").chain(args.iter().map(String::as_str));
    shlex::try_join(words).unwrap_or_else(|_| "oapi-client-gen".to_owned())
}

/// One line: what the spec gave and what happened to the folder; warnings after it.
fn summary(
    spec: &std::path::Path,
    out: &std::path::Path,
    r: &Report,
    check: bool,
    verbose: bool,
    styled: bool,
) {
    let files = if check {
        format!(
            "{} stale, {} unchanged",
            r.written.len() + r.removed.len(),
            r.unchanged.len()
        )
    } else {
        format!(
            "{} written, {} unchanged, {} removed",
            r.written.len(),
            r.unchanged.len(),
            r.removed.len()
        )
    };
    println!(
        "{}: {} operations, {} types, {} warnings -> {} (crate `{}`: {files})",
        spec.display(),
        r.operations,
        r.types,
        r.warnings.warnings(),
        out.display(),
        r.crate_name
    );
    if verbose {
        eprint!("{}", r.warnings.render(styled));
    } else if !r.warnings.is_empty() {
        println!("  (--verbose lists the warnings)");
    }
}

/// `--cursor PARAM=POINTER`.
fn parse_cursor(value: &str) -> Result<Cursor, String> {
    match value.split_once('=') {
        Some((param, next)) if !param.is_empty() && next.starts_with('/') => Ok(Cursor {
            param: param.to_owned(),
            next: next.to_owned(),
        }),
        _ => {
            Err("expected PARAM=POINTER, as in `cursor=/response_metadata/next_cursor`".to_owned())
        }
    }
}
