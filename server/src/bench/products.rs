//! `cartwise bench products`: the catalog's first sync (products with their options, stock and
//! websites) from a demo store holding `count` products, with peak RSS; beside it, measured in
//! the same run, the fetch floor: every page fetched and decoded, nothing mapped or written.

use crate::cli::GlobalArgs;
use crate::database::Database;
use anyhow::{Result, bail};
use chrono::Utc;
use domain::sync::{JobKind, JobStatus};
use domain::{ChannelSettings, Credentials, Entity};
use magento::KeysetCursor;
use magento::resources::Products;
use std::time::Instant;
use store::secrets::Cipher;
use sync::connect::ClientOptions;

const PAGE_SIZE: i32 = 300;

pub async fn run(global: &GlobalArgs, count: usize) -> Result<()> {
    println!("Cartwise product sync benchmark: {count} products, page size {PAGE_SIZE}");
    let (mut store_process, url) =
        super::sync::start_demo_store(10, &["--products", &count.to_string()]).await?;
    let result = measure(global, &url).await;
    let _ = store_process.kill().await;
    result
}

async fn measure(global: &GlobalArgs, url: &str) -> Result<()> {
    let db = Database::open(global).await?;
    let base = super::database_options(global)?;
    let cipher = Cipher::new(&[1u8; 32]);
    let options = ClientOptions {
        max_concurrent_requests: 4,
        ..ClientOptions::default()
    };
    let credentials = Credentials::Bearer {
        token: demo_store::DEMO_BEARER_TOKEN.into(),
    };

    // The fetch floor first (the store's own caches warm for both).
    let client = sync::connect::client(url, true, &credentials, &options)?;
    let started = Instant::now();
    let mut pager = client.keyset_pager::<Products>(
        KeysetCursor::start(chrono::DateTime::UNIX_EPOCH),
        Utc::now(),
        PAGE_SIZE as u32,
    );
    let mut fetched = 0usize;
    while let Some(page) = pager.next_page().await? {
        fetched += page.page.items.len();
    }
    let floor = started.elapsed();

    let pool = super::sync::fresh_database(&db.pool, &base, "cartwise_bench_products").await?;
    let mut settings = ChannelSettings::new("Bench products", url);
    settings.page_size = PAGE_SIZE;
    settings.entities = vec![Entity::Customers, Entity::Products];
    let channel = store::channels::create(&pool, &cipher, &settings, &credentials, false).await?;
    super::reset_peak_rss();
    let started = Instant::now();
    let (_, outcome) =
        sync::worker::sync_and_wait(&pool, &cipher, channel, JobKind::Sync, &options).await?;
    let total = started.elapsed();
    let rss = super::peak_rss_mib().unwrap_or(f64::NAN);
    if outcome.status != JobStatus::Succeeded {
        bail!("the sync failed: {:?}", outcome.error);
    }
    let products = outcome
        .entities
        .iter()
        .find(|(e, _)| *e == Entity::Products)
        .map(|(_, c)| c.fetched)
        .unwrap_or_default();
    let customers = outcome
        .entities
        .iter()
        .find(|(e, _)| *e == Entity::Customers)
        .map(|(_, c)| c.fetched)
        .unwrap_or_default();
    println!(
        "\nfetch floor: {fetched} products in {:.2} s ({:.0}/s)",
        floor.as_secs_f64(),
        fetched as f64 / floor.as_secs_f64()
    );
    println!(
        "sync:        {products} products (+ {customers} customers, dictionaries, option labels) in {:.2} s ({:.0} products/s), {:.2} × the fetch floor",
        total.as_secs_f64(),
        products as f64 / total.as_secs_f64(),
        total.as_secs_f64() / floor.as_secs_f64()
    );
    println!("peak RSS of the sync: {rss:.0} MiB");
    pool.close().await;
    db.close().await?;
    Ok(())
}
