//! The ways the client obtains an access token: OAuth2 client credentials,
//! the OAuth2 password grant (and its refresh token), or the user's source.

use super::endpoint::{self, Issued};
use super::source::ErasedSource;
use super::token::Fetch;
use super::{AuthError, Secret};
use std::fmt;

/// Where tokens come from.
pub(super) enum Grant {
    ClientCredentials(ClientCredentials),
    Password(PasswordGrant),
    Source(Box<dyn ErasedSource>),
}

impl fmt::Debug for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Grant::ClientCredentials(grant) => grant.fmt(f),
            Grant::Password(grant) => grant.fmt(f),
            Grant::Source(_) => f.write_str("TokenSource"),
        }
    }
}

/// OAuth2 client credentials (RFC 6749 §4.4): a service's own id and secret.
pub(super) struct ClientCredentials {
    pub(super) token_url: String,
    pub(super) client_id: String,
    pub(super) client_secret: Secret,
    pub(super) scopes: String,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .finish_non_exhaustive()
    }
}

impl ClientCredentials {
    pub(super) async fn sign_in(&self, fetch: &Fetch<'_>) -> Result<Issued, AuthError> {
        let mut form = vec![
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose()),
        ];
        if !self.scopes.is_empty() {
            form.push(("scope", self.scopes.as_str()));
        }
        endpoint::request(fetch, &self.token_url, "client_credentials", &form).await
    }
}

/// The OAuth2 password grant (RFC 6749 §4.3): a person's user name and
/// password, sent to the token endpoint for an access token.
///
/// The client keeps the refresh token the server gives with it, uses it
/// when the access token expires (or is refused), and signs in with the
/// password again when the refresh token has expired or is refused.
/// `Debug` shows neither the password nor the client secret.
///
/// ```
/// # use client_runtime::PasswordGrant;
/// let grant = PasswordGrant::new(
///     "https://manager.example.org/auth/realms/building/protocol/openid-connect/token",
///     "openremote", // the client id; a public client has no secret
///     "alice",
///     "correct horse battery staple",
/// )
/// .scopes(["openid"]);
/// ```
#[derive(Clone)]
pub struct PasswordGrant {
    token_url: String,
    client_id: String,
    client_secret: Option<Secret>,
    username: String,
    password: Secret,
    scopes: String,
}

impl PasswordGrant {
    /// Sign in as `username` at `token_url`, through the OAuth2 client `client_id`.
    pub fn new(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<Secret>,
    ) -> Self {
        PasswordGrant {
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret: None,
            username: username.into(),
            password: password.into(),
            scopes: String::new(),
        }
    }

    /// The client's secret, for a confidential client (a public one has none).
    pub fn client_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.client_secret = Some(secret.into());
        self
    }

    /// The scopes asked for (none by default: the server's defaults).
    pub fn scopes<S: AsRef<str>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes
            .into_iter()
            .map(|scope| scope.as_ref().to_owned())
            .collect::<Vec<_>>()
            .join(" ");
        self
    }

    /// The user name signed in with.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// Trade the user name and password for tokens.
    pub(super) async fn sign_in(&self, fetch: &Fetch<'_>) -> Result<Issued, AuthError> {
        let mut form = vec![
            ("client_id", self.client_id.as_str()),
            ("username", self.username.as_str()),
            ("password", self.password.expose()),
        ];
        self.add_client(&mut form);
        endpoint::request(fetch, &self.token_url, "password", &form).await
    }

    /// Trade a refresh token for new tokens (RFC 6749 §6).
    pub(super) async fn refresh(&self, fetch: &Fetch<'_>, refresh_token: &Secret) -> Result<Issued, AuthError> {
        let mut form = vec![
            ("client_id", self.client_id.as_str()),
            ("refresh_token", refresh_token.expose()),
        ];
        self.add_client(&mut form);
        endpoint::request(fetch, &self.token_url, "refresh_token", &form).await
    }

    fn add_client<'a>(&'a self, form: &mut Vec<(&'static str, &'a str)>) {
        if let Some(secret) = &self.client_secret {
            form.push(("client_secret", secret.expose()));
        }
        if !self.scopes.is_empty() {
            form.push(("scope", self.scopes.as_str()));
        }
    }
}

impl fmt::Debug for PasswordGrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordGrant")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("username", &self.username)
            .field("password", &self.password)
            .finish_non_exhaustive()
    }
}
