//! System › Channels: every connected store with its health, and what can be done to it.

use super::api::{ChannelOverview, DeleteChannel, SetChannelActive, SyncChannelNow, list_channels};
use crate::auth::SessionResource;
use crate::components::error::ErrorMessage;
use crate::components::guard::RequirePermission;
use crate::format::thousands;
use domain::{ChannelStatus, Permission};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ChannelsPage() -> impl IntoView {
    view! {
        <Title text="Channels" />
        <div class="page-header">
            <h1>"Channels"</h1>
            <a class="button button-primary" href="/channels/new">"New channel"</a>
        </div>
        <RequirePermission permission=Permission::ManageIntegrations>
            <ChannelsTable />
        </RequirePermission>
    }
}

#[component]
fn ChannelsTable() -> impl IntoView {
    let sync_now = ServerAction::<SyncChannelNow>::new();
    let set_active = ServerAction::<SetChannelActive>::new();
    let delete = ServerAction::<DeleteChannel>::new();
    let session = SessionResource::get().0;
    Effect::new(move |_| {
        // The menu follows the channels' entities: refresh it after a change.
        if set_active.version().get() + delete.version().get() > 0 {
            session.refetch();
        }
    });
    let channels = crate::data::data(
        move || {
            (
                sync_now.version().get(),
                set_active.version().get(),
                delete.version().get(),
            )
        },
        |_| list_channels(),
    );
    let action_error = move || {
        [
            sync_now.value().get().and_then(|r| r.err()),
            set_active.value().get().and_then(|r| r.err()),
            delete.value().get().and_then(|r| r.err()),
        ]
        .into_iter()
        .flatten()
        .next()
    };
    view! {
        {move || action_error().map(|e| view! { <ErrorMessage error=e /> })}
        {move || sync_now.value().get().and_then(|r| r.ok()).map(|_| view! {
            <div class="alert alert-success" role="status">"Sync queued: it starts within a few seconds."</div>
        })}
        <Suspense fallback=|| view! { <p class="muted">"Loading channels…"</p> }>
            {move || Suspend::new(async move {
                match channels.await {
                    Ok(list) if list.is_empty() => view! { <EmptyState /> }.into_any(),
                    Ok(list) => view! {
                        <section class="card card-flush">
                            <table class="table channels-table">
                                <thead>
                                    <tr>
                                        <th scope="col">"Channel"</th>
                                        <th scope="col">"Status"</th>
                                        <th scope="col">"Last successful sync"</th>
                                        <th scope="col">"Records"</th>
                                        <th scope="col" class="num">"Open errors"</th>
                                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list.into_iter().map(|c| view! { <ChannelRow c sync_now set_active delete /> }).collect_view()}
                                </tbody>
                            </table>
                        </section>
                    }.into_any(),
                    Err(e) => view! { <ErrorMessage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn EmptyState() -> impl IntoView {
    view! {
        <section class="card empty-state">
            <h2>"No store connected yet"</h2>
            <p>"Connect a Magento 2 or Adobe Commerce store: Cartwise imports its customers, carts, orders, credit memos and newsletter subscribers, then keeps them current."</p>
            <a class="button button-primary" href="/channels/new">"Connect a store"</a>
        </section>
    }
}

/// The status badge of a channel: deactivated, syncing, failed with its reason, access rejected.
pub fn status_badge(c: &ChannelOverview) -> AnyView {
    let running = c
        .latest_job
        .as_ref()
        .is_some_and(|j| j.status == domain::sync::JobStatus::Running);
    let (text, class) = if !c.channel.is_active {
        ("Deactivated", "badge badge-muted")
    } else if running || c.channel.status == ChannelStatus::Syncing {
        ("Syncing", "badge badge-info")
    } else {
        match c.channel.status {
            ChannelStatus::Failed => ("Failed", "badge badge-danger"),
            ChannelStatus::AccessRejected => ("Access rejected", "badge badge-danger"),
            _ if c.channel.last_success_at.is_some() => ("Active", "badge badge-success"),
            _ => ("Waiting for first sync", "badge badge-muted"),
        }
    };
    let reason = c.channel.status_message.clone().filter(|_| {
        matches!(
            c.channel.status,
            ChannelStatus::Failed | ChannelStatus::AccessRejected
        )
    });
    view! {
        <span class=class>{text}</span>
        {reason.map(|r| view! { <div class="status-reason">{r}</div> })}
    }
    .into_any()
}

#[component]
fn ChannelRow(
    c: ChannelOverview,
    sync_now: ServerAction<SyncChannelNow>,
    set_active: ServerAction<SetChannelActive>,
    delete: ServerAction<DeleteChannel>,
) -> impl IntoView {
    let id = c.channel.id;
    let href = format!("/channels/{id}");
    let name = c.channel.settings.name.clone();
    let records = c
        .records
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(e, n)| {
            let label = e
                .parse::<domain::Entity>()
                .map(|e| e.label())
                .unwrap_or("Records");
            format!("{label} {}", thousands(*n))
        })
        .collect::<Vec<_>>()
        .join(" · ");
    let total: i64 = c.records.iter().map(|(_, n)| n).sum();
    let removal = format!(
        "This removes channel “{name}” and the {} records synced from it (customers, carts, orders, credit memos, subscribers) from Cartwise, with its sync history. The Magento store is not touched, and CRM accounts stay.",
        thousands(total)
    );
    let active = c.channel.is_active;
    view! {
        <tr>
            <td>
                <a class="strong" href=href.clone()>{name.clone()}</a>
                <div class="muted small">{c.channel.settings.store_url.clone()}</div>
            </td>
            <td>{status_badge(&c)}</td>
            <td>
                {c.last_success.clone().unwrap_or_else(|| "Never".into())}
                {c.lag.clone().map(|l| view! { <div class="muted small">{format!("Data up to {l} old")}</div> })}
            </td>
            <td class="small">{if records.is_empty() { "—".to_string() } else { records }}</td>
            <td class="num">
                {if c.open_errors > 0 {
                    view! { <a class="badge badge-danger" href=format!("{href}#errors")>{thousands(c.open_errors)}</a> }.into_any()
                } else {
                    view! { <span class="muted">"0"</span> }.into_any()
                }}
            </td>
            <td class="actions">
                <div class="row-actions">
                    <ActionForm action=sync_now attr:class="inline-form">
                        <input type="hidden" name="id" value=id.to_string() />
                        <input type="hidden" name="full" value="false" />
                        <button type="submit" class="button button-small" prop:disabled=!active>"Sync now"</button>
                    </ActionForm>
                    <a class="button button-small button-quiet" href=format!("{href}/edit")>"Edit"</a>
                    <ActionForm action=set_active attr:class="inline-form">
                        <input type="hidden" name="id" value=id.to_string() />
                        <input type="hidden" name="active" value=(!active).to_string() />
                        <button type="submit" class="button button-small button-quiet">
                            {if active { "Deactivate" } else { "Activate" }}
                        </button>
                    </ActionForm>
                    <details class="confirm">
                        <summary class="button button-small button-quiet button-danger">"Delete…"</summary>
                        <div class="confirm-panel" role="dialog" aria-label=format!("Delete {name}")>
                            <p>{removal}</p>
                            <ActionForm action=delete attr:class="inline-form">
                                <input type="hidden" name="id" value=id.to_string() />
                                <button type="submit" class="button button-small button-danger-solid">"Delete channel"</button>
                            </ActionForm>
                        </div>
                    </details>
                </div>
            </td>
        </tr>
    }
}
