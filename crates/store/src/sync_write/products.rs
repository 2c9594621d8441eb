//! The catalog: products (with a configurable's options and children) and the labels of the
//! option values. What a cart built in the CRM can hold.

use super::{AttributeOptionsRecord, ProductRecord, UpsertCounts, dedup_by_key};
use crate::Result;
use sqlx::PgConnection;

pub async fn upsert(
    tx: &mut PgConnection,
    channel_id: i64,
    records: &[ProductRecord],
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
    // Postgres arrays of arrays must be rectangular, so website ids and children travel as
    // text ("{1,2}") and are cast back.
    let websites: Vec<String> = records
        .iter()
        .map(|r| int_array_text(&r.website_ids))
        .collect();
    let children: Vec<Option<String>> = records
        .iter()
        .map(|r| r.children.as_deref().map(int_array_text))
        .collect();
    let returned = sqlx::query!(
        r#"insert into products (channel_id, magento_id, sku, name, type_id, status, visibility,
               price, website_ids, options, children, stock_qty, is_in_stock,
               magento_created_at, magento_updated_at, payload_hash, removed_at)
           select $1, t.magento_id, t.sku, t.name, t.type_id, t.status, t.visibility, t.price,
               t.websites::int8[], t.options, t.children::int8[], t.stock_qty, t.is_in_stock,
               t.created_at, t.updated_at, t.payload_hash, null
           from unnest($2::int8[], $3::text[], $4::text[], $5::text[], $6::int2[], $7::int2[],
                       $8::numeric[], $9::text[], $10::jsonb[], $11::text[], $12::numeric[],
                       $13::bool[], $14::timestamptz[], $15::timestamptz[], $16::bytea[])
               as t(magento_id, sku, name, type_id, status, visibility, price, websites,
                    options, children, stock_qty, is_in_stock, created_at, updated_at,
                    payload_hash)
           on conflict (channel_id, magento_id) do update set
               sku = excluded.sku, name = excluded.name, type_id = excluded.type_id,
               status = excluded.status, visibility = excluded.visibility,
               price = excluded.price, website_ids = excluded.website_ids,
               options = excluded.options, children = excluded.children,
               stock_qty = excluded.stock_qty, is_in_stock = excluded.is_in_stock,
               magento_created_at = excluded.magento_created_at,
               magento_updated_at = excluded.magento_updated_at,
               payload_hash = excluded.payload_hash, removed_at = null, updated_at = now()
           where products.magento_updated_at is null
              or products.removed_at is not null
              or products.magento_updated_at < excluded.magento_updated_at
              or (products.magento_updated_at = excluded.magento_updated_at
                  and products.payload_hash is distinct from excluded.payload_hash)
           returning id, (xmax = 0) as "inserted!""#,
        channel_id,
        &col!(records, magento_id),
        &col!(records, sku),
        &col!(records, name) as _,
        &col!(records, type_id) as _,
        &col!(records, status) as _,
        &col!(records, visibility) as _,
        &col!(records, price) as _,
        &websites,
        &col!(records, options) as _,
        &children as _,
        &col!(records, stock_qty) as _,
        &col!(records, is_in_stock) as _,
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
    Ok((counts, returned.iter().map(|r| r.id).collect()))
}

fn int_array_text(ids: &[i64]) -> String {
    let inner: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("{{{}}}", inner.join(","))
}

/// The attribute ids the channel's configurable products name whose labels are not stored yet
/// (or all of them, when `all`).
pub async fn attributes_to_label(
    tx: &mut PgConnection,
    channel_id: i64,
    all: bool,
) -> Result<Vec<i64>> {
    let ids = sqlx::query_scalar!(
        r#"select distinct (o->>'attribute_id')::int8 as "id!"
           from products p, jsonb_array_elements(p.options) o
           where p.channel_id = $1 and p.options is not null
             and jsonb_typeof(p.options) = 'array'
             and (o->>'attribute_id') ~ '^[0-9]+$'
             and ($2 or not exists (select 1 from product_attribute_options a
                                    where a.channel_id = $1
                                      and a.attribute_id = (o->>'attribute_id')::int8))
           order by 1"#,
        channel_id,
        all
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(ids)
}

/// Stores (replaces) the labels of these attributes' values.
pub async fn save_attribute_options(
    tx: &mut PgConnection,
    channel_id: i64,
    records: &[AttributeOptionsRecord],
) -> Result<()> {
    for r in records {
        sqlx::query!(
            r#"insert into product_attribute_options (channel_id, attribute_id, attribute_code,
                   label, options)
               values ($1, $2, $3, $4, $5)
               on conflict (channel_id, attribute_id) do update set
                   attribute_code = excluded.attribute_code, label = excluded.label,
                   options = excluded.options, updated_at = now()"#,
            channel_id,
            r.attribute_id,
            r.code,
            r.label,
            r.options
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Marks products the store no longer has (a reconciliation's full id scan found none of
/// these). Returns how many were marked.
pub async fn mark_removed_except(
    tx: &mut PgConnection,
    channel_id: i64,
    present: &[i64],
) -> Result<u64> {
    let done = sqlx::query!(
        "update products set removed_at = now(), updated_at = now()
         where channel_id = $1 and removed_at is null and not (magento_id = any($2))",
        channel_id,
        present
    )
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected())
}
