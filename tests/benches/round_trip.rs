//! One request round trip through the generated GitLab client against the same request written
//! by hand with reqwest, on a loopback HTTP/1.1 server that answers at once with a fixed
//! project (2 KB of JSON, as GitLab sends for `GET /projects/:id`). Both sides share one
//! `reqwest::Client` (so one connection pool and the same TLS-free transport) and decode into
//! the same generated type, so the difference is what the generated layer adds: building the
//! URL segment by segment, credentials, the retry loop's bookkeeping, the error mapping.
//!
//! `cargo bench -p e2e --bench round_trip` (figures in BENCHMARKS.md).

use criterion::{Criterion, criterion_group, criterion_main};
use gitlab_api_client::Client;
use gitlab_api_client::prelude::*;
use gitlab_api_client::types::ApiEntitiesProjectWithAccess;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const TOKEN: &str = "glpat-bench-token";

fn project_json() -> String {
    serde_json::json!({
        "id": 42, "description": "A project of the benchmark, with a description of some length to look like a real one.",
        "name": "Bench", "name_with_namespace": "Group / Bench", "path": "bench",
        "path_with_namespace": "group/bench", "created_at": "2024-05-01T10:20:30.000Z",
        "default_branch": "main", "tag_list": ["rust", "openapi"], "topics": ["rust", "openapi"],
        "ssh_url_to_repo": "git@gitlab.example.com:group/bench.git",
        "http_url_to_repo": "https://gitlab.example.com/group/bench.git",
        "web_url": "https://gitlab.example.com/group/bench",
        "readme_url": "https://gitlab.example.com/group/bench/-/blob/main/README.md",
        "forks_count": 3, "star_count": 17, "last_activity_at": "2024-06-01T08:00:00.000Z",
        "namespace": {"id": 7, "name": "Group", "path": "group", "kind": "group",
                      "full_path": "group", "parent_id": null, "avatar_url": null,
                      "web_url": "https://gitlab.example.com/groups/group"},
        "visibility": "private", "archived": false, "issues_enabled": true,
        "merge_requests_enabled": true, "wiki_enabled": true, "jobs_enabled": true,
        "snippets_enabled": true, "container_registry_enabled": true,
        "open_issues_count": 5, "creator_id": 1, "import_status": "none",
        "permissions": {"project_access": {"access_level": 40, "notification_level": 3},
                        "group_access": null}
    })
    .to_string()
}

/// A keep-alive HTTP/1.1 server on loopback that answers every request with `body`.
async fn server(body: String) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let mut head = Vec::new();
                loop {
                    let n = match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    head.extend_from_slice(&buf[..n]);
                    // GETs without bodies: each blank line ends one request.
                    while let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                        head.drain(..end + 4);
                        if stream.write_all(answer.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

/// The request as one would write it by hand with reqwest.
async fn by_hand(
    http: &reqwest::Client,
    base: &str,
    id: i64,
) -> Result<ApiEntitiesProjectWithAccess, Box<dyn std::error::Error>> {
    let response = http
        .get(format!("{base}/api/v4/projects/{id}"))
        .header("PRIVATE-TOKEN", TOKEN)
        .send()
        .await?;
    if !response.status().is_success() {
        return Err(format!("status {}", response.status()).into());
    }
    let bytes = response.bytes().await?;
    Ok(serde_json::from_slice(&bytes)?)
}

fn round_trip(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let base = rt.block_on(server(project_json()));
    let http = reqwest::Client::new();
    let client = Client::with_http_client(&base, http.clone())
        .unwrap()
        .with_private_token(TOKEN);

    // Both decode the same project, or the comparison means nothing.
    let a = rt.block_on(by_hand(&http, &base, 42)).unwrap();
    let b = rt
        .block_on(client.get_api_v4_projects_id(42).send())
        .unwrap();
    assert_eq!(a, b);
    assert_eq!(a.id, Some(42));

    let mut group = c.benchmark_group("GET /projects/:id round trip");
    group.bench_function("hand-written reqwest", |bench| {
        bench
            .to_async(&rt)
            .iter(|| async { by_hand(&http, &base, 42).await.unwrap() })
    });
    group.bench_function("generated client", |bench| {
        bench
            .to_async(&rt)
            .iter(|| async { client.get_api_v4_projects_id(42).send().await.unwrap() })
    });
    group.finish();
}

criterion_group!(benches, round_trip);
criterion_main!(benches);
