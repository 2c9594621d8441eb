//! `cartwise demo-store`: the bundled Magento-compatible store, on its own. Prints its address
//! and credentials, then serves until Ctrl-C or SIGTERM.

use crate::cli::DemoStoreArgs;
use anyhow::Result;
use demo_store::{DemoStoreConfig, LiveConfig};

pub async fn run(args: DemoStoreArgs) -> Result<()> {
    let config = DemoStoreConfig {
        seed: args.seed,
        scale: args.scale,
        live: (args.live_rate > 0.0).then_some(LiveConfig {
            events_per_second: args.live_rate,
        }),
        // Benchmark products fill the catalogue up to the size asked for.
        extra_products: args
            .products
            .map(|n| n.saturating_sub(demo_store::base_product_count()) as u32)
            .unwrap_or(0),
        ..DemoStoreConfig::default()
    };
    let handle = demo_store::spawn(config, args.listen).await?;
    // The first line is machine-readable: benchmarks and scripts read the address from it.
    println!("DEMO_STORE_URL={}", handle.base_url());
    println!("Bearer token: {}", demo_store::DEMO_BEARER_TOKEN);
    println!(
        "Admin user: {} / {}",
        demo_store::DEMO_ADMIN_USER,
        demo_store::DEMO_ADMIN_PASSWORD
    );
    crate::serve::shutdown_signal().await;
    handle.shutdown().await;
    Ok(())
}
