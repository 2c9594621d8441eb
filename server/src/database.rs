//! Opens the database: the configured server, or the embedded cluster. Migrations run here.

use crate::cli::GlobalArgs;
use crate::embedded_pg::{EmbeddedPostgres, RunningPostgres};
use anyhow::{Context, Result};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::str::FromStr;
use std::time::{Duration, Instant};
use store::PgPool;

/// The pool plus, when cartwise started it, the embedded cluster to stop on exit.
pub struct Database {
    pub pool: PgPool,
    /// The URL other processes (or `cartwise` subcommands) can use; secrets are not part of the
    /// embedded URL.
    embedded: Option<RunningPostgres>,
}

const MAX_CONNECTIONS: u32 = 24;
/// How long closing the pool waits for connections still in use at shutdown.
const CLOSE_WAIT: Duration = Duration::from_secs(3);
/// How long a request waits for a connection. Short, because while Postgres is unreachable
/// over TCP (restarting, failing over) sqlx retries the refused connection until this runs
/// out: every page and `/health` waited the whole time before answering 503 (10 s with the
/// default). The other wait it bounds, for a free connection, does not last seconds in
/// practice: the workers hold a few of the 24 for long (a lease per job, an index build, an
/// `ANALYZE`), requests hold one each for milliseconds.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);
/// The longest any one statement may run (Postgres `statement_timeout`).
const STATEMENT_LIMIT: &str = "10min";
/// The longest a transaction may sit idle (Postgres `idle_in_transaction_session_timeout`).
const IDLE_IN_TRANSACTION_LIMIT: &str = "5min";
/// At start Postgres may still be coming up (a container started beside this one): wait for
/// it as long as before there, once, rather than on every request.
const STARTUP_WAIT: Duration = Duration::from_secs(10);

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
        let pool = match connect(options).await {
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
        // `close` waits for every connection to come back; a task left running at shutdown
        // (a sync stopped without waiting, see `serve`) may keep one: the embedded cluster's
        // fast stop ends it.
        if tokio::time::timeout(CLOSE_WAIT, self.pool.close())
            .await
            .is_err()
        {
            tracing::warn!("a database connection was still in use at shutdown");
        }
        if let Some(running) = self.embedded {
            running.stop().await?;
        }
        Ok(())
    }
}

/// A pool that recovers by itself: connections are made on demand and tested before use, so
/// after a Postgres restart the dead ones are dropped and new ones made, without restarting
/// cartwise. Returns once a first connection is made (see [`STARTUP_WAIT`]).
async fn connect(options: PgConnectOptions) -> Result<PgPool, sqlx::Error> {
    // Server-side limits for what no client-side timeout reaches: a runaway query keeps running
    // in Postgres after the request that started it gave up, and a transaction left open
    // (a bug, a stuck task) holds its locks and a connection for ever. Nothing Cartwise runs
    // legitimately comes near them: pages take milliseconds, a CSV export is bounded at 180 s
    // (`store::grid::export`), sync pages and totals seconds; index builds lift the limit.
    //
    // JIT off: Postgres compiles a query to machine code when its estimated cost is high, which
    // the counts over 1M rows behind list and grid pages are; compiling took 20–40 ms of pages
    // that run in 10–100 ms, and never paid back at a CRM's sizes (`cartwise bench lists`).
    let options = options.options([
        ("jit", "off"),
        ("statement_timeout", STATEMENT_LIMIT),
        (
            "idle_in_transaction_session_timeout",
            IDLE_IN_TRANSACTION_LIMIT,
        ),
    ]);
    let pool = PgPoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .test_before_acquire(true)
        .connect_lazy_with(options);
    let started = Instant::now();
    loop {
        match pool.acquire().await {
            Ok(_) => return Ok(pool),
            // Not there yet (refused until the deadline, or the socket is missing): again.
            Err(sqlx::Error::PoolTimedOut | sqlx::Error::Io(_))
                if started.elapsed() < STARTUP_WAIT =>
            {
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Err(e) => return Err(e),
        }
    }
}
