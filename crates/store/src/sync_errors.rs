//! The sync error log: every record that could not be fetched or mapped, with its payload, so
//! nothing is skipped silently and each can be retried.

use crate::Result;
use chrono::{DateTime, Utc};
use domain::Entity;
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};

#[derive(Clone, Debug)]
pub struct NewSyncError<'a> {
    pub entity: Entity,
    pub magento_id: Option<String>,
    pub field_path: Option<String>,
    pub message: String,
    pub payload: Option<&'a serde_json::Value>,
}

/// Records failures (one row per record; a repeat failure of an open one counts an attempt).
pub async fn record(
    tx: &mut PgConnection,
    channel_id: i64,
    job_id: Option<i64>,
    errors: &[NewSyncError<'_>],
) -> Result<()> {
    for e in errors {
        let failure = Failure {
            kind: e.entity.as_str(),
            magento_id: e.magento_id.as_deref(),
            field_path: e.field_path.as_deref(),
            message: &e.message,
            payload: e.payload,
        };
        insert(tx, channel_id, job_id, &failure).await?;
    }
    Ok(())
}

/// A row of a list that is not a synced entity (websites, store views, countries…, see
/// `sync_write::dictionaries::List`) that could not be stored: `list` names it in the log.
#[derive(Clone, Debug)]
pub struct ListFailure<'a> {
    pub list: &'a str,
    pub key: String,
    pub message: String,
    pub payload: Option<&'a serde_json::Value>,
}

/// Records failures of such lists, like [`record`].
pub async fn record_list(
    tx: &mut PgConnection,
    channel_id: i64,
    job_id: Option<i64>,
    failures: &[ListFailure<'_>],
) -> Result<()> {
    for f in failures {
        let failure = Failure {
            kind: f.list,
            magento_id: Some(&f.key),
            field_path: None,
            message: &f.message,
            payload: f.payload,
        };
        insert(tx, channel_id, job_id, &failure).await?;
    }
    Ok(())
}

struct Failure<'a> {
    /// The entity's or the list's name.
    kind: &'a str,
    magento_id: Option<&'a str>,
    field_path: Option<&'a str>,
    message: &'a str,
    payload: Option<&'a serde_json::Value>,
}

async fn insert(
    tx: &mut PgConnection,
    channel_id: i64,
    job_id: Option<i64>,
    f: &Failure<'_>,
) -> Result<()> {
    sqlx::query!(
        r#"insert into sync_errors (channel_id, job_id, entity, magento_id, field_path, message, payload)
           values ($1, $2, $3, $4, $5, $6, $7)
           on conflict (channel_id, entity, magento_id) where status = 'open' and magento_id is not null
           do update set job_id = excluded.job_id, field_path = excluded.field_path,
               message = excluded.message, payload = excluded.payload,
               attempts = sync_errors.attempts + 1, updated_at = now()"#,
        channel_id,
        job_id,
        f.kind,
        f.magento_id,
        f.field_path,
        f.message,
        f.payload,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Closes open errors of records that have now synced.
pub async fn resolve(
    tx: &mut PgConnection,
    channel_id: i64,
    entity: Entity,
    magento_ids: &[String],
) -> Result<u64> {
    resolve_list(tx, channel_id, entity.as_str(), magento_ids).await
}

/// Closes open errors of a list's rows (see [`ListFailure`]) that are now stored.
pub async fn resolve_list(
    tx: &mut PgConnection,
    channel_id: i64,
    list: &str,
    keys: &[String],
) -> Result<u64> {
    if keys.is_empty() {
        return Ok(0);
    }
    let done = sqlx::query!(
        r#"update sync_errors set status = 'resolved', resolved_at = now(), updated_at = now()
           where channel_id = $1 and entity = $2 and status = 'open' and magento_id = any($3)"#,
        channel_id,
        list,
        keys
    )
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected())
}

/// One entry of the error log, as the channel page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SyncErrorEntry {
    pub id: i64,
    pub job_id: Option<i64>,
    pub entity: String,
    pub magento_id: Option<String>,
    pub field_path: Option<String>,
    pub message: String,
    pub payload: Option<serde_json::Value>,
    pub status: String,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn list(
    pool: &PgPool,
    channel_id: i64,
    entity: Option<Entity>,
    open_only: bool,
    limit: i64,
    offset: i64,
) -> Result<(Vec<SyncErrorEntry>, i64)> {
    let entity = entity.map(|e| e.as_str());
    let rows = sqlx::query_as!(
        SyncErrorEntry,
        r#"select id, job_id, entity, magento_id, field_path, message, payload, status, attempts,
               created_at, updated_at
           from sync_errors
           where channel_id = $1 and ($2::text is null or entity = $2)
             and (not $3 or status = 'open')
           order by id desc limit $4 offset $5"#,
        channel_id,
        entity,
        open_only,
        limit,
        offset
    )
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar!(
        r#"select count(*) as "n!" from sync_errors
           where channel_id = $1 and ($2::text is null or entity = $2) and (not $3 or status = 'open')"#,
        channel_id,
        entity,
        open_only
    )
    .fetch_one(pool)
    .await?;
    Ok((rows, total))
}

/// Open errors per entity, for the channel list.
pub async fn open_counts(pool: &PgPool) -> Result<Vec<(i64, i64)>> {
    let rows = sqlx::query!(
        r#"select channel_id, count(*) as "n!" from sync_errors where status = 'open' group by channel_id"#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.channel_id, r.n)).collect())
}

/// The Magento ids of open errors to retry (all, or the ones listed), grouped by entity.
pub async fn open_for_retry(
    pool: &PgPool,
    channel_id: i64,
    only: Option<&[i64]>,
) -> Result<Vec<(Entity, String)>> {
    let rows = sqlx::query!(
        r#"select entity, magento_id as "magento_id!" from sync_errors
           where channel_id = $1 and status = 'open' and magento_id is not null
             and ($2::int8[] is null or id = any($2))
           order by entity, id"#,
        channel_id,
        only
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| r.entity.parse().ok().map(|e| (e, r.magento_id)))
        .collect())
}
