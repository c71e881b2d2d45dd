//! How a generated client connects and what one call can change, on
//! loopback: per-call options (a timeout shorter than the client's, an
//! extra header the server sees, retries 0 against n), TLS with a
//! self-signed certificate added as a root, a proxy, what `http_client`
//! keeps and refuses, and the errors' one-line `Display` with every cause
//! once in the chain (`{:#}`, as `anyhow` prints it).

mod common;

use common::{header, only_request, requests};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use vrm_client::{Client, Error, StatusCode};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "Token abc";
const ME: &str = r#"{"success":true,"user":{"id":22,"name":"demo demo"}}"#;

fn builder(base_url: &str) -> vrm_client::ClientBuilder {
    Client::builder().base_url(base_url).api_key(TOKEN)
}

async fn me_answers(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path("/users/me"))
        .respond_with(response)
        .mount(server)
        .await;
}

fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(ME, "application/json")
}

/// An address on loopback where nothing listens.
fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    format!("http://{address}")
}

// ---------------------------------------------------------------- per-call options

#[tokio::test]
async fn a_call_timeout_shorter_than_the_clients_ends_that_call_only() {
    let server = MockServer::start().await;
    me_answers(&server, ok().set_delay(Duration::from_secs(2))).await;
    let client = builder(&server.uri())
        .timeout(Duration::from_secs(10))
        .max_retries(0)
        .build()
        .unwrap();

    let started = Instant::now();
    let error = client
        .get_me()
        .timeout(Duration::from_millis(200))
        .await
        .expect_err("the call's own timeout");
    assert!(error.is_timeout(), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );

    // The next call, without the option, waits as the client says.
    let me = client.get_me().await.expect("the client's 10 s timeout");
    assert_eq!(me.user.and_then(|user| user.id), Some(22));
}

#[tokio::test]
async fn a_call_total_timeout_bounds_its_retries() {
    let server = MockServer::start().await;
    me_answers(&server, ResponseTemplate::new(503).insert_header("Retry-After", "1")).await;
    let client = builder(&server.uri()).max_retries(5).build().unwrap();
    let started = Instant::now();
    let error = client
        .get_me()
        .total_timeout(Duration::from_millis(500))
        .await
        .expect_err("503");
    // No wait of 1 s is started past the call's deadline: the last answer ends it.
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn an_extra_header_reaches_the_server_and_replaces_one_of_its_name() {
    let server = MockServer::start().await;
    me_answers(&server, ok()).await;
    let client = builder(&server.uri()).build().unwrap();
    client
        .get_me()
        .header("x-request-id", "req-42")
        .header("X-Authorization", "Token other-user")
        .await
        .expect("me");
    let request = only_request(&server).await;
    assert_eq!(header(&request, "x-request-id"), Some("req-42"));
    // The call's header, not the client's credential, and only once.
    let sent: Vec<_> = request.headers.get_all("x-authorization").iter().collect();
    assert_eq!(sent, ["Token other-user"]);

    // The next call has neither.
    client.get_me().await.expect("me");
    let second = &requests(&server).await[1];
    assert_eq!(header(second, "x-request-id"), None);
    assert_eq!(header(second, "x-authorization"), Some(TOKEN));
}

#[tokio::test]
async fn an_extra_header_that_cannot_be_sent_fails_the_call_unsent() {
    let server = MockServer::start().await;
    me_answers(&server, ok()).await;
    let client = builder(&server.uri()).build().unwrap();
    let error = client
        .get_me()
        .header("x-note", "two\nlines")
        .await
        .expect_err("a newline");
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(!error.to_string().contains("two"), "the value is not shown: {error}");
    let error = client.get_me().header("bad name", "x").await.expect_err("a space");
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn retries_per_call_zero_or_n_whatever_the_client_says() {
    let server = MockServer::start().await;
    me_answers(&server, ResponseTemplate::new(429).insert_header("Retry-After", "0")).await;
    // The client retries 3 times; this call not at all.
    let client_retries = builder(&server.uri()).max_retries(3).build().unwrap();
    let error = client_retries.get_me().max_retries(0).await.expect_err("429");
    assert_eq!(error.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert!(error.is_retryable());
    assert_eq!(requests(&server).await.len(), 1);

    // The client does not retry; this call 2 times.
    server.reset().await;
    me_answers(&server, ResponseTemplate::new(429).insert_header("Retry-After", "0")).await;
    let client_once = builder(&server.uri()).max_retries(0).build().unwrap();
    client_once.get_me().max_retries(2).await.expect_err("429");
    assert_eq!(requests(&server).await.len(), 3);

    // Options do not outlive their call.
    server.reset().await;
    me_answers(&server, ResponseTemplate::new(429).insert_header("Retry-After", "0")).await;
    client_once.get_me().await.expect_err("429");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn options_work_with_send_with_response_and_on_builders_with_parameters() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/installations/7/diagnostics"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"success":true,"records":[]}"#, "application/json"))
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().unwrap();
    let response = client
        .get_diagnostics(7)
        .count(10)
        .header("x-request-id", "req-7")
        .timeout(Duration::from_secs(5))
        .send_with_response()
        .await
        .expect("diagnostics");
    assert_eq!(response.status, StatusCode::OK);
    let request = only_request(&server).await;
    assert_eq!(header(&request, "x-request-id"), Some("req-7"));
    assert_eq!(request.url.query(), Some("count=10"));
}

// ---------------------------------------------------------------- TLS, proxy, http_client

/// A TLS server on loopback for `localhost`, with a certificate made now
/// and signed by itself; it answers every request with `ME`. Gives its
/// URL and the certificate (PEM).
async fn tls_server() -> (String, String) {
    use tokio_rustls::rustls;
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("certificate");
    let pem = certified.cert.pem();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("protocols")
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A client that does not trust the certificate gives up here.
                let Ok(mut tls) = acceptor.accept(socket).await else {
                    return;
                };
                let mut head = Vec::new();
                let mut buffer = [0; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buffer[..n]),
                    }
                }
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{ME}",
                    ME.len()
                );
                let _ = tls.write_all(reply.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (format!("https://localhost:{port}"), pem)
}

#[tokio::test]
async fn a_self_signed_certificate_added_as_a_root_is_trusted() {
    let (url, pem) = tls_server().await;
    let certificate = vrm_client::reqwest::Certificate::from_pem(pem.as_bytes()).expect("PEM");
    let client = builder(&url).add_root_certificate(certificate).build().unwrap();
    let me = client.get_me().await.expect("over TLS, trusted");
    assert_eq!(me.user.and_then(|user| user.id), Some(22));

    // Without it, the certificate is unknown: a connect error, not retried
    // into a hang, and said in one line with the cause in the chain.
    let untrusting = builder(&url).max_retries(0).build().unwrap();
    let error = untrusting.get_me().await.expect_err("untrusted certificate");
    assert!(error.is_connect(), "{error:?}");
    assert_eq!(error.to_string(), "cannot connect to the server");
    let chain = format!("{:#}", anyhow::Error::new(error));
    assert!(chain.to_ascii_lowercase().contains("certificate"), "{chain}");
}

#[tokio::test]
async fn requests_go_through_the_proxy_given() {
    // The mock server stands in for an HTTP proxy: it gets the request
    // for a host that does not exist.
    let proxy = MockServer::start().await;
    me_answers(&proxy, ok()).await;
    let client = builder("http://vrm.invalid")
        .proxy(vrm_client::reqwest::Proxy::http(proxy.uri()).expect("proxy URL"))
        .build()
        .unwrap();
    client.get_me().await.expect("through the proxy");
    let request = only_request(&proxy).await;
    assert_eq!(request.url.host_str(), Some("vrm.invalid"));
    assert_eq!(header(&request, "x-authorization"), Some(TOKEN));
}

#[tokio::test]
async fn http_client_keeps_timeout_and_user_agent_and_refuses_what_it_cannot_keep() {
    let server = MockServer::start().await;
    me_answers(&server, ok().set_delay(Duration::from_secs(2))).await;
    let http = vrm_client::reqwest::Client::new();

    // The timeout set here bounds each request of the caller's client, and
    // the user agent set here is sent.
    let client = builder(&server.uri())
        .http_client(http.clone())
        .user_agent("my-service/1.0")
        .timeout(Duration::from_millis(200))
        .max_retries(0)
        .build()
        .unwrap();
    let error = client.get_me().await.expect_err("timeout");
    assert!(error.is_timeout(), "{error:?}");
    let request = only_request(&server).await;
    assert_eq!(header(&request, "user-agent"), Some("my-service/1.0"));

    // Settings only a reqwest builder can make are refused, by name.
    let pem = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()])
        .unwrap()
        .cert
        .pem();
    let error = builder(&server.uri())
        .http_client(http)
        .connect_timeout(Duration::from_secs(1))
        .add_root_certificate(vrm_client::reqwest::Certificate::from_pem(pem.as_bytes()).unwrap())
        .build()
        .expect_err("not with http_client");
    assert!(
        matches!(&error, vrm_client::BuildError::NotWithHttpClient(names)
            if names == &["connect_timeout", "add_root_certificate"]),
        "{error:?}"
    );
    assert!(error.to_string().contains("`connect_timeout`"), "{error}");
}

// ---------------------------------------------------------------- errors

/// `{:#}` of an error as `anyhow` prints it: every error of the chain's
/// line appears exactly once.
fn assert_each_cause_once<E: std::error::Error + Send + Sync + 'static>(error: E) -> String {
    let lines: Vec<String> = {
        let mut lines = Vec::new();
        let mut next: Option<&dyn std::error::Error> = Some(&error);
        while let Some(error) = next {
            lines.push(error.to_string());
            next = error.source();
        }
        lines
    };
    let chain = format!("{:#}", anyhow::Error::new(error));
    for line in &lines {
        assert_eq!(
            chain.matches(line.as_str()).count(),
            1,
            "`{line}` is not once in `{chain}`"
        );
    }
    chain
}

#[tokio::test]
async fn a_connection_refused_prints_each_cause_once() {
    let client = builder(&closed_port()).max_retries(0).build().unwrap();
    let error = client.get_me().await.expect_err("refused");
    assert!(error.is_connect() && error.is_retryable() && !error.is_timeout());
    assert_eq!(error.status(), None);
    assert_eq!(error.to_string(), "cannot connect to the server");
    let chain = assert_each_cause_once(error);
    assert!(chain.starts_with("cannot connect to the server: "), "{chain}");
    assert!(chain.contains("/users/me"), "the URL, from reqwest: {chain}");
}

#[tokio::test]
async fn a_body_that_does_not_decode_names_the_path_and_gives_serdes_message_as_its_source() {
    let server = MockServer::start().await;
    me_answers(
        &server,
        ResponseTemplate::new(200).set_body_raw(r#"{"success":true,"user":{"id":"x"}}"#, "application/json"),
    )
    .await;
    let error = builder(&server.uri())
        .build()
        .unwrap()
        .get_me()
        .await
        .expect_err("decode");
    assert!(!error.is_retryable() && !error.is_connect());
    assert_eq!(error.status(), Some(StatusCode::OK));
    let line = error.to_string();
    assert!(line.contains("does not decode at `user.id`"), "{line}");
    assert!(!line.contains("invalid type"), "serde's message is the source: {line}");
    let chain = assert_each_cause_once(error);
    assert!(chain.contains("invalid type"), "{chain}");
}

#[tokio::test]
async fn an_error_status_is_an_error_with_its_status_and_headers_reachable() {
    let server = MockServer::start().await;
    me_answers(
        &server,
        ResponseTemplate::new(503)
            .insert_header("x-request-id", "req-9")
            .set_body_raw(r#"{"success":false,"errors":"down"}"#, "application/json"),
    )
    .await;
    let error = builder(&server.uri())
        .max_retries(0)
        .build()
        .unwrap()
        .get_me()
        .await
        .expect_err("503");
    assert!(error.is_retryable() && !error.is_connect() && !error.is_timeout());
    let api: &vrm_client::ApiError<_> = error.api().expect("an error status");
    assert_eq!(api.status, StatusCode::SERVICE_UNAVAILABLE);
    let headers: &vrm_client::HeaderMap = &api.headers;
    assert_eq!(headers["x-request-id"], "req-9");
    // `ApiError` is an error of its own, for `?` into `Box<dyn Error>`.
    fn is_error<T: std::error::Error + Send + Sync + 'static>(_: &T) {}
    is_error(api);
    let chain = assert_each_cause_once(error);
    assert!(chain.starts_with("the server answered 503"), "{chain}");
    assert!(chain.contains("down"), "{chain}");
    // 4xx other than 429: not retryable.
    server.reset().await;
    me_answers(&server, ResponseTemplate::new(404)).await;
    let error = builder(&server.uri()).build().unwrap().get_me().await.expect_err("404");
    assert!(!error.is_retryable());
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
}

#[tokio::test]
async fn an_unreachable_token_endpoint_prints_each_cause_once() {
    let token_url = format!("{}/auth/token", closed_port());
    let client = openremote_client::Client::builder()
        .base_url(format!("{}/api/master", closed_port()))
        .client_credentials(token_url.as_str(), "client", "secret")
        .max_retries(0)
        .build()
        .unwrap();
    let error = client.get_current_user().await.expect_err("no token");
    assert!(
        error.is_connect() && error.is_retryable() && !error.is_timeout(),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        format!("cannot reach the token endpoint {token_url}")
    );
    let chain = assert_each_cause_once(error);
    assert!(chain.contains("Connection refused"), "reqwest's causes follow: {chain}");
}
