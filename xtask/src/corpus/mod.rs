//! The `corpus` task: the generator over the documents of `../shared/corpus` (MANIFEST.tsv; the
//! folder can be moved with `CORPUS_DIR`), then the generated crates through `cargo check`.
//!
//! Each document is generated in its own process (`xtask corpus-one`) with a time bound, on as
//! many worker threads as there are cores, and classified as generated (with N warnings),
//! rejected (with its first error), panic or timeout. A generated document's crate is written to
//! `target/corpus/crates/<crate>/` by `oapi-client-gen`'s library; then every crate is checked
//! in one `cargo check` of a workspace made of them ([`compile`]), sharing the main workspace's
//! target folder so the client dependencies already built there are reused. Results stay in
//! manifest order, so the output is deterministic but for its timings.
//!
//! - `cargo xtask corpus --quick`: about 40 documents sampled evenly across folders
//!   ([`sample`]); fails when one panics, times out or its crate does not compile. Prints its
//!   summary; `CORPUS.md` is left alone. Skipped (exit 0) when the corpus is not there.
//! - `cargo xtask corpus [--long]`: every document; writes `CORPUS.md` ([`report`]).
//! - `--limit N` takes the first N documents of the selection; `--no-compile` only generates.

mod compile;
pub mod examples;
mod report;

use indicatif::{ProgressBar, ProgressStyle};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How much of the corpus a run takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A deterministic sample of about [`QUICK_SAMPLE`] valid documents; the gate of CI.
    Quick,
    /// Every document; writes `CORPUS.md`.
    Long,
}

/// `cargo xtask corpus`'s flags.
#[derive(Debug, Clone, Copy)]
pub struct Args {
    pub mode: Mode,
    /// Only the first N documents of the selection.
    pub limit: Option<usize>,
    /// Compile the generated crates (`--no-compile` turns it off).
    pub compile: bool,
}

/// How many documents quick mode aims at.
pub const QUICK_SAMPLE: usize = 40;
/// Quick mode leaves out documents larger than this, so it stays quick on 2 cores.
const QUICK_MAX_BYTES: u64 = 256 * 1024;
/// How long one document may take to generate.
const TIME_BOUND: Duration = Duration::from_secs(30);

/// The corpus folder: `CORPUS_DIR`, else `../shared/corpus` beside the workspace.
pub fn corpus_root() -> PathBuf {
    std::env::var_os("CORPUS_DIR").map_or_else(
        || crate::codegen::workspace_root().join("../shared/corpus"),
        PathBuf::from,
    )
}

/// Where the generated crates go: `target/corpus/crates` of the main workspace.
fn crates_dir() -> PathBuf {
    crate::codegen::workspace_root().join("target/corpus/crates")
}

/// Child mode: generates one document (path relative to the corpus root) and prints one line,
/// `generated <warnings> <operations> <code>=<n>,…` (`-` for no warning) or
/// `rejected <code> <message>`; with a crate name, a
/// generated document's crate is also written to `target/corpus/crates/<crate>/` (without one,
/// nothing is written). A panic is seen by the parent as exit code 101.
pub fn one(file: &str, crate_name: Option<&str>) -> ExitCode {
    // Named in any case, so the library need not look for a name in the spec.
    let name = crate_name.unwrap_or("corpus-document");
    let mut options =
        oapi_client_gen::Options::new(corpus_root().join(file), crates_dir().join(name));
    options.name = Some(name.to_owned());
    // `target/corpus/crates/` is scratch space of this task: crates written there by a version
    // without the writer's manifest are taken over.
    options.force = true;
    // Documents of the corpus refer to their neighbours (`../common.yaml`); the corpus is one
    // trusted collection.
    options.allow_dirs = vec![corpus_root()];
    let result = match crate_name {
        Some(_) => oapi_client_gen::generate_crate(&options),
        None => oapi_client_gen::check_crate(&options),
    };
    match result {
        Ok(r) => {
            let mut by_code: std::collections::BTreeMap<&str, u64> = Default::default();
            for d in r.warnings.iter() {
                *by_code.entry(d.code).or_default() += 1;
            }
            let codes: Vec<String> = by_code.iter().map(|(c, n)| format!("{c}={n}")).collect();
            println!(
                "generated {} {} {}",
                r.warnings.warnings(),
                r.operations,
                if codes.is_empty() {
                    "-".to_owned()
                } else {
                    codes.join(",")
                }
            )
        }
        Err(oapi_client_gen::Error::Generation { diagnostics, .. }) => {
            match diagnostics
                .iter()
                .find(|d| d.severity == oapi_client_gen_core::Severity::Error)
            {
                Some(e) => println!("rejected {} {}", e.code, e.message.replace('\n', " ")),
                None => println!("rejected none (no error diagnostic)"),
            }
        }
        Err(e) => {
            eprintln!("fatal: cannot write the crate: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// One document of the manifest and what became of it.
#[derive(Debug, Clone)]
struct Row {
    id: String,
    file: String,
    folder: String,
    /// `2.0`, `3.0`, `3.1`, … (major.minor of the manifest's spec_version).
    version: String,
    bytes: u64,
    expected_invalid: bool,
    /// The crate's name (and folder) when generated: unique over the whole manifest.
    crate_name: String,
    outcome: Outcome,
    /// `None` when not compiled (not generated, or `--no-compile`).
    compile: Option<compile::Compiled>,
}

/// What generating one document gave.
#[derive(Debug, Clone)]
enum Outcome {
    /// Not run yet.
    Pending,
    Generated {
        warnings: u64,
        /// Warnings by diagnostic code.
        by_code: std::collections::BTreeMap<String, u64>,
    },
    Rejected {
        code: String,
        message: String,
    },
    Panic(String),
    Timeout,
}

/// Each document of the manifest: its id and its file (relative to the corpus root).
pub fn manifest_files(root: &Path) -> Result<Vec<(String, String)>, String> {
    Ok(manifest(root)?
        .into_iter()
        .map(|r| (r.id, r.file))
        .collect())
}

/// The manifest's rows, in its order, with unique crate names.
fn manifest(root: &Path) -> Result<Vec<Row>, String> {
    let path = root.join("MANIFEST.tsv");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut taken = BTreeSet::new();
    let mut rows = Vec::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let col = |i: usize| cols.get(i).copied().unwrap_or("");
        let id = col(0);
        rows.push(Row {
            id: id.to_owned(),
            file: col(1).to_owned(),
            folder: id.split('/').next().unwrap_or("").to_owned(),
            version: col(7)
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect::<String>()
                .split('.')
                .take(2)
                .collect::<Vec<_>>()
                .join("."),
            bytes: col(6).parse().unwrap_or(0),
            expected_invalid: col(11).contains("expected-invalid-or-rejected"),
            crate_name: unique_crate_name(id, &mut taken),
            outcome: Outcome::Pending,
            compile: None,
        });
    }
    Ok(rows)
}

/// `corpus-` and the manifest id made a crate name (`apisguru/stripe.com` →
/// `corpus-apisguru-stripe-com`), with `-2`, `-3`, … when an earlier id gave the same name.
fn unique_crate_name(id: &str, taken: &mut BTreeSet<String>) -> String {
    let base = oapi_client_gen::crate_name(&format!("corpus-{id}"));
    let mut name = base.clone();
    let mut n = 1;
    while !taken.insert(name.clone()) {
        n += 1;
        name = format!("{base}-{n}");
    }
    name
}

/// Quick mode's selection (indices into `rows`): from each folder, its share of `target`
/// (at least 2) of the valid documents no larger than `max_bytes`, every k-th one starting in
/// the middle of the first stride — the same documents every time, spread over each folder.
fn sample(rows: &[Row], target: usize, max_bytes: u64) -> Vec<usize> {
    let eligible: Vec<usize> = (0..rows.len())
        .filter(|&i| !rows[i].expected_invalid && rows[i].bytes <= max_bytes)
        .collect();
    let folders: BTreeSet<&str> = eligible.iter().map(|&i| rows[i].folder.as_str()).collect();
    let mut picked = Vec::new();
    for folder in folders {
        let members: Vec<usize> = eligible
            .iter()
            .copied()
            .filter(|&i| rows[i].folder == folder)
            .collect();
        let share = (target * members.len()).div_ceil(eligible.len().max(1));
        let quota = share.max(2).min(members.len());
        let stride = members.len() as f64 / quota as f64;
        picked.extend((0..quota).map(|j| members[((j as f64 + 0.5) * stride) as usize]));
    }
    picked.sort_unstable();
    picked
}

/// Generates `rows[i]` for each selected `i` on one worker per core, writing crates when
/// `write_crates`; fills in each row's outcome.
fn generate_all(rows: &mut [Row], selected: &[usize], write_crates: bool) {
    let exe = std::env::current_exe().expect("the running xtask");
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let bar = progress(selected.len(), "documents generated");
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Outcome)>> = Mutex::new(Vec::new());
    let rows_ref: &[Row] = rows;
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&i) = selected.get(k) else { break };
                    let row = &rows_ref[i];
                    let name = write_crates.then_some(row.crate_name.as_str());
                    let outcome = run_one(&exe, &row.file, name, TIME_BOUND);
                    results.lock().expect("no worker panics").push((i, outcome));
                    let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                    bar.set_message(row.id.clone());
                    bar.inc(1);
                    tick_line(&bar, n, selected.len());
                }
            });
        }
    });
    bar.finish_and_clear();
    for (i, outcome) in results.into_inner().expect("no worker panics") {
        rows[i].outcome = outcome;
    }
}

/// A progress bar on stderr counting `what`; indicatif hides it when stderr is no terminal,
/// and then [`tick_line`] prints a line every 100 instead.
fn progress(len: usize, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len as u64);
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{elapsed_precise}} [{{bar:40}}] {{pos}}/{{len}} {what} {{msg}}"
        ))
        .expect("a valid template")
        .progress_chars("=> "),
    );
    bar
}

/// The line a hidden progress bar prints instead, every 100 and at the end.
fn tick_line(bar: &ProgressBar, done: usize, total: usize) {
    if bar.is_hidden() && (done.is_multiple_of(100) || done == total) {
        eprintln!("[{done}/{total}] {:.0} s", bar.elapsed().as_secs_f64());
    }
}

fn run_one(exe: &Path, file: &str, crate_name: Option<&str>, limit: Duration) -> Outcome {
    let child = match Command::new(exe)
        .arg("corpus-one")
        .arg(file)
        .args(crate_name)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => return Outcome::Panic(format!("cannot start: {e}")),
    };
    let (status, stdout, stderr) = match wait_within(child, limit) {
        Waited::Exited(status, output) => (
            status,
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        ),
        Waited::TimedOut => return Outcome::Timeout,
        Waited::Failed(e) => return Outcome::Panic(format!("wait failed: {e}")),
    };
    if !status.success() {
        // A panic's message, or the runtime's word on a stack overflow or abort.
        let msg = stderr
            .lines()
            .find(|l| l.contains("panicked") || l.contains("overflowed") || l.contains("fatal"))
            .unwrap_or("");
        let detail = stderr
            .lines()
            .skip_while(|l| !l.contains("panicked"))
            .nth(1)
            .unwrap_or("");
        return Outcome::Panic(format!("{status}: {msg} {detail}").trim().to_owned());
    }
    let line = stdout.lines().next().unwrap_or_default().to_owned();
    let mut parts = line.splitn(3, ' ');
    match parts.next() {
        Some("generated") => {
            let mut fields = line.split_whitespace().skip(1);
            let warnings = fields.next().and_then(|w| w.parse().ok()).unwrap_or(0);
            let by_code = fields
                .nth(1)
                .unwrap_or("-")
                .split(',')
                .filter_map(|kv| kv.split_once('='))
                .filter_map(|(c, n)| Some((c.to_owned(), n.parse().ok()?)))
                .collect();
            Outcome::Generated { warnings, by_code }
        }
        _ => Outcome::Rejected {
            code: parts.next().unwrap_or("?").to_owned(),
            message: parts.next().unwrap_or("").chars().take(160).collect(),
        },
    }
}

/// How a child process ended ([`wait_within`]).
pub(crate) enum Waited {
    Exited(std::process::ExitStatus, std::process::Output),
    /// It ran past the limit and was killed.
    TimedOut,
    Failed(std::io::Error),
}

/// Waits for `child` at most `limit`, killing it then; its piped output when it exits.
pub(crate) fn wait_within(mut child: std::process::Child, limit: Duration) -> Waited {
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                return match child.wait_with_output() {
                    Ok(output) => Waited::Exited(status, output),
                    Err(e) => Waited::Failed(e),
                };
            }
            Ok(None) if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Waited::TimedOut;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Waited::Failed(e),
        }
    }
}

/// `cargo xtask corpus …`.
pub fn run(args: Args) -> ExitCode {
    let root = corpus_root();
    if !root.join("MANIFEST.tsv").is_file() {
        eprintln!(
            "no corpus at {} (MANIFEST.tsv missing; set CORPUS_DIR to the corpus folder)",
            root.display()
        );
        if args.mode == Mode::Quick {
            println!("corpus: skipped");
            return ExitCode::SUCCESS;
        }
        return ExitCode::FAILURE;
    }
    let mut rows = match manifest(&root) {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let mut selected: Vec<usize> = match args.mode {
        Mode::Quick => sample(&rows, QUICK_SAMPLE, QUICK_MAX_BYTES),
        Mode::Long => (0..rows.len()).collect(),
    };
    selected.truncate(args.limit.unwrap_or(usize::MAX));
    let started = Instant::now();
    eprintln!(
        "corpus: generating {} documents of {}",
        selected.len(),
        root.display()
    );
    generate_all(&mut rows, &selected, args.compile);
    let generation_time = started.elapsed();
    let mut checked = None;
    if args.compile {
        let names: Vec<String> = selected
            .iter()
            .filter(|&&i| matches!(rows[i].outcome, Outcome::Generated { .. }))
            .map(|&i| rows[i].crate_name.clone())
            .collect();
        eprintln!("corpus: cargo check of {} generated crates", names.len());
        match compile::check(&crates_dir(), &names) {
            Ok(result) => {
                for &i in &selected {
                    rows[i].compile = result.crates.get(&rows[i].crate_name).cloned();
                }
                checked = Some(result.summary);
            }
            Err(e) => {
                eprintln!("corpus: cannot compile the generated crates: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let rows: Vec<Row> = selected.iter().map(|&i| rows[i].clone()).collect();
    let timing = report::Timing {
        generation: generation_time,
        total: started.elapsed(),
    };
    match args.mode {
        Mode::Quick => report::quick(&rows, checked.as_ref(), &timing),
        Mode::Long => {
            let path = crate::codegen::workspace_root().join("CORPUS.md");
            let old = std::fs::read_to_string(&path).unwrap_or_default();
            let mut text = report::long(
                &rows,
                checked.as_ref(),
                &timing,
                &args,
                &report::previous(&old),
            );
            // `cargo xtask corpus-examples` writes its own section; it stays.
            if let Some(section) = examples::kept_section(&old) {
                text = examples::with_section(&text, section);
            }
            if let Err(e) = std::fs::write(&path, &text) {
                eprintln!("cannot write {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
            println!("{text}");
            ExitCode::SUCCESS
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(folder: &str, n: usize, invalid: bool) -> Row {
        Row {
            id: format!("{folder}/doc{n}"),
            file: format!("{folder}/doc{n}.yaml"),
            folder: folder.to_owned(),
            version: "3.0".to_owned(),
            bytes: if n % 10 == 9 { 1 << 30 } else { 100 },
            expected_invalid: invalid,
            crate_name: String::new(),
            outcome: Outcome::Pending,
            compile: None,
        }
    }

    #[test]
    fn the_sample_is_deterministic_spread_and_valid() {
        let mut rows: Vec<Row> = (0..300).map(|n| row("big", n, false)).collect();
        rows.extend((0..50).map(|n| row("edge", n, n % 2 == 0)));
        rows.extend((0..3).map(|n| row("tiny", n, false)));
        let picked = sample(&rows, 40, 1000);
        assert_eq!(picked, sample(&rows, 40, 1000), "the same every time");
        let count = |f: &str| picked.iter().filter(|&&i| rows[i].folder == f).count();
        assert!((30..=40).contains(&count("big")), "{}", count("big"));
        assert!((2..=5).contains(&count("edge")), "{}", count("edge"));
        assert_eq!(count("tiny"), 2, "a small folder still has two");
        assert!(picked.iter().all(|&i| !rows[i].expected_invalid));
        assert!(
            picked.iter().all(|&i| rows[i].bytes <= 1000),
            "large ones left out"
        );
        assert!(
            picked.windows(2).all(|w| w[0] < w[1]),
            "manifest order, no repeats"
        );
        let big: Vec<usize> = picked.iter().copied().filter(|&i| i < 300).collect();
        assert!(big[0] < 20 && *big.last().unwrap() > 280, "spread: {big:?}");
    }

    #[test]
    fn crate_names_are_slugs_and_unique() {
        let mut taken = BTreeSet::new();
        assert_eq!(
            unique_crate_name("apisguru/stripe.com", &mut taken),
            "corpus-apisguru-stripe-com"
        );
        assert_eq!(
            unique_crate_name("apisguru/stripe_com", &mut taken),
            "corpus-apisguru-stripe-com-2"
        );
        assert_eq!(
            unique_crate_name("apisguru/Stripe COM", &mut taken),
            "corpus-apisguru-stripe-com-3"
        );
        assert_eq!(
            unique_crate_name("edge/mermade/3.1/pass/Ünï", &mut taken),
            "corpus-edge-mermade-3-1-pass-n"
        );
    }
}
