//! The job runner: claims due jobs (at most one per channel across every process), runs them
//! with a heartbeat that also carries cancel requests, schedules channels by their interval
//! and resumes jobs whose worker died.

use crate::connect::ClientOptions;
use crate::connectors::{
    CartsConnector, Connector, CreditMemosConnector, CustomersConnector, EntityCounts, MappedPage,
    OrdersConnector, ProductsConnector, RunContext, map_page, write_page,
};
use crate::run::{JobOutcome, run_job};
use anyhow::{Context, Result};
use domain::Entity;
use domain::sync::JobStatus;
use magento::{Filter, SearchCriteria, SearchPage};
use std::time::{Duration, Instant};
use store::PgPool;
use store::jobs::{Beat, JobLease};
use store::secrets::Cipher;
use store::sync_errors::NewSyncError;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

#[derive(Clone, Debug)]
pub struct WorkerConfig {
    /// Names this process in job rows (host and pid by default).
    pub worker_id: String,
    /// Jobs (channels) run at once by this process.
    pub max_parallel_jobs: usize,
    /// How often to look for due work.
    pub poll_interval: Duration,
    /// Queue scheduled syncs (every process may; the queue keeps one per channel).
    pub run_scheduler: bool,
    pub client: ClientOptions,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            worker_id: format!("cartwise-{}", std::process::id()),
            max_parallel_jobs: 2,
            poll_interval: Duration::from_secs(1),
            run_scheduler: true,
            client: ClientOptions::default(),
        }
    }
}

const HEARTBEAT: Duration = Duration::from_secs(2);
const REAP_EVERY: Duration = Duration::from_secs(5);

pub struct Worker {
    pool: PgPool,
    cipher: Cipher,
    config: WorkerConfig,
}

impl Worker {
    pub fn new(pool: PgPool, cipher: Cipher, config: WorkerConfig) -> Self {
        Worker {
            pool,
            cipher,
            config,
        }
    }

    /// Runs until `shutdown` fires; jobs in flight are interrupted between pages (what they
    /// committed stays) and resume with the next sync.
    pub async fn run_until_stopped(self, shutdown: CancellationToken) {
        // Store actions their requester left behind, and those whose answer never came.
        let actions = crate::outbound::Actions::new(
            self.pool.clone(),
            self.cipher.clone(),
            self.config.client.clone(),
        )
        .run_until_stopped(self.config.poll_interval, shutdown.clone());
        let actions = AbortOnDrop(tokio::spawn(actions));
        let mut running: JoinSet<()> = JoinSet::new();
        let jobs_cancel = CancellationToken::new();
        let mut last_reap: Option<Instant> = None;
        loop {
            if shutdown.is_cancelled() {
                break;
            }
            if last_reap.is_none_or(|t| t.elapsed() >= REAP_EVERY) {
                last_reap = Some(Instant::now());
                if let Err(e) = store::jobs::reap_abandoned(&self.pool).await {
                    tracing::warn!(error = %e, "could not check for abandoned sync jobs");
                }
                // Grid indexes an abandoned import deferred come back even if its channel
                // never syncs again.
                if let Err(e) =
                    store::sync_write::deferred_indexes::restore_orphans(&self.pool).await
                {
                    tracing::warn!(error = %e, "could not build deferred grid indexes");
                }
            }
            if self.config.run_scheduler
                && let Err(e) = store::jobs::schedule_due(&self.pool).await
            {
                tracing::warn!(error = %e, "could not schedule syncs");
            }
            while running.len() < self.config.max_parallel_jobs {
                match store::jobs::claim(&self.pool, &self.config.worker_id, None).await {
                    Ok(Some(lease)) => {
                        let (pool, cipher, options) = (
                            self.pool.clone(),
                            self.cipher.clone(),
                            self.config.client.clone(),
                        );
                        let cancel = jobs_cancel.child_token();
                        running.spawn(async move {
                            run_leased(&pool, &cipher, lease, &options, cancel).await;
                        });
                    }
                    Ok(None) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "could not claim a sync job");
                        break;
                    }
                }
            }
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = tokio::time::sleep(self.config.poll_interval) => {}
                Some(_) = running.join_next(), if !running.is_empty() => {}
            }
        }
        jobs_cancel.cancel();
        while running.join_next().await.is_some() {}
        drop(actions);
        tracing::info!("sync worker stopped");
    }
}

/// Runs one claimed job with its heartbeat, then releases the channel.
pub async fn run_leased(
    pool: &PgPool,
    cipher: &Cipher,
    lease: JobLease,
    options: &ClientOptions,
    cancel: CancellationToken,
) -> JobOutcome {
    let job = lease.job.clone();
    let stop = CancellationToken::new();
    // The heartbeat owns the lease while the job runs (it beats on the lease's connection) and
    // hands it back when told to stop. Aborted with this future too: a dropped run must stop
    // looking alive, and dropping the lease closes its connection, which frees the lock.
    let heartbeat = AbortOnDrop(tokio::spawn(keep_alive(
        lease,
        cancel.clone(),
        stop.clone(),
    )));
    tracing::info!(job = job.id, channel = job.channel_id, kind = ?job.kind, "sync started");
    let finished = run_job(pool, cipher, &job, options, cancel).await;
    stop.cancel();
    let outcome = match heartbeat.join().await.flatten() {
        Some(mut lease) => {
            let outcome = crate::run::record(pool, &mut lease, finished).await;
            if let Err(e) = lease.release().await {
                tracing::warn!(error = %e, "could not release the channel lock (the connection closes anyway)");
            }
            outcome
        }
        None => crate::run::lease_lost(finished.outcome),
    };
    tracing::info!(job = job.id, status = ?outcome.status, error = ?outcome.error, "sync finished");
    outcome
}

/// Beats every [`HEARTBEAT`] on the lease's connection until `stop`, then returns the lease.
/// A requested cancel cancels the run; so does a lost lease (its connection failed, or the job
/// is no longer this worker's running job), at once, since another worker may already run the
/// channel: the lease is then dropped (its connection closed) and `None` returned.
async fn keep_alive(
    mut lease: JobLease,
    cancel: CancellationToken,
    stop: CancellationToken,
) -> Option<JobLease> {
    let job = lease.job.id;
    loop {
        tokio::select! {
            _ = stop.cancelled() => return Some(lease),
            _ = tokio::time::sleep(HEARTBEAT) => {}
        }
        match lease.heartbeat().await {
            Ok(Beat::Alive) => {}
            Ok(Beat::CancelRequested) => {
                if !cancel.is_cancelled() {
                    tracing::info!(job, "cancel requested");
                }
                cancel.cancel();
            }
            Ok(Beat::Lost) => {
                tracing::warn!(job, "this sync job is no longer ours; stopping it");
                cancel.cancel();
                return None;
            }
            Err(e) => {
                tracing::warn!(job, error = %e, "lost the connection holding the channel's lock; stopping the sync");
                cancel.cancel();
                return None;
            }
        }
    }
}

/// Aborts a task when dropped.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> AbortOnDrop<T> {
    /// Waits for the task; `None` if it panicked or was aborted.
    async fn join(mut self) -> Option<T> {
        (&mut self.0).await.ok()
    }
}

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Queues a sync of one channel and runs it here (or waits while another process runs it).
/// Returns the outcome of that job.
pub async fn sync_and_wait(
    pool: &PgPool,
    cipher: &Cipher,
    channel_id: i64,
    kind: domain::sync::JobKind,
    options: &ClientOptions,
) -> Result<(i64, JobOutcome)> {
    let job_id =
        store::jobs::enqueue(pool, channel_id, kind, domain::sync::JobTrigger::Cli, None).await?;
    loop {
        if let Some(lease) = store::jobs::claim(
            pool,
            &format!("cli-{}", std::process::id()),
            Some(channel_id),
        )
        .await?
        {
            let claimed = lease.job.id;
            let outcome = run_leased(pool, cipher, lease, options, CancellationToken::new()).await;
            if claimed == job_id {
                return Ok((job_id, outcome));
            }
            continue;
        }
        let job = store::jobs::get(pool, job_id).await?;
        if job.status.is_finished() {
            let entities = job
                .entities
                .iter()
                .filter_map(|e| {
                    Some((
                        e.entity()?,
                        EntityCounts {
                            fetched: e.fetched as u64,
                            counts: store::sync_write::UpsertCounts {
                                created: e.created as u64,
                                updated: e.updated as u64,
                                unchanged: e.unchanged as u64,
                            },
                            failed: e.failed as u64,
                        },
                    ))
                })
                .collect();
            return Ok((
                job_id,
                JobOutcome {
                    status: job.status,
                    error: job.error,
                    entities,
                },
            ));
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// Re-fetches the records of the open error log by id and writes the ones that now map.
pub async fn retry_errors(ctx: &RunContext, out: &mut Vec<(Entity, EntityCounts)>) -> Result<()> {
    let open = store::sync_errors::open_for_retry(&ctx.pool, ctx.channel_id, None).await?;
    for entity in Entity::ALL {
        let ids: Vec<i64> = open
            .iter()
            .filter(|(e, _)| *e == entity)
            .filter_map(|(_, id)| id.parse().ok())
            .collect();
        if ids.is_empty() {
            continue;
        }
        let counts = match entity {
            Entity::Customers => retry_ids::<CustomersConnector>(ctx, &ids).await?,
            Entity::Carts => retry_ids::<CartsConnector>(ctx, &ids).await?,
            Entity::Orders => retry_ids::<OrdersConnector>(ctx, &ids).await?,
            Entity::CreditMemos => retry_ids::<CreditMemosConnector>(ctx, &ids).await?,
            Entity::NewsletterSubscribers => retry_subscribers(ctx, &ids).await?,
            Entity::Products => retry_ids::<ProductsConnector>(ctx, &ids).await?,
        };
        if let Some(job) = ctx.job_id {
            store::jobs::finish_entity(&ctx.pool, job, entity.as_str()).await?;
        }
        out.push((entity, counts));
    }
    Ok(())
}

/// Re-fetches records by id, a chunk at a time. A chunk that keeps failing with a server
/// error may hold a record the store cannot render (the reason it is in the error log): its
/// ids are then fetched one by one, and those that still fail are handed back with the error,
/// so one bad record neither fails the retry nor holds back the others.
async fn fetch_by_ids<T: serde::de::DeserializeOwned>(
    ctx: &RunContext,
    path: &str,
    id_field: &str,
    chunk: &[i64],
) -> Result<(Vec<SearchPage<T>>, Vec<(i64, String)>)> {
    let ask = |ids: &[i64]| {
        let criteria = SearchCriteria::new()
            .filter(Filter::in_list(id_field, ids.to_vec()))
            .page_size(ids.len() as u32)
            .current_page(1);
        async move { ctx.client.search::<T>(path, &criteria).await }
    };
    match ask(chunk).await {
        Ok(page) => return Ok((vec![page], Vec::new())),
        Err(e) if !crate::isolate::may_be_one_record(&e) => return Err(e.into()),
        Err(_) => {}
    }
    let (mut pages, mut failed) = (Vec::new(), Vec::new());
    for id in chunk {
        match ask(std::slice::from_ref(id)).await {
            Ok(page) => pages.push(page),
            Err(e) if crate::isolate::may_be_one_record(&e) => {
                failed.push((*id, format!("the store failed to return this record: {e}")))
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok((pages, failed))
}

pub(crate) async fn retry_ids<C: Connector>(ctx: &RunContext, ids: &[i64]) -> Result<EntityCounts> {
    let mut done = EntityCounts::default();
    for chunk in ids.chunks(100) {
        let (pages, failed) = fetch_by_ids::<<C::R as magento::Resource>::Item>(
            ctx,
            <C::R as magento::Resource>::SEARCH_PATH,
            <C::R as magento::Resource>::ID_FIELD,
            chunk,
        )
        .await
        .with_context(|| format!("re-fetching failed {}", C::ENTITY))?;
        for page in pages {
            let fetched = page.items.len();
            let map_ctx = ctx.map.clone();
            let mapped = map_page(page, |i, d| C::map(i, d, &map_ctx), C::item_id);
            done += write_page::<C>(ctx, mapped, fetched, None, Some(ids.len() as i64)).await?;
        }
        if !failed.is_empty() {
            let mapped = MappedPage {
                records: Vec::new(),
                errors: failed
                    .into_iter()
                    .map(|(id, message)| {
                        (
                            Some(id.to_string()),
                            String::new(),
                            message,
                            serde_json::Value::Null,
                        )
                    })
                    .collect(),
            };
            let fetched = mapped.errors.len();
            done += write_page::<C>(ctx, mapped, fetched, None, Some(ids.len() as i64)).await?;
        }
    }
    Ok(done)
}

pub(crate) async fn retry_subscribers(ctx: &RunContext, ids: &[i64]) -> Result<EntityCounts> {
    let mut done = EntityCounts::default();
    for chunk in ids.chunks(100) {
        let (pages, failed) = fetch_by_ids::<magento::types::NewsletterSubscriber>(
            ctx,
            "cartwise/newsletter-subscribers/search",
            "subscriber_id",
            chunk,
        )
        .await
        .context("re-fetching failed newsletter subscribers")?;
        let total = Some(ids.len() as i64);
        for page in pages {
            done += crate::subscribers::write(ctx, page, None, None, total, Vec::new()).await?;
        }
        if !failed.is_empty() {
            let failures = failed
                .into_iter()
                .map(|(id, message)| NewSyncError {
                    entity: Entity::NewsletterSubscribers,
                    magento_id: Some(id.to_string()),
                    field_path: None,
                    message,
                    payload: None,
                })
                .collect();
            let page = crate::subscribers::empty_page();
            done += crate::subscribers::write(ctx, page, None, None, total, failures).await?;
        }
    }
    Ok(done)
}

/// Re-reads a registered customer's newsletter subscription after a change: from the
/// companion route by `customer_id` when the store has it, else from the customer's own
/// `is_subscribed` flag (which the customer's re-read has just brought).
pub(crate) async fn reread_customer_subscription(ctx: &RunContext, customer: i64) -> Result<()> {
    let source = store::channels::get(&ctx.pool, ctx.channel_id)
        .await?
        .subscriber_source;
    if source == Some(domain::SubscriberSource::CompanionRoute) {
        let (pages, _) = fetch_by_ids::<magento::types::NewsletterSubscriber>(
            ctx,
            "cartwise/newsletter-subscribers/search",
            "customer_id",
            &[customer],
        )
        .await
        .context("re-reading a customer's subscription")?;
        for page in pages {
            crate::subscribers::write(ctx, page, None, None, None, Vec::new()).await?;
        }
    } else if let Some(crm) =
        store::checkout::crm_id(&ctx.pool, ctx.channel_id, Entity::Customers, customer).await?
    {
        let mut conn = ctx.pool.acquire().await?;
        store::sync_write::subscribers::derive_from_customer_flags(
            &mut conn,
            ctx.channel_id,
            Some(&[crm]),
        )
        .await?;
    }
    Ok(())
}

/// The status of a finished outcome, for callers that only need to know if it worked.
pub fn succeeded(outcome: &JobOutcome) -> bool {
    outcome.status == JobStatus::Succeeded
}
