//! Where a body that does not decode goes wrong. A response is decoded the
//! fast way first; only when that fails is it decoded again, with
//! `serde_path_to_error`, to name the JSON path of the failing value
//! (`records[0].extended[26].dataAttributeEnumValues[0].nameEnum`). The
//! successful call pays nothing for it.

use serde::de::DeserializeOwned;

/// The path of the value at which `body` stops decoding as `T`; `None`
/// when the failure is at the top (not JSON, or the wrong kind of root).
pub(crate) fn failing_path<T: DeserializeOwned>(body: &[u8]) -> Option<String> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(_) => None,
        Err(error) => {
            let path = error.path().to_string();
            (path != ".").then_some(path)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::failing_path;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        records: Vec<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        #[serde(rename = "nameEnum")]
        name_enum: String,
    }

    #[test]
    fn names_the_failing_value() {
        let body = br#"{"records": [{"nameEnum": "a"}, {"nameEnum": 1}]}"#;
        assert_eq!(failing_path::<Outer>(body).as_deref(), Some("records[1].nameEnum"));
    }

    #[test]
    fn no_path_for_a_body_that_is_not_json() {
        assert_eq!(failing_path::<Outer>(b"<html>"), None);
    }
}
