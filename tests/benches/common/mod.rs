//! What both round-trip benchmarks share: the loopback server and the requests written by hand.

use gitlab_api_client::Client;
use gitlab_api_client::prelude::*;
use gitlab_api_client::runtime::Page;
use gitlab_api_client::types::{ApiEntitiesBasicProjectDetails, ApiEntitiesProjectWithAccess};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The server, a runtime to drive it, and both clients of it (one `reqwest::Client` shared).
pub struct Setup {
    pub rt: tokio::runtime::Runtime,
    base: String,
    http: reqwest::Client,
    client: Client,
}

impl Setup {
    /// Starts the server and checks that both sides read the same project and the same page:
    /// otherwise the comparison means nothing.
    pub fn new() -> Setup {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let base = rt.block_on(server(project_json()));
        let http = reqwest::Client::new();
        let client = Client::with_http_client(&base, http.clone())
            .unwrap()
            .with_private_token(TOKEN);
        let setup = Setup {
            rt,
            base,
            http,
            client,
        };
        setup.rt.block_on(async {
            let (a, b) = (setup.one_by_hand().await, setup.one_generated().await);
            assert_eq!(a, b);
            assert_eq!(a.id, Some(42));
            let ((items, next), page) = (setup.page_by_hand().await, setup.page_generated().await);
            assert_eq!(items.len(), 20);
            assert_eq!(page.items, items);
            assert_eq!((page.next_page, next), (Some(2), Some(2)));
            assert_eq!(page.total, Some(400));
        });
        setup
    }

    pub async fn one_by_hand(&self) -> ApiEntitiesProjectWithAccess {
        by_hand(&self.http, &self.base, 42).await.unwrap()
    }

    pub async fn one_generated(&self) -> ApiEntitiesProjectWithAccess {
        self.client.get_project(42).send().await.unwrap()
    }

    pub async fn page_by_hand(&self) -> (Vec<ApiEntitiesBasicProjectDetails>, Option<u64>) {
        page_by_hand(&self.http, &self.base).await.unwrap()
    }

    pub async fn page_generated(&self) -> Page<ApiEntitiesBasicProjectDetails> {
        self.client
            .list_projects()
            .per_page(20)
            .send_page()
            .await
            .unwrap()
    }
}

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

/// The pagination headers GitLab sends with the first page of a long listing.
const PAGE_HEADERS: &str = "x-page: 1\r\nx-per-page: 20\r\nx-total: 400\r\nx-total-pages: 20\r\nx-next-page: 2\r\nx-prev-page: \r\n";

/// A keep-alive HTTP/1.1 server on loopback that answers a request for one project with
/// `body` and any other with a page of 20 of them.
async fn server(body: String) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let list = format!("[{}]", vec![body.as_str(); 20].join(","));
    let page = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{PAGE_HEADERS}content-length: {}\r\n\r\n{list}",
        list.len()
    );
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let (answer, page) = (answer.clone(), page.clone());
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
                        let one = head.starts_with(b"GET /api/v4/projects/");
                        head.drain(..end + 4);
                        let reply = if one { &answer } else { &page };
                        if stream.write_all(reply.as_bytes()).await.is_err() {
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

/// A page of the listing as one would read it by hand: the items and the next page's number.
async fn page_by_hand(
    http: &reqwest::Client,
    base: &str,
) -> Result<(Vec<ApiEntitiesBasicProjectDetails>, Option<u64>), Box<dyn std::error::Error>> {
    let response = http
        .get(format!("{base}/api/v4/projects?per_page=20"))
        .header("PRIVATE-TOKEN", TOKEN)
        .send()
        .await?;
    if !response.status().is_success() {
        return Err(format!("status {}", response.status()).into());
    }
    let next = match response.headers().get("x-next-page") {
        Some(v) if !v.is_empty() => Some(v.to_str()?.parse()?),
        _ => None,
    };
    let bytes = response.bytes().await?;
    Ok((serde_json::from_slice(&bytes)?, next))
}
