//! The table: sortable headers are links (the sort is part of the URL), cells come from the row.

use super::Links;
use super::cells::cell_view;
use crate::grids::entity::GridEntity;
use domain::grid::{GridField, GridPage};
use leptos::prelude::*;

pub fn table<R: GridEntity>(page: &GridPage<R>, links: &Links, label: &'static str) -> AnyView {
    let query = &page.query;
    let columns = query.columns.clone();
    let headers = columns
        .iter()
        .map(|field| {
            let def = field.def();
            let class = if def.numeric { "num" } else { "" };
            if !def.sortable {
                return view! { <th scope="col" class=class>{def.label}</th> }.into_any();
            }
            let current = (query.sort.field == *field).then_some(query.sort.descending);
            let next = query.with_sort(*field);
            let (aria, mark) = match current {
                Some(true) => ("descending", "▼"),
                Some(false) => ("ascending", "▲"),
                None => ("none", ""),
            };
            let title = format!(
                "Sort by {} {}",
                def.label.to_lowercase(),
                if next.sort.descending {
                    "descending"
                } else {
                    "ascending"
                }
            );
            view! {
                <th scope="col" class=class aria-sort=aria>
                    <a class="sort-link" href=links.to(&next) title=title>
                        {def.label}
                        <span class="sort-mark" aria-hidden="true">{mark}</span>
                    </a>
                </th>
            }
            .into_any()
        })
        .collect_view();
    let rows = page
        .rows
        .iter()
        .map(|row| {
            let cells = columns
                .iter()
                .map(|field| {
                    let class = if field.def().numeric { "num" } else { "" };
                    view! { <td class=class>{cell_view(row.cell(*field))}</td> }
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
