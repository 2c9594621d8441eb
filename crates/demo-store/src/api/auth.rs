//! Who may call what: Bearer tokens (configured or admin tokens from the token route),
//! OAuth 1.0a signed requests, per-route ACL resources; and the admin token routes.

use axum::http::{HeaderMap, Method, Uri, header};
use rand::Rng;
use rand::distributions::Alphanumeric;
use serde_json::Value;

use super::oauth::{self, OAuthRequest};
use super::request::field;
use crate::clock::Ts;
use crate::error::ApiError;
use crate::store::Runtime;
use crate::store::SharedStore;

/// Admin tokens live 4 hours (`oauth/access_token_lifetime/admin`).
pub const ADMIN_TOKEN_SECS: i64 = 4 * 3600;
/// Six failures lock an admin account for 30 minutes.
const MAX_FAILURES: u32 = 6;
const LOCK_SECS: i64 = 1800;

const BAD_LOGIN: &str = "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.";

/// Rejects the request unless its credentials are valid and grant `resource`.
pub fn authorize(
    shared: &SharedStore,
    rt: &Runtime,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    resource: &str,
) -> Result<(), ApiError> {
    let denied = || ApiError::unauthorized(resource);
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let scheme_end = auth.find(' ').unwrap_or(auth.len());
    let (scheme, rest) = (
        auth[..scheme_end].to_ascii_lowercase(),
        auth[scheme_end..].trim(),
    );
    let authenticated = match scheme.as_str() {
        "bearer" => {
            rt.auth.bearer_tokens.iter().any(|t| t == rest) || {
                let now = shared.read().now();
                shared
                    .sessions()
                    .admin_tokens
                    .get(rest)
                    .is_some_and(|expiry| *expiry > now)
            }
        }
        "oauth" => {
            let Some(creds) = &rt.auth.oauth else {
                return Err(denied());
            };
            let header_params = oauth::parse_header(auth).unwrap_or_default();
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("localhost");
            let url = format!("http://{}{}", normalise_host(host), uri.path());
            let query: Vec<(String, String)> = uri
                .query()
                .map(|q| {
                    url::form_urlencoded::parse(q.as_bytes())
                        .into_owned()
                        .collect()
                })
                .unwrap_or_default();
            let request = OAuthRequest {
                method: method.as_str(),
                url: &url,
                query,
                header: header_params,
                now: chrono::Utc::now().timestamp(),
            };
            let nonce = {
                let sessions = shared.sessions();
                oauth::verify(&request, creds, |n| {
                    sessions
                        .nonces
                        .contains_key(&(n.to_string(), creds.consumer_key.clone()))
                })?
            };
            remember_nonce(shared, nonce, creds.consumer_key.clone());
            true
        }
        _ => false,
    };
    if !authenticated || rt.auth.acl_denied.iter().any(|r| r == resource) {
        return Err(denied());
    }
    Ok(())
}

/// `Host` without the default port, lower case (RFC 5849 §3.4.1.2).
fn normalise_host(host: &str) -> String {
    host.trim_end_matches(":80").to_ascii_lowercase()
}

fn remember_nonce(shared: &SharedStore, nonce: String, consumer: String) {
    let now = Ts::from_datetime(chrono::Utc::now());
    let mut sessions = shared.sessions();
    if sessions.nonces.len() > 200_000 {
        let cutoff = now.plus(-900);
        sessions.nonces.retain(|_, at| *at > cutoff);
    }
    sessions.nonces.insert((nonce, consumer), now);
}

fn credentials(body: Option<&Value>) -> Result<(String, String), ApiError> {
    let get = |name: &str| {
        body.and_then(|b| field(b, name))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let (user, pass) = (get("username"), get("password"));
    if user.is_empty() {
        return Err(ApiError::required("username"));
    }
    if pass.is_empty() {
        return Err(ApiError::required("password"));
    }
    Ok((user, pass))
}

/// Checks an admin login, with Magento's lockout after repeated failures.
fn check_login(shared: &SharedStore, rt: &Runtime, user: &str, pass: &str) -> Result<(), ApiError> {
    let now = shared.read().now();
    let mut sessions = shared.sessions();
    if let Some((failures, until)) = sessions.failures.get(user)
        && *failures >= MAX_FAILURES
        && *until > now
    {
        return Err(ApiError::new(401, BAD_LOGIN));
    }
    if rt
        .auth
        .admin_users
        .iter()
        .any(|(u, p)| u == user && p == pass)
    {
        sessions.failures.remove(user);
        return Ok(());
    }
    let entry = sessions
        .failures
        .entry(user.to_string())
        .or_insert((0, now));
    entry.0 += 1;
    if entry.0 >= MAX_FAILURES {
        entry.1 = now.plus(LOCK_SECS);
    }
    Err(ApiError::new(401, BAD_LOGIN))
}

fn issue_token(shared: &SharedStore) -> String {
    let token: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(char::from)
        .collect();
    let expiry = shared.read().now().plus(ADMIN_TOKEN_SECS);
    shared.sessions().admin_tokens.insert(token.clone(), expiry);
    token
}

/// `POST /V1/integration/admin/token` -> JSON string, or the 2FA refusal.
pub fn admin_token(
    shared: &SharedStore,
    rt: &Runtime,
    body: Option<&Value>,
) -> Result<Vec<u8>, ApiError> {
    let (user, pass) = credentials(body)?;
    check_login(shared, rt, &user, &pass)?;
    if rt.auth.two_factor_required {
        return Err(ApiError::new(
            401,
            "Please use the 2fa provider-specific endpoints to obtain a token.",
        )
        .named("active_providers", vec!["google"]));
    }
    Ok(serde_json::to_vec(&issue_token(shared)).unwrap_or_default())
}

/// `POST /V1/tfa/provider/google/authenticate` {username, password, otp}: any six-digit
/// code is accepted (the demo store has no real authenticator secret).
pub fn tfa_google(
    shared: &SharedStore,
    rt: &Runtime,
    body: Option<&Value>,
) -> Result<Vec<u8>, ApiError> {
    let (user, pass) = credentials(body)?;
    check_login(shared, rt, &user, &pass)?;
    let otp = body
        .and_then(|b| field(b, "otp"))
        .and_then(Value::as_str)
        .unwrap_or("");
    if otp.len() != 6 || !otp.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::new(401, "Invalid code."));
    }
    Ok(serde_json::to_vec(&issue_token(shared)).unwrap_or_default())
}
