//! Report: sales by period — orders, revenue, average order value and refunds per day, week or
//! month, per currency.

use super::api::{ReportData, get_sales_report};
use super::filters::{FilterBar, FilterOptions};
use super::frame::{CsvButton, ReportFrame};
use super::query::ReportQuery;
use super::{csv, links};
use crate::charts::{ColumnChart, LineChart, Series, ValueKind};
use domain::metrics::{SalesReport, SalesRow, UNDEFINED, count, money};
use leptos::prelude::*;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

#[component]
pub fn SalesPage() -> impl IntoView {
    view! {
        <ReportFrame
            title="Sales by period"
            intro="Orders created in each period (canceled ones excluded), their revenue (subtotal less discounts), average order value, and refunded credit memos."
            fetch=get_sales_report
            body=|data, query| view! { <SalesBody data query /> }
        />
    }
}

/// Currencies of the report, the one with the most orders first.
fn currencies(rows: &[SalesRow]) -> Vec<String> {
    let mut totals: Vec<(String, i64)> = Vec::new();
    for r in rows {
        match totals.iter_mut().find(|(c, _)| *c == r.currency) {
            Some(t) => t.1 += r.orders,
            None => totals.push((r.currency.clone(), r.orders)),
        }
    }
    totals.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    totals.into_iter().map(|(c, _)| c).collect()
}

#[component]
fn SalesBody(data: ReportData<SalesReport>, query: ReportQuery) -> impl IntoView {
    let ReportData {
        report,
        channels,
        preset,
        time_zone,
    } = data;
    let all = currencies(&report.rows);
    let currency = query
        .currency
        .clone()
        .filter(|c| all.contains(c))
        .or_else(|| all.first().cloned())
        .unwrap_or_default();
    let granularity = report.granularity;
    let rows: Vec<SalesRow> = report
        .rows
        .iter()
        .filter(|r| r.currency == currency)
        .cloned()
        .collect();
    let labels: Vec<String> = rows
        .iter()
        .map(|r| granularity.bucket_label(r.start.max(report.range.from)))
        .collect();
    let amount_series = |name: &str, values: Vec<Decimal>, color| Series {
        name: name.to_string(),
        values: values.iter().map(|v| v.to_f64().unwrap_or(0.0)).collect(),
        labels: values.iter().map(|v| money(*v, &currency)).collect(),
        color,
        dashed: false,
    };
    let revenue = amount_series("Revenue", rows.iter().map(|r| r.revenue).collect(), 1);
    let refunds = amount_series("Refunds", rows.iter().map(|r| r.refunds).collect(), 3);
    let orders = Series {
        name: "Orders".into(),
        values: rows.iter().map(|r| r.orders as f64).collect(),
        labels: rows.iter().map(|r| count(r.orders)).collect(),
        color: 1,
        dashed: false,
    };
    let (n, rev, refund, refund_n): (i64, Decimal, Decimal, i64) = rows.iter().fold(
        (0, Decimal::ZERO, Decimal::ZERO, 0),
        |(n, rev, refund, rn), r| {
            (
                n + r.orders,
                rev + r.revenue,
                refund + r.refunds,
                rn + r.refund_count,
            )
        },
    );
    let aov = (n > 0).then(|| rev / Decimal::from(n));
    let csv_rows: Vec<Vec<String>> = report
        .rows
        .iter()
        .map(|r| {
            vec![
                r.start.to_string(),
                r.currency.clone(),
                r.orders.to_string(),
                r.revenue.normalize().to_string(),
                r.aov()
                    .map(|a| a.round_dp(4).normalize().to_string())
                    .unwrap_or_default(),
                r.refund_count.to_string(),
                r.refunds.normalize().to_string(),
            ]
        })
        .collect();
    let document = csv::document(
        &[
            "period_start",
            "currency",
            "orders",
            "revenue",
            "average_order_value",
            "refunds",
            "refunded_amount",
        ],
        &csv_rows,
    );
    let file = format!(
        "sales-{}-{}-{}.csv",
        granularity.as_str(),
        report.range.from_param(),
        report.range.to_param()
    );
    let orders_grid = links::orders(report.range, query.channel, false);
    let range_label = report.range.label();
    view! {
        <FilterBar
            path="/reports/sales"
            query=query.clone()
            preset
            range=report.range
            previous=None
            channels
            time_zone
            options=FilterOptions {
                currencies: all.clone(),
                currency: Some(currency.clone()),
                granularity: Some(granularity),
            }
        />
        {(all.len() > 1).then(|| view! {
            <p class="muted">{format!("Showing {currency}; pick another currency above. The CSV export lists every currency.")}</p>
        })}
        <div class="dashboard-grid">
            <section class="card chart-card">
                <LineChart
                    id="sales-revenue-chart"
                    title=format!("Revenue and refunds ({currency})")
                    description=format!("Revenue and refunded amounts in {currency} per {} from {range_label}.", granularity.as_str())
                    x_labels=labels.clone()
                    series=vec![revenue, refunds]
                    kind=ValueKind::Money(currency.clone())
                />
            </section>
            <section class="card chart-card">
                <ColumnChart
                    id="sales-orders-chart"
                    title=format!("Orders ({currency})")
                    description=format!("Orders in {currency} per {} from {range_label}.", granularity.as_str())
                    x_labels=labels
                    series=vec![orders]
                    kind=ValueKind::Count
                />
            </section>
        </div>
        <section class="card card-flush">
            <div class="card-toolbar">
                <h2 class="card-title">{format!("{} · {}", granularity.label(), range_label)}</h2>
                <a href=orders_grid>"Open in the orders grid"</a>
                <CsvButton file_name=file csv=document />
            </div>
            <div class="table-scroll">
                <table class="table table-compact" data-report-table="">
                    <thead><tr>
                        <th scope="col">"Period"</th><th scope="col">"Currency"</th>
                        <th scope="col" class="num">"Orders"</th><th scope="col" class="num">"Revenue"</th>
                        <th scope="col" class="num">"Average order"</th><th scope="col" class="num">"Refunds"</th>
                        <th scope="col" class="num">"Refunded"</th>
                    </tr></thead>
                    <tbody>
                        {rows.iter().map(|r| view! {
                            <tr>
                                <td>{granularity.bucket_label(r.start)}</td>
                                <td>{r.currency.clone()}</td>
                                <td class="num">{count(r.orders)}</td>
                                <td class="num">{money(r.revenue, &r.currency)}</td>
                                <td class="num">{r.aov().map(|a| money(a, &r.currency)).unwrap_or_else(|| UNDEFINED.into())}</td>
                                <td class="num">{count(r.refund_count)}</td>
                                <td class="num">{money(r.refunds, &r.currency)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                    <tfoot>
                        <tr data-total=currency.clone()>
                            <th scope="row">"Total"</th>
                            <td>{currency.clone()}</td>
                            <td class="num">{count(n)}</td>
                            <td class="num">{money(rev, &currency)}</td>
                            <td class="num">{aov.map(|a| money(a, &currency)).unwrap_or_else(|| UNDEFINED.into())}</td>
                            <td class="num">{count(refund_n)}</td>
                            <td class="num">{money(refund, &currency)}</td>
                        </tr>
                    </tfoot>
                </table>
            </div>
        </section>
    }
}
