//! Bytes that travel in JSON as base64 text (OpenAPI 3.0's `format: byte`,
//! 3.1's `contentEncoding: base64`). A generated field holds the bytes
//! (`Vec<u8>`) and names this module as its serde adapter:
//!
//! ```ignore
//! #[serde(with = "<the runtime>::base64")]
//! pub data: Vec<u8>,
//! ```
//!
//! One adapter serves every shape a field can have around the bytes:
//! `Vec<u8>`, `Option<Vec<u8>>`, `Vec<Vec<u8>>`, `BTreeMap<String, Vec<u8>>`,
//! and any nesting of these ([`Base64Shape`]).
//!
//! Writing uses the standard alphabet with padding (RFC 4648, section 4), as
//! OpenAPI says. Reading is lenient, since servers differ: the standard or
//! the URL-safe alphabet, with or without padding.

use ::base64::Engine as _;
use ::base64::alphabet;
use ::base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// Writes padded standard base64; reads it with or without padding.
const STANDARD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Reads URL-safe base64 (`-` and `_`), with or without padding.
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Bytes as base64 text.
pub fn encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Base64 text (either alphabet, padded or not) as bytes.
pub fn decode(text: &str) -> Result<Vec<u8>, ::base64::DecodeError> {
    STANDARD
        .decode(text)
        .or_else(|err| URL_SAFE.decode(text).map_err(|_| err))
}

/// The serde adapter's writing half (`#[serde(with = ...)]`).
pub fn serialize<T: Base64Shape, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    value.serialize_base64(serializer)
}

/// The serde adapter's reading half (`#[serde(with = ...)]`).
pub fn deserialize<'de, T: Base64Shape, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    T::deserialize_base64(deserializer)
}

/// A type made of base64 values: the bytes themselves, or an option, list
/// or map of such types.
pub trait Base64Shape: Sized {
    fn serialize_base64<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
    fn deserialize_base64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

impl Base64Shape for Vec<u8> {
    fn serialize_base64<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&encode(self))
    }

    fn deserialize_base64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        decode(&text).map_err(|err| D::Error::custom(format_args!("invalid base64: {err}")))
    }
}

impl<T: Base64Shape> Base64Shape for Option<T> {
    fn serialize_base64<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(value) => serializer.serialize_some(&Written(value)),
            None => serializer.serialize_none(),
        }
    }

    fn deserialize_base64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<De<T>>::deserialize(deserializer)?.map(|De(value)| value))
    }
}

impl<T: Base64Shape> Base64Shape for Vec<T> {
    fn serialize_base64<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(Written))
    }

    fn deserialize_base64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Vec::<De<T>>::deserialize(deserializer)?
            .into_iter()
            .map(|De(value)| value)
            .collect())
    }
}

impl<T: Base64Shape> Base64Shape for BTreeMap<String, T> {
    fn serialize_base64<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter().map(|(key, value)| (key, Written(value))))
    }

    fn deserialize_base64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(BTreeMap::<String, De<T>>::deserialize(deserializer)?
            .into_iter()
            .map(|(key, De(value))| (key, value))
            .collect())
    }
}

/// A value written through its [`Base64Shape`].
#[doc(hidden)]
pub struct Written<'a, T>(pub &'a T);

impl<T: Base64Shape> Serialize for Written<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_base64(serializer)
    }
}

/// A value read through its [`Base64Shape`].
struct De<T>(T);

impl<'de, T: Base64Shape> Deserialize<'de> for De<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize_base64(deserializer).map(De)
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};
    use serde_json::json;
    use std::collections::BTreeMap;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Shapes {
        #[serde(with = "super")]
        one: Vec<u8>,
        #[serde(with = "super", default, skip_serializing_if = "Option::is_none")]
        maybe: Option<Vec<u8>>,
        #[serde(with = "super", default)]
        nullable: Option<Vec<u8>>,
        #[serde(with = "super")]
        list: Vec<Vec<u8>>,
        #[serde(with = "super")]
        map: BTreeMap<String, Vec<u8>>,
        #[serde(with = "super", default, skip_serializing_if = "Option::is_none")]
        maybe_list: Option<Vec<Option<Vec<u8>>>>,
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(untagged)]
    enum Union {
        Number(i64),
        Bytes(#[serde(with = "super")] Vec<u8>),
    }

    #[test]
    fn every_shape_round_trips_as_base64_text() {
        let value = Shapes {
            one: b"hello".to_vec(),
            maybe: None,
            nullable: None,
            list: vec![vec![0, 255], Vec::new()],
            map: BTreeMap::from([("k".to_owned(), vec![1, 2, 3])]),
            maybe_list: Some(vec![Some(b"a".to_vec()), None]),
        };
        let json = serde_json::to_value(&value).unwrap();
        assert_eq!(
            json,
            json!({
                "one": "aGVsbG8=",
                "nullable": null,
                "list": ["AP8=", ""],
                "map": {"k": "AQID"},
                "maybe_list": ["YQ==", null],
            })
        );
        assert_eq!(serde_json::from_value::<Shapes>(json).unwrap(), value);
    }

    #[test]
    fn reading_takes_either_alphabet_with_or_without_padding() {
        let json = json!({
            "one": "aGVsbG8",
            "maybe": "-_8",
            "list": [],
            "map": {},
        });
        let value: Shapes = serde_json::from_value(json).unwrap();
        assert_eq!(value.one, b"hello");
        assert_eq!(value.maybe, Some(vec![0xfb, 0xff]));
        assert_eq!(value.nullable, None);
        assert_eq!(value.maybe_list, None);
    }

    #[test]
    fn text_that_is_not_base64_is_a_decode_error() {
        let err = serde_json::from_value::<Shapes>(json!({"one": "not base64!", "list": [], "map": {}})).unwrap_err();
        assert!(err.to_string().contains("invalid base64"), "{err}");
    }

    #[test]
    fn a_union_variant_holds_bytes() {
        assert_eq!(
            serde_json::from_value::<Union>(json!("AQI=")).unwrap(),
            Union::Bytes(vec![1, 2])
        );
        assert_eq!(serde_json::from_value::<Union>(json!(7)).unwrap(), Union::Number(7));
        assert_eq!(serde_json::to_value(Union::Bytes(vec![1, 2])).unwrap(), json!("AQI="));
    }
}
