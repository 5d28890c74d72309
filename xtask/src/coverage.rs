//! The `coverage` task: which of GitLab's documented REST endpoints `gitlab-api-client` serves
//! (`COVERAGE.md`).
//!
//! In: `specs/gitlab-full/docs-endpoints.tsv` (every endpoint of GitLab's REST reference pages,
//! `doc/api/**/*.md` of gitlabhq/gitlabhq: page, commit, section, method, path),
//! `specs/gitlab-full/gitlab-crate-endpoints.tsv` (every endpoint of the hand-written `gitlab`
//! crate's `src/api`), and the client's `NAMES.md` (each operation's method, path and Rust
//! method, as `cargo xtask codegen` writes it). An endpoint is served when an operation has its
//! method and its path under `/api/v4`, parameter names aside (`/projects/:id/issues/:issue_iid`
//! is `/api/v4/projects/{id}/issues/{issue_iid}`).
//!
//! Out: `COVERAGE.md`: the share of documented endpoints served and of the `gitlab` crate's,
//! then per documentation page each endpoint and the method that serves it, or none. `--check`
//! writes nothing and fails when `COVERAGE.md` is stale.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

const DOCS: &str = "specs/gitlab-full/docs-endpoints.tsv";
const CRATE: &str = "specs/gitlab-full/gitlab-crate-endpoints.tsv";
const NAMES: &str = "generated-client/NAMES.md";
const OUT: &str = "COVERAGE.md";

/// A path with its parameters' names dropped and no trailing `/`: `/projects/{}/issues/{}`
/// (and `archive.{format}` is `archive{}`).
fn shape(path: &str) -> String {
    let path = path.trim_end_matches('/');
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                // A suffix parameter with or without its dot is one shape: the `gitlab` crate
                // writes `archive{archive_format}` (the value is `.zip`), the docs `archive.{format}`.
                if out.ends_with('.') {
                    out.pop();
                }
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if !in_param => out.push(c),
            _ => {}
        }
    }
    if out.starts_with('/') {
        out
    } else {
        format!("/{out}")
    }
}

/// The rows of a tab-separated file after its `#` comments and header line.
fn rows(text: &str) -> Vec<Vec<&str>> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect()
}

/// (method, path shape under `/api/v4`) → the Rust method, from `NAMES.md`'s rows
/// (`| \`GET /api/v4/projects/{id}\` | [\`get_project\`](src/projects.rs) |`).
fn operations(names: &str) -> BTreeMap<(String, String), String> {
    let mut ops = BTreeMap::new();
    for line in names.lines() {
        let Some(rest) = line.strip_prefix("| `") else {
            continue;
        };
        let Some((endpoint, rest)) = rest.split_once("` | [`") else {
            continue;
        };
        let Some((method_name, _)) = rest.split_once('`') else {
            continue;
        };
        let Some((method, path)) = endpoint.split_once(' ') else {
            continue;
        };
        let Some(path) = path.strip_prefix("/api/v4") else {
            continue;
        };
        ops.entry((method.to_owned(), shape(path)))
            .or_insert_with(|| method_name.to_owned());
    }
    ops
}

/// A documented endpoint: method, path, the page's section, and the method serving it.
type Endpoint<'a> = (&'a str, &'a str, &'a str, Option<&'a String>);

fn report(docs: &str, krate: &str, names: &str) -> String {
    let ops = operations(names);
    // The operation of this method whose path fits: the same shape, else a template whose
    // parameters take the endpoint's literal segments (`GET /projects/{id}/integrations/asana`
    // is `get_project_integration(id, "asana")`), the one with the most literal segments.
    let served = |method: &str, path: &str| -> Option<&String> {
        let shape = shape(path);
        if let Some(op) = ops.get(&(method.to_owned(), shape.clone())) {
            return Some(op);
        }
        let want: Vec<&str> = shape.split('/').collect();
        ops.iter()
            .filter(|((m, _), _)| m == method)
            .filter_map(|((_, template), op)| {
                let have: Vec<&str> = template.split('/').collect();
                let fits = have.len() == want.len()
                    && have.iter().zip(&want).all(|(h, w)| *h == "{}" || h == w);
                fits.then(|| (have.iter().filter(|h| **h != "{}").count(), op))
            })
            .max_by_key(|(literal, _)| *literal)
            .map(|(_, op)| op)
    };
    let doc_rows = rows(docs);
    let mut pages: BTreeMap<&str, Vec<Endpoint>> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for row in &doc_rows {
        let [page, _commit, section, method, path, ..] = row.as_slice() else {
            continue;
        };
        if !seen.insert((*method, shape(path))) {
            continue;
        }
        pages
            .entry(page)
            .or_default()
            .push((method, path, section, served(method, path)));
    }
    let total: usize = pages.values().map(Vec::len).sum();
    let covered: usize = pages
        .values()
        .flatten()
        .filter(|(.., op)| op.is_some())
        .count();
    let crate_rows = rows(krate);
    let mut crate_seen = BTreeSet::new();
    let mut crate_missing = Vec::new();
    for row in &crate_rows {
        let [_module, ty, method, path, ..] = row.as_slice() else {
            continue;
        };
        if !crate_seen.insert((*method, shape(path))) {
            continue;
        }
        if served(method, path).is_none() {
            crate_missing.push(format!("`{method} /{path}` ({ty})"));
        }
    }
    let percent = |n: usize, of: usize| {
        if of == 0 {
            0.0
        } else {
            n as f64 * 100.0 / of as f64
        }
    };
    let mut t = String::new();
    t.push_str("# GitLab's documented REST endpoints, served by `gitlab-api-client`\n\n");
    let _ = writeln!(
        t,
        "Written by `cargo xtask coverage` (`xtask/src/coverage.rs`) from `{DOCS}` (every endpoint of GitLab's REST reference pages, `doc/api/**/*.md` of gitlabhq/gitlabhq, with the commit read), `{CRATE}` (the hand-written `gitlab` crate's endpoints) and the client's `{NAMES}`. An endpoint is served when an operation has its method and path (under `/api/v4`, parameter names aside). The operations come from GitLab's `openapi_v2.yaml` and the documents of `specs/gitlab-full/docs/` merged into it.\n"
    );
    let _ = writeln!(
        t,
        "- Documented endpoints served: **{covered} of {total}** ({:.1}%).",
        percent(covered, total)
    );
    let _ = writeln!(
        t,
        "- Endpoints of the `gitlab` crate served: **{} of {}** ({:.1}%).",
        crate_seen.len() - crate_missing.len(),
        crate_seen.len(),
        percent(crate_seen.len() - crate_missing.len(), crate_seen.len())
    );
    if !crate_missing.is_empty() {
        let _ = writeln!(
            t,
            "\nThe `gitlab` crate's endpoints not served yet: {}.",
            crate_missing.join(", ")
        );
    }
    t.push_str("\n## By page\n\n| page | endpoints | served |\n|---|---|---|\n");
    for (page, endpoints) in &pages {
        let n = endpoints.iter().filter(|(.., op)| op.is_some()).count();
        let _ = writeln!(
            t,
            "| [`{page}`](#{}) | {} | {n} |",
            anchor(page),
            endpoints.len()
        );
    }
    for (page, endpoints) in &pages {
        let _ = writeln!(
            t,
            "\n### {page}\n\n| endpoint | section | method |\n|---|---|---|"
        );
        for (method, path, section, op) in endpoints {
            let served = op.map_or_else(|| "none yet".to_owned(), |o| format!("`{o}`"));
            let _ = writeln!(t, "| `{method} {path}` | {section} | {served} |");
        }
    }
    t
}

/// The anchor GitHub gives a `###` heading of `page`'s text.
fn anchor(page: &str) -> String {
    page.chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' | '-' | '_' => Some(c),
            'A'..='Z' => Some(c.to_ascii_lowercase()),
            ' ' => Some('-'),
            _ => None,
        })
        .collect()
}

pub fn run(check: bool) -> ExitCode {
    let root = crate::codegen::workspace_root();
    let read = |rel: &str| std::fs::read_to_string(root.join(rel));
    let (Ok(docs), Ok(krate), Ok(names)) = (read(DOCS), read(CRATE), read(NAMES)) else {
        eprintln!("coverage: cannot read {DOCS}, {CRATE} or {NAMES}");
        return ExitCode::FAILURE;
    };
    let text = report(&docs, &krate, &names);
    let out = root.join(OUT);
    let summary: Vec<&str> = text.lines().filter(|l| l.starts_with("- ")).collect();
    if check {
        if std::fs::read_to_string(&out).ok().as_deref() == Some(text.as_str()) {
            println!("coverage: {OUT} is fresh; {}", summary.join(" "));
            return ExitCode::SUCCESS;
        }
        eprintln!("coverage: {OUT} is stale; run `cargo xtask coverage`");
        return ExitCode::FAILURE;
    }
    if let Err(e) = std::fs::write(&out, &text) {
        eprintln!("coverage: {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    println!("coverage: wrote {}", Path::new(OUT).display());
    for line in summary {
        println!("  {line}");
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endpoint_is_served_by_method_and_path_shape() {
        let docs = "# source\npage\tcommit\tsection\tmethod\tpath\n\
                    issues.md\tc\tList project issues\tGET\t/projects/{id}/issues\n\
                    issues.md\tc\tNew issue\tPOST\t/projects/{id}/issues\n\
                    todos.md\tc\tList to-dos\tGET\t/todos\n\
                    integrations.md\tc\tGet Asana settings\tGET\t/projects/{id}/integrations/asana\n";
        let krate = "# source\nmodule\ttype\tmethod\tpath\n\
                     api::issues\tProjectIssues\tGET\tprojects/{project}/issues\n\
                     api::todos\tTodos\tGET\ttodos\n";
        let names = "| `GET /api/v4/projects/{project_id}/issues/` | [`list_project_issues`](src/issues.rs) |\n\
                     | `POST /api/v4/projects/{id}/issues` | [`create_project_issue`](src/issues.rs) |\n\
                     | `GET /api/v3/todos` | [`list_todos`](src/todos.rs) |\n\
                     | `GET /api/v4/projects/{id}/integrations/{slug}` | [`get_project_integration`](src/integrations.rs) |\n";
        let text = report(docs, krate, names);
        assert!(text.contains("served: **3 of 4** (75.0%)"), "{text}");
        assert!(
            text.contains("| `GET /projects/{id}/integrations/asana` | Get Asana settings | `get_project_integration` |"),
            "{text}"
        );
        assert!(text.contains("crate served: **1 of 2** (50.0%)"), "{text}");
        assert!(text.contains("`GET /todos` (Todos)"), "{text}");
        assert!(
            text.contains(
                "| `GET /projects/{id}/issues` | List project issues | `list_project_issues` |"
            ),
            "{text}"
        );
        assert!(
            text.contains("| `GET /todos` | List to-dos | none yet |"),
            "{text}"
        );
    }
}
