//! Grid indexes dropped for a large history import come back exactly as they were.

use std::collections::BTreeMap;
use store::PgPool;
use store::sync_write::deferred_indexes::{
    DEFERRABLE, MIN_IMPORT, defer_for_import, restore, restore_orphans,
};

/// Every index of the deferrable tables, by name, as Postgres renders it.
async fn indexes(pool: &PgPool) -> BTreeMap<String, String> {
    let tables: Vec<&str> = DEFERRABLE.iter().map(|(t, _)| *t).collect();
    sqlx::query_as::<_, (String, String)>(
        "select indexname::text, indexdef from pg_indexes
         where schemaname = current_schema() and tablename = any($1)",
    )
    .bind(&tables)
    .fetch_all(pool)
    .await
    .unwrap()
    .into_iter()
    .collect()
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn every_deferrable_index_exists_and_none_is_a_key_the_sync_relies_on(pool: PgPool) {
    let all = indexes(&pool).await;
    for (table, names) in DEFERRABLE {
        for name in *names {
            let def = all
                .get(*name)
                .unwrap_or_else(|| panic!("{name} is listed as deferrable but does not exist"));
            assert!(def.contains(&format!(" ON public.{table} ")), "{def}");
            assert!(!def.starts_with("CREATE UNIQUE"), "{name} is a key: {def}");
        }
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_large_import_defers_grid_indexes_and_gets_them_back_identical(pool: PgPool) {
    let before = indexes(&pool).await;

    // Too small an import, or no table asked for: nothing changes.
    assert_eq!(
        defer_for_import(&pool, &["orders"], MIN_IMPORT - 1, None)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        defer_for_import(&pool, &[], MIN_IMPORT * 10, None)
            .await
            .unwrap(),
        0
    );
    assert_eq!(indexes(&pool).await, before);

    let n = defer_for_import(&pool, &["orders", "customers"], MIN_IMPORT, None)
        .await
        .unwrap();
    let listed = |t: &str| DEFERRABLE.iter().find(|(x, _)| *x == t).unwrap().1.len();
    assert_eq!(n, listed("orders") + listed("customers"));
    let during = indexes(&pool).await;
    assert!(!during.contains_key("orders_email_trgm_idx"));
    assert!(
        during.contains_key("orders_quote_idx"),
        "the sync's own lookups stay"
    );
    assert!(
        during.contains_key("carts_email_trgm_idx"),
        "other tables stay"
    );
    // Grids still answer, on scans.
    let found: i64 = sqlx::query_scalar("select count(*) from orders where email ilike '%ann%'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(found, 0);

    assert_eq!(restore(&pool, None).await.unwrap(), n);
    assert_eq!(indexes(&pool).await, before);
    let left: i64 = sqlx::query_scalar("select count(*) from deferred_indexes")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn what_a_dead_job_deferred_is_restored_by_the_next_sync(pool: PgPool) {
    let before = indexes(&pool).await;
    // Job 42 does not exist (its process died and its row is gone, or it never ran).
    let n = defer_for_import(&pool, &["carts"], MIN_IMPORT * 5, Some(42))
        .await
        .unwrap();
    assert!(n > 0);
    // Another job's restore leaves them alone...
    assert_eq!(restore(&pool, Some(7)).await.unwrap(), 0);
    assert_ne!(indexes(&pool).await, before);
    // ...the orphan sweep does not.
    assert_eq!(restore_orphans(&pool).await.unwrap(), n);
    assert_eq!(indexes(&pool).await, before);
}
