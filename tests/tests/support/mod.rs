//! Shared by the Prism tests: a Prism mock server started on a free port of 127.0.0.1, serving
//! one spec with `--errors` (every request and answer validated against it), killed on drop.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Prism {
    child: Child,
    pub port: u16,
    log: PathBuf,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

impl Prism {
    /// Starts Prism on `spec` and waits until it listens (at most 120 s).
    pub fn start(spec: &Path) -> Prism {
        let bin = workspace().join("node_modules/.bin/prism");
        assert!(
            bin.exists(),
            "Prism is not installed at {}: run `npm ci` in the workspace root (`.ci/run` and `cargo xtask test` do)",
            bin.display()
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = std::env::temp_dir().join(format!("prism-{port}.log"));
        let child = Command::new(bin)
            .args([
                "mock",
                "--errors",
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .arg(spec)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("cannot start Prism");
        let mut prism = Prism { child, port, log };
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Some(status) = prism.child.try_wait().unwrap() {
                panic!(
                    "Prism exited with {status} before listening:\n{}",
                    prism.log_text()
                );
            }
            if TcpStream::connect(("127.0.0.1", port)).is_ok()
                && prism.log_text().contains("Prism is listening")
            {
                return prism;
            }
            assert!(
                Instant::now() < deadline,
                "Prism did not start within 120 s:\n{}",
                prism.log_text()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// What Prism has logged so far (every request, every violation).
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The base URL to give a client.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }
}
