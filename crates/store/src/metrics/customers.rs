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
///
/// When no order was created after the period (it reaches the present, as "last 30 days"
/// does), a customer ordered in it exactly when their last non-canceled order (kept by the sync
/// in `customers.last_order_at`) falls in it: one index range over customers. Otherwise (the
/// previous period, past ranges) each customer is counted through their first order of the
/// period, the one whose previous order (kept on the order by the sync) is before it: one index
/// range over the period's orders, no distinct and no join.
pub async fn customer_summary(pool: &PgPool, scope: Scope<'_>) -> Result<CustomerSummary> {
    let mut tx = super::custom_plans(pool).await?;
    let later = sqlx::query_scalar!(
        r#"select exists (
               select 1 from orders o
               where o.magento_created_at >= ($3::date + 1)::timestamp at time zone $2::text
                 and ($1::int8 is null or o.channel_id = $1)) as "later!""#,
        scope.channel,
        scope.tz,
        scope.range.to,
    )
    .fetch_one(&mut *tx)
    .await?;
    if !later {
        let row = sqlx::query!(
            r#"select count(*) filter (where c.magento_created_at >= b.starts
                                       and c.magento_created_at < b.ends) as "new!",
                      count(*) filter (where c.magento_created_at < b.starts) as "returning!"
               from (select ($3::date)::timestamp at time zone $2::text as starts,
                            ($4::date + 1)::timestamp at time zone $2::text as ends) b
               join customers c on c.last_order_at >= b.starts and c.last_order_at < b.ends
               where ($1::int8 is null or c.channel_id = $1)"#,
            scope.channel,
            scope.tz,
            scope.range.from,
            scope.range.to,
        )
        .fetch_one(&mut *tx)
        .await?;
        return Ok(CustomerSummary {
            new: row.new,
            returning: row.returning,
        });
    }
    let row = sqlx::query!(
        r#"select count(*) filter (where o.customer_created_at >= b.starts
                                   and o.customer_created_at < b.ends) as "new!",
                  count(*) filter (where o.customer_created_at < b.starts) as "returning!"
           from (select ($3::date)::timestamp at time zone $2::text as starts,
                        ($4::date + 1)::timestamp at time zone $2::text as ends) b
           join orders o on o.magento_created_at >= b.starts and o.magento_created_at < b.ends
           where ($1::int8 is null or o.channel_id = $1)
             and o.customer_id is not null
             and coalesce(o.state, '') <> 'canceled' and coalesce(o.status, '') <> 'canceled'
             and (o.prev_order_at is null or o.prev_order_at < b.starts)"#,
        scope.channel,
        scope.tz,
        scope.range.from,
        scope.range.to,
    )
    .fetch_one(&mut *tx)
    .await?;
    Ok(CustomerSummary {
        new: row.new,
        returning: row.returning,
    })
}

/// [`customer_summary`] from the period's orders alone: their distinct customers.
pub async fn customer_summary_raw(pool: &PgPool, scope: Scope<'_>) -> Result<CustomerSummary> {
    let mut tx = super::custom_plans(pool).await?;
    // One process per query: the dashboard runs a dozen queries at once, and parallel workers
    // would each build the same hash of customer ids.
    sqlx::query!("set local max_parallel_workers_per_gather = 0")
        .execute(&mut *tx)
        .await?;
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
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
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
    let mut tx = super::custom_plans(pool).await?;
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
    .fetch_all(&mut *tx)
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
