//! The fields of an object that the spec does not name, kept as received
//! so that an object read, changed and sent back loses nothing.

use serde::{Deserialize, Serialize};
use std::fmt;
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

#[cfg(test)]
mod tests {
    use super::UnknownFields;

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
