//! A token source of the user's own: whatever gives an access token (a
//! vault, another SDK, a sign-in done elsewhere), asked when the client
//! needs a token and again when the server refuses the one it had.

use super::Secret;
use std::fmt;
use std::pin::Pin;
use std::time::Duration;

/// The error a token source may fail with: any error.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// An access token from a [`TokenSource`], with how long it is good for.
#[derive(Clone)]
pub struct AccessToken {
    pub(super) token: Secret,
    pub(super) expires_in: Option<Duration>,
}

impl AccessToken {
    /// A token kept until the server refuses it (then the source is asked again).
    pub fn new(token: impl Into<Secret>) -> Self {
        AccessToken {
            token: token.into(),
            expires_in: None,
        }
    }

    /// How long the token is good for from now: the client asks the source
    /// again shortly before.
    pub fn expires_in(mut self, lifetime: Duration) -> Self {
        self.expires_in = Some(lifetime);
        self
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &self.token)
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// Why the client asks a [`TokenSource`] for a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenRequest {
    /// The server refused the token the source gave last (a 401): a cached
    /// one will not do.
    pub rejected: bool,
}

/// Access tokens from anywhere: the client asks its source when it has no
/// token, when the token's lifetime runs out, and after the server refuses
/// one (a 401, once per call). Many calls at once wait for one answer; it is
/// never asked twice at the same time.
///
/// An `async` closure, or a function returning a future, is a token source:
///
/// ```
/// # use client_runtime::{AccessToken, TokenRequest};
/// # fn takes(_: impl client_runtime::TokenSource) {}
/// takes(|request: TokenRequest| async move {
///     let token = std::env::var("API_TOKEN")?;
///     Ok(AccessToken::new(token))
/// });
/// ```
///
/// or implement the trait:
///
/// ```
/// # use client_runtime::{AccessToken, TokenRequest, TokenSource};
/// struct Vault;
///
/// impl TokenSource for Vault {
///     async fn token(&self, request: TokenRequest) -> Result<AccessToken, Box<dyn std::error::Error + Send + Sync>> {
///         Ok(AccessToken::new("from the vault").expires_in(std::time::Duration::from_secs(300)))
///     }
/// }
/// ```
pub trait TokenSource: Send + Sync + 'static {
    /// A token: fetched, renewed, or a new one when `request.rejected`.
    fn token(&self, request: TokenRequest) -> impl Future<Output = Result<AccessToken, BoxError>> + Send;
}

impl<F, Fut> TokenSource for F
where
    F: Fn(TokenRequest) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<AccessToken, BoxError>> + Send,
{
    fn token(&self, request: TokenRequest) -> impl Future<Output = Result<AccessToken, BoxError>> + Send {
        self(request)
    }
}

/// A [`TokenSource`] behind a pointer: its future boxed (a token is asked
/// for rarely).
pub(super) trait ErasedSource: Send + Sync {
    fn token(&self, request: TokenRequest) -> Pin<Box<dyn Future<Output = Result<AccessToken, BoxError>> + Send + '_>>;
}

impl<T: TokenSource> ErasedSource for T {
    fn token(&self, request: TokenRequest) -> Pin<Box<dyn Future<Output = Result<AccessToken, BoxError>> + Send + '_>> {
        Box::pin(TokenSource::token(self, request))
    }
}
