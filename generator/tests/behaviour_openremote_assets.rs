//! The generated OpenRemote client (`generated/openremote`) on assets, their
//! attributes and history, alarms, realms, the status endpoints and console
//! registration, against a loopback Manager that answers as the Java model
//! classes serialise (epoch-ms times, attribute values of every JSON kind,
//! meta items as a name-to-value map, `{x, y}` datapoints, an asset of a
//! type the spec does not know, a ZIP export, a write answer that mixes
//! successes and failures).

mod common;

use common::{header, json_body, line, token_url};
use openremote_client::types::{
    self, AlarmSeverity, AlarmStatus, AssetDatapointQuery, AssetQuery, AssetType, AttributeRef, AttributeWriteFailure,
    ValuePredicate,
};
use openremote_client::{Client, Error};
use serde_json::json;
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const CLIENT_ID: &str = "svc-automation";
const CLIENT_SECRET: &str = "Qv7-client-SECRET-value";
const LIGHT: &str = "4cXQmF2Jv9dQ1a7Hs8RkLb";
const ROOM: &str = "2bT4rE8uYq1WcZ9dLk3MnP";
const HEAT_PUMP: &str = "7Bt8M3cXEP6BHPh8r47DYf";

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    common::grant_tokens(&server).await;
    let client = Client::builder()
        .base_url(format!("{}/api/building", server.uri()))
        .client_credentials(token_url(&server), CLIENT_ID, CLIENT_SECRET)
        .timeout(Duration::from_secs(5))
        .max_retries(0)
        .build()
        .expect("client");
    (server, client)
}

async fn answer(server: &MockServer, verb: &str, at: &str, response: ResponseTemplate) {
    Mock::given(method(verb))
        .and(path(format!("/api/building{at}")))
        .respond_with(response)
        .mount(server)
        .await;
}

fn json_answer(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn no_content() -> ResponseTemplate {
    ResponseTemplate::new(204)
}

/// The one request that reached the API, with method, path and query; it
/// carried the bearer token unless `anonymous`.
async fn sent_as(server: &MockServer, anonymous: bool) -> ((String, String, Option<String>), Request) {
    let mut all: Vec<Request> = common::requests(server)
        .await
        .into_iter()
        .filter(|r| r.url.path().starts_with("/api/"))
        .collect();
    assert_eq!(all.len(), 1, "{all:#?}");
    let request = all.remove(0);
    let expected = if anonymous { None } else { Some("Bearer token-1") };
    assert_eq!(header(&request, "authorization"), expected);
    (line(&request), request)
}

async fn sent(server: &MockServer) -> ((String, String, Option<String>), Request) {
    sent_as(server, false).await
}

fn req(verb: &str, p: &str, query: Option<&str>) -> (String, String, Option<String>) {
    (verb.into(), format!("/api/building{p}"), query.map(str::to_owned))
}

/// A light as `getAsset` returns it: attribute values of every JSON kind
/// (boolean, integer, decimal, string, object, array, and none at all).
fn light_json() -> serde_json::Value {
    json!({
        "id": LIGHT, "version": 7, "createdOn": 1_700_000_000_123_i64, "name": "Kitchen light",
        "accessPublicRead": false, "parentId": ROOM, "realm": "building", "type": "LightAsset",
        "path": [LIGHT, ROOM],
        "attributes": {
            "onOff": {"name": "onOff", "type": "boolean", "value": true, "timestamp": 1_700_000_100_000_i64,
                      "meta": {"storeDataPoints": true, "agentLink": {"id": "5tGr1dQ8aZ0pLm3Nb7Vc2X", "type": "MQTTAgentLink", "subscriptionTopic": "kitchen/light"}}},
            "brightness": {"name": "brightness", "type": "positiveInteger", "value": 80, "timestamp": 1_700_000_100_001_i64,
                           "meta": {"constraints": [{"type": "min", "min": 0}, {"type": "max", "max": 100}], "units": ["percentage"]}},
            "temperature": {"name": "temperature", "type": "number", "value": 2700.5, "timestamp": 1_700_000_100_002_i64},
            "colourRGB": {"name": "colourRGB", "type": "colourRGB", "value": "#FFAA00"},
            "location": {"name": "location", "type": "GEO_JSONPoint", "value": {"type": "Point", "coordinates": [5.460315, 51.445417]}},
            "scenes": {"name": "scenes", "type": "text[]", "value": ["evening", "cooking"]},
            "notes": {"name": "notes", "type": "text", "meta": {"label": "Notes", "readOnly": false}}
        }
    })
}

/// An asset of a type the spec does not list, with a property it does not name either.
fn heat_pump_json() -> serde_json::Value {
    json!({
        "id": HEAT_PUMP, "version": 2, "createdOn": 1_690_000_000_000_i64, "name": "Heat pump",
        "accessPublicRead": true, "realm": "building", "type": "HeatPumpAsset", "path": [HEAT_PUMP],
        "attributes": {
            "cop": {"name": "cop", "type": "number", "value": 3.7, "timestamp": 1_700_000_000_000_i64, "meta": {"label": "COP"}},
            "mode": {"name": "mode", "type": "text", "value": "HEATING", "timestamp": 1_700_000_000_000_i64}
        },
        "vendorInfo": {"model": "X-200", "firmware": [1, 4, 2]}
    })
}

fn light() -> types::Asset {
    serde_json::from_value(light_json()).expect("a light decodes")
}

// ---------------------------------------------------------------- models

#[test]
fn attribute_values_of_every_json_kind_decode_and_read_as_rust_types() {
    let asset = light();
    assert_eq!(asset.r#type, AssetType::LightAsset);
    assert_eq!(asset.created_on, Some(1_700_000_000_123));
    assert_eq!(asset.path.as_deref(), Some(&[LIGHT.to_owned(), ROOM.to_owned()][..]));
    let attributes = asset.attributes.as_ref().expect("attributes");
    assert_eq!(attributes.len(), 7);
    let on_off = &attributes["onOff"];
    assert_eq!(on_off.name.as_deref(), Some("onOff"));
    assert_eq!(on_off.r#type.as_deref(), Some("boolean"));
    assert_eq!(on_off.timestamp, Some(1_700_000_100_000));
    assert!(on_off.value_as::<bool>().expect("bool"));
    assert_eq!(on_off.meta.as_ref().expect("meta")["storeDataPoints"], json!(true));
    assert_eq!(attributes["brightness"].value_as::<u8>().expect("integer"), 80);
    assert_eq!(attributes["temperature"].value_as::<f64>().expect("decimal"), 2700.5);
    assert_eq!(attributes["colourRGB"].value_as::<String>().expect("string"), "#FFAA00");
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Point {
        r#type: String,
        coordinates: [f64; 2],
    }
    assert_eq!(
        attributes["location"].value_as::<Point>().expect("object"),
        Point {
            r#type: "Point".into(),
            coordinates: [5.460315, 51.445417]
        }
    );
    assert_eq!(
        attributes["scenes"].value_as::<Vec<String>>().expect("array"),
        ["evening", "cooking"]
    );
    // no value: `None` as an option, an error as a plain number
    assert_eq!(attributes["notes"].value, None);
    assert_eq!(attributes["notes"].value_as::<Option<f64>>().expect("absent"), None);
    assert!(attributes["notes"].value_as::<f64>().is_err());
    // a value of another kind is an error, not a panic
    assert!(on_off.value_as::<f64>().is_err());
    // and the light goes back out as it came
    assert_eq!(serde_json::to_value(&asset).expect("json"), light_json());
}

#[test]
fn an_asset_of_an_unknown_type_round_trips_unchanged() {
    let asset: types::Asset = serde_json::from_value(heat_pump_json()).expect("decodes");
    assert_eq!(asset.r#type, AssetType::Unknown("HeatPumpAsset".into()));
    assert_eq!(asset.r#type.as_str(), "HeatPumpAsset");
    assert_eq!(asset.name, "Heat pump");
    assert_eq!(
        asset.attributes.as_ref().expect("attributes")["cop"]
            .value_as::<f64>()
            .expect("number"),
        3.7
    );
    assert_eq!(asset.additional_properties["vendorInfo"]["model"], json!("X-200"));
    assert_eq!(serde_json::to_value(&asset).expect("json"), heat_pump_json());
}

#[test]
fn datapoint_queries_are_tagged_by_type() {
    let lttb: AssetDatapointQuery =
        serde_json::from_value(json!({"type": "lttb", "fromTimestamp": 1, "toTimestamp": 2, "amountOfPoints": 100}))
            .expect("lttb");
    assert!(matches!(&lttb, AssetDatapointQuery::AssetDatapointLttbQuery(q) if q.amount_of_points == Some(100)));
    let newer: AssetDatapointQuery =
        serde_json::from_value(json!({"type": "percentile", "fromTimestamp": 1, "p": 95})).expect("kept");
    assert_eq!(serde_json::to_value(&newer).expect("json")["p"], json!(95));
}

#[test]
fn value_predicates_are_tagged_by_predicate_type() {
    let group: types::LogicGroupAttributePredicate = serde_json::from_value(json!({
        "operator": "AND",
        "items": [
            {"name": {"predicateType": "string", "value": "onOff"}, "value": {"predicateType": "boolean", "value": true}},
            {"name": {"predicateType": "string", "value": "brightness"},
             "value": {"predicateType": "number", "operator": "BETWEEN", "value": 20, "rangeValue": 80}},
            {"name": {"predicateType": "string", "value": "location"}, "value": {"predicateType": "radial", "radius": 50}}
        ]
    }))
    .expect("decodes");
    let items = group.items.expect("items");
    assert!(matches!(&items[0].value, Some(ValuePredicate::BooleanPredicate(p)) if p.value == Some(true)));
    assert!(matches!(&items[1].value, Some(ValuePredicate::NumberPredicate(p)) if p.range_value == Some(80.0)));
    assert!(matches!(&items[2].value, Some(ValuePredicate::Unknown(v)) if v["radius"] == json!(50)));
}

// ---------------------------------------------------------------- assets

#[tokio::test]
async fn query_assets_posts_the_query_and_decodes_every_asset() {
    let (server, client) = setup().await;
    answer(
        &server,
        "POST",
        "/asset/query",
        json_answer(json!([light_json(), heat_pump_json()])),
    )
    .await;
    let query: AssetQuery = serde_json::from_value(json!({
        "realm": {"name": "building"},
        "types": ["LightAsset"],
        "select": {"attributes": ["onOff"]},
        "names": [{"predicateType": "string", "match": "BEGIN", "value": "Kitchen"}],
        "attributes": {"items": [{"name": {"predicateType": "string", "value": "onOff"},
                                  "value": {"predicateType": "boolean", "value": true}}]},
        "orderBy": {"property": "NAME"},
        "limit": 50
    }))
    .expect("query");
    let assets = client.query_assets(&query).await.expect("assets");
    assert_eq!(assets.len(), 2);
    assert_eq!(assets[0], light());
    assert_eq!(assets[1].r#type.as_str(), "HeatPumpAsset");
    let (request_line, request) = sent(&server).await;
    assert_eq!(request_line, req("POST", "/asset/query", None));
    assert_eq!(json_body(&request), serde_json::to_value(&query).expect("json"));
    assert_eq!(
        json_body(&request)["attributes"]["items"][0]["value"]["predicateType"],
        json!("boolean")
    );
}

#[tokio::test]
async fn query_count_answers_a_number() {
    let (server, client) = setup().await;
    answer(&server, "POST", "/asset/count", json_answer(json!(42))).await;
    let count = client.query_count(&AssetQuery::default()).await.expect("count");
    assert_eq!(count, 42);
    let (request_line, request) = sent(&server).await;
    assert_eq!(request_line, req("POST", "/asset/count", None));
    assert_eq!(json_body(&request), json!({}));
}

#[tokio::test]
async fn query_asset_tree_decodes_nodes() {
    let (server, client) = setup().await;
    answer(
        &server,
        "POST",
        "/asset/tree",
        json_answer(json!({"assets": [
            {"id": ROOM, "name": "Kitchen", "type": "RoomAsset", "path": [ROOM], "hasChildren": true, "createdOn": 1_690_000_000_000_i64},
            {"id": LIGHT, "name": "Kitchen light", "type": "LightAsset", "parentId": ROOM, "path": [LIGHT, ROOM], "hasChildren": false}
        ], "hasMore": false})),
    )
    .await;
    let tree = client.query_asset_tree(&AssetQuery::default()).await.expect("tree");
    let assets = tree.assets.expect("assets");
    assert_eq!(assets[0].r#type, Some(AssetType::RoomAsset));
    assert_eq!(assets[0].created_on, Some(1_690_000_000_000));
    assert_eq!(assets[1].parent_id.as_deref(), Some(ROOM));
    assert_eq!(tree.has_more, Some(false));
    assert_eq!(sent(&server).await.0, req("POST", "/asset/tree", None));
}

#[tokio::test]
async fn get_asset_decodes_a_whole_asset() {
    let (server, client) = setup().await;
    answer(&server, "GET", &format!("/asset/{LIGHT}"), json_answer(light_json())).await;
    assert_eq!(client.get_asset(LIGHT).await.expect("asset"), light());
    assert_eq!(sent(&server).await.0, req("GET", &format!("/asset/{LIGHT}"), None));
}

#[tokio::test]
async fn an_unknown_asset_goes_back_to_the_server_unchanged() {
    let (server, client) = setup().await;
    answer(
        &server,
        "GET",
        &format!("/asset/{HEAT_PUMP}"),
        json_answer(heat_pump_json()),
    )
    .await;
    answer(
        &server,
        "PUT",
        &format!("/asset/{HEAT_PUMP}"),
        json_answer(heat_pump_json()),
    )
    .await;
    let asset = client.get_asset(HEAT_PUMP).await.expect("asset");
    let stored = client.update_asset(HEAT_PUMP, &asset).await.expect("updated");
    assert_eq!(stored, asset);
    let requests: Vec<Request> = common::requests(&server)
        .await
        .into_iter()
        .filter(|r| r.url.path().starts_with("/api/"))
        .collect();
    assert_eq!(requests.len(), 2);
    assert_eq!(line(&requests[1]), req("PUT", &format!("/asset/{HEAT_PUMP}"), None));
    assert_eq!(json_body(&requests[1]), heat_pump_json());
}

#[tokio::test]
async fn get_partial_asset_has_no_attributes() {
    let (server, client) = setup().await;
    answer(
        &server,
        "GET",
        &format!("/asset/partial/{LIGHT}"),
        json_answer(
            json!({"id": LIGHT, "version": 7, "createdOn": 1_700_000_000_123_i64, "name": "Kitchen light",
                           "accessPublicRead": false, "parentId": ROOM, "realm": "building", "type": "LightAsset"}),
        ),
    )
    .await;
    let asset = client.get_partial_asset(LIGHT).await.expect("asset");
    assert_eq!(asset.attributes, None);
    assert_eq!(asset.path, None);
    assert_eq!(
        sent(&server).await.0,
        req("GET", &format!("/asset/partial/{LIGHT}"), None)
    );
}

#[tokio::test]
async fn create_asset_posts_and_decodes_the_stored_asset() {
    let (server, client) = setup().await;
    answer(&server, "POST", "/asset", json_answer(light_json())).await;
    let new: types::Asset = serde_json::from_value(json!({
        "name": "Kitchen light", "type": "LightAsset", "realm": "building", "parentId": ROOM,
        "attributes": {"onOff": {"name": "onOff", "type": "boolean", "value": false}}
    }))
    .expect("new asset");
    let created = client.create_asset(&new).await.expect("created");
    assert_eq!(created.id.as_deref(), Some(LIGHT));
    let (request_line, request) = sent(&server).await;
    assert_eq!(request_line, req("POST", "/asset", None));
    assert_eq!(
        json_body(&request),
        json!({"name": "Kitchen light", "type": "LightAsset", "realm": "building", "parentId": ROOM,
               "attributes": {"onOff": {"name": "onOff", "type": "boolean", "value": false}}})
    );
}

#[tokio::test]
async fn delete_asset_repeats_the_asset_id() {
    let (server, client) = setup().await;
    answer(&server, "DELETE", "/asset", no_content()).await;
    client
        .delete_asset(vec![LIGHT.into(), HEAT_PUMP.into()])
        .await
        .expect("deleted");
    assert_eq!(
        sent(&server).await.0,
        req(
            "DELETE",
            "/asset",
            Some(&format!("assetId={LIGHT}&assetId={HEAT_PUMP}"))
        )
    );
}

#[tokio::test]
async fn get_current_user_assets() {
    let (server, client) = setup().await;
    answer(
        &server,
        "GET",
        "/asset/user/current",
        json_answer(json!([{"id": LIGHT, "name": "Kitchen light", "type": "LightAsset", "realm": "building"}])),
    )
    .await;
    let assets = client.get_current_user_assets().await.expect("assets");
    assert_eq!(assets[0].name, "Kitchen light");
    assert_eq!(sent(&server).await.0, req("GET", "/asset/user/current", None));
}

fn link_json() -> serde_json::Value {
    json!({"id": {"realm": "building", "userId": "7d3f1c2a-9b8e-4f6d-a1b2-c3d4e5f60718", "assetId": LIGHT},
           "createdOn": 1_700_000_000_000_i64, "assetName": "Kitchen light", "parentAssetName": "Kitchen",
           "userFullName": "Alex Morgan"})
}

#[tokio::test]
async fn get_user_asset_links_sends_the_filters() {
    let (server, client) = setup().await;
    answer(&server, "GET", "/asset/user/link", json_answer(json!([link_json()]))).await;
    let links = client
        .get_user_asset_links("building")
        .user_id("7d3f1c2a-9b8e-4f6d-a1b2-c3d4e5f60718")
        .await
        .expect("links");
    assert_eq!(links[0].id.as_ref().and_then(|id| id.asset_id.as_deref()), Some(LIGHT));
    assert_eq!(links[0].created_on, Some(1_700_000_000_000));
    assert_eq!(
        sent(&server).await.0,
        req(
            "GET",
            "/asset/user/link",
            Some("realm=building&userId=7d3f1c2a-9b8e-4f6d-a1b2-c3d4e5f60718")
        )
    );
}

#[tokio::test]
async fn create_user_asset_links_posts_the_links() {
    let (server, client) = setup().await;
    answer(&server, "POST", "/asset/user/link", no_content()).await;
    let links: Vec<types::UserAssetLink> =
        vec![serde_json::from_value(json!({"id": link_json()["id"]})).expect("link")];
    client.create_user_asset_links(&links).await.expect("linked");
    let (request_line, request) = sent(&server).await;
    assert_eq!(request_line, req("POST", "/asset/user/link", None));
    assert_eq!(json_body(&request), json!([{"id": link_json()["id"]}]));
}

#[tokio::test]
async fn update_asset_parent_moves_the_assets() {
    let (server, client) = setup().await;
    answer(&server, "PUT", &format!("/asset/{ROOM}/child"), no_content()).await;
    client
        .update_asset_parent(ROOM, vec![LIGHT.into(), HEAT_PUMP.into()])
        .await
        .expect("moved");
    assert_eq!(
        sent(&server).await.0,
        req(
            "PUT",
            &format!("/asset/{ROOM}/child"),
            Some(&format!("assetIds={LIGHT}&assetIds={HEAT_PUMP}"))
        )
    );
}

#[tokio::test]
async fn delete_assets_parent_makes_root_assets() {
    let (server, client) = setup().await;
    answer(&server, "DELETE", "/asset/parent", no_content()).await;
    client.delete_assets_parent(vec![LIGHT.into()]).await.expect("done");
    assert_eq!(
        sent(&server).await.0,
        req("DELETE", "/asset/parent", Some(&format!("assetIds={LIGHT}")))
    );
}

// ---------------------------------------------------------------- attributes

fn written(name: &str) -> serde_json::Value {
    json!({"ref": {"id": LIGHT, "name": name}})
}

/// A write of one attribute value, made for a given client.
type WriteCall = Box<dyn Fn(&Client) -> openremote_client::builders::WriteAttributeValue<'_>>;

#[tokio::test]
async fn write_attribute_value_takes_any_serializable_value() {
    #[derive(serde::Serialize)]
    struct Point {
        r#type: &'static str,
        coordinates: [f64; 2],
    }
    let cases: Vec<(&str, WriteCall, serde_json::Value)> = vec![
        (
            "onOff",
            Box::new(|c| c.write_attribute_value(LIGHT, "onOff", &true)),
            json!(true),
        ),
        (
            "brightness",
            Box::new(|c| c.write_attribute_value(LIGHT, "brightness", &80_u8)),
            json!(80),
        ),
        (
            "temperature",
            Box::new(|c| c.write_attribute_value(LIGHT, "temperature", &2700.5)),
            json!(2700.5),
        ),
        (
            "colourRGB",
            Box::new(|c| c.write_attribute_value(LIGHT, "colourRGB", "#FFAA00")),
            json!("#FFAA00"),
        ),
        (
            "location",
            Box::new(|c| {
                c.write_attribute_value(
                    LIGHT,
                    "location",
                    &Point {
                        r#type: "Point",
                        coordinates: [5.46, 51.44],
                    },
                )
            }),
            json!({"type": "Point", "coordinates": [5.46, 51.44]}),
        ),
        (
            "scenes",
            Box::new(|c| c.write_attribute_value(LIGHT, "scenes", &["evening"])),
            json!(["evening"]),
        ),
        (
            "notes",
            Box::new(|c| c.write_attribute_value(LIGHT, "notes", &None::<String>)),
            json!(null),
        ),
        (
            "raw",
            Box::new(|c| c.write_attribute_value(LIGHT, "raw", &json!({"a": [1, null]}))),
            json!({"a": [1, null]}),
        ),
    ];
    for (name, call, body) in cases {
        let (server, client) = setup().await;
        answer(
            &server,
            "PUT",
            &format!("/asset/{LIGHT}/attribute/{name}"),
            json_answer(written(name)),
        )
        .await;
        let result = call(&client).await.expect("written");
        assert_eq!(result.failure, None, "{name}");
        assert_eq!(result.r#ref.and_then(|r| r.name).as_deref(), Some(name));
        let (request_line, request) = sent(&server).await;
        assert_eq!(
            request_line,
            req("PUT", &format!("/asset/{LIGHT}/attribute/{name}"), None)
        );
        assert_eq!(header(&request, "content-type"), Some("application/json"));
        assert_eq!(json_body(&request), body, "{name}");
    }
}

#[tokio::test]
async fn a_value_that_is_not_json_fails_before_sending() {
    let (server, client) = setup().await;
    let not_json: std::collections::BTreeMap<(u8, u8), u8> = [((1, 2), 3)].into();
    let error = client
        .write_attribute_value(LIGHT, "onOff", &not_json)
        .await
        .expect_err("refused");
    assert!(
        matches!(&error, Error::InvalidRequest(m) if m.contains("JSON")),
        "{error}"
    );
    assert!(
        common::requests(&server)
            .await
            .iter()
            .all(|r| !r.url.path().starts_with("/api/"))
    );
}

#[tokio::test]
async fn a_failed_write_keeps_status_and_write_result() {
    let (server, client) = setup().await;
    answer(
        &server,
        "PUT",
        &format!("/asset/{LIGHT}/attribute/nope"),
        ResponseTemplate::new(404)
            .set_body_json(json!({"ref": {"id": LIGHT, "name": "nope"}, "failure": "ATTRIBUTE_NOT_FOUND"})),
    )
    .await;
    let error = client
        .write_attribute_value(LIGHT, "nope", &1)
        .await
        .expect_err("not found");
    let Error::Api(api) = &error else { panic!("{error:?}") };
    assert_eq!(api.status.as_u16(), 404);
    let result: types::AttributeWriteResult =
        serde_json::from_value(api.parsed.clone().expect("JSON body")).expect("a write result");
    assert_eq!(result.failure, Some(AttributeWriteFailure::AttributeNotFound));
}

#[tokio::test]
async fn write_attribute_value_with_a_timestamp() {
    let (server, client) = setup().await;
    let at = format!("/asset/{LIGHT}/attribute/temperature/1700000000000");
    answer(&server, "PUT", &at, json_answer(written("temperature"))).await;
    let result = client
        .write_attribute_value_1(LIGHT, "temperature", 1_700_000_000_000, &21.5)
        .await
        .expect("written");
    assert_eq!(result.failure, None);
    let (request_line, request) = sent(&server).await;
    assert_eq!(request_line, req("PUT", &at, None));
    assert_eq!(json_body(&request), json!(21.5));
}

/// The write answer mixes successes and failures (one of a kind this client does not know).
fn mixed_results() -> serde_json::Value {
    json!([
        written("onOff"),
        {"ref": {"id": LIGHT, "name": "brightness"}, "failure": "INVALID_VALUE"},
        {"ref": {"id": "0000000000000000000000", "name": "onOff"}, "failure": "ASSET_NOT_FOUND"},
        {"ref": {"name": "onOff"}, "failure": "ASSET_ID_MISSING"},
        {"ref": {"id": LIGHT, "name": "scenes"}, "failure": "RATE_LIMITED"}
    ])
}

fn check_mixed(results: &[types::AttributeWriteResult]) {
    let failures: Vec<Option<AttributeWriteFailure>> = results.iter().map(|r| r.failure.clone()).collect();
    assert_eq!(
        failures,
        [
            None,
            Some(AttributeWriteFailure::InvalidValue),
            Some(AttributeWriteFailure::AssetNotFound),
            Some(AttributeWriteFailure::AssetIdMissing),
            Some(AttributeWriteFailure::UnknownValue("RATE_LIMITED".into())),
        ]
    );
    assert_eq!(results[3].r#ref.as_ref().and_then(|r| r.id.as_deref()), None);
    let succeeded: Vec<&str> = results
        .iter()
        .filter(|r| r.failure.is_none())
        .filter_map(|r| r.r#ref.as_ref()?.name.as_deref())
        .collect();
    assert_eq!(succeeded, ["onOff"]);
}

fn attribute_ref(name: &str) -> AttributeRef {
    AttributeRef::new().with_id(LIGHT).with_name(name)
}

#[tokio::test]
async fn write_attribute_values_reports_each_write() {
    let (server, client) = setup().await;
    answer(&server, "PUT", "/asset/attributes", json_answer(mixed_results())).await;
    let states = vec![
        types::AttributeState::new(attribute_ref("onOff")).with_value(json!(true)),
        types::AttributeState::new(attribute_ref("brightness")).with_value(json!(-5)),
    ];
    let results = client.write_attribute_values(&states).await.expect("results");
    check_mixed(&results);
    let (request_line, request) = sent(&server).await;
    assert_eq!(request_line, req("PUT", "/asset/attributes", None));
    assert_eq!(
        json_body(&request),
        json!([{"ref": {"id": LIGHT, "name": "onOff"}, "value": true},
               {"ref": {"id": LIGHT, "name": "brightness"}, "value": -5}])
    );
}

#[tokio::test]
async fn write_attribute_events_sends_the_event_type_and_timestamps() {
    let (server, client) = setup().await;
    answer(
        &server,
        "PUT",
        "/asset/attributes/timestamp",
        json_answer(mixed_results()),
    )
    .await;
    let events: Vec<types::AttributeEvent> = serde_json::from_value(json!([
        {"eventType": "attribute", "ref": {"id": LIGHT, "name": "onOff"}, "value": false, "timestamp": 1_700_000_000_000_i64},
        {"eventType": "attribute", "ref": {"id": LIGHT, "name": "brightness"}, "value": 55, "timestamp": 1_700_000_060_000_i64}
    ]))
    .expect("events");
    let results = client.write_attribute_events(&events).await.expect("results");
    check_mixed(&results);
    let (request_line, request) = sent(&server).await;
    assert_eq!(request_line, req("PUT", "/asset/attributes/timestamp", None));
    let body = json_body(&request);
    assert_eq!(body[0]["eventType"], json!("attribute"));
    assert_eq!(body[1]["timestamp"], json!(1_700_000_060_000_i64));
    assert_eq!(body[1]["value"], json!(55));
}

#[test]
fn attribute_events_from_the_server_decode_with_context() {
    let event: types::AttributeEvent = serde_json::from_value(json!({
        "eventType": "attribute", "ref": {"id": LIGHT, "name": "onOff"}, "value": true,
        "timestamp": 1_700_000_100_000_i64, "oldValue": false, "oldValueTimestamp": 1_700_000_000_000_i64,
        "realm": "building", "parentId": ROOM, "path": [LIGHT, ROOM], "assetName": "Kitchen light",
        "assetType": "LightAsset", "createdOn": 1_690_000_000_000_i64, "deleted": false,
        "meta": {"storeDataPoints": true}
    }))
    .expect("decodes");
    assert!(event.value_as::<bool>().expect("bool"));
    assert!(!event.old_value_as::<bool>().expect("bool"));
    assert_eq!(event.old_value_timestamp, Some(1_700_000_000_000));
    assert_eq!(event.created_on, Some(1_690_000_000_000));
}

// ---------------------------------------------------------------- history

fn datapoints_json() -> serde_json::Value {
    json!([
        {"x": 1_700_000_300_000_i64, "y": 21.5},
        {"x": 1_700_000_200_000_i64, "y": 21},
        {"x": 1_700_000_100_000_i64, "y": null},
        {"x": 1_700_000_000_000_i64}
    ])
}

fn check_datapoints(points: &[types::ValueDatapoint]) {
    assert_eq!(points.len(), 4);
    assert_eq!(points[0].x, 1_700_000_300_000);
    assert_eq!(points[0].y_as::<f64>().expect("number"), 21.5);
    assert_eq!(points[1].y_as::<f64>().expect("integer as f64"), 21.0);
    assert_eq!(points[2].y_as::<Option<f64>>().expect("null"), None);
    assert_eq!(points[3].y, None);
}

#[tokio::test]
async fn get_datapoints_lttb() {
    let (server, client) = setup().await;
    let at = format!("/asset/datapoint/{LIGHT}/temperature");
    answer(&server, "POST", &at, json_answer(datapoints_json())).await;
    let query = AssetDatapointQuery::AssetDatapointLttbQuery(
        types::AssetDatapointLttbQuery::new(types::AssetDatapointLttbQueryType::Lttb)
            .with_from_timestamp(1_700_000_000_000)
            .with_to_timestamp(1_700_086_400_000)
            .with_amount_of_points(100),
    );
    let points = client
        .get_datapoints(LIGHT, "temperature", &query)
        .await
        .expect("points");
    check_datapoints(&points);
    let (request_line, request) = sent(&server).await;
    assert_eq!(request_line, req("POST", &at, None));
    assert_eq!(
        json_body(&request),
        json!({"type": "lttb", "fromTimestamp": 1_700_000_000_000_i64, "toTimestamp": 1_700_086_400_000_i64, "amountOfPoints": 100})
    );
}

#[tokio::test]
async fn get_datapoints_all_and_interval() {
    for (query, expected) in [
        (
            json!({"type": "all", "fromTimestamp": 1_700_000_000_000_i64, "toTimestamp": 1_700_086_400_000_i64}),
            "all",
        ),
        (
            json!({"type": "interval", "fromTimestamp": 1_700_000_000_000_i64, "toTimestamp": 1_700_086_400_000_i64,
                   "interval": "1 hour", "gapFill": true, "formula": "AVG"}),
            "interval",
        ),
    ] {
        let (server, client) = setup().await;
        let at = format!("/asset/datapoint/{LIGHT}/temperature");
        answer(&server, "POST", &at, json_answer(datapoints_json())).await;
        let typed: AssetDatapointQuery = serde_json::from_value(query.clone()).expect("query");
        let points = client
            .get_datapoints(LIGHT, "temperature", &typed)
            .await
            .expect("points");
        check_datapoints(&points);
        let (_, request) = sent(&server).await;
        assert_eq!(json_body(&request), query);
        assert_eq!(json_body(&request)["type"], json!(expected));
    }
}

#[tokio::test]
async fn get_datapoint_period() {
    let (server, client) = setup().await;
    answer(
        &server,
        "GET",
        "/asset/datapoint/periods",
        json_answer(json!({"assetId": LIGHT, "attributeName": "temperature",
                           "oldestTimestamp": 1_690_000_000_000_i64, "latestTimestamp": 1_700_000_300_000_i64})),
    )
    .await;
    let period = client.get_datapoint_period(LIGHT, "temperature").await.expect("period");
    assert_eq!(period.oldest_timestamp, Some(1_690_000_000_000));
    assert_eq!(period.latest_timestamp, Some(1_700_000_300_000));
    assert_eq!(
        sent(&server).await.0,
        req(
            "GET",
            "/asset/datapoint/periods",
            Some(&format!("assetId={LIGHT}&attributeName=temperature"))
        )
    );
}

#[tokio::test]
async fn get_datapoint_export_gives_the_zip_bytes_and_media_type() {
    let (server, client) = setup().await;
    // A real (stored, uncompressed) ZIP header followed by arbitrary bytes: not text, not JSON.
    let zip: Vec<u8> = [
        b"PK\x03\x04\x14\x00\x00\x00".as_slice(),
        &[0, 159, 146, 150, 255, 0, 13, 10],
    ]
    .concat();
    answer(
        &server,
        "GET",
        "/asset/datapoint/export",
        ResponseTemplate::new(200).set_body_raw(zip.clone(), "application/zip"),
    )
    .await;
    let refs = serde_json::to_string(&[attribute_ref("temperature")]).expect("refs");
    let file = client
        .get_datapoint_export(&refs, 1_700_000_000_000, 1_700_086_400_000)
        .format(types::DatapointExportFormat::CsvCrosstab)
        .await
        .expect("export");
    assert_eq!(file.bytes, zip);
    assert_eq!(file.media_type(), "application/zip");
    let (_, request) = sent(&server).await;
    let pairs: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    assert_eq!(
        pairs,
        [
            (
                "attributeRefs".into(),
                format!(r#"[{{"id":"{LIGHT}","name":"temperature"}}]"#)
            ),
            ("fromTimestamp".into(), "1700000000000".into()),
            ("toTimestamp".into(), "1700086400000".into()),
            ("format".into(), "CSV_CROSSTAB".into()),
        ]
    );
}

#[tokio::test]
async fn get_predicted_datapoints_posts_a_query() {
    let (server, client) = setup().await;
    let at = format!("/asset/predicted/{LIGHT}/temperature");
    answer(&server, "POST", &at, json_answer(datapoints_json())).await;
    let query: AssetDatapointQuery =
        serde_json::from_value(json!({"type": "all", "fromTimestamp": 1_700_000_000_000_i64})).expect("query");
    let points = client
        .get_predicted_datapoints(LIGHT, "temperature", &query)
        .await
        .expect("points");
    check_datapoints(&points);
    let (request_line, request) = sent(&server).await;
    assert_eq!(request_line, req("POST", &at, None));
    assert_eq!(json_body(&request)["type"], json!("all"));
}

#[tokio::test]
async fn write_predicted_datapoints_puts_x_and_y() {
    let (server, client) = setup().await;
    let at = format!("/asset/predicted/{LIGHT}/temperature");
    answer(&server, "PUT", &at, no_content()).await;
    let points = vec![
        types::ValueDatapoint::new(1_700_003_600_000).with_y(json!(18.5)),
        types::ValueDatapoint::new(1_700_007_200_000).with_y(json!({"low": 17, "high": 20})),
    ];
    client
        .write_predicted_datapoints(LIGHT, "temperature", &points)
        .await
        .expect("stored");
    let (request_line, request) = sent(&server).await;
    assert_eq!(request_line, req("PUT", &at, None));
    assert_eq!(
        json_body(&request),
        json!([{"x": 1_700_003_600_000_i64, "y": 18.5}, {"x": 1_700_007_200_000_i64, "y": {"low": 17, "high": 20}}])
    );
}

// ---------------------------------------------------------------- alarms

fn alarm_json() -> serde_json::Value {
    json!({"id": 12, "realm": "building", "title": "Freezer too warm", "content": "Above -15 for ten minutes",
           "severity": "HIGH", "status": "OPEN", "source": "REALM_RULESET", "sourceId": "3",
           "createdOn": 1_700_000_000_000_i64, "lastModified": 1_700_000_060_000_i64,
           "assigneeId": "7d3f1c2a-9b8e-4f6d-a1b2-c3d4e5f60718", "assigneeUsername": "alex",
           "asset": [{"id": LIGHT, "name": "Kitchen light", "type": "LightAsset", "realm": "building"}]})
}

#[tokio::test]
async fn get_alarms_with_filters() {
    let (server, client) = setup().await;
    answer(&server, "GET", "/alarm", json_answer(json!([alarm_json()]))).await;
    let alarms = client
        .get_alarms()
        .realm("building")
        .status(AlarmStatus::Open)
        .asset_id(LIGHT)
        .await
        .expect("alarms");
    assert_eq!(alarms[0].severity, Some(AlarmSeverity::High));
    assert_eq!(alarms[0].created_on, Some(1_700_000_000_000));
    assert_eq!(alarms[0].acknowledged_on, None);
    assert_eq!(
        alarms[0].asset.as_ref().expect("assets")[0].r#type,
        AssetType::LightAsset
    );
    assert_eq!(
        sent(&server).await.0,
        req(
            "GET",
            "/alarm",
            Some(&format!("realm=building&status=OPEN&assetId={LIGHT}"))
        )
    );
}

#[tokio::test]
async fn create_alarm_posts_the_alarm_with_asset_ids() {
    let (server, client) = setup().await;
    answer(&server, "POST", "/alarm", json_answer(alarm_json())).await;
    let alarm = types::Alarm::new()
        .with_title("Freezer too warm")
        .with_severity(AlarmSeverity::High)
        .with_status(AlarmStatus::Open)
        .with_realm("building");
    let stored = client
        .create_alarm(&alarm)
        .asset_ids(vec![LIGHT.into()])
        .await
        .expect("created");
    assert_eq!(stored.id, Some(12));
    let (request_line, request) = sent(&server).await;
    assert_eq!(request_line, req("POST", "/alarm", Some(&format!("assetIds={LIGHT}"))));
    assert_eq!(
        json_body(&request),
        json!({"title": "Freezer too warm", "severity": "HIGH", "status": "OPEN", "realm": "building"})
    );
}

#[tokio::test]
async fn remove_alarms_sends_the_ids_in_the_body() {
    let (server, client) = setup().await;
    answer(&server, "DELETE", "/alarm", no_content()).await;
    client.remove_alarms(&vec![12, 13]).await.expect("removed");
    let (request_line, request) = sent(&server).await;
    assert_eq!(request_line, req("DELETE", "/alarm", None));
    assert_eq!(json_body(&request), json!([12, 13]));
}

#[tokio::test]
async fn get_alarm_by_numeric_id() {
    let (server, client) = setup().await;
    answer(&server, "GET", "/alarm/12", json_answer(alarm_json())).await;
    let alarm = client.get_alarm(12).await.expect("alarm");
    assert_eq!(alarm.title.as_deref(), Some("Freezer too warm"));
    assert_eq!(sent(&server).await.0, req("GET", "/alarm/12", None));
}

#[tokio::test]
async fn update_alarm_puts_the_alarm() {
    let (server, client) = setup().await;
    answer(&server, "PUT", "/alarm/12", no_content()).await;
    let mut alarm: types::SentAlarm = serde_json::from_value(alarm_json()).expect("alarm");
    alarm.status = Some(AlarmStatus::Acknowledged);
    alarm.asset = None;
    client.update_alarm(12, &alarm).await.expect("updated");
    let (request_line, request) = sent(&server).await;
    assert_eq!(request_line, req("PUT", "/alarm/12", None));
    assert_eq!(json_body(&request)["status"], json!("ACKNOWLEDGED"));
    assert_eq!(json_body(&request)["createdOn"], json!(1_700_000_000_000_i64));
}

#[tokio::test]
async fn remove_alarm() {
    let (server, client) = setup().await;
    answer(&server, "DELETE", "/alarm/12", no_content()).await;
    client.remove_alarm(12).await.expect("removed");
    assert_eq!(sent(&server).await.0, req("DELETE", "/alarm/12", None));
}

fn alarm_link_json() -> serde_json::Value {
    json!({"id": {"realm": "building", "alarmId": 12, "assetId": LIGHT}, "createdOn": 1_700_000_000_000_i64,
           "assetName": "Kitchen light", "parentAssetName": "Kitchen"})
}

#[tokio::test]
async fn get_asset_links_of_an_alarm() {
    let (server, client) = setup().await;
    answer(
        &server,
        "GET",
        "/alarm/12/assets",
        json_answer(json!([alarm_link_json()])),
    )
    .await;
    let links = client.get_asset_links(12).realm("building").await.expect("links");
    assert_eq!(links[0].id.as_ref().and_then(|id| id.alarm_id), Some(12));
    assert_eq!(links[0].asset_name.as_deref(), Some("Kitchen light"));
    assert_eq!(
        sent(&server).await.0,
        req("GET", "/alarm/12/assets", Some("realm=building"))
    );
}

#[tokio::test]
async fn set_asset_links_puts_the_links() {
    let (server, client) = setup().await;
    answer(&server, "PUT", "/alarm/assets", no_content()).await;
    let links: Vec<types::AlarmAssetLink> =
        serde_json::from_value(json!([{"id": alarm_link_json()["id"]}])).expect("links");
    client.set_asset_links(&links).await.expect("linked");
    let (request_line, request) = sent(&server).await;
    assert_eq!(request_line, req("PUT", "/alarm/assets", None));
    assert_eq!(
        json_body(&request),
        json!([{"id": {"realm": "building", "alarmId": 12, "assetId": LIGHT}}])
    );
}

// ---------------------------------------------------------------- realms, status, console

fn realm_json() -> serde_json::Value {
    json!({"id": "c0ffee00-0000-4000-8000-000000000001", "name": "building", "displayName": "Building",
           "enabled": true, "notBefore": 0, "duplicateEmailsAllowed": false, "rememberMe": true,
           "registrationAllowed": false, "registrationEmailAsUsername": false, "verifyEmail": false,
           "loginWithEmail": true, "resetPasswordAllowed": true, "loginTheme": "openremote",
           "accessTokenLifespan": 60, "passwordPolicy": ["length(8)"],
           "realmRoles": [{"name": "restricted_user", "description": "Restricted access to assets"}]})
}

#[tokio::test]
async fn get_all_realms() {
    let (server, client) = setup().await;
    answer(&server, "GET", "/realm", json_answer(json!([realm_json()]))).await;
    let realms = client.get_all_realms().await.expect("realms");
    assert_eq!(realms[0].access_token_lifespan, Some(60));
    assert_eq!(
        realms[0].realm_roles.as_ref().expect("roles")[0].name.as_deref(),
        Some("restricted_user")
    );
    assert_eq!(sent(&server).await.0, req("GET", "/realm", None));
}

#[tokio::test]
async fn get_accessible_realms() {
    let (server, client) = setup().await;
    answer(
        &server,
        "GET",
        "/realm/accessible",
        json_answer(json!([{"name": "building", "displayName": "Building"}])),
    )
    .await;
    let realms = client.get_accessible_realms().await.expect("realms");
    assert_eq!(realms[0].display_name.as_deref(), Some("Building"));
    assert_eq!(sent(&server).await.0, req("GET", "/realm/accessible", None));
}

#[tokio::test]
async fn get_realm_by_name() {
    let (server, client) = setup().await;
    answer(&server, "GET", "/realm/building", json_answer(realm_json())).await;
    let realm = client.get_realm("building").await.expect("realm");
    assert_eq!(realm.name.as_deref(), Some("building"));
    assert_eq!(realm.enabled, Some(true));
    assert_eq!(sent(&server).await.0, req("GET", "/realm/building", None));
}

#[tokio::test]
async fn get_health_status_needs_no_token() {
    let (server, client) = setup().await;
    answer(
        &server,
        "GET",
        "/health",
        json_answer(json!({"manager": {"status": "UP"}, "uptimeMillis": 123_456, "ok": true})),
    )
    .await;
    let health = client.get_health_status().await.expect("health");
    assert_eq!(health["manager"]["status"], json!("UP"));
    assert_eq!(health["uptimeMillis"], json!(123_456));
    assert_eq!(sent_as(&server, true).await.0, req("GET", "/health", None));
}

#[tokio::test]
async fn get_info_needs_no_token() {
    let (server, client) = setup().await;
    answer(
        &server,
        "GET",
        "/info",
        json_answer(json!({"version": "1.27.0", "authServerUrl": "https://manager.example.org/auth"})),
    )
    .await;
    let info = client.get_info().await.expect("info");
    assert_eq!(info["version"], json!("1.27.0"));
    assert_eq!(sent_as(&server, true).await.0, req("GET", "/info", None));
}

#[tokio::test]
async fn register_a_console() {
    let (server, client) = setup().await;
    let registration = json!({
        "name": "Pixel 8", "version": "14", "platform": "Android", "model": "GKWS6",
        "apps": ["manager"],
        "providers": {
            "push": {"version": "fcm", "requiresPermission": true, "hasPermission": true, "success": true,
                     "enabled": true, "disabled": false, "data": {"token": "fcm-token-123", "topics": ["alerts"]}},
            "geofence": {"version": "ORConsole", "requiresPermission": true, "hasPermission": false,
                         "success": true, "enabled": false, "disabled": false}
        }
    });
    let mut stored = registration.clone();
    stored["id"] = json!("6mQx1ZtR5yW8bN3cV7kL0p");
    answer(&server, "POST", "/console/register", json_answer(stored)).await;
    let body: types::ConsoleRegistration = serde_json::from_value(registration.clone()).expect("registration");
    let answer = client.register(&body).await.expect("registered");
    assert_eq!(answer.id.as_deref(), Some("6mQx1ZtR5yW8bN3cV7kL0p"));
    assert_eq!(
        answer.providers["push"].data.as_ref().expect("data")["token"],
        json!("fcm-token-123")
    );
    let (request_line, request) = sent(&server).await;
    assert_eq!(request_line, req("POST", "/console/register", None));
    assert_eq!(json_body(&request), registration);
}

// ---------------------------------------------------------------- the example

#[path = "../examples/openremote_assets.rs"]
#[allow(dead_code)]
mod example;

#[tokio::test]
async fn the_example_lists_assets_and_switches_the_first_switch() {
    let (server, _) = setup().await;
    let room = json!({"id": ROOM, "name": "Kitchen", "type": "RoomAsset", "realm": "building", "attributes": {}});
    answer(
        &server,
        "POST",
        "/asset/query",
        json_answer(json!([room, heat_pump_json(), light_json()])),
    )
    .await;
    answer(
        &server,
        "PUT",
        &format!("/asset/{LIGHT}/attribute/onOff"),
        json_answer(written("onOff")),
    )
    .await;
    let lines = example::run(
        &format!("{}/api/building", server.uri()),
        &token_url(&server),
        CLIENT_ID,
        CLIENT_SECRET,
        "building",
        "onOff",
    )
    .await
    .expect("example runs");
    assert_eq!(lines.len(), 4, "{lines:#?}");
    assert!(
        lines[0].contains("Kitchen") && lines[0].contains("RoomAsset") && lines[0].ends_with("onOff=-"),
        "{lines:#?}"
    );
    assert!(lines[1].contains("HeatPumpAsset"), "{lines:#?}");
    assert!(
        lines[2].contains("Kitchen light") && lines[2].ends_with("onOff=true"),
        "{lines:#?}"
    );
    assert_eq!(lines[3], "switched Kitchen light: onOff is now false");
    let requests: Vec<Request> = common::requests(&server)
        .await
        .into_iter()
        .filter(|r| r.url.path().starts_with("/api/"))
        .collect();
    assert_eq!(requests.len(), 2);
    assert_eq!(json_body(&requests[0])["select"], json!({"attributes": ["onOff"]}));
    assert_eq!(json_body(&requests[0])["realm"], json!({"name": "building"}));
    assert_eq!(json_body(&requests[1]), json!(false));
}
