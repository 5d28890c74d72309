//! End to end against Prism, the mock server that validates every request against the spec.
//!
//! Prism serves `gitlab-handwritten-client/openapi.json` — the effective spec the generator writes beside
//! the client (bundled, overlay applied, quirks fixed) — with `--errors`, so any request that
//! violates the spec, and any response Prism cannot produce according to it, is an error. Each
//! of the 13 operations is called through the generated client and its response deserialized.
//!
//! Prism is installed by `npm ci` (see `package.json`; `.ci/run` does it) and started here on a
//! free port of 127.0.0.1.

use gitlab_handwritten_client::types::{AccessTokenScope, GroupAccessLevel, ProjectAccessLevel};
use gitlab_handwritten_client::{Client, Error};
use support::{Prism, workspace};

mod support;

fn client(prism: &Prism) -> Client {
    // The spec's server is `https://gitlab.com/api/` and its paths start with `/v4`; Prism
    // serves the paths at its root.
    Client::new(&prism.base_url())
        .unwrap()
        .with_private_token("glpat-test")
}

/// Fails with Prism's log when a call did not succeed.
fn ok<T>(prism: &Prism, what: &str, result: Result<T, Error>) -> T {
    result.unwrap_or_else(|e| panic!("{what}: {e}\n{e:?}\nPrism log:\n{}", prism.log_text()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_passes_prism_validation() {
    let prism = Prism::start(&workspace().join("gitlab-handwritten-client/openapi.json"));
    let c = client(&prism);

    let meta = ok(&prism, "get_metadata", c.get_metadata().await);
    assert_eq!(meta.version.as_deref(), Some("15.0-pre"));
    assert_eq!(
        meta.kas.and_then(|k| k.external_url).as_deref(),
        Some("grpc://gitlab.example.com:8150")
    );

    let version = ok(&prism, "get_version", c.get_version().await);
    assert_eq!(version.revision.as_deref(), Some("f2b05afebb0"));

    // Projects, by numeric id and by path.
    let list = ok(
        &prism,
        "access_requests_projects_get",
        c.access_requests_projects_get(42).await,
    );
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].username.as_deref(), Some("raymond_smith"));
    assert!(list[0].created_at.is_some());
    let list = ok(
        &prism,
        "access_requests_projects_get (path)",
        c.access_requests_projects_get("group/project").await,
    );
    assert_eq!(list[1].username.as_deref(), Some("john_doe"));
    let created = ok(
        &prism,
        "access_requests_projects_post",
        c.access_requests_projects_post("group/project").await,
    );
    assert_eq!(created.id, Some(1));
    let approved = ok(
        &prism,
        "access_requests_projects_approve_put",
        c.access_requests_projects_approve_put(42, 7)
            .access_level(ProjectAccessLevel::Developer)
            .await,
    );
    assert_eq!(approved.access_level, Some(20));
    ok(
        &prism,
        "access_request_projects_deny_delete",
        c.access_request_projects_deny_delete(42, 7).await,
    );

    // Groups.
    let list = ok(
        &prism,
        "access_requests_groups_get",
        c.access_requests_groups_get("group/sub group").await,
    );
    assert_eq!(list.len(), 2);
    let created = ok(
        &prism,
        "access_requests_groups_post",
        c.access_requests_groups_post(5).await,
    );
    assert_eq!(created.username.as_deref(), Some("raymond_smith"));
    let approved = ok(
        &prism,
        "access_requests_groups_approve_put",
        c.access_requests_groups_approve_put(5, 7)
            .access_level(GroupAccessLevel::Owner)
            .await,
    );
    assert_eq!(approved.id, Some(1));
    ok(
        &prism,
        "access_requests_groups_deny_delete",
        c.access_requests_groups_deny_delete(5, 7).await,
    );

    // Access tokens.
    let tokens = ok(&prism, "access_tokens_get", c.access_tokens_get(42).await);
    assert_eq!(
        tokens[0].scopes.as_deref(),
        Some(&[AccessTokenScope::Api][..])
    );
    assert!(tokens[0].expires_at.is_some());
    ok(
        &prism,
        "access_tokens_delete",
        c.access_tokens_delete(42, 58).await,
    );

    // `POST …/access_tokens` sends `scopes[]=api&scopes[]=read_api`, as GitLab reads it, and the
    // effective spec declares exactly that parameter (`scopes[]`, form, exploded). Prism cannot
    // match a query parameter whose name has brackets (stoplightio/prism#2443, open), so it
    // reports that one parameter missing. Everything else about the request must be valid: the
    // only violation allowed is that one. When Prism is fixed this assertion fails; then call
    // `ok(…)` here like above.
    let err = c
        .access_tokens_post(
            42,
            "ci",
            vec![AccessTokenScope::Api, AccessTokenScope::ReadApi],
        )
        .expires_at(chrono::NaiveDate::from_ymd_opt(2030, 1, 31).unwrap())
        .await
        .expect_err("Prism has learnt bracketed query parameter names: use `ok(…)` for this call");
    let Error::Api(api) = &err else {
        panic!("unexpected error: {err:?}")
    };
    assert_eq!(api.status.as_u16(), 422, "{}", api.raw);
    let body: serde_json::Value = serde_json::from_str(&api.raw).unwrap();
    let violations = body["validation"].as_array().unwrap();
    assert_eq!(
        violations.len(),
        1,
        "only the bracketed name may be flagged: {violations:#?}"
    );
    assert_eq!(violations[0]["code"], "required");
    assert_eq!(
        violations[0]["message"],
        "Request query must have required property 'scopes%5b%5d'"
    );
}
