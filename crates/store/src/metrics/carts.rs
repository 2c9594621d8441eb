//! Carts: counts by status, the sales funnel, abandoned carts and their value.
//!
//! Abandoned (product.md §3) is `status = 'open' and abandon_at <= as_of`: the sync sets
//! `abandon_at` (last update + the channel's threshold) only for carts with items and a contact
//! email, so the condition is a range test on an indexed column.

use super::Scope;
use crate::Result;
use chrono::{DateTime, Utc};
use domain::CartStatus;
use domain::metrics::{CartSummary, Money};
use sqlx::PgPool;

/// Carts created in the period: by status, through the funnel, and abandoned as of `as_of`.
pub async fn cart_summary(
    pool: &PgPool,
    scope: Scope<'_>,
    as_of: DateTime<Utc>,
) -> Result<CartSummary> {
    let (statuses, abandoned) = futures::try_join!(
        status_counts(pool, scope),
        abandoned_value(pool, scope, as_of)
    )?;
    Ok(summarize(statuses, abandoned))
}

/// [`cart_summary`] from the carts themselves.
pub async fn cart_summary_raw(
    pool: &PgPool,
    scope: Scope<'_>,
    as_of: DateTime<Utc>,
) -> Result<CartSummary> {
    let (statuses, abandoned) = futures::try_join!(
        status_counts_raw(pool, scope),
        abandoned_value(pool, scope, as_of)
    )?;
    Ok(summarize(statuses, abandoned))
}

fn summarize(statuses: Vec<StatusCount>, abandoned: Vec<(Money, i64)>) -> CartSummary {
    let mut summary = CartSummary {
        by_status: CartStatus::ALL.iter().map(|s| (*s, 0)).collect(),
        abandoned: abandoned.iter().map(|(_, n)| n).sum(),
        abandoned_value: abandoned.into_iter().map(|(m, _)| m).collect(),
        ..CartSummary::default()
    };
    for r in statuses {
        summary.created += r.carts;
        summary.with_items += r.with_items;
        summary.checkout += r.checkout;
        if let Ok(status) = r.status.parse::<CartStatus>() {
            if status == CartStatus::Purchased {
                summary.purchased += r.carts;
            }
            if let Some(slot) = summary.by_status.iter_mut().find(|(s, _)| *s == status) {
                slot.1 += r.carts;
            }
        }
    }
    summary
}

struct StatusCount {
    status: String,
    carts: i64,
    with_items: i64,
    checkout: i64,
}

/// Carts created in the period per status, with the funnel stages, from the rollups.
async fn status_counts(pool: &PgPool, scope: Scope<'_>) -> Result<Vec<StatusCount>> {
    let mut tx = super::custom_plans(pool).await?;
    let Some(grain) = super::rollup_grain(&mut tx, scope).await? else {
        drop(tx);
        return status_counts_raw(pool, scope).await;
    };
    let rows = sqlx::query_as!(
        StatusCount,
        r#"select r.status as "status!",
                  sum(r.carts)::int8 as "carts!",
                  sum(r.with_items)::int8 as "with_items!",
                  sum(r.checkout)::int8 as "checkout!"
           from cart_rollups r
           where ($1::int8 is null or r.channel_id = $1)
             and r.grain = $5
             and r.bucket >= ($3::date)::timestamp at time zone $2::text
             and r.bucket < ($4::date + 1)::timestamp at time zone $2::text
           group by 1
           having sum(r.carts) <> 0"#,
        scope.channel,
        scope.tz,
        scope.range.from,
        scope.range.to,
        grain,
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows)
}

async fn status_counts_raw(pool: &PgPool, scope: Scope<'_>) -> Result<Vec<StatusCount>> {
    // Funnel stages are cumulative: a purchased cart had items and reached checkout even when
    // the store no longer reports them (inactive quotes come without items or addresses).
    let mut tx = super::custom_plans(pool).await?;
    let rows = sqlx::query_as!(
        StatusCount,
        r#"select c.status as "status!",
                  count(*) as "carts!",
                  count(*) filter (where c.items_count > 0 or c.has_billing_address
                                   or c.status = 'purchased') as "with_items!",
                  count(*) filter (where c.has_billing_address or c.status = 'purchased')
                      as "checkout!"
           from carts c
           where ($1::int8 is null or c.channel_id = $1)
             and c.magento_created_at >= ($3::date)::timestamp at time zone $2::text
             and c.magento_created_at < ($4::date + 1)::timestamp at time zone $2::text
           group by 1"#,
        scope.channel,
        scope.tz,
        scope.range.from,
        scope.range.to,
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows)
}

/// Abandoned carts created in the period: Σ grand total and count, per cart currency.
pub async fn abandoned_value(
    pool: &PgPool,
    scope: Scope<'_>,
    as_of: DateTime<Utc>,
) -> Result<Vec<(Money, i64)>> {
    let mut tx = super::custom_plans(pool).await?;
    let rows = sqlx::query!(
        r#"select coalesce(c.quote_currency_code, '') as "currency!",
                  count(*) as "carts!",
                  coalesce(sum(coalesce(c.grand_total, 0)), 0) as "value!"
           from carts c
           where c.status = 'open' and c.abandon_at <= $5
             and ($1::int8 is null or c.channel_id = $1)
             and c.magento_created_at >= ($3::date)::timestamp at time zone $2::text
             and c.magento_created_at < ($4::date + 1)::timestamp at time zone $2::text
           group by 1
           order by 2 desc, 1"#,
        scope.channel,
        scope.tz,
        scope.range.from,
        scope.range.to,
        as_of,
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                Money {
                    currency: r.currency,
                    amount: r.value,
                },
                r.carts,
            )
        })
        .collect())
}
