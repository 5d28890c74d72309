//! The runtime's `tracing` events (`features-client` with its `tracing` feature), captured by a
//! subscriber. A test binary of its own: `tracing` caches per call site whether any subscriber
//! wants an event, and other tests of the same binary, running on other threads without a
//! subscriber, could make that cache say no.

use features_client::Client;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn server() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::new(&format!("{}/v1", server.uri())).unwrap();
    (server, client)
}

/// What a `tracing` subscriber writes, shared with the test.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// With the client's `tracing` feature, each answer is a `debug` event and each retry an
/// `info` one, with method, URL and status; the URL never carries the query, where a
/// credential may be (`with_query_credential`).
#[tokio::test]
async fn requests_and_retries_are_tracing_events_without_credentials() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .without_time()
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let (server, client) = server().await;
    let client = client
        .with_query_credential("api_key", "s3cret")
        .with_retry_policy(features_client::RetryPolicy {
            max_retries: 1,
            initial_backoff: std::time::Duration::from_millis(1),
            max_backoff: std::time::Duration::from_millis(1),
        });
    Mock::given(method("GET"))
        .and(path("/v1/pets"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/pets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let pets = client.list_pets().await.unwrap();
    assert!(pets.is_empty());

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let url = format!("{}/v1/pets", server.uri());
    // The client's own events (hyper's are there too).
    let lines: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("features_client::runtime:"))
        .collect();
    assert_eq!(lines.len(), 3, "{log}");
    assert!(
        lines[0].contains("DEBUG")
            && lines[0].contains("response")
            && lines[0].contains(&format!("url={url}"))
            && lines[0].contains("status=503"),
        "{log}"
    );
    assert!(
        lines[1].contains("INFO")
            && lines[1].contains("retrying")
            && lines[1].contains("retry=1")
            && lines[1].contains("status=503"),
        "{log}"
    );
    assert!(
        lines[2].contains("response") && lines[2].contains("status=200"),
        "{log}"
    );
    assert!(!log.contains("s3cret") && !log.contains("api_key"), "{log}");
    // The credential was sent, in the query.
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[1].url.query(), Some("api_key=s3cret"));
}
