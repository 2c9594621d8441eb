//! The landing page. Until a store is connected it says what to do next.

use crate::auth::{SessionInfo, SessionResource};
use domain::Permission;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let session = SessionResource::get().0;
    view! {
        <Title text="Dashboard" />
        <h1>"Dashboard"</h1>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let info = session.await.unwrap_or_default();
                view! { <GettingStarted info /> }
            })}
        </Suspense>
    }
}

#[component]
fn GettingStarted(info: SessionInfo) -> impl IntoView {
    let name = info
        .user
        .as_ref()
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let admin = info.can(Permission::ManageIntegrations);
    let body = if info.has_channels {
        view! {
            <p>"Your stores are connected. Use the menu to open customers, carts and orders."</p>
        }
        .into_any()
    } else if admin {
        view! {
            <div>
                <p>"No Magento store is connected yet. Connect one and Cartwise imports its customers, carts, orders, credit memos and newsletter subscribers, then keeps them up to date."</p>
                <ol class="steps">
                    <li>"Create an integration in your Magento admin (System › Extensions › Integrations) with access to customers, carts, sales and stores."</li>
                    <li>"Add the store as a channel: from the command line, "<code>"cartwise channel add --name \"My store\" --url https://shop.example.com --token …"</code>"."</li>
                    <li>"Invite your team from "<a href="/users">"Users & roles"</a>"."</li>
                </ol>
            </div>
        }
        .into_any()
    } else {
        view! {
            <p>"No store is connected yet. An administrator needs to connect a Magento store before there is anything to show here."</p>
        }
        .into_any()
    };
    view! {
        <section class="card">
            <h2>{format!("Welcome, {name}")}</h2>
            {body}
        </section>
    }
}
