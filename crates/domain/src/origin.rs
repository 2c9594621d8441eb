//! The origin (scheme, host, port) of a store address: stored credentials are only ever sent
//! to the origin they were entered for. One rule for the server, which decides
//! (`store::channels`), and the browser, which warns in the channel wizard.

/// The origin (scheme, host and port) of a store address, as the Magento client calls it
/// (`magento`'s config: a missing scheme means https, scheme and host are case-insensitive, a
/// default port is the same as none). `None` for an address whose host is not plainly a host
/// name, an IPv4 or a bracketed IPv6 address (user info, percent escapes, non-ASCII): such an
/// address matches nothing, so stored credentials are never sent to it. The path is not part of
/// it: another store view or sub-path of the same host is the same store.
pub fn store_origin(url: &str) -> Option<String> {
    let url = url.trim();
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
        None => ("https".to_string(), url),
    };
    let default_port = match scheme.as_str() {
        "https" => 443,
        "http" => 80,
        _ => return None,
    };
    // The client's URL parser ends the authority at any of these (a backslash too, for http).
    let authority = rest.split(['/', '\\', '?', '#']).next().unwrap_or("");
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (inside, after) = v6.split_once(']')?;
            let plain = !inside.is_empty()
                && inside
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
            (
                plain.then(|| format!("[{}]", inside.to_ascii_lowercase()))?,
                after,
            )
        }
        None => {
            let (host, after) = authority.split_at(authority.find(':').unwrap_or(authority.len()));
            let plain = !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'));
            (plain.then(|| host.to_ascii_lowercase())?, after)
        }
    };
    let port = match port {
        "" | ":" => default_port,
        p => {
            let digits = p.strip_prefix(':')?;
            if !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            digits.parse::<u16>().ok()?
        }
    };
    Some(format!("{scheme}://{host}:{port}"))
}

/// Whether two store addresses have one origin (and both have a plain one).
pub fn same_origin(a: &str, b: &str) -> bool {
    matches!((store_origin(a), store_origin(b)), (Some(x), Some(y)) if x == y)
}

/// Whether a channel edit turns the store's certificate check off: stored credentials then need
/// typing again, since without the check anyone on the way can pose as the store. Over plain
/// http there is no certificate, so the switch changes nothing; an address without a scheme is
/// https, as for [`store_origin`].
pub fn certificate_check_dropped(was_checked: bool, checked: bool, url: &str) -> bool {
    let https = url
        .trim()
        .split_once("://")
        .is_none_or(|(scheme, _)| scheme.eq_ignore_ascii_case("https"));
    was_checked && !checked && https
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_https_check_turned_off_is_dropped() {
        assert!(certificate_check_dropped(
            true,
            false,
            "https://shop.example.com"
        ));
        assert!(certificate_check_dropped(
            true,
            false,
            " HTTPS://shop.example.com"
        ));
        assert!(certificate_check_dropped(true, false, "shop.example.com"));
        assert!(!certificate_check_dropped(true, false, "http://10.0.0.5"));
        assert!(!certificate_check_dropped(
            true,
            true,
            "https://shop.example.com"
        ));
        assert!(!certificate_check_dropped(
            false,
            false,
            "https://shop.example.com"
        ));
    }

    #[test]
    fn one_origin_however_it_is_typed() {
        for (a, b) in [
            ("https://shop.example.com", "https://shop.example.com/"),
            ("https://shop.example.com", "HTTPS://Shop.Example.COM:443"),
            ("https://shop.example.com", "shop.example.com/rest/default"),
            (
                "https://shop.example.com",
                "https://shop.example.com/index.php/rest/V1?x#y",
            ),
            ("http://127.0.0.1:8080", "http://127.0.0.1:08080/rest/all"),
            ("http://shop.example.com", "http://shop.example.com:80"),
            ("http://shop.example.com:", "http://shop.example.com"),
            ("https://[::1]:8443", "https://[::1]:8443/magento"),
            (
                "https://a.example.com\\@b.example.com",
                "https://a.example.com",
            ),
        ] {
            assert!(same_origin(a, b), "{a} vs {b}");
        }
    }

    #[test]
    fn another_host_port_or_scheme_is_another_origin() {
        for (a, b) in [
            ("https://shop.example.com", "https://shop.example.net"),
            (
                "https://shop.example.com",
                "https://shop.example.com.evil.net",
            ),
            (
                "https://shop.example.com",
                "https://evil.net/shop.example.com",
            ),
            ("https://shop.example.com", "https://shop.example.com:8443"),
            ("https://shop.example.com", "http://shop.example.com"),
            ("http://shop.example.com", "http://shop.example.com:443"),
            ("https://[::1]", "https://[::2]"),
        ] {
            assert!(!same_origin(a, b), "{a} vs {b}");
        }
    }

    #[test]
    fn an_address_that_is_not_plainly_a_host_matches_nothing() {
        for url in [
            "https://user:pw@shop.example.com",
            "https://shop.example.com@evil.net",
            "https://%73hop.example.com",
            "https://shöp.example.com",
            "https://shop.example.com:https",
            "https://shop.example.com:+443",
            "https://shop.example.com:70000",
            "https://",
            "ftp://shop.example.com",
            "https://[::1",
        ] {
            assert_eq!(store_origin(url), None, "{url}");
            assert!(!same_origin(url, url), "{url}");
        }
    }
}
