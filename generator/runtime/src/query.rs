//! The query string. Names and values are written as HTML forms write them
//! (`application/x-www-form-urlencoded`: letters, digits and `*-._` as
//! they are, a space as `+`, every other byte `%XX`), except that `[` and
//! `]` stay as they are in names: PHP servers take `attributeCodes[]=bs`
//! as a list, and a name written `attributeCodes%5B%5D` is not what their
//! documentation shows.

/// Append `pairs` to the query of `url`.
pub(crate) fn append(url: &mut reqwest::Url, pairs: &[(String, String)]) {
    let mut text = url.query().unwrap_or_default().to_owned();
    for (name, value) in pairs {
        if !text.is_empty() {
            text.push('&');
        }
        encode(&mut text, name, true);
        text.push('=');
        encode(&mut text, value, false);
    }
    url.set_query(Some(&text));
}

fn encode(out: &mut String, text: &str, is_name: bool) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &byte in text.as_bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => out.push(byte as char),
            b'[' | b']' if is_name => out.push(byte as char),
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(HEX[usize::from(byte >> 4)] as char);
                out.push(HEX[usize::from(byte & 0x0f)] as char);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::append;

    fn query(pairs: &[(&str, &str)]) -> String {
        let mut url = reqwest::Url::parse("https://example.org/v2/stats").unwrap();
        let pairs: Vec<(String, String)> = pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        append(&mut url, &pairs);
        url.query().unwrap_or_default().to_owned()
    }

    #[test]
    fn php_list_names_keep_their_brackets() {
        assert_eq!(
            query(&[("attributeCodes[]", "bs"), ("attributeCodes[]", "bv")]),
            "attributeCodes[]=bs&attributeCodes[]=bv"
        );
    }

    #[test]
    fn values_are_form_encoded() {
        assert_eq!(query(&[("q", "a b&c=[d]/é")]), "q=a+b%26c%3D%5Bd%5D%2F%C3%A9");
        assert_eq!(query(&[("we ird", "x")]), "we+ird=x");
    }
}
