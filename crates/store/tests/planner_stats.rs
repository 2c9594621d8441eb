//! The sync keeps planner statistics fresh while it fills tables (see
//! `store::sync_write::planner_stats`): a table that has grown beyond its analyzed size is
//! analyzed again, so the planner sees its real size; small changes cost nothing.

use domain::Entity;
use std::time::{Duration, Instant};
use store::PgPool;
use store::sync_write::planner_stats::refresh_if_grown;

const CHANNEL: &str = "insert into channels (id, name, store_url, auth_kind, credentials, entities)
    values (1, 'Stats', 'https://stats.example', 'bearer', '\\x00', array['customers', 'orders'])";

async fn insert_orders(pool: &PgPool, from: i64, to: i64) {
    sqlx::query(
        "insert into orders (channel_id, magento_id, is_guest, email, magento_created_at)
         select 1, i, true, 'p' || i || '@example.com', now() from generate_series($1::int8, $2::int8) i",
    )
    .bind(from)
    .bind(to)
    .execute(pool)
    .await
    .unwrap();
}

/// Polls: table statistics reach the cumulative statistics system about once a second.
async fn refreshed_within(pool: &PgPool, entity: Entity, limit: Duration) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        if refresh_if_grown(pool, entity).await.unwrap() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn growth_beyond_the_analyzed_size_analyzes_and_small_changes_do_not(pool: PgPool) {
    sqlx::query(CHANNEL).execute(&pool).await.unwrap();
    insert_orders(&pool, 1, 200).await;
    assert!(
        !refreshed_within(&pool, Entity::Orders, Duration::from_secs(3)).await,
        "200 new rows are below the threshold"
    );

    insert_orders(&pool, 201, 20_000).await;
    assert!(refreshed_within(&pool, Entity::Orders, Duration::from_secs(15)).await);
    let reltuples: f32 =
        sqlx::query_scalar("select reltuples from pg_class where oid = 'orders'::regclass")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!((19_000.0..=21_000.0).contains(&reltuples), "{reltuples}");

    // 5,000 more is a quarter of the analyzed size: not yet.
    insert_orders(&pool, 20_001, 25_000).await;
    assert!(!refreshed_within(&pool, Entity::Orders, Duration::from_secs(3)).await);
}
