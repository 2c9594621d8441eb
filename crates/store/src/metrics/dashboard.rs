//! The whole dashboard in one call: every widget of both periods, queried concurrently (each
//! query on its own pooled connection), as the dashboard's server function and the benchmark
//! run it.

use super::{Scope, carts, customers, sales};
use crate::Result;
use chrono::{DateTime, Utc};
use domain::metrics::{ChannelOption, Dashboard, DateRange, Period};
use sqlx::PgPool;

/// How many customers the top-customers widget lists.
const TOP_CUSTOMERS: i64 = 5;

/// What the dashboard is asked for.
#[derive(Clone, Debug)]
pub struct DashboardRequest {
    pub channel: Option<i64>,
    /// IANA zone name of the user.
    pub tz: String,
    pub range: DateRange,
    /// The currency money widgets show; `None` picks the one with the most orders.
    pub currency: Option<String>,
    /// "Now" for the abandoned-cart condition.
    pub as_of: DateTime<Utc>,
}

/// Computes every widget of the dashboard.
pub async fn dashboard(pool: &PgPool, request: &DashboardRequest) -> Result<Dashboard> {
    let range = request.range;
    let previous = range.previous();
    let granularity = range.granularity();
    let now = Scope {
        channel: request.channel,
        tz: &request.tz,
        range,
    };
    let before = now.over(previous);
    let (sales_now, sales_before, series_now, series_before) = futures::try_join!(
        sales::sales_summary(pool, now),
        sales::sales_summary(pool, before),
        sales::sales_series(pool, now, granularity),
        sales::sales_series(pool, before, granularity),
    )?;
    let (carts_now, carts_before, customers_now, customers_before, refunds_now, refunds_before) = futures::try_join!(
        carts::cart_summary(pool, now, request.as_of),
        carts::cart_summary(pool, before, request.as_of),
        customers::customer_summary(pool, now),
        customers::customer_summary(pool, before),
        sales::refund_summary(pool, now),
        sales::refund_summary(pool, before),
    )?;

    let currencies = currencies_by_volume(&sales_now, &sales_before);
    let currency = request
        .currency
        .clone()
        .filter(|c| currencies.contains(c))
        .or_else(|| currencies.first().cloned())
        .unwrap_or_default();
    let top_customers =
        customers::top_customers(pool, request.channel, &currency, TOP_CUSTOMERS).await?;

    Ok(Dashboard {
        range,
        previous,
        granularity,
        channel: request.channel,
        currencies,
        currency,
        sales: Period {
            current: sales_now,
            previous: sales_before,
        },
        series: Period {
            current: series_now,
            previous: series_before,
        },
        carts: Period {
            current: carts_now,
            previous: carts_before,
        },
        customers: Period {
            current: customers_now,
            previous: customers_before,
        },
        refunds: Period {
            current: refunds_now,
            previous: refunds_before,
        },
        top_customers,
    })
}

/// Currencies sold in either period, the current period's best-selling first.
fn currencies_by_volume(
    now: &domain::metrics::SalesSummary,
    before: &domain::metrics::SalesSummary,
) -> Vec<String> {
    let mut all: Vec<(String, i64, i64)> = Vec::new();
    for (summary, current) in [(now, true), (before, false)] {
        for c in &summary.by_currency {
            let slot = match all.iter_mut().position(|(code, _, _)| *code == c.currency) {
                Some(i) => &mut all[i],
                None => {
                    all.push((c.currency.clone(), 0, 0));
                    all.last_mut().expect("just pushed")
                }
            };
            if current {
                slot.1 += c.orders;
            } else {
                slot.2 += c.orders;
            }
        }
    }
    all.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
    all.into_iter().map(|(code, _, _)| code).collect()
}

/// Every channel, for the channel filter.
pub async fn channel_options(pool: &PgPool) -> Result<Vec<ChannelOption>> {
    let rows = sqlx::query_as!(
        ChannelOption,
        "select id, name from channels order by lower(name), id"
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}
