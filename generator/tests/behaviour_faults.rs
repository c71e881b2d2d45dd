//! Faults, against both generated clients on loopback: connection refused,
//! a server that never answers, a body in chunks, a 500 with HTML, truncated JSON, 429 and 503
//! with `Retry-After`, retry bounds with full-jitter backoff, what is retried for which method
//! (`x-idempotent`), token fetches retried, and the overall deadline of a call. Every
//! fault ends in a typed error that keeps what the server sent; none panics
//! or hangs.

mod common;

use common::requests;
use serde_json::json;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SHORT: Duration = Duration::from_millis(300);

fn vrm(base_url: &str) -> vrm_client::ClientBuilder {
    vrm_client::Client::builder()
        .base_url(base_url)
        .api_key("Token abc")
        .timeout(Duration::from_secs(5))
}

fn login_body() -> vrm_client::types::LoginRequest {
    vrm_client::types::LoginRequest {
        username: "jane@example.com".into(),
        password: "pw".into(),
        sms_token: None,
        remember_me: None,
    }
}

/// An address on loopback where nothing listens.
fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    format!("http://{address}")
}

/// A server that accepts connections, reads the request, and answers with
/// `reply` (raw bytes; then closes) or, with `None`, never answers.
async fn raw_server(reply: Option<&'static [u8]>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buffer = vec![0; 16 * 1024];
                let _ = socket.read(&mut buffer).await;
                match reply {
                    Some(bytes) => {
                        let _ = socket.write_all(bytes).await;
                        let _ = socket.shutdown().await;
                    }
                    None => {
                        // keep the connection open, say nothing (the test's runtime ends it)
                        tokio::time::sleep(Duration::from_secs(60)).await;
                    }
                }
            });
        }
    });
    format!("http://{address}")
}

/// A server for one connection: it reads the request, then `answer` writes
/// whatever it likes on the socket.
async fn serve_once<F, A>(answer: F) -> String
where
    F: FnOnce(TcpStream) -> A + Send + 'static,
    A: Future<Output = ()> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        let mut buffer = vec![0; 16 * 1024];
        let _ = socket.read(&mut buffer).await;
        answer(socket).await;
    });
    format!("http://{address}")
}

// ---------------------------------------------------------------- the connection

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let client = vrm(&closed_port()).max_retries(0).build().expect("client");
    let error = client.get_me().await.expect_err("refused");
    let vrm_client::Error::Transport(transport) = &error else {
        panic!("expected Transport, got {error:?}")
    };
    assert!(transport.is_connect(), "{transport:?}");
    assert_eq!(error.status(), None);
}

#[tokio::test]
async fn connection_refused_on_get_is_retried_with_backoff_up_to_the_bound() {
    let client = vrm(&closed_port()).max_retries(2).build().expect("client");
    let started = Instant::now();
    let error = client.get_me().await.expect_err("refused");
    let elapsed = started.elapsed();
    assert!(matches!(error, vrm_client::Error::Transport(_)), "{error:?}");
    // full jitter: two waits of at most 200 ms and 400 ms between the three attempts
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

/// A refused connection never reached the server: even a POST is retried.
/// The port opens while the client is retrying; the retry finds it.
#[tokio::test]
async fn connection_refused_on_post_is_retried() {
    let base = closed_port();
    let address = base.trim_start_matches("http://").to_owned();
    let server = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let listener = TcpListener::bind(&address).await.expect("the port is free again");
        let (mut socket, _) = listener.accept().await.expect("the retry connects");
        let mut buffer = vec![0; 16 * 1024];
        let _ = socket.read(&mut buffer).await;
        let body = r#"{"token":"t","idUser":1,"verification_mode":"password","verification_sent":false}"#;
        let reply = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = socket.write_all(reply.as_bytes()).await;
        let _ = socket.shutdown().await;
    });
    let client = vrm(&base)
        .max_retries(20)
        .total_timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let answer = client.login(&login_body()).await.expect("a retry reaches the server");
    assert_eq!(answer.id_user, 1);
    server.await.expect("served");
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let base = raw_server(None).await;
    let client = vrm(&base).timeout(SHORT).max_retries(0).build().expect("client");
    let started = Instant::now();
    let error = client.get_me().await.expect_err("timeout");
    let elapsed = started.elapsed();
    assert!(error.is_timeout(), "{error:?}");
    assert!(matches!(error, vrm_client::Error::Transport(_)));
    assert!(elapsed >= SHORT && elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[tokio::test]
async fn the_timeout_also_bounds_a_callers_own_http_client() {
    // A caller's `reqwest::Client` (here without any timeout of its own)
    // gets the builder's timeout on every request.
    let base = raw_server(None).await;
    let client = vrm(&base)
        .http_client(reqwest::Client::new())
        .timeout(SHORT)
        .max_retries(0)
        .build()
        .expect("client");
    let started = Instant::now();
    let error = client.get_me().await.expect_err("timeout");
    let elapsed = started.elapsed();
    assert!(error.is_timeout(), "{error:?}");
    assert!(elapsed >= SHORT && elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[tokio::test]
async fn a_timed_out_get_is_retried_a_bounded_number_of_times() {
    let base = raw_server(None).await;
    let client = vrm(&base).timeout(SHORT).max_retries(1).build().expect("client");
    let started = Instant::now();
    let error = client.get_me().await.expect_err("timeout");
    let elapsed = started.elapsed();
    assert!(error.is_timeout(), "{error:?}");
    // two attempts of 300 ms and a pause of at most 200 ms
    assert!(
        elapsed >= Duration::from_millis(600) && elapsed < Duration::from_secs(3),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn a_timed_out_post_is_not_retried() {
    let base = raw_server(None).await;
    let client = vrm(&base).timeout(SHORT).max_retries(3).build().expect("client");
    let started = Instant::now();
    let error = client.login(&login_body()).await.expect_err("timeout");
    let elapsed = started.elapsed();
    assert!(error.is_timeout(), "{error:?}");
    // one attempt: the server may have processed it
    assert!(elapsed < SHORT * 2, "{elapsed:?}");
}

#[tokio::test]
async fn the_total_timeout_ends_a_call_whose_attempts_would_run_longer() {
    let base = raw_server(None).await;
    let client = vrm(&base)
        .timeout(Duration::from_secs(30))
        .total_timeout(SHORT)
        .build()
        .expect("client");
    let started = Instant::now();
    let error = client.get_me().await.expect_err("deadline");
    let elapsed = started.elapsed();
    assert!(
        matches!(error, vrm_client::Error::TimedOut(total) if total == SHORT),
        "{error:?}"
    );
    assert!(error.is_timeout());
    assert!(elapsed >= SHORT && elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert!(error.to_string().contains("deadline"), "{error}");
}

#[tokio::test]
async fn a_body_that_stalls_times_out() {
    // headers come, the body never does: the timeout covers the whole exchange
    let base = serve_once(|mut socket| async move {
        let head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"success\":";
        let _ = socket.write_all(head).await;
        tokio::time::sleep(Duration::from_secs(60)).await;
    })
    .await;
    let client = vrm(&base).timeout(SHORT).max_retries(0).build().expect("client");
    let started = Instant::now();
    let error = client.get_me().await.expect_err("timeout");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert!(error.is_timeout(), "{error:?}");
}

#[tokio::test]
async fn a_connection_closed_mid_body_is_a_transport_error() {
    let base = raw_server(Some(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"success\":true,\"records\":[{\"idSite\":1,",
    ))
    .await;
    let client = vrm(&base).max_retries(0).build().expect("client");
    let error = client.list_installations("1").await.expect_err("cut off");
    assert!(matches!(error, vrm_client::Error::Transport(_)), "{error:?}");
}

/// A server that answers `head` (status line and headers, without the
/// framing) and then `pieces` as HTTP/1.1 chunks, one write and a pause
/// apiece, so that the client receives the body in several reads.
async fn chunked_server(head: &'static str, pieces: &'static [&'static str]) -> String {
    serve_once(move |mut socket| async move {
        let head = format!("{head}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        let _ = socket.write_all(head.as_bytes()).await;
        for piece in pieces {
            let chunk = format!("{:x}\r\n{piece}\r\n", piece.len());
            let _ = socket.write_all(chunk.as_bytes()).await;
            let _ = socket.flush().await;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let _ = socket.write_all(b"0\r\n\r\n").await;
        let _ = socket.shutdown().await;
    })
    .await
}

#[tokio::test]
async fn a_body_that_arrives_in_chunks_is_decoded_whole() {
    let base = chunked_server(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json",
        &[r#"{"success":true,"#, r#""user":{"id":22,"name":"#, r#""demo demo"}}"#],
    )
    .await;
    let client = vrm(&base).max_retries(0).build().expect("client");
    let me = client.get_me().await.expect("decoded from three chunks");
    let user = me.user.expect("user");
    assert_eq!(user.id, Some(22));
    assert_eq!(user.name.as_deref(), Some("demo demo"));
}

#[tokio::test]
async fn an_error_body_that_arrives_in_chunks_is_kept_whole() {
    let base = chunked_server(
        "HTTP/1.1 403 Forbidden\r\nContent-Type: application/json",
        &[
            r#"{"success":false,"errors":"#,
            r#""not allowed","#,
            r#""error_code":"forbidden"}"#,
        ],
    )
    .await;
    let client = vrm(&base).max_retries(0).build().expect("client");
    let error = client.get_me().await.expect_err("403");
    let vrm_client::Error::Api(api) = &error else {
        panic!("expected Api, got {error:?}")
    };
    assert_eq!(api.status.as_u16(), 403);
    assert_eq!(
        api.body_text(),
        r#"{"success":false,"errors":"not allowed","error_code":"forbidden"}"#
    );
    assert!(api.parsed.is_some(), "the whole body parses as the error schema");
}

#[tokio::test]
async fn garbage_instead_of_http_is_a_transport_error() {
    let base = raw_server(Some(b"SSH-2.0-OpenSSH_9.6\r\n")).await;
    let client = vrm(&base).max_retries(0).build().expect("client");
    let error = client.get_me().await.expect_err("not HTTP");
    assert!(matches!(error, vrm_client::Error::Transport(_)), "{error:?}");
}

// ---------------------------------------------------------------- what the server says

#[tokio::test]
async fn a_500_with_html_keeps_the_body_and_is_not_retried() {
    let server = MockServer::start().await;
    let html = "<html><head><title>500 Internal Server Error</title></head><body><h1>Oops</h1></body></html>";
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_raw(html, "text/html; charset=utf-8"))
        .mount(&server)
        .await;
    let client = vrm(&server.uri()).build().expect("client");
    let error = client.get_me().await.expect_err("500");
    let vrm_client::Error::Api(api) = &error else {
        panic!("expected Api, got {error:?}")
    };
    assert_eq!(api.status.as_u16(), 500);
    assert_eq!(api.body_text(), html);
    assert!(api.parsed.is_none());
    assert_eq!(
        api.headers.get("content-type").map(|v| v.to_str().unwrap()),
        Some("text/html; charset=utf-8")
    );
    assert!(error.to_string().contains("500"), "{error}");
    assert_eq!(requests(&server).await.len(), 1, "a 500 is not retried");
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_that_keeps_the_body() {
    let server = MockServer::start().await;
    let cut = r#"{"success":true,"records":[{"idSite":400100,"name":"Farmh"#;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(cut, "application/json"))
        .mount(&server)
        .await;
    let client = vrm(&server.uri()).build().expect("client");
    let error = client.list_installations("9001").await.expect_err("truncated");
    let vrm_client::Error::Decode(decode) = &error else {
        panic!("expected Decode, got {error:?}")
    };
    assert_eq!(decode.status.as_u16(), 200);
    assert_eq!(decode.body_text(), cut);
    assert!(decode.source.is_eof(), "{:?}", decode.source);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"success": true, "records": {"0": "x"}})))
        .mount(&server)
        .await;
    let client = vrm(&server.uri()).build().expect("client");
    let error = client.list_installations("9001").await.expect_err("wrong shape");
    assert!(matches!(error, vrm_client::Error::Decode(_)), "{error:?}");
    assert!(error.to_string().contains("does not decode"), "{error}");
}

// ---------------------------------------------------------------- 429, 503, Retry-After

/// `first` once, then `then` for every later request.
async fn sequence(server: &MockServer, verb: &str, at: &str, first: ResponseTemplate, then: ResponseTemplate) {
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(first)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(then)
        .with_priority(2)
        .mount(server)
        .await;
}

fn rate_limited() -> ResponseTemplate {
    ResponseTemplate::new(429)
        .insert_header("Retry-After", "1")
        .set_body_json(json!({"success": false, "errors": "Too many requests", "error_code": "rate_limited"}))
}

fn me(id: i64) -> vrm_client::types::MeResponse {
    serde_json::from_value(json!({"success": true, "user": {"id": id}})).expect("a user")
}

/// An OpenRemote client for the mock server, which hands out its tokens.
fn openremote(server: &openremote_client::mock::MockServer) -> openremote_client::Client {
    openremote_client::Client::builder()
        .base_url(server.url())
        .client_credentials(server.token_url(), "id", "secret")
        .build()
        .expect("client")
}

#[tokio::test]
async fn a_429_on_get_waits_for_retry_after_and_retries() {
    let server = vrm_client::mock::MockServer::start().await;
    let _mock = server.get_me().respond(rate_limited()).ok(&me(22)).expect(2).await;
    let client = vrm(&server.url()).build().expect("client");
    let started = Instant::now();
    let me = client.get_me().await.expect("succeeds after the wait");
    let elapsed = started.elapsed();
    assert_eq!(me.user.and_then(|u| u.id), Some(22));
    assert!(
        elapsed >= Duration::from_millis(950),
        "Retry-After honoured: {elapsed:?}"
    );
    assert!(elapsed < Duration::from_millis(2500), "{elapsed:?}");
}

#[tokio::test]
async fn a_503_on_put_waits_for_retry_after_and_retries() {
    let server = openremote_client::mock::MockServer::start().await;
    let unavailable = ResponseTemplate::new(503)
        .insert_header("Retry-After", "1")
        .set_body_raw(
            "Request failed with HTTP error status: 503 Service Unavailable",
            "text/plain",
        );
    // Both attempts carry the same body: the mock matches only that one.
    let _mock = server
        .update_current_user_locale()
        .body("en")
        .respond(unavailable)
        .no_content()
        .expect(2)
        .await;
    let client = openremote(&server);
    let started = Instant::now();
    client
        .update_current_user_locale("en")
        .await
        .expect("succeeds after the wait");
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(950) && elapsed < Duration::from_millis(2500),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn a_502_on_delete_is_retried_with_backoff() {
    let server = openremote_client::mock::MockServer::start().await;
    let _mock = server
        .delete_user()
        .realm("r")
        .user_id("u")
        .respond(ResponseTemplate::new(502).set_body_raw("<html>Bad Gateway</html>", "text/html"))
        .no_content()
        .expect(2)
        .await;
    let started = Instant::now();
    openremote(&server)
        .delete_user("r", "u")
        .await
        .expect("succeeds on the second attempt");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    // `.expect(2)`: both attempts, checked when the mock is dropped.
}

#[tokio::test]
async fn retries_stop_at_the_bound_and_keep_the_last_answer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_json(json!({"success": false, "errors": "Maintenance", "error_code": null})),
        )
        .mount(&server)
        .await;
    let client = vrm(&server.uri()).max_retries(2).build().expect("client");
    let started = Instant::now();
    let error = client.get_me().await.expect_err("still 503");
    let elapsed = started.elapsed();
    let vrm_client::Error::Api(api) = &error else {
        panic!("expected Api, got {error:?}")
    };
    assert_eq!(api.status.as_u16(), 503);
    assert_eq!(
        api.parsed.as_ref().and_then(|p| p.errors.clone()),
        Some(vrm_client::types::ErrorMessages::String("Maintenance".into()))
    );
    assert_eq!(requests(&server).await.len(), 3, "one attempt and two retries");
    // two jittered waits of at most 200 ms and 400 ms
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

/// The worst a call does with every default but the server's: a 503 with
/// `Retry-After: 1` on every attempt ends after the default 3 retries,
/// each waiting as asked, with the last answer.
#[tokio::test]
async fn with_the_defaults_a_server_that_keeps_failing_ends_the_call_after_three_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("Retry-After", "1")
                .set_body_json(json!({"success": false, "errors": "Maintenance"})),
        )
        .mount(&server)
        .await;
    let client = vrm_client::Client::builder()
        .base_url(server.uri())
        .api_key("Token abc")
        .build()
        .expect("client");
    let started = Instant::now();
    let error = client.get_me().await.expect_err("still 503");
    let elapsed = started.elapsed();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(requests(&server).await.len(), 4, "one attempt and three retries");
    assert!(
        elapsed >= Duration::from_millis(2900) && elapsed < Duration::from_secs(10),
        "{elapsed:?}"
    );
}

/// A wait that would end after the call's deadline is not taken: the call
/// ends at once with the server's answer, which says when to come back.
#[tokio::test]
async fn a_wait_past_the_total_timeout_is_not_taken() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(rate_limited().insert_header("Retry-After", "5"))
        .mount(&server)
        .await;
    let client = vrm(&server.uri())
        .total_timeout(Duration::from_secs(2))
        .build()
        .expect("client");
    let started = Instant::now();
    let error = client.get_me().await.expect_err("429");
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
    let vrm_client::Error::Api(api) = &error else {
        panic!("expected Api, got {error:?}")
    };
    assert_eq!(api.retry_after(), Some(Duration::from_secs(5)));
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_retry_after_longer_than_allowed_ends_at_once_with_the_429() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "120")
                .set_body_json(json!({"success": false, "errors": "Too many requests"})),
        )
        .mount(&server)
        .await;
    let client = vrm(&server.uri())
        .max_retry_delay(Duration::from_secs(2))
        .build()
        .expect("client");
    let started = Instant::now();
    let error = client.get_me().await.expect_err("429");
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    let vrm_client::Error::Api(api) = &error else {
        panic!("expected Api, got {error:?}")
    };
    assert_eq!(api.status.as_u16(), 429);
    assert_eq!(api.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(requests(&server).await.len(), 1);
}

/// A 429 was not processed: even a POST (`login`) is retried after `Retry-After`.
#[tokio::test]
async fn a_429_on_post_is_retried() {
    let server = MockServer::start().await;
    sequence(
        &server,
        "POST",
        "/auth/login",
        rate_limited(),
        ResponseTemplate::new(200).set_body_json(
            json!({"token": "t", "idUser": 1, "verification_mode": "password", "verification_sent": false}),
        ),
    )
    .await;
    let client = vrm(&server.uri()).build().expect("client");
    let started = Instant::now();
    let answer = client.login(&login_body()).await.expect("retried");
    assert_eq!(answer.id_user, 1);
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(950),
        "Retry-After honoured: {elapsed:?}"
    );
    let all = requests(&server).await;
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].body, all[1].body);
}

fn unavailable() -> ResponseTemplate {
    ResponseTemplate::new(503).set_body_json(json!({"success": false, "errors": "Maintenance"}))
}

/// A 503 on a POST may have been processed: not retried, unless the spec
/// says the operation is idempotent or the caller opts in.
#[tokio::test]
async fn a_503_on_post_is_retried_only_where_the_operation_is_idempotent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(unavailable())
        .mount(&server)
        .await;
    let client = vrm(&server.uri()).build().expect("client");
    let error = client.login(&login_body()).await.expect_err("503");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(requests(&server).await.len(), 1, "login is not retried");

    // `getSiteId` is a POST that only reads: `x-idempotent: true` in the spec
    let server = MockServer::start().await;
    sequence(
        &server,
        "POST",
        "/users/9001/get-site-id",
        unavailable(),
        ResponseTemplate::new(200).set_body_json(json!({"success": true, "records": {"site_id": 1}})),
    )
    .await;
    let client = vrm(&server.uri()).build().expect("client");
    let body = vrm_client::types::GetSiteIdRequest {
        installation_identifier: "abc".into(),
    };
    client.get_site_id("9001", &body).await.expect("retried");
    let all = requests(&server).await;
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].body, all[1].body);
}

#[tokio::test]
async fn a_503_on_post_is_retried_when_the_caller_opts_in() {
    let server = MockServer::start().await;
    sequence(
        &server,
        "POST",
        "/auth/login",
        unavailable(),
        ResponseTemplate::new(200).set_body_json(
            json!({"token": "t", "idUser": 1, "verification_mode": "password", "verification_sent": false}),
        ),
    )
    .await;
    let client = vrm(&server.uri()).retry_non_idempotent(true).build().expect("client");
    client.login(&login_body()).await.expect("retried");
    assert_eq!(requests(&server).await.len(), 2);
}

/// `logout` is a GET with a side effect: `x-idempotent: false` in the spec.
#[tokio::test]
async fn a_503_on_a_get_the_spec_calls_not_idempotent_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(unavailable())
        .mount(&server)
        .await;
    let client = vrm(&server.uri()).build().expect("client");
    let error = client.logout().await.expect_err("503");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(requests(&server).await.len(), 1);
    // a 429 was not processed, so even `logout` is retried after one
    let server = MockServer::start().await;
    sequence(
        &server,
        "GET",
        "/auth/logout",
        rate_limited().insert_header("Retry-After", "0"),
        ResponseTemplate::new(200).set_body_json(json!({"success": true})),
    )
    .await;
    let client = vrm(&server.uri()).build().expect("client");
    client.logout().await.expect("retried after the 429");
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn max_retries_zero_turns_retries_off() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(rate_limited())
        .mount(&server)
        .await;
    let client = vrm(&server.uri()).max_retries(0).build().expect("client");
    let error = client.get_me().await.expect_err("429");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_burst_past_the_rate_limit_recovers() {
    // VRM allows about 3 requests a second: the fourth of a burst gets a 429
    let server = vrm_client::mock::MockServer::start().await;
    let list: vrm_client::types::InstallationList =
        serde_json::from_value(json!({"success": true, "records": []})).expect("list");
    let _mock = server
        .list_installations()
        .ok(&list)
        .ok(&list)
        .ok(&list)
        .respond(rate_limited())
        .ok(&list)
        .expect(5)
        .await;
    let client = vrm(&server.url()).build().expect("client");
    let started = Instant::now();
    for _ in 0..4 {
        client.list_installations("9001").await.expect("every call succeeds");
    }
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_invalid_base_url_is_refused_at_build() {
    for bad in ["not a url", "ftp://127.0.0.1/", "127.0.0.1:8080"] {
        let built = vrm_client::Client::builder().base_url(bad).build();
        assert!(
            matches!(built, Err(vrm_client::BuildError::InvalidBaseUrl(_))),
            "{bad}: {built:?}"
        );
    }
}

// ---------------------------------------------------------------- what a server can make the client hold

/// A server that answers `head` (status line and headers, without the
/// framing), then sends `piece` as an HTTP/1.1 chunk every `pause`, forever
/// (until the client hangs up).
async fn endless_server(head: &'static str, piece: &'static [u8], pause: Duration) -> String {
    serve_once(move |mut socket| async move {
        let head = format!("{head}\r\nTransfer-Encoding: chunked\r\n\r\n");
        if socket.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let mut chunk = format!("{:x}\r\n", piece.len()).into_bytes();
        chunk.extend_from_slice(piece);
        chunk.extend_from_slice(b"\r\n");
        while socket.write_all(&chunk).await.is_ok() {
            if !pause.is_zero() {
                tokio::time::sleep(pause).await;
            }
        }
    })
    .await
}

#[tokio::test]
async fn a_body_announced_longer_than_the_limit_is_refused_unread() {
    let base = serve_once(|mut socket| async move {
        let head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n{";
        let _ = socket.write_all(head).await;
        tokio::time::sleep(Duration::from_secs(60)).await;
    })
    .await;
    let client = vrm(&base).max_body_size(1024).max_retries(0).build().expect("client");
    let started = Instant::now();
    let error = client.get_me().await.expect_err("too large");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    let vrm_client::Error::TooLarge(too_large) = &error else {
        panic!("expected TooLarge, got {error:?}");
    };
    assert_eq!((too_large.limit, too_large.announced), (1024, Some(1_000_000_000)));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert!(error.to_string().contains("max_body_size"), "{error}");
}

#[tokio::test]
async fn an_endless_body_is_cut_off_at_the_limit() {
    // No length announced; the server sends 8 KiB chunks as fast as it can.
    static PIECE: [u8; 8192] = [b' '; 8192];
    let base = endless_server(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json",
        &PIECE,
        Duration::ZERO,
    )
    .await;
    let client = vrm(&base)
        .max_body_size(1 << 20)
        .timeout(Duration::from_secs(20))
        .max_retries(0)
        .build()
        .expect("client");
    let started = Instant::now();
    let error = client.get_me().await.expect_err("too large");
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    let vrm_client::Error::TooLarge(too_large) = &error else {
        panic!("expected TooLarge, got {error:?}");
    };
    assert_eq!((too_large.limit, too_large.announced), (1 << 20, None));
}

#[tokio::test]
async fn a_body_of_exactly_the_limit_is_read() {
    const LIMIT: usize = 100_000;
    let mut body = br#"{"success":true,"pad":""#.to_vec();
    body.resize(LIMIT - 2, b'x');
    body.extend_from_slice(br#""}"#);
    let reply: &'static [u8] = Box::leak(
        [
            format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {LIMIT}\r\n\r\n").as_bytes(),
            &body[..],
        ]
        .concat()
        .into_boxed_slice(),
    );
    let base = raw_server(Some(reply)).await;
    let client = vrm(&base).max_body_size(LIMIT).max_retries(0).build().expect("client");
    let me = client.get_me().await.expect("a body of the limit's length is read");
    assert_eq!(me.success, Some(true));
    let client = vrm(&base)
        .max_body_size(LIMIT - 1)
        .max_retries(0)
        .build()
        .expect("client");
    let error = client.get_me().await.expect_err("one byte too many");
    assert!(matches!(error, vrm_client::Error::TooLarge(_)), "{error:?}");
}

/// A `get_me` answer with JSON nested `depth` arrays deep in `member`.
fn nested_json(member: &str, depth: usize) -> &'static [u8] {
    let body = format!(
        r#"{{"success":true,"{member}":{}{}}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let reply = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    Box::leak(reply.into_bytes().into_boxed_slice())
}

#[tokio::test]
async fn deeply_nested_json_in_an_unknown_member_is_a_decode_error_not_a_stack_overflow() {
    // On the test's own thread (2 MiB of stack), a debug build. A model keeps
    // the members it does not know (to send them back), so a million-deep one
    // is not skipped: serde_json's recursion limit makes it a decode error.
    let base = raw_server(Some(nested_json("unknown", 1_000_000))).await;
    let client = vrm(&base).max_retries(0).build().expect("client");
    let error = client.get_me().await.expect_err("too deep to keep");
    let vrm_client::Error::Decode(decode) = &error else {
        panic!("expected a decode error");
    };
    assert!(
        decode.source.to_string().contains("recursion limit"),
        "{}",
        decode.source
    );
    assert!(decode.path.as_deref().is_some_and(|p| p.starts_with("unknown[0]")));
}

/// A 400 whose `error` member (any JSON value, as the spec says) is
/// nested `depth` arrays deep.
async fn nested_error_server(depth: usize) -> String {
    let body = format!(
        r#"{{"success":false,"error":{}{}}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let reply = format!(
        "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    raw_server(Some(Box::leak(reply.into_bytes().into_boxed_slice()))).await
}

#[tokio::test]
async fn deeply_nested_json_is_refused_not_a_stack_overflow() {
    // Shallow, the body decodes as the spec's error schema.
    let client = vrm(&nested_error_server(10).await)
        .max_retries(0)
        .build()
        .expect("client");
    let error = client.get_me().await.expect_err("400");
    let vrm_client::Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert!(api.parsed.is_some(), "{error:?}");
    // A million deep, on the test's own thread (2 MiB of stack), a debug
    // build: `serde_json` stops at 128 levels, so the body is kept raw.
    let depth = 1_000_000;
    let client = vrm(&nested_error_server(depth).await)
        .max_retries(0)
        .build()
        .expect("client");
    let error = client.get_me().await.expect_err("400");
    let vrm_client::Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert!(api.parsed.is_none());
    assert!(api.body.len() > 2 * depth);
    // Showing the error parses the body again (to hide secrets): bounded too.
    assert!(error.to_string().starts_with("the server answered 400"), "{error}");
    assert!(format!("{error:?}").len() > 2 * depth);
}

#[tokio::test]
async fn a_server_that_trickles_bytes_forever_is_cut_off_by_the_timeout() {
    // A byte every 20 ms: never idle long, never done.
    let base = endless_server(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json",
        b" ",
        Duration::from_millis(20),
    )
    .await;
    let client = vrm(&base).timeout(SHORT).max_retries(0).build().expect("client");
    let started = Instant::now();
    let error = client.get_me().await.expect_err("timeout");
    let elapsed = started.elapsed();
    assert!(error.is_timeout(), "{error:?}");
    assert!(elapsed >= SHORT && elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[tokio::test]
async fn a_trickling_server_is_cut_off_with_a_callers_own_http_client_too() {
    let base = endless_server(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json",
        b" ",
        Duration::from_millis(20),
    )
    .await;
    let client = vrm(&base)
        .http_client(reqwest::Client::new())
        .timeout(SHORT)
        .max_retries(0)
        .build()
        .expect("client");
    let started = Instant::now();
    let error = client.get_me().await.expect_err("timeout");
    assert!(error.is_timeout(), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
}

/// A token endpoint that fails for a moment (a 503, then a refused
/// connection) does not fail the call: the token fetch is retried as a
/// call is.
#[tokio::test]
async fn a_token_fetch_that_fails_for_a_moment_is_retried() {
    let server = MockServer::start().await;
    sequence(
        &server,
        "POST",
        "/token",
        ResponseTemplate::new(503).set_body_raw("busy", "text/plain"),
        ResponseTemplate::new(200).set_body_json(json!({"access_token": "t", "expires_in": 60})),
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/api/master/user/user"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"username": "alex", "serviceAccount": false})))
        .mount(&server)
        .await;
    let client = openremote_client::Client::builder()
        .base_url(format!("{}/api/master", server.uri()))
        .client_credentials(format!("{}/token", server.uri()), "id", "secret")
        .build()
        .expect("client");
    let user = client
        .get_current_user()
        .await
        .expect("the second token fetch succeeds");
    assert_eq!(user.username.as_deref(), Some("alex"));
    let fetches = requests(&server)
        .await
        .into_iter()
        .filter(|r| r.url.path() == "/token")
        .count();
    assert_eq!(fetches, 2);

    // a token endpoint that refuses connections: retried up to the bound, then an auth error
    let client = openremote_client::Client::builder()
        .base_url(format!("{}/api/master", server.uri()))
        .client_credentials(format!("{}/token", closed_port()), "id", "secret")
        .max_retries(2)
        .build()
        .expect("client");
    let started = Instant::now();
    let error = client.get_current_user().await.expect_err("no token");
    assert!(matches!(error, openremote_client::Error::Auth(_)), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
}

/// A token endpoint that streams an endless answer is cut off at the token
/// answer's bound (1 MiB), long before the timeout: an `Auth` error, and no
/// API call.
#[tokio::test]
async fn an_endless_token_answer_is_refused_at_its_bound() {
    let token = endless_server(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json",
        b"{\"access_token\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        Duration::ZERO,
    )
    .await;
    let client = openremote_client::Client::builder()
        .base_url("http://127.0.0.1:9/api/master")
        .client_credentials(format!("{token}/token"), "id", "secret")
        .timeout(Duration::from_secs(20))
        .max_retries(0)
        .build()
        .expect("client");
    let started = Instant::now();
    let error = client.get_current_user().await.expect_err("no token");
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    let openremote_client::Error::Auth(auth) = &error else {
        panic!("expected Auth, got {error:?}");
    };
    assert_eq!(auth.status().map(|s| s.as_u16()), Some(200));
    assert!(error.to_string().contains("longer than 1048576 bytes"), "{error}");
}
