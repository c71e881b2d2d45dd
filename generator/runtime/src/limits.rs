//! What a server can make the client hold: a response body is read up to a
//! limit ([`ClientBuilder::max_body_size`](crate::ClientBuilder::max_body_size)),
//! and refused as soon as it is known to be longer (by its
//! `Content-Length`, or by the bytes received so far) rather than read to
//! the end (an OAuth2 token endpoint's answer, by a fixed 1 MiB in
//! `auth.rs`). Time is bounded by the builder's timeout, which covers the
//! whole exchange, body included (a server that trickles bytes forever is
//! cut off by it); nesting by `serde_json`, which refuses JSON nested more
//! than 128 deep with a decode error rather than overflowing the stack.

use crate::Failure;
use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::fmt;

/// The default of `max_body_size`: 64 MiB.
pub(crate) const DEFAULT_MAX_BODY_SIZE: usize = 64 << 20;

/// A response body longer than the client allows; the rest was not read.
pub struct TooLarge {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The limit, in bytes.
    pub limit: usize,
    /// The length the server announced (`Content-Length`), when it did.
    pub announced: Option<u64>,
}

impl fmt::Debug for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TooLarge")
            .field("status", &self.status)
            .field("limit", &self.limit)
            .field("announced", &self.announced)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the {} response body is longer than the limit of {} bytes",
            self.status, self.limit
        )?;
        if let Some(announced) = self.announced {
            write!(f, " ({announced} bytes announced)")?;
        }
        f.write_str("; raise it with `max_body_size`")
    }
}

/// A body as it arrives, chunk by chunk, within a limit. A body that comes
/// in one chunk (the usual case) is kept as it came, without a copy.
pub(crate) struct Body {
    first: Bytes,
    joined: Vec<u8>,
    limit: usize,
}

impl Body {
    /// Ready to read a body of at most `limit` bytes; refused at once when
    /// `announced` (the `Content-Length`) is longer.
    pub fn new(limit: usize, announced: Option<u64>) -> Result<Self, Option<u64>> {
        match announced {
            Some(length) if length > limit as u64 => Err(Some(length)),
            _ => Ok(Body {
                first: Bytes::new(),
                joined: Vec::new(),
                limit,
            }),
        }
    }

    /// One more chunk; `false` when the body has gone past the limit.
    #[must_use]
    pub fn push(&mut self, chunk: Bytes) -> bool {
        let so_far = if self.joined.is_empty() {
            self.first.len()
        } else {
            self.joined.len()
        };
        if chunk.len() > self.limit.saturating_sub(so_far) {
            return false;
        }
        if self.first.is_empty() && self.joined.is_empty() {
            self.first = chunk;
        } else {
            if self.joined.is_empty() {
                self.joined.extend_from_slice(&self.first);
            }
            self.joined.extend_from_slice(&chunk);
        }
        true
    }

    pub fn finish(self) -> Bytes {
        if self.joined.is_empty() {
            self.first
        } else {
            Bytes::from(self.joined)
        }
    }
}

/// The failure of a body past `limit`.
pub(crate) fn too_large(status: StatusCode, headers: HeaderMap, limit: usize, announced: Option<u64>) -> Failure {
    Failure::TooLarge(Box::new(TooLarge {
        status,
        headers,
        limit,
        announced,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_within_the_limit_is_kept_whole() {
        let mut body = Body::new(10, Some(10)).unwrap();
        assert!(body.push(Bytes::from_static(b"hello")));
        assert!(body.push(Bytes::from_static(b"world")));
        assert_eq!(body.finish(), Bytes::from_static(b"helloworld"));
    }

    #[test]
    fn a_body_past_the_limit_is_refused() {
        assert_eq!(Body::new(10, Some(11)).err(), Some(Some(11)));
        let mut body = Body::new(10, None).unwrap();
        assert!(body.push(Bytes::from_static(b"hello")));
        assert!(!body.push(Bytes::from_static(b"world!")));
    }
}
