//! A record's store actions as a timeline, and the "Sync this record" button every record page
//! carries.

use super::api::{SyncRecord, record_actions};
use crate::components::error::ErrorMessage;
use domain::actions::{ActionState, ActionView};
use domain::grid::Tone;
use leptos::prelude::*;

pub fn state_tone(state: ActionState) -> Tone {
    match state {
        ActionState::Done => Tone::Success,
        ActionState::Failed => Tone::Danger,
        ActionState::Unknown => Tone::Warning,
        ActionState::Queued | ActionState::Running => Tone::Info,
    }
}

/// One action: when, who, what, how it ended; the exact request and the store's raw answer
/// behind a disclosure.
pub fn action_item(a: &ActionView) -> impl IntoView + use<> {
    action_item_for(a, false)
}

/// As [`action_item`]; `may_act`: a customer edit whose conflicts the store won offers "send
/// my value anyway".
pub fn action_item_for(a: &ActionView, may_act: bool) -> impl IntoView + use<> {
    let when = a
        .created_at
        .as_ref()
        .map(|t| t.display())
        .unwrap_or_default();
    let who = a
        .requested_by
        .clone()
        .unwrap_or_else(|| "Cartwise".to_string());
    let tone = state_tone(a.state).as_str();
    let details = (a.route.is_some() || a.message.is_some()).then(|| {
        let a = a.clone();
        view! {
            <details class="action-details">
                <summary>"Request and answer"</summary>
                <dl class="record-fields">
                    {a.route.clone().map(|r| view! { <div class="record-field"><dt>"Sent"</dt><dd><code>{r}</code></dd></div> })}
                    {a.request.clone().map(|r| view! { <div class="record-field"><dt>"Body"</dt><dd><pre class="json">{r}</pre></dd></div> })}
                    {a.http_status.map(|s| view! { <div class="record-field"><dt>"HTTP status"</dt><dd>{s}</dd></div> })}
                    {a.message.clone().map(|m| view! { <div class="record-field"><dt>"Store's message"</dt><dd><code>{m}</code></dd></div> })}
                    {a.parameters.clone().map(|p| view! { <div class="record-field"><dt>"Parameters"</dt><dd><code>{p}</code></dd></div> })}
                    <div class="record-field"><dt>"Attempts"</dt><dd>{a.attempts}</dd></div>
                </dl>
            </details>
        }
    });
    view! {
        <li class="timeline-item" data-state=a.state.as_str() data-kind=a.kind.as_str()>
            <div class="timeline-head">
                <span class=format!("badge tone-{tone}")>{a.state.label()}</span>
                <strong>{a.kind.label()}</strong>
                <span class="muted">{format!(" · {when} · {who} · {}", a.channel)}</span>
            </div>
            <p class="timeline-summary">{a.summary()}</p>
            {crate::customer_edit::conflict_list(a, may_act)}
            {details}
        </li>
    }
}

/// A record's store actions, as its page loads them.
pub type Timeline = Result<Vec<ActionView>, domain::AppError>;

/// The store actions on record `id`, loaded (only) while its page shows the Store actions tab,
/// and again when `version` moves. Created by the record page itself, with its other data,
/// and awaited with it: a resource created inside the page's suspended view (as this one once
/// was, in a component of its own) may be numbered differently by the server and the browser,
/// and the page then failed to hydrate.
pub fn timeline_data(
    entity: domain::Entity,
    id: Memo<i64>,
    shown: impl Fn() -> bool + Send + Sync + 'static,
    version: impl Fn() -> usize + Send + Sync + 'static,
) -> crate::data::Data<Timeline> {
    crate::data::data(
        move || (id.get(), shown(), version()),
        move |(id, shown, _)| async move {
            if shown {
                record_actions(entity.as_str().to_string(), id).await
            } else {
                Ok(Vec::new())
            }
        },
    )
}

/// The store actions on a record, newest first. `may_act`: conflicts the store won offer
/// "send my value anyway".
pub fn timeline_view(actions: Timeline, may_act: bool) -> AnyView {
    let body = match actions {
        Ok(list) if list.is_empty() => view! {
            <p class="muted">"Nothing was sent to the store for this record from the CRM."</p>
        }
        .into_any(),
        Ok(list) => view! {
            <ol class="timeline">{list.iter().map(|a| action_item_for(a, may_act)).collect_view()}</ol>
        }
        .into_any(),
        Err(error) => view! { <ErrorMessage error /> }.into_any(),
    };
    view! {
        <section class="card record-section">
            <h2>"Store actions"</h2>
            {body}
        </section>
    }
    .into_any()
}

/// "Sync this record": re-reads it (and what it hangs on) from the store now. A plain form, so
/// it works before the page is interactive too.
#[component]
pub fn SyncRecordButton(
    entity: domain::Entity,
    id: i64,
    action: ServerAction<SyncRecord>,
) -> impl IntoView {
    let outcome = move || match action.value().get() {
        Some(Ok(a)) => {
            let tone = state_tone(a.state).as_str();
            Some(view! { <span class=format!("sync-outcome badge tone-{tone}") role="status">{a.summary()}</span> }.into_any())
        }
        Some(Err(error)) => Some(view! { <ErrorMessage error /> }.into_any()),
        None => None,
    };
    view! {
        <ActionForm action attr:class="inline-form">
            <input type="hidden" name="entity" value=entity.as_str() />
            <input type="hidden" name="id" value=id.to_string() />
            <button type="submit" class="button" disabled=move || action.pending().get()
                title="Read this record again from the store now">
                {move || if action.pending().get() { "Syncing…" } else { "Sync this record" }}
            </button>
        </ActionForm>
        {outcome}
    }
}
