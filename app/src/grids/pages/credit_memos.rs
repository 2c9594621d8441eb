//! Sales › Credit Memos: the grid, and a credit memo's page (items, its order).

use crate::actions::api::SyncRecord;
use crate::actions::timeline::{SyncRecordButton, Timeline, timeline_data, timeline_view};
use crate::components::guard::RequirePermission;
use crate::grids::api::get_credit_memo;
use crate::grids::grid::{GridSetup, grid};
use crate::grids::record::{self, Tab, fields, header, link, money, related, section, time};
use domain::grid::credit_memos::{CreditMemoRow, state_label};
use domain::grid::detail::CreditMemoDetail;
use domain::grid::lines::{CreditMemoItemField, Item};
use domain::{Entity, Permission};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CreditMemosPage() -> impl IntoView {
    view! {
        <Title text="Credit memos" />
        <div class="page-header"><h1>"Credit memos"</h1></div>
        <RequirePermission permission=Permission::ReadData>
            {grid::<CreditMemoRow>(GridSetup { label: "Credit memos", ..Default::default() })}
        </RequirePermission>
    }
}

const TABS: &[&str] = &["details", "items", "order", "actions"];

#[component]
pub fn CreditMemoPage() -> impl IntoView {
    let id = record::use_record_id();
    let tab = record::use_tab(TABS);
    let sync = ServerAction::<SyncRecord>::new();
    let timeline = timeline_data(
        Entity::CreditMemos,
        id,
        move || tab.get() == "actions",
        move || sync.version().get(),
    );
    let memo = crate::data::data(
        move || (id.get(), sync.version().get()),
        |(id, _)| get_credit_memo(id),
    );
    view! {
        <RequirePermission permission=Permission::ReadData>
            <Transition fallback=record::loading>
                {move || Suspend::new(async move {
                    let timeline = timeline.await;
                    match memo.await {
                        Ok(memo) => page(memo, tab.get(), sync, timeline).into_any(),
                        Err(e) => record::failed(e, ("Back to credit memos", "/credit-memos")),
                    }
                })}
            </Transition>
        </RequirePermission>
    }
}

fn page(
    m: CreditMemoDetail,
    tab: &'static str,
    sync: ServerAction<SyncRecord>,
    timeline: Timeline,
) -> impl IntoView {
    let path = format!("/credit-memos/{}", m.id);
    let title = format!(
        "Credit memo {}",
        m.increment_id
            .clone()
            .unwrap_or_else(|| format!("#{}", m.magento_id))
    );
    let badges =
        view! { <span class="badge tone-neutral">{state_label(m.state)}</span> }.into_any();
    let tabs = vec![
        Tab::new("details", "Details", None),
        Tab::new("items", "Items", Some(m.items)),
        Tab::new("order", "Order", Some(i64::from(m.order.is_some()))),
        Tab::new("actions", "Store actions", None),
    ];
    let body = match tab {
        "items" => related::<Item<CreditMemoItemField>>("credit_memo", m.id, tab, "Refunded items")
            .into_any(),
        "actions" => timeline_view(timeline, false),
        "order" => {
            let body = match &m.order {
                Some(order) => view! {
                    <p>
                        "This credit memo refunds order " <a href=format!("/orders/{}", order.id)>{order.label.clone()}</a>
                        {m.customer.clone().map(|c| view! { ", placed by " <a href=format!("/customers/{}", c.id)>{c.label}</a> })}
                        "."
                    </p>
                }
                .into_any(),
                None => view! { <p class="muted">"Its order was not synced."</p> }.into_any(),
            };
            section("Its order", body).into_any()
        }
        _ => {
            let memo = fields(vec![
                ("State", state_label(m.state).into_any()),
                ("Order", link(&m.order, "/orders")),
                ("Order date", time(&m.order_date)),
                ("Customer", link(&m.customer, "/customers")),
                ("Account", link(&m.account, "/accounts")),
                ("Channel", m.channel.clone().into_any()),
                ("Created", time(&m.created_at)),
                ("Updated", time(&m.updated_at)),
            ]);
            let totals = fields(vec![
                ("Subtotal", money(&m.subtotal)),
                ("Shipping", money(&m.shipping)),
                ("Adjustment refund", money(&m.adjustment_positive)),
                ("Adjustment fee", money(&m.adjustment_negative)),
                ("Adjustment", money(&m.adjustment)),
                ("Tax", money(&m.tax)),
                ("Discount", money(&m.discount)),
                ("Grand total", money(&m.grand_total)),
            ]);
            view! {
                <div class="record-columns">
                    {section("Credit memo", memo)}
                    {section("Totals", totals)}
                </div>
            }
            .into_any()
        }
    };
    view! {
        <Title text=title.clone() />
        {header(("Credit memos", "/credit-memos"), title, badges, view! { <SyncRecordButton entity=Entity::CreditMemos id=m.id action=sync /> }.into_any())}
        {record::tabs(&path, tabs, tab)}
        <div class="record-body">{body}</div>
    }
}
