//! Bearer tokens, admin tokens (expiry, lockout message, 2FA), OAuth 1.0a signatures computed
//! here independently of the store's code, and ACL denials.

use base64::Engine;
use demo_store::{AuthConfig, DemoStoreConfig, OAuthCredentials};
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Criteria, config, spawn, spawn_scale};

fn denied(resource: &str) -> Value {
    json!({"message": "The consumer isn't authorized to access %resources.", "parameters": {"resources": resource}})
}

#[tokio::test]
async fn routes_demand_their_acl_resource() {
    let mut store = spawn_scale(20).await;
    store.token = "wrong-token".into();
    let q = Criteria::new().size(1).query();
    for (path, resource) in [
        (format!("orders?{q}"), "Magento_Sales::actions_view"),
        (
            format!("customers/search?{q}"),
            "Magento_Customer::customer",
        ),
        (format!("carts/search?{q}"), "Magento_Cart::manage"),
        (
            format!("creditmemos?{q}"),
            "Magento_Sales::sales_creditmemo",
        ),
        ("store/websites".to_string(), "Magento_Backend::store"),
        (
            format!("customerGroups/search?{q}"),
            "Magento_Customer::group",
        ),
    ] {
        let (status, body) = store.get(&path).await;
        assert_eq!(
            (status, body),
            (StatusCode::UNAUTHORIZED, denied(resource)),
            "{path}"
        );
    }
    // Anonymous routes need no token.
    assert_eq!(store.get("directory/countries").await.0, 200);
}

#[tokio::test]
async fn denied_acl_resources_answer_401_with_that_resource() {
    let auth = AuthConfig {
        acl_denied: vec!["Magento_Sales::actions_view".into()],
        ..AuthConfig::default()
    };
    let store = spawn(DemoStoreConfig { auth, ..config(20) }).await;
    let q = Criteria::new().size(1).query();
    assert_eq!(
        store.get(&format!("orders?{q}")).await,
        (
            StatusCode::UNAUTHORIZED,
            denied("Magento_Sales::actions_view")
        )
    );
    assert_eq!(store.get(&format!("customers/search?{q}")).await.0, 200);
}

#[tokio::test]
async fn admin_tokens_work_for_four_hours() {
    let mut store = spawn_scale(20).await;
    let (status, bad) = store
        .post(
            "integration/admin/token",
            json!({"username": "admin", "password": "nope"}),
        )
        .await;
    assert_eq!(status, 401);
    assert_eq!(
        bad,
        json!({"message": "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later."})
    );
    let (status, token) = store
        .post(
            "integration/admin/token",
            json!({"username": "admin", "password": "admin123"}),
        )
        .await;
    assert_eq!(status, 200);
    store.token = token.as_str().expect("token is a JSON string").to_string();
    assert_eq!(store.get("store/websites").await.0, 200);
    store.handle.state().read().advance_clock(4 * 3600 - 5);
    assert_eq!(store.get("store/websites").await.0, 200);
    store.handle.state().read().advance_clock(10);
    assert_eq!(
        store.get("store/websites").await,
        (StatusCode::UNAUTHORIZED, denied("Magento_Backend::store"))
    );
}

#[tokio::test]
async fn two_factor_auth_refuses_the_plain_token_route() {
    let auth = AuthConfig {
        two_factor_required: true,
        ..AuthConfig::default()
    };
    let mut store = spawn(DemoStoreConfig { auth, ..config(20) }).await;
    let (status, body) = store
        .post(
            "integration/admin/token",
            json!({"username": "admin", "password": "admin123"}),
        )
        .await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        json!({"message": "Please use the 2fa provider-specific endpoints to obtain a token.", "parameters": {"active_providers": ["google"]}})
    );
    let (status, token) = store
        .post(
            "tfa/provider/google/authenticate",
            json!({"username": "admin", "password": "admin123", "otp": "123456"}),
        )
        .await;
    assert_eq!(status, 200);
    store.token = token.as_str().unwrap().to_string();
    assert_eq!(store.get("store/websites").await.0, 200);
}

const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn pct(s: &str) -> String {
    utf8_percent_encode(s, RFC3986).to_string()
}

/// An `Authorization: OAuth ...` header per RFC 5849, written independently of the store.
fn oauth_header(
    method: &str,
    url: &str,
    query: &[(&str, &str)],
    c: &OAuthCredentials,
    nonce: &str,
    sig_method: &str,
) -> String {
    let timestamp = chrono::Utc::now().timestamp().to_string();
    let oauth = [
        ("oauth_consumer_key", c.consumer_key.as_str()),
        ("oauth_nonce", nonce),
        ("oauth_signature_method", sig_method),
        ("oauth_timestamp", timestamp.as_str()),
        ("oauth_token", c.access_token.as_str()),
        ("oauth_version", "1.0"),
    ];
    let mut pairs: Vec<(String, String)> = query
        .iter()
        .chain(oauth.iter())
        .map(|(k, v)| (pct(k), pct(v)))
        .collect();
    pairs.sort();
    let normalized = pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let base = format!("{method}&{}&{}", pct(url), pct(&normalized));
    let key = format!(
        "{}&{}",
        pct(&c.consumer_secret),
        pct(&c.access_token_secret)
    );
    let digest = if sig_method == "HMAC-SHA1" {
        let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()).unwrap();
        mac.update(base.as_bytes());
        mac.finalize().into_bytes().to_vec()
    } else {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
        mac.update(base.as_bytes());
        mac.finalize().into_bytes().to_vec()
    };
    let signature = base64::engine::general_purpose::STANDARD.encode(digest);
    let fields: Vec<String> = oauth
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", pct(v)))
        .collect();
    format!(
        "OAuth {}, oauth_signature=\"{}\"",
        fields.join(", "),
        pct(&signature)
    )
}

#[tokio::test]
async fn oauth_signed_requests_are_verified() {
    let store = spawn_scale(20).await;
    let creds = OAuthCredentials::demo();
    let url = format!("{}/rest/V1/orders", store.handle.base_url());
    let query = [
        (
            "searchCriteria[filter_groups][0][filters][0][field]",
            "updated_at",
        ),
        (
            "searchCriteria[filter_groups][0][filters][0][value]",
            "2024-01-01 00:00:00",
        ),
        (
            "searchCriteria[filter_groups][0][filters][0][condition_type]",
            "gt",
        ),
        ("searchCriteria[pageSize]", "5"),
    ];
    let send = |header: String, query: Vec<(&'static str, &'static str)>| {
        let req = store
            .http
            .get(&url)
            .query(&query)
            .header("Authorization", header);
        async move {
            let resp = req.send().await.unwrap();
            (
                resp.status(),
                resp.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    for (i, method) in ["HMAC-SHA256", "HMAC-SHA1"].into_iter().enumerate() {
        let header = oauth_header(
            "GET",
            &url,
            &query,
            &creds,
            &format!("nonce-ok-{i}"),
            method,
        );
        let (status, body) = send(header, query.to_vec()).await;
        assert_eq!(status, 200, "{method}: {body}");
        assert_eq!(body["items"].as_array().unwrap().len(), 5);
    }

    // Signed for pageSize=5, sent with pageSize=6: the signature no longer matches.
    let header = oauth_header("GET", &url, &query, &creds, "nonce-tampered", "HMAC-SHA256");
    let mut tampered = query.to_vec();
    tampered[3] = ("searchCriteria[pageSize]", "6");
    assert_eq!(
        send(header, tampered).await,
        (
            StatusCode::UNAUTHORIZED,
            json!({"message": "The signature is invalid. Verify and try again."})
        )
    );

    let wrong_secret = OAuthCredentials {
        consumer_secret: "not-the-secret".into(),
        ..creds.clone()
    };
    let header = oauth_header(
        "GET",
        &url,
        &query,
        &wrong_secret,
        "nonce-secret",
        "HMAC-SHA256",
    );
    assert_eq!(
        send(header, query.to_vec()).await.0,
        StatusCode::UNAUTHORIZED
    );

    let stranger = OAuthCredentials {
        consumer_key: "x".repeat(32),
        ..creds.clone()
    };
    let header = oauth_header(
        "GET",
        &url,
        &query,
        &stranger,
        "nonce-stranger",
        "HMAC-SHA256",
    );
    assert_eq!(
        send(header, query.to_vec()).await,
        (
            StatusCode::UNAUTHORIZED,
            json!({"message": "A consumer having the specified key does not exist"})
        )
    );

    // A nonce is good once.
    let header = oauth_header("GET", &url, &query, &creds, "nonce-ok-0", "HMAC-SHA256");
    let (status, body) = send(header, query.to_vec()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body["message"],
        "The nonce is already being used by the consumer with ID %1"
    );
}
