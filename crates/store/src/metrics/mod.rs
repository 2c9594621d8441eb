//! Dashboards and reports (issue 7): every aggregate the dashboard and the reports show, read
//! from the synced tables.
//!
//! Periods are whole days in the user's time zone: the caller passes the zone's IANA name and
//! Postgres turns local midnights into instants (`date::timestamp at time zone tz`), and buckets
//! with `date_trunc(unit, created_at at time zone tz)`. Money is summed per currency, never
//! across currencies. The covering indexes of migration `20261126002000` make each aggregate an
//! index-only scan over the period; `cartwise bench dashboard` measures them at 1M rows.
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

pub use carts::{abandoned_value, cart_summary};
pub use customers::{customer_summary, top_customers};
pub use dashboard::{DashboardRequest, channel_options, dashboard};
pub use reports::{abandoned_report, carts_by_status_report, sales_report};
pub use rfm::rfm_report;
pub use sales::{refund_summary, sales_series, sales_summary};

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
