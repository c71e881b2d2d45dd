//! Writing and reading a generated struct as JSON: the pieces behind
//! [`serde_struct!`](crate::serde_struct) (in `lib.rs`, with the other
//! macros generated code calls).
//!
//! Why not serde's derives: for each struct `Deserialize` writes an enum of
//! its fields with three visitor functions, a `visit_seq` for a form JSON
//! never uses, and, with a flattened field (every struct that keeps
//! [`UnknownFields`]), a buffer of every unknown member as serde's
//! `Content` that is then read a second time; `Serialize` counts the
//! members it will write. For a big API that was most of the crate's build
//! and its peak memory (Stripe; BENCHMARKS.md, issue 16). The macro writes
//! one `serialize_map` and one `visit_map` with one `match` on the member's
//! name, which is what the derives do for JSON, in a fraction of the code.

use crate::UnknownFields;
use serde::de::{self, Deserialize, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

/// A member's name: borrowed from the input where it can be (no escapes),
/// owned where it cannot.
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }

            fn visit_borrowed_str<E: de::Error>(self, name: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(name)))
            }

            fn visit_str<E: de::Error>(self, name: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(name.to_owned())))
            }

            fn visit_string<E: de::Error>(self, name: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(name)))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Where the members a struct does not name go: its [`UnknownFields`], its
/// `additional_properties` map, or nowhere ([`Ignore`]).
pub trait Rest {
    /// Reads the value of member `key` (the next value of `map`) into `self`.
    fn put<'de, A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error>;
}

/// Skips the values of members a struct does not name.
pub struct Ignore;

impl Rest for Ignore {
    fn put<'de, A: MapAccess<'de>>(&mut self, _key: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        map.next_value::<de::IgnoredAny>().map(drop)
    }
}

impl Rest for UnknownFields {
    fn put<'de, A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        // Its map's.
        Rest::put(&mut **self, key, map)
    }
}

impl Rest for serde_json::Map<String, serde_json::Value> {
    fn put<'de, A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        self.insert(key.0.into_owned(), map.next_value()?);
        Ok(())
    }
}

impl<T: DeserializeOwned> Rest for BTreeMap<String, T> {
    fn put<'de, A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        self.insert(key.0.into_owned(), map.next_value()?);
        Ok(())
    }
}

/// How a field's value is read: [`Plain`] by its own `Deserialize`,
/// [`Base64`] as base64 text ([`crate::base64`]), [`ObjectOrEmptyList`] or
/// [`OptionalObjectOrEmptyList`] from an object or `[]`.
pub struct Seed<T, How = Plain>(PhantomData<(T, How)>);

/// A field read by its type's own `Deserialize`.
pub struct Plain;

/// A field of bytes read from base64 text.
pub struct Base64;

/// A field whose type is a struct of optional fields only, read from an
/// object or from an empty list (`[]`, how PHP's `json_encode` writes an
/// empty map) as the type's default.
pub struct ObjectOrEmptyList;

/// [`ObjectOrEmptyList`] for an optional field: `null` is `None`, `[]` the default.
pub struct OptionalObjectOrEmptyList;

impl<T, How> Seed<T, How> {
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Seed(PhantomData)
    }
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Seed<T, Plain> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        T::deserialize(deserializer)
    }
}

impl<'de, T: crate::base64::Base64Shape> DeserializeSeed<'de> for Seed<T, Base64> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        T::deserialize_base64(deserializer)
    }
}

impl<'de, T: Deserialize<'de> + Default> DeserializeSeed<'de> for Seed<T, ObjectOrEmptyList> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_any(ObjectOrEmptyListVisitor(PhantomData))
    }
}

impl<'de, T: Deserialize<'de> + Default> DeserializeSeed<'de> for Seed<Option<T>, OptionalObjectOrEmptyList> {
    type Value = Option<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        struct Inner<T>(T);

        impl<'de, T: Deserialize<'de> + Default> Deserialize<'de> for Inner<T> {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                Seed::<T, ObjectOrEmptyList>::new().deserialize(deserializer).map(Inner)
            }
        }

        Ok(Option::<Inner<T>>::deserialize(deserializer)?.map(|inner| inner.0))
    }
}

struct ObjectOrEmptyListVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de> + Default> Visitor<'de> for ObjectOrEmptyListVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object (or an empty list)")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        match seq.next_element::<de::IgnoredAny>()? {
            None => Ok(T::default()),
            Some(_) => Err(de::Error::invalid_length(1, &self)),
        }
    }
}

/// A member's value read into its field's slot (the last of a repeated
/// member wins), by the type's own `Deserialize` or by the seed `How` names.
pub fn fill<'de, T, How, A>(slot: &mut Option<T>, map: &mut A) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    Seed<T, How>: DeserializeSeed<'de, Value = T>,
{
    *slot = Some(map.next_value_seed(Seed::<T, How>::new())?);
    Ok(())
}

/// The first of the errors of a struct's fields (there is one: this is
/// only called when a field failed).
pub fn first_error<E: de::Error>(errors: &mut [Option<E>]) -> E {
    errors
        .iter_mut()
        .find_map(Option::take)
        .unwrap_or_else(|| E::custom("a field failed to read"))
}

/// A field's value, or what an absent member means for its type: `None`
/// for an `Option`, else the error "missing field" (as with the derive).
pub fn present_or_absent<'de, T: Deserialize<'de>, E: de::Error>(value: Option<T>, name: &'static str) -> Result<T, E> {
    match value {
        Some(value) => Ok(value),
        None => T::deserialize(Absent(name, PhantomData)),
    }
}

/// The value of an absent member: `None` to an `Option`, an error to
/// anything else.
struct Absent<E>(&'static str, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for Absent<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use crate::UnknownFields;
    use serde_json::json;
    use std::collections::BTreeMap;

    #[derive(Debug, PartialEq)]
    struct Asset {
        id: String,
        created_on: i64,
        name: Option<String>,
        r#type: Option<String>,
        data: Option<Vec<u8>>,
        unknown_fields: UnknownFields,
    }
    crate::serde_struct!(Asset { id, created_on("createdOn"), name, ?r#type("type"), ?data(as Base64) } ..unknown_fields);

    #[derive(Debug, PartialEq)]
    struct Closed {
        a: Option<u8>,
    }
    crate::serde_struct!(Closed { ?a });

    #[derive(Debug, PartialEq)]
    struct Counts {
        total: Option<u32>,
        additional_properties: BTreeMap<String, u32>,
    }
    crate::serde_struct!(Counts { ?total } ..additional_properties);

    /// Reads `value` both from a `serde_json::Value` and from its text
    /// (where member names are borrowed), which must agree.
    fn read<T: serde::de::DeserializeOwned + std::fmt::Debug>(value: serde_json::Value) -> Result<T, String> {
        let from_value = serde_json::from_value::<T>(value.clone()).map_err(|err| err.to_string());
        let from_text = serde_json::from_str::<T>(&value.to_string()).map_err(|err| err.to_string());
        match (&from_value, &from_text) {
            (Ok(a), Ok(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}")),
            // The text's error adds the position.
            (Err(a), Err(b)) => assert!(b.starts_with(a.as_str()), "{a} / {b}"),
            _ => panic!("{from_value:?} / {from_text:?}"),
        }
        from_value
    }

    #[test]
    fn fields_by_their_wire_names_and_the_rest_kept() {
        let asset: Asset = read(json!({
            "id": "a1", "createdOn": 1700000000000_i64, "type": "ThingAsset",
            "data": "aGk=", "extra": {"nested": [1, 2]}, "name": null
        }))
        .unwrap();
        assert_eq!(asset.id, "a1");
        assert_eq!(asset.created_on, 1_700_000_000_000);
        assert_eq!(asset.r#type.as_deref(), Some("ThingAsset"));
        assert_eq!(asset.data.as_deref(), Some(&b"hi"[..]));
        assert_eq!(asset.name, None);
        assert_eq!(asset.unknown_fields.get("extra"), Some(&json!({"nested": [1, 2]})));
        assert_eq!(asset.unknown_fields.len(), 1);
    }

    #[test]
    fn absent_is_none_for_an_option_and_an_error_otherwise() {
        let asset: Asset = read(json!({"id": "a1", "createdOn": 1})).unwrap();
        assert_eq!((asset.name, asset.r#type, asset.data), (None, None, None));
        let err = read::<Asset>(json!({"id": "a1"})).unwrap_err();
        assert!(err.contains("missing field `createdOn`"), "{err}");
        let err = read::<Asset>(json!({"createdOn": 1})).unwrap_err();
        assert!(err.contains("missing field `id`"), "{err}");
        // Several missing: the first in the struct's order is named.
        let err = read::<Asset>(json!({"name": "n"})).unwrap_err();
        assert!(err.contains("missing field `id`"), "{err}");
    }

    #[test]
    fn a_wrong_value_is_an_error_naming_what_was_expected() {
        let err = read::<Asset>(json!({"id": 5, "createdOn": 1})).unwrap_err();
        assert!(err.contains("invalid type: integer `5`, expected a string"), "{err}");
        let err = read::<Asset>(json!({"id": "a", "createdOn": 1, "data": "not base64!"})).unwrap_err();
        assert!(err.contains("invalid base64"), "{err}");
        let err = read::<Asset>(json!("text")).unwrap_err();
        assert!(err.contains("expected an object (Asset)"), "{err}");
    }

    #[test]
    fn the_last_of_a_repeated_member_wins() {
        let asset: Asset = serde_json::from_str(r#"{"id":"a","id":"b","createdOn":1}"#).unwrap();
        assert_eq!(asset.id, "b");
    }

    #[test]
    fn escaped_member_names_are_read() {
        let asset: Asset = serde_json::from_str(r#"{"\u0069d":"a","createdOn":1,"\u00e9":2}"#).unwrap();
        assert_eq!(asset.id, "a");
        assert_eq!(asset.unknown_fields.get("é"), Some(&json!(2)));
    }

    #[test]
    fn unnamed_members_are_skipped_or_go_to_the_map() {
        assert_eq!(
            read::<Closed>(json!({"a": 1, "b": {"c": [1]}})).unwrap(),
            Closed { a: Some(1) }
        );
        let counts: Counts = read(json!({"total": 3, "x": 1, "y": 2})).unwrap();
        assert_eq!(counts.total, Some(3));
        assert_eq!(
            counts.additional_properties,
            BTreeMap::from([("x".into(), 1), ("y".into(), 2)])
        );
        let err = read::<Counts>(json!({"x": "one"})).unwrap_err();
        assert!(err.contains("expected u32"), "{err}");
    }

    #[derive(Debug, Default, PartialEq)]
    struct Optional {
        a: Option<u8>,
        unknown_fields: UnknownFields,
    }
    crate::serde_struct!(Optional { ?a } ..unknown_fields);

    #[derive(Debug, PartialEq)]
    struct Holder {
        one: Optional,
        maybe: Option<Optional>,
    }
    crate::serde_struct!(Holder { one(as ObjectOrEmptyList), ?maybe(as OptionalObjectOrEmptyList) });

    #[test]
    fn an_empty_list_is_an_empty_object_where_the_field_says_so() {
        let holder: Holder = read(json!({"one": [], "maybe": []})).unwrap();
        assert_eq!(holder.one, Optional::default());
        assert_eq!(holder.maybe, Some(Optional::default()));
        let holder: Holder = read(json!({"one": {"a": 1, "b": 2}, "maybe": null})).unwrap();
        assert_eq!(holder.one.a, Some(1));
        assert_eq!(holder.one.unknown_fields.get("b"), Some(&json!(2)));
        assert_eq!(holder.maybe, None);
        let holder: Holder = read(json!({"one": {}, "maybe": {"a": 2}})).unwrap();
        assert_eq!(holder.maybe.and_then(|m| m.a), Some(2));
        assert_eq!(read::<Holder>(json!({"one": {}})).unwrap().maybe, None);
        assert!(read::<Holder>(json!({"one": [1]})).is_err());
        assert!(read::<Holder>(json!({"one": "x"})).is_err());
        assert!(
            read::<Holder>(json!({"maybe": {}}))
                .unwrap_err()
                .contains("missing field `one`")
        );
        // Elsewhere a list is not an object: a union may have a list variant.
        assert!(read::<Optional>(json!([])).is_err());
        assert!(read::<Closed>(json!([])).is_err());
    }

    #[test]
    fn through_an_untagged_union() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(untagged)]
        enum Either {
            Asset(Asset),
            Text(String),
        }
        let either: Either = read(json!({"id": "a", "createdOn": 2, "z": true})).unwrap();
        let Either::Asset(asset) = either else {
            panic!("{either:?}")
        };
        assert_eq!(asset.unknown_fields.get("z"), Some(&json!(true)));
        let Either::Text(text) = read::<Either>(json!("t")).unwrap() else {
            panic!()
        };
        assert_eq!(text, "t");
    }

    #[test]
    fn written_in_order_with_wire_names_and_the_rest_last() {
        let mut asset = Asset {
            id: "a1".into(),
            created_on: 7,
            name: None,
            r#type: Some("ThingAsset".into()),
            data: Some(b"hi".to_vec()),
            unknown_fields: UnknownFields::default(),
        };
        asset.unknown_fields.insert("extra".into(), json!([1]));
        assert_eq!(
            serde_json::to_string(&asset).unwrap(),
            r#"{"id":"a1","createdOn":7,"name":null,"type":"ThingAsset","data":"aGk=","extra":[1]}"#
        );
        // A `?` field that is `None` is left out; one without `?` is `null`.
        asset.r#type = None;
        asset.data = None;
        asset.unknown_fields.clear();
        assert_eq!(
            serde_json::to_string(&asset).unwrap(),
            r#"{"id":"a1","createdOn":7,"name":null}"#
        );
        let counts = Counts {
            total: Some(2),
            additional_properties: BTreeMap::from([("b".into(), 1), ("a".into(), 3)]),
        };
        assert_eq!(serde_json::to_string(&counts).unwrap(), r#"{"total":2,"a":3,"b":1}"#);
        assert_eq!(serde_json::to_string(&Closed { a: None }).unwrap(), "{}");
    }

    #[test]
    fn what_is_read_is_written_back_unchanged() {
        let text = r#"{"id":"a1","createdOn":7,"name":"n","type":"T","data":"aGk=","more":{"x":[true,null]}}"#;
        let asset: Asset = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&asset).unwrap(), text);
        let holder: Holder = serde_json::from_str(r#"{"one":[],"maybe":{"a":1,"z":2}}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&holder).unwrap(),
            r#"{"one":{},"maybe":{"a":1,"z":2}}"#
        );
    }

    #[derive(Debug, PartialEq)]
    struct Nothing {}
    crate::serde_struct!(Nothing {});

    #[test]
    fn a_struct_without_fields() {
        assert_eq!(read::<Nothing>(json!({"a": 1})).unwrap(), Nothing {});
        assert_eq!(serde_json::to_string(&Nothing {}).unwrap(), "{}");
    }
}
