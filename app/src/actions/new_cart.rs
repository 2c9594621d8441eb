//! "New cart" (`/new-cart?customer=ID`): asks the store for a customer's cart (Magento hands
//! back the shopper's live cart if there is one) or opens a guest cart for an email, then goes
//! on to the cart builder.

use super::api::{
    NewCartSetup, load_new_cart, open_cart_for_email, open_customer_cart, open_guest_cart,
};
use crate::components::error::ErrorMessage;
use crate::components::guard::RequirePermission;
use domain::actions::{ActionResult, ActionView};
use domain::{AppError, Permission};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn NewCartPage() -> impl IntoView {
    let query = use_query_map();
    let customer = Memo::new(move |_| {
        query
            .with(|q| q.get("customer"))
            .and_then(|c| c.parse::<i64>().ok())
    });
    let setup = crate::data::data(move || customer.get(), load_new_cart);
    view! {
        <Title text="New cart" />
        <div class="page-header"><h1>"Cart for a customer"</h1></div>
        <RequirePermission permission=Permission::StoreActions>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match setup.await {
                        Ok(setup) => form(setup).into_any(),
                        Err(error) => view! { <ErrorMessage error /> }.into_any(),
                    }
                })}
            </Transition>
        </RequirePermission>
    }
}

fn form(setup: NewCartSetup) -> impl IntoView {
    let opened = RwSignal::new(None::<Result<ActionView, AppError>>);
    let busy = RwSignal::new(false);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(a)) = opened.get()
            && let Some(ActionResult::CartOpened {
                crm_cart_id: Some(cart),
                ..
            }) = a.result
        {
            navigate(&format!("/carts/{cart}/build"), Default::default());
        }
    });
    let run = move |call: std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<ActionView, AppError>>>,
    >| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = call.await;
            busy.set(false);
            opened.set(Some(result));
        });
    };
    let answer = move || {
        opened.get().map(|r| match r {
            Ok(a) if a.result.is_some() => {
                view! { <p class="alert alert-info" role="status">{a.summary()}</p> }.into_any()
            }
            Ok(a) => {
                view! { <div class="alert alert-error" role="alert">{a.summary()}</div> }.into_any()
            }
            Err(error) => view! { <ErrorMessage error /> }.into_any(),
        })
    };
    let for_customer = setup.customer.clone().map(|c| {
        let id = c.id;
        view! {
            <section class="card record-section">
                <h2>{c.label.clone()}</h2>
                <p class="muted">{format!("{} · {}", c.email, c.channel)}</p>
                {if c.is_guest {
                    view! { <p>"This customer is a guest (known from guest orders): the store has no account to hold a cart. Open a guest cart with their email below."</p> }.into_any()
                } else {
                    view! {
                        <p>"Cartwise asks the store for this customer's cart. If the shopper has a live cart, Magento hands back that one: it is the cart the shopper sees, with what they already put in it."</p>
                        <button type="button" class="button button-primary" disabled=move || busy.get()
                            on:click=move |_| run(Box::pin(open_customer_cart(id)))>
                            {move || if busy.get() { "Asking the store…" } else { "Open this customer's cart" }}
                        </button>
                    }.into_any()
                }}
            </section>
        }
    });
    let channels = StoredValue::new(setup.channels.clone());
    let channel = RwSignal::new(setup.channels.first().map(|c| c.id).unwrap_or_default());
    let store_view = RwSignal::new(None::<i64>);
    let customer_email = RwSignal::new(String::new());
    let email = RwSignal::new(
        setup
            .customer
            .as_ref()
            .filter(|c| c.is_guest)
            .map(|c| c.email.clone())
            .unwrap_or_default(),
    );
    let views = move || {
        channels.with_value(|list| {
            list.iter()
                .find(|c| c.id == channel.get())
                .map(|c| c.store_views.clone())
                .unwrap_or_default()
        })
    };
    let by_email = setup.customer.is_none().then(|| view! {
        <section class="card record-section">
            <h2>"Registered customer"</h2>
            <p class="muted">"The cart of the customer with this email (their live cart if they have one)."</p>
            <div class="field-grid">
                <label class="field">
                    <span>"Channel"</span>
                    <select name="channel" on:change=move |ev| channel.set(event_target_value(&ev).parse().unwrap_or_default())>
                        {setup.channels.iter().map(|c| view! { <option value=c.id.to_string()>{c.name.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>"Customer's email"</span>
                    <input name="customer_email" type="email" prop:value=move || customer_email.get()
                        on:input=move |ev| customer_email.set(event_target_value(&ev)) />
                </label>
            </div>
            <button type="button" class="button button-primary" disabled=move || busy.get()
                on:click=move |_| run(Box::pin(open_cart_for_email(channel.get_untracked(), customer_email.get_untracked())))>
                "Open the customer's cart"
            </button>
        </section>
    });
    let guest = view! {
        <section class="card record-section">
            <h2>"Guest cart"</h2>
            <p class="muted">"A cart without an account, for a shopper who orders as a guest. The email goes on the order's addresses."</p>
            <div class="field-grid">
                <label class="field">
                    <span>"Channel"</span>
                    <select name="channel" on:change=move |ev| { channel.set(event_target_value(&ev).parse().unwrap_or_default()); store_view.set(None); }>
                        {setup.channels.iter().map(|c| view! { <option value=c.id.to_string()>{c.name.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>"Store view"</span>
                    <select name="store_view" on:change=move |ev| store_view.set(event_target_value(&ev).parse().ok())>
                        {move || views().into_iter().map(|(id, label)| view! { <option value=id.to_string()>{label}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>"Shopper's email"</span>
                    <input name="email" type="email" prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
                </label>
            </div>
            <button type="button" class="button" disabled=move || busy.get()
                on:click=move |_| {
                    let view = store_view.get_untracked().or_else(|| views().first().map(|(id, _)| *id));
                    run(Box::pin(open_guest_cart(channel.get_untracked(), email.get_untracked(), view)));
                }>
                "Open a guest cart"
            </button>
        </section>
    };
    view! {
        {answer}
        {for_customer}
        {by_email}
        {guest}
    }
}
