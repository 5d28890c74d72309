//! Wire tests of the runtime's retries and pagination: the generated client (and its
//! `runtime` module) against in-process HTTP servers (wiremock) on loopback. Each test asserts
//! what went over the wire — how many requests, which query — and what the caller got.
//!
//! Retry policies here have millisecond backoffs so the tests stay fast; the one test that
//! waits is the one that checks a `Retry-After: 1` is honoured.

use futures_util::StreamExt as _;
use gitlab_handwritten_client::prelude::*;
use gitlab_handwritten_client::runtime::{
    Page, Request, RetryPolicy, block_on, collect_all, collect_first, page, paginate,
};
use gitlab_handwritten_client::{Client, Error};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn server() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::new(&format!("{}/api/", server.uri()))
        .unwrap()
        .with_private_token("glpat-secret-token");
    (server, client)
}

/// `max_retries` retries with backoffs of a few milliseconds.
fn fast(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(4),
    }
}

async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap()
}

fn metadata() -> serde_json::Value {
    json!({"version": "17.0.0", "revision": "c401a659d0c"})
}

fn status_of(err: &Error) -> u16 {
    err.status()
        .unwrap_or_else(|| panic!("no status in {err:?}"))
        .as_u16()
}

// ---- retries ----

#[tokio::test]
async fn get_is_retried_on_503_after_the_retry_after_seconds() {
    let (server, client) = server().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(metadata()))
        .mount(&server)
        .await;

    let start = Instant::now();
    let meta = client.get_metadata().await.unwrap();
    let elapsed = start.elapsed();

    assert_eq!(meta.version.as_deref(), Some("17.0.0"));
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.url.path() == "/api/v4/metadata"));
    assert!(
        requests
            .iter()
            .all(|r| r.headers.get("private-token").unwrap() == "glpat-secret-token")
    );
    // Behaviour, not speed: the default backoff (at most 500 ms) would have been shorter.
    assert!(
        elapsed >= Duration::from_millis(990),
        "retried after {elapsed:?}"
    );
}

#[tokio::test]
async fn post_is_never_retried() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "0"))
        .mount(&server)
        .await;

    let err = client.access_requests_projects_post(42).await.unwrap_err();

    assert_eq!(status_of(&err), 503);
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn rate_limited_get_waits_for_ratelimit_reset() {
    let (server, client) = server().await;
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    // A reset time already reached: retried at once, though the backoff would be up to 60 s.
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("RateLimit-Reset", now.to_string()))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(metadata()))
        .mount(&server)
        .await;
    let client = client.with_retry_policy(RetryPolicy {
        max_retries: 1,
        initial_backoff: Duration::from_secs(60),
        max_backoff: Duration::from_secs(60),
    });

    let start = Instant::now();
    client.get_metadata().await.unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(received(&server).await.len(), 2);

    // A reset time an hour away: the wait is max_backoff exactly (no jitter), not a backoff.
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429).insert_header("RateLimit-Reset", (now + 3600).to_string()),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(metadata()))
        .mount(&server)
        .await;
    let client = client.with_retry_policy(RetryPolicy {
        max_retries: 1,
        initial_backoff: Duration::from_millis(200),
        max_backoff: Duration::from_millis(200),
    });

    let start = Instant::now();
    client.get_metadata().await.unwrap();
    assert!(
        start.elapsed() >= Duration::from_millis(200),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn exhausted_retries_return_the_last_error() {
    let (server, client) = server().await;
    let attempts = AtomicUsize::new(0);
    Mock::given(method("GET"))
        .respond_with(move |_: &wiremock::Request| {
            let n = attempts.fetch_add(1, Ordering::SeqCst) + 1;
            ResponseTemplate::new(if n < 3 { 500 } else { 503 })
                .set_body_json(json!({"message": format!("attempt {n}")}))
        })
        .mount(&server)
        .await;
    let client = client.with_retry_policy(fast(2));

    let err = client.get_metadata().await.unwrap_err();

    assert_eq!(received(&server).await.len(), 3);
    let Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!(api.status.as_u16(), 503);
    assert_eq!(api.message().as_deref(), Some("attempt 3"));
}

#[tokio::test]
async fn retry_policy_none_sends_once() {
    let (server, client) = server().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = client.with_retry_policy(RetryPolicy::none());
    assert_eq!(client.retry_policy(), RetryPolicy::none());

    let err = client.get_metadata().await.unwrap_err();

    assert_eq!(status_of(&err), 503);
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn delete_is_retried_with_backoff_when_no_header_says_when() {
    let (server, client) = server().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(504))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = client.with_retry_policy(fast(3));

    client
        .access_request_projects_deny_delete("group/project", 3)
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    assert!(
        requests
            .iter()
            .all(|r| r.url.path() == "/api/v4/projects/group%2Fproject/access_requests/3")
    );
}

#[tokio::test]
async fn a_404_is_not_retried() {
    let (server, client) = server().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;

    let err = client.with_retry_policy(fast(3)).get_metadata().await;

    assert_eq!(status_of(&err.unwrap_err()), 404);
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn timeouts_are_retried_for_get_only() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v4/metadata"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(metadata())
                .set_delay(Duration::from_secs(2)),
        )
        .mount(&server)
        .await;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let client = Client::with_http_client(&format!("{}/api/", server.uri()), http)
        .unwrap()
        .with_retry_policy(fast(2));

    let err = client.get_metadata().await.unwrap_err();
    let Error::Transport(e) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert!(e.is_timeout(), "{e:?}");
    assert_eq!(received(&server).await.len(), 3);

    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let err = client.access_requests_projects_post(42).await.unwrap_err();
    assert!(
        matches!(&err, Error::Transport(e) if e.is_timeout()),
        "{err:?}"
    );
    assert_eq!(received(&server).await.len(), 1);
}

// ---- pagination ----

fn get(client: &Client, segments: &[&str]) -> Request {
    let segments: Vec<String> = segments.iter().map(|s| s.to_string()).collect();
    Request::new(client, reqwest::Method::GET, &segments).unwrap()
}

fn query(request: &wiremock::Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// GitLab's offset pagination over the items 1..=7, 3 per page (no `Link`, so that the
/// page numbers are what drives it).
fn offset_pages(request: &wiremock::Request) -> ResponseTemplate {
    let page: u64 = query(request, "page").map_or(1, |p| p.parse().unwrap());
    let items: Vec<u64> = ((page - 1) * 3 + 1..=(page * 3).min(7)).collect();
    let next = if page < 3 {
        (page + 1).to_string()
    } else {
        String::new()
    };
    ResponseTemplate::new(200)
        .set_body_json(items)
        .insert_header("X-Page", page.to_string())
        .insert_header("X-Per-Page", "3")
        .insert_header("X-Total", "7")
        .insert_header("X-Total-Pages", "3")
        .insert_header("X-Next-Page", next)
}

fn queries(requests: &[wiremock::Request]) -> Vec<String> {
    requests
        .iter()
        .map(|r| r.url.query().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn offset_pagination_over_three_pages() {
    let (server, client) = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/projects"))
        .respond_with(offset_pages)
        .mount(&server)
        .await;
    let mut request = get(&client, &["v4", "projects"]);
    request.query("per_page", &3u64);
    request.query("order_by", "id");

    let all: Vec<u64> = collect_all(paginate(&client, request.clone()))
        .await
        .unwrap();

    assert_eq!(all, [1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(
        queries(&received(&server).await),
        [
            "per_page=3&order_by=id",
            "per_page=3&order_by=id&page=2",
            "per_page=3&order_by=id&page=3",
        ]
    );

    // The headers of one page, read by hand.
    let first: Page<u64> = page(client.send(request.clone()).await.unwrap())
        .await
        .unwrap();
    assert_eq!(
        first,
        Page {
            items: vec![1, 2, 3],
            page: Some(1),
            per_page: Some(3),
            total: Some(7),
            total_pages: Some(3),
            next_page: Some(2),
            next_url: None,
        }
    );
    request.set_query("page", &3u64);
    let last: Page<u64> = page(client.send(request).await.unwrap()).await.unwrap();
    assert_eq!(last.items, [7]);
    assert_eq!((last.page, last.next_page), (Some(3), None));
    assert_eq!((last.total, last.total_pages), (Some(7), Some(3)));
}

#[tokio::test]
async fn keyset_pagination_follows_link_rel_next() {
    let server = MockServer::start().await;
    // GitLab repeats the whole query in its links, a query credential included.
    let client = Client::new(&format!("{}/api/", server.uri()))
        .unwrap()
        .with_query_credential("private_token", "glpat-query-token");
    let base = format!("{}/api/v4/projects", server.uri());
    Mock::given(method("GET"))
        .and(path("/api/v4/projects"))
        .respond_with(move |request: &wiremock::Request| {
            let after: u64 = query(request, "id_after").map_or(0, |a| a.parse().unwrap());
            let items: Vec<u64> = (after + 1..=(after + 2).min(5)).collect();
            let first = format!(
                "<{base}?order_by=id&pagination=keyset&per_page=2&private_token=glpat-query-token&sort=asc>; rel=\"first\""
            );
            let mut response = ResponseTemplate::new(200).set_body_json(&items);
            if after + 2 < 5 {
                let next = format!(
                    "<{base}?id_after={}&order_by=id&pagination=keyset&per_page=2&private_token=glpat-query-token&sort=asc>; rel=\"next\"",
                    after + 2
                );
                response = response.insert_header("Link", format!("{first}, {next}"));
            } else {
                response = response.insert_header("Link", first);
            }
            response
        })
        .mount(&server)
        .await;
    let mut request = get(&client, &["v4", "projects"]);
    request.query("pagination", "keyset");
    request.query("per_page", &2u64);
    request.query("order_by", "id");
    request.query("sort", "asc");

    let all: Vec<u64> = collect_all(paginate(&client, request)).await.unwrap();

    assert_eq!(all, [1, 2, 3, 4, 5]);
    assert_eq!(
        queries(&received(&server).await),
        [
            "pagination=keyset&per_page=2&order_by=id&sort=asc&private_token=glpat-query-token",
            "id_after=2&order_by=id&pagination=keyset&per_page=2&sort=asc&private_token=glpat-query-token",
            "id_after=4&order_by=id&pagination=keyset&per_page=2&sort=asc&private_token=glpat-query-token",
        ]
    );
}

#[tokio::test]
async fn a_next_link_to_another_origin_is_refused() {
    let (server, client) = server().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([1])))
        .mount(&elsewhere)
        .await;
    // Same host, other port; then another host name for the same server.
    for other in [
        elsewhere.uri(),
        server.uri().replace("127.0.0.1", "localhost"),
        server.uri().replace("http://", "https://"),
    ] {
        server.reset().await;
        let link = format!("<{other}/api/v4/projects?page=2&private_token=leak>; rel=\"next\"");
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!([1, 2]))
                    .insert_header("Link", link),
            )
            .mount(&server)
            .await;

        let stream = paginate::<u64>(&client, get(&client, &["v4", "projects"]));
        let results: Vec<Result<u64, Error>> = stream.collect().await;

        assert_eq!(results.len(), 3, "{results:?}");
        assert_eq!(results[0].as_ref().unwrap(), &1);
        assert_eq!(results[1].as_ref().unwrap(), &2);
        let err = results[2].as_ref().unwrap_err();
        assert!(matches!(err, Error::ForeignNextPage { .. }), "{err:?}");
        let message = err.to_string();
        assert!(message.contains("refusing to follow"), "{message}");
        assert!(!message.contains("leak"), "{message}");
        assert_eq!(received(&server).await.len(), 1);
    }
    assert!(
        received(&elsewhere).await.is_empty(),
        "no request may go to the other origin"
    );
}

#[tokio::test]
async fn a_next_page_that_is_the_same_page_stops_the_stream() {
    let (server, client) = server().await;
    let own = format!("<{}/api/v4/projects>; rel=\"next\"", server.uri());
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([1]))
                .insert_header("Link", own),
        )
        .mount(&server)
        .await;

    let err = collect_all::<u64>(paginate(&client, get(&client, &["v4", "projects"])))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::PaginationLoop { .. }), "{err:?}");
    assert_eq!(received(&server).await.len(), 1);

    // Offset pagination naming a page that is not after this one.
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([1]))
                .insert_header("X-Page", "2")
                .insert_header("X-Next-Page", "1"),
        )
        .mount(&server)
        .await;
    let mut request = get(&client, &["v4", "projects"]);
    request.query("page", &2u64);
    let err = collect_all::<u64>(paginate(&client, request))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::PaginationLoop { .. }), "{err:?}");
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn collect_first_fetches_only_the_pages_it_needs() {
    let (server, client) = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/projects"))
        .respond_with(offset_pages)
        .mount(&server)
        .await;
    let request = get(&client, &["v4", "projects"]);

    let five: Vec<u64> = collect_first(paginate(&client, request.clone()), 5)
        .await
        .unwrap();
    assert_eq!(five, [1, 2, 3, 4, 5]);
    assert_eq!(queries(&received(&server).await), ["", "page=2"]);

    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(offset_pages)
        .mount(&server)
        .await;
    let three: Vec<u64> = collect_first(paginate(&client, request.clone()), 3)
        .await
        .unwrap();
    assert_eq!(three, [1, 2, 3]);
    assert_eq!(received(&server).await.len(), 1);
    let none: Vec<u64> = collect_first(paginate(&client, request.clone()), 0)
        .await
        .unwrap();
    assert!(none.is_empty());
    assert_eq!(received(&server).await.len(), 1);
    // More than there are: all of them.
    let all: Vec<u64> = collect_first(paginate(&client, request), 100)
        .await
        .unwrap();
    assert_eq!(all.len(), 7);
}

// ---- blocking ----

#[test]
fn block_on_calls_without_a_runtime_of_ones_own() {
    let server = block_on(MockServer::start());
    block_on(
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(metadata()))
            .mount(&server),
    );
    let client = Client::new(&format!("{}/api/", server.uri())).unwrap();

    let meta = block_on(client.get_metadata().send()).unwrap();
    // A second call reuses the shared runtime (and the client's connection pool).
    let again = block_on(client.get_metadata().send()).unwrap();

    assert_eq!(meta.version.as_deref(), Some("17.0.0"));
    assert_eq!(again.revision, meta.revision);
    assert_eq!(block_on(server.received_requests()).unwrap().len(), 2);
}
