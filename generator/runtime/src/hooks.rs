//! Hooks: code of the user's that sees (and may change) each request a
//! client sends, and sees each answer or failure, attempt by attempt.
//!
//! A hook is given to the client's builder (`.hook(..)`); hooks run in the
//! order given. Every HTTP request goes through them: each attempt of a
//! call (a retry is a new attempt, with its number), and each request to an
//! OAuth2 token endpoint (a sign-in, a refresh), marked as such.

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// What an attempt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Purpose {
    /// An operation of the API.
    Call,
    /// A request for an access token, with its OAuth2 `grant_type`
    /// (`client_credentials`, `password`, `refresh_token`).
    Token { grant: &'static str },
}

/// One HTTP request of a call, as a hook sees it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Attempt<'a> {
    /// The spec's `operationId` (none for a token request).
    pub operation_id: Option<&'static str>,
    pub method: &'a Method,
    /// The operation's path as the spec writes it (`/user/{realm}/{userId}`),
    /// not the filled-in path (none for a token request).
    pub path_template: Option<&'static str>,
    /// 1 for the first request of a call, 2 for the next (a retry, or the
    /// request sent again with a new token after a 401), ... A token
    /// request is always 1: when it fails and is retried, each try is a
    /// token request of its own.
    pub number: u32,
    pub purpose: Purpose,
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Outcome<'a> {
    /// The server answered (the body is read after the hooks ran).
    Response { status: StatusCode, headers: &'a HeaderMap },
    /// No answer: the connection failed or broke off, or timed out.
    Failed(&'a reqwest::Error),
}

/// Code that sees each request before it is sent and each answer after.
///
/// Both methods do nothing by default. They run in the request's task and
/// should be quick (a header added, a line logged, a counter counted).
///
/// ```
/// use client_runtime::hooks::{Attempt, Hook, Outcome};
/// use std::time::Duration;
///
/// struct RequestId;
///
/// impl Hook for RequestId {
///     fn before_send(&self, request: &mut reqwest::Request, _: &Attempt<'_>) {
///         request.headers_mut().insert("x-request-id", "42".parse().unwrap());
///     }
///
///     fn after_attempt(&self, attempt: &Attempt<'_>, outcome: Outcome<'_>, elapsed: Duration) {
///         if let Outcome::Response { status, .. } = outcome {
///             eprintln!("{:?} #{}: {status} in {elapsed:?}", attempt.operation_id, attempt.number);
///         }
///     }
/// }
/// # use client_runtime::reqwest;
/// ```
pub trait Hook: Send + Sync + 'static {
    /// See or change a request (add a header, sign it) before it is sent.
    /// Credentials are already in it: a hook that logs headers should leave
    /// out the sensitive ones (`HeaderValue::is_sensitive`).
    fn before_send(&self, request: &mut reqwest::Request, attempt: &Attempt<'_>) {
        let _ = (request, attempt);
    }

    /// See how an attempt ended, and how long it took (until the answer's
    /// headers, or the failure).
    fn after_attempt(&self, attempt: &Attempt<'_>, outcome: Outcome<'_>, elapsed: Duration) {
        let _ = (attempt, outcome, elapsed);
    }
}

/// A client's hooks, in order.
#[derive(Clone, Default)]
pub(crate) struct Hooks(Vec<Arc<dyn Hook>>);

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} hook(s)", self.0.len())
    }
}

impl Hooks {
    pub(crate) fn push(&mut self, hook: Arc<dyn Hook>) {
        self.0.push(hook);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn before_send(&self, request: &mut reqwest::Request, attempt: &Attempt<'_>) {
        for hook in &self.0 {
            hook.before_send(request, attempt);
        }
    }

    pub(crate) fn after_attempt(&self, attempt: &Attempt<'_>, outcome: Outcome<'_>, elapsed: Duration) {
        for hook in &self.0 {
            hook.after_attempt(attempt, outcome, elapsed);
        }
    }
}
