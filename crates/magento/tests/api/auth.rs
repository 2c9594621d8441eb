//! Bearer, OAuth 1.0a and admin-password authentication.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::http::Method;
use magento::{Auth, Error, Filter, RetryPolicy, SearchCriteria};
use rust_decimal::Decimal;
use serde_json::json;

use crate::helpers::{AuthMode, FakeStore, json_response, ok};

fn oauth_store_mode() -> AuthMode {
    AuthMode::OAuth {
        consumer_key: "ck-1".into(),
        consumer_secret: "cs&1 secret".into(),
        token: "at-1".into(),
        token_secret: "ts~1/+".into(),
    }
}

#[tokio::test]
async fn bearer_tokens_are_sent_as_is() {
    let store = FakeStore::start().await;
    store.set_auth(AuthMode::Bearer(HashSet::from(["tok-123".to_owned()])));
    store.on(Method::GET, "store/websites", |_, _| ok(json!([])));
    store
        .client_with(Auth::bearer("tok-123"), |c| c)
        .websites()
        .await
        .unwrap();
    assert_eq!(
        store.requests()[0].header("authorization").as_deref(),
        Some("Bearer tok-123")
    );
    let err = store
        .client_with(Auth::bearer("wrong"), |c| c)
        .websites()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::MissingPermission { .. }), "{err:?}");
}

#[tokio::test]
async fn oauth_signatures_verify_including_search_criteria_and_bodies() {
    let store = FakeStore::start().await;
    store.set_auth(oauth_store_mode());
    store.table("orders", vec![json!({"entity_id": 1, "customer_email": "a+b@example.com", "updated_at": "2024-01-01 10:00:00"})], &[]);
    store.on(Method::POST, "carts/4/items", |_, req| {
        ok(json!({"item_id": 7, "sku": req.json()["cartItem"]["sku"], "qty": 1, "quote_id": "4"}))
    });
    let auth = Auth::oauth1("ck-1", "cs&1 secret", "at-1", "ts~1/+");
    let client = store.client_with(auth, |c| c.with_store_code("default"));
    let criteria = SearchCriteria::new()
        .filter(Filter::like("customer_email", "a+b@%"))
        .filter(Filter::gteq("updated_at", "2024-01-01 00:00:00"))
        .any_of([
            Filter::eq("status", "pending payment/ü"),
            Filter::not_null("entity_id"),
        ])
        .page_size(10)
        .current_page(1)
        .fields("items[entity_id,customer_email],total_count");
    let page = client.search_orders(&criteria).await.unwrap();
    assert_eq!(page.len(), 1, "signed search accepted and filtered");
    let item = client
        .add_cart_item(
            4,
            &magento::types::NewCartItem::new("WS12-M-Orange", Decimal::ONE),
        )
        .await
        .unwrap();
    assert_eq!(item.sku.as_deref(), Some("WS12-M-Orange"));
    assert_eq!(store.state.oauth_failures.load(Ordering::SeqCst), 0);
    let header = store.requests()[0].header("authorization").unwrap();
    assert!(
        header.starts_with("OAuth ") && header.contains("oauth_signature_method=\"HMAC-SHA256\""),
        "{header}"
    );
    assert_eq!(store.requests()[0].store_code.as_deref(), Some("default"));
}

#[tokio::test]
async fn oauth_with_a_wrong_secret_is_rejected() {
    let store = FakeStore::start().await;
    store.set_auth(oauth_store_mode());
    store.on(Method::GET, "store/websites", |_, _| ok(json!([])));
    let client = store.client_with(
        Auth::oauth1("ck-1", "not the secret", "at-1", "ts~1/+"),
        |c| c,
    );
    let err = client.websites().await.unwrap_err();
    assert!(
        matches!(&err, Error::Unauthorized { message } if message.contains("signature_invalid")),
        "{err:?}"
    );
    assert_eq!(
        store.state.oauth_failures.load(Ordering::SeqCst),
        1,
        "a 401 is not retried"
    );
}

#[tokio::test]
async fn oauth_retries_use_a_fresh_nonce() {
    let store = FakeStore::start().await;
    store.set_auth(oauth_store_mode());
    let calls = AtomicUsize::new(0);
    store.on(Method::GET, "store/websites", move |_, _| {
        if calls.fetch_add(1, Ordering::SeqCst) == 0 {
            Some(json_response(503, json!({"message": "busy"})))
        } else {
            ok(json!([]))
        }
    });
    store
        .client_with(Auth::oauth1("ck-1", "cs&1 secret", "at-1", "ts~1/+"), |c| c)
        .websites()
        .await
        .unwrap();
    assert_eq!(
        store.state.oauth_failures.load(Ordering::SeqCst),
        0,
        "a replayed nonce would be refused"
    );
}

/// A store with an admin login route that hands out `admin-token-N`.
async fn admin_store() -> (FakeStore, std::sync::Arc<AtomicUsize>) {
    let store = FakeStore::start().await;
    store.set_auth(AuthMode::Bearer(HashSet::new()));
    let logins = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = logins.clone();
    store.on(Method::POST, "integration/admin/token", move |shared, req| {
        let body = req.json();
        if body != json!({"username": "admin", "password": "pa$$ word"}) {
            return Some(json_response(
                401,
                json!({"message": "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later."}),
            ));
        }
        let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
        let token = format!("admin-token-{n}");
        shared.grant(&token);
        ok(json!(token))
    });
    store.on(Method::GET, "store/websites", |_, _| {
        ok(json!([{"id": 0, "code": "admin"}]))
    });
    (store, logins)
}

#[tokio::test]
async fn admin_token_is_fetched_once_and_shared() {
    let (store, logins) = admin_store().await;
    let client = store.client_with(Auth::admin_password("admin", "pa$$ word"), |c| c);
    for _ in 0..3 {
        client.websites().await.unwrap();
    }
    let clones: Vec<_> = (0..8).map(|_| client.clone()).collect();
    let results = futures::future::join_all(clones.iter().map(|c| c.websites())).await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(logins.load(Ordering::SeqCst), 1);
    let auths: HashSet<_> = store
        .requests()
        .iter()
        .filter_map(|r| r.header("authorization"))
        .collect();
    assert_eq!(auths, HashSet::from(["Bearer admin-token-1".to_owned()]));
}

#[tokio::test]
async fn admin_token_is_renewed_after_a_401_and_before_it_expires() {
    let (store, logins) = admin_store().await;
    let client = store.client_with(Auth::admin_password("admin", "pa$$ word"), |c| {
        c.with_admin_token_renew_after(Duration::from_millis(300))
    });
    client.websites().await.unwrap();
    store.state.revoke_all();
    client.websites().await.unwrap();
    assert_eq!(
        logins.load(Ordering::SeqCst),
        2,
        "the rejected token was replaced once"
    );
    tokio::time::sleep(Duration::from_millis(350)).await;
    client.websites().await.unwrap();
    assert_eq!(
        logins.load(Ordering::SeqCst),
        3,
        "renewed before its lifetime ends"
    );
    assert_eq!(
        store
            .requests()
            .last()
            .unwrap()
            .header("authorization")
            .as_deref(),
        Some("Bearer admin-token-3")
    );
}

#[tokio::test]
async fn a_wrong_admin_password_is_reported_after_a_single_login_attempt() {
    let (store, logins) = admin_store().await;
    let client = store.client_with(Auth::admin_password("admin", "wrong"), |c| {
        c.with_retry(RetryPolicy::default())
    });
    let err = client.websites().await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidCredentials { message } if message.contains("sign-in was incorrect")),
        "{err:?}"
    );
    assert_eq!(
        store.count(Method::POST, "integration/admin/token"),
        1,
        "failed logins lock the account: never repeat"
    );
    assert_eq!(logins.load(Ordering::SeqCst), 0);
    assert_eq!(store.count(Method::GET, "store/websites"), 0);
}

#[tokio::test]
async fn two_factor_rejection_is_explained() {
    for status in [400, 401] {
        let store = FakeStore::start().await;
        store.on(Method::POST, "integration/admin/token", move |_, _| {
            Some(json_response(
                status,
                json!({"message": "Please use the 2fa provider-specific endpoints to obtain a token.",
                       "parameters": {"active_providers": ["google"]}}),
            ))
        });
        let client = store.client_with(Auth::admin_password("admin", "pw"), |c| c);
        let err = client.check_connection().await.unwrap_err();
        assert!(
            matches!(&err, Error::TwoFactorRequired { providers } if providers == &["google"]),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(
            text.contains("two-factor") && text.contains("integration") && text.contains("google"),
            "{text}"
        );
        assert_eq!(store.count(Method::POST, "integration/admin/token"), 1);
    }
}
