//! Customers: new and returning buyers of a period, and the top customers by lifetime sales.
//!
//! A guest buyer counts through the guest customer the sync made for their email (one per
//! channel, website and email), whose creation time is when the store first saw them.

use super::Scope;
use crate::Result;
use domain::metrics::{CustomerSummary, Money, TopCustomer};
use sqlx::PgPool;

/// Customers with a non-canceled order created in the period: new ones were created in the
/// period, returning ones before it.
pub async fn customer_summary(pool: &PgPool, scope: Scope<'_>) -> Result<CustomerSummary> {
    let row = sqlx::query!(
        r#"select count(*) filter (where c.magento_created_at >= b.starts
                                   and c.magento_created_at < b.ends) as "new!",
                  count(*) filter (where c.magento_created_at < b.starts) as "returning!"
           from (select ($3::date)::timestamp at time zone $2::text as starts,
                        ($4::date + 1)::timestamp at time zone $2::text as ends) b
           cross join lateral (
               select distinct o.customer_id
               from orders o
               where ($1::int8 is null or o.channel_id = $1)
                 and o.magento_created_at >= b.starts and o.magento_created_at < b.ends
                 and o.customer_id is not null
                 and coalesce(o.state, '') <> 'canceled' and coalesce(o.status, '') <> 'canceled'
           ) buyers
           join customers c on c.id = buyers.customer_id"#,
        scope.channel,
        scope.tz,
        scope.range.from,
        scope.range.to,
    )
    .fetch_one(pool)
    .await?;
    Ok(CustomerSummary {
        new: row.new,
        returning: row.returning,
    })
}

/// The customers with the highest lifetime sales among those who bought in `currency` (lifetime
/// sales of customers of different currencies cannot be ranked together). Walks the grids'
/// `customers_lifetime_idx` from the top.
pub async fn top_customers(
    pool: &PgPool,
    channel: Option<i64>,
    currency: &str,
    limit: i64,
) -> Result<Vec<TopCustomer>> {
    let rows = sqlx::query!(
        r#"select c.id, c.email, c.is_guest, c.orders_count, c.lifetime_sales, c.last_order_at,
                  coalesce(nullif(trim(concat_ws(' ', c.first_name, c.last_name)), ''), c.email)
                      as "name!"
           from customers c
           where ($1::int8 is null or c.channel_id = $1) and c.lifetime_sales > 0
             and exists (select 1 from orders o
                         where o.customer_id = c.id
                           and coalesce(o.order_currency_code, '') = $2)
           order by c.lifetime_sales desc, c.id desc
           limit $3"#,
        channel,
        currency,
        limit,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| TopCustomer {
            id: r.id,
            name: r.name,
            email: r.email,
            is_guest: r.is_guest,
            orders: r.orders_count,
            lifetime_sales: Money {
                currency: currency.to_string(),
                amount: r.lifetime_sales,
            },
            last_order_at: r.last_order_at,
        })
        .collect())
}
