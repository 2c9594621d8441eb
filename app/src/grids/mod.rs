//! Grids and record pages (issue 6): customers, accounts, carts, orders, credit memos and
//! newsletter subscribers, each a grid whose whole state lives in the URL, and a record page
//! whose related lists are grids of their own.
//!
//! * `grid`: the one reusable grid component, generic over the row type;
//! * `pages`: each entity's grid page and record page;
//! * `api`: the server functions; `server` (ssr): what they run;
//! * `codec`: query strings ↔ parameters, one codec for links and for the server.

pub mod api;
pub mod codec;
pub mod entity;
pub(crate) mod grid;
mod pages;
pub(crate) mod record;

#[cfg(feature = "ssr")]
pub mod csv;
#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use leptos_router::components::{Outlet, ParentRoute, Route};
use leptos_router::{SsrMode, path};

/// The routes of this module, mounted inside the app layout. Record ids are CRM row ids.
#[component(transparent)]
pub fn GridRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    // One parent route: a transparent route component must return a single route.
    view! {
        <ParentRoute path=path!("") view=Outlet ssr=SsrMode::Async>
            <Route path=path!("/customers") view=pages::customers::CustomersPage ssr=SsrMode::Async />
            <Route path=path!("/customers/:id") view=pages::customers::CustomerPage ssr=SsrMode::Async />
            <Route path=path!("/accounts") view=pages::accounts::AccountsPage ssr=SsrMode::Async />
            <Route path=path!("/accounts/:id") view=pages::accounts::AccountPage ssr=SsrMode::Async />
            <Route path=path!("/carts") view=pages::carts::CartsPage ssr=SsrMode::Async />
            <Route path=path!("/carts/:id") view=pages::carts::CartPage ssr=SsrMode::Async />
            <Route path=path!("/orders") view=pages::orders::OrdersPage ssr=SsrMode::Async />
            <Route path=path!("/orders/:id") view=pages::orders::OrderPage ssr=SsrMode::Async />
            <Route path=path!("/credit-memos") view=pages::credit_memos::CreditMemosPage ssr=SsrMode::Async />
            <Route path=path!("/credit-memos/:id") view=pages::credit_memos::CreditMemoPage ssr=SsrMode::Async />
            <Route path=path!("/opportunities") view=crate::follow_ups::OpportunitiesPage ssr=SsrMode::Async />
            <Route path=path!("/opportunities/:id") view=crate::follow_ups::OpportunityPage ssr=SsrMode::Async />
            <Route path=path!("/products") view=pages::products::ProductsPage ssr=SsrMode::Async />
            <Route path=path!("/products/:id") view=pages::products::ProductPage ssr=SsrMode::Async />
            <Route path=path!("/newsletter-subscribers") view=pages::subscribers::SubscribersPage ssr=SsrMode::Async />
            <Route path=path!("/newsletter-subscribers/:id") view=pages::subscribers::SubscriberPage ssr=SsrMode::Async />
        </ParentRoute>
    }
    .into_inner()
}
