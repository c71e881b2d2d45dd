//! Values whose schema is "any JSON": a request body written from any
//! serializable Rust value, and a free JSON value read as a Rust type.

use crate::Failure;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A request body the spec leaves free (any JSON), written as JSON from
/// whatever serializable value the caller passed. A value that cannot be
/// written (a map with non-string keys, say) is kept as the error, and the
/// call fails with it before anything is sent.
#[derive(Debug)]
#[doc(hidden)]
pub struct AnyJson(Result<Vec<u8>, String>);

impl AnyJson {
    pub fn new<T: Serialize + ?Sized>(value: &T) -> Self {
        AnyJson(serde_json::to_vec(value).map_err(|e| e.to_string()))
    }

    /// The JSON text of the body.
    pub fn into_bytes(self) -> Result<Vec<u8>, Failure> {
        self.0
            .map_err(|e| Failure::InvalidRequest(format!("the request body cannot be written as JSON: {e}")))
    }
}

static NULL: serde_json::Value = serde_json::Value::Null;

/// A free JSON value read as a `T`, without a copy. An absent value reads
/// as `null`: ask for an `Option<T>` where the value may be missing.
#[doc(hidden)]
pub fn value_as<T: DeserializeOwned>(value: Option<&serde_json::Value>) -> Result<T, serde_json::Error> {
    T::deserialize(value.unwrap_or(&NULL))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn any_serializable_value_becomes_the_body() {
        assert_eq!(AnyJson::new(&true).into_bytes().unwrap(), b"true");
        assert_eq!(AnyJson::new("on").into_bytes().unwrap(), b"\"on\"");
        assert_eq!(AnyJson::new(&[1.5, 2.0]).into_bytes().unwrap(), b"[1.5,2.0]");
        assert_eq!(AnyJson::new(&None::<u8>).into_bytes().unwrap(), b"null");
    }

    #[test]
    fn a_value_that_is_not_json_is_an_invalid_request() {
        let map: std::collections::BTreeMap<(u8, u8), u8> = [((1, 2), 3)].into();
        match AnyJson::new(&map).into_bytes() {
            Err(Failure::InvalidRequest(message)) => {
                assert!(message.contains("cannot be written as JSON"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn values_read_as_types() {
        let v = json!(21.5);
        assert_eq!(value_as::<f64>(Some(&v)).unwrap(), 21.5);
        assert_eq!(value_as::<Option<f64>>(None).unwrap(), None);
        assert!(value_as::<f64>(None).is_err());
        assert!(value_as::<bool>(Some(&v)).is_err());
        let v = json!({"type": "Point", "coordinates": [5.46, 51.44]});
        let point: std::collections::BTreeMap<String, serde_json::Value> = value_as(Some(&v)).unwrap();
        assert_eq!(point["type"], "Point");
    }
}
