//! `cargo xtask docs`: document the generated crates as docs.rs would show
//! them, and fail on a link that does not resolve.
//!
//! `cargo doc` with `-D warnings` catches a broken intra-doc link written in
//! a crate itself, but not one in the docs of an item the crate re-exports
//! from the runtime (`BuildError`, `ApiError`, ...): rustdoc resolves those
//! where the item was written, and where that fails in the client's pages
//! it prints the link as text (`[ClientBuilder::build]`) without a warning.
//! So the pages themselves are read too: any `[name]` or `[`name`]` left in
//! an item's own docs (not in code blocks, not in the trait implementations
//! or methods through `Deref`, whose docs belong to other crates) is a link
//! that did not resolve.

use std::fs;
use std::path::Path;
use std::process::Command;

/// The crates of `generated/` (their package names).
const CRATES: &[&str] = &["vrm-client", "openremote-client"];

/// Items a crate re-exports from other crates: those its `mock` module takes
/// from `wiremock`, and `http`'s `StatusCode` and `HeaderMap` at the root.
/// Their docs are those crates' (with links of their own that do not
/// resolve outside them), not ours to fix, and their pages are not read.
const FOREIGN_ITEMS: &[&str] = &[
    "MockGuard",
    "ResponseTemplate",
    "Times",
    "ReceivedRequest",
    "StatusCode",
    "HeaderMap",
];

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    if !args.is_empty() {
        return Err(format!("docs takes no arguments, got {args:?}"));
    }
    let root = crate::root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command.args(["doc", "--no-deps", "--all-features"]);
    for name in CRATES {
        command.args(["-p", name]);
    }
    let status = command
        .env("RUSTDOCFLAGS", "-D warnings")
        .current_dir(&root)
        .status()
        .map_err(|e| format!("cargo doc: {e}"))?;
    if !status.success() {
        return Err("cargo doc -D warnings failed".to_owned());
    }
    // Where `cargo doc` wrote: the target directory the environment names, or the workspace's.
    let doc = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), |dir| root.join(dir))
        .join("doc");
    let mut problems = Vec::new();
    for name in CRATES {
        let dir = doc.join(name.replace('-', "_"));
        scan(&dir, &doc, &mut problems)?;
    }
    if problems.is_empty() {
        println!("docs: every link resolves ({} crates)", CRATES.len());
        return Ok(());
    }
    for problem in &problems {
        eprintln!("{problem}");
    }
    Err(format!(
        "{} links in the generated crates' docs do not resolve",
        problems.len()
    ))
}

fn scan(dir: &Path, base: &Path, problems: &mut Vec<String>) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            scan(&path, base, problems)?;
        } else if path.extension().is_some_and(|e| e == "html") {
            let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if FOREIGN_ITEMS
                .iter()
                .any(|item| file_name == format!("struct.{item}.html"))
            {
                continue;
            }
            let page = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let page = without_foreign_summaries(&page);
            let shown = path.strip_prefix(base).unwrap_or(&path).display().to_string();
            for text in unresolved_links(&page) {
                problems.push(format!("{shown}: [{text}] is not a link"));
            }
        }
    }
    Ok(())
}

/// A module page without the one-line summaries of [`FOREIGN_ITEMS`] (a
/// `<dt>` naming the item, then its `<dd>`).
fn without_foreign_summaries(page: &str) -> String {
    let mut out = String::with_capacity(page.len());
    let mut rest = page;
    while let Some(start) = rest.find("<dt>") {
        let Some(end) = rest[start..].find("</dd>").map(|end| start + end + "</dd>".len()) else {
            break;
        };
        out.push_str(&rest[..start]);
        let entry = &rest[start..end];
        if !FOREIGN_ITEMS.iter().any(|item| entry.contains(&format!("::{item}\""))) {
            out.push_str(entry);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The texts of the links left unresolved in a page's own docs: `[name]`
/// or `[<code>name</code>]` outside code blocks, before the trait
/// implementations.
fn unresolved_links(page: &str) -> Vec<String> {
    let own = page
        .find("id=\"trait-implementations\"")
        .or_else(|| page.find("id=\"synthetic-implementations\""))
        .or_else(|| page.find("id=\"blanket-implementations\""))
        .map_or(page, |end| &page[..end]);
    // Methods a type has through `Deref` (`UnknownFields` derefs to
    // serde_json's `Map`) are documented by the crate they come from.
    let own = match own.find("id=\"deref-methods") {
        Some(start) => {
            let end = own[start..].find("<h2 ").map_or(own.len(), |end| start + end);
            format!("{}{}", &own[..start], &own[end..])
        }
        None => own.to_owned(),
    };
    let mut found = Vec::new();
    let mut rest = own.as_str();
    while let Some(at) = rest.find('[') {
        // Code blocks (`<pre>`) are code, brackets and all.
        if let Some(pre) = rest[..at].rfind("<pre")
            && !rest[pre..at].contains("</pre>")
        {
            let Some(end) = rest[at..].find("</pre>") else { break };
            rest = &rest[at + end..];
            continue;
        }
        let after = &rest[at + 1..];
        let Some(close) = after.find(']') else { break };
        let inner = &after[..close];
        let name = inner
            .strip_prefix("<code>")
            .and_then(|n| n.strip_suffix("</code>"))
            .unwrap_or(inner);
        let looks_like_a_path = !name.is_empty()
            && name.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | ':' | '!' | '(' | ')'))
            && !after[close + 1..].starts_with('(');
        // Only in prose: `x[0]` inside `<code>` is an index, not a link,
        // and a bracket inside a tag or comment (`<![endif]-->`) is markup.
        let in_code = rest[..at]
            .rfind("<code>")
            .is_some_and(|open| !rest[open..at].contains("</code>"));
        let in_tag = rest[..at].rfind('<').is_some_and(|open| !rest[open..at].contains('>'));
        if looks_like_a_path && !in_code && !in_tag {
            found.push(inner.replace("<code>", "`").replace("</code>", "`"));
        }
        rest = &after[close..];
    }
    found
}

#[cfg(test)]
mod tests {
    use super::unresolved_links;

    #[test]
    fn finds_links_rustdoc_left_as_text() {
        let page = r#"<div class="docblock"><p>Why [<code>ClientBuilder::build</code>] failed; see [Client].</p>
            <p>A <a href="struct.Client.html"><code>Client</code></a>, <code>records[0].name</code>, a list [1, 2].</p>
            <!--[if lt IE 9]><![endif]-->
            <h2 id="deref-methods-Map">Methods from Deref</h2><p>See [Self::shift_remove].</p>
            <h2 id="implementations">Implementations</h2><p>and [<code>Secret</code>]</p>
            <pre class="rust"><code>let x = v[i];</code></pre></div>
            <h2 id="trait-implementations">Trait Implementations</h2><p>returns [<code>Action::Follow</code>]</p>"#;
        assert_eq!(unresolved_links(page), ["`ClientBuilder::build`", "Client", "`Secret`"]);
    }
}
