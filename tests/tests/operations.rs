//! The operation shape of the generated clients (issue 11): every builder is a newtype of the
//! runtime's `Call`, and every way of sending it is the runtime's `Operation`/`Paginated`,
//! written once. Asserted on the wire (wiremock) with the full GitLab client: `.await`,
//! `send_with_response` (status and headers), `send_raw` (bytes, any JSON), setters called
//! twice, errors met while building, and how generated structs read JSON (an object only).

use gitlab_api_client::prelude::*;
use gitlab_api_client::types::{ApiEntitiesProjectWithAccess, ApiEntitiesUserBasic};
use gitlab_api_client::{Client, Error, RawResponse, Response, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::new(&server.uri())
        .unwrap()
        .with_private_token("glpat-secret")
        .with_retry_policy(RetryPolicy::none());
    (server, client)
}

async fn mount_project(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/api/v4/projects/7"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": 7, "name": "seven", "unknown_key": [1, 2]}))
                .insert_header("ETag", "W/\"abc\"")
                .insert_header("RateLimit-Remaining", "599"),
        )
        .mount(server)
        .await;
}

#[tokio::test]
async fn await_send_and_send_with_response_read_the_same_body() {
    let (server, client) = setup().await;
    mount_project(&server).await;
    let awaited: ApiEntitiesProjectWithAccess = client.get_project(7).await.unwrap();
    assert_eq!(
        (awaited.id, awaited.name.as_deref()),
        (Some(7), Some("seven"))
    );
    let sent = client.get_project(7).send().await.unwrap();
    assert_eq!(sent, awaited);
    let answer: Response<ApiEntitiesProjectWithAccess> =
        client.get_project(7).send_with_response().await.unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.headers["etag"], "W/\"abc\"");
    assert_eq!(answer.headers["ratelimit-remaining"], "599");
    assert_eq!(answer.body, awaited);
}

#[tokio::test]
async fn send_raw_gives_the_bytes_and_any_json() {
    let (server, client) = setup().await;
    mount_project(&server).await;
    let raw: RawResponse = client.get_project(7).send_raw().await.unwrap();
    assert_eq!(raw.status, 200);
    assert_eq!(raw.url.path(), "/api/v4/projects/7");
    let value: serde_json::Value = raw.json().unwrap();
    // What the typed model has no field for is still there.
    assert_eq!(value["unknown_key"], json!([1, 2]));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&raw.body).unwrap(),
        value
    );
}

#[tokio::test]
async fn a_setter_called_twice_sends_the_last_value_once() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/projects"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    client
        .list_projects()
        .search("first")
        .per_page(5)
        .search("second")
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.query(), Some("per_page=5&search=second"));
}

#[tokio::test]
async fn an_error_met_while_building_comes_out_of_send_even_after_a_clone() {
    let (server, client) = setup().await;
    let builder = client.get_project("..");
    let copy = builder.clone();
    for result in [builder.await, copy.send().await] {
        match result {
            Err(Error::InvalidPathSegment(segment)) => assert_eq!(segment, ".."),
            other => panic!("expected InvalidPathSegment, got {other:?}"),
        }
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn a_struct_reads_an_object_only() {
    let user: ApiEntitiesUserBasic =
        serde_json::from_value(json!({"id": 1, "username": "ada", "extra": {"x": 1}})).unwrap();
    assert_eq!((user.id, user.username.as_deref()), (Some(1), Some("ada")));
    // serde's derive read an array as the fields in order (`[]` became a user with every field
    // `None`); any array is an error now, which names what was expected.
    for array in [json!([1, "ada"]), json!([])] {
        let err = serde_json::from_value::<ApiEntitiesUserBasic>(array).unwrap_err();
        assert!(
            err.to_string()
                .contains("a JSON object (ApiEntitiesUserBasic)"),
            "{err}"
        );
    }
    for other in [json!("ada"), json!(1), json!(true)] {
        assert!(serde_json::from_value::<ApiEntitiesUserBasic>(other).is_err());
    }
    // A wrong type in a field is an error, as before.
    assert!(serde_json::from_value::<ApiEntitiesUserBasic>(json!({"id": "one"})).is_err());
}
