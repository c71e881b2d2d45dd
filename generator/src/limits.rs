//! The bounds on what one spec may make the generator do ([`Limits`]), and
//! the check of the document's own nesting, made before anything recurses
//! through it.

use crate::error::{Error, Pointer};
use serde_json::Value;

/// Bounds on what one spec may make the generator do. A spec beyond one of
/// them is refused with [`Error::Limit`], which names the place in the spec
/// and the bound, rather than taking unbounded time or memory (or, for
/// nesting, stack). The defaults are far above any real spec we know of;
/// raise them for a spec you trust.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest spec text, in bytes. Default 64 MiB (Stripe's spec, the
    /// largest we know, is 4 MiB).
    pub max_spec_bytes: usize,
    /// How deeply things may nest, in levels: the document's own mappings
    /// and lists (Stripe's spec, the deepest we know, has 26), and schemas
    /// within schemas, where each property, `items`, alternative or `allOf`
    /// part is a level, and so is each `$ref` followed to a schema that is
    /// not a named component. Default 48. Each level takes stack: the
    /// default is safe on a 2 MiB thread stack (a test thread's) in a debug
    /// build, where about 65 levels of schemas in the document overflow it;
    /// raise it only with a bigger stack. (The YAML and JSON parsers also stop at 128 levels of the
    /// document, whatever this says.)
    pub max_depth: usize,
    /// How many `$ref` steps (one place to the next) lowering may follow in
    /// all. Each place is followed to the end of its chain once, so this
    /// bounds the work of resolution. Default 1,000,000 (of the real specs we
    /// know, Xero's accounting API takes the most: under 1,000).
    pub max_ref_steps: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_spec_bytes: 64 << 20,
            max_depth: 48,
            max_ref_steps: 1_000_000,
        }
    }
}

/// The document nests no deeper than `Limits::max_depth`. Iterative: the
/// tree may be deeper than the stack can take.
pub(crate) fn check_document_depth(document: &Value, limits: &Limits) -> Result<(), Error> {
    enum Children<'a> {
        Map(serde_json::map::Iter<'a>),
        List(std::iter::Enumerate<std::slice::Iter<'a, Value>>),
    }
    enum Token<'a> {
        Key(&'a str),
        Index(usize),
    }
    fn children(value: &Value) -> Option<Children<'_>> {
        match value {
            Value::Object(map) => Some(Children::Map(map.iter())),
            Value::Array(items) => Some(Children::List(items.iter().enumerate())),
            _ => None,
        }
    }
    let Some(root) = children(document) else {
        return Ok(());
    };
    let mut stack = vec![root];
    let mut path: Vec<Token<'_>> = Vec::new();
    while let Some(top) = stack.last_mut() {
        let next = match top {
            Children::Map(entries) => entries.next().map(|(key, value)| (Token::Key(key), value)),
            Children::List(items) => items.next().map(|(index, value)| (Token::Index(index), value)),
        };
        let Some((token, child)) = next else {
            stack.pop();
            path.pop();
            continue;
        };
        let Some(grandchildren) = children(child) else {
            continue;
        };
        path.push(token);
        if stack.len() >= limits.max_depth {
            let at = path.iter().fold(Pointer::root(), |at, token| match token {
                Token::Key(key) => at.push(key),
                Token::Index(index) => at.push(index.to_string()),
            });
            return Err(Error::limit(
                &at,
                "max_depth",
                limits.max_depth,
                "the document nests deeper than allowed",
            ));
        }
        stack.push(grandchildren);
    }
    Ok(())
}
