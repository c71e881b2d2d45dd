//! The test doubles of the generated crates (their `mock` feature): typed
//! mocks match on parameters and bodies, answer in sequence, count calls,
//! and check every request against the spec.

use std::time::Duration;
use vrm_client::mock::{MockServer, ResponseTemplate};
use vrm_client::types;
use vrm_client::{Client, Error};

const TOKEN: &str = "Token 5f0c1e2d3b4a59687766554433221100";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.url())
        .api_key(TOKEN)
        .timeout(Duration::from_secs(5))
        .max_retries(0)
        .build()
        .expect("client")
}

fn me(name: &str) -> types::MeResponse {
    types::MeResponse {
        success: Some(true),
        user: Some(types::User {
            name: Some(name.to_owned()),
            ..serde_json::from_str("{}").expect("every field of User is optional")
        }),
        unknown_fields: Default::default(),
    }
}

/// The status and raw body of an error answer.
fn api_error(error: Error) -> (u16, String) {
    match error {
        Error::Api(api) => (api.status.as_u16(), api.body_text().into_owned()),
        other => panic!("expected an error status, got {other:?}"),
    }
}

#[tokio::test]
async fn a_typed_answer_reaches_the_client() {
    let server = MockServer::start().await;
    let _mock = server.get_me().ok(&me("Jane")).expect(1).await;
    let answer = client(&server).get_me().await.expect("get_me");
    assert_eq!(answer, me("Jane"));
}

#[tokio::test]
async fn parameters_narrow_what_a_mock_matches() {
    let server = MockServer::start().await;
    let list: types::InstallationList = serde_json::from_str(r#"{"success": true, "records": []}"#).expect("list");
    let _mine = server
        .list_installations()
        .id_user("42")
        .extended(1)
        .ok(&list)
        .expect(1)
        .await;
    let client = client(&server);
    let found = client.list_installations("42").extended(1).await.expect("matches");
    assert_eq!(found, list);

    // Another user, or no `extended`: no mock matches, and the answer says which operation.
    for call in [
        client.list_installations("43").extended(1),
        client.list_installations("42"),
    ] {
        let (status, body) = api_error(call.await.expect_err("no mock matches"));
        assert_eq!(status, 404);
        assert!(
            body.contains("no mock matches this call of `list_installations`"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn a_body_narrows_what_a_mock_matches() {
    let server = MockServer::start().await;
    let jane = types::LoginRequest {
        username: "jane@example.com".into(),
        password: "pw".into(),
        sms_token: None,
        remember_me: None,
    };
    let token: types::LoginResponse = serde_json::from_str(
        r#"{"token": "jwt", "idUser": 1, "verification_mode": "password", "verification_sent": false}"#,
    )
    .expect("login answer");
    let _mock = server.login().body(&jane).ok(&token).expect(1).await;
    let client = client(&server);
    assert_eq!(client.login(&jane).await.expect("same body").id_user, 1);
    let john = types::LoginRequest {
        username: "john@example.com".into(),
        ..jane
    };
    assert_eq!(api_error(client.login(&john).await.expect_err("other body")).0, 404);
}

#[tokio::test]
async fn error_statuses_answer_the_typed_error_body() {
    let server = MockServer::start().await;
    let refused = types::ErrorResponse {
        success: false,
        errors: None,
        error: None,
        error_code: Some("invalid_token".into()),
    };
    let _mock = server.get_me().unauthorized(&refused).await;
    match client(&server).get_me().await {
        Err(Error::Api(api)) => {
            assert_eq!(api.status.as_u16(), 401);
            assert_eq!(api.parsed, Some(refused));
        }
        other => panic!("expected a 401, got {other:?}"),
    }
}

#[tokio::test]
async fn answers_come_in_sequence_for_retry_tests() {
    let server = MockServer::start().await;
    let _mock = server
        .get_me()
        .respond(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .ok(&me("Jane"))
        .expect(3)
        .await;
    let client = Client::builder()
        .base_url(server.url())
        .api_key(TOKEN)
        .max_retries(1)
        .build()
        .expect("client");
    assert_eq!(client.get_me().await.expect("retried after the 429"), me("Jane"));
    // The last answer is given again and again.
    assert_eq!(client.get_me().await.expect("again"), me("Jane"));
}

#[tokio::test]
#[should_panic(expected = "`get_me` (GET /users/me)")]
async fn an_expected_call_that_never_comes_fails_when_the_mock_is_dropped() {
    let server = MockServer::start().await;
    let mock = server.get_me().ok(&me("Jane")).expect(1).await;
    drop(mock);
}

#[tokio::test]
#[should_panic(expected = "`get_me` (GET /users/me): no credential was sent")]
async fn a_call_without_credentials_fails_the_test() {
    let server = MockServer::start().await;
    let _mock = server.get_me().ok(&me("Jane")).await;
    let anonymous = Client::builder()
        .base_url(server.url())
        .max_retries(0)
        .build()
        .expect("client");
    let (status, body) = api_error(anonymous.get_me().await.expect_err("refused"));
    assert_eq!(status, 400);
    assert!(body.contains("header `x-authorization`"), "{body}");
    // Dropping the server fails the test, even had the code under test
    // swallowed the error.
}

#[tokio::test]
#[should_panic(
    expected = "`search_installations` (GET /users/{idUser}/search): the required query parameter `query` is missing"
)]
async fn a_missing_required_parameter_fails_the_test() {
    let server = MockServer::start().await;
    let url = format!("{}/users/42/search", server.url());
    let answer = reqwest::Client::new()
        .get(url)
        .header("X-Authorization", TOKEN)
        .send()
        .await
        .expect("sent");
    assert_eq!(answer.status().as_u16(), 400);
}

#[tokio::test]
#[should_panic(expected = "`login` (POST /auth/login): the body does not match its schema at `username`")]
async fn a_body_that_does_not_match_its_schema_fails_the_test() {
    let server = MockServer::start().await;
    let answer = reqwest::Client::new()
        .post(format!("{}/auth/login", server.url()))
        .header("content-type", "application/json")
        .body(r#"{"username": 7, "password": "pw"}"#)
        .send()
        .await
        .expect("sent");
    assert_eq!(answer.status().as_u16(), 400);
}

#[tokio::test]
#[should_panic(expected = "`DELETE /users/me`: no operation of the spec has this method (the path allows GET)")]
async fn an_unknown_method_fails_the_test() {
    let server = MockServer::start().await;
    let answer = reqwest::Client::new()
        .delete(format!("{}/users/me", server.url()))
        .header("X-Authorization", TOKEN)
        .send()
        .await
        .expect("sent");
    assert_eq!(answer.status().as_u16(), 400);
}

#[tokio::test]
#[should_panic(expected = "`GET /no/such/path`: no operation of the spec has this path")]
async fn an_unknown_path_fails_the_test() {
    let server = MockServer::start().await;
    let answer = reqwest::Client::new()
        .get(format!("{}/no/such/path", server.url()))
        .send()
        .await
        .expect("sent");
    let body = answer.text().await.expect("body");
    assert!(body.contains("no operation of the spec has this path"), "{body}");
}

#[tokio::test]
async fn the_other_generated_crate_has_mocks_too() {
    use openremote_client::mock::MockServer;
    let server = MockServer::start().await;
    let roles: openremote_client::types::RoleNames = serde_json::from_str(r#"["read", "write"]"#).expect("roles");
    let _mock = server.get_current_user_realm_roles().ok(&roles).expect(1).await;
    let client = openremote_client::Client::builder()
        .base_url(server.url())
        .client_credentials(server.token_url(), "client", "secret")
        .build()
        .expect("client");
    assert_eq!(client.get_current_user_realm_roles().await.expect("roles"), roles);
    let requests = server.received_requests().await;
    assert_eq!(
        requests[1].headers.get("authorization").and_then(|v| v.to_str().ok()),
        Some("Bearer mock-access-token")
    );
}
