//! The client and its builder: connection settings, the retry policy and
//! the credentials, shared by every request of a client and its clones.

use crate::auth::{self, Credential};
use crate::error::BuildError;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_MAX_RETRIES: u32 = 3;
const DEFAULT_MAX_RETRY_DELAY: Duration = Duration::from_secs(60);
const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(60);

/// A client for the API: cheap to clone (clones share connections and
/// credentials), and usable from many tasks at once.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    pub(crate) timeout: Duration,
    /// Set on each request when `http` was not built with `timeout`.
    pub(crate) request_timeout: Option<Duration>,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_body_size: usize,
    /// Shared with every request in flight (`Arc`), replaced by `set_*`.
    pub(crate) credentials: RwLock<BTreeMap<&'static str, Arc<Credential>>>,
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
        let credentials = self.inner.credentials.read().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .field("credentials", &*credentials)
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
        self.inner
            .credentials
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(scheme, Arc::new(credential));
    }

    /// The OAuth2 token source among the credentials of `alternative`.
    pub(crate) fn token_source(&self, alternative: &[&str]) -> Option<Arc<auth::TokenSource>> {
        alternative
            .iter()
            .find_map(|scheme| match self.credential(scheme)?.as_ref() {
                Credential::ClientCredentials(source) => Some(Arc::clone(source)),
                _ => None,
            })
    }

    /// The first alternative of credentials the client can satisfy.
    pub(crate) fn alternative_for(&self, security: &'static [&'static [&'static str]]) -> &'static [&'static str] {
        let credentials = self.inner.credentials.read().unwrap_or_else(PoisonError::into_inner);
        security
            .iter()
            .find(|alternative| alternative.iter().all(|scheme| credentials.contains_key(scheme)))
            .copied()
            .unwrap_or_default()
    }

    /// The credential of one scheme, shared (not copied).
    pub(crate) fn credential(&self, scheme: &str) -> Option<Arc<Credential>> {
        let credentials = self.inner.credentials.read().unwrap_or_else(PoisonError::into_inner);
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
    connect_timeout: Duration,
    user_agent: String,
    http: Option<reqwest::Client>,
    retry: RetryPolicy,
    max_body_size: usize,
    credentials: BTreeMap<&'static str, Credential>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("max_body_size", &self.max_body_size)
            .field("credentials", &self.credentials)
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
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: user_agent.to_owned(),
            http: None,
            retry: RetryPolicy {
                max_retries: DEFAULT_MAX_RETRIES,
                max_delay: DEFAULT_MAX_RETRY_DELAY,
                non_idempotent: false,
                total_timeout: DEFAULT_TOTAL_TIMEOUT,
            },
            max_body_size: crate::limits::DEFAULT_MAX_BODY_SIZE,
            credentials: BTreeMap::new(),
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
        self.connect_timeout = timeout;
        self
    }

    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
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
        let (http, request_timeout) = match self.http {
            Some(http) => (http, Some(self.timeout)),
            None => {
                let http = reqwest::Client::builder()
                    .user_agent(self.user_agent)
                    .connect_timeout(self.connect_timeout)
                    .timeout(self.timeout)
                    .build()
                    .map_err(BuildError::Http)?;
                (http, None)
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                timeout: self.timeout,
                request_timeout,
                retry: self.retry,
                max_body_size: self.max_body_size,
                credentials: RwLock::new(self.credentials.into_iter().map(|(k, v)| (k, Arc::new(v))).collect()),
            }),
        })
    }
}
