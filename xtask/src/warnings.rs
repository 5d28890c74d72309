//! `cargo xtask warnings [--check]`: every warning the generator raises on the corpus's famous
//! documents (`famous/*` in `../shared/corpus/MANIFEST.tsv`: GitHub, Stripe, Kubernetes, Twilio,
//! Slack, Jira, DigitalOcean, …), against the review of them in `xtask/warnings-review.toml`.
//!
//! Each document is generated with the default settings, as a new user's would be. The review
//! file says, per code, why its warnings are real defects of the specs, and how many each
//! document raises. `WARNINGS.md` is written from both: per code, the documents, the counts,
//! the verdict and a sample. With `--check`, nothing is written, and the task fails when a
//! (code, document) count differs from the reviewed one, when a code has no review, or when
//! `WARNINGS.md` is stale: a change of the generator that adds, removes or moves warnings on
//! these documents must be reviewed (`cargo xtask warnings --list [CODE]` prints them, one per line). Skipped,
//! with exit 0, when the corpus is not there (CI's clean clone).

use oapi_client_gen_core::{Input, Settings};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// The review file, relative to the workspace.
const REVIEW: &str = "xtask/warnings-review.toml";
/// The report, relative to the workspace.
const REPORT: &str = "WARNINGS.md";

/// One warning: the document, its code, and the diagnostic as printed.
pub struct Warning {
    pub doc: String,
    pub code: &'static str,
    pub pointer: String,
    pub line: String,
}

/// The review of one code.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeReview {
    /// Why the warnings of this code on these documents are true.
    why: String,
    /// How many warnings each document raises, as reviewed.
    counts: BTreeMap<String, usize>,
    /// Warnings that the review found false (no defect where one is reported), per document,
    /// and why (left to fix).
    #[serde(default)]
    false_positives: BTreeMap<String, usize>,
    #[serde(default)]
    why_false: Option<String>,
    /// Warnings whose defect is real but whose reading (the repair the generator applied) is
    /// not what the server does, per document, and why: the spec does not say what is right,
    /// and the warning's help names it.
    #[serde(default)]
    wrong_readings: BTreeMap<String, usize>,
    #[serde(default)]
    why_wrong_reading: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Review {
    codes: BTreeMap<String, CodeReview>,
}

fn warnings_of(root: &Path, id: &str, file: &str) -> Result<Vec<Warning>, String> {
    let path = root.join(file);
    let folder = path.parent().ok_or("no folder")?;
    let name = path
        .file_name()
        .ok_or("no file name")?
        .to_string_lossy()
        .into_owned();
    let fs = oapi_client_gen_core::DiskFiles::new(folder)
        .allow_dir(root)
        .allow_file(&path);
    let input = Input {
        spec: name,
        display_name: file.to_owned(),
        settings: Settings::default(),
        emit_threads: std::thread::available_parallelism().map_or(1, usize::from),
        ..Input::default()
    };
    let generated = oapi_client_gen_core::generate(&input, &fs)
        .map_err(|d| format!("{id} is rejected:\n{d}"))?;
    Ok(generated
        .diagnostics
        .iter()
        .map(|d| Warning {
            doc: id.to_owned(),
            code: d.code,
            pointer: d.origin.pointer.clone(),
            line: d.to_string(),
        })
        .collect())
}

/// Every famous document's warnings, in manifest order.
fn famous_warnings(root: &Path) -> Result<Vec<Warning>, String> {
    let rows = crate::corpus::manifest_files(root)?;
    let mut out = Vec::new();
    for (id, file) in rows.iter().filter(|(id, _)| id.starts_with("famous/")) {
        out.extend(warnings_of(root, id, file)?);
    }
    Ok(out)
}

/// (code → document → count) of `warnings`.
fn counts(warnings: &[Warning]) -> BTreeMap<&'static str, BTreeMap<String, usize>> {
    let mut out: BTreeMap<&'static str, BTreeMap<String, usize>> = BTreeMap::new();
    for w in warnings {
        *out.entry(w.code)
            .or_default()
            .entry(w.doc.clone())
            .or_default() += 1;
    }
    out
}

/// What differs between the warnings and their review, one line each.
fn unreviewed(warnings: &[Warning], review: &Review) -> Vec<String> {
    let actual = counts(warnings);
    let mut out = Vec::new();
    for (code, docs) in &actual {
        let Some(r) = review.codes.get(*code) else {
            out.push(format!(
                "`{code}` has no review ({} warnings)",
                docs.values().sum::<usize>()
            ));
            continue;
        };
        for (doc, n) in docs {
            match r.counts.get(doc) {
                Some(m) if m == n => {}
                Some(m) => out.push(format!("`{code}` on {doc}: {m} reviewed, {n} now")),
                None => out.push(format!("`{code}` on {doc}: {n} new, none reviewed")),
            }
        }
        for (doc, m) in &r.counts {
            if !docs.contains_key(doc) {
                out.push(format!("`{code}` on {doc}: {m} reviewed, none now"));
            }
        }
    }
    for (code, r) in &review.codes {
        if !actual.contains_key(code.as_str()) && r.counts.values().any(|n| *n > 0) {
            out.push(format!(
                "`{code}` is reviewed but raised on no document now"
            ));
        }
    }
    out
}

/// `WARNINGS.md`: per code, its documents and counts, the verdict and a sample.
fn report(warnings: &[Warning], review: &Review, documents: usize) -> String {
    let actual = counts(warnings);
    let mut t = String::new();
    t.push_str("# Warnings on the famous specs\n\n");
    let _ = writeln!(
        t,
        "Every warning the generator raises on the corpus's {documents} famous documents (`famous/*` of `../shared/corpus`), generated with the default settings as a new user's would be, and the review of each code: why its warnings are real defects of those specs. Written by `cargo xtask warnings` from `{REVIEW}`; `cargo xtask warnings --check` (part of `cargo xtask test` where the corpus is present) fails when a change of the generator adds, removes or moves a warning on these documents before it is reviewed.\n"
    );
    let total: usize = warnings.len();
    let false_total: usize = review
        .codes
        .values()
        .flat_map(|r| r.false_positives.values())
        .sum();
    let wrong_total: usize = review
        .codes
        .values()
        .flat_map(|r| r.wrong_readings.values())
        .sum();
    let _ = writeln!(
        t,
        "{total} warnings of {} codes; {false_total} found false by the review (no defect where one is reported); {wrong_total} report a real defect whose automatic reading is not what the server does, which the spec does not say (the help names the right reading).\n",
        actual.len()
    );
    t.push_str("| code | warnings | documents | false | wrong reading |\n|---|---|---|---|---|\n");
    let mut by_size: Vec<_> = actual.iter().collect();
    by_size.sort_by(|a, b| {
        b.1.values()
            .sum::<usize>()
            .cmp(&a.1.values().sum::<usize>())
            .then(a.0.cmp(b.0))
    });
    for (code, docs) in &by_size {
        let f: usize = review
            .codes
            .get(**code)
            .map_or(0, |r| r.false_positives.values().sum());
        let w: usize = review
            .codes
            .get(**code)
            .map_or(0, |r| r.wrong_readings.values().sum());
        let _ = writeln!(
            t,
            "| [`{code}`](#{code}) | {} | {} | {f} | {w} |",
            docs.values().sum::<usize>(),
            docs.len()
        );
    }
    for (code, docs) in &by_size {
        let _ = writeln!(t, "\n## {code}\n");
        if let Some(r) = review.codes.get(**code) {
            let _ = writeln!(t, "{}\n", r.why.trim());
            if let Some(why) = &r.why_false {
                let _ = writeln!(t, "False: {}\n", why.trim());
            }
            if let Some(why) = &r.why_wrong_reading {
                let _ = writeln!(t, "Wrong reading: {}\n", why.trim());
            }
        }
        for (doc, n) in docs.iter() {
            let _ = writeln!(t, "- `{doc}`: {n}");
        }
        t.push_str("\nFor example:\n\n```text\n");
        let mut seen = std::collections::BTreeSet::new();
        for w in warnings
            .iter()
            .filter(|w| w.code == **code && seen.insert(w.doc.as_str()))
            .take(3)
        {
            let _ = writeln!(t, "{}", w.line);
        }
        t.push_str("```\n");
    }
    t
}

pub fn run(args: &[&str]) -> ExitCode {
    let root = crate::corpus::corpus_root();
    let workspace = crate::codegen::workspace_root();
    let check = args.contains(&"--check");
    let list = args
        .iter()
        .position(|a| *a == "--list")
        .and_then(|i| args.get(i + 1));
    if !root.join("MANIFEST.tsv").is_file() {
        println!(
            "warnings: skipped: the corpus is not at {} (set CORPUS_DIR)",
            root.display()
        );
        return ExitCode::SUCCESS;
    }
    let warnings = match famous_warnings(&root) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("warnings: {e}");
            return ExitCode::FAILURE;
        }
    };
    if args.contains(&"--list") {
        for w in warnings
            .iter()
            .filter(|w| list.is_none_or(|c| w.code == *c))
        {
            println!(
                "{}\t{}\t{}\t{}",
                w.code,
                w.doc,
                w.pointer,
                w.line.replace('\n', " ⏎ ")
            );
        }
        return ExitCode::SUCCESS;
    }
    let review: Review = match std::fs::read_to_string(workspace.join(REVIEW))
        .map_err(|e| e.to_string())
        .and_then(|t| toml::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("warnings: {REVIEW}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let documents = crate::corpus::manifest_files(&root)
        .map(|rows| {
            rows.iter()
                .filter(|(id, _)| id.starts_with("famous/"))
                .count()
        })
        .unwrap_or(0);
    let text = report(&warnings, &review, documents);
    let problems = unreviewed(&warnings, &review);
    for p in &problems {
        eprintln!("warnings: not reviewed: {p}");
    }
    let path = workspace.join(REPORT);
    if check {
        let stale = std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str());
        if stale {
            eprintln!("warnings: {REPORT} is stale; run `cargo xtask warnings`");
        }
        if stale || !problems.is_empty() {
            eprintln!(
                "warnings: review the change (`cargo xtask warnings --list CODE`), then update {REVIEW} and run `cargo xtask warnings`"
            );
            return ExitCode::FAILURE;
        }
        println!(
            "warnings: {} warnings on {documents} famous documents, all reviewed",
            warnings.len()
        );
        return ExitCode::SUCCESS;
    }
    if let Err(e) = std::fs::write(&path, &text) {
        eprintln!("warnings: cannot write {}: {e}", path.display());
        return ExitCode::FAILURE;
    }
    println!("warnings: wrote {REPORT} ({} warnings)", warnings.len());
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(doc: &str, code: &'static str) -> Warning {
        Warning {
            doc: doc.to_owned(),
            code,
            pointer: "/paths".to_owned(),
            line: format!("{doc}: warning[{code}]"),
        }
    }

    #[test]
    fn a_changed_count_or_an_unreviewed_code_is_reported() {
        let review: Review = toml::from_str(
            r#"
            [codes.no-content-body]
            why = "HTTP forbids a body on 204."
            counts = { "famous/a" = 2, "famous/b" = 1 }
            "#,
        )
        .unwrap();
        let same = [
            w("famous/a", "no-content-body"),
            w("famous/a", "no-content-body"),
            w("famous/b", "no-content-body"),
        ];
        assert!(unreviewed(&same, &review).is_empty());
        let changed = [
            w("famous/a", "no-content-body"),
            w("famous/c", "no-content-body"),
            w("famous/c", "date-type"),
        ];
        assert_eq!(
            unreviewed(&changed, &review),
            [
                "`date-type` has no review (1 warnings)",
                "`no-content-body` on famous/a: 2 reviewed, 1 now",
                "`no-content-body` on famous/c: 1 new, none reviewed",
                "`no-content-body` on famous/b: 1 reviewed, none now",
            ]
        );
        let text = report(&same, &review, 2);
        assert!(
            text.contains("| [`no-content-body`](#no-content-body) | 3 | 2 | 0 |"),
            "{text}"
        );
        assert!(text.contains("HTTP forbids a body on 204."), "{text}");
    }
}
