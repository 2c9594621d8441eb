//! The fake store's own OAuth 1.0a verification, written from RFC 5849 independently of the
//! client's signer.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::{Req, Shared};

/// RFC 5849 §3.6 percent-encoding, written out by hand for an independent check.
fn rfc3986(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Verifies an OAuth 1.0a HMAC-SHA256 signature as RFC 5849 §3.4 describes.
pub(super) fn verify_oauth(
    shared: &Shared,
    req: &Req,
    header: &str,
    consumer_key: &str,
    consumer_secret: &str,
    token: &str,
    token_secret: &str,
) -> Result<(), String> {
    let fields = header.strip_prefix("OAuth ").ok_or("parameter_absent")?;
    let mut oauth: HashMap<String, String> = HashMap::new();
    for part in fields.split(',') {
        let (name, value) = part.trim().split_once('=').ok_or("bad header")?;
        oauth.insert(name.to_owned(), percent_decode(value.trim_matches('"')));
    }
    let get = |k: &str| {
        oauth
            .get(k)
            .cloned()
            .ok_or_else(|| format!("parameter_absent {k}"))
    };
    if get("oauth_consumer_key")? != consumer_key {
        return Err("consumer_key_rejected".into());
    }
    if get("oauth_token")? != token {
        return Err("token_rejected".into());
    }
    if get("oauth_signature_method")? != "HMAC-SHA256" {
        return Err("signature_method_rejected".into());
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let ts: u64 = get("oauth_timestamp")?
        .parse()
        .map_err(|_| "timestamp_refused")?;
    if now.abs_diff(ts) > 600 {
        return Err("timestamp_refused".into());
    }
    if !shared.nonces.lock().unwrap().insert(get("oauth_nonce")?) {
        return Err("nonce_used".into());
    }
    let mut params: Vec<(String, String)> = req
        .pairs()
        .into_iter()
        .map(|(k, v)| (rfc3986(&k), rfc3986(&v)))
        .collect();
    for (k, v) in &oauth {
        if k != "oauth_signature" && k != "realm" {
            params.push((rfc3986(k), rfc3986(v)));
        }
    }
    params.sort();
    let normalised = params
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let host = req.header("host").ok_or("no host")?;
    let path = match &req.store_code {
        Some(code) => format!("/rest/{code}/V1/{}", req.path),
        None => format!("/rest/V1/{}", req.path),
    };
    let base = format!(
        "{}&{}&{}",
        req.method.as_str(),
        rfc3986(&format!("http://{host}{path}")),
        rfc3986(&normalised)
    );
    let key = format!("{}&{}", rfc3986(consumer_secret), rfc3986(token_secret));
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(base.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    if expected == get("oauth_signature")? {
        Ok(())
    } else {
        Err("signature_invalid".into())
    }
}
