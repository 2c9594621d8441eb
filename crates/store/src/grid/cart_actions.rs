//! Marking a cart lost, and reopening it (product.md §3, §5). Lost and Converted are sticky:
//! syncs keep them; only a user reopens.

use crate::{Error, Result};
use domain::CartStatus;
use sqlx::PgPool;

/// Marks an open or expired cart lost. Returns the new status.
pub async fn mark_lost(pool: &PgPool, cart_id: i64) -> Result<CartStatus> {
    let done = sqlx::query_scalar!(
        r#"update carts set status = 'lost', status_changed_at = now(), updated_at = now()
           where id = $1 and status in ('open', 'expired')
           returning status"#,
        cart_id
    )
    .fetch_optional(pool)
    .await?;
    match done {
        Some(_) => Ok(CartStatus::Lost),
        None => Err(refusal(
            pool,
            cart_id,
            "Only open or expired carts can be marked lost.",
        )
        .await),
    }
}

/// Reopens a lost (or converted) cart: it gets the status the rules give it without the
/// user's decision: Purchased if its order exists, Expired if it left the store, was
/// deactivated or is older than the channel's cart lifetime, else Open.
pub async fn reopen(pool: &PgPool, cart_id: i64) -> Result<CartStatus> {
    let mut conn = pool.acquire().await?;
    match recompute_status(&mut conn, cart_id).await? {
        Some(s) => Ok(s),
        None => Err(refusal(
            pool,
            cart_id,
            "Only lost or converted carts can be reopened.",
        )
        .await),
    }
}

/// Gives a Lost or Converted cart the status the rules give it without the user's decision;
/// `None` when the cart is neither.
pub async fn recompute_status(
    conn: &mut sqlx::PgConnection,
    cart_id: i64,
) -> Result<Option<CartStatus>> {
    let status = sqlx::query_scalar!(
        r#"update carts c set status = case
               when c.order_id is not null then 'purchased'
               when c.left_store_at is not null or not c.is_active
                    or c.magento_updated_at < now() - make_interval(days => ch.cart_lifetime_days)
               then 'expired'
               else 'open' end,
             status_changed_at = now(), updated_at = now()
           from channels ch
           where c.id = $1 and ch.id = c.channel_id
             and c.status in ('lost', 'converted_to_opportunity')
           returning c.status"#,
        cart_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(status.map(|s| s.parse().unwrap_or(CartStatus::Open)))
}

/// Not found, or a conflict explaining why the cart's status does not allow it.
async fn refusal(pool: &PgPool, cart_id: i64, message: &str) -> Error {
    match sqlx::query_scalar!("select status from carts where id = $1", cart_id)
        .fetch_optional(pool)
        .await
    {
        Ok(Some(status)) => {
            let label = status
                .parse::<CartStatus>()
                .map(|s| s.label())
                .unwrap_or("unknown");
            Error::Conflict(format!("{message} This cart is {}.", label.to_lowercase()))
        }
        Ok(None) => Error::NotFound,
        Err(e) => Error::Database(e),
    }
}
