//! Options for one call: a timeout, extra headers, a retry count, set on a
//! request builder (`client.get_me().timeout(..).header(..).await`) and
//! overriding the client's settings for that call only.
//!
//! Every generated request builder holds a [`CallOptions`] and gets its
//! setters from `request_options!` (in `lib.rs`, beside `builder_settings!`:
//! a vendored runtime's macros are re-exported from its root), one line per
//! builder: the options are the runtime's, not per-operation code.

use crate::client::{Client, RetryPolicy};
use crate::error::Failure;
use crate::request::Request;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::time::Duration;

/// What a call overrides of the client's settings. Empty (one null
/// pointer) unless an option is set, so a request that sets none carries
/// nothing more.
#[derive(Debug, Clone, Default)]
#[doc(hidden)]
pub struct CallOptions(Option<Box<Settings>>);

#[derive(Debug, Clone, Default)]
pub(crate) struct Settings {
    pub(crate) timeout: Option<Duration>,
    pub(crate) total_timeout: Option<Duration>,
    pub(crate) max_retries: Option<u32>,
    pub(crate) headers: HeaderMap,
    /// A header that cannot be sent: the call fails with it, unsent.
    pub(crate) invalid: Option<String>,
}

impl CallOptions {
    pub fn new() -> Self {
        CallOptions(None)
    }

    fn settings(&mut self) -> &mut Settings {
        self.0.get_or_insert_with(Box::default)
    }

    pub fn set_timeout(&mut self, timeout: Duration) {
        self.settings().timeout = Some(timeout);
    }

    pub fn set_total_timeout(&mut self, timeout: Duration) {
        self.settings().total_timeout = Some(timeout);
    }

    pub fn set_max_retries(&mut self, retries: u32) {
        self.settings().max_retries = Some(retries);
    }

    /// Add a header (replacing one of the same name set before). A name or
    /// value that cannot be sent is kept as an error for the call.
    pub fn add_header<K, V>(&mut self, name: K, value: V)
    where
        HeaderName: TryFrom<K>,
        HeaderValue: TryFrom<V>,
    {
        let settings = self.settings();
        if settings.invalid.is_some() {
            return;
        }
        let Ok(name) = HeaderName::try_from(name) else {
            settings.invalid = Some("an extra header's name is not a valid header name".to_owned());
            return;
        };
        let Ok(mut value) = HeaderValue::try_from(value) else {
            // The value is not shown: it may be a credential.
            settings.invalid = Some(format!(
                "the extra header `{name}` has a value headers cannot carry (a newline?)"
            ));
            return;
        };
        // Not shown in `Debug` output: an extra header may carry a credential.
        value.set_sensitive(true);
        settings.headers.insert(name, value);
    }

    pub(crate) fn get(&self) -> Option<&Settings> {
        self.0.as_deref()
    }
}

impl Request {
    /// The call's options; an extra header that cannot be sent fails the
    /// call here, before anything is sent.
    #[inline]
    pub fn options(&mut self, options: CallOptions) -> Result<(), Failure> {
        if let Some(invalid) = options.get().and_then(|settings| settings.invalid.clone()) {
            return Err(Failure::InvalidRequest(invalid));
        }
        self.options = options;
        Ok(())
    }
}

impl Client {
    /// The retry policy of one call: the client's, with what the call overrides.
    #[inline]
    pub(crate) fn retry_policy(&self, request: &Request) -> RetryPolicy {
        let mut policy = self.inner.retry;
        if let Some(settings) = request.options.get() {
            policy.max_retries = settings.max_retries.unwrap_or(policy.max_retries);
            policy.total_timeout = settings.total_timeout.unwrap_or(policy.total_timeout);
        }
        policy
    }

    /// The timeout to set on one attempt, when the HTTP client's own does
    /// not apply: the call's, or the client's on a caller's `http_client`.
    #[inline]
    pub(crate) fn attempt_timeout(&self, request: &Request) -> Option<Duration> {
        request
            .options
            .get()
            .and_then(|settings| settings.timeout)
            .or(self.inner.request_timeout)
    }

    /// The headers applied last, each replacing any header of its name: the
    /// user agent set for a caller's `http_client`, then the call's own.
    #[inline]
    pub(crate) fn extra_headers(&self, request: &Request) -> Option<HeaderMap> {
        let call = request
            .options
            .get()
            .map(|settings| &settings.headers)
            .filter(|headers| !headers.is_empty());
        match (&self.inner.request_headers, call) {
            (None, None) => None,
            (Some(client), None) => Some(client.clone()),
            (None, Some(call)) => Some(call.clone()),
            (Some(client), Some(call)) => {
                let mut all = client.clone();
                for (name, value) in call {
                    all.insert(name, value.clone());
                }
                Some(all)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_options_cost_a_pointer_and_set_ones_are_kept() {
        assert_eq!(std::mem::size_of::<CallOptions>(), std::mem::size_of::<usize>());
        let mut options = CallOptions::new();
        assert!(options.get().is_none());
        options.set_max_retries(0);
        options.add_header("x-request-id", "a");
        options.add_header("X-Request-Id", "b");
        let settings = options.get().expect("set");
        assert_eq!(settings.max_retries, Some(0));
        assert_eq!(settings.headers.get_all("x-request-id").iter().count(), 1);
        assert!(format!("{options:?}").contains("Sensitive"), "{options:?}");
        assert!(!format!("{options:?}").contains("\"b\""), "{options:?}");
    }

    #[test]
    fn a_header_that_cannot_be_sent_fails_the_request_without_showing_its_value() {
        let mut options = CallOptions::new();
        options.add_header("x-secret", "s3cret\r\nx-injected: 1");
        options.add_header("x-later", "fine");
        let mut request = Request::new(reqwest::Method::GET, "/", &[]);
        match request.options(options) {
            Err(Failure::InvalidRequest(message)) => {
                assert!(message.contains("x-secret") && !message.contains("s3cret"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
}
