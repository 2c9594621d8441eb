//! `cartwise bench sync|actions|edits|products|grid|lists|dashboard|load`. Benchmarks use their own data directory
//! (`target/bench` unless CARTWISE_DATA_DIR or DATABASE_URL says otherwise) so a real
//! installation is never touched.

use crate::cli::{BenchCommand, GlobalArgs};
use anyhow::Result;
use std::path::PathBuf;

pub async fn run(mut global: GlobalArgs, cmd: BenchCommand) -> Result<()> {
    if global.data_dir == std::path::Path::new(".cartwise") {
        global.data_dir = PathBuf::from("target/bench");
    }
    match cmd {
        BenchCommand::Sync { scale, rules } => crate::bench::sync::run(&global, scale, rules).await,
        BenchCommand::Actions { orders } => crate::bench::actions::run(&global, orders).await,
        BenchCommand::Edits { edits, bulk } => crate::bench::edits::run(&global, edits, bulk).await,
        BenchCommand::Products { count } => crate::bench::products::run(&global, count).await,
        BenchCommand::Grid { scale } => {
            let (db, cipher) = super::open(&global).await?;
            let result = crate::bench::grid::run(&db.pool, &cipher, scale).await;
            db.close().await?;
            result
        }
        BenchCommand::Lists { scale } => {
            let (db, cipher) = super::open(&global).await?;
            let result = crate::bench::lists::run(&db.pool, &cipher, scale).await;
            db.close().await?;
            result
        }
        BenchCommand::Load {
            scale,
            users,
            seconds,
            think_ms,
        } => {
            let (db, cipher) = super::open(&global).await?;
            let args = crate::bench::load::LoadArgs {
                scale,
                users,
                seconds,
                think_ms,
            };
            let result = crate::bench::load::run(&global, &db.pool, &cipher, args).await;
            db.close().await?;
            result
        }
        BenchCommand::Dashboard { scale } => {
            let (db, cipher) = super::open(&global).await?;
            let result = crate::bench::dashboard::run(&db.pool, &cipher, scale).await;
            db.close().await?;
            result
        }
    }
}
