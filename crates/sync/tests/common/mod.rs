//! Shared test harness: a demo store on loopback, a channel pointing at it, and the store's
//! records rendered independently of the CRM for comparison.

#![allow(dead_code)]

use chrono::{DateTime, Duration, Utc};
use demo_store::{DemoStoreConfig, DemoStoreHandle, RecordRef};
use domain::sync::JobKind;
use domain::{ChannelSettings, Credentials};
use futures::StreamExt;
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeMap;
use store::PgPool;
use store::secrets::Cipher;
use sync::connect::ClientOptions;
use sync::run::JobOutcome;

pub fn cipher() -> Cipher {
    Cipher::new(&[5u8; 32])
}

pub async fn spawn_store(config: DemoStoreConfig) -> DemoStoreHandle {
    demo_store::spawn(config, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("demo store")
}

pub fn small_store(scale: usize) -> DemoStoreConfig {
    DemoStoreConfig {
        seed: 7,
        scale,
        ..DemoStoreConfig::default()
    }
}

/// Fast timeouts and millisecond backoff, so fault tests run in seconds.
pub fn fast_client() -> ClientOptions {
    ClientOptions {
        timeout: std::time::Duration::from_millis(1500),
        connect_timeout: std::time::Duration::from_millis(500),
        max_concurrent_requests: 4,
        retry: magento::RetryPolicy {
            max_attempts: 12,
            base_delay: std::time::Duration::from_millis(5),
            max_delay: std::time::Duration::from_millis(50),
            max_retry_after: std::time::Duration::from_millis(100),
        },
    }
}

pub async fn add_channel(pool: &PgPool, url: &str, page_size: i32) -> i64 {
    let mut settings = ChannelSettings::new("Test store", url);
    settings.page_size = page_size;
    let credentials = Credentials::Bearer {
        token: demo_store::DEMO_BEARER_TOKEN.into(),
    };
    store::channels::create(pool, &cipher(), &settings, &credentials, false)
        .await
        .unwrap()
}

pub async fn sync(pool: &PgPool, channel: i64) -> JobOutcome {
    sync_kind(pool, channel, JobKind::Sync).await
}

pub async fn sync_kind(pool: &PgPool, channel: i64, kind: JobKind) -> JobOutcome {
    let (_, outcome) = sync::worker::sync_and_wait(pool, &cipher(), channel, kind, &fast_client())
        .await
        .unwrap();
    outcome
}

fn money(v: &Value) -> String {
    match v {
        Value::Number(n) => n
            .to_string()
            .parse::<Decimal>()
            .map(|d| d.normalize().to_string())
            .unwrap_or_default(),
        Value::String(s) => s
            .parse::<Decimal>()
            .map(|d| d.normalize().to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.trim().to_string(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn flag(v: &Value) -> bool {
    matches!(v, Value::Bool(true)) || v.as_i64() == Some(1)
}

/// Key fields per entity and record id, as lines that must match exactly.
pub type Snapshot = BTreeMap<&'static str, BTreeMap<i64, String>>;

/// What the store holds, from its own records rendered as Magento JSON (not through the CRM).
/// `now` decides which open carts have outlived the 30-day lifetime.
pub fn expected(handle: &DemoStoreHandle, now: DateTime<Utc>) -> Snapshot {
    let store = handle.state();
    let s = store.read();
    let mut out: Snapshot = BTreeMap::new();
    let customers = out.entry("customers").or_default();
    for c in s.customers.iter() {
        let j = s.json(RecordRef::Customer(c));
        customers.insert(
            c.id.into(),
            format!(
                "{}|{}|{}|{}",
                text(&j["email"]).to_lowercase(),
                text(&j["firstname"]),
                text(&j["lastname"]),
                j["website_id"]
            ),
        );
    }
    let quotes_with_orders: std::collections::HashSet<u32> =
        s.orders.iter().map(|o| o.quote_id).collect();
    let carts = out.entry("carts").or_default();
    for c in s.carts.iter() {
        let j = s.json(RecordRef::Cart(c));
        let updated: DateTime<Utc> =
            chrono::NaiveDateTime::parse_from_str(&text(&j["updated_at"]), "%Y-%m-%d %H:%M:%S")
                .unwrap()
                .and_utc();
        let status = if quotes_with_orders.contains(&c.id) {
            "purchased"
        } else if !flag(&j["is_active"]) || now - updated > Duration::days(30) {
            "expired"
        } else {
            "open"
        };
        carts.insert(
            c.id.into(),
            format!("{}|{}|{}", flag(&j["is_active"]), j["items_count"], status),
        );
    }
    let orders = out.entry("orders").or_default();
    for o in s.orders.iter() {
        let j = s.json(RecordRef::Order(o));
        orders.insert(
            o.id.into(),
            format!(
                "{}|{}|{}|{}|{}|{}|{}|{}|{}",
                text(&j["increment_id"]),
                j["quote_id"],
                text(&j["status"]),
                text(&j["state"]),
                money(&j["grand_total"]),
                money(&j["subtotal"]),
                money(&j["discount_amount"]),
                text(&j["customer_email"]).to_lowercase(),
                flag(&j["customer_is_guest"])
            ),
        );
    }
    let memos = out.entry("credit-memos").or_default();
    for m in s.credit_memos.iter() {
        let j = s.json(RecordRef::CreditMemo(m));
        memos.insert(
            m.id.into(),
            format!(
                "{}|{}|{}|{}",
                text(&j["increment_id"]),
                j["order_id"],
                j["state"],
                money(&j["grand_total"])
            ),
        );
    }
    let subs = out.entry("newsletter-subscribers").or_default();
    for x in s.subscribers.iter() {
        let j = s.json(RecordRef::Subscriber(x));
        let customer = j["customer_id"]
            .as_i64()
            .filter(|c| *c > 0)
            .map(|c| c.to_string())
            .unwrap_or_default();
        subs.insert(
            x.id.into(),
            format!(
                "{}|{}|{}",
                text(&j["subscriber_email"]).to_lowercase(),
                j["subscriber_status"],
                customer
            ),
        );
    }
    out
}

fn dec(d: &Option<Decimal>) -> String {
    d.map(|d| d.normalize().to_string()).unwrap_or_default()
}

/// What the CRM holds for a channel, through the same export the CLI uses.
pub async fn actual(pool: &PgPool, channel: i64) -> Snapshot {
    let mut out: Snapshot = BTreeMap::new();
    let mut rows = store::export::customers(pool, channel);
    let customers = out.entry("customers").or_default();
    while let Some(r) = rows.next().await {
        let r = r.unwrap();
        if let Some(id) = r.magento_id {
            customers.insert(
                id,
                format!(
                    "{}|{}|{}|{}",
                    r.email.to_lowercase(),
                    r.first_name.unwrap_or_default(),
                    r.last_name.unwrap_or_default(),
                    r.website_id
                ),
            );
        }
    }
    drop(rows);
    let mut rows = store::export::carts(pool, channel);
    let carts = out.entry("carts").or_default();
    while let Some(r) = rows.next().await {
        let r = r.unwrap();
        carts.insert(
            r.magento_id,
            format!("{}|{}|{}", r.is_active, r.items_count, r.status),
        );
    }
    drop(rows);
    let mut rows = store::export::orders(pool, channel);
    let orders = out.entry("orders").or_default();
    while let Some(r) = rows.next().await {
        let r = r.unwrap();
        orders.insert(
            r.magento_id,
            format!(
                "{}|{}|{}|{}|{}|{}|{}|{}|{}",
                r.increment_id.unwrap_or_default(),
                r.cart_magento_id.map(|c| c.to_string()).unwrap_or_default(),
                r.status.unwrap_or_default(),
                r.state.unwrap_or_default(),
                dec(&r.grand_total),
                dec(&r.subtotal),
                dec(&r.discount_amount),
                r.customer_email.unwrap_or_default().to_lowercase(),
                r.is_guest
            ),
        );
    }
    drop(rows);
    let mut rows = store::export::credit_memos(pool, channel);
    let memos = out.entry("credit-memos").or_default();
    while let Some(r) = rows.next().await {
        let r = r.unwrap();
        memos.insert(
            r.magento_id,
            format!(
                "{}|{}|{}|{}",
                r.increment_id.unwrap_or_default(),
                r.order_magento_id,
                r.state.map(|s| s.to_string()).unwrap_or_default(),
                dec(&r.grand_total)
            ),
        );
    }
    drop(rows);
    let mut rows = store::export::subscribers(pool, channel);
    let subs = out.entry("newsletter-subscribers").or_default();
    while let Some(r) = rows.next().await {
        let r = r.unwrap();
        if let (Some(id), false) = (r.magento_id, r.removed) {
            subs.insert(
                id,
                format!(
                    "{}|{}|{}",
                    r.email.to_lowercase(),
                    r.status,
                    r.customer_magento_id
                        .map(|c| c.to_string())
                        .unwrap_or_default()
                ),
            );
        }
    }
    out
}

/// Asserts two snapshots are equal entity by entity, naming the first differences.
pub fn assert_same(expected: &Snapshot, actual: &Snapshot) {
    for (entity, want) in expected {
        let got = actual.get(entity).cloned().unwrap_or_default();
        let missing: Vec<_> = want
            .iter()
            .filter(|(id, _)| !got.contains_key(id))
            .take(5)
            .collect();
        let extra: Vec<_> = got
            .iter()
            .filter(|(id, _)| !want.contains_key(id))
            .take(5)
            .collect();
        let differ: Vec<_> = want
            .iter()
            .filter_map(|(id, w)| got.get(id).filter(|g| *g != w).map(|g| (id, w, g)))
            .take(5)
            .collect();
        assert!(
            missing.is_empty() && extra.is_empty() && differ.is_empty(),
            "{entity}: store {} vs CRM {}; missing {missing:?}; extra {extra:?}; different (id, store, crm) {differ:?}",
            want.len(),
            got.len()
        );
    }
}

/// Removes the given ids of an entity from a snapshot.
pub fn without(mut snapshot: Snapshot, entity: &'static str, ids: &[u32]) -> Snapshot {
    if let Some(map) = snapshot.get_mut(entity) {
        for id in ids {
            map.remove(&i64::from(*id));
        }
    }
    snapshot
}

/// The figures the CRM derives from synced rows agree with the rows, however the pages came
/// (resolved in the insert, corrected per page, or once at the end of a history import):
/// customers' lifetime sales, order counts and last order; the buyer marks on orders; account
/// totals; orders linked to their carts, which are Purchased.
pub async fn assert_derived_figures_match_rows(pool: &PgPool, channel: i64) {
    let checks: &[(&str, &str)] = &[
        (
            "customer totals",
            "select count(*) from customers c
             left join lateral (
                 select coalesce(sum(coalesce(o.subtotal, 0) - abs(coalesce(o.discount_amount, 0))), 0) as sales,
                        count(*)::int4 as n, max(o.magento_created_at) as last
                 from orders o where o.customer_id = c.id
                   and coalesce(o.state, '') <> 'canceled' and coalesce(o.status, '') <> 'canceled') s on true
             where c.channel_id = $1
               and (c.lifetime_sales, c.orders_count, c.last_order_at) is distinct from (s.sales, s.n, s.last)",
        ),
        (
            "buyer marks",
            "select count(*) from orders o
             join (select o2.id,
                          lag(o2.magento_created_at) over (partition by o2.customer_id
                                                           order by o2.magento_created_at, o2.id) as prev,
                          c.magento_created_at as created
                   from orders o2 join customers c on c.id = o2.customer_id
                   where o2.channel_id = $1 and coalesce(o2.state, '') <> 'canceled'
                     and coalesce(o2.status, '') <> 'canceled') w on w.id = o.id
             where (o.prev_order_at, o.customer_created_at) is distinct from (w.prev, w.created)",
        ),
        (
            "account totals",
            "select count(*) from accounts a
             join lateral (select count(*)::int4 as n from customers c where c.account_id = a.id) m on true
             join lateral (
                 select coalesce(jsonb_object_agg(cur, amount), '{}') as by_currency,
                        case when count(*) = 0 then 0 when count(*) = 1 then sum(amount) end as sales
                 from (select coalesce(o.order_currency_code, o.base_currency_code, '') as cur,
                              sum(coalesce(o.subtotal, 0) - abs(coalesce(o.discount_amount, 0))) as amount
                       from customers c join orders o on o.customer_id = c.id
                       where c.account_id = a.id and coalesce(o.state, '') <> 'canceled'
                         and coalesce(o.status, '') <> 'canceled'
                       group by 1) per) s on true
             where exists (select 1 from customers c where c.account_id = a.id and c.channel_id = $1)
               and (a.customers_count, a.lifetime_sales, a.lifetime_sales_by_currency)
                   is distinct from (m.n, s.sales, s.by_currency)",
        ),
        (
            "carts of stored orders not purchased, or not pointing at their order",
            "select count(*) from orders o
             join carts k on k.channel_id = o.channel_id and k.magento_id = o.quote_magento_id
             where o.channel_id = $1
               and (k.status <> 'purchased' or k.order_id is distinct from o.id)",
        ),
        (
            "orders without a customer though one has their email",
            "select count(*) from orders o
             left join store_views sv on sv.channel_id = o.channel_id and sv.magento_id = o.store_id
             where o.channel_id = $1 and o.customer_id is null
               and exists (select 1 from customers c where c.channel_id = o.channel_id
                           and c.website_id = coalesce(sv.website_id, 0) and c.email_key = o.email_key)",
        ),
    ];
    for (what, sql) in checks {
        let wrong: i64 = sqlx::query_scalar(sql)
            .bind(channel)
            .fetch_one(pool)
            .await
            .unwrap();
        assert_eq!(wrong, 0, "{what}: {wrong} rows disagree");
    }
    let customers: i64 = sqlx::query_scalar(
        "select count(*) from customers where channel_id = $1 and orders_count > 0",
    )
    .bind(channel)
    .fetch_one(pool)
    .await
    .unwrap();
    assert!(customers > 0, "the check must see customers with orders");
}

/// How many orders the CRM holds for a channel.
pub async fn orders_stored(pool: &PgPool, channel: i64) -> i64 {
    sqlx::query_scalar("select count(*) from orders where channel_id = $1")
        .bind(channel)
        .fetch_one(pool)
        .await
        .unwrap()
}
