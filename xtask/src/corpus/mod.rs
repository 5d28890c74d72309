//! The `corpus` task: the generator over every document of `../shared/corpus` (MANIFEST.tsv),
//! each in its own process with a time bound, classified as generated (with N warnings),
//! rejected (with its first error), panic or timeout; the tables go to `CORPUS.md`.
//!
//! `cargo run --release -p xtask -- corpus [--limit N]`. Compiling the generated crates (the
//! second half of issue 4) is not done yet.

use generator::{FileSource, Input};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// Reads corpus files relative to the corpus root.
struct CorpusFs(PathBuf);

impl FileSource for CorpusFs {
    fn read(&self, name: &str) -> Result<String, String> {
        std::fs::read_to_string(self.0.join(name)).map_err(|e| e.to_string())
    }
}

pub fn corpus_root() -> PathBuf {
    crate::codegen::workspace_root().join("../shared/corpus")
}

/// Child mode: generates one document and prints one line, `generated <warnings> <operations>`
/// or `rejected <code> <message>`; a panic is seen by the parent as exit code 101.
pub fn one(file: &str) -> ExitCode {
    let input = Input {
        spec: file.to_owned(),
        display_name: file.to_owned(),
        ..Input::default()
    };
    match generator::generate(&input, &CorpusFs(corpus_root())) {
        Ok(g) => println!(
            "generated {} {}",
            g.diagnostics.warnings(),
            g.api.operations.len()
        ),
        Err(d) => {
            let first = d.iter().find(|d| d.severity == generator::Severity::Error);
            match first {
                Some(e) => println!("rejected {} {}", e.code, e.message.replace('\n', " ")),
                None => println!("rejected none (no error diagnostic)"),
            }
        }
    }
    ExitCode::SUCCESS
}

#[derive(Debug)]
struct Row {
    id: String,
    folder: String,
    version: String,
    expected_invalid: bool,
    outcome: Outcome,
}

#[derive(Debug)]
enum Outcome {
    Generated { warnings: u64 },
    Rejected { code: String, message: String },
    Panic(String),
    Timeout,
}

fn run_one(exe: &Path, file: &str, limit: Duration) -> Outcome {
    let mut child = match Command::new(exe)
        .args(["corpus-one", file])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => return Outcome::Panic(format!("cannot start: {e}")),
    };
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let out = child
                    .wait_with_output()
                    .map(|o| {
                        (
                            String::from_utf8_lossy(&o.stdout).into_owned(),
                            String::from_utf8_lossy(&o.stderr).into_owned(),
                        )
                    })
                    .unwrap_or_default();
                if !status.success() {
                    // A panic's message, or the runtime's word on a stack overflow or abort.
                    let msg = out
                        .1
                        .lines()
                        .find(|l| {
                            l.contains("panicked")
                                || l.contains("overflowed")
                                || l.contains("fatal")
                        })
                        .unwrap_or("");
                    let detail = out
                        .1
                        .lines()
                        .skip_while(|l| !l.contains("panicked"))
                        .nth(1)
                        .unwrap_or("");
                    return Outcome::Panic(format!("{status}: {msg} {detail}").trim().to_owned());
                }
                let line = out.0.lines().next().unwrap_or_default().to_owned();
                let mut parts = line.splitn(3, ' ');
                return match parts.next() {
                    Some("generated") => Outcome::Generated {
                        warnings: parts.next().and_then(|w| w.parse().ok()).unwrap_or(0),
                    },
                    _ => Outcome::Rejected {
                        code: parts.next().unwrap_or("?").to_owned(),
                        message: parts.next().unwrap_or("").chars().take(160).collect(),
                    },
                };
            }
            Ok(None) if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Outcome::Timeout;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Outcome::Panic(format!("wait failed: {e}")),
        }
    }
}

pub fn run(limit_docs: Option<usize>) -> ExitCode {
    let root = corpus_root();
    let manifest = match std::fs::read_to_string(root.join("MANIFEST.tsv")) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("cannot read {}: {e}", root.join("MANIFEST.tsv").display());
            return ExitCode::FAILURE;
        }
    };
    let exe = std::env::current_exe().expect("the running xtask");
    let mut rows = Vec::new();
    let lines: Vec<&str> = manifest
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .collect();
    let total = limit_docs.unwrap_or(lines.len()).min(lines.len());
    let started = Instant::now();
    for (i, line) in lines.iter().take(total).enumerate() {
        let cols: Vec<&str> = line.split('\t').collect();
        let (id, file, version, notes) = (
            cols[0],
            cols[1],
            cols.get(7).copied().unwrap_or(""),
            cols.get(11).copied().unwrap_or(""),
        );
        let outcome = run_one(&exe, file, Duration::from_secs(30));
        if (i + 1) % 50 == 0 || i + 1 == total {
            eprintln!(
                "[{}/{}] {:.0} s",
                i + 1,
                total,
                started.elapsed().as_secs_f64()
            );
        }
        rows.push(Row {
            id: id.to_owned(),
            folder: id.split('/').next().unwrap_or("").to_owned(),
            version: version
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect::<String>()
                .split('.')
                .take(2)
                .collect::<Vec<_>>()
                .join("."),
            expected_invalid: notes.contains("expected-invalid-or-rejected"),
            outcome,
        });
    }
    let report = report(&rows, started.elapsed());
    let path = crate::codegen::workspace_root().join("CORPUS.md");
    if let Err(e) = std::fs::write(&path, &report) {
        eprintln!("cannot write {}: {e}", path.display());
        return ExitCode::FAILURE;
    }
    println!("{report}");
    ExitCode::SUCCESS
}

fn report(rows: &[Row], elapsed: Duration) -> String {
    let mut t = String::new();
    t.push_str("# The corpus\n\n");
    t.push_str("Every document of `../shared/corpus` (MANIFEST.tsv) through the generator, each in its own process with a 30 s bound. Documents flagged `expected-invalid-or-rejected` are counted apart: a located error is the right answer for them.\n\n");
    t.push_str(&format!("Command: `cargo run --release -p xtask -- corpus`; {} documents in {:.0} s on 2 vCPUs.\n\n", rows.len(), elapsed.as_secs_f64()));
    t.push_str("Not measured yet: whether the generated crates compile (issue 4).\n\n");
    let tally = |filter: &dyn Fn(&Row) -> bool| {
        let (mut g, mut r, mut p, mut to) = (0, 0, 0, 0);
        for row in rows.iter().filter(|r| filter(r)) {
            match row.outcome {
                Outcome::Generated { .. } => g += 1,
                Outcome::Rejected { .. } => r += 1,
                Outcome::Panic(_) => p += 1,
                Outcome::Timeout => to += 1,
            }
        }
        (g, r, p, to)
    };
    let table = |t: &mut String, title: &str, key: &dyn Fn(&Row) -> String| {
        t.push_str(&format!("## By {title}\n\n| {title} | documents | generated | rejected | panic | timeout | expected-invalid (rejected / generated) |\n|---|---|---|---|---|---|---|\n"));
        let mut keys: Vec<String> = rows.iter().map(key).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            let valid = tally(&|r: &Row| key(r) == k && !r.expected_invalid);
            let invalid = tally(&|r: &Row| key(r) == k && r.expected_invalid);
            let n = rows.iter().filter(|r| key(r) == k).count();
            t.push_str(&format!(
                "| {k} | {n} | {} | {} | {} | {} | {} / {} |\n",
                valid.0,
                valid.1,
                valid.2 + invalid.2,
                valid.3 + invalid.3,
                invalid.1,
                invalid.0
            ));
        }
        t.push('\n');
    };
    let all_valid = tally(&|r: &Row| !r.expected_invalid);
    let all_invalid = tally(&|r: &Row| r.expected_invalid);
    let valid_n = all_valid.0 + all_valid.1 + all_valid.2 + all_valid.3;
    t.push_str("## Summary\n\n");
    t.push_str(&format!(
        "- valid documents: {valid_n}; generated {} ({:.1}%), rejected {}, panics {}, timeouts {}\n- expected-invalid documents: {}; rejected {}, generated {}, panics {}, timeouts {}\n\n",
        all_valid.0,
        100.0 * all_valid.0 as f64 / valid_n.max(1) as f64,
        all_valid.1,
        all_valid.2,
        all_valid.3,
        all_invalid.0 + all_invalid.1 + all_invalid.2 + all_invalid.3,
        all_invalid.1,
        all_invalid.0,
        all_invalid.2,
        all_invalid.3
    ));
    table(&mut t, "folder", &|r: &Row| r.folder.clone());
    table(&mut t, "spec version", &|r: &Row| r.version.clone());
    let mut codes: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for r in rows.iter().filter(|r| !r.expected_invalid) {
        if let Outcome::Rejected { code, message } = &r.outcome {
            let e = codes
                .entry(code.clone())
                .or_insert((0, format!("{}: {message}", r.id)));
            e.0 += 1;
        }
    }
    let mut codes: Vec<(String, (usize, String))> = codes.into_iter().collect();
    codes.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(&b.0)));
    t.push_str("## Why valid documents are rejected (first error, most common first)\n\n| code | documents | example |\n|---|---|---|\n");
    for (code, (n, example)) in codes {
        t.push_str(&format!(
            "| `{code}` | {n} | {} |\n",
            example.replace('|', "\\|")
        ));
    }
    t.push_str("\n## Panics and timeouts\n\n");
    let bad: Vec<&Row> = rows
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Panic(_) | Outcome::Timeout))
        .collect();
    if bad.is_empty() {
        t.push_str("None.\n");
    }
    for r in bad {
        let what = match &r.outcome {
            Outcome::Panic(m) => format!("crashed ({m})"),
            _ => "timed out".to_owned(),
        };
        t.push_str(&format!("- `{}`: {what}\n", r.id));
    }
    let warnings: u64 = rows
        .iter()
        .map(|r| {
            if let Outcome::Generated { warnings } = r.outcome {
                warnings
            } else {
                0
            }
        })
        .sum();
    t.push_str(&format!(
        "\nWarnings over all generated documents: {warnings}.\n"
    ));
    t
}
