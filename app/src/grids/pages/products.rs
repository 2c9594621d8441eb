//! Sales › Products: the synced catalog, and a product's page (its options, and the orders
//! and carts that hold it).

use crate::actions::api::SyncRecord;
use crate::actions::timeline::{SyncRecordButton, Timeline, timeline_data, timeline_view};
use crate::components::guard::RequirePermission;
use crate::grids::api::get_product;
use crate::grids::grid::{GridSetup, grid};
use crate::grids::record::{self, Tab, fields, header, related_by, section, text, time, yes_no};
use domain::grid::carts::CartRow;
use domain::grid::detail::ProductDetail;
use domain::grid::orders::OrderRow;
use domain::grid::products::{ProductRow, status_label, type_label, visibility_label};
use domain::{Entity, Permission};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ProductsPage() -> impl IntoView {
    view! {
        <Title text="Products" />
        <div class="page-header"><h1>"Products"</h1></div>
        <RequirePermission permission=Permission::ReadData>
            {grid::<ProductRow>(GridSetup { label: "Products", ..Default::default() })}
        </RequirePermission>
    }
}

const TABS: &[&str] = &["details", "orders", "carts", "actions"];

#[component]
pub fn ProductPage() -> impl IntoView {
    let id = record::use_record_id();
    let tab = record::use_tab(TABS);
    let sync = ServerAction::<SyncRecord>::new();
    let timeline = timeline_data(
        Entity::Products,
        id,
        move || tab.get() == "actions",
        move || sync.version().get(),
    );
    let product = crate::data::data(
        move || (id.get(), sync.version().get()),
        |(id, _)| get_product(id),
    );
    view! {
        <RequirePermission permission=Permission::ReadData>
            <Transition fallback=record::loading>
                {move || Suspend::new(async move {
                    let timeline = timeline.await;
                    match product.await {
                        Ok(p) => page(p, tab.get(), sync, timeline).into_any(),
                        Err(e) => record::failed(e, ("Back to products", "/products")),
                    }
                })}
            </Transition>
        </RequirePermission>
    }
}

fn page(
    p: ProductDetail,
    tab: &'static str,
    sync: ServerAction<SyncRecord>,
    timeline: Timeline,
) -> impl IntoView {
    let path = format!("/products/{}", p.id);
    let title = p.name.clone().unwrap_or_else(|| p.sku.clone());
    let badges = view! {
        <span class=format!("badge tone-{}", if p.status == Some(1) { "success" } else { "neutral" })>{status_label(p.status)}</span>
        {p.removed_at.is_some().then(|| view! { <span class="badge tone-danger">"Removed from the store"</span> })}
    }
    .into_any();
    let actions =
        view! { <SyncRecordButton entity=Entity::Products id=p.id action=sync /> }.into_any();
    let tabs = vec![
        Tab::new("details", "Details", None),
        Tab::new("orders", "Orders", Some(p.orders)),
        Tab::new("carts", "Carts", Some(p.carts)),
        Tab::new("actions", "Store actions", None),
    ];
    let fixed = vec![
        ("sku_eq".to_string(), p.sku.clone()),
        ("channel".to_string(), p.channel_id.to_string()),
    ];
    let body = match tab {
        "orders" => related_by::<OrderRow>(fixed, tab, "Orders with this product").into_any(),
        "carts" => related_by::<CartRow>(fixed, tab, "Carts holding this product").into_any(),
        "actions" => timeline_view(timeline, false),
        _ => {
            let product = fields(vec![
                ("SKU", view! { <code>{p.sku.clone()}</code> }.into_any()),
                ("Name", text(p.name.clone())),
                ("Type", type_label(p.type_id.as_deref()).into_any()),
                ("Status", status_label(p.status).into_any()),
                ("Visibility", visibility_label(p.visibility).into_any()),
                (
                    "Price",
                    text(p.price.map(|d| domain::grid::format_decimal(d, 2))),
                ),
                ("Websites", text(Some(p.websites.join(", ")))),
                ("In stock", yes_no(p.in_stock)),
                (
                    "Stock quantity",
                    text(p.stock_qty.map(domain::grid::format_qty)),
                ),
                ("Channel", p.channel.clone().into_any()),
                ("Magento id", p.magento_id.to_string().into_any()),
                ("Created", time(&p.created_at)),
                ("Updated", time(&p.updated_at)),
                ("Removed from the store", time(&p.removed_at)),
            ]);
            let options = if p.options.is_empty() {
                view! { <p class="muted">"No options to choose."</p> }.into_any()
            } else {
                let list = p
                    .options
                    .iter()
                    .map(|o| {
                        let values = o.values.iter().map(|v| v.label.clone()).collect::<Vec<_>>().join(", ");
                        view! { <div class="record-field"><dt>{o.label.clone()}</dt><dd>{values}</dd></div> }
                    })
                    .collect_view();
                view! {
                    <dl class="record-fields">{list}</dl>
                    <p class="muted">{format!("{} variant(s) in the store.", p.children)}</p>
                }
                .into_any()
            };
            view! {
                <div class="record-columns">
                    {section("Product", product)}
                    {section("Options", options)}
                </div>
            }
            .into_any()
        }
    };
    view! {
        <Title text=title.clone() />
        {header(("Products", "/products"), title, badges, actions)}
        {record::tabs(&path, tabs, tab)}
        <div class="record-body">{body}</div>
    }
}
