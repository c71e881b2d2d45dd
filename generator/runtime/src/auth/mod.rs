//! Credentials: API keys, HTTP bearer and basic, and access tokens that the
//! client obtains and renews itself (OAuth2 client credentials, the OAuth2
//! password grant with its refresh token, or a token source of the user's).
//!
//! - `endpoint.rs`: one exchange with an OAuth2 token endpoint (form in,
//!   token answer out, errors kept without secrets);
//! - `grant.rs`: the grants (client credentials, password, refresh token);
//! - `source.rs`: the user's own [`TokenSource`];
//! - `token.rs`: the shared, self-renewing token every request of a client
//!   uses (one fetch at a time, renewed before expiry and after a 401).

mod endpoint;
mod grant;
mod source;
mod token;

use reqwest::StatusCode;
use reqwest::header::{HeaderName, HeaderValue};
use std::fmt;
use std::sync::Arc;

pub use grant::PasswordGrant;
pub use source::{AccessToken, TokenRequest, TokenSource};
pub(crate) use token::{Fetch, Tokens};

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
    /// An access token the client obtains, keeps and renews: OAuth2 client
    /// credentials, the password grant, or the user's token source.
    Token(Arc<Tokens>),
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
        Credential::Token(Arc::new(Tokens::new(grant::Grant::ClientCredentials(
            grant::ClientCredentials {
                token_url: token_url.into(),
                client_id: client_id.into(),
                client_secret: client_secret.into(),
                scopes: scopes.join(" "),
            },
        ))))
    }

    /// The OAuth2 password grant: a user's name and password traded for an
    /// access token (and a refresh token, when the server gives one).
    pub fn password_grant(grant: PasswordGrant) -> Self {
        Credential::Token(Arc::new(Tokens::new(grant::Grant::Password(grant))))
    }

    /// Tokens from the user's own source.
    pub fn token_source(source: impl TokenSource) -> Self {
        Credential::Token(Arc::new(Tokens::new(grant::Grant::Source(Box::new(source)))))
    }
}

/// A header value kept out of logs (`Debug` shows `Sensitive`).
pub(crate) fn sensitive_header(value: &str) -> Option<HeaderValue> {
    let mut header = HeaderValue::from_str(value).ok()?;
    header.set_sensitive(true);
    Some(header)
}

/// Why no access token could be obtained.
#[derive(Debug)]
pub struct AuthError {
    kind: AuthErrorKind,
}

#[derive(Debug)]
enum AuthErrorKind {
    /// The token endpoint could not be reached, or the exchange broke off.
    Transport { token_url: String, error: reqwest::Error },
    /// The endpoint answered with an error status (its body is kept; it
    /// holds no token).
    Refused {
        token_url: String,
        status: StatusCode,
        body: String,
    },
    /// A success status with a body that is not a token response. The
    /// body is not kept: it may hold a token.
    Malformed {
        token_url: String,
        status: StatusCode,
        message: String,
    },
    /// The user's token source failed.
    Source(Box<dyn std::error::Error + Send + Sync>),
}

impl AuthError {
    pub(crate) fn source_failed(error: Box<dyn std::error::Error + Send + Sync>) -> Self {
        AuthError {
            kind: AuthErrorKind::Source(error),
        }
    }

    /// The token endpoint asked (none for a token source of the user's).
    pub fn token_url(&self) -> Option<&str> {
        match &self.kind {
            AuthErrorKind::Transport { token_url, .. }
            | AuthErrorKind::Refused { token_url, .. }
            | AuthErrorKind::Malformed { token_url, .. } => Some(token_url),
            AuthErrorKind::Source(_) => None,
        }
    }

    /// The token endpoint's status, when it answered.
    pub fn status(&self) -> Option<StatusCode> {
        match &self.kind {
            AuthErrorKind::Transport { error, .. } => error.status(),
            AuthErrorKind::Refused { status, .. } | AuthErrorKind::Malformed { status, .. } => Some(*status),
            AuthErrorKind::Source(_) => None,
        }
    }

    /// Whether the token request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(&self.kind, AuthErrorKind::Transport { error, .. } if error.is_timeout())
    }

    /// Whether the token endpoint refused what it was given (a wrong
    /// password or client secret, an expired refresh token).
    pub(crate) fn is_refusal(&self) -> bool {
        matches!(&self.kind, AuthErrorKind::Refused { status, .. } if matches!(status.as_u16(), 400 | 401))
    }

    /// Whether trying again may succeed: the endpoint could not be
    /// reached or did not answer in time, or answered 429 or 502-504.
    pub(crate) fn is_transient(&self) -> bool {
        match &self.kind {
            AuthErrorKind::Transport { error, .. } => error.is_connect() || error.is_timeout(),
            AuthErrorKind::Refused { status, .. } => matches!(status.as_u16(), 429 | 502..=504),
            AuthErrorKind::Malformed { .. } | AuthErrorKind::Source(_) => false,
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
        match &self.kind {
            // The cause is the source, not repeated here.
            AuthErrorKind::Transport { token_url, .. } => {
                write!(f, "cannot reach the token endpoint {token_url}")
            }
            AuthErrorKind::Refused {
                token_url,
                status,
                body,
            } => {
                write!(
                    f,
                    "the token endpoint {token_url} refused the credentials ({status}): {}",
                    body.trim()
                )
            }
            AuthErrorKind::Malformed {
                token_url,
                status,
                message,
            } => {
                write!(
                    f,
                    "the token endpoint {token_url} answered {status} without a usable token: {message}"
                )
            }
            AuthErrorKind::Source(_) => f.write_str("the token source failed"),
        }
    }
}

impl std::error::Error for AuthError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            AuthErrorKind::Transport { error, .. } => Some(error),
            AuthErrorKind::Source(error) => Some(error.as_ref()),
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
        let password = Credential::password_grant(
            PasswordGrant::new("http://t", "openremote", "alice", "pa55word").client_secret("cl1ent-s3cret"),
        );
        let text = format!("{password:?}");
        assert!(!text.contains("pa55word") && !text.contains("cl1ent-s3cret"), "{text}");
        assert!(text.contains("alice") && text.contains("openremote"), "{text}");
        let bearer = Credential::bearer("t0ken".into());
        assert!(!format!("{bearer:?}").contains("t0ken"));
    }
}
