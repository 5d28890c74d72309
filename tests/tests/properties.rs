//! Property test of path-parameter encoding in the generated runtime, through the checked-in
//! client (`gitlab-api-client`, whose `runtime` module is public).
//!
//! In: arbitrary strings as a path parameter (any Unicode, and strings made of what URLs treat
//! specially: `/`, `\`, `%`, `?`, `#`, dots, spaces, tabs and line ends). Out: pass/fail. A request
//! is built exactly as a generated operation builds it (`runtime::Request::new` with the value's
//! `ParamValue::to_param` as one of the segments) and its URL inspected without sending it: the
//! value must be exactly one segment that percent-decodes back to the value, the other segments
//! and the scheme, host and port unchanged. `""`, `.` and `..` are refused by design
//! (`Error::InvalidPathSegment`), since URL normalization would drop them.

use gitlab_api_client::runtime::{IdOrPath, ParamValue, Request};
use gitlab_api_client::{Client, Error};
use proptest::prelude::*;
use std::sync::LazyLock;

const BASE: &str = "http://localhost:8080/base";

/// One client for every case: building one loads TLS roots, which takes longer than a case.
static CLIENT: LazyLock<Client> =
    LazyLock::new(|| Client::new(BASE).expect("the base URL is valid"));

/// Undoes percent-encoding; `None` if the bytes are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
}

/// The URL of `GET /api/v4/projects/{id}/issues` with `value` as `id`, as the generated
/// `projects` operations build it.
fn url_for(value: &str) -> Result<url::Url, Error> {
    let id = IdOrPath::Path(value.to_owned());
    let segments = [
        "api".to_owned(),
        "v4".to_owned(),
        "projects".to_owned(),
        id.to_param(),
        "issues".to_owned(),
    ];
    Request::new(&CLIENT, reqwest::Method::GET, &segments).map(|r| r.url().clone())
}

fn path_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[./%?#\\\\ \t\n\r;:@=&+a-zA-Z0-9é-]{1,8}",
        prop::sample::select(vec![
            "%2e", "%2E%2e", ".%2e", " ..", ". ", "...", "a/..", "../a", "%", "%zz", "%25",
        ])
        .prop_map(str::to_owned),
    ]
}

fn refused_by_design(value: &str) -> bool {
    matches!(value, "" | "." | "..")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_path_parameter_is_one_segment_that_decodes_back(
        value in path_value()
            .prop_filter("refused by design", |v| !refused_by_design(v))
    ) {
        let url = url_for(&value).map_err(|e| TestCaseError::fail(format!("{value:?}: {e}")))?;
        prop_assert_eq!(url.scheme(), "http");
        prop_assert_eq!(url.host_str(), Some("localhost"));
        prop_assert_eq!(url.port(), Some(8080));
        prop_assert_eq!(url.query(), None);
        prop_assert_eq!(url.fragment(), None);
        let segments: Vec<&str> = url.path_segments().expect("an http URL has a path").collect();
        prop_assert_eq!(segments.len(), 6, "{:?} made {}", value, url);
        prop_assert_eq!(&segments[..4], &["base", "api", "v4", "projects"][..]);
        prop_assert_eq!(segments[5], "issues");
        prop_assert_eq!(percent_decode(segments[4]), Some(value.clone()), "in {}", url);
    }
}

#[test]
fn empty_and_dot_segments_are_refused() {
    for value in ["", ".", ".."] {
        assert!(
            matches!(url_for(value), Err(Error::InvalidPathSegment(v)) if v == value),
            "{value:?} was not refused"
        );
    }
}

/// Tabs and line ends, which the URL standard strips from parsed input (so `url`'s own segment
/// push would send `.\t.` as a `..` segment and climb out of the path), are percent-encoded.
#[test]
fn tabs_and_line_ends_are_encoded() {
    let path = |v: &str| url_for(v).expect("not refused").path().to_owned();
    assert_eq!(path("a\tb"), "/base/api/v4/projects/a%09b/issues");
    assert_eq!(path("\r\n"), "/base/api/v4/projects/%0D%0A/issues");
    assert_eq!(path(".\t."), "/base/api/v4/projects/.%09./issues");
    assert_eq!(path("..\n"), "/base/api/v4/projects/..%0A/issues");
}
