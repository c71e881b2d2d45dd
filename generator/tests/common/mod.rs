//! Helpers shared by the behaviour tests: what reached the loopback server.

#![allow(dead_code)]

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Every request the server received.
pub async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("request recording is on")
}

/// The one request the server received (fails if there were more or none).
pub async fn only_request(server: &MockServer) -> Request {
    let mut all = requests(server).await;
    assert_eq!(all.len(), 1, "expected exactly one request, got {all:#?}");
    all.remove(0)
}

/// A header of a received request, as text.
pub fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request
        .headers
        .get(name)
        .map(|value| value.to_str().expect("ASCII header"))
}

/// The body of a received request, as JSON.
pub fn json_body(request: &Request) -> serde_json::Value {
    serde_json::from_slice(&request.body)
        .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", String::from_utf8_lossy(&request.body)))
}

/// Method, raw (still percent-encoded) path and raw query of a received request.
pub fn line(request: &Request) -> (String, String, Option<String>) {
    (
        request.method.to_string(),
        request.url.path().to_owned(),
        request.url.query().map(str::to_owned),
    )
}

/// The token endpoint of the OpenRemote Manager's Keycloak (its `master`
/// realm), where the tests' fake token servers listen.
pub const TOKEN_PATH: &str = "/auth/realms/master/protocol/openid-connect/token";

/// The URL of [`TOKEN_PATH`] on `server`.
pub fn token_url(server: &MockServer) -> String {
    format!("{}{TOKEN_PATH}", server.uri())
}

/// `responder` answers every request to [`TOKEN_PATH`] on `server`.
pub async fn serve_tokens(server: &MockServer, responder: impl Respond + 'static) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(responder)
        .mount(server)
        .await;
}

/// A token endpoint at [`TOKEN_PATH`] that grants every request the same
/// bearer token, `token-1`, for a minute.
pub async fn grant_tokens(server: &MockServer) {
    serve_tokens(
        server,
        ResponseTemplate::new(200)
            .set_body_json(serde_json::json!({"access_token": "token-1", "expires_in": 60, "token_type": "Bearer"})),
    )
    .await;
}
