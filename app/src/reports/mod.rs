//! Dashboards and reports (issue 7).

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{SsrMode, path};

/// The routes of this module, mounted inside the app layout.
#[component(transparent)]
pub fn ReportRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! { <Route path=path!("/reports") view=ReportsPage ssr=SsrMode::Async /> }.into_inner()
}

#[component]
fn ReportsPage() -> impl IntoView {
    view! { <h1>"Reports"</h1> }
}
