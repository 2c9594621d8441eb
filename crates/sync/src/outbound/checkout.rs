//! The checkout: shipping rates for an address, shipping and billing set (which answers with
//! the payment methods the store offers for this cart), and placing the order.
//!
//! Placing is the one call that must never happen twice (store-actions.md §1.7): `PUT …/order`
//! is sent once; when its answer is lost (a timeout, a dropped connection, a crash) the action
//! is `unknown` until the cart is read again. An inactive cart whose order is found by its
//! quote id means the order was placed (the action is done, with that order); a cart still
//! active means it was not (the rep may place it again). Anything else stays unknown and is
//! checked again by the worker.

use super::cart::snippet;
use super::step::{Step, refusal};
use crate::connectors::RunContext;
use anyhow::Result;
use domain::Entity;
use domain::actions::{
    ActionCommand, ActionResult, AddressChoice, AddressInput, PaymentOption, ShippingRate,
};
use magento::StoreWrite;
use magento::types::{QuoteAddress, ShippingInformation, ShippingInformationResult};
use std::time::Duration;
use store::store_actions::Outcome;

/// Magento 2.4.7+'s answer while another request places the same cart (`CartMutex`): it did
/// not place the order, so waiting and sending again is safe.
const CART_LOCKED: &str = "The cart is locked for processing";
const LOCK_RETRIES: u32 = 3;

fn quote_address(a: &AddressInput, email: Option<String>, saved: Option<i64>) -> QuoteAddress {
    let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    QuoteAddress {
        firstname: opt(&a.firstname),
        lastname: opt(&a.lastname),
        company: a.company.as_deref().and_then(opt),
        street: Some(
            a.street
                .iter()
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty())
                .collect(),
        ),
        city: opt(&a.city),
        region: a.region.as_deref().and_then(opt),
        region_id: a.region_id,
        postcode: opt(&a.postcode),
        country_id: opt(&a.country_id).map(|c| c.to_ascii_uppercase()),
        telephone: opt(&a.telephone),
        email: a.email.as_deref().and_then(opt).or(email),
        customer_address_id: saved,
        ..QuoteAddress::default()
    }
}

/// The address to send for a choice: a saved one is sent with its fields (Magento validates
/// the address it is given) and its `customer_address_id`, so it is not saved again.
async fn resolve_address(
    step: &Step<'_>,
    cart: i64,
    choice: &AddressChoice,
) -> Result<Result<QuoteAddress, String>> {
    let pool = step.pool();
    let ids = store::checkout::cart_ids(pool, step.channel_id(), cart).await?;
    let email = match ids.and_then(|i| i.customer_id) {
        Some(customer) => Some(store::checkout::customer(pool, customer).await?.email),
        None => store::store_actions::guest_email_of_cart(pool, step.channel_id(), cart).await?,
    };
    match choice {
        AddressChoice::Typed(a) => Ok(Ok(quote_address(a, email, None))),
        AddressChoice::Saved(address_id) => {
            let customer = ids.and_then(|i| i.customer_id);
            let saved = match customer {
                Some(c) => store::checkout::saved_address(pool, c, *address_id).await?,
                None => None,
            };
            Ok(match saved {
                Some(a) => Ok(quote_address(&a, email, Some(*address_id))),
                None => Err(
                    "That address is not in this customer's synced address book any more; sync \
                     the customer and choose again."
                        .to_string(),
                ),
            })
        }
    }
}

pub async fn rates(
    step: &mut Step<'_>,
    command: &ActionCommand,
    cart: i64,
    address: &AddressChoice,
) -> Result<Outcome> {
    let write = match address {
        // The saved address as the store knows it.
        AddressChoice::Saved(id) => StoreWrite::estimate_shipping_by_address_id(cart, *id),
        AddressChoice::Typed(_) => match resolve_address(step, cart, address).await? {
            Ok(a) => StoreWrite::estimate_shipping(cart, &a)?,
            Err(message) => return Ok(Outcome::failed(message)),
        },
    };
    let mut outcome = match step.send(&write).await? {
        Ok(body) => {
            match serde_json::from_value::<Vec<magento::types::ShippingMethod>>(body.clone()) {
                Ok(methods) => Outcome::done(ActionResult::Rates(
                    methods
                        .into_iter()
                        .filter_map(|m| {
                            Some(ShippingRate {
                                carrier: m.carrier_code?,
                                method: m.method_code.unwrap_or_default(),
                                carrier_title: m.carrier_title.unwrap_or_default(),
                                method_title: m.method_title.unwrap_or_default(),
                                amount: m.amount,
                                available: m.available.unwrap_or(true),
                                error: m.error_message.filter(|e| !e.is_empty()),
                            })
                        })
                        .collect(),
                )),
                Err(e) => Outcome::failed(format!(
                    "The store's rates could not be read ({e}): {}",
                    snippet(&body)
                )),
            }
        }
        Err(e) => refusal(command, &e),
    };
    outcome.targets = step.cart_targets(cart).await;
    Ok(outcome)
}

pub async fn shipping(
    step: &mut Step<'_>,
    command: &ActionCommand,
    cart: i64,
    shipping: &AddressChoice,
    billing: Option<&AddressChoice>,
    carrier: &str,
    method: &str,
) -> Result<Outcome> {
    let shipping_address = match resolve_address(step, cart, shipping).await? {
        Ok(a) => a,
        Err(message) => {
            let mut o = Outcome::failed(message);
            o.field = Some("shipping".into());
            return Ok(o);
        }
    };
    let billing_address = match billing {
        None => shipping_address.clone(),
        Some(choice) => match resolve_address(step, cart, choice).await? {
            Ok(a) => a,
            Err(message) => {
                let mut o = Outcome::failed(message);
                o.field = Some("billing".into());
                return Ok(o);
            }
        },
    };
    let information = ShippingInformation {
        shipping_address,
        // Sent explicitly: some versions copy the shipping address when it is missing, others
        // leave the cart without one and refuse the order later.
        billing_address: Some(billing_address),
        shipping_carrier_code: carrier.trim().to_string(),
        shipping_method_code: method.trim().to_string(),
        extension_attributes: None,
    };
    let write = StoreWrite::shipping_information(cart, &information)?;
    let mut outcome = match step.send(&write).await? {
        Ok(body) => match serde_json::from_value::<ShippingInformationResult>(body.clone()) {
            Ok(answer) => {
                let totals = answer.totals.unwrap_or_default();
                Outcome::done(ActionResult::Shipping {
                    payment_methods: answer
                        .payment_methods
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(|m| {
                            let code = m.code?;
                            Some(PaymentOption {
                                title: m.title.unwrap_or_else(|| code.clone()),
                                code,
                            })
                        })
                        .collect(),
                    grand_total: totals.grand_total,
                    shipping_amount: totals.shipping_amount,
                    currency: totals.quote_currency_code.or(totals.base_currency_code),
                })
            }
            Err(e) => Outcome::failed(format!(
                "The store saved the shipping but its answer could not be read ({e}): {}",
                snippet(&body)
            )),
        },
        Err(e) => refusal(command, &e),
    };
    step.reread(Entity::Carts, &[cart]).await;
    outcome.targets = step.cart_targets(cart).await;
    Ok(outcome)
}

pub async fn place(
    step: &mut Step<'_>,
    command: &ActionCommand,
    cart: i64,
    payment: &str,
) -> Result<Outcome> {
    // The shopper shares this cart: they may have ordered it meanwhile.
    match step.ctx.client.get_cart(cart).await {
        Ok(c) if c.is_active == Some(false) => return Ok(already_closed(step.ctx, cart).await),
        Ok(_) => {}
        Err(e @ magento::Error::NotFound { .. }) => {
            step.reread(Entity::Carts, &[cart]).await;
            return Ok(Outcome::failed(format!(
                "This cart is no longer in the store ({e}); nothing was placed."
            )));
        }
        Err(e) => return Ok(refusal(command, &e)),
    }
    let write = StoreWrite::place_order(cart, payment.trim());
    let mut waits = 0;
    loop {
        match step.send(&write).await? {
            Ok(body) => {
                return Ok(match magento::answered_id(&body) {
                    Some(order) => placed(step.ctx, cart, order).await,
                    // The store says it placed something: find it by the cart, as after a
                    // lost answer.
                    None => find_order(step.ctx, cart).await,
                });
            }
            Err(e)
                if waits < LOCK_RETRIES
                    && e.store_message()
                        .is_some_and(|m| m.message.starts_with(CART_LOCKED)) =>
            {
                waits += 1;
                tokio::time::sleep(Duration::from_millis(500 * u64::from(waits))).await;
            }
            Err(e) if e.outcome_unknown() => {
                tracing::warn!(channel = step.channel_id(), cart, error = %e, "no answer to placing an order; looking for it in the store");
                let mut outcome = find_order(step.ctx, cart).await;
                outcome.http_status = e.status().map(i32::from);
                return Ok(outcome);
            }
            Err(e) => {
                // Some refusals change the cart (an empty cart is deactivated).
                step.reread(Entity::Carts, &[cart]).await;
                let mut outcome = refusal(command, &e);
                outcome.targets = step.cart_targets(cart).await;
                return Ok(outcome);
            }
        }
    }
}

/// The order a placed cart became, read into the CRM at once so its page opens with the real
/// increment id (writing it also marks the cart Purchased). The cart itself and the customer
/// (whose address book may have grown) are re-read after the outcome is recorded.
async fn placed(ctx: &RunContext, cart: i64, order: i64) -> Outcome {
    let _ = crate::retry::reread(ctx, Entity::Orders, &[order]).await;
    let ids = store::checkout::cart_ids(&ctx.pool, ctx.channel_id, cart)
        .await
        .ok()
        .flatten();
    let mut reread_after = vec![(Entity::Carts, cart)];
    if let Ok(Some(customer)) =
        store::checkout::cart_customer_magento_id(&ctx.pool, ctx.channel_id, cart).await
    {
        reread_after.push((Entity::Customers, customer));
    }
    let (crm_order, increment) = store::checkout::order_ids(&ctx.pool, ctx.channel_id, order)
        .await
        .ok()
        .flatten()
        .map_or((None, None), |(id, inc)| (Some(id), inc));
    let mut outcome = Outcome::done(ActionResult::Placed {
        order_magento_id: order,
        increment_id: increment,
        crm_order_id: crm_order,
    });
    outcome.targets.order_id = crm_order;
    outcome.targets.cart_id = ids.map(|i| i.id);
    outcome.targets.customer_id = ids.and_then(|i| i.customer_id);
    outcome.reread_after = reread_after;
    outcome
}

/// What became of a `PUT …/order` whose answer never came (or of a cart about to be placed
/// that turned out closed): the cart tells.
pub async fn find_order(ctx: &RunContext, cart: i64) -> Outcome {
    match ctx.client.get_cart(cart).await {
        Ok(c) if c.is_active == Some(false) => match ctx.client.orders_of_cart(cart).await {
            Ok(orders) => match orders.iter().filter_map(|o| o.entity_id).max() {
                Some(order) => placed(ctx, cart, order).await,
                None => Outcome::unknown(
                    "The cart is closed in the store, but no order from it was found yet; \
                     Cartwise keeps looking.",
                ),
            },
            Err(e) => Outcome::unknown(format!(
                "The cart is closed in the store; its order could not be looked up yet ({e}). \
                 Cartwise keeps looking."
            )),
        },
        Ok(_) => {
            let _ = crate::retry::reread(ctx, Entity::Carts, &[cart]).await;
            Outcome::failed(
                "No answer came back from the store, and the cart is still open there: no order \
                 was placed. You may place it again.",
            )
        }
        Err(e) => Outcome::unknown(format!(
            "No answer came back from the store, and it cannot be checked right now ({e}). \
             Cartwise checks again before anything is sent."
        )),
    }
}

/// A cart closed before this action placed it: the shopper (or someone) ordered it, or the
/// store deactivated it. Nothing is placed.
async fn already_closed(ctx: &RunContext, cart: i64) -> Outcome {
    let found = ctx
        .client
        .orders_of_cart(cart)
        .await
        .ok()
        .and_then(|orders| {
            orders
                .iter()
                .filter_map(|o| Some((o.entity_id?, o.increment_id.clone())))
                .max_by_key(|(id, _)| *id)
        });
    let _ = crate::retry::reread(ctx, Entity::Carts, &[cart]).await;
    match found {
        Some((order, increment)) => {
            let _ = crate::retry::reread(ctx, Entity::Orders, &[order]).await;
            let crm = store::checkout::order_ids(&ctx.pool, ctx.channel_id, order)
                .await
                .ok()
                .flatten();
            let mut outcome = Outcome::failed(format!(
                "This cart was already turned into order {} (by the shopper or another user), so \
                 nothing was placed.",
                increment.unwrap_or_else(|| order.to_string())
            ));
            outcome.field = Some("cart".into());
            outcome.targets.order_id = crm.map(|(id, _)| id);
            outcome
        }
        None => Outcome::failed(
            "This cart is no longer active in the store (it was emptied, merged or expired), so \
             nothing was placed.",
        ),
    }
}
