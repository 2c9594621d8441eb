//! Orders with their items, addresses and status history. Orders are never deleted by sync.

use super::{OrderRecord, UpsertCounts, dedup_by_key, links};
use crate::Result;
use sqlx::PgConnection;

/// When the customers' figures derived from their orders are brought up to date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Totals {
    /// With every page, in its transaction: changes arriving one by one.
    PerPage,
    /// Once, by [`links::refresh_channel_totals`], when a history import has caught up. A
    /// customer with ten orders in the history would otherwise be rewritten ten times (with
    /// its account), which was a quarter of the import's database time.
    AtTheEnd,
}

/// Upserts a page of orders, links them to customers (guests made as needed) and carts (which
/// become Purchased), and refreshes the affected customers' lifetime sales and buyer marks
/// (see [`Totals`]).
pub async fn upsert(
    tx: &mut PgConnection,
    channel_id: i64,
    records: &[OrderRecord],
    totals: Totals,
) -> Result<(UpsertCounts, Vec<i64>)> {
    let records = dedup_by_key(records, |r| r.magento_id);
    if records.is_empty() {
        return Ok((UpsertCounts::default(), Vec::new()));
    }
    macro_rules! col {
        ($f:ident) => {
            records.iter().map(|r| r.$f.clone()).collect::<Vec<_>>()
        };
    }
    let magento_id = col!(magento_id);
    let increment_id = col!(increment_id);
    let quote_magento_id = col!(quote_magento_id);
    let customer_magento_id = col!(customer_magento_id);
    let is_guest = col!(is_guest);
    let email = col!(email);
    let first_name = col!(first_name);
    let last_name = col!(last_name);
    let store_id = col!(store_id);
    let state = col!(state);
    let status = col!(status);
    let subtotal = col!(subtotal);
    let discount_amount = col!(discount_amount);
    let shipping_amount = col!(shipping_amount);
    let tax_amount = col!(tax_amount);
    let grand_total = col!(grand_total);
    let total_paid = col!(total_paid);
    let total_invoiced = col!(total_invoiced);
    let total_refunded = col!(total_refunded);
    let total_canceled = col!(total_canceled);
    let total_due = col!(total_due);
    let base_subtotal = col!(base_subtotal);
    let base_discount_amount = col!(base_discount_amount);
    let base_grand_total = col!(base_grand_total);
    let order_currency_code = col!(order_currency_code);
    let base_currency_code = col!(base_currency_code);
    let total_qty_ordered = col!(total_qty_ordered);
    let total_item_count = col!(total_item_count);
    let payment_method = col!(payment_method);
    let shipping_method = col!(shipping_method);
    let shipping_description = col!(shipping_description);
    let coupon_code = col!(coupon_code);
    let billing_country = col!(billing_country);
    let shipping_country = col!(shipping_country);
    let created_at = col!(created_at);
    let updated_at = col!(updated_at);
    let payload_hash = col!(payload_hash);

    // The customers the changed orders pointed at before, whose totals must be refreshed too
    // if an order moves away from them.
    let previous_customers = sqlx::query_scalar!(
        r#"select customer_id as "id!" from orders
           where channel_id = $1 and magento_id = any($2) and customer_id is not null"#,
        channel_id,
        &magento_id
    )
    .fetch_all(&mut *tx)
    .await?;
    links::make_guest_customers(
        tx,
        channel_id,
        &links::Buyers {
            customer_magento_id: &customer_magento_id,
            email: &email,
            store_id: &store_id,
            first_name: &first_name,
            last_name: &last_name,
            created_at: &created_at,
        },
    )
    .await?;

    // Customer and the buyer marks (the customer's previous order and creation time) are
    // resolved here, so a new order is written once; `links` then only corrects what a page
    // cannot see by itself (two orders of one customer on one page, an order older than one
    // already stored).
    let returned = sqlx::query!(
        r#"insert into orders (channel_id, magento_id, increment_id, quote_magento_id,
               customer_magento_id, is_guest, email, first_name, last_name, store_id, website_id,
               state, status, subtotal, discount_amount, shipping_amount, tax_amount, grand_total,
               total_paid, total_invoiced, total_refunded, total_canceled, total_due,
               base_subtotal, base_discount_amount, base_grand_total, order_currency_code,
               base_currency_code, total_qty_ordered, total_item_count, payment_method,
               shipping_method, shipping_description, coupon_code, billing_country,
               shipping_country, magento_created_at, magento_updated_at, payload_hash,
               customer_id, customer_created_at, prev_order_at)
           select $1, t.magento_id, t.increment_id, t.quote_magento_id, t.customer_magento_id,
               t.is_guest, t.email, t.first_name, t.last_name, t.store_id, sv.website_id,
               t.state, t.status, t.subtotal, t.discount_amount, t.shipping_amount, t.tax_amount,
               t.grand_total, t.total_paid, t.total_invoiced, t.total_refunded, t.total_canceled,
               t.total_due, t.base_subtotal, t.base_discount_amount, t.base_grand_total,
               t.order_currency_code, t.base_currency_code, t.total_qty_ordered,
               t.total_item_count, t.payment_method, t.shipping_method, t.shipping_description,
               t.coupon_code, t.billing_country, t.shipping_country, t.created_at, t.updated_at,
               t.payload_hash, buyer.id, buyer.magento_created_at, prev.at
           from unnest($2::int8[], $3::text[], $4::int8[], $5::int8[], $6::bool[], $7::text[],
                       $8::text[], $9::text[], $10::int8[], $11::text[], $12::text[],
                       $13::numeric[], $14::numeric[], $15::numeric[], $16::numeric[],
                       $17::numeric[], $18::numeric[], $19::numeric[], $20::numeric[],
                       $21::numeric[], $22::numeric[], $23::numeric[], $24::numeric[],
                       $25::numeric[], $26::text[], $27::text[], $28::numeric[], $29::int4[],
                       $30::text[], $31::text[], $32::text[], $33::text[], $34::text[],
                       $35::text[], $36::timestamptz[], $37::timestamptz[], $38::bytea[])
               as t(magento_id, increment_id, quote_magento_id, customer_magento_id, is_guest,
                    email, first_name, last_name, store_id, state, status, subtotal,
                    discount_amount, shipping_amount, tax_amount, grand_total, total_paid,
                    total_invoiced, total_refunded, total_canceled, total_due, base_subtotal,
                    base_discount_amount, base_grand_total, order_currency_code,
                    base_currency_code, total_qty_ordered, total_item_count, payment_method,
                    shipping_method, shipping_description, coupon_code, billing_country,
                    shipping_country, created_at, updated_at, payload_hash)
           left join store_views sv on sv.channel_id = $1 and sv.magento_id = t.store_id
           left join customers reg on reg.channel_id = $1 and reg.magento_id = t.customer_magento_id
           left join lateral (
               select c.id, c.magento_created_at from customers c
               where reg.id is null and coalesce(t.email, '') <> '' and c.channel_id = $1
                 and c.website_id = coalesce(sv.website_id, 0) and c.email_key = lower(t.email)
               order by c.is_guest, c.id limit 1) by_email on true
           cross join lateral (
               select coalesce(reg.id, by_email.id) as id,
                      coalesce(reg.magento_created_at, by_email.magento_created_at)
                          as magento_created_at) buyer
           left join lateral (
               select max(o.magento_created_at) as at from orders o
               where o.customer_id = buyer.id and o.magento_created_at <= t.created_at
                 and coalesce(o.state, '') <> 'canceled'
                 and coalesce(o.status, '') <> 'canceled') prev on true
           on conflict (channel_id, magento_id) do update set
               customer_id = coalesce(excluded.customer_id, orders.customer_id),
               increment_id = excluded.increment_id, quote_magento_id = excluded.quote_magento_id,
               customer_magento_id = excluded.customer_magento_id, is_guest = excluded.is_guest,
               email = excluded.email, first_name = excluded.first_name,
               last_name = excluded.last_name, store_id = excluded.store_id,
               website_id = excluded.website_id, state = excluded.state, status = excluded.status,
               subtotal = excluded.subtotal, discount_amount = excluded.discount_amount,
               shipping_amount = excluded.shipping_amount, tax_amount = excluded.tax_amount,
               grand_total = excluded.grand_total, total_paid = excluded.total_paid,
               total_invoiced = excluded.total_invoiced, total_refunded = excluded.total_refunded,
               total_canceled = excluded.total_canceled, total_due = excluded.total_due,
               base_subtotal = excluded.base_subtotal,
               base_discount_amount = excluded.base_discount_amount,
               base_grand_total = excluded.base_grand_total,
               order_currency_code = excluded.order_currency_code,
               base_currency_code = excluded.base_currency_code,
               total_qty_ordered = excluded.total_qty_ordered,
               total_item_count = excluded.total_item_count,
               payment_method = excluded.payment_method, shipping_method = excluded.shipping_method,
               shipping_description = excluded.shipping_description,
               coupon_code = excluded.coupon_code, billing_country = excluded.billing_country,
               shipping_country = excluded.shipping_country,
               magento_created_at = excluded.magento_created_at,
               magento_updated_at = excluded.magento_updated_at,
               payload_hash = excluded.payload_hash, updated_at = now()
           where orders.magento_updated_at is null
              or orders.magento_updated_at < excluded.magento_updated_at
              or (orders.magento_updated_at = excluded.magento_updated_at
                  and orders.payload_hash is distinct from excluded.payload_hash)
           returning id, magento_id, customer_id, (xmax = 0) as "inserted!""#,
        channel_id,
        &magento_id,
        &increment_id as _,
        &quote_magento_id as _,
        &customer_magento_id as _,
        &is_guest,
        &email as _,
        &first_name as _,
        &last_name as _,
        &store_id as _,
        &state as _,
        &status as _,
        &subtotal as _,
        &discount_amount as _,
        &shipping_amount as _,
        &tax_amount as _,
        &grand_total as _,
        &total_paid as _,
        &total_invoiced as _,
        &total_refunded as _,
        &total_canceled as _,
        &total_due as _,
        &base_subtotal as _,
        &base_discount_amount as _,
        &base_grand_total as _,
        &order_currency_code as _,
        &base_currency_code as _,
        &total_qty_ordered as _,
        &total_item_count as _,
        &payment_method as _,
        &shipping_method as _,
        &shipping_description as _,
        &coupon_code as _,
        &billing_country as _,
        &shipping_country as _,
        &created_at as _,
        &updated_at as _,
        &payload_hash,
    )
    .fetch_all(&mut *tx)
    .await?;
    let counts = UpsertCounts::from_returned(
        records.len(),
        &returned
            .iter()
            .map(|r| (r.id, r.inserted))
            .collect::<Vec<_>>(),
    );
    if returned.is_empty() {
        return Ok((counts, Vec::new()));
    }
    let changed: Vec<i64> = returned.iter().map(|r| r.id).collect();
    let changed_magento: std::collections::HashSet<i64> =
        returned.iter().map(|r| r.magento_id).collect();
    let changed_records: Vec<&OrderRecord> = records
        .iter()
        .copied()
        .filter(|r| changed_magento.contains(&r.magento_id))
        .collect();
    // Only rows that existed before can have children to replace.
    let replaced: Vec<i64> = returned
        .iter()
        .filter(|r| !r.inserted)
        .map(|r| r.id)
        .collect();
    replace_children(tx, channel_id, &replaced, &changed_records).await?;

    let mut customers: Vec<i64> = returned.iter().filter_map(|r| r.customer_id).collect();
    customers.extend(previous_customers);
    customers.sort_unstable();
    customers.dedup();
    links::link_orders_to_carts(tx, &changed).await?;
    links::link_credit_memos_to_orders(tx, &changed).await?;
    if totals == Totals::PerPage {
        links::refresh_customer_totals(tx, &customers).await?;
    }
    Ok((counts, changed))
}

/// Items, addresses and status history of changed orders, replaced as a whole: the payload is
/// the complete, newest picture. `replaced` are the changed orders that existed before (the
/// others, just inserted, have no children yet).
async fn replace_children(
    tx: &mut PgConnection,
    channel_id: i64,
    replaced: &[i64],
    records: &[&OrderRecord],
) -> Result<()> {
    if !replaced.is_empty() {
        sqlx::query!("delete from order_items where order_id = any($1)", replaced)
            .execute(&mut *tx)
            .await?;
        sqlx::query!(
            "delete from order_addresses where order_id = any($1)",
            replaced
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "delete from order_status_history where order_id = any($1)",
            replaced
        )
        .execute(&mut *tx)
        .await?;
    }

    // Items.
    let (mut owner, mut items) = (Vec::new(), Vec::new());
    for r in records {
        for i in &r.items {
            owner.push(r.magento_id);
            items.push(i);
        }
    }
    macro_rules! col {
        ($v:ident, $f:ident) => {
            $v.iter().map(|r| r.$f.clone()).collect::<Vec<_>>()
        };
    }
    if !items.is_empty() {
        sqlx::query!(
            r#"insert into order_items (order_id, magento_id, parent_magento_id, sku, name,
                   product_type, qty_ordered, qty_invoiced, qty_refunded, qty_canceled, price,
                   original_price, row_total, tax_amount, discount_amount, amount_refunded)
               select o.id, t.magento_id, t.parent, t.sku, t.name, t.product_type, t.qty_ordered,
                   t.qty_invoiced, t.qty_refunded, t.qty_canceled, t.price, t.original_price,
                   t.row_total, t.tax_amount, t.discount_amount, t.amount_refunded
               from unnest($2::int8[], $3::int8[], $4::int8[], $5::text[], $6::text[], $7::text[],
                           $8::numeric[], $9::numeric[], $10::numeric[], $11::numeric[],
                           $12::numeric[], $13::numeric[], $14::numeric[], $15::numeric[],
                           $16::numeric[], $17::numeric[])
                   as t(owner, magento_id, parent, sku, name, product_type, qty_ordered,
                        qty_invoiced, qty_refunded, qty_canceled, price, original_price,
                        row_total, tax_amount, discount_amount, amount_refunded)
               join orders o on o.channel_id = $1 and o.magento_id = t.owner
               on conflict (order_id, magento_id) do nothing"#,
            channel_id,
            &owner,
            &col!(items, magento_id),
            &col!(items, parent_magento_id) as _,
            &col!(items, sku) as _,
            &col!(items, name) as _,
            &col!(items, product_type) as _,
            &col!(items, qty_ordered) as _,
            &col!(items, qty_invoiced) as _,
            &col!(items, qty_refunded) as _,
            &col!(items, qty_canceled) as _,
            &col!(items, price) as _,
            &col!(items, original_price) as _,
            &col!(items, row_total) as _,
            &col!(items, tax_amount) as _,
            &col!(items, discount_amount) as _,
            &col!(items, amount_refunded) as _,
        )
        .execute(&mut *tx)
        .await?;
    }

    // Addresses.
    let (mut owner, mut addresses) = (Vec::new(), Vec::new());
    for r in records {
        for a in &r.addresses {
            owner.push(r.magento_id);
            addresses.push(a);
        }
    }
    if !addresses.is_empty() {
        sqlx::query!(
            r#"insert into order_addresses (order_id, address_type, first_name, last_name, company,
                   street, city, region, region_code, postcode, country_id, telephone, email)
               select o.id, t.address_type, t.first_name, t.last_name, t.company, t.street, t.city,
                   t.region, t.region_code, t.postcode, t.country_id, t.telephone, t.email
               from unnest($2::int8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                           $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
                           $13::text[], $14::text[])
                   as t(owner, address_type, first_name, last_name, company, street, city, region,
                        region_code, postcode, country_id, telephone, email)
               join orders o on o.channel_id = $1 and o.magento_id = t.owner
               on conflict (order_id, address_type) do nothing"#,
            channel_id,
            &owner,
            &col!(addresses, address_type),
            &col!(addresses, first_name) as _,
            &col!(addresses, last_name) as _,
            &col!(addresses, company) as _,
            &col!(addresses, street) as _,
            &col!(addresses, city) as _,
            &col!(addresses, region) as _,
            &col!(addresses, region_code) as _,
            &col!(addresses, postcode) as _,
            &col!(addresses, country_id) as _,
            &col!(addresses, telephone) as _,
            &col!(addresses, email) as _,
        )
        .execute(&mut *tx)
        .await?;
    }

    // Status history.
    let (mut owner, mut history) = (Vec::new(), Vec::new());
    for r in records {
        for h in &r.history {
            owner.push(r.magento_id);
            history.push(h);
        }
    }
    if !history.is_empty() {
        sqlx::query!(
            r#"insert into order_status_history (order_id, magento_id, status, comment,
                   is_customer_notified, magento_created_at)
               select o.id, t.magento_id, t.status, t.comment, t.notified, t.created_at
               from unnest($2::int8[], $3::int8[], $4::text[], $5::text[], $6::bool[],
                           $7::timestamptz[])
                   as t(owner, magento_id, status, comment, notified, created_at)
               join orders o on o.channel_id = $1 and o.magento_id = t.owner
               on conflict (order_id, magento_id) do nothing"#,
            channel_id,
            &owner,
            &col!(history, magento_id),
            &col!(history, status) as _,
            &col!(history, comment) as _,
            &col!(history, is_customer_notified) as _,
            &col!(history, created_at) as _,
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}
