//! The call: sending a request with its credentials, retrying as the policy
//! allows, and reading the whole response for the operation to decode.

use crate::auth::{self, Credential, Location, Secret};
use crate::client::Client;
use crate::decode;
use crate::error::{ApiError, DecodeError, Error, Failure};
use crate::limits;
use crate::request::{Body, MULTIPART_BOUNDARY, Request, encode_cookie, encode_multipart, header_value};
use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

const BACKOFF_BASE: Duration = Duration::from_millis(200);

impl Client {
    /// Send a request, applying credentials and retrying as the policy allows.
    ///
    /// A request the server did not process (a refused connection, a 429)
    /// is retried whatever its method. Any other transient failure (a
    /// timeout, a broken connection, a 502/503/504) is retried only when
    /// the request is idempotent: GET, HEAD, PUT, DELETE, OPTIONS by
    /// default, as the operation overrides (`x-idempotent` in the spec), or
    /// every request with `retry_non_idempotent`. Waits follow `Retry-After`
    /// or a full-jitter exponential backoff, up to the retry limit, and
    /// never past `deadline`: a wait that would end after it is not taken.
    /// Fetching an OAuth2 token is retried the same way. A 401 on a request
    /// that carried an OAuth2 token fetches a new token and tries once more.
    ///
    /// The request is lent, not moved: the call's future holds it once.
    async fn execute(&self, request: &Request, deadline: Instant) -> Result<reqwest::Response, Failure> {
        let retry = self.inner.retry;
        let by_method = matches!(
            request.method,
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
        );
        let idempotent = retry.non_idempotent || request.idempotent.unwrap_or(by_method);
        // A wait is taken only when a retry is left and it ends before the deadline.
        let may_wait = |attempt: u32, delay: Duration| {
            attempt < retry.max_retries && delay <= retry.max_delay && Instant::now() + delay < deadline
        };
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
                Some(source) => match source.token(&self.inner.http, self.inner.timeout).await {
                    Ok(access) => Some((source, access)),
                    // A token request changes nothing: retried whatever the operation.
                    Err(Failure::Auth(error)) if error.is_transient() => {
                        let delay = backoff(attempt);
                        if !may_wait(attempt, delay) {
                            return Err(Failure::Auth(error));
                        }
                        wait(delay).await;
                        attempt += 1;
                        continue;
                    }
                    Err(failure) => return Err(failure),
                },
                None => None,
            };
            let (builder, secret_in_url) = self.prepare(request, url, alternative, token.as_ref())?;
            // Decided without awaiting, so that nothing of this attempt is
            // held across the waits below.
            let next = match builder.send().await {
                Ok(response) => {
                    let status = response.status();
                    let retry_delay = (status == StatusCode::TOO_MANY_REQUESTS || (idempotent && is_transient(status)))
                        .then(|| retry_after(response.headers()).unwrap_or_else(|| backoff(attempt)))
                        .filter(|delay| may_wait(attempt, *delay));
                    match (token, retry_delay) {
                        (Some((source, used)), _) if status == StatusCode::UNAUTHORIZED && !renewed_token => {
                            Next::Renew(source, used)
                        }
                        (_, Some(delay)) => Next::Wait(delay),
                        _ => return Ok(response),
                    }
                }
                Err(error) => {
                    // Refused: the request never reached the server.
                    let retryable = error.is_connect() || (idempotent && error.is_timeout());
                    let delay = backoff(attempt);
                    if !(retryable && may_wait(attempt, delay)) {
                        // An API key in the query must not reach the error's URL.
                        let error = if secret_in_url { error.without_url() } else { error };
                        return Err(Failure::Transport(error));
                    }
                    Next::Wait(delay)
                }
            };
            match next {
                // Rare, boxed so that its future does not enlarge every request's.
                Next::Renew(source, used) => {
                    Box::pin(source.invalidate(&used)).await;
                    renewed_token = true;
                }
                Next::Wait(delay) => {
                    wait(delay).await;
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
}

/// What an attempt that did not end the request leads to.
enum Next {
    /// The server refused the OAuth2 token: drop it and try once more.
    Renew(Arc<auth::TokenSource>, Secret),
    /// Retry after this long.
    Wait(Duration),
}

/// Failures that may pass: a gateway's or the server's momentary trouble.
fn is_transient(status: StatusCode) -> bool {
    matches!(status.as_u16(), 502..=504)
}

/// A wait between attempts, boxed so that its timer does not enlarge every
/// request's future.
async fn wait(delay: Duration) {
    Box::pin(tokio::time::sleep(delay)).await;
}

/// Full-jitter exponential backoff: a random wait between zero and
/// 200 ms, 400 ms, 800 ms, ... (capped at 10 s), so that clients that
/// failed together do not retry together.
fn backoff(attempt: u32) -> Duration {
    let ceiling = BACKOFF_BASE
        .saturating_mul(1 << attempt.min(6))
        .min(Duration::from_secs(10));
    ceiling.mul_f64(random_fraction())
}

/// A number in `[0, 1)`, random enough to spread retries: std's hasher keys
/// are random per process and differ for every `RandomState`.
fn random_fraction() -> f64 {
    use std::hash::BuildHasher;
    let bits = std::collections::hash_map::RandomState::new().hash_one(Instant::now());
    (bits >> 11) as f64 / (1_u64 << 53) as f64
}

/// `Retry-After` in seconds (the HTTP-date form falls back to the backoff).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
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

/// A decoded answer with the status and headers it came with: what a
/// request's `send_with_response()` gives (rate-limit headers, `Location`,
/// `ETag`, a request id, which status of several).
#[derive(Clone)]
pub struct Response<T> {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The body, decoded as for `.await` on the request.
    pub body: T,
}

/// Headers that may carry a credential (a session cookie, a token) show
/// as `<redacted>`.
impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SECRET_HEADERS: &[&str] = &["set-cookie", "cookie", "authorization", "proxy-authorization"];
        let headers: Vec<(&str, &dyn fmt::Debug)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let name = name.as_str();
                let secret = SECRET_HEADERS.contains(&name) || crate::error::is_secret_member(name);
                (
                    name,
                    if secret {
                        &"<redacted>" as &dyn fmt::Debug
                    } else {
                        value as &dyn fmt::Debug
                    },
                )
            })
            .collect();
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &headers)
            .field("body", &self.body)
            .finish()
    }
}

impl<T> Response<T> {
    /// The decoded body alone.
    pub fn into_body(self) -> T {
        self.body
    }

    /// A header's value as text, when it is present and is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }
}

/// The future of one call that keeps the answer's status and headers:
/// `.await` it for a [`Response`] holding them and the decoded body.
#[must_use = "a call does nothing until it is awaited"]
pub struct CallWithResponse<'a, T, E> {
    call: Call<'a, T, E>,
}

impl<T, E> Future for CallWithResponse<'_, T, E> {
    type Output = Result<Response<T>, Error<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
        let call = &mut self.get_mut().call;
        call.exchange.as_mut().poll(cx).map(|received| {
            let received = received?;
            let status = received.status;
            // Copied: `decode` may keep them too (in an error, a `Download`).
            let headers = received.headers.clone();
            (call.decode)(received).map(|body| Response { status, headers, body })
        })
    }
}

impl<T, E> fmt::Debug for CallWithResponse<'_, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallWithResponse").finish_non_exhaustive()
    }
}

impl Client {
    /// One operation's call, as [`Client::call`], keeping the answer's
    /// status and headers beside the decoded body.
    #[doc(hidden)]
    #[inline]
    pub fn call_with_response<T, E>(
        &self,
        request: Result<Request, Failure>,
        decode: fn(Received) -> Result<T, Error<E>>,
    ) -> CallWithResponse<'_, T, E> {
        CallWithResponse {
            call: self.call(request, decode),
        }
    }

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
                let total = self.inner.retry.total_timeout;
                let deadline = Instant::now() + total;
                let exchange = async {
                    let response = self.execute(&request, deadline).await?;
                    receive(response, self.inner.max_body_size).await
                };
                // The hard stop: waits are never started past the deadline,
                // but an attempt (or a token fetch, or a body) may run into it.
                match tokio::time::timeout_at(tokio::time::Instant::from_std(deadline), exchange).await {
                    Ok(received) => received,
                    Err(_) => Err(Failure::TimedOut(total)),
                }
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
fn receive(
    mut response: reqwest::Response,
    max_body_size: usize,
) -> impl Future<Output = Result<Received, Failure>> + Send {
    async move {
        let status = response.status();
        let announced = response.content_length();
        let headers = std::mem::take(response.headers_mut());
        let mut body = match limits::Body::new(max_body_size, announced) {
            Ok(body) => body,
            Err(announced) => return Err(limits::too_large(status, headers, max_body_size, announced)),
        };
        while let Some(chunk) = response.chunk().await.map_err(Failure::Transport)? {
            if !body.push(chunk) {
                return Err(limits::too_large(status, headers, max_body_size, announced));
            }
        }
        Ok(Received {
            status,
            headers,
            body: body.finish(),
        })
    }
}

/// A whole response, for an operation to decode according to its status.
#[doc(hidden)]
pub struct Received {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Received {
    pub fn status(&self) -> u16 {
        self.status.as_u16()
    }

    /// Whether the body is empty (or only white space).
    pub fn is_empty(&self) -> bool {
        self.body.iter().all(u8::is_ascii_whitespace)
    }

    /// The body as JSON of type `T`, decoded from the bytes as received
    /// (copied only when they do not decode, to keep them in the error).
    pub fn json<T: DeserializeOwned>(self) -> Result<T, Failure> {
        if self.is_empty() {
            // serde_json would say "EOF while parsing": say what happened.
            let source = <serde_json::Error as serde::de::Error>::custom(format!(
                "the {} answer has no body, but the spec declares one",
                self.status
            ));
            return Err(Failure::Decode(Box::new(DecodeError {
                status: self.status,
                path: None,
                headers: self.headers,
                body: self.body.to_vec(),
                source,
            })));
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_debug_hides_credential_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("set-cookie", "session=s3cret".parse().unwrap());
        headers.insert("x-auth-token", "t0ken".parse().unwrap());
        headers.insert("x-request-id", "req-42".parse().unwrap());
        let response = Response {
            status: StatusCode::OK,
            headers,
            body: 1,
        };
        let text = format!("{response:?}");
        assert!(!text.contains("s3cret") && !text.contains("t0ken"), "{text}");
        assert!(text.contains("req-42") && text.contains("body: 1"), "{text}");
    }

    #[test]
    fn backoff_is_full_jitter_under_a_growing_ceiling() {
        for attempt in 0..10 {
            let ceiling = BACKOFF_BASE
                .saturating_mul(1 << attempt.min(6))
                .min(Duration::from_secs(10));
            let waits: Vec<Duration> = (0..50).map(|_| backoff(attempt)).collect();
            assert!(waits.iter().all(|wait| *wait <= ceiling), "{waits:?}");
            // spread, not lockstep
            assert!(waits.iter().any(|wait| *wait != waits[0]), "{waits:?}");
        }
        assert!((0..100).map(|_| random_fraction()).all(|x| (0.0..1.0).contains(&x)));
    }
}
