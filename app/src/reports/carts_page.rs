//! Report: carts by status, per channel and website, over time.

use super::api::{ReportData, get_carts_by_status_report};
use super::filters::{FilterBar, FilterOptions};
use super::frame::{CsvButton, ReportFrame};
use super::query::ReportQuery;
use super::{csv, links};
use crate::charts::{ColumnChart, Series, ValueKind};
use domain::CartStatus;
use domain::metrics::{CartsByStatusReport, count};
use leptos::prelude::*;

#[component]
pub fn CartsByStatusPage() -> impl IntoView {
    view! {
        <ReportFrame
            title="Carts by status"
            intro="Carts created in the period, by their status today, per channel and website."
            fetch=get_carts_by_status_report
            body=|data, query| view! { <CartsBody data query /> }
        />
    }
}

#[component]
fn CartsBody(data: ReportData<CartsByStatusReport>, query: ReportQuery) -> impl IntoView {
    let ReportData {
        report,
        channels,
        preset,
        time_zone,
    } = data;
    let granularity = report.granularity;
    let buckets = report.range.buckets(granularity);
    let x_labels: Vec<String> = buckets
        .iter()
        .map(|b| granularity.bucket_label((*b).max(report.range.from)))
        .collect();
    let series: Vec<Series> = CartStatus::ALL
        .iter()
        .enumerate()
        .map(|(si, status)| {
            let values: Vec<i64> = buckets
                .iter()
                .map(|b| {
                    report
                        .rows
                        .iter()
                        .filter(|r| r.start == *b)
                        .map(|r| r.counts[si])
                        .sum()
                })
                .collect();
            Series {
                name: status.label().to_string(),
                values: values.iter().map(|v| *v as f64).collect(),
                labels: values.iter().map(|v| count(*v)).collect(),
                color: (si + 1) as u8,
                dashed: false,
            }
        })
        .collect();
    let header: Vec<&str> = ["period_start", "channel", "website"]
        .into_iter()
        .chain(CartStatus::ALL.iter().map(|s| s.as_str()))
        .chain(["total"])
        .collect();
    let rows: Vec<Vec<String>> = report
        .rows
        .iter()
        .map(|r| {
            let mut row = vec![r.start.to_string(), r.channel.clone(), r.website.clone()];
            row.extend(r.counts.iter().map(|n| n.to_string()));
            row.push(r.counts.iter().sum::<i64>().to_string());
            row
        })
        .collect();
    let document = csv::document(&header, &rows);
    let file = format!(
        "carts-by-status-{}-{}.csv",
        report.range.from_param(),
        report.range.to_param()
    );
    let total: i64 = report.rows.iter().flat_map(|r| r.counts).sum();
    let all_carts = links::carts(report.range, query.channel, None, false);
    view! {
        <FilterBar
            path="/reports/carts-by-status"
            query=query.clone()
            preset
            range=report.range
            previous=None
            channels
            time_zone
            options=FilterOptions { granularity: Some(granularity), ..FilterOptions::default() }
        />
        <section class="card chart-card">
            <ColumnChart
                id="carts-status-chart"
                title=format!("Carts created by status ({})", granularity.label().to_lowercase())
                description=format!(
                    "{} carts created from {}, stacked by status per {}.",
                    count(total), report.range.label(), granularity.as_str()
                )
                x_labels
                series
                kind=ValueKind::Count
                stacked=true
                wide=true
            />
        </section>
        <section class="card card-flush">
            <div class="card-toolbar">
                <h2 class="card-title">{format!("{} carts", count(total))}</h2>
                <a href=all_carts>"Open in the carts grid"</a>
                <CsvButton file_name=file csv=document />
            </div>
            {if report.rows.is_empty() {
                view! { <p class="empty">"No carts were created in this period."</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="table table-compact" data-report-table="">
                            <thead>
                                <tr>
                                    <th scope="col">"Period"</th>
                                    <th scope="col">"Channel"</th>
                                    <th scope="col">"Website"</th>
                                    {CartStatus::ALL.iter().map(|s| view! { <th scope="col" class="num">{s.label()}</th> }).collect_view()}
                                    <th scope="col" class="num">"Total"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {report.rows.into_iter().map(|r| view! {
                                    <tr>
                                        <td>{granularity.bucket_label(r.start)}</td>
                                        <td>{r.channel}</td>
                                        <td>{r.website}</td>
                                        {r.counts.iter().map(|n| view! { <td class="num">{count(*n)}</td> }).collect_view()}
                                        <td class="num">{count(r.counts.iter().sum())}</td>
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
