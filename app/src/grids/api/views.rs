//! Saved views (every role may save its own) and the filter panel's choices.

use domain::AppError;
use domain::grid::view::{GridOptions, SavedView};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// The signed-in user's views of a grid.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "list_grid_views")]
pub async fn list_grid_views(grid: String) -> Result<Vec<SavedView>, AppError> {
    let user = crate::auth::server::require(domain::Permission::ReadData)?;
    crate::grids::server::check_grid(&grid)?;
    Ok(store::grid::views::list(&crate::server::pool()?, user.id, &grid).await?)
}

/// Saves the grid state `query` (a query string) under `name`; the same name replaces the
/// view. The state is validated and stored canonical. Returns the view's id.
#[server(output = leptos::server_fn::codec::Postcard, endpoint = "save_grid_view")]
pub async fn save_grid_view(grid: String, name: String, query: String) -> Result<i64, AppError> {
    let user = crate::auth::server::require(domain::Permission::ReadData)?;
    let name = domain::grid::view::validate_view_name(&name)?;
    let pool = crate::server::pool()?;
    let canonical = crate::grids::server::canonical_view(&pool, &grid, &query).await?;
    Ok(store::grid::views::save(&pool, user.id, &grid, &name, &canonical).await?)
}

/// Deletes one of the user's views.
#[server(output = leptos::server_fn::codec::Postcard, endpoint = "delete_grid_view")]
pub async fn delete_grid_view(id: i64) -> Result<(), AppError> {
    let user = crate::auth::server::require(domain::Permission::ReadData)?;
    Ok(store::grid::views::delete(&crate::server::pool()?, user.id, id).await?)
}

/// Channels, websites and order statuses for the filter panel.
#[server(input = GetUrl, output = leptos::server_fn::codec::Postcard, endpoint = "get_grid_options")]
pub async fn get_grid_options() -> Result<GridOptions, AppError> {
    crate::auth::server::require(domain::Permission::ReadData)?;
    Ok(store::grid::options::load(&crate::server::pool()?).await?)
}
