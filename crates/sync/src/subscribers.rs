//! Newsletter subscribers: the companion route of magento-api.md §11 when the store has it,
//! else customers' `is_subscribed` flag (registered customers only; the channel page says so).
//!
//! `change_status_at` cannot be trusted as a cursor (it is not always set), so the companion
//! route is read in full by subscriber id on the first run and at each reconciliation, and by
//! `change_status_at` (with the overlap) in between.

use crate::connectors::{EntityCounts, OVERLAP, RunContext, map_page};
use crate::isolate::{self, FullScan, ScanStep};
use crate::map;
use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use domain::{Entity, SubscriberSource};
use magento::resources::NewsletterSubscribers;
use magento::types::NewsletterSubscriber;
use magento::{Direction, Filter, SearchCriteria, SearchPage};
use store::sync_errors::NewSyncError;
use store::sync_write::{self, UpsertCounts};

const PATH: &str = "cartwise/newsletter-subscribers/search";
const ENTITY: Entity = Entity::NewsletterSubscribers;

/// Runs the subscriber sync; decides (and remembers) the source on the first run.
pub async fn run(
    ctx: &RunContext,
    source: Option<SubscriberSource>,
    full: bool,
) -> Result<(EntityCounts, SubscriberSource)> {
    let source = match source {
        Some(s) => s,
        None => detect(ctx).await?,
    };
    let counts = match source {
        SubscriberSource::CompanionRoute => run_companion(ctx, full).await?,
        SubscriberSource::CustomerFlag => run_fallback(ctx).await?,
    };
    if let Some(job) = ctx.job_id {
        store::jobs::finish_entity(&ctx.pool, job, ENTITY.as_str()).await?;
    }
    Ok((counts, source))
}

async fn detect(ctx: &RunContext) -> Result<SubscriberSource> {
    let probe = SearchCriteria::new()
        .page_size(1)
        .current_page(1)
        .fields("total_count");
    let source = match ctx.client.search::<serde_json::Value>(PATH, &probe).await {
        Ok(_) => SubscriberSource::CompanionRoute,
        Err(e) if e.is_missing_route() => {
            tracing::info!(
                channel = ctx.channel_id,
                "no subscriber route: using customers' is_subscribed"
            );
            SubscriberSource::CustomerFlag
        }
        Err(e) => return Err(e).context("checking for the newsletter subscriber route"),
    };
    store::channels::set_subscriber_source(&ctx.pool, ctx.channel_id, source).await?;
    Ok(source)
}

fn scoped(ctx: &RunContext, criteria: SearchCriteria) -> SearchCriteria {
    match &ctx.store_ids {
        Some(ids) => criteria.filter(Filter::in_list("store_id", ids.clone())),
        None => criteria,
    }
}

async fn run_companion(ctx: &RunContext, full: bool) -> Result<EntityCounts> {
    let saved = store::cursors::get(&ctx.pool, ctx.channel_id, ENTITY).await?;
    match saved {
        Some(c) if c.initial_done && !full => {
            let since = c
                .updated_at
                .map(|t| t - OVERLAP)
                .unwrap_or(DateTime::UNIX_EPOCH);
            changed_since(ctx, since).await
        }
        _ => {
            let resume = saved
                .filter(|c| !c.initial_done && !full)
                .map(|c| c.last_id)
                .unwrap_or(0);
            let (counts, _) = scan_all(ctx, resume).await?;
            store::cursors::mark_initial_done(&ctx.pool, ctx.channel_id, ENTITY).await?;
            Ok(counts)
        }
    }
}

/// Reads every subscriber by id (keyset on subscriber_id), committing the position per page.
/// Returns the counts and every id seen, failed ones included (for reconciliation: a
/// subscriber the store cannot render is still there). A subscriber that breaks every page it
/// is on is logged as failed and stepped over (see `isolate::FullScan`).
pub async fn scan_all(ctx: &RunContext, after: i64) -> Result<(EntityCounts, Vec<i64>)> {
    let mut done = EntityCounts::default();
    let mut seen = Vec::new();
    let mut latest_change: Option<DateTime<Utc>> = None;
    let total_probe = ctx
        .client
        .search::<serde_json::Value>(
            PATH,
            &scoped(
                ctx,
                SearchCriteria::new().page_size(1).fields("total_count"),
            ),
        )
        .await
        .context("counting newsletter subscribers")?;
    let mut total = total_probe.total_count.map(|t| t as i64);
    let scope = ctx
        .store_ids
        .as_ref()
        .map(|ids| Filter::in_list("store_id", ids.clone()));
    let mut scan =
        FullScan::<NewsletterSubscribers>::new(after, ctx.page_size, |s| s.subscriber_id)
            .with_filter(scope);
    loop {
        if ctx.cancel.is_cancelled() {
            return Err(crate::connectors::Canceled.into());
        }
        let step = scan
            .next(&ctx.client, &ctx.careful_client)
            .await
            .context("fetching newsletter subscribers")?;
        let (page, unreadable) = match step {
            None => break,
            Some(ScanStep::Page(page)) => {
                for item in &page.items {
                    match item {
                        Ok(s) => {
                            seen.extend(s.subscriber_id);
                            latest_change = latest_change.max(s.change_status_at);
                        }
                        Err(e) => seen.extend(e.id),
                    }
                }
                (page, Vec::new())
            }
            Some(ScanStep::Unreadable { id, error }) => {
                tracing::warn!(channel = ctx.channel_id, subscriber = id, error = %error, "a subscriber breaks every page it is on; logged and skipped");
                seen.push(id);
                let failure = NewSyncError {
                    entity: ENTITY,
                    magento_id: Some(id.to_string()),
                    field_path: None,
                    message: format!("the store failed to return this record: {error}"),
                    payload: None,
                };
                (empty_page(), vec![failure])
            }
        };
        done += write(
            ctx,
            page,
            Some(scan.last_id()),
            latest_change,
            total.take(),
            unreadable,
        )
        .await?;
    }
    Ok((done, seen))
}

pub(crate) fn empty_page() -> SearchPage<NewsletterSubscriber> {
    SearchPage {
        items: Vec::new(),
        total_count: None,
        page_size: None,
        current_page: None,
        server_time: None,
        digests: Vec::new(),
    }
}

/// Subscribers whose status changed since `since`, in pages with every stop rule of §4.3.
async fn changed_since(ctx: &RunContext, since: DateTime<Utc>) -> Result<EntityCounts> {
    let criteria = scoped(
        ctx,
        SearchCriteria::new()
            .filter(Filter::gteq("change_status_at", since))
            .sort("change_status_at", Direction::Asc)
            .sort("subscriber_id", Direction::Asc)
            .page_size(ctx.page_size),
    );
    let mut pager = ctx
        .client
        .offset_pager::<magento::resources::NewsletterSubscribers>(criteria);
    let mut done = EntityCounts::default();
    let mut latest = since;
    let mut first = true;
    loop {
        let page = match pager.next_page().await {
            Ok(Some(page)) => page,
            Ok(None) => break,
            // A window that keeps failing may hold a subscriber the store cannot render: the
            // scan by id can step over it, where offset pages cannot.
            Err(e) if isolate::may_be_one_record(&e) => {
                tracing::warn!(channel = ctx.channel_id, error = %e, "changed subscribers kept failing; reading them all by id instead");
                let (counts, _) = scan_all(ctx, 0).await?;
                done += counts;
                return Ok(done);
            }
            Err(e) => return Err(e).context("fetching changed newsletter subscribers"),
        };
        for s in page.records() {
            if let Some(t) = s.change_status_at {
                latest = latest.max(t);
            }
        }
        let total = if first {
            page.total_count.map(|t| t as i64)
        } else {
            None
        };
        first = false;
        done += write(ctx, page, None, Some(latest), total, Vec::new()).await?;
    }
    if let (true, Some(job)) = (first, ctx.job_id) {
        let mut conn = ctx.pool.acquire().await?;
        store::jobs::add_progress(&mut conn, job, ENTITY.as_str(), Some(0), 0, 0, 0, 0, 0).await?;
    }
    Ok(done)
}

/// Writes one page of subscribers with its failures, the cursor (unchanged when neither
/// position is given) and the job's progress, in one transaction.
pub(crate) async fn write(
    ctx: &RunContext,
    page: SearchPage<NewsletterSubscriber>,
    last_id: Option<i64>,
    latest_change: Option<DateTime<Utc>>,
    total: Option<i64>,
    unreadable: Vec<NewSyncError<'_>>,
) -> Result<EntityCounts> {
    let fetched = page.items.len() + unreadable.len();
    let mapped = map_page(page, map::subscribers::subscriber, |s| s.subscriber_id);
    let mut tx = ctx.pool.begin().await?;
    let (counts, _) =
        sync_write::subscribers::upsert(&mut tx, ctx.channel_id, &mapped.records).await?;
    let mut failures: Vec<NewSyncError> = mapped
        .errors
        .iter()
        .map(|(id, path, message, payload)| NewSyncError {
            entity: ENTITY,
            magento_id: id.clone(),
            field_path: Some(path.clone()),
            message: message.clone(),
            payload: Some(payload),
        })
        .collect();
    failures.extend(unreadable);
    store::sync_errors::record(&mut tx, ctx.channel_id, ctx.job_id, &failures).await?;
    let ok: Vec<String> = mapped
        .records
        .iter()
        .filter_map(|r| r.magento_id)
        .map(|i| i.to_string())
        .collect();
    store::sync_errors::resolve(&mut tx, ctx.channel_id, ENTITY, &ok).await?;
    let saved = store::cursors::get(&ctx.pool, ctx.channel_id, ENTITY).await?;
    let position = last_id.unwrap_or(saved.map(|c| c.last_id).unwrap_or(0));
    let at = latest_change
        .or(saved.and_then(|c| c.updated_at))
        .unwrap_or(DateTime::UNIX_EPOCH);
    store::cursors::save(&mut tx, ctx.channel_id, ENTITY, at, position).await?;
    if let Some(job) = ctx.job_id {
        store::jobs::add_progress(
            &mut tx,
            job,
            ENTITY.as_str(),
            total,
            fetched as i64,
            counts.created as i64,
            counts.updated as i64,
            counts.unchanged as i64,
            failures.len() as i64,
        )
        .await?;
    }
    tx.commit().await?;
    if counts.created + counts.updated > 0 {
        crate::connectors::refresh_planner_stats(&ctx.pool, ENTITY);
    }
    Ok(EntityCounts {
        fetched: fetched as u64,
        counts,
        failed: failures.len() as u64,
    })
}

/// The fallback: subscribers derived from the customers just synced (their flags).
async fn run_fallback(ctx: &RunContext) -> Result<EntityCounts> {
    let mut tx = ctx.pool.begin().await?;
    let counts: UpsertCounts =
        sync_write::subscribers::derive_from_customer_flags(&mut tx, ctx.channel_id, None).await?;
    let touched = (counts.created + counts.updated) as i64;
    if let Some(job) = ctx.job_id {
        store::jobs::add_progress(
            &mut tx,
            job,
            ENTITY.as_str(),
            Some(touched),
            touched,
            counts.created as i64,
            counts.updated as i64,
            0,
            0,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(EntityCounts {
        fetched: touched as u64,
        counts,
        failed: 0,
    })
}
