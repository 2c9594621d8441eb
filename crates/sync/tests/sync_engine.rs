//! The sync engine over real HTTP against the demo store and a real Postgres (a database per
//! test): exactness, incremental changes, paging quirks, faults, crashes and concurrency.

mod common;

use chrono::Utc;
use common::*;
use demo_store::{FaultConfig, PagingMode};
use domain::sync::{JobKind, JobStatus, JobTrigger};
use domain::{Entity, SubscriberSource};
use store::PgPool;

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn initial_sync_equals_the_store_record_for_record(pool: PgPool) {
    let store = spawn_store(small_store(800)).await;
    // A page size that is not a divisor of anything, smaller than the groups of records the
    // generator stamps with the same second: ties straddle page boundaries.
    let channel = add_channel(&pool, &store.base_url(), 37).await;
    let outcome = sync(&pool, channel).await;
    assert_eq!(outcome.status, JobStatus::Succeeded, "{:?}", outcome.error);
    assert_same(&expected(&store, Utc::now()), &actual(&pool, channel).await);
    assert_derived_figures_match_rows(&pool, channel).await;

    // Nothing changed: a second run writes nothing.
    let again = sync(&pool, channel).await;
    assert_eq!(again.status, JobStatus::Succeeded);
    for (entity, counts) in &again.entities {
        assert_eq!(
            counts.counts.created + counts.counts.updated,
            0,
            "{entity:?} changed without a change"
        );
        assert_eq!(counts.failed, 0);
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn records_sharing_one_second_across_pages_are_all_synced(pool: PgPool) {
    let store = spawn_store(small_store(400)).await;
    // Make a burst of 25 carts share one timestamp, then page by 10.
    {
        let state = store.state();
        let mut s = state.write();
        let ids: Vec<u32> = s.carts.iter().take(25).map(|c| c.id).collect();
        let at = s.carts.iter().map(|c| c.updated_at).max().unwrap();
        for id in ids {
            s.set_cart_updated_at(id, at);
        }
    }
    let channel = add_channel(&pool, &store.base_url(), 10).await;
    assert_eq!(sync(&pool, channel).await.status, JobStatus::Succeeded);
    assert_same(&expected(&store, Utc::now()), &actual(&pool, channel).await);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn incremental_sync_picks_up_live_changes(pool: PgPool) {
    let store = spawn_store(small_store(500)).await;
    let channel = add_channel(&pool, &store.base_url(), 50).await;
    assert_eq!(sync(&pool, channel).await.status, JobStatus::Succeeded);

    // New customers, filled and abandoned carts, orders placed, refunds, edits, unsubscribes.
    let events = store.state().live_tick(150);
    assert!(!events.is_empty());
    // The window ends a second before the store's clock: let the changes' second pass.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let outcome = sync(&pool, channel).await;
    assert_eq!(outcome.status, JobStatus::Succeeded, "{:?}", outcome.error);
    let touched: u64 = outcome
        .entities
        .iter()
        .map(|(_, c)| c.counts.created + c.counts.updated)
        .sum();
    assert!(
        touched > 0,
        "the live changes were not picked up: {:?}",
        outcome.entities
    );
    assert_same(&expected(&store, Utc::now()), &actual(&pool, channel).await);
    assert_derived_figures_match_rows(&pool, channel).await;
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn magento_2_3_paging_neither_loops_nor_loses_records(pool: PgPool) {
    let store = spawn_store(small_store(300)).await;
    store.set_paging(PagingMode::V23);
    let channel = add_channel(&pool, &store.base_url(), 25).await;
    assert_eq!(sync(&pool, channel).await.status, JobStatus::Succeeded);
    store.state().live_tick(40);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    // Incremental runs page subscribers by offset: the repeated last page must stop them.
    let outcome = tokio::time::timeout(std::time::Duration::from_secs(60), sync(&pool, channel))
        .await
        .expect("no loop");
    assert_eq!(outcome.status, JobStatus::Succeeded);
    assert_same(&expected(&store, Utc::now()), &actual(&pool, channel).await);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn faults_end_with_the_same_data_plus_the_malformed_records_logged(pool: PgPool) {
    let store = spawn_store(small_store(400)).await;
    store.set_faults(FaultConfig {
        seed: 11,
        error_500: 0.08,
        error_503: 0.08,
        error_429: 0.08,
        hang: 0.02,
        hang_duration: std::time::Duration::from_secs(4),
        slow: 0.05,
        slow_duration: std::time::Duration::from_millis(200),
        malformed_records: 0.01,
        poisoned_records: 0.0,
    });
    let channel = add_channel(&pool, &store.base_url(), 40).await;
    let outcome = sync(&pool, channel).await;
    assert_eq!(outcome.status, JobStatus::Succeeded, "{:?}", outcome.error);

    let mut want = expected(&store, Utc::now());
    let mut malformed_total = 0;
    for (entity, key) in [
        (demo_store::Entity::Customer, "customers"),
        (demo_store::Entity::Cart, "carts"),
        (demo_store::Entity::Order, "orders"),
        (demo_store::Entity::CreditMemo, "credit-memos"),
        (demo_store::Entity::Subscriber, "newsletter-subscribers"),
    ] {
        let bad = store.malformed_ids(entity);
        malformed_total += bad.len();
        want = without(want, key, &bad);
    }
    assert!(
        malformed_total > 0,
        "the fault seed should malform some records"
    );
    let mut got = actual(&pool, channel).await;
    // Records linked to a malformed one (an order's cart status) may differ: compare the rest.
    for (entity, ids) in got.iter_mut() {
        if let Some(w) = want.get(entity) {
            ids.retain(|id, _| w.contains_key(id));
        }
    }
    for (entity, rows) in want.iter_mut() {
        if *entity == "carts" {
            rows.iter_mut().for_each(|(_, v)| {
                *v = v
                    .rsplit_once('|')
                    .map(|(a, _)| a.to_string())
                    .unwrap_or_default()
            });
        }
    }
    if let Some(rows) = got.get_mut("carts") {
        rows.iter_mut().for_each(|(_, v)| {
            *v = v
                .rsplit_once('|')
                .map(|(a, _)| a.to_string())
                .unwrap_or_default()
        });
    }
    assert_same(&want, &got);

    let (open, total) = store::sync_errors::list(&pool, channel, None, true, 1000, 0)
        .await
        .unwrap();
    assert_eq!(
        total as usize, malformed_total,
        "every malformed record, and only those, is in the error log: {open:#?}"
    );
    assert!(
        open.iter()
            .all(|e| e.payload.is_some() && e.magento_id.is_some())
    );

    // Once the store serves them properly, Retry all resolves them.
    store.set_faults(FaultConfig::default());
    let retried = sync_kind(&pool, channel, JobKind::RetryErrors).await;
    assert_eq!(retried.status, JobStatus::Succeeded, "{:?}", retried.error);
    let (_, left) = store::sync_errors::list(&pool, channel, None, true, 10, 0)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_sync_aborted_mid_run_resumes_exactly(pool: PgPool) {
    let store = spawn_store(small_store(1500)).await;
    let channel = add_channel(&pool, &store.base_url(), 20).await;
    store::jobs::enqueue(&pool, channel, JobKind::Sync, JobTrigger::Cli, None)
        .await
        .unwrap();
    let lease = store::jobs::claim(&pool, "doomed", Some(channel))
        .await
        .unwrap()
        .unwrap();
    let job_id = lease.job.id;
    let (p, c) = (pool.clone(), cipher());
    let run = tokio::spawn(async move {
        sync::worker::run_leased(
            &p,
            &c,
            lease,
            &fast_client(),
            tokio_util::sync::CancellationToken::new(),
        )
        .await
    });
    // Let it commit a few pages of orders, then pull the plug.
    loop {
        let orders = orders_stored(&pool, channel).await;
        if orders >= 100 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    run.abort();
    let _ = run.await;
    let status: String = sqlx::query_scalar("select status from sync_jobs where id = $1")
        .bind(job_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        status, "running",
        "the aborted job looks alive until reaped"
    );

    // The reaper sees the lock free, fails the job and queues a resume.
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(
        store::jobs::reap_abandoned(&pool).await.unwrap(),
        vec![channel]
    );
    let outcome = sync(&pool, channel).await;
    assert_eq!(outcome.status, JobStatus::Succeeded, "{:?}", outcome.error);
    let orders = outcome
        .entities
        .iter()
        .find(|(e, _)| *e == Entity::Orders)
        .unwrap()
        .1;
    assert!(
        orders.fetched < 1500,
        "the resume re-read everything ({} orders)",
        orders.fetched
    );
    assert_same(&expected(&store, Utc::now()), &actual(&pool, channel).await);
    assert_derived_figures_match_rows(&pool, channel).await;
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn two_workers_never_run_one_channel_twice(pool: PgPool) {
    let store = spawn_store(small_store(50)).await;
    let channel = add_channel(&pool, &store.base_url(), 50).await;
    store::jobs::enqueue(&pool, channel, JobKind::Sync, JobTrigger::Cli, None)
        .await
        .unwrap();
    let (a, b) = tokio::join!(
        store::jobs::claim(&pool, "worker-a", None),
        store::jobs::claim(&pool, "worker-b", None)
    );
    let claimed = [a.unwrap(), b.unwrap()];
    assert_eq!(
        claimed.iter().filter(|l| l.is_some()).count(),
        1,
        "exactly one worker gets the job"
    );

    // While it runs, a new request queues (once) but is not claimable.
    store::jobs::enqueue(&pool, channel, JobKind::Sync, JobTrigger::Manual, None)
        .await
        .unwrap();
    store::jobs::enqueue(&pool, channel, JobKind::Full, JobTrigger::Manual, None)
        .await
        .unwrap();
    let queued: i64 = sqlx::query_scalar(
        "select count(*) from sync_jobs where channel_id = $1 and status = 'queued'",
    )
    .bind(channel)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(queued, 1);
    assert!(
        store::jobs::claim(&pool, "worker-c", None)
            .await
            .unwrap()
            .is_none()
    );
    // A forged second "running" row is refused by the database itself.
    let forged = sqlx::query(
        "insert into sync_jobs (channel_id, kind, status) values ($1, 'sync', 'running')",
    )
    .bind(channel)
    .execute(&pool)
    .await;
    assert!(forged.is_err());
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_guest_is_merged_into_the_customer_who_registers_with_the_same_email(pool: PgPool) {
    let store = spawn_store(small_store(300)).await;
    let channel = add_channel(&pool, &store.base_url(), 100).await;
    assert_eq!(sync(&pool, channel).await.status, JobStatus::Succeeded);

    // A guest customer the CRM made from guest orders, with no registered twin yet.
    let (guest_id, email, website): (i64, String, i64) = sqlx::query_as(
        "select g.id, g.email, g.website_id from customers g
         where g.channel_id = $1 and g.is_guest
           and exists (select 1 from orders o where o.customer_id = g.id)
         order by g.id limit 1",
    )
    .bind(channel)
    .fetch_one(&pool)
    .await
    .unwrap();
    let guest_orders: i64 =
        sqlx::query_scalar("select count(*) from orders where customer_id = $1")
            .bind(guest_id)
            .fetch_one(&pool)
            .await
            .unwrap();

    // The shopper registers in the store with that email (in another case).
    {
        let state = store.state();
        let mut s = state.write();
        let store_id = s
            .catalog
            .store_views
            .iter()
            .find(|v| i64::from(v.website_id) == website)
            .map(|v| v.id)
            .unwrap_or(1);
        s.create_customer(demo_store::NewCustomer {
            email: email.to_uppercase(),
            firstname: "Now".into(),
            lastname: "Registered".into(),
            website_id: website as u16,
            store_id,
            group_id: 1,
            middlename: None,
            prefix: None,
            suffix: None,
            dob: None,
            gender: None,
            taxvat: None,
            addresses: vec![],
            is_subscribed: None,
        })
        .unwrap();
    }
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(sync(&pool, channel).await.status, JobStatus::Succeeded);

    let gone: bool = sqlx::query_scalar("select not exists(select 1 from customers where id = $1)")
        .bind(guest_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(gone, "the guest customer is merged away");
    let (registered, orders, sales): (i64, i32, rust_decimal::Decimal) = sqlx::query_as(
        "select id, orders_count, lifetime_sales from customers
         where channel_id = $1 and not is_guest and email_key = lower($2)",
    )
    .bind(channel)
    .bind(&email)
    .fetch_one(&pool)
    .await
    .unwrap();
    let moved: i64 = sqlx::query_scalar("select count(*) from orders where customer_id = $1")
        .bind(registered)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(moved, guest_orders);
    assert!(orders > 0 || sales == rust_decimal::Decimal::ZERO);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn stores_without_the_subscriber_route_fall_back_to_customer_flags(pool: PgPool) {
    let store = spawn_store(small_store(300)).await;
    store.state().set_subscriber_route(false);
    let channel = add_channel(&pool, &store.base_url(), 100).await;
    let outcome = sync(&pool, channel).await;
    assert_eq!(outcome.status, JobStatus::Succeeded, "{:?}", outcome.error);
    let summary = store::channels::get(&pool, channel).await.unwrap();
    assert_eq!(
        summary.subscriber_source,
        Some(SubscriberSource::CustomerFlag)
    );

    // Registered customers whose flag is on, per the store's own JSON.
    let subscribed: std::collections::BTreeSet<i64> = {
        let state = store.state();
        let s = state.read();
        s.customers
            .iter()
            .filter(|c| {
                s.json(demo_store::RecordRef::Customer(c))["extension_attributes"]["is_subscribed"]
                    == true
            })
            .map(|c| i64::from(c.id))
            .collect()
    };
    assert!(!subscribed.is_empty());
    let synced: std::collections::BTreeSet<i64> = sqlx::query_scalar(
        "select customer_magento_id from newsletter_subscribers
         where channel_id = $1 and source = 'customer_flag' and status = 1",
    )
    .bind(channel)
    .fetch_all(&pool)
    .await
    .unwrap()
    .into_iter()
    .collect();
    assert_eq!(synced, subscribed);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_unknown_token_stops_the_channel_as_access_rejected(pool: PgPool) {
    let store = spawn_store(small_store(50)).await;
    let mut settings = domain::ChannelSettings::new("Rejected", store.base_url());
    settings.page_size = 50;
    let credentials = domain::Credentials::Bearer {
        token: "wrong".into(),
    };
    let channel = store::channels::create(&pool, &cipher(), &settings, &credentials, false)
        .await
        .unwrap();
    let outcome = sync(&pool, channel).await;
    assert_eq!(outcome.status, JobStatus::Failed);
    let summary = store::channels::get(&pool, channel).await.unwrap();
    assert_eq!(summary.status, domain::ChannelStatus::AccessRejected);
    // Scheduling skips it until someone fixes the credentials.
    sqlx::query("update channels set next_sync_at = now() - interval '1 minute' where id = $1")
        .bind(channel)
        .execute(&pool)
        .await
        .unwrap();
    assert!(
        !store::jobs::schedule_due(&pool)
            .await
            .unwrap()
            .contains(&channel)
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn carts_that_leave_the_store_expire_and_deleted_customers_are_marked(pool: PgPool) {
    let store = spawn_store(small_store(200)).await;
    let channel = add_channel(&pool, &store.base_url(), 100).await;
    assert_eq!(sync(&pool, channel).await.status, JobStatus::Succeeded);
    let (cart, customer) = {
        let state = store.state();
        let mut s = state.write();
        let quotes: std::collections::HashSet<u32> = s.orders.iter().map(|o| o.quote_id).collect();
        let cart = s
            .carts
            .iter()
            .find(|c| c.is_active && !quotes.contains(&c.id))
            .unwrap()
            .id;
        let customer = s.customers.iter().next().unwrap().id;
        assert!(s.delete_cart(cart));
        s.delete_customer(customer).unwrap();
        (cart, customer)
    };
    assert_eq!(
        sync_kind(&pool, channel, JobKind::Full).await.status,
        JobStatus::Succeeded
    );
    let status: String =
        sqlx::query_scalar("select status from carts where channel_id = $1 and magento_id = $2")
            .bind(channel)
            .bind(i64::from(cart))
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(status, "expired");
    let removed: bool = sqlx::query_scalar(
        "select removed_at is not null from customers where channel_id = $1 and magento_id = $2",
    )
    .bind(channel)
    .bind(i64::from(customer))
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(removed);
    // Orders are never deleted by sync.
    let orders = orders_stored(&pool, channel).await;
    assert_eq!(orders as usize, store.state().read().orders.len());
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_record_that_breaks_its_pages_is_isolated_logged_and_skipped(pool: PgPool) {
    let store = spawn_store(small_store(300)).await;
    store.set_faults(FaultConfig {
        seed: 5,
        poisoned_records: 0.03,
        ..FaultConfig::default()
    });
    let poisoned_orders = store.state().poisoned_ids(demo_store::Entity::Order);
    let poisoned_carts = store.state().poisoned_ids(demo_store::Entity::Cart);
    let poisoned_subscribers = store.state().poisoned_ids(demo_store::Entity::Subscriber);
    assert!(
        !poisoned_orders.is_empty()
            && !poisoned_carts.is_empty()
            && !poisoned_subscribers.is_empty(),
        "the seed should poison some records of each kind"
    );
    let channel = add_channel(&pool, &store.base_url(), 30).await;
    let outcome = sync(&pool, channel).await;
    assert_eq!(
        outcome.status,
        JobStatus::Succeeded,
        "{:?} after {:?}",
        outcome.error,
        outcome.entities
    );

    // Everything else arrived.
    let mut want = expected(&store, Utc::now());
    for (entity, ids) in [
        ("orders", &poisoned_orders),
        ("carts", &poisoned_carts),
        ("newsletter-subscribers", &poisoned_subscribers),
    ] {
        want = without(want, entity, ids);
    }
    let mut got = actual(&pool, channel).await;
    for key in ["customers", "credit-memos"] {
        got.remove(key);
        want.remove(key);
    }
    // A poisoned order's cart cannot become Purchased; compare carts without their status.
    for snapshot in [&mut want, &mut got] {
        if let Some(rows) = snapshot.get_mut("carts") {
            rows.iter_mut().for_each(|(_, v)| {
                *v = v
                    .rsplit_once('|')
                    .map(|(a, _)| a.to_string())
                    .unwrap_or_default()
            });
        }
    }
    assert_same(&want, &got);

    // And each poisoned record is in the error log, by id.
    let (open, _) = store::sync_errors::list(&pool, channel, None, true, 1000, 0)
        .await
        .unwrap();
    for (entity, ids) in [
        ("orders", &poisoned_orders),
        ("carts", &poisoned_carts),
        ("newsletter-subscribers", &poisoned_subscribers),
    ] {
        let logged: std::collections::BTreeSet<String> = open
            .iter()
            .filter(|e| e.entity == entity)
            .filter_map(|e| e.magento_id.clone())
            .collect();
        let want: std::collections::BTreeSet<String> = ids.iter().map(|i| i.to_string()).collect();
        assert_eq!(logged, want, "{entity}");
    }

    // Retrying them while the store still fails on them: the retry itself succeeds, and they
    // stay in the log; once the store serves them again, a retry brings them in.
    let retry = sync_kind(&pool, channel, JobKind::RetryErrors).await;
    assert_eq!(retry.status, JobStatus::Succeeded, "{:?}", retry.error);
    let (still_open, _) = store::sync_errors::list(&pool, channel, None, true, 1000, 0)
        .await
        .unwrap();
    assert_eq!(still_open.len(), open.len());
    store.set_faults(FaultConfig::default());
    let retry = sync_kind(&pool, channel, JobKind::RetryErrors).await;
    assert_eq!(retry.status, JobStatus::Succeeded, "{:?}", retry.error);
    let (left, _) = store::sync_errors::list(&pool, channel, None, true, 1000, 0)
        .await
        .unwrap();
    assert!(left.is_empty(), "{left:?}");
    let orders = orders_stored(&pool, channel).await;
    assert_eq!(orders as usize, store.state().read().orders.len());
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_sync_start_date_bounds_what_is_imported_including_the_customer_re_read(pool: PgPool) {
    let store = spawn_store(small_store(400)).await;
    let updated = |j: &serde_json::Value| {
        chrono::NaiveDateTime::parse_from_str(
            j["updated_at"].as_str().unwrap(),
            "%Y-%m-%d %H:%M:%S",
        )
        .unwrap()
        .and_utc()
    };
    // A start date in the middle of the customers' history.
    let (start, want_customers, want_orders) = {
        let state = store.state();
        let s = state.read();
        let mut days: Vec<_> = s
            .customers
            .iter()
            .map(|c| updated(&s.json(demo_store::RecordRef::Customer(c))).date_naive())
            .collect();
        days.sort();
        let start = days[days.len() / 2];
        let since = start.and_time(chrono::NaiveTime::MIN).and_utc();
        let customers: std::collections::BTreeSet<i64> = s
            .customers
            .iter()
            .filter(|c| updated(&s.json(demo_store::RecordRef::Customer(c))) >= since)
            .map(|c| c.id.into())
            .collect();
        let orders: std::collections::BTreeSet<i64> = s
            .orders
            .iter()
            .filter(|o| updated(&s.json(demo_store::RecordRef::Order(o))) >= since)
            .map(|o| o.id.into())
            .collect();
        (start, customers, orders)
    };
    assert!(
        !want_customers.is_empty() && want_customers.len() < store.state().read().customers.len()
    );

    let channel = add_channel(&pool, &store.base_url(), 50).await;
    sqlx::query("update channels set sync_start_date = $2 where id = $1")
        .bind(channel)
        .bind(start)
        .execute(&pool)
        .await
        .unwrap();
    // A full sync runs the reconciliation's customer re-read too.
    let outcome = sync_kind(&pool, channel, JobKind::Full).await;
    assert_eq!(outcome.status, JobStatus::Succeeded, "{:?}", outcome.error);

    let ids = |table: &'static str| {
        let pool = pool.clone();
        async move {
            let rows: Vec<i64> = sqlx::query_scalar(&format!(
                "select magento_id from {table} where channel_id = $1 and magento_id is not null"
            ))
            .bind(channel)
            .fetch_all(&pool)
            .await
            .unwrap();
            rows.into_iter()
                .collect::<std::collections::BTreeSet<i64>>()
        }
    };
    assert_eq!(ids("customers").await, want_customers);
    assert_eq!(ids("orders").await, want_orders);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_record_the_database_refuses_is_logged_and_skipped_and_the_rest_of_its_page_lands(
    pool: PgPool,
) {
    let store = spawn_store(small_store(200)).await;
    let channel = add_channel(&pool, &store.base_url(), 50).await;
    assert_eq!(sync(&pool, channel).await.status, JobStatus::Succeeded);

    // Two customers change in the same second: one gets a NUL in its name (valid JSON,
    // which Postgres cannot store in text), the other a plain rename.
    let (bad, good) = {
        let state = store.state();
        let mut s = state.write();
        let ids: Vec<u32> = s.customers.iter().take(2).map(|c| c.id).collect();
        s.update_customer(ids[0], |c| c.firstname = "Ann\u{0}ette".into())
            .unwrap();
        s.update_customer(ids[1], |c| c.lastname = "Renamed".into())
            .unwrap();
        (ids[0], ids[1])
    };
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let outcome = sync(&pool, channel).await;
    assert_eq!(outcome.status, JobStatus::Succeeded, "{:?}", outcome.error);
    let customers = outcome
        .entities
        .iter()
        .find(|(e, _)| *e == Entity::Customers)
        .map(|(_, c)| *c)
        .unwrap();
    assert_eq!(customers.failed, 1, "{customers:?}");

    let last_name: String = sqlx::query_scalar(
        "select last_name from customers where channel_id = $1 and magento_id = $2",
    )
    .bind(channel)
    .bind(i64::from(good))
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(last_name, "Renamed");
    let (open, _) = store::sync_errors::list(&pool, channel, None, true, 100, 0)
        .await
        .unwrap();
    let logged: Vec<_> = open
        .iter()
        .filter(|e| e.entity == "customers")
        .map(|e| (e.magento_id.clone(), e.message.contains("database refused")))
        .collect();
    assert_eq!(logged, vec![(Some(bad.to_string()), true)]);

    // Fixed in the store, the customer arrives and its error is resolved.
    store
        .state()
        .write()
        .update_customer(bad, |c| c.firstname = "Annette".into())
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(sync(&pool, channel).await.status, JobStatus::Succeeded);
    let (open, _) = store::sync_errors::list(&pool, channel, None, true, 100, 0)
        .await
        .unwrap();
    assert!(open.iter().all(|e| e.entity != "customers"), "{open:?}");
    assert_same(&expected(&store, Utc::now()), &actual(&pool, channel).await);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_item_removed_in_the_store_is_kept_and_flagged(pool: PgPool) {
    let store = spawn_store(small_store(300)).await;
    let (cart, removed, kept) = {
        let state = store.state();
        let s = state.read();
        let cart = s
            .carts
            .iter()
            .find(|c| c.is_active && c.items.len() >= 2)
            .expect("an active cart with two items");
        (cart.id, cart.items[0].item_id, cart.items[1].item_id)
    };
    let channel = add_channel(&pool, &store.base_url(), 50).await;
    assert_eq!(sync(&pool, channel).await.status, JobStatus::Succeeded);

    store
        .state()
        .write()
        .remove_cart_item(cart, removed)
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(sync(&pool, channel).await.status, JobStatus::Succeeded);

    let items: Vec<(i64, bool)> = sqlx::query_as(
        "select i.magento_id, i.removed_at is not null from cart_items i
         join carts c on c.id = i.cart_id
         where c.channel_id = $1 and c.magento_id = $2 and i.magento_id = any($3)
         order by i.magento_id",
    )
    .bind(channel)
    .bind(i64::from(cart))
    .bind(vec![i64::from(removed), i64::from(kept)])
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut want = vec![(i64::from(removed), true), (i64::from(kept), false)];
    want.sort();
    assert_eq!(items, want);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_canceled_sync_stops_and_the_next_one_completes_exactly(pool: PgPool) {
    let store = spawn_store(small_store(3000)).await;
    let channel = add_channel(&pool, &store.base_url(), 20).await;
    let running = {
        let pool = pool.clone();
        tokio::spawn(async move { sync(&pool, channel).await })
    };
    let started = std::time::Instant::now();
    while orders_stored(&pool, channel).await < 100 {
        assert!(started.elapsed().as_secs() < 60, "the sync never got going");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(store::jobs::request_cancel(&pool, channel).await.unwrap());
    let outcome = tokio::time::timeout(std::time::Duration::from_secs(15), running)
        .await
        .expect("the sync stops within a heartbeat or two")
        .unwrap();
    assert_eq!(outcome.status, JobStatus::Canceled, "{:?}", outcome.error);
    assert!(
        (orders_stored(&pool, channel).await as usize) < store.state().read().orders.len(),
        "canceled before the end"
    );
    let status: String = sqlx::query_scalar("select status from channels where id = $1")
        .bind(channel)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "idle");

    let again = sync(&pool, channel).await;
    assert_eq!(again.status, JobStatus::Succeeded, "{:?}", again.error);
    assert_same(&expected(&store, Utc::now()), &actual(&pool, channel).await);
}

/// A marketing list is the segment a marketer means: after a sync, a dynamic list of
/// "subscribed registered customers in <country> with lifetime sales ≥ X" has exactly the
/// customers computed here from the store's own JSON (addresses, subscriber records, orders),
/// not through the CRM's tables.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_marketing_list_has_the_segment_computed_from_the_stores_records(pool: PgPool) {
    use rust_decimal::Decimal;
    use std::collections::{BTreeMap, BTreeSet};
    let store = spawn_store(small_store(1500)).await;
    let channel = add_channel(&pool, &store.base_url(), 200).await;
    let outcome = sync(&pool, channel).await;
    assert_eq!(outcome.status, JobStatus::Succeeded, "{:?}", outcome.error);

    // Per registered customer: the country shown (the default billing address's, else the
    // first address's), the latest subscriber status, Σ subtotal − |discount| of the orders
    // that are not canceled.
    let (country, subscribed, sales, emails) = {
        let state = store.state();
        let s = state.read();
        let mut country: BTreeMap<i64, String> = BTreeMap::new();
        let mut emails: BTreeMap<i64, String> = BTreeMap::new();
        for c in s.customers.iter() {
            let j = s.json(demo_store::RecordRef::Customer(c));
            let id = j["id"].as_i64().unwrap();
            emails.insert(id, j["email"].as_str().unwrap().to_lowercase());
            let addresses = j["addresses"].as_array().cloned().unwrap_or_default();
            let shown = addresses
                .iter()
                .find(|a| a["default_billing"] == true)
                .or(addresses.first());
            if let Some(code) = shown.and_then(|a| a["country_id"].as_str()) {
                country.insert(id, code.to_owned());
            }
        }
        let mut latest: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
        for sub in s.subscribers.iter() {
            let j = s.json(demo_store::RecordRef::Subscriber(sub));
            let (customer, id) = (
                j["customer_id"].as_i64().unwrap(),
                j["subscriber_id"].as_i64().unwrap(),
            );
            if customer != 0 && latest.get(&customer).is_none_or(|(seen, _)| *seen < id) {
                latest.insert(customer, (id, j["subscriber_status"].as_i64().unwrap()));
            }
        }
        let subscribed: BTreeSet<i64> = latest
            .into_iter()
            .filter(|(_, (_, status))| *status == 1)
            .map(|(c, _)| c)
            .collect();
        let amount = |v: &serde_json::Value| -> Decimal {
            match v {
                serde_json::Value::Number(n) => n.to_string().parse().unwrap(),
                serde_json::Value::String(t) => t.parse().unwrap(),
                _ => Decimal::ZERO,
            }
        };
        // A guest order belongs to the registered customer with its email on the website of
        // the order's store view (how the CRM attributes guest checkouts, product.md §3).
        let website_of_view: BTreeMap<i64, i64> = s
            .catalog
            .store_views
            .iter()
            .map(|v| {
                let j = s.json(demo_store::RecordRef::StoreView(v));
                (j["id"].as_i64().unwrap(), j["website_id"].as_i64().unwrap())
            })
            .collect();
        let by_email: BTreeMap<(String, i64), i64> = s
            .customers
            .iter()
            .map(|c| {
                let j = s.json(demo_store::RecordRef::Customer(c));
                (
                    (
                        j["email"].as_str().unwrap().to_lowercase(),
                        j["website_id"].as_i64().unwrap(),
                    ),
                    j["id"].as_i64().unwrap(),
                )
            })
            .collect();
        let mut sales: BTreeMap<i64, Decimal> = BTreeMap::new();
        for o in s.orders.iter() {
            let j = s.json(demo_store::RecordRef::Order(o));
            let customer = j["customer_id"].as_i64().or_else(|| {
                let website = website_of_view.get(&j["store_id"].as_i64()?)?;
                let email = j["customer_email"].as_str()?.to_lowercase();
                by_email.get(&(email, *website)).copied()
            });
            let Some(customer) = customer else {
                continue;
            };
            if j["state"] == "canceled" || j["status"] == "canceled" {
                continue;
            }
            *sales.entry(customer).or_default() +=
                amount(&j["subtotal"]) - amount(&j["discount_amount"]).abs();
        }
        (country, subscribed, sales, emails)
    };
    // The busiest country among subscribers, and a threshold that splits them.
    let mut per_country: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &subscribed {
        if let Some(code) = country.get(c) {
            *per_country.entry(code).or_default() += 1;
        }
    }
    let (code, _) = per_country.iter().max_by_key(|(_, n)| **n).unwrap();
    let code = code.to_string();
    let threshold = Decimal::from(100);
    let expected: BTreeSet<String> = subscribed
        .iter()
        .filter(|c| country.get(c) == Some(&code))
        .filter(|c| sales.get(c).copied().unwrap_or_default() >= threshold)
        .map(|c| emails[c].clone())
        .collect();
    assert!(expected.len() >= 3, "a segment worth testing: {expected:?}");

    let marketer = store::users::create(
        &pool,
        store::users::NewUser {
            email: "mara@example.com",
            name: "Mara",
            role: domain::Role::Marketing,
            password_hash: "x",
        },
    )
    .await
    .unwrap();
    let today = Utc::now().date_naive();
    let list = store::lists::create(
        &pool,
        marketer,
        &domain::lists::NewList {
            name: format!("Subscribed in {code}, 100+"),
            entity: domain::lists::ListEntity::Customers,
            kind: domain::lists::ListKind::Dynamic,
            query: format!(
                "country_eq={code}&subscription=subscribed&lifetime_sales_min=100&is_guest=false"
            ),
        },
        today,
        chrono_tz::UTC,
    )
    .await
    .unwrap();
    let mut members = BTreeSet::new();
    let mut page = 1;
    loop {
        let p = store::lists::page(&pool, list, page, today, chrono_tz::UTC)
            .await
            .unwrap();
        if p.members.is_empty() {
            break;
        }
        members.extend(
            p.members
                .iter()
                .filter_map(|m| m.email.clone())
                .map(|e| e.to_lowercase()),
        );
        page += 1;
    }
    for email in members.symmetric_difference(&expected) {
        let id = emails.iter().find(|(_, e)| *e == email).map(|(id, _)| *id);
        let crm: (Option<String>, rust_decimal::Decimal, Option<i16>) = sqlx::query_as(
            "select (select a.country_id from customer_addresses a where a.customer_id = c.id
                     order by a.is_default_billing desc, a.id limit 1),
                    c.lifetime_sales,
                    (select s.status from newsletter_subscribers s where s.customer_id = c.id
                     order by s.id desc limit 1)
             from customers c where lower(c.email) = $1 and not c.is_guest",
        )
        .bind(email)
        .fetch_one(&pool)
        .await
        .unwrap();
        eprintln!(
            "{email}: store country {:?} subscribed {} sales {:?}; CRM {crm:?}",
            id.and_then(|i| country.get(&i)),
            id.is_some_and(|i| subscribed.contains(&i)),
            id.and_then(|i| sales.get(&i))
        );
    }
    assert_eq!(members, expected);
}
