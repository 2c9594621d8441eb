//! Report: abandoned carts — the list, what they are worth and the abandon rate by week.

use super::api::{ReportData, get_abandoned_report};
use super::filters::FilterBar;
use super::frame::{CsvButton, ReportFrame};
use super::query::ReportQuery;
use super::{csv, links};
use crate::charts::{ColumnChart, LineChart, Series, ValueKind};
use domain::metrics::{AbandonedReport, Granularity, Money, count, money, percent, ratio};
use leptos::prelude::*;

/// Carts listed on the page (the CSV export holds up to `AbandonedReport::LIST_LIMIT`).
const SHOWN: i64 = 50;

#[component]
pub fn AbandonedCartsPage() -> impl IntoView {
    view! {
        <ReportFrame
            title="Abandoned carts"
            intro="Open carts with items and a contact email, idle past the channel's abandonment threshold, by the week they were created."
            fetch=get_abandoned_report
            body=|data, query| view! { <AbandonedBody data query /> }
        />
    }
}

fn amounts(values: &[Money]) -> String {
    if values.is_empty() {
        return money(Default::default(), "");
    }
    values
        .iter()
        .map(|m| money(m.amount, &m.currency))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Hours or days since `then`, from the report's instant.
fn idle(report: &AbandonedReport, then: Option<chrono::DateTime<chrono::Utc>>) -> String {
    match then {
        Some(t) => {
            let hours = (report.as_of - t).num_hours().max(0);
            if hours < 48 {
                format!("{hours} h")
            } else {
                format!("{} days", hours / 24)
            }
        }
        None => "—".into(),
    }
}

#[component]
fn AbandonedBody(data: ReportData<AbandonedReport>, query: ReportQuery) -> impl IntoView {
    let ReportData {
        report,
        channels,
        preset,
        time_zone,
    } = data;
    let labels: Vec<String> = report
        .weeks
        .iter()
        .map(|w| Granularity::Week.bucket_label(w.start))
        .collect();
    let abandoned: Vec<i64> = report.weeks.iter().map(|w| w.abandoned).collect();
    let purchased: Vec<i64> = report.weeks.iter().map(|w| w.purchased).collect();
    let rates: Vec<Option<f64>> = report.weeks.iter().map(|w| w.rate()).collect();
    let counts = |name: &str, values: &[i64], color| Series {
        name: name.to_string(),
        values: values.iter().map(|v| *v as f64).collect(),
        labels: values.iter().map(|v| count(*v)).collect(),
        color,
        dashed: false,
    };
    let rate_series = Series {
        name: "Abandon rate".into(),
        values: rates.iter().map(|r| r.unwrap_or(0.0)).collect(),
        labels: rates.iter().map(|r| percent(*r)).collect(),
        color: 4,
        dashed: false,
    };
    let purchased_total: i64 = purchased.iter().sum();
    let mut value: Vec<Money> = Vec::new();
    for m in report.weeks.iter().flat_map(|w| w.value.iter()) {
        match value.iter_mut().find(|v| v.currency == m.currency) {
            Some(v) => v.amount += m.amount,
            None => value.push(m.clone()),
        }
    }
    let week_rows: Vec<Vec<String>> = report
        .weeks
        .iter()
        .map(|w| {
            vec![
                w.start.to_string(),
                w.abandoned.to_string(),
                w.purchased.to_string(),
                w.rate().map(|r| format!("{r:.4}")).unwrap_or_default(),
                amounts(&w.value),
            ]
        })
        .collect();
    let weeks_csv = csv::document(
        &[
            "week_start",
            "abandoned",
            "purchased",
            "abandon_rate",
            "abandoned_value",
        ],
        &week_rows,
    );
    let cart_rows: Vec<Vec<String>> = report
        .carts
        .iter()
        .map(|c| {
            vec![
                c.magento_id.to_string(),
                c.channel.clone(),
                c.email.clone(),
                c.name.clone(),
                c.items_count.to_string(),
                c.grand_total.amount.normalize().to_string(),
                c.grand_total.currency.clone(),
                c.created_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
                c.updated_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            ]
        })
        .collect();
    let carts_csv = csv::document(
        &[
            "cart_id",
            "channel",
            "email",
            "name",
            "items",
            "grand_total",
            "currency",
            "created_at",
            "updated_at",
        ],
        &cart_rows,
    );
    let suffix = format!("{}-{}", report.range.from_param(), report.range.to_param());
    let grid = links::carts(report.range, query.channel, Some("open"), true);
    let overall = ratio(report.total, report.total + purchased_total);
    let shown = (report.carts.len() as i64).min(SHOWN);
    view! {
        <FilterBar
            path="/reports/abandoned-carts"
            query=query.clone()
            preset
            range=report.range
            previous=None
            channels
            time_zone
        />
        <section class="kpi-grid kpi-grid-compact" aria-label="Totals">
            <a class="kpi" href=grid.clone() data-kpi="abandoned-total">
                <span class="kpi-label">"Abandoned carts"</span>
                <span class="kpi-value">{count(report.total)}</span>
            </a>
            <div class="kpi" data-kpi="abandoned-value">
                <span class="kpi-label">"Left in them"</span>
                <span class="kpi-value">{amounts(&value)}</span>
            </div>
            <div class="kpi" data-kpi="abandoned-rate">
                <span class="kpi-label">"Abandon rate"</span>
                <span class="kpi-value">{percent(overall)}</span>
                <span class="kpi-detail">{format!("{} abandoned ÷ ({} abandoned + {} purchased)", count(report.total), count(report.total), count(purchased_total))}</span>
            </div>
        </section>
        <div class="dashboard-grid">
            <section class="card chart-card">
                <ColumnChart
                    id="abandoned-weeks-chart"
                    title="Abandoned and purchased carts by week".to_string()
                    description=format!("Carts created each week from {} that were abandoned or purchased.", report.range.label())
                    x_labels=labels.clone()
                    series=vec![counts("Abandoned", &abandoned, 3), counts("Purchased", &purchased, 5)]
                    kind=ValueKind::Count
                    row_header="Week".to_string()
                />
            </section>
            <section class="card chart-card">
                <LineChart
                    id="abandon-rate-chart"
                    title="Abandon rate by week".to_string()
                    description="Abandoned ÷ (abandoned + purchased) among the carts created each week.".to_string()
                    x_labels=labels
                    series=vec![rate_series]
                    kind=ValueKind::Share
                    row_header="Week".to_string()
                />
            </section>
        </div>
        <section class="card card-flush">
            <div class="card-toolbar">
                <h2 class="card-title">"By week"</h2>
                <CsvButton file_name=format!("abandoned-carts-by-week-{suffix}.csv") csv=weeks_csv label="Export weeks (CSV)" />
            </div>
            <div class="table-scroll">
                <table class="table table-compact" data-report-table="weeks">
                    <thead><tr>
                        <th scope="col">"Week"</th><th scope="col" class="num">"Abandoned"</th>
                        <th scope="col" class="num">"Purchased"</th><th scope="col" class="num">"Abandon rate"</th>
                        <th scope="col" class="num">"Value"</th>
                    </tr></thead>
                    <tbody>
                        {report.weeks.iter().map(|w| view! {
                            <tr>
                                <td>{Granularity::Week.bucket_label(w.start)}</td>
                                <td class="num">{count(w.abandoned)}</td>
                                <td class="num">{count(w.purchased)}</td>
                                <td class="num">{percent(w.rate())}</td>
                                <td class="num">{amounts(&w.value)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
        <section class="card card-flush">
            <div class="card-toolbar">
                <h2 class="card-title">
                    {if shown < report.total {
                        format!("The {} most valuable of {} abandoned carts", count(shown), count(report.total))
                    } else {
                        format!("{} abandoned carts", count(report.total))
                    }}
                </h2>
                <a href=grid>"Open in the carts grid"</a>
                <CsvButton file_name=format!("abandoned-carts-{suffix}.csv") csv=carts_csv label="Export carts (CSV)" />
            </div>
            {if report.carts.is_empty() {
                view! { <p class="empty">"No abandoned carts in this period."</p> }.into_any()
            } else {
                let rows: Vec<_> = report.carts.iter().take(SHOWN as usize).cloned().collect();
                view! {
                    <div class="table-scroll">
                        <table class="table table-compact" data-report-table="carts">
                            <thead><tr>
                                <th scope="col">"Cart"</th><th scope="col">"Customer"</th>
                                <th scope="col" class="num">"Items"</th><th scope="col" class="num">"Value"</th>
                                <th scope="col" class="num">"Idle for"</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|c| {
                                    let since = idle(&report, c.updated_at);
                                    view! {
                                        <tr>
                                            <td><a href=format!("/carts/{}", c.id)>{format!("#{}", c.magento_id)}</a>
                                                <div class="muted small">{c.channel}</div></td>
                                            <td>{if c.name.is_empty() { c.email.clone() } else { c.name }}
                                                <div class="muted small">{c.email}</div></td>
                                            <td class="num">{count(c.items_count as i64)}</td>
                                            <td class="num">{money(c.grand_total.amount, &c.grand_total.currency)}</td>
                                            <td class="num">{since}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}
