//! System › Channels: the integrations console and the channel setup wizard (issue 5).

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{SsrMode, path};

/// The routes of this module, mounted inside the app layout.
#[component(transparent)]
pub fn ChannelRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! { <Route path=path!("/channels") view=ChannelsPage ssr=SsrMode::Async /> }.into_inner()
}

#[component]
fn ChannelsPage() -> impl IntoView {
    view! { <h1>"Channels"</h1> }
}
