//! "Sync this record": one record re-read from the store now, with what it hangs on (an
//! order's cart and customer, a cart's customer, a credit memo's order).

use super::step::Step;
use anyhow::Result;
use domain::Entity;
use domain::actions::ActionResult;
use store::store_actions::{Outcome, Targets};

pub async fn sync(step: &mut Step<'_>, entity: Entity, magento_id: i64) -> Result<Outcome> {
    let route = format!("GET {} {magento_id} (re-read)", entity.as_str());
    // Nothing is written to the store: the route names the read, for the log.
    step.note(&route).await?;
    let found = step.reread(entity, &[magento_id]).await;
    let pool = step.pool().clone();
    let channel = step.channel_id();
    match entity {
        Entity::Orders => {
            let (cart, customer) = store::checkout::order_links(&pool, channel, magento_id).await?;
            if let Some(cart) = cart {
                step.reread(Entity::Carts, &[cart]).await;
            }
            if let Some(customer) = customer {
                step.reread(Entity::Customers, &[customer]).await;
            }
        }
        Entity::Carts => {
            if let Some(customer) =
                store::checkout::cart_customer_magento_id(&pool, channel, magento_id).await?
            {
                step.reread(Entity::Customers, &[customer]).await;
            }
        }
        _ => {}
    }
    let crm = store::checkout::crm_id(&pool, channel, entity, magento_id).await?;
    let mut targets = Targets::default();
    match entity {
        Entity::Customers => targets.customer_id = crm,
        Entity::Carts => targets.cart_id = crm,
        Entity::Orders => targets.order_id = crm,
        Entity::Products => targets.product_id = crm,
        Entity::CreditMemos => targets.credit_memo_id = crm,
        Entity::NewsletterSubscribers => targets.subscriber_id = crm,
    }
    let mut outcome = Outcome::done(ActionResult::Synced { found });
    outcome.targets = targets;
    if !found {
        outcome.rendered = Some(format!(
            "The store did not return this record ({route}): it may have been deleted there. The \
             CRM keeps its last copy."
        ));
    }
    Ok(outcome)
}
