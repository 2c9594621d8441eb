//! A sync job belongs to the worker holding its lease (the channel's advisory lock, on one
//! connection). Only that worker, while its job is running, may keep it alive, write its pages
//! and record how it ended: a worker whose lease died cannot write over the reaper or over the
//! run that replaced it.

use domain::sync::{JobKind, JobStatus, JobTrigger};
use domain::{ChannelSettings, Credentials};
use std::time::Duration;
use store::PgPool;
use store::jobs::{self, Beat};
use store::secrets::Cipher;

async fn channel(pool: &PgPool) -> i64 {
    let settings = ChannelSettings::new("Shop", "https://shop.example.com");
    let credentials = Credentials::Bearer { token: "t".into() };
    store::channels::create(
        pool,
        &Cipher::new(&[3u8; 32]),
        &settings,
        &credentials,
        false,
    )
    .await
    .unwrap()
}

async fn status(pool: &PgPool, job: i64) -> String {
    sqlx::query_scalar("select status from sync_jobs where id = $1")
        .bind(job)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Kills the backend holding the channel's lock, as a network cut would.
async fn cut_lease(pool: &PgPool, channel: i64) {
    let pid: i32 = sqlx::query_scalar(
        "select pid from pg_locks
         where locktype = 'advisory' and granted and objsubid = 2
           and classid::int8 = 1398361667 and objid::int8 = $1
           and database = (select oid from pg_database where datname = current_database())",
    )
    .bind(channel)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query("select pg_terminate_backend($1, 5000)")
        .bind(pid)
        .execute(pool)
        .await
        .unwrap();
}

async fn page(pool: &PgPool, job: i64) -> store::Result<()> {
    let mut tx = pool.begin().await.unwrap();
    jobs::add_progress(&mut tx, job, "orders", None, 20, 20, 0, 0, 0).await?;
    tx.commit().await.unwrap();
    Ok(())
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn only_the_lease_holder_of_a_running_job_keeps_it_writes_it_and_ends_it(pool: PgPool) {
    let ch = channel(&pool).await;
    jobs::enqueue(&pool, ch, JobKind::Sync, JobTrigger::Cli, None)
        .await
        .unwrap();
    let mut old = jobs::claim(&pool, "worker-a", Some(ch))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(old.heartbeat().await.unwrap(), Beat::Alive);
    page(&pool, old.job.id).await.unwrap();

    // The lease's connection dies: its heartbeat and its outcome fail with it.
    cut_lease(&pool, ch).await;
    assert!(
        old.heartbeat().await.is_err(),
        "no heartbeat without the lock"
    );
    assert!(old.finish(JobStatus::Succeeded, None).await.is_err());
    assert_eq!(status(&pool, old.job.id).await, "running");

    // The reaper fails it and queues a resume, which another worker claims.
    sqlx::query("update sync_jobs set heartbeat_at = now() - interval '1 minute'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(jobs::reap_abandoned(&pool).await.unwrap(), vec![ch]);
    let mut new = jobs::claim(&pool, "worker-b", Some(ch))
        .await
        .unwrap()
        .unwrap();

    // The old worker, on any connection, can neither write a page nor record an outcome.
    assert!(matches!(
        page(&pool, old.job.id).await,
        Err(store::Error::Conflict(_))
    ));
    let mut conn = pool.acquire().await.unwrap();
    assert!(
        !jobs::finish(&mut conn, &old.job, JobStatus::Succeeded, None)
            .await
            .unwrap()
    );
    assert_eq!(status(&pool, old.job.id).await, "failed");
    // Nor can it end the new run's job under its own name.
    let mut impostor = new.job.clone();
    impostor.worker_id = "worker-a".into();
    assert!(
        !jobs::finish(&mut conn, &impostor, JobStatus::Failed, Some("no"))
            .await
            .unwrap()
    );
    assert_eq!(status(&pool, new.job.id).await, "running");

    // The new run's lease works: pages, cancel requests, its outcome, then it is no longer alive.
    page(&pool, new.job.id).await.unwrap();
    assert_eq!(new.heartbeat().await.unwrap(), Beat::Alive);
    assert!(jobs::request_cancel(&pool, ch).await.unwrap());
    assert_eq!(new.heartbeat().await.unwrap(), Beat::CancelRequested);
    assert!(new.finish(JobStatus::Canceled, None).await.unwrap());
    assert_eq!(status(&pool, new.job.id).await, "canceled");
    assert_eq!(new.heartbeat().await.unwrap(), Beat::Lost);
    assert!(!new.finish(JobStatus::Succeeded, None).await.unwrap());
    new.release().await.unwrap();
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_channel_lock_outside_jobs_waits_for_the_running_sync(pool: PgPool) {
    let ch = channel(&pool).await;
    jobs::enqueue(&pool, ch, JobKind::Sync, JobTrigger::Cli, None)
        .await
        .unwrap();
    let lease = jobs::claim(&pool, "worker-a", Some(ch))
        .await
        .unwrap()
        .unwrap();
    assert!(
        jobs::lock_channel(&pool, ch, Duration::from_millis(300))
            .await
            .unwrap()
            .is_none(),
        "a sync holds the channel"
    );
    let waiting = {
        let pool = pool.clone();
        tokio::spawn(async move { jobs::lock_channel(&pool, ch, Duration::from_secs(5)).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    lease.release().await.unwrap();
    let lock = waiting
        .await
        .unwrap()
        .unwrap()
        .expect("free once the sync ends");
    // While it is held, a worker cannot start the channel's next sync.
    jobs::enqueue(&pool, ch, JobKind::Sync, JobTrigger::Cli, None)
        .await
        .unwrap();
    sqlx::query("update sync_jobs set status = 'failed' where status = 'running'")
        .execute(&pool)
        .await
        .unwrap();
    assert!(
        jobs::claim(&pool, "worker-b", Some(ch))
            .await
            .unwrap()
            .is_none()
    );
    lock.release().await.unwrap();
}
