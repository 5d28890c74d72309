//! The generated crates compiled alone, for `cargo xtask bench`: a scratch workspace of them
//! (`<target>/bench/crates`, its own `Cargo.lock`, first copied from ours, and its own target
//! folder), their dependencies built beforehand, then each timed command run on one crate
//! after `cargo clean -p` and a touch of its `src/lib.rs`.
//!
//! In: the members (package name and folder) and the jobs (`cargo check`, `doc --no-deps` or
//! `build`, with flags). Out: per job a [`Compiled`]: the median [`Sample`] of its runs, and
//! whether it failed (did not compile, ran out of time, or — which would make the figure
//! wrong — cargo rebuilt something other than the crate).

use super::measure::{Child, Sample, median};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

/// One command to time on one member.
#[derive(Clone)]
pub struct Job {
    pub package: String,
    /// `check`, `doc` (with `--no-deps`) or `build` (debug).
    pub command: &'static str,
    pub flags: Vec<String>,
    /// For the log's name.
    pub label: String,
}

impl Job {
    pub fn new(package: &str, command: &'static str, flags: &[&str], label: &str) -> Job {
        Job {
            package: package.to_string(),
            command,
            flags: flags.iter().map(|f| f.to_string()).collect(),
            label: label.to_string(),
        }
    }

    fn args(&self) -> Vec<String> {
        let mut args = vec![self.command.to_string()];
        if self.command == "doc" {
            args.push("--no-deps".into());
        }
        args.extend(["-p".to_string(), self.package.clone()]);
        args.extend(self.flags.iter().cloned());
        args
    }

    /// What cargo prints when it compiles the crate itself for this command.
    fn verb(&self) -> &'static str {
        match self.command {
            "doc" => "Documenting",
            "build" => "Compiling",
            _ => "Checking",
        }
    }
}

/// One timed command's result.
pub struct Compiled {
    pub sample: Sample,
    /// Why the figure is not a clean compile of the crate, if it is not.
    pub failed: Option<String>,
}

impl Compiled {
    pub fn ok(&self) -> bool {
        self.failed.is_none()
    }
}

pub struct Workspace {
    pub dir: PathBuf,
    target: PathBuf,
    logs: PathBuf,
    /// (package, folder under `dir`).
    members: Vec<(String, String)>,
    limit: Duration,
}

impl Workspace {
    /// Writes the workspace manifest over `members` (package name, folder under `dir`).
    pub fn new(
        root: &Path,
        dir: &Path,
        target: &Path,
        logs: &Path,
        members: Vec<(String, String)>,
        limit: Duration,
    ) -> Result<Workspace, String> {
        let list: Vec<String> = members.iter().map(|(_, d)| format!("{d:?}")).collect();
        std::fs::write(
            dir.join("Cargo.toml"),
            format!(
                "# Written by `cargo xtask bench`: the generated crates, compiled alone.\n\
                 [workspace]\nresolver = \"3\"\nmembers = [{}]\n",
                list.join(", ")
            ),
        )
        .map_err(|e| e.to_string())?;
        let lock = dir.join("Cargo.lock");
        if !lock.exists() {
            std::fs::copy(root.join("Cargo.lock"), &lock).map_err(|e| e.to_string())?;
        }
        Ok(Workspace {
            dir: dir.to_path_buf(),
            target: target.to_path_buf(),
            logs: logs.to_path_buf(),
            members,
            limit,
        })
    }

    fn folder(&self, package: &str) -> Result<PathBuf, String> {
        self.members
            .iter()
            .find(|(p, _)| p == package)
            .map(|(_, d)| self.dir.join(d))
            .ok_or_else(|| format!("{package} is not a member of the bench workspace"))
    }

    /// Builds what `jobs` need besides the crates themselves: each member's jobs run once with
    /// an empty `src/lib.rs`, so its dependencies are built with exactly the features and in
    /// exactly the mode the timed runs ask for.
    pub fn prepare(&self, jobs: &[Job]) -> Result<(), String> {
        for (package, _) in &self.members {
            let mine: Vec<&Job> = jobs.iter().filter(|j| &j.package == package).collect();
            if mine.is_empty() {
                continue;
            }
            eprintln!("bench: building the dependencies of {package}");
            let folder = self.folder(package)?;
            let src = folder.join("src");
            let aside = folder.join("src.bench");
            std::fs::rename(&src, &aside).map_err(|e| e.to_string())?;
            let built = std::fs::create_dir(&src)
                .and_then(|()| std::fs::write(src.join("lib.rs"), ""))
                .map_err(|e| e.to_string())
                .and_then(|()| {
                    mine.iter().try_for_each(|job| {
                        let mut args = job.args();
                        args.push("--quiet".into());
                        self.cargo(&args)
                    })
                });
            let _ = std::fs::remove_dir_all(&src);
            std::fs::rename(&aside, &src).map_err(|e| e.to_string())?;
            built?;
        }
        Ok(())
    }

    /// Runs cargo with `args` in the workspace; `Err` with its output on failure.
    fn cargo(&self, args: &[String]) -> Result<(), String> {
        cargo(&self.dir, args, &self.target)
    }

    /// `job` `runs` times, each after `cargo clean -p` and a touch of `src/lib.rs`; the median.
    /// A crate that does not compile is still timed (to its errors), and marked.
    pub fn time(&self, job: &Job, runs: usize) -> Result<Compiled, String> {
        let mut samples = Vec::new();
        let mut failed = None;
        let lib = self.folder(&job.package)?.join("src/lib.rs");
        for run in 1..=runs {
            eprintln!(
                "bench: cargo {} (crate alone), run {run}/{runs}",
                job.args().join(" ")
            );
            self.cargo(&[
                "clean".into(),
                "--quiet".into(),
                "-p".into(),
                job.package.clone(),
            ])?;
            std::fs::File::options()
                .append(true)
                .open(&lib)
                .and_then(|f| f.set_modified(SystemTime::now()))
                .map_err(|e| format!("{}: {e}", lib.display()))?;
            let log = self.logs.join(format!("{}-{}.log", job.command, job.label));
            let result = Child::new("cargo", &log)
                .args(job.args())
                .arg("--target-dir")
                .arg(&self.target)
                .dir(&self.dir)
                .limit(self.limit)
                .run_to_end();
            let (sample, failure) = match result {
                Ok(r) => r,
                Err(e) => {
                    // Out of time: the limit stands for the figure.
                    let why = e.lines().next().unwrap_or_default().to_string();
                    return Ok(Compiled {
                        sample: Sample {
                            wall: self.limit,
                            peak: 0,
                        },
                        failed: Some(why),
                    });
                }
            };
            samples.push(sample);
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if failure.is_some() {
                let errors = text.lines().filter(|l| l.starts_with("error")).count();
                let first = text
                    .lines()
                    .find(|l| l.starts_with("error"))
                    .unwrap_or_default();
                let first: String = first.chars().take(120).collect();
                failed = Some(format!("did not compile: {errors} errors, first `{first}`"));
            } else if let Some(why) = not_alone(&text, job) {
                failed = Some(why);
            }
        }
        Ok(Compiled {
            sample: median(&samples),
            failed,
        })
    }
}

/// Runs cargo with `args` in `dir`, its target folder `target`; `Err` with its output on
/// failure.
pub fn cargo(dir: &Path, args: &[impl AsRef<str>], target: &Path) -> Result<(), String> {
    let args: Vec<&str> = args.iter().map(AsRef::as_ref).collect();
    let out = Command::new("cargo")
        .args(&args)
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

/// Why a timed run's log shows it was not the crate alone: the crate not compiled at all (the
/// figure would be cargo's start-up) or other packages compiled with it.
fn not_alone(log: &str, job: &Job) -> Option<String> {
    let mut others = Vec::new();
    let mut mine = false;
    for line in log.lines().map(str::trim_start) {
        let Some((verb, rest)) = line.split_once(' ') else {
            continue;
        };
        if !matches!(verb, "Compiling" | "Checking" | "Documenting") {
            continue;
        }
        let package = rest.split(' ').next().unwrap_or_default();
        if package == job.package && verb == job.verb() {
            mine = true;
        } else if package != job.package {
            others.push(package.to_string());
        }
    }
    if !mine {
        Some(format!("cargo did not {} the crate", job.command))
    } else if !others.is_empty() {
        others.dedup();
        Some(format!("dependencies rebuilt too: {}", others.join(", ")))
    } else {
        None
    }
}

/// Bytes and lines of the `.rs` files under a folder (its subfolders too).
pub fn rust_size(dir: &Path) -> (u64, usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (0, 0);
    };
    let mut size = (0, 0);
    for path in entries.flatten().map(|e| e.path()) {
        let (bytes, lines) = if path.is_dir() {
            rust_size(&path)
        } else if path.extension().is_some_and(|x| x == "rs") {
            std::fs::read_to_string(&path).map_or((0, 0), |t| (t.len() as u64, t.lines().count()))
        } else {
            (0, 0)
        };
        size.0 += bytes;
        size.1 += lines;
    }
    size
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clean_run_compiles_the_crate_alone() {
        let job = Job::new("a-b", "check", &[], "x");
        let log = "   Checking a-b v0.1.0 (/x)\n    Finished `dev` profile\n";
        assert_eq!(not_alone(log, &job), None);
        let log = "   Compiling serde v1.0.0\n   Checking a-b v0.1.0 (/x)\n";
        assert_eq!(
            not_alone(log, &job).as_deref(),
            Some("dependencies rebuilt too: serde")
        );
        let log = "    Finished `dev` profile\n";
        assert_eq!(
            not_alone(log, &job).as_deref(),
            Some("cargo did not check the crate")
        );
        let doc = Job::new("a-b", "doc", &["--features", "f"], "y");
        assert_eq!(
            doc.args(),
            ["doc", "--no-deps", "-p", "a-b", "--features", "f"]
        );
        assert_eq!(
            not_alone("Documenting a-b v0.1.0\n", &doc),
            None,
            "rustdoc's own verb"
        );
    }
}
