//! Dashboards and reports (issue 7): the dashboard's body (the landing page), and the Reports
//! menu — carts by status, abandoned carts, sales by period, customers by lifetime value with
//! RFM scores. Each report is a chart, a table and a CSV export, with its state in the URL.

mod abandoned_page;
pub mod api;
mod carts_page;
pub mod csv;
mod customers_page;
mod dashboard_view;
mod filters;
mod frame;
mod kpi;
pub mod links;
pub mod query;
mod sales_page;

pub use dashboard_view::DashboardView;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Outlet, ParentRoute, Route};
use leptos_router::{SsrMode, path};

/// The routes of this module, mounted inside the app layout.
#[component(transparent)]
pub fn ReportRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=path!("/reports") view=Outlet ssr=SsrMode::Async>
            <Route path=path!("") view=ReportsPage ssr=SsrMode::Async />
            <Route path=path!("/carts-by-status") view=carts_page::CartsByStatusPage ssr=SsrMode::Async />
            <Route path=path!("/abandoned-carts") view=abandoned_page::AbandonedCartsPage ssr=SsrMode::Async />
            <Route path=path!("/sales") view=sales_page::SalesPage ssr=SsrMode::Async />
            <Route path=path!("/customers") view=customers_page::CustomersPage ssr=SsrMode::Async />
            <Route path=path!("/feedback") view=crate::follow_ups::FeedbackReportPage ssr=SsrMode::Async />
        </ParentRoute>
    }
    .into_inner()
}

/// The reports, as cards.
#[component]
fn ReportsPage() -> impl IntoView {
    let reports = [
        (
            "/reports/sales",
            "Sales by period",
            "Orders, revenue, average order value and refunds by day, week or month.",
        ),
        (
            "/reports/carts-by-status",
            "Carts by status",
            "Carts created per channel and website over time, by status.",
        ),
        (
            "/reports/abandoned-carts",
            "Abandoned carts",
            "The carts left behind, what they are worth, and the abandon rate week by week.",
        ),
        (
            "/reports/customers",
            "Customers by lifetime value",
            "Who buys the most, with recency, frequency and monetary (RFM) scores.",
        ),
        (
            "/reports/feedback",
            "Customer feedback",
            "What customers said when the team followed up their orders, and who is waiting for a call.",
        ),
    ];
    view! {
        <Title text="Reports" />
        <div class="page-header">
            <h1>"Reports"</h1>
        </div>
        <div class="report-index">
            {reports
                .into_iter()
                .map(|(href, title, text)| {
                    view! {
                        <a class="card report-link" href=href>
                            <h2>{title}</h2>
                            <p class="muted">{text}</p>
                        </a>
                    }
                })
                .collect_view()}
        </div>
    }
}
