//! The landing page: the dashboard for every role that may read reports. Until a store is
//! connected it says what to do next (administrators) or who can do it (everyone else).

use crate::auth::{SessionInfo, SessionResource};
use crate::reports::DashboardView;
use domain::Permission;
use leptos::prelude::*;
use leptos_meta::Title;

/// "My tasks" on the landing page: overdue and due today, the next few, a link to them all.
/// Shown to those who work tasks, and to anyone who has one.
fn tasks_card(
    tasks: Result<domain::activities::MyTasks, domain::AppError>,
    works_tasks: bool,
) -> AnyView {
    let Ok(t) = tasks else {
        return ().into_any();
    };
    if t.is_empty() && !works_tasks {
        return ().into_any();
    }
    let next: Vec<_> = t
        .overdue
        .iter()
        .chain(&t.today)
        .chain(&t.upcoming)
        .take(5)
        .map(|a| {
            let due = a.due.map(domain::dates::day_month_year).unwrap_or_default();
            view! {
                <li><a href=a.record.href()>{a.subject.clone()}</a>
                    <span class="muted">{format!(" · {} · due {due}", a.record_label)}</span></li>
            }
        })
        .collect();
    view! {
        <section class="card record-section my-tasks-card" aria-labelledby="my-tasks">
            <h2 id="my-tasks"><a href="/tasks">"My tasks"</a></h2>
            <p>{format!("{} overdue · {} due today · {} upcoming", t.overdue.len(), t.today.len(), t.upcoming.len())}</p>
            <ul class="my-tasks-next">{next}</ul>
        </section>
    }
    .into_any()
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let session = SessionResource::get().0;
    // The signed-in user's open tasks, the first card (created here, with the page's data).
    let tasks = crate::data::data(|| (), |_| crate::activities::api::get_my_tasks());
    view! {
        <Title text="Dashboard" />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let info = session.await.unwrap_or_default();
                let tasks = tasks.await;
                let works_tasks = info.can(Permission::Activities);
                let name = info.user.as_ref().map(|u| u.name.clone()).unwrap_or_default();
                let body = if !info.has_channels {
                    view! { <GettingStarted info /> }.into_any()
                } else if info.can(Permission::ReadReports) {
                    view! { <DashboardView /> }.into_any()
                } else {
                    view! {
                        <p class="muted">"Your role does not include dashboards. Use the menu to open your data."</p>
                    }
                    .into_any()
                };
                view! {
                    <div class="page-header dashboard-header">
                        <h1>"Dashboard"</h1>
                        <h2 class="greeting">{format!("Welcome, {name}")}</h2>
                    </div>
                    {tasks_card(tasks, works_tasks)}
                    {body}
                }
            })}
        </Suspense>
    }
}

#[component]
fn GettingStarted(info: SessionInfo) -> impl IntoView {
    let admin = info.can(Permission::ManageIntegrations);
    let body = if admin {
        view! {
            <div>
                <p>"No Magento store is connected yet. Connect one and Cartwise imports its customers, carts, orders, credit memos and newsletter subscribers, then keeps them up to date."</p>
                <ol class="steps">
                    <li>"Create an integration in your Magento admin (System › Extensions › Integrations) with access to customers, carts, sales and stores."</li>
                    <li>"Add the store as a channel: "<a href="/channels/new">"Connect a store"</a>", or from the command line, "<code>"cartwise channel add --name \"My store\" --url https://shop.example.com --token …"</code>"."</li>
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
            <h2>"Connect a store to see your numbers"</h2>
            {body}
        </section>
    }
}
