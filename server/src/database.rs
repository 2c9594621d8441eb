//! Opens the database: the configured server, or the embedded cluster. Migrations run here.

use crate::cli::GlobalArgs;
use crate::embedded_pg::{EmbeddedPostgres, RunningPostgres};
use anyhow::{Context, Result};
use sqlx::postgres::PgConnectOptions;
use std::str::FromStr;
use store::PgPool;

/// The pool plus, when cartwise started it, the embedded cluster to stop on exit.
pub struct Database {
    pub pool: PgPool,
    /// The URL other processes (or `cartwise` subcommands) can use; secrets are not part of the
    /// embedded URL.
    embedded: Option<RunningPostgres>,
}

const MAX_CONNECTIONS: u32 = 24;

impl Database {
    pub async fn open(global: &GlobalArgs) -> Result<Self> {
        let (options, embedded) = match global.database_url() {
            Some(url) => {
                let options = PgConnectOptions::from_str(url)
                    .context("DATABASE_URL is not a valid Postgres URL")?;
                (options, None)
            }
            None => {
                let cluster = EmbeddedPostgres::locate(
                    &global.data_dir,
                    global.pg_bin.as_deref(),
                    &global.pg_user,
                )?;
                let running = cluster.start().await?;
                let options = running.cluster.connect_options(crate::embedded_pg::DB_NAME);
                (options, Some(running))
            }
        };
        let pool = match store::connect(options, MAX_CONNECTIONS).await {
            Ok(pool) => pool,
            Err(e) => {
                if let Some(running) = embedded {
                    let _ = running.stop().await;
                }
                return Err(e).context("connecting to Postgres");
            }
        };
        store::migrate(&pool)
            .await
            .context("applying database migrations")?;
        Ok(Database { pool, embedded })
    }

    /// Closes the pool and stops the embedded cluster if this process started it.
    pub async fn close(self) -> Result<()> {
        self.pool.close().await;
        if let Some(running) = self.embedded {
            running.stop().await?;
        }
        Ok(())
    }
}
