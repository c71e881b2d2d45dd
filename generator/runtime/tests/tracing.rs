//! The `tracing` feature (run with `cargo test -p client-runtime --features
//! tracing`): a call's span holds the operationId, method, path template,
//! status, attempt count and duration; retries and token renewals are
//! events in it; and no field anywhere holds a secret or the filled-in path.

#![cfg(feature = "tracing")]

use client_runtime::{Client, ClientBuilder, Credential, Error, PasswordGrant, Received, Request};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PASSWORD: &str = "s3cret-Pa55word";
const ACCESS_TOKEN: &str = "eyJ-access-token-value";
const REFRESH_TOKEN: &str = "eyJ-refresh-token-value";

/// What the runtime showed: each span's fields (by span), each event's.
#[derive(Default)]
struct Seen {
    spans: Vec<(String, Vec<(String, String)>)>,
    events: Vec<Vec<(String, String)>>,
}

/// A subscriber that writes down every field of the runtime's spans and events.
#[derive(Clone, Default)]
struct Collector(Arc<Mutex<Seen>>);

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let mut text = String::new();
        write!(text, "{value:?}").unwrap();
        self.0.push((field.name().to_owned(), text));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name().to_owned(), value.to_owned()));
    }
}

impl Subscriber for Collector {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with("client_runtime")
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut seen = self.0.lock().unwrap();
        let mut fields = Vec::new();
        span.record(&mut Fields(&mut fields));
        seen.spans.push((span.metadata().name().to_owned(), fields));
        Id::from_u64(seen.spans.len() as u64)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut seen = self.0.lock().unwrap();
        let index = span.into_u64() as usize - 1;
        values.record(&mut Fields(&mut seen.spans[index].1));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Vec::new();
        event.record(&mut Fields(&mut fields));
        self.0.lock().unwrap().events.push(fields);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

fn decode(received: Received) -> Result<u16, Error> {
    Ok(received.status())
}

#[tokio::test]
async fn a_call_is_a_span_with_its_operation_and_events_for_retries_and_tokens() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": ACCESS_TOKEN,
            "expires_in": 60,
            "refresh_expires_in": 1800,
            "refresh_token": REFRESH_TOKEN,
            "token_type": "Bearer",
            "not-before-policy": 0,
            "session_state": "b6a4",
            "scope": "profile email"
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/users/u-7731"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/users/u-7731"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client: Client = ClientBuilder::new(Some(&server.uri()), "test")
        .credential(
            "oauth",
            Credential::password_grant(PasswordGrant::new(
                format!("{}/token", server.uri()),
                "openremote",
                "alice",
                PASSWORD,
            )),
        )
        .build()
        .unwrap();
    let collector = Collector::default();
    let _default = tracing::subscriber::set_default(collector.clone());

    let request =
        Request::new(reqwest::Method::GET, "/users/u-7731", &[&["oauth"]]).operation("getUser", "/users/{id}");
    let status = client.call(Ok(request), decode).await.unwrap();
    assert_eq!(status, 200);

    let seen = collector.0.lock().unwrap();
    assert_eq!(seen.spans.len(), 1, "one span per call");
    let (name, span) = &seen.spans[0];
    assert_eq!(name, "call");
    assert_eq!(field(span, "operation_id"), Some("getUser"));
    assert_eq!(field(span, "http.request.method"), Some("GET"));
    assert_eq!(field(span, "url.template"), Some("/users/{id}"));
    assert_eq!(field(span, "http.response.status_code"), Some("200"));
    assert_eq!(field(span, "attempts"), Some("2"));
    assert!(field(span, "duration_ms").is_some(), "{span:?}");

    let messages: Vec<&str> = seen.events.iter().filter_map(|event| field(event, "message")).collect();
    assert_eq!(
        messages,
        ["obtaining an access token", "access token obtained", "retrying"],
        "{:?}",
        seen.events
    );
    assert_eq!(field(&seen.events[0], "grant"), Some("password"));
    assert_eq!(field(&seen.events[2], "http.response.status_code"), Some("503"));

    // Nothing secret, and not the filled-in path, in any field.
    let everything = format!("{:?} {:?}", seen.spans, seen.events);
    for secret in [PASSWORD, ACCESS_TOKEN, REFRESH_TOKEN, "u-7731", "alice"] {
        assert!(!everything.contains(secret), "{secret} in {everything}");
    }
}
