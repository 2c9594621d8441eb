//! The generator: deterministic, the documented ratios, every state, the links between
//! records, and served JSON equal to `to_json` of the Rust records.

use std::collections::{HashMap, HashSet};

use demo_store::{
    Dataset, HISTORY_DAYS, ItemKind, OrderState, RecordRef, SubscriberStatus, Ts, generate, to_json,
};
use serde_json::Value;

use crate::helpers::{anchor, spawn_scale};

fn all_json(ds: &Dataset) -> Vec<Value> {
    let mut out = Vec::new();
    out.extend(
        ds.customers
            .iter()
            .map(|r| to_json(ds, RecordRef::Customer(r))),
    );
    out.extend(ds.carts.iter().map(|r| to_json(ds, RecordRef::Cart(r))));
    out.extend(ds.orders.iter().map(|r| to_json(ds, RecordRef::Order(r))));
    out.extend(
        ds.credit_memos
            .iter()
            .map(|r| to_json(ds, RecordRef::CreditMemo(r))),
    );
    out.extend(
        ds.subscribers
            .iter()
            .map(|r| to_json(ds, RecordRef::Subscriber(r))),
    );
    out
}

#[test]
fn the_same_seed_gives_the_same_store() {
    let a = all_json(&generate(5, 300, Some(anchor())));
    let b = all_json(&generate(5, 300, Some(anchor())));
    assert_eq!(a, b);
    let c = all_json(&generate(6, 300, Some(anchor())));
    assert_ne!(a, c);
}

#[test]
fn scale_sets_counts_and_ratios() {
    let ds = generate(42, 2000, Some(anchor()));
    assert_eq!(ds.orders.len(), 2000);
    assert_eq!(ds.customers.len(), 600);
    let carts = ds.carts.len() as f64 / 2000.0;
    assert!((1.0..=1.3).contains(&carts), "carts per order {carts}");
    let memos = ds.credit_memos.len() as f64 / 2000.0;
    assert!(
        (0.06..=0.12).contains(&memos),
        "credit memos per order {memos}"
    );
    assert!(!ds.subscribers.is_empty());
    let products = ds.catalog.products.len();
    assert!(products > 80, "{products}");
    // Ids are dense and follow creation time.
    assert!(
        ds.orders
            .windows(2)
            .all(|w| w[0].id + 1 == w[1].id && w[0].created_at <= w[1].created_at)
    );
    assert!(
        ds.carts
            .windows(2)
            .all(|w| w[0].created_at <= w[1].created_at)
    );
}

#[test]
fn every_state_is_present() {
    let ds = generate(42, 2000, Some(anchor()));
    let states: HashSet<&str> = ds.orders.iter().map(|o| o.state.as_str()).collect();
    for s in OrderState::ALL {
        assert!(states.contains(s.as_str()), "order state {s:?} missing");
    }
    let memo_states: HashSet<u8> = ds.credit_memos.iter().map(|m| m.state).collect();
    assert_eq!(memo_states, HashSet::from([1, 2, 3]));
    let closed = ds
        .orders
        .iter()
        .filter(|o| o.state == OrderState::Closed)
        .count();
    let partial = ds
        .orders
        .iter()
        .filter(|o| o.state != OrderState::Closed && !o.total_refunded.is_zero())
        .count();
    assert!(closed > 0 && partial > 0, "full and partial refunds");
    assert!(
        ds.orders
            .iter()
            .any(|o| o.coupon_code.is_some() && o.discount_amount < rust_decimal::Decimal::ZERO)
    );

    let end = Ts::from_datetime(anchor());
    let hour = 3600;
    let converted = ds
        .carts
        .iter()
        .filter(|c| !c.is_active && c.order_id.is_some())
        .count();
    let deactivated = ds
        .carts
        .iter()
        .filter(|c| !c.is_active && c.order_id.is_none())
        .count();
    let empty = ds
        .carts
        .iter()
        .filter(|c| c.is_active && c.items.is_empty())
        .count();
    let live = ds
        .carts
        .iter()
        .filter(|c| c.is_active && !c.items.is_empty() && c.updated_at.0 + hour > end.0)
        .count();
    let abandoned = ds
        .carts
        .iter()
        .filter(|c| c.is_active && !c.items.is_empty() && c.updated_at.0 + hour <= end.0)
        .count();
    assert_eq!(converted, 2000);
    for (name, n) in [
        ("deactivated", deactivated),
        ("empty", empty),
        ("live", live),
        ("abandoned", abandoned),
    ] {
        assert!(n > 0, "{name} carts missing");
    }
    assert!(
        ds.carts
            .iter()
            .any(|c| c.is_active && c.customer_id.is_none() && c.customer_email.is_some()),
        "identified guest carts"
    );

    let statuses: HashSet<i64> = ds.subscribers.iter().map(|s| s.status.code()).collect();
    assert_eq!(statuses, HashSet::from([1, 2, 3, 4]));
    assert!(
        ds.subscribers
            .iter()
            .any(|s| s.customer_id == 0 && s.status == SubscriberStatus::Subscribed)
    );
    assert!(ds.subscribers.iter().any(|s| s.change_status_at.is_none()));
}

#[test]
fn orders_link_to_their_carts_and_configurables_have_two_rows() {
    let ds = generate(42, 500, Some(anchor()));
    let carts: HashMap<u32, &demo_store::Cart> = ds.carts.iter().map(|c| (c.id, c)).collect();
    for o in &ds.orders {
        let cart = carts[&o.quote_id];
        assert_eq!(cart.order_id, Some(o.id));
        assert!(!cart.is_active);
        let prefix = if o.store_id <= 1 {
            String::new()
        } else {
            o.store_id.to_string()
        };
        assert_eq!(
            cart.reserved_order_id.as_deref(),
            Some(format!("{prefix}{:09}", o.id).as_str())
        );
        assert_eq!(cart.customer_id, o.customer_id);
        for (i, item) in o.items.iter().enumerate() {
            if item.kind == ItemKind::Child {
                let parent = &o.items[i - 1];
                assert_eq!(
                    (parent.kind, item.parent_item_id),
                    (ItemKind::Parent, Some(parent.item_id))
                );
                assert!(
                    item.price.is_zero() && !parent.price.is_zero(),
                    "only the parent row is priced"
                );
            }
        }
        let sum: rust_decimal::Decimal = o.items.iter().map(|i| i.row_total()).sum();
        assert_eq!(o.subtotal, sum);
        assert_eq!(
            o.grand_total,
            o.subtotal + o.discount_amount + o.shipping_amount + o.tax_amount
        );
    }
    assert!(
        ds.orders
            .iter()
            .any(|o| o.items.iter().any(|i| i.kind == ItemKind::Parent))
    );
}

#[test]
fn people_come_from_many_scripts_and_guests_reuse_emails() {
    let ds = generate(42, 2000, Some(anchor()));
    let names: Vec<String> = ds
        .customers
        .iter()
        .map(|c| format!("{} {}", c.firstname, c.lastname))
        .collect();
    let has = |pred: &dyn Fn(char) -> bool| names.iter().any(|n| n.chars().any(pred));
    assert!(has(&|c| ('\u{0400}'..='\u{04FF}').contains(&c)), "Cyrillic");
    assert!(has(&|c| ('\u{0370}'..='\u{03FF}').contains(&c)), "Greek");
    assert!(has(&|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)), "CJK");
    assert!(has(&|c| ('\u{0600}'..='\u{06FF}').contains(&c)), "Arabic");
    assert!(has(&|c| "éèüöñçł".contains(c)), "accented Latin");
    assert!(names.iter().any(|n| n.contains("O'Brien")));
    assert!(
        names
            .iter()
            .any(|n| n.contains("<script>") || n.contains("<b>")),
        "hostile names"
    );

    let emails: HashSet<String> = ds.customers.iter().map(|c| c.email.to_string()).collect();
    let guest_matches = ds
        .orders
        .iter()
        .filter(|o| {
            o.customer_is_guest
                && !emails.contains(o.customer_email.as_ref())
                && emails.contains(&o.customer_email.to_lowercase())
        })
        .count();
    assert!(
        guest_matches > 0,
        "guest orders with a registered customer's email in another case"
    );
}

#[test]
fn history_spans_two_years_with_shared_seconds() {
    let ds = generate(42, 2000, Some(anchor()));
    let end = Ts::from_datetime(anchor());
    let start = end.plus(-HISTORY_DAYS * 86_400);
    for o in &ds.orders {
        assert!(
            o.created_at >= start && o.updated_at <= end && o.created_at <= o.updated_at,
            "order {}",
            o.id
        );
    }
    assert!(ds.carts.iter().all(|c| c.updated_at <= end));
    let mut per_second: HashMap<u32, usize> = HashMap::new();
    for o in &ds.orders {
        *per_second.entry(o.updated_at.0).or_default() += 1;
    }
    assert!(
        per_second.values().filter(|n| **n > 1).count() > 50,
        "many shared seconds"
    );
    assert!(
        ds.orders.first().unwrap().created_at.0 < start.0 + 90 * 86_400,
        "history reaches back"
    );
}

#[tokio::test]
async fn served_json_is_exactly_to_json_of_the_records() {
    let store = spawn_scale(200).await;
    let ds = generate(42, 200, Some(anchor()));
    for o in ds.orders.iter().step_by(37) {
        assert_eq!(
            store.ok(&format!("orders/{}", o.id)).await,
            to_json(&ds, RecordRef::Order(o))
        );
    }
    for c in ds.carts.iter().step_by(41) {
        assert_eq!(
            store.ok(&format!("carts/{}", c.id)).await,
            to_json(&ds, RecordRef::Cart(c))
        );
    }
    for c in ds.customers.iter().step_by(13) {
        assert_eq!(
            store.ok(&format!("customers/{}", c.id)).await,
            to_json(&ds, RecordRef::Customer(c))
        );
    }
    for m in ds.credit_memos.iter() {
        assert_eq!(
            store.ok(&format!("creditmemo/{}", m.id)).await,
            to_json(&ds, RecordRef::CreditMemo(m))
        );
    }
    let money = to_json(&ds, RecordRef::Order(&ds.orders[0]));
    assert!(money["grand_total"].is_number() && money["increment_id"].is_string());
}
