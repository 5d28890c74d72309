//! Operation names: the method a user calls on `Client` for each operation.
//!
//! In: each operation's method, path, operationId, `x-rust-name` extension and whether it
//! answers with a list; the `operation_names` and `rename` settings. Out: one base name per
//! operation (snake case, not yet made unique against the client's own methods).
//!
//! The rule, in order:
//!
//! 1. `rename` in the settings (by `"METHOD /path"` or by operationId), then `x-rust-name` on
//!    the operation: taken as written.
//! 2. The operationId, in snake case, when a person wrote it.
//! 3. Otherwise the verb and the resource, from the method and the path ([`from_path`]):
//!    leading `api` and version segments dropped, and the words of the `skip_path_words`
//!    setting (GitLab's `repository`) where they are not the last; each word before a parameter or another
//!    word made singular, then `GET` a list is `list_`, other `GET`s `get_`, `POST` `create_`,
//!    `PUT`/`PATCH` `update_`, `DELETE` `delete_`; a path whose last segment starts with a verb
//!    of [`VERBS`] names an action, which is the verb. `POST` on an item (a path ending in a
//!    parameter) with a body is `update_` when the spec gives that item no `PUT` or `PATCH` and its
//!    collection (the path without its last segment) has a `POST` that creates: Stripe's
//!    `POST /v1/customers/{customer}` beside `POST /v1/customers`, the pet store's
//!    `POST /pet/{petId}`, OpenAI's `POST /threads/{thread_id}` ([`post_updates`]); otherwise
//!    it creates (GitLab's `POST …/repository/files/{file_path}`, which has a `PUT` too). `GET /api/v4/projects/{id}/merge_requests`
//!    is `list_project_merge_requests`, `POST /projects/{id}/issues` `create_project_issue`,
//!    `POST /projects/{id}/archive` `archive_project`.
//!
//! An operationId is "made by a tool" ([`tool_made`]) when, letters and digits only and
//! lower-cased, it is the method and the path run together, with or without the path's leading
//! `api` and version segments (Grape, which GitLab uses: `getApiV4ProjectsIdMergeRequests`;
//! `projectsIdGet`; Stripe's `PostCustomersCustomer` for `POST /v1/customers/{customer}`), or a function's name followed by the
//! path and the method (FastAPI: `read_item_items__item_id__get`, named `read_item`). With
//! `operation_names = "operation-id"` rule 3 applies only where there is no operationId; with
//! `"path"` it applies always.
//!
//! Names made from paths can collide (`GET /user/keys` and `GET /users/{user_id}/keys` are
//! both `list_user_keys`). A collision is settled from the operations' own paths: the ones
//! with more path parameters than the one with the fewest add `_by_<the first parameter it
//! lacks>` (`list_user_keys_by_user_id`); then, between methods of one path, `PATCH` says `patch`
//! where `PUT` says `update`; then each takes the whole path (`post_things` and `post_thing`).
//! Every other name depends on its own operation only, so it stays the same when operations
//! are added, removed or renamed, with two exceptions, each pinned by `rename`: a settled name
//! may change when the one it collided with goes, and a `POST` on an item that updates may
//! become `create_` when its collection's `POST` goes or its item gains a `PUT` or `PATCH`.

pub use crate::naming::Singular;
use crate::normalize::OperationNames;
use heck::ToSnakeCase;
use std::collections::BTreeMap;

/// What naming needs to know of one operation.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Lower case, as in the spec's path item (`get`).
    pub method: String,
    pub path: String,
    pub operation_id: Option<String>,
    /// `x-rust-name`.
    pub extension: Option<String>,
    /// Whether its success response is a list (`GET` on a collection reads as `list_…`).
    pub lists: Lists,
    /// It declares a request body.
    pub has_body: bool,
}

/// Whether an operation's success response is a list ([`Candidate`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lists {
    No,
    /// A JSON array.
    Array,
    /// An object with exactly one array property, a list in an envelope (Stripe's
    /// `{"object": "list", "data": […]}`): a list when the path's last word is plural.
    Envelope,
}

pub use crate::ir::NameSource as Source;

/// The base names of `ops`, in their order, with where each came from; and the `rename` keys
/// that matched no operation.
pub fn operation_names(
    ops: &[Candidate],
    setting: OperationNames,
    rename: &BTreeMap<String, String>,
    skip: &[String],
    singular: &mut Singular,
) -> (Vec<(String, Source)>, Vec<String>) {
    let mut used = vec![false; rename.len()];
    let keys: Vec<&String> = rename.keys().collect();
    let updates = post_updates(ops, singular);
    let mut named: Vec<(String, Source)> = ops
        .iter()
        .zip(updates)
        .map(|(op, updates)| {
            let by_path = format!("{} {}", op.method.to_ascii_uppercase(), op.path);
            let hand = keys
                .iter()
                .position(|k| **k == by_path || op.operation_id.as_deref() == Some(k.as_str()));
            if let Some(i) = hand {
                used[i] = true;
                return (rename[keys[i]].clone(), Source::Rename);
            }
            if let Some(name) = &op.extension {
                return (name.clone(), Source::Extension);
            }
            let from_id = match (&op.operation_id, setting) {
                (None, _) | (_, OperationNames::Path) => None,
                (Some(id), OperationNames::OperationId) => Some(id.clone()),
                (Some(id), OperationNames::Auto) => match tool_made(id, &op.method, &op.path) {
                    Made::Person => Some(id.clone()),
                    Made::ToolAfter(prefix) => Some(prefix),
                    Made::Tool => None,
                },
            };
            match from_id {
                Some(id) => (id.to_snake_case(), Source::OperationId),
                None => (
                    from_path(&op.method, &op.path, op.lists, updates, skip, singular),
                    Source::Path,
                ),
            }
        })
        .collect();
    settle(ops, &mut named);
    let unused = keys
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(k, _)| (*k).clone())
        .collect();
    (named, unused)
}

/// Whether an operationId was written by a person or made by a tool from the method and path.
#[derive(Debug, PartialEq, Eq)]
pub enum Made {
    Person,
    Tool,
    /// A function's name followed by the path and the method (FastAPI); the function's name.
    ToolAfter(String),
}

/// Letters and digits only, lower case.
pub(crate) fn squash(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// See the module's documentation.
pub fn tool_made(operation_id: &str, method: &str, path: &str) -> Made {
    // The path as written, and without its leading `api` and version segments.
    let bare = squash(&without_prefix(path));
    let (id, path, method) = (squash(operation_id), squash(path), squash(method));
    if path.is_empty() {
        return Made::Person;
    }
    if [&path, &bare]
        .iter()
        .any(|p| id == format!("{method}{p}") || id == format!("{p}{method}"))
    {
        return Made::Tool;
    }
    let tail = format!("{path}{method}");
    let Some(head_len) = id.strip_suffix(&tail).map(str::len) else {
        return Made::Person;
    };
    // The function's name: the operationId's words up to exactly `head_len` letters.
    let snake = operation_id.to_snake_case();
    let mut taken = 0;
    let mut words = Vec::new();
    for word in snake.split('_').filter(|w| !w.is_empty()) {
        if taken == head_len {
            break;
        }
        taken += squash(word).len();
        words.push(word);
    }
    if taken == head_len && !words.is_empty() {
        Made::ToolAfter(words.join("_"))
    } else {
        Made::Person
    }
}

/// Verbs that, leading the last segment of a path, name an action rather than a resource:
/// `POST …/{id}/archive`, `PUT …/{iid}/merge`, `POST …/reset_registration_token`. A path that
/// ends in any other word names a resource, which `POST` creates and `PUT`/`PATCH` update
/// (`PUT …/members/{user_id}/state` is `update_group_member_state`). English has no mark that
/// tells a verb from a noun (`state`, `file`, `pipeline`), so the verbs are listed; the list
/// holds those of the REST APIs in the corpus and GitLab's, and `rename` covers the rest.
const VERBS: &[&str] = &[
    "accept",
    "activate",
    "add",
    "advance",
    "apply",
    "approve",
    "archive",
    "assign",
    "attach",
    "authorize",
    "award",
    "ban",
    "block",
    "cancel",
    "capture",
    "check",
    "cherry_pick",
    "claim",
    "close",
    "confirm",
    "copy",
    "create",
    "deactivate",
    "decline",
    "delete",
    "deliver",
    "deny",
    "detach",
    "disable",
    "disconnect",
    "dismiss",
    "download",
    "enable",
    "erase",
    "execute",
    "expire",
    "fail",
    "finalize",
    "follow",
    "fork",
    "fund",
    "generate",
    "hide",
    "import",
    "increment",
    "invite",
    "link",
    "lock",
    "login",
    "logout",
    "mark",
    "merge",
    "move",
    "mute",
    "override",
    "pause",
    "pay",
    "pin",
    "play",
    "post",
    "present",
    "preview",
    "process",
    "promote",
    "protect",
    "publish",
    "rebase",
    "redact",
    "refresh",
    "refund",
    "reject",
    "release",
    "remove",
    "renew",
    "reopen",
    "reorder",
    "replace",
    "resend",
    "reset",
    "resolve",
    "restart",
    "restore",
    "resume",
    "retry",
    "return",
    "reverse",
    "revert",
    "revoke",
    "rotate",
    "run",
    "search",
    "send",
    "set",
    "share",
    "ship",
    "sign",
    "star",
    "start",
    "stop",
    "submit",
    "subscribe",
    "succeed",
    "suspend",
    "sync",
    "take",
    "test",
    "track",
    "transfer",
    "trigger",
    "unapprove",
    "unarchive",
    "unassign",
    "unban",
    "unblock",
    "unfollow",
    "unlink",
    "unlock",
    "unmute",
    "unpin",
    "unprotect",
    "unshare",
    "unstar",
    "unsubscribe",
    "unsuspend",
    "update",
    "upload",
    "validate",
    "verify",
    "void",
];

/// The verb `segment` (snake case) starts with, if it names an action ([`VERBS`]): the verb
/// alone, or followed by an object (`reset_registration_token`, `add_spent_time`), but not by
/// one plural word, which makes a collection's name (`merge_requests`, `track_events`).
fn action_verb(segment: &str, singular: &mut Singular) -> Option<&'static str> {
    let verb = VERBS.iter().copied().find(|verb| {
        segment
            .strip_prefix(verb)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('_'))
    })?;
    let rest = segment[verb.len()..].trim_start_matches('_');
    let collection = !rest.is_empty() && !rest.contains('_') && singular.of(rest) != rest;
    (!collection).then_some(verb)
}

/// A path's segment: its literal text in snake case (empty when it is a parameter alone) and
/// the parameters in it.
struct Segment {
    literal: String,
    params: Vec<String>,
}

fn segments(path: &str) -> Vec<Segment> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let mut literal = String::new();
            let mut params = Vec::new();
            let mut rest = s;
            while let Some(open) = rest.find('{') {
                literal.push_str(&rest[..open]);
                literal.push(' ');
                match rest[open..].find('}') {
                    Some(close) => {
                        params.push(rest[open + 1..open + close].to_owned());
                        rest = &rest[open + close + 1..];
                    }
                    None => rest = "",
                }
            }
            literal.push_str(rest);
            Segment {
                literal: literal.to_snake_case(),
                params,
            }
        })
        .collect()
}

/// The resource a path is about, singular: its last segment with literal text, of those after
/// the leading `api`/version ones (`/api/v4/projects/{id}/merge_requests/{iid}` →
/// `merge_request`); `None` for a path of parameters only.
pub fn resource(path: &str, singular: &mut Singular) -> Option<String> {
    let segs = segments(path);
    let lead = segs.iter().take_while(|s| is_prefix(s)).count();
    segs[lead..]
        .iter()
        .rev()
        .find(|s| !s.literal.is_empty())
        .map(|s| singular.of(&s.literal))
}

/// `path` without its leading `api` and version segments ([`is_prefix`]): `/v1/customers` →
/// `customers/`.
fn without_prefix(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let lead = segments(path).iter().take_while(|s| is_prefix(s)).count();
    parts[lead..].join("/")
}

/// For each of `ops`, whether it is a `POST` on an item that updates it (see the module's
/// documentation): it sends a body, its path ends in a parameter, no `PUT` or `PATCH` has the
/// same path, and the path without its last segment has a `POST` that is no action
/// ([`action_verb`]). Without a body such a `POST` adds or acts (SendGrid's "Add a Single
/// Recipient to a List", OpenAI's `cancelEvalRun`), so it is left to create.
fn post_updates(ops: &[Candidate], singular: &mut Singular) -> Vec<bool> {
    let declared: std::collections::HashSet<(String, &str)> = ops
        .iter()
        .map(|o| (o.method.to_ascii_lowercase(), o.path.trim_end_matches('/')))
        .collect();
    let has = |method: &str, path: &str| declared.contains(&(method.to_owned(), path));
    ops.iter()
        .map(|op| {
            let path = op.path.trim_end_matches('/');
            if !op.method.eq_ignore_ascii_case("post") || !op.has_body || !path.ends_with('}') {
                return false;
            }
            let Some((parent, _)) = path.rsplit_once('/') else {
                return false;
            };
            let parent_creates = has("post", parent)
                && segments(parent).last().is_some_and(|s| {
                    s.params.is_empty()
                        && !s.literal.is_empty()
                        && action_verb(&s.literal, singular).is_none()
                });
            parent_creates && !has("put", path) && !has("patch", path)
        })
        .collect()
}

/// A leading segment that only says which API or version this is (`api`, `rest`, `v4`).
fn is_prefix(s: &Segment) -> bool {
    s.params.is_empty()
        && (matches!(s.literal.as_str(), "api" | "rest")
            || s.literal.strip_prefix('v').is_some_and(|v| {
                !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '_')
            }))
}

/// The name of an operation from its method and path: see the module's documentation.
pub fn from_path(
    method: &str,
    path: &str,
    lists: Lists,
    post_updates: bool,
    skip: &[String],
    singular: &mut Singular,
) -> String {
    let mut segs = segments(path);
    let lead = segs.iter().take_while(|s| is_prefix(s)).count();
    segs.drain(..lead);
    // The words the `skip_path_words` setting names, where they are a segment of their own and
    // not the last (GitLab's `repository`: `…/repository/commits/{sha}/statuses` is
    // `list_project_commit_statuses`).
    let last = segs.len().saturating_sub(1);
    let mut i = 0;
    segs.retain(|s| {
        let keep = i == last || !s.params.is_empty() || !skip.contains(&s.literal);
        i += 1;
        keep
    });
    // (words, names an item) per literal segment; a parameter alone marks the one before.
    let mut tokens: Vec<(String, bool)> = Vec::new();
    for s in &segs {
        if s.literal.is_empty() {
            if let Some(last) = tokens.last_mut() {
                last.1 = true;
            }
        } else {
            tokens.push((s.literal.clone(), !s.params.is_empty()));
        }
    }
    let ends_in_item = segs.last().is_none_or(|s| !s.params.is_empty());
    let last = tokens.len().saturating_sub(1);
    let mut words: Vec<String> = tokens
        .iter()
        .enumerate()
        .map(|(i, (w, item))| {
            if *item || i < last {
                singular.of(w)
            } else {
                w.clone()
            }
        })
        .collect();
    let method = method.to_ascii_lowercase();
    fn plain(m: &str) -> &str {
        match m {
            "get" => "get",
            "put" | "patch" => "update",
            "post" => "create",
            "delete" => "delete",
            other => other,
        }
    }
    let verb: String = if ends_in_item && method == "post" && post_updates {
        "update".to_owned()
    } else if ends_in_item || tokens.is_empty() {
        plain(&method).to_owned()
    } else {
        let final_word = tokens[last].0.clone();
        let action = (method != "get")
            .then(|| action_verb(&final_word, singular))
            .flatten();
        let returns_list = match lists {
            Lists::No => false,
            Lists::Array => true,
            Lists::Envelope => singular.of(&final_word) != final_word,
        };
        match (method.as_str(), action) {
            ("get", _) if returns_list => "list".to_owned(),
            (_, Some(verb)) => {
                // An action: `POST /projects/{id}/archive` is `archive_project`,
                // `…/{id}/reset_registration_token` is `reset_runner_registration_token`.
                words.pop();
                if let Some(rest) = final_word[verb.len()..].strip_prefix('_') {
                    words.push(rest.to_owned());
                }
                verb.to_owned()
            }
            ("post", None) => {
                words[last] = singular.of(&final_word);
                "create".to_owned()
            }
            (other, None) => plain(other).to_owned(),
        }
    };
    let mut name = verb;
    for w in words {
        name.push('_');
        name.push_str(&w);
    }
    name
}

/// Settles the collisions of names made from paths (see the module's documentation).
fn settle(ops: &[Candidate], named: &mut [(String, Source)]) {
    let params = |op: &Candidate| -> Vec<String> {
        segments(&op.path)
            .into_iter()
            .flat_map(|s| s.params)
            .collect()
    };
    for stage in 0..3 {
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, (name, _)) in named.iter().enumerate() {
            groups.entry(name.clone()).or_default().push(i);
        }
        for members in groups.values().filter(|m| m.len() > 1) {
            let fewest = members
                .iter()
                .map(|&i| params(&ops[i]))
                .min_by_key(Vec::len)
                .unwrap_or_default();
            let methods_differ = members
                .iter()
                .any(|&i| ops[i].method != ops[members[0]].method);
            for &i in members {
                if !matches!(named[i].1, Source::Path | Source::Settled) {
                    continue;
                }
                named[i].1 = Source::Settled;
                let op = &ops[i];
                let name = &mut named[i].0;
                match stage {
                    0 => {
                        // By the first parameter the operation with the fewest lacks:
                        // `list_user_keys_by_user_id` beside `list_user_keys` (`/user/keys`).
                        let own = params(op);
                        if own.len() > fewest.len() {
                            if let Some(extra) = own.iter().find(|p| !fewest.contains(p)) {
                                name.push_str("_by_");
                                name.push_str(&extra.to_snake_case());
                            }
                        }
                    }
                    1 => {
                        if methods_differ && op.method.eq_ignore_ascii_case("patch") {
                            if let Some(rest) = name.strip_prefix("update_") {
                                *name = format!("patch_{rest}");
                            }
                        }
                    }
                    _ => {
                        let segs = segments(&op.path);
                        let lead = segs.iter().take_while(|s| is_prefix(s)).count();
                        let mut full = op.method.to_ascii_lowercase();
                        for s in &segs[lead..] {
                            for w in std::iter::once(&s.literal)
                                .filter(|l| !l.is_empty())
                                .chain(&s.params)
                            {
                                full.push('_');
                                full.push_str(&w.to_snake_case());
                            }
                        }
                        *name = full;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_name(method: &str, path: &str, list: bool) -> String {
        let lists = if list { Lists::Array } else { Lists::No };
        from_path(method, path, lists, false, &[], &mut Singular::default())
    }

    #[test]
    fn skipped_path_words_leave_names_unless_last() {
        let skip = ["repository".to_owned()];
        let name = |method: &str, path: &str, list: bool| {
            let lists = if list { Lists::Array } else { Lists::No };
            from_path(method, path, lists, false, &skip, &mut Singular::default())
        };
        assert_eq!(
            name(
                "get",
                "/api/v4/projects/{id}/repository/commits/{sha}/statuses",
                true
            ),
            "list_project_commit_statuses"
        );
        assert_eq!(
            name(
                "get",
                "/api/v4/projects/{id}/repository/files/{file_path}",
                false
            ),
            "get_project_file"
        );
        // The last segment names the resource: kept.
        assert_eq!(
            name("get", "/api/v4/projects/{id}/repository", false),
            "get_project_repository"
        );
        assert_eq!(
            path_name("get", "/api/v4/projects/{id}/repository/commits", true),
            "list_project_repository_commits"
        );
    }

    #[test]
    fn tool_made_operation_ids_are_recognised() {
        let p = "/api/v4/projects/{id}/merge_requests/{merge_request_iid}";
        assert_eq!(
            tool_made("getApiV4ProjectsIdMergeRequestsMergeRequestIid", "get", p),
            Made::Tool
        );
        assert_eq!(
            tool_made("projectsIdGet", "get", "/projects/{id}"),
            Made::Tool
        );
        assert_eq!(
            tool_made("read_item_items__item_id__get", "get", "/items/{item_id}"),
            Made::ToolAfter("read_item".into())
        );
        // Stripe's: the method and the path without its version.
        assert_eq!(
            tool_made("PostCustomersCustomer", "post", "/v1/customers/{customer}"),
            Made::Tool
        );
        assert_eq!(
            tool_made("GetCustomers", "get", "/v1/customers"),
            Made::Tool
        );
        // Leading words that are not `api` or a version are part of the path.
        assert_eq!(
            tool_made("GetCustomers", "get", "/shop/customers"),
            Made::Person
        );
        assert_eq!(tool_made("getMergeRequest", "get", p), Made::Person);
        assert_eq!(tool_made("pets_list", "get", "/pets"), Made::Person);
        assert_eq!(tool_made("get", "get", "/"), Made::Person);
    }

    #[test]
    fn names_from_paths_read_as_verb_and_resource() {
        let mr = "/api/v4/projects/{id}/merge_requests";
        assert_eq!(path_name("get", mr, true), "list_project_merge_requests");
        assert_eq!(path_name("post", mr, false), "create_project_merge_request");
        let one = "/api/v4/projects/{id}/merge_requests/{merge_request_iid}";
        assert_eq!(path_name("get", one, false), "get_project_merge_request");
        assert_eq!(path_name("put", one, false), "update_project_merge_request");
        assert_eq!(
            path_name("delete", one, false),
            "delete_project_merge_request"
        );
        assert_eq!(
            path_name("post", &format!("{one}/approve"), false),
            "approve_project_merge_request"
        );
        assert_eq!(
            path_name("post", "/runners/{id}/reset_registration_token", false),
            "reset_runner_registration_token"
        );
        assert_eq!(path_name("get", "/api/v4/projects", true), "list_projects");
        assert_eq!(
            path_name("get", "/api/v4/projects/{id}", false),
            "get_project"
        );
        assert_eq!(
            path_name("get", "/v1/user/status", false),
            "get_user_status"
        );
        assert_eq!(
            path_name(
                "get",
                "/projects/{id}/repository/files/{file_path}/raw",
                false
            ),
            "get_project_repository_file_raw"
        );
        assert_eq!(path_name("get", "/", false), "get");
        // A list in an envelope is a list where the last word is plural (Stripe's).
        let mut singular = Singular::default();
        let mut envelope =
            |path: &str| from_path("get", path, Lists::Envelope, false, &[], &mut singular);
        assert_eq!(envelope("/v1/customers"), "list_customers");
        assert_eq!(envelope("/v1/balance"), "get_balance");
        assert_eq!(envelope("/v1/customers/{customer}"), "get_customer");
        // A resource, not an action: `state`, `pipeline` and `file` are no verbs.
        assert_eq!(
            path_name("put", "/groups/{id}/members/{user_id}/state", false),
            "update_group_member_state"
        );
        assert_eq!(
            path_name("post", "/projects/{id}/pipeline", false),
            "create_project_pipeline"
        );
        assert_eq!(
            path_name("put", &format!("{one}/merge"), false),
            "merge_project_merge_request"
        );
        assert_eq!(
            path_name(
                "post",
                "/projects/{id}/repository/commits/{sha}/cherry_pick",
                false
            ),
            "cherry_pick_project_repository_commit"
        );
        assert_eq!(
            path_name("post", "/usage_data/track_events", false),
            "create_usage_data_track_event"
        );
        assert_eq!(
            path_name(
                "post",
                &format!("{one}/cancel_merge_when_pipeline_succeeds"),
                false
            ),
            "cancel_project_merge_request_merge_when_pipeline_succeeds"
        );
        // A `GET` is never an action.
        assert_eq!(
            path_name("get", "/projects/{id}/repository/archive", false),
            "get_project_repository_archive"
        );
        assert_eq!(
            path_name("get", "/groups/{id}/-/packages/npm/{name}.json", false),
            "get_group_package_npm_json"
        );
    }

    fn op(method: &str, path: &str) -> Candidate {
        Candidate {
            method: method.into(),
            path: path.into(),
            operation_id: None,
            extension: None,
            lists: Lists::No,
            has_body: true,
        }
    }

    fn names(ops: &[Candidate], rename: &[(&str, &str)]) -> (Vec<String>, Vec<String>) {
        let rename = rename
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let (named, unused) = operation_names(
            ops,
            OperationNames::Auto,
            &rename,
            &[],
            &mut Singular::default(),
        );
        (named.into_iter().map(|(n, _)| n).collect(), unused)
    }

    #[test]
    fn collisions_are_settled_from_the_operations_own_paths() {
        let ops = [
            op("get", "/user/keys"),
            op("get", "/users/{user_id}/keys"),
            op("put", "/user/status"),
            op("patch", "/user/status"),
            op("post", "/things"),
            op("post", "/thing"),
            op("get", "/projects/{id}/storage_moves/{move_id}"),
            op("get", "/project_storage_moves/{move_id}"),
        ];
        let (n, _) = names(&ops, &[]);
        assert_eq!(
            n,
            [
                "get_user_keys",
                "get_user_keys_by_user_id",
                "update_user_status",
                "patch_user_status",
                "post_things",
                "post_thing",
                "get_project_storage_move_by_id",
                "get_project_storage_move",
            ]
        );
    }

    #[test]
    fn a_post_on_an_item_updates_it_where_its_collection_creates() {
        let ops = [
            // Stripe's: no `PUT`, and `POST` on the collection creates.
            op("post", "/v1/customers"),
            op("post", "/v1/customers/{customer}"),
            op("delete", "/v1/customers/{customer}"),
            // A `PUT` updates the item, so its `POST` creates (GitLab's files).
            op("post", "/projects/{id}/repository/files/{file_path}"),
            op("put", "/projects/{id}/repository/files/{file_path}"),
            // No `POST` on the collection: it creates.
            op("post", "/features/{name}"),
            // The collection's `POST` is an action (GitLab's fork), not a creation.
            op("post", "/projects/{id}/fork"),
            op("post", "/projects/{id}/fork/{forked_from_id}"),
        ];
        let (n, _) = names(&ops, &[]);
        assert_eq!(
            n,
            [
                "create_customer",
                "update_customer",
                "delete_customer",
                "create_project_repository_file",
                "update_project_repository_file",
                "create_feature",
                "fork_project",
                "create_project_fork",
            ]
        );
    }

    #[test]
    fn settings_and_extensions_choose_first() {
        let mut a = op("get", "/api/v3/user");
        a.operation_id = Some("getApiV3User".into());
        let mut b = op("get", "/pets");
        b.operation_id = Some("listPets".into());
        let mut c = op("get", "/pets/{id}");
        c.extension = Some("fetch_pet".into());
        let (n, unused) = names(
            &[a, b, c],
            &[("GET /api/v3/user", "get_current_user"), ("nope", "x")],
        );
        assert_eq!(n, ["get_current_user", "list_pets", "fetch_pet"]);
        assert_eq!(unused, ["nope"]);
    }
}
