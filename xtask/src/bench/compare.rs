//! `cargo xtask bench [--runs N] [--check-runs N] [--sample N] [--no-check]`: our generator side
//! by side with progenitor (oxide's, installed with `cargo install cargo-progenitor`), in one run.
//!
//! 1. Builds `openapi-client-gen` and `xtask` in release, so every generator runs as a release
//!    child process, measured the same way ([`measure`]: wall time, peak RSS).
//! 2. The full GitLab spec, median of `--runs` (3): ours from what we are given (the Swagger 2.0
//!    YAML, its overlay and settings, as `cargo xtask codegen` does); ours and progenitor from
//!    progenitor's input, `generated-client/openapi.json` with the fixes of [`progenitor`]; and
//!    the bare parse of the YAML (`xtask bench-parse`), our floor.
//! 3. Unless `--no-check`: both crates in a scratch workspace (`<target>/bench/crates`),
//!    dependencies built once, then per crate `cargo clean -p` and a timed `cargo check -p`
//!    (median of `--check-runs`, 1): all of ours, all of progenitor's, ours with one API feature.
//! 4. A sample of `--sample` (10) OpenAPI 3.0 documents of the corpus (APIs.guru, spread over
//!    sizes) that progenitor accepts unchanged: both generators on each, median of `--runs`.
//!
//! Out: the tables on stdout and between `<!-- bench:start -->` and `<!-- bench:end -->` in
//! BENCHMARKS.md, with the date, the command, the machine and its load average at the start.
//! Scratch files, logs and the generated crates stay in `<target>/bench/` for inspection.

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
    eprintln!("bench: building openapi-client-gen and xtask (release)");
    cargo(
        &root,
        &[
            "build",
            "--release",
            "--quiet",
            "-p",
            "openapi-client-gen",
            "-p",
            "xtask",
        ],
        &target,
    )?;
    let b = Bench {
        ours: target.join("release/openapi-client-gen"),
        xtask: target.join("release/xtask"),
        root,
        scratch,
    };

    // The GitLab spec as we take it, and as progenitor takes it.
    let config_text = std::fs::read_to_string(b.root.join(SPEC_DIR).join("codegen.toml"))
        .map_err(|e| e.to_string())?;
    let config = generator::Config::parse("codegen.toml", &config_text)?;
    let input = config.input(SPEC_DIR);
    let yaml = b.root.join(&input.spec);
    let mut ours_flags = Vec::new();
    if let Some(overlay) = &input.overlay {
        ours_flags.push("--overlay".to_string());
        ours_flags.push(b.root.join(overlay).display().to_string());
    }
    if input.settings.query_array_style == Some(generator::QueryArrayStyle::Brackets) {
        ours_flags.push("--brackets-arrays".to_string());
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
    };

    let checks = if args.check {
        Some(check(&b, &crates, args.check_runs)?)
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
        &corpus,
    );
    println!("{report}");
    let path = b.root.join("BENCHMARKS.md");
    let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    std::fs::write(&path, splice(&text, &report)).map_err(|e| e.to_string())?;
    eprintln!("bench: written to {}", path.display());
    Ok(())
}

/// Runs cargo with `args` in `dir`, its target folder `target`; `Err` with its output on failure.
fn cargo(dir: &Path, args: &[&str], target: &Path) -> Result<(), String> {
    let out = Command::new("cargo")
        .args(args)
        .arg("--target-dir")
        .arg(target)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cargo: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "cargo {}: {}\n{}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ))
    }
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
}

/// `cargo check` of the generated crates alone.
struct Checks {
    ours: Checked,
    theirs: Checked,
    /// One API feature alone, by feature.
    features: Vec<(&'static str, Checked)>,
    ours_lines: usize,
    theirs_lines: usize,
}

/// One crate's `cargo check`, and why it failed if it did.
struct Checked {
    sample: Sample,
    failed: Option<String>,
}

impl Checked {
    fn time(&self) -> String {
        match &self.failed {
            None => secs(self.sample.wall),
            Some(why) => format!("{} ({why})", secs(self.sample.wall)),
        }
    }
}

const FEATURES: [&str; 2] = ["award_emoji", "projects"];

fn check(b: &Bench, crates: &Path, runs: usize) -> Result<Checks, String> {
    // A workspace of the two crates, pinned to our lock file where they share dependencies.
    std::fs::write(
        crates.join("Cargo.toml"),
        "# Written by `cargo xtask bench`: the two generated GitLab clients, checked alone.\n\
         [workspace]\nresolver = \"3\"\nmembers = [\"ours\", \"progenitor\"]\n",
    )
    .map_err(|e| e.to_string())?;
    let lock = crates.join("Cargo.lock");
    if !lock.exists() {
        std::fs::copy(b.root.join("Cargo.lock"), &lock).map_err(|e| e.to_string())?;
    }
    let target = b.scratch.join("check-target");
    // Dependencies once: each crate checked with an empty `src/lib.rs` and the same flags, so
    // its dependencies are built with exactly the features the timed runs ask for.
    for (name, dir) in [(OURS, "ours"), (THEIRS, "progenitor")] {
        eprintln!("bench: building the dependencies of {name}");
        let src = crates.join(dir).join("src");
        let aside = crates.join(dir).join("src.bench");
        std::fs::rename(&src, &aside).map_err(|e| e.to_string())?;
        let built = std::fs::create_dir(&src)
            .and_then(|()| std::fs::write(src.join("lib.rs"), ""))
            .map_err(|e| e.to_string())
            .and_then(|()| cargo(crates, &["check", "--quiet", "-p", name], &target));
        let _ = std::fs::remove_dir_all(&src);
        std::fs::rename(&aside, &src).map_err(|e| e.to_string())?;
        built?;
    }
    // A crate that does not compile is still timed (to its errors), and marked.
    let timed = |name: &str, features: &[&str], label: &str| -> Result<Checked, String> {
        let mut samples = Vec::new();
        let mut failed = None;
        for run in 1..=runs {
            eprintln!(
                "bench: cargo check -p {name} {}, run {run}/{runs}",
                features.join(" ")
            );
            cargo(crates, &["clean", "--quiet", "-p", name], &target)?;
            let log = b.log(&format!("check-{label}"));
            let (sample, failure) = Child::new("cargo", &log)
                .args(["check", "-p", name])
                .args(features)
                .arg("--target-dir")
                .arg(&target)
                .dir(crates)
                .run_to_end()?;
            samples.push(sample);
            if failure.is_some() {
                let text = std::fs::read_to_string(&log).unwrap_or_default();
                let errors = text.lines().filter(|l| l.starts_with("error[")).count();
                failed = Some(format!("did not compile: {errors} errors"));
            }
        }
        Ok(Checked {
            sample: median(&samples),
            failed,
        })
    };
    let ours = timed(OURS, &[], "ours")?;
    let theirs = timed(THEIRS, &[], "progenitor")?;
    let mut features = Vec::new();
    for feature in FEATURES {
        let flags = ["--no-default-features", "--features", feature];
        features.push((feature, timed(OURS, &flags, feature)?));
    }
    Ok(Checks {
        ours,
        theirs,
        features,
        ours_lines: rust_lines(&crates.join("ours/src")),
        theirs_lines: rust_lines(&crates.join("progenitor/src")),
    })
}

/// Lines of Rust under a folder.
fn rust_lines(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .map(|p| std::fs::read_to_string(p).map_or(0, |t| t.lines().count()))
        .sum()
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
}

impl Machine {
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
        let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        Machine {
            date: run("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            model: field(&cpuinfo, "model name"),
            memory: format!("{:.0} GiB", kb / 1024.0 / 1024.0),
            load: load
                .split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" "),
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

#[allow(clippy::too_many_arguments)]
fn report(
    args: &Args,
    m: &Machine,
    progenitor_version: &str,
    fixes: &[progenitor::Fix],
    g: &Gitlab,
    checks: Option<&Checks>,
    corpus: &Corpus,
) -> String {
    let mut r = String::new();
    let w = &mut r;
    let _ = writeln!(
        w,
        "Measured {} by `{}` at {} (release builds; each figure the median of {} runs, `cargo check` figures of {}).",
        m.date,
        args.command(),
        m.source,
        args.runs,
        args.check_runs
    );
    let _ = writeln!(
        w,
        "Machine: {} × {}, {} RAM; {}; cargo-progenitor {progenitor_version}. \
         Load average at the start: {} (1, 5, 15 min) — the machine was {}.",
        m.cpus,
        m.model,
        m.memory,
        m.rustc,
        m.load,
        if m.load.split(' ').next().and_then(|l| l.parse::<f64>().ok()) < Some(0.5) {
            "idle"
        } else {
            "busy with other work, so absolute times are inflated; ratios of runs interleaved in the same minutes are the sturdier figures"
        }
    );
    let _ = writeln!(
        w,
        "Wall time is the child process's, from spawn to exit (writing the crate included); peak \
         memory is its maximum resident set, over its waited-for children too \
         (`/usr/bin/time -f %M`): rustc's under cargo, rustfmt's under progenitor.\n"
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
        "| our floor: generation / parsing the YAML alone ({}, {}) | {} | — | {floor:.1} × | ≤ 2 × | {} |",
        secs(g.parse.wall),
        mb(g.parse.peak),
        secs(g.yaml.wall),
        met(floor <= 2.0)
    );
    if let Some(c) = checks {
        let (ours, theirs) = (&c.ours.sample, &c.theirs.sample);
        let t = ratio(ours.wall.as_secs_f64(), theirs.wall.as_secs_f64());
        let _ = writeln!(
            w,
            "| `cargo check` of the crate alone, wall time ({} / {} lines of Rust) | {} | {} | ours / progenitor = {t:.2} × | ≤ 0.5 × | {} |",
            c.ours_lines,
            c.theirs_lines,
            c.ours.time(),
            c.theirs.time(),
            met(t <= 0.5)
        );
        let p = ratio(ours.peak as f64, theirs.peak as f64);
        let _ = writeln!(
            w,
            "| `cargo check` of the crate alone, peak rustc memory | {} | {} | ours / progenitor = {p:.2} × | ≤ 0.5 × | {} |",
            mb(ours.peak),
            mb(theirs.peak),
            met(p <= 0.5)
        );
        for (feature, checked) in &c.features {
            let _ = writeln!(
                w,
                "| `cargo check`, one API feature alone (`--no-default-features --features {feature}`) | {} ({}) | no features | — | ≤ 5 s | {} |",
                checked.time(),
                mb(checked.sample.peak),
                met(checked.failed.is_none() && checked.sample.wall.as_secs_f64() <= 5.0)
            );
        }
    } else {
        let _ = writeln!(w, "| `cargo check` | not run (`--no-check`) | | | | |");
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
