//! What the store action server functions share: queue a command for the signed-in user, run
//! it (the same path as the command line: `sync::outbound::Actions`), and hand back the action
//! as the log records it.

use domain::actions::{ActionCommand, ActionView};
use domain::checkout::CartBuilder;
use domain::{AppError, CurrentUser, Entity};
use store::store_actions::{ActionFilter, NewAction, Targets};

/// Validates, queues and runs `command`; returns the action once it ended (done, failed, or
/// unknown while the store is checked). A refusal by the store is an action that failed, not
/// an error: the page shows the store's message next to the field it names.
pub async fn run(
    user: &CurrentUser,
    channel_id: i64,
    command: ActionCommand,
    targets: Targets,
) -> Result<ActionView, AppError> {
    command
        .validate()
        .inspect_err(crate::grids::server::status_for)?;
    let pool = crate::server::pool()?;
    ensure_channel_active(&pool, channel_id).await?;
    let actions = crate::server::actions()?;
    let (id, report) = actions
        .submit(NewAction {
            channel_id,
            command: &command,
            targets,
            requested_by: Some(user.id),
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %format!("{e:#}"), "a store action could not run");
            match e.downcast::<store::Error>() {
                Ok(store) => AppError::from(store),
                Err(_) => AppError::Internal,
            }
        })?;
    tracing::info!(by = user.id, action = id, kind = %command.kind(), state = report.state.as_str(), "store action");
    let tz = crate::timezone::server::current();
    crate::grids::server::answer(store::store_actions::get(&pool, id, tz).await)
}

async fn ensure_channel_active(pool: &store::PgPool, channel_id: i64) -> Result<(), AppError> {
    let channel = crate::grids::server::answer(store::channels::get(pool, channel_id).await)?;
    if !channel.is_active {
        return Err(AppError::Conflict(
            "This channel is deactivated: activate it before acting into its store.".into(),
        ));
    }
    Ok(())
}

/// The CRM cart's channel, Magento quote id and customer, for a command on it.
pub async fn cart_key(cart_id: i64) -> Result<(i64, i64, Targets), AppError> {
    let pool = crate::server::pool()?;
    let (channel, magento, customer) =
        crate::grids::server::answer(store::checkout::cart_key(&pool, cart_id).await)?;
    Ok((
        channel,
        magento,
        Targets {
            cart_id: Some(cart_id),
            customer_id: customer,
            ..Targets::default()
        },
    ))
}

/// The cart builder's page: the cart as the store last answered, where the checkout stands,
/// and the cart's latest actions.
pub async fn builder(cart_id: i64) -> Result<CartBuilder, AppError> {
    let pool = crate::server::pool()?;
    let tz = crate::timezone::server::current();
    let mut page = crate::grids::server::answer(store::checkout::builder(&pool, cart_id).await)?;
    let filter = ActionFilter {
        record: Some((Entity::Carts, cart_id)),
        ..ActionFilter::default()
    };
    let (mut recent, _) =
        crate::grids::server::answer(store::store_actions::list(&pool, &filter, 50, 0, tz).await)?;
    // Actions sent before the cart was read back (its opening) are found by its quote id.
    let by_quote = ActionFilter {
        channel_id: Some(page.channel_id),
        ..ActionFilter::default()
    };
    if !recent
        .iter()
        .any(|a| a.kind == domain::actions::ActionKind::CartOpen)
    {
        let (opened, _) = crate::grids::server::answer(
            store::store_actions::list(&pool, &by_quote, 20, 0, tz).await,
        )?;
        recent.extend(
            opened
                .into_iter()
                .filter(|a| a.cart_magento_id == Some(page.cart) && a.cart_id.is_none()),
        );
        recent.sort_by_key(|a| std::cmp::Reverse(a.id));
    }
    page.checkout = domain::checkout::CheckoutState::from_actions(&recent);
    page.pending = recent.iter().find(|a| !a.state.is_final()).cloned();
    recent.truncate(10);
    page.recent = recent;
    Ok(page)
}
