//! System › Store actions: every action the CRM sent to a store, newest first, filtered by
//! channel, kind and state in the URL (a plain GET form, so it works without JavaScript).

use super::api::list_store_actions;
use super::timeline::action_item;
use crate::components::error::ErrorMessage;
use crate::components::guard::RequirePermission;
use domain::Permission;
use domain::actions::{ActionKind, ActionState};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StoreActionsPage() -> impl IntoView {
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        query.with(|q| {
            (
                q.get("channel").and_then(|c| c.parse::<i64>().ok()),
                q.get("kind").filter(|k| !k.is_empty()),
                q.get("state").filter(|s| !s.is_empty()),
                q.get("page").and_then(|p| p.parse::<i64>().ok()),
            )
        })
    });
    let page = crate::data::data(
        move || filters.get(),
        |(channel, kind, state, page)| list_store_actions(channel, kind, state, page),
    );
    let selected = move |key: &'static str, value: &'static str| {
        query.with(|q| q.get(key).as_deref() == Some(value))
    };
    view! {
        <Title text="Store actions" />
        <div class="page-header"><h1>"Store actions"</h1></div>
        <RequirePermission permission=Permission::ReadData>
            <form class="card card-toolbar" method="get" action="/store-actions">
                <label class="field">
                    <span>"Kind"</span>
                    <select name="kind">
                        <option value="">"Any"</option>
                        {ActionKind::ALL.iter().map(|k| view! {
                            <option value=k.as_str() selected=move || selected("kind", k.as_str())>{k.label()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>"State"</span>
                    <select name="state">
                        <option value="">"Any"</option>
                        {ActionState::ALL.iter().map(|s| view! {
                            <option value=s.as_str() selected=move || selected("state", s.as_str())>{s.label()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <button type="submit" class="button">"Filter"</button>
            </form>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) => {
                            let pages = (p.total + p.per_page - 1) / p.per_page;
                            let link = move |n: i64| {
                                let (channel, kind, state, _) = filters.get_untracked();
                                let mut q = vec![format!("page={n}")];
                                if let Some(c) = channel { q.push(format!("channel={c}")); }
                                if let Some(k) = kind { q.push(format!("kind={k}")); }
                                if let Some(s) = state { q.push(format!("state={s}")); }
                                format!("/store-actions?{}", q.join("&"))
                            };
                            view! {
                                <section class="card record-section">
                                    <p class="muted">{format!("{} action(s)", crate::format::thousands(p.total))}</p>
                                    {if p.rows.is_empty() {
                                        view! { <p class="muted">"No store action matches."</p> }.into_any()
                                    } else {
                                        view! { <ol class="timeline">{p.rows.iter().map(|a| {
                                            let links = record_links(a);
                                            view! { {action_item(a)} {links} }
                                        }).collect_view()}</ol> }.into_any()
                                    }}
                                    <nav class="pager" aria-label="Pages">
                                        {(p.page > 1).then(|| view! { <a class="button" href=link(p.page - 1)>"Previous"</a> })}
                                        <span class="muted">{format!(" Page {} of {} ", p.page, pages.max(1))}</span>
                                        {(p.page < pages).then(|| view! { <a class="button" href=link(p.page + 1)>"Next"</a> })}
                                    </nav>
                                </section>
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorMessage error /> }.into_any(),
                    }
                })}
            </Transition>
        </RequirePermission>
    }
}

/// Links to the records an action touched.
fn record_links(a: &domain::actions::ActionView) -> impl IntoView + use<> {
    let mut links = Vec::new();
    if let Some(id) = a.customer_id {
        links.push((format!("/customers/{id}"), "customer"));
    }
    if let Some(id) = a.cart_id {
        links.push((format!("/carts/{id}"), "cart"));
    }
    if let Some(id) = a.order_id {
        links.push((format!("/orders/{id}"), "order"));
    }
    (!links.is_empty()).then(|| {
        view! {
            <p class="timeline-links">
                {links.into_iter().map(|(href, label)| view! { <a href=href>{label}</a> " " }).collect_view()}
            </p>
        }
    })
}
