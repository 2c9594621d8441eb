//! Building a cart: opening the customer's cart (or a guest's), adding products, changing
//! quantities and removing lines. Each is one store call, and the cart is read back after it,
//! so the page shows what the store holds, never a guess.

use super::step::{Step, refusal};
use anyhow::Result;
use domain::Entity;
use domain::actions::{ActionCommand, ActionResult, ItemOption};
use magento::StoreWrite;
use magento::types::NewCartItem;
use rust_decimal::Decimal;
use serde_json::json;
use store::store_actions::{Outcome, Targets};

/// What to tell the user when a write's answer was lost: it may or may not have happened.
fn no_answer(e: &magento::Error) -> Outcome {
    Outcome::failed(format!(
        "No answer came back from the store ({e}), so this may or may not have happened. The \
         cart was read again from the store: check its lines before trying again."
    ))
}

pub async fn open(
    step: &mut Step<'_>,
    customer: Option<i64>,
    guest_email: Option<&str>,
    store_view: Option<i64>,
) -> Result<Outcome> {
    let pool = step.pool().clone();
    let channel = step.channel_id();
    // Magento takes a new cart's store from the URL: the customer's own store view, the one
    // the user chose, or the channel's first.
    let known = match customer {
        Some(id) => store::checkout::customer_by_magento_id(&pool, channel, id).await?,
        None => None,
    };
    let view = store_view.or(known.as_ref().and_then(|c| c.store_id).filter(|s| *s > 0));
    let code = match view {
        Some(v) => store::checkout::store_code(&pool, channel, v).await?,
        None => store::checkout::default_store_view(&pool, channel)
            .await?
            .map(|(_, code)| code),
    };
    let write = match customer {
        Some(id) => StoreWrite::customer_cart(id),
        None => StoreWrite::guest_cart(),
    }
    .in_store(code);
    let body = match step.send(&write).await? {
        Ok(body) => body,
        Err(e) => {
            let mut outcome = refusal(
                &ActionCommand::CartOpen {
                    customer_magento_id: customer,
                    guest_email: guest_email.map(str::to_string),
                    store_view,
                },
                &e,
            );
            if e.outcome_unknown() {
                outcome.rendered = Some(format!(
                    "No answer came back from the store ({e}); open the cart again (Magento hands \
                     back the same cart)."
                ));
            }
            return Ok(outcome);
        }
    };
    let Some(cart) = magento::answered_id(&body) else {
        return Ok(Outcome::failed(format!(
            "The store answered something other than a cart id: {}",
            snippet(&body)
        )));
    };
    step.reread(Entity::Carts, &[cart]).await;
    let targets = step.cart_targets(cart).await;
    let items = match targets.cart_id {
        Some(id) => store::checkout::line_count(&pool, id).await?,
        None => 0,
    };
    let mut outcome = Outcome::done(ActionResult::CartOpened {
        cart,
        items,
        crm_cart_id: targets.cart_id,
    });
    outcome.targets = Targets {
        customer_id: targets.customer_id.or(known.map(|c| c.id)),
        ..targets
    };
    outcome.cart_magento_id = Some(cart);
    Ok(outcome)
}

/// `product_option` of a configurable line: the chosen value of each option.
fn product_option(options: &[ItemOption]) -> Option<serde_json::Value> {
    if options.is_empty() {
        return None;
    }
    let chosen: Vec<_> = options
        .iter()
        .map(|o| json!({ "option_id": o.attribute_id.to_string(), "option_value": o.value }))
        .collect();
    Some(json!({ "extension_attributes": { "configurable_item_options": chosen } }))
}

pub async fn add(
    step: &mut Step<'_>,
    command: &ActionCommand,
    cart: i64,
    sku: &str,
    qty: Decimal,
    options: &[ItemOption],
) -> Result<Outcome> {
    let item = NewCartItem {
        sku: sku.trim().to_string(),
        qty,
        product_option: product_option(options),
    };
    let answer = step.send(&StoreWrite::add_cart_item(cart, &item)).await?;
    item_answer(step, command, cart, answer).await
}

pub async fn update(
    step: &mut Step<'_>,
    command: &ActionCommand,
    cart: i64,
    item_id: i64,
    qty: Decimal,
) -> Result<Outcome> {
    let answer = step
        .send(&StoreWrite::update_cart_item(cart, item_id, qty))
        .await?;
    item_answer(step, command, cart, answer).await
}

async fn item_answer(
    step: &mut Step<'_>,
    command: &ActionCommand,
    cart: i64,
    answer: Result<serde_json::Value, magento::Error>,
) -> Result<Outcome> {
    let mut outcome = match answer {
        Ok(body) => {
            let item: magento::types::CartItem = match serde_json::from_value(body.clone()) {
                Ok(i) => i,
                Err(e) => {
                    return Ok(Outcome::failed(format!(
                        "The store saved the line but its answer could not be read ({e}): {}",
                        snippet(&body)
                    )));
                }
            };
            Outcome::done(ActionResult::ItemSaved {
                item_id: item.item_id.unwrap_or_default(),
                sku: item.sku.unwrap_or_default(),
                qty: item.qty.unwrap_or_default(),
            })
        }
        Err(e) if e.outcome_unknown() => no_answer(&e),
        Err(e) => refusal(command, &e),
    };
    step.reread(Entity::Carts, &[cart]).await;
    outcome.targets = step.cart_targets(cart).await;
    Ok(outcome)
}

pub async fn remove(
    step: &mut Step<'_>,
    command: &ActionCommand,
    cart: i64,
    item_id: i64,
) -> Result<Outcome> {
    let mut outcome = match step
        .send(&StoreWrite::remove_cart_item(cart, item_id))
        .await?
    {
        Ok(_) => Outcome::done(ActionResult::ItemRemoved),
        Err(e) if e.outcome_unknown() => no_answer(&e),
        Err(e) => refusal(command, &e),
    };
    step.reread(Entity::Carts, &[cart]).await;
    outcome.targets = step.cart_targets(cart).await;
    Ok(outcome)
}

pub(super) fn snippet(body: &serde_json::Value) -> String {
    let text = body.to_string();
    match text.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}
