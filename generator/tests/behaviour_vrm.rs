//! The generated VRM client (`generated/vrm`) against a loopback HTTP server
//! that answers as the real VRM API does (see `shared/reference/vrm.md`):
//! every operation, the `{"success": ...}` envelopes, a real-sized
//! installations answer, error bodies in all their shapes, both forms of the
//! `X-Authorization` header, hostile path parameters and secrets in `Debug`.

mod common;

use common::{header, json_body, line, only_request, requests};
use serde_json::json;
use std::time::Duration;
use vrm_client::types::{self, ErrorMessages, IntegerOrString};
use vrm_client::{Client, Error};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "Token 5f0c1e2d3b4a59687766554433221100ffeeddccbbaa99887766554433221100";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .api_key(TOKEN)
        .timeout(Duration::from_secs(5))
        .max_retries(0)
        .build()
        .expect("client")
}

async fn answer(server: &MockServer, verb: &str, at: &str, status: u16, body: serde_json::Value) {
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(server)
        .await;
}

fn installations_fixture() -> serde_json::Value {
    serde_json::from_str(include_str!("data/vrm_installations.json")).expect("fixture is JSON")
}

// ---------------------------------------------------------------- every operation

#[tokio::test]
async fn login_posts_the_credentials_without_a_token_and_decodes_the_jwt() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/auth/login",
        200,
        json!({"token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.e30.sig", "idUser": 9001,
               "verification_mode": "password", "verification_sent": false, "status": "ok", "unknown": [1]}),
    )
    .await;
    let body = types::LoginRequest {
        username: "jane@example.com".into(),
        password: "correct horse".into(),
        sms_token: None,
        remember_me: Some(true),
    };
    let login = client(&server).login(&body).await.expect("login");
    assert_eq!(
        login.token.as_deref(),
        Some("eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.e30.sig")
    );
    assert_eq!(login.id_user, 9001);
    assert_eq!(login.verification_mode, "password");
    assert!(!login.verification_sent);
    assert_eq!(login.status.as_deref(), Some("ok"));

    let request = only_request(&server).await;
    assert_eq!(line(&request), ("POST".into(), "/auth/login".into(), None));
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_eq!(header(&request, "x-authorization"), None, "login needs no token");
    assert_eq!(
        json_body(&request),
        json!({"username": "jane@example.com", "password": "correct horse", "remember_me": true})
    );
}

#[tokio::test]
async fn login_with_a_pending_second_factor_has_a_null_token() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/auth/login",
        200,
        json!({"token": null, "idUser": 9001, "verification_mode": "sms", "verification_sent": true}),
    )
    .await;
    let body = types::LoginRequest {
        username: "jane@example.com".into(),
        password: "pw".into(),
        sms_token: Some("123456".into()),
        remember_me: None,
    };
    let login = client(&server).login(&body).await.expect("login");
    assert_eq!(login.token, None);
    assert!(login.verification_sent);
    let request = only_request(&server).await;
    assert_eq!(
        json_body(&request),
        json!({"username": "jane@example.com", "password": "pw", "sms_token": "123456"})
    );
}

#[tokio::test]
async fn login_as_demo_is_a_get_without_a_token() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/auth/loginAsDemo",
        200,
        json!({"token": "demo.jwt.value"}),
    )
    .await;
    let demo = client(&server).login_as_demo().await.expect("demo login");
    assert_eq!(demo.token.as_deref(), Some("demo.jwt.value"));
    let request = only_request(&server).await;
    assert_eq!(line(&request), ("GET".into(), "/auth/loginAsDemo".into(), None));
    assert_eq!(header(&request, "x-authorization"), None);
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn logout_sends_the_token_and_decodes_the_empty_token() {
    let server = MockServer::start().await;
    answer(&server, "GET", "/auth/logout", 200, json!({"token": ""})).await;
    let out = client(&server).logout().await.expect("logout");
    assert_eq!(out.token.as_deref(), Some(""));
    let request = only_request(&server).await;
    assert_eq!(line(&request), ("GET".into(), "/auth/logout".into(), None));
    assert_eq!(header(&request, "x-authorization"), Some(TOKEN));
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn create_access_token_posts_name_and_expiry() {
    let server = MockServer::start().await;
    let secret = "a".repeat(64);
    answer(
        &server,
        "POST",
        "/users/9001/accesstokens/create",
        200,
        json!({"success": true, "token": secret, "idAccessToken": "50"}),
    )
    .await;
    let body = types::CreateAccessTokenRequest {
        name: "home-assistant".into(),
        expiry: Some(1_767_225_600),
    };
    let created = client(&server)
        .create_access_token("9001", &body)
        .await
        .expect("create");
    assert!(created.success);
    assert_eq!(created.token.as_deref(), Some(secret.as_str()));
    assert_eq!(created.id_access_token, IntegerOrString::String("50".into()));

    let request = only_request(&server).await;
    assert_eq!(
        line(&request),
        ("POST".into(), "/users/9001/accesstokens/create".into(), None)
    );
    assert_eq!(header(&request, "x-authorization"), Some(TOKEN));
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_eq!(
        json_body(&request),
        json!({"name": "home-assistant", "expiry": 1_767_225_600})
    );
}

#[tokio::test]
async fn create_access_token_accepts_a_numeric_id_and_omits_a_missing_expiry() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/users/me/accesstokens/create",
        200,
        json!({"success": true, "token": "b".repeat(64), "idAccessToken": 51}),
    )
    .await;
    let body = types::CreateAccessTokenRequest {
        name: "ci".into(),
        expiry: None,
    };
    let created = client(&server).create_access_token("me", &body).await.expect("create");
    assert_eq!(created.id_access_token, IntegerOrString::Integer(51));
    assert_eq!(json_body(&only_request(&server).await), json!({"name": "ci"}));
}

#[tokio::test]
async fn list_access_tokens_decodes_numbers_and_numeric_strings_alike() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/users/9001/accesstokens/list",
        200,
        json!({"success": true, "tokens": [
            // as documented: strings
            {"name": "portal", "idAccessToken": "50", "createdOn": "1508415114", "scope": "FULL_ACCESS", "expires": null},
            // as really sent by some versions: numbers, and undocumented extras
            {"name": "ci", "idAccessToken": 51, "createdOn": 1_717_000_000, "scope": "FULL_ACCESS",
             "expires": 1_767_225_600, "lastSeen": 1_718_000_000, "lastSuccessfulAuth": null, "origin": "api"}
        ]}),
    )
    .await;
    let list = client(&server).list_access_tokens("9001").await.expect("list");
    assert!(list.success);
    assert_eq!(list.tokens.len(), 2);
    assert_eq!(list.tokens[0].id_access_token, IntegerOrString::String("50".into()));
    assert_eq!(list.tokens[0].created_on, IntegerOrString::String("1508415114".into()));
    assert_eq!(list.tokens[0].expires, None);
    assert_eq!(list.tokens[1].id_access_token, IntegerOrString::Integer(51));
    assert_eq!(list.tokens[1].created_on, IntegerOrString::Integer(1_717_000_000));
    assert_eq!(list.tokens[1].expires, Some(json!(1_767_225_600)));
    assert_eq!(list.tokens[1].last_seen, Some(1_718_000_000));
    assert_eq!(list.tokens[1].last_successful_auth, None);

    let request = only_request(&server).await;
    assert_eq!(
        line(&request),
        ("GET".into(), "/users/9001/accesstokens/list".into(), None)
    );
    assert_eq!(header(&request, "x-authorization"), Some(TOKEN));
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn revoke_access_token_puts_both_ids_in_the_path() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/users/9001/accesstokens/50/revoke",
        200,
        json!({"success": true, "data": {"removed": 1}}),
    )
    .await;
    let revoked = client(&server).revoke_access_token("9001", "50").await.expect("revoke");
    assert!(revoked.success);
    assert_eq!(revoked.data.removed, 1);
    let request = only_request(&server).await;
    assert_eq!(
        line(&request),
        ("GET".into(), "/users/9001/accesstokens/50/revoke".into(), None)
    );
    assert_eq!(header(&request, "x-authorization"), Some(TOKEN));
}

#[tokio::test]
async fn revoke_all_tokens_sends_the_star_encoded() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/users/9001/accesstokens/%2A/revoke",
        200,
        json!({"success": true, "data": {"removed": 3}}),
    )
    .await;
    let revoked = client(&server)
        .revoke_access_token("9001", "*")
        .await
        .expect("revoke all");
    assert_eq!(revoked.data.removed, 3);
}

#[tokio::test]
async fn add_site_posts_the_identifier_and_decodes_a_numeric_site_id() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/users/9001/addsite",
        200,
        json!({"success": true, "records": {"site_id": 400777}}),
    )
    .await;
    let body = types::AddSiteRequest {
        installation_identifier: "d41243cd7c66".into(),
    };
    let added = client(&server).add_site("9001", &body).await.expect("add site");
    assert!(added.success);
    assert_eq!(added.records.site_id, Some(IntegerOrString::Integer(400_777)));
    let request = only_request(&server).await;
    assert_eq!(line(&request), ("POST".into(), "/users/9001/addsite".into(), None));
    assert_eq!(header(&request, "x-authorization"), Some(TOKEN));
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_eq!(json_body(&request), json!({"installation_identifier": "d41243cd7c66"}));
}

#[tokio::test]
async fn get_site_id_posts_the_identifier_and_decodes_a_string_site_id() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/users/9001/get-site-id",
        200,
        json!({"success": true, "records": {"site_id": "400101"}}),
    )
    .await;
    let body = types::GetSiteIdRequest {
        installation_identifier: "b827ebd0a1c3".into(),
    };
    let found = client(&server).get_site_id("9001", &body).await.expect("get site id");
    assert_eq!(found.records.site_id, Some(IntegerOrString::String("400101".into())));
    let request = only_request(&server).await;
    assert_eq!(line(&request), ("POST".into(), "/users/9001/get-site-id".into(), None));
    assert_eq!(header(&request, "x-authorization"), Some(TOKEN));
    assert_eq!(json_body(&request), json!({"installation_identifier": "b827ebd0a1c3"}));
}

#[tokio::test]
async fn get_me_decodes_the_user_with_undocumented_fields() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/users/me",
        200,
        json!({"success": true, "user": {"id": 22, "name": "demo demo", "email": "demo@example.com",
               "country": "The Netherlands", "idAccessToken": null, "accessLevel": 0, "avatar": null}}),
    )
    .await;
    let me = client(&server).get_me().await.expect("me");
    assert_eq!(me.success, Some(true));
    let user = me.user.expect("user");
    assert_eq!(user.id, Some(22));
    assert_eq!(user.name.as_deref(), Some("demo demo"));
    assert_eq!(user.country.as_deref(), Some("The Netherlands"));
    assert_eq!(user.access_level, Some(0));
    let request = only_request(&server).await;
    assert_eq!(line(&request), ("GET".into(), "/users/me".into(), None));
    assert_eq!(header(&request, "x-authorization"), Some(TOKEN));
}

// ---------------------------------------------------------------- installations as really sent

#[tokio::test]
async fn list_installations_decodes_a_real_sized_extended_answer() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/users/9001/installations",
        200,
        installations_fixture(),
    )
    .await;
    let list = client(&server)
        .list_installations("9001")
        .extended(1)
        .await
        .expect("installations");

    let request = only_request(&server).await;
    assert_eq!(
        line(&request),
        (
            "GET".into(),
            "/users/9001/installations".into(),
            Some("extended=1".into())
        )
    );
    assert_eq!(header(&request, "x-authorization"), Some(TOKEN));
    assert!(request.body.is_empty());

    assert!(list.success);
    assert_eq!(list.records.len(), 5);
    let names: Vec<&str> = list.records.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Farmhouse Nijmegen",
            "Boat \"Zeemeeuw\"",
            "Cabin – Østfold",
            "Workshop",
            "Test bench ü"
        ]
    );
    let first = &list.records[0];
    assert_eq!(first.id_site, 400_100);
    assert_eq!(first.identifier, "c0619ab2f4e1");
    // `images: false` when a site has none
    assert_eq!(first.images, Some(json!(false)));
    // `vnc` is missing from real answers; extra permissions are ignored
    let permissions = first.view_permissions.as_ref().expect("permissions");
    assert_eq!(permissions.vnc, None);
    assert_eq!(permissions.dess_config, Some(true));
    // extended items: number, numeric string and null raw values, int instance
    let extended = first.extended.as_ref().expect("extended");
    assert_eq!(extended[0].raw_value, Some(json!(87.5)));
    assert_eq!(extended[0].instance, Some(IntegerOrString::Integer(512)));
    assert_eq!(extended[0].timestamp, Some(json!(1_718_000_000)));
    assert_eq!(extended[0].data_type, Some(types::ExtendedAttributeDataType::Float));
    assert_eq!(extended[1].raw_value, Some(json!("1")));
    assert_eq!(extended[1].data_attribute_enum_values.as_ref().map(Vec::len), Some(3));
    assert_eq!(extended[2].raw_value, None, "rawValue null");
    assert_eq!(extended[2].timestamp, None, "timestamp null");
    assert_eq!(extended[2].dbus_path, None);
    let summary = &extended[3];
    assert_eq!(summary.id_data_attribute, None);
    assert_eq!(
        summary.consists_of_attribute_codes.as_deref(),
        Some(&["Pdc".to_owned(), "PVP".to_owned()][..])
    );
    assert_eq!(
        summary.data_attributes.as_ref().expect("sources")[0].instance,
        Some(IntegerOrString::Integer(258))
    );
    assert_eq!(first.currency.as_ref().and_then(|c| c.sign.as_deref()), Some("€"));
    assert_eq!(first.last_location_timestamp, Some(json!(false)));

    // a phone number sent as a number, and as a string
    assert_eq!(list.records[1].phonenumber, json!(31_612_345_678_u64));
    assert_eq!(list.records[1].last_location_timestamp, Some(json!(1_717_990_000)));
    assert_eq!(list.records[3].phonenumber, json!("+1 416 555 0100"));
    // a site with images, `vnc` present, alarms as objects
    let cabin = &list.records[2];
    assert_eq!(
        cabin.images.as_ref().and_then(|i| i[0]["imageName"].as_str()),
        Some("roof.jpg")
    );
    assert_eq!(cabin.view_permissions.as_ref().and_then(|p| p.vnc), Some(true));
    assert_eq!(
        cabin.current_alarms.as_ref().and_then(|a| a[0]["code"].as_str()),
        Some("lowbat")
    );
    assert_eq!(cabin.paygo_total_amount, Some(12.75));
    assert!(!cabin.owner);
    // unknown enum values are kept, not refused
    let workshop = &list.records[3];
    let tags = workshop.tags.as_ref().expect("tags");
    assert_eq!(tags[0].source, Some(types::InstallationTagSource::Predefined));
    assert_eq!(
        tags[2].source,
        Some(types::InstallationTagSource::Unknown("installer_group".into()))
    );
    let last = workshop.extended.as_ref().expect("extended").last().expect("item");
    assert_eq!(
        last.data_type,
        Some(types::ExtendedAttributeDataType::Unknown("bool".into()))
    );
    assert_eq!(last.raw_value, Some(json!("n/a")));
    assert_eq!(list.records[4].timezone_offset, Some(19_800));
}

#[tokio::test]
async fn list_installations_sends_id_site_and_plain_answers_decode() {
    let server = MockServer::start().await;
    // without `extended`, only the required fields come
    let mut record = installations_fixture()["records"][0].clone();
    let keep = [
        "idSite",
        "accessLevel",
        "owner",
        "is_admin",
        "name",
        "identifier",
        "idUser",
        "pvMax",
        "timezone",
        "phonenumber",
        "notes",
        "geofence",
        "geofenceEnabled",
        "realtimeUpdates",
        "hasMains",
        "hasGenerator",
        "noDataAlarmTimeout",
        "alarmMonitoring",
        "invalidVRMAuthTokenUsedInLogRequest",
        "syscreated",
        "shared",
        "device_icon",
    ];
    record
        .as_object_mut()
        .expect("object")
        .retain(|key, _| keep.contains(&key.as_str()));
    answer(
        &server,
        "GET",
        "/users/9001/installations",
        200,
        json!({"success": true, "records": [record]}),
    )
    .await;
    let list = client(&server)
        .list_installations("9001")
        .id_site(400_100)
        .await
        .expect("installations");
    assert_eq!(list.records.len(), 1);
    assert_eq!(list.records[0].extended, None);
    assert_eq!(list.records[0].images, None);
    let request = only_request(&server).await;
    assert_eq!(
        line(&request),
        (
            "GET".into(),
            "/users/9001/installations".into(),
            Some("idSite=400100".into())
        )
    );
}

#[tokio::test]
async fn both_query_parameters_go_out_together() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/users/9001/installations",
        200,
        json!({"success": true, "records": []}),
    )
    .await;
    let list = client(&server)
        .list_installations("9001")
        .extended(1)
        .id_site(7)
        .await
        .expect("installations");
    assert!(list.records.is_empty());
    let request = only_request(&server).await;
    assert_eq!(request.url.query(), Some("extended=1&idSite=7"));
}

// ---------------------------------------------------------------- error bodies

async fn error_for(status: u16, body: serde_json::Value) -> Box<vrm_client::ApiError<types::ErrorResponse>> {
    let server = MockServer::start().await;
    answer(&server, "GET", "/users/me", status, body).await;
    match client(&server).get_me().await {
        Err(Error::Api(error)) => error,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn error_whose_errors_is_a_string() {
    let error = error_for(
        401,
        json!({"success": false, "errors": "Token is invalid", "error_code": "invalid_token"}),
    )
    .await;
    assert_eq!(error.status.as_u16(), 401);
    let parsed = error.parsed.as_ref().expect("parsed");
    assert!(!parsed.success);
    assert_eq!(parsed.errors, Some(ErrorMessages::String("Token is invalid".into())));
    assert_eq!(parsed.error_code.as_deref(), Some("invalid_token"));
    assert!(error.body_text().contains("Token is invalid"));
}

#[tokio::test]
async fn error_whose_errors_is_a_map() {
    let error = error_for(
        400,
        json!({"success": false, "errors": {"name": "A token with this name already exists"},
               "error_code": "validation_error"}),
    )
    .await;
    let parsed = error.parsed.as_ref().expect("parsed");
    match &parsed.errors {
        Some(ErrorMessages::Map(map)) => assert_eq!(map["name"], "A token with this name already exists"),
        other => panic!("expected a map, got {other:?}"),
    }
}

#[tokio::test]
async fn error_whose_errors_is_a_list_without_error_code() {
    let error = error_for(
        404,
        json!({"success": false, "errors": ["No settings found for this site"]}),
    )
    .await;
    let parsed = error.parsed.as_ref().expect("parsed");
    assert_eq!(
        parsed.errors,
        Some(ErrorMessages::Array(vec!["No settings found for this site".into()]))
    );
    assert_eq!(parsed.error_code, None);
}

#[tokio::test]
async fn error_with_a_localised_message_and_a_null_code() {
    let error = error_for(
        400,
        json!({"success": false, "errors": "ResetType em falta", "error_code": null}),
    )
    .await;
    let parsed = error.parsed.as_ref().expect("parsed");
    assert_eq!(parsed.errors, Some(ErrorMessages::String("ResetType em falta".into())));
    assert_eq!(parsed.error_code, None);
}

#[tokio::test]
async fn error_under_the_key_error() {
    let error = error_for(
        400,
        json!({"success": false, "error_code": "empty_search", "error": ["query is empty"]}),
    )
    .await;
    let parsed = error.parsed.as_ref().expect("parsed");
    assert_eq!(parsed.errors, None);
    assert_eq!(parsed.error, Some(json!(["query is empty"])));
    assert_eq!(parsed.error_code.as_deref(), Some("empty_search"));
}

#[tokio::test]
async fn error_body_that_is_not_the_schema_is_kept_raw() {
    let error = error_for(403, json!({"message": "forbidden"})).await;
    assert_eq!(error.status.as_u16(), 403);
    assert!(error.parsed.is_none());
    assert_eq!(error.body, br#"{"message":"forbidden"}"#);
}

#[tokio::test]
async fn success_false_on_a_200_is_visible_to_the_caller() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/users/me",
        200,
        json!({"success": false, "errors": "Session expired"}),
    )
    .await;
    let me = client(&server)
        .get_me()
        .await
        .expect("decodes: every field of MeResponse is optional");
    assert_eq!(me.success, Some(false));
    assert!(me.user.is_none());
}

// ---------------------------------------------------------------- auth

#[tokio::test]
async fn token_goes_out_in_x_authorization_in_both_forms() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/users/me",
        200,
        json!({"success": true, "user": {"id": 1}}),
    )
    .await;
    let client = client(&server);
    client.get_me().await.expect("with Token");
    client.set_api_key("Bearer eyJhbGciOiJIUzI1NiJ9.eyJ1aWQiOjF9.c2ln");
    client.get_me().await.expect("with Bearer");
    let sent: Vec<_> = requests(&server)
        .await
        .iter()
        .map(|r| {
            (
                header(r, "x-authorization").map(str::to_owned),
                header(r, "authorization").map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(
        sent,
        [
            (Some(TOKEN.to_owned()), None),
            (Some("Bearer eyJhbGciOiJIUzI1NiJ9.eyJ1aWQiOjF9.c2ln".to_owned()), None)
        ]
    );
}

#[tokio::test]
async fn login_returns_a_token_that_the_same_client_then_uses() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/auth/login",
        200,
        json!({"token": "jwt-from-login", "idUser": 9001, "verification_mode": "password", "verification_sent": false}),
    )
    .await;
    answer(
        &server,
        "GET",
        "/users/9001/installations",
        200,
        installations_fixture(),
    )
    .await;
    let client = Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client without credentials");
    let body = types::LoginRequest {
        username: "jane@example.com".into(),
        password: "pw".into(),
        sms_token: None,
        remember_me: None,
    };
    let login = client.login(&body).await.expect("login");
    client.set_api_key(format!("Bearer {}", login.token.expect("token")));
    let list = client
        .list_installations(login.id_user.to_string())
        .await
        .expect("installations");
    assert_eq!(list.records.len(), 5);
    let all = requests(&server).await;
    assert_eq!(all.len(), 2);
    assert_eq!(header(&all[0], "x-authorization"), None);
    assert_eq!(header(&all[1], "x-authorization"), Some("Bearer jwt-from-login"));
}

#[tokio::test]
async fn a_client_without_a_token_sends_none() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/users/me",
        401,
        json!({"success": false, "errors": "Not logged in", "error_code": null}),
    )
    .await;
    let client = Client::builder()
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .expect("client");
    let error = client.get_me().await.expect_err("401");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(header(&only_request(&server).await, "x-authorization"), None);
}

// ---------------------------------------------------------------- hostile input

#[tokio::test]
async fn hostile_path_parameters_stay_inside_one_segment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"success": true, "tokens": []})))
        .mount(&server)
        .await;
    let client = client(&server);
    let cases = [
        ("a/b", "/users/a%2Fb/accesstokens/list"),
        ("../admin", "/users/..%2Fadmin/accesstokens/list"),
        ("x?admin=1", "/users/x%3Fadmin%3D1/accesstokens/list"),
        ("x#frag", "/users/x%23frag/accesstokens/list"),
        ("100%", "/users/100%25/accesstokens/list"),
        ("%2F", "/users/%252F/accesstokens/list"),
        ("jane doe", "/users/jane%20doe/accesstokens/list"),
        (
            "jürgen-ø-日本",
            "/users/j%C3%BCrgen-%C3%B8-%E6%97%A5%E6%9C%AC/accesstokens/list",
        ),
        ("a\r\nb", "/users/a%0D%0Ab/accesstokens/list"),
    ];
    for (id, _) in &cases {
        client
            .list_access_tokens(*id)
            .await
            .unwrap_or_else(|e| panic!("{id:?}: {e}"));
    }
    let paths: Vec<String> = requests(&server)
        .await
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    let expected: Vec<String> = cases.iter().map(|(_, p)| (*p).to_owned()).collect();
    assert_eq!(paths, expected);
    for request in requests(&server).await {
        assert_eq!(request.url.query(), None, "nothing leaked into the query");
        assert_eq!(request.url.fragment(), None);
    }
}

#[tokio::test]
async fn dot_segments_are_refused_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server);
    for id in ["..", ".", ""] {
        match client.list_access_tokens(id).await {
            Err(Error::InvalidRequest(message)) => assert!(message.contains("idUser"), "{message}"),
            other => panic!("{id:?}: expected InvalidRequest, got {other:?}"),
        }
    }
    // both segments of a two-parameter path are checked
    assert!(matches!(
        client.revoke_access_token("9001", "..").await,
        Err(Error::InvalidRequest(_))
    ));
    assert!(requests(&server).await.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_token_with_a_newline_is_refused_and_not_sent() {
    let server = MockServer::start().await;
    let client = client(&server);
    for bad in [
        "Token abc\r\nX-Injected: yes",
        "Token abc\nX-Injected: yes",
        "Token abc\0",
    ] {
        client.set_api_key(bad);
        match client.get_me().await {
            Err(Error::InvalidRequest(message)) => {
                assert!(
                    !message.contains("abc"),
                    "the message does not echo the credential: {message}"
                )
            }
            other => panic!("expected InvalidRequest, got {other:?}"),
        }
    }
    let built = Client::builder()
        .base_url(server.uri())
        .api_key("Bearer x\r\ny")
        .build()
        .expect("built");
    assert!(matches!(built.logout().await, Err(Error::InvalidRequest(_))));
    assert!(requests(&server).await.is_empty(), "nothing was sent");
}

// ---------------------------------------------------------------- secrets in Debug

#[tokio::test]
async fn secrets_appear_in_no_debug_output() {
    let server = MockServer::start().await;
    let secret_token = "Token 0123456789abcdef-SECRET";
    let builder = Client::builder().base_url(server.uri()).api_key(secret_token);
    let builder_debug = format!("{builder:?}");
    assert!(!builder_debug.contains("SECRET"), "{builder_debug}");
    let client = builder.build().expect("client");
    let client_debug = format!("{client:?}");
    assert!(!client_debug.contains("SECRET"), "{client_debug}");
    assert!(
        client_debug.to_ascii_lowercase().contains("x-authorization"),
        "the Debug is still useful: {client_debug}"
    );
    client.set_api_key("Bearer jwt-SECRET-after-login");
    assert!(!format!("{client:?}").contains("SECRET"));

    let login = types::LoginRequest {
        username: "jane@example.com".into(),
        password: "hunter2-SECRET".into(),
        sms_token: Some("654321".into()),
        remember_me: None,
    };
    let debug = format!("{login:?}");
    assert!(!debug.contains("SECRET") && !debug.contains("654321"), "{debug}");
    assert!(debug.contains("jane@example.com"));

    // answers carrying tokens
    let answer_debug = format!(
        "{:?} {:?} {:?}",
        types::LoginResponse {
            token: Some("jwt-SECRET".into()),
            id_user: 1,
            verification_mode: "password".into(),
            verification_sent: false,
            status: None,
            // a member a newer server might add: kept, and hidden from Debug too
            unknown_fields: serde_json::from_value(json!({"refreshToken": "refresh-SECRET"})).unwrap(),
        },
        types::DemoLoginResponse {
            token: Some("demo-SECRET".into()),
            unknown_fields: Default::default(),
        },
        types::CreatedAccessToken {
            success: true,
            token: Some("pat-SECRET".into()),
            id_access_token: IntegerOrString::Integer(5),
            unknown_fields: Default::default(),
        },
    );
    assert!(!answer_debug.contains("SECRET"), "{answer_debug}");

    // an error whose body carries a token: the bytes are kept, Debug and Display hide it
    Mock::given(method("POST"))
        .and(path("/auth/login"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"token": "jwt-SECRET", "idUser": "not a number"})),
        )
        .mount(&server)
        .await;
    let error = client.login(&login).await.expect_err("does not decode");
    let Error::Decode(decode) = &error else {
        panic!("expected Decode, got {error:?}")
    };
    assert!(decode.body_text().contains("jwt-SECRET"), "the raw body is kept");
    for shown in [format!("{error:?}"), format!("{error}"), format!("{decode:?}")] {
        assert!(!shown.contains("SECRET"), "{shown}");
    }
    // the request itself did not leak the token either
    let request = only_request(&server).await;
    let request_debug = format!("{:?}", request.headers.get("x-authorization"));
    assert!(
        request_debug.contains("Sensitive") || !request_debug.contains("SECRET"),
        "{request_debug}"
    );
}

// ---------------------------------------------------------------- the example

#[path = "../examples/vrm_installations.rs"]
#[allow(dead_code)]
mod example;

#[tokio::test]
async fn the_example_lists_installations_then_the_battery_and_todays_solar_yield_of_a_site() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/login"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token": "jwt-example", "idUser": 9001, "verification_mode": "password", "verification_sent": false
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/users/9001/installations"))
        .and(wiremock::matchers::header("X-Authorization", "Bearer jwt-example"))
        .respond_with(ResponseTemplate::new(200).set_body_json(installations_fixture()))
        .expect(1)
        .mount(&server)
        .await;
    // The live feed: a `bs` series whose newest point has no value yet.
    Mock::given(method("GET"))
        .and(path("/installations/400100/stats"))
        .and(wiremock::matchers::query_param("type", "live_feed"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "success": true,
            "records": {"bs": [[1776512315000_i64, 86.9, 86.5, 87.2], [1776513215000_i64, 87.5, 87.1, 87.9],
                               [1776514115000_i64, null, null, null]]},
            "totals": {"bs": 87.2}
        })))
        .expect(1)
        .mount(&server)
        .await;
    // The day's energy: solar to battery, consumers and grid (this one as a string),
    // and a grid code with no data.
    Mock::given(method("GET"))
        .and(path("/installations/400100/stats"))
        .and(wiremock::matchers::query_param("type", "kwh"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "success": true,
            "records": {"Pb": [[1776470400000_i64, 4.5]], "Pc": [[1776470400000_i64, 6.25]],
                        "Pg": [[1776470400000_i64, 1.5]], "Gc": false},
            "totals": {"Pb": 4.5, "Pc": 6.25, "Pg": "1.5", "Gc": false}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let lines = example::run(&server.uri(), "jane@example.com", "pw", None)
        .await
        .expect("example runs");
    assert_eq!(lines.len(), 6, "five sites and the summary: {lines:#?}");
    assert!(lines[0].starts_with("400100"), "{lines:#?}");
    assert!(lines[0].contains("Farmhouse Nijmegen"), "{lines:#?}");
    assert_eq!(
        lines[5], "site 400100: battery 87.5 % now, solar yield today 12.25 kWh",
        "{lines:#?}"
    );
    let all = requests(&server).await;
    assert_eq!(
        json_body(&all[0]),
        json!({"username": "jane@example.com", "password": "pw"})
    );
    let live = all[2].url.query().expect("a query");
    assert!(
        live.contains("attributeCodes[]=bs") && live.contains("interval=15mins"),
        "{live}"
    );
    // Today starts at midnight at the site (UTC+2 for this one).
    let day = all[3].url.query_pairs().find(|(k, _)| k == "start").expect("start").1;
    let start: i64 = day.parse().expect("a number");
    assert_eq!((start + 7200) % 86_400, 0, "midnight at the site: {start}");
}

#[tokio::test]
async fn the_example_picks_the_site_it_is_given() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/auth/login",
        200,
        json!({"token": "jwt", "idUser": 9001, "verification_mode": "password", "verification_sent": false}),
    )
    .await;
    answer(
        &server,
        "GET",
        "/users/9001/installations",
        200,
        installations_fixture(),
    )
    .await;
    let second = installations_fixture()["records"][1]["idSite"].as_i64().expect("an id");
    // No data at all: the PHP server sends empty lists for the maps.
    answer(
        &server,
        "GET",
        &format!("/installations/{second}/stats"),
        200,
        json!({"success": true, "records": [], "totals": []}),
    )
    .await;
    let lines = example::run(&server.uri(), "jane@example.com", "pw", Some(second))
        .await
        .expect("example runs");
    assert_eq!(
        lines.last().map(String::as_str),
        Some(format!("site {second}: battery unknown now, solar yield today unknown").as_str())
    );
}

#[tokio::test]
async fn the_example_reports_a_refused_login() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/auth/login",
        401,
        json!({"success": false, "errors": "Incorrect username or password", "error_code": "invalid_credentials"}),
    )
    .await;
    let error = example::run(&server.uri(), "jane@example.com", "wrong", None)
        .await
        .expect_err("refused");
    assert!(error.to_string().contains("401"), "{error}");
    assert_eq!(
        requests(&server).await.len(),
        1,
        "no further calls after a refused login"
    );
}
