//! The client runtime: the HTTP plumbing every generated client shares.
//!
//! Written by hand, one crate that every generated client crate depends on
//! (the generated code is built on it; a user of a client does not use it
//! directly). It holds the connection settings, credentials, retries,
//! parameter encoding and the error type; the generated crates hold only
//! what the spec says. Items marked `#[doc(hidden)]` are for generated code.

mod auth;
mod decode;
mod download;
#[cfg(feature = "mock")]
#[doc(hidden)]
pub mod mock;
mod query;

pub use auth::{AuthError, Secret};
#[doc(hidden)]
pub use auth::{Credential, Location};
pub use download::Download;
#[doc(hidden)]
pub use reqwest;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_MAX_RETRIES: u32 = 3;
const DEFAULT_MAX_RETRY_DELAY: Duration = Duration::from_secs(60);
const BACKOFF_BASE: Duration = Duration::from_millis(200);

/// A client for the API: cheap to clone (clones share connections and
/// credentials), and usable from many tasks at once.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    timeout: Duration,
    /// Set on each request when `http` was not built with `timeout`.
    request_timeout: Option<Duration>,
    retry: RetryPolicy,
    /// Shared with every request in flight (`Arc`), replaced by `set_*`.
    credentials: RwLock<BTreeMap<&'static str, Arc<Credential>>>,
}

#[derive(Debug, Clone, Copy)]
struct RetryPolicy {
    max_retries: u32,
    max_delay: Duration,
    non_idempotent: bool,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let credentials = self.inner.credentials.read().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .field("credentials", &*credentials)
            .finish()
    }
}

impl Client {
    /// The URL every request path is appended to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Set or replace the credential for a security scheme (e.g. after a login).
    #[doc(hidden)]
    pub fn set_credential(&self, scheme: &'static str, credential: Credential) {
        self.inner
            .credentials
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(scheme, Arc::new(credential));
    }

    /// Send a request, applying credentials and retrying as the policy allows.
    ///
    /// Idempotent requests (GET, HEAD, PUT, DELETE, OPTIONS) are retried
    /// after a connection failure, a timeout, a 429 or a 502/503/504, with
    /// exponential backoff or after `Retry-After`, up to the retry limit.
    /// POST and PATCH are retried only when the builder allowed it. A 401
    /// on a request that carried an OAuth2 token fetches a new token and
    /// tries once more.
    ///
    /// The request is lent, not moved: the call's future holds it once.
    async fn execute(&self, request: &Request) -> Result<reqwest::Response, Failure> {
        let retry = self.inner.retry;
        let idempotent = matches!(
            request.method,
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
        );
        let may_retry = idempotent || retry.non_idempotent;
        // Built once; a retry (rare) builds it again rather than every
        // request paying for a copy.
        let mut first_url = Some(request.url(&self.inner.base_url)?);
        let mut attempt = 0;
        let mut renewed_token = false;
        loop {
            let url = match first_url.take() {
                Some(url) => url,
                None => request.url(&self.inner.base_url)?,
            };
            let alternative = self.alternative_for(request.security);
            // The one await before sending: an OAuth2 token (cached, or
            // fetched). Everything else is prepared synchronously, so the
            // request's future stays small.
            let token = match self.token_source(alternative) {
                Some(source) => {
                    let access = source.token(&self.inner.http, self.inner.timeout).await?;
                    Some((source, access))
                }
                None => None,
            };
            let (builder, secret_in_url) = self.prepare(request, url, alternative, token.as_ref())?;
            // Decided without awaiting, so that nothing of this attempt is
            // held across the waits below.
            let next = match builder.send().await {
                Ok(response) => {
                    let status = response.status();
                    let retry_delay = (may_retry && attempt < retry.max_retries && is_retryable(status))
                        .then(|| retry_after(response.headers()).unwrap_or_else(|| backoff(attempt)))
                        .filter(|delay| *delay <= retry.max_delay);
                    match (token, retry_delay) {
                        (Some((source, used)), _) if status == StatusCode::UNAUTHORIZED && !renewed_token => {
                            Next::Renew(source, used)
                        }
                        (_, Some(delay)) => Next::Wait(delay),
                        _ => return Ok(response),
                    }
                }
                Err(error) => {
                    let transient = error.is_connect() || error.is_timeout();
                    if !(may_retry && transient && attempt < retry.max_retries) {
                        // An API key in the query must not reach the error's URL.
                        let error = if secret_in_url { error.without_url() } else { error };
                        return Err(Failure::Transport(error));
                    }
                    Next::Wait(backoff(attempt))
                }
            };
            // Rare paths, boxed so that their futures do not enlarge every request's.
            match next {
                Next::Renew(source, used) => {
                    Box::pin(source.invalidate(&used)).await;
                    renewed_token = true;
                }
                Next::Wait(delay) => {
                    Box::pin(tokio::time::sleep(delay)).await;
                    attempt += 1;
                }
            }
        }
    }

    /// One attempt's request: URL, headers, credentials (with the OAuth2
    /// token already fetched), body; and whether its URL holds a secret (an
    /// API key in the query).
    fn prepare(
        &self,
        request: &Request,
        mut url: reqwest::Url,
        alternative: &[&str],
        token: Option<&(Arc<auth::TokenSource>, Secret)>,
    ) -> Result<(reqwest::RequestBuilder, bool), Failure> {
        let mut cookies = request.cookies.clone();
        let mut basic = None;
        let mut secret_in_url = false;
        let refused = || {
            Failure::InvalidRequest("a credential contains a character headers do not allow (a newline?)".to_owned())
        };
        // Query keys change the URL, so they go first.
        for credential in alternative.iter().filter_map(|scheme| self.credential(scheme)) {
            if let Credential::ApiKey {
                location: Location::Query,
                name,
                value,
            } = credential.as_ref()
            {
                url.query_pairs_mut().append_pair(name, value.expose());
                secret_in_url = true;
            }
        }
        let mut builder = self.inner.http.request(request.method.clone(), url);
        if let Some(timeout) = self.inner.request_timeout {
            builder = builder.timeout(timeout);
        }
        if !request.headers.is_empty() {
            builder = builder.headers(request.headers.clone());
        }
        for credential in alternative.iter().filter_map(|scheme| self.credential(scheme)) {
            match credential.as_ref() {
                Credential::Header { name, value } => {
                    builder = builder.header(name, value.clone().ok_or_else(refused)?);
                }
                Credential::ApiKey {
                    location: Location::Query,
                    ..
                } => {}
                Credential::ApiKey { name, value, .. } => cookies.push((name.to_string(), value.expose().to_owned())),
                Credential::Basic { username, password } => basic = Some((username.clone(), password.clone())),
                Credential::ClientCredentials(_) => {
                    if let Some((_, access)) = token {
                        let value =
                            auth::sensitive_header(&format!("Bearer {}", access.expose())).ok_or_else(refused)?;
                        builder = builder.header(reqwest::header::AUTHORIZATION, value);
                    }
                }
            }
        }
        if !cookies.is_empty() {
            let line = cookies
                .iter()
                .map(|(name, value)| format!("{name}={}", encode_cookie(value)))
                .collect::<Vec<_>>()
                .join("; ");
            builder = builder.header(reqwest::header::COOKIE, header_value("Cookie", &line)?);
        }
        if let Some((username, password)) = basic {
            builder = builder.basic_auth(username, password.as_ref().map(Secret::expose));
        }
        match &request.body {
            Some(Body::Bytes { content_type, data }) => {
                builder = builder
                    .header(reqwest::header::CONTENT_TYPE, content_type.as_str())
                    .body(data.clone());
            }
            Some(Body::Multipart(parts)) => {
                builder = builder.header(
                    reqwest::header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={MULTIPART_BOUNDARY}"),
                );
                builder = builder.body(encode_multipart(parts));
            }
            None => {}
        }
        Ok((builder, secret_in_url))
    }

    /// The OAuth2 token source among the credentials of `alternative`.
    fn token_source(&self, alternative: &[&str]) -> Option<Arc<auth::TokenSource>> {
        alternative
            .iter()
            .find_map(|scheme| match self.credential(scheme)?.as_ref() {
                Credential::ClientCredentials(source) => Some(Arc::clone(source)),
                _ => None,
            })
    }

    /// The first alternative of credentials the client can satisfy.
    fn alternative_for(&self, security: &'static [&'static [&'static str]]) -> &'static [&'static str] {
        let credentials = self.inner.credentials.read().unwrap_or_else(PoisonError::into_inner);
        security
            .iter()
            .find(|alternative| alternative.iter().all(|scheme| credentials.contains_key(scheme)))
            .copied()
            .unwrap_or_default()
    }

    /// The credential of one scheme, shared (not copied).
    fn credential(&self, scheme: &str) -> Option<Arc<Credential>> {
        let credentials = self.inner.credentials.read().unwrap_or_else(PoisonError::into_inner);
        credentials.get(scheme).cloned()
    }
}

/// What an attempt that did not end the request leads to.
enum Next {
    /// The server refused the OAuth2 token: drop it and try once more.
    Renew(Arc<auth::TokenSource>, Secret),
    /// Retry after this long.
    Wait(Duration),
}

fn is_retryable(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// 200 ms, 400 ms, 800 ms, ... capped at 10 s.
fn backoff(attempt: u32) -> Duration {
    BACKOFF_BASE
        .saturating_mul(1 << attempt.min(6))
        .min(Duration::from_secs(10))
}

/// `Retry-After` in seconds (the HTTP-date form falls back to the backoff).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Configures a [`Client`].
pub struct ClientBuilder {
    base_url: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
    http: Option<reqwest::Client>,
    retry: RetryPolicy,
    credentials: BTreeMap<&'static str, Credential>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    #[doc(hidden)]
    pub fn new(default_base_url: Option<&str>, user_agent: &str) -> Self {
        ClientBuilder {
            base_url: default_base_url.map(str::to_owned),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: user_agent.to_owned(),
            http: None,
            retry: RetryPolicy {
                max_retries: DEFAULT_MAX_RETRIES,
                max_delay: DEFAULT_MAX_RETRY_DELAY,
                non_idempotent: false,
            },
            credentials: BTreeMap::new(),
        }
    }

    // The general settings. Their documentation is where users read it, in
    // `builder_settings!`, which each generated `ClientBuilder` forwards with.

    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    pub fn max_retry_delay(mut self, delay: Duration) -> Self {
        self.retry.max_delay = delay;
        self
    }

    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry.non_idempotent = retry;
        self
    }

    #[doc(hidden)]
    pub fn credential(mut self, scheme: &'static str, credential: Credential) -> Self {
        self.credentials.insert(scheme, credential);
        self
    }

    /// Build the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let base_url = self.base_url.ok_or(BuildError::NoBaseUrl)?;
        let base_url = base_url.trim_end_matches('/').to_owned();
        match reqwest::Url::parse(&base_url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => {}
            _ => return Err(BuildError::InvalidBaseUrl(base_url)),
        }
        // A client built here carries the timeout itself; a caller's client
        // gets it on each request (a per-request timeout costs a little).
        let (http, request_timeout) = match self.http {
            Some(http) => (http, Some(self.timeout)),
            None => {
                let http = reqwest::Client::builder()
                    .user_agent(self.user_agent)
                    .connect_timeout(self.connect_timeout)
                    .timeout(self.timeout)
                    .build()
                    .map_err(BuildError::Http)?;
                (http, None)
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                timeout: self.timeout,
                request_timeout,
                retry: self.retry,
                credentials: RwLock::new(self.credentials.into_iter().map(|(k, v)| (k, Arc::new(v))).collect()),
            }),
        })
    }
}

/// Why [`ClientBuilder::build`] failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The spec names no server and no base URL was given.
    NoBaseUrl,
    /// The base URL is not an absolute `http` or `https` URL.
    InvalidBaseUrl(String),
    /// The HTTP client could not be set up (TLS back end).
    Http(reqwest::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::NoBaseUrl => f.write_str("no base URL: the spec names no server; call `base_url`"),
            BuildError::InvalidBaseUrl(url) => write!(f, "`{url}` is not an absolute http(s) URL"),
            BuildError::Http(error) => write!(f, "cannot set up the HTTP client: {error}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Http(error) => Some(error),
            _ => None,
        }
    }
}

/// How an array or object parameter is written (the spec's `style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(hidden)]
pub enum Style {
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

/// A request about to be sent; built by the generated operations.
#[derive(Debug)]
#[doc(hidden)]
pub struct Request {
    method: Method,
    path: std::borrow::Cow<'static, str>,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    cookies: Vec<(String, String)>,
    body: Option<Body>,
    security: &'static [&'static [&'static str]],
}

#[derive(Debug)]
#[doc(hidden)]
pub enum Body {
    Bytes { content_type: String, data: Vec<u8> },
    Multipart(Vec<Part>),
}

/// One field of a `multipart/form-data` body.
#[derive(Debug)]
#[doc(hidden)]
pub struct Part {
    name: String,
    content_type: &'static str,
    data: Vec<u8>,
}

const MULTIPART_BOUNDARY: &str = "------------------------openapi-client-boundary";

fn encode_multipart(parts: &[Part]) -> Vec<u8> {
    let mut out = Vec::new();
    for part in parts {
        out.extend_from_slice(format!("--{MULTIPART_BOUNDARY}\r\n").as_bytes());
        let name = part.name.replace('"', "%22");
        out.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n").as_bytes());
        out.extend_from_slice(format!("Content-Type: {}\r\n\r\n", part.content_type).as_bytes());
        out.extend_from_slice(&part.data);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{MULTIPART_BOUNDARY}--\r\n").as_bytes());
    out
}

impl Request {
    /// A request for `path` (already encoded, see [`path_segment`]).
    /// `security` lists the alternatives of credentials, as in the spec.
    pub fn new(
        method: Method,
        path: impl Into<std::borrow::Cow<'static, str>>,
        security: &'static [&'static [&'static str]],
    ) -> Self {
        Request {
            method,
            path: path.into(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            cookies: Vec::new(),
            body: None,
            security,
        }
    }

    fn url(&self, base_url: &str) -> Result<reqwest::Url, Failure> {
        let mut text = String::with_capacity(base_url.len() + self.path.len());
        text.push_str(base_url);
        text.push_str(&self.path);
        let mut url = reqwest::Url::parse(&text)
            .map_err(|e| Failure::InvalidRequest(format!("invalid URL for `{}`: {e}", self.path)))?;
        if !self.query.is_empty() {
            query::append(&mut url, &self.query);
        }
        Ok(url)
    }

    /// Add a query parameter, written as its `style` and `explode` say.
    pub fn query(&mut self, name: &str, value: &impl Serialize, style: Style, explode: bool) -> Result<(), Failure> {
        let value = to_json(name, value)?;
        match value {
            serde_json::Value::Null => {}
            serde_json::Value::Array(items) => {
                let items: Vec<String> = items.iter().map(scalar_text).collect();
                match (style, explode) {
                    (Style::Form, true) | (Style::DeepObject, _) => {
                        self.query.extend(items.into_iter().map(|item| (name.to_owned(), item)));
                    }
                    (Style::Form, false) => self.query.push((name.to_owned(), items.join(","))),
                    (Style::SpaceDelimited, _) => self.query.push((name.to_owned(), items.join(" "))),
                    (Style::PipeDelimited, _) => self.query.push((name.to_owned(), items.join("|"))),
                }
            }
            serde_json::Value::Object(map) => match (style, explode) {
                (Style::DeepObject, _) => deep_object(&mut self.query, name, &map),
                (Style::Form, true) => {
                    for (key, value) in &map {
                        if !value.is_null() {
                            self.query.push((key.clone(), scalar_text(value)));
                        }
                    }
                }
                (_, _) => {
                    let joined: Vec<String> = map
                        .iter()
                        .filter(|(_, v)| !v.is_null())
                        .flat_map(|(k, v)| [k.clone(), scalar_text(v)])
                        .collect();
                    self.query.push((name.to_owned(), joined.join(",")));
                }
            },
            scalar => self.query.push((name.to_owned(), scalar_text(&scalar))),
        }
        Ok(())
    }

    /// Add a header parameter (`simple` style). A value that cannot be sent
    /// in a header (a newline, say) is refused, and nothing is sent.
    pub fn header(&mut self, name: &'static str, value: &impl Serialize) -> Result<(), Failure> {
        let value = simple_text(&to_json(name, value)?);
        self.headers.insert(header_name(name)?, header_value(name, &value)?);
        Ok(())
    }

    /// Add a cookie parameter.
    pub fn cookie(&mut self, name: &str, value: &impl Serialize) -> Result<(), Failure> {
        let value = simple_text(&to_json(name, value)?);
        self.cookies.push((name.to_owned(), value));
        Ok(())
    }

    /// A JSON body.
    pub fn json(&mut self, content_type: &str, body: &impl Serialize) -> Result<(), Failure> {
        let data = serde_json::to_vec(body)
            .map_err(|e| Failure::InvalidRequest(format!("the request body cannot be written as JSON: {e}")))?;
        self.bytes(content_type, data);
        Ok(())
    }

    /// An `application/x-www-form-urlencoded` body from the fields of `body`.
    pub fn form(&mut self, body: &impl Serialize) -> Result<(), Failure> {
        let mut pairs = Vec::new();
        if let serde_json::Value::Object(map) = to_json("body", body)? {
            for (key, value) in &map {
                match value {
                    serde_json::Value::Null => {}
                    serde_json::Value::Object(inner) => deep_object(&mut pairs, key, inner),
                    serde_json::Value::Array(items) => {
                        pairs.extend(items.iter().map(|item| (key.clone(), scalar_text(item))));
                    }
                    scalar => pairs.push((key.clone(), scalar_text(scalar))),
                }
            }
        }
        let data = reqwest::Url::parse("form:")
            .map(|mut url| {
                url.query_pairs_mut().extend_pairs(&pairs);
                url.query().unwrap_or_default().as_bytes().to_vec()
            })
            .unwrap_or_default();
        self.bytes("application/x-www-form-urlencoded", data);
        Ok(())
    }

    /// A `multipart/form-data` body with one part per field of `body`:
    /// strings as text, other values as JSON.
    pub fn multipart(&mut self, body: &impl Serialize) -> Result<(), Failure> {
        let mut parts = Vec::new();
        if let serde_json::Value::Object(map) = to_json("body", body)? {
            for (name, value) in map {
                let (content_type, data) = match value {
                    serde_json::Value::Null => continue,
                    serde_json::Value::String(text) => ("text/plain; charset=utf-8", text.into_bytes()),
                    other => ("application/json", other.to_string().into_bytes()),
                };
                parts.push(Part {
                    name,
                    content_type,
                    data,
                });
            }
        }
        self.body = Some(Body::Multipart(parts));
        Ok(())
    }

    /// A raw body (text, or bytes).
    pub fn bytes(&mut self, content_type: &str, data: impl Into<Vec<u8>>) {
        self.body = Some(Body::Bytes {
            content_type: content_type.to_owned(),
            data: data.into(),
        });
    }
}

fn to_json(name: &str, value: &impl Serialize) -> Result<serde_json::Value, Failure> {
    serde_json::to_value(value)
        .map_err(|e| Failure::InvalidRequest(format!("`{name}` cannot be written into the request: {e}")))
}

/// A scalar as text: strings bare, everything else as JSON.
fn scalar_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The `simple` style: arrays and objects comma-separated.
fn simple_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Array(items) => items.iter().map(scalar_text).collect::<Vec<_>>().join(","),
        serde_json::Value::Object(map) => map
            .iter()
            .flat_map(|(k, v)| [k.clone(), scalar_text(v)])
            .collect::<Vec<_>>()
            .join(","),
        other => scalar_text(other),
    }
}

fn deep_object(out: &mut Vec<(String, String)>, prefix: &str, map: &serde_json::Map<String, serde_json::Value>) {
    for (key, value) in map {
        let name = format!("{prefix}[{key}]");
        match value {
            serde_json::Value::Null => {}
            serde_json::Value::Object(inner) => deep_object(out, &name, inner),
            serde_json::Value::Array(items) => {
                out.extend(items.iter().map(|item| (format!("{name}[]"), scalar_text(item))));
            }
            scalar => out.push((name, scalar_text(scalar))),
        }
    }
}

/// Characters left as they are in a path segment: RFC 3986 unreserved.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A path parameter, percent-encoded as exactly one path segment: `/`,
/// `?`, `#`, `%` and everything else outside the unreserved set are
/// escaped. `.`, `..` and the empty string would change which path is
/// requested, so they are refused.
#[doc(hidden)]
pub fn path_segment(name: &str, value: &impl Serialize) -> Result<String, Failure> {
    let text = simple_text(&to_json(name, value)?);
    if matches!(text.as_str(), "" | "." | "..") {
        return Err(Failure::InvalidRequest(format!(
            "path parameter `{name}` is {text:?}, which cannot be sent as a path segment"
        )));
    }
    Ok(percent_encoding::utf8_percent_encode(&text, SEGMENT).to_string())
}

const COOKIE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%');

fn encode_cookie(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, COOKIE).to_string()
}

fn header_name(name: &str) -> Result<HeaderName, Failure> {
    HeaderName::try_from(name).map_err(|_| Failure::InvalidRequest(format!("`{name}` is not a valid header name")))
}

fn header_value(name: &str, value: &str) -> Result<HeaderValue, Failure> {
    HeaderValue::from_str(value).map_err(|_| {
        Failure::InvalidRequest(format!(
            "the value of header `{name}` cannot be sent: it contains a newline or another character headers do not allow"
        ))
    })
}

/// The future of one call: `.await` it for the operation's decoded response.
///
/// Every request builder's `IntoFuture` (and its `send`) gives one. It is a
/// named type so that the builders need no future of their own: an
/// operation is two plain functions (build the request, decode the
/// response), and the only `async` code is the runtime's, the same for
/// every operation and compiled once, here.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<'a, T, E> {
    /// Sending, retrying and reading the whole response: boxed once, at its
    /// full size, the allocation every request pays for.
    exchange: Pin<Box<dyn Future<Output = Result<Received, Failure>> + Send + 'a>>,
    decode: fn(Received) -> Result<T, Error<E>>,
}

impl<T, E> Future for Call<'_, T, E> {
    type Output = Result<T, Error<E>>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
        // `Call` is `Unpin`: a box and a function pointer.
        let this = self.get_mut();
        this.exchange.as_mut().poll(cx).map(|received| (this.decode)(received?))
    }
}

impl<T, E> fmt::Debug for Call<'_, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call").finish_non_exhaustive()
    }
}

impl Client {
    /// One operation's call: send `request` (or fail with its error,
    /// unsent), read the whole response, and give it to `decode`, which
    /// maps each status the spec declares to the result or an error.
    #[doc(hidden)]
    #[inline]
    pub fn call<T, E>(
        &self,
        request: Result<Request, Failure>,
        decode: fn(Received) -> Result<T, Error<E>>,
    ) -> Call<'_, T, E> {
        Call {
            exchange: self.exchange(request),
            decode,
        }
    }

    fn exchange(
        &self,
        request: Result<Request, Failure>,
    ) -> Pin<Box<dyn Future<Output = Result<Received, Failure>> + Send + '_>> {
        match request {
            // The request is held once, here, and lent to `execute`.
            Ok(request) => Box::pin(async move {
                let response = self.execute(&request).await?;
                receive(response).await
            }),
            Err(failure) => Box::pin(std::future::ready(Err(failure))),
        }
    }
}

/// Status, headers and body, moved out of the response (not copied).
///
/// Every call's future has the size of its largest state, so this is a
/// plain function returning an `async move` block that owns only the
/// response (an `async fn` would hold its argument twice), and it reads
/// the body chunk by chunk (`Response::bytes` holds the response twice
/// more: 664 bytes against 328). A body that arrives in one chunk, the
/// usual case, is kept as it came, without a copy.
#[allow(clippy::manual_async_fn)]
fn receive(mut response: reqwest::Response) -> impl Future<Output = Result<Received, Failure>> + Send {
    async move {
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let mut body = Bytes::new();
        let mut joined: Vec<u8> = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(Failure::Transport)? {
            if body.is_empty() && joined.is_empty() {
                body = chunk;
            } else {
                if joined.is_empty() {
                    joined.extend_from_slice(&body);
                }
                joined.extend_from_slice(&chunk);
            }
        }
        if !joined.is_empty() {
            body = Bytes::from(joined);
        }
        Ok(Received { status, headers, body })
    }
}

/// A whole response, for an operation to decode according to its status.
#[doc(hidden)]
pub struct Received {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Received {
    pub fn status(&self) -> u16 {
        self.status.as_u16()
    }

    /// The body as JSON of type `T`, decoded from the bytes as received
    /// (copied only when they do not decode, to keep them in the error).
    pub fn json<T: DeserializeOwned>(self) -> Result<T, Failure> {
        serde_json::from_slice(&self.body).map_err(|source| {
            Failure::Decode(Box::new(DecodeError {
                status: self.status,
                path: decode::failing_path::<T>(&self.body),
                headers: self.headers,
                body: self.body.to_vec(),
                source,
            }))
        })
    }

    /// The body as text (invalid UTF-8 is replaced, never an error).
    ///
    /// A body labelled JSON that is a JSON string (`"abc"`) gives the
    /// string (`abc`): some servers send a text result as a JSON string,
    /// others send it bare under a JSON content type; both give the text.
    pub fn text(self) -> String {
        let labelled_json = self
            .headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .map(|media| {
                let media = media.trim().to_ascii_lowercase();
                media == "application/json" || media.ends_with("+json")
            })
            .unwrap_or(false);
        if labelled_json && let Ok(serde_json::Value::String(text)) = serde_json::from_slice(&self.body) {
            return text;
        }
        String::from_utf8(Vec::from(self.body)).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// The body as bytes.
    pub fn bytes(self) -> Vec<u8> {
        Vec::from(self.body)
    }

    /// An error status: everything the server sent, and the body decoded
    /// as `E` when it is that.
    pub fn into_error<E: DeserializeOwned>(self) -> Error<E> {
        let parsed = serde_json::from_slice(&self.body).ok();
        Error::Api(Box::new(ApiError {
            status: self.status,
            headers: self.headers,
            body: Vec::from(self.body),
            parsed,
        }))
    }
}

/// Everything that can go wrong with a call.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E = serde_json::Value> {
    /// The request was not sent: a value cannot be written into it (a
    /// header with a newline, a path parameter `..`).
    InvalidRequest(String),
    /// The server could not be reached, or the exchange broke off
    /// (connection refused or reset, timeout, TLS).
    Transport(reqwest::Error),
    /// An OAuth2 access token could not be obtained.
    Auth(AuthError),
    /// The server answered with an error status.
    Api(Box<ApiError<E>>),
    /// The server answered with success, but the body is not what the spec says.
    Decode(Box<DecodeError>),
}

impl<E> Error<E> {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(error) => Some(error.status),
            Error::Decode(error) => Some(error.status),
            Error::Transport(error) => error.status(),
            Error::Auth(error) => error.status(),
            Error::InvalidRequest(_) => None,
        }
    }

    /// Whether the request (or the token request before it) timed out.
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Transport(error) => error.is_timeout(),
            Error::Auth(error) => error.is_timeout(),
            _ => false,
        }
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            Error::Transport(error) => write!(f, "request failed: {error}"),
            Error::Auth(error) => write!(f, "{error}"),
            Error::Api(error) => write!(f, "{error}"),
            Error::Decode(error) => write!(f, "{error}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(error) => Some(error),
            Error::Auth(error) => Some(error),
            Error::Decode(error) => Some(&error.source),
            _ => None,
        }
    }
}

impl<E> From<BuildError> for Error<E> {
    fn from(error: BuildError) -> Self {
        Error::InvalidRequest(error.to_string())
    }
}

/// An error status and everything that came with it.
pub struct ApiError<E> {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The body exactly as received.
    pub body: Vec<u8>,
    /// The body decoded as the spec's error schema, when it is that.
    pub parsed: Option<E>,
}

impl<E> ApiError<E> {
    /// The body as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// How long the server asked the client to wait (`Retry-After`, seconds).
    pub fn retry_after(&self) -> Option<Duration> {
        retry_after(&self.headers)
    }
}

impl<E: fmt::Debug> fmt::Debug for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &redacted_text(&self.body))
            .field("parsed", &self.parsed)
            .finish()
    }
}

impl<E: fmt::Debug> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the server answered {}", self.status)?;
        let text = redacted_text(&self.body);
        let text = text.trim();
        if !text.is_empty() {
            let shown: String = text.chars().take(300).collect();
            let more = if shown.len() < text.len() { "…" } else { "" };
            write!(f, ": {shown}{more}")?;
        }
        Ok(())
    }
}

/// Names of JSON members whose values `Debug` and `Display` hide: they
/// may hold a credential (a login answer that does not decode, say).
const SECRET_MEMBERS: &[&str] = &[
    "token",
    "secret",
    "password",
    "passwd",
    "authorization",
    "apikey",
    "api_key",
    "credential",
];

/// A body as text for `Debug` and `Display`: when it is JSON, the values
/// of members named like a credential are replaced by `<redacted>`.
/// (The `body` field itself keeps every byte.)
fn redacted_text(body: &[u8]) -> std::borrow::Cow<'_, str> {
    fn redact(value: &mut serde_json::Value) -> bool {
        let mut changed = false;
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map.iter_mut() {
                    let key = key.to_ascii_lowercase();
                    if !value.is_null() && SECRET_MEMBERS.iter().any(|name| key.contains(name)) {
                        *value = serde_json::Value::String("<redacted>".to_owned());
                        changed = true;
                    } else {
                        changed |= redact(value);
                    }
                }
            }
            serde_json::Value::Array(items) => {
                for item in items {
                    changed |= redact(item);
                }
            }
            _ => {}
        }
        changed
    }
    if let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(body)
        && redact(&mut value)
    {
        return std::borrow::Cow::Owned(value.to_string());
    }
    String::from_utf8_lossy(body)
}

/// A success response whose body could not be decoded.
pub struct DecodeError {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The body exactly as received.
    pub body: Vec<u8>,
    /// The JSON path of the value that does not decode
    /// (`records[0].extended[26].dataAttributeEnumValues[0].nameEnum`);
    /// `None` when the body as a whole is wrong (not JSON, say).
    pub path: Option<String>,
    pub source: serde_json::Error,
}

impl DecodeError {
    pub fn body_text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("status", &self.status)
            .field("path", &self.path)
            .field("body", &redacted_text(&self.body))
            .field("source", &self.source)
            .finish()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the {} response body ({} bytes) does not decode: ",
            self.status,
            self.body.len()
        )?;
        if let Some(path) = &self.path {
            write!(f, "{path}: ")?;
        }
        write!(f, "{}", self.source)
    }
}

/// What went wrong before an operation looked at a status; becomes [`Error`].
#[derive(Debug)]
#[doc(hidden)]
pub enum Failure {
    InvalidRequest(String),
    Transport(reqwest::Error),
    Auth(AuthError),
    Decode(Box<DecodeError>),
}

impl<E> From<Failure> for Error<E> {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::InvalidRequest(message) => Error::InvalidRequest(message),
            Failure::Transport(error) => Error::Transport(error),
            Failure::Auth(error) => Error::Auth(error),
            Failure::Decode(error) => Error::Decode(error),
        }
    }
}

/// The general settings of a generated crate's `ClientBuilder`, a wrapper
/// `struct ClientBuilder { runtime: client_runtime::ClientBuilder }` (the
/// credential setters, which differ per API, are generated beside them).
#[doc(hidden)]
#[macro_export]
macro_rules! builder_settings {
    () => {
        /// The URL request paths are appended to (default: the spec's first server).
        pub fn base_url(self, url: impl Into<String>) -> Self {
            Self {
                runtime: self.runtime.base_url(url),
            }
        }

        /// How long one attempt of a request may take in all (default 30 s).
        pub fn timeout(self, timeout: ::std::time::Duration) -> Self {
            Self {
                runtime: self.runtime.timeout(timeout),
            }
        }

        /// How long connecting may take (default 10 s; ignored with [`Self::http_client`]).
        pub fn connect_timeout(self, timeout: ::std::time::Duration) -> Self {
            Self {
                runtime: self.runtime.connect_timeout(timeout),
            }
        }

        /// The `User-Agent` header (default: this crate's name and version;
        /// ignored with [`Self::http_client`]).
        pub fn user_agent(self, user_agent: impl Into<String>) -> Self {
            Self {
                runtime: self.runtime.user_agent(user_agent),
            }
        }

        /// Use this `reqwest::Client` (its proxy, TLS and user agent settings
        /// apply; the timeout set here still bounds each request).
        pub fn http_client(self, client: $crate::reqwest::Client) -> Self {
            Self {
                runtime: self.runtime.http_client(client),
            }
        }

        /// How many times a failed request is retried (default 3; 0 turns retries off).
        pub fn max_retries(self, retries: u32) -> Self {
            Self {
                runtime: self.runtime.max_retries(retries),
            }
        }

        /// The longest `Retry-After` the client waits for; a longer one ends
        /// the request with the server's error (default 60 s).
        pub fn max_retry_delay(self, delay: ::std::time::Duration) -> Self {
            Self {
                runtime: self.runtime.max_retry_delay(delay),
            }
        }

        /// Retry POST and PATCH requests too (default: only idempotent ones).
        /// Turn this on only if repeating those requests is safe for this API.
        pub fn retry_non_idempotent(self, retry: bool) -> Self {
            Self {
                runtime: self.runtime.retry_non_idempotent(retry),
            }
        }

        /// The client, or why it cannot be made (no base URL, an invalid one).
        pub fn build(self) -> Result<Client, $crate::BuildError> {
            Ok(Client {
                runtime: self.runtime.build()?,
            })
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_stay_one_segment() {
        assert_eq!(path_segment("id", &"../admin").unwrap(), "..%2Fadmin");
        assert_eq!(path_segment("id", &"a b?c#d%e").unwrap(), "a%20b%3Fc%23d%25e");
        assert_eq!(path_segment("id", &"ü").unwrap(), "%C3%BC");
        assert_eq!(path_segment("id", &42).unwrap(), "42");
        assert!(path_segment("id", &"..").is_err());
        assert!(path_segment("id", &".").is_err());
        assert!(path_segment("id", &"").is_err());
    }

    #[test]
    fn query_styles() {
        let mut request = Request::new(Method::GET, "/", &[]);
        request.query("a", &["x", "y"], Style::Form, true).unwrap();
        request.query("b", &["x", "y"], Style::Form, false).unwrap();
        request.query("c", &["x", "y"], Style::PipeDelimited, false).unwrap();
        request.query("d", &["x", "y"], Style::SpaceDelimited, false).unwrap();
        request
            .query(
                "e",
                &serde_json::json!({"k": "v", "n": {"m": 1}}),
                Style::DeepObject,
                true,
            )
            .unwrap();
        request.query("f", &Option::<u8>::None, Style::Form, true).unwrap();
        let url = request.url("http://h").unwrap();
        assert_eq!(
            url.query(),
            // deepObject names keep their brackets, as the OpenAPI spec writes them.
            Some("a=x&a=y&b=x%2Cy&c=x%7Cy&d=x+y&e[k]=v&e[n][m]=1")
        );
    }

    #[test]
    fn debug_hides_credentials_in_bodies() {
        let body = br#"{"token":"eyJhbGciOi","idUser":"x","nested":[{"client_secret":"s3"}],"errors":"bad"}"#;
        let text = redacted_text(body);
        assert!(!text.contains("eyJhbGciOi") && !text.contains("s3\""), "{text}");
        assert!(text.contains("bad"));
        assert_eq!(redacted_text(b"<html>oops</html>"), "<html>oops</html>");
    }

    #[test]
    fn header_with_newline_is_refused() {
        let mut request = Request::new(Method::GET, "/", &[]);
        assert!(request.header("X-Test", &"a\r\nInjected: yes").is_err());
        assert!(request.headers.is_empty());
    }
}
