//! `cargo xtask names`: method-name lengths over the corpus, by the naming rule (`auto`: the
//! operationId when a person wrote it, else verb and resource from the method and path) and
//! by the operationId alone (`operation-id`, the rule before it), for issue 14's figures.
//!
//! Each document of `../shared/corpus/MANIFEST.tsv` is generated in this process, on every
//! core, once per rule; a document that fails (or panics) is left out of both. Printed: the
//! median and longest method name over every method of the corpus, the median of the
//! documents' medians, and each famous document's median and longest. `--list ID` prints one
//! document's every operation with its name under each rule instead, to review a change of the
//! rule.

use oapi_client_gen_core::{Input, OperationNames, Settings};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Mutex;

/// One document's method names under each rule.
struct Names {
    id: String,
    auto: Vec<String>,
    operation_id: Vec<String>,
}

/// Each operation's `METHOD /path` and method name under `rule`, in the spec's order.
fn method_names(root: &Path, file: &str, rule: OperationNames) -> Option<Vec<(String, String)>> {
    let path = root.join(file);
    let folder = path.parent()?;
    let name = path.file_name()?.to_string_lossy().into_owned();
    let fs = oapi_client_gen_core::DiskFiles::new(folder)
        .allow_dir(root)
        .allow_file(&path);
    let input = Input {
        spec: name.clone(),
        display_name: name,
        settings: Settings {
            operation_names: rule,
            ..Settings::default()
        },
        emit_threads: 1,
        ..Input::default()
    };
    let generated = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        oapi_client_gen_core::generate(&input, &fs)
    }))
    .ok()?;
    let api = generated.ok()?.api;
    Some(
        api.operations
            .iter()
            .map(|o| {
                (
                    format!("{} {}", o.method.to_ascii_uppercase(), o.path),
                    oapi_client_gen_core::naming::bare(&o.name).to_owned(),
                )
            })
            .collect(),
    )
}

fn median(lengths: &mut [usize]) -> f64 {
    lengths.sort_unstable();
    let n = lengths.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => lengths[n / 2] as f64,
        _ => (lengths[n / 2 - 1] + lengths[n / 2]) as f64 / 2.0,
    }
}

/// `median M, longest L (name)` of a list of names.
fn summary(names: &[&String]) -> String {
    let mut lengths: Vec<usize> = names.iter().map(|n| n.len()).collect();
    let longest = names.iter().max_by_key(|n| n.len());
    format!(
        "median {}, longest {}{}",
        median(&mut lengths),
        longest.map_or(0, |n| n.len()),
        longest.map_or(String::new(), |n| format!(" (`{n}`)"))
    )
}

pub fn run(list: Option<&str>) -> ExitCode {
    let root = crate::corpus::corpus_root();
    let rows = match crate::corpus::manifest_files(&root) {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(id) = list {
        return list_one(&root, &rows, id);
    }
    // Panics of a document are counted, not printed.
    std::panic::set_hook(Box::new(|_| {}));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done: Mutex<Vec<Names>> = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some((id, file)) = rows.get(i) else { break };
                    let auto = method_names(&root, file, OperationNames::Auto);
                    let operation_id = method_names(&root, file, OperationNames::OperationId);
                    if let (Some(auto), Some(operation_id)) = (auto, operation_id) {
                        let names =
                            |v: Vec<(String, String)>| v.into_iter().map(|(_, n)| n).collect();
                        done.lock().unwrap_or_else(|e| e.into_inner()).push(Names {
                            id: id.clone(),
                            auto: names(auto),
                            operation_id: names(operation_id),
                        });
                    }
                }
            });
        }
    });
    let _ = std::panic::take_hook();
    let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    done.sort_by(|a, b| a.id.cmp(&b.id));
    let with_methods: Vec<&Names> = done.iter().filter(|d| !d.auto.is_empty()).collect();
    println!(
        "{} of {} documents generated, {} with methods",
        done.len(),
        rows.len(),
        with_methods.len()
    );
    for (rule, pick) in [
        (
            "operation-id (before)",
            (|d: &Names| &d.operation_id) as fn(&Names) -> &Vec<String>,
        ),
        ("auto (the rule)", |d: &Names| &d.auto),
    ] {
        let all: Vec<&String> = with_methods.iter().flat_map(|d| pick(d)).collect();
        let mut medians: Vec<usize> = with_methods
            .iter()
            .map(|d| {
                let mut l: Vec<usize> = pick(d).iter().map(String::len).collect();
                median(&mut l).round() as usize
            })
            .collect();
        println!(
            "{rule}: {} methods: {}; median of the documents' medians {}",
            all.len(),
            summary(&all),
            median(&mut medians)
        );
    }
    println!("\nfamous documents (operation-id → auto):");
    for d in with_methods.iter().filter(|d| d.id.starts_with("famous/")) {
        println!(
            "  {}: {} → {}",
            d.id,
            summary(&d.operation_id.iter().collect::<Vec<_>>()),
            summary(&d.auto.iter().collect::<Vec<_>>())
        );
    }
    ExitCode::SUCCESS
}

/// `--list ID`: one document's operations, each with its name by the operationId and by the
/// rule, a `*` marking those that differ.
fn list_one(root: &Path, rows: &[(String, String)], id: &str) -> ExitCode {
    let Some((_, file)) = rows.iter().find(|(i, _)| i == id) else {
        eprintln!("no document `{id}` in the corpus's MANIFEST.tsv");
        return ExitCode::FAILURE;
    };
    let (Some(auto), Some(by_id)) = (
        method_names(root, file, OperationNames::Auto),
        method_names(root, file, OperationNames::OperationId),
    ) else {
        eprintln!("`{id}` does not generate");
        return ExitCode::FAILURE;
    };
    for ((op, a), (_, b)) in auto.iter().zip(&by_id) {
        let mark = if a == b { ' ' } else { '*' };
        println!("{mark} {op}: {b} → {a}");
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_summaries() {
        assert_eq!(median(&mut [5, 1, 3]), 3.0);
        assert_eq!(median(&mut [4, 1, 3, 2]), 2.5);
        assert_eq!(median(&mut []), 0.0);
        let names = ["get_pet".to_owned(), "list_pet_owners".to_owned()];
        assert_eq!(
            summary(&names.iter().collect::<Vec<_>>()),
            "median 11, longest 15 (`list_pet_owners`)"
        );
    }
}
