//! Customers by lifetime value, with RFM scores.
//!
//! Per customer with a non-canceled order: recency = days since the last one, frequency = how
//! many in the last 365 days, monetary = Σ (subtotal − |discount|) of all of them. Each is
//! scored 1–5 by quintile within the customer's channel (monetary within channel and currency,
//! as amounts in different currencies do not compare): score = 1 + ⌊5 × (customers of the
//! group with a lower value) ÷ (customers of the group)⌋, so equal values get equal scores and
//! the result never depends on row order. A more recent last order scores higher.

use crate::Result;
use chrono::{DateTime, Utc};
use domain::metrics::{Money, RfmReport, RfmRow};
use sqlx::PgPool;

/// The report as of `as_of`, the customers with the highest lifetime value first (at most
/// `limit`; `total` counts them all).
pub async fn rfm_report(
    pool: &PgPool,
    channel: Option<i64>,
    as_of: DateTime<Utc>,
    limit: i64,
) -> Result<RfmReport> {
    let mut tx = super::custom_plans(pool).await?;
    let rows = sqlx::query!(
        r#"with buyers as (
               select o.customer_id,
                      max(o.magento_created_at) as last_at,
                      count(*) filter (where o.magento_created_at > $2::timestamptz - interval '365 days')
                          as frequency,
                      sum(coalesce(o.subtotal, 0) - abs(coalesce(o.discount_amount, 0)))
                          as lifetime,
                      (array_agg(coalesce(o.order_currency_code, '')
                                 order by o.magento_created_at desc, o.id desc))[1] as currency
               from orders o
               where o.customer_id is not null and o.magento_created_at <= $2::timestamptz
                 and ($1::int8 is null or o.channel_id = $1)
                 and coalesce(o.state, '') <> 'canceled' and coalesce(o.status, '') <> 'canceled'
               group by o.customer_id
           ), ranked as (
               select b.*, c.channel_id, c.email, c.is_guest,
                      coalesce(nullif(trim(concat_ws(' ', c.first_name, c.last_name)), ''), c.email)
                          as name,
                      rank() over (partition by c.channel_id order by b.last_at) as r_rank,
                      rank() over (partition by c.channel_id order by b.frequency) as f_rank,
                      rank() over (partition by c.channel_id, b.currency order by b.lifetime)
                          as m_rank,
                      count(*) over (partition by c.channel_id) as n,
                      count(*) over (partition by c.channel_id, b.currency) as n_currency,
                      count(*) over () as total
               from buyers b
               join customers c on c.id = b.customer_id
           )
           select r.customer_id as "customer_id!", ch.name as channel, r.name as "name!",
                  r.email, r.is_guest, r.lifetime as "lifetime!", r.currency as "currency!",
                  r.last_at as "last_at!", r.frequency as "frequency!",
                  floor(extract(epoch from ($2 - r.last_at)) / 86400)::int8 as "recency_days!",
                  (1 + 5 * (r.r_rank - 1) / r.n)::int2 as "r!",
                  (1 + 5 * (r.f_rank - 1) / r.n)::int2 as "f!",
                  (1 + 5 * (r.m_rank - 1) / r.n_currency)::int2 as "m!",
                  r.total as "total!"
           from ranked r
           join channels ch on ch.id = r.channel_id
           order by r.lifetime desc, r.customer_id
           limit $3"#,
        channel,
        as_of,
        limit,
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(RfmReport {
        as_of,
        total: rows.first().map(|r| r.total).unwrap_or(0),
        rows: rows
            .into_iter()
            .map(|r| RfmRow {
                customer_id: r.customer_id,
                channel: r.channel,
                name: r.name,
                email: r.email,
                is_guest: r.is_guest,
                lifetime: Money {
                    currency: r.currency,
                    amount: r.lifetime,
                },
                last_order_at: r.last_at,
                recency_days: r.recency_days,
                frequency: r.frequency,
                r: r.r,
                f: r.f,
                m: r.m,
            })
            .collect(),
    })
}
