//! The fields of an object that the spec does not name, kept as received
//! so that an object read, changed and sent back loses nothing.

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

/// The members of a JSON object that its type does not name: a newer
/// server's fields, or ones the spec leaves out. Decoding keeps them here
/// and encoding writes them back unchanged, so a read-modify-write (`get`,
/// change a field, `put`) does not erase what this client does not know.
///
/// It reads and writes as a `serde_json::Map` (through `Deref`). `Debug`
/// hides the values of members named like a credential (`token`,
/// `password`, ...); the values themselves are kept as sent.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnknownFields(serde_json::Map<String, serde_json::Value>);

impl UnknownFields {
    /// The members as a map.
    pub fn into_inner(self) -> serde_json::Map<String, serde_json::Value> {
        self.0
    }
}

impl From<serde_json::Map<String, serde_json::Value>> for UnknownFields {
    fn from(map: serde_json::Map<String, serde_json::Value>) -> Self {
        UnknownFields(map)
    }
}

impl Deref for UnknownFields {
    type Target = serde_json::Map<String, serde_json::Value>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl DerefMut for UnknownFields {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl fmt::Debug for UnknownFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in &self.0 {
            if !value.is_null() && crate::error::is_secret_member(name) {
                map.entry(name, &format_args!("<redacted>"));
            } else {
                let mut value = value.clone();
                crate::error::redact(&mut value);
                map.entry(name, &format_args!("{value}"));
            }
        }
        map.finish()
    }
}

/// A struct with only optional fields, read from an object or from an
/// empty list (`[]`, how PHP's `json_encode` writes an empty map) as its
/// default. serde reads such a struct from a list by itself, but not one
/// that keeps [`UnknownFields`] (flattened fields need an object), so
/// generated fields of such a type use this.
#[doc(hidden)]
pub fn object_or_empty_list<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    deserializer.deserialize_any(ObjectOrEmptyList(PhantomData))
}

/// [`object_or_empty_list`] for an optional field: `null` is `None`.
#[doc(hidden)]
pub fn optional_object_or_empty_list<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    struct Inner<T>(T);
    impl<'de, T: Deserialize<'de> + Default> Deserialize<'de> for Inner<T> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            object_or_empty_list(deserializer).map(Inner)
        }
    }
    Ok(Option::<Inner<T>>::deserialize(deserializer)?.map(|inner| inner.0))
}

struct ObjectOrEmptyList<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de> + Default> Visitor<'de> for ObjectOrEmptyList<T> {
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

#[cfg(test)]
mod tests {
    use super::UnknownFields;

    #[derive(Debug, Default, PartialEq, serde::Deserialize)]
    struct Optional {
        a: Option<u8>,
        #[serde(flatten)]
        unknown: UnknownFields,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Holder {
        #[serde(deserialize_with = "super::object_or_empty_list")]
        one: Optional,
        #[serde(default, deserialize_with = "super::optional_object_or_empty_list")]
        maybe: Option<Optional>,
    }

    #[test]
    fn an_empty_list_is_an_empty_object() {
        let holder: Holder = serde_json::from_str(r#"{"one":[],"maybe":[]}"#).unwrap();
        assert_eq!(holder.one, Optional::default());
        assert_eq!(holder.maybe, Some(Optional::default()));
        let holder: Holder = serde_json::from_str(r#"{"one":{"a":1,"b":2},"maybe":null}"#).unwrap();
        assert_eq!(holder.one.a, Some(1));
        assert_eq!(holder.one.unknown.get("b"), Some(&serde_json::json!(2)));
        assert_eq!(holder.maybe, None);
        let holder: Holder = serde_json::from_str(r#"{"one":{}}"#).unwrap();
        assert_eq!(holder.maybe, None);
        assert!(serde_json::from_str::<Holder>(r#"{"one":[1]}"#).is_err());
        assert!(serde_json::from_str::<Holder>(r#"{"one":"x"}"#).is_err());
    }

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Known {
        name: String,
        #[serde(flatten)]
        unknown: UnknownFields,
    }

    #[test]
    fn kept_and_written_back() {
        let text = r#"{"name":"a","added":{"nested":[1,2]},"flag":true}"#;
        let known: Known = serde_json::from_str(text).unwrap();
        assert_eq!(known.unknown.get("flag"), Some(&serde_json::Value::Bool(true)));
        let again: serde_json::Value = serde_json::to_value(&known).unwrap();
        assert_eq!(again, serde_json::from_str::<serde_json::Value>(text).unwrap());
    }

    #[test]
    fn debug_hides_credentials() {
        let known: Known =
            serde_json::from_str(r#"{"name":"a","apiToken":"s3cret","inner":{"password":"pw"},"x":1}"#).unwrap();
        let text = format!("{known:?}");
        assert!(!text.contains("s3cret") && !text.contains("pw\""), "{text}");
        assert!(text.contains("\"x\": 1"), "{text}");
    }
}
