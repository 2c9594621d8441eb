//! Paging: pageSize/currentPage defaults and limits, 2.3 vs 2.4 past the end, and the two
//! client algorithms (keyset §7.1, page numbers with the §4.3 stop rules) over data with ties.

use std::collections::{HashMap, HashSet};

use demo_store::{DemoStoreConfig, PagingMode, generate};
use serde_json::json;

use crate::helpers::{Criteria, TestStore, anchor, config, ids, spawn, spawn_scale, total};

#[tokio::test]
async fn omitted_page_size_returns_everything_and_low_pages_are_page_one() {
    let store = spawn_scale(300).await;
    let all = store
        .ok(&format!(
            "orders?{}&fields=items[entity_id],total_count",
            Criteria::new().query()
        ))
        .await;
    assert_eq!(ids(&all, "entity_id").len(), 300);
    assert_eq!(total(&all), 300);
    let page = |n: i64| {
        Criteria::new()
            .sort(&[("entity_id", "ASC")])
            .page(10, n)
            .query()
    };
    let first = store
        .ok(&format!("orders?{}&fields=items[entity_id]", page(1)))
        .await;
    for n in [0, -3] {
        let body = store
            .ok(&format!("orders?{}&fields=items[entity_id]", page(n)))
            .await;
        assert_eq!(
            ids(&body, "entity_id"),
            ids(&first, "entity_id"),
            "currentPage {n}"
        );
    }
}

#[tokio::test]
async fn past_the_end_is_empty_in_24_and_the_last_page_in_23() {
    let store = spawn_scale(100).await;
    let q = format!(
        "orders?{}&fields=items[entity_id],total_count",
        Criteria::new()
            .sort(&[("entity_id", "ASC")])
            .page(7, 1000)
            .query()
    );
    let body = store.ok(&q).await;
    assert_eq!(body["items"], json!([]));
    assert_eq!(total(&body), 100);

    store.handle.set_paging(PagingMode::V23);
    let body = store.ok(&q).await;
    assert_eq!(
        ids(&body, "entity_id"),
        vec![99, 100],
        "100 = 14 pages of 7 + 2"
    );

    // The control route switches back.
    let url = format!("{}/_demo/paging", store.handle.base_url());
    let resp = store
        .http
        .post(url)
        .json(&json!({"mode": "2.4"}))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success());
    assert_eq!(store.ok(&q).await["items"], json!([]));
}

#[tokio::test]
async fn input_limits_default_to_twenty_and_cap_at_three_hundred() {
    let store = spawn(DemoStoreConfig {
        input_limits: true,
        ..config(400)
    })
    .await;
    let body = store
        .ok(&format!(
            "orders?{}&fields=items[entity_id],search_criteria,total_count",
            Criteria::new().query()
        ))
        .await;
    assert_eq!(ids(&body, "entity_id").len(), 20);
    assert_eq!(body["search_criteria"]["page_size"], 20);
    let (status, body) = store
        .get(&format!("orders?{}", Criteria::new().size(301).query()))
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"message": "Maximum SearchCriteria pageSize is %max", "parameters": {"max": 300}})
    );
    let body = store
        .ok(&format!(
            "orders?{}&fields=items[entity_id]",
            Criteria::new().size(300).query()
        ))
        .await;
    assert_eq!(ids(&body, "entity_id").len(), 300);
}

/// The §7.1 keyset algorithm; returns ids in the order received.
async fn keyset(
    store: &TestStore,
    path: &str,
    id_field: &str,
    page: usize,
    upper: &str,
) -> Vec<u64> {
    let (mut t, mut last) = ("1970-01-01 00:00:00".to_string(), 0u64);
    let mut seen = Vec::new();
    loop {
        loop {
            let c = Criteria::new()
                .filter("updated_at", &t, "eq")
                .filter("entity_id", &last.to_string(), "gt")
                .sort(&[("entity_id", "ASC")])
                .page(page, 1);
            let body = store.ok(&format!("{path}?{}", c.query())).await;
            let got = ids(&body, id_field);
            if let Some(id) = got.last() {
                last = *id;
            }
            let short = got.len() < page;
            seen.extend(got);
            if short {
                break;
            }
        }
        let c = Criteria::new()
            .filter("updated_at", &t, "gt")
            .filter("updated_at", upper, "lteq")
            .sort(&[("updated_at", "ASC"), ("entity_id", "ASC")])
            .page(page, 1);
        let body = store.ok(&format!("{path}?{}", c.query())).await;
        let items = body["items"].as_array().unwrap();
        let Some(tail) = items.last() else { break };
        t = tail["updated_at"].as_str().unwrap().to_string();
        last = tail[id_field].as_u64().unwrap();
        seen.extend(ids(&body, id_field));
    }
    seen
}

fn largest_tie(times: impl Iterator<Item = u32>) -> usize {
    let mut counts: HashMap<u32, usize> = HashMap::new();
    for t in times {
        *counts.entry(t).or_default() += 1;
    }
    counts.into_values().max().unwrap_or(0)
}

#[tokio::test]
async fn keyset_paging_sees_every_record_once_across_ties() {
    let store = spawn_scale(400).await;
    let ds = generate(42, 400, Some(anchor()));
    let page = 2;
    assert!(
        largest_tie(ds.orders.iter().map(|o| o.updated_at.0)) > page,
        "data must have ties larger than a page"
    );
    assert!(largest_tie(ds.customers.iter().map(|c| c.updated_at.0)) > page);
    let upper = store.handle.state().read().now().to_string();
    for (path, id_field, expected) in [
        ("orders", "entity_id", ds.orders.len()),
        ("customers/search", "id", ds.customers.len()),
        ("carts/search", "id", ds.carts.len()),
        ("creditmemos", "entity_id", ds.credit_memos.len()),
    ] {
        let seen = keyset(&store, path, id_field, page, &upper).await;
        let unique: HashSet<u64> = seen.iter().copied().collect();
        assert_eq!(unique.len(), seen.len(), "{path}: a record came twice");
        assert_eq!(seen.len(), expected, "{path}: a record was lost");
    }
}

/// Page numbers with every stop rule of §4.3, in both Magento behaviours.
#[tokio::test]
async fn page_numbers_with_stop_rules_lose_nothing_in_both_modes() {
    let store = spawn_scale(200).await;
    for mode in [PagingMode::V24, PagingMode::V23] {
        store.handle.set_paging(mode);
        let size = 7;
        let mut seen: Vec<u64> = Vec::new();
        let mut page = 1;
        loop {
            let c = Criteria::new()
                .sort(&[("updated_at", "ASC"), ("entity_id", "ASC")])
                .page(size, page);
            let body = store
                .ok(&format!(
                    "orders?{}&fields=items[entity_id,updated_at],total_count",
                    c.query()
                ))
                .await;
            let got = ids(&body, "entity_id");
            if got.first().is_some_and(|id| seen.contains(id)) {
                break;
            }
            let stop = got.len() < size || page as u64 * size as u64 >= total(&body);
            seen.extend(got);
            if stop {
                break;
            }
            page += 1;
        }
        let unique: HashSet<u64> = seen.iter().copied().collect();
        assert_eq!((seen.len(), unique.len()), (200, 200), "{mode:?}");
    }
}
