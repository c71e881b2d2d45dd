//! One exchange with an OAuth2 token endpoint: a form posted, a token
//! answer read (within a bound), failures kept without the secrets sent.

use super::token::Fetch;
use super::{AuthError, AuthErrorKind, Secret};
use crate::hooks::{Attempt, Outcome, Purpose};
use crate::limits;
use std::time::{Duration, Instant};

/// The longest token endpoint answer read (1 MiB; a real one is a few KB).
const MAX_TOKEN_ANSWER: usize = 1 << 20;

/// The longest a token is kept, whatever `expires_in` says.
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// What a token endpoint answers (RFC 6749 §5.1; Keycloak adds
/// `refresh_expires_in`, `not-before-policy`, `session_state`, `scope`).
#[derive(serde::Deserialize)]
struct Answer {
    access_token: String,
    expires_in: Option<u64>,
    refresh_token: Option<String>,
    refresh_expires_in: Option<u64>,
}

/// A token endpoint's answer, its lifetimes as durations.
pub(super) struct Issued {
    pub(super) access_token: Secret,
    pub(super) expires_in: Option<Duration>,
    pub(super) refresh_token: Option<Secret>,
    /// `None`: the server says nothing (or `0`: no fixed end).
    pub(super) refresh_expires_in: Option<Duration>,
    /// When the request was sent: lifetimes count from here.
    pub(super) sent_at: Instant,
}

/// A lifetime from the server, at most a day: a hostile or broken
/// endpoint's number must not overflow the clock.
fn lifetime(seconds: Option<u64>) -> Option<Duration> {
    seconds
        .filter(|seconds| *seconds > 0)
        .map(|seconds| Duration::from_secs(seconds.min(MAX_LIFETIME.as_secs())))
}

/// Post `grant_type=grant` and `form` to `token_url` and read the token answer.
pub(super) async fn request(
    fetch: &Fetch<'_>,
    token_url: &str,
    grant: &'static str,
    form: &[(&str, &str)],
) -> Result<Issued, AuthError> {
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", grant)
        .extend_pairs(form)
        .finish();
    let fail = |kind: AuthErrorKind| AuthError { kind };
    let transport = |error: reqwest::Error| {
        fail(AuthErrorKind::Transport {
            token_url: token_url.to_owned(),
            error,
        })
    };
    let mut request = fetch
        .http
        .post(token_url)
        .timeout(fetch.timeout)
        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(reqwest::header::ACCEPT, "application/json")
        .body(body)
        .build()
        .map_err(transport)?;
    let attempt = Attempt {
        operation_id: None,
        method: &reqwest::Method::POST,
        path_template: None,
        number: 1,
        purpose: Purpose::Token { grant },
    };
    fetch.hooks.before_send(&mut request, &attempt);
    let sent_at = Instant::now();
    let sent = fetch.http.execute(request).await;
    match &sent {
        Ok(response) => fetch.hooks.after_attempt(
            &attempt,
            Outcome::Response {
                status: response.status(),
                headers: response.headers(),
            },
            sent_at.elapsed(),
        ),
        Err(error) => fetch
            .hooks
            .after_attempt(&attempt, Outcome::Failed(error), sent_at.elapsed()),
    }
    let mut response = sent.map_err(transport)?;
    let status = response.status();
    // A token answer is a few kilobytes: one longer than
    // `MAX_TOKEN_ANSWER` is refused unread, not held whole.
    let too_long = || {
        fail(AuthErrorKind::Malformed {
            token_url: token_url.to_owned(),
            status,
            message: format!("the answer is longer than {MAX_TOKEN_ANSWER} bytes"),
        })
    };
    let mut body = limits::Body::new(MAX_TOKEN_ANSWER, response.content_length()).map_err(|_| too_long())?;
    while let Some(chunk) = response.chunk().await.map_err(transport)? {
        if !body.push(chunk) {
            return Err(too_long());
        }
    }
    let bytes = body.finish();
    if !status.is_success() {
        let body = String::from_utf8_lossy(&bytes).into_owned();
        return Err(fail(AuthErrorKind::Refused {
            token_url: token_url.to_owned(),
            status,
            body,
        }));
    }
    let answer: Answer = serde_json::from_slice(&bytes).map_err(|e| {
        fail(AuthErrorKind::Malformed {
            token_url: token_url.to_owned(),
            status,
            message: e.to_string(),
        })
    })?;
    Ok(Issued {
        access_token: Secret::new(answer.access_token),
        expires_in: lifetime(answer.expires_in),
        refresh_token: answer.refresh_token.filter(|token| !token.is_empty()).map(Secret::new),
        refresh_expires_in: lifetime(answer.refresh_expires_in),
        sent_at,
    })
}
