//! The HTTP client under a [`Client`](crate::Client): connecting, TLS
//! roots, proxies, the user agent, made into a `reqwest::Client` once, when
//! the client is built.
//!
//! Which TLS back end and which root certificates are compiled in is the
//! choice of Cargo features (the runtime's, forwarded by every generated
//! crate): `native-roots` (default: rustls with the operating system's
//! trust store), `webpki-roots` (rustls with Mozilla's roots compiled in),
//! `native-tls` (the platform's TLS library; it takes over from rustls when
//! both are on), `gzip` and `http2`. rustls itself is always there, so a
//! client always has a TLS back end, and with no roots feature it trusts
//! only the certificates given to `add_root_certificate`.

use crate::error::BuildError;
use reqwest::header::{HeaderMap, HeaderValue};
use std::fmt;
use std::time::Duration;

const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How the client connects: what `ClientBuilder` turns into a `reqwest::Client`.
pub(crate) struct Transport {
    connect_timeout: Option<Duration>,
    default_user_agent: String,
    user_agent: Option<String>,
    root_certificates: Vec<reqwest::Certificate>,
    proxies: Vec<reqwest::Proxy>,
    no_proxy: bool,
    /// A caller's client, used as it is.
    http: Option<reqwest::Client>,
}

/// What [`Transport::build`] gives the client.
pub(crate) struct Built {
    pub(crate) http: reqwest::Client,
    /// Set on each request: the HTTP client does not carry it (a caller's).
    pub(crate) request_timeout: Option<Duration>,
    /// Sent with each request: the user agent set for a caller's client.
    pub(crate) request_headers: Option<HeaderMap>,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field(
                "connect_timeout",
                &self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
            )
            .field(
                "user_agent",
                self.user_agent.as_ref().unwrap_or(&self.default_user_agent),
            )
            .field("root_certificates", &self.root_certificates.len())
            .field("proxies", &self.proxies.len())
            .field("no_proxy", &self.no_proxy)
            .field("http_client", &self.http.is_some())
            .finish()
    }
}

impl Transport {
    pub(crate) fn new(default_user_agent: &str) -> Self {
        Transport {
            connect_timeout: None,
            default_user_agent: default_user_agent.to_owned(),
            user_agent: None,
            root_certificates: Vec::new(),
            proxies: Vec::new(),
            no_proxy: false,
            http: None,
        }
    }

    pub(crate) fn connect_timeout(&mut self, timeout: Duration) {
        self.connect_timeout = Some(timeout);
    }

    pub(crate) fn user_agent(&mut self, user_agent: String) {
        self.user_agent = Some(user_agent);
    }

    pub(crate) fn add_root_certificate(&mut self, certificate: reqwest::Certificate) {
        self.root_certificates.push(certificate);
    }

    pub(crate) fn proxy(&mut self, proxy: reqwest::Proxy) {
        self.proxies.push(proxy);
    }

    pub(crate) fn no_proxy(&mut self) {
        self.no_proxy = true;
    }

    pub(crate) fn http_client(&mut self, client: reqwest::Client) {
        self.http = Some(client);
    }

    /// The HTTP client: built here with every setting, or the caller's,
    /// which keeps the timeout and the user agent (set on each request) and
    /// refuses the settings only its own builder can make.
    pub(crate) fn build(self, timeout: Duration) -> Result<Built, BuildError> {
        if let Some(http) = self.http {
            let mut ignored = Vec::new();
            if self.connect_timeout.is_some() {
                ignored.push("connect_timeout");
            }
            if !self.root_certificates.is_empty() {
                ignored.push("add_root_certificate");
            }
            if !self.proxies.is_empty() {
                ignored.push("proxy");
            }
            if self.no_proxy {
                ignored.push("no_proxy");
            }
            if !ignored.is_empty() {
                return Err(BuildError::NotWithHttpClient(ignored));
            }
            let request_headers = match self.user_agent {
                Some(user_agent) => {
                    let value = HeaderValue::try_from(user_agent).map_err(|_| BuildError::InvalidUserAgent)?;
                    let mut headers = HeaderMap::new();
                    headers.insert(reqwest::header::USER_AGENT, value);
                    Some(headers)
                }
                None => None,
            };
            return Ok(Built {
                http,
                request_timeout: Some(timeout),
                request_headers,
            });
        }
        let user_agent = self.user_agent.unwrap_or(self.default_user_agent);
        let user_agent = HeaderValue::try_from(user_agent).map_err(|_| BuildError::InvalidUserAgent)?;
        let mut builder = reqwest::Client::builder()
            .user_agent(user_agent)
            .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
            .timeout(timeout);
        for certificate in self.root_certificates {
            builder = builder.add_root_certificate(certificate);
        }
        if self.no_proxy {
            builder = builder.no_proxy();
        }
        for proxy in self.proxies {
            builder = builder.proxy(proxy);
        }
        Ok(Built {
            http: builder.build().map_err(BuildError::Http)?,
            request_timeout: None,
            request_headers: None,
        })
    }
}
