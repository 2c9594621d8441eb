//! OAuth 1.0a request verification (RFC 5849 §3.4, HMAC-SHA256 or HMAC-SHA1), with
//! Magento's checks and messages (`Framework/Oauth/Oauth.php`, `Token/Provider.php`,
//! `Nonce/Generator.php`).

use base64::Engine;
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::config::OAuthCredentials;
use crate::error::ApiError;

/// RFC 3986 unreserved characters stay; everything else is `%XX`.
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

pub fn encode(s: &str) -> String {
    utf8_percent_encode(s, RFC3986).to_string()
}

/// `OAuth k="v", ...` -> decoded pairs (only `oauth_*` keys, as Magento keeps).
pub fn parse_header(value: &str) -> Option<Vec<(String, String)>> {
    let lower = value.to_ascii_lowercase();
    let start = lower.find("oauth ")? + 6;
    let mut out = Vec::new();
    for part in value[start..].split(',') {
        let Some((k, v)) = part.trim().split_once('=') else {
            continue;
        };
        let k = decode(k.trim());
        if k.starts_with("oauth_") {
            out.push((k, decode(v.trim().trim_matches('"'))));
        }
    }
    Some(out)
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// The signature base string: METHOD & encoded URL & encoded sorted parameters.
pub fn base_string(method: &str, url: &str, params: &[(String, String)]) -> String {
    let mut encoded: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| k != "oauth_signature" && k != "realm")
        .map(|(k, v)| (encode(k), encode(v)))
        .collect();
    encoded.sort();
    let joined: Vec<String> = encoded
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    format!(
        "{}&{}&{}",
        method.to_ascii_uppercase(),
        encode(url),
        encode(&joined.join("&"))
    )
}

/// Base64 HMAC of the base string with key `consumerSecret&tokenSecret`.
pub fn sign(base: &str, consumer_secret: &str, token_secret: &str, method: &str) -> Option<String> {
    let key = format!("{}&{}", encode(consumer_secret), encode(token_secret));
    let digest = match method {
        "HMAC-SHA256" => {
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).ok()?;
            mac.update(base.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        "HMAC-SHA1" => {
            let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()).ok()?;
            mac.update(base.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        _ => return None,
    };
    Some(base64::engine::general_purpose::STANDARD.encode(digest))
}

/// What a verified request needs from the surrounding code.
pub struct OAuthRequest<'a> {
    pub method: &'a str,
    /// Normalised `scheme://host[:port]/path`.
    pub url: &'a str,
    /// Query (and form body) parameters, decoded.
    pub query: Vec<(String, String)>,
    pub header: Vec<(String, String)>,
    /// Wall-clock seconds, for the timestamp check.
    pub now: i64,
}

/// Checks a signed request in Magento's order; returns the nonce to remember.
pub fn verify(
    req: &OAuthRequest<'_>,
    creds: &OAuthCredentials,
    nonce_seen: impl Fn(&str) -> bool,
) -> Result<String, ApiError> {
    let get = |k: &str| {
        req.header
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    if let Some(version) = get("oauth_version").filter(|v| *v != "1.0") {
        return Err(
            ApiError::new(400, "The \"%1\" Oauth version isn't supported.")
                .positional(vec![version.into()]),
        );
    }
    for required in [
        "oauth_consumer_key",
        "oauth_signature",
        "oauth_signature_method",
        "oauth_nonce",
        "oauth_timestamp",
        "oauth_token",
    ] {
        if get(required).is_none() {
            return Err(ApiError::required(required));
        }
    }
    let method = get("oauth_signature_method").unwrap_or("");
    if method != "HMAC-SHA256" && method != "HMAC-SHA1" {
        return Err(ApiError::new(400, "Signature method %1 is not supported")
            .positional(vec![method.into()]));
    }
    let unauthorized = |m: &str| ApiError::new(401, m);
    if get("oauth_consumer_key") != Some(creds.consumer_key.as_str()) {
        return Err(unauthorized(
            "A consumer having the specified key does not exist",
        ));
    }
    let timestamp: i64 = get("oauth_timestamp")
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    if timestamp <= 0 || timestamp > req.now + 600 {
        return Err(unauthorized(
            "Incorrect timestamp value in the oauth_timestamp parameter",
        ));
    }
    let nonce = get("oauth_nonce").unwrap_or("").to_string();
    if nonce_seen(&nonce) {
        return Err(ApiError::new(
            401,
            "The nonce is already being used by the consumer with ID %1",
        )
        .positional(vec![1.into()]));
    }
    if get("oauth_token") != Some(creds.access_token.as_str()) {
        return Err(unauthorized("Specified token does not exist"));
    }
    let mut params = req.query.clone();
    params.extend(req.header.iter().cloned());
    let base = base_string(req.method, req.url, &params);
    let expected = sign(
        &base,
        &creds.consumer_secret,
        &creds.access_token_secret,
        method,
    )
    .unwrap_or_default();
    let given = get("oauth_signature").unwrap_or("");
    if !constant_time_eq(expected.as_bytes(), given.as_bytes()) {
        return Err(unauthorized(
            "The signature is invalid. Verify and try again.",
        ));
    }
    Ok(nonce)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 5849 §3.4.1.1 example (base string construction).
    #[test]
    fn builds_the_rfc_base_string() {
        let params: Vec<(String, String)> = [
            ("b5", "=%3D"),
            ("a3", "a"),
            ("c@", ""),
            ("a2", "r b"),
            ("oauth_consumer_key", "9djdj82h48djs9d2"),
            ("oauth_token", "kkk9d7dh3k39sjv7"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "137131201"),
            ("oauth_nonce", "7d8f3e4a"),
            ("c2", ""),
            ("a3", "2 q"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let base = base_string("post", "http://example.com/request", &params);
        assert_eq!(
            base,
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"
        );
    }

    #[test]
    fn parses_authorization_headers() {
        let h =
            parse_header(r#"OAuth realm="", oauth_consumer_key="ck", oauth_signature="a%2Bb%3D""#)
                .unwrap();
        assert_eq!(
            h,
            vec![
                ("oauth_consumer_key".into(), "ck".into()),
                ("oauth_signature".into(), "a+b=".into())
            ]
        );
    }
}
