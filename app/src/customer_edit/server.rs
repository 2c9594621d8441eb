//! What the customer server functions share: finding the store's customer behind a CRM one,
//! refusing what the channel does not allow, and queuing the action.

use super::api::CreatedCustomer;
use domain::actions::{ActionCommand, ActionResult, ActionState, ActionView, NewCustomer};
use domain::customer_edit::CustomerEdit;
use domain::{AppError, CurrentUser, SyncPriority};
use store::store_actions::Targets;

/// The channel and Magento id of CRM customer `id`, refused when it cannot be edited (guest,
/// removed, one-way channel), with the reason the form shows.
async fn editable(id: i64) -> Result<(i64, i64), AppError> {
    let pool = crate::server::pool()?;
    let form = crate::grids::server::answer(store::customer_edit::form(&pool, id).await)?;
    if let Some(reason) = form.read_only {
        return Err(AppError::Conflict(reason));
    }
    let magento = form
        .magento_id
        .ok_or_else(|| AppError::Conflict("A guest has no account in the store to edit.".into()))?;
    Ok((form.channel_id, magento))
}

pub async fn edit(
    user: &CurrentUser,
    customer: i64,
    edit: CustomerEdit,
    force: bool,
) -> Result<ActionView, AppError> {
    let (channel, magento) = editable(customer).await?;
    crate::actions::server::run(
        user,
        channel,
        ActionCommand::CustomerUpdate {
            customer: magento,
            edit,
            force,
        },
        Targets {
            customer_id: Some(customer),
            ..Targets::default()
        },
    )
    .await
}

/// Sends an edit whose conflicts kept the store's values again, the user's values winning.
pub async fn resend(user: &CurrentUser, action: i64) -> Result<ActionView, AppError> {
    let pool = crate::server::pool()?;
    let tz = crate::timezone::server::current();
    let earlier = crate::grids::server::answer(store::store_actions::get(&pool, action, tz).await)?;
    let ActionCommand::CustomerUpdate { edit, .. } = earlier.command else {
        return Err(AppError::invalid(
            "action",
            "Only a customer edit can be sent again.",
        ));
    };
    let kept_store = matches!(
        &earlier.result,
        Some(ActionResult::CustomerSaved { conflicts, .. })
            if conflicts.iter().any(|c| c.kept == SyncPriority::Remote)
    );
    if earlier.state != ActionState::Done || !kept_store {
        return Err(AppError::invalid(
            "action",
            "Nothing of this edit was overruled by the store: there is nothing to send again.",
        ));
    }
    let customer = earlier.customer_id.ok_or(AppError::NotFound)?;
    self::edit(user, customer, edit, true).await
}

pub async fn create(
    user: &CurrentUser,
    channel: i64,
    mut customer: NewCustomer,
) -> Result<CreatedCustomer, AppError> {
    let pool = crate::server::pool()?;
    let channels =
        crate::grids::server::answer(store::customer_edit::new_customer_channels(&pool).await)?;
    let Some(ch) = channels.iter().find(|c| c.channel_id == channel) else {
        return Err(AppError::Conflict(
            "Customers can be created only in an active channel with two-way sync on.".into(),
        ));
    };
    // The website is the store view's: Magento refuses a pair that does not match.
    let Some((_, website, _)) = ch.store_views.iter().find(|v| v.0 == customer.store_id) else {
        return Err(AppError::invalid(
            "store_id",
            "Choose a store view of this channel.",
        ));
    };
    customer.website_id = *website;
    let (email, website_id) = (customer.email.trim().to_owned(), customer.website_id);
    let action = crate::actions::server::run(
        user,
        channel,
        ActionCommand::CustomerCreate(Box::new(customer)),
        Targets::default(),
    )
    .await?;
    let existing =
        if action.state == ActionState::Failed && action.field.as_deref() == Some("email") {
            crate::grids::server::answer(
                store::customer_edit::by_email_in_website(&pool, channel, website_id, &email).await,
            )?
        } else {
            None
        };
    Ok(CreatedCustomer { action, existing })
}

pub async fn subscription(
    user: &CurrentUser,
    customer: Option<i64>,
    subscriber: Option<i64>,
    subscribe: bool,
) -> Result<ActionView, AppError> {
    let pool = crate::server::pool()?;
    let (channel, command, targets) = match (customer, subscriber) {
        (Some(id), None) => {
            let (channel, magento) = editable(id).await?;
            (
                channel,
                ActionCommand::Subscription {
                    customer: Some(magento),
                    subscriber: None,
                    subscribe,
                },
                Targets {
                    customer_id: Some(id),
                    ..Targets::default()
                },
            )
        }
        (None, Some(id)) => {
            let (channel, magento, customer, _) = crate::grids::server::answer(
                store::customer_edit::subscriber_key(&pool, id).await,
            )?;
            let rules =
                crate::grids::server::answer(store::customer_edit::rules(&pool, channel).await)?;
            if !rules.two_way {
                return Err(AppError::Conflict(
                    store::customer_edit::read_only_reason(false, false, false).unwrap_or_default(),
                ));
            }
            let command = match (customer, magento) {
                // A registered customer's row: through the customer, as Magento does.
                (Some(c), _) => ActionCommand::Subscription {
                    customer: Some(c),
                    subscriber: None,
                    subscribe,
                },
                (None, Some(m)) => ActionCommand::Subscription {
                    customer: None,
                    subscriber: Some(m),
                    subscribe,
                },
                (None, None) => {
                    return Err(AppError::Conflict(
                        "This subscriber is known only from a customer's flag; change it on the customer.".into(),
                    ));
                }
            };
            (
                channel,
                command,
                Targets {
                    subscriber_id: Some(id),
                    ..Targets::default()
                },
            )
        }
        _ => {
            return Err(AppError::invalid(
                "subscriber",
                "Choose a customer or a guest subscriber.",
            ));
        }
    };
    crate::actions::server::run(user, channel, command, targets).await
}
