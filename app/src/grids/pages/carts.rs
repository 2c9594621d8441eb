//! Sales › Shopping Carts: the grid, and a cart's page (items incl. removed, its order), where
//! Sales may mark a cart lost or reopen it.

use crate::actions::api::SyncRecord;
use crate::actions::timeline::{SyncRecordButton, Timeline, timeline_data, timeline_view};
use crate::auth::SessionResource;
use crate::components::error::ErrorMessage;
use crate::components::guard::RequirePermission;
use crate::grids::api::{MarkCartLost, ReopenCart, get_cart};
use crate::grids::grid::{GridSetup, grid};
use crate::grids::record::{
    self, Tab, fields, header, link, money, related, section, text, time, yes_no,
};
use domain::grid::carts::{CartRow, status_tone};
use domain::grid::detail::CartDetail;
use domain::grid::lines::{CartItemField, Item};
use domain::{CartStatus, Entity, Permission};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CartsPage() -> impl IntoView {
    view! {
        <Title text="Shopping carts" />
        <div class="page-header">
            <h1>"Shopping carts"</h1>
            <NewCartLink />
            <crate::lists::SaveAsList entity=domain::lists::ListEntity::Carts />
        </div>
        <RequirePermission permission=Permission::ReadData>
            {grid::<CartRow>(GridSetup { label: "Shopping carts", ..Default::default() })}
        </RequirePermission>
    }
}

/// "New cart", for those who may act into the store.
#[component]
fn NewCartLink() -> impl IntoView {
    let session = SessionResource::get().0;
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                session.await.unwrap_or_default().can(Permission::StoreActions).then(|| view! {
                    <a class="button button-primary" href="/new-cart">"New cart"</a>
                })
            })}
        </Suspense>
    }
}

const TABS: &[&str] = &[
    "details",
    "follow-up",
    "items",
    "order",
    "activities",
    "actions",
];

#[component]
pub fn CartPage() -> impl IntoView {
    let id = record::use_record_id();
    let tab = record::use_tab(TABS);
    let logged = RwSignal::new(0usize);
    let activities = crate::activities::activities_data(
        domain::activities::ActivityRecord::Cart,
        id,
        move || tab.get() == "activities",
        move || logged.get(),
    );
    let mark_lost = ServerAction::<MarkCartLost>::new();
    let reopen = ServerAction::<ReopenCart>::new();
    let sync = ServerAction::<SyncRecord>::new();
    let follow_up = ServerAction::<crate::follow_ups::api::FollowUpCart>::new();
    let email = ServerAction::<crate::email::api::SendCartEmail>::new();
    // The cart reloads after a follow-up step that succeeded, not after a refusal: a refused
    // form (a past date, no outcome) must keep what the rep typed.
    let follow_ups_done = RwSignal::new(0usize);
    Effect::new(move |_| {
        if follow_up.value().with(|v| matches!(v, Some(Ok(_)))) {
            follow_ups_done.update(|n| *n += 1);
        }
    });
    let timeline = timeline_data(
        Entity::Carts,
        id,
        move || tab.get() == "actions",
        move || sync.version().get(),
    );
    let cart = crate::data::data(
        move || {
            (
                id.get(),
                mark_lost.version().get(),
                reopen.version().get(),
                sync.version().get(),
                follow_ups_done.get(),
                email.version().get(),
            )
        },
        |(id, ..)| get_cart(id),
    );
    let session = SessionResource::get().0;
    view! {
        <RequirePermission permission=Permission::ReadData>
            <Transition fallback=record::loading>
                {move || Suspend::new(async move {
                    let info = session.await.unwrap_or_default();
                    let may_act = info.can(Permission::StoreActions);
                    let acts = crate::activities::ActivityTab {
                        data: activities.await,
                        may_log: info.can(Permission::Activities),
                        logged,
                    };
                    let me = info.user.as_ref().map(|u| u.id).unwrap_or_default();
                    let timeline = timeline.await;
                    match cart.await {
                        Ok(cart) => {
                            // "Send email" exists only where the installation sends email.
                            let email = info.sends_email.then_some(email);
                            page(cart, tab.get(), may_act, CartButtons { mark_lost, reopen, sync, follow_up, email, me }, timeline, acts).into_any()
                        }
                        Err(e) => record::failed(e, ("Back to shopping carts", "/carts")),
                    }
                })}
            </Transition>
        </RequirePermission>
    }
}

/// The cart page's buttons' server actions.
#[derive(Clone, Copy)]
struct CartButtons {
    mark_lost: ServerAction<MarkCartLost>,
    reopen: ServerAction<ReopenCart>,
    sync: ServerAction<SyncRecord>,
    follow_up: ServerAction<crate::follow_ups::api::FollowUpCart>,
    email: Option<ServerAction<crate::email::api::SendCartEmail>>,
    /// The signed-in user.
    me: i64,
}

fn page(
    cart: CartDetail,
    tab: &'static str,
    may_act: bool,
    buttons: CartButtons,
    timeline: Timeline,
    acts: crate::activities::ActivityTab,
) -> impl IntoView {
    let CartButtons {
        mark_lost,
        reopen,
        sync,
        follow_up,
        email,
        me,
    } = buttons;
    let may_follow_up = acts.may_log;
    let path = format!("/carts/{}", cart.id);
    let title = format!("Cart {}", cart.magento_id);
    let badges = view! {
        <span class=format!("badge tone-{}", status_tone(cart.status).as_str())>{cart.status.label()}</span>
        {cart.abandoned.then(|| view! { <span class="badge tone-warning">"Abandoned"</span> })}
        {cart.follow_up.as_ref().map(|f| view! { <span class="badge tone-neutral">{format!("Follow-up: {}", f.step.label())}</span> })}
    }
    .into_any();
    let build = (may_act && cart.is_active && cart.order.is_none()).then(|| {
        view! { <a class="button button-primary" href=format!("/carts/{}/build", cart.id)>"Build and check out"</a> }
    });
    let store_actions = if may_act {
        actions(&cart, mark_lost, reopen).into_any()
    } else {
        ().into_any()
    };
    let actions = view! {
        {build}
        {store_actions}
        <SyncRecordButton entity=Entity::Carts id=cart.id action=sync />
    }
    .into_any();
    let tabs = vec![
        Tab::new("details", "Details", None),
        Tab::new("follow-up", "Follow-up", None),
        Tab::new("items", "Items", Some(cart.items + cart.removed_items)),
        Tab::new("order", "Order", Some(i64::from(cart.order.is_some()))),
        Tab::new("activities", "Activities", None),
        Tab::new("actions", "Store actions", None),
    ];
    let body = match tab {
        "items" => related::<Item<CartItemField>>("cart", cart.id, "items", "Items in this cart")
            .into_any(),
        "order" => order_tab(&cart).into_any(),
        "follow-up" => crate::follow_ups::follow_up_tab(&cart, may_follow_up, me, follow_up, email),
        "activities" => acts.view(domain::activities::ActivityRecord::Cart(cart.id)),
        "actions" => timeline_view(timeline, may_act),
        _ => details(&cart).into_any(),
    };
    let action_error = move || {
        [
            mark_lost.value().get().and_then(Result::err),
            reopen.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
        .map(|error| view! { <ErrorMessage error /> })
    };
    view! {
        <Title text=title.clone() />
        {header(("Shopping carts", "/carts"), title, badges, actions)}
        {action_error}
        {record::tabs(&path, tabs, tab)}
        <div class="record-body">{body}</div>
    }
}

/// Mark lost / reopen, as the status allows (Sales and Administrators only).
fn actions(
    cart: &CartDetail,
    mark_lost: ServerAction<MarkCartLost>,
    reopen: ServerAction<ReopenCart>,
) -> AnyView {
    let id = cart.id.to_string();
    let id2 = id.clone();
    view! {
        {cart.can_mark_lost().then(|| view! {
            <ActionForm action=mark_lost attr:class="inline-form">
                <input type="hidden" name="id" value=id.clone() />
                <button type="submit" class="button button-danger">"Mark lost"</button>
            </ActionForm>
        })}
        {cart.can_reopen().then(|| view! {
            <ActionForm action=reopen attr:class="inline-form">
                <input type="hidden" name="id" value=id2.clone() />
                <button type="submit" class="button">"Reopen"</button>
            </ActionForm>
        })}
    }
    .into_any()
}

fn details(cart: &CartDetail) -> AnyView {
    let abandoned = if cart.abandoned {
        "Yes: open, with items and a contact email, and not updated within the channel's abandonment threshold.".to_string()
    } else if cart.status == CartStatus::Open {
        match &cart.abandon_at {
            Some(at) => format!(
                "Not yet: it counts as abandoned from {} if nothing changes.",
                at.display()
            ),
            None => "No: it has no items or no contact email.".to_string(),
        }
    } else {
        format!(
            "No: only open carts can be abandoned; this one is {}.",
            cart.status.label().to_lowercase()
        )
    };
    let store = fields(vec![
        ("Channel", cart.channel.clone().into_any()),
        ("Website", text(cart.website.clone())),
        ("Store view", text(cart.store.clone())),
        (
            "Cart ID (Magento quote)",
            cart.magento_id.to_string().into_any(),
        ),
        ("Active in the store", yes_no(Some(cart.is_active))),
        ("Left the store", time(&cart.left_store_at)),
    ]);
    let contact = fields(vec![
        ("Customer", link(&cart.customer, "/customers")),
        ("Account", link(&cart.account, "/accounts")),
        ("Email", text(cart.email.clone())),
        ("Name on the cart", text(cart.name.clone())),
        ("Guest", yes_no(Some(cart.is_guest))),
        ("Billing country", text(cart.billing_country.clone())),
    ]);
    let content = fields(vec![
        ("Status", view! { {cart.status.label()} <span class="muted">{cart.status_changed_at.as_ref().map(|t| format!(" since {}", t.display()))}</span> }.into_any()),
        ("Abandoned", abandoned.into_any()),
        ("Items", format!("{} ({} removed in the store)", cart.items, cart.removed_items).into_any()),
        ("Items quantity", domain::grid::format_qty(cart.items_qty).into_any()),
        ("Subtotal", money(&cart.subtotal)),
        ("Grand total", money(&cart.grand_total)),
        ("Checkout reached", yes_no(Some(cart.has_billing_address))),
        ("Reserved order #", text(cart.reserved_order_id.clone())),
        ("Order", link(&cart.order, "/orders")),
        ("Created", time(&cart.created_at)),
        ("Updated", time(&cart.updated_at)),
        ("Converted", time(&cart.converted_at)),
    ]);
    view! {
        <div class="record-columns">
            {section("Cart", content)}
            <div>
                {section("Customer", contact)}
                {section("Store", store)}
            </div>
        </div>
    }
    .into_any()
}

fn order_tab(cart: &CartDetail) -> AnyView {
    let body = match &cart.order {
        Some(order) => view! {
            <p>"This cart was purchased: it became order " <a href=format!("/orders/{}", order.id)>{order.label.clone()}</a> "."</p>
        }
        .into_any(),
        None => view! { <p class="muted">"No order was placed from this cart."</p> }.into_any(),
    };
    section("Its order", body).into_any()
}
