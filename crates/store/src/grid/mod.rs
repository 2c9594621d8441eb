//! Grid reads (issue 6): one generic page / count / export over every grid, plus record pages,
//! saved views, the filter panel's choices and the cart status actions.
//!
//! Each grid describes itself with [`GridSource`]: its base table (alias `c`), how each field
//! filters and sorts (SQL from the field enum, never from request text: values are always bound),
//! and the joins that name things on the rows shown. The shape of every query:
//!
//! ```sql
//! -- the page: filter and sort the base table alone, then name the page's rows
//! select <columns> from (select c.* from <table> c where <filters>
//!                        order by <sort>, c.id limit $n offset $m) c
//! <joins> order by <sort>, c.id
//! -- the total, exact: the same filters, no joins
//! select count(*) from <table> c where <filters>
//! ```
//! (A search or a closed date window is filtered before it is sorted: see `sql::filter_first`.)
//! The page and the total run at once on two connections (a page costs the slower of the two).
//!
//! Totals are exact. When every filter is the channel or one categorical column the database
//! keeps counts of (a cart status, an order state, guests…), the total is read from
//! `grid_counts` (maintained by triggers, see migration 20261126001001): broad filters such as
//! "all purchased carts" would otherwise count most of the table on every page.

mod sql;

pub mod accounts;
pub mod cart_actions;
pub mod carts;
pub mod credit_memos;
pub mod customers;
pub mod lines;
pub mod opportunities;
pub mod options;
pub mod orders;
pub mod products;
pub mod record;
pub mod subscribers;
pub mod views;

pub use chrono_tz::Tz;
pub(crate) use sql::push_where;
pub use sql::{Target, local_time};

use crate::Result;
use domain::grid::{GridField, GridQuery, GridRecord};
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use sqlx::postgres::PgRow;
use sqlx::{PgPool, Postgres, QueryBuilder};

/// A grid's SQL: implemented by each grid's field enum.
pub trait GridSource: GridField {
    /// One row of the page query, as selected by `SELECT`.
    type Row: for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin + 'static;
    /// What the grid shows.
    type Record: GridRecord<Field = Self>;

    /// The base table with alias `c`, e.g. `carts c`.
    const TABLE: &'static str;
    /// A condition every row meets (e.g. only top-level order items), or `true`.
    const BASE_WHERE: &'static str = "true";
    /// The select list, over the page's base rows `c` and `JOINS`.
    const SELECT: &'static str;
    /// Joins that name things on the page's rows (channel, website, customer).
    const JOINS: &'static str;

    /// The table `grid_counts` keeps per-channel totals of (see the migration), if any.
    const COUNTED: Option<&'static str> = None;

    /// How this field filters (`None`: it does not).
    fn target(self) -> Option<Target>;
    /// The base-table expression this field sorts by (`None`: not sortable).
    fn sort_expr(self) -> Option<&'static str>;
    /// Whether the sort expression may be NULL. NOT NULL ones sort plainly (`asc`/`desc`) so
    /// their `(x desc, id desc)` indexes match; nullable ones put NULL first ascending and last
    /// descending, matching `(x desc nulls last, id desc)`.
    fn sort_nullable(self) -> bool {
        true
    }
    /// The column `grid_counts` counts this field's values of, if it does.
    fn counted_column(self) -> Option<&'static str> {
        None
    }
    /// Whether this field is the channel (counts are kept per channel).
    fn is_channel(self) -> bool {
        false
    }
    /// The row as the grid shows it, times in the user's zone.
    fn record(row: Self::Row, tz: Tz) -> Self::Record;
}

/// The page query of `query` (exposed for the benchmark's raw SQL timing).
pub fn page_query<F: GridSource>(
    query: &GridQuery<F>,
    tz: Tz,
) -> Result<QueryBuilder<'static, Postgres>> {
    page_sql(QueryBuilder::new(""), query, tz)
}

fn page_sql<F: GridSource>(
    mut qb: QueryBuilder<'static, Postgres>,
    query: &GridQuery<F>,
    tz: Tz,
) -> Result<QueryBuilder<'static, Postgres>> {
    qb.push("select ");
    qb.push(F::SELECT);
    if sql::filter_first(query) {
        // A materialized CTE is a fence: the matches (their ids and sort keys only, often an
        // index-only read) are found first, then sorted, then the page's rows are fetched.
        qb.push(" from (select c.* from ");
        qb.push(F::TABLE);
        qb.push(" join (with matched as materialized (select c.id, ");
        qb.push(sql::sort_expr(query)?);
        qb.push(" as sort_key from ");
        qb.push(F::TABLE);
        sql::push_where(&mut qb, query, tz)?;
        qb.push(") select c.id, c.sort_key from matched c");
        sql::push_order_by(&mut qb, query, "c.sort_key");
        push_page(&mut qb, query);
        qb.push(") m on m.id = c.id) c ");
    } else {
        qb.push(" from (select c.* from ");
        qb.push(F::TABLE);
        sql::push_where(&mut qb, query, tz)?;
        sql::push_order(&mut qb, query)?;
        push_page(&mut qb, query);
        qb.push(") c ");
    }
    qb.push(F::JOINS);
    sql::push_order(&mut qb, query)?;
    Ok(qb)
}

fn push_page<F: GridField>(qb: &mut QueryBuilder<'static, Postgres>, query: &GridQuery<F>) {
    qb.push(" limit ");
    qb.push_bind(i64::from(query.per_page));
    qb.push(" offset ");
    qb.push_bind(query.offset());
}

/// The exact number of rows matching `query`'s filters: from the maintained counts when they
/// answer it, else `count(*)`.
pub fn count_query<F: GridSource>(
    query: &GridQuery<F>,
    tz: Tz,
) -> Result<QueryBuilder<'static, Postgres>> {
    count_sql(QueryBuilder::new(""), query, tz)
}

fn count_sql<F: GridSource>(
    mut qb: QueryBuilder<'static, Postgres>,
    query: &GridQuery<F>,
    tz: Tz,
) -> Result<QueryBuilder<'static, Postgres>> {
    if sql::push_counted(&mut qb, query) {
        return Ok(qb);
    }
    qb.push("select count(*) from ");
    qb.push(F::TABLE);
    sql::push_where(&mut qb, query, tz)?;
    Ok(qb)
}

/// Every row matching `query`, in its order (for CSV exports; paging is ignored).
pub fn export_query<F: GridSource>(
    query: &GridQuery<F>,
    tz: Tz,
) -> Result<QueryBuilder<'static, Postgres>> {
    let mut qb = QueryBuilder::new("select ");
    qb.push(F::SELECT);
    qb.push(" from (select c.* from ");
    qb.push(F::TABLE);
    sql::push_where(&mut qb, query, tz)?;
    qb.push(") c ");
    qb.push(F::JOINS);
    sql::push_order(&mut qb, query)?;
    Ok(qb)
}

/// The plans Postgres chooses for a page and its total (`EXPLAIN (FORMAT JSON)`), to check
/// that grids use their indexes (see the plan tests).
pub async fn explain<F: GridSource>(
    pool: &PgPool,
    query: &GridQuery<F>,
    tz: Tz,
) -> Result<(serde_json::Value, serde_json::Value)> {
    let explain = || QueryBuilder::new("explain (format json) ");
    let page: serde_json::Value = page_sql(explain(), query, tz)?
        .build_query_scalar()
        .fetch_one(pool)
        .await?;
    let count: serde_json::Value = count_sql(explain(), query, tz)?
        .build_query_scalar()
        .fetch_one(pool)
        .await?;
    Ok((page, count))
}

/// One page of a grid and the exact total.
pub async fn page<F: GridSource>(
    pool: &PgPool,
    query: &GridQuery<F>,
    tz: Tz,
) -> Result<(Vec<F::Record>, i64)> {
    let mut rows_qb = page_query(query, tz)?;
    let mut count_qb = count_query(query, tz)?;
    let rows = rows_qb.build_query_as::<F::Row>().fetch_all(pool);
    let total = count_qb.build_query_scalar::<i64>().fetch_one(pool);
    let (rows, total) = futures::try_join!(rows, total)?;
    let records = rows.into_iter().map(|r| F::record(r, tz)).collect();
    Ok((records, total))
}

/// Streams every row matching `query`, in its order, one at a time: memory stays flat however
/// many rows match.
pub fn export<F: GridSource>(
    pool: PgPool,
    query: GridQuery<F>,
    tz: Tz,
) -> BoxStream<'static, Result<F::Record>> {
    async_stream::try_stream! {
        let mut qb = export_query(&query, tz)?;
        // A client that reads slowly keeps this connection as long as it reads: the database
        // ends the statement after EXPORT_LIMIT whatever happens (the caller also limits how
        // many exports run at once).
        let mut tx = pool.begin().await?;
        sqlx::query(&format!(
            "set local statement_timeout = '{}s'",
            EXPORT_LIMIT.as_secs()
        ))
        .execute(&mut *tx)
        .await?;
        let mut rows = qb.build_query_as::<F::Row>().fetch(&mut *tx).map_err(crate::Error::from);
        while let Some(row) = rows.next().await {
            yield F::record(row?, tz);
        }
    }
    .boxed()
}

/// The longest an export's query may run (streaming included): a million rows take seconds
/// when the client reads; only a stalled download reaches it.
pub const EXPORT_LIMIT: std::time::Duration = std::time::Duration::from_secs(180);
