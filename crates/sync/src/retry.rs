//! Retrying one failed record at once (the error log's "Retry"): fetch it by id, map it, write
//! it. Success closes its error; a new failure updates it.

use crate::connect::{self, ClientOptions};
use crate::connectors::{
    CartsConnector, CreditMemosConnector, CustomersConnector, EntityCounts, OrdersConnector,
    RunContext,
};
use crate::map::MapContext;
use anyhow::{Context, Result};
use chrono::{Duration, Utc};
use domain::Entity;
use store::PgPool;
use store::secrets::Cipher;
use tokio_util::sync::CancellationToken;

/// Re-fetches one record of a channel and writes it. Returns what happened.
pub async fn retry_one(
    pool: &PgPool,
    cipher: &Cipher,
    channel_id: i64,
    entity: Entity,
    magento_id: i64,
    options: &ClientOptions,
) -> Result<EntityCounts> {
    let channel = store::channels::for_sync(pool, cipher, channel_id)
        .await
        .context("loading the channel")?;
    let client = connect::client_for(&channel, options)?;
    let careful_client = connect::client_for(&channel, &connect::careful(options))?;
    let settings = &channel.summary.settings;
    let ctx = RunContext {
        pool: pool.clone(),
        client,
        careful_client,
        channel_id,
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
    };
    let ids = [magento_id];
    let counts = match entity {
        Entity::Customers => crate::worker::retry_ids::<CustomersConnector>(&ctx, &ids).await?,
        Entity::Carts => crate::worker::retry_ids::<CartsConnector>(&ctx, &ids).await?,
        Entity::Orders => crate::worker::retry_ids::<OrdersConnector>(&ctx, &ids).await?,
        Entity::CreditMemos => crate::worker::retry_ids::<CreditMemosConnector>(&ctx, &ids).await?,
        Entity::NewsletterSubscribers => crate::worker::retry_subscribers(&ctx, &ids).await?,
    };
    Ok(counts)
}
