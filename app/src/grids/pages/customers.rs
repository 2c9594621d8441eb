//! Customers › Magento Customers: the grid, and a customer's page (details, addresses, orders,
//! carts, credit memos, subscriptions) with lifetime sales explained.

use crate::actions::api::SyncRecord;
use crate::actions::timeline::{SyncRecordButton, Timeline, timeline_data, timeline_view};
use crate::auth::SessionResource;
use crate::components::guard::RequirePermission;
use crate::customer_edit::NewsletterCard;
use crate::grids::api::get_customer;
use crate::grids::grid::{GridSetup, grid};
use crate::grids::record::{self, Tab, fields, header, link, related, section, text, time, yes_no};
use domain::grid::carts::CartRow;
use domain::grid::credit_memos::CreditMemoRow;
use domain::grid::customers::CustomerRow;
use domain::grid::detail::CustomerDetail;
use domain::grid::lines::AddressRow;
use domain::grid::orders::OrderRow;
use domain::grid::subscribers::SubscriberRow;
use domain::{Entity, Permission};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CustomersPage() -> impl IntoView {
    view! {
        <Title text="Magento customers" />
        <div class="page-header">
            <h1>"Magento customers"</h1>
            <NewCustomerLink />
            <crate::lists::SaveAsList entity=domain::lists::ListEntity::Customers />
        </div>
        <RequirePermission permission=Permission::ReadData>
            {grid::<CustomerRow>(GridSetup { label: "Magento customers", ..Default::default() })}
        </RequirePermission>
    }
}

/// "New customer" for a user who may act into the store.
#[component]
fn NewCustomerLink() -> impl IntoView {
    let session = SessionResource::get().0;
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                session.await.unwrap_or_default().can(Permission::StoreActions).then(|| view! {
                    <a class="button button-primary" href="/new-customer">"New customer"</a>
                })
            })}
        </Transition>
    }
}

const TABS: &[&str] = &[
    "details",
    "addresses",
    "orders",
    "carts",
    "credit-memos",
    "subscriptions",
    "activities",
    "feedback",
    "actions",
];

#[component]
pub fn CustomerPage() -> impl IntoView {
    let id = record::use_record_id();
    let tab = record::use_tab(TABS);
    let logged = RwSignal::new(0usize);
    let activities = crate::activities::activities_data(
        domain::activities::ActivityRecord::Customer,
        id,
        move || tab.get() == "activities",
        move || logged.get(),
    );
    let feedback = crate::data::data(
        move || (id.get(), tab.get() == "feedback"),
        |(id, shown)| async move {
            if shown {
                crate::follow_ups::api::get_customer_feedback(id).await
            } else {
                Ok(Vec::new())
            }
        },
    );
    let sync = ServerAction::<SyncRecord>::new();
    let customer = crate::data::data(
        move || (id.get(), sync.version().get()),
        |(id, _)| get_customer(id),
    );
    let timeline = timeline_data(
        Entity::Customers,
        id,
        move || tab.get() == "actions",
        move || sync.version().get(),
    );
    let session = SessionResource::get().0;
    view! {
        <RequirePermission permission=Permission::ReadData>
            <Transition fallback=record::loading>
                {move || Suspend::new(async move {
                    let user = session.await.unwrap_or_default();
                    let may = Rights {
                        act: user.can(Permission::StoreActions),
                        subscriptions: user.can(Permission::ManageSubscribers),
                    };
                    let acts = crate::activities::ActivityTab {
                        data: activities.await,
                        may_log: session.await.unwrap_or_default().can(Permission::Activities),
                        logged,
                    };
                    let timeline = timeline.await;
                    let feedback = feedback.await;
                    match customer.await {
                        Ok(customer) => page(customer, tab.get(), may, sync, timeline, acts, feedback).into_any(),
                        Err(e) => record::failed(e, ("Back to customers", "/customers")),
                    }
                })}
            </Transition>
        </RequirePermission>
    }
}

/// What the signed-in user may do on a customer's page.
#[derive(Clone, Copy)]
struct Rights {
    /// Carts, orders, editing the customer (Administrator, Sales).
    act: bool,
    /// Newsletter subscriptions (Administrator, Marketing).
    subscriptions: bool,
}

fn page(
    c: CustomerDetail,
    tab: &'static str,
    may: Rights,
    sync: ServerAction<SyncRecord>,
    timeline: Timeline,
    acts: crate::activities::ActivityTab,
    feedback: Result<Vec<crate::follow_ups::api::FeedbackLine>, domain::AppError>,
) -> impl IntoView {
    let may_act = may.act;
    let path = format!("/customers/{}", c.id);
    let title = if c.name.trim().is_empty() {
        c.email.clone()
    } else {
        c.name.clone()
    };
    let badges = view! {
        {c.is_guest.then(|| view! { <span class="badge tone-neutral">"Guest"</span> })}
        {c.removed_at.is_some().then(|| view! { <span class="badge tone-danger">"Removed from the store"</span> })}
    }
    .into_any();
    // Sales and administrators build this customer's cart; a guest has no account to hold one.
    let actions = view! {
        {(may_act && !c.is_guest && c.removed_at.is_none()).then(|| view! {
            <a class="button button-primary" href=format!("/new-cart?customer={}", c.id)>"Cart for this customer"</a>
            <a class="button" href=format!("/customers/{}/edit", c.id)>"Edit"</a>
        })}
        {c.magento_id.is_some().then(|| view! { <SyncRecordButton entity=Entity::Customers id=c.id action=sync /> })}
    }
    .into_any();
    let n = &c.counts;
    let tabs = vec![
        Tab::new("details", "Details", None),
        Tab::new("addresses", "Addresses", Some(n.addresses)),
        Tab::new("orders", "Orders", Some(n.orders)),
        Tab::new("carts", "Carts", Some(n.carts)),
        Tab::new("credit-memos", "Credit memos", Some(n.credit_memos)),
        Tab::new("subscriptions", "Subscriptions", Some(n.subscriptions)),
        Tab::new("activities", "Activities", None),
        Tab::new("feedback", "Feedback", None),
        Tab::new("actions", "Store actions", None),
    ];
    let body = match tab {
        "addresses" => related::<AddressRow>("customer", c.id, tab, "Addresses").into_any(),
        "orders" => {
            related::<OrderRow>("customer", c.id, tab, "Orders of this customer").into_any()
        }
        "carts" => related::<CartRow>("customer", c.id, tab, "Carts of this customer").into_any(),
        "credit-memos" => {
            related::<CreditMemoRow>("customer", c.id, tab, "Credit memos of this customer")
                .into_any()
        }
        "subscriptions" => {
            related::<SubscriberRow>("customer", c.id, tab, "Newsletter subscriptions").into_any()
        }
        "activities" => acts.view(domain::activities::ActivityRecord::Customer(c.id)),
        "feedback" => crate::follow_ups::customer_feedback(feedback),
        "actions" => view! {
            {timeline_view(timeline, may_act)}
        }
        .into_any(),
        _ => details(&c, may.subscriptions),
    };
    view! {
        <Title text=title.clone() />
        {header(("Magento customers", "/customers"), title, badges, actions)}
        {lifetime(&c)}
        {record::tabs(&path, tabs, tab)}
        <div class="record-body">{body}</div>
    }
}

/// Lifetime sales, and what they are made of, checkable against the Orders tab.
fn lifetime(c: &CustomerDetail) -> AnyView {
    let l = &c.lifetime;
    let settling = (l.recomputed() != l.amount.amount).then(|| {
        view! {
            <p class="hint">"The orders listed add up to a different figure: the next sync brings the total up to date."</p>
        }
    });
    view! {
        <section class="card record-kpi" aria-labelledby="lifetime-sales">
            <div>
                <h2 id="lifetime-sales" class="kpi-label">"Lifetime sales"</h2>
                <p class="kpi-value">{l.amount.display()}</p>
            </div>
            <div class="kpi-explain">
                <p>{l.explanation()}</p>
                <p class="hint">"Lifetime sales are subtotal minus discount of every order that is not canceled (state or status “canceled”)."</p>
                {settling}
            </div>
        </section>
    }
    .into_any()
}

fn details(c: &CustomerDetail, may_manage_subscriptions: bool) -> AnyView {
    let person = fields(vec![
        ("Name", text(Some(c.name.clone()))),
        ("Email", c.email.clone().into_any()),
        ("Account", link(&c.account, "/accounts")),
        ("Group", text(c.group.clone())),
        ("Gender", text(c.gender.clone())),
        (
            "Date of birth",
            text(c.dob.map(domain::dates::day_month_year)),
        ),
        ("Tax/VAT number", text(c.taxvat.clone())),
        ("Subscribed to the newsletter", yes_no(c.is_subscribed)),
        ("Last order", time(&c.last_order_at)),
    ]);
    let store = fields(vec![
        ("Channel", c.channel.clone().into_any()),
        ("Website", text(c.website.clone())),
        ("Store view", text(c.store.clone())),
        ("Created in", text(c.created_in.clone())),
        (
            "Magento customer ID",
            text(c.magento_id.map(|m| m.to_string())),
        ),
        ("Guest", yes_no(Some(c.is_guest))),
        ("Email confirmed", yes_no(c.confirmed)),
        ("Created", time(&c.created_at)),
        ("Updated", time(&c.updated_at)),
        ("Removed from the store", time(&c.removed_at)),
    ]);
    view! {
        <div class="record-columns">
            {section("Customer", person)}
            {section("Store", store)}
            <NewsletterCard customer=c.id status=c.subscription read_only=c.read_only.clone()
                may_manage=may_manage_subscriptions />
        </div>
    }
    .into_any()
}
