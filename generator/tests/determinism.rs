//! Determinism of the whole generator on the largest spec we have: GitLab's full Swagger 2.0
//! description (`specs/gitlab-full`, 1,138 operations, with its overlay and settings).
//!
//! In: the spec's files (its folder's, and its subfolders'), read once into memory. Out: pass/fail. The client is generated twice
//! in this thread and once in another one (fresh `HashMap` seeds and thread-locals, a 2 MiB
//! stack instead of the main thread's); every file, the effective spec, the IR and the rendered
//! diagnostics must be byte-identical. Emission runs on every core by default; it is also run
//! serially (one thread) and on more threads than jobs find cores, with the same bytes.

use oapi_client_gen_core::{Config, Generated, Input, MemoryFiles};
use std::path::Path;

const DIR: &str = "specs/gitlab-full";

/// The config's input and every file of the spec's folder, in memory.
fn load() -> (Input, MemoryFiles) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = MemoryFiles::new();
    let mut folders = vec![String::new()];
    while let Some(folder) = folders.pop() {
        let dir = root.join(DIR).join(&folder);
        for entry in std::fs::read_dir(&dir).expect("specs/gitlab-full is readable") {
            let path = entry.expect("a directory entry").path();
            let name = format!("{folder}{}", path.file_name().unwrap().to_string_lossy());
            if path.is_dir() {
                folders.push(format!("{name}/"));
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("spec files are UTF-8");
            files = files.with(&format!("{DIR}/{name}"), &text);
        }
    }
    let config = files.0[&format!("{DIR}/codegen.toml")].clone();
    let config = Config::parse("codegen.toml", &config).expect("codegen.toml parses");
    (config.input(DIR), files)
}

/// Everything one generation produces, as text: (name, contents) in output order.
fn outputs(input: &Input, files: &MemoryFiles) -> Vec<(String, String)> {
    let g: Generated = oapi_client_gen_core::generate(input, files)
        .unwrap_or_else(|d| panic!("generation failed:\n{d}"));
    let mut out: Vec<(String, String)> =
        g.files.into_iter().map(|f| (f.path, f.contents)).collect();
    out.push(("openapi.json".into(), g.effective_spec));
    out.push((
        "<ir>".into(),
        serde_json::to_string(&g.api).expect("the IR serializes"),
    ));
    out.push(("<diagnostics>".into(), g.diagnostics.to_string()));
    out
}

fn assert_same(what: &str, a: &[(String, String)], b: &[(String, String)]) {
    let names = |o: &[(String, String)]| o.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(a), names(b), "{what}: different files");
    for ((name, x), (_, y)) in a.iter().zip(b) {
        if x != y {
            let at = x
                .bytes()
                .zip(y.bytes())
                .position(|(p, q)| p != q)
                .unwrap_or(x.len().min(y.len()));
            panic!(
                "{what}: {name} differs at byte {at} (lengths {} and {})",
                x.len(),
                y.len()
            );
        }
    }
}

#[test]
fn full_gitlab_client_is_byte_identical_across_runs_and_threads() {
    let (input, files) = load();
    let first = outputs(&input, &files);
    assert!(
        first.iter().filter(|(n, _)| n.ends_with(".rs")).count() > 10,
        "the full client has a module per tag"
    );
    let second = outputs(&input, &files);
    assert_same("second run", &first, &second);
    let other = std::thread::spawn(move || outputs(&input, &files))
        .join()
        .expect("generation in another thread does not panic");
    assert_same("another thread", &first, &other);
}

#[test]
fn parallel_emission_is_byte_identical_to_the_serial_path() {
    let (input, files) = load();
    let with = |threads: usize| {
        let input = Input {
            emit_threads: threads,
            ..input.clone()
        };
        outputs(&input, &files)
    };
    let serial = with(1);
    for threads in [0, 2, 7] {
        assert_same(
            &format!("{threads} emission threads"),
            &serial,
            &with(threads),
        );
    }
}

/// A progress line is told each stage in order, then each emitted unit: the count rises to the
/// total once, whatever the number of threads.
#[test]
fn progress_is_told_each_stage_then_each_file() {
    use oapi_client_gen_core::{Progress, Stage};
    use std::sync::{Arc, Mutex};
    for threads in [1, 4] {
        let seen: Arc<Mutex<Vec<Stage>>> = Arc::default();
        let log = seen.clone();
        let files = oapi_client_gen_core::MemoryFiles::new().with(
            "openapi.yaml",
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      tags: [a]\n      responses: {'204': {description: ok}}\n  /b:\n    get:\n      tags: [b]\n      responses: {'204': {description: ok}}\n",
        );
        let input = oapi_client_gen_core::Input {
            spec: "openapi.yaml".into(),
            display_name: "openapi.yaml".into(),
            emit_threads: threads,
            progress: Some(Progress::new(move |stage| log.lock().unwrap().push(stage))),
            ..Default::default()
        };
        oapi_client_gen_core::generate(&input, &files).unwrap();
        let seen = seen.lock().unwrap().clone();
        assert_eq!(
            seen[..3],
            [Stage::Loading, Stage::Normalizing, Stage::Lowering],
            "{threads} threads"
        );
        // lib.rs and auth.rs, types.rs, and one file per module.
        let mut done: Vec<usize> = seen[3..]
            .iter()
            .map(|s| match s {
                Stage::Emitting { done, total: 4 } => *done,
                other => panic!("{other:?}"),
            })
            .collect();
        done.sort_unstable();
        assert_eq!(done, [1, 2, 3, 4], "{threads} threads");
    }
}
