//! Query strings ↔ parameter pairs (the codec itself is `domain::grid::codec`, shared with the
//! store's marketing lists), and links.

pub use domain::grid::codec::{decode_query, encode_pairs};

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
