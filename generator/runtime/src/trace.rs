//! What a call shows to `tracing` (the `tracing` feature): a span per call
//! and events for retries and token renewals. Only names, counts, statuses
//! and durations go into them; never a header, a body, a filled-in path or
//! a query (any of which may hold a secret or a person's data).
//!
//! Without the feature every function here is empty and `CallSpan` has no
//! size: the call's code and its future are as they are without tracing.

use crate::request::Request;
use std::time::Duration;

#[cfg(feature = "tracing")]
mod on {
    use super::*;
    use std::time::Instant;
    use tracing::field::Empty;

    /// The span of one call: `operation_id`, `http.request.method`,
    /// `url.template` (the path as the spec writes it) when it starts;
    /// `http.response.status_code`, `attempts` and `duration_ms` when it ends.
    pub(crate) struct CallSpan {
        span: tracing::Span,
        started: Instant,
    }

    impl CallSpan {
        pub(crate) fn start(request: &Request) -> Self {
            let span = tracing::info_span!(
                "call",
                operation_id = request.operation_id,
                http.request.method = %request.method,
                url.template = request.path_template,
                http.response.status_code = Empty,
                attempts = Empty,
                duration_ms = Empty,
            );
            CallSpan {
                span,
                started: Instant::now(),
            }
        }

        pub(crate) fn instrument<F: Future>(&self, future: F) -> impl Future<Output = F::Output> {
            tracing::Instrument::instrument(future, self.span.clone())
        }

        /// The call ended: with the last answer's status, or without one.
        pub(crate) fn finish(&self, status: Option<u16>, attempts: u32) {
            if let Some(status) = status {
                self.span.record("http.response.status_code", status);
            }
            self.span.record("attempts", attempts);
            self.span
                .record("duration_ms", self.started.elapsed().as_millis() as u64);
        }
    }

    pub(crate) fn retry(attempt: u32, delay: Duration, status: Option<u16>) {
        tracing::info!(
            attempt,
            delay_ms = delay.as_millis() as u64,
            http.response.status_code = status,
            "retrying"
        );
    }

    pub(crate) fn token_rejected(attempt: u32) {
        tracing::info!(attempt, "the server refused the access token (401); renewing it");
    }

    pub(crate) fn token_renewal(grant: &'static str, rejected: bool) {
        tracing::info!(grant, rejected, "obtaining an access token");
    }

    pub(crate) fn token_renewed(grant: &'static str, error: Option<&crate::auth::AuthError>) {
        match error {
            None => tracing::info!(grant, "access token obtained"),
            // The status only: a refusal's body is the server's, and a
            // source's error is the user's, either may say too much.
            Some(error) => tracing::warn!(
                grant,
                http.response.status_code = error.status().map(|status| status.as_u16()),
                "no access token"
            ),
        }
    }
}

#[cfg(feature = "tracing")]
pub(crate) use on::*;

#[cfg(not(feature = "tracing"))]
mod off {
    use super::*;

    /// Nothing, without the `tracing` feature.
    pub(crate) struct CallSpan;

    impl CallSpan {
        #[inline(always)]
        pub(crate) fn start(_: &Request) -> Self {
            CallSpan
        }

        #[inline(always)]
        pub(crate) fn instrument<F: Future>(&self, future: F) -> F {
            future
        }

        #[inline(always)]
        pub(crate) fn finish(&self, _: Option<u16>, _: u32) {}
    }

    #[inline(always)]
    pub(crate) fn retry(_: u32, _: Duration, _: Option<u16>) {}

    #[inline(always)]
    pub(crate) fn token_rejected(_: u32) {}

    #[inline(always)]
    pub(crate) fn token_renewal(_: &'static str, _: bool) {}

    #[inline(always)]
    pub(crate) fn token_renewed(_: &'static str, _: Option<&crate::auth::AuthError>) {}
}

#[cfg(not(feature = "tracing"))]
pub(crate) use off::*;
