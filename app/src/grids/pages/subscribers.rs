//! Marketing › Newsletter Subscribers: the grid, and a subscriber's page.

use crate::actions::api::SyncRecord;
use crate::actions::timeline::SyncRecordButton;
use crate::components::guard::RequirePermission;
use crate::customer_edit::NewsletterCard;
use crate::grids::api::get_subscriber;
use crate::grids::grid::{GridSetup, grid};
use crate::grids::record::{self, fields, header, link, section, text, time};
use domain::grid::detail::SubscriberDetail;
use domain::grid::subscribers::{SubscriberRow, status_label, status_tone};
use domain::{Entity, Permission};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SubscribersPage() -> impl IntoView {
    view! {
        <Title text="Newsletter subscribers" />
        <div class="page-header">
            <h1>"Newsletter subscribers"</h1>
            <crate::lists::SaveAsList entity=domain::lists::ListEntity::Subscribers />
        </div>
        <RequirePermission permission=Permission::ReadData>
            {grid::<SubscriberRow>(GridSetup { label: "Newsletter subscribers", ..Default::default() })}
        </RequirePermission>
    }
}

#[component]
pub fn SubscriberPage() -> impl IntoView {
    let id = record::use_record_id();
    let session = crate::auth::SessionResource::get().0;
    let sync = ServerAction::<SyncRecord>::new();
    let subscriber = crate::data::data(
        move || (id.get(), sync.version().get()),
        |(id, _)| get_subscriber(id),
    );
    view! {
        <RequirePermission permission=Permission::ReadData>
            <Transition fallback=record::loading>
                {move || Suspend::new(async move {
                    let may_manage = session.await.unwrap_or_default().can(Permission::ManageSubscribers);
                    match subscriber.await {
                        Ok(s) => page(s, sync, may_manage).into_any(),
                        Err(e) => record::failed(e, ("Back to subscribers", "/newsletter-subscribers")),
                    }
                })}
            </Transition>
        </RequirePermission>
    }
}

fn page(s: SubscriberDetail, sync: ServerAction<SyncRecord>, may_manage: bool) -> impl IntoView {
    // Subscribers read from customers' flags have no id of their own in the store.
    let sync_button = s
        .magento_id
        .map(|_| {
            view! { <SyncRecordButton entity=Entity::NewsletterSubscribers id=s.id action=sync /> }
                .into_any()
        })
        .unwrap_or_else(|| ().into_any());
    let badges = view! {
        <span class=format!("badge tone-{}", status_tone(s.status).as_str())>{status_label(s.status)}</span>
    }
    .into_any();
    let source = if s.source == "customer_flag" {
        "The customer's “subscribed” flag (the store has no subscriber API)"
    } else {
        "The store's newsletter subscribers"
    };
    let list = fields(vec![
        ("Email", s.email.clone().into_any()),
        ("Status", status_label(s.status).into_any()),
        ("Status changed", time(&s.status_changed_at)),
        (
            "Customer",
            match &s.customer {
                Some(_) => link(&s.customer, "/customers"),
                None => "Not a customer (a guest subscription)".into_any(),
            },
        ),
        ("Channel", s.channel.clone().into_any()),
        ("Website", text(s.website.clone())),
        ("Store view", text(s.store.clone())),
        (
            "Magento subscriber ID",
            text(s.magento_id.map(|m| m.to_string())),
        ),
        ("Read from", source.into_any()),
        ("Removed from the store", time(&s.removed_at)),
        ("First synced", time(&s.created_at)),
        ("Last synced", time(&s.updated_at)),
    ]);
    let id = s.id;
    // The store may refuse too (a one-way channel): the server says why when asked.
    let read_only = s
        .removed_at
        .is_some()
        .then(|| "The store no longer has this subscriber.".to_owned());
    view! {
        <Title text=s.email.clone() />
        {header(("Newsletter subscribers", "/newsletter-subscribers"), s.email.clone(), badges, sync_button)}
        <div class="record-body">
            <div class="record-columns">
                {section("Subscriber", list)}
                <NewsletterCard subscriber=id status=Some(s.status) read_only=read_only may_manage />
            </div>
        </div>
    }
}
