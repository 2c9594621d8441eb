//! Activities on records: each kind logged with what makes it useful, tasks only for active
//! users and due from today, "my tasks" by assignee, closing a task by who may.

use chrono::NaiveDate;
use domain::activities::{ActivityKind, ActivityRecord, Direction, NewActivity, Priority};
use domain::{ChannelSettings, Credentials, Role};
use store::PgPool;
use store::grid::Tz;
use store::secrets::Cipher;
use store::users::{self, NewUser};
use store::{Error, activities};

async fn user(pool: &PgPool, email: &str, role: Role) -> i64 {
    users::create(
        pool,
        NewUser {
            email,
            name: email.split('@').next().unwrap(),
            role,
            password_hash: "x",
        },
    )
    .await
    .unwrap()
}

async fn customer(pool: &PgPool) -> i64 {
    let settings = ChannelSettings::new("Shop", "https://shop.example.com");
    let credentials = Credentials::Bearer { token: "t".into() };
    let channel = store::channels::create(
        pool,
        &Cipher::new(&[3u8; 32]),
        &settings,
        &credentials,
        false,
    )
    .await
    .unwrap();
    sqlx::query_scalar(
        "insert into customers (channel_id, magento_id, email, first_name, last_name)
         values ($1, 1, 'ann@example.com', 'Ann', 'Lee') returning id",
    )
    .bind(channel)
    .fetch_one(pool)
    .await
    .unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn calls_notes_and_tasks_are_logged_and_listed(pool: PgPool) {
    let rep = user(&pool, "rep@example.com", Role::Sales).await;
    let other = user(&pool, "other@example.com", Role::Sales).await;
    let c = customer(&pool).await;
    let record = ActivityRecord::Customer(c);
    let call = NewActivity {
        kind: Some(ActivityKind::Call),
        subject: "Asked about the cart".into(),
        direction: Direction::Outbound,
        outcome: "reached".into(),
        duration_mins: Some(4),
        ..NewActivity::default()
    };
    activities::create(&pool, record, rep, &call, today())
        .await
        .unwrap();
    let note = NewActivity {
        kind: Some(ActivityKind::Note),
        body: "Prefers email.".into(),
        ..NewActivity::default()
    };
    activities::create(&pool, record, rep, &note, today())
        .await
        .unwrap();
    let task = NewActivity {
        kind: Some(ActivityKind::Task),
        subject: "Call back".into(),
        due: "2026-12-05".into(),
        assignee: Some(other),
        priority: Priority::High,
        ..NewActivity::default()
    };
    let task_id = activities::create(&pool, record, rep, &task, today())
        .await
        .unwrap();

    let list = activities::list(&pool, record, Tz::UTC).await.unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[0].kind, ActivityKind::Task, "newest first");
    assert_eq!(list[0].record_label, "Ann Lee");
    assert_eq!(list[0].assignee.as_deref(), Some("other"));
    assert_eq!(list[2].headline(), "Outbound call · reached · 4 min");
    assert_eq!(list[2].author.as_deref(), Some("rep"));

    // The task is the assignee's, not the author's.
    assert!(
        activities::open_tasks(&pool, rep, Tz::UTC)
            .await
            .unwrap()
            .is_empty()
    );
    let mine = activities::open_tasks(&pool, other, Tz::UTC).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].due, NaiveDate::from_ymd_opt(2026, 12, 5));

    // Closing: the assignee or the author may, someone else may not (unless an admin).
    let stranger = user(&pool, "stranger@example.com", Role::Sales).await;
    assert!(matches!(
        activities::set_done(&pool, task_id, stranger, false, true).await,
        Err(Error::Invalid { .. })
    ));
    activities::set_done(&pool, task_id, other, false, true)
        .await
        .unwrap();
    assert!(
        activities::open_tasks(&pool, other, Tz::UTC)
            .await
            .unwrap()
            .is_empty()
    );
    activities::set_done(&pool, task_id, stranger, true, false)
        .await
        .unwrap();
    assert_eq!(
        activities::open_tasks(&pool, other, Tz::UTC)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(matches!(
        activities::set_done(&pool, 999_999, other, true, true).await,
        Err(Error::NotFound)
    ));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn bad_tasks_are_refused_and_nothing_is_stored(pool: PgPool) {
    let rep = user(&pool, "rep@example.com", Role::Sales).await;
    let gone = user(&pool, "gone@example.com", Role::Sales).await;
    users::set_active(&pool, gone, false).await.unwrap();
    let c = customer(&pool).await;
    let record = ActivityRecord::Customer(c);
    let task = |due: &str, assignee| NewActivity {
        kind: Some(ActivityKind::Task),
        subject: "Follow up".into(),
        due: due.into(),
        assignee,
        ..NewActivity::default()
    };
    for (bad, field) in [
        (task("2026-12-03", None), "due"),
        (task("99999-01-01", None), "due"),
        (task("2026-12-10", Some(gone)), "assignee"),
        (task("2026-12-10", Some(424_242)), "assignee"),
    ] {
        match activities::create(&pool, record, rep, &bad, today()).await {
            Err(Error::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{other:?}"),
        }
    }
    // A record that is gone.
    assert!(matches!(
        activities::create(
            &pool,
            ActivityRecord::Cart(777),
            rep,
            &task("2026-12-10", None),
            today()
        )
        .await,
        Err(Error::NotFound)
    ));
    assert!(
        activities::list(&pool, record, Tz::UTC)
            .await
            .unwrap()
            .is_empty()
    );
}
