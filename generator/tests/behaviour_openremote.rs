//! The generated OpenRemote client (`generated/openremote`) against a
//! loopback Manager and a loopback Keycloak token endpoint that answer as the
//! real ones do (see `shared/reference/openremote.md`): every operation, 204s,
//! the bare-text secret, epoch-ms `createdOn`, the key `ID`, `text/plain`
//! errors, unknown fields and enum values, and the client-credentials flow
//! (one token for many calls, renewal before expiry, a retry after a 401,
//! one shared refresh, failing token endpoints).

mod common;

use common::{TOKEN_PATH, header, json_body, line, token_url};
use openremote_client::types::{self, StringMatch, StringPredicate, StringPredicatePredicateType};
use openremote_client::{Client, Error};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const CLIENT_ID: &str = "svc-reporting";
const CLIENT_SECRET: &str = "Zx9-client-SECRET-value";
const ERROR_TEXT: &str = "Request failed with HTTP error status: 403 Forbidden";

/// A Keycloak-like token endpoint: `token-1`, `token-2`, ... with the given lifetime.
#[derive(Clone)]
struct TokenEndpoint {
    fetches: Arc<AtomicUsize>,
    expires_in: serde_json::Value,
    delay: Duration,
}

impl TokenEndpoint {
    fn new(expires_in: u64) -> Self {
        TokenEndpoint {
            fetches: Arc::default(),
            expires_in: json!(expires_in),
            delay: Duration::ZERO,
        }
    }

    fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }

    async fn mount(&self, server: &MockServer) {
        common::serve_tokens(server, self.clone()).await;
    }
}

impl Respond for TokenEndpoint {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200)
            .set_body_json(json!({
                "access_token": format!("token-{n}"),
                "expires_in": self.expires_in,
                "refresh_expires_in": 0,
                "token_type": "Bearer",
                "not-before-policy": 0,
                "scope": "profile email"
            }))
            .set_delay(self.delay)
    }
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(format!("{}/api/master", server.uri()))
        .client_credentials(token_url(server), CLIENT_ID, CLIENT_SECRET)
        .timeout(Duration::from_secs(5))
        .max_retries(0)
        .build()
        .expect("client")
}

/// A server with a token endpoint (60 s tokens, as OpenRemote gives) and a client for it.
async fn setup() -> (MockServer, Client, TokenEndpoint) {
    let server = MockServer::start().await;
    let tokens = TokenEndpoint::new(60);
    tokens.mount(&server).await;
    let client = client(&server);
    (server, client, tokens)
}

async fn answer(server: &MockServer, verb: &str, at: &str, response: ResponseTemplate) {
    Mock::given(method(verb))
        .and(path(format!("/api/master{at}")))
        .respond_with(response)
        .mount(server)
        .await;
}

fn json_answer(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// Requests that reached the API (not the token endpoint).
async fn api_requests(server: &MockServer) -> Vec<Request> {
    common::requests(server)
        .await
        .into_iter()
        .filter(|r| r.url.path().starts_with("/api/"))
        .collect()
}

async fn only_api_request(server: &MockServer) -> Request {
    let mut all = api_requests(server).await;
    assert_eq!(all.len(), 1, "{all:#?}");
    all.remove(0)
}

/// Method, path and query, plus the checks every API request must pass.
async fn sent(server: &MockServer) -> ((String, String, Option<String>), Request) {
    let request = only_api_request(server).await;
    assert_eq!(header(&request, "authorization"), Some("Bearer token-1"));
    (line(&request), request)
}

fn get(p: &str) -> (String, String, Option<String>) {
    ("GET".into(), format!("/api/master{p}"), None)
}

fn put(p: &str) -> (String, String, Option<String>) {
    ("PUT".into(), format!("/api/master{p}"), None)
}

fn user_json() -> serde_json::Value {
    json!({"realm": "building", "realmId": "c0ffee00-0000-4000-8000-000000000001",
           "id": "7d3f1c2a-9b8e-4f6d-a1b2-c3d4e5f60718", "username": "alex", "firstName": "Alex",
           "lastName": "Morgan", "email": "alex@example.com", "enabled": true, "createdOn": 1_700_000_000_123_i64,
           "attributes": {"locale": ["en"], "emailNotificationsDisabled": ["true"]}, "serviceAccount": false,
           "unknownNewField": {"x": 1}})
}

fn roles() -> Vec<types::Role> {
    vec![
        types::Role::new()
            .with_id("r-1")
            .with_name("read:assets")
            .with_composite(false),
        types::Role::new()
            .with_name("operator")
            .with_description("Operators")
            .with_composite(true)
            .with_composite_role_ids(vec!["r-1".into()]),
    ]
}

fn no_content() -> ResponseTemplate {
    ResponseTemplate::new(204)
}

// ---------------------------------------------------------------- every operation

#[tokio::test]
async fn get_client_roles() {
    let (server, client, _) = setup().await;
    answer(
        &server,
        "GET",
        "/user/building/openremote/roles",
        json_answer(json!([
            {"id": "r-1", "name": "read:assets", "description": "Read assets", "composite": false, "assigned": true},
            {"id": "r-2", "name": "operator", "composite": true, "compositeRoleIds": ["r-1"], "clientRole": true}
        ])),
    )
    .await;
    let roles = client.get_client_roles("building", "openremote").await.expect("roles");
    assert_eq!(roles.len(), 2);
    assert_eq!(roles[0].assigned, Some(true));
    assert_eq!(roles[1].composite_role_ids, Some(vec!["r-1".to_owned()]));
    let (line, request) = sent(&server).await;
    assert_eq!(line, get("/user/building/openremote/roles"));
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn update_roles_puts_the_list_and_accepts_204() {
    let (server, client, _) = setup().await;
    answer(&server, "PUT", "/user/building/roles", no_content()).await;
    client.update_roles("building", &roles()).await.expect("204");
    let (line, request) = sent(&server).await;
    assert_eq!(line, put("/user/building/roles"));
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_eq!(
        json_body(&request),
        json!([{"id": "r-1", "name": "read:assets", "composite": false},
               {"name": "operator", "description": "Operators", "composite": true, "compositeRoleIds": ["r-1"]}])
    );
}

#[tokio::test]
async fn update_client_roles_puts_the_list_and_accepts_204() {
    let (server, client, _) = setup().await;
    answer(&server, "PUT", "/user/building/openremote/roles", no_content()).await;
    client
        .update_client_roles("building", "openremote", &roles())
        .await
        .expect("204");
    let (line, request) = sent(&server).await;
    assert_eq!(line, put("/user/building/openremote/roles"));
    assert_eq!(json_body(&request).as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn query_users_posts_the_query_with_predicate_type_and_decodes_users() {
    let (server, client, _) = setup().await;
    answer(
        &server,
        "POST",
        "/user/query",
        json_answer(json!([user_json(), {"serviceAccount": true, "username": "bot", "secret": "s3cr3t"}])),
    )
    .await;
    let query = types::UserQuery::new()
        .with_realm_predicate(types::RealmPredicate::new().with_name("building"))
        .with_select(types::UserQuerySelect::new().with_basic(true))
        .with_usernames(vec![
            StringPredicate::new(StringPredicatePredicateType::String)
                .with_match(StringMatch::Contains)
                .with_case_sensitive(false)
                .with_value("alex"),
        ])
        .with_service_users(false)
        .with_limit(100)
        .with_offset(0)
        .with_order_by(
            types::UserQueryOrderBy::new()
                .with_property(types::UserQueryOrderByProperty::Username)
                .with_descending(false),
        );
    let users = client.query_users(&query).await.expect("users");
    assert_eq!(users.len(), 2);
    assert_eq!(users[0].created_on, Some(1_700_000_000_123), "epoch milliseconds");
    assert_eq!(
        users[0].attributes.as_ref().map(|a| a["locale"].clone()),
        Some(vec!["en".to_owned()])
    );
    assert_eq!(users[1].service_account, Some(true));
    assert_eq!(users[1].secret.as_deref(), Some("s3cr3t"));

    let request = only_api_request(&server).await;
    assert_eq!(line(&request), ("POST".into(), "/api/master/user/query".into(), None));
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_eq!(
        json_body(&request),
        json!({"realmPredicate": {"name": "building"},
               "usernames": [{"predicateType": "string", "match": "CONTAINS", "caseSensitive": false, "value": "alex"}],
               "serviceUsers": false, "select": {"basic": true},
               "orderBy": {"property": "USERNAME", "descending": false}, "limit": 100, "offset": 0})
    );
}

#[tokio::test]
async fn get_user_decodes_epoch_ms_and_keeps_unknown_fields() {
    let (server, client, _) = setup().await;
    let id = "7d3f1c2a-9b8e-4f6d-a1b2-c3d4e5f60718";
    answer(
        &server,
        "GET",
        &format!("/user/building/{id}"),
        json_answer(user_json()),
    )
    .await;
    let user = client
        .get_user("building", id)
        .await
        .expect("user")
        .expect("200, not 204");
    assert_eq!(user.id.as_deref(), Some(id));
    assert_eq!(user.created_on, Some(1_700_000_000_123));
    assert_eq!(user.first_name.as_deref(), Some("Alex"));
    assert_eq!(user.enabled, Some(true));
    assert_eq!(user.unknown_fields.get("unknownNewField"), Some(&json!({"x": 1})));
    let (line, _) = sent(&server).await;
    assert_eq!(line, get(&format!("/user/building/{id}")));
}

/// Issue 18: a newer Manager's fields survive `get_user` → change → `update_user`.
#[tokio::test]
async fn read_modify_write_sends_back_the_fields_the_client_does_not_know() {
    let (server, client, _) = setup().await;
    let id = "7d3f1c2a-9b8e-4f6d-a1b2-c3d4e5f60718";
    answer(
        &server,
        "GET",
        &format!("/user/building/{id}"),
        json_answer(user_json()),
    )
    .await;
    answer(&server, "PUT", "/user/building/users", json_answer(user_json())).await;
    let mut user = client.get_user("building", id).await.expect("user").expect("200");
    // unchanged, it encodes to exactly what was received
    assert_eq!(serde_json::to_value(&user).unwrap(), user_json());
    user.email = Some("alex.morgan@example.com".into());
    client.update_user("building", &user).await.expect("updated");
    let requests = api_requests(&server).await;
    let mut expected = user_json();
    expected["email"] = json!("alex.morgan@example.com");
    assert_eq!(json_body(&requests[1]), expected);
}

#[tokio::test]
async fn get_user_that_is_null_is_a_204_and_none() {
    let (server, client, _) = setup().await;
    answer(&server, "GET", "/user/building/gone", no_content()).await;
    assert_eq!(client.get_user("building", "gone").await.expect("204"), None);
}

#[tokio::test]
async fn get_current_user_decodes_a_minimal_user() {
    let (server, client, _) = setup().await;
    answer(
        &server,
        "GET",
        "/user/user",
        json_answer(json!({"serviceAccount": false, "username": "alex"})),
    )
    .await;
    let user = client.get_current_user().await.expect("user");
    assert_eq!(user.username.as_deref(), Some("alex"));
    assert_eq!(user.created_on, None);
    let (line, _) = sent(&server).await;
    assert_eq!(line, get("/user/user"));
}

fn alex() -> types::User {
    types::User::new()
        .with_id("7d3f1c2a-9b8e-4f6d-a1b2-c3d4e5f60718")
        .with_username("alex")
        .with_email("alex@example.com")
        .with_enabled(false)
}

#[tokio::test]
async fn update_user_puts_the_user_and_decodes_the_answer() {
    let (server, client, _) = setup().await;
    answer(&server, "PUT", "/user/building/users", json_answer(user_json())).await;
    let user = client.update_user("building", &alex()).await.expect("updated");
    assert_eq!(user.realm.as_deref(), Some("building"));
    let (line, request) = sent(&server).await;
    assert_eq!(line, put("/user/building/users"));
    assert_eq!(
        json_body(&request),
        json!({"id": "7d3f1c2a-9b8e-4f6d-a1b2-c3d4e5f60718", "username": "alex", "email": "alex@example.com",
               "enabled": false})
    );
}

#[tokio::test]
async fn update_self_puts_the_user() {
    let (server, client, _) = setup().await;
    answer(&server, "PUT", "/user/update", json_answer(user_json())).await;
    let body = types::User::new().with_first_name("Alexandra");
    client.update_self(&body).await.expect("updated");
    let (line, request) = sent(&server).await;
    assert_eq!(line, put("/user/update"));
    assert_eq!(json_body(&request), json!({"firstName": "Alexandra"}));
}

#[tokio::test]
async fn create_user_posts_and_accepts_200() {
    let (server, client, _) = setup().await;
    answer(
        &server,
        "POST",
        "/user/building/users",
        json_answer(json!({"realm": "building", "id": "new-id", "username": "sam", "serviceAccount": false})),
    )
    .await;
    let body = types::User::new()
        .with_username("sam")
        .with_first_name("Sam")
        .with_attributes([("locale".to_owned(), vec!["nl".to_owned()])].into());
    let created = client.create_user("building", &body).await.expect("created");
    assert_eq!(created.id.as_deref(), Some("new-id"));
    let request = only_api_request(&server).await;
    assert_eq!(
        line(&request),
        ("POST".into(), "/api/master/user/building/users".into(), None)
    );
    assert_eq!(
        json_body(&request),
        json!({"username": "sam", "firstName": "Sam", "attributes": {"locale": ["nl"]}})
    );
}

#[tokio::test]
async fn delete_user_accepts_204() {
    let (server, client, _) = setup().await;
    answer(&server, "DELETE", "/user/building/users/u-1", no_content()).await;
    client.delete_user("building", "u-1").await.expect("deleted");
    let (line, request) = sent(&server).await;
    assert_eq!(
        line,
        ("DELETE".into(), "/api/master/user/building/users/u-1".into(), None)
    );
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn request_user_password_reset_sends_no_body() {
    let (server, client, _) = setup().await;
    answer(
        &server,
        "PUT",
        "/user/building/request-password-reset/u-1",
        no_content(),
    )
    .await;
    client
        .request_user_password_reset("building", "u-1")
        .await
        .expect("204");
    let (line, request) = sent(&server).await;
    assert_eq!(line, put("/user/building/request-password-reset/u-1"));
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn request_password_reset_sends_no_body() {
    let (server, client, _) = setup().await;
    answer(&server, "PUT", "/user/request-password-reset", no_content()).await;
    client.request_password_reset().await.expect("204");
    let (line, request) = sent(&server).await;
    assert_eq!(line, put("/user/request-password-reset"));
    assert!(request.body.is_empty());
}

fn credential() -> types::Credential {
    types::Credential::new("n3w-PASSWORD")
        .with_type("password")
        .with_temporary(false)
}

#[tokio::test]
async fn update_password_puts_the_credential() {
    let (server, client, _) = setup().await;
    answer(&server, "PUT", "/user/building/reset-password/u-1", no_content()).await;
    client
        .update_password("building", "u-1", &credential())
        .await
        .expect("204");
    let (line, request) = sent(&server).await;
    assert_eq!(line, put("/user/building/reset-password/u-1"));
    assert_eq!(
        json_body(&request),
        json!({"type": "password", "value": "n3w-PASSWORD", "temporary": false})
    );
}

#[tokio::test]
async fn update_own_password_puts_the_credential() {
    let (server, client, _) = setup().await;
    answer(&server, "PUT", "/user/reset-password", no_content()).await;
    client.update_own_password(&credential()).await.expect("204");
    let (line, request) = sent(&server).await;
    assert_eq!(line, put("/user/reset-password"));
    assert_eq!(json_body(&request)["value"], "n3w-PASSWORD");
}

#[tokio::test]
async fn reset_secret_returns_the_bare_text_secret() {
    let (server, client, _) = setup().await;
    // the real server labels the bare text as JSON
    answer(
        &server,
        "GET",
        "/user/building/reset-secret/u-1",
        ResponseTemplate::new(200).set_body_raw("8yq4VqT1Xl0v3kZ2a9Qm7Rb5Wc6Nd0Jh", "application/json"),
    )
    .await;
    let secret = client.reset_secret("building", "u-1").await.expect("secret");
    assert_eq!(secret.as_deref(), Some("8yq4VqT1Xl0v3kZ2a9Qm7Rb5Wc6Nd0Jh"));
    let (line, _) = sent(&server).await;
    assert_eq!(line, get("/user/building/reset-secret/u-1"));
}

#[tokio::test]
async fn reset_secret_for_an_unknown_user_is_none() {
    let (server, client, _) = setup().await;
    answer(&server, "GET", "/user/building/reset-secret/nobody", no_content()).await;
    assert_eq!(client.reset_secret("building", "nobody").await.expect("204"), None);
}

#[tokio::test]
async fn reset_secret_sent_as_a_json_string_is_unquoted() {
    let (server, client, _) = setup().await;
    answer(
        &server,
        "GET",
        "/user/building/reset-secret/u-1",
        ResponseTemplate::new(200).set_body_raw("\"8yq4VqT1\"", "application/json"),
    )
    .await;
    assert_eq!(
        client.reset_secret("building", "u-1").await.expect("secret").as_deref(),
        Some("8yq4VqT1")
    );
}

#[tokio::test]
async fn reset_secret_as_text_plain_is_kept_as_sent() {
    let (server, client, _) = setup().await;
    answer(
        &server,
        "GET",
        "/user/building/reset-secret/u-1",
        ResponseTemplate::new(200).set_body_raw("\"quoted-on-purpose\"", "text/plain"),
    )
    .await;
    let secret = client.reset_secret("building", "u-1").await.expect("secret");
    assert_eq!(secret.as_deref(), Some("\"quoted-on-purpose\""));
}

#[tokio::test]
async fn get_user_client_roles() {
    let (server, client, _) = setup().await;
    answer(
        &server,
        "GET",
        "/user/building/userRoles/u-1/openremote",
        json_answer(json!(["read", "write:assets"])),
    )
    .await;
    let names = client
        .get_user_client_roles("building", "u-1", "openremote")
        .await
        .expect("names");
    assert_eq!(names, ["read", "write:assets"]);
    let (line, _) = sent(&server).await;
    assert_eq!(line, get("/user/building/userRoles/u-1/openremote"));
}

#[tokio::test]
async fn get_user_realm_roles() {
    let (server, client, _) = setup().await;
    answer(
        &server,
        "GET",
        "/user/building/userRealmRoles/u-1",
        json_answer(json!(["restricted_user"])),
    )
    .await;
    let names = client.get_user_realm_roles("building", "u-1").await.expect("names");
    assert_eq!(names, ["restricted_user"]);
    let (line, _) = sent(&server).await;
    assert_eq!(line, get("/user/building/userRealmRoles/u-1"));
}

#[tokio::test]
async fn get_current_user_client_roles() {
    let (server, client, _) = setup().await;
    answer(
        &server,
        "GET",
        "/user/userRoles/openremote",
        json_answer(json!(["read:map"])),
    )
    .await;
    let names = client.get_current_user_client_roles("openremote").await.expect("names");
    assert_eq!(names, ["read:map"]);
    let (line, _) = sent(&server).await;
    assert_eq!(line, get("/user/userRoles/openremote"));
}

#[tokio::test]
async fn get_current_user_realm_roles() {
    let (server, client, _) = setup().await;
    answer(&server, "GET", "/user/userRealmRoles", json_answer(json!([]))).await;
    let names = client.get_current_user_realm_roles().await.expect("names");
    assert!(names.is_empty());
    let (line, _) = sent(&server).await;
    assert_eq!(line, get("/user/userRealmRoles"));
}

#[tokio::test]
async fn update_user_client_roles_puts_names() {
    let (server, client, _) = setup().await;
    answer(&server, "PUT", "/user/building/userRoles/u-1/openremote", no_content()).await;
    let names = vec!["read".to_owned(), "write:assets".to_owned()];
    client
        .update_user_client_roles("building", "u-1", "openremote", &names)
        .await
        .expect("204");
    let (line, request) = sent(&server).await;
    assert_eq!(line, put("/user/building/userRoles/u-1/openremote"));
    assert_eq!(json_body(&request), json!(["read", "write:assets"]));
}

#[tokio::test]
async fn update_user_realm_roles_puts_names() {
    let (server, client, _) = setup().await;
    answer(&server, "PUT", "/user/building/userRealmRoles/u-1", no_content()).await;
    client
        .update_user_realm_roles("building", "u-1", &vec!["restricted_user".to_owned()])
        .await
        .expect("204");
    let (line, request) = sent(&server).await;
    assert_eq!(line, put("/user/building/userRealmRoles/u-1"));
    assert_eq!(json_body(&request), json!(["restricted_user"]));
}

#[tokio::test]
async fn update_current_user_locale_puts_a_json_string() {
    let (server, client, _) = setup().await;
    answer(&server, "PUT", "/user/locale", no_content()).await;
    client.update_current_user_locale("nl").await.expect("204");
    let (line, request) = sent(&server).await;
    assert_eq!(line, put("/user/locale"));
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_eq!(request.body, br#""nl""#);
}

#[tokio::test]
async fn get_user_sessions_decodes_the_upper_case_id() {
    let (server, client, _) = setup().await;
    answer(
        &server,
        "GET",
        "/user/building/userSessions/u-1",
        json_answer(json!([
            {"ID": "mqtt-3f2a", "username": "alex", "startTimeMillis": 1_700_000_123_456_i64,
             "remoteAddress": "/192.0.2.10:51234", "protocol": "MQTT"},
            {"ID": "mqtt-77", "startTimeMillis": 1_700_000_999_000_i64}
        ])),
    )
    .await;
    let sessions = client.get_user_sessions("building", "u-1").await.expect("sessions");
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[0].id, "mqtt-3f2a");
    assert_eq!(sessions[0].start_time_millis, 1_700_000_123_456);
    assert_eq!(sessions[0].remote_address.as_deref(), Some("/192.0.2.10:51234"));
    assert_eq!(sessions[1].username, None);
    let (line, _) = sent(&server).await;
    assert_eq!(line, get("/user/building/userSessions/u-1"));
}

#[tokio::test]
async fn disconnect_user_session_accepts_204_and_reports_404() {
    let (server, client, _) = setup().await;
    answer(&server, "GET", "/user/building/disconnect/mqtt-3f2a", no_content()).await;
    answer(
        &server,
        "GET",
        "/user/building/disconnect/gone",
        ResponseTemplate::new(404).set_body_raw("User session not found", "text/plain"),
    )
    .await;
    client
        .disconnect_user_session("building", "mqtt-3f2a")
        .await
        .expect("204");
    let error = client
        .disconnect_user_session("building", "gone")
        .await
        .expect_err("404");
    let Error::Api(api) = &error else {
        panic!("expected Api, got {error:?}")
    };
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.body_text(), "User session not found");
    let all = api_requests(&server).await;
    assert_eq!(line(&all[0]), get("/user/building/disconnect/mqtt-3f2a"));
}

#[tokio::test]
async fn forwarded_headers_go_out_when_set() {
    let (server, client, _) = setup().await;
    answer(&server, "GET", "/user/user", json_answer(json!({"username": "alex"}))).await;
    client
        .get_current_user()
        .x_forwarded_proto("https")
        .x_forwarded_host("manager.example.org")
        .await
        .expect("user");
    let request = only_api_request(&server).await;
    assert_eq!(header(&request, "x-forwarded-proto"), Some("https"));
    assert_eq!(header(&request, "x-forwarded-host"), Some("manager.example.org"));
}

#[tokio::test]
async fn void_operations_accept_an_empty_200_too() {
    let (server, client, _) = setup().await;
    answer(
        &server,
        "DELETE",
        "/user/building/users/u-1",
        ResponseTemplate::new(200),
    )
    .await;
    client.delete_user("building", "u-1").await.expect("any 2xx is success");
}

// ---------------------------------------------------------------- errors and unknown values

#[tokio::test]
async fn text_plain_errors_are_kept_as_text() {
    let (server, client, _) = setup().await;
    answer(
        &server,
        "POST",
        "/user/building/users",
        ResponseTemplate::new(403).set_body_raw(ERROR_TEXT, "text/plain"),
    )
    .await;
    let error = client.create_user("building", &alex()).await.expect_err("403");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    let Error::Api(api) = &error else {
        panic!("expected Api, got {error:?}")
    };
    assert_eq!(api.body_text(), ERROR_TEXT);
    assert_eq!(api.parsed, None, "text is not JSON");
    assert_eq!(
        api.headers.get("content-type").map(|v| v.to_str().unwrap()),
        Some("text/plain")
    );
    assert!(error.to_string().contains(ERROR_TEXT), "{error}");
}

#[tokio::test]
async fn a_multi_line_text_error_with_the_help_desk_line() {
    let (server, client, _) = setup().await;
    let text = "Request failed with HTTP error status: 405 Method Not Allowed\n\nPlease contact the help desk.";
    answer(
        &server,
        "GET",
        "/user/building/u-1",
        ResponseTemplate::new(405).set_body_raw(text, "text/plain"),
    )
    .await;
    let Err(Error::Api(api)) = client.get_user("building", "u-1").await else {
        panic!("expected Api")
    };
    assert_eq!(api.status.as_u16(), 405);
    assert_eq!(api.body_text(), text);
}

#[test]
fn unknown_enum_values_and_fields_decode() {
    let query: types::UserQuery = serde_json::from_value(json!({
        "usernames": [{"predicateType": "string", "match": "REGEX", "value": "a.*", "caseSensitive": true}],
        "orderBy": {"property": "LAST_LOGIN", "descending": true},
        "brandNewCriterion": 1
    }))
    .expect("decodes");
    let predicate = &query.usernames.as_ref().expect("usernames")[0];
    assert_eq!(predicate.r#match, Some(StringMatch::Unknown("REGEX".into())));
    assert_eq!(
        query.order_by.and_then(|o| o.property),
        Some(types::UserQueryOrderByProperty::Unknown("LAST_LOGIN".into()))
    );
    let other: StringPredicate = serde_json::from_value(json!({"predicateType": "value-any"})).expect("decodes");
    assert_eq!(
        other.predicate_type,
        StringPredicatePredicateType::Unknown("value-any".into())
    );
    // and they go back out as sent
    assert_eq!(serde_json::to_value(&predicate.r#match).expect("json"), json!("REGEX"));
}

#[tokio::test]
async fn unknown_enum_values_from_the_server_decode() {
    let (server, client, _) = setup().await;
    // a user query echoed back by a newer server, through the client's own types
    answer(
        &server,
        "POST",
        "/user/query",
        json_answer(json!([{"username": "alex", "serviceAccount": false, "createdOn": 1, "kind": "HUMAN"}])),
    )
    .await;
    let users = client.query_users(&types::UserQuery::default()).await.expect("users");
    assert_eq!(users[0].username.as_deref(), Some("alex"));
    assert_eq!(json_body(&only_api_request(&server).await), json!({}));
}

// ---------------------------------------------------------------- client credentials

#[tokio::test]
async fn the_token_request_is_a_client_credentials_form_post() {
    let (server, client, _) = setup().await;
    answer(&server, "GET", "/user/user", json_answer(json!({"username": "alex"}))).await;
    client.get_current_user().await.expect("user");
    let token_request = common::requests(&server)
        .await
        .into_iter()
        .find(|r| r.url.path() == TOKEN_PATH)
        .expect("fetch");
    assert_eq!(token_request.method.as_str(), "POST");
    assert_eq!(
        header(&token_request, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let form: Vec<(String, String)> = url_form(&token_request.body);
    assert_eq!(
        form,
        [
            ("grant_type".to_owned(), "client_credentials".to_owned()),
            ("client_id".to_owned(), CLIENT_ID.to_owned()),
            ("client_secret".to_owned(), CLIENT_SECRET.to_owned())
        ]
    );
}

fn url_form(body: &[u8]) -> Vec<(String, String)> {
    let decode = |text: &str| {
        percent_encoding::percent_decode_str(&text.replace('+', " "))
            .decode_utf8()
            .expect("utf-8")
            .into_owned()
    };
    std::str::from_utf8(body)
        .expect("utf-8")
        .split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

#[tokio::test]
async fn one_token_fetch_serves_many_calls() {
    let (server, client, tokens) = setup().await;
    answer(&server, "GET", "/user/user", json_answer(json!({"username": "alex"}))).await;
    answer(&server, "GET", "/user/userRealmRoles", json_answer(json!(["a"]))).await;
    answer(&server, "DELETE", "/user/building/users/u-1", no_content()).await;
    for _ in 0..3 {
        client.get_current_user().await.expect("user");
        client.get_current_user_realm_roles().await.expect("roles");
        client.delete_user("building", "u-1").await.expect("deleted");
    }
    assert_eq!(tokens.fetches(), 1);
    let all = api_requests(&server).await;
    assert_eq!(all.len(), 9);
    assert!(all.iter().all(|r| header(r, "authorization") == Some("Bearer token-1")));
}

#[tokio::test]
async fn a_new_token_is_fetched_before_the_old_one_expires() {
    let server = MockServer::start().await;
    let tokens = TokenEndpoint::new(1); // a one-second token
    tokens.mount(&server).await;
    let client = client(&server);
    answer(&server, "GET", "/user/user", json_answer(json!({"username": "alex"}))).await;
    client.get_current_user().await.expect("first");
    client.get_current_user().await.expect("second, same token");
    assert_eq!(tokens.fetches(), 1);
    // still inside the token's lifetime (1 s), but past the renewal point
    tokio::time::sleep(Duration::from_millis(900)).await;
    client.get_current_user().await.expect("third, new token");
    assert_eq!(tokens.fetches(), 2);
    let sent: Vec<_> = api_requests(&server)
        .await
        .iter()
        .map(|r| header(r, "authorization").map(str::to_owned))
        .collect();
    assert_eq!(
        sent,
        [
            Some("Bearer token-1".to_owned()),
            Some("Bearer token-1".to_owned()),
            Some("Bearer token-2".to_owned())
        ]
    );
}

#[tokio::test]
async fn after_a_401_the_client_fetches_a_fresh_token_and_retries_once() {
    let (server, client, tokens) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/master/user/user"))
        .and(wiremock::matchers::header("authorization", "Bearer token-1"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_raw("Request failed with HTTP error status: 401 Unauthorized", "text/plain"),
        )
        .mount(&server)
        .await;
    answer(&server, "GET", "/user/user", json_answer(json!({"username": "alex"}))).await;
    // a POST too: a 401 means it was not processed, so it is repeated
    let user = client.get_current_user().await.expect("retried with a fresh token");
    assert_eq!(user.username.as_deref(), Some("alex"));
    assert_eq!(tokens.fetches(), 2);
    let sent: Vec<_> = api_requests(&server)
        .await
        .iter()
        .map(|r| header(r, "authorization").map(str::to_owned))
        .collect();
    assert_eq!(
        sent,
        [Some("Bearer token-1".to_owned()), Some("Bearer token-2".to_owned())]
    );
    // and the fresh token serves the next call
    client.get_current_user().await.expect("again");
    assert_eq!(tokens.fetches(), 2);
}

#[tokio::test]
async fn a_401_that_persists_is_retried_only_once() {
    let (server, client, tokens) = setup().await;
    let text = "Request failed with HTTP error status: 401 Unauthorized";
    answer(
        &server,
        "GET",
        "/user/user",
        ResponseTemplate::new(401).set_body_raw(text, "text/plain"),
    )
    .await;
    let error = client.get_current_user().await.expect_err("401");
    let Error::Api(api) = &error else {
        panic!("expected Api, got {error:?}")
    };
    assert_eq!(api.status.as_u16(), 401);
    assert_eq!(api.body_text(), text);
    assert_eq!(api_requests(&server).await.len(), 2);
    assert_eq!(tokens.fetches(), 2);
}

#[tokio::test]
async fn concurrent_calls_share_one_token_fetch() {
    let server = MockServer::start().await;
    let tokens = TokenEndpoint {
        delay: Duration::from_millis(300),
        ..TokenEndpoint::new(60)
    };
    tokens.mount(&server).await;
    let client = client(&server);
    answer(&server, "GET", "/user/user", json_answer(json!({"username": "alex"}))).await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let client = client.clone();
        tasks.spawn(async move { client.get_current_user().await.map(|u| u.username) });
    }
    while let Some(result) = tasks.join_next().await {
        assert_eq!(result.expect("task").expect("call"), Some("alex".to_owned()));
    }
    assert_eq!(tokens.fetches(), 1);
    assert_eq!(api_requests(&server).await.len(), 12);
}

#[tokio::test]
async fn concurrent_calls_share_one_refresh_after_expiry() {
    let server = MockServer::start().await;
    let tokens = TokenEndpoint {
        delay: Duration::from_millis(200),
        ..TokenEndpoint::new(1)
    };
    tokens.mount(&server).await;
    let client = client(&server);
    answer(&server, "GET", "/user/user", json_answer(json!({"username": "alex"}))).await;
    client.get_current_user().await.expect("first");
    tokio::time::sleep(Duration::from_millis(900)).await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let client = client.clone();
        tasks.spawn(async move { client.get_current_user().await.is_ok() });
    }
    while let Some(ok) = tasks.join_next().await {
        assert!(ok.expect("task"));
    }
    assert_eq!(tokens.fetches(), 2);
}

async fn token_failure(response: ResponseTemplate) -> (MockServer, Error) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(response)
        .mount(&server)
        .await;
    Mock::given(path_regex("^/api/"))
        .respond_with(json_answer(json!({})))
        .mount(&server)
        .await;
    let error = client(&server).get_current_user().await.expect_err("no token");
    assert!(api_requests(&server).await.is_empty(), "no API call without a token");
    (server, error)
}

#[tokio::test]
async fn a_refusing_token_endpoint_gives_a_clear_error() {
    let (server, error) = token_failure(ResponseTemplate::new(401).set_body_json(json!({
        "error": "unauthorized_client", "error_description": "Invalid client or Invalid client credentials"
    })))
    .await;
    let Error::Auth(auth) = &error else {
        panic!("expected Auth, got {error:?}")
    };
    assert_eq!(auth.status().map(|s| s.as_u16()), Some(401));
    assert!(auth.body().is_some_and(|b| b.contains("unauthorized_client")));
    assert_eq!(auth.token_url(), Some(token_url(&server).as_str()));
    let message = error.to_string();
    assert!(
        message.contains("token endpoint") && message.contains("401"),
        "{message}"
    );
    assert!(!format!("{error:?}{error}").contains(CLIENT_SECRET));
}

#[tokio::test]
async fn a_malformed_token_answer_gives_a_clear_error() {
    for response in [
        ResponseTemplate::new(200).set_body_raw("<html><body>Sign in</body></html>", "text/html"),
        ResponseTemplate::new(200).set_body_json(json!({"token_type": "Bearer"})),
        ResponseTemplate::new(200).set_body_json(json!({"access_token": 42})),
        ResponseTemplate::new(200).set_body_raw("{\"access_token\": \"tok", "application/json"),
    ] {
        let (_server, error) = token_failure(response).await;
        let Error::Auth(auth) = &error else {
            panic!("expected Auth, got {error:?}")
        };
        assert_eq!(auth.status().map(|s| s.as_u16()), Some(200));
        assert!(error.to_string().contains("without a usable token"), "{error}");
        assert!(!format!("{error:?}").contains("tok\""), "a partial token is not kept");
    }
}

#[tokio::test]
async fn an_unreachable_token_endpoint_gives_a_clear_error() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(format!("{}/api/master", server.uri()))
        .client_credentials(format!("http://127.0.0.1:{port}{TOKEN_PATH}"), CLIENT_ID, CLIENT_SECRET)
        .max_retries(0)
        .build()
        .expect("client");
    let error = client.get_current_user().await.expect_err("unreachable");
    let Error::Auth(auth) = &error else {
        panic!("expected Auth, got {error:?}")
    };
    assert_eq!(auth.status(), None);
    assert!(error.to_string().contains("cannot reach the token endpoint"), "{error}");
    assert!(api_requests(&server).await.is_empty());
}

#[tokio::test]
async fn a_token_endpoint_that_never_answers_times_out() {
    let server = MockServer::start().await;
    let tokens = TokenEndpoint {
        delay: Duration::from_secs(30),
        ..TokenEndpoint::new(60)
    };
    tokens.mount(&server).await;
    let client = Client::builder()
        .base_url(format!("{}/api/master", server.uri()))
        .client_credentials(token_url(&server), CLIENT_ID, CLIENT_SECRET)
        .timeout(Duration::from_millis(300))
        .max_retries(0)
        .build()
        .expect("client");
    let started = Instant::now();
    let error = client.get_current_user().await.expect_err("timeout");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
    assert!(matches!(error, Error::Auth(_)), "{error:?}");
    assert!(error.is_timeout(), "{error:?}");
}

#[tokio::test]
async fn an_absurd_token_lifetime_does_not_panic() {
    let server = MockServer::start().await;
    let tokens = TokenEndpoint {
        expires_in: json!(u64::MAX),
        ..TokenEndpoint::new(0)
    };
    tokens.mount(&server).await;
    let client = client(&server);
    answer(&server, "GET", "/user/user", json_answer(json!({"username": "alex"}))).await;
    client.get_current_user().await.expect("works");
    client.get_current_user().await.expect("works again");
    assert_eq!(tokens.fetches(), 1);
}

#[tokio::test]
async fn a_token_without_expires_in_is_used() {
    let server = MockServer::start().await;
    let tokens = TokenEndpoint {
        expires_in: serde_json::Value::Null,
        ..TokenEndpoint::new(0)
    };
    tokens.mount(&server).await;
    let client = client(&server);
    answer(&server, "GET", "/user/user", json_answer(json!({"username": "alex"}))).await;
    client.get_current_user().await.expect("works");
    client.get_current_user().await.expect("works again");
    assert_eq!(tokens.fetches(), 1);
}

#[tokio::test]
async fn credentials_can_be_replaced_later() {
    let (server, client, _) = setup().await;
    answer(&server, "GET", "/user/user", json_answer(json!({"username": "alex"}))).await;
    let other = MockServer::start().await;
    let other_tokens = TokenEndpoint::new(60);
    other_tokens.mount(&other).await;
    client.get_current_user().await.expect("first");
    client.set_client_credentials(token_url(&other), "another-client", "another-secret");
    client.get_current_user().await.expect("second");
    assert_eq!(other_tokens.fetches(), 1);
}

// ---------------------------------------------------------------- hostile input and secrets

#[tokio::test]
async fn hostile_path_parameters_stay_inside_one_segment() {
    let (server, client, _) = setup().await;
    Mock::given(path_regex("^/api/"))
        .respond_with(no_content())
        .mount(&server)
        .await;
    client.delete_user("build/ing", "../../admin?x=1#y").await.expect("204");
    client
        .disconnect_user_session("büilding", "50% off ☃")
        .await
        .expect("204");
    let paths: Vec<String> = api_requests(&server)
        .await
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "/api/master/user/build%2Fing/users/..%2F..%2Fadmin%3Fx%3D1%23y",
            "/api/master/user/b%C3%BCilding/disconnect/50%25%20off%20%E2%98%83"
        ]
    );
    assert!(matches!(
        client.delete_user("..", "u").await,
        Err(Error::InvalidRequest(_))
    ));
    assert_eq!(api_requests(&server).await.len(), 2);
}

#[tokio::test]
async fn a_header_value_with_a_newline_is_refused_and_not_sent() {
    let (server, client, tokens) = setup().await;
    answer(&server, "GET", "/user/user", json_answer(json!({"username": "alex"}))).await;
    let error = client
        .get_current_user()
        .x_forwarded_host("evil.example\r\nX-Injected: yes")
        .await
        .expect_err("refused");
    let Error::InvalidRequest(message) = &error else {
        panic!("expected InvalidRequest, got {error:?}")
    };
    assert!(message.contains("X-Forwarded-Host"), "{message}");
    assert!(matches!(
        client.get_current_user().x_forwarded_proto("https\n").await,
        Err(Error::InvalidRequest(_))
    ));
    assert!(api_requests(&server).await.is_empty(), "nothing was sent");
    assert_eq!(tokens.fetches(), 0, "not even a token was fetched");
}

#[tokio::test]
async fn secrets_appear_in_no_debug_output() {
    let server = MockServer::start().await;
    let builder =
        Client::builder()
            .base_url(server.uri())
            .client_credentials(token_url(&server), CLIENT_ID, CLIENT_SECRET);
    let shown = format!("{builder:?}");
    assert!(!shown.contains(CLIENT_SECRET), "{shown}");
    assert!(shown.contains(CLIENT_ID), "still useful: {shown}");
    let client = builder.build().expect("client");
    let tokens = TokenEndpoint::new(60);
    tokens.mount(&server).await;
    Mock::given(path_regex("^/user/"))
        .respond_with(json_answer(json!({"username": "alex"})))
        .mount(&server)
        .await;
    client.get_current_user().await.expect("user");
    let shown = format!("{client:?}");
    assert!(!shown.contains(CLIENT_SECRET) && !shown.contains("token-1"), "{shown}");

    let credential = credential();
    let shown = format!("{credential:?}");
    assert!(!shown.contains("n3w-PASSWORD"), "{shown}");
    assert!(shown.contains("password"), "the type is still shown: {shown}");
    let user = types::User::new().with_username("bot").with_secret("svc-SECRET");
    assert!(!format!("{user:?}").contains("svc-SECRET"));

    // a failing token endpoint: the error shows neither the secret nor a token
    let failing = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": ["tok-SECRET"]})))
        .mount(&failing)
        .await;
    client.set_client_credentials(token_url(&failing), CLIENT_ID, CLIENT_SECRET);
    let error = client.get_current_user().await.expect_err("malformed");
    let shown = format!("{error:?} {error}");
    assert!(
        !shown.contains(CLIENT_SECRET) && !shown.contains("tok-SECRET"),
        "{shown}"
    );
}

// ---------------------------------------------------------------- the example

#[path = "../examples/openremote_users.rs"]
#[allow(dead_code)]
mod example;

#[tokio::test]
async fn the_example_queries_users_with_client_credentials() {
    let (server, _, tokens) = setup().await;
    answer(
        &server,
        "POST",
        "/user/query",
        json_answer(json!([user_json(), {"serviceAccount": true, "username": "bot", "enabled": true}])),
    )
    .await;
    let lines = example::run(
        &format!("{}/api/master", server.uri()),
        &token_url(&server),
        example::SignIn::Service {
            client_id: CLIENT_ID,
            client_secret: CLIENT_SECRET,
        },
        "building",
    )
    .await
    .expect("example runs");
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(
        lines[0].contains("alex") && lines[0].contains("alex@example.com"),
        "{lines:#?}"
    );
    assert!(lines[0].contains("2023-11-14"), "createdOn shown as a date: {lines:#?}");
    assert!(lines[1].contains("bot") && lines[1].contains("service"), "{lines:#?}");
    assert_eq!(tokens.fetches(), 1);
    let request = only_api_request(&server).await;
    assert_eq!(header(&request, "authorization"), Some("Bearer token-1"));
    assert_eq!(json_body(&request)["realmPredicate"], json!({"name": "building"}));
}

/// A person signs in with user name and password, through the public
/// client `openremote` (no secret), and gets the same list.
#[tokio::test]
async fn the_example_queries_users_signed_in_as_a_person() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(wiremock::matchers::body_string(
            "grant_type=password&client_id=openremote&username=alex&password=p%26ss+w%3Drd",
        ))
        .respond_with(json_answer(json!({
            "access_token": "person-token",
            "expires_in": 60,
            "refresh_expires_in": 1800,
            "refresh_token": "person-refresh",
            "token_type": "Bearer",
            "not-before-policy": 0,
            "session_state": "0f5e",
            "scope": "profile email"
        })))
        .expect(1)
        .mount(&server)
        .await;
    answer(&server, "POST", "/user/query", json_answer(json!([user_json()]))).await;
    let lines = example::run(
        &format!("{}/api/master", server.uri()),
        &token_url(&server),
        example::SignIn::Person {
            username: "alex",
            password: "p&ss w=rd",
        },
        "building",
    )
    .await
    .expect("example runs");
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(lines[0].contains("alex"), "{lines:#?}");
    let query = only_api_request(&server).await;
    assert_eq!(header(&query, "authorization"), Some("Bearer person-token"));
}

#[tokio::test]
async fn the_example_reports_refused_credentials() {
    let (_server, error) = {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "unauthorized_client"})))
            .mount(&server)
            .await;
        let error = example::run(
            &format!("{}/api/master", server.uri()),
            &token_url(&server),
            example::SignIn::Service {
                client_id: CLIENT_ID,
                client_secret: "wrong",
            },
            "master",
        )
        .await
        .expect_err("refused");
        (server, error)
    };
    assert!(error.to_string().contains("unauthorized_client"), "{error}");
}

// ---------------------------------------------------------------- status and headers of a success

/// `send_with_response` gives the status and headers beside the decoded
/// body; a 2xx the spec does not list (a 201 where it says 200) decodes.
#[tokio::test]
async fn send_with_response_keeps_the_status_and_headers_of_an_undeclared_201() {
    let (server, client, _) = setup().await;
    answer(
        &server,
        "POST",
        "/user/building/users",
        ResponseTemplate::new(201)
            .insert_header("Location", "/api/master/user/building/new-id")
            .insert_header("X-Request-Id", "req-42")
            .set_body_json(json!({"realm": "building", "id": "new-id", "username": "sam", "serviceAccount": false})),
    )
    .await;
    let body = types::User::new().with_username("sam");
    let response = client
        .create_user("building", &body)
        .send_with_response()
        .await
        .expect("a 201 decodes");
    assert_eq!(response.status.as_u16(), 201);
    assert_eq!(response.header("location"), Some("/api/master/user/building/new-id"));
    assert_eq!(response.header("x-request-id"), Some("req-42"));
    assert_eq!(response.body.id.as_deref(), Some("new-id"));
    // and `.await` alone gives the body, as before
    let user = client.create_user("building", &body).await.expect("a 201 decodes");
    assert_eq!(user.username.as_deref(), Some("sam"));
}

/// A success without a body where the spec declares one is an error that says so.
#[tokio::test]
async fn a_204_where_a_body_is_declared_is_a_decode_error_that_says_so() {
    let (server, client, _) = setup().await;
    answer(&server, "GET", "/user/user", no_content()).await;
    let error = client.get_current_user().await.expect_err("no body");
    let Error::Decode(decode) = &error else {
        panic!("expected Decode, got {error:?}")
    };
    assert_eq!(decode.status.as_u16(), 204);
    assert!(decode.body.is_empty());
    // said by the cause, the error's source (its line says what failed)
    assert!(
        error
            .to_string()
            .contains("204 No Content response body (0 bytes) does not decode"),
        "{error}"
    );
    let source = std::error::Error::source(&error).expect("a cause").to_string();
    assert!(source.contains("has no body"), "{source}");
}

/// An operation whose answer may be absent (`get_user`: 200 or 204) reads
/// any 2xx by whether it has a body.
#[tokio::test]
async fn an_optional_answer_reads_any_2xx_by_its_body() {
    let (server, client, _) = setup().await;
    answer(
        &server,
        "GET",
        "/user/building/a",
        ResponseTemplate::new(203).set_body_json(user_json()),
    )
    .await;
    answer(&server, "GET", "/user/building/b", ResponseTemplate::new(200)).await;
    let user = client.get_user("building", "a").await.expect("203 decodes");
    assert_eq!(user.and_then(|u| u.username).as_deref(), Some("alex"));
    let response = client
        .get_user("building", "b")
        .send_with_response()
        .await
        .expect("empty 200");
    assert_eq!((response.status.as_u16(), response.body), (200, None));
}

// ---------------------------------------------------------------- no default made of variables

/// The spec's server is `https://{host}/api/{realm}`: its defaults
/// (`localhost`, `master`) are no place to send credentials, so a client
/// without `base_url` is not built, and says why.
#[test]
fn a_client_without_base_url_is_refused_with_a_clear_error() {
    let built = Client::builder()
        .client_credentials("https://manager.example.org/token", CLIENT_ID, CLIENT_SECRET)
        .build();
    let Err(error) = built else {
        panic!("built without a base URL")
    };
    assert!(
        matches!(error, openremote_client::BuildError::BaseUrlRequired(_)),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(
        text.contains("call `base_url`") && text.contains("https://localhost/api/master"),
        "{text}"
    );
    // the defaults, only when asked for explicitly
    let client = Client::builder()
        .base_url(openremote_client::DEFAULT_BASE_URL)
        .build()
        .expect("explicit opt-in");
    assert_eq!(client.base_url(), "https://localhost/api/master");
}
