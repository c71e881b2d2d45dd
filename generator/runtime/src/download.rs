//! File answers: a success response whose media type is not JSON (a CSV
//! export, a spreadsheet, a GPX track) is handed over as it came, with the
//! media type the server named, instead of being decoded.

use crate::Received;
use std::fmt;

/// A file the server sent: the body exactly as received and what the
/// server said it is.
#[derive(Clone, PartialEq, Eq)]
pub struct Download {
    /// The `Content-Type` of the response (parameters such as `charset`
    /// included); `application/octet-stream` when the server named none,
    /// as HTTP says a client may then assume.
    pub content_type: String,
    /// The file name from `Content-Disposition`, when the server gave one.
    pub file_name: Option<String>,
    /// The body, byte for byte.
    pub bytes: Vec<u8>,
}

impl Download {
    /// The media type without parameters, in lower case (`text/csv` for
    /// `text/CSV; charset=utf-8`).
    pub fn media_type(&self) -> String {
        self.content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    }

    /// The bytes as text (invalid UTF-8 replaced), for the text formats.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.bytes)
    }
}

/// The bytes are counted, not shown: a file can be large and binary.
impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("content_type", &self.content_type)
            .field("file_name", &self.file_name)
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .finish()
    }
}

impl Received {
    /// The body as a file, with its media type and file name.
    pub fn download(self) -> Download {
        let header = |name| self.headers.get(name).and_then(|value| value.to_str().ok());
        let content_type = header(reqwest::header::CONTENT_TYPE)
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .unwrap_or("application/octet-stream")
            .to_owned();
        let file_name = header(reqwest::header::CONTENT_DISPOSITION).and_then(file_name);
        Download {
            content_type,
            file_name,
            bytes: Vec::from(self.body),
        }
    }
}

/// The `filename` parameter of a `Content-Disposition` value, quoted or
/// not (`attachment; filename="log.csv"`). The extended `filename*` form is
/// left alone: its encoding would need a decoder this crate does not carry.
fn file_name(disposition: &str) -> Option<String> {
    disposition.split(';').skip(1).find_map(|parameter| {
        let (key, value) = parameter.split_once('=')?;
        if !key.trim().eq_ignore_ascii_case("filename") {
            return None;
        }
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        (!value.is_empty()).then(|| value.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn file_names_quoted_or_not() {
        assert_eq!(
            file_name("attachment; filename=\"site 1.csv\"").as_deref(),
            Some("site 1.csv")
        );
        assert_eq!(file_name("attachment; FileName=log.gpx").as_deref(), Some("log.gpx"));
        assert_eq!(file_name("inline"), None);
        assert_eq!(file_name("attachment; filename=\"\""), None);
    }
}
