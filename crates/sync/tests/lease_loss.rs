//! A run holds its channel through a lease: a session advisory lock on one connection. When
//! that connection dies (a network cut, a failover, a terminated backend), the lock dies with
//! it and the reaper may hand the channel to a new run. The old run must then stop and write
//! nothing more: no page beside the new run, no outcome over the reaper's or the new run's.
//! And a one-off re-read (the error log's Retry) never runs beside a sync of its channel.

mod common;

use chrono::Utc;
use common::*;
use domain::Entity;
use domain::sync::{JobKind, JobStatus, JobTrigger};
use std::time::{Duration, Instant};
use store::PgPool;
use tokio_util::sync::CancellationToken;

/// First key of the sync jobs' advisory locks (`store::jobs`).
const LOCK_SPACE: i64 = 0x5359_4e43;

/// The backend holding a channel's lock in this test's database, if any.
async fn lock_holder(pool: &PgPool, channel: i64) -> Option<i32> {
    sqlx::query_scalar(
        "select pid from pg_locks
         where locktype = 'advisory' and granted and objsubid = 2
           and classid::int8 = $1 and objid::int8 = $2
           and database = (select oid from pg_database where datname = current_database())",
    )
    .bind(LOCK_SPACE)
    .bind(channel)
    .fetch_optional(pool)
    .await
    .unwrap()
}

async fn job_status(pool: &PgPool, job: i64) -> (String, Option<String>) {
    sqlx::query_as("select status, error from sync_jobs where id = $1")
        .bind(job)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Records a job has fetched so far (its pages' progress counts).
async fn fetched_by(pool: &PgPool, job: i64) -> i64 {
    sqlx::query_scalar(
        "select coalesce(sum(fetched), 0)::int8 from sync_job_entities where job_id = $1",
    )
    .bind(job)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_run_that_loses_its_lease_stops_and_never_writes_over_the_run_that_replaced_it(
    pool: PgPool,
) {
    let store = spawn_store(small_store(1500)).await;
    let channel = add_channel(&pool, &store.base_url(), 20).await;
    store::jobs::enqueue(&pool, channel, JobKind::Sync, JobTrigger::Cli, None)
        .await
        .unwrap();
    let lease = store::jobs::claim(&pool, "old-worker", Some(channel))
        .await
        .unwrap()
        .unwrap();
    let old_job = lease.job.id;
    let old = {
        let pool = pool.clone();
        tokio::spawn(async move {
            sync::worker::run_leased(
                &pool,
                &cipher(),
                lease,
                &fast_client(),
                CancellationToken::new(),
            )
            .await
        })
    };
    let started = Instant::now();
    while orders_stored(&pool, channel).await < 100 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the sync never got going"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // The lease's connection dies; the channel's lock goes with it.
    let holder = lock_holder(&pool, channel)
        .await
        .expect("the run holds its channel");
    sqlx::query("select pg_terminate_backend($1)")
        .bind(holder)
        .execute(&pool)
        .await
        .unwrap();
    while lock_holder(&pool, channel).await.is_some() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // The case: the worker's heartbeats stopped reaching the database too, so the
    // reaper finds the job stale and its lock free at once, fails it and queues a resume.
    sqlx::query("update sync_jobs set heartbeat_at = now() - interval '1 minute' where id = $1")
        .bind(old_job)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        store::jobs::reap_abandoned(&pool).await.unwrap(),
        vec![channel]
    );
    let fetched_at_reap = fetched_by(&pool, old_job).await;

    // A new run takes the channel over while the old one may still be going.
    let new = sync(&pool, channel).await;
    assert_eq!(new.status, JobStatus::Succeeded, "{:?}", new.error);
    let old = tokio::time::timeout(Duration::from_secs(30), old)
        .await
        .expect("the old run stops")
        .unwrap();

    assert_eq!(
        old.status,
        JobStatus::Failed,
        "the old run reports its lost lease, not a success: {:?}",
        old.error
    );
    assert!(
        old.error
            .as_deref()
            .is_some_and(|e| e.contains("lost its hold")),
        "{:?}",
        old.error
    );
    let (status, error) = job_status(&pool, old_job).await;
    assert_eq!(
        status, "failed",
        "the old run wrote its outcome over the reaper's"
    );
    assert!(
        error.is_some_and(|e| e.contains("stopped unexpectedly")),
        "the reaper's reason stays"
    );
    assert_eq!(
        fetched_by(&pool, old_job).await,
        fetched_at_reap,
        "the old run committed pages after it was reaped"
    );
    let jobs: Vec<(i64, String)> =
        sqlx::query_as("select id, status from sync_jobs where channel_id = $1 order by id")
            .bind(channel)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(jobs.len(), 2, "{jobs:?}");
    assert_eq!(jobs[1].1, "succeeded", "{jobs:?}");
    let channel_status: String = sqlx::query_scalar("select status from channels where id = $1")
        .bind(channel)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(channel_status, "idle");
    assert_same(&expected(&store, Utc::now()), &actual(&pool, channel).await);
    assert_derived_figures_match_rows(&pool, channel).await;
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_record_retry_waits_for_a_sync_of_its_channel_and_gives_up_on_a_long_one(pool: PgPool) {
    let store = spawn_store(small_store(60)).await;
    let channel = add_channel(&pool, &store.base_url(), 50).await;
    let first = sync(&pool, channel).await;
    assert_eq!(first.status, JobStatus::Succeeded, "{:?}", first.error);
    let customer = i64::from(store.state().read().customers.iter().next().unwrap().id);
    let retry = || {
        let pool = pool.clone();
        tokio::spawn(async move {
            sync::retry::retry_one(
                &pool,
                &cipher(),
                channel,
                Entity::Customers,
                customer,
                &fast_client(),
            )
            .await
        })
    };

    // A sync holds the channel: the retry waits for it, then runs.
    store::jobs::enqueue(&pool, channel, JobKind::Sync, JobTrigger::Cli, None)
        .await
        .unwrap();
    let lease = store::jobs::claim(&pool, "syncing", Some(channel))
        .await
        .unwrap()
        .unwrap();
    let waiting = retry();
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(
        !waiting.is_finished(),
        "the retry ran beside a sync of its channel"
    );
    lease.release().await.unwrap();
    let counts = tokio::time::timeout(Duration::from_secs(5), waiting)
        .await
        .expect("the retry runs once the channel is free")
        .unwrap()
        .unwrap();
    assert_eq!(counts.fetched, 1);

    // A sync that keeps the channel longer than a click can wait: the retry says so.
    let mut holder = pool.acquire().await.unwrap();
    sqlx::query("select pg_advisory_lock($1::int4, $2::int4)")
        .bind(LOCK_SPACE)
        .bind(channel)
        .execute(&mut *holder)
        .await
        .unwrap();
    let started = Instant::now();
    let refused = tokio::time::timeout(Duration::from_secs(15), retry())
        .await
        .expect("the retry gives up")
        .unwrap()
        .expect_err("the retry waits for the sync, never beside it");
    assert!(
        refused
            .to_string()
            .contains("sync of this store is running"),
        "{refused:#}"
    );
    assert!(
        started.elapsed() >= Duration::from_secs(4),
        "it waited a while first"
    );
    sqlx::query("select pg_advisory_unlock_all()")
        .execute(&mut *holder)
        .await
        .unwrap();
}
