//! An order's Follow-up card: why it has one, the feedback once recorded, and the form to
//! record it (rating 1–5 and what the customer said).

use super::api::RecordOrderFeedback;
use crate::grids::record::{fields, section, text, time};
use domain::AppError;
use domain::grid::detail::OrderDetail;
use leptos::prelude::*;

pub fn order_follow_up(
    o: &OrderDetail,
    may_act: bool,
    action: ServerAction<RecordOrderFeedback>,
) -> AnyView {
    let summary = match &o.follow_up {
        Some(f) => fields(vec![
            (
                "Step",
                view! {
                    <span class=if f.contacted { "badge tone-success follow-up-step" } else { "badge tone-warning follow-up-step" }>
                        {if f.contacted { "Contacted" } else { "Not contacted" }}
                    </span>
                }
                .into_any(),
            ),
            (
                "Why",
                (if f.reason == "order_total" {
                    "The order's total is above the channel's threshold."
                } else {
                    "The customer's first order."
                })
                .into_any(),
            ),
            ("Rating", text(f.rating.map(|r| format!("{r} of 5")))),
            ("Feedback", text(f.feedback.clone().filter(|t| !t.is_empty()))),
            ("Contacted", time(&f.contacted_at)),
            ("By", text(f.contacted_by.clone())),
        ])
        .into_any(),
        None => view! { <p class="muted">"This order has no follow-up (the channel's rule did not pick it). You may still record the customer's feedback."</p> }.into_any(),
    };
    let form = may_act.then(|| view! { <FeedbackForm order=o.id action /> });
    section(
        "Follow-up",
        view! { <div class="order-follow-up">{summary}{form}</div> }.into_any(),
    )
    .into_any()
}

#[component]
fn FeedbackForm(order: i64, action: ServerAction<RecordOrderFeedback>) -> impl IntoView {
    let rating = RwSignal::new(0i16);
    let feedback = RwSignal::new(String::new());
    let error = move || {
        action.value().with(|v| match v {
            Some(Err(AppError::Invalid { message, .. })) => Some(message.clone()),
            Some(Err(e)) => Some(e.to_string()),
            _ => None,
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        action.dispatch(RecordOrderFeedback {
            order,
            rating: rating.get_untracked(),
            feedback: feedback.get_untracked(),
        });
    };
    view! {
        <form class="feedback-form" on:submit=submit>
            <fieldset class="rating">
                <legend>"Rating"</legend>
                {(1..=5i16).map(|r| view! {
                    <label class="radio">
                        <input type="radio" name="rating" value=r.to_string() prop:checked=move || rating.get() == r on:change=move |_| rating.set(r) />
                        {r.to_string()}
                    </label>
                }).collect_view()}
            </fieldset>
            <label class="field">
                <span>"What the customer said"</span>
                <textarea name="feedback" rows="2" prop:value=move || feedback.get() on:input=move |ev| feedback.set(event_target_value(&ev))></textarea>
            </label>
            {move || error().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            <button type="submit" class="button button-primary" disabled=move || action.pending().get()>"Record feedback"</button>
        </form>
    }
}
