//! Faults of placing an order: the cart lock refuses without placing; a dropped or late
//! answer leaves an order the client never heard of, to be found by its `quote_id`.

use std::time::Duration;

use demo_store::PlaceOrderFaults;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{Criteria, TestStore, shipping_info, spawn_scale, us_address};

/// A cart with an item, addresses and flat-rate shipping, ready to place.
async fn ready_cart(store: &TestStore) -> u64 {
    let cart = store.new_cart().await;
    store.add_item(cart, "24-MB01", 1).await;
    let (status, body) = store
        .post(
            &format!("carts/{cart}/shipping-information"),
            shipping_info(
                us_address("faults@example.com"),
                None,
                "flatrate",
                "flatrate",
            ),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    cart
}

async fn orders_of(store: &TestStore, cart: u64) -> u64 {
    let found = store
        .ok(&format!(
            "orders?{}",
            Criteria::new()
                .filter("quote_id", &cart.to_string(), "eq")
                .query()
        ))
        .await;
    found["total_count"].as_u64().unwrap()
}

const PLACE: &str = r#"{"paymentMethod":{"method":"checkmo"}}"#;

#[tokio::test]
async fn a_locked_cart_is_refused_without_placing() {
    let store = spawn_scale(20).await;
    let cart = ready_cart(&store).await;
    store.handle.set_place_order_faults(PlaceOrderFaults {
        cart_lock: 2,
        ..PlaceOrderFaults::default()
    });
    let body: serde_json::Value = serde_json::from_str(PLACE).unwrap();
    for _ in 0..2 {
        let (status, err) = store
            .put(&format!("carts/{cart}/order"), body.clone())
            .await;
        assert_eq!(
            (status.as_u16(), err),
            (
                400,
                json!({"message": "The cart is locked for processing. Please try again later."})
            )
        );
    }
    assert_eq!(orders_of(&store, cart).await, 0);
    assert_eq!(store.ok(&format!("carts/{cart}")).await["is_active"], true);
    assert_eq!(store.handle.place_order_faults().cart_lock, 0);
    let (status, _) = store.put(&format!("carts/{cart}/order"), body).await;
    assert_eq!(status, 200);
    assert_eq!(orders_of(&store, cart).await, 1);
}

#[tokio::test]
async fn a_dropped_answer_leaves_the_order_placed() {
    let store = spawn_scale(20).await;
    let cart = ready_cart(&store).await;
    let armed = store
        .control("faults", json!({"drop_after_place": 1}))
        .await;
    assert_eq!(armed["drop_after_place"], 1);

    // A raw HTTP/1.1 request: the connection closes before a byte of an answer.
    let mut socket = tokio::net::TcpStream::connect(store.handle.addr())
        .await
        .unwrap();
    let request = format!(
        "PUT /rest/V1/carts/{cart}/order HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{PLACE}",
        store.handle.addr(),
        store.token,
        PLACE.len()
    );
    socket.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), socket.read_to_end(&mut answer))
        .await
        .expect("the server closes the connection");
    assert!(
        read.is_err() || answer.is_empty(),
        "no answer expected, got {:?}",
        String::from_utf8_lossy(&answer)
    );

    // The order exists; the cart says which (store-actions.md §1.7).
    assert_eq!(orders_of(&store, cart).await, 1);
    let placed = store.ok(&format!("carts/{cart}")).await;
    assert_eq!(placed["is_active"], false);
    assert!(placed["reserved_order_id"].is_string());
    assert_eq!(store.handle.place_order_faults().drop_after_place, 0);

    // reqwest sees a transport error, not a status.
    let next = ready_cart(&store).await;
    store.handle.set_place_order_faults(PlaceOrderFaults {
        drop_after_place: 1,
        ..PlaceOrderFaults::default()
    });
    let err = store
        .http
        .put(store.url(&format!("carts/{next}/order")))
        .bearer_auth(&store.token)
        .header("content-type", "application/json")
        .body(PLACE)
        .send()
        .await
        .expect_err("no HTTP answer");
    assert!(err.status().is_none(), "{err}");
    assert_eq!(orders_of(&store, next).await, 1);
    // Placing again is a 404: the cart is inactive.
    let (status, _) = store.put(&format!("carts/{next}/order"), json!({})).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_late_answer_outlasts_the_client_timeout() {
    let store = spawn_scale(20).await;
    let cart = ready_cart(&store).await;
    store
        .control("faults", json!({"hang_after_place_ms": 1500}))
        .await;
    let quick = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = quick
        .put(store.url(&format!("carts/{cart}/order")))
        .bearer_auth(&store.token)
        .header("content-type", "application/json")
        .body(PLACE)
        .send()
        .await
        .expect_err("timed out");
    assert!(err.is_timeout(), "{err}");
    assert_eq!(orders_of(&store, cart).await, 1);
    let faults = store
        .control("faults", json!({"hang_after_place_ms": 0}))
        .await;
    assert_eq!(faults["hang_after_place_ms"], 0);
}
