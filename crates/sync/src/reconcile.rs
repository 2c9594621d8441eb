//! What the cursor cannot see (magento-api.md §7.2): deletions, address-only customer edits and
//! flag changes that do not bump `updated_at`. A periodic pass re-reads customers in full (the
//! payload hash catches silent edits) and scans cart and subscriber ids; what left the store is
//! marked (carts Expired, customers and subscribers removed), never deleted. Orders and credit
//! memos are never touched.

use crate::connectors::{
    Connector, CustomersConnector, EntityCounts, MappedPage, RunContext, map_page, write_page,
};
use crate::isolate::{FullScan, ScanStep};
use anyhow::{Context, Result};
use chrono::Duration;
use domain::Entity;
use magento::Filter;
use magento::resources::{Carts, Customers, Products};

/// How often the reconciliation runs by itself (a Full job always runs it).
pub const EVERY: Duration = Duration::hours(1);

/// What a reconciliation found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reconciled {
    pub customers_refreshed: EntityCounts,
    pub customers_removed: u64,
    pub carts_left_store: u64,
    pub subscribers_removed: u64,
    pub products_removed: u64,
}

/// Which of the optional passes to run (customers are always re-read).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    pub carts: bool,
    pub subscribers: bool,
    pub products: bool,
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

pub async fn run(ctx: &RunContext, scope: Scope) -> Result<Reconciled> {
    let Scope {
        carts,
        subscribers,
        products,
    } = scope;
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
    if products {
        let present = scan_product_ids(ctx).await?;
        let mut tx = ctx.pool.begin().await?;
        out.products_removed =
            store::sync_write::products::mark_removed_except(&mut tx, ctx.channel_id, &present)
                .await?;
        tx.commit().await?;
        store::cursors::mark_full_scan(&ctx.pool, ctx.channel_id, Entity::Products).await?;
    }
    tracing::info!(channel = ctx.channel_id, ?out, "reconciliation done");
    Ok(out)
}

/// Re-reads every customer in full, by id; unchanged ones cost a hash comparison. A customer
/// the store cannot render is logged, stepped over, and still counted as present.
async fn reread_customers(ctx: &RunContext) -> Result<(EntityCounts, Vec<i64>)> {
    let mut done = EntityCounts::default();
    let mut present = Vec::new();
    let mut scan = FullScan::<Customers>::new(0, ctx.page_size, CustomersConnector::item_id)
        .with_filter(CustomersConnector::scope(ctx))
        // Customers last changed before the sync start date were never imported: the re-read
        // must not import them either (and every stored one is newer than that date).
        .with_filter(ctx.start_date.map(|d| Filter::gteq("updated_at", d)));
    loop {
        if ctx.cancel.is_cancelled() {
            return Err(crate::connectors::Canceled.into());
        }
        let step = scan
            .next(&ctx.client, &ctx.careful_client)
            .await
            .context("re-reading customers")?;
        let (mapped, fetched) = match step {
            None => break,
            Some(ScanStep::Page(page)) => {
                present.extend(page.items.iter().filter_map(|i| match i {
                    Ok(c) => c.id,
                    Err(e) => e.id,
                }));
                let fetched = page.items.len();
                let map_ctx = ctx.map.clone();
                let mapped = map_page(
                    page,
                    |c, d| CustomersConnector::map(c, d, &map_ctx),
                    CustomersConnector::item_id,
                );
                (mapped, fetched)
            }
            Some(ScanStep::Unreadable { id, error }) => {
                tracing::warn!(channel = ctx.channel_id, customer = id, error = %error, "a customer breaks every page it is on; logged and skipped");
                present.push(id);
                let mapped = MappedPage {
                    records: Vec::new(),
                    errors: vec![(
                        Some(id.to_string()),
                        String::new(),
                        format!("the store failed to return this record: {error}"),
                        serde_json::Value::Null,
                    )],
                };
                (mapped, 1)
            }
        };
        let mut counts = write_page::<CustomersConnector>(ctx, mapped, 0, None, None).await?;
        counts.fetched = fetched as u64;
        done += counts;
    }
    Ok((done, present))
}

async fn scan_product_ids(ctx: &RunContext) -> Result<Vec<i64>> {
    let mut scan = ctx.client.id_scan::<Products>(magento::MAX_PAGE_SIZE);
    let mut present = Vec::new();
    while let Some(page) = scan.next_page().await.context("scanning product ids")? {
        if ctx.cancel.is_cancelled() {
            return Err(crate::connectors::Canceled.into());
        }
        present.extend(page.ids);
    }
    Ok(present)
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
