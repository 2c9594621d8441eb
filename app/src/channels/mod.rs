//! System › Channels: the integrations console and the channel setup wizard (issue 5).

pub mod api;
mod detail;
mod list;
mod progress;
pub mod types;
mod wizard;

#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use leptos_router::components::{Outlet, ParentRoute, Route};
use leptos_router::{SsrMode, path};

/// Jobs per page of a channel's history.
pub const JOBS_PER_PAGE: i64 = 10;
/// Failures per page of a channel's error log.
pub const ERRORS_PER_PAGE: i64 = 20;

/// The routes of this module, mounted inside the app layout.
#[component(transparent)]
pub fn ChannelRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    // One parent route: a transparent route component must return a single route.
    view! {
        <ParentRoute path=path!("/channels") view=Outlet ssr=SsrMode::Async>
            <Route path=path!("") view=list::ChannelsPage ssr=SsrMode::Async />
            <Route path=path!("/new") view=wizard::NewChannelPage ssr=SsrMode::Async />
            <Route path=path!("/:id") view=detail::ChannelPage ssr=SsrMode::Async />
            <Route path=path!("/:id/edit") view=wizard::EditChannelPage ssr=SsrMode::Async />
        </ParentRoute>
    }
    .into_inner()
}
