//! Test doubles (the `mock` feature): a mock server that knows the API.
//!
//! A generated crate's `mock` module wraps this in one typed method per
//! operation; what does not depend on the spec is here: starting the
//! server, checking each request against the operations the spec declares,
//! matching a request against the values a test expects, answering in
//! sequence, and counting calls. The server is `wiremock`'s, on the same
//! tokio runtime as the client.
//!
//! A request the spec does not allow (no operation has its method and path,
//! a required parameter or body is missing, the body does not decode into
//! the operation's type, no credential is sent) is answered `400` with a
//! message naming the operation and what is wrong, and the server panics
//! with every such message when it is dropped, so the test fails even when
//! the code under test swallowed the error.

use crate::{Request, Style};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

pub use wiremock::{MockGuard, Request as ReceivedRequest, ResponseTemplate, Times};

/// One operation as the spec declares it: what a request for it must hold.
/// Generated code writes one per operation, in a `static` table.
#[doc(hidden)]
#[derive(Debug)]
pub struct Route {
    /// The method name on the client (`get_site`).
    pub operation: &'static str,
    pub method: &'static str,
    /// The path template (`/sites/{idSite}`).
    pub path: &'static str,
    pub required_query: &'static [&'static str],
    pub required_headers: &'static [&'static str],
    pub required_cookies: &'static [&'static str],
    pub body: Option<BodyRule>,
    /// Alternatives, each a set of credentials sent together. Empty: none needed.
    pub security: &'static [&'static [Sent]],
}

impl Route {
    /// An operation's route (`operation`: its method name on the client)
    /// with nothing required, no body and no credentials; the methods below
    /// add what the spec declares. `const`, for the generated `static` table.
    pub const fn new(operation: &'static str, method: &'static str, path: &'static str) -> Self {
        Route {
            operation,
            method,
            path,
            required_query: &[],
            required_headers: &[],
            required_cookies: &[],
            body: None,
            security: &[],
        }
    }

    /// The query parameters a request must hold, by name.
    pub const fn query(mut self, names: &'static [&'static str]) -> Self {
        self.required_query = names;
        self
    }

    /// The headers a request must hold, by lower-case name.
    pub const fn headers(mut self, names: &'static [&'static str]) -> Self {
        self.required_headers = names;
        self
    }

    /// The cookies a request must hold, by name.
    pub const fn cookies(mut self, names: &'static [&'static str]) -> Self {
        self.required_cookies = names;
        self
    }

    /// The operation takes a body (`required` or not), checked by `check`.
    pub const fn body(mut self, required: bool, check: Option<BodyCheck>) -> Self {
        self.body = Some(BodyRule { required, check });
        self
    }

    /// The credentials a request must send: alternatives, each a set sent together.
    pub const fn security(mut self, alternatives: &'static [&'static [Sent]]) -> Self {
        self.security = alternatives;
        self
    }
}

/// The request body an operation takes.
#[doc(hidden)]
#[derive(Debug)]
pub struct BodyRule {
    pub required: bool,
    /// Checks a body against the operation's body type (JSON bodies only).
    pub check: Option<BodyCheck>,
}

/// Checks a request body; what is wrong with it when it does not pass.
#[doc(hidden)]
pub type BodyCheck = fn(&[u8]) -> Result<(), String>;

/// Where a credential is sent.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub enum Sent {
    Header(&'static str),
    Query(&'static str),
    Cookie(&'static str),
}

/// Whether `body` decodes as a `T`; when not, the JSON path of the value at
/// fault and why. Generated routes use it as their body check.
#[doc(hidden)]
pub fn decodes<T: DeserializeOwned>(body: &[u8]) -> Result<(), String> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(_) => Ok(()),
        Err(error) => {
            let path = error.path().to_string();
            let inner = error.into_inner();
            if path == "." || path.is_empty() {
                Err(format!("the body does not match its schema: {inner}"))
            } else {
                Err(format!("the body does not match its schema at `{path}`: {inner}"))
            }
        }
    }
}

/// A running mock server for one API: give [`url`](Self::url) to the client.
#[doc(hidden)]
pub struct MockServer {
    server: wiremock::MockServer,
    routes: &'static [Route],
    violations: Arc<Mutex<Vec<String>>>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("url", &self.server.uri())
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// Start a server on a free loopback port that checks every request
    /// against `routes` (needs a tokio runtime, as `#[tokio::test]` gives),
    /// and hands out OAuth2 access tokens at each of `token_paths` (the
    /// paths of the spec's token URLs), so that a client with client
    /// credentials can be given the server's URL for them too.
    pub async fn start(routes: &'static [Route], token_paths: &'static [&'static str]) -> Self {
        let server = wiremock::MockServer::start().await;
        for path in token_paths {
            wiremock::Mock::given(wiremock::matchers::method("POST"))
                .and(wiremock::matchers::path(*path))
                .respond_with(ResponseTemplate::new(200).set_body_raw(
                    r#"{"access_token":"mock-access-token","token_type":"Bearer","expires_in":3600}"#,
                    "application/json",
                ))
                .with_priority(1)
                .named("the OAuth2 token endpoint")
                .mount(&server)
                .await;
        }
        let violations = Arc::new(Mutex::new(Vec::new()));
        wiremock::Mock::given(Violation { routes })
            .respond_with(Reject {
                routes,
                violations: Arc::clone(&violations),
            })
            .with_priority(2)
            .named("requests the spec does not allow")
            .mount(&server)
            .await;
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(Unmatched { routes })
            .with_priority(u8::MAX)
            .named("requests no mock matches")
            .mount(&server)
            .await;
        MockServer {
            server,
            routes,
            violations,
        }
    }

    /// The base URL to give the client (`ClientBuilder::base_url`).
    pub fn url(&self) -> String {
        self.server.uri()
    }

    /// Every request the server got, in order.
    pub async fn received_requests(&self) -> Vec<ReceivedRequest> {
        self.server.received_requests().await.unwrap_or_default()
    }

    /// A mock of the operation at `index` in the routes; generated code
    /// calls it from the operation's typed method.
    pub fn operation(&self, index: usize) -> OperationMock<'_> {
        OperationMock {
            server: self,
            route: &self.routes[index],
            expected: Request::new(reqwest::Method::GET, "", &[]),
            segments: Vec::new(),
            answers: Vec::new(),
            times: None,
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let violations = std::mem::take(&mut *self.violations.lock().unwrap_or_else(PoisonError::into_inner));
        if !violations.is_empty() && !std::thread::panicking() {
            panic!(
                "the mock server got {} request(s) the spec does not allow:\n- {}",
                violations.len(),
                violations.join("\n- ")
            );
        }
    }
}

/// The mock of one operation being set up: what a request must hold to
/// match, the answers, and how often it must be called.
#[doc(hidden)]
pub struct OperationMock<'a> {
    server: &'a MockServer,
    route: &'static Route,
    /// The query, headers, cookies and body a matching request holds, as the
    /// client writes them.
    expected: Request,
    /// (index of the path segment, its text as the client writes it)
    segments: Vec<(usize, String)>,
    answers: Vec<ResponseTemplate>,
    times: Option<Times>,
}

impl std::fmt::Debug for OperationMock<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OperationMock")
            .field("operation", &self.route.operation)
            .field("answers", &self.answers.len())
            .finish_non_exhaustive()
    }
}

impl OperationMock<'_> {
    fn context(&self) -> String {
        format!("`{}` ({} {})", self.route.operation, self.route.method, self.route.path)
    }

    #[track_caller]
    fn expect_ok(&self, result: Result<(), crate::Failure>) {
        if let Err(failure) = result {
            panic!("mock of {}: {failure:?}", self.context());
        }
    }

    /// Match only requests with this path parameter.
    #[track_caller]
    pub fn path(&mut self, name: &'static str, value: &impl Serialize) {
        let placeholder = format!("{{{name}}}");
        let index = template_segments(self.route.path).position(|segment| segment == placeholder);
        let text = crate::request::path_segment(name, value).map(|text| decode_percent(&text));
        match (index, text) {
            (Some(index), Ok(text)) => self.segments.push((index, text)),
            (None, _) => panic!("mock of {}: no path parameter `{name}`", self.context()),
            (_, Err(failure)) => panic!("mock of {}: {failure:?}", self.context()),
        }
    }

    /// Match only requests with this query parameter.
    #[track_caller]
    pub fn query(&mut self, name: &str, value: &impl Serialize, style: Style, explode: bool) {
        let result = self.expected.query(name, value, style, explode);
        self.expect_ok(result);
    }

    /// Match only requests with this header parameter.
    #[track_caller]
    pub fn header(&mut self, name: &'static str, value: &impl Serialize) {
        let result = self.expected.header(name, value);
        self.expect_ok(result);
    }

    /// Match only requests with this cookie parameter.
    #[track_caller]
    pub fn cookie(&mut self, name: &str, value: &impl Serialize) {
        let result = self.expected.cookie(name, value);
        self.expect_ok(result);
    }

    /// Match only requests with this JSON body (compared as JSON values).
    #[track_caller]
    pub fn json(&mut self, body: &impl Serialize) {
        let result = self.expected.json("application/json", body);
        self.expect_ok(result);
    }

    /// Match only requests with this form body.
    #[track_caller]
    pub fn form(&mut self, body: &impl Serialize) {
        let result = self.expected.form(body);
        self.expect_ok(result);
    }

    /// Match only requests with this multipart body.
    #[track_caller]
    pub fn multipart(&mut self, body: &impl Serialize) {
        let result = self.expected.multipart(body);
        self.expect_ok(result);
    }

    /// Match only requests with this raw body.
    pub fn bytes(&mut self, data: impl Into<Vec<u8>>) {
        self.expected.bytes("", data);
    }

    /// Add an answer: answers are given in order, the last one again and again.
    pub fn answer(&mut self, answer: ResponseTemplate) {
        self.answers.push(answer);
    }

    /// Add an answer with a JSON body.
    #[track_caller]
    pub fn answer_json(&mut self, status: u16, body: &impl Serialize) {
        match serde_json::to_vec(body) {
            Ok(data) => self
                .answers
                .push(ResponseTemplate::new(status).set_body_raw(data, "application/json")),
            Err(e) => panic!("mock of {}: the answer cannot be written as JSON: {e}", self.context()),
        }
    }

    /// How often the operation must be called; checked when the guard that
    /// [`mount`](Self::mount) returns is dropped.
    pub fn expect(&mut self, times: impl Into<Times>) {
        self.times = Some(times.into());
    }

    /// Mount the mock; it answers until the guard is dropped, which checks
    /// the expected number of calls. With no answer given, it answers
    /// `default_status` with no body.
    pub async fn mount(self, default_status: u16) -> MockGuard {
        let context = self.context();
        let OperationMock {
            server,
            route,
            expected,
            segments,
            mut answers,
            times,
        } = self;
        if answers.is_empty() {
            answers.push(ResponseTemplate::new(default_status));
        }
        let mut mock = wiremock::Mock::given(Expected {
            route,
            expected,
            segments,
        })
        .respond_with(Sequence {
            answers,
            next: AtomicUsize::new(0),
        })
        .named(context);
        if let Some(times) = times {
            mock = mock.expect(times);
        }
        mock.mount_as_scoped(&server.server).await
    }
}

fn template_segments(path: &str) -> impl Iterator<Item = &str> {
    path.trim_start_matches('/').split('/')
}

fn decode_percent(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// Whether `route`'s path template matches the request path; the number of
/// literal segments matched (more is a better match) when it does.
fn path_score(template: &str, path: &str) -> Option<usize> {
    let mut template = template_segments(template);
    let mut path = template_segments(path);
    let mut literal = 0;
    loop {
        match (template.next(), path.next()) {
            (None, None) => return Some(literal),
            (Some(want), Some(got)) => {
                if want.starts_with('{') && want.ends_with('}') {
                    if got.is_empty() {
                        return None;
                    }
                } else if want == decode_percent(got) {
                    literal += 1;
                } else {
                    return None;
                }
            }
            _ => return None,
        }
    }
}

fn cookies(request: &wiremock::Request) -> Vec<(String, String)> {
    request
        .headers
        .get_all("cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .map(|(name, value)| (name.to_owned(), decode_percent(value)))
        .collect()
}

fn has_credential(request: &wiremock::Request, sent: Sent) -> bool {
    match sent {
        Sent::Header(name) => request.headers.contains_key(name),
        Sent::Query(name) => request.url.query_pairs().any(|(n, _)| n == name),
        Sent::Cookie(name) => cookies(request).iter().any(|(n, _)| n == name),
    }
}

/// What is wrong with `request` for `route`, if anything.
fn route_problem(route: &Route, request: &wiremock::Request) -> Option<String> {
    let mut problems = Vec::new();
    for name in route.required_query {
        if !request.url.query_pairs().any(|(n, _)| n == *name) {
            problems.push(format!("the required query parameter `{name}` is missing"));
        }
    }
    for name in route.required_headers {
        if !request.headers.contains_key(*name) {
            problems.push(format!("the required header `{name}` is missing"));
        }
    }
    let cookies = cookies(request);
    for name in route.required_cookies {
        if !cookies.iter().any(|(n, _)| n == name) {
            problems.push(format!("the required cookie `{name}` is missing"));
        }
    }
    match &route.body {
        Some(rule) if request.body.is_empty() && rule.required => {
            problems.push("the required request body is missing".to_owned());
        }
        Some(_) if request.body.is_empty() => {}
        Some(BodyRule { check: Some(check), .. }) => {
            if let Err(problem) = check(&request.body) {
                problems.push(problem);
            }
        }
        Some(_) => {}
        None if !request.body.is_empty() => {
            problems.push("a body was sent, but the operation takes none".to_owned());
        }
        None => {}
    }
    let authorised = route.security.is_empty()
        || route
            .security
            .iter()
            .any(|alternative| alternative.iter().all(|sent| has_credential(request, *sent)));
    if !authorised {
        let wanted: Vec<String> = route
            .security
            .iter()
            .map(|alternative| {
                alternative
                    .iter()
                    .map(|sent| match sent {
                        Sent::Header(name) => format!("header `{name}`"),
                        Sent::Query(name) => format!("query parameter `{name}`"),
                        Sent::Cookie(name) => format!("cookie `{name}`"),
                    })
                    .collect::<Vec<_>>()
                    .join(" and ")
            })
            .collect();
        problems.push(format!("no credential was sent (wanted: {})", wanted.join(", or ")));
    }
    (!problems.is_empty()).then(|| {
        format!(
            "`{}` ({} {}): {}",
            route.operation,
            route.method,
            route.path,
            problems.join("; ")
        )
    })
}

/// The routes whose method and path match, best match first.
fn candidates<'r>(routes: &'r [Route], request: &wiremock::Request) -> (Vec<&'r Route>, Vec<&'r str>) {
    let mut matched: Vec<(usize, &Route)> = Vec::new();
    let mut methods = Vec::new();
    for route in routes {
        if let Some(score) = path_score(route.path, request.url.path()) {
            if route.method.eq_ignore_ascii_case(request.method.as_str()) {
                matched.push((score, route));
            } else {
                methods.push(route.method);
            }
        }
    }
    matched.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    (matched.into_iter().map(|(_, route)| route).collect(), methods)
}

/// What the spec does not allow in `request`, if anything.
fn check(routes: &[Route], request: &wiremock::Request) -> Option<String> {
    let (matched, methods) = candidates(routes, request);
    let call = format!("{} {}", request.method, request.url.path());
    if matched.is_empty() {
        return Some(if methods.is_empty() {
            format!("`{call}`: no operation of the spec has this path")
        } else {
            format!(
                "`{call}`: no operation of the spec has this method (the path allows {})",
                methods.join(", ")
            )
        });
    }
    let mut first = None;
    for route in matched {
        match route_problem(route, request) {
            None => return None,
            Some(problem) => {
                first.get_or_insert(problem);
            }
        }
    }
    first
}

struct Violation {
    routes: &'static [Route],
}

impl wiremock::Match for Violation {
    fn matches(&self, request: &wiremock::Request) -> bool {
        check(self.routes, request).is_some()
    }
}

struct Reject {
    routes: &'static [Route],
    violations: Arc<Mutex<Vec<String>>>,
}

impl wiremock::Respond for Reject {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let problem = check(self.routes, request).unwrap_or_default();
        self.violations
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(problem.clone());
        ResponseTemplate::new(400).set_body_string(format!("mock server: the spec does not allow this call: {problem}"))
    }
}

struct Unmatched {
    routes: &'static [Route],
}

impl wiremock::Respond for Unmatched {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let (matched, _) = candidates(self.routes, request);
        let mut text = String::from("mock server: no mock matches this call");
        if let Some(route) = matched.first() {
            let _ = write!(text, " of `{}`", route.operation);
        }
        // The path only: a query may hold a credential.
        let _ = write!(text, " ({} {})", request.method, request.url.path());
        ResponseTemplate::new(404).set_body_string(text)
    }
}

/// A request matches when it is a call of the route holding every expected value.
struct Expected {
    route: &'static Route,
    expected: Request,
    segments: Vec<(usize, String)>,
}

impl wiremock::Match for Expected {
    fn matches(&self, request: &wiremock::Request) -> bool {
        let route = self.route;
        if !route.method.eq_ignore_ascii_case(request.method.as_str())
            || path_score(route.path, request.url.path()).is_none()
        {
            return false;
        }
        let path: Vec<&str> = template_segments(request.url.path()).collect();
        let segments_match = self
            .segments
            .iter()
            .all(|(index, text)| path.get(*index).is_some_and(|got| decode_percent(got) == *text));
        let query: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        let query_matches = self.expected.query.iter().all(|(name, _)| {
            let want = self.expected.query.iter().filter(|(n, _)| n == name).map(|(_, v)| v);
            let got = query.iter().filter(|(n, _)| n == name).map(|(_, v)| v);
            want.eq(got)
        });
        let headers_match = self
            .expected
            .headers
            .iter()
            .all(|(name, value)| request.headers.get_all(name).iter().any(|got| got == value));
        let cookies = cookies(request);
        let cookies_match = self
            .expected
            .cookies
            .iter()
            .all(|pair| cookies.iter().any(|got| got == pair));
        segments_match && query_matches && headers_match && cookies_match && self.body_matches(&request.body)
    }
}

impl Expected {
    fn body_matches(&self, got: &[u8]) -> bool {
        match &self.expected.body {
            None => true,
            Some(crate::Body::Bytes { content_type, data }) if content_type.contains("json") => {
                let want = serde_json::from_slice::<serde_json::Value>(data);
                let got = serde_json::from_slice::<serde_json::Value>(got);
                matches!((want, got), (Ok(want), Ok(got)) if want == got)
            }
            Some(crate::Body::Bytes { data, .. }) => data == got,
            Some(crate::Body::Multipart(parts)) => crate::request::encode_multipart(parts) == got,
        }
    }
}

/// The answers in order, then the last one again and again.
struct Sequence {
    answers: Vec<ResponseTemplate>,
    next: AtomicUsize,
}

impl wiremock::Respond for Sequence {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        let index = self.next.fetch_add(1, Ordering::Relaxed);
        self.answers[index.min(self.answers.len() - 1)].clone()
    }
}

#[cfg(test)]
mod tests {
    use super::path_score;

    #[test]
    fn literal_segments_win() {
        assert_eq!(path_score("/users/me", "/users/me"), Some(2));
        assert_eq!(path_score("/users/{id}", "/users/me"), Some(1));
        assert_eq!(path_score("/users/{id}", "/users/"), None);
        assert_eq!(path_score("/users/{id}", "/users/1/sites"), None);
        assert_eq!(path_score("/a b", "/a%20b"), Some(1));
    }
}
