//! A line chart over time buckets: the current period solid with a soft area, the previous
//! period dashed. Hovering a bucket shows its values.

use super::Series;
use super::legend::{Entry, Legend};
use super::scale::{ValueKind, axis_for, label_every};
use super::table::DataTable;
use leptos::prelude::*;

/// Width of a chart in a half-width card; wide charts use `WIDE_W`. The viewBox is about the
/// card's size in CSS pixels, so text keeps its size whatever the chart's width.
pub(super) const W: f64 = 620.0;
pub(super) const WIDE_W: f64 = 1160.0;
pub(super) const H: f64 = 260.0;
pub(super) const LEFT: f64 = 60.0;
pub(super) const RIGHT: f64 = 14.0;
pub(super) const TOP: f64 = 12.0;
pub(super) const BOTTOM: f64 = 28.0;
const TICKS: usize = 4;

/// Geometry shared by the line and column charts.
#[derive(Clone, Copy)]
pub(super) struct Frame {
    pub n: usize,
    pub max: f64,
    /// Columns centre their buckets in equal slots; lines run edge to edge.
    pub slots: bool,
    /// viewBox width.
    pub w: f64,
}

impl Frame {
    pub fn plot_w(&self) -> f64 {
        self.w - LEFT - RIGHT
    }

    pub fn plot_h(&self) -> f64 {
        H - TOP - BOTTOM
    }

    pub fn x(&self, i: usize) -> f64 {
        if self.slots {
            LEFT + self.plot_w() * (i as f64 + 0.5) / self.n.max(1) as f64
        } else if self.n <= 1 {
            LEFT + self.plot_w() / 2.0
        } else {
            LEFT + self.plot_w() * i as f64 / (self.n - 1) as f64
        }
    }

    pub fn y(&self, v: f64) -> f64 {
        TOP + self.plot_h() * (1.0 - (v / self.max).clamp(0.0, 1.0))
    }

    /// Half the width of a bucket's hover band.
    pub fn half_band(&self) -> f64 {
        if self.slots || self.n <= 1 {
            self.plot_w() / self.n.max(1) as f64 / 2.0
        } else {
            self.plot_w() / (self.n - 1) as f64 / 2.0
        }
    }
}

/// Grid lines, y ticks and x labels.
#[component]
pub(super) fn Axes(
    frame: Frame,
    step: f64,
    kind: ValueKind,
    x_labels: Vec<String>,
) -> impl IntoView {
    let every = label_every(frame.n, 7);
    let last = frame.n.saturating_sub(1);
    view! {
        <g class="chart-axes" aria-hidden="true">
            {(0..=TICKS)
                .map(|k| {
                    let v = step * k as f64;
                    let y = frame.y(v);
                    view! {
                        <line class="chart-grid" x1=LEFT x2=frame.w - RIGHT y1=y y2=y />
                        <text class="chart-tick" x=LEFT - 8.0 y=y + 4.0 text-anchor="end">
                            {kind.tick(v)}
                        </text>
                    }
                })
                .collect_view()}
            {x_labels
                .into_iter()
                .enumerate()
                .filter(|(i, _)| i % every == 0 || *i == last)
                .filter(|(i, _)| *i == last || last - i >= every.div_ceil(2))
                .map(|(i, label)| {
                    let anchor = if frame.slots || frame.n <= 2 {
                        "middle"
                    } else if i == 0 {
                        "start"
                    } else if i == last {
                        "end"
                    } else {
                        "middle"
                    };
                    view! {
                        <text class="chart-tick" x=frame.x(i) y=H - 8.0 text-anchor=anchor>
                            {label}
                        </text>
                    }
                })
                .collect_view()}
        </g>
    }
}

/// The read-out above a hovered bucket.
#[component]
pub(super) fn Tooltip(
    frame: Frame,
    active: RwSignal<Option<usize>>,
    hidden: RwSignal<Vec<bool>>,
    x_labels: StoredValue<Vec<String>>,
    series: StoredValue<Vec<Series>>,
) -> impl IntoView {
    move || {
        active.get().map(|i| {
            let left = (frame.x(i) / frame.w * 100.0).clamp(8.0, 92.0);
            let hidden = hidden.get();
            view! {
                <div class="chart-tooltip" style=format!("left: {left:.2}%") role="status">
                    <strong>{x_labels.with_value(|l| l.get(i).cloned().unwrap_or_default())}</strong>
                    {series
                        .with_value(|all| {
                            all.iter()
                                .enumerate()
                                .filter(|(si, _)| !hidden.get(*si).copied().unwrap_or(false))
                                .map(|(_, s)| {
                                    view! {
                                        <span class="chart-tooltip-row">
                                            <span class=format!("chart-swatch chart-c{}", s.color)
                                                class:chart-swatch-dashed=s.dashed></span>
                                            {s.name.clone()}": "
                                            <b>{s.labels.get(i).cloned().unwrap_or_default()}</b>
                                        </span>
                                    }
                                })
                                .collect_view()
                        })}
                </div>
            }
        })
    }
}

/// Transparent bands over each bucket: hover targets, with a native tooltip as a fallback.
#[component]
pub(super) fn HoverBands(
    frame: Frame,
    active: RwSignal<Option<usize>>,
    titles: Vec<String>,
) -> impl IntoView {
    let half = frame.half_band();
    titles
        .into_iter()
        .enumerate()
        .map(|(i, title)| {
            view! {
                <rect
                    class="chart-hit"
                    x=frame.x(i) - half
                    y=TOP
                    width=half * 2.0
                    height=frame.plot_h()
                    on:mouseenter=move |_| active.set(Some(i))
                    on:mouseleave=move |_| active.set(None)
                >
                    <title>{title}</title>
                </rect>
            }
        })
        .collect_view()
}

/// Per bucket: `label: a · b` for native tooltips and the table.
pub(super) fn bucket_titles(x_labels: &[String], series: &[Series]) -> Vec<String> {
    x_labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let values: Vec<String> = series
                .iter()
                .map(|s| {
                    format!(
                        "{} {}",
                        s.name,
                        s.labels.get(i).cloned().unwrap_or_default()
                    )
                })
                .collect();
            format!("{label}: {}", values.join(" · "))
        })
        .collect()
}

pub(super) fn table_rows(x_labels: &[String], series: &[Series]) -> Vec<(String, Vec<String>)> {
    x_labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            (
                label.clone(),
                series
                    .iter()
                    .map(|s| s.labels.get(i).cloned().unwrap_or_default())
                    .collect(),
            )
        })
        .collect()
}

pub(super) fn entries(series: &[Series]) -> Vec<Entry> {
    series
        .iter()
        .map(|s| Entry {
            name: s.name.clone(),
            color: s.color,
            dashed: s.dashed,
        })
        .collect()
}

/// A line chart of `series` over the buckets named by `x_labels`.
#[component]
pub fn LineChart(
    /// Unique on the page: names the title and description elements.
    id: &'static str,
    title: String,
    /// What the chart shows, in one sentence, for screen readers.
    description: String,
    x_labels: Vec<String>,
    series: Vec<Series>,
    kind: ValueKind,
    /// Header of the data table's first column.
    #[prop(default = "Period".to_string())]
    row_header: String,
    /// Spans the whole page width.
    #[prop(default = false)]
    wide: bool,
) -> impl IntoView {
    let n = x_labels.len();
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .fold(0.0, f64::max);
    let (axis_max, step) = axis_for(&kind, max, TICKS);
    let frame = Frame {
        n,
        max: axis_max,
        slots: false,
        w: if wide { WIDE_W } else { W },
    };
    let hidden = RwSignal::new(vec![false; series.len()]);
    let active = RwSignal::new(None::<usize>);
    let titles = bucket_titles(&x_labels, &series);
    let rows = table_rows(&x_labels, &series);
    let columns: Vec<String> = series.iter().map(|s| s.name.clone()).collect();
    let legend = entries(&series);
    let paths: Vec<(usize, Series, String)> = series
        .iter()
        .cloned()
        .enumerate()
        .map(|(si, s)| {
            let d = s
                .values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    format!(
                        "{}{:.1},{:.1}",
                        if i == 0 { "M" } else { "L" },
                        frame.x(i),
                        frame.y(*v)
                    )
                })
                .collect::<String>();
            (si, s, d)
        })
        .collect();
    let stored_labels = StoredValue::new(x_labels.clone());
    let stored_series = StoredValue::new(series.clone());
    let (title_id, desc_id) = (format!("{id}-title"), format!("{id}-desc"));
    let labelled_by = format!("{title_id} {desc_id}");
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
                    {paths
                        .into_iter()
                        .map(|(si, s, d)| {
                            let is_hidden = move || hidden.with(|h| h.get(si).copied().unwrap_or(false));
                            let area = (!s.dashed && n > 1).then(|| {
                                let base = frame.y(0.0);
                                format!(
                                    "{d}L{:.1},{base:.1}L{:.1},{base:.1}Z",
                                    frame.x(n - 1),
                                    frame.x(0)
                                )
                            });
                            view! {
                                {area.map(|a| view! {
                                    <path class=format!("chart-area chart-c{}", s.color)
                                        class:chart-hidden=is_hidden d=a />
                                })}
                                <path
                                    class=format!("chart-line chart-c{}", s.color)
                                    class:chart-dashed=s.dashed
                                    class:chart-hidden=is_hidden
                                    d=d
                                />
                            }
                        })
                        .collect_view()}
                    {move || {
                        active.get().map(|i| {
                            let hidden = hidden.get();
                            view! {
                                <line class="chart-guide" x1=frame.x(i) x2=frame.x(i) y1=TOP y2=H - BOTTOM />
                                {stored_series.with_value(|all| {
                                    all.iter()
                                        .enumerate()
                                        .filter(|(si, _)| !hidden.get(*si).copied().unwrap_or(false))
                                        .filter_map(|(_, s)| s.values.get(i).map(|v| (s.color, *v)))
                                        .map(|(color, v)| view! {
                                            <circle class=format!("chart-dot chart-c{color}")
                                                cx=frame.x(i) cy=frame.y(v) r="4" />
                                        })
                                        .collect_view()
                                })}
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
