//! Mark a cart lost / reopen it: a Sales action (`StoreActions`), refused to Viewer and
//! Marketing whatever the page shows.

use domain::{AppError, CartStatus};
use leptos::prelude::*;

/// Marks an open or expired cart lost (sticky: syncs keep it). Returns the new status.
#[server(output = leptos::server_fn::codec::Postcard, endpoint = "mark_cart_lost")]
pub async fn mark_cart_lost(id: i64) -> Result<CartStatus, AppError> {
    let user = crate::auth::server::require(domain::Permission::StoreActions)?;
    let status = crate::grids::server::answer(
        store::grid::cart_actions::mark_lost(&crate::server::pool()?, id).await,
    )?;
    tracing::info!(by = user.id, cart = id, "cart marked lost");
    Ok(status)
}

/// Reopens a lost or converted cart: it becomes open, expired or purchased by the rules.
#[server(output = leptos::server_fn::codec::Postcard, endpoint = "reopen_cart")]
pub async fn reopen_cart(id: i64) -> Result<CartStatus, AppError> {
    let user = crate::auth::server::require(domain::Permission::StoreActions)?;
    let status = crate::grids::server::answer(
        store::grid::cart_actions::reopen(&crate::server::pool()?, id).await,
    )?;
    tracing::info!(
        by = user.id,
        cart = id,
        status = status.as_str(),
        "cart reopened"
    );
    Ok(status)
}
