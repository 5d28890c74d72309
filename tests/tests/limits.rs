//! Hostile responses, on the generated GitLab client against wiremock and a raw HTTP server on
//! loopback: bodies over the client's size limit are refused by every reader (from
//! `Content-Length` before reading, and while reading chunked bodies that declare none, even
//! endless ones); errors keep only the start of a body and say so; pagination stops on a loop
//! over several pages and after the page limit.

use futures_util::StreamExt as _;
use gitlab_api_client::prelude::*;
use gitlab_api_client::runtime::{
    self, DEFAULT_MAX_PAGES, DEFAULT_MAX_RESPONSE_BYTES, MAX_ERROR_BODY_KEPT, Page, Request,
    RetryPolicy, paginate,
};
use gitlab_api_client::{ApiError, Client, Error};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const LIMIT: usize = 1024;

/// A client of `base` reading at most `LIMIT` bytes per body, sending each request once.
fn client(base: &str) -> Client {
    Client::new(base)
        .unwrap()
        .with_private_token("glpat-token")
        .with_retry_policy(RetryPolicy::none())
        .with_max_response_bytes(LIMIT)
}

/// A GET request of `/api/<path>`.
fn get(client: &Client, path: &str) -> Request {
    let segments: Vec<String> = format!("api/{path}")
        .split('/')
        .map(str::to_owned)
        .collect();
    Request::new(client, reqwest::Method::GET, &segments).unwrap()
}

fn assert_too_large(result: Result<impl std::fmt::Debug, Error>, what: &str) {
    match result {
        Err(Error::ResponseTooLarge { status: 200, limit }) => assert_eq!(limit, LIMIT, "{what}"),
        other => panic!("{what}: expected ResponseTooLarge, got {other:?}"),
    }
}

/// A JSON array of `len` bytes: `[1,1,…,1]`.
fn array_of_len(len: usize) -> Vec<u8> {
    assert!(len >= 3 && len % 2 == 1);
    let mut body = b"[1".to_vec();
    while body.len() < len - 1 {
        body.extend_from_slice(b",1");
    }
    body.push(b']');
    body
}

fn ok<T>(result: Result<T, Error>) -> Result<(), Error> {
    result.map(drop)
}

/// Every reader of the runtime on one response: the generated operations (`send_json`,
/// `send_bytes`, `send_empty`, `send_page`, `stream`) and the public readers of
/// `Client::send`'s response (`json`, `bytes`, `page`, `empty`).
async fn every_reader(client: &Client) -> Vec<(&'static str, Result<(), Error>)> {
    let send = || async { client.send(get(client, "v4/projects")).await };
    vec![
        ("send_json", ok(client.get_version().await)),
        ("send_bytes", ok(client.get_project_upload(7, 3).await)),
        ("send_empty", ok(client.delete_project_artifacts(7).await)),
        ("send_page", ok(client.list_projects().send_page().await)),
        (
            "stream",
            ok(runtime::collect_all::<u64>(paginate(client, get(client, "v4/projects"))).await),
        ),
        (
            "json",
            ok(runtime::json::<serde_json::Value>(send().await.unwrap()).await),
        ),
        ("bytes", ok(runtime::bytes(send().await.unwrap()).await)),
        (
            "page",
            ok(runtime::page::<u64>(send().await.unwrap()).await),
        ),
        ("empty", ok(runtime::empty(send().await.unwrap()).await)),
    ]
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused_by_every_reader() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(array_of_len(LIMIT + 1), "application/json"),
        )
        .mount(&server)
        .await;
    let client = client(&server.uri());
    assert_eq!(client.max_response_bytes(), LIMIT);

    for (reader, result) in every_reader(&client).await {
        assert_too_large(result, reader);
    }
    let message = client.get_version().await.unwrap_err().to_string();
    assert!(message.contains("1024 bytes"), "{message}");

    // At the limit exactly: read.
    server.reset().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(array_of_len(LIMIT - 1), "application/json"),
        )
        .mount(&server)
        .await;
    let response = client.send(get(&client, "v4/projects")).await.unwrap();
    let page: Page<u64> = runtime::page(response).await.unwrap();
    assert_eq!(page.items.len(), (LIMIT - 1) / 2);
    let bytes = runtime::bytes(client.send(get(&client, "v4/x")).await.unwrap())
        .await
        .unwrap();
    assert_eq!(bytes.len(), LIMIT - 1);

    // The default limit, on a client that sets none.
    let default = Client::new(&server.uri()).unwrap();
    assert_eq!(default.max_response_bytes(), DEFAULT_MAX_RESPONSE_BYTES);
    assert_eq!(DEFAULT_MAX_RESPONSE_BYTES, 64 * 1024 * 1024);
}

/// What the raw server sends after the status line.
#[derive(Clone, Copy)]
enum RawBody {
    /// `Transfer-Encoding: chunked`, 1 KiB chunks of `1,` without end (until the client
    /// closes the connection).
    EndlessChunks,
    /// `Content-Length` of this much, then 100 bytes, then nothing (the connection stays open).
    Declared(u64),
}

/// An HTTP/1.1 server on loopback answering every request with `status` and `body`; counts the
/// requests.
async fn raw_server(status: u16, body: RawBody) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                counter.fetch_add(1, Ordering::SeqCst);
                let status_line =
                    format!("HTTP/1.1 {status} Whatever\r\ncontent-type: application/json\r\n");
                match body {
                    RawBody::EndlessChunks => {
                        let head =
                            format!("{status_line}transfer-encoding: chunked\r\n\r\n1\r\n[\r\n");
                        if stream.write_all(head.as_bytes()).await.is_err() {
                            return;
                        }
                        let chunk = format!("400\r\n{}\r\n", "1,".repeat(512));
                        while stream.write_all(chunk.as_bytes()).await.is_ok() {}
                    }
                    RawBody::Declared(len) => {
                        let head = format!("{status_line}content-length: {len}\r\n\r\n");
                        let _ = stream.write_all(head.as_bytes()).await;
                        let _ = stream.write_all(&[b' '; 100]).await;
                        tokio::time::sleep(Duration::from_secs(120)).await;
                    }
                }
            });
        }
    });
    (base, requests)
}

/// `future`, or a failure if it takes longer than 10 s (the client's own timeout is 60 s).
async fn soon<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), future)
        .await
        .expect("the body was not refused in time")
}

#[tokio::test]
async fn endless_chunked_bodies_are_refused_while_reading() {
    let (base, requests) = raw_server(200, RawBody::EndlessChunks).await;
    let client = client(&base);

    for (reader, result) in soon(every_reader(&client)).await {
        assert_too_large(result, reader);
    }
    assert_eq!(requests.load(Ordering::SeqCst), 9);
}

#[tokio::test]
async fn a_content_length_over_the_limit_is_refused_before_reading() {
    let (base, requests) = raw_server(200, RawBody::Declared(1 << 30)).await;
    let client = client(&base);

    for (reader, result) in soon(every_reader(&client)).await {
        assert_too_large(result, reader);
    }
    assert_eq!(requests.load(Ordering::SeqCst), 9);
}

fn api_error(err: Error) -> ApiError {
    match err {
        Error::Api(e) => *e,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn error_values_keep_a_bounded_start_of_the_body() {
    let server = MockServer::start().await;
    let client = Client::new(&server.uri())
        .unwrap()
        .with_retry_policy(RetryPolicy::none());
    let huge = format!(r#"{{"message": "{}"}}"#, "x".repeat(1 << 20));
    Mock::given(path("/api/v4/version"))
        .respond_with(ResponseTemplate::new(500).set_body_string(huge.clone()))
        .mount(&server)
        .await;

    let err = client.get_version().await.unwrap_err();
    let (display, debug) = (err.to_string(), format!("{err:?}"));
    let api = api_error(err);

    assert_eq!(api.status.as_u16(), 500);
    assert!(api.truncated);
    assert_eq!(api.raw.len(), MAX_ERROR_BODY_KEPT);
    assert!(huge.starts_with(&api.raw));
    // Not read whole, so not decoded.
    assert_eq!(api.body, None);
    assert!(display.len() < 1024, "{} bytes", display.len());
    assert!(display.contains("cut"), "{display}");
    assert!(
        debug.len() < 2 * MAX_ERROR_BODY_KEPT,
        "{} bytes",
        debug.len()
    );

    // A short error body is whole, and decoded.
    server.reset().await;
    Mock::given(path("/api/v4/version"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "404 Not Found"})))
        .mount(&server)
        .await;
    let api = api_error(client.get_version().await.unwrap_err());
    assert!(!api.truncated);
    assert_eq!(api.message().as_deref(), Some("404 Not Found"));
    assert_eq!(api.raw, r#"{"message":"404 Not Found"}"#);
    assert!(!api.to_string().contains("cut"));

    // A 2xx body that does not decode: `Error::Decode` keeps its start.
    server.reset().await;
    Mock::given(path("/api/v4/version"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(format!("a{}", "é".repeat(1 << 19))),
        )
        .mount(&server)
        .await;
    let err = client.get_version().await.unwrap_err();
    let (display, debug) = (err.to_string(), format!("{err:?}"));
    let Error::Decode {
        body, truncated, ..
    } = err
    else {
        panic!("expected a decoding error, got {err:?}")
    };
    assert!(truncated);
    // Cut between two characters, not in one (`é` takes two bytes, after one `a`).
    assert_eq!(body.len(), MAX_ERROR_BODY_KEPT - 1);
    assert!(body[1..].chars().all(|c| c == 'é'), "{body}");
    assert!(display.contains("keeps only the start"), "{display}");
    assert!(
        debug.len() < 2 * MAX_ERROR_BODY_KEPT,
        "{} bytes",
        debug.len()
    );
}

#[tokio::test]
async fn an_endless_error_body_is_cut_not_read_to_the_end() {
    let (base, requests) = raw_server(500, RawBody::EndlessChunks).await;
    let client = client(&base).with_max_response_bytes(DEFAULT_MAX_RESPONSE_BYTES);

    let err = soon(client.get_version().send()).await.unwrap_err();

    let api = api_error(err);
    assert!(api.truncated);
    assert_eq!(api.raw.len(), MAX_ERROR_BODY_KEPT);
    assert!(api.raw.starts_with("[1,1,"));
    assert_eq!(requests.load(Ordering::SeqCst), 1);
}

/// Pages `a` and `b` name each other as the next page.
#[tokio::test]
async fn a_link_cycle_over_two_pages_stops_the_stream() {
    let server = MockServer::start().await;
    for (this, next, item) in [("a", "b", 1), ("b", "a", 2)] {
        let link = format!("<{}/api/v4/{next}?per_page=1>; rel=\"next\"", server.uri());
        Mock::given(path(format!("/api/v4/{this}")))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!([item]))
                    .insert_header("Link", link),
            )
            .mount(&server)
            .await;
    }
    let client = client(&server.uri());
    let mut request = get(&client, "v4/a");
    request.query("per_page", &1u64);

    let results: Vec<Result<u64, Error>> = paginate(&client, request).take(20).collect().await;

    assert_eq!(results.len(), 3, "{results:?}");
    assert_eq!(results[0].as_ref().unwrap(), &1);
    assert_eq!(results[1].as_ref().unwrap(), &2);
    let err = results[2].as_ref().unwrap_err();
    assert!(
        matches!(err, Error::PaginationLoop { url } if url.ends_with("/api/v4/a")),
        "{err:?}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn an_endless_next_page_stops_at_the_page_limit() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v4/projects"))
        .respond_with(|request: &wiremock::Request| {
            let page: u64 = request
                .url
                .query_pairs()
                .find(|(k, _)| k == "page")
                .map_or(1, |(_, v)| v.parse().unwrap());
            ResponseTemplate::new(200)
                .set_body_json(json!([page]))
                .insert_header("X-Page", page.to_string())
                .insert_header("X-Next-Page", (page + 1).to_string())
        })
        .mount(&server)
        .await;
    let client = client(&server.uri());
    assert_eq!(client.max_pages(), DEFAULT_MAX_PAGES);
    assert_eq!(DEFAULT_MAX_PAGES, 10_000);
    let client = client.with_max_pages(5);
    assert_eq!(client.max_pages(), 5);

    let results: Vec<Result<u64, Error>> = paginate(&client, get(&client, "v4/projects"))
        .take(100)
        .collect()
        .await;

    assert_eq!(results.len(), 6, "{results:?}");
    let items: Vec<u64> = results[..5].iter().map(|r| *r.as_ref().unwrap()).collect();
    assert_eq!(items, [1, 2, 3, 4, 5]);
    let err = results[5].as_ref().unwrap_err();
    assert!(matches!(err, Error::TooManyPages { limit: 5 }), "{err:?}");
    assert!(err.to_string().contains("after 5 pages"), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 5);

    // Pages fetched by hand are not counted.
    let response = client.send(get(&client, "v4/projects")).await.unwrap();
    let one: Page<u64> = runtime::page(response).await.unwrap();
    assert_eq!(one.next_page, Some(2));
}
