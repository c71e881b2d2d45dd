//! Paged operations (`x-pagination` in the spec): the answers of one request
//! as a stream of pages, or of the items on them, each page one call through
//! the usual path (credentials, retries, deadline, errors).
//!
//! The generated code says where the page's position goes and where the next
//! cursor is ([`Paging`]), and gives the operation's `decode` and a function
//! that counts (or takes) a page's items; everything else is here, the same
//! for every operation.

use crate::call::Received;
use crate::client::Client;
use crate::error::{Error, Failure};
use crate::request::{Body, Request};
use futures_util::stream::{self, Stream, StreamExt, TryStreamExt};
use serde_json::{Map, Value};
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Where a paged request carries a value: a query parameter, or a member of
/// its JSON body (both by their name on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(hidden)]
pub enum Place {
    Query(&'static str),
    Body(&'static str),
}

/// Where an answer holds the cursor of the next page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(hidden)]
pub enum NextCursor {
    /// The value at this JSON pointer of the answer's body (a string, or a
    /// number sent back as its text).
    Member(&'static str),
    /// This header of the answer.
    Header(&'static str),
}

/// How an operation pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(hidden)]
pub enum Paging {
    /// By position: the request's `offset` (0 when it has none) moves on by
    /// the number of items each page holds. A page with no items, or with
    /// fewer than the request's `limit` asks for, is the last.
    Offset { offset: Place, limit: Option<Place> },
    /// By cursor: each answer names the next page's cursor, sent back as
    /// `cursor`. An answer without one (or with the cursor just sent), or
    /// with no items, is the last.
    Cursor { cursor: Place, next: NextCursor },
}

/// The answers of a paged operation, one call per page, as a [`Stream`] of
/// pages (`pages()`) or of the items on them (`items()`).
///
/// Read it with [`try_next`](Self::try_next), or with the `Stream`
/// combinators of `futures`. An error (of any page) is the stream's last
/// item; a page with no items, or the same as the page before (a server
/// that ignores the position), ends it and is not given.
#[must_use = "a stream does nothing until it is read"]
pub struct Paged<'a, T, E> {
    stream: Pin<Box<dyn Stream<Item = Result<T, Error<E>>> + Send + 'a>>,
}

impl<T, E> Paged<'_, T, E> {
    /// The next page (or item): `Ok(None)` after the last.
    pub async fn try_next(&mut self) -> Result<Option<T>, Error<E>> {
        self.stream.next().await.transpose()
    }
}

impl<T, E> Stream for Paged<'_, T, E> {
    type Item = Result<T, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // `Paged` is `Unpin`: a box.
        self.get_mut().stream.as_mut().poll_next(cx)
    }
}

impl<T, E> fmt::Debug for Paged<'_, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paged").finish_non_exhaustive()
    }
}

impl Client {
    /// A paged operation's pages: `request` is its first page as the caller
    /// built it, `decode` the operation's, `count` the number of items on a
    /// page.
    #[doc(hidden)]
    pub fn pages<'a, T, E>(
        &'a self,
        request: Result<Request, Failure>,
        paging: Paging,
        decode: fn(Received) -> Result<T, Error<E>>,
        count: fn(&T) -> usize,
    ) -> Paged<'a, T, E>
    where
        T: Send + 'a,
        E: Send + 'a,
    {
        let read = move |received| {
            decode(received).map(|page| {
                let items = count(&page);
                (page, items)
            })
        };
        Paged {
            stream: Box::pin(self.paged(request, paging, read)),
        }
    }

    /// A paged operation's items, page after page; `items` takes them from
    /// a page.
    #[doc(hidden)]
    pub fn items<'a, T, I, E>(
        &'a self,
        request: Result<Request, Failure>,
        paging: Paging,
        decode: fn(Received) -> Result<T, Error<E>>,
        items: fn(T) -> Vec<I>,
    ) -> Paged<'a, I, E>
    where
        T: Send + 'a,
        I: Send + 'a,
        E: Send + 'a,
    {
        let read = move |received| {
            decode(received).map(|page| {
                let items = items(page);
                let count = items.len();
                (items, count)
            })
        };
        let pages = self.paged(request, paging, read);
        Paged {
            stream: Box::pin(
                pages
                    .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
                    .try_flatten(),
            ),
        }
    }

    /// The pages, each read by `read` into what the stream gives and the
    /// number of items it holds.
    fn paged<'a, P, E>(
        &'a self,
        request: Result<Request, Failure>,
        paging: Paging,
        read: impl Fn(Received) -> Result<(P, usize), Error<E>> + Copy + Send + 'a,
    ) -> impl Stream<Item = Result<P, Error<E>>> + Send + 'a
    where
        P: Send + 'a,
        E: Send + 'a,
    {
        let start = request.and_then(|request| Pager::new(request, paging));
        stream::try_unfold(Some(start), move |pager| async move {
            let mut pager = match pager {
                None => return Ok(None),
                Some(start) => start?,
            };
            let received = self.exchange(Ok(pager.page())).await?;
            let next_cursor = match paging {
                Paging::Cursor { next, .. } => next_cursor(&received, next),
                Paging::Offset { .. } => None,
            };
            // A server that ignores the position would give the same page
            // for ever. (`Bytes` clones share the buffer.)
            let repeated = pager.last.replace(received.body.clone()) == Some(received.body.clone());
            let (page, count) = read(received)?;
            if count == 0 || repeated {
                return Ok(None);
            }
            let more = pager.advance(count, next_cursor);
            Ok(Some((page, more.then_some(Ok(pager)))))
        })
    }
}

/// The position of a paged request: the first page as the caller built it,
/// and where the next one starts.
struct Pager {
    request: Request,
    /// The JSON body, when a place is in it (written anew for each page).
    body: Option<(String, Map<String, Value>)>,
    paging: Paging,
    offset: i64,
    limit: Option<i64>,
    /// The cursor of the next page (`None`: the first page as built).
    cursor: Option<String>,
    /// The body of the page before.
    last: Option<bytes::Bytes>,
}

impl Pager {
    fn new(request: Request, paging: Paging) -> Result<Self, Failure> {
        let in_body = match paging {
            Paging::Offset { offset, limit } => {
                matches!(offset, Place::Body(_)) || matches!(limit, Some(Place::Body(_)))
            }
            Paging::Cursor { cursor, .. } => matches!(cursor, Place::Body(_)),
        };
        let body = if in_body { Some(json_object(&request)?) } else { None };
        let mut pager = Pager {
            request,
            body,
            paging,
            offset: 0,
            limit: None,
            cursor: None,
            last: None,
        };
        if let Paging::Offset { offset, limit } = paging {
            pager.offset = pager.number(offset).unwrap_or(0);
            pager.limit = limit.and_then(|limit| pager.number(limit)).filter(|limit| *limit > 0);
        }
        Ok(pager)
    }

    /// A number the caller set at `place`, if any.
    fn number(&self, place: Place) -> Option<i64> {
        match place {
            Place::Query(name) => self
                .request
                .query
                .iter()
                .find(|(key, _)| key == name)
                .and_then(|(_, value)| value.parse().ok()),
            Place::Body(name) => self.body.as_ref()?.1.get(name)?.as_i64(),
        }
    }

    /// The request of the current page.
    fn page(&mut self) -> Request {
        match self.paging {
            Paging::Offset { offset, .. } => self.set(offset, Value::from(self.offset)),
            Paging::Cursor { cursor, .. } => {
                if let Some(next) = self.cursor.clone() {
                    self.set(cursor, Value::String(next));
                }
            }
        }
        let mut request = self.request.clone();
        if let Some((content_type, body)) = &self.body {
            // A map of JSON values always writes.
            let data = serde_json::to_vec(body).unwrap_or_default();
            request.body = Some(Body::Bytes {
                content_type: content_type.clone(),
                data,
            });
        }
        request
    }

    fn set(&mut self, place: Place, value: Value) {
        match place {
            Place::Query(name) => {
                let text = match value {
                    Value::String(text) => text,
                    other => other.to_string(),
                };
                self.request.query.retain(|(key, _)| key != name);
                self.request.query.push((name.to_owned(), text));
            }
            Place::Body(name) => {
                if let Some((_, body)) = &mut self.body {
                    body.insert(name.to_owned(), value);
                }
            }
        }
    }

    /// Move on past a page of `count` items (more than none); whether there
    /// is a next page.
    fn advance(&mut self, count: usize, next_cursor: Option<String>) -> bool {
        match self.paging {
            Paging::Offset { .. } => {
                let count = i64::try_from(count).unwrap_or(i64::MAX);
                self.offset = self.offset.saturating_add(count);
                self.limit.is_none_or(|limit| count >= limit)
            }
            Paging::Cursor { .. } => match next_cursor {
                // The same cursor again would give the same page for ever.
                Some(next) if self.cursor.as_ref() != Some(&next) => {
                    self.cursor = Some(next);
                    true
                }
                _ => false,
            },
        }
    }
}

/// The request's JSON body as an object to set members of (an empty one
/// when it has none), with its content type.
fn json_object(request: &Request) -> Result<(String, Map<String, Value>), Failure> {
    match &request.body {
        None => Ok(("application/json".to_owned(), Map::new())),
        Some(Body::Bytes { content_type, data }) => match serde_json::from_slice(data) {
            Ok(Value::Object(map)) => Ok((content_type.clone(), map)),
            _ => Err(Failure::InvalidRequest(
                "the body of a paged request must be a JSON object to carry its position".to_owned(),
            )),
        },
        Some(Body::Multipart(_)) => Err(Failure::InvalidRequest(
            "the body of a paged request must be a JSON object to carry its position, not multipart".to_owned(),
        )),
    }
}

/// The next page's cursor in an answer: absent, `null` and `""` all mean
/// there is none.
fn next_cursor(received: &Received, next: NextCursor) -> Option<String> {
    let text = match next {
        NextCursor::Header(name) => received.headers.get(name)?.to_str().ok()?.trim().to_owned(),
        NextCursor::Member(pointer) => {
            let answer: Value = serde_json::from_slice(&received.body).ok()?;
            match answer.pointer(pointer)? {
                Value::String(text) => text.clone(),
                Value::Number(number) => number.to_string(),
                _ => return None,
            }
        }
    };
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::Method;

    fn request(body: Option<&str>) -> Request {
        let mut request = Request::new(Method::POST, "/things", &[]);
        if let Some(body) = body {
            request.bytes("application/json", body.as_bytes().to_vec());
        }
        request
    }

    fn body_of(request: &Request) -> Value {
        match &request.body {
            Some(Body::Bytes { data, .. }) => serde_json::from_slice(data).unwrap(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn offset_in_the_body_starts_where_the_caller_did_and_ends_on_a_short_page() {
        let paging = Paging::Offset {
            offset: Place::Body("offset"),
            limit: Some(Place::Body("limit")),
        };
        let mut pager = Pager::new(request(Some(r#"{"limit":2,"offset":4,"q":"x"}"#)), paging).unwrap();
        assert_eq!(
            body_of(&pager.page()),
            serde_json::json!({"limit": 2, "offset": 4, "q": "x"})
        );
        assert!(pager.advance(2, None));
        assert_eq!(
            body_of(&pager.page()),
            serde_json::json!({"limit": 2, "offset": 6, "q": "x"})
        );
        assert!(!pager.advance(1, None), "a page shorter than the limit is the last");
    }

    #[test]
    fn offset_in_the_query_replaces_the_callers_value() {
        let paging = Paging::Offset {
            offset: Place::Query("offset"),
            limit: Some(Place::Query("limit")),
        };
        let mut first = request(None);
        first.query.push(("limit".into(), "3".into()));
        first.query.push(("offset".into(), "1".into()));
        let mut pager = Pager::new(first, paging).unwrap();
        assert!(pager.body.is_none());
        assert!(pager.advance(3, None));
        let page = pager.page();
        assert_eq!(
            page.query,
            [("limit".into(), "3".into()), ("offset".into(), "4".into())]
        );
        assert!(page.body.is_none());
    }

    #[test]
    fn without_a_limit_only_an_empty_page_ends() {
        let paging = Paging::Offset {
            offset: Place::Query("offset"),
            limit: Some(Place::Query("limit")),
        };
        let mut pager = Pager::new(request(None), paging).unwrap();
        assert!(pager.advance(1, None));
        assert_eq!(pager.page().query, [("offset".into(), "1".into())]);
    }

    #[test]
    fn a_cursor_ends_when_absent_or_repeated() {
        let paging = Paging::Cursor {
            cursor: Place::Body("after"),
            next: NextCursor::Member("/next"),
        };
        let mut pager = Pager::new(request(None), paging).unwrap();
        assert_eq!(body_of(&pager.page()), serde_json::json!({}));
        assert!(pager.advance(5, Some("c1".into())));
        assert_eq!(body_of(&pager.page()), serde_json::json!({"after": "c1"}));
        assert!(!pager.advance(5, Some("c1".into())), "the same cursor again");
        assert!(!pager.advance(5, None));
    }

    #[test]
    fn a_body_that_is_not_an_object_cannot_carry_a_position() {
        let paging = Paging::Cursor {
            cursor: Place::Body("after"),
            next: NextCursor::Header("x-next"),
        };
        assert!(matches!(
            Pager::new(request(Some("[1, 2]")), paging),
            Err(Failure::InvalidRequest(_))
        ));
    }
}
