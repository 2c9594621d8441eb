//! Query strings ↔ parameter pairs. Links are built from typed grid state
//! (`GridQuery::to_pairs`) and encoded here; the server decodes the page's query string here
//! before validating it. Both sides use this one codec, so a link always means what it says.

/// `a=1&b=x%20y`: unreserved characters and `,` (the list separator of multi-choice filters)
/// stay readable; everything else is percent-encoded, spaces as `%20`.
pub fn encode_pairs<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k.as_ref()), encode(v.as_ref())))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Decodes `application/x-www-form-urlencoded` text (a leading `?` is ignored): `+` is a
/// space, `%XX` a byte; malformed escapes stay as typed and invalid UTF-8 becomes U+FFFD, so
/// no input is an error here (validation names bad values later).
pub fn decode_query(query: &str) -> Vec<(String, String)> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// `path?query`, or `path` alone when there is no query.
pub fn href(path: &str, pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", encode_pairs(pairs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn pairs_round_trip_whatever_they_hold() {
        let hostile = pairs(&[
            ("status", "open,lost"),
            ("email", "a b+c@x.com"),
            ("name", "O'Brien & <script>alert(1)</script>"),
            ("q", "50%_off\\;--"),
            ("emoji", "Zoë 🍰"),
            ("eq", "a=b&c=d"),
        ]);
        let encoded = encode_pairs(&hostile);
        assert!(
            encoded.starts_with("status=open,lost&email=a%20b%2Bc%40x.com"),
            "{encoded}"
        );
        assert_eq!(decode_query(&encoded), hostile);
    }

    #[test]
    fn browsers_form_encoding_is_understood() {
        assert_eq!(
            decode_query("?email=a+b%40x.com&status=open&status=lost&x"),
            pairs(&[
                ("email", "a b@x.com"),
                ("status", "open"),
                ("status", "lost"),
                ("x", "")
            ])
        );
    }

    #[test]
    fn malformed_escapes_never_fail() {
        assert_eq!(
            decode_query("a=%&b=%4&c=%zz&d=%E2%82"),
            pairs(&[("a", "%"), ("b", "%4"), ("c", "%zz"), ("d", "\u{FFFD}")])
        );
        assert_eq!(decode_query(""), vec![]);
        assert_eq!(decode_query("&&="), pairs(&[("", "")]));
    }

    #[test]
    fn hrefs_leave_out_an_empty_query() {
        assert_eq!(href("/carts", &[]), "/carts");
        assert_eq!(href("/carts", &pairs(&[("page", "2")])), "/carts?page=2");
    }
}
