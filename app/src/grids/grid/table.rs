//! The table: sortable headers are links (the sort is part of the URL), cells come from the row.

use super::Links;
use super::cells::cell_view;
use super::model::Model;
use leptos::prelude::*;

pub fn table(model: &Model, links: &Links, label: &'static str) -> AnyView {
    let query = &*model.query;
    let columns = query.columns();
    let (sort_key, sort_descending) = query.sort();
    let headers = columns
        .iter()
        .map(|def| {
            let class = if def.numeric { "num" } else { "" };
            if !def.sortable {
                return view! { <th scope="col" class=class>{def.label}</th> }.into_any();
            }
            let current = (sort_key == def.key).then_some(sort_descending);
            let (next, next_descending) = query.with_sort(def.key);
            let (aria, mark) = match current {
                Some(true) => ("descending", "▼"),
                Some(false) => ("ascending", "▲"),
                None => ("none", ""),
            };
            let title = format!(
                "Sort by {} {}",
                def.label.to_lowercase(),
                if next_descending {
                    "descending"
                } else {
                    "ascending"
                }
            );
            view! {
                <th scope="col" class=class aria-sort=aria>
                    <a class="sort-link" href=links.to(next) title=title>
                        {def.label}
                        <span class="sort-mark" aria-hidden="true">{mark}</span>
                    </a>
                </th>
            }
            .into_any()
        })
        .collect_view();
    let rows = model
        .rows
        .iter()
        .map(|cells| {
            let cells = cells
                .iter()
                .zip(&columns)
                .map(|(cell, def)| {
                    let class = if def.numeric { "num" } else { "" };
                    view! { <td class=class>{cell_view(cell.clone())}</td> }
                })
                .collect_view();
            view! { <tr>{cells}</tr> }
        })
        .collect_view();
    view! {
        <div class="card card-flush grid-table-wrap">
            <table class="table grid-table">
                <caption class="visually-hidden">{label}</caption>
                <thead><tr>{headers}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
