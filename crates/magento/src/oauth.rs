//! OAuth 1.0a request signing (RFC 5849) with HMAC-SHA256, as Magento integrations expect.
//!
//! The signature base string covers the method, the base URI (no query) and every query
//! parameter plus the `oauth_*` protocol parameters, each name and value percent-encoded
//! per RFC 5849 §3.6 and sorted by name then value (§3.4.1.3.2). searchCriteria lives in
//! the query string, so it is signed too; request bodies are JSON and are not.
//!
//! Magento verifies with Laminas' signer, which sorts names with `strnatcmp`; that equals
//! byte order unless a list index reaches 10 (`[10]` vs `[2]`), which the CRM never sends.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use rand::Rng;
use rand::distributions::Alphanumeric;
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use url::Url;

use crate::http::encode;

/// An integration's four OAuth values.
pub(crate) struct Credentials {
    pub consumer_key: SecretString,
    pub consumer_secret: SecretString,
    pub token: SecretString,
    pub token_secret: SecretString,
}

/// The `Authorization` header value for one request, with a fresh nonce and timestamp.
pub(crate) fn authorization(creds: &Credentials, method: &str, url: &Url) -> String {
    let nonce: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(char::from)
        .collect();
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    sign(creds, method, url, &nonce, timestamp)
}

/// Signs with a given nonce and timestamp (deterministic, for tests).
pub(crate) fn sign(
    creds: &Credentials,
    method: &str,
    url: &Url,
    nonce: &str,
    timestamp: u64,
) -> String {
    let timestamp = timestamp.to_string();
    let mut params = vec![
        ("oauth_consumer_key", creds.consumer_key.expose_secret()),
        ("oauth_nonce", nonce),
        ("oauth_signature_method", "HMAC-SHA256"),
        ("oauth_timestamp", timestamp.as_str()),
        ("oauth_token", creds.token.expose_secret()),
        ("oauth_version", "1.0"),
    ];
    let base = base_string(method, url, &params);
    let key = format!(
        "{}&{}",
        encode(creds.consumer_secret.expose_secret()),
        encode(creds.token_secret.expose_secret())
    );
    let signature = hmac_sha256_base64(key.as_bytes(), base.as_bytes());
    params.push(("oauth_signature", signature.as_str()));
    let fields: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", encode(v)))
        .collect();
    format!("OAuth {}", fields.join(", "))
}

fn hmac_sha256_base64(key: &[u8], message: &[u8]) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key"));
    mac.update(message);
    STANDARD.encode(mac.finalize().into_bytes())
}

/// RFC 5849 §3.4.1: `METHOD&encode(base URI)&encode(normalised parameters)`.
pub(crate) fn base_string(method: &str, url: &Url, extra_params: &[(&str, &str)]) -> String {
    let mut params: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (encode(&k), encode(&v)))
        .collect();
    params.extend(extra_params.iter().map(|(k, v)| (encode(k), encode(v))));
    params.sort();
    let normalised: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!(
        "{}&{}&{}",
        method.to_ascii_uppercase(),
        encode(&base_uri(url)),
        encode(&normalised.join("&"))
    )
}

/// RFC 5849 §3.4.1.2: scheme and host lower-case, default port dropped, no query/fragment.
/// `Url` already lower-cases scheme and host and hides default ports.
fn base_uri(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{}://{host}:{port}{}", url.scheme(), url.path()),
        None => format!("{}://{host}{}", url.scheme(), url.path()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_string_matches_the_rfc_5849_example() {
        // RFC 5849 §3.4.1.1; the form-body parameters c2 and a3 are passed alongside.
        let url =
            Url::parse("http://EXAMPLE.COM:80/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b").unwrap();
        let params = [
            ("oauth_consumer_key", "9djdj82h48djs9d2"),
            ("oauth_token", "kkk9d7dh3k39sjv7"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "137131201"),
            ("oauth_nonce", "7d8f3e4a"),
            ("c2", ""),
            ("a3", "2 q"),
        ];
        assert_eq!(
            base_string("post", &url, &params),
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26\
             c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26\
             oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"
        );
    }

    #[test]
    fn header_carries_every_protocol_parameter_and_a_sha256_signature() {
        let creds = Credentials {
            consumer_key: "ck".into(),
            consumer_secret: "cs".into(),
            token: "tk".into(),
            token_secret: "ts".into(),
        };
        let url =
            Url::parse("https://shop.example.com/rest/V1/orders?searchCriteria%5BpageSize%5D=1")
                .unwrap();
        let header = sign(&creds, "GET", &url, "abc", 1_700_000_000);
        assert!(
            header.starts_with("OAuth oauth_consumer_key=\"ck\", oauth_nonce=\"abc\""),
            "{header}"
        );
        assert!(header.contains("oauth_signature_method=\"HMAC-SHA256\""));
        let base = base_string(
            "GET",
            &url,
            &[
                ("oauth_consumer_key", "ck"),
                ("oauth_nonce", "abc"),
                ("oauth_signature_method", "HMAC-SHA256"),
                ("oauth_timestamp", "1700000000"),
                ("oauth_token", "tk"),
                ("oauth_version", "1.0"),
            ],
        );
        let expected = encode(&hmac_sha256_base64(b"cs&ts", base.as_bytes()));
        assert!(
            header.contains(&format!("oauth_signature=\"{expected}\"")),
            "{header}"
        );
        assert!(
            base.contains("searchCriteria%255BpageSize%255D%3D1"),
            "{base}"
        );
    }
}
