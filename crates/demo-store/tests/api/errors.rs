//! Error bodies exactly as Magento renders them: raw messages with %placeholders plus
//! parameters.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Criteria, spawn_scale};

#[tokio::test]
async fn error_bodies_match_the_contract() {
    let store = spawn_scale(50).await;
    let cases = [
        (
            "nothing/here",
            404,
            json!({"message": "Request does not match any route."}),
        ),
        (
            "customers/999999",
            404,
            json!({"message": "No such entity with %fieldName = %fieldValue", "parameters": {"fieldName": "customerId", "fieldValue": 999999}}),
        ),
        (
            "carts/999999",
            404,
            json!({"message": "No such entity with %fieldName = %fieldValue", "parameters": {"fieldName": "cartId", "fieldValue": 999999}}),
        ),
        (
            "orders/999999",
            404,
            json!({"message": "The entity that was requested doesn't exist. Verify the entity and try again."}),
        ),
        (
            "creditmemo/999999",
            404,
            json!({"message": "The entity that was requested doesn't exist. Verify the entity and try again."}),
        ),
        (
            "orders",
            400,
            json!({"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "searchCriteria"}}),
        ),
        (
            "customers/abc",
            400,
            json!({"message": "The \"%value\" value's type is invalid. The \"%type\" type was expected. Verify and try again.", "parameters": {"value": "abc", "type": "int"}}),
        ),
    ];
    for (path, status, body) in cases {
        let (got_status, got) = store.get(path).await;
        assert_eq!((got_status.as_u16(), &got), (status, &body), "GET {path}");
    }
    let (status, body) = store
        .get(&format!(
            "orders?{}",
            Criteria::new().sort(&[("entity_id", "upward")]).query()
        ))
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"message": "The sort order has to be specified as ASC for ascending order or DESC for descending order."})
    );
}

#[tokio::test]
async fn unknown_columns_are_internal_errors() {
    let store = spawn_scale(50).await;
    for q in [
        Criteria::new().filter("no_such_column", "1", "eq"),
        Criteria::new().sort(&[("no_such_column", "ASC")]),
    ] {
        let (status, body) = store.get(&format!("orders?{}", q.query())).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        let message = body["message"].as_str().unwrap();
        assert!(
            message.starts_with(
                "Internal Error. Details are available in Magento log file. Report ID: webapi-"
            ),
            "{message}"
        );
    }
}

#[tokio::test]
async fn store_codes_route_or_do_not() {
    let store = spawn_scale(50).await;
    let q = Criteria::new().size(1).query();
    for prefix in ["default", "all", "de", "ja"] {
        let url = format!("{}/rest/{prefix}/V1/orders?{q}", store.handle.base_url());
        let resp = store
            .http
            .get(url)
            .bearer_auth(&store.token)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{prefix}");
    }
    for prefix in ["nosuchstore", "admin"] {
        let url = format!("{}/rest/{prefix}/V1/orders?{q}", store.handle.base_url());
        let resp = store
            .http
            .get(url)
            .bearer_auth(&store.token)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 404, "{prefix}");
        assert_eq!(
            resp.json::<serde_json::Value>().await.unwrap(),
            json!({"message": "Request does not match any route."})
        );
    }
}

#[tokio::test]
async fn the_subscriber_route_can_be_switched_off() {
    let store = spawn_scale(50).await;
    let path = format!(
        "cartwise/newsletter-subscribers/search?{}",
        Criteria::new().size(1).query()
    );
    assert_eq!(store.get(&path).await.0, 200);
    store.handle.state().set_subscriber_route(false);
    let (status, body) = store.get(&path).await;
    assert_eq!(
        (status.as_u16(), body),
        (404, json!({"message": "Request does not match any route."}))
    );
}
