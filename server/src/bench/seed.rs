//! Loads a large synthetic store straight into Postgres for the grid and dashboard benchmarks
//! (1M carts, 1M orders, 300k customers take minutes this way, against far longer through a
//! full sync). Rows are deterministic (seeded) and shaped like the demo store's: two years of
//! history, every cart status, guests, discounts, canceled orders, credit memos. At most 80 %
//! of carts are purchased; further orders have no cart (their quotes were purged), so at the
//! issue's scale (1M carts, 1M orders) 200k carts are open, lost, expired or converted.

use anyhow::Result;
use std::time::Instant;
use store::PgPool;

/// Sizes of a seeded store.
#[derive(Clone, Copy, Debug)]
pub struct SeedSize {
    pub customers: i64,
    pub carts: i64,
    pub orders: i64,
}

impl SeedSize {
    /// The issue's scale: 1M carts, 1M orders, 300k customers (scale 1.0).
    pub fn scaled(scale: f64) -> Self {
        SeedSize {
            customers: (300_000.0 * scale) as i64,
            carts: (1_000_000.0 * scale) as i64,
            orders: (1_000_000.0 * scale) as i64,
        }
    }
}

pub const CHANNEL_NAME: &str = "Bench store";

/// Creates (or reuses, when already seeded at this size) the bench channel. Returns its id.
pub async fn ensure_seeded(
    pool: &PgPool,
    cipher: &store::secrets::Cipher,
    size: SeedSize,
) -> Result<i64> {
    if let Some(c) = store::channels::find_by_name(pool, CHANNEL_NAME).await? {
        let orders: i64 = sqlx::query_scalar("select count(*) from orders where channel_id = $1")
            .bind(c.id)
            .fetch_one(pool)
            .await?;
        if orders == size.orders {
            return Ok(c.id);
        }
        store::channels::delete(pool, c.id).await?;
    }
    let started = Instant::now();
    let mut settings = domain::ChannelSettings::new(CHANNEL_NAME, "http://bench.invalid");
    settings.sync_interval_secs = 86_400;
    let credentials = domain::Credentials::Bearer {
        token: "bench".into(),
    };
    let channel = store::channels::create(pool, cipher, &settings, &credentials, false).await?;
    // Never synced: a bench channel only holds seeded rows.
    store::channels::set_active(pool, channel, false).await?;
    let mut tx = pool.begin().await?;
    sqlx::query("select setseed(0.42)")
        .execute(&mut *tx)
        .await?;
    for sql in SEED_SQL {
        sqlx::query(sql)
            .bind(channel)
            .bind(size.customers)
            .bind(size.carts)
            .bind(size.orders)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    // A store in use is vacuumed by autovacuum: index-only scans (exact grid counts) rely on
    // the visibility map it maintains, so the fresh rows are vacuumed too, not just analysed.
    sqlx::query("vacuum analyze").execute(pool).await?;
    tracing::info!(
        ?size,
        secs = started.elapsed().as_secs_f64(),
        "bench store seeded"
    );
    Ok(channel)
}

/// Each statement takes $1 channel, $2 customers, $3 carts, $4 orders.
const SEED_SQL: &[&str] = &[
    r#"insert into websites (channel_id, magento_id, code, name)
       select $1, w, 'site' || w, 'Website ' || w from generate_series(1, 3) w
       where $2::int8 >= 0 and $3::int8 >= 0 and $4::int8 >= 0"#,
    r#"insert into store_views (channel_id, magento_id, code, name, website_id, store_group_id)
       select $1, s, 'view' || s, 'Store view ' || s, (s - 1) / 2 + 1, (s - 1) / 2 + 1
       from generate_series(1, 6) s where $2::int8 >= 0 and $3::int8 >= 0 and $4::int8 >= 0"#,
    r#"insert into customer_groups (channel_id, magento_id, code)
       select $1, g, (array['NOT LOGGED IN','General','Wholesale','Retailer'])[g + 1]
       from generate_series(0, 3) g where $2::int8 >= 0 and $3::int8 >= 0 and $4::int8 >= 0"#,
    // Registered customers (80 %) and guests (20 %).
    r#"insert into customers (channel_id, magento_id, is_guest, website_id, store_id, group_id,
           email, first_name, last_name, magento_created_at, magento_updated_at)
       -- Guests by a hash of i, not by i itself, so being a guest does not follow the name
       -- (also drawn from i): grids sorted by name or email would otherwise meet all guests first.
       select $1, case when hashint8(i) % 5 = 0 then null else i end, hashint8(i) % 5 = 0, (i % 3) + 1, (i % 6) + 1,
           1 + i % 3,
           -- Emails like people's (anna.smith123@…), so "contains" searches meet the spread of
           -- real addresses rather than one prefix shared by every row.
           (array['anna','bjorn','chloe','dmitri','elena','fatima','giulia','hiro','ines','jose'])[1 + i % 10]
               || '.' || (array['smith','muller','dubois','garcia','rossi','novak','tanaka','silva','kowalski','ng'])[1 + (i / 10) % 10]
               || i || '@example.' || (array['com','de','fr','es','jp'])[1 + i % 5],
           (array['Anna','Björn','Chloé','Dmitri','Elena','Fatima','Giulia','Hiro','Ines','José'])[1 + i % 10],
           (array['Smith','Müller','Dubois','García','Rossi','Novak','Tanaka','Silva','Kowalski','Ng'])[1 + (i / 10) % 10] || ' ' || i,
           now() - random() * interval '730 days',
           now() - random() * interval '365 days'
       from generate_series(1, $2) i where $3::int8 >= 0 and $4::int8 >= 0"#,
    r#"insert into accounts (name, email_key)
       select coalesce(first_name || ' ' || last_name, email), email_key from customers
       where channel_id = $1 and $2::int8 >= 0 and $3::int8 >= 0 and $4::int8 >= 0
       on conflict (email_key) do nothing"#,
    r#"update customers c set account_id = a.id from accounts a
       where c.channel_id = $1 and a.email_key = c.email_key
         and $2::int8 >= 0 and $3::int8 >= 0 and $4::int8 >= 0"#,
    r#"insert into customer_addresses (customer_id, magento_id, first_name, last_name, city,
           country_id, postcode, street, is_default_billing, is_default_shipping)
       select id, id, first_name, last_name, (array['Berlin','Paris','Madrid','Tokyo','Austin'])[1 + id % 5],
           (array['DE','FR','ES','JP','US'])[1 + id % 5], lpad((id % 99999)::text, 5, '0'),
           id || ' Main Street', true, true
       from customers where channel_id = $1 and not is_guest
         and $2::int8 >= 0 and $3::int8 >= 0 and $4::int8 >= 0"#,
    // Carts: the first $4 become orders' carts (purchased); the rest spread over the statuses.
    r#"insert into carts (channel_id, magento_id, customer_id, customer_magento_id, is_guest,
           email, first_name, last_name, store_id, website_id, is_active, items_count, items_qty,
           subtotal, grand_total, billing_country, has_billing_address, status,
           magento_created_at, magento_updated_at, abandon_at)
       select $1, i, c.id, c.magento_id, c.is_guest, c.email, c.first_name, c.last_name,
           c.store_id, c.website_id, st <> 'purchased' and st <> 'expired', items, items,
           total, total, (array['DE','FR','ES','JP','US'])[1 + i % 5], i % 3 <> 0, st,
           created, created + random() * interval '48 hours',
           case when st = 'open' and items > 0 then created + interval '49 hours' end
       from (select i, 1 + (i * 7919) % $2 as cust,
                    case when i <= least($4::int8, $3::int8 - $3::int8 / 5) then 'purchased'
                         else (array['open','open','open','expired','lost','converted_to_opportunity'])[1 + i % 6] end as st,
                    (i % 5) as items, round((random() * 400)::numeric, 2) as total,
                    now() - random() * interval '730 days' as created
             from generate_series(1, $3) i) g
       join customers c on c.channel_id = $1 and c.id = (select min(id) from customers where channel_id = $1) + g.cust - 1"#,
    r#"insert into orders (channel_id, magento_id, increment_id, quote_magento_id,
           customer_id, customer_magento_id, is_guest, email, first_name, last_name, store_id,
           website_id, state, status, subtotal, discount_amount, shipping_amount, tax_amount,
           grand_total, total_paid, total_refunded, order_currency_code, base_currency_code,
           coupon_code, billing_country, shipping_country, payment_method, total_item_count,
           magento_created_at, magento_updated_at)
       select $1, k.magento_id, lpad(k.magento_id::text, 9, '0'), k.magento_id,
           k.customer_id, k.customer_magento_id, k.is_guest, k.email, k.first_name, k.last_name,
           k.store_id, k.website_id, s.state, s.state, k.subtotal,
           case when hashint8(k.magento_id) % 4 = 0 then -round(k.subtotal * 0.1, 2) else 0 end, 5, 0,
           k.subtotal + 5 - case when hashint8(k.magento_id) % 4 = 0 then round(k.subtotal * 0.1, 2) else 0 end,
           case when s.state in ('complete','closed','processing') then k.subtotal + 5 else 0 end,
           case when s.state = 'closed' then k.subtotal + 5 else 0 end, 'USD', 'USD',
           case when hashint8(k.magento_id) % 4 = 0 then 'SAVE10' end, k.billing_country, k.billing_country,
           (array['checkmo','banktransfer','paypal_express'])[1 + k.magento_id % 3], 1 + k.magento_id % 4,
           k.magento_created_at + interval '1 hour', k.magento_updated_at + interval '2 hours'
       from carts k
       cross join lateral (select (array['complete','complete','complete','processing','canceled','closed','pending','holded'])[1 + k.magento_id % 8] as state) s
       where k.channel_id = $1 and k.magento_id <= least($4::int8, $3::int8 - $3::int8 / 5)
         and $2::int8 >= 0"#,
    // Orders beyond the purchased carts: their quotes were purged from the store before the
    // CRM saw them (Magento's quote lifetime), so they have no cart.
    r#"insert into orders (channel_id, magento_id, increment_id, quote_magento_id,
           customer_id, customer_magento_id, is_guest, email, first_name, last_name, store_id,
           website_id, state, status, subtotal, discount_amount, shipping_amount, tax_amount,
           grand_total, total_paid, total_refunded, order_currency_code, base_currency_code,
           coupon_code, billing_country, shipping_country, payment_method, total_item_count,
           magento_created_at, magento_updated_at)
       select $1, g.m, lpad(g.m::text, 9, '0'), g.m, c.id, c.magento_id, c.is_guest, c.email,
           c.first_name, c.last_name, c.store_id, c.website_id, s.state, s.state, g.subtotal,
           case when hashint8(g.m) % 4 = 0 then -round(g.subtotal * 0.1, 2) else 0 end, 5, 0,
           g.subtotal + 5 - case when hashint8(g.m) % 4 = 0 then round(g.subtotal * 0.1, 2) else 0 end,
           case when s.state in ('complete','closed','processing') then g.subtotal + 5 else 0 end,
           case when s.state = 'closed' then g.subtotal + 5 else 0 end, 'USD', 'USD',
           case when hashint8(g.m) % 4 = 0 then 'SAVE10' end, (array['DE','FR','ES','JP','US'])[1 + g.m % 5],
           (array['DE','FR','ES','JP','US'])[1 + g.m % 5],
           (array['checkmo','banktransfer','paypal_express'])[1 + g.m % 3], 1 + g.m % 4,
           g.created, g.created + random() * interval '72 hours'
       from (select $3::int8 + i as m, 1 + (i * 7919) % $2 as cust,
                    round((random() * 400)::numeric, 2) as subtotal,
                    now() - random() * interval '730 days' as created
             from generate_series(1, $4::int8 - least($4::int8, $3::int8 - $3::int8 / 5)) i) g
       join customers c on c.channel_id = $1 and c.id = (select min(id) from customers where channel_id = $1) + g.cust - 1
       cross join lateral (select (array['complete','complete','complete','processing','canceled','closed','pending','holded'])[1 + g.m % 8] as state) s"#,
    r#"update carts c set order_id = o.id from orders o
       where c.channel_id = $1 and o.channel_id = $1 and o.quote_magento_id = c.magento_id and $2::int8 >= 0 and $3::int8 >= 0 and $4::int8 >= 0"#,
    r#"insert into credit_memos (channel_id, magento_id, increment_id, order_magento_id, order_id,
           store_id, state, subtotal, shipping_amount, adjustment, grand_total,
           order_currency_code, magento_created_at, magento_updated_at)
       select $1, o.magento_id, o.increment_id, o.magento_id, o.id, o.store_id, 2, o.subtotal, 5, 0,
           o.grand_total, 'USD', o.magento_created_at + interval '3 days', o.magento_created_at + interval '3 days'
       from orders o where o.channel_id = $1 and o.state = 'closed'
         and $2::int8 >= 0 and $3::int8 >= 0 and $4::int8 >= 0"#,
    r#"insert into newsletter_subscribers (channel_id, magento_id, source, email, customer_magento_id,
           customer_id, store_id, website_id, status, status_changed_at)
       select $1, c.id, 'companion_route', c.email, c.magento_id, c.id, c.store_id, c.website_id,
           1 + (c.id % 4)::int2, c.magento_created_at
       from customers c where c.channel_id = $1 and c.id % 3 = 0
         and $2::int8 >= 0 and $3::int8 >= 0 and $4::int8 >= 0"#,
    r#"update customers c set lifetime_sales = s.sales, orders_count = s.n, last_order_at = s.last
       from (select customer_id, sum(coalesce(subtotal, 0) - abs(coalesce(discount_amount, 0))) as sales,
                    count(*)::int4 as n, max(magento_created_at) as last
             from orders where channel_id = $1 and state <> 'canceled' group by customer_id) s
       where c.id = s.customer_id and $2::int8 >= 0 and $3::int8 >= 0 and $4::int8 >= 0"#,
    // What the sync keeps on each order for new / returning customers
    // (store::sync_write::links::refresh_buyer_marks), for the whole channel at once.
    r#"update orders o set prev_order_at = w.prev, customer_created_at = w.created
       from (select o2.id,
                    lag(o2.magento_created_at) over (partition by o2.customer_id
                                                     order by o2.magento_created_at, o2.id) as prev,
                    c.magento_created_at as created
             from orders o2 join customers c on c.id = o2.customer_id
             where o2.channel_id = $1 and coalesce(o2.state, '') <> 'canceled'
               and coalesce(o2.status, '') <> 'canceled') w
       where o.id = w.id and $2::int8 >= 0 and $3::int8 >= 0 and $4::int8 >= 0"#,
    r#"update accounts a set customers_count = s.n, lifetime_sales = s.sales,
           lifetime_currency = 'USD', lifetime_sales_by_currency = jsonb_build_object('USD', s.sales)
       from (select account_id, count(*)::int4 as n, sum(lifetime_sales) as sales from customers
             where channel_id = $1 group by account_id) s
       where a.id = s.account_id and $2::int8 >= 0 and $3::int8 >= 0 and $4::int8 >= 0"#,
];
