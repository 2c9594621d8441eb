//! Channels: connected stores. Credentials are encrypted here, each bound to its channel's id,
//! and decrypted only for the sync engine; summaries never carry them. Stored credentials are
//! only ever used against the origin (scheme, host, port) they were entered for: an edit that
//! moves the channel to another origin must carry them again.

use crate::error::OnConstraint;
use crate::secrets::{Cipher, Format};
use crate::{Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use domain::channel::{AuthKind, ChannelStatus, SubscriberSource, SyncPriority};
use domain::{ChannelSettings, ChannelSummary, Credentials, Entity};
use sqlx::{PgExecutor, PgPool};

/// A channel with its decrypted credentials, for the sync engine only.
#[derive(Debug, Clone)]
pub struct ChannelForSync {
    pub summary: ChannelSummary,
    pub credentials: Credentials,
}

struct ChannelRow {
    id: i64,
    name: String,
    store_url: String,
    auth_kind: String,
    verify_tls: bool,
    website_ids: Option<Vec<i64>>,
    sync_start_date: Option<NaiveDate>,
    sync_interval_secs: i32,
    page_size: i32,
    abandon_threshold_secs: i32,
    cart_lifetime_days: i32,
    entities: Vec<String>,
    two_way: bool,
    sync_priority: String,
    field_owners: serde_json::Value,
    is_active: bool,
    status: String,
    status_message: Option<String>,
    subscriber_source: Option<String>,
    last_sync_started_at: Option<DateTime<Utc>>,
    last_success_at: Option<DateTime<Utc>>,
    next_sync_at: Option<DateTime<Utc>>,
    is_demo: bool,
    created_at: DateTime<Utc>,
}

impl ChannelRow {
    fn into_summary(self) -> ChannelSummary {
        ChannelSummary {
            id: self.id,
            settings: ChannelSettings {
                name: self.name,
                store_url: self.store_url,
                verify_tls: self.verify_tls,
                website_ids: self.website_ids,
                sync_start_date: self.sync_start_date,
                sync_interval_secs: self.sync_interval_secs,
                page_size: self.page_size,
                abandon_threshold_secs: self.abandon_threshold_secs,
                cart_lifetime_days: self.cart_lifetime_days,
                entities: self
                    .entities
                    .iter()
                    .filter_map(|e| e.parse::<Entity>().ok())
                    .collect(),
                two_way: self.two_way,
                sync_priority: SyncPriority::parse(&self.sync_priority).unwrap_or_default(),
                // Written by this program; an unreadable list counts as no owners.
                field_owners: serde_json::from_value(self.field_owners).unwrap_or_default(),
            },
            auth_kind: AuthKind::parse(&self.auth_kind).unwrap_or(AuthKind::Bearer),
            is_active: self.is_active,
            status: ChannelStatus::parse(&self.status).unwrap_or(ChannelStatus::Idle),
            status_message: self.status_message,
            subscriber_source: self
                .subscriber_source
                .as_deref()
                .and_then(SubscriberSource::parse),
            last_sync_started_at: self.last_sync_started_at,
            last_success_at: self.last_success_at,
            next_sync_at: self.next_sync_at,
            is_demo: self.is_demo,
            created_at: self.created_at,
        }
    }
}

const NAME_TAKEN: &str = "A channel with this name already exists.";

fn entity_names(settings: &ChannelSettings) -> Vec<String> {
    settings
        .entities
        .iter()
        .map(|e| e.as_str().to_string())
        .collect()
}

/// What a channel's credentials are bound to (AES-GCM associated data): its id, so a ciphertext
/// copied onto another channel's row does not decrypt.
pub(crate) fn context(id: i64) -> Vec<u8> {
    format!("channels.credentials:{id}").into_bytes()
}

fn seal(cipher: &Cipher, id: i64, credentials: &Credentials) -> Result<Vec<u8>> {
    let json = serde_json::to_vec(credentials).map_err(|e| Error::Credential(e.to_string()))?;
    cipher.encrypt(&json, &context(id))
}

fn unseal(cipher: &Cipher, id: i64, sealed: &[u8]) -> Result<Credentials> {
    let opened = cipher.decrypt(sealed, &context(id))?;
    serde_json::from_slice(&opened.plaintext).map_err(|e| Error::Credential(e.to_string()))
}

/// Seals a value read in the legacy format again, bound to its channel, unless it changed
/// meanwhile. Returns whether it was legacy.
pub(crate) async fn reseal_if_legacy<'e>(
    db: impl PgExecutor<'e>,
    cipher: &Cipher,
    id: i64,
    sealed: &[u8],
) -> Result<bool> {
    let opened = cipher.decrypt(sealed, &context(id))?;
    if opened.format != Format::Legacy {
        return Ok(false);
    }
    let resealed = cipher.encrypt(&opened.plaintext, &context(id))?;
    sqlx::query!(
        "update channels set credentials = $2 where id = $1 and credentials = $3",
        id,
        resealed,
        sealed
    )
    .execute(db)
    .await?;
    Ok(true)
}

/// Why blank secrets are refused when the store's certificate stops being checked (field
/// `credentials`): without the check, anyone on the way can pose as the store and read them.
pub const TLS_CHECK_OFF: &str = "The store's certificate will no longer be checked: enter the credentials again. Stored credentials are only sent without that check when they were entered for it.";

/// Why blank secrets are refused for an address on another origin (field `credentials`).
pub const HOST_CHANGED: &str = "The store's address is on another host, port or scheme than before: enter the credentials again. Stored credentials are only sent to the store they were entered for.";
const CREDENTIALS_LOST: &str = "This channel's credentials were discarded when the secret key that encrypted them was lost: enter them again.";

pub use domain::origin::{certificate_check_dropped, same_origin, store_origin};

/// Creates a channel; its first sync is due at once.
pub async fn create(
    pool: &PgPool,
    cipher: &Cipher,
    settings: &ChannelSettings,
    credentials: &Credentials,
    is_demo: bool,
) -> Result<i64> {
    let mut settings = settings.clone();
    settings.validate().map_err(app_to_store)?;
    credentials.validate().map_err(app_to_store)?;
    let mut tx = pool.begin().await?;
    crate::key_check::guard_write(&mut tx, cipher).await?;
    // The id first: the credentials are sealed for it.
    let id =
        sqlx::query_scalar!(r#"select nextval(pg_get_serial_sequence('channels', 'id')) as "id!""#)
            .fetch_one(&mut *tx)
            .await?;
    let sealed = seal(cipher, id, credentials)?;
    sqlx::query!(
        r#"insert into channels (id, name, store_url, auth_kind, credentials, verify_tls,
               website_ids, sync_start_date, sync_interval_secs, page_size,
               abandon_threshold_secs, cart_lifetime_days, entities, two_way, sync_priority,
               is_demo, field_owners, next_sync_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                   now())"#,
        id,
        settings.name,
        settings.store_url,
        credentials.kind().as_str(),
        sealed,
        settings.verify_tls,
        settings.website_ids.as_deref(),
        settings.sync_start_date,
        settings.sync_interval_secs,
        settings.page_size,
        settings.abandon_threshold_secs,
        settings.cart_lifetime_days,
        &entity_names(&settings),
        settings.two_way,
        settings.sync_priority.as_str(),
        is_demo,
        owners_json(&settings),
    )
    .execute(&mut *tx)
    .await
    .on_constraint("channels_name_key", NAME_TAKEN)?;
    tx.commit().await?;
    Ok(id)
}

/// Updates settings. Credentials are replaced only when given; `None` keeps the stored ones,
/// which is refused when the store's origin changes (they would be sent to another host), when
/// the certificate check is turned off (they would go to whoever answers), or when none are
/// stored (discarded with a lost key).
pub async fn update(
    pool: &PgPool,
    cipher: &Cipher,
    id: i64,
    settings: &ChannelSettings,
    credentials: Option<&Credentials>,
) -> Result<()> {
    let mut settings = settings.clone();
    settings.validate().map_err(app_to_store)?;
    if let Some(c) = credentials {
        c.validate().map_err(app_to_store)?;
    }
    let mut tx = pool.begin().await?;
    let stored = sqlx::query!(
        r#"select store_url, verify_tls, credentials is not null as "has_credentials!"
           from channels where id = $1 for update"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(Error::NotFound)?;
    let sealed = match credentials {
        Some(c) => {
            crate::key_check::guard_write(&mut tx, cipher).await?;
            Some((c.kind().as_str(), seal(cipher, id, c)?))
        }
        None if !stored.has_credentials => {
            return Err(Error::invalid("credentials", CREDENTIALS_LOST));
        }
        None if !same_origin(&settings.store_url, &stored.store_url) => {
            return Err(Error::invalid("credentials", HOST_CHANGED));
        }
        None if certificate_check_dropped(
            stored.verify_tls,
            settings.verify_tls,
            &settings.store_url,
        ) =>
        {
            return Err(Error::invalid("credentials", TLS_CHECK_OFF));
        }
        None => None,
    };
    sqlx::query!(
        r#"update channels set name = $2, store_url = $3, verify_tls = $4, website_ids = $5,
               sync_start_date = $6, sync_interval_secs = $7, page_size = $8,
               abandon_threshold_secs = $9, cart_lifetime_days = $10, entities = $11,
               two_way = $12, sync_priority = $13, field_owners = $16,
               auth_kind = coalesce($14, auth_kind), credentials = coalesce($15, credentials),
               updated_at = now()
           where id = $1"#,
        id,
        settings.name,
        settings.store_url,
        settings.verify_tls,
        settings.website_ids.as_deref(),
        settings.sync_start_date,
        settings.sync_interval_secs,
        settings.page_size,
        settings.abandon_threshold_secs,
        settings.cart_lifetime_days,
        &entity_names(&settings),
        settings.two_way,
        settings.sync_priority.as_str(),
        sealed.as_ref().map(|(k, _)| *k),
        sealed.as_ref().map(|(_, v)| v.as_slice()),
        owners_json(&settings),
    )
    .execute(&mut *tx)
    .await
    .on_constraint("channels_name_key", NAME_TAKEN)?;
    tx.commit().await?;
    // A new abandonment threshold changes which carts count as abandoned.
    crate::sync_write::carts::recompute_abandon_at(pool, id).await?;
    Ok(())
}

fn owners_json(settings: &ChannelSettings) -> serde_json::Value {
    serde_json::to_value(&settings.field_owners).unwrap_or_else(|_| serde_json::json!([]))
}

fn app_to_store(e: domain::AppError) -> Error {
    match e {
        domain::AppError::Invalid { field, message } => Error::Invalid { field, message },
        other => Error::invalid("channel", other.to_string()),
    }
}

macro_rules! select_channels {
    ($where:literal $(, $arg:expr)*) => {
        sqlx::query_as!(
            ChannelRow,
            r#"select id, name, store_url, auth_kind, verify_tls, website_ids, sync_start_date,
                   sync_interval_secs, page_size, abandon_threshold_secs, cart_lifetime_days,
                   entities, two_way, sync_priority, field_owners, is_active, status,
                   status_message,
                   subscriber_source, last_sync_started_at, last_success_at, next_sync_at,
                   is_demo, created_at
               from channels "# + $where,
            $($arg),*
        )
    };
}

pub async fn list(pool: &PgPool) -> Result<Vec<ChannelSummary>> {
    let rows = select_channels!("order by lower(name), id")
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(ChannelRow::into_summary).collect())
}

pub async fn get(pool: &PgPool, id: i64) -> Result<ChannelSummary> {
    select_channels!("where id = $1", id)
        .fetch_optional(pool)
        .await?
        .map(ChannelRow::into_summary)
        .ok_or(Error::NotFound)
}

pub async fn find_by_name(pool: &PgPool, name: &str) -> Result<Option<ChannelSummary>> {
    let row = select_channels!("where lower(name) = lower($1)", name.trim())
        .fetch_optional(pool)
        .await?;
    Ok(row.map(ChannelRow::into_summary))
}

/// The channel with its credentials decrypted, for the sync engine.
/// A digest of what a channel's store client is built from (its address, TLS check,
/// credentials and cart lifetime): a cached client stays good while this stays the same. One
/// small query, where loading and decrypting the channel costs several milliseconds.
pub async fn client_version(pool: &PgPool, id: i64) -> Result<String> {
    sqlx::query_scalar!(
        r#"select md5(row(store_url, verify_tls, credentials, cart_lifetime_days)::text) as "v!"
           from channels where id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(Error::NotFound)
}

pub async fn for_sync(pool: &PgPool, cipher: &Cipher, id: i64) -> Result<ChannelForSync> {
    let summary = get(pool, id).await?;
    let sealed = sqlx::query_scalar!("select credentials from channels where id = $1", id)
        .fetch_one(pool)
        .await?
        .ok_or_else(|| Error::invalid("credentials", CREDENTIALS_LOST))?;
    let credentials = unseal(cipher, id, &sealed)?;
    Ok(ChannelForSync {
        summary,
        credentials,
    })
}

pub async fn set_active(pool: &PgPool, id: i64, active: bool) -> Result<()> {
    let done = sqlx::query!(
        r#"update channels set is_active = $2, updated_at = now(),
               next_sync_at = case when $2 then now() else null end,
               status = case when $2 and status = 'access_rejected' then 'idle' else status end
           where id = $1"#,
        id,
        active
    )
    .execute(pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

pub async fn set_status<'e>(
    db: impl PgExecutor<'e>,
    id: i64,
    status: ChannelStatus,
    message: Option<&str>,
) -> Result<()> {
    sqlx::query!(
        "update channels set status = $2, status_message = $3, updated_at = now() where id = $1",
        id,
        status.as_str(),
        message
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_subscriber_source(pool: &PgPool, id: i64, source: SubscriberSource) -> Result<()> {
    sqlx::query!(
        "update channels set subscriber_source = $2, updated_at = now() where id = $1",
        id,
        source.as_str()
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Deletes a channel and every record synced from it. CRM accounts stay (they may hold other
/// stores' customers); their totals are recomputed.
pub async fn delete(pool: &PgPool, id: i64) -> Result<()> {
    let mut tx = pool.begin().await?;
    let accounts: Vec<i64> = sqlx::query_scalar!(
        r#"select distinct account_id as "id!" from customers where channel_id = $1 and account_id is not null"#,
        id
    )
    .fetch_all(&mut *tx)
    .await?;
    let done = sqlx::query!("delete from channels where id = $1", id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound);
    }
    crate::sync_write::links::refresh_accounts(&mut tx, &accounts).await?;
    tx.commit().await?;
    Ok(())
}

/// Entities synced by at least one active channel: their menus are shown.
pub async fn synced_entities(pool: &PgPool) -> Result<(Vec<Entity>, bool)> {
    let row = sqlx::query!(
        r#"select coalesce(array_agg(distinct e) filter (where c.is_active), '{}') as "entities!: Vec<String>",
                  count(distinct c.id) > 0 as "any!"
           from channels c left join lateral unnest(c.entities) e on true"#
    )
    .fetch_one(pool)
    .await?;
    let mut entities: Vec<Entity> = row.entities.iter().filter_map(|e| e.parse().ok()).collect();
    entities.sort();
    Ok((entities, row.any))
}

/// How many channels exist, and whether one of them is the bundled demo store's.
pub async fn demo_status(pool: &PgPool) -> Result<(i64, bool)> {
    let row = sqlx::query!(
        r#"select count(*) as "channels!", coalesce(bool_or(is_demo), false) as "demo!"
           from channels"#
    )
    .fetch_one(pool)
    .await?;
    Ok((row.channels, row.demo))
}
