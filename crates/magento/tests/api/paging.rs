//! Paging never loops, never requests past a known end, and never loses or repeats records.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use axum::http::Method;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use magento::resources::{Customers, Orders};
use magento::{Filter, KeysetCursor, SearchCriteria};
use serde_json::{Value, json};

use crate::helpers::FakeStore;

fn at(minute: i64) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(2024, 5, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        + Duration::minutes(minute)
}

fn orders(n: i64) -> Vec<Value> {
    (1..=n)
        .map(|id| {
            json!({"entity_id": id, "increment_id": format!("{id:09}"), "grand_total": 10,
                         "updated_at": magento::magento_datetime(at(id))})
        })
        .collect()
}

async fn collect_offset(store: &FakeStore, page_size: u32) -> Vec<i64> {
    let mut pager = store
        .client()
        .offset_pager::<Orders>(SearchCriteria::new().page_size(page_size));
    let mut ids = Vec::new();
    while let Some(page) = pager.next_page().await.unwrap() {
        ids.extend(page.records().map(|o| o.entity_id.unwrap()));
    }
    assert!(pager.is_done());
    assert!(
        pager.next_page().await.unwrap().is_none(),
        "a finished pager stays finished"
    );
    ids
}

#[tokio::test]
async fn offset_paging_stops_on_a_short_page_or_the_total_count() {
    let store = FakeStore::start().await;
    store.table("orders", orders(25), &[]);
    assert_eq!(
        collect_offset(&store, 10).await,
        (1..=25).collect::<Vec<_>>()
    );
    assert_eq!(store.count(Method::GET, "orders"), 3);

    let store = FakeStore::start().await;
    store.table("orders", orders(20), &[]);
    assert_eq!(
        collect_offset(&store, 10).await,
        (1..=20).collect::<Vec<_>>()
    );
    assert_eq!(
        store.count(Method::GET, "orders"),
        2,
        "currentPage * pageSize >= total_count: no request past the end"
    );
    let first = &store.requests()[0];
    assert_eq!(
        first
            .param("searchCriteria[sortOrders][0][field]")
            .as_deref(),
        Some("entity_id")
    );
    assert_eq!(
        first
            .param("searchCriteria[sortOrders][0][direction]")
            .as_deref(),
        Some("ASC")
    );
}

#[tokio::test]
async fn offset_paging_on_2_4_stops_at_the_empty_page_past_the_end() {
    let store = FakeStore::start().await;
    store.table("orders", orders(20), &[]);
    store.state.total_count_bias.store(100, Ordering::SeqCst); // a stale count keeps the total rule quiet
    assert_eq!(
        collect_offset(&store, 10).await,
        (1..=20).collect::<Vec<_>>()
    );
    assert_eq!(store.count(Method::GET, "orders"), 3);
}

#[tokio::test]
async fn offset_paging_on_2_3_never_loops_on_the_repeated_last_page() {
    let store = FakeStore::start().await;
    store.table("orders", orders(20), &[]);
    store.state.legacy_paging.store(true, Ordering::SeqCst);
    store.state.total_count_bias.store(100, Ordering::SeqCst);
    let ids = collect_offset(&store, 10).await;
    assert_eq!(
        ids,
        (1..=20).collect::<Vec<_>>(),
        "no record lost or repeated"
    );
    assert_eq!(
        store.count(Method::GET, "orders"),
        3,
        "the repeated page is detected and dropped"
    );

    // Without a stale count, a short last page ends it in 2.3 mode too.
    let store = FakeStore::start().await;
    store.table("orders", orders(25), &[]);
    store.state.legacy_paging.store(true, Ordering::SeqCst);
    assert_eq!(collect_offset(&store, 10).await.len(), 25);
    assert_eq!(store.count(Method::GET, "orders"), 3);
}

/// 90 orders over 4 timestamps (ids interleaved), plus 5 updated after the upper bound.
fn clustered_orders() -> Vec<Value> {
    let mut rows: Vec<Value> = (1..=90)
        .map(|id| {
            let minute = [5, 7, 7, 9][(id as usize * 7) % 4];
            json!({"entity_id": id, "updated_at": magento::magento_datetime(at(minute)), "grand_total": "1.00"})
        })
        .collect();
    rows.extend(
        (91..=95)
            .map(|id| json!({"entity_id": id, "updated_at": magento::magento_datetime(at(60))})),
    );
    // One malformed record must still move the cursor.
    rows[40]["grand_total"] = json!("bad");
    rows
}

fn key_of(row: &Value) -> (DateTime<Utc>, i64) {
    let updated = chrono::NaiveDateTime::parse_from_str(
        row["updated_at"].as_str().unwrap(),
        "%Y-%m-%d %H:%M:%S",
    )
    .unwrap();
    (updated.and_utc(), row["entity_id"].as_i64().unwrap())
}

#[tokio::test]
async fn keyset_paging_returns_each_record_once_across_equal_timestamps() {
    let store = FakeStore::start().await;
    let rows = clustered_orders();
    store.table("orders", rows.clone(), &[]);
    let client = store.client();
    let mut pager = client.keyset_pager::<Orders>(KeysetCursor::start(at(0)), at(30), 7);
    let mut seen: HashMap<i64, usize> = HashMap::new();
    let mut last_cursor = KeysetCursor::start(at(0));
    let mut failed = 0;
    while let Some(kp) = pager.next_page().await.unwrap() {
        assert!(kp.cursor > last_cursor, "the cursor only moves forward");
        last_cursor = kp.cursor;
        let mut page_max = None;
        for item in &kp.page.items {
            let raw = match item {
                Ok(o) => {
                    json!({"entity_id": o.entity_id, "updated_at": magento::magento_datetime(o.updated_at.unwrap())})
                }
                Err(e) => {
                    failed += 1;
                    e.raw.clone()
                }
            };
            let key = key_of(&raw);
            *seen.entry(key.1).or_default() += 1;
            page_max = page_max.max(Some(key));
        }
        assert_eq!(
            page_max,
            Some((kp.cursor.updated_at, kp.cursor.last_id)),
            "the cursor is the page's last key"
        );
        assert!(kp.page.len() <= 7);
    }
    assert_eq!(
        failed, 1,
        "the malformed record is reported, and the walk goes on"
    );
    assert_eq!(seen.len(), 90, "every record up to the upper bound");
    assert!(seen.values().all(|n| *n == 1), "no record twice: {seen:?}");
    assert!(!seen.contains_key(&91), "nothing after the upper bound");
    let last = rows
        .iter()
        .map(key_of)
        .filter(|(t, _)| *t <= at(30))
        .max()
        .unwrap();
    assert_eq!(
        pager.cursor(),
        KeysetCursor {
            updated_at: last.0,
            last_id: last.1
        }
    );
    for req in store.requests() {
        assert_eq!(
            req.param("searchCriteria[currentPage]").as_deref(),
            Some("1"),
            "never a deep offset"
        );
    }
    // Both phases were used, with the filters of §7.1.
    let conditions: Vec<Vec<(String, String)>> = store
        .requests()
        .iter()
        .map(|r| {
            let p = r.pairs();
            (0..3)
                .filter_map(|g| {
                    let get = |part: &str| {
                        let key = format!("searchCriteria[filter_groups][{g}][filters][0][{part}]");
                        p.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone())
                    };
                    Some((get("field")?, get("condition_type")?))
                })
                .collect()
        })
        .collect();
    let tie = vec![
        ("updated_at".to_owned(), "eq".to_owned()),
        ("entity_id".to_owned(), "gt".to_owned()),
    ];
    let advance = vec![
        ("updated_at".to_owned(), "gt".to_owned()),
        ("updated_at".to_owned(), "lteq".to_owned()),
    ];
    assert!(
        conditions.contains(&tie) && conditions.contains(&advance),
        "{conditions:?}"
    );
    assert!(conditions.iter().all(|c| *c == tie || *c == advance));
}

#[tokio::test]
async fn keyset_paging_resumes_from_a_committed_cursor() {
    let store = FakeStore::start().await;
    store.table("orders", clustered_orders(), &[]);
    let client = store.client();
    let mut first = client.keyset_pager::<Orders>(KeysetCursor::start(at(0)), at(30), 10);
    let mut ids = Vec::new();
    let mut committed = None;
    for _ in 0..4 {
        let kp = first.next_page().await.unwrap().unwrap();
        ids.extend(kp.page.items.iter().map(|r| {
            r.as_ref()
                .map(|o| o.entity_id.unwrap())
                .unwrap_or_else(|e| e.id.unwrap())
        }));
        committed = Some(kp.cursor);
    }
    // A crash here: start again from the committed cursor with a fresh pager.
    let mut second = client.keyset_pager::<Orders>(committed.unwrap(), at(30), 10);
    while let Some(kp) = second.next_page().await.unwrap() {
        ids.extend(kp.page.items.iter().map(|r| {
            r.as_ref()
                .map(|o| o.entity_id.unwrap())
                .unwrap_or_else(|e| e.id.unwrap())
        }));
    }
    ids.sort_unstable();
    assert_eq!(ids, (1..=90).collect::<Vec<_>>());
}

#[tokio::test]
async fn keyset_paging_with_an_empty_window_makes_few_requests() {
    let store = FakeStore::start().await;
    store.table("orders", orders(3), &[]);
    let mut pager = store.client().keyset_pager::<Orders>(
        KeysetCursor {
            updated_at: at(3),
            last_id: 3,
        },
        at(3),
        100,
    );
    assert!(pager.next_page().await.unwrap().is_none());
    assert_eq!(
        store.count(Method::GET, "orders"),
        1,
        "only the tie phase: the advance window is empty"
    );
}

#[tokio::test]
async fn keyset_paging_applies_caller_filters_and_reads_customer_ids_from_id() {
    let store = FakeStore::start().await;
    let rows: Vec<Value> = (1..=12)
        .map(|id| json!({"id": id, "website_id": id % 2, "updated_at": magento::magento_datetime(at(1))}))
        .collect();
    store.table("customers/search", rows, &[("entity_id", "id")]);
    let mut pager = store
        .client()
        .keyset_pager::<Customers>(KeysetCursor::start(at(0)), at(5), 2)
        .with_filter(Filter::eq("website_id", 1));
    let mut ids = Vec::new();
    while let Some(kp) = pager.next_page().await.unwrap() {
        ids.extend(kp.page.records().map(|c| c.id.unwrap()));
    }
    assert_eq!(ids, vec![1, 3, 5, 7, 9, 11]);
}

#[tokio::test]
async fn id_scan_lists_every_id_with_a_trimmed_response() {
    let store = FakeStore::start().await;
    let rows: Vec<Value> = (1..=23)
        .filter(|id| id % 5 != 0)
        .map(|id| json!({"id": id * 3, "email": "x@example.com"}))
        .collect();
    store.table("customers/search", rows, &[("entity_id", "id")]);
    let mut scan = store.client().id_scan::<Customers>(5);
    let mut ids = Vec::new();
    let mut pages = 0;
    while let Some(page) = scan.next_page().await.unwrap() {
        pages += 1;
        ids.extend(page.ids);
    }
    let want: Vec<i64> = (1..=23).filter(|id| id % 5 != 0).map(|id| id * 3).collect();
    assert_eq!(ids, want);
    assert_eq!(pages, 4);
    let req = &store.requests()[0];
    assert_eq!(
        req.param("fields").as_deref(),
        Some("items[id],total_count")
    );
    assert_eq!(
        req.param("searchCriteria[filter_groups][0][filters][0][field]")
            .as_deref(),
        Some("entity_id")
    );
    assert_eq!(
        req.param("searchCriteria[filter_groups][0][filters][0][condition_type]")
            .as_deref(),
        Some("gt")
    );
}
