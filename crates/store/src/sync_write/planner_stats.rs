//! Fresh planner statistics while a sync fills the tables.
//!
//! An initial sync grows tables from nothing to millions of rows within minutes. Autovacuum
//! analyzes at most once a minute per database, and the sync's prepared statements keep the
//! generic plans made while the tables were empty: a sequential scan of `orders` to find the
//! 300 rows of a page by id is free at 80 rows and costs 100 ms at 30,000. Measured on the
//! 30k-order benchmark, those stale plans were over half of the write time. So after each page
//! the sync asks which of the entity's tables have changed by more than their analyzed size
//! (the doubling rule keeps it to a dozen `ANALYZE`s per table over a whole history), and
//! analyzes those; `ANALYZE` also invalidates the cached plans, which are then made again.

use crate::Result;
use domain::Entity;
use sqlx::PgPool;

/// Changes below this never trigger an analyze: small tables plan well either way.
const MIN_CHANGES: f32 = 1_000.0;

/// The tables a page of `entity` writes to.
fn tables(entity: Entity) -> &'static [&'static str] {
    match entity {
        Entity::Customers => &["customers", "customer_addresses", "accounts"],
        // Carts make guest customers (and their accounts).
        Entity::Carts => &["carts", "cart_items", "customers", "accounts"],
        // Orders make guest customers and mark carts purchased.
        Entity::Orders => &[
            "orders",
            "order_items",
            "order_addresses",
            "order_status_history",
            "customers",
            "accounts",
            "carts",
        ],
        Entity::CreditMemos => &["credit_memos", "credit_memo_items"],
        Entity::NewsletterSubscribers => &["newsletter_subscribers"],
        Entity::Products => &["products"],
    }
}

/// Analyzes those of the tables `entity` writes that have changed by more than their analyzed
/// size since their last analyze. Returns whether any was.
pub async fn refresh_if_grown(pool: &PgPool, entity: Entity) -> Result<bool> {
    // `n_mod_since_analyze` is what autovacuum itself reads; `reltuples` is -1 before the
    // first analyze.
    let grown: Vec<String> = sqlx::query_scalar(
        "select s.relname::text
         from pg_stat_user_tables s join pg_class c on c.oid = s.relid
         where s.schemaname = current_schema() and s.relname = any($1)
           and s.n_mod_since_analyze > greatest($2::float4, c.reltuples)
         order by 1",
    )
    .bind(tables(entity))
    .bind(MIN_CHANGES)
    .fetch_all(pool)
    .await?;
    if grown.is_empty() {
        return Ok(false);
    }
    // The names come from the fixed list above (the query only filters it), never from input.
    let names: Vec<&str> = tables(entity)
        .iter()
        .copied()
        .filter(|t| grown.iter().any(|g| g == t))
        .collect();
    sqlx::query(&format!("analyze {}", names.join(", ")))
        .execute(pool)
        .await?;
    Ok(true)
}
