//! An account page.

use crate::grid::accounts::money_by_currency;
use crate::grid::local_time;
use crate::{Error, Result};
use chrono_tz::Tz;
use domain::grid::Money;
use domain::grid::detail::{AccountCounts, AccountDetail};
use rust_decimal::Decimal;
use sqlx::PgPool;
use sqlx::types::Json;
use std::collections::BTreeMap;

pub async fn account(pool: &PgPool, id: i64, tz: Tz) -> Result<AccountDetail> {
    let a = sqlx::query!(
        r#"select a.id, a.name, a.email_key, a.customers_count, a.created_at,
               a.lifetime_sales_by_currency as "by_currency: Json<BTreeMap<String, Decimal>>"
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
        lifetime_sales: match money_by_currency(a.by_currency.0) {
            none if none.is_empty() => vec![Money::new(Decimal::ZERO, None)],
            amounts => amounts,
        },
        created_at: local_time(Some(a.created_at), tz),
        counts: AccountCounts {
            customers: counts.customers,
            orders: counts.orders,
            carts: counts.carts,
            credit_memos: counts.credit_memos,
        },
    })
}
