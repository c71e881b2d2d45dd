//! Signing in the ways people do, and seeing what the client does, against
//! loopback servers: the OAuth2 password grant with Keycloak's token answer
//! (refresh token used, sign-in again when it has expired or is refused),
//! token sources of the user's (failing, asked once for many concurrent
//! calls, asked again after a 401), hooks (a header added, every retry and
//! token request seen), and per-user clients on one pool that never mix
//! their credentials.

mod common;

use common::{TOKEN_PATH, header, token_url};
use openremote_client::hooks::{Attempt, Hook, Outcome, Purpose};
use openremote_client::{AccessToken, Client, Error, PasswordGrant, TokenRequest};
use serde_json::json;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::matchers::{header as has_header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const USER: &str = "alice";
const PASSWORD: &str = "Pa55-w0rd-of-alice";

fn base_url(server: &MockServer) -> String {
    format!("{}/api/master", server.uri())
}

/// The form a request posted, as pairs.
fn form(request: &Request) -> HashMap<String, String> {
    url::form_urlencoded::parse(&request.body).into_owned().collect()
}

/// A Keycloak token endpoint for the public client `openremote`: the
/// password grant gives `access-N` and `refresh-N`; a refresh token it gave
/// gives new ones, unless it was revoked (`400 invalid_grant`, as Keycloak
/// answers). Every grant asked for is logged.
#[derive(Clone)]
struct Keycloak {
    issued: Arc<AtomicUsize>,
    grants: Arc<Mutex<Vec<String>>>,
    expires_in: u64,
    refresh_expires_in: u64,
    refresh_revoked: Arc<std::sync::atomic::AtomicBool>,
}

impl Keycloak {
    fn new(expires_in: u64, refresh_expires_in: u64) -> Self {
        Keycloak {
            issued: Arc::default(),
            grants: Arc::default(),
            expires_in,
            refresh_expires_in,
            refresh_revoked: Arc::default(),
        }
    }

    fn grants(&self) -> Vec<String> {
        self.grants.lock().unwrap().clone()
    }

    async fn mount(&self, server: &MockServer) {
        common::serve_tokens(server, self.clone()).await;
    }
}

impl Respond for Keycloak {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let form = form(request);
        let grant = form["grant_type"].clone();
        assert_eq!(form["client_id"], "openremote", "{form:?}");
        assert!(
            !form.contains_key("client_secret"),
            "a public client has no secret: {form:?}"
        );
        match grant.as_str() {
            "password" => {
                assert_eq!((form["username"].as_str(), form["password"].as_str()), (USER, PASSWORD));
            }
            "refresh_token" => {
                let given = &form["refresh_token"];
                let issued = self.issued.load(Ordering::SeqCst);
                assert_eq!(given, &format!("refresh-{issued}"), "the latest refresh token");
                if self.refresh_revoked.load(Ordering::SeqCst) {
                    self.grants.lock().unwrap().push(format!("{grant} (refused)"));
                    return ResponseTemplate::new(400).set_body_json(json!({
                        "error": "invalid_grant",
                        "error_description": "Token is not active"
                    }));
                }
            }
            other => panic!("unexpected grant {other}"),
        }
        self.grants.lock().unwrap().push(grant);
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        // Keycloak's answer, every member.
        ResponseTemplate::new(200).set_body_json(json!({
            "access_token": format!("access-{n}"),
            "expires_in": self.expires_in,
            "refresh_expires_in": self.refresh_expires_in,
            "refresh_token": format!("refresh-{n}"),
            "token_type": "Bearer",
            "not-before-policy": 0,
            "session_state": "5d2b1c7e-0f1a-4c55-9d39-5f0b8f1e2a33",
            "scope": "profile email"
        }))
    }
}

/// `GET /user/user` answering with the bearer token it was given, as the user name.
struct EchoToken;

impl Respond for EchoToken {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let token = header(request, "authorization")
            .and_then(|value| value.strip_prefix("Bearer "))
            .unwrap_or("none");
        ResponseTemplate::new(200).set_body_json(json!({ "username": token, "serviceAccount": false }))
    }
}

async fn echo_current_user(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/api/master/user/user"))
        .respond_with(EchoToken)
        .mount(server)
        .await;
}

fn password_grant(server: &MockServer) -> PasswordGrant {
    PasswordGrant::new(token_url(server), "openremote", USER, PASSWORD)
}

async fn current_token(client: &Client) -> String {
    client
        .get_current_user()
        .await
        .expect("the current user")
        .username
        .unwrap()
}

#[tokio::test]
async fn password_grant_uses_the_refresh_token_and_signs_in_again_when_it_expires() {
    let server = MockServer::start().await;
    // Tokens renewed after 0.8 s; refresh tokens usable for 1.6 s.
    let keycloak = Keycloak::new(1, 2);
    keycloak.mount(&server).await;
    echo_current_user(&server).await;
    let client = Client::builder()
        .base_url(base_url(&server))
        .password_grant(password_grant(&server))
        .build()
        .unwrap();

    assert_eq!(current_token(&client).await, "access-1");
    assert_eq!(current_token(&client).await, "access-1", "kept while it is good");
    assert_eq!(keycloak.grants(), ["password"]);

    tokio::time::sleep(Duration::from_millis(900)).await;
    assert_eq!(current_token(&client).await, "access-2");
    assert_eq!(keycloak.grants(), ["password", "refresh_token"]);

    // Both the access token and the refresh token have run out.
    tokio::time::sleep(Duration::from_millis(1700)).await;
    assert_eq!(current_token(&client).await, "access-3");
    assert_eq!(keycloak.grants(), ["password", "refresh_token", "password"]);
}

#[tokio::test]
async fn a_refused_refresh_token_signs_in_again_with_the_password() {
    let server = MockServer::start().await;
    let keycloak = Keycloak::new(60, 1800);
    keycloak.mount(&server).await;
    // The first token is refused (a session ended on the server), the next accepted.
    Mock::given(method("GET"))
        .and(path("/api/master/user/user"))
        .and(has_header("authorization", "Bearer access-1"))
        .respond_with(ResponseTemplate::new(401).set_body_string("Unauthorized"))
        .with_priority(1)
        .mount(&server)
        .await;
    echo_current_user(&server).await;
    keycloak.refresh_revoked.store(true, Ordering::SeqCst);
    let client = Client::builder()
        .base_url(base_url(&server))
        .password_grant(password_grant(&server))
        .build()
        .unwrap();

    assert_eq!(current_token(&client).await, "access-2");
    assert_eq!(keycloak.grants(), ["password", "refresh_token (refused)", "password"]);
}

#[tokio::test]
async fn a_wrong_password_is_an_auth_error_without_the_password() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": "invalid_grant",
            "error_description": "Invalid user credentials"
        })))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(base_url(&server))
        .password_grant(password_grant(&server))
        .build()
        .unwrap();
    let error = client.get_current_user().await.unwrap_err();
    let Error::Auth(auth) = &error else {
        panic!("expected an auth error, got {error:?}");
    };
    assert_eq!(auth.status().map(|s| s.as_u16()), Some(401));
    assert!(auth.body().unwrap().contains("Invalid user credentials"));
    for text in [format!("{error}"), format!("{error:?}"), format!("{client:?}")] {
        assert!(!text.contains(PASSWORD), "{text}");
    }
    assert!(format!("{client:?}").contains(USER));
}

#[tokio::test]
async fn a_failing_token_source_fails_the_call_unsent() {
    let server = MockServer::start().await;
    echo_current_user(&server).await;
    let client = Client::builder()
        .base_url(base_url(&server))
        .token_source(|_: TokenRequest| async { Err("the vault is sealed".into()) })
        .build()
        .unwrap();
    let error = client.get_current_user().await.unwrap_err();
    let Error::Auth(auth) = &error else {
        panic!("expected an auth error, got {error:?}");
    };
    assert_eq!(auth.token_url(), None);
    // The cause is the source only, not repeated in the error's own line.
    assert_eq!(error.to_string(), "the token source failed");
    let source = std::error::Error::source(auth).expect("the source's error");
    assert_eq!(source.to_string(), "the vault is sealed");
    assert!(server.received_requests().await.unwrap().is_empty(), "nothing sent");
}

/// A source of the user's, counting how often it is asked and what for.
#[derive(Clone, Default)]
struct Vault {
    asked: Arc<Mutex<Vec<TokenRequest>>>,
}

impl openremote_client::TokenSource for Vault {
    async fn token(&self, request: TokenRequest) -> Result<AccessToken, Box<dyn std::error::Error + Send + Sync>> {
        let n = {
            let mut asked = self.asked.lock().unwrap();
            asked.push(request);
            asked.len()
        };
        // Slow, so that the concurrent calls pile up behind one request.
        tokio::time::sleep(Duration::from_millis(100)).await;
        Ok(AccessToken::new(format!("vault-{n}")).expires_in(Duration::from_secs(300)))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_source_is_asked_once_for_many_concurrent_calls() {
    let server = MockServer::start().await;
    echo_current_user(&server).await;
    let vault = Vault::default();
    let client = Client::builder()
        .base_url(base_url(&server))
        .token_source(vault.clone())
        .build()
        .unwrap();
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..24 {
        let client = client.clone();
        calls.spawn(async move { current_token(&client).await });
    }
    while let Some(token) = calls.join_next().await {
        assert_eq!(token.unwrap(), "vault-1");
    }
    assert_eq!(vault.asked.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_401_asks_the_token_source_again() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/master/user/user"))
        .and(has_header("authorization", "Bearer vault-1"))
        .respond_with(ResponseTemplate::new(401).set_body_string("Unauthorized"))
        .with_priority(1)
        .mount(&server)
        .await;
    echo_current_user(&server).await;
    let vault = Vault::default();
    let client = Client::builder()
        .base_url(base_url(&server))
        .token_source(vault.clone())
        .build()
        .unwrap();
    assert_eq!(current_token(&client).await, "vault-2");
    let asked: Vec<bool> = vault.asked.lock().unwrap().iter().map(|r| r.rejected).collect();
    assert_eq!(asked, [false, true], "asked again, told the last token was refused");
    // The new token is kept.
    assert_eq!(current_token(&client).await, "vault-2");
    assert_eq!(vault.asked.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn an_access_token_given_directly_is_sent_and_can_be_replaced() {
    let server = MockServer::start().await;
    echo_current_user(&server).await;
    let client = Client::builder()
        .base_url(base_url(&server))
        .bearer_token("from-elsewhere-1")
        .build()
        .unwrap();
    assert_eq!(current_token(&client).await, "from-elsewhere-1");
    client.set_bearer_token("from-elsewhere-2");
    assert_eq!(current_token(&client).await, "from-elsewhere-2");
    assert!(!format!("{client:?}").contains("from-elsewhere"));
}

/// Adds a request id to every request.
struct RequestId;

impl Hook for RequestId {
    fn before_send(&self, request: &mut reqwest::Request, _: &Attempt<'_>) {
        request
            .headers_mut()
            .insert("x-request-id", reqwest::header::HeaderValue::from_static("req-7"));
    }
}

#[tokio::test]
async fn a_hook_adds_a_header_to_every_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/master/user/user"))
        .and(has_header("x-request-id", "req-7"))
        .respond_with(EchoToken)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(base_url(&server))
        .bearer_token("t")
        .hook(RequestId)
        .build()
        .unwrap();
    assert_eq!(current_token(&client).await, "t");
}

/// Every attempt a hook saw: what for, which, and how it ended.
#[derive(Clone, Default)]
struct Recorder {
    seen: Arc<Mutex<Vec<String>>>,
    before: Arc<AtomicUsize>,
}

impl Hook for Recorder {
    fn before_send(&self, _: &mut reqwest::Request, _: &Attempt<'_>) {
        self.before.fetch_add(1, Ordering::SeqCst);
    }

    fn after_attempt(&self, attempt: &Attempt<'_>, outcome: Outcome<'_>, elapsed: Duration) {
        assert!(elapsed < Duration::from_secs(5));
        let what = match attempt.purpose {
            Purpose::Call => format!(
                "{} {} {}",
                attempt.operation_id.unwrap(),
                attempt.method,
                attempt.path_template.unwrap()
            ),
            Purpose::Token { grant } => format!("token {grant}"),
            _ => "other".to_owned(),
        };
        let how = match outcome {
            Outcome::Response { status, .. } => status.as_u16().to_string(),
            Outcome::Failed(_) => "failed".to_owned(),
            _ => "other".to_owned(),
        };
        self.seen
            .lock()
            .unwrap()
            .push(format!("{what} #{} {how}", attempt.number));
    }
}

#[tokio::test]
async fn a_hook_sees_every_retry_and_every_token_request() {
    let server = MockServer::start().await;
    let keycloak = Keycloak::new(60, 1800);
    keycloak.mount(&server).await;
    // Busy twice, then the user; then the token is refused once.
    Mock::given(method("GET"))
        .and(path("/api/master/user/openremote/user-id-1"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/master/user/openremote/user-id-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"username": "bob", "serviceAccount": false})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/master/user/user"))
        .and(has_header("authorization", "Bearer access-1"))
        .respond_with(ResponseTemplate::new(401))
        .with_priority(1)
        .mount(&server)
        .await;
    echo_current_user(&server).await;
    let recorder = Recorder::default();
    let client = Client::builder()
        .base_url(base_url(&server))
        .password_grant(password_grant(&server))
        .hook(recorder.clone())
        .build()
        .unwrap();

    let user = client.get_user("openremote", "user-id-1").await.unwrap();
    assert_eq!(user.and_then(|user| user.username).as_deref(), Some("bob"));
    assert_eq!(current_token(&client).await, "access-2");
    assert_eq!(
        *recorder.seen.lock().unwrap(),
        [
            "token password #1 200",
            "getUser GET /user/{realm}/{userId} #1 503",
            "getUser GET /user/{realm}/{userId} #2 503",
            "getUser GET /user/{realm}/{userId} #3 200",
            "getCurrentUser GET /user/user #1 401",
            "token refresh_token #1 200",
            "getCurrentUser GET /user/user #2 200",
        ]
    );
    assert_eq!(recorder.before.load(Ordering::SeqCst), 7, "before each, too");
}

/// `GET /users/me` of VRM answering with the key it was given.
struct EchoKey;

impl Respond for EchoKey {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let key = header(request, "x-authorization").unwrap_or("none").to_owned();
        ResponseTemplate::new(200)
            .set_body_json(json!({"success": true, "user": {"id": 1, "name": key, "email": "x@example.org"}}))
            // Calls overlap at the server.
            .set_delay(Duration::from_millis(5))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_user_clients_share_connections_but_never_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users/me"))
        .respond_with(EchoKey)
        .mount(&server)
        .await;
    let counter = Recorder::default();
    let service = vrm_client::Client::builder()
        .base_url(server.uri())
        .hook(counter.clone())
        .build()
        .unwrap();
    let users: Vec<(String, vrm_client::Client)> = (0..4)
        .map(|n| {
            let key = format!("Token key-of-user-{n}");
            let client = service.with_api_key(key.clone());
            (key, client)
        })
        .collect();
    let mut calls = tokio::task::JoinSet::new();
    for round in 0..10 {
        for (key, client) in &users {
            let (key, client) = (key.clone(), client.clone());
            calls.spawn(async move {
                // Changing one user's key now and then must not reach the others.
                if round == 5 {
                    client.set_api_key(key.clone());
                }
                let me = client.get_me().await.expect("me");
                assert_eq!(
                    me.user.and_then(|user| user.name).as_deref(),
                    Some(key.as_str()),
                    "a user's call carried another's key"
                );
            });
        }
    }
    while let Some(done) = calls.join_next().await {
        done.unwrap();
    }
    // The service client itself still has no key; every client used the one pool and hooks.
    let error = service.get_me().await;
    assert!(error.is_ok(), "the echo server answers anyone");
    assert_eq!(counter.before.load(Ordering::SeqCst), 41);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests
            .iter()
            .filter(|r| header(r, "x-authorization").is_none())
            .count(),
        1
    );
}
