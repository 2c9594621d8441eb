//! Newsletter subscribers: from the companion route (every subscriber, guests included), or
//! derived from registered customers' `is_subscribed` flag when the store has no such route.

use super::{SubscriberRecord, UpsertCounts, dedup_by_key};
use crate::Result;
use sqlx::PgConnection;

/// Upserts subscribers read from the companion route and links them to customers.
pub async fn upsert(
    tx: &mut PgConnection,
    channel_id: i64,
    records: &[SubscriberRecord],
) -> Result<(UpsertCounts, Vec<i64>)> {
    let records: Vec<&SubscriberRecord> = dedup_by_key(records, |r| r.magento_id)
        .into_iter()
        .filter(|r| r.magento_id.is_some())
        .collect();
    if records.is_empty() {
        return Ok((UpsertCounts::default(), Vec::new()));
    }
    macro_rules! col {
        ($f:ident) => {
            records.iter().map(|r| r.$f.clone()).collect::<Vec<_>>()
        };
    }
    let magento_id: Vec<i64> = records.iter().filter_map(|r| r.magento_id).collect();
    let returned = sqlx::query!(
        r#"insert into newsletter_subscribers (channel_id, magento_id, source, email,
               customer_magento_id, customer_id, store_id, website_id, status, status_changed_at,
               payload_hash)
           select $1, t.magento_id, 'companion_route', t.email, t.customer_magento_id,
               coalesce(
                   (select c.id from customers c
                    where c.channel_id = $1 and c.magento_id = t.customer_magento_id),
                   (select c.id from customers c
                    where c.channel_id = $1 and t.customer_magento_id is null
                      and c.website_id = coalesce(sv.website_id, 0) and c.email_key = lower(t.email)
                    order by c.is_guest, c.id limit 1)),
               t.store_id, sv.website_id, t.status, t.changed_at, t.payload_hash
           from unnest($2::int8[], $3::text[], $4::int8[], $5::int8[], $6::int2[],
                       $7::timestamptz[], $8::bytea[])
               as t(magento_id, email, customer_magento_id, store_id, status, changed_at,
                    payload_hash)
           left join store_views sv on sv.channel_id = $1 and sv.magento_id = t.store_id
           on conflict (channel_id, magento_id) where magento_id is not null do update set
               email = excluded.email, customer_magento_id = excluded.customer_magento_id,
               customer_id = coalesce(excluded.customer_id, newsletter_subscribers.customer_id),
               store_id = excluded.store_id, website_id = excluded.website_id,
               status = excluded.status, status_changed_at = excluded.status_changed_at,
               removed_at = null, payload_hash = excluded.payload_hash, updated_at = now()
           where newsletter_subscribers.payload_hash is distinct from excluded.payload_hash
              or newsletter_subscribers.removed_at is not null
              or (newsletter_subscribers.customer_id is null and excluded.customer_id is not null)
           returning id, (xmax = 0) as "inserted!""#,
        channel_id,
        &magento_id,
        &col!(email),
        &col!(customer_magento_id) as _,
        &col!(store_id) as _,
        &col!(status),
        &col!(status_changed_at) as _,
        &col!(payload_hash),
    )
    .fetch_all(&mut *tx)
    .await?;
    let returned: Vec<(i64, bool)> = returned.into_iter().map(|r| (r.id, r.inserted)).collect();
    let counts = UpsertCounts::from_returned(records.len(), &returned);
    Ok((counts, returned.into_iter().map(|(id, _)| id).collect()))
}

/// Marks companion-route subscribers absent from a full scan as removed (their customer was
/// deleted, or the row purged). Returns how many were newly marked.
pub async fn mark_removed_except(
    tx: &mut PgConnection,
    channel_id: i64,
    present: &[i64],
) -> Result<u64> {
    let done = sqlx::query!(
        r#"update newsletter_subscribers set removed_at = now(), updated_at = now()
           where channel_id = $1 and source = 'companion_route' and removed_at is null
             and not (magento_id = any($2))"#,
        channel_id,
        present
    )
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected())
}

/// The fallback for stores without the companion route: a subscriber per registered customer
/// whose `is_subscribed` is true (status 1), turned Unsubscribed (3) when the flag goes false.
/// Limited to `customer_ids` (the customers just synced), or the whole channel when `None`.
pub async fn derive_from_customer_flags(
    tx: &mut PgConnection,
    channel_id: i64,
    customer_ids: Option<&[i64]>,
) -> Result<UpsertCounts> {
    let all = customer_ids.is_none();
    let ids = customer_ids.unwrap_or_default();
    let upserted = sqlx::query!(
        r#"insert into newsletter_subscribers (channel_id, source, email, customer_magento_id,
               customer_id, store_id, website_id, status, status_changed_at)
           select c.channel_id, 'customer_flag', c.email, c.magento_id, c.id, c.store_id,
               c.website_id, 1, now()
           from customers c
           where c.channel_id = $1 and not c.is_guest and c.is_subscribed and c.removed_at is null
             and ($2 or c.id = any($3))
           on conflict (channel_id, customer_magento_id) where source = 'customer_flag' do update set
               status = 1, email = excluded.email, customer_id = excluded.customer_id,
               removed_at = null, updated_at = now(),
               status_changed_at = case when newsletter_subscribers.status <> 1 then now()
                                        else newsletter_subscribers.status_changed_at end
           where newsletter_subscribers.status <> 1
              or newsletter_subscribers.email <> excluded.email
              or newsletter_subscribers.removed_at is not null
           returning (xmax = 0) as "inserted!""#,
        channel_id,
        all,
        ids
    )
    .fetch_all(&mut *tx)
    .await?;
    let unsubscribed = sqlx::query!(
        r#"update newsletter_subscribers s set status = 3, status_changed_at = now(), updated_at = now()
           from customers c
           where s.channel_id = $1 and s.source = 'customer_flag' and s.status = 1
             and c.channel_id = $1 and c.magento_id = s.customer_magento_id
             and not coalesce(c.is_subscribed, false)
             and ($2 or c.id = any($3))"#,
        channel_id,
        all,
        ids
    )
    .execute(&mut *tx)
    .await?;
    let created = upserted.iter().filter(|r| r.inserted).count() as u64;
    Ok(UpsertCounts {
        created,
        updated: upserted.len() as u64 - created + unsubscribed.rows_affected(),
        unchanged: 0,
    })
}
