//! Runtime of the generated client: the parts that never vary from one spec to another.
//!
//! The generator copies this file verbatim into every client it writes (`src/runtime.rs`);
//! edit it in the generator (`generator/runtime/runtime.rs`), never in a generated crate.
//! The operations of the client are thin, generated wrappers over [`Request`] and
//! [`Client::send`]; both are public so that an application can also call an endpoint that the
//! spec does not describe, with the same authentication, encoding and error handling.
//!
//! Besides encoding and errors it holds what every production client needs: retries of
//! idempotent requests with backoff ([`RetryPolicy`]), redirects followed without carrying
//! credentials to another origin ([`RedirectPolicy`]), response bodies read up to a size limit
//! ([`Client::with_max_response_bytes`]), pagination that stops on loops and after a page limit
//! (by `page` and `Link` headers, or by a cursor in the body, in clients whose operations page
//! so), and, behind the cargo feature `blocking`, a shared runtime for callers that are not
//! async (`block_on`).
//! Behind the cargo feature `tracing`, each request's answer, failure, redirect and retry is a
//! `tracing` event (target: this module; URLs without query, fragment or user); without it the
//! events cost nothing, as they are not compiled.

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime};

// @section tracing: in a client crate, whose `tracing` feature turns the events on.
/// A `tracing` event (`event!(debug, key = value, "message")`) when the client's `tracing`
/// feature is on; nothing at all when it is off: the arguments are not even evaluated.
macro_rules! event {
    ($level:ident, $($arg:tt)+) => {{
        #[cfg(feature = "tracing")]
        {
            ::tracing::$level!($($arg)+);
        }
    }};
}
// @end tracing
// @section no_tracing: in an included module, which has no cargo feature: no event.
/// No event: a client included from `OUT_DIR` logs nothing.
macro_rules! event {
    ($level:ident, $($arg:tt)+) => {{}};
}
// @end no_tracing

/// The connection to one API server: base URL, credentials and the HTTP client.
///
/// Cloning is cheap (the connection pool is shared). Credentials (the base URL's user info
/// among them) never appear in `Debug` output or in errors.
#[derive(Clone)]
pub struct Client {
    base_url: url::Url,
    http: reqwest::Client,
    credentials: Vec<Credential>,
    retry: RetryPolicy,
    redirect: RedirectPolicy,
    max_response_bytes: usize,
    max_pages: usize,
}

#[derive(Clone)]
enum Credential {
    Header {
        name: &'static str,
        value: String,
    },
    Query {
        name: &'static str,
        value: String,
    },
    /// The user info of the base URL (`https://user:password@host/`), sent as HTTP Basic
    /// authentication, as reqwest would, but only to the base URL's origin.
    Basic {
        username: String,
        password: Option<String>,
    },
}

impl Credential {
    fn name(&self) -> &'static str {
        match self {
            Credential::Header { name, .. } | Credential::Query { name, .. } => name,
            Credential::Basic { .. } => "Authorization",
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let credentials: Vec<String> = self
            .credentials
            .iter()
            .map(|c| format!("{}: <redacted>", c.name()))
            .collect();
        f.debug_struct("Client")
            .field("base_url", &redacted(&self.base_url))
            .field("credentials", &credentials)
            .field("retry", &self.retry)
            .field("redirect", &self.redirect)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("max_pages", &self.max_pages)
            .finish_non_exhaustive()
    }
}

/// How long to wait for a connection before giving up.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a whole request (connect, send, read the response) may take.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The largest response body a client reads by default (64 MiB); see
/// [`Client::with_max_response_bytes`].
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;
/// The most pages one pagination stream fetches by default; see [`Client::with_max_pages`].
pub const DEFAULT_MAX_PAGES: usize = 10_000;
/// How much of an error body (a status outside 2xx) is read at most: 64 KiB. The rest is not
/// read; [`ApiError::truncated`] says so.
pub const MAX_ERROR_BODY_READ: usize = 64 * 1024;
/// How much of a body an error keeps ([`ApiError::raw`], the body of [`Error::Decode`]): its
/// first 4 KiB.
pub const MAX_ERROR_BODY_KEPT: usize = 4 * 1024;

impl Client {
    /// A client for the API at `base_url` (for GitLab: `https://gitlab.example.com/api/`),
    /// with TLS certificate verification, a 10 s connect timeout, a 60 s request timeout, the
    /// default [`RetryPolicy`] and [`RedirectPolicy`], and responses of at most
    /// [`DEFAULT_MAX_RESPONSE_BYTES`].
    ///
    /// User info in `base_url` (`https://user:password@host/`) is sent as HTTP Basic
    /// authentication, like any other credential only to the base URL's origin; it is not part
    /// of [`Client::base_url`] and never shows in `Debug` output or errors.
    pub fn new(base_url: &str) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
            .timeout(DEFAULT_TIMEOUT)
            .user_agent(concat!(
                env!("CARGO_PKG_NAME"),
                "/",
                env!("CARGO_PKG_VERSION")
            ))
            // The runtime follows redirects itself (`Client::send`): reqwest's own following
            // would carry `PRIVATE-TOKEN`-style headers, query credentials and request bodies
            // to any host a redirect names, and a `Referer` with the query.
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .build()?;
        Self::with_http_client(base_url, http)
    }

    /// A client that sends its requests through `http` (your timeouts, proxies, TLS roots),
    /// with the default [`RetryPolicy`].
    ///
    /// `http` must not follow redirects itself: build it with
    /// `.redirect(reqwest::redirect::Policy::none())` and `.referer(false)`. The runtime
    /// follows redirects for it ([`Client::send`]), sending credentials only to the base URL's
    /// origin, and never a `Referer`. A client that follows them itself (reqwest's default)
    /// carries every credential but `Authorization` (`PRIVATE-TOKEN`, `JOB-TOKEN`, `Sudo`, query
    /// tokens) and the request body to whatever host a redirect names, and sends the URL it came
    /// from, query token included, as `Referer`. The runtime cannot see how `http` was built:
    /// when a response comes from another URL than the one it sent, it returns
    /// [`Error::RedirectedByHttpClient`] instead of the response, but by then the request has
    /// been sent there.
    pub fn with_http_client(base_url: &str, http: reqwest::Client) -> Result<Self, Error> {
        let invalid = |reason: String| Error::InvalidBaseUrl {
            url: redacted_text(base_url),
            reason,
        };
        let mut url = url::Url::parse(base_url).map_err(|e| invalid(e.to_string()))?;
        if url.cannot_be_a_base() || !matches!(url.scheme(), "http" | "https") {
            return Err(invalid(
                "the base URL must be an http:// or https:// URL".to_owned(),
            ));
        }
        url.set_query(None);
        url.set_fragment(None);
        let mut credentials = Vec::new();
        if !url.username().is_empty() || url.password().is_some() {
            let decode = |text: &str| {
                percent_encoding::percent_decode_str(text)
                    .decode_utf8_lossy()
                    .into_owned()
            };
            credentials.push(Credential::Basic {
                username: decode(url.username()),
                password: url.password().map(decode),
            });
            // An http(s) URL has a host, so both succeed.
            let _ = url.set_username("");
            let _ = url.set_password(None);
        }
        Ok(Client {
            base_url: url,
            http,
            credentials,
            retry: RetryPolicy::default(),
            redirect: RedirectPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_pages: DEFAULT_MAX_PAGES,
        })
    }

    /// Retries failed idempotent requests as `policy` says; [`RetryPolicy::none`] turns
    /// retries off.
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How this client retries failed requests.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    /// Follows redirects as `policy` says (how many, and whether to another origin).
    pub fn with_redirect_policy(mut self, policy: RedirectPolicy) -> Self {
        self.redirect = policy;
        self
    }

    /// How this client follows redirects.
    pub fn redirect_policy(&self) -> RedirectPolicy {
        self.redirect
    }

    /// Reads response bodies of at most `bytes` bytes (default [`DEFAULT_MAX_RESPONSE_BYTES`]);
    /// a larger one is [`Error::ResponseTooLarge`], found from its `Content-Length` before
    /// reading, or while reading when it has none. Every reader of this module keeps to it,
    /// for the responses of [`Client::send`]. Error bodies are read up to
    /// [`MAX_ERROR_BODY_READ`] (or this limit, if lower) and cut there.
    pub fn with_max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// The largest response body this client reads.
    pub fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }

    /// Fetches at most `pages` pages (at least 1) in one pagination stream (default
    /// [`DEFAULT_MAX_PAGES`]); a stream whose last allowed page still names a next one ends
    /// with [`Error::TooManyPages`].
    pub fn with_max_pages(mut self, pages: usize) -> Self {
        // The first page is always fetched.
        self.max_pages = pages.max(1);
        self
    }

    /// The most pages one pagination stream of this client fetches.
    pub fn max_pages(&self) -> usize {
        self.max_pages
    }

    /// Authenticates with `Authorization: Bearer <token>` (OAuth2 access tokens).
    pub fn with_bearer_token(self, token: impl Into<String>) -> Self {
        let value = format!("Bearer {}", token.into());
        self.with_header_credential("Authorization", value)
    }

    /// Sends `value` in the header `name` with every request to the base URL's origin,
    /// replacing an earlier credential sent in the same header. The generated `with_…`
    /// methods of API-key schemes call this.
    pub fn with_header_credential(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.credentials
            .retain(|c| !c.name().eq_ignore_ascii_case(name));
        self.credentials.push(Credential::Header {
            name,
            value: value.into(),
        });
        self
    }

    /// Sends `value` as the query parameter `name` with every request to the base URL's
    /// origin.
    pub fn with_query_credential(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.credentials.retain(|c| c.name() != name);
        self.credentials.push(Credential::Query {
            name,
            value: value.into(),
        });
        self
    }

    /// The base URL that operation paths are appended to (without user info).
    pub fn base_url(&self) -> &url::Url {
        &self.base_url
    }

    /// The underlying HTTP client.
    pub fn http_client(&self) -> &reqwest::Client {
        &self.http
    }

    /// Sends `request` with this client's credentials; a status outside 2xx is an
    /// [`Error::Api`] carrying the status and the decoded error body (of which at most
    /// [`MAX_ERROR_BODY_READ`] bytes are read).
    ///
    /// An idempotent request (GET, HEAD, PUT, DELETE, OPTIONS, TRACE; never POST or PATCH)
    /// that is answered 429, 500, 502, 503 or 504, or that fails to connect or times out, is
    /// sent again as the client's [`RetryPolicy`] says; the caller gets the outcome of the
    /// last attempt. Failures while reading a body after this returns are not retried.
    ///
    /// Redirects (301, 302, 303, 307, 308 with a `Location`) are followed here, as the
    /// client's [`RedirectPolicy`] says, for every request (the pages of a list too).
    /// Credentials go only to the base URL's origin (scheme, host and port): a redirect to
    /// another origin is followed without them (or refused, as the policy says), and once a
    /// chain of redirects has left the origin no later request of it carries them. 301 and
    /// 302 turn a POST into a GET without body, 303 turns anything but HEAD into one; other
    /// redirects keep the method and body, and are refused ([`Error::Redirect`]) when that
    /// would send the body to another origin. No `Referer` is sent. A 3xx without `Location`
    /// is an [`Error::Api`] like any status outside 2xx.
    pub async fn send(&self, request: Request) -> Result<reqwest::Response, Error> {
        let idempotent = is_idempotent(&request.method);
        let mut attempt = 0;
        loop {
            let outcome = send_following_redirects(self, &request).await;
            if idempotent && attempt < self.retry.max_retries {
                let wait = match &outcome {
                    Ok(response) if is_retryable_status(response.status()) => {
                        Some(self.retry.delay(
                            attempt,
                            Some((response.status(), response.headers())),
                            SystemTime::now(),
                            full_jitter,
                        ))
                    }
                    Err(Error::Transport(e)) if e.is_connect() || e.is_timeout() => Some(
                        self.retry
                            .delay(attempt, None, SystemTime::now(), full_jitter),
                    ),
                    _ => None,
                };
                if let Some(wait) = wait {
                    event!(
                        info,
                        method = %request.method,
                        url = %redacted(&request.url),
                        retry = attempt + 1,
                        wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        status = outcome.as_ref().map_or(0, |r| r.status().as_u16()),
                        "retrying"
                    );
                    // An unread body only costs the connection; reading it could take long.
                    drop(outcome);
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                    continue;
                }
            }
            let mut response = outcome?;
            let status = response.status();
            if status.is_success() {
                // The readers of this module find the client's limit here; the default
                // needs nothing (and costs nothing).
                if self.max_response_bytes != DEFAULT_MAX_RESPONSE_BYTES {
                    response
                        .extensions_mut()
                        .insert(BodyLimit(self.max_response_bytes));
                }
                return Ok(response);
            }
            let limit = MAX_ERROR_BODY_READ.min(self.max_response_bytes);
            let (bytes, cut) = read_prefix(response, limit).await?;
            return Err(Error::Api(Box::new(ApiError::read(status, &bytes, cut))));
        }
    }
}

/// The body limit of a client other than the default, carried by the responses of
/// [`Client::send`] to the readers ([`json`], [`bytes`], [`empty`]).
#[derive(Debug, Clone, Copy)]
struct BodyLimit(usize);

/// How [`Client::send`] follows redirects.
///
/// Whatever the policy, credentials are sent only to the base URL's origin (scheme, host and
/// port), never after a redirect chain has left it, and a redirect that would send the
/// request body to another origin is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedirectPolicy {
    /// Redirects followed for one request; the next one is [`Error::Redirect`]
    /// ([`RedirectRefusal::TooMany`]). 0 refuses every redirect.
    pub max_redirects: u32,
    /// What to do with a redirect to another origin.
    pub cross_origin: CrossOrigin,
}

/// What [`Client::send`] does with a redirect to another origin than the base URL's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CrossOrigin {
    /// Follow it without any credential (GitLab sends downloads of artifacts, LFS objects and
    /// uploads to object storage this way).
    #[default]
    FollowWithoutCredentials,
    /// Do not follow it: [`Error::Redirect`] ([`RedirectRefusal::CrossOrigin`]).
    Refuse,
}

impl Default for RedirectPolicy {
    /// Up to 10 redirects; to another origin without credentials.
    fn default() -> Self {
        RedirectPolicy {
            max_redirects: 10,
            cross_origin: CrossOrigin::FollowWithoutCredentials,
        }
    }
}

/// Why [`Client::send`] did not follow a redirect (in [`Error::Redirect`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RedirectRefusal {
    /// The target is on another origin, and the [`RedirectPolicy`] refuses those.
    CrossOrigin,
    /// The target is on another origin, and following would send the request body there
    /// (307 or 308, or 301 or 302 of a method other than POST).
    BodyToOtherOrigin,
    /// The request was redirected `max` times already.
    TooMany { max: u32 },
    /// The `Location` is not an http:// or https:// URL.
    NotHttp,
}

impl fmt::Display for RedirectRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RedirectRefusal::CrossOrigin => {
                f.write_str("it leaves the API's origin, and the redirect policy refuses that")
            }
            RedirectRefusal::BodyToOtherOrigin => f.write_str(
                "it leaves the API's origin and would send the request body there, which may carry secrets",
            ),
            RedirectRefusal::TooMany { max } => write!(f, "after {max} redirects, no more"),
            RedirectRefusal::NotHttp => f.write_str("the Location is not an http(s) URL"),
        }
    }
}

/// The statuses whose `Location` [`Client::send`] follows.
fn is_redirect(status: reqwest::StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

/// Whether `url` has the scheme, host and port of `base`.
fn same_origin(url: &url::Url, base: &url::Url) -> bool {
    url.scheme() == base.scheme()
        && url.host() == base.host()
        && url.port_or_known_default() == base.port_or_known_default()
}

/// One attempt at `request`, with the redirects it is answered with followed as the client's
/// [`RedirectPolicy`] says: the last response, whatever its status.
async fn send_following_redirects(
    client: &Client,
    request: &Request,
) -> Result<reqwest::Response, Error> {
    let credentials = same_origin(&request.url, &client.base_url);
    let hop = Hop {
        method: &request.method,
        url: &request.url,
        body: true,
        credentials,
    };
    let response = send_hop(client, request, hop).await?;
    if !is_redirect(response.status()) {
        return Ok(response);
    }
    // Boxed: the common case (no redirect) keeps a small future.
    Box::pin(follow_redirects(client, request, response, credentials)).await
}

/// Follows the redirects that `response` (to the first request for `request`) starts.
async fn follow_redirects(
    client: &Client,
    request: &Request,
    mut response: reqwest::Response,
    mut credentials: bool,
) -> Result<reqwest::Response, Error> {
    let policy = client.redirect;
    let mut method = request.method.clone();
    let mut body = request.body.is_some();
    let mut redirects = 0;
    loop {
        let status = response.status();
        if !is_redirect(status) {
            return Ok(response);
        }
        let Some(location) = response.headers().get(reqwest::header::LOCATION) else {
            return Ok(response);
        };
        let refuse = |url: String, reason| Error::Redirect {
            status: status.as_u16(),
            url,
            reason,
        };
        let target = location
            .to_str()
            .ok()
            .and_then(|l| response.url().join(l.trim()).ok());
        let mut target = match target {
            Some(url) if matches!(url.scheme(), "http" | "https") => url,
            Some(url) => return Err(refuse(redacted(&url), RedirectRefusal::NotHttp)),
            None => {
                let text = String::from_utf8_lossy(location.as_bytes());
                return Err(refuse(redacted_text(&text), RedirectRefusal::NotHttp));
            }
        };
        if redirects >= policy.max_redirects {
            let max = policy.max_redirects;
            return Err(refuse(redacted(&target), RedirectRefusal::TooMany { max }));
        }
        redirects += 1;
        event!(
            debug,
            status = status.as_u16(),
            to = %redacted(&target),
            redirect = redirects,
            "following a redirect"
        );
        match status.as_u16() {
            301 | 302 if method == reqwest::Method::POST => {
                method = reqwest::Method::GET;
                body = false;
            }
            303 if method != reqwest::Method::HEAD => {
                method = reqwest::Method::GET;
                body = false;
            }
            _ => {}
        }
        if !same_origin(&target, &client.base_url) {
            if policy.cross_origin == CrossOrigin::Refuse {
                return Err(refuse(redacted(&target), RedirectRefusal::CrossOrigin));
            }
            if body {
                return Err(refuse(
                    redacted(&target),
                    RedirectRefusal::BodyToOtherOrigin,
                ));
            }
            credentials = false;
        }
        // A server that repeats the query in its Location repeats query credentials too:
        // they are added again only where credentials go.
        remove_query_credentials(client, &mut target);
        target.set_fragment(None);
        drop(response);
        let hop = Hop {
            method: &method,
            url: &target,
            body,
            credentials,
        };
        response = send_hop(client, request, hop).await?;
    }
}

/// One HTTP request of a redirect chain: `request`'s headers, with this method and URL, its
/// body or not, and the client's credentials or not.
#[derive(Clone, Copy)]
struct Hop<'r> {
    method: &'r reqwest::Method,
    url: &'r url::Url,
    body: bool,
    credentials: bool,
}

/// Sends one hop; any status is returned as a response.
///
/// A free function rather than a method, so that it cannot collide with the name of a
/// generated operation method of [`Client`].
async fn send_hop(
    client: &Client,
    request: &Request,
    hop: Hop<'_>,
) -> Result<reqwest::Response, Error> {
    let query_credentials = hop.credentials
        && client
            .credentials
            .iter()
            .any(|c| matches!(c, Credential::Query { .. }));
    let with_query;
    let url = if query_credentials || hop.url.query() == Some("") {
        let mut url = hop.url.clone();
        if query_credentials {
            for c in &client.credentials {
                if let Credential::Query { name, value } = c {
                    url.query_pairs_mut().append_pair(name, value);
                }
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        with_query = url;
        &with_query
    } else {
        hop.url
    };
    let mut builder = client.http.request(hop.method.clone(), url.clone());
    if hop.credentials {
        for c in &client.credentials {
            match c {
                Credential::Header { name, value } => {
                    let mut value = reqwest::header::HeaderValue::from_str(value)
                        .map_err(|_| Error::InvalidHeader(name))?;
                    value.set_sensitive(true);
                    builder = builder.header(*name, value);
                }
                Credential::Basic { username, password } => {
                    builder = builder.basic_auth(username, password.as_ref());
                }
                Credential::Query { .. } => {}
            }
        }
    }
    for (name, value) in &request.headers {
        let value = reqwest::header::HeaderValue::from_str(value)
            .map_err(|_| Error::InvalidHeader(name))?;
        builder = builder.header(*name, value);
    }
    if hop.body {
        builder = with_body(builder, request.body.as_ref())?;
    }
    let response = match builder.send().await {
        Ok(response) => response,
        Err(e) => {
            event!(
                debug,
                method = %hop.method,
                url = %redacted(hop.url),
                error = %e,
                "request failed"
            );
            return Err(Error::transport(e));
        }
    };
    event!(
        debug,
        method = %hop.method,
        url = %redacted(hop.url),
        status = response.status().as_u16(),
        credentials = hop.credentials,
        "response"
    );
    // The runtime's own HTTP client follows no redirect; a client given to
    // `with_http_client` that does has sent the request somewhere else.
    if response.url() != url {
        return Err(Error::RedirectedByHttpClient {
            sent: redacted(url),
            answered: redacted(response.url()),
        });
    }
    Ok(response)
}

/// `builder` with `body` (and its `Content-Type`).
fn with_body(
    mut builder: reqwest::RequestBuilder,
    body: Option<&Body>,
) -> Result<reqwest::RequestBuilder, Error> {
    match body {
        Some(Body::Bytes {
            content_type,
            bytes,
        }) => {
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, *content_type)
                .body(bytes.clone());
        }
        Some(Body::Form {
            multipart: false,
            fields,
        }) => {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            for (name, value) in fields {
                match value {
                    FormValue::Text(text) => form.append_pair(name, text),
                    // A file in a urlencoded form can only be its text.
                    FormValue::File(file) => {
                        form.append_pair(name, &String::from_utf8_lossy(&file.bytes))
                    }
                };
            }
            builder = builder
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(form.finish());
        }
        Some(Body::Form {
            multipart: true,
            fields,
        }) => {
            let mut form = reqwest::multipart::Form::new();
            for (name, value) in fields {
                form = match value {
                    FormValue::Text(text) => form.text(name.clone(), text.clone()),
                    FormValue::File(file) => {
                        let content_type = file
                            .content_type
                            .as_deref()
                            .unwrap_or("application/octet-stream");
                        let part = reqwest::multipart::Part::bytes(file.bytes.clone())
                            .file_name(file.file_name.clone())
                            .mime_str(content_type)
                            .map_err(|_| Error::InvalidHeader("Content-Type"))?;
                        form.part(name.clone(), part)
                    }
                };
            }
            builder = builder.multipart(form);
        }
        None => {}
    }
    Ok(builder)
}

/// Removes from `url`'s query the pairs named like the client's query credentials.
fn remove_query_credentials(client: &Client, url: &mut url::Url) {
    let is_credential = |name: &str| {
        client
            .credentials
            .iter()
            .any(|c| matches!(c, Credential::Query { name: n, .. } if *n == name))
    };
    if url.query_pairs().any(|(k, _)| is_credential(&k)) {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| !is_credential(k))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        url.query_pairs_mut().clear().extend_pairs(kept);
        if url.query() == Some("") {
            url.set_query(None);
        }
    }
}

/// Methods that RFC 9110 (§9.2.2) calls idempotent: sending one twice does no more than
/// sending it once, so a request that may or may not have arrived can be sent again.
fn is_idempotent(method: &reqwest::Method) -> bool {
    matches!(
        method.as_str(),
        "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS" | "TRACE"
    )
}

/// Statuses that say "try again later": rate limited, or a server or gateway failure.
fn is_retryable_status(status: reqwest::StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

/// When and how often [`Client::send`] sends a failed idempotent request again.
///
/// Before each retry it waits what the server asked for (`Retry-After`, in seconds or as an
/// HTTP date; on 429 GitLab's `RateLimit-Reset`), or else an exponential backoff with full
/// jitter: a random time between zero and `initial_backoff * 2^retry`. No wait is longer than
/// `max_backoff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 sends every request once.
    pub max_retries: u32,
    /// The backoff bound of the first retry; it doubles with each further retry.
    pub initial_backoff: Duration,
    /// The longest wait before a retry, whatever the server asks for.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// 3 retries, 500 ms initial backoff, at most 30 s between attempts.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// No retries: every request is sent once.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// The wait before retry number `attempt` (0 for the first), after `response` (its status
    /// and headers; `None` after a transport error). `jitter` picks the backoff within its
    /// bound; tests pass a fixed one.
    fn delay(
        &self,
        attempt: u32,
        response: Option<(reqwest::StatusCode, &reqwest::header::HeaderMap)>,
        now: SystemTime,
        jitter: fn(Duration) -> Duration,
    ) -> Duration {
        let asked = response.and_then(|(status, headers)| {
            retry_after(headers, now).or_else(|| {
                if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
                    rate_limit_reset(headers, now)
                } else {
                    None
                }
            })
        });
        let wait = asked.unwrap_or_else(|| {
            let bound = self
                .initial_backoff
                .saturating_mul(2u32.saturating_pow(attempt));
            jitter(bound.min(self.max_backoff))
        });
        wait.min(self.max_backoff)
    }
}

/// "Full jitter": uniformly random between zero and `bound`, so that clients that failed
/// together do not retry together. The randomness is `fastrand`'s thread-local generator.
fn full_jitter(bound: Duration) -> Duration {
    let nanos = u64::try_from(bound.as_nanos()).unwrap_or(u64::MAX);
    Duration::from_nanos(fastrand::u64(..=nanos))
}

/// A header's value as trimmed text, if it is there and is text.
fn header_text<'h>(headers: &'h reqwest::header::HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name)?.to_str().ok().map(str::trim)
}

/// `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP date. A date in the past means
/// now; a value that is neither is ignored.
fn retry_after(headers: &reqwest::header::HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = header_text(headers, "retry-after")?;
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// GitLab's `RateLimit-Reset`: the Unix time (seconds) at which the rate limit resets.
///
/// The IETF RateLimit header draft uses the same name for delay-seconds; a value below
/// 1,000,000,000 (2001-09-09 as a Unix time) cannot be a reset time still to come, so it is
/// read as seconds to wait.
fn rate_limit_reset(headers: &reqwest::header::HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = header_text(headers, "ratelimit-reset")?
        .parse::<u64>()
        .ok()?;
    if value < 1_000_000_000 {
        return Some(Duration::from_secs(value));
    }
    let reset = SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(value))?;
    Some(reset.duration_since(now).unwrap_or(Duration::ZERO))
}

/// One HTTP request being built: method, URL (path segments and query) and headers.
///
/// Cloning copies the body; pagination clones a request to ask for the next page.
#[derive(Debug, Clone)]
pub struct Request {
    method: reqwest::Method,
    url: url::Url,
    headers: Vec<(&'static str, String)>,
    body: Option<Body>,
}

/// What a request carries after its headers.
#[derive(Debug, Clone)]
enum Body {
    Bytes {
        content_type: &'static str,
        bytes: Vec<u8>,
    },
    /// Fields of an `application/x-www-form-urlencoded` or `multipart/form-data` body, in order.
    Form {
        multipart: bool,
        fields: Vec<(String, FormValue)>,
    },
}

#[derive(Debug, Clone)]
enum FormValue {
    Text(String),
    File(File),
}

/// A file to upload in a `multipart/form-data` body.
#[derive(Clone, PartialEq, Eq)]
pub struct File {
    /// The file name sent with the part (`filename=` of its `Content-Disposition`).
    pub file_name: String,
    /// The part's `Content-Type`; `application/octet-stream` when not given.
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

impl File {
    /// A file named `file_name` holding `bytes`.
    pub fn new(file_name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        File {
            file_name: file_name.into(),
            content_type: None,
            bytes: bytes.into(),
        }
    }

    /// Reads the file at `path`; its name is the path's last component.
    pub fn from_path(path: impl AsRef<std::path::Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(File::new(name, bytes))
    }

    /// Sets the part's `Content-Type`.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// What a path segment percent-encodes: the characters the URL standard encodes in a segment
/// (controls, space, `"`, `#`, `<`, `>`, `?`, `{`, `}`, the backtick, `/`, `%`, and `\`, a
/// separator in `http(s)` URLs), so the value arrives as exactly one segment that decodes back to
/// itself.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'?')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%')
    .add(b'\\');

impl Request {
    /// A request for the path made of `segments` below the client's base URL. Each segment is
    /// percent-encoded as one path segment (`group/project` → `group%2Fproject`), so no value
    /// can add segments, climb out of the path or change the host; `.`, `..` and empty values,
    /// which URL normalization would remove, are refused.
    pub fn new(
        client: &Client,
        method: reqwest::Method,
        segments: &[impl AsRef<str>],
    ) -> Result<Self, Error> {
        let mut url = client.base_url.clone();
        if url.cannot_be_a_base() {
            return Err(Error::InvalidBaseUrl {
                url: client.base_url.to_string(),
                reason: "the base URL cannot have a path".to_owned(),
            });
        }
        // Encoded here rather than by `url`'s own segment push, which drops tabs and line ends
        // (as the URL standard does for parsed input): `.\t.` would arrive as a `..` segment.
        let mut path = url.path().trim_end_matches('/').to_owned();
        for segment in segments {
            let segment = segment.as_ref();
            if segment.is_empty() || segment == "." || segment == ".." {
                return Err(Error::InvalidPathSegment(segment.to_owned()));
            }
            path.push('/');
            path.extend(percent_encoding::utf8_percent_encode(segment, PATH_SEGMENT));
        }
        if path.is_empty() {
            path.push('/');
        }
        url.set_path(&path);
        Ok(Request {
            method,
            url,
            headers: Vec::new(),
            body: None,
        })
    }

    /// Removes every query pair named `name`.
    pub fn remove_query(&mut self, name: &str) {
        if !self.url.query_pairs().any(|(k, _)| k == name) {
            return;
        }
        let kept: Vec<(String, String)> = self
            .url
            .query_pairs()
            .filter(|(k, _)| k != name)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        self.url.query_pairs_mut().clear().extend_pairs(kept);
        if self.url.query() == Some("") {
            self.url.set_query(None);
        }
    }

    /// Appends `name=value` to the query string.
    pub fn query(&mut self, name: &str, value: &(impl ParamValue + ?Sized)) {
        self.url
            .query_pairs_mut()
            .append_pair(name, &value.to_param());
    }

    /// Appends a structured query parameter as OpenAPI's default for it reads (`style: form`,
    /// `explode: true`): each member of an object is a pair of its own (`key=value`), each
    /// element of an array repeats `name=element`, a scalar is `name=value`. Values nested
    /// deeper are sent as JSON text; `null`s are left out.
    pub fn query_object<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), Error> {
        fn text(v: &serde_json::Value) -> Option<String> {
            match v {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) => Some(s.clone()),
                other => Some(other.to_string()),
            }
        }
        let value = serde_json::to_value(value).map_err(Error::Encode)?;
        let mut pairs = self.url.query_pairs_mut();
        match &value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    if let Some(t) = text(v) {
                        pairs.append_pair(k, &t);
                    }
                }
            }
            serde_json::Value::Array(items) => {
                for t in items.iter().filter_map(text) {
                    pairs.append_pair(name, &t);
                }
            }
            other => {
                if let Some(t) = text(other) {
                    pairs.append_pair(name, &t);
                }
            }
        }
        Ok(())
    }

    /// Appends a structured query parameter as `style: deepObject` reads it (Rails, PHP, `qs`):
    /// `name[key]=value` for each member of an object, `name[key][]=item` for each element of
    /// an array, `name[key][inner]=value` deeper; `null`s are left out.
    pub fn query_deep_object<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), Error> {
        let value = serde_json::to_value(value).map_err(Error::Encode)?;
        let mut pairs = self.url.query_pairs_mut();
        for (k, v) in nested_pairs(name, &value) {
            pairs.append_pair(&k, &v);
        }
        Ok(())
    }

    /// Sets the query parameter `name` to `value`: the first pair named `name` takes the new
    /// value and any others are removed; without one, `name=value` is appended.
    pub fn set_query(&mut self, name: &str, value: &(impl ParamValue + ?Sized)) {
        let value = value.to_param();
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut replaced = false;
        for (k, v) in self.url.query_pairs() {
            if k != name {
                pairs.push((k.into_owned(), v.into_owned()));
            } else if !replaced {
                pairs.push((k.into_owned(), value.clone()));
                replaced = true;
            }
        }
        if !replaced {
            pairs.push((name.to_owned(), value));
        }
        self.url.query_pairs_mut().clear().extend_pairs(pairs);
    }

    /// Appends an array to the query string in `style`.
    pub fn query_array<T: ParamValue>(&mut self, name: &str, values: &[T], style: ArrayStyle) {
        if values.is_empty() {
            return;
        }
        let joined = |sep: &str| {
            values
                .iter()
                .map(ParamValue::to_param)
                .collect::<Vec<_>>()
                .join(sep)
        };
        let mut pairs = self.url.query_pairs_mut();
        match style {
            ArrayStyle::Repeat => {
                for v in values {
                    pairs.append_pair(name, &v.to_param());
                }
            }
            ArrayStyle::Comma => {
                pairs.append_pair(name, &joined(","));
            }
            ArrayStyle::Space => {
                pairs.append_pair(name, &joined(" "));
            }
            ArrayStyle::Pipe => {
                pairs.append_pair(name, &joined("|"));
            }
        }
    }

    /// Sets a header from a parameter.
    /// Adds a header whose value is a structure, as JSON text.
    pub fn header_json<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let text = serde_json::to_string(value).map_err(Error::Encode)?;
        self.headers.push((name, text));
        Ok(())
    }

    pub fn header(&mut self, name: &'static str, value: &(impl ParamValue + ?Sized)) {
        self.headers.push((name, value.to_param()));
    }

    /// Sets a JSON body.
    pub fn json_body<T: serde::Serialize + ?Sized>(&mut self, body: &T) -> Result<(), Error> {
        self.json_body_as(body, "application/json")
    }

    /// Sets a JSON body sent with a media type of its own (`application/merge-patch+json`).
    pub fn json_body_as<T: serde::Serialize + ?Sized>(
        &mut self,
        body: &T,
        content_type: &'static str,
    ) -> Result<(), Error> {
        let bytes = serde_json::to_vec(body).map_err(Error::Encode)?;
        self.body = Some(Body::Bytes {
            content_type,
            bytes,
        });
        Ok(())
    }

    /// Sets a body of bytes sent as they are, with the media type the spec declares
    /// (`application/octet-stream`, `text/plain`, `image/png`): an upload.
    pub fn bytes_body(&mut self, bytes: &[u8], content_type: &'static str) {
        self.body = Some(Body::Bytes {
            content_type,
            bytes: bytes.to_vec(),
        });
    }

    /// Starts a form body: `multipart/form-data` if `multipart`, else
    /// `application/x-www-form-urlencoded`. Fields are sent in the order they are added.
    pub fn start_form(&mut self, multipart: bool) {
        self.body = Some(Body::Form {
            multipart,
            fields: Vec::new(),
        });
    }

    fn form_fields(&mut self) -> &mut Vec<(String, FormValue)> {
        if !matches!(self.body, Some(Body::Form { .. })) {
            self.start_form(false);
        }
        match &mut self.body {
            Some(Body::Form { fields, .. }) => fields,
            _ => unreachable!("start_form just set a form body"),
        }
    }

    /// Removes the form fields named `name` (and, for a structured field, `name[…]`).
    pub fn remove_form_field(&mut self, name: &str) {
        if let Some(Body::Form { fields, .. }) = &mut self.body {
            fields.retain(|(n, _)| {
                n != name && !(n.starts_with(name) && n[name.len()..].starts_with('['))
            });
        }
    }

    /// Adds a form field.
    pub fn form_field(&mut self, name: &str, value: &(impl ParamValue + ?Sized)) {
        let value = value.to_param();
        self.form_fields()
            .push((name.to_owned(), FormValue::Text(value)));
    }

    /// Adds one form field per value, all named `name`.
    pub fn form_field_array<T: ParamValue>(&mut self, name: &str, values: &[T]) {
        for v in values {
            self.form_field(name, v);
        }
    }

    /// Adds a structured value as nested fields, the way Rails, PHP and OpenAPI's `deepObject`
    /// read them: `name[key]=value`, `name[key][]=item`, `name[key][inner]=value`.
    pub fn form_object<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), Error> {
        let value = serde_json::to_value(value).map_err(Error::Encode)?;
        let fields = nested_pairs(name, &value)
            .into_iter()
            .map(|(k, v)| (k, FormValue::Text(v)));
        self.form_fields().extend(fields);
        Ok(())
    }

    /// Adds a file (a part with a file name in a multipart body).
    pub fn form_file(&mut self, name: &str, file: &File) {
        self.form_fields()
            .push((name.to_owned(), FormValue::File(file.clone())));
    }

    /// The URL as it will be sent (without query credentials).
    pub fn url(&self) -> &url::Url {
        &self.url
    }
}

/// How an array query parameter is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArrayStyle {
    /// `a=1&a=2`
    Repeat,
    /// `a=1,2`
    Comma,
    /// `a=1 2`
    Space,
    /// `a=1|2`
    Pipe,
}

/// The response to a request that succeeded (2xx), body read (up to the client's
/// [`max_response_bytes`](Client::with_max_response_bytes)) but not decoded: what
/// [`Operation::send_raw`] returns, for a body the spec describes wrongly or not at all.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: reqwest::StatusCode,
    pub headers: reqwest::header::HeaderMap,
    /// The URL that answered (after redirects), without query credentials.
    pub url: url::Url,
    /// The body as it arrived (no copy is made of a body that arrives in one piece).
    pub body: bytes::Bytes,
}

impl RawResponse {
    /// The body decoded as JSON into `T` (`serde_json::Value` takes any JSON).
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        decode_json(self.status.as_u16(), &self.body)
    }

    /// The body as text, invalid UTF-8 replaced.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A decoded success with its status and headers: what [`Operation::send_with_response`]
/// returns (rate-limit headers, `ETag`, `Location`, pagination headers).
#[derive(Debug, Clone)]
pub struct Response<T> {
    pub status: reqwest::StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: T,
}

/// How an operation reads its success body, and into what ([`Operation::Response`]): JSON
/// ([`Json`], or `Paged` for a page of a list), bytes ([`Bytes`]), nothing ([`Empty`]), or, for
/// operations whose success statuses declare different bodies, the generated enum of those
/// statuses.
pub trait Decode {
    type Output;
    fn decode(response: RawResponse) -> Result<Self::Output, Error>;
}

/// A JSON body, decoded into `T`.
pub struct Json<T>(std::marker::PhantomData<fn() -> T>);

impl<T: serde::de::DeserializeOwned> Decode for Json<T> {
    type Output = T;
    fn decode(response: RawResponse) -> Result<T, Error> {
        response.json()
    }
}

// @section pages: only in clients where some operation pages by `page` or `Link` headers.
/// A JSON array that is one page of a list: decoded into `Vec<T>` by [`Operation::send`];
/// [`Paginated`] reads the other pages too.
pub struct Paged<T>(std::marker::PhantomData<fn() -> T>);

impl<T: serde::de::DeserializeOwned> Decode for Paged<T> {
    type Output = Vec<T>;
    fn decode(response: RawResponse) -> Result<Vec<T>, Error> {
        response.json()
    }
}
// @end pages

/// A body read as bytes (downloads, or media types other than JSON).
pub struct Bytes;

impl Decode for Bytes {
    type Output = Vec<u8>;
    fn decode(response: RawResponse) -> Result<Vec<u8>, Error> {
        Ok(response.body.into())
    }
}

/// A body the spec declares empty: read and dropped.
pub struct Empty;

impl Decode for Empty {
    type Output = ();
    fn decode(_: RawResponse) -> Result<(), Error> {
        Ok(())
    }
}

/// What [`Operation::send`] returns for an operation `O`.
pub type Output<'a, O> = <<O as Operation<'a>>::Response as Decode>::Output;

/// One operation of the API: a request builder that knows its request ([`Operation::into_call`])
/// and how to read the answer ([`Operation::Response`]). Every way of sending is provided here
/// once, generically: `.await` (each builder's `IntoFuture` calls [`Operation::send`]),
/// [`send`](Operation::send), [`send_with_response`](Operation::send_with_response),
/// [`send_raw`](Operation::send_raw), `send_blocking` (cargo feature `blocking`), and for lists
/// that page the methods of `Paginated` or `CursorPaginated`. Bring the traits into scope to
/// call them by name: `use <client crate>::prelude::*;`.
pub trait Operation<'a>: Sized {
    /// How the success body is read, and into what.
    type Response: Decode;

    /// The request, with the client it goes to.
    fn into_call(self) -> Call<'a>;

    /// Sends the request and decodes the answer. Statuses outside 2xx are [`Error::Api`].
    fn send(self) -> Pending<'a, Output<'a, Self>> {
        let call = self.into_call();
        Pending {
            response: Box::pin(call.send_raw()),
            decode: <Self::Response as Decode>::decode,
        }
    }

    /// Sends the request and decodes the answer, with the status and headers of the response.
    fn send_with_response(self) -> Pending<'a, Response<Output<'a, Self>>> {
        let call = self.into_call();
        Pending {
            response: Box::pin(call.send_raw()),
            decode: |raw| {
                let (status, headers) = (raw.status, raw.headers.clone());
                let body = <Self::Response as Decode>::decode(raw)?;
                Ok(Response {
                    status,
                    headers,
                    body,
                })
            },
        }
    }

    /// Sends the request and returns the answer undecoded: status, headers and body bytes.
    fn send_raw(self) -> Pending<'a, RawResponse> {
        Pending {
            response: Box::pin(self.into_call().send_raw()),
            decode: Ok,
        }
    }

    // @section blocking: only in a client crate, whose `blocking` feature turns it on.
    /// Sends the request and waits for the answer, for callers that are not async (must not
    /// be called from async code; see [`block_on`]).
    #[cfg(feature = "blocking")]
    fn send_blocking(self) -> Result<Output<'a, Self>, Error> {
        block_on(self.send())
    }
    // @end blocking
}

// @section pages
/// A list operation whose pages can be read one after another ([`paginate`]); implemented by
/// every [`Operation`] whose response is [`Paged`].
pub trait Paginated<'a>: Operation<'a> {
    /// An item of the list.
    type Item: serde::de::DeserializeOwned + Send + 'a;

    /// Sends the request and returns the page with what the server said about the others
    /// (`X-Total`, `X-Total-Pages`, `X-Next-Page`, `Link: rel="next"`).
    fn send_page(self) -> Pending<'a, Page<Self::Item>> {
        Pending {
            response: Box::pin(self.into_call().send_raw()),
            decode: page_of,
        }
    }

    /// Every item of every page, from the page the request asks for on. Pages are fetched as
    /// the stream is read: by `page` (offset pagination) or by following `Link: rel="next"`
    /// (keyset pagination), never to another host.
    fn stream(self) -> futures_util::stream::BoxStream<'a, Result<Self::Item, Error>> {
        use futures_util::StreamExt;
        let Call { client, request } = self.into_call();
        match request {
            Ok(request) => paginate(client, request).boxed(),
            Err(e) => futures_util::stream::once(async move { Err(e) }).boxed(),
        }
    }

    /// Every item of every page.
    fn all(self) -> futures_util::future::BoxFuture<'a, Result<Vec<Self::Item>, Error>> {
        Box::pin(collect_all(self.stream()))
    }

    /// The first `n` items, fetching only the pages they are on.
    fn first(self, n: usize) -> futures_util::future::BoxFuture<'a, Result<Vec<Self::Item>, Error>> {
        Box::pin(collect_first(self.stream(), n))
    }
}

impl<'a, T, O> Paginated<'a> for O
where
    O: Operation<'a, Response = Paged<T>>,
    T: serde::de::DeserializeOwned + Send + 'a,
{
    type Item = T;
}
// @end pages

// @section cursor: only in clients where some operation pages by a cursor in the body.
/// A list operation whose pages are linked by a cursor in the response body: each response
/// holds one page of items and the cursor of the next, which the next request sends back as
/// the query parameter [`PARAM`](Self::PARAM); implemented by the builder of every such
/// operation. `.await` still returns the whole response.
pub trait CursorPaginated<'a>: Operation<'a> + Sized {
    /// The response body: one page.
    type Page: serde::de::DeserializeOwned + Send + 'a;
    /// An item of the list.
    type Item: serde::de::DeserializeOwned + Send + 'a;
    /// The query parameter that takes the cursor.
    const PARAM: &'static str;
    /// A page's items, and the next page's cursor (`None` or empty on the last page).
    fn split(page: Self::Page) -> (Vec<Self::Item>, Option<String>);

    /// Every item of every page, from the page the request asks for on. Pages are fetched as
    /// the stream is read, each with the cursor the one before named; a cursor the stream has
    /// already sent stops it with [`Error::PaginationLoop`], and a next page after the
    /// client's [`max_pages`](Client::with_max_pages) pages with [`Error::TooManyPages`].
    fn stream(self) -> futures_util::stream::BoxStream<'a, Result<Self::Item, Error>> {
        use futures_util::StreamExt;
        let Call { client, request } = self.into_call();
        match request {
            Ok(request) => paginate_cursor::<Self>(client, request).boxed(),
            Err(e) => futures_util::stream::once(async move { Err(e) }).boxed(),
        }
    }

    /// Every item of every page.
    fn all(self) -> futures_util::future::BoxFuture<'a, Result<Vec<Self::Item>, Error>> {
        Box::pin(collect_all(self.stream()))
    }

    /// The first `n` items, fetching only the pages they are on.
    fn first(self, n: usize) -> futures_util::future::BoxFuture<'a, Result<Vec<Self::Item>, Error>> {
        Box::pin(collect_first(self.stream(), n))
    }
}

/// The items of `request`'s page and of every page after it, each page asked for with the
/// cursor the one before named ([`CursorPaginated`]).
fn paginate_cursor<'a, O: CursorPaginated<'a>>(
    client: &'a Client,
    request: Request,
) -> impl futures_util::Stream<Item = Result<O::Item, Error>> + Send + 'a {
    struct State<T> {
        items: std::vec::IntoIter<T>,
        /// What comes after `items`: the next page, an error, or (`None`) the end.
        next: Option<Result<Request, Error>>,
        /// The cursors sent so far.
        sent: std::collections::HashSet<String>,
        pages: usize,
    }
    let start = State {
        items: Vec::new().into_iter(),
        next: Some(Ok(request)),
        sent: std::collections::HashSet::new(),
        pages: 0,
    };
    futures_util::stream::unfold(start, move |mut state| async move {
        loop {
            if let Some(item) = state.items.next() {
                return Some((Ok(item), state));
            }
            let request = match state.next.take()? {
                Ok(request) => request,
                Err(e) => return Some((Err(e), state)),
            };
            let page = match client.send(request.clone()).await {
                Ok(response) => json::<O::Page>(response).await,
                Err(e) => Err(e),
            };
            let (items, cursor) = match page {
                Ok(page) => O::split(page),
                Err(e) => return Some((Err(e), state)),
            };
            state.pages += 1;
            state.items = items.into_iter();
            state.next = match cursor.filter(|c| !c.is_empty()) {
                None => None,
                Some(c) if !state.sent.insert(c.clone()) => Some(Err(Error::PaginationLoop {
                    url: redacted(&request.url),
                })),
                Some(_) if state.pages >= client.max_pages => Some(Err(Error::TooManyPages {
                    limit: client.max_pages,
                })),
                Some(c) => {
                    let mut next = request;
                    next.set_query(O::PARAM, c.as_str());
                    Some(Ok(next))
                }
            };
        }
    })
}

// @end cursor
/// The future of a request being sent: the sending (one state machine for every operation,
/// compiled in this crate) and then the decoding of the operation's body.
#[must_use = "futures do nothing unless polled or awaited"]
pub struct Pending<'a, T> {
    response: std::pin::Pin<Box<dyn std::future::Future<Output = Result<RawResponse, Error>> + Send + 'a>>,
    decode: fn(RawResponse) -> Result<T, Error>,
}

impl<T> std::future::Future for Pending<'_, T> {
    type Output = Result<T, Error>;
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        self.response
            .as_mut()
            .poll(cx)
            .map(|raw| raw.and_then(self.decode))
    }
}

impl<T> fmt::Debug for Pending<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pending").finish_non_exhaustive()
    }
}

/// A request being built by an operation's builder: the client it goes to, and the request —
/// or the error building it met (a path parameter that cannot be a segment, a body that
/// cannot be encoded), which sending it returns. The builders' setters call its methods;
/// each takes and returns it, so a chain of setters reads as one expression.
#[derive(Debug)]
pub struct Call<'a> {
    client: &'a Client,
    request: Result<Request, Error>,
}

impl Clone for Call<'_> {
    fn clone(&self) -> Self {
        let request = match &self.request {
            Ok(request) => Ok(request.clone()),
            Err(e) => Err(e.clone_build_error()),
        };
        Call {
            client: self.client,
            request,
        }
    }
}

impl<'a> Call<'a> {
    /// A request for the path `template` below the client's base URL: `/`-separated
    /// segments, in which each `{}` is the text of the next of `params` and a segment `{*}` is
    /// a multi-segment parameter (a Grape/Rails `*wildcard`: `com/example/app` → `com`,
    /// `example`, `app`). Every segment is then encoded as one ([`Request::new`]), so no
    /// parameter value can add segments, climb out of the path or change the host.
    pub fn new(
        client: &'a Client,
        method: reqwest::Method,
        template: &str,
        params: &[&dyn ParamValue],
    ) -> Self {
        let mut params = params.iter();
        let mut next = || params.next().map(|p| p.to_param()).unwrap_or_default();
        let mut segments: Vec<String> = Vec::new();
        for part in template.split('/').filter(|_| !template.is_empty()) {
            if part == "{*}" {
                segments.extend(next().split('/').map(str::to_owned));
            } else if part.contains("{}") {
                let mut segment = String::new();
                let mut pieces = part.split("{}");
                segment.push_str(pieces.next().unwrap_or_default());
                for piece in pieces {
                    segment.push_str(&next());
                    segment.push_str(piece);
                }
                segments.push(segment);
            } else {
                segments.push(part.to_owned());
            }
        }
        Call {
            client,
            request: Request::new(client, method, &segments),
        }
    }

    /// A call that fails with `error` when sent (a path parameter that could not be encoded).
    pub fn failed(client: &'a Client, error: Error) -> Self {
        Call {
            client,
            request: Err(error),
        }
    }

    /// The client the request goes to.
    pub fn client(&self) -> &'a Client {
        self.client
    }

    /// The request, or the error building it met.
    pub fn request(&self) -> Result<&Request, &Error> {
        self.request.as_ref()
    }

    /// Sends the request and reads the success's body: the part of every operation's future
    /// that does not depend on the body's type, so it is compiled (with [`Client::send`] and the
    /// retry loop) here, once.
    pub async fn send_raw(self) -> Result<RawResponse, Error> {
        let response = self.client.send(self.request?).await?;
        let (status, headers) = (response.status(), response.headers().clone());
        let mut url = response.url().clone();
        remove_query_credentials(self.client, &mut url);
        let body = read_body(response, self.client.max_response_bytes).await?;
        Ok(RawResponse {
            status,
            headers,
            url,
            body,
        })
    }

    fn edit(mut self, f: impl FnOnce(&mut Request) -> Result<(), Error>) -> Self {
        if let Ok(request) = &mut self.request {
            if let Err(e) = f(request) {
                self.request = Err(e);
            }
        }
        self
    }

    /// Sets the query parameter `name` to `value` (replacing an earlier value).
    pub fn query(self, name: &str, value: &(impl ParamValue + ?Sized)) -> Self {
        self.edit(|r| {
            r.remove_query(name);
            r.query(name, value);
            Ok(())
        })
    }

    /// Sets an array query parameter, written in `style` (replacing an earlier value).
    pub fn query_array<T: ParamValue>(self, name: &str, values: &[T], style: ArrayStyle) -> Self {
        self.edit(|r| {
            r.remove_query(name);
            r.query_array(name, values, style);
            Ok(())
        })
    }

    /// Adds a structured query parameter ([`Request::query_object`]).
    pub fn query_object<T: serde::Serialize + ?Sized>(self, name: &str, value: &T) -> Self {
        self.edit(|r| r.query_object(name, value))
    }

    /// Adds a structured query parameter as `name[key]=value` ([`Request::query_deep_object`]).
    pub fn query_deep_object<T: serde::Serialize + ?Sized>(self, name: &str, value: &T) -> Self {
        self.edit(|r| r.query_deep_object(name, value))
    }

    /// Sets the header `name` (replacing an earlier value).
    pub fn header(self, name: &'static str, value: &(impl ParamValue + ?Sized)) -> Self {
        self.edit(|r| {
            r.headers.retain(|(n, _)| *n != name);
            r.header(name, value);
            Ok(())
        })
    }

    /// Sets the header `name` to a structure, as JSON text (replacing an earlier value).
    pub fn header_json<T: serde::Serialize + ?Sized>(self, name: &'static str, value: &T) -> Self {
        self.edit(|r| {
            r.headers.retain(|(n, _)| *n != name);
            r.header_json(name, value)
        })
    }

    /// Sets the JSON body.
    pub fn json_body<T: serde::Serialize + ?Sized>(self, body: &T) -> Self {
        self.edit(|r| r.json_body(body))
    }

    /// Sets a JSON body sent with a media type of its own (`application/merge-patch+json`).
    pub fn json_body_as<T: serde::Serialize + ?Sized>(
        self,
        body: &T,
        content_type: &'static str,
    ) -> Self {
        self.edit(|r| r.json_body_as(body, content_type))
    }

    /// Sets a body of bytes ([`Request::bytes_body`]).
    pub fn bytes_body(self, bytes: &[u8], content_type: &'static str) -> Self {
        self.edit(|r| {
            r.bytes_body(bytes, content_type);
            Ok(())
        })
    }

    /// Starts a form body ([`Request::start_form`]).
    pub fn form(self, multipart: bool) -> Self {
        self.edit(|r| {
            r.start_form(multipart);
            Ok(())
        })
    }

    /// Sets a form field (replacing an earlier value).
    pub fn form_field(self, name: &str, value: &(impl ParamValue + ?Sized)) -> Self {
        self.edit(|r| {
            r.remove_form_field(name);
            r.form_field(name, value);
            Ok(())
        })
    }

    /// Sets a form field to several values, all named `name` (replacing earlier ones).
    pub fn form_field_array<T: ParamValue>(self, name: &str, values: &[T]) -> Self {
        self.edit(|r| {
            r.remove_form_field(name);
            r.form_field_array(name, values);
            Ok(())
        })
    }

    /// Sets a structured form field as nested fields ([`Request::form_object`]).
    pub fn form_object<T: serde::Serialize + ?Sized>(self, name: &str, value: &T) -> Self {
        self.edit(|r| {
            r.remove_form_field(name);
            r.form_object(name, value)
        })
    }

    /// Sets a file part of a multipart body (replacing an earlier one of that name).
    pub fn form_file(self, name: &str, file: &File) -> Self {
        self.edit(|r| {
            r.remove_form_field(name);
            r.form_file(name, file);
            Ok(())
        })
    }

    /// Sets file parts of a multipart body, all named `name` (replacing earlier ones).
    pub fn form_files(self, name: &str, files: &[File]) -> Self {
        self.edit(|r| {
            r.remove_form_field(name);
            for file in files {
                r.form_file(name, file);
            }
            Ok(())
        })
    }
}

/// A generated request builder: `operation!(/** docs */ Name, Response)` declares
/// `pub struct Name<'a>(Call<'a>)` (`Debug`, `Clone`, `#[must_use]`) with the docs given, its
/// [`Operation`] impl with the response it decodes, and `IntoFuture`, which calls
/// [`Operation::send`] so the builder can be `.await`ed. A macro because every operation needs
/// them (a blanket impl of a trait of std is not allowed) and only the name, the docs and the
/// response vary; the builder's setters are generated next to it.
#[allow(unused_macros)]
macro_rules! operation {
    ($(#[$attr:meta])* $builder:ident, $response:ty) => {
        $(#[$attr])*
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent or awaited"]
        pub struct $builder<'a>($crate::runtime::Call<'a>);
        impl<'a> $crate::runtime::Operation<'a> for $builder<'a> {
            type Response = $response;
            fn into_call(self) -> $crate::runtime::Call<'a> {
                self.0
            }
        }
        impl<'a> ::std::future::IntoFuture for $builder<'a> {
            type Output =
                ::std::result::Result<$crate::runtime::Output<'a, Self>, $crate::runtime::Error>;
            type IntoFuture = $crate::runtime::Pending<'a, $crate::runtime::Output<'a, Self>>;
            fn into_future(self) -> Self::IntoFuture {
                $crate::runtime::Operation::send(self)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use operation;

/// A key of a JSON object being decoded, borrowed from the input when it can be (the
/// generated `Deserialize` impls of structs match it against their fields' wire names).
pub struct Key<'de>(std::borrow::Cow<'de, str>);

impl Key<'_> {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> serde::de::Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Decodes a JSON object into `T` by its generated [`Object::read`]. Any other JSON value, an
/// array included, is an error naming what was expected. (serde's derive reads an array as the
/// fields in order: GitLab's `"assignees": []`, declared as one user, became a user with every
/// field `None`.)
pub fn decode_object<'de, T: Object, D: serde::Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    struct ObjectVisitor<T>(std::marker::PhantomData<fn() -> T>);
    impl<'de, T: Object> serde::de::Visitor<'de> for ObjectVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a JSON object ({})", T::NAME)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::read(map)
        }
    }
    deserializer.deserialize_any(ObjectVisitor(std::marker::PhantomData))
}

/// A value read more leniently than its type's own `Deserialize`, for fields whose servers are
/// known to send more than one form (the `lenient` fields of `object!`):
///
/// - a date-time (`DateTime<Utc>`) may arrive as a date only (`"2021-01-31"`, as GitLab sends
///   the `expires_at` of access tokens in fields its spec declares `date-time`): it is read as
///   midnight UTC of that day. Anything else that is not a date-time is still an error.
pub struct Lenient<T>(pub T);

impl<'de> serde::Deserialize<'de> for Lenient<chrono::DateTime<chrono::Utc>> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text: std::borrow::Cow<'de, str> = serde::Deserialize::deserialize(deserializer)?;
        let text = text.as_ref();
        if let Ok(at) = text.parse::<chrono::DateTime<chrono::Utc>>() {
            return Ok(Lenient(at));
        }
        match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(day) => Ok(Lenient(day.and_time(chrono::NaiveTime::MIN).and_utc())),
            Err(_) => Err(serde::de::Error::invalid_value(
                serde::de::Unexpected::Str(text),
                &"a date-time (RFC 3339) or a date (YYYY-MM-DD)",
            )),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Lenient<Option<chrono::DateTime<chrono::Utc>>> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value: Option<Lenient<chrono::DateTime<chrono::Utc>>> =
            serde::Deserialize::deserialize(deserializer)?;
        Ok(Lenient(value.map(|v| v.0)))
    }
}

/// The serde impls of a generated struct, from its list of fields: `object!(read Name { … })`
/// for `Deserialize` (through [`Object`] and [`decode_object`]), `write` for `Serialize` (a JSON
/// object), `both` for the two. Each field is `mode(name)`, or `mode(name = "wire")` when its
/// JSON key is not its Rust name. The modes:
///
/// - `opt`: an `Option` the server may leave out; `None` is not sent;
/// - `nullable`: an `Option` that is always sent (`None` as `null`);
/// - `null`: an `Option<Option<_>>` where absent and `null` differ: `None` is not sent,
///   `Some(None)` is sent as `null`;
/// - `req`: a required field: an object without it is an error, and it is always sent.
///
/// `mode(name, lenient)` reads the field through [`Lenient`] (a date-time that may arrive as a
/// date only). Unknown keys are skipped; a repeated key keeps its last value. After the fields,
/// `keep extra` names a field of type [`UnknownFields`] that keeps the unknown keys instead,
/// with their values, and that `Serialize` writes back after the declared fields.
#[allow(unused_macros)]
macro_rules! object {
    (both $name:ident { $($fields:tt)* } $($keep:tt)*) => {
        $crate::runtime::object!(read $name { $($fields)* } $($keep)*);
        $crate::runtime::object!(write $name { $($fields)* } $($keep)*);
    };
    (read $name:ident { $($mode:ident($field:ident $(= $wire:literal)? $(, $how:ident)?)),* $(,)? } $(keep $extra:ident)?) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                $crate::runtime::decode_object(d)
            }
        }
        impl $crate::runtime::Object for $name {
            const NAME: &'static str = stringify!($name);
            fn read<'de, A: ::serde::de::MapAccess<'de>>(mut map: A) -> ::std::result::Result<Self, A::Error> {
                $(let mut $field = None;)*
                $(let mut $extra = $crate::runtime::UnknownFields::new();)?
                while let Some(key) = map.next_key::<$crate::runtime::Key<'de>>()? {
                    match key.as_str() {
                        $($crate::runtime::object!(@wire $field $($wire)?) => {
                            $field = $crate::runtime::object!(@read $mode map $($how)?);
                        })*
                        _ => $crate::runtime::object!(@unknown map key $($extra)?),
                    }
                }
                Ok(Self {
                    $($field: $crate::runtime::object!(@end $mode $field $crate::runtime::object!(@wire $field $($wire)?)),)*
                    $($extra,)?
                })
            }
        }
    };
    (write $name:ident { $($mode:ident($field:ident $(= $wire:literal)? $(, $how:ident)?)),* $(,)? } $(keep $extra:ident)?) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap as _;
                #[allow(unused_mut)]
                let mut map = serializer.serialize_map(None)?;
                $($crate::runtime::object!(@write $mode map $crate::runtime::object!(@wire $field $($wire)?), &self.$field);)*
                $(for (key, value) in &self.$extra {
                    map.serialize_entry(key, value)?;
                })?
                map.end()
            }
        }
    };
    (@wire $field:ident $wire:literal) => { $wire };
    (@wire $field:ident) => { stringify!($field) };
    (@read opt $map:ident $($how:ident)?) => { $crate::runtime::object!(@value $map $($how)?) };
    (@read nullable $map:ident $($how:ident)?) => { $crate::runtime::object!(@value $map $($how)?) };
    (@read null $map:ident $($how:ident)?) => { Some($crate::runtime::object!(@value $map $($how)?)) };
    (@read req $map:ident $($how:ident)?) => { Some($crate::runtime::object!(@value $map $($how)?)) };
    (@unknown $map:ident $key:ident) => { $crate::runtime::skip_value(&mut $map)? };
    (@unknown $map:ident $key:ident $extra:ident) => {{
        $extra.insert(::std::borrow::ToOwned::to_owned($key.as_str()), $map.next_value()?);
    }};
    (@value $map:ident) => { $map.next_value()? };
    (@value $map:ident lenient) => { $map.next_value::<$crate::runtime::Lenient<_>>()?.0 };
    (@end req $field:ident $wire:expr) => {
        $field.ok_or_else(|| ::serde::de::Error::missing_field($wire))?
    };
    (@end $mode:ident $field:ident $wire:expr) => { $field };
    (@write opt $map:ident $wire:expr, $value:expr) => {
        $crate::runtime::entry_if_some(&mut $map, $wire, $value)?
    };
    (@write null $map:ident $wire:expr, $value:expr) => {
        $crate::runtime::entry_if_some(&mut $map, $wire, $value)?
    };
    (@write $mode:ident $map:ident $wire:expr, $value:expr) => {
        $map.serialize_entry($wire, $value)?
    };
}
#[allow(unused_imports)]
pub(crate) use object;

/// A struct of the API decoded from a JSON object: the generated part of its `Deserialize`
/// (the rest is [`decode_object`], written once). Smaller for the compiler than serde's derive,
/// which also reads arrays as the fields in order.
pub trait Object: Sized {
    /// The schema's Rust name, for error messages.
    const NAME: &'static str;
    /// Reads the object's entries; unknown keys are skipped.
    fn read<'de, A: serde::de::MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// The keys of a JSON object that its schema does not declare, with their values as sent: the
/// `extra` field of each struct read from responses, in a client whose spec is known to
/// under-declare (setting `keep_unknown_fields`). `extra.get("key")` reads one; the map is
/// sorted by key. A struct that requests also send writes them back after its declared fields.
pub type UnknownFields = serde_json::Map<String, serde_json::Value>;

/// Skips the value of an unknown key of an object being decoded ([`Object::read`]).
pub fn skip_value<'de, A: serde::de::MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<serde::de::IgnoredAny>().map(|_| ())
}

/// Writes `key: value` into an object being encoded when `value` is `Some` (an optional field
/// that is `None` is left out).
pub fn entry_if_some<M: serde::ser::SerializeMap, T: serde::Serialize>(
    map: &mut M,
    key: &'static str,
    value: &Option<T>,
) -> Result<(), M::Error> {
    match value {
        Some(value) => map.serialize_entry(key, value),
        None => Ok(()),
    }
}

/// The impls of a generated string enum, from its variants and their wire values:
/// `string_enum!(Name { Opened = "opened", … })` writes `as_str`, `From<&str>` (an unknown
/// value is kept in `Other`), `Display`, serde's two traits and [`ParamValue`].
#[allow(unused_macros)]
macro_rules! string_enum {
    ($name:ident { $($variant:ident = $wire:literal),* $(,)? }) => {
        $crate::runtime::string_enum!($name else Other { $($variant = $wire),* });
    };
    // `else Unknown`: the catch-all's name when a value is `other` (its variant `Other`).
    ($name:ident else $other:ident { $($variant:ident = $wire:literal),* $(,)? }) => {
        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::$other(value) => value.as_str(),
                }
            }
        }
        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($wire => Self::$variant,)*
                    other => Self::$other(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                let value = <$crate::runtime::Key<'de> as ::serde::Deserialize>::deserialize(d)?;
                ::std::result::Result::Ok(Self::from(value.as_str()))
            }
        }
        impl $crate::runtime::ParamValue for $name {
            fn to_param(&self) -> ::std::string::String {
                ::std::borrow::ToOwned::to_owned(self.as_str())
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use string_enum;

/// The impls of a generated integer enum, from its variants and their wire values:
/// `int_enum!(Name { Guest = 10, … })` writes `value`, `From<i64>` (an unknown value is kept in
/// `Other`), `Display`, serde's two traits and [`ParamValue`].
#[allow(unused_macros)]
macro_rules! int_enum {
    ($name:ident { $($variant:ident = $wire:literal),* $(,)? }) => {
        $crate::runtime::int_enum!($name else Other { $($variant = $wire),* });
    };
    // `else Unknown`: the catch-all's name when a value is `other` (its variant `Other`).
    ($name:ident else $other:ident { $($variant:ident = $wire:literal),* $(,)? }) => {
        impl $name {
            /// The value as sent on the wire.
            pub fn value(self) -> i64 {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::$other(value) => value,
                }
            }
        }
        impl ::std::convert::From<i64> for $name {
            fn from(value: i64) -> Self {
                match value {
                    $($wire => Self::$variant,)*
                    other => Self::$other(other),
                }
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.value(), f)
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_i64(self.value())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                <i64 as ::serde::Deserialize>::deserialize(d).map(Self::from)
            }
        }
        impl $crate::runtime::ParamValue for $name {
            fn to_param(&self) -> ::std::string::String {
                ::std::string::ToString::to_string(&self.value())
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use int_enum;

// @section pages
/// Reads a page from a raw response: its pagination headers, then its body as a JSON array.
fn page_of<T: serde::de::DeserializeOwned>(raw: RawResponse) -> Result<Page<T>, Error> {
    let headers = &raw.headers;
    Ok(Page {
        page: page_number(headers, "X-Page")?,
        per_page: page_number(headers, "X-Per-Page")?,
        total: page_number(headers, "X-Total")?,
        total_pages: page_number(headers, "X-Total-Pages")?,
        next_page: page_number(headers, "X-Next-Page")?,
        next_url: next_link(headers, &raw.url)?,
        items: raw.json()?,
    })
}
// @end pages

/// Decodes a JSON body; the error keeps the status, the expected type and the start of the
/// body.
fn decode_json<T: serde::de::DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|source| {
        // Only a failure pays for finding where: the body is read again, its path tracked.
        let path = serde_path_to_error::deserialize::<_, T>(&mut serde_json::Deserializer::from_slice(body))
            .err()
            .map(|e| e.path().to_string())
            .filter(|p| p != ".")
            .unwrap_or_default();
        let (body, truncated) = body_prefix(body);
        Error::Decode {
            status,
            expected: std::any::type_name::<T>(),
            path,
            source,
            body,
            truncated,
        }
    })
}

/// ` at `path`` for an error message, or nothing when there is no path.
fn at_path(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" at `{path}`")
    }
}

/// The first [`MAX_ERROR_BODY_KEPT`] bytes of `body` as text (lossily decoded as UTF-8, not
/// cutting a character in two), and whether that is less than the whole.
fn body_prefix(body: &[u8]) -> (String, bool) {
    if body.len() <= MAX_ERROR_BODY_KEPT {
        return (String::from_utf8_lossy(body).into_owned(), false);
    }
    let mut end = MAX_ERROR_BODY_KEPT;
    // Back to the start of the character the cut falls in (continuation bytes are 10xxxxxx).
    while end > MAX_ERROR_BODY_KEPT - 3 && body[end] & 0xC0 == 0x80 {
        end -= 1;
    }
    (String::from_utf8_lossy(&body[..end]).into_owned(), true)
}

/// The body limit for `response`: its client's, if [`Client::send`] answered it.
fn body_limit(response: &reqwest::Response) -> usize {
    response
        .extensions()
        .get::<BodyLimit>()
        .map_or(DEFAULT_MAX_RESPONSE_BYTES, |l| l.0)
}

/// Reads the whole body of `response`, or fails with [`Error::ResponseTooLarge`] as soon as it
/// is known to be longer than `limit`: from its `Content-Length` before reading, else while
/// counting the chunks as they come.
async fn read_body(mut response: reqwest::Response, limit: usize) -> Result<bytes::Bytes, Error> {
    let status = response.status().as_u16();
    let too_large = || Error::ResponseTooLarge { status, limit };
    match response.content_length() {
        Some(n) if n > limit as u64 => Err(too_large()),
        // The length is known and within the limit, and the connection reads no more than
        // it (HTTP/1.1 stops there, HTTP/2 refuses a longer body): read it as reqwest does,
        // without copying a body that arrives in one piece.
        Some(_) => response.bytes().await.map_err(Error::transport),
        // Chunked: counted as it arrives.
        None => {
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(Error::transport)? {
                if chunk.len() > limit - body.len() {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(body.into())
        }
    }
}

/// Reads at most `max` bytes of the body of `response`, and whether there was more (left
/// unread).
async fn read_prefix(
    mut response: reqwest::Response,
    max: usize,
) -> Result<(Vec<u8>, bool), Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(Error::transport)? {
        let room = max - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body, true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, false))
}

/// Decodes a JSON response body, of at most the client's
/// [`max_response_bytes`](Client::with_max_response_bytes) ([`DEFAULT_MAX_RESPONSE_BYTES`]
/// for a response that [`Client::send`] did not return).
pub async fn json<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> Result<T, Error> {
    let status = response.status().as_u16();
    let limit = body_limit(&response);
    let body = read_body(response, limit).await?;
    decode_json(status, &body)
}

/// Reads a response body as bytes (file downloads), of at most the client's
/// [`max_response_bytes`](Client::with_max_response_bytes).
pub async fn bytes(response: reqwest::Response) -> Result<Vec<u8>, Error> {
    let limit = body_limit(&response);
    Ok(read_body(response, limit).await?.into())
}

/// A structured value as the nested names Rails, PHP and OpenAPI's `deepObject` read:
/// `name[key]=value`, `name[key][]=item`, `name[key][inner]=value`; `null`s are left out. A
/// scalar is `name=value`.
fn nested_pairs(name: &str, value: &serde_json::Value) -> Vec<(String, String)> {
    fn flatten(key: String, v: &serde_json::Value, out: &mut Vec<(String, String)>) {
        match v {
            serde_json::Value::Null => {}
            serde_json::Value::String(s) => out.push((key, s.clone())),
            serde_json::Value::Bool(_) | serde_json::Value::Number(_) => {
                out.push((key, v.to_string()))
            }
            serde_json::Value::Array(items) => {
                for item in items {
                    flatten(format!("{key}[]"), item, out);
                }
            }
            serde_json::Value::Object(map) => {
                for (k, item) in map {
                    flatten(format!("{key}[{k}]"), item, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    flatten(name.to_owned(), value, &mut out);
    out
}

/// A structured path parameter in OpenAPI's default `simple` style: an object as
/// `key,value,key,value`, a list as `a,b`, a scalar (a union's string or number) as itself.
/// The result is then encoded as one segment like any other value.
pub fn path_value<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    let value = serde_json::to_value(value).map_err(Error::Encode)?;
    Ok(match &value {
        serde_json::Value::Object(map) => map
            .iter()
            .flat_map(|(k, v)| [k.clone(), v.to_param()])
            .collect::<Vec<_>>()
            .join(","),
        serde_json::Value::Array(items) => items
            .iter()
            .map(ParamValue::to_param)
            .collect::<Vec<_>>()
            .join(","),
        other => other.to_param(),
    })
}

/// Deserializes a field whose absence and `null` differ (`Option<Option<T>>`, with
/// `#[serde(default)]` for absence): a present value, `null` included, is `Some`.
pub fn double_option<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}

/// Reads and discards a response body that the operation declares empty; one longer than the
/// client's [`max_response_bytes`](Client::with_max_response_bytes) is
/// [`Error::ResponseTooLarge`] all the same.
pub async fn empty(mut response: reqwest::Response) -> Result<(), Error> {
    let status = response.status().as_u16();
    let limit = body_limit(&response);
    let too_large = || Error::ResponseTooLarge { status, limit };
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let mut read = 0usize;
    while let Some(chunk) = response.chunk().await.map_err(Error::transport)? {
        if chunk.len() > limit - read {
            return Err(too_large());
        }
        read += chunk.len();
    }
    Ok(())
}

// @section pages
/// One page of a list: its items and what the response said about the other pages.
///
/// GitLab's [offset pagination](https://docs.gitlab.com/ee/api/rest/#offset-based-pagination)
/// fills the numbers from the `X-Page`, `X-Per-Page`, `X-Total`, `X-Total-Pages` and
/// `X-Next-Page` headers (GitLab leaves out the totals above 10,000 items), its keyset
/// pagination gives only `next_url`, from `Link: <…>; rel="next"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// `X-Page`: the number of this page, from 1.
    pub page: Option<u64>,
    /// `X-Per-Page`
    pub per_page: Option<u64>,
    /// `X-Total`: items in all pages.
    pub total: Option<u64>,
    /// `X-Total-Pages`
    pub total_pages: Option<u64>,
    /// `X-Next-Page`; `None` on the last page.
    pub next_page: Option<u64>,
    /// The `Link` with `rel="next"`, resolved against the URL of the response.
    pub next_url: Option<url::Url>,
}

/// Reads a page: the pagination headers of `response`, then its body as a JSON array (of at
/// most the client's [`max_response_bytes`](Client::with_max_response_bytes)).
///
/// A missing or empty header is `None`; one that is not a number (or a next link that is not
/// a URL) is an [`Error::InvalidPageHeader`], since ignoring it would end a listing early
/// without a word.
pub async fn page<T: serde::de::DeserializeOwned>(
    response: reqwest::Response,
) -> Result<Page<T>, Error> {
    let headers = response.headers();
    let page = page_number(headers, "X-Page")?;
    let per_page = page_number(headers, "X-Per-Page")?;
    let total = page_number(headers, "X-Total")?;
    let total_pages = page_number(headers, "X-Total-Pages")?;
    let next_page = page_number(headers, "X-Next-Page")?;
    let next_url = next_link(headers, response.url())?;
    let items = json::<Vec<T>>(response).await?;
    Ok(Page {
        items,
        page,
        per_page,
        total,
        total_pages,
        next_page,
        next_url,
    })
}

fn page_number(
    headers: &reqwest::header::HeaderMap,
    name: &'static str,
) -> Result<Option<u64>, Error> {
    let Some(value) = headers.get(name) else {
        return Ok(None);
    };
    let invalid = || Error::InvalidPageHeader {
        name,
        value: String::from_utf8_lossy(value.as_bytes()).into_owned(),
    };
    let text = value.to_str().map_err(|_| invalid())?.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| invalid())
}

/// The target of the first link with the relation `next` in the `Link` header fields, resolved
/// against `base` (RFC 8288 §3.2: a relative reference is relative to the link's context).
fn next_link(
    headers: &reqwest::header::HeaderMap,
    base: &url::Url,
) -> Result<Option<url::Url>, Error> {
    for value in headers.get_all(reqwest::header::LINK) {
        // A header that is not ASCII text cannot hold a URI reference; skip it.
        let Ok(text) = value.to_str() else { continue };
        if let Some(link) = parse_links(text).into_iter().find(|l| l.has_rel("next")) {
            return base
                .join(link.target)
                .map(Some)
                .map_err(|_| Error::InvalidPageHeader {
                    name: "Link",
                    // The query may carry a credential.
                    value: link.target.split('?').next().unwrap_or_default().to_owned(),
                });
        }
    }
    Ok(None)
}

/// One link-value of a `Link` header: its target and its `rel` parameter.
#[derive(Debug, PartialEq)]
struct Link<'a> {
    target: &'a str,
    rel: Option<String>,
}

impl Link<'_> {
    /// Whether `relation` is among the link's relation types (space-separated,
    /// case-insensitive, RFC 8288 §3.3).
    fn has_rel(&self, relation: &str) -> bool {
        self.rel.as_deref().is_some_and(|rel| {
            rel.split_ascii_whitespace()
                .any(|r| r.eq_ignore_ascii_case(relation))
        })
    }
}

/// Parses a `Link` header value (RFC 8288 §3):
/// `#( "<" URI-Reference ">" *( OWS ";" OWS token BWS [ "=" BWS ( token / quoted-string ) ] ) )`.
///
/// A comma inside `<…>` or a quoted string does not separate links; parameter names are
/// case-insensitive and a second `rel` is ignored (§3.3). What does not parse is skipped up to
/// the next comma that separates links, so one bad link-value does not hide the others.
fn parse_links(header: &str) -> Vec<Link<'_>> {
    let mut links = Vec::new();
    let mut rest = header;
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_ascii_whitespace());
        if rest.is_empty() {
            return links;
        }
        let Some(inside) = rest.strip_prefix('<') else {
            rest = skip_link_value(rest);
            continue;
        };
        let Some(end) = inside.find('>') else {
            return links;
        };
        let target = inside[..end].trim();
        rest = &inside[end + 1..];
        let mut rel = None;
        while let Some(param) = rest.trim_start().strip_prefix(';') {
            let param = param.trim_start();
            let name_end = param
                .find(|c: char| matches!(c, '=' | ';' | ',') || c.is_ascii_whitespace())
                .unwrap_or(param.len());
            let name = &param[..name_end];
            rest = param[name_end..].trim_start();
            let mut value = String::new();
            if let Some(after) = rest.strip_prefix('=') {
                let after = after.trim_start();
                if let Some(quoted) = after.strip_prefix('"') {
                    let (unquoted, after_quote) = unquote(quoted);
                    value = unquoted;
                    rest = after_quote;
                } else {
                    let end = after
                        .find(|c: char| matches!(c, ';' | ',') || c.is_ascii_whitespace())
                        .unwrap_or(after.len());
                    value = after[..end].to_owned();
                    rest = &after[end..];
                }
            }
            if rel.is_none() && name.eq_ignore_ascii_case("rel") {
                rel = Some(value);
            }
        }
        links.push(Link { target, rel });
        rest = skip_link_value(rest);
    }
}

/// The rest of a quoted string after its opening quote: its unescaped content, and what
/// follows the closing quote (nothing when it is not closed).
fn unquote(quoted: &str) -> (String, &str) {
    let mut value = String::new();
    let mut chars = quoted.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return (value, &quoted[i + 1..]),
            '\\' => {
                if let Some((_, escaped)) = chars.next() {
                    value.push(escaped);
                }
            }
            c => value.push(c),
        }
    }
    (value, "")
}

/// Skips to the comma that ends the current link-value, past commas in `<…>` or quotes.
fn skip_link_value(text: &str) -> &str {
    let mut in_quotes = false;
    let mut in_target = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_quotes => escaped = true,
            '"' if !in_target => in_quotes = !in_quotes,
            '<' if !in_quotes => in_target = true,
            '>' if !in_quotes => in_target = false,
            ',' if !in_quotes && !in_target => return &text[i..],
            _ => {}
        }
    }
    ""
}

/// Every item of a list, page after page: sends `request`, yields the items of the response,
/// then asks for the next page, until a page has neither a next link nor a next page number.
///
/// The next page is the `Link` with `rel="next"` when there is one (keyset pagination), else
/// `request` with the query parameter `page` set to `X-Next-Page` (offset pagination); set
/// `per_page` (and for keyset, `pagination=keyset`, `order_by`) on `request` yourself. Pages
/// are fetched only as the stream is polled, each with [`Client::send`] (so with retries, and
/// with redirects followed as it does: never with credentials to another origin).
///
/// A next link is followed only to the scheme, host and port of the client's base URL; any
/// other stops the stream with [`Error::ForeignNextPage`] (after the items of the page that
/// named it), since the request would carry the credentials there. A next page that the
/// stream has already fetched (any earlier page, not only the last), or an `X-Next-Page`
/// that is not after `X-Page`, stops it with [`Error::PaginationLoop`]; a next page after the
/// client's [`max_pages`](Client::with_max_pages) pages stops it with
/// [`Error::TooManyPages`]. The stream ends after an error.
pub fn paginate<'a, T: serde::de::DeserializeOwned + Send + 'a>(
    client: &'a Client,
    request: Request,
) -> impl futures_util::Stream<Item = Result<T, Error>> + Send + 'a {
    struct State<T> {
        items: std::vec::IntoIter<T>,
        /// What comes after `items`: the next page, an error, or (`None`) the end.
        next: Option<Result<Request, Error>>,
        /// The URLs of the pages fetched (or being fetched), without query credentials.
        visited: std::collections::HashSet<url::Url>,
    }
    let start = State {
        items: Vec::new().into_iter(),
        visited: std::collections::HashSet::from([request.url.clone()]),
        next: Some(Ok(request)),
    };
    futures_util::stream::unfold(start, move |mut state| async move {
        loop {
            if let Some(item) = state.items.next() {
                return Some((Ok(item), state));
            }
            let request = match state.next.take()? {
                Ok(request) => request,
                Err(e) => return Some((Err(e), state)),
            };
            match fetch_page(client, request).await {
                Ok((items, next)) => {
                    state.items = items.into_iter();
                    state.next = match next {
                        Ok(Some(next)) if !state.visited.insert(next.url.clone()) => {
                            Some(Err(Error::PaginationLoop {
                                url: redacted(&next.url),
                            }))
                        }
                        // `visited` holds every page fetched, so its size is their number.
                        Ok(Some(_)) if state.visited.len() > client.max_pages => {
                            Some(Err(Error::TooManyPages {
                                limit: client.max_pages,
                            }))
                        }
                        next => next.transpose(),
                    };
                }
                Err(e) => return Some((Err(e), state)),
            }
        }
    })
}

/// Fetches the page `request` asks for: its items, and the request for the next page (or why
/// there is none to follow). The items of a page whose next link is refused are still
/// yielded; the error comes when the stream gets to the next page.
async fn fetch_page<T: serde::de::DeserializeOwned>(
    client: &Client,
    request: Request,
) -> Result<(Vec<T>, Result<Option<Request>, Error>), Error> {
    let mut page = page::<T>(client.send(request.clone()).await?).await?;
    let items = std::mem::take(&mut page.items);
    Ok((items, next_page_request(client, request, page)))
}

/// The request for the page after `page`, which `request` fetched.
fn next_page_request<T>(
    client: &Client,
    request: Request,
    page: Page<T>,
) -> Result<Option<Request>, Error> {
    let next = if let Some(mut url) = page.next_url {
        let base = &client.base_url;
        if !same_origin(&url, base) {
            return Err(Error::ForeignNextPage {
                url: redacted(&url),
                origin: base.origin().ascii_serialization(),
            });
        }
        // GitLab repeats the request's query in its links, query credentials included;
        // `Client::send` adds those again.
        remove_query_credentials(client, &mut url);
        url.set_fragment(None);
        Request { url, ..request }
    } else if let Some(number) = page.next_page {
        let mut next = request;
        next.set_query("page", &number);
        if page.page.is_some_and(|current| number <= current) {
            return Err(Error::PaginationLoop {
                url: redacted(&next.url),
            });
        }
        next
    } else {
        return Ok(None);
    };
    Ok(Some(next))
}
// @end pages

/// A URL for an error message: without the query or user info, which may carry credentials
/// (and of a URL without a host, such as `data:` or `javascript:`, only the scheme).
fn redacted(url: &url::Url) -> String {
    // `data:`, `javascript:`, `mailto:`: all after the scheme is the payload.
    if url.cannot_be_a_base() {
        return format!("{}:…", url.scheme());
    }
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.to_string()
}

/// [`redacted`] for a text that may not parse as a URL: without what follows `?` or `#`, nor
/// anything before an `@` in the authority (after `//`, or from the start when there is no
/// `//`: `user:password@host` does not parse either), and at most 200 characters.
fn redacted_text(text: &str) -> String {
    let text = text.split(['?', '#']).next().unwrap_or_default();
    let start = text.find("//").map_or(0, |i| i + 2);
    let authority = &text[start..];
    let end = authority.find(['/', '\\']).unwrap_or(authority.len());
    let text = match authority[..end].rfind('@') {
        Some(at) => format!("{}{}", &text[..start], &authority[at + 1..]),
        None => text.to_owned(),
    };
    let mut chars = text.chars();
    let mut short: String = chars.by_ref().take(200).collect();
    if chars.next().is_some() {
        short.push('…');
    }
    short
}

// @section lists: in clients where some operation pages, by headers or by a cursor.
/// Every item of `stream` (a list's pages), or its first error.
pub async fn collect_all<T>(
    stream: impl futures_util::Stream<Item = Result<T, Error>>,
) -> Result<Vec<T>, Error> {
    collect_first(stream, usize::MAX).await
}

/// The first `n` items of `stream` (fewer if it ends sooner), or the first error. The stream
/// is not polled after the `n`th item, so no page beyond it is fetched.
pub async fn collect_first<T>(
    stream: impl futures_util::Stream<Item = Result<T, Error>>,
    n: usize,
) -> Result<Vec<T>, Error> {
    use futures_util::StreamExt as _;
    let mut stream = std::pin::pin!(stream);
    let mut items = Vec::new();
    while items.len() < n {
        match stream.next().await {
            Some(item) => items.push(item?),
            None => break,
        }
    }
    Ok(items)
}
// @end lists

// @section blocking
/// Runs `future` to completion on a shared tokio runtime, for callers that are not async.
///
/// The runtime (multi-threaded) is built on the first call and lives as long as the process;
/// all calls share it, so clients, their connection pools and timers keep working from one
/// call to the next.
///
/// Do not call it from inside an async context (a task or `#[tokio::main]`): blocking there
/// stalls the executor, and tokio panics ("Cannot start a runtime from within a runtime").
/// `.await` the future there instead. Also panics if the runtime cannot be started.
#[cfg(feature = "blocking")]
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .thread_name(concat!(env!("CARGO_PKG_NAME"), "-blocking"))
                .build()
                .expect("cannot start the tokio runtime for blocking calls")
        })
        .block_on(future)
}
// @end blocking

/// A value that can be written into a path segment, query parameter or header.
pub trait ParamValue {
    fn to_param(&self) -> String;
}

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn to_param(&self) -> String {
        (**self).to_param()
    }
}

/// A list in a path segment or header: its elements comma-separated (OpenAPI's `simple`
/// style, the default there).
impl<T: ParamValue> ParamValue for [T] {
    fn to_param(&self) -> String {
        self.iter()
            .map(ParamValue::to_param)
            .collect::<Vec<_>>()
            .join(",")
    }
}

impl<T: ParamValue> ParamValue for Vec<T> {
    fn to_param(&self) -> String {
        self.as_slice().to_param()
    }
}

macro_rules! display_param {
    ($($t:ty),*) => {$(
        impl ParamValue for $t {
            fn to_param(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
display_param!(
    str,
    String,
    bool,
    i32,
    i64,
    u32,
    u64,
    f32,
    f64,
    chrono::NaiveDate,
    uuid::Uuid
);

impl ParamValue for chrono::DateTime<chrono::Utc> {
    fn to_param(&self) -> String {
        self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }
}

impl ParamValue for serde_json::Value {
    fn to_param(&self) -> String {
        match self {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

// @section id_or_path: only in clients whose settings declare `id_or_path`.
/// A numeric id or a path, as GitLab's `id` parameters take: `42` or `"group/project"`.
/// As a path parameter it is always sent as one segment (`group%2Fproject`).
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(untagged)]
pub enum IdOrPath {
    Id(i64),
    Path(String),
}

impl fmt::Display for IdOrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdOrPath::Id(id) => write!(f, "{id}"),
            IdOrPath::Path(path) => f.write_str(path),
        }
    }
}

impl From<i64> for IdOrPath {
    fn from(id: i64) -> Self {
        IdOrPath::Id(id)
    }
}

impl From<i32> for IdOrPath {
    fn from(id: i32) -> Self {
        IdOrPath::Id(id.into())
    }
}

impl From<u32> for IdOrPath {
    fn from(id: u32) -> Self {
        IdOrPath::Id(id.into())
    }
}

impl From<u64> for IdOrPath {
    fn from(id: u64) -> Self {
        i64::try_from(id).map_or_else(|_| IdOrPath::Path(id.to_string()), IdOrPath::Id)
    }
}

impl From<&str> for IdOrPath {
    fn from(path: &str) -> Self {
        IdOrPath::Path(path.to_owned())
    }
}

impl From<String> for IdOrPath {
    fn from(path: String) -> Self {
        IdOrPath::Path(path)
    }
}

impl From<&String> for IdOrPath {
    fn from(path: &String) -> Self {
        IdOrPath::Path(path.clone())
    }
}

impl ParamValue for IdOrPath {
    fn to_param(&self) -> String {
        self.to_string()
    }
}
// @end id_or_path

/// Everything that can go wrong with a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The base URL given to [`Client::new`] is not usable.
    #[error("invalid base URL `{url}`: {reason}")]
    InvalidBaseUrl { url: String, reason: String },
    /// A path parameter is empty, `.` or `..`, which cannot travel as one path segment.
    #[error("a path parameter cannot be {0:?}: it would not be sent as one path segment")]
    InvalidPathSegment(String),
    /// A header value has characters HTTP does not allow.
    #[error("the value of the header `{0}` has characters HTTP headers cannot carry")]
    InvalidHeader(&'static str),
    /// The request body could not be encoded.
    #[error("cannot encode the request body: {0}")]
    Encode(#[source] serde_json::Error),
    /// Connecting, sending or receiving failed (including timeouts).
    #[error("the HTTP request failed: {0}")]
    Transport(#[source] reqwest::Error),
    /// The server answered with a status outside 2xx.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// A pagination header (`X-Next-Page`, `Link`, …) has a value that cannot be used.
    #[error("the response header `{name}` has an unusable value {value:?}")]
    InvalidPageHeader { name: &'static str, value: String },
    /// A next-page link points away from the base URL's scheme, host and port; it is not
    /// followed, since the request would carry the client's credentials there.
    #[error(
        "refusing to follow the next-page link to {url}: it is not on the API's origin {origin}, and the request would carry the credentials there"
    )]
    ForeignNextPage {
        /// The link, without its query.
        url: String,
        origin: String,
    },
    /// The server named as the next page one that the stream has already fetched, or (by
    /// `X-Next-Page`) one before the current.
    #[error(
        "pagination loops: the next page the server names ({url}) is one already fetched, or before the current one"
    )]
    PaginationLoop {
        /// The next page named, without its query.
        url: String,
    },
    /// The server answered 2xx with a body that is not what the spec describes.
    #[error(
        "cannot decode the response body (HTTP {status}) as `{expected}`{}: {source}{}",
        at_path(path),
        cut_note(.truncated)
    )]
    Decode {
        status: u16,
        expected: &'static str,
        /// Where in the body decoding failed, as a path of keys and indexes
        /// (`assignees[0].id`); empty when the body is not JSON at all or its top level is
        /// wrong.
        path: String,
        #[source]
        source: serde_json::Error,
        /// The start of the body as received: at most [`MAX_ERROR_BODY_KEPT`] bytes.
        body: String,
        /// Whether `body` is only the start of a longer body.
        truncated: bool,
    },
    /// A response body is longer than the client's
    /// [`max_response_bytes`](Client::with_max_response_bytes); it was not read further.
    #[error(
        "the response body (HTTP {status}) is larger than the limit of {limit} bytes (see Client::with_max_response_bytes)"
    )]
    ResponseTooLarge { status: u16, limit: usize },
    /// A redirect that [`Client::send`] did not follow, and why.
    #[error("not following the redirect (HTTP {status}) to {url}: {reason}")]
    Redirect {
        status: u16,
        /// The target, without its query or user info.
        url: String,
        reason: RedirectRefusal,
    },
    /// The HTTP client given to [`Client::with_http_client`] followed a redirect itself: the
    /// response is not from the URL the runtime sent the request to. Build that client with
    /// `.redirect(reqwest::redirect::Policy::none())` and `.referer(false)`; the runtime
    /// follows redirects without carrying credentials or bodies to other origins.
    #[error(
        "the HTTP client followed a redirect from {sent} to {answered} by itself, possibly with the credentials and the request body; build it with `redirect(reqwest::redirect::Policy::none())` and `referer(false)` so that the runtime follows redirects (see Client::with_http_client)"
    )]
    RedirectedByHttpClient {
        /// The URL the runtime sent, without its query.
        sent: String,
        /// The URL the response came from, without its query.
        answered: String,
    },
    /// A pagination stream fetched the client's [`max_pages`](Client::with_max_pages) pages
    /// and the last still names a next page.
    #[error(
        "pagination stopped after {limit} pages: the server still names a next page (see Client::with_max_pages)"
    )]
    TooManyPages { limit: usize },
}

/// What the `Display` of an error with a body adds when the body was cut.
fn cut_note(truncated: &bool) -> &'static str {
    if *truncated {
        " (the error keeps only the start of the body)"
    } else {
        ""
    }
}

impl Error {
    /// A copy of an error that building a request can meet ([`Call`] is `Clone`; `Error` is
    /// not, since reqwest's and serde_json's errors are not). Other kinds never occur there;
    /// they are copied as their message.
    fn clone_build_error(&self) -> Self {
        use serde::ser::Error as _;
        match self {
            Error::InvalidPathSegment(s) => Error::InvalidPathSegment(s.clone()),
            Error::InvalidHeader(name) => Error::InvalidHeader(name),
            Error::InvalidBaseUrl { url, reason } => Error::InvalidBaseUrl {
                url: url.clone(),
                reason: reason.clone(),
            },
            other => Error::Encode(serde_json::Error::custom(other.to_string())),
        }
    }

    fn transport(mut e: reqwest::Error) -> Self {
        // The query may carry a credential; the path never does.
        if let Some(url) = e.url_mut() {
            url.set_query(None);
            let _ = url.set_username("");
            let _ = url.set_password(None);
        }
        Error::Transport(e)
    }

    /// The HTTP status, for errors that have one.
    pub fn status(&self) -> Option<reqwest::StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode { status, .. }
            | Error::ResponseTooLarge { status, .. }
            | Error::Redirect { status, .. } => reqwest::StatusCode::from_u16(*status).ok(),
            Error::Transport(e) => e.status(),
            _ => None,
        }
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        Error::transport(e)
    }
}

/// A response with a status outside 2xx.
#[derive(Clone, PartialEq)]
pub struct ApiError {
    pub status: reqwest::StatusCode,
    /// The error body, when it is JSON of the usual shape (and was read whole).
    pub body: Option<ErrorBody>,
    /// The start of the body as received (lossily decoded as UTF-8): at most
    /// [`MAX_ERROR_BODY_KEPT`] bytes; empty when there was none.
    pub raw: String,
    /// Whether `raw` is only the start of the body: it was longer than
    /// [`MAX_ERROR_BODY_KEPT`] bytes (of which [`Client::send`] reads at most
    /// [`MAX_ERROR_BODY_READ`]).
    pub truncated: bool,
    /// The body as read, whole unless it went on past [`MAX_ERROR_BODY_READ`] bytes.
    bytes: Vec<u8>,
    /// Whether the body went on past `bytes`.
    cut: bool,
}

impl ApiError {
    /// An error from a status and the body bytes, whatever they hold.
    pub fn new(status: reqwest::StatusCode, bytes: &[u8]) -> Self {
        ApiError::read(status, bytes, false)
    }

    /// An error from a status and the body bytes read, `cut` if the body went on.
    fn read(status: reqwest::StatusCode, bytes: &[u8], cut: bool) -> Self {
        let body = if cut {
            None
        } else {
            serde_json::from_slice::<ErrorBody>(bytes)
                .ok()
                .filter(|b| !b.is_empty())
        };
        let (raw, raw_cut) = body_prefix(bytes);
        ApiError {
            status,
            body,
            raw,
            truncated: cut || raw_cut,
            bytes: bytes.to_vec(),
            cut,
        }
    }

    /// The body as read: whole, unless it was longer than [`MAX_ERROR_BODY_READ`] bytes (or
    /// the client's [`Client::with_max_response_bytes`]), when it is the start.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The body read as JSON of type `T`: the type the spec declares for the status (each
    /// method's documentation lists them under "Errors"), or any type that fits. An error if
    /// the body is not such JSON, or was too long to be read whole.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        if self.cut {
            return Err(<serde_json::Error as serde::de::Error>::custom(format!(
                "the error body was longer than the {} bytes read",
                self.bytes.len()
            )));
        }
        serde_json::from_slice(&self.bytes)
    }

    /// The server's explanation in one line, if it gave one.
    pub fn message(&self) -> Option<String> {
        let body = self.body.as_ref()?;
        let mut parts = Vec::new();
        match &body.message {
            Some(ErrorMessage::Text(t)) => parts.push(t.clone()),
            Some(ErrorMessage::Fields(fields)) => {
                for (field, messages) in fields {
                    parts.push(format!("{field} {}", messages.join(", ")));
                }
            }
            Some(ErrorMessage::Other(v)) => parts.push(v.to_string()),
            None => {}
        }
        if let Some(e) = &body.error {
            parts.push(e.clone());
        }
        if let Some(d) = &body.error_description {
            parts.push(d.clone());
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// The body's bytes only by their number: `raw` shows their start.
impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("body", &self.body)
            .field("raw", &self.raw)
            .field("truncated", &self.truncated)
            .field("bytes", &format_args!("{} bytes", self.bytes.len()))
            .finish()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// Text shown at most, of the message or of the body.
        const SHOWN: usize = 200;
        write!(f, "the server answered {}", self.status)?;
        let (text, more) = match self.message() {
            Some(m) => {
                let shown: String = m.chars().take(MAX_ERROR_BODY_KEPT).collect();
                let more = shown.len() < m.len();
                (shown, more)
            }
            None if self.raw.trim().is_empty() && !self.truncated => {
                return f.write_str(" with an empty body");
            }
            None => {
                let shown: String = self.raw.chars().take(SHOWN).collect();
                let more = shown.len() < self.raw.len() || self.truncated;
                (shown.trim().to_owned(), more)
            }
        };
        write!(f, ": {text}")?;
        if more {
            f.write_str("…")?;
        }
        if self.truncated {
            f.write_str(" (the body was cut)")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The error body: `{"message": "…"}`, `{"message": {"field": ["…"]}}` or
/// `{"error": "…", "error_description": "…"}`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ErrorBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<ErrorMessage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
}

impl ErrorBody {
    fn is_empty(&self) -> bool {
        self.message.is_none() && self.error.is_none() && self.error_description.is_none()
    }
}

/// The `message` of an error body.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum ErrorMessage {
    /// `"message": "404 Project Not Found"`
    Text(String),
    /// `"message": {"name": ["has already been taken"]}`
    Fields(BTreeMap<String, Vec<String>>),
    /// Any other shape.
    Other(serde_json::Value),
}

// @section tests: only in a client crate.
#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;
    use reqwest::header::HeaderMap;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
    }

    /// The bound itself, so that backoff is deterministic.
    fn no_jitter(bound: Duration) -> Duration {
        bound
    }

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_retries: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(10),
        }
    }

    fn delay(status: u16, pairs: &[(&'static str, &str)]) -> Duration {
        let status = StatusCode::from_u16(status).unwrap();
        policy().delay(0, Some((status, &headers(pairs))), now(), no_jitter)
    }

    const SEC: Duration = Duration::from_secs(1);

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        assert_eq!(delay(503, &[("Retry-After", "3")]), 3 * SEC);
        assert_eq!(delay(503, &[("retry-after", " 0 ")]), Duration::ZERO);
        let date = httpdate::fmt_http_date(now() + 7 * SEC);
        assert_eq!(delay(503, &[("Retry-After", &date)]), 7 * SEC);
        let past = httpdate::fmt_http_date(now() - 7 * SEC);
        assert_eq!(delay(429, &[("Retry-After", &past)]), Duration::ZERO);
        // Capped at max_backoff, whatever the server asks for.
        assert_eq!(delay(503, &[("Retry-After", "3600")]), 10 * SEC);
        // Neither form: the backoff.
        for bad in ["soon", "1.5", "-1", ""] {
            assert_eq!(
                delay(503, &[("Retry-After", bad)]),
                policy().initial_backoff
            );
        }
    }

    #[test]
    fn rate_limit_reset_counts_on_429_only_and_after_retry_after() {
        let reset = (1_700_000_000u64 + 4).to_string();
        assert_eq!(delay(429, &[("RateLimit-Reset", &reset)]), 4 * SEC);
        assert_eq!(
            delay(503, &[("RateLimit-Reset", &reset)]),
            policy().initial_backoff
        );
        assert_eq!(
            delay(429, &[("RateLimit-Reset", &reset), ("Retry-After", "2")]),
            2 * SEC
        );
        // In the past: now. Far ahead: capped.
        assert_eq!(
            delay(429, &[("RateLimit-Reset", "1699999990")]),
            Duration::ZERO
        );
        assert_eq!(delay(429, &[("RateLimit-Reset", "1800000000")]), 10 * SEC);
        // The IETF draft's delay-seconds.
        assert_eq!(delay(429, &[("RateLimit-Reset", "5")]), 5 * SEC);
        assert_eq!(
            delay(429, &[("RateLimit-Reset", "x")]),
            policy().initial_backoff
        );
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let waits: Vec<Duration> = (0..10)
            .map(|attempt| policy().delay(attempt, None, now(), no_jitter))
            .collect();
        let ms = Duration::from_millis;
        assert_eq!(
            waits,
            [
                ms(100),
                ms(200),
                ms(400),
                ms(800),
                ms(1600),
                ms(3200),
                ms(6400),
                10 * SEC,
                10 * SEC,
                10 * SEC
            ]
        );
        // No overflow however many attempts.
        assert_eq!(policy().delay(u32::MAX, None, now(), no_jitter), 10 * SEC);
        for _ in 0..100 {
            let wait = policy().delay(2, None, now(), full_jitter);
            assert!(wait <= Duration::from_millis(400), "{wait:?}");
        }
        assert_eq!(full_jitter(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn defaults_and_idempotent_methods() {
        let default = RetryPolicy::default();
        assert_eq!(default.max_retries, 3);
        assert_eq!(default.initial_backoff, Duration::from_millis(500));
        assert_eq!(default.max_backoff, Duration::from_secs(30));
        assert_eq!(RetryPolicy::none().max_retries, 0);
        use reqwest::Method;
        for m in [
            Method::GET,
            Method::HEAD,
            Method::PUT,
            Method::DELETE,
            Method::OPTIONS,
            Method::TRACE,
        ] {
            assert!(is_idempotent(&m), "{m}");
        }
        for m in [Method::POST, Method::PATCH, Method::CONNECT] {
            assert!(!is_idempotent(&m), "{m}");
        }
        let retryable: Vec<u16> = (100..600)
            .filter(|s| is_retryable_status(StatusCode::from_u16(*s).unwrap()))
            .collect();
        assert_eq!(retryable, [429, 500, 502, 503, 504]);
    }

    // @section pages
    fn next_of(header: &str) -> Option<&str> {
        parse_links(header)
            .into_iter()
            .find(|l| l.has_rel("next"))
            .map(|l| l.target)
    }

    #[test]
    fn link_header_edge_cases() {
        // GitLab's shape.
        assert_eq!(
            next_of(
                r#"<https://gitlab.example.com/api/v4/projects?id_after=42&pagination=keyset&per_page=2>; rel="next", <https://gitlab.example.com/api/v4/projects?pagination=keyset&per_page=2>; rel="first""#
            ),
            Some(
                "https://gitlab.example.com/api/v4/projects?id_after=42&pagination=keyset&per_page=2"
            )
        );
        // Not the first link; unquoted, upper case, spaces around `;` and `=`.
        assert_eq!(next_of(r#"<a>; rel="prev", <b> ; REL = NEXT"#), Some("b"));
        assert_eq!(next_of("<a>;rel=next"), Some("a"));
        // Several relation types in one rel.
        assert_eq!(next_of(r#"<a>; rel="last next""#), Some("a"));
        assert_eq!(next_of(r#"<a>; rel="nextpage", <b>; rel=next-ish"#), None);
        // Commas and semicolons inside the target or a quoted string do not split.
        assert_eq!(
            next_of(r#"<https://x/a?ids=1,2;3>; rel="next""#),
            Some("https://x/a?ids=1,2;3")
        );
        assert_eq!(
            next_of(r#"<a>; title="one, <two>; rel=next", <b>; rel="next""#),
            Some("b")
        );
        assert_eq!(
            next_of(r#"<a>; title="say \"hi\", rel=next"; rel=prev, <b>; rel=next"#),
            Some("b")
        );
        // Only the first rel counts (RFC 8288 §3.3).
        assert_eq!(next_of(r#"<a>; rel="prev"; rel="next""#), None);
        // Other parameters, with and without values, before rel.
        assert_eq!(
            next_of(r#"<a>; type="application/json"; crossorigin; rel=next"#),
            Some("a")
        );
        // Garbage is skipped up to the next link; broken input ends quietly.
        assert_eq!(next_of(r#"garbage; rel=next, <b>; rel="next""#), Some("b"));
        assert_eq!(next_of(r#"<a>; rel="next"#), Some("a"));
        assert_eq!(next_of("<a; rel=next"), None);
        assert_eq!(next_of(""), None);
        assert_eq!(next_of(" , ,"), None);
        assert_eq!(
            parse_links(r#"<a>; rel="unterminated, <b>; rel=next"#),
            [Link {
                target: "a",
                rel: Some("unterminated, <b>; rel=next".into())
            }]
        );
    }

    #[test]
    fn next_link_reads_every_link_field_and_resolves_relative_targets() {
        let base = url::Url::parse("https://gitlab.example.com/api/v4/projects?page=1").unwrap();
        let map = headers(&[
            ("Link", r#"<https://gitlab.example.com/first>; rel="first""#),
            ("Link", r#"</api/v4/projects?page=2>; rel="next""#),
        ]);
        assert_eq!(
            next_link(&map, &base).unwrap().unwrap().as_str(),
            "https://gitlab.example.com/api/v4/projects?page=2"
        );
        let map = headers(&[("Link", r#"<?page=3>; rel="next""#)]);
        assert_eq!(
            next_link(&map, &base).unwrap().unwrap().as_str(),
            "https://gitlab.example.com/api/v4/projects?page=3"
        );
        assert_eq!(next_link(&headers(&[]), &base).unwrap(), None);
        let map = headers(&[("Link", r#"<http://[bad?private_token=x>; rel="next""#)]);
        let err = next_link(&map, &base).unwrap_err();
        assert!(matches!(err, Error::InvalidPageHeader { name: "Link", .. }));
        assert!(!err.to_string().contains("private_token"), "{err}");
    }

    #[test]
    fn page_numbers_empty_missing_or_invalid() {
        let map = headers(&[("X-Page", "2"), ("X-Next-Page", ""), ("X-Total", "x")]);
        assert_eq!(page_number(&map, "X-Page").unwrap(), Some(2));
        assert_eq!(page_number(&map, "X-Next-Page").unwrap(), None);
        assert_eq!(page_number(&map, "X-Per-Page").unwrap(), None);
        assert!(matches!(
            page_number(&map, "X-Total"),
            Err(Error::InvalidPageHeader { name: "X-Total", value }) if value == "x"
        ));
    }
    // @end pages

    #[test]
    fn set_query_replaces_every_pair_of_the_name() {
        let client = Client::new("https://gitlab.example.com/api/").unwrap();
        let mut request = Request::new(&client, reqwest::Method::GET, &["v4"]).unwrap();
        request.set_query("page", &2u64);
        assert_eq!(request.url().query(), Some("page=2"));
        request.query("per_page", &20u64);
        request.query("page", &5u64);
        request.query("search", "a b&c");
        request.set_query("page", &3u64);
        assert_eq!(
            request.url().query(),
            Some("page=3&per_page=20&search=a+b%26c")
        );
    }

    #[test]
    fn redacted_texts_carry_no_credentials() {
        for (text, expected) in [
            ("https://user:pw@host:99999/a?token=t#f", "https://host:99999/a"),
            ("user:pw@host/api", "host/api"),
            ("https:user:pw@host/", "host/"),
            ("https://host/a@b?c", "https://host/a@b"),
            ("https://a@b@host/", "https://host/"),
            ("not a url", "not a url"),
        ] {
            assert_eq!(redacted_text(text), expected, "{text}");
        }
        let long = "x".repeat(300);
        assert_eq!(redacted_text(&long).chars().count(), 201);
    }

    #[test]
    fn body_prefixes_are_bounded_and_cut_between_characters() {
        assert_eq!(body_prefix(b"short"), ("short".to_owned(), false));
        let exact = vec![b'a'; MAX_ERROR_BODY_KEPT];
        assert!(!body_prefix(&exact).1);
        let (text, cut) = body_prefix(&[b'a'; MAX_ERROR_BODY_KEPT + 1]);
        assert_eq!((text.len(), cut), (MAX_ERROR_BODY_KEPT, true));
        // A 4-byte character across the cut is left out whole.
        let mut bytes = vec![b'a'; MAX_ERROR_BODY_KEPT - 2];
        bytes.extend("🦀🦀".as_bytes());
        let (text, cut) = body_prefix(&bytes);
        assert!(cut);
        assert_eq!(text.len(), MAX_ERROR_BODY_KEPT - 2);
        assert!(!text.contains('\u{FFFD}'));
    }

    #[test]
    fn redirect_defaults_and_statuses() {
        let policy = RedirectPolicy::default();
        assert_eq!(policy.max_redirects, 10);
        assert_eq!(policy.cross_origin, CrossOrigin::FollowWithoutCredentials);
        let followed: Vec<u16> = (100..600)
            .filter(|s| is_redirect(StatusCode::from_u16(*s).unwrap()))
            .collect();
        assert_eq!(followed, [301, 302, 303, 307, 308]);
        let base = url::Url::parse("https://gitlab.example.com/api/").unwrap();
        for (other, same) in [
            ("https://gitlab.example.com:443/x", true),
            ("https://GITLAB.example.com/x", true),
            ("http://gitlab.example.com/x", false),
            ("https://gitlab.example.com:8443/x", false),
            ("https://storage.example.com/x", false),
        ] {
            let url = url::Url::parse(other).unwrap();
            assert_eq!(same_origin(&url, &base), same, "{other}");
        }
    }

    #[test]
    fn redacted_urls_carry_no_credentials() {
        let url = url::Url::parse("https://user:pw@gitlab.example.com/api/v4/x?private_token=t#f")
            .unwrap();
        assert_eq!(redacted(&url), "https://gitlab.example.com/api/v4/x");
        let url = url::Url::parse("javascript:alert('token')").unwrap();
        assert_eq!(redacted(&url), "javascript:…");
    }
}
// @end tests
