//! The client runtime: the HTTP plumbing every generated client shares.
//!
//! Written by hand, one crate that every generated client crate depends on
//! (the generated code is built on it; a user of a client does not use it
//! directly). It holds the connection settings, credentials, retries,
//! parameter encoding and the error type; the generated crates hold only
//! what the spec says. Items marked `#[doc(hidden)]` are for generated code.

mod any_json;
mod auth;
pub mod base64;
mod call;
mod client;
mod decode;
mod download;
mod error;
mod limits;
#[cfg(feature = "mock")]
#[doc(hidden)]
pub mod mock;
mod query;
mod request;
mod unknown;

#[doc(hidden)]
pub use any_json::{AnyJson, value_as};
pub use auth::{AuthError, Secret};
#[doc(hidden)]
pub use auth::{Credential, Location};
#[doc(hidden)]
pub use call::Received;
pub use call::{Call, CallWithResponse, Response};
pub use client::{Client, ClientBuilder};
pub use download::Download;
#[doc(hidden)]
pub use error::Failure;
pub use error::{ApiError, BuildError, DecodeError, Error};
pub use limits::TooLarge;
#[doc(hidden)]
pub use request::{Body, Part, Request, Style, path_segment};
#[doc(hidden)]
pub use reqwest;
pub use unknown::UnknownFields;
#[doc(hidden)]
pub use unknown::{object_or_empty_list, optional_object_or_empty_list};

/// The general settings of a generated crate's `ClientBuilder`, a wrapper
/// `struct ClientBuilder { runtime: client_runtime::ClientBuilder }` (the
/// credential setters, which differ per API, are generated beside them).
#[doc(hidden)]
#[macro_export]
macro_rules! builder_settings {
    () => {
        /// The URL request paths are appended to (default: the spec's first server).
        pub fn base_url(self, url: impl Into<String>) -> Self {
            Self {
                runtime: self.runtime.base_url(url),
            }
        }

        /// How long one attempt of a request may take in all (default 30 s);
        /// see also [`Self::total_timeout`].
        pub fn timeout(self, timeout: ::std::time::Duration) -> Self {
            Self {
                runtime: self.runtime.timeout(timeout),
            }
        }

        /// How long connecting may take (default 10 s; ignored with [`Self::http_client`]).
        pub fn connect_timeout(self, timeout: ::std::time::Duration) -> Self {
            Self {
                runtime: self.runtime.connect_timeout(timeout),
            }
        }

        /// The `User-Agent` header (default: this crate's name and version;
        /// ignored with [`Self::http_client`]).
        pub fn user_agent(self, user_agent: impl Into<String>) -> Self {
            Self {
                runtime: self.runtime.user_agent(user_agent),
            }
        }

        /// Use this `reqwest::Client` (its proxy, TLS and user agent settings
        /// apply; the timeout set here still bounds each request).
        pub fn http_client(self, client: $crate::reqwest::Client) -> Self {
            Self {
                runtime: self.runtime.http_client(client),
            }
        }

        /// How long a whole call may take, retries and waits included
        /// (default 60 s). A wait that would end after it is not taken (the
        /// call ends with the last answer or error); an attempt still running
        /// then ends with `Error::TimedOut`.
        pub fn total_timeout(self, timeout: ::std::time::Duration) -> Self {
            Self {
                runtime: self.runtime.total_timeout(timeout),
            }
        }

        /// How many times a failed request is retried (default 3; 0 turns retries off).
        /// A refused connection and a 429 are retried for every request; a
        /// timeout, a broken connection and a 502/503/504 only for idempotent
        /// ones. Waits follow `Retry-After` or a backoff with full jitter.
        pub fn max_retries(self, retries: u32) -> Self {
            Self {
                runtime: self.runtime.max_retries(retries),
            }
        }

        /// The longest `Retry-After` the client waits for; a longer one ends
        /// the request with the server's error (default 60 s).
        pub fn max_retry_delay(self, delay: ::std::time::Duration) -> Self {
            Self {
                runtime: self.runtime.max_retry_delay(delay),
            }
        }

        /// Treat every request as idempotent: retry POST and PATCH after a
        /// timeout or a 502/503/504 too (default: only operations that are
        /// idempotent, by their method or as the spec says with `x-idempotent`).
        /// Turn this on only if repeating those requests is safe for this API.
        pub fn retry_non_idempotent(self, retry: bool) -> Self {
            Self {
                runtime: self.runtime.retry_non_idempotent(retry),
            }
        }

        /// The longest response body the client reads, in bytes (default
        /// 64 MiB); a longer one ends the call with `Error::TooLarge`, without
        /// reading the rest.
        pub fn max_body_size(self, bytes: usize) -> Self {
            Self {
                runtime: self.runtime.max_body_size(bytes),
            }
        }

        /// The client, or why it cannot be made (no base URL, an invalid one).
        pub fn build(self) -> Result<Client, $crate::BuildError> {
            Ok(Client {
                runtime: self.runtime.build()?,
            })
        }
    };
}
