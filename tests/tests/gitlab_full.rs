//! Wire tests of the full GitLab client (`generated-client`, from GitLab's Swagger 2.0
//! description) against an in-process HTTP server (wiremock): list endpoints declared as one
//! object read as lists, offset and keyset pagination through the generated `send_page`,
//! `stream`, `all` and `first`, every credential GitLab accepts, multipart uploads, form bodies
//! with Rails-style arrays, and wildcard path segments.

use futures_util::StreamExt;
use gitlab_api_client::prelude::*;
use gitlab_api_client::{Client, File, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::new(&server.uri())
        .unwrap()
        .with_private_token("glpat-secret")
        .with_retry_policy(RetryPolicy::none());
    (server, client)
}

fn mr(iid: i64) -> serde_json::Value {
    json!({"id": 1000 + iid, "iid": iid, "project_id": 42, "title": format!("MR {iid}"), "state": "opened"})
}

/// Three pages of two merge requests, GitLab's offset pagination headers on each.
async fn mount_offset_pages(server: &MockServer) {
    for page in 1..=3u32 {
        let next = if page < 3 {
            (page + 1).to_string()
        } else {
            String::new()
        };
        // The first request names no page; the next ones ask for `page=N`.
        let wanted = (page > 1).then(|| page.to_string());
        Mock::given(method("GET"))
            .and(path("/api/v4/projects/group%2Fproject/merge_requests"))
            .and(move |r: &Request| page_of(r) == wanted)
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!([
                        mr(i64::from(page) * 2 - 1),
                        mr(i64::from(page) * 2)
                    ]))
                    .insert_header("X-Page", page.to_string().as_str())
                    .insert_header("X-Per-Page", "2")
                    .insert_header("X-Total", "6")
                    .insert_header("X-Total-Pages", "3")
                    .insert_header("X-Next-Page", next.as_str()),
            )
            .mount(server)
            .await;
    }
}

fn page_of(r: &Request) -> Option<String> {
    r.url
        .query_pairs()
        .find(|(k, _)| k == "page")
        .map(|(_, v)| v.into_owned())
}

fn pages_requested(requests: &[Request]) -> Vec<Option<String>> {
    requests.iter().map(page_of).collect()
}

#[tokio::test]
async fn list_declared_as_one_object_is_read_as_a_page_with_totals() {
    let (server, client) = setup().await;
    mount_offset_pages(&server).await;

    let page = client
        .list_project_merge_requests("group/project")
        .per_page(2)
        .send_page()
        .await
        .unwrap();

    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[0].iid, Some(1));
    assert_eq!(
        (
            page.page,
            page.per_page,
            page.total,
            page.total_pages,
            page.next_page
        ),
        (Some(1), Some(2), Some(6), Some(3), Some(2))
    );
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].url.query(), Some("per_page=2"));
}

#[tokio::test]
async fn offset_pagination_walks_every_page() {
    let (server, client) = setup().await;
    mount_offset_pages(&server).await;

    let all = client
        .list_project_merge_requests("group/project")
        .per_page(2)
        .all()
        .await
        .unwrap();

    assert_eq!(
        all.iter().map(|m| m.iid.unwrap()).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5, 6]
    );
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        pages_requested(&requests),
        [None, Some("2".into()), Some("3".into())]
    );
    for r in &requests {
        assert_eq!(r.headers.get("private-token").unwrap(), "glpat-secret");
    }
}

#[tokio::test]
async fn first_n_fetches_only_the_pages_it_needs() {
    let (server, client) = setup().await;
    mount_offset_pages(&server).await;

    let first = client
        .list_project_merge_requests("group/project")
        .first(3)
        .await
        .unwrap();

    assert_eq!(
        first.iter().map(|m| m.iid.unwrap()).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn keyset_pagination_follows_the_link_header() {
    let (server, client) = setup().await;
    let base = server.uri();
    Mock::given(method("GET"))
        .and(path("/api/v4/projects/42/merge_requests"))
        .and(query_param_is_missing("id_after"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([mr(1), mr(2)])).insert_header(
            "Link",
            format!("<{base}/api/v4/projects/42/merge_requests?pagination=keyset&per_page=2&order_by=id&sort=asc&id_after=1002>; rel=\"next\"").as_str(),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/projects/42/merge_requests"))
        .and(query_param("id_after", "1002"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([mr(3)])))
        .mount(&server)
        .await;

    let items: Vec<_> = client
        .list_project_merge_requests(42)
        .per_page(2)
        .stream()
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .map(|r| r.unwrap().iid.unwrap())
        .collect();

    assert_eq!(items, [1, 2, 3]);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[1].url.query(),
        Some("pagination=keyset&per_page=2&order_by=id&sort=asc&id_after=1002")
    );
}

async fn metadata_headers(
    client: Client,
    server: &MockServer,
) -> (http_headers::Headers, Option<String>) {
    Mock::given(method("GET"))
        .and(path("/api/v4/metadata"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"version": "17.9.0", "revision": "abc", "enterprise": false}),
            ),
        )
        .mount(server)
        .await;
    let meta = client.get_metadata().await.unwrap();
    assert_eq!(meta.version.as_deref(), Some("17.9.0"));
    let req = server.received_requests().await.unwrap().pop().unwrap();
    (
        http_headers::Headers(req.headers.clone()),
        req.url.query().map(str::to_owned),
    )
}

mod http_headers {
    /// The headers of a received request, looked up by name.
    pub struct Headers(pub wiremock::http::HeaderMap);

    impl Headers {
        pub fn get(&self, name: &str) -> Option<String> {
            self.0.get(name).map(|v| v.to_str().unwrap().to_owned())
        }
    }
}

#[tokio::test]
async fn every_credential_goes_where_gitlab_reads_it() {
    let server = MockServer::start().await;
    let base = server.uri();

    let (h, q) = metadata_headers(
        Client::new(&base)
            .unwrap()
            .with_private_token("glpat-header"),
        &server,
    )
    .await;
    assert_eq!(h.get("private-token").as_deref(), Some("glpat-header"));
    assert_eq!(q, None);

    let (h, q) = metadata_headers(
        Client::new(&base)
            .unwrap()
            .with_private_token_in_query("glpat-query"),
        &server,
    )
    .await;
    assert_eq!(h.get("private-token"), None);
    assert_eq!(q.as_deref(), Some("private_token=glpat-query"));

    let (h, _) = metadata_headers(
        Client::new(&base).unwrap().with_job_token("ci-job-token"),
        &server,
    )
    .await;
    assert_eq!(h.get("job-token").as_deref(), Some("ci-job-token"));

    let (h, _) = metadata_headers(
        Client::new(&base).unwrap().with_bearer_token("oauth-token"),
        &server,
    )
    .await;
    assert_eq!(
        h.get("authorization").as_deref(),
        Some("Bearer oauth-token")
    );

    let admin = Client::new(&base)
        .unwrap()
        .with_private_token("admin-token");
    let (h, _) = metadata_headers(admin.clone().with_sudo("bob"), &server).await;
    assert_eq!(h.get("sudo").as_deref(), Some("bob"));
    assert_eq!(h.get("private-token").as_deref(), Some("admin-token"));
    // Sudo was set on a clone: the admin client itself does not impersonate.
    let (h, _) = metadata_headers(admin, &server).await;
    assert_eq!(h.get("sudo"), None);
}

#[tokio::test]
async fn uploads_are_multipart_with_the_file_part() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/projects/group%2Fproject/uploads"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": 5, "alt": "notes", "url": "/uploads/abc/notes.txt", "full_path": "/group/project/uploads/abc/notes.txt",
            "markdown": "[notes.txt](/uploads/abc/notes.txt)"
        })))
        .mount(&server)
        .await;

    let file = File::new("notes.txt", b"hello, world".to_vec()).with_content_type("text/plain");
    let upload = client
        .create_project_upload("group/project", file)
        .await
        .unwrap();

    // `markdown` is undocumented in GitLab's description: any JSON value.
    assert_eq!(
        upload.markdown.as_ref().and_then(|m| m.as_str()),
        Some("[notes.txt](/uploads/abc/notes.txt)")
    );
    let req = server.received_requests().await.unwrap().pop().unwrap();
    let content_type = req
        .headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect(&content_type);
    let body = String::from_utf8(req.body.clone()).unwrap();
    let expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notes.txt\"\r\nContent-Type: text/plain\r\n\r\nhello, world\r\n--{boundary}--\r\n"
    );
    assert_eq!(body, expected);
}

#[tokio::test]
async fn form_bodies_send_rails_arrays() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/bulk_imports"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"id": 1, "status": "created"})),
        )
        .mount(&server)
        .await;

    client
        .create_bulk_import(
            "https://source.example.com",
            "tok",
            vec!["group_entity".into()],
            vec!["src/group".to_owned()],
            vec!["dest".to_owned()],
        )
        .entities_migrate_projects(vec![true])
        .await
        .unwrap();

    let req = server.received_requests().await.unwrap().pop().unwrap();
    assert_eq!(
        req.headers.get("content-type").unwrap(),
        "application/x-www-form-urlencoded"
    );
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&req.body)
        .into_owned()
        .collect();
    let expected = [
        ("configuration[url]", "https://source.example.com"),
        ("configuration[access_token]", "tok"),
        ("entities[source_type][]", "group_entity"),
        ("entities[source_full_path][]", "src/group"),
        ("entities[destination_namespace][]", "dest"),
        ("entities[migrate_projects][]", "true"),
    ];
    assert_eq!(pairs, expected.map(|(k, v)| (k.to_owned(), v.to_owned())));
}

#[tokio::test]
async fn wildcard_path_keeps_its_slashes_and_encodes_each_segment() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"jar".to_vec()))
        .mount(&server)
        .await;

    client
        .get_project_package_maven(7, "com/example/my app/1.0", "my-app-1.0.jar")
        .await
        .unwrap();

    let req = server.received_requests().await.unwrap().pop().unwrap();
    assert_eq!(
        req.url.path(),
        "/api/v4/projects/7/packages/maven/com/example/my%20app/1.0/my-app-1.0.jar"
    );
    assert_eq!(req.url.query(), None);
}

/// Generic packages (docs: user/packages/generic_packages): the file is the request body
/// itself, `select` in the query, and a file in a folder of the package goes in the path
/// (Grape's optional `(*path/)`, which the description wrote into the path literally).
#[tokio::test]
async fn a_generic_package_file_is_uploaded_as_the_body_under_its_optional_folder() {
    let (server, client) = setup().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"message": "201 Created"})))
        .mount(&server)
        .await;

    client
        .update_project_package_generic(24, "my_package", "1.0.0", "file.txt", b"hello".to_vec())
        .select("package_file")
        .await
        .unwrap();
    client
        .update_project_package_generic_by_path(
            24,
            "my_package",
            "1.0.0",
            "dist/linux",
            "app.tar.gz",
            b"tar",
        )
        .await
        .unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests[0].url.path(),
        "/api/v4/projects/24/packages/generic/my_package/1.0.0/file.txt"
    );
    assert_eq!(requests[0].url.query(), Some("select=package_file"));
    assert_eq!(requests[0].body, b"hello");
    assert_eq!(
        requests[0].headers.get("content-type").unwrap(),
        "application/octet-stream"
    );
    assert_eq!(
        requests[1].url.path(),
        "/api/v4/projects/24/packages/generic/my_package/1.0.0/dist/linux/app.tar.gz"
    );
    assert_eq!(requests[1].body, b"tar");
}

/// Package uploads that take the file as the request body itself, as the package managers
/// send them (docs: packages/maven.md and debian.md, `curl --request PUT --upload-file`;
/// rubygems.md, `curl --request POST --upload-file`): Maven's and Debian's by the generator's
/// rule for a `PUT` to a path ending in the file's name, with Debian's `distribution` and
/// `component` in the query; RubyGems' by the overlay. The description declares each a
/// multipart form, which these endpoints would store with its boundaries.
#[tokio::test]
async fn package_files_are_uploaded_as_the_body() {
    let (server, client) = setup().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .mount(&server)
        .await;

    client
        .update_project_package_maven(7, "com/example/app/1.0", "app-1.0.jar", b"jar".to_vec())
        .await
        .unwrap();
    client
        .update_project_package_debian(7, "app_1.0_amd64.deb", "main", b"deb".to_vec())
        .distribution("bookworm")
        .await
        .unwrap();
    client
        .create_project_package_rubygem_api_v1_gem(7, b"gem".to_vec())
        .await
        .unwrap();

    // Each request as `METHOD path?query content-type body`.
    let seen: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let query = r.url.query().map(|q| format!("?{q}")).unwrap_or_default();
            let media = r.headers.get("content-type").unwrap().to_str().unwrap();
            let body = String::from_utf8_lossy(&r.body);
            format!("{} {}{query} {media} {body}", r.method, r.url.path())
        })
        .collect();
    assert_eq!(
        seen,
        [
            "PUT /api/v4/projects/7/packages/maven/com/example/app/1.0/app-1.0.jar application/octet-stream jar",
            "PUT /api/v4/projects/7/packages/debian/app_1.0_amd64.deb?component=main&distribution=bookworm application/octet-stream deb",
            "POST /api/v4/projects/7/packages/rubygems/api/v1/gems application/octet-stream gem",
        ]
    );
}

/// GitLab's example of `GET /projects/:id` for a member (docs: projects.md): `permissions`
/// holds numbers, which the description declares as strings (corrected by the overlay), and
/// `group_access` is `null` for a project outside a group.
#[tokio::test]
async fn a_project_is_read_with_its_numeric_permissions() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/projects/group%2Fbench"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": 3, "name": "Diaspora Project Site", "path_with_namespace": "diaspora/diaspora-project-site",
            "default_branch": "main", "visibility": "private",
            "namespace": {"id": 3, "name": "Diaspora", "path": "diaspora", "kind": "group",
                          "full_path": "diaspora", "parent_id": null, "avatar_url": null,
                          "web_url": "https://gitlab.example.com/diaspora"},
            "permissions": {"project_access": {"access_level": 10, "notification_level": 3},
                            "group_access": null}
        })))
        .mount(&server)
        .await;

    let project = client.get_project("group/bench").send().await.unwrap();
    assert_eq!(project.id, Some(3));
    let permissions = project.permissions.unwrap();
    let access = permissions.project_access.unwrap();
    assert_eq!(access.access_level, Some(10));
    assert_eq!(access.notification_level, Some(3));
    assert_eq!(permissions.group_access, None);
}

/// The defects of GitLab's Grape-written entities, read as GitLab sends them: plural fields
/// declared as one object are lists (`reviewers`, `assignees: []`), undocumented `type: string`
/// fields take their type from the spec's evidence (`id`) or hold any JSON value
/// (`user_notes_count`), a branch path parameter declared an integer on `GET` takes a name, and
/// a `204` declared with a body is read as no body.
#[tokio::test]
async fn grape_entity_defects_are_read_as_gitlab_sends_them() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/projects/group%2Fp/merge_requests/7"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": 1007, "iid": 7, "title": "Fix", "user_notes_count": 3,
            "reviewers": [{"id": 2, "username": "bob"}], "assignees": []
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/projects/group%2Fp/badges/5"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 5, "kind": "project"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(
            "/api/v4/projects/group%2Fp/repository/branches/feature%2Fx",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": "feature/x"})))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v4/projects/group%2Fp/variables/TOKEN"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;

    let mr = client
        .get_project_merge_request("group/p", 7)
        .send()
        .await
        .unwrap();
    let reviewers = mr.reviewers.unwrap();
    assert_eq!(reviewers.len(), 1);
    assert_eq!(reviewers[0].username.as_deref(), Some("bob"));
    assert_eq!(mr.assignees, Some(vec![]));
    assert_eq!(mr.user_notes_count, Some(3));
    assert_eq!(mr.id, Some(1007));

    let badge = client.get_project_badge("group/p", 5).send().await.unwrap();
    assert_eq!(badge.id, Some(5));

    let branch = client
        .get_project_branch("group/p", "feature/x")
        .send()
        .await
        .unwrap();
    assert_eq!(branch.name.as_deref(), Some("feature/x"));

    client
        .delete_project_variable("group/p", "TOKEN")
        .send()
        .await
        .unwrap();
}

/// GitLab sends keys its description does not declare. With `keep_unknown_fields` (GitLab's
/// `codegen.toml`), each struct read from responses keeps them, values as sent, in `extra`,
/// nested structs too; declared keys are not repeated there; and a type that requests also
/// send writes them back, so a value read and sent again loses nothing.
#[tokio::test]
async fn keys_the_spec_does_not_declare_are_kept_in_extra() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/projects/group%2Fp/merge_requests/7"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": 1007, "iid": 7, "merge_train_position": 2, "duo_summary": null,
            "reviewers": [{"id": 2, "username": "bob", "pronouns_verified": false}]
        })))
        .mount(&server)
        .await;

    let mr = client
        .get_project_merge_request("group/p", 7)
        .send()
        .await
        .unwrap();
    assert_eq!(mr.iid, Some(7));
    let expected = json!({"merge_train_position": 2, "duo_summary": null});
    assert_eq!(serde_json::Value::Object(mr.extra), expected);
    let reviewers = mr.reviewers.unwrap();
    assert_eq!(reviewers[0].username.as_deref(), Some("bob"));
    assert_eq!(
        reviewers[0].extra.get("pronouns_verified"),
        Some(&json!(false))
    );
    assert_eq!(reviewers[0].extra.len(), 1);

    // Both directions: read, then written back with the unknown key after the declared ones.
    let sent = json!({"name": "userWithId", "parameters": {"userIds": "1"}, "rollout": 50});
    let strategy: gitlab_api_client::types::FeatureFlagSpecStrategy =
        serde_json::from_value(sent.clone()).unwrap();
    assert_eq!(strategy.extra.get("rollout"), Some(&json!(50)));
    assert_eq!(serde_json::to_value(&strategy).unwrap(), sent);

    // Kept is not lenient: an object field that arrives as an array is still refused, named.
    Mock::given(method("GET"))
        .and(path("/api/v4/projects/group%2Fp/merge_requests/8"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"iid": 8, "author": [], "x": 1})),
        )
        .mount(&server)
        .await;
    let err = client
        .get_project_merge_request("group/p", 8)
        .send()
        .await
        .unwrap_err();
    let gitlab_api_client::Error::Decode { path, .. } = &err else {
        panic!("expected a decode error, got {err:?}")
    };
    assert_eq!(path, "author");
    assert!(err.to_string().contains("a JSON object"), "{err}");
}

/// A merge request's reviewers: declared as one object without `page` parameters, read (by
/// overlay actions citing GitLab's code) as a list that pages.
#[tokio::test]
async fn merge_request_reviewers_are_a_list_that_pages() {
    let (server, client) = setup().await;
    for (page, next, user) in [(None, "2", "ada"), (Some("2"), "", "bob")] {
        Mock::given(method("GET"))
            .and(path(
                "/api/v4/projects/group%2Fp/merge_requests/7/reviewers",
            ))
            .and(move |r: &Request| page_of(r).as_deref() == page)
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(
                        json!([{"user": {"id": 1, "username": user}, "state": "unreviewed"}]),
                    )
                    .insert_header("X-Per-Page", "1")
                    .insert_header("X-Next-Page", next),
            )
            .mount(&server)
            .await;
    }

    let reviewers = client
        .list_project_merge_request_reviewers("group/p", 7)
        .per_page(1)
        .all()
        .await
        .unwrap();

    let names: Vec<_> = reviewers
        .iter()
        .map(|r| r.user.as_ref().unwrap().username.clone().unwrap())
        .collect();
    assert_eq!(names, ["ada", "bob"]);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(pages_requested(&requests), [None, Some("2".into())]);
}

/// The futures operations return can be spawned on a multi-threaded runtime (`Send`), as
/// `async fn`s' would: `send`, the pagination methods and `.await` on the builder.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_futures_are_send() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let client = std::sync::Arc::new(client);
    let c = client.clone();
    let jobs = tokio::spawn(async move { c.list_project_jobs(7).send().await });
    let c = client.clone();
    let page = tokio::spawn(async move { c.list_project_jobs(7).send_page().await });
    let c = client.clone();
    let all = tokio::spawn(async move { c.list_project_jobs(7).all().await });
    let c = client.clone();
    let first = tokio::spawn(async move { c.list_project_jobs(7).first(3).await });
    let c = client.clone();
    let awaited = tokio::spawn(async move { c.list_project_jobs(7).await });
    assert!(jobs.await.unwrap().unwrap().is_empty());
    assert!(page.await.unwrap().unwrap().items.is_empty());
    assert!(all.await.unwrap().unwrap().is_empty());
    assert!(first.await.unwrap().unwrap().is_empty());
    assert!(awaited.await.unwrap().unwrap().is_empty());
}

/// The areas merged in from GitLab's documentation (`specs/gitlab-full/docs/`), on the wire:
/// an issue created with labels and a due date (issues.md, "New issue": a JSON body whose
/// smallest value names only the title), the project's open issues without a label
/// (`state=opened&not[labels]=…`), a note on the issue (notes.md), and the current user
/// (users.md, `GET /user`), each answered with the docs' own example and read back typed.
#[tokio::test]
async fn issues_notes_and_the_current_user_from_the_docs() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/projects/group%2Fp/issues"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": 84, "iid": 14, "project_id": 4, "title": "Issues with auth", "state": "opened",
            "labels": ["bug"], "due_date": "2026-12-31", "author": {"id": 1, "username": "root"}
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/projects/4/issues"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": 76, "iid": 6, "title": "Consequatur vero maxime", "state": "opened", "labels": []}
        ])))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v4/projects/4/issues/14/notes"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": 302, "body": "closed", "author": {"id": 1, "username": "pipin"},
            "created_at": "2013-10-02T09:22:45Z", "system": false, "noteable_type": "Issue"
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/user"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": 1, "username": "john_smith", "name": "John Smith", "state": "active",
            "created_at": "2012-05-23T08:00:58Z", "is_admin": false
        })))
        .mount(&server)
        .await;

    let body = gitlab_api_client::types::CreateProjectIssueBody {
        labels: Some("bug,auth".to_owned()),
        due_date: chrono::NaiveDate::from_ymd_opt(2026, 12, 31),
        ..gitlab_api_client::types::CreateProjectIssueBody::new("Issues with auth")
    };
    let issue = client.create_project_issue("group/p", body).await.unwrap();
    assert_eq!(issue.iid, Some(14));
    assert_eq!(issue.labels, Some(vec!["bug".to_owned()]));
    let open = client
        .list_project_issues(4)
        .state(gitlab_api_client::types::IssueState::Opened)
        .not_labels("wontfix")
        .send()
        .await
        .unwrap();
    assert_eq!(open[0].iid, Some(6));
    let note = client
        .create_project_issue_note(
            4,
            14,
            gitlab_api_client::types::CreateProjectIssueNoteBody::new("closed"),
        )
        .await
        .unwrap();
    assert_eq!(note.id, Some(302));
    let me = client.get_current_user().await.unwrap();
    assert_eq!(me.username.as_deref(), Some("john_smith"));

    let requests = server.received_requests().await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(
        body,
        json!({"title": "Issues with auth", "labels": "bug,auth", "due_date": "2026-12-31"})
    );
    assert_eq!(
        requests[1].url.query(),
        Some("state=opened&not%5Blabels%5D=wontfix")
    );
    let note: serde_json::Value = serde_json::from_slice(&requests[2].body).unwrap();
    assert_eq!(note, json!({"body": "closed"}));
    assert_eq!(requests[3].url.path(), "/api/v4/user");
}

/// A repository archive in a format (repositories.md, "Get file archive": the format is the
/// path's suffix, `archive.zip`), from `specs/gitlab-full/docs/misc.yaml`.
#[tokio::test]
async fn an_archive_format_is_the_path_suffix() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"PK".to_vec()))
        .mount(&server)
        .await;
    let zip = client
        .get_project_archive_in_format("group/p", "zip")
        .sha("v1.0")
        .await
        .unwrap();
    assert_eq!(zip, b"PK");
    let req = server.received_requests().await.unwrap().pop().unwrap();
    assert_eq!(
        req.url.path(),
        "/api/v4/projects/group%2Fp/repository/archive.zip"
    );
    assert_eq!(req.url.query(), Some("sha=v1.0"));
}
