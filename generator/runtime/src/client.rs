//! The client and its builder: connection settings, the retry policy and
//! the credentials, shared by every request of a client and its clones.

use crate::auth::{self, Credential};
use crate::error::BuildError;
use crate::hooks::{Hook, Hooks};
use crate::transport::Transport;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_MAX_RETRIES: u32 = 3;
const DEFAULT_MAX_RETRY_DELAY: Duration = Duration::from_secs(60);
const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(60);

/// A client for the API: cheap to clone (clones share connections and
/// credentials), and usable from many tasks at once.
/// [`Client::with_credential`] gives one that shares the connections but
/// not the credentials.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
    /// Shared with clones and with every request in flight (`Arc`), replaced
    /// by `set_*`; a client made by `with_*` has its own.
    pub(crate) credentials: Arc<Credentials>,
}

/// The credentials of a client, by security scheme.
pub(crate) type Credentials = RwLock<BTreeMap<&'static str, Arc<Credential>>>;

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    pub(crate) timeout: Duration,
    /// Set on each request when `http` was not built with `timeout`.
    pub(crate) request_timeout: Option<Duration>,
    /// Set on each request when `http` was not built with them (a user agent).
    pub(crate) request_headers: Option<reqwest::header::HeaderMap>,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_body_size: usize,
    pub(crate) hooks: Hooks,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) max_delay: Duration,
    pub(crate) non_idempotent: bool,
    /// The deadline of a whole call, retries and waits included.
    pub(crate) total_timeout: Duration,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let credentials = self.credentials.read().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .field("credentials", &*credentials)
            .field("hooks", &self.inner.hooks)
            .finish()
    }
}

impl Client {
    /// The URL every request path is appended to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Set or replace the credential for a security scheme (e.g. after a login).
    #[doc(hidden)]
    pub fn set_credential(&self, scheme: &'static str, credential: Credential) {
        self.credentials
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(scheme, Arc::new(credential));
    }

    /// A client on the same connections and settings with credentials of
    /// its own: a copy of this client's, with `credential` for `scheme`.
    /// Setting a credential on either later does not change the other.
    #[doc(hidden)]
    pub fn with_credential(&self, scheme: &'static str, credential: Credential) -> Client {
        let mut credentials = self.credentials.read().unwrap_or_else(PoisonError::into_inner).clone();
        credentials.insert(scheme, Arc::new(credential));
        Client {
            inner: Arc::clone(&self.inner),
            credentials: Arc::new(RwLock::new(credentials)),
        }
    }

    /// The self-renewing access token among the credentials of `alternative`.
    pub(crate) fn tokens(&self, alternative: &[&str]) -> Option<Arc<auth::Tokens>> {
        alternative
            .iter()
            .find_map(|scheme| match self.credential(scheme)?.as_ref() {
                Credential::Token(tokens) => Some(Arc::clone(tokens)),
                _ => None,
            })
    }

    /// What obtaining a token needs from this client.
    pub(crate) fn fetch(&self) -> auth::Fetch<'_> {
        auth::Fetch {
            http: &self.inner.http,
            timeout: self.inner.timeout,
            hooks: &self.inner.hooks,
        }
    }

    /// The first alternative of credentials the client can satisfy.
    pub(crate) fn alternative_for(&self, security: &'static [&'static [&'static str]]) -> &'static [&'static str] {
        let credentials = self.credentials.read().unwrap_or_else(PoisonError::into_inner);
        security
            .iter()
            .find(|alternative| alternative.iter().all(|scheme| credentials.contains_key(scheme)))
            .copied()
            .unwrap_or_default()
    }

    /// The credential of one scheme, shared (not copied).
    pub(crate) fn credential(&self, scheme: &str) -> Option<Arc<Credential>> {
        let credentials = self.credentials.read().unwrap_or_else(PoisonError::into_inner);
        credentials.get(scheme).cloned()
    }
}

/// Configures a [`Client`].
pub struct ClientBuilder {
    base_url: Option<String>,
    /// The spec's server URL with its variables at their defaults: not
    /// used unless given, named in the error when no base URL is.
    templated_default: Option<&'static str>,
    timeout: Duration,
    transport: Transport,
    retry: RetryPolicy,
    max_body_size: usize,
    credentials: BTreeMap<&'static str, Credential>,
    hooks: Hooks,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("transport", &self.transport)
            .field("retry", &self.retry)
            .field("max_body_size", &self.max_body_size)
            .field("credentials", &self.credentials)
            .field("hooks", &self.hooks)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    #[doc(hidden)]
    pub fn new(default_base_url: Option<&str>, user_agent: &str) -> Self {
        ClientBuilder {
            base_url: default_base_url.map(str::to_owned),
            templated_default: None,
            timeout: DEFAULT_TIMEOUT,
            transport: Transport::new(user_agent),
            retry: RetryPolicy {
                max_retries: DEFAULT_MAX_RETRIES,
                max_delay: DEFAULT_MAX_RETRY_DELAY,
                non_idempotent: false,
                total_timeout: DEFAULT_TOTAL_TIMEOUT,
            },
            max_body_size: crate::limits::DEFAULT_MAX_BODY_SIZE,
            credentials: BTreeMap::new(),
            hooks: Hooks::default(),
        }
    }

    /// The spec's server URL has variables, and `default_url` is only what
    /// their defaults give (`https://localhost/api/master`): no default, so
    /// that requests and credentials never go there unless asked; `build`
    /// without `base_url` says so.
    #[doc(hidden)]
    pub fn templated_server(mut self, default_url: &'static str) -> Self {
        self.base_url = None;
        self.templated_default = Some(default_url);
        self
    }

    // The general settings. Their documentation is where users read it, in
    // `builder_settings!`, which each generated `ClientBuilder` forwards with.

    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.transport.connect_timeout(timeout);
        self
    }

    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.transport.user_agent(user_agent.into());
        self
    }

    pub fn add_root_certificate(mut self, certificate: reqwest::Certificate) -> Self {
        self.transport.add_root_certificate(certificate);
        self
    }

    pub fn proxy(mut self, proxy: reqwest::Proxy) -> Self {
        self.transport.proxy(proxy);
        self
    }

    pub fn no_proxy(mut self) -> Self {
        self.transport.no_proxy();
        self
    }

    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.transport.http_client(client);
        self
    }

    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    pub fn max_retry_delay(mut self, delay: Duration) -> Self {
        self.retry.max_delay = delay;
        self
    }

    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.retry.total_timeout = timeout;
        self
    }

    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry.non_idempotent = retry;
        self
    }

    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    pub fn hook(mut self, hook: impl Hook) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    #[doc(hidden)]
    pub fn credential(mut self, scheme: &'static str, credential: Credential) -> Self {
        self.credentials.insert(scheme, credential);
        self
    }

    /// Build the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let base_url = match (self.base_url, self.templated_default) {
            (Some(url), _) => url,
            (None, Some(default)) => return Err(BuildError::BaseUrlRequired(default.to_owned())),
            (None, None) => return Err(BuildError::NoBaseUrl),
        };
        let base_url = base_url.trim_end_matches('/').to_owned();
        match reqwest::Url::parse(&base_url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => {}
            _ => return Err(BuildError::InvalidBaseUrl(base_url)),
        }
        // A client built here carries the timeout itself; a caller's client
        // gets it on each request (a per-request timeout costs a little).
        let transport = self.transport.build(self.timeout)?;
        Ok(Client {
            inner: Arc::new(Inner {
                http: transport.http,
                base_url,
                timeout: self.timeout,
                request_timeout: transport.request_timeout,
                request_headers: transport.request_headers,
                retry: self.retry,
                max_body_size: self.max_body_size,
                hooks: self.hooks,
            }),
            credentials: Arc::new(RwLock::new(
                self.credentials.into_iter().map(|(k, v)| (k, Arc::new(v))).collect(),
            )),
        })
    }
}
