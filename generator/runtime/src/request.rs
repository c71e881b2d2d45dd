//! Request encoding: the path, query, header and cookie parameters and the
//! body of a request, written as the spec's styles say.

use crate::error::Failure;
use crate::query;
use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;

/// How an array or object parameter is written (the spec's `style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(hidden)]
pub enum Style {
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

/// A request about to be sent; built by the generated operations (cloned
/// for each page of a paged one).
#[derive(Debug, Clone)]
#[doc(hidden)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) path: std::borrow::Cow<'static, str>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) cookies: Vec<(String, String)>,
    pub(crate) body: Option<Body>,
    pub(crate) security: &'static [&'static [&'static str]],
    /// Whether sending it twice is safe, when the operation says
    /// (`x-idempotent`); otherwise the method decides.
    pub(crate) idempotent: Option<bool>,
    /// What this call overrides of the client's settings (`options.rs`).
    pub(crate) options: crate::options::CallOptions,
    /// The spec's `operationId` and path template, for hooks and traces.
    pub(crate) operation_id: Option<&'static str>,
    pub(crate) path_template: Option<&'static str>,
}

#[derive(Debug, Clone)]
#[doc(hidden)]
pub enum Body {
    Bytes { content_type: String, data: Vec<u8> },
    Multipart(Vec<Part>),
}

/// One field of a `multipart/form-data` body.
#[derive(Debug, Clone)]
#[doc(hidden)]
pub struct Part {
    name: String,
    content_type: &'static str,
    data: Vec<u8>,
}

pub(crate) const MULTIPART_BOUNDARY: &str = "------------------------openapi-client-boundary";

pub(crate) fn encode_multipart(parts: &[Part]) -> Vec<u8> {
    let mut out = Vec::new();
    for part in parts {
        out.extend_from_slice(format!("--{MULTIPART_BOUNDARY}\r\n").as_bytes());
        let name = part.name.replace('"', "%22");
        out.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n").as_bytes());
        out.extend_from_slice(format!("Content-Type: {}\r\n\r\n", part.content_type).as_bytes());
        out.extend_from_slice(&part.data);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{MULTIPART_BOUNDARY}--\r\n").as_bytes());
    out
}

impl Request {
    /// A request for `path` (already encoded, see [`path_segment`]).
    /// `security` lists the alternatives of credentials, as in the spec.
    pub fn new(
        method: Method,
        path: impl Into<std::borrow::Cow<'static, str>>,
        security: &'static [&'static [&'static str]],
    ) -> Self {
        Request {
            method,
            path: path.into(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            cookies: Vec::new(),
            body: None,
            security,
            idempotent: None,
            options: crate::options::CallOptions::new(),
            operation_id: None,
            path_template: None,
        }
    }

    /// A request of the operation `operation_id`, for its path as the spec
    /// writes it (`/user/{realm}/{userId}`): each `{name}` in it is filled
    /// by [`path`](Self::path). The operation and its template are shown to
    /// hooks and traces; `security` lists the alternatives of credentials,
    /// as in the spec.
    pub fn for_operation(
        method: Method,
        path_template: &'static str,
        operation_id: &'static str,
        security: &'static [&'static [&'static str]],
    ) -> Self {
        Request::new(method, path_template, security).operation(operation_id, path_template)
    }

    /// Fill the path's `{name}` with a path parameter, percent-encoded as
    /// one segment (see [`path_segment`]). The encoded value holds no `{`,
    /// so what one parameter writes is never read as another's place.
    pub fn path(&mut self, name: &str, value: &impl Serialize) -> Result<(), Failure> {
        let segment = path_segment(name, value)?;
        let mut place = String::with_capacity(name.len() + 2);
        place.push('{');
        place.push_str(name);
        place.push('}');
        if self.path.contains(&place) {
            self.path = self.path.replace(&place, &segment).into();
        }
        Ok(())
    }

    /// Name the operation: its `operationId` and its path as the spec
    /// writes it (`/user/{realm}/{userId}`), shown to hooks and traces.
    pub fn operation(mut self, operation_id: &'static str, path_template: &'static str) -> Self {
        self.operation_id = Some(operation_id);
        self.path_template = Some(path_template);
        self
    }

    /// Whether sending the request twice is safe, as the operation says
    /// (`x-idempotent` in the spec), overriding what its method implies.
    pub fn idempotent(&mut self, idempotent: bool) {
        self.idempotent = Some(idempotent);
    }

    pub(crate) fn url(&self, base_url: &str) -> Result<reqwest::Url, Failure> {
        let mut text = String::with_capacity(base_url.len() + self.path.len());
        text.push_str(base_url);
        text.push_str(&self.path);
        let mut url = reqwest::Url::parse(&text)
            .map_err(|e| Failure::InvalidRequest(format!("invalid URL for `{}`: {e}", self.path)))?;
        if !self.query.is_empty() {
            query::append(&mut url, &self.query);
        }
        Ok(url)
    }

    /// Add a query parameter, written as its `style` and `explode` say. An
    /// absent value (`None`, or JSON `null`) adds nothing.
    pub fn query(&mut self, name: &str, value: &impl Serialize, style: Style, explode: bool) -> Result<(), Failure> {
        let value = to_json(name, value)?;
        match value {
            serde_json::Value::Null => {}
            serde_json::Value::Array(items) => {
                let items: Vec<String> = items.iter().map(scalar_text).collect();
                match (style, explode) {
                    (Style::Form, true) | (Style::DeepObject, _) => {
                        self.query.extend(items.into_iter().map(|item| (name.to_owned(), item)));
                    }
                    (Style::Form, false) => self.query.push((name.to_owned(), items.join(","))),
                    (Style::SpaceDelimited, _) => self.query.push((name.to_owned(), items.join(" "))),
                    (Style::PipeDelimited, _) => self.query.push((name.to_owned(), items.join("|"))),
                }
            }
            serde_json::Value::Object(map) => match (style, explode) {
                (Style::DeepObject, _) => deep_object(&mut self.query, name, &map),
                (Style::Form, true) => {
                    for (key, value) in &map {
                        if !value.is_null() {
                            self.query.push((key.clone(), scalar_text(value)));
                        }
                    }
                }
                (_, _) => {
                    let joined: Vec<String> = map
                        .iter()
                        .filter(|(_, v)| !v.is_null())
                        .flat_map(|(k, v)| [k.clone(), scalar_text(v)])
                        .collect();
                    self.query.push((name.to_owned(), joined.join(",")));
                }
            },
            scalar => self.query.push((name.to_owned(), scalar_text(&scalar))),
        }
        Ok(())
    }

    /// Add a header parameter (`simple` style). A value that cannot be sent
    /// in a header (a newline, say) is refused, and nothing is sent. An
    /// absent value (`None`, or JSON `null`) adds nothing.
    pub fn header(&mut self, name: &'static str, value: &impl Serialize) -> Result<(), Failure> {
        let value = to_json(name, value)?;
        if !value.is_null() {
            self.headers
                .insert(header_name(name)?, header_value(name, &simple_text(&value))?);
        }
        Ok(())
    }

    /// Add a cookie parameter. An absent value (`None`, or JSON `null`) adds
    /// nothing.
    pub fn cookie(&mut self, name: &str, value: &impl Serialize) -> Result<(), Failure> {
        let value = to_json(name, value)?;
        if !value.is_null() {
            self.cookies.push((name.to_owned(), simple_text(&value)));
        }
        Ok(())
    }

    /// A JSON body.
    pub fn json(&mut self, content_type: &str, body: &impl Serialize) -> Result<(), Failure> {
        let data = serde_json::to_vec(body)
            .map_err(|e| Failure::InvalidRequest(format!("the request body cannot be written as JSON: {e}")))?;
        self.bytes(content_type, data);
        Ok(())
    }

    /// An `application/x-www-form-urlencoded` body from the fields of `body`.
    pub fn form(&mut self, body: &impl Serialize) -> Result<(), Failure> {
        let mut pairs = Vec::new();
        if let serde_json::Value::Object(map) = to_json("body", body)? {
            for (key, value) in &map {
                match value {
                    serde_json::Value::Null => {}
                    serde_json::Value::Object(inner) => deep_object(&mut pairs, key, inner),
                    serde_json::Value::Array(items) => {
                        pairs.extend(items.iter().map(|item| (key.clone(), scalar_text(item))));
                    }
                    scalar => pairs.push((key.clone(), scalar_text(scalar))),
                }
            }
        }
        let data = reqwest::Url::parse("form:")
            .map(|mut url| {
                url.query_pairs_mut().extend_pairs(&pairs);
                url.query().unwrap_or_default().as_bytes().to_vec()
            })
            .unwrap_or_default();
        self.bytes("application/x-www-form-urlencoded", data);
        Ok(())
    }

    /// A `multipart/form-data` body with one part per field of `body`:
    /// strings as text, other values as JSON.
    pub fn multipart(&mut self, body: &impl Serialize) -> Result<(), Failure> {
        let mut parts = Vec::new();
        if let serde_json::Value::Object(map) = to_json("body", body)? {
            for (name, value) in map {
                let (content_type, data) = match value {
                    serde_json::Value::Null => continue,
                    serde_json::Value::String(text) => ("text/plain; charset=utf-8", text.into_bytes()),
                    other => ("application/json", other.to_string().into_bytes()),
                };
                parts.push(Part {
                    name,
                    content_type,
                    data,
                });
            }
        }
        self.body = Some(Body::Multipart(parts));
        Ok(())
    }

    /// A raw body (text, or bytes).
    pub fn bytes(&mut self, content_type: &str, data: impl Into<Vec<u8>>) {
        self.body = Some(Body::Bytes {
            content_type: content_type.to_owned(),
            data: data.into(),
        });
    }
}

fn to_json(name: &str, value: &impl Serialize) -> Result<serde_json::Value, Failure> {
    serde_json::to_value(value)
        .map_err(|e| Failure::InvalidRequest(format!("`{name}` cannot be written into the request: {e}")))
}

/// A scalar as text: strings bare, everything else as JSON.
fn scalar_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The `simple` style: arrays and objects comma-separated.
fn simple_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Array(items) => items.iter().map(scalar_text).collect::<Vec<_>>().join(","),
        serde_json::Value::Object(map) => map
            .iter()
            .flat_map(|(k, v)| [k.clone(), scalar_text(v)])
            .collect::<Vec<_>>()
            .join(","),
        other => scalar_text(other),
    }
}

fn deep_object(out: &mut Vec<(String, String)>, prefix: &str, map: &serde_json::Map<String, serde_json::Value>) {
    for (key, value) in map {
        let name = format!("{prefix}[{key}]");
        match value {
            serde_json::Value::Null => {}
            serde_json::Value::Object(inner) => deep_object(out, &name, inner),
            serde_json::Value::Array(items) => {
                out.extend(items.iter().map(|item| (format!("{name}[]"), scalar_text(item))));
            }
            scalar => out.push((name, scalar_text(scalar))),
        }
    }
}

/// Characters left as they are in a path segment: RFC 3986 unreserved.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A path parameter, percent-encoded as exactly one path segment: `/`,
/// `?`, `#`, `%` and everything else outside the unreserved set are
/// escaped. `.`, `..` and the empty string would change which path is
/// requested, so they are refused. ([`Request::path`] fills a path with it;
/// crates generated before that call it themselves, so it stays public.)
#[doc(hidden)]
pub fn path_segment(name: &str, value: &impl Serialize) -> Result<String, Failure> {
    let text = simple_text(&to_json(name, value)?);
    if matches!(text.as_str(), "" | "." | "..") {
        return Err(Failure::InvalidRequest(format!(
            "path parameter `{name}` is {text:?}, which cannot be sent as a path segment"
        )));
    }
    Ok(percent_encoding::utf8_percent_encode(&text, SEGMENT).to_string())
}

const COOKIE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%');

pub(crate) fn encode_cookie(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, COOKIE).to_string()
}

fn header_name(name: &str) -> Result<HeaderName, Failure> {
    HeaderName::try_from(name).map_err(|_| Failure::InvalidRequest(format!("`{name}` is not a valid header name")))
}

pub(crate) fn header_value(name: &str, value: &str) -> Result<HeaderValue, Failure> {
    HeaderValue::from_str(value).map_err(|_| {
        Failure::InvalidRequest(format!(
            "the value of header `{name}` cannot be sent: it contains a newline or another character headers do not allow"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_stay_one_segment() {
        assert_eq!(path_segment("id", &"../admin").unwrap(), "..%2Fadmin");
        assert_eq!(path_segment("id", &"a b?c#d%e").unwrap(), "a%20b%3Fc%23d%25e");
        assert_eq!(path_segment("id", &"ü").unwrap(), "%C3%BC");
        assert_eq!(path_segment("id", &42).unwrap(), "42");
        assert!(path_segment("id", &"..").is_err());
        assert!(path_segment("id", &".").is_err());
        assert!(path_segment("id", &"").is_err());
    }

    #[test]
    fn path_parameters_fill_the_template() {
        let mut request = Request::for_operation(Method::GET, "/user/{realm}/{userId}/x.{format}", "getUser", &[]);
        request.path("realm", &"a/b").unwrap();
        request.path("userId", &"{format}").unwrap();
        request.path("format", &7).unwrap();
        assert_eq!(request.path, "/user/a%2Fb/%7Bformat%7D/x.7");
        assert_eq!(request.path_template, Some("/user/{realm}/{userId}/x.{format}"));
        assert_eq!(request.operation_id, Some("getUser"));
        assert!(request.path("realm", &"..").is_err());
    }

    #[test]
    fn query_styles() {
        let mut request = Request::new(Method::GET, "/", &[]);
        request.query("a", &["x", "y"], Style::Form, true).unwrap();
        request.query("b", &["x", "y"], Style::Form, false).unwrap();
        request.query("c", &["x", "y"], Style::PipeDelimited, false).unwrap();
        request.query("d", &["x", "y"], Style::SpaceDelimited, false).unwrap();
        request
            .query(
                "e",
                &serde_json::json!({"k": "v", "n": {"m": 1}}),
                Style::DeepObject,
                true,
            )
            .unwrap();
        request.query("f", &Option::<u8>::None, Style::Form, true).unwrap();
        let url = request.url("http://h").unwrap();
        assert_eq!(
            url.query(),
            // deepObject names keep their brackets, as the OpenAPI spec writes them.
            Some("a=x&a=y&b=x%2Cy&c=x%7Cy&d=x+y&e[k]=v&e[n][m]=1")
        );
    }

    #[test]
    fn absent_headers_and_cookies_are_not_sent() {
        let mut request = Request::new(Method::GET, "/", &[]);
        request.header("X-None", &Option::<String>::None).unwrap();
        request.header("X-Some", &Some("a")).unwrap();
        request.cookie("none", &Option::<u8>::None).unwrap();
        request.cookie("some", &Some(1)).unwrap();
        assert_eq!(request.headers.len(), 1);
        assert_eq!(request.headers["x-some"], "a");
        assert_eq!(request.cookies, [("some".to_owned(), "1".to_owned())]);
    }

    #[test]
    fn header_with_newline_is_refused() {
        let mut request = Request::new(Method::GET, "/", &[]);
        assert!(request.header("X-Test", &"a\r\nInjected: yes").is_err());
        assert!(request.headers.is_empty());
    }
}
