//! Marketing › Lists: every list with its member count, and a list's page (its members, who
//! was removed, export, refresh, delete).

use super::api::{
    DeleteMarketingList, RefreshMarketingList, RemoveListMember, get_marketing_list,
    list_marketing_lists,
};
use crate::components::error::ErrorMessage;
use crate::components::guard::RequirePermission;
use crate::grids::record::{self, header};
use domain::Permission;
use domain::lists::{ListKind, ListMember, ListPage as Page, ListSummary};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn kind_label(l: &ListSummary) -> &'static str {
    match (l.builtin.is_some(), l.kind) {
        (true, _) => "Built-in",
        (false, ListKind::Dynamic) => "Dynamic",
        (false, ListKind::Static) => "Static",
    }
}

fn count(n: Option<i64>) -> String {
    n.map(crate::format::thousands)
        .unwrap_or_else(|| "—".into())
}

#[component]
pub fn ListsPage() -> impl IntoView {
    let lists = crate::data::data(|| (), |_| list_marketing_lists());
    view! {
        <Title text="Marketing lists" />
        <div class="page-header"><h1>"Marketing lists"</h1></div>
        <RequirePermission permission=Permission::ReadData>
            <p class="hint">"A list is a filter over customers, carts or newsletter subscribers: build one in their grid and choose Save as list. Dynamic lists follow their filter; static lists keep their members until refreshed."</p>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match lists.await {
                        Err(error) => view! { <ErrorMessage error /> }.into_any(),
                        Ok(lists) => view! {
                            <table class="grid-table lists-table">
                                <thead><tr><th>"List"</th><th>"Of"</th><th>"Kind"</th><th>"Channel"</th><th class="numeric">"Members"</th></tr></thead>
                                <tbody>
                                    {lists.iter().map(|l| view! {
                                        <tr>
                                            <td><a href=format!("/lists/{}", l.id)>{l.name.clone()}</a></td>
                                            <td>{l.entity.label()}</td>
                                            <td>{kind_label(l)}</td>
                                            <td>{l.channel.clone().unwrap_or_default()}</td>
                                            <td class="numeric">{count(l.members)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Transition>
        </RequirePermission>
    }
}

#[component]
pub fn ListPage() -> impl IntoView {
    let id = record::use_record_id();
    let query = use_query_map();
    let page = Memo::new(move |_| {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(1)
    });
    let remove = ServerAction::<RemoveListMember>::new();
    let refresh = ServerAction::<RefreshMarketingList>::new();
    let delete = ServerAction::<DeleteMarketingList>::new();
    let data = crate::data::data(
        move || {
            (
                id.get(),
                page.get(),
                remove.version().get(),
                refresh.version().get(),
            )
        },
        |(id, page, ..)| get_marketing_list(id, page),
    );
    let session = crate::auth::SessionResource::get().0;
    view! {
        <RequirePermission permission=Permission::ReadData>
            <Transition fallback=record::loading>
                {move || Suspend::new(async move {
                    let may_manage = session.await.unwrap_or_default().can(Permission::ManageLists);
                    match data.await {
                        Ok(p) => list_page(p, may_manage, (remove, refresh, delete)).into_any(),
                        Err(e) => record::failed(e, ("Back to lists", "/lists")),
                    }
                })}
            </Transition>
        </RequirePermission>
    }
}

type Buttons = (
    ServerAction<RemoveListMember>,
    ServerAction<RefreshMarketingList>,
    ServerAction<DeleteMarketingList>,
);

fn list_page(p: Page, may_manage: bool, (remove, refresh, delete): Buttons) -> impl IntoView {
    let l = p.list.clone();
    let id = l.id;
    let grid_href = format!(
        "{}{}",
        l.entity.grid_path(),
        if l.query.is_empty() {
            String::new()
        } else {
            format!("?{}", l.query)
        }
    );
    let badges = view! { <span class="badge tone-info">{kind_label(&l)}</span> }.into_any();
    let actions = view! {
        <a class="button" href=format!("/api/export_marketing_list?id={id}") download>"Export CSV"</a>
        {may_manage.then(|| view! {
            <a class="button" href=format!("/api/export_marketing_list?id={id}&contacted=true") download
               title="Each exported person's contact count goes up by one">"Export as a campaign"</a>
        })}
        {(may_manage && l.kind == ListKind::Static).then(|| view! {
            <button class="button" on:click=move |_| { refresh.dispatch(RefreshMarketingList { id }); }>"Refresh members"</button>
        })}
        {(may_manage && l.builtin.is_none()).then(|| view! {
            <button class="button button-danger" on:click=move |_| { delete.dispatch(DeleteMarketingList { id }); }>"Delete list"</button>
        })}
    }
    .into_any();
    let errors = move || {
        [
            remove.value().get().and_then(Result::err),
            refresh.value().get().and_then(Result::err),
            delete.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
        .map(|error| view! { <ErrorMessage error /> })
    };
    let last = ((p.total + p.per_page - 1) / p.per_page).max(1);
    let pager = (last > 1).then(|| {
        view! {
            <nav class="button-row" aria-label="Pages">
                {(p.page > 1).then(|| view! { <a class="button" href=format!("/lists/{id}?page={}", p.page - 1)>"Previous"</a> })}
                <span class="muted">{format!("Page {} of {last}", p.page)}</span>
                {(p.page < last).then(|| view! { <a class="button" href=format!("/lists/{id}?page={}", p.page + 1)>"Next"</a> })}
            </nav>
        }
    });
    let entity = l.entity;
    let rows = p
        .members
        .iter()
        .map(|m| member_row(m, entity, id, may_manage, remove))
        .collect_view();
    view! {
        <Title text=l.name.clone() />
        {header(("Marketing lists", "/lists"), l.name.clone(), badges, actions)}
        {errors}
        <p class="list-facts">
            <strong class="list-count">{crate::format::thousands(p.total)}</strong>
            {format!(" {} · ", entity.label().to_lowercase())}
            {l.channel.clone().map(|c| format!("{c} · "))}
            <a href=grid_href>"Open the filter in its grid"</a>
            {(p.removed > 0).then(|| format!(" · {} removed by hand", p.removed))}
            {l.refreshed_at.as_ref().map(|t| format!(" · members as of {}", t.display()))}
        </p>
        <p class="hint">"Unsubscribed people stay visible here and are left out of every export."</p>
        <table class="grid-table list-members">
            <thead><tr>
                <th>"Email"</th><th>"Name"</th><th class="numeric">"Lifetime sales"</th><th>"Last order"</th>
                <th>"Status"</th><th class="numeric">"Contacted"</th><th>"Last contacted"</th><th></th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        {pager}
    }
}

fn member_row(
    m: &ListMember,
    entity: domain::lists::ListEntity,
    list: i64,
    may_manage: bool,
    remove: ServerAction<RemoveListMember>,
) -> impl IntoView + use<> {
    let record = m.record_id;
    let sales = m.lifetime_sales.as_ref().map(|s| {
        format!(
            "{} {}",
            domain::grid::format_qty(s.amount.round_dp(2)),
            s.currency.clone().unwrap_or_default()
        )
    });
    view! {
        <tr class:unsubscribed=m.unsubscribed>
            <td><a href=entity.record_href(record)>{m.email.clone().unwrap_or_else(|| "(no email)".into())}</a></td>
            <td>{m.name.clone().unwrap_or_default()}</td>
            <td class="numeric">{sales.unwrap_or_default()}</td>
            <td>{m.last_order_at.as_ref().map(|t| t.display()).unwrap_or_default()}</td>
            <td>
                {m.status.clone()}
                {m.unsubscribed.then(|| view! { <span class="badge tone-danger">"Unsubscribed"</span> })}
            </td>
            <td class="numeric">{m.contacted_times}</td>
            <td>{m.last_contacted_at.as_ref().map(|t| t.display()).unwrap_or_default()}</td>
            <td>{may_manage.then(|| view! {
                <button class="button button-small" on:click=move |_| { remove.dispatch(RemoveListMember { list, record, back: false }); }>"Remove"</button>
            })}</td>
        </tr>
    }
}
