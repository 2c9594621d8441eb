//! Shopping carts (quotes) and their items.

use super::{CartRecord, UpsertCounts, dedup_by_key, links};
use crate::Result;
use sqlx::PgConnection;

/// Upserts a page of carts. A cart whose order is already stored is written Purchased; sticky
/// statuses (Purchased, Lost, Converted) survive; items missing from an active cart's payload
/// are kept and flagged removed. Returns counts and changed ids.
pub async fn upsert(
    tx: &mut PgConnection,
    channel_id: i64,
    records: &[CartRecord],
) -> Result<(UpsertCounts, Vec<i64>)> {
    let threshold_secs: i32 = sqlx::query_scalar!(
        "select abandon_threshold_secs from channels where id = $1",
        channel_id
    )
    .fetch_one(&mut *tx)
    .await?;
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
    let customer_magento_id = col!(customer_magento_id);
    let is_guest = col!(is_guest);
    let email = col!(email);
    let first_name = col!(first_name);
    let last_name = col!(last_name);
    let store_id = col!(store_id);
    let is_active = col!(is_active);
    let is_virtual = col!(is_virtual);
    let items_count = col!(items_count);
    let items_qty = col!(items_qty);
    let subtotal = col!(subtotal);
    let grand_total = col!(grand_total);
    let totals_from_store = col!(totals_from_store);
    let base_currency_code = col!(base_currency_code);
    let quote_currency_code = col!(quote_currency_code);
    let reserved_order_id = col!(reserved_order_id);
    let billing_country = col!(billing_country);
    let has_billing_address = col!(has_billing_address);
    let created_at = col!(created_at);
    let updated_at = col!(updated_at);
    let converted_at = col!(converted_at);
    let status: Vec<String> = records
        .iter()
        .map(|r| r.status.as_str().to_string())
        .collect();
    let payload_hash = col!(payload_hash);

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
    // The customer is resolved in the insert (see `links::make_guest_customers`).
    let returned = sqlx::query!(
        r#"insert into carts (channel_id, magento_id, customer_magento_id, is_guest, email,
               first_name, last_name, store_id, website_id, is_active, is_virtual, items_count,
               items_qty, subtotal, grand_total, totals_from_store, base_currency_code,
               quote_currency_code, reserved_order_id, billing_country, has_billing_address,
               magento_created_at, magento_updated_at, converted_at, status, payload_hash,
               abandon_at, customer_id, order_id)
           select $1, t.magento_id, t.customer_magento_id, t.is_guest, t.email, t.first_name,
               t.last_name, t.store_id, sv.website_id, t.is_active, t.is_virtual, t.items_count,
               t.items_qty, t.subtotal, t.grand_total, t.totals_from_store, t.base_currency_code,
               t.quote_currency_code, t.reserved_order_id, t.billing_country,
               t.has_billing_address, t.created_at, t.updated_at, t.converted_at,
               case when ord.id is not null then 'purchased' else t.status end, t.payload_hash,
               case when t.items_count > 0 and coalesce(trim(t.email), '') <> ''
                    then t.updated_at + make_interval(secs => $26) end,
               coalesce(reg.id, by_email.id), ord.id
           from unnest($2::int8[], $3::int8[], $4::bool[], $5::text[], $6::text[], $7::text[],
                       $8::int8[], $9::bool[], $10::bool[], $11::int4[], $12::numeric[],
                       $13::numeric[], $14::numeric[], $15::bool[], $16::text[], $17::text[],
                       $18::text[], $19::text[], $20::bool[], $21::timestamptz[],
                       $22::timestamptz[], $23::timestamptz[], $24::text[], $25::bytea[])
               as t(magento_id, customer_magento_id, is_guest, email, first_name, last_name,
                    store_id, is_active, is_virtual, items_count, items_qty, subtotal,
                    grand_total, totals_from_store, base_currency_code, quote_currency_code,
                    reserved_order_id, billing_country, has_billing_address, created_at,
                    updated_at, converted_at, status, payload_hash)
           left join store_views sv on sv.channel_id = $1 and sv.magento_id = t.store_id
           left join customers reg on reg.channel_id = $1 and reg.magento_id = t.customer_magento_id
           left join lateral (
               select c.id from customers c
               where reg.id is null and coalesce(t.email, '') <> '' and c.channel_id = $1
                 and c.website_id = coalesce(sv.website_id, 0) and c.email_key = lower(t.email)
               order by c.is_guest, c.id limit 1) by_email on true
           -- A cart whose order is already here is Purchased from its first write.
           left join lateral (
               select o.id from orders o
               where o.channel_id = $1 and o.quote_magento_id = t.magento_id
               order by o.magento_created_at desc nulls last, o.id desc limit 1) ord on true
           on conflict (channel_id, magento_id) do update set
               customer_id = coalesce(excluded.customer_id, carts.customer_id),
               customer_magento_id = excluded.customer_magento_id, is_guest = excluded.is_guest,
               email = excluded.email, first_name = excluded.first_name,
               last_name = excluded.last_name, store_id = excluded.store_id,
               website_id = excluded.website_id, is_active = excluded.is_active,
               is_virtual = excluded.is_virtual, items_count = excluded.items_count,
               items_qty = excluded.items_qty,
               -- An inactive cart comes without items: keep the totals captured while active.
               subtotal = coalesce(excluded.subtotal, carts.subtotal),
               grand_total = coalesce(excluded.grand_total, carts.grand_total),
               totals_from_store = excluded.totals_from_store or (excluded.grand_total is null and carts.totals_from_store),
               base_currency_code = excluded.base_currency_code,
               quote_currency_code = excluded.quote_currency_code,
               reserved_order_id = excluded.reserved_order_id,
               billing_country = coalesce(excluded.billing_country, carts.billing_country),
               has_billing_address = excluded.has_billing_address or carts.has_billing_address,
               magento_created_at = excluded.magento_created_at,
               magento_updated_at = excluded.magento_updated_at,
               converted_at = excluded.converted_at,
               -- An order makes a cart Purchased; otherwise sticky statuses stay.
               status = case
                   when excluded.status = 'purchased' then 'purchased'
                   when carts.status in ('purchased', 'lost', 'converted_to_opportunity')
                       then carts.status
                   else excluded.status end,
               status_changed_at = case
                   when carts.status = case
                       when excluded.status = 'purchased' then 'purchased'
                       when carts.status in ('purchased', 'lost', 'converted_to_opportunity')
                           then carts.status
                       else excluded.status end
                   then carts.status_changed_at
                   else now() end,
               order_id = coalesce(excluded.order_id, carts.order_id),
               left_store_at = null, abandon_at = excluded.abandon_at,
               payload_hash = excluded.payload_hash, updated_at = now()
           where carts.left_store_at is not null
              or carts.magento_updated_at is null
              or carts.magento_updated_at < excluded.magento_updated_at
              or (carts.magento_updated_at = excluded.magento_updated_at
                  and carts.payload_hash is distinct from excluded.payload_hash)
           returning id, magento_id, (xmax = 0) as "inserted!""#,
        channel_id,
        &magento_id,
        &customer_magento_id as _,
        &is_guest,
        &email as _,
        &first_name as _,
        &last_name as _,
        &store_id as _,
        &is_active,
        &is_virtual as _,
        &items_count,
        &items_qty,
        &subtotal as _,
        &grand_total as _,
        &totals_from_store,
        &base_currency_code as _,
        &quote_currency_code as _,
        &reserved_order_id as _,
        &billing_country as _,
        &has_billing_address,
        &created_at as _,
        &updated_at as _,
        &converted_at as _,
        &status,
        &payload_hash,
        threshold_secs as f64,
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
    let changed: Vec<i64> = returned.iter().map(|r| r.id).collect();
    if changed.is_empty() {
        return Ok((counts, changed));
    }
    let changed_magento: std::collections::HashMap<i64, bool> = returned
        .iter()
        .map(|r| (r.magento_id, r.inserted))
        .collect();
    let with_items: Vec<&CartRecord> = records
        .iter()
        .copied()
        .filter(|r| r.items.is_some() && changed_magento.contains_key(&r.magento_id))
        .collect();
    // Only carts stored before can have items that are gone from the store.
    let stored_before: Vec<i64> = with_items
        .iter()
        .map(|r| r.magento_id)
        .filter(|m| changed_magento.get(m) == Some(&false))
        .collect();
    upsert_items(tx, channel_id, &with_items, &stored_before).await?;
    Ok((counts, changed))
}

/// Upserts the items of carts that sent them and flags as removed the items no longer there of
/// `stored_before` (the carts among them that were not just inserted).
async fn upsert_items(
    tx: &mut PgConnection,
    channel_id: i64,
    carts: &[&CartRecord],
    stored_before: &[i64],
) -> Result<()> {
    if carts.is_empty() {
        return Ok(());
    }
    let mut owner = Vec::new();
    let mut items = Vec::new();
    for c in carts {
        for item in c.items.as_deref().unwrap_or_default() {
            owner.push(c.magento_id);
            items.push(item);
        }
    }
    macro_rules! col {
        ($f:ident) => {
            items.iter().map(|r| r.$f.clone()).collect::<Vec<_>>()
        };
    }
    let magento_id = col!(magento_id);
    let sku = col!(sku);
    let name = col!(name);
    let product_type = col!(product_type);
    let qty = col!(qty);
    let price = col!(price);
    let row_total = col!(row_total);
    sqlx::query!(
        r#"insert into cart_items (cart_id, magento_id, sku, name, product_type, qty, price, row_total)
           select c.id, t.magento_id, t.sku, t.name, t.product_type, t.qty, t.price, t.row_total
           from unnest($2::int8[], $3::int8[], $4::text[], $5::text[], $6::text[], $7::numeric[],
                       $8::numeric[], $9::numeric[])
               as t(owner, magento_id, sku, name, product_type, qty, price, row_total)
           join carts c on c.channel_id = $1 and c.magento_id = t.owner
           on conflict (cart_id, magento_id) do update set
               sku = excluded.sku, name = excluded.name, product_type = excluded.product_type,
               qty = excluded.qty, price = excluded.price, row_total = excluded.row_total,
               removed_at = null, updated_at = now()
           where (cart_items.sku, cart_items.name, cart_items.product_type, cart_items.qty,
                  cart_items.price, cart_items.row_total, cart_items.removed_at)
                 is distinct from (excluded.sku, excluded.name, excluded.product_type,
                                   excluded.qty, excluded.price, excluded.row_total, null)"#,
        channel_id,
        &owner,
        &magento_id,
        &sku as _,
        &name as _,
        &product_type as _,
        &qty as _,
        &price as _,
        &row_total as _,
    )
    .execute(&mut *tx)
    .await?;
    if stored_before.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        r#"update cart_items i set removed_at = now(), updated_at = now()
           from carts c
           where i.cart_id = c.id and c.channel_id = $1 and c.magento_id = any($2)
             and i.removed_at is null
             and not exists (select 1 from unnest($3::int8[], $4::int8[]) as p(owner, item)
                             where p.owner = c.magento_id and p.item = i.magento_id)"#,
        channel_id,
        stored_before,
        &owner,
        &magento_id,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Carts whose last update is older than the channel's cart lifetime expire (unless sticky).
/// Run after each sync: time alone changes this status.
pub async fn expire_by_lifetime(
    tx: &mut PgConnection,
    channel_id: i64,
    lifetime_days: i32,
) -> Result<u64> {
    let done = sqlx::query!(
        r#"update carts set status = 'expired', status_changed_at = now(), updated_at = now()
           where channel_id = $1 and status = 'open'
             and magento_updated_at < now() - make_interval(days => $2)"#,
        channel_id,
        lifetime_days
    )
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected())
}

/// Carts that left the store (absent from a full id scan) expire, unless sticky.
pub async fn mark_left_store_except(
    tx: &mut PgConnection,
    channel_id: i64,
    present: &[i64],
) -> Result<u64> {
    let done = sqlx::query!(
        r#"update carts set left_store_at = now(), updated_at = now(),
               status = case when status = 'open' then 'expired' else status end,
               status_changed_at = case when status = 'open' then now() else status_changed_at end
           where channel_id = $1 and left_store_at is null and not (magento_id = any($2))"#,
        channel_id,
        present
    )
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected())
}

/// Recomputes when open carts count as abandoned after the channel's threshold changed.
pub async fn recompute_abandon_at(db: impl sqlx::PgExecutor<'_>, channel_id: i64) -> Result<u64> {
    let done = sqlx::query!(
        r#"update carts c set abandon_at = case
               when c.items_count > 0 and coalesce(trim(c.email), '') <> ''
               then c.magento_updated_at + make_interval(secs => ch.abandon_threshold_secs) end
           from channels ch
           where ch.id = $1 and c.channel_id = ch.id
             and c.abandon_at is distinct from case
               when c.items_count > 0 and coalesce(trim(c.email), '') <> ''
               then c.magento_updated_at + make_interval(secs => ch.abandon_threshold_secs) end"#,
        channel_id
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}
