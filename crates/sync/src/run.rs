//! One sync job from start to end: dictionaries, then each entity in dependency order, then
//! the status rules that time alone changes and, when due, the reconciliation.

use crate::connect::{self, ClientOptions};
use crate::connectors::{
    Canceled, CartsConnector, CreditMemosConnector, CustomersConnector, EntityCounts,
    OrdersConnector, ProductsConnector, RunContext, label_product_options, run_incremental,
};
use crate::map::MapContext;
use crate::{reconcile, subscribers};
use anyhow::{Context, Result};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use domain::channel::ChannelStatus;
use domain::sync::{JobKind, JobStatus};
use domain::{Entity, SubscriberSource};
use store::PgPool;
use store::jobs::{ClaimedJob, JobLease};
use store::secrets::Cipher;
use tokio_util::sync::CancellationToken;

mod dictionaries;

pub use dictionaries::refresh_dictionaries;

/// How a job ended, with per-entity counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobOutcome {
    pub status: JobStatus,
    pub error: Option<String>,
    pub entities: Vec<(Entity, EntityCounts)>,
}

/// A run that ended, before its outcome is recorded.
#[derive(Clone, Debug)]
pub struct Finished {
    pub outcome: JobOutcome,
    /// The channel's status after it (`None`: synced).
    channel_status: Option<ChannelStatus>,
    started: DateTime<Utc>,
}

/// The outcome of a run that lost its lease: its job is failed and resumed by the reaper.
pub const LEASE_LOST: &str = "This run lost its hold on the channel before it could record how it ended; a new run resumes the sync.";

/// Runs a claimed job to its end. The caller records the outcome with [`record`], on the lease.
pub async fn run_job(
    pool: &PgPool,
    cipher: &Cipher,
    job: &ClaimedJob,
    options: &ClientOptions,
    cancel: CancellationToken,
) -> Finished {
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
    // The customers' RFM scores (the grid's segment filters), once per run however it ended:
    // a failed run's committed pages count too, and time alone moves a frequency (it counts
    // the last 365 days). Scores are derived data: a failure is logged, the next run retries.
    match store::segments::refresh_rfm(pool, job.channel_id).await {
        Ok(n) => tracing::debug!(job = job.id, customers = n, "refreshed RFM scores"),
        Err(e) => tracing::warn!(job = job.id, error = %e, "could not refresh RFM scores"),
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
    Finished {
        outcome: JobOutcome {
            status,
            error,
            entities,
        },
        channel_status,
        started,
    }
}

/// Records how a run ended on its job and its channel, through the lease's own connection:
/// only a worker that still holds the channel's lock, and whose job is still running, records
/// anything. Otherwise (the lease died with its connection, or the reaper failed the job and a
/// new run may be under way) nothing is written, the reaper resumes the sync, and the outcome
/// returned says so.
pub async fn record(pool: &PgPool, lease: &mut JobLease, finished: Finished) -> JobOutcome {
    let job = lease.job.clone();
    let Finished {
        outcome,
        channel_status,
        started,
    } = finished;
    match lease.finish(outcome.status, outcome.error.as_deref()).await {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!(
                job = job.id,
                channel = job.channel_id,
                "this sync is no longer ours; its outcome is not recorded"
            );
            return lease_lost(outcome);
        }
        Err(e) => {
            tracing::error!(job = job.id, error = %e, "could not record the outcome of a sync job; the reaper resumes it");
            return lease_lost(outcome);
        }
    }
    // Still under the channel's lock (released after this), so no new run can have started
    // and have its channel status overwritten.
    let channel = match channel_status {
        None => store::jobs::mark_channel_synced(pool, job.channel_id, started).await,
        Some(s) => {
            store::channels::set_status(pool, job.channel_id, s, outcome.error.as_deref()).await
        }
    };
    if let Err(e) = channel {
        tracing::error!(job = job.id, error = %e, "could not record the channel's status after a sync");
    }
    outcome
}

/// What a run that could not record its outcome reports to its caller.
pub fn lease_lost(outcome: JobOutcome) -> JobOutcome {
    JobOutcome {
        status: JobStatus::Failed,
        error: Some(LEASE_LOST.to_string()),
        entities: outcome.entities,
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
    let store_views =
        dictionaries::refresh(pool, &client, job.channel_id, Some(job.id), with_regions).await?;
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
    // Newly abandoned carts and the orders the channel's rule picks get their follow-ups. A
    // failure here is the team's to-do list, not the sync's data: logged, the run stands.
    match store::follow_ups::pass(pool, job.channel_id).await {
        Ok(pass) if pass != Default::default() => {
            tracing::info!(channel = job.channel_id, ?pass, "follow-ups opened")
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(channel = job.channel_id, error = %e, "follow-up pass failed"),
    }
    // Then the channel's automation rules, over the follow-ups the pass just opened.
    match store::rules::run(pool, job.channel_id).await {
        Ok(0) => {}
        Ok(fired) => tracing::info!(channel = job.channel_id, fired, "automation rules fired"),
        Err(e) => tracing::warn!(channel = job.channel_id, error = %e, "automation rules failed"),
    }
    Ok(())
}
