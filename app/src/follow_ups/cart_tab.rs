//! A cart's Follow-up tab: where it stands (step, owner, contacts) and what the rep can do
//! next. Every button is one server action; the page reloads the cart after it, so what shows
//! is what the database holds (a claim lost to a colleague shows their name).

use super::api::FollowUpCart;
use crate::components::error::ErrorMessage;
use crate::grids::record::{fields, text, time};
use domain::AppError;
use domain::CartStatus;
use domain::follow_up::{
    CartAction, CartFollowUp, Contact, ContactChannel, OpportunityForm, STAGES, Step,
};
use domain::grid::detail::CartDetail;
use leptos::prelude::*;

/// The tab's body. `may_act`: the user may work follow-ups; `me`: the user's id.
pub fn follow_up_tab(
    cart: &CartDetail,
    may_act: bool,
    me: i64,
    action: ServerAction<FollowUpCart>,
    email: Option<ServerAction<crate::email::api::SendCartEmail>>,
) -> AnyView {
    let f = cart.follow_up.clone();
    let summary = match &f {
        Some(f) => status_fields(f),
        None if cart.abandoned => view! {
            <p class="muted">"This cart is abandoned and nobody has taken it yet: it is Not contacted."</p>
        }
        .into_any(),
        None => view! {
            <p class="muted">{format!(
                "No follow-up: {}",
                match cart.status {
                    CartStatus::Open => "the cart is not abandoned (no items, no contact email, or the shopper was active recently). A rep may still take it.",
                    CartStatus::Purchased => "the shopper bought this cart.",
                    _ => "the cart is not open.",
                }
            )}</p>
        }
        .into_any(),
    };
    let error = move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .filter(|e| !matches!(e, AppError::Invalid { .. }))
            .map(|error| view! { <ErrorMessage error /> })
    };
    let controls = may_act.then(|| {
        view! {
            <FollowUpControls
                cart=cart.id
                status=cart.status
                follow_up=f.clone()
                me
                default_name=format!("{} - cart {}", cart.name.clone().or(cart.email.clone()).unwrap_or_else(|| "Guest".into()), cart.magento_id)
                subtotal=cart.subtotal.as_ref().map(|m| m.amount.to_string()).unwrap_or_default()
                action
            />
        }
    });
    view! {
        <section class="card record-section follow-up" data-step=f.as_ref().map(|f| f.step.as_str())>
            <h2>"Follow-up"</h2>
            {summary}
            {error}
            {controls}
            {email.filter(|_| may_act && cart.status == CartStatus::Open).map(|action| view! {
                <crate::email::EmailShopper cart=cart.id to=cart.email.clone() action />
            })}
        </section>
    }
    .into_any()
}

fn status_fields(f: &CartFollowUp) -> AnyView {
    let tone = match f.step {
        Step::NotContacted => "warning",
        Step::Contacted => "info",
        Step::WonBack => "success",
        Step::Lost => "danger",
        Step::Opportunity => "warning",
        Step::Expired => "neutral",
    };
    let closed = f.closed_at.as_ref().map(|t| {
        let by = match f.closed_by.as_deref() {
            Some("sync") => " by the sync (the store's data)",
            Some("rule") => " by a rule",
            _ => "",
        };
        format!("{}{by}", t.display())
    });
    fields(vec![
        (
            "Step",
            view! { <span class=format!("badge tone-{tone} follow-up-step")>{f.step.label()}</span> }
                .into_any(),
        ),
        ("Owner", text(f.owner.clone())),
        ("Claimed", time(&f.claimed_at)),
        ("Contacts", f.contacted_times.to_string().into_any()),
        ("Last contact", time(&f.last_contacted_at)),
        ("Lost because", text(f.lost_reason.clone())),
        (
            "Opportunity",
            match &f.opportunity {
                Some((id, name)) => view! { <a href=format!("/opportunities/{id}")>{name.clone()}</a> }.into_any(),
                None => text(None),
            },
        ),
        ("Closed", text(closed)),
    ])
    .into_any()
}

#[component]
fn FollowUpControls(
    cart: i64,
    status: CartStatus,
    follow_up: Option<CartFollowUp>,
    me: i64,
    default_name: String,
    subtotal: String,
    action: ServerAction<FollowUpCart>,
) -> impl IntoView {
    let step = follow_up.as_ref().map(|f| f.step);
    let owner = follow_up.as_ref().and_then(|f| f.owner_id);
    let open = step.is_none_or(Step::is_open);
    let workable = open && matches!(status, CartStatus::Open | CartStatus::Expired);
    let send = move |a: CartAction| {
        action.dispatch(FollowUpCart { cart, action: a });
    };
    let error_at = move |field: &'static str| {
        action.value().with(|v| match v {
            Some(Err(AppError::Invalid { field: f, message })) if f == field => {
                Some(view! { <span class="field-error" role="alert">{message.clone()}</span> })
            }
            _ => None,
        })
    };
    let busy = move || action.pending().get();
    // Log a contact.
    let channel = RwSignal::new(ContactChannel::Call);
    let outcome = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let next_on = RwSignal::new(String::new());
    // Close.
    let closing = RwSignal::new("");
    let reason = RwSignal::new(String::new());
    let won_note = RwSignal::new(String::new());
    let name = RwSignal::new(default_name);
    let budget = RwSignal::new(subtotal);
    let close_on = RwSignal::new(String::new());
    let stage = RwSignal::new("qualify".to_string());
    let probability = RwSignal::new(String::new());

    let claim = (status == CartStatus::Open && open && owner != Some(me)).then(|| {
        let label = if owner.is_some() { "Claim (taken)" } else { "Claim" };
        view! { <button class="button button-primary" disabled=busy on:click=move |_| send(CartAction::Claim)>{label}</button> }
    });
    let release = (open && owner == Some(me)).then(|| {
        view! { <button class="button" disabled=busy on:click=move |_| send(CartAction::Release)>"Release"</button> }
    });
    let reopen = (!open).then(|| {
        view! { <button class="button" disabled=busy on:click=move |_| send(CartAction::Reopen)>"Reopen follow-up"</button> }
    });
    let contact_form = (workable && status == CartStatus::Open).then(|| {
        let submit = move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            send(CartAction::Contact(Contact {
                channel: channel.get_untracked(),
                outcome: outcome.get_untracked(),
                note: note.get_untracked(),
                next_on: next_on.get_untracked(),
                subject: String::new(),
            }));
        };
        view! {
            <form class="follow-up-contact" on:submit=submit>
                <h3>"Log a contact"</h3>
                <div class="field-grid">
                    <label class="field">
                        <span>"By"</span>
                        <select name="contact_channel" on:change=move |ev| channel.set(if event_target_value(&ev) == "email" { ContactChannel::Email } else { ContactChannel::Call })>
                            <option value="call">"Call"</option>
                            <option value="email">"Email"</option>
                        </select>
                    </label>
                    <label class="field">
                        <span>"Outcome"</span>
                        <input name="contact_outcome" type="text" placeholder="reached, voicemail, no answer…" prop:value=move || outcome.get() on:input=move |ev| outcome.set(event_target_value(&ev)) />
                        {move || error_at("outcome")}
                    </label>
                    <label class="field">
                        <span>"Next contact (creates a task)"</span>
                        <input name="next_on" type="date" prop:value=move || next_on.get() on:input=move |ev| next_on.set(event_target_value(&ev)) />
                        {move || error_at("next_on")}
                    </label>
                </div>
                <label class="field">
                    <span>"Note"</span>
                    <textarea name="contact_note" rows="2" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                    {move || error_at("note")}
                </label>
                <button type="submit" class="button button-primary" disabled=busy>"Log contact"</button>
            </form>
        }
    });
    let close_buttons = workable.then(|| {
        view! {
            <div class="follow-up-close">
                <span class="muted">"Close as: "</span>
                <button class="button" on:click=move |_| closing.set("won")>"Won back"</button>
                <button class="button button-danger" on:click=move |_| closing.set("lost")>"Lost"</button>
                <button class="button" on:click=move |_| closing.set("opportunity")>"Convert to opportunity"</button>
            </div>
        }
    });
    let close_form = move || {
        match closing.get() {
        "won" => view! {
            <form class="follow-up-won" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); send(CartAction::WonBack { note: won_note.get_untracked() }); }>
                <label class="field"><span>"How did the shopper order?"</span>
                    <input name="won_note" type="text" placeholder="by phone, another cart…" prop:value=move || won_note.get() on:input=move |ev| won_note.set(event_target_value(&ev)) />
                </label>
                <button type="submit" class="button button-primary" disabled=busy>"Close as Won back"</button>
            </form>
        }.into_any(),
        "lost" => view! {
            <form class="follow-up-lost" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); send(CartAction::Lost { reason: reason.get_untracked() }); }>
                <label class="field"><span>"Reason"</span>
                    <input name="lost_reason" type="text" placeholder="no answer, too expensive, bought elsewhere…" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                    {move || error_at("reason")}
                </label>
                <button type="submit" class="button button-danger" disabled=busy>"Close as Lost"</button>
            </form>
        }.into_any(),
        "opportunity" => {
            let submit = move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                send(CartAction::Opportunity(OpportunityForm {
                    name: name.get_untracked(),
                    owner: None,
                    budget: budget.get_untracked(),
                    close_on: close_on.get_untracked(),
                    stage: stage.get_untracked(),
                    probability: probability.get_untracked(),
                    notes: String::new(),
                }));
            };
            view! {
                <form class="follow-up-opportunity" on:submit=submit>
                    <div class="field-grid">
                        <label class="field"><span>"Opportunity"</span>
                            <input name="opportunity_name" type="text" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                            {move || error_at("name")}
                        </label>
                        <label class="field"><span>"Budget"</span>
                            <input name="budget" type="text" inputmode="decimal" prop:value=move || budget.get() on:input=move |ev| budget.set(event_target_value(&ev)) />
                            {move || error_at("budget")}
                        </label>
                        <label class="field"><span>"Close date"</span>
                            <input name="close_on" type="date" prop:value=move || close_on.get() on:input=move |ev| close_on.set(event_target_value(&ev)) />
                            {move || error_at("close_on")}
                        </label>
                        <label class="field"><span>"Stage"</span>
                            <select name="stage" on:change=move |ev| stage.set(event_target_value(&ev))>
                                {STAGES.iter().filter(|(v, ..)| *v != "won" && *v != "lost").map(|(v, l, _)| view! { <option value=*v>{*l}</option> }).collect_view()}
                            </select>
                        </label>
                        <label class="field"><span>"Probability %"</span>
                            <input name="probability" type="text" inputmode="numeric" placeholder="the stage's" prop:value=move || probability.get() on:input=move |ev| probability.set(event_target_value(&ev)) />
                            {move || error_at("probability")}
                        </label>
                    </div>
                    <button type="submit" class="button button-primary" disabled=busy>"Convert"</button>
                </form>
            }.into_any()
        }
        _ => ().into_any(),
    }
    };
    view! {
        <div class="follow-up-controls">
            <div class="button-row">{claim}{release}{reopen}</div>
            {contact_form}
            {close_buttons}
            {close_form}
        </div>
    }
}
