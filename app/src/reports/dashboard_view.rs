//! The dashboard's body: headline numbers, the revenue and orders charts, carts by status, the
//! sales funnel and the top customers, for the range and channel in the URL.

use super::api::{DashboardData, get_dashboard};
use super::filters::{FilterBar, FilterOptions};
use super::kpi::{Better, KpiCard};
use super::links;
use super::query::ReportQuery;
use crate::charts::{Bar, BarChart, ColumnChart, LineChart, Series, ValueKind};
use crate::components::error::ErrorMessage;
use domain::CartStatus;
use domain::metrics::{self, Dashboard, UNDEFINED, count, delta, money, percent, points_delta};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// Loads the dashboard for the URL's filters and draws it.
#[component]
pub fn DashboardView() -> impl IntoView {
    let params = use_query_map();
    let query = move || ReportQuery::from_map(&params.read());
    let data = crate::data::data(query, get_dashboard);
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading the dashboard…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <DashboardBody data=d query=query() /> }.into_any(),
                    Err(e) => view! { <ErrorMessage error=e /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn DashboardBody(data: DashboardData, query: ReportQuery) -> impl IntoView {
    let DashboardData {
        dashboard: d,
        channels,
        preset,
        time_zone,
    } = data;
    let options = FilterOptions {
        currencies: d.currencies.clone(),
        currency: Some(d.currency.clone()),
        granularity: None,
    };
    let empty = d.is_empty().then(|| {
        view! {
            <div class="alert alert-info empty-range" role="status">
                <strong>"Nothing happened in this period."</strong>
                " No orders, carts or refunds were created between "
                {d.range.label()}
                " or in the period before. Try a longer range."
            </div>
        }
    });
    view! {
        <FilterBar
            path="/"
            query
            preset
            range=d.range
            previous=Some(d.previous)
            channels
            time_zone
            options
        />
        {empty}
        <Headlines d=d.clone() />
        <div class="dashboard-grid">
            <div class="card chart-card chart-card-wide"><RevenueChart d=d.clone() /></div>
            <div class="card chart-card"><OrdersChart d=d.clone() /></div>
            <div class="card chart-card"><CartStatusChart d=d.clone() /></div>
            <div class="card chart-card"><FunnelChart d=d.clone() /></div>
            <div class="card chart-card"><TopCustomers d /></div>
        </div>
    }
}

fn dec(n: i64) -> Decimal {
    Decimal::from(n)
}

fn money_or_dash(value: Option<Decimal>, currency: &str) -> String {
    value
        .map(|v| money(v, currency))
        .unwrap_or_else(|| UNDEFINED.to_string())
}

/// The headline cards.
#[component]
fn Headlines(d: Dashboard) -> impl IntoView {
    let (range, channel, cur) = (d.range, d.channel, d.currency.clone());
    let (now, before) = (&d.sales.current, &d.sales.previous);
    let (sales_now, sales_before) = (now.currency(&cur), before.currency(&cur));
    let (aov_now, aov_before) = (sales_now.aov(), sales_before.aov());
    let (carts_now, carts_before) = (&d.carts.current, &d.carts.previous);
    let (cust_now, cust_before) = (&d.customers.current, &d.customers.previous);
    let (ref_now, ref_before) = (&d.refunds.current, &d.refunds.previous);
    let other_currencies = (d.currencies.len() > 1).then(|| format!("{cur} orders only"));
    let orders_link = links::orders(range, channel, false);
    let abandoned_link = links::carts(range, channel, Some("open"), true);
    let canceled_note =
        (now.canceled > 0).then(|| format!("{} canceled, not counted", count(now.canceled)));
    view! {
        <section class="kpi-grid" aria-label="Headline numbers">
            <KpiCard
                id="revenue"
                label=format!("Revenue{}", if cur.is_empty() { String::new() } else { format!(" ({cur})") })
                value=money(sales_now.revenue, &cur)
                change=delta(sales_now.revenue, sales_before.revenue)
                previous=money(sales_before.revenue, &cur)
                href=orders_link.clone()
                link_label="Open the orders of this period".to_string()
                detail="Subtotal less discounts, canceled orders excluded".to_string()
            />
            <KpiCard
                id="orders"
                label="Orders".to_string()
                value=count(now.orders)
                change=delta(dec(now.orders), dec(before.orders))
                previous=count(before.orders)
                href=orders_link.clone()
                link_label="Open the orders of this period".to_string()
                detail=canceled_note.unwrap_or_else(|| "Canceled orders excluded".to_string())
            />
            <KpiCard
                id="aov"
                label="Average order value".to_string()
                value=money_or_dash(aov_now, &cur)
                change=match (aov_now, aov_before) {
                    (Some(a), Some(b)) => delta(a, b),
                    _ => metrics::points_delta(None, None),
                }
                previous=money_or_dash(aov_before, &cur)
                href=orders_link
                link_label="Open the orders of this period".to_string()
                detail=other_currencies.unwrap_or_else(|| "Revenue ÷ orders".to_string())
            />
            <KpiCard
                id="discounted"
                label="Discounted orders".to_string()
                value=percent(now.discounted_share())
                change=points_delta(now.discounted_share(), before.discounted_share())
                previous=percent(before.discounted_share())
                href=links::orders(range, channel, true)
                link_label="Open the discounted orders of this period".to_string()
                better=Better::Lower
                detail=format!("{} of {} orders", count(now.discounted), count(now.orders))
            />
            <KpiCard
                id="new-customers"
                label="New customers".to_string()
                value=count(cust_now.new)
                change=delta(dec(cust_now.new), dec(cust_before.new))
                previous=count(cust_before.new)
                href=links::buyers(range, channel, true)
                link_label="Open these new customers".to_string()
                detail="First seen and ordered in the period".to_string()
            />
            <KpiCard
                id="returning-customers"
                label="Returning customers".to_string()
                value=count(cust_now.returning)
                change=delta(dec(cust_now.returning), dec(cust_before.returning))
                previous=count(cust_before.returning)
                href=links::buyers(range, channel, false)
                link_label="Open these returning customers".to_string()
                detail="Known before, ordered again".to_string()
            />
            <KpiCard
                id="abandoned-carts"
                label="Abandoned carts".to_string()
                value=count(carts_now.abandoned)
                change=delta(dec(carts_now.abandoned), dec(carts_before.abandoned))
                previous=count(carts_before.abandoned)
                href=abandoned_link.clone()
                link_label="Open these abandoned carts".to_string()
                better=Better::Lower
                detail=format!("{} left in them", money(carts_now.abandoned_value_in(&cur), &cur))
            />
            <KpiCard
                id="abandon-rate"
                label="Abandon rate".to_string()
                value=percent(carts_now.abandon_rate())
                change=points_delta(carts_now.abandon_rate(), carts_before.abandon_rate())
                previous=percent(carts_before.abandon_rate())
                href=abandoned_link
                link_label="Open the abandoned carts".to_string()
                better=Better::Lower
                detail=format!(
                    "{} abandoned of {} abandoned or purchased",
                    count(carts_now.abandoned),
                    count(carts_now.abandoned + carts_now.purchased)
                )
            />
            <KpiCard
                id="refunds"
                label="Refunds".to_string()
                value=money(ref_now.total_in(&cur), &cur)
                change=delta(ref_now.total_in(&cur), ref_before.total_in(&cur))
                previous=money(ref_before.total_in(&cur), &cur)
                href=links::refunds(range, channel)
                link_label="Open the refunded credit memos".to_string()
                better=Better::Lower
                detail=format!("{} refunded credit memos", count(ref_now.count))
            />
        </section>
    }
}

fn bucket_labels(d: &Dashboard) -> Vec<String> {
    d.series
        .current
        .iter()
        .map(|p| d.granularity.bucket_label(p.start.max(d.range.from)))
        .collect()
}

/// The previous period's values aligned with the current buckets by position.
fn aligned<T: Clone + Default>(values: Vec<T>, len: usize) -> Vec<T> {
    let mut out = values;
    out.resize(len, T::default());
    out
}

#[component]
fn RevenueChart(d: Dashboard) -> impl IntoView {
    let cur = d.currency.clone();
    let labels = bucket_labels(&d);
    let n = labels.len();
    let now: Vec<Decimal> = d
        .series
        .current
        .iter()
        .map(|p| p.revenue_in(&cur))
        .collect();
    let before: Vec<Decimal> = aligned(
        d.series
            .previous
            .iter()
            .map(|p| p.revenue_in(&cur))
            .collect(),
        n,
    );
    let series = |name: &str, values: &[Decimal], color, dashed| Series {
        name: name.to_string(),
        values: values.iter().map(|v| v.to_f64().unwrap_or(0.0)).collect(),
        labels: values.iter().map(|v| money(*v, &cur)).collect(),
        color,
        dashed,
    };
    let total = money(now.iter().copied().sum(), &cur);
    view! {
        <LineChart
            id="revenue-chart"
            title=format!("Revenue over time ({})", d.granularity.label().to_lowercase())
            description=format!(
                "Revenue in {cur} per {} from {}, {total} in total, with the previous period dashed.",
                d.granularity.as_str(),
                d.range.label()
            )
            x_labels=labels
            series=vec![
                series("This period", &now, 1, false),
                series("Previous period", &before, 2, true),
            ]
            kind=ValueKind::Money(cur.clone())
            wide=true
        />
    }
}

#[component]
fn OrdersChart(d: Dashboard) -> impl IntoView {
    let labels = bucket_labels(&d);
    let n = labels.len();
    let now: Vec<i64> = d.series.current.iter().map(|p| p.orders).collect();
    let before = aligned(d.series.previous.iter().map(|p| p.orders).collect(), n);
    let series = |name: &str, values: &[i64], color, dashed| Series {
        name: name.to_string(),
        values: values.iter().map(|v| *v as f64).collect(),
        labels: values.iter().map(|v| count(*v)).collect(),
        color,
        dashed,
    };
    view! {
        <ColumnChart
            id="orders-chart"
            title="Orders over time".to_string()
            description=format!(
                "Orders per {} from {}, beside the previous period.",
                d.granularity.as_str(),
                d.range.label()
            )
            x_labels=labels
            series=vec![series("This period", &now, 1, false), series("Previous period", &before, 2, true)]
            kind=ValueKind::Count
        />
    }
}

#[component]
fn CartStatusChart(d: Dashboard) -> impl IntoView {
    let carts = &d.carts.current;
    let bars: Vec<Bar> = CartStatus::ALL
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let n = carts.status(*s);
            Bar {
                label: s.label().to_string(),
                value: n as f64,
                value_label: format!(
                    "{} · {}",
                    count(n),
                    percent(metrics::ratio(n, carts.created))
                ),
                href: Some(links::carts(d.range, d.channel, Some(s.as_str()), false)),
                color: (i + 1) as u8,
            }
        })
        .collect();
    view! {
        <BarChart
            id="cart-status-chart"
            title=format!("Carts by status · {} created", count(carts.created))
            description=format!(
                "Carts created from {} by their status today; each bar opens those carts.",
                d.range.label()
            )
            bars
            row_header="Status".to_string()
            value_header="Carts".to_string()
        />
    }
}

#[component]
fn FunnelChart(d: Dashboard) -> impl IntoView {
    let c = &d.carts.current;
    let stage = |label: &str, n: i64, href: String| Bar {
        label: label.to_string(),
        value: n as f64,
        value_label: format!("{} · {}", count(n), percent(metrics::ratio(n, c.created))),
        href: Some(href),
        color: 1,
    };
    let all = links::carts(d.range, d.channel, None, false);
    let bars = vec![
        stage("Carts created", c.created, all),
        stage(
            "With items",
            c.with_items,
            links::funnel(d.range, d.channel, "with_items"),
        ),
        stage(
            "Checkout reached",
            c.checkout,
            links::funnel(d.range, d.channel, "checkout"),
        ),
        stage(
            "Purchased",
            c.purchased,
            links::carts(d.range, d.channel, Some("purchased"), false),
        ),
    ];
    view! {
        <BarChart
            id="funnel-chart"
            title="Sales funnel".to_string()
            description=format!(
                "Of the {} carts created from {}: {} had items, {} reached checkout (a billing address), {} were purchased.",
                count(c.created), d.range.label(), count(c.with_items), count(c.checkout), count(c.purchased)
            )
            bars
            row_header="Stage".to_string()
            value_header="Carts · share of created".to_string()
        />
    }
}

#[component]
fn TopCustomers(d: Dashboard) -> impl IntoView {
    let cur = d.currency.clone();
    let rows = d.top_customers.clone();
    view! {
        <h2 class="card-title">"Top customers by lifetime sales"</h2>
        {if rows.is_empty() {
            view! { <p class="muted">"No customer has bought anything yet."</p> }.into_any()
        } else {
            view! {
                <table class="table table-compact">
                    <thead>
                        <tr>
                            <th scope="col">"Customer"</th>
                            <th scope="col" class="num">"Orders"</th>
                            <th scope="col" class="num">{format!("Lifetime sales ({cur})")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows
                            .into_iter()
                            .map(|c| {
                                view! {
                                    <tr>
                                        <td>
                                            <a href=links::customer(c.id)>{c.name}</a>
                                            {c.is_guest.then(|| view! { <span class="badge badge-muted">"Guest"</span> })}
                                            <div class="muted small">{c.email}</div>
                                        </td>
                                        <td class="num">{count(c.orders as i64)}</td>
                                        <td class="num">{money(c.lifetime_sales.amount, &c.lifetime_sales.currency)}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            }
            .into_any()
        }}
    }
}
