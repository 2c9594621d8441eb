//! The count ("1–50 of 12,345 carts"), the page size choice and the pager: links all.

use super::Links;
use super::model::Model;
use crate::format::thousands;
use domain::grid::PER_PAGE_CHOICES;
use leptos::prelude::*;

pub fn summary(model: &Model, links: &Links) -> AnyView {
    let query = &*model.query;
    let first = query.offset() + 1;
    let last = query.offset() + model.rows.len() as i64;
    let count = if model.rows.is_empty() {
        format!("{} {}", thousands(model.total), model.noun)
    } else {
        format!(
            "{}–{} of {} {}",
            thousands(first),
            thousands(last),
            thousands(model.total),
            model.noun
        )
    };
    let sizes = PER_PAGE_CHOICES
        .into_iter()
        .map(|n| {
            if n == query.per_page() {
                view! { <span class="page-size current" aria-current="true">{n}</span> }.into_any()
            } else {
                let href = links.to(query.with_per_page(n));
                view! { <a class="page-size" href=href aria-label=format!("{n} rows per page")>{n}</a> }.into_any()
            }
        })
        .collect_view();
    view! {
        <div class="grid-summary">
            <p class="grid-count" role="status" aria-live="polite">{count}</p>
            <div class="grid-page-sizes">
                <span class="muted">"Rows per page"</span>
                {sizes}
            </div>
        </div>
    }
    .into_any()
}

pub fn pager(model: &Model, links: &Links) -> Option<AnyView> {
    let query = &*model.query;
    let last = query.last_page(model.total);
    let page = query.page();
    if last <= 1 && page <= 1 {
        return None;
    }
    let step = |to: u32, text: &'static str, label: &'static str, enabled: bool| {
        if enabled {
            view! { <a class="button button-small" href=links.to(query.with_page(to)) aria-label=label>{text}</a> }.into_any()
        } else {
            view! { <span class="button button-small" aria-disabled="true">{text}</span> }
                .into_any()
        }
    };
    Some(view! {
        <nav class="grid-pager" aria-label="Pages">
            {step(1, "« First", "First page", page > 1)}
            {step(page.saturating_sub(1).max(1), "‹ Previous", "Previous page", page > 1)}
            <span class="grid-page-of">{format!("Page {} of {}", thousands(page.into()), thousands(last.into()))}</span>
            {step(page + 1, "Next ›", "Next page", page < last)}
            {step(last, "Last »", "Last page", page < last)}
        </nav>
    }
    .into_any())
}
