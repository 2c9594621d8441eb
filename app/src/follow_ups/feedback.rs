//! Reports › Customer feedback: what customers said when the team followed up their orders
//! (rating and text), the ratings' spread and average, and the orders still waiting for a call.

use super::api::get_feedback_report;
use crate::components::error::ErrorMessage;
use crate::components::guard::RequirePermission;
use domain::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn FeedbackReportPage() -> impl IntoView {
    let query = use_query_map();
    let days = Memo::new(move |_| {
        query
            .read()
            .get("days")
            .and_then(|d| d.parse::<i64>().ok())
            .unwrap_or(90)
    });
    let report = crate::data::data(move || days.get(), get_feedback_report);
    view! {
        <Title text="Customer feedback" />
        <div class="page-header"><h1>"Customer feedback"</h1></div>
        <RequirePermission permission=Permission::ReadReports>
            <nav class="button-row period-links" aria-label="Period">
                {[30i64, 90, 365].map(|d| view! {
                    <a class="button" class:active=move || days.get() == d href=format!("/reports/feedback?days={d}")>{format!("Last {d} days")}</a>
                })}
            </nav>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match report.await {
                        Err(error) => view! { <ErrorMessage error /> }.into_any(),
                        Ok(r) => {
                            let average = r.average_x100.map(|a| format!("{}.{:02}", a / 100, a % 100)).unwrap_or_else(|| "—".into());
                            let lines = r.lines.iter().map(|l| view! {
                                <tr>
                                    <td>{l.contacted_at.as_ref().map(|t| t.display()).unwrap_or_default()}</td>
                                    <td><a href=format!("/orders/{}", l.order_id)>{l.order_label.clone()}</a></td>
                                    <td>{match l.customer_id { Some(id) => view! { <a href=format!("/customers/{id}")>{l.customer.clone()}</a> }.into_any(), None => l.customer.clone().into_any() }}</td>
                                    <td>{l.channel.clone()}</td>
                                    <td class="numeric">{l.rating}</td>
                                    <td>{l.feedback.clone()}</td>
                                    <td>{l.contacted_by.clone().unwrap_or_default()}</td>
                                </tr>
                            }).collect_view();
                            let waiting = r.waiting.iter().map(|(id, label, customer)| view! {
                                <li><a href=format!("/orders/{id}")>{format!("Order {label}")}</a>{format!(" · {customer}")}</li>
                            }).collect_view();
                            view! {
                                <div class="kpi-row">
                                    <div class="card kpi"><span class="kpi-label">"Average rating"</span><strong class="kpi-value feedback-average">{average}</strong></div>
                                    {(1..=5usize).map(|n| view! {
                                        <div class="card kpi"><span class="kpi-label">{format!("Rated {n}")}</span><strong class="kpi-value">{r.per_rating[n - 1]}</strong></div>
                                    }).collect_view()}
                                </div>
                                <section class="card">
                                    <h2>"Feedback"</h2>
                                    {if r.lines.is_empty() {
                                        view! { <p class="muted">"No feedback recorded in this period."</p> }.into_any()
                                    } else {
                                        view! {
                                            <table class="grid-table feedback-table">
                                                <thead><tr><th>"Recorded"</th><th>"Order"</th><th>"Customer"</th><th>"Channel"</th><th class="numeric">"Rating"</th><th>"Feedback"</th><th>"By"</th></tr></thead>
                                                <tbody>{lines}</tbody>
                                            </table>
                                        }.into_any()
                                    }}
                                </section>
                                <section class="card">
                                    <h2>"Waiting for a call"</h2>
                                    {if r.waiting.is_empty() {
                                        view! { <p class="muted">"No order follow-up is waiting."</p> }.into_any()
                                    } else {
                                        view! { <ul class="waiting-orders">{waiting}</ul> }.into_any()
                                    }}
                                </section>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </RequirePermission>
    }
}

/// A customer's Feedback tab: what they said after their orders.
pub fn customer_feedback(
    lines: Result<Vec<super::api::FeedbackLine>, domain::AppError>,
) -> AnyView {
    match lines {
        Err(error) => view! { <ErrorMessage error /> }.into_any(),
        Ok(lines) if lines.is_empty() => view! {
            <section class="card record-section"><h2>"Feedback"</h2>
                <p class="muted">"No feedback recorded from this customer yet: it is asked for after their first order (the order's page)."</p>
            </section>
        }
        .into_any(),
        Ok(lines) => view! {
            <section class="card record-section"><h2>"Feedback"</h2>
                <table class="grid-table feedback-table">
                    <thead><tr><th>"Recorded"</th><th>"Order"</th><th class="numeric">"Rating"</th><th>"Feedback"</th><th>"By"</th></tr></thead>
                    <tbody>
                        {lines.into_iter().map(|l| view! {
                            <tr>
                                <td>{l.contacted_at.map(|t| t.display()).unwrap_or_default()}</td>
                                <td><a href=format!("/orders/{}", l.order_id)>{format!("#{}", l.order_label)}</a></td>
                                <td class="numeric">{format!("{} of 5", l.rating)}</td>
                                <td>{l.feedback}</td>
                                <td>{l.contacted_by.unwrap_or_default()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        }
        .into_any(),
    }
}
