//! One sync job from start to end: dictionaries, then each entity in dependency order, then
//! the status rules that time alone changes and, when due, the reconciliation.

use crate::connect::{self, ClientOptions};
use crate::connectors::{
    Canceled, CartsConnector, CreditMemosConnector, CustomersConnector, EntityCounts,
    OrdersConnector, ProductsConnector, RunContext, label_product_options, run_incremental,
};
use crate::map::{self, MapContext};
use crate::{reconcile, subscribers};
use anyhow::{Context, Result};
use chrono::{Duration, NaiveTime, Utc};
use domain::channel::ChannelStatus;
use domain::sync::{JobKind, JobStatus};
use domain::{Entity, SubscriberSource};
use store::PgPool;
use store::jobs::ClaimedJob;
use store::secrets::Cipher;
use tokio_util::sync::CancellationToken;

/// How a job ended, with per-entity counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobOutcome {
    pub status: JobStatus,
    pub error: Option<String>,
    pub entities: Vec<(Entity, EntityCounts)>,
}

/// Runs a claimed job to its end and records the outcome on the job and the channel.
pub async fn run_job(
    pool: &PgPool,
    cipher: &Cipher,
    job: &ClaimedJob,
    options: &ClientOptions,
    cancel: CancellationToken,
) -> JobOutcome {
    let started = Utc::now();
    let mut entities = Vec::new();
    // Indexes a dead process deferred are built before anything else (they are grid indexes:
    // a failure here costs speed, not data, so it is logged and the sync goes on).
    if let Err(e) = store::sync_write::deferred_indexes::restore_orphans(pool).await {
        tracing::warn!(job = job.id, error = %e, "could not build deferred grid indexes");
    }
    let result = run(pool, cipher, job, options, cancel, &mut entities).await;
    // However the job ended, the grid indexes its history import deferred are built again.
    if let Err(e) = store::sync_write::deferred_indexes::restore(pool, Some(job.id)).await {
        tracing::warn!(job = job.id, error = %e, "could not build deferred grid indexes");
    }
    let (status, error, channel_status) = match &result {
        Ok(()) => (JobStatus::Succeeded, None, None),
        Err(e) if e.downcast_ref::<Canceled>().is_some() => (
            JobStatus::Canceled,
            Some("Canceled by a user.".to_string()),
            Some(ChannelStatus::Idle),
        ),
        Err(e) => {
            let magento = e.chain().find_map(|c| c.downcast_ref::<magento::Error>());
            let message = match magento {
                Some(m) => m.to_string(),
                None => format!("{e:#}"),
            };
            let status = if magento.is_some_and(|m| m.is_auth()) {
                ChannelStatus::AccessRejected
            } else {
                ChannelStatus::Failed
            };
            tracing::error!(job = job.id, channel = job.channel_id, error = %format!("{e:#}"), "sync failed");
            (JobStatus::Failed, Some(message), Some(status))
        }
    };
    let record = async {
        store::jobs::finish(pool, job.id, status, error.as_deref()).await?;
        match channel_status {
            None => store::jobs::mark_channel_synced(pool, job.channel_id, started).await?,
            Some(s) => {
                store::channels::set_status(pool, job.channel_id, s, error.as_deref()).await?
            }
        }
        Ok::<(), store::Error>(())
    };
    if let Err(e) = record.await {
        tracing::error!(job = job.id, error = %e, "could not record the outcome of a sync job");
    }
    JobOutcome {
        status,
        error,
        entities,
    }
}

async fn run(
    pool: &PgPool,
    cipher: &Cipher,
    job: &ClaimedJob,
    options: &ClientOptions,
    cancel: CancellationToken,
    out: &mut Vec<(Entity, EntityCounts)>,
) -> Result<()> {
    let channel = store::channels::for_sync(pool, cipher, job.channel_id)
        .await
        .context("loading the channel")?;
    store::channels::set_status(pool, job.channel_id, ChannelStatus::Syncing, None).await?;
    let client = connect::client_for(&channel, options)?;
    let careful_client = connect::client_for(&channel, &connect::careful(options))?;
    let settings = &channel.summary.settings;

    if job.kind == JobKind::Full {
        store::cursors::reset(pool, job.channel_id).await?;
    }
    let have_regions: bool =
        sqlx::query_scalar("select exists(select 1 from regions where channel_id = $1)")
            .bind(job.channel_id)
            .fetch_one(pool)
            .await?;
    let with_regions = !have_regions || job.kind == JobKind::Full;
    let store_views = refresh_dictionaries(pool, &client, job.channel_id, with_regions).await?;
    let store_ids = settings.website_ids.as_ref().map(|websites| {
        store_views
            .iter()
            .filter(|(_, w)| w.is_some_and(|w| websites.contains(&w)))
            .map(|(s, _)| *s)
            .collect::<Vec<_>>()
    });
    let ctx = RunContext {
        pool: pool.clone(),
        client,
        careful_client,
        channel_id: job.channel_id,
        job_id: Some(job.id),
        page_size: settings.page_size.clamp(1, 300) as u32,
        start_date: settings
            .sync_start_date
            .map(|d| d.and_time(NaiveTime::MIN).and_utc()),
        store_ids,
        website_ids: settings.website_ids.clone(),
        map: MapContext {
            now: Utc::now(),
            cart_lifetime: Duration::days(settings.cart_lifetime_days.into()),
        },
        cancel,
        history: false,
    };

    if job.kind == JobKind::RetryErrors {
        return crate::worker::retry_errors(&ctx, out).await;
    }

    out.push((
        Entity::Customers,
        run_incremental::<CustomersConnector>(&ctx).await?,
    ));
    // The catalog first changes rarely; it comes before what refers to it only in the UI.
    if settings.syncs(Entity::Products) {
        out.push((
            Entity::Products,
            run_incremental::<ProductsConnector>(&ctx).await?,
        ));
        label_product_options(&ctx, job.kind == JobKind::Full).await?;
    }
    // Orders before carts: a cart whose order is already stored is written Purchased at once,
    // where the other way round every purchased cart is written twice (a history import's
    // carts are mostly purchased).
    if settings.syncs(Entity::Orders) {
        out.push((
            Entity::Orders,
            run_incremental::<OrdersConnector>(&ctx).await?,
        ));
    }
    // Carts, with credit memos then subscribers beside them: they write disjoint rows (credit
    // memos link to orders, subscribers to customers, and neither writes what carts write:
    // carts, their items, guest customers), so the database works on both at once.
    let carts = async {
        if !settings.syncs(Entity::Carts) {
            return Ok(None);
        }
        run_incremental::<CartsConnector>(&ctx).await.map(Some)
    };
    let others = async {
        let mut done = Vec::new();
        if settings.syncs(Entity::CreditMemos) {
            done.push((
                Entity::CreditMemos,
                run_incremental::<CreditMemosConnector>(&ctx).await?,
            ));
        }
        let mut source = channel.summary.subscriber_source;
        if settings.syncs(Entity::NewsletterSubscribers) {
            let (counts, found) = subscribers::run(&ctx, source, job.kind == JobKind::Full).await?;
            source = Some(found);
            done.push((Entity::NewsletterSubscribers, counts));
        }
        Ok::<_, anyhow::Error>((done, source))
    };
    let (carts, (others, subscriber_source)) = tokio::try_join!(carts, others)?;
    out.extend(carts.map(|c| (Entity::Carts, c)));
    out.extend(others);

    // Time alone expires carts.
    if settings.syncs(Entity::Carts) {
        let mut tx = pool.begin().await?;
        store::sync_write::carts::expire_by_lifetime(
            &mut tx,
            job.channel_id,
            settings.cart_lifetime_days,
        )
        .await?;
        tx.commit().await?;
    }
    if job.kind == JobKind::Full || reconcile::due(&ctx).await? {
        let companion = subscriber_source == Some(SubscriberSource::CompanionRoute)
            && settings.syncs(Entity::NewsletterSubscribers);
        reconcile::run(
            &ctx,
            reconcile::Scope {
                carts: settings.syncs(Entity::Carts),
                subscribers: companion,
                products: settings.syncs(Entity::Products),
            },
        )
        .await?;
        if subscriber_source == Some(SubscriberSource::CustomerFlag)
            && settings.syncs(Entity::NewsletterSubscribers)
        {
            let mut tx = pool.begin().await?;
            store::sync_write::subscribers::derive_from_customer_flags(
                &mut tx,
                job.channel_id,
                None,
            )
            .await?;
            tx.commit().await?;
        }
    }
    Ok(())
}

/// Refreshes websites, store groups, store views and customer groups (and countries with their
/// regions when asked). Returns the store views as (store id, website id) for scoping.
pub async fn refresh_dictionaries(
    pool: &PgPool,
    client: &magento::Client,
    channel_id: i64,
    with_regions: bool,
) -> Result<Vec<(i64, Option<i64>)>> {
    let (websites, groups, views, customer_groups) = tokio::try_join!(
        client.websites(),
        client.store_groups(),
        client.store_views(),
        client.customer_groups(),
    )
    .context("reading the store's websites, stores and customer groups")?;
    let regions = if !with_regions {
        Vec::new()
    } else {
        match client.countries().await {
            Ok(c) => map::dictionaries::regions(&c),
            // Countries are a nicety for display; a store hiding them must not stop a sync.
            Err(e) => {
                tracing::warn!(error = %e, "could not read countries and regions");
                Vec::new()
            }
        }
    };
    let dictionaries = store::sync_write::dictionaries::Dictionaries {
        websites: map::dictionaries::websites(&websites),
        store_groups: map::dictionaries::store_groups(&groups),
        store_views: map::dictionaries::store_views(&views),
        customer_groups: map::dictionaries::customer_groups(&customer_groups),
        regions,
    };
    let mut tx = pool.begin().await?;
    store::sync_write::dictionaries::replace(&mut tx, channel_id, &dictionaries).await?;
    tx.commit().await?;
    Ok(dictionaries
        .store_views
        .iter()
        .map(|s| (s.magento_id, s.website_id))
        .collect())
}
