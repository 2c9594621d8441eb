//! Index builds deferred to the end of a history import.
//!
//! A first import writes a store's whole history into nearly empty tables. Keeping every grid
//! sort, trigram search and metrics index up to date row by row is most of what those writes
//! cost (measured on the 30k-order benchmark: the same import took 0.66 × the time without
//! them), while building an index once over the finished table is a single sorted pass. So a
//! history import large enough to matter drops the indexes that only grids, search and
//! dashboards read, and builds them again when the job ends, however it ends. Indexes the sync
//! itself reads (unique keys, the links by customer, account, email and quote) are never
//! dropped. Grids keep working in between, on scans.
//!
//! Each dropped index is first recorded with the statement that makes it again, in the same
//! transaction as the drop, so a process that dies mid-import leaves a note, not a missing
//! index: the next sync restores what a job that is no longer running deferred.

use crate::Result;
use sqlx::PgPool;

/// Only an import of at least this many records defers indexes: below it, building them again
/// would cost about what it saves.
pub const MIN_IMPORT: i64 = 20_000;

/// The indexes that only grids, search and dashboards read, per table.
pub const DEFERRABLE: &[(&str, &[&str])] = &[
    (
        "orders",
        &[
            "orders_buyers_idx",
            "orders_coupon_idx",
            "orders_coupon_present_idx",
            "orders_coupon_trgm_idx",
            "orders_created_idx",
            "orders_email_key_idx",
            "orders_email_trgm_idx",
            "orders_grand_total_idx",
            "orders_guest_created_idx",
            "orders_increment_idx",
            "orders_increment_trgm_idx",
            "orders_metrics_idx",
            "orders_state_created_idx",
            "orders_state_id_idx",
            "orders_status_created_idx",
            "orders_status_id_idx",
            "orders_updated_idx",
        ],
    ),
    (
        "carts",
        &[
            "carts_abandon_created_idx",
            "carts_created_idx",
            "carts_email_key_idx",
            "carts_email_trgm_idx",
            "carts_follow_up_step_idx",
            "carts_grand_total_idx",
            "carts_magento_id_idx",
            "carts_metrics_idx",
            "carts_open_metrics_idx",
            "carts_status_created_idx",
            "carts_status_id_idx",
            "carts_updated_idx",
        ],
    ),
    (
        "customers",
        &[
            "customers_channel_idx",
            "customers_created_idx",
            "customers_email_key_sort_idx",
            "customers_email_trgm_idx",
            "customers_guest_created_idx",
            "customers_last_order_idx",
            "customers_lifetime_idx",
            "customers_name_idx",
            "customers_name_trgm_idx",
            "customers_newsletter_idx",
            "customers_rfm_idx",
            "customers_updated_idx",
        ],
    ),
    (
        "order_items",
        &["order_items_sku_idx", "order_items_sku_trgm_idx"],
    ),
    ("cart_items", &["cart_items_sku_idx"]),
    (
        "products",
        &[
            "products_name_idx",
            "products_search_trgm_idx",
            "products_updated_idx",
        ],
    ),
    (
        "accounts",
        &[
            "accounts_created_idx",
            "accounts_customers_idx",
            "accounts_email_trgm_idx",
            "accounts_lifetime_idx",
            "accounts_name_idx",
            "accounts_name_trgm_idx",
        ],
    ),
];

/// Deferring takes this lock, across processes: two imports starting at once record and drop
/// each index once.
const LOCK: &str = "select pg_advisory_xact_lock(hashtext('cartwise.deferred_indexes'))";

fn deferrable(table: &str) -> &'static [&'static str] {
    DEFERRABLE
        .iter()
        .find(|(t, _)| *t == table)
        .map(|(_, names)| *names)
        .unwrap_or_default()
}

/// Defers the grid indexes of `tables` for an import of `incoming` records by `job`, when the
/// import is large and the tables hold fewer rows than it brings. Returns how many were
/// dropped. Never fails the import: an index that cannot be dropped at once (a long read holds
/// its table) simply stays.
pub async fn defer_for_import(
    pool: &PgPool,
    tables: &[&str],
    incoming: i64,
    job: Option<i64>,
) -> Result<usize> {
    if incoming < MIN_IMPORT || tables.is_empty() {
        return Ok(0);
    }
    // `reltuples` is an estimate (-1 before the first analyze): good enough to tell a nearly
    // empty table from a full one without counting it. The entity's own table (the first) is
    // what compares with the records coming; its line tables hold several rows per record.
    let stored: f32 = sqlx::query_scalar(
        "select coalesce(sum(greatest(c.reltuples, 0)), 0)::float4 from pg_class c
         where c.relname = any($1) and c.relnamespace = current_schema()::regnamespace",
    )
    .bind(&tables[..1])
    .fetch_one(pool)
    .await?;
    if stored as i64 >= incoming {
        return Ok(0);
    }
    let mut tx = pool.begin().await?;
    sqlx::query(LOCK).execute(&mut *tx).await?;
    // A grid query holding a table must not stall the import: give up on deferring instead.
    sqlx::query("set local lock_timeout = '2s'")
        .execute(&mut *tx)
        .await?;
    let mut dropped = 0;
    for table in tables {
        for name in deferrable(table) {
            let definition: Option<String> = sqlx::query_scalar(
                "select pg_get_indexdef(i.indexrelid) from pg_index i
                 join pg_class c on c.oid = i.indexrelid
                 where c.relname = $1 and c.relnamespace = current_schema()::regnamespace",
            )
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(definition) = definition else {
                continue;
            };
            sqlx::query!(
                "insert into deferred_indexes (name, table_name, definition, job_id)
                 values ($1, $2, $3, $4) on conflict (name) do nothing",
                name,
                table,
                definition,
                job
            )
            .execute(&mut *tx)
            .await?;
            // The name comes from the fixed list above, never from input.
            if let Err(e) = sqlx::query(&format!("drop index if exists {name}"))
                .execute(&mut *tx)
                .await
            {
                tracing::warn!(index = name, error = %e, "could not defer an index; keeping all");
                return Ok(0);
            }
            dropped += 1;
        }
    }
    tx.commit().await?;
    if dropped > 0 {
        tracing::info!(
            ?tables,
            dropped,
            incoming,
            "deferred grid indexes for a history import"
        );
    }
    Ok(dropped)
}

/// Builds again the indexes `job` deferred (`None`: deferred without a job). Returns how many.
pub async fn restore(pool: &PgPool, job: Option<i64>) -> Result<usize> {
    let names = sqlx::query_scalar!(
        "select name from deferred_indexes where job_id is not distinct from $1 order by name",
        job
    )
    .fetch_all(pool)
    .await?;
    restore_named(pool, &names).await
}

/// Builds again the indexes deferred by jobs that are no longer running (a process that died
/// mid-import). Returns how many.
pub async fn restore_orphans(pool: &PgPool) -> Result<usize> {
    let names = sqlx::query_scalar!(
        "select d.name from deferred_indexes d
         where not exists (select 1 from sync_jobs j where j.id = d.job_id and j.status = 'running')
         order by d.name"
    )
    .fetch_all(pool)
    .await?;
    restore_named(pool, &names).await
}

/// Builds run two at a time: an index build is one process on one core, and the second core
/// would otherwise idle while the job that waits for them finishes.
const BUILDS_AT_ONCE: usize = 2;

/// One transaction per index: a crash mid-way leaves the rest recorded. Deleting the row is
/// the claim: a second process restoring at the same time waits on it, then finds it gone.
async fn restore_named(pool: &PgPool, names: &[String]) -> Result<usize> {
    use futures::{StreamExt, TryStreamExt};
    // Owned names and pool handles: the futures must be `Send` for any lifetime (a spawned
    // worker task holds them).
    let built: Vec<Option<(String, bool)>> = futures::stream::iter(names.to_vec())
        .map(|name| {
            let pool = pool.clone();
            async move { restore_one(&pool, &name).await }
        })
        .buffer_unordered(BUILDS_AT_ONCE)
        .try_collect()
        .await?;
    let mut tables: Vec<String> = Vec::new();
    let mut restored = 0;
    for (table, made) in built.into_iter().flatten() {
        restored += usize::from(made);
        if !tables.contains(&table) {
            tables.push(table);
        }
    }
    // New expression indexes have no statistics until analyzed.
    for table in &tables {
        if deferrable(table).is_empty() {
            continue; // Only names from the fixed list reach the statement below.
        }
        sqlx::query(&format!("analyze {table}"))
            .execute(pool)
            .await?;
    }
    if restored > 0 {
        tracing::info!(restored, ?tables, "built the deferred grid indexes");
    }
    Ok(restored)
}

/// Builds one deferred index again. Returns its table and whether it had to be built, or
/// `None` when another process restored it meanwhile.
async fn restore_one(pool: &PgPool, name: &str) -> Result<Option<(String, bool)>> {
    let mut tx = pool.begin().await?;
    let row = sqlx::query!(
        "delete from deferred_indexes where name = $1 returning table_name, definition",
        name
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let exists: bool = sqlx::query_scalar("select to_regclass($1) is not null")
        .bind(name)
        .fetch_one(&mut *tx)
        .await?;
    if !exists {
        // An index over millions of rows may take longer than the pool's statement limit
        // (`server::database`), which is there for runaway queries, not for this.
        sqlx::query("set local statement_timeout = 0")
            .execute(&mut *tx)
            .await?;
        // The statement is Postgres's own rendering of the index that was dropped.
        sqlx::query(&row.definition).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(Some((row.table_name, !exists)))
}
