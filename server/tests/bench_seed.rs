//! The benchmark seed produces the store it promises, at a small size.

use server::bench::seed::{SeedSize, ensure_seeded};
use store::PgPool;
use store::secrets::Cipher;

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn seeding_creates_the_requested_rows_with_every_cart_status(pool: PgPool) {
    let cipher = Cipher::new(&[1u8; 32]);
    let size = SeedSize {
        customers: 300,
        carts: 1_000,
        orders: 800,
    };
    let channel = ensure_seeded(&pool, &cipher, size).await.unwrap();
    let count = |table: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(&format!(
                "select count(*) from {table} where channel_id = $1"
            ))
            .bind(channel)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    assert_eq!(count("customers").await, 300);
    assert_eq!(count("carts").await, 1_000);
    assert_eq!(count("orders").await, 800);
    assert!(count("credit_memos").await > 0);
    let statuses: Vec<String> =
        sqlx::query_scalar("select distinct status from carts where channel_id = $1 order by 1")
            .bind(channel)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        statuses,
        [
            "converted_to_opportunity",
            "expired",
            "lost",
            "open",
            "purchased"
        ]
    );
    let unlinked: i64 = sqlx::query_scalar(
        "select count(*) from orders o where o.channel_id = $1
           and (o.customer_id is null
                or not exists (select 1 from carts k
                               where k.channel_id = o.channel_id and k.magento_id = o.quote_magento_id))",
    )
        .bind(channel)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(unlinked, 0);
    // Seeding again at the same size reuses the channel.
    assert_eq!(ensure_seeded(&pool, &cipher, size).await.unwrap(), channel);
}
