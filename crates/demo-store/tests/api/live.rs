//! Live mode: events change records with fresh `updated_at`, ids never reuse a previous run's.

use std::collections::HashSet;
use std::time::Duration;

use demo_store::{Clock, DemoStoreConfig, LiveConfig, Store, Ts, generate};
use serde_json::Value;

use crate::helpers::{Criteria, anchor, config, spawn, spawn_scale};

#[tokio::test]
async fn forced_ticks_change_records_with_bumped_updated_at() {
    let store = spawn_scale(300).await;
    let state = store.handle.state();
    let max_order = state.read().orders.max_id();
    let before = state.read().now();
    state.read().advance_clock(60);
    let url = format!("{}/_demo/live/tick?n=400", store.handle.base_url());
    let body: Value = store
        .http
        .post(url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let events = body["events"].as_array().unwrap();
    let kinds: HashSet<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    for kind in [
        "customer_registered",
        "cart_created",
        "order_placed",
        "order_refunded",
        "customer_edited",
        "customer_address_edited",
    ] {
        assert!(kinds.contains(kind), "{kind} missing from {kinds:?}");
    }

    let since = before.to_string();
    for path in ["orders", "customers/search", "carts/search", "creditmemos"] {
        let changed = store
            .ok(&format!(
                "{path}?{}&fields=total_count",
                Criteria::new()
                    .filter("updated_at", &since, "gt")
                    .size(1)
                    .query()
            ))
            .await;
        assert!(
            changed["total_count"].as_u64().unwrap() > 0,
            "{path} changed"
        );
    }
    // New orders come from carts, above every generated id.
    let placed: Vec<u64> = events
        .iter()
        .filter(|e| e["kind"] == "order_placed")
        .map(|e| e["id"].as_u64().unwrap())
        .collect();
    let order = store.ok(&format!("orders/{}", placed[0])).await;
    assert!(placed[0] > max_order as u64);
    let cart = store.ok(&format!("carts/{}", order["quote_id"])).await;
    assert_eq!(
        (cart["is_active"].clone(), cart["reserved_order_id"].clone()),
        (Value::Bool(false), order["increment_id"].clone())
    );
    assert!(order["updated_at"].as_str().unwrap() > since.as_str());
    assert!(store.handle.state().stats().live_events > 0);
}

#[tokio::test]
async fn the_live_loop_runs_at_its_rate() {
    let store = spawn(DemoStoreConfig {
        live: Some(LiveConfig {
            events_per_second: 200.0,
        }),
        ..config(200)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let stats = store.handle.state().stats();
    assert!(stats.live_events >= 20, "{} events", stats.live_events);
    store.handle.shutdown().await;
}

#[test]
fn ids_after_a_restart_start_above_anything_an_earlier_run_created() {
    let ds = generate(42, 100, Some(anchor()));
    let max_customer = ds.customers.last().unwrap().id;
    let clock = Clock::default();
    let elapsed = (clock.now().0 - Ts::from_datetime(anchor()).0) as u64;
    let mut store = Store::from_dataset(ds, clock, 30);
    let id = store
        .create_customer(demo_store::NewCustomer {
            email: "restart@example.com".into(),
            firstname: "Re".into(),
            lastname: "Start".into(),
            website_id: 1,
            store_id: 1,
            group_id: 1,
            ..Default::default()
        })
        .unwrap();
    let floor = (max_customer as u64 + (elapsed * 20).min(u32::MAX as u64 / 4)) as u32;
    assert!(id > floor, "id {id} must start above {floor}");
}
