//! Faults around `cartwise serve`, with real processes on loopback: Postgres restarted under
//! it (and under a sync), two `serve` processes on one database, and `serve` killed with
//! SIGKILL in the middle of a sync and of a store action. Each test is bounded (about a
//! minute at most) and they run one at a time: they start processes and sync thousands of
//! records, which two cores cannot do twice at once in time.

mod common;
mod harness;
#[path = "../../crates/sync/tests/common/mod.rs"]
mod sync_common;

use chrono::Utc;
use common::database_url;
use demo_store::{DemoStoreConfig, DemoStoreHandle, PlaceOrderFaults};
use domain::actions::{ActionCommand, ActionResult, ActionState};
use domain::sync::{JobKind, JobTrigger};
use domain::{ChannelSettings, Credentials, Decimal};
use harness::*;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use store::PgPool;
use store::grid::Tz;
use store::secrets::Cipher;
use sync_common::{assert_derived_figures_match_rows, assert_same};

const KEY: [u8; 32] = [11u8; 32];

/// One fault test at a time (see the module's comment).
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn demo(seed: u64, scale: usize) -> DemoStoreHandle {
    demo_store::spawn(
        DemoStoreConfig {
            seed,
            scale,
            ..DemoStoreConfig::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap()
}

async fn add_channel(pool: &PgPool, name: &str, store: &DemoStoreHandle) -> i64 {
    let mut settings = ChannelSettings::new(name, store.base_url());
    settings.page_size = 20;
    let credentials = Credentials::Bearer {
        token: demo_store::DEMO_BEARER_TOKEN.into(),
    };
    store::channels::create(pool, &Cipher::new(&KEY), &settings, &credentials, false)
        .await
        .unwrap()
}

/// The CRM holds exactly what the store holds, and the figures derived from it agree.
async fn assert_exact(pool: &PgPool, channel: i64, store: &DemoStoreHandle) {
    assert_same(
        &sync_common::expected(store, Utc::now()),
        &sync_common::actual(pool, channel).await,
    );
    assert_derived_figures_match_rows(pool, channel).await;
}

/// Orders the newest succeeded job of a channel fetched, once one succeeded after `after`.
async fn succeeded_after(pool: &PgPool, channel: i64, after: i64) -> Option<(i64, i64)> {
    sqlx::query_as(
        "select j.id, coalesce((select fetched from sync_job_entities e
                                where e.job_id = j.id and e.entity = 'orders'), 0)
         from sync_jobs j
         where j.channel_id = $1 and j.id > $2 and j.status = 'succeeded'
         order by j.id desc limit 1",
    )
    .bind(channel)
    .bind(after)
    .fetch_optional(pool)
    .await
    .ok()
    .flatten()
}

async fn job_row(pool: &PgPool, job: i64) -> (String, Option<String>) {
    sqlx::query_as("select status, error from sync_jobs where id = $1")
        .bind(job)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// While Postgres is down, what the app answers: /health and a signed-in page both say 503,
/// quickly. Returns how long the slower of the two took.
async fn answers_503_while_down(serve: &Serve, cookie: &str) -> Duration {
    let (health, health_took) = probe(&serve.url("/health"), None).await;
    let (page, page_took) = probe(&serve.url("/"), Some(cookie)).await;
    assert_eq!(health, Some(503), "/health while Postgres is down");
    assert_eq!(page, Some(503), "a page while Postgres is down");
    let slowest = health_took.max(page_took);
    assert!(slowest < Duration::from_secs(5), "503 took {slowest:?}");
    slowest
}

/// After Postgres is back: how long until /health says 200 again (the same process).
async fn recovers(serve: &mut Serve) -> Duration {
    let took = wait_until(Duration::from_secs(10), "/health recovers", || async {
        probe(&serve.url("/health"), None).await.0 == Some(200)
    })
    .await;
    assert!(serve.is_running(), "serve stayed up");
    took
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restarts_under_serve_and_under_a_sync_and_both_recover_by_themselves() {
    let _turn = TURN.lock().await;
    let dir = open_tempdir();
    let cluster = Cluster::start(&dir.path().join("pg")).await;
    let mut front = TcpFront::open(&cluster).await;
    let pool = PgPool::connect(&cluster.url).await.unwrap();
    store::migrate(&pool).await.unwrap();
    // One serve on the cluster's Unix socket (the embedded setup), one over TCP (production).
    let mut local = Serve::start(&cluster.url, &KEY, dir.path(), "serve-socket").await;
    let mut remote = Serve::start(&front.url(), &KEY, dir.path(), "serve-tcp").await;
    let cookie = local.sign_in().await;
    for serve in [&local, &remote] {
        assert_eq!(probe(&serve.url("/"), Some(&cookie)).await.0, Some(200));
    }

    // 1. Postgres restarts while both are idle.
    cluster.stop().await;
    front.close();
    let down = [
        answers_503_while_down(&local, &cookie).await,
        answers_503_while_down(&remote, &cookie).await,
    ];
    cluster.start_again().await;
    front.reopen().await;
    let up = [recovers(&mut local).await, recovers(&mut remote).await];
    for serve in [&local, &remote] {
        assert_eq!(
            probe(&serve.url("/"), Some(&cookie)).await.0,
            Some(200),
            "the session survives"
        );
    }
    eprintln!(
        "restart under idle serves (socket, tcp): 503 within {down:?}; /health 200 again {up:?} after the start"
    );

    // 2. Postgres restarts in the middle of a sync (a scheduler queues one for a new channel
    // at once).
    let store = demo(21, 2000).await;
    let channel = add_channel(&pool, "Restarted", &store).await;
    wait_until(Duration::from_secs(60), "the sync gets going", || async {
        count(&pool, "orders", channel).await >= 300
    })
    .await;
    let (interrupted, status) = latest_job(&pool, channel).await.unwrap();
    assert_eq!(status, "running");
    cluster.stop().await;
    front.close();
    let stopped = Instant::now();
    let down = [
        answers_503_while_down(&local, &cookie).await,
        answers_503_while_down(&remote, &cookie).await,
    ];
    tokio::time::sleep(Duration::from_secs(1)).await;
    cluster.start_again().await;
    front.reopen().await;
    let up = [recovers(&mut local).await, recovers(&mut remote).await];
    let before = count(&pool, "orders", channel).await;

    // The running serves resume the sync from its last committed page and end it.
    let ((resumed, fetched), _) =
        wait_for(Duration::from_secs(60), "the sync resumes and ends", || {
            succeeded_after(&pool, channel, interrupted)
        })
        .await;
    let resumed_after = stopped.elapsed();
    eprintln!(
        "restart under a sync (socket, tcp): 503 within {down:?}; /health 200 {up:?} after the start; \
         {before} orders were in, the resume (job {resumed}) fetched {fetched} orders and ended {resumed_after:?} after the stop"
    );
    let (status, error) = job_row(&pool, interrupted).await;
    assert_eq!(status, "failed", "{error:?}");
    let total = store.state().read().orders.len() as i64;
    assert!(fetched < total, "the resume started over: {fetched} orders");
    assert!(
        fetched <= total - before + 40,
        "committed pages were fetched again"
    );
    assert_exact(&pool, channel, &store).await;
    assert!(local.is_running() && remote.is_running());
    drop((local, remote));
    pool.close().await;
}

/// Every e-mail a store's shoppers use (registered, on orders, on guest carts).
fn shopper_emails(store: &DemoStoreHandle) -> BTreeSet<String> {
    let state = store.state();
    let s = state.read();
    let customers = s.customers.iter().map(|c| c.email.to_lowercase());
    let orders = s.orders.iter().map(|o| o.customer_email.to_lowercase());
    let carts = s
        .carts
        .iter()
        .filter_map(|c| c.customer_email.as_ref().map(|e| e.to_lowercase()));
    customers.chain(orders).chain(carts).collect()
}

/// Samples the queues while two processes work them: never two running jobs for one channel,
/// never two running actions for one cart, and every running job holds its channel's lock.
fn sample_queues(pool: PgPool, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<usize> {
    tokio::spawn(async move {
        let mut samples = 0;
        while !stop.load(Ordering::SeqCst) {
            let twice: Vec<(i64, i64)> = sqlx::query_as(
                "select channel_id, count(*) from sync_jobs where status = 'running'
                 group by channel_id having count(*) > 1",
            )
            .fetch_all(&pool)
            .await
            .unwrap();
            assert!(twice.is_empty(), "a channel runs twice: {twice:?}");
            let carts: Vec<(i64, i64)> = sqlx::query_as(
                "select cart_magento_id, count(*) from store_actions where state = 'running'
                 group by cart_magento_id having count(*) > 1",
            )
            .fetch_all(&pool)
            .await
            .unwrap();
            assert!(
                carts.is_empty(),
                "a cart has two running actions: {carts:?}"
            );
            samples += 1;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        samples
    })
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn two_serve_processes_on_one_database_share_the_work_without_doing_any_twice(pool: PgPool) {
    let _turn = TURN.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(&pool);
    let cipher = Cipher::new(&KEY);
    // A store per channel, sharing no shopper: channels that share people share CRM accounts,
    // whose totals concurrent syncs of two channels can leave stale (a race in
    // `links::refresh_accounts`, reported separately; not what this test is about).
    let stores = [
        demo(22, 400).await,
        demo(24, 400).await,
        demo(26, 400).await,
    ];
    let emails: Vec<BTreeSet<String>> = stores.iter().map(shopper_emails).collect();
    assert!(
        emails[0].is_disjoint(&emails[1])
            && emails[0].is_disjoint(&emails[2])
            && emails[1].is_disjoint(&emails[2]),
        "the stores share shoppers"
    );

    // Two carts to fill, opened here.
    let store = &stores[0];
    let first = add_channel(&pool, "Shop A", store).await;
    let (sku, product) = plain_product(store);
    let mut carts = Vec::new();
    for (customer, _) in shoppers(store, 2) {
        carts.push(open_cart(&pool, &cipher, first, customer).await);
    }

    let stop = Arc::new(AtomicBool::new(false));
    let sampler = sample_queues(pool.clone(), stop.clone());
    let one = Serve::start(&url, &KEY, dir.path(), "serve-1").await;
    let two = Serve::start(&url, &KEY, dir.path(), "serve-2").await;
    let mut channels = vec![first];
    for (name, store) in ["Shop B", "Shop C"].into_iter().zip(&stores[1..]) {
        channels.push(add_channel(&pool, name, store).await);
    }
    // Requests from everywhere: syncs of every kind (a full one waits behind the running
    // sync), and four lines added to each cart, all queued for whichever worker comes first.
    const ADDS: usize = 4;
    let mut actions = Vec::new();
    for round in 0..ADDS {
        for &cart in &carts {
            let add = ActionCommand::CartAddItem {
                cart,
                sku: sku.clone(),
                qty: Decimal::ONE,
                options: vec![],
            };
            actions.push(queue(&pool, first, add).await);
        }
        for &channel in &channels {
            let kind = if round % 2 == 0 {
                JobKind::Full
            } else {
                JobKind::Sync
            };
            store::jobs::enqueue(&pool, channel, kind, JobTrigger::Manual, None)
                .await
                .unwrap();
        }
        tokio::time::sleep(Duration::from_millis(700)).await;
    }

    let all_ended = || async {
        let open: i64 = sqlx::query_scalar(
            "select (select count(*) from sync_jobs where status in ('queued', 'running'))
                  + (select count(*) from store_actions where state in ('queued', 'running', 'unknown'))",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        open == 0
    };
    let mut took = wait_until(
        Duration::from_secs(60),
        "every queued job and action ends",
        all_ended,
    )
    .await;
    // One more sync of each channel, after the last action changed its cart in the store.
    for &channel in &channels {
        store::jobs::enqueue(&pool, channel, JobKind::Sync, JobTrigger::Manual, None)
            .await
            .unwrap();
    }
    took += wait_until(Duration::from_secs(30), "the last syncs end", all_ended).await;
    stop.store(true, Ordering::SeqCst);
    let samples = sampler.await.unwrap();

    let jobs: Vec<(i64, String, Option<String>, Option<String>)> =
        sqlx::query_as("select channel_id, status, worker_id, error from sync_jobs order by id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert!(
        jobs.iter().all(|(_, status, _, _)| status == "succeeded"),
        "{jobs:?}"
    );
    let workers: BTreeSet<&str> = jobs.iter().filter_map(|j| j.2.as_deref()).collect();
    assert_eq!(workers.len(), 2, "both processes ran syncs: {workers:?}");
    // No job of a channel wrote a page after the next one of that channel had started.
    let overlaps: i64 = sqlx::query_scalar(
        "select count(*) from sync_jobs a join sync_jobs b
           on b.channel_id = a.channel_id and b.started_at > a.started_at
         where exists (select 1 from sync_job_entities e
                       where e.job_id = a.id and e.updated_at > b.started_at)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(overlaps, 0, "two runs of one channel overlapped");

    // Each add ran exactly once, in order, by one process or the other.
    let states: Vec<(String, i32, Option<String>)> = sqlx::query_as(
        "select state, attempts, worker_id from store_actions where id = any($1) order by id",
    )
    .bind(&actions)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(
        states
            .iter()
            .all(|(state, attempts, _)| state == "done" && *attempts == 1),
        "{states:?}"
    );
    for &cart in &carts {
        let qty = {
            let state = store.state();
            let s = state.read();
            let c = s.carts.iter().find(|c| i64::from(c.id) == cart).unwrap();
            c.items
                .iter()
                .filter(|i| i.product_id == product)
                .map(|i| i.qty)
                .sum::<u32>()
        };
        assert_eq!(qty as usize, ADDS, "cart {cart}");
    }
    for (&channel, store) in channels.iter().zip(&stores) {
        assert_exact(&pool, channel, store).await;
    }
    eprintln!(
        "two serves: {} jobs and {} actions done in {took:?} by {workers:?}; {samples} samples of the queues",
        jobs.len(),
        actions.len()
    );
    drop((one, two));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn serve_killed_during_a_sync_and_an_order_resumes_the_sync_and_finds_the_order(
    pool: PgPool,
) {
    let _turn = TURN.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(&pool);
    let cipher = Cipher::new(&KEY);
    let store = demo(23, 3000).await;
    let channel = add_channel(&pool, "Killed serve", &store).await;
    let cart = cart_ready_to_place(&pool, &cipher, channel, &store).await;
    // The store makes the order, then takes its time to answer: serve dies meanwhile.
    store.set_place_order_faults(PlaceOrderFaults {
        hang_after_place: Duration::from_secs(60),
        ..Default::default()
    });
    let place = queue(
        &pool,
        channel,
        ActionCommand::CartPlace {
            cart,
            payment: "checkmo".into(),
        },
    )
    .await;
    let orders_of_cart = || {
        let state = store.state();
        let s = state.read();
        s.orders
            .iter()
            .filter(|o| i64::from(o.quote_id) == cart)
            .count()
    };

    let mut first = Serve::start(&url, &KEY, dir.path(), "serve-killed").await;
    wait_until(
        Duration::from_secs(60),
        "a sync and an order in flight",
        || async { orders_of_cart() == 1 && count(&pool, "orders", channel).await >= 400 },
    )
    .await;
    let (killed_job, status) = latest_job(&pool, channel).await.unwrap();
    assert_eq!(status, "running", "the sync was still running at the kill");
    first.kill9().await;
    store.set_place_order_faults(PlaceOrderFaults::default());
    let before = count(&pool, "orders", channel).await;
    assert_eq!(
        store::store_actions::get(&pool, place, Tz::UTC)
            .await
            .unwrap()
            .state,
        ActionState::Running,
        "killed between sending the order and recording the answer"
    );

    // The next serve finds both: the sync resumes, the order is found, not placed again.
    let restarted = Instant::now();
    let _second = Serve::start(&url, &KEY, dir.path(), "serve-next").await;
    let ((resumed, fetched), _) =
        wait_for(Duration::from_secs(60), "the sync resumes and ends", || {
            succeeded_after(&pool, channel, killed_job)
        })
        .await;
    let (view, _) = wait_for(Duration::from_secs(30), "the order is resolved", || async {
        let view = store::store_actions::get(&pool, place, Tz::UTC)
            .await
            .unwrap();
        view.state.is_final().then_some(view)
    })
    .await;
    eprintln!(
        "serve killed: {before} orders were in; the next serve resumed (job {resumed}, {fetched} orders fetched) and resolved the order within {:?}",
        restarted.elapsed()
    );
    let (status, error) = job_row(&pool, killed_job).await;
    assert_eq!(status, "failed", "{error:?}");
    assert!(error.is_some_and(|e| e.contains("stopped unexpectedly")));
    // The store has one order more than it had (the one placed), read by the resume too.
    let total = store.state().read().orders.len() as i64;
    assert!(fetched < total, "the resume started over: {fetched} orders");
    assert!(
        fetched <= total - before + 40,
        "committed pages were fetched again"
    );
    assert_eq!(view.state, ActionState::Done, "{}", view.summary());
    assert!(matches!(view.result, Some(ActionResult::Placed { .. })));
    assert_eq!(orders_of_cart(), 1, "exactly one order in the store");
    let cart_status: String =
        sqlx::query_scalar("select status from carts where channel_id = $1 and magento_id = $2")
            .bind(channel)
            .bind(cart)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(cart_status, "purchased");
    // The order placed during the sync is in too: the resume read it, or the action did.
    assert_exact(&pool, channel, &store).await;
}

/// A signal stops `serve` within its deadline even while a sync waits on a store that does not
/// answer (the worker is given [`STOP_WAIT`] after the HTTP drain, then left), and a second
/// signal stops it at once. Before, `serve` waited for the worker however long the store's
/// request took (the client's 60 s timeout, then the next request).
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn serve_stops_within_its_deadline_while_a_sync_hangs_and_at_once_on_a_second_signal(
    pool: PgPool,
) {
    const STOP_WAIT: Duration = Duration::from_secs(10);
    let _turn = TURN.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(&pool);
    let store = demo(29, 200).await;
    let channel = add_channel(&pool, "Hanging store", &store).await;
    // Every request hangs for two minutes.
    store.set_faults(demo_store::FaultConfig {
        hang: 1.0,
        ..Default::default()
    });
    let running = || async {
        latest_job(&pool, channel)
            .await
            .is_some_and(|(_, state)| state == "running")
            .then_some(())
    };

    let mut first = Serve::start(&url, &KEY, dir.path(), "serve-hang-1").await;
    wait_for(Duration::from_secs(60), "a sync running", running).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    first.terminate();
    let took = first
        .exited_within(STOP_WAIT + Duration::from_secs(10))
        .await;
    println!("one signal while a sync hangs: exited after {took:?}");
    assert!(
        took.is_some(),
        "serve did not stop within its deadline:\n{}",
        first.log_tail()
    );

    let mut second = Serve::start(&url, &KEY, dir.path(), "serve-hang-2").await;
    wait_for(Duration::from_secs(60), "a sync running again", running).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    second.terminate();
    tokio::time::sleep(Duration::from_millis(500)).await;
    second.terminate();
    let took = second.exited_within(Duration::from_secs(5)).await;
    println!("two signals while a sync hangs: exited after {took:?}");
    assert!(
        took.is_some(),
        "a second signal did not stop serve at once:\n{}",
        second.log_tail()
    );
}
