//! The per-entity connectors. Each walks the §7.1 keyset cursor: a producer task fetches page
//! N+1 while this task maps page N and writes it, with its cursor, in one transaction.

use crate::map::{self, Digest, MapContext, MapError};
use anyhow::{Context, Result};
use chrono::{DateTime, Duration, Utc};
use domain::Entity;
use magento::resources::{Carts, CreditMemos, Customers, Orders};
use magento::{Client, Filter, Incremental, KeysetCursor, SearchCriteria, SearchPage};
use serde::Serialize;
use sqlx::{Acquire, PgConnection, PgPool};
use store::sync_errors::NewSyncError;
use store::sync_write::{self, UpsertCounts};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// How far behind the store's clock a window ends: records stamped in the last second may
/// still be committing. Late commits with older stamps are caught by [`OVERLAP`].
pub const WINDOW_LAG: Duration = Duration::seconds(1);
/// Each incremental run re-reads this much before its cursor (contract §7.1 point 6):
/// idempotent upserts make the overlap cheap, and it catches rows committed late.
pub const OVERLAP: Duration = Duration::minutes(5);

/// At most this many fetched records are written in one transaction (pages that are already
/// waiting are joined; the fetch-ahead channel holds about this many).
pub const WRITE_BATCH: usize = 900;

/// Everything a connector needs for one run.
#[derive(Clone)]
pub struct RunContext {
    pub pool: PgPool,
    pub client: Client,
    /// The same store with few, quick retries: for narrowing down a page that keeps failing.
    pub careful_client: Client,
    pub channel_id: i64,
    /// The job this run belongs to; `None` for a one-off (retrying one record).
    pub job_id: Option<i64>,
    pub page_size: u32,
    pub start_date: Option<DateTime<Utc>>,
    /// Magento store view ids in scope; `None` = all websites.
    pub store_ids: Option<Vec<i64>>,
    /// Magento website ids in scope; `None` = all.
    pub website_ids: Option<Vec<i64>>,
    pub map: MapContext,
    pub cancel: CancellationToken,
    /// True while an entity's history is being imported (its cursor has not caught up yet):
    /// derived figures that every page would otherwise rewrite are computed once at the end.
    pub history: bool,
}

/// What one entity's run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EntityCounts {
    pub fetched: u64,
    pub counts: UpsertCounts,
    pub failed: u64,
}

impl std::ops::AddAssign for EntityCounts {
    fn add_assign(&mut self, o: Self) {
        self.fetched += o.fetched;
        self.counts += o.counts;
        self.failed += o.failed;
    }
}

/// The run was canceled by a user (between pages; committed pages stay).
#[derive(Debug, thiserror::Error)]
#[error("the sync was canceled")]
pub struct Canceled;

/// One incremental entity: its Magento resource, mapping and batched write.
pub trait Connector: Send + Sync + 'static
where
    <Self::R as magento::Resource>::Item: Serialize + Sync,
{
    type R: Incremental;
    type Record: Send + Sync + 'static;
    const ENTITY: Entity;

    fn map(
        item: &<Self::R as magento::Resource>::Item,
        digest: &Digest,
        ctx: &MapContext,
    ) -> Result<Self::Record, MapError>;
    fn magento_id(record: &Self::Record) -> i64;
    /// The id of a decoded item, to name it in the error log when mapping fails.
    fn item_id(item: &<Self::R as magento::Resource>::Item) -> Option<i64>;
    fn write(
        tx: &mut PgConnection,
        channel_id: i64,
        records: &[Self::Record],
        history: bool,
    ) -> impl std::future::Future<Output = store::Result<(UpsertCounts, Vec<i64>)>> + Send;
    /// Once a history import has caught up: what its pages left to do.
    /// Tables whose grid indexes a large history import of this entity builds at the end
    /// instead of row by row (see [`store::sync_write::deferred_indexes`]).
    const DEFERRABLE_TABLES: &'static [&'static str] = &[];
    fn finish_history(
        _tx: &mut PgConnection,
        _channel_id: i64,
    ) -> impl std::future::Future<Output = store::Result<()>> + Send {
        async { Ok(()) }
    }
    /// The filter that keeps the run inside the channel's websites.
    fn scope(ctx: &RunContext) -> Option<Filter> {
        ctx.store_ids
            .as_ref()
            .map(|ids| Filter::in_list("store_id", ids.clone()))
    }
}

pub struct CustomersConnector;
impl Connector for CustomersConnector {
    type R = Customers;
    type Record = sync_write::CustomerRecord;
    const ENTITY: Entity = Entity::Customers;
    const DEFERRABLE_TABLES: &'static [&'static str] = &["customers", "accounts"];
    fn item_id(item: &magento::types::Customer) -> Option<i64> {
        item.id
    }
    fn map(
        item: &magento::types::Customer,
        digest: &Digest,
        _: &MapContext,
    ) -> Result<Self::Record, MapError> {
        map::customers::customer(item, digest)
    }
    fn magento_id(r: &Self::Record) -> i64 {
        r.magento_id
    }
    async fn write(
        tx: &mut PgConnection,
        channel_id: i64,
        records: &[Self::Record],
        _history: bool,
    ) -> store::Result<(UpsertCounts, Vec<i64>)> {
        let (counts, changed) = sync_write::customers::upsert(tx, channel_id, records).await?;
        sync_write::links::link_subscribers_to_customers(tx, &changed).await?;
        Ok((counts, changed))
    }
    fn scope(ctx: &RunContext) -> Option<Filter> {
        ctx.website_ids
            .as_ref()
            .map(|ids| Filter::in_list("website_id", ids.clone()))
    }
}

pub struct CartsConnector;
impl Connector for CartsConnector {
    type R = Carts;
    type Record = sync_write::CartRecord;
    const ENTITY: Entity = Entity::Carts;
    const DEFERRABLE_TABLES: &'static [&'static str] = &["carts", "cart_items"];
    fn item_id(item: &magento::types::Cart) -> Option<i64> {
        item.id
    }
    fn map(
        item: &magento::types::Cart,
        digest: &Digest,
        ctx: &MapContext,
    ) -> Result<Self::Record, MapError> {
        map::carts::cart(item, digest, ctx)
    }
    fn magento_id(r: &Self::Record) -> i64 {
        r.magento_id
    }
    async fn write(
        tx: &mut PgConnection,
        channel_id: i64,
        records: &[Self::Record],
        _history: bool,
    ) -> store::Result<(UpsertCounts, Vec<i64>)> {
        sync_write::carts::upsert(tx, channel_id, records).await
    }
}

pub struct OrdersConnector;
impl Connector for OrdersConnector {
    type R = Orders;
    type Record = sync_write::OrderRecord;
    const ENTITY: Entity = Entity::Orders;
    const DEFERRABLE_TABLES: &'static [&'static str] = &["orders", "order_items"];
    fn item_id(item: &magento::types::Order) -> Option<i64> {
        item.entity_id
    }
    fn map(
        item: &magento::types::Order,
        digest: &Digest,
        _: &MapContext,
    ) -> Result<Self::Record, MapError> {
        map::orders::order(item, digest)
    }
    fn magento_id(r: &Self::Record) -> i64 {
        r.magento_id
    }
    async fn write(
        tx: &mut PgConnection,
        channel_id: i64,
        records: &[Self::Record],
        history: bool,
    ) -> store::Result<(UpsertCounts, Vec<i64>)> {
        let totals = if history {
            sync_write::orders::Totals::AtTheEnd
        } else {
            sync_write::orders::Totals::PerPage
        };
        sync_write::orders::upsert(tx, channel_id, records, totals).await
    }
    async fn finish_history(tx: &mut PgConnection, channel_id: i64) -> store::Result<()> {
        sync_write::links::refresh_channel_totals(tx, channel_id).await
    }
}

pub struct CreditMemosConnector;
impl Connector for CreditMemosConnector {
    type R = CreditMemos;
    type Record = sync_write::CreditMemoRecord;
    const ENTITY: Entity = Entity::CreditMemos;
    fn item_id(item: &magento::types::CreditMemo) -> Option<i64> {
        item.entity_id
    }
    fn map(
        item: &magento::types::CreditMemo,
        digest: &Digest,
        _: &MapContext,
    ) -> Result<Self::Record, MapError> {
        map::credit_memos::credit_memo(item, digest)
    }
    fn magento_id(r: &Self::Record) -> i64 {
        r.magento_id
    }
    async fn write(
        tx: &mut PgConnection,
        channel_id: i64,
        records: &[Self::Record],
        _history: bool,
    ) -> store::Result<(UpsertCounts, Vec<i64>)> {
        sync_write::credit_memos::upsert(tx, channel_id, records).await
    }
}

pub struct ProductsConnector;
impl Connector for ProductsConnector {
    type R = magento::resources::Products;
    type Record = sync_write::ProductRecord;
    const ENTITY: Entity = Entity::Products;
    const DEFERRABLE_TABLES: &'static [&'static str] = &["products"];
    fn item_id(item: &magento::types::Product) -> Option<i64> {
        item.id
    }
    fn map(
        item: &magento::types::Product,
        digest: &Digest,
        _: &MapContext,
    ) -> Result<Self::Record, MapError> {
        map::products::product(item, digest)
    }
    fn magento_id(r: &Self::Record) -> i64 {
        r.magento_id
    }
    async fn write(
        tx: &mut PgConnection,
        channel_id: i64,
        records: &[Self::Record],
        _history: bool,
    ) -> store::Result<(UpsertCounts, Vec<i64>)> {
        sync_write::products::upsert(tx, channel_id, records).await
    }
    /// The catalog is the store's, not a website's: every product is read, each keeping its
    /// website ids (a cart only takes those of its own website).
    fn scope(_: &RunContext) -> Option<Filter> {
        None
    }
}

/// Reads the labels of configurable options the stored products name (only the new ones, or
/// all of them on a full sync). A store that hides its attributes costs the labels, not the
/// sync: the pickers then show the value numbers.
pub async fn label_product_options(ctx: &RunContext, all: bool) -> Result<usize> {
    let mut conn = ctx.pool.acquire().await?;
    let ids = sync_write::products::attributes_to_label(&mut conn, ctx.channel_id, all).await?;
    drop(conn);
    if ids.is_empty() {
        return Ok(0);
    }
    let attributes = match ctx.client.product_attributes(&ids).await {
        Ok(a) => a,
        Err(e) => {
            tracing::warn!(channel = ctx.channel_id, error = %e, "could not read the labels of configurable options");
            return Ok(0);
        }
    };
    let records: Vec<_> = attributes
        .iter()
        .filter_map(map::products::attribute_options)
        .collect();
    let mut tx = ctx.pool.begin().await?;
    sync_write::products::save_attribute_options(&mut tx, ctx.channel_id, &records).await?;
    tx.commit().await?;
    Ok(records.len())
}

/// What the fetching task hands to the writing one: a page already mapped (mapping there
/// keeps it off the writer, so the database is not idle while a page is mapped), how many
/// records it fetched, and the cursor after it.
struct Produced<Rec> {
    mapped: MappedPage<Rec>,
    fetched: usize,
    cursor: KeysetCursor,
}

/// A page split into mapped records and the failures to log.
pub struct MappedPage<Rec> {
    pub records: Vec<Rec>,
    pub errors: Vec<(Option<String>, String, String, serde_json::Value)>,
}

/// Maps a decoded page, each record with the digest of its text: decode failures and mapping
/// failures both become error-log entries carrying the record's payload.
pub fn map_page<T: Serialize, Rec>(
    page: SearchPage<T>,
    mut map: impl FnMut(&T, &Digest) -> Result<Rec, MapError>,
    id_of: impl Fn(&T) -> Option<i64>,
) -> MappedPage<Rec> {
    let mut records = Vec::with_capacity(page.items.len());
    let mut errors = Vec::new();
    for (item, digest) in page.items.into_iter().zip(&page.digests) {
        match item {
            Ok(t) => match map(&t, digest) {
                Ok(r) => records.push(r),
                Err(e) => errors.push((
                    id_of(&t).map(|i| i.to_string()),
                    e.path,
                    e.message,
                    serde_json::to_value(&t).unwrap_or(serde_json::Value::Null),
                )),
            },
            Err(e) => errors.push((
                e.id.map(|i| i.to_string()),
                e.path.clone(),
                e.message.clone(),
                e.raw,
            )),
        }
    }
    MappedPage { records, errors }
}

/// Writes one page — records, failures, resolved failures, cursor, progress — in one
/// transaction. Returns what it did.
#[allow(clippy::too_many_arguments)]
pub async fn write_page<C: Connector>(
    ctx: &RunContext,
    mapped: MappedPage<C::Record>,
    fetched: usize,
    cursor: Option<KeysetCursor>,
    total: Option<i64>,
) -> Result<EntityCounts> {
    let paged = cursor.is_some();
    let mut tx = ctx.pool.begin().await?;
    // The commit need not wait for the disk: a database crash may lose the last pages written,
    // but each page's cursor is in its transaction and the WAL is replayed in order, so what is
    // lost is a tail of whole pages with their cursors, fetched again on the next run.
    sqlx::query("set local synchronous_commit = off")
        .execute(&mut *tx)
        .await?;
    // A record the database refuses (a value out of range, a character Postgres cannot
    // store) fails the whole batch: write them one by one instead, each in a savepoint, and
    // log the refused ones like any other failed record, so the cursor still moves on.
    let mut refused = Vec::new();
    let counts = match C::write(&mut tx, ctx.channel_id, &mapped.records, ctx.history).await {
        Ok((counts, _)) => counts,
        Err(e) if e.is_refused_data() && !mapped.records.is_empty() => {
            tracing::warn!(entity = %C::ENTITY, error = %e, "the database refused a batch; writing its records one by one");
            tx.rollback().await?;
            tx = ctx.pool.begin().await?;
            sqlx::query("set local synchronous_commit = off")
                .execute(&mut *tx)
                .await?;
            let mut counts = UpsertCounts::default();
            for record in mapped.records.chunks(1) {
                let mut one = (&mut tx).begin().await?;
                match C::write(&mut one, ctx.channel_id, record, ctx.history).await {
                    Ok((c, _)) => {
                        one.commit().await?;
                        counts += c;
                    }
                    Err(e) if e.is_refused_data() => {
                        one.rollback().await?;
                        refused.push((C::magento_id(&record[0]), e.to_string()));
                    }
                    Err(e) => {
                        return Err(e).with_context(|| format!("writing a page of {}", C::ENTITY));
                    }
                }
            }
            counts
        }
        Err(e) => return Err(e).with_context(|| format!("writing a page of {}", C::ENTITY)),
    };
    let mut failures: Vec<NewSyncError> = mapped
        .errors
        .iter()
        .map(|(id, path, message, payload)| NewSyncError {
            entity: C::ENTITY,
            magento_id: id.clone(),
            field_path: Some(path.clone()),
            message: message.clone(),
            payload: Some(payload),
        })
        .collect();
    failures.extend(refused.iter().map(|(id, error)| NewSyncError {
        entity: C::ENTITY,
        magento_id: Some(id.to_string()),
        field_path: None,
        message: format!("the database refused this record: {error}"),
        payload: None,
    }));
    store::sync_errors::record(&mut tx, ctx.channel_id, ctx.job_id, &failures).await?;
    let ok_ids: Vec<String> = mapped
        .records
        .iter()
        .map(|r| C::magento_id(r))
        .filter(|id| !refused.iter().any(|(r, _)| r == id))
        .map(|id| id.to_string())
        .collect();
    store::sync_errors::resolve(&mut tx, ctx.channel_id, C::ENTITY, &ok_ids).await?;
    if let Some(cursor) = cursor {
        store::cursors::save(
            &mut tx,
            ctx.channel_id,
            C::ENTITY,
            cursor.updated_at,
            cursor.last_id,
        )
        .await?;
    }
    if let Some(job) = ctx.job_id {
        store::jobs::add_progress(
            &mut tx,
            job,
            C::ENTITY.as_str(),
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
    // A sync's pages (or a large batch) can grow a table past its statistics; re-reading a
    // record or two after a store action cannot, and its caller is waiting: the statistics
    // query costs it a few milliseconds of a core it needs.
    let written = counts.created + counts.updated;
    if written > 0 && (paged || written >= PLANNER_STATS_MIN_WRITES) {
        refresh_planner_stats(&ctx.pool, C::ENTITY);
    }
    Ok(EntityCounts {
        fetched: fetched as u64,
        counts,
        failed: failures.len() as u64,
    })
}

/// Records written outside a sync's pages (a re-read, a reconciliation) that make the
/// statistics worth checking.
const PLANNER_STATS_MIN_WRITES: u64 = 100;

/// Keeps the planner's picture of the tables up to date as a history import grows them (see
/// [`store::sync_write::planner_stats`]). It runs beside the writer, on another connection:
/// `ANALYZE` does not block writes, and the writer's next page need not wait for it (on two
/// cores it used to be a few seconds of an import's critical path). At most one runs per
/// entity at a time. Statistics are an optimisation: failing to refresh them is logged, never
/// fatal.
pub fn refresh_planner_stats(pool: &PgPool, entity: Entity) {
    use std::sync::atomic::{AtomicBool, Ordering};
    static RUNNING: [AtomicBool; Entity::ALL.len()] =
        [const { AtomicBool::new(false) }; Entity::ALL.len()];
    let Some(slot) = Entity::ALL.iter().position(|e| *e == entity) else {
        return;
    };
    if RUNNING[slot].swap(true, Ordering::AcqRel) {
        return;
    }
    let pool = pool.clone();
    tokio::spawn(async move {
        match sync_write::planner_stats::refresh_if_grown(&pool, entity).await {
            Ok(true) => tracing::debug!(%entity, "analyzed the grown tables"),
            Ok(false) => {}
            Err(e) => tracing::warn!(%entity, error = %e, "could not refresh planner statistics"),
        }
        RUNNING[slot].store(false, Ordering::Release);
    });
}

/// Where this run starts: exactly at the committed cursor while the history is still being
/// imported (a resume), else a little before it (the overlap).
pub async fn start_cursor(ctx: &RunContext, entity: Entity) -> Result<(KeysetCursor, bool)> {
    let saved = store::cursors::get(&ctx.pool, ctx.channel_id, entity).await?;
    let origin = ctx.start_date.unwrap_or(DateTime::UNIX_EPOCH);
    Ok(match saved {
        Some(c) if c.initial_done => {
            let at = c
                .updated_at
                .map(|t| t - OVERLAP)
                .unwrap_or(origin)
                .max(origin);
            (
                KeysetCursor {
                    updated_at: at,
                    last_id: 0,
                },
                true,
            )
        }
        Some(c) => match c.updated_at {
            Some(at) => (
                KeysetCursor {
                    updated_at: at,
                    last_id: c.last_id,
                },
                false,
            ),
            None => (KeysetCursor::start(origin), false),
        },
        None => (KeysetCursor::start(origin), false),
    })
}

/// The number of records this run will read and the store's clock, from a one-record probe.
pub async fn probe<C: Connector>(
    ctx: &RunContext,
    from: DateTime<Utc>,
) -> Result<(Option<i64>, DateTime<Utc>)> {
    let mut criteria = SearchCriteria::new()
        .filter(Filter::gteq(<C::R as Incremental>::UPDATED_FIELD, from))
        .page_size(1)
        .current_page(1)
        .fields(
            "items[".to_string() + <C::R as magento::Resource>::ID_JSON_FIELD + "],total_count",
        );
    if let Some(scope) = C::scope(ctx) {
        criteria = criteria.filter(scope);
    }
    let page = ctx
        .client
        .search::<serde_json::Value>(<C::R as magento::Resource>::SEARCH_PATH, &criteria)
        .await
        .with_context(|| format!("asking the store how many {} changed", C::ENTITY))?;
    let now = page.server_time.unwrap_or_else(Utc::now);
    Ok((page.total_count.map(|t| t as i64), now))
}

/// Runs one entity from its cursor to the store's present.
pub async fn run_incremental<C: Connector>(ctx: &RunContext) -> Result<EntityCounts> {
    let (start, initial_done) = start_cursor(ctx, C::ENTITY).await?;
    let ctx = &RunContext {
        history: !initial_done,
        ..ctx.clone()
    };
    let (total, store_now) = probe::<C>(ctx, start.updated_at).await?;
    let upper = store_now - WINDOW_LAG;
    tracing::info!(
        entity = %C::ENTITY, from = %start.updated_at, to = %upper, total, "syncing"
    );
    if let Some(job) = ctx.job_id {
        let mut conn = ctx.pool.acquire().await?;
        store::jobs::add_progress(&mut conn, job, C::ENTITY.as_str(), total, 0, 0, 0, 0, 0).await?;
    }
    if let (false, Some(total)) = (initial_done, total) {
        // Built again when the job ends (`run::run_job`); an optimisation, never fatal.
        if let Err(e) = sync_write::deferred_indexes::defer_for_import(
            &ctx.pool,
            C::DEFERRABLE_TABLES,
            total,
            ctx.job_id,
        )
        .await
        {
            tracing::warn!(entity = %C::ENTITY, error = %e, "could not defer grid indexes");
        }
    }

    let mut pager = ctx.client.keyset_pager::<C::R>(start, upper, ctx.page_size);
    if let Some(scope) = C::scope(ctx) {
        pager = pager.with_filter(scope);
    }
    // The producer fetches ahead; a bounded channel keeps memory flat whatever the store size.
    let (sender, mut pages) =
        mpsc::channel::<Result<Produced<C::Record>, magento::Error>>(WRITE_BATCH / 300 + 1);
    let cancel = ctx.cancel.clone();
    let (client, careful_client, page_size, scope, map_ctx) = (
        ctx.client.clone(),
        ctx.careful_client.clone(),
        ctx.page_size,
        C::scope(ctx),
        ctx.map.clone(),
    );
    let producer = tokio::spawn(async move {
        let make_pager = |client: &magento::Client, at: KeysetCursor, size: u32| {
            let pager = client.keyset_pager::<C::R>(at, upper, size);
            match &scope {
                Some(filter) => pager.with_filter(filter.clone()),
                None => pager,
            }
        };
        // A page that keeps failing with a server error is narrowed down by halving the page
        // size (with a client that retries little), until the one record that breaks it is
        // found, logged and stepped over; then full pages resume.
        let mut careful: Option<u32> = None;
        let mut isolated = 0usize;
        let map = |page: SearchPage<<C::R as magento::Resource>::Item>, cursor| {
            let fetched = page.items.len();
            let mapped = map_page(page, |item, d| C::map(item, d, &map_ctx), C::item_id);
            Produced {
                mapped,
                fetched,
                cursor,
            }
        };
        loop {
            let next = tokio::select! {
                _ = cancel.cancelled() => break,
                next = pager.next_page() => next,
            };
            let produced = match next {
                Ok(Some(page)) => Ok(map(page.page, page.cursor)),
                Ok(None) => break,
                Err(e)
                    if crate::isolate::may_be_one_record(&e)
                        && isolated < crate::isolate::MAX_PER_RUN =>
                {
                    let at = pager.cursor();
                    let size = careful.unwrap_or(page_size);
                    if size > 1 {
                        careful = Some(size / 2);
                        pager = make_pager(&careful_client, at, size / 2);
                        continue;
                    }
                    isolated += 1;
                    match crate::isolate::isolate::<C::R>(
                        &careful_client,
                        at,
                        upper,
                        scope.as_ref(),
                    )
                    .await
                    {
                        Some(found) => {
                            tracing::warn!(entity = %C::ENTITY, error = %e, "a page kept failing; isolated the record after {at:?}");
                            let produced = match found {
                                crate::isolate::Isolated::Fetched(page, cursor) => {
                                    map(page, cursor)
                                }
                                crate::isolate::Isolated::Failed { id, cursor, error } => {
                                    Produced {
                                        mapped: MappedPage {
                                            records: Vec::new(),
                                            errors: vec![(
                                                Some(id.to_string()),
                                                String::new(),
                                                error,
                                                serde_json::Value::Null,
                                            )],
                                        },
                                        fetched: 1,
                                        cursor,
                                    }
                                }
                            };
                            careful = None;
                            pager = make_pager(&client, produced.cursor, page_size);
                            Ok(produced)
                        }
                        None => Err(e),
                    }
                }
                Err(e) => Err(e),
            };
            let stop = produced.is_err();
            if sender.send(produced).await.is_err() || stop {
                break;
            }
        }
    });

    let mut done = EntityCounts::default();
    let result = async {
        while let Some(produced) = pages.recv().await {
            let Produced {
                mut mapped,
                mut fetched,
                mut cursor,
            } = produced.with_context(|| format!("fetching {} from the store", C::ENTITY))?;
            // When the store is faster than the database, pages wait here: write the ones
            // already fetched together, in one transaction with the last one's cursor. Fewer,
            // larger statements cost the database less per record.
            let mut failed = None;
            while fetched < WRITE_BATCH {
                match pages.try_recv() {
                    Ok(Ok(next)) => {
                        fetched += next.fetched;
                        cursor = next.cursor;
                        mapped.records.extend(next.mapped.records);
                        mapped.errors.extend(next.mapped.errors);
                    }
                    // Written after what came before it.
                    Ok(Err(e)) => {
                        failed = Some(e);
                        break;
                    }
                    Err(_) => break,
                }
            }
            done += write_page::<C>(ctx, mapped, fetched, Some(cursor), None).await?;
            if let Some(e) = failed {
                return Err(anyhow::Error::new(e))
                    .with_context(|| format!("fetching {} from the store", C::ENTITY));
            }
            if ctx.cancel.is_cancelled() {
                return Err(anyhow::Error::new(Canceled));
            }
        }
        if ctx.cancel.is_cancelled() {
            return Err(anyhow::Error::new(Canceled));
        }
        Ok(())
    }
    .await;
    producer.abort();
    result?;
    if !initial_done {
        // One transaction: a crash before the mark repeats the whole finishing step.
        let mut tx = ctx.pool.begin().await?;
        C::finish_history(&mut tx, ctx.channel_id)
            .await
            .with_context(|| format!("finishing the history of {}", C::ENTITY))?;
        tx.commit().await?;
        store::cursors::mark_initial_done(&ctx.pool, ctx.channel_id, C::ENTITY).await?;
    }
    if let Some(job) = ctx.job_id {
        store::jobs::finish_entity(&ctx.pool, job, C::ENTITY.as_str()).await?;
    }
    Ok(done)
}
