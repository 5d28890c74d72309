//! The client's security, on the generated GitLab client: credentials (the base URL's user info
//! too) never show in `Debug` output or in errors; TLS certificates are verified by default (a loopback TLS server with a
//! certificate from an untrusted CA is refused, and accepted once that CA is trusted); no
//! parameter value can change the request's host or leave its path. The runtime writes no logs
//! (it depends on no logging crate), so there is no log to leak into.

use gitlab_api_client::prelude::*;
use gitlab_api_client::{Client, Error};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRETS: [&str; 4] = [
    "glpat-HEADER-SECRET",
    "glpat-QUERY-SECRET",
    "JOB-SECRET",
    "BEARER-SECRET",
];

/// One client per way of carrying a credential.
fn clients(base: &str) -> Vec<Client> {
    vec![
        Client::new(base).unwrap().with_private_token(SECRETS[0]),
        Client::new(base)
            .unwrap()
            .with_private_token_in_query(SECRETS[1]),
        Client::new(base).unwrap().with_job_token(SECRETS[2]),
        Client::new(base).unwrap().with_bearer_token(SECRETS[3]),
    ]
}

fn assert_no_secret(text: &str) {
    for s in SECRETS {
        assert!(!text.contains(s), "a credential leaked: {text}");
    }
}

/// Everything an error shows: `Display`, `Debug` and each source's `Display`.
fn error_text(e: &Error) -> String {
    let mut text = format!("{e} | {e:?}");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(&format!(" | {s}"));
        source = s.source();
    }
    text
}

#[test]
fn debug_output_shows_no_credential() {
    for client in clients("https://gitlab.example.com/api/") {
        let debug = format!("{client:?}");
        assert_no_secret(&debug);
        assert!(debug.contains("<redacted>"), "{debug}");
        // Request builders hold the client; their `Debug` goes through the client's.
        assert_no_secret(&format!("{:?}", client.list_projects().search("x")));
    }
}

#[tokio::test]
async fn base_url_user_info_shows_nowhere_but_is_sent_as_basic_auth() {
    let secret = "pw-USERINFO-SECRET";
    let client = Client::new(&format!("https://bob:{secret}@gitlab.example.com/api/")).unwrap();
    for text in [
        format!("{client:?}"),
        format!("{:?}", client.list_projects().search("x")),
        client.base_url().to_string(),
    ] {
        assert!(!text.contains(secret), "{text}");
        assert!(!text.contains("bob"), "{text}");
    }
    assert_eq!(
        client.base_url().as_str(),
        "https://gitlab.example.com/api/"
    );
    assert!(format!("{client:?}").contains("Authorization: <redacted>"));

    // Base URLs that are refused, with the user info in the error's URL otherwise.
    for base in [
        format!("ftp://bob:{secret}@gitlab.example.com/"),
        format!("https://bob:{secret}@gitlab.example.com:99999/"),
        format!("bob:{secret}@gitlab.example.com/api"),
        format!("https://bob:{secret}@[::1/?private_token={secret}"),
    ] {
        let err = Client::new(&base).unwrap_err();
        assert!(
            matches!(err, Error::InvalidBaseUrl { .. }),
            "{base}: {err:?}"
        );
        let text = error_text(&err);
        assert!(!text.contains(secret), "{base}: {text}");
    }

    // Transport errors and API errors of such a client.
    let client = Client::new(&format!("http://bob:{secret}@127.0.0.1:1/api/")).unwrap();
    let err = client.get_version().await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(!error_text(&err).contains(secret), "{err:?}");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let base = server
        .uri()
        .replace("http://", &format!("http://bob:{secret}@"));
    let client = Client::new(&base).unwrap();
    let err = client.get_version().await.unwrap_err();
    assert!(!error_text(&err).contains(secret), "{err:?}");
    // Sent as Basic authentication to the API, as reqwest does with a URL's user info.
    let requests = server.received_requests().await.unwrap();
    let expected = reqwest::Client::new()
        .get(server.uri())
        .basic_auth("bob", Some(secret))
        .build()
        .unwrap();
    assert_eq!(
        requests[0].headers.get("authorization").unwrap().as_bytes(),
        expected.headers()["authorization"].as_bytes()
    );
}

#[tokio::test]
async fn transport_errors_carry_no_credential() {
    // Nothing listens on port 1: every request fails before any answer.
    for client in clients("http://127.0.0.1:1/api/") {
        let err = client.get_version().await.unwrap_err();
        assert!(matches!(err, Error::Transport(_)), "{err:?}");
        assert_no_secret(&error_text(&err));
    }
}

#[tokio::test]
async fn api_errors_carry_no_credential() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!(
            {"message": "401 Unauthorized"}
        )))
        .mount(&server)
        .await;
    for client in clients(&server.uri()) {
        let err = client.get_version().await.unwrap_err();
        assert_eq!(err.status(), Some(reqwest::StatusCode::UNAUTHORIZED));
        assert_no_secret(&error_text(&err));
    }
}

/// A TLS server on loopback for `localhost`, with a certificate from the test CA in
/// `tests/fixtures/tls`. It answers every HTTP request with `[]` and counts them.
async fn tls_server() -> (u16, Arc<AtomicUsize>) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/tls");
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(format!("{dir}/localhost.crt"))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
    let key = PrivateKeyDer::from_pem_file(format!("{dir}/localhost.key")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            let counter = counter.clone();
            tokio::spawn(async move {
                // A client that does not trust the certificate aborts the handshake here.
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                counter.fetch_add(1, Ordering::SeqCst);
                let answer = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n[]";
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (port, requests)
}

#[tokio::test]
async fn tls_certificates_are_verified_by_default() {
    let (port, requests) = tls_server().await;
    let base = format!("https://localhost:{port}/api/");

    let client = Client::new(&base).unwrap().with_private_token(SECRETS[0]);
    let err = client
        .list_projects()
        .send_page()
        .await
        .expect_err("a certificate from an unknown CA must be refused");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let text = error_text(&err);
    assert!(
        text.to_ascii_lowercase().contains("certificate"),
        "the error should name the certificate: {text}"
    );
    assert_no_secret(&text);
    assert_eq!(
        requests.load(Ordering::SeqCst),
        0,
        "no request may reach an unverified server"
    );

    // The same server, once its CA is trusted: the refusal above was the verification.
    let ca = reqwest::Certificate::from_pem(
        &std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/tls/ca.crt")).unwrap(),
    )
    .unwrap();
    let http = reqwest::Client::builder()
        .tls_certs_merge([ca])
        .build()
        .unwrap();
    let client = Client::with_http_client(&base, http).unwrap();
    let page = client.list_projects().send_page().await.unwrap();
    assert!(page.items.is_empty());
    assert_eq!(requests.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn no_parameter_value_changes_the_host_or_leaves_the_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    let client = Client::new(&server.uri()).unwrap();
    let hostile = [
        "../../../admin",
        "https://evil.example/steal",
        "//evil.example/x",
        "a?admin=true#frag",
        "%2e%2e/%2e%2e",
        "name\r\nHost: evil.example",
        "\u{0}nul",
        "@evil.example",
    ];
    for value in hostile {
        client.get_project_file(value, value, value).await.unwrap();
    }
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), hostile.len());
    // wiremock reports every URL as `http://localhost/...`; the `Host` header is what was sent.
    let authority = server.address().to_string();
    for (req, value) in requests.iter().zip(hostile) {
        let host: Vec<_> = req.headers.get_all("host").iter().collect();
        assert_eq!(host, [authority.as_str()], "{value:?} changed the host");
        let segments: Vec<&str> = req.url.path_segments().unwrap().collect();
        // /api/v4/projects/{id}/repository/files/{file_path}
        assert_eq!(segments.len(), 7, "{value:?} changed the path: {}", req.url);
        assert_eq!(&segments[..3], ["api", "v4", "projects"]);
        assert_eq!(&segments[4..6], ["repository", "files"]);
        for s in [segments[3], segments[6]] {
            let decoded = percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .unwrap();
            assert_eq!(decoded, value, "{value:?} did not travel as one segment");
        }
        // The query holds exactly the one parameter, whatever its value.
        let pairs: Vec<(String, String)> = req.url.query_pairs().into_owned().collect();
        assert_eq!(pairs, [("ref".to_owned(), value.to_owned())]);
    }
}

#[tokio::test]
async fn values_that_would_vanish_from_the_path_are_refused() {
    let client = Client::new("https://gitlab.example.com/api/").unwrap();
    for value in ["", ".", ".."] {
        let err = client.get_project_file(1, value, "main").await.unwrap_err();
        assert!(matches!(err, Error::InvalidPathSegment(_)), "{err:?}");
    }
}
