//! `cartwise bench sync`: an initial sync of the demo store, and the two floors it cannot beat,
//! measured in the same run on the same machine:
//! - the fetch floor: every page of every entity fetched and decoded, nothing written;
//! - the write floor: the same mapped records written in the same batches, nothing fetched.
//!
//! The demo store runs as a child process, so the peak RSS reported is the sync engine's own.
//!
//! With `--rules`, the channel gets the three automation rules before it first syncs (assign
//! abandoned carts of 50 or more round-robin to the Sales role, made of three Sales users; close
//! follow-ups uncontacted for 7 days as Lost; follow up first orders, round-robin too), so the
//! initial sync's end-of-run pass (`store::follow_ups::pass` then `store::rules::run`) runs them
//! over everything it brought in. Then:
//! - that pass is timed once more on its own right after the sync: the follow-up pass has
//!   nothing left to open, the rules take the next batch of the history's backlog (a rule
//!   handles at most 2,000 records a run, `store::rules`), so it is the in-run cost of a full batch; the rest
//!   of the backlog is then worked off (timed, untimed in the sync figures) so what follows
//!   sees the steady state;
//! - the rule pass over one sync page: rounds of one page of store changes (300 live events:
//!   registrations, carts, orders, refunds, …: under one page, 300 records, of each entity),
//!   each synced incrementally, alternately with the rules off and on (one untimed warm-up
//!   round first). Each round's sync reads exactly that round's changes: its entities' cursors
//!   are set to start at the round's first change, where a sync would start 5 minutes earlier
//!   (the overlap that re-reads late commits) and, rounds being seconds apart, re-read every
//!   earlier round. The overlap only adds re-read, unchanged records to a sync's time, so
//!   leaving it out makes the rules' share larger, not smaller. The sync waits for the second
//!   of the round's last change to end (it reads up to the last whole second). So that each
//!   page gives the rules the work a page brings, before each round the carts the CRM holds
//!   that are not yet abandoned become abandoned now (time would do it within the abandonment
//!   delay) and the follow-ups opened during these rounds are dated 8 days back (past the 7
//!   days of the Lost rule): each round's pass opens and assigns the previous page's carts,
//!   closes the previous round's follow-ups as Lost, and follows up the page's first orders.
//!   With the rules off the sync runs exactly as without rules (its follow-up pass included),
//!   and `store::rules::run` is then timed on its own: the same call on the same state as at
//!   the end of the run, so its time over the sync's is the rules' share of a one-page sync,
//!   the figure compared with the target (≤ 10 %). The rounds with the rules on give the
//!   end-to-end check: the median one-page sync with rules against without (noisier: two
//!   sets of rounds, each with its own page).

use crate::cli::GlobalArgs;
use crate::database::Database;
use anyhow::{Context, Result, bail};
use chrono::{Duration as ChronoDuration, Timelike, Utc};
use domain::sync::{JobKind, JobStatus};
use domain::{ChannelSettings, Credentials, Entity};
use magento::{Direction, Filter, KeysetCursor, SearchCriteria, SearchPage};
use std::time::{Duration, Instant};
use store::PgPool;
use store::secrets::Cipher;
use sync::connect::ClientOptions;
use sync::connectors::{
    CartsConnector, Connector, CreditMemosConnector, CustomersConnector, MappedPage,
    OrdersConnector, RunContext, map_page, write_page,
};
use sync::map::MapContext;
use tokio::io::AsyncBufReadExt;
use tokio_util::sync::CancellationToken;

const PAGE_SIZE: i32 = 300;

pub async fn run(global: &GlobalArgs, scale: usize, rules: bool) -> Result<()> {
    println!(
        "Cartwise sync benchmark: demo store with {scale} orders, page size {PAGE_SIZE}{}",
        if rules {
            ", with the three automation rules"
        } else {
            ""
        }
    );
    let (mut store_process, url) = start_demo_store(scale, &[]).await?;
    let result = measure(global, scale, &url, rules).await;
    let _ = store_process.kill().await;
    result
}

/// Starts `cartwise demo-store` on a free port (with `extra` arguments) and reads its address.
pub(crate) async fn start_demo_store(
    scale: usize,
    extra: &[&str],
) -> Result<(tokio::process::Child, String)> {
    let started = Instant::now();
    let mut child = tokio::process::Command::new(std::env::current_exe()?)
        .args([
            "--log",
            "warn",
            "demo-store",
            "--listen",
            "127.0.0.1:0",
            "--scale",
            &scale.to_string(),
        ])
        .args(extra)
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .context("starting the demo store")?;
    let stdout = child.stdout.take().context("demo store stdout")?;
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    while let Some(line) = lines.next_line().await? {
        if let Some(url) = line.strip_prefix("DEMO_STORE_URL=") {
            println!(
                "demo store ready in {:.1} s at {url}",
                started.elapsed().as_secs_f64()
            );
            // Keep draining its output so it never blocks on a full pipe.
            tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
            return Ok((child, url.to_string()));
        }
    }
    bail!("the demo store exited before printing its address")
}

/// Writes out what earlier phases left dirty, so that a measured phase does not pay for the
/// previous one's checkpoint (on this machine that was seconds of noise either way).
async fn checkpoint(admin: &PgPool) -> Result<()> {
    sqlx::query("checkpoint").execute(admin).await?;
    Ok(())
}

/// A fresh, migrated database in the benchmark's cluster.
pub(crate) async fn fresh_database(
    admin: &PgPool,
    base: &sqlx::postgres::PgConnectOptions,
    name: &str,
) -> Result<PgPool> {
    sqlx::query(&format!("drop database if exists {name} with (force)"))
        .execute(admin)
        .await?;
    sqlx::query(&format!("create database {name}"))
        .execute(admin)
        .await?;
    let pool = store::connect(base.clone().database(name), 16).await?;
    store::migrate(&pool).await?;
    Ok(pool)
}

async fn add_channel(pool: &PgPool, cipher: &Cipher, url: &str) -> Result<i64> {
    let mut settings = ChannelSettings::new("Bench sync", url);
    settings.page_size = PAGE_SIZE;
    let credentials = Credentials::Bearer {
        token: demo_store::DEMO_BEARER_TOKEN.into(),
    };
    Ok(store::channels::create(pool, cipher, &settings, &credentials, false).await?)
}

fn options() -> ClientOptions {
    ClientOptions {
        max_concurrent_requests: 4,
        ..ClientOptions::default()
    }
}

async fn measure(global: &GlobalArgs, scale: usize, url: &str, with_rules: bool) -> Result<()> {
    let db = Database::open(global).await?;
    let base = super::database_options(global)?;
    let cipher = Cipher::new(&[1u8; 32]);

    // 1. The sync itself, into an empty database.
    let sync_db = fresh_database(&db.pool, &base, "cartwise_bench_sync").await?;
    let channel = add_channel(&sync_db, &cipher, url).await?;
    let rules = if with_rules {
        add_rules(&sync_db, channel).await?
    } else {
        Vec::new()
    };
    checkpoint(&db.pool).await?;
    super::reset_peak_rss();
    let started = Instant::now();
    let (_, outcome) =
        sync::worker::sync_and_wait(&sync_db, &cipher, channel, JobKind::Sync, &options()).await?;
    let sync_time = started.elapsed();
    let sync_rss = super::peak_rss_mib().unwrap_or(f64::NAN);
    if outcome.status != JobStatus::Succeeded {
        bail!("the benchmark sync failed: {:?}", outcome.error);
    }
    let records: u64 = outcome.entities.iter().map(|(_, c)| c.fetched).sum();

    // 1a. The end-of-run pass once more, then the rest of the history's backlog.
    let after_sync = if with_rules {
        Some(rule_pass_after_sync(&sync_db, channel).await?)
    } else {
        None
    };

    // 1b. Incremental with nothing changed.
    let started = Instant::now();
    let (_, again) =
        sync::worker::sync_and_wait(&sync_db, &cipher, channel, JobKind::Sync, &options()).await?;
    let idle_time = started.elapsed();
    if again.status != JobStatus::Succeeded {
        bail!("the incremental sync failed: {:?}", again.error);
    }

    // 1c. Freshness: changes made in the store at random moments of a 30 s interval, with the
    // scheduler running, until they are in the CRM.
    let freshness = measure_freshness(&sync_db, &cipher, channel, url).await?;

    // 1d. One page of changes, synced with the rules off and on.
    let pages = if with_rules {
        Some(measure_pages(&db.pool, &sync_db, &cipher, channel, url, &rules).await?)
    } else {
        None
    };
    sync_db.close().await;

    // 2. The fetch floor: every page, decoded and mapped, nothing written.
    checkpoint(&db.pool).await?;
    super::reset_peak_rss();
    let client = sync::connect::client(
        url,
        true,
        &Credentials::Bearer {
            token: demo_store::DEMO_BEARER_TOKEN.into(),
        },
        &options(),
    )?;
    let started = Instant::now();
    let fetched = fetch_everything(&client).await?;
    let fetch_time = started.elapsed();

    // 3. The write floor: the same records, the same batches, into another empty database.
    let write_db = fresh_database(&db.pool, &base, "cartwise_bench_write").await?;
    let channel = add_channel(&write_db, &cipher, url).await?;
    sync::run::refresh_dictionaries(&write_db, &client, channel, false).await?;
    let ctx = RunContext {
        pool: write_db.clone(),
        client: client.clone(),
        careful_client: client.clone(),
        channel_id: channel,
        job_id: None,
        page_size: PAGE_SIZE as u32,
        start_date: None,
        store_ids: None,
        website_ids: None,
        map: MapContext {
            now: Utc::now(),
            cart_lifetime: ChronoDuration::days(30),
        },
        cancel: CancellationToken::new(),
        // The same rows as the sync's history import, written the same way.
        history: true,
    };
    checkpoint(&db.pool).await?;
    let started = Instant::now();
    write_everything(&ctx, fetched).await?;
    let write_time = started.elapsed();
    write_db.close().await;
    db.close().await?;

    let floor = fetch_time.max(write_time);
    println!();
    println!("{:<28} {:>10}", "entity", "records");
    for (entity, c) in &outcome.entities {
        println!("{:<28} {:>10}", entity.as_str(), c.fetched);
    }
    println!();
    println!(
        "initial sync            {:>8.2} s   {:>9.0} records/s   peak RSS {:.0} MiB",
        sync_time.as_secs_f64(),
        records as f64 / sync_time.as_secs_f64(),
        sync_rss
    );
    println!(
        "incremental, no change  {:>8.2} s   (target < 1 s)",
        idle_time.as_secs_f64()
    );
    println!(
        "store change → CRM      {:>8.1} s worst of {} (interval 30 s; target ≤ 32 s)",
        freshness.iter().cloned().fold(0.0, f64::max),
        freshness.len()
    );
    println!(
        "fetch floor (no writes) {:>8.2} s",
        fetch_time.as_secs_f64()
    );
    println!(
        "write floor (no fetch)  {:>8.2} s",
        write_time.as_secs_f64()
    );
    println!(
        "sync / slower floor     {:>8.2}   (target ≤ 1.3)",
        sync_time.as_secs_f64() / floor.as_secs_f64()
    );
    println!(
        "scale {scale}: {} orders in {:.1} s (target < 60 s for 100k)",
        outcome
            .entities
            .iter()
            .find(|(e, _)| *e == Entity::Orders)
            .map(|(_, c)| c.fetched)
            .unwrap_or(0),
        sync_time.as_secs_f64()
    );
    if let Some(after) = after_sync {
        after.report(sync_time);
    }
    if let Some(pages) = pages {
        pages.report();
    }
    Ok(())
}

/// The rules the bench gives its channel, by an administrator; the Sales users they hand work
/// to are made first. Returns the rules' ids.
async fn add_rules(pool: &PgPool, channel: i64) -> Result<Vec<i64>> {
    use domain::Role;
    use domain::rules::{Assignee, RuleKind, RuleSpec};
    use store::users::NewUser;
    let new_user = |email: &'static str, name: &'static str, role: Role| NewUser {
        email,
        name,
        role,
        password_hash: "!",
    };
    let admin = store::users::create(
        pool,
        new_user("admin@bench.invalid", "Bench admin", Role::Administrator),
    )
    .await?;
    for (email, name) in [
        ("sales1@bench.invalid", "Sales One"),
        ("sales2@bench.invalid", "Sales Two"),
        ("sales3@bench.invalid", "Sales Three"),
    ] {
        store::users::create(pool, new_user(email, name, Role::Sales)).await?;
    }
    let specs = [
        RuleSpec {
            channel_id: channel,
            kind: RuleKind::AssignAbandoned,
            min_total: Some(domain::Decimal::from(50)),
            assignee: Some(Assignee::RoundRobin(Role::Sales)),
            after_days: None,
        },
        RuleSpec {
            channel_id: channel,
            kind: RuleKind::LoseUncontacted,
            min_total: None,
            assignee: None,
            after_days: Some(7),
        },
        RuleSpec {
            channel_id: channel,
            kind: RuleKind::FollowUpFirstOrders,
            min_total: None,
            assignee: Some(Assignee::RoundRobin(Role::Sales)),
            after_days: None,
        },
    ];
    let mut ids = Vec::new();
    for spec in &specs {
        ids.push(store::rules::create(pool, spec, admin).await?);
    }
    Ok(ids)
}

/// The end-of-run pass, timed on its own after the initial sync, and the backlog after it.
struct AfterSync {
    /// What the initial sync's own pass fired the rules on.
    in_sync: i64,
    pass: Duration,
    opened: u64,
    rules: Duration,
    fired: u64,
    backlog: Duration,
    backlog_fired: u64,
    backlog_runs: u32,
    /// What the rules fired on in all, the initial sync's own pass included.
    firings: i64,
}

async fn rule_pass_after_sync(pool: &PgPool, channel: i64) -> Result<AfterSync> {
    let in_sync: i64 = sqlx::query_scalar("select count(*) from rule_firings")
        .fetch_one(pool)
        .await?;
    let started = Instant::now();
    let pass = store::follow_ups::pass(pool, channel).await?;
    let pass_time = started.elapsed();
    let started = Instant::now();
    let fired = store::rules::run(pool, channel).await?;
    let rules_time = started.elapsed();
    let started = Instant::now();
    let (mut backlog_fired, mut backlog_runs) = (0, 0);
    loop {
        let n = store::rules::run(pool, channel).await?;
        backlog_runs += 1;
        backlog_fired += n;
        if n == 0 {
            break;
        }
    }
    let backlog = started.elapsed();
    let firings: i64 = sqlx::query_scalar("select count(*) from rule_firings")
        .fetch_one(pool)
        .await?;
    Ok(AfterSync {
        in_sync,
        pass: pass_time,
        opened: pass.opened,
        rules: rules_time,
        fired,
        backlog,
        backlog_fired,
        backlog_runs,
        firings,
    })
}

impl AfterSync {
    fn report(&self, sync_time: Duration) {
        let pass = self.pass.as_secs_f64();
        let rules = self.rules.as_secs_f64();
        println!();
        println!(
            "the initial sync's end-of-run pass fired the rules on {} records (in the sync's time above);",
            self.in_sync
        );
        println!(
            "the pass timed again after it (a rule handles ≤ 2,000 records a run: this is the backlog's next batch, or the pass's fixed cost when none is left):"
        );
        println!(
            "  follow_ups::pass {:>8.1} ms ({} opened: the sync's own pass opened them)",
            pass * 1000.0,
            self.opened
        );
        println!(
            "  rules::run       {:>8.1} ms ({} firings)",
            rules * 1000.0,
            self.fired
        );
        println!(
            "  pass + rules     {:>8.1} ms = {:.1} % of the initial sync ({:.2} s)",
            (pass + rules) * 1000.0,
            100.0 * (pass + rules) / sync_time.as_secs_f64(),
            sync_time.as_secs_f64()
        );
        println!(
            "  rest of the backlog: {} firings in {} runs, {:.2} s; {} firings in all",
            self.backlog_fired,
            self.backlog_runs,
            self.backlog.as_secs_f64(),
            self.firings
        );
    }
}

/// Timed rounds of one page of changes each way, rules off and on alternately.
const PAGE_ROUNDS: usize = 8;

/// One round of one page of changes.
struct PageRound {
    with_rules: bool,
    sync: Duration,
    /// With the rules off: `store::rules::run` on its own after the sync, rule by rule (time,
    /// firings).
    rules: Option<Vec<(Duration, u64)>>,
    /// Records the sync fetched, by entity.
    fetched: Vec<(Entity, u64)>,
}

impl PageRound {
    /// The rule pass timed after the sync: its time and firings.
    fn rule_pass(&self) -> Option<(Duration, u64)> {
        self.rules.as_ref().map(|each| {
            each.iter()
                .fold((Duration::ZERO, 0), |(d, n), (rd, rn)| (d + *rd, n + rn))
        })
    }
}

struct Pages {
    rounds: Vec<PageRound>,
}

async fn measure_pages(
    admin: &PgPool,
    pool: &PgPool,
    cipher: &Cipher,
    channel: i64,
    url: &str,
    rules: &[i64],
) -> Result<Pages> {
    let http = reqwest::Client::new();
    let since: chrono::DateTime<Utc> = sqlx::query_scalar("select now()").fetch_one(pool).await?;
    let mut rounds = Vec::new();
    // Round 0 is a warm-up; then off, on, off, on…
    for round in 0..=2 * PAGE_ROUNDS {
        let with_rules = round % 2 == 0;
        // Time's work between two syncs: carts the CRM holds become abandoned, and the
        // follow-ups opened in these rounds pass the Lost rule's 7 days.
        sqlx::query(
            "update carts set abandon_at = now() - interval '1 second'
             where channel_id = $1 and status = 'open' and abandon_at > now()",
        )
        .bind(channel)
        .execute(pool)
        .await?;
        sqlx::query(
            "update cart_follow_ups set created_at = created_at - interval '8 days'
             where channel_id = $1 and closed_at is null and created_at >= $2",
        )
        .bind(channel)
        .bind(since)
        .execute(pool)
        .await?;
        // The store stamps changes to the second: the page's changes start in a second of
        // their own (the previous round's last change is over a second old by now).
        let first_change = Utc::now()
            .with_nanosecond(0)
            .context("the current second")?;
        http.post(format!("{url}/_demo/live/tick?n={PAGE_SIZE}"))
            .send()
            .await?
            .error_for_status()?;
        // The sync reads up to the last whole second: wait for the page's to end.
        tokio::time::sleep(Duration::from_millis(1_100)).await;
        // The sync starts at its cursor less the overlap: start it at this page.
        sqlx::query(
            "update sync_cursors set cursor_updated_at = $2, cursor_id = 0
             where channel_id = $1 and initial_done",
        )
        .bind(channel)
        .bind((first_change + sync::connectors::OVERLAP).naive_utc())
        .execute(pool)
        .await?;
        for id in rules {
            store::rules::set_enabled(pool, *id, with_rules).await?;
        }
        checkpoint(admin).await?;
        let started = Instant::now();
        let (_, outcome) =
            sync::worker::sync_and_wait(pool, cipher, channel, JobKind::Sync, &options()).await?;
        let sync_time = started.elapsed();
        if outcome.status != JobStatus::Succeeded {
            bail!("a one-page sync failed: {:?}", outcome.error);
        }
        let rules_time = if with_rules {
            None
        } else {
            // `store::rules::run` runs the channel's enabled rules in turn: one enabled at a
            // time, in that order, gives each rule's share of the pass.
            let mut each = Vec::new();
            for id in rules {
                store::rules::set_enabled(pool, *id, true).await?;
                let started = Instant::now();
                let fired = store::rules::run(pool, channel).await?;
                each.push((started.elapsed(), fired));
                store::rules::set_enabled(pool, *id, false).await?;
            }
            for id in rules {
                store::rules::set_enabled(pool, *id, true).await?;
            }
            Some(each)
        };
        if round > 0 {
            rounds.push(PageRound {
                with_rules,
                sync: sync_time,
                rules: rules_time,
                fetched: outcome
                    .entities
                    .iter()
                    .map(|(e, c)| (*e, c.fetched))
                    .collect(),
            });
        }
    }
    Ok(Pages { rounds })
}

impl Pages {
    fn report(&self) {
        let secs = |d: Duration| d.as_secs_f64();
        let sorted = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v
        };
        let off: Vec<&PageRound> = self.rounds.iter().filter(|r| !r.with_rules).collect();
        let on: Vec<&PageRound> = self.rounds.iter().filter(|r| r.with_rules).collect();
        let off_sync = sorted(off.iter().map(|r| secs(r.sync)).collect());
        let on_sync = sorted(on.iter().map(|r| secs(r.sync)).collect());
        let rule_times = sorted(
            off.iter()
                .filter_map(|r| r.rule_pass().map(|(d, _)| secs(d)))
                .collect(),
        );
        let shares = sorted(
            off.iter()
                .filter_map(|r| r.rule_pass().map(|(d, _)| secs(d) / secs(r.sync)))
                .collect(),
        );
        let fired: u64 = off
            .iter()
            .filter_map(|r| r.rule_pass().map(|(_, n)| n))
            .sum();
        let fetched = sorted(
            self.rounds
                .iter()
                .map(|r| r.fetched.iter().map(|(_, n)| *n as f64).sum())
                .collect(),
        );
        let med = |v: &[f64]| super::percentile(v, 50.0);
        let max = |v: &[f64]| v.last().copied().unwrap_or(f64::NAN);
        println!();
        println!(
            "one page of changes ({PAGE_SIZE} store events; the sync reads only them), by round:"
        );
        println!(
            "  {:<6} {:<6} {:>9} {:>10}  records fetched",
            "round", "rules", "sync ms", "rules ms"
        );
        for (i, r) in self.rounds.iter().enumerate() {
            println!(
                "  {:<6} {:<6} {:>9.0} {:>10}  {}",
                i + 1,
                if r.with_rules { "on" } else { "off" },
                secs(r.sync) * 1000.0,
                match r.rule_pass() {
                    Some((d, n)) => format!("{:.1} ({n})", secs(d) * 1000.0),
                    None => "in run".to_string(),
                },
                r.fetched
                    .iter()
                    .filter(|(_, n)| *n > 0)
                    .map(|(e, n)| format!("{} {n}", e.as_str()))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        println!(
            "one page of changes, median {:.0} records fetched, {} rounds each way:",
            med(&fetched),
            off.len()
        );
        println!(
            "  sync without rules      median {:>7.0} ms  (min {:.0}, max {:.0})",
            med(&off_sync) * 1000.0,
            off_sync.first().copied().unwrap_or(f64::NAN) * 1000.0,
            max(&off_sync) * 1000.0
        );
        println!(
            "  rules::run after it     median {:>7.1} ms  (max {:.1}; {:.0} firings a page)",
            med(&rule_times) * 1000.0,
            max(&rule_times) * 1000.0,
            fired as f64 / off.len().max(1) as f64
        );
        for (i, kind) in [
            "assign_abandoned",
            "lose_uncontacted",
            "follow_up_first_orders",
        ]
        .into_iter()
        .enumerate()
        {
            let each: Vec<(f64, u64)> = off
                .iter()
                .filter_map(|r| r.rules.as_ref()?.get(i).map(|(d, n)| (secs(*d), *n)))
                .collect();
            let times = sorted(each.iter().map(|x| x.0).collect());
            println!(
                "    {kind:<22} median {:>7.1} ms  ({:.0} firings a page)",
                med(&times) * 1000.0,
                each.iter().map(|x| x.1).sum::<u64>() as f64 / each.len().max(1) as f64
            );
        }
        println!(
            "  rules' share of a page  median {:>7.1} %   (max {:.1} %; target ≤ 10 %: {})",
            med(&shares) * 100.0,
            max(&shares) * 100.0,
            if max(&shares) <= 0.10 {
                "met"
            } else if med(&shares) <= 0.10 {
                "met at the median"
            } else {
                "NOT met"
            }
        );
        println!(
            "  sync with rules         median {:>7.0} ms  (min {:.0}, max {:.0})",
            med(&on_sync) * 1000.0,
            on_sync.first().copied().unwrap_or(f64::NAN) * 1000.0,
            max(&on_sync) * 1000.0
        );
        println!(
            "  with / without rules    {:>14.3}   (medians; end to end, noisier than the share)",
            med(&on_sync) / med(&off_sync)
        );
    }
}

/// Seconds from a change in the store to the CRM, for a few changes with the worker running.
async fn measure_freshness(
    pool: &PgPool,
    cipher: &Cipher,
    channel: i64,
    url: &str,
) -> Result<Vec<f64>> {
    sqlx::query("update channels set sync_interval_secs = 30, next_sync_at = now() + interval '30 seconds' where id = $1")
        .bind(channel)
        .execute(pool)
        .await?;
    let stop = CancellationToken::new();
    let worker = tokio::spawn(
        sync::Worker::new(pool.clone(), cipher.clone(), sync::WorkerConfig::default())
            .run_until_stopped(stop.clone()),
    );
    let http = reqwest::Client::new();
    let mut out = Vec::new();
    for delay in [7u64, 19, 29] {
        tokio::time::sleep(Duration::from_secs(delay)).await;
        let before: chrono::DateTime<Utc> =
            sqlx::query_scalar("select now()").fetch_one(pool).await?;
        let changed = Instant::now();
        http.post(format!("{url}/_demo/live/tick?n=3"))
            .send()
            .await?
            .error_for_status()?;
        loop {
            let seen: bool = sqlx::query_scalar(
                "select exists(select 1 from orders where channel_id = $1 and updated_at > $2)
                     or exists(select 1 from carts where channel_id = $1 and updated_at > $2)
                     or exists(select 1 from customers where channel_id = $1 and updated_at > $2)
                     or exists(select 1 from newsletter_subscribers where channel_id = $1 and updated_at > $2)",
            )
            .bind(channel)
            .bind(before)
            .fetch_one(pool)
            .await?;
            if seen {
                break;
            }
            if changed.elapsed() > Duration::from_secs(120) {
                bail!("a store change did not reach the CRM in 2 minutes");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        out.push(changed.elapsed().as_secs_f64());
    }
    stop.cancel();
    let _ = worker.await;
    Ok(out)
}

/// Every entity's pages, mapped, kept in memory for the write floor.
struct Fetched {
    customers: Vec<MappedPage<<CustomersConnector as Connector>::Record>>,
    carts: Vec<MappedPage<<CartsConnector as Connector>::Record>>,
    orders: Vec<MappedPage<<OrdersConnector as Connector>::Record>>,
    credit_memos: Vec<MappedPage<<CreditMemosConnector as Connector>::Record>>,
    subscribers: Vec<Vec<store::sync_write::SubscriberRecord>>,
}

async fn fetch_pages<C: Connector>(client: &magento::Client) -> Result<Vec<MappedPage<C::Record>>> {
    let ctx = MapContext {
        now: Utc::now(),
        cart_lifetime: ChronoDuration::days(30),
    };
    let mut pager = client.keyset_pager::<C::R>(
        KeysetCursor::start(chrono::DateTime::UNIX_EPOCH),
        Utc::now() - ChronoDuration::seconds(1),
        PAGE_SIZE as u32,
    );
    let mut pages = Vec::new();
    while let Some(page) = pager.next_page().await? {
        pages.push(map_page(page.page, |i, d| C::map(i, d, &ctx), C::item_id));
    }
    Ok(pages)
}

async fn fetch_everything(client: &magento::Client) -> Result<Fetched> {
    let customers = fetch_pages::<CustomersConnector>(client).await?;
    let carts = fetch_pages::<CartsConnector>(client).await?;
    let orders = fetch_pages::<OrdersConnector>(client).await?;
    let credit_memos = fetch_pages::<CreditMemosConnector>(client).await?;
    let mut subscribers = Vec::new();
    let mut last = 0i64;
    loop {
        let criteria = SearchCriteria::new()
            .filter(Filter::gt("subscriber_id", last))
            .sort("subscriber_id", Direction::Asc)
            .page_size(PAGE_SIZE as u32)
            .current_page(1);
        let page: SearchPage<magento::types::NewsletterSubscriber> = client
            .search("cartwise/newsletter-subscribers/search", &criteria)
            .await?;
        let n = page.items.len();
        let Some(max) = page.records().filter_map(|s| s.subscriber_id).max() else {
            break;
        };
        last = max;
        subscribers.push(
            map_page(page, sync::map::subscribers::subscriber, |s| {
                s.subscriber_id
            })
            .records,
        );
        if n < PAGE_SIZE as usize {
            break;
        }
    }
    Ok(Fetched {
        customers,
        carts,
        orders,
        credit_memos,
        subscribers,
    })
}

/// Consecutive pages joined the way the sync joins pages that wait for the database
/// (`sync::connectors::WRITE_BATCH`).
fn batches<R>(pages: Vec<MappedPage<R>>) -> Vec<MappedPage<R>> {
    let mut out: Vec<MappedPage<R>> = Vec::new();
    for page in pages {
        match out.last_mut() {
            Some(last)
                if last.records.len() + last.errors.len() < sync::connectors::WRITE_BATCH =>
            {
                last.records.extend(page.records);
                last.errors.extend(page.errors);
            }
            _ => out.push(page),
        }
    }
    out
}

/// Defers the grid indexes of `tables` for these pages, as the sync's history import does.
async fn defer<R>(ctx: &RunContext, tables: &[&str], pages: &[MappedPage<R>]) -> Result<()> {
    let incoming = pages.iter().map(|p| p.records.len() as i64).sum();
    store::sync_write::deferred_indexes::defer_for_import(&ctx.pool, tables, incoming, None)
        .await?;
    Ok(())
}

async fn write_everything(ctx: &RunContext, f: Fetched) -> Result<()> {
    let f = Fetched {
        customers: batches(f.customers),
        carts: batches(f.carts),
        orders: batches(f.orders),
        credit_memos: batches(f.credit_memos),
        subscribers: f.subscribers,
    };
    // As the sync's history import does: grid indexes are built once at the end.
    defer(ctx, CustomersConnector::DEFERRABLE_TABLES, &f.customers).await?;
    for page in f.customers {
        write_page::<CustomersConnector>(ctx, page, 0, None, None).await?;
    }
    defer(ctx, OrdersConnector::DEFERRABLE_TABLES, &f.orders).await?;
    for page in f.orders {
        write_page::<OrdersConnector>(ctx, page, 0, None, None).await?;
    }
    let mut tx = ctx.pool.begin().await?;
    OrdersConnector::finish_history(&mut tx, ctx.channel_id).await?;
    tx.commit().await?;
    // As the sync does: carts, with credit memos then subscribers beside them.
    defer(ctx, CartsConnector::DEFERRABLE_TABLES, &f.carts).await?;
    let carts = async {
        for page in f.carts {
            write_page::<CartsConnector>(ctx, page, 0, None, None).await?;
        }
        Ok::<_, anyhow::Error>(())
    };
    let others = async {
        for page in f.credit_memos {
            write_page::<CreditMemosConnector>(ctx, page, 0, None, None).await?;
        }
        for page in f.subscribers {
            let mut tx = ctx.pool.begin().await?;
            store::sync_write::subscribers::upsert(&mut tx, ctx.channel_id, &page).await?;
            tx.commit().await?;
            sync::connectors::refresh_planner_stats(&ctx.pool, Entity::NewsletterSubscribers);
        }
        Ok::<_, anyhow::Error>(())
    };
    tokio::try_join!(carts, others)?;
    store::sync_write::deferred_indexes::restore(&ctx.pool, None).await?;
    Ok(())
}
