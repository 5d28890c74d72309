//! Runtime of the generated client: the parts that never vary from one spec to another.
//!
//! The generator copies this file verbatim into every client it writes (`src/runtime.rs`);
//! edit it in the generator (`generator/runtime/runtime.rs`), never in a generated crate.
//! The operations of the client are thin, generated wrappers over [`Request`] and
//! [`Client::send`]; both are public so that an application can also call an endpoint that the
//! spec does not describe, with the same authentication, encoding and error handling.
//!
//! Besides encoding and errors it holds what every production client needs: retries of
//! idempotent requests with backoff ([`RetryPolicy`]), offset and keyset pagination ([`page`],
//! [`paginate`], [`collect_all`], [`collect_first`]), and, behind the cargo feature `blocking`,
//! a shared runtime for callers that are not async (`block_on`).

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime};

/// The connection to one API server: base URL, credentials and the HTTP client.
///
/// Cloning is cheap (the connection pool is shared). Credentials never appear in `Debug`
/// output or in errors.
#[derive(Clone)]
pub struct Client {
    base_url: url::Url,
    http: reqwest::Client,
    credentials: Vec<Credential>,
    retry: RetryPolicy,
}

#[derive(Clone)]
enum Credential {
    Header { name: &'static str, value: String },
    Query { name: &'static str, value: String },
}

impl Credential {
    fn name(&self) -> &'static str {
        match self {
            Credential::Header { name, .. } | Credential::Query { name, .. } => name,
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
            .field("base_url", &self.base_url.as_str())
            .field("credentials", &credentials)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// How long to wait for a connection before giving up.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a whole request (connect, send, read the response) may take.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

impl Client {
    /// A client for the API at `base_url` (for GitLab: `https://gitlab.example.com/api/`),
    /// with TLS certificate verification, a 10 s connect timeout, a 60 s request timeout and
    /// the default [`RetryPolicy`].
    pub fn new(base_url: &str) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
            .timeout(DEFAULT_TIMEOUT)
            .user_agent(concat!(
                env!("CARGO_PKG_NAME"),
                "/",
                env!("CARGO_PKG_VERSION")
            ))
            .build()?;
        Self::with_http_client(base_url, http)
    }

    /// A client that sends its requests through `http` (your timeouts, proxies, TLS roots),
    /// with the default [`RetryPolicy`].
    pub fn with_http_client(base_url: &str, http: reqwest::Client) -> Result<Self, Error> {
        let invalid = |reason: String| Error::InvalidBaseUrl {
            url: base_url.to_owned(),
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
        Ok(Client {
            base_url: url,
            http,
            credentials: Vec::new(),
            retry: RetryPolicy::default(),
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

    /// Authenticates with `Authorization: Bearer <token>` (OAuth2 access tokens).
    pub fn with_bearer_token(self, token: impl Into<String>) -> Self {
        let value = format!("Bearer {}", token.into());
        self.with_header_credential("Authorization", value)
    }

    /// Sends `value` in the header `name` with every request, replacing an earlier credential
    /// sent in the same header. The generated `with_…` methods of API-key schemes call this.
    pub fn with_header_credential(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.credentials
            .retain(|c| !c.name().eq_ignore_ascii_case(name));
        self.credentials.push(Credential::Header {
            name,
            value: value.into(),
        });
        self
    }

    /// Sends `value` as the query parameter `name` with every request.
    pub fn with_query_credential(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.credentials.retain(|c| c.name() != name);
        self.credentials.push(Credential::Query {
            name,
            value: value.into(),
        });
        self
    }

    /// The base URL that operation paths are appended to.
    pub fn base_url(&self) -> &url::Url {
        &self.base_url
    }

    /// The underlying HTTP client.
    pub fn http_client(&self) -> &reqwest::Client {
        &self.http
    }

    /// Sends `request` with this client's credentials; a status outside 2xx is an
    /// [`Error::Api`] carrying the status and the decoded error body.
    ///
    /// An idempotent request (GET, HEAD, PUT, DELETE, OPTIONS, TRACE; never POST or PATCH)
    /// that is answered 429, 500, 502, 503 or 504, or that fails to connect or times out, is
    /// sent again as the client's [`RetryPolicy`] says; the caller gets the outcome of the
    /// last attempt. Failures while reading a body after this returns are not retried.
    pub async fn send(&self, request: Request) -> Result<reqwest::Response, Error> {
        let idempotent = is_idempotent(&request.method);
        let mut attempt = 0;
        loop {
            let outcome = send_once(self, &request).await;
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
                    // An unread body only costs the connection; reading it could take long.
                    drop(outcome);
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                    continue;
                }
            }
            let response = outcome?;
            let status = response.status();
            if status.is_success() {
                return Ok(response);
            }
            let bytes = response.bytes().await.map_err(Error::transport)?;
            return Err(Error::Api(Box::new(ApiError::new(status, &bytes))));
        }
    }
}

/// One attempt at sending `request`: credentials added, any status returned as a response.
///
/// A free function rather than a method, so that it cannot collide with the name of a
/// generated operation method of [`Client`].
async fn send_once(client: &Client, request: &Request) -> Result<reqwest::Response, Error> {
    let mut url = request.url.clone();
    for c in &client.credentials {
        if let Credential::Query { name, value } = c {
            url.query_pairs_mut().append_pair(name, value);
        }
    }
    if url.query() == Some("") {
        url.set_query(None);
    }
    let mut builder = client.http.request(request.method.clone(), url);
    for c in &client.credentials {
        if let Credential::Header { name, value } = c {
            let mut value = reqwest::header::HeaderValue::from_str(value)
                .map_err(|_| Error::InvalidHeader(name))?;
            value.set_sensitive(true);
            builder = builder.header(*name, value);
        }
    }
    for (name, value) in &request.headers {
        let value = reqwest::header::HeaderValue::from_str(value)
            .map_err(|_| Error::InvalidHeader(name))?;
        builder = builder.header(*name, value);
    }
    match &request.body {
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
    builder.send().await.map_err(Error::transport)
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
/// Cloning copies the body; [`paginate`] clones a request to ask for the next page.
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
        segments: &[String],
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
            if segment.is_empty() || segment == "." || segment == ".." {
                return Err(Error::InvalidPathSegment(segment.clone()));
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
        fn flatten(key: String, v: &serde_json::Value, out: &mut Vec<(String, FormValue)>) {
            match v {
                serde_json::Value::Null => {}
                serde_json::Value::String(s) => out.push((key, FormValue::Text(s.clone()))),
                serde_json::Value::Bool(_) | serde_json::Value::Number(_) => {
                    out.push((key, FormValue::Text(v.to_string())))
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
        let value = serde_json::to_value(value).map_err(Error::Encode)?;
        let mut fields = Vec::new();
        flatten(name.to_owned(), &value, &mut fields);
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

/// Sends `request` (or returns the error of building it) and decodes the JSON body of the
/// success. Operations return this future rather than an `async` block of their own, so the
/// client type-checks one state machine per kind of body instead of one per operation; all but
/// the decoding happens in [`send_for_body`], compiled once in this crate.
pub async fn send_json<T: serde::de::DeserializeOwned>(
    client: &Client,
    request: Result<Request, Error>,
) -> Result<T, Error> {
    let (status, body) = send_for_body(client, request).await?;
    decode_json(status, &body)
}

/// Sends `request` and reads the success's whole body: the part of an operation's future that
/// does not depend on the body's type. Not generic, so it is compiled (and optimized, with
/// [`Client::send`] and the retry loop inlined) here rather than in every crate that calls it.
async fn send_for_body(
    client: &Client,
    request: Result<Request, Error>,
) -> Result<(u16, Vec<u8>), Error> {
    let response = client.send(request?).await?;
    let status = response.status().as_u16();
    let body = response.bytes().await.map_err(Error::transport)?;
    Ok((status, body.into()))
}

/// Decodes a JSON body; the error keeps the status, the expected type and the body.
fn decode_json<T: serde::de::DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|source| Error::Decode {
        status,
        expected: std::any::type_name::<T>(),
        source,
        body: String::from_utf8_lossy(body).into_owned(),
    })
}

/// Sends `request` and reads the success's body as bytes (see [`send_json`]).
pub async fn send_bytes(
    client: &Client,
    request: Result<Request, Error>,
) -> Result<Vec<u8>, Error> {
    bytes(client.send(request?).await?).await
}

/// Sends `request` and discards the success's body, declared empty (see [`send_json`]).
pub async fn send_empty(client: &Client, request: Result<Request, Error>) -> Result<(), Error> {
    empty(client.send(request?).await?).await
}

/// Sends `request` and reads the page it answers (see [`page`] and [`send_json`]).
pub async fn send_page<T: serde::de::DeserializeOwned>(
    client: &Client,
    request: Result<Request, Error>,
) -> Result<Page<T>, Error> {
    page(client.send(request?).await?).await
}

/// Decodes a JSON response body.
pub async fn json<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> Result<T, Error> {
    let status = response.status().as_u16();
    let bytes = response.bytes().await.map_err(Error::transport)?;
    decode_json(status, &bytes)
}

/// Reads a response body as bytes (file downloads).
pub async fn bytes(response: reqwest::Response) -> Result<Vec<u8>, Error> {
    Ok(response.bytes().await.map_err(Error::transport)?.to_vec())
}

/// The segments of a multi-segment path parameter (a Grape/Rails `*wildcard`:
/// `com/example/app` → `com`, `example`, `app`), each then encoded on its own.
pub fn multi_segment(value: &str) -> Vec<String> {
    value.split('/').map(str::to_owned).collect()
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

/// Reads and discards a response body that the operation declares empty.
pub async fn empty(response: reqwest::Response) -> Result<(), Error> {
    response.bytes().await.map_err(Error::transport)?;
    Ok(())
}

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

/// Reads a page: the pagination headers of `response`, then its body as a JSON array.
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

/// [`paginate`] for a request that may have failed to build (the generated `stream()` methods):
/// the error comes out of the stream. Boxed, so callers can `.next().await` without pinning.
pub fn paginate_from<'a, T: serde::de::DeserializeOwned + Send + 'a>(
    client: &'a Client,
    request: Result<Request, Error>,
) -> futures_util::stream::BoxStream<'a, Result<T, Error>> {
    use futures_util::StreamExt;
    match request {
        Ok(request) => paginate(client, request).boxed(),
        Err(e) => futures_util::stream::once(async move { Err(e) }).boxed(),
    }
}

/// Every item of a list, page after page: sends `request`, yields the items of the response,
/// then asks for the next page, until a page has neither a next link nor a next page number.
///
/// The next page is the `Link` with `rel="next"` when there is one (keyset pagination), else
/// `request` with the query parameter `page` set to `X-Next-Page` (offset pagination); set
/// `per_page` (and for keyset, `pagination=keyset`, `order_by`) on `request` yourself. Pages
/// are fetched only as the stream is polled, each with [`Client::send`] (so with retries).
///
/// A next link is followed only to the scheme, host and port of the client's base URL; any
/// other stops the stream with [`Error::ForeignNextPage`] (after the items of the page that
/// named it), since the request would carry the credentials there. A next page equal to the
/// page just fetched, or an `X-Next-Page` that is not after `X-Page`, stops it with
/// [`Error::PaginationLoop`]. The stream ends after an error.
pub fn paginate<'a, T: serde::de::DeserializeOwned + Send + 'a>(
    client: &'a Client,
    request: Request,
) -> impl futures_util::Stream<Item = Result<T, Error>> + Send + 'a {
    struct State<T> {
        items: std::vec::IntoIter<T>,
        /// What comes after `items`: the next page, an error, or (`None`) the end.
        next: Option<Result<Request, Error>>,
    }
    let start = State {
        items: Vec::new().into_iter(),
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
                    state.next = next.transpose();
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
        let same_origin = url.scheme() == base.scheme()
            && url.host() == base.host()
            && url.port_or_known_default() == base.port_or_known_default();
        if !same_origin {
            return Err(Error::ForeignNextPage {
                url: redacted(&url),
                origin: base.origin().ascii_serialization(),
            });
        }
        // GitLab repeats the request's query in its links, query credentials included;
        // `Client::send` adds those again.
        let credentials: Vec<&str> = client
            .credentials
            .iter()
            .filter_map(|c| match c {
                Credential::Query { name, .. } => Some(*name),
                Credential::Header { .. } => None,
            })
            .collect();
        if url.query_pairs().any(|(k, _)| credentials.contains(&&*k)) {
            let kept: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(k, _)| !credentials.contains(&&**k))
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            url.query_pairs_mut().clear().extend_pairs(kept);
            if url.query() == Some("") {
                url.set_query(None);
            }
        }
        url.set_fragment(None);
        Request {
            url,
            ..request.clone()
        }
    } else if let Some(number) = page.next_page {
        if page.page.is_some_and(|current| number <= current) {
            return Err(Error::PaginationLoop {
                url: redacted(&request.url),
            });
        }
        let mut next = request.clone();
        next.set_query("page", &number);
        next
    } else {
        return Ok(None);
    };
    if next.url == request.url {
        return Err(Error::PaginationLoop {
            url: redacted(&request.url),
        });
    }
    Ok(Some(next))
}

/// A URL for an error message: without the query or user info, which may carry credentials.
fn redacted(url: &url::Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.to_string()
}

/// Every item of `stream` (from [`paginate`]), or its first error.
pub async fn collect_all<T>(
    stream: impl futures_util::Stream<Item = Result<T, Error>>,
) -> Result<Vec<T>, Error> {
    collect_first(stream, usize::MAX).await
}

/// The first `n` items of `stream` (fewer if it ends sooner), or the first error. The stream
/// is not polled after the `n`th item, so [`paginate`] fetches no page beyond it.
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
    uuid::Uuid,
    IdOrPath
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
    /// The server named the page just fetched (or an earlier page) as the next page.
    #[error(
        "pagination loops: after the page {url} the server names the same or an earlier page as the next"
    )]
    PaginationLoop {
        /// The page, without its query.
        url: String,
    },
    /// The server answered 2xx with a body that is not what the spec describes.
    #[error("cannot decode the response body (HTTP {status}) as `{expected}`: {source}")]
    Decode {
        status: u16,
        expected: &'static str,
        #[source]
        source: serde_json::Error,
        /// The body as received.
        body: String,
    },
}

impl Error {
    fn transport(mut e: reqwest::Error) -> Self {
        // The query may carry a credential; the path never does.
        if let Some(url) = e.url_mut() {
            url.set_query(None);
        }
        Error::Transport(e)
    }

    /// The HTTP status, for errors that have one.
    pub fn status(&self) -> Option<reqwest::StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode { status, .. } => reqwest::StatusCode::from_u16(*status).ok(),
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
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: reqwest::StatusCode,
    /// The error body, when it is JSON of the usual shape.
    pub body: Option<ErrorBody>,
    /// The body as received (lossily decoded as UTF-8); empty when there was none.
    pub raw: String,
}

impl ApiError {
    /// An error from a status and the body bytes, whatever they hold.
    pub fn new(status: reqwest::StatusCode, bytes: &[u8]) -> Self {
        let body = serde_json::from_slice::<ErrorBody>(bytes)
            .ok()
            .filter(|b| !b.is_empty());
        ApiError {
            status,
            body,
            raw: String::from_utf8_lossy(bytes).into_owned(),
        }
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

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the server answered {}", self.status)?;
        match self.message() {
            Some(m) => write!(f, ": {m}"),
            None if self.raw.trim().is_empty() => f.write_str(" with an empty body"),
            None => {
                let snippet: String = self.raw.chars().take(200).collect();
                let more = if self.raw.chars().count() > 200 {
                    "…"
                } else {
                    ""
                };
                write!(f, ": {}{more}", snippet.trim())
            }
        }
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

    #[test]
    fn set_query_replaces_every_pair_of_the_name() {
        let client = Client::new("https://gitlab.example.com/api/").unwrap();
        let mut request = Request::new(&client, reqwest::Method::GET, &["v4".into()]).unwrap();
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
    fn redacted_urls_carry_no_credentials() {
        let url = url::Url::parse("https://user:pw@gitlab.example.com/api/v4/x?private_token=t#f")
            .unwrap();
        assert_eq!(redacted(&url), "https://gitlab.example.com/api/v4/x");
    }
}
