//! The one grid component, generic over the row type. Its whole state is the URL: it reads the
//! page's query string, asks the grid's server function for that page, and draws every control
//! (sort headers, filters, chips, pager, columns, views, export) as links and GET forms built
//! from the state the server applied. So links can be shared, back/forward work, the server
//! renders any state without JavaScript, and with JavaScript the same links navigate in place.

mod cells;
mod chips;
mod filters;
mod links;
mod model;
mod pager;
mod submit;
mod table;
mod toolbar;

pub use links::Links;
use model::Model;

use crate::components::error::ErrorMessage;
use crate::grids::api;
use crate::grids::entity::GridEntity;
use domain::grid::GridField;
use domain::grid::view::GridOptions;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// How a grid sits in its page.
#[derive(Clone, Debug, Default)]
pub struct GridSetup {
    /// Filters the page fixes (a record page's related list, e.g. `customer=12`): sent with
    /// every request, never shown as removable.
    pub fixed: Vec<(String, String)>,
    /// URL parameters of the page itself, kept in every link (a record page's `tab`).
    pub keep: Vec<(String, String)>,
    /// A related list: sorting and paging only (no filter panel, views, columns or export).
    pub compact: bool,
    /// The table's accessible name.
    pub label: &'static str,
}

/// A grid of `R` rows in the current page.
pub fn grid<R: GridEntity>(setup: GridSetup) -> impl IntoView {
    let location = use_location();
    let setup = StoredValue::new(setup);
    let links = Memo::new(move |_| {
        setup.with_value(|s| Links {
            path: location.pathname.get(),
            keep: s.keep.clone(),
            fixed: s.fixed.clone(),
        })
    });
    let request = Memo::new(move |_| links.with(|l| location.query.with(|q| l.request(q))));
    let page = crate::data::data(move || request.get(), R::fetch);
    let compact = setup.with_value(|s| s.compact);
    let options = crate::data::data(
        move || compact,
        |compact| async move {
            if compact {
                Ok(GridOptions::default())
            } else {
                api::get_grid_options().await
            }
        },
    );
    let views = toolbar::ViewsState::new(R::Field::GRID, compact);
    // A view just saved opens (in the browser; without JavaScript the form returns to the page
    // and the new view is listed).
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(id) = views.just_saved() {
            let links = links.get_untracked();
            let mut pairs = links.keep.clone();
            pairs.push(("view".into(), id.to_string()));
            navigate(
                &crate::grids::codec::href(&links.path, &pairs),
                Default::default(),
            );
        }
    });
    let (pending, set_pending) = signal(false);

    view! {
        <div class="grid" class:grid-compact=compact class:is-loading=pending aria-busy=move || pending.get().to_string()>
            <div class="grid-progress" aria-hidden="true"></div>
            <Transition fallback=|| view! { <GridSkeleton /> } set_pending>
                {move || Suspend::new(async move {
                    let result = page.await;
                    let options = options.await.unwrap_or_default();
                    let saved = views.list().await;
                    let links = links.get_untracked();
                    match result {
                        Ok(page) => body(Model::new(page), options, saved, links, setup.get_value(), views),
                        Err(error) => view! {
                            <ErrorMessage error />
                            <p><a href=links.reset()>"Reset this grid"</a></p>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

/// Everything below the progress bar, drawn from the page the server answered (not generic:
/// compiled once for every row type).
fn body(
    model: Model,
    options: GridOptions,
    saved: Vec<domain::grid::view::SavedView>,
    links: Links,
    setup: GridSetup,
    views: toolbar::ViewsState,
) -> AnyView {
    let toolbar = (!setup.compact).then(|| toolbar::toolbar(&model, &links, saved, views));
    let panel = (!setup.compact).then(|| filters::panel(&model, &options, &links));
    let chips = chips::chips(&model, &options, &links);
    let summary = pager::summary(&model, &links);
    let content = if model.rows.is_empty() {
        empty(&model, &links)
    } else {
        table::table(&model, &links, setup.label)
    };
    let pager = pager::pager(&model, &links);
    view! {
        {toolbar}
        {panel}
        {chips}
        {summary}
        {content}
        {pager}
    }
    .into_any()
}

/// What an empty page says: nothing synced yet, nothing matches, or past the last page.
fn empty(model: &Model, links: &Links) -> AnyView {
    let query = &*model.query;
    let fixed: Vec<&str> = links.fixed.iter().map(|(k, _)| k.as_str()).collect();
    let filtered = query.is_filtered_except(&fixed);
    let noun = model.noun;
    if model.total > 0 {
        let last = query.with_page(query.last_page(model.total));
        return view! {
            <div class="grid-empty" role="status">
                <p>"This page is past the last one."</p>
                <a class="button" href=links.to(last)>"Go to the last page"</a>
            </div>
        }
        .into_any();
    }
    if filtered {
        let cleared = query.cleared(&|key| links.is_fixed(key));
        view! {
            <div class="grid-empty" role="status">
                <p><strong>{format!("No {noun} match these filters.")}</strong></p>
                <p class="muted">"Change or remove a filter to see more."</p>
                <a class="button" href=links.to(cleared)>"Clear filters"</a>
            </div>
        }
        .into_any()
    } else if !links.fixed.is_empty() {
        view! {
            <div class="grid-empty" role="status">
                <p>{format!("No {noun} here.")}</p>
            </div>
        }
        .into_any()
    } else {
        view! {
            <div class="grid-empty" role="status">
                <p><strong>{format!("No {noun} yet.")}</strong></p>
                <p class="muted">"They appear here once a channel that syncs them has run."</p>
            </div>
        }
        .into_any()
    }
}

/// The first load's placeholder, shaped like a grid so nothing jumps when rows arrive.
#[component]
fn GridSkeleton() -> impl IntoView {
    view! {
        <div class="grid-skeleton" aria-hidden="true">
            {(0..8).map(|_| view! { <div class="grid-skeleton-row"></div> }).collect_view()}
        </div>
        <p class="visually-hidden" role="status">"Loading…"</p>
    }
}
