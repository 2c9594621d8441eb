//! An account page.

use crate::grid::local_time;
use crate::{Error, Result};
use chrono_tz::Tz;
use domain::grid::Money;
use domain::grid::detail::{AccountCounts, AccountDetail};
use sqlx::PgPool;

pub async fn account(pool: &PgPool, id: i64, tz: Tz) -> Result<AccountDetail> {
    let a = sqlx::query!(
        r#"select a.id, a.name, a.email_key, a.customers_count, a.lifetime_sales, a.created_at,
               (select o.order_currency_code from customers cu join orders o on o.customer_id = cu.id
                where cu.account_id = a.id order by o.id desc limit 1) as currency
           from accounts a where a.id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(Error::NotFound)?;
    let counts = sqlx::query!(
        r#"with members as (select id from customers where account_id = $1)
           select (select count(*) from members) as "customers!",
                  (select count(*) from orders where customer_id in (select id from members)) as "orders!",
                  (select count(*) from carts where customer_id in (select id from members)) as "carts!",
                  (select count(*) from credit_memos m join orders o on o.id = m.order_id
                   where o.customer_id in (select id from members)) as "credit_memos!""#,
        id
    )
    .fetch_one(pool)
    .await?;
    Ok(AccountDetail {
        id: a.id,
        name: a.name,
        email: a.email_key,
        customers_count: a.customers_count,
        lifetime_sales: Money::new(a.lifetime_sales, a.currency.as_deref()),
        created_at: local_time(Some(a.created_at), tz),
        counts: AccountCounts {
            customers: counts.customers,
            orders: counts.orders,
            carts: counts.carts,
            credit_memos: counts.credit_memos,
        },
    })
}
