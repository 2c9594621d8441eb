//! Follow-ups in the database: every step × every event agrees with `domain::follow_up::apply`
//! (purchase and expiry arriving through the sync's own writes), two reps claiming at once,
//! the pass after a sync (abandoned carts, first orders, thresholds; once each), feedback.

use chrono::{Duration, NaiveDate, Utc};
use domain::follow_up::{
    CartAction, Contact, ContactChannel, Event, OpportunityForm, StatusChange, Step, apply,
};
use domain::rules::{RuleInput, RuleSpec};
use domain::{CartStatus, ChannelSettings, Credentials, Role};
use store::follow_ups::{self, Actor};
use store::rules;
use store::secrets::Cipher;
use store::users::{self, NewUser};
use store::{Error, PgPool};

async fn actor(pool: &PgPool, name: &str) -> Actor {
    let id = users::create(
        pool,
        NewUser {
            email: &format!("{name}@example.com"),
            name,
            role: Role::Sales,
            password_hash: "x",
        },
    )
    .await
    .unwrap();
    Actor {
        id,
        name: name.to_owned(),
        admin: false,
    }
}

async fn channel(pool: &PgPool) -> i64 {
    let settings = ChannelSettings::new("Shop", "https://shop.example.com");
    store::channels::create(
        pool,
        &Cipher::new(&[3u8; 32]),
        &settings,
        &Credentials::Bearer { token: "t".into() },
        false,
    )
    .await
    .unwrap()
}

/// An open, abandoned cart (items, email, idle for two hours), Magento id `magento_id`.
async fn cart(pool: &PgPool, channel: i64, magento_id: i64) -> i64 {
    sqlx::query_scalar(
        "insert into carts (channel_id, magento_id, email, first_name, last_name, is_active,
             items_count, items_qty, subtotal, grand_total, quote_currency_code, status,
             magento_created_at, magento_updated_at, abandon_at)
         values ($1, $2, 'ann@example.com', 'Ann', 'Lee', true, 2, 3, 120, 129.9, 'EUR', 'open',
                 now() - interval '3 hours', now() - interval '2 hours', now() - interval '1 hour')
         returning id",
    )
    .bind(channel)
    .bind(magento_id)
    .fetch_one(pool)
    .await
    .unwrap()
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn contact(next_on: Option<NaiveDate>) -> CartAction {
    CartAction::Contact(Contact {
        channel: ContactChannel::Call,
        outcome: "voicemail".into(),
        note: "Left a message".into(),
        next_on: next_on.map(|d| d.to_string()).unwrap_or_default(),
        subject: String::new(),
    })
}

fn user_action(event: Event) -> CartAction {
    match event {
        Event::Claim => CartAction::Claim,
        Event::Release => CartAction::Release,
        Event::Contact => contact(None),
        Event::WonBack => CartAction::WonBack {
            note: "Ordered by phone".into(),
        },
        Event::Lost => CartAction::Lost {
            reason: "no answer".into(),
        },
        Event::Opportunity => CartAction::Opportunity(OpportunityForm {
            name: "Ann Lee - wholesale".into(),
            ..OpportunityForm::default()
        }),
        Event::Reopen => CartAction::Reopen,
        Event::Purchased | Event::CartExpired => unreachable!(),
    }
}

/// Brings a fresh cart to `step` the way users and the sync do.
async fn reach(pool: &PgPool, cart: i64, rep: &Actor, step: Option<Step>) {
    let Some(step) = step else { return };
    let act = |a: CartAction| async move {
        follow_ups::act(pool, cart, rep, &a, today()).await.unwrap();
    };
    match step {
        Step::NotContacted => act(CartAction::Claim).await,
        Step::Contacted => act(contact(None)).await,
        Step::WonBack => act(user_action(Event::WonBack)).await,
        Step::Lost => act(user_action(Event::Lost)).await,
        Step::Opportunity => act(user_action(Event::Opportunity)).await,
        Step::Expired => {
            act(contact(None)).await;
            expire(pool, cart).await;
        }
    }
}

/// The sync's lifetime pass expires the cart (its last update is older than the lifetime).
async fn expire(pool: &PgPool, cart: i64) {
    sqlx::query("update carts set magento_updated_at = now() - interval '400 days' where id = $1")
        .bind(cart)
        .execute(pool)
        .await
        .unwrap();
    let channel: i64 = sqlx::query_scalar("select channel_id from carts where id = $1")
        .bind(cart)
        .fetch_one(pool)
        .await
        .unwrap();
    let mut tx = pool.begin().await.unwrap();
    store::sync_write::carts::expire_by_lifetime(&mut tx, channel, 90)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// The sync writes the cart's order and links it: the cart becomes Purchased.
async fn purchase(pool: &PgPool, cart: i64) {
    let (channel, quote): (i64, i64) =
        sqlx::query_as("select channel_id, magento_id from carts where id = $1")
            .bind(cart)
            .fetch_one(pool)
            .await
            .unwrap();
    let order: i64 = sqlx::query_scalar(
        "insert into orders (channel_id, magento_id, increment_id, quote_magento_id, state, is_guest,
             grand_total, magento_created_at)
         values ($1, $2, $3, $2, 'new', false, 129.9, now()) returning id",
    )
    .bind(channel)
    .bind(quote)
    .bind(format!("0000{quote}"))
    .fetch_one(pool)
    .await
    .unwrap();
    let mut tx = pool.begin().await.unwrap();
    store::sync_write::links::link_orders_to_carts(&mut tx, &[order])
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn state(pool: &PgPool, cart: i64) -> (Option<Step>, CartStatus) {
    let (step, status): (Option<String>, String) = sqlx::query_as(
        "select f.step, c.status from carts c left join cart_follow_ups f on f.cart_id = c.id
         where c.id = $1",
    )
    .bind(cart)
    .fetch_one(pool)
    .await
    .unwrap();
    (step.map(|s| s.parse().unwrap()), status.parse().unwrap())
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn every_step_and_event_in_the_database_agrees_with_the_domain_table(pool: PgPool) {
    let ch = channel(&pool).await;
    let rep = actor(&pool, "Ann").await;
    let mut magento_id = 1000;
    let steps = [None].into_iter().chain(Step::ALL.into_iter().map(Some));
    for start in steps {
        for event in Event::ALL {
            magento_id += 1;
            let cart = cart(&pool, ch, magento_id).await;
            reach(&pool, cart, &rep, start).await;
            let (step, status) = state(&pool, cart).await;
            assert_eq!(step, start, "reached {start:?}");
            let contacted: bool = sqlx::query_scalar(
                "select coalesce((select contacted_times > 0 from cart_follow_ups where cart_id = $1), false)",
            )
            .bind(cart)
            .fetch_one(&pool)
            .await
            .unwrap();
            let want = apply(step, status, contacted, event);
            match event {
                Event::Purchased => purchase(&pool, cart).await,
                Event::CartExpired => expire(&pool, cart).await,
                _ => {
                    let got =
                        follow_ups::act(&pool, cart, &rep, &user_action(event), today()).await;
                    match (&want, &got) {
                        (Ok(_), Ok(_)) => {}
                        (Err(why), Err(Error::Conflict(msg))) => assert_eq!(why, msg),
                        _ => panic!("{start:?} × {event:?}: domain {want:?}, store {got:?}"),
                    }
                }
            }
            let (after, after_status) = state(&pool, cart).await;
            match want {
                Ok(t) => {
                    assert_eq!(after, t.step, "{start:?} × {event:?}");
                    let expected_status = match (event, t.status) {
                        (Event::Purchased, _) => CartStatus::Purchased,
                        // Expiry does not move the sticky statuses.
                        (Event::CartExpired, _) if status.is_sticky() => status,
                        (Event::CartExpired, _) => CartStatus::Expired,
                        (_, StatusChange::Keep) => status,
                        (_, StatusChange::Set(s)) => s,
                        (_, StatusChange::Recompute) => CartStatus::Open,
                    };
                    assert_eq!(after_status, expected_status, "{start:?} × {event:?}");
                }
                Err(_) => assert_eq!(
                    (after, after_status),
                    (step, status),
                    "{start:?} × {event:?}"
                ),
            }
        }
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_purchase_closes_the_follow_up_and_its_tasks_and_says_so(pool: PgPool) {
    let ch = channel(&pool).await;
    let rep = actor(&pool, "Ann").await;
    let c = cart(&pool, ch, 7).await;
    let tomorrow = today() + Duration::days(1);
    follow_ups::act(&pool, c, &rep, &contact(Some(tomorrow)), today())
        .await
        .unwrap();
    let tz: store::grid::Tz = "UTC".parse().unwrap();
    let tasks = store::activities::open_tasks(&pool, rep.id, tz)
        .await
        .unwrap();
    assert_eq!(tasks.len(), 1, "the next date is a task for the owner");
    assert!(tasks[0].subject.contains("Ann Lee"), "{}", tasks[0].subject);

    purchase(&pool, c).await;
    let f = follow_ups::cart(&pool, c, tz).await.unwrap().unwrap();
    assert_eq!(
        (f.step, f.closed_by.as_deref()),
        (Step::WonBack, Some("sync"))
    );
    assert_eq!(f.contacted_times, 1);
    assert!(
        store::activities::open_tasks(&pool, rep.id, tz)
            .await
            .unwrap()
            .is_empty()
    );
    let timeline = store::activities::list(&pool, domain::activities::ActivityRecord::Cart(c), tz)
        .await
        .unwrap();
    assert!(
        timeline
            .iter()
            .any(|a| a.subject == "Follow-up closed: Won back"),
        "{timeline:?}"
    );
    let task = timeline
        .iter()
        .find(|a| a.kind == domain::activities::ActivityKind::Task)
        .unwrap();
    assert_eq!(
        task.cancelled_reason.as_deref(),
        Some("The shopper placed the order.")
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn two_reps_claiming_at_once_one_wins_and_the_other_is_told_who(pool: PgPool) {
    let ch = channel(&pool).await;
    let ann = actor(&pool, "Ann").await;
    let bob = actor(&pool, "Bob").await;
    for round in 0..10 {
        let c = cart(&pool, ch, 100 + round).await;
        let (a, b) = tokio::join!(
            follow_ups::act(&pool, c, &ann, &CartAction::Claim, today()),
            follow_ups::act(&pool, c, &bob, &CartAction::Claim, today()),
        );
        let (winner, loser) = match (&a, &b) {
            (Ok(_), Err(Error::Conflict(m))) => (&ann, m),
            (Err(Error::Conflict(m)), Ok(_)) => (&bob, m),
            other => panic!("round {round}: {other:?}"),
        };
        assert_eq!(
            loser,
            &format!("{} has already claimed this cart.", winner.name)
        );
        let owner: Option<i64> =
            sqlx::query_scalar("select owner_id from cart_follow_ups where cart_id = $1")
                .bind(c)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(owner, Some(winner.id));
    }
    // Bob may not release Ann's claim; Ann may; then Bob claims.
    let c = cart(&pool, ch, 500).await;
    follow_ups::act(&pool, c, &ann, &CartAction::Claim, today())
        .await
        .unwrap();
    assert!(matches!(
        follow_ups::act(&pool, c, &bob, &CartAction::Release, today()).await,
        Err(Error::Conflict(_))
    ));
    follow_ups::act(&pool, c, &ann, &CartAction::Release, today())
        .await
        .unwrap();
    follow_ups::act(&pool, c, &bob, &CartAction::Claim, today())
        .await
        .unwrap();
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn converting_makes_an_opportunity_with_the_carts_subtotal_and_reopen_undoes_both(
    pool: PgPool,
) {
    let ch = channel(&pool).await;
    let ann = actor(&pool, "Ann").await;
    let c = cart(&pool, ch, 9).await;
    let out = follow_ups::act(&pool, c, &ann, &user_action(Event::Opportunity), today())
        .await
        .unwrap();
    assert_eq!(out.status, CartStatus::ConvertedToOpportunity);
    let (budget, stage, owner): (rust_decimal::Decimal, String, i64) =
        sqlx::query_as("select budget, stage, owner_id from opportunities where id = $1")
            .bind(out.opportunity.unwrap())
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (budget, stage.as_str(), owner),
        (rust_decimal::Decimal::from(120), "qualify", ann.id)
    );
    let back = follow_ups::act(&pool, c, &ann, &CartAction::Reopen, today())
        .await
        .unwrap();
    assert_eq!(
        (back.status, back.step),
        (CartStatus::Open, Some(Step::NotContacted))
    );
    let stage: String = sqlx::query_scalar("select stage from opportunities where cart_id = $1")
        .bind(c)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stage, "lost");
    // Bad input names its field.
    let bad = CartAction::Lost { reason: " ".into() };
    assert!(matches!(
        follow_ups::act(&pool, c, &ann, &bad, today()).await,
        Err(Error::Invalid { field, .. }) if field == "reason"
    ));
    assert!(matches!(
        follow_ups::act(&pool, 999_999, &ann, &CartAction::Claim, today()).await,
        Err(Error::NotFound)
    ));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_pass_opens_follow_ups_once_and_withdraws_those_nobody_touched(pool: PgPool) {
    let ch = channel(&pool).await;
    let ann = actor(&pool, "Ann").await;
    let abandoned = cart(&pool, ch, 1).await;
    let claimed = cart(&pool, ch, 2).await;
    // Not abandoned yet: the threshold has not passed.
    let fresh = cart(&pool, ch, 3).await;
    sqlx::query("update carts set abandon_at = now() + interval '1 hour' where id = $1")
        .bind(fresh)
        .execute(&pool)
        .await
        .unwrap();
    let pass = follow_ups::pass(&pool, ch).await.unwrap();
    assert_eq!((pass.opened, pass.withdrawn), (2, 0));
    assert_eq!(state(&pool, abandoned).await.0, Some(Step::NotContacted));
    assert_eq!(state(&pool, fresh).await.0, None);
    follow_ups::act(&pool, claimed, &ann, &CartAction::Claim, today())
        .await
        .unwrap();
    assert_eq!(
        follow_ups::pass(&pool, ch).await.unwrap(),
        Default::default(),
        "idempotent"
    );
    // Both shoppers come back: the untouched follow-up goes, the claimed one stays.
    sqlx::query("update carts set abandon_at = now() + interval '1 hour' where id = any($1)")
        .bind(vec![abandoned, claimed])
        .execute(&pool)
        .await
        .unwrap();
    let pass = follow_ups::pass(&pool, ch).await.unwrap();
    assert_eq!(pass.withdrawn, 1);
    assert_eq!(state(&pool, abandoned).await.0, None);
    assert_eq!(state(&pool, claimed).await.0, Some(Step::NotContacted));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn first_orders_and_big_orders_get_an_order_follow_up_and_feedback_is_reported(pool: PgPool) {
    let ch = channel(&pool).await;
    let ann = actor(&pool, "Ann").await;
    let customer: i64 = sqlx::query_scalar(
        "insert into customers (channel_id, magento_id, email, first_name, last_name)
         values ($1, 1, 'ann@example.com', 'Ann', 'Lee') returning id",
    )
    .bind(ch)
    .fetch_one(&pool)
    .await
    .unwrap();
    let order = |magento_id: i64, days_ago: i64, total: i64, prev: bool| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "insert into orders (channel_id, magento_id, increment_id, customer_id, state,
                     is_guest, grand_total, magento_created_at, prev_order_at)
                 values ($1, $2, $3, $4, 'new', false, $5, now() - make_interval(days => $6),
                         case when $7 then now() - interval '500 days' end)
                 returning id",
            )
            .bind(ch)
            .bind(magento_id)
            .bind(format!("1000{magento_id}"))
            .bind(customer)
            .bind(rust_decimal::Decimal::from(total))
            .bind(days_ago as i32)
            .bind(prev)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let first = order(1, 2, 50, false).await;
    let repeat_big = order(2, 1, 900, true).await;
    let old_first = order(3, 400, 50, false).await;
    assert_eq!(follow_ups::pass(&pool, ch).await.unwrap().orders, 1);
    let tz: store::grid::Tz = "UTC".parse().unwrap();
    assert_eq!(
        follow_ups::order(&pool, first, tz)
            .await
            .unwrap()
            .unwrap()
            .reason,
        "first_order"
    );
    assert!(
        follow_ups::order(&pool, repeat_big, tz)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        follow_ups::order(&pool, old_first, tz)
            .await
            .unwrap()
            .is_none(),
        "history is not a to-do list"
    );
    // A threshold adds big orders.
    sqlx::query("update channels set follow_up_min_total = 500 where id = $1")
        .bind(ch)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(follow_ups::pass(&pool, ch).await.unwrap().orders, 1);
    assert_eq!(
        follow_ups::order(&pool, repeat_big, tz)
            .await
            .unwrap()
            .unwrap()
            .reason,
        "order_total"
    );
    assert!(matches!(
        follow_ups::record_feedback(&pool, first, &ann, 6, "").await,
        Err(Error::Invalid { field, .. }) if field == "rating"
    ));
    follow_ups::record_feedback(&pool, first, &ann, 4, "Fast delivery")
        .await
        .unwrap();
    let lines = follow_ups::feedback(
        &pool,
        Some(ch),
        Some(customer),
        Utc::now() - Duration::days(1),
        Utc::now() + Duration::days(1),
        100,
    )
    .await
    .unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(
        (lines[0].rating, lines[0].feedback.as_str()),
        (4, "Fast delivery")
    );
    assert_eq!(lines[0].contacted_by.as_deref(), Some("Ann"));
    assert_eq!(follow_ups::open_orders(&pool, 10).await.unwrap().len(), 1);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_carts_grid_filters_and_shows_the_step_and_the_owner(pool: PgPool) {
    use domain::grid::carts::CartField;
    use domain::grid::{GridRecord, parse};
    let ch = channel(&pool).await;
    let ann = actor(&pool, "Ann").await;
    let bob = actor(&pool, "Bob").await;
    let untouched = cart(&pool, ch, 1).await;
    let anns = cart(&pool, ch, 2).await;
    let bobs_lost = cart(&pool, ch, 3).await;
    follow_ups::pass(&pool, ch).await.unwrap();
    follow_ups::act(&pool, anns, &ann, &contact(None), today())
        .await
        .unwrap();
    follow_ups::act(&pool, bobs_lost, &bob, &user_action(Event::Lost), today())
        .await
        .unwrap();
    let tz: store::grid::Tz = "UTC".parse().unwrap();
    let ids = |pairs: Vec<(&'static str, String)>| {
        let pool = pool.clone();
        async move {
            let pairs: Vec<(String, String)> =
                pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            let q = parse::<CartField>(&pairs, today()).unwrap();
            let (rows, total) = store::grid::page(&pool, &q, tz).await.unwrap();
            assert_eq!(total as usize, rows.len());
            let mut ids: Vec<i64> = rows.iter().map(|r| r.id()).collect();
            ids.sort();
            (ids, rows)
        }
    };
    let (got, _) = ids(vec![("follow_up", "not_contacted".into())]).await;
    assert_eq!(got, vec![untouched]);
    let (got, _) = ids(vec![("follow_up", "contacted,lost".into())]).await;
    assert_eq!(got, vec![anns, bobs_lost]);
    let (got, rows) = ids(vec![("owner", bob.id.to_string())]).await;
    assert_eq!(got, vec![bobs_lost]);
    assert_eq!(rows[0].follow_up.as_deref(), Some("lost"));
    assert_eq!(rows[0].owner, Some((bob.id, "Bob".to_owned())));
    assert_eq!(rows[0].status, CartStatus::Lost);
}

// Automation rules (store::rules).

fn rule(channel_id: i64, kind: &str, min_total: &str, assignee: &str, days: &str) -> RuleSpec {
    RuleInput {
        channel_id,
        kind: kind.into(),
        min_total: min_total.into(),
        assignee: assignee.into(),
        after_days: days.into(),
    }
    .check()
    .unwrap()
}

async fn owners(pool: &PgPool, carts: &[i64]) -> Vec<Option<i64>> {
    let mut out = Vec::new();
    for c in carts {
        out.push(
            sqlx::query_scalar("select owner_id from cart_follow_ups where cart_id = $1")
                .bind(c)
                .fetch_one(pool)
                .await
                .unwrap(),
        );
    }
    out
}

async fn rule_events(pool: &PgPool) -> i64 {
    sqlx::query_scalar(
        "select count(*) from activities where kind = 'event' and subject like 'Rule:%'",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_assign_rule_fires_exactly_once_per_cart_under_two_concurrent_runs(pool: PgPool) {
    let ch = channel(&pool).await;
    let ann = actor(&pool, "Ann").await;
    let bob = actor(&pool, "Bob").await;
    let mut carts = Vec::new();
    for m in 1..=6 {
        carts.push(cart(&pool, ch, m).await);
    }
    // A small cart stays below the rule's threshold (the others total 129.90).
    sqlx::query("update carts set grand_total = 20, subtotal = 20 where id = $1")
        .bind(carts[5])
        .execute(&pool)
        .await
        .unwrap();
    follow_ups::pass(&pool, ch).await.unwrap();
    let admin = actor(&pool, "Admin").await;
    let id = rules::create(
        &pool,
        &rule(ch, "assign_abandoned", "100", "role:sales", ""),
        admin.id,
    )
    .await
    .unwrap();

    // Two workers at once: every eligible cart is assigned once, the turn advances once each.
    let (a, b) = tokio::join!(rules::run(&pool, ch), rules::run(&pool, ch));
    assert_eq!(a.unwrap() + b.unwrap(), 5);
    assert_eq!(
        rules::run(&pool, ch).await.unwrap(),
        0,
        "a rule never fires twice"
    );
    let assigned = owners(&pool, &carts).await;
    assert_eq!(assigned[5], None, "below the threshold");
    // Round-robin over the Sales users in the order they were created: Ann, Bob, Admin, …
    let sales = [ann.id, bob.id, admin.id];
    for (i, owner) in assigned[..5].iter().enumerate() {
        assert_eq!(*owner, Some(sales[i % 3]), "cart {i}");
    }
    assert_eq!(rule_events(&pool).await, 5);
    let tasks: i64 = sqlx::query_scalar(
        "select count(*) from activities where kind = 'task' and assignee_id = $1 and done_at is null",
    )
    .bind(ann.id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        tasks, 2,
        "each assignment is a task in the assignee's My tasks"
    );

    // A rep releases a cart: the rule does not take it back; a new abandoned cart continues the
    // round-robin where it stopped.
    follow_ups::act(&pool, carts[0], &ann, &CartAction::Release, today())
        .await
        .unwrap();
    let late = cart(&pool, ch, 7).await;
    follow_ups::pass(&pool, ch).await.unwrap();
    assert_eq!(rules::run(&pool, ch).await.unwrap(), 1);
    assert_eq!(
        owners(&pool, &[carts[0], late]).await,
        vec![None, Some(admin.id)]
    );

    // Listed with its firings; disabled, it does nothing; deleted, its events stay.
    let tz: store::grid::Tz = "UTC".parse().unwrap();
    let lines = rules::list(&pool, tz).await.unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].firings, 6);
    assert!(
        lines[0].description.contains("at least 100"),
        "{}",
        lines[0].description
    );
    rules::set_enabled(&pool, id, false).await.unwrap();
    cart(&pool, ch, 8).await;
    follow_ups::pass(&pool, ch).await.unwrap();
    assert_eq!(rules::run(&pool, ch).await.unwrap(), 0);
    rules::delete(&pool, id).await.unwrap();
    assert_eq!(rule_events(&pool).await, 6);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_lose_rule_closes_only_uncontacted_follow_ups_and_a_first_order_rule_assigns(
    pool: PgPool,
) {
    let ch = channel(&pool).await;
    let ann = actor(&pool, "Ann").await;
    let quiet = cart(&pool, ch, 1).await;
    let called = cart(&pool, ch, 2).await;
    let fresh = cart(&pool, ch, 3).await;
    follow_ups::pass(&pool, ch).await.unwrap();
    follow_ups::act(&pool, called, &ann, &contact(None), today())
        .await
        .unwrap();
    sqlx::query(
        "update cart_follow_ups set created_at = now() - interval '8 days' where cart_id <> $1",
    )
    .bind(fresh)
    .execute(&pool)
    .await
    .unwrap();
    rules::create(&pool, &rule(ch, "lose_uncontacted", "", "", "7"), ann.id)
        .await
        .unwrap();
    assert_eq!(rules::run(&pool, ch).await.unwrap(), 1);
    assert_eq!(
        state(&pool, quiet).await,
        (Some(Step::Lost), CartStatus::Lost)
    );
    assert_eq!(state(&pool, called).await.0, Some(Step::Contacted));
    assert_eq!(state(&pool, fresh).await.0, Some(Step::NotContacted));
    let reason: Option<String> =
        sqlx::query_scalar("select lost_reason from cart_follow_ups where cart_id = $1")
            .bind(quiet)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(reason.as_deref(), Some("no answer"));
    // Reopened by a rep, the rule leaves it alone.
    follow_ups::act(&pool, quiet, &ann, &CartAction::Reopen, today())
        .await
        .unwrap();
    assert_eq!(rules::run(&pool, ch).await.unwrap(), 0);
    assert_eq!(state(&pool, quiet).await.1, CartStatus::Open);

    // First orders: the channel's own default is off here, so the rule alone creates them.
    sqlx::query("update channels set follow_up_first_orders = false where id = $1")
        .bind(ch)
        .execute(&pool)
        .await
        .unwrap();
    let customer: i64 = sqlx::query_scalar(
        "insert into customers (channel_id, magento_id, email) values ($1, 1, 'c@example.com')
         returning id",
    )
    .bind(ch)
    .fetch_one(&pool)
    .await
    .unwrap();
    let order: i64 = sqlx::query_scalar(
        "insert into orders (channel_id, magento_id, increment_id, customer_id, state, is_guest,
             grand_total, magento_created_at)
         values ($1, 1, '100001', $2, 'new', false, 80, now() - interval '1 day') returning id",
    )
    .bind(ch)
    .bind(customer)
    .fetch_one(&pool)
    .await
    .unwrap();
    follow_ups::pass(&pool, ch).await.unwrap();
    let tz: store::grid::Tz = "UTC".parse().unwrap();
    assert!(follow_ups::order(&pool, order, tz).await.unwrap().is_none());
    rules::create(
        &pool,
        &rule(
            ch,
            "follow_up_first_orders",
            "",
            &format!("user:{}", ann.id),
            "",
        ),
        ann.id,
    )
    .await
    .unwrap();
    assert_eq!(rules::run(&pool, ch).await.unwrap(), 1);
    assert_eq!(rules::run(&pool, ch).await.unwrap(), 0);
    let owner: Option<i64> =
        sqlx::query_scalar("select owner_id from order_follow_ups where order_id = $1")
            .bind(order)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(owner, Some(ann.id));
    // A deactivated assignee cannot be chosen for a new rule.
    sqlx::query("update users set is_active = false where id = $1")
        .bind(ann.id)
        .execute(&pool)
        .await
        .unwrap();
    let refused = rules::create(
        &pool,
        &rule(ch, "assign_abandoned", "", &format!("user:{}", ann.id), ""),
        ann.id,
    )
    .await;
    assert!(matches!(refused, Err(Error::Invalid { ref field, .. }) if field == "assignee"));
}
