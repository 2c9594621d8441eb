//! Customers › Accounts: the grid, and an account's page (its customers, orders, carts, credit
//! memos, lifetime sales).

use crate::components::guard::RequirePermission;
use crate::grids::api::get_account;
use crate::grids::grid::{GridSetup, grid};
use crate::grids::record::{self, Tab, fields, header, related, section, time};
use domain::Permission;
use domain::grid::Money;
use domain::grid::accounts::AccountRow;
use domain::grid::carts::CartRow;
use domain::grid::credit_memos::CreditMemoRow;
use domain::grid::customers::CustomerRow;
use domain::grid::detail::AccountDetail;
use domain::grid::orders::OrderRow;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AccountsPage() -> impl IntoView {
    view! {
        <Title text="Accounts" />
        <div class="page-header"><h1>"Accounts"</h1></div>
        <RequirePermission permission=Permission::ReadData>
            {grid::<AccountRow>(GridSetup { label: "Accounts", ..Default::default() })}
        </RequirePermission>
    }
}

const TABS: &[&str] = &[
    "details",
    "customers",
    "orders",
    "carts",
    "credit-memos",
    "activities",
];

#[component]
pub fn AccountPage() -> impl IntoView {
    let id = record::use_record_id();
    let tab = record::use_tab(TABS);
    let account = crate::data::data(move || id.get(), get_account);
    let logged = RwSignal::new(0usize);
    let activities = crate::activities::activities_data(
        domain::activities::ActivityRecord::Account,
        id,
        move || tab.get() == "activities",
        move || logged.get(),
    );
    let session = crate::auth::SessionResource::get().0;
    view! {
        <RequirePermission permission=Permission::ReadData>
            <Transition fallback=record::loading>
                {move || Suspend::new(async move {
                    let acts = crate::activities::ActivityTab {
                        data: activities.await,
                        may_log: session.await.unwrap_or_default().can(Permission::Activities),
                        logged,
                    };
                    match account.await {
                        Ok(account) => page(account, tab.get(), acts).into_any(),
                        Err(e) => record::failed(e, ("Back to accounts", "/accounts")),
                    }
                })}
            </Transition>
        </RequirePermission>
    }
}

fn page(
    a: AccountDetail,
    tab: &'static str,
    acts: crate::activities::ActivityTab,
) -> impl IntoView {
    let path = format!("/accounts/{}", a.id);
    let n = &a.counts;
    let tabs = vec![
        Tab::new("details", "Details", None),
        Tab::new("customers", "Customers", Some(n.customers)),
        Tab::new("orders", "Orders", Some(n.orders)),
        Tab::new("carts", "Carts", Some(n.carts)),
        Tab::new("credit-memos", "Credit memos", Some(n.credit_memos)),
        Tab::new("activities", "Activities", None),
    ];
    let body = match tab {
        "customers" => {
            related::<CustomerRow>("account", a.id, tab, "Customers of this account").into_any()
        }
        "orders" => related::<OrderRow>("account", a.id, tab, "Orders of this account").into_any(),
        "carts" => related::<CartRow>("account", a.id, tab, "Carts of this account").into_any(),
        "credit-memos" => {
            related::<CreditMemoRow>("account", a.id, tab, "Credit memos of this account")
                .into_any()
        }
        "activities" => acts.view(domain::activities::ActivityRecord::Account(a.id)),
        _ => {
            let list = fields(vec![
                ("Name", a.name.clone().into_any()),
                ("Email", a.email.clone().into_any()),
                ("Customers", a.customers_count.to_string().into_any()),
                ("Created", time(&a.created_at)),
            ]);
            section("Account", list).into_any()
        }
    };
    view! {
        <Title text=a.name.clone() />
        {header(("Accounts", "/accounts"), a.name.clone(), ().into_any(), ().into_any())}
        <section class="card record-kpi" aria-labelledby="account-sales">
            <div>
                <h2 id="account-sales" class="kpi-label">"Lifetime sales"</h2>
                <p class="kpi-value">{Money::list(&a.lifetime_sales)}</p>
            </div>
            <p class="kpi-explain">
                {lifetime_explanation(a.customers_count, a.lifetime_sales.len())}
            </p>
        </section>
        {record::tabs(&path, tabs, tab)}
        <div class="record-body">{body}</div>
    }
}

/// What an account's lifetime sales are made of.
fn lifetime_explanation(customers: i32, currencies: usize) -> String {
    let sum = format!(
        "The sum of the lifetime sales of its {customers} customers (subtotal minus discount of their orders that are not canceled), across every store"
    );
    if currencies > 1 {
        format!("{sum}, one amount per currency: amounts in different currencies are not added.")
    } else {
        format!("{sum}.")
    }
}
