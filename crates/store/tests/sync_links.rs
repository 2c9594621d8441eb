//! The links the sync keeps between what arrives in any order: an order and its cart, a guest
//! and the first time they were seen, customers and the account of their email.

use chrono::{DateTime, TimeZone, Utc};
use domain::CartStatus;
use sqlx::PgConnection;
use store::PgPool;
use store::sync_write::orders::Totals;
use store::sync_write::{CartRecord, CustomerRecord, OrderRecord, carts, customers, orders};

const CHANNEL: i64 = 1;

fn at(day: u32) -> Option<DateTime<Utc>> {
    Some(Utc.with_ymd_and_hms(2026, 3, day, 12, 0, 0).unwrap())
}

fn guest_order(magento_id: i64, quote: i64, email: &str, day: u32) -> OrderRecord {
    OrderRecord {
        magento_id,
        quote_magento_id: Some(quote),
        is_guest: true,
        email: Some(email.into()),
        state: Some("complete".into()),
        status: Some("complete".into()),
        created_at: at(day),
        updated_at: at(day),
        payload_hash: vec![magento_id as u8],
        ..Default::default()
    }
}

fn guest_cart(magento_id: i64, email: &str, day: u32, active: bool) -> CartRecord {
    CartRecord {
        magento_id,
        is_guest: true,
        email: Some(email.into()),
        is_active: active,
        created_at: at(day),
        updated_at: at(day),
        status: if active {
            CartStatus::Open
        } else {
            CartStatus::Expired
        },
        payload_hash: vec![magento_id as u8],
        ..Default::default()
    }
}

fn customer(magento_id: i64, website_id: i64, email: &str) -> CustomerRecord {
    CustomerRecord {
        magento_id,
        website_id,
        email: email.into(),
        first_name: Some(format!("Customer {magento_id}")),
        created_at: at(1),
        updated_at: at(1),
        payload_hash: vec![magento_id as u8],
        ..Default::default()
    }
}

async fn setup(pool: &PgPool) -> sqlx::pool::PoolConnection<sqlx::Postgres> {
    let mut conn = pool.acquire().await.unwrap();
    sqlx::query(
        r#"insert into channels (id, name, store_url, auth_kind, credentials, entities) values
             (1, 'Alpha', 'https://alpha.example', 'bearer', '\x00', array['customers','carts','orders'])"#,
    )
    .execute(&mut *conn)
    .await
    .unwrap();
    conn
}

/// Writes a page the way the sync does when changes arrive one by one.
async fn write_orders(conn: &mut PgConnection, page: &[OrderRecord]) {
    orders::upsert(conn, CHANNEL, page, Totals::PerPage)
        .await
        .unwrap();
}

async fn write_carts(conn: &mut PgConnection, page: &[CartRecord]) {
    carts::upsert(conn, CHANNEL, page).await.unwrap();
}

async fn write_customers(conn: &mut PgConnection, page: &[CustomerRecord]) {
    customers::upsert(conn, CHANNEL, page).await.unwrap();
}

async fn cart_state(conn: &mut PgConnection, magento_id: i64) -> (String, Option<i64>) {
    sqlx::query_as(
        "select c.status, o.magento_id from carts c left join orders o on o.id = c.order_id
         where c.channel_id = $1 and c.magento_id = $2",
    )
    .bind(CHANNEL)
    .bind(magento_id)
    .fetch_one(conn)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_cart_is_purchased_whichever_of_it_and_its_order_comes_first(pool: PgPool) {
    let mut conn = setup(&pool).await;
    // The order first (a history import): its cart is written Purchased at once.
    write_orders(&mut conn, &[guest_order(501, 11, "ann@example.com", 5)]).await;
    write_carts(&mut conn, &[guest_cart(11, "ann@example.com", 4, false)]).await;
    assert_eq!(
        cart_state(&mut conn, 11).await,
        ("purchased".into(), Some(501))
    );

    // The cart first (changes arriving one by one): the order makes it Purchased.
    write_carts(&mut conn, &[guest_cart(12, "bob@example.com", 6, true)]).await;
    assert_eq!(cart_state(&mut conn, 12).await, ("open".into(), None));
    write_orders(&mut conn, &[guest_order(502, 12, "bob@example.com", 7)]).await;
    assert_eq!(
        cart_state(&mut conn, 12).await,
        ("purchased".into(), Some(502))
    );

    // A later payload of the cart keeps it Purchased.
    let mut again = guest_cart(12, "bob@example.com", 6, false);
    again.updated_at = at(8);
    write_carts(&mut conn, &[again]).await;
    assert_eq!(
        cart_state(&mut conn, 12).await,
        ("purchased".into(), Some(502))
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_guest_was_created_when_first_seen_even_if_their_cart_arrives_after_their_order(
    pool: PgPool,
) {
    let mut conn = setup(&pool).await;
    write_orders(&mut conn, &[guest_order(601, 21, "cara@example.com", 10)]).await;
    // An older cart of hers (abandoned), then the cart of the order.
    write_carts(
        &mut conn,
        &[
            guest_cart(20, "Cara@Example.com", 3, true),
            guest_cart(21, "cara@example.com", 9, false),
        ],
    )
    .await;
    let (guests, created, order_mark): (i64, Option<DateTime<Utc>>, Option<DateTime<Utc>>) =
        sqlx::query_as(
            "select (select count(*) from customers where is_guest),
                    c.magento_created_at, o.customer_created_at
             from orders o join customers c on c.id = o.customer_id where o.magento_id = 601",
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(guests, 1);
    assert_eq!(created, at(3));
    assert_eq!(
        order_mark,
        at(3),
        "the order's buyer mark follows its guest"
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn customers_are_counted_in_the_account_of_their_email(pool: PgPool) {
    let mut conn = setup(&pool).await;
    // One page: the same person in two websites, and someone else.
    write_customers(
        &mut conn,
        &[
            customer(1, 1, "dan@example.com"),
            customer(2, 2, "Dan@example.com"),
            customer(3, 1, "eve@example.com"),
        ],
    )
    .await;
    // A later page: a third Dan, and Eve changes her email to a new one.
    let mut eve = customer(3, 1, "eve@new.example");
    eve.updated_at = at(2);
    write_customers(&mut conn, &[customer(4, 1, "DAN@example.com"), eve]).await;
    // A guest checkout makes a guest and the account of her email.
    write_orders(&mut conn, &[guest_order(701, 31, "fay@example.com", 5)]).await;

    let accounts: Vec<(String, i32, i64)> = sqlx::query_as(
        "select a.email_key, a.customers_count,
                (select count(*) from customers c where c.account_id = a.id)
         from accounts a order by a.email_key",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    assert_eq!(
        accounts,
        vec![
            ("dan@example.com".into(), 3, 3),
            ("eve@example.com".into(), 0, 0),
            ("eve@new.example".into(), 1, 1),
            ("fay@example.com".into(), 1, 1),
        ]
    );
    let unlinked: i64 =
        sqlx::query_scalar("select count(*) from customers where account_id is null")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    assert_eq!(unlinked, 0);
}

/// The cart status rules of product.md §3 as the store applies them when a cart's payload
/// arrives again: an order makes it Purchased, Purchased, Lost and Converted are sticky, and
/// otherwise the payload decides (Open, or Expired when deactivated or past its lifetime).
#[sqlx::test(migrator = "store::MIGRATOR")]
async fn cart_status_rules_table(pool: PgPool) {
    use CartStatus::*;
    let mut conn = setup(&pool).await;
    // (status stored before, the new payload's own status, its order exists) -> status after
    let table = [
        (None, Open, false, Open),
        (None, Expired, false, Expired),
        (None, Expired, true, Purchased),
        (None, Open, true, Purchased),
        (Some(Open), Open, true, Purchased),
        (Some(Open), Expired, false, Expired),
        (Some(Expired), Open, false, Open),
        (Some(Lost), Open, false, Lost),
        (Some(Lost), Expired, false, Lost),
        (Some(Lost), Open, true, Purchased),
        (
            Some(ConvertedToOpportunity),
            Expired,
            false,
            ConvertedToOpportunity,
        ),
        (Some(ConvertedToOpportunity), Open, true, Purchased),
        (Some(Purchased), Open, false, Purchased),
        (Some(Purchased), Expired, false, Purchased),
    ];
    for (i, (stored, payload, has_order, expected)) in table.into_iter().enumerate() {
        let id = 100 + i as i64;
        let email = format!("cart{id}@example.com");
        if let Some(stored) = stored {
            write_carts(&mut conn, &[guest_cart(id, &email, 2, true)]).await;
            sqlx::query("update carts set status = $3 where channel_id = $1 and magento_id = $2")
                .bind(CHANNEL)
                .bind(id)
                .bind(stored.as_str())
                .execute(&mut *conn)
                .await
                .unwrap();
        }
        if has_order {
            write_orders(&mut conn, &[guest_order(1000 + id, id, &email, 3)]).await;
        }
        let mut again = guest_cart(id, &email, 4, payload == Open);
        again.status = payload;
        write_carts(&mut conn, &[again]).await;
        let (got, _) = cart_state(&mut conn, id).await;
        assert_eq!(
            got,
            expected.as_str(),
            "stored {stored:?}, payload {payload:?}, order {has_order}"
        );
    }
}
