//! Horizontal bars, one per category, each a link to the records behind it: carts by status,
//! the sales funnel.

use super::table::DataTable;
use leptos::prelude::*;

/// One bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// Shown at the end of the bar (`1,234 · 45.0%`).
    pub value_label: String,
    /// The grid listing these records.
    pub href: Option<String>,
    pub color: u8,
}

const W: f64 = 560.0;
const ROW: f64 = 34.0;
const LABEL_W: f64 = 180.0;
const VALUE_W: f64 = 110.0;

/// Bars scaled to the largest value.
#[component]
pub fn BarChart(
    id: &'static str,
    title: String,
    description: String,
    bars: Vec<Bar>,
    #[prop(default = "Category".to_string())] row_header: String,
    #[prop(default = "Value".to_string())] value_header: String,
) -> impl IntoView {
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    let h = ROW * bars.len().max(1) as f64;
    let track = W - LABEL_W - VALUE_W;
    let rows: Vec<(String, Vec<String>)> = bars
        .iter()
        .map(|b| (b.label.clone(), vec![b.value_label.clone()]))
        .collect();
    let (title_id, desc_id) = (format!("{id}-title"), format!("{id}-desc"));
    let labelled_by = format!("{title_id} {desc_id}");
    view! {
        <figure class="chart" id=id>
            <figcaption class="chart-head">
                <span class="chart-title">{title.clone()}</span>
            </figcaption>
            <svg
                class="chart-svg chart-bars"
                viewBox=format!("0 0 {W} {h}")
                role="img"
                aria-labelledby=labelled_by
            >
                <title id=title_id>{title}</title>
                <desc id=desc_id>{description}</desc>
                {bars
                    .into_iter()
                    .enumerate()
                    .map(|(i, b)| {
                        let y = ROW * i as f64;
                        let width = if max > 0.0 { (b.value / max * track).max(2.0) } else { 2.0 };
                        let body = view! {
                            <title>{format!("{}: {}", b.label, b.value_label)}</title>
                            <rect class="chart-bar-track" x=LABEL_W y=y + 7.0 width=track height=ROW - 14.0 rx="4" />
                            <rect
                                class=format!("chart-bar chart-c{}", b.color)
                                x=LABEL_W
                                y=y + 7.0
                                width=format!("{width:.1}")
                                height=ROW - 14.0
                                rx="4"
                            />
                            <text class="chart-bar-label" x=LABEL_W - 10.0 y=y + ROW / 2.0 + 4.0 text-anchor="end">
                                {b.label.clone()}
                            </text>
                            <text class="chart-bar-value" x=W - 4.0 y=y + ROW / 2.0 + 4.0 text-anchor="end">
                                {b.value_label.clone()}
                            </text>
                        };
                        match b.href {
                            Some(href) => view! {
                                <a href=href class="chart-bar-link">{body}</a>
                            }
                            .into_any(),
                            None => view! { <g>{body}</g> }.into_any(),
                        }
                    })
                    .collect_view()}
            </svg>
            <DataTable row_header columns=vec![value_header] rows />
        </figure>
    }
}
