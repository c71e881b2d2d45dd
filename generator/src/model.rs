//! The intermediate model: what the client crate will contain, with every
//! `$ref` resolved and every Rust name chosen, and nothing of the spec's
//! syntax left. Lowering (`lower/`) builds it; emission (`emit/`) reads it.

use crate::error::Pointer;
use std::collections::BTreeMap;

/// The whole API, ready to emit.
#[derive(Debug, Clone)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    /// The first server's URL with its variables at their defaults.
    pub base_url: Option<String>,
    /// The server variables of the first server, for documentation.
    pub server_variables: Vec<ServerVariable>,
    /// Sorted by name (see [`Api::type_def`]).
    pub types: Vec<TypeDef>,
    pub operations: Vec<Operation>,
    pub security_schemes: Vec<SecurityScheme>,
    /// The schema of error bodies when all operations agree on one.
    pub error_body: Option<TypeRef>,
    /// Each alias's type with its chain of aliases followed to the end
    /// (see [`Api::unalias`]).
    pub alias_ends: BTreeMap<String, TypeRef>,
}

impl Api {
    /// The definition of the type `name`, found by binary search (not by
    /// a scan: emission looks types up per operation).
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types
            .binary_search_by(|def| def.name.as_str().cmp(name))
            .ok()
            .map(|index| &self.types[index])
    }

    /// `ty` with aliases followed to the type they stand for, in one step
    /// (a chain of n aliases, followed afresh for each of m operations,
    /// cost n × m).
    pub fn unalias<'t>(&'t self, ty: &'t TypeRef) -> &'t TypeRef {
        match ty {
            TypeRef::Named(name) => self.alias_ends.get(name).unwrap_or(ty),
            _ => ty,
        }
    }

    /// Where a paged operation's items are: the answer (one JSON content)
    /// as an array, or its field named by `x-pagination`'s `items` (`None`
    /// when the operation is not paged or its types do not fit, which
    /// lowering reports as an error).
    pub fn page_items<'t>(&'t self, op: &'t Operation) -> Option<PageItems<'t>> {
        let pagination = op.pagination.as_ref()?;
        let Output::One(Content::Json(answer)) = &op.output else {
            return None;
        };
        let array_of = |ty: &'t TypeRef| match self.unalias(ty) {
            TypeRef::Vec(item) => Some(&**item),
            _ => None,
        };
        match &pagination.items {
            None => Some(PageItems {
                item: array_of(answer)?,
                field: None,
            }),
            Some(member) => {
                let field = self.field(answer, member)?;
                Some(PageItems {
                    item: array_of(field.ty.unwrap_option())?,
                    field: Some(field),
                })
            }
        }
    }

    /// The field of the struct `ty` (through aliases) named `wire` in JSON.
    pub fn field<'t>(&'t self, ty: &'t TypeRef, wire: &str) -> Option<&'t Field> {
        let TypeRef::Named(name) = self.unalias(ty) else {
            return None;
        };
        match &self.type_def(name)?.kind {
            TypeKind::Struct { fields, .. } => fields.iter().find(|field| field.wire == wire),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ServerVariable {
    pub name: String,
    pub default: String,
}

/// Documentation carried over from the spec.
#[derive(Debug, Clone, Default)]
pub struct Docs {
    pub summary: Option<String>,
    pub description: Option<String>,
}

/// A Rust type as used in a field, argument or return type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    String,
    Bool,
    I32,
    I64,
    U32,
    U64,
    I128,
    F32,
    F64,
    /// Raw bytes (`Vec<u8>`): binary bodies and multipart files.
    Bytes,
    /// Bytes written in JSON as base64 text (`format: byte`): `Vec<u8>`,
    /// read and written by the runtime's `base64` adapter. Only in struct
    /// fields and union variants (`lower::types::place_base64`).
    Base64,
    /// Any JSON value (`serde_json::Value`): the spec leaves the value free.
    Value,
    /// A free-form JSON object (`serde_json::Map<String, Value>`).
    Object,
    /// A type defined by this crate (name in `types`).
    Named(String),
    Vec(Box<TypeRef>),
    /// A map from string keys (`BTreeMap<String, T>`), for `additionalProperties`.
    Map(Box<TypeRef>),
    Option(Box<TypeRef>),
    /// Indirection that breaks a recursive type.
    Box(Box<TypeRef>),
    /// A fixed-length array of items of their own types (3.1 `prefixItems`).
    Tuple(Vec<TypeRef>),
    /// Only `null` (3.1 `type: "null"`): `()`.
    Unit,
}

impl TypeRef {
    /// The model of the `types` module the type names: itself, or the one
    /// in its list, map, `Option` or `Box` (each holds one type).
    pub fn model_name(&self) -> Option<&str> {
        match self {
            TypeRef::Named(name) => Some(name),
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) | TypeRef::Box(inner) => {
                inner.model_name()
            }
            _ => None,
        }
    }

    /// Whether the type names a model of the `types` module ([`Self::model_name`]).
    pub fn names_a_model(&self) -> bool {
        self.model_name().is_some()
    }

    pub fn option(self) -> TypeRef {
        match self {
            TypeRef::Option(_) => self,
            other => TypeRef::Option(Box::new(other)),
        }
    }

    pub fn is_option(&self) -> bool {
        matches!(self, TypeRef::Option(_))
    }

    /// The type inside `Option` (or the type itself).
    pub fn unwrap_option(&self) -> &TypeRef {
        match self {
            TypeRef::Option(inner) => inner,
            other => other,
        }
    }
}

/// One named type of the crate's `types` module.
#[derive(Debug, Clone)]
pub struct TypeDef {
    pub name: String,
    pub docs: Docs,
    /// Where the schema is in the spec.
    pub at: Pointer,
    pub kind: TypeKind,
}

#[derive(Debug, Clone)]
pub enum TypeKind {
    /// An object with named properties.
    Struct {
        fields: Vec<Field>,
        /// The value type of `additionalProperties`, flattened into the struct.
        additional: Option<TypeRef>,
        /// Keep the members the spec does not name (`runtime::UnknownFields`,
        /// flattened): the type is read from responses, the schema does not
        /// say `additionalProperties: false`, and `additional` is `None`.
        unknown_fields: bool,
    },
    /// A string enum; values the spec does not list are kept in `unknown`.
    Enum {
        variants: Vec<EnumVariant>,
        unknown: String,
    },
    /// `oneOf`/`anyOf`: one variant per alternative.
    Union {
        variants: Vec<UnionVariant>,
        /// The discriminator property, when the spec names one.
        tag: Option<String>,
        /// Variant name for unknown tag values (tagged unions only).
        unknown: String,
    },
    /// Another name for a type (`pub type Name = Target;`).
    Alias(TypeRef),
}

impl TypeKind {
    /// The types the definition names directly: its fields' (and the
    /// additional properties'), its variants', its target.
    pub fn refs(&self) -> Vec<&TypeRef> {
        match self {
            TypeKind::Struct { fields, additional, .. } => fields.iter().map(|f| &f.ty).chain(additional).collect(),
            TypeKind::Union { variants, .. } => variants.iter().map(|v| &v.ty).collect(),
            TypeKind::Alias(target) => vec![target],
            TypeKind::Enum { .. } => Vec::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    /// The JSON property name.
    pub wire: String,
    /// Already `Option<...>` when the property is optional or nullable.
    pub ty: TypeRef,
    /// Absent from the JSON when `None` (optional properties); nullable
    /// required properties are sent as `null` instead.
    pub skip_if_none: bool,
    /// Kept out of `Debug` output.
    pub secret: bool,
    pub deprecated: bool,
    pub docs: Docs,
}

#[derive(Debug, Clone)]
pub struct EnumVariant {
    pub name: String,
    pub wire: String,
}

#[derive(Debug, Clone)]
pub struct UnionVariant {
    pub name: String,
    pub ty: TypeRef,
    /// For a tagged union: the discriminator values that select this variant.
    pub tag_values: Vec<String>,
    /// Why the variant is JSON where the spec names a type (a split crate
    /// holds a variant that reaches far: `lower::split::hold_variants`).
    pub note: Option<String>,
}

/// One operation: one method on `Client` and its request builder.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The spec's `operationId` (the method name when it has none): what
    /// hooks and traces name the operation by.
    pub operation_id: String,
    /// The method name on `Client` (snake case).
    pub method: String,
    /// The builder type's name (Pascal case).
    pub builder: String,
    /// `GET`, `POST`, ...
    pub http_method: String,
    /// The path template as written in the spec (`/users/{idUser}`).
    pub path: String,
    pub path_parts: Vec<PathPart>,
    pub docs: Docs,
    pub deprecated: bool,
    /// The spec's `tags`, in order: the first names the operation's area
    /// when a large crate is split into features ([`Split`]).
    pub tags: Vec<String>,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    pub successes: Vec<Success>,
    /// The error statuses the spec declares by code (`404`, not `4XX` or
    /// `default`), in order: the mock's answer methods.
    pub error_statuses: Vec<u16>,
    pub output: Output,
    /// Alternatives of security requirements; each is a set of scheme keys.
    /// Empty: the operation needs no credentials.
    pub security: Vec<Vec<String>>,
    /// `x-idempotent`: whether repeating the request is safe, when the
    /// spec says so against its method (a GET with side effects, a POST
    /// that only reads). `None`: the method decides.
    pub idempotent: Option<bool>,
    /// `x-sign-in`: the operation's answer holds a credential (a session
    /// token), for the README's quick start.
    pub sign_in: Option<SignIn>,
    /// `x-pagination`: the answer is one page of several.
    pub pagination: Option<Pagination>,
}

/// How a paged operation's answers continue (`x-pagination`, read by
/// `lower/pagination.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// Where the extension is in the spec.
    pub at: Pointer,
    pub kind: PageKind,
    /// Where the page size goes, when the spec says: an offset stream ends
    /// on a page shorter than the size the request asks for.
    pub limit: Option<PagePlace>,
    /// The member of the JSON answer that holds the page's items; `None`:
    /// the answer is the array of items.
    pub items: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageKind {
    /// By position: `offset` moves on by the number of items on each page.
    Offset { offset: PagePlace },
    /// By cursor: each answer names the next page's cursor (`next`),
    /// sent back as `cursor`.
    Cursor { cursor: PagePlace, next: NextCursor },
}

/// A value of a paged request: a query parameter or a member of the JSON
/// body, by its name on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagePlace {
    pub location: PageIn,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageIn {
    Query,
    Body,
}

/// Where an answer holds the next page's cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextCursor {
    /// A JSON pointer into the answer's body (`/meta/next`).
    Member(String),
    /// A header of the answer.
    Header(String),
}

/// Where a paged operation's items are, found in its types
/// ([`Api::page_items`]).
#[derive(Debug, Clone, Copy)]
pub struct PageItems<'a> {
    /// The type of one item.
    pub item: &'a TypeRef,
    /// The answer's field that holds them; `None`: the answer is their array.
    pub field: Option<&'a Field>,
}

/// How a sign-in operation's answer becomes a credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignIn {
    /// The security scheme (its key) the credential is for.
    pub scheme: String,
    /// The member of the JSON answer that holds it.
    pub token: String,
    /// What is written before it (`Bearer `).
    pub prefix: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    Literal(String),
    /// Index into `params`.
    Param(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

/// How a query parameter's value is written (`style` in the spec).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
    Simple,
}

#[derive(Debug, Clone)]
pub struct Param {
    /// The name on the wire.
    pub wire: String,
    /// The argument or builder-method name.
    pub name: String,
    pub location: ParamLocation,
    pub required: bool,
    /// The value type (never `Option`; optionality is `required`).
    pub ty: TypeRef,
    pub style: ParamStyle,
    pub explode: bool,
    pub deprecated: bool,
    pub description: Option<String>,
    pub example: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Json,
    FormUrlEncoded,
    Multipart,
    Text,
    Bytes,
}

#[derive(Debug, Clone)]
pub struct Body {
    pub kind: BodyKind,
    /// The `Content-Type` sent.
    pub content_type: String,
    pub ty: TypeRef,
    pub required: bool,
    pub description: Option<String>,
    pub example: Option<serde_json::Value>,
}

/// Which statuses a response entry covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    Code(u16),
    /// `2XX`: the hundred.
    Range(u16),
    Default,
}

/// What a success response carries.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Content {
    Json(TypeRef),
    /// `text/plain` and nothing else: the body as a `String`.
    Text,
    /// A file: any other media type, or a choice of several with no JSON
    /// among them. The caller gets the bytes with the media type the server
    /// names (the runtime's `Download`); `media_types` are those the spec
    /// lists, for the documentation.
    Download {
        media_types: Vec<String>,
    },
    Empty,
}

#[derive(Debug, Clone)]
pub struct Success {
    pub status: StatusMatch,
    pub content: Content,
}

/// The Rust type an operation returns.
#[derive(Debug, Clone)]
pub enum Output {
    /// No success response has a body.
    Unit,
    /// Every success with a body has this content.
    One(Content),
    /// Some successes have this content, others none: `Option<T>`.
    Maybe(Content),
    /// Successes differ: an enum with one variant per content.
    Many { name: String, variants: Vec<OutputVariant> },
}

#[derive(Debug, Clone)]
pub struct OutputVariant {
    pub name: String,
    pub content: Content,
}

#[derive(Debug, Clone)]
pub struct SecurityScheme {
    /// The key under `components/securitySchemes`.
    pub key: String,
    pub kind: SchemeKind,
    pub description: Option<String>,
    /// The builder method that sets this credential (`api_key`, `bearer_token`, ...).
    pub setter: String,
    /// The other ways to give an OAuth2 or bearer scheme its access token,
    /// each with its builder method (`password_grant`, `token_source`, ...).
    pub token_setters: Vec<TokenSetter>,
}

/// A way to give a scheme its access token, beside its main setter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSetter {
    pub kind: TokenSetterKind,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSetterKind {
    /// An access token obtained elsewhere, sent as it is.
    BearerToken,
    /// The OAuth2 password grant; the spec's token URL for it, if it names one.
    PasswordGrant { token_url: Option<String> },
    /// The user's own source of tokens.
    TokenSource,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    ApiKey {
        location: ParamLocation,
        name: String,
    },
    Bearer,
    Basic,
    /// OAuth2 client credentials: a token fetched from `token_url`.
    ClientCredentials {
        token_url: String,
        scopes: Vec<String>,
    },
}

/// How a large crate is split into cargo features, one per area of the API
/// (`lower/split.rs` decides; `emit/` writes the `#[cfg(feature = ...)]`s,
/// `templates/Cargo.toml.j2` the feature list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The areas, sorted by feature name.
    pub areas: Vec<Area>,
    /// For each of [`Api::types`] (same index), what compiles it.
    pub gates: Vec<Gate>,
    /// How many fields are held as JSON so that areas stay apart
    /// (`lower::split::hold_fields`).
    pub held: usize,
    /// How many variants of tagged unions are (`lower::split::hold_variants`).
    pub held_variants: usize,
}

/// One area of the API: a tag, or a first path segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Area {
    /// The cargo feature, also the name of its module of operations.
    pub feature: String,
    /// The tag or path segment as the spec writes it.
    pub source: String,
    /// Indices into [`Api::operations`], in spec order.
    pub operations: Vec<usize>,
    /// How many types a build of this area alone compiles: its own, those
    /// it shares, and those every build has.
    pub types: usize,
}

/// When a type of a split crate is compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    /// Always: every area needs it, or the crate root does (the error body).
    Always,
    /// When any of these areas (indices into [`Split::areas`], never
    /// empty) is enabled: one area for a type of its own, several for a
    /// shared one.
    Any(Vec<usize>),
    /// No operation needs it: compiled with the feature `full` (every area,
    /// and these), so the full crate's API is what it was before the split.
    Full,
}
