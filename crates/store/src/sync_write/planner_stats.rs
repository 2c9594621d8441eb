//! Fresh planner statistics while a sync fills the tables.
//!
//! An initial sync grows tables from nothing to millions of rows within minutes. Autovacuum
//! analyzes at most once a minute per database, and the sync's prepared statements keep the
//! generic plans made while the tables were empty: a sequential scan of `orders` to find the
//! 300 rows of a page by id is free at 80 rows and costs 100 ms at 30,000. Measured on the
//! 30k-order benchmark, those stale plans were over half of the write time. So after each page
//! the sync asks whether the entity's tables have changed by more than their analyzed size
//! (the doubling rule keeps it to a dozen `ANALYZE`s over a whole history), and if so analyzes
//! them; `ANALYZE` also invalidates the cached plans, which are then made again.

use crate::Result;
use domain::Entity;
use sqlx::PgPool;

/// Changes below this never trigger an analyze: small tables plan well either way.
const MIN_CHANGES: f32 = 1_000.0;

/// The tables a page of `entity` writes to, the first being the one whose growth is measured.
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
    }
}

/// Analyzes the tables `entity` writes when its main table has changed by more than its
/// analyzed size since the last analyze. Returns whether it did.
pub async fn refresh_if_grown(pool: &PgPool, entity: Entity) -> Result<bool> {
    let tables = tables(entity);
    // `n_mod_since_analyze` is what autovacuum itself reads; `reltuples` is -1 before the
    // first analyze.
    let grown: Option<bool> = sqlx::query_scalar(
        "select s.n_mod_since_analyze > greatest($2::float4, c.reltuples)
         from pg_stat_user_tables s join pg_class c on c.oid = s.relid
         where s.relid = to_regclass($1)",
    )
    .bind(tables[0])
    .bind(MIN_CHANGES)
    .fetch_optional(pool)
    .await?;
    if grown != Some(true) {
        return Ok(false);
    }
    // The names are the fixed list above, never input.
    sqlx::query(&format!("analyze {}", tables.join(", ")))
        .execute(pool)
        .await?;
    Ok(true)
}
