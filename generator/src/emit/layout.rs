//! What `prettyplease` leaves to us, in one pass over its output:
//!
//! - doc blocks, which travel through `syn` and `prettyplease` as one
//!   attribute each (`emit::outer_docs`), cut back into their `///` lines;
//! - the types in the runtime's macro calls written as rustfmt writes them
//!   (`prettyplease` prints a macro's arguments as loose tokens, `Vec <
//!   types::Pet >`, since it cannot know they are types), and the calls
//!   laid out again at rustfmt's width;
//! - a blank line between items, as rustfmt keeps them in hand-written code
//!   (`prettyplease` prints items back to back).

/// Between two doc lines of a block on their way through the formatter
/// (ASCII's unit separator: no line of prose or code holds it).
pub(super) const DOC_LINE_BREAK: char = '\u{1f}';

/// The runtime's macros whose arguments hold types. A call is a statement
/// (`);`) or, for `mock_route!`, an element of the routes' array (`),`).
const CALLS: [&str; 7] = [
    "runtime::request_call!(",
    "mock_method!(",
    "setter!(",
    "read_as!(",
    "mock_matcher!(",
    "mock_answer!(",
    "mock_route!(",
];

/// Whether a line ends a call of `CALLS`: `);` or `),`.
fn closes_call(line: &str) -> bool {
    line.ends_with(");") || line.ends_with("),")
}

/// Calls that make one list with the calls of the same macro beside them
/// (a struct's setters, a mock's matchers and answers): no blank line
/// between them.
const LISTS: [&str; 5] = [
    "setter!(",
    "read_as!(",
    "mock_method!(",
    "mock_matcher!(",
    "mock_answer!(",
];

/// The lines that start an item (or a doc comment or attribute before one),
/// besides the calls of `LISTS`.
const STARTS: [&str; 17] = [
    "operation_mock!(",
    "serde_struct!(",
    "string_enum!(",
    "///",
    "#[",
    "pub ",
    "impl",
    "fn ",
    "mod ",
    "use ",
    "const ",
    "type ",
    "struct ",
    "enum ",
    "async fn ",
    "crate::runtime::",
    "runtime::request_",
];

/// Runs of these lines stay together.
const RUNS: [&str; 5] = ["use ", "mod ", "pub use ", "pub mod ", "type "];

/// rustfmt's `max_width`.
const WIDTH: usize = 100;

/// `prettyplease`'s output as the generated file has it.
pub(super) fn finish(printed: &str) -> String {
    let mut out = Lines {
        out: String::with_capacity(printed.len() + printed.len() / 8),
        previous: Previous {
            blank: true,
            ..Previous::default()
        },
    };
    let mut inside_call = false;
    let mut lines = printed.lines();
    while let Some(line) = lines.next() {
        if let Some((first, rest)) = line.split_once(DOC_LINE_BREAK) {
            // The comment's start (indentation and `///` or `//!`) begins every line.
            let start = first.find("//").map_or(0, |at| at + 3).min(first.len());
            let prefix = &first[..start];
            let mut text = String::new();
            for piece in std::iter::once(&first[start..]).chain(rest.split(DOC_LINE_BREAK)) {
                text.clear();
                text.push_str(prefix);
                text.push_str(piece.trim_end_matches(' '));
                out.push(&text);
            }
            continue;
        }
        let opens = CALLS.iter().any(|call| line.trim_start().starts_with(call));
        if opens && line.ends_with('(') {
            let mut ahead = lines.clone();
            if let Some(laid_out) = relaid_call(line, &mut ahead) {
                for line in laid_out.lines() {
                    out.push(line);
                }
                lines = ahead;
                continue;
            }
        }
        inside_call = inside_call || opens;
        if inside_call && (line.contains(" <") || line.contains(" :") || line.contains("& ")) {
            let mut tight = String::with_capacity(line.len());
            tighten(line, &mut tight);
            out.push(&tight);
        } else {
            out.push(line);
        }
        inside_call = inside_call && !closes_call(line);
    }
    out.out
}

/// A call that `prettyplease` broke by the width of its loose tokens (`head`
/// ends in `(`, its arguments and `);` or `),` follow), laid out again as
/// rustfmt would: on one line where that fits, else with the arguments on
/// one line of their own. `None` when the call does not close within a few
/// lines.
fn relaid_call<'a>(head: &str, lines: &mut impl Iterator<Item = &'a str>) -> Option<String> {
    let mut loose = String::new();
    let mut close = ");";
    let closed = lines.by_ref().take(4).any(|next| {
        let next = next.trim();
        if next == ");" || next == ")," {
            close = if next == ")," { ")," } else { ");" };
            return true;
        }
        if !loose.is_empty() {
            loose.push(' ');
        }
        loose.push_str(next);
        false
    });
    if !closed {
        return None;
    }
    // Tight as a whole: a type may have been broken over two lines (`X >` `>`).
    let mut arguments = String::with_capacity(loose.len());
    tighten(&loose, &mut arguments);
    let indent = head.len() - head.trim_start().len();
    if head.chars().count() + arguments.chars().count() + 2 <= WIDTH {
        return Some(format!("{head}{arguments}{close}"));
    }
    // On a line of their own, even where they are wider than that: a break
    // inside them would fall wherever the loose tokens happened to reach.
    let pad = &head[..indent];
    Some(format!("{head}\n{pad}    {arguments}\n{pad}{close}"))
}

/// A line of loose type tokens written tight (` < ` → `<`, ` >` → `>`,
/// ` : ` → `: `, `: & T` → `: &T`), string literals left as they are.
fn tighten(line: &str, out: &mut String) {
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            in_string = escaped || c != '"';
            escaped = !escaped && c == '\\';
            out.push(c);
            continue;
        }
        match c {
            '"' => in_string = true,
            // A reference type: `& [T]` → `&[T]`.
            '&' if matches!(out.chars().next_back(), Some(' ' | '(')) && chars.peek() == Some(&' ') => {
                chars.next();
            }
            ' ' if matches!(chars.peek(), Some('<' | '>' | ':')) => {
                let next = chars.next().unwrap_or(' ');
                // `::` is printed tight already; only a lone `:` is loose.
                if next == ':' && chars.peek() == Some(&':') {
                    out.push(' ');
                }
                out.push(next);
                if next == '<' && chars.peek() == Some(&' ') {
                    chars.next();
                }
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
}

/// The output, and what the blank line before the next line depends on.
struct Lines {
    out: String,
    previous: Previous,
}

/// What of the previous line decides whether the next item is set apart.
#[derive(Default)]
struct Previous {
    /// Blank, or the start of the file.
    blank: bool,
    /// An item (or a statement) ended on it: `}`, a `;`, an inner attribute.
    ends_item: bool,
    /// A comment: what follows belongs to it.
    comment: bool,
    /// A `use`, `mod` or `type` line, or a call of a list's macro: the
    /// prefix a line must share to stay in its run.
    run: Option<&'static str>,
    /// `);`: the end of a call laid out over several lines.
    closes_call: bool,
}

impl Lines {
    /// Add a line, after a blank one where an item starts after another.
    fn push(&mut self, line: &str) {
        let current = line.trim_start();
        let list = LISTS.iter().copied().find(|k| current.starts_with(k));
        let starts_item = list.is_some() || STARTS.iter().any(|s| current.starts_with(s));
        let same_run = match (self.previous.run, list) {
            (_, Some(_)) if self.previous.closes_call => true,
            (Some(run), Some(_)) if LISTS.contains(&run) => true,
            (Some(run), _) => current.starts_with(run),
            (None, _) => false,
        };
        let previous = &self.previous;
        if starts_item && previous.ends_item && !same_run && !previous.comment && !previous.blank {
            self.out.push('\n');
        }
        self.out.push_str(line);
        self.out.push('\n');
        self.previous = Previous {
            blank: current.is_empty(),
            ends_item: current == "}" || current.ends_with(';') || current.starts_with("#!["),
            comment: current.starts_with("//"),
            run: list.or_else(|| RUNS.iter().copied().find(|k| current.starts_with(k))),
            closes_call: current == ");",
        };
    }
}

#[cfg(test)]
mod tests {
    use super::finish;

    #[test]
    fn the_types_in_macro_calls_are_written_tight_and_laid_out_as_rustfmt_would() {
        let long = "VeryLongOperationNameThatTakesUpRoom, std::collections::BTreeMap < String, Vec < types::X > >";
        let printed = format!(
            "fn f() -> bool {{\n    a < b && c > d\n}}\n\
             runtime::request_call!(A, Vec < types::Pet >);\n\
             runtime::request_call!(\n    LongName, std::collections::BTreeMap < String, Vec < X > >\n);\n\
             runtime::request_call!(\n    {long}\n);\n\
             impl A {{\n    setter!(\n        with_b(b : impl Into < String >) =\n        \"a < b : c\"\n    );\n    \
             setter!(with_c(c : & [u8]));\n    setter!(\n        with_d(d : Vec < Map < String, Value >\n        >)\n    );\n}}\n\
             fn g() {{\n    let x = a < b;\n}}\n"
        );
        assert_eq!(
            finish(&printed),
            "fn f() -> bool {\n    a < b && c > d\n}\n\n\
             runtime::request_call!(A, Vec<types::Pet>);\n\n\
             runtime::request_call!(LongName, std::collections::BTreeMap<String, Vec<X>>);\n\n\
             runtime::request_call!(\n    VeryLongOperationNameThatTakesUpRoom, std::collections::BTreeMap<String, Vec<types::X>>\n);\n\n\
             impl A {\n    setter!(with_b(b: impl Into<String>) = \"a < b : c\");\n    \
             setter!(with_c(c: &[u8]));\n    setter!(with_d(d: Vec<Map<String, Value>>));\n}\n\n\
             fn g() {\n    let x = a < b;\n}\n"
        );
    }

    /// A call that is an element of an array ends in `),`; what follows
    /// the array is code again, not a macro's loose tokens.
    #[test]
    fn calls_in_an_array_are_laid_out_and_end_where_they_close() {
        let printed = "static R: [Route; 2] = [\n    mock_route!(\n        \"a\", GET \"/a\", body : required Vec < X >\n    ),\n    \
                       mock_route!(\"b\", GET \"/b\", query : [\"q\"]),\n];\nfn f() -> bool {\n    a >= b\n}\n";
        assert_eq!(
            finish(printed),
            "static R: [Route; 2] = [\n    mock_route!(\"a\", GET \"/a\", body: required Vec<X>),\n    \
             mock_route!(\"b\", GET \"/b\", query: [\"q\"]),\n];\n\nfn f() -> bool {\n    a >= b\n}\n"
        );
    }

    #[test]
    fn items_are_set_apart_and_runs_kept_together() {
        let printed = "use a;\nuse b;\nconst X: u8 = 1;\n/// Doc\u{1f} more\nstruct S;\nimpl S {\n    fn a() {}\n    fn b() {}\n}\n";
        assert_eq!(
            finish(printed),
            "use a;\nuse b;\n\nconst X: u8 = 1;\n\n/// Doc\n/// more\nstruct S;\n\nimpl S {\n    fn a() {}\n    fn b() {}\n}\n"
        );
    }
}
