//! "Send email" on a cart's follow-up: pick a template, read the email as it will go out (the
//! server fills it in), send. Offered only when the installation sends email; what the mail
//! server answered stays on the page and on the timeline.
//!
//! The panel loads through actions, not resources: it sits inside the cart page's Transition,
//! and a resource created there would hold the page's reload after every follow-up step.

use super::api::{PreviewCartEmail, SendCartEmail};
use crate::components::error::ErrorMessage;
use leptos::prelude::*;

#[component]
pub fn EmailShopper(
    cart: i64,
    to: Option<String>,
    action: ServerAction<SendCartEmail>,
) -> impl IntoView {
    let sent = move || {
        action.value().get().map(|result| match result {
            Ok(answer) => view! {
                <p class="notice tone-success" role="status" data-email-sent="">{format!("Email sent. The mail server answered: {answer}")}</p>
            }
            .into_any(),
            Err(error) => view! { <ErrorMessage error /> }.into_any(),
        })
    };
    let Some(to) = to.filter(|t| !t.trim().is_empty()) else {
        return view! {
            <p class="muted">"This cart has no email address: there is nobody to write to."</p>
        }
        .into_any();
    };
    let preview = ServerAction::<PreviewCartEmail>::new();
    let opened = move |_| {
        if preview.value().with_untracked(Option::is_none) && !preview.pending().get_untracked() {
            preview.dispatch(PreviewCartEmail {
                cart,
                template: None,
            });
        }
    };
    let chosen = move || {
        preview.value().with(|v| {
            v.as_ref()
                .and_then(|r| r.as_ref().ok())
                .and_then(|c| c.template)
        })
    };
    let send = move |_| {
        if let Some(template) = chosen() {
            action.dispatch(SendCartEmail { cart, template });
        }
    };
    let composer = move || {
        preview.value().get().map(|result| match result {
            Err(error) => view! { <ErrorMessage error /> }.into_any(),
            Ok(c) => {
                let current = c.template;
                view! {
                    <label class="field"><span>"Template"</span>
                        <select name="template" on:change=move |ev| {
                            preview.dispatch(PreviewCartEmail { cart, template: event_target_value(&ev).parse().ok() });
                        }>
                            {c.templates.iter().map(|(id, name)| view! {
                                <option value=id.to_string() selected=Some(*id) == current>{name.clone()}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    {match c.preview {
                        None => view! { <p class="muted">"No template yet: Marketing writes them under Marketing › Email templates."</p> }.into_any(),
                        Some(p) => view! {
                            <div class="email-preview">
                                <p><strong>"Subject: "</strong><span class="email-subject">{p.subject}</span></p>
                                <pre class="email-body">{p.body}</pre>
                            </div>
                        }.into_any(),
                    }}
                }
                .into_any()
            }
        })
    };
    view! {
        <details class="send-email" on:toggle=opened>
            <summary class="button">"Send email"</summary>
            <div class="send-email-form">
                <p class="hint">{format!("To {to}, through this installation's mail server. It counts as a contact.")}</p>
                {move || preview.pending().get().then(|| view! { <p class="muted">"Filling in…"</p> })}
                {composer}
                <button type="button" class="button button-primary" on:click=send
                    disabled=move || action.pending().get() || chosen().is_none()>
                    {move || if action.pending().get() { "Sending…" } else { "Send" }}
                </button>
            </div>
        </details>
        {sent}
    }
    .into_any()
}
