//! `cartwise export ENTITY --channel NAME [--format jsonl|csv]`: one record per line on stdout,
//! streamed from the database (flat memory whatever the size).

use crate::cli::{ExportArgs, ExportFormat, GlobalArgs};
use anyhow::Result;
use domain::Entity;
use futures::{Stream, StreamExt};
use serde::Serialize;
use std::io::Write;

pub async fn run(global: GlobalArgs, args: ExportArgs) -> Result<()> {
    let (db, _) = super::open(&global).await?;
    // A closed pipe (`| head`) ends the export quietly, like other Unix tools.
    let result = async {
        let channel = super::channel_by_name(&db.pool, &args.channel).await?;
        let pool = &db.pool;
        match args.entity {
            Entity::Customers => {
                write(store::export::customers(pool, channel.id), args.format).await
            }
            Entity::Carts => write(store::export::carts(pool, channel.id), args.format).await,
            Entity::Orders => write(store::export::orders(pool, channel.id), args.format).await,
            Entity::CreditMemos => {
                write(store::export::credit_memos(pool, channel.id), args.format).await
            }
            Entity::NewsletterSubscribers => {
                write(store::export::subscribers(pool, channel.id), args.format).await
            }
            Entity::Products => write(store::export::products(pool, channel.id), args.format).await,
        }
    }
    .await;
    db.close().await?;
    match result {
        Err(e) if is_broken_pipe(&e) => Ok(()),
        other => other,
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<csv::Error>().is_some_and(|e| matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe))
    })
}

async fn write<T: Serialize>(
    mut rows: impl Stream<Item = Result<T, sqlx::Error>> + Unpin,
    format: ExportFormat,
) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match format {
        ExportFormat::Jsonl => {
            while let Some(row) = rows.next().await {
                serde_json::to_writer(&mut out, &row?)?;
                out.write_all(b"\n")?;
            }
        }
        ExportFormat::Csv => {
            let mut csv = csv::Writer::from_writer(out);
            while let Some(row) = rows.next().await {
                csv.serialize(row?)?;
            }
            csv.flush()?;
            return Ok(());
        }
    }
    out.flush()?;
    Ok(())
}
