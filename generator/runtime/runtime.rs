//! Runtime of the generated client: the parts that never vary from one spec to another.
//!
//! The generator copies this file verbatim into every client it writes (`src/runtime.rs`);
//! edit it in the generator (`generator/runtime/runtime.rs`), never in a generated crate.
//! The operations of the client are thin, generated wrappers over [`Request`] and
//! [`Client::send`]; both are public so that an application can also call an endpoint that the
//! spec does not describe, with the same authentication, encoding and error handling.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// The connection to one API server: base URL, credentials and the HTTP client.
///
/// Cloning is cheap (the connection pool is shared). Credentials never appear in `Debug`
/// output or in errors.
#[derive(Clone)]
pub struct Client {
    base_url: url::Url,
    http: reqwest::Client,
    credentials: Vec<Credential>,
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
            .finish_non_exhaustive()
    }
}

/// How long to wait for a connection before giving up.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a whole request (connect, send, read the response) may take.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

impl Client {
    /// A client for the API at `base_url` (for GitLab: `https://gitlab.example.com/api/`),
    /// with TLS certificate verification, a 10 s connect timeout and a 60 s request timeout.
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

    /// A client that sends its requests through `http` (your timeouts, proxies, TLS roots).
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
        })
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
    pub async fn send(&self, request: Request) -> Result<reqwest::Response, Error> {
        let Request {
            method,
            mut url,
            headers,
            body,
        } = request;
        for c in &self.credentials {
            if let Credential::Query { name, value } = c {
                url.query_pairs_mut().append_pair(name, value);
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        let mut builder = self.http.request(method, url);
        for c in &self.credentials {
            if let Credential::Header { name, value } = c {
                let mut value = reqwest::header::HeaderValue::from_str(value)
                    .map_err(|_| Error::InvalidHeader(name))?;
                value.set_sensitive(true);
                builder = builder.header(*name, value);
            }
        }
        for (name, value) in headers {
            let value = reqwest::header::HeaderValue::from_str(&value)
                .map_err(|_| Error::InvalidHeader(name))?;
            builder = builder.header(name, value);
        }
        if let Some((content_type, bytes)) = body {
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(bytes);
        }
        let response = builder.send().await.map_err(Error::transport)?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let bytes = response.bytes().await.map_err(Error::transport)?;
        Err(Error::Api(Box::new(ApiError::new(status, &bytes))))
    }
}

/// One HTTP request being built: method, URL (path segments and query) and headers.
#[derive(Debug)]
pub struct Request {
    method: reqwest::Method,
    url: url::Url,
    headers: Vec<(&'static str, String)>,
    body: Option<(&'static str, Vec<u8>)>,
}

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
        {
            let mut path = url
                .path_segments_mut()
                .map_err(|()| Error::InvalidBaseUrl {
                    url: client.base_url.to_string(),
                    reason: "the base URL cannot have a path".to_owned(),
                })?;
            path.pop_if_empty();
            for segment in segments {
                if segment.is_empty() || segment == "." || segment == ".." {
                    return Err(Error::InvalidPathSegment(segment.clone()));
                }
                path.push(segment);
            }
        }
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
    pub fn header(&mut self, name: &'static str, value: &(impl ParamValue + ?Sized)) {
        self.headers.push((name, value.to_param()));
    }

    /// Sets a JSON body.
    pub fn json_body<T: serde::Serialize + ?Sized>(&mut self, body: &T) -> Result<(), Error> {
        let bytes = serde_json::to_vec(body).map_err(Error::Encode)?;
        self.body = Some(("application/json", bytes));
        Ok(())
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

/// Decodes a JSON response body.
pub async fn json<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> Result<T, Error> {
    let status = response.status().as_u16();
    let bytes = response.bytes().await.map_err(Error::transport)?;
    serde_json::from_slice(&bytes).map_err(|source| Error::Decode {
        status,
        expected: std::any::type_name::<T>(),
        source,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

/// Reads and discards a response body that the operation declares empty.
pub async fn empty(response: reqwest::Response) -> Result<(), Error> {
    response.bytes().await.map_err(Error::transport)?;
    Ok(())
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
