//! One child process, measured: its wall time (from `Instant`, around the spawn and the wait) and
//! its peak resident set size, read from `/usr/bin/time -f %M`. The kernel reports the largest
//! RSS of the process and of every descendant it waited for, so the peak of `cargo check` is
//! rustc's and the peak of `cargo progenitor` includes the rustfmt it runs.
//!
//! In: a program, its arguments, a working folder, a log file for its output and an optional
//! time limit. Out: a [`Sample`], or why the child failed (its exit status and the log's tail).

use std::ffi::OsStr;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What one run of a child cost.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub wall: Duration,
    /// Peak resident set size in bytes.
    pub peak: u64,
}

/// A child process to measure, built like a [`Command`].
pub struct Child {
    command: Command,
    log: PathBuf,
    rss: PathBuf,
    limit: Option<Duration>,
}

impl Child {
    /// `program` under `/usr/bin/time`, its output written to `log` (truncated first).
    pub fn new(program: impl AsRef<OsStr>, log: &Path) -> Child {
        let rss = log.with_extension("rss");
        let mut command = Command::new("/usr/bin/time");
        command
            .arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(&rss)
            .arg(program)
            .stdin(Stdio::null())
            // Its own process group, so a time limit can stop its children too.
            .process_group(0);
        Child {
            command,
            log: log.to_path_buf(),
            rss,
            limit: None,
        }
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Child {
        self.command.arg(arg);
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Child
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.command.args(args);
        self
    }

    pub fn dir(mut self, dir: &Path) -> Child {
        self.command.current_dir(dir);
        self
    }

    pub fn limit(mut self, limit: Duration) -> Child {
        self.limit = Some(limit);
        self
    }

    /// Runs the child to its end; `Err` with the log's tail when it failed or ran out of time.
    pub fn run(self) -> Result<Sample, String> {
        match self.run_to_end()? {
            (sample, None) => Ok(sample),
            (_, Some(failure)) => Err(failure),
        }
    }

    /// Runs the child to its end: what it cost, and how it failed if it did (its exit status and
    /// the log's tail); `Err` only when it could not be started or ran out of time.
    pub fn run_to_end(mut self) -> Result<(Sample, Option<String>), String> {
        let open = |p: &Path| {
            std::fs::OpenOptions::new()
                .create(true)
                .write(true)
                .truncate(true)
                .open(p)
                .map_err(|e| format!("{}: {e}", p.display()))
        };
        let out = open(&self.log)?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        self.command.stdout(out).stderr(err);
        let _ = std::fs::remove_file(&self.rss);
        let start = Instant::now();
        let mut child = self
            .command
            .spawn()
            .map_err(|e| format!("/usr/bin/time: {e}"))?;
        let (done, timed_out) = mpsc::channel::<()>();
        let watchdog = self.limit.map(|limit| {
            let group = child.id().to_string();
            std::thread::spawn(move || {
                if timed_out.recv_timeout(limit) == Err(mpsc::RecvTimeoutError::Timeout) {
                    // The child's own group (created above), by its id.
                    let _ = Command::new("kill")
                        .args(["-KILL", "--", &format!("-{group}")])
                        .status();
                    return true;
                }
                false
            })
        });
        let status = child.wait().map_err(|e| e.to_string())?;
        let wall = start.elapsed();
        let _ = done.send(());
        let killed = watchdog.is_some_and(|w| w.join().unwrap_or(false));
        if killed {
            return Err(format!(
                "stopped after {} s\n{}",
                self.limit.unwrap_or_default().as_secs(),
                tail(&self.log)
            ));
        }
        let failure = (!status.success()).then(|| format!("{status}\n{}", tail(&self.log)));
        // `time -o` writes a "Command exited with non-zero status" line before the figure when
        // the child failed; the figure is the last line.
        let kb: u64 = std::fs::read_to_string(&self.rss)
            .ok()
            .and_then(|t| t.lines().last()?.trim().parse().ok())
            .ok_or_else(|| format!("{}: no peak memory figure", self.rss.display()))?;
        Ok((
            Sample {
                wall,
                peak: kb * 1024,
            },
            failure,
        ))
    }
}

/// The last lines of a log, for error messages.
fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

/// The median wall time and the median peak of some samples (the upper median of an even count).
pub fn median(samples: &[Sample]) -> Sample {
    let mut walls: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
    let mut peaks: Vec<u64> = samples.iter().map(|s| s.peak).collect();
    walls.sort();
    peaks.sort();
    Sample {
        wall: walls[walls.len() / 2],
        peak: peaks[peaks.len() / 2],
    }
}
