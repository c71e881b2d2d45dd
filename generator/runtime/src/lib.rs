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
#[doc(hidden)]
pub mod de;
mod decode;
mod download;
mod error;
pub mod hooks;
mod limits;
#[cfg(feature = "mock")]
#[doc(hidden)]
pub mod mock;
mod options;
mod pages;
mod query;
mod request;
mod trace;
mod transport;
mod unknown;

#[doc(hidden)]
pub use any_json::{AnyJson, value_as};
pub use auth::{AccessToken, AuthError, PasswordGrant, Secret, TokenRequest, TokenSource};
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
pub use options::CallOptions;
pub use pages::Paged;
#[doc(hidden)]
pub use pages::{NextCursor, Paging, Place};
#[doc(hidden)]
pub use request::{Body, Part, Request, Style, path_segment};
/// The `reqwest` this crate is built on: its `Certificate` and `Proxy` for
/// the client's builder, its `Client` for `http_client`, without a
/// dependency of your own that must match this one's version.
pub use reqwest;
/// The status of an answer (`Error::status`, `ApiError::status`).
pub use reqwest::StatusCode;
/// The headers of an answer (`ApiError::headers`, `Response::headers`).
pub use reqwest::header::HeaderMap;
/// The serde that [`serde_struct!`] expands to.
#[doc(hidden)]
pub use serde;
/// The serde_json that [`read_as!`] expands to.
#[doc(hidden)]
pub use serde_json;
pub use unknown::UnknownFields;

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

        /// How long connecting may take (default 10 s; not with
        /// [`Self::http_client`], whose own applies).
        pub fn connect_timeout(self, timeout: ::std::time::Duration) -> Self {
            Self {
                runtime: self.runtime.connect_timeout(timeout),
            }
        }

        /// The `User-Agent` header (default: this crate's name and version;
        /// with [`Self::http_client`], that client's unless set here).
        pub fn user_agent(self, user_agent: impl Into<String>) -> Self {
            Self {
                runtime: self.runtime.user_agent(user_agent),
            }
        }

        /// Trust this certificate authority too, beside the roots the crate's
        /// features choose (the operating system's by default): a server
        /// behind a private or self-signed CA.
        /// `reqwest::Certificate::from_pem(&std::fs::read("ca.pem")?)?` reads one
        /// ([`reqwest`](crate::reqwest) is re-exported). Not with [`Self::http_client`].
        pub fn add_root_certificate(self, certificate: $crate::reqwest::Certificate) -> Self {
            Self {
                runtime: self.runtime.add_root_certificate(certificate),
            }
        }

        /// Send requests through this proxy
        /// (`reqwest::Proxy::all("http://proxy:3128")?`); several are tried in
        /// order. Without one, the `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`
        /// environment variables apply. Not with [`Self::http_client`].
        pub fn proxy(self, proxy: $crate::reqwest::Proxy) -> Self {
            Self {
                runtime: self.runtime.proxy(proxy),
            }
        }

        /// Ignore the proxy environment variables (but for proxies given to
        /// [`Self::proxy`]). Not with [`Self::http_client`].
        pub fn no_proxy(self) -> Self {
            Self {
                runtime: self.runtime.no_proxy(),
            }
        }

        /// Use this `reqwest::Client` (of the re-exported [`reqwest`](crate::reqwest))
        /// for its TLS, proxy, connection pool and other settings. The
        /// timeouts, retries and a [`user_agent`](Self::user_agent) set here
        /// still apply, on each request; `connect_timeout`,
        /// `add_root_certificate`, `proxy` and `no_proxy` cannot change a
        /// built client, so with them `build` fails with
        /// `BuildError::NotWithHttpClient` naming them: set them on that
        /// client's builder.
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

        /// Add a hook: code that sees (and may change) each request before
        /// it is sent, and sees each answer or failure after, attempt by
        /// attempt (retries, requests sent again with a renewed token, and
        /// requests for access tokens included). Hooks run in the order added.
        pub fn hook(self, hook: impl $crate::hooks::Hook) -> Self {
            Self {
                runtime: self.runtime.hook(hook),
            }
        }

        /// The client, or why it cannot be made (no base URL, an invalid one,
        /// a TLS or proxy setting that does not work).
        pub fn build(self) -> Result<Client, $crate::BuildError> {
            Ok(Client {
                runtime: self.runtime.build()?,
            })
        }
    };
}

/// The per-call options of a generated request builder, a struct with a
/// field `options: client_runtime::CallOptions`: written inside its `impl`
/// (`options.rs`).
#[doc(hidden)]
#[macro_export]
macro_rules! request_options {
    () => {
        /// How long each attempt of this call may take, in place of the
        /// client's [`timeout`](crate::ClientBuilder::timeout) (longer or
        /// shorter). The call's total timeout still bounds the whole call.
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.options.set_timeout(timeout);
            self
        }

        /// How long this whole call may take, retries and waits included,
        /// in place of the client's
        /// [`total_timeout`](crate::ClientBuilder::total_timeout).
        pub fn total_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.options.set_total_timeout(timeout);
            self
        }

        /// How many times this call is retried after a failure that may
        /// pass, in place of the client's
        /// [`max_retries`](crate::ClientBuilder::max_retries) (0: no retry).
        pub fn max_retries(mut self, retries: u32) -> Self {
            self.options.set_max_retries(retries);
            self
        }

        /// Send this header with the call (a request id, a tracing
        /// header, ...). It replaces a header of the same name the call would
        /// send otherwise, a credential's included; its value does not
        /// show in `Debug` output. A name or value that cannot be sent
        /// (a newline, say) fails the call with `Error::InvalidRequest`,
        /// before anything is sent.
        pub fn header<K, V>(mut self, name: K, value: V) -> Self
        where
            $crate::reqwest::header::HeaderName: TryFrom<K>,
            $crate::reqwest::header::HeaderValue: TryFrom<V>,
        {
            self.options.add_header(name, value);
            self
        }
    };
}

/// What every request builder of a generated crate has beside its
/// parameters: `send`, `send_with_response` and `.await` (`IntoFuture`),
/// over the builder's own `into_request` and `decode`. The builder is a
/// `struct XRequest<'a> { client: &'a Client, .. }` of the generated crate,
/// whose `Call`, `CallWithResponse`, `Error` and `Received` are in scope:
///
/// ```text
/// runtime::request_call!(GetUser, types::User, json);
/// runtime::request_call!(ListUsers, types::UserPage);
/// ```
///
/// With a third argument the macro also writes `decode`, for an operation
/// whose every success is read alike: any 2xx is the output read as `json`,
/// as `text`, as a file (`download`), or nothing (`empty`); any other status
/// is the error. Without it, the builder has its own `decode`.
#[doc(hidden)]
#[macro_export]
macro_rules! request_call {
    ($builder:ident, $output:ty, $read:ident) => {
        impl<'a> $builder<'a> {
            #[inline]
            fn decode(response: Received) -> Result<$output, Error> {
                match response.status() {
                    200..=299 => Ok($crate::request_call!(@read response, $read)),
                    _ => Err(response.into_error()),
                }
            }
        }

        $crate::request_call!($builder, $output);
    };
    (@read $response:ident, json) => {
        $response.json()?
    };
    (@read $response:ident, text) => {
        $response.text()
    };
    (@read $response:ident, download) => {
        $response.download()
    };
    (@read $response:ident, empty) => {
        ()
    };
    ($builder:ident, $output:ty) => {
        impl<'a> $builder<'a> {
            /// The call, a future: `.await` it for the decoded response
            /// (as `.await` on the request itself does).
            #[inline]
            pub fn send(self) -> Call<'a, $output> {
                let client = self.client;
                client.runtime.call(self.into_request(), Self::decode)
            }

            /// The call, a future: `.await` it for the decoded response
            /// with the status and headers it came with.
            #[inline]
            pub fn send_with_response(self) -> CallWithResponse<'a, $output> {
                let client = self.client;
                client
                    .runtime
                    .call_with_response(self.into_request(), Self::decode)
            }
        }

        impl<'a> ::std::future::IntoFuture for $builder<'a> {
            type Output = Result<$output, Error>;
            type IntoFuture = Call<'a, $output>;

            #[inline]
            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }
    };
}

/// An operation's mock in a generated crate's `mock` module, with what
/// every mock has beside its own matchers and typed answers: its type (a
/// wrapper `struct XMock<'a> { mock: client_runtime::mock::OperationMock<'a> }`
/// for the client's method `x`), an answer with the API's error body for
/// each error status the operation declares, `respond`, `expect`, and
/// mounting by `.await`, answering the default status when no answer is
/// given:
///
/// ```text
/// runtime::operation_mock!(XMock for x, 200, ErrorBody, not_found(404), internal_server_error(500));
/// ```
///
/// (Unused in a crate built without its `mock` feature, where the runtime
/// is vendored as a module.)
#[doc(hidden)]
#[allow(unused_macros)]
#[macro_export]
macro_rules! operation_mock {
    ($mock:ident for $method:ident, $default:literal, $error:ty $(, $name:ident($status:literal))* $(,)?) => {
        #[doc = ::std::concat!(
            "The mock of [`Client::", ::std::stringify!($method), "`](crate::Client::",
            ::std::stringify!($method), ") being set up: `.await` it to mount it, and keep the ",
            "[`MockGuard`] it gives while the mock is to answer."
        )]
        #[doc = ""]
        #[doc = ::std::concat!("With no answer given, it answers `", $default, "` with no body.")]
        #[derive(Debug)]
        #[must_use = "a mock does nothing until it is awaited (mounted)"]
        pub struct $mock<'a> {
            mock: $crate::mock::OperationMock<'a>,
        }

        impl $mock<'_> {
            $(
                #[doc = concat!("Answer `", stringify!($status), "` with this error body.")]
                pub fn $name(mut self, body: &$error) -> Self {
                    self.mock.answer_json($status, body);
                    self
                }
            )*

            /// Add any answer (status, headers, raw body). Answers are given
            /// in order, then the last one again and again.
            pub fn respond(mut self, answer: $crate::mock::ResponseTemplate) -> Self {
                self.mock.answer(answer);
                self
            }

            /// How often the operation must be called (`1`, `1..`, `..=3`):
            /// checked when the `MockGuard` is dropped.
            pub fn expect(mut self, times: impl Into<$crate::mock::Times>) -> Self {
                self.mock.expect(times);
                self
            }
        }

        impl<'a> ::std::future::IntoFuture for $mock<'a> {
            type Output = $crate::mock::MockGuard;
            type IntoFuture =
                ::std::pin::Pin<Box<dyn ::std::future::Future<Output = $crate::mock::MockGuard> + 'a>>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.mock.mount($default))
            }
        }
    };
}

/// The method of a generated struct that reads a field of any JSON as a
/// Rust type in one step (`attribute.value_as::<f64>()`), written as what it
/// reads: the field and its type (`Option` where it may be absent).
///
/// ```ignore
/// impl Attribute {
///     read_as!(value_as(value: Option<serde_json::Value>) = "value");
///     read_as!(old_value_as(old_value: serde_json::Value) = "oldValue");
/// }
/// ```
///
/// The JSON name after `=` goes into the method's docs. (Unused in a crate
/// whose structs have no field of any JSON, where the runtime is vendored
/// as a module.)
#[doc(hidden)]
#[allow(unused_macros)]
#[macro_export]
macro_rules! read_as {
    (@doc $wire:literal) => {
        ::std::concat!(
            "`",
            $wire,
            "` read as a `T` (any type that deserializes from it). An absent value reads as ",
            "`null`, so ask for an `Option<T>` where it may be missing."
        )
    };
    ($method:ident($field:ident: Option<serde_json::Value>) = $wire:literal) => {
        #[doc = $crate::read_as!(@doc $wire)]
        pub fn $method<T: $crate::serde::de::DeserializeOwned>(
            &self,
        ) -> ::std::result::Result<T, $crate::serde_json::Error> {
            $crate::value_as(self.$field.as_ref())
        }
    };
    ($method:ident($field:ident: serde_json::Value) = $wire:literal) => {
        #[doc = $crate::read_as!(@doc $wire)]
        pub fn $method<T: $crate::serde::de::DeserializeOwned>(
            &self,
        ) -> ::std::result::Result<T, $crate::serde_json::Error> {
            $crate::value_as(::std::option::Option::Some(&self.$field))
        }
    };
}

/// The `with_` setter of a generated struct's optional field, written as
/// its signature: it takes the value and stores `Some` of it.
///
/// ```ignore
/// impl Alarm {
///     setter!(with_title(title: impl Into<String>));
///     setter!(with_source_id(source_id: impl Into<String>) = "sourceId");
///     setter!(with_severity(severity: Severity));
/// }
/// ```
///
/// The JSON name after `=` is the member's where it is not the field's own,
/// and goes into the setter's docs. (Unused in a crate whose structs have no
/// optional field, where the runtime is vendored as a module.)
#[doc(hidden)]
#[allow(unused_macros)]
#[macro_export]
macro_rules! setter {
    (@doc $field:ident) => {
        ::std::concat!("Sets `", ::std::stringify!($field), "`.")
    };
    (@doc $field:ident, $wire:literal) => {
        ::std::concat!("Sets `", ::std::stringify!($field), "` (`", $wire, "` in JSON).")
    };
    ($setter:ident($field:ident: impl Into<$ty:ty>) $(= $wire:literal)?) => {
        #[doc = $crate::setter!(@doc $field $(, $wire)?)]
        pub fn $setter(mut self, value: impl ::std::convert::Into<$ty>) -> Self {
            self.$field = ::std::option::Option::Some(value.into());
            self
        }
    };
    ($setter:ident($field:ident: $ty:ty) $(= $wire:literal)?) => {
        #[doc = $crate::setter!(@doc $field $(, $wire)?)]
        pub fn $setter(mut self, value: $ty) -> Self {
            self.$field = ::std::option::Option::Some(value);
            self
        }
    };
}

/// `as_str`, `Display`, `Serialize` and `Deserialize` for a generated string
/// enum, from its variants' values and the variant that keeps any other
/// string:
///
/// ```ignore
/// string_enum!(Severity { Low("LOW"), Medium("MEDIUM"), High("HIGH") } Unknown);
/// ```
///
/// Written: the variant's value, or the kept string. Read: a listed value is
/// the first variant that has it (one `match`, not serde's derive, which for
/// an enum with a fallback buffers each value and tries the variants in
/// turn), any other string is `Unknown(value)`. (Unused in a crate without
/// string enums, where the runtime is vendored as a module.)
#[doc(hidden)]
#[allow(unused_macros)]
#[macro_export]
macro_rules! string_enum {
    ($name:ident { $($variant:ident($wire:literal)),* $(,)? } $unknown:ident) => {
        impl $name {
            /// The value as it is written in JSON.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::$unknown(value) => value,
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::serde::Serialize for $name {
            fn serialize<__S>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error>
            where
                __S: $crate::serde::Serializer,
            {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            // A value listed twice is the first variant's.
            #[allow(unreachable_patterns)]
            fn deserialize<__D>(deserializer: __D) -> ::std::result::Result<Self, __D::Error>
            where
                __D: $crate::serde::Deserializer<'de>,
            {
                let value = <::std::string::String as $crate::serde::Deserialize>::deserialize(deserializer)?;
                match value.as_str() {
                    $($wire => ::std::result::Result::Ok(Self::$variant),)*
                    _ => ::std::result::Result::Ok(Self::$unknown(value)),
                }
            }
        }
    };
}

/// One entry of a generated crate's table of what the spec allows (its
/// mock server's routes): the operation, its method and path, and only
/// what differs from [`mock::Route::new`]'s defaults, in this order: the
/// required query parameters, headers and cookies (names), the body
/// (`required` or `optional`, and the type it must decode into when it is
/// JSON of a known type), and the alternatives of credentials.
///
/// ```text
/// static ROUTES: [support::Route; 2] = [
///     mock_route!("get_pet", GET "/pets/{petId}", security: [[Header("authorization")]]),
///     mock_route!("add_pet", POST "/pets", query: ["dryRun"], body: required types::Pet),
/// ];
/// ```
///
/// (Unused in a crate built without its `mock` feature, where the runtime
/// is vendored as a module.)
#[doc(hidden)]
#[allow(unused_macros)]
#[macro_export]
macro_rules! mock_route {
    (
        $operation:literal, $method:ident $path:literal
        $(, query: [$($query:literal),* $(,)?])?
        $(, headers: [$($header:literal),* $(,)?])?
        $(, cookies: [$($cookie:literal),* $(,)?])?
        $(, body: $required:ident $($body:ty)?)?
        $(, security: [$([$($sent:ident($name:literal)),* $(,)?]),* $(,)?])?
        $(,)?
    ) => {
        $crate::mock::Route::new($operation, ::std::stringify!($method), $path)
            $(.query(&[$($query),*]))?
            $(.headers(&[$($header),*]))?
            $(.cookies(&[$($cookie),*]))?
            $(.body($crate::mock_route!(@required $required), $crate::mock_route!(@check $($body)?)))?
            $(.security(&[$(&[$($crate::mock::Sent::$sent($name)),*]),*]))?
    };
    (@required required) => {
        true
    };
    (@required optional) => {
        false
    };
    (@check) => {
        ::std::option::Option::None
    };
    (@check $body:ty) => {
        ::std::option::Option::Some($crate::mock::decodes::<$body>)
    };
}

/// The method of a generated crate's `MockServer` that starts the mock of
/// one operation: its name, the mock's type, the operation's index in the
/// server's routes, and its request line for the docs.
///
/// ```text
/// impl MockServer {
///     runtime::mock_method!(get_pet -> GetPetMock, 3, "GET /pets/{petId}");
/// }
/// ```
///
/// (Unused in a crate built without its `mock` feature, where the runtime
/// is vendored as a module.)
#[doc(hidden)]
#[allow(unused_macros)]
#[macro_export]
macro_rules! mock_method {
    (@doc $method:ident, $request:literal) => {
        ::std::concat!(
            "A mock of [`Client::",
            ::std::stringify!($method),
            "`](crate::Client::",
            ::std::stringify!($method),
            ") (`",
            $request,
            "`): set what it matches and answers, then `.await` it to mount it."
        )
    };
    ($method:ident -> $mock:ident, $index:literal, $request:literal) => {
        #[doc = $crate::mock_method!(@doc $method, $request)]
        pub fn $method(&self) -> $mock<'_> {
            $mock {
                mock: self.inner.operation($index),
            }
        }
    };
}

/// A matcher of an operation's mock in a generated crate's `mock` module,
/// written as its signature and what it matches: the mock then answers only
/// calls with this parameter or body.
///
/// ```text
/// impl XMock<'_> {
///     runtime::mock_matcher!(asset_id(value: impl Into<String>), path "assetId");
///     runtime::mock_matcher!(status(value: types::Status), query "status", Form, true);
///     runtime::mock_matcher!(trace(value: impl Into<String>), header "X-Trace");
///     runtime::mock_matcher!(body(body: &types::Query), json);
/// }
/// ```
///
/// A parameter is matched at `path`, `query` (with its style and explode),
/// `header` or `cookie`; a body as `json`, `form`, `multipart` or `bytes`.
/// (Unused in a crate built without its `mock` feature, where the runtime
/// is vendored as a module.)
#[doc(hidden)]
#[allow(unused_macros)]
#[macro_export]
macro_rules! mock_matcher {
    ($name:ident(value: impl Into<String>), $at:ident $wire:literal $(, $style:ident, $explode:literal)?) => {
        #[doc = ::std::concat!("Match only calls with this `", $wire, "`.")]
        pub fn $name(mut self, value: impl ::std::convert::Into<::std::string::String>) -> Self {
            let value: ::std::string::String = value.into();
            $crate::mock_matcher!(@at self, $at, $wire, value $(, $style, $explode)?);
            self
        }
    };
    ($name:ident(value: $ty:ty), $at:ident $wire:literal $(, $style:ident, $explode:literal)?) => {
        #[doc = ::std::concat!("Match only calls with this `", $wire, "`.")]
        pub fn $name(mut self, value: $ty) -> Self {
            $crate::mock_matcher!(@at self, $at, $wire, value $(, $style, $explode)?);
            self
        }
    };
    ($name:ident(body: impl Into<Vec<u8>>), bytes) => {
        /// Match only calls with this body.
        pub fn $name(mut self, body: impl ::std::convert::Into<::std::vec::Vec<u8>>) -> Self {
            self.mock.bytes(body);
            self
        }
    };
    ($name:ident(body: $ty:ty), $how:ident) => {
        /// Match only calls with this body.
        pub fn $name(mut self, body: $ty) -> Self {
            self.mock.$how(&body);
            self
        }
    };
    (@at $self:ident, query, $wire:literal, $value:ident, $style:ident, $explode:literal) => {
        $self.mock.query($wire, &$value, $crate::Style::$style, $explode)
    };
    (@at $self:ident, $at:ident, $wire:literal, $value:ident) => {
        $self.mock.$at($wire, &$value)
    };
}

/// A typed answer of an operation's mock in a generated crate's `mock`
/// module, written as its signature and the status it answers:
///
/// ```text
/// impl XMock<'_> {
///     runtime::mock_answer!(ok(body: &[types::Pet]), 200);
///     runtime::mock_answer!(ok(text: impl Into<String>), 200);
///     runtime::mock_answer!(ok(media_type: &str, data: impl Into<Vec<u8>>), 200);
///     runtime::mock_answer!(no_content(), 204);
/// }
/// ```
///
/// (Unused in a crate built without its `mock` feature, where the runtime
/// is vendored as a module.)
#[doc(hidden)]
#[allow(unused_macros)]
#[macro_export]
macro_rules! mock_answer {
    ($name:ident(), $status:literal) => {
        #[doc = ::std::concat!("Answer `", $status, "` with no body.")]
        pub fn $name(mut self) -> Self {
            self.mock.answer($crate::mock::ResponseTemplate::new($status));
            self
        }
    };
    ($name:ident(text: impl Into<String>), $status:literal) => {
        #[doc = ::std::concat!("Answer `", $status, "` with this text.")]
        pub fn $name(mut self, text: impl ::std::convert::Into<::std::string::String>) -> Self {
            self.mock.answer(
                $crate::mock::ResponseTemplate::new($status).set_body_raw(text.into(), "text/plain; charset=utf-8"),
            );
            self
        }
    };
    ($name:ident(media_type: &str, data: impl Into<Vec<u8>>), $status:literal) => {
        #[doc = ::std::concat!("Answer `", $status, "` with a file: its media type and bytes.")]
        pub fn $name(mut self, media_type: &str, data: impl ::std::convert::Into<::std::vec::Vec<u8>>) -> Self {
            self.mock
                .answer($crate::mock::ResponseTemplate::new($status).set_body_raw(data.into(), media_type));
            self
        }
    };
    ($name:ident(body: $ty:ty), $status:literal) => {
        #[doc = ::std::concat!("Answer `", $status, "` with this body.")]
        pub fn $name(mut self, body: $ty) -> Self {
            self.mock.answer_json($status, &body);
            self
        }
    };
}

/// `Serialize` and `Deserialize` for a generated struct, from its fields
/// and where the members it does not name go:
///
/// ```ignore
/// serde_struct!(Asset { id, created_on("createdOn"), ?path, ?data(as Base64) } ..unknown_fields);
/// ```
///
/// A field is the member of its own name, or of the name in parentheses.
/// `as Base64` writes and reads bytes as base64 text; `as
/// ObjectOrEmptyList` (or `OptionalObjectOrEmptyList`) also reads `[]`
/// for a struct of optional fields. Written: each field in order, but a
/// `?field` is left out when it is `None`; then the members after `..`.
/// Read: an absent member is `None` for an `Option` field and an error for
/// any other, `null` is `None`, of a repeated member the last wins, and
/// members not named go to the field after `..` (see
/// [`de::Rest`](crate::de::Rest)) or are skipped.
#[doc(hidden)]
#[macro_export]
macro_rules! serde_struct {
    ($name:ident { $($(? $skip:vis)? $field:ident $(($($wire:literal)? $(as $how:ident)?))?),* $(,)? } $(..$rest:ident)?) => {
        impl $crate::serde::Serialize for $name {
            #[allow(unused_mut)]
            fn serialize<__S>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error>
            where
                __S: $crate::serde::Serializer,
            {
                use $crate::serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(::std::option::Option::None)?;
                $($crate::serde_struct!(
                    @write map, self.$field, $crate::serde_struct!(@wire $field $($($wire)?)?) $($(, $how)?)? $(; omit_none $skip)?
                );)*
                $(for (key, value) in self.$rest.iter() {
                    map.serialize_entry(key, value)?;
                })?
                map.end()
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<__D>(deserializer: __D) -> ::std::result::Result<Self, __D::Error>
            where
                __D: $crate::serde::Deserializer<'de>,
            {
                struct __Visitor;

                impl<'de> $crate::serde::de::Visitor<'de> for __Visitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(::std::concat!("an object (", ::std::stringify!($name), ")"))
                    }

                    // One way out on an error for the whole loop, and one for
                    // the fields at the end, rather than a `?` per field: every
                    // way out drops every field read so far, and a `?` per
                    // field made the function's MIR (and its borrow check)
                    // grow with the square of the fields.
                    #[allow(unused_variables, unused_mut, unreachable_patterns)]
                    fn visit_map<__A>(self, mut map: __A) -> ::std::result::Result<$name, __A::Error>
                    where
                        __A: $crate::serde::de::MapAccess<'de>,
                    {
                        $(let mut $field = ::std::option::Option::None;)*
                        $(let mut $rest = ::std::default::Default::default();)?
                        let rest = &mut $crate::de::Ignore;
                        $(let rest = &mut $rest;)?
                        while let ::std::option::Option::Some(key) = map.next_key::<$crate::de::Key<'de>>()? {
                            let read = match key.as_str() {
                                $($crate::serde_struct!(@wire $field $($($wire)?)?) => {
                                    $crate::serde_struct!(@read map, $field $($(, $how)?)?)
                                })*
                                _ => $crate::de::Rest::put(&mut *rest, key, &mut map),
                            };
                            read?;
                        }
                        match ($($crate::de::present_or_absent::<_, __A::Error>(
                            $field,
                            $crate::serde_struct!(@wire $field $($($wire)?)?),
                        ),)*) {
                            ($(::std::result::Result::Ok($field),)*) => ::std::result::Result::Ok($name {
                                $($field,)*
                                $($rest,)?
                            }),
                            ($($field,)*) => ::std::result::Result::Err($crate::de::first_error::<__A::Error>(&mut [
                                $($field.err(),)*
                            ])),
                        }
                    }
                }

                deserializer.deserialize_struct(::std::stringify!($name), &[], __Visitor)
            }
        }
    };
    // A field's member name: given after `=`, else the field's own.
    (@wire $field:ident) => {
        ::std::stringify!($field)
    };
    (@wire $field:ident $wire:literal) => {
        $wire
    };
    // A field written: left out when `None` if so marked, as base64 if so.
    (@write $map:ident, $value:expr, $wire:expr $(, $how:ident)?; omit_none $_empty:vis) => {
        if let ::std::option::Option::Some(value) = &$value {
            $crate::serde_struct!(@write $map, *value, $wire $(, $how)?);
        }
    };
    (@write $map:ident, $value:expr, $wire:expr, Base64) => {
        $map.serialize_entry($wire, &$crate::base64::Written(&$value))?
    };
    (@write $map:ident, $value:expr, $wire:expr $(, $how:ident)?) => {
        $map.serialize_entry($wire, &$value)?
    };
    // A field's value read into its slot (`None` until read), by its type
    // or by the seed `as` names.
    (@read $map:ident, $slot:ident $(, $how:ident)?) => {
        $crate::de::fill::<_, $crate::serde_struct!(@how $($how)?), _>(&mut $slot, &mut $map)
    };
    (@how) => {
        $crate::de::Plain
    };
    (@how $how:ident) => {
        $crate::de::$how
    };
}
