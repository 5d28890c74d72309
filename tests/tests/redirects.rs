//! Redirects, on the generated GitLab client against two wiremock servers on loopback (two
//! ports, so two origins): the runtime follows redirects itself, sends credentials of every
//! kind only to the API's origin and never again once a chain has left it, turns POST into GET
//! as browsers do, refuses to carry a request body to another origin, never sends `Referer`,
//! and says in a typed error what it did not follow. The pages of a listing go through the
//! same path.

use gitlab_api_client::runtime::{
    CrossOrigin, RedirectPolicy, RedirectRefusal, Request, collect_all, paginate,
};
use gitlab_api_client::{Client, Error};
use reqwest::Method;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "SECRET-c4f9e1";

/// The ways a client carries a credential: each with a value containing `SECRET`.
#[derive(Debug, Clone, Copy)]
enum Credential {
    PrivateToken,
    TokenInQuery,
    JobToken,
    Sudo,
    Bearer,
    /// User info in the base URL, sent as HTTP Basic authentication.
    UserInfo,
}

const CREDENTIALS: [Credential; 6] = [
    Credential::PrivateToken,
    Credential::TokenInQuery,
    Credential::JobToken,
    Credential::Sudo,
    Credential::Bearer,
    Credential::UserInfo,
];

const REDIRECTS: [u16; 5] = [301, 302, 303, 307, 308];

fn client(server: &MockServer, credential: Credential) -> Client {
    let base = server.uri();
    let token = format!("glpat-{SECRET}");
    match credential {
        Credential::PrivateToken => Client::new(&base).unwrap().with_private_token(token),
        Credential::TokenInQuery => Client::new(&base)
            .unwrap()
            .with_private_token_in_query(token),
        Credential::JobToken => Client::new(&base).unwrap().with_job_token(token),
        Credential::Sudo => Client::new(&base)
            .unwrap()
            .with_sudo(format!("user-{SECRET}")),
        Credential::Bearer => Client::new(&base).unwrap().with_bearer_token(token),
        Credential::UserInfo => {
            let base = base.replace("http://", &format!("http://bob:{SECRET}@"));
            Client::new(&base).unwrap()
        }
    }
}

/// Whether `request` carries the credential: in a header (whatever its name, `Referer`
/// included, and as Basic authentication) or in the URL.
fn carries_credential(request: &wiremock::Request) -> bool {
    request.url.as_str().contains(SECRET)
        || request.headers.iter().any(|(_, value)| {
            let value = String::from_utf8_lossy(value.as_bytes());
            value.contains(SECRET) || value == basic_credential()
        })
}

/// The `Authorization` header of the user info `bob:SECRET`, as reqwest writes it.
fn basic_credential() -> String {
    let request = reqwest::Client::new()
        .get("http://localhost/")
        .basic_auth("bob", Some(SECRET))
        .build()
        .unwrap();
    let value = request.headers().get("authorization").unwrap();
    value.to_str().unwrap().to_owned()
}

fn assert_clean(requests: &[wiremock::Request], credential: Credential, what: &str) {
    for r in requests {
        assert!(
            !carries_credential(r),
            "{credential:?}, {what}: a credential reached the other origin: {} {:?}",
            r.url,
            r.headers
        );
        assert!(
            !r.headers.contains_key("referer"),
            "{credential:?}, {what}: Referer sent: {:?}",
            r.headers.get("referer")
        );
    }
}

async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap()
}

/// A request of `/api/<path>`.
fn request(client: &Client, method: Method, path: &str) -> Request {
    let segments: Vec<String> = format!("api/{path}")
        .split('/')
        .map(str::to_owned)
        .collect();
    Request::new(client, method, &segments).unwrap()
}

fn redirect(status: u16, location: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).insert_header("Location", location)
}

/// `api` answers `/api/v4/start` with `status` to `location`; `other` answers anything with
/// `{"landed": true}`.
async fn mount_redirect(api: &MockServer, other: &MockServer, status: u16, location: &str) {
    api.reset().await;
    other.reset().await;
    Mock::given(path("/api/v4/start"))
        .respond_with(redirect(status, location))
        .mount(api)
        .await;
    Mock::given(path("/api/v4/landing"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"landed": true})))
        .mount(api)
        .await;
    Mock::given(path("/landing"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"landed": true})))
        .mount(other)
        .await;
}

async fn landed(client: &Client, request: Request) -> Result<serde_json::Value, Error> {
    let response = client.send(request).await?;
    gitlab_api_client::runtime::json(response).await
}

#[tokio::test]
async fn no_credential_of_any_kind_follows_a_redirect_to_another_origin() {
    let api = MockServer::start().await;
    let other = MockServer::start().await;
    for credential in CREDENTIALS {
        let client = client(&api, credential);
        for status in REDIRECTS {
            let location = format!("{}/landing?file=a.zip", other.uri());
            mount_redirect(&api, &other, status, &location).await;

            let body = landed(&client, request(&client, Method::GET, "v4/start"))
                .await
                .unwrap_or_else(|e| panic!("{credential:?} {status}: {e}"));

            assert_eq!(body, json!({"landed": true}));
            let first = received(&api).await;
            assert_eq!(first.len(), 1);
            assert!(
                carries_credential(&first[0]),
                "{credential:?}: the API itself must get the credential"
            );
            let foreign = received(&other).await;
            assert_eq!(foreign.len(), 1, "{credential:?} {status}");
            assert_eq!(foreign[0].url.query(), Some("file=a.zip"));
            assert_clean(&foreign, credential, &status.to_string());
        }
    }
}

#[tokio::test]
async fn same_origin_redirects_keep_the_credentials_once() {
    let api = MockServer::start().await;
    let other = MockServer::start().await;
    for credential in CREDENTIALS {
        let client = client(&api, credential);
        for status in REDIRECTS {
            // Relative, and absolute (with the query token repeated, as GitLab's links do).
            let query_token = matches!(credential, Credential::TokenInQuery);
            let absolute = match query_token {
                true => format!("{}/api/v4/landing?private_token=glpat-{SECRET}", api.uri()),
                false => format!("{}/api/v4/landing", api.uri()),
            };
            for location in ["/api/v4/landing".to_owned(), absolute] {
                mount_redirect(&api, &other, status, &location).await;

                landed(&client, request(&client, Method::GET, "v4/start"))
                    .await
                    .unwrap_or_else(|e| panic!("{credential:?} {status}: {e}"));

                let requests = received(&api).await;
                assert_eq!(requests.len(), 2);
                assert_eq!(requests[1].url.path(), "/api/v4/landing");
                assert!(
                    carries_credential(&requests[1]),
                    "{credential:?} {status}: a same-origin redirect keeps the credential"
                );
                let tokens = requests[1]
                    .url
                    .query_pairs()
                    .filter(|(k, _)| k == "private_token")
                    .count();
                assert_eq!(tokens, usize::from(query_token), "{}", requests[1].url);
                assert!(!requests[1].headers.contains_key("referer"));
            }
        }
    }
}

#[tokio::test]
async fn credentials_are_not_sent_again_after_the_chain_left_the_origin() {
    let api = MockServer::start().await;
    let other = MockServer::start().await;
    for credential in CREDENTIALS {
        api.reset().await;
        other.reset().await;
        let client = client(&api, credential);
        Mock::given(path("/api/v4/start"))
            .respond_with(redirect(302, &format!("{}/bounce", other.uri())))
            .mount(&api)
            .await;
        Mock::given(path("/bounce"))
            .respond_with(redirect(302, &format!("{}/api/v4/back", api.uri())))
            .mount(&other)
            .await;
        Mock::given(path("/api/v4/back"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
            .mount(&api)
            .await;

        landed(&client, request(&client, Method::GET, "v4/start"))
            .await
            .unwrap();

        let requests = received(&api).await;
        assert_eq!(requests.len(), 2);
        assert!(carries_credential(&requests[0]));
        assert_eq!(requests[1].url.path(), "/api/v4/back");
        assert_clean(&requests[1..], credential, "back on the API's origin");
        assert_clean(&received(&other).await, credential, "bounce");
    }
}

#[tokio::test]
async fn a_body_is_never_sent_to_another_origin() {
    let api = MockServer::start().await;
    let other = MockServer::start().await;
    let client = client(&api, Credential::PrivateToken);
    // 307 and 308 keep the method and the body; so do 301 and 302 for a PUT.
    for (status, verb) in [
        (307, Method::POST),
        (308, Method::POST),
        (307, Method::PUT),
        (301, Method::PUT),
        (302, Method::PATCH),
    ] {
        let location = format!(
            "http://bob:pw-{SECRET}@{}/landing?token={SECRET}",
            other.address()
        );
        mount_redirect(&api, &other, status, &location).await;
        let mut post = request(&client, verb.clone(), "v4/start");
        post.json_body(&json!({"secret": "body"})).unwrap();

        let err = client.send(post).await.unwrap_err();

        let Error::Redirect {
            status: got,
            url,
            reason,
        } = &err
        else {
            panic!("{status} {verb}: expected a refused redirect, got {err:?}")
        };
        assert_eq!(
            (*got, *reason),
            (status, RedirectRefusal::BodyToOtherOrigin)
        );
        assert_eq!(url, &format!("http://{}/landing", other.address()));
        let message = err.to_string();
        assert!(message.contains(&status.to_string()), "{message}");
        assert!(
            message.contains(&format!("{}/landing", other.address())),
            "{message}"
        );
        assert!(!message.contains(SECRET), "{message}");
        assert!(!format!("{err:?}").contains(SECRET));
        assert_eq!(received(&api).await.len(), 1);
        assert!(
            received(&other).await.is_empty(),
            "{status} {verb}: the other origin got a request"
        );
    }
}

#[tokio::test]
async fn post_redirected_by_301_302_303_arrives_as_get_without_body() {
    let api = MockServer::start().await;
    let other = MockServer::start().await;
    let client = client(&api, Credential::PrivateToken);
    for status in [301, 302, 303] {
        for location in [format!("{}/landing", other.uri()), "/api/v4/landing".into()] {
            mount_redirect(&api, &other, status, &location).await;
            let mut post = request(&client, Method::POST, "v4/start");
            post.json_body(&json!({"secret": "body"})).unwrap();

            landed(&client, post).await.unwrap();

            let first = received(&api).await;
            assert_eq!(first[0].method.as_str(), "POST");
            let followed = if location.starts_with('/') {
                first[1].clone()
            } else {
                received(&other).await.remove(0)
            };
            assert_eq!(followed.method.as_str(), "GET", "{status} {location}");
            assert!(
                followed.body.is_empty(),
                "{status}: the body was sent again"
            );
            assert!(!followed.headers.contains_key("content-type"));
            assert!(!followed.headers.contains_key("referer"));
            if location.starts_with('/') {
                assert!(carries_credential(&followed));
            } else {
                assert_clean(&[followed], Credential::PrivateToken, "after POST");
            }
        }
    }
    // 303 turns a PUT into a GET too; a HEAD stays a HEAD.
    mount_redirect(&api, &other, 303, &format!("{}/landing", other.uri())).await;
    let mut put = request(&client, Method::PUT, "v4/start");
    put.json_body(&json!({"secret": "body"})).unwrap();
    client.send(put).await.unwrap();
    client
        .send(request(&client, Method::HEAD, "v4/start"))
        .await
        .unwrap();
    let methods: Vec<String> = received(&other)
        .await
        .iter()
        .map(|r| r.method.to_string())
        .collect();
    assert_eq!(methods, ["GET", "HEAD"]);
}

#[tokio::test]
async fn post_redirected_by_307_on_the_same_origin_keeps_method_body_and_credentials() {
    let api = MockServer::start().await;
    let other = MockServer::start().await;
    let client = client(&api, Credential::PrivateToken);
    for status in [307, 308] {
        mount_redirect(&api, &other, status, "/api/v4/landing").await;
        let mut post = request(&client, Method::POST, "v4/start");
        post.json_body(&json!({"name": "x"})).unwrap();

        landed(&client, post).await.unwrap();

        let requests = received(&api).await;
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[1].method.as_str(), "POST");
        assert_eq!(requests[1].body, br#"{"name":"x"}"#);
        assert_eq!(
            requests[1].headers.get("content-type").unwrap(),
            "application/json"
        );
        assert!(carries_credential(&requests[1]));
        assert!(!requests[1].headers.contains_key("referer"));
    }
}

#[tokio::test]
async fn a_redirected_page_carries_no_credential_to_another_port() {
    let api = MockServer::start().await;
    let other = MockServer::start().await;
    for credential in CREDENTIALS {
        for by_link in [false, true] {
            api.reset().await;
            other.reset().await;
            let client = client(&api, credential);
            // Page 1 names page 2 on the API's origin; page 2 is redirected to another port.
            let mut first = ResponseTemplate::new(200).set_body_json(json!([1, 2]));
            first = if by_link {
                let next = format!("<{}/api/v4/projects?page=2>; rel=\"next\"", api.uri());
                first.insert_header("Link", next)
            } else {
                first
                    .insert_header("X-Page", "1")
                    .insert_header("X-Next-Page", "2")
            };
            Mock::given(method("GET"))
                .and(path("/api/v4/projects"))
                .and(wiremock::matchers::query_param_is_missing("page"))
                .respond_with(first)
                .mount(&api)
                .await;
            Mock::given(method("GET"))
                .and(path("/api/v4/projects"))
                .and(wiremock::matchers::query_param("page", "2"))
                .respond_with(redirect(302, &format!("{}/pages/2", other.uri())))
                .mount(&api)
                .await;
            Mock::given(path("/pages/2"))
                .respond_with(ResponseTemplate::new(200).set_body_json(json!([3])))
                .mount(&other)
                .await;

            let items: Vec<u64> = collect_all(paginate(
                &client,
                request(&client, Method::GET, "v4/projects"),
            ))
            .await
            .unwrap();

            assert_eq!(items, [1, 2, 3]);
            let requests = received(&api).await;
            assert_eq!(requests.len(), 2);
            assert!(requests.iter().all(carries_credential));
            let foreign = received(&other).await;
            assert_eq!(foreign.len(), 1);
            assert_clean(&foreign, credential, "page 2");
        }
    }
}

#[tokio::test]
async fn artifact_downloads_follow_the_redirect_to_object_storage() {
    let api = MockServer::start().await;
    let storage = MockServer::start().await;
    let client = client(&api, Credential::PrivateToken);
    let signed = format!(
        "{}/bucket/upload.png?X-Amz-Signature=abc&X-Amz-Expires=60",
        storage.uri()
    );
    Mock::given(path("/api/v4/projects/7/uploads/3"))
        .respond_with(redirect(302, &signed))
        .mount(&api)
        .await;
    Mock::given(path("/bucket/upload.png"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"PNG...".to_vec()))
        .mount(&storage)
        .await;

    let bytes = client.get_project_upload(7, 3).await.unwrap();

    assert_eq!(bytes, b"PNG...");
    let got = received(&storage).await;
    assert_eq!(
        got[0].url.query(),
        Some("X-Amz-Signature=abc&X-Amz-Expires=60")
    );
    assert_clean(&got, Credential::PrivateToken, "object storage");
}

#[tokio::test]
async fn a_policy_that_refuses_other_origins_gives_the_typed_error() {
    let api = MockServer::start().await;
    let other = MockServer::start().await;
    let policy = RedirectPolicy {
        cross_origin: CrossOrigin::Refuse,
        ..RedirectPolicy::default()
    };
    let client = client(&api, Credential::PrivateToken).with_redirect_policy(policy);
    assert_eq!(client.redirect_policy(), policy);
    mount_redirect(&api, &other, 302, &format!("{}/landing?sig=x", other.uri())).await;

    let err = client
        .send(request(&client, Method::GET, "v4/start"))
        .await
        .unwrap_err();

    assert!(
        matches!(
            &err,
            Error::Redirect { status: 302, reason: RedirectRefusal::CrossOrigin, url }
                if *url == format!("{}/landing", other.uri())
        ),
        "{err:?}"
    );
    assert!(received(&other).await.is_empty());
    // The same origin is still followed.
    mount_redirect(&api, &other, 302, "/api/v4/landing").await;
    landed(&client, request(&client, Method::GET, "v4/start"))
        .await
        .unwrap();
}

#[tokio::test]
async fn too_many_redirects_give_the_typed_error() {
    let api = MockServer::start().await;
    Mock::given(path("/api/v4/loop"))
        .respond_with(redirect(302, "/api/v4/loop?again=1"))
        .mount(&api)
        .await;
    let client = client(&api, Credential::PrivateToken);
    assert_eq!(RedirectPolicy::default().max_redirects, 10);

    let err = client
        .send(request(&client, Method::GET, "v4/loop"))
        .await
        .unwrap_err();

    assert!(
        matches!(
            &err,
            Error::Redirect { status: 302, reason: RedirectRefusal::TooMany { max: 10 }, url }
                if url.ends_with("/api/v4/loop")
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("after 10 redirects"), "{err}");
    assert_eq!(received(&api).await.len(), 11);

    api.reset().await;
    Mock::given(path("/api/v4/loop"))
        .respond_with(redirect(302, "/api/v4/loop?again=1"))
        .mount(&api)
        .await;
    let client = client.with_redirect_policy(RedirectPolicy {
        max_redirects: 2,
        ..RedirectPolicy::default()
    });
    let err = client
        .send(request(&client, Method::GET, "v4/loop"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Redirect {
                reason: RedirectRefusal::TooMany { max: 2 },
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(received(&api).await.len(), 3);
}

#[tokio::test]
async fn a_location_that_is_not_http_is_refused_and_a_3xx_without_one_is_an_api_error() {
    let api = MockServer::start().await;
    let client = client(&api, Credential::PrivateToken);
    for location in [
        format!("ftp://user:{SECRET}@files.example/x?{SECRET}"),
        format!("javascript:alert('{SECRET}')"),
    ] {
        api.reset().await;
        Mock::given(path("/api/v4/start"))
            .respond_with(redirect(302, &location))
            .mount(&api)
            .await;
        let err = client
            .send(request(&client, Method::GET, "v4/start"))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Redirect {
                    status: 302,
                    reason: RedirectRefusal::NotHttp,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("302"), "{err}");
        assert!(!format!("{err} {err:?}").contains(SECRET), "{err:?}");
    }

    api.reset().await;
    Mock::given(path("/api/v4/start"))
        .respond_with(ResponseTemplate::new(302))
        .mount(&api)
        .await;
    let err = client
        .send(request(&client, Method::GET, "v4/start"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(reqwest::StatusCode::FOUND), "{err:?}");
    assert!(matches!(err, Error::Api(_)), "{err:?}");
    assert_eq!(received(&api).await.len(), 1);
}

#[tokio::test]
async fn an_http_client_that_follows_redirects_itself_is_detected() {
    let api = MockServer::start().await;
    let other = MockServer::start().await;
    mount_redirect(&api, &other, 302, &format!("{}/landing", other.uri())).await;
    let base = api.uri();

    // reqwest's default client follows redirects (and would have carried PRIVATE-TOKEN).
    let client = Client::with_http_client(&base, reqwest::Client::new())
        .unwrap()
        .with_private_token(format!("glpat-{SECRET}"));
    let err = client
        .send(request(&client, Method::GET, "v4/start"))
        .await
        .unwrap_err();
    let Error::RedirectedByHttpClient { sent, answered } = &err else {
        panic!("expected the redirect to be detected, got {err:?}")
    };
    assert_eq!(sent, &format!("{}/api/v4/start", api.uri()));
    assert_eq!(answered, &format!("{}/landing", other.uri()));
    assert!(err.to_string().contains("Policy::none()"), "{err}");

    // Built as `with_http_client` says: the runtime follows, without the credential.
    other.reset().await;
    mount_redirect(&api, &other, 302, &format!("{}/landing", other.uri())).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .referer(false)
        .build()
        .unwrap();
    let client = Client::with_http_client(&base, http)
        .unwrap()
        .with_private_token(format!("glpat-{SECRET}"));
    landed(&client, request(&client, Method::GET, "v4/start"))
        .await
        .unwrap();
    assert_clean(
        &received(&other).await,
        Credential::PrivateToken,
        "own client",
    );
}
