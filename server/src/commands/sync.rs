//! `cartwise sync NAME [--full] [--wait]`.

use crate::cli::{GlobalArgs, SyncArgs};
use anyhow::{Result, bail};
use domain::sync::{JobKind, JobStatus, JobTrigger};

pub async fn run(global: GlobalArgs, args: SyncArgs) -> Result<()> {
    let (db, cipher) = super::open(&global).await?;
    let result = async {
        let channel = super::channel_by_name(&db.pool, &args.name).await?;
        if !channel.is_active {
            bail!(
                "channel {:?} is deactivated; activate it first",
                channel.settings.name
            );
        }
        let kind = if args.full {
            JobKind::Full
        } else {
            JobKind::Sync
        };
        if !args.wait {
            let job =
                store::jobs::enqueue(&db.pool, channel.id, kind, JobTrigger::Cli, None).await?;
            println!(
                "Sync of {:?} queued as job {job}; a running `cartwise serve` picks it up.",
                channel.settings.name
            );
            return Ok(());
        }
        let started = std::time::Instant::now();
        let (job, outcome) = sync::worker::sync_and_wait(
            &db.pool,
            &cipher,
            channel.id,
            kind,
            &sync::connect::ClientOptions::default(),
        )
        .await?;
        println!(
            "Job {job}: {:?} in {:.1} s",
            outcome.status,
            started.elapsed().as_secs_f64()
        );
        println!(
            "{:<24} {:>9} {:>9} {:>9} {:>10} {:>7}",
            "entity", "fetched", "created", "updated", "unchanged", "failed"
        );
        for (entity, c) in &outcome.entities {
            println!(
                "{:<24} {:>9} {:>9} {:>9} {:>10} {:>7}",
                entity.as_str(),
                c.fetched,
                c.counts.created,
                c.counts.updated,
                c.counts.unchanged,
                c.failed
            );
        }
        if outcome.status != JobStatus::Succeeded {
            bail!(
                "the sync did not succeed: {}",
                outcome
                    .error
                    .unwrap_or_else(|| format!("{:?}", outcome.status))
            );
        }
        Ok(())
    }
    .await;
    db.close().await?;
    result
}
