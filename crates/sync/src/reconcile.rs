//! What the cursor cannot see (magento-api.md §7.2): deletions, address-only customer edits and
//! flag changes that do not bump `updated_at`. A periodic pass re-reads customers in full (the
//! payload hash catches silent edits) and scans cart and subscriber ids; what left the store is
//! marked (carts Expired, customers and subscribers removed), never deleted. Orders and credit
//! memos are never touched.

use crate::connectors::{
    Connector, CustomersConnector, EntityCounts, RunContext, map_page, write_page,
};
use anyhow::{Context, Result};
use chrono::Duration;
use domain::Entity;
use magento::resources::Carts;
use magento::{Direction, Filter, SearchCriteria, SearchPage};

/// How often the reconciliation runs by itself (a Full job always runs it).
pub const EVERY: Duration = Duration::hours(1);

/// What a reconciliation found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reconciled {
    pub customers_refreshed: EntityCounts,
    pub customers_removed: u64,
    pub carts_left_store: u64,
    pub subscribers_removed: u64,
}

/// Whether the periodic pass is due for this channel.
pub async fn due(ctx: &RunContext) -> Result<bool> {
    let cursor = store::cursors::get(&ctx.pool, ctx.channel_id, Entity::Customers).await?;
    Ok(match cursor {
        Some(c) => c
            .last_full_scan_at
            .is_none_or(|t| chrono::Utc::now() - t > EVERY),
        None => false,
    })
}

pub async fn run(ctx: &RunContext, carts: bool, subscribers: bool) -> Result<Reconciled> {
    let mut out = Reconciled::default();
    let (refreshed, present) = reread_customers(ctx).await?;
    out.customers_refreshed = refreshed;
    let mut tx = ctx.pool.begin().await?;
    out.customers_removed =
        store::sync_write::customers::mark_removed_except(&mut tx, ctx.channel_id, &present)
            .await?;
    tx.commit().await?;
    store::cursors::mark_full_scan(&ctx.pool, ctx.channel_id, Entity::Customers).await?;

    if carts {
        let present = scan_cart_ids(ctx).await?;
        let mut tx = ctx.pool.begin().await?;
        out.carts_left_store =
            store::sync_write::carts::mark_left_store_except(&mut tx, ctx.channel_id, &present)
                .await?;
        tx.commit().await?;
        store::cursors::mark_full_scan(&ctx.pool, ctx.channel_id, Entity::Carts).await?;
    }
    if subscribers {
        let (_, present) = crate::subscribers::scan_all(ctx, 0).await?;
        let mut tx = ctx.pool.begin().await?;
        out.subscribers_removed =
            store::sync_write::subscribers::mark_removed_except(&mut tx, ctx.channel_id, &present)
                .await?;
        tx.commit().await?;
        store::cursors::mark_full_scan(&ctx.pool, ctx.channel_id, Entity::NewsletterSubscribers)
            .await?;
    }
    tracing::info!(channel = ctx.channel_id, ?out, "reconciliation done");
    Ok(out)
}

/// Re-reads every customer in full, by id; unchanged ones cost a hash comparison.
async fn reread_customers(ctx: &RunContext) -> Result<(EntityCounts, Vec<i64>)> {
    let mut last = 0i64;
    let mut done = EntityCounts::default();
    let mut present = Vec::new();
    loop {
        if ctx.cancel.is_cancelled() {
            return Err(crate::connectors::Canceled.into());
        }
        let mut criteria = SearchCriteria::new()
            .filter(Filter::gt("entity_id", last))
            .sort("entity_id", Direction::Asc)
            .page_size(ctx.page_size)
            .current_page(1);
        if let Some(scope) = CustomersConnector::scope(ctx) {
            criteria = criteria.filter(scope);
        }
        let page: SearchPage<magento::types::Customer> = ctx
            .client
            .search_customers(&criteria)
            .await
            .context("re-reading customers")?;
        let n = page.items.len();
        let ids: Vec<i64> = page
            .items
            .iter()
            .filter_map(|i| match i {
                Ok(c) => c.id,
                Err(e) => e.id,
            })
            .collect();
        let Some(max) = ids.iter().copied().max().filter(|m| *m > last) else {
            break;
        };
        present.extend(&ids);
        last = max;
        let map_ctx = ctx.map.clone();
        let mapped = map_page(
            page,
            |c, d| CustomersConnector::map(c, d, &map_ctx),
            CustomersConnector::item_id,
        );
        let mut counts = write_page::<CustomersConnector>(ctx, mapped, 0, None, None).await?;
        counts.fetched = n as u64;
        done += counts;
        if n < ctx.page_size as usize {
            break;
        }
    }
    Ok((done, present))
}

async fn scan_cart_ids(ctx: &RunContext) -> Result<Vec<i64>> {
    let mut scan = ctx.client.id_scan::<Carts>(magento::MAX_PAGE_SIZE);
    if let Some(ids) = &ctx.store_ids {
        scan = scan.with_filter(Filter::in_list("store_id", ids.clone()));
    }
    let mut present = Vec::new();
    while let Some(page) = scan.next_page().await.context("scanning cart ids")? {
        if ctx.cancel.is_cancelled() {
            return Err(crate::connectors::Canceled.into());
        }
        present.extend(page.ids);
    }
    Ok(present)
}
