//! Throughput of the demo store as the sync engine uses it.
//!
//! `cargo bench -p demo-store` (release build). Environment:
//! - `DEMO_BENCH_SCALE` orders to generate (default 100000);
//! - `DEMO_BENCH_PAGE` page size (default 300).
//!
//! Reports generation time and memory, then one sequential client reading every order with
//! the keyset algorithm of magento-api.md §7.1 (tie phase + advance phase, full records),
//! and an id scan (`fields=items[entity_id]`, keyset on `entity_id gt`).

use std::collections::HashSet;
use std::time::Instant;

use demo_store::{DEMO_BEARER_TOKEN, DemoStoreConfig};
use serde::Deserialize;

#[derive(Deserialize)]
struct Page {
    items: Vec<Item>,
    total_count: u64,
}

#[derive(Deserialize)]
struct Item {
    /// Customers and carts call their id `id`.
    #[serde(alias = "id")]
    entity_id: u32,
    #[serde(default)]
    updated_at: Option<String>,
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

fn filter(g: usize, field: &str, value: &str, cond: &str) -> String {
    let v: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
    format!(
        "searchCriteria[filter_groups][{g}][filters][0][field]={field}&searchCriteria[filter_groups][{g}][filters][0][value]={v}&searchCriteria[filter_groups][{g}][filters][0][condition_type]={cond}"
    )
}

struct Client {
    http: reqwest::Client,
    base: String,
    bytes: usize,
    requests: usize,
}

impl Client {
    async fn page(&mut self, path: &str, query: &str) -> Page {
        let url = format!("{}/rest/V1/{path}?{query}", self.base);
        let resp = self
            .http
            .get(&url)
            .bearer_auth(DEMO_BEARER_TOKEN)
            .send()
            .await
            .expect("request");
        assert!(resp.status().is_success(), "{} for {url}", resp.status());
        let body = resp.bytes().await.expect("body");
        self.bytes += body.len();
        self.requests += 1;
        serde_json::from_slice(&body).expect("page json")
    }

    /// Keyset sync of an entity: returns every id seen, once.
    async fn keyset(&mut self, path: &str, page_size: usize, upper: &str) -> Vec<u32> {
        let sort = "searchCriteria[sortOrders][0][field]=updated_at&searchCriteria[sortOrders][0][direction]=ASC&searchCriteria[sortOrders][1][field]=entity_id&searchCriteria[sortOrders][1][direction]=ASC";
        let by_id = "searchCriteria[sortOrders][0][field]=entity_id&searchCriteria[sortOrders][0][direction]=ASC";
        let (mut t, mut last) = ("1970-01-01 00:00:00".to_string(), 0u32);
        let mut ids = Vec::new();
        loop {
            // Tie phase: rows sharing the cursor's second after the last id.
            loop {
                let q = format!(
                    "{}&{}&{by_id}&searchCriteria[pageSize]={page_size}&searchCriteria[currentPage]=1",
                    filter(0, "updated_at", &t, "eq"),
                    filter(1, "entity_id", &last.to_string(), "gt")
                );
                let page = self.page(path, &q).await;
                let n = page.items.len();
                if let Some(item) = page.items.last() {
                    last = item.entity_id;
                }
                ids.extend(page.items.iter().map(|i| i.entity_id));
                if n < page_size {
                    break;
                }
            }
            // Advance phase.
            let q = format!(
                "{}&{}&{sort}&searchCriteria[pageSize]={page_size}&searchCriteria[currentPage]=1",
                filter(0, "updated_at", &t, "gt"),
                filter(1, "updated_at", upper, "lteq")
            );
            let page = self.page(path, &q).await;
            let Some(item) = page.items.last() else { break };
            t = item.updated_at.clone().expect("updated_at");
            last = item.entity_id;
            ids.extend(page.items.iter().map(|i| i.entity_id));
        }
        ids
    }

    async fn id_scan(&mut self, path: &str, page_size: usize) -> Vec<u32> {
        let mut last = 0u32;
        let mut ids = Vec::new();
        loop {
            let q = format!(
                "{}&searchCriteria[sortOrders][0][field]=entity_id&searchCriteria[sortOrders][0][direction]=ASC&searchCriteria[pageSize]={page_size}&fields=items[entity_id],total_count",
                filter(0, "entity_id", &last.to_string(), "gt")
            );
            let page = self.page(path, &q).await;
            let _ = page.total_count;
            let Some(item) = page.items.last() else { break };
            last = item.entity_id;
            ids.extend(page.items.iter().map(|i| i.entity_id));
        }
        ids
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let scale = env("DEMO_BENCH_SCALE", 100_000);
    let page_size = env("DEMO_BENCH_PAGE", 300);
    let config = DemoStoreConfig {
        scale,
        seed: 7,
        ..DemoStoreConfig::default()
    };

    let rss_before = rss_mb();
    let started = Instant::now();
    let handle = demo_store::spawn(config, "127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("spawn");
    let generation = started.elapsed();
    let stats = handle.state().stats();
    println!(
        "generated scale {scale}: {} orders, {} carts, {} customers, {} credit memos, {} subscribers in {:.2} s; RSS +{:.0} MB",
        stats.orders,
        stats.carts,
        stats.customers,
        stats.creditmemos,
        stats.subscribers,
        generation.as_secs_f64(),
        rss_mb() - rss_before
    );

    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .build()
        .expect("client");
    let mut client = Client {
        http,
        base: handle.base_url(),
        bytes: 0,
        requests: 0,
    };
    let upper = handle.state().read().now().to_string();

    let started = Instant::now();
    let ids = client.keyset("orders", page_size, &upper).await;
    let secs = started.elapsed().as_secs_f64();
    let unique: HashSet<u32> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "an order was served twice");
    assert_eq!(ids.len(), stats.orders, "an order was missed");
    println!(
        "orders keyset (full records, page {page_size}): {} records in {secs:.2} s = {:.0} records/s, {} requests, {:.0} MB ({:.0} MB/s)",
        ids.len(),
        ids.len() as f64 / secs,
        client.requests,
        client.bytes as f64 / 1e6,
        client.bytes as f64 / 1e6 / secs
    );

    for entity in ["customers/search", "carts/search"] {
        let (bytes, requests) = (client.bytes, client.requests);
        let started = Instant::now();
        let ids = client.keyset(entity, page_size, &upper).await;
        let secs = started.elapsed().as_secs_f64();
        println!(
            "{entity} keyset: {} records in {secs:.2} s = {:.0} records/s, {} requests, {:.0} MB",
            ids.len(),
            ids.len() as f64 / secs,
            client.requests - requests,
            (client.bytes - bytes) as f64 / 1e6
        );
    }

    let started = Instant::now();
    let ids = client.id_scan("orders", page_size).await;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "orders id scan (fields=items[entity_id]): {} ids in {secs:.2} s = {:.0} ids/s",
        ids.len(),
        ids.len() as f64 / secs
    );
    handle.shutdown().await;
}
