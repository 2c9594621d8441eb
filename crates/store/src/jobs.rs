//! The sync job queue: a small Postgres queue claimed with `FOR UPDATE SKIP LOCKED`.
//!
//! Why not a queue crate: each job belongs to a channel and at most one may run per channel
//! across every cartwise process. Two partial unique indexes (one queued, one running job per
//! channel) enforce that in the database itself, and a session advisory lock held by the worker
//! for the whole run tells live jobs from the ones a crashed process left behind. That is a
//! few dozen lines here, and the job rows double as the sync history the console shows.

use crate::{Error, Result};
use chrono::{DateTime, Utc};
use domain::sync::{EntityProgress, JobKind, JobStatus, JobSummary, JobTrigger};
use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, PgPool, Postgres};

/// First key of the per-channel advisory locks held by running syncs.
const LOCK_SPACE: i32 = 0x5359_4e43; // "SYNC"

#[derive(Clone, Debug)]
pub struct ClaimedJob {
    pub id: i64,
    pub channel_id: i64,
    pub kind: JobKind,
    /// Who claimed it: only this worker may keep it alive or record how it ended.
    pub worker_id: String,
}

/// Queues a job, or returns the one already queued for the channel (a Full request upgrades a
/// queued Sync). Returns the job id.
pub async fn enqueue(
    pool: &PgPool,
    channel_id: i64,
    kind: JobKind,
    trigger: JobTrigger,
    requested_by: Option<i64>,
) -> Result<i64> {
    let inserted = sqlx::query_scalar!(
        r#"insert into sync_jobs (channel_id, kind, trigger, requested_by)
           values ($1, $2, $3, $4)
           on conflict (channel_id) where status = 'queued' do nothing
           returning id"#,
        channel_id,
        kind.as_str(),
        trigger.as_str(),
        requested_by
    )
    .fetch_optional(pool)
    .await;
    let inserted = match inserted {
        Ok(id) => id,
        Err(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => {
            return Err(Error::NotFound);
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(id) = inserted {
        return Ok(id);
    }
    let id = sqlx::query_scalar!(
        r#"update sync_jobs set
               kind = case when $2 = 'full' or kind = 'full' then 'full'
                           when $2 = 'sync' or kind = 'sync' then 'sync' else kind end,
               run_after = least(run_after, now()), updated_at = now()
           where channel_id = $1 and status = 'queued'
           returning id"#,
        channel_id,
        kind.as_str()
    )
    .fetch_optional(pool)
    .await?;
    // The queued job may have been claimed in between: queue again.
    match id {
        Some(id) => Ok(id),
        None => Box::pin(enqueue(pool, channel_id, kind, trigger, requested_by)).await,
    }
}

/// A claimed job and the connection holding its channel's advisory lock. The connection is
/// closed (never returned to the pool) when the lease is dropped, so an aborted run or a dead
/// process always frees the lock; [`reap_abandoned`] then recognises the job as dead.
pub struct JobLease {
    pub job: ClaimedJob,
    conn: PoolConnection<Postgres>,
}

/// What a heartbeat found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Beat {
    /// The job is still this worker's running job; keep going.
    Alive,
    /// A user asked the job to stop.
    CancelRequested,
    /// The job is no longer this worker's running job (the reaper failed it, another worker
    /// took the channel over): stop at once and record nothing.
    Lost,
}

impl JobLease {
    pub fn connection(&mut self) -> &mut PgConnection {
        &mut self.conn
    }

    /// Keeps the job alive. It runs on the lease's own connection, so that it succeeds only
    /// while this worker still holds the channel's lock: if that connection died (a network
    /// cut, a terminated backend, a database restart), the lock died with it and another
    /// worker may already run the channel, so an error here means the lease is gone too.
    pub async fn heartbeat(&mut self) -> Result<Beat> {
        let cancel = sqlx::query_scalar!(
            r#"update sync_jobs set heartbeat_at = now()
               where id = $1 and status = 'running' and worker_id = $2
               returning cancel_requested"#,
            self.job.id,
            self.job.worker_id
        )
        .fetch_optional(&mut *self.conn)
        .await?;
        Ok(match cancel {
            None => Beat::Lost,
            Some(true) => Beat::CancelRequested,
            Some(false) => Beat::Alive,
        })
    }

    /// Records how the job ended (see [`finish`]) on the lease's connection: a worker whose
    /// lock died with its connection cannot record anything.
    pub async fn finish(&mut self, status: JobStatus, error: Option<&str>) -> Result<bool> {
        finish(&mut self.conn, &self.job, status, error).await
    }

    /// Releases the advisory lock and returns the connection to the pool.
    pub async fn release(mut self) -> Result<()> {
        sqlx::query_scalar!(
            "select pg_advisory_unlock($1, $2::int4)",
            LOCK_SPACE,
            self.job.channel_id as i32
        )
        .fetch_one(&mut *self.conn)
        .await?;
        Ok(())
    }
}

/// A channel's lock held outside any job: a one-off re-read (the error log's Retry) takes it
/// so that it never writes beside a sync of the same channel. Like a lease, its connection is
/// closed when it is dropped, so the lock cannot outlive the caller.
pub struct ChannelLock {
    channel_id: i64,
    conn: PoolConnection<Postgres>,
}

impl ChannelLock {
    /// Releases the lock now (rather than when the connection closes).
    pub async fn release(mut self) -> Result<()> {
        sqlx::query_scalar!(
            "select pg_advisory_unlock($1, $2::int4)",
            LOCK_SPACE,
            self.channel_id as i32
        )
        .fetch_one(&mut *self.conn)
        .await?;
        Ok(())
    }
}

/// Takes a channel's lock, waiting up to `wait` for a sync that holds it to end. `None` when
/// it is still held then.
pub async fn lock_channel(
    pool: &PgPool,
    channel_id: i64,
    wait: std::time::Duration,
) -> Result<Option<ChannelLock>> {
    let deadline = std::time::Instant::now() + wait;
    let mut conn = pool.acquire().await?;
    conn.close_on_drop();
    loop {
        let locked = sqlx::query_scalar!(
            r#"select pg_try_advisory_lock($1, $2::int4) as "locked!""#,
            LOCK_SPACE,
            channel_id as i32
        )
        .fetch_one(&mut *conn)
        .await?;
        if locked {
            return Ok(Some(ChannelLock { channel_id, conn }));
        }
        if std::time::Instant::now() >= deadline {
            return Ok(None);
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// Claims the oldest due job of an active channel with nothing running, marks it running and
/// takes the channel's advisory lock. `None` when there is nothing to do.
pub async fn claim(
    pool: &PgPool,
    worker_id: &str,
    only_channel: Option<i64>,
) -> Result<Option<JobLease>> {
    let mut conn = pool.acquire().await?;
    loop {
        let claimed = sqlx::query!(
            r#"update sync_jobs set status = 'running', started_at = now(), heartbeat_at = now(),
                   worker_id = $1, updated_at = now()
               where id = (
                   select j.id from sync_jobs j join channels c on c.id = j.channel_id
                   where j.status = 'queued' and j.run_after <= now() and c.is_active
                     and ($2::int8 is null or j.channel_id = $2)
                     and not exists (select 1 from sync_jobs r
                                     where r.channel_id = j.channel_id and r.status = 'running')
                   order by j.run_after, j.id
                   for update of j skip locked
                   limit 1)
               returning id, channel_id, kind"#,
            worker_id,
            only_channel
        )
        .fetch_optional(&mut *conn)
        .await;
        let row = match claimed {
            Ok(row) => row,
            // Another process started this channel's job between our check and update.
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => continue,
            Err(e) => return Err(e.into()),
        };
        let Some(row) = row else { return Ok(None) };
        let locked = sqlx::query_scalar!(
            r#"select pg_try_advisory_lock($1, $2::int4) as "locked!""#,
            LOCK_SPACE,
            row.channel_id as i32
        )
        .fetch_one(&mut *conn)
        .await?;
        let job = ClaimedJob {
            id: row.id,
            channel_id: row.channel_id,
            kind: JobKind::parse(&row.kind).unwrap_or(JobKind::Sync),
            worker_id: worker_id.to_string(),
        };
        if !locked {
            // A previous run of this channel is still alive somewhere: give the job back.
            sqlx::query!(
                "update sync_jobs set status = 'queued', started_at = null, worker_id = null, run_after = now() + interval '5 seconds' where id = $1",
                job.id
            )
            .execute(&mut *conn)
            .await?;
            return Ok(None);
        }
        // Back in the pool the connection would keep holding the lock: close it instead.
        conn.close_on_drop();
        return Ok(Some(JobLease { job, conn }));
    }
}

/// Finds running jobs whose worker is gone (its advisory lock is free), fails them and queues a
/// sync that resumes from the committed cursors. Returns the channels resumed.
pub async fn reap_abandoned(pool: &PgPool) -> Result<Vec<i64>> {
    let running = sqlx::query!(
        "select id, channel_id from sync_jobs where status = 'running' and heartbeat_at < now() - interval '2 seconds'"
    )
    .fetch_all(pool)
    .await?;
    let mut resumed = Vec::new();
    for job in running {
        let mut conn = pool.acquire().await?;
        let free = sqlx::query_scalar!(
            r#"select pg_try_advisory_lock($1, $2::int4) as "free!""#,
            LOCK_SPACE,
            job.channel_id as i32
        )
        .fetch_one(&mut *conn)
        .await?;
        if !free {
            continue;
        }
        let failed = sqlx::query!(
            r#"update sync_jobs set status = 'failed', finished_at = now(), updated_at = now(),
                   error = 'The worker running this sync stopped unexpectedly; a new sync resumes from the last committed page.'
               where id = $1 and status = 'running'"#,
            job.id
        )
        .execute(&mut *conn)
        .await?;
        sqlx::query_scalar!(
            "select pg_advisory_unlock($1, $2::int4)",
            LOCK_SPACE,
            job.channel_id as i32
        )
        .fetch_one(&mut *conn)
        .await?;
        if failed.rows_affected() > 0 {
            tracing::warn!(
                job = job.id,
                channel = job.channel_id,
                "abandoned sync job reaped"
            );
            enqueue(
                pool,
                job.channel_id,
                JobKind::Sync,
                JobTrigger::Schedule,
                None,
            )
            .await?;
            resumed.push(job.channel_id);
        }
    }
    Ok(resumed)
}

/// Records how a job ended, if it is still `job`'s worker's running job. Returns false when it
/// is not (the reaper failed it after this worker lost its lease, and a new run may be under
/// way): a late worker must never write its outcome over the reaper's or a newer run's.
/// Workers call it through [`JobLease::finish`], so that it also needs the lock's connection.
pub async fn finish(
    db: &mut PgConnection,
    job: &ClaimedJob,
    status: JobStatus,
    error: Option<&str>,
) -> Result<bool> {
    let done = sqlx::query!(
        r#"update sync_jobs set status = $3, error = $4, finished_at = now(), updated_at = now()
           where id = $1 and status = 'running' and worker_id = $2"#,
        job.id,
        job.worker_id,
        status.as_str(),
        error
    )
    .execute(&mut *db)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Asks a queued or running job to stop. A queued job is canceled at once.
pub async fn request_cancel(pool: &PgPool, channel_id: i64) -> Result<bool> {
    let queued = sqlx::query!(
        r#"update sync_jobs set status = 'canceled', finished_at = now(), updated_at = now(),
               error = 'Canceled before it started.'
           where channel_id = $1 and status = 'queued'"#,
        channel_id
    )
    .execute(pool)
    .await?;
    let running = sqlx::query!(
        "update sync_jobs set cancel_requested = true, updated_at = now() where channel_id = $1 and status = 'running'",
        channel_id
    )
    .execute(pool)
    .await?;
    Ok(queued.rows_affected() + running.rows_affected() > 0)
}

/// Queues a scheduled sync for every active channel whose next sync is due, and moves its next
/// time one interval on. Safe from several processes (one queued job per channel).
pub async fn schedule_due(pool: &PgPool) -> Result<Vec<i64>> {
    let due = sqlx::query_scalar!(
        r#"update channels set next_sync_at = now() + make_interval(secs => sync_interval_secs)
           where id in (select id from channels
                        where is_active and status <> 'access_rejected'
                          and coalesce(next_sync_at, now()) <= now()
                        for update skip locked)
           returning id"#
    )
    .fetch_all(pool)
    .await?;
    for channel in &due {
        enqueue(pool, *channel, JobKind::Sync, JobTrigger::Schedule, None).await?;
    }
    Ok(due)
}

/// Adds to an entity's counts within a job (called once per page, in the page's transaction).
///
/// It is also the page's fence: it fails unless the job is still running, so a worker that
/// lost its lease (and whose job the reaper failed) cannot commit a page beside the run that
/// replaced it. The job row is share-locked until the page commits, so the reaper's update
/// waits for a page in flight rather than slipping in between its check and its commit.
#[allow(clippy::too_many_arguments)]
pub async fn add_progress(
    db: &mut PgConnection,
    job_id: i64,
    entity: &str,
    total: Option<i64>,
    fetched: i64,
    created: i64,
    updated: i64,
    unchanged: i64,
    failed: i64,
) -> Result<()> {
    let written = sqlx::query_scalar!(
        r#"with job as (select id from sync_jobs where id = $1 and status = 'running' for share)
           insert into sync_job_entities (job_id, entity, total, fetched, created, updated,
               unchanged, failed, started_at)
           select job.id, $2, $3, $4, $5, $6, $7, $8, now() from job
           on conflict (job_id, entity) do update set
               total = coalesce(excluded.total, sync_job_entities.total),
               fetched = sync_job_entities.fetched + excluded.fetched,
               created = sync_job_entities.created + excluded.created,
               updated = sync_job_entities.updated + excluded.updated,
               unchanged = sync_job_entities.unchanged + excluded.unchanged,
               failed = sync_job_entities.failed + excluded.failed,
               updated_at = now()
           returning job_id"#,
        job_id,
        entity,
        total,
        fetched,
        created,
        updated,
        unchanged,
        failed
    )
    .fetch_optional(&mut *db)
    .await?;
    match written {
        Some(_) => Ok(()),
        None => Err(Error::Conflict(
            "this sync job is no longer running: another run has taken its channel over".into(),
        )),
    }
}

pub async fn finish_entity(pool: &PgPool, job_id: i64, entity: &str) -> Result<()> {
    sqlx::query!(
        r#"insert into sync_job_entities (job_id, entity, started_at, finished_at)
           values ($1, $2, now(), now())
           on conflict (job_id, entity) do update set finished_at = now(), updated_at = now()"#,
        job_id,
        entity
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// A channel's jobs, newest first, with their per-entity progress.
pub async fn history(
    pool: &PgPool,
    channel_id: i64,
    limit: i64,
    offset: i64,
) -> Result<(Vec<JobSummary>, i64)> {
    let jobs = sqlx::query!(
        r#"select id, channel_id, kind, status, trigger, created_at, started_at, finished_at, error
           from sync_jobs where channel_id = $1 order by id desc limit $2 offset $3"#,
        channel_id,
        limit,
        offset
    )
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar!(
        r#"select count(*) as "n!" from sync_jobs where channel_id = $1"#,
        channel_id
    )
    .fetch_one(pool)
    .await?;
    let ids: Vec<i64> = jobs.iter().map(|j| j.id).collect();
    let mut progress = entity_progress(pool, &ids).await?;
    let summaries = jobs
        .into_iter()
        .map(|j| JobSummary {
            id: j.id,
            channel_id: j.channel_id,
            kind: JobKind::parse(&j.kind).unwrap_or(JobKind::Sync),
            status: JobStatus::parse(&j.status).unwrap_or(JobStatus::Failed),
            trigger: JobTrigger::parse(&j.trigger).unwrap_or(JobTrigger::Schedule),
            created_at: j.created_at,
            started_at: j.started_at,
            finished_at: j.finished_at,
            error: j.error,
            entities: progress.remove(&j.id).unwrap_or_default(),
        })
        .collect();
    Ok((summaries, total))
}

/// One job with its progress.
pub async fn get(pool: &PgPool, job_id: i64) -> Result<JobSummary> {
    let channel_id = sqlx::query_scalar!("select channel_id from sync_jobs where id = $1", job_id)
        .fetch_optional(pool)
        .await?
        .ok_or(Error::NotFound)?;
    let (jobs, _) = history_from(pool, channel_id, job_id).await?;
    jobs.into_iter().next().ok_or(Error::NotFound)
}

async fn history_from(
    pool: &PgPool,
    channel_id: i64,
    job_id: i64,
) -> Result<(Vec<JobSummary>, i64)> {
    let (jobs, total) = history(pool, channel_id, 1_000, 0).await?;
    Ok((jobs.into_iter().filter(|j| j.id == job_id).collect(), total))
}

/// The newest job of a channel (running, queued or finished), if any.
pub async fn latest(pool: &PgPool, channel_id: i64) -> Result<Option<JobSummary>> {
    Ok(history(pool, channel_id, 1, 0).await?.0.into_iter().next())
}

async fn entity_progress(
    pool: &PgPool,
    job_ids: &[i64],
) -> Result<std::collections::HashMap<i64, Vec<EntityProgress>>> {
    let rows = sqlx::query!(
        r#"select job_id, entity, total, fetched, created, updated, unchanged, failed,
               started_at, finished_at
           from sync_job_entities where job_id = any($1) order by job_id, started_at nulls last, entity"#,
        job_ids
    )
    .fetch_all(pool)
    .await?;
    let mut map: std::collections::HashMap<i64, Vec<EntityProgress>> = Default::default();
    for r in rows {
        map.entry(r.job_id).or_default().push(EntityProgress {
            entity: r.entity,
            total: r.total,
            fetched: r.fetched,
            created: r.created,
            updated: r.updated,
            unchanged: r.unchanged,
            failed: r.failed,
            started_at: r.started_at,
            finished_at: r.finished_at,
        });
    }
    Ok(map)
}

/// When the last job of each channel finished successfully (for the channel list's "age").
pub async fn mark_channel_synced(
    pool: &PgPool,
    channel_id: i64,
    started: DateTime<Utc>,
) -> Result<()> {
    sqlx::query!(
        r#"update channels set last_success_at = now(), last_sync_started_at = $2,
               status = 'idle', status_message = null, updated_at = now()
           where id = $1"#,
        channel_id,
        started
    )
    .execute(pool)
    .await?;
    Ok(())
}
