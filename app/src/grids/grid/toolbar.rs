//! Above the grid: saved views, the column chooser and the CSV export.

use super::Links;
use super::filters::hidden;
use super::model::Model;
use super::submit::GridForm;
use crate::components::error::ErrorMessage;
use crate::grids::api::{DeleteGridView, SaveGridView, list_grid_views};
use crate::grids::codec;
use domain::grid::view::SavedView;
use leptos::prelude::*;

/// The saved views of a grid and the actions that change them.
#[derive(Clone, Copy)]
pub struct ViewsState {
    save: ServerAction<SaveGridView>,
    delete: ServerAction<DeleteGridView>,
    list: crate::data::Data<Vec<SavedView>>,
}

impl ViewsState {
    /// The views of the grid named `grid` (none for a related list).
    pub fn new(grid: &'static str, compact: bool) -> Self {
        let save = ServerAction::<SaveGridView>::new();
        let delete = ServerAction::<DeleteGridView>::new();
        let list = crate::data::data(
            move || (save.version().get(), delete.version().get()),
            move |_| async move {
                if compact {
                    Vec::new()
                } else {
                    // A failure to list views must not hide the grid: no views then.
                    list_grid_views(grid.to_string()).await.unwrap_or_default()
                }
            },
        );
        ViewsState { save, delete, list }
    }

    pub async fn list(self) -> Vec<SavedView> {
        self.list.await
    }

    /// The id of the view just saved (tracked).
    pub fn just_saved(self) -> Option<i64> {
        self.save.value().get().and_then(Result::ok)
    }
}

pub fn toolbar(model: &Model, links: &Links, saved: Vec<SavedView>, views: ViewsState) -> AnyView {
    view! {
        <div class="grid-toolbar">
            {views_menu(model, links, saved, views)}
            {columns_menu(model, links)}
            {export_link(model, links)}
        </div>
    }
    .into_any()
}

fn views_menu(model: &Model, links: &Links, saved: Vec<SavedView>, views: ViewsState) -> AnyView {
    let current = model.query.view();
    let grid = model.grid;
    let current_name = saved
        .iter()
        .find(|v| Some(v.id) == current)
        .map(|v| v.name.clone());
    let summary = match &current_name {
        Some(name) => format!("View: {name}"),
        None => "Views".to_string(),
    };
    // The state a new view saves: filters, sort, columns, page size.
    let state: Vec<(String, String)> = model
        .query
        .pairs()
        .into_iter()
        .filter(|(k, _)| k != "page" && k != "view" && !links.is_fixed(k))
        .collect();
    let state = codec::encode_pairs(&state);
    let items = saved
        .into_iter()
        .map(|v| {
            let mut pairs = links.keep.clone();
            pairs.push(("view".into(), v.id.to_string()));
            let href = codec::href(&links.path, &pairs);
            let is_current = Some(v.id) == current;
            let delete_label = format!("Delete view {}", v.name);
            view! {
                <li class="grid-view-item">
                    <a href=href aria-current=is_current.then_some("true")>{v.name.clone()}</a>
                    <ActionForm action=views.delete attr:class="inline-form">
                        <input type="hidden" name="id" value=v.id.to_string() />
                        <button type="submit" class="button button-small button-quiet" aria-label=delete_label>"Delete"</button>
                    </ActionForm>
                </li>
            }
        })
        .collect_view();
    let saved_result = views.save.value();
    let deleted_result = views.delete.value();
    let name_value = current_name.unwrap_or_default();
    view! {
        <details class="grid-menu">
            <summary class="button">{summary}</summary>
            <div class="grid-menu-body">
                <ul class="grid-view-list" aria-label="Saved views">
                    {items}
                </ul>
                <ActionForm action=views.save attr:class="grid-view-save">
                    <input type="hidden" name="grid" value=grid />
                    <input type="hidden" name="query" value=state />
                    <label class="field">
                        <span>"Save the current filters, sort and columns as"</span>
                        <input type="text" name="name" required maxlength="80" placeholder="View name" value=name_value />
                    </label>
                    <button type="submit" class="button button-small button-primary">"Save view"</button>
                </ActionForm>
                {move || saved_result.get().map(|r| match r {
                    Ok(_) => view! { <p class="alert alert-success" role="status">"View saved."</p> }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                })}
                {move || deleted_result.get().and_then(Result::err).map(|error| view! { <ErrorMessage error /> })}
            </div>
        </details>
    }
    .into_any()
}

fn columns_menu(model: &Model, links: &Links) -> AnyView {
    let query = &*model.query;
    let visible = query.columns();
    let boxes = query
        .fields()
        .into_iter()
        .filter(|f| f.column)
        .map(|f| {
            let checked = visible.iter().any(|c| c.key == f.key);
            view! {
                <label class="grid-check">
                    <input type="checkbox" name="cols" value=f.key checked=checked />
                    <span>{f.label}</span>
                </label>
            }
        })
        .collect_view();
    let carried: Vec<(String, String)> = query
        .pairs()
        .into_iter()
        .filter(|(k, _)| k != "cols" && k != "page" && k != "view" && !links.is_fixed(k))
        .chain(links.keep.iter().cloned())
        .collect();
    let carried = hidden(&carried);
    view! {
        <details class="grid-menu">
            <summary class="button">"Columns"</summary>
            <div class="grid-menu-body">
                <GridForm path=links.path.clone() class="grid-columns-form" label="Columns">
                    <fieldset class="grid-choices">
                        <legend>"Show these columns"</legend>
                        {boxes}
                    </fieldset>
                    {carried}
                    <button type="submit" class="button button-small button-primary">"Apply"</button>
                </GridForm>
            </div>
        </details>
    }
    .into_any()
}

fn export_link(model: &Model, links: &Links) -> Option<AnyView> {
    let endpoint = model.export?;
    let mut state: Vec<(String, String)> = model
        .query
        .pairs()
        .into_iter()
        .filter(|(k, _)| k != "page" && k != "view")
        .collect();
    state.retain(|(k, _)| !links.is_fixed(k));
    state.extend(links.fixed.iter().cloned());
    let href = codec::href(
        endpoint,
        &[("query".to_string(), codec::encode_pairs(&state))],
    );
    let title = format!(
        "Download all {} {} matching these filters as CSV",
        crate::format::thousands(model.total),
        model.noun
    );
    Some(
        view! {
            <a class="button" href=href download="" title=title>"Export CSV"</a>
        }
        .into_any(),
    )
}
