//! `x-pagination` on an operation: its answer is one page of several, and
//! the client offers them as a stream of pages and of items.
//!
//! ```yaml
//! x-pagination:
//!   offset: {in: body, name: offset}   # or `cursor: {in: query, name: after}`
//!   limit: {in: body, name: limit}     # optional: the page size
//!   items: data                        # optional: the answer's member holding the items
//!   next: {in: body, pointer: /meta/next}  # with `cursor`: where the next cursor is
//!                                          # (or `{in: header, name: X-Next-Cursor}`)
//! ```
//!
//! The shape is read with the operation ([`read`]); whether the names fit
//! its parameters, body and answer is checked once every type is known
//! ([`check`]). Either way a wrong extension is an error naming its place.

use crate::error::{Error, Pointer};
use crate::model::{
    Api, Body, BodyKind, NextCursor, Operation, PageIn, PageKind, PagePlace, Pagination, ParamLocation, TypeRef,
};
use serde_json::Value;

const SHAPE: &str = "`x-pagination` is an object: `offset` or `cursor` (where the position goes), \
                     optional `limit` and `items`, and `next` with `cursor`";

/// The extension's shape: every key known, each place `{in, name}`.
pub(super) fn read(value: &Value, at: &Pointer) -> Result<Pagination, Error> {
    let Value::Object(members) = value else {
        return Err(Error::invalid(at, SHAPE));
    };
    for key in members.keys() {
        if !matches!(key.as_str(), "offset" | "cursor" | "limit" | "items" | "next") {
            return Err(Error::invalid(
                &at.push(key),
                format!("unknown member `{key}` of `x-pagination`; {SHAPE}"),
            ));
        }
    }
    let place = |key: &str| {
        members
            .get(key)
            .map(|value| read_place(value, &at.push(key)))
            .transpose()
    };
    let kind = match (place("offset")?, place("cursor")?, members.get("next")) {
        (Some(offset), None, None) => PageKind::Offset { offset },
        (Some(_), None, Some(_)) => {
            return Err(Error::invalid(
                &at.push("next"),
                "`next` (where the next cursor is) belongs to a `cursor`, not an `offset`",
            ));
        }
        (None, Some(cursor), Some(next)) => PageKind::Cursor {
            cursor,
            next: read_next(next, &at.push("next"))?,
        },
        (None, Some(_), None) => {
            return Err(Error::invalid(
                at,
                "a `cursor` needs `next`: where the answer holds the next cursor (`{in: body, pointer: /next}` or `{in: header, name: ...}`)",
            ));
        }
        (Some(_), Some(_), _) => {
            return Err(Error::invalid(
                at,
                "`x-pagination` has both `offset` and `cursor`; it is one or the other",
            ));
        }
        (None, None, _) => return Err(Error::invalid(at, SHAPE)),
    };
    let items = match members.get("items") {
        None => None,
        Some(Value::String(member)) if !member.is_empty() => Some(member.clone()),
        Some(_) => {
            return Err(Error::invalid(
                &at.push("items"),
                "`items` is the name of the answer's member that holds the page's items (leave it out when the answer is their array)",
            ));
        }
    };
    Ok(Pagination {
        at: at.clone(),
        kind,
        limit: place("limit")?,
        items,
    })
}

/// `{in: query|body, name}`.
fn read_place(value: &Value, at: &Pointer) -> Result<PagePlace, Error> {
    let shape = || {
        Error::invalid(
            at,
            "a place of `x-pagination` is `{in: query, name: ...}` or `{in: body, name: ...}`",
        )
    };
    let Value::Object(members) = value else {
        return Err(shape());
    };
    if members.keys().any(|key| key != "in" && key != "name") {
        return Err(shape());
    }
    let location = match members.get("in").and_then(Value::as_str) {
        Some("query") => PageIn::Query,
        Some("body") => PageIn::Body,
        Some(other) => {
            return Err(Error::invalid(
                &at.push("in"),
                format!("`in: {other}`: a page's position goes in the `query` or the JSON `body`"),
            ));
        }
        None => return Err(shape()),
    };
    match members.get("name").and_then(Value::as_str) {
        Some(name) if !name.is_empty() => Ok(PagePlace {
            location,
            name: name.to_owned(),
        }),
        _ => Err(shape()),
    }
}

/// `{in: body, pointer: /json/pointer}` or `{in: header, name}`.
fn read_next(value: &Value, at: &Pointer) -> Result<NextCursor, Error> {
    let shape = || {
        Error::invalid(
            at,
            "`next` is `{in: body, pointer: /json/pointer}` (into the answer) or `{in: header, name: ...}`",
        )
    };
    let Value::Object(members) = value else {
        return Err(shape());
    };
    let text = |key: &str| members.get(key).and_then(Value::as_str);
    match (text("in"), members.len()) {
        (Some("body"), 2) => match text("pointer") {
            Some(pointer) if pointer.starts_with('/') => Ok(NextCursor::Member(pointer.to_owned())),
            Some(_) => Err(Error::invalid(
                &at.push("pointer"),
                "`pointer` is a JSON pointer into the answer, starting with `/` (`/next`, `/meta/cursor`)",
            )),
            None => Err(shape()),
        },
        (Some("header"), 2) => match text("name") {
            Some(name) if is_header_name(name) => Ok(NextCursor::Header(name.to_ascii_lowercase())),
            Some(_) => Err(Error::invalid(&at.push("name"), "not a header name")),
            None => Err(shape()),
        },
        _ => Err(shape()),
    }
}

/// A valid HTTP header name (RFC 9110 token).
fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Every paged operation's names against its parameters, body and answer.
pub(super) fn check(api: &Api) -> Result<(), Error> {
    for op in &api.operations {
        let Some(pagination) = &op.pagination else { continue };
        let at = &pagination.at;
        if api.page_items(op).is_none() {
            let (at, message) = match &pagination.items {
                None => (
                    at.clone(),
                    "the answer of a paged operation must be a JSON array of items (or name the member holding them with `items`)"
                        .to_owned(),
                ),
                Some(member) => (
                    at.push("items"),
                    format!("the answer has no member `{member}` that is an array of items"),
                ),
            };
            return Err(Error::invalid(&at, message));
        }
        let (key, position, text) = match &pagination.kind {
            PageKind::Offset { offset } => ("offset", offset, false),
            PageKind::Cursor { cursor, .. } => ("cursor", cursor, true),
        };
        check_place(api, op, position, text, &at.push(key))?;
        if let Some(limit) = &pagination.limit {
            check_place(api, op, limit, false, &at.push("limit"))?;
        }
    }
    Ok(())
}

/// The place is an integer (or, for a cursor, text) query parameter or
/// member of the JSON body.
fn check_place(api: &Api, op: &Operation, place: &PagePlace, text: bool, at: &Pointer) -> Result<(), Error> {
    let name = &place.name;
    let ty = match place.location {
        PageIn::Query => op
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Query && p.wire == *name)
            .map(|p| &p.ty)
            .ok_or_else(|| {
                Error::invalid(
                    &at.push("name"),
                    format!("the operation has no query parameter `{name}`"),
                )
            })?,
        PageIn::Body => {
            let body = op.body.as_ref().filter(|b| b.kind == BodyKind::Json);
            body.and_then(|Body { ty, .. }| api.field(ty, name))
                .map(|field| &field.ty)
                .ok_or_else(|| {
                    Error::invalid(
                        &at.push("name"),
                        format!(
                            "the operation's JSON body has no member `{name}` (it must be an object that names it)"
                        ),
                    )
                })?
        }
    };
    let fits = match api.unalias(ty.unwrap_option()) {
        TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 | TypeRef::I128 => true,
        TypeRef::String => text,
        _ => false,
    };
    if fits {
        Ok(())
    } else {
        let wanted = if text { "text or an integer" } else { "an integer" };
        Err(Error::invalid(&at.push("name"), format!("`{name}` must be {wanted}")))
    }
}
