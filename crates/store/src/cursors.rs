//! Where each entity's sync stands (magento-api.md §7.1): the `(updated_at, entity id)` of the
//! last record processed. Saved in the same transaction as the page it covers, so a crash
//! resumes exactly there: nothing lost, nothing applied twice.

use crate::Result;
use chrono::{DateTime, NaiveDateTime, Utc};
use domain::Entity;
use sqlx::{PgConnection, PgPool};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub updated_at: Option<DateTime<Utc>>,
    pub last_id: i64,
    pub initial_done: bool,
    pub last_full_scan_at: Option<DateTime<Utc>>,
}

pub async fn get(pool: &PgPool, channel_id: i64, entity: Entity) -> Result<Option<Cursor>> {
    let row = sqlx::query!(
        r#"select cursor_updated_at, cursor_id, initial_done, last_full_scan_at
           from sync_cursors where channel_id = $1 and entity = $2"#,
        channel_id,
        entity.as_str()
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| Cursor {
        updated_at: r.cursor_updated_at.map(|t: NaiveDateTime| t.and_utc()),
        last_id: r.cursor_id,
        initial_done: r.initial_done,
        last_full_scan_at: r.last_full_scan_at,
    }))
}

/// Saves the cursor after a page, inside that page's transaction.
pub async fn save(
    tx: &mut PgConnection,
    channel_id: i64,
    entity: Entity,
    updated_at: DateTime<Utc>,
    last_id: i64,
) -> Result<()> {
    sqlx::query!(
        r#"insert into sync_cursors (channel_id, entity, cursor_updated_at, cursor_id)
           values ($1, $2, $3, $4)
           on conflict (channel_id, entity) do update set cursor_updated_at = excluded.cursor_updated_at,
               cursor_id = excluded.cursor_id, updated_at = now()"#,
        channel_id,
        entity.as_str(),
        updated_at.naive_utc(),
        last_id
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Records that the entity's history has been read to the end once. A complete initial read is
/// as good as a reconciliation scan, so it also counts as one.
pub async fn mark_initial_done(pool: &PgPool, channel_id: i64, entity: Entity) -> Result<()> {
    sqlx::query!(
        r#"insert into sync_cursors (channel_id, entity, initial_done, last_full_scan_at)
           values ($1, $2, true, now())
           on conflict (channel_id, entity) do update set initial_done = true,
               last_full_scan_at = coalesce(sync_cursors.last_full_scan_at, now()), updated_at = now()"#,
        channel_id,
        entity.as_str()
    )
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn mark_full_scan(pool: &PgPool, channel_id: i64, entity: Entity) -> Result<()> {
    sqlx::query!(
        r#"insert into sync_cursors (channel_id, entity, last_full_scan_at) values ($1, $2, now())
           on conflict (channel_id, entity) do update set last_full_scan_at = now(), updated_at = now()"#,
        channel_id,
        entity.as_str()
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Starts every entity over from the sync start date (a full re-read); data is kept.
pub async fn reset(pool: &PgPool, channel_id: i64) -> Result<()> {
    sqlx::query!(
        r#"update sync_cursors set cursor_updated_at = null, cursor_id = 0, initial_done = false,
               updated_at = now()
           where channel_id = $1"#,
        channel_id
    )
    .execute(pool)
    .await?;
    Ok(())
}
