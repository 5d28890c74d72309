//! Wire tests: the generated GitLab client against an in-process HTTP server (wiremock) that
//! answers the way GitLab does (bodies from GitLab's API documentation: arrays for lists,
//! `username`, date-time `created_at`, date `expires_at`). Each test asserts the exact request
//! that went out — path encoding, query string, headers — and what the client made of the answer.

use chrono::{NaiveDate, TimeZone, Utc};
use gitlab_handwritten_client::prelude::*;
use gitlab_handwritten_client::types::{AccessTokenScope, GroupAccessLevel, ProjectAccessLevel};
use gitlab_handwritten_client::{Client, Error, ErrorMessage};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

async fn server() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::new(&format!("{}/api/", server.uri()))
        .unwrap()
        .with_private_token("glpat-secret-token");
    (server, client)
}

/// The one request the server received.
async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

fn access_request_list() -> serde_json::Value {
    json!([
        {"id": 1, "username": "raymond_smith", "name": "Raymond Smith", "state": "active",
         "created_at": "2012-10-22T14:13:35Z", "requested_at": "2012-10-22T14:13:35Z"},
        {"id": 2, "username": "john_doe", "name": "John Doe", "state": "active",
         "created_at": "2012-10-22T14:13:35Z", "requested_at": "2012-10-22T14:13:35Z"}
    ])
}

#[tokio::test]
async fn project_path_travels_as_one_encoded_segment() {
    let (server, client) = server().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(access_request_list()))
        .mount(&server)
        .await;

    let list = client
        .access_requests_projects_get("group/project")
        .await
        .unwrap();

    let req = only_request(&server).await;
    assert_eq!(
        req.url.path(),
        "/api/v4/projects/group%2Fproject/access_requests"
    );
    assert_eq!(req.url.query(), None);
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].username.as_deref(), Some("raymond_smith"));
    assert_eq!(list[1].id, Some(2));
    assert_eq!(
        list[0].created_at,
        Some(Utc.with_ymd_and_hms(2012, 10, 22, 14, 13, 35).unwrap())
    );
}

#[tokio::test]
async fn a_date_only_value_in_a_date_time_field_is_midnight_utc_and_other_text_an_error() {
    let (server, client) = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/projects/1/access_requests"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": 1, "created_at": "2021-01-31", "requested_at": "2012-10-22 14:13:35 +02:00"},
            {"id": 2, "created_at": null}
        ])))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/projects/2/access_requests"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([{"id": 3, "created_at": "31 January 2021"}])),
        )
        .mount(&server)
        .await;

    let list = client.access_requests_projects_get(1).await.unwrap();
    assert_eq!(
        list[0].created_at,
        Some(Utc.with_ymd_and_hms(2021, 1, 31, 0, 0, 0).unwrap())
    );
    assert_eq!(
        list[0].requested_at,
        Some(Utc.with_ymd_and_hms(2012, 10, 22, 12, 13, 35).unwrap())
    );
    assert_eq!(list[1].created_at, None);

    let err = client.access_requests_projects_get(2).await.unwrap_err();
    let Error::Decode { path, .. } = &err else {
        panic!("expected a decode error, got {err:?}")
    };
    assert_eq!(path, "[0].created_at");
    assert!(
        err.to_string()
            .contains("expected a date-time (RFC 3339) or a date (YYYY-MM-DD)"),
        "{err}"
    );
}

#[tokio::test]
async fn nested_group_path_with_a_space_is_percent_encoded() {
    let (server, client) = server().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;

    let list = client
        .access_requests_groups_get("group/sub group/project")
        .send()
        .await
        .unwrap();

    assert!(list.is_empty());
    let req = only_request(&server).await;
    assert_eq!(
        req.url.path(),
        "/api/v4/groups/group%2Fsub%20group%2Fproject/access_requests"
    );
}

#[tokio::test]
async fn numeric_id_and_private_token_header() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/projects/42/access_requests"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": 1, "username": "raymond_smith", "name": "Raymond Smith", "state": "active",
            "created_at": "2012-10-22T14:13:35Z", "requested_at": "2012-10-22T14:13:35Z"
        })))
        .mount(&server)
        .await;

    let created = client.access_requests_projects_post(42).await.unwrap();

    assert_eq!(created.username.as_deref(), Some("raymond_smith"));
    let req = only_request(&server).await;
    assert_eq!(
        req.headers.get("private-token").unwrap(),
        "glpat-secret-token"
    );
    assert!(req.headers.get("authorization").is_none());
    assert!(req.body.is_empty());
}

#[tokio::test]
async fn bearer_token_is_sent_as_authorization() {
    let server = MockServer::start().await;
    let client = Client::new(&format!("{}/api/", server.uri()))
        .unwrap()
        .with_bearer_token("oauth-access-token");
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "version": "13.3.0-pre", "revision": "f2b05afebb0"
        })))
        .mount(&server)
        .await;

    let version = client.get_version().await.unwrap();

    assert_eq!(version.version.as_deref(), Some("13.3.0-pre"));
    let req = only_request(&server).await;
    assert_eq!(req.url.path(), "/api/v4/version");
    assert_eq!(
        req.headers.get("authorization").unwrap(),
        "Bearer oauth-access-token"
    );
    assert!(req.headers.get("private-token").is_none());
}

#[tokio::test]
async fn access_level_goes_in_the_query_as_an_integer() {
    let (server, client) = server().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": 1, "username": "raymond_smith", "name": "Raymond Smith", "state": "active",
            "created_at": "2012-10-22T14:13:35Z", "access_level": 40
        })))
        .mount(&server)
        .await;

    let approved = client
        .access_requests_projects_approve_put("my-group/my-project", 7)
        .access_level(ProjectAccessLevel::Maintainer)
        .await
        .unwrap();

    assert_eq!(approved.access_level, Some(40));
    let req = only_request(&server).await;
    assert_eq!(
        req.url.path(),
        "/api/v4/projects/my-group%2Fmy-project/access_requests/7/approve"
    );
    assert_eq!(req.url.query(), Some("access_level=40"));
}

#[tokio::test]
async fn optional_parameters_left_unset_are_not_sent() {
    let (server, client) = server().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 1})))
        .mount(&server)
        .await;

    client
        .access_requests_groups_approve_put(5, 7)
        .await
        .unwrap();

    let req = only_request(&server).await;
    assert_eq!(req.url.path(), "/api/v4/groups/5/access_requests/7/approve");
    assert_eq!(req.url.query(), None);
}

#[test]
fn unknown_integer_enum_values_are_kept() {
    assert_eq!(GroupAccessLevel::from(50), GroupAccessLevel::Owner);
    assert_eq!(GroupAccessLevel::from(15), GroupAccessLevel::Other(15));
    assert_eq!(
        serde_json::to_string(&GroupAccessLevel::Other(15)).unwrap(),
        "15"
    );
    assert_eq!(
        serde_json::from_str::<ProjectAccessLevel>("60").unwrap(),
        ProjectAccessLevel::Other(60)
    );
}

#[tokio::test]
async fn scopes_are_sent_as_rails_array_parameters() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "user_id": 166, "scopes": ["api", "read_repository"], "name": "test",
            "expires_at": "2022-01-31", "id": 58, "active": true,
            "created_at": "2021-01-20T14:13:35Z", "revoked": false, "token": "D4y...Wzr"
        })))
        .mount(&server)
        .await;

    let token = client
        .access_tokens_post(
            "group/project",
            "test",
            vec![AccessTokenScope::Api, AccessTokenScope::ReadApi],
        )
        .expires_at(NaiveDate::from_ymd_opt(2022, 1, 31).unwrap())
        .await
        .unwrap();

    let req = only_request(&server).await;
    assert_eq!(
        req.url.path(),
        "/api/v4/projects/group%2Fproject/access_tokens"
    );
    assert_eq!(
        req.url.query(),
        Some("name=test&scopes%5B%5D=api&scopes%5B%5D=read_api&expires_at=2022-01-31")
    );
    let pairs: Vec<(String, String)> = req
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("name", "test"),
            ("scopes[]", "api"),
            ("scopes[]", "read_api"),
            ("expires_at", "2022-01-31")
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
    assert_eq!(token.token.as_deref(), Some("D4y...Wzr"));
    assert_eq!(
        token.scopes,
        Some(vec![
            AccessTokenScope::Api,
            AccessTokenScope::ReadRepository
        ])
    );
    assert_eq!(token.expires_at, NaiveDate::from_ymd_opt(2022, 1, 31));
    assert_eq!(
        token.created_at,
        Some(Utc.with_ymd_and_hms(2021, 1, 20, 14, 13, 35).unwrap())
    );
}

#[tokio::test]
async fn token_list_reads_dates_date_times_and_unknown_scopes() {
    let (server, client) = server().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(json!([
        {"user_id": 141, "scopes": ["api", "k8s_proxy"], "name": "token", "expires_at": "2022-01-31",
         "id": 42, "active": true, "created_at": "2021-01-20T14:13:35.123Z", "revoked": false},
        {"user_id": 142, "scopes": ["read_api"], "name": "forever", "expires_at": null,
         "id": 43, "active": true, "created_at": "2021-01-20T15:13:35+01:00", "revoked": false}
    ]))).mount(&server).await;

    let tokens = client.access_tokens_get(9).await.unwrap();

    assert_eq!(
        only_request(&server).await.url.path(),
        "/api/v4/projects/9/access_tokens"
    );
    assert_eq!(tokens.len(), 2);
    assert_eq!(
        tokens[0].scopes,
        Some(vec![
            AccessTokenScope::Api,
            AccessTokenScope::Other("k8s_proxy".into())
        ])
    );
    assert_eq!(tokens[0].expires_at, NaiveDate::from_ymd_opt(2022, 1, 31));
    assert_eq!(tokens[1].expires_at, None);
    assert_eq!(
        tokens[1].created_at,
        Some(Utc.with_ymd_and_hms(2021, 1, 20, 14, 13, 35).unwrap())
    );
}

#[tokio::test]
async fn ok_with_an_empty_body_is_unit() {
    let (server, client) = server().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;

    client
        .access_request_projects_deny_delete("group/project", 3)
        .await
        .unwrap();

    let req = only_request(&server).await;
    assert_eq!(
        req.url.path(),
        "/api/v4/projects/group%2Fproject/access_requests/3"
    );
}

#[tokio::test]
async fn no_content_is_unit() {
    let (server, client) = server().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;

    client.access_tokens_delete(1, 58).await.unwrap();

    assert_eq!(
        only_request(&server).await.url.path(),
        "/api/v4/projects/1/access_tokens/58"
    );
}

async fn failing(status: u16, body: Option<&str>) -> Error {
    let (server, client) = server().await;
    // 500 and 502 are retried; millisecond backoffs keep these tests fast.
    let client = client.with_retry_policy(gitlab_handwritten_client::runtime::RetryPolicy {
        max_retries: 3,
        initial_backoff: std::time::Duration::from_millis(1),
        max_backoff: std::time::Duration::from_millis(4),
    });
    let mut response = ResponseTemplate::new(status);
    if let Some(b) = body {
        response = response.set_body_raw(b.as_bytes().to_vec(), "application/json");
    }
    Mock::given(method("GET"))
        .respond_with(response)
        .mount(&server)
        .await;
    client.get_metadata().await.unwrap_err()
}

#[tokio::test]
async fn unauthorized_carries_gitlabs_message() {
    let err = failing(401, Some(r#"{"message":"401 Unauthorized"}"#)).await;
    let Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!(api.status.as_u16(), 401);
    assert_eq!(
        api.body.as_ref().unwrap().message,
        Some(ErrorMessage::Text("401 Unauthorized".into()))
    );
    assert_eq!(
        err.to_string(),
        "the server answered 401 Unauthorized: 401 Unauthorized"
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
}

#[tokio::test]
async fn not_found_and_validation_errors_are_typed() {
    let err = failing(404, Some(r#"{"message":"404 Project Not Found"}"#)).await;
    assert_eq!(
        err.to_string(),
        "the server answered 404 Not Found: 404 Project Not Found"
    );

    let err = failing(
        400,
        Some(r#"{"message":{"name":["has already been taken"],"scopes":["can't be blank"]}}"#),
    )
    .await;
    let Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}")
    };
    let Some(ErrorMessage::Fields(fields)) = &api.body.as_ref().unwrap().message else {
        panic!("{api:?}")
    };
    assert_eq!(fields["name"], ["has already been taken"]);
    assert_eq!(
        api.message().unwrap(),
        "name has already been taken; scopes can't be blank"
    );

    let err = failing(403, Some(r#"{"error":"insufficient_scope","error_description":"The request requires higher privileges."}"#)).await;
    assert_eq!(
        err.to_string(),
        "the server answered 403 Forbidden: insufficient_scope; The request requires higher privileges."
    );
}

#[tokio::test]
async fn error_without_a_json_body_is_still_useful() {
    let err = failing(502, None).await;
    let Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!(api.body, None);
    assert_eq!(api.raw, "");
    assert_eq!(
        err.to_string(),
        "the server answered 502 Bad Gateway with an empty body"
    );

    let err = failing(
        500,
        Some("<html><body>We're sorry, but something went wrong.</body></html>"),
    )
    .await;
    let Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!(api.body, None);
    assert!(api.raw.contains("something went wrong"));
    assert!(
        err.to_string()
            .starts_with("the server answered 500 Internal Server Error: <html>")
    );
}

#[tokio::test]
async fn a_body_that_does_not_match_the_spec_is_a_decode_error() {
    let (server, client) = server().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("not json"))
        .mount(&server)
        .await;

    let err = client.get_metadata().await.unwrap_err();

    let Error::Decode {
        status, body, path, ..
    } = &err
    else {
        panic!("expected a decode error, got {err:?}")
    };
    assert_eq!(*status, 200);
    assert_eq!(body, "not json");
    assert_eq!(path, "", "a body that is not JSON has no path");
}

#[tokio::test]
async fn a_decode_error_names_the_field_and_what_was_found() {
    let (server, client) = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/metadata"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "version": "15.0-pre", "revision": "c401a659d0c",
            "kas": {"enabled": "yes", "externalUrl": null, "version": null},
            "enterprise": true
        })))
        .mount(&server)
        .await;

    let err = client.get_metadata().await.unwrap_err();

    let Error::Decode { status, path, .. } = &err else {
        panic!("expected a decode error, got {err:?}")
    };
    assert_eq!(*status, 200);
    assert_eq!(path, "kas.enabled");
    let message = err.to_string();
    assert!(
        message.contains("at `kas.enabled`: invalid type: string \"yes\", expected a boolean"),
        "{message}"
    );
}

#[tokio::test]
async fn metadata_nested_object_and_nullable_fields() {
    let (server, client) = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/metadata"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "version": "15.0-pre", "revision": "c401a659d0c",
            "kas": {"enabled": false, "externalUrl": null, "version": null},
            "enterprise": true
        })))
        .mount(&server)
        .await;

    let meta = client.get_metadata().await.unwrap();

    assert_eq!(meta.version.as_deref(), Some("15.0-pre"));
    let kas = meta.kas.unwrap();
    assert_eq!(kas.enabled, Some(false));
    assert_eq!(kas.external_url, None);
}

#[tokio::test]
async fn path_values_cannot_leave_their_segment() {
    let (server, client) = server().await;
    for bad in ["..", ".", ""] {
        let err = client.access_requests_projects_get(bad).await.unwrap_err();
        assert!(
            matches!(err, Error::InvalidPathSegment(_)),
            "{bad:?} gave {err:?}"
        );
    }
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "no request may be sent"
    );
}

#[test]
fn tokens_never_appear_in_debug_output() {
    let client = Client::new("https://gitlab.example.com/api/")
        .unwrap()
        .with_private_token("glpat-secret-token");
    let debug = format!("{client:?}");
    assert!(!debug.contains("glpat-secret-token"), "{debug}");
    assert!(debug.contains("Private-Token: <redacted>"), "{debug}");
}

#[test]
fn base_url_must_be_http() {
    let err = Client::new("ftp://example.com/").unwrap_err();
    assert!(matches!(err, Error::InvalidBaseUrl { .. }), "{err:?}");
    assert!(Client::new("not a url").is_err());
}
