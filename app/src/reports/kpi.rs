//! A headline number: its value, its change against the previous period and a link to the
//! records behind it.

use domain::metrics::{Change, Trend};
use leptos::prelude::*;

/// Whether a rise is good news (revenue) or bad news (abandon rate), for the change's colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
}

/// One card of the dashboard. The whole card links to the grid listing its records.
#[component]
pub fn KpiCard(
    /// Stable name for tests and styles (`revenue`, `abandoned-carts`).
    id: &'static str,
    label: String,
    value: String,
    change: Change,
    /// The previous period's value, already formatted.
    previous: String,
    href: String,
    /// What the link opens, for assistive technology (`Open the orders of this period`).
    link_label: String,
    #[prop(default = Better::Higher)] better: Better,
    /// A second line under the value (`€1,234.00 in 12 carts`).
    #[prop(optional)]
    detail: Option<String>,
) -> impl IntoView {
    let tone = match (change.trend, better) {
        (Trend::Up, Better::Higher) | (Trend::Down, Better::Lower) => "good",
        (Trend::Down, Better::Higher) | (Trend::Up, Better::Lower) => "bad",
        _ => "neutral",
    };
    let arrow = match change.trend {
        Trend::Up => "▲",
        Trend::Down => "▼",
        _ => "",
    };
    let title = link_label.clone();
    view! {
        <a class="kpi" href=href data-kpi=id title=title>
            <span class="kpi-label">{label}</span>
            <span class="kpi-value" data-value="">{value}</span>
            {detail.map(|d| view! { <span class="kpi-detail">{d}</span> })}
            <span class="kpi-compare">
                <span class=format!("kpi-change kpi-{tone}")>
                    <span aria-hidden="true">{arrow}</span>
                    {change.text}
                </span>
                <span class="kpi-previous">{format!("vs {previous}")}</span>
            </span>
            <span class="visually-hidden">{link_label}</span>
        </a>
    }
}
