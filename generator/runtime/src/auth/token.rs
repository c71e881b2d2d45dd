//! The access token a client's requests share: obtained by its grant, kept,
//! renewed shortly before it expires and after the server refuses it.
//! Concurrent calls wait for one renewal and share its token.

use super::grant::Grant;
use super::source::TokenRequest;
use super::{AuthError, Secret};
use crate::hooks::Hooks;
use crate::trace;
use std::fmt;
use std::time::{Duration, Instant};

/// Tokens whose lifetime a token endpoint does not state are kept this long
/// (a 401 still fetches a new one).
const ASSUMED_LIFETIME: Duration = Duration::from_secs(300);

/// What obtaining a token needs from the client: its connections, the
/// timeout of one request, and its hooks (a token request passes them too).
pub(crate) struct Fetch<'a> {
    pub(crate) http: &'a reqwest::Client,
    pub(crate) timeout: Duration,
    pub(crate) hooks: &'a Hooks,
}

/// An access token obtained by a grant, shared by every request of the
/// client (and of its clones) that uses the scheme.
#[doc(hidden)]
pub struct Tokens {
    grant: Grant,
    state: tokio::sync::Mutex<State>,
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.grant.fmt(f)
    }
}

#[derive(Default)]
struct State {
    access: Option<Cached>,
    refresh: Option<Refresh>,
    /// The server refused the last token (the next is asked for as such).
    rejected: bool,
}

struct Cached {
    token: Secret,
    /// When to obtain a new one; `None`: when the server refuses it.
    renew_at: Option<Instant>,
}

impl Cached {
    fn is_fresh(&self) -> bool {
        self.renew_at.is_none_or(|at| Instant::now() < at)
    }
}

/// A refresh token (password grant), and until when it may be used.
struct Refresh {
    token: Secret,
    until: Option<Instant>,
}

/// Renew a fifth of the lifetime early (at most 30 s): the request that
/// uses the token must still find it valid at the server.
fn renew_at(from: Instant, lifetime: Duration) -> Instant {
    from + lifetime - (lifetime / 5).min(Duration::from_secs(30))
}

impl Tokens {
    pub(super) fn new(grant: Grant) -> Self {
        Tokens {
            grant,
            state: tokio::sync::Mutex::new(State::default()),
        }
    }

    /// A valid access token, obtained if there is none or it is about to expire.
    pub(crate) async fn token(&self, fetch: &Fetch<'_>) -> Result<Secret, AuthError> {
        // The common case without awaiting; the rest boxed, so that a
        // request's future does not grow by the size of a token fetch.
        match self.cached() {
            Some(token) => Ok(token),
            None => Box::pin(self.renew(fetch)).await,
        }
    }

    /// The cached token if it is still good and nobody is renewing it.
    fn cached(&self) -> Option<Secret> {
        let state = self.state.try_lock().ok()?;
        let cached = state.access.as_ref().filter(|cached| cached.is_fresh())?;
        Some(cached.token.clone())
    }

    /// Wait for the lock; obtain a token unless the task that held it did
    /// (concurrent requests share one renewal).
    async fn renew(&self, fetch: &Fetch<'_>) -> Result<Secret, AuthError> {
        let mut state = self.state.lock().await;
        if let Some(cached) = state.access.as_ref().filter(|cached| cached.is_fresh()) {
            return Ok(cached.token.clone());
        }
        let grant = self.grant_name(&state);
        trace::token_renewal(grant, state.rejected);
        let obtained = self.obtain(&mut state, fetch).await;
        trace::token_renewed(grant, obtained.as_ref().err());
        let token = obtained?;
        state.rejected = false;
        Ok(token)
    }

    /// How the next token will be obtained, for traces (no secret in it).
    fn grant_name(&self, state: &State) -> &'static str {
        match &self.grant {
            Grant::ClientCredentials(_) => "client_credentials",
            Grant::Password(_) if state.refresh.as_ref().is_some_and(Refresh::is_usable) => "refresh_token",
            Grant::Password(_) => "password",
            Grant::Source(_) => "token_source",
        }
    }

    async fn obtain(&self, state: &mut State, fetch: &Fetch<'_>) -> Result<Secret, AuthError> {
        // The token endpoint's answer, and the refresh token kept when the
        // answer brings none (a server may keep the one it gave).
        let (issued, kept) = match &self.grant {
            Grant::ClientCredentials(grant) => (grant.sign_in(fetch).await?, None),
            Grant::Password(grant) => match state.refresh.take().filter(Refresh::is_usable) {
                Some(refresh) => match grant.refresh(fetch, &refresh.token).await {
                    Ok(issued) => (issued, Some(refresh)),
                    // Expired or revoked: sign in again.
                    Err(error) if error.is_refusal() => (grant.sign_in(fetch).await?, None),
                    Err(error) => {
                        state.refresh = Some(refresh);
                        return Err(error);
                    }
                },
                None => (grant.sign_in(fetch).await?, None),
            },
            Grant::Source(source) => {
                let request = TokenRequest {
                    rejected: state.rejected,
                };
                let asked_at = Instant::now();
                let access = source.token(request).await.map_err(AuthError::source_failed)?;
                let token = access.token.clone();
                state.access = Some(Cached {
                    token: access.token,
                    renew_at: access.expires_in.map(|lifetime| renew_at(asked_at, lifetime)),
                });
                return Ok(token);
            }
        };
        let token = issued.access_token.clone();
        state.access = Some(Cached {
            token: issued.access_token,
            renew_at: Some(renew_at(issued.sent_at, issued.expires_in.unwrap_or(ASSUMED_LIFETIME))),
        });
        state.refresh = match issued.refresh_token {
            Some(token) => Some(Refresh {
                token,
                until: issued
                    .refresh_expires_in
                    .map(|lifetime| renew_at(issued.sent_at, lifetime)),
            }),
            None => kept,
        };
        Ok(token)
    }

    /// Forget `used` if it is still the cached token (the server refused it).
    pub(crate) async fn invalidate(&self, used: &Secret) {
        let mut state = self.state.lock().await;
        if state.access.as_ref().is_some_and(|cached| &cached.token == used) {
            state.access = None;
            state.rejected = true;
        }
    }
}

impl Refresh {
    fn is_usable(&self) -> bool {
        self.until.is_none_or(|until| Instant::now() < until)
    }
}
