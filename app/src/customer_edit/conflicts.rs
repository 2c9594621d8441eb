//! Conflicts of a customer edit as the user reads them, and "send my value anyway".

use super::api::resend_customer_edit;
use crate::components::error::ErrorMessage;
use domain::SyncPriority;
use domain::actions::{ActionResult, ActionView};
use leptos::prelude::*;

/// The conflicts an edit met, one sentence each; with the button to send the user's values
/// anyway when the store's were kept and `may_resend`.
pub fn conflict_list(a: &ActionView, may_resend: bool) -> Option<AnyView> {
    let Some(ActionResult::CustomerSaved { conflicts, .. }) = &a.result else {
        return None;
    };
    if conflicts.is_empty() {
        return None;
    }
    let overruled = conflicts.iter().any(|c| c.kept == SyncPriority::Remote);
    let items = conflicts
        .iter()
        .map(|c| {
            view! { <li class="conflict" data-subject=c.subject.clone()>{c.describe()}</li> }
        })
        .collect_view();
    let id = a.id;
    Some(
        view! {
            <div class="conflict-box">
                <ul class="conflicts">{items}</ul>
                {(may_resend && overruled).then(|| view! { <ResendButton action=id /> })}
            </div>
        }
        .into_any(),
    )
}

#[component]
fn ResendButton(action: i64) -> impl IntoView {
    let resend = Action::new(move |_: &()| resend_customer_edit(action));
    let outcome = move || {
        resend.value().get().map(|r| match r {
            Ok(a) => {
                view! { <p class="alert alert-info" role="status">{a.summary()}</p> }.into_any()
            }
            Err(error) => view! { <ErrorMessage error /> }.into_any(),
        })
    };
    view! {
        <button type="button" class="button" disabled=move || resend.pending().get()
            on:click=move |_| { resend.dispatch(()); }>
            {move || if resend.pending().get() { "Sending…" } else { "Send my value anyway" }}
        </button>
        {outcome}
    }
}
