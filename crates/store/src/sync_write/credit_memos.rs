//! Credit memos (refunds) and their items. Read-only in the CRM; never deleted by sync.

use super::{CreditMemoRecord, UpsertCounts, dedup_by_key};
use crate::Result;
use sqlx::PgConnection;

pub async fn upsert(
    tx: &mut PgConnection,
    channel_id: i64,
    records: &[CreditMemoRecord],
) -> Result<(UpsertCounts, Vec<i64>)> {
    let records = dedup_by_key(records, |r| r.magento_id);
    if records.is_empty() {
        return Ok((UpsertCounts::default(), Vec::new()));
    }
    macro_rules! col {
        ($v:expr, $f:ident) => {
            $v.iter().map(|r| r.$f.clone()).collect::<Vec<_>>()
        };
    }
    let returned = sqlx::query!(
        r#"insert into credit_memos (channel_id, magento_id, increment_id, order_magento_id,
               order_id, store_id, state, subtotal, shipping_amount, adjustment,
               adjustment_positive, adjustment_negative, tax_amount, discount_amount, grand_total,
               order_currency_code, magento_created_at, magento_updated_at, payload_hash)
           select $1, t.magento_id, t.increment_id, t.order_magento_id, o.id, t.store_id, t.state,
               t.subtotal, t.shipping_amount, t.adjustment, t.adjustment_positive,
               t.adjustment_negative, t.tax_amount, t.discount_amount, t.grand_total,
               t.order_currency_code, t.created_at, t.updated_at, t.payload_hash
           from unnest($2::int8[], $3::text[], $4::int8[], $5::int8[], $6::int2[], $7::numeric[],
                       $8::numeric[], $9::numeric[], $10::numeric[], $11::numeric[],
                       $12::numeric[], $13::numeric[], $14::numeric[], $15::text[],
                       $16::timestamptz[], $17::timestamptz[], $18::bytea[])
               as t(magento_id, increment_id, order_magento_id, store_id, state, subtotal,
                    shipping_amount, adjustment, adjustment_positive, adjustment_negative,
                    tax_amount, discount_amount, grand_total, order_currency_code, created_at,
                    updated_at, payload_hash)
           left join orders o on o.channel_id = $1 and o.magento_id = t.order_magento_id
           on conflict (channel_id, magento_id) do update set
               increment_id = excluded.increment_id, order_magento_id = excluded.order_magento_id,
               order_id = excluded.order_id, store_id = excluded.store_id, state = excluded.state,
               subtotal = excluded.subtotal, shipping_amount = excluded.shipping_amount,
               adjustment = excluded.adjustment, adjustment_positive = excluded.adjustment_positive,
               adjustment_negative = excluded.adjustment_negative,
               tax_amount = excluded.tax_amount, discount_amount = excluded.discount_amount,
               grand_total = excluded.grand_total,
               order_currency_code = excluded.order_currency_code,
               magento_created_at = excluded.magento_created_at,
               magento_updated_at = excluded.magento_updated_at,
               payload_hash = excluded.payload_hash, updated_at = now()
           where credit_memos.magento_updated_at is null
              or credit_memos.magento_updated_at < excluded.magento_updated_at
              or (credit_memos.magento_updated_at = excluded.magento_updated_at
                  and credit_memos.payload_hash is distinct from excluded.payload_hash)
           returning id, magento_id, (xmax = 0) as "inserted!""#,
        channel_id,
        &col!(records, magento_id),
        &col!(records, increment_id) as _,
        &col!(records, order_magento_id),
        &col!(records, store_id) as _,
        &col!(records, state) as _,
        &col!(records, subtotal) as _,
        &col!(records, shipping_amount) as _,
        &col!(records, adjustment) as _,
        &col!(records, adjustment_positive) as _,
        &col!(records, adjustment_negative) as _,
        &col!(records, tax_amount) as _,
        &col!(records, discount_amount) as _,
        &col!(records, grand_total) as _,
        &col!(records, order_currency_code) as _,
        &col!(records, created_at) as _,
        &col!(records, updated_at) as _,
        &col!(records, payload_hash),
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
    let changed_magento: std::collections::HashSet<i64> =
        returned.iter().map(|r| r.magento_id).collect();
    // Items of memos that existed before are replaced; new memos have none yet.
    let replaced: Vec<i64> = returned
        .iter()
        .filter(|r| !r.inserted)
        .map(|r| r.id)
        .collect();
    if !replaced.is_empty() {
        sqlx::query!(
            "delete from credit_memo_items where credit_memo_id = any($1)",
            &replaced
        )
        .execute(&mut *tx)
        .await?;
    }
    let (mut owner, mut items) = (Vec::new(), Vec::new());
    for r in records
        .iter()
        .filter(|r| changed_magento.contains(&r.magento_id))
    {
        for i in &r.items {
            owner.push(r.magento_id);
            items.push(i);
        }
    }
    if !items.is_empty() {
        sqlx::query!(
            r#"insert into credit_memo_items (credit_memo_id, magento_id, order_item_magento_id,
                   sku, name, qty, price, row_total, tax_amount, discount_amount)
               select m.id, t.magento_id, t.order_item, t.sku, t.name, t.qty, t.price,
                   t.row_total, t.tax_amount, t.discount_amount
               from unnest($2::int8[], $3::int8[], $4::int8[], $5::text[], $6::text[],
                           $7::numeric[], $8::numeric[], $9::numeric[], $10::numeric[],
                           $11::numeric[])
                   as t(owner, magento_id, order_item, sku, name, qty, price, row_total,
                        tax_amount, discount_amount)
               join credit_memos m on m.channel_id = $1 and m.magento_id = t.owner
               on conflict (credit_memo_id, magento_id) do nothing"#,
            channel_id,
            &owner,
            &col!(items, magento_id),
            &col!(items, order_item_magento_id) as _,
            &col!(items, sku) as _,
            &col!(items, name) as _,
            &col!(items, qty) as _,
            &col!(items, price) as _,
            &col!(items, row_total) as _,
            &col!(items, tax_amount) as _,
            &col!(items, discount_amount) as _,
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok((counts, changed))
}
