//! Credentials: API keys, HTTP bearer and basic, and OAuth2 client
//! credentials with a shared, self-renewing token.

use super::Failure;
use crate::limits;
use reqwest::StatusCode;
use reqwest::header::{HeaderName, HeaderValue};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A secret string (token, password, client secret): usable, but never
/// shown by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for sending.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl<T: Into<String>> From<T> for Secret {
    fn from(value: T) -> Self {
        Secret::new(value)
    }
}

/// Where an API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(hidden)]
pub enum Location {
    Header,
    Query,
    Cookie,
}

/// A credential for one security scheme.
#[derive(Debug, Clone)]
#[doc(hidden)]
pub enum Credential {
    /// Sent as one header (an API key in a header, a bearer token), built
    /// once when the credential is set and marked sensitive. `None`: the
    /// value cannot be a header (a newline in it); requests are refused.
    Header {
        name: HeaderName,
        value: Option<HeaderValue>,
    },
    /// An API key in the query string or a cookie.
    ApiKey {
        location: Location,
        name: &'static str,
        value: Secret,
    },
    Basic {
        username: String,
        password: Option<Secret>,
    },
    ClientCredentials(Arc<TokenSource>),
}

impl Credential {
    pub fn api_key(location: Location, name: &'static str, value: Secret) -> Self {
        match location {
            Location::Header => match HeaderName::try_from(name) {
                Ok(name) => Credential::Header {
                    name,
                    value: sensitive_header(value.expose()),
                },
                Err(_) => Credential::ApiKey { location, name, value },
            },
            _ => Credential::ApiKey { location, name, value },
        }
    }

    pub fn bearer(token: Secret) -> Self {
        Credential::Header {
            name: reqwest::header::AUTHORIZATION,
            value: sensitive_header(&format!("Bearer {}", token.expose())),
        }
    }

    pub fn client_credentials(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        scopes: &[&str],
    ) -> Self {
        Credential::ClientCredentials(Arc::new(TokenSource {
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            scopes: scopes.join(" "),
            cache: tokio::sync::Mutex::new(None),
        }))
    }
}

/// A header value kept out of logs (`Debug` shows `Sensitive`).
pub(super) fn sensitive_header(value: &str) -> Option<HeaderValue> {
    let mut header = HeaderValue::from_str(value).ok()?;
    header.set_sensitive(true);
    Some(header)
}

/// OAuth2 client credentials: fetches an access token from the token
/// endpoint, keeps it, and fetches a new one shortly before it expires.
/// Concurrent calls wait for one fetch and share its token.
#[doc(hidden)]
pub struct TokenSource {
    token_url: String,
    client_id: String,
    client_secret: Secret,
    scopes: String,
    cache: tokio::sync::Mutex<Option<CachedToken>>,
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .finish_non_exhaustive()
    }
}

struct CachedToken {
    token: Secret,
    renew_at: Instant,
}

/// Tokens whose lifetime the server does not state are kept this long
/// (a 401 still fetches a new one).
const ASSUMED_LIFETIME: Duration = Duration::from_secs(300);

/// The longest token endpoint answer read (1 MiB; a real one is a few KB).
const MAX_TOKEN_ANSWER: usize = 1 << 20;

/// The longest a token is kept, whatever `expires_in` says.
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: String,
    expires_in: Option<u64>,
}

impl TokenSource {
    /// A valid access token, fetched if there is none or it is about to expire.
    /// `timeout` bounds the token request as it bounds every other request.
    pub async fn token(&self, http: &reqwest::Client, timeout: Duration) -> Result<Secret, Failure> {
        // The common case without awaiting; the rest boxed, so that a
        // request's future does not grow by the size of a token fetch.
        match self.cached() {
            Some(token) => Ok(token),
            None => Box::pin(self.renew(http, timeout)).await,
        }
    }

    /// The cached token if it is still good and nobody is renewing it.
    fn cached(&self) -> Option<Secret> {
        let cache = self.cache.try_lock().ok()?;
        let cached = cache.as_ref().filter(|cached| Instant::now() < cached.renew_at)?;
        Some(cached.token.clone())
    }

    /// Wait for the lock; fetch a token unless the task that held it did
    /// (concurrent requests share one fetch).
    async fn renew(&self, http: &reqwest::Client, timeout: Duration) -> Result<Secret, Failure> {
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref()
            && Instant::now() < cached.renew_at
        {
            return Ok(cached.token.clone());
        }
        let fetched = self.fetch(http, timeout).await?;
        let token = fetched.token.clone();
        *cache = Some(fetched);
        Ok(token)
    }

    /// Forget `used` if it is still the cached token (the server refused it).
    pub async fn invalidate(&self, used: &Secret) {
        let mut cache = self.cache.lock().await;
        if cache.as_ref().is_some_and(|cached| &cached.token == used) {
            *cache = None;
        }
    }

    async fn fetch(&self, http: &reqwest::Client, timeout: Duration) -> Result<CachedToken, Failure> {
        let mut form = vec![
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose()),
        ];
        if !self.scopes.is_empty() {
            form.push(("scope", self.scopes.as_str()));
        }
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&form)
            .finish();
        let fail = |kind: AuthErrorKind| {
            Failure::Auth(AuthError {
                token_url: self.token_url.clone(),
                kind,
            })
        };
        let started = Instant::now();
        let mut response = http
            .post(&self.token_url)
            .timeout(timeout)
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| fail(AuthErrorKind::Transport(e)))?;
        let status = response.status();
        // A token answer is a few kilobytes: one longer than
        // `MAX_TOKEN_ANSWER` is refused unread, not held whole.
        let too_long = || {
            fail(AuthErrorKind::Malformed {
                status,
                message: format!("the answer is longer than {MAX_TOKEN_ANSWER} bytes"),
            })
        };
        let mut body = limits::Body::new(MAX_TOKEN_ANSWER, response.content_length()).map_err(|_| too_long())?;
        while let Some(chunk) = response.chunk().await.map_err(|e| fail(AuthErrorKind::Transport(e)))? {
            if !body.push(chunk) {
                return Err(too_long());
            }
        }
        let bytes = body.finish();
        if !status.is_success() {
            let body = String::from_utf8_lossy(&bytes).into_owned();
            return Err(fail(AuthErrorKind::Refused { status, body }));
        }
        let parsed: TokenResponse = serde_json::from_slice(&bytes).map_err(|e| {
            fail(AuthErrorKind::Malformed {
                status,
                message: e.to_string(),
            })
        })?;
        // A lifetime beyond a day is taken as a day: a hostile or broken
        // endpoint's `expires_in` must not overflow the clock.
        let lifetime = parsed
            .expires_in
            .map(|seconds| Duration::from_secs(seconds.min(MAX_LIFETIME.as_secs())))
            .unwrap_or(ASSUMED_LIFETIME);
        // Renew a fifth of the lifetime early (at most 30 s): the request
        // that uses the token must still find it valid at the server.
        let margin = (lifetime / 5).min(Duration::from_secs(30));
        Ok(CachedToken {
            token: Secret::new(parsed.access_token),
            renew_at: started + lifetime - margin,
        })
    }
}

/// Why no access token could be obtained.
#[derive(Debug)]
pub struct AuthError {
    /// The token endpoint asked.
    pub token_url: String,
    kind: AuthErrorKind,
}

#[derive(Debug)]
enum AuthErrorKind {
    Transport(reqwest::Error),
    /// The endpoint answered with an error status (its body is kept; it
    /// holds no token).
    Refused {
        status: StatusCode,
        body: String,
    },
    /// A success status with a body that is not a token response. The
    /// body is not kept: it may hold a token.
    Malformed {
        status: StatusCode,
        message: String,
    },
}

impl AuthError {
    /// The token endpoint's status, when it answered.
    pub fn status(&self) -> Option<StatusCode> {
        match &self.kind {
            AuthErrorKind::Transport(error) => error.status(),
            AuthErrorKind::Refused { status, .. } | AuthErrorKind::Malformed { status, .. } => Some(*status),
        }
    }

    /// Whether the token request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(&self.kind, AuthErrorKind::Transport(error) if error.is_timeout())
    }

    /// Whether trying again may succeed: the endpoint could not be
    /// reached or did not answer in time, or answered 429 or 502-504.
    pub(crate) fn is_transient(&self) -> bool {
        match &self.kind {
            AuthErrorKind::Transport(error) => error.is_connect() || error.is_timeout(),
            AuthErrorKind::Refused { status, .. } => matches!(status.as_u16(), 429 | 502..=504),
            AuthErrorKind::Malformed { .. } => false,
        }
    }

    /// The token endpoint's error body, when it refused.
    pub fn body(&self) -> Option<&str> {
        match &self.kind {
            AuthErrorKind::Refused { body, .. } => Some(body),
            _ => None,
        }
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = &self.token_url;
        match &self.kind {
            AuthErrorKind::Transport(error) => write!(f, "cannot reach the token endpoint {url}: {error}"),
            AuthErrorKind::Refused { status, body } => {
                write!(
                    f,
                    "the token endpoint {url} refused the client credentials ({status}): {}",
                    body.trim()
                )
            }
            AuthErrorKind::Malformed { status, message } => {
                write!(
                    f,
                    "the token endpoint {url} answered {status} without a usable token: {message}"
                )
            }
        }
    }
}

impl std::error::Error for AuthError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            AuthErrorKind::Transport(error) => Some(error),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_debug() {
        let credential = Credential::client_credentials("http://t", "id", "hunter2", &[]);
        assert!(!format!("{credential:?}").contains("hunter2"));
        let key = Credential::ApiKey {
            location: Location::Header,
            name: "X",
            value: "k3y".into(),
        };
        assert!(!format!("{key:?}").contains("k3y"));
    }
}
