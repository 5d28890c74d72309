//! Wire tests of `features-client`, generated from `specs/features/openapi.yaml`: what GitLab's
//! specs do not exercise. Each test runs the client against an in-process HTTP server
//! (wiremock) and asserts the exact request and the typed value the client made of the answer:
//! success responses typed per status, tagged and untagged unions, PATCH bodies where absent
//! and `null` differ, read-only and write-only properties, uuid and uint64, a structured path
//! parameter, a binary body, a `default`-only response and a newtype for a self-containing list.

use chrono::NaiveDate;
use features_client::misc::GetStatus;
use features_client::pets::{CreatePetResponse, DeletePetResponse, ExportPetResponse};
use features_client::types::{
    Cat, Cell, Dog, Event, Job, Key, ListEventsFilter, ListEventsWindow, NewPet, NewPetPetType,
    Note, Pet, PetPatch, Problem, Status, Tree, Value,
};
use features_client::{Client, Error};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const PET_ID: &str = "6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b";

async fn server() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::new(&format!("{}/v1", server.uri())).unwrap();
    (server, client)
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

fn body_json(req: &Request) -> serde_json::Value {
    serde_json::from_slice(&req.body).unwrap()
}

fn content_type(req: &Request) -> &str {
    req.headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

fn pet_id() -> uuid::Uuid {
    PET_ID.parse().unwrap()
}

fn new_cat() -> NewPet {
    NewPet {
        id: None,
        pet_type: NewPetPetType::Cat,
        name: "Tom".to_owned(),
        owner_password: Some("hunter2".to_owned()),
    }
}

#[tokio::test]
async fn create_answers_created_with_the_pet_and_sends_the_write_only_field() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path("/v1/pets"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!(
            {"id": PET_ID, "petType": "cat", "name": "Tom", "lives": 9}
        )))
        .mount(&server)
        .await;

    let created = client.create_pet(new_cat()).await.unwrap();

    let req = only_request(&server).await;
    assert_eq!(content_type(&req), "application/json");
    assert_eq!(
        body_json(&req),
        json!({"petType": "cat", "name": "Tom", "ownerPassword": "hunter2"})
    );
    let CreatePetResponse::Created(Pet::Cat(cat)) = created else {
        panic!("expected a created cat, got {created:?}");
    };
    assert_eq!(cat.id, Some(pet_id()));
    assert_eq!(cat.lives, Some(9));
}

#[tokio::test]
async fn create_answers_accepted_with_a_job_of_another_type() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"jobId": 77})))
        .mount(&server)
        .await;

    let answer = client.create_pet(new_cat()).await.unwrap();

    assert_eq!(answer, CreatePetResponse::Accepted(Job { job_id: 77 }));
}

#[tokio::test]
async fn an_undeclared_success_status_keeps_status_and_body() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("fine"))
        .mount(&server)
        .await;

    let answer = client.create_pet(new_cat()).await.unwrap();

    assert_eq!(
        answer,
        CreatePetResponse::Other {
            status: reqwest::StatusCode::OK,
            body: b"fine".to_vec()
        }
    );
}

#[tokio::test]
async fn a_declared_error_status_is_still_an_error() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(json!({"message": "name is missing"})),
        )
        .mount(&server)
        .await;

    let err = client.create_pet(new_cat()).await.unwrap_err();

    let Error::Api(api) = err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!(api.status, reqwest::StatusCode::BAD_REQUEST);
    assert_eq!(api.message().as_deref(), Some("name is missing"));
}

#[tokio::test]
async fn delete_answers_ok_with_a_body_or_no_content_without() {
    let (server, client) = server().await;
    Mock::given(method("DELETE"))
        .and(path(format!("/v1/pets/{PET_ID}")))
        .respond_with(ResponseTemplate::new(204))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!(
            {"id": PET_ID, "petType": "dog", "name": "Rex", "tag": null}
        )))
        .mount(&server)
        .await;

    assert_eq!(
        client.delete_pet(pet_id()).await.unwrap(),
        DeletePetResponse::NoContent
    );
    let DeletePetResponse::Ok(Pet::Dog(dog)) = client.delete_pet(pet_id()).await.unwrap() else {
        panic!("expected the deleted dog");
    };
    assert_eq!(dog.name, "Rex");
    assert_eq!(dog.tag, None);
}

#[tokio::test]
async fn a_status_enum_holds_bytes_for_one_status_and_json_for_another() {
    let (server, client) = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/pets/{PET_ID}/export")))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"jobId": 7})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(b"%PDF-1.7 \x00\xff".to_vec(), "application/pdf"),
        )
        .mount(&server)
        .await;

    assert_eq!(
        client.export_pet(pet_id()).await.unwrap(),
        ExportPetResponse::Accepted(Job { job_id: 7 })
    );
    assert_eq!(
        client.export_pet(pet_id()).await.unwrap(),
        ExportPetResponse::Ok(b"%PDF-1.7 \x00\xff".to_vec())
    );
}

#[tokio::test]
async fn patch_sends_only_the_fields_set_and_null_for_the_cleared_ones() {
    let (server, client) = server().await;
    Mock::given(method("PATCH"))
        .and(path(format!("/v1/pets/{PET_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!(
            {"id": PET_ID, "petType": "dog", "name": "Rex"}
        )))
        .mount(&server)
        .await;

    let patch = PetPatch {
        name: None,
        tag: Some(None),
        birthday: Some(Some(NaiveDate::from_ymd_opt(2020, 2, 29).unwrap())),
    };
    client.update_pet(pet_id(), patch).await.unwrap();

    let req = only_request(&server).await;
    assert_eq!(content_type(&req), "application/merge-patch+json");
    // `name` (None) is absent, `tag` (Some(None)) is null.
    assert_eq!(
        String::from_utf8(req.body.clone()).unwrap(),
        r#"{"tag":null,"birthday":"2020-02-29"}"#
    );
}

/// The runtime's reader for fields where absent and `null` differ, as types both sent and
/// received use it (`PetPatch` is only sent, so it derives `Serialize` alone).
#[test]
fn double_option_decodes_absent_null_and_value_apart() {
    #[derive(serde::Deserialize)]
    struct Patch {
        #[serde(default, deserialize_with = "features_client::runtime::double_option")]
        tag: Option<Option<String>>,
    }
    let tag = |json: &str| serde_json::from_str::<Patch>(json).unwrap().tag;
    assert_eq!(tag("{}"), None);
    assert_eq!(tag(r#"{"tag": null}"#), Some(None));
    assert_eq!(tag(r#"{"tag": "old"}"#), Some(Some("old".to_owned())));
}

/// Request types derive `Serialize` and response types `Deserialize` (checked by the compiler;
/// that each lacks the other impl is in the IR snapshots' `serde` fields).
#[test]
fn request_types_serialize_and_response_types_deserialize() {
    fn sent<T: serde::Serialize>() {}
    fn received<T: serde::de::DeserializeOwned>() {}
    sent::<NewPet>();
    sent::<PetPatch>();
    received::<Pet>();
    received::<Dog>();
    received::<Cat>();
}

#[test]
fn read_only_fields_left_none_are_not_sent() {
    assert_eq!(
        serde_json::to_value(new_cat()).unwrap(),
        json!({"petType": "cat", "name": "Tom", "ownerPassword": "hunter2"})
    );
}

#[tokio::test]
async fn a_tagged_union_dispatches_on_the_discriminator_and_keeps_unknown_kinds() {
    let (server, client) = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/pets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": PET_ID, "petType": "cat", "name": "Tom", "lives": 18446744073709551615u64,
             "friends": [{"petType": "dog", "name": "Rex", "tag": "good"}]},
            {"petType": "dog", "name": "Rex"},
            {"petType": "bird", "wings": 2}
        ])))
        .mount(&server)
        .await;

    let pets = client.list_pets().await.unwrap();

    assert_eq!(pets.len(), 3);
    let Pet::Cat(Cat {
        id, lives, friends, ..
    }) = &pets[0]
    else {
        panic!("expected a cat first, got {:?}", pets[0]);
    };
    assert_eq!(*id, Some(pet_id()));
    assert_eq!(*lives, Some(u64::MAX));
    let friends = friends.as_ref().unwrap();
    assert!(matches!(&friends[0], Pet::Dog(d) if d.tag.as_deref() == Some("good")));
    assert!(matches!(&pets[1], Pet::Dog(d) if d.name == "Rex" && d.id.is_none()));
    assert_eq!(pets[2], Pet::Other(json!({"petType": "bird", "wings": 2})));
}

#[tokio::test]
async fn a_structured_path_parameter_travels_in_simple_style_as_one_segment() {
    let (server, client) = server().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!("x")))
        .mount(&server)
        .await;

    let cell = Cell {
        row: 3,
        column: "B/C".to_owned(),
    };
    // `Key` is `oneOf: [integer, string]`: without the setting `id_or_path`, a union of its
    // own (no GitLab `IdOrPath`), sent as the value it holds.
    client.get_cell(cell).key(Key::Integer(7)).await.unwrap();

    let req = only_request(&server).await;
    assert_eq!(req.url.path(), "/v1/grid/row,3,column,B%2FC");
    assert_eq!(req.url.query(), Some("key=7"));
}

#[tokio::test]
async fn object_query_parameters_travel_in_their_declared_style() {
    let (server, client) = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/events"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;

    client
        .list_events()
        .filter(ListEventsFilter {
            kind: Some("created".to_owned()),
            tags: Some(vec!["a".to_owned(), "b".to_owned()]),
        })
        .window(ListEventsWindow {
            since: Some("2024-01-01".to_owned()),
            until: None,
        })
        .await
        .unwrap();

    let req = only_request(&server).await;
    // `style: deepObject`: each member under the parameter's name, a list's items with `[]`;
    // the default `style: form`: each member a parameter of its own, `None` left out.
    assert_eq!(
        req.url.query(),
        Some(
            "filter%5Bkind%5D=created&filter%5Btags%5D%5B%5D=a&filter%5Btags%5D%5B%5D=b\
             &since=2024-01-01"
        )
    );
}

#[tokio::test]
async fn an_untagged_union_takes_the_narrowest_variant_that_fits() {
    let (server, client) = server().await;
    let answers = [
        json!("text"),
        json!(["a", "b"]),
        json!({"petType": "dog", "name": "Rex"}),
        json!({"note": "remember"}),
        json!(42),
        json!(4.5),
        json!(true),
        json!(null),
    ];
    for (i, a) in answers.iter().enumerate() {
        Mock::given(method("GET"))
            .and(path(format!("/v1/grid/row,{i},column,A")))
            .respond_with(ResponseTemplate::new(200).set_body_json(a.clone()))
            .mount(&server)
            .await;
    }
    let mut values = Vec::new();
    for i in 0..answers.len() {
        let cell = Cell {
            row: i as i64,
            column: "A".to_owned(),
        };
        values.push(client.get_cell(cell).await.unwrap());
    }

    assert_eq!(values[0], Value::String("text".to_owned()));
    assert_eq!(
        values[1],
        Value::StringList(vec!["a".to_owned(), "b".to_owned()])
    );
    // The spec lists the object of optional fields before `Dog`, which would take any object.
    assert!(matches!(&values[2], Value::Dog(d) if d.name == "Rex"));
    assert_eq!(
        values[3],
        Value::Note(Note {
            note: Some("remember".to_owned())
        })
    );
    // The spec lists `number` before `integer`, which would turn 42 into 42.0.
    assert_eq!(values[4], Value::Integer(42));
    assert_eq!(values[5], Value::Number(4.5));
    assert_eq!(values[6], Value::Other(json!(true)));
    assert_eq!(values[7], Value::Other(serde_json::Value::Null));
}

#[tokio::test]
async fn an_inherited_discriminator_reads_each_kind_as_its_own_type() {
    let (server, client) = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/events"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"type": "feeding", "at": "2026-01-02T03:04:05Z", "food": "fish"},
            {"type": "walk", "minutes": 30},
            {"type": "Event"},
            {"type": "nap", "hours": 3}
        ])))
        .mount(&server)
        .await;

    let events = client.list_events().await.unwrap();

    assert_eq!(events.len(), 4);
    assert!(matches!(&events[0], Event::Feeding(f) if f.food == "fish" && f.at.is_some()));
    assert!(matches!(&events[1], Event::Walk(w) if w.minutes == Some(30)));
    assert!(matches!(&events[2], Event::EventBase(b) if b.r#type == "Event"));
    assert_eq!(events[3], Event::Other(json!({"type": "nap", "hours": 3})));
}

#[tokio::test]
async fn a_binary_response_is_returned_as_bytes() {
    let (server, client) = server().await;
    let png = vec![0x89, b'P', b'N', b'G', 0, 1, 2, 0xff];
    Mock::given(method("GET"))
        .and(path(format!("/v1/pets/{PET_ID}/photo")))
        .respond_with(ResponseTemplate::new(200).set_body_raw(png.clone(), "image/png"))
        .mount(&server)
        .await;

    let bytes: Vec<u8> = client.get_photo(pet_id()).await.unwrap();

    assert_eq!(bytes, png);
}

#[tokio::test]
async fn a_default_only_response_is_the_success_body() {
    let (server, client) = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/status"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!(
            {"healthy": true, "since": null, "tree": [[], [[]]]}
        )))
        .mount(&server)
        .await;

    let builder: GetStatus<'_> = client.get_status();
    let status: Status = builder.await.unwrap();

    assert!(status.healthy);
    assert_eq!(status.since, None);
    assert_eq!(
        status.tree,
        Some(Tree(vec![Tree(vec![]), Tree(vec![Tree(vec![])])]))
    );
}

#[tokio::test]
async fn an_error_body_reads_as_the_type_the_spec_declares_for_its_status() {
    let (server, client) = server().await;
    let body = r#"{"type":"about:blank","title":"Invalid pet","status":400,"detail":"name is empty","errors":["name"]}"#;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(body, "application/problem+json"))
        .mount(&server)
        .await;

    let Err(Error::Api(e)) = client.create_pet(new_cat()).await else {
        panic!("a 400 is an API error");
    };
    assert_eq!(e.status.as_u16(), 400);
    // `createPet` declares `400: Problem` (its documentation lists it under "Errors").
    let problem: Problem = e.json().unwrap();
    assert_eq!(problem.title.as_deref(), Some("Invalid pet"));
    assert_eq!(problem.detail.as_deref(), Some("name is empty"));
    assert_eq!(problem.errors, Some(vec!["name".to_owned()]));
    assert_eq!(e.bytes(), body.as_bytes());
    // A body of another shape is an error of `json`, not a wrong value.
    assert!(e.json::<Vec<Problem>>().is_err());
}

#[tokio::test]
async fn an_error_body_too_long_to_read_whole_is_not_decoded_from_its_start() {
    let (server, client) = server().await;
    let detail = "x".repeat(100 * 1024);
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({ "detail": detail })))
        .mount(&server)
        .await;

    let Err(Error::Api(e)) = client.create_pet(new_cat()).await else {
        panic!("a 503 is an API error");
    };
    assert!(e.truncated);
    assert_eq!(e.bytes().len(), 64 * 1024);
    let err = e.json::<Problem>().unwrap_err().to_string();
    assert!(err.contains("longer than the 65536 bytes read"), "{err}");
}

#[tokio::test]
async fn a_binary_request_body_is_sent_as_its_bytes_with_its_media_type() {
    let (server, client) = server().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;

    let png: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00";
    let pet = uuid::Uuid::from_u128(7);
    client.put_photo(pet, png).await.unwrap();

    let req = only_request(&server).await;
    assert_eq!(
        req.url.path(),
        "/v1/pets/00000000-0000-0000-0000-000000000007/photo"
    );
    assert_eq!(content_type(&req), "image/png");
    assert_eq!(req.body, png);
}

/// Pagination by a cursor in the body: `next_cursor` (which the spec declares beside the
/// `cursor` parameter) is sent back as `cursor` until a page has none, and the items of every
/// page are yielded in order; `.await` still returns the first page whole.
#[tokio::test]
async fn a_cursor_in_the_body_pages_through_the_list() {
    use features_client::prelude::*;
    use wiremock::matchers::query_param;
    let (server, client) = server().await;
    let page = |ids: &[i64], next: serde_json::Value| {
        let changes: Vec<_> = ids
            .iter()
            .map(|id| json!({"id": id, "summary": "x"}))
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({"changes": changes, "next_cursor": next}))
    };
    Mock::given(method("GET"))
        .and(path("/v1/changes"))
        .and(query_param("cursor", "c2"))
        .respond_with(page(&[3, 4], json!("c3")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/changes"))
        .and(query_param("cursor", "c3"))
        .respond_with(page(&[5], json!(null)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/changes"))
        .respond_with(page(&[1, 2], json!("c2")))
        .mount(&server)
        .await;

    let ids: Vec<i64> = client
        .list_changes()
        .limit(2)
        .all()
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    let queries: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.query().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        queries,
        ["limit=2", "limit=2&cursor=c2", "limit=2&cursor=c3"],
        "the cursor is added to the first request's query, which is kept"
    );

    let first = client.list_changes().await.unwrap();
    assert_eq!(first.changes.len(), 2);
    assert_eq!(first.next_cursor.as_deref(), Some("c2"));
    let two = client.list_changes().first(3).await.unwrap();
    assert_eq!(two.len(), 3, "only the pages the items are on");
}

/// A server that names a cursor it already named would page forever: the stream stops with
/// `PaginationLoop` after the items it has.
#[tokio::test]
async fn a_cursor_named_twice_stops_the_stream() {
    use features_client::prelude::*;
    use futures_util::StreamExt;
    let (server, client) = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/changes"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"changes": [{"id": 1}], "next_cursor": "same"})),
        )
        .mount(&server)
        .await;

    let items: Vec<_> = client.list_changes().stream().collect().await;

    assert_eq!(items.len(), 3, "{items:?}");
    assert!(items[0].is_ok() && items[1].is_ok());
    assert!(
        matches!(items[2], Err(Error::PaginationLoop { .. })),
        "{:?}",
        items[2]
    );
}

/// A server that names a new cursor on every page would be read forever: the stream stops with
/// `TooManyPages` after the client's `max_pages` pages, having asked for no more.
#[tokio::test]
async fn endless_new_cursors_stop_at_max_pages() {
    use features_client::prelude::*;
    use futures_util::StreamExt;
    use std::sync::atomic::{AtomicUsize, Ordering};
    struct NewCursorEachTime(AtomicUsize);
    impl wiremock::Respond for NewCursorEachTime {
        fn respond(&self, _: &Request) -> ResponseTemplate {
            let n = self.0.fetch_add(1, Ordering::SeqCst);
            ResponseTemplate::new(200)
                .set_body_json(json!({"changes": [{"id": n}], "next_cursor": format!("c{n}")}))
        }
    }
    let server = MockServer::start().await;
    let client = Client::new(&format!("{}/v1", server.uri()))
        .unwrap()
        .with_max_pages(3);
    Mock::given(method("GET"))
        .and(path("/v1/changes"))
        .respond_with(NewCursorEachTime(AtomicUsize::new(0)))
        .mount(&server)
        .await;

    let items: Vec<_> = client.list_changes().stream().collect().await;

    assert_eq!(items.len(), 4, "{items:?}");
    assert!(items[..3].iter().all(Result::is_ok));
    assert!(
        matches!(items[3], Err(Error::TooManyPages { limit: 3 })),
        "{:?}",
        items[3]
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}
