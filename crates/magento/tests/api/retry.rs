//! Retries: bounded, only for transient failures, never for non-idempotent writes the store
//! may have acted on.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::http::Method;
use magento::{Auth, Error, SearchCriteria};
use serde_json::json;

use crate::helpers::{FakeStore, fast_retry, json_response, ok};

/// Answers `failures` times with `status`, then succeeds with `body`.
fn flaky(
    store: &FakeStore,
    method: Method,
    path: &str,
    status: u16,
    failures: usize,
    body: serde_json::Value,
) -> Arc<AtomicUsize> {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    store.on(method, path, move |_, _| {
        if seen.fetch_add(1, Ordering::SeqCst) < failures {
            Some(json_response(
                status,
                json!({"message": format!("failure {status}")}),
            ))
        } else {
            ok(body.clone())
        }
    });
    calls
}

#[tokio::test]
async fn transient_failures_are_retried_until_success() {
    let store = FakeStore::start().await;
    let calls = flaky(
        &store,
        Method::GET,
        "store/storeViews",
        503,
        2,
        json!([{"id": 1, "code": "default", "is_active": 1}]),
    );
    let views = store
        .client_with(Auth::bearer("t"), |c| c.with_retry(fast_retry(5)))
        .store_views()
        .await
        .unwrap();
    assert_eq!(views[0].is_active, Some(true));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn retries_stop_at_the_bound() {
    let store = FakeStore::start().await;
    let calls = flaky(
        &store,
        Method::GET,
        "store/storeViews",
        500,
        usize::MAX,
        json!([]),
    );
    let err = store
        .client_with(Auth::bearer("t"), |c| c.with_retry(fast_retry(3)))
        .store_views()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Server { status: 500, .. }));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn client_errors_are_never_retried() {
    for status in [400, 401, 403, 404] {
        let store = FakeStore::start().await;
        let calls = flaky(
            &store,
            Method::GET,
            "store/storeViews",
            status,
            usize::MAX,
            json!([]),
        );
        let err = store
            .client_with(Auth::bearer("t"), |c| c.with_retry(fast_retry(5)))
            .store_views()
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(status));
        assert_eq!(calls.load(Ordering::SeqCst), 1, "HTTP {status} was retried");
    }
}

#[tokio::test]
async fn timeouts_are_retried_for_reads() {
    let store = FakeStore::start().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    store.on_delayed(
        Method::GET,
        "orders",
        Duration::from_millis(400),
        move |_, _| {
            seen.fetch_add(1, Ordering::SeqCst);
            ok(json!({"items": [], "total_count": 0}))
        },
    );
    let client = store.client_with(Auth::bearer("t"), |c| {
        c.with_timeout(Duration::from_millis(100))
            .with_retry(fast_retry(3))
    });
    let err = client
        .search_orders(&SearchCriteria::new().page_size(1))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(store.count(Method::GET, "orders"), 3);
}

#[tokio::test]
async fn placing_an_order_is_not_retried_after_a_500_but_is_after_a_503() {
    let store = FakeStore::start().await;
    let calls = flaky(
        &store,
        Method::PUT,
        "carts/4/order",
        500,
        usize::MAX,
        json!(3),
    );
    let client = store.client_with(Auth::bearer("t"), |c| c.with_retry(fast_retry(5)));
    assert!(client.place_order(4, "checkmo").await.is_err());
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "the order may exist: a retry could place it twice"
    );

    let calls = flaky(&store, Method::PUT, "carts/4/order", 503, 1, json!(3));
    assert_eq!(client.place_order(4, "checkmo").await.unwrap(), 3);
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "a 503 was not processed: safe to send again"
    );
}
