//! Naming rules: every Rust identifier the generator emits is made here.
//!
//! Names from the spec are split into words ([`words`]: the one place that
//! decides where a word ends, acronyms and digits included), then joined in
//! snake or Pascal case and made valid: a leading digit gets a prefix,
//! keywords are escaped, and a [`Scope`] keeps names unique where Rust needs
//! them to be.

use heck::{ToSnakeCase, ToUpperCamelCase};
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

/// Names the generated crate's `builders` module uses unqualified (its
/// imports): a request builder or a response enum named like one of them
/// takes another name.
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
    "Paged",
    "Paging",
    "Place",
    "NextCursor",
    "StatusCode",
    "HeaderMap",
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
    "pages",
    "items",
    "options",
    "timeout",
    "total_timeout",
    "max_retries",
    "header",
];

/// A spec name split into words, as a person reading it would split it.
///
/// - Any run of characters that cannot be in an identifier is a break
///   (`X-Forwarded-Host`, `user_name`, `a.b`).
/// - A capital after a small letter or a digit starts a word (`idUser`,
///   `v2Users`).
/// - A run of capitals is one word (an acronym); its last capital starts
///   the next word when small letters follow (`HTTPServer`: `HTTP Server`).
/// - But a single small letter ending the word stays apart from the
///   acronym's capitals: a plural `s` joins it (`IDs`, `URLs`: `ids`,
///   `urls`), any other letter is a word of its own with the digits after
///   it (`GUIv`: `GUI v`, `APIv2`: `API v2`, `IPv4Address`: `IP v4 Address`).
/// - Digits end the word they follow (`base64Data`: `base64 Data`,
///   `address2`, `utf8`); a capital after them starts a new one.
///
/// Letters without case (CJK, ...) count as small letters.
fn words(raw: &str) -> Vec<&str> {
    words_by(raw, raw.is_ascii())
}

/// [`words`], reading each run of letters and digits by its bytes (`ascii`:
/// most names are, and lowering names every type, field and parameter) or
/// by its chars.
fn words_by(raw: &str, ascii: bool) -> Vec<&str> {
    let mut words = Vec::new();
    for run in raw.split(|c: char| !c.is_alphanumeric()).filter(|run| !run.is_empty()) {
        let mut start = 0;
        if ascii {
            let bytes = run.as_bytes();
            let is = |i: usize, class: fn(&u8) -> bool| bytes.get(i).is_some_and(class);
            word_starts(
                bytes.len(),
                |i| is(i, u8::is_ascii_uppercase),
                |i| is(i, u8::is_ascii_lowercase),
                |i| is(i, u8::is_ascii_digit),
                |i| bytes[i] == b's',
                |i| {
                    words.push(&run[start..i]);
                    start = i;
                },
            );
        } else {
            let chars: Vec<(usize, char)> = run.char_indices().collect();
            let is = |i: usize, class: fn(&char) -> bool| chars.get(i).is_some_and(|(_, c)| class(c));
            word_starts(
                chars.len(),
                |i| is(i, |c| c.is_uppercase()),
                |i| is(i, |c| !c.is_uppercase() && !c.is_numeric()),
                |i| is(i, |c| c.is_numeric()),
                |i| chars[i].1 == 's',
                |i| {
                    words.push(&run[start..chars[i].0]);
                    start = chars[i].0;
                },
            );
        }
        words.push(&run[start..]);
    }
    words
}

/// The rule of [`words`] over one run of `len` letters and digits, read by
/// position (past the end is none of upper, lower, digit): `cut(i)` where a
/// word starts at `i` (never the first).
fn word_starts(
    len: usize,
    upper: impl Fn(usize) -> bool,
    lower: impl Fn(usize) -> bool,
    digit: impl Fn(usize) -> bool,
    plural_s: impl Fn(usize) -> bool,
    mut cut: impl FnMut(usize),
) {
    // A single small letter at `i` that ends the word (the end of the run,
    // a capital or a digit follows).
    let lone_small = |i: usize| lower(i) && !lower(i + 1);
    for i in 1..len {
        let boundary = if upper(i) {
            // `fooBar`, `v2Users`; `HTTPServer` before the `S`, not `GUIv`
            // before the `I`.
            lower(i - 1) || digit(i - 1) || (upper(i - 1) && lower(i + 1) && !lone_small(i + 1))
        } else {
            // `GUIv` before the `v`, not `IDs` before the `s`.
            lone_small(i) && upper(i - 1) && upper(i.wrapping_sub(2)) && !plural_s(i)
        };
        if boundary {
            cut(i);
        }
    }
}

/// Our words, each in small letters, as `heck` reads them: it does the
/// casing and the joining, and finds no further break inside a word.
fn small_words(raw: &str) -> String {
    words(raw)
        .iter()
        .map(|word| word.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
}

fn snake_case(raw: &str) -> String {
    if raw.is_ascii() {
        // What `heck` makes of ASCII words in small letters: them, joined
        // by `_` (a quarter of lowering's work went to its general path).
        let mut name = String::with_capacity(raw.len() + 4);
        for word in words(raw) {
            if !name.is_empty() {
                name.push('_');
            }
            name.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        }
        return name;
    }
    small_words(raw).to_snake_case()
}

fn pascal_case(raw: &str) -> String {
    if raw.is_ascii() {
        // As `heck` capitalises ASCII words: the first letter of each.
        let mut name = String::with_capacity(raw.len());
        for word in words(raw) {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                name.push(first.to_ascii_uppercase());
                name.extend(chars.map(|c| c.to_ascii_lowercase()));
            }
        }
        return name;
    }
    small_words(raw).to_upper_camel_case()
}

/// Whether `name`, as [`escape`] writes it, is one identifier: its
/// characters (`_` or XID_Start, then XID_Continue, as Rust's lexer reads
/// them), neither `_` nor a keyword bare, nor raw where Rust forbids it.
fn is_valid_ident(name: &str) -> bool {
    let (raw, bare) = match name.strip_prefix("r#") {
        Some(bare) => (true, bare),
        None => (false, name),
    };
    let mut chars = bare.chars();
    let lexes = chars.next().is_some_and(|c| c == '_' || unicode_ident::is_xid_start(c))
        && chars.all(unicode_ident::is_xid_continue);
    lexes
        && if raw {
            !NOT_RAW.contains(&bare)
        } else {
            bare != "_" && !KEYWORDS.contains(&bare)
        }
}

/// `snake_case` for fields, methods, parameters and modules. Never empty.
pub fn snake(raw: &str, fallback: &str) -> String {
    let mut name = snake_case(raw);
    if name.is_empty() {
        name = fallback.to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("_{name}");
    }
    if !surely_valid(&name) && !is_valid_ident(&escape(&name)) {
        name = fallback.to_owned();
    }
    name
}

/// Whether a name the casing made is an identifier as `escape` writes it
/// without looking closer: ASCII letters, digits and `_` not led by a
/// digit are (a keyword is escaped). Most names are; the rest are checked.
fn surely_valid(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// `PascalCase` for types and variants. Never empty; a leading digit gets `prefix`.
pub fn pascal(raw: &str, prefix: &str, fallback: &str) -> String {
    let mut name = pascal_case(raw);
    if name.is_empty() {
        name = fallback.to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("{prefix}{name}");
    }
    if !surely_valid(&name) && !is_valid_ident(&escape(&name)) {
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
    match spelling(name) {
        Spelling::Plain => name.to_owned(),
        Spelling::Raw => format!("r#{name}"),
        Spelling::Suffixed => format!("{name}_"),
    }
}

/// The `proc_macro2::Ident` for a name made by this module, spelled as
/// [`escape`] writes it (without its `String`: this runs for every name of
/// every generated item).
pub fn ident(name: &str) -> proc_macro2::Ident {
    let span = proc_macro2::Span::call_site();
    match spelling(name) {
        Spelling::Plain => proc_macro2::Ident::new(name, span),
        Spelling::Raw => proc_macro2::Ident::new_raw(name, span),
        Spelling::Suffixed => proc_macro2::Ident::new(&format!("{name}_"), span),
    }
}

/// How a name is written as an identifier.
enum Spelling {
    /// As it is.
    Plain,
    /// `r#name`: a keyword.
    Raw,
    /// `name_`: a keyword that cannot be raw (`self`), or `_`.
    Suffixed,
}

fn spelling(name: &str) -> Spelling {
    if NOT_RAW.contains(&name) {
        Spelling::Suffixed
    } else if is_keyword(name) {
        Spelling::Raw
    } else {
        Spelling::Plain
    }
}

/// A keyword of any edition (the longest has 8 letters).
fn is_keyword(name: &str) -> bool {
    name.len() <= 8 && KEYWORDS.contains(&name)
}

/// The setter of an optional field of a model (`with_email` for `email`).
pub fn setter(field: &str) -> String {
    format!("with_{}", field.trim_start_matches('_'))
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
        // Room for the names to come as well: a scope is made for each
        // operation and struct, and growing its set rehashes what it holds.
        let mut taken = HashSet::with_capacity(names.len() + 16);
        taken.extend(names.iter().map(|n| (*n).to_owned()));
        Scope {
            taken,
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

    /// The ASCII paths of the cases give what `heck` gives, and the
    /// identifier check agrees with `syn`'s parse of an identifier.
    #[test]
    fn fast_paths_agree_with_the_crates() {
        let names = [
            "",
            "idUser",
            "X-Forwarded-Host",
            "HTTPServer",
            "IPv4Address",
            "APIv2",
            "2fa",
            "__a__b",
            "URLs",
            "inline_response_200",
            "a.b.c",
            "Ünïcode",
            "already_snake",
            "SCREAMING_CASE",
            "x",
            "9",
        ];
        for raw in names {
            if raw.is_ascii() {
                assert_eq!(words_by(raw, true), words_by(raw, false), "{raw}");
            }
            assert_eq!(snake_case(raw), small_words(raw).to_snake_case(), "{raw}");
            assert_eq!(pascal_case(raw), small_words(raw).to_upper_camel_case(), "{raw}");
        }
        let idents = [
            "a", "_a", "_", "__", "a1", "1a", "type", "r#type", "r#self", "self_", "r#_", "é", "名前", "a-b", "", "r#",
            "Self", "r#crate", "crate_", "a b",
        ];
        for name in idents {
            assert_eq!(
                is_valid_ident(name),
                syn::parse_str::<syn::Ident>(name).is_ok(),
                "{name}"
            );
        }
        // What `surely_valid` passes is valid.
        for name in [
            "a", "_", "__", "type", "self", "Self", "crate", "super", "x_y", "A1", "_9", "gen",
        ] {
            assert!(!surely_valid(name) || is_valid_ident(&escape(name)), "{name}");
        }
        // `ident` writes a name as `escape` does.
        for name in [
            "a", "_", "__", "type", "self", "Self", "crate", "super", "gen", "continue", "abstract", "x_y",
        ] {
            assert_eq!(ident(name).to_string(), escape(name), "{name}");
        }
    }

    /// Where words end: one row per rule of [`words`], with the names it
    /// gives in snake and Pascal case.
    #[test]
    fn words_split_as_a_person_would() {
        let table: &[(&str, &str, &str)] = &[
            // (spec name, snake, Pascal)
            ("idUser", "id_user", "IdUser"),
            ("user_name", "user_name", "UserName"),
            ("X-Forwarded-Host", "x_forwarded_host", "XForwardedHost"),
            ("HTTPServer", "http_server", "HttpServer"),
            ("GUIVersion", "gui_version", "GuiVersion"),
            ("userID", "user_id", "UserId"),
            ("ID", "id", "Id"),
            ("ASC", "asc", "Asc"),
            // An acronym and a small letter after it.
            ("GUIv", "gui_v", "GuiV"),
            ("vrmGUIv", "vrm_gui_v", "VrmGuiV"),
            ("APIv2", "api_v2", "ApiV2"),
            ("IPv4Address", "ip_v4_address", "IpV4Address"),
            ("isIPv6", "is_ip_v6", "IsIpV6"),
            // A plural acronym.
            ("IDs", "ids", "Ids"),
            ("URLs", "urls", "Urls"),
            ("userIDs", "user_ids", "UserIds"),
            ("wifiSSIDs", "wifi_ssids", "WifiSsids"),
            ("URLsList", "urls_list", "UrlsList"),
            // Digits end the word before them.
            ("v2Users", "v2_users", "V2Users"),
            ("base64Data", "base64_data", "Base64Data"),
            ("utf8String", "utf8_string", "Utf8String"),
            ("X509Cert", "x509_cert", "X509Cert"),
            ("MD5Hash", "md5_hash", "Md5Hash"),
            ("OAuth2Token", "o_auth2_token", "OAuth2Token"),
            ("HTTP2Server", "http2_server", "Http2Server"),
            ("address2", "address2", "Address2"),
            ("co2Emission", "co2_emission", "Co2Emission"),
            ("inline_response_200", "inline_response_200", "InlineResponse200"),
            ("x_1", "x_1", "X1"),
            // Camel humps of one letter.
            ("aB", "a_b", "AB"),
            ("aBc", "a_bc", "ABc"),
            ("kWh", "k_wh", "KWh"),
        ];
        for (raw, snake_name, pascal_name) in table {
            assert_eq!(snake(raw, "x"), *snake_name, "snake case of {raw}");
            assert_eq!(pascal(raw, "V", "X"), *pascal_name, "Pascal case of {raw}");
        }
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
