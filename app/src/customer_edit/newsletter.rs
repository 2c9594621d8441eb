//! The newsletter card of a customer's page: the status the store holds, and for a user who
//! manages subscriptions, the one change Magento allows from it (Subscribed → Unsubscribed, or
//! subscribe). Magento e-mails the shopper on every change; the card says so before.

use super::api::{get_customer_form, set_subscription};
use crate::components::error::ErrorMessage;
use domain::actions::{ActionState, subscription_label};
use leptos::prelude::*;

#[component]
pub fn NewsletterCard(customer: i64, may_manage: bool) -> impl IntoView {
    let change =
        Action::new(move |subscribe: &bool| set_subscription(Some(customer), None, *subscribe));
    let form = crate::data::data(
        move || change.version().get(),
        move |_| get_customer_form(customer),
    );
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
    view! {
        <section class="card record-section newsletter-card" aria-labelledby="newsletter">
            <h2 id="newsletter">"Newsletter"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match form.await {
                        Ok(f) => {
                            let status = f.subscription;
                            let subscribed = status == Some(1);
                            let buttons = match (&f.read_only, may_manage) {
                                (_, false) => None,
                                (Some(why), true) => Some(view! { <p class="muted">{why.clone()}</p> }.into_any()),
                                (None, true) => Some(view! {
                                    <p class="hint">"The store e-mails the shopper about the change (a confirmation request when the store asks subscribers to confirm)."</p>
                                    <button type="button" class="button" disabled=move || change.pending().get()
                                        on:click=move |_| { change.dispatch(!subscribed); }>
                                        {move || if change.pending().get() { "Sending to the store…" } else if subscribed { "Unsubscribe" } else { "Subscribe" }}
                                    </button>
                                }.into_any()),
                            };
                            view! {
                                <p>"Status: "<strong class="newsletter-status">{subscription_label(status)}</strong></p>
                                {buttons}
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorMessage error /> }.into_any(),
                    }
                })}
            </Transition>
            {answer}
        </section>
    }
}
