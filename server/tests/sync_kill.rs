//! A sync process killed with SIGKILL mid-run leaves committed pages behind and nothing else:
//! the next sync resumes from the last committed cursor, loses nothing and duplicates nothing.

mod common;

use base64::Engine;
use common::database_url;
use demo_store::DemoStoreConfig;
use domain::sync::{JobKind, JobStatus};
use domain::{ChannelSettings, Credentials, Entity};
use std::process::Stdio;
use std::time::{Duration, Instant};
use store::PgPool;
use store::secrets::Cipher;

const KEY: [u8; 32] = [8u8; 32];

async fn count(pool: &PgPool, table: &str, channel: i64) -> i64 {
    sqlx::query_scalar(&format!(
        "select count(*) from {table} where channel_id = $1"
    ))
    .bind(channel)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_sync_process_killed_with_sigkill_resumes_exactly(pool: PgPool) {
    let store = demo_store::spawn(
        DemoStoreConfig {
            seed: 3,
            scale: 3000,
            ..DemoStoreConfig::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let cipher = Cipher::new(&KEY);
    let mut settings = ChannelSettings::new("Killed store", store.base_url());
    settings.page_size = 20;
    let credentials = Credentials::Bearer {
        token: demo_store::DEMO_BEARER_TOKEN.into(),
    };
    let channel = store::channels::create(&pool, &cipher, &settings, &credentials, false)
        .await
        .unwrap();

    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_cartwise"))
        .args(["--log", "warn", "sync", "Killed store", "--wait"])
        .env("DATABASE_URL", database_url(&pool))
        .env(
            "CARTWISE_SECRET_KEY",
            base64::engine::general_purpose::STANDARD.encode(KEY),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start cartwise sync");

    // Wait until the child has committed a good share of orders, then kill it without warning.
    let started = Instant::now();
    while count(&pool, "orders", channel).await < 400 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the child never got going"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the child finished before it could be killed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let pid = nix::unistd::Pid::from_raw(child.id().unwrap() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL).unwrap();
    child.wait().await.unwrap();
    let before = count(&pool, "orders", channel).await;

    // Its job still says running; once its lock is gone the reaper fails it and queues a resume.
    tokio::time::sleep(Duration::from_millis(2200)).await;
    assert_eq!(
        store::jobs::reap_abandoned(&pool).await.unwrap(),
        vec![channel]
    );
    let (_, outcome) = sync::worker::sync_and_wait(
        &pool,
        &cipher,
        channel,
        JobKind::Sync,
        &sync::connect::ClientOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(outcome.status, JobStatus::Succeeded, "{:?}", outcome.error);

    let orders = outcome
        .entities
        .iter()
        .find(|(e, _)| *e == Entity::Orders)
        .unwrap()
        .1;
    assert!(
        orders.fetched < 3000,
        "the resume started over: {} orders fetched",
        orders.fetched
    );
    assert!(
        orders.counts.created as i64 <= 3000 - before + 20,
        "committed pages were written again"
    );
    // The store's numbers, read before any await (its lock is not held across them).
    let (orders_in_store, carts_in_store, memos_in_store, customers_in_store) = {
        let s = store.state();
        let state = s.read();
        (
            state.orders.len(),
            state.carts.len(),
            state.credit_memos.len(),
            state.customers.len(),
        )
    };
    assert_eq!(
        count(&pool, "orders", channel).await as usize,
        orders_in_store
    );
    assert_eq!(
        count(&pool, "carts", channel).await as usize,
        carts_in_store
    );
    assert_eq!(
        count(&pool, "credit_memos", channel).await as usize,
        memos_in_store
    );
    let registered: i64 =
        sqlx::query_scalar("select count(*) from customers where channel_id = $1 and not is_guest")
            .bind(channel)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(registered as usize, customers_in_store);
}
