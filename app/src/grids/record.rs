//! The parts every record page shares: the record id from the path, tabs in the URL
//! (`?tab=orders`), the header, field lists, and related lists (compact grids filtered by this
//! record, sorted and paged through the same URL).

use super::entity::GridEntity;
use super::grid::{GridSetup, grid};
use crate::components::error::ErrorMessage;
use domain::AppError;
use domain::grid::detail::RecordLink;
use domain::grid::{LocalTime, Money};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The `:id` of the path; an id that is not a number becomes one no record has (the page then
/// says "not found" like for any missing record).
pub fn use_record_id() -> Memo<i64> {
    let params = use_params_map();
    Memo::new(move |_| {
        params
            .with(|p| p.get("id"))
            .and_then(|id| id.parse::<i64>().ok())
            .filter(|id| *id > 0)
            .unwrap_or(0)
    })
}

/// The open tab (`?tab=…`), the first one when the URL names none or an unknown one.
pub fn use_tab(tabs: &'static [&'static str]) -> Memo<&'static str> {
    let query = use_query_map();
    Memo::new(move |_| {
        let wanted = query.with(|q| q.get("tab")).unwrap_or_default();
        tabs.iter()
            .copied()
            .find(|t| *t == wanted)
            .unwrap_or(tabs[0])
    })
}

/// A tab: its key in the URL, its label, and how many rows it lists (if it is a list).
pub struct Tab {
    pub key: &'static str,
    pub label: &'static str,
    pub count: Option<i64>,
}

impl Tab {
    pub fn new(key: &'static str, label: &'static str, count: Option<i64>) -> Self {
        Tab { key, label, count }
    }
}

/// The tab bar: links, so each tab has its own URL and the back button walks them.
pub fn tabs(path: &str, list: Vec<Tab>, active: &str) -> AnyView {
    let links = list
        .into_iter()
        .map(|tab| {
            let href = if tab.key == "details" { path.to_string() } else { format!("{path}?tab={}", tab.key) };
            let current = tab.key == active;
            view! {
                <a class="record-tab" href=href aria-current=current.then_some("page")>
                    {tab.label}
                    {tab.count.map(|n| view! { <span class="tab-count">{crate::format::thousands(n)}</span> })}
                </a>
            }
        })
        .collect_view();
    view! { <nav class="record-tabs" aria-label="Sections of this record">{links}</nav> }.into_any()
}

/// The title block: where the record sits, its name, and badges.
pub fn header(
    section: (&'static str, &'static str),
    title: String,
    badges: AnyView,
    actions: AnyView,
) -> impl IntoView {
    view! {
        <div class="record-header">
            <nav class="breadcrumbs" aria-label="Breadcrumbs">
                <a href=section.1>{section.0}</a>
                <span aria-hidden="true">" › "</span>
            </nav>
            <div class="page-header">
                <h1>{title}<span class="record-badges">{badges}</span></h1>
                <div class="record-actions">{actions}</div>
            </div>
        </div>
    }
}

/// A list of labelled values.
pub fn fields(list: Vec<(&'static str, AnyView)>) -> impl IntoView {
    let rows = list
        .into_iter()
        .map(|(label, value)| view! { <div class="record-field"><dt>{label}</dt><dd>{value}</dd></div> })
        .collect_view();
    view! { <dl class="record-fields">{rows}</dl> }
}

/// A card with a title around some content.
pub fn section(title: &'static str, content: impl IntoView + 'static) -> impl IntoView {
    view! {
        <section class="card record-section">
            <h2>{title}</h2>
            {content}
        </section>
    }
}

fn none() -> AnyView {
    view! { <span class="muted">"—"</span> }.into_any()
}

pub fn text(value: Option<String>) -> AnyView {
    match value.filter(|v| !v.trim().is_empty()) {
        Some(v) => v.into_any(),
        None => none(),
    }
}

pub fn money(value: &Option<Money>) -> AnyView {
    value.as_ref().map_or_else(none, |m| m.display().into_any())
}

pub fn time(value: &Option<LocalTime>) -> AnyView {
    value.as_ref().map_or_else(none, |t| t.display().into_any())
}

pub fn yes_no(value: Option<bool>) -> AnyView {
    match value {
        Some(true) => "Yes".into_any(),
        Some(false) => "No".into_any(),
        None => none(),
    }
}

/// A link to another record (`/orders/12`).
pub fn link(value: &Option<RecordLink>, base: &str) -> AnyView {
    match value {
        Some(l) => view! { <a href=format!("{base}/{}", l.id)>{l.label.clone()}</a> }.into_any(),
        None => none(),
    }
}

/// A related list: the grid of `R` filtered by this record, in the tab `tab`.
pub fn related<R: GridEntity>(
    filter: &'static str,
    id: i64,
    tab: &'static str,
    label: &'static str,
) -> impl IntoView {
    grid::<R>(GridSetup {
        fixed: vec![(filter.to_string(), id.to_string())],
        keep: vec![("tab".to_string(), tab.to_string())],
        compact: true,
        label,
    })
}

/// A related list filtered by several fixed filters (a product's orders: its SKU and channel).
pub fn related_by<R: GridEntity>(
    fixed: Vec<(String, String)>,
    tab: &'static str,
    label: &'static str,
) -> impl IntoView {
    grid::<R>(GridSetup {
        fixed,
        keep: vec![("tab".to_string(), tab.to_string())],
        compact: true,
        label,
    })
}

/// A record that could not be shown: not found (with the way back), or another error.
pub fn failed(error: AppError, back: (&'static str, &'static str)) -> AnyView {
    if error == AppError::NotFound {
        view! {
            <div class="card empty-state" role="alert">
                <h1>"Not found"</h1>
                <p>"This record does not exist, or it was deleted with its channel."</p>
                <a class="button" href=back.1>{back.0}</a>
            </div>
        }
        .into_any()
    } else {
        view! {
            <ErrorMessage error />
            <p><a href=back.1>{back.0}</a></p>
        }
        .into_any()
    }
}

/// The placeholder while a record loads.
pub fn loading() -> impl IntoView {
    view! { <div class="record-loading" aria-busy="true"><p class="muted">"Loading…"</p></div> }
}
