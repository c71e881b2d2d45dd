//! Naming rules: every Rust identifier the generator emits is made here.
//!
//! Names from the spec go through `heck`, then are made valid: non-identifier
//! characters become word breaks, a leading digit gets a prefix, keywords are
//! escaped, and a [`Scope`] keeps names unique where Rust needs them to be.

use heck::{ToPascalCase, ToSnakeCase};
use std::collections::{HashMap, HashSet};

/// Keywords of Rust 2024 (strict, reserved and weak ones that matter).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self",
    "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract",
    "become", "box", "do", "final", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers (`r#self` is not allowed).
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Type names the generated modules use unqualified (the prelude and the
/// crate's own root items); a schema with such a name gets a suffix.
const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Self",
    "Send",
    "Sync",
    "Sized",
    "Copy",
    "Clone",
    "Default",
    "Debug",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "IntoIterator",
    "Extend",
    "ToString",
    "ToOwned",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "AsRef",
    "AsMut",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "Hash",
    "Serialize",
    "Deserialize",
    "Client",
    "ClientBuilder",
    "Error",
    "ApiError",
];

/// Names the generated crate's root and its `operations` module use
/// unqualified (imports and re-exports): a request builder or a response
/// enum named like one of them takes another name.
pub const OPERATION_ITEMS_RESERVED: &[&str] = &[
    "Call",
    "Client",
    "ClientBuilder",
    "Error",
    "ApiError",
    "AuthError",
    "BuildError",
    "DecodeError",
    "Download",
    "Secret",
    "Failure",
    "Received",
    "Request",
    "Method",
    "IntoFuture",
    "Style",
];

/// The fields and methods every request builder has (the generator's
/// `emit::operations` writes them): a parameter, whose field and setter
/// are named after it, takes another name.
pub const BUILDER_MEMBERS_RESERVED: &[&str] = &[
    "client",
    "body",
    "send",
    "send_with_response",
    "into_request",
    "decode",
    "into_future",
];

/// Split a spec name into words `heck` understands: any run of characters
/// that cannot be in an identifier is a word break.
fn words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.trim().to_owned()
}

fn is_valid_ident(name: &str) -> bool {
    syn::parse_str::<syn::Ident>(name).is_ok()
}

/// `snake_case` for fields, methods, parameters and modules. Never empty.
pub fn snake(raw: &str, fallback: &str) -> String {
    let mut name = words(raw).to_snake_case();
    if name.is_empty() {
        name = fallback.to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("_{name}");
    }
    if !is_valid_ident(&escape(&name)) {
        name = fallback.to_owned();
    }
    name
}

/// `PascalCase` for types and variants. Never empty; a leading digit gets `prefix`.
pub fn pascal(raw: &str, prefix: &str, fallback: &str) -> String {
    let mut name = words(raw).to_pascal_case();
    if name.is_empty() {
        name = fallback.to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("{prefix}{name}");
    }
    if !is_valid_ident(&escape(&name)) {
        name = fallback.to_owned();
    }
    name
}

/// A type name; names the generated code uses unqualified get a `Model` suffix.
pub fn type_name(raw: &str) -> String {
    let name = pascal(raw, "Type", "Unnamed");
    if RESERVED_TYPES.contains(&name.as_str()) {
        format!("{name}Model")
    } else {
        name
    }
}

/// The identifier as it must be written in source: `r#type` for a keyword,
/// `self_` where a raw identifier is not allowed.
pub fn escape(name: &str) -> String {
    if NOT_RAW.contains(&name) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

/// The `proc_macro2::Ident` for a name made by this module.
pub fn ident(name: &str) -> proc_macro2::Ident {
    let escaped = escape(name);
    match escaped.strip_prefix("r#") {
        Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => proc_macro2::Ident::new(&escaped, proc_macro2::Span::call_site()),
    }
}

/// The method that reads a free JSON field as a Rust type (`value_as` for `value`).
pub fn value_accessor(field: &str) -> String {
    format!("{field}_as")
}

/// Whether a property or parameter name says it holds a secret (a password,
/// token, key or client secret), so its value is kept out of `Debug` output.
///
/// The name must end in such a word (`access_token`, `client_secret`, not
/// `token_type` or `invalid_token_used_at`), and an identifier of one is
/// not one (`id_access_token`, `token_id`).
pub fn is_secret_name(raw: &str) -> bool {
    let name = snake(raw, "");
    let words: Vec<&str> = name.split('_').collect();
    if words.iter().any(|w| matches!(*w, "id" | "ids")) {
        return false;
    }
    matches!(words.last(), Some(&("password" | "passwd" | "secret" | "token")))
        || name.ends_with("api_key")
        || name.ends_with("apikey")
        || name.ends_with("private_key")
}

/// The mock method answering `status` (`ok`, `created`, `not_found`, ...):
/// the status's reason phrase in snake case, `status_<code>` for a code
/// with no common name.
pub fn status_method(status: u16) -> String {
    let name = match status {
        200 => "ok",
        201 => "created",
        202 => "accepted",
        203 => "non_authoritative_information",
        204 => "no_content",
        205 => "reset_content",
        206 => "partial_content",
        207 => "multi_status",
        301 => "moved_permanently",
        302 => "found",
        303 => "see_other",
        304 => "not_modified",
        307 => "temporary_redirect",
        308 => "permanent_redirect",
        400 => "bad_request",
        401 => "unauthorized",
        402 => "payment_required",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        406 => "not_acceptable",
        408 => "request_timeout",
        409 => "conflict",
        410 => "gone",
        411 => "length_required",
        412 => "precondition_failed",
        413 => "payload_too_large",
        414 => "uri_too_long",
        415 => "unsupported_media_type",
        416 => "range_not_satisfiable",
        417 => "expectation_failed",
        422 => "unprocessable_entity",
        423 => "locked",
        424 => "failed_dependency",
        425 => "too_early",
        426 => "upgrade_required",
        428 => "precondition_required",
        429 => "too_many_requests",
        431 => "request_header_fields_too_large",
        451 => "unavailable_for_legal_reasons",
        500 => "internal_server_error",
        501 => "not_implemented",
        502 => "bad_gateway",
        503 => "service_unavailable",
        504 => "gateway_timeout",
        507 => "insufficient_storage",
        _ => return format!("status_{status}"),
    };
    name.to_owned()
}

/// The matcher method of a parameter on an operation's mock: its name,
/// unless an answer method (`taken`) has it, then `with_<name>`.
pub fn mock_matcher(name: &str, taken: &Scope) -> String {
    let plain = name.trim_start_matches("r#");
    if taken.contains(plain) {
        format!("with_{plain}")
    } else {
        name.to_owned()
    }
}

/// Names already taken in one Rust namespace (a module's types, a struct's
/// fields, an enum's variants, a type's methods).
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: HashSet<String>,
    /// The number to try first after `name` is taken: one past the last
    /// one given (so that n names alike take n steps, not n²/2).
    next: HashMap<String, usize>,
}

impl Scope {
    pub fn new() -> Self {
        Self::default()
    }

    /// A scope in which `names` are already taken.
    pub fn with_reserved(names: &[&str]) -> Self {
        Scope {
            taken: names.iter().map(|n| (*n).to_owned()).collect(),
            next: HashMap::new(),
        }
    }

    /// `name` if free, else `name2`, `name3`, ... Records the result.
    pub fn claim(&mut self, name: &str) -> String {
        if self.taken.insert(name.to_owned()) {
            return name.to_owned();
        }
        let sep = if name.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        // Names are never given back, so every number below `next` is still taken.
        let first = self.next.get(name).copied().unwrap_or(2);
        let (n, candidate) = (first..)
            .map(|n| (n, format!("{name}{sep}{n}")))
            .find(|(_, candidate)| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always yields a free name");
        self.next.insert(name.to_owned(), n + 1);
        candidate
    }

    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_conversion() {
        assert_eq!(snake("idUser", "x"), "id_user");
        assert_eq!(snake("X-Forwarded-Host", "x"), "x_forwarded_host");
        assert_eq!(snake("ID", "x"), "id");
        assert_eq!(pascal("user_session", "V", "X"), "UserSession");
        assert_eq!(pascal("inline_response_200", "V", "X"), "InlineResponse200");
    }

    #[test]
    fn keywords_are_escaped() {
        assert_eq!(escape(&snake("type", "x")), "r#type");
        assert_eq!(escape(&snake("async", "x")), "r#async");
        assert_eq!(escape(&snake("gen", "x")), "r#gen");
        assert_eq!(escape(&snake("self", "x")), "self_");
        assert_eq!(escape(&snake("crate", "x")), "crate_");
        assert_eq!(escape("Self"), "Self_");
        assert_eq!(ident("type").to_string(), "r#type");
    }

    #[test]
    fn leading_digits_get_a_prefix() {
        assert_eq!(snake("2fa_code", "x"), "_2fa_code");
        assert_eq!(pascal("200", "Status", "X"), "Status200");
        assert_eq!(pascal("1.0", "V", "X"), "V10");
    }

    #[test]
    fn empty_and_symbol_only_names_fall_back() {
        assert_eq!(snake("", "field"), "field");
        assert_eq!(snake("$$$", "field"), "field");
        assert_eq!(pascal("", "V", "Empty"), "Empty");
        assert_eq!(pascal("-", "V", "Empty"), "Empty");
    }

    #[test]
    fn non_ascii_letters_survive_as_valid_identifiers() {
        let name = snake("größe", "x");
        assert!(is_valid_ident(&name), "{name}");
        let name = pascal("naïve value", "V", "X");
        assert!(is_valid_ident(&name), "{name}");
        // Emoji are not identifier characters: they are word breaks.
        assert_eq!(snake("🚀launch", "x"), "launch");
    }

    #[test]
    fn secret_names() {
        for name in [
            "password",
            "client_secret",
            "access_token",
            "refreshToken",
            "sms_token",
            "apiKey",
            "secret",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "username",
            "tokens",
            "secretary_name",
            "keyboard",
            "id",
            "idAccessToken",
            "token_type",
            "invalidTokenUsedAt",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn reserved_type_names_get_a_suffix() {
        assert_eq!(type_name("Option"), "OptionModel");
        assert_eq!(type_name("error"), "ErrorModel");
        assert_eq!(type_name("User"), "User");
    }

    #[test]
    fn collisions_after_case_conversion_are_numbered() {
        let mut scope = Scope::new();
        assert_eq!(scope.claim(&pascal("ASC", "V", "X")), "Asc");
        assert_eq!(scope.claim(&pascal("asc", "V", "X")), "Asc2");
        assert_eq!(scope.claim(&pascal("Asc", "V", "X")), "Asc3");
        let mut scope = Scope::new();
        assert_eq!(scope.claim("v1"), "v1");
        assert_eq!(scope.claim("v1"), "v1_2");
    }
}
