//! Users, sessions and throttling against a real Postgres (a fresh database per test).

use chrono::{Duration, Utc};
use domain::Role;
use store::users::NewUser;
use store::{Error, PgPool, credentials, sessions, throttle, users};

async fn add_user(pool: &PgPool, email: &str, role: Role) -> i64 {
    let hash = credentials::hash_password("a good long password").unwrap();
    users::create(
        pool,
        NewUser {
            email,
            name: "Ann Example",
            role,
            password_hash: &hash,
        },
    )
    .await
    .unwrap()
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn migrations_apply_to_an_empty_database(pool: PgPool) {
    assert_eq!(users::count(&pool).await.unwrap(), 0);
    let tables: Vec<String> = sqlx::query_scalar(
        "select table_name::text from information_schema.tables where table_schema = 'public' order by 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for expected in ["sessions", "sign_in_failures", "users"] {
        assert!(
            tables.iter().any(|t| t == expected),
            "{expected} missing from {tables:?}"
        );
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn emails_are_unique_whatever_their_case(pool: PgPool) {
    add_user(&pool, "Ann@Example.com", Role::Sales).await;
    let hash = credentials::hash_password("another long password").unwrap();
    let again = users::create(
        &pool,
        NewUser {
            email: " ann@example.COM ",
            name: "Ann",
            role: Role::Viewer,
            password_hash: &hash,
        },
    )
    .await;
    assert!(matches!(again, Err(Error::Conflict(_))), "{again:?}");
    let found = users::find_credentials(&pool, "ANN@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.user.role, Role::Sales);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn invalid_emails_and_names_are_refused(pool: PgPool) {
    for email in [
        "",
        "ann",
        "ann@",
        "@example.com",
        "ann@example",
        "a b@example.com",
    ] {
        let r = users::create(
            &pool,
            NewUser {
                email,
                name: "Ann",
                role: Role::Viewer,
                password_hash: "x",
            },
        )
        .await;
        assert!(
            matches!(r, Err(Error::Invalid { .. })),
            "{email:?} gave {r:?}"
        );
    }
    let r = users::create(
        &pool,
        NewUser {
            email: "ann@example.com",
            name: "  ",
            role: Role::Viewer,
            password_hash: "x",
        },
    )
    .await;
    assert!(matches!(r, Err(Error::Invalid { .. })));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_session_finds_its_user_until_it_expires(pool: PgPool) {
    let id = add_user(&pool, "ann@example.com", Role::Marketing).await;
    let (token, hash) = credentials::new_session_token();
    sessions::create(&pool, &hash, id).await.unwrap();

    let user = sessions::find_user(&pool, &credentials::hash_session_token(&token))
        .await
        .unwrap()
        .expect("live session");
    assert_eq!(user.id, id);
    assert_eq!(user.role, Role::Marketing);

    // Past its absolute lifetime: gone.
    sqlx::query("update sessions set expires_at = now() - interval '1 second'")
        .execute(&pool)
        .await
        .unwrap();
    assert!(sessions::find_user(&pool, &hash).await.unwrap().is_none());
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_idle_session_expires(pool: PgPool) {
    let id = add_user(&pool, "ann@example.com", Role::Viewer).await;
    let (_, hash) = credentials::new_session_token();
    sessions::create(&pool, &hash, id).await.unwrap();
    let idle = Utc::now() - sessions::IDLE_TIMEOUT - Duration::minutes(1);
    sqlx::query("update sessions set last_seen_at = $1")
        .bind(idle)
        .execute(&pool)
        .await
        .unwrap();
    assert!(sessions::find_user(&pool, &hash).await.unwrap().is_none());
    assert_eq!(sessions::purge_expired(&pool).await.unwrap(), 1);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn deactivating_a_user_ends_their_sessions(pool: PgPool) {
    add_user(&pool, "admin@example.com", Role::Administrator).await;
    let id = add_user(&pool, "ann@example.com", Role::Sales).await;
    let (_, hash) = credentials::new_session_token();
    sessions::create(&pool, &hash, id).await.unwrap();
    users::set_active(&pool, id, false).await.unwrap();
    assert!(sessions::find_user(&pool, &hash).await.unwrap().is_none());
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_last_administrator_cannot_be_demoted_or_deactivated(pool: PgPool) {
    let admin = add_user(&pool, "admin@example.com", Role::Administrator).await;
    assert!(matches!(
        users::set_role(&pool, admin, Role::Viewer).await,
        Err(Error::Conflict(_))
    ));
    assert!(matches!(
        users::set_active(&pool, admin, false).await,
        Err(Error::Conflict(_))
    ));

    let second = add_user(&pool, "second@example.com", Role::Administrator).await;
    users::set_role(&pool, admin, Role::Viewer).await.unwrap();
    assert!(matches!(
        users::set_role(&pool, second, Role::Sales).await,
        Err(Error::Conflict(_))
    ));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_new_password_ends_other_sessions_but_keeps_the_current_one(pool: PgPool) {
    let id = add_user(&pool, "ann@example.com", Role::Sales).await;
    let (_, current) = credentials::new_session_token();
    let (_, other) = credentials::new_session_token();
    sessions::create(&pool, &current, id).await.unwrap();
    sessions::create(&pool, &other, id).await.unwrap();
    let hash = credentials::hash_password("a brand new password").unwrap();
    users::set_password(&pool, id, &hash, Some(&current))
        .await
        .unwrap();
    assert!(
        sessions::find_user(&pool, &current)
            .await
            .unwrap()
            .is_some()
    );
    assert!(sessions::find_user(&pool, &other).await.unwrap().is_none());
    let stored = users::password_hash(&pool, id).await.unwrap();
    assert!(credentials::verify_password(
        "a brand new password",
        &stored
    ));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn repeated_failures_impose_a_growing_wait(pool: PgPool) {
    let email = "ann@example.com";
    for _ in 0..throttle::FREE_ATTEMPTS - 1 {
        throttle::record_failure(&pool, email).await.unwrap();
    }
    assert_eq!(
        throttle::wait_before_attempt(&pool, email).await.unwrap(),
        Duration::zero()
    );
    throttle::record_failure(&pool, "ANN@example.com")
        .await
        .unwrap();
    let wait = throttle::wait_before_attempt(&pool, email).await.unwrap();
    assert!(
        wait > Duration::zero() && wait <= Duration::seconds(2),
        "{wait:?}"
    );
    throttle::clear(&pool, email).await.unwrap();
    assert_eq!(
        throttle::wait_before_attempt(&pool, email).await.unwrap(),
        Duration::zero()
    );
}
