//! The grids' query plans at scale: over a store of 100k carts, 100k orders and 30k customers
//! (analysed, vacuumed), the default sorts and the common filters read the indexes designed for
//! them (migrations 20261126001000/1) and never scan a big table; broad totals come from the
//! maintained counts. `cargo bench grid` measures the times at 1M rows.

use chrono::NaiveDate;
use domain::grid::accounts::AccountField;
use domain::grid::carts::CartField;
use domain::grid::credit_memos::CreditMemoField;
use domain::grid::customers::CustomerField;
use domain::grid::orders::OrderField;
use domain::grid::parse;
use domain::grid::subscribers::SubscriberField;
use serde_json::Value;
use store::PgPool;
use store::grid::{self, GridSource, Tz};

const TZ: Tz = chrono_tz::Europe::Paris;
const BIG_TABLES: &[&str] = &[
    "carts",
    "orders",
    "customers",
    "accounts",
    "credit_memos",
    "newsletter_subscribers",
];

/// A store shaped like the benchmark's (server/src/bench/seed.rs), 10 % of its size.
const SEED: &str = r#"
insert into channels (id, name, store_url, auth_kind, credentials, entities)
values (1, 'Plans', 'https://plans.example', 'bearer', '\x00', array['customers', 'carts', 'orders', 'credit-memos', 'newsletter-subscribers']);
insert into accounts (id, name, email_key, customers_count, lifetime_sales)
select i, 'Person ' || i, 'person' || i || '@example.com', 1, (i % 997) * 3 from generate_series(1, 30000) i;
insert into customers (id, channel_id, magento_id, is_guest, website_id, email, first_name, last_name,
    account_id, lifetime_sales, orders_count, magento_created_at, magento_updated_at)
select i, 1, case when hashint8(i) % 5 = 0 then null else i end, hashint8(i) % 5 = 0, 1,
    'person' || i || '@example.com', (array['Anna','Björn','Chloé','Dmitri','Elena'])[1 + i % 5],
    'Smith ' || i, i, (i % 997) * 3, i % 7,
    now() - (i % 730) * interval '1 day', now() - (i % 365) * interval '1 day'
from generate_series(1, 30000) i;
insert into carts (id, channel_id, magento_id, customer_id, is_guest, email, is_active, items_count,
    items_qty, subtotal, grand_total, status, abandon_at, magento_created_at, magento_updated_at)
select i, 1, i, 1 + i % 30000, false, 'person' || (1 + i % 30000) || '@example.com', true, i % 5, i % 5,
    (i % 400), (i % 400), (array['purchased','purchased','purchased','purchased','open','expired','lost','converted_to_opportunity'])[1 + i % 8],
    case when i % 8 = 4 and i % 5 > 0 then now() - (i % 700) * interval '1 day' end,
    now() - ((i * 7) % 730) * interval '1 day', now() - ((i * 7) % 730) * interval '1 day' + interval '2 hours'
from generate_series(1, 100000) i;
insert into orders (id, channel_id, magento_id, increment_id, quote_magento_id, customer_id,
    is_guest, email, state, status, subtotal, discount_amount, grand_total, coupon_code,
    order_currency_code, magento_created_at, magento_updated_at)
select i, 1, i, lpad(i::text, 9, '0'), i, 1 + i % 30000, hashint8(i) % 5 = 0,
    'person' || (1 + i % 30000) || '@example.com',
    (array['complete','complete','processing','canceled','closed','holded'])[1 + i % 6],
    (array['complete','complete','processing','canceled','closed','holded'])[1 + i % 6],
    i % 400, -(i % 40), i % 400 + 5, case when i % 4 = 0 then 'SAVE' || (i % 50) end, 'USD',
    now() - ((i * 13) % 730) * interval '1 day', now() - ((i * 13) % 730) * interval '1 day' + interval '1 day'
from generate_series(1, 100000) i;
insert into credit_memos (id, channel_id, magento_id, increment_id, order_magento_id, order_id, state,
    grand_total, order_currency_code, magento_created_at)
select i, 1, i, 'CM' || lpad(i::text, 8, '0'), i, i, 1 + i % 3, i % 400, 'USD', now() - (i % 700) * interval '1 day'
from generate_series(1, 100000, 8) i;
insert into newsletter_subscribers (id, channel_id, magento_id, source, email, customer_id, status, status_changed_at)
select i, 1, i, 'companion_route', 'person' || i || '@example.com', i, 1 + i % 4, now() - (i % 700) * interval '1 day'
from generate_series(1, 30000, 3) i;
select grid_counts_rebuild('carts', 'status');
select grid_counts_rebuild('orders', 'state', 'status', 'is_guest');
select grid_counts_rebuild('customers', 'is_guest');
select grid_counts_rebuild('credit_memos', 'state');
select grid_counts_rebuild('newsletter_subscribers', 'status');
"#;

async fn seed(pool: &PgPool) {
    sqlx::raw_sql(SEED).execute(pool).await.expect("seed");
    // A store in use is vacuumed and analysed by autovacuum; the plans assume as much.
    sqlx::query("vacuum analyze")
        .execute(pool)
        .await
        .expect("vacuum");
}

/// Every `Relation Name` / `Index Name` pair of scan nodes in a JSON plan.
fn scans(plan: &Value, out: &mut Vec<(String, String, Option<String>)>) {
    match plan {
        Value::Object(map) => {
            if let Some(Value::String(node)) = map.get("Node Type")
                && node.contains("Scan")
            {
                let relation = map
                    .get("Relation Name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                let index = map
                    .get("Index Name")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                out.push((node.clone(), relation, index));
            }
            map.values().for_each(|v| scans(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| scans(v, out)),
        _ => {}
    }
}

/// The plan of the page and of its total for a grid URL.
async fn plans<F: GridSource>(
    pool: &PgPool,
    url: &str,
) -> (
    Vec<(String, String, Option<String>)>,
    Vec<(String, String, Option<String>)>,
) {
    let pairs: Vec<(String, String)> = url
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (k.to_string(), v.to_string())
        })
        .collect();
    let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let query = parse::<F>(&pairs, today).unwrap();
    let (page, count) = grid::explain(pool, &query, TZ).await.unwrap();
    let (mut p, mut c) = (Vec::new(), Vec::new());
    scans(&page, &mut p);
    scans(&count, &mut c);
    (p, c)
}

/// Checks the page reads `index` (or one of `a|b`: either is a good plan, the planner weighs
/// the filter's selectivity), and neither the page nor its total scans a big table
/// sequentially. `total` names the index the count reads, or `grid_counts` for maintained ones.
/// Returns what is wrong, if anything.
async fn check_plan<F: GridSource>(
    pool: &PgPool,
    url: &str,
    index: &str,
    total: &str,
) -> Option<String> {
    let (page, count) = plans::<F>(pool, url).await;
    let grid = F::GRID;
    // `total == "scan"`: a whole-table total without a maintained count (accounts belong to no
    // channel), which Postgres counts by the cheapest full read it has.
    let count_scans = if total == "scan" { &[][..] } else { &count[..] };
    for (node, relation, _) in page.iter().chain(count_scans) {
        if node == "Seq Scan" && BIG_TABLES.contains(&relation.as_str()) {
            return Some(format!(
                "{grid} ?{url}: sequential scan of {relation}\n  page {page:?}\n  count {count:?}"
            ));
        }
    }
    let reads = |i: &Option<String>, wanted: &str| {
        i.as_deref()
            .is_some_and(|i| wanted.split('|').any(|x| x == i))
    };
    if !page.iter().any(|(_, _, i)| reads(i, index)) {
        return Some(format!(
            "{grid} ?{url}: the page does not read {index}: {page:?}"
        ));
    }
    if total != "scan"
        && !count
            .iter()
            .any(|(_, r, i)| (total == "grid_counts" && r == "grid_counts") || reads(i, total))
    {
        return Some(format!(
            "{grid} ?{url}: the total does not use {total}: {count:?}"
        ));
    }
    None
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn default_sorts_and_common_filters_use_their_indexes(pool: PgPool) {
    seed(&pool).await;
    let p = &pool;
    let mut wrong: Vec<Option<String>> = Vec::new();
    // Carts: the default page, statuses, abandoned, dates, totals, email, cart id.
    wrong.push(check_plan::<CartField>(p, "", "carts_created_idx", "grid_counts").await);
    wrong.push(check_plan::<CartField>(p, "channel=1", "carts_created_idx", "grid_counts").await);
    wrong.push(
        check_plan::<CartField>(
            p,
            "status=lost",
            "carts_status_created_idx|carts_created_idx",
            "grid_counts",
        )
        .await,
    );
    wrong.push(
        check_plan::<CartField>(p, "status=open,lost", "carts_created_idx", "grid_counts").await,
    );
    wrong.push(
        check_plan::<CartField>(
            p,
            "abandoned=true",
            "carts_abandon_created_idx",
            "carts_abandon_idx",
        )
        .await,
    );
    wrong.push(
        check_plan::<CartField>(
            p,
            "created_at_min=2026-10-01&created_at_max=2026-10-31",
            "carts_created_idx",
            "carts_created_idx",
        )
        .await,
    );
    wrong.push(
        check_plan::<CartField>(
            p,
            "sort=-grand_total",
            "carts_grand_total_idx",
            "grid_counts",
        )
        .await,
    );
    wrong.push(
        check_plan::<CartField>(p, "sort=-updated_at", "carts_updated_idx", "grid_counts").await,
    );
    wrong.push(
        check_plan::<CartField>(
            p,
            "email=person123",
            "carts_email_trgm_idx",
            "carts_email_trgm_idx",
        )
        .await,
    );
    wrong.push(
        check_plan::<CartField>(
            p,
            "email_eq=person123@example.com",
            "carts_email_key_idx",
            "carts_email_key_idx",
        )
        .await,
    );
    wrong.push(
        check_plan::<CartField>(
            p,
            "cart_id=777",
            "carts_magento_id_idx",
            "carts_magento_id_idx",
        )
        .await,
    );
    // Orders.
    wrong.push(check_plan::<OrderField>(p, "", "orders_created_idx", "grid_counts").await);
    wrong.push(
        check_plan::<OrderField>(
            p,
            "state=canceled",
            "orders_state_created_idx|orders_created_idx",
            "grid_counts",
        )
        .await,
    );
    wrong.push(
        check_plan::<OrderField>(
            p,
            "is_guest=true",
            "orders_guest_created_idx|orders_created_idx",
            "grid_counts",
        )
        .await,
    );
    wrong.push(
        check_plan::<OrderField>(
            p,
            "increment_id_eq=000012345",
            "orders_increment_idx",
            "orders_increment_idx",
        )
        .await,
    );
    wrong.push(
        check_plan::<OrderField>(
            p,
            "increment_id=12345",
            "orders_increment_trgm_idx",
            "orders_increment_trgm_idx",
        )
        .await,
    );
    wrong.push(
        check_plan::<OrderField>(
            p,
            "customer=42",
            "orders_customer_idx",
            "orders_customer_idx",
        )
        .await,
    );
    wrong.push(
        check_plan::<OrderField>(
            p,
            "email=person4242",
            "orders_email_trgm_idx",
            "orders_email_trgm_idx",
        )
        .await,
    );
    wrong.push(
        check_plan::<OrderField>(
            p,
            "sort=-grand_total",
            "orders_grand_total_idx",
            "grid_counts",
        )
        .await,
    );
    wrong.push(
        check_plan::<OrderField>(
            p,
            "created_at_min=2026-10-01&created_at_max=2026-10-31",
            "orders_created_idx",
            "orders_created_idx",
        )
        .await,
    );
    // Customers and accounts.
    wrong.push(check_plan::<CustomerField>(p, "", "customers_created_idx", "grid_counts").await);
    wrong.push(
        check_plan::<CustomerField>(
            p,
            "sort=-lifetime_sales",
            "customers_lifetime_idx",
            "grid_counts",
        )
        .await,
    );
    wrong.push(
        check_plan::<CustomerField>(p, "sort=name", "customers_name_idx", "grid_counts").await,
    );
    wrong.push(
        check_plan::<CustomerField>(
            p,
            "name=smith%201234",
            "customers_name_trgm_idx",
            "customers_name_trgm_idx",
        )
        .await,
    );
    wrong.push(
        check_plan::<CustomerField>(
            p,
            "email_eq=person77@example.com",
            "customers_email_key_sort_idx",
            "customers_email_key_sort_idx",
        )
        .await,
    );
    wrong.push(
        check_plan::<CustomerField>(
            p,
            "account=77",
            "customers_account_idx",
            "customers_account_idx",
        )
        .await,
    );
    wrong.push(check_plan::<AccountField>(p, "", "accounts_lifetime_idx", "scan").await);
    wrong.push(
        check_plan::<AccountField>(
            p,
            "name=person%20123",
            "accounts_name_trgm_idx",
            "accounts_name_trgm_idx",
        )
        .await,
    );
    // Credit memos and subscribers.
    wrong.push(
        check_plan::<CreditMemoField>(p, "", "credit_memos_created_idx", "grid_counts").await,
    );
    wrong.push(
        check_plan::<CreditMemoField>(
            p,
            "order=4001",
            "credit_memos_order_idx",
            "credit_memos_order_idx",
        )
        .await,
    );
    wrong.push(
        check_plan::<SubscriberField>(p, "", "newsletter_subscribers_changed_idx", "grid_counts")
            .await,
    );
    wrong.push(
        check_plan::<SubscriberField>(
            p,
            "status=3",
            "newsletter_subscribers_status_idx|newsletter_subscribers_changed_idx",
            "grid_counts",
        )
        .await,
    );
    let wrong: Vec<String> = wrong.into_iter().flatten().collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn searches_and_date_windows_filter_before_they_sort(pool: PgPool) {
    seed(&pool).await;
    // A search sorted by another indexed column must not walk that column's index.
    let (page, _) = plans::<OrderField>(&pool, "email=person4242&sort=increment_id").await;
    assert!(
        page.iter()
            .any(|(_, _, i)| i.as_deref() == Some("orders_email_trgm_idx")),
        "{page:?}"
    );
    assert!(
        !page
            .iter()
            .any(|(_, _, i)| i.as_deref() == Some("orders_increment_idx")),
        "{page:?}"
    );
    // "Created in a month, newest update first" reads the month, not the update index.
    let (page, _) = plans::<CartField>(
        &pool,
        "created_at_min=2025-03-01&created_at_max=2025-03-31&sort=-updated_at",
    )
    .await;
    assert!(
        !page
            .iter()
            .any(|(_, _, i)| i.as_deref() == Some("carts_updated_idx")),
        "{page:?}"
    );
}
