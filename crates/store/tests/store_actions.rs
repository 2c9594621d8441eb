//! The store actions log as a queue: one runner per action, one action at a time per cart and
//! in order, one order per cart whatever the clicks, and a dead runner's action found again.

use domain::actions::{ActionCommand, ActionKind, ActionResult, ActionState};
use domain::{ChannelSettings, Credentials, Decimal, Entity};
use store::PgPool;
use store::grid::Tz;
use store::secrets::Cipher;
use store::store_actions::{self, ActionFilter, NewAction, Outcome, Queued, Targets};

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

fn add(cart: i64, sku: &str) -> ActionCommand {
    ActionCommand::CartAddItem {
        cart,
        sku: sku.into(),
        qty: Decimal::ONE,
        options: vec![],
    }
}

fn place(cart: i64) -> ActionCommand {
    ActionCommand::CartPlace {
        cart,
        payment: "checkmo".into(),
    }
}

async fn queue(pool: &PgPool, channel: i64, command: &ActionCommand) -> Queued {
    store_actions::enqueue(
        pool,
        NewAction {
            channel_id: channel,
            command,
            targets: Targets::default(),
            requested_by: None,
        },
    )
    .await
    .unwrap()
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_action_records_what_was_sent_and_what_the_store_answered(pool: PgPool) {
    let ch = channel(&pool).await;
    let id = queue(&pool, ch, &add(12, "MS-01")).await.id();
    let mut lease = store_actions::claim(&pool, id, "test")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(lease.command, add(12, "MS-01"));
    assert!(
        store_actions::claim(&pool, id, "other")
            .await
            .unwrap()
            .is_none(),
        "one runner per action"
    );
    let body = serde_json::json!({"cartItem": {"sku": "MS-01", "qty": 1, "quote_id": "12"}});
    store_actions::record_request(&mut lease, "POST /V1/carts/12/items", Some(&body))
        .await
        .unwrap();
    let outcome = Outcome {
        state: Some(ActionState::Failed),
        http_status: Some(400),
        message: Some("The most you may purchase is %1.".into()),
        parameters: Some(serde_json::json!([5])),
        rendered: Some("The most you may purchase is 5.".into()),
        field: Some("qty".into()),
        ..Outcome::default()
    };
    store_actions::finish(lease, &outcome).await.unwrap();
    let view = store_actions::get(&pool, id, Tz::UTC).await.unwrap();
    assert_eq!(view.kind, ActionKind::CartAddItem);
    assert_eq!(view.state, ActionState::Failed);
    assert_eq!(view.route.as_deref(), Some("POST /V1/carts/12/items"));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(view.request.as_deref().unwrap()).unwrap(),
        body
    );
    assert_eq!(view.http_status, Some(400));
    assert_eq!(
        view.message.as_deref(),
        Some("The most you may purchase is %1.")
    );
    assert_eq!(view.parameters.as_deref(), Some("[5]"));
    assert_eq!(view.field.as_deref(), Some("qty"));
    assert_eq!(view.attempts, 1);
    assert_eq!(view.cart_magento_id, Some(12));
    assert!(view.finished_at.is_some());
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn actions_on_one_cart_run_one_at_a_time_in_order(pool: PgPool) {
    let ch = channel(&pool).await;
    let first = queue(&pool, ch, &add(7, "A")).await.id();
    let second = queue(&pool, ch, &add(7, "B")).await.id();
    let other_cart = queue(&pool, ch, &add(8, "C")).await.id();
    assert!(
        store_actions::claim(&pool, second, "t")
            .await
            .unwrap()
            .is_none(),
        "the later action waits for the earlier one"
    );
    let lease = store_actions::claim(&pool, first, "t")
        .await
        .unwrap()
        .unwrap();
    assert!(
        store_actions::claim(&pool, second, "t")
            .await
            .unwrap()
            .is_none()
    );
    // Another cart is not held up.
    let other = store_actions::claim(&pool, other_cart, "t")
        .await
        .unwrap()
        .unwrap();
    store_actions::finish(other, &Outcome::done(ActionResult::ItemRemoved))
        .await
        .unwrap();
    store_actions::finish(lease, &Outcome::done(ActionResult::ItemRemoved))
        .await
        .unwrap();
    let lease = store_actions::claim(&pool, second, "t")
        .await
        .unwrap()
        .unwrap();
    store_actions::finish(lease, &Outcome::failed("no"))
        .await
        .unwrap();
    // The worker takes only what waited long enough (requesters run their own at once).
    let orphan = queue(&pool, ch, &add(9, "D")).await.id();
    assert!(
        store_actions::claim_next(&pool, 60_000, "w")
            .await
            .unwrap()
            .is_none()
    );
    let taken = store_actions::claim_next(&pool, 0, "w")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(taken.id, orphan);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_cart_is_placed_once_whatever_the_clicks(pool: PgPool) {
    let ch = channel(&pool).await;
    let first = queue(&pool, ch, &place(5)).await;
    assert!(matches!(first, Queued::New(_)));
    // A double click, and a second user at once: both get the first action back.
    let again = place(5);
    let (a, b) = tokio::join!(queue(&pool, ch, &again), queue(&pool, ch, &again));
    assert_eq!(a, Queued::AlreadyPlacing(first.id()));
    assert_eq!(b, Queued::AlreadyPlacing(first.id()));
    // Unknown still blocks; a proven failure frees the cart for another try.
    let lease = store_actions::claim(&pool, first.id(), "t")
        .await
        .unwrap()
        .unwrap();
    store_actions::finish(lease, &Outcome::unknown("no answer"))
        .await
        .unwrap();
    assert_eq!(
        queue(&pool, ch, &place(5)).await,
        Queued::AlreadyPlacing(first.id())
    );
    assert!(
        store_actions::resolve_unknown(&pool, first.id(), &Outcome::failed("cart still active"))
            .await
            .unwrap()
    );
    let retry = queue(&pool, ch, &place(5)).await;
    assert!(matches!(retry, Queued::New(id) if id != first.id()));
    // Another cart is its own.
    assert!(matches!(queue(&pool, ch, &place(6)).await, Queued::New(_)));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_dead_runners_action_becomes_unknown_then_resolved(pool: PgPool) {
    let ch = channel(&pool).await;
    let id = queue(&pool, ch, &place(3)).await.id();
    let lease = store_actions::claim(&pool, id, "dying")
        .await
        .unwrap()
        .unwrap();
    // Alive: the reaper leaves it.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert!(
        store_actions::reap_abandoned(&pool)
            .await
            .unwrap()
            .is_empty()
    );
    // The process dies: its connection, and the lock with it, go.
    drop(lease);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let dead = store_actions::reap_abandoned(&pool).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].id, id);
    assert_eq!(dead[0].command, Some(place(3)));
    assert_eq!(
        store_actions::state(&pool, id).await.unwrap(),
        ActionState::Unknown
    );
    let found = store_actions::unknown_to_check(&pool, 0).await.unwrap();
    assert_eq!(found.len(), 1);
    let placed = Outcome::done(ActionResult::Placed {
        order_magento_id: 40,
        increment_id: Some("000000040".into()),
        crm_order_id: None,
    });
    assert!(
        store_actions::resolve_unknown(&pool, id, &placed)
            .await
            .unwrap()
    );
    // A verdict lands once.
    assert!(
        !store_actions::resolve_unknown(&pool, id, &Outcome::failed("late"))
            .await
            .unwrap()
    );
    let view = store_actions::get(&pool, id, Tz::UTC).await.unwrap();
    assert_eq!(view.state, ActionState::Done);
    assert!(matches!(
        view.result,
        Some(ActionResult::Placed {
            order_magento_id: 40,
            ..
        })
    ));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_log_filters_by_record_kind_and_state(pool: PgPool) {
    let ch = channel(&pool).await;
    let customer: i64 = sqlx::query_scalar(
        "insert into customers (channel_id, magento_id, email) values ($1, 1, 'a@b.co') returning id",
    )
    .bind(ch)
    .fetch_one(&pool)
    .await
    .unwrap();
    for (i, sku) in ["A", "B", "C"].iter().enumerate() {
        let command = add(20 + i as i64, sku);
        let id = store_actions::enqueue(
            &pool,
            NewAction {
                channel_id: ch,
                command: &command,
                targets: Targets {
                    customer_id: (i < 2).then_some(customer),
                    ..Targets::default()
                },
                requested_by: None,
            },
        )
        .await
        .unwrap()
        .id();
        let lease = store_actions::claim(&pool, id, "t").await.unwrap().unwrap();
        let outcome = if i == 0 {
            Outcome::failed("no")
        } else {
            Outcome::done(ActionResult::ItemRemoved)
        };
        store_actions::finish(lease, &outcome).await.unwrap();
    }
    let of = |filter: ActionFilter| {
        let pool = pool.clone();
        async move {
            store_actions::list(&pool, &filter, 10, 0, Tz::UTC)
                .await
                .unwrap()
        }
    };
    let (rows, total) = of(ActionFilter {
        record: Some((Entity::Customers, customer)),
        ..ActionFilter::default()
    })
    .await;
    assert_eq!((rows.len(), total), (2, 2));
    assert!(rows[0].id > rows[1].id, "newest first");
    let (_, failed) = of(ActionFilter {
        state: Some(ActionState::Failed),
        ..ActionFilter::default()
    })
    .await;
    assert_eq!(failed, 1);
    let (_, placing) = of(ActionFilter {
        kind: Some(ActionKind::CartPlace),
        ..ActionFilter::default()
    })
    .await;
    assert_eq!(placing, 0);
    let (page, all) = store_actions::list(&pool, &ActionFilter::default(), 2, 2, Tz::UTC)
        .await
        .unwrap();
    assert_eq!((page.len(), all), (1, 3));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_finished_action_frees_its_lock_and_gives_its_connection_back(pool: PgPool) {
    let ch = channel(&pool).await;
    let id = queue(&pool, ch, &add(5, "A")).await.id();
    let lease = store_actions::claim(&pool, id, "t").await.unwrap().unwrap();
    let size = pool.size();
    store_actions::finish(lease, &Outcome::done(ActionResult::ItemRemoved))
        .await
        .unwrap();
    // A connection goes back to the pool (or is closed) just after it is dropped.
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert_eq!(pool.size(), size, "the lease's connection was closed");
    let held: i64 = sqlx::query_scalar(
        "select count(*) from pg_locks where locktype = 'advisory'
           and database = (select oid from pg_database where datname = current_database())",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(held, 0, "the action's lock is still held");
    assert_eq!(
        store_actions::state(&pool, id).await.unwrap(),
        ActionState::Done
    );
}
