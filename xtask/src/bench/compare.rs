//! `cargo xtask bench [--runs N] [--check-runs N] [--sample N] [--no-check]`: our generator side
//! by side with progenitor (oxide's, installed with `cargo install cargo-progenitor`), in one run:
//! every figure issue 11 asks for.
//!
//! 1. Builds `oapi-client-gen` and `xtask` in release, so every generator runs as a release
//!    child process, measured the same way ([`measure`]: wall time, peak RSS).
//! 2. The full GitLab spec, median of `--runs` (3): ours from what we are given (the Swagger 2.0
//!    YAML, its overlay and settings, as `cargo xtask codegen` does); ours and progenitor from
//!    progenitor's input, `generated-client/openapi.json` with the fixes of [`progenitor`]; and
//!    the bare parse of the YAML (`xtask bench-parse`), our floor. The bytes of Rust each wrote.
//! 3. The largest documents of the corpus ([`LARGEST`]: GitHub, Stripe, Kubernetes), both
//!    generators on each as it is, median of `--runs`; a refusal recorded by its first error.
//! 4. Unless `--no-check`: every generated crate in a scratch workspace (`<target>/bench/crates`,
//!    [`crates`]), dependencies built beforehand, then each compile of one crate alone, median
//!    of `--check-runs` (1): `cargo check` of all of ours, all of progenitor's, ours with one
//!    API feature (the smallest and the largest); `cargo doc --no-deps` of ours with one
//!    feature, and of both with all; a debug `cargo build` of both; `cargo check` of both
//!    crates of each large document.
//! 5. A sample of `--sample` (10) OpenAPI 3.0 documents of the corpus (APIs.guru, spread over
//!    sizes) that progenitor accepts unchanged: both generators on each, median of `--runs`.
//!
//! Out: the tables on stdout and between `<!-- bench:start -->` and `<!-- bench:end -->` in
//! BENCHMARKS.md, with the date, the command, the machine and its load average at the start and
//! the end. Scratch files, logs and the generated crates stay in `<target>/bench/` for
//! inspection. About 25 minutes on 2 cores with the dependencies not yet built.

use super::crates::{self, Compiled, Job, Workspace, cargo};
use super::measure::{Child, Sample, median};
use super::progenitor;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

pub struct Args {
    runs: usize,
    check_runs: usize,
    sample: usize,
    check: bool,
}

impl Args {
    /// `[--runs N] [--check-runs N] [--sample N] [--no-check]`; `None` for anything else.
    pub fn parse(mut rest: &[&str]) -> Option<Args> {
        let mut args = Args {
            runs: 3,
            check_runs: 1,
            sample: 10,
            check: true,
        };
        while let Some((first, tail)) = rest.split_first() {
            rest = tail;
            let count = |rest: &mut &[&str]| {
                let (n, tail) = rest.split_first()?;
                *rest = tail;
                n.parse::<usize>().ok().filter(|n| *n > 0)
            };
            match *first {
                "--runs" => args.runs = count(&mut rest)?,
                "--check-runs" => args.check_runs = count(&mut rest)?,
                "--sample" => args.sample = count(&mut rest)?,
                "--no-check" => args.check = false,
                _ => return None,
            }
        }
        Some(args)
    }

    fn command(&self) -> String {
        let mut c = String::from("cargo xtask bench");
        if self.runs != 3 {
            let _ = write!(c, " --runs {}", self.runs);
        }
        if self.check_runs != 1 {
            let _ = write!(c, " --check-runs {}", self.check_runs);
        }
        if self.sample != 10 {
            let _ = write!(c, " --sample {}", self.sample);
        }
        if !self.check {
            c.push_str(" --no-check");
        }
        c
    }
}

const SPEC_DIR: &str = "specs/gitlab-full";
const OURS: &str = "gitlab-api-client";
const THEIRS: &str = "gitlab-progenitor";
/// One corpus document may not hold the run up longer than this (progenitor can hang or panic).
const LIMIT: Duration = Duration::from_secs(300);

/// Paths of one run.
struct Bench {
    root: PathBuf,
    /// `<target>/bench`: inputs, logs and outputs of this command.
    scratch: PathBuf,
    ours: PathBuf,
    xtask: PathBuf,
}

impl Bench {
    fn log(&self, name: &str) -> PathBuf {
        self.scratch.join("logs").join(format!("{name}.log"))
    }

    /// Our generator on `spec` into a fresh `out`.
    fn ours(
        &self,
        spec: &Path,
        out: &Path,
        name: &str,
        extra: &[String],
    ) -> Result<Sample, String> {
        let _ = std::fs::remove_dir_all(out);
        Child::new(&self.ours, &self.log(&format!("ours-{name}")))
            .arg(spec)
            .arg("--out")
            .arg(out)
            .arg("--name")
            .arg(name)
            .args(extra)
            .limit(LIMIT)
            .run()
    }

    /// `cargo progenitor` on `spec` into a fresh `out`.
    fn progenitor(&self, spec: &Path, out: &Path, name: &str) -> Result<Sample, String> {
        let _ = std::fs::remove_dir_all(out);
        // The cargo subcommand's binary itself, so cargo's own start-up is not counted.
        Child::new("cargo-progenitor", &self.log(&format!("progenitor-{name}")))
            .args(["progenitor", "-v", "0.1.0", "-n", name, "-i"])
            .arg(spec)
            .arg("-o")
            .arg(out)
            .limit(LIMIT)
            .run()
    }
}

pub fn run(args: Args) -> ExitCode {
    match bench(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn bench(args: &Args) -> Result<(), String> {
    let machine = Machine::read();
    let root = crate::codegen::workspace_root();
    // `<target>/<profile>/xtask`.
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let target = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("no target folder above the xtask binary")?
        .to_path_buf();
    let scratch = target.join("bench");
    std::fs::create_dir_all(scratch.join("logs")).map_err(|e| e.to_string())?;
    let progenitor_version = progenitor_version()?;
    eprintln!("bench: building oapi-client-gen and xtask (release)");
    cargo(
        &root,
        &[
            "build",
            "--release",
            "--quiet",
            "-p",
            "oapi-client-gen",
            "-p",
            "xtask",
        ],
        &target,
    )?;
    let b = Bench {
        ours: target.join("release/oapi-client-gen"),
        xtask: target.join("release/xtask"),
        root,
        scratch,
    };

    // The GitLab spec as we take it, and as progenitor takes it.
    let config_text = std::fs::read_to_string(b.root.join(SPEC_DIR).join("codegen.toml"))
        .map_err(|e| e.to_string())?;
    let config = oapi_client_gen_core::Config::parse("codegen.toml", &config_text)?;
    let input = config.input(SPEC_DIR);
    let yaml = b.root.join(&input.spec);
    let mut ours_flags = Vec::new();
    if let Some(overlay) = &input.overlay {
        ours_flags.push("--overlay".to_string());
        ours_flags.push(b.root.join(overlay).display().to_string());
    }
    if input.settings.query_array_style == Some(oapi_client_gen_core::QueryArrayStyle::Brackets) {
        ours_flags.push("--brackets-arrays".to_string());
    }
    if input.settings.pagination == oapi_client_gen_core::Pagination::PageHeaders {
        ours_flags.push("--pagination".to_string());
        ours_flags.push("page-headers".to_string());
    }
    for prefix in &input.settings.id_or_path {
        ours_flags.push("--id-or-path".to_string());
        ours_flags.push(prefix.clone());
    }
    let effective = b.root.join("generated-client/openapi.json");
    let mut spec: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&effective)
            .map_err(|e| format!("{}: {e}", effective.display()))?,
    )
    .map_err(|e| e.to_string())?;
    let fixes = progenitor::fix(&mut spec);
    let fixed = b.scratch.join("gitlab-progenitor.json");
    std::fs::write(
        &fixed,
        serde_json::to_string_pretty(&spec).unwrap_or_default(),
    )
    .map_err(|e| e.to_string())?;
    let operations = progenitor::operations(&spec);

    let crates = b.scratch.join("crates");
    let (ours_dir, theirs_dir) = (crates.join("ours"), crates.join("progenitor"));
    let same_input = b.scratch.join("gen/ours-same-input");
    let mut gen_yaml = Vec::new();
    let mut gen_same = Vec::new();
    let mut gen_theirs = Vec::new();
    let mut parse = Vec::new();
    for run in 1..=args.runs {
        eprintln!("bench: GitLab generation, run {run}/{}", args.runs);
        gen_yaml.push(b.ours(&yaml, &ours_dir, OURS, &ours_flags)?);
        gen_same.push(b.ours(&fixed, &same_input, OURS, &[])?);
        gen_theirs.push(
            b.progenitor(&fixed, &theirs_dir, THEIRS)
                .map_err(|e| format!("progenitor on {}: {e}", fixed.display()))?,
        );
        parse.push(
            Child::new(&b.xtask, &b.log("parse"))
                .arg("bench-parse")
                .arg(&yaml)
                .run()?,
        );
    }
    let gitlab = Gitlab {
        yaml: median(&gen_yaml),
        same: median(&gen_same),
        theirs: median(&gen_theirs),
        parse: median(&parse),
        operations,
        ours_size: crates::rust_size(&ours_dir.join("src")),
        runtime_bytes: std::fs::metadata(ours_dir.join("src/runtime.rs")).map_or(0, |m| m.len()),
        theirs_size: crates::rust_size(&theirs_dir.join("src")),
    };

    let mut large = large(&b, &crates, args.runs)?;
    let checks = if args.check {
        Some(compile(&b, &crates, args.check_runs, &mut large)?)
    } else {
        None
    };
    let corpus = corpus(&b, args)?;

    let report = report(
        args,
        &machine,
        &progenitor_version,
        &fixes,
        &gitlab,
        checks.as_ref(),
        &large,
        &corpus,
    );
    println!("{report}");
    let path = b.root.join("BENCHMARKS.md");
    let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    std::fs::write(&path, splice(&text, &report)).map_err(|e| e.to_string())?;
    eprintln!("bench: written to {}", path.display());
    Ok(())
}

/// `cargo-progenitor`'s version from `cargo install --list`, or how to install it.
fn progenitor_version() -> Result<String, String> {
    let out = Command::new("cargo")
        .args(["install", "--list"])
        .output()
        .map_err(|e| format!("cargo: {e}"))?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| {
            let rest = l.strip_prefix("cargo-progenitor ")?;
            Some(rest.trim_end_matches(':').to_string())
        })
        .ok_or_else(|| {
            "cargo-progenitor is not installed: `cargo install cargo-progenitor --locked`".into()
        })
}

struct Gitlab {
    /// Ours from the Swagger 2.0 YAML with overlay and settings (the checked-in client).
    yaml: Sample,
    /// Ours from progenitor's input.
    same: Sample,
    theirs: Sample,
    /// Parsing the YAML into a JSON value, nothing else.
    parse: Sample,
    operations: usize,
    /// Bytes and lines of Rust of each crate (`src/`), and of our copied runtime.
    ours_size: (u64, usize),
    runtime_bytes: u64,
    theirs_size: (u64, usize),
}

/// The generated crates compiled alone (dependencies prebuilt).
struct Checks {
    /// `cargo check`, all features.
    ours: Compiled,
    theirs: Compiled,
    /// `cargo check`, one API feature alone, by feature.
    features: Vec<(&'static str, Compiled)>,
    /// `cargo doc --no-deps`, one API feature alone ([`DOC_FEATURE`]).
    doc_feature: Compiled,
    /// `cargo doc --no-deps`, all features.
    doc_ours: Compiled,
    doc_theirs: Compiled,
    /// Debug `cargo build`, all features.
    build_ours: Compiled,
    build_theirs: Compiled,
}

/// A figure of a compile: its time, and why it is not a clean one if it is not.
fn time_of(c: &Compiled) -> String {
    match &c.failed {
        None => secs(c.sample.wall),
        Some(why) => format!("{} ({why})", secs(c.sample.wall)),
    }
}

/// The smallest and the largest API feature (`projects`: 157 operations, a seventh of the API).
const FEATURES: [&str; 2] = ["award_emoji", "projects"];
const DOC_FEATURE: &str = "projects";
/// One compile may not hold the run up longer than this.
const COMPILE_LIMIT: Duration = Duration::from_secs(900);

fn one_feature(feature: &str) -> [&str; 3] {
    ["--no-default-features", "--features", feature]
}

/// Every compile of the run: the GitLab crates' jobs, then each large document's checks.
fn compile(b: &Bench, folder: &Path, runs: usize, large: &mut [Large]) -> Result<Checks, String> {
    let mut members = vec![
        (OURS.to_string(), "ours".to_string()),
        (THEIRS.to_string(), "progenitor".to_string()),
    ];
    for l in large.iter() {
        if l.ours.is_ok() {
            members.push((l.package("ours"), l.package("ours")));
        }
        if l.theirs.is_ok() {
            members.push((l.package("progenitor"), l.package("progenitor")));
        }
    }
    let ws = Workspace::new(
        &b.root,
        folder,
        &b.scratch.join("check-target"),
        &b.scratch.join("logs"),
        members,
        COMPILE_LIMIT,
    )?;
    let check_ours = Job::new(OURS, "check", &[], "ours");
    let check_theirs = Job::new(THEIRS, "check", &[], "progenitor");
    let features: Vec<Job> = FEATURES
        .iter()
        .map(|f| Job::new(OURS, "check", &one_feature(f), f))
        .collect();
    let doc_feature = Job::new(
        OURS,
        "doc",
        &one_feature(DOC_FEATURE),
        &format!("ours-{DOC_FEATURE}"),
    );
    let doc_ours = Job::new(OURS, "doc", &[], "ours");
    let doc_theirs = Job::new(THEIRS, "doc", &[], "progenitor");
    let build_ours = Job::new(OURS, "build", &[], "ours");
    let build_theirs = Job::new(THEIRS, "build", &[], "progenitor");
    let mut large_jobs = Vec::new();
    for l in large.iter() {
        for (side, ok) in [("ours", l.ours.is_ok()), ("progenitor", l.theirs.is_ok())] {
            if ok {
                let package = l.package(side);
                large_jobs.push(Job::new(&package, "check", &[], &package));
            }
        }
    }
    let mut all = vec![
        check_ours.clone(),
        check_theirs.clone(),
        doc_feature.clone(),
        doc_ours.clone(),
        doc_theirs.clone(),
        build_ours.clone(),
        build_theirs.clone(),
    ];
    all.extend(features.iter().cloned());
    all.extend(large_jobs.iter().cloned());
    ws.prepare(&all)?;

    let checks = Checks {
        ours: ws.time(&check_ours, runs)?,
        theirs: ws.time(&check_theirs, runs)?,
        features: FEATURES
            .iter()
            .zip(&features)
            .map(|(f, job)| Ok((*f, ws.time(job, runs)?)))
            .collect::<Result<_, String>>()?,
        doc_feature: ws.time(&doc_feature, runs)?,
        doc_ours: ws.time(&doc_ours, runs)?,
        doc_theirs: ws.time(&doc_theirs, runs)?,
        build_ours: ws.time(&build_ours, runs)?,
        build_theirs: ws.time(&build_theirs, runs)?,
    };
    for l in large.iter_mut() {
        if l.ours.is_ok() {
            let package = l.package("ours");
            l.ours_check = Some(ws.time(&Job::new(&package, "check", &[], &package), runs)?);
        }
        if l.theirs.is_ok() {
            let package = l.package("progenitor");
            l.theirs_check = Some(ws.time(&Job::new(&package, "check", &[], &package), runs)?);
        }
    }
    Ok(checks)
}

/// The largest documents of the corpus: a short name and the manifest's id.
const LARGEST: [(&str, &str); 3] = [
    ("github", "famous/github/api.github.com"),
    ("stripe", "famous/stripe/stripe.com.apisguru"),
    ("kubernetes", "famous/kubernetes/v1.35-api-v1"),
];

/// One large corpus document, both generators on it.
struct Large {
    short: &'static str,
    id: &'static str,
    bytes: u64,
    operations: usize,
    /// Median generation, or the first line of the failure.
    ours: Result<Sample, String>,
    theirs: Result<Sample, String>,
    /// Bytes and lines of Rust of each crate.
    ours_size: (u64, usize),
    theirs_size: (u64, usize),
    ours_check: Option<Compiled>,
    theirs_check: Option<Compiled>,
    /// Progenitor's first error on the document as it is, when it refused it; then the fixes
    /// of [`progenitor::fix_more`] it was given.
    refused_as_is: Option<String>,
    fixes: Vec<progenitor::Fix>,
}

impl Large {
    /// The package (and folder) name of one side's crate.
    fn package(&self, side: &str) -> String {
        format!("{}-{side}", self.short)
    }
}

/// Both generators on each of [`LARGEST`], into the bench workspace's folder `crates`:
/// progenitor tried once first (when it refuses, its first error is kept and it is not run
/// again), then `runs` runs of each.
fn large(b: &Bench, folder: &Path, runs: usize) -> Result<Vec<Large>, String> {
    let dir = crate::corpus::corpus_root();
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv"))
        .map_err(|e| format!("{}: {e}", dir.join("MANIFEST.tsv").display()))?;
    let mut out = Vec::new();
    for (short, id) in LARGEST {
        let row: Vec<&str> = manifest
            .lines()
            .map(|l| l.split('\t').collect::<Vec<_>>())
            .find(|f| f.first() == Some(&id))
            .ok_or_else(|| format!("{id} is not in the corpus manifest"))?;
        let field = |i: usize| row.get(i).copied().unwrap_or_default();
        let spec = dir.join(field(1));
        let mut l = Large {
            short,
            id,
            bytes: field(6).parse().unwrap_or(0),
            operations: field(8).parse().unwrap_or(0),
            ours: Err(String::new()),
            theirs: Err(String::new()),
            ours_size: (0, 0),
            theirs_size: (0, 0),
            ours_check: None,
            theirs_check: None,
            refused_as_is: None,
            fixes: Vec::new(),
        };
        let (ours_name, theirs_name) = (l.package("ours"), l.package("progenitor"));
        let (ours_out, theirs_out) = (folder.join(&ours_name), folder.join(&theirs_name));
        let theirs_log = b.log(&format!("progenitor-{theirs_name}"));
        eprintln!("bench: {id}, progenitor");
        let mut theirs_spec = spec.clone();
        if let Err(e) = b.progenitor(&spec, &theirs_out, &theirs_name) {
            l.refused_as_is = Some(first_error(&theirs_log, &e));
            // The fixes of `progenitor.rs`, and a second try.
            let mut value: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(&spec).map_err(|e| format!("{}: {e}", spec.display()))?,
            )
            .map_err(|e| format!("{}: {e}", spec.display()))?;
            l.fixes = progenitor::fix_more(&mut value);
            theirs_spec = b.scratch.join(format!("{short}-progenitor.json"));
            std::fs::write(&theirs_spec, value.to_string()).map_err(|e| e.to_string())?;
        }
        let first = b.progenitor(&theirs_spec, &theirs_out, &theirs_name);
        l.theirs = match first {
            Ok(_) => (0..runs)
                .map(|_| b.progenitor(&theirs_spec, &theirs_out, &theirs_name))
                .collect::<Result<Vec<_>, _>>()
                .map(|s| median(&s)),
            Err(e) => Err(e),
        }
        .map_err(|e| first_error(&theirs_log, &e));
        if l.theirs.is_err() {
            let _ = std::fs::remove_dir_all(&theirs_out);
        }
        eprintln!("bench: {id}, ours");
        l.ours = (0..runs)
            .map(|_| b.ours(&spec, &ours_out, &ours_name, &[]))
            .collect::<Result<Vec<_>, _>>()
            .map(|s| median(&s))
            .map_err(|e| first_error(&b.log(&format!("ours-{ours_name}")), &e));
        if l.ours.is_err() {
            let _ = std::fs::remove_dir_all(&ours_out);
        }
        l.ours_size = crates::rust_size(&ours_out.join("src"));
        l.theirs_size = crates::rust_size(&theirs_out.join("src"));
        out.push(l);
    }
    Ok(out)
}

/// How many documents of one size slice are offered to progenitor before the slice is given up.
const TRIES: usize = 16;

/// One corpus document both generators were run on.
struct Doc {
    id: String,
    bytes: u64,
    operations: usize,
    theirs: Sample,
    /// `Err` when our generator failed on a document progenitor accepted.
    ours: Result<Sample, String>,
}

struct Corpus {
    docs: Vec<Doc>,
    /// Documents tried before `docs` were found, with the first line of progenitor's failure.
    refused: Vec<(String, String)>,
}

/// `--sample` documents of the corpus progenitor accepts as they are: the APIs.guru OpenAPI 3.0
/// documents with operations, sorted by size, cut into `--sample` equal slices; in each slice
/// the documents from its middle outwards until progenitor accepts one (at most [`TRIES`]).
fn corpus(b: &Bench, args: &Args) -> Result<Corpus, String> {
    let dir = crate::corpus::corpus_root();
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv"))
        .map_err(|e| format!("{}: {e}", dir.join("MANIFEST.tsv").display()))?;
    let mut candidates: Vec<(u64, String, String, usize)> = manifest
        .lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let (id, file, bytes, version, ops) = (f[0], f[1], f.get(6)?, f.get(7)?, f.get(8)?);
            let ops: usize = ops.parse().ok().filter(|n| *n > 0)?;
            (id.starts_with("apisguru/") && version.starts_with("3.0"))
                .then(|| Some((bytes.parse().ok()?, id.to_string(), file.to_string(), ops)))?
        })
        .collect();
    candidates.sort();
    let out = b.scratch.join("gen/corpus");
    let slices = args.sample.min(candidates.len());
    let mut docs = Vec::new();
    let mut refused = Vec::new();
    for slice in 0..slices {
        let (start, end) = (
            slice * candidates.len() / slices,
            (slice + 1) * candidates.len() / slices,
        );
        let middle = (start + end) / 2;
        // middle, middle + 1, middle - 1, middle + 2, …
        let order = (0..end - start).filter_map(|k| {
            let i = if k % 2 == 0 {
                middle.checked_add(k / 2)
            } else {
                middle.checked_sub(k / 2 + 1)
            }?;
            (start..end).contains(&i).then_some(i)
        });
        for i in order.take(TRIES) {
            let (bytes, id, file, operations) = &candidates[i];
            let spec = dir.join(file);
            let name = crate_name(id);
            eprintln!("bench: corpus {id} ({bytes} bytes)");
            let theirs_out = out.join(format!("{name}-progenitor"));
            if let Err(e) = b.progenitor(&spec, &theirs_out, &name) {
                let log = b.log(&format!("progenitor-{name}"));
                refused.push((id.clone(), first_error(&log, &e)));
                continue;
            }
            let mut theirs = Vec::new();
            let mut ours = Vec::new();
            for _ in 0..args.runs {
                theirs.push(b.progenitor(&spec, &theirs_out, &name)?);
                ours.push(b.ours(&spec, &out.join(format!("{name}-ours")), &name, &[]));
            }
            let ours: Result<Vec<Sample>, String> = ours.into_iter().collect();
            docs.push(Doc {
                id: id.clone(),
                bytes: *bytes,
                operations: *operations,
                theirs: median(&theirs),
                ours: ours
                    .map(|s| median(&s))
                    .map_err(|e| first_error(&b.log(&format!("ours-{name}")), &e)),
            });
            break;
        }
    }
    Ok(Corpus { docs, refused })
}

/// A package name for a corpus document: `bench-` and the id's letters and digits, dashed.
fn crate_name(id: &str) -> String {
    let slug: Vec<String> = id
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    format!("bench-{}", slug.join("-"))
}

/// The most telling line of a child's failure, from its log: a panic's message, progenitor's
/// `gen fail` or an `error`; else the first line of `e`.
fn first_error(log: &Path, e: &str) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let line = match lines.iter().position(|l| l.contains("panicked at")) {
        Some(i) => format!("panic: {}", lines.get(i + 1).copied().unwrap_or_default()),
        None => lines
            .iter()
            .copied()
            .find(|l| l.starts_with("gen fail") || l.starts_with("error"))
            .or_else(|| e.lines().next())
            .unwrap_or_default()
            .to_string(),
    };
    let line: String = line.chars().take(160).collect();
    line.replace('|', "\\|")
}

/// What the figures were taken on.
struct Machine {
    date: String,
    cpus: usize,
    model: String,
    memory: String,
    load: String,
    rustc: String,
    /// The commit measured, and whether the generator had uncommitted changes.
    source: String,
    /// Seconds since boot when the run started.
    started: f64,
}

impl Machine {
    /// Seconds since boot.
    fn uptime() -> f64 {
        std::fs::read_to_string("/proc/uptime")
            .ok()
            .and_then(|t| t.split_whitespace().next()?.parse().ok())
            .unwrap_or(0.0)
    }

    /// The load average now: 1, 5 and 15 minutes.
    fn load() -> String {
        let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn read() -> Machine {
        let run = |program: &str, args: &[&str]| {
            Command::new(program)
                .args(args)
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
                .unwrap_or_default()
        };
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let field = |text: &str, key: &str| {
            text.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split(':').nth(1))
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        let kb: f64 = field(&meminfo, "MemTotal")
            .trim_end_matches(" kB")
            .parse()
            .unwrap_or(0.0);
        Machine {
            started: Machine::uptime(),
            date: run("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            model: field(&cpuinfo, "model name"),
            memory: format!("{:.0} GiB", kb / 1024.0 / 1024.0),
            load: Machine::load(),
            rustc: run("rustc", &["-V"]),
            source: {
                let root = crate::codegen::workspace_root().display().to_string();
                let head = run("git", &["-C", &root, "rev-parse", "--short", "HEAD"]);
                let dirty = run(
                    "git",
                    &[
                        "-C",
                        &root,
                        "status",
                        "--porcelain",
                        "--",
                        "generator",
                        "cli",
                    ],
                );
                if dirty.is_empty() {
                    format!("commit {head}")
                } else {
                    format!("commit {head} with uncommitted changes under `generator/` or `cli/`")
                }
            },
        }
    }
}

fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 1.0 {
        format!("{s:.3} s")
    } else if s < 10.0 {
        format!("{s:.2} s")
    } else {
        format!("{s:.1} s")
    }
}

fn mb(bytes: u64) -> String {
    let mb = bytes as f64 / 1e6;
    if mb >= 1000.0 {
        format!("{:.2} GB", mb / 1000.0)
    } else {
        format!("{mb:.0} MB")
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    a / b
}

/// The median of some ratios (the mean of the middle two of an even count).
fn median_of(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

fn met(ok: bool) -> &'static str {
    if ok { "**met**" } else { "**missed**" }
}

/// A compile's figure against a target on its wall time: met only when it compiled cleanly.
fn met_time(c: &Compiled, ok: impl Fn(f64) -> bool) -> &'static str {
    met(c.ok() && ok(c.sample.wall.as_secs_f64()))
}

fn kb_or_mb(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.2} MB", bytes as f64 / 1e6)
    } else {
        format!("{:.0} kB", bytes as f64 / 1e3)
    }
}

#[allow(clippy::too_many_arguments)]
fn report(
    args: &Args,
    m: &Machine,
    progenitor_version: &str,
    fixes: &[progenitor::Fix],
    g: &Gitlab,
    checks: Option<&Checks>,
    large: &[Large],
    corpus: &Corpus,
) -> String {
    let mut r = String::new();
    let w = &mut r;
    let _ = writeln!(
        w,
        "Measured {} by `{}` at {} (release builds of the generators; each generation figure the median of {} runs, each compile figure of {}); the run took {} min.",
        m.date,
        args.command(),
        m.source,
        args.runs,
        args.check_runs,
        ((Machine::uptime() - m.started) / 60.0).round()
    );
    let idle = m.load.split(' ').next().and_then(|l| l.parse::<f64>().ok()) < Some(0.5);
    let _ = writeln!(
        w,
        "Machine: {} × {}, {} RAM; {}; cargo-progenitor {progenitor_version}. \
         Load average at the start: {}, at the end: {} (1, 5, 15 min; the end's includes this run's own work) — the machine was {}.",
        m.cpus,
        m.model,
        m.memory,
        m.rustc,
        m.load,
        Machine::load(),
        if idle {
            "idle at the start"
        } else {
            "busy with other work at the start, so absolute times are inflated; ratios of runs interleaved in the same minutes are the sturdier figures"
        }
    );
    let _ = writeln!(
        w,
        "Wall time is the child process's, from spawn to exit (writing the crate included); peak \
         memory is its maximum resident set, over its waited-for children too \
         (`/usr/bin/time -f %M`): rustc's or rustdoc's under cargo, rustfmt's under progenitor. \
         A compile \"of the crate alone\" runs in a scratch workspace of the generated crates \
         (`<target>/bench/crates`, default dev profile) whose dependencies were built beforehand \
         for exactly that command and those features, after `cargo clean -p` of the crate and a \
         touch of its `src/lib.rs`; a run whose log shows cargo compiling anything else is \
         marked. Targets are issue 11's (issue 5's where marked).\n"
    );

    let _ = writeln!(
        w,
        "### The full GitLab spec ({} operations)\n",
        g.operations
    );
    let _ = writeln!(
        w,
        "| what | ours | progenitor | ratio | target | status |\n|---|---|---|---|---|---|"
    );
    let (ours_bytes, theirs_bytes) = (g.ours_size.0, g.theirs_size.0);
    let _ = writeln!(
        w,
        "| generated Rust, bytes of `src/*.rs` (lines) — ours with its copied runtime, {} | {} ({}) | {} ({}) | ours / progenitor = {:.2} × | ≤ 3 MB | {} |",
        kb_or_mb(g.runtime_bytes),
        kb_or_mb(ours_bytes),
        g.ours_size.1,
        kb_or_mb(theirs_bytes),
        g.theirs_size.1,
        ratio(ours_bytes as f64, theirs_bytes as f64),
        met(ours_bytes <= 3_000_000)
    );
    let speedup = ratio(g.theirs.wall.as_secs_f64(), g.yaml.wall.as_secs_f64());
    let _ = writeln!(
        w,
        "| generation, wall time (ours from the Swagger 2.0 YAML, progenitor from the fixed OpenAPI 3.0 JSON) | {} | {} | progenitor / ours = {speedup:.1} × | ≥ 5 × | {} |",
        secs(g.yaml.wall),
        secs(g.theirs.wall),
        met(speedup >= 5.0)
    );
    let same = ratio(g.theirs.wall.as_secs_f64(), g.same.wall.as_secs_f64());
    let _ = writeln!(
        w,
        "| generation, wall time, both from the fixed JSON | {} | {} | progenitor / ours = {same:.1} × | — | |",
        secs(g.same.wall),
        secs(g.theirs.wall),
    );
    let _ = writeln!(
        w,
        "| generation, peak memory (as above / from the fixed JSON) | {} / {} | {} | progenitor / ours = {:.1} × | — | |",
        mb(g.yaml.peak),
        mb(g.same.peak),
        mb(g.theirs.peak),
        ratio(g.theirs.peak as f64, g.yaml.peak as f64)
    );
    let floor = ratio(g.yaml.wall.as_secs_f64(), g.parse.wall.as_secs_f64());
    let _ = writeln!(
        w,
        "| our floor: generation / parsing the YAML alone ({}, {}) | {} | — | {floor:.1} × | ≤ 2 × (issue 5) | {} |",
        secs(g.parse.wall),
        mb(g.parse.peak),
        secs(g.yaml.wall),
        met(floor <= 2.0)
    );
    if let Some(c) = checks {
        let both = c.ours.ok() && c.theirs.ok();
        let (ours, theirs) = (&c.ours.sample, &c.theirs.sample);
        let t = ratio(ours.wall.as_secs_f64(), theirs.wall.as_secs_f64());
        let _ = writeln!(
            w,
            "| `cargo check` of the crate alone, all features, wall time | {} | {} | ours / progenitor = {t:.2} × | ≤ 0.25 × | {} |",
            time_of(&c.ours),
            time_of(&c.theirs),
            met(both && t <= 0.25)
        );
        let p = ratio(ours.peak as f64, theirs.peak as f64);
        let _ = writeln!(
            w,
            "| `cargo check` of the crate alone, all features, peak rustc memory | {} | {} | ours / progenitor = {p:.2} × | ≤ 0.35 × | {} |",
            mb(ours.peak),
            mb(theirs.peak),
            met(both && p <= 0.35)
        );
        for (feature, checked) in &c.features {
            let _ = writeln!(
                w,
                "| `cargo check` of the crate alone, one API feature (`--no-default-features --features {feature}`) | {} ({}) | no features | — | ≤ 3 s | {} |",
                time_of(checked),
                mb(checked.sample.peak),
                met_time(checked, |s| s <= 3.0)
            );
        }
        let _ = writeln!(
            w,
            "| `cargo doc --no-deps` of the crate, one API feature (`--no-default-features --features {DOC_FEATURE}`) | {} ({}) | no features | — | ≤ 10 s | {} |",
            time_of(&c.doc_feature),
            mb(c.doc_feature.sample.peak),
            met_time(&c.doc_feature, |s| s <= 10.0)
        );
        let d = ratio(
            c.doc_ours.sample.wall.as_secs_f64(),
            c.doc_theirs.sample.wall.as_secs_f64(),
        );
        let _ = writeln!(
            w,
            "| `cargo doc --no-deps` of the crate, all features (peak rustdoc memory) | {} ({}) | {} ({}) | ours / progenitor = {d:.2} × | — | |",
            time_of(&c.doc_ours),
            mb(c.doc_ours.sample.peak),
            time_of(&c.doc_theirs),
            mb(c.doc_theirs.sample.peak),
        );
        let built = ratio(
            c.build_ours.sample.wall.as_secs_f64(),
            c.build_theirs.sample.wall.as_secs_f64(),
        );
        let _ = writeln!(
            w,
            "| debug `cargo build` of the crate alone, all features (peak rustc memory) | {} ({}) | {} ({}) | ours / progenitor = {built:.2} × | ≤ 0.5 × | {} |",
            time_of(&c.build_ours),
            mb(c.build_ours.sample.peak),
            time_of(&c.build_theirs),
            mb(c.build_theirs.sample.peak),
            met(c.build_ours.ok() && c.build_theirs.ok() && built <= 0.5)
        );
    } else {
        let _ = writeln!(w, "| compiles | not run (`--no-check`) | | | | |");
    }

    let _ = writeln!(
        w,
        "\nProgenitor's input is `generated-client/openapi.json` (our effective spec: converted \
         to OpenAPI 3.0, overlay applied) with these fixes, made by `xtask/src/bench/progenitor.rs` \
         and written to `<target>/bench/gitlab-progenitor.json`; each says what progenitor does \
         without it:\n"
    );
    for fix in fixes {
        let _ = writeln!(w, "- {} ({} ×). {}", fix.what, fix.count, fix.why);
    }

    let _ = writeln!(
        w,
        "\n### The largest corpus documents\n\n\
         Both generators on each document as it is (`../shared/corpus`; ours without settings or \
         overlay), into the same scratch workspace; the check is `cargo check` of the crate alone, \
         all features (dependencies prebuilt, as above).\n"
    );
    let _ = writeln!(
        w,
        "| document | bytes | operations | generation, ours | progenitor | progenitor / ours | Rust, ours / progenitor | `cargo check`, ours | progenitor | ours / progenitor |\n|---|---|---|---|---|---|---|---|---|---|"
    );
    let mut refusals = Vec::new();
    let mut fix_notes: Vec<(&str, &str)> = Vec::new();
    for l in large {
        let generation = |s: &Result<Sample, String>| match s {
            Ok(s) => format!("{} ({})", secs(s.wall), mb(s.peak)),
            Err(_) => "failed (below)".to_string(),
        };
        let gen_ratio = match (&l.ours, &l.theirs) {
            (Ok(o), Ok(t)) => format!("{:.1} ×", ratio(t.wall.as_secs_f64(), o.wall.as_secs_f64())),
            _ => "—".into(),
        };
        let size = |s: (u64, usize)| {
            if s.0 == 0 {
                "—".to_string()
            } else {
                kb_or_mb(s.0)
            }
        };
        let checked = |c: &Option<Compiled>| match c {
            Some(c) => format!("{} ({})", time_of(c), mb(c.sample.peak)),
            None if checks.is_none() => "not run".into(),
            None => "—".into(),
        };
        let check_ratio = match (&l.ours_check, &l.theirs_check) {
            (Some(o), Some(t)) if o.ok() && t.ok() => format!(
                "{:.2} ×",
                ratio(o.sample.wall.as_secs_f64(), t.sample.wall.as_secs_f64())
            ),
            _ => "—".into(),
        };
        let _ = writeln!(
            w,
            "| {} | {} | {} | {} | {} | {gen_ratio} | {} / {} | {} | {} | {check_ratio} |",
            l.id,
            l.bytes,
            l.operations,
            generation(&l.ours),
            generation(&l.theirs),
            size(l.ours_size),
            size(l.theirs_size),
            checked(&l.ours_check),
            checked(&l.theirs_check),
        );
        if let Err(e) = &l.ours {
            refusals.push(format!(
                "- {}: refused by ours: `{}`",
                l.id,
                e.replace('`', "'")
            ));
        }
        let fixed: Vec<String> = l
            .fixes
            .iter()
            .map(|f| format!("{} {}", f.count, f.short))
            .collect();
        let theirs = match &l.theirs {
            Ok(_) => "generated".to_string(),
            Err(e) => format!("still refused: `{}`", e.replace('`', "'")),
        };
        match &l.refused_as_is {
            None => refusals.push(format!("- {}: progenitor takes it as it is", l.id)),
            Some(e) => refusals.push(format!(
                "- {}: progenitor refuses it as it is (`{}`); with the fixes of `progenitor.rs` ({}): {theirs}",
                l.id,
                e.replace('`', "'"),
                fixed.join(", ")
            )),
        }
        for f in &l.fixes {
            if !fix_notes.iter().any(|(what, _)| *what == f.what) {
                fix_notes.push((f.what, f.why));
            }
        }
    }
    let _ = writeln!(w, "\n{}", refusals.join("\n"));
    if !fix_notes.is_empty() {
        let _ = writeln!(
            w,
            "\nThe fixes, on the JSON (`xtask/src/bench/progenitor.rs`, written to \
             `<target>/bench/<name>-progenitor.json`), each with what progenitor does without it:\n"
        );
        for (what, why) in fix_notes {
            let _ = writeln!(w, "- {what}. {why}");
        }
    }

    let _ = writeln!(
        w,
        "\n### Corpus documents progenitor accepts as they are ({} of {} tried)\n",
        corpus.docs.len(),
        corpus.docs.len() + corpus.refused.len()
    );
    let _ = writeln!(
        w,
        "| document | bytes | operations | ours | progenitor | progenitor / ours | peak memory, ours / progenitor |\n|---|---|---|---|---|---|---|"
    );
    let mut ratios = Vec::new();
    for d in &corpus.docs {
        let (ours, r, peak) = match &d.ours {
            Ok(s) => {
                let r = ratio(d.theirs.wall.as_secs_f64(), s.wall.as_secs_f64());
                ratios.push(r);
                (secs(s.wall), format!("{r:.1} ×"), mb(s.peak))
            }
            Err(e) => (format!("failed: {e}"), "—".into(), "—".into()),
        };
        let _ = writeln!(
            w,
            "| {} | {} | {} | {ours} | {} | {r} | {peak} / {} |",
            d.id,
            d.bytes,
            d.operations,
            secs(d.theirs.wall),
            mb(d.theirs.peak)
        );
    }
    if let Some(m) = median_of(&mut ratios) {
        let _ = writeln!(
            w,
            "\nMedian ratio progenitor / ours over {} documents: **{m:.1} ×** (target for GitLab: ≥ 5 ×).",
            ratios.len()
        );
    }
    if !corpus.refused.is_empty() {
        let _ = writeln!(
            w,
            "\n<details><summary>{} documents refused by progenitor, with its first error</summary>\n",
            corpus.refused.len()
        );
        for (id, e) in &corpus.refused {
            let _ = writeln!(w, "- {id}: `{}`", e.replace('`', "'"));
        }
        let _ = writeln!(w, "\n</details>");
    }
    r
}

const START: &str = "<!-- bench:start -->";
const END: &str = "<!-- bench:end -->";

/// BENCHMARKS.md with the text between the markers replaced (a section added when missing).
fn splice(text: &str, report: &str) -> String {
    match (text.find(START), text.find(END)) {
        (Some(s), Some(e)) if s < e => format!(
            "{}{START}\n{report}{END}{}",
            &text[..s],
            &text[e + END.len()..]
        ),
        _ => format!(
            "{}\n\n## Side by side with progenitor\n\n`cargo xtask bench` rewrites this section.\n\n{START}\n{report}{END}\n",
            text.trim_end()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splice_replaces_between_markers_only() {
        let first = splice("# B\n\nintro\n", "one\n");
        assert!(first.starts_with("# B\n\nintro\n\n## Side by side"));
        assert!(first.contains(&format!("{START}\none\n{END}\n")));
        let second = splice(&format!("{first}after\n"), "two\n");
        assert_eq!(second, first.replace("one", "two") + "after\n");
    }

    #[test]
    fn args() {
        let a = Args::parse(&["--runs", "5", "--no-check"]).unwrap();
        assert_eq!((a.runs, a.check_runs, a.sample, a.check), (5, 1, 10, false));
        assert_eq!(a.command(), "cargo xtask bench --runs 5 --no-check");
        assert!(Args::parse(&["--runs", "0"]).is_none());
        assert!(Args::parse(&["--sample"]).is_none());
    }
}
