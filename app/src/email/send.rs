//! "Send email" on a cart's follow-up: pick a template, read the email as it will go out (the
//! server fills it in), send. Shown only when the installation sends email and the cart has an
//! address; what the mail server answered stays on the page and on the timeline.

use super::api::{SendCartEmail, get_cart_email, preview_cart_email};
use crate::components::error::ErrorMessage;
use leptos::prelude::*;

#[component]
pub fn EmailShopper(cart: i64, action: ServerAction<SendCartEmail>) -> impl IntoView {
    let setup = crate::data::data(move || cart, get_cart_email);
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match setup.await {
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                    Ok(s) if !s.sending => ().into_any(),
                    Ok(s) => match s.to {
                        None => view! { <p class="muted">"This cart has no email address: there is nobody to write to."</p> }.into_any(),
                        Some(to) => view! { <Composer cart to templates=s.templates action /> }.into_any(),
                    },
                }
            })}
        </Transition>
        {move || action.value().get().map(|result| match result {
            Ok(answer) => view! {
                <p class="notice tone-success" role="status" data-email-sent="">{format!("Email sent. The mail server answered: {answer}")}</p>
            }.into_any(),
            Err(error) => view! { <ErrorMessage error /> }.into_any(),
        })}
    }
}

#[component]
fn Composer(
    cart: i64,
    to: String,
    templates: Vec<(i64, String)>,
    action: ServerAction<SendCartEmail>,
) -> impl IntoView {
    let chosen = RwSignal::new(templates.first().map(|t| t.0));
    let preview = crate::data::data(
        move || chosen.get(),
        move |template| async move {
            match template {
                Some(t) => preview_cart_email(cart, t).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let send = move |_| {
        if let Some(template) = chosen.get_untracked() {
            action.dispatch(SendCartEmail { cart, template });
        }
    };
    view! {
        <details class="send-email">
            <summary class="button">"Send email"</summary>
            <div class="send-email-form">
                <p class="hint">{format!("To {to}, through this installation's mail server. It counts as a contact.")}</p>
                <label class="field"><span>"Template"</span>
                    <select name="template" on:change=move |ev| chosen.set(event_target_value(&ev).parse().ok())>
                        {templates.iter().map(|(id, name)| view! {
                            <option value=id.to_string()>{name.clone()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <Transition fallback=|| view! { <p class="muted">"Filling in…"</p> }>
                    {move || Suspend::new(async move {
                        match preview.await {
                            Err(error) => view! { <ErrorMessage error /> }.into_any(),
                            Ok(None) => view! { <p class="muted">"No template yet: Marketing writes them under Marketing › Email templates."</p> }.into_any(),
                            Ok(Some(p)) => view! {
                                <div class="email-preview">
                                    <p><strong>"Subject: "</strong><span class="email-subject">{p.subject}</span></p>
                                    <pre class="email-body">{p.body}</pre>
                                </div>
                            }.into_any(),
                        }
                    })}
                </Transition>
                <button type="button" class="button button-primary" on:click=send
                    disabled=move || action.pending().get() || chosen.get().is_none()>
                    {move || if action.pending().get() { "Sending…" } else { "Send" }}
                </button>
            </div>
        </details>
    }
}
