//! Method names on GitLab's full spec: they read as verb and resource, and an operation's name
//! stays the same when other operations are removed (issue 10: "generate with 10% of the
//! operations removed at random and compare the rest").

use oapi_client_gen_core::ir::NameSource;
use oapi_client_gen_core::{Config, Diagnostics};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The effective GitLab spec (what `cargo xtask codegen` lowers) and its settings.
fn gitlab() -> (Value, oapi_client_gen_core::Settings) {
    let text = std::fs::read_to_string(root().join("generated-client/openapi.json")).unwrap();
    let config_text =
        std::fs::read_to_string(root().join("specs/gitlab-full/codegen.toml")).unwrap();
    let config = Config::parse("codegen.toml", &config_text).unwrap();
    (serde_json::from_str(&text).unwrap(), config.settings)
}

type Names = BTreeMap<(String, String), (String, NameSource)>;

/// (HTTP method, path) → (method name, where it came from).
fn names_of(doc: &Value, settings: &oapi_client_gen_core::Settings) -> Names {
    lowered(doc, settings).0
}

fn lowered(doc: &Value, settings: &oapi_client_gen_core::Settings) -> (Names, Diagnostics) {
    let model: openapiv3::OpenAPI = serde_json::from_value(doc.clone()).unwrap();
    let mut diags = Diagnostics::default();
    let api = oapi_client_gen_core::lower::lower(&model, settings, &mut diags);
    assert!(!diags.has_errors(), "{diags}");
    let names = api
        .operations
        .into_iter()
        .map(|o| ((o.method, o.path), (o.name, o.name_from)))
        .collect();
    (names, diags)
}

/// A small deterministic generator (xorshift), so a failure can be reproduced from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// `doc` with a tenth of its operations removed at random.
fn without_a_tenth(doc: &Value, seed: u64) -> (Value, usize) {
    let mut rng = Rng(seed);
    let mut doc = doc.clone();
    let mut removed = 0;
    let paths = doc["paths"].as_object_mut().unwrap();
    for (path, item) in paths.iter_mut() {
        // A path with a Grape optional group, `(*path/)`, is two operations of the client
        // (`optional-path-segment`).
        // (Other parentheses are the path's own text: NuGet's OData `Packages()`.) A path that
        // `drop_paths` names is no operation of the client at all.
        let forms = if path.contains("/)") || path.contains("(*") {
            2
        } else if path.starts_with("/api/v3/") || path.contains("\\(") {
            0
        } else {
            1
        };
        let item = item.as_object_mut().unwrap();
        item.retain(|key, _| {
            let drop = METHODS.contains(&key.as_str()) && rng.next() % 10 == 0;
            removed += usize::from(drop) * forms;
            !drop
        });
    }
    (doc, removed)
}

#[test]
fn names_stay_when_other_operations_are_removed() {
    let (doc, settings) = gitlab();
    let full = names_of(&doc, &settings);
    // 1,138 less `GET /api/v3/user` (`drop_paths`), 8 more: the second forms of the
    // operations whose paths have Grape's optional groups, less 3 of NuGet's (`drop_paths`), and
    // 459 of the documents of `specs/gitlab-full/docs/` merged in.
    assert_eq!(full.len(), 1601);
    for seed in [1, 2, 3, 0x5eed] {
        let (fewer, removed) = without_a_tenth(&doc, seed);
        assert!(removed > 80, "seed {seed}: only {removed} removed");
        let rest = names_of(&fewer, &settings);
        assert_eq!(rest.len() + removed, full.len());
        let mut compared = 0;
        for (op, (name, from)) in &rest {
            let (before, before_from) = &full[op];
            // A name settled against another may change when that one goes (documented).
            if *from == NameSource::Settled || *before_from == NameSource::Settled {
                continue;
            }
            assert_eq!(name, before, "seed {seed}: {} {}", op.0, op.1);
            compared += 1;
        }
        assert!(
            compared * 10 > rest.len() * 9,
            "seed {seed}: {compared} compared"
        );
    }
}

#[test]
fn gitlab_methods_read_as_verb_and_resource() {
    let (doc, settings) = gitlab();
    let names = names_of(&doc, &settings);
    let name = |method: &str, path: &str| {
        names[&(method.to_owned(), format!("/api/v4{path}"))]
            .0
            .clone()
    };
    assert_eq!(name("GET", "/projects"), "list_projects");
    assert_eq!(name("GET", "/projects/{id}"), "get_project");
    assert_eq!(
        name("GET", "/projects/{id}/merge_requests"),
        "list_project_merge_requests"
    );
    assert_eq!(
        name("GET", "/projects/{id}/merge_requests/{merge_request_iid}"),
        "get_project_merge_request"
    );
    assert_eq!(
        name("POST", "/projects/{id}/merge_requests"),
        "create_project_merge_request"
    );
    assert_eq!(name("POST", "/projects/{id}/archive"), "archive_project");
    assert!(names.values().all(|(n, _)| !n.contains("api_v4")));
}

#[test]
fn operations_gitlab_no_longer_serves_are_dropped_with_a_warning() {
    let (doc, settings) = gitlab();
    assert_eq!(settings.drop_paths[0], "/api/v3/");
    let (names, diags) = lowered(&doc, &settings);
    assert!(names.keys().all(|(_, path)| !path.starts_with("/api/v3/")));
    let dropped: Vec<_> = diags
        .iter()
        .filter(|d| d.code == "operation-dropped")
        .collect();
    // `GET /api/v3/user`, and NuGet v2's three escaped OData routes.
    assert_eq!(dropped.len(), 4, "{diags}");
    let dropped: Vec<_> = dropped
        .into_iter()
        .filter(|d| d.message.contains("/api/v3/"))
        .collect();
    assert_eq!(dropped[0].origin.pointer, "/paths/~1api~1v3~1user/get");
    assert!(dropped[0].message.contains(
        "`GET /api/v3/user` is not generated: the setting `drop_paths` names `/api/v3/`"
    ));
    // Without the setting it is generated.
    let all = names_of(
        &doc,
        &oapi_client_gen_core::Settings {
            drop_paths: Vec::new(),
            ..settings
        },
    );
    assert!(all.contains_key(&("GET".to_owned(), "/api/v3/user".to_owned())));
}

#[test]
fn parameter_enums_are_named_for_what_they_are() {
    let (doc, settings) = gitlab();
    let model: openapiv3::OpenAPI = serde_json::from_value(doc).unwrap();
    let api = oapi_client_gen_core::lower::lower(&model, &settings, &mut Diagnostics::default());
    let type_of = |method: &str, param: &str| {
        let op = api.operations.iter().find(|o| o.name == method).unwrap();
        let p = op.params.iter().find(|p| p.name == param).unwrap();
        match &p.ty {
            oapi_client_gen_core::ir::TypeRef::Named(id) => api.types.get(*id).name.clone(),
            other => panic!("{other:?}"),
        }
    };
    // Every merge-request listing takes the same `state`, named for the resource.
    assert_eq!(
        type_of("list_project_merge_requests", "state"),
        "MergeRequestState"
    );
    assert_eq!(
        type_of("list_group_merge_requests", "state"),
        "MergeRequestState"
    );
    // Shared by several resources: the parameter's name alone.
    assert_eq!(type_of("list_groups", "visibility"), "Visibility");
}

/// Every name a generated crate's root re-exports from its runtime is in `ir::ROOT_NAMES`, the
/// list request builders keep off (the GitLab client has `IdOrPath`; the features client the
/// cursor trait).
#[test]
fn root_names_list_what_lib_rs_exports() {
    for client in ["generated-client", "features-client"] {
        let lib = std::fs::read_to_string(root().join(client).join("src/lib.rs")).unwrap();
        let mut exported = Vec::new();
        for line in lib.lines().map(str::trim) {
            let Some(rest) = line.strip_prefix("pub use runtime::") else {
                continue;
            };
            let rest = rest
                .trim_end_matches(';')
                .trim_matches(|c| c == '{' || c == '}');
            exported.extend(rest.split(',').map(|n| n.trim().to_owned()));
        }
        assert!(exported.len() >= 10, "{client}: {exported:?}");
        for name in &exported {
            assert!(
                oapi_client_gen_core::ir::ROOT_NAMES.contains(&name.as_str()),
                "{client} exports `{name}`, which ir::ROOT_NAMES lacks"
            );
        }
    }
}

/// Stripe's shape: tool-made operationIds without the version (`PostCustomersCustomer`), updates
/// by `POST` on an item, lists in an envelope. Names come from the method, the path and what
/// the spec says of the responses and the item's other methods.
#[test]
fn stripe_shaped_operations_read_as_what_they_do() {
    let list = serde_json::json!({
        "type": "object",
        "properties": {
            "object": {"type": "string"},
            "has_more": {"type": "boolean"},
            "data": {"type": "array", "items": {"$ref": "#/components/schemas/customer"}}
        }
    });
    let customer = serde_json::json!({"$ref": "#/components/schemas/customer"});
    let ok = |schema: &Value| serde_json::json!({"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}});
    let form = serde_json::json!({"content": {"application/x-www-form-urlencoded": {"schema": {
        "type": "object", "properties": {"email": {"type": "string"}}}}}});
    let doc = serde_json::json!({
        "openapi": "3.0.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/v1/customers": {
                "get": {"operationId": "GetCustomers", "responses": ok(&list)},
                "post": {"operationId": "PostCustomers", "requestBody": form, "responses": ok(&customer)}
            },
            "/v1/customers/{customer}": {
                "parameters": [{"name": "customer", "in": "path", "required": true, "schema": {"type": "string"}}],
                "get": {"operationId": "GetCustomersCustomer", "responses": ok(&customer)},
                "post": {"operationId": "PostCustomersCustomer", "requestBody": form, "responses": ok(&customer)},
                "delete": {"operationId": "DeleteCustomersCustomer", "responses": ok(&customer)}
            },
            "/v1/customers/{customer}/tags/{tag}": {
                "parameters": [
                    {"name": "customer", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"name": "tag", "in": "path", "required": true, "schema": {"type": "string"}}
                ],
                "post": {"operationId": "PostCustomersCustomerTagsTag", "responses": ok(&customer)}
            },
            "/v1/customers/{customer}/tags": {
                "parameters": [{"name": "customer", "in": "path", "required": true, "schema": {"type": "string"}}],
                "post": {"operationId": "PostCustomersCustomerTags", "requestBody": form, "responses": ok(&customer)}
            },
            "/v1/terminal_settings": {
                "get": {"operationId": "GetTerminalSettings", "responses": ok(&serde_json::json!({
                    "type": "object",
                    "properties": {"tipping": {"type": "boolean"}, "gratuities": {"type": "array", "items": {"type": "integer"}}}
                }))}
            },
            "/v1/payment_methods/{payment_method}/detach": {
                "parameters": [{"name": "payment_method", "in": "path", "required": true, "schema": {"type": "string"}}],
                "post": {"operationId": "PostPaymentMethodsPaymentMethodDetach", "responses": ok(&customer)}
            }
        },
        "components": {"schemas": {"customer": {"type": "object", "properties": {"id": {"type": "string"}}}}}
    });
    let names = names_of(&doc, &oapi_client_gen_core::Settings::default());
    let name = |method: &str, path: &str| names[&(method.to_owned(), path.to_owned())].0.clone();
    assert_eq!(name("GET", "/v1/customers"), "list_customers");
    assert_eq!(name("POST", "/v1/customers"), "create_customer");
    assert_eq!(name("GET", "/v1/customers/{customer}"), "get_customer");
    assert_eq!(name("POST", "/v1/customers/{customer}"), "update_customer");
    assert_eq!(
        name("DELETE", "/v1/customers/{customer}"),
        "delete_customer"
    );
    // No body: it adds the tag named in the path, not an update of it.
    assert_eq!(
        name("POST", "/v1/customers/{customer}/tags/{tag}"),
        "create_customer_tag_by_tag"
    );
    // One array among other fields, not named as a list is: an object.
    assert_eq!(
        name("GET", "/v1/terminal_settings"),
        "get_terminal_settings"
    );
    assert_eq!(
        name("POST", "/v1/payment_methods/{payment_method}/detach"),
        "detach_payment_method"
    );
    assert_eq!(
        names[&("GET".to_owned(), "/v1/customers".to_owned())].1,
        NameSource::Path
    );
}
