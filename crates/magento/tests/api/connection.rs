//! "Check connection" for the setup wizard.

use axum::http::Method;
use axum::response::IntoResponse;
use magento::{Error, SubscriberRoute};
use serde_json::json;

use crate::helpers::{FakeStore, json_response, ok};

fn dictionaries(store: &FakeStore) {
    store.on(Method::GET, "store/websites", |_, _| {
        Some(
            (
                [("date", "Tue, 14 May 2024 10:00:00 GMT")],
                json_response(
                    200,
                    json!([{"id": 0, "code": "admin", "name": "Admin", "default_group_id": 0},
                           {"id": 1, "code": "base", "name": "Main Website", "default_group_id": 1}]),
                ),
            )
                .into_response(),
        )
    });
    store.on(Method::GET, "store/storeGroups", |_, _| {
        ok(json!([{"id": 1, "website_id": 1, "root_category_id": 2, "default_store_id": 1, "name": "Main Website Store", "code": "main_website_store"}]))
    });
    store.on(Method::GET, "store/storeViews", |_, _| {
        ok(json!([{"id": 0, "code": "admin", "name": "Admin", "website_id": 0, "store_group_id": 0, "is_active": 1},
                  {"id": 1, "code": "default", "name": "Default Store View", "website_id": 1, "store_group_id": 1, "is_active": 1}]))
    });
}

#[tokio::test]
async fn a_healthy_store_reports_its_structure_and_clock() {
    let store = FakeStore::start().await;
    dictionaries(&store);
    store.table("cartwise/newsletter-subscribers/search", vec![], &[]);
    let report = store.client().check_connection().await.unwrap();
    assert_eq!(report.rest_root, format!("{}/rest/V1/", store.base_url));
    assert_eq!(
        report
            .websites
            .iter()
            .filter_map(|w| w.code.clone())
            .collect::<Vec<_>>(),
        ["admin", "base"]
    );
    assert_eq!(
        report.store_groups[0].code.as_deref(),
        Some("main_website_store")
    );
    assert_eq!(report.store_views[1].is_active, Some(true));
    assert_eq!(report.subscriber_route, SubscriberRoute::Available);
    assert_eq!(
        report.server_time.map(|t| t.to_rfc3339()).as_deref(),
        Some("2024-05-14T10:00:00+00:00")
    );
    assert!(
        report.clock_skew_seconds.unwrap() < 0,
        "that Date is in the past"
    );
    assert_eq!(
        report.magento_version, None,
        "the fake store has no /magento_version"
    );
}

#[tokio::test]
async fn a_store_without_the_subscriber_module_says_so() {
    let store = FakeStore::start().await;
    dictionaries(&store);
    let report = store.client().check_connection().await.unwrap();
    assert_eq!(report.subscriber_route, SubscriberRoute::Missing);
}

#[tokio::test]
async fn a_store_denying_the_subscriber_acl_names_the_resource() {
    let store = FakeStore::start().await;
    dictionaries(&store);
    store.on(
        Method::GET,
        "cartwise/newsletter-subscribers/search",
        |_, _| {
            Some(json_response(
                401,
                json!({"message": "The consumer isn't authorized to access %resources.",
                   "parameters": {"resources": "Cartwise_Newsletter::subscribers"}}),
            ))
        },
    );
    let report = store.client().check_connection().await.unwrap();
    assert_eq!(
        report.subscriber_route,
        SubscriberRoute::Forbidden {
            resources: vec!["Cartwise_Newsletter::subscribers".into()]
        }
    );
}

#[tokio::test]
async fn a_failing_check_is_classified_and_not_retried() {
    let store = FakeStore::start().await;
    store.on(Method::GET, "store/websites", |_, _| {
        Some(json_response(503, json!({"message": "maintenance"})))
    });
    let err = store.client().check_connection().await.unwrap_err();
    assert!(matches!(err, Error::Unavailable { .. }));
    assert_eq!(store.count(Method::GET, "store/websites"), 1);
}

#[tokio::test]
async fn search_pages_carry_the_store_clock() {
    let store = FakeStore::start().await;
    store.on(Method::GET, "carts/search", |_, _| {
        Some(
            (
                [("date", "Sun, 06 Nov 1994 08:49:37 GMT")],
                json_response(200, json!({"items": [], "total_count": 0})),
            )
                .into_response(),
        )
    });
    let page = store
        .client()
        .search_carts(&magento::SearchCriteria::new().page_size(1))
        .await
        .unwrap();
    assert_eq!(
        page.server_time.map(|t| t.to_rfc3339()).as_deref(),
        Some("1994-11-06T08:49:37+00:00")
    );
}
