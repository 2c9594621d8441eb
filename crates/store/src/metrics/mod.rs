//! Dashboards and reports (issue 7): every aggregate the dashboard and the reports show, read
//! from the synced tables.
//!
//! Periods are whole days in the user's time zone: the caller passes the zone's IANA name and
//! Postgres turns local midnights into instants (`date::timestamp at time zone tz`), and buckets
//! with `date_trunc(unit, created_at at time zone tz)`. Money is summed per currency, never
//! across currencies.
//!
//! Over millions of rows the dashboard reads rollups rather than rows: orders, carts and refunds
//! summed per channel, hour and quarter hour by triggers (migration `20261126002100`; a period
//! reads the hours when its zone allows, see [`rollup_grain`]), and for new and returning
//! customers each order's previous-order time. Reports and the fallback paths read the
//! rows through the covering indexes of migration `20261126002000`. `cartwise bench dashboard`
//! measures both at 1M orders and carts.
//!
//! Queries run with `plan_cache_mode = force_custom_plan` (see [`custom_plans`]): a prepared
//! statement otherwise switches to a generic plan after five runs, one that cannot see how wide
//! the period is (measured: 17 ms became 900 ms for "customers who ordered this month").

mod carts;
mod customers;
mod dashboard;
mod reports;
mod rfm;
mod sales;

pub use carts::{abandoned_value, cart_summary, cart_summary_raw};
pub use customers::{customer_summary, customer_summary_raw, top_customers};
pub use dashboard::{DashboardRequest, channel_options, dashboard};
pub use reports::{abandoned_report, carts_by_status_report, sales_report};
pub use rfm::rfm_report;
pub use sales::{
    refund_summary, refund_summary_raw, sales_series, sales_series_raw, sales_summary,
    sales_summary_raw,
};

use domain::metrics::DateRange;

/// Which rows a metric covers: one channel or all, and the zone whose days make the period.
#[derive(Clone, Copy, Debug)]
pub struct Scope<'a> {
    pub channel: Option<i64>,
    /// IANA name (`Europe/Paris`), checked by the caller.
    pub tz: &'a str,
    pub range: DateRange,
}

impl<'a> Scope<'a> {
    /// The same channel and zone over another period.
    pub fn over(&self, range: DateRange) -> Scope<'a> {
        Scope { range, ..*self }
    }
}

/// A read-only transaction whose statements are planned for their actual parameters. Dropping
/// it ends it (nothing was written).
pub(crate) async fn custom_plans(
    pool: &sqlx::PgPool,
) -> crate::Result<sqlx::Transaction<'static, sqlx::Postgres>> {
    let mut tx = pool.begin().await?;
    sqlx::query!("set local plan_cache_mode = force_custom_plan")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// The rollup grain (minutes) whose buckets the period starts and ends on, so that summing its
/// buckets is exact: hours for most zones, quarter hours for those on half or quarter hours;
/// `None` (read the rows) for a period in, say, a zone's local mean time of the 1800s.
pub(crate) async fn rollup_grain(
    tx: &mut sqlx::PgConnection,
    scope: Scope<'_>,
) -> crate::Result<Option<i16>> {
    let grain = sqlx::query_scalar!(
        r#"select g.grain as "grain!"
           from (select ($2::date)::timestamp at time zone $1::text as starts,
                        ($3::date + 1)::timestamp at time zone $1::text as ends) b
           cross join metrics_grains g
           where metrics_bucket(b.starts, g.grain) = b.starts
             and metrics_bucket(b.ends, g.grain) = b.ends
           order by g.grain desc
           limit 1"#,
        scope.tz,
        scope.range.from,
        scope.range.to,
    )
    .fetch_optional(&mut *tx)
    .await?;
    Ok(grain)
}
