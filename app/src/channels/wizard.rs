//! The channel setup wizard (New and Edit share it): connection, scope and schedule, entities,
//! two-way sync, review. Each step is checked before the next; Back keeps what was typed;
//! Cancel asks before discarding. Secrets are write-only: Edit never shows them and a blank
//! field keeps the stored one, unless the store's address moves to another host (port or
//! scheme): stored secrets only go to the store they were entered for, so they must be typed
//! again (the server refuses otherwise).

use super::api::{
    ChannelForm, ChannelOverview, check_connection, create_channel, get_channel, update_channel,
};
use crate::auth::SessionResource;
use crate::components::error::ErrorMessage;
use crate::components::guard::RequirePermission;
use crate::format::interval;
use domain::channel::{
    AuthKind, ConnectionCheck, ConnectionInput, DEFAULT_ABANDON_THRESHOLD_SECS,
    DEFAULT_CART_LIFETIME_DAYS, DEFAULT_INTERVAL_SECS, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE,
    normalise_store_url,
};
use domain::customer_edit::{CustomerField, FieldOwner};
use domain::origin::{certificate_check_dropped, same_origin};
use domain::{ChannelSettings, Entity, Permission, SyncPriority};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

const STEPS: [&str; 5] = [
    "Connection",
    "Scope & schedule",
    "Entities",
    "Two-way sync",
    "Review",
];
const INTERVALS: [i32; 12] = [
    30, 60, 120, 300, 600, 900, 1800, 3600, 10_800, 21_600, 43_200, 86_400,
];
const THRESHOLDS: [i32; 8] = [900, 1800, 3600, 7200, 14_400, 43_200, 86_400, 172_800];

#[component]
pub fn NewChannelPage() -> impl IntoView {
    view! {
        <Title text="New channel" />
        <div class="breadcrumb"><a href="/channels">"Channels"</a></div>
        <h1>"Connect a Magento store"</h1>
        <RequirePermission permission=Permission::ManageIntegrations>
            <Wizard existing=None />
        </RequirePermission>
    }
}

#[component]
pub fn EditChannelPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .with(|p| p.get("id"))
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let channel = crate::data::data(id, get_channel);
    view! {
        <Title text="Edit channel" />
        <div class="breadcrumb"><a href="/channels">"Channels"</a></div>
        <h1>"Edit channel"</h1>
        <RequirePermission permission=Permission::ManageIntegrations>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match channel.await {
                        Ok(c) => view! { <Wizard existing=Some(c) /> }.into_any(),
                        Err(e) => view! { <ErrorMessage error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </RequirePermission>
    }
}

/// Everything the wizard collects.
#[derive(Clone, Copy)]
struct Fields {
    name: RwSignal<String>,
    store_url: RwSignal<String>,
    verify_tls: RwSignal<bool>,
    auth_kind: RwSignal<Option<AuthKind>>,
    token: RwSignal<String>,
    consumer_key: RwSignal<String>,
    consumer_secret: RwSignal<String>,
    access_token: RwSignal<String>,
    access_token_secret: RwSignal<String>,
    admin_username: RwSignal<String>,
    admin_password: RwSignal<String>,
    all_websites: RwSignal<bool>,
    website_ids: RwSignal<Vec<i64>>,
    start_date: RwSignal<String>,
    interval_secs: RwSignal<i32>,
    page_size: RwSignal<String>,
    abandon_secs: RwSignal<i32>,
    lifetime_days: RwSignal<String>,
    entities: RwSignal<Vec<Entity>>,
    two_way: RwSignal<bool>,
    priority: RwSignal<SyncPriority>,
    owners: RwSignal<Vec<domain::customer_edit::FieldOwner>>,
}

impl Fields {
    fn new(existing: Option<&ChannelOverview>) -> Self {
        let s = existing
            .map(|c| c.channel.settings.clone())
            .unwrap_or_else(|| ChannelSettings::new("", "https://"));
        Fields {
            name: RwSignal::new(s.name.clone()),
            store_url: RwSignal::new(s.store_url.clone()),
            verify_tls: RwSignal::new(s.verify_tls),
            auth_kind: RwSignal::new(
                existing
                    .map(|c| c.channel.auth_kind)
                    .or(Some(AuthKind::Oauth1)),
            ),
            token: RwSignal::new(String::new()),
            consumer_key: RwSignal::new(String::new()),
            consumer_secret: RwSignal::new(String::new()),
            access_token: RwSignal::new(String::new()),
            access_token_secret: RwSignal::new(String::new()),
            admin_username: RwSignal::new(String::new()),
            admin_password: RwSignal::new(String::new()),
            all_websites: RwSignal::new(s.website_ids.is_none()),
            website_ids: RwSignal::new(s.website_ids.clone().unwrap_or_default()),
            start_date: RwSignal::new(s.sync_start_date.map(|d| d.to_string()).unwrap_or_default()),
            interval_secs: RwSignal::new(s.sync_interval_secs),
            page_size: RwSignal::new(s.page_size.to_string()),
            abandon_secs: RwSignal::new(s.abandon_threshold_secs),
            lifetime_days: RwSignal::new(s.cart_lifetime_days.to_string()),
            entities: RwSignal::new(s.entities.clone()),
            two_way: RwSignal::new(s.two_way),
            priority: RwSignal::new(s.sync_priority),
            owners: RwSignal::new(s.field_owners.clone()),
        }
    }

    fn connection(&self, channel_id: Option<i64>) -> ConnectionInput {
        ConnectionInput {
            channel_id,
            store_url: self.store_url.get_untracked(),
            verify_tls: self.verify_tls.get_untracked(),
            auth_kind: self.auth_kind.get_untracked(),
            token: self.token.get_untracked(),
            consumer_key: self.consumer_key.get_untracked(),
            consumer_secret: self.consumer_secret.get_untracked(),
            access_token: self.access_token.get_untracked(),
            access_token_secret: self.access_token_secret.get_untracked(),
            admin_username: self.admin_username.get_untracked(),
            admin_password: self.admin_password.get_untracked(),
        }
    }

    /// The settings as typed; `validate` (on the server too) says what is wrong.
    fn settings(&self) -> Result<ChannelSettings, String> {
        let mut s = ChannelSettings::new(self.name.get_untracked(), self.store_url.get_untracked());
        s.verify_tls = self.verify_tls.get_untracked();
        s.website_ids =
            (!self.all_websites.get_untracked()).then(|| self.website_ids.get_untracked());
        let date = self.start_date.get_untracked();
        s.sync_start_date = match date.trim() {
            "" => None,
            d => Some(
                domain::dates::parse_iso(d)
                    .ok_or_else(|| "Enter the start date as a date (YYYY-MM-DD).".to_string())?,
            ),
        };
        s.sync_interval_secs = self.interval_secs.get_untracked();
        s.page_size =
            self.page_size.get_untracked().trim().parse().map_err(|_| {
                format!("The page size must be a number from 1 to {MAX_PAGE_SIZE}.")
            })?;
        s.abandon_threshold_secs = self.abandon_secs.get_untracked();
        s.cart_lifetime_days = self
            .lifetime_days
            .get_untracked()
            .trim()
            .parse()
            .map_err(|_| "The cart lifetime must be a number of days.".to_string())?;
        s.entities = self.entities.get_untracked();
        s.two_way = self.two_way.get_untracked();
        s.sync_priority = self.priority.get_untracked();
        s.field_owners = self.owners.get_untracked();
        s.validate().map_err(|e| e.to_string())?;
        Ok(s)
    }
}

#[component]
fn Wizard(existing: Option<ChannelOverview>) -> impl IntoView {
    let channel_id = existing.as_ref().map(|c| c.channel.id);
    let editing = channel_id.is_some();
    let f = Fields::new(existing.as_ref());
    // Editing, with the address moved off the stored one's origin: the secrets must be typed.
    let stored_url = existing
        .as_ref()
        .map(|c| c.channel.settings.store_url.clone());
    let host_changed = Signal::derive(move || {
        stored_url
            .as_deref()
            .is_some_and(|stored| !same_origin(&f.store_url.get(), stored))
    });
    // Editing, with the certificate check turned off: the secrets must be typed too.
    let stored_tls = existing.as_ref().map(|c| c.channel.settings.verify_tls);
    let tls_dropped = Signal::derive(move || {
        stored_tls.is_some_and(|was| {
            certificate_check_dropped(was, f.verify_tls.get(), &f.store_url.get())
        })
    });
    let step = RwSignal::new(1usize);
    let step_error = RwSignal::new(None::<String>);
    let check = RwSignal::new(None::<ConnectionCheck>);
    let checking = RwSignal::new(false);
    let checked_connection = RwSignal::new(None::<ConnectionInput>);
    let saving = RwSignal::new(false);
    let save_error = RwSignal::new(None::<domain::AppError>);
    let navigate = use_navigate();
    let session = SessionResource::get().0;

    let run_check = move || {
        let connection = f.connection(channel_id);
        checking.set(true);
        step_error.set(None);
        leptos::task::spawn_local(async move {
            let result = check_connection(connection.clone()).await;
            checking.set(false);
            match result {
                Ok(c) => {
                    if c.ok() {
                        checked_connection.set(Some(connection));
                        // A new store: sync every entity it supports, subscribers included.
                        if c.subscriber_route.as_deref() == Some("missing") {
                            // Keep the choice; the Entities step explains the fallback.
                        }
                    }
                    check.set(Some(c));
                }
                Err(e) => step_error.set(Some(e.to_string())),
            }
        });
    };
    // Editing: look the store up at once (with the stored secrets) to list its websites.
    if editing {
        Effect::new(move |prev: Option<()>| {
            if prev.is_none() {
                run_check();
            }
        });
    }

    let connection_unchanged = move || {
        checked_connection
            .get()
            .is_some_and(|c| c == f.connection(channel_id))
    };
    let validate_step = move |n: usize| -> Result<(), String> {
        match n {
            1 => {
                if f.name.get_untracked().trim().is_empty() {
                    return Err("Give the channel a name.".into());
                }
                normalise_store_url(&f.store_url.get_untracked()).map_err(|e| e.to_string())?;
                f.connection(channel_id)
                    .credentials()
                    .map_err(|e| e.to_string())?;
                if f.connection(channel_id).secrets_blank() {
                    if host_changed.get_untracked() {
                        return Err(HOST_CHANGED.into());
                    }
                    if tls_dropped.get_untracked() {
                        return Err(TLS_CHECK_OFF.into());
                    }
                }
                let needs_check = !editing || checked_connection.get_untracked().is_some();
                if needs_check && !connection_unchanged() {
                    return Err("Check the connection first: Cartwise must reach the store with these settings.".into());
                }
                if check.get_untracked().is_some_and(|c| !c.ok()) && !editing {
                    return Err(
                        "The connection check failed: fix the settings and check again.".into(),
                    );
                }
                Ok(())
            }
            2 => {
                if !f.all_websites.get_untracked() && f.website_ids.get_untracked().is_empty() {
                    return Err("Choose at least one website, or all websites.".into());
                }
                f.settings().map(|_| ())
            }
            3 => {
                if f.entities.get_untracked().is_empty() {
                    return Err("Choose what to sync.".into());
                }
                Ok(())
            }
            _ => f.settings().map(|_| ()),
        }
    };
    let next = move |_| match validate_step(step.get_untracked()) {
        Ok(()) => {
            step_error.set(None);
            step.update(|s| *s = (*s + 1).min(STEPS.len()));
        }
        Err(e) => step_error.set(Some(e)),
    };
    let back = move |_| {
        step_error.set(None);
        step.update(|s| *s = s.saturating_sub(1).max(1));
    };
    let cancel_target = channel_id
        .map(|id| format!("/channels/{id}"))
        .unwrap_or_else(|| "/channels".into());
    let cancel = {
        let navigate = navigate.clone();
        let target = cancel_target.clone();
        move |_| {
            let discard = window()
                .confirm_with_message("Discard this channel's settings? Nothing is saved.")
                .unwrap_or(true);
            if discard {
                navigate(&target, Default::default());
            }
        }
    };
    let save = move |_| {
        let settings = match f.settings() {
            Ok(s) => s,
            Err(e) => {
                step_error.set(Some(e));
                return;
            }
        };
        let form = ChannelForm {
            settings,
            connection: f.connection(channel_id),
        };
        saving.set(true);
        save_error.set(None);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let result = match channel_id {
                Some(id) => update_channel(id, form).await.map(|_| id),
                None => create_channel(form).await,
            };
            saving.set(false);
            match result {
                Ok(id) => {
                    session.refetch();
                    navigate(&format!("/channels/{id}"), Default::default());
                }
                Err(e) => save_error.set(Some(e)),
            }
        });
    };

    view! {
        <noscript>
            <div class="alert alert-warning">"The setup wizard needs JavaScript. Without it, add a channel from the command line: cartwise channel add --name NAME --url URL --token TOKEN"</div>
        </noscript>
        <ol class="wizard-steps" aria-label="Steps">
            {STEPS.iter().enumerate().map(|(i, label)| {
                let n = i + 1;
                view! {
                    <li class:current=move || step.get() == n class:done=move || { step.get() > n }
                        aria-current=move || (step.get() == n).then_some("step")>
                        <span class="step-number">{n}</span>{*label}
                    </li>
                }
            }).collect_view()}
        </ol>
        <section class="card wizard">
            {move || match step.get() {
                1 => view! { <ConnectionStep f editing host_changed tls_dropped check checking run_check /> }.into_any(),
                2 => view! { <ScopeStep f check /> }.into_any(),
                3 => view! { <EntitiesStep f check /> }.into_any(),
                4 => view! { <TwoWayStep f /> }.into_any(),
                _ => view! { <ReviewStep f check editing /> }.into_any(),
            }}
            {move || step_error.get().map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> })}
            {move || save_error.get().map(|e| view! { <ErrorMessage error=e /> })}
            <div class="wizard-actions">
                <button type="button" class="button button-quiet" on:click=cancel>"Cancel"</button>
                <div class="spacer"></div>
                <button type="button" class="button" on:click=back disabled=move || step.get() == 1>"Back"</button>
                {move || if step.get() < STEPS.len() {
                    view! { <button type="button" class="button button-primary" on:click=next>"Next"</button> }.into_any()
                } else {
                    let save = save.clone();
                    view! {
                        <button type="button" class="button button-primary" on:click=save disabled=move || saving.get()>
                            {move || match (saving.get(), editing) {
                                (true, _) => "Saving…",
                                (false, true) => "Save changes",
                                (false, false) => "Create channel and start syncing",
                            }}
                        </button>
                    }.into_any()
                }}
            </div>
        </section>
    }
}

const HOST_CHANGED: &str = "The store's address is on another host than before: enter the credentials again (stored ones are only sent to the store they were entered for).";
const TLS_CHECK_OFF: &str = "Without the certificate check, anyone between Cartwise and the store could pose as it: enter the credentials again (stored ones are only sent with the check they were entered with).";

#[component]
fn ConnectionStep(
    f: Fields,
    editing: bool,
    host_changed: Signal<bool>,
    tls_dropped: Signal<bool>,
    check: RwSignal<Option<ConnectionCheck>>,
    checking: RwSignal<bool>,
    run_check: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let keeps_stored = move || editing && !host_changed.get() && !tls_dropped.get();
    let secret_hint =
        Signal::derive(
            move || match (editing, host_changed.get(), tls_dropped.get()) {
                (false, _, _) => "",
                (true, true, _) => "The host changed: type it again.",
                (true, false, true) => "The certificate check is off: type it again.",
                (true, false, false) => "Stored: leave blank to keep it.",
            },
        );
    let placeholder = Signal::derive(move || {
        if keeps_stored() {
            "•••••••• (unchanged)"
        } else {
            ""
        }
    });
    let plain_http = move || f.store_url.get().trim().starts_with("http://");
    view! {
        <h2>"1. Connection"</h2>
        <p class="muted">"How Cartwise reaches the store's REST API. For Magento 2.4.4 and later, create an integration (System › Extensions › Integrations) with access to Customers, Carts, Sales and Stores, activate it and copy its four credentials."</p>
        <div class="form">
            <div class="field">
                <label for="ch-name">"Name"</label>
                <input id="ch-name" type="text" bind:value=f.name maxlength="100" placeholder="e.g. Main store (EU)" />
            </div>
            <div class="field">
                <label for="ch-url">"Store URL"</label>
                <input id="ch-url" type="url" bind:value=f.store_url placeholder="https://shop.example.com" aria-describedby="ch-url-hint" />
                <small id="ch-url-hint" class="hint">"The store's base address; a /rest/<store code> suffix is fine."</small>
                {move || plain_http().then(|| view! {
                    <div class="alert alert-warning small">"Plain http sends the store's credentials unencrypted. Use https unless the store is on your own network."</div>
                })}
                {move || host_changed.get().then(|| view! {
                    <div class="alert alert-warning small">{HOST_CHANGED}</div>
                })}
            </div>
            <fieldset class="field">
                <legend>"Sign-in method"</legend>
                {[(AuthKind::Oauth1, "Integration (OAuth 1.0a): the default for Magento 2.4.4+"),
                  (AuthKind::Bearer, "Access token (Bearer): an integration token with “Allow OAuth Access Tokens to be used as standalone Bearer tokens”, or an admin token"),
                  (AuthKind::AdminPassword, "Admin user and password: Cartwise fetches and renews a token (not possible with two-factor authentication)")]
                    .into_iter()
                    .map(|(kind, label)| view! {
                        <label class="radio">
                            <input type="radio" name="auth_kind" value=kind.as_str()
                                prop:checked=move || f.auth_kind.get() == Some(kind)
                                on:change=move |_| f.auth_kind.set(Some(kind)) />
                            <span>{label}</span>
                        </label>
                    })
                    .collect_view()}
            </fieldset>
            {move || match f.auth_kind.get() {
                Some(AuthKind::Oauth1) => view! {
                    <div class="field-grid">
                        <SecretField id="ch-ck" label="Consumer key" value=f.consumer_key placeholder hint=secret_hint />
                        <SecretField id="ch-cs" label="Consumer secret" value=f.consumer_secret placeholder hint=secret_hint />
                        <SecretField id="ch-at" label="Access token" value=f.access_token placeholder hint=secret_hint />
                        <SecretField id="ch-ats" label="Access token secret" value=f.access_token_secret placeholder hint=secret_hint />
                    </div>
                }.into_any(),
                Some(AuthKind::Bearer) => view! {
                    <SecretField id="ch-token" label="Access token" value=f.token placeholder hint=secret_hint />
                }.into_any(),
                Some(AuthKind::AdminPassword) => view! {
                    <div class="field-grid">
                        <div class="field">
                            <label for="ch-user">"Admin username"</label>
                            <input id="ch-user" type="text" autocomplete="off" bind:value=f.admin_username placeholder=placeholder />
                        </div>
                        <SecretField id="ch-pass" label="Admin password" value=f.admin_password placeholder hint=secret_hint />
                    </div>
                }.into_any(),
                None => ().into_any(),
            }}
            <label class="checkbox">
                <input type="checkbox" bind:checked=f.verify_tls />
                <span>"Verify the store's TLS certificate (turn off only for self-signed test stores)"</span>
            </label>
            {move || tls_dropped.get().then(|| view! {
                <div class="alert alert-warning small">{TLS_CHECK_OFF}</div>
            })}
            <div>
                <button type="button" class="button" on:click=move |_| run_check() disabled=move || checking.get()>
                    {move || if checking.get() { "Checking…" } else { "Check connection" }}
                </button>
            </div>
            {move || check.get().map(|c| view! { <CheckResult c /> })}
        </div>
    }
}

#[component]
fn SecretField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    placeholder: Signal<&'static str>,
    hint: Signal<&'static str>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type="password" autocomplete="new-password" bind:value=value placeholder=placeholder />
            {move || (!hint.get().is_empty()).then(|| view! { <small class="hint">{hint.get()}</small> })}
        </div>
    }
}

#[component]
fn CheckResult(c: ConnectionCheck) -> impl IntoView {
    if !c.ok() {
        return view! { <div class="alert alert-error check-result" role="alert">{c.message}</div> }.into_any();
    }
    let route = match c.subscriber_route.as_deref() {
        Some("available") => {
            "Newsletter subscriber route: available (all subscribers, guests included)."
        }
        Some("forbidden") => {
            "Newsletter subscriber route: present, but the integration lacks access to it."
        }
        _ => {
            "Newsletter subscriber route: not installed; subscriptions will come from customers' flag."
        }
    };
    view! {
        <div class="alert alert-success check-result" role="status">
            <p><strong>{c.message.clone()}</strong>{c.magento_version.clone().map(|v| format!(" {v}."))}</p>
            <p>{format!("Websites: {}", c.websites.iter().map(|w| w.name.clone()).collect::<Vec<_>>().join(", "))}</p>
            <p>{format!("Stores: {}", c.store_groups.iter().map(|w| w.name.clone()).collect::<Vec<_>>().join(", "))}</p>
            <p>{format!("Store views: {}", c.store_views.iter().map(|w| w.name.clone()).collect::<Vec<_>>().join(", "))}</p>
            <p>{route}</p>
        </div>
    }
    .into_any()
}

#[component]
fn ScopeStep(f: Fields, check: RwSignal<Option<ConnectionCheck>>) -> impl IntoView {
    let websites = move || check.get().map(|c| c.websites).unwrap_or_default();
    view! {
        <h2>"2. Scope and schedule"</h2>
        <div class="form">
            <fieldset class="field">
                <legend>"Websites"</legend>
                <label class="checkbox">
                    <input type="checkbox" bind:checked=f.all_websites />
                    <span>"All websites (including ones added later)"</span>
                </label>
                {move || (!f.all_websites.get()).then(|| {
                    let list = websites();
                    if list.is_empty() {
                        return view! { <p class="hint">"Check the connection to list the store's websites."</p> }.into_any();
                    }
                    list.into_iter().map(|w| {
                        let id = w.id;
                        view! {
                            <label class="checkbox">
                                <input type="checkbox" prop:checked=move || f.website_ids.with(|ids| ids.contains(&id))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        f.website_ids.update(|ids| {
                                            ids.retain(|i| *i != id);
                                            if on { ids.push(id); ids.sort_unstable(); }
                                        });
                                    } />
                                <span>{format!("{} ({})", w.name, w.code)}</span>
                            </label>
                        }
                    }).collect_view().into_any()
                })}
            </fieldset>
            <div class="field-grid">
                <div class="field">
                    <label for="ch-start">"Sync start date"</label>
                    <input id="ch-start" type="date" bind:value=f.start_date />
                    <small class="hint">"History before this date is not imported. Empty: everything."</small>
                </div>
                <div class="field">
                    <label for="ch-interval">"Sync interval"</label>
                    <select id="ch-interval" on:change=move |ev| f.interval_secs.set(event_target_value(&ev).parse().unwrap_or(DEFAULT_INTERVAL_SECS))>
                        {INTERVALS.into_iter().map(|s| view! {
                            <option value=s.to_string() selected=move || f.interval_secs.get() == s>
                                {format!("Every {}{}", interval(s), if s == DEFAULT_INTERVAL_SECS { " (default)" } else { "" })}
                            </option>
                        }).collect_view()}
                    </select>
                    <small class="hint">"How often changes are fetched. Sync now is always available."</small>
                </div>
                <div class="field">
                    <label for="ch-page">"Page size"</label>
                    <input id="ch-page" type="number" min="1" max=MAX_PAGE_SIZE.to_string() bind:value=f.page_size />
                    <small class="hint">{format!("Records per request, default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE}. Lower it for slow stores.")}</small>
                </div>
                <div class="field">
                    <label for="ch-abandon">"Cart abandoned after"</label>
                    <select id="ch-abandon" on:change=move |ev| f.abandon_secs.set(event_target_value(&ev).parse().unwrap_or(DEFAULT_ABANDON_THRESHOLD_SECS))>
                        {THRESHOLDS.into_iter().map(|s| view! {
                            <option value=s.to_string() selected=move || f.abandon_secs.get() == s>
                                {format!("{}{}", interval(s), if s == DEFAULT_ABANDON_THRESHOLD_SECS { " (default)" } else { "" })}
                            </option>
                        }).collect_view()}
                    </select>
                    <small class="hint">"An open cart with items and an email counts as abandoned after this long without change."</small>
                </div>
                <div class="field">
                    <label for="ch-lifetime">"Cart lifetime (days)"</label>
                    <input id="ch-lifetime" type="number" min="1" max="3650" bind:value=f.lifetime_days />
                    <small class="hint">{format!("Carts untouched this long expire; default {DEFAULT_CART_LIFETIME_DAYS} (Magento's quote lifetime).")}</small>
                </div>
            </div>
        </div>
    }
}

#[component]
fn EntitiesStep(f: Fields, check: RwSignal<Option<ConnectionCheck>>) -> impl IntoView {
    let missing_route =
        move || check.get().and_then(|c| c.subscriber_route).as_deref() == Some("missing");
    view! {
        <h2>"3. Entities"</h2>
        <p class="muted">"What to sync. Each can be removed now and added later."</p>
        <div class="form">
            {Entity::ALL.into_iter().map(|e| {
                let always = e == Entity::Customers;
                view! {
                    <label class="checkbox">
                        <input type="checkbox" disabled=always
                            prop:checked=move || always || f.entities.with(|l| l.contains(&e))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                f.entities.update(|l| {
                                    l.retain(|x| *x != e);
                                    if on { l.push(e); l.sort(); }
                                });
                            } />
                        <span>{e.label()}{always.then_some(" (always)")}</span>
                    </label>
                    {(e == Entity::NewsletterSubscribers).then(|| view! {
                        {move || missing_route().then(|| view! {
                            <p class="note">"This store has no subscriber route (the Cartwise companion module is not installed). Cartwise then reads each registered customer's “is subscribed” flag: guests' subscriptions and the Not activated / Unconfirmed statuses are not visible."</p>
                        })}
                    })}
                }
            }).collect_view()}
        </div>
    }
}

#[component]
fn TwoWayStep(f: Fields) -> impl IntoView {
    view! {
        <h2>"4. Two-way sync"</h2>
        <div class="form">
            <label class="checkbox">
                <input type="checkbox" bind:checked=f.two_way />
                <span>"Push edits made in Cartwise (customers, addresses, newsletter status) back to the store"</span>
            </label>
            <fieldset class="field" disabled=move || !f.two_way.get()>
                <legend>"When a field changed on both sides"</legend>
                <label class="radio">
                    <input type="radio" name="priority" prop:checked=move || f.priority.get() == SyncPriority::Remote
                        on:change=move |_| f.priority.set(SyncPriority::Remote) />
                    <span><strong>"The store wins"</strong>" (default): Magento stays the source of truth; a conflicting CRM edit is replaced by the store's value."</span>
                </label>
                <label class="radio">
                    <input type="radio" name="priority" prop:checked=move || f.priority.get() == SyncPriority::Local
                        on:change=move |_| f.priority.set(SyncPriority::Local) />
                    <span><strong>"Cartwise wins"</strong>": the CRM edit is pushed and overwrites the store's value."</span>
                </label>
            </fieldset>
            <fieldset class="field field-owners" disabled=move || !f.two_way.get()>
                <legend>"Field owners (optional): a field's owner wins its conflicts whatever the rule above"</legend>
                {CustomerField::ALL.into_iter().map(|field| owner_choice(f.owners, field)).collect_view()}
            </fieldset>
        </div>
    }
}

/// One field's owner: the channel's rule, the store, or Cartwise.
fn owner_choice(owners: RwSignal<Vec<FieldOwner>>, field: CustomerField) -> impl IntoView {
    let current = move || {
        owners.with(
            |list| match list.iter().find(|o| o.field == field).map(|o| o.owner) {
                Some(SyncPriority::Remote) => "store",
                Some(SyncPriority::Local) => "crm",
                None => "",
            },
        )
    };
    let set = move |ev: leptos::ev::Event| {
        let owner = match event_target_value(&ev).as_str() {
            "store" => Some(SyncPriority::Remote),
            "crm" => Some(SyncPriority::Local),
            _ => None,
        };
        owners.update(|list| {
            list.retain(|o| o.field != field);
            if let Some(owner) = owner {
                list.push(FieldOwner { field, owner });
            }
        });
    };
    view! {
        <label class="field field-inline">
            <span>{field.label()}</span>
            <select name=format!("owner_{}", field.as_str()) prop:value=current on:change=set>
                <option value="">"The rule above"</option>
                <option value="store">"The store owns it"</option>
                <option value="crm">"Cartwise owns it"</option>
            </select>
        </label>
    }
}

#[component]
fn ReviewStep(f: Fields, check: RwSignal<Option<ConnectionCheck>>, editing: bool) -> impl IntoView {
    let settings = f.settings();
    let kind = f
        .auth_kind
        .get_untracked()
        .map(|k| k.label())
        .unwrap_or("—");
    let websites = move || {
        if f.all_websites.get_untracked() {
            return "All websites".to_string();
        }
        let names = check
            .get_untracked()
            .map(|c| c.websites)
            .unwrap_or_default();
        f.website_ids
            .get_untracked()
            .iter()
            .map(|id| {
                names
                    .iter()
                    .find(|w| w.id == *id)
                    .map(|w| w.name.clone())
                    .unwrap_or_else(|| format!("Website {id}"))
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    match settings {
        Err(e) => view! { <div class="alert alert-error">{e}</div> }.into_any(),
        Ok(s) => view! {
            <h2>"5. Review"</h2>
            <dl class="settings-list">
                <dt>"Name"</dt><dd>{s.name.clone()}</dd>
                <dt>"Store"</dt><dd>{s.store_url.clone()}{if s.verify_tls { "" } else { " (TLS not verified)" }}</dd>
                <dt>"Sign-in"</dt><dd>{kind}{(editing && f.connection(None).secrets_blank()).then_some(" · stored credentials kept")}</dd>
                <dt>"Scope"</dt><dd>{websites()}</dd>
                <dt>"History from"</dt><dd>{s.sync_start_date.map(|d| d.to_string()).unwrap_or_else(|| "The beginning".into())}</dd>
                <dt>"Interval"</dt><dd>{format!("Every {}", interval(s.sync_interval_secs))}</dd>
                <dt>"Page size"</dt><dd>{s.page_size}</dd>
                <dt>"Abandoned after"</dt><dd>{interval(s.abandon_threshold_secs)}</dd>
                <dt>"Cart lifetime"</dt><dd>{format!("{} days", s.cart_lifetime_days)}</dd>
                <dt>"Entities"</dt><dd>{s.entities.iter().map(|e| e.label()).collect::<Vec<_>>().join(", ")}</dd>
                <dt>"Two-way sync"</dt><dd>{s.two_way_summary()}</dd>
            </dl>
            <p class="muted">{if editing { "Saving applies the settings; a sync follows at once." } else { "Creating the channel starts the first (historical) sync at once; you can watch it on the channel's page." }}</p>
        }.into_any(),
    }
}
