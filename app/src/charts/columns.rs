//! A column chart over time buckets: series side by side (current and previous period) or
//! stacked (carts by status).

use super::Series;
use super::legend::Legend;
use super::line::{
    Axes, BOTTOM, Frame, H, HoverBands, TOP, Tooltip, W, WIDE_W, bucket_titles, entries, table_rows,
};
use super::scale::{ValueKind, axis_for};
use super::table::DataTable;
use leptos::prelude::*;

/// Columns of `series` per bucket; `stacked` piles them up (shown series only).
#[component]
pub fn ColumnChart(
    id: &'static str,
    title: String,
    description: String,
    x_labels: Vec<String>,
    series: Vec<Series>,
    kind: ValueKind,
    #[prop(default = false)] stacked: bool,
    #[prop(default = "Period".to_string())] row_header: String,
    /// Spans the whole page width.
    #[prop(default = false)]
    wide: bool,
) -> impl IntoView {
    let n = x_labels.len();
    let max = if stacked {
        (0..n)
            .map(|i| series.iter().filter_map(|s| s.values.get(i)).sum::<f64>())
            .fold(0.0, f64::max)
    } else {
        series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .fold(0.0, f64::max)
    };
    let (axis_max, step) = axis_for(&kind, max, 4);
    let frame = Frame {
        n,
        max: axis_max,
        slots: true,
        w: if wide { WIDE_W } else { W },
    };
    let hidden = RwSignal::new(vec![false; series.len()]);
    let active = RwSignal::new(None::<usize>);
    let titles = bucket_titles(&x_labels, &series);
    let rows = table_rows(&x_labels, &series);
    let columns: Vec<String> = series.iter().map(|s| s.name.clone()).collect();
    let legend = entries(&series);
    let stored_labels = StoredValue::new(x_labels.clone());
    let stored_series = StoredValue::new(series);
    let slot = frame.half_band() * 2.0;
    let (title_id, desc_id) = (format!("{id}-title"), format!("{id}-desc"));
    let labelled_by = format!("{title_id} {desc_id}");

    // Rectangles depend on which series are shown (stacks close up when one is hidden).
    let rects = move || {
        let hidden = hidden.get();
        stored_series.with_value(|all| {
            let shown: Vec<&Series> = all
                .iter()
                .enumerate()
                .filter(|(si, _)| !hidden.get(*si).copied().unwrap_or(false))
                .map(|(_, s)| s)
                .collect();
            let mut out = Vec::new();
            for i in 0..n {
                let mut base = 0.0;
                let group = shown.len().max(1) as f64;
                for (k, s) in shown.iter().enumerate() {
                    let v = s.values.get(i).copied().unwrap_or(0.0);
                    let (x, width, y0, y1) = if stacked {
                        let w = slot * 0.62;
                        let r = (frame.x(i) - w / 2.0, w, frame.y(base), frame.y(base + v));
                        base += v;
                        r
                    } else {
                        let w = slot * 0.72 / group;
                        let x = frame.x(i) - slot * 0.36 + w * k as f64;
                        (x, w, frame.y(0.0), frame.y(v))
                    };
                    out.push((s.color, s.dashed, x, width, y1, (y0 - y1).max(0.0)));
                }
            }
            out.into_iter()
                .map(|(color, dashed, x, width, y, height)| {
                    view! {
                        <rect
                            class=format!("chart-column chart-c{color}")
                            class:chart-column-previous=dashed
                            x=format!("{x:.1}")
                            y=format!("{y:.1}")
                            width=format!("{:.1}", (width - 1.0).max(1.0))
                            height=format!("{height:.1}")
                            rx="2"
                        />
                    }
                })
                .collect_view()
        })
    };

    view! {
        <figure class="chart" id=id>
            <figcaption class="chart-head">
                <span class="chart-title">{title.clone()}</span>
                <Legend entries=legend hidden />
            </figcaption>
            <div class="chart-frame">
                <svg
                    class="chart-svg"
                    viewBox=format!("0 0 {} {H}", frame.w)
                    role="img"
                    aria-labelledby=labelled_by
                >
                    <title id=title_id>{title}</title>
                    <desc id=desc_id>{description}</desc>
                    <Axes frame step kind x_labels />
                    <g>{rects}</g>
                    {move || {
                        active.get().map(|i| {
                            let x = frame.x(i) - slot / 2.0;
                            view! {
                                <rect class="chart-highlight" x=x y=TOP width=slot height=H - TOP - BOTTOM />
                            }
                        })
                    }}
                    <HoverBands frame active titles />
                </svg>
                <Tooltip frame active hidden x_labels=stored_labels series=stored_series />
            </div>
            <DataTable row_header columns rows />
        </figure>
    }
}
