//! Errors and warnings of the generator: values that name the place in the
//! spec (a JSON pointer, RFC 6901) and say what is wrong there.

use std::fmt;

/// A place in the spec, as a JSON pointer (`/paths/~1users/get`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pointer(String);

impl Pointer {
    /// The document root (`""`).
    pub fn root() -> Self {
        Pointer(String::new())
    }

    /// This pointer extended by one reference token, escaped as RFC 6901 says.
    pub fn push(&self, token: impl AsRef<str>) -> Self {
        let token = token.as_ref();
        let mut pointer = String::with_capacity(self.0.len() + 1 + token.len());
        pointer.push_str(&self.0);
        pointer.push('/');
        if token.contains(['~', '/']) {
            for c in token.chars() {
                match c {
                    '~' => pointer.push_str("~0"),
                    '/' => pointer.push_str("~1"),
                    c => pointer.push(c),
                }
            }
        } else {
            pointer.push_str(token);
        }
        Pointer(pointer)
    }

    /// The pointer of a local `$ref` (`#/components/schemas/User`), if it is one.
    pub fn from_ref(reference: &str) -> Option<Self> {
        reference.strip_prefix('#').map(|p| Pointer(p.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("#")
        } else {
            write!(f, "#{}", self.0)
        }
    }
}

/// Why the generator could not produce a crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The text is not YAML or JSON.
    Syntax {
        line: Option<usize>,
        column: Option<usize>,
        message: String,
    },
    /// The document is well-formed but is not what OpenAPI 3.0/3.1 allows here.
    Invalid { at: Pointer, message: String },
    /// The spec goes beyond one of the [`Limits`](crate::Limits) at `at`.
    Limit {
        at: Pointer,
        /// The field of `Limits` that was passed (`max_depth`).
        limit: &'static str,
        /// Its value.
        value: usize,
        message: String,
    },
    /// The rendered code or templates failed; a bug of the generator, not of the spec.
    Internal { message: String },
}

impl Error {
    pub(crate) fn invalid(at: &Pointer, message: impl Into<String>) -> Self {
        Error::Invalid {
            at: at.clone(),
            message: message.into(),
        }
    }

    pub(crate) fn limit(at: &Pointer, limit: &'static str, value: usize, message: impl Into<String>) -> Self {
        Error::Limit {
            at: at.clone(),
            limit,
            value,
            message: message.into(),
        }
    }

    /// The place in the spec the error is about, when there is one.
    pub fn pointer(&self) -> Option<&Pointer> {
        match self {
            Error::Invalid { at, .. } | Error::Limit { at, .. } => Some(at),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Syntax {
                line: Some(line),
                column,
                message,
            } => {
                write!(f, "syntax error at line {line}")?;
                if let Some(column) = column {
                    write!(f, ", column {column}")?;
                }
                write!(f, ": {message}")
            }
            Error::Syntax { message, .. } => write!(f, "syntax error: {message}"),
            Error::Invalid { at, message } => write!(f, "at {at}: {message}"),
            Error::Limit {
                at,
                limit,
                value,
                message,
            } => write!(
                f,
                "at {at}: {message}, beyond the limit `{limit}` = {value} (a generator option; raise it for a spec you trust)"
            ),
            Error::Internal { message } => write!(f, "internal error: {message}"),
        }
    }
}

impl std::error::Error for Error {}

/// Something the generator skipped or changed, and where.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    pub at: Pointer,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at {}: {}", self.at, self.message)
    }
}

/// Collects warnings as the stages run; kept in the order they were found.
#[derive(Debug, Default)]
pub(crate) struct Warnings(Vec<Warning>);

impl Warnings {
    pub fn warn(&mut self, at: &Pointer, message: impl Into<String>) {
        self.0.push(Warning {
            at: at.clone(),
            message: message.into(),
        });
    }

    pub fn into_vec(self) -> Vec<Warning> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::Pointer;

    #[test]
    fn a_pushed_token_is_escaped() {
        let pointer = Pointer::root().push("paths").push("/a/{b}").push("x~y");
        assert_eq!(pointer.as_str(), "/paths/~1a~1{b}/x~0y");
        assert_eq!(pointer.to_string(), "#/paths/~1a~1{b}/x~0y");
    }
}
