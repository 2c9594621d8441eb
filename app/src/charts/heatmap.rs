//! A 5 × 5 grid of counts (RFM: recency across, frequency up), shaded by count.

use super::table::DataTable;
use leptos::prelude::*;

/// One cell: its position (1–5 on each axis), count and read-out.
#[derive(Clone, Debug, PartialEq)]
pub struct HeatCell {
    pub x: i16,
    pub y: i16,
    pub count: i64,
    pub label: String,
}

const CELL: f64 = 64.0;
const PAD: f64 = 40.0;

#[component]
pub fn Heatmap(
    id: &'static str,
    title: String,
    description: String,
    x_title: String,
    y_title: String,
    cells: Vec<HeatCell>,
) -> impl IntoView {
    let max = cells.iter().map(|c| c.count).max().unwrap_or(0).max(1) as f64;
    let size = PAD + CELL * 5.0 + 8.0;
    let mut rows: Vec<(String, Vec<String>)> = (1..=5)
        .rev()
        .map(|y| {
            (
                format!("{y_title} {y}"),
                (1..=5)
                    .map(|x| {
                        cells
                            .iter()
                            .find(|c| c.x == x && c.y == y)
                            .map(|c| c.label.clone())
                            .unwrap_or_else(|| "0".into())
                    })
                    .collect(),
            )
        })
        .collect();
    rows.truncate(5);
    let columns = (1..=5).map(|x| format!("{x_title} {x}")).collect();
    let (title_id, desc_id) = (format!("{id}-title"), format!("{id}-desc"));
    let labelled_by = format!("{title_id} {desc_id}");
    view! {
        <figure class="chart" id=id>
            <figcaption class="chart-head">
                <span class="chart-title">{title.clone()}</span>
            </figcaption>
            <svg
                class="chart-svg chart-heatmap"
                viewBox=format!("0 0 {size} {size}")
                role="img"
                aria-labelledby=labelled_by
            >
                <title id=title_id>{title}</title>
                <desc id=desc_id>{description}</desc>
                {(1..=5)
                    .flat_map(|x| (1..=5).map(move |y| (x, y)))
                    .map(|(x, y)| {
                        let cell = cells.iter().find(|c| c.x == x && c.y == y);
                        let count = cell.map(|c| c.count).unwrap_or(0);
                        let label = cell.map(|c| c.label.clone()).unwrap_or_else(|| "0".into());
                        let px = PAD + CELL * (x - 1) as f64;
                        let py = CELL * (5 - y) as f64;
                        let strength = 0.08 + 0.92 * count as f64 / max;
                        view! {
                            <g>
                                <title>{format!("{x_title} {x}, {y_title} {y}: {label}")}</title>
                                <rect class="chart-heat" x=px + 2.0 y=py + 2.0 width=CELL - 4.0
                                    height=CELL - 4.0 rx="6" style=format!("opacity: {strength:.2}") />
                                <text class="chart-heat-label" x=px + CELL / 2.0 y=py + CELL / 2.0 + 5.0
                                    text-anchor="middle">{count.to_string()}</text>
                            </g>
                        }
                    })
                    .collect_view()}
                {(1..=5)
                    .map(|k| view! {
                        <text class="chart-tick" x=PAD + CELL * (k as f64 - 0.5) y=size - 14.0
                            text-anchor="middle">{k.to_string()}</text>
                        <text class="chart-tick" x=PAD - 12.0 y=CELL * (5.0 - k as f64 + 0.5) + 4.0
                            text-anchor="end">{k.to_string()}</text>
                    })
                    .collect_view()}
                <text class="chart-axis-title" x=PAD + CELL * 2.5 y=size text-anchor="middle">{x_title.clone()}</text>
                <text class="chart-axis-title" x="10" y=CELL * 2.5 text-anchor="middle"
                    transform=format!("rotate(-90 10 {})", CELL * 2.5)>{y_title.clone()}</text>
            </svg>
            <DataTable row_header=y_title.clone() columns rows />
        </figure>
    }
}
