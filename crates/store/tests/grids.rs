//! Grids against a real Postgres and a small hand-made store (fixtures/grids.sql): every filter
//! kind and sort of every grid returns exactly the expected rows, hostile input is matched
//! literally, and record pages, saved views and cart actions do what they say.

use chrono::NaiveDate;
use chrono_tz::Tz;
use domain::CartStatus;
use domain::grid::accounts::AccountField;
use domain::grid::carts::CartField;
use domain::grid::credit_memos::CreditMemoField;
use domain::grid::customers::CustomerField;
use domain::grid::lines::{AddressField, CartItemField, HistoryField, OrderItemField};
use domain::grid::orders::OrderField;
use domain::grid::subscribers::SubscriberField;
use domain::grid::{Cell, FilterKind, GridField, GridQuery, GridRecord, parse};
use futures::TryStreamExt;
use store::grid::{self, GridSource};
use store::{Error, PgPool};

const PARIS: Tz = chrono_tz::Europe::Paris;
const UTC: Tz = chrono_tz::UTC;

async fn load(pool: &PgPool) {
    sqlx::raw_sql(include_str!("fixtures/grids.sql"))
        .execute(pool)
        .await
        .expect("fixture loads");
}

fn query<F: GridField>(pairs: &[(&str, &str)], today: NaiveDate) -> GridQuery<F> {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    parse(&pairs, today).unwrap_or_else(|e| panic!("{pairs:?}: {e}"))
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 5).unwrap()
}

/// The ids of the first page (up to 200 rows) and the total.
async fn ids_in<F: GridSource>(pool: &PgPool, pairs: &[(&str, &str)], tz: Tz) -> (Vec<i64>, i64) {
    let mut q = query::<F>(pairs, today());
    if !pairs.iter().any(|(k, _)| *k == "per_page") {
        q.per_page = 200;
    }
    let (rows, total) = grid::page(pool, &q, tz)
        .await
        .unwrap_or_else(|e| panic!("{} {pairs:?}: {e}", F::GRID));
    (rows.iter().map(|r| r.id()).collect(), total)
}

/// Asserts the rows (in order) and that the total counts exactly them.
async fn expect<F: GridSource>(pool: &PgPool, pairs: &[(&str, &str)], expected: &[i64]) {
    expect_in::<F>(pool, pairs, PARIS, expected).await
}

async fn expect_in<F: GridSource>(pool: &PgPool, pairs: &[(&str, &str)], tz: Tz, expected: &[i64]) {
    let (ids, total) = ids_in::<F>(pool, pairs, tz).await;
    assert_eq!(ids, expected, "{} {pairs:?}", F::GRID);
    assert_eq!(total, expected.len() as i64, "{} total {pairs:?}", F::GRID);
}

/// Every sortable field sorts without error, and descending is exactly ascending reversed
/// (ties are broken by id in the sort's direction; NULL counts as the smallest value).
async fn every_sort_reverses<F: GridSource>(pool: &PgPool, fixed: &[(&str, &str)]) {
    for field in F::ALL.iter().filter(|f| f.def().sortable) {
        let asc = field.key().to_string();
        let desc = format!("-{}", field.key());
        let mut a = fixed.to_vec();
        a.push(("sort", &asc));
        let mut d = fixed.to_vec();
        d.push(("sort", &desc));
        let (mut up, _) = ids_in::<F>(pool, &a, PARIS).await;
        let (down, _) = ids_in::<F>(pool, &d, PARIS).await;
        up.reverse();
        assert_eq!(up, down, "{} sorted by {}", F::GRID, field.key());
        assert!(
            !down.is_empty(),
            "{} sorted by {} is empty",
            F::GRID,
            field.key()
        );
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn carts_filter_by_every_kind(pool: PgPool) {
    load(&pool).await;
    let p = &pool;
    // Default: newest first.
    expect::<CartField>(p, &[], &[108, 107, 104, 103, 102, 105, 101, 106]).await;
    // Multi-choice, and the abandoned toggle (open, with items and email, past abandon_at).
    expect::<CartField>(p, &[("status", "open")], &[104, 102, 101]).await;
    expect::<CartField>(p, &[("status", "open"), ("abandoned", "true")], &[101]).await;
    expect::<CartField>(p, &[("abandoned", "true")], &[101]).await;
    expect::<CartField>(
        p,
        &[("abandoned", "false")],
        &[108, 107, 104, 103, 102, 105, 106],
    )
    .await;
    expect::<CartField>(
        p,
        &[("status", "open"), ("status", "lost")],
        &[104, 102, 105, 101],
    )
    .await;
    expect::<CartField>(
        p,
        &[("status", "purchased,converted_to_opportunity")],
        &[108, 107, 103],
    )
    .await;
    // Whole days in the user's zone: 23:30 UTC on 1 March is 2 March in Paris.
    let march_2 = [
        ("created_at_min", "2026-03-02"),
        ("created_at_max", "2026-03-02"),
    ];
    expect_in::<CartField>(p, &march_2, PARIS, &[103, 102]).await;
    expect_in::<CartField>(p, &march_2, UTC, &[103]).await;
    expect::<CartField>(p, &[("created_at_max", "2025-12-31")], &[106]).await;
    expect::<CartField>(p, &[("created_at_preset", "last_7_days")], &[104, 103, 102]).await;
    // Number ranges, both ends included.
    expect::<CartField>(
        p,
        &[("grand_total_min", "20"), ("grand_total_max", "55")],
        &[103, 102, 101],
    )
    .await;
    expect::<CartField>(p, &[("items_qty_min", "2")], &[103, 105, 101]).await;
    // Text: contains and equals are case-insensitive.
    expect::<CartField>(
        p,
        &[("email", "EXAMPLE.COM")],
        &[108, 107, 103, 102, 101, 106],
    )
    .await;
    expect::<CartField>(p, &[("email_eq", "DORA@example.com")], &[108, 107]).await;
    expect::<CartField>(p, &[("billing_country_eq", "fr")], &[108, 107, 103]).await;
    // Ids: channel, website, Magento cart id (in two channels), customer, account.
    expect::<CartField>(p, &[("channel", "2")], &[108, 107]).await;
    expect::<CartField>(p, &[("website", "2")], &[]).await;
    expect::<CartField>(p, &[("cart_id", "1001")], &[107, 101]).await;
    expect::<CartField>(p, &[("customer", "11")], &[102, 101, 106]).await;
    expect::<CartField>(p, &[("account", "4")], &[108, 107]).await;
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn carts_sort_page_and_show_their_rows(pool: PgPool) {
    load(&pool).await;
    let p = &pool;
    expect::<CartField>(
        p,
        &[("sort", "grand_total")],
        &[104, 107, 108, 102, 103, 101, 106, 105],
    )
    .await;
    expect::<CartField>(
        p,
        &[("sort", "-status"), ("status", "open,lost")],
        &[104, 102, 101, 105],
    )
    .await;
    every_sort_reverses::<CartField>(p, &[]).await;
    // Past the last page: no rows, the total still right.
    let (ids, total) = ids_in::<CartField>(p, &[("page", "2"), ("per_page", "25")], PARIS).await;
    assert!(ids.is_empty());
    assert_eq!(total, 8);

    let q = query::<CartField>(&[("cart_id", "1005")], today());
    let (rows, _) = grid::page(p, &q, PARIS).await.unwrap();
    let row = &rows[0];
    assert_eq!(row.channel, "Alpha store");
    assert_eq!(row.website.as_deref(), Some("Alpha main"));
    assert_eq!(
        row.customer_name.as_deref(),
        Some("<script>alert(1)</script> Test")
    );
    assert_eq!(row.status, CartStatus::Lost);
    assert_eq!(row.cell(CartField::GrandTotal).display(), "€310.50");
    assert_eq!(
        row.cell(CartField::CartId),
        Cell::Link {
            text: "1005".into(),
            href: "/carts/105".into()
        }
    );
    // Times are in the user's zone.
    assert_eq!(
        row.created_at.as_ref().unwrap().display(),
        "3 Feb 2026, 11:00"
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn orders_filter_and_sort(pool: PgPool) {
    load(&pool).await;
    let p = &pool;
    expect::<OrderField>(p, &[], &[204, 201, 205, 203, 202]).await;
    expect::<OrderField>(p, &[("state", "canceled")], &[205]).await;
    expect::<OrderField>(p, &[("status", "my_custom_status")], &[204]).await;
    expect::<OrderField>(p, &[("status", "complete,closed")], &[201, 203]).await;
    expect::<OrderField>(p, &[("is_guest", "true")], &[201]).await;
    expect::<OrderField>(p, &[("is_guest", "false")], &[204, 205, 203, 202]).await;
    expect::<OrderField>(p, &[("coupon", "save")], &[203, 202]).await;
    expect::<OrderField>(p, &[("coupon_eq", "SAVE10")], &[203, 202]).await;
    // `%` and `_` are literal characters, not wildcards.
    expect::<OrderField>(p, &[("coupon", "%_")], &[205]).await;
    expect::<OrderField>(p, &[("coupon", "0%")], &[205]).await;
    expect::<OrderField>(p, &[("discount_min", "15")], &[202]).await;
    expect::<OrderField>(p, &[("increment_id", "b-")], &[204]).await;
    expect::<OrderField>(p, &[("increment_id_eq", "000000103")], &[203]).await;
    expect::<OrderField>(p, &[("customer", "11")], &[205, 203, 202]).await;
    expect::<OrderField>(p, &[("account", "4")], &[204]).await;
    expect::<OrderField>(p, &[("grand_total_min", "100")], &[205, 202]).await;
    expect::<OrderField>(p, &[("refunded_min", "1")], &[203]).await;
    expect::<OrderField>(p, &[("total_paid_max", "0")], &[205]).await;
    expect::<OrderField>(
        p,
        &[("subtotal_min", "100"), ("subtotal_max", "200")],
        &[203, 202],
    )
    .await;
    expect::<OrderField>(p, &[("email", "DORA")], &[204]).await;
    expect::<OrderField>(p, &[("channel", "1")], &[201, 205, 203, 202]).await;
    expect::<OrderField>(p, &[("website", "1"), ("channel", "2")], &[204]).await;
    expect_in::<OrderField>(
        p,
        &[
            ("created_at_min", "2026-02-01"),
            ("created_at_max", "2026-02-28"),
        ],
        UTC,
        &[205, 203],
    )
    .await;
    expect::<OrderField>(p, &[("updated_at_min", "2026-03-01")], &[204, 201]).await;
    expect::<OrderField>(p, &[("sort", "grand_total")], &[204, 201, 203, 202, 205]).await;
    // Discounts sort by size whatever their sign.
    expect::<OrderField>(p, &[("sort", "discount")], &[201, 204, 205, 203, 202]).await;
    every_sort_reverses::<OrderField>(p, &[]).await;
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn customers_filter_and_sort(pool: PgPool) {
    load(&pool).await;
    let p = &pool;
    expect::<CustomerField>(p, &[], &[14, 13, 12, 11, 15]).await;
    expect::<CustomerField>(p, &[("name", "o'brien")], &[11]).await;
    expect::<CustomerField>(p, &[("name", "<script>")], &[12]).await;
    expect::<CustomerField>(p, &[("name", "50%_")], &[14]).await;
    expect::<CustomerField>(p, &[("name", "dora")], &[14, 15]).await;
    expect::<CustomerField>(p, &[("name_eq", "ANN O'BRIEN")], &[11]).await;
    expect::<CustomerField>(p, &[("email", "EXAMPLE.COM")], &[14, 13, 11, 15]).await;
    expect::<CustomerField>(p, &[("email_eq", "ann@example.com")], &[11]).await;
    expect::<CustomerField>(p, &[("is_guest", "true")], &[13]).await;
    expect::<CustomerField>(p, &[("lifetime_sales_min", "40")], &[13, 11]).await;
    // Integer columns: bounds round inwards.
    expect::<CustomerField>(p, &[("orders_count_min", "1.5")], &[11]).await;
    expect::<CustomerField>(p, &[("orders_count_max", "0.5")], &[12, 15]).await;
    expect::<CustomerField>(p, &[("account", "4")], &[14, 15]).await;
    expect::<CustomerField>(p, &[("channel", "2")], &[14, 15]).await;
    expect::<CustomerField>(p, &[("website", "2")], &[15]).await;
    let march_1 = [
        ("created_at_min", "2026-03-01"),
        ("created_at_max", "2026-03-01"),
    ];
    expect_in::<CustomerField>(p, &march_1, UTC, &[13]).await;
    expect_in::<CustomerField>(p, &march_1, PARIS, &[]).await;
    expect::<CustomerField>(p, &[("sort", "-lifetime_sales")], &[11, 13, 14, 15, 12]).await;
    every_sort_reverses::<CustomerField>(p, &[]).await;

    let q = query::<CustomerField>(&[("email_eq", "ann@example.com")], today());
    let (rows, _) = grid::page(p, &q, PARIS).await.unwrap();
    assert_eq!(rows[0].group.as_deref(), Some("General"));
    assert_eq!(rows[0].cell(CustomerField::Country).display(), "IE");
    assert_eq!(
        rows[0].cell(CustomerField::LifetimeSales).display(),
        "€270.00"
    );
}

/// A store for the segment filters: groups with the same Magento id in two channels, address
/// books whose shown country (default billing, else first) differs from another address's,
/// customers with several newsletter records (the latest counts; a removed one does not), and
/// orders spread so that every RFM part takes several scores, with ties.
const SEGMENTS: &str = r#"
insert into channels (id, name, store_url, auth_kind, credentials, entities) values
  (1, 'Seg store', 'https://seg.example', 'bearer', '\x00', array['customers', 'orders']),
  (2, 'Other store', 'https://other.example', 'bearer', '\x00', array['customers', 'orders']);
insert into customer_groups (channel_id, magento_id, code) values
  (1, 0, 'NOT LOGGED IN'), (1, 1, 'General'), (1, 2, 'Wholesale'), (2, 2, 'Retail');
insert into customers (id, channel_id, magento_id, is_guest, group_id, email, first_name,
    magento_created_at) values
  (21, 1, 521, false, 1, 'a@example.com', 'A', '2026-01-21T10:00:00Z'),
  (22, 1, 522, false, 2, 'b@example.com', 'B', '2026-01-22T10:00:00Z'),
  (23, 1, 523, false, 2, 'c@example.com', 'C', '2026-01-23T10:00:00Z'),
  (24, 1, null, true, 0, 'd@example.com', 'D', '2026-01-24T10:00:00Z'),
  (25, 2, 625, false, 2, 'e@example.com', 'E', '2026-01-25T10:00:00Z'),
  (26, 1, 526, false, 1, 'f@example.com', 'F', '2026-01-26T10:00:00Z'),
  (27, 1, 527, false, 1, 'g@example.com', 'G', '2026-01-27T10:00:00Z'),
  (28, 1, 528, false, 1, 'h@example.com', 'H', '2026-01-28T10:00:00Z');
-- Shown: 21 DE (its default billing, not its first), 22 DE (no default: its first), 23 FR
-- (default billing; its other address is DE), 25 DE, 26 US; 24, 27, 28 have none.
insert into customer_addresses (id, customer_id, magento_id, country_id, is_default_billing,
    is_default_shipping) values
  (41, 21, 1, 'FR', false, true), (42, 21, 2, 'DE', true, false),
  (43, 22, 3, 'DE', false, false), (44, 22, 4, 'AT', false, true),
  (45, 23, 5, 'DE', false, true), (46, 23, 6, 'FR', true, false),
  (47, 25, 7, 'DE', true, true), (48, 26, 8, 'US', true, true);
-- 21 subscribed; 22 subscribed, then unsubscribed in a later record; 23's record was removed
-- from the store; 28's two records were updated at once (the newest record counts).
insert into newsletter_subscribers (id, channel_id, magento_id, source, email, customer_id,
    status, removed_at, updated_at) values
  (71, 1, 1, 'companion_route', 'a@example.com', 21, 1, null, '2026-02-01T10:00:00Z'),
  (72, 1, 2, 'companion_route', 'b@example.com', 22, 1, null, '2026-02-01T10:00:00Z'),
  (73, 1, 3, 'companion_route', 'b@example.com', 22, 3, null, '2026-02-02T10:00:00Z'),
  (74, 1, 4, 'companion_route', 'c@example.com', 23, 1, '2026-02-03T10:00:00Z', '2026-02-03T10:00:00Z'),
  (75, 2, 5, 'companion_route', 'e@example.com', 25, 4, null, '2026-02-01T10:00:00Z'),
  (76, 1, 6, 'companion_route', 'f@example.com', 26, 2, null, '2026-02-01T10:00:00Z'),
  (77, 1, 7, 'companion_route', 'h@example.com', 28, 3, null, '2026-02-01T10:00:00Z'),
  (78, 1, 8, 'companion_route', 'h@example.com', 28, 1, null, '2026-02-01T10:00:00Z'),
  (79, 1, 9, 'companion_route', 'nobody@example.com', null, 1, null, '2026-02-01T10:00:00Z');
-- Days ago, amounts (subtotal − |discount|), in EUR but for 26 (USD). Canceled orders count
-- nowhere: 23's big one, and 27's only one (27 has no score).
insert into orders (id, channel_id, magento_id, customer_id, is_guest, state, status, subtotal,
    discount_amount, order_currency_code, magento_created_at)
select id, ch, id, customer, customer = 24, state, state, subtotal, discount, currency,
       now() - days * interval '1 day'
from (values
  (801, 1, 21, 5, 100, 0, 'complete', 'EUR'), (802, 1, 21, 15, 100, 0, 'complete', 'EUR'),
  (803, 1, 21, 25, 100, 0, 'complete', 'EUR'),
  (804, 1, 22, 40, 80, -5, 'complete', 'EUR'), (805, 1, 22, 45, 80, -5, 'processing', 'EUR'),
  (806, 1, 28, 70, 200, 0, 'complete', 'EUR'),
  (807, 1, 23, 100, 50, 0, 'complete', 'EUR'), (808, 1, 23, 10, 999, 0, 'canceled', 'EUR'),
  (809, 1, 24, 200, 20, 0, 'complete', 'EUR'),
  (810, 1, 26, 400, 1000, 0, 'complete', 'USD'),
  (811, 1, 27, 3, 500, 0, 'canceled', 'EUR'),
  (812, 2, 25, 30, 60, 0, 'complete', 'EUR')
) o(id, ch, customer, days, subtotal, discount, state, currency);
"#;

/// The RFM scores as the grid shows them, by customer id.
async fn rfm_cells(pool: &PgPool) -> Vec<(i64, String)> {
    let q = query::<CustomerField>(&[("per_page", "200")], today());
    let (rows, _) = grid::page(pool, &q, PARIS).await.unwrap();
    let mut cells: Vec<(i64, String)> = rows
        .iter()
        .map(|r| (r.id, r.cell(CustomerField::Rfm).display()))
        .collect();
    cells.sort();
    cells
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn customer_segment_filters(pool: PgPool) {
    let p = &pool;
    sqlx::raw_sql(SEGMENTS).execute(p).await.expect("seed");
    // Lifetime sales, order counts and last orders as the sync keeps them.
    let mut tx = p.begin().await.unwrap();
    store::sync_write::links::refresh_customer_totals(&mut tx, &[21, 22, 23, 24, 25, 26, 27, 28])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let all = [28, 27, 26, 25, 24, 23, 22, 21];
    expect::<CustomerField>(p, &[], &all).await;

    // Group: its code, in the customer's own channel (group 2 is Retail in channel 2).
    expect::<CustomerField>(p, &[("group", "WHOLE")], &[23, 22]).await;
    expect::<CustomerField>(p, &[("group_eq", "general")], &[28, 27, 26, 21]).await;
    expect::<CustomerField>(p, &[("group", "retail")], &[25]).await;
    expect::<CustomerField>(p, &[("group", "not logged")], &[24]).await;
    expect::<CustomerField>(p, &[("group_eq", "whole")], &[]).await;
    expect::<CustomerField>(p, &[("group", "%")], &[]).await;

    // Country: the one shown, by ISO code, whatever the case.
    expect::<CustomerField>(p, &[("country_eq", "de")], &[25, 22, 21]).await;
    expect::<CustomerField>(p, &[("country", "DE")], &[25, 22, 21]).await;
    expect::<CustomerField>(p, &[("country_eq", "DE"), ("channel", "1")], &[22, 21]).await;
    expect::<CustomerField>(p, &[("country_eq", "FR")], &[23]).await;
    expect::<CustomerField>(p, &[("country_eq", "at")], &[]).await;
    expect::<CustomerField>(p, &[("country_eq", "us"), ("group", "general")], &[26]).await;
    let shown = query::<CustomerField>(&[("country_eq", "de")], today());
    for row in grid::page(p, &shown, PARIS).await.unwrap().0 {
        assert_eq!(
            row.cell(CustomerField::Country).display(),
            "DE",
            "{}",
            row.id
        );
    }

    // Newsletter status: the current record's; removed records and none at all are "none".
    let statuses: &[(&str, &[i64], &str)] = &[
        ("subscribed", &[28, 21], "Subscribed"),
        ("unsubscribed", &[22], "Unsubscribed"),
        ("not_activated", &[26], "Not activated"),
        ("unconfirmed", &[25], "Unconfirmed"),
        ("none", &[27, 24, 23], ""),
    ];
    for (value, ids, label) in statuses {
        expect::<CustomerField>(p, &[("subscription", value)], ids).await;
        let q = query::<CustomerField>(&[("subscription", value)], today());
        for row in grid::page(p, &q, PARIS).await.unwrap().0 {
            assert_eq!(row.cell(CustomerField::Subscription).display(), *label);
        }
    }
    expect::<CustomerField>(
        p,
        &[("subscription", "subscribed,none")],
        &[28, 27, 24, 23, 21],
    )
    .await;
    expect::<CustomerField>(
        p,
        &[("subscription", "none,unsubscribed"), ("channel", "1")],
        &[27, 24, 23, 22],
    )
    .await;

    // Last order: whole days in the user's zone, from the totals the sync keeps.
    let day = |days_ago: i64| {
        domain::dates::iso(chrono::Utc::now().date_naive() - chrono::Duration::days(days_ago))
    };
    let (since_50, until_150) = (day(50), day(150));
    expect::<CustomerField>(p, &[("last_order_at_min", &since_50)], &[25, 22, 21]).await;
    expect::<CustomerField>(p, &[("last_order_at_max", &until_150)], &[26, 24]).await;
    expect::<CustomerField>(
        p,
        &[("sort", "-last_order_at")],
        &[21, 25, 22, 28, 23, 24, 26, 27],
    )
    .await;

    // RFM: nothing until the scores are computed, then the report's quintiles by rank.
    expect::<CustomerField>(p, &[("rfm_recency_min", "1")], &[]).await;
    assert_eq!(store::segments::refresh_rfm(p, 1).await.unwrap(), 6);
    // Recency by last order (6 buyers: 26 and 24 share the lowest fifth), frequency by orders
    // in the last 365 days (one order each ties 28, 23 and 24 with 26's none), monetary within
    // EUR (5 buyers) and USD (26 alone). 27 has no non-canceled order; 25 is another channel's.
    assert_eq!(
        rfm_cells(p).await,
        [
            (21, "555".to_string()),
            (22, "443".to_string()),
            (23, "212".to_string()),
            (24, "111".to_string()),
            (25, String::new()),
            (26, "111".to_string()),
            (27, String::new()),
            (28, "314".to_string()),
        ]
    );
    expect::<CustomerField>(p, &[("rfm_recency_min", "4")], &[22, 21]).await;
    expect::<CustomerField>(p, &[("rfm_frequency_max", "1")], &[28, 26, 24, 23]).await;
    expect::<CustomerField>(
        p,
        &[("rfm_monetary_min", "4"), ("rfm_monetary_max", "5")],
        &[28, 21],
    )
    .await;
    expect::<CustomerField>(
        p,
        &[
            ("rfm_recency_min", "3"),
            ("rfm_monetary_min", "3.5"),
            ("subscription", "subscribed"),
        ],
        &[28, 21],
    )
    .await;
    expect::<CustomerField>(
        p,
        &[("rfm_recency_min", "1"), ("sort", "-rfm")],
        &[21, 22, 28, 23, 26, 24],
    )
    .await;
    expect::<CustomerField>(p, &[("sort", "rfm")], &[25, 27, 24, 26, 23, 28, 22, 21]).await;

    // Only changed scores are written; each channel is its own population.
    assert_eq!(store::segments::refresh_rfm(p, 1).await.unwrap(), 0);
    assert_eq!(store::segments::refresh_rfm(p, 2).await.unwrap(), 1);
    expect::<CustomerField>(p, &[("rfm_monetary_max", "1"), ("channel", "2")], &[25]).await;
    // 21's orders are canceled: it loses its score, and 22 becomes the most recent and most
    // frequent buyer (its sales stay third of four).
    sqlx::query("update orders set state = 'canceled', status = 'canceled' where customer_id = 21")
        .execute(p)
        .await
        .unwrap();
    assert!(store::segments::refresh_rfm(p, 1).await.unwrap() >= 1);
    let cells = rfm_cells(p).await;
    assert_eq!(cells[0], (21, String::new()));
    assert_eq!(cells[1], (22, "553".to_string()), "{cells:?}");
    assert_eq!(store::segments::refresh_rfm(p, 1).await.unwrap(), 0);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn accounts_credit_memos_and_subscribers_filter_and_sort(pool: PgPool) {
    load(&pool).await;
    let p = &pool;
    expect::<AccountField>(p, &[], &[1, 3, 4, 2]).await;
    expect::<AccountField>(p, &[("name", "O'B")], &[1]).await;
    expect::<AccountField>(p, &[("name", "%_")], &[4]).await;
    expect::<AccountField>(p, &[("email", ".ORG")], &[2]).await;
    expect::<AccountField>(p, &[("customers_min", "2")], &[4]).await;
    expect::<AccountField>(p, &[("lifetime_sales_max", "15")], &[4, 2]).await;
    expect_in::<AccountField>(p, &[("created_at_min", "2026-03-01")], UTC, &[3, 4]).await;
    every_sort_reverses::<AccountField>(p, &[]).await;

    expect::<CreditMemoField>(p, &[], &[503, 501, 502]).await;
    expect::<CreditMemoField>(p, &[("state", "1,3")], &[503, 502]).await;
    expect::<CreditMemoField>(p, &[("customer", "11")], &[501, 502]).await;
    expect::<CreditMemoField>(p, &[("order", "203")], &[501]).await;
    expect::<CreditMemoField>(p, &[("account", "4")], &[503]).await;
    expect::<CreditMemoField>(p, &[("channel", "2")], &[503]).await;
    expect::<CreditMemoField>(p, &[("increment_id", "cm-0")], &[501, 502]).await;
    expect::<CreditMemoField>(p, &[("grand_total_min", "20")], &[501, 502]).await;
    expect_in::<CreditMemoField>(
        p,
        &[
            ("created_at_min", "2026-02-01"),
            ("created_at_max", "2026-02-28"),
        ],
        UTC,
        &[501],
    )
    .await;
    every_sort_reverses::<CreditMemoField>(p, &[]).await;
    let q = query::<CreditMemoField>(&[("order", "203")], today());
    let (rows, _) = grid::page(p, &q, PARIS).await.unwrap();
    assert_eq!(rows[0].order_increment_id.as_deref(), Some("000000103"));
    assert_eq!(rows[0].customer_id, Some(11));

    expect::<SubscriberField>(p, &[], &[703, 702, 701]).await;
    expect::<SubscriberField>(p, &[("status", "1")], &[701]).await;
    expect::<SubscriberField>(p, &[("email", "ELSE")], &[702]).await;
    expect::<SubscriberField>(p, &[("customer", "11")], &[701]).await;
    expect::<SubscriberField>(p, &[("channel", "2")], &[703]).await;
    expect_in::<SubscriberField>(
        p,
        &[
            ("status_changed_at_min", "2026-02-01"),
            ("status_changed_at_max", "2026-02-28"),
        ],
        UTC,
        &[702],
    )
    .await;
    every_sort_reverses::<SubscriberField>(p, &[]).await;
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn record_lines_are_grids_of_their_own(pool: PgPool) {
    load(&pool).await;
    let p = &pool;
    // Removed cart items are kept and flagged.
    expect::<CartItemField>(p, &[("cart", "101")], &[401, 402, 403]).await;
    let q = query::<CartItemField>(&[("cart", "101"), ("sort", "-row_total")], today());
    let (rows, _) = grid::page(p, &q, PARIS).await.unwrap();
    assert_eq!(
        rows.iter().map(|r| r.id()).collect::<Vec<_>>(),
        vec![402, 401, 403]
    );
    assert!(rows[2].0.removed_at.is_some());
    // Configurable children are not listed twice.
    expect::<OrderItemField>(p, &[("order", "202")], &[301, 305]).await;
    expect::<OrderItemField>(p, &[("order", "202"), ("sort", "-name")], &[305, 301]).await;
    expect::<AddressField>(p, &[("customer", "11")], &[31, 32]).await;
    expect::<AddressField>(p, &[("customer", "11"), ("sort", "-city")], &[31, 32]).await;
    let (history, total) = ids_in::<HistoryField>(p, &[("order", "202")], PARIS).await;
    assert_eq!(total, 2);
    assert!(history[0] > history[1], "newest first");
    every_sort_reverses::<CartItemField>(p, &[("cart", "101")]).await;
    every_sort_reverses::<OrderItemField>(p, &[("order", "202")]).await;
    every_sort_reverses::<AddressField>(p, &[("customer", "11")]).await;
    every_sort_reverses::<HistoryField>(p, &[("order", "202")]).await;
}

/// Strings that break naive SQL, LIKE patterns or encodings.
const HOSTILE: &[&str] = &[
    "'",
    "''",
    "\"",
    "%",
    "_",
    "\\",
    "\\%",
    "' or '1'='1",
    "'; drop table carts; --",
    "1); delete from orders; --",
    "$1",
    "<script>alert(1)</script>",
    "🍰",
    "Ω≈ç√",
    "\u{202e}reversed",
];

async fn hostile_text_everywhere<F: GridSource>(pool: &PgPool) {
    for field in F::ALL {
        let def = field.def();
        if def.filter != Some(FilterKind::Text) {
            continue;
        }
        let long = "x".repeat(200);
        for text in HOSTILE.iter().copied().chain([long.as_str()]) {
            for key in [def.key.to_string(), format!("{}_eq", def.key)] {
                let (ids, total) = ids_in::<F>(pool, &[(key.as_str(), text)], PARIS).await;
                assert_eq!(ids.len() as i64, total, "{} {key}={text:?}", F::GRID);
            }
        }
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn hostile_text_is_matched_literally_in_every_text_filter(pool: PgPool) {
    load(&pool).await;
    let p = &pool;
    hostile_text_everywhere::<CartField>(p).await;
    hostile_text_everywhere::<OrderField>(p).await;
    hostile_text_everywhere::<CustomerField>(p).await;
    hostile_text_everywhere::<AccountField>(p).await;
    hostile_text_everywhere::<CreditMemoField>(p).await;
    hostile_text_everywhere::<SubscriberField>(p).await;
    // Matched literally: these find exactly the rows holding them, and nothing was dropped.
    expect::<CustomerField>(p, &[("name", "'")], &[11]).await;
    expect::<CustomerField>(p, &[("name", "%")], &[14]).await;
    expect::<CustomerField>(p, &[("name", "' or '1'='1")], &[]).await;
    expect::<CartField>(p, &[("email", "%")], &[]).await;
    expect::<OrderField>(p, &[("status", "'; drop table carts; --")], &[]).await;
    expect::<CartField>(p, &[], &[108, 107, 104, 103, 102, 105, 101, 106]).await;
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn account_sales_are_kept_per_currency(pool: PgPool) {
    load(&pool).await;
    let p = &pool;
    let refresh = async |accounts: &[i64]| {
        let mut tx = p.begin().await.unwrap();
        store::sync_write::links::refresh_accounts(&mut tx, accounts)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    };
    let sales = async || {
        let rows: Vec<(i64, Cell)> = grid::page::<AccountField>(p, &query(&[], today()), PARIS)
            .await
            .unwrap()
            .0
            .iter()
            .map(|r| (r.id, r.cell(AccountField::LifetimeSales)))
            .collect();
        rows
    };
    // Dora (account 4) bought in USD in one store; Ann (1) in EUR, one canceled order aside.
    refresh(&[1, 2, 3, 4]).await;
    let dora = grid::record::account(p, 4, PARIS).await.unwrap();
    assert_eq!(
        dora.lifetime_sales
            .iter()
            .map(|m| m.display())
            .collect::<Vec<_>>(),
        ["$15.00"]
    );
    let ann = grid::record::account(p, 1, PARIS).await.unwrap();
    assert_eq!(ann.lifetime_sales[0].display(), "€270.00");
    let nobody = grid::record::account(p, 2, PARIS).await.unwrap();
    assert_eq!(nobody.lifetime_sales.len(), 1, "no order: a single zero");
    assert!(nobody.lifetime_sales[0].amount.is_zero());

    // Her second customer, in the other store, buys 20 EUR: two amounts, never 35.
    sqlx::query(
        "insert into orders (id, channel_id, magento_id, increment_id, customer_id, is_guest,
             website_id, state, status, subtotal, discount_amount, grand_total,
             order_currency_code, magento_created_at)
         values (206, 2, 8002, 'B-000000002', 15, false, 2, 'processing', 'processing', 25, -5, 20,
             'EUR', '2026-04-20T10:00:00Z')",
    )
    .execute(p)
    .await
    .unwrap();
    refresh(&[4]).await;
    let dora = grid::record::account(p, 4, PARIS).await.unwrap();
    assert_eq!(
        dora.lifetime_sales
            .iter()
            .map(|m| m.display())
            .collect::<Vec<_>>(),
        ["€20.00", "$15.00"]
    );
    let rows = sales().await;
    let (_, cell) = rows.iter().find(|(id, _)| *id == 4).unwrap();
    assert_eq!(cell.display(), "€20.00 + $15.00");
    // No amount filter matches a sum in no currency, and the account sorts last.
    expect::<AccountField>(p, &[("lifetime_sales_min", "30")], &[1, 3]).await;
    expect::<AccountField>(p, &[("lifetime_sales_max", "40")], &[3, 2]).await;
    assert_eq!(rows.last().map(|(id, _)| *id), Some(4));
    every_sort_reverses::<AccountField>(p, &[]).await;
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn record_pages_link_their_records(pool: PgPool) {
    load(&pool).await;
    let p = &pool;
    let ann = grid::record::customer(p, 11, PARIS).await.unwrap();
    assert_eq!(ann.name, "Ann O'Brien");
    assert_eq!(ann.group.as_deref(), Some("General"));
    assert_eq!(ann.gender.as_deref(), Some("Female"));
    assert_eq!(ann.account.as_ref().map(|a| a.id), Some(1));
    assert_eq!(ann.lifetime.amount.display(), "€270.00");
    assert_eq!((ann.lifetime.orders, ann.lifetime.canceled_orders), (2, 1));
    assert_eq!(ann.lifetime.recomputed(), ann.lifetime.amount.amount);
    assert_eq!(
        ann.lifetime.explanation(),
        "Subtotal €300.00 minus discounts €30.00 over 2 orders; 1 canceled order is not counted."
    );
    let c = &ann.counts;
    assert_eq!(
        (
            c.addresses,
            c.orders,
            c.carts,
            c.credit_memos,
            c.subscriptions
        ),
        (2, 3, 3, 2, 1)
    );

    // Cart → its order; order → its cart (by quote id); credit memo → order → customer → account.
    let cart = grid::record::cart(p, 103, PARIS).await.unwrap();
    assert_eq!(
        cart.order.as_ref().map(|o| (o.id, o.label.as_str())),
        Some((201, "000000101"))
    );
    assert_eq!(cart.status, CartStatus::Purchased);
    let order = grid::record::order(p, 201, PARIS).await.unwrap();
    assert_eq!(order.cart.as_ref().map(|c| c.id), Some(103));
    assert_eq!(order.customer.as_ref().map(|c| c.id), Some(13));
    let memo = grid::record::credit_memo(p, 501, PARIS).await.unwrap();
    assert_eq!(memo.order.as_ref().map(|o| o.id), Some(203));
    assert_eq!(memo.customer.as_ref().map(|c| c.id), Some(11));
    assert_eq!(memo.account.as_ref().map(|a| a.id), Some(1));
    let canceled = grid::record::order(p, 205, PARIS).await.unwrap();
    assert!(canceled.is_canceled);
    let with_addresses = grid::record::order(p, 202, PARIS).await.unwrap();
    assert_eq!(with_addresses.addresses.len(), 2);
    assert_eq!(with_addresses.addresses[0].kind, "billing");
    assert_eq!(
        with_addresses.addresses[1].street,
        vec!["2 Side St", "Back door"]
    );
    assert_eq!(
        (
            with_addresses.items,
            with_addresses.history,
            with_addresses.credit_memos
        ),
        (2, 2, 1)
    );
    let account = grid::record::account(p, 4, PARIS).await.unwrap();
    assert_eq!(
        (
            account.counts.customers,
            account.counts.orders,
            account.counts.carts
        ),
        (2, 1, 2)
    );
    let subscriber = grid::record::subscriber(p, 701, PARIS).await.unwrap();
    assert_eq!(subscriber.customer.map(|c| c.id), Some(11));

    assert!(matches!(
        grid::record::customer(p, 999, PARIS).await,
        Err(Error::NotFound)
    ));
    assert!(matches!(
        grid::record::order(p, 999, PARIS).await,
        Err(Error::NotFound)
    ));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn carts_are_marked_lost_and_reopened_by_the_rules(pool: PgPool) {
    load(&pool).await;
    let p = &pool;
    use grid::cart_actions::{mark_lost, reopen};
    assert_eq!(mark_lost(p, 101).await.unwrap(), CartStatus::Lost);
    assert_eq!(reopen(p, 101).await.unwrap(), CartStatus::Open);
    // Purchased carts have their order; open carts are not "reopened".
    assert!(matches!(mark_lost(p, 103).await, Err(Error::Conflict(m)) if m.contains("purchased")));
    assert!(matches!(reopen(p, 102).await, Err(Error::Conflict(_))));
    assert!(matches!(mark_lost(p, 999).await, Err(Error::NotFound)));
    // A converted cart reopens; one that left the store reopens as expired.
    assert_eq!(reopen(p, 107).await.unwrap(), CartStatus::Open);
    assert_eq!(mark_lost(p, 106).await.unwrap(), CartStatus::Lost);
    assert_eq!(reopen(p, 106).await.unwrap(), CartStatus::Expired);
    // Still lost after 10 days without updates: reopened, it is open again (lifetime 30 days).
    assert_eq!(reopen(p, 105).await.unwrap(), CartStatus::Open);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn saved_views_belong_to_their_user(pool: PgPool) {
    load(&pool).await;
    let p = &pool;
    use grid::views;
    let id = views::save(p, 1, "carts", "Open carts", "status=open")
        .await
        .unwrap();
    // Same name, any case: replaced.
    let again = views::save(p, 1, "carts", "OPEN CARTS", "status=open&abandoned=true")
        .await
        .unwrap();
    assert_eq!(id, again);
    views::save(p, 1, "orders", "Open carts", "state=new")
        .await
        .unwrap();
    let list = views::list(p, 1, "carts").await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        (list[0].name.as_str(), list[0].query.as_str()),
        ("OPEN CARTS", "status=open&abandoned=true")
    );
    assert!(views::list(p, 2, "carts").await.unwrap().is_empty());
    // Others can open a shared view but not delete it.
    assert_eq!(
        views::find(p, id).await.unwrap(),
        Some(("carts".into(), "status=open&abandoned=true".into()))
    );
    assert!(matches!(
        views::delete(p, 2, id).await,
        Err(Error::NotFound)
    ));
    views::delete(p, 1, id).await.unwrap();
    assert_eq!(views::find(p, id).await.unwrap(), None);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn exports_stream_the_whole_filtered_set_in_order(pool: PgPool) {
    load(&pool).await;
    let q = query::<CartField>(
        &[("status", "open,lost"), ("per_page", "25"), ("page", "1")],
        today(),
    );
    let streamed: Vec<i64> = grid::export(pool.clone(), q.clone(), PARIS)
        .map_ok(|r| r.id())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed, vec![104, 102, 105, 101]);
    let options = grid::options::load(&pool).await.unwrap();
    assert_eq!(options.channels.len(), 2);
    assert_eq!(options.website_label(1), Some("Alpha main / Beta main"));
    let statuses: Vec<&str> = options
        .order_statuses
        .iter()
        .map(|o| o.value.as_str())
        .collect();
    assert_eq!(
        statuses,
        [
            "canceled",
            "closed",
            "complete",
            "my_custom_status",
            "processing"
        ]
    );
}

/// The maintained counts, zero rows left out, in a stable order.
async fn counts(pool: &PgPool) -> Vec<(String, i64, String, String, i64)> {
    sqlx::query_as(
        "select table_name, channel_id, dimension, value, rows from grid_counts
         where rows <> 0 order by 1, 2, 3, 4",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn maintained_counts_stay_exact_through_every_kind_of_write(pool: PgPool) {
    load(&pool).await;
    let p = &pool;
    // Status changes, batched upserts, deletes (with set-null cascades), a channel deletion.
    grid::cart_actions::mark_lost(p, 101).await.unwrap();
    grid::cart_actions::reopen(p, 105).await.unwrap();
    for sql in [
        "update orders set state = 'canceled', status = 'canceled' where id = 202",
        "update orders set is_guest = true where id = 203",
        "update carts set status = 'expired' where status = 'open' and id <> 101",
        r#"insert into carts (channel_id, magento_id, is_active, status) values (1, 5000, true, 'open'), (1, 5001, true, 'open')
           on conflict (channel_id, magento_id) do update set status = excluded.status"#,
        r#"insert into carts (channel_id, magento_id, is_active, status) values (1, 5000, true, 'lost'), (1, 5002, true, 'open')
           on conflict (channel_id, magento_id) do update set status = excluded.status"#,
        "delete from customers where id = 13",
        "delete from newsletter_subscribers where id = 702",
        "update credit_memos set state = 1 where id = 501",
    ] {
        sqlx::query(sql)
            .execute(p)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    store::channels::delete(p, 2).await.unwrap();
    let maintained = counts(p).await;
    for (table, dims) in [
        ("carts", vec!["status"]),
        ("orders", vec!["state", "status", "is_guest"]),
        ("customers", vec!["is_guest"]),
        ("credit_memos", vec!["state"]),
        ("newsletter_subscribers", vec!["status"]),
    ] {
        sqlx::query("select grid_counts_rebuild($1, variadic $2)")
            .bind(table)
            .bind(&dims)
            .execute(p)
            .await
            .unwrap();
    }
    assert_eq!(maintained, counts(p).await);
    // Nothing of the deleted channel is left, and the grids' totals agree with the rows.
    assert!(maintained.iter().all(|(_, channel, ..)| *channel == 1));
    // New carts take ids 1 (5000), 2 (5001) and 4 (5002; the conflicting row used 3).
    expect::<CartField>(p, &[("status", "open")], &[4, 2]).await;
    expect::<CartField>(p, &[("status", "lost")], &[101, 1]).await;
    expect::<OrderField>(p, &[("is_guest", "true")], &[201, 203]).await;
}
