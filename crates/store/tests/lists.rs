//! Marketing lists: dynamic lists follow their filter, static ones stay frozen until
//! refreshed, removed members leave only the list, unsubscribed people are never exported, an
//! export counts as a contact, built-ins exist per channel.

use chrono::{NaiveDate, Utc};
use domain::lists::{Builtin, ListEntity, ListKind, NewList};
use domain::{ChannelSettings, Credentials, Role};
use futures::TryStreamExt;
use store::secrets::Cipher;
use store::users::{self, NewUser};
use store::{Error, PgPool, lists};

const TZ: chrono_tz::Tz = chrono_tz::UTC;

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

async fn setup(pool: &PgPool) -> (i64, i64) {
    let user = users::create(
        pool,
        NewUser {
            email: "mara@example.com",
            name: "Mara",
            role: Role::Marketing,
            password_hash: "x",
        },
    )
    .await
    .unwrap();
    let channel = store::channels::create(
        pool,
        &Cipher::new(&[3u8; 32]),
        &ChannelSettings::new("Shop", "https://shop.example.com"),
        &Credentials::Bearer { token: "t".into() },
        false,
    )
    .await
    .unwrap();
    // Five customers: (magento id, email, country, lifetime sales, subscriber status).
    for (id, email, country, sales, status) in [
        (1, "anna@example.de", "DE", 250, Some(1)),
        (2, "bert@example.de", "DE", 90, Some(1)),
        (3, "cora@example.de", "DE", 400, Some(3)),
        (4, "dan@example.fr", "FR", 500, Some(1)),
        (5, "eve@example.de", "DE", 120, None),
    ] {
        let customer: i64 = sqlx::query_scalar(
            "insert into customers (channel_id, magento_id, email, first_name, last_name,
                 lifetime_sales, orders_count, last_order_at)
             values ($1, $2, $3, 'F', 'L', $4, 1, now() - interval '10 days') returning id",
        )
        .bind(channel)
        .bind(id)
        .bind(email)
        .bind(rust_decimal::Decimal::from(sales))
        .fetch_one(pool)
        .await
        .unwrap();
        sqlx::query(
            "insert into customer_addresses (customer_id, magento_id, country_id, is_default_billing)
             values ($1, $2, $3, true)",
        )
        .bind(customer)
        .bind(id)
        .bind(country)
        .execute(pool)
        .await
        .unwrap();
        if let Some(status) = status {
            sqlx::query(
                "insert into newsletter_subscribers (channel_id, magento_id, customer_id, email,
                     status, source)
                 values ($1, $2, $3, $4, $5, 'companion_route')",
            )
            .bind(channel)
            .bind(id)
            .bind(customer)
            .bind(email)
            .bind(status as i16)
            .execute(pool)
            .await
            .unwrap();
        }
    }
    (user, channel)
}

async fn emails(pool: &PgPool, list: i64) -> Vec<String> {
    let page = lists::page(pool, list, 1, today(), TZ).await.unwrap();
    assert_eq!(page.total as usize, page.members.len());
    let mut out: Vec<String> = page.members.into_iter().filter_map(|m| m.email).collect();
    out.sort();
    out
}

async fn exported(pool: &PgPool, list: i64, contacted: bool) -> Vec<String> {
    let mut out: Vec<String> = lists::export(pool.clone(), list, contacted, today(), TZ)
        .await
        .unwrap()
        .map_ok(|m| m.email.unwrap())
        .try_collect()
        .await
        .unwrap();
    out.sort();
    out
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_segment_of_subscribed_german_customers_with_sales_of_100_or_more(pool: PgPool) {
    let (user, _) = setup(&pool).await;
    let new = |kind| NewList {
        name: format!("Germany {kind:?}"),
        entity: ListEntity::Customers,
        kind,
        query: "country=DE&subscription=subscribed,unsubscribed&lifetime_sales_min=100&page=2"
            .into(),
    };
    let dynamic = lists::create(&pool, user, &new(ListKind::Dynamic), today(), TZ)
        .await
        .unwrap();
    let frozen = lists::create(&pool, user, &new(ListKind::Static), today(), TZ)
        .await
        .unwrap();
    let both = vec!["anna@example.de".to_string(), "cora@example.de".to_string()];
    assert_eq!(emails(&pool, dynamic).await, both);
    assert_eq!(emails(&pool, frozen).await, both);
    // The unsubscribed member is shown, never exported.
    let page = lists::page(&pool, dynamic, 1, today(), TZ).await.unwrap();
    assert!(
        page.members
            .iter()
            .any(|m| m.unsubscribed && m.email.as_deref() == Some("cora@example.de"))
    );
    assert_eq!(
        exported(&pool, dynamic, false).await,
        vec!["anna@example.de"]
    );

    // Bert's sales pass 100: the dynamic list has him at once, the static one after a refresh.
    sqlx::query("update customers set lifetime_sales = 150 where email = 'bert@example.de'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(emails(&pool, dynamic).await.len(), 3);
    assert_eq!(emails(&pool, frozen).await.len(), 2);
    assert_eq!(lists::refresh(&pool, frozen, today(), TZ).await.unwrap(), 3);
    assert_eq!(emails(&pool, frozen).await.len(), 3);
    assert!(matches!(
        lists::refresh(&pool, dynamic, today(), TZ).await,
        Err(Error::Conflict(_))
    ));

    // Removing a member leaves the customer alone; putting it back restores it.
    let anna: i64 = sqlx::query_scalar("select id from customers where email = 'anna@example.de'")
        .fetch_one(&pool)
        .await
        .unwrap();
    lists::remove_member(&pool, dynamic, anna, user, false)
        .await
        .unwrap();
    assert!(
        !emails(&pool, dynamic)
            .await
            .contains(&"anna@example.de".to_string())
    );
    let page = lists::page(&pool, dynamic, 1, today(), TZ).await.unwrap();
    assert_eq!((page.total, page.removed), (2, 1));
    // The count leaves out removed members the filter matches, and only those: Anna, removed,
    // then out of the filter too, is not taken off twice.
    let sales: rust_decimal::Decimal =
        sqlx::query_scalar("select lifetime_sales from customers where id = $1")
            .bind(anna)
            .fetch_one(&pool)
            .await
            .unwrap();
    sqlx::query("update customers set lifetime_sales = 5 where id = $1")
        .bind(anna)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        lists::page(&pool, dynamic, 1, today(), TZ)
            .await
            .unwrap()
            .total,
        2
    );
    sqlx::query("update customers set lifetime_sales = $2 where id = $1")
        .bind(anna)
        .bind(sales)
        .execute(&pool)
        .await
        .unwrap();
    lists::remove_member(&pool, dynamic, anna, user, true)
        .await
        .unwrap();
    assert!(
        emails(&pool, dynamic)
            .await
            .contains(&"anna@example.de".to_string())
    );

    // An export counted as a contact, twice.
    exported(&pool, dynamic, true).await;
    exported(&pool, dynamic, true).await;
    let page = lists::page(&pool, dynamic, 1, today(), TZ).await.unwrap();
    let anna = page
        .members
        .iter()
        .find(|m| m.email.as_deref() == Some("anna@example.de"))
        .unwrap();
    assert_eq!(anna.contacted_times, 2);
    assert!(anna.last_contacted_at.is_some());
    let cora = page
        .members
        .iter()
        .find(|m| m.email.as_deref() == Some("cora@example.de"))
        .unwrap();
    assert_eq!(
        cora.contacted_times, 0,
        "unsubscribed people are never contacted"
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn bad_lists_are_refused_with_the_field_named(pool: PgPool) {
    let (user, _) = setup(&pool).await;
    let list = |name: &str, query: &str| NewList {
        name: name.into(),
        entity: ListEntity::Customers,
        kind: ListKind::Dynamic,
        query: query.into(),
    };
    let field = |r: Result<i64, Error>| match r {
        Err(Error::Invalid { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        field(lists::create(&pool, user, &list(" ", ""), today(), TZ).await),
        "name"
    );
    assert_eq!(
        field(
            lists::create(
                &pool,
                user,
                &list("Big", "lifetime_sales_min=lots"),
                today(),
                TZ
            )
            .await
        ),
        "lifetime_sales_min"
    );
    lists::create(&pool, user, &list("Everyone", ""), today(), TZ)
        .await
        .unwrap();
    assert_eq!(
        field(lists::create(&pool, user, &list("everyone", ""), today(), TZ).await),
        "name"
    );
    // A filter that matches nobody is a list with no members, not an error.
    let none = lists::create(
        &pool,
        user,
        &list("Nobody", "email=nobody@example.com"),
        today(),
        TZ,
    )
    .await
    .unwrap();
    assert!(emails(&pool, none).await.is_empty());
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn every_channel_has_the_built_in_lists(pool: PgPool) {
    let (_, channel) = setup(&pool).await;
    let all = lists::all(&pool, today(), TZ).await.unwrap();
    for b in Builtin::ALL {
        let list = all.iter().find(|l| l.builtin == Some(b)).unwrap();
        assert_eq!(list.entity, b.entity());
        assert!(list.query.contains(&format!("channel={channel}")));
    }
    let subscribed = all
        .iter()
        .find(|l| l.builtin == Some(Builtin::Subscribed))
        .unwrap();
    assert_eq!(subscribed.members, Some(3), "status 1 only");
    let first_time = all
        .iter()
        .find(|l| l.builtin == Some(Builtin::FirstTimeBuyers))
        .unwrap();
    assert_eq!(first_time.members, Some(5));
    let lapsed = all
        .iter()
        .find(|l| l.builtin == Some(Builtin::LapsedCustomers))
        .unwrap();
    assert_eq!(lapsed.members, Some(0));
    // Idempotent, and built-ins cannot be deleted.
    assert_eq!(
        lists::all(&pool, today(), TZ).await.unwrap().len(),
        all.len()
    );
    assert!(matches!(
        lists::delete(&pool, subscribed.id).await,
        Err(Error::Conflict(_))
    ));
}

/// The country and newsletter status lists filter on are kept on the customer by triggers;
/// they must follow every change of the addresses and subscriber records they come from.
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_customer_s_country_and_newsletter_status_follow_their_records(pool: PgPool) {
    let (channel, _) = setup(&pool).await;
    let kept = |email: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_as::<_, (Option<String>, Option<i16>)>(
                "select country_id, newsletter_status from customers where email = $1",
            )
            .bind(email)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let run = |sql: &'static str| {
        let pool = pool.clone();
        async move { sqlx::query(sql).execute(&pool).await.unwrap() }
    };
    assert_eq!(kept("anna@example.de").await, (Some("DE".into()), Some(1)));
    assert_eq!(kept("eve@example.de").await, (Some("DE".into()), None));

    // A second address becomes the default billing one, then goes.
    run(
        "insert into customer_addresses (customer_id, magento_id, country_id, is_default_billing)
         select id, 100, 'AT', false from customers where email = 'anna@example.de'",
    )
    .await;
    assert_eq!(kept("anna@example.de").await.0.as_deref(), Some("DE"));
    run(
        "update customer_addresses set is_default_billing = (magento_id = 100)
         where customer_id = (select id from customers where email = 'anna@example.de')",
    )
    .await;
    assert_eq!(kept("anna@example.de").await.0.as_deref(), Some("AT"));
    run("delete from customer_addresses where magento_id = 100").await;
    assert_eq!(kept("anna@example.de").await.0.as_deref(), Some("DE"));
    run("delete from customer_addresses
         where customer_id = (select id from customers where email = 'anna@example.de')")
    .await;
    assert_eq!(kept("anna@example.de").await.0, None);

    // A newer subscriber record decides; removed ones do not count; a record linked later does.
    run(
        "insert into newsletter_subscribers (channel_id, magento_id, customer_id, email, status,
             source, updated_at)
         select channel_id, 200, id, email, 3, 'companion_route', now() + interval '1 minute'
         from customers where email = 'anna@example.de'",
    )
    .await;
    assert_eq!(kept("anna@example.de").await.1, Some(3));
    run("update newsletter_subscribers set removed_at = now() where magento_id = 200").await;
    assert_eq!(kept("anna@example.de").await.1, Some(1));
    run("delete from newsletter_subscribers where email = 'anna@example.de'").await;
    assert_eq!(kept("anna@example.de").await.1, None);
    sqlx::query(
        "insert into newsletter_subscribers (channel_id, magento_id, email, status, source)
         values ($1, 300, 'eve@example.de', 2, 'companion_route')",
    )
    .bind(channel)
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(kept("eve@example.de").await.1, None);
    run("update newsletter_subscribers
         set customer_id = (select id from customers where email = 'eve@example.de')
         where magento_id = 300")
    .await;
    assert_eq!(kept("eve@example.de").await.1, Some(2));
}
