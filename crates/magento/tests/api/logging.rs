//! Every request is logged at debug level, and no credential ever reaches the log.

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::http::Method;
use magento::{Auth, SearchCriteria};
use serde_json::json;

use crate::helpers::{FakeStore, ok};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn requests_are_logged_without_credentials() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let store = FakeStore::start().await;
    store.on(Method::POST, "integration/admin/token", |shared, _| {
        shared.grant("SECRET-TOKEN-42");
        ok(json!("SECRET-TOKEN-42"))
    });
    store.table(
        "orders",
        (1..=3).map(|id| json!({"entity_id": id})).collect(),
        &[],
    );
    let client = store.client_with(Auth::admin_password("admin", "SECRET-PASSWORD"), |c| c);
    client
        .search_orders(&SearchCriteria::new().page_size(2).current_page(2))
        .await
        .unwrap();
    let _ = format!("{client:?}");

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("magento request"), "{log}");
    assert!(
        log.contains("method=GET")
            && log.contains("path=/rest/V1/orders")
            && log.contains("page=2"),
        "{log}"
    );
    assert!(
        log.contains("status=200") && log.contains("bytes=") && log.contains("ms="),
        "{log}"
    );
    assert!(
        log.contains("path=/rest/V1/integration/admin/token"),
        "{log}"
    );
    for secret in [
        "SECRET-TOKEN-42",
        "SECRET-PASSWORD",
        "Bearer",
        "authorization",
    ] {
        assert!(
            !log.contains(secret),
            "{secret} leaked into the log:\n{log}"
        );
    }
}
