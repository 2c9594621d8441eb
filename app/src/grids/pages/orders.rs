//! Sales › Orders: the grid, and an order's page (items, addresses, status history, credit
//! memos, its cart).

use crate::actions::api::SyncRecord;
use crate::actions::timeline::{SyncRecordButton, Timeline, timeline_data, timeline_view};
use crate::components::guard::RequirePermission;
use crate::grids::api::get_order;
use crate::grids::grid::{GridSetup, grid};
use crate::grids::record::{
    self, Tab, fields, header, link, money, related, section, text, time, yes_no,
};
use domain::grid::credit_memos::CreditMemoRow;
use domain::grid::detail::{OrderAddress, OrderDetail};
use domain::grid::lines::{HistoryRow, Item, OrderItemField};
use domain::grid::orders::{OrderRow, status_tone};
use domain::{Entity, Permission};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OrdersPage() -> impl IntoView {
    view! {
        <Title text="Orders" />
        <div class="page-header"><h1>"Orders"</h1></div>
        <RequirePermission permission=Permission::ReadData>
            {grid::<OrderRow>(GridSetup { label: "Orders", ..Default::default() })}
        </RequirePermission>
    }
}

const TABS: &[&str] = &[
    "details",
    "items",
    "addresses",
    "history",
    "credit-memos",
    "cart",
    "activities",
    "actions",
];

#[component]
pub fn OrderPage() -> impl IntoView {
    let id = record::use_record_id();
    let tab = record::use_tab(TABS);
    let logged = RwSignal::new(0usize);
    let activities = crate::activities::activities_data(
        domain::activities::ActivityRecord::Order,
        id,
        move || tab.get() == "activities",
        move || logged.get(),
    );
    let session = crate::auth::SessionResource::get().0;
    let sync = ServerAction::<SyncRecord>::new();
    let feedback = ServerAction::<crate::follow_ups::api::RecordOrderFeedback>::new();
    let timeline = timeline_data(
        Entity::Orders,
        id,
        move || tab.get() == "actions",
        move || sync.version().get(),
    );
    let order = crate::data::data(
        move || (id.get(), sync.version().get(), feedback.version().get()),
        |(id, ..)| get_order(id),
    );
    view! {
        <RequirePermission permission=Permission::ReadData>
            <Transition fallback=record::loading>
                {move || Suspend::new(async move {
                    let acts = crate::activities::ActivityTab {
                        data: activities.await,
                        may_log: session.await.unwrap_or_default().can(Permission::Activities),
                        logged,
                    };
                    let timeline = timeline.await;
                    match order.await {
                        Ok(order) => page(order, tab.get(), (sync, feedback), timeline, acts).into_any(),
                        Err(e) => record::failed(e, ("Back to orders", "/orders")),
                    }
                })}
            </Transition>
        </RequirePermission>
    }
}

fn page(
    o: OrderDetail,
    tab: &'static str,
    (sync, feedback): (
        ServerAction<SyncRecord>,
        ServerAction<crate::follow_ups::api::RecordOrderFeedback>,
    ),
    timeline: Timeline,
    acts: crate::activities::ActivityTab,
) -> impl IntoView {
    let may_follow_up = acts.may_log;
    let path = format!("/orders/{}", o.id);
    let title = format!(
        "Order {}",
        o.increment_id
            .clone()
            .unwrap_or_else(|| format!("#{}", o.magento_id))
    );
    let tone = status_tone(o.state.as_deref(), o.status.as_deref());
    let badges = view! {
        {o.status.clone().map(|s| view! { <span class=format!("badge tone-{}", tone.as_str())>{s}</span> })}
        {o.is_guest.then(|| view! { <span class="badge tone-neutral">"Guest"</span> })}
    }
    .into_any();
    let tabs = vec![
        Tab::new("details", "Details", None),
        Tab::new("items", "Items", Some(o.items)),
        Tab::new("addresses", "Addresses", Some(o.addresses.len() as i64)),
        Tab::new("history", "Status history", Some(o.history)),
        Tab::new("credit-memos", "Credit memos", Some(o.credit_memos)),
        Tab::new("cart", "Cart", Some(i64::from(o.cart.is_some()))),
        Tab::new("activities", "Activities", None),
        Tab::new("actions", "Store actions", None),
    ];
    let body = match tab {
        "items" => {
            related::<Item<OrderItemField>>("order", o.id, tab, "Items of this order").into_any()
        }
        "addresses" => addresses(&o.addresses),
        "history" => related::<HistoryRow>("order", o.id, tab, "Status history").into_any(),
        "credit-memos" => {
            related::<CreditMemoRow>("order", o.id, tab, "Credit memos of this order").into_any()
        }
        "cart" => {
            let body = match &o.cart {
                Some(cart) => view! {
                    <p>"This order was placed from " <a href=format!("/carts/{}", cart.id)>{cart.label.clone()}</a> "."</p>
                }
                .into_any(),
                None => view! { <p class="muted">"The cart this order was placed from was not synced (or the store purged it)."</p> }.into_any(),
            };
            section("Its cart", body).into_any()
        }
        "activities" => acts.view(domain::activities::ActivityRecord::Order(o.id)),
        "actions" => timeline_view(timeline, false),
        _ => view! {
            {details(&o)}
            {crate::follow_ups::order_follow_up(&o, may_follow_up, feedback)}
        }
        .into_any(),
    };
    view! {
        <Title text=title.clone() />
        {header(("Orders", "/orders"), title, badges, view! { <SyncRecordButton entity=Entity::Orders id=o.id action=sync /> }.into_any())}
        {record::tabs(&path, tabs, tab)}
        <div class="record-body">{body}</div>
    }
}

fn details(o: &OrderDetail) -> AnyView {
    let t = &o.totals;
    let sales_note = if o.is_canceled {
        "Canceled: not counted in lifetime sales or revenue."
    } else {
        "Counts toward the customer's lifetime sales: subtotal minus discount."
    };
    let order = fields(vec![
        ("State", text(o.state.clone())),
        ("Status", text(o.status.clone())),
        ("Customer", link(&o.customer, "/customers")),
        ("Account", link(&o.account, "/accounts")),
        ("Email", text(o.email.clone())),
        ("Name", text(o.name.clone())),
        ("Guest", yes_no(Some(o.is_guest))),
        ("Cart", link(&o.cart, "/carts")),
        ("Payment method", text(o.payment_method.clone())),
        (
            "Shipping",
            text(o.shipping_description.clone().or(o.shipping_method.clone())),
        ),
        ("Coupon", text(o.coupon.clone())),
        ("Created", time(&o.created_at)),
        ("Updated", time(&o.updated_at)),
    ]);
    let totals = fields(vec![
        ("Subtotal", money(&t.subtotal)),
        ("Discount", money(&t.discount)),
        ("Shipping", money(&t.shipping)),
        ("Tax", money(&t.tax)),
        ("Grand total", money(&t.grand_total)),
        ("Paid", money(&t.paid)),
        ("Invoiced", money(&t.invoiced)),
        ("Refunded", money(&t.refunded)),
        ("Canceled", money(&t.canceled)),
        ("Due", money(&t.due)),
    ]);
    let store = fields(vec![
        ("Channel", o.channel.clone().into_any()),
        ("Website", text(o.website.clone())),
        ("Store view", text(o.store.clone())),
        ("Magento order ID", o.magento_id.to_string().into_any()),
    ]);
    view! {
        <div class="record-columns">
            {section("Order", order)}
            <div>
                <section class="card record-section">
                    <h2>"Totals"</h2>
                    {totals}
                    <p class="hint">{sales_note}</p>
                </section>
                {section("Store", store)}
            </div>
        </div>
    }
    .into_any()
}

fn addresses(list: &[OrderAddress]) -> AnyView {
    if list.is_empty() {
        return section(
            "Addresses",
            view! { <p class="muted">"This order has no address (a virtual order)."</p> },
        )
        .into_any();
    }
    let cards = list
        .iter()
        .map(|a| {
            let title = if a.kind == "billing" { "Billing address" } else if a.kind == "shipping" { "Shipping address" } else { "Address" };
            let lines: Vec<String> = [a.name.clone(), a.company.clone()]
                .into_iter()
                .flatten()
                .chain(a.street.iter().cloned())
                .chain([[a.postcode.clone(), a.city.clone()].into_iter().flatten().collect::<Vec<_>>().join(" ")])
                .chain([a.region.clone(), a.country.clone()].into_iter().flatten())
                .filter(|l| !l.trim().is_empty())
                .collect();
            view! {
                <section class="card record-section">
                    <h2>{title}</h2>
                    <address class="record-address">
                        {lines.into_iter().map(|l| view! { <span>{l}</span> }).collect_view()}
                    </address>
                    {fields(vec![("Telephone", text(a.telephone.clone())), ("Email", text(a.email.clone()))])}
                </section>
            }
        })
        .collect_view();
    view! { <div class="record-columns">{cards}</div> }.into_any()
}
