//! Every condition type and combination, checked against an independent filter of the same
//! generated data (the Rust records, compared the way MySQL would).

use std::cmp::Ordering;

use demo_store::{Dataset, Order, Ts, generate};
use rust_decimal::Decimal;

use crate::helpers::{Criteria, TestStore, anchor, ids, spawn_scale, total};

const SCALE: usize = 400;

async fn setup() -> (TestStore, Dataset) {
    (
        spawn_scale(SCALE).await,
        generate(42, SCALE, Some(anchor())),
    )
}

/// Runs `criteria` on /V1/orders and compares with the ids of orders matching `keep`.
async fn check(store: &TestStore, ds: &Dataset, criteria: Criteria, keep: impl Fn(&Order) -> bool) {
    let body = store
        .ok(&format!(
            "orders?{}&fields=items[entity_id],total_count",
            criteria.query()
        ))
        .await;
    let expected: Vec<u64> = ds
        .orders
        .iter()
        .filter(|o| keep(o))
        .map(|o| o.id as u64)
        .collect();
    assert!(
        !expected.is_empty() || criteria.query().contains("nomatch"),
        "the case should select something: {}",
        criteria.query()
    );
    assert_eq!(ids(&body, "entity_id"), expected, "{}", criteria.query());
    assert_eq!(total(&body), expected.len() as u64);
}

fn dec(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

fn ts(s: &str) -> Ts {
    Ts::parse(s).expect("date")
}

/// Independent `increment_id`: store 1 has no prefix, other stores their id.
fn increment(o: &Order) -> String {
    let prefix = if o.store_id <= 1 {
        String::new()
    } else {
        o.store_id.to_string()
    };
    format!("{prefix}{:09}", o.id)
}

fn rule_of(o: &Order) -> Option<&'static str> {
    match o.coupon_code.as_deref()? {
        "SAVE10" => Some("1"),
        "WELCOME5" => Some("2"),
        "SUMMER15" => Some("3"),
        _ => Some("4"),
    }
}

#[tokio::test]
async fn comparison_conditions_match_an_independent_filter() {
    let (store, ds) = setup().await;
    let hundred = dec("100");
    check(
        &store,
        &ds,
        Criteria::new().filter("status", "complete", ""),
        |o| o.status == "complete",
    )
    .await;
    check(
        &store,
        &ds,
        Criteria::new().filter("status", "complete", "eq"),
        |o| o.status == "complete",
    )
    .await;
    check(
        &store,
        &ds,
        Criteria::new().filter("state", "complete", "neq"),
        |o| o.state.as_str() != "complete",
    )
    .await;
    check(
        &store,
        &ds,
        Criteria::new().filter("grand_total", "100", "gt"),
        |o| o.grand_total > hundred,
    )
    .await;
    check(
        &store,
        &ds,
        Criteria::new().filter("grand_total", "100", "gteq"),
        |o| o.grand_total >= hundred,
    )
    .await;
    check(
        &store,
        &ds,
        Criteria::new().filter("grand_total", "100", "moreq"),
        |o| o.grand_total >= hundred,
    )
    .await;
    check(
        &store,
        &ds,
        Criteria::new().filter("grand_total", "100", "lt"),
        |o| o.grand_total < hundred,
    )
    .await;
    check(
        &store,
        &ds,
        Criteria::new().filter("grand_total", "100.00", "lteq"),
        |o| o.grand_total <= hundred,
    )
    .await;
    // Numbers compare numerically, not as text.
    check(
        &store,
        &ds,
        Criteria::new().filter("entity_id", "9", "lt"),
        |o| o.id < 9,
    )
    .await;
    check(
        &store,
        &ds,
        Criteria::new().filter("entity_id", "300", "gteq"),
        |o| o.id >= 300,
    )
    .await;
}

#[tokio::test]
async fn dates_compare_as_datetimes_and_from_to_take_separate_groups() {
    let (store, ds) = setup().await;
    let (from, to) = (ts("2024-03-01 00:00:00"), ts("2024-09-30 23:59:59"));
    let criteria = Criteria::new()
        .filter("created_at", "2024-03-01 00:00:00", "from")
        .filter("created_at", "2024-09-30 23:59:59", "to");
    check(&store, &ds, criteria, |o| {
        o.created_at >= from && o.created_at <= to
    })
    .await;
    let day = ts("2025-01-01 00:00:00");
    check(
        &store,
        &ds,
        Criteria::new().filter("updated_at", "2025-01-01", "gt"),
        |o| o.updated_at > day,
    )
    .await;
    let t = ds.orders[10].updated_at;
    check(
        &store,
        &ds,
        Criteria::new().filter("updated_at", &t.to_string(), "eq"),
        |o| o.updated_at == t,
    )
    .await;
}

#[tokio::test]
async fn like_wildcards_in_lists_and_nulls() {
    let (store, ds) = setup().await;
    check(
        &store,
        &ds,
        Criteria::new().filter("customer_email", "%@EXAMPLE.com", "like"),
        |o| o.customer_email.to_lowercase().ends_with("@example.com"),
    )
    .await;
    check(
        &store,
        &ds,
        Criteria::new().filter("customer_email", "%@example.com", "nlike"),
        |o| !o.customer_email.to_lowercase().ends_with("@example.com"),
    )
    .await;
    // `_` is one character: increment ids 000000010..000000019 of store 1.
    check(
        &store,
        &ds,
        Criteria::new().filter("increment_id", "00000001_", "like"),
        |o| {
            let inc = increment(o);
            inc.len() == 9 && inc.starts_with("00000001")
        },
    )
    .await;
    check(
        &store,
        &ds,
        Criteria::new().filter("status", "complete,canceled", "in"),
        |o| matches!(o.status, "complete" | "canceled"),
    )
    .await;
    check(
        &store,
        &ds,
        Criteria::new().filter("status", "complete,canceled", "nin"),
        |o| !matches!(o.status, "complete" | "canceled"),
    )
    .await;
    check(
        &store,
        &ds,
        Criteria::new().filter("customer_id", "1", "null"),
        |o| o.customer_id.is_none(),
    )
    .await;
    check(
        &store,
        &ds,
        Criteria::new().filter("customer_id", "1", "notnull"),
        |o| o.customer_id.is_some(),
    )
    .await;
    check(
        &store,
        &ds,
        Criteria::new().filter("customer_lastname", "MIT", "fulltext"),
        |o| o.customer_lastname.to_lowercase().contains("mit"),
    )
    .await;
}

#[tokio::test]
async fn find_in_set_ignores_nulls_like_mysql() {
    let (store, ds) = setup().await;
    check(
        &store,
        &ds,
        Criteria::new().filter("applied_rule_ids", "1", "finset"),
        |o| rule_of(o) == Some("1"),
    )
    .await;
    // NOT FIND_IN_SET('1', NULL) is NULL: orders without a coupon never match.
    check(
        &store,
        &ds,
        Criteria::new().filter("applied_rule_ids", "1", "nfinset"),
        |o| rule_of(o).is_some_and(|r| r != "1"),
    )
    .await;
}

#[tokio::test]
async fn filters_or_within_a_group_and_across_groups() {
    let (store, ds) = setup().await;
    let or = Criteria::new().group(&[("status", "complete", "eq"), ("grand_total", "200", "gt")]);
    check(&store, &ds, or, |o| {
        o.status == "complete" || o.grand_total > dec("200")
    })
    .await;
    let and = Criteria::new()
        .filter("status", "complete", "eq")
        .filter("store_id", "1", "eq");
    check(&store, &ds, and, |o| {
        o.status == "complete" && o.store_id == 1
    })
    .await;
    let both = Criteria::new()
        .group(&[("store_id", "3", "eq"), ("store_id", "4", "eq")])
        .group(&[("state", "canceled", "eq"), ("state", "closed", "eq")]);
    check(&store, &ds, both, |o| {
        matches!(o.store_id, 3 | 4) && matches!(o.state.as_str(), "canceled" | "closed")
    })
    .await;
}

#[tokio::test]
async fn booleans_only_work_as_one_and_zero() {
    let store = spawn_scale(SCALE).await;
    let ds = generate(42, SCALE, Some(anchor()));
    let active: Vec<u64> = ds
        .carts
        .iter()
        .filter(|c| c.is_active)
        .map(|c| c.id as u64)
        .collect();
    let inactive: Vec<u64> = ds
        .carts
        .iter()
        .filter(|c| !c.is_active)
        .map(|c| c.id as u64)
        .collect();
    let one = store
        .ok(&format!(
            "carts/search?{}&fields=items[id]",
            Criteria::new().filter("is_active", "1", "eq").query()
        ))
        .await;
    assert_eq!(ids(&one, "id"), active);
    // MySQL casts 'true' to 0 (Magento issue 5030): the *inactive* carts come back.
    let word = store
        .ok(&format!(
            "carts/search?{}&fields=items[id]",
            Criteria::new().filter("is_active", "true", "eq").query()
        ))
        .await;
    assert_eq!(ids(&word, "id"), inactive);
}

#[tokio::test]
async fn text_compares_case_insensitively_like_general_ci() {
    let store = spawn_scale(SCALE).await;
    let ds = generate(42, SCALE, Some(anchor()));
    let c = &ds.customers[5];
    let body = store
        .ok(&format!(
            "customers/search?{}",
            Criteria::new()
                .filter("email", &c.email.to_uppercase(), "eq")
                .query()
        ))
        .await;
    assert_eq!(ids(&body, "id"), vec![c.id as u64]);
}

#[tokio::test]
async fn unknown_condition_types_compare_for_equality() {
    let (store, ds) = setup().await;
    check(
        &store,
        &ds,
        Criteria::new().filter("status", "complete", "whatever"),
        |o| o.status == "complete",
    )
    .await;
}

#[tokio::test]
async fn sorts_follow_direction_with_desc_by_default() {
    let (store, ds) = setup().await;
    let by_total = |asc: bool| {
        let mut v: Vec<&Order> = ds.orders.iter().collect();
        v.sort_by(|a, b| {
            let o = a.grand_total.cmp(&b.grand_total);
            if asc { o } else { o.reverse() }
        });
        v.into_iter().map(|o| o.grand_total).collect::<Vec<_>>()
    };
    let totals = |body: &serde_json::Value| -> Vec<Decimal> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| dec(&i["grand_total"].to_string()))
            .collect()
    };
    for (dir, asc) in [("ASC", true), ("asc", true), ("DESC", false), ("", false)] {
        let body = store
            .ok(&format!(
                "orders?{}&fields=items[grand_total]",
                Criteria::new().sort(&[("grand_total", dir)]).query()
            ))
            .await;
        assert_eq!(totals(&body), by_total(asc), "direction {dir:?}");
    }
    // Two keys: status ASC then entity_id DESC.
    let body = store
        .ok(&format!(
            "orders?{}&fields=items[entity_id]",
            Criteria::new()
                .sort(&[("status", "ASC"), ("entity_id", "DESC")])
                .query()
        ))
        .await;
    let mut expected: Vec<&Order> = ds.orders.iter().collect();
    expected.sort_by(|a, b| a.status.cmp(b.status).then(b.id.cmp(&a.id)));
    assert_eq!(
        ids(&body, "entity_id"),
        expected.iter().map(|o| o.id as u64).collect::<Vec<_>>()
    );
    let _ = Ordering::Equal;
}

#[tokio::test]
async fn no_sort_orders_means_insertion_order_and_echo_is_snake_case() {
    let store = spawn_scale(100).await;
    let q = "searchCriteria[filterGroups][0][filters][0][field]=entity_id&searchCriteria[filterGroups][0][filters][0][value]=10&searchCriteria[filterGroups][0][filters][0][conditionType]=lteq&searchCriteria[sortOrders][0][field]=entity_id&searchCriteria[sortOrders][0][direction]=asc&searchCriteria[pageSize]=5&searchCriteria[currentPage]=2";
    let body = store
        .ok(&format!(
            "orders?{q}&fields=items[entity_id],search_criteria,total_count"
        ))
        .await;
    assert_eq!(ids(&body, "entity_id"), vec![6, 7, 8, 9, 10]);
    assert_eq!(
        body["search_criteria"],
        serde_json::json!({
            "filter_groups": [{"filters": [{"field": "entity_id", "value": "10", "condition_type": "lteq"}]}],
            "sort_orders": [{"field": "entity_id", "direction": "ASC"}],
            "page_size": 5,
            "current_page": 2
        })
    );
    let unsorted = store
        .ok(&format!(
            "orders?{}&fields=items[entity_id]",
            Criteria::new().filter("status", "complete", "eq").query()
        ))
        .await;
    let got = ids(&unsorted, "entity_id");
    assert!(got.windows(2).all(|w| w[0] < w[1]), "insertion order");
}

#[tokio::test]
async fn partial_responses_keep_only_selected_fields() {
    let store = spawn_scale(50).await;
    let body = store
        .ok(&format!(
            "orders?{}&fields=items[entity_id,updated_at,payment[method]],total_count",
            Criteria::new().size(2).query()
        ))
        .await;
    let item = body["items"][0].as_object().unwrap();
    let mut keys: Vec<&String> = item.keys().collect();
    keys.sort();
    assert_eq!(keys, ["entity_id", "payment", "updated_at"]);
    assert_eq!(body["items"][0]["payment"].as_object().unwrap().len(), 1);
    assert!(body.get("search_criteria").is_none());
    let ds = generate(42, 50, Some(anchor()));
    let one = store.ok("orders/1?fields=entity_id,increment_id").await;
    assert_eq!(
        one,
        serde_json::json!({"entity_id": 1, "increment_id": increment(&ds.orders[0])})
    );
}
