//! A channel's page: its settings, live sync progress, sync history and error log.

use super::api::{
    CancelChannelSync, ChannelOverview, DeleteChannel, JobView, RetrySyncErrors, SetChannelActive,
    SyncChannelNow, channel_errors, channel_jobs, get_channel,
};
use super::list::status_badge;
use super::progress::LiveProgress;
use super::types::{ChannelLive, SyncErrorView};
use crate::components::error::ErrorMessage;
use crate::components::guard::RequirePermission;
use crate::format::{duration_ms, interval, thousands};
use domain::AppError;
use domain::channel::SubscriberSource;
use domain::sync::JobStatus;
use domain::{Entity, Permission};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

#[component]
pub fn ChannelPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ManageIntegrations>
            <ChannelView />
        </RequirePermission>
    }
}

fn query_i64(key: &'static str) -> Memo<i64> {
    let query = use_query_map();
    Memo::new(move |_| {
        query
            .with(|q| q.get(key))
            .and_then(|v| v.parse().ok())
            .unwrap_or(1)
            .max(1)
    })
}

#[component]
fn ChannelView() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .with(|p| p.get("id"))
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let sync_now = ServerAction::<SyncChannelNow>::new();
    let cancel = ServerAction::<CancelChannelSync>::new();
    let set_active = ServerAction::<SetChannelActive>::new();
    let delete = ServerAction::<DeleteChannel>::new();
    // Bumped by the live progress when a sync starts, finishes an entity or ends.
    let milestones = RwSignal::new(0u32);
    let lists = Lists::new(id, sync_now, milestones);
    let channel = crate::data::data(
        move || {
            (
                id.get(),
                sync_now.version().get(),
                set_active.version().get(),
                cancel.version().get(),
            )
        },
        |(id, ..)| get_channel(id),
    );
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            navigate("/channels", Default::default());
        }
    });
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading the channel…"</p> }>
            {move || Suspend::new(async move {
                match channel.await {
                    Ok(c) => view! { <ChannelBody c sync_now cancel set_active delete milestones lists /> }.into_any(),
                    Err(e) => view! { <Title text="Channel" /><ErrorMessage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ChannelBody(
    c: ChannelOverview,
    sync_now: ServerAction<SyncChannelNow>,
    cancel: ServerAction<CancelChannelSync>,
    set_active: ServerAction<SetChannelActive>,
    delete: ServerAction<DeleteChannel>,
    milestones: RwSignal<u32>,
    lists: Lists,
) -> impl IntoView {
    let id = c.channel.id;
    let name = c.channel.settings.name.clone();
    let active = c.channel.is_active;
    let live = RwSignal::new(ChannelLive {
        status: c.channel.status,
        status_message: c.channel.status_message.clone(),
        job: c.latest_job.clone(),
    });
    // The lists the live progress reloads at milestones, once hydrated (see LiveProgress).
    let (settled, set_settled) = signal(false);
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        // Loaded or failed alike: the lists show either.
        let _ = lists.jobs.await;
        let _ = lists.errors.await;
        // After the resources resolve, their views hydrate in the same round of tasks; a
        // timer fires after that round.
        super::progress::sleep_ms(0).await;
        set_settled.set(true);
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = set_settled;
    // The header's status follows the stream too (syncing, failed, up to date).
    let badge = {
        let c = c.clone();
        move || live.with(|l| status_badge(&with_live(&c, l)))
    };
    let action_error = move || {
        [
            sync_now.value().get().and_then(|r| r.err()),
            cancel.value().get().and_then(|r| r.err()),
            set_active.value().get().and_then(|r| r.err()),
            delete.value().get().and_then(|r| r.err()),
        ]
        .into_iter()
        .flatten()
        .next()
    };
    let total: i64 = c.records.iter().map(|(_, n)| n).sum();
    view! {
        <Title text=name.clone() />
        <div class="page-header">
            <div>
                <div class="breadcrumb"><a href="/channels">"Channels"</a></div>
                <h1>{name.clone()}</h1>
                <div class="muted">{c.channel.settings.store_url.clone()}" · "{badge}</div>
            </div>
            <div class="row-actions">
                <ActionForm action=sync_now attr:class="inline-form">
                    <input type="hidden" name="id" value=id.to_string() />
                    <input type="hidden" name="full" value="false" />
                    <button type="submit" class="button button-primary" prop:disabled=!active>"Sync now"</button>
                </ActionForm>
                <ActionForm action=sync_now attr:class="inline-form">
                    <input type="hidden" name="id" value=id.to_string() />
                    <input type="hidden" name="full" value="true" />
                    <button type="submit" class="button" prop:disabled=!active title="Re-read everything since the sync start date">"Full sync"</button>
                </ActionForm>
                <ActionForm action=cancel attr:class="inline-form">
                    <input type="hidden" name="id" value=id.to_string() />
                    <button type="submit" class="button button-quiet">"Cancel sync"</button>
                </ActionForm>
                <a class="button button-quiet" href=format!("/channels/{id}/edit")>"Edit"</a>
                <ActionForm action=set_active attr:class="inline-form">
                    <input type="hidden" name="id" value=id.to_string() />
                    <input type="hidden" name="active" value=(!active).to_string() />
                    <button type="submit" class="button button-quiet">{if active { "Deactivate" } else { "Activate" }}</button>
                </ActionForm>
                <details class="confirm">
                    <summary class="button button-quiet button-danger">"Delete…"</summary>
                    <div class="confirm-panel" role="dialog" aria-label=format!("Delete {name}")>
                        <p>{format!(
                            "This removes channel “{name}” and the {} records synced from it from Cartwise, with its sync history and error log. The Magento store is not touched, and CRM accounts stay.",
                            thousands(total)
                        )}</p>
                        <ActionForm action=delete attr:class="inline-form">
                            <input type="hidden" name="id" value=id.to_string() />
                            <button type="submit" class="button button-danger-solid">"Delete channel"</button>
                        </ActionForm>
                    </div>
                </details>
            </div>
        </div>
        {move || action_error().map(|e| view! { <ErrorMessage error=e /> })}
        {move || sync_now.value().get().and_then(|r| r.ok()).map(|_| view! {
            <div class="alert alert-success" role="status">"Sync queued: it starts within a few seconds."</div>
        })}
        {move || cancel.value().get().and_then(|r| r.ok()).map(|stopped| view! {
            <div class="alert alert-info" role="status">
                {if stopped { "The sync stops after its current page; what it committed stays." } else { "No sync was running." }}
            </div>
        })}
        <div class="grid-2">
            <LiveProgress channel_id=id live milestones settled />
            <Settings c=c.clone() lists />
        </div>
        <JobHistory lists />
        <ErrorLog channel_id=id lists />
    }
}

/// The overview as the live stream now sees it.
fn with_live(c: &ChannelOverview, live: &ChannelLive) -> ChannelOverview {
    let mut c = c.clone();
    c.channel.status = live.status;
    c.channel.status_message = live.status_message.clone();
    if let Some(job) = live
        .job
        .as_ref()
        .filter(|j| j.status == JobStatus::Succeeded)
    {
        c.channel.last_success_at = c.channel.last_success_at.max(job.finished_at);
    }
    c.latest_job = live.job.clone();
    c
}

#[component]
fn Settings(c: ChannelOverview, lists: Lists) -> impl IntoView {
    let s = c.channel.settings.clone();
    let websites = match &s.website_ids {
        None => "All websites".to_string(),
        Some(ids) => format!(
            "Websites {}",
            ids.iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let entities = s
        .entities
        .iter()
        .map(|e| e.label())
        .collect::<Vec<_>>()
        .join(", ");
    let subscribers = match c.channel.subscriber_source {
        Some(SubscriberSource::CompanionRoute) => Some(
            "Newsletter subscribers are read from the Cartwise companion route (all subscribers, guests included).",
        ),
        Some(SubscriberSource::CustomerFlag) => Some(
            "This store has no subscriber route: subscriptions come from customers' “is subscribed” flag (registered customers only, no guests, no status history). Install the Cartwise companion module to get every subscriber.",
        ),
        None => None,
    };
    // Counts as the page loaded, then re-read at each milestone of a running sync.
    let loaded = c.records.clone();
    let records = move || {
        let list = match lists.records.get() {
            Some(Ok(Some(records))) => records,
            _ => loaded.clone(),
        };
        list.into_iter()
            .map(|(e, n)| {
                let label = e.parse::<Entity>().map(|e| e.label()).unwrap_or("Records");
                view! { <div>{format!("{label}: {}", thousands(n))}</div> }
            })
            .collect_view()
    };
    view! {
        <section class="card">
            <h2>"Settings"</h2>
            <dl class="settings-list">
                <dt>"Sign-in"</dt><dd>{c.channel.auth_kind.label()}{if s.verify_tls { "" } else { " · TLS not verified" }}</dd>
                <dt>"Scope"</dt><dd>{websites}</dd>
                <dt>"History from"</dt><dd>{s.sync_start_date.map(|d| d.to_string()).unwrap_or_else(|| "The beginning".into())}</dd>
                <dt>"Interval"</dt><dd>{format!("Every {}", interval(s.sync_interval_secs))}{c.next_sync.clone().map(|n| format!(" · next {n}"))}</dd>
                <dt>"Page size"</dt><dd>{s.page_size}</dd>
                <dt>"Abandoned after"</dt><dd>{interval(s.abandon_threshold_secs)}</dd>
                <dt>"Cart lifetime"</dt><dd>{format!("{} days", s.cart_lifetime_days)}</dd>
                <dt>"Entities"</dt><dd>{entities}</dd>
                <dt>"Two-way sync"</dt><dd>{s.two_way_summary()}</dd>
                <dt>"Records"</dt>
                <dd>{records}</dd>
            </dl>
            {subscribers.map(|text| view! { <p class="note">{text}</p> })}
        </section>
    }
}

type Listed<T> = crate::data::Data<Result<(Vec<T>, i64), AppError>>;
/// Records per entity, as `ChannelOverview::records`.
type RecordCounts = Vec<(String, i64)>;

/// The page's paged lists (sync history, error log), loaded by resources made with the page,
/// before anything suspends: a resource made inside a suspended view is numbered differently on
/// the server and in the browser, and hydration then fails.
#[derive(Clone, Copy)]
struct Lists {
    jobs: Listed<JobView>,
    jobs_page: Memo<i64>,
    errors: Listed<SyncErrorView>,
    errors_page: Memo<i64>,
    entity: Memo<String>,
    retry: ServerAction<RetrySyncErrors>,
    /// Record counts per entity, re-read at each milestone (browser only: until the first, the
    /// counts the page loaded with stand).
    records: LocalResource<Result<Option<RecordCounts>, AppError>>,
}

impl Lists {
    fn new(
        id: Memo<i64>,
        sync_now: ServerAction<SyncChannelNow>,
        milestones: RwSignal<u32>,
    ) -> Self {
        let query = use_query_map();
        let entity = Memo::new(move |_| query.with(|q| q.get("entity")).unwrap_or_default());
        let jobs_page = query_i64("jobs_page");
        let errors_page = query_i64("errors_page");
        let retry = ServerAction::<RetrySyncErrors>::new();
        let jobs = crate::data::data(
            move || {
                (
                    id.get(),
                    jobs_page.get(),
                    sync_now.version().get(),
                    milestones.get(),
                )
            },
            |(id, p, ..)| channel_jobs(id, p),
        );
        let errors = crate::data::data(
            move || {
                let retried = retry.version().get();
                (
                    id.get(),
                    entity.get(),
                    errors_page.get(),
                    retried,
                    milestones.get(),
                )
            },
            |(id, e, p, ..)| channel_errors(id, Some(e), p),
        );
        let records = LocalResource::new(move || {
            let (id, m) = (id.get(), milestones.get());
            async move {
                if m == 0 {
                    Ok(None)
                } else {
                    get_channel(id).await.map(|c| Some(c.records))
                }
            }
        });
        Lists {
            records,
            jobs,
            jobs_page,
            errors,
            errors_page,
            entity,
            retry,
        }
    }
}

#[component]
fn JobHistory(lists: Lists) -> impl IntoView {
    let (jobs, page) = (lists.jobs, lists.jobs_page);
    view! {
        <section class="card card-flush" id="history">
            <div class="card-header padded"><h2>"Sync history"</h2></div>
            <Transition fallback=|| view! { <p class="muted padded">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match jobs.await {
                        Ok((list, total)) if list.is_empty() && total == 0 => view! { <p class="muted padded">"No sync has run yet."</p> }.into_any(),
                        Ok((list, total)) => view! {
                            <table class="table">
                                <thead><tr>
                                    <th scope="col">"Started"</th><th scope="col">"Kind"</th><th scope="col">"Status"</th>
                                    <th scope="col" class="num">"Duration"</th><th scope="col" class="num">"Fetched"</th>
                                    <th scope="col" class="num">"Created"</th><th scope="col" class="num">"Updated"</th>
                                    <th scope="col" class="num">"Unchanged"</th><th scope="col" class="num">"Failed"</th>
                                </tr></thead>
                                <tbody>{list.into_iter().map(|j| view! { <JobRow j /> }).collect_view()}</tbody>
                            </table>
                            <Pager param="jobs_page" page=page.get_untracked() per_page=super::JOBS_PER_PAGE total anchor="history" />
                        }.into_any(),
                        Err(e) => view! { <ErrorMessage error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn JobRow(j: JobView) -> impl IntoView {
    let job = j.job;
    let sum =
        |f: fn(&domain::sync::EntityProgress) -> i64| thousands(job.entities.iter().map(f).sum());
    let status_class = match job.status {
        domain::sync::JobStatus::Succeeded => "badge badge-success",
        domain::sync::JobStatus::Failed => "badge badge-danger",
        domain::sync::JobStatus::Running => "badge badge-info",
        _ => "badge badge-muted",
    };
    let per_entity = job
        .entities
        .iter()
        .map(|e| {
            format!(
                "{}: fetched {}, created {}, updated {}, unchanged {}, failed {}",
                e.entity().map(|x| x.label()).unwrap_or("Dictionaries"),
                thousands(e.fetched),
                thousands(e.created),
                thousands(e.updated),
                thousands(e.unchanged),
                thousands(e.failed)
            )
        })
        .collect::<Vec<_>>();
    view! {
        <tr>
            <td>{j.started.unwrap_or_else(|| "Not started".into())}</td>
            <td>{job.kind.label()}<div class="muted small">{job.trigger.as_str()}</div></td>
            <td>
                <span class=status_class>{job.status.as_str()}</span>
                {job.error.clone().map(|e| view! { <div class="status-reason">{e}</div> })}
                {(!per_entity.is_empty()).then(|| view! {
                    <details class="small"><summary>"Per entity"</summary>
                        <ul>{per_entity.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                    </details>
                })}
            </td>
            <td class="num">{job.duration_ms().map(duration_ms).unwrap_or_default()}</td>
            <td class="num">{sum(|e| e.fetched)}</td>
            <td class="num">{sum(|e| e.created)}</td>
            <td class="num">{sum(|e| e.updated)}</td>
            <td class="num">{sum(|e| e.unchanged)}</td>
            <td class="num">{sum(|e| e.failed)}</td>
        </tr>
    }
}

#[component]
fn ErrorLog(channel_id: i64, lists: Lists) -> impl IntoView {
    let (errors, page, entity, retry) =
        (lists.errors, lists.errors_page, lists.entity, lists.retry);
    // Choosing an entity filters at once (without JavaScript, the Filter button does). A
    // handler, not an inline `onchange`: the Content-Security-Policy forbids inline scripts.
    let navigate = leptos_router::hooks::use_navigate();
    let filter = move |ev: leptos::ev::Event| {
        let chosen = event_target_value(&ev);
        let href = if chosen.is_empty() {
            format!("/channels/{channel_id}#errors")
        } else {
            format!("/channels/{channel_id}?entity={chosen}#errors")
        };
        navigate(&href, Default::default());
    };
    view! {
        <section class="card card-flush" id="errors">
            <div class="card-header padded">
                <h2>"Error log"</h2>
                <form method="get" class="inline-form" action="#errors">
                    <label for="error-entity" class="visually-hidden">"Entity"</label>
                    <select id="error-entity" name="entity" on:change=filter>
                        <option value="" selected=move || entity.get().is_empty()>"All entities"</option>
                        {Entity::ALL.into_iter().map(|e| view! {
                            <option value=e.as_str() selected=move || entity.get() == e.as_str()>{e.label()}</option>
                        }).collect_view()}
                    </select>
                    <noscript><button type="submit" class="button button-small">"Filter"</button></noscript>
                </form>
                <ActionForm action=retry attr:class="inline-form">
                    <input type="hidden" name="id" value=channel_id.to_string() />
                    <button type="submit" class="button button-small">"Retry all"</button>
                </ActionForm>
            </div>
            {move || match retry.value().get() {
                Some(Ok(message)) => Some(view! { <div class="alert alert-info padded-alert" role="status">{message}</div> }.into_any()),
                Some(Err(e)) => Some(view! { <ErrorMessage error=e /> }.into_any()),
                None => None,
            }}
            <Transition fallback=|| view! { <p class="muted padded">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match errors.await {
                        Ok((list, _)) if list.is_empty() => view! {
                            <p class="muted padded">"No open errors: every record fetched so far was stored."</p>
                        }.into_any(),
                        Ok((list, total)) => view! {
                            <ul class="error-list">
                                {list.into_iter().map(|e| view! { <ErrorEntry e channel_id retry /> }).collect_view()}
                            </ul>
                            <Pager param="errors_page" page=page.get_untracked() per_page=super::ERRORS_PER_PAGE total anchor="errors" />
                        }.into_any(),
                        Err(e) => view! { <ErrorMessage error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ErrorEntry(
    e: SyncErrorView,
    channel_id: i64,
    retry: ServerAction<RetrySyncErrors>,
) -> impl IntoView {
    let synced = e.entity.parse::<Entity>().ok();
    let entity = synced
        .map(|x| x.label())
        .or_else(|| list_entry_label(&e.entity))
        .unwrap_or("Record")
        .to_string();
    let title = match &e.magento_id {
        Some(id) => format!("{entity} #{id}"),
        None => format!("{entity} (no id)"),
    };
    // A store list (websites, countries…) is read whole at every sync: nothing to retry alone.
    let retryable = synced.is_some() && e.magento_id.is_some();
    let list_hint = synced.is_none().then(|| {
        view! { <p class="muted small">"This list is read again at every sync; the entry resolves once the store lists it only once."</p> }
    });
    view! {
        <li class="error-entry">
            <div class="error-head">
                <strong>{title}</strong>
                {e.field_path.clone().map(|p| view! { <code>{p}</code> })}
                <span class="muted small">{format!("{} attempt{}", e.attempts, if e.attempts == 1 { "" } else { "s" })}</span>
                {retryable.then(|| view! {
                    <ActionForm action=retry attr:class="inline-form">
                        <input type="hidden" name="id" value=channel_id.to_string() />
                        <input type="hidden" name="error_id" value=e.id.to_string() />
                        <button type="submit" class="button button-small button-quiet">"Retry"</button>
                    </ActionForm>
                })}
            </div>
            <p class="error-message">{e.message.clone()}</p>
            {list_hint}
            {e.payload.clone().map(|p| view! {
                <details><summary class="small">"Payload"</summary><pre class="payload">{p}</pre></details>
            })}
        </li>
    }
}

/// The name of an entry of a store list in the error log (`sync_write::dictionaries::List`).
fn list_entry_label(list: &str) -> Option<&'static str> {
    Some(match list {
        "websites" => "Website",
        "store-groups" => "Store group",
        "store-views" => "Store view",
        "customer-groups" => "Customer group",
        "countries" => "Country",
        _ => return None,
    })
}

/// Previous / next links keeping the rest of the query string.
#[component]
fn Pager(
    param: &'static str,
    page: i64,
    per_page: i64,
    total: i64,
    anchor: &'static str,
) -> impl IntoView {
    let pages = ((total + per_page - 1) / per_page).max(1);
    let query = use_query_map();
    let link = move |p: i64| {
        let mut q = query.get_untracked();
        q.replace(param, p.to_string());
        format!("?{}#{anchor}", q.to_query_string().trim_start_matches('?'))
    };
    (pages > 1).then(|| {
        view! {
            <nav class="pager" aria-label="Pages">
                {(page > 1).then(|| view! { <a class="button button-small" href=link(page - 1)>"Previous"</a> })}
                <span class="muted small">{format!("Page {page} of {pages} · {} in all", thousands(total))}</span>
                {(page < pages).then(|| view! { <a class="button button-small" href=link(page + 1)>"Next"</a> })}
            </nav>
        }
    })
}
