//! The per-store cap on requests in flight.

use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::http::Method;
use magento::Auth;
use serde_json::json;

use crate::helpers::{FakeStore, ok};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_more_than_the_configured_requests_are_in_flight() {
    let store = FakeStore::start().await;
    *store.state.delay.lock().unwrap() = Duration::from_millis(80);
    store.on(Method::GET, "store/websites", |_, _| ok(json!([])));
    let client = store.client_with(Auth::bearer("t"), |c| c.with_max_concurrent_requests(3));
    // Clones share the cap; spawned tasks run on other threads of a multi-thread runtime too.
    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.websites().await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(store.count(Method::GET, "store/websites"), 12);
    assert_eq!(store.state.max_in_flight.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn the_default_cap_is_four() {
    let store = FakeStore::start().await;
    *store.state.delay.lock().unwrap() = Duration::from_millis(50);
    store.on(Method::GET, "store/websites", |_, _| ok(json!([])));
    let client = store.client();
    let calls = (0..10).map(|_| client.websites());
    assert!(
        futures::future::join_all(calls)
            .await
            .iter()
            .all(Result::is_ok)
    );
    assert_eq!(store.state.max_in_flight.load(Ordering::SeqCst), 4);
}
