//! Server functions of the dashboard and the reports. Each checks the role, resolves the URL's
//! filters in the user's time zone and asks `store::metrics`.

use super::query::ReportQuery;
use domain::AppError;
use domain::metrics::{
    AbandonedReport, CartsByStatusReport, ChannelOption, Dashboard, Preset, RfmReport, SalesReport,
};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

/// The dashboard with what its filter bar needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DashboardData {
    pub dashboard: Dashboard,
    pub channels: Vec<ChannelOption>,
    pub preset: Preset,
    /// The IANA zone the days were cut in.
    pub time_zone: String,
}

/// A report with what its filter bar needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportData<T> {
    pub report: T,
    pub channels: Vec<ChannelOption>,
    pub preset: Preset,
    pub time_zone: String,
}

/// Every widget of the dashboard for the URL's range, channel and currency.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "get_dashboard")]
pub async fn get_dashboard(query: ReportQuery) -> Result<DashboardData, AppError> {
    crate::auth::server::require(domain::Permission::ReadReports)?;
    let ctx = ssr::Context::load(&query).await?;
    let request = store::metrics::DashboardRequest {
        channel: query.channel,
        tz: ctx.tz.clone(),
        range: ctx.range,
        currency: query.currency.clone(),
        as_of: chrono::Utc::now(),
    };
    let dashboard = store::metrics::dashboard(&ctx.pool, &request).await?;
    Ok(DashboardData {
        dashboard,
        channels: ctx.channels,
        preset: query.preset(),
        time_zone: ctx.tz,
    })
}

/// Report: carts by status per channel and website over time.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "get_carts_by_status_report")]
pub async fn get_carts_by_status_report(
    query: ReportQuery,
) -> Result<ReportData<CartsByStatusReport>, AppError> {
    crate::auth::server::require(domain::Permission::ReadReports)?;
    let ctx = ssr::Context::load(&query).await?;
    let granularity = query.granularity_or(ctx.range.granularity());
    let report =
        store::metrics::carts_by_status_report(&ctx.pool, ctx.scope(&query), granularity).await?;
    Ok(ctx.wrap(&query, report))
}

/// Report: abandoned carts, their value and the abandon rate by week.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "get_abandoned_report")]
pub async fn get_abandoned_report(
    query: ReportQuery,
) -> Result<ReportData<AbandonedReport>, AppError> {
    crate::auth::server::require(domain::Permission::ReadReports)?;
    let ctx = ssr::Context::load(&query).await?;
    let report =
        store::metrics::abandoned_report(&ctx.pool, ctx.scope(&query), chrono::Utc::now()).await?;
    Ok(ctx.wrap(&query, report))
}

/// Report: orders, revenue, average order value and refunds by day, week or month.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "get_sales_report")]
pub async fn get_sales_report(query: ReportQuery) -> Result<ReportData<SalesReport>, AppError> {
    crate::auth::server::require(domain::Permission::ReadReports)?;
    let ctx = ssr::Context::load(&query).await?;
    let granularity = query.granularity_or(ctx.range.granularity());
    let report = store::metrics::sales_report(&ctx.pool, ctx.scope(&query), granularity).await?;
    Ok(ctx.wrap(&query, report))
}

/// Report: customers by lifetime value with RFM scores, as of now.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "get_customers_report")]
pub async fn get_customers_report(query: ReportQuery) -> Result<ReportData<RfmReport>, AppError> {
    crate::auth::server::require(domain::Permission::ReadReports)?;
    let ctx = ssr::Context::load(&query).await?;
    let report = store::metrics::rfm_report(
        &ctx.pool,
        query.channel,
        chrono::Utc::now(),
        RfmReport::LIST_LIMIT,
    )
    .await?;
    Ok(ctx.wrap(&query, report))
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::{ReportData, ReportQuery};
    use domain::AppError;
    use domain::metrics::{ChannelOption, DateRange};
    use store::PgPool;

    /// What every dashboard and report request resolves first.
    pub struct Context {
        pub pool: PgPool,
        pub tz: String,
        pub range: DateRange,
        pub channels: Vec<ChannelOption>,
    }

    impl Context {
        /// The user's zone and today, the URL's range, and the channels (an unknown channel in
        /// the URL is refused rather than silently showing every channel).
        pub async fn load(query: &ReportQuery) -> Result<Context, AppError> {
            let zone = crate::timezone::server::current();
            let today = chrono::Utc::now().with_timezone(&zone).date_naive();
            let range = query.resolve(today)?;
            let pool = crate::server::pool()?;
            let channels = store::metrics::channel_options(&pool).await?;
            if let Some(id) = query.channel
                && !channels.iter().any(|c| c.id == id)
            {
                return Err(AppError::invalid("channel", "There is no such channel."));
            }
            Ok(Context {
                pool,
                tz: zone.name().to_string(),
                range,
                channels,
            })
        }

        pub fn scope<'a>(&'a self, query: &ReportQuery) -> store::metrics::Scope<'a> {
            store::metrics::Scope {
                channel: query.channel,
                tz: &self.tz,
                range: self.range,
            }
        }

        pub fn wrap<T>(self, query: &ReportQuery, report: T) -> ReportData<T> {
            ReportData {
                report,
                channels: self.channels,
                preset: query.preset(),
                time_zone: self.tz,
            }
        }
    }
}
