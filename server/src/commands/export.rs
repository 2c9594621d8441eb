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

/// A record's fields as text, preceded by the column names when `with_header`.
fn fields_of<T: Serialize>(row: &T, with_header: bool) -> Result<Vec<csv::StringRecord>> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(with_header)
        .from_writer(Vec::new());
    writer.serialize(row)?;
    let bytes = writer.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes.as_slice());
    Ok(reader.records().collect::<Result<Vec<_>, _>>()?)
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
            // The csv crate turns a record into fields (and names the columns); the line is
            // written by the one CSV writer every export uses, which keeps a customer named
            // `=HYPERLINK(…)` a text and not a live formula.
            let mut first = true;
            let mut line = String::new();
            while let Some(row) = rows.next().await {
                line.clear();
                for record in fields_of(&row?, first)? {
                    domain::csv::push_text_line(&mut line, record.iter());
                }
                first = false;
                out.write_all(line.as_bytes())?;
            }
        }
    }
    out.flush()?;
    Ok(())
}
