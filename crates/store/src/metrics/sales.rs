//! Orders and refunds: revenue, order counts, discounts, the revenue chart.
//!
//! Canceled orders (state or status `canceled`) are excluded from revenue and counts; revenue is
//! Σ (subtotal − |discount|) per order currency.

use super::Scope;
use crate::Result;
use domain::metrics::{
    CurrencySales, Granularity, Money, RefundSummary, SalesSummary, SeriesPoint,
};
use sqlx::PgPool;
use std::collections::BTreeMap;

/// Orders created in the period: counts, and revenue per currency (most orders first).
pub async fn sales_summary(pool: &PgPool, scope: Scope<'_>) -> Result<SalesSummary> {
    let mut tx = super::custom_plans(pool).await?;
    let rows = sqlx::query!(
        r#"select coalesce(o.order_currency_code, '') as "currency!",
                  count(*) filter (where not x.canceled) as "orders!",
                  count(*) filter (where x.canceled) as "canceled!",
                  count(*) filter (where not x.canceled
                                   and coalesce(o.discount_amount, 0) <> 0) as "discounted!",
                  coalesce(sum(coalesce(o.subtotal, 0) - abs(coalesce(o.discount_amount, 0)))
                           filter (where not x.canceled), 0) as "revenue!"
           from orders o
           cross join lateral (select coalesce(o.state, '') = 'canceled'
                                      or coalesce(o.status, '') = 'canceled' as canceled) x
           where ($1::int8 is null or o.channel_id = $1)
             and o.magento_created_at >= ($3::date)::timestamp at time zone $2::text
             and o.magento_created_at < ($4::date + 1)::timestamp at time zone $2::text
           group by 1
           order by 2 desc, 1"#,
        scope.channel,
        scope.tz,
        scope.range.from,
        scope.range.to,
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut summary = SalesSummary::default();
    for r in rows {
        summary.orders += r.orders;
        summary.canceled += r.canceled;
        summary.discounted += r.discounted;
        // A currency whose every order was canceled sold nothing: keep it out of the list.
        if r.orders > 0 {
            summary.by_currency.push(CurrencySales {
                currency: r.currency,
                orders: r.orders,
                revenue: r.revenue,
            });
        }
    }
    Ok(summary)
}

/// Non-canceled orders and revenue per bucket of the period (every bucket, empty ones too).
pub async fn sales_series(
    pool: &PgPool,
    scope: Scope<'_>,
    granularity: Granularity,
) -> Result<Vec<SeriesPoint>> {
    let mut tx = super::custom_plans(pool).await?;
    let rows = sqlx::query!(
        r#"select (date_trunc($5::text, o.magento_created_at at time zone $2::text))::date as "start!",
                  coalesce(o.order_currency_code, '') as "currency!",
                  count(*) as "orders!",
                  coalesce(sum(coalesce(o.subtotal, 0) - abs(coalesce(o.discount_amount, 0))), 0)
                      as "revenue!"
           from orders o
           where ($1::int8 is null or o.channel_id = $1)
             and o.magento_created_at >= ($3::date)::timestamp at time zone $2::text
             and o.magento_created_at < ($4::date + 1)::timestamp at time zone $2::text
             and coalesce(o.state, '') <> 'canceled' and coalesce(o.status, '') <> 'canceled'
           group by 1, 2"#,
        scope.channel,
        scope.tz,
        scope.range.from,
        scope.range.to,
        granularity.as_str(),
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut points: BTreeMap<_, SeriesPoint> = scope
        .range
        .buckets(granularity)
        .into_iter()
        .map(|start| {
            (
                start,
                SeriesPoint {
                    start,
                    ..SeriesPoint::default()
                },
            )
        })
        .collect();
    for r in rows {
        if let Some(p) = points.get_mut(&r.start) {
            p.orders += r.orders;
            p.revenue.push(Money {
                currency: r.currency,
                amount: r.revenue,
            });
        }
    }
    Ok(points.into_values().collect())
}

/// Credit memos in the refunded state (2) created in the period: count and Σ grand total.
pub async fn refund_summary(pool: &PgPool, scope: Scope<'_>) -> Result<RefundSummary> {
    let mut tx = super::custom_plans(pool).await?;
    let rows = sqlx::query!(
        r#"select coalesce(m.order_currency_code, '') as "currency!",
                  count(*) as "count!",
                  coalesce(sum(coalesce(m.grand_total, 0)), 0) as "total!"
           from credit_memos m
           where m.state = 2
             and ($1::int8 is null or m.channel_id = $1)
             and m.magento_created_at >= ($3::date)::timestamp at time zone $2::text
             and m.magento_created_at < ($4::date + 1)::timestamp at time zone $2::text
           group by 1
           order by 2 desc, 1"#,
        scope.channel,
        scope.tz,
        scope.range.from,
        scope.range.to,
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(RefundSummary {
        count: rows.iter().map(|r| r.count).sum(),
        totals: rows
            .into_iter()
            .map(|r| Money {
                currency: r.currency,
                amount: r.total,
            })
            .collect(),
    })
}
