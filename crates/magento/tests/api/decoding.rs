//! Search pages decode record by record over real HTTP.

use axum::http::Method;
use magento::{Filter, SearchCriteria};
use serde_json::json;

use crate::helpers::{FakeStore, ok};

#[tokio::test]
async fn a_malformed_record_fails_alone_with_its_field_path_and_payload() {
    let store = FakeStore::start().await;
    store.on(Method::GET, "orders", |_, _| {
        ok(json!({"items": [
            {"entity_id": 1, "grand_total": 10},
            {"entity_id": 2, "grand_total": {"amount": 5}},
            {"entity_id": 3, "created_at": "not a date"},
            {"entity_id": 4, "grand_total": "19.99", "items": [{"item_id": 1, "qty_ordered": "x"}]},
            {"entity_id": 5, "grand_total": 19.99}
        ], "total_count": 5}))
    });
    let page = store
        .client()
        .search_orders(&SearchCriteria::new().page_size(10))
        .await
        .unwrap();
    assert_eq!(page.len(), 5);
    let good: Vec<_> = page
        .records()
        .map(|o| (o.entity_id, o.grand_total.map(|d| d.to_string())))
        .collect();
    assert_eq!(
        good,
        [
            (Some(1), Some("10".to_owned())),
            (Some(5), Some("19.99".to_owned()))
        ]
    );
    let errors: Vec<_> = page.errors().collect();
    let summary: Vec<_> = errors
        .iter()
        .map(|e| (e.index, e.id, e.page_path()))
        .collect();
    assert_eq!(
        summary,
        [
            (1, Some(2), "items[1].grand_total".to_owned()),
            (2, Some(3), "items[2].created_at".to_owned()),
            (3, Some(4), "items[3].items[0].qty_ordered".to_owned()),
        ]
    );
    assert_eq!(errors[0].path, "grand_total");
    assert_eq!(
        errors[0].raw,
        json!({"entity_id": 2, "grand_total": {"amount": 5}})
    );
    assert!(
        errors[1].message.contains("not a date"),
        "{}",
        errors[1].message
    );
    assert_eq!(page.total_count, Some(5));
}

#[tokio::test]
async fn customers_are_named_by_their_id_key_and_ids_tolerate_strings() {
    let store = FakeStore::start().await;
    store.table(
        "customers/search",
        vec![
            json!({"id": "7", "email": "a@example.com", "website_id": "1", "extension_attributes": {"is_subscribed": 1}}),
            json!({"id": 8, "email": "b@example.com", "dob": "nope"}),
        ],
        &[("entity_id", "id")],
    );
    let criteria = SearchCriteria::new()
        .filter(Filter::gt("entity_id", 0))
        .page_size(10);
    let page = store.client().search_customers(&criteria).await.unwrap();
    let first = page.items[0].as_ref().unwrap();
    assert_eq!((first.id, first.website_id), (Some(7), Some(1)));
    assert_eq!(
        first.extension_attributes.as_ref().unwrap().is_subscribed,
        Some(true)
    );
    let failed = page.items[1].as_ref().unwrap_err();
    assert_eq!((failed.id, failed.path.as_str()), (Some(8), "dob"));
}
