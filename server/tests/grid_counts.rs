//! The grids' maintained totals (`grid_counts`, kept by triggers) stay exactly `count(*)` through
//! real syncs of the demo store: the first sync, a sync during live changes (new carts and
//! orders, status changes, guest merges), a full re-read, and the channel's deletion.

use demo_store::{DemoStoreConfig, LiveConfig};
use domain::sync::{JobKind, JobStatus};
use domain::{ChannelSettings, Credentials};
use store::PgPool;
use store::secrets::Cipher;

const COUNTED: &[(&str, &[&str])] = &[
    ("carts", &["status"]),
    ("orders", &["state", "status", "is_guest"]),
    ("customers", &["is_guest"]),
    ("credit_memos", &["state"]),
    ("newsletter_subscribers", &["status"]),
];

type Counts = Vec<(String, i64, String, String, i64)>;

async fn maintained(pool: &PgPool) -> Counts {
    sqlx::query_as(
        "select table_name, channel_id, dimension, value, rows from grid_counts
         where rows <> 0 order by 1, 2, 3, 4",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

/// The counts recomputed from the rows, in a transaction that is rolled back.
async fn recounted(pool: &PgPool) -> Counts {
    let mut tx = pool.begin().await.unwrap();
    for (table, dims) in COUNTED {
        sqlx::query("select grid_counts_rebuild($1, variadic $2)")
            .bind(table)
            .bind(dims)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    let counts = sqlx::query_as(
        "select table_name, channel_id, dimension, value, rows from grid_counts
         where rows <> 0 order by 1, 2, 3, 4",
    )
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    tx.rollback().await.unwrap();
    counts
}

async fn sync(pool: &PgPool, cipher: &Cipher, channel: i64, kind: JobKind) {
    let (_, outcome) =
        sync::worker::sync_and_wait(pool, cipher, channel, kind, &Default::default())
            .await
            .unwrap();
    assert_eq!(outcome.status, JobStatus::Succeeded, "{:?}", outcome.error);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn maintained_grid_totals_equal_the_rows_through_syncs(pool: PgPool) {
    let config = DemoStoreConfig {
        scale: 300,
        live: Some(LiveConfig {
            events_per_second: 50.0,
        }),
        ..DemoStoreConfig::default()
    };
    let handle = demo_store::spawn(config, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("demo store starts");
    let cipher = Cipher::new(&[3u8; 32]);
    let settings = ChannelSettings::new("Counted demo", handle.base_url());
    let credentials = Credentials::Bearer {
        token: demo_store::DEMO_BEARER_TOKEN.to_string(),
    };
    let channel = store::channels::create(&pool, &cipher, &settings, &credentials, false)
        .await
        .unwrap();

    sync(&pool, &cipher, channel, JobKind::Sync).await;
    let after_first = maintained(&pool).await;
    assert!(
        after_first.iter().any(|(t, ..)| t == "carts"),
        "nothing counted: {after_first:?}"
    );
    assert_eq!(after_first, recounted(&pool).await, "after the first sync");

    // Live changes meanwhile, then an incremental sync and a full re-read.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    sync(&pool, &cipher, channel, JobKind::Sync).await;
    assert_eq!(
        maintained(&pool).await,
        recounted(&pool).await,
        "after an incremental sync"
    );
    sync(&pool, &cipher, channel, JobKind::Full).await;
    assert_eq!(
        maintained(&pool).await,
        recounted(&pool).await,
        "after a full sync"
    );

    // A user's status change, then the channel goes with its counts.
    let cart: i64 =
        sqlx::query_scalar("select id from carts where status in ('open', 'expired') limit 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    store::grid::cart_actions::mark_lost(&pool, cart)
        .await
        .unwrap();
    assert_eq!(
        maintained(&pool).await,
        recounted(&pool).await,
        "after marking a cart lost"
    );
    store::channels::delete(&pool, channel).await.unwrap();
    assert!(maintained(&pool).await.is_empty());
    handle.shutdown().await;
}
