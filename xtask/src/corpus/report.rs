//! What a corpus run says: `CORPUS.md` for a long run ([`long`]), a printed summary and a
//! verdict for a quick one ([`quick`]).
//!
//! In: the selected rows in manifest order (outcome and compile result each), the compile
//! summary and the timings. Out: Markdown tables by folder and spec version (generation, then
//! compilation), the most common rejection and compile errors, and every failing document.

use super::compile::{Compiled, Summary};
use super::{Args, Mode, Outcome, Row};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Duration;

/// How long the run took.
pub struct Timing {
    pub generation: Duration,
    pub total: Duration,
}

/// Counts of generated, rejected, panicked and timed-out rows.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    generated: usize,
    rejected: usize,
    panics: usize,
    timeouts: usize,
    compiled: usize,
    compile_failed: usize,
}

impl Tally {
    fn of<'a>(rows: impl IntoIterator<Item = &'a Row>) -> Tally {
        let mut t = Tally::default();
        for row in rows {
            match row.outcome {
                Outcome::Generated { .. } => t.generated += 1,
                Outcome::Rejected { .. } | Outcome::Pending => t.rejected += 1,
                Outcome::Panic(_) => t.panics += 1,
                Outcome::Timeout => t.timeouts += 1,
            }
            match row.compile {
                Some(Compiled::Ok { .. }) => t.compiled += 1,
                Some(Compiled::Failed { .. }) => t.compile_failed += 1,
                None => {}
            }
        }
        t
    }

    fn documents(&self) -> usize {
        self.generated + self.rejected + self.panics + self.timeouts
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    100.0 * part as f64 / whole.max(1) as f64
}

/// Prints the quick run's summary and its failures; fails when a document panicked or timed
/// out, or a generated crate does not compile.
pub fn quick(rows: &[Row], checked: Option<&Summary>, timing: &Timing) -> ExitCode {
    let t = Tally::of(rows);
    println!(
        "corpus --quick: {} documents; generated {}, rejected {}, panics {}, timeouts {}",
        t.documents(),
        t.generated,
        t.rejected,
        t.panics,
        t.timeouts
    );
    if let Some(s) = checked {
        println!(
            "  compiled {} of {} generated crates, {} failed; dependencies: {} reused, {} built",
            t.compiled,
            t.generated,
            t.compile_failed,
            s.deps_fresh,
            s.deps_built.len()
        );
    }
    println!(
        "  {:.0} s (generation {:.0} s)",
        timing.total.as_secs_f64(),
        timing.generation.as_secs_f64()
    );
    for r in rows {
        if let Outcome::Rejected { code, message } = &r.outcome {
            println!("  rejected (allowed): {}: [{code}] {message}", r.id);
        }
    }
    let failures: Vec<String> = rows.iter().filter_map(failure).collect();
    for f in &failures {
        eprintln!("  FAILED {f}");
    }
    if failures.is_empty() {
        println!("corpus --quick: passed");
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "corpus --quick: {} failure(s); the crates are in target/corpus/crates",
            failures.len()
        );
        ExitCode::FAILURE
    }
}

/// A quick run's failure: a panic, a timeout or a crate that does not compile.
fn failure(r: &Row) -> Option<String> {
    match (&r.outcome, &r.compile) {
        (Outcome::Panic(m), _) => Some(format!("{}: crashed ({m})", r.id)),
        (Outcome::Timeout, _) => Some(format!("{}: timed out", r.id)),
        (_, Some(Compiled::Failed { code, message, .. })) => Some(format!(
            "{}: does not compile ({}): [{code}] {message}",
            r.id, r.crate_name
        )),
        _ => None,
    }
}

/// The command line that gives this run.
fn command(args: &Args) -> String {
    let mut c = "cargo run --release -p xtask -- corpus".to_owned();
    if args.mode == Mode::Quick {
        c.push_str(" --quick");
    }
    if let Some(n) = args.limit {
        let _ = write!(c, " --limit {n}");
    }
    if !args.compile {
        c.push_str(" --no-compile");
    }
    c
}

/// The checked-out commit, short (with `+changes` when the tree differs from it), or `unknown`.
fn head() -> String {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(crate::codegen::workspace_root())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    match git(&["rev-parse", "--short", "HEAD"]) {
        Some(commit) => match git(&["status", "--porcelain", "--untracked-files=no"]) {
            Some(changes) if !changes.is_empty() => format!("{commit}+changes"),
            _ => commit,
        },
        None => "unknown".into(),
    }
}

/// Today (UTC) as `YYYY-MM-DD`.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date(secs / 86_400)
}

/// Days since 1970-01-01 → `YYYY-MM-DD` (Howard Hinnant's `civil_from_days`).
fn civil_date(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The lines of the previous `CORPUS.md` that say when it was run and how long its compile took,
/// so that a run's figures stand beside the last ones (its own "previous run" lines are not
/// carried further).
pub fn previous(old: &str) -> Vec<&str> {
    old.lines()
        .filter(|l| l.starts_with("Run on ") || l.starts_with("`cargo check` of "))
        .collect()
}

/// `CORPUS.md`; `before` is what [`previous`] kept of the file this run replaces.
pub fn long(
    rows: &[Row],
    checked: Option<&Summary>,
    timing: &Timing,
    args: &Args,
    before: &[&str],
) -> String {
    let mut t = String::new();
    t.push_str("# The corpus\n\n");
    t.push_str("Every document of `../shared/corpus` (MANIFEST.tsv) through the generator, each in its own process with a 30 s bound, then every generated crate through one `cargo check` (`cargo xtask corpus`, `xtask/src/corpus/`). Documents flagged `expected-invalid-or-rejected` are counted apart: a located error is the right answer for them.\n\n");
    let _ = writeln!(
        t,
        "Run on {} at commit {}: `{}`; {} documents, generated in {:.0} s, {:.0} s in all, on {} vCPUs.\n",
        today(),
        head(),
        command(args),
        rows.len(),
        timing.generation.as_secs_f64(),
        timing.total.as_secs_f64(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    match checked {
        Some(s) => {
            let _ = writeln!(
                t,
                "`cargo check` of {} crates took {:.0} s; dependencies reused from the workspace's `target`: {} fresh, {} built.\n",
                s.crates,
                s.elapsed.as_secs_f64(),
                s.deps_fresh,
                s.deps_built.len()
            );
        }
        None => t.push_str("The generated crates were not compiled (`--no-compile`).\n\n"),
    }
    if !before.is_empty() {
        t.push_str("The run before this one, as this file said then:\n\n");
        for line in before {
            let _ = writeln!(t, "> {line}");
        }
        t.push('\n');
    }
    let valid = Tally::of(rows.iter().filter(|r| !r.expected_invalid));
    let invalid = Tally::of(rows.iter().filter(|r| r.expected_invalid));
    let all = Tally::of(rows);
    t.push_str("## Summary\n\n");
    let _ = writeln!(
        t,
        "- valid documents: {}; generated {} ({:.1}%), rejected {}, panics {}, timeouts {}",
        valid.documents(),
        valid.generated,
        percent(valid.generated, valid.documents()),
        valid.rejected,
        valid.panics,
        valid.timeouts
    );
    let _ = writeln!(
        t,
        "- expected-invalid documents: {}; rejected {}, generated {}, panics {}, timeouts {}",
        invalid.documents(),
        invalid.rejected,
        invalid.generated,
        invalid.panics,
        invalid.timeouts
    );
    if checked.is_some() {
        let _ = writeln!(
            t,
            "- generated crates: {}; compiled {} ({:.1}%), failed to compile {}",
            all.generated,
            all.compiled,
            percent(all.compiled, all.generated),
            all.compile_failed
        );
    }
    t.push('\n');
    let by_folder = |r: &Row| r.folder.clone();
    let by_version = |r: &Row| r.version.clone();
    generation_table(&mut t, rows, "folder", &by_folder);
    generation_table(&mut t, rows, "spec version", &by_version);
    if checked.is_some() {
        compile_table(&mut t, rows, "folder", &by_folder);
        compile_table(&mut t, rows, "spec version", &by_version);
    }
    rejections(&mut t, rows);
    if checked.is_some() {
        compile_errors(&mut t, rows);
    }
    t.push_str("## Panics and timeouts\n\n");
    let crashed: Vec<&Row> = rows
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Panic(_) | Outcome::Timeout))
        .collect();
    if crashed.is_empty() {
        t.push_str("None.\n");
    }
    for r in crashed {
        let what = match &r.outcome {
            Outcome::Panic(m) => format!("crashed ({m})"),
            _ => "timed out".to_owned(),
        };
        let _ = writeln!(t, "- `{}`: {what}", r.id);
    }
    failing_documents(&mut t, rows);
    let warnings: u64 = rows
        .iter()
        .map(|r| match r.outcome {
            Outcome::Generated { warnings, .. } => warnings,
            _ => 0,
        })
        .sum();
    let _ = writeln!(
        t,
        "\nGenerator warnings over all generated documents: {warnings}."
    );
    warnings_by_code(&mut t, rows);
    if checked.is_some() {
        let rustc: u64 = rows
            .iter()
            .map(|r| match r.compile {
                Some(Compiled::Ok { warnings } | Compiled::Failed { warnings, .. }) => warnings,
                None => 0,
            })
            .sum();
        let _ = writeln!(t, "Compiler warnings over all checked crates: {rustc}.");
    }
    if let Some(s) = checked.filter(|s| !s.lints.is_empty()) {
        compiler_warnings_by_lint(&mut t, s);
    }
    t
}

/// The compiler's warnings by lint, most crates first, each with its first occurrence.
fn compiler_warnings_by_lint(t: &mut String, s: &Summary) {
    let _ = writeln!(
        t,
        "\n## Compiler warnings by lint (crates with it, most first)\n\n\
         | lint | crates | warnings | first seen |\n|---|---|---|---|"
    );
    let mut lints: Vec<_> = s.lints.iter().collect();
    lints.sort_by(|a, b| b.1.crates.len().cmp(&a.1.crates.len()).then(a.0.cmp(b.0)));
    for (lint, l) in lints {
        let (krate, at, message) = &l.example;
        let message = message.replace('|', "\\|");
        let _ = writeln!(
            t,
            "| `{lint}` | {} | {} | `{krate}` {at}: {message} |",
            l.crates.len(),
            l.warnings
        );
    }
}

/// The generator's warnings by code: how many documents have each, and how many there are.
fn warnings_by_code(t: &mut String, rows: &[Row]) {
    let mut by_code: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for r in rows {
        if let Outcome::Generated { by_code: codes, .. } = &r.outcome {
            for (code, n) in codes {
                let e = by_code.entry(code.as_str()).or_default();
                e.0 += 1;
                e.1 += n;
            }
        }
    }
    if by_code.is_empty() {
        return;
    }
    let mut sorted: Vec<_> = by_code.into_iter().collect();
    sorted.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    t.push_str("\n## Generator warnings by code (documents with it, most first)\n\n| code | documents | warnings |\n|---|---|---|\n");
    for (code, (docs, n)) in sorted {
        let _ = writeln!(t, "| `{code}` | {docs} | {n} |");
    }
}

/// The keys of `rows` under `key`, sorted, once each.
fn keys(rows: &[Row], key: &dyn Fn(&Row) -> String) -> Vec<String> {
    let mut keys: Vec<String> = rows.iter().map(key).collect();
    keys.sort();
    keys.dedup();
    keys
}

fn generation_table(t: &mut String, rows: &[Row], title: &str, key: &dyn Fn(&Row) -> String) {
    let _ = writeln!(
        t,
        "## By {title}\n\n| {title} | documents | generated | rejected | panic | timeout | expected-invalid (rejected / generated) |\n|---|---|---|---|---|---|---|"
    );
    for k in keys(rows, key) {
        let valid = Tally::of(rows.iter().filter(|r| key(r) == k && !r.expected_invalid));
        let invalid = Tally::of(rows.iter().filter(|r| key(r) == k && r.expected_invalid));
        let _ = writeln!(
            t,
            "| {k} | {} | {} | {} | {} | {} | {} / {} |",
            valid.documents() + invalid.documents(),
            valid.generated,
            valid.rejected,
            valid.panics + invalid.panics,
            valid.timeouts + invalid.timeouts,
            invalid.rejected,
            invalid.generated
        );
    }
    t.push('\n');
}

fn compile_table(t: &mut String, rows: &[Row], title: &str, key: &dyn Fn(&Row) -> String) {
    let _ = writeln!(
        t,
        "## Compiled, by {title}\n\nEvery generated crate, expected-invalid documents included.\n\n| {title} | generated | compiled | compile-failed | % compiled |\n|---|---|---|---|---|"
    );
    for k in keys(rows, key) {
        let c = Tally::of(rows.iter().filter(|r| key(r) == k));
        let _ = writeln!(
            t,
            "| {k} | {} | {} | {} | {:.1}% |",
            c.generated,
            c.compiled,
            c.compile_failed,
            percent(c.compiled, c.generated)
        );
    }
    t.push('\n');
}

/// `(code, example)` → count, most common first, then by code.
fn most_common(entries: impl Iterator<Item = (String, String)>) -> Vec<(String, usize, String)> {
    let mut by_code: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for (code, example) in entries {
        by_code.entry(code).or_insert((0, example)).0 += 1;
    }
    let mut out: Vec<(String, usize, String)> =
        by_code.into_iter().map(|(c, (n, e))| (c, n, e)).collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

fn rejections(t: &mut String, rows: &[Row]) {
    t.push_str("## Why valid documents are rejected (first error, most common first)\n\n| code | documents | example |\n|---|---|---|\n");
    let entries = rows
        .iter()
        .filter(|r| !r.expected_invalid)
        .filter_map(|r| match &r.outcome {
            Outcome::Rejected { code, message } => {
                Some((code.clone(), format!("{}: {message}", r.id)))
            }
            _ => None,
        });
    for (code, n, example) in most_common(entries) {
        let _ = writeln!(t, "| `{code}` | {n} | {} |", cell(&example));
    }
    t.push('\n');
}

fn compile_errors(t: &mut String, rows: &[Row]) {
    t.push_str("## Why generated crates do not compile (first error, most common first)\n\n| code | crates | example document | message |\n|---|---|---|---|\n");
    let entries = rows.iter().filter_map(|r| match &r.compile {
        Some(Compiled::Failed { code, message, .. }) => {
            Some((code.clone(), format!("{}\u{0}{message}", r.id)))
        }
        _ => None,
    });
    for (code, n, example) in most_common(entries) {
        let (id, message) = example.split_once('\u{0}').unwrap_or((&example, ""));
        let _ = writeln!(t, "| `{code}` | {n} | {id} | {} |", cell(message));
    }
    t.push('\n');
}

/// Every document that fails: valid ones rejected, crates that do not compile, crashes.
fn failing_documents(t: &mut String, rows: &[Row]) {
    t.push_str("\n## Every failing document\n\nValid documents rejected, generated crates that do not compile, panics and timeouts (expected-invalid documents that are rejected are not failures).\n\n");
    let mut any = false;
    for r in rows {
        let cause = match (&r.outcome, &r.compile) {
            (Outcome::Rejected { code, message }, _) if !r.expected_invalid => {
                format!("rejected: [{code}] {message}")
            }
            (Outcome::Panic(m), _) => format!("crashed: {m}"),
            (Outcome::Timeout, _) => "timed out".to_owned(),
            (_, Some(Compiled::Failed { code, message, .. })) => {
                format!("does not compile: [{code}] {message}")
            }
            _ => continue,
        };
        any = true;
        let _ = writeln!(t, "- `{}`: {}", r.id, cause.replace('\n', " "));
    }
    if !any {
        t.push_str("None.\n");
    }
}

/// Text for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::civil_date(0), "1970-01-01");
        assert_eq!(super::civil_date(11_016), "2000-02-29");
        assert_eq!(super::civil_date(20_000), "2024-10-04");
    }

    #[test]
    fn the_previous_run_is_carried_one_step_only() {
        let old = "# The corpus\n\nRun on 2026-12-02 at commit abc: `x`.\n\n`cargo check` of 3 crates took 9 s; y.\n\nThe run before this one, as this file said then:\n\n> Run on 2026-11-30: `x`.\n> `cargo check` of 2 crates took 8 s.\n";
        assert_eq!(
            super::previous(old),
            [
                "Run on 2026-12-02 at commit abc: `x`.",
                "`cargo check` of 3 crates took 9 s; y."
            ]
        );
    }
}
