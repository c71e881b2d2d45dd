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
        // The form encoding escapes `[` and `]`; a name gets them back.
        for piece in form_urlencoded::byte_serialize(name.as_bytes()) {
            text.push_str(&piece.replace("%5B", "[").replace("%5D", "]"));
        }
        text.push('=');
        text.extend(form_urlencoded::byte_serialize(value.as_bytes()));
    }
    url.set_query(Some(&text));
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
