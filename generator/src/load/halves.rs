//! A large YAML spec read in two halves at once, one per core.
//!
//! Reading YAML (`serde_yaml` over `unsafe-libyaml`) is the largest part of
//! a generation that runs before anything else can start: about a tenth of
//! all of its work, alone on one core (BENCHMARKS.md, issue 11). A spec is a
//! block mapping whose big parts (`paths`, `components`) are mappings too, so
//! it can be cut at a line that starts a key near the middle: at the top
//! level (`components:`), or one level down in a top-level mapping
//! (`  /assets/{id}:` in `paths`, the second half then starting with the
//! line `paths:` again). Each half is read as a document of its own and the
//! two trees are joined in order.
//!
//! The result is always the tree the whole text gives. A cut at such a line
//! can only fall inside something that spans lines when that something is
//! left open in the first half (a quoted scalar, a flow collection) or is
//! referred to from the second (an anchor): block scalars and plain scalars
//! end before a line indented as little as a key of their parent. Any
//! failure to read either half, or a join that is not a plain continuation,
//! answers `None`, and the caller reads the whole text as before; so does
//! anything unusual at the top level (directives, several documents, a
//! document that does not start with a key).

use serde_json::{Map, Value};

/// Below this size the second thread costs more than it saves. (Its
/// stack, the standard library's 2 MiB, holds what `serde_yaml` may nest:
/// it stops at 128 levels; `tests/errors.rs` reads a document over 100
/// levels deep on a test thread, which has as much.)
const SPLIT_FROM: usize = 32 * 1024;

/// Read `text` in two halves on two threads with `read`, if it is large
/// and can be cut; `None` when it cannot be, or when reading in halves fails.
pub(super) fn read<E>(text: &str, read: impl Fn(&str) -> Result<Value, E> + Sync) -> Option<Value> {
    if text.len() < SPLIT_FROM || crate::threads::cores() < 2 {
        return None;
    }
    read_at(text, cut(text)?, &read)
}

/// Where to cut: the byte offset of the line that starts the second half,
/// and the top-level line (`paths:`) the second half is inside of, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cut<'a> {
    at: usize,
    parent: Option<&'a str>,
}

/// Read the two halves of `text` cut at `cut`, the second on a thread of
/// its own, and join them.
fn read_at<E>(text: &str, cut: Cut<'_>, read: &(impl Fn(&str) -> Result<Value, E> + Sync)) -> Option<Value> {
    let (first, rest) = text.split_at(cut.at);
    let second = match cut.parent {
        Some(parent) => [parent, rest].concat(),
        None => rest.to_owned(),
    };
    let (first, second) = std::thread::scope(|scope| {
        let second = crate::threads::spawn_beside(scope, || read(&second).ok());
        let first = read(first).ok();
        (first, crate::threads::join(second).ok().flatten())
    });
    join(first?, second?, cut.parent.is_some())
}

/// The tree of the whole text from the trees of its halves: the second's
/// keys added to the first's in order (as reading them in one document
/// would), and when the cut was inside a top-level mapping, that mapping's
/// continuation added to it first.
fn join(first: Value, second: Value, inside: bool) -> Option<Value> {
    let (Value::Object(mut first), Value::Object(second)) = (first, second) else {
        return None;
    };
    let mut second = second.into_iter();
    if inside {
        let (key, Value::Object(rest)) = second.next()? else {
            return None;
        };
        // The mapping cut in two must be the first half's last entry.
        if first.keys().next_back() != Some(&key) {
            return None;
        }
        let Some(Value::Object(mapping)) = first.get_mut(&key) else {
            return None;
        };
        extend(mapping, rest);
    }
    extend(&mut first, second.collect());
    Some(Value::Object(first))
}

fn extend(map: &mut Map<String, Value>, entries: Map<String, Value>) {
    for (key, value) in entries {
        map.insert(key, value);
    }
}

/// The line nearest the middle of `text` that starts a key at the top level
/// or one level down in a top-level block mapping, or `None` when the text
/// is not a plain block mapping at the top.
fn cut(text: &str) -> Option<Cut<'_>> {
    let middle = text.len() / 2;
    candidates(text)?.into_iter().min_by_key(|c| c.at.abs_diff(middle))
}

/// Every line where `text` could be cut, in order; `None` when it cannot be
/// cut anywhere.
fn candidates(text: &str) -> Option<Vec<Cut<'_>>> {
    let mut found = Vec::new();
    // The current top-level key's line when it is a mapping's (`paths:`
    // and nothing else), and the indentation of its first child.
    let mut parent: Option<&str> = None;
    let mut child_indent: Option<usize> = None;
    let mut first_line = true;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let at = offset;
        offset += line.len();
        let indent = line.bytes().take_while(|&b| b == b' ').count();
        // Most lines are deeper than any place to cut: nothing to read there
        // (a document marker or directive is never indented).
        let deeper = match (parent, child_indent) {
            (None, _) => true,
            (Some(_), Some(expected)) => indent != expected,
            (Some(_), None) => false,
        };
        if indent > 0 && deeper && !first_line {
            continue;
        }
        let content = line.trim_end_matches(['\n', '\r']);
        if ["---", "...", "%"].iter().any(|mark| content.starts_with(mark)) {
            return None;
        }
        let rest = &content[indent..];
        if rest.trim_end().is_empty() || rest.starts_with('#') {
            continue;
        }
        if indent == 0 {
            if !starts_key(rest) {
                if first_line {
                    return None;
                }
                parent = None;
                continue;
            }
            if !first_line {
                found.push(Cut { at, parent: None });
            }
            first_line = false;
            parent = is_mapping_key(rest).then_some(line);
            child_indent = None;
        } else if first_line {
            return None;
        } else if let Some(parent_line) = parent {
            match child_indent {
                // The first child: a mapping's key, or the value is no mapping.
                None if starts_key(rest) => child_indent = Some(indent),
                None => parent = None,
                Some(expected) if expected == indent && starts_key(rest) => found.push(Cut {
                    at,
                    parent: Some(parent_line),
                }),
                Some(_) => {}
            }
        }
    }
    Some(found)
}

/// A line (after its indentation) that starts a plain mapping key: not a
/// sequence entry, comment, explicit key, quoted or flow node, anchor,
/// alias, tag or block scalar, and a `:` after it.
fn starts_key(rest: &str) -> bool {
    rest.bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'/')
        && rest.contains(':')
}

/// `name:` with nothing after it: the key of a block node on the next lines.
fn is_mapping_key(rest: &str) -> bool {
    rest.trim_end().strip_suffix(':').is_some_and(|name| {
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(text: &str) -> Result<Value, String> {
        crate::load::read_yaml(text).map_err(|err| err.to_string())
    }

    fn whole_ok(text: &str) -> Result<Value, String> {
        whole(text)
    }

    /// Reading `text` in halves at every cut this module may choose gives
    /// the whole tree, or nothing; how many gave the whole tree.
    fn same_at_every_cut(text: &str) -> usize {
        let whole = whole(text).ok();
        let mut joined = 0;
        for candidate in candidates(text).expect("a block mapping") {
            if let Some(tree) = read_at(text, candidate, &whole_ok) {
                assert_eq!(Some(&tree), whole.as_ref(), "{candidate:?}");
                joined += 1;
            }
        }
        joined
    }

    const SPEC: &str = "openapi: 3.0.3
info:
  title: T
  version: '1'
  description: |
    A block scalar
    paths:
      not: a key
paths:
  /a:
    get:
      description: a plain scalar
        on two lines
      responses:
        '200':
          description: ok
  /b:
    get:
      responses:
        '200':
          description: \"a quoted scalar
  /c: spanning lines\"
  /d:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object,
  /e: 1}
components:
  schemas:
    A:
      type: object
    B:
      type: string
";

    #[test]
    fn halves_read_as_the_whole() {
        assert!(whole(SPEC).is_ok());
        // Nine cuts: all but the two inside the quoted scalar (`/c`) and the
        // flow mapping (`/e`) join.
        assert_eq!(candidates(SPEC).map(|c| c.len()), Some(9));
        assert_eq!(same_at_every_cut(SPEC), 7);
        for spec in [
            include_str!("../../../specs/openremote.yaml"),
            include_str!("../../../specs/vrm.yaml"),
        ] {
            let chosen = cut(spec).expect("our specs can be cut");
            assert!(chosen.at.abs_diff(spec.len() / 2) < spec.len() / 8, "{chosen:?}");
            assert_eq!(read_at(spec, chosen, &whole_ok), whole(spec).ok());
        }
    }

    #[test]
    fn what_spans_the_cut_is_never_joined_wrongly() {
        // An anchor in the first half that the second refers to: the second
        // half fails alone, so the whole is read.
        let anchored = "openapi: 3.0.3\na: &x\n  b: 1\nc: *x\n";
        let at = anchored.find("c:").unwrap();
        assert_eq!(read_at(anchored, Cut { at, parent: None }, &whole_ok), None);
        // A quoted scalar over the cut: the first half fails alone.
        let quoted = "a: \"one\nb: two\"\n";
        let at = quoted.find("b:").unwrap();
        assert_eq!(read_at(quoted, Cut { at, parent: None }, &whole_ok), None);
        // A top-level key twice: the later value wins, as in the whole.
        let twice = "a: 1\nb: 2\na: 3\n";
        let at = twice.find("a: 3").unwrap();
        assert_eq!(read_at(twice, Cut { at, parent: None }, &whole_ok), whole(twice).ok());
        // A cut inside a mapping that is not the first half's last entry.
        let moved = "p:\n  x: 1\nq: 2\np:\n  y: 1\n  z: 2\n";
        let at = moved.find("  z").unwrap();
        assert_eq!(
            read_at(
                moved,
                Cut {
                    at,
                    parent: Some("p:\n")
                },
                &whole_ok
            ),
            None
        );
    }

    #[test]
    fn only_plain_block_mappings_are_cut() {
        let body = "  x: 1\n".repeat(10);
        assert!(cut(&format!("a: 1\nb:\n{body}c: 2\n")).is_some());
        for text in [
            format!("%YAML 1.2\n---\na: 1\nb:\n{body}"),
            format!("a: 1\n---\nb:\n{body}"),
            format!("- a\n- b\nc:\n{body}"),
            format!("\"a\": 1\nb:\n{body}"),
            format!("{{a: 1,\nb:\n{body}}}"),
        ] {
            assert_eq!(cut(&text), None, "{text}");
        }
    }
}
