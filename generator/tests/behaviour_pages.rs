//! Paged operations (`x-pagination`) on loopback, across several pages: the
//! generated OpenRemote client's `queryUsers` and `queryAssets` (offset and
//! limit in the JSON body), and the runtime's paging as the generated code
//! calls it for an offset in the query, a cursor in the answer's body and a
//! cursor in a header (the code emitted for those is pinned by the
//! `pagination.yaml` fixture's snapshot and compiled by the fixture corpus).
//! Each page is one call; the stream ends on a short or empty page or a
//! missing cursor, and an error on a later page is the stream's last item.

mod common;

use client_runtime::reqwest::Method;
use client_runtime::{NextCursor, Paging, Place, Received, Request, Style};
use common::{header, json_body, token_url};
use openremote_client::types::{self, AssetQuery};
use openremote_client::{Client, Error};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request as Incoming, ResponseTemplate};

/// A loopback Manager with a token endpoint, and a client for it.
async fn openremote() -> (MockServer, Client) {
    let server = MockServer::start().await;
    common::grant_tokens(&server).await;
    let client = Client::builder()
        .base_url(format!("{}/api/master", server.uri()))
        .client_credentials(token_url(&server), "svc", "secret")
        .timeout(Duration::from_secs(5))
        .max_retries(0)
        .build()
        .expect("client");
    (server, client)
}

/// Answers `POST {at}` from `pages`, by the `offset` of the request's body
/// over the page size `size`: a server holding `total` things.
async fn offset_server(server: &MockServer, at: &str, total: usize, thing: fn(usize) -> Value) {
    Mock::given(method("POST"))
        .and(path(format!("/api/master{at}")))
        .respond_with(move |request: &Incoming| {
            let body: Value = serde_json::from_slice(&request.body).expect("JSON body");
            let offset = body["offset"].as_u64().expect("an offset") as usize;
            // Without a limit the server gives at most 3 (its own page size).
            let limit = body["limit"].as_u64().map_or(3, |limit| limit as usize);
            let page: Vec<Value> = (offset..total.min(offset + limit)).map(thing).collect();
            ResponseTemplate::new(200).set_body_json(page)
        })
        .mount(server)
        .await;
}

fn user(index: usize) -> Value {
    json!({"id": format!("u{index}"), "username": format!("user-{index}")})
}

fn asset(index: usize) -> Value {
    json!({"id": format!("a{index}"), "name": format!("asset-{index}"), "type": "ThingAsset"})
}

/// The API requests the server got (not the token's), their bodies as JSON.
async fn api_bodies(server: &MockServer) -> Vec<Value> {
    common::requests(server)
        .await
        .iter()
        .filter(|r| r.url.path().starts_with("/api/"))
        .inspect(|r| assert_eq!(header(r, "authorization"), Some("Bearer token-1")))
        .map(json_body)
        .collect()
}

/// The query string of each request the server received, in order.
async fn queries(server: &MockServer) -> Vec<Option<String>> {
    common::requests(server)
        .await
        .iter()
        .map(|r| r.url.query().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn query_users_items_follow_the_offset_in_the_body_until_a_short_page() {
    let (server, client) = openremote().await;
    offset_server(&server, "/user/query", 5, user).await;
    let query: types::UserQuery = serde_json::from_value(json!({
        "realmPredicate": {"name": "building"},
        "serviceUsers": false,
        "limit": 2,
    }))
    .expect("query");

    let mut items = client.query_users(&query).items();
    let mut names = Vec::new();
    while let Some(user) = items.try_next().await.expect("every page") {
        names.push(user.username.expect("a name"));
    }
    assert_eq!(names, ["user-0", "user-1", "user-2", "user-3", "user-4"]);

    // Three calls (2 + 2 + 1: the short page is the last), the query kept,
    // the offset moved on by what came before.
    let bodies = api_bodies(&server).await;
    assert_eq!(bodies.len(), 3, "{bodies:#?}");
    for (body, offset) in bodies.iter().zip([0, 2, 4]) {
        assert_eq!(
            *body,
            json!({"realmPredicate": {"name": "building"}, "serviceUsers": false, "limit": 2, "offset": offset})
        );
    }
}

#[tokio::test]
async fn query_assets_pages_start_at_the_callers_offset_and_end_on_an_empty_page() {
    let (server, client) = openremote().await;
    offset_server(&server, "/asset/query", 8, asset).await;
    // No limit: only an empty page can say it was the last.
    let query: AssetQuery = serde_json::from_value(json!({"types": ["ThingAsset"], "offset": 1})).expect("query");

    let mut pages = client.query_assets(&query).pages();
    let mut sizes = Vec::new();
    while let Some(page) = pages.try_next().await.expect("every page") {
        assert_eq!(page[0].name, format!("asset-{}", 1 + sizes.iter().sum::<usize>()));
        sizes.push(page.len());
    }
    assert_eq!(sizes, [3, 3, 1], "the empty fourth page is not given");
    let offsets: Vec<Value> = api_bodies(&server).await.iter().map(|b| b["offset"].clone()).collect();
    assert_eq!(offsets, [json!(1), json!(4), json!(7), json!(8)]);
}

#[tokio::test]
async fn an_error_on_the_second_page_is_the_streams_last_item() {
    let (server, client) = openremote().await;
    let calls = AtomicUsize::new(0);
    Mock::given(method("POST"))
        .and(path("/api/master/user/query"))
        .respond_with(move |_: &Incoming| match calls.fetch_add(1, Ordering::SeqCst) {
            0 => ResponseTemplate::new(200).set_body_json(json!([user(0), user(1)])),
            _ => ResponseTemplate::new(500)
                .set_body_string("Request failed with HTTP error status: 500 Internal Server Error"),
        })
        .mount(&server)
        .await;
    let query: types::UserQuery = serde_json::from_value(json!({"limit": 2})).expect("query");

    let mut pages = client.query_users(&query).pages();
    let first = pages.try_next().await.expect("page 1").expect("a page");
    assert_eq!(first.len(), 2);
    match pages.try_next().await {
        Err(Error::Api(error)) => {
            assert_eq!(error.status.as_u16(), 500);
            assert!(String::from_utf8_lossy(&error.body).contains("Internal Server Error"));
        }
        other => panic!("expected the 500 of page 2, got {other:?}"),
    }
    assert!(
        pages.try_next().await.expect("ended").is_none(),
        "nothing after the error"
    );
    assert_eq!(api_bodies(&server).await.len(), 2);
}

/// A runtime client for `server`, as a generated crate builds one.
fn runtime_client(server: &MockServer) -> client_runtime::Client {
    client_runtime::ClientBuilder::new(None, "pages-test")
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .expect("client")
}

/// What a generated operation's `decode` does for a JSON answer.
fn decode_array(response: Received) -> Result<Vec<Value>, client_runtime::Error<Value>> {
    match response.status() {
        200..=299 => Ok(response.json()?),
        _ => Err(response.into_error()),
    }
}

fn decode_object(response: Received) -> Result<Value, client_runtime::Error<Value>> {
    match response.status() {
        200..=299 => Ok(response.json()?),
        _ => Err(response.into_error()),
    }
}

fn query_of(request: &Incoming) -> Vec<(String, String)> {
    request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[tokio::test]
async fn an_offset_in_the_query_moves_on_page_by_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/plants"))
        .respond_with(|request: &Incoming| {
            let query = query_of(request);
            let get = |name: &str| {
                query
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.parse::<usize>().unwrap())
            };
            let offset = get("offset").expect("an offset");
            let page: Vec<Value> = (offset..7.min(offset + get("limit").unwrap()))
                .map(|i| json!(i))
                .collect();
            ResponseTemplate::new(200).set_body_json(page)
        })
        .mount(&server)
        .await;
    let client = runtime_client(&server);
    // As `list_plants().limit(3).genus("ficus")` builds it.
    let mut request = Request::new(Method::GET, "/plants", &[]);
    request.query("limit", &3, Style::Form, true).unwrap();
    request.query("genus", &"ficus", Style::Form, true).unwrap();
    let paging = Paging::Offset {
        offset: Place::Query("offset"),
        limit: Some(Place::Query("limit")),
    };

    let mut items = client.items(Ok(request), paging, decode_array, std::convert::identity);
    let mut seen = Vec::new();
    while let Some(item) = items.try_next().await.expect("every page") {
        seen.push(item.as_u64().unwrap());
    }
    assert_eq!(seen, [0, 1, 2, 3, 4, 5, 6]);
    assert_eq!(
        queries(&server).await,
        [
            Some("limit=3&genus=ficus&offset=0".to_owned()),
            Some("limit=3&genus=ficus&offset=3".to_owned()),
            Some("limit=3&genus=ficus&offset=6".to_owned()),
        ]
    );
}

#[tokio::test]
async fn a_cursor_in_the_answer_is_sent_back_until_there_is_none() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/orders"))
        .respond_with(|request: &Incoming| {
            let after = query_of(request)
                .into_iter()
                .find(|(k, _)| k == "after")
                .map(|(_, v)| v);
            let (orders, next) = match after.as_deref() {
                None => (json!([{"id": 1}, {"id": 2}]), json!("c2")),
                Some("c2") => (json!([{"id": 3}, {"id": 4}]), json!("c4")),
                Some("c4") => (json!([{"id": 5}]), Value::Null),
                Some(other) => panic!("unknown cursor {other}"),
            };
            ResponseTemplate::new(200).set_body_json(json!({"orders": orders, "meta": {"next": next}}))
        })
        .mount(&server)
        .await;
    let client = runtime_client(&server);
    let mut request = Request::new(Method::GET, "/orders", &[]);
    request.query("per_page", &2, Style::Form, true).unwrap();
    let paging = Paging::Cursor {
        cursor: Place::Query("after"),
        next: NextCursor::Member("/meta/next"),
    };

    let count: fn(&Value) -> usize = |page| page["orders"].as_array().map_or(0, Vec::len);
    let mut pages = client.pages(Ok(request), paging, decode_object, count);
    let mut ids = Vec::new();
    while let Some(page) = pages.try_next().await.expect("every page") {
        ids.extend(
            page["orders"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["id"].as_u64().unwrap()),
        );
    }
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    assert_eq!(
        queries(&server).await,
        [
            Some("per_page=2".to_owned()),
            Some("per_page=2&after=c2".to_owned()),
            Some("per_page=2&after=c4".to_owned()),
        ]
    );
}

#[tokio::test]
async fn a_cursor_in_a_header_goes_into_the_body_and_an_error_ends_the_stream() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/events/search"))
        .respond_with(|request: &Incoming| {
            let body: Value = serde_json::from_slice(&request.body).unwrap();
            assert_eq!(body["text"], "pump", "the caller's body is kept");
            match body.get("cursor").and_then(Value::as_str) {
                None => ResponseTemplate::new(200)
                    .insert_header("X-Next-Cursor", "p2")
                    .set_body_json(json!({"events": ["a", "b"]})),
                Some("p2") => ResponseTemplate::new(200)
                    .insert_header("X-Next-Cursor", "p3")
                    .set_body_json(json!({"events": ["c"]})),
                Some(_) => ResponseTemplate::new(503).set_body_json(json!({"message": "busy"})),
            }
        })
        .mount(&server)
        .await;
    let client = runtime_client(&server);
    let mut request = Request::new(Method::POST, "/events/search", &[]);
    request.json("application/json", &json!({"text": "pump"})).unwrap();
    let paging = Paging::Cursor {
        cursor: Place::Body("cursor"),
        next: NextCursor::Header("x-next-cursor"),
    };
    let take: fn(Value) -> Vec<Value> = |page| page["events"].as_array().cloned().unwrap_or_default();

    let mut items = client.items(Ok(request), paging, decode_object, take);
    let mut seen = Vec::new();
    let error = loop {
        match items.try_next().await {
            Ok(Some(item)) => seen.push(item),
            Ok(None) => panic!("the third page fails"),
            Err(error) => break error,
        }
    };
    assert_eq!(seen, [json!("a"), json!("b"), json!("c")]);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503), "{error:?}");
    assert!(items.try_next().await.expect("ended").is_none());
    let cursors: Vec<Value> = common::requests(&server)
        .await
        .iter()
        .map(|r| json_body(r).get("cursor").cloned().unwrap_or(Value::Null))
        .collect();
    assert_eq!(cursors, [Value::Null, json!("p2"), json!("p3")]);
}

#[tokio::test]
async fn a_repeated_cursor_ends_the_stream_rather_than_looping() {
    let server = MockServer::start().await;
    let calls = AtomicUsize::new(0);
    Mock::given(method("GET"))
        .and(path("/orders"))
        .respond_with(move |_: &Incoming| {
            // New orders on every page (not the same page again), always the same cursor.
            let id = calls.fetch_add(1, Ordering::SeqCst);
            ResponseTemplate::new(200).set_body_json(json!({"orders": [{"id": id}], "meta": {"next": "same"}}))
        })
        .mount(&server)
        .await;
    let client = runtime_client(&server);
    let paging = Paging::Cursor {
        cursor: Place::Query("after"),
        next: NextCursor::Member("/meta/next"),
    };
    let count: fn(&Value) -> usize = |page| page["orders"].as_array().map_or(0, Vec::len);
    let mut pages = client.pages(
        Ok(Request::new(Method::GET, "/orders", &[])),
        paging,
        decode_object,
        count,
    );
    let mut seen = 0;
    while pages.try_next().await.expect("every page").is_some() {
        seen += 1;
    }
    assert_eq!(
        seen, 2,
        "the first page, then the one its cursor names, which names itself again"
    );
}

#[tokio::test]
async fn a_server_that_ignores_the_offset_ends_the_stream_rather_than_repeating_a_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/plants"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([1, 2, 3])))
        .mount(&server)
        .await;
    let client = runtime_client(&server);
    let paging = Paging::Offset {
        offset: Place::Query("offset"),
        limit: Some(Place::Query("limit")),
    };
    let request = Request::new(Method::GET, "/plants", &[]);
    let mut items = client.items(Ok(request), paging, decode_array, std::convert::identity);
    let mut seen = Vec::new();
    while let Some(item) = items.try_next().await.expect("every page") {
        seen.push(item);
    }
    assert_eq!(seen, [json!(1), json!(2), json!(3)]);
    assert_eq!(common::requests(&server).await.len(), 2);
}
