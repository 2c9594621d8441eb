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

/// The number of rows before page `page` (counted from 1; 0 and below read as 1). A page so far
/// that the offset does not fit is refused as a bad request rather than overflowing into a
/// server error; a page past the end is simply empty.
pub fn page_offset(page: i64, per_page: i64) -> Result<i64, domain::AppError> {
    (page.max(1) - 1)
        .checked_mul(per_page)
        .ok_or_else(|| domain::AppError::invalid("page", "There is no such page."))
}

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

#[cfg(test)]
mod tests {
    use super::page_offset;

    #[test]
    fn page_numbers_past_any_offset_are_refused_not_overflowed() {
        assert_eq!(page_offset(1, 20).unwrap(), 0);
        assert_eq!(page_offset(-5, 20).unwrap(), 0);
        assert_eq!(page_offset(3, 10).unwrap(), 20);
        assert!(page_offset(i64::MAX, 20).is_err());
        assert!(page_offset(i64::MAX / 10, 20).is_err());
        assert!(page_offset(i64::MAX / 20, 20).is_ok());
    }
}
