//! Two-way customers (issue 15): editing a customer and its address book, creating one, and
//! changing a newsletter subscription, each sent to the store as a store action. The merge
//! that decides what is sent lives in `domain::customer_edit`; `sync::outbound` runs it.

pub mod api;
mod conflicts;
mod create;
mod edit;
mod newsletter;

#[cfg(feature = "ssr")]
pub mod server;

pub use conflicts::conflict_list;
pub use newsletter::NewsletterCard;

use leptos::prelude::*;
use leptos_router::components::{Outlet, ParentRoute, Route};
use leptos_router::{SsrMode, path};

#[component(transparent)]
pub fn CustomerEditRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=path!("") view=Outlet ssr=SsrMode::Async>
            <Route path=path!("/new-customer") view=create::NewCustomerPage ssr=SsrMode::Async />
            <Route path=path!("/customers/:id/edit") view=edit::EditCustomerPage ssr=SsrMode::Async />
        </ParentRoute>
    }
    .into_inner()
}
