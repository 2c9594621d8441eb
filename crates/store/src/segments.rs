//! Customer segments: what the Customers grid filters marketing lists by and the sync keeps.
//!
//! RFM scores are kept on `customers` (migration 20261208000000) so the grid can filter and
//! sort by them. They are the customers report's scores (`metrics::rfm`), as of the refresh:
//! per customer with a non-canceled order, recency = the last one, frequency = how many in the
//! last 365 days, monetary = Σ (subtotal − |discount|) of all of them; each scored 1–5 within
//! the customer's channel (monetary within channel and currency, as amounts in different
//! currencies do not compare) as 1 + ⌊5 × (customers of the group with a lower value) ÷
//! (customers of the group)⌋. That is a quintile by rank: equal values get equal scores and a
//! refresh never depends on row order (`ntile` would split a tie, typically the many customers
//! with one order, between scores at random, and move them between segments on every refresh).
//! 5 is best: the most recent last order, the most orders, the highest sales.

use crate::Result;
use sqlx::PgPool;

/// Recomputes the RFM scores of `channel_id`'s customers in one statement, writing only the
/// rows whose scores changed (customers without a non-canceled order lose theirs). Returns how
/// many rows were written. Run once per sync run: a frequency counts the last 365 days, so
/// scores move with time as well as with orders.
pub async fn refresh_rfm(db: &PgPool, channel_id: i64) -> Result<u64> {
    let done = sqlx::query!(
        r#"with buyers as (
               select o.customer_id,
                      max(o.magento_created_at) as last_at,
                      count(*) filter (where o.magento_created_at > now() - interval '365 days')
                          as frequency,
                      sum(coalesce(o.subtotal, 0) - abs(coalesce(o.discount_amount, 0)))
                          as lifetime,
                      (array_agg(coalesce(o.order_currency_code, '')
                                 order by o.magento_created_at desc, o.id desc))[1] as currency
               from orders o
               where o.channel_id = $1 and o.customer_id is not null
                 and o.magento_created_at <= now()
                 and coalesce(o.state, '') <> 'canceled' and coalesce(o.status, '') <> 'canceled'
               group by o.customer_id
           ), scored as (
               select b.customer_id,
                      (1 + 5 * (rank() over (order by b.last_at) - 1)
                           / count(*) over ())::int2 as r,
                      (1 + 5 * (rank() over (order by b.frequency) - 1)
                           / count(*) over ())::int2 as f,
                      (1 + 5 * (rank() over (partition by b.currency order by b.lifetime) - 1)
                           / count(*) over (partition by b.currency))::int2 as m
               from buyers b
           )
           update customers c
           set rfm_recency = s.r, rfm_frequency = s.f, rfm_monetary = s.m
           from (select c2.id, s.r, s.f, s.m
                 from customers c2 left join scored s on s.customer_id = c2.id
                 where c2.channel_id = $1) s
           where c.id = s.id
             and (c.rfm_recency, c.rfm_frequency, c.rfm_monetary)
                 is distinct from (s.r, s.f, s.m)"#,
        channel_id
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}
