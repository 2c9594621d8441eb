//! Acting into the store (issue 14): the cart builder, "new cart", the store actions log, a
//! record's timeline of actions and its "Sync this record" button. The server functions queue
//! store actions and wait for them; `sync::outbound` runs them.

pub mod api;
mod builder;
mod log;
mod new_cart;
pub mod timeline;

#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use leptos_router::components::{Outlet, ParentRoute, Route};
use leptos_router::{SsrMode, path};

#[component(transparent)]
pub fn ActionRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=path!("") view=Outlet ssr=SsrMode::Async>
            <Route path=path!("/new-cart") view=new_cart::NewCartPage ssr=SsrMode::Async />
            <Route path=path!("/carts/:id/build") view=builder::CartBuilderPage ssr=SsrMode::Async />
            <Route path=path!("/store-actions") view=log::StoreActionsPage ssr=SsrMode::Async />
        </ParentRoute>
    }
    .into_inner()
}
