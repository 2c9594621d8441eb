//! Report: customers by lifetime value, with RFM scores (recency, frequency, monetary; each
//! 1–5 by quintile within the channel).

use super::api::{ReportData, get_customers_report};
use super::filters::FilterBar;
use super::frame::{CsvButton, ReportFrame};
use super::query::ReportQuery;
use super::{csv, links};
use crate::charts::{HeatCell, Heatmap};
use domain::metrics::{RfmReport, count, money};
use leptos::prelude::*;

#[component]
pub fn CustomersPage() -> impl IntoView {
    view! {
        <ReportFrame
            title="Customers by lifetime value"
            intro="Every customer with a non-canceled order. Recency: days since their last order; frequency: orders in the last 365 days; monetary: their revenue. Each is scored 1 (lowest fifth of the channel) to 5 (highest); a recent last order scores high."
            fetch=get_customers_report
            body=|data, query| view! { <CustomersBody data query /> }
        />
    }
}

#[component]
fn CustomersBody(data: ReportData<RfmReport>, query: ReportQuery) -> impl IntoView {
    let ReportData {
        report,
        channels,
        preset,
        time_zone,
    } = data;
    // Scores are computed over every customer; the grid shows the listed ones (the top by value).
    let mut cells: Vec<HeatCell> = Vec::new();
    for r in &report.rows {
        match cells.iter_mut().find(|c| c.x == r.r && c.y == r.f) {
            Some(c) => c.count += 1,
            None => cells.push(HeatCell {
                x: r.r,
                y: r.f,
                count: 1,
                label: String::new(),
            }),
        }
    }
    for c in &mut cells {
        c.label = format!("{} customers", count(c.count));
    }
    let csv_rows: Vec<Vec<String>> = report
        .rows
        .iter()
        .map(|r| {
            vec![
                r.customer_id.to_string(),
                r.channel.clone(),
                r.name.clone(),
                r.email.clone(),
                r.is_guest.to_string(),
                r.lifetime.amount.normalize().to_string(),
                r.lifetime.currency.clone(),
                r.last_order_at.to_rfc3339(),
                r.recency_days.to_string(),
                r.frequency.to_string(),
                r.r.to_string(),
                r.f.to_string(),
                r.m.to_string(),
            ]
        })
        .collect();
    let document = csv::document(
        &[
            "customer_id",
            "channel",
            "name",
            "email",
            "guest",
            "lifetime_value",
            "currency",
            "last_order_at",
            "recency_days",
            "frequency_365d",
            "r",
            "f",
            "m",
        ],
        &csv_rows,
    );
    let shown = report.rows.len() as i64;
    let heading = if shown < report.total {
        format!(
            "The {} most valuable of {} customers",
            count(shown),
            count(report.total)
        )
    } else {
        format!("{} customers", count(report.total))
    };
    // The range does not apply to lifetime values; the filter bar is kept for the channel.
    let range = query
        .resolve(chrono::Utc::now().date_naive())
        .unwrap_or_else(|_| {
            domain::metrics::Preset::Last30Days
                .range(chrono::Utc::now().date_naive())
                .expect("a preset has a range")
        });
    view! {
        <FilterBar
            path="/reports/customers"
            query=query.clone()
            preset
            range
            previous=None
            channels
            time_zone
        />
        <p class="muted">"Lifetime values and scores cover all time; only the channel filter applies."</p>
        <div class="dashboard-grid">
            <section class="card chart-card">
                <Heatmap
                    id="rfm-heatmap"
                    title="Customers by recency and frequency".to_string()
                    description="How many of the listed customers have each recency score (across) and frequency score (up); top right are recent, frequent buyers.".to_string()
                    x_title="Recency".to_string()
                    y_title="Frequency".to_string()
                    cells
                />
            </section>
            <section class="card rfm-legend">
                <h2 class="card-title">"Reading the scores"</h2>
                <ul class="plain-list">
                    <li><b>"555"</b>" — champions: bought recently, often, and the most."</li>
                    <li><b>"5 1 x"</b>" — new customers: a recent first order."</li>
                    <li><b>"1 5 x"</b>" — at risk: used to buy often, not lately."</li>
                    <li><b>"111"</b>" — lapsed: long ago, once, little."</li>
                </ul>
            </section>
        </div>
        <section class="card card-flush">
            <div class="card-toolbar">
                <h2 class="card-title">{heading}</h2>
                <CsvButton file_name="customers-by-lifetime-value.csv".to_string() csv=document />
            </div>
            {if report.rows.is_empty() {
                view! { <p class="empty">"No customer has a non-canceled order yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="table table-compact" data-report-table="">
                            <thead><tr>
                                <th scope="col">"Customer"</th><th scope="col" class="num">"Lifetime value"</th>
                                <th scope="col" class="num">"Last order"</th><th scope="col" class="num">"Orders (365 d)"</th>
                                <th scope="col" class="num">"R"</th><th scope="col" class="num">"F"</th>
                                <th scope="col" class="num">"M"</th>
                            </tr></thead>
                            <tbody>
                                {report.rows.into_iter().map(|r| view! {
                                    <tr>
                                        <td><a href=links::customer(r.customer_id)>{r.name}</a>
                                            {r.is_guest.then(|| view! { <span class="badge badge-muted">"Guest"</span> })}
                                            <div class="muted small">{format!("{} · {}", r.email, r.channel)}</div></td>
                                        <td class="num">{money(r.lifetime.amount, &r.lifetime.currency)}</td>
                                        <td class="num">{format!("{} days ago", count(r.recency_days))}</td>
                                        <td class="num">{count(r.frequency)}</td>
                                        <td class="num"><span class=format!("score score-{}", r.r)>{r.r}</span></td>
                                        <td class="num"><span class=format!("score score-{}", r.f)>{r.f}</span></td>
                                        <td class="num"><span class=format!("score score-{}", r.m)>{r.m}</span></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}
