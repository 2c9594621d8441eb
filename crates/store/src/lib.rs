//! Cartwise's Postgres layer: the migrations and every SQL query. Callers get domain types or
//! small row structs; nothing above this crate writes SQL.

pub mod activities;
pub mod channels;
pub mod checkout;
pub mod credentials;
pub mod cursors;
pub mod customer_edit;
pub mod email_templates;
pub mod error;
pub mod export;
pub mod follow_ups;
pub mod grid;
pub mod jobs;
pub mod key_check;
pub mod lists;
pub mod metrics;
pub mod opportunities;
pub mod rules;
pub mod secrets;
pub mod segments;
pub mod sessions;
pub mod store_actions;
pub mod sync_errors;
pub mod sync_write;
pub mod throttle;
pub mod users;

pub use error::{Error, Result};
pub use sqlx::PgPool;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::time::Duration;

/// The migrations of `crates/store/migrations`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Opens a pool. Connections are cheap for Postgres on one machine; the cap keeps a burst of
/// grid requests from starving the sync workers.
pub async fn connect(options: PgConnectOptions, max_connections: u32) -> Result<PgPool> {
    let pool = PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await?;
    Ok(pool)
}

/// Applies every pending migration. Safe to call from several processes at once: sqlx takes an
/// advisory lock for the duration.
pub async fn migrate(pool: &PgPool) -> Result<()> {
    MIGRATOR.run(pool).await.map_err(Error::Migrate)
}
