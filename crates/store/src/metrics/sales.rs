//! Orders and refunds: revenue, order counts, discounts, the revenue chart.
//!
//! Canceled orders (state or status `canceled`) are excluded from revenue and counts; revenue is
//! Σ (subtotal − |discount|) per order currency.
//!
//! Each aggregate reads the quarter-hour rollups when the period falls on their boundaries (it
//! always does for real time zones, see [`super::on_rollup_boundaries`]) and the orders and
//! credit memos themselves otherwise; the `*_raw` functions are the latter, kept public as the
//! benchmark's baseline.

use super::Scope;
use crate::Result;
use chrono::NaiveDate;
use domain::metrics::{
    CurrencySales, Granularity, Money, RefundSummary, SalesSummary, SeriesPoint,
};
use rust_decimal::Decimal;
use sqlx::PgPool;
use std::collections::BTreeMap;

/// Orders created in the period: counts, and revenue per currency (most orders first).
pub async fn sales_summary(pool: &PgPool, scope: Scope<'_>) -> Result<SalesSummary> {
    let mut tx = super::custom_plans(pool).await?;
    let Some(grain) = super::rollup_grain(&mut tx, scope).await? else {
        drop(tx);
        return sales_summary_raw(pool, scope).await;
    };
    let rows = sqlx::query!(
        r#"select r.currency as "currency!",
                  sum(r.orders)::int8 as "orders!",
                  sum(r.canceled)::int8 as "canceled!",
                  sum(r.discounted)::int8 as "discounted!",
                  sum(r.revenue) as "revenue!"
           from order_rollups r
           where ($1::int8 is null or r.channel_id = $1)
             and r.grain = $5
             and r.bucket >= ($3::date)::timestamp at time zone $2::text
             and r.bucket < ($4::date + 1)::timestamp at time zone $2::text
           group by 1
           having sum(r.orders) <> 0 or sum(r.canceled) <> 0
           order by 2 desc, 1"#,
        scope.channel,
        scope.tz,
        scope.range.from,
        scope.range.to,
        grain,
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(summarize(rows.into_iter().map(|r| {
        (r.currency, r.orders, r.canceled, r.discounted, r.revenue)
    })))
}

/// [`sales_summary`] from the orders themselves.
pub async fn sales_summary_raw(pool: &PgPool, scope: Scope<'_>) -> Result<SalesSummary> {
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
    Ok(summarize(rows.into_iter().map(|r| {
        (r.currency, r.orders, r.canceled, r.discounted, r.revenue)
    })))
}

/// Per currency (most orders first): currency, orders, canceled, discounted, revenue.
fn summarize(rows: impl Iterator<Item = (String, i64, i64, i64, Decimal)>) -> SalesSummary {
    let mut summary = SalesSummary::default();
    for (currency, orders, canceled, discounted, revenue) in rows {
        summary.orders += orders;
        summary.canceled += canceled;
        summary.discounted += discounted;
        // A currency whose every order was canceled sold nothing: keep it out of the list.
        if orders > 0 {
            summary.by_currency.push(CurrencySales {
                currency,
                orders,
                revenue,
            });
        }
    }
    summary
}

/// Non-canceled orders and revenue per bucket of the period (every bucket, empty ones too).
pub async fn sales_series(
    pool: &PgPool,
    scope: Scope<'_>,
    granularity: Granularity,
) -> Result<Vec<SeriesPoint>> {
    let mut tx = super::custom_plans(pool).await?;
    let Some(grain) = super::rollup_grain(&mut tx, scope).await? else {
        drop(tx);
        return sales_series_raw(pool, scope, granularity).await;
    };
    let rows = sqlx::query!(
        r#"select (date_trunc($5::text, r.bucket at time zone $2::text))::date as "start!",
                  r.currency as "currency!",
                  sum(r.orders)::int8 as "orders!",
                  sum(r.revenue) as "revenue!"
           from order_rollups r
           where ($1::int8 is null or r.channel_id = $1)
             and r.grain = $6
             and r.bucket >= ($3::date)::timestamp at time zone $2::text
             and r.bucket < ($4::date + 1)::timestamp at time zone $2::text
           group by 1, 2
           having sum(r.orders) <> 0"#,
        scope.channel,
        scope.tz,
        scope.range.from,
        scope.range.to,
        granularity.as_str(),
        grain,
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(fill_series(
        scope,
        granularity,
        rows.into_iter()
            .map(|r| (r.start, r.currency, r.orders, r.revenue)),
    ))
}

/// [`sales_series`] from the orders themselves.
pub async fn sales_series_raw(
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
    Ok(fill_series(
        scope,
        granularity,
        rows.into_iter()
            .map(|r| (r.start, r.currency, r.orders, r.revenue)),
    ))
}

/// Every bucket of the period, empty ones too, from (bucket start, currency, orders, revenue).
fn fill_series(
    scope: Scope<'_>,
    granularity: Granularity,
    rows: impl Iterator<Item = (NaiveDate, String, i64, Decimal)>,
) -> Vec<SeriesPoint> {
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
    for (start, currency, orders, revenue) in rows {
        if let Some(p) = points.get_mut(&start) {
            p.orders += orders;
            p.revenue.push(Money {
                currency,
                amount: revenue,
            });
        }
    }
    for point in points.values_mut() {
        point.revenue.sort_by(|a, b| a.currency.cmp(&b.currency));
    }
    points.into_values().collect()
}

/// Credit memos in the refunded state (2) created in the period: count and Σ grand total.
pub async fn refund_summary(pool: &PgPool, scope: Scope<'_>) -> Result<RefundSummary> {
    let mut tx = super::custom_plans(pool).await?;
    let Some(grain) = super::rollup_grain(&mut tx, scope).await? else {
        drop(tx);
        return refund_summary_raw(pool, scope).await;
    };
    let rows = sqlx::query!(
        r#"select r.currency as "currency!",
                  sum(r.memos)::int8 as "count!",
                  sum(r.total) as "total!"
           from refund_rollups r
           where ($1::int8 is null or r.channel_id = $1)
             and r.grain = $5
             and r.bucket >= ($3::date)::timestamp at time zone $2::text
             and r.bucket < ($4::date + 1)::timestamp at time zone $2::text
           group by 1
           having sum(r.memos) <> 0
           order by 2 desc, 1"#,
        scope.channel,
        scope.tz,
        scope.range.from,
        scope.range.to,
        grain,
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(refunds(
        rows.into_iter().map(|r| (r.currency, r.count, r.total)),
    ))
}

/// [`refund_summary`] from the credit memos themselves.
pub async fn refund_summary_raw(pool: &PgPool, scope: Scope<'_>) -> Result<RefundSummary> {
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
    Ok(refunds(
        rows.into_iter().map(|r| (r.currency, r.count, r.total)),
    ))
}

/// From (currency, credit memos, Σ grand total), most memos first.
fn refunds(rows: impl Iterator<Item = (String, i64, Decimal)>) -> RefundSummary {
    let mut summary = RefundSummary::default();
    for (currency, count, total) in rows {
        summary.count += count;
        summary.totals.push(Money {
            currency,
            amount: total,
        });
    }
    summary
}
