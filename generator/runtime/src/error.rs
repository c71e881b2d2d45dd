//! The errors of a call and of building a client. Raw status, headers and
//! body are always kept; `Debug` and `Display` hide credentials in bodies.

use crate::auth::AuthError;
use crate::call::retry_after;
use crate::limits::TooLarge;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::fmt;
use std::time::Duration;

/// Why [`ClientBuilder::build`] failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The spec names no server and no base URL was given.
    NoBaseUrl,
    /// The spec's server URL has variables (host, realm, ...) and no base
    /// URL was given; this is what their defaults would give, which is not
    /// used unless asked for.
    BaseUrlRequired(String),
    /// The base URL is not an absolute `http` or `https` URL.
    InvalidBaseUrl(String),
    /// The HTTP client could not be set up (TLS back end).
    Http(reqwest::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::NoBaseUrl => f.write_str("no base URL: the spec names no server; call `base_url`"),
            BuildError::BaseUrlRequired(default) => write!(
                f,
                "no base URL: the spec's server URL has variables, so there is no default to send requests \
                 and credentials to; call `base_url` with your server's URL (`{default}` is what the \
                 variables' defaults give: pass it to `base_url` to use it)"
            ),
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
    /// The server's answer is longer than the client's `max_body_size`.
    TooLarge(Box<TooLarge>),
    /// The call's overall deadline (`total_timeout`, this long) passed
    /// before it ended, retries and waits included.
    TimedOut(Duration),
}

impl<E> Error<E> {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(error) => Some(error.status),
            Error::Decode(error) => Some(error.status),
            Error::TooLarge(error) => Some(error.status),
            Error::Transport(error) => error.status(),
            Error::Auth(error) => error.status(),
            Error::InvalidRequest(_) | Error::TimedOut(_) => None,
        }
    }

    /// Whether the request (or the token request before it) timed out.
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Transport(error) => error.is_timeout(),
            Error::Auth(error) => error.is_timeout(),
            Error::TimedOut(_) => true,
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
            Error::TooLarge(error) => write!(f, "{error}"),
            Error::TimedOut(total) => write!(f, "the call did not end within its deadline of {total:?}"),
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
    if let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(body)
        && redact(&mut value)
    {
        return std::borrow::Cow::Owned(value.to_string());
    }
    String::from_utf8_lossy(body)
}

/// Whether a JSON member of this name may hold a credential.
pub(crate) fn is_secret_member(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_MEMBERS.iter().any(|secret| name.contains(secret))
}

/// Replace the values of members named like a credential by `<redacted>`,
/// at any depth; whether anything was replaced.
pub(crate) fn redact(value: &mut serde_json::Value) -> bool {
    let mut changed = false;
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if !value.is_null() && is_secret_member(key) {
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
    TooLarge(Box<TooLarge>),
    TimedOut(Duration),
}

impl<E> From<Failure> for Error<E> {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::InvalidRequest(message) => Error::InvalidRequest(message),
            Failure::Transport(error) => Error::Transport(error),
            Failure::Auth(error) => Error::Auth(error),
            Failure::Decode(error) => Error::Decode(error),
            Failure::TooLarge(error) => Error::TooLarge(error),
            Failure::TimedOut(total) => Error::TimedOut(total),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_credentials_in_bodies() {
        let body = br#"{"token":"eyJhbGciOi","idUser":"x","nested":[{"client_secret":"s3"}],"errors":"bad"}"#;
        let text = redacted_text(body);
        assert!(!text.contains("eyJhbGciOi") && !text.contains("s3\""), "{text}");
        assert!(text.contains("bad"));
        assert_eq!(redacted_text(b"<html>oops</html>"), "<html>oops</html>");
    }
}
