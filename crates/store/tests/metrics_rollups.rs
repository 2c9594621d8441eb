//! The dashboard's rollups (orders, carts and refunds per quarter hour, kept by triggers) and its
//! previous-order marks (kept by the sync) must give exactly what the rows give, whatever was
//! written and in whichever time zone the periods are cut. Random rows and random churn, then
//! every aggregate compared with its `*_raw` twin over many periods and zones.

use chrono::{NaiveDate, TimeZone, Utc};
use domain::metrics::{DateRange, Granularity};
use store::PgPool;
use store::metrics::{self, Scope};
use store::sync_write::links;

/// Zones with whole-hour, half-hour and quarter-hour offsets, and daylight saving time.
const ZONES: &[&str] = &[
    "UTC",
    "Europe/Paris",
    "America/New_York",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "America/St_Johns",
    "Pacific/Chatham",
];

const SEED: &[&str] = &[
    r#"insert into channels (id, name, store_url, auth_kind, credentials, entities) values
         (1, 'Alpha', 'https://alpha.example', 'bearer', '\x00', array['customers','carts','orders']),
         (2, 'Beta', 'https://beta.example', 'bearer', '\x00', array['customers','carts','orders'])"#,
    "select setseed(0.17)",
    r#"insert into customers (channel_id, magento_id, is_guest, email, magento_created_at)
       select 1 + i % 2, case when i % 5 <> 0 then i end, i % 5 = 0, 'c' || i || '@example.com',
              timestamptz '2026-01-01 00:00+00' - random() * interval '400 days'
       from generate_series(1, 300) i"#,
    // Orders of a customer often fall on the same day, sometimes at the same second.
    r#"insert into orders (channel_id, magento_id, is_guest, customer_id, state, status,
           subtotal, discount_amount, order_currency_code, magento_created_at)
       select c.channel_id, i, c.is_guest, c.id,
              (array['complete','processing','canceled','closed','pending'])[1 + i % 5],
              (array['complete','processing','pending','closed','holded','canceled'])[1 + i % 6],
              round((random() * 300)::numeric, 2),
              case when i % 3 = 0 then -round((random() * 20)::numeric, 2) when i % 7 = 0 then null else 0 end,
              case when i % 11 = 0 then 'EUR' when i % 13 = 0 then null else 'USD' end,
              case when i % 17 = 0 then timestamptz '2025-06-01 12:00:00+00'
                   when i % 19 = 0 then null
                   else timestamptz '2026-01-01 00:00+00' - random() * interval '365 days' end
       from generate_series(1, 3000) i
       join customers c on c.id = 1 + (i * 7) % 300"#,
    r#"insert into orders (channel_id, magento_id, is_guest, state, status, subtotal,
           order_currency_code, magento_created_at)
       select 1, 100000 + i, true, 'complete', 'complete', 10, 'USD',
              timestamptz '2026-01-01 00:00+00' - random() * interval '365 days'
       from generate_series(1, 50) i"#,
    r#"insert into carts (channel_id, magento_id, is_active, status, items_count,
           has_billing_address, grand_total, quote_currency_code, abandon_at, magento_created_at)
       select 1 + i % 2, i, true,
              (array['open','open','lost','expired','purchased','converted_to_opportunity'])[1 + i % 6],
              i % 4, i % 3 = 0, round((random() * 200)::numeric, 2), 'USD',
              timestamptz '2025-12-20 00:00+00' - random() * interval '30 days',
              case when i % 23 = 0 then null
                   else timestamptz '2026-01-01 00:00+00' - random() * interval '365 days' end
       from generate_series(1, 3000) i"#,
    r#"insert into credit_memos (channel_id, magento_id, order_magento_id, state, grand_total,
           order_currency_code, magento_created_at)
       select 1 + i % 2, i, i, 1 + i % 3, round((random() * 100)::numeric, 2),
              case when i % 5 = 0 then 'EUR' else 'USD' end,
              timestamptz '2026-01-01 00:00+00' - random() * interval '365 days'
       from generate_series(1, 800) i"#,
];

/// Every kind of write the sync and the users make, in batches and row by row.
const CHURN: &[&str] = &[
    "update orders set state = 'canceled' where magento_id % 10 = 1",
    "update orders set state = 'complete', status = 'complete' where magento_id % 10 = 2",
    "update orders set subtotal = subtotal + 1.5, discount_amount = -3 where magento_id % 9 = 4",
    "update orders set magento_created_at = magento_created_at - interval '50 days' where magento_id % 8 = 5",
    "update orders set order_currency_code = 'GBP' where magento_id % 29 = 0",
    "delete from orders where magento_id % 31 = 0",
    r#"insert into orders (channel_id, magento_id, is_guest, customer_id, state, status, subtotal,
           order_currency_code, magento_created_at)
       select 1, magento_id, false, customer_id, 'complete', 'complete', 99, 'USD', magento_created_at
       from orders where magento_id % 37 = 1 and channel_id = 1
       on conflict (channel_id, magento_id) do update set subtotal = excluded.subtotal, state = 'holded'"#,
    // A guest merged into a registered customer moves its orders.
    r#"update orders set customer_id = (select min(id) from customers where channel_id = 1 and not is_guest)
       where customer_id in (select id from customers where is_guest and channel_id = 1 and id % 2 = 0)"#,
    "update customers set magento_created_at = magento_created_at + interval '90 days' where id % 6 = 0",
    "update carts set status = 'purchased' where status = 'open' and magento_id % 5 = 0",
    "update carts set items_count = 0, has_billing_address = false where magento_id % 7 = 0",
    "update carts set magento_created_at = magento_created_at + interval '3 hours' where magento_id % 11 = 0",
    "delete from carts where magento_id % 13 = 0",
    "update credit_memos set state = 2 where magento_id % 4 = 0",
    "update credit_memos set grand_total = grand_total * 2 where state = 2 and magento_id % 3 = 1",
    "delete from credit_memos where magento_id % 17 = 0",
    "delete from channels where id = 2",
];

async fn run(pool: &PgPool, statements: &[&str]) {
    for sql in statements {
        sqlx::query(sql)
            .execute(pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

/// What the sync does after writing orders or customers: refresh their customers' totals and
/// the marks on their orders.
async fn refresh_marks(pool: &PgPool) {
    let customers: Vec<i64> = sqlx::query_scalar("select id from customers")
        .fetch_all(pool)
        .await
        .unwrap();
    let mut tx = pool.begin().await.unwrap();
    // Lifetime totals and last order time, then (through it) the orders' marks.
    links::refresh_customer_totals(&mut tx, &customers)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

fn ranges() -> Vec<DateRange> {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    vec![
        DateRange {
            from: day(2025, 1, 1),
            to: day(2025, 12, 31),
        },
        DateRange {
            from: day(2025, 3, 30),
            to: day(2025, 3, 30),
        },
        DateRange {
            from: day(2025, 6, 1),
            to: day(2025, 6, 1),
        },
        DateRange {
            from: day(2025, 5, 15),
            to: day(2025, 8, 12),
        },
        DateRange {
            from: day(2025, 10, 20),
            to: day(2025, 11, 18),
        },
        DateRange {
            from: day(2024, 1, 1),
            to: day(2026, 12, 31),
        },
        DateRange {
            from: day(2027, 1, 1),
            to: day(2027, 1, 31),
        },
    ]
}

async fn assert_rollups_match_rows(pool: &PgPool) {
    let as_of = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    for tz in ZONES {
        for range in ranges() {
            for channel in [None, Some(1), Some(2)] {
                let scope = Scope { channel, tz, range };
                let at = format!("{tz} {range:?} channel {channel:?}");
                assert_eq!(
                    metrics::sales_summary(pool, scope).await.unwrap(),
                    metrics::sales_summary_raw(pool, scope).await.unwrap(),
                    "sales, {at}"
                );
                for g in [Granularity::Day, Granularity::Week, Granularity::Month] {
                    assert_eq!(
                        metrics::sales_series(pool, scope, g).await.unwrap(),
                        metrics::sales_series_raw(pool, scope, g).await.unwrap(),
                        "series by {g:?}, {at}"
                    );
                }
                assert_eq!(
                    metrics::cart_summary(pool, scope, as_of).await.unwrap(),
                    metrics::cart_summary_raw(pool, scope, as_of).await.unwrap(),
                    "carts, {at}"
                );
                assert_eq!(
                    metrics::refund_summary(pool, scope).await.unwrap(),
                    metrics::refund_summary_raw(pool, scope).await.unwrap(),
                    "refunds, {at}"
                );
                assert_eq!(
                    metrics::customer_summary(pool, scope).await.unwrap(),
                    metrics::customer_summary_raw(pool, scope).await.unwrap(),
                    "customers, {at}"
                );
            }
        }
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn rollups_and_marks_give_what_the_rows_give_through_every_kind_of_write(pool: PgPool) {
    run(&pool, SEED).await;
    refresh_marks(&pool).await;
    let sold: i64 = sqlx::query_scalar("select coalesce(sum(orders), 0)::int8 from order_rollups")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(sold > 1000, "the rollups were filled ({sold} orders)");
    assert_rollups_match_rows(&pool).await;

    run(&pool, CHURN).await;
    refresh_marks(&pool).await;
    assert_rollups_match_rows(&pool).await;
    // The deleted channel's rollups went with it.
    let left: i64 = sqlx::query_scalar(
        "select count(*) from (select channel_id from order_rollups union all
                               select channel_id from cart_rollups union all
                               select channel_id from refund_rollups) r where channel_id = 2",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(left, 0);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_period_off_the_quarter_hours_is_read_from_the_rows(pool: PgPool) {
    run(&pool, &SEED[..3]).await;
    // Paris kept local mean time (UTC+0:09:21) until 1891: its midnights were off the quarter
    // hours, and only the rows can answer.
    sqlx::query(
        r#"insert into orders (channel_id, magento_id, is_guest, state, status, subtotal,
               order_currency_code, magento_created_at)
           values (1, 1, true, 'complete', 'complete', 10, 'USD', timestamptz '1880-05-01 23:55:00+00'),
                  (1, 2, true, 'complete', 'complete', 20, 'USD', timestamptz '1880-05-01 23:48:00+00')"#,
    )
    .execute(&pool)
    .await
    .unwrap();
    let day = NaiveDate::from_ymd_opt(1880, 5, 2).unwrap();
    let scope = Scope {
        channel: None,
        tz: "Europe/Paris",
        range: DateRange { from: day, to: day },
    };
    let sales = metrics::sales_summary(&pool, scope).await.unwrap();
    // Local midnight was 23:50:39 UTC, inside the 23:45 quarter hour: 23:55 UTC is on the 2nd
    // in Paris, 23:48 UTC still on the 1st.
    assert_eq!(sales.orders, 1);
    assert_eq!(
        sales,
        metrics::sales_summary_raw(&pool, scope).await.unwrap()
    );
}
