//! Small HTTP helpers shared by the client, the OAuth signer and the criteria encoder.

use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::header::{HeaderMap, HeaderName};

/// Everything but RFC 3986 "unreserved" (`ALPHA DIGIT - . _ ~`) is percent-encoded.
///
/// This is the encoding RFC 5849 §3.6 prescribes for OAuth, and using it for query strings
/// too means a value (`%` wildcards, `&`, `+`, `#`, spaces, unicode) and a bracketed key
/// read back identically in PHP (`rawurldecode`/`urldecode`) and in the OAuth base string.
const STRICT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes `s` with the RFC 3986 unreserved set.
pub(crate) fn encode(s: &str) -> String {
    utf8_percent_encode(s, STRICT).to_string()
}

/// Joins already-decoded pairs into an encoded query string.
pub(crate) fn encode_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    pairs
        .into_iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn header_str<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

/// The store's clock from the `Date` header (any HTTP-date form).
pub(crate) fn server_date(headers: &HeaderMap) -> Option<DateTime<Utc>> {
    let text = header_str(headers, &reqwest::header::DATE)?;
    httpdate::parse_http_date(text)
        .ok()
        .map(DateTime::<Utc>::from)
}

/// `Retry-After` as a delay: delta-seconds, or an HTTP-date measured against the store's
/// own `Date` header when present (so clock skew between us and the store does not matter).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = header_str(headers, &reqwest::header::RETRY_AFTER)?;
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(text).ok()?;
    let now = server_date(headers)
        .map(SystemTime::from)
        .unwrap_or_else(SystemTime::now);
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A short, single-line excerpt of a (possibly HTML) body for error messages. Only the start
/// is looked at: the excerpt is 200 characters, the body may be megabytes.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(64 * 1024)]);
    let mut out = String::new();
    let mut in_tag = false;
    let mut last_space = true;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                if !last_space {
                    out.push(' ');
                    last_space = true;
                }
            }
            _ if in_tag => {}
            c if c.is_whitespace() => {
                if !last_space {
                    out.push(' ');
                    last_space = true;
                }
            }
            c => {
                out.push(c);
                last_space = false;
            }
        }
        if out.chars().count() >= 200 {
            out.push('…');
            break;
        }
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{DATE, HeaderValue, RETRY_AFTER};

    #[test]
    fn encoding_keeps_only_unreserved_characters() {
        assert_eq!(encode("a-b.c_d~e"), "a-b.c_d~e");
        assert_eq!(
            encode("searchCriteria[pageSize]"),
            "searchCriteria%5BpageSize%5D"
        );
        assert_eq!(encode("50% & +#x y"), "50%25%20%26%20%2B%23x%20y");
        assert_eq!(encode("é"), "%C3%A9");
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:40 GMT"),
        );
        h.insert(
            DATE,
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
        );
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        assert_eq!(
            server_date(&h).map(|d| d.to_rfc3339()),
            Some("1994-11-06T08:49:37+00:00".to_owned())
        );
    }

    #[test]
    fn snippets_strip_html_and_collapse_whitespace() {
        assert_eq!(
            snippet(b"<html><body><h1>404\n Not   Found</h1></body></html>"),
            "404 Not Found"
        );
    }
}
