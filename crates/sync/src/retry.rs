//! Re-reading single records outside a sync job: the error log's "Retry", a record page's "Sync
//! this record", and what a store action touched. Fetch by id, map, write; success closes the
//! record's error, a new failure updates it.

use crate::connect::{self, ClientOptions};
use crate::connectors::{
    CartsConnector, CreditMemosConnector, CustomersConnector, EntityCounts, OrdersConnector,
    ProductsConnector, RunContext,
};
use crate::map::MapContext;
use anyhow::{Context, Result};
use chrono::{Duration, Utc};
use domain::Entity;
use store::PgPool;
use store::secrets::Cipher;
use tokio_util::sync::CancellationToken;

/// A run context for one-off reads of a channel (no job, pages of one record).
pub async fn context_for(
    pool: &PgPool,
    cipher: &Cipher,
    channel_id: i64,
    options: &ClientOptions,
) -> Result<RunContext> {
    let channel = store::channels::for_sync(pool, cipher, channel_id)
        .await
        .context("loading the channel")?;
    Ok(context_with(pool, &channel, options)?)
}

/// The same, for a channel already loaded.
pub fn context_with(
    pool: &PgPool,
    channel: &store::channels::ChannelForSync,
    options: &ClientOptions,
) -> Result<RunContext, magento::Error> {
    let client = connect::client_for(channel, options)?;
    let careful_client = connect::client_for(channel, &connect::careful(options))?;
    let settings = &channel.summary.settings;
    Ok(RunContext {
        pool: pool.clone(),
        client,
        careful_client,
        channel_id: channel.summary.id,
        job_id: None,
        page_size: 1,
        start_date: None,
        store_ids: None,
        website_ids: None,
        map: MapContext {
            now: Utc::now(),
            cart_lifetime: Duration::days(settings.cart_lifetime_days.into()),
        },
        cancel: CancellationToken::new(),
        history: false,
    })
}

/// Re-fetches records of one entity by Magento id and writes them.
pub async fn reread(ctx: &RunContext, entity: Entity, ids: &[i64]) -> Result<EntityCounts> {
    use crate::worker::{retry_ids, retry_subscribers};
    Ok(match entity {
        Entity::Customers => retry_ids::<CustomersConnector>(ctx, ids).await?,
        Entity::Carts => retry_ids::<CartsConnector>(ctx, ids).await?,
        Entity::Orders => retry_ids::<OrdersConnector>(ctx, ids).await?,
        Entity::CreditMemos => retry_ids::<CreditMemosConnector>(ctx, ids).await?,
        Entity::NewsletterSubscribers => retry_subscribers(ctx, ids).await?,
        Entity::Products => retry_ids::<ProductsConnector>(ctx, ids).await?,
    })
}

/// How long a Retry waits for a sync of its channel to end before giving up.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// A sync of the channel is running: the record is not re-read beside it.
#[derive(Debug, thiserror::Error)]
#[error("A sync of this store is running; retry the record when it has finished.")]
pub struct ChannelBusy;

/// Re-fetches one record of a channel and writes it. Returns what happened.
///
/// It holds the channel's lock while it reads and writes, like a sync job, so it never runs
/// beside a sync of the same channel (the two would write the record, its error-log entry and
/// its links at once). A sync that holds the lock for longer than [`LOCK_WAIT`] makes it fail
/// with [`ChannelBusy`].
pub async fn retry_one(
    pool: &PgPool,
    cipher: &Cipher,
    channel_id: i64,
    entity: Entity,
    magento_id: i64,
    options: &ClientOptions,
) -> Result<EntityCounts> {
    let ctx = context_for(pool, cipher, channel_id, options).await?;
    let lock = store::jobs::lock_channel(pool, channel_id, LOCK_WAIT)
        .await?
        .ok_or(ChannelBusy)?;
    let done = reread(&ctx, entity, &[magento_id]).await;
    if let Err(e) = lock.release().await {
        tracing::warn!(error = %e, "could not release the channel lock (the connection closes anyway)");
    }
    done
}
