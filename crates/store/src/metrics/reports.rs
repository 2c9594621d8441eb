//! The tables behind the reports: carts by status over time, abandoned carts by week, sales by
//! period. (Customers by lifetime value and RFM live in `rfm.rs`.)

use super::Scope;
use crate::Result;
use chrono::{DateTime, NaiveDate, Utc};
use domain::CartStatus;
use domain::metrics::{
    AbandonedCartRow, AbandonedReport, AbandonedWeek, CartStatusRow, CartsByStatusReport,
    Granularity, Money, SalesReport, SalesRow,
};
use sqlx::PgPool;
use std::collections::BTreeMap;

/// Carts created per bucket, channel and website, counted by status.
pub async fn carts_by_status_report(
    pool: &PgPool,
    scope: Scope<'_>,
    granularity: Granularity,
) -> Result<CartsByStatusReport> {
    let mut tx = super::custom_plans(pool).await?;
    let rows = sqlx::query!(
        r#"select (date_trunc($5::text, c.magento_created_at at time zone $2::text))::date
                      as "start!",
                  ch.name as channel,
                  coalesce(w.name, case when c.website_id is null then 'No website'
                                        else 'Website ' || c.website_id end) as "website!",
                  c.status,
                  count(*) as "carts!"
           from carts c
           join channels ch on ch.id = c.channel_id
           left join websites w on w.channel_id = c.channel_id and w.magento_id = c.website_id
           where ($1::int8 is null or c.channel_id = $1)
             and c.magento_created_at >= ($3::date)::timestamp at time zone $2::text
             and c.magento_created_at < ($4::date + 1)::timestamp at time zone $2::text
           group by 1, 2, 3, 4"#,
        scope.channel,
        scope.tz,
        scope.range.from,
        scope.range.to,
        granularity.as_str(),
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut table: BTreeMap<(NaiveDate, String, String), [i64; 5]> = BTreeMap::new();
    for r in rows {
        let counts = table.entry((r.start, r.channel, r.website)).or_default();
        if let Some(i) = CartStatus::ALL.iter().position(|s| s.as_str() == r.status) {
            counts[i] += r.carts;
        }
    }
    Ok(CartsByStatusReport {
        range: scope.range,
        granularity,
        rows: table
            .into_iter()
            .map(|((start, channel, website), counts)| CartStatusRow {
                start,
                channel,
                website,
                counts,
            })
            .collect(),
    })
}

/// Abandoned carts of the period: the most valuable ones, and per ISO week of creation the
/// abandoned and purchased counts (for the abandon rate) and the abandoned value.
pub async fn abandoned_report(
    pool: &PgPool,
    scope: Scope<'_>,
    as_of: DateTime<Utc>,
) -> Result<AbandonedReport> {
    let mut tx = super::custom_plans(pool).await?;
    let weekly = sqlx::query!(
        r#"select (date_trunc('week', c.magento_created_at at time zone $2::text))::date
                      as "start!",
                  coalesce(c.quote_currency_code, '') as "currency!",
                  count(*) filter (where c.status = 'open' and c.abandon_at <= $5) as "abandoned!",
                  count(*) filter (where c.status = 'purchased') as "purchased!",
                  coalesce(sum(coalesce(c.grand_total, 0))
                           filter (where c.status = 'open' and c.abandon_at <= $5), 0) as "value!"
           from carts c
           where ($1::int8 is null or c.channel_id = $1)
             and c.magento_created_at >= ($3::date)::timestamp at time zone $2::text
             and c.magento_created_at < ($4::date + 1)::timestamp at time zone $2::text
             and (c.status = 'purchased' or (c.status = 'open' and c.abandon_at <= $5))
           group by 1, 2"#,
        scope.channel,
        scope.tz,
        scope.range.from,
        scope.range.to,
        as_of,
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut weeks: BTreeMap<NaiveDate, AbandonedWeek> = scope
        .range
        .buckets(Granularity::Week)
        .into_iter()
        .map(|start| {
            (
                start,
                AbandonedWeek {
                    start,
                    abandoned: 0,
                    purchased: 0,
                    value: Vec::new(),
                },
            )
        })
        .collect();
    for r in weekly {
        if let Some(w) = weeks.get_mut(&r.start) {
            w.abandoned += r.abandoned;
            w.purchased += r.purchased;
            if r.abandoned > 0 {
                w.value.push(Money {
                    currency: r.currency,
                    amount: r.value,
                });
            }
        }
    }
    let mut tx = super::custom_plans(pool).await?;
    let carts = sqlx::query!(
        r#"select c.id, c.magento_id, ch.name as channel, coalesce(c.email, '') as "email!",
                  coalesce(nullif(trim(concat_ws(' ', c.first_name, c.last_name)), ''), '')
                      as "name!",
                  c.items_count, coalesce(c.grand_total, 0) as "grand_total!",
                  coalesce(c.quote_currency_code, '') as "currency!",
                  c.magento_created_at, c.magento_updated_at
           from carts c
           join channels ch on ch.id = c.channel_id
           where c.status = 'open' and c.abandon_at <= $5
             and ($1::int8 is null or c.channel_id = $1)
             and c.magento_created_at >= ($3::date)::timestamp at time zone $2::text
             and c.magento_created_at < ($4::date + 1)::timestamp at time zone $2::text
           order by c.grand_total desc nulls last, c.id
           limit $6"#,
        scope.channel,
        scope.tz,
        scope.range.from,
        scope.range.to,
        as_of,
        AbandonedReport::LIST_LIMIT,
    )
    .fetch_all(&mut *tx)
    .await?;
    let weeks: Vec<AbandonedWeek> = weeks.into_values().collect();
    Ok(AbandonedReport {
        range: scope.range,
        as_of,
        total: weeks.iter().map(|w| w.abandoned).sum(),
        weeks,
        carts: carts
            .into_iter()
            .map(|r| AbandonedCartRow {
                id: r.id,
                magento_id: r.magento_id,
                channel: r.channel,
                email: r.email,
                name: r.name,
                items_count: r.items_count,
                grand_total: Money {
                    currency: r.currency,
                    amount: r.grand_total,
                },
                created_at: r.magento_created_at,
                updated_at: r.magento_updated_at,
            })
            .collect(),
    })
}

/// Orders, revenue and refunds per bucket and currency; every bucket of the range appears for
/// every currency sold or refunded in it.
pub async fn sales_report(
    pool: &PgPool,
    scope: Scope<'_>,
    granularity: Granularity,
) -> Result<SalesReport> {
    let (mut orders_tx, mut refunds_tx) =
        futures::try_join!(super::custom_plans(pool), super::custom_plans(pool))?;
    let (orders, refunds) = futures::try_join!(
        sqlx::query!(
            r#"select (date_trunc($5::text, o.magento_created_at at time zone $2::text))::date
                          as "start!",
                      coalesce(o.order_currency_code, '') as "currency!",
                      count(*) as "orders!",
                      coalesce(sum(coalesce(o.subtotal, 0) - abs(coalesce(o.discount_amount, 0))),
                               0) as "revenue!"
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
        .fetch_all(&mut *orders_tx),
        sqlx::query!(
            r#"select (date_trunc($5::text, m.magento_created_at at time zone $2::text))::date
                          as "start!",
                      coalesce(m.order_currency_code, '') as "currency!",
                      count(*) as "count!",
                      coalesce(sum(coalesce(m.grand_total, 0)), 0) as "total!"
               from credit_memos m
               where m.state = 2 and ($1::int8 is null or m.channel_id = $1)
                 and m.magento_created_at >= ($3::date)::timestamp at time zone $2::text
                 and m.magento_created_at < ($4::date + 1)::timestamp at time zone $2::text
               group by 1, 2"#,
            scope.channel,
            scope.tz,
            scope.range.from,
            scope.range.to,
            granularity.as_str(),
        )
        .fetch_all(&mut *refunds_tx),
    )?;
    let mut currencies: Vec<String> = orders
        .iter()
        .map(|r| r.currency.clone())
        .chain(refunds.iter().map(|r| r.currency.clone()))
        .collect();
    currencies.sort();
    currencies.dedup();
    let mut table: BTreeMap<(NaiveDate, String), SalesRow> = BTreeMap::new();
    for start in scope.range.buckets(granularity) {
        for currency in &currencies {
            table.insert(
                (start, currency.clone()),
                SalesRow {
                    start,
                    currency: currency.clone(),
                    orders: 0,
                    revenue: Default::default(),
                    refunds: Default::default(),
                    refund_count: 0,
                },
            );
        }
    }
    for r in orders {
        if let Some(row) = table.get_mut(&(r.start, r.currency)) {
            row.orders += r.orders;
            row.revenue += r.revenue;
        }
    }
    for r in refunds {
        if let Some(row) = table.get_mut(&(r.start, r.currency)) {
            row.refund_count += r.count;
            row.refunds += r.total;
        }
    }
    Ok(SalesReport {
        range: scope.range,
        granularity,
        rows: table.into_values().collect(),
    })
}
