//! `cartwise db start|stop|url`: the embedded cluster for scripts and tests.

use crate::cli::{DbCommand, GlobalArgs};
use crate::embedded_pg::{DB_NAME, EmbeddedPostgres};
use anyhow::{Result, bail};

pub async fn run(global: GlobalArgs, cmd: DbCommand) -> Result<()> {
    if global.database_url().is_some() {
        bail!("`cartwise db` manages the embedded cluster; unset DATABASE_URL to use it");
    }
    let cluster =
        EmbeddedPostgres::locate(&global.data_dir, global.pg_bin.as_deref(), &global.pg_user)?;
    match cmd {
        DbCommand::Start => {
            let running = cluster.start().await?;
            // Left running on purpose: `cartwise db stop` ends it.
            println!("{}", running.cluster.url(DB_NAME));
        }
        DbCommand::Stop => cluster.stop().await?,
        DbCommand::Url => println!("{}", cluster.url(DB_NAME)),
    }
    Ok(())
}
