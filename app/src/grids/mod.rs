//! Grids and record pages for synced data (issue 6): customers, accounts, carts, orders, credit
//! memos, newsletter subscribers.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{SsrMode, path};

/// The routes of this module, mounted inside the app layout.
#[component(transparent)]
pub fn GridRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! { <Route path=path!("/customers") view=CustomersPage ssr=SsrMode::Async /> }.into_inner()
}

#[component]
fn CustomersPage() -> impl IntoView {
    view! { <h1>"Customers"</h1> }
}
