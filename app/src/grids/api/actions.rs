//! Mark a cart lost / reopen it from the cart's header: a Sales action (`StoreActions`),
//! refused to Viewer and Marketing whatever the page shows. Both go through the cart's
//! follow-up, so the step and the status move together (Lost is a closed follow-up).

use domain::{AppError, CartStatus};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
async fn follow_up(id: i64, action: domain::follow_up::CartAction) -> Result<CartStatus, AppError> {
    let user = crate::auth::server::require(domain::Permission::StoreActions)?;
    let actor = store::follow_ups::Actor {
        id: user.id,
        name: user.name.clone(),
        admin: user.role == domain::Role::Administrator,
    };
    let today = crate::activities::server::today();
    let done = crate::grids::server::answer(
        store::follow_ups::act(&crate::server::pool()?, id, &actor, &action, today).await,
    )?;
    tracing::info!(
        by = user.id,
        cart = id,
        status = done.status.as_str(),
        "cart status set"
    );
    Ok(done.status)
}

/// Marks an open or expired cart lost (sticky: syncs keep it). Returns the new status.
#[server(output = leptos::server_fn::codec::Postcard, endpoint = "mark_cart_lost")]
pub async fn mark_cart_lost(id: i64) -> Result<CartStatus, AppError> {
    follow_up(
        id,
        domain::follow_up::CartAction::Lost {
            reason: "Marked lost from the cart's page".into(),
        },
    )
    .await
}

/// Reopens a lost or converted cart: it becomes open, expired or purchased by the rules. A
/// cart marked lost before follow-ups existed has none: only its status is reopened.
#[server(output = leptos::server_fn::codec::Postcard, endpoint = "reopen_cart")]
pub async fn reopen_cart(id: i64) -> Result<CartStatus, AppError> {
    let user = crate::auth::server::require(domain::Permission::StoreActions)?;
    let pool = crate::server::pool()?;
    let tz = crate::timezone::server::current();
    let has_follow_up =
        crate::grids::server::answer(store::follow_ups::cart(&pool, id, tz).await)?.is_some();
    if has_follow_up {
        return follow_up(id, domain::follow_up::CartAction::Reopen).await;
    }
    let status = crate::grids::server::answer(store::grid::cart_actions::reopen(&pool, id).await)?;
    tracing::info!(
        by = user.id,
        cart = id,
        status = status.as_str(),
        "cart reopened"
    );
    Ok(status)
}
