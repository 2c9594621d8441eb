//! Fault injection: HTTP faults by share, hangs and slow answers, and malformed records that
//! are the same records on every read.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use demo_store::{Entity, FaultConfig};
use serde_json::{Value, json};

use crate::helpers::{Criteria, TestStore, spawn_scale};

#[tokio::test]
async fn http_faults_answer_like_a_struggling_store() {
    let store = spawn_scale(20).await;
    let url = store.url(&format!("orders?{}", Criteria::new().size(1).query()));
    let get = || store.http.get(&url).bearer_auth(&store.token).send();

    store.handle.set_faults(FaultConfig {
        error_500: 1.0,
        ..FaultConfig::default()
    });
    let resp = get().await.unwrap();
    assert_eq!(resp.status(), 500);
    let body: Value = resp.json().await.unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("Internal Error. Details are available in Magento log file.")
    );

    store.handle.set_faults(FaultConfig {
        error_503: 1.0,
        ..FaultConfig::default()
    });
    let resp = get().await.unwrap();
    assert_eq!(
        (
            resp.status().as_u16(),
            resp.headers()["retry-after"].to_str().unwrap()
        ),
        (503, "1")
    );

    store.handle.set_faults(FaultConfig {
        error_429: 1.0,
        ..FaultConfig::default()
    });
    let resp = get().await.unwrap();
    assert_eq!(
        (
            resp.status().as_u16(),
            resp.headers()["retry-after"].to_str().unwrap()
        ),
        (429, "1")
    );
    assert_eq!(
        resp.json::<Value>().await.unwrap(),
        json!({"message": "Too Many Requests", "trace": null})
    );

    // Shares apply per request, deterministically by the fault seed.
    store.handle.set_faults(FaultConfig {
        seed: 3,
        error_500: 0.5,
        ..FaultConfig::default()
    });
    let mut failures = 0;
    for _ in 0..40 {
        if get().await.unwrap().status() == 500 {
            failures += 1;
        }
    }
    assert!((8..=32).contains(&failures), "{failures} of 40");

    store.handle.set_faults(FaultConfig::default());
    assert_eq!(get().await.unwrap().status(), 200);
}

#[tokio::test]
async fn hangs_outlast_the_client_timeout_and_slow_answers_arrive_late() {
    let store = spawn_scale(20).await;
    let url = store.url(&format!("orders?{}", Criteria::new().size(1).query()));
    store.handle.set_faults(FaultConfig {
        hang: 1.0,
        hang_duration: Duration::from_secs(5),
        ..FaultConfig::default()
    });
    let quick = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = quick
        .get(&url)
        .bearer_auth(&store.token)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");

    // The control route changes faults at runtime too.
    let control = format!("{}/_demo/faults", store.handle.base_url());
    let set = json!({"hang": 0.0, "slow": 1.0, "slow_duration_ms": 400});
    assert!(
        store
            .http
            .post(&control)
            .json(&set)
            .send()
            .await
            .unwrap()
            .status()
            .is_success()
    );
    let started = Instant::now();
    let resp = store
        .http
        .get(&url)
        .bearer_auth(&store.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(400));
}

/// Ids of served records that a strict client cannot read.
fn broken(items: &[Value], id_key: &str) -> BTreeSet<u64> {
    items
        .iter()
        .filter_map(|i| {
            let id = &i[id_key];
            let bad = !id.is_u64()
                || i["created_at"] == "not a date"
                || i.get("grand_total").is_some_and(|g| !g.is_number());
            bad.then(|| {
                id.as_u64()
                    .or_else(|| id.as_str().and_then(|s| s.parse().ok()))
                    .unwrap()
            })
        })
        .collect()
}

async fn scan(store: &TestStore, path: &str, id_key: &str) -> BTreeSet<u64> {
    let mut bad = BTreeSet::new();
    for page in 1.. {
        let body = store
            .ok(&format!(
                "{path}?{}",
                Criteria::new()
                    .sort(&[("entity_id", "ASC")])
                    .page(100, page)
                    .query()
            ))
            .await;
        let items = body["items"].as_array().unwrap();
        if items.is_empty() {
            break;
        }
        bad.extend(broken(items, id_key));
    }
    bad
}

#[tokio::test]
async fn malformed_records_are_the_same_records_every_time() {
    let store = spawn_scale(400).await;
    store.handle.set_faults(FaultConfig {
        seed: 9,
        malformed_records: 0.05,
        ..FaultConfig::default()
    });
    for (entity, path, id_key) in [
        (Entity::Order, "orders", "entity_id"),
        (Entity::Customer, "customers/search", "id"),
        (Entity::Cart, "carts/search", "id"),
    ] {
        let expected: BTreeSet<u64> = store
            .handle
            .malformed_ids(entity)
            .into_iter()
            .map(u64::from)
            .collect();
        assert!(!expected.is_empty(), "{path}");
        assert_eq!(
            scan(&store, path, id_key).await,
            expected,
            "{path}, first read"
        );
        assert_eq!(
            scan(&store, path, id_key).await,
            expected,
            "{path}, second read"
        );
    }
    let one = *store.handle.malformed_ids(Entity::Order).first().unwrap();
    let (_, body) = store.get(&format!("orders/{one}")).await;
    assert_eq!(broken(&[body], "entity_id"), BTreeSet::from([one as u64]));
    let control: Value = store
        .http
        .get(format!(
            "{}/_demo/malformed?entity=orders",
            store.handle.base_url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        control["ids"].as_array().unwrap().len(),
        store.handle.malformed_ids(Entity::Order).len()
    );
}
