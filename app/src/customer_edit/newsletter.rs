//! The newsletter card of a customer's page: the status the store holds, and for a user who
//! manages subscriptions, the one change Magento allows from it (Subscribed → Unsubscribed, or
//! subscribe). Magento e-mails the shopper on every change; the card says so before.
//!
//! It takes the status from the page's own data (no resource of its own: a resource created
//! inside the page's suspended view may be numbered differently by the server and the browser,
//! and the page then fails to hydrate), and shows the store's answer after a change.

use super::api::set_subscription;
use crate::components::error::ErrorMessage;
use domain::actions::{ActionResult, ActionState, subscription_label};
use leptos::prelude::*;

#[component]
pub fn NewsletterCard(
    /// The CRM customer, or…
    #[prop(optional)]
    customer: Option<i64>,
    /// …the CRM subscriber (a guest's subscription goes through the companion module's route).
    #[prop(optional)]
    subscriber: Option<i64>,
    /// The status the page was loaded with.
    status: Option<i16>,
    /// Why the store's customer cannot be changed from here, if so.
    read_only: Option<String>,
    may_manage: bool,
) -> impl IntoView {
    let change =
        Action::new(move |subscribe: &bool| set_subscription(customer, subscriber, *subscribe));
    // The status now: the store's answer to the last change, else the page's.
    let current = move || match change.value().get() {
        Some(Ok(a)) => match a.result {
            Some(ActionResult::Subscription { status, .. }) => status,
            _ => status,
        },
        _ => status,
    };
    let answer = move || {
        change.value().get().map(|r| match r {
            Ok(a) => {
                let tone = if a.state == ActionState::Done {
                    "alert-info"
                } else {
                    "alert-error"
                };
                view! { <p class=format!("alert {tone}") role="status">{a.summary()}</p> }
                    .into_any()
            }
            Err(error) => view! { <ErrorMessage error /> }.into_any(),
        })
    };
    let controls = match (read_only, may_manage) {
        (_, false) => ().into_any(),
        (Some(why), true) => view! { <p class="muted">{why}</p> }.into_any(),
        (None, true) => view! {
            <p class="hint">"The store e-mails the shopper about the change (a confirmation request when the store asks subscribers to confirm)."</p>
            <button type="button" class="button" disabled=move || change.pending().get()
                on:click=move |_| { change.dispatch(current() != Some(1)); }>
                {move || if change.pending().get() { "Sending to the store…" } else if current() == Some(1) { "Unsubscribe" } else { "Subscribe" }}
            </button>
        }
        .into_any(),
    };
    view! {
        <section class="card record-section newsletter-card" aria-labelledby="newsletter">
            <h2 id="newsletter">"Newsletter"</h2>
            <p>"Status: "<strong class="newsletter-status">{move || subscription_label(current())}</strong></p>
            {controls}
            {answer}
        </section>
    }
}
